//! Just enough X.509 to verify a model-signing certificate chain offline: chain building by name and
//! signature up to a self-signed trusted root, validity at the leaf's issuance time (as the reference verifier
//! does), CA constraints on issuers, and the leaf's signing usage. Signatures: RSA PKCS#1 v1.5 and ECDSA
//! P-256 / P-384 with SHA-256 / SHA-384 / SHA-512.

use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::der::Encode;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};

const RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");

fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate.subject.to_string()
}

/// Did `issuer`'s key make `cert`'s signature?
fn signed_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let Ok(spki) = issuer.tbs_certificate.subject_public_key_info.to_der() else {
        return false;
    };
    let signature = cert.signature.raw_bytes();
    let algorithm = cert.signature_algorithm.oid;
    if [RSA_SHA256, RSA_SHA384, RSA_SHA512].contains(&algorithm) {
        use rsa::pkcs8::DecodePublicKey;
        use rsa::signature::Verifier;
        let Ok(key) = rsa::RsaPublicKey::from_public_key_der(&spki) else {
            return false;
        };
        let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
            return false;
        };
        return match algorithm {
            a if a == RSA_SHA256 => rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(key)
                .verify(&tbs, &signature)
                .is_ok(),
            a if a == RSA_SHA384 => rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha384>::new(key)
                .verify(&tbs, &signature)
                .is_ok(),
            _ => rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha512>::new(key)
                .verify(&tbs, &signature)
                .is_ok(),
        };
    }
    let prehash: Vec<u8> = match algorithm {
        a if a == ECDSA_SHA256 => Sha256::digest(&tbs).to_vec(),
        a if a == ECDSA_SHA384 => Sha384::digest(&tbs).to_vec(),
        a if a == ECDSA_SHA512 => Sha512::digest(&tbs).to_vec(),
        _ => return false,
    };
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::pkcs8::DecodePublicKey;
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki) {
        return p256::ecdsa::DerSignature::from_bytes(signature)
            .is_ok_and(|sig| key.verify_prehash(&prehash, &sig).is_ok());
    }
    if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(&spki) {
        return p384::ecdsa::DerSignature::from_bytes(signature)
            .is_ok_and(|sig| key.verify_prehash(&prehash, &sig).is_ok());
    }
    false
}

fn valid_at(cert: &Certificate, seconds: u64) -> bool {
    let validity = &cert.tbs_certificate.validity;
    validity.not_before.to_unix_duration().as_secs() <= seconds
        && seconds <= validity.not_after.to_unix_duration().as_secs()
}

fn is_ca(cert: &Certificate) -> bool {
    matches!(cert.tbs_certificate.get::<BasicConstraints>(), Ok(Some((_, constraints))) if constraints.ca)
}

fn same(a: &Certificate, b: &Certificate) -> bool {
    a.to_der().ok() == b.to_der().ok()
}

fn self_signed(cert: &Certificate) -> bool {
    cert.tbs_certificate.issuer == cert.tbs_certificate.subject && signed_by(cert, cert)
}

/// Verifies that `leaf` chains, through `intermediates` (untrusted, from the bundle) and `trusted` certificates,
/// to a self-signed certificate in `trusted`, every certificate valid when the leaf was issued. Returns that
/// root, whose fingerprint decides trust.
pub fn verify_chain(
    leaf: &Certificate,
    intermediates: &[Certificate],
    trusted: &[Certificate],
) -> Result<Certificate, String> {
    let time = leaf
        .tbs_certificate
        .validity
        .not_before
        .to_unix_duration()
        .as_secs();
    let mut current = leaf.clone();
    for _ in 0..16 {
        if !valid_at(&current, time) {
            return Err(format!(
                "certificate {} is not valid when the leaf was issued",
                subject(&current)
            ));
        }
        let is_trusted = trusted.iter().any(|t| same(t, &current));
        if is_trusted && self_signed(&current) {
            return Ok(current);
        }
        let issuer = trusted.iter().chain(intermediates).find(|candidate| {
            !same(candidate, &current)
                && candidate.tbs_certificate.subject == current.tbs_certificate.issuer
                && is_ca(candidate)
                && signed_by(&current, candidate)
        });
        match issuer {
            Some(issuer) => current = issuer.clone(),
            None => {
                return Err(format!(
                    "the certificate of {} was not issued by any trusted certificate (its issuer is {})",
                    subject(&current),
                    current.tbs_certificate.issuer
                ));
            }
        }
    }
    Err("the certificate chain is too long".to_string())
}

/// The leaf must be for signing: KeyUsage digitalSignature, or ExtendedKeyUsage codeSigning.
pub fn check_signing_usage(leaf: &Certificate) -> Result<(), String> {
    let digital_signature =
        matches!(leaf.tbs_certificate.get::<KeyUsage>(), Ok(Some((_, usage))) if usage.digital_signature());
    let code_signing = matches!(leaf.tbs_certificate.get::<ExtendedKeyUsage>(), Ok(Some((_, usage))) if usage.0.contains(&CODE_SIGNING));
    if digital_signature || code_signing {
        Ok(())
    } else {
        Err("the signing certificate is not for signing (no digitalSignature key usage or codeSigning purpose)".into())
    }
}
