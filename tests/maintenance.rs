//! Maintenance of git and local components: activity from a real git repository (git2, controlled commit dates)
//! and from the manifest's maintainer and review date.

mod common;

use common::{all_codes, json_report};

fn maintenance_codes(report: &serde_json::Value) -> Vec<String> {
    all_codes(report)
        .into_iter()
        .filter(|c| c.starts_with("MNT"))
        .collect()
}

/// A repository whose commits are made at the given Unix times (oldest first); returns HEAD.
fn repository_with_history(dir: &std::path::Path, times: &[i64]) -> String {
    let repository = git2::Repository::init(dir).unwrap();
    let mut parent: Option<git2::Oid> = None;
    for (index, time) in times.iter().enumerate() {
        std::fs::write(dir.join("weights.bin"), format!("version {index}")).unwrap();
        let mut tree_builder = repository.index().unwrap();
        tree_builder
            .add_path(std::path::Path::new("weights.bin"))
            .unwrap();
        tree_builder.write().unwrap();
        let tree = repository.find_tree(tree_builder.write_tree().unwrap()).unwrap();
        let signature = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(*time, 0)).unwrap();
        let parents: Vec<git2::Commit<'_>> = parent
            .iter()
            .map(|p| repository.find_commit(*p).unwrap())
            .collect();
        let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        parent = Some(
            repository
                .commit(
                    Some("HEAD"),
                    &signature,
                    &signature,
                    "update",
                    &tree,
                    &parent_refs,
                )
                .unwrap(),
        );
    }
    parent.unwrap().to_string()
}

const DAY: i64 = 86_400;
/// 2026-11-22T12:00:00Z, the tests' "now".
const NOW: i64 = 1_795_348_800;

fn git_project(dir: &std::path::Path, times: &[i64], policy: &str) -> serde_json::Value {
    let clone = dir.join("models/m");
    std::fs::create_dir_all(&clone).unwrap();
    let head = repository_with_history(&clone, times);
    let last = format!("version {}", times.len() - 1);
    let manifest = format!(
        "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"m\"\nsource = \"git\"\nurl = \"https://git.example.com/m.git\"\nrevision = \"{head}\"\npath = \"models/m\"\nlicense = \"mit\"\npublisher = \"acme\"\nbase_model = []\n\
  [[model.file]]\n  path = \"weights.bin\"\n  sha256 = \"{}\"\n{policy}",
        aitrust::digest::hash::sha256_bytes(last.as_bytes())
    );
    std::fs::write(dir.join("aibom.toml"), manifest).unwrap();
    json_report(dir, &[]).1
}

#[test]
fn git_activity_counts_commits_and_finds_stale_repositories() {
    let dir = tempfile::tempdir().unwrap();
    let report = git_project(
        dir.path(),
        &[NOW - 400 * DAY, NOW - 200 * DAY, NOW - 30 * DAY, NOW - 10 * DAY],
        "",
    );
    assert_eq!(maintenance_codes(&report), Vec::<String>::new(), "{report:#}");
    let activity = &report["components"][0]["activity"];
    assert_eq!(activity["source"], "git");
    assert_eq!(activity["status"], "active");
    assert_eq!(
        (
            activity["commits_90d"].as_u64(),
            activity["commits_365d"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(activity["age_days"], 10);
    let dir = tempfile::tempdir().unwrap();
    let report = git_project(dir.path(), &[NOW - 900 * DAY, NOW - 500 * DAY], "");
    assert_eq!(maintenance_codes(&report), ["MNT001"]);
    assert_eq!(report["components"][0]["activity"]["status"], "stale");
    let dir = tempfile::tempdir().unwrap();
    let report = git_project(
        dir.path(),
        &[NOW - 500 * DAY],
        "[policy]\nmaintenance.max_age_days = 730\n",
    );
    assert_eq!(maintenance_codes(&report), Vec::<String>::new());
}

#[test]
fn local_components_need_a_maintainer_and_a_recent_review() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.csv"), "a,b\n").unwrap();
    let manifest = |extra: &str| {
        format!(
            "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[dataset]]\nid = \"d\"\nsource = \"local\"\npath = \"d.csv\"\nsha256 = \"{}\"\nlicense = \"cc0-1.0\"\npublisher = \"us\"\ncollection = \"ours\"\n{extra}",
            aitrust::digest::hash::sha256_bytes(b"a,b\n")
        )
    };
    let audit = |extra: &str| {
        std::fs::write(dir.path().join("aibom.toml"), manifest(extra)).unwrap();
        json_report(dir.path(), &[]).1
    };
    assert_eq!(maintenance_codes(&audit("")), ["MNT003"]);
    let recent = audit("maintainer = \"data@example.com\"\nlast_reviewed = \"2026-09-01\"\n");
    assert_eq!(maintenance_codes(&recent), Vec::<String>::new());
    assert_eq!(recent["components"][0]["activity"]["source"], "review");
    let overdue = audit("maintainer = \"data@example.com\"\nlast_reviewed = \"2024-09-01\"\n");
    assert_eq!(maintenance_codes(&overdue), ["MNT007"]);
    let denied = audit(
        "maintainer = \"data@example.com\"\nlast_reviewed = \"2024-09-01\"\n[policy]\nmaintenance.stale = \"deny\"\n",
    );
    assert_eq!(json_report(dir.path(), &[]).0, 1);
    assert_eq!(
        denied["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "MNT007")
            .unwrap()["severity"],
        "error"
    );
}

/// A project whose git model has no local clone: only its `url`, a repository elsewhere on disk.
fn remote_project(project: &std::path::Path, url: &str, revision: &str, policy: &str) {
    std::fs::create_dir_all(project).unwrap();
    let manifest = format!(
        "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"m\"\nsource = \"git\"\nurl = \"{url}\"\nrevision = \"{revision}\"\nlicense = \"mit\"\npublisher = \"acme\"\nbase_model = []\n{policy}"
    );
    std::fs::write(project.join("aibom.toml"), manifest).unwrap();
}

fn lock(project: &std::path::Path) -> std::process::Output {
    common::aitrust(
        project,
        &["lock", "--now", common::NOW, "--endpoint", "http://127.0.0.1:9"],
    )
}

#[test]
fn git_remotes_are_locked_and_judged_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (old, fresh) = (dir.path().join("old"), dir.path().join("fresh"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&fresh).unwrap();
    let old_head = repository_with_history(&old, &[NOW - 1200 * DAY, NOW - 800 * DAY]);
    let fresh_head = repository_with_history(&fresh, &[NOW - 300 * DAY, NOW - 60 * DAY, NOW - 5 * DAY]);
    let project = dir.path().join("project");
    let url = |path: &std::path::Path| format!("file://{}", path.display());

    // not locked yet: said, never skipped
    remote_project(&project, &url(&old), &old_head, "");
    let (_, report) = json_report(&project, &[]);
    assert_eq!(maintenance_codes(&report), ["MNT004"]);

    // an old remote is stale; policy can make it fail
    let output = lock(&project);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let text = std::fs::read_to_string(project.join("aibom.lock")).unwrap();
    assert!(text.contains("source = \"git\""), "{text}");
    assert!(text.contains("commits_365d = 0"), "{text}");
    let (code, report) = json_report(&project, &[]);
    assert_eq!(
        (code, maintenance_codes(&report)),
        (0, vec!["MNT001".to_string()])
    );
    let activity = &report["components"][0]["activity"];
    assert_eq!(
        (
            activity["source"].as_str(),
            activity["status"].as_str(),
            activity["age_days"].as_i64()
        ),
        (Some("git-remote"), Some("stale"), Some(800))
    );
    remote_project(
        &project,
        &url(&old),
        &old_head,
        "[policy]\nmaintenance.stale = \"deny\"\n",
    );
    let (code, report) = json_report(&project, &[]);
    assert_eq!(
        (code, maintenance_codes(&report)),
        (1, vec!["MNT001".to_string()])
    );

    // a fresh remote (given as a path relative to the manifest) is active, with its counts
    remote_project(
        &project,
        "../fresh",
        &fresh_head,
        "[policy]\nmaintenance.stale = \"deny\"\n",
    );
    let (_, report) = json_report(&project, &[]);
    assert_eq!(
        maintenance_codes(&report),
        ["MNT004"],
        "the lock describes another remote pin"
    );
    let output = lock(&project);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let (code, report) = json_report(&project, &[]);
    assert_eq!((code, maintenance_codes(&report)), (0, vec![]), "{report:#}");
    let activity = &report["components"][0]["activity"];
    assert_eq!(
        (
            activity["commits_90d"].as_u64(),
            activity["commits_365d"].as_u64()
        ),
        (Some(2), Some(3))
    );

    // a pin the remote does not have is a recorded fact (MNT008), not a reason to stop
    remote_project(&project, "../fresh", &"ab".repeat(20), "");
    let output = lock(&project);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    assert!(
        common::stderr(&output).contains(&format!("revision {} not found", "ab".repeat(20)))
            && common::stderr(&output).contains("recorded in aibom.lock"),
        "{}",
        common::stderr(&output)
    );
    let text = std::fs::read_to_string(project.join("aibom.lock")).unwrap();
    assert!(text.contains("missing = \"revision\""), "{text}");
    let (code, report) = json_report(&project, &[]);
    assert_eq!(code, 1);
    assert!(
        maintenance_codes(&report).contains(&"MNT008".to_string()),
        "{report:#}"
    );
}

/// `aitrust lock` in `project` with extra environment (a fake ssh).
fn lock_env(project: &std::path::Path, env: &[(&str, &std::path::Path)]) -> std::process::Output {
    let mut command = assert_cmd::Command::cargo_bin("aitrust").unwrap();
    command.current_dir(project).env_remove("CI").args([
        "lock",
        "--now",
        common::NOW,
        "--endpoint",
        "http://127.0.0.1:9",
    ]);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn git_remotes_over_http_and_ssh_are_fetched_shallow_and_judged() {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("served");
    let repo = served.join("fresh");
    std::fs::create_dir_all(&repo).unwrap();
    // 40 old commits (years ago), then three in the last year
    let mut times: Vec<i64> = (0..40).map(|i| NOW - (2000 - i) * DAY).collect();
    times.extend([NOW - 300 * DAY, NOW - 60 * DAY, NOW - 5 * DAY]);
    let head = repository_with_history(&repo, &times);
    let old_pin = git2::Repository::open(&repo)
        .unwrap()
        .revparse_single("HEAD~5")
        .unwrap()
        .id()
        .to_string();
    let server = common::git_http::GitHttp::serve(&served);
    let project = dir.path().join("project");
    let http_url = format!("{}/fresh/.git", server.url);

    // over http: the default branch's last year, fetched shallow
    remote_project(&project, &http_url, &head, "");
    let output = lock_env(&project, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let lock = aitrust::sources::lockfile::load(&project.join("aibom.lock")).unwrap();
    let entry = &lock.components[0];
    assert_eq!(
        (entry.unavailable.as_deref(), entry.revision.as_str()),
        (None, head.as_str()),
        "{entry:?}"
    );
    assert_eq!((entry.commits_90d, entry.commits_365d), (Some(2), Some(3)));
    assert_eq!(entry.behind_commits, Some(0));
    assert!(
        server.asked_shallow(),
        "the fetch must be shallow: {:?}",
        server.bodies.lock().unwrap()
    );
    let (code, report) = json_report(&project, &[]);
    assert_eq!((code, maintenance_codes(&report)), (0, vec![]), "{report:#}");

    // a pin older than the fetched year is fetched by itself, and dated
    remote_project(&project, &http_url, &old_pin, "");
    let output = lock_env(&project, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let entry = aitrust::sources::lockfile::load(&project.join("aibom.lock"))
        .unwrap()
        .components[0]
        .clone();
    assert_eq!(entry.revision, old_pin);
    assert_eq!(entry.head_revision.as_deref(), Some(head.as_str()));
    // HEAD~5 is the 38th commit, 2000 - 37 days old; the head is 5 days old
    assert_eq!(entry.behind_days, Some(1963 - 5));
    assert_eq!(
        entry.behind_commits, None,
        "not known without the older history, never guessed"
    );

    // a pin the remote does not have: recorded, MNT008
    remote_project(&project, &http_url, &"ab".repeat(20), "");
    let output = lock_env(&project, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let (code, report) = json_report(&project, &[]);
    assert_eq!(code, 1);
    assert!(
        maintenance_codes(&report).contains(&"MNT008".to_string()),
        "{report:#}"
    );

    // over ssh (ssh:// and scp-style), through the ssh program git would run
    let ssh = common::git_http::fake_ssh(dir.path());
    for url in [
        format!("ssh://git@localhost{}", repo.join(".git").display()),
        format!("git@localhost:{}", repo.join(".git").display()),
    ] {
        remote_project(&project, &url, &head, "");
        let output = lock_env(&project, &[("GIT_SSH_COMMAND", &ssh)]);
        assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
        let entry = aitrust::sources::lockfile::load(&project.join("aibom.lock"))
            .unwrap()
            .components[0]
            .clone();
        assert_eq!(
            (entry.unavailable.as_deref(), entry.commits_365d),
            (None, Some(3)),
            "{url}: {entry:?}"
        );
    }
    let log = std::fs::read_to_string(dir.path().join("ssh.log")).unwrap();
    assert!(log.contains("git-upload-pack"), "{log}");

    // a remote that does not answer is recorded, and the lock still completes
    remote_project(&project, "https://127.0.0.1:9/nothing.git", &head, "");
    let output = lock_env(&project, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let (code, report) = json_report(&project, &[]);
    assert_eq!(
        (code, maintenance_codes(&report)),
        (1, vec!["MNT010".to_string()]),
        "{report:#}"
    );
}

#[test]
fn a_git_clone_at_path_needs_no_url() {
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("models/m");
    std::fs::create_dir_all(&clone).unwrap();
    let head = repository_with_history(&clone, &[NOW - 30 * DAY, NOW - 10 * DAY]);
    git2::Repository::open(&clone)
        .unwrap()
        .remote("origin", "https://git.example.com/m.git")
        .unwrap();
    let manifest = format!(
        "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"m\"\nsource = \"git\"\nrevision = \"{head}\"\npath = \"models/m\"\nlicense = \"mit\"\npublisher = \"acme\"\nbase_model = []\n\
  [[model.file]]\n  path = \"weights.bin\"\n  sha256 = \"{}\"\n",
        aitrust::digest::hash::sha256_bytes(b"version 1")
    );
    std::fs::write(dir.path().join("aibom.toml"), manifest).unwrap();
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, maintenance_codes(&report)), (0, vec![]), "{report:#}");
    assert_eq!(report["components"][0]["activity"]["source"], "git");
    assert_eq!(report["components"][0]["activity"]["commits_90d"], 2);
}
