//! SARIF 2.1.0 for GitHub code scanning: one rule per finding code (with its documentation and `helpUri`), one
//! result per finding located in the manifest, and stable `partialFingerprints` so alerts survive unrelated edits.
//!
//! - Artifact uris are relative to the repository root (git discovery from the manifest), else to the current
//!   directory, percent-encoded as RFC 3986 path segments; a manifest outside both is a `file://` URI.
//! - Fingerprints hash the code, the component, the checklist items and the finding's ordinal among its twins:
//!   never the message, whose counts change ("1 warning" → "2 warnings"), nor the line, which moves with edits.
//! - `automationDetails.id` names the run (`aitrust/<manifest uri>/`), so two manifests in one repository keep
//!   separate alerts.

use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};

use super::Audit;

/// The documentation of every finding code, one heading per code (`#lic003`).
pub const CODES_DOC: &str = "https://github.com/aitrust/aitrust/blob/main/docs/findings.md";

/// What a path segment may not hold unescaped (RFC 3986 `pchar` is unreserved / pct-encoded / sub-delims /
/// `:` / `@`): everything else, `%` itself included.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'/');

/// Where relative uris start: the git repository holding `path`, else the current directory.
fn base_for(path: &Path) -> Option<PathBuf> {
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    git2::Repository::discover(directory)
        .ok()
        .and_then(|repository| repository.workdir().map(Path::to_path_buf))
        .or_else(|| std::env::current_dir().ok())
        .and_then(|base| std::fs::canonicalize(base).ok())
}

/// A manifest path as a SARIF artifact uri: relative to the repository root (or the current directory),
/// percent-encoded; a file outside both becomes an absolute `file://` URI.
pub fn artifact_uri(path: &str) -> String {
    let given = Path::new(path);
    let absolute = std::fs::canonicalize(given)
        .ok()
        .or_else(|| std::env::current_dir().ok().map(|cwd| cwd.join(given)));
    let Some(absolute) = absolute else {
        return encode_relative(given);
    };
    match base_for(&absolute).and_then(|base| absolute.strip_prefix(&base).ok().map(Path::to_path_buf)) {
        Some(relative) => encode_relative(&relative),
        None => {
            url::Url::from_file_path(&absolute).map_or_else(|()| encode_relative(given), |u| u.to_string())
        }
    }
}

fn encode_relative(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => {
                Some(utf8_percent_encode(&part.to_string_lossy(), SEGMENT).to_string())
            }
            std::path::Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}
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
                "helpUri": format!("{CODES_DOC}#{}", code.as_str().to_ascii_lowercase()),
                "defaultConfiguration": { "level": level(doc.severity) },
                "properties": { "tags": ["ai-supply-chain", doc.check], "checklist": doc.checklist },
            })
        })
        .collect();
    let manifest_uri = artifact_uri(&audit.manifest.path);
    let mut twins: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let results: Vec<Value> = audit
        .findings
        .iter()
        .map(|finding| {
            let rule_index = codes.iter().position(|c| c.as_str() == finding.code).unwrap_or(0);
            let (uri, line, column) = finding
                .location
                .as_ref()
                .map_or((manifest_uri.clone(), 1, 1), |l| {
                    let uri = if l.path == audit.manifest.path {
                        manifest_uri.clone()
                    } else {
                        artifact_uri(&l.path)
                    };
                    (uri, l.line.max(1), l.column.max(1))
                });
            let identity = format!(
                "{}|{}|{}",
                finding.code,
                finding.component.as_deref().unwrap_or("-"),
                finding.checklist.join(",")
            );
            let ordinal = twins.entry(identity.clone()).or_insert(0);
            *ordinal += 1;
            let fingerprint = crate::digest::hash::sha256_bytes(format!("{identity}|{ordinal}").as_bytes());
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
                "partialFingerprints": { "aitrustFinding/v2": fingerprint.to_string() },
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
            "automationDetails": { "id": format!("aitrust/{manifest_uri}/") },
            "results": results,
            "properties": { "verdict": audit.verdict, "manifestSha256": audit.manifest.sha256 },
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).expect("a SARIF log is plain JSON");
    text.push('\n');
    text
}

/// The SARIF 2.1.0 schema (OASIS), embedded; its `language` patterns carry a stray `]` that a strict regex
/// engine rejects, corrected here (the patterns are not what aitrust writes).
fn schema() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: std::sync::OnceLock<Option<jsonschema::Validator>> = std::sync::OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let text = include_str!("../../schemas/sarif/sarif-2.1.0-rtm.5.json").replace(
                "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
                "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
            );
            let schema: Value = serde_json::from_str(&text).ok()?;
            jsonschema::draft4::options()
                .should_validate_formats(true)
                .build(&schema)
                .ok()
        })
        .as_ref()
}

/// Everything the SARIF 2.1.0 schema finds wrong with a log; empty when it is valid. `check` refuses to write
/// a log that is not.
pub fn validate(text: &str) -> Vec<String> {
    let log: Value = match serde_json::from_str(text) {
        Ok(log) => log,
        Err(error) => return vec![format!("not JSON: {error}")],
    };
    match schema() {
        Some(validator) => validator
            .iter_errors(&log)
            .map(|error| format!("{error} (at {})", error.instance_path()))
            .collect(),
        None => vec!["the embedded SARIF 2.1.0 schema does not load".into()],
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars().filter(|c| c.is_ascii_alphanumeric());
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + &chars.collect::<String>(),
        None => String::new(),
    }
}
