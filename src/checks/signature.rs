//! The signature check: the project signature (`aibom.sig` beside the manifest) and components' own
//! signatures must be made by a trusted key (`policy.signatures.trusted_keys`, strict ed25519) over exactly
//! the project as it is; `policy.signatures.require` makes a valid, trusted signature mandatory.

use super::CheckCtx;
use crate::bom::policy::SignatureRequirement;
use crate::bom::{Component, ComponentKind, SignatureKind};
use crate::diag::Span;
use crate::findings::{Code, Findings};
use crate::sign::{self, Verification, dsse};

/// The signatures found for the audit, read before the checks run (see `audit`).
#[derive(Clone, Debug, Default)]
pub struct Signatures {
    /// Trusted ed25519 keys: (path as written, key).
    pub trusted: Vec<(String, ed25519_dalek::VerifyingKey)>,
    /// Fingerprints of the other trusted keys and roots (model-signing publishers), by content.
    pub anchors: Vec<String>,
    /// The Sigstore trust root for keyless bundles: the policy's `trust_root`, or `None` for the embedded
    /// public-good one.
    pub trust_root: Option<crate::sign::sigstore::TrustRoot>,
    /// The project signature file's bytes, when it exists.
    pub project: Option<Result<Vec<u8>, String>>,
}

/// Checks every signature and the policy's requirement.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    let bom = ctx.bom;
    let signatures = ctx.signatures;
    let mut project_signed: Option<Vec<dsse::Subject>> = None;
    if let Some(project) = &signatures.project {
        project_signed = check_project(ctx, project, out);
    }
    let requirement = bom
        .policy
        .signatures
        .require
        .as_ref()
        .map_or(SignatureRequirement::None, |r| r.value);
    for component in bom.components() {
        let own = component
            .signature
            .as_ref()
            .map(|signature| check_component(ctx, component, signature, out));
        let required = match requirement {
            SignatureRequirement::None => false,
            SignatureRequirement::Models => component.kind == ComponentKind::Model,
            SignatureRequirement::All => true,
        };
        if !required || own == Some(true) {
            continue;
        }
        let covered = project_signed
            .as_ref()
            .is_some_and(|signed| covered_by(ctx, component, signed));
        if !covered {
            out.push(ctx.draft(
                Code::Sig003,
                Some(&component.id),
                component.signature.as_ref().map_or(component.id.span, |s| s.path.span),
                format!(
                    "{} `{}` has no valid signature from a trusted key, and the policy requires one ({})",
                    component.kind.as_str(),
                    component.id.value,
                    requirement.as_str()
                ),
                "sign it (`aitrust sign --key KEY`, or the publisher's signature as `signature = {...}`) with a key in policy.signatures.trusted_keys".into(),
            ));
        }
    }
}

/// Are all of a component's local files in the signed subjects with the same digests?
fn covered_by(ctx: &CheckCtx<'_>, component: &Component, signed: &[dsse::Subject]) -> bool {
    let (subjects, problems) = sign::component_subjects(component, ctx.inventory);
    problems.is_empty() && !subjects.is_empty() && subjects.iter().all(|s| signed.contains(s))
}

/// Verifies `aibom.sig`; returns the signed subjects when it is valid and current.
fn check_project(
    ctx: &CheckCtx<'_>,
    file: &Result<Vec<u8>, String>,
    out: &mut Findings,
) -> Option<Vec<dsse::Subject>> {
    let span = Span::new(0, 0);
    let bytes = match file {
        Ok(bytes) => bytes,
        Err(error) => {
            out.push(ctx.draft(
                Code::Sig004,
                None,
                span,
                format!("{} could not be read: {error}", sign::SIGNATURE_FILE),
                "fix its permissions, or remove it and sign again".into(),
            ));
            return None;
        }
    };
    let envelope = match dsse::parse(bytes) {
        Ok(envelope) => envelope,
        Err(error) => {
            out.push(ctx.draft(
                Code::Sig004,
                None,
                span,
                format!("{}: {error}", sign::SIGNATURE_FILE),
                "sign again with `aitrust sign --key KEY`".into(),
            ));
            return None;
        }
    };
    if ctx.signatures.trusted.is_empty() {
        out.push(ctx.draft(
            Code::Sig006,
            None,
            span,
            format!(
                "{} exists but the policy trusts no key, so it was not verified",
                sign::SIGNATURE_FILE
            ),
            "list the signer's public key in policy.signatures.trusted_keys".into(),
        ));
        return None;
    }
    // Files that cannot be hashed are integrity errors already; everything else is compared.
    let (current, _) = sign::project_subjects(ctx.bom, ctx.inventory);
    match sign::verify_envelope(&envelope, &ctx.signatures.trusted, &current) {
        Verification::Valid { .. } => Some(current),
        Verification::Mismatch { signer, diff } => {
            out.push(ctx.draft(
                Code::Sig002,
                None,
                span,
                format!("{} (signed by {signer}) does not match the project: {}", sign::SIGNATURE_FILE, diff.describe()),
                "do not deploy: find out what changed since signing; if the change is intended, review it and sign again".into(),
            ));
            None
        }
        Verification::Invalid(error) => {
            out.push(ctx.draft(
                Code::Sig001,
                None,
                span,
                format!("{}: {error}", sign::SIGNATURE_FILE),
                "do not deploy: the signature is forged, damaged, or made by an untrusted key".into(),
            ));
            None
        }
    }
}

/// Verifies a component's own signature; returns whether it is valid, current and trusted.
fn check_component(
    ctx: &CheckCtx<'_>,
    component: &Component,
    signature: &crate::bom::SignatureRef,
    out: &mut Findings,
) -> bool {
    let span = signature.path.span;
    let id = Some(component.id.value.as_str());
    if signature.kind.value == SignatureKind::ModelSigning {
        return check_model_signing(ctx, component, signature, out);
    }
    let path = signature.path.value.under(&ctx.bom.root);
    let envelope = match crate::fsutil::read_in_root(&ctx.bom.root, &path, crate::fsutil::limits::SIGNATURE)
        .map_err(|e| e.to_string())
        .and_then(|b| dsse::parse(&b).map_err(|e| e.to_string()))
    {
        Ok(envelope) => envelope,
        Err(error) => {
            out.push(ctx.draft(
                Code::Sig004,
                id,
                span,
                format!("signature `{}`: {error}", signature.path.value),
                "restore the signature file, or sign the component again".into(),
            ));
            return false;
        }
    };
    let mut keys = ctx.signatures.trusted.clone();
    // A key the component names is a hint, never trust: when it is not a trusted key by content, the
    // signature may still be checked (for a better message) but never counts as trusted.
    let mut named_key_untrusted = false;
    if let Some(public) = &signature.public_key {
        let key_path = public.value.under(&ctx.bom.root);
        let trusted_key = crate::fsutil::resolve_in_root(&ctx.bom.root, &key_path)
            .ok()
            .and_then(|real| crate::sign::keys::read_public(&real).ok());
        match trusted_key {
            Some(key) if ctx.signatures.trusted.iter().any(|(_, trusted)| *trusted == key) => {}
            // a key pinned by fingerprint in the policy is trusted by its content too
            Some(key)
                if crate::sign::keys::ed25519_fingerprint(&key)
                    .is_some_and(|print| ctx.signatures.anchors.contains(&print)) =>
            {
                keys = vec![(public.value.to_string(), key)];
            }
            Some(key) => {
                out.push(ctx.draft(
                    Code::Sig006,
                    id,
                    public.span,
                    format!(
                        "the component's key `{}` is not among the policy's trusted keys",
                        public.value
                    ),
                    "add it to policy.signatures.trusted_keys if you trust its owner".into(),
                ));
                keys = vec![(public.value.to_string(), key)];
                named_key_untrusted = true;
            }
            None => {
                out.push(ctx.draft(
                    Code::Sig004,
                    id,
                    public.span,
                    format!("`{}` is not a readable ed25519 public key", public.value),
                    "point public_key at a PEM public key".into(),
                ));
                return false;
            }
        }
    }
    let (current, _) = sign::component_subjects(component, ctx.inventory);
    match sign::verify_envelope(&envelope, &keys, &current) {
        Verification::Valid { .. } => !named_key_untrusted,
        Verification::Mismatch { signer, diff } => {
            out.push(ctx.draft(
                Code::Sig002,
                id,
                span,
                format!(
                    "signature `{}` (by {signer}) does not match the component: {}",
                    signature.path.value,
                    diff.describe()
                ),
                "do not deploy: find out what changed since it was signed".into(),
            ));
            false
        }
        Verification::Invalid(error) => {
            out.push(ctx.draft(
                Code::Sig001,
                id,
                span,
                format!("signature `{}`: {error}", signature.path.value),
                "do not deploy: the signature is forged, damaged, or made by another key".into(),
            ));
            false
        }
    }
}

/// Verifies an OpenSSF model-signing bundle; returns whether it is valid and made by a trusted key or chain.
fn check_model_signing(
    ctx: &CheckCtx<'_>,
    component: &Component,
    signature: &crate::bom::SignatureRef,
    out: &mut Findings,
) -> bool {
    let id = Some(component.id.value.as_str());
    let span = signature.path.span;
    let root = &ctx.bom.root;
    let read = |path: &crate::bom::RelPath| {
        crate::fsutil::read_text_in_root(root, &path.under(root), crate::fsutil::limits::KEY)
            .map_err(|e| format!("`{path}`: {e}"))
    };
    let bundle = match crate::fsutil::read_in_root(
        root,
        &signature.path.value.under(root),
        crate::fsutil::limits::SIGNATURE,
    ) {
        Ok(bundle) => bundle,
        Err(error) => {
            out.push(ctx.draft(
                Code::Sig004,
                id,
                span,
                format!("signature `{}` cannot be read: {error}", signature.path.value),
                "restore the publisher's model.sig".into(),
            ));
            return false;
        }
    };
    let public_key = match signature.public_key.as_ref().map(|k| read(&k.value)).transpose() {
        Ok(key) => key,
        Err(error) => {
            out.push(ctx.draft(
                Code::Sig004,
                id,
                span,
                format!("public key {error}"),
                "point public_key at the publisher's PEM public key".into(),
            ));
            return false;
        }
    };
    let chain: Result<Vec<String>, String> = signature
        .certificate_chain
        .iter()
        .map(|c| read(&c.value))
        .collect();
    let chain = match chain {
        Ok(chain) => chain,
        Err(error) => {
            out.push(ctx.draft(
                Code::Sig004,
                id,
                span,
                format!("certificate chain {error}"),
                "point certificate_chain at the publisher's PEM certificates".into(),
            ));
            return false;
        }
    };
    let Some(model_path) = &component.path else {
        out.push(ctx.draft(
            Code::Sig005,
            id,
            span,
            "the signed model has no local `path`, so it cannot be re-hashed".into(),
            "keep the model in the project to verify its signature".into(),
        ));
        return false;
    };
    let ignore_paths: Vec<String> = signature
        .ignore_paths
        .iter()
        .map(|p| p.value.to_string())
        .collect();
    let request = sign::model_signing::Request {
        bundle: &bundle,
        model: &model_path.value.under(root),
        bundle_path: &signature.path.value.under(root),
        public_key: public_key.as_deref(),
        certificate_chain: &chain,
        ignore_paths: &ignore_paths,
        ignore_unsigned_files: signature.ignore_unsigned_files.as_ref().is_some_and(|i| i.value),
        ignore_git_paths: signature.ignore_git_paths.as_ref().is_none_or(|i| i.value),
        trust_root: ctx
            .signatures
            .trust_root
            .as_ref()
            .unwrap_or_else(|| sign::sigstore::TrustRoot::public_good()),
    };
    match sign::model_signing::verify(&request) {
        sign::model_signing::Outcome::Verified {
            identity: Some(identity),
            ..
        } => {
            // keyless: trusted only when the policy names this signer (issuer and SAN)
            let identities = &ctx.bom.policy.signatures.identities;
            if identities
                .iter()
                .any(|trusted| trusted.matches(&identity.issuer, &identity.san))
            {
                return true;
            }
            out.push(ctx.draft(
                Code::Sig006,
                id,
                span,
                format!(
                    "signature `{}` verifies (Sigstore keyless, signed by {} via {}), but the policy trusts no such signer",
                    signature.path.value, identity.san, identity.issuer
                ),
                format!(
                    "if you trust this signer, add {{ issuer = \"{}\", san = \"{}\" }} to policy.signatures.identities",
                    identity.issuer, identity.san
                ),
            ));
            false
        }
        sign::model_signing::Outcome::Verified { anchor, .. } => {
            if ctx.signatures.anchors.contains(&anchor) {
                return true;
            }
            out.push(ctx.draft(
                Code::Sig006,
                id,
                span,
                format!("signature `{}` verifies, but the key or root certificate it was verified to ({anchor}) is not among the policy's trusted keys", signature.path.value),
                format!("if you trust the publisher, list its public key (or root certificate) in policy.signatures.trusted_keys, or pin it there as \"{anchor}\""),
            ));
            false
        }
        sign::model_signing::Outcome::Invalid(reason) => {
            out.push(ctx.draft(
                Code::Sig001,
                id,
                span,
                format!("signature `{}`: {reason}", signature.path.value),
                "do not deploy: the signature is forged, damaged, or made by another key".into(),
            ));
            false
        }
        sign::model_signing::Outcome::Mismatch(reason) => {
            out.push(ctx.draft(Code::Sig002, id, span, format!("signature `{}` does not match the model: {reason}", signature.path.value), "do not deploy: the model differs from what its publisher signed (list deliberately unsigned files in `signature.ignore_paths`)".into()));
            false
        }
        sign::model_signing::Outcome::CannotVerify(reason) => {
            out.push(ctx.draft(Code::Sig005, id, span, format!("signature `{}` was not verified: {reason}", signature.path.value), "verify it with the publisher's tooling (e.g. `model_signing verify`), and record the result; it does not count as signed".into()));
            false
        }
    }
}
