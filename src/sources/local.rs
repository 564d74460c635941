//! Resolves the manifest's local paths into what is actually on disk: which declared files exist, their
//! digests (hashed in one parallel pass over every component), which files are present but undeclared, and
//! which paths are symbolic links out of the project root (never followed).

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use crate::bom::{Bom, Component, RelPath};
use crate::digest::hash::{self, FileDigest, Progress};

/// What was found on disk for one declared file (or a single-file component).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observation {
    /// Hashed.
    Hashed(FileDigest),
    /// Not on disk.
    Missing,
    /// Not on disk, and declared as kept elsewhere (`local = false`).
    NotLocal,
    /// A symbolic link (on the path) leads out of the project root.
    Escapes {
        /// Where it leads.
        target: PathBuf,
    },
    /// A directory or special file where a regular file was declared.
    NotAFile {
        /// What is there.
        found: &'static str,
    },
    /// Could not be read.
    Unreadable {
        /// The I/O error.
        error: String,
    },
}

impl Observation {
    /// In words, for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Hashed(digest) => format!("present, SHA-256 {}", digest.sha256),
            Self::Missing => "missing".to_string(),
            Self::NotLocal => "not kept in the project".to_string(),
            Self::Escapes { target } => {
                format!("a symbolic link out of the project (to {})", target.display())
            }
            Self::NotAFile { found } => found.to_string(),
            Self::Unreadable { error } => format!("unreadable ({error})"),
        }
    }
}

/// A declared file and what was found.
#[derive(Clone, Debug)]
pub struct FileState {
    /// Index in the component's `files`, or `None` for a single-file component's own path.
    pub entry: Option<usize>,
    /// Path relative to the project root.
    pub path: RelPath,
    /// What was found.
    pub observation: Observation,
}

/// The state of a component's own `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComponentState {
    /// No `path`: nothing local to check.
    NoLocalCopy,
    /// The path does not exist.
    Missing,
    /// The path leads out of the project root through a symbolic link.
    Escapes {
        /// Where it leads.
        target: PathBuf,
    },
    /// A directory where a single file was declared, or the reverse.
    WrongKind {
        /// What the manifest implies.
        expected: &'static str,
        /// What is there.
        found: &'static str,
    },
    /// Present and of the declared kind.
    Present,
}

/// One component's local files.
#[derive(Clone, Debug)]
pub struct ComponentFiles {
    /// The component's id.
    pub id: String,
    /// Its own path's state.
    pub state: ComponentState,
    /// The declared files, in manifest order.
    pub files: Vec<FileState>,
    /// Files present in the component's directory but not declared, relative to the project root, by their
    /// names as stored (components joined with `/`, nothing folded; a name the manifest syntax cannot
    /// express, such as `C:x` or `a\\b`, is listed too).
    pub undeclared: Vec<String>,
    /// Undeclared files whose names differ from a declared file's only in case or Unicode normalization:
    /// (the undeclared name, the declared one). A loader on another file system may open either.
    pub twins: Vec<(String, String)>,
    /// Parts of the component's directory that could not be walked: (path, why). Never silently skipped.
    pub walk_errors: Vec<(String, String)>,
}

/// The local side of every component, in `Bom::components()` order.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// One entry per component.
    pub components: Vec<ComponentFiles>,
    /// Component id → position in `components`, so a lookup is O(1) (checks look up every component).
    index: std::collections::HashMap<String, usize>,
}

impl Inventory {
    /// An inventory of these entries.
    pub fn new(components: Vec<ComponentFiles>) -> Self {
        let index = components
            .iter()
            .enumerate()
            .map(|(position, files)| (files.id.clone(), position))
            .collect();
        Self { components, index }
    }

    /// The entry for a component.
    pub fn component(&self, id: &str) -> Option<&ComponentFiles> {
        self.index
            .get(id)
            .and_then(|&position| self.components.get(position))
    }
}

/// Where a path is, following symbolic links only inside the project root.
enum Resolved {
    Missing,
    Escapes(PathBuf),
    Inside {
        path: PathBuf,
        metadata: std::fs::Metadata,
    },
}

struct Resolver {
    canonical_root: Option<PathBuf>,
}

impl Resolver {
    fn resolve(&self, path: &Path) -> Resolved {
        let Some(root) = &self.canonical_root else {
            return Resolved::Missing;
        };
        match std::fs::canonicalize(path) {
            Ok(canonical) if canonical.starts_with(root) => match std::fs::metadata(&canonical) {
                Ok(metadata) => Resolved::Inside {
                    path: canonical,
                    metadata,
                },
                Err(_) => Resolved::Missing,
            },
            Ok(canonical) => Resolved::Escapes(canonical),
            // A dangling link is missing content, whatever it pointed at.
            Err(_) => Resolved::Missing,
        }
    }
}

fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file (device, socket or pipe)"
    }
}

/// A file waiting to be hashed.
struct Pending {
    component: usize,
    file: usize,
    path: PathBuf,
    /// The declared size: hashing stops one byte past it (a 1 TiB sparse file declared as 4 KiB costs 4 KiB).
    bound: Option<u64>,
}

/// Looks at every local path of the manifest and hashes every declared file that is present.
pub fn inventory(bom: &Bom, progress_enabled: bool) -> Inventory {
    let resolver = Resolver {
        canonical_root: std::fs::canonicalize(&bom.root).ok(),
    };
    let mut pending: Vec<Pending> = Vec::new();
    let mut components = Vec::new();
    for (component_index, component) in bom.components().enumerate() {
        let files = survey_component(bom, component, &resolver, component_index, &mut pending);
        components.push(files);
    }
    let paths: Vec<PathBuf> = pending.iter().map(|p| p.path.clone()).collect();
    let bounds: Vec<Option<u64>> = pending.iter().map(|p| p.bound).collect();
    let progress = if progress_enabled {
        Progress::for_bytes(hash::total_size(&paths), "hashing")
    } else {
        Progress::hidden()
    };
    let results = hash::hash_files_bounded(&paths, &bounds, &progress);
    progress.finish();
    for (job, result) in pending.iter().zip(results) {
        components[job.component].files[job.file].observation = match result {
            Ok(digest) => Observation::Hashed(digest),
            Err(error) => Observation::Unreadable {
                error: describe_io(&error),
            },
        };
    }
    Inventory::new(components)
}

fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

fn survey_component(
    bom: &Bom,
    component: &Component,
    resolver: &Resolver,
    component_index: usize,
    pending: &mut Vec<Pending>,
) -> ComponentFiles {
    let mut result = ComponentFiles {
        id: component.id.value.clone(),
        state: ComponentState::NoLocalCopy,
        files: Vec::new(),
        undeclared: Vec::new(),
        twins: Vec::new(),
        walk_errors: Vec::new(),
    };
    let Some(path) = &component.path else {
        return result;
    };
    let is_directory_component =
        !component.files.is_empty() || component.sha256.is_none() && component.size.is_none();
    let on_disk = path.value.under(&bom.root);
    match resolver.resolve(&on_disk) {
        Resolved::Missing => {
            result.state = ComponentState::Missing;
            return result;
        }
        Resolved::Escapes(target) => {
            result.state = ComponentState::Escapes { target };
            return result;
        }
        Resolved::Inside { path: real, metadata } => {
            let found = kind_of(&metadata);
            let expected = if is_directory_component {
                "a directory"
            } else {
                "a regular file"
            };
            let fits = if metadata.is_dir() {
                is_directory_component
            } else {
                metadata.is_file() && component.files.is_empty()
            };
            if !fits {
                result.state = ComponentState::WrongKind { expected, found };
                return result;
            }
            result.state = ComponentState::Present;
            if metadata.is_file() {
                // A single file: the component's own digest (if any) applies to it.
                result.files.push(FileState {
                    entry: None,
                    path: path.value.clone(),
                    observation: Observation::Missing,
                });
                pending.push(Pending {
                    component: component_index,
                    file: 0,
                    path: real,
                    bound: component.size.as_ref().map(|s| s.value),
                });
                return result;
            }
        }
    }
    for (entry_index, entry) in component.files.iter().enumerate() {
        let relative = path.value.join(&entry.path.value);
        let file_path = relative.under(&bom.root);
        let observation = match resolver.resolve(&file_path) {
            Resolved::Missing if !entry.is_local() => Observation::NotLocal,
            Resolved::Missing => Observation::Missing,
            Resolved::Escapes(target) => Observation::Escapes { target },
            Resolved::Inside { path: real, metadata } if metadata.is_file() => {
                pending.push(Pending {
                    component: component_index,
                    file: result.files.len(),
                    path: real,
                    bound: entry.size.as_ref().map(|s| s.value),
                });
                Observation::Missing
            }
            Resolved::Inside { metadata, .. } => Observation::NotAFile {
                found: kind_of(&metadata),
            },
        };
        result.files.push(FileState {
            entry: Some(entry_index),
            path: relative,
            observation,
        });
    }
    if !component.files.is_empty() {
        undeclared_files(bom, component, &path.value, &mut result);
    }
    result
}

/// The key two names collide under on a case-insensitive or normalizing file system (or loader).
fn fold(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().collect::<String>().to_lowercase()
}

/// Files under a directory component that the manifest does not declare, their twins of declared files, and
/// what could not be walked. Names are compared as stored: no `\\` to `/` folding, no normalization.
fn undeclared_files(bom: &Bom, component: &Component, directory: &RelPath, result: &mut ComponentFiles) {
    let declared: BTreeSet<&str> = component.files.iter().map(|f| f.path.value.as_str()).collect();
    let folded: std::collections::BTreeMap<String, &str> =
        declared.iter().map(|name| (fold(name), *name)).collect();
    let signature = component.signature.as_ref().map(|s| s.path.value.as_str());
    let base = directory.under(&bom.root);
    let walker = walkdir::WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !(entry.depth() > 0 && is_not_an_artifact(entry.path(), &base)));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let at = error.path().and_then(|p| p.strip_prefix(&base).ok()).map_or_else(
                    || directory.to_string(),
                    |p| format!("{directory}/{}", raw_name(p)),
                );
                result.walk_errors.push((at, error.to_string()));
                continue;
            }
        };
        if entry.depth() == 0 || entry.file_type().is_dir() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(&base) else {
            continue;
        };
        let name = raw_name(relative);
        let project_relative = format!("{directory}/{name}");
        if declared.contains(name.as_str()) || signature == Some(project_relative.as_str()) {
            continue;
        }
        match folded.get(&fold(&name)) {
            Some(twin) => result
                .twins
                .push((project_relative, format!("{directory}/{twin}"))),
            None => result.undeclared.push(project_relative),
        }
    }
}

/// A relative path's components as stored, joined with `/` (non-UTF-8 bytes shown as U+FFFD).
fn raw_name(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Version-control and download bookkeeping that ships beside artifacts but is not one.
fn is_not_an_artifact(path: &Path, base: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(base) else {
        return false;
    };
    let text = crate::diag::display_path(relative);
    text == ".git" || text == ".gitattributes" || text == ".cache/huggingface"
}
