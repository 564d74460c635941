//! The local Hugging Face cache (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`), read
//! offline for `aitrust init --from-hf-cache`:
//!
//! ```text
//! models--<org>--<name>/            datasets--<org>--<name>/ likewise
//!   refs/main                       the commit the branch pointed to when it was downloaded
//!   blobs/<etag>                    content, named by its SHA-256 (LFS) or its git blob id (other files)
//!   snapshots/<commit>/<path>       relative symlinks to ../../blobs/<etag>
//! ```
//!
//! Every blob is hashed and compared with its name (SHA-256 for LFS blobs, the git blob id of
//! `"blob <len>\0" + content` otherwise), so a corrupted or tampered cache is found without the network.
//! Snapshot links are resolved lexically and must land in the repository's own `blobs/`; nothing is followed
//! out of the cache.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::bom::ComponentKind;
use crate::bom::card::CardData;
use crate::digest::Sha256Digest;
use crate::digest::hash::{self, Progress};

/// The cache directory when none is given: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
/// `~/.cache/huggingface/hub` (`XDG_CACHE_HOME` is honoured as huggingface_hub does).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("HF_HUB_CACHE") {
        return Some(dir);
    }
    if let Some(home) = var("HF_HOME") {
        return Some(home.join("hub"));
    }
    if let Some(cache) = var("XDG_CACHE_HOME") {
        return Some(cache.join("huggingface/hub"));
    }
    var("HOME").map(|home| home.join(".cache/huggingface/hub"))
}

/// One file of a cached snapshot, verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedFile {
    /// Its path in the repository.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: Sha256Digest,
    /// Stored by LFS (its blob is named by this SHA-256).
    pub lfs: bool,
}

/// One repository of the cache at the revision chosen.
#[derive(Clone, Debug)]
pub struct CachedRepo {
    /// Model or dataset.
    pub kind: ComponentKind,
    /// `org/name`.
    pub repository: String,
    /// The commit of the snapshot used.
    pub revision: String,
    /// How the revision was chosen, when it was not simply `refs/main`.
    pub revision_note: Option<String>,
    /// The snapshot's files, sorted by path.
    pub files: Vec<CachedFile>,
    /// The card's front matter, if the snapshot has a `README.md` with one.
    pub card: Option<CardData>,
}

/// A blob whose content does not match its name, or a snapshot entry that cannot be trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corruption {
    /// `org/name`.
    pub repository: String,
    /// The file in the cache (relative to the cache directory).
    pub location: String,
    /// What is wrong.
    pub problem: String,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Repositories whose snapshot could be read: models, then datasets, each sorted by name.
    pub repos: Vec<CachedRepo>,
    /// Every integrity problem; a non-empty list means the cache must not be trusted.
    pub corrupted: Vec<Corruption>,
    /// Entries that were left out, and why (spaces, unreadable directories).
    pub skipped: Vec<String>,
    /// How many blobs were hashed.
    pub blobs_verified: usize,
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `models--org--name` → (Model, `org/name`).
fn parse_folder(name: &str) -> Option<(Option<ComponentKind>, String)> {
    let (prefix, rest) = name.split_once("--")?;
    let kind = match prefix {
        "models" => Some(ComponentKind::Model),
        "datasets" => Some(ComponentKind::Dataset),
        "spaces" => None,
        _ => return None,
    };
    Some((kind, rest.replace("--", "/")))
}

/// Lexically resolves a snapshot link; the target must be `<repo>/blobs/<name>` with nothing after it.
fn blob_of(repo_dir: &Path, link: &Path, target: &Path) -> Option<String> {
    let mut resolved: Vec<std::ffi::OsString> = Vec::new();
    let base = link.parent()?.strip_prefix(repo_dir).ok()?;
    for part in base.components().chain(target.components()) {
        match part {
            Component::Normal(name) => resolved.push(name.to_os_string()),
            Component::ParentDir => {
                resolved.pop()?;
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    match resolved.as_slice() {
        [blobs, name] if blobs == "blobs" => Some(name.to_str()?.to_string()),
        _ => None,
    }
}

/// Reads and verifies the cache at `dir`. Errors only when the directory itself cannot be read.
pub fn scan(dir: &Path, progress: bool) -> Result<Scan, String> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        format!(
            "cannot read the Hugging Face cache at {}: {error}\nhelp: pass the cache directory: `aitrust init --from-hf-cache DIR`",
            dir.display()
        )
    })?;
    let mut folders: Vec<(ComponentKind, String, PathBuf)> = Vec::new();
    let mut scan = Scan::default();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        match parse_folder(&name) {
            Some((Some(kind), repository)) if entry.path().is_dir() => {
                folders.push((kind, repository, entry.path()))
            }
            Some((None, repository)) => scan
                .skipped
                .push(format!("{repository}: a Space, not a model or dataset")),
            _ => {}
        }
    }
    // models first, then datasets, each by name
    folders.sort_by(|a, b| (a.0 != ComponentKind::Model, &a.1).cmp(&(b.0 != ComponentKind::Model, &b.1)));

    // every blob of every repository, hashed in parallel
    let mut blobs: Vec<(usize, String, PathBuf)> = Vec::new();
    for (index, (_, repository, folder)) in folders.iter().enumerate() {
        // the repository folder and its blobs/ must really be inside the cache: a link out is corruption,
        // never followed
        let blobs_dir = folder.join("blobs");
        if crate::fsutil::resolve_in_root(dir, &blobs_dir).is_err() && blobs_dir.exists() {
            let location = blobs_dir
                .strip_prefix(dir)
                .map_or_else(|_| blobs_dir.display().to_string(), |p| p.display().to_string());
            scan.corrupted.push(Corruption {
                repository: repository.clone(),
                location,
                problem: "links out of the cache: not followed".to_string(),
            });
            continue;
        }
        if let Ok(entries) = std::fs::read_dir(&blobs_dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                // `.incomplete` downloads and lock files are not content
                if entry.file_type().is_ok_and(|t| t.is_file()) && !name.contains('.') {
                    blobs.push((index, name, entry.path()));
                }
            }
        }
    }
    blobs.sort();
    // LFS blobs (named by SHA-256) go through the hashing engine; plain git blobs (named by their git id,
    // small by the Hub's rules) are read once, inside the cache and without following links, and both their
    // git id and SHA-256 come from those bytes.
    let lfs: Vec<PathBuf> = blobs
        .iter()
        .filter(|(_, name, _)| is_hex(name, 64))
        .map(|(_, _, path)| path.clone())
        .collect();
    let bar = if progress {
        Progress::for_bytes(hash::total_size(&lfs), "verifying the cache")
    } else {
        Progress::hidden()
    };
    let mut lfs_digests = hash::hash_files(&lfs, &bar).into_iter();
    bar.finish();
    scan.blobs_verified = blobs.len();
    let present: std::collections::BTreeSet<(usize, String)> = blobs
        .iter()
        .map(|(index, name, _)| (*index, name.clone()))
        .collect();
    // (repository index, blob name) → (size, sha256) of blobs whose content matches their name
    let mut good: BTreeMap<(usize, String), (u64, Sha256Digest)> = BTreeMap::new();
    for (index, name, path) in &blobs {
        let repository = &folders[*index].1;
        let location = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        let bad = |problem: String| Corruption {
            repository: repository.clone(),
            location: location.clone(),
            problem,
        };
        let digest = if is_hex(name, 64) {
            match lfs_digests.next() {
                Some(Ok(digest)) if digest.sha256.to_string() == *name => digest,
                Some(Ok(digest)) => {
                    scan.corrupted.push(bad(format!(
                        "its content has SHA-256 {}, but its name (the LFS digest) says {name}",
                        digest.sha256
                    )));
                    continue;
                }
                Some(Err(error)) => {
                    scan.corrupted.push(bad(format!("cannot be read: {error}")));
                    continue;
                }
                None => {
                    scan.corrupted.push(bad("was not hashed".into()));
                    continue;
                }
            }
        } else if is_hex(name, 40) {
            let bytes = match crate::fsutil::read_in_root(dir, path, crate::fsutil::limits::GIT_BLOB) {
                Ok(bytes) => bytes,
                Err(error) => {
                    scan.corrupted.push(bad(format!("cannot be read: {error}")));
                    continue;
                }
            };
            match git2::Oid::hash_object(git2::ObjectType::Blob, &bytes) {
                Ok(oid) if oid.to_string() == *name => {}
                Ok(oid) => {
                    scan.corrupted.push(bad(format!(
                        "its content has git blob id {oid}, but its name says {name}"
                    )));
                    continue;
                }
                Err(error) => {
                    scan.corrupted
                        .push(bad(format!("cannot be hashed: {}", error.message())));
                    continue;
                }
            }
            hash::FileDigest {
                sha256: hash::sha256_bytes(&bytes),
                size: bytes.len() as u64,
            }
        } else {
            scan.corrupted.push(bad(
                "its name is neither a SHA-256 nor a git blob id, so it cannot be verified".into(),
            ));
            continue;
        };
        good.insert((*index, name.clone()), (digest.size, digest.sha256));
    }

    for (index, (kind, repository, folder)) in folders.iter().enumerate() {
        let Some((revision, revision_note)) = choose_revision(folder) else {
            scan.skipped
                .push(format!("{repository}: no snapshot in the cache"));
            continue;
        };
        let snapshot = folder.join("snapshots").join(&revision);
        let mut files = Vec::new();
        let mut card = None;
        for entry in walkdir::WalkDir::new(&snapshot)
            .follow_links(false)
            .sort_by_file_name()
        {
            let Ok(entry) = entry else { continue };
            if entry.file_type().is_dir() {
                continue;
            }
            let path = entry.path();
            let relative = path.strip_prefix(&snapshot).unwrap_or(path);
            let file_path = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let location = path.strip_prefix(dir).unwrap_or(path).display().to_string();
            let bad = |problem: String| Corruption {
                repository: repository.clone(),
                location: location.clone(),
                problem,
            };
            if !entry.path_is_symlink() {
                scan.corrupted.push(bad(
                    "is a regular file, not a link to a blob, so its content cannot be checked against a name"
                        .into(),
                ));
                continue;
            }
            let target = match std::fs::read_link(path) {
                Ok(target) => target,
                Err(error) => {
                    scan.corrupted.push(bad(format!("cannot be read: {error}")));
                    continue;
                }
            };
            let Some(blob) = blob_of(folder, path, &target) else {
                scan.corrupted.push(bad(format!(
                    "links to {}, outside the repository's blobs/: not followed",
                    target.display()
                )));
                continue;
            };
            match good.get(&(index, blob.clone())) {
                Some(&(size, sha256)) => {
                    if file_path == "README.md" {
                        card = crate::fsutil::read_text(
                            &folder.join("blobs").join(&blob),
                            crate::fsutil::limits::CARD,
                        )
                        .ok()
                        .and_then(|text| crate::bom::card::parse(&text).ok().flatten());
                    }
                    files.push(CachedFile {
                        path: file_path,
                        size,
                        sha256,
                        lfs: is_hex(&blob, 64),
                    });
                }
                // a blob that is there but failed verification was reported above
                None if present.contains(&(index, blob.clone())) => {}
                None => scan
                    .corrupted
                    .push(bad(format!("links to blobs/{blob}, which is missing"))),
            }
        }
        scan.repos.push(CachedRepo {
            kind: *kind,
            repository: repository.clone(),
            revision,
            revision_note,
            files,
            card,
        });
    }
    Ok(scan)
}

/// `refs/main` when its snapshot is cached; else the only snapshot; else the newest, said in a note.
fn choose_revision(folder: &Path) -> Option<(String, Option<String>)> {
    let snapshots: Vec<(String, std::time::SystemTime)> = std::fs::read_dir(folder.join("snapshots"))
        .ok()?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let modified = e.metadata().and_then(|m| m.modified()).ok()?;
            is_hex(&name, 40).then_some((name, modified))
        })
        .collect();
    let main =
        crate::fsutil::read_text_in_root(folder, &folder.join("refs/main"), crate::fsutil::limits::POINTER)
            .ok()
            .map(|s| s.trim().to_string());
    if let Some(main) = main.filter(|m| snapshots.iter().any(|(name, _)| name == m)) {
        let note = (snapshots.len() > 1).then(|| {
            format!(
                "{} snapshots are cached; this is the one refs/main points to",
                snapshots.len()
            )
        });
        return Some((main, note));
    }
    match snapshots.as_slice() {
        [] => None,
        [(only, _)] => Some((only.clone(), None)),
        many => {
            let newest = many
                .iter()
                .max_by_key(|(name, modified)| (*modified, name.clone()))?;
            Some((
                newest.0.clone(),
                Some(format!(
                    "{} snapshots are cached and no refs/main matches one; this is the newest",
                    many.len()
                )),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        assert_eq!(
            parse_folder("models--sentence-transformers--all-MiniLM-L6-v2"),
            Some((
                Some(ComponentKind::Model),
                "sentence-transformers/all-MiniLM-L6-v2".into()
            ))
        );
        assert_eq!(
            parse_folder("datasets--acme--data"),
            Some((Some(ComponentKind::Dataset), "acme/data".into()))
        );
        assert_eq!(parse_folder("spaces--a--b"), Some((None, "a/b".into())));
        assert_eq!(parse_folder(".locks"), None);
        assert_eq!(parse_folder("version.txt"), None);
    }

    #[test]
    fn links_must_stay_in_blobs() {
        let repo = Path::new("/c/models--a--b");
        let link = repo.join("snapshots/abc/sub/file.bin");
        assert_eq!(
            blob_of(repo, &link, Path::new("../../../blobs/xyz")),
            Some("xyz".into())
        );
        assert_eq!(
            blob_of(repo, &link, Path::new("../../../../models--c--d/blobs/xyz")),
            None
        );
        assert_eq!(blob_of(repo, &link, Path::new("/etc/passwd")), None);
        assert_eq!(blob_of(repo, &link, Path::new("../../../blobs/x/y")), None);
        assert_eq!(
            blob_of(repo, &link, Path::new("../../../../../../etc/passwd")),
            None
        );
    }
}
