//! OpenSSF model-signing bundles, verified against a copy of the reference signer's test model. Even runs
//! take the input as the bundle (seeded with the real bundles); odd runs take it as the DSSE payload of a
//! bundle signed with a fixed P-256 key, so the statement and file comparison behind a valid signature are
//! fuzzed too.
#![no_main]

#[path = "common.rs"]
mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use aitrust::sign::model_signing::{Request, verify};
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::{DerSignature, SigningKey, signature::Signer as _};
use p256::pkcs8::{EncodePublicKey as _, LineEnding};

fn model() -> &'static PathBuf {
    static MODEL: OnceLock<PathBuf> = OnceLock::new();
    MODEL.get_or_init(|| {
        let source = common::testdata().join("model-signing/v1.1.0-elliptic-key");
        for name in ["signme-1", "signme-2", "ignore-me"] {
            let bytes = std::fs::read(source.join(name)).expect("the shared test model");
            common::put(&format!("model/{name}"), &bytes);
        }
        common::root().join("model")
    })
}

fn text(path: &str) -> String {
    std::fs::read_to_string(common::testdata().join(path)).expect("shared test keys")
}

fuzz_target!(|data: &[u8]| {
    let model = model();
    let Some((&mode, rest)) = data.split_first() else { return };
    let bundle_path = common::root().join("model.sig");
    if mode % 2 == 0 {
        let chain = vec![
            text("model-signing/keys/certificate/ca-cert.pem"),
            text("model-signing/keys/certificate/int-ca-cert.pem"),
        ];
        let key = text("model-signing/keys/certificate/signing-key-pub.pem");
        for (public_key, certificate_chain) in [(Some(key.as_str()), &[][..]), (None, &chain[..])] {
            let _ = verify(&Request {
                bundle: rest,
                model,
                bundle_path: &bundle_path,
                public_key,
                certificate_chain,
                ignore_paths: &["ignore-me".to_string()],
                ignore_unsigned_files: false,
                ignore_git_paths: true,
                trust_root: aitrust::sign::sigstore::TrustRoot::public_good(),
            });
        }
    } else {
        let key = SigningKey::from_slice(&[9; 32]).expect("a P-256 scalar");
        let pem = key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("a PEM key");
        let payload_type = "application/vnd.in-toto+json";
        let signature: DerSignature = key.sign(&aitrust::sign::dsse::pae(payload_type, rest));
        let engine = base64::engine::general_purpose::STANDARD;
        let bundle = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": { "publicKey": {}, "tlogEntries": [] },
            "dsseEnvelope": {
                "payload": engine.encode(rest),
                "payloadType": payload_type,
                "signatures": [{ "sig": engine.encode(signature.as_bytes()) }],
            },
        });
        let _ = verify(&Request {
            bundle: bundle.to_string().as_bytes(),
            model,
            bundle_path: &bundle_path,
            public_key: Some(&pem),
            certificate_chain: &[],
            ignore_paths: &["ignore-me".to_string()],
            ignore_unsigned_files: mode & 2 == 2,
            ignore_git_paths: mode & 4 == 0,
            trust_root: aitrust::sign::sigstore::TrustRoot::public_good(),
        });
    }
});
