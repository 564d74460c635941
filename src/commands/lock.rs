//! `aitrust lock`: records what the checks need from the Hugging Face Hub and git remotes in `aibom.lock`.
//!
//! What a failure means is decided here: a repository or revision the Hub says does not exist, and a
//! repository it answers as disabled, are facts recorded in the lock (`check` turns them into MNT008 and
//! MNT002); anything that may pass on a retry (401/403/429/5xx/network) writes nothing and is exit 2.

use std::path::Path;

use super::{Console, Error, Outcome};
use crate::bom::{Bom, Component, SourceKind};
use crate::sources::hub::{Hub, HubError};
use crate::sources::lockfile::{self, LockFile, LockedComponent};

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
    let mut lock = LockFile::default();
    for component in bom.components().filter(|c| c.source.value == SourceKind::Git) {
        if let Some(locked) = lock_git(&bom, component, now, console)? {
            lock.components.push(locked);
        }
    }
    for component in bom
        .components()
        .filter(|c| c.source.value == SourceKind::Huggingface)
    {
        if let Some(locked) = lock_hub(&hub, component, now, console)? {
            lock.components.push(locked);
        }
    }
    let path = lockfile::path_beside(manifest);
    super::write(&path, lockfile::to_toml(&lock).as_bytes())?;
    console.say(&format!(
        "wrote {} ({} component{})",
        path.display(),
        lock.components.len(),
        super::plural(lock.components.len())
    ));
    Ok(Outcome::pass(""))
}

/// The error that leaves the lock as it was.
fn unchanged(error: impl std::fmt::Display) -> Error {
    Error::msg(format!("{error}\nnothing was written: aibom.lock is unchanged"))
}

/// Locks a git component with a `url` (a bare clone of the remote).
fn lock_git(
    bom: &Bom,
    component: &Component,
    now: time::OffsetDateTime,
    console: &mut dyn Console,
) -> Result<Option<LockedComponent>, Error> {
    let Some(url) = &component.url else {
        return Ok(None);
    };
    // a relative path is relative to the manifest, like every other path in it
    let remote = if url.value.contains("://") || Path::new(&url.value).is_absolute() {
        url.value.clone()
    } else {
        bom.root.join(&url.value).display().to_string()
    };
    let revision = component.revision.as_ref().map(|r| r.value.as_str());
    console.say(&format!("locking {} ({})", component.id.value, url.value));
    let mut locked = crate::sources::git::lock(&component.id.value, &remote, component.kind, revision, now)
        .map_err(unchanged)?;
    locked.repository = url.value.clone();
    Ok(Some(locked))
}

/// Locks a Hub component; a definite "does not exist" or "disabled" is recorded, not fatal.
fn lock_hub(
    hub: &Hub,
    component: &Component,
    now: time::OffsetDateTime,
    console: &mut dyn Console,
) -> Result<Option<LockedComponent>, Error> {
    let Some(name) = &component.name else {
        return Ok(None);
    };
    let revision = component.revision.as_ref().map(|r| r.value.as_str());
    console.say(&format!(
        "locking {} ({}{})",
        component.id.value,
        name.value,
        revision
            .map(|r| format!("@{}", r.chars().take(12).collect::<String>()))
            .unwrap_or_default()
    ));
    let (missing, disabled) = match hub.fetch(&component.id.value, &name.value, component.kind, revision, now)
    {
        Ok((locked, _)) => return Ok(Some(locked)),
        Err(error) => {
            let recorded = match &error {
                HubError::NotFound { .. } => (Some("repository"), false),
                HubError::RevisionNotFound { .. } => (Some("revision"), false),
                HubError::Disabled { .. } => (None, true),
                _ => return Err(unchanged(error)),
            };
            console.say(&format!(
                "warning: {error}; recorded in aibom.lock (`check` reports it)"
            ));
            recorded
        }
    };
    let mut entry = LockedComponent::new(
        &component.id.value,
        "huggingface",
        &name.value,
        component.kind,
        revision.unwrap_or_default(),
        now,
    );
    entry.missing = missing.map(str::to_string);
    entry.disabled = disabled;
    Ok(Some(entry))
}
