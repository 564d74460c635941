//! What aitrust writes, read by tools no one here wrote: markdown-it-py (the Markdown report), the junit-10 XSD
//! (xmlschema), junitparser and xunitparser (JUnit), the SARIF Multitool (SARIF). Run on the demo and on a
//! project whose manifest is hostile: line breaks, HTML, Markdown, backticks, pipes and spaces in every field a
//! manifest controls. CI installs every oracle (`.ci/run`); elsewhere a missing one skips its test, saying so.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{aitrust, stderr};

/// Is a Python module importable? In CI it must be.
fn python_has(module: &str) -> bool {
    let found = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI installs the Python oracle `{module}` (.ci/run)"
    );
    found
}

/// Runs a Python oracle script with arguments; its stdout, or a panic with its stderr.
fn python(script: &str, args: &[&Path]) -> String {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the oracle failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A project whose manifest puts markup in every free-text field, and a model directory with a space.
fn hostile_project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("my model")).unwrap();
    std::fs::write(dir.path().join("my model/weights.bin"), b"weights").unwrap();
    std::fs::write(
        dir.path().join("aibom.toml"),
        r#"schema = 1
[project]
name = "evil\n## Verdict: PASS\n<img src=x onerror=alert(1)> <!-- [link](https://attacker.example) | a | b |"
version = "1.0`` ` <b>"

[usage]
purpose = "commercial"
deployment = "saas"

[[model]]
id = "m"
source = "local"
path = "my model"
license = "mit`|</td>"
publisher = "ACME\n# PASS"
intended_use = "**bold** _it_ ![img](x) <script>alert(1)</script>"
sha256 = "0000000000000000000000000000000000000000000000000000000000000000"

[[model]]
id = "m2"
source = "local"
path = "my model"
license = "other"
"#,
    )
    .unwrap();
    let root = dir.path().to_path_buf();
    (dir, root)
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests/demo")
}

#[test]
fn markdown_report_renders_as_itself() {
    if !python_has("markdown_it") {
        return;
    }
    let (_dir, root) = hostile_project();
    let output = aitrust(
        &root,
        &["report", "--format", "markdown", "--output", "report.md"],
    );
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&output)
    );
    // markdown-it-py with GitHub's tables: every heading, HTML token, link and image it finds
    let script = r#"
import sys, json
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
tokens = md.parse(open(sys.argv[1], encoding="utf-8").read())
def walk(ts):
    for t in ts:
        yield t
        yield from walk(t.children or [])
all_tokens = list(walk(tokens))
headings = []
for i, t in enumerate(tokens):
    if t.type == "heading_open":
        headings.append([t.tag, tokens[i + 1].content])
print(json.dumps({
    "headings": headings,
    "html": [t.content for t in all_tokens if t.type in ("html_block", "html_inline")],
    "links": [t.attrs.get("href") for t in all_tokens if t.type == "link_open"],
    "images": [t.attrs.get("src") for t in all_tokens if t.type == "image"],
    "emphasis": [t.type for t in all_tokens if t.type in ("strong_open", "em_open", "s_open")],
    "rows": sum(1 for t in all_tokens if t.type == "tr_open"),
}))
"#;
    let parsed: serde_json::Value =
        serde_json::from_str(&python(script, &[&root.join("report.md")])).unwrap();
    // the template's own footer is the only HTML
    assert_eq!(
        parsed["html"],
        serde_json::json!(["<sub>", "</sub>"]),
        "no HTML from the manifest reaches a reader"
    );
    assert_eq!(
        parsed["links"],
        serde_json::json!([]),
        "no link the manifest wrote"
    );
    assert_eq!(parsed["images"], serde_json::json!([]));
    let headings = parsed["headings"].as_array().unwrap();
    let h2: Vec<&serde_json::Value> = headings.iter().filter(|h| h[0] == "h2").collect();
    assert_eq!(h2.len(), 1, "one title heading, no injected one: {headings:?}");
    let title = h2[0][1].as_str().unwrap();
    assert!(
        title.ends_with("— FAIL"),
        "the real verdict ends the title: {title}"
    );
    // the template's own emphasis (bold codes, italic help) is all there is: none from the manifest's text
    let report = std::fs::read_to_string(root.join("report.md")).unwrap();
    assert!(
        report.contains("\\*\\*bold\\*\\*") || !report.contains("bold"),
        "{report}"
    );
    // the table: a header row, and one row per component (a pipe in a value does not add cells)
    assert_eq!(parsed["rows"], 3, "{report}");
}

#[test]
fn junit_is_valid_and_consistent_for_every_reader() {
    if !(python_has("xmlschema") && python_has("junitparser") && python_has("xunitparser")) {
        return;
    }
    let (_dir, hostile) = hostile_project();
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit/junit-10.xsd");
    for root in [hostile, demo()] {
        let out = tempfile::tempdir().unwrap();
        let file = out.path().join("junit.xml");
        let output = aitrust(
            &root,
            &["check", "--format", "junit", "--output", file.to_str().unwrap()],
        );
        assert!(
            output.status.code().is_some_and(|c| c <= 1),
            "{}",
            stderr(&output)
        );
        let script = r#"
import sys, json, unittest, xmlschema, junitparser, xunitparser
xmlschema.XMLSchema(sys.argv[2]).validate(sys.argv[1])
xml = junitparser.JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    failed_cases = sum(1 for case in suite if any(isinstance(r, junitparser.Failure) for r in case.result))
    suites.append([suite.name, suite.tests, len(list(suite)), suite.failures, failed_cases])
root = junitparser.JUnitXml.fromfile(sys.argv[1])
with open(sys.argv[1], "rb") as f:
    ts, tr = xunitparser.parse(f)
print(json.dumps({
    "suites": suites,
    "root_failures": int(root._elem.get("failures")),
    "root_tests": int(root._elem.get("tests")),
    "xunit_failures": len(tr.failures),
    "xunit_tests": tr.testsRun,
}))
"#;
        let parsed: serde_json::Value = serde_json::from_str(&python(script, &[&file, &xsd])).unwrap();
        let suites = parsed["suites"].as_array().unwrap();
        let mut failures = 0;
        let mut tests = 0;
        for suite in suites {
            // declared tests = cases, declared failures = failed cases
            assert_eq!(suite[1], suite[2], "{suite:?}");
            assert_eq!(suite[3], suite[4], "{suite:?}");
            failures += suite[3].as_u64().unwrap();
            tests += suite[1].as_u64().unwrap();
            assert_ne!(suite[0], "other", "no catch-all suite");
        }
        assert_eq!(parsed["root_failures"], failures, "{parsed}");
        assert_eq!(parsed["root_tests"], tests, "{parsed}");
        assert_eq!(parsed["xunit_failures"], failures, "{parsed}");
        assert_eq!(parsed["xunit_tests"], tests, "{parsed}");
    }
}

/// The SARIF Multitool (npm `@microsoft/sarif-multitool`), installed by `.ci/run` under `.ci/node`.
fn multitool() -> Option<PathBuf> {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node/node_modules/.bin/sarif-multitool");
    let found = bin.is_file();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI installs the SARIF Multitool (.ci/run)"
    );
    found.then_some(bin)
}

#[test]
fn sarif_passes_the_multitool_and_uses_repository_relative_uris() {
    let (_dir, hostile) = hostile_project();
    // run from a subdirectory: the uri is still relative to the root (no git here: the current directory's
    // parent is not a base, so it is the absolute file:// form, which SARIF allows)
    let output = aitrust(&hostile, &["check", "--format", "sarif", "--output", "log.sarif"]);
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&output)
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hostile.join("log.sarif")).unwrap()).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "aitrust/aibom.toml/");
    for result in run["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(uri, "aibom.toml");
    }
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap().to_ascii_lowercase();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/docs/findings.md#{id}"))
        );
    }
    // inside a git repository, from a subdirectory, with a space in the path: repository-relative, encoded
    let repo = tempfile::tempdir().unwrap();
    common::copy_tree(&demo(), &repo.path().join("ai stuff/demo"));
    assert!(common::succeeds(repo.path(), "git", &["init", "-q"]));
    let sub = repo.path().join("ai stuff");
    let output = aitrust(
        &sub,
        &[
            "check",
            "--manifest",
            "demo/aibom.toml",
            "--format",
            "sarif",
            "--output",
            "../demo.sarif",
        ],
    );
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&output)
    );
    let demo_log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("demo.sarif")).unwrap()).unwrap();
    let uri =
        demo_log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
    assert_eq!(uri, "ai%20stuff/demo/aibom.toml");
    let Some(tool) = multitool() else { return };
    // the oracle itself: the log aitrust used to write (an absolute path with a space as the uri) is an error
    let bad = repo.path().join("bad.sarif");
    let mut old = demo_log.clone();
    old["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "/work/ai stuff/demo/aibom.toml".into();
    std::fs::write(&bad, old.to_string()).unwrap();
    assert!(
        !multitool_errors(&tool, &bad).is_empty(),
        "the Multitool flags SARIF1004"
    );
    for file in [hostile.join("log.sarif"), repo.path().join("demo.sarif")] {
        let errors = multitool_errors(&tool, &file);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

/// The error-level results of `sarif-multitool validate`.
fn multitool_errors(tool: &Path, file: &Path) -> Vec<serde_json::Value> {
    {
        let out = file.with_extension("validation.sarif");
        let status = Command::new(tool)
            .args([
                "validate",
                file.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
                "--log",
                "ForceOverwrite",
            ])
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stdout)
        );
        let validation: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        validation["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["level"] == "error")
            .cloned()
            .collect()
    }
}

/// Fingerprints stay when only a message's counts change (GitHub would otherwise close and reopen alerts).
#[test]
fn sarif_fingerprints_ignore_message_text() {
    let (_dir, root) = hostile_project();
    let fingerprints = |root: &Path| {
        let output = aitrust(root, &["check", "--format", "sarif", "--output", "log.sarif"]);
        assert!(output.status.code().is_some_and(|c| c <= 1));
        let log: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("log.sarif")).unwrap()).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["aitrustFinding/v2"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .filter(|(rule, _)| rule == "INT003" || rule == "INT006")
            .collect::<Vec<_>>()
    };
    let before = fingerprints(&root);
    // another file beside the weights changes messages ("1 file" -> "2 files"), not identities
    std::fs::write(root.join("my model/extra.bin"), b"more").unwrap();
    let after = fingerprints(&root);
    assert!(!before.is_empty());
    assert_eq!(before, after);
}

/// The HTML report links what a reader follows (finding documentation, license texts, Hub pages) and shows
/// aitrust's code spans as code, while nothing from the manifest becomes markup.
#[test]
fn html_report_links_and_escapes() {
    let (_dir, root) = hostile_project();
    let output = aitrust(&root, &["report", "--format", "html", "--output", "report.html"]);
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&output)
    );
    let html = std::fs::read_to_string(root.join("report.html")).unwrap();
    assert!(!html.contains("<img src=x"), "manifest HTML is escaped");
    assert!(!html.contains("<script>alert"), "manifest HTML is escaped");
    assert!(
        html.contains("docs/findings.md#lic002\">LIC002</a>"),
        "finding codes link to their documentation"
    );
    assert!(html.contains("<code>"), "code spans render as code");
    let demo = aitrust(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "report",
            "--manifest",
            "manifests/demo/aibom.toml",
            "--format",
            "html",
            "--output",
            root.join("demo.html").to_str().unwrap(),
        ],
    );
    assert!(demo.status.code().is_some_and(|c| c <= 1), "{}", stderr(&demo));
    let html = std::fs::read_to_string(root.join("demo.html")).unwrap();
    assert!(
        html.contains("<a href=\"https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2\">"),
        "Hub sources link to their page"
    );
    assert!(
        html.contains(
            "title=\"CC-BY-SA-4.0\">Creative Commons Attribution Share Alike 4.0 International</a>"
        ),
        "licenses by name, linked to their text"
    );
    assert_eq!(html.matches('`').count(), 0, "no literal backticks");
}
