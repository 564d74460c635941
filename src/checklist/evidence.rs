//! Evidence is checked again on every audit: an answer's evidence file must still be inside the project and
//! still hold the bytes it held when the answer was given. A web address is kept as given (the audit is
//! offline and a page can change anyway); a path recorded without a digest cannot show it is unchanged, so it
//! does not count as verified either.

use std::path::Path;

use serde::Serialize;

use super::answers::Evidence;
use crate::bom::RelPath;

/// What became of one piece of evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceState {
    /// A web address, kept as given.
    Url,
    /// A file inside the project whose SHA-256 matches the one recorded.
    Verified,
    /// The file's bytes changed since the answer.
    Changed,
    /// The file is gone.
    Missing,
    /// The path leaves the project (`..`, an absolute path, a link out).
    Outside,
    /// The file cannot be read (not a regular file, no permission).
    Unreadable,
    /// A path recorded without a digest: nothing shows it is what the person saw.
    Unpinned,
}

impl EvidenceState {
    /// As written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Url => "url",
            Self::Verified => "verified",
            Self::Changed => "changed",
            Self::Missing => "missing",
            Self::Outside => "outside",
            Self::Unreadable => "unreadable",
            Self::Unpinned => "unpinned",
        }
    }

    /// Does it undermine the answer?
    pub fn is_problem(self) -> bool {
        !matches!(self, Self::Url | Self::Verified)
    }
}

/// One piece of evidence, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EvidenceCheck {
    /// The evidence as written (a URL, or a path).
    pub evidence: String,
    /// url | verified | changed | missing | outside | unreadable | unpinned
    pub state: EvidenceState,
    /// What was found, in words.
    pub detail: String,
}

impl EvidenceCheck {
    /// One line for people: `docs/x.md: changed (sha256 now 1a2b..., recorded 3c4d...)`.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.evidence, self.detail)
    }
}

/// Checks every piece of evidence of an answer. `base` is the answers file's directory (paths are relative to
/// it), `root` the project root nothing may leave.
pub fn verify(evidence: &[Evidence], base: &Path, root: &Path) -> Vec<EvidenceCheck> {
    evidence
        .iter()
        .map(|item| match item {
            Evidence::Text(text) if Evidence::is_url(text) => EvidenceCheck {
                evidence: text.clone(),
                state: EvidenceState::Url,
                detail: "a web address, kept as given".to_string(),
            },
            Evidence::Text(text) => match locate(text, base, root) {
                Err(check) => check,
                Ok(_) => EvidenceCheck {
                    evidence: text.clone(),
                    state: EvidenceState::Unpinned,
                    detail: "a file recorded without its sha256, so nothing shows it is unchanged"
                        .to_string(),
                },
            },
            Evidence::File { path, sha256 } => match locate(path, base, root) {
                Err(check) => check,
                Ok(real) => {
                    match crate::digest::hash::hash_file(&real, &crate::digest::hash::Progress::hidden()) {
                        Ok(digest) if digest.sha256.to_string() == *sha256 => EvidenceCheck {
                            evidence: path.clone(),
                            state: EvidenceState::Verified,
                            detail: format!("sha256 {} as recorded", short(sha256)),
                        },
                        Ok(digest) => EvidenceCheck {
                            evidence: path.clone(),
                            state: EvidenceState::Changed,
                            detail: format!(
                                "changed since the answer: sha256 now {}, recorded {}",
                                short(&digest.sha256.to_string()),
                                short(sha256)
                            ),
                        },
                        Err(error) => EvidenceCheck {
                            evidence: path.clone(),
                            state: EvidenceState::Unreadable,
                            detail: format!("cannot be read: {error}"),
                        },
                    }
                }
            },
        })
        .collect()
}

fn short(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}

/// Where a path really is, if it stays inside the project and exists.
pub(crate) fn locate(text: &str, base: &Path, root: &Path) -> Result<std::path::PathBuf, EvidenceCheck> {
    let fail = |state, detail: String| EvidenceCheck {
        evidence: text.to_string(),
        state,
        detail,
    };
    let relative = RelPath::parse(text).map_err(|error| {
        fail(
            EvidenceState::Outside,
            format!("{error}; evidence must be a file inside the project or a web address"),
        )
    })?;
    let path = relative.under(base);
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(fail(
            EvidenceState::Missing,
            "no such file in the project".to_string(),
        ));
    }
    crate::fsutil::resolve_in_root(root, &path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            fail(
                EvidenceState::Missing,
                "a link to a file that does not exist".to_string(),
            )
        } else {
            fail(EvidenceState::Outside, error.to_string())
        }
    })
}
