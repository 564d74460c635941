//! ed25519 keys: PKCS#8 PEM private keys (written 0600, never overwritten) and SubjectPublicKeyInfo PEM
//! public keys. A key id is `sha256:` and the hex SHA-256 of the public key's DER encoding.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A file is in the way.
    #[error("{} already exists; aitrust never overwrites a key (move it away, or choose another --out)", .0.display())]
    Exists(PathBuf),
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a key of the expected kind.
    #[error("{} is not {expected} ({reason})", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What it should be.
        expected: &'static str,
        /// The decoder's words.
        reason: String,
    },
    /// No randomness.
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
}

/// The id of a public key: `sha256:<hex of SHA-256 of its DER SubjectPublicKeyInfo>`.
pub fn key_id(key: &VerifyingKey) -> String {
    let der = key
        .to_public_key_der()
        .expect("an ed25519 public key always encodes");
    format!("sha256:{}", crate::digest::hash::sha256_bytes(der.as_bytes()))
}

/// Writes `PREFIX.key` (PKCS#8 PEM, mode 0600) and `PREFIX.pub` (SPKI PEM); refuses to overwrite either.
pub fn generate(prefix: &Path) -> Result<(PathBuf, PathBuf, String), KeyError> {
    let private_path = with_suffix(prefix, "key");
    let public_path = with_suffix(prefix, "pub");
    for path in [&private_path, &public_path] {
        if path.exists() {
            return Err(KeyError::Exists(path.clone()));
        }
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|error| KeyError::Random(error.to_string()))?;
    let signing = SigningKey::from_bytes(&secret);
    secret.fill(0);
    // PKCS#8 v1 (RFC 8410 §7: the private key alone). ed25519-dalek's own encoding is v2, with the public
    // key embedded, which OpenSSL 3 and Python `cryptography` refuse to read.
    let v1 = ed25519_dalek::pkcs8::KeypairBytes {
        secret_key: signing.to_bytes(),
        public_key: None,
    };
    let private_pem = v1
        .to_pkcs8_pem(LineEnding::LF)
        .expect("an ed25519 key always encodes");
    let public_pem = signing
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("an ed25519 key always encodes");
    write_new(&private_path, private_pem.as_bytes(), true)?;
    if let Err(error) = write_new(&public_path, public_pem.as_bytes(), false) {
        let _ = std::fs::remove_file(&private_path);
        return Err(error);
    }
    Ok((private_path, public_path, key_id(&signing.verifying_key())))
}

pub(crate) fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates a file that must not exist yet; a private key is created with mode 0600 from the start.
pub(crate) fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(path.to_path_buf())
        } else {
            io(error)
        }
    })?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(io)
}

/// Reads a PKCS#8 PEM ed25519 private key.
pub fn read_private(path: &Path) -> Result<SigningKey, KeyError> {
    let text = crate::fsutil::read_text(path, crate::fsutil::limits::KEY).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    SigningKey::from_pkcs8_pem(&text).map_err(|error| KeyError::Malformed {
        path: path.to_path_buf(),
        expected: "an ed25519 private key in PKCS#8 PEM (aitrust keygen writes one)",
        reason: error.to_string(),
    })
}

/// Reads a SubjectPublicKeyInfo PEM ed25519 public key.
pub fn read_public(path: &Path) -> Result<VerifyingKey, KeyError> {
    let text = crate::fsutil::read_text(path, crate::fsutil::limits::KEY).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    VerifyingKey::from_public_key_pem(&text).map_err(|error| KeyError::Malformed {
        path: path.to_path_buf(),
        expected: "an ed25519 public key in PEM (SubjectPublicKeyInfo)",
        reason: error.to_string(),
    })
}

/// A trusted key or root from the policy, known by its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustAnchor {
    /// An ed25519 key (aitrust's own signatures).
    Ed25519(VerifyingKey),
    /// Other public keys and certificates (model-signing publishers), as fingerprints: the SHA-256 of a
    /// public key's DER SubjectPublicKeyInfo, or of a certificate's DER. A signature counts as trusted only
    /// when the key that verified it, or the root its chain was validated to, has one of these.
    Fingerprints(Vec<String>),
}

/// The fingerprint of DER bytes (a SubjectPublicKeyInfo or a certificate): `sha256:<hex>`.
pub fn fingerprint(der: &[u8]) -> String {
    format!("sha256:{}", crate::digest::hash::sha256_bytes(der))
}

/// Reads a trust anchor: PEM public keys (ed25519, ECDSA) or PEM certificates, decided by decoding them.
pub fn read_trust_anchor(path: &Path) -> Result<TrustAnchor, KeyError> {
    let text = crate::fsutil::read_text(path, crate::fsutil::limits::KEY).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let malformed = |reason: String| KeyError::Malformed {
        path: path.to_path_buf(),
        expected: "a PEM public key (ed25519 or ECDSA) or PEM certificates",
        reason,
    };
    if let Ok(key) = VerifyingKey::from_public_key_pem(&text) {
        return Ok(TrustAnchor::Ed25519(key));
    }
    let mut fingerprints = Vec::new();
    for block in pem_blocks(&text) {
        let (label, der) =
            x509_cert::der::pem::decode_vec(block.as_bytes()).map_err(|e| malformed(e.to_string()))?;
        match label {
            "CERTIFICATE" => {
                use x509_cert::der::Decode;
                x509_cert::Certificate::from_der(&der).map_err(|e| malformed(e.to_string()))?;
                fingerprints.push(fingerprint(&der));
            }
            "PUBLIC KEY" => {
                use x509_cert::der::Decode;
                x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&der)
                    .map_err(|e| malformed(e.to_string()))?;
                fingerprints.push(fingerprint(&canonical_spki(&der)));
            }
            other => return Err(malformed(format!("a PEM block labelled {other}"))),
        }
    }
    if fingerprints.is_empty() {
        return Err(malformed("no PEM block".into()));
    }
    Ok(TrustAnchor::Fingerprints(fingerprints))
}

/// The fingerprint of an ed25519 key: SHA-256 of its DER SubjectPublicKeyInfo, as for every other key.
pub fn ed25519_fingerprint(key: &VerifyingKey) -> Option<String> {
    key.to_public_key_der()
        .ok()
        .map(|der| fingerprint(der.as_bytes()))
}

/// An ECDSA P-256 / P-384 key's SubjectPublicKeyInfo re-encoded with its point uncompressed, so a key has
/// one fingerprint whatever form its file is in; other keys as they are.
pub fn canonical_spki(der: &[u8]) -> Vec<u8> {
    use p256::pkcs8::{DecodePublicKey as _, EncodePublicKey as _};
    let encoded = if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
        key.to_public_key_der().ok()
    } else if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
        key.to_public_key_der().ok()
    } else if let Ok(key) = p521::PublicKey::from_public_key_der(der) {
        key.to_public_key_der().ok()
    } else {
        None
    };
    encoded.map_or_else(|| der.to_vec(), |d| d.as_bytes().to_vec())
}

/// The PEM blocks of a text, each from its BEGIN line to its END line (text around them, such as a
/// certtool preamble, is not part of any block).
pub fn pem_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with("-----BEGIN ") {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
        if line.starts_with("-----END ") {
            blocks.extend(current.take());
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keygen_round_trip_and_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("acme");
        let (private, public, id) = generate(&prefix).unwrap();
        assert!(id.starts_with("sha256:") && id.len() == 71);
        let signing = read_private(&private).unwrap();
        assert_eq!(read_public(&public).unwrap(), signing.verifying_key());
        assert_eq!(key_id(&signing.verifying_key()), id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&private).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(matches!(generate(&prefix), Err(KeyError::Exists(_))));
        assert!(matches!(read_public(&private), Err(KeyError::Malformed { .. })));
        assert!(matches!(read_private(&public), Err(KeyError::Malformed { .. })));
    }
}
