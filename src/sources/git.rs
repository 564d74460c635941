//! Git sources: the commit history that maintenance is judged from, read with git2 from a local clone (at
//! `check` time) or from the component's `url` (at `lock` time: a bare clone in a temporary directory, deleted
//! afterwards). git2 is built without TLS, so `url` may be a path, `file://`, `git://` or plain `http://`;
//! for an `https://` remote keep a clone at `path`.

use std::sync::mpsc;
use std::time::Duration;

use time::OffsetDateTime;

use super::lockfile::{LockedComponent, rfc3339};
use crate::bom::ComponentKind;

/// What a history says about upkeep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    /// The newest commit's time.
    pub last: OffsetDateTime,
    /// The oldest commit's time (a proxy for creation); `None` in a shallow clone, where it is not known.
    pub first: Option<OffsetDateTime>,
    /// Commits in the 90 days before "now".
    pub commits_90d: u64,
    /// Commits in the 365 days before "now".
    pub commits_365d: u64,
    /// A shallow clone: the counts stop at its boundary.
    pub shallow: bool,
}

/// The history reachable from `head`, measured from `now`.
pub fn history(repository: &git2::Repository, head: git2::Oid, now: OffsetDateTime) -> Option<History> {
    let when = |commit: &git2::Commit<'_>| OffsetDateTime::from_unix_timestamp(commit.time().seconds()).ok();
    let last = when(&repository.find_commit(head).ok()?)?;
    let mut walk = repository.revwalk().ok()?;
    walk.push(head).ok()?;
    let (mut commits_90d, mut commits_365d, mut first) = (0u64, 0u64, last);
    for oid in walk.flatten() {
        let Some(time) = repository.find_commit(oid).ok().as_ref().and_then(when) else {
            continue;
        };
        let days = (now - time).whole_days();
        commits_90d += u64::from((0..=90).contains(&days));
        commits_365d += u64::from((0..=365).contains(&days));
        first = first.min(time);
    }
    let shallow = repository.is_shallow();
    Some(History {
        last,
        first: (!shallow).then_some(first),
        commits_90d,
        commits_365d,
        shallow,
    })
}

pub(crate) const DEADLINE: Duration = Duration::from_secs(120);

/// Why a remote could not be locked: the pinned revision is not in it (a fact the lock records as missing), or
/// the remote could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The remote does not have the pinned revision.
    #[error("{0}")]
    RevisionNotFound(String),
    /// Anything else.
    #[error("{0}")]
    Unreadable(String),
}

impl From<String> for LockError {
    fn from(message: String) -> Self {
        Self::Unreadable(message)
    }
}

/// Clones `url` (bare, into a temporary directory) and records its upkeep for the lock: the default branch's
/// newest commit, the first commit, the commit counts, and the pinned `revision` resolved to a commit (it must
/// exist in the remote).
pub fn lock(
    id: &str,
    url: &str,
    kind: ComponentKind,
    revision: Option<&str>,
    now: OffsetDateTime,
) -> Result<LockedComponent, LockError> {
    let scratch = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let (sender, receiver) = mpsc::channel();
    let (target, source) = (scratch.path().to_path_buf(), url.to_string());
    std::thread::spawn(move || {
        let result = git2::build::RepoBuilder::new()
            .bare(true)
            .clone(&source, &target)
            .map(|_| ());
        let _ = sender.send(result.map_err(|e| e.message().to_string()));
    });
    match receiver.recv_timeout(DEADLINE) {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            return Err(LockError::Unreadable(format!(
                "{url}: cannot clone: {error}; check the url (aitrust reads paths, file://, git:// and http:// remotes; \
                 for https keep a clone at `path`)"
            )));
        }
        Err(_) => {
            return Err(LockError::Unreadable(format!(
                "{url}: no answer within {} s",
                DEADLINE.as_secs()
            )));
        }
    }
    let repository =
        git2::Repository::open_bare(scratch.path()).map_err(|e| format!("{url}: {}", e.message()))?;
    let head = repository
        .head()
        .ok()
        .and_then(|h| h.target())
        .ok_or_else(|| format!("{url}: the repository has no commits on its default branch"))?;
    let resolved = match revision {
        Some(revision) => repository
            .revparse_single(revision)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id().to_string())
            .map_err(|_| {
                LockError::RevisionNotFound(format!(
                    "{url}: revision {revision} not found; pin a commit that exists in the remote"
                ))
            })?,
        None => head.to_string(),
    };
    let history = history(&repository, head, now).ok_or_else(|| format!("{url}: cannot read the history"))?;
    let mut locked = LockedComponent::new(id, "git", url, kind, &resolved, now);
    locked.last_modified = Some(rfc3339(history.last));
    locked.created_at = history.first.map(rfc3339);
    locked.commits_90d = Some(history.commits_90d);
    locked.commits_365d = Some(history.commits_365d);
    Ok(locked)
}
