//! What every target shares: a scratch project directory per fuzzing process, where the input is written
//! so it is read through aitrust's own file reader (`fsutil`), exactly as the binary reads it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The scratch project root (one per process, removed by the OS's temp cleaning, never by a run).
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("aitrust-fuzz-")
            .tempdir()
            .expect("a scratch directory");
        dir.keep()
    })
}

/// Writes `data` to `name` under the scratch root and returns its path.
pub fn put(name: &str, data: &[u8]) -> PathBuf {
    let path = root().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a scratch directory");
    }
    std::fs::write(&path, data).expect("a scratch file");
    path
}

/// `../shared/testdata` beside the project.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata")
}

/// A fixed clock, so runs are repeatable.
pub const NOW: &str = "2026-11-22T12:00:00Z";
