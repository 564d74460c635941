//! Reports for people (`aitrust report`), the GitHub step summary, and signed audit attestations.

mod common;

use std::path::Path;

use common::{aitrust, project, stderr, stdout};

#[test]
fn html_report_is_self_contained_and_complete() {
    let (_dir, root) = project("changed-file");
    // a git repository, so the report can name the commit it was made from
    let repository = git2::Repository::init(&root).unwrap();
    let mut index = repository.index().unwrap();
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repository.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = git2::Signature::new("T", "t@example.com", &git2::Time::new(1_760_000_000, 0)).unwrap();
    let commit = repository
        .commit(Some("HEAD"), &signature, &signature, "project", &tree, &[])
        .unwrap()
        .to_string();
    let output = aitrust(
        &root,
        &[
            "report",
            "--format",
            "html",
            "--output",
            "report.html",
            "--now",
            "2026-11-22T12:00:00Z",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = std::fs::read_to_string(root.join("report.html")).unwrap();
    for external in ["<script", "<link", "src=\"http", "@import", "url(http"] {
        assert!(
            !html.contains(external),
            "the report must not load anything: found {external}"
        );
    }
    for expected in [
        "FAIL",
        "Do not deploy",
        "<svg",
        "tiny",
        "tickets",
        "INT002",
        "Licenses and obligations",
        "Trust checklist",
        "trust-model-oversight",
        "Documentation completeness",
        &commit,
        "(clean)",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    // names from the manifest are escaped, never markup
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("name = \"ticket-router\"", "name = \"<script>alert(1)</script>\"");
    std::fs::write(&manifest, text).unwrap();
    aitrust(&root, &["report", "--format", "html", "--output", "report.html"]);
    let html = std::fs::read_to_string(root.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert(1)</script>") && html.contains("&lt;script&gt;"));
    assert!(html.contains("working tree had uncommitted changes"));
}

#[test]
fn markdown_report_templates_and_step_summary() {
    let (_dir, root) = project("clean");
    let output = aitrust(
        &root,
        &["report", "--format", "markdown", "--output", "report.md"],
    );
    assert_eq!(output.status.code(), Some(0));
    let markdown = std::fs::read_to_string(root.join("report.md")).unwrap();
    assert!(
        markdown.starts_with("## AI supply-chain audit: ticket-router 0.3.0 — REVIEW"),
        "{markdown}"
    );
    assert!(markdown.contains("| `tiny` | model | local | `Apache-2.0` |"));
    // a replacement template
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/report.html.jinja"),
        "verdict={{ audit.verdict }} components={{ audit.components | length }}",
    )
    .unwrap();
    let output = aitrust(
        &root,
        &[
            "report",
            "--format",
            "html",
            "--output",
            "custom.html",
            "--template",
            "templates",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(root.join("custom.html")).unwrap(),
        "verdict=review components=2"
    );
    std::fs::write(root.join("templates/report.html.jinja"), "{% if %}").unwrap();
    let output = aitrust(
        &root,
        &[
            "report",
            "--format",
            "html",
            "--output",
            "broken.html",
            "--template",
            "templates",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("template error"));
    // under GitHub Actions, check appends the Markdown report to the step summary
    let summary = root.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let output = assert_cmd::Command::cargo_bin("aitrust")
        .unwrap()
        .current_dir(&root)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n## AI supply-chain audit: ticket-router"),
        "{text}"
    );
}

#[test]
fn attestations_prove_a_current_audit() {
    let (_dir, root) = project("clean");
    aitrust(&root, &["keygen", "--out", "ci"]);
    aitrust(&root, &["keygen", "--out", "other"]);
    let output = aitrust(
        &root,
        &[
            "attest",
            "--key",
            "ci.key",
            "--output",
            "audit.att",
            "--now",
            "2026-11-22T12:00:00Z",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let envelope: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("audit.att")).unwrap()).unwrap();
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(
        statement["predicateType"],
        "https://github.com/aitrust/aitrust/attestation/audit/v1"
    );
    assert_eq!(statement["predicate"]["verdict"], "review");
    assert_eq!(
        statement["predicate"]["checklists"][0]["items"]["license-to-use"],
        "pass"
    );
    assert!(
        statement["subject"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "aibom.toml")
    );
    let verify = |args: &[&str]| aitrust(&root, &[&["verify", "--attestation", "audit.att"], args].concat());
    let valid = verify(&["--key", "ci.pub"]);
    assert_eq!(valid.status.code(), Some(0), "{}", stderr(&valid));
    assert!(stdout(&valid).contains("attests verdict review"));
    // --require-pass wants nothing left for a person: an attested "review" is refused
    let review = verify(&["--key", "ci.pub", "--require-pass"]);
    assert_eq!(review.status.code(), Some(1));
    assert!(
        stderr(&review).contains("attests verdict review, not pass"),
        "{}",
        stderr(&review)
    );
    // one answer per run: not "valid" on stdout and "invalid" on stderr
    assert!(!stdout(&review).contains("valid"), "{}", stdout(&review));
    assert_eq!(
        verify(&["--key", "other.pub"]).status.code(),
        Some(1),
        "another key"
    );
    assert_eq!(
        aitrust(
            &root,
            &["verify", "--attestation", "missing.att", "--key", "ci.pub"]
        )
        .status
        .code(),
        Some(2)
    );
    // the manifest changes after the audit: the attestation no longer covers it
    let manifest = root.join("aibom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("version = \"0.3.0\"", "version = \"0.4.0\""),
    )
    .unwrap();
    let outdated = verify(&["--key", "ci.pub"]);
    assert_eq!(outdated.status.code(), Some(1));
    assert!(
        stderr(&outdated).contains("changed since signing: aibom.toml"),
        "{}",
        stderr(&outdated)
    );
    // a failing audit can be attested, but --require-pass refuses it
    std::fs::write(&manifest, &text).unwrap();
    std::fs::write(root.join("models/tiny/config.json"), "{\"tampered\": true}").unwrap();
    aitrust(&root, &["attest", "--key", "ci.key", "--output", "failed.att"]);
    let failed = aitrust(
        &root,
        &[
            "verify",
            "--attestation",
            "failed.att",
            "--key",
            "ci.pub",
            "--require-pass",
        ],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).contains("attests verdict fail, not pass"),
        "{}",
        stderr(&failed)
    );
    assert!(Path::new(&root.join("failed.att")).exists());
}
