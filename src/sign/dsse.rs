//! DSSE envelopes (Dead Simple Signing Envelope) over in-toto Statements v1, signed with ed25519.
//! The signature covers the pre-authentication encoding `PAE(payloadType, payload)`, never the JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto Statement v1 type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// A DSSE envelope.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    /// Base64 of the payload bytes.
    pub payload: String,
    /// What the payload is.
    pub payload_type: String,
    /// The signatures (aitrust writes and accepts exactly one).
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    /// The signer's key id.
    #[serde(default)]
    pub keyid: String,
    /// Base64 of the signature bytes.
    pub sig: String,
}

/// An in-toto Statement v1.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What is attested.
    pub subject: Vec<Subject>,
    /// What the predicate means.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The claim.
    pub predicate: serde_json::Value,
}

/// A subject: a name and its SHA-256.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subject {
    /// `<component id>/<file path>` or the manifest's file name.
    pub name: String,
    /// `{ "sha256": "<hex>" }`.
    pub digest: std::collections::BTreeMap<String, String>,
}

impl Subject {
    /// A subject with a SHA-256.
    pub fn sha256(name: impl Into<String>, digest: &crate::digest::Sha256Digest) -> Self {
        Self {
            name: name.into(),
            digest: [("sha256".to_string(), digest.to_string())].into(),
        }
    }
}

/// DSSE pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Signs a statement into an envelope.
pub fn sign(statement: &Statement, key: &SigningKey) -> Envelope {
    let payload = serde_json::to_vec(statement).expect("a statement is plain data");
    let signature = key.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &payload));
    Envelope {
        payload: STANDARD.encode(&payload),
        payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
        signatures: vec![EnvelopeSignature {
            keyid: super::keys::key_id(&key.verifying_key()),
            sig: STANDARD.encode(signature.to_bytes()),
        }],
    }
}

/// Why an envelope did not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not JSON of the envelope's shape.
    #[error("not a DSSE envelope: {0}")]
    Malformed(String),
    /// Not exactly one signature.
    #[error("the envelope has {0} signatures; exactly one is accepted")]
    SignatureCount(usize),
    /// The payload is not an in-toto statement.
    #[error("the payload type is {0:?}, not {IN_TOTO_PAYLOAD_TYPE:?}")]
    PayloadType(String),
    /// No trusted key made the signature.
    #[error("the signature does not verify with {0}")]
    BadSignature(String),
    /// The statement inside is not an in-toto Statement v1 of the expected predicate.
    #[error("the signed statement is not what aitrust signs: {0}")]
    Statement(String),
}

/// Parses an envelope from JSON bytes.
pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
    serde_json::from_slice(bytes).map_err(|error| EnvelopeError::Malformed(error.to_string()))
}

/// Verifies the envelope with any of `keys` (strict ed25519: no malleable or small-order signatures) and
/// returns the statement and the key that signed it.
pub fn verify<'k>(
    envelope: &Envelope,
    keys: &'k [(String, VerifyingKey)],
    predicate_type: &str,
) -> Result<(Statement, &'k str), EnvelopeError> {
    if envelope.signatures.len() != 1 {
        return Err(EnvelopeError::SignatureCount(envelope.signatures.len()));
    }
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(EnvelopeError::PayloadType(envelope.payload_type.clone()));
    }
    let payload = STANDARD
        .decode(&envelope.payload)
        .map_err(|e| EnvelopeError::Malformed(format!("payload is not base64: {e}")))?;
    let signature_bytes = STANDARD
        .decode(&envelope.signatures[0].sig)
        .map_err(|e| EnvelopeError::Malformed(format!("signature is not base64: {e}")))?;
    let signature = Signature::from_slice(&signature_bytes)
        .map_err(|_| EnvelopeError::Malformed("the signature is not 64 bytes".to_string()))?;
    let message = pae(&envelope.payload_type, &payload);
    let signer = keys
        .iter()
        .find(|(_, key)| key.verify_strict(&message, &signature).is_ok())
        .map(|(name, _)| name.as_str())
        .ok_or_else(|| {
            let names: Vec<&str> = keys.iter().map(|(name, _)| name.as_str()).collect();
            EnvelopeError::BadSignature(if names.is_empty() {
                "no key (none is trusted)".to_string()
            } else {
                names.join(", ")
            })
        })?;
    let statement: Statement =
        serde_json::from_slice(&payload).map_err(|error| EnvelopeError::Statement(error.to_string()))?;
    if statement.statement_type != STATEMENT_TYPE {
        return Err(EnvelopeError::Statement(format!(
            "_type is {:?}",
            statement.statement_type
        )));
    }
    if statement.predicate_type != predicate_type {
        return Err(EnvelopeError::Statement(format!(
            "predicateType is {:?}",
            statement.predicate_type
        )));
    }
    Ok((statement, signer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // From the DSSE protocol document: PAE("http://example.com/HelloWorld", "hello world")
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn sign_verify_and_tamper() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let statement = Statement {
            statement_type: STATEMENT_TYPE.to_string(),
            subject: vec![Subject::sha256("a", &crate::digest::hash::sha256_bytes(b"a"))],
            predicate_type: "p".to_string(),
            predicate: serde_json::json!({}),
        };
        let envelope = sign(&statement, &key);
        let keys = vec![("k".to_string(), key.verifying_key())];
        assert_eq!(verify(&envelope, &keys, "p").unwrap(), (statement.clone(), "k"));
        assert!(matches!(
            verify(&envelope, &[("o".to_string(), other.verifying_key())], "p"),
            Err(EnvelopeError::BadSignature(_))
        ));
        assert!(matches!(
            verify(&envelope, &keys, "q"),
            Err(EnvelopeError::Statement(_))
        ));
        let mut tampered = envelope.clone();
        let mut forged = statement.clone();
        forged.subject[0].name = "b".to_string();
        tampered.payload = STANDARD.encode(serde_json::to_vec(&forged).unwrap());
        assert!(matches!(
            verify(&tampered, &keys, "p"),
            Err(EnvelopeError::BadSignature(_))
        ));
        let mut two = envelope.clone();
        two.signatures.push(two.signatures[0].clone());
        assert_eq!(verify(&two, &keys, "p"), Err(EnvelopeError::SignatureCount(2)));
        let mut typed = envelope;
        typed.payload_type = "text/plain".to_string();
        assert!(matches!(
            verify(&typed, &keys, "p"),
            Err(EnvelopeError::PayloadType(_))
        ));
    }
}
