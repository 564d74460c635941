//! `aibom.answers.toml`: the answers people gave to checklist items, validated like the manifest.
//!
//! ```toml
//! [[answer]]
//! checklist = "global"
//! item = "trust-model-oversight"
//! status = "met"                      # met | unmet | not-applicable
//! decision = "confirmed"              # answered | confirmed | amended | withdrawn
//! justification = "The support team lead reviews a sample of answers every week."
//! evidence = ["https://wiki.example.com/oversight", { path = "docs/oversight.md", sha256 = "..." }]
//! answered_by = "Jane Doe <jane@example.com>"
//! answered_at = "2026-11-20T10:00:00Z"
//! reviewed_changes = ["model `support-llm`: file digests changed"]   # what a confirmation saw
//!
//! [answer.scope]                      # what the answer judged (see `scope`)
//! digest = "..."                      # SHA-256 of the item's scope when answered
//! usage = "0123456789abcdef"          # each part's short digest, to say what changed
//! "model:support-llm" = { files = "...", license = "..." }
//!
//! [[answer.history]]                  # every earlier decision, oldest first
//! decision = "answered"
//! status = "met"
//! justification = "..."
//! evidence = [...]
//! answered_by = "..."
//! answered_at = "..."
//! scope_digest = "..."
//! ```
//!
//! The first format recorded `bom_sha256`, the manifest's digest, instead of `[answer.scope]`: such files are
//! read (an answer is current while the manifest's bytes are unchanged) and written in the new form.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::Checklist;
use super::scope::Recorded;
use crate::bom::{Spanned, choice_enum};
use crate::diag::{Problem, Span, nearest};
use crate::digest::Sha256Digest;
use crate::tomlfile::reader::{Collector, TableReader};

choice_enum! {
    /// What a person answered.
    AnswerStatus { Met = "met", Unmet = "unmet", NotApplicable = "not-applicable" }
}

choice_enum! {
    /// How an answer came to be: first given (or retyped), confirmed unchanged after its scope changed,
    /// amended, or withdrawn (the item is unanswered again, and the history keeps what was withdrawn).
    Decision { Answered = "answered", Confirmed = "confirmed", Amended = "amended", Withdrawn = "withdrawn" }
}

/// One answer: the decision in force, and every earlier one.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Answer {
    /// The checklist id.
    pub checklist: String,
    /// The item id.
    pub item: String,
    /// met | unmet | not-applicable
    pub status: AnswerStatus,
    /// answered | confirmed | amended | withdrawn
    pub decision: Decision,
    /// Why.
    pub justification: String,
    /// URLs or paths; files carry their SHA-256 when the answer was given.
    pub evidence: Vec<Evidence>,
    /// Who answered.
    pub answered_by: String,
    /// When (RFC 3339).
    pub answered_at: String,
    /// What the item's scope held when answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Recorded>,
    /// The first format's binding: the manifest's SHA-256 when answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bom_sha256: Option<String>,
    /// The changes a confirmation or amendment was made after.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviewed_changes: Vec<String>,
    /// Earlier decisions, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<PastDecision>,
}

/// An earlier decision on an item, kept so an auditor sees every decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PastDecision {
    /// answered | confirmed | amended | withdrawn
    pub decision: Decision,
    /// The status then.
    pub status: AnswerStatus,
    /// The justification then.
    pub justification: String,
    /// The evidence then.
    pub evidence: Vec<Evidence>,
    /// Who.
    pub answered_by: String,
    /// When (RFC 3339).
    pub answered_at: String,
    /// The scope's digest then (absent for answers of the first format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_digest: Option<String>,
    /// The first format's manifest digest then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bom_sha256: Option<String>,
    /// The changes that decision was made after.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviewed_changes: Vec<String>,
}

impl Answer {
    /// Is a decision in force at all (a withdrawn answer leaves the item unanswered)?
    pub fn is_withdrawn(&self) -> bool {
        self.decision == Decision::Withdrawn
    }

    /// The decision in force, as a history entry.
    pub fn as_past(&self) -> PastDecision {
        PastDecision {
            decision: self.decision,
            status: self.status,
            justification: self.justification.clone(),
            evidence: self.evidence.clone(),
            answered_by: self.answered_by.clone(),
            answered_at: self.answered_at.clone(),
            scope_digest: self.scope.as_ref().map(|scope| scope.digest.clone()),
            bom_sha256: self.bom_sha256.clone(),
            reviewed_changes: self.reviewed_changes.clone(),
        }
    }

    /// A new decision on this item: the one in force moves into the history.
    pub fn supersede(&mut self, next: Answer) {
        let mut history = std::mem::take(&mut self.history);
        history.push(self.as_past());
        *self = Answer { history, ..next };
    }
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

    /// A web address, kept as given (aitrust does not fetch it).
    pub fn is_url(text: &str) -> bool {
        text.starts_with("https://") || text.starts_with("http://")
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
    let decision = table.choice::<Decision>("decision");
    let justification = table.string("justification");
    let evidence = read_evidence(&mut table, collector);
    let answered_by = table.required_string("answered_by", "\"Jane Doe <jane@example.com>\"");
    let answered_at = table.required_string("answered_at", "\"2026-11-22T10:00:00Z\"");
    let bom_sha256 = table.string("bom_sha256");
    let scope = table.table("scope").map(|scope| read_scope(scope, collector));
    let reviewed_changes = table.strings("reviewed_changes");
    let history: Vec<PastDecision> = table
        .tables("history", "[[answer.history]]")
        .into_iter()
        .filter_map(|entry| read_past(entry, collector))
        .collect();
    let span = table.span();
    table.finish();

    check_time(answered_at.as_ref(), collector);
    let bom_sha256 = bom_sha256.and_then(|digest| checked_digest(&digest, "bom_sha256", collector));
    if bom_sha256.is_none() && scope.is_none() {
        collector.push(
            Problem::new(
                span,
                "[[answer]] records neither `[answer.scope]` nor `bom_sha256`: it is bound to nothing",
            )
            .with_help("answer with `aitrust checklist`, which records what the answer judged"),
        );
    }
    let (checklist_id, item_id, status) = (checklist_id?, item_id?, status?);
    let item = find_item(&checklist_id, &item_id, checklists, collector)?;
    let justification_text = justification
        .as_ref()
        .map(|j| j.value.trim().to_string())
        .unwrap_or_default();
    // a `?` or a lone mark says nothing an auditor can check
    let says_something = justification_text
        .split_whitespace()
        .any(|word| word.chars().filter(|c| c.is_alphabetic()).count() >= 2);
    if !says_something {
        collector.push(
            Problem::new(
                justification.as_ref().map_or(status.span, |j| j.span),
                format!("the answer to `{}` has no justification", item_id.value),
            )
            .with_help("say why, in a sentence an auditor can check: `justification = \"...\"`"),
        );
    }
    let decision = decision.map_or(Decision::Answered, |d| d.value);
    if status.value == AnswerStatus::Met
        && decision != Decision::Withdrawn
        && item.evidence_required
        && evidence.is_empty()
    {
        collector.push(
            Problem::new(
                status.span,
                format!("`{}` needs evidence to be \"met\"", item_id.value),
            )
            .with_help(
                "add `evidence = [\"https://...\" or { path = \"docs/report.md\", sha256 = \"...\" }]`",
            ),
        );
    }
    let span = item_id.span;
    Some((
        Answer {
            checklist: checklist_id.value,
            item: item_id.value,
            status: status.value,
            decision,
            justification: justification_text,
            evidence,
            answered_by: answered_by?.value,
            answered_at: answered_at?.value,
            scope: scope.flatten(),
            bom_sha256,
            reviewed_changes: reviewed_changes.into_iter().map(|c| c.value).collect(),
            history,
        },
        span,
    ))
}

fn check_time(at: Option<&Spanned<String>>, collector: &Collector) {
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    if let Some(at) = at
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
}

fn checked_digest(digest: &Spanned<String>, key: &str, collector: &Collector) -> Option<String> {
    match digest.value.parse::<Sha256Digest>() {
        Ok(_) => Some(digest.value.to_ascii_lowercase()),
        Err(error) => {
            collector.push(
                Problem::new(digest.span, format!("malformed {key}: {error}"))
                    .with_help("write a SHA-256 as 64 hex digits, or answer again with `aitrust checklist`"),
            );
            None
        }
    }
}

/// `[answer.scope]`: `digest`, then part → short digest, or component → { aspect = short digest }.
fn read_scope(table: TableReader<'_, '_>, collector: &Collector) -> Option<Recorded> {
    let mut digest = None;
    let mut parts = BTreeMap::new();
    let short = |value: &toml_span::Value<'_>, name: &str| -> Option<String> {
        let text = value.as_str().filter(|text| {
            !text.is_empty() && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if text.is_none() {
            collector.push(
                Problem::new(
                    value.span,
                    format!("`{name}` in [answer.scope] must be a hex digest"),
                )
                .with_help("answer again with `aitrust checklist`, which records the scope"),
            );
        }
        text.map(str::to_ascii_lowercase)
    };
    for (key, value) in table.entries() {
        if key.value == "digest" {
            digest = value
                .as_str()
                .map(|text| Spanned::new(text.to_string(), value.span))
                .and_then(|text| checked_digest(&text, "scope digest", collector));
            if value.as_str().is_none() {
                collector.push(Problem::new(
                    value.span,
                    "`digest` in [answer.scope] must be a string",
                ));
            }
        } else if matches!(key.value.as_str(), "project" | "usage") {
            if let Some(text) = short(value, &key.value) {
                parts.insert(key.value.clone(), text);
            }
        } else if super::scope::is_component_key(&key.value) {
            let Some(aspects) = value.as_table() else {
                collector.push(
                    Problem::new(
                        value.span,
                        format!("`{}` in [answer.scope] must be a table of aspects", key.value),
                    )
                    .with_help("write it like `\"model:my-model\" = { files = \"...\", license = \"...\" }`"),
                );
                continue;
            };
            for (aspect, digest) in aspects {
                if !super::scope::is_aspect(&aspect.name) {
                    collector.push(
                        Problem::new(
                            aspect.span,
                            format!("unknown aspect `{}` in [answer.scope]", aspect.name),
                        )
                        .with_help("aspects: source, files, license, lineage, card, upkeep, data, other"),
                    );
                    continue;
                }
                let name = format!("{}#{}", key.value, aspect.name);
                if let Some(text) = short(digest, &name) {
                    parts.insert(name, text);
                }
            }
        } else {
            collector.push(
                Problem::new(key.span, format!("unknown part `{}` in [answer.scope]", key.value)).with_help(
                    "parts are `digest`, `project`, `usage`, and components as `\"model:ID\"` or `\"dataset:ID\"`",
                ),
            );
        }
    }
    if digest.is_none() {
        collector.push(
            Problem::new(table.span(), "[answer.scope] has no `digest`")
                .with_help("answer again with `aitrust checklist`, which records the scope"),
        );
    }
    Some(Recorded {
        digest: digest?,
        parts,
    })
}

fn read_past(mut table: TableReader<'_, '_>, collector: &Collector) -> Option<PastDecision> {
    let decision = table.choice::<Decision>("decision");
    if table.value("status").is_none() {
        collector.push(
            Problem::new(table.span(), "[[answer.history]] is missing the required key `status`")
                .with_help("an earlier decision records its status: `status = \"met\"` (or \"unmet\", \"not-applicable\")"),
        );
    }
    let status = table.choice::<AnswerStatus>("status");
    let justification = table.string("justification");
    let evidence = read_evidence(&mut table, collector);
    let answered_by = table.required_string("answered_by", "\"Jane Doe <jane@example.com>\"");
    let answered_at = table.required_string("answered_at", "\"2026-11-22T10:00:00Z\"");
    let scope_digest = table.string("scope_digest");
    let bom_sha256 = table.string("bom_sha256");
    let reviewed_changes = table.strings("reviewed_changes");
    table.finish();
    check_time(answered_at.as_ref(), collector);
    Some(PastDecision {
        decision: decision.map_or(Decision::Answered, |d| d.value),
        status: status?.value,
        justification: justification.map(|j| j.value).unwrap_or_default(),
        evidence,
        answered_by: answered_by?.value,
        answered_at: answered_at?.value,
        scope_digest: scope_digest.and_then(|d| checked_digest(&d, "scope_digest", collector)),
        bom_sha256: bom_sha256.and_then(|d| checked_digest(&d, "bom_sha256", collector)),
        reviewed_changes: reviewed_changes.into_iter().map(|c| c.value).collect(),
    })
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
    let key = crate::tomlfile::toml_key;
    let mut sorted: Vec<&Answer> = answers.answers.iter().collect();
    sorted.sort_by(|a, b| (&a.checklist, &a.item).cmp(&(&b.checklist, &b.item)));
    let mut out = String::from(
        "# Answers to aitrust's trust checklists. Written by `aitrust checklist`; reviewed like code.\n",
    );
    let evidence_list = |evidence: &[Evidence]| -> String {
        let items: Vec<String> = evidence
            .iter()
            .map(|e| match e {
                Evidence::Text(text) => string(text),
                Evidence::File { path, sha256 } => {
                    format!("{{ path = {}, sha256 = {} }}", string(path), string(sha256))
                }
            })
            .collect();
        format!("[{}]", items.join(", "))
    };
    let strings = |list: &[String]| -> String {
        let items: Vec<String> = list.iter().map(|text| string(text)).collect();
        format!("[{}]", items.join(", "))
    };
    for answer in sorted {
        out.push_str("\n[[answer]]\n");
        out.push_str(&format!("checklist = {}\n", string(&answer.checklist)));
        out.push_str(&format!("item = {}\n", string(&answer.item)));
        out.push_str(&format!("status = {}\n", string(answer.status.as_str())));
        out.push_str(&format!("decision = {}\n", string(answer.decision.as_str())));
        out.push_str(&format!("justification = {}\n", string(&answer.justification)));
        out.push_str(&format!("evidence = {}\n", evidence_list(&answer.evidence)));
        out.push_str(&format!("answered_by = {}\n", string(&answer.answered_by)));
        out.push_str(&format!("answered_at = {}\n", string(&answer.answered_at)));
        if let Some(digest) = &answer.bom_sha256 {
            out.push_str(&format!("bom_sha256 = {}\n", string(digest)));
        }
        if !answer.reviewed_changes.is_empty() {
            out.push_str(&format!(
                "reviewed_changes = {}\n",
                strings(&answer.reviewed_changes)
            ));
        }
        if let Some(scope) = &answer.scope {
            out.push_str("\n[answer.scope]\n");
            out.push_str(&format!("digest = {}\n", string(&scope.digest)));
            let mut components: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
            for (name, digest) in &scope.parts {
                match name.rsplit_once('#') {
                    Some((component, aspect)) => {
                        components.entry(component).or_default().push((aspect, digest))
                    }
                    None => out.push_str(&format!("{} = {}\n", key(name), string(digest))),
                }
            }
            for (component, aspects) in components {
                let inner: Vec<String> = aspects
                    .iter()
                    .map(|(aspect, digest)| format!("{} = {}", key(aspect), string(digest)))
                    .collect();
                out.push_str(&format!("{} = {{ {} }}\n", key(component), inner.join(", ")));
            }
        }
        for past in &answer.history {
            out.push_str("\n[[answer.history]]\n");
            out.push_str(&format!("decision = {}\n", string(past.decision.as_str())));
            out.push_str(&format!("status = {}\n", string(past.status.as_str())));
            out.push_str(&format!("justification = {}\n", string(&past.justification)));
            out.push_str(&format!("evidence = {}\n", evidence_list(&past.evidence)));
            out.push_str(&format!("answered_by = {}\n", string(&past.answered_by)));
            out.push_str(&format!("answered_at = {}\n", string(&past.answered_at)));
            if let Some(digest) = &past.scope_digest {
                out.push_str(&format!("scope_digest = {}\n", string(digest)));
            }
            if let Some(digest) = &past.bom_sha256 {
                out.push_str(&format!("bom_sha256 = {}\n", string(digest)));
            }
            if !past.reviewed_changes.is_empty() {
                out.push_str(&format!(
                    "reviewed_changes = {}\n",
                    strings(&past.reviewed_changes)
                ));
            }
        }
    }
    out
}

impl Answers {
    /// Records a new decision on an item: the one in force (if any) moves into its history.
    pub fn record(&mut self, answer: Answer) {
        match self
            .answers
            .iter_mut()
            .find(|a| a.checklist == answer.checklist && a.item == answer.item)
        {
            Some(existing) => existing.supersede(answer),
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
