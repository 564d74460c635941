//! OpenSSF model-signing bundles from `../shared/testdata/model-signing` (real bundles of every release of the
//! reference signer), verified through `aitrust check`, as they are and after tampering.
//!
//! Expected outcomes are the reference verifier's (`model_signing` 1.1.1, run on this machine):
//! `verify key` accepts every elliptic-key bundle but v1.0.1, which fails with "Extra files found in model:
//! ignore-me" unless told to ignore it; `verify certificate` with ca-cert.pem + int-ca-cert.pem does the same for
//! the certificate bundles. Sigstore keyless bundles verify offline against the public-good trust root, with the
//! signer identity the testdata README gives and no other (the conformance suite's wrong-identity and
//! wrong-issuer cases).

mod common;

use std::path::{Path, PathBuf};

use common::{codes, json_report};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/model-signing")
}

#[derive(Clone, Copy, PartialEq)]
enum Method {
    Key,
    Certificate,
    Sigstore,
}

/// A project with the bundle directory `name` as its model, and the manifest lines for its signature.
fn project(name: &str, method: Method, ignore: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    common::copy_tree(&testdata().join(name), &root.join("model"));
    common::copy_tree(&testdata().join("keys/certificate"), &root.join("keys"));
    // read-only copies from the shared folder must be writable for the tampering tests
    for entry in walkdir::WalkDir::new(&root).into_iter().flatten() {
        let mut permissions = entry.metadata().unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(entry.path(), permissions).unwrap();
    }
    let single_file = !root.join("model/signme-2").exists();
    let path = if single_file { "model/signme-1" } else { "model" };
    let trust = match method {
        Method::Key | Method::Sigstore => "public_key = \"keys/signing-key-pub.pem\"",
        Method::Certificate => "certificate_chain = [\"keys/ca-cert.pem\", \"keys/int-ca-cert.pem\"]",
    };
    let trusted = match method {
        Method::Certificate => "keys/ca-cert.pem",
        _ => "keys/signing-key-pub.pem",
    };
    let ignore = ignore
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let manifest = format!(
        "schema = 1\n[project]\nname = \"p\"\n[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"{path}\"\nlicense = \"apache-2.0\"\npublisher = \"acme\"\n\
signature = {{ kind = \"model-signing\", path = \"model/model.sig\", {trust}, ignore_paths = [{ignore}] }}\n\
[policy]\nsignatures.require = \"models\"\nsignatures.trusted_keys = [\"{trusted}\"]\nlevels = {{ \"INT006\" = \"allow\", \"INT004\" = \"allow\", \"PRV006\" = \"allow\" }}\n"
    );
    std::fs::write(root.join("aibom.toml"), manifest).unwrap();
    (dir, root)
}

fn signature_codes(root: &Path) -> Vec<String> {
    let (_, report) = json_report(root, &[]);
    codes(&report)
        .into_iter()
        .filter(|c| c.starts_with("SIG"))
        .collect()
}

const RELEASES: &[&str] = &["v0.3.1", "v1.0.0", "v1.0.1", "v1.1.0"];

#[test]
fn every_key_and_certificate_bundle_agrees_with_the_reference_verifier() {
    for release in RELEASES.iter().chain(&["v0.2.0"]) {
        for (suffix, method) in [
            ("elliptic-key", Method::Key),
            ("certificate", Method::Certificate),
        ] {
            let name = format!("{release}-{suffix}");
            if !testdata().join(&name).exists() {
                continue;
            }
            let (_dir, root) = project(&name, method, &[]);
            let found = signature_codes(&root);
            if *release == "v1.0.1" {
                // the reference: "Extra files found in model: ignore-me"
                assert_eq!(found, ["SIG002", "SIG003"], "{name}");
                let (_dir, root) = project(&name, method, &["ignore-me"]);
                assert_eq!(
                    signature_codes(&root),
                    Vec::<String>::new(),
                    "{name} with ignore-me ignored"
                );
            } else {
                assert_eq!(found, Vec::<String>::new(), "{name}");
            }
        }
    }
}

#[test]
fn tampered_models_and_signatures_are_rejected() {
    for release in RELEASES {
        for (suffix, method) in [
            ("elliptic-key", Method::Key),
            ("certificate", Method::Certificate),
        ] {
            let name = format!("{release}-{suffix}");
            let ignore: &[&str] = if *release == "v1.0.1" { &["ignore-me"] } else { &[] };
            // a changed model file
            let (_dir, root) = project(&name, method, ignore);
            std::fs::write(root.join("model/signme-1"), "tampered").unwrap();
            assert_eq!(
                signature_codes(&root),
                ["SIG002", "SIG003"],
                "{name}: changed file"
            );
            // an extra file the signer never saw
            let (_dir, root) = project(&name, method, ignore);
            if root.join("model/signme-2").exists() {
                std::fs::write(root.join("model/extra.pt"), "pickle").unwrap();
                assert_eq!(signature_codes(&root), ["SIG002", "SIG003"], "{name}: extra file");
                // a missing file
                let (_dir, root) = project(&name, method, ignore);
                std::fs::remove_file(root.join("model/signme-2")).unwrap();
                assert_eq!(
                    signature_codes(&root),
                    ["SIG002", "SIG003"],
                    "{name}: missing file"
                );
            }
            // a flipped bit in the signature
            let (_dir, root) = project(&name, method, ignore);
            let path = root.join("model/model.sig");
            let mut bundle: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            use base64::Engine as _;
            let engine = base64::engine::general_purpose::STANDARD;
            let mut sig = engine
                .decode(bundle["dsseEnvelope"]["signatures"][0]["sig"].as_str().unwrap())
                .unwrap();
            let last = sig.len() - 3;
            sig[last] ^= 0x01;
            bundle["dsseEnvelope"]["signatures"][0]["sig"] = engine.encode(sig).into();
            std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
            assert_eq!(
                signature_codes(&root),
                ["SIG001", "SIG003"],
                "{name}: forged signature"
            );
        }
    }
}

#[test]
fn a_bundle_signed_by_another_key_is_rejected() {
    let (_dir, root) = project("v1.1.0-elliptic-key", Method::Key, &[]);
    // another P-384 key in place of the publisher's
    use p384::pkcs8::EncodePublicKey;
    let other = p384::SecretKey::from_slice(&[7u8; 48]).unwrap().public_key();
    let pem = other.to_public_key_pem(p384::pkcs8::LineEnding::LF).unwrap();
    std::fs::write(root.join("keys/signing-key-pub.pem"), pem).unwrap();
    let (_, report) = json_report(&root, &[]);
    let message = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SIG001")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("signed by another key"), "{message}");
    // a certificate bundle checked against a chain that does not issue it
    let (_dir, root) = project("v1.1.0-certificate", Method::Certificate, &[]);
    std::fs::copy(
        root.join("keys/signing-key-cert.pem"),
        root.join("keys/ca-cert.pem"),
    )
    .unwrap();
    std::fs::write(
        root.join("keys/int-ca-cert.pem"),
        std::fs::read(root.join("keys/signing-key-cert.pem")).unwrap(),
    )
    .unwrap();
    assert_eq!(signature_codes(&root), ["SIG001", "SIG003"]);
}

const KEYLESS: [&str; 4] = ["v0.3.1", "v1.0.0", "v1.0.1", "v1.1.0"];
/// The signer of the keyless testdata bundles (../shared/testdata/README.md).
const SIGNER: &str = "{ issuer = \"https://sigstore.verify.ibm.com/oauth2\", san = \"stefanb@us.ibm.com\" }";

/// A keyless project whose policy trusts `identities` (the TOML array's items).
fn keyless(release: &str, identities: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = project(&format!("{release}-sigstore"), Method::Sigstore, &["ignore-me"]);
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    let manifest = manifest.replace(", public_key = \"keys/signing-key-pub.pem\"", "");
    std::fs::write(
        root.join("aibom.toml"),
        format!("{manifest}signatures.identities = [{identities}]\n"),
    )
    .unwrap();
    (dir, root)
}

#[test]
fn keyless_bundles_verify_offline_with_their_signers_identity() {
    for release in KEYLESS {
        let (_dir, root) = keyless(release, SIGNER);
        assert_eq!(signature_codes(&root), Vec::<String>::new(), "{release}");
        // a regular expression over the whole SAN works too
        let (_dir, root) = keyless(
            release,
            "{ issuer = \"https://sigstore.verify.ibm.com/oauth2\", san_regex = \".*@us[.]ibm[.]com\" }",
        );
        assert_eq!(signature_codes(&root), Vec::<String>::new(), "{release}");
    }
}

#[test]
fn keyless_bundles_from_any_other_signer_are_not_trusted() {
    for identities in [
        "",
        "{ issuer = \"https://sigstore.verify.ibm.com/oauth2\", san = \"someone@us.ibm.com\" }",
        "{ issuer = \"https://token.actions.githubusercontent.com\", san = \"stefanb@us.ibm.com\" }",
        // anchored: a prefix match is not a match
        "{ issuer = \"https://sigstore.verify.ibm.com/oauth2\", san_regex = \"stefanb\" }",
    ] {
        for release in KEYLESS {
            let (_dir, root) = keyless(release, identities);
            assert_eq!(
                signature_codes(&root),
                ["SIG003", "SIG006"],
                "{release} {identities}"
            );
        }
    }
}

#[test]
fn a_changed_model_fails_its_keyless_signature() {
    for release in KEYLESS {
        let (_dir, root) = keyless(release, SIGNER);
        std::fs::write(root.join("model/signme-2"), b"tampered").unwrap();
        assert_eq!(signature_codes(&root), ["SIG002", "SIG003"], "{release}");
    }
}

/// Changes one part of the v1.1.0 keyless bundle; the result must be an invalid signature (SIG001).
fn tampered_keyless(change: impl Fn(&mut serde_json::Value)) -> Vec<String> {
    let (_dir, root) = keyless("v1.1.0", SIGNER);
    let path = root.join("model/model.sig");
    let mut bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    change(&mut bundle);
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    signature_codes(&root)
}

/// One way to tamper with a bundle.
type Change = Box<dyn Fn(&mut serde_json::Value)>;

fn flip_base64(value: &mut serde_json::Value, at: usize) {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut bytes = engine.decode(value.as_str().unwrap()).unwrap();
    bytes[at] ^= 1;
    *value = serde_json::Value::String(engine.encode(bytes));
}

#[test]
fn every_part_of_a_keyless_bundle_is_checked() {
    let entry = "/verificationMaterial/tlogEntries/0";
    let cases: Vec<(&str, Change)> = vec![
        (
            "signed entry timestamp",
            Box::new(move |b| {
                flip_base64(
                    b.pointer_mut(&format!("{entry}/inclusionPromise/signedEntryTimestamp"))
                        .unwrap(),
                    20,
                )
            }),
        ),
        (
            "integrated time",
            Box::new(move |b| {
                *b.pointer_mut(&format!("{entry}/integratedTime")).unwrap() = "1760062341".into()
            }),
        ),
        (
            "log index",
            Box::new(move |b| *b.pointer_mut(&format!("{entry}/logIndex")).unwrap() = "1".into()),
        ),
        (
            "entry body",
            Box::new(move |b| flip_base64(b.pointer_mut(&format!("{entry}/canonicalizedBody")).unwrap(), 30)),
        ),
        (
            "inclusion proof hash",
            Box::new(move |b| {
                flip_base64(
                    b.pointer_mut(&format!("{entry}/inclusionProof/hashes/0"))
                        .unwrap(),
                    0,
                )
            }),
        ),
        (
            "inclusion proof index",
            Box::new(move |b| {
                *b.pointer_mut(&format!("{entry}/inclusionProof/logIndex"))
                    .unwrap() = "0".into()
            }),
        ),
        (
            "checkpoint",
            Box::new(move |b| {
                let text = b
                    .pointer(&format!("{entry}/inclusionProof/checkpoint/envelope"))
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string();
                let changed = text.replacen("rekor.sigstore.dev - ", "rekor.sigstore.dev -  ", 1);
                *b.pointer_mut(&format!("{entry}/inclusionProof/checkpoint/envelope"))
                    .unwrap() = changed.into();
            }),
        ),
        (
            "log id",
            Box::new(move |b| flip_base64(b.pointer_mut(&format!("{entry}/logId/keyId")).unwrap(), 0)),
        ),
        (
            "no entry",
            Box::new(|b| {
                *b.pointer_mut("/verificationMaterial/tlogEntries").unwrap() = serde_json::json!([])
            }),
        ),
        (
            "certificate",
            Box::new(|b| {
                flip_base64(
                    b.pointer_mut("/verificationMaterial/certificate/rawBytes")
                        .unwrap(),
                    400,
                )
            }),
        ),
        (
            "envelope signature",
            Box::new(|b| flip_base64(b.pointer_mut("/dsseEnvelope/signatures/0/sig").unwrap(), 10)),
        ),
        (
            "payload",
            Box::new(|b| {
                use base64::Engine as _;
                let engine = base64::engine::general_purpose::STANDARD;
                let text = String::from_utf8(
                    engine
                        .decode(b["dsseEnvelope"]["payload"].as_str().unwrap())
                        .unwrap(),
                )
                .unwrap();
                b["dsseEnvelope"]["payload"] = engine.encode(text.replace("signme-2", "signme-3")).into();
            }),
        ),
    ];
    for (what, change) in cases {
        let found = tampered_keyless(change);
        assert!(found.contains(&"SIG001".to_string()), "{what}: {found:?}");
        assert!(!found.contains(&"SIG005".to_string()), "{what}: {found:?}");
    }
}

/// The public-good trust root of the testdata, as JSON to edit.
fn public_good_trust_root() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/sigstore/trusted_root.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_trust_root_without_the_signing_authority_rejects_keyless_bundles() {
    let (_dir, root) = keyless("v1.1.0", SIGNER);
    let mut trust = public_good_trust_root();
    trust["certificateAuthorities"] = serde_json::json!([]);
    std::fs::write(root.join("trust.json"), serde_json::to_vec(&trust).unwrap()).unwrap();
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    std::fs::write(
        root.join("aibom.toml"),
        format!("{manifest}signatures.trust_root = \"trust.json\"\n"),
    )
    .unwrap();
    assert_eq!(signature_codes(&root), ["SIG001", "SIG003"]);
}

#[test]
fn a_verified_bundle_from_an_untrusted_publisher_does_not_count() {
    let (_dir, root) = project("v1.1.0-elliptic-key", Method::Key, &[]);
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap().replace(
        "signatures.trusted_keys = [\"keys/signing-key-pub.pem\"]",
        "signatures.trusted_keys = []",
    );
    std::fs::write(root.join("aibom.toml"), manifest).unwrap();
    assert_eq!(signature_codes(&root), ["SIG003", "SIG006"]);
}

/// A central policy (beside the project, as `--policy` gives it) that requires signed models and trusts the
/// key file `keys/signing-key-pub.pem` relative to the policy's own directory.
fn central_policy(trusted_pem: &str) -> tempfile::TempDir {
    let central = tempfile::tempdir().unwrap();
    std::fs::create_dir(central.path().join("keys")).unwrap();
    std::fs::write(central.path().join("keys/signing-key-pub.pem"), trusted_pem).unwrap();
    std::fs::write(
        central.path().join("policy.toml"),
        "signatures.require = \"models\"\nsignatures.trusted_keys = [\"keys/signing-key-pub.pem\"]\nlevels = { \"INT006\" = \"allow\", \"INT004\" = \"allow\", \"PRV006\" = \"allow\" }\n",
    )
    .unwrap();
    central
}

/// Another P-256 public key (a fixed scalar; only its public half is used).
fn other_p256_pem() -> String {
    use p256::pkcs8::EncodePublicKey;
    let secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
    secret
        .public_key()
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .unwrap()
}

#[test]
fn trust_is_decided_by_the_key_that_verified_not_by_a_path() {
    // The attack: the central policy trusts `keys/signing-key-pub.pem` (its own file); the project carries
    // an attacker's key at the same relative path and a bundle the attacker signed. Same string, other key.
    let (_dir, root) = project("v1.1.0-elliptic-key", Method::Key, &[]);
    let central = central_policy(&other_p256_pem());
    let policy = central.path().join("policy.toml");
    let policy = policy.to_str().unwrap();
    let (code, report) = json_report(&root, &["--policy", policy]);
    let sig = signature_codes(&root);
    let found = codes(&report);
    assert_eq!(code, 1, "{found:?}");
    assert!(found.contains(&"SIG006".to_string()), "{found:?}");
    assert!(found.contains(&"SIG003".to_string()), "{found:?}");
    // the project's own policy still trusts its key (by content: it is the same file)
    assert!(sig.is_empty(), "{sig:?}");
    // the central policy trusting the real publisher key, in its own copy, passes
    let real = std::fs::read_to_string(testdata().join("keys/certificate/signing-key-pub.pem")).unwrap();
    let central = central_policy(&real);
    let policy = central.path().join("policy.toml");
    let (code, report) = json_report(&root, &["--policy", policy.to_str().unwrap()]);
    assert_eq!(code, 0, "{:?}", codes(&report));
}

#[test]
fn a_file_named_in_the_chain_is_not_the_root_it_validated_to() {
    // The bundle's chain validates to ca-cert.pem. Trusting only the intermediate's file, which the manifest
    // also names in certificate_chain, used to pass because the path strings matched.
    let (_dir, root) = project("v1.1.0-certificate", Method::Certificate, &[]);
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "signatures.trusted_keys = [\"keys/ca-cert.pem\"]",
        "signatures.trusted_keys = [\"keys/int-ca-cert.pem\"]",
    );
    std::fs::write(&manifest, text).unwrap();
    let mut found = signature_codes(&root);
    found.sort();
    assert_eq!(found, ["SIG003", "SIG006"]);
}

#[test]
fn a_trusted_key_file_must_decode_as_a_key() {
    let (_dir, root) = project("v1.1.0-elliptic-key", Method::Key, &[]);
    // text that merely contains the PEM header is not a key
    std::fs::write(
        root.join("keys/signing-key-pub.pem"),
        "-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    let output = common::check(&root, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", common::stderr(&output));
    assert!(
        common::stderr(&output).contains("trusted key"),
        "{}",
        common::stderr(&output)
    );
}

#[test]
fn junk_verification_material_cannot_downgrade_an_error_to_not_verified() {
    for junk in [
        serde_json::json!({ "certificate": { "rawBytes": "bm90IGEgY2VydA==" }, "tlogEntries": [{}] }),
        serde_json::json!({ "certificate": "junk" }),
    ] {
        let (_dir, root) = project("v1.1.0-elliptic-key", Method::Key, &[]);
        let bundle_path = root.join("model/model.sig");
        let mut bundle: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&bundle_path).unwrap()).unwrap();
        bundle["verificationMaterial"] = junk.clone();
        std::fs::write(&bundle_path, serde_json::to_vec(&bundle).unwrap()).unwrap();
        std::fs::write(root.join("model/signme-1"), b"tampered").unwrap();
        let found = signature_codes(&root);
        assert!(found.contains(&"SIG001".to_string()), "{junk}: {found:?}");
        assert!(!found.contains(&"SIG005".to_string()), "{junk}: {found:?}");
    }
}

/// The fingerprint openssl gives the key: SHA-256 of its DER SubjectPublicKeyInfo.
fn openssl_fingerprint(pem: &Path) -> String {
    let der = std::process::Command::new("openssl")
        .args(["pkey", "-pubin", "-outform", "DER", "-in"])
        .arg(pem)
        .output()
        .unwrap();
    assert!(der.status.success());
    format!("sha256:{}", aitrust::digest::hash::sha256_bytes(&der.stdout))
}

#[test]
fn a_publisher_pinned_by_fingerprint_is_trusted_and_only_that_one() {
    let (_dir, root) = project("v1.1.0-elliptic-key", Method::Key, &["ignore-me"]);
    let pin = openssl_fingerprint(&root.join("keys/signing-key-pub.pem"));
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let with = |entry: &str| text.replace("[\"keys/signing-key-pub.pem\"]", &format!("[\"{entry}\"]"));
    std::fs::write(&manifest, with(&pin)).unwrap();
    assert_eq!(signature_codes(&root), Vec::<String>::new());
    // upper-case hex is the same pin
    std::fs::write(&manifest, with(&pin.to_uppercase().replace("SHA256:", "sha256:"))).unwrap();
    assert_eq!(signature_codes(&root), Vec::<String>::new());
    // another key's pin does not trust this publisher
    std::fs::write(&manifest, with(&format!("sha256:{}", "0".repeat(64)))).unwrap();
    assert_eq!(signature_codes(&root), ["SIG003", "SIG006"]);
    // a pin that is not a SHA-256 is a manifest error, never a path
    std::fs::write(&manifest, with("sha256:1234")).unwrap();
    let output = common::check(&root, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(common::stderr(&output).contains("`sha256:1234` is not a SHA-256 fingerprint"));
}

/// A bundle as the Go port writes one with an Ed25519 key (`PKIX_ED25519_PH`: Ed25519ph over SHA-512 of the
/// PAE, hint = SHA-256 of the key's PEM), over `model/` holding one file.
fn ed25519_bundle(root: &Path, prehashed: bool) -> String {
    use base64::Engine as _;
    use ed25519_dalek::Digest as _;
    use ed25519_dalek::pkcs8::EncodePublicKey as _;
    use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
    use sha2::Digest as _;
    let engine = base64::engine::general_purpose::STANDARD;
    std::fs::create_dir_all(root.join("model")).unwrap();
    std::fs::write(root.join("model/w.bin"), b"weights").unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let pem = key.verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
    let digest: [u8; 32] = sha2::Sha256::digest(b"weights").into();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let root_digest = sha2::Sha256::digest(digest);
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "model", "digest": {"sha256": hex(&root_digest)}}],
        "predicateType": "https://model_signing/signature/v1.0",
        "predicate": {
            "resources": [{"name": "w.bin", "algorithm": "sha256", "digest": hex(&digest)}],
            "serialization": {"method": "files", "hash_type": "sha256", "allow_symlinks": false, "ignore_paths": [".git", ".gitattributes", ".github", ".gitignore", "model.sig"]},
        },
    });
    let payload = serde_json::to_vec(&statement).unwrap();
    let mut pae = format!("DSSEv1 28 application/vnd.in-toto+json {} ", payload.len()).into_bytes();
    pae.extend_from_slice(&payload);
    let signature = if prehashed {
        let mut prehash = ed25519_dalek::Sha512::new();
        prehash.update(&pae);
        key.sign_prehashed(prehash, None).unwrap()
    } else {
        use ed25519_dalek::Signer as _;
        key.sign(&pae)
    };
    let bundle = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": hex(&sha2::Sha256::digest(pem.as_bytes()))}, "tlogEntries": []},
        "dsseEnvelope": {"payload": engine.encode(&payload), "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"sig": engine.encode(signature.to_bytes()), "keyid": ""}]},
    });
    std::fs::write(root.join("model/model.sig"), serde_json::to_vec(&bundle).unwrap()).unwrap();
    std::fs::write(root.join("pub.pem"), &pem).unwrap();
    std::fs::write(
        root.join("aibom.toml"),
        "schema = 1\n[project]\nname = \"p\"\n[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"model\"\nlicense = \"apache-2.0\"\npublisher = \"acme\"\n\
signature = { kind = \"model-signing\", path = \"model/model.sig\", public_key = \"pub.pem\" }\n\
[policy]\nsignatures.require = \"models\"\nsignatures.trusted_keys = [\"pub.pem\"]\nlevels = { \"INT006\" = \"allow\", \"INT004\" = \"allow\", \"PRV006\" = \"allow\" }\n",
    )
    .unwrap();
    pem
}

#[test]
fn ed25519ph_bundles_as_the_go_port_signs_them_verify_and_pure_ed25519_does_not() {
    let dir = tempfile::tempdir().unwrap();
    ed25519_bundle(dir.path(), true);
    assert_eq!(signature_codes(dir.path()), Vec::<String>::new());
    std::fs::write(dir.path().join("model/w.bin"), b"tampered").unwrap();
    assert_eq!(signature_codes(dir.path()), ["SIG002", "SIG003"]);
    let dir = tempfile::tempdir().unwrap();
    ed25519_bundle(dir.path(), false);
    assert_eq!(signature_codes(dir.path()), ["SIG001", "SIG003"]);
}

#[test]
fn trust_root_on_the_command_line_replaces_the_embedded_one() {
    let (_dir, root) = keyless("v1.1.0", SIGNER);
    let mut trust = public_good_trust_root();
    trust["tlogs"] = serde_json::json!([]);
    std::fs::write(root.join("no-logs.json"), serde_json::to_vec(&trust).unwrap()).unwrap();
    let (_, report) = json_report(&root, &["--trust-root", "no-logs.json"]);
    let found: Vec<String> = codes(&report)
        .into_iter()
        .filter(|c| c.starts_with("SIG"))
        .collect();
    assert_eq!(found, ["SIG001", "SIG003"]);
    // a file that is not a trust root is unusable input (exit 2), never a pass
    std::fs::write(root.join("junk.json"), b"{}").unwrap();
    let output = common::check(&root, &["--trust-root", "junk.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", common::stderr(&output));
}

#[test]
fn a_keyless_bundle_stripped_to_an_unsupported_form_cannot_hide_a_changed_model() {
    let strip = |b: &mut serde_json::Value| {
        b["verificationMaterial"]["tlogEntries"][0]
            .as_object_mut()
            .unwrap()
            .remove("inclusionPromise");
    };
    // unchanged: the entry's time would come from the RFC 3161 timestamp alone, which aitrust does not verify
    assert_eq!(tampered_keyless(strip), ["SIG003", "SIG005"]);
    // a changed model is still a mismatch, a forged envelope still invalid
    let (_dir, root) = keyless("v1.1.0", SIGNER);
    let path = root.join("model/model.sig");
    let mut bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    strip(&mut bundle);
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    std::fs::write(root.join("model/signme-1"), b"tampered").unwrap();
    assert_eq!(signature_codes(&root), ["SIG002", "SIG003"]);
    let found = tampered_keyless(|b| {
        strip(b);
        flip_base64(b.pointer_mut("/dsseEnvelope/signatures/0/sig").unwrap(), 10);
    });
    assert_eq!(found, ["SIG001", "SIG003"]);
}
