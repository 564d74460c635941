//! Helpers shared by the integration tests: run the real binary on a copy of a fixture project.

#![allow(dead_code)]

pub mod git_http;
pub mod hub;

use std::path::{Path, PathBuf};
use std::process::Output;

/// "Now" for every audit in the tests.
pub const NOW: &str = "2026-11-22T12:00:00Z";

/// The fixture directory of a scenario.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a directory tree (regular files and directories only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of a fixture project; the `project` subdirectory is the project root, so tests can put
/// things beside it (outside the project).
pub fn project(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    copy_tree(&fixture(name), &root);
    (dir, root)
}

/// Runs `aitrust ARGS` in `cwd`.
pub fn aitrust(cwd: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("aitrust")
        .unwrap()
        .current_dir(cwd)
        .env_remove("CI")
        // the width the snapshots are taken at; colour only where a test asks for it
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap()
}

/// `aitrust check --now NOW ARGS` in `cwd`.
pub fn check(cwd: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--now", NOW];
    all.extend_from_slice(args);
    aitrust(cwd, &all)
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The JSON report of `check --format json`.
pub fn json_report(cwd: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let output = check(cwd, &all);
    let code = output.status.code().unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}\n{}", stdout(&output), stderr(&output)));
    (code, report)
}

/// The codes of the report's findings, in report order, without the checklist's CHK findings and the
/// documentation check's DOC findings (open items and card gaps are warnings on nearly every project; the
/// tests of those checks use [`all_codes`]).
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    all_codes(report)
        .into_iter()
        // the safe-format notes of the serialization check (SER005) say a file is data only
        .filter(|code| !code.starts_with("CHK") && !code.starts_with("DOC") && code != "SER005")
        .collect()
}

/// Every finding code, in report order.
pub fn all_codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Is the reference model-signing tool (`model_signing` 1.1.1, the oracle) installed? CI must have it; elsewhere
/// the oracle tests say they are skipped.
pub fn have_reference() -> bool {
    let found = std::process::Command::new("model_signing")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install the reference verifier (pip install model-signing pyopenssl)"
        );
        // the test harness shows a test's output; say why nothing was compared
        #[allow(clippy::disallowed_macros)]
        {
            eprintln!("skipped: the reference verifier `model_signing` is not installed");
        }
    }
    found
}

/// Runs `program` in `cwd`; did it succeed?
pub fn succeeds(cwd: &Path, program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
        .status
        .success()
}

/// The edges that made invalid documents: scp-style git remotes, URLs with spaces, licenses that are not one
/// SPDX id (free text, `other`, LicenseRefs, or-later), mixed-case Hub names, branch revisions, Hub datasets.
pub const EDGES: &str = r#"schema = 1
[project]
name = "edge <cases> & \"quotes\""
version = "1.0"
license = "MIT"
owner = "ml-team@example.com"

[usage]
purpose = "commercial"
deployment = "saas"

[[model]]
id = "ft"
source = "huggingface"
name = "Acme/Llama-3-Acme-8B"
revision = "main"
license = "llama3.1"
base_model = ["base"]
relation = "finetune"
trained_on = ["hub-data", "spaced", "text"]

[[model]]
id = "base"
source = "huggingface"
name = "meta-llama/Llama-3.1-8B"
revision = "0e9e39f249a16976918f6564b8830bc894c89659"
license = "LicenseRef-llama3.1"

[[model]]
id = "tool"
source = "git"
url = "git@github.com:Org/Repo.git"
revision = "0e9e39f249a16976918f6564b8830bc894c89659"
license = "GPL-2.0+"

[[dataset]]
id = "hub-data"
source = "huggingface"
name = "Org/Some_Data"
license = "other"

[[dataset]]
id = "spaced"
source = "url"
url = "https://example.com/my data.csv"
license = "our own terms, see contract 12"
sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

[[dataset]]
id = "text"
source = "url"
url = "https://example.com/d.parquet"
license = "cc-by-4.0 AND (mit OR apache-2.0)"
sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
"#;

/// An audit's verdict and its findings (code, component, severity, message), sorted.
pub type Summary = (String, Vec<(String, String, String, String)>);

/// The verdict and findings of a manifest's audit: what a lossless round trip must keep.
pub fn audit_summary(root: &Path, manifest: &str) -> Summary {
    let output = check(root, &["--manifest", manifest, "--format", "json"]);
    assert_ne!(output.status.code(), Some(2), "{manifest}: {}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut findings: Vec<(String, String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["component"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"]
                    .as_str()
                    .unwrap()
                    .replace("imported.toml", "aibom.toml"),
            )
        })
        .collect();
    findings.sort();
    (report["verdict"].as_str().unwrap().to_string(), findings)
}

/// Exports a copy of `project` with `export` (args after `aitrust`, writing `bom.out`), imports it back with
/// `import` (the format's import subcommand), and returns the original's and the imported manifest's audits.
/// `None` when the original manifest does not load (its audit fails, and the export refuses it).
pub fn round_trip(project: &Path, export: &[&str], import: &str) -> Option<(Summary, Summary)> {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(project, dir.path());
    let original = audit_summary(dir.path(), "aibom.toml");
    let mut args = export.to_vec();
    args.extend(["--output", "bom.out"]);
    let output = aitrust(dir.path(), &args);
    if output.status.code() == Some(2) {
        assert_eq!(original.0, "fail", "{}: {}", project.display(), stderr(&output));
        return None;
    }
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        project.display(),
        stderr(&output)
    );
    let output = aitrust(
        dir.path(),
        &[
            "import",
            import,
            "bom.out",
            "--manifest",
            "imported.toml",
            "--force",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        project.display(),
        stderr(&output)
    );
    let imported = audit_summary(dir.path(), "imported.toml");
    Some((original, imported))
}
