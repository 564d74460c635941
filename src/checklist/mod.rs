//! Trust checklists as data, the answers people give, and the walker that turns findings and answers into
//! item statuses.
//!
//! Rules (DESIGN.md): an item is `fail` if any evidence finding is an error or the answer is "unmet"; `pass`
//! when its automated evidence passes and, if it needs a person, it was answered "met"; `not-applicable` when
//! answered so with a justification; otherwise `open`. Automated evidence only "passes" when every check the
//! item names has actually run: a check that does not exist yet is unknown, and unknown is never a pass.

pub mod answers;
pub mod evidence;
pub mod interactive;
pub mod scope;
pub mod terminal;

use std::path::Path;

use serde::Serialize;

use crate::diag::{FileProblems, Problem, SourceFile};
use crate::findings::{Code, Finding, Severity};
use crate::tomlfile::reader::TableReader;
pub use answers::{Answer, AnswerStatus, Answers, Decision};
pub use evidence::{EvidenceCheck, EvidenceState};
pub use scope::{Recorded, Scope, Snapshot};

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
    /// What its answer judges (`manifest` when the checklist names nothing): an edit outside leaves the answer
    /// current, an edit inside makes it stale.
    pub scope: Vec<Scope>,
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
    let scope: Vec<Scope> = table
        .choices::<Scope>("scope")
        .into_iter()
        .map(|s| s.value)
        .collect();
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
        scope: if scope.is_empty() {
            vec![Scope::Manifest]
        } else {
            scope
        },
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
    /// True when what the item judges changed since the answer.
    pub stale: bool,
    /// What the item's answer judges.
    pub scope: Vec<Scope>,
    /// What changed in its scope since the answer ("model `m` added", "dataset `d`: file digests changed").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// The answer's evidence, checked again by this audit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answer_evidence: Vec<EvidenceCheck>,
}

impl ItemReport {
    /// The answer's evidence that no longer holds.
    pub fn evidence_problems(&self) -> impl Iterator<Item = &EvidenceCheck> {
        self.answer_evidence
            .iter()
            .filter(|check| check.state.is_problem())
    }
}

/// The checklist in the report.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ChecklistReport {
    /// The checklist id.
    pub id: String,
    /// Every item.
    pub items: Vec<ItemReport>,
}

/// What answers are judged against: the manifest's parts now, and where evidence files may be.
pub struct Judge<'a> {
    /// Every part of the manifest now.
    pub snapshot: &'a Snapshot,
    /// The answers file's directory: evidence paths are relative to it.
    pub answers_dir: &'a Path,
    /// The project root evidence may not leave.
    pub root: &'a Path,
}

/// Is an answer still about what its item judges now? `(stale, what changed)`.
pub fn staleness(item: &Item, answer: &Answer, snapshot: &Snapshot) -> (bool, Vec<String>) {
    match (&answer.scope, &answer.bom_sha256) {
        (Some(recorded), _) => {
            let changes = scope::changes(recorded, &snapshot.record(&item.scope));
            (!changes.is_empty(), changes)
        }
        (None, Some(bom)) if *bom == snapshot.manifest_sha256 => (false, Vec::new()),
        (None, Some(_)) => (
            true,
            vec![
                "the manifest changed since (the answer is in the first answers format, which records only the manifest's digest)"
                    .to_string(),
            ],
        ),
        (None, None) => (true, vec!["the answer records nothing it judged".to_string()]),
    }
}

/// Reads the first answers format into the new one: an answer bound to the manifest's digest that is the
/// manifest's digest now judged what the manifest holds now, so it is bound to its item's scope as it is now.
/// Stale answers of the first format keep `bom_sha256` (nobody knows what their scope held). Returns how many
/// answers were migrated.
pub fn migrate(answers: &mut Answers, checklist: &Checklist, snapshot: &Snapshot) -> usize {
    let mut migrated = 0;
    for answer in &mut answers.answers {
        let Some(item) = (answer.checklist == checklist.id)
            .then(|| checklist.item(&answer.item))
            .flatten()
        else {
            continue;
        };
        if answer.scope.is_none() && answer.bom_sha256.as_deref() == Some(snapshot.manifest_sha256.as_str()) {
            answer.scope = Some(snapshot.record(&item.scope));
            answer.bom_sha256 = None;
            migrated += 1;
        }
    }
    migrated
}

/// Decides every item's status.
pub fn walk(
    checklist: &Checklist,
    findings: &[Finding],
    answers: Option<&Answers>,
    checks_run: &[&str],
    judge: &Judge<'_>,
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
            let given = answer.filter(|answer| !answer.is_withdrawn());
            let (stale, changes) = given.map_or((false, Vec::new()), |answer| {
                staleness(item, answer, judge.snapshot)
            });
            let answer_evidence = given.map_or_else(Vec::new, |answer| {
                evidence::verify(&answer.evidence, judge.answers_dir, judge.root)
            });
            let broken: Vec<String> = answer_evidence
                .iter()
                .filter(|check| check.state.is_problem())
                .map(EvidenceCheck::describe)
                .collect();
            // A stale "met" or "not-applicable", or one whose evidence no longer holds, loses its force; an
            // "unmet" does not: only a person changing it ends it, so no edit can open the gate.
            let lapsed = if !broken.is_empty() {
                Some(format!("its answer's evidence no longer holds ({})", broken.join("; ")))
            } else if stale {
                Some(format!(
                    "its answer predates a change to what it judges ({}): confirm it with `aitrust checklist --stale`",
                    changes.join("; ")
                ))
            } else {
                None
            };
            let in_force = given.filter(|answer| lapsed.is_none() || answer.status == AnswerStatus::Unmet);
            let (status, mut reason) = decide(item, &evidence, in_force, lapsed.clone(), checks_run);
            // an open item whose answer lapsed says so first, whatever else keeps it open
            if let Some(lapsed) = lapsed
                && status == ItemStatus::Open
                && !reason.contains(&lapsed)
            {
                reason = format!("{lapsed}; {reason}");
            }
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
                scope: item.scope.clone(),
                changes,
                answer_evidence,
            }
        })
        .collect();
    ChecklistReport {
        id: checklist.id.clone(),
        items,
    }
}

/// Findings for items that are open (CHK001), answered "unmet" (CHK002), answered before a change to what
/// they judge (CHK003), or answered with evidence that no longer holds (CHK004). Open, stale and
/// broken-evidence items are errors in a required checklist, warnings otherwise; "unmet" is always an error.
pub fn item_findings(report: &ChecklistReport, required: bool, out: &mut crate::findings::Findings) {
    let severity = if required {
        Severity::Error
    } else {
        Severity::Warning
    };
    for item in &report.items {
        let label = format!("{}/{} ({})", report.id, item.id, item.title);
        let unmet = item
            .answer
            .as_ref()
            .is_some_and(|a| a.status == AnswerStatus::Unmet && !a.is_withdrawn());
        let broken: Vec<String> = item.evidence_problems().map(EvidenceCheck::describe).collect();
        let mut push = |code, message: String, severity, help: String| {
            out.push(crate::findings::Draft {
                code,
                component: None,
                message,
                help,
                location: None,
                severity: Some(severity),
            });
        };
        let answer_help = format!(
            "answer it with `aitrust checklist --item {}` (or in aibom.answers.toml)",
            item.id
        );
        if !broken.is_empty() {
            push(
                Code::Chk004,
                format!(
                    "{label}: its answer's evidence no longer holds: {}",
                    broken.join("; ")
                ),
                severity,
                format!(
                    "restore the evidence, or answer again with `aitrust checklist --item {}` so the answer cites what is there now",
                    item.id
                ),
            );
        }
        match item.status {
            ItemStatus::Fail if unmet => push(
                Code::Chk002,
                format!(
                    "{label} was answered \"unmet\"{}",
                    if item.stale {
                        format!(
                            " (before a change to what it judges: {}; it stays unmet until a person changes the answer)",
                            item.changes.join("; ")
                        )
                    } else {
                        String::new()
                    }
                ),
                Severity::Error,
                answer_help,
            ),
            // the evidence finding already says why the item is open
            ItemStatus::Open if !broken.is_empty() => {}
            ItemStatus::Open if item.stale => push(
                Code::Chk003,
                format!("{label}: {}", item.reason),
                severity,
                format!(
                    "confirm, amend or withdraw it with `aitrust checklist --stale` (or `--item {}`)",
                    item.id
                ),
            ),
            ItemStatus::Open => push(
                Code::Chk001,
                format!("{label} is open: {}", item.reason),
                severity,
                answer_help,
            ),
            _ => {}
        }
    }
}

fn decide(
    item: &Item,
    evidence: &[&Finding],
    answer: Option<&Answer>,
    lapsed: Option<String>,
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
        let mut reason = format!(
            "{warnings} warning{} need{} a person's decision",
            plural(warnings),
            if warnings == 1 { "s" } else { "" }
        );
        if let Some(lapsed) = &lapsed {
            reason.push_str(&format!("; {lapsed}"));
        }
        return (ItemStatus::Open, reason);
    }
    if item.needs_person && !answered_met {
        return (
            ItemStatus::Open,
            lapsed.unwrap_or_else(|| "needs a person's answer".to_string()),
        );
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
        return (
            ItemStatus::Open,
            lapsed.unwrap_or_else(|| "needs a person's answer".to_string()),
        );
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
            "discovery",
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
