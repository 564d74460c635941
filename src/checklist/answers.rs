//! `aibom.answers.toml`: the answers people gave to checklist items, validated like the manifest.
//!
//! ```toml
//! [[answer]]
//! checklist = "global"
//! item = "trust-model-oversight"
//! status = "met"                      # met | unmet | not-applicable
//! justification = "The support team lead reviews a sample of answers every week."
//! evidence = ["https://wiki.example.com/oversight", { path = "docs/oversight.md", sha256 = "..." }]
//! answered_by = "Jane Doe <jane@example.com>"
//! answered_at = "2026-11-20T10:00:00Z"
//! bom_sha256 = "..."                  # the manifest's SHA-256 when answered
//! ```

use std::path::Path;

use serde::Serialize;

use super::Checklist;
use crate::bom::{Spanned, choice_enum};
use crate::diag::{Problem, Span, nearest};
use crate::digest::Sha256Digest;
use crate::tomlfile::reader::{Collector, TableReader};

choice_enum! {
    /// What a person answered.
    AnswerStatus { Met = "met", Unmet = "unmet", NotApplicable = "not-applicable" }
}

/// One answer.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Answer {
    /// The checklist id.
    pub checklist: String,
    /// The item id.
    pub item: String,
    /// met | unmet | not-applicable
    pub status: AnswerStatus,
    /// Why.
    pub justification: String,
    /// URLs or paths; files that `aitrust checklist` recorded carry their SHA-256.
    pub evidence: Vec<Evidence>,
    /// Who answered.
    pub answered_by: String,
    /// When (RFC 3339).
    pub answered_at: String,
    /// The manifest's SHA-256 when answered.
    pub bom_sha256: String,
}

/// One piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Evidence {
    /// A URL or a path, as written.
    Text(String),
    /// A file with its SHA-256 when the answer was given.
    File {
        /// Relative to the answers file.
        path: String,
        /// Its digest then.
        sha256: String,
    },
}

impl Evidence {
    /// As one line of text.
    pub fn describe(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::File { path, sha256 } => format!("{path} (sha256 {})", &sha256[..sha256.len().min(12)]),
        }
    }
}

/// Every answer in a file.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    /// In file order.
    pub answers: Vec<Answer>,
}

impl Answers {
    /// The answer to an item, if any.
    pub fn for_item(&self, checklist: &str, item: &str) -> Option<&Answer> {
        self.answers
            .iter()
            .find(|answer| answer.checklist == checklist && answer.item == item)
    }
}

/// Loads and validates an answers file against the checklists it may answer.
pub fn load(path: &Path, checklists: &[&Checklist]) -> Result<Answers, crate::bom::LoadError> {
    crate::tomlfile::reader::load_document(path, "the answers file", |mut top, collector| {
        let mut answers = Vec::new();
        for table in top.tables("answer", "[[answer]]") {
            if let Some(answer) = read_answer(table, checklists, collector) {
                answers.push(answer);
            }
        }
        top.finish();
        let mut seen = std::collections::BTreeSet::new();
        for (answer, span) in &answers {
            if !seen.insert((answer.checklist.clone(), answer.item.clone())) {
                collector.push(
                    Problem::new(*span, format!("`{}` is answered twice", answer.item))
                        .with_help("keep one answer per item; remove the older one"),
                );
            }
        }
        Some(Answers {
            answers: answers.into_iter().map(|(answer, _)| answer).collect(),
        })
    })
}

fn read_answer(
    mut table: TableReader<'_, '_>,
    checklists: &[&Checklist],
    collector: &Collector,
) -> Option<(Answer, Span)> {
    let checklist_id = table.required_string("checklist", "\"global\"");
    let item_id = table.required_string("item", "\"trust-model-oversight\"");
    let status_given = table.value("status").is_some();
    let status = table.choice::<AnswerStatus>("status");
    if !status_given {
        collector.push(
            Problem::new(table.span(), "[[answer]] is missing the required key `status`")
                .with_help("add `status = \"met\"` (or \"unmet\", \"not-applicable\")"),
        );
    }
    let justification = table.string("justification");
    let evidence = read_evidence(&mut table, collector);
    let answered_by = table.required_string("answered_by", "\"Jane Doe <jane@example.com>\"");
    let answered_at = table.required_string("answered_at", "\"2026-11-22T10:00:00Z\"");
    let bom_sha256 = table.required_string("bom_sha256", "\"<sha256 of aibom.toml>\"");
    table.finish();

    let rfc3339 = &time::format_description::well_known::Rfc3339;
    if let Some(at) = &answered_at
        && time::OffsetDateTime::parse(&at.value, rfc3339).is_err()
    {
        collector.push(
            Problem::new(
                at.span,
                format!("`answered_at` must be an RFC 3339 time, found \"{}\"", at.value),
            )
            .with_help("write it like \"2026-11-22T10:00:00Z\""),
        );
    }
    if let Some(digest) = &bom_sha256
        && let Err(error) = digest.value.parse::<Sha256Digest>()
    {
        collector.push(
            Problem::new(digest.span, format!("malformed bom_sha256: {error}")).with_help(
                "write the manifest's SHA-256 when the answer was given (`aitrust hash aibom.toml`)",
            ),
        );
    }
    let (checklist_id, item_id, status) = (checklist_id?, item_id?, status?);
    let item = find_item(&checklist_id, &item_id, checklists, collector)?;
    let justification_text = justification
        .as_ref()
        .map(|j| j.value.trim().to_string())
        .unwrap_or_default();
    if justification_text.is_empty() {
        collector.push(
            Problem::new(
                justification.as_ref().map_or(status.span, |j| j.span),
                format!("the answer to `{}` has no justification", item_id.value),
            )
            .with_help("say why, in a sentence an auditor can check: `justification = \"...\"`"),
        );
    }
    if status.value == AnswerStatus::Met && item.evidence_required && evidence.is_empty() {
        collector.push(
            Problem::new(
                status.span,
                format!("`{}` needs evidence to be \"met\"", item_id.value),
            )
            .with_help("add `evidence = [\"https://...\" or \"path/to/report\"]`"),
        );
    }
    let span = item_id.span;
    Some((
        Answer {
            checklist: checklist_id.value,
            item: item_id.value,
            status: status.value,
            justification: justification_text,
            evidence,
            answered_by: answered_by?.value,
            answered_at: answered_at?.value,
            bom_sha256: bom_sha256?.value.to_ascii_lowercase(),
        },
        span,
    ))
}

fn read_evidence(table: &mut TableReader<'_, '_>, collector: &Collector) -> Vec<Evidence> {
    let Some(value) = table.value("evidence") else {
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        collector.push(
            Problem::new(value.span, "`evidence` must be a list").with_help(
                "write `evidence = [\"https://...\", { path = \"docs/x.md\", sha256 = \"...\" }]`",
            ),
        );
        return Vec::new();
    };
    let mut evidence = Vec::new();
    for item in items {
        if let Some(text) = item.as_str() {
            evidence.push(Evidence::Text(text.to_string()));
            continue;
        }
        let Some(mut file) = TableReader::new(item, "evidence", collector) else {
            continue;
        };
        let path = file.required_string("path", "\"docs/report.md\"");
        let sha256 = file.required_string("sha256", "\"<sha256 of the file>\"");
        file.finish();
        if let Some(digest) = &sha256
            && let Err(error) = digest.value.parse::<Sha256Digest>()
        {
            collector.push(Problem::new(
                digest.span,
                format!("malformed evidence sha256: {error}"),
            ));
            continue;
        }
        if let (Some(path), Some(sha256)) = (path, sha256) {
            evidence.push(Evidence::File {
                path: path.value,
                sha256: sha256.value.to_ascii_lowercase(),
            });
        }
    }
    evidence
}

/// The answers file in canonical form: sorted by checklist and item, one key per line, in a fixed order, so it
/// diffs well in code review.
pub fn to_toml(answers: &Answers) -> String {
    let string = crate::tomlfile::toml_string;
    let mut sorted: Vec<&Answer> = answers.answers.iter().collect();
    sorted.sort_by(|a, b| (&a.checklist, &a.item).cmp(&(&b.checklist, &b.item)));
    let mut out = String::from(
        "# Answers to aitrust's trust checklists. Written by `aitrust checklist`; reviewed like code.\n",
    );
    for answer in sorted {
        out.push_str("\n[[answer]]\n");
        out.push_str(&format!("checklist = {}\n", string(&answer.checklist)));
        out.push_str(&format!("item = {}\n", string(&answer.item)));
        out.push_str(&format!("status = {}\n", string(answer.status.as_str())));
        out.push_str(&format!("justification = {}\n", string(&answer.justification)));
        let evidence: Vec<String> = answer
            .evidence
            .iter()
            .map(|e| match e {
                Evidence::Text(text) => string(text),
                Evidence::File { path, sha256 } => {
                    format!("{{ path = {}, sha256 = {} }}", string(path), string(sha256))
                }
            })
            .collect();
        out.push_str(&format!("evidence = [{}]\n", evidence.join(", ")));
        out.push_str(&format!("answered_by = {}\n", string(&answer.answered_by)));
        out.push_str(&format!("answered_at = {}\n", string(&answer.answered_at)));
        out.push_str(&format!("bom_sha256 = {}\n", string(&answer.bom_sha256)));
    }
    out
}

impl Answers {
    /// Replaces the answer to the same checklist item, or adds it.
    pub fn upsert(&mut self, answer: Answer) {
        match self
            .answers
            .iter_mut()
            .find(|a| a.checklist == answer.checklist && a.item == answer.item)
        {
            Some(existing) => *existing = answer,
            None => self.answers.push(answer),
        }
    }
}

fn find_item<'c>(
    checklist_id: &Spanned<String>,
    item_id: &Spanned<String>,
    checklists: &[&'c Checklist],
    collector: &Collector,
) -> Option<&'c super::Item> {
    let Some(checklist) = checklists.iter().find(|c| c.id == checklist_id.value) else {
        let known: Vec<&str> = checklists.iter().map(|c| c.id.as_str()).collect();
        collector.push(
            Problem::new(
                checklist_id.span,
                format!("unknown checklist `{}`", checklist_id.value),
            )
            .with_help(format!("known checklists: {}", known.join(", "))),
        );
        return None;
    };
    let item = checklist.item(&item_id.value);
    if item.is_none() {
        let help = match nearest(&item_id.value, checklist.items.iter().map(|i| i.id.as_str())) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "items of `{}`: {}",
                checklist.id,
                checklist
                    .items
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        collector.push(
            Problem::new(
                item_id.span,
                format!("unknown item `{}` in checklist `{}`", item_id.value, checklist.id),
            )
            .with_help(help),
        );
    }
    item
}
