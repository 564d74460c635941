//! Trust checklists as data, the answers people give, and the walker that turns findings and answers into
//! item statuses.
//!
//! Rules (DESIGN.md): an item is `fail` if any evidence finding is an error or the answer is "unmet"; `pass`
//! when its automated evidence passes and, if it needs a person, it was answered "met"; `not-applicable` when
//! answered so with a justification; otherwise `open`. Automated evidence only "passes" when every check the
//! item names has actually run: a check that does not exist yet is unknown, and unknown is never a pass.

pub mod answers;
pub mod interactive;

use std::path::Path;

use serde::Serialize;

use crate::diag::{FileProblems, Problem, SourceFile};
use crate::findings::{Code, Finding, Severity};
use crate::tomlfile::reader::TableReader;
pub use answers::{Answer, AnswerStatus, Answers};

/// The checklist shipped with aitrust.
pub const GLOBAL_TOML: &str = include_str!("../../checklists/global.toml");

/// Every checklist shipped with aitrust: (id, file name, text).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    ("global", "checklists/global.toml", GLOBAL_TOML),
    (
        "genai",
        "checklists/genai.toml",
        include_str!("../../checklists/genai.toml"),
    ),
    (
        "eu-ai-act",
        "checklists/eu-ai-act.toml",
        include_str!("../../checklists/eu-ai-act.toml"),
    ),
];

/// A checklist.
#[derive(Clone, Debug)]
pub struct Checklist {
    /// Its id (`global`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The checklist it extends: its items come first.
    pub extends: Option<String>,
    /// Where the checklist comes from.
    pub source: Option<String>,
    /// Its items, in order (inherited ones first).
    pub items: Vec<Item>,
}

/// One question.
#[derive(Clone, Debug)]
pub struct Item {
    /// Stable id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// The question.
    pub question: String,
    /// What a good answer contains.
    pub guidance: String,
    /// Checks whose findings are evidence for it.
    pub checks: Vec<String>,
    /// Must a person answer it?
    pub needs_person: bool,
    /// Must a "met" answer cite evidence?
    pub evidence_required: bool,
    /// Where its id was written.
    pub span: crate::diag::Span,
    /// The document the question comes from.
    pub source: Option<String>,
}

impl Checklist {
    /// The built-in Global Checklist.
    pub fn global() -> Self {
        Self::builtin("global").expect("the embedded global checklist is valid (a unit test checks it)")
    }

    /// A shipped checklist by id, with what it extends resolved.
    pub fn builtin(id: &str) -> Option<Self> {
        let (_, path, text) = BUILTIN.iter().find(|(builtin, _, _)| *builtin == id)?;
        Self::parse(Path::new(path), text)
            .ok()
            .and_then(|checklist| checklist.resolve().ok())
    }

    /// Every shipped checklist, then `extra` (those not shipped): what an answers file may answer.
    pub fn known(extra: impl IntoIterator<Item = Checklist>) -> Vec<Checklist> {
        let mut known: Vec<Checklist> = BUILTIN
            .iter()
            .filter_map(|(id, _, _)| Self::builtin(id))
            .collect();
        for checklist in extra {
            if known.iter().all(|k| k.id != checklist.id) {
                known.push(checklist);
            }
        }
        known
    }

    /// A checklist by id (shipped) or by file path (relative to `base`), with what it extends resolved.
    pub fn load(reference: &str, base: &Path) -> Result<Self, crate::bom::LoadError> {
        if let Some(checklist) = Self::builtin(reference) {
            return Ok(checklist);
        }
        let path = base.join(reference);
        let bytes =
            crate::fsutil::read_in_root(base, &path, crate::fsutil::limits::TOML).map_err(|source| {
                crate::bom::LoadError::Io {
                    path: path.clone(),
                    source,
                }
            })?;
        let source = crate::diag::decode_utf8(&path, &bytes)
            .map_err(|p| crate::bom::LoadError::Invalid(Box::new(p)))?;
        let checklist = Self::parse(&path, &source.text).map_err(crate::bom::LoadError::Invalid)?;
        checklist.resolve().map_err(|message| {
            crate::bom::LoadError::Invalid(Box::new(FileProblems::new(
                source,
                vec![
                    Problem::new(crate::diag::Span::new(0, 0), message)
                        .with_help("extend a shipped checklist: global, genai or eu-ai-act"),
                ],
            )))
        })
    }

    /// Puts the items of the checklist this one extends first.
    fn resolve(mut self) -> Result<Self, String> {
        let Some(parent) = self.extends.clone() else {
            return Ok(self);
        };
        let parent = Self::builtin(&parent)
            .ok_or_else(|| format!("`{}` extends unknown checklist `{parent}`", self.id))?;
        if let Some(duplicate) = self.items.iter().find(|item| parent.item(&item.id).is_some()) {
            return Err(format!("item `{}` is already in `{}`", duplicate.id, parent.id));
        }
        let mut items = parent.items;
        items.append(&mut self.items);
        self.items = items;
        Ok(self)
    }

    /// Parses a checklist file.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Box<FileProblems>> {
        let source = SourceFile::new(path, text.to_string());
        crate::tomlfile::reader::parse_document(source, "the checklist", |mut top, collector| {
            let id = top.required_string("id", "\"global\"");
            let title = top.required_string("title", "\"...\"");
            let extends = top.string("extends").map(|e| e.value);
            let source = top.string("source").map(|s| s.value);
            let items: Vec<Item> = top
                .tables("item", "[[item]]")
                .into_iter()
                .filter_map(read_item)
                .collect();
            top.finish();
            let mut seen = std::collections::BTreeSet::new();
            for item in &items {
                if !seen.insert(item.id.clone()) {
                    collector.push(Problem::new(
                        item.span,
                        format!("duplicate item id `{}`", item.id),
                    ));
                }
            }
            Some(Checklist {
                id: id?.value,
                title: title?.value,
                extends,
                source,
                items,
            })
        })
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.id == id)
    }
}

fn read_item(mut table: TableReader<'_, '_>) -> Option<Item> {
    let id = table.required_string("id", "\"my-item\"");
    let title = table.required_string("title", "\"...\"");
    let question = table.required_string("question", "\"...?\"");
    let guidance = table.string("guidance");
    let checks = table.strings("checks");
    let needs_person = table.boolean("needs_person");
    let evidence_required = table.boolean("evidence_required");
    let source = table.string("source").map(|s| s.value);
    table.finish();
    let id = id?;
    Some(Item {
        span: id.span,
        source,
        id: id.value,
        title: title?.value,
        question: question?.value,
        guidance: guidance.map(|g| g.value).unwrap_or_default(),
        checks: checks.into_iter().map(|c| c.value).collect(),
        needs_person: needs_person.is_some_and(|n| n.value),
        evidence_required: evidence_required.is_some_and(|e| e.value),
    })
}

/// pass | fail | open | not-applicable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    /// Evidence passes and, where needed, a person answered "met".
    Pass,
    /// An error finding, or an "unmet" answer.
    Fail,
    /// Not decided yet.
    Open,
    /// Answered "not-applicable" with a justification.
    NotApplicable,
}

impl ItemStatus {
    /// As written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Open => "open",
            Self::NotApplicable => "not-applicable",
        }
    }
}

/// An item in the report.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ItemReport {
    /// The item id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: ItemStatus,
    /// Why it has that status, in one line.
    pub reason: String,
    /// Evidence findings, as "CODE message".
    pub evidence: Vec<String>,
    /// The answer, if one was given.
    pub answer: Option<Answer>,
    /// True when the answer was given for another version of the manifest.
    pub stale: bool,
}

/// The checklist in the report.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ChecklistReport {
    /// The checklist id.
    pub id: String,
    /// Every item.
    pub items: Vec<ItemReport>,
}

/// Decides every item's status.
pub fn walk(
    checklist: &Checklist,
    findings: &[Finding],
    answers: Option<&Answers>,
    checks_run: &[&str],
    manifest_sha256: &str,
) -> ChecklistReport {
    let items = checklist
        .items
        .iter()
        .map(|item| {
            // Finding codes name the Global Checklist items they are evidence for; items of other checklists
            // take the findings of the checks they name.
            let mapped = Code::ALL
                .iter()
                .any(|code| code.doc().checklist.contains(&item.id.as_str()));
            let evidence: Vec<&Finding> = findings
                .iter()
                .filter(|finding| {
                    if mapped {
                        finding.checklist.contains(&item.id)
                    } else {
                        item.checks.contains(&finding.check)
                    }
                })
                .filter(|finding| finding.check != "checklist")
                .collect();
            let answer = answers.and_then(|answers| answers.for_item(&checklist.id, &item.id));
            let stale = answer.is_some_and(|answer| answer.bom_sha256 != manifest_sha256);
            // A stale "met" or "not-applicable" loses its force; a stale "unmet" does not: only a person
            // changing it ends it, so no edit to the manifest (a comment, a reformat) can open the gate.
            let in_force = answer.filter(|answer| !stale || answer.status == AnswerStatus::Unmet);
            let (status, reason) = decide(item, &evidence, in_force, stale, checks_run);
            ItemReport {
                id: item.id.clone(),
                title: item.title.clone(),
                status,
                reason,
                evidence: evidence
                    .iter()
                    .map(|f| format!("{} {}", f.code, f.message))
                    .collect(),
                answer: answer.cloned(),
                stale,
            }
        })
        .collect();
    ChecklistReport {
        id: checklist.id.clone(),
        items,
    }
}

/// Findings for items that are open (CHK001), answered "unmet" (CHK002) or answered for an older manifest
/// (CHK003). Open and stale items are errors in a required checklist, warnings otherwise.
pub fn item_findings(report: &ChecklistReport, required: bool, out: &mut crate::findings::Findings) {
    let severity = if required {
        Severity::Error
    } else {
        Severity::Warning
    };
    for item in &report.items {
        let (code, message, severity) = match item.status {
            ItemStatus::Fail
                if item
                    .answer
                    .as_ref()
                    .is_some_and(|a| a.status == AnswerStatus::Unmet) =>
            {
                (
                    Code::Chk002,
                    format!(
                        "{}/{} ({}) was answered \"unmet\"{}",
                        report.id,
                        item.id,
                        item.title,
                        if item.stale {
                            " (for an older manifest; it stays unmet until a person changes the answer)"
                        } else {
                            ""
                        }
                    ),
                    Severity::Error,
                )
            }
            ItemStatus::Open if item.stale => (
                Code::Chk003,
                format!("{}/{} ({}): {}", report.id, item.id, item.title, item.reason),
                severity,
            ),
            ItemStatus::Open => (
                Code::Chk001,
                format!(
                    "{}/{} ({}) is open: {}",
                    report.id, item.id, item.title, item.reason
                ),
                severity,
            ),
            _ => continue,
        };
        out.push(crate::findings::Draft {
            code,
            component: None,
            message,
            help: format!(
                "answer it with `aitrust checklist --item {}` (or in aibom.answers.toml)",
                item.id
            ),
            location: None,
            severity: Some(severity),
        });
    }
}

fn decide(
    item: &Item,
    evidence: &[&Finding],
    answer: Option<&Answer>,
    stale: bool,
    checks_run: &[&str],
) -> (ItemStatus, String) {
    let errors = evidence.iter().filter(|f| f.severity == Severity::Error).count();
    if errors > 0 {
        return (
            ItemStatus::Fail,
            format!("{errors} error finding{} is evidence against it", plural(errors)),
        );
    }
    match answer.map(|answer| answer.status) {
        Some(AnswerStatus::Unmet) => return (ItemStatus::Fail, "answered \"unmet\"".to_string()),
        Some(AnswerStatus::NotApplicable) => {
            return (
                ItemStatus::NotApplicable,
                "answered \"not-applicable\"".to_string(),
            );
        }
        _ => {}
    }
    let missing: Vec<&str> = item
        .checks
        .iter()
        .map(String::as_str)
        .filter(|check| !checks_run.contains(check))
        .collect();
    let answered_met = answer.is_some_and(|answer| answer.status == AnswerStatus::Met);
    let warnings = evidence
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    if warnings > 0 && !answered_met {
        return (
            ItemStatus::Open,
            format!(
                "{warnings} warning{} need{} a person's decision",
                plural(warnings),
                if warnings == 1 { "s" } else { "" }
            ),
        );
    }
    if item.needs_person && !answered_met {
        let why = if stale {
            "its answer predates a change to the manifest: confirm it again"
        } else {
            "needs a person's answer"
        };
        return (ItemStatus::Open, why.to_string());
    }
    if !missing.is_empty() && !answered_met {
        return (
            ItemStatus::Open,
            format!(
                "no automated evidence yet from: {}; answer it, or wait for those checks",
                missing.join(", ")
            ),
        );
    }
    if item.checks.is_empty() && !answered_met {
        return (ItemStatus::Open, "needs a person's answer".to_string());
    }
    let reason = if answered_met {
        "answered \"met\""
    } else {
        "automated evidence passes"
    };
    (ItemStatus::Pass, reason.to_string())
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Code;

    #[test]
    fn global_checklist_has_the_contract_ids_and_every_code_points_into_it() {
        let checklist = Checklist::global();
        let ids: Vec<&str> = checklist.items.iter().map(|item| item.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "objectivity-bias",
                "license-to-use",
                "target-uses",
                "maintenance",
                "trust-data-collection",
                "trust-data-engineering",
                "trust-model-training",
                "trust-model-evaluation",
                "trust-model-deployment",
                "trust-model-monitoring",
                "trust-model-oversight",
                "trust-security-privacy",
                "trust-evolution",
                "trust-transparency",
            ]
        );
        for code in Code::ALL {
            let doc = code.doc();
            for item_id in doc.checklist {
                let item = checklist
                    .item(item_id)
                    .unwrap_or_else(|| panic!("{} names unknown item {item_id}", code.as_str()));
                assert!(
                    item.checks.iter().any(|check| check == doc.check),
                    "{item_id} does not list the check {} that {} is evidence from",
                    doc.check,
                    code.as_str()
                );
            }
        }
    }
}

#[cfg(test)]
mod shipped_tests {
    use super::*;

    #[test]
    fn every_shipped_checklist_is_valid() {
        let known_checks = [
            "manifest",
            "integrity",
            "license",
            "signature",
            "provenance",
            "maintenance",
            "documentation",
            "serialization",
        ];
        for (id, _, _) in BUILTIN {
            let checklist = Checklist::builtin(id).unwrap_or_else(|| panic!("{id} does not load"));
            assert_eq!(checklist.id, *id);
            assert!(
                checklist
                    .source
                    .as_deref()
                    .is_some_and(|s| s.starts_with("https://")),
                "{id} cites no source"
            );
            let mut seen = std::collections::BTreeSet::new();
            for item in &checklist.items {
                assert!(seen.insert(&item.id), "{id}: {} twice", item.id);
                assert!(
                    !item.question.is_empty() && !item.guidance.is_empty(),
                    "{id}/{}",
                    item.id
                );
                for check in &item.checks {
                    assert!(
                        known_checks.contains(&check.as_str()),
                        "{id}/{} names unknown check {check}",
                        item.id
                    );
                }
                // items beyond the Global Checklist cite where they come from
                if Checklist::global().item(&item.id).is_none() {
                    assert!(item.source.is_some(), "{id}/{} cites no source", item.id);
                }
            }
        }
        let genai = Checklist::builtin("genai").unwrap();
        assert_eq!(genai.items.len(), 14 + 6, "genai extends the 14 global items");
        assert_eq!(genai.items[0].id, "objectivity-bias");
        assert!(Checklist::builtin("eu-ai-act").unwrap().items.len() >= 10);
    }
}
