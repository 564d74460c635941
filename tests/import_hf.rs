//! `aitrust import hf` against a local server standing in for the Hub in the shapes it really sends (see
//! `tests/common/hub.rs` for where each shape comes from): the manifest is edited in place (comments kept), a branch is pinned to its commit, the lineage on the card is
//! imported and linked, and a failure anywhere leaves the manifest and the lock byte-for-byte unchanged.

mod common;

use std::path::Path;

use common::{json_report, stderr};
use mockito::{Matcher, Server, ServerGuard};

const TUNED_SHA: &str = "1111111111111111111111111111111111111111";
const BASE_SHA: &str = "2222222222222222222222222222222222222222";
const DATA_SHA: &str = "3333333333333333333333333333333333333333";
const WEIGHTS: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
const BASE_WEIGHTS: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const DATA_FILE: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

/// Serves `kind` repository `repository` at `sha` (info for any revision, tree, commits), in the shapes the Hub
/// sends (see `tests/common/hub.rs`): the tree gives an LFS file's SHA-256 as `lfs.oid` (huggingface_hub
/// `RepoFile`), the info's siblings as `lfs.sha256` (`RepoSibling`).
fn serve(
    server: &mut ServerGuard,
    kind: &str,
    repository: &str,
    sha: &str,
    card: serde_json::Value,
    lfs: &[(&str, &str, u64)],
) {
    let info = serde_json::json!({
        "_id": "x", "id": repository, "sha": sha, "lastModified": "2026-10-01T10:00:00.000Z",
        "createdAt": "2024-01-01T00:00:00.000Z", "disabled": false, "gated": false, "private": false,
        "downloads": 10, "likes": 1, "cardData": card,
    });
    let escaped = regex_escape(repository);
    server
        .mock(
            "GET",
            Matcher::Regex(format!(r"^/api/{kind}s/{escaped}(/revision/[^/]+)?$")),
        )
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(info.to_string())
        .create();
    let mut tree =
        vec![serde_json::json!({ "type": "file", "oid": "a0b1c2", "size": 40, "path": "config.json" })];
    for (path, sha256, size) in lfs {
        tree.push(
            serde_json::json!({ "type": "file", "oid": "d3e4f5", "size": size, "path": path,
            "lfs": { "oid": sha256, "size": size, "pointerSize": 134 } }),
        );
    }
    server
        .mock("GET", format!("/api/{kind}s/{repository}/tree/{sha}").as_str())
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(serde_json::Value::Array(tree).to_string())
        .create();
    server
        .mock("GET", format!("/api/{kind}s/{repository}/commits/{sha}").as_str())
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(r#"[{"id":"ab","authors":[{"user":"dev"}],"date":"2026-10-01T10:00:00Z","title":"t","message":""}]"#)
        .create();
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// A fine-tune of `base-org/base` (MIT) trained on the dataset `acme/data` (CC-BY-4.0).
fn serve_lineage(server: &mut ServerGuard) {
    serve(
        server,
        "model",
        "acme/tuned",
        TUNED_SHA,
        serde_json::json!({ "license": "apache-2.0", "base_model": "base-org/base", "datasets": ["acme/data", "ms_marco"] }),
        &[("model.safetensors", WEIGHTS, 90868376)],
    );
    serve(
        server,
        "model",
        "base-org/base",
        BASE_SHA,
        serde_json::json!({ "license": "mit" }),
        &[("model.safetensors", BASE_WEIGHTS, 1000)],
    );
    serve(
        server,
        "dataset",
        "acme/data",
        DATA_SHA,
        serde_json::json!({ "license": "cc-by-4.0" }),
        &[("data/train.parquet", DATA_FILE, 5000)],
    );
}

fn import(dir: &Path, endpoint: &str, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("aitrust")
        .unwrap()
        .current_dir(dir)
        .env("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
        .env_remove("HF_ENDPOINT")
        .env_remove("HF_TOKEN")
        .args(["import", "hf", "--endpoint", endpoint, "--now", common::NOW])
        .args(args)
        .output()
        .unwrap()
}

const STARTING_MANIFEST: &str = "# Our product's AI bill of materials.\n\
schema = 1\n\n\
[project]\n\
name = \"shop\" # the storefront\n\n\
[usage]\n\
purpose = \"research\"\n";

#[test]
fn imports_the_lineage_pinned_and_linked_keeping_comments() {
    let mut server = Server::new();
    serve_lineage(&mut server);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), STARTING_MANIFEST).unwrap();
    let output = import(dir.path(), &server.url(), &["acme/tuned@main"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let messages = stderr(&output);
    assert!(
        messages.contains("added model `tuned` (acme/tuned@111111111111)")
            && messages.contains("added model `base` (base-org/base@222222222222)")
            && messages.contains("added dataset `data` (acme/data@333333333333)")
            && messages.contains(
                "acme/tuned: the card names training dataset ms_marco, a legacy id without an organization"
            ),
        "{messages}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(manifest.starts_with(STARTING_MANIFEST), "{manifest}");
    insta::assert_snapshot!("imported_lineage", manifest);
    // the lock has all three, at their commits
    let lock = aitrust::sources::lockfile::load(&dir.path().join("aibom.lock")).unwrap();
    let pinned: Vec<(&str, &str)> = lock
        .components
        .iter()
        .map(|c| (c.id.as_str(), c.revision.as_str()))
        .collect();
    assert_eq!(
        pinned,
        [("base", BASE_SHA), ("data", DATA_SHA), ("tuned", TUNED_SHA)]
    );
    // the result audits offline: licenses flow along the lineage, nothing is "unknown"
    drop(server);
    let (code, report) = json_report(dir.path(), &[]);
    assert_ne!(code, 2, "{report:#}");
    // licenses and upkeep are answered by the import; what remains is for a person: how the data was
    // collected (PRV005) and the base model's own lineage, which its card does not state (PRV006)
    let mut open: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["component"].as_str().unwrap_or("").to_string(),
            )
        })
        .filter(|(code, _)| {
            ["LIC", "PRV", "MNT", "SIG", "BOM"]
                .iter()
                .any(|p| code.starts_with(p))
        })
        .collect();
    open.sort();
    assert_eq!(
        open,
        [
            ("PRV005".to_string(), "data".to_string()),
            ("PRV006".to_string(), "base".to_string())
        ],
        "{report:#}"
    );
    let tuned = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "tuned")
        .unwrap();
    assert_eq!(tuned["activity"]["source"], "hub", "{tuned:#}");
}

#[test]
fn importing_again_changes_nothing() {
    let mut server = Server::new();
    serve_lineage(&mut server);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), STARTING_MANIFEST).unwrap();
    let first = import(dir.path(), &server.url(), &["acme/tuned"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let manifest = std::fs::read(dir.path().join("aibom.toml")).unwrap();
    let lock = std::fs::read(dir.path().join("aibom.lock")).unwrap();
    let second = import(dir.path(), &server.url(), &["acme/tuned"]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("updated model `tuned`"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        String::from_utf8(std::fs::read(dir.path().join("aibom.toml")).unwrap()).unwrap(),
        String::from_utf8(manifest).unwrap()
    );
    assert_eq!(std::fs::read(dir.path().join("aibom.lock")).unwrap(), lock);
}

#[test]
fn an_existing_component_keeps_what_the_user_wrote() {
    let mut server = Server::new();
    serve_lineage(&mut server);
    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "{STARTING_MANIFEST}\n# our pick\n[[model]]\nid = \"mine\"\nname = \"acme/tuned\"\nsource = \"huggingface\"\n\
revision = \"{BASE_SHA}\"\nlicense = \"mit\"\nmaintainer = \"Ada <ada@example.com>\" # owns it\n"
    );
    std::fs::write(dir.path().join("aibom.toml"), &manifest).unwrap();
    let output = import(dir.path(), &server.url(), &["acme/tuned", "--no-deps"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(
        stderr(&output).contains("updated model `mine`"),
        "{}",
        stderr(&output)
    );
    assert!(text.contains("# our pick\n[[model]]\nid = \"mine\""), "{text}");
    assert!(
        text.contains("maintainer = \"Ada <ada@example.com>\" # owns it"),
        "{text}"
    );
    assert!(text.contains(&format!("revision = \"{TUNED_SHA}\"")), "{text}");
    assert!(text.contains("license = \"Apache-2.0\""), "{text}");
    assert_eq!(text.matches("[[model]]").count(), 1, "{text}");
}

#[test]
fn no_deps_leaves_the_lineage_as_notes() {
    let mut server = Server::new();
    serve_lineage(&mut server);
    let dir = tempfile::tempdir().unwrap();
    let output = import(dir.path(), &server.url(), &["acme/tuned", "--no-deps"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let messages = stderr(&output);
    assert!(
        messages.contains("acme/tuned: the card names base model base-org/base (not imported: --no-deps)"),
        "{messages}"
    );
    // the manifest was started (it did not exist) and holds one model with the notes as comments
    let text = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(text.contains("schema = 1"), "{text}");
    assert_eq!(text.matches("[[model]]").count(), 1, "{text}");
    assert!(!text.contains("[[dataset]]"), "{text}");
    assert!(
        text.contains("# acme/tuned: the card names training dataset acme/data (not imported: --no-deps)"),
        "{text}"
    );
    aitrust::bom::load(&dir.path().join("aibom.toml")).unwrap();
}

#[test]
fn a_failed_fetch_changes_nothing() {
    let mut server = Server::new();
    // the base model is missing on the Hub
    serve(
        &mut server,
        "model",
        "acme/tuned",
        TUNED_SHA,
        serde_json::json!({ "license": "apache-2.0", "base_model": "base-org/gone" }),
        &[("model.safetensors", WEIGHTS, 90868376)],
    );
    server
        .mock("GET", Matcher::Regex("^/api/models/base-org/gone".into()))
        .match_query(Matcher::Any)
        .with_status(404)
        .with_header("x-error-code", "RepoNotFound")
        .with_body(r#"{"error":"Repository not found"}"#)
        .create();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), STARTING_MANIFEST).unwrap();
    let output = import(dir.path(), &server.url(), &["acme/tuned"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let messages = stderr(&output);
    assert!(
        messages.contains("base-org/gone")
            && messages.contains("it is a base model of acme/tuned; pass --no-deps")
            && messages.contains("nothing was written: aibom.toml is unchanged"),
        "{messages}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap(),
        STARTING_MANIFEST
    );
    assert!(!dir.path().join("aibom.lock").exists());
}

#[test]
fn bad_input_is_refused_before_any_fetch() {
    let dir = tempfile::tempdir().unwrap();
    // no server at all: these fail before the network
    let endpoint = "http://127.0.0.1:9";
    let output = import(dir.path(), endpoint, &["not-a-repo"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("`not-a-repo` is not a Hub repository id; write ORG/NAME or ORG/NAME@REVISION"),
        "{}",
        stderr(&output)
    );
    let broken = "schema = 1\n[project]\nnam = \"x\"\n";
    std::fs::write(dir.path().join("aibom.toml"), broken).unwrap();
    let output = import(dir.path(), endpoint, &["acme/tuned"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("aibom.toml:3:1"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap(),
        broken
    );
}
