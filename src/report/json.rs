//! The JSON report: the [`Audit`] serialised as it is (the contract of DESIGN.md).

use super::Audit;

/// Pretty-printed JSON with a trailing newline.
pub fn render(audit: &Audit) -> String {
    let mut text =
        serde_json::to_string_pretty(audit).expect("the audit is plain data and always serialises");
    text.push('\n');
    text
}
