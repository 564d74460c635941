#!/usr/bin/env python3
"""Differential check of aitrust's model-signing verifier against the reference (model_signing 1.1.1).

Every case is made fresh here: a small model, new keys (and certificate chains made with the openssl
command line), a bundle signed by the reference signer, then a change to the model, the bundle or the
options, the way an attacker, a careless checkout or another tool would change it. Both verifiers judge
the result: the reference CLI (`model_signing verify key|certificate`) and aitrust (`aitrust
oms-conformance verify-model`, the code `aitrust check` runs). A case agrees when both accept or both reject.

    python3 scripts/differential-model-signing.py [--aitrust target/release/aitrust] [--rounds N]

Prints one line per disagreement and a summary: cases, agreements, false accepts (aitrust accepts what the
reference rejects) and false rejects. Exits 1 on any disagreement. Needs: pip install model-signing pyopenssl.
"""

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def sh(cwd, *args, check=True):
    result = subprocess.run(args, cwd=cwd, capture_output=True, timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(f"{args}: {result.stderr.decode(errors='replace')}")
    return result.returncode == 0


def make_model(root: Path, rnd: int):
    model = root / "model"
    (model / "sub").mkdir(parents=True)
    (model / "config.json").write_text('{"round": %d}' % rnd)
    (model / "w.bin").write_bytes(os.urandom(4096 + rnd))
    (model / "sub" / "tok.json").write_text("[]")
    return model


def key_pair(root: Path, curve: str):
    sh(root, "openssl", "ecparam", "-name", curve, "-genkey", "-noout", "-out", "key.pem")
    sh(root, "openssl", "ec", "-in", "key.pem", "-pubout", "-out", "pub.pem")


CA = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
LEAF = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"


def chain(root: Path, root_ext: str, int_ext: str, leaf_ext: str):
    for name, ext in (("root", root_ext), ("int", int_ext), ("leaf", leaf_ext)):
        (root / f"{name}.ext").write_text(ext)
        sh(root, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key")
    sh(root, "openssl", "req", "-new", "-key", "root.key", "-subj", "/CN=diff root", "-out", "root.csr")
    sh(root, "openssl", "x509", "-req", "-in", "root.csr", "-key", "root.key", "-days", "3650",
       "-extfile", "root.ext", "-out", "root.pem")
    sh(root, "openssl", "req", "-new", "-key", "int.key", "-subj", "/CN=diff int", "-out", "int.csr")
    sh(root, "openssl", "x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key",
       "-days", "3650", "-extfile", "int.ext", "-out", "int.pem")
    sh(root, "openssl", "req", "-new", "-key", "leaf.key", "-subj", "/CN=diff leaf", "-out", "leaf.csr")
    sh(root, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "int.pem", "-CAkey", "int.key",
       "-days", "30", "-extfile", "leaf.ext", "-out", "leaf.pem")


# Changes to the model after signing: (name, function(model_dir)).
def _write(rel, data):
    def change(model):
        path = model / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return change


def _remove(rel):
    return lambda model: (model / rel).unlink()


def _link(rel, target):
    def change(model):
        path = model / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    return change


MODEL_CHANGES = [
    ("unchanged", lambda model: None),
    ("changed byte", _write("w.bin", b"changed")),
    ("added file", _write("extra.py", b"print('hi')")),
    ("added nested file", _write("sub/deeper/extra.bin", b"x")),
    ("removed file", _remove("sub/tok.json")),
    ("added empty file", _write("empty.bin", b"")),
    ("file in .git", _write(".git/hooks/post-checkout", b"#!/bin/sh")),
    ("added .gitattributes", _write(".gitattributes", b"* binary")),
    ("added .github file", _write(".github/x.yml", b"on: push")),
    ("backslash name at root", _write("scratch\\evil.py", b"import os")),
    ("backslash git lookalike", _write(".git\\hooks.py", b"import os")),
    ("nested .git dir", _write("sub/.git/config", b"[core]")),
    ("unicode twin", _write("w.bín", b"weights")),
    ("space in name", _write("my data.bin", b"d")),
    ("symlink to a file", _link("alias.bin", "w.bin")),
    ("symlink in .git", _link(".git/link", "../w.bin")),
    ("symlink out of the model", _link("out.bin", "/etc/hostname")),
    ("renamed file", lambda model: (model / "w.bin").rename(model / "w2.bin")),
]


# Options in a neutral form: "ignore:<rel>", "ignore_unsigned", "no_git", "symlinks"; each tool gets its own flags.
def reference_flags(root, options):
    flags = []
    for option in options:
        if option.startswith("ignore:"):
            flags += ["--ignore-paths", str(root / "model" / option[len("ignore:"):])]
        elif option == "ignore_unsigned":
            flags.append("--ignore_unsigned_files")
        elif option == "no_git":
            flags.append("--no-ignore-git-paths")
        elif option == "symlinks":
            flags.append("--allow_symlinks")
    return flags


def verify_reference(root, method, options):
    if method == "key":
        args = ["verify", "key", "--public_key", "pub.pem"]
    else:
        args = ["verify", "certificate", "--certificate_chain", "root.pem"]
    return sh(root, "model_signing", *args, "--signature", "model.sig", *reference_flags(root, options), "model",
              check=False)


def verify_aitrust(aitrust, root, method, options):
    args = [aitrust, "oms-conformance", "verify-model", "--method", method, "--model-path", str(root / "model"),
            "--bundle", str(root / "model.sig")]
    if method == "key":
        args += ["--public-key", str(root / "pub.pem")]
    else:
        args += ["--cert-chain", str(root / "root.pem")]
    for option in options:
        if option.startswith("ignore:"):
            args += ["--ignore-paths", str(root / "model" / option[len("ignore:"):])]
        elif option == "ignore_unsigned":
            args.append("--ignore-unsigned-files")
        elif option == "no_git":
            args.append("--no-ignore-git-paths")
        # symlinks: the bundle records that links were followed, and aitrust reads it from there
    return subprocess.run(args, cwd=root, capture_output=True, timeout=120).returncode == 0


def cases(rounds):
    """(label, setup) where setup(root) signs and changes, returning (method, verify flags)."""
    sign_options = [[], ["no_git"], ["symlinks"], ["ignore:config.json"]]
    verify_options = [[], ["ignore_unsigned"]]
    curves = ["prime256v1", "secp384r1", "secp521r1"]
    for rnd in range(rounds):
        curve = curves[rnd % len(curves)]
        for index, (change_name, change) in enumerate(MODEL_CHANGES):
            for sign_opts, verify_opts in itertools.product(sign_options, verify_options):
                # every change with plain signing; the signing options on a rotating third of the changes
                if sign_opts and index % 3 != rnd % 3:
                    continue
                def setup(root, change=change, sign_opts=sign_opts, verify_opts=verify_opts, curve=curve, rnd=rnd):
                    make_model(root, rnd)
                    key_pair(root, curve)
                    sh(root, "model_signing", "sign", "key", "--private_key", "key.pem", "--signature", "model.sig",
                       *reference_flags(root, sign_opts), "model")
                    change(root / "model")
                    return "key", sign_opts + verify_opts
                yield f"key {curve} {sign_opts} {verify_opts}: {change_name}", setup
        chains = [
            ("valid chain", CA, CA, LEAF),
            ("CA:TRUE leaf", CA, CA, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n"),
            ("root pathlen 0", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n", CA, LEAF),
            ("int without keyCertSign", CA, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n", LEAF),
            ("int not a CA", CA, "basicConstraints=critical,CA:FALSE\n", LEAF),
            ("critical unknown ext in leaf", CA, CA, LEAF + "1.3.6.1.4.1.99999.1=critical,ASN1:NULL\n"),
            ("critical unknown ext in int", CA, CA + "1.3.6.1.4.1.99999.2=critical,ASN1:NULL\n", LEAF),
            ("critical unknown ext in root", CA + "1.3.6.1.4.1.99999.3=critical,ASN1:NULL\n", CA, LEAF),
            ("name constraints violated", CA,
             CA + "nameConstraints=critical,permitted;DNS:example.com\n", LEAF + "subjectAltName=DNS:evil.org\n"),
            ("name constraints met", CA,
             CA + "nameConstraints=critical,permitted;DNS:example.com\n", LEAF + "subjectAltName=DNS:a.example.com\n"),
            ("leaf keyEncipherment only", CA, CA, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyEncipherment\n"),
            ("leaf codeSigning EKU", CA, CA, "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=codeSigning\n"),
        ]
        for name, root_ext, int_ext, leaf_ext in chains:
            for change_name, change in (MODEL_CHANGES[0], MODEL_CHANGES[1]):
                def setup(root, r=root_ext, i=int_ext, l=leaf_ext, change=change, rnd=rnd):
                    make_model(root, rnd)
                    chain(root, r, i, l)
                    sh(root, "model_signing", "sign", "certificate", "--private_key", "leaf.key",
                       "--signing_certificate", "leaf.pem", "--certificate_chain", "int.pem",
                       "--signature", "model.sig", "model")
                    change(root / "model")
                    return "certificate", []
                yield f"certificate {name}: {change_name}", setup
        # bundles changed after signing
        def bundle_change(edit, rnd=rnd):
            def setup(root):
                make_model(root, rnd)
                key_pair(root, "prime256v1")
                sh(root, "model_signing", "sign", "key", "--private_key", "key.pem", "--signature", "model.sig",
                   "model")
                import json
                bundle = json.loads((root / "model.sig").read_text())
                edit(root, bundle)
                (root / "model.sig").write_text(json.dumps(bundle))
                return "key", []
            return setup
        def other_key(root, bundle):
            key_pair(root, "prime256v1")  # the verifier is given another key
        def junk_second_signature(root, bundle):
            bundle["dsseEnvelope"]["signatures"].append({"sig": "not base64!", "keyid": ""})
        def good_second_signature(root, bundle):
            bundle["dsseEnvelope"]["signatures"].append(dict(bundle["dsseEnvelope"]["signatures"][0]))
        def junk_material(root, bundle):
            bundle["verificationMaterial"] = {"certificate": {"rawBytes": "bm90IGEgY2VydA=="}, "tlogEntries": [{}]}
        def wrong_media_type(root, bundle):
            bundle["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.2+json"
        def hint_changed(root, bundle):
            bundle["verificationMaterial"]["publicKey"]["hint"] = "00" * 32
        for label, edit in [("verified with another key", other_key), ("junk second signature", junk_second_signature),
                            ("duplicated signature", good_second_signature), ("junk verification material", junk_material),
                            ("wrong media type", wrong_media_type), ("another key hint", hint_changed)]:
            yield f"bundle: {label}", bundle_change(edit)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--aitrust", default=str(Path(__file__).resolve().parent.parent / "target/release/aitrust"))
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    aitrust = os.path.abspath(options.aitrust)
    total = agree = false_accepts = false_rejects = 0
    for label, setup in cases(options.rounds):
        with tempfile.TemporaryDirectory() as work:
            root = Path(work)
            method, flags = setup(root)
            reference = verify_reference(root, method, flags)
            ours = verify_aitrust(aitrust, root, method, flags)
        total += 1
        if reference == ours:
            agree += 1
        elif ours:
            false_accepts += 1
            print(f"FALSE ACCEPT  {label}")
        else:
            false_rejects += 1
            print(f"FALSE REJECT  {label}")
    print(f"{total} cases: {agree} agree, {false_accepts} false accepts, {false_rejects} false rejects")
    sys.exit(0 if agree == total else 1)


if __name__ == "__main__":
    main()
