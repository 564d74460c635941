//! `aitrust lock`: records what the checks need from the Hugging Face Hub and git remotes in `aibom.lock`.
//!
//! Every outcome for a repository is recorded, none is fatal: a repository or revision that does not exist, a
//! disabled, gated, private-or-missing or renamed one, and a source that did not answer (after retries) are
//! facts in the lock that `check` turns into findings (MNT008, MNT002, MNT009, MNT010). Only an unusable
//! manifest, endpoint or an unwritable lock is exit 2. Repositories are read in parallel, a few at a time.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Console, Error, Outcome};
use crate::bom::{Bom, Component, SourceKind};
use crate::sources::hub::Hub;
use crate::sources::lockfile::{self, LockFile, LockedComponent};

/// Repositories read at once.
const PARALLEL: usize = 4;

/// `aitrust lock`.
pub fn lock(
    manifest: &Path,
    endpoint: Option<&str>,
    now: Option<&str>,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    let now = super::parse_now(now)?;
    let bom = crate::resolve::load(manifest)?;
    let hub = super::hub_client(endpoint)?;
    let todo: Vec<&Component> = bom
        .components()
        .filter(|c| match c.source.value {
            SourceKind::Git => c.url.is_some(),
            SourceKind::Huggingface => c.name.is_some(),
            _ => false,
        })
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, LockedComponent, Option<String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(todo.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(component) = todo.get(index) else { break };
                    let (locked, warning) = match component.source.value {
                        SourceKind::Git => lock_git(&bom, component, now),
                        _ => lock_hub(&hub, component, now),
                    };
                    if let Ok(mut results) = results.lock() {
                        results.push((index, locked, warning));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(index, _, _)| *index);
    let mut lock = LockFile::default();
    let mut problems = 0;
    for (index, locked, warning) in results {
        let component = todo[index];
        let what = component
            .name
            .as_ref()
            .or(component.url.as_ref())
            .map_or(String::new(), |n| format!(" ({})", n.value));
        match warning {
            Some(warning) => {
                problems += 1;
                console.say(&format!(
                    "warning: {}{what}: {warning}; recorded in aibom.lock (`check` reports it)",
                    component.id.value
                ));
            }
            None => console.say(&format!("locked {}{what}", component.id.value)),
        }
        lock.components.push(locked);
    }
    let path = lockfile::path_beside(manifest);
    super::write(&path, lockfile::to_toml(&lock).as_bytes())?;
    console.say(&format!(
        "wrote {} ({} component{}{})",
        path.display(),
        lock.components.len(),
        super::plural(lock.components.len()),
        if problems > 0 {
            format!(", {problems} with a problem `aitrust check` reports")
        } else {
            String::new()
        }
    ));
    Ok(Outcome::pass(""))
}

/// Locks a git component with a `url`; a remote that cannot be read is recorded.
fn lock_git(
    bom: &Bom,
    component: &Component,
    now: time::OffsetDateTime,
) -> (LockedComponent, Option<String>) {
    let url = component
        .url
        .as_ref()
        .map(|u| u.value.clone())
        .unwrap_or_default();
    // a relative path is relative to the manifest, like every other path in it
    let remote = if url.contains("://")
        || crate::sources::git_remote::is_network(&url)
        || Path::new(&url).is_absolute()
    {
        url.clone()
    } else {
        bom.root.join(&url).display().to_string()
    };
    let revision = component.revision.as_ref().map(|r| r.value.as_str());
    let result = if crate::sources::git_remote::is_network(&remote) {
        crate::sources::git_remote::lock(&component.id.value, &remote, component.kind, revision, now)
    } else {
        crate::sources::git::lock(&component.id.value, &remote, component.kind, revision, now)
    };
    match result {
        Ok(mut locked) => {
            locked.repository = url;
            (locked, None)
        }
        Err(error) => {
            let mut entry = LockedComponent::new(
                &component.id.value,
                "git",
                &url,
                component.kind,
                revision.unwrap_or_default(),
                now,
            );
            match &error {
                crate::sources::git::LockError::RevisionNotFound(_) => {
                    entry.missing = Some("revision".to_string())
                }
                crate::sources::git::LockError::Unreadable(_) => {
                    entry.unavailable = Some("transient".to_string())
                }
            }
            entry.detail = Some(error.to_string());
            (entry, Some(error.to_string()))
        }
    }
}

/// Locks a Hub component; whatever the Hub answers is recorded.
fn lock_hub(
    hub: &Hub,
    component: &Component,
    now: time::OffsetDateTime,
) -> (LockedComponent, Option<String>) {
    let name = component
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .unwrap_or_default();
    let revision = component.revision.as_ref().map(|r| r.value.as_str());
    match hub.fetch(&component.id.value, &name, component.kind, revision, now) {
        Ok((locked, _)) => {
            let warning = locked
                .canonical
                .as_ref()
                .map(|canonical| format!("the Hub now names it {canonical} (renamed)"));
            (locked, warning)
        }
        Err(error) => {
            let (missing, unavailable, disabled) = error.recorded();
            let mut entry = LockedComponent::new(
                &component.id.value,
                "huggingface",
                &name,
                component.kind,
                revision.unwrap_or_default(),
                now,
            );
            entry.missing = missing.map(str::to_string);
            entry.unavailable = unavailable.map(str::to_string);
            entry.disabled = disabled;
            entry.detail = Some(error.to_string());
            (entry, Some(error.to_string()))
        }
    }
}
