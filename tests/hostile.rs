//! Hostile and odd input through the real binary, each run under a timeout: no panic (exit 101), no hang, no
//! read or write outside the project, no unbounded read, and never a silent pass.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::{NOW, project, stderr};

/// `aitrust ARGS` in `cwd`, killed after 60 s (a hang fails the test instead of the suite).
fn run(cwd: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("aitrust")
        .unwrap()
        .current_dir(cwd)
        .env_remove("CI")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn check(cwd: &Path) -> Output {
    run(cwd, &["check", "--now", NOW, "--format", "json"])
}

/// Exited by itself (not killed by the timeout or a signal) and not by a panic.
fn exited_cleanly(output: &Output) -> i32 {
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("killed (hang or signal): {}", stderr(output)));
    assert_ne!(code, 101, "panicked: {}", stderr(output));
    code
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn license_strings_that_split_a_character_do_not_panic() {
    for license in [
        "0123456789é",
        "CC-BY-SA-4\u{2024}0",
        "LicenseRef-é",
        "licenseref-",
    ] {
        let (_dir, root) = project("clean");
        replace_in(
            &root.join("aibom.toml"),
            "license = \"apache-2.0\"",
            &format!("license = \"{license}\""),
        );
        let output = check(&root);
        let code = exited_cleanly(&output);
        assert_ne!(code, 0, "an unknown license never passes: {license}");
    }
}

#[test]
fn a_megabyte_license_string_is_judged_without_fuzzy_search() {
    let (_dir, root) = project("clean");
    let license = "x".repeat(1 << 20);
    replace_in(
        &root.join("aibom.toml"),
        "license = \"apache-2.0\"",
        &format!("license = \"{license}\""),
    );
    // the nearest-name search over a 1 MB string took minutes before it was capped: `run`'s kill timeout
    // turns a relapse into a failure
    let code = exited_cleanly(&check(&root));
    assert_ne!(code, 0);
}

#[test]
fn implicitly_read_files_that_are_fifos_never_hang() {
    // each is bad input (exit 2) naming the file, or a finding; never a wait for a writer
    for (name, expect_exit_2) in [
        ("aibom.answers.toml", true),
        ("aibom.lock", true),
        ("aibom.sig", false),
    ] {
        let (_dir, root) = project("clean");
        mkfifo(&root.join(name));
        let output = check(&root);
        let code = exited_cleanly(&output);
        if expect_exit_2 {
            assert_eq!(code, 2, "{name}: {}", stderr(&output));
            assert!(stderr(&output).contains(name), "{name}: {}", stderr(&output));
            assert!(
                stderr(&output).contains("not a regular file"),
                "{}",
                stderr(&output)
            );
        } else {
            assert_eq!(
                code,
                1,
                "{name}: a signature that cannot be read fails: {}",
                stderr(&output)
            );
        }
    }
    // the model card
    let (_dir, root) = project("clean");
    std::fs::remove_file(root.join("models/tiny/README.md")).unwrap();
    mkfifo(&root.join("models/tiny/README.md"));
    let output = check(&root);
    assert_eq!(exited_cleanly(&output), 1, "{}", stderr(&output));
}

#[test]
fn a_policy_or_manifest_that_is_a_device_is_refused() {
    let (_dir, root) = project("clean");
    std::os::unix::fs::symlink("/dev/zero", root.join("policy.toml")).unwrap();
    let output = run(&root, &["check", "--now", NOW, "--policy", "policy.toml"]);
    assert_eq!(exited_cleanly(&output), 2);
    assert!(
        stderr(&output).contains("not a regular file"),
        "{}",
        stderr(&output)
    );
    let output = run(&root, &["check", "--now", NOW, "--manifest", "/dev/zero"]);
    assert_eq!(exited_cleanly(&output), 2);
}

#[test]
fn a_trusted_key_that_links_to_dev_zero_is_refused() {
    let (_dir, root) = project("clean");
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.pub")).unwrap();
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[policy]\nsignatures.trusted_keys = [\"zero.pub\"]\n"),
    )
    .unwrap();
    let output = check(&root);
    assert_eq!(exited_cleanly(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("trusted key"), "{}", stderr(&output));
}

#[test]
fn answers_and_lock_files_that_link_out_of_the_project_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = "schema = 1\n# SECRET-CONTENT-12345\n[[answer]]\n";
    std::fs::write(outside.path().join("secret.toml"), secret).unwrap();
    for name in ["aibom.answers.toml", "aibom.lock"] {
        let (_dir, root) = project("clean");
        std::os::unix::fs::symlink(outside.path().join("secret.toml"), root.join(name)).unwrap();
        let output = check(&root);
        assert_eq!(exited_cleanly(&output), 2, "{name}");
        let said = format!("{}{}", stderr(&output), common::stdout(&output));
        assert!(said.contains("leaves the project"), "{name}: {said}");
        assert!(
            !said.contains("SECRET-CONTENT"),
            "{name}: echoed the outside file: {said}"
        );
    }
}

#[test]
fn a_card_through_a_directory_link_out_of_the_project_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("README.md"),
        "---\nlicense: mit\n---\n# SECRET\n",
    )
    .unwrap();
    let (_dir, root) = project("clean");
    std::os::unix::fs::symlink(outside.path(), root.join("elsewhere")).unwrap();
    replace_in(
        &root.join("aibom.toml"),
        "card = \"models/tiny/README.md\"",
        "card = \"elsewhere/README.md\"",
    );
    let output = check(&root);
    exited_cleanly(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        common::all_codes(&report).contains(&"DOC002".to_string()),
        "{report:#}"
    );
    assert!(!common::stdout(&output).contains("SECRET"));
}

#[test]
fn a_sparse_terabyte_declared_as_four_kilobytes_is_not_read_in_full() {
    let (_dir, root) = project("clean");
    let weights = std::fs::OpenOptions::new()
        .write(true)
        .open(root.join("models/tiny/model.safetensors"))
        .unwrap();
    weights.set_len(1 << 40).unwrap();
    drop(weights);
    // hashing the whole terabyte would run into `run`'s kill timeout; reading 4 KiB + 1 does not
    let output = check(&root);
    assert_eq!(exited_cleanly(&output), 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found = common::codes(&report);
    assert!(found.contains(&"INT003".to_string()), "{found:?}");
    let text = serde_json::to_string(&report).unwrap();
    assert!(text.contains("1099511627776 bytes"), "the real size is reported");
}

#[test]
fn report_templates_cannot_hang_overflow_or_exhaust_memory() {
    let deep = format!("{{{{ {}1{} }}}}", "(".repeat(3000), ")".repeat(3000));
    let long_sum = format!("{{{{ 1{} }}}}", " + 1".repeat(7000));
    let templates = [
        deep,
        long_sum,
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}".to_string(),
        "{{ \"a\nb\" | indent(1000000000) }}".to_string(),
        "{{ [1, 2, 3] | slice(1000000000) }}".to_string(),
    ];
    for template in templates {
        let (_dir, root) = project("clean");
        std::fs::create_dir(root.join("t")).unwrap();
        std::fs::write(root.join("t/report.html.jinja"), &template).unwrap();
        let output = run(
            &root,
            &[
                "report",
                "--now",
                NOW,
                "--format",
                "html",
                "--output",
                "r.html",
                "--template",
                "t",
            ],
        );
        let code = exited_cleanly(&output);
        let short: String = template.chars().take(60).collect();
        // the long flat sum renders (it is only long, not deep); the others are refused
        if template.starts_with("{{ 1 + 1") {
            assert_eq!(code, 0, "{short}: {}", stderr(&output));
        } else {
            assert_eq!(code, 2, "{short}: {}", stderr(&output));
            assert!(!root.join("r.html").exists(), "{short}: nothing is written");
        }
    }
}

#[test]
fn sign_does_not_write_through_a_directory_link() {
    let outside = tempfile::tempdir().unwrap();
    let (_dir, root) = project("clean");
    std::os::unix::fs::symlink(outside.path(), root.join("signatures")).unwrap();
    replace_in(
        &root.join("aibom.toml"),
        "card = \"models/tiny/README.md\"",
        "card = \"models/tiny/README.md\"\nsignature = { kind = \"aitrust\", path = \"signatures/tiny.sig\" }",
    );
    assert_eq!(exited_cleanly(&run(&root, &["keygen", "--out", "k"])), 0);
    let output = run(&root, &["sign", "--key", "k.key", "--component", "tiny"]);
    assert_eq!(exited_cleanly(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("leaves the project"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
}

#[test]
fn a_killed_write_leaves_no_temporary_file_behind_for_long() {
    // a stale temporary file from a killed run (older than an hour) is removed by the next write
    let (_dir, root) = project("clean");
    let stale = root.join(".aitrust-tmp-killed");
    std::fs::write(&stale, vec![0u8; 1024]).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let fresh = root.join(".aitrust-tmp-running");
    std::fs::write(&fresh, b"another run is writing").unwrap();
    let output = run(&root, &["export", "cyclonedx", "--output", "bom.json"]);
    assert_eq!(exited_cleanly(&output), 0, "{}", stderr(&output));
    assert!(!stale.exists(), "stale temporary removed");
    assert!(fresh.exists(), "a fresh one (another run's) is left alone");
}

#[test]
fn names_are_compared_as_stored() {
    let (_dir, root) = project("clean");
    let tiny = root.join("models/tiny");
    // names the manifest syntax cannot express are still undeclared files, never skipped
    for name in ["C:evil.bin", "\\evil.bin", "..\\evil.bin"] {
        std::fs::write(tiny.join(name), b"payload").unwrap();
    }
    // a file literally named `sub\w.bin` is not the declared `sub/w.bin`
    std::fs::create_dir(tiny.join("sub")).unwrap();
    std::fs::write(tiny.join("sub/w.bin"), b"w").unwrap();
    std::fs::write(tiny.join("sub\\w.bin"), b"other").unwrap();
    let manifest = root.join("aibom.toml");
    let w = "[[model.file]]\n  path = \"sub/w.bin\"\n  sha256 = \"50e721e49c013f00c62cf59f2163542a9d8df02464efeb615d31051b0fddc326\"\n  size = 1\n\n  [[model.file]]\n  path = \"README.md\"";
    replace_in(&manifest, "[[model.file]]\n  path = \"README.md\"", w);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[policy]\nlevels = {{ \"INT004\" = \"deny\" }}\n"),
    )
    .unwrap();
    let output = check(&root);
    assert_eq!(exited_cleanly(&output), 1, "{}", stderr(&output));
    let report = common::stdout(&output);
    for name in ["C:evil.bin", "\\\\evil.bin", "..\\\\evil.bin", "sub\\\\w.bin"] {
        assert!(
            report.contains(&format!("models/tiny/{name}")),
            "{name} not reported: {report}"
        );
    }
}

#[test]
fn case_and_normalization_twins_of_declared_files_are_errors() {
    for twin in ["MODEL.safetensors", "model.SafeTensors"] {
        let (_dir, root) = project("clean");
        std::fs::write(root.join("models/tiny").join(twin), b"evil").unwrap();
        let output = check(&root);
        assert_eq!(exited_cleanly(&output), 1);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(
            common::codes(&report).contains(&"INT012".to_string()),
            "{twin}: {report:#}"
        );
    }
    // NFC `é` declared, NFD `e\u{301}` beside it
    let (_dir, root) = project("clean");
    std::fs::write(root.join("models/tiny/caf\u{e9}.json"), b"{}").unwrap();
    std::fs::write(root.join("models/tiny/cafe\u{301}.json"), b"{}").unwrap();
    let manifest = root.join("aibom.toml");
    replace_in(
        &manifest,
        "[[model.file]]\n  path = \"README.md\"",
        "[[model.file]]\n  path = \"caf\u{e9}.json\"\n  sha256 = \"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"\n  size = 2\n\n  [[model.file]]\n  path = \"README.md\"",
    );
    let output = check(&root);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        common::codes(&report).contains(&"INT012".to_string()),
        "{report:#}"
    );
}

/// A manifest of `n` Hub models, each (but the first) fine-tuned from the one before, all Apache-2.0.
fn chain(n: usize, cycle: bool) -> String {
    let mut text = String::from(
        "schema = 1\n[project]\nname = \"chain\"\n[usage]\npurpose = \"commercial\"\ndeployment = \"distributed\"\nactivities = [\"redistribute-weights\"]\n",
    );
    // declared child first, so a naive "parents first" pass needs one sweep per generation
    for i in (0..n).rev() {
        text.push_str(&format!(
            "[[model]]\nid = \"m{i}\"\nsource = \"huggingface\"\nname = \"org/m{i}\"\nrevision = \"{}\"\nlicense = \"apache-2.0\"\npublisher = \"org\"\n",
            "a".repeat(40)
        ));
        if i > 0 {
            text.push_str(&format!(
                "base_model = [\"m{}\"]\nrelation = \"finetune\"\n",
                i - 1
            ));
        } else if cycle {
            text.push_str(&format!("base_model = [\"m{}\"]\n", n - 1));
        }
    }
    text
}

#[test]
fn obligations_carried_down_a_long_lineage_do_not_grow_per_generation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), chain(400, false)).unwrap();
    let output = check(dir.path());
    exited_cleanly(&output);
    // the first wave wrote 2.1 GB here: each generation re-prefixed every inherited obligation
    assert!(
        output.stdout.len() < 8 << 20,
        "the report is {} bytes",
        output.stdout.len()
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let last = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "m399")
        .unwrap();
    let obligations: Vec<&str> = last["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    // still told what the lineage obliges, through the nearest parent, once
    assert!(
        obligations
            .iter()
            .any(|o| o.starts_with("via base model `m398`: ")),
        "{obligations:?}"
    );
    assert!(
        obligations
            .iter()
            .all(|o| o.matches("via base model").count() <= 1),
        "{obligations:?}"
    );
}

#[test]
fn a_cycle_at_the_end_of_a_deep_lineage_is_found_in_one_walk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), chain(20_000, true)).unwrap();
    let output = check(dir.path());
    assert_eq!(exited_cleanly(&output), 2, "{}", stderr(&output));
    let text = stderr(&output);
    assert_eq!(text.matches("the lineage has a cycle").count(), 1, "{text}");
    assert!(
        text.contains("the lineage has a cycle: m19999 -> m19998"),
        "{}",
        &text[..text.len().min(2000)]
    );
}

#[test]
fn many_unknown_references_get_bounded_suggestions() {
    let mut text = chain(2_000, false);
    for i in 0..5_000 {
        text.push_str(&format!(
            "[[model]]\nid = \"x{i}\"\nsource = \"huggingface\"\nname = \"org/x{i}\"\nrevision = \"{}\"\nlicense = \"mit\"\npublisher = \"org\"\nbase_model = [\"nope{i}\"]\n",
            "b".repeat(40)
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), text).unwrap();
    let output = check(dir.path());
    assert_eq!(exited_cleanly(&output), 2);
    let text = stderr(&output);
    assert!(
        text.contains("base_model refers to unknown model `nope4999`"),
        "cut: {}",
        text.len()
    );
}

#[test]
fn import_cyclonedx_gives_each_component_of_one_name_its_own_id() {
    let dir = tempfile::tempdir().unwrap();
    let component = |i: usize| {
        serde_json::json!({
            "type": "machine-learning-model", "name": "same", "bom-ref": format!("r{i}"),
            "purl": format!("pkg:huggingface/org/same{i}@{}", "c".repeat(40)), "version": "c".repeat(40)
        })
    };
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": [component(1), component(2), component(3)],
    });
    std::fs::write(dir.path().join("bom.json"), bom.to_string()).unwrap();
    let output = run(dir.path(), &["import", "cyclonedx", "bom.json"]);
    assert_eq!(exited_cleanly(&output), 0, "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    for id in ["\"same\"", "\"same-2\"", "\"same-3\""] {
        assert_eq!(manifest.matches(&format!("id = {id}")).count(), 1, "{manifest}");
    }
    // and `check` reads what import wrote
    let output = check(dir.path());
    assert_ne!(exited_cleanly(&output), 2, "{}", stderr(&output));
}

#[test]
fn init_on_thousands_of_same_named_files_gives_unique_ids() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3_000 {
        let sub = dir.path().join(format!("d{i:04}"));
        std::fs::create_dir(&sub).unwrap();
        // (a generic name such as `model` takes its directory's; `net` is its own)
        std::fs::write(sub.join("net.safetensors"), b"x").unwrap();
    }
    let output = run(dir.path(), &["init"]);
    assert_eq!(exited_cleanly(&output), 0, "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(manifest.contains("id = \"net-3000\""));
    let output = check(dir.path());
    assert_ne!(exited_cleanly(&output), 2, "{}", stderr(&output));
}

/// Inputs the fuzzer reported as slow (a 31 s and a 30 s unit while the machine was loaded; 48 ms and 0.5 s
/// when run again): they stay regression inputs, run through the binary under its timeout.
#[test]
fn inputs_the_fuzzer_reported_finish_cleanly() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures.join("manifest-stall.toml"),
        dir.path().join("aibom.toml"),
    )
    .unwrap();
    exited_cleanly(&check(dir.path()));
    std::fs::copy(fixtures.join("policy-stall.toml"), dir.path().join("policy.toml")).unwrap();
    let output = run(
        dir.path(),
        &[
            "check",
            "--now",
            NOW,
            "--format",
            "json",
            "--policy",
            "policy.toml",
        ],
    );
    exited_cleanly(&output);
}
