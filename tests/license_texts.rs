//! LICENSE-file identification (`aitrust::license::text`) against texts whose license someone else named:
//! - Debian's `/usr/share/common-licenses` (the distribution names each file by its license);
//! - every Python package installed here whose `METADATA` declares a single-license `License-Expression`
//!   (PEP 639) and ships one license file in `*.dist-info/licenses/`: the package's authors are the oracle;
//! - the upstream LICENSE files kept in `../shared/testdata` (each folder's README names its upstream project).
//!
//! The judgement is agreement: an identification must never name another license than the oracle, and most
//! texts must be identified.

use aitrust::license::KnowledgeBase;
use aitrust::license::text::{Method, identify};
use std::path::{Path, PathBuf};

fn identified(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    identify(KnowledgeBase::embedded(), &text, true).map(|found| found.id)
}

/// The canonical id aitrust uses for an SPDX id the oracle gives (GPL-2.0 → GPL-2.0-only).
fn canonical(id: &str) -> String {
    aitrust::license::canonical_or_given(id)
}

#[test]
fn debian_common_licenses() {
    let dir = Path::new("/usr/share/common-licenses");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs on Debian/Ubuntu, which ship {}",
            dir.display()
        );
        return;
    }
    // Debian's file name -> the SPDX id of that text (Debian's `GPL-2` is the GNU GPL version 2 text, which
    // SPDX lists once, as GPL-2.0-only; "or later" is a notice in a source file, not a different text)
    let cases = [
        ("Apache-2.0", "Apache-2.0"),
        ("GPL-2", "GPL-2.0-only"),
        ("GPL-1", "GPL-1.0-only"),
        ("GPL-3", "GPL-3.0-only"),
        ("LGPL-2.1", "LGPL-2.1-only"),
        ("BSD", "BSD-3-Clause"),
        ("Artistic", "Artistic-1.0-Perl"),
        ("MPL-2.0", "MPL-2.0"),
        ("CC0-1.0", "CC0-1.0"),
    ];
    for (file, expected) in cases {
        let path = dir.join(file);
        if !path.is_file() {
            continue;
        }
        assert_eq!(identified(&path).as_deref(), Some(expected), "{}", path.display());
    }
    // Debian's LGPL-3 is the LGPL's additional permissions alone, while the SPDX text appends the GPL-3.0 they
    // modify: it scores 0.30 against LGPL-3.0 and must identify nothing rather than something else
    let lgpl3 = dir.join("LGPL-3");
    if lgpl3.is_file() {
        assert_eq!(identified(&lgpl3), None);
    }
}

/// Does the file state, in words, that it is this license (its SPDX full name)?
fn names_itself(file: &Path, id: &str) -> bool {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    spdx::license_id(id).is_some_and(|l| text.contains(l.full_name))
}

fn python_site_dirs() -> Vec<PathBuf> {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import site, sysconfig; print('\\n'.join(set(site.getsitepackages() + [site.getusersitepackages(), sysconfig.get_paths()['purelib']])))",
        ])
        .output();
    match output {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn python_packages_declared_licenses() {
    let mut agreed = 0;
    let mut unidentified = Vec::new();
    let mut disagreed = Vec::new();
    for site in python_site_dirs() {
        let Ok(entries) = std::fs::read_dir(&site) else {
            continue;
        };
        for entry in entries.flatten() {
            let dist = entry.path();
            if dist.extension().is_none_or(|e| e != "dist-info") {
                continue;
            }
            let Ok(metadata) = std::fs::read_to_string(dist.join("METADATA")) else {
                continue;
            };
            let Some(expression) = metadata
                .lines()
                .take_while(|l| !l.is_empty())
                .find_map(|l| l.strip_prefix("License-Expression:"))
                .map(str::trim)
            else {
                continue;
            };
            // one license, in one file: "MIT OR Apache-2.0" packages ship one file per alternative
            if expression.contains(' ') {
                continue;
            }
            let Ok(files) = std::fs::read_dir(dist.join("licenses")) else {
                continue;
            };
            let files: Vec<PathBuf> = files
                .flatten()
                .map(|f| f.path())
                .filter(|p| {
                    p.is_file()
                        && p.file_name().is_some_and(|n| {
                            let n = n.to_string_lossy().to_ascii_uppercase();
                            n.starts_with("LICENSE") || n.starts_with("COPYING")
                        })
                })
                .collect();
            let [file] = files.as_slice() else { continue };
            let expected = canonical(expression);
            match identified(file) {
                Some(id) if id == expected => agreed += 1,
                // the file names itself another license than the package metadata (cffi 2.0's LICENSE is
                // "MIT No Attribution" while its METADATA says MIT): the text is the better oracle
                Some(id) if names_itself(file, &id) => agreed += 1,
                Some(id) => disagreed.push(format!("{}: {id}, the package says {expected}", file.display())),
                None => unidentified.push(format!("{} ({expected})", file.display())),
            }
        }
    }
    if agreed + unidentified.len() + disagreed.len() == 0 {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs Python packages that declare License-Expression"
        );
        return;
    }
    assert!(
        disagreed.is_empty(),
        "identified as another license than the package declares: {disagreed:#?}"
    );
    // a LICENSE file is a copyright line plus the text, sometimes with extra notices: most must still be found
    let total = agreed + unidentified.len();
    assert!(
        agreed * 10 >= total * 8,
        "{agreed}/{total} identified; not identified: {unidentified:#?}"
    );
}

#[test]
fn upstream_license_files_in_shared_testdata() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata");
    // each folder's upstream project and the license its repository declares
    let cases = [
        ("cyclonedx", "Apache-2.0"),
        ("model-signing", "Apache-2.0"),
        ("pickle", "MIT"),
        ("sigstore", "Apache-2.0"),
    ];
    for (folder, expected) in cases {
        let path = shared.join(folder).join("LICENSE");
        let text = std::fs::read_to_string(&path).unwrap();
        let found = identify(KnowledgeBase::embedded(), &text, true).expect("identified");
        assert_eq!(found.id, expected, "{}", path.display());
    }
}

/// The AI licenses SPDX does not list are identified by their own phrases, before any SPDX text is tried; a
/// NOTICE file only ever by phrases.
#[test]
fn ai_license_phrases_win_and_notice_files_need_them() {
    let kb = KnowledgeBase::embedded();
    let llama = "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n";
    let found = identify(kb, llama, true).unwrap();
    assert_eq!(
        (found.id.as_str(), found.method),
        ("LicenseRef-aitrust-llama3.1", Method::Fingerprint)
    );
    // the ISC text (SPDX), which has no fingerprint in the knowledge base
    let isc = "ISC License\n\nCopyright (c) 2004-2010 Example Author\n\nPermission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted, provided that the above copyright notice and this permission notice appear in all copies.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.";
    assert_eq!(identify(kb, isc, true).map(|f| f.id).as_deref(), Some("ISC"));
    assert_eq!(
        identify(kb, isc, false),
        None,
        "NOTICE files are not matched against SPDX texts"
    );
    let fair = "FAIR Noncommercial Research License v1 ... \"Noncommercial Research Uses\" means ...";
    assert_eq!(
        identify(kb, fair, false).unwrap().id,
        "LicenseRef-aitrust-fair-noncommercial-research"
    );
}
