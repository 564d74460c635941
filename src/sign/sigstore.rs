//! Sigstore keyless verification, offline: the verification material of a Sigstore bundle (v0.3) checked
//! against a trust root (`trusted_root.json`), as sigstore-python and sigstore-go verify it:
//! 1. exactly one transparency-log entry, from a log the trust root knows and was valid for at the entry's
//!    integrated time;
//! 2. its signed entry timestamp (the SET: the log's signature over the canonical JSON of body, integrated
//!    time, log id and index) — this makes the integrated time trustworthy;
//! 3. its inclusion proof (RFC 9162 audit path from the entry's leaf hash to the root) and the signed
//!    checkpoint that commits to that root;
//! 4. the entry's body: a `dsse` v0.0.1 entry for this envelope's payload and signature, by this certificate;
//! 5. the Fulcio certificate: a path to a certificate authority of the trust root, valid at the integrated
//!    time, for code signing, with an embedded SCT from a known CT log over its precertificate;
//! 6. the signer's identity (SAN, OIDC issuer), which the caller matches against its policy.
//!
//! The DSSE signature by the certificate's key is checked by the caller ([`super::model_signing`]).

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

/// The Sigstore public-good trust root, as sigstore-python 4.5.1 ships it for offline use (Apache-2.0;
/// from sigstore/root-signing). Replace it with `--trust-root FILE` or `policy.signatures.trust_root`.
const PUBLIC_GOOD: &str = include_str!("sigstore_public_good_trusted_root.json");

const TRUST_ROOT_MEDIA_TYPES: &[&str] = &[
    "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    "application/vnd.dev.sigstore.trustedroot.v0.2+json",
];
/// Fulcio's OIDC issuer extensions: v2 (a DER UTF8String) and the deprecated v1 (raw bytes).
const ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
const ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
/// The embedded SCT list (RFC 6962 §3.3).
const SCT_LIST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");

/// A transparency or CT log's key and when it was valid.
#[derive(Clone, Debug)]
struct LogKey {
    /// The log id (for Rekor v1 and CT logs, the SHA-256 of the key's DER SubjectPublicKeyInfo).
    id: [u8; 32],
    /// The key (DER SubjectPublicKeyInfo).
    spki: Vec<u8>,
    start: u64,
    end: Option<u64>,
}

impl LogKey {
    fn valid_at(&self, time: u64) -> bool {
        self.start <= time && self.end.is_none_or(|end| time <= end)
    }
}

/// A Fulcio certificate authority: its chain (issuing certificate first, root last) and validity window.
#[derive(Clone, Debug)]
struct Authority {
    chain: Vec<Vec<u8>>,
    start: u64,
    end: Option<u64>,
}

/// A Sigstore trust root: transparency logs, certificate authorities and CT logs.
#[derive(Clone, Debug)]
pub struct TrustRoot {
    tlogs: Vec<LogKey>,
    ctlogs: Vec<LogKey>,
    authorities: Vec<Authority>,
}

fn seconds(value: &Value, what: &str) -> Result<Option<u64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map_err(|e| format!("{what}: {text:?} is not an RFC 3339 time: {e}"))
                .and_then(|t| u64::try_from(t.unix_timestamp()).map_err(|_| format!("{what} is before 1970")))
                .map(Some)
        }
        _ => Err(format!("{what} is not a time")),
    }
}

fn base64_field(value: &Value, what: &str) -> Result<Vec<u8>, String> {
    value
        .as_str()
        .and_then(|text| STANDARD.decode(text).ok())
        .ok_or_else(|| format!("{what} is not base64"))
}

fn log_keys(list: &Value, what: &str) -> Result<Vec<LogKey>, String> {
    let mut keys = Vec::new();
    for log in list.as_array().into_iter().flatten() {
        let spki = base64_field(&log["publicKey"]["rawBytes"], &format!("a {what} key"))?;
        // the id entries name their log by: the SHA-256 of the key for Rekor v1 and CT logs, a C2SP
        // signed-note key id for Rekor v2 logs
        let id: [u8; 32] = base64_field(&log["logId"]["keyId"], &format!("a {what} log id"))?
            .try_into()
            .map_err(|_| format!("a {what} log id is not 32 bytes"))?;
        let window = &log["publicKey"]["validFor"];
        keys.push(LogKey {
            id,
            spki,
            start: seconds(&window["start"], "validFor.start")?.unwrap_or(0),
            end: seconds(&window["end"], "validFor.end")?,
        });
    }
    Ok(keys)
}

impl TrustRoot {
    /// Parses a `trusted_root.json`.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let root: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
        let media_type = root["mediaType"].as_str().unwrap_or_default();
        if !TRUST_ROOT_MEDIA_TYPES.contains(&media_type) {
            return Err(format!("unsupported trust root media type {media_type:?}"));
        }
        let mut authorities = Vec::new();
        for ca in root["certificateAuthorities"].as_array().into_iter().flatten() {
            let mut chain = Vec::new();
            for cert in ca["certChain"]["certificates"].as_array().into_iter().flatten() {
                let der = base64_field(&cert["rawBytes"], "a certificate authority's certificate")?;
                Certificate::from_der(&der)
                    .map_err(|e| format!("a certificate authority's certificate: {e}"))?;
                chain.push(der);
            }
            if chain.is_empty() {
                return Err("a certificate authority has no certificates".into());
            }
            authorities.push(Authority {
                chain,
                start: seconds(&ca["validFor"]["start"], "validFor.start")?.unwrap_or(0),
                end: seconds(&ca["validFor"]["end"], "validFor.end")?,
            });
        }
        Ok(Self {
            tlogs: log_keys(&root["tlogs"], "transparency log")?,
            ctlogs: log_keys(&root["ctlogs"], "CT log")?,
            authorities,
        })
    }

    /// The embedded public-good trust root.
    pub fn public_good() -> &'static TrustRoot {
        static ROOT: OnceLock<TrustRoot> = OnceLock::new();
        ROOT.get_or_init(|| {
            // the embedded file is tested to parse (`tests::the_public_good_root_parses`)
            TrustRoot::parse(PUBLIC_GOOD.as_bytes()).unwrap_or(TrustRoot {
                tlogs: Vec::new(),
                ctlogs: Vec::new(),
                authorities: Vec::new(),
            })
        })
    }
}

/// Who signed, as Fulcio certified it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The certificate's subject alternative name (an email address or URI).
    pub san: String,
    /// The OIDC issuer that authenticated the signer.
    pub issuer: String,
}

/// What keyless verification establishes.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The leaf certificate's key (DER SubjectPublicKeyInfo): the DSSE signature must verify with it.
    pub spki: Vec<u8>,
    /// The signer.
    pub identity: Identity,
    /// When the log integrated the entry (seconds since the epoch).
    pub time: u64,
}

/// Why a keyless bundle is not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The material is malformed, forged or does not verify.
    Invalid(String),
    /// Well-formed and of a kind aitrust knowingly does not check.
    Unsupported(String),
}

fn refuse(message: impl Into<String>) -> Refusal {
    Refusal::Invalid(message.into())
}

/// A signature by a log or CT key: ECDSA (P-256 with SHA-256, P-384 with SHA-384) or Ed25519.
fn verify_by_spki(spki: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::signature::Verifier as _;
    use p256::pkcs8::DecodePublicKey as _;
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(spki) {
        return p256::ecdsa::DerSignature::from_bytes(signature)
            .is_ok_and(|sig| key.verify(message, &sig).is_ok());
    }
    if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(spki) {
        return p384::ecdsa::DerSignature::from_bytes(signature)
            .is_ok_and(|sig| key.verify(message, &sig).is_ok());
    }
    if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_der(spki) {
        return ed25519_dalek::Signature::from_slice(signature)
            .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok());
    }
    false
}

fn integer(value: &Value, what: &str) -> Result<u64, Refusal> {
    match value {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
    .ok_or_else(|| refuse(format!("{what} is not a number")))
}

/// RFC 9162 §2.1.3.2: the root an audit path leads to from `leaf` at `index` in a tree of `size`.
fn root_from_inclusion_proof(index: u64, size: u64, leaf: [u8; 32], path: &[[u8; 32]]) -> Option<[u8; 32]> {
    if index >= size {
        return None;
    }
    let node = |left: &[u8; 32], right: &[u8; 32]| -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update([1u8]);
        hasher.update(left);
        hasher.update(right);
        hasher.finalize().into()
    };
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = leaf;
    for p in path {
        if sn == 0 {
            return None;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    (sn == 0).then_some(r)
}

/// A checkpoint (a signed note, C2SP signed-note): its text must be signed by `log`, and commit to `size`
/// and `root`.
fn verify_checkpoint(envelope: &str, log: &LogKey, size: u64, root: &[u8; 32]) -> Result<(), Refusal> {
    let Some(split) = envelope.find("\n\n") else {
        return Err(refuse("the checkpoint has no signature"));
    };
    let (note, signatures) = (&envelope[..split + 1], &envelope[split + 2..]);
    let mut lines = note.lines();
    let (_origin, note_size, note_root) = (lines.next(), lines.next(), lines.next());
    if note_size.and_then(|s| s.parse::<u64>().ok()) != Some(size)
        || note_root.and_then(|r| STANDARD.decode(r).ok()).as_deref() != Some(root.as_slice())
    {
        return Err(refuse(
            "the checkpoint does not commit to the inclusion proof's tree",
        ));
    }
    let signed = signatures.lines().any(|line| {
        // "— <name> <base64(key hint (4 bytes) || signature)>"
        let Some(rest) = line.strip_prefix("\u{2014} ") else {
            return false;
        };
        let Some(encoded) = rest.rsplit(' ').next() else {
            return false;
        };
        STANDARD.decode(encoded).is_ok_and(|bytes| {
            bytes.len() > 4
                && bytes[..4] == log.id[..4]
                && verify_by_spki(&log.spki, note.as_bytes(), &bytes[4..])
        })
    });
    if signed {
        Ok(())
    } else {
        Err(refuse("the checkpoint is not signed by the transparency log"))
    }
}

/// The one transparency-log entry: verified, bound to this envelope and certificate. Returns its integrated
/// time.
fn verify_entry(
    entry: &Value,
    root: &TrustRoot,
    payload: &[u8],
    signature: &[u8],
    leaf: &[u8],
) -> Result<u64, Refusal> {
    let log_id = base64_field(&entry["logId"]["keyId"], "the entry's log id").map_err(Refusal::Invalid)?;
    let time = integer(&entry["integratedTime"], "the entry's integrated time")?;
    let Some(log) = root.tlogs.iter().find(|log| log.id[..] == log_id[..]) else {
        return Err(refuse(
            "the entry is from a transparency log the trust root does not know",
        ));
    };
    if !log.valid_at(time) {
        return Err(refuse(
            "the transparency log's key was not valid at the entry's integrated time",
        ));
    }
    let body = base64_field(&entry["canonicalizedBody"], "the entry's body").map_err(Refusal::Invalid)?;
    let log_index = integer(&entry["logIndex"], "the entry's log index")?;
    // 2. the signed entry timestamp: without it the integrated time is not trustworthy
    let promise = &entry["inclusionPromise"]["signedEntryTimestamp"];
    if promise.is_null() {
        return Err(
            if entry.get("inclusionPromise").is_none()
                && !entry.get("inclusionProof").is_none_or(Value::is_null)
            {
                Refusal::Unsupported(
                    "the entry has no signed entry timestamp; its time would come from an RFC 3161 timestamp, which aitrust does not verify".into(),
                )
            } else {
                refuse("the entry's inclusion promise has no signed entry timestamp")
            },
        );
    }
    let set = base64_field(promise, "the signed entry timestamp").map_err(Refusal::Invalid)?;
    // RFC 8785 canonical JSON of four members, in key order
    let signed = format!(
        "{{\"body\":\"{}\",\"integratedTime\":{time},\"logID\":\"{}\",\"logIndex\":{log_index}}}",
        STANDARD.encode(&body),
        crate::digest::Sha256Digest(log.id)
    );
    if !verify_by_spki(&log.spki, signed.as_bytes(), &set) {
        return Err(refuse(
            "the signed entry timestamp does not verify with the transparency log's key",
        ));
    }
    // 3. inclusion in the log
    let proof = &entry["inclusionProof"];
    if proof.is_null() {
        return Err(refuse("the entry has no inclusion proof"));
    }
    let index = integer(&proof["logIndex"], "the inclusion proof's index")?;
    let size = integer(&proof["treeSize"], "the inclusion proof's tree size")?;
    let root_hash: [u8; 32] = base64_field(&proof["rootHash"], "the inclusion proof's root")
        .map_err(Refusal::Invalid)?
        .try_into()
        .map_err(|_| refuse("the inclusion proof's root is not a SHA-256 hash"))?;
    let mut path = Vec::new();
    for hash in proof["hashes"].as_array().into_iter().flatten() {
        path.push(
            <[u8; 32]>::try_from(base64_field(hash, "an inclusion proof hash").map_err(Refusal::Invalid)?)
                .map_err(|_| refuse("an inclusion proof hash is not a SHA-256 hash"))?,
        );
    }
    let mut leaf_hash = Sha256::new();
    leaf_hash.update([0u8]);
    leaf_hash.update(&body);
    if root_from_inclusion_proof(index, size, leaf_hash.finalize().into(), &path) != Some(root_hash) {
        return Err(refuse("the inclusion proof does not lead to its root"));
    }
    let checkpoint = proof["checkpoint"]["envelope"]
        .as_str()
        .ok_or_else(|| refuse("the inclusion proof has no checkpoint"))?;
    verify_checkpoint(checkpoint, log, size, &root_hash)?;
    // 4. the body is this envelope, signed by this certificate
    let body: Value = serde_json::from_slice(&body).map_err(|_| refuse("the entry's body is not JSON"))?;
    let kind = (
        entry["kindVersion"]["kind"].as_str(),
        entry["kindVersion"]["version"].as_str(),
    );
    if (body["kind"].as_str(), body["apiVersion"].as_str()) != kind {
        return Err(refuse("the entry's kind is not its body's"));
    }
    if kind != (Some("dsse"), Some("0.0.1")) {
        return Err(Refusal::Unsupported(format!(
            "the log entry is of kind {:?} version {:?}; aitrust checks dsse 0.0.1 entries",
            kind.0.unwrap_or_default(),
            kind.1.unwrap_or_default()
        )));
    }
    let spec = &body["spec"];
    if spec["payloadHash"]["algorithm"] != "sha256"
        || spec["payloadHash"]["value"].as_str()
            != Some(
                crate::digest::Sha256Digest(Sha256::digest(payload).into())
                    .to_string()
                    .as_str(),
            )
    {
        return Err(refuse("the log entry is for another payload"));
    }
    let signatures = spec["signatures"].as_array().map_or(&[][..], Vec::as_slice);
    let ours = signatures.iter().any(|entry| {
        let same_signature = entry["signature"]
            .as_str()
            .and_then(|s| STANDARD.decode(s).ok())
            .is_some_and(|s| s == signature);
        let same_certificate = entry["verifier"]
            .as_str()
            .and_then(|s| STANDARD.decode(s).ok())
            .and_then(|pem| x509_cert::der::pem::decode_vec(&pem).ok().map(|(_, der)| der))
            .is_some_and(|der| der == leaf);
        same_signature && same_certificate
    });
    if signatures.len() != 1 || !ours {
        return Err(refuse("the log entry records another signature or certificate"));
    }
    Ok(time)
}

/// The precertificate's TBS: the certificate's, without the SCT list extension.
fn precertificate_tbs(leaf: &Certificate) -> Result<Vec<u8>, Refusal> {
    let mut tbs = leaf.tbs_certificate.clone();
    if let Some(extensions) = tbs.extensions.as_mut() {
        extensions.retain(|extension| extension.extn_id != SCT_LIST);
    }
    tbs.to_der()
        .map_err(|e| refuse(format!("the certificate cannot be re-encoded: {e}")))
}

/// 5b. At least one embedded SCT from a CT log of the trust root verifies over the precertificate.
fn verify_sct(leaf: &Certificate, issuer: &[u8], root: &TrustRoot) -> Result<(), Refusal> {
    let Some(extension) = leaf
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|extension| extension.extn_id == SCT_LIST)
    else {
        return Err(refuse("the certificate carries no signed certificate timestamp"));
    };
    let list = x509_cert::der::asn1::OctetString::from_der(extension.extn_value.as_bytes())
        .map_err(|_| refuse("the certificate's SCT list is malformed"))?;
    let list = list.as_bytes();
    let malformed = || refuse("the certificate's SCT list is malformed");
    let u16_at = |bytes: &[u8], at: usize| -> Option<usize> {
        Some(usize::from(u16::from_be_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let total = u16_at(list, 0).ok_or_else(malformed)?;
    let mut rest = list.get(2..2 + total).ok_or_else(malformed)?;
    let issuer_spki = Certificate::from_der(issuer)
        .map_err(|_| malformed())?
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|_| malformed())?;
    let issuer_key_hash = Sha256::digest(&issuer_spki);
    let tbs = precertificate_tbs(leaf)?;
    let tbs_len = u32::try_from(tbs.len()).map_err(|_| malformed())?.to_be_bytes();
    while !rest.is_empty() {
        let length = u16_at(rest, 0).ok_or_else(malformed)?;
        let sct = rest.get(2..2 + length).ok_or_else(malformed)?;
        rest = &rest[2 + length..];
        // version (1) | log id (32) | timestamp (8) | extensions (2 + n) | hash (1) | signature alg (1) | sig (2 + n)
        if sct.first() != Some(&0) || sct.len() < 43 {
            continue;
        }
        let log_id = &sct[1..33];
        let timestamp = &sct[33..41];
        let ext_len = u16_at(sct, 41).ok_or_else(malformed)?;
        let extensions = sct.get(43..43 + ext_len).ok_or_else(malformed)?;
        let after = &sct[43 + ext_len..];
        let sig_len = u16_at(after, 2).ok_or_else(malformed)?;
        let signature = after.get(4..4 + sig_len).ok_or_else(malformed)?;
        let millis = u64::from_be_bytes(timestamp.try_into().map_err(|_| malformed())?);
        let Some(log) = root.ctlogs.iter().find(|log| log.id[..] == *log_id) else {
            continue;
        };
        if !log.valid_at(millis / 1000) {
            continue;
        }
        let mut signed = vec![0u8, 0u8];
        signed.extend_from_slice(timestamp);
        signed.extend_from_slice(&[0, 1]);
        signed.extend_from_slice(&issuer_key_hash);
        signed.extend_from_slice(&tbs_len[1..]);
        signed.extend_from_slice(&tbs);
        signed.extend_from_slice(&u16::try_from(ext_len).map_err(|_| malformed())?.to_be_bytes());
        signed.extend_from_slice(extensions);
        if verify_by_spki(&log.spki, &signed, signature) {
            return Ok(());
        }
    }
    Err(refuse(
        "no signed certificate timestamp of the certificate verifies with a CT log of the trust root",
    ))
}

/// 6. The SAN (email or URI) and the OIDC issuer Fulcio recorded.
fn identity(leaf: &Certificate) -> Result<Identity, Refusal> {
    let san = match leaf.tbs_certificate.get::<SubjectAltName>() {
        Ok(Some((_, names))) => names.0.iter().find_map(|name| match name {
            GeneralName::Rfc822Name(email) => Some(email.to_string()),
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        }),
        _ => None,
    }
    .ok_or_else(|| refuse("the certificate names no signer (no email or URI subject alternative name)"))?;
    let extension = |oid| {
        leaf.tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|extension| extension.extn_id == oid)
            .map(|extension| extension.extn_value.as_bytes().to_vec())
    };
    let issuer = match (extension(ISSUER_V2), extension(ISSUER_V1)) {
        (Some(der), _) => x509_cert::der::asn1::Utf8StringRef::from_der(&der)
            .map(|s| s.as_str().to_string())
            .map_err(|_| refuse("the certificate's OIDC issuer is malformed"))?,
        (None, Some(raw)) => {
            String::from_utf8(raw).map_err(|_| refuse("the certificate's OIDC issuer is not UTF-8"))?
        }
        (None, None) => return Err(refuse("the certificate names no OIDC issuer")),
    };
    Ok(Identity { san, issuer })
}

/// Verifies a keyless bundle's verification material for the envelope (`payload`, first `signature`).
pub fn verify(
    material: &Value,
    payload: &[u8],
    signature: &[u8],
    root: &TrustRoot,
) -> Result<Verified, Refusal> {
    let leaf_der = base64_field(
        &material["certificate"]["rawBytes"],
        "the keyless bundle's certificate",
    )
    .map_err(Refusal::Invalid)?;
    let leaf = Certificate::from_der(&leaf_der)
        .map_err(|e| refuse(format!("the keyless bundle's certificate is malformed: {e}")))?;
    let entries = material["tlogEntries"].as_array().map_or(&[][..], Vec::as_slice);
    let [entry] = entries else {
        return Err(refuse(format!(
            "the keyless bundle has {} transparency-log entries; exactly one is required",
            entries.len()
        )));
    };
    let time = verify_entry(entry, root, payload, signature, &leaf_der)?;
    let mut reasons = Vec::new();
    let mut issuer = None;
    for authority in &root.authorities {
        if time < authority.start || authority.end.is_some_and(|end| time > end) {
            continue;
        }
        let (anchor, intermediates) = authority
            .chain
            .split_last()
            .expect("authorities have certificates");
        match super::x509::verify_chain(&leaf_der, intermediates, std::slice::from_ref(anchor), time) {
            Ok(_) => {
                issuer = Some(authority.chain[0].clone());
                break;
            }
            Err(reason) => reasons.push(reason),
        }
    }
    let Some(issuer) = issuer else {
        return Err(refuse(format!(
            "the certificate was not issued by a certificate authority of the trust root at the signing time{}",
            reasons.first().map(|r| format!(" ({r})")).unwrap_or_default()
        )));
    };
    if !super::x509::has_code_signing(&leaf) {
        return Err(refuse("the certificate is not for code signing"));
    }
    verify_sct(&leaf, &issuer, root)?;
    let spki = leaf
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| refuse(e.to_string()))?;
    Ok(Verified {
        spki,
        identity: identity(&leaf)?,
        time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_good_root_parses() {
        let root = TrustRoot::parse(PUBLIC_GOOD.as_bytes()).unwrap();
        assert!(!root.tlogs.is_empty() && !root.ctlogs.is_empty() && !root.authorities.is_empty());
    }

    #[test]
    fn inclusion_proofs_follow_rfc_9162() {
        // a tree of three leaves: root = H(1 || H(1 || l0 || l1) || l2)
        let leaf = |n: u8| -> [u8; 32] { Sha256::digest([0u8, n]).into() };
        let node = |a: &[u8; 32], b: &[u8; 32]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update([1u8]);
            h.update(a);
            h.update(b);
            h.finalize().into()
        };
        let left = node(&leaf(0), &leaf(1));
        let root = node(&left, &leaf(2));
        assert_eq!(root_from_inclusion_proof(2, 3, leaf(2), &[left]), Some(root));
        assert_eq!(
            root_from_inclusion_proof(0, 3, leaf(0), &[leaf(1), leaf(2)]),
            Some(root)
        );
        assert_eq!(
            root_from_inclusion_proof(1, 3, leaf(1), &[leaf(0), leaf(2)]),
            Some(root)
        );
        assert_ne!(
            root_from_inclusion_proof(1, 3, leaf(0), &[leaf(1), leaf(2)]),
            Some(root)
        );
        assert_eq!(root_from_inclusion_proof(3, 3, leaf(2), &[left]), None);
        assert_eq!(root_from_inclusion_proof(2, 3, leaf(2), &[left, left]), None);
    }
}
