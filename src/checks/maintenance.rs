//! The maintenance check: an activity signal per component in the spirit of OpenSSF Scorecard's "Maintained"
//! check — the last change, commits in the last 90 and 365 days, a repository created only recently, a
//! disabled repository. Hub components are judged from `aibom.lock` (never the network); git components from
//! the lock (`aitrust lock` reads their `url`), else from their local clone (git2); local components from their
//! `maintainer` and `last_reviewed`.

use serde::Serialize;

use super::CheckCtx;
use crate::bom::policy::Staleness;
use crate::bom::{Component, SourceKind};
use crate::findings::{Code, Findings, Severity};

/// Default `maintenance.max_age_days`.
pub const DEFAULT_MAX_AGE_DAYS: u64 = 365;

/// What is known of a component's upkeep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Activity {
    /// hub (the lock) | git-remote (the lock) | git | git-shallow (the local clone) | review (manifest) | unknown
    pub source: String,
    /// active | stale | disabled | missing | unknown
    pub status: String,
    /// The last change (or review), RFC 3339 or YYYY-MM-DD.
    pub last_change: Option<String>,
    /// Days since then.
    pub age_days: Option<i64>,
    /// Commits in the last 90 days.
    pub commits_90d: Option<u64>,
    /// Commits in the last 365 days.
    pub commits_365d: Option<u64>,
    /// When the repository was created.
    pub created_at: Option<String>,
}

fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .or_else(|| {
            time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
                .ok()
                .map(|date| date.midnight().assume_utc())
        })
}

/// What the activity signal is computed from.
pub struct Inputs<'a> {
    /// The manifest.
    pub bom: &'a crate::bom::Bom,
    /// The lock file, if any.
    pub lock: Option<&'a crate::sources::lockfile::LockFile>,
    /// "Today".
    pub now: time::OffsetDateTime,
}

/// The activity of every component, in `Bom::components()` order.
pub fn activities(inputs: &Inputs<'_>) -> Vec<(String, Activity)> {
    inputs
        .bom
        .components()
        .map(|c| (c.id.value.clone(), activity(inputs, c)))
        .collect()
}

fn unknown() -> Activity {
    Activity {
        source: "unknown".into(),
        status: "unknown".into(),
        last_change: None,
        age_days: None,
        commits_90d: None,
        commits_365d: None,
        created_at: None,
    }
}

fn max_age(bom: &crate::bom::Bom) -> i64 {
    bom.policy
        .maintenance
        .max_age_days
        .as_ref()
        .map_or(DEFAULT_MAX_AGE_DAYS, |m| m.value) as i64
}

fn activity(ctx: &Inputs<'_>, component: &Component) -> Activity {
    let age = |text: &Option<String>| {
        text.as_deref()
            .and_then(parse_time)
            .map(|t| (ctx.now - t).whole_days())
    };
    let status = |age_days: Option<i64>| match age_days {
        Some(days) if days > max_age(ctx.bom) => "stale",
        Some(_) => "active",
        None => "unknown",
    };
    match component.source.value {
        SourceKind::Huggingface | SourceKind::Git => {
            let locked = ctx.lock.and_then(|lock| lock.entry_for(component));
            if let Some(locked) = locked {
                let age_days = age(&locked.last_modified);
                return Activity {
                    source: if locked.source == "git" {
                        "git-remote"
                    } else {
                        "hub"
                    }
                    .into(),
                    status: if locked.missing.is_some() {
                        "missing".into()
                    } else if locked.unavailable.is_some() {
                        "unavailable".into()
                    } else if locked.disabled {
                        "disabled".into()
                    } else {
                        status(age_days).into()
                    },
                    last_change: locked.last_modified.clone(),
                    age_days,
                    commits_90d: locked.commits_90d,
                    commits_365d: locked.commits_365d,
                    created_at: locked.created_at.clone(),
                };
            }
            if component.source.value == SourceKind::Huggingface {
                return unknown();
            }
            match component
                .path
                .as_ref()
                .and_then(|p| git_activity(&p.value.under(&ctx.bom.root), ctx.now))
            {
                Some(mut activity) => {
                    activity.status = status(activity.age_days).into();
                    activity
                }
                None => review_activity(ctx, component),
            }
        }
        SourceKind::Local | SourceKind::Url | SourceKind::Hosted => review_activity(ctx, component),
    }
}

fn review_activity(ctx: &Inputs<'_>, component: &Component) -> Activity {
    match (&component.maintainer, &component.last_reviewed) {
        (Some(_), Some(reviewed)) => {
            let age_days = parse_time(&reviewed.value).map(|t| (ctx.now - t).whole_days());
            Activity {
                source: "review".into(),
                status: if age_days.is_some_and(|d| d > max_age(ctx.bom)) {
                    "stale".into()
                } else {
                    "active".into()
                },
                last_change: Some(reviewed.value.clone()),
                age_days,
                ..unknown()
            }
        }
        _ => unknown(),
    }
}

/// HEAD's commit time and commit counts of a local clone; `source` says `git-shallow` for shallow clones.
fn git_activity(path: &std::path::Path, now: time::OffsetDateTime) -> Option<Activity> {
    let repository = git2::Repository::open(path).ok()?;
    let head = repository.head().ok()?.target()?;
    let history = crate::sources::git::history(&repository, head, now)?;
    let rfc3339 = |t| Some(crate::sources::lockfile::rfc3339(t));
    Some(Activity {
        source: if history.shallow { "git-shallow" } else { "git" }.into(),
        status: "unknown".into(),
        last_change: rfc3339(history.last),
        age_days: Some((now - history.last).whole_days()),
        commits_90d: Some(history.commits_90d),
        commits_365d: Some(history.commits_365d),
        created_at: history.first.map(crate::sources::lockfile::rfc3339),
    })
}

/// Reports stale, disabled, new, unknown and unlocked components.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    let stale_severity = match ctx.bom.policy.maintenance.stale.as_ref().map(|s| s.value) {
        Some(Staleness::Deny) => Severity::Error,
        _ => Severity::Warning,
    };
    for (component, (_, activity)) in ctx.bom.components().zip(ctx.activities) {
        let id = Some(component.id.value.as_str());
        let span = component
            .revision
            .as_ref()
            .or(component.maintainer.as_ref())
            .map_or(component.id.span, |s| s.span);
        // Training data the project never holds is not deployed: its upkeep is its publisher's affair.
        if ctx.bom.is_training_data_only(component) {
            continue;
        }
        // Hub components always come from the lock; git components with a `url` and no clone to read do too
        let from_lock = component.source.value == SourceKind::Huggingface
            || (component.source.value == SourceKind::Git
                && component.url.is_some()
                && matches!(activity.source.as_str(), "git-remote" | "review" | "unknown"));
        if from_lock {
            let locked = ctx.lock.and_then(|lock| lock.entry_for(component));
            match locked {
                None => {
                    out.push(ctx.draft(
                        Code::Mnt004,
                        id,
                        component.source.span,
                        format!("`{}` is not in aibom.lock, so its maintenance{} not checked", component.id.value, if component.source.value == SourceKind::Git { " was" } else { " and Hub digests were" }),
                        "run `aitrust lock` (it records what the checks need from the Hub and git remotes) and commit aibom.lock".into(),
                    ));
                    continue;
                }
                Some(locked) => {
                    if let Some(canonical) = &locked.canonical {
                        out.push(ctx.draft(
                            Code::Mnt009,
                            id,
                            component.name.as_ref().map_or(span, |n| n.span),
                            format!(
                                "the Hub renamed `{}` to `{canonical}`",
                                locked.repository
                            ),
                            format!("set `name = \"{canonical}\"` (check the publisher too) and run `aitrust lock`"),
                        ));
                    }
                    if let Some(revision) = component.revision.as_ref().filter(|r| r.value != locked.revision)
                    {
                        out.push(ctx.draft(
                            Code::Mnt004,
                            id,
                            revision.span,
                            format!(
                                "aibom.lock describes revision {} of `{}`, the manifest pins {}",
                                locked.revision, component.id.value, revision.value
                            ),
                            "run `aitrust lock` again after changing the pin".into(),
                        ));
                    }
                    if locked
                        .created_at
                        .as_deref()
                        .and_then(parse_time)
                        .is_some_and(|t| (ctx.now - t).whole_days() < 90)
                    {
                        out.push(ctx.draft(
                            Code::Mnt006,
                            id,
                            span,
                            format!("`{}` was created less than 90 days ago ({})", locked.repository, locked.created_at.as_deref().unwrap_or_default()),
                            "a new repository has no track record: review its publisher and history before relying on it".into(),
                        ));
                    }
                }
            }
        }
        if activity.source == "git-shallow" {
            out.push(ctx.draft(
                Code::Mnt005,
                id,
                span,
                format!(
                    "the clone of `{}` is shallow, so its commit counts are not reliable",
                    component.id.value
                ),
                "fetch the full history (`git fetch --unshallow`) for an accurate activity signal".into(),
            ));
        }
        match activity.status.as_str() {
            "missing" => {
                let what = ctx
                    .lock
                    .and_then(|lock| lock.entry_for(component))
                    .and_then(|l| l.missing.as_deref())
                    .unwrap_or("repository");
                out.push(ctx.draft(
                    Code::Mnt008,
                    id,
                    span,
                    if what == "revision" {
                        format!(
                            "the pinned revision of `{}` no longer exists in {}",
                            component.id.value,
                            component.display_name()
                        )
                    } else {
                        format!("`{}` no longer exists on the Hub", component.display_name())
                    },
                    "find where it went (a renamed repository keeps its history) and pin that, or replace it; then run `aitrust lock`".into(),
                ))
            }
            "unavailable" => {
                let locked = ctx.lock.and_then(|lock| lock.entry_for(component));
                let state = locked.and_then(|l| l.unavailable.as_deref()).unwrap_or("malformed");
                let detail = locked.and_then(|l| l.detail.as_deref()).unwrap_or("no detail recorded");
                out.push(ctx.draft(
                    Code::Mnt010,
                    id,
                    span,
                    format!(
                        "`{}` could not be read when aibom.lock was made ({state}): {detail}",
                        component.display_name()
                    ),
                    match state {
                        "private-or-missing" => "if it is private, set HF_TOKEN to a token with access; else fix `name`; then run `aitrust lock`",
                        "gated" => "accept the repository's conditions on the Hub with the token's account, then run `aitrust lock`",
                        "transient" => "the source did not answer: run `aitrust lock` again",
                        _ => "find out why the source answers this way before trusting the component; then run `aitrust lock`",
                    }
                    .into(),
                ))
            }
            "disabled" => out.push(ctx.draft(
                Code::Mnt002,
                id,
                span,
                format!("the Hub has disabled `{}`", component.display_name()),
                "stop using it: a disabled repository was taken down (legal, abuse or security reasons); find a replacement".into(),
            )),
            "stale" => {
                let mut draft = ctx.draft(
                    if activity.source == "review" { Code::Mnt007 } else { Code::Mnt001 },
                    id,
                    span,
                    format!(
                        "`{}` last changed (or was reviewed) {} days ago ({}), over the {}-day limit",
                        component.id.value,
                        activity.age_days.unwrap_or_default(),
                        activity.last_change.as_deref().unwrap_or("?"),
                        max_age(ctx.bom)
                    ),
                    "check that it is still maintained and fit for use, then record the review (`last_reviewed`) or replace it".into(),
                );
                draft.severity = Some(stale_severity);
                out.push(draft);
            }
            "unknown" if matches!(component.source.value, SourceKind::Local | SourceKind::Url | SourceKind::Git) => out.push(ctx.draft(
                Code::Mnt003,
                id,
                component.id.span,
                format!("maintenance of `{}` is unknown: there is no source to ask", component.id.value),
                "add `maintainer = \"...\"` and `last_reviewed = \"YYYY-MM-DD\"`, or keep a git clone at `path`".into(),
            )),
            _ => {}
        }
    }
}
