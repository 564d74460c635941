//! Git remotes over the network — `https://`, `http://`, `ssh://` and scp-style `git@host:org/repo` — read with
//! gix (pure Rust; HTTP through reqwest and rustls, the stack the Hub client uses; ssh through the system's `ssh`
//! program, as git does). The fetch is shallow: the default branch's history back to one year before `now`
//! (`--shallow-since`), so a large repository costs its last year of commits, not its whole history. A pin older
//! than that is fetched by itself (depth 1) to prove the remote has it and to date it.

use std::num::NonZeroU32;
use std::sync::atomic::AtomicBool;

use time::OffsetDateTime;

use super::git::LockError;
use super::lockfile::{LockedComponent, rfc3339};
use crate::bom::ComponentKind;

/// Does `url` name a network remote this module reads (rather than a path, `file://` or `git://`)?
pub fn is_network(url: &str) -> bool {
    if url.starts_with("https://") || url.starts_with("http://") || url.starts_with("ssh://") {
        return true;
    }
    // scp-style: `user@host:path` (no scheme, a colon before any slash)
    match (url.find(':'), url.find('/')) {
        (Some(colon), slash) => {
            !url.contains("://") && url[..colon].contains('@') && slash.is_none_or(|slash| colon < slash)
        }
        _ => false,
    }
}

fn unreadable(url: &str, what: &str, error: impl std::fmt::Display) -> LockError {
    LockError::Unreadable(format!("{url}: {what}: {error}"))
}

fn when(time: gix::date::Time) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(time.seconds).ok()
}

/// Fetches the remote's default branch (shallow, one year) and the pin, and records its upkeep, within the
/// deadline git components have (a remote that stops answering is recorded, never waited on forever).
pub fn lock(
    id: &str,
    url: &str,
    kind: ComponentKind,
    revision: Option<&str>,
    now: OffsetDateTime,
) -> Result<LockedComponent, LockError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let (id, owned_url, revision) = (id.to_string(), url.to_string(), revision.map(str::to_string));
    std::thread::spawn(move || {
        let _ = sender.send(fetch(&id, &owned_url, kind, revision.as_deref(), now));
    });
    receiver.recv_timeout(super::git::DEADLINE).unwrap_or_else(|_| {
        Err(LockError::Unreadable(format!(
            "{url}: no answer within {} s",
            super::git::DEADLINE.as_secs()
        )))
    })
}

fn fetch(
    id: &str,
    url: &str,
    kind: ComponentKind,
    revision: Option<&str>,
    now: OffsetDateTime,
) -> Result<LockedComponent, LockError> {
    let scratch = tempfile::tempdir().map_err(|e| unreadable(url, "cannot make a temporary directory", e))?;
    let interrupt = AtomicBool::new(false);
    let year_ago = now - time::Duration::days(365);
    let since = gix::remote::fetch::Shallow::Since {
        cutoff: gix::date::Time::new(year_ago.unix_timestamp(), 0),
    };
    let clone = |shallow: gix::remote::fetch::Shallow, directory: &std::path::Path| {
        gix::prepare_clone_bare(url, directory)
            .map_err(|e| unreadable(url, "not a git url aitrust can read", e))?
            .with_shallow(shallow)
            .fetch_only(gix::progress::Discard, &interrupt)
            .map(|(repository, _)| repository)
            .map_err(|e| unreadable(url, "cannot fetch", e))
    };
    // a remote with no commit in the last year refuses `--shallow-since`: then its newest commit is enough
    let repository = match clone(since, scratch.path()) {
        Ok(repository) => repository,
        Err(_) => {
            let again = scratch.path().join("depth-1");
            clone(
                gix::remote::fetch::Shallow::DepthAtRemote(NonZeroU32::MIN),
                &again,
            )?
        }
    };
    let head = repository
        .head_id()
        .map_err(|e| unreadable(url, "the remote has no commits on its default branch", e))?
        .detach();
    // the default branch's commits in the fetched year, newest first
    let mut dates = Vec::new();
    let walk = repository
        .rev_walk([head])
        .all()
        .map_err(|e| unreadable(url, "cannot read the history", e))?;
    for info in walk {
        let info = info.map_err(|e| unreadable(url, "cannot read the history", e))?;
        let commit = info
            .object()
            .map_err(|e| unreadable(url, "cannot read a commit", e))?;
        let time = commit
            .time()
            .map_err(|e| unreadable(url, "a commit has no time", e))?;
        dates.push((info.id, when(time).unwrap_or(OffsetDateTime::UNIX_EPOCH)));
    }
    let head_date = dates.first().map(|(_, date)| *date);
    let count = |days: i64| {
        dates
            .iter()
            .filter(|(_, d)| now - *d <= time::Duration::days(days))
            .count() as u64
    };
    let (resolved, pin_date, behind) = match revision {
        None => (head.to_string(), head_date, Some(0)),
        Some(pin) => {
            let wanted = gix::ObjectId::from_hex(pin.as_bytes()).map_err(|_| {
                LockError::RevisionNotFound(format!("{url}: revision {pin} is not a full commit id"))
            })?;
            match dates.iter().position(|(id, _)| *id == wanted) {
                Some(position) => (pin.to_string(), Some(dates[position].1), Some(position as u64)),
                None => {
                    let date = fetch_pin(&repository, url, wanted, &interrupt)?;
                    (pin.to_string(), Some(date), None)
                }
            }
        }
    };
    let mut locked = LockedComponent::new(id, "git", url, kind, &resolved, now);
    locked.last_modified = head_date.map(rfc3339);
    locked.commits_90d = Some(count(90));
    locked.commits_365d = Some(count(365));
    locked.head_revision = Some(head.to_string()).filter(|h| *h != resolved);
    // a pin older than the fetched year: how many commits lie between is not known without the history
    locked.behind_commits = behind;
    locked.behind_days = match (head_date, pin_date) {
        (Some(head), Some(pin)) => Some((head - pin).whole_days().max(0) as u64),
        _ => None,
    };
    Ok(locked)
}

/// Fetches one commit by id (depth 1): the remote must have it. Returns its date.
fn fetch_pin(
    repository: &gix::Repository,
    url: &str,
    pin: gix::ObjectId,
    interrupt: &AtomicBool,
) -> Result<OffsetDateTime, LockError> {
    let missing = || {
        LockError::RevisionNotFound(format!(
            "{url}: revision {pin} not found; pin a commit that exists in the remote"
        ))
    };
    let spec = format!("{pin}:refs/aitrust/pin");
    let remote = repository
        .remote_at(url)
        .map_err(|e| unreadable(url, "not a git url aitrust can read", e))?
        .with_refspecs([spec.as_str()], gix::remote::Direction::Fetch)
        .map_err(|e| unreadable(url, "cannot ask for the pinned commit", e))?;
    let connection = remote
        .connect(gix::remote::Direction::Fetch)
        .map_err(|e| unreadable(url, "cannot connect", e))?;
    let outcome = connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|_| missing())?
        .with_shallow(gix::remote::fetch::Shallow::DepthAtRemote(NonZeroU32::MIN))
        .receive(gix::progress::Discard, interrupt);
    if outcome.is_err() {
        return Err(missing());
    }
    let commit = repository.find_commit(pin).map_err(|_| missing())?;
    let time = commit
        .time()
        .map_err(|e| unreadable(url, "the pinned commit has no time", e))?;
    Ok(when(time).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_urls_as_git_writes_them() {
        for url in [
            "https://github.com/org/repo.git",
            "http://127.0.0.1:8080/repo",
            "ssh://git@github.com/org/repo.git",
            "git@github.com:org/repo.git",
            "user@host:repo",
        ] {
            assert!(is_network(url), "{url}");
        }
        for url in [
            "../clone",
            "/srv/git/repo",
            "file:///srv/repo",
            "git://host/repo",
            "C:/repo",
            "dir/a@b:c",
        ] {
            assert!(!is_network(url), "{url}");
        }
    }
}
