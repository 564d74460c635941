//! OpenSSF model signing (sigstore/model-transparency): verification of `model.sig` bundles, offline.
//!
//! A bundle is a Sigstore bundle (v0.3) holding a DSSE envelope over an in-toto Statement whose predicate lists
//! every file of the model with its digest. Verification follows the reference verifier:
//! 1. the signature: ECDSA P-256 / P-384 over the DSSE PAE (and the v0.2 "compat" PAE), with a public key
//!    (whose recorded hint must match) or a certificate chain verified up to a trusted root;
//! 2. the statement: in-toto v1, predicate `https://model_signing/signature/v1.0` (or the v0.1 compat form),
//!    exactly one subject whose digest is the SHA-256 of the resources' raw digests in listed order;
//! 3. the model: re-hashed and compared as a whole — no missing file, no extra file (unless ignored by the
//!    manifest or by the ignore list the bundle records), no changed digest.
//!
//! Sigstore keyless bundles are verified offline against a Sigstore trust root ([`super::sigstore`]); the
//! signer's identity they establish is matched against the policy by the caller.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha384};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use super::dsse::{IN_TOTO_PAYLOAD_TYPE, STATEMENT_TYPE, pae};
use crate::digest::hash::{self, Progress};

const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const PREDICATE_V1: &str = "https://model_signing/signature/v1.0";
const PREDICATE_V01: &str = "https://model_signing/Digests/v0.1";
/// Files the reference signer never signs (relative to the model root).
const GIT_PATHS: &[&str] = &[".git", ".gitattributes", ".github", ".gitignore"];

/// What to verify a bundle against.
pub struct Request<'a> {
    /// The bundle's bytes.
    pub bundle: &'a [u8],
    /// The model: a directory or one file.
    pub model: &'a Path,
    /// The bundle file itself (never part of the model).
    pub bundle_path: &'a Path,
    /// The publisher's public key (PEM text), for key-signed bundles.
    pub public_key: Option<&'a str>,
    /// Trusted certificates (PEM texts), for certificate-signed bundles.
    pub certificate_chain: &'a [String],
    /// Paths the manifest says were not signed, relative to the model.
    pub ignore_paths: &'a [String],
    /// Files the bundle does not list are not checked (`--ignore_unsigned_files`).
    pub ignore_unsigned_files: bool,
    /// For bundles that record no ignore list: ignore unsigned git paths (the reference's default; `false` is
    /// its `--no-ignore-git-paths`).
    pub ignore_git_paths: bool,
    /// The Sigstore trust root keyless bundles are verified against.
    pub trust_root: &'a super::sigstore::TrustRoot,
}

/// The outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Signature, statement and files all check out.
    Verified {
        /// "key", "certificate" or "keyless".
        method: &'static str,
        /// Files compared.
        files: usize,
        /// The fingerprint (`sha256:` of the DER) of what the signature was verified to: the public key for
        /// key bundles, the root certificate the chain was validated to for certificate bundles. Trust is
        /// decided on this, never on the file names in the manifest. Empty for keyless bundles.
        anchor: String,
        /// The signer of a keyless bundle, as its Fulcio certificate names it; trust is decided on this.
        identity: Option<super::sigstore::Identity>,
    },
    /// The signature or the statement is not valid.
    Invalid(String),
    /// The signature is valid but the model on disk is not what was signed.
    Mismatch(String),
    /// aitrust cannot verify this kind of bundle here (keyless, unsupported hashing, no key given).
    CannotVerify(String),
}

fn invalid(message: impl Into<String>) -> Outcome {
    Outcome::Invalid(message.into())
}

/// Verifies a bundle.
pub fn verify(request: &Request<'_>) -> Outcome {
    let bundle: Value = match serde_json::from_slice(request.bundle) {
        Ok(bundle) => bundle,
        Err(error) => return invalid(format!("not a Sigstore bundle: {error}")),
    };
    if bundle["mediaType"] != BUNDLE_MEDIA_TYPE {
        return invalid(format!("unsupported bundle media type {}", bundle["mediaType"]));
    }
    let material = &bundle["verificationMaterial"];
    let (payload, signature) = match envelope(&bundle["dsseEnvelope"]) {
        Ok(parts) => parts,
        Err(outcome) => return outcome,
    };
    let (method, key, anchor, identity) = if material.get("publicKey").is_some() {
        match key_from_pem(request, &material["publicKey"]) {
            Ok((key, anchor)) => ("key", key, anchor, None),
            Err(outcome) => return outcome,
        }
    } else if material.get("x509CertificateChain").is_some() {
        match key_from_chain(request, &material["x509CertificateChain"]) {
            Ok((key, anchor)) => ("certificate", key, anchor, None),
            Err(outcome) => return outcome,
        }
    } else if material.get("certificate").is_some() {
        // keyless: the certificate, log entry and SCT are checked against the trust root; anything malformed
        // is an invalid signature, never "cannot verify", so a tampered bundle cannot downgrade an error
        match super::sigstore::verify(material, &payload, &signature, request.trust_root) {
            Ok(verified) => match ec_key_from_spki_der(&verified.spki) {
                Ok(key) => ("keyless", key, String::new(), Some(verified.identity)),
                Err(outcome) => return outcome,
            },
            Err(super::sigstore::Refusal::Invalid(reason)) => return invalid(reason),
            Err(super::sigstore::Refusal::Unsupported(reason)) => {
                return unverifiable_keyless(request, material, &payload, &signature, reason);
            }
        }
    } else {
        return invalid("the bundle has no verification material");
    };
    // the v0.2 signer's compat PAE only ever signed with keys and certificates, never keyless
    let legacy = method != "keyless" && is_legacy_payload(&payload);
    if !signature_verifies(&key, &payload, &signature, legacy) {
        return invalid(format!("the signature does not verify with the {method}'s key"));
    }
    let expected = match manifest_of(&payload) {
        Ok(expected) => expected,
        Err(outcome) => return outcome,
    };
    match compare_model(request, &expected, method) {
        Outcome::Verified { method, files, .. } => Outcome::Verified {
            method,
            files,
            anchor,
            identity,
        },
        other => other,
    }
}

/// A keyless bundle of a kind aitrust cannot fully check (its time is not from a signed entry timestamp):
/// still never "not verified" when what can be checked fails. The envelope must verify with the certificate's
/// key and the model must be what the statement lists; only then is it SIG005. So stripping a bundle down to
/// an unsupported form cannot turn a changed model (SIG002) or a forged envelope (SIG001) into a warning.
fn unverifiable_keyless(
    request: &Request<'_>,
    material: &Value,
    payload: &[u8],
    signature: &[u8],
    reason: String,
) -> Outcome {
    let spki = material["certificate"]["rawBytes"]
        .as_str()
        .and_then(|text| STANDARD.decode(text).ok())
        .and_then(|der| Certificate::from_der(&der).ok())
        .and_then(|cert| cert.tbs_certificate.subject_public_key_info.to_der().ok());
    let Some(spki) = spki else {
        return invalid("the keyless bundle's certificate is malformed");
    };
    let key = match ec_key_from_spki_der(&spki) {
        Ok(key) => key,
        Err(outcome) => return outcome,
    };
    if !signature_verifies(&key, payload, signature, false) {
        return invalid("the signature does not verify with the certificate's key");
    }
    let expected = match manifest_of(payload) {
        Ok(expected) => expected,
        Err(outcome) => return outcome,
    };
    match compare_model(request, &expected, "keyless") {
        Outcome::Verified { .. } => Outcome::CannotVerify(reason),
        other => other,
    }
}

/// The payload and signature bytes of the envelope.
fn envelope(envelope: &Value) -> Result<(Vec<u8>, Vec<u8>), Outcome> {
    if envelope["payloadType"] != IN_TOTO_PAYLOAD_TYPE {
        return Err(invalid(format!(
            "payload type {} is not {IN_TOTO_PAYLOAD_TYPE}",
            envelope["payloadType"]
        )));
    }
    // The reference verifies the first signature and ignores any others (model_signing 1.1.1,
    // `_signing/sign_ec_key.py` and `sign_certificate.py`, `Verifier._verify_bundle`); none is invalid.
    let signatures = envelope["signatures"].as_array().map_or(0, Vec::len);
    if signatures == 0 {
        return Err(invalid("the envelope has no signature"));
    }
    let decode = |value: &Value, what: &str| {
        value
            .as_str()
            .and_then(|text| STANDARD.decode(text).ok())
            .ok_or_else(|| invalid(format!("the envelope's {what} is not base64")))
    };
    // every signature must at least be well-formed, as the reference's bundle parser requires
    for signature in envelope["signatures"].as_array().into_iter().flatten().skip(1) {
        decode(&signature["sig"], "signature")?;
    }
    Ok((
        decode(&envelope["payload"], "payload")?,
        decode(&envelope["signatures"][0]["sig"], "signature")?,
    ))
}

/// A verifying key of a supported curve.
enum EcKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    /// p521 0.13's ECDSA verifying key does not decode SPKI itself; the public key does.
    P521(p521::PublicKey),
    /// Ed25519, as the Go port (sigstore/model-transparency-go) signs with it: `PKIX_ED25519_PH`, i.e.
    /// Ed25519ph (RFC 8032 §5.1, empty context) over SHA-512 of the PAE.
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// The key as `cryptography` writes it: SubjectPublicKeyInfo PEM, uncompressed point, LF line endings.
fn canonical_pem(key: &EcKey) -> Result<String, Outcome> {
    use p256::pkcs8::{EncodePublicKey as _, LineEnding};
    match key {
        EcKey::P256(key) => key.to_public_key_pem(LineEnding::LF),
        EcKey::P384(key) => key.to_public_key_pem(LineEnding::LF),
        EcKey::P521(key) => key.to_public_key_pem(LineEnding::LF),
        EcKey::Ed25519(key) => ed25519_dalek::pkcs8::EncodePublicKey::to_public_key_pem(
            key,
            ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF,
        )
        .map_err(|_| p256::pkcs8::spki::Error::KeyMalformed),
    }
    .map_err(|error| invalid(format!("the public key cannot be encoded: {error}")))
}

fn ec_key_from_spki_der(der: &[u8]) -> Result<EcKey, Outcome> {
    use p256::pkcs8::DecodePublicKey;
    use x509_cert::der::Decode;
    // a key that is not even a SubjectPublicKeyInfo is an invalid signature, not an unsupported one
    if x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(der).is_err() {
        return Err(invalid("the signing key is not a valid public key"));
    }
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
        return Ok(EcKey::P256(key));
    }
    if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
        return Ok(EcKey::P384(key));
    }
    if let Ok(key) = p521::PublicKey::from_public_key_der(der) {
        return Ok(EcKey::P521(key));
    }
    if let Ok(key) =
        <ed25519_dalek::VerifyingKey as ed25519_dalek::pkcs8::DecodePublicKey>::from_public_key_der(der)
    {
        return Ok(EcKey::Ed25519(key));
    }
    Err(Outcome::CannotVerify(
        "the signing key is not an ECDSA P-256, P-384 or P-521 key, nor Ed25519".into(),
    ))
}

/// The PEM block of a key file (files written by tools like certtool carry a text preamble).
fn pem_block(text: &str) -> Option<String> {
    let start = text.find("-----BEGIN PUBLIC KEY-----")?;
    let end = text[start..].find("-----END PUBLIC KEY-----")? + start + "-----END PUBLIC KEY-----".len();
    Some(format!("{}\n", &text[start..end]))
}

fn key_from_pem(request: &Request<'_>, material: &Value) -> Result<(EcKey, String), Outcome> {
    let Some(text) = request.public_key else {
        return Err(Outcome::CannotVerify(
            "the bundle is key-signed, and the manifest names no `public_key`".into(),
        ));
    };
    let Some(pem) = pem_block(text) else {
        return Err(invalid("the public key file holds no PEM public key"));
    };
    let der = x509_cert::der::pem::decode_vec(pem.as_bytes())
        .map_err(|error| invalid(format!("the public key is not valid PEM: {error}")))?
        .1;
    let key = ec_key_from_spki_der(&der)?;
    // The reference signer records as a hint the SHA-256 of the key re-encoded as PEM (SubjectPublicKeyInfo,
    // uncompressed point, LF lines), so the file's own line endings or point form do not change it; a
    // different hint is another key.
    if let Some(hint) = material["hint"].as_str() {
        let ours = hash::sha256_bytes(canonical_pem(&key)?.as_bytes()).to_string();
        if !hint.eq_ignore_ascii_case(&ours) {
            return Err(invalid(format!(
                "the bundle was signed by another key (hint {hint}, the given key is {ours})"
            )));
        }
    }
    // one key, one fingerprint, whatever form its file is in
    Ok((key, super::keys::fingerprint(&super::keys::canonical_spki(&der))))
}

fn certificates_from_pem(texts: &[String]) -> Result<Vec<Certificate>, Outcome> {
    let mut all = Vec::new();
    for text in texts {
        let certificates = Certificate::load_pem_chain(text.as_bytes()).map_err(|error| {
            invalid(format!(
                "a certificate_chain file is not PEM certificates: {error}"
            ))
        })?;
        all.extend(certificates);
    }
    Ok(all)
}

fn key_from_chain(request: &Request<'_>, material: &Value) -> Result<(EcKey, String), Outcome> {
    if request.certificate_chain.is_empty() {
        return Err(Outcome::CannotVerify(
            "the bundle is certificate-signed, and the manifest names no `certificate_chain` to trust".into(),
        ));
    }
    let mut bundled = Vec::new();
    for entry in material["certificates"].as_array().into_iter().flatten() {
        let der = entry["rawBytes"]
            .as_str()
            .and_then(|text| STANDARD.decode(text).ok())
            .ok_or_else(|| invalid("a bundled certificate is not base64"))?;
        Certificate::from_der(&der)
            .map_err(|e| invalid(format!("a bundled certificate is malformed: {e}")))?;
        bundled.push(der);
    }
    let Some(leaf_der) = bundled.first() else {
        return Err(invalid("the bundle's certificate chain is empty"));
    };
    let leaf = Certificate::from_der(leaf_der).map_err(|e| invalid(e.to_string()))?;
    let trusted = certificates_from_pem(request.certificate_chain)?
        .iter()
        .map(|c| c.to_der())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(e.to_string()))?;
    // like the reference, the chain is validated at the time the signing certificate was issued
    let time = leaf
        .tbs_certificate
        .validity
        .not_before
        .to_unix_duration()
        .as_secs();
    let root_der =
        super::x509::verify_chain(leaf_der, &bundled[1..], &trusted, time).map_err(Outcome::Invalid)?;
    super::x509::check_signing_usage(&leaf).map_err(Outcome::Invalid)?;
    let spki = leaf
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| invalid(e.to_string()))?;
    Ok((ec_key_from_spki_der(&spki)?, super::keys::fingerprint(&root_der)))
}

/// The pre-authentication encoding the v0.2 signer used by mistake: `DSSEV1 <len> <type> <len> b'<repr>'`.
fn compat_pae(payload: &[u8]) -> Vec<u8> {
    let repr = python_bytes_repr(payload);
    format!(
        "DSSEV1 {} {} {} {}",
        IN_TOTO_PAYLOAD_TYPE.len(),
        IN_TOTO_PAYLOAD_TYPE,
        payload.len(),
        repr
    )
    .into_bytes()
}

/// Python's `repr(bytes)`.
fn python_bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push(quote);
    out
}

/// ECDSA over the standard PAE with the hash the key's curve decides (P-256: SHA-256, P-384: SHA-384). Only a
/// bundle whose predicate is the v0.1 one (the v0.2 signer's) may use that signer's mistaken compat PAE, which
/// it hashed with SHA-256; no other mix of PAE and hash is accepted.
fn signature_verifies(key: &EcKey, payload: &[u8], signature: &[u8], legacy: bool) -> bool {
    let standard = pae(IN_TOTO_PAYLOAD_TYPE, payload);
    let by_curve = match key {
        EcKey::P256(_) => Sha256::digest(&standard).to_vec(),
        EcKey::P384(_) => Sha384::digest(&standard).to_vec(),
        EcKey::P521(_) => sha2::Sha512::digest(&standard).to_vec(),
        // Ed25519ph only (never pure Ed25519, never the compat PAE): what the Go port signs
        EcKey::Ed25519(key) => {
            let mut prehash = ed25519_dalek::Sha512::default();
            ed25519_dalek::Digest::update(&mut prehash, &standard);
            return ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_prehashed_strict(prehash, None, &sig).is_ok());
        }
    };
    prehash_verifies(key, &by_curve, signature)
        || legacy && prehash_verifies(key, &Sha256::digest(compat_pae(payload)), signature)
}

/// A DER ECDSA signature over a prehashed message.
fn prehash_verifies(key: &EcKey, digest: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    match key {
        EcKey::P256(key) => p256::ecdsa::DerSignature::from_bytes(signature)
            .is_ok_and(|sig| key.verify_prehash(digest, &sig).is_ok()),
        EcKey::P384(key) => p384::ecdsa::DerSignature::from_bytes(signature)
            .is_ok_and(|sig| key.verify_prehash(digest, &sig).is_ok()),
        EcKey::P521(key) => p521::ecdsa::VerifyingKey::from_affine(*key.as_affine()).is_ok_and(|key| {
            p521::ecdsa::Signature::from_der(signature)
                .is_ok_and(|sig| key.verify_prehash(digest, &sig).is_ok())
        }),
        // Ed25519 is never prehashed by the caller (see `signature_verifies`)
        EcKey::Ed25519(_) => false,
    }
}

/// Does the (not yet verified) payload claim the v0.1 predicate of the v0.2 signer?
fn is_legacy_payload(payload: &[u8]) -> bool {
    serde_json::from_slice::<Value>(payload)
        .is_ok_and(|statement| statement["predicateType"] == PREDICATE_V01)
}

/// What the statement says was signed.
struct Signed {
    /// name -> hex digest ("." for a single-file model).
    files: BTreeMap<String, String>,
    /// Ignore paths recorded in the bundle; `None` when it records none (signers before 1.1, which always
    /// ignored the git paths).
    ignore_paths: Option<Vec<String>>,
    /// Whether the signer followed symbolic links (`serialization.allow_symlinks`).
    allow_symlinks: bool,
    /// A v0.1-predicate (v0.2 signer) bundle, whose subjects are named by file.
    legacy: bool,
    /// The hash of every resource (`serialization.hash_type`).
    hash: HashType,
    /// `serialization.method = "shards"`: resources are `path:start:end` pieces of this size.
    shard_size: Option<u64>,
}

impl Signed {
    /// The files the bundle signs: resource names, without the `:start:end` of shards.
    fn paths(&self) -> std::collections::BTreeSet<&str> {
        self.files
            .keys()
            .map(|name| match self.shard_size {
                Some(_) => name.rsplitn(3, ':').nth(2).unwrap_or(name),
                None => name.as_str(),
            })
            .collect()
    }
}

/// The hashes OMS defines (spec §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HashType {
    Sha256,
    Blake2b,
    Blake3,
}

impl HashType {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "sha256" => Some(Self::Sha256),
            "blake2b" => Some(Self::Blake2b),
            "blake3" => Some(Self::Blake3),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Blake2b => "blake2b",
            Self::Blake3 => "blake3",
        }
    }

    /// Digest length in bytes.
    fn length(self) -> usize {
        match self {
            Self::Blake2b => 64,
            Self::Sha256 | Self::Blake3 => 32,
        }
    }
}

/// A running hash of one of the [`HashType`]s.
enum Running {
    Sha256(Sha256),
    Blake2b(blake2::Blake2b512),
    Blake3(Box<blake3::Hasher>),
}

impl Running {
    fn new(hash: HashType) -> Self {
        match hash {
            HashType::Sha256 => Self::Sha256(Sha256::new()),
            HashType::Blake2b => Self::Blake2b(blake2::Blake2b512::new()),
            HashType::Blake3 => Self::Blake3(Box::new(blake3::Hasher::new())),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha256(hasher) => hasher.update(bytes),
            Self::Blake2b(hasher) => blake2::Digest::update(hasher, bytes),
            Self::Blake3(hasher) => {
                hasher.update(bytes);
            }
        }
    }

    fn hex(self) -> String {
        let bytes: Vec<u8> = match self {
            Self::Sha256(hasher) => hasher.finalize().to_vec(),
            Self::Blake2b(hasher) => blake2::Digest::finalize(hasher).to_vec(),
            Self::Blake3(hasher) => hasher.finalize().as_bytes().to_vec(),
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The digests of a file's pieces, read once through one checked handle: the whole file, or with
/// `shard_size` its shards `[0, s), [s, 2s), ..., [ks, len)` (none for an empty file), as the reference's
/// `file_shard.Serializer` cuts them. Returns (start, end, hex digest) per piece.
fn piece_digests(
    path: &Path,
    hash: HashType,
    shard_size: Option<u64>,
) -> std::io::Result<Vec<(u64, u64, String)>> {
    use std::io::Read as _;
    let (mut file, length) = crate::fsutil::open_checked(path, u64::MAX, true)?;
    let bounds: Vec<(u64, u64)> = match shard_size {
        None => vec![(0, length)],
        Some(size) => {
            let mut bounds = Vec::new();
            let mut start = 0;
            while start < length {
                let end = start.saturating_add(size).min(length);
                bounds.push((start, end));
                start = end;
            }
            bounds
        }
    };
    let mut buffer = vec![0u8; 1 << 20];
    let mut pieces = Vec::with_capacity(bounds.len());
    for (start, end) in bounds {
        let mut running = Running::new(hash);
        let mut left = end - start;
        while left > 0 {
            let want = usize::try_from(left.min(buffer.len() as u64)).unwrap_or(buffer.len());
            let read = file.read(&mut buffer[..want])?;
            if read == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file shrank while it was read",
                ));
            }
            running.update(&buffer[..read]);
            left -= read as u64;
        }
        pieces.push((start, end, running.hex()));
    }
    Ok(pieces)
}

/// Compares the model's files (name, path) with a bundle signed with another hash than SHA-256 or by shards.
fn compare_pieces(
    present: &[(String, PathBuf)],
    signed: &Signed,
    ignore_unsigned_files: bool,
    method: &'static str,
) -> Outcome {
    use rayon::prelude::*;
    let digests: Vec<_> = present
        .par_iter()
        .map(|(_, path)| piece_digests(path, signed.hash, signed.shard_size))
        .collect();
    // the files the bundle signs: shard names are `path:start:end`
    let signed_paths = signed.paths();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for ((name, _), digest) in present.iter().zip(digests) {
        if ignore_unsigned_files && !signed_paths.contains(name.as_str()) {
            continue;
        }
        let pieces = match digest {
            Ok(pieces) => pieces,
            Err(error) => {
                problems.push(format!("{name} cannot be read: {error}"));
                continue;
            }
        };
        for (start, end, actual) in pieces {
            let key = match signed.shard_size {
                Some(_) => format!("{name}:{start}:{end}"),
                None => name.clone(),
            };
            match signed.files.get(&key) {
                None if signed_paths.contains(name.as_str()) => {
                    problems.push(format!("{key} changed since it was signed"))
                }
                None => problems.push(format!("extra file {name}")),
                Some(expected) if *expected != actual => {
                    problems.push(format!("{key} changed since it was signed"))
                }
                Some(_) => {}
            }
            seen.insert(key);
        }
    }
    for name in signed.files.keys().filter(|name| !seen.contains(*name)) {
        problems.push(format!("missing {name}"));
    }
    problems.dedup();
    verdict(problems, method, present.len())
}

/// The model's verdict from the differences found: none is verified (the anchor is filled in by the caller).
fn verdict(problems: Vec<String>, method: &'static str, files: usize) -> Outcome {
    if problems.is_empty() {
        Outcome::Verified {
            method,
            files,
            anchor: String::new(),
            identity: None,
        }
    } else {
        Outcome::Mismatch(problems.join("; "))
    }
}

fn manifest_of(payload: &[u8]) -> Result<Signed, Outcome> {
    let statement: Value =
        serde_json::from_slice(payload).map_err(|e| invalid(format!("the payload is not JSON: {e}")))?;
    if statement["_type"] != STATEMENT_TYPE {
        return Err(invalid(format!("the statement type is {}", statement["_type"])));
    }
    let predicate_type = statement["predicateType"].as_str().unwrap_or_default();
    if predicate_type == PREDICATE_V01 {
        let mut files = BTreeMap::new();
        for subject in statement["subject"].as_array().into_iter().flatten() {
            let (Some(name), Some(digest)) = (subject["name"].as_str(), subject["digest"]["sha256"].as_str())
            else {
                return Err(invalid("a subject has no name or sha256"));
            };
            files.insert(name.to_string(), digest.to_ascii_lowercase());
        }
        return Ok(Signed {
            files,
            ignore_paths: None,
            allow_symlinks: false,
            legacy: true,
            hash: HashType::Sha256,
            shard_size: None,
        });
    }
    if predicate_type != PREDICATE_V1 {
        return Err(invalid(format!("unknown predicate type {predicate_type:?}")));
    }
    let subjects = statement["subject"].as_array().map_or(0, Vec::len);
    if subjects != 1 {
        return Err(invalid(format!(
            "the statement has {subjects} subjects; exactly one is required"
        )));
    }
    let predicate = &statement["predicate"];
    let serialization = &predicate["serialization"];
    let Some(hash) = serialization["hash_type"].as_str().and_then(HashType::parse) else {
        return Err(Outcome::CannotVerify(format!(
            "the model was hashed with {}; aitrust verifies sha256, blake2b and blake3 (OMS spec §7)",
            serialization["hash_type"]
        )));
    };
    let shard_size = match serialization["method"].as_str() {
        Some("files") => None,
        Some("shards") => {
            // the reference writes it through a protobuf Struct, so 1024 may come as 1024.0
            let size = &serialization["shard_size"];
            let size = size
                .as_u64()
                .or_else(|| {
                    size.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f < 9.0e15)
                        .map(|f| f as u64)
                })
                .filter(|size| *size > 0)
                .ok_or_else(|| {
                    invalid(format!(
                        "serialization.shard_size {size} is not a positive integer"
                    ))
                })?;
            Some(size)
        }
        _ => {
            return Err(Outcome::CannotVerify(format!(
                "the model was serialized with method {}; aitrust verifies files and shards (OMS spec §6.3)",
                serialization["method"]
            )));
        }
    };
    // each resource names its algorithm: the hash for files, `<hash>-sharded-<size>` for shards
    let algorithm = match shard_size {
        None => hash.name().to_string(),
        Some(size) => format!("{}-sharded-{size}", hash.name()),
    };
    let mut root = Sha256::new();
    let mut files = BTreeMap::new();
    for resource in predicate["resources"].as_array().into_iter().flatten() {
        let (Some(name), Some(digest)) = (resource["name"].as_str(), resource["digest"].as_str()) else {
            return Err(invalid("a resource has no name or digest"));
        };
        if resource["algorithm"].as_str() != Some(algorithm.as_str()) {
            return Err(invalid(format!(
                "resource {name} is hashed with {}, the serialization says {algorithm}",
                resource["algorithm"]
            )));
        }
        let raw = hex_bytes(digest)
            .filter(|raw| raw.len() == hash.length())
            .ok_or_else(|| invalid(format!("resource {name} has a malformed {} digest", hash.name())))?;
        root.update(&raw);
        if files
            .insert(name.to_string(), digest.to_ascii_lowercase())
            .is_some()
        {
            return Err(invalid(format!("resource {name} is listed twice")));
        }
    }
    let root = crate::digest::Sha256Digest(root.finalize().into()).to_string();
    let declared = statement["subject"][0]["digest"]["sha256"]
        .as_str()
        .unwrap_or_default();
    if !declared.eq_ignore_ascii_case(&root) {
        return Err(invalid(format!(
            "the subject digest {declared} is not the digest of the resources ({root})"
        )));
    }
    let ignore_paths = match &serialization["ignore_paths"] {
        Value::Null => None,
        Value::Array(paths) => Some(
            paths
                .iter()
                .map(|p| p.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| invalid("serialization.ignore_paths holds something other than paths"))?,
        ),
        _ => return Err(invalid("serialization.ignore_paths is not a list")),
    };
    let allow_symlinks = match &serialization["allow_symlinks"] {
        Value::Null => false,
        Value::Bool(allow) => *allow,
        _ => return Err(invalid("serialization.allow_symlinks is not true or false")),
    };
    Ok(Signed {
        files,
        ignore_paths,
        allow_symlinks,
        legacy: false,
        hash,
        shard_size,
    })
}

/// Bytes from hex digits (either case).
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

/// The name the signer gives a path inside the model: its components, exactly as stored, joined by `/`. A
/// `\` is part of a name, never a separator; a name that is not UTF-8 cannot be in a bundle.
fn signed_name(relative: &Path) -> Result<String, String> {
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part.to_str().ok_or_else(|| {
                format!(
                    "{} has a name that is not UTF-8; no bundle can sign it",
                    relative.display()
                )
            })?),
            _ => return Err(format!("{} is not a path inside the model", relative.display())),
        }
    }
    Ok(parts.join("/"))
}

/// Is `relative` (a `/` path inside the model) ignored by any of `ignores`?
fn is_ignored(relative: &str, ignores: &[String]) -> bool {
    ignores.iter().any(|ignore| {
        let ignore = ignore.trim_matches('/');
        !ignore.is_empty() && (relative == ignore || relative.starts_with(&format!("{ignore}/")))
    })
}

/// Re-hashes the model and compares it with what was signed.
fn compare_model(request: &Request<'_>, signed: &Signed, method: &'static str) -> Outcome {
    let metadata = match std::fs::symlink_metadata(request.model) {
        Ok(metadata) => metadata,
        Err(error) => {
            return Outcome::Mismatch(format!(
                "the model {} cannot be read: {error}",
                request.model.display()
            ));
        }
    };
    let generic = signed.hash != HashType::Sha256 || signed.shard_size.is_some();
    if metadata.is_file() && generic {
        return compare_pieces(
            &[(".".to_string(), request.model.to_path_buf())],
            signed,
            request.ignore_unsigned_files,
            method,
        );
    }
    if metadata.is_file() {
        let digest = match hash::hash_file(request.model, &Progress::hidden()) {
            Ok(digest) => digest.sha256.to_string(),
            Err(error) => return Outcome::Mismatch(format!("{}: {error}", request.model.display())),
        };
        let base = request
            .model
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // the reference signer names a single-file model "."; only the v0.2 signer named it by file
        let signed_digest = if signed.legacy {
            signed.files.get(&base)
        } else {
            signed.files.get(".")
        };
        return match (signed.files.len(), signed_digest) {
            (1, Some(expected)) if *expected == digest => Outcome::Verified {
                method,
                files: 1,
                anchor: String::new(),
                identity: None,
            },
            (1, Some(_)) => Outcome::Mismatch(format!("{base} changed since it was signed")),
            _ => Outcome::Mismatch(format!(
                "the bundle signs {} files, the model is the single file {base}",
                signed.files.len()
            )),
        };
    }
    if !metadata.is_dir() {
        return Outcome::Mismatch(format!(
            "the model {} is neither a regular file nor a directory",
            request.model.display()
        ));
    }
    // What the signer ignored: what the bundle records, the manifest's own `ignore_paths`, and the bundle
    // itself. A bundle that records nothing was made by a signer before 1.1 (which ignored the git paths) or
    // with `--no-ignore-git-paths` (which signs them): there a git path is ignored only if it is not signed.
    let mut ignores: Vec<String> = signed.ignore_paths.clone().unwrap_or_default();
    let git_paths: Vec<String> = match &signed.ignore_paths {
        None if request.ignore_git_paths => GIT_PATHS.iter().map(|p| p.to_string()).collect(),
        _ => Vec::new(),
    };
    // with `ignore_unsigned_files`, as in the reference (which then hashes only the listed files), an entry
    // the bundle does not sign is not looked at at all; every signed one still is
    let signed_paths = signed.paths();
    ignores.extend(request.ignore_paths.iter().cloned());
    if let Ok(relative) = request.bundle_path.strip_prefix(request.model) {
        match signed_name(relative) {
            Ok(name) => ignores.push(name),
            Err(problem) => return Outcome::Mismatch(problem),
        }
    }
    let root = match std::fs::canonicalize(request.model) {
        Ok(root) => root,
        Err(error) => return Outcome::Mismatch(format!("{}: {error}", request.model.display())),
    };
    let mut present: Vec<(String, PathBuf)> = Vec::new();
    let walker = walkdir::WalkDir::new(request.model)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        // a directory that cannot be read may hide a file: the model cannot be verified
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => return Outcome::Mismatch(format!("the model cannot be walked: {error}")),
        };
        if entry.depth() == 0 {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(request.model) else {
            continue;
        };
        let relative = match signed_name(relative) {
            Ok(name) => name,
            Err(problem) => return Outcome::Mismatch(problem),
        };
        let kind = entry.file_type();
        if request.ignore_unsigned_files && !kind.is_dir() && !signed_paths.contains(relative.as_str()) {
            continue;
        }
        // every entry, ignored or not, must be what the signer could have seen: directories, regular files,
        // and links only when the bundle says links were followed (then to a file inside the model)
        let path = if kind.is_dir() {
            continue;
        } else if kind.is_file() {
            entry.into_path()
        } else if kind.is_symlink() {
            if !signed.allow_symlinks {
                return Outcome::Mismatch(format!(
                    "{relative} is a symbolic link; the signature was made without allowing them"
                ));
            }
            match std::fs::canonicalize(entry.path()) {
                Ok(target) if target.starts_with(&root) && target.is_file() => target,
                Ok(target) if target.starts_with(&root) && target.is_dir() => continue,
                _ => {
                    return Outcome::Mismatch(format!(
                        "{relative} is a symbolic link that does not resolve to a file inside the model"
                    ));
                }
            }
        } else {
            return Outcome::Mismatch(format!(
                "{relative} is not a regular file (a FIFO, socket or device); it cannot have been signed"
            ));
        };
        if is_ignored(&relative, &ignores)
            || (is_ignored(&relative, &git_paths) && !signed.files.contains_key(&relative))
        {
            continue;
        }
        present.push((relative, path));
    }
    if generic {
        return compare_pieces(&present, signed, request.ignore_unsigned_files, method);
    }
    let paths: Vec<PathBuf> = present.iter().map(|(_, path)| path.clone()).collect();
    let digests = hash::hash_files(&paths, &Progress::hidden());
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for ((relative, _), digest) in present.iter().zip(digests) {
        seen.insert(relative.as_str());
        match (signed.files.get(relative), digest) {
            (None, _) if request.ignore_unsigned_files => {}
            (None, _) => problems.push(format!("extra file {relative}")),
            (Some(_), Err(error)) => problems.push(format!("{relative} cannot be read: {error}")),
            (Some(expected), Ok(actual)) if *expected != actual.sha256.to_string() => {
                problems.push(format!("{relative} changed since it was signed"))
            }
            _ => {}
        }
    }
    for name in signed.files.keys().filter(|name| !seen.contains(&name.as_str())) {
        problems.push(format!("missing file {name}"));
    }
    verdict(problems, method, present.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_decides_the_hash_and_only_legacy_bundles_use_the_compat_pae() {
        use p384::ecdsa::signature::hazmat::PrehashSigner;
        let signing = p384::ecdsa::SigningKey::from_slice(&[9u8; 48]).unwrap();
        let key = EcKey::P384(*signing.verifying_key());
        let payload = br#"{"predicateType":"x"}"#;
        let sign = |digest: &[u8]| -> Vec<u8> {
            let signature: p384::ecdsa::Signature = signing.sign_prehash(digest).unwrap();
            signature.to_der().as_bytes().to_vec()
        };
        let standard = pae(IN_TOTO_PAYLOAD_TYPE, payload);
        let compat = compat_pae(payload);
        assert!(signature_verifies(
            &key,
            payload,
            &sign(&Sha384::digest(&standard)),
            false
        ));
        // SHA-256 over the standard PAE with a P-384 key: not the spec
        assert!(!signature_verifies(
            &key,
            payload,
            &sign(&Sha256::digest(&standard)),
            false
        ));
        assert!(!signature_verifies(
            &key,
            payload,
            &sign(&Sha256::digest(&standard)),
            true
        ));
        // the compat PAE: only for legacy (v0.1 predicate) bundles, and only with SHA-256
        assert!(!signature_verifies(
            &key,
            payload,
            &sign(&Sha256::digest(&compat)),
            false
        ));
        assert!(signature_verifies(
            &key,
            payload,
            &sign(&Sha256::digest(&compat)),
            true
        ));
        assert!(!signature_verifies(
            &key,
            payload,
            &sign(&Sha384::digest(&compat)),
            true
        ));
    }

    #[test]
    fn ed25519ph_is_rfc_8032() {
        // RFC 8032 §7.3, the Ed25519ph test vector: message "abc", empty context
        let hex = |text: &str| hex_bytes(text).unwrap();
        let public: [u8; 32] = hex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")
            .try_into()
            .unwrap();
        let key = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
        let signature = ed25519_dalek::Signature::from_slice(&hex(
            "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406",
        ))
        .unwrap();
        let mut prehash = ed25519_dalek::Sha512::default();
        ed25519_dalek::Digest::update(&mut prehash, b"abc");
        assert!(key.verify_prehashed_strict(prehash, None, &signature).is_ok());
        let mut other = ed25519_dalek::Sha512::default();
        ed25519_dalek::Digest::update(&mut other, b"abd");
        assert!(key.verify_prehashed_strict(other, None, &signature).is_err());
        // and pure Ed25519 over the message is not the same signature
        use ed25519_dalek::Verifier as _;
        assert!(key.verify(b"abc", &signature).is_err());
    }

    #[test]
    fn python_repr_of_bytes() {
        assert_eq!(python_bytes_repr(b"{\"a\": 1}\n"), "b'{\"a\": 1}\\n'");
        assert_eq!(python_bytes_repr(b"it's"), "b\"it's\"");
        assert_eq!(python_bytes_repr(b"\x00\xff\\"), "b'\\x00\\xff\\\\'");
        assert_eq!(python_bytes_repr(b"'\""), "b'\\'\"'");
    }

    #[test]
    fn ignore_paths_match_whole_components() {
        let ignores = vec!["ignore-me".to_string(), ".git".to_string()];
        assert!(is_ignored("ignore-me", &ignores));
        assert!(is_ignored(".git/HEAD", &ignores));
        assert!(!is_ignored("ignore-me-not", &ignores));
        assert!(!is_ignored("sub/ignore-me", &ignores));
    }
}
