//! `aitrust hash`: SHA-256 of files, in the format `sha256sum -c` reads.

use std::path::{Path, PathBuf};

use super::{Console, Error, Outcome};
use crate::digest::hash::{self, Progress};

/// Expands directories into their files (sorted), keeping files as given.
fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, String>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git");
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => out.push(Ok(entry.into_path())),
                    Ok(_) => {}
                    Err(error) => out.push(Err(error.to_string())),
                }
            }
        } else {
            out.push(Ok(path.clone()));
        }
    }
    out
}

/// A line `sha256sum -c` reads back: names with a backslash or newline are escaped and the line starts with `\`.
fn checksum_line(digest: &str, path: &Path) -> String {
    let name = path.to_string_lossy();
    if name.contains('\\') || name.contains('\n') || name.contains('\r') {
        let escaped = name
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{digest}  {escaped}\n")
    } else {
        format!("{digest}  {name}\n")
    }
}

/// Hashes the files; a file that cannot be hashed is named on the console and fails the command.
pub fn hash(paths: &[PathBuf], console: &mut dyn Console) -> Result<Outcome, Error> {
    let expanded = expand(paths);
    let files: Vec<PathBuf> = expanded.iter().filter_map(|p| p.as_ref().ok().cloned()).collect();
    let progress = Progress::for_bytes(hash::total_size(&files), "hashing");
    let mut results = hash::hash_files(&files, &progress).into_iter();
    progress.finish();
    let mut failed = false;
    let mut text = String::new();
    for item in &expanded {
        match item {
            Ok(path) => match results.next() {
                Some(Ok(digest)) => text.push_str(&checksum_line(&digest.sha256.to_string(), path)),
                Some(Err(error)) => {
                    failed = true;
                    console.say(&format!("aitrust: {}: {error}", path.display()));
                }
                None => {}
            },
            Err(error) => {
                failed = true;
                console.say(&format!("aitrust: {error}"));
            }
        }
    }
    Ok(Outcome::with_status(failed, text))
}
