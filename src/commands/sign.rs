//! Signing commands: `keygen`, `sign`, `verify` (of `aibom.sig` or an attestation) and `attest`.

use std::path::{Path, PathBuf};

use super::{Console, Error, Outcome};
use crate::audit::{self, AuditOptions};
use crate::bom::Bom;
use crate::report::Audit;
use crate::sign::dsse::{self, Statement, Subject};
use crate::sign::{self, ATTESTATION_PREDICATE_TYPE, keys};

/// `aitrust keygen --out PREFIX`.
pub fn keygen(prefix: &Path, console: &mut dyn Console) -> Result<Outcome, Error> {
    let (private, public, id) = keys::generate(prefix).map_err(|e| Error::msg(e.to_string()))?;
    console.say(&format!(
        "wrote {} (keep it secret) and {}\nkey id: {id}\nnext: list {} in policy.signatures.trusted_keys, then `aitrust sign --key {}`",
        private.display(),
        public.display(),
        public.display(),
        private.display()
    ));
    Ok(Outcome::pass(""))
}

/// `aitrust keygen --kind p256 --out PREFIX`: an ECDSA P-256 key for model-signing bundles.
pub fn keygen_p256(prefix: &Path, console: &mut dyn Console) -> Result<Outcome, Error> {
    let private_path = keys::with_suffix(prefix, "key");
    let public_path = keys::with_suffix(prefix, "pub");
    for path in [&private_path, &public_path] {
        if path.exists() {
            return Err(Error::msg(format!(
                "{} exists; aitrust never overwrites a key\nhelp: choose another --out",
                path.display()
            )));
        }
    }
    let (private, public) = crate::sign::oms::generate_p256().map_err(Error::msg)?;
    keys::write_new(&private_path, private.as_bytes(), true).map_err(|e| Error::msg(e.to_string()))?;
    keys::write_new(&public_path, public.as_bytes(), false).map_err(|e| Error::msg(e.to_string()))?;
    let der = x509_cert::der::pem::decode_vec(public.as_bytes())
        .map_err(|e| Error::msg(e.to_string()))?
        .1;
    console.say(&format!(
        "wrote {} (keep it secret) and {}\nfingerprint: {}\nnext: `aitrust sign --component ID --key {}` for a component with `signature = {{ kind = \"model-signing\", ... }}`; verifiers trust {} (or pin the fingerprint)",
        private_path.display(),
        public_path.display(),
        keys::fingerprint(&keys::canonical_spki(&der)),
        private_path.display(),
        public_path.display(),
    ));
    Ok(Outcome::pass(""))
}

/// `aitrust sign --component ID --key EC.pem [--cert LEAF --chain ...]`: an OpenSSF model-signing bundle of
/// the component's `path`, written to its `signature.path`.
pub fn sign_model_component(
    key_path: &Path,
    manifest: &Path,
    id: &str,
    certificate: Option<(&Path, &[PathBuf])>,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    let bom = crate::resolve::load(manifest)?;
    let component = bom
        .component(id)
        .ok_or_else(|| Error::msg(format!("the manifest has no component `{id}`")))?;
    let signature = component
        .signature
        .as_ref()
        .filter(|s| s.kind.value == crate::bom::SignatureKind::ModelSigning)
        .ok_or_else(|| {
            Error::msg(format!(
                "`{id}` has no `signature = {{ kind = \"model-signing\", path = \"...\" }}` to write to"
            ))
        })?;
    let model = component
        .path
        .as_ref()
        .ok_or_else(|| Error::msg(format!("`{id}` has no local `path` to sign")))?
        .value
        .under(&bom.root);
    let key_text = crate::fsutil::read_text(key_path, crate::fsutil::limits::KEY)
        .map_err(|e| Error::msg(format!("key {}: {e}", key_path.display())))?;
    let key = crate::sign::oms::EcSigningKey::from_pem(&key_text).map_err(|e| {
        Error::msg(format!(
            "key {}: {e}\nhelp: model-signing bundles are signed with ECDSA keys (`aitrust keygen --kind p256`)",
            key_path.display()
        ))
    })?;
    let certificates = match certificate {
        None => None,
        Some((leaf, chain)) => {
            let mut paths = vec![leaf.to_path_buf()];
            paths.extend(chain.iter().cloned());
            Some(super::oms::pem_certificates(&paths)?)
        }
    };
    let ignores: Vec<String> = signature
        .ignore_paths
        .iter()
        .map(|p| p.value.to_string())
        .collect();
    let target = signature.path.value.under(&bom.root);
    let bundle = crate::sign::oms::sign_model(&crate::sign::oms::SignRequest {
        model: &model,
        key: &key,
        certificates: certificates.as_deref(),
        ignore_paths: &ignores,
        bundle_path: &target,
    })
    .map_err(|e| Error::msg(format!("`{id}` was not signed: {e}")))?;
    crate::fsutil::write_in_root(&bom.root, &target, &bundle)
        .map_err(|error| Error::msg(format!("cannot write {}: {error}", target.display())))?;
    console.say(&format!(
        "signed `{id}` ({}) into {} (OpenSSF model signing v1.0{})",
        model.display(),
        target.display(),
        if certificates.is_some() {
            ", certificate chain"
        } else {
            ", public key"
        }
    ));
    Ok(Outcome::pass(""))
}

fn read_private(path: &Path) -> Result<ed25519_dalek::SigningKey, Error> {
    keys::read_private(path).map_err(|e| Error::msg(e.to_string()))
}

/// `aitrust sign`: the project into `aibom.sig`, or one component into its `signature.path`.
pub fn sign(
    key_path: &Path,
    manifest: &Path,
    component: Option<&str>,
    progress: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    if let Some(id) = component {
        let bom = crate::resolve::load(manifest)?;
        let model_signing = bom
            .component(id)
            .and_then(|c| c.signature.as_ref())
            .is_some_and(|s| s.kind.value == crate::bom::SignatureKind::ModelSigning);
        if model_signing {
            return sign_model_component(key_path, manifest, id, None, console);
        }
    }
    let key = read_private(key_path)?;
    let bom = crate::resolve::load(manifest)?;
    let inventory = crate::sources::local::inventory(&bom, progress);
    let (subjects, problems, target, scope) = match component {
        None => {
            let (subjects, problems) = sign::project_subjects(&bom, &inventory);
            (
                subjects,
                problems,
                manifest.with_file_name(sign::SIGNATURE_FILE),
                "project".to_string(),
            )
        }
        Some(id) => {
            let found = bom
                .component(id)
                .ok_or_else(|| Error::msg(format!("the manifest has no component `{id}`")))?;
            let signature = found
                .signature
                .as_ref()
                .filter(|s| s.kind.value == crate::bom::SignatureKind::Aitrust)
                .ok_or_else(|| {
                    Error::msg(format!(
                        "`{id}` has no `signature = {{ kind = \"aitrust\", path = \"...\" }}` to write to"
                    ))
                })?;
            let (subjects, problems) = sign::component_subjects(found, &inventory);
            (
                subjects,
                problems,
                signature.path.value.under(&bom.root),
                format!("component {id}"),
            )
        }
    };
    if !problems.is_empty() {
        return Err(Error::msg(format!(
            "nothing was signed; these files are not as the manifest declares:\n  {}\nhelp: run `aitrust check` and fix the integrity findings first",
            problems.join("\n  ")
        )));
    }
    let statement = sign::statement(&bom, subjects, &scope);
    let count = statement.subject.len();
    let envelope = dsse::sign(&statement, &key);
    crate::fsutil::write_in_root(&bom.root, &target, envelope_text(&envelope).as_bytes())
        .map_err(|error| Error::msg(format!("cannot write {}: {error}", target.display())))?;
    console.say(&format!(
        "signed {count} subject{} into {} with key {}",
        super::plural(count),
        target.display(),
        keys::key_id(&key.verifying_key())
    ));
    Ok(Outcome::pass(""))
}

fn envelope_text(envelope: &dsse::Envelope) -> String {
    let mut text = serde_json::to_string_pretty(envelope).expect("an envelope is plain data");
    text.push('\n');
    text
}

/// The keys to verify with: the ones given, or the policy's trusted keys.
fn verification_keys(
    key_paths: &[PathBuf],
    bom: &Bom,
) -> Result<Vec<(String, ed25519_dalek::VerifyingKey)>, Error> {
    let sources: Vec<(String, PathBuf)> = if key_paths.is_empty() {
        bom.policy
            .signatures
            .trusted_keys
            .iter()
            .map(|k| (k.value.to_string(), k.value.under(&bom.policy.base)))
            .collect()
    } else {
        key_paths
            .iter()
            .map(|p| (p.display().to_string(), p.clone()))
            .collect()
    };
    let mut keys = Vec::new();
    for (name, path) in sources {
        keys.push((
            name,
            keys::read_public(&path).map_err(|e| Error::msg(e.to_string()))?,
        ));
    }
    if keys.is_empty() {
        return Err(Error::msg(
            "no key to verify with\nhelp: pass --key PUBLIC_KEY, or list keys in policy.signatures.trusted_keys",
        ));
    }
    Ok(keys)
}

/// `aitrust verify`: `aibom.sig` against the project as it is now.
pub fn verify(
    key_paths: &[PathBuf],
    manifest: &Path,
    progress: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    let bom = crate::resolve::load(manifest)?;
    let keys = verification_keys(key_paths, &bom)?;
    let signature = manifest.with_file_name(sign::SIGNATURE_FILE);
    let bytes = crate::fsutil::read_in_root(&bom.root, &signature, crate::fsutil::limits::SIGNATURE)
        .map_err(|error| {
            Error::msg(format!(
                "cannot read {}: {error}\nhelp: sign the project with `aitrust sign --key KEY`",
                signature.display()
            ))
        })?;
    let inventory = crate::sources::local::inventory(&bom, progress);
    let (current, _) = sign::project_subjects(&bom, &inventory);
    let outcome = match dsse::parse(&bytes) {
        Ok(envelope) => sign::verify_envelope(&envelope, &keys, &current),
        Err(error) => sign::Verification::Invalid(error),
    };
    match outcome {
        sign::Verification::Valid { signer } => Ok(Outcome::pass(format!(
            "valid: {} is signed by {signer} and matches the project ({} subjects)\n",
            signature.display(),
            current.len()
        ))),
        sign::Verification::Mismatch { signer, diff } => {
            console.say(&format!(
                "invalid: {} is signed by {signer} but does not match the project: {}",
                signature.display(),
                diff.describe()
            ));
            Ok(Outcome::fail(""))
        }
        sign::Verification::Invalid(error) => {
            console.say(&format!("invalid: {}: {error}", signature.display()));
            Ok(Outcome::fail(""))
        }
    }
}

/// `aitrust attest`: runs the audit and signs its outcome.
pub fn attest(
    key_path: &Path,
    manifest: &Path,
    output: &Path,
    policy: Option<PathBuf>,
    now: Option<&str>,
    progress: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    let key = read_private(key_path)?;
    let now = super::parse_now(now)?;
    let audit = audit::run(&AuditOptions {
        manifest: manifest.to_path_buf(),
        policy,
        answers: None,
        now,
        progress,
        trust_root: None,
    })?;
    let bom = crate::resolve::load(manifest)?;
    let inventory = crate::sources::local::inventory(&bom, false);
    let (subjects, _) = sign::project_subjects(&bom, &inventory);
    let statement = attestation_statement(subjects, &audit);
    let envelope = dsse::sign(&statement, &key);
    super::write(output, envelope_text(&envelope).as_bytes())?;
    console.say(&format!(
        "attested {} (verdict: {}, {} errors, {} warnings) into {}",
        audit.manifest.path,
        super::check::verdict_word(audit.verdict),
        audit.summary.errors,
        audit.summary.warnings,
        output.display()
    ));
    Ok(Outcome::pass(""))
}

/// `aitrust verify --attestation`: signed, about the project as it is now, and (with `require_pass`) passed.
pub fn verify_attestation(
    key_paths: &[PathBuf],
    manifest: &Path,
    attestation: &Path,
    require_pass: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    let bom = crate::resolve::load(manifest)?;
    let keys = verification_keys(key_paths, &bom)?;
    let bytes = crate::fsutil::read_file(attestation, crate::fsutil::limits::SIGNATURE)
        .map_err(|error| Error::msg(format!("cannot read {}: {error}", attestation.display())))?;
    let inventory = crate::sources::local::inventory(&bom, false);
    let (current, _) = sign::project_subjects(&bom, &inventory);
    let outcome = match dsse::parse(&bytes) {
        Ok(envelope) => sign::verify_attestation(&envelope, &keys, &current),
        Err(error) => sign::AttestationCheck::Invalid(error),
    };
    match outcome {
        sign::AttestationCheck::Current { signer, verdict } => {
            if require_pass && verdict != "pass" {
                // one answer per run: the signature holds, but what it attests does not meet the requirement
                console.say(&format!(
                    "invalid: {} is signed by {signer} and current, but attests verdict {verdict}, not pass (--require-pass)",
                    attestation.display()
                ));
                return Ok(Outcome::fail(""));
            }
            Ok(Outcome::pass(format!(
                "valid: {} is signed by {signer}, current, and attests verdict {verdict}\n",
                attestation.display()
            )))
        }
        sign::AttestationCheck::Outdated { signer, diff } => {
            console.say(&format!(
                "invalid: {} (signed by {signer}) is not about the project as it is now: {}",
                attestation.display(),
                diff.describe()
            ));
            Ok(Outcome::fail(""))
        }
        sign::AttestationCheck::Invalid(error) => {
            console.say(&format!("invalid: {}: {error}", attestation.display()));
            Ok(Outcome::fail(""))
        }
    }
}

/// The statement of an audit attestation: the manifest and its artifacts as subjects, the audit's outcome as
/// the predicate.
pub fn attestation_statement(subjects: Vec<Subject>, audit: &Audit) -> Statement {
    let mut codes: Vec<&str> = audit.findings.iter().map(|f| f.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let checklists: Vec<serde_json::Value> = audit
        .checklists
        .iter()
        .map(|c| {
            let items: serde_json::Map<String, serde_json::Value> = c
                .items
                .iter()
                .map(|i| (i.id.clone(), serde_json::json!(i.status.as_str())))
                .collect();
            serde_json::json!({ "id": c.id, "items": items })
        })
        .collect();
    Statement {
        statement_type: dsse::STATEMENT_TYPE.to_string(),
        subject: subjects,
        predicate_type: ATTESTATION_PREDICATE_TYPE.to_string(),
        predicate: serde_json::json!({
            "tool": { "name": "aitrust", "version": audit.tool.version },
            "generatedAt": audit.generated_at,
            "manifest": { "path": audit.manifest.path, "sha256": audit.manifest.sha256 },
            "verdict": audit.verdict,
            "summary": audit.summary,
            "findingCodes": codes,
            "checklists": checklists,
        }),
    }
}
