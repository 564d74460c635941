//! The real `hf-hub` client against a local HTTP server standing in for the Hub: `aitrust lock` records what the
//! checks need, `check` then runs offline on it (maintenance, Hub digests), and every failure class of the Hub
//! gives a clear message with the manifest and lock left untouched. No test reaches the internet.

mod common;

use std::path::Path;

use common::{all_codes, json_report, stderr};
use mockito::{Matcher, Server, ServerGuard};

const SHA: &str = "0e9e39f249a16976918f6564b8830bc894c89659";
const WEIGHTS_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// Serves a model repository `acme/<name>` at commit SHA.
fn serve_model(
    server: &mut ServerGuard,
    name: &str,
    last_modified: &str,
    created_at: &str,
    disabled: bool,
    commit_dates: &[&str],
) {
    let info = serde_json::json!({
        "_id": "x", "id": format!("acme/{name}"), "sha": SHA, "lastModified": last_modified, "createdAt": created_at,
        "disabled": disabled, "gated": false, "private": false, "downloads": 1234, "likes": 5,
        "cardData": { "license": "apache-2.0", "datasets": ["acme/data"] },
        "siblings": [{ "rfilename": "config.json" }, { "rfilename": "model.safetensors" }],
    });
    server
        .mock(
            "GET",
            Matcher::Regex(format!(r"^/api/models/acme/{name}(/revision/[0-9a-f]+)?$")),
        )
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(info.to_string())
        .create();
    let tree = serde_json::json!([
        { "type": "file", "oid": "a0b1c2", "size": 12, "path": "config.json" },
        { "type": "file", "oid": "d3e4f5", "size": 134, "path": "model.safetensors",
          "lfs": { "sha256": WEIGHTS_SHA256, "size": 90868376, "pointerSize": 134 } },
    ]);
    server
        .mock("GET", format!("/api/models/acme/{name}/tree/{SHA}").as_str())
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(tree.to_string())
        .create();
    let commits: Vec<serde_json::Value> = commit_dates
        .iter()
        .enumerate()
        .map(|(i, date)| serde_json::json!({ "id": format!("{i:040x}"), "authors": [{ "user": "dev" }], "date": date, "title": "update", "message": "" }))
        .collect();
    server
        .mock("GET", format!("/api/models/acme/{name}/commits/{SHA}").as_str())
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(serde_json::Value::Array(commits).to_string())
        .create();
}

fn project(dir: &Path, name: &str, weights_sha256: &str, extra: &str) {
    let manifest = format!(
        "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"m\"\nname = \"acme/{name}\"\nsource = \"huggingface\"\nrevision = \"{SHA}\"\nlicense = \"apache-2.0\"\npublisher = \"acme\"\ntrained_on = []\n\
  [[model.file]]\n  path = \"model.safetensors\"\n  sha256 = \"{weights_sha256}\"\n  size = 90868376\n  local = false\n{extra}"
    );
    std::fs::write(dir.join("aibom.toml"), manifest).unwrap();
}

fn lock(dir: &Path, endpoint: &str) -> std::process::Output {
    assert_cmd::Command::cargo_bin("aitrust")
        .unwrap()
        .current_dir(dir)
        .env("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
        .env_remove("HF_ENDPOINT")
        .env_remove("HF_TOKEN")
        .args(["lock", "--endpoint", endpoint, "--now", common::NOW])
        .output()
        .unwrap()
}

fn maintenance_codes(report: &serde_json::Value) -> Vec<String> {
    all_codes(report)
        .into_iter()
        .filter(|c| c.starts_with("MNT") || c == "INT011")
        .collect()
}

#[test]
fn lock_records_the_hub_and_check_runs_offline() {
    let mut server = Server::new();
    serve_model(
        &mut server,
        "fresh",
        "2026-10-01T10:00:00.000Z",
        "2023-01-01T00:00:00.000Z",
        false,
        &[
            "2026-10-01T10:00:00Z",
            "2026-05-01T10:00:00Z",
            "2024-01-01T10:00:00Z",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "fresh", WEIGHTS_SHA256, "");
    // before locking, the audit says so
    let (_, report) = json_report(dir.path(), &[]);
    assert_eq!(maintenance_codes(&report), ["MNT004"]);
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("aibom.lock")).unwrap();
    assert!(
        text.contains(&format!("revision = \"{SHA}\"")) && text.contains("card_license = \"apache-2.0\""),
        "{text}"
    );
    assert!(text.contains("commits_90d = 1\ncommits_365d = 2"), "{text}");
    assert!(text.contains(&format!("sha256 = \"{WEIGHTS_SHA256}\"")), "{text}");
    // canonical: parsing and writing gives the same bytes
    let parsed = aitrust::sources::lockfile::load(&dir.path().join("aibom.lock")).unwrap();
    assert_eq!(aitrust::sources::lockfile::to_toml(&parsed), text);
    drop(server); // check never touches the network
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(maintenance_codes(&report), Vec::<String>::new());
    let activity = &report["components"][0]["activity"];
    assert_eq!(
        (
            activity["source"].as_str(),
            activity["status"].as_str(),
            activity["age_days"].as_i64()
        ),
        (Some("hub"), Some("active"), Some(52))
    );
    assert_eq!(activity["commits_365d"], 2);
}

#[test]
fn stale_disabled_new_and_mismatching_repositories() {
    let mut server = Server::new();
    serve_model(
        &mut server,
        "stale",
        "2023-06-01T10:00:00.000Z",
        "2022-03-02T23:29:04.000Z",
        false,
        &["2023-06-01T10:00:00Z"],
    );
    serve_model(
        &mut server,
        "gone",
        "2026-11-01T10:00:00.000Z",
        "2022-03-02T23:29:04.000Z",
        true,
        &[],
    );
    serve_model(
        &mut server,
        "newborn",
        "2026-11-20T10:00:00.000Z",
        "2026-11-01T10:00:00.000Z",
        false,
        &["2026-11-20T10:00:00Z"],
    );
    let case = |name: &str, sha256: &str, extra: &str| {
        let dir = tempfile::tempdir().unwrap();
        project(dir.path(), name, sha256, extra);
        let output = lock(dir.path(), &server.url());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let (code, report) = json_report(dir.path(), &[]);
        (code, maintenance_codes(&report), report)
    };
    let (code, codes, report) = case("stale", WEIGHTS_SHA256, "");
    assert_eq!(
        (code, codes),
        (0, vec!["MNT001".to_string()]),
        "stale is a warning by default"
    );
    assert_eq!(report["components"][0]["activity"]["status"], "stale");
    let (code, codes, _) = case(
        "stale",
        WEIGHTS_SHA256,
        "[policy]\nmaintenance.stale = \"deny\"\n",
    );
    assert_eq!(
        (code, codes),
        (1, vec!["MNT001".to_string()]),
        "policy makes it fail"
    );
    let (code, codes, _) = case(
        "stale",
        WEIGHTS_SHA256,
        "[policy]\nmaintenance.max_age_days = 2000\n",
    );
    assert_eq!((code, codes), (0, vec![]));
    let (code, codes, _) = case("gone", WEIGHTS_SHA256, "");
    assert_eq!((code, codes), (1, vec!["MNT002".to_string()]));
    let (code, codes, _) = case("newborn", WEIGHTS_SHA256, "");
    assert_eq!((code, codes), (0, vec!["MNT006".to_string()]));
    let other = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let (code, codes, _) = case("stale", other, "[policy]\nmaintenance.max_age_days = 2000\n");
    assert_eq!(
        (code, codes),
        (1, vec!["INT011".to_string()]),
        "the manifest pins what the publisher never released"
    );
}

#[test]
fn hub_failures_are_clear_and_change_nothing() {
    let mut server = Server::new();
    serve_model(
        &mut server,
        "fine",
        "2026-10-01T10:00:00.000Z",
        "2023-01-01T00:00:00.000Z",
        false,
        &[],
    );
    for (status, name, expected) in [
        (401, "gated", "requires authentication"),
        (403, "forbidden", "access forbidden"),
        (429, "busy", "rate limiting"),
        (500, "broken", "acme/broken"),
    ] {
        server
            .mock("GET", Matcher::Regex(format!(r"^/api/models/acme/{name}.*")))
            .match_query(Matcher::Any)
            .with_status(status)
            // as the Hub does: a 404 says whether the repository or the revision is missing
            .with_header(
                "x-error-code",
                if status == 404 { "RepoNotFound" } else { "Unknown" },
            )
            .with_body("{\"error\": \"no\"}")
            .create();
        let dir = tempfile::tempdir().unwrap();
        // a locked project: a failing refresh must leave manifest and lock byte for byte unchanged
        project(dir.path(), "fine", WEIGHTS_SHA256, "");
        assert_eq!(lock(dir.path(), &server.url()).status.code(), Some(0));
        let manifest = std::fs::read_to_string(dir.path().join("aibom.toml"))
            .unwrap()
            .replace("acme/fine", &format!("acme/{name}"));
        std::fs::write(dir.path().join("aibom.toml"), &manifest).unwrap();
        let lock_before = std::fs::read(dir.path().join("aibom.lock")).unwrap();
        let output = lock(dir.path(), &server.url());
        assert_eq!(output.status.code(), Some(2), "{name}");
        let message = stderr(&output);
        assert!(
            message.contains(&format!("acme/{name}")) && message.to_lowercase().contains(expected),
            "{name}: {message}"
        );
        assert!(message.contains("aibom.lock is unchanged"));
        assert_eq!(std::fs::read(dir.path().join("aibom.lock")).unwrap(), lock_before);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap(),
            manifest
        );
    }
    // a repository the Hub says does not exist is a recorded fact, and `check` fails on it
    server
        .mock("GET", Matcher::Regex(r"^/api/models/acme/missing.*".into()))
        .match_query(Matcher::Any)
        .with_status(404)
        .with_header("x-error-code", "RepoNotFound")
        .with_body("{\"error\": \"Repository not found\"}")
        .create();
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "missing", WEIGHTS_SHA256, "");
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("acme/missing: repository not found on")
            && stderr(&output).contains("recorded in aibom.lock"),
        "{}",
        stderr(&output)
    );
    let text = std::fs::read_to_string(dir.path().join("aibom.lock")).unwrap();
    assert!(text.contains("missing = \"repository\""), "{text}");
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(
        (code, maintenance_codes(&report)),
        (1, vec!["MNT008".to_string()]),
        "{report:#}"
    );
    assert_eq!(report["components"][0]["activity"]["status"], "missing");
    // a repository the Hub disabled, answered as the Hub does (403 + X-Error-Message), is recorded as disabled
    server
        .mock("GET", Matcher::Regex(r"^/api/models/acme/banned.*".into()))
        .match_query(Matcher::Any)
        .with_status(403)
        .with_header("x-error-message", "Access to this resource is disabled.")
        .with_body("{\"error\": \"Access to this resource is disabled.\"}")
        .create();
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "banned", WEIGHTS_SHA256, "");
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("acme/banned: the Hub has disabled this repository"),
        "{}",
        stderr(&output)
    );
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(
        (code, maintenance_codes(&report)),
        (1, vec!["MNT002".to_string()]),
        "{report:#}"
    );
    // an endpoint where nothing listens
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "fine", WEIGHTS_SHA256, "");
    let output = lock(dir.path(), "http://127.0.0.1:9");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("acme/fine"), "{}", stderr(&output));
    assert!(!dir.path().join("aibom.lock").exists());
}

#[test]
fn a_broken_lock_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "x", WEIGHTS_SHA256, "");
    std::fs::write(
        dir.path().join("aibom.lock"),
        "version = 1\n[[component]]\nid = \"m\"\nrepository = 3\n",
    )
    .unwrap();
    let output = common::check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("aibom.lock:4:14"), "{}", stderr(&output));
}

#[test]
fn a_hub_that_serves_only_repository_info_still_locks() {
    // a minimal stand-in (a mirror, an older Hub): no tree and no commits listing; mockito answers 501 to both
    let mut server = Server::new();
    let info = serde_json::json!({
        "id": "acme/mirror", "sha": SHA, "lastModified": "2026-09-01T10:00:00.000Z", "disabled": false,
        "gated": "manual", "cardData": { "license": "apache-2.0" },
        "siblings": [{ "rfilename": "config.json" },
                     { "rfilename": "model.safetensors", "size": 90868376,
                       "lfs": { "sha256": WEIGHTS_SHA256, "size": 90868376, "pointerSize": 134 } }],
    });
    server
        .mock(
            "GET",
            Matcher::Regex(r"^/api/models/acme/mirror(/revision/[0-9a-f]+)?$".into()),
        )
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(info.to_string())
        .create();
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "mirror", WEIGHTS_SHA256, "");
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("aibom.lock")).unwrap();
    assert!(text.contains("gated = \"manual\""), "{text}");
    assert!(
        !text.contains("commits_90d"),
        "unknown counts are not zero: {text}"
    );
    assert!(text.contains(&format!("sha256 = \"{WEIGHTS_SHA256}\"")), "{text}");
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, maintenance_codes(&report)), (0, vec![]), "{report:#}");
    let activity = &report["components"][0]["activity"];
    assert_eq!(activity["status"], "active", "{activity:#}");
    assert!(activity["commits_90d"].is_null(), "{activity:#}");
    // and the Hub's digest is still enforced
    project(
        dir.path(),
        "mirror",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "",
    );
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(
        (code, maintenance_codes(&report)),
        (1, vec!["INT011".to_string()])
    );
}

#[test]
fn the_token_is_sent_but_never_printed_or_written() {
    let mut server = Server::new();
    let secret = "hf_aitrustTestSecret0123456789";
    // the repository answers only with the token; without it, 401
    server
        .mock("GET", Matcher::Regex(r"^/api/models/acme/private.*".into()))
        .match_query(Matcher::Any)
        .match_header("authorization", format!("Bearer {secret}").as_str())
        .with_status(401)
        .with_body(format!("{{\"error\": \"token {secret} is invalid\"}}"))
        .create();
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "private", WEIGHTS_SHA256, "");
    let endpoint = server.url();
    let lock_with_token = |dir: &Path| {
        assert_cmd::Command::cargo_bin("aitrust")
            .unwrap()
            .current_dir(dir)
            .env_remove("HF_HUB_DISABLE_IMPLICIT_TOKEN")
            .env("HF_TOKEN", secret)
            .env("HF_HOME", dir.join("no-home"))
            .args(["lock", "--endpoint", &endpoint, "--now", common::NOW])
            .output()
            .unwrap()
    };
    let output = lock_with_token(dir.path());
    assert_eq!(output.status.code(), Some(2));
    let all = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
    assert!(all.contains("acme/private") && all.contains("HF_TOKEN"), "{all}");
    assert!(!all.contains(secret), "the token leaked: {all}");
    assert!(!dir.path().join("aibom.lock").exists());
    // a server error whose body echoes the token: the message says what failed, without the token
    server
        .mock("GET", Matcher::Regex(r"^/api/models/acme/echo.*".into()))
        .match_query(Matcher::Any)
        .match_header("authorization", format!("Bearer {secret}").as_str())
        .with_status(500)
        .with_body(format!("{{\"error\": \"internal error for Bearer {secret}\"}}"))
        .create();
    project(dir.path(), "echo", WEIGHTS_SHA256, "");
    let output = lock_with_token(dir.path());
    assert_eq!(output.status.code(), Some(2));
    let all = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
    assert!(
        all.contains("acme/echo") && all.contains("500") && all.contains("Bearer <token>"),
        "{all}"
    );
    assert!(!all.contains(secret), "the token leaked: {all}");
}
