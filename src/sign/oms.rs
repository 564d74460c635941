//! OpenSSF model signing (OMS v1.0): writing `model.sig` bundles the reference verifier accepts, with an ECDSA
//! key (P-256, P-384, P-521) alone or with its certificate chain.
//!
//! The model is serialized as the reference signer does it (model_signing 1.1, `_serialization/file.py`):
//! every regular file under the model, hashed with SHA-256, named by its `/`-joined path relative to the model
//! (`.` for a single-file model), sorted by name; the git paths at the model's top level, the caller's ignore
//! paths and the bundle itself are left out and recorded in `serialization.ignore_paths`; a symbolic link, a
//! FIFO or a device is an error (links are never followed when signing). The statement is an in-toto
//! Statement v1 whose one subject's digest is the SHA-256 of the resources' raw digests in order; the DSSE
//! envelope's signature is ECDSA over the standard PAE with the hash the curve decides.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::dsse::{IN_TOTO_PAYLOAD_TYPE, STATEMENT_TYPE, pae};
use crate::digest::hash::{self, Progress};

/// The git paths the reference signer leaves out at the model's top level.
pub const GIT_PATHS: &[&str] = &[".git", ".gitattributes", ".github", ".gitignore"];

/// An ECDSA signing key of a curve OMS allows.
pub enum EcSigningKey {
    /// P-256 (SHA-256).
    P256(p256::ecdsa::SigningKey),
    /// P-384 (SHA-384).
    P384(p384::ecdsa::SigningKey),
    /// P-521 (SHA-512; p521 0.13 signs with a random nonce, not RFC 6979).
    P521(p521::ecdsa::SigningKey),
}

impl EcSigningKey {
    /// Reads a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or SEC1 (`BEGIN EC PRIVATE KEY`).
    pub fn from_pem(text: &str) -> Result<Self, String> {
        use p256::pkcs8::DecodePrivateKey as _;
        if let Ok(key) =
            p256::SecretKey::from_pkcs8_pem(text).or_else(|_| p256::SecretKey::from_sec1_pem(text))
        {
            return Ok(Self::P256(key.into()));
        }
        if let Ok(key) =
            p384::SecretKey::from_pkcs8_pem(text).or_else(|_| p384::SecretKey::from_sec1_pem(text))
        {
            return Ok(Self::P384(key.into()));
        }
        if let Ok(key) =
            p521::SecretKey::from_pkcs8_pem(text).or_else(|_| p521::SecretKey::from_sec1_pem(text))
        {
            return p521::ecdsa::SigningKey::from_bytes(&key.to_bytes())
                .map(Self::P521)
                .map_err(|e| format!("the P-521 key is not usable: {e}"));
        }
        Err("not an ECDSA P-256, P-384 or P-521 private key in PEM (PKCS#8 or SEC1)".into())
    }

    /// The public key as DER SubjectPublicKeyInfo (uncompressed point).
    pub fn public_spki(&self) -> Result<Vec<u8>, String> {
        use p256::pkcs8::EncodePublicKey as _;
        match self {
            Self::P256(key) => key.verifying_key().to_public_key_der(),
            Self::P384(key) => key.verifying_key().to_public_key_der(),
            Self::P521(key) => {
                p521::PublicKey::from_secret_scalar(key.as_nonzero_scalar()).to_public_key_der()
            }
        }
        .map(|der| der.as_bytes().to_vec())
        .map_err(|e| format!("the public key cannot be encoded: {e}"))
    }

    /// The public key as `cryptography` writes it (SPKI PEM, LF): the reference's key hint is its SHA-256.
    fn public_pem(&self) -> Result<String, String> {
        let der = self.public_spki()?;
        x509_cert::der::pem::encode_string("PUBLIC KEY", x509_cert::der::pem::LineEnding::LF, &der)
            .map_err(|e| format!("the public key cannot be encoded: {e}"))
    }

    /// A DER ECDSA signature over `message`, hashed as the curve decides.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        use p256::ecdsa::signature::hazmat::PrehashSigner as _;
        let failed = |e: p256::ecdsa::Error| format!("signing failed: {e}");
        Ok(match self {
            Self::P256(key) => {
                let signature: p256::ecdsa::Signature =
                    key.sign_prehash(&Sha256::digest(message)).map_err(failed)?;
                signature.to_der().as_bytes().to_vec()
            }
            Self::P384(key) => {
                let signature: p384::ecdsa::Signature =
                    key.sign_prehash(&Sha384::digest(message)).map_err(failed)?;
                signature.to_der().as_bytes().to_vec()
            }
            Self::P521(key) => {
                let signature: p521::ecdsa::Signature =
                    key.sign_prehash(&Sha512::digest(message)).map_err(failed)?;
                signature.to_der().as_bytes().to_vec()
            }
        })
    }
}

/// What to sign.
pub struct SignRequest<'a> {
    /// The model: a directory or one file.
    pub model: &'a Path,
    /// The signing key.
    pub key: &'a EcSigningKey,
    /// For certificate signing: the signing certificate then the rest of its chain (DER), leaf first.
    pub certificates: Option<&'a [Vec<u8>]>,
    /// Paths inside the model to leave out, relative to it (`/`-separated).
    pub ignore_paths: &'a [String],
    /// Where the bundle will be written (left out when it is inside the model).
    pub bundle_path: &'a Path,
}

/// The name of `relative` in a bundle: its components as stored, joined by `/`.
fn resource_name(relative: &Path) -> Result<String, String> {
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            std::path::Component::Normal(part) => parts.push(
                part.to_str()
                    .ok_or_else(|| format!("{} has a name that is not UTF-8", relative.display()))?,
            ),
            _ => return Err(format!("{} is not a path inside the model", relative.display())),
        }
    }
    Ok(parts.join("/"))
}

fn ignored(name: &str, ignores: &[String]) -> bool {
    ignores
        .iter()
        .any(|ignore| name == ignore || name.starts_with(&format!("{ignore}/")))
}

/// The files of the model to sign: (resource name, path), sorted by name.
fn files_to_sign(model: &Path, ignores: &[String]) -> Result<Vec<(String, PathBuf)>, String> {
    let metadata = std::fs::symlink_metadata(model).map_err(|e| format!("{}: {e}", model.display()))?;
    if metadata.file_type().is_symlink() {
        return Err(format!(
            "{} is a symbolic link; sign what it points to",
            model.display()
        ));
    }
    if metadata.is_file() {
        return Ok(vec![(".".to_string(), model.to_path_buf())]);
    }
    if !metadata.is_dir() {
        return Err(format!(
            "{} is neither a regular file nor a directory",
            model.display()
        ));
    }
    let mut files = Vec::new();
    let mut walker = walkdir::WalkDir::new(model)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(|e| format!("the model cannot be walked: {e}"))?;
        if entry.depth() == 0 {
            continue;
        }
        let relative = entry.path().strip_prefix(model).map_err(|e| e.to_string())?;
        let name = resource_name(relative)?;
        if ignored(&name, ignores) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() {
            return Err(format!(
                "{name} is a symbolic link; links are not signed (remove it or list it in the ignore paths)"
            ));
        }
        if !kind.is_file() {
            return Err(format!("{name} is not a regular file (a FIFO, socket or device)"));
        }
        files.push((name, entry.into_path()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Signs the model; returns the bundle's bytes.
pub fn sign_model(request: &SignRequest<'_>) -> Result<Vec<u8>, String> {
    let mut ignores: Vec<String> = GIT_PATHS.iter().map(|p| p.to_string()).collect();
    for path in request.ignore_paths {
        let path = path.trim_matches('/').to_string();
        if !path.is_empty() && !ignores.contains(&path) {
            ignores.push(path);
        }
    }
    if let Ok(relative) = request.bundle_path.strip_prefix(request.model)
        && !relative.as_os_str().is_empty()
    {
        let name = resource_name(relative)?;
        if !ignores.contains(&name) {
            ignores.push(name);
        }
    }
    let files = files_to_sign(request.model, &ignores)?;
    if files.is_empty() {
        return Err("the model has no file to sign after the ignored paths are left out".into());
    }
    let paths: Vec<PathBuf> = files.iter().map(|(_, path)| path.clone()).collect();
    let mut resources = Vec::new();
    let mut root = Sha256::new();
    for ((name, path), digest) in files.iter().zip(hash::hash_files(&paths, &Progress::hidden())) {
        let digest = digest.map_err(|e| format!("{}: {e}", path.display()))?;
        root.update(digest.sha256.0);
        resources.push(json!({"name": name, "algorithm": "sha256", "digest": digest.sha256.to_string()}));
    }
    let model_name = std::fs::canonicalize(request.model)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| ".".to_string());
    let statement = json!({
        "_type": STATEMENT_TYPE,
        "subject": [{
            "name": model_name,
            "digest": {"sha256": crate::digest::Sha256Digest(root.finalize().into()).to_string()},
        }],
        "predicateType": "https://model_signing/signature/v1.0",
        "predicate": {
            "resources": resources,
            "serialization": {
                "method": "files",
                "hash_type": "sha256",
                "allow_symlinks": false,
                "ignore_paths": ignores,
            },
        },
    });
    let payload = serde_json::to_vec(&statement).map_err(|e| e.to_string())?;
    let signature = request.key.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &payload))?;
    let material = match request.certificates {
        None => json!({
            "publicKey": {"hint": hash::sha256_bytes(request.key.public_pem()?.as_bytes()).to_string()},
            "tlogEntries": [],
        }),
        Some(certificates) => {
            let leaf = certificates
                .first()
                .ok_or("certificate signing needs the signing certificate")?;
            let leaf_key = {
                use x509_cert::der::{Decode as _, Encode as _};
                x509_cert::Certificate::from_der(leaf)
                    .map_err(|e| format!("the signing certificate is malformed: {e}"))?
                    .tbs_certificate
                    .subject_public_key_info
                    .to_der()
                    .map_err(|e| e.to_string())?
            };
            if super::keys::canonical_spki(&leaf_key)
                != super::keys::canonical_spki(&request.key.public_spki()?)
            {
                return Err("the signing certificate is not for this private key".into());
            }
            json!({
                "x509CertificateChain": {
                    "certificates": certificates.iter().map(|der| json!({"rawBytes": STANDARD.encode(der)})).collect::<Vec<_>>(),
                },
                "tlogEntries": [],
            })
        }
    };
    let bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": material,
        "dsseEnvelope": {
            "payload": STANDARD.encode(&payload),
            "payloadType": IN_TOTO_PAYLOAD_TYPE,
            "signatures": [{"sig": STANDARD.encode(signature), "keyid": ""}],
        },
    });
    serde_json::to_vec(&bundle).map_err(|e| e.to_string())
}

/// Generates a P-256 private key, as PKCS#8 PEM, and its public key as SPKI PEM.
pub fn generate_p256() -> Result<(String, String), String> {
    use p256::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
    let mut seed = [0u8; 32];
    // rejection sampling: a uniformly random scalar in [1, n)
    let key = loop {
        getrandom::fill(&mut seed).map_err(|e| format!("no randomness: {e}"))?;
        if let Ok(key) = p256::SecretKey::from_slice(&seed) {
            break key;
        }
    };
    let private = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| format!("the key cannot be encoded: {e}"))?
        .to_string();
    let public = key
        .public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| format!("the key cannot be encoded: {e}"))?;
    Ok((private, public))
}
