//! JUnit XML for GitLab and Jenkins: one test suite per check, one test case per component and check, and one
//! `<failure>` for a case with errors (all of them in its text); warnings and notes go to the case's output.
//!
//! The counts agree at every level (a case fails once however many errors it has, a suite counts its failed
//! cases, the root sums the suites), as the junit-10 XSD's readers (junitparser, xunitparser, Jenkins) count
//! them; the timestamp is on each `<testsuite>`, the only element the XSD gives one.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Audit;
use crate::findings::{Code, Finding, Severity};

/// The checks every audit runs, in report order; a suite per check every finding code names (from the codes'
/// documentation), so no finding falls into a catch-all suite.
fn checks() -> Vec<&'static str> {
    let mut order = vec![
        "manifest",
        "integrity",
        "license",
        "signature",
        "provenance",
        "documentation",
        "maintenance",
        "checklist",
    ];
    for code in Code::ALL {
        let check = code.doc().check;
        if !order.contains(&check) {
            order.push(check);
        }
    }
    order
}

/// XML text with `& < > " '` escaped and characters XML forbids dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders the audit as JUnit XML.
pub fn render(audit: &Audit) -> String {
    let checks = checks();
    let mut cases: BTreeMap<&str, BTreeMap<String, Vec<&Finding>>> = BTreeMap::new();
    for check in &checks {
        let suite = cases.entry(check).or_default();
        suite.insert("project".to_string(), Vec::new());
        if !matches!(*check, "manifest" | "checklist") {
            for component in &audit.components {
                suite.insert(component.id.clone(), Vec::new());
            }
        }
    }
    let mut extra: Vec<&str> = Vec::new();
    for finding in &audit.findings {
        let check = checks
            .iter()
            .find(|c| **c == finding.check)
            .copied()
            .unwrap_or_else(|| {
                // a check this build does not list (a future code): its own suite, never a catch-all
                if !extra.contains(&finding.check.as_str()) {
                    extra.push(finding.check.as_str());
                }
                finding.check.as_str()
            });
        let case = finding.component.clone().unwrap_or_else(|| "project".to_string());
        cases
            .entry(check)
            .or_default()
            .entry(case)
            .or_default()
            .push(finding);
    }
    let failed = |suite: &BTreeMap<String, Vec<&Finding>>| {
        suite
            .values()
            .filter(|findings| findings.iter().any(|f| f.severity == Severity::Error))
            .count()
    };
    let total_tests: usize = cases.values().map(BTreeMap::len).sum();
    let total_failures: usize = cases.values().map(failed).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"aitrust\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">"
    );
    for check in checks.iter().chain(extra.iter()) {
        let Some(suite) = cases.get(check) else { continue };
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" timestamp=\"{}\">",
            escape(check),
            suite.len(),
            failed(suite),
            escape(&audit.generated_at)
        );
        for (case, findings) in suite {
            let _ = write!(
                xml,
                "    <testcase classname=\"aitrust.{}\" name=\"{}\"",
                escape(check),
                escape(case)
            );
            if findings.is_empty() {
                xml.push_str("/>\n");
                continue;
            }
            xml.push_str(">\n");
            let errors: Vec<&&Finding> = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            if let Some(first) = errors.first() {
                let (kind, message) = if errors.len() == 1 {
                    (first.code.clone(), first.message.clone())
                } else {
                    let mut codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
                    codes.dedup();
                    (
                        codes.join(" "),
                        format!("{} errors: {}", errors.len(), first.message),
                    )
                };
                let text: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{} {}\nhelp: {}{}", e.code, e.message, e.help, location(e)))
                    .collect();
                let _ = writeln!(
                    xml,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    escape(&kind),
                    escape(&message),
                    escape(&text.join("\n\n"))
                );
            }
            let others: Vec<String> = findings
                .iter()
                .filter(|f| f.severity != Severity::Error)
                .map(|f| format!("{} {}: {}{}", f.severity.as_str(), f.code, f.message, location(f)))
                .collect();
            if !others.is_empty() {
                let _ = writeln!(
                    xml,
                    "      <system-out>{}</system-out>",
                    escape(&others.join("\n"))
                );
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn location(finding: &Finding) -> String {
    finding
        .location
        .as_ref()
        .map(|l| format!(" ({}:{})", l.path, l.line))
        .unwrap_or_default()
}
