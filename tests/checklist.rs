//! The trust checklist: statuses and CHK findings in `check`, required checklists, stale and unmet answers,
//! custom checklists, the interactive walk with scripted answers, and a real terminal.

mod common;

use std::path::Path;

use aitrust::checklist::interactive::{self, Prompter, Selection};
use aitrust::checklist::{self, Checklist};
use common::{aitrust, all_codes, json_report, project, stderr, stdout};

fn item<'a>(report: &'a serde_json::Value, checklist: &str, id: &str) -> &'a serde_json::Value {
    report["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == checklist)
        .unwrap_or_else(|| panic!("no checklist {checklist}"))["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
}

fn answer(item: &str, status: &str, digest: &str) -> String {
    format!(
        "[[answer]]\nchecklist = \"global\"\nitem = \"{item}\"\nstatus = \"{status}\"\njustification = \"Reviewed by the platform team.\"\n\
evidence = [\"https://wiki.example.com/review\"]\nanswered_by = \"Jane Doe <jane@example.com>\"\nanswered_at = \"2026-11-20T10:00:00Z\"\nbom_sha256 = \"{digest}\"\n"
    )
}

fn manifest_digest(root: &Path) -> String {
    aitrust::digest::hash::sha256_bytes(&std::fs::read(root.join("aibom.toml")).unwrap()).to_string()
}

#[test]
fn open_items_are_warnings_unless_the_checklist_is_required() {
    let (_dir, root) = project("clean");
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0);
    let chk: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "checklist")
        .collect();
    assert!(
        !chk.is_empty()
            && chk
                .iter()
                .all(|f| f["code"] == "CHK001" && f["severity"] == "warning")
    );
    assert_eq!(report["checklist"]["id"], "global");
    assert_eq!(item(&report, "global", "license-to-use")["status"], "pass");
    assert_eq!(item(&report, "global", "trust-model-oversight")["status"], "open");
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[policy]\nchecklist.require = [\"global\", \"eu-ai-act\"]\n"),
    )
    .unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1, "open items of required checklists are errors");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "CHK001")
            .all(|f| f["severity"] == "error")
    );
    assert_eq!(report["checklists"].as_array().unwrap().len(), 2);
    assert_eq!(
        item(&report, "eu-ai-act", "euaia-human-oversight")["status"],
        "open"
    );
}

#[test]
fn answers_pass_fail_and_go_stale() {
    let (_dir, root) = project("clean");
    let digest = manifest_digest(&root);
    let answers = format!(
        "{}\n{}\n{}",
        answer("trust-model-oversight", "met", &digest),
        answer("trust-model-monitoring", "unmet", &digest),
        answer("trust-evolution", "not-applicable", &digest)
    );
    std::fs::write(root.join("aibom.answers.toml"), answers).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1, "an unmet item fails the audit");
    assert_eq!(item(&report, "global", "trust-model-oversight")["status"], "pass");
    assert_eq!(
        item(&report, "global", "trust-model-oversight")["answer"]["answered_by"],
        "Jane Doe <jane@example.com>"
    );
    assert_eq!(
        item(&report, "global", "trust-model-monitoring")["status"],
        "fail"
    );
    assert_eq!(
        item(&report, "global", "trust-evolution")["status"],
        "not-applicable"
    );
    assert!(all_codes(&report).contains(&"CHK002".to_string()));
    // the manifest changes: every answer is stale and the items are open again
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("version = \"0.3.0\"", "version = \"0.3.1\""),
    )
    .unwrap();
    let (_, report) = json_report(&root, &[]);
    let oversight = item(&report, "global", "trust-model-oversight");
    assert_eq!(
        (oversight["status"].as_str(), oversight["stale"].as_bool()),
        (Some("open"), Some(true))
    );
    assert!(all_codes(&report).contains(&"CHK003".to_string()));
    // but an "unmet" answer still fails: a changed manifest never opens the gate
    let monitoring = item(&report, "global", "trust-model-monitoring");
    assert_eq!(
        (monitoring["status"].as_str(), monitoring["stale"].as_bool()),
        (Some("fail"), Some(true))
    );
    assert!(all_codes(&report).contains(&"CHK002".to_string()));
}

#[test]
fn a_comment_in_the_manifest_cannot_turn_an_unmet_answer_into_a_pass() {
    let (_dir, root) = project("clean");
    let digest = manifest_digest(&root);
    std::fs::write(
        root.join("aibom.answers.toml"),
        answer("trust-model-monitoring", "unmet", &digest),
    )
    .unwrap();
    let (code, _) = json_report(&root, &[]);
    assert_eq!(code, 1);
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n# reviewed\n")).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1, "the unmet answer must still fail");
    let chk002: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CHK002")
        .collect();
    assert_eq!(chk002.len(), 1);
    assert_eq!(chk002[0]["severity"], "error");
    assert!(chk002[0]["message"].as_str().unwrap().contains("unmet"));
}

#[test]
fn unknown_checklists_and_custom_checklist_files() {
    let (_dir, root) = project("clean");
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[policy]\nchecklist.require = [\"globl\"]\n"),
    )
    .unwrap();
    let output = common::check(&root, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown checklist `globl`"),
        "{}",
        stderr(&output)
    );
    std::fs::write(
        root.join("medical.toml"),
        "id = \"medical\"\ntitle = \"Medical devices\"\nextends = \"global\"\nsource = \"https://example.com/mdr\"\n\
[[item]]\nid = \"mdr-clinical-evaluation\"\ntitle = \"Clinical evaluation\"\nquestion = \"Is there a clinical evaluation?\"\n\
guidance = \"The report.\"\nneeds_person = true\nsource = \"MDR Article 61\"\n",
    )
    .unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[policy]\nchecklist.require = [\"medical.toml\"]\n"),
    )
    .unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        item(&report, "medical", "mdr-clinical-evaluation")["status"],
        "open"
    );
    assert_eq!(
        item(&report, "medical", "license-to-use")["status"],
        "pass",
        "items of the extended checklist come along"
    );
}

/// Answers from a script; records what was shown.
struct Scripted {
    lines: Vec<&'static str>,
    shown: String,
}

impl Prompter for Scripted {
    fn say(&mut self, text: &str) {
        self.shown.push_str(text);
        self.shown.push('\n');
    }

    fn ask(&mut self, prompt: &str, _default: Option<&str>) -> std::io::Result<Option<String>> {
        self.shown.push_str(prompt);
        self.shown.push('\n');
        if self.lines.is_empty() {
            Ok(None)
        } else {
            Ok(Some(self.lines.remove(0).to_string()))
        }
    }
}

#[test]
fn scripted_walk_writes_after_every_answer() {
    let (_dir, root) = project("clean");
    std::fs::create_dir(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/eval.md"), "eval results").unwrap();
    let global = Checklist::global();
    let report = checklist::walk(&global, &[], None, &aitrust::checks::names(), "digest");
    let answers_path = root.join("aibom.answers.toml");
    let mut walk = interactive::Walk {
        checklist: &global,
        report: &report,
        answers: checklist::Answers::default(),
        answers_path: answers_path.clone(),
        bom_sha256: "0".repeat(64),
        default_author: "Git Person <git@example.com>".into(),
        now: "2026-11-22T12:00:00Z".into(),
    };
    let mut prompter = Scripted {
        lines: vec![
            // objectivity-bias: met, needs evidence; a missing file and then nothing are refused
            "maybe",
            "met",
            "",
            "Disaggregated eval on our users.",
            "docs/missing.md",
            "",
            "docs/eval.md",
            "",
            "",
            // target-uses: skipped
            "skip",
            // trust-data-collection: unmet, author changed; then the input ends
            "unmet",
            "Collection undocumented.",
            "",
            "Alex <alex@example.com>",
        ],
        shown: String::new(),
    };
    let count = interactive::run(&mut walk, &mut prompter, &Selection::Open).unwrap();
    assert_eq!(count, 2);
    assert!(prompter.shown.contains("\"maybe\" is not a status"));
    assert!(prompter.shown.contains("An answer needs a justification"));
    assert!(prompter.shown.contains("cannot be read"));
    assert!(prompter.shown.contains("needs evidence to be met"));
    let written = std::fs::read_to_string(&answers_path).unwrap();
    let loaded = checklist::answers::load(&answers_path, &[&global]).unwrap();
    assert_eq!(loaded.answers.len(), 2);
    let bias = loaded.for_item("global", "objectivity-bias").unwrap();
    assert_eq!(bias.answered_by, "Git Person <git@example.com>");
    assert_eq!(
        bias.evidence,
        [checklist::answers::Evidence::File {
            path: "docs/eval.md".into(),
            sha256: aitrust::digest::hash::sha256_bytes(b"eval results").to_string()
        }]
    );
    assert_eq!(
        loaded
            .for_item("global", "trust-data-collection")
            .unwrap()
            .answered_by,
        "Alex <alex@example.com>"
    );
    // canonical: writing what was read gives the same bytes
    assert_eq!(checklist::answers::to_toml(&loaded), written);
}

#[test]
fn status_without_a_terminal_and_refusal_to_prompt() {
    let (_dir, root) = project("clean");
    let output = aitrust(&root, &["checklist", "--status"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("trust-model-oversight") && stdout(&output).contains("open"));
    let output = aitrust(&root, &["checklist"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("needs a terminal") && stderr(&output).contains("--status"));
    let output = aitrust(&root, &["checklist", "--checklist", "eu-ai-act", "--status"]);
    assert!(stdout(&output).contains("euaia-gpai-copyright"));
}

/// A person at a real terminal: `script` gives the binary a pseudo-terminal.
#[cfg(unix)]
#[test]
fn a_person_answers_at_a_terminal() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("the `script` command (util-linux) is needed for this test; .ci/run installs it");
    }
    let (_dir, root) = project("clean");
    let binary = assert_cmd::cargo::cargo_bin("aitrust");
    let input = "met\nThe on-call lead can roll the model back within an hour.\nhttps://wiki.example.com/oncall\n\nPat <pat@example.com>\n";
    let mut child = std::process::Command::new("script")
        .args([
            "-qec",
            &format!(
                "{} checklist --item trust-model-oversight --now 2026-11-22T12:00:00Z",
                binary.display()
            ),
            "/dev/null",
        ])
        .current_dir(&root)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("Who oversees the model's behaviour"), "{screen}");
    assert!(screen.contains("1 answer recorded"), "{screen}");
    let (_, report) = json_report(&root, &[]);
    let oversight = item(&report, "global", "trust-model-oversight");
    assert_eq!(oversight["status"], "pass");
    assert_eq!(oversight["answer"]["answered_by"], "Pat <pat@example.com>");
}

/// A person answering while another session writes an answer to the same file.
struct Concurrent {
    lines: Vec<&'static str>,
    other: Option<(std::path::PathBuf, String)>,
}

impl Prompter for Concurrent {
    fn say(&mut self, _text: &str) {}

    fn ask(&mut self, _prompt: &str, _default: Option<&str>) -> std::io::Result<Option<String>> {
        // just before this session's first answer is saved, the other session saves its own
        if self.lines.len() == 1
            && let Some((path, text)) = self.other.take()
        {
            std::fs::write(path, text).unwrap();
        }
        Ok((!self.lines.is_empty()).then(|| self.lines.remove(0).to_string()))
    }
}

#[test]
fn two_sessions_on_one_answers_file_lose_no_answer() {
    let (_dir, root) = project("clean");
    let global = Checklist::global();
    let report = checklist::walk(&global, &[], None, &aitrust::checks::names(), "digest");
    let answers_path = root.join("aibom.answers.toml");
    let other = "[[answer]]\nchecklist = \"global\"\nitem = \"target-uses\"\nstatus = \"met\"\njustification = \"Written by the other session.\"\nanswered_by = \"Other <o@example.com>\"\nanswered_at = \"2026-11-22T12:00:00Z\"\nbom_sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n";
    let mut walk = interactive::Walk {
        checklist: &global,
        report: &report,
        answers: checklist::Answers::default(),
        answers_path: answers_path.clone(),
        bom_sha256: "0".repeat(64),
        default_author: "Me <me@example.com>".into(),
        now: "2026-11-22T12:00:00Z".into(),
    };
    let mut prompter = Concurrent {
        lines: vec!["unmet", "Nobody checked the bias.", "", ""],
        other: Some((answers_path.clone(), other.to_string())),
    };
    let count = interactive::run(
        &mut walk,
        &mut prompter,
        &Selection::Item("objectivity-bias".into()),
    )
    .unwrap();
    assert_eq!(count, 1);
    let loaded = checklist::answers::load(&answers_path, &[&global]).unwrap();
    assert!(
        loaded.for_item("global", "target-uses").is_some(),
        "the other session's answer is kept"
    );
    assert!(
        loaded.for_item("global", "objectivity-bias").is_some(),
        "and this one is saved"
    );
}
