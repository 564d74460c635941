//! The audit pipeline: load → resolve → checks → checklist → [`Audit`]. One way through, in this order.

use std::path::{Path, PathBuf};

use crate::bom::LoadError;
use crate::checklist::{self, Checklist};
use crate::checks::signature::Signatures;
use crate::checks::{self, CheckCtx};
use crate::findings::Findings;
use crate::license;
pub mod model;

use crate::resolve;
use crate::sources::local;
pub use model::Audit;

/// What `aitrust check` was asked to do.
#[derive(Clone, Debug)]
pub struct AuditOptions {
    /// The manifest.
    pub manifest: PathBuf,
    /// A policy file replacing `[policy]`.
    pub policy: Option<PathBuf>,
    /// An answers file; `None` means `aibom.answers.toml` beside the manifest, if it exists.
    pub answers: Option<PathBuf>,
    /// "Today".
    pub now: time::OffsetDateTime,
    /// Show a progress bar while hashing (only ever on a terminal).
    pub progress: bool,
    /// A Sigstore trust root (`trusted_root.json`) replacing the policy's and the embedded public-good one.
    pub trust_root: Option<PathBuf>,
}

/// The default answers file of a manifest.
pub fn default_answers_path(manifest: &Path) -> PathBuf {
    manifest.with_file_name("aibom.answers.toml")
}

/// Reads the policy's trusted keys (a key that cannot be read is unusable input) and `aibom.sig`, if any.
fn read_signatures(
    bom: &crate::bom::Bom,
    manifest: &Path,
    trust_root_option: Option<&Path>,
) -> Result<Signatures, LoadError> {
    use crate::sign::keys::{TrustAnchor, read_trust_anchor};
    let mut trusted = Vec::new();
    let mut anchors: Vec<String> = bom
        .policy
        .signatures
        .pinned
        .iter()
        .map(|p| p.value.clone())
        .collect();
    for key in &bom.policy.signatures.trusted_keys {
        let path = crate::fsutil::resolve_in_root(&bom.policy.base, &key.value.under(&bom.policy.base))
            .map_err(|error| LoadError::Unusable(format!("trusted key {}: {error}", key.value)))?;
        // trusted by what the file holds, decoded: ed25519 keys for aitrust's signatures, fingerprints of
        // ECDSA keys and certificates for model-signing publishers
        match read_trust_anchor(&path) {
            Ok(TrustAnchor::Ed25519(public)) => {
                // an ed25519 key trusts aitrust's own signatures and model-signing bundles made with it
                anchors.extend(crate::sign::keys::ed25519_fingerprint(&public));
                trusted.push((key.value.to_string(), public));
            }
            Ok(TrustAnchor::Fingerprints(fingerprints)) => anchors.extend(fingerprints),
            Err(error) => return Err(LoadError::Unusable(format!("trusted key: {error}"))),
        }
    }
    let signature = manifest.with_file_name(crate::sign::SIGNATURE_FILE);
    let project = signature.exists().then(|| {
        crate::fsutil::read_in_root(&bom.root, &signature, crate::fsutil::limits::SIGNATURE)
            .map_err(|e| e.to_string())
    });
    // `--trust-root` (any path the user gives) over the policy's (inside the policy's directory)
    let source = match (trust_root_option, &bom.policy.signatures.trust_root) {
        (Some(file), _) => Some((
            file.display().to_string(),
            crate::fsutil::read_file(file, crate::fsutil::limits::KEY),
        )),
        (None, Some(path)) => Some((
            path.value.to_string(),
            crate::fsutil::read_in_root(
                &bom.policy.base,
                &path.value.under(&bom.policy.base),
                crate::fsutil::limits::KEY,
            ),
        )),
        (None, None) => None,
    };
    let trust_root = match source {
        Some((name, bytes)) => {
            let bytes = bytes.map_err(|error| LoadError::Unusable(format!("trust root {name}: {error}")))?;
            Some(crate::sign::sigstore::TrustRoot::parse(&bytes).map_err(|error| {
                LoadError::Unusable(format!(
                    "trust root {name}: {error} (give a Sigstore trusted_root.json)"
                ))
            })?)
        }
        None => None,
    };
    Ok(Signatures {
        trusted,
        anchors,
        trust_root,
        project,
    })
}

/// Runs the whole audit. Any bad input file is an error (exit 2); findings are not errors.
pub fn run(options: &AuditOptions) -> Result<Audit, LoadError> {
    let mut bom = resolve::load(&options.manifest)?;
    if let Some(policy) = &options.policy {
        bom.policy = resolve::load_policy(policy)?;
    }
    // The Global Checklist always; the policy's required checklists too. Answers may answer any shipped one.
    let global_required = bom.policy.checklist.require.iter().any(|r| r.value == "global");
    let mut walked = vec![(Checklist::global(), global_required)];
    for reference in &bom.policy.checklist.require {
        let checklist = Checklist::load(&reference.value, &bom.policy.base)?;
        if !walked.iter().any(|(c, _)| c.id == checklist.id) {
            walked.push((checklist, true));
        }
    }
    let known = Checklist::known(walked.iter().map(|(c, _)| c.clone()));
    let known_refs: Vec<&Checklist> = known.iter().collect();
    let answers_path = options
        .answers
        .clone()
        .unwrap_or_else(|| default_answers_path(&options.manifest));
    let answers = if options.answers.is_some() || answers_path.exists() {
        Some(checklist::answers::load(&answers_path, &known_refs)?)
    } else {
        None
    };
    let inventory = local::inventory(&bom, options.progress);
    let licensing = license::assess::assess(&bom, license::KnowledgeBase::embedded());
    let signatures = read_signatures(&bom, &options.manifest, options.trust_root.as_deref())?;
    let documentation = checks::documentation::analyze(&bom);
    let lock_path = crate::sources::lockfile::path_beside(&options.manifest);
    let lock = if lock_path.exists() {
        Some(crate::sources::lockfile::load(&lock_path)?)
    } else {
        None
    };
    let activities = checks::maintenance::activities(&checks::maintenance::Inputs {
        bom: &bom,
        lock: lock.as_ref(),
        now: options.now,
    });
    let ctx = CheckCtx {
        lock: lock.as_ref(),
        activities: &activities,
        bom: &bom,
        inventory: &inventory,
        licensing: &licensing,
        signatures: &signatures,
        answers: answers.as_ref(),
        documentation: &documentation,
        now: options.now,
    };
    let mut findings = Findings::new(&bom.policy);
    checks::run_all(&ctx, &mut findings);
    let evidence = findings.snapshot();
    let snapshot = checklist::Snapshot::of(&bom);
    let answers_dir = crate::tomlfile::reader::parent_directory(&answers_path);
    let judge = checklist::Judge {
        snapshot: &snapshot,
        answers_dir: &answers_dir,
        root: &bom.root,
    };
    let mut reports = Vec::new();
    for (walked_checklist, required) in &walked {
        let report = checklist::walk(
            walked_checklist,
            &evidence,
            answers.as_ref(),
            &checks::names(),
            &judge,
        );
        checklist::item_findings(&report, *required, &mut findings);
        reports.push(report);
    }
    let findings = findings.into_vec();
    let generated_at = options
        .now
        .to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| options.now.unix_timestamp().to_string());
    let sources = model::Sources {
        inventory: &inventory,
        licensing: &licensing,
        documentation: &documentation,
        models: &bom.models,
        activities: &activities,
    };
    Ok(Audit::new(&bom, &sources, findings, reports, generated_at))
}
