//! Paths written in a manifest: always relative, always inside the directory they are relative to.
//!
//! The check is lexical (no file system access), so a manifest that tries to escape the project with `..`
//! or an absolute path is rejected before anything is opened. Symlinks that point out of the project are a
//! separate, run-time question answered by `sources::local`.

use std::fmt;
use std::path::{Path, PathBuf};

/// A validated, normalised relative path (`/`-separated, no `.` or `..` segments, never empty).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath(String);

/// Why a path was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathError {
    /// Empty, or only `.` segments.
    Empty,
    /// Starts at a root or drive (`/x`, `\x`, `C:\x`, `C:x`).
    Absolute,
    /// Climbs above its base with `..`.
    Escapes,
    /// Holds a NUL byte.
    Nul,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the path is empty",
            Self::Absolute => "the path is absolute",
            Self::Escapes => "the path leaves the project directory",
            Self::Nul => "the path contains a NUL byte",
        })
    }
}

impl RelPath {
    /// Validates and normalises `text` (both `/` and `\` separate segments).
    ///
    /// ```
    /// use aitrust::bom::paths::{PathError, RelPath};
    ///
    /// assert_eq!(RelPath::parse("./models//llama/../minilm").unwrap().as_str(), "models/minilm");
    /// assert_eq!(RelPath::parse("../secrets"), Err(PathError::Escapes));
    /// assert_eq!(RelPath::parse("/etc/passwd"), Err(PathError::Absolute));
    /// ```
    pub fn parse(text: &str) -> Result<Self, PathError> {
        if text.contains('\0') {
            return Err(PathError::Nul);
        }
        let bytes = text.as_bytes();
        let has_drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
        if text.starts_with('/') || text.starts_with('\\') || has_drive {
            return Err(PathError::Absolute);
        }
        let mut segments: Vec<&str> = Vec::new();
        for segment in text.split(['/', '\\']) {
            match segment {
                "" | "." => {}
                ".." => {
                    if segments.pop().is_none() {
                        return Err(PathError::Escapes);
                    }
                }
                other => segments.push(other),
            }
        }
        if segments.is_empty() {
            return Err(PathError::Empty);
        }
        Ok(Self(segments.join("/")))
    }

    /// `self/other`, still normalised and relative.
    pub fn join(&self, other: &RelPath) -> RelPath {
        RelPath(format!("{}/{}", self.0, other.0))
    }

    /// The path as written with `/` separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path below `base` on this file system.
    pub fn under(&self, base: &Path) -> PathBuf {
        self.0
            .split('/')
            .fold(base.to_path_buf(), |path, segment| path.join(segment))
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for RelPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl schemars::JsonSchema for RelPath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RelativePath".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "A path relative to the manifest's directory; it may not be absolute or climb out of it with `..`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_rejects_escapes() {
        assert_eq!(RelPath::parse("./models//a/./b").unwrap().as_str(), "models/a/b");
        assert_eq!(RelPath::parse("a/../b").unwrap().as_str(), "b");
        assert_eq!(RelPath::parse("a\\b").unwrap().as_str(), "a/b");
        assert_eq!(RelPath::parse("../x"), Err(PathError::Escapes));
        assert_eq!(RelPath::parse("a/../../x"), Err(PathError::Escapes));
        assert_eq!(RelPath::parse("/etc/passwd"), Err(PathError::Absolute));
        assert_eq!(RelPath::parse("\\\\server\\share"), Err(PathError::Absolute));
        assert_eq!(RelPath::parse("C:\\x"), Err(PathError::Absolute));
        assert_eq!(RelPath::parse("c:x"), Err(PathError::Absolute));
        assert_eq!(RelPath::parse(""), Err(PathError::Empty));
        assert_eq!(RelPath::parse("./."), Err(PathError::Empty));
        assert_eq!(RelPath::parse("a\0b"), Err(PathError::Nul));
        assert_eq!(RelPath::parse("a/..").unwrap_err(), PathError::Empty);
    }
}
