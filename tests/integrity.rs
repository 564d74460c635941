//! The integrity check through the real binary, one fixture project per scenario.

mod common;

use common::{check, codes, json_report, project};

#[test]
fn clean_project_passes() {
    let (_dir, root) = project("clean");
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["verdict"], "review",
        "nothing failed; the open checklist items are for a person"
    );
    assert_eq!(codes(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["components"], 2);
    assert_eq!(report["components"][0]["integrity"], "verified");
    assert_eq!(report["components"][0]["files"], 3);
    // 4096 weights + 52 config + card; the dataset is 64 bytes
    assert!(report["components"][0]["bytes_verified"].as_u64().unwrap() > 4096);
}

#[test]
fn changed_file_fails_with_the_line_of_its_digest() {
    let (_dir, root) = project("changed-file");
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "fail");
    assert_eq!(codes(&report), ["INT002"]);
    let finding = &report["findings"][0];
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["component"], "tiny");
    assert_eq!(finding["location"]["path"], "aibom.toml");
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    let line = finding["location"]["line"].as_u64().unwrap() as usize;
    let text = manifest.lines().nth(line - 1).unwrap();
    assert!(
        text.contains("sha256 = \"d82e0982"),
        "the finding points at {text:?}"
    );
    assert_eq!(
        finding["checklist"],
        serde_json::json!(["trust-model-deployment"])
    );
    let deployment = report["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == "trust-model-deployment")
        .unwrap();
    assert_eq!(deployment["status"], "fail");
}

#[test]
fn a_file_changed_and_its_size_too_reports_both() {
    let (_dir, root) = project("clean");
    std::fs::write(root.join("models/tiny/config.json"), "{}").unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT002", "INT003"]);
}

#[test]
fn missing_file_fails() {
    let (_dir, root) = project("missing-file");
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT001"]);
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("models/tiny/model.safetensors")
    );
}

#[test]
fn missing_component_directory_fails() {
    let (_dir, root) = project("clean");
    std::fs::remove_dir_all(root.join("models")).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT009"]);
}

#[test]
fn undeclared_file_warns_but_passes_and_bookkeeping_is_ignored() {
    let (_dir, root) = project("undeclared-file");
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0);
    assert_eq!(codes(&report), ["INT004"]);
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("models/tiny/optimizer.pt")
    );
    // .git is not an artifact either
    std::fs::create_dir_all(root.join("models/tiny/.git/objects")).unwrap();
    std::fs::write(root.join("models/tiny/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let (_, report) = json_report(&root, &[]);
    assert_eq!(codes(&report), ["INT004"]);
}

#[test]
fn policy_levels_turn_a_warning_into_an_error_or_drop_it() {
    let (_dir, root) = project("undeclared-file");
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[policy]\nlevels = {{ \"INT004\" = \"deny\" }}\n"),
    )
    .unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"][0]["severity"], "error");
    // a policy file replaces [policy]
    std::fs::write(root.join("policy.toml"), "levels = { \"INT004\" = \"allow\" }\n").unwrap();
    let (code, report) = json_report(&root, &["--policy", "policy.toml"]);
    assert_eq!(code, 0);
    assert_eq!(codes(&report), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_project_is_an_error_and_not_followed() {
    let (dir, root) = project("symlink-escape");
    let outside = dir.path().join("outside.safetensors");
    // Even with the right content, a link out of the project must fail: its target can change unseen.
    let fixture_weights =
        std::fs::read(common::fixture("clean").join("models/tiny/model.safetensors")).unwrap();
    std::fs::write(&outside, fixture_weights).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("models/tiny/model.safetensors")).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT005"]);
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("symbolic link out of the project")
    );
    // A link that stays inside the project is followed.
    std::fs::remove_file(root.join("models/tiny/model.safetensors")).unwrap();
    std::fs::copy(&outside, root.join("weights.bin")).unwrap();
    std::os::unix::fs::symlink("../../weights.bin", root.join("models/tiny/model.safetensors")).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0, "{report:#}");
    // A directory link out of the project is caught too.
    std::fs::rename(root.join("models"), dir.path().join("models-outside")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("models-outside"), root.join("models")).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    // and `weights.bin`, which the declared file no longer links to, is weights in the project that nothing
    // declares (the discovery check)
    assert_eq!(codes(&report), ["SHD001", "INT005"]);
}

#[cfg(unix)]
#[test]
fn special_files_are_never_opened() {
    let (_dir, root) = project("clean");
    let weights = root.join("models/tiny/model.safetensors");
    std::fs::remove_file(&weights).unwrap();
    // A FIFO would block a reader forever; it must be reported, not read.
    let status = std::process::Command::new("mkfifo")
        .arg(&weights)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT010"]);
}

#[test]
fn project_without_digests_fails() {
    let (_dir, root) = project("no-digests");
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT006", "INT006"]);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] != "checklist" && f["check"] != "documentation")
            .all(|f| f["severity"] == "error")
    );
}

#[test]
fn one_file_without_digest_in_a_component_with_digests_fails() {
    let (_dir, root) = project("clean");
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let start = text.find("  sha256 = \"").unwrap();
    let end = start + text[start..].find('\n').unwrap() + 1;
    std::fs::write(&manifest, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT006"]);
}

#[test]
fn declared_file_kind_must_match() {
    let (_dir, root) = project("clean");
    std::fs::remove_file(root.join("data/tickets.csv")).unwrap();
    std::fs::create_dir(root.join("data/tickets.csv")).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&report), ["INT010"]);
}

#[test]
fn remote_components_get_a_note_not_a_pass_in_disguise() {
    let (_dir, root) = project("remote");
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0);
    let integrity: Vec<String> = codes(&report)
        .into_iter()
        .filter(|c| c.starts_with("INT"))
        .collect();
    assert_eq!(integrity, ["INT007"]);
    let note = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "INT007")
        .unwrap();
    assert_eq!(note["severity"], "note");
    assert_eq!(report["components"][0]["integrity"], "not-local");
}

#[test]
fn empty_manifest_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aibom.toml"),
        "schema = 1\n[project]\nname = \"x\"\n",
    )
    .unwrap();
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(codes(&report), ["BOM001"]);
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let (_dir, root) = project("clean");
    let output = check(&root, &["--format", "json", "--output", "report.json"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        report["verdict"], "review",
        "nothing failed; the open checklist items are for a person"
    );
    let output = check(&root, &["--output", "no-such-dir/report.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(common::stderr(&output).contains("cannot write no-such-dir/report.txt"));
}
