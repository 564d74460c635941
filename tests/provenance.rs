//! The provenance check through the real binary: pins, publisher policy (with recorded decisions), lineage and
//! data-collection documentation.

mod common;

use common::{codes, json_report};

const HEAD: &str = "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n";

fn audit(manifest: &str) -> (tempfile::TempDir, i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), manifest).unwrap();
    let (code, report) = json_report(dir.path(), &[]);
    (dir, code, report)
}

fn hub_model(revision: &str, extra: &str) -> String {
    format!(
        "{HEAD}[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"org/m\"\nlicense = \"mit\"\npublisher = \"org\"\ntrained_on = [\"d\"]\n{revision}{extra}\n\
[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"https://e.x/d\"\nlicense = \"cc0-1.0\"\npublisher = \"e\"\ncollection = \"crawled with consent\"\n"
    )
}

#[test]
fn revisions_must_be_full_commits() {
    let full = "revision = \"0e9e39f249a16976918f6564b8830bc894c89659\"\n";
    let (_d, code, report) = audit(&hub_model(full, ""));
    assert_eq!(
        (code, codes(&report)),
        // the Hub model is not in aibom.lock: MNT004 says so
        (
            0,
            vec!["MNT004".to_string(), "INT007".to_string(), "INT007".to_string()]
        )
    );
    for revision in [
        "",
        "revision = \"main\"\n",
        "revision = \"v1.0\"\n",
        "revision = \"0e9e39f\"\n",
    ] {
        let (_d, code, report) = audit(&hub_model(revision, ""));
        assert_eq!(code, 1, "{revision:?}");
        assert!(codes(&report).contains(&"PRV001".to_string()), "{revision:?}");
    }
}

#[test]
fn publisher_policy_and_recorded_decisions() {
    let full = "revision = \"0e9e39f249a16976918f6564b8830bc894c89659\"\n";
    let (_d, code, report) = audit(&format!(
        "{}[policy]\npublishers.deny = [\"ORG\"]\n",
        hub_model(full, "")
    ));
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"PRV002".to_string()));
    let manifest = format!("{}[policy]\npublishers.review = [\"org\"]\n", hub_model(full, ""));
    let (dir, code, report) = audit(&manifest);
    assert_eq!(code, 0);
    assert!(codes(&report).contains(&"PRV003".to_string()));
    // a current "met" answer naming the publisher clears it; one for an older manifest does not
    let digest = aitrust::digest::hash::sha256_bytes(manifest.as_bytes()).to_string();
    let answer = |digest: &str| {
        format!(
            "[[answer]]\nchecklist = \"global\"\nitem = \"trust-model-deployment\"\nstatus = \"met\"\n\
justification = \"Legal reviewed org's terms and security reviewed its release process on 2026-11-20.\"\n\
answered_by = \"Jane Doe <jane@example.com>\"\nanswered_at = \"2026-11-20T10:00:00Z\"\nbom_sha256 = \"{digest}\"\n"
        )
    };
    std::fs::write(dir.path().join("aibom.answers.toml"), answer(&digest)).unwrap();
    let (_, report) = json_report(dir.path(), &[]);
    assert!(!codes(&report).contains(&"PRV003".to_string()), "{report:#}");
    std::fs::write(dir.path().join("aibom.answers.toml"), answer(&"0".repeat(64))).unwrap();
    let (_, report) = json_report(dir.path(), &[]);
    assert!(codes(&report).contains(&"PRV003".to_string()));
}

#[test]
fn documentation_of_lineage_and_collection() {
    let manifest = format!(
        "{HEAD}[[model]]\nid = \"a\"\nsource = \"url\"\nurl = \"https://e.x/a\"\nlicense = \"mit\"\n\
[[model]]\nid = \"b\"\nsource = \"url\"\nurl = \"https://e.x/b\"\nlicense = \"mit\"\npublisher = \"e\"\nbase_model = [\"a\"]\nrelation = \"merge\"\n\
[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"https://e.x/d\"\nlicense = \"cc0-1.0\"\npublisher = \"e\"\n"
    );
    let (_d, code, report) = audit(&manifest);
    assert_eq!(code, 0, "documentation gaps are warnings");
    let mut found = codes(&report);
    found.retain(|c| c.starts_with("PRV"));
    assert_eq!(found, ["PRV004", "PRV006", "PRV007", "PRV005"]);
}

/// A git repository made in a temp dir with git2, one commit holding `files`.
fn git_clone(dir: &std::path::Path, files: &[(&str, &str)]) -> String {
    let repository = git2::Repository::init(dir).unwrap();
    let mut index = repository.index().unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
        index.add_path(std::path::Path::new(name)).unwrap();
    }
    index.write().unwrap();
    let tree = repository.find_tree(index.write_tree().unwrap()).unwrap();
    // committed 2026-11-01, three weeks before the audit's "now"
    let signature =
        git2::Signature::new("Test", "test@example.com", &git2::Time::new(1_793_491_200, 0)).unwrap();
    repository
        .commit(Some("HEAD"), &signature, &signature, "weights", &tree, &[])
        .unwrap()
        .to_string()
}

/// A valid safetensors file with no tensors (8-byte header length, `{}`): the serialization check reads weights
/// to the letter of their format.
const SAFETENSORS: &str = "\x02\0\0\0\0\0\0\0{}";
/// Another one (its header padded with a space, as the format allows).
const CHANGED: &str = "\x03\0\0\0\0\0\0\0{} ";

#[test]
fn git_clones_must_be_at_the_pinned_commit_and_clean() {
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("models/tiny");
    std::fs::create_dir_all(&clone).unwrap();
    let commit = git_clone(
        &clone,
        &[("config.json", "{}"), ("model.safetensors", SAFETENSORS)],
    );
    let manifest = |revision: &str| {
        format!(
            "{HEAD}[[model]]\nid = \"m\"\nsource = \"git\"\nurl = \"https://git.example.com/tiny.git\"\nrevision = \"{revision}\"\npath = \"models/tiny\"\n\
license = \"mit\"\npublisher = \"acme\"\ntrained_on = []\nbase_model = []\n\
  [[model.file]]\n  path = \"config.json\"\n  sha256 = \"{}\"\n\
  [[model.file]]\n  path = \"model.safetensors\"\n  sha256 = \"{}\"\n[policy]\nlevels = {{ \"PRV006\" = \"allow\" }}\n",
            aitrust::digest::hash::sha256_bytes(b"{}"),
            aitrust::digest::hash::sha256_bytes(SAFETENSORS.as_bytes()),
        )
    };
    std::fs::write(dir.path().join("aibom.toml"), manifest(&commit)).unwrap();
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, codes(&report)), (0, vec![]), "{report:#}");
    // HEAD moved to another commit
    std::fs::write(dir.path().join("aibom.toml"), manifest(&"a".repeat(40))).unwrap();
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, codes(&report)), (1, vec!["PRV008".to_string()]));
    // a modified tracked file (the digest in the manifest updated to match, so only git sees it)
    std::fs::write(
        dir.path().join("aibom.toml"),
        manifest(&commit).replace(
            &aitrust::digest::hash::sha256_bytes(SAFETENSORS.as_bytes()).to_string(),
            &aitrust::digest::hash::sha256_bytes(CHANGED.as_bytes()).to_string(),
        ),
    )
    .unwrap();
    std::fs::write(clone.join("model.safetensors"), CHANGED).unwrap();
    let (code, report) = json_report(dir.path(), &[]);
    assert_eq!((code, codes(&report)), (1, vec!["PRV009".to_string()]));
    // not a repository at all
    std::fs::remove_dir_all(clone.join(".git")).unwrap();
    let (_, report) = json_report(dir.path(), &[]);
    assert!(codes(&report).contains(&"PRV008".to_string()));
}
