//! JUnit XML for GitLab and Jenkins: one test suite per check, one test case per component and check, a
//! failure for each error; warnings and notes are reported in the case's output.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Audit;
use crate::findings::{Finding, Severity};

/// The checks every audit runs, in report order.
const CHECKS: &[&str] = &[
    "manifest",
    "integrity",
    "license",
    "signature",
    "provenance",
    "documentation",
    "checklist",
];

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
    let mut cases: BTreeMap<&str, BTreeMap<String, Vec<&Finding>>> = BTreeMap::new();
    for check in CHECKS {
        let suite = cases.entry(check).or_default();
        suite.insert("project".to_string(), Vec::new());
        if !matches!(*check, "manifest" | "checklist") {
            for component in &audit.components {
                suite.insert(component.id.clone(), Vec::new());
            }
        }
    }
    for finding in &audit.findings {
        let suite = cases
            .entry(
                CHECKS
                    .iter()
                    .find(|c| **c == finding.check)
                    .copied()
                    .unwrap_or("other"),
            )
            .or_default();
        let case = finding.component.clone().unwrap_or_else(|| "project".to_string());
        suite.entry(case).or_default().push(finding);
    }
    let total_failures = audit
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let total_tests: usize = cases.values().map(BTreeMap::len).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"aitrust\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\" timestamp=\"{}\">",
        escape(&audit.generated_at)
    );
    for check in CHECKS.iter().copied().chain(
        cases
            .keys()
            .copied()
            .filter(|k| !CHECKS.contains(k))
            .collect::<Vec<_>>(),
    ) {
        let Some(suite) = cases.get(check) else { continue };
        let failures = suite
            .values()
            .filter(|f| f.iter().any(|f| f.severity == Severity::Error))
            .count();
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{check}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
            suite.len()
        );
        for (case, findings) in suite {
            let _ = write!(
                xml,
                "    <testcase classname=\"aitrust.{check}\" name=\"{}\"",
                escape(case)
            );
            if findings.is_empty() {
                xml.push_str("/>\n");
                continue;
            }
            xml.push_str(">\n");
            for error in findings.iter().filter(|f| f.severity == Severity::Error) {
                let _ = writeln!(
                    xml,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    error.code,
                    escape(&error.message),
                    escape(&format!(
                        "{}\nhelp: {}{}",
                        error.message,
                        error.help,
                        location(error)
                    ))
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
