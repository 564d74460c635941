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

/// What a reviewer sees of a stale answer with broken evidence and an earlier decision: the checklist status
/// table, the Markdown report's checklist, and a malformed answers file's message.
#[test]
fn checklist_status_stale_answers_and_answers_errors() {
    let (_dir, root) = project("clean");
    std::fs::write(root.join("oversight.md"), "The lead reviews weekly.\n").unwrap();
    std::fs::write(
        root.join("aibom.answers.toml"),
        "[[answer]]\nchecklist = \"global\"\nitem = \"trust-model-oversight\"\nstatus = \"met\"\ndecision = \"confirmed\"\n\
justification = \"The support lead reviews a weekly sample.\"\n\
evidence = [\"https://wiki.example.com/oversight\", { path = \"oversight.md\", sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\" }]\n\
answered_by = \"Jane Doe <jane@example.com>\"\nanswered_at = \"2026-11-20T10:00:00Z\"\n\n[answer.scope]\n\
digest = \"1111111111111111111111111111111111111111111111111111111111111111\"\nproject = \"0123456789abcdef\"\nusage = \"0123456789abcdef\"\n\n\
[[answer.history]]\ndecision = \"answered\"\nstatus = \"unmet\"\njustification = \"Nobody oversees it yet.\"\nevidence = []\n\
answered_by = \"Jane Doe <jane@example.com>\"\nanswered_at = \"2026-11-01T10:00:00Z\"\n",
    )
    .unwrap();
    let status = aitrust(&root, &["checklist", "--status", "--now", common::NOW]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    insta::assert_snapshot!("checklist_status", stdout(&status));
    let report = aitrust(
        &root,
        &[
            "report",
            "--format",
            "markdown",
            "--output",
            "report.md",
            "--now",
            common::NOW,
        ],
    );
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    let markdown = std::fs::read_to_string(root.join("report.md")).unwrap();
    let checklist = &markdown[markdown.find("**global**").expect("the checklist section")..];
    insta::assert_snapshot!("stale_answer_markdown", checklist);
    std::fs::write(
        root.join("aibom.answers.toml"),
        "[[answer]]\nchecklist = \"global\"\nitem = \"trust-model-oversight\"\nstatus = \"met\"\njustification = \"?\"\n\
answered_by = \"x\"\nanswered_at = \"2026-11-20T10:00:00Z\"\n[answer.scope]\nmodels = \"12\"\n\"model:tiny\" = { weights = \"ab\" }\n",
    )
    .unwrap();
    let error = check(&root, &[]);
    assert_eq!(error.status.code(), Some(2));
    insta::assert_snapshot!("answers_error", stderr(&error));
}

/// The machine formats of the demo's audit, as CI systems receive them: SARIF (GitHub code scanning), JUnit
/// (GitLab, Jenkins), GitHub workflow commands, and the Markdown report (pull-request comments).
#[test]
fn demo_machine_formats() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // `check` (the helper) runs at a fixed `--now`; the report is given the same
    let now = "2026-11-22T12:00:00Z";
    for (name, format) in [
        ("demo_sarif", "sarif"),
        ("demo_junit", "junit"),
        ("demo_github", "github"),
    ] {
        let output = check(
            root,
            &["--manifest", "manifests/demo/aibom.toml", "--format", format],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        insta::assert_snapshot!(name, stdout(&output));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.md");
    let output = aitrust(
        root,
        &[
            "report",
            "--manifest",
            "manifests/demo/aibom.toml",
            "--format",
            "markdown",
            "--now",
            now,
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let markdown = std::fs::read_to_string(&file).unwrap();
    insta::with_settings!({ filters => vec![(r"commit `[0-9a-f]{12}`( \(dirty\))?", "commit `[commit]`")] }, {
        insta::assert_snapshot!("demo_markdown", markdown);
    });
}

/// The table as a terminal shows it: colour by the conventions (`CLICOLOR_FORCE` forces it, `NO_COLOR` wins over
/// it, a pipe gets none), and the width from `COLUMNS`: the least important columns are left out first, and
/// every line fits.
#[test]
fn the_table_fits_the_terminal_and_colours_by_the_conventions() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |env: &[(&str, &str)]| {
        let mut command = assert_cmd::Command::cargo_bin("aitrust").unwrap();
        command
            .current_dir(root)
            .env_remove("CI")
            .env_remove("COLUMNS")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .env_remove("NO_COLOR")
            .args([
                "check",
                "--now",
                common::NOW,
                "--manifest",
                "manifests/demo/aibom.toml",
            ]);
        for (key, value) in env {
            command.env(key, value);
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    const ESC: char = '\u{1b}';
    // a pipe: plain
    let plain = run(&[("COLUMNS", "100")]);
    assert!(!plain.contains(ESC), "{plain}");
    // forced: the verdict and the severities are coloured, and the text is the same once the codes are gone
    let forced = run(&[("COLUMNS", "100"), ("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.contains("\u{1b}[1m\u{1b}[33mREVIEW")
            || forced.contains("\u{1b}[33m\u{1b}[1mREVIEW")
            || forced.contains("REVIEW\u{1b}"),
        "{forced}"
    );
    assert!(forced.contains(ESC));
    let stripped = strip_ansi(&forced);
    assert_eq!(stripped, plain);
    // NO_COLOR wins over CLICOLOR_FORCE
    let no_color = run(&[("COLUMNS", "100"), ("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains(ESC));
    // every width from 60 to 200: no line longer than the terminal, and the columns left out say so
    for width in [60usize, 80, 100, 120, 160, 200] {
        let text = run(&[("COLUMNS", &width.to_string())]);
        for line in text.lines() {
            assert!(
                line.chars().count() <= width,
                "{width} columns, a line of {}:\n{line}\n\n{text}",
                line.chars().count()
            );
        }
        let left_out = text.contains("left out to fit");
        // the whole table is 169 columns wide
        assert_eq!(left_out, width < 169, "{width}: {text}");
        assert!(text.contains("component") && text.contains("license") && text.contains("findings"));
    }
    // no COLUMNS and no terminal (a CI log): nothing is left out, nothing wraps
    let unbounded = run(&[]);
    assert!(!unbounded.contains("left out to fit"), "{unbounded}");
    assert!(unbounded.contains("upkeep"));
}

/// The text with ANSI SGR sequences (`ESC [ … m`) removed.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
