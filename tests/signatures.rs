//! aitrust's own signatures through the real binary: keygen, sign, verify, and `check` against tampering,
//! re-signing with another key, and the policy's requirement.

mod common;

use std::path::Path;

use common::{aitrust, codes, json_report, project, stderr, stdout};

fn append(path: &Path, text: &str) {
    let old = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{old}{text}")).unwrap();
}

/// A signed copy of the clean fixture whose policy trusts the signing key.
fn signed_project() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, root) = project("clean");
    std::fs::create_dir(root.join("keys")).unwrap();
    let output = aitrust(&root, &["keygen", "--out", "keys/acme"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    append(
        &root.join("aibom.toml"),
        "\n[policy]\nsignatures.require = \"all\"\nsignatures.trusted_keys = [\"keys/acme.pub\"]\n",
    );
    let output = aitrust(&root, &["sign", "--key", "keys/acme.key"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (dir, root)
}

#[test]
fn keygen_refuses_to_overwrite_and_protects_the_private_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = aitrust(dir.path(), &["keygen", "--out", "k"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains("key id: sha256:"));
    let private = std::fs::read_to_string(dir.path().join("k.key")).unwrap();
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
    let public = std::fs::read_to_string(dir.path().join("k.pub")).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("k.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = aitrust(dir.path(), &["keygen", "--out", "k"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("k.key")).unwrap(),
        private,
        "untouched"
    );
}

#[test]
fn a_signed_project_verifies_and_passes() {
    let (_dir, root) = signed_project();
    let envelope: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("aibom.sig")).unwrap()).unwrap();
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    assert_eq!(envelope["signatures"].as_array().unwrap().len(), 1);
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    let names: Vec<&str> = statement["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "tiny/README.md",
            "tiny/config.json",
            "tiny/model.safetensors",
            "tickets/tickets.csv",
            "aibom.toml"
        ]
    );
    let verify = aitrust(&root, &["verify", "--key", "keys/acme.pub"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    assert!(stdout(&verify).starts_with("valid:"));
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(codes(&report), Vec::<String>::new());
}

#[test]
fn a_file_changed_with_its_digest_rewritten_is_caught() {
    let (_dir, root) = signed_project();
    let config = root.join("models/tiny/config.json");
    let old = std::fs::read(&config).unwrap();
    let new = b"{\"architectures\": [\"Backdoored\"]}\n";
    std::fs::write(&config, new).unwrap();
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace(
            &aitrust::digest::hash::sha256_bytes(&old).to_string(),
            &aitrust::digest::hash::sha256_bytes(new).to_string(),
        )
        .replace(&format!("size = {}", old.len()), &format!("size = {}", new.len()));
    std::fs::write(&manifest, text).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    let found = codes(&report);
    assert!(
        !found.iter().any(|c| c.starts_with("INT")),
        "the manifest was rewritten to match: {found:?}"
    );
    assert!(found.contains(&"SIG002".to_string()), "{found:?}");
    let message = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SIG002")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("tiny/config.json") && message.contains("aibom.toml"),
        "{message}"
    );
    assert_eq!(
        aitrust(&root, &["verify", "--key", "keys/acme.pub"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn re_signed_by_an_untrusted_key_fails() {
    let (_dir, root) = signed_project();
    let output = aitrust(&root, &["keygen", "--out", "keys/mallory"]);
    assert_eq!(output.status.code(), Some(0));
    std::fs::write(root.join("models/tiny/model.safetensors"), b"evil weights").unwrap();
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let fixed = text
        .replace(
            "d82e098268c3ea294dc7c5ff264fa2cfc2a554e58bc49bedc18ac06fc55dd62a",
            &aitrust::digest::hash::sha256_bytes(b"evil weights").to_string(),
        )
        .replace("size = 4096", "size = 12");
    std::fs::write(&manifest, fixed).unwrap();
    let output = aitrust(&root, &["sign", "--key", "keys/mallory.key"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    let found = codes(&report);
    assert!(found.contains(&"SIG001".to_string()), "{found:?}");
    assert!(found.contains(&"SIG003".to_string()), "{found:?}");
    assert_eq!(aitrust(&root, &["verify"]).status.code(), Some(1));
    assert_eq!(
        aitrust(&root, &["verify", "--key", "keys/mallory.pub"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn damaged_signatures_and_unusable_input() {
    let (_dir, root) = signed_project();
    let sig = root.join("aibom.sig");
    let mut envelope: serde_json::Value = serde_json::from_slice(&std::fs::read(&sig).unwrap()).unwrap();
    let original = envelope.clone();
    // flip one bit of the signature
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut raw = engine
        .decode(envelope["signatures"][0]["sig"].as_str().unwrap())
        .unwrap();
    raw[10] ^= 1;
    envelope["signatures"][0]["sig"] = engine.encode(raw).into();
    std::fs::write(&sig, serde_json::to_vec(&envelope).unwrap()).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"SIG001".to_string()));
    // not JSON at all
    std::fs::write(&sig, "not a signature").unwrap();
    let (_, report) = json_report(&root, &[]);
    assert!(codes(&report).contains(&"SIG004".to_string()));
    assert_eq!(aitrust(&root, &["verify"]).status.code(), Some(1));
    // no signature at all, but the policy requires one
    std::fs::remove_file(&sig).unwrap();
    let (_, report) = json_report(&root, &[]);
    assert_eq!(codes(&report), ["SIG003", "SIG003"]);
    assert_eq!(
        aitrust(&root, &["verify"]).status.code(),
        Some(2),
        "no signature file is unusable input"
    );
    // a trusted key that cannot be read stops the audit
    std::fs::write(&sig, serde_json::to_vec(&original).unwrap()).unwrap();
    std::fs::write(root.join("keys/acme.pub"), "garbage").unwrap();
    let output = common::check(&root, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("keys/acme.pub"), "{}", stderr(&output));
}

#[test]
fn signing_refuses_a_project_that_does_not_match_its_manifest() {
    let (_dir, root) = project("changed-file");
    std::fs::create_dir(root.join("keys")).unwrap();
    aitrust(&root, &["keygen", "--out", "keys/k"]);
    let output = aitrust(&root, &["sign", "--key", "keys/k.key"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("models/tiny/model.safetensors"));
    assert!(!root.join("aibom.sig").exists());
}

#[test]
fn a_signature_without_trusted_keys_is_not_a_pass() {
    let (_dir, root) = project("clean");
    aitrust(&root, &["keygen", "--out", "k"]);
    assert_eq!(aitrust(&root, &["sign", "--key", "k.key"]).status.code(), Some(0));
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0);
    assert_eq!(codes(&report), ["SIG006"]);
}

#[test]
fn component_signatures() {
    let (_dir, root) = project("clean");
    std::fs::create_dir(root.join("keys")).unwrap();
    aitrust(&root, &["keygen", "--out", "keys/pub1"]);
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "card = \"models/tiny/README.md\"",
        "card = \"models/tiny/README.md\"\nsignature = { kind = \"aitrust\", path = \"signatures/tiny.sig\", public_key = \"keys/pub1.pub\" }",
    );
    std::fs::write(&manifest, format!("{text}\n[policy]\nsignatures.require = \"models\"\nsignatures.trusted_keys = [\"keys/pub1.pub\"]\n")).unwrap();
    std::fs::create_dir(root.join("signatures")).unwrap();
    let output = aitrust(&root, &["sign", "--key", "keys/pub1.key", "--component", "tiny"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0, "{report:#}");
    // the component signature does not cover the manifest: editing another component keeps it valid
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("name = \"Routed tickets\"", "name = \"Routed tickets v2\"");
    std::fs::write(&manifest, text).unwrap();
    let (code, _) = json_report(&root, &[]);
    assert_eq!(code, 0);
    // but a changed weight file breaks it
    std::fs::write(root.join("models/tiny/model.safetensors"), b"x").unwrap();
    let (_, report) = json_report(&root, &[]);
    let found = codes(&report);
    assert!(
        found.contains(&"SIG002".to_string()) && found.contains(&"SIG003".to_string()),
        "{found:?}"
    );
}

#[test]
fn a_component_key_named_like_a_trusted_key_is_not_trusted() {
    // A central policy trusts `keys/pub1.pub` in its own directory; the project ships an attacker's key at
    // the same relative path, names it as the component's key, and signs the component with it.
    let (_dir, root) = project("clean");
    std::fs::create_dir(root.join("keys")).unwrap();
    aitrust(&root, &["keygen", "--out", "keys/pub1"]);
    let central = tempfile::tempdir().unwrap();
    std::fs::create_dir(central.path().join("keys")).unwrap();
    assert_eq!(
        aitrust(central.path(), &["keygen", "--out", "keys/pub1"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(
        central.path().join("policy.toml"),
        "signatures.require = \"models\"\nsignatures.trusted_keys = [\"keys/pub1.pub\"]\n",
    )
    .unwrap();
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "card = \"models/tiny/README.md\"",
        "card = \"models/tiny/README.md\"\nsignature = { kind = \"aitrust\", path = \"signatures/tiny.sig\", public_key = \"keys/pub1.pub\" }",
    );
    std::fs::write(&manifest, text).unwrap();
    std::fs::create_dir(root.join("signatures")).unwrap();
    let output = aitrust(&root, &["sign", "--key", "keys/pub1.key", "--component", "tiny"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let policy = central.path().join("policy.toml");
    let (code, report) = json_report(&root, &["--policy", policy.to_str().unwrap()]);
    let found = codes(&report);
    assert_eq!(code, 1, "{found:?}");
    assert!(
        found.contains(&"SIG006".to_string()) && found.contains(&"SIG003".to_string()),
        "{found:?}"
    );
}

#[test]
fn keygen_keys_are_read_by_openssl() {
    // The oracle: OpenSSL derives the same public key from the private key file (PKCS#8 v1, RFC 8410).
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        aitrust(dir.path(), &["keygen", "--out", "k"]).status.code(),
        Some(0)
    );
    let output = std::process::Command::new("openssl")
        .args(["pkey", "-in", "k.key", "-pubout"])
        .current_dir(dir.path())
        .output()
        .expect("openssl is installed by .ci/run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        std::fs::read_to_string(dir.path().join("k.pub")).unwrap()
    );
}

#[test]
fn a_component_key_pinned_by_fingerprint_is_trusted_and_only_that_one() {
    let (_dir, root) = project("clean");
    std::fs::create_dir(root.join("keys")).unwrap();
    aitrust(&root, &["keygen", "--out", "keys/pub1"]);
    aitrust(&root, &["keygen", "--out", "keys/other"]);
    // the pin is the SHA-256 of the key's DER SubjectPublicKeyInfo, as openssl computes it
    let der = std::process::Command::new("openssl")
        .args(["pkey", "-pubin", "-in", "keys/pub1.pub", "-outform", "DER"])
        .current_dir(&root)
        .output()
        .unwrap()
        .stdout;
    assert!(!der.is_empty());
    use sha2::Digest as _;
    let pin: String = sha2::Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = root.join("aibom.toml");
    let original = std::fs::read_to_string(&manifest).unwrap();
    for (key, trusted) in [("keys/pub1", true), ("keys/other", false)] {
        let text = original.clone();
        let text = text.replace(
            "card = \"models/tiny/README.md\"",
            &format!("card = \"models/tiny/README.md\"\nsignature = {{ kind = \"aitrust\", path = \"signatures/tiny.sig\", public_key = \"{key}.pub\" }}"),
        );
        std::fs::write(&manifest, format!("{text}\n[policy]\nsignatures.require = \"models\"\nsignatures.trusted_keys = [\"sha256:{pin}\"]\n")).unwrap();
        std::fs::create_dir_all(root.join("signatures")).unwrap();
        let output = aitrust(
            &root,
            &["sign", "--key", &format!("{key}.key"), "--component", "tiny"],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let (code, report) = json_report(&root, &[]);
        let found: Vec<String> = codes(&report)
            .into_iter()
            .filter(|c| c.starts_with("SIG"))
            .collect();
        if trusted {
            assert_eq!(found, Vec::<String>::new(), "{key}");
        } else {
            assert_eq!(code, 1, "{key}: {found:?}");
            assert!(
                found.contains(&"SIG006".to_string()) && found.contains(&"SIG003".to_string()),
                "{found:?}"
            );
        }
    }
}
