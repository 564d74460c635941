//! SARIF 2.1.0 for GitHub code scanning: one rule per finding code (with its documentation), one result per
//! finding located in the manifest, and stable `partialFingerprints` so alerts survive unrelated edits.

use serde_json::{Value, json};

use super::Audit;
use crate::findings::{Code, Severity};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Renders the audit as a SARIF log.
pub fn render(audit: &Audit) -> String {
    let codes: Vec<Code> = {
        let mut used: Vec<Code> = audit
            .findings
            .iter()
            .filter_map(|f| Code::parse(&f.code))
            .collect();
        used.sort();
        used.dedup();
        used
    };
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            let doc = code.doc();
            json!({
                "id": code.as_str(),
                "name": doc.title.split_whitespace().map(capitalize).collect::<String>(),
                "shortDescription": { "text": doc.title },
                "fullDescription": { "text": doc.explanation },
                "help": { "text": format!("{}\n\n`aitrust explain {}`", doc.explanation, code.as_str()) },
                "defaultConfiguration": { "level": level(doc.severity) },
                "properties": { "tags": ["ai-supply-chain", doc.check], "checklist": doc.checklist },
            })
        })
        .collect();
    let results: Vec<Value> = audit
        .findings
        .iter()
        .map(|finding| {
            let rule_index = codes.iter().position(|c| c.as_str() == finding.code).unwrap_or(0);
            let (uri, line, column) = finding
                .location
                .as_ref()
                .map_or((audit.manifest.path.clone(), 1, 1), |l| {
                    (l.path.clone(), l.line.max(1), l.column.max(1))
                });
            let fingerprint = crate::digest::hash::sha256_bytes(
                format!(
                    "{}|{}|{}",
                    finding.code,
                    finding.component.as_deref().unwrap_or("-"),
                    finding.message
                )
                .as_bytes(),
            );
            json!({
                "ruleId": finding.code,
                "ruleIndex": rule_index,
                "level": level(finding.severity),
                "message": { "text": format!("{} ({})", finding.message, finding.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": line, "startColumn": column }
                    }
                }],
                "partialFingerprints": { "aitrustFinding/v1": fingerprint.to_string() },
                "properties": { "component": finding.component, "check": finding.check },
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "aitrust",
                "version": audit.tool.version,
                "semanticVersion": audit.tool.version,
                "informationUri": "https://github.com/aitrust/aitrust",
                "rules": rules,
            }},
            "results": results,
            "properties": { "verdict": audit.verdict, "manifestSha256": audit.manifest.sha256 },
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log is plain JSON");
    text.push('\n');
    text
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars().filter(|c| c.is_ascii_alphanumeric());
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + &chars.collect::<String>(),
        None => String::new(),
    }
}
