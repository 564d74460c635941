//! Trust checklists as data, the answers people give, and the walker that turns findings and answers into
//! item statuses.
//!
//! Rules (DESIGN.md): an item is `fail` if any evidence finding is an error or the answer is "unmet"; `pass`
//! when its automated evidence passes and, if it needs a person, it was answered "met"; `not-applicable` when
//! answered so with a justification; otherwise `open`. Automated evidence only "passes" when every check the
//! item names has actually run: a check that does not exist yet is unknown, and unknown is never a pass.

pub mod answers;

use std::path::Path;

use serde::Serialize;

use crate::bom::reader::TableReader;
use crate::diag::{FileProblems, Problem, SourceFile};
use crate::findings::{Finding, Severity};
pub use answers::{Answer, AnswerStatus, Answers};

/// The checklist shipped with aitrust.
pub const GLOBAL_TOML: &str = include_str!("../../checklists/global.toml");

/// A checklist.
#[derive(Clone, Debug)]
pub struct Checklist {
    /// Its id (`global`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its items, in order.
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
}

impl Checklist {
    /// The built-in Global Checklist.
    pub fn global() -> Self {
        Self::parse(Path::new("checklists/global.toml"), GLOBAL_TOML)
            .expect("the embedded global checklist is valid (a unit test checks it)")
    }

    /// Parses a checklist file.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Box<FileProblems>> {
        let source = SourceFile::new(path, text.to_string());
        crate::bom::reader::parse_document(source, "the checklist", |mut top, collector| {
            let id = top.required_string("id", "\"global\"");
            let title = top.required_string("title", "\"...\"");
            top.string("source");
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
    table.finish();
    let id = id?;
    Some(Item {
        span: id.span,
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
            let evidence: Vec<&Finding> = findings
                .iter()
                .filter(|finding| finding.checklist.contains(&item.id))
                .collect();
            let answer = answers.and_then(|answers| answers.for_item(&checklist.id, &item.id));
            let stale = answer.is_some_and(|answer| answer.bom_sha256 != manifest_sha256);
            let (status, reason) = decide(item, &evidence, answer.filter(|_| !stale), stale, checks_run);
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
