//! Snapshots of what users see: the table and the JSON of the same audit, error messages, `--help`,
//! and `explain`. Review changes with `cargo insta review`.

mod common;

use common::{aitrust, check, project, stderr, stdout};

#[test]
fn table_and_json_of_the_same_audit() {
    let (_dir, root) = project("changed-file");
    std::fs::write(root.join("models/tiny/notes.txt"), "left over from training\n").unwrap();
    let table = check(&root, &[]);
    assert_eq!(table.status.code(), Some(1));
    insta::assert_snapshot!("changed_file_table", stdout(&table));
    let json = check(&root, &["--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    insta::assert_json_snapshot!("changed_file_json", report);
}

#[test]
fn demo_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = check(root, &["--manifest", "manifests/demo/aibom.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("demo_table", stdout(&output));
}

#[test]
fn manifest_error_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aibom.toml"),
        "schema = 1\n[project]\nname = \"p\"\n\n[usage]\npurpose = \"comercial\"\n\n[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"../../etc\"\nlicence = \"mit\"\nsha256 = \"abc\"\n",
    )
    .unwrap();
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("manifest_error", stderr(&output));
}

#[test]
fn help_texts() {
    let here = std::env::temp_dir();
    let output = aitrust(&here, &["--help"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("help", stdout(&output));
    let output = aitrust(&here, &["check", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("check_help", stdout(&output));
}

#[test]
fn explain_a_code_and_list_them_all() {
    let here = std::env::temp_dir();
    let output = aitrust(&here, &["explain", "int002"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("explain_int002", stdout(&output));
    let output = aitrust(&here, &["explain"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("explain_all", stdout(&output));
    let output = aitrust(&here, &["explain", "INT02"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown finding code `INT02`"));
}
