//! Findings: what the checks report, with stable, documented codes.
//!
//! Every code is a variant of [`Code`]; its documentation lives in one table ([`Code::doc`]), and the match
//! there is exhaustive, so a code cannot be emitted without being documented. `aitrust explain CODE` prints
//! that documentation.

use serde::Serialize;

use crate::bom::Policy;
use crate::bom::policy::Level;

/// How bad a finding is, after policy levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the deployment: the audit fails.
    Error,
    /// Should be looked at; does not fail the audit.
    Warning,
    /// Information.
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

/// The documentation of one code.
#[derive(Clone, Copy, Debug)]
pub struct CodeDoc {
    /// The check that emits it.
    pub check: &'static str,
    /// Severity when no policy level changes it.
    pub severity: Severity,
    /// One line.
    pub title: &'static str,
    /// Why it matters and what to do.
    pub explanation: &'static str,
    /// Checklist items it is evidence for.
    pub checklist: &'static [&'static str],
}

macro_rules! codes {
    ($($variant:ident = $text:literal { $check:literal, $severity:ident, [$($item:literal),*], $title:literal, $explanation:literal })+) => {
        /// A finding code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $title] $variant),+
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The code as written (`INT001`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text),+
                }
            }

            /// Its documentation.
            pub fn doc(self) -> CodeDoc {
                match self {
                    $(Code::$variant => CodeDoc {
                        check: $check,
                        severity: Severity::$severity,
                        title: $title,
                        explanation: $explanation,
                        checklist: &[$($item),*],
                    }),+
                }
            }
        }
    };
}

codes! {
    Bom001 = "BOM001" { "manifest", Warning, ["trust-transparency"],
        "the manifest declares no models or datasets",
        "An aibom.toml with no [[model]] or [[dataset]] audits nothing, so a passing audit says nothing about the \
project's AI parts. Declare every model and dataset the project uses (`aitrust init` finds model and dataset \
files and writes a starting manifest)." }
    Bom002 = "BOM002" { "manifest", Warning, ["trust-transparency"],
        "a policy rule is not enforced by this version of aitrust",
        "The policy sets a rule (for example `signatures.require` or `licenses.deny`) whose check this version of \
aitrust does not run yet. The rule is parsed and validated, but nothing enforces it, so a passing audit does not \
mean the rule holds. Check it another way until aitrust enforces it, or remove the rule." }
    Int001 = "INT001" { "integrity", Error, ["trust-model-deployment"],
        "a declared file is missing",
        "The manifest declares a file that does not exist on disk, so what would be deployed is not what was \
declared. Restore the file (for example from the component's source at the pinned revision), or remove its entry \
if the component really no longer has it." }
    Int002 = "INT002" { "integrity", Error, ["trust-model-deployment"],
        "a file's SHA-256 differs from the manifest",
        "The file's content is not the content the manifest pins: it was changed, corrupted, or replaced. Do not \
deploy it. Find out why it changed; if the change is intended (a new model version), review it and update the \
digest with `aitrust hash FILE`." }
    Int003 = "INT003" { "integrity", Error, ["trust-model-deployment"],
        "a file's size differs from the manifest",
        "The file's size is not the size the manifest declares, so its content changed (a truncated download, a \
replaced file). Re-fetch it from its source, or review the change and update `size` and `sha256`." }
    Int004 = "INT004" { "integrity", Warning, ["trust-model-deployment"],
        "a file in a component's directory is not declared",
        "A file sits in the component's directory but the manifest does not list it, so nothing vouches for it and \
it may be loaded at run time (an extra pickle, a changed tokenizer). Declare it with its digest (`aitrust hash`), or \
remove it. `.git`, `.gitattributes`, the Hugging Face download cache and the component's own signature file are not \
artifacts and are never reported." }
    Int005 = "INT005" { "integrity", Error, ["trust-model-deployment", "trust-security-privacy"],
        "a path is a symbolic link that leaves the project",
        "A declared path is (or passes through) a symbolic link that points outside the project root. aitrust \
does not follow it: what it points to is not part of the audited project and can change without the manifest \
changing. Copy the file into the project, or point the manifest at it inside the project." }
    Int006 = "INT006" { "integrity", Error, ["trust-model-deployment"],
        "an artifact has no digest, so it cannot be verified",
        "A local component (or one of its files) has no `sha256`, so nothing can tell whether it was tampered \
with. Add the digest: `aitrust hash PATH` prints it, and `aitrust init` writes a manifest with every digest." }
    Int007 = "INT007" { "integrity", Note, ["trust-model-deployment"],
        "a remote artifact was not verified locally",
        "The component (or file) comes from the Hugging Face Hub, a git repository or a URL and has no local copy \
in the project, so its content was not hashed. It is verified where it is fetched: pin its revision and digest, \
and verify the download in the deployment pipeline (or keep a copy in the project)." }
    Int008 = "INT008" { "integrity", Error, ["trust-model-deployment"],
        "a file could not be read",
        "The file exists but could not be read (permissions, an I/O error), so it could not be verified. Fix the \
permissions or the storage and run the audit again." }
    Int009 = "INT009" { "integrity", Error, ["trust-model-deployment"],
        "a component's path does not exist",
        "The component's `path` (its directory or file) does not exist, so none of its files can be verified. \
Fetch the component into that path, or fix `path`." }
    Int010 = "INT010" { "integrity", Error, ["trust-model-deployment"],
        "a path is not the kind of file the manifest says",
        "The manifest declares a regular file where there is a directory or a special file (or a directory where \
there is a file). Fix the manifest: a single-file component carries `sha256` itself, a directory lists its files in \
[[model.file]] / [[dataset.file]]." }
}

impl Code {
    /// Looks a code up by its text (case-insensitive).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text))
    }
}

/// Where in the manifest a finding applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Location {
    /// The manifest's path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Stable code, e.g. `INT001`.
    pub code: String,
    /// error | warning | note, after policy levels.
    pub severity: Severity,
    /// The check that found it.
    pub check: String,
    /// The component id, or null for the project as a whole.
    pub component: Option<String>,
    /// What was found.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Where in the manifest it applies.
    pub location: Option<Location>,
    /// Ids of the checklist items it is evidence for.
    pub checklist: Vec<String>,
}

/// A finding before policy levels are applied: checks build these.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The code.
    pub code: Code,
    /// The component id, if any.
    pub component: Option<String>,
    /// What was found.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Where in the manifest.
    pub location: Option<Location>,
}

/// The findings of a run; checks push into it.
#[derive(Debug)]
pub struct Findings {
    policy_levels: Vec<(Code, Level)>,
    findings: Vec<Finding>,
}

impl Findings {
    /// Collects findings under a policy's levels.
    pub fn new(policy: &Policy) -> Self {
        Self {
            policy_levels: Code::ALL
                .iter()
                .filter_map(|code| policy.level(*code).map(|level| (*code, level)))
                .collect(),
            findings: Vec::new(),
        }
    }

    /// Adds a finding; a policy level of `allow` drops it, `warn` and `deny` set its severity.
    pub fn push(&mut self, draft: Draft) {
        let doc = draft.code.doc();
        let level = self
            .policy_levels
            .iter()
            .find(|(code, _)| *code == draft.code)
            .map(|(_, level)| *level);
        let severity = match level {
            Some(Level::Allow) => return,
            Some(Level::Warn) => Severity::Warning,
            Some(Level::Deny) => Severity::Error,
            None => doc.severity,
        };
        self.findings.push(Finding {
            code: draft.code.as_str().to_string(),
            severity,
            check: doc.check.to_string(),
            component: draft.component,
            message: draft.message,
            help: draft.help,
            location: draft.location,
            checklist: doc.checklist.iter().map(|item| item.to_string()).collect(),
        });
    }

    /// The findings, in the order the checks pushed them (the audit sorts them for reports).
    pub fn into_vec(self) -> Vec<Finding> {
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} is used twice");
            assert_eq!(text.len(), 6, "{text}");
            assert!(text[..3].chars().all(|c| c.is_ascii_uppercase()), "{text}");
            assert!(text[3..].chars().all(|c| c.is_ascii_digit()), "{text}");
            let doc = code.doc();
            assert!(
                !doc.title.is_empty() && doc.explanation.len() > 80,
                "{text} is not documented"
            );
            assert_eq!(Code::parse(&text.to_ascii_lowercase()), Some(*code));
            let prefix = match doc.check {
                "manifest" => "BOM",
                "integrity" => "INT",
                "signature" => "SIG",
                "license" => "LIC",
                "maintenance" => "MNT",
                "provenance" => "PRV",
                "documentation" => "DOC",
                "serialization" => "SER",
                "checklist" => "CHK",
                other => panic!("{text} names an unknown check {other}"),
            };
            assert!(text.starts_with(prefix), "{text} does not start with {prefix}");
        }
    }
}
