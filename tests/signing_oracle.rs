//! Two judgements held against the reference (`model_signing` 1.1.1, installed by `.ci/run`):
//! - bundles aitrust writes (`aitrust sign --component`, keys of all three curves, and certificate chains)
//!   verify with the reference verifier, and stop verifying after a change, as ours do;
//! - certificate chains that break an X.509 rule (pathLen, name constraints, keyCertSign, unknown critical
//!   extensions, validity) get the reference's verdict from `aitrust check`. The chains are made here with
//!   the openssl command line, fresh for every run.

mod common;

use std::path::Path;
use std::process::Command;

use common::{codes, have_reference, json_report, succeeds as run};

fn openssl(cwd: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn model(root: &Path) {
    for (name, bytes) in [
        ("config.json", &b"{}"[..]),
        ("w.bin", b"weights"),
        ("sub/tok.json", b"[]"),
    ] {
        let path = root.join("model").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// The manifest: model `m` at `model/`, signed into `model.sig`; `trust` is the signature table's key or
/// chain entry and `trusted` the policy's trusted key file.
fn manifest(root: &Path, trust: &str, trusted: &str) {
    std::fs::write(
        root.join("aibom.toml"),
        format!(
            "schema = 1\n[project]\nname = \"p\"\n[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"model\"\nlicense = \"apache-2.0\"\npublisher = \"acme\"\n\
signature = {{ kind = \"model-signing\", path = \"model.sig\", {trust} }}\n\
[policy]\nsignatures.require = \"models\"\nsignatures.trusted_keys = [\"{trusted}\"]\nlevels = {{ \"INT006\" = \"allow\", \"INT004\" = \"allow\", \"INT012\" = \"allow\", \"PRV006\" = \"allow\" }}\n"
        ),
    )
    .unwrap();
}

fn aitrust_accepts(root: &Path) -> bool {
    let (_, report) = json_report(root, &[]);
    !codes(&report).iter().any(|c| c.starts_with("SIG"))
}

fn aitrust(root: &Path, args: &[&str]) -> bool {
    Command::new(env!("CARGO_BIN_EXE_aitrust"))
        .current_dir(root)
        .args(args)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn bundles_aitrust_signs_with_a_key_verify_with_the_reference() {
    if !have_reference() {
        return;
    }
    for curve in ["prime256v1", "secp384r1", "secp521r1"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        model(root);
        openssl(
            root,
            &["ecparam", "-name", curve, "-genkey", "-noout", "-out", "key.pem"],
        );
        openssl(root, &["ec", "-in", "key.pem", "-pubout", "-out", "pub.pem"]);
        manifest(root, "public_key = \"pub.pem\"", "pub.pem");
        assert!(
            aitrust(root, &["sign", "--component", "m", "--key", "key.pem"]),
            "{curve}"
        );
        let reference = [
            "verify",
            "key",
            "--public_key",
            "pub.pem",
            "--signature",
            "model.sig",
            "model",
        ];
        assert!(
            run(root, "model_signing", &reference),
            "{curve}: the reference rejects our bundle"
        );
        assert!(aitrust_accepts(root), "{curve}");
        std::fs::write(root.join("model/w.bin"), b"changed").unwrap();
        assert!(!run(root, "model_signing", &reference), "{curve}");
        assert!(!aitrust_accepts(root), "{curve}");
    }
}

#[test]
fn keygen_p256_keys_sign_bundles_the_reference_accepts() {
    if !have_reference() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    model(root);
    assert!(aitrust(root, &["keygen", "--kind", "p256", "--out", "publisher"]));
    // OpenSSL reads the private key as written (PKCS#8 v1)
    openssl(root, &["pkey", "-in", "publisher.key", "-noout"]);
    manifest(root, "public_key = \"publisher.pub\"", "publisher.pub");
    assert!(aitrust(
        root,
        &["sign", "--component", "m", "--key", "publisher.key"]
    ));
    assert!(run(
        root,
        "model_signing",
        &[
            "verify",
            "key",
            "--public_key",
            "publisher.pub",
            "--signature",
            "model.sig",
            "model"
        ]
    ));
    assert!(aitrust_accepts(root));
}

/// A CA hierarchy made with openssl: `root` (self-signed), `int` issued by root, `leaf` issued by int, with
/// the given extension sections; keys are P-256.
struct Chain<'a> {
    root: &'a str,
    int: &'a str,
    leaf: &'a str,
    /// `-days` of the leaf.
    leaf_days: &'a str,
}

const CA: &str = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
const LEAF: &str = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n";

fn make_chain(root_dir: &Path, chain: &Chain<'_>) {
    std::fs::write(root_dir.join("root.ext"), chain.root).unwrap();
    std::fs::write(root_dir.join("int.ext"), chain.int).unwrap();
    std::fs::write(root_dir.join("leaf.ext"), chain.leaf).unwrap();
    for name in ["root", "int", "leaf"] {
        openssl(
            root_dir,
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                &format!("{name}.key"),
            ],
        );
    }
    // the root signs itself (`x509 -req -key`), so its extensions come from the same -extfile as the others
    openssl(
        root_dir,
        &[
            "req",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/CN=test root",
            "-out",
            "root.csr",
        ],
    );
    openssl(
        root_dir,
        &[
            "x509", "-req", "-in", "root.csr", "-key", "root.key", "-days", "3650", "-extfile", "root.ext",
            "-out", "root.pem",
        ],
    );
    openssl(
        root_dir,
        &[
            "req",
            "-new",
            "-key",
            "int.key",
            "-subj",
            "/CN=test intermediate",
            "-out",
            "int.csr",
        ],
    );
    openssl(
        root_dir,
        &[
            "x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-days", "3650",
            "-extfile", "int.ext", "-out", "int.pem",
        ],
    );
    openssl(
        root_dir,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=model publisher",
            "-out",
            "leaf.csr",
        ],
    );
    openssl(
        root_dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "int.pem",
            "-CAkey",
            "int.key",
            "-days",
            chain.leaf_days,
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
}

/// (reference accepts, aitrust accepts) for a model signed by the reference with `chain`'s leaf.
fn certificate_verdicts(chain: &Chain<'_>) -> (bool, bool) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    model(root);
    make_chain(root, chain);
    assert!(run(
        root,
        "model_signing",
        &[
            "sign",
            "certificate",
            "--private_key",
            "leaf.key",
            "--signing_certificate",
            "leaf.pem",
            "--certificate_chain",
            "int.pem",
            "--signature",
            "model.sig",
            "model",
        ]
    ));
    let reference = run(
        root,
        "model_signing",
        &[
            "verify",
            "certificate",
            "--certificate_chain",
            "root.pem",
            "--signature",
            "model.sig",
            "model",
        ],
    );
    manifest(root, "certificate_chain = [\"root.pem\"]", "root.pem");
    (reference, aitrust_accepts(root))
}

#[test]
fn certificate_chains_get_the_references_verdict() {
    if !have_reference() {
        return;
    }
    let cases: &[(&str, Chain<'_>, bool)] = &[
        (
            "a valid chain",
            Chain {
                root: CA,
                int: CA,
                leaf: LEAF,
                leaf_days: "30",
            },
            true,
        ),
        (
            "a CA:TRUE signing certificate (the reference's own test chains)",
            Chain {
                root: CA,
                int: CA,
                leaf: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign\n",
                leaf_days: "30",
            },
            true,
        ),
        (
            "the root's pathLen 0 with an intermediate below it",
            Chain {
                root: "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n",
                int: CA,
                leaf: LEAF,
                leaf_days: "30",
            },
            false,
        ),
        (
            "an intermediate without keyCertSign",
            Chain {
                root: CA,
                int: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n",
                leaf: LEAF,
                leaf_days: "30",
            },
            false,
        ),
        (
            "an intermediate that is not a CA",
            Chain {
                root: CA,
                int: "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign\n",
                leaf: LEAF,
                leaf_days: "30",
            },
            false,
        ),
        (
            "an unknown critical extension in the leaf",
            Chain {
                root: CA,
                int: CA,
                leaf: "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n1.3.6.1.4.1.99999.1=critical,ASN1:NULL\n",
                leaf_days: "30",
            },
            false,
        ),
        (
            "an unknown critical extension in the intermediate",
            Chain {
                root: CA,
                int: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n1.3.6.1.4.1.99999.1=critical,ASN1:NULL\n",
                leaf: LEAF,
                leaf_days: "30",
            },
            false,
        ),
        (
            "a name constraint the leaf violates",
            Chain {
                root: CA,
                int: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nnameConstraints=critical,permitted;DNS:example.com\n",
                leaf: "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:attacker.org\n",
                leaf_days: "30",
            },
            false,
        ),
        (
            "a name constraint the leaf meets",
            Chain {
                root: CA,
                int: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nnameConstraints=critical,permitted;DNS:example.com\n",
                leaf: "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:models.example.com\n",
                leaf_days: "30",
            },
            true,
        ),
        (
            "a leaf not for signing (keyEncipherment only, no codeSigning)",
            Chain {
                root: CA,
                int: CA,
                leaf: "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyEncipherment\n",
                leaf_days: "30",
            },
            false,
        ),
        (
            "a leaf for code signing by extended key usage",
            Chain {
                root: CA,
                int: CA,
                leaf: "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=codeSigning\n",
                leaf_days: "30",
            },
            true,
        ),
    ];
    for (what, chain, expected) in cases {
        let (reference, ours) = certificate_verdicts(chain);
        assert_eq!(
            reference, *expected,
            "{what}: the reference's verdict is not the one this case was written for"
        );
        assert_eq!(ours, reference, "{what}: aitrust disagrees with the reference");
    }
}

#[test]
fn bundles_aitrust_signs_with_a_certificate_verify_with_the_reference() {
    if !have_reference() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    model(root);
    make_chain(
        root,
        &Chain {
            root: CA,
            int: CA,
            leaf: LEAF,
            leaf_days: "30",
        },
    );
    manifest(root, "certificate_chain = [\"root.pem\"]", "root.pem");
    assert!(aitrust(
        root,
        &[
            "sign",
            "--component",
            "m",
            "--key",
            "leaf.key",
            "--cert",
            "leaf.pem",
            "--chain",
            "int.pem"
        ]
    ));
    let reference = [
        "verify",
        "certificate",
        "--certificate_chain",
        "root.pem",
        "--signature",
        "model.sig",
        "model",
    ];
    assert!(
        run(root, "model_signing", &reference),
        "the reference rejects our bundle"
    );
    assert!(aitrust_accepts(root));
    // a key that is not the certificate's cannot sign with it
    openssl(
        root,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "other.key",
        ],
    );
    assert!(!aitrust(
        root,
        &[
            "sign",
            "--component",
            "m",
            "--key",
            "other.key",
            "--cert",
            "leaf.pem",
            "--chain",
            "int.pem"
        ]
    ));
    std::fs::write(root.join("model/config.json"), b"{\"changed\": 1}").unwrap();
    assert!(!run(root, "model_signing", &reference));
    assert!(!aitrust_accepts(root));
}

/// Signs `model` with the reference's Python API (its CLI signs only file-by-file SHA-256).
fn reference_sign_with(root: &Path, hash: &str, method: &str) {
    let script = format!(
        "import pathlib\nfrom model_signing import hashing, signing\n\
hc = hashing.Config().use_{method}_serialization(hashing_algorithm={hash:?}{shard})\n\
signing.Config().use_elliptic_key_signer(private_key='key.pem').set_hashing_config(hc).sign(pathlib.Path('model'), pathlib.Path('model.sig'))\n",
        shard = if method == "shard" {
            ", shard_size=1024"
        } else {
            ""
        },
    );
    assert!(
        run(root, "python3", &["-c", &script]),
        "the reference could not sign with {hash} {method}"
    );
}

#[test]
fn blake2b_blake3_and_shard_serializations_verify_and_catch_changes() {
    if !have_reference() {
        return;
    }
    // The reference signs all six; its own verifier reads back only sha256 and blake3 files (it looks up
    // "blake2" for the "blake2b" it writes, and cannot take the shard_size float its protobuf Struct
    // returns), so for the others the digests the reference wrote (Python hashlib, blake3) are the oracle.
    for (hash, method) in [
        ("sha256", "file"),
        ("sha256", "shard"),
        ("blake2", "file"),
        ("blake2", "shard"),
        ("blake3", "file"),
        ("blake3", "shard"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        model(root);
        let big: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(root.join("model/w.bin"), &big).unwrap();
        std::fs::write(root.join("model/empty.bin"), b"").unwrap();
        openssl(
            root,
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                "key.pem",
            ],
        );
        openssl(root, &["ec", "-in", "key.pem", "-pubout", "-out", "pub.pem"]);
        reference_sign_with(root, hash, method);
        manifest(root, "public_key = \"pub.pem\"", "pub.pem");
        assert!(aitrust_accepts(root), "{hash} {method}");
        // one byte in the middle shard
        let mut changed = big.clone();
        changed[2500] ^= 1;
        std::fs::write(root.join("model/w.bin"), &changed).unwrap();
        assert!(!aitrust_accepts(root), "{hash} {method}: a changed byte");
        // cut short: a shard goes missing
        std::fs::write(root.join("model/w.bin"), &big[..3000]).unwrap();
        assert!(!aitrust_accepts(root), "{hash} {method}: a truncated file");
        std::fs::write(root.join("model/w.bin"), &big).unwrap();
        assert!(aitrust_accepts(root), "{hash} {method}: restored");
        std::fs::write(root.join("model/extra.bin"), b"x").unwrap();
        assert!(!aitrust_accepts(root), "{hash} {method}: an extra file");
        manifest(
            root,
            "public_key = \"pub.pem\", ignore_unsigned_files = true",
            "pub.pem",
        );
        assert!(aitrust_accepts(root), "{hash} {method}: an extra file, ignored");
    }
}
