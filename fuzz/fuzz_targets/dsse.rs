//! DSSE envelopes (`aibom.sig`, attestations). Half the runs take the input as the envelope; the other half
//! take it as the payload of an envelope signed with a fixed key, so the statement parser behind a valid
//! signature is fuzzed too.
#![no_main]

use aitrust::sign::{self, dsse};
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_bytes(&[7; 32]);
    let keys = vec![("fuzz".to_string(), key.verifying_key())];
    let Some((&mode, rest)) = data.split_first() else { return };
    let envelope = if mode % 2 == 0 {
        match dsse::parse(rest) {
            Ok(envelope) => envelope,
            Err(_) => return,
        }
    } else {
        let signature = key.sign(&dsse::pae(dsse::IN_TOTO_PAYLOAD_TYPE, rest));
        let engine = base64::engine::general_purpose::STANDARD;
        let json = serde_json::json!({
            "payloadType": dsse::IN_TOTO_PAYLOAD_TYPE,
            "payload": engine.encode(rest),
            "signatures": [{ "keyid": "", "sig": engine.encode(signature.to_bytes()) }],
        });
        dsse::parse(json.to_string().as_bytes()).expect("a well-formed envelope parses")
    };
    let _ = sign::verify_envelope(&envelope, &keys, &[]);
    let _ = sign::verify_attestation(&envelope, &keys, &[]);
});
