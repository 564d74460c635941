//! The trust checklist: statuses and CHK findings in `check`, required checklists, stale and unmet answers,
//! custom checklists, the interactive walk with scripted answers, and a real terminal.

mod common;

use std::path::Path;

use aitrust::checklist::answers::Evidence;
use aitrust::checklist::interactive::{self, Prompter, Selection, TextQuestion};
use aitrust::checklist::{self, Answer, AnswerStatus, Checklist, Decision};
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

/// An answer of the current format, bound to the item's scope as the project holds it now (what
/// `aitrust checklist` records).
fn answer_now(root: &Path, item: &str, status: AnswerStatus, evidence: Vec<Evidence>) -> Answer {
    let bom = aitrust::resolve::load(&root.join("aibom.toml")).unwrap();
    let global = Checklist::global();
    Answer {
        checklist: "global".into(),
        item: item.into(),
        status,
        decision: Decision::Answered,
        justification: "Reviewed by the platform team.".into(),
        evidence,
        answered_by: "Jane Doe <jane@example.com>".into(),
        answered_at: "2026-11-20T10:00:00Z".into(),
        scope: Some(checklist::Snapshot::of(&bom).record(&global.item(item).unwrap().scope)),
        bom_sha256: None,
        reviewed_changes: Vec::new(),
        history: Vec::new(),
    }
}

fn write_answers(root: &Path, answers: Vec<Answer>) {
    std::fs::write(
        root.join("aibom.answers.toml"),
        checklist::answers::to_toml(&checklist::Answers { answers }),
    )
    .unwrap();
}

fn edit(root: &Path, from: &str, to: &str) {
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains(from), "the fixture has {from:?}");
    std::fs::write(&manifest, text.replacen(from, to, 1)).unwrap();
}

fn url() -> Vec<Evidence> {
    vec![Evidence::Text("https://wiki.example.com/review".into())]
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

/// The statuses and stale marks of some items, and the audit's exit code.
fn audit_of(root: &Path, items: &[&str]) -> (i32, Vec<(String, String, bool)>, serde_json::Value) {
    let (code, report) = json_report(root, &[]);
    let states = items
        .iter()
        .map(|id| {
            let item = item(&report, "global", id);
            (
                id.to_string(),
                item["status"].as_str().unwrap().to_string(),
                item["stale"].as_bool().unwrap(),
            )
        })
        .collect();
    (code, states, report)
}

#[test]
fn answers_are_bound_to_their_scope_not_to_the_manifest_bytes() {
    let (_dir, root) = project("clean");
    let items = [
        "trust-model-oversight",
        "trust-data-collection",
        "trust-model-deployment",
        "trust-model-monitoring",
    ];
    write_answers(
        &root,
        vec![
            answer_now(&root, items[0], AnswerStatus::Met, url()),
            answer_now(&root, items[1], AnswerStatus::Met, url()),
            answer_now(&root, items[2], AnswerStatus::Met, url()),
            answer_now(&root, items[3], AnswerStatus::Unmet, url()),
        ],
    );
    let (code, states, _) = audit_of(&root, &items);
    assert_eq!(code, 1, "the unmet answer fails");
    let expect = |states: &[(String, String, bool)], wanted: &[(&str, bool)]| {
        let got: Vec<(&str, bool)> = states.iter().map(|(_, s, stale)| (s.as_str(), *stale)).collect();
        assert_eq!(got, wanted, "{states:?}");
    };
    expect(
        &states,
        &[("pass", false), ("pass", false), ("pass", false), ("fail", false)],
    );

    // comments, blank lines, reindenting and reordered keys change no scope
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let reformatted = format!(
        "# reviewed by the platform team\n{}\n# end\n",
        text.replace("  [[model.file]]", "[[model.file]]")
            .replace("  path = ", "path = ")
            .replace(
                "name = \"ticket-router\"\nversion = \"0.3.0\"",
                "version = \"0.3.0\" # bumped later\nname = \"ticket-router\""
            )
    );
    std::fs::write(&manifest, reformatted).unwrap();
    let (code, states, _) = audit_of(&root, &items);
    assert_eq!(code, 1);
    expect(
        &states,
        &[("pass", false), ("pass", false), ("pass", false), ("fail", false)],
    );

    // a changed weight file: deployment (files) and monitoring (models) are stale, the others current
    // (another valid safetensors file: the changed-file fixture's weights)
    let changed =
        std::fs::read(common::fixture("changed-file").join("models/tiny/model.safetensors")).unwrap();
    std::fs::write(root.join("models/tiny/model.safetensors"), &changed).unwrap();
    let digest = aitrust::digest::hash::sha256_bytes(&changed).to_string();
    edit(
        &root,
        "d82e098268c3ea294dc7c5ff264fa2cfc2a554e58bc49bedc18ac06fc55dd62a",
        &digest,
    );
    let (code, states, report) = audit_of(&root, &items);
    assert_eq!(code, 1, "the unmet answer stays in force when stale");
    // deployment's stale answer loses its force, but every check it waits on (integrity, signature,
    // provenance, serialization, maintenance) now gives evidence and none failed, so it passes on that evidence
    expect(
        &states,
        &[("pass", false), ("pass", false), ("pass", true), ("fail", true)],
    );
    let deployment = item(&report, "global", "trust-model-deployment");
    assert_eq!(deployment["changes"][0], "model `tiny`: file digests changed");
    let chk003: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CHK003")
        .collect();
    // the item passes on its automated evidence, so its stale answer needs no re-confirmation (no CHK003);
    // the change is still recorded on the item (above)
    assert!(chk003.is_empty(), "{chk003:?}");
    let chk002 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "CHK002")
        .unwrap();
    assert!(chk002["message"].as_str().unwrap().contains("unmet"));
    assert_eq!(chk002["severity"], "error");

    // a new dataset: data collection (data) goes stale and says so
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[[dataset]]\nid = \"feedback\"\nsource = \"url\"\nurl = \"https://example.com/feedback.csv\"\nlicense = \"cc-by-4.0\"\n"),
    )
    .unwrap();
    let (_, states, report) = audit_of(&root, &items);
    expect(
        &states,
        &[("pass", false), ("open", true), ("pass", true), ("fail", true)],
    );
    assert_eq!(
        item(&report, "global", "trust-data-collection")["changes"][0],
        "dataset `feedback` added"
    );

    // the usage: oversight ([project], [usage]) goes stale too
    edit(&root, "purpose = \"internal\"", "purpose = \"research\"");
    let (code, states, report) = audit_of(&root, &items);
    expect(
        &states,
        &[("open", true), ("open", true), ("pass", true), ("fail", true)],
    );
    assert_eq!(
        item(&report, "global", "trust-model-oversight")["changes"][0],
        "[usage] changed"
    );
    assert_eq!(code, 1, "no edit turned the failing audit into a passing one");
}

#[test]
fn unmet_answers_fail_under_every_edit() {
    let (_dir, root) = project("clean");
    let all: Vec<String> = Checklist::global().items.iter().map(|i| i.id.clone()).collect();
    write_answers(
        &root,
        all.iter()
            .map(|id| answer_now(&root, id, AnswerStatus::Unmet, url()))
            .collect(),
    );
    let edits: [(&str, &str); 6] = [
        ("version = \"0.3.0\"", "version = \"0.3.0\" # reviewed"),
        ("purpose = \"internal\"", "purpose = \"commercial\""),
        ("license = \"apache-2.0\"", "license = \"mit\""),
        (
            "maintainer = \"ml@example.com\"\nlast_reviewed = \"2026-11-01\"\ntrained_on",
            "maintainer = \"someone@example.com\"\nlast_reviewed = \"2026-11-01\"\ntrained_on",
        ),
        (
            "collection = \"exported from the ticketing system\"",
            "collection = \"bought\"",
        ),
        (
            "card = \"models/tiny/README.md\"",
            "card = \"models/tiny/README.md\"\nintended_use = \"anything\"",
        ),
    ];
    for (from, to) in edits {
        edit(&root, from, to);
        let (code, report) = json_report(&root, &[]);
        assert_eq!(code, 1, "after {to:?}");
        let failing = report["checklist"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["status"] == "fail")
            .count();
        assert_eq!(failing, all.len(), "after {to:?} every unmet item still fails");
    }
}

#[test]
fn evidence_is_checked_again_on_every_audit() {
    let (_dir, root) = project("clean");
    std::fs::create_dir(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/oversight.md"), "The lead reviews weekly.").unwrap();
    let pinned = |path: &str, bytes: &[u8]| Evidence::File {
        path: path.into(),
        sha256: aitrust::digest::hash::sha256_bytes(bytes).to_string(),
    };
    write_answers(
        &root,
        vec![answer_now(
            &root,
            "trust-model-oversight",
            AnswerStatus::Met,
            vec![
                pinned("docs/oversight.md", b"The lead reviews weekly."),
                url()[0].clone(),
            ],
        )],
    );
    let (_, report) = json_report(&root, &[]);
    let oversight = item(&report, "global", "trust-model-oversight");
    assert_eq!(oversight["status"], "pass");
    let states: Vec<&str> = oversight["answer_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["verified", "url"], "the report shows each piece's state");

    // the file is edited: the item is open, CHK004 names the file; an error once the checklist is required
    std::fs::write(root.join("docs/oversight.md"), "Nobody reviews.").unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["verdict"], "review");
    let oversight = item(&report, "global", "trust-model-oversight");
    assert_eq!(oversight["status"], "open");
    assert_eq!(oversight["answer_evidence"][0]["state"], "changed");
    let chk004 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "CHK004")
        .unwrap();
    assert!(
        chk004["message"].as_str().unwrap().contains("docs/oversight.md"),
        "{chk004}"
    );
    assert_eq!(chk004["severity"], "warning");
    let text = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    std::fs::write(
        root.join("aibom.toml"),
        format!("{text}\n[policy]\nchecklist.require = [\"global\"]\n"),
    )
    .unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1);
    let chk004 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "CHK004")
        .unwrap();
    assert_eq!(chk004["severity"], "error");
    std::fs::write(root.join("aibom.toml"), &text).unwrap();

    // deleted, outside the project, a digest that never matched, a link out, a FIFO, a bare path
    std::fs::remove_file(root.join("docs/oversight.md")).unwrap();
    std::fs::write(root.join("docs/real.md"), "real").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("docs/link.md")).unwrap();
    let fifo = root.join("docs/pipe.md");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let cases: [(Evidence, &str); 6] = [
        (
            pinned("docs/oversight.md", b"The lead reviews weekly."),
            "missing",
        ),
        (pinned("../../../../etc/passwd", b"x"), "outside"),
        (pinned("docs/real.md", b"not what is there"), "changed"),
        (pinned("docs/link.md", b"x"), "outside"),
        (pinned("docs/pipe.md", b""), "unreadable"),
        (Evidence::Text("docs/real.md".into()), "unpinned"),
    ];
    for (evidence, state) in cases {
        write_answers(
            &root,
            vec![answer_now(
                &root,
                "trust-model-oversight",
                AnswerStatus::Met,
                vec![evidence.clone()],
            )],
        );
        let (code, report) = json_report(&root, &[]);
        assert_eq!(code, 0, "{evidence:?}");
        let oversight = item(&report, "global", "trust-model-oversight");
        assert_eq!(oversight["answer_evidence"][0]["state"], state, "{evidence:?}");
        assert_eq!(oversight["status"], "open", "{evidence:?} cannot back a pass");
        assert!(all_codes(&report).contains(&"CHK004".to_string()));
    }
}

#[test]
fn the_verdict_has_three_states_and_review_can_be_the_gate() {
    let (_dir, root) = project("clean");
    // open items: review, exit 0 by default
    let (code, report) = json_report(&root, &[]);
    assert_eq!((code, report["verdict"].as_str()), (0, Some("review")));
    let output = common::check(&root, &[]);
    assert!(stdout(&output).contains("verdict: REVIEW"), "{}", stdout(&output));
    assert!(
        !stdout(&output).contains("PASS"),
        "PASS never appears beside open items"
    );
    // --deny review, or the policy's gate, makes review exit 1
    let (code, _) = json_report(&root, &["--deny", "review"]);
    assert_eq!(code, 1);
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[policy]\ngate = \"review\"\n")).unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!((code, report["gate"].as_str()), (1, Some("review")));
    // the command line cannot lower the policy's gate
    let (code, _) = json_report(&root, &["--deny", "fail"]);
    assert_eq!(code, 1);
    // every item answered met and the card gaps accepted by the policy: no warning left, pass
    let accepted = "\n[policy]\nlevels = { \"DOC001\" = \"allow\", \"DOC003\" = \"allow\", \"DOC004\" = \"allow\", \"DOC006\" = \"allow\", \"DOC007\" = \"allow\" }\n";
    std::fs::write(&manifest, format!("{text}{accepted}")).unwrap();
    let all: Vec<String> = Checklist::global().items.iter().map(|i| i.id.clone()).collect();
    write_answers(
        &root,
        all.iter()
            .map(|id| answer_now(&root, id, AnswerStatus::Met, url()))
            .collect(),
    );
    let (code, report) = json_report(&root, &[]);
    let warnings: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "warning")
        .collect();
    assert_eq!(warnings, Vec::<&serde_json::Value>::new());
    assert_eq!((code, report["verdict"].as_str()), (0, Some("pass")));
    let (code, _) = json_report(&root, &["--deny", "review"]);
    assert_eq!(code, 0);
    // no [usage]: the license rules cannot decide, which is a finding (LIC011), and the verdict is review
    std::fs::write(
        &manifest,
        format!(
            "{}{accepted}",
            text.replace(
                "[usage]\npurpose = \"internal\"\ndeployment = \"internal\"\nactivities = [\"serve\"]\n",
                ""
            )
        ),
    )
    .unwrap();
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 0);
    assert!(
        all_codes(&report).contains(&"LIC011".to_string()),
        "{:?}",
        all_codes(&report)
    );
    assert_eq!(report["verdict"], "review");
}

#[test]
fn answers_files_of_the_first_format_are_read_and_written_in_the_new_form() {
    let (_dir, root) = project("clean");
    let digest = manifest_digest(&root);
    std::fs::write(
        root.join("aibom.answers.toml"),
        format!(
            "{}\n{}",
            answer("trust-model-oversight", "met", &digest),
            answer("trust-evolution", "met", &"0".repeat(64))
        ),
    )
    .unwrap();
    let (_, report) = json_report(&root, &[]);
    assert_eq!(item(&report, "global", "trust-model-oversight")["status"], "pass");
    let evolution = item(&report, "global", "trust-evolution");
    assert_eq!(
        (evolution["status"].as_str(), evolution["stale"].as_bool()),
        (Some("open"), Some(true))
    );
    assert!(
        evolution["changes"][0]
            .as_str()
            .unwrap()
            .contains("first answers format")
    );
    // any save writes the new form: the current answer is bound to its scope; the stale one keeps its digest
    let global = Checklist::global();
    let (report, snapshot) = report_of(&root, &global);
    let mut walk = walk_of(&root, &global, &report, &snapshot);
    let mut prompter = Scripted::new(&[
        Key::Pick("unmet"),
        Key::Type("Nobody checked the bias yet."),
        Key::Type(""),
        Key::Enter,
    ]);
    interactive::run(
        &mut walk,
        &mut prompter,
        &Selection::Item("objectivity-bias".into()),
    )
    .unwrap();
    let loaded = checklist::answers::load(&root.join("aibom.answers.toml"), &[&global]).unwrap();
    let oversight = loaded.for_item("global", "trust-model-oversight").unwrap();
    assert!(oversight.scope.is_some() && oversight.bom_sha256.is_none());
    let evolution = loaded.for_item("global", "trust-evolution").unwrap();
    assert!(evolution.scope.is_none() && evolution.bom_sha256.is_some());
    // and the migrated answer survives a comment
    let text = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    std::fs::write(root.join("aibom.toml"), format!("{text}# reviewed\n")).unwrap();
    let (_, report) = json_report(&root, &[]);
    assert_eq!(item(&report, "global", "trust-model-oversight")["status"], "pass");
}

#[test]
fn hand_written_answers_that_judge_nothing_or_say_nothing_are_refused() {
    let (_dir, root) = project("clean");
    std::fs::write(
        root.join("aibom.answers.toml"),
        "[[answer]]\nchecklist = \"global\"\nitem = \"trust-model-oversight\"\nstatus = \"met\"\njustification = \"?\"\nanswered_by = \"x\"\nanswered_at = \"2026-11-20T10:00:00Z\"\n",
    )
    .unwrap();
    let output = common::check(&root, &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("aibom.answers.toml:"), "{message}");
    assert!(
        message.contains("has no justification"),
        "a `?` is no justification: {message}"
    );
    assert!(message.contains("bound to nothing"), "{message}");
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

/// One step of a person's script.
#[derive(Clone, Copy, Debug)]
enum Key {
    /// Pick the option whose label starts with this.
    Pick(&'static str),
    /// Type this line and press enter.
    Type(&'static str),
    /// Press enter on what is prefilled.
    Enter,
}

/// Answers from a script, as a person would: a refused input is shown its message and the next line is
/// tried; records everything shown.
struct Scripted {
    keys: Vec<Key>,
    shown: String,
}

impl Scripted {
    fn new(keys: &[Key]) -> Self {
        Self {
            keys: keys.to_vec(),
            shown: String::new(),
        }
    }
}

impl Prompter for Scripted {
    fn say(&mut self, text: &str) {
        self.shown.push_str(text);
        self.shown.push('\n');
    }

    fn select(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
        _help: &str,
    ) -> std::io::Result<Option<usize>> {
        self.shown.push_str(&format!(
            "{prompt} {options:?} (cursor on {})\n",
            options[default]
        ));
        if self.keys.is_empty() {
            return Ok(None);
        }
        match self.keys.remove(0) {
            Key::Pick(label) => Ok(Some(
                options
                    .iter()
                    .position(|option| option.starts_with(label))
                    .unwrap_or_else(|| panic!("no option {label:?} in {options:?}")),
            )),
            Key::Enter => Ok(Some(default)),
            Key::Type(text) => panic!("typed {text:?} at a list: {prompt}"),
        }
    }

    fn text(&mut self, question: &TextQuestion<'_>) -> std::io::Result<Option<String>> {
        self.shown.push_str(&format!(
            "{} [{}]\n",
            question.prompt,
            question.initial.unwrap_or("")
        ));
        loop {
            if self.keys.is_empty() {
                return Ok(None);
            }
            let line = match self.keys.remove(0) {
                Key::Type(text) => text.to_string(),
                Key::Enter => question.initial.unwrap_or("").to_string(),
                Key::Pick(label) => panic!("picked {label:?} at a text prompt: {}", question.prompt),
            };
            match (question.validate)(&line) {
                Ok(()) => return Ok(Some(line)),
                Err(message) => {
                    self.shown.push_str(&message);
                    self.shown.push('\n');
                }
            }
        }
    }
}

fn walk_of<'a>(
    root: &Path,
    global: &'a Checklist,
    report: &'a checklist::ChecklistReport,
    snapshot: &'a checklist::Snapshot,
) -> interactive::Walk<'a> {
    let answers_path = root.join("aibom.answers.toml");
    let answers = if answers_path.exists() {
        checklist::answers::load(&answers_path, &[global]).unwrap()
    } else {
        checklist::Answers::default()
    };
    interactive::Walk {
        checklist: global,
        report,
        answers,
        answers_path,
        root: root.to_path_buf(),
        snapshot,
        default_author: "Git Person <git@example.com>".into(),
        now: "2026-11-22T12:00:00Z".into(),
    }
}

/// The checklist's report as `aitrust checklist` computes it, without findings.
fn report_of(root: &Path, global: &Checklist) -> (checklist::ChecklistReport, checklist::Snapshot) {
    let bom = aitrust::resolve::load(&root.join("aibom.toml")).unwrap();
    let snapshot = checklist::Snapshot::of(&bom);
    let answers_path = root.join("aibom.answers.toml");
    let answers = answers_path
        .exists()
        .then(|| checklist::answers::load(&answers_path, &[global]).unwrap());
    let report = checklist::walk(
        global,
        &[],
        answers.as_ref(),
        &aitrust::checks::names(),
        &checklist::Judge {
            snapshot: &snapshot,
            answers_dir: root,
            root,
        },
    );
    (report, snapshot)
}

#[test]
fn scripted_walk_writes_after_every_answer() {
    let (_dir, root) = project("clean");
    std::fs::create_dir(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/eval.md"), "eval results").unwrap();
    let global = Checklist::global();
    let (report, snapshot) = report_of(&root, &global);
    let mut walk = walk_of(&root, &global, &report, &snapshot);
    let mut prompter = Scripted::new(&[
        // objectivity-bias: `?` shows the guidance; met needs evidence; a bare `?` or two words are no
        // justification; a missing file, a path out of the project and an address without its scheme are refused
        Key::Pick("?"),
        Key::Pick("met"),
        Key::Type("?"),
        Key::Type("looks fine"),
        Key::Type("Disaggregated eval on our users."),
        Key::Type("docs/missing.md"),
        Key::Type("../../../../etc/passwd"),
        Key::Type("wiki.example.com/x"),
        Key::Type(""),
        Key::Type("docs/eval.md"),
        Key::Type(""),
        Key::Enter,
        // target-uses: skipped
        Key::Pick("skip"),
        // trust-data-collection: back to target-uses, skip it again, then unmet with another author
        Key::Pick("< back"),
        Key::Pick("skip"),
        Key::Pick("unmet"),
        Key::Type("Collection is undocumented."),
        Key::Type(""),
        Key::Type("Alex <alex@example.com>"),
        // then the person stops (Ctrl-C) in the middle of the next item
        Key::Pick("met"),
    ]);
    let ended = interactive::run(&mut walk, &mut prompter, &Selection::Open).unwrap();
    assert_eq!(ended.saved, 2);
    assert_eq!(ended.stopped_at.as_deref(), Some("trust-data-engineering"));
    let shown = &prompter.shown;
    assert!(shown.contains("[1/14 objectivity-bias] Status"), "{shown}");
    assert!(shown.contains("Guidance:"), "{shown}");
    assert!(
        shown.contains("[5/14 trust-data-collection] Status"),
        "numbers are the checklist's: {shown}"
    );
    assert!(shown.contains("at least three words"), "{shown}");
    assert!(shown.contains("no such file in the project"), "{shown}");
    assert!(shown.contains("leaves") || shown.contains("outside"), "{shown}");
    assert!(
        shown.contains("a web address needs its scheme: https://wiki.example.com/x"),
        "{shown}"
    );
    assert!(shown.contains("needs evidence to be met"), "{shown}");
    let answers_path = root.join("aibom.answers.toml");
    let written = std::fs::read_to_string(&answers_path).unwrap();
    let loaded = checklist::answers::load(&answers_path, &[&global]).unwrap();
    assert_eq!(loaded.answers.len(), 2);
    let bias = loaded.for_item("global", "objectivity-bias").unwrap();
    assert_eq!(bias.answered_by, "Git Person <git@example.com>");
    assert_eq!(bias.justification, "Disaggregated eval on our users.");
    assert_eq!(
        bias.evidence,
        [Evidence::File {
            path: "docs/eval.md".into(),
            sha256: aitrust::digest::hash::sha256_bytes(b"eval results").to_string()
        }]
    );
    assert!(
        bias.scope.is_some() && bias.bom_sha256.is_none(),
        "written in the new form"
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
    // resuming: the earlier answer is where the cursor starts and the justification is prefilled
    let (report, snapshot) = report_of(&root, &global);
    let mut walk = walk_of(&root, &global, &report, &snapshot);
    let mut prompter = Scripted::new(&[Key::Enter, Key::Enter, Key::Enter, Key::Enter]);
    let ended = interactive::run(
        &mut walk,
        &mut prompter,
        &Selection::Item("trust-data-collection".into()),
    )
    .unwrap();
    assert_eq!(ended.saved, 1);
    assert!(prompter.shown.contains("(cursor on unmet)"), "{}", prompter.shown);
    assert!(
        prompter
            .shown
            .contains("Justification (what an auditor can check) [Collection is undocumented.]"),
        "{}",
        prompter.shown
    );
    let loaded = checklist::answers::load(&answers_path, &[&global]).unwrap();
    let collection = loaded.for_item("global", "trust-data-collection").unwrap();
    assert_eq!(
        collection.decision,
        Decision::Confirmed,
        "the same answer again is a confirmation"
    );
    assert_eq!(collection.history.len(), 1, "the first decision is kept");
}

#[test]
fn stale_answers_are_confirmed_with_one_key_amended_or_withdrawn_and_the_history_keeps_every_decision() {
    let (_dir, root) = project("clean");
    write_answers(
        &root,
        vec![
            answer_now(&root, "trust-model-deployment", AnswerStatus::Met, url()),
            answer_now(&root, "trust-data-collection", AnswerStatus::Met, url()),
            answer_now(&root, "trust-model-monitoring", AnswerStatus::Unmet, url()),
            answer_now(&root, "trust-model-oversight", AnswerStatus::Met, url()),
        ],
    );
    // a new model file digest (deployment and monitoring judge it), a new dataset (data collection judges it)
    std::fs::write(root.join("models/tiny/config.json"), "{\"changed\": true}\n").unwrap();
    let digest = aitrust::digest::hash::sha256_bytes(b"{\"changed\": true}\n").to_string();
    edit(
        &root,
        "sha256 = \"a081d9e77d297287d946c181bc20cb78e71c677e25fd5ca50736199c7492ea21\"\n  size = 51",
        &format!("sha256 = \"{digest}\"\n  size = 17"),
    );
    edit(
        &root,
        "collection = \"exported from the ticketing system\"",
        "collection = \"exported from the ticketing system and the CRM\"",
    );
    let global = Checklist::global();
    let (report, snapshot) = report_of(&root, &global);
    let stale: Vec<&str> = report
        .items
        .iter()
        .filter(|i| i.stale)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        stale,
        [
            "trust-data-collection",
            "trust-model-deployment",
            "trust-model-monitoring"
        ],
        "oversight judges [project] and [usage], which did not change"
    );
    let mut walk = walk_of(&root, &global, &report, &snapshot);
    let mut prompter = Scripted::new(&[
        // data collection: confirmed with one key (the cursor starts on "confirm")
        Key::Enter,
        // deployment: amended to unmet
        Key::Pick("amend"),
        Key::Pick("unmet"),
        Key::Type("The new config was not reviewed yet."),
        Key::Type(""),
        Key::Enter,
        // monitoring (unmet): withdrawn, with a reason
        Key::Pick("withdraw"),
        Key::Type("Monitoring is now owned by the SRE team."),
    ]);
    let ended = interactive::run(&mut walk, &mut prompter, &Selection::Stale).unwrap();
    assert_eq!(ended.saved, 3, "{}", prompter.shown);
    assert!(
        prompter
            .shown
            .contains("dataset `tickets`: data collection changed"),
        "the person sees what changed: {}",
        prompter.shown
    );
    assert!(
        prompter.shown.contains("model `tiny`: file digests changed"),
        "{}",
        prompter.shown
    );
    let loaded = checklist::answers::load(&root.join("aibom.answers.toml"), &[&global]).unwrap();
    let collection = loaded.for_item("global", "trust-data-collection").unwrap();
    assert_eq!(
        (
            collection.decision,
            collection.status,
            collection.answered_by.as_str()
        ),
        (
            Decision::Confirmed,
            AnswerStatus::Met,
            "Git Person <git@example.com>"
        )
    );
    assert_eq!(
        collection.reviewed_changes,
        ["dataset `tickets`: data collection changed"]
    );
    assert_eq!(collection.history.len(), 1);
    assert_eq!(collection.history[0].answered_by, "Jane Doe <jane@example.com>");
    let deployment = loaded.for_item("global", "trust-model-deployment").unwrap();
    assert_eq!(
        (deployment.decision, deployment.status),
        (Decision::Amended, AnswerStatus::Unmet)
    );
    assert_eq!(deployment.history[0].status, AnswerStatus::Met);
    let monitoring = loaded.for_item("global", "trust-model-monitoring").unwrap();
    assert_eq!(monitoring.decision, Decision::Withdrawn);
    // the audit now: confirmed passes, amended fails, withdrawn is open again
    let (code, report) = json_report(&root, &[]);
    assert_eq!(code, 1, "the amended unmet answer fails");
    assert_eq!(item(&report, "global", "trust-data-collection")["status"], "pass");
    assert_eq!(
        item(&report, "global", "trust-model-deployment")["status"],
        "fail"
    );
    assert_eq!(
        item(&report, "global", "trust-model-monitoring")["status"],
        "open"
    );
    assert_eq!(
        item(&report, "global", "trust-data-collection")["answer"]["history"][0]["decision"],
        "answered",
        "the report shows every decision"
    );
    // nothing stale is left to confirm
    let (report, snapshot) = report_of(&root, &global);
    let mut walk = walk_of(&root, &global, &report, &snapshot);
    let mut prompter = Scripted::new(&[]);
    let ended = interactive::run(&mut walk, &mut prompter, &Selection::Stale).unwrap();
    assert_eq!(ended.saved, 0);
    assert!(
        prompter.shown.contains("Nothing to confirm"),
        "{}",
        prompter.shown
    );
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

/// A person at a real terminal: the binary runs in a pseudo-terminal and is driven by keys, as a person
/// at a keyboard would (arrow keys, enter, typing, Ctrl-C).
#[cfg(unix)]
mod terminal {
    use super::*;
    use rexpect::session::PtySession;

    /// Presses keys (rexpect buffers what it sends until flushed).
    fn keys(p: &mut PtySession, keys: &str) {
        p.send(keys).unwrap();
        p.flush().unwrap();
    }

    fn spawn(root: &Path, args: &str) -> PtySession {
        let binary = assert_cmd::cargo::cargo_bin("aitrust");
        // a sized terminal, as a person's is; HOME and git config stay out of the way
        let command = format!(
            "sh -c 'cd {} && stty cols 120 rows 40 && exec {} checklist {args} --now 2026-11-22T12:00:00Z'",
            root.display(),
            binary.display()
        );
        rexpect::spawn(&command, Some(30_000)).unwrap()
    }

    #[test]
    fn a_person_answers_at_a_terminal_with_the_arrow_keys() {
        let (_dir, root) = project("clean");
        let mut p = spawn(&root, "--item trust-model-oversight");
        p.exp_string("[11/14 global/trust-model-oversight]").unwrap();
        p.exp_string("(1 of 1 in this walk)").unwrap();
        p.exp_string("Who oversees").unwrap();
        p.exp_string("Status").unwrap();
        // the cursor starts on "skip"; up three times is "met"
        keys(&mut p, "\x1b[A\x1b[A\x1b[A");
        keys(&mut p, "\r");
        p.exp_string("Justification").unwrap();
        keys(&mut p, "ok\r");
        p.exp_string("at least three words").unwrap();
        keys(&mut p, " then the on-call lead can roll the model back\r");
        p.exp_string("Evidence").unwrap();
        keys(&mut p, "wiki.example.com/oncall\r");
        p.exp_string("needs its scheme").unwrap();
        // backspace over it and give the address with its scheme
        keys(&mut p, &"\x7f".repeat(40));
        keys(&mut p, "https://wiki.example.com/oncall\r");
        p.exp_string("More evidence").unwrap();
        keys(&mut p, "\r");
        p.exp_string("Answered by").unwrap();
        keys(&mut p, &"\x7f".repeat(80));
        keys(&mut p, "Pat <pat@example.com>\r");
        p.exp_string("1 decision saved to").unwrap();
        p.exp_eof().unwrap();
        let (_, report) = json_report(&root, &[]);
        let oversight = item(&report, "global", "trust-model-oversight");
        assert_eq!(oversight["status"], "pass");
        assert_eq!(oversight["answer"]["answered_by"], "Pat <pat@example.com>");
        assert_eq!(
            oversight["answer"]["justification"],
            "ok then the on-call lead can roll the model back"
        );
    }

    #[test]
    fn ctrl_c_says_what_was_saved_and_a_stale_answer_is_confirmed_with_one_key() {
        let (_dir, root) = project("clean");
        write_answers(
            &root,
            vec![answer_now(
                &root,
                "trust-model-oversight",
                AnswerStatus::Met,
                url(),
            )],
        );
        edit(&root, "purpose = \"internal\"", "purpose = \"commercial\"");
        let (_, report) = json_report(&root, &[]);
        assert_eq!(item(&report, "global", "trust-model-oversight")["stale"], true);
        let mut p = spawn(&root, "--stale");
        p.exp_string("[usage] changed").unwrap();
        p.exp_string("confirm").unwrap();
        keys(&mut p, "\r");
        p.exp_string("confirmed by").unwrap();
        p.exp_string("1 decision saved").unwrap();
        p.exp_eof().unwrap();
        let (_, report) = json_report(&root, &[]);
        let oversight = item(&report, "global", "trust-model-oversight");
        assert_eq!(
            (oversight["status"].as_str(), oversight["stale"].as_bool()),
            (Some("pass"), Some(false))
        );
        assert_eq!(oversight["answer"]["decision"], "confirmed");
        assert_eq!(oversight["answer"]["reviewed_changes"][0], "[usage] changed");
        // the open walk; Ctrl-C in the middle of an answer says what was kept
        let mut p = spawn(&root, "");
        p.exp_string("Status").unwrap();
        keys(&mut p, "\x1b[A\x1b[A\x1b[A\r");
        p.exp_string("Justification").unwrap();
        keys(&mut p, "half an answer");
        p.send_control('c').unwrap();
        p.exp_string("Stopped: 0 decisions saved").unwrap();
        p.exp_string("was not saved").unwrap();
        p.exp_eof().unwrap();
    }
}

/// A person answering while another session writes an answer to the same file.
struct Concurrent {
    inner: Scripted,
    other: Option<(std::path::PathBuf, String)>,
}

impl Prompter for Concurrent {
    fn say(&mut self, text: &str) {
        self.inner.say(text);
    }

    fn select(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
        help: &str,
    ) -> std::io::Result<Option<usize>> {
        self.inner.select(prompt, options, default, help)
    }

    fn text(&mut self, question: &TextQuestion<'_>) -> std::io::Result<Option<String>> {
        // just before this session's answer is saved (at its last question), the other session saves its own
        if question.prompt.contains("Answered by")
            && let Some((path, text)) = self.other.take()
        {
            std::fs::write(path, text).unwrap();
        }
        self.inner.text(question)
    }
}

#[test]
fn two_sessions_on_one_answers_file_lose_no_answer() {
    let (_dir, root) = project("clean");
    let global = Checklist::global();
    let (report, snapshot) = report_of(&root, &global);
    let answers_path = root.join("aibom.answers.toml");
    let other = checklist::answers::to_toml(&checklist::Answers {
        answers: vec![answer_now(&root, "target-uses", AnswerStatus::Met, url())],
    });
    let mut walk = walk_of(&root, &global, &report, &snapshot);
    let mut prompter = Concurrent {
        inner: Scripted::new(&[
            Key::Pick("unmet"),
            Key::Type("Nobody checked the bias yet."),
            Key::Type(""),
            Key::Enter,
        ]),
        other: Some((answers_path.clone(), other)),
    };
    let ended = interactive::run(
        &mut walk,
        &mut prompter,
        &Selection::Item("objectivity-bias".into()),
    )
    .unwrap();
    assert_eq!(ended.saved, 1);
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

#[test]
fn a_second_session_waits_for_the_lock_and_is_told_who_holds_it() {
    let (_dir, root) = project("clean");
    let answers_path = root.join("aibom.answers.toml");
    let held = aitrust::fsutil::EditLock::take(&answers_path).unwrap();
    let global = Checklist::global();
    let (report, snapshot) = report_of(&root, &global);
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(held);
    });
    let mut walk = walk_of(&root, &global, &report, &snapshot);
    let mut prompter = Scripted::new(&[
        Key::Pick("unmet"),
        Key::Type("Nobody checked the bias yet."),
        Key::Type(""),
        Key::Enter,
    ]);
    let ended = interactive::run(
        &mut walk,
        &mut prompter,
        &Selection::Item("objectivity-bias".into()),
    )
    .unwrap();
    release.join().unwrap();
    assert_eq!(ended.saved, 1);
    assert!(
        prompter
            .shown
            .contains(&format!("aitrust (process {})", std::process::id())),
        "the waiting session names the holder: {}",
        prompter.shown
    );
}
