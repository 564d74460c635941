//! The provenance check: where components come from and whether that is known. Hub and git components must
//! be pinned to a full commit; publishers may be denied or need a recorded human decision; datasets should say
//! how they were collected, models what they were trained on; relations must fit the lineage.

use super::CheckCtx;
use crate::bom::{Component, Relation, SourceKind};
use crate::checklist::AnswerStatus;
use crate::findings::{Code, Findings};

/// Is this a full git commit id (40 hex digits, or 64 for SHA-256 repositories)?
pub fn is_full_commit(revision: &str) -> bool {
    matches!(revision.len(), 40 | 64) && revision.chars().all(|c| c.is_ascii_hexdigit())
}

/// Checks every component's provenance.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    let reviews = current_reviews(ctx);
    for component in ctx.bom.components() {
        check_pin(ctx, component, out);
        check_publisher(ctx, component, &reviews, out);
    }
    for component in ctx.bom.components().filter(|c| c.source.value == SourceKind::Git) {
        check_git_clone(ctx, component, out);
    }
    for dataset in &ctx.bom.datasets {
        if dataset
            .collection
            .as_ref()
            .is_none_or(|c| c.value.trim().is_empty())
        {
            let component = &dataset.component;
            out.push(ctx.draft(
                Code::Prv005,
                Some(&component.id),
                component.id.span,
                format!("dataset `{}` does not say how its data was collected", component.id.value),
                "add `collection = \"...\"`: the source, how it was gathered, and with what consent (from its datasheet or card)".into(),
            ));
        }
    }
    for model in &ctx.bom.models {
        let component = &model.component;
        if model.trained_on.is_empty() && model.base_model.is_empty() {
            out.push(ctx.draft(
                Code::Prv006,
                Some(&component.id),
                component.id.span,
                format!("model `{}` declares neither its training data nor a base model", component.id.value),
                "declare the datasets it was trained on (`trained_on`) or the model it derives from (`base_model`), as its card states".into(),
            ));
        }
        if let Some(relation) = &model.relation {
            let parents = model.base_model.len();
            let fits = match relation.value {
                Relation::Merge => parents >= 2,
                _ => parents == 1,
            };
            if !fits {
                out.push(ctx.draft(
                    Code::Prv007,
                    Some(&component.id),
                    relation.span,
                    format!("`relation = \"{}\"` does not fit {parents} base model{}", relation.value.as_str(), if parents == 1 { "" } else { "s" }),
                    "a merge has two or more base models; a fine-tune, adapter, quantization or distillation has one".into(),
                ));
            }
        }
    }
}

/// A git component kept as a local clone: HEAD must be the pinned commit and the working tree clean.
fn check_git_clone(ctx: &CheckCtx<'_>, component: &Component, out: &mut Findings) {
    let (Some(path), Some(revision)) = (&component.path, &component.revision) else {
        return;
    };
    let id = Some(component.id.value.as_str());
    let repository = match git2::Repository::open(path.value.under(&ctx.bom.root)) {
        Ok(repository) => repository,
        Err(error) => {
            out.push(ctx.draft(
                Code::Prv008,
                id,
                path.span,
                format!("`{}` is not a git repository ({})", path.value, error.message()),
                "clone the repository at the pinned revision into this path".into(),
            ));
            return;
        }
    };
    let head = repository
        .head()
        .ok()
        .and_then(|head| head.peel_to_commit().ok())
        .map(|commit| commit.id().to_string());
    match head {
        Some(head) if head.eq_ignore_ascii_case(&revision.value) => {}
        other => {
            out.push(ctx.draft(
                Code::Prv008,
                id,
                revision.span,
                format!(
                    "the clone at `{}` is at {}, the manifest pins {}",
                    path.value,
                    other.as_deref().unwrap_or("no commit"),
                    revision.value
                ),
                format!(
                    "`git -C {} checkout {}`, or review the clone's commit and pin it",
                    path.value, revision.value
                ),
            ));
            return;
        }
    }
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let Ok(statuses) = repository.statuses(Some(&mut options)) else {
        return;
    };
    let changed: Vec<String> = statuses
        .iter()
        .filter(|entry| entry.status() != git2::Status::CURRENT)
        .filter_map(|entry| entry.path().ok().map(str::to_string))
        .collect();
    if !changed.is_empty() {
        let shown: Vec<&str> = changed.iter().take(10).map(String::as_str).collect();
        out.push(ctx.draft(
            Code::Prv009,
            id,
            path.span,
            format!(
                "the clone at `{}` has {} changed file{} since {}: {}{}",
                path.value,
                changed.len(),
                if changed.len() == 1 { "" } else { "s" },
                &revision.value[..revision.value.len().min(12)],
                shown.join(", "),
                if changed.len() > shown.len() { ", ..." } else { "" }
            ),
            "discard the local changes, or commit, review and pin them".into(),
        ));
    }
}

fn check_pin(ctx: &CheckCtx<'_>, component: &Component, out: &mut Findings) {
    // Training data the project never downloads is documented, not deployed: it needs no pin.
    if !matches!(component.source.value, SourceKind::Huggingface | SourceKind::Git)
        || ctx.bom.is_training_data_only(component)
    {
        return;
    }
    let (span, message) = match &component.revision {
        None => (
            component.source.span,
            format!("`{}` is not pinned: it has no `revision`", component.id.value),
        ),
        Some(revision) if is_full_commit(&revision.value) => return,
        Some(revision) => (
            revision.span,
            format!(
                "`{}` is pinned to \"{}\", a branch, tag or short id that can move",
                component.id.value, revision.value
            ),
        ),
    };
    out.push(ctx.draft(
        Code::Prv001,
        Some(&component.id),
        span,
        message,
        "pin `revision` to the full commit id you reviewed (40 hexadecimal characters)".into(),
    ));
}

fn check_publisher(ctx: &CheckCtx<'_>, component: &Component, reviews: &[String], out: &mut Findings) {
    let policy = &ctx.bom.policy.publishers;
    let Some(publisher) = &component.publisher else {
        // A Hub repository names its publisher in its id.
        if component.source.value != SourceKind::Huggingface {
            out.push(ctx.draft(
                Code::Prv004,
                Some(&component.id),
                component.id.span,
                format!(
                    "{} `{}` does not say who publishes it",
                    component.kind.as_str(),
                    component.id.value
                ),
                "add `publisher = \"...\"` (the organisation or person that released it)".into(),
            ));
        }
        return;
    };
    let same = |entry: &str| entry.eq_ignore_ascii_case(&publisher.value);
    if policy.deny.iter().any(|entry| same(entry)) {
        out.push(ctx.draft(
            Code::Prv002,
            Some(&component.id),
            publisher.span,
            format!(
                "publisher \"{}\" is denied by the policy (publishers.deny)",
                publisher.value
            ),
            "replace the component with one from another publisher".into(),
        ));
    } else if policy.review.iter().any(|entry| same(entry))
        && !reviews
            .iter()
            .any(|justification| justification.contains(&publisher.value.to_ascii_lowercase()))
    {
        out.push(ctx.draft(
            Code::Prv003,
            Some(&component.id),
            publisher.span,
            format!("publisher \"{}\" needs a recorded human decision (publishers.review)", publisher.value),
            format!(
                "answer checklist item `trust-model-deployment` as met, with a justification that names \"{}\", in aibom.answers.toml",
                publisher.value
            ),
        ));
    }
}

/// The justifications (lower case) of the current "met" answers to `trust-model-deployment`: a publisher under
/// review is cleared by one that names it. Read once per audit: the answers' staleness needs the manifest's
/// snapshot, which is not recomputed per component.
fn current_reviews(ctx: &CheckCtx<'_>) -> Vec<String> {
    let Some(answers) = ctx.answers else {
        return Vec::new();
    };
    let candidates: Vec<&crate::checklist::Answer> = answers
        .answers
        .iter()
        .filter(|answer| {
            answer.checklist == "global"
                && answer.item == "trust-model-deployment"
                && answer.status == AnswerStatus::Met
                && !answer.is_withdrawn()
        })
        .collect();
    if candidates.is_empty() || ctx.bom.policy.publishers.review.is_empty() {
        return Vec::new();
    }
    let global = crate::checklist::Checklist::global();
    let Some(item) = global.item("trust-model-deployment") else {
        return Vec::new();
    };
    let snapshot = crate::checklist::Snapshot::of(ctx.bom);
    candidates
        .into_iter()
        .filter(|answer| !crate::checklist::staleness(item, answer, &snapshot).0)
        .map(|answer| answer.justification.to_ascii_lowercase())
        .collect()
}
