//! aitrust's model-signing verifier against the reference (`model_signing` 1.1.1, the OpenSSF Python tool)
//! on models signed here with fresh P-256 keys and then changed the way an attacker or an odd checkout would:
//! the verdict (accepted or rejected) must be the reference's. `.ci/run` installs the reference; elsewhere
//! the test says it is skipped when `model_signing` is not on the PATH.

mod common;

use std::path::Path;
use std::process::Command;

use common::{codes, have_reference, json_report, succeeds as run};

/// A project with `model/` holding `files`, a fresh P-256 key pair (openssl), and the manifest for aitrust.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    project_on(files, "prime256v1")
}

fn project_on(files: &[(&str, &[u8])], curve: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (name, bytes) in files {
        let path = root.join("model").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    assert!(run(
        root,
        "openssl",
        &["ecparam", "-name", curve, "-genkey", "-noout", "-out", "key.pem"]
    ));
    assert!(run(
        root,
        "openssl",
        &["ec", "-in", "key.pem", "-pubout", "-out", "pub.pem"]
    ));
    dir
}

fn manifest(root: &Path, path: &str) {
    manifest_with(root, path, "")
}

/// The manifest, with `extra` added to the signature table (e.g. `, ignore_unsigned_files = true`).
fn manifest_with(root: &Path, path: &str, extra: &str) {
    std::fs::write(
        root.join("aibom.toml"),
        format!(
            "schema = 1\n[project]\nname = \"p\"\n[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"{path}\"\nlicense = \"apache-2.0\"\npublisher = \"acme\"\n\
signature = {{ kind = \"model-signing\", path = \"model.sig\", public_key = \"pub.pem\"{extra} }}\n\
[policy]\nsignatures.require = \"models\"\nsignatures.trusted_keys = [\"pub.pem\"]\nlevels = {{ \"INT006\" = \"allow\", \"INT004\" = \"allow\", \"INT012\" = \"allow\", \"PRV006\" = \"allow\" }}\n"
        ),
    )
    .unwrap();
}

fn sign(root: &Path, model: &str, flags: &[&str]) {
    let mut args = vec![
        "sign",
        "key",
        "--private_key",
        "key.pem",
        "--signature",
        "model.sig",
    ];
    args.extend_from_slice(flags);
    args.push(model);
    assert!(run(root, "model_signing", &args), "the reference could not sign");
}

/// (reference accepts, aitrust accepts) for the model at `model`.
fn verdicts(root: &Path, model: &str, flags: &[&str]) -> (bool, bool) {
    verdicts_with(root, model, flags, "")
}

/// [`verdicts`], with `extra` added to the manifest's signature table.
fn verdicts_with(root: &Path, model: &str, flags: &[&str], extra: &str) -> (bool, bool) {
    let mut args = vec![
        "verify",
        "key",
        "--public_key",
        "pub.pem",
        "--signature",
        "model.sig",
    ];
    args.extend_from_slice(flags);
    args.push(model);
    let reference = run(root, "model_signing", &args);
    manifest_with(root, model, extra);
    let (_, report) = json_report(root, &[]);
    let ours = !codes(&report).iter().any(|c| c.starts_with("SIG"));
    (reference, ours)
}

const WEIGHTS: &[(&str, &[u8])] = &[
    ("config.json", b"{}"),
    ("w.bin", b"weights"),
    ("sub/tok.json", b"[]"),
];

#[test]
fn aitrust_agrees_with_the_reference_verifier_on_changed_models() {
    if !have_reference() {
        return;
    }
    type Change = fn(&Path);
    let cases: &[(&str, &[&str], Change)] = &[
        ("unchanged", &[], |_| {}),
        ("a file added", &[], |m| {
            std::fs::write(m.join("extra.py"), b"evil").unwrap()
        }),
        ("a file changed", &[], |m| {
            std::fs::write(m.join("w.bin"), b"other").unwrap()
        }),
        ("a file removed", &[], |m| {
            std::fs::remove_file(m.join("sub/tok.json")).unwrap()
        }),
        // `\` is part of a name on POSIX: `sub\evil.py` is a new file at the root, not inside `sub`
        ("a name with a backslash", &["--ignore-paths", "sub"], |m| {
            std::fs::write(m.join("sub\\evil.py"), b"evil").unwrap()
        }),
        ("a git file added (git paths ignored)", &[], |m| {
            std::fs::write(m.join(".gitattributes"), b"*.bin filter=lfs").unwrap()
        }),
        ("a link inside .git", &[], |m| {
            std::fs::create_dir_all(m.join(".git")).unwrap();
            std::os::unix::fs::symlink("../w.bin", m.join(".git/hook")).unwrap();
        }),
        ("a link beside the weights", &[], |m| {
            std::os::unix::fs::symlink("w.bin", m.join("w2.bin")).unwrap()
        }),
    ];
    let mut disagreements = Vec::new();
    for (name, flags, change) in cases {
        let dir = project(WEIGHTS);
        let root = dir.path();
        sign(root, "model", flags);
        change(&root.join("model"));
        let (reference, ours) = verdicts(root, "model", flags);
        if reference != ours {
            disagreements.push(format!(
                "{name}: reference accepts {reference}, aitrust accepts {ours}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn bundles_the_reference_makes_with_other_options_verify() {
    if !have_reference() {
        return;
    }
    // signed without the git-path ignores: the git files are part of the model
    let dir = project(&[("w.bin", b"weights"), (".gitattributes", b"*.bin filter=lfs")]);
    sign(dir.path(), "model", &["--no-ignore-git-paths"]);
    assert_eq!(
        verdicts(dir.path(), "model", &["--no-ignore-git-paths"]),
        (true, true)
    );
    std::fs::write(dir.path().join("model/.gitattributes"), b"changed").unwrap();
    assert_eq!(
        verdicts(dir.path(), "model", &["--no-ignore-git-paths"]),
        (false, false)
    );

    // signed following links: a link to a file inside the model is its content
    let dir = project(&[("w.bin", b"weights")]);
    std::os::unix::fs::symlink("w.bin", dir.path().join("model/alias.bin")).unwrap();
    sign(dir.path(), "model", &["--allow_symlinks"]);
    assert_eq!(verdicts(dir.path(), "model", &["--allow_symlinks"]), (true, true));
}

#[test]
fn a_directory_bundle_does_not_verify_a_single_file() {
    if !have_reference() {
        return;
    }
    // the bundle signs the directory {w.bin}; the manifest points at the file w.bin alone
    let dir = project(&[("w.bin", b"weights")]);
    sign(dir.path(), "model", &[]);
    let (reference, ours) = verdicts(dir.path(), "model/w.bin", &[]);
    assert_eq!((reference, ours), (false, false));
    // and a single-file bundle verifies its file
    let dir = project(&[("w.bin", b"weights")]);
    sign(dir.path(), "model/w.bin", &[]);
    assert_eq!(verdicts(dir.path(), "model/w.bin", &[]), (true, true));
}

#[test]
fn a_fifo_in_the_model_is_rejected_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/model-signing/v1.1.0-elliptic-key"),
        &root.join("model"),
    );
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/model-signing/keys/certificate"),
        &root.join("keys"),
    );
    // the bundle ignores `ignore-me`; a FIFO there is still not something a signer could have read
    std::fs::remove_file(root.join("model/ignore-me")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(root.join("model/ignore-me"))
            .status()
            .unwrap()
            .success()
    );
    std::fs::rename(root.join("model/model.sig"), root.join("model.sig")).unwrap();
    std::fs::copy(root.join("keys/signing-key-pub.pem"), root.join("pub.pem")).unwrap();
    manifest(root, "model");
    let (_, report) = json_report(root, &[]);
    let found = codes(&report);
    assert!(found.iter().any(|c| c == "SIG002"), "{found:?}");
}

#[test]
fn a_public_key_file_in_another_form_is_the_same_key() {
    if !have_reference() {
        return;
    }
    let dir = project(&[("w.bin", b"weights")]);
    let root = dir.path();
    sign(root, "model", &[]);
    // the same key with a compressed point, then with CRLF line endings: the bundle's hint is of the
    // re-encoded key, so both verify (and the trusted-key fingerprint is the same key's)
    assert!(run(
        root,
        "openssl",
        &[
            "ec",
            "-in",
            "key.pem",
            "-pubout",
            "-conv_form",
            "compressed",
            "-out",
            "pub.pem"
        ]
    ));
    assert_eq!(verdicts(root, "model", &[]), (true, true));
    let text = std::fs::read_to_string(root.join("pub.pem")).unwrap();
    std::fs::write(root.join("pub.pem"), text.replace('\n', "\r\n")).unwrap();
    assert_eq!(verdicts(root, "model", &[]), (true, true));
}

#[test]
fn every_curve_the_reference_signs_with_verifies() {
    if !have_reference() {
        return;
    }
    for curve in ["prime256v1", "secp384r1", "secp521r1"] {
        let dir = project_on(WEIGHTS, curve);
        sign(dir.path(), "model", &[]);
        assert_eq!(verdicts(dir.path(), "model", &[]), (true, true), "{curve}");
        std::fs::write(dir.path().join("model/w.bin"), b"tampered").unwrap();
        assert_eq!(
            verdicts(dir.path(), "model", &[]),
            (false, false),
            "{curve} tampered"
        );
    }
}

#[test]
fn only_the_first_signature_of_an_envelope_counts_as_in_the_reference() {
    if !have_reference() {
        return;
    }
    let edit = |root: &Path, change: fn(&mut Vec<serde_json::Value>)| {
        let path = root.join("model.sig");
        let mut bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let signatures = bundle["dsseEnvelope"]["signatures"].as_array_mut().unwrap();
        change(signatures);
        std::fs::write(&path, bundle.to_string()).unwrap();
    };
    // a second, junk signature after the real one: still the publisher's signature
    let dir = project(WEIGHTS);
    sign(dir.path(), "model", &[]);
    edit(dir.path(), |s| {
        s.push(serde_json::json!({ "sig": "MAYCAQECAQE=" }))
    });
    assert_eq!(verdicts(dir.path(), "model", &[]), (true, true));
    // a second one that is not even base64: the reference cannot read the bundle
    let dir = project(WEIGHTS);
    sign(dir.path(), "model", &[]);
    edit(dir.path(), |s| {
        s.push(serde_json::json!({ "sig": "not base64!" }))
    });
    assert_eq!(verdicts(dir.path(), "model", &[]), (false, false));
    // the junk first: not verified, whatever follows
    let dir = project(WEIGHTS);
    sign(dir.path(), "model", &[]);
    edit(dir.path(), |s| {
        s.insert(0, serde_json::json!({ "sig": "MAYCAQECAQE=" }))
    });
    assert_eq!(verdicts(dir.path(), "model", &[]), (false, false));
}

#[test]
fn ignore_unsigned_files_is_the_references_option() {
    if !have_reference() {
        return;
    }
    let dir = project(WEIGHTS);
    let root = dir.path();
    sign(root, "model", &[]);
    std::fs::write(root.join("model/notes.txt"), b"added later").unwrap();
    let accepts = |flags: &[&str], extra: &str| verdicts_with(root, "model", flags, extra);
    assert_eq!(accepts(&[], ""), (false, false));
    let option = ", ignore_unsigned_files = true";
    assert_eq!(accepts(&["--ignore_unsigned_files"], option), (true, true));
    // a signed file changed is still caught
    std::fs::write(root.join("model/w.bin"), b"tampered").unwrap();
    assert_eq!(accepts(&["--ignore_unsigned_files"], option), (false, false));
}

#[test]
fn unsigned_links_are_not_looked_at_when_unsigned_files_are_ignored() {
    if !have_reference() {
        return;
    }
    let dir = project(WEIGHTS);
    let root = dir.path();
    sign(root, "model", &[]);
    std::os::unix::fs::symlink("/etc/hostname", root.join("model/out.bin")).unwrap();
    std::os::unix::fs::symlink("../w.bin", root.join("model/sub/alias.bin")).unwrap();
    let option = ", ignore_unsigned_files = true";
    assert_eq!(verdicts_with(root, "model", &[], ""), (false, false));
    assert_eq!(
        verdicts_with(root, "model", &["--ignore_unsigned_files"], option),
        (true, true)
    );
    // a signed file that became a link is still refused
    std::fs::remove_file(root.join("model/config.json")).unwrap();
    std::os::unix::fs::symlink("w.bin", root.join("model/config.json")).unwrap();
    assert_eq!(
        verdicts_with(root, "model", &["--ignore_unsigned_files"], option),
        (false, false)
    );
}

#[test]
fn ignore_git_paths_false_is_the_references_no_ignore_git_paths() {
    if !have_reference() {
        return;
    }
    let dir = project(WEIGHTS);
    let root = dir.path();
    // a bundle with nothing to record: no ignore list, as before 1.1
    sign(root, "model", &["--no-ignore-git-paths"]);
    std::fs::create_dir_all(root.join("model/.git/hooks")).unwrap();
    std::fs::write(root.join("model/.git/hooks/post-checkout"), b"#!/bin/sh").unwrap();
    assert_eq!(verdicts_with(root, "model", &[], ""), (true, true));
    let strict = ", ignore_git_paths = false";
    assert_eq!(
        verdicts_with(root, "model", &["--no-ignore-git-paths"], strict),
        (false, false)
    );
}
