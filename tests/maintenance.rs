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
        aitrust::sources::hash::sha256_bytes(last.as_bytes())
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
            aitrust::sources::hash::sha256_bytes(b"a,b\n")
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
