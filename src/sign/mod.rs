//! Signatures. aitrust's own: ed25519 keys ([`keys`]), DSSE envelopes over in-toto Statements v1 ([`dsse`]),
//! listing every local artifact file (`<component id>/<file path>` with its SHA-256) and the manifest itself,
//! so a file changed after signing — even with its digest rewritten in the manifest — is caught.

pub mod dsse;
pub mod keys;
pub mod model_signing;
pub mod oms;
pub mod sigstore;
mod x509;

use std::collections::BTreeMap;

use crate::bom::{Bom, Component};
use crate::sources::local::{ComponentFiles, Inventory, Observation};
use dsse::{Envelope, EnvelopeError, Statement, Subject};

/// The predicate type of an aitrust project signature.
pub const PREDICATE_TYPE: &str = "https://github.com/aitrust/aitrust/attestation/aibom/v1";
/// The project signature's file name, beside the manifest.
pub const SIGNATURE_FILE: &str = "aibom.sig";

/// The subject name of a component's file.
fn subject_name(component: &Component, files: &ComponentFiles, index: usize) -> String {
    let state = &files.files[index];
    let relative = match state.entry {
        Some(entry) => component.files[entry].path.value.to_string(),
        None => state
            .path
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or(state.path.as_str())
            .to_string(),
    };
    format!("{}/{relative}", component.id.value)
}

/// A component's local files as subjects, and what keeps the others from being signed.
pub fn component_subjects(component: &Component, inventory: &Inventory) -> (Vec<Subject>, Vec<String>) {
    let Some(files) = inventory.component(&component.id.value) else {
        return (Vec::new(), Vec::new());
    };
    let mut subjects = Vec::new();
    let mut problems = Vec::new();
    for (index, state) in files.files.iter().enumerate() {
        let declared = match state.entry {
            Some(entry) => component.files[entry].sha256.as_ref().map(|d| d.value),
            None => component.sha256.as_ref().map(|d| d.value),
        };
        match &state.observation {
            Observation::Hashed(digest) if declared.is_none_or(|d| d == digest.sha256) => {
                subjects.push(Subject::sha256(
                    subject_name(component, files, index),
                    &digest.sha256,
                ));
            }
            Observation::Hashed(_) => problems.push(format!(
                "`{}` does not match its digest in the manifest",
                state.path
            )),
            Observation::NotLocal => {}
            other => problems.push(format!(
                "`{}` cannot be signed: it is {}",
                state.path,
                other.describe()
            )),
        }
    }
    (subjects, problems)
}

/// The project's subjects: every local artifact file, then the manifest itself; and what cannot be signed.
pub fn project_subjects(bom: &Bom, inventory: &Inventory) -> (Vec<Subject>, Vec<String>) {
    let mut subjects = Vec::new();
    let mut problems = Vec::new();
    for component in bom.components() {
        let (mut more, mut trouble) = component_subjects(component, inventory);
        subjects.append(&mut more);
        problems.append(&mut trouble);
    }
    subjects.push(Subject::sha256(manifest_name(bom), &bom.sha256));
    (subjects, problems)
}

fn manifest_name(bom: &Bom) -> String {
    bom.source
        .path
        .file_name()
        .map_or_else(|| "aibom.toml".to_string(), |n| n.to_string_lossy().into_owned())
}

/// The statement aitrust signs for a set of subjects.
pub fn statement(bom: &Bom, subjects: Vec<Subject>, scope: &str) -> Statement {
    Statement {
        statement_type: dsse::STATEMENT_TYPE.to_string(),
        subject: subjects,
        predicate_type: PREDICATE_TYPE.to_string(),
        predicate: serde_json::json!({
            "project": bom.project.name.value,
            "manifest": manifest_name(bom),
            "scope": scope,
            "tool": format!("aitrust {}", env!("CARGO_PKG_VERSION")),
        }),
    }
}

/// How signed subjects differ from the project as it is now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubjectDiff {
    /// Subjects whose digest changed.
    pub changed: Vec<String>,
    /// Present now but not signed.
    pub unsigned: Vec<String>,
    /// Signed but no longer present.
    pub gone: Vec<String>,
}

impl SubjectDiff {
    /// Identical?
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.unsigned.is_empty() && self.gone.is_empty()
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (what, names) in [
            ("changed since signing", &self.changed),
            ("not signed", &self.unsigned),
            ("signed but gone", &self.gone),
        ] {
            if !names.is_empty() {
                parts.push(format!("{what}: {}", names.join(", ")));
            }
        }
        parts.join("; ")
    }
}

/// Compares the signed subjects with the current ones, name by name.
pub fn diff(signed: &[Subject], current: &[Subject]) -> SubjectDiff {
    let signed: BTreeMap<&str, &Subject> = signed.iter().map(|s| (s.name.as_str(), s)).collect();
    let current: BTreeMap<&str, &Subject> = current.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut result = SubjectDiff::default();
    for (name, subject) in &current {
        match signed.get(name) {
            Some(old) if old.digest.get("sha256") == subject.digest.get("sha256") => {}
            Some(_) => result.changed.push(name.to_string()),
            None => result.unsigned.push(name.to_string()),
        }
    }
    result.gone = signed
        .keys()
        .filter(|name| !current.contains_key(*name))
        .map(|n| n.to_string())
        .collect();
    result
}

/// The outcome of verifying a signature file against the project.
#[derive(Clone, Debug)]
pub enum Verification {
    /// Signed by this key, and everything matches.
    Valid {
        /// The trusted key that signed it.
        signer: String,
    },
    /// The signature is good but the signed content is not the project as it is.
    Mismatch {
        /// The signer.
        signer: String,
        /// What differs.
        diff: SubjectDiff,
    },
    /// The signature itself does not verify.
    Invalid(EnvelopeError),
}

/// Verifies an envelope's signature with `keys` and its subjects against `current`.
pub fn verify_envelope(
    envelope: &Envelope,
    keys: &[(String, ed25519_dalek::VerifyingKey)],
    current: &[Subject],
) -> Verification {
    match dsse::verify(envelope, keys, PREDICATE_TYPE) {
        Ok((statement, signer)) => {
            let diff = diff(&statement.subject, current);
            if diff.is_empty() {
                Verification::Valid {
                    signer: signer.to_string(),
                }
            } else {
                Verification::Mismatch {
                    signer: signer.to_string(),
                    diff,
                }
            }
        }
        Err(error) => Verification::Invalid(error),
    }
}

/// The predicate type of an audit attestation (`aitrust attest`).
pub const ATTESTATION_PREDICATE_TYPE: &str = "https://github.com/aitrust/aitrust/attestation/audit/v1";

/// The outcome of verifying an attestation.
#[derive(Clone, Debug)]
pub enum AttestationCheck {
    /// Valid and current: (signer, attested verdict).
    Current {
        /// The key that signed it.
        signer: String,
        /// "pass" or "fail".
        verdict: String,
    },
    /// Signed, but the manifest or artifacts changed since the audit.
    Outdated {
        /// The signer.
        signer: String,
        /// What changed.
        diff: SubjectDiff,
    },
    /// The signature does not verify.
    Invalid(EnvelopeError),
}

/// Verifies an attestation against the project as it is now.
pub fn verify_attestation(
    envelope: &Envelope,
    keys: &[(String, ed25519_dalek::VerifyingKey)],
    current: &[Subject],
) -> AttestationCheck {
    match dsse::verify(envelope, keys, ATTESTATION_PREDICATE_TYPE) {
        Ok((statement, signer)) => {
            let diff = diff(&statement.subject, current);
            if diff.is_empty() {
                let verdict = statement.predicate["verdict"]
                    .as_str()
                    .unwrap_or("unknown")
                    .to_string();
                AttestationCheck::Current {
                    signer: signer.to_string(),
                    verdict,
                }
            } else {
                AttestationCheck::Outdated {
                    signer: signer.to_string(),
                    diff,
                }
            }
        }
        Err(error) => AttestationCheck::Invalid(error),
    }
}
