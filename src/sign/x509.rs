//! Certificate path validation for model-signing chains and Sigstore's Fulcio chains, offline.
//!
//! The path is validated by OpenSSL's `X509_verify_cert` (through the `openssl` crate), the very validator
//! the reference verifier runs (model_signing 1.1, `_signing/sign_certificate.py`: a pyOpenSSL `X509Store`
//! of the trusted certificates, its time set, `X509StoreContext.verify_certificate`). So the verdicts agree
//! by construction, and the checks are RFC 5280's as OpenSSL implements them: the signature of every link,
//! basic constraints (CA flag, pathLen, the anchor's included), name constraints, keyCertSign of issuers,
//! unknown critical extensions, validity of every certificate at the given time, and a chain that ends at a
//! self-signed trusted certificate (no partial chains). `rustls-webpki` was tried first and rejected: it
//! refuses a CA:TRUE signing certificate, which is what the reference's own test chains use, and ignores
//! KeyUsage. No extended key usage is required of the chain (OpenSSL without a purpose); the caller checks
//! the leaf's ([`check_signing_usage`], [`has_code_signing`]).

use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509, X509StoreContext};
use x509_cert::Certificate;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage};

/// The code-signing extended key usage (id-kp-codeSigning).
pub const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");

fn openssl_error(error: openssl::error::ErrorStack) -> String {
    format!("the certificate chain cannot be processed: {error}")
}

/// Validates `leaf` through `intermediates` (untrusted, e.g. from the bundle) to a self-signed certificate in
/// `trusted`, at `time` (seconds since the epoch). Returns the DER of the root it was validated to, whose
/// fingerprint decides trust.
pub fn verify_chain(
    leaf: &[u8],
    intermediates: &[Vec<u8>],
    trusted: &[Vec<u8>],
    time: u64,
) -> Result<Vec<u8>, String> {
    let parse = |der: &[u8]| X509::from_der(der).map_err(|e| format!("a certificate is malformed: {e}"));
    let mut store = X509StoreBuilder::new().map_err(openssl_error)?;
    for der in trusted {
        store.add_cert(parse(der)?).map_err(openssl_error)?;
    }
    let time = libc::time_t::try_from(time).map_err(|_| "the signing time is out of range".to_string())?;
    let mut param = openssl::x509::verify::X509VerifyParam::new().map_err(openssl_error)?;
    param.set_time(time);
    store.set_param(&param).map_err(openssl_error)?;
    let store = store.build();
    let mut chain = Stack::new().map_err(openssl_error)?;
    for der in intermediates {
        chain.push(parse(der)?).map_err(openssl_error)?;
    }
    let leaf = parse(leaf)?;
    let mut context = X509StoreContext::new().map_err(openssl_error)?;
    context
        .init(&store, &leaf, &chain, |context| {
            if context.verify_cert()? {
                let root = context
                    .chain()
                    .and_then(|chain| chain.iter().last().map(|c| c.to_der()));
                Ok(match root {
                    Some(root) => Ok(root?),
                    None => Err("the validated chain is empty".to_string()),
                })
            } else {
                let depth = context.error_depth();
                let subject = context
                    .current_cert()
                    .map(|cert| {
                        cert.subject_name()
                            .entries()
                            .filter_map(|e| e.data().to_string().ok())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                Ok(Err(format!(
                    "the certificate chain is not valid: {} (certificate {depth} of the chain{})",
                    context.error().error_string(),
                    if subject.is_empty() {
                        String::new()
                    } else {
                        format!(", {subject}")
                    }
                )))
            }
        })
        .map_err(openssl_error)?
}

/// The leaf must be for signing: KeyUsage digitalSignature, or ExtendedKeyUsage codeSigning (as the
/// reference verifier decides).
pub fn check_signing_usage(leaf: &Certificate) -> Result<(), String> {
    let digital_signature =
        matches!(leaf.tbs_certificate.get::<KeyUsage>(), Ok(Some((_, usage))) if usage.digital_signature());
    if digital_signature || has_code_signing(leaf) {
        Ok(())
    } else {
        Err("the signing certificate is not for signing (no digitalSignature key usage or codeSigning purpose)".into())
    }
}

/// Does the certificate name the codeSigning purpose?
pub fn has_code_signing(cert: &Certificate) -> bool {
    matches!(cert.tbs_certificate.get::<ExtendedKeyUsage>(), Ok(Some((_, usage))) if usage.0.contains(&CODE_SIGNING))
}
