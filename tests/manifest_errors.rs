//! Bad manifests: every class of problem exits 2 and names the file, line, column and a hint.

mod common;

use common::{check, stderr};

/// Writes `manifest` as aibom.toml in a temp dir, audits it, and returns stderr after asserting exit 2.
fn rejected(manifest: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), manifest).unwrap();
    let output = check(dir.path(), &[]);
    let text = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit 2, got {:?}:\n{text}",
        output.status
    );
    assert!(output.stdout.is_empty(), "nothing may be printed as a report");
    assert!(text.contains("nothing was audited"), "{text}");
    text
}

/// Asserts a problem at `location` with `message` and `help` in the output.
fn assert_problem(text: &str, location: &str, message: &str, help: &str) {
    let at = text
        .find(&format!("--> {location}\n"))
        .unwrap_or_else(|| panic!("no problem at {location}:\n{text}"));
    let block_start = text[..at].rfind("error: ").unwrap();
    let block_end = at + text[at..].find("\n\n").unwrap_or(text.len() - at);
    let block = &text[block_start..block_end];
    assert!(block.contains(message), "{message:?} not in:\n{block}");
    assert!(
        block.contains(&format!("help: {help}")),
        "help {help:?} not in:\n{block}"
    );
}

const HEAD: &str = "schema = 1\n[project]\nname = \"p\"\n";

#[test]
fn toml_syntax_error() {
    let text = rejected("schema = 1\n[project\nname = \"x\"\n");
    assert_problem(&text, "aibom.toml:2:9", "invalid TOML", "fix the TOML syntax");
    let text = rejected("schema = 1\n[project]\nname = \"unterminated\n");
    assert_problem(
        &text,
        "aibom.toml:3:21",
        "invalid TOML: invalid character in string",
        "fix the TOML syntax",
    );
}

#[test]
fn unknown_keys_with_nearest_valid_key() {
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"a/b\"\nlicence = \"mit\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:8:1",
        "unknown key `licence` in [[model]]",
        "did you mean `license`?",
    );
    let text = rejected(&format!("{HEAD}[usgae]\npurpose = \"research\"\n"));
    assert_problem(
        &text,
        "aibom.toml:4:2",
        "unknown key `usgae` in the manifest",
        "did you mean `usage`?",
    );
    let text = rejected(&format!("{HEAD}[policy]\nsignatures.requir = \"all\"\n"));
    assert_problem(
        &text,
        "aibom.toml:5:12",
        "unknown key `requir` in [policy.signatures]",
        "did you mean `require`?",
    );
}

#[test]
fn wrong_types() {
    let text = rejected(&format!(
        "{HEAD}[usage]\nmonthly_active_users = \"many\"\nregions = \"EU\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:5:25",
        "`monthly_active_users` in [usage] must be a whole number, found string",
        "write `monthly_active_users` as a whole number",
    );
    assert_problem(
        &text,
        "aibom.toml:6:12",
        "`regions` in [usage] must be a list of strings",
        "write `regions` as a list of strings",
    );
    let text = rejected("schema = \"1\"\n[project]\nname = \"p\"\n");
    assert_problem(
        &text,
        "aibom.toml:1:11",
        "`schema` in the manifest must be a whole number",
        "write `schema` as a whole number",
    );
}

#[test]
fn invalid_enum_values() {
    let text = rejected(&format!(
        "{HEAD}[usage]\npurpose = \"comercial\"\ndeployment = \"cloud\"\nactivities = [\"serve\", \"finetune\"]\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:5:12",
        "invalid value \"comercial\" for `purpose`",
        "did you mean \"commercial\"?",
    );
    assert_problem(
        &text,
        "aibom.toml:6:15",
        "invalid value \"cloud\" for `deployment`",
        "valid values: saas, distributed, on-premises, internal",
    );
    assert_problem(
        &text,
        "aibom.toml:7:25",
        "invalid value \"finetune\" for `activities`",
        "did you mean \"fine-tune\"?",
    );
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"m\"\nsource = \"hugging-face\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:6:11",
        "invalid value \"hugging-face\" for `source`",
        "did you mean \"huggingface\"?",
    );
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"a\"\nsource = \"huggingface\"\nname = \"o/a\"\n[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"o/m\"\nbase_model = [\"a\"]\nrelation = \"fine-tune\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:13:13",
        "invalid value \"fine-tune\" for `relation`",
        "did you mean \"finetune\"?",
    );
}

#[test]
fn missing_required_fields() {
    let text = rejected(&format!(
        "{HEAD}[[dataset]]\nname = \"d\"\nsource = \"local\"\npath = \"d.csv\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:5:1",
        "[[dataset]] is missing the required key `id`",
        "add `id = ",
    );
    let text = rejected("[project]\nname = \"p\"\n");
    assert_problem(
        &text,
        "aibom.toml:1:1",
        "does not say its schema version",
        "add `schema = 1`",
    );
    let text = rejected("schema = 1\n");
    assert_problem(&text, "aibom.toml:1:1", "no [project] table", "add `[project]`");
    let text = rejected(&format!("{HEAD}[[model]]\nid = \"m\"\nsource = \"local\"\n"));
    assert_problem(
        &text,
        "aibom.toml:6:11",
        "is local but has no `path`",
        "add `path = ",
    );
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"m\"\nsource = \"git\"\nrevision = \"abc\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:6:11",
        "has source \"git\" but no `url`",
        "add `url = ",
    );
}

#[test]
fn duplicate_ids_across_models_and_datasets() {
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"x\"\nsource = \"huggingface\"\nname = \"o/x\"\n[[dataset]]\nid = \"x\"\nsource = \"url\"\nurl = \"https://example.com/x.csv\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:9:7",
        "duplicate id `x`",
        "ids are unique among all models and datasets",
    );
}

#[test]
fn references_to_unknown_or_wrong_kind_of_ids() {
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"ft\"\nsource = \"huggingface\"\nname = \"o/ft\"\nbase_model = [\"lama\", \"data\"]\ntrained_on = [\"ft\", \"dta\"]\n\
[[model]]\nid = \"llama\"\nsource = \"huggingface\"\nname = \"o/llama\"\n[[dataset]]\nid = \"data\"\nsource = \"url\"\nurl = \"https://e.x/d\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:8:16",
        "base_model refers to unknown model `lama`",
        "did you mean `llama`?",
    );
    assert_problem(
        &text,
        "aibom.toml:8:24",
        "`data` is a dataset, not a model",
        "list datasets in `trained_on`",
    );
    assert_problem(
        &text,
        "aibom.toml:9:16",
        "`ft` is a model, not a dataset",
        "list models in `base_model`",
    );
    assert_problem(
        &text,
        "aibom.toml:9:22",
        "trained_on refers to unknown dataset `dta`",
        "did you mean `data`?",
    );
}

#[test]
fn lineage_cycles() {
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"a\"\nsource = \"huggingface\"\nname = \"o/a\"\nbase_model = [\"b\"]\n\
[[model]]\nid = \"b\"\nsource = \"huggingface\"\nname = \"o/b\"\nbase_model = [\"a\"]\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:8:16",
        "the lineage has a cycle: a -> b -> a",
        "a model cannot derive from itself",
    );
}

#[test]
fn malformed_digests() {
    let text = rejected(&format!(
        "{HEAD}[[dataset]]\nid = \"d\"\nsource = \"local\"\npath = \"d.csv\"\nsha256 = \"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:8:11",
        "malformed sha256",
        "drop the `sha256:` prefix",
    );
    let text = rejected(&format!(
        "{HEAD}[[dataset]]\nid = \"d\"\nsource = \"local\"\npath = \"d.csv\"\nsha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0z\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:8:11",
        "`z` is not a hexadecimal digit",
        "write the full 64-character SHA-256",
    );
}

#[test]
fn paths_that_are_absolute_or_escape() {
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"/etc/passwd\"\n[[dataset]]\nid = \"d\"\nsource = \"local\"\npath = \"data/../../secrets.csv\"\ncard = \"C:\\\\cards\\\\d.md\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:7:9",
        "invalid path \"/etc/passwd\": the path is absolute",
        "paths are relative to the manifest's directory and must stay inside it",
    );
    assert_problem(
        &text,
        "aibom.toml:11:9",
        "the path leaves the project directory",
        "paths are relative to the manifest's directory and must stay inside it",
    );
    assert_problem(
        &text,
        "aibom.toml:12:9",
        "the path is absolute",
        "paths are relative to the manifest's directory and must stay inside it",
    );
    // a file path inside a component escapes through its own `..`
    let text = rejected(&format!(
        "{HEAD}[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"models/m\"\n[[model.file]]\npath = \"../../../x\"\nsha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:9:9",
        "the path leaves the project directory",
        "paths are relative to the manifest's directory and must stay inside it",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = rejected(&format!(
        "{HEAD}[usage]\npurpose = \"x\"\n[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"../m\"\nsize = -1\n[policy]\nlevels = {{ \"INT999\" = \"deny\" }}\n"
    ));
    assert!(text.contains("has 4 problems"), "{text}");
}

#[test]
fn not_utf8_and_unreadable_manifests() {
    let text = rejected("schema = 1\n[project]\nname = \"\u{0}\"\n");
    assert!(text.contains("aibom.toml:3:9"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aibom.toml"),
        b"schema = 1\n[project]\nname = \"\xff\"\n",
    )
    .unwrap();
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("aibom.toml:3:9"), "{}", stderr(&output));
    assert!(stderr(&output).contains("not valid UTF-8"));
    let output = check(dir.path(), &["--manifest", "missing/aibom.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing/aibom.toml does not exist"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("aitrust init"));
}

#[test]
fn bad_policy_file_and_bad_flags_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), HEAD).unwrap();
    std::fs::write(
        dir.path().join("policy.toml"),
        "[signatures]\nrequire = \"everything\"\n",
    )
    .unwrap();
    let output = check(dir.path(), &["--policy", "policy.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert_problem(
        &text,
        "policy.toml:2:12",
        "invalid value \"everything\" for `require`",
        "valid values: none, models, all",
    );
    let output = common::aitrust(dir.path(), &["check", "--now", "yesterday"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("RFC 3339"));
    let output = common::aitrust(dir.path(), &["check", "--format", "yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let output = common::aitrust(dir.path(), &["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn bad_answers_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), HEAD).unwrap();
    std::fs::write(
        dir.path().join("aibom.answers.toml"),
        "[[answer]]\nchecklist = \"global\"\nitem = \"trust-model-oversigt\"\nstatus = \"met\"\njustification = \"x\"\nanswered_by = \"a\"\nanswered_at = \"2026-11-22T10:00:00Z\"\nbom_sha256 = \"00\"\n",
    )
    .unwrap();
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert_problem(
        &text,
        "aibom.answers.toml:3:9",
        "unknown item `trust-model-oversigt`",
        "did you mean `trust-model-oversight`?",
    );
    assert!(text.contains("aibom.answers.toml:8:15"), "{text}");
    let output = check(dir.path(), &["--answers", "nope.toml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn policy_license_entries_must_name_one_known_license() {
    let text = rejected(&format!(
        "{HEAD}[policy]\nlicenses.allow = [\"apache-2.0\", \"definitely-not\", \"MIT OR ISC\"]\nlicenses.deny = [\"cc\"]\n"
    ));
    assert_problem(
        &text,
        "aibom.toml:5:34",
        "`definitely-not` in licenses.allow",
        "write an SPDX id",
    );
    assert_problem(
        &text,
        "aibom.toml:5:52",
        "is an expression, not one license",
        "list each license as its own entry",
    );
    assert_problem(
        &text,
        "aibom.toml:6:19",
        "`cc` in licenses.deny",
        "`cc` names the Creative Commons family",
    );
}
