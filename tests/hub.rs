//! `aitrust lock` against a stand-in Hub that answers in the real Hub's shapes (`tests/common/hub.rs`, each shape
//! cited), then `check` offline on what was recorded. The official Python client, run against the same stand-in,
//! is the oracle: what it parses (digests, commit counts) is what aitrust must have locked. No test reaches the
//! internet.

mod common;

use std::path::Path;

use common::hub::{File, Repo, dates, serve_error, serve_rename};
use common::{all_codes, json_report, stderr};
use mockito::Server;

const WEIGHTS: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
const SHARD: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const XET: &str = "ed3fb5bb4b8bd44c6b1ee1e1a1d0a1b8e0f5e4b5a3c9e1d2f0b4c8a7e6d5c4b3";

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::parse(common::NOW, &time::format_description::well_known::Rfc3339).unwrap()
}

/// A model of a test manifest: id, repository, revision, and pinned files (path, SHA-256).
type Model<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);

/// A manifest with one model per entry.
fn project(dir: &Path, models: &[Model<'_>]) {
    let mut manifest = String::from("schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n");
    for (id, repository, revision, files) in models {
        manifest.push_str(&format!(
            "\n[[model]]\nid = \"{id}\"\nname = \"{repository}\"\nsource = \"huggingface\"\nrevision = \"{revision}\"\n\
license = \"apache-2.0\"\npublisher = \"{}\"\ntrained_on = []\n",
            repository.split('/').next().unwrap()
        ));
        for (path, sha256) in *files {
            manifest.push_str(&format!(
                "  [[model.file]]\n  path = \"{path}\"\n  sha256 = \"{sha256}\"\n  local = false\n"
            ));
        }
    }
    std::fs::write(dir.join("aibom.toml"), manifest).unwrap();
}

fn lock_with(dir: &Path, endpoint: &str, token: Option<&str>) -> std::process::Output {
    let mut command = assert_cmd::Command::cargo_bin("aitrust").unwrap();
    command
        .current_dir(dir)
        .env_remove("HF_ENDPOINT")
        .env("HF_HOME", dir.join("no-hf-home"))
        .args(["lock", "--endpoint", endpoint, "--now", common::NOW]);
    match token {
        Some(token) => command
            .env("HF_TOKEN", token)
            .env_remove("HF_HUB_DISABLE_IMPLICIT_TOKEN"),
        None => command
            .env_remove("HF_TOKEN")
            .env("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1"),
    };
    command.output().unwrap()
}

fn lock(dir: &Path, endpoint: &str) -> std::process::Output {
    lock_with(dir, endpoint, None)
}

fn locked(dir: &Path) -> aitrust::sources::lockfile::LockFile {
    aitrust::sources::lockfile::load(&dir.join("aibom.lock")).unwrap()
}

fn hub_codes(report: &serde_json::Value) -> Vec<String> {
    let mut codes: Vec<String> = all_codes(report)
        .into_iter()
        .filter(|c| c.starts_with("MNT") || c == "INT011")
        .collect();
    codes.sort();
    codes
}

fn busy_repo(id: &str) -> Repo {
    Repo::new(
        id,
        dates(now(), 30, 2, 24),
        vec![
            File::small("config.json", 51),
            File::lfs("model.safetensors", 90_868_376, WEIGHTS),
            File::xet("model-00002.safetensors", 4_000_000_000, SHARD, XET),
            File::small("README.md", 152),
        ],
    )
}

#[test]
fn lfs_and_xet_digests_are_recorded_from_the_real_tree_shape() {
    let mut server = Server::new();
    let repo = busy_repo("acme/tiny");
    repo.serve(&mut server);
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[(
            "m",
            "acme/tiny",
            &repo.head(),
            &[("model.safetensors", WEIGHTS), ("model-00002.safetensors", SHARD)],
        )],
    );
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lock = locked(dir.path());
    let files = &lock.components[0].files;
    let digest = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| f.sha256)
            .map(|d| d.to_string())
    };
    // the tree sends the LFS digest as `lfs.oid`: it must be recorded (it was not, when the key was read as
    // `lfs.sha256`)
    assert_eq!(digest("model.safetensors").as_deref(), Some(WEIGHTS));
    assert_eq!(digest("model-00002.safetensors").as_deref(), Some(SHARD));
    assert_eq!(digest("config.json"), None, "a small file has only a git blob id");
    let shard = files
        .iter()
        .find(|f| f.path == "model-00002.safetensors")
        .unwrap();
    assert!(shard.large && shard.xet_hash.as_deref() == Some(XET));
    assert_eq!(shard.size, 4_000_000_000);
    // canonical: parsing and writing gives the same bytes
    let text = std::fs::read_to_string(dir.path().join("aibom.lock")).unwrap();
    assert_eq!(aitrust::sources::lockfile::to_toml(&lock), text);
    drop(server); // check never touches the network
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, hub_codes(&report)), (0, vec![]), "{report:#}");
    // every pinned digest that differs from the Hub's is INT011
    project(
        dir.path(),
        &[(
            "m",
            "acme/tiny",
            &repo.head(),
            &[("model.safetensors", SHARD), ("model-00002.safetensors", WEIGHTS)],
        )],
    );
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(hub_codes(&report), ["INT011", "INT011"]);
}

#[test]
fn an_lfs_entry_without_its_digest_fails_closed() {
    let mut server = Server::new();
    let repo = busy_repo("acme/odd");
    // the tree of this stand-in says `lfs.sha256` (hf-hub 1.0's expectation), not `lfs.oid`: no digest parses
    let head = repo.head();
    server
        .mock("GET", format!("/api/models/acme/odd/tree/{head}").as_str())
        .match_query(mockito::Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(
            serde_json::json!([{ "type": "file", "oid": "d3", "size": 9, "path": "model.safetensors",
                "lfs": { "sha256": WEIGHTS, "size": 9, "pointerSize": 134 } }])
            .to_string(),
        )
        .create();
    repo.serve(&mut server);
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[("m", "acme/odd", &head, &[("model.safetensors", WEIGHTS)])],
    );
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("an LFS file without its SHA-256"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        locked(dir.path()).components[0].unavailable.as_deref(),
        Some("malformed")
    );
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, hub_codes(&report)), (1, vec!["MNT010".to_string()]));
}

#[test]
fn thousands_of_files_and_commits_are_paged_never_capped() {
    let mut server = Server::new();
    // 2,403 files (three tree pages); 2,500 commits: 1,200 in the last 90 days (one an hour from 1 day ago),
    // then 1,300 more spread over the years before
    let mut history = dates(now(), 1200, 1, 1);
    history.extend(dates(now(), 1300, 60, 24));
    let files: Vec<File> = (0..2403)
        .map(|i| File::lfs(&format!("shards/{i:05}.bin"), 10, &format!("{i:064x}")))
        .collect();
    let repo = Repo::new("acme/huge", history.clone(), files);
    repo.serve(&mut server);
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &[("m", "acme/huge", &repo.head(), &[])]);
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let entry = &locked(dir.path()).components[0];
    assert_eq!(entry.files.len(), 2403);
    assert!(entry.files.iter().all(|f| f.sha256.is_some()));
    let within = |days: i64| {
        history
            .iter()
            .filter(|d| {
                let t =
                    time::OffsetDateTime::parse(d, &time::format_description::well_known::Rfc3339).unwrap();
                now() - t <= time::Duration::days(days)
            })
            .count() as u64
    };
    assert_eq!(entry.commits_90d, Some(within(90)));
    assert_eq!(entry.commits_365d, Some(within(365)));
    assert!(
        entry.commits_365d.unwrap() > 1000,
        "more than one page of a thousand"
    );
    assert_eq!(entry.commits_total, Some(2500));
}

#[test]
fn activity_is_counted_on_the_default_branch_and_the_pin_says_how_far_behind_it_is() {
    let mut server = Server::new();
    // main moved 5 days ago, 20 commits this year; the pin is 400 days old
    let mut history = dates(now(), 20, 5, 24 * 7);
    history.extend(dates(now(), 10, 400, 24));
    let mut repo = Repo::new(
        "acme/moving",
        history,
        vec![File::lfs("model.safetensors", 9, WEIGHTS)],
    );
    repo.pin = 20;
    repo.serve(&mut server);
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[(
            "m",
            "acme/moving",
            &repo.pinned(),
            &[("model.safetensors", WEIGHTS)],
        )],
    );
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let entry = &locked(dir.path()).components[0];
    assert_eq!(entry.revision, repo.pinned());
    assert_eq!(entry.head_revision.as_deref(), Some(repo.head().as_str()));
    assert_eq!(entry.commits_365d, Some(20));
    assert_eq!(entry.behind_commits, Some(20));
    assert_eq!(entry.behind_days, Some(395));
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(
        (code, hub_codes(&report)),
        (0, vec![]),
        "the default branch is active: {report:#}"
    );
    assert_eq!(report["components"][0]["activity"]["status"], "active");
}

#[test]
fn every_outcome_is_recorded_and_none_stops_the_lock() {
    let mut server = Server::new();
    let good = busy_repo("acme/good");
    good.serve(&mut server);
    let renamed = busy_repo("newco/model");
    renamed.serve(&mut server);
    serve_rename(&mut server, "oldco/model", "newco/model");
    serve_error(
        &mut server,
        "acme/private",
        401,
        Some("RepoNotFound"),
        "Repository not found",
    );
    serve_error(
        &mut server,
        "acme/deleted",
        404,
        Some("RepoNotFound"),
        "Repository not found",
    );
    serve_error(
        &mut server,
        "acme/gated",
        401,
        Some("GatedRepo"),
        "Access to model acme/gated is restricted.",
    );
    serve_error(
        &mut server,
        "acme/banned",
        403,
        None,
        "Access to this resource is disabled.",
    );
    serve_error(&mut server, "acme/flaky", 503, None, "Service Unavailable");
    let dir = tempfile::tempdir().unwrap();
    let sha = "0e9e39f249a16976918f6564b8830bc894c89659";
    project(
        dir.path(),
        &[
            ("private", "acme/private", sha, &[]),
            ("deleted", "acme/deleted", sha, &[]),
            ("gated", "acme/gated", sha, &[]),
            ("banned", "acme/banned", sha, &[]),
            ("flaky", "acme/flaky", sha, &[]),
            (
                "renamed",
                "oldco/model",
                &renamed.head(),
                &[("model.safetensors", WEIGHTS)],
            ),
            (
                "good",
                "acme/good",
                &good.head(),
                &[("model.safetensors", WEIGHTS)],
            ),
        ],
    );
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lock = locked(dir.path());
    let entry = |id: &str| lock.component(id).unwrap_or_else(|| panic!("{id} not locked"));
    assert_eq!(
        entry("private").unavailable.as_deref(),
        Some("private-or-missing")
    );
    assert_eq!(entry("deleted").missing.as_deref(), Some("repository"));
    assert_eq!(entry("gated").unavailable.as_deref(), Some("gated"));
    assert!(entry("banned").disabled);
    assert_eq!(entry("flaky").unavailable.as_deref(), Some("transient"));
    assert_eq!(entry("renamed").canonical.as_deref(), Some("newco/model"));
    assert!(
        entry("renamed").files.iter().any(|f| f.sha256.is_some()),
        "a renamed repository is still read"
    );
    assert!(entry("good").unavailable.is_none() && entry("good").files.len() == 4);
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().unwrap();
    let of = |id: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["component"] == id && (f["code"].as_str().unwrap().starts_with("MNT")))
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert!(of("private")[0].starts_with("MNT010") && of("private")[0].contains("private-or-missing"));
    assert!(of("deleted")[0].starts_with("MNT008"));
    assert!(of("gated")[0].starts_with("MNT010") && of("gated")[0].contains("gated"));
    assert!(of("banned")[0].starts_with("MNT002"));
    assert!(of("flaky")[0].starts_with("MNT010") && of("flaky")[0].contains("transient"));
    assert!(
        of("renamed")
            .iter()
            .any(|f| f.starts_with("MNT009") && f.contains("newco/model")),
        "{:?}",
        of("renamed")
    );
    assert_eq!(of("good"), Vec::<String>::new());
}

#[test]
fn a_hub_that_serves_only_repository_info_still_locks() {
    // a minimal stand-in (a mirror, an older Hub): no tree and no commits listing (404)
    let mut server = Server::new();
    let sha = "0e9e39f249a16976918f6564b8830bc894c89659";
    let info = serde_json::json!({
        "id": "acme/mirror", "sha": sha, "lastModified": "2026-09-01T10:00:00.000Z", "disabled": false,
        "gated": "manual", "cardData": { "license": "apache-2.0" },
        "siblings": [{ "rfilename": "config.json" },
                     { "rfilename": "model.safetensors", "size": 90868376,
                       "lfs": { "sha256": WEIGHTS, "size": 90868376, "pointerSize": 134 } }],
    });
    server
        .mock(
            "GET",
            mockito::Matcher::Regex(r"^/api/models/acme/mirror(/revision/[0-9a-f]+)?$".into()),
        )
        .match_query(mockito::Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(info.to_string())
        .create();
    server
        .mock(
            "GET",
            mockito::Matcher::Regex(r"^/api/models/acme/mirror/(tree|commits)/.*".into()),
        )
        .match_query(mockito::Matcher::Any)
        .with_status(404)
        .create();
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[("m", "acme/mirror", sha, &[("model.safetensors", WEIGHTS)])],
    );
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("aibom.lock")).unwrap();
    assert!(text.contains("gated = \"manual\""), "{text}");
    assert!(
        !text.contains("commits_90d"),
        "unknown counts are not zero: {text}"
    );
    assert!(text.contains(&format!("sha256 = \"{WEIGHTS}\"")), "{text}");
    // and the Hub's digest is still enforced
    project(
        dir.path(),
        &[("m", "acme/mirror", sha, &[("model.safetensors", SHARD)])],
    );
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, hub_codes(&report)), (1, vec!["INT011".to_string()]));
}

#[test]
fn a_broken_lock_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[("m", "acme/x", "0e9e39f249a16976918f6564b8830bc894c89659", &[])],
    );
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
fn the_token_is_sent_only_to_the_hub_and_never_printed_or_written() {
    let mut server = Server::new();
    let secret = "hf_aitrustTestSecret0123456789";
    // with the token, the repository answers 403 and echoes the token in its message
    server
        .mock(
            "GET",
            mockito::Matcher::Regex(r"^/api/models/acme/private.*".into()),
        )
        .match_query(mockito::Matcher::Any)
        .match_header("authorization", format!("Bearer {secret}").as_str())
        .with_status(400)
        .with_header("x-error-message", &format!("bad token {secret}"))
        .with_body(format!("{{\"error\": \"token {secret} is invalid\"}}"))
        .create();
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[(
            "m",
            "acme/private",
            "0e9e39f249a16976918f6564b8830bc894c89659",
            &[],
        )],
    );
    let output = lock_with(dir.path(), &server.url(), Some(secret));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.path().join("aibom.lock")).unwrap();
    let all = format!(
        "{}{}{written}",
        stderr(&output),
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(all.contains("acme/private") && all.contains("<token>"), "{all}");
    assert!(!all.contains(secret), "the token leaked: {all}");
    // a next-page link to another host is refused: the token would go with it
    let mut repo = busy_repo("acme/linked");
    repo.files.truncate(1);
    let head = repo.head();
    server
        .mock("GET", format!("/api/models/acme/linked/tree/{head}").as_str())
        .match_query(mockito::Matcher::Any)
        .with_header("content-type", "application/json")
        .with_header("link", "<https://attacker.example/steal?x=1>; rel=\"next\"")
        .with_body("[]")
        .create();
    repo.serve(&mut server);
    project(dir.path(), &[("m", "acme/linked", &head, &[])]);
    let output = lock_with(dir.path(), &server.url(), Some(secret));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("another host"), "{}", stderr(&output));
    assert_eq!(
        locked(dir.path()).components[0].unavailable.as_deref(),
        Some("malformed")
    );
}

/// The official Python client (huggingface_hub) parses the stand-in: its view of the files' digests and of the
/// default branch's activity is what aitrust must have locked.
#[test]
fn the_official_client_reads_the_stand_in_as_aitrust_does() {
    if !common::succeeds(Path::new("."), "python3", &["-c", "import huggingface_hub"]) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs huggingface_hub (`pip install huggingface-hub`): the oracle must run"
        );
        return; // a developer machine without the oracle; CI always has it
    }
    let mut server = Server::new();
    let mut history = dates(now(), 150, 1, 20);
    history.extend(dates(now(), 60, 200, 24));
    let mut repo = Repo::new(
        "acme/oracle",
        history,
        vec![
            File::small("config.json", 51),
            File::lfs("model.safetensors", 90_868_376, WEIGHTS),
            File::xet("model-00002.safetensors", 4_000_000_000, SHARD, XET),
        ],
    );
    repo.pin = 3;
    repo.serve(&mut server);
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &[("m", "acme/oracle", &repo.pinned(), &[])]);
    let output = lock(dir.path(), &server.url());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let entry = locked(dir.path()).components[0].clone();
    let script = r#"
import json, sys
from datetime import datetime, timedelta
from huggingface_hub import HfApi
endpoint, repo, pin, now = sys.argv[1:5]
api = HfApi(endpoint=endpoint, token=False)
now = datetime.fromisoformat(now.replace("Z", "+00:00"))
tree = {f.path: (f.lfs.sha256 if getattr(f, "lfs", None) else None)
        for f in api.list_repo_tree(repo, revision=pin, recursive=True)}
info = api.model_info(repo, revision=pin, files_metadata=True)
siblings = {s.rfilename: (s.lfs.sha256 if s.lfs else None) for s in info.siblings}
head = api.model_info(repo).sha
commits = api.list_repo_commits(repo, revision=head)
def within(days):
    return sum(1 for c in commits if now - c.created_at <= timedelta(days=days))
ids = [c.commit_id for c in commits]
print(json.dumps({"tree": tree, "siblings": siblings, "head": head, "d90": within(90), "d365": within(365),
                  "total": len(commits), "behind": ids.index(pin)}))
"#;
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            script,
            &server.url(),
            "acme/oracle",
            &repo.pinned(),
            common::NOW,
        ])
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .env("HF_HUB_OFFLINE", "0")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let oracle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for file in &entry.files {
        let expected = oracle["tree"][&file.path].as_str().map(str::to_string);
        assert_eq!(file.sha256.map(|d| d.to_string()), expected, "{}", file.path);
        assert_eq!(
            oracle["siblings"][&file.path].as_str().map(str::to_string),
            expected,
            "{}",
            file.path
        );
    }
    assert_eq!(oracle["tree"].as_object().unwrap().len(), entry.files.len());
    assert_eq!(oracle["head"].as_str(), entry.head_revision.as_deref());
    assert_eq!(oracle["d90"].as_u64(), entry.commits_90d);
    assert_eq!(oracle["d365"].as_u64(), entry.commits_365d);
    assert_eq!(oracle["total"].as_u64(), entry.commits_total);
    assert_eq!(oracle["behind"].as_u64(), entry.behind_commits);
}
