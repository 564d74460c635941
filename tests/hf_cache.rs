//! `aitrust init --from-hf-cache`: a Hugging Face cache laid out as huggingface_hub writes it (blobs named by
//! SHA-256 or git blob id, relative snapshot links, refs/main), built from the real all-MiniLM-L6-v2 snapshot in
//! `../shared/testdata`, read offline: pinned, linked, verified — and a corrupted or tampered cache is refused.

mod common;

use std::path::{Path, PathBuf};

use common::{aitrust, stderr};
use sha2::{Digest, Sha256};

const MAIN: &str = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf";
const OLD: &str = "7dbbc90392e2f80f3d3c277d6e90027e55de9125";
const DATA_REV: &str = "4b7a4e3f1c2d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";

fn real_snapshot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/real-models/all-MiniLM-L6-v2")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Puts `content` in the repository's blobs (named as huggingface_hub names it) and links it from the snapshot.
fn add_file(repo: &Path, revision: &str, path: &str, content: &[u8], lfs: bool) -> String {
    let blob = if lfs {
        sha256_hex(content)
    } else {
        git2::Oid::hash_object(git2::ObjectType::Blob, content)
            .unwrap()
            .to_string()
    };
    std::fs::create_dir_all(repo.join("blobs")).unwrap();
    std::fs::write(repo.join("blobs").join(&blob), content).unwrap();
    let link = repo.join("snapshots").join(revision).join(path);
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    let depth = path.matches('/').count() + 2;
    let target = format!("{}blobs/{blob}", "../".repeat(depth));
    std::os::unix::fs::symlink(target, &link).unwrap();
    blob
}

/// A cache with the real MiniLM snapshot (plus stand-in weights as an LFS file) and one of its training datasets.
fn build_cache(cache: &Path) {
    let repo = cache.join("models--sentence-transformers--all-MiniLM-L6-v2");
    for entry in walkdir::WalkDir::new(real_snapshot()).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() || entry.file_name() == ".upstream" {
            continue;
        }
        let relative = entry.path().strip_prefix(real_snapshot()).unwrap();
        let content = std::fs::read(entry.path()).unwrap();
        add_file(&repo, MAIN, relative.to_str().unwrap(), &content, false);
    }
    add_file(&repo, MAIN, "model.safetensors", b"stand-in weights", true);
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), MAIN).unwrap();
    let data = cache.join("datasets--embedding-data--QQP");
    add_file(
        &data,
        DATA_REV,
        "data/train.jsonl",
        b"{\"set\": [\"a\", \"b\"]}\n",
        true,
    );
    std::fs::create_dir_all(data.join("refs")).unwrap();
    std::fs::write(data.join("refs/main"), DATA_REV).unwrap();
    // things that are not repositories
    std::fs::create_dir_all(cache.join(".locks/models--x--y")).unwrap();
    std::fs::write(cache.join("version.txt"), "1").unwrap();
}

fn init_from(project: &Path, cache: &Path) -> std::process::Output {
    std::fs::create_dir_all(project).unwrap();
    aitrust(project, &["init", "--from-hf-cache", cache.to_str().unwrap()])
}

#[test]
fn a_real_snapshot_is_pinned_linked_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("hub");
    build_cache(&cache);
    let project = dir.path().join("project");
    let output = init_from(&project, &cache);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("verified 15 cached blobs in")
            && stderr(&output).contains("1 model, 1 dataset"),
        "{}",
        stderr(&output)
    );
    let manifest = std::fs::read_to_string(project.join("aibom.toml")).unwrap();
    insta::assert_snapshot!("hf_cache_manifest", manifest);
    // every declared digest is the real file's SHA-256
    let bom = aitrust::bom::load(&project.join("aibom.toml")).unwrap();
    let model = bom
        .models
        .iter()
        .find(|m| m.component.id.value == "all-minilm-l6-v2")
        .unwrap();
    assert_eq!(model.component.revision.as_ref().unwrap().value, MAIN);
    let tokenizer = model
        .component
        .files
        .iter()
        .find(|f| f.path.value.as_str() == "tokenizer.json")
        .unwrap();
    let real = std::fs::read(real_snapshot().join("tokenizer.json")).unwrap();
    assert_eq!(
        tokenizer.sha256.as_ref().unwrap().value.to_string(),
        sha256_hex(&real)
    );
    assert_eq!(tokenizer.size.as_ref().unwrap().value, real.len() as u64);
    assert_eq!(
        model
            .trained_on
            .iter()
            .map(|d| d.value.as_str())
            .collect::<Vec<_>>(),
        ["qqp"]
    );
    // it audits: the license came from the real card; what is missing is a lock (MNT004), not an error
    let (code, report) = common::json_report(&project, &[]);
    assert_ne!(code, 2, "{report:#}");
    let codes = common::all_codes(&report);
    assert!(codes.contains(&"MNT004".to_string()), "{codes:?}");
    assert!(
        !codes.iter().any(|c| c.starts_with("INT0") && c != "INT007"),
        "{codes:?}"
    );
}

#[test]
fn the_default_cache_comes_from_hf_home() {
    let dir = tempfile::tempdir().unwrap();
    build_cache(&dir.path().join("home/hub"));
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let output = assert_cmd::Command::cargo_bin("aitrust")
        .unwrap()
        .current_dir(&project)
        .env_remove("HF_HUB_CACHE")
        .env("HF_HOME", dir.path().join("home"))
        .args(["init", "--from-hf-cache"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(project.join("aibom.toml")).unwrap();
    assert!(
        manifest.contains("name = \"sentence-transformers/all-MiniLM-L6-v2\""),
        "{manifest}"
    );
}

#[test]
fn the_snapshot_refs_main_points_to_wins() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("hub");
    build_cache(&cache);
    let repo = cache.join("models--sentence-transformers--all-MiniLM-L6-v2");
    add_file(&repo, OLD, "config.json", b"{\"old\": true}\n", false);
    let output = init_from(&dir.path().join("project"), &cache);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.path().join("project/aibom.toml")).unwrap();
    assert!(manifest.contains(&format!("revision = \"{MAIN}\"")), "{manifest}");
    assert!(
        manifest.contains("# 2 snapshots are cached; this is the one refs/main points to."),
        "{manifest}"
    );
}

#[test]
fn a_corrupted_cache_is_found_offline_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("hub");
    build_cache(&cache);
    let repo = cache.join("models--sentence-transformers--all-MiniLM-L6-v2");
    // flip a byte in the LFS weights and in a git-tracked file
    let weights = sha256_hex(b"stand-in weights");
    std::fs::write(repo.join("blobs").join(&weights), b"stand-in weightz").unwrap();
    let config = git2::Oid::hash_file(git2::ObjectType::Blob, real_snapshot().join("config.json"))
        .unwrap()
        .to_string();
    let mut content = std::fs::read(repo.join("blobs").join(&config)).unwrap();
    content[0] ^= 0x20;
    std::fs::write(repo.join("blobs").join(&config), content).unwrap();
    let project = dir.path().join("project");
    let output = init_from(&project, &cache);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let messages = stderr(&output);
    assert!(
        messages.contains("is corrupted (2 problems in 15 blobs verified)")
            && messages.contains(&format!(
                "models--sentence-transformers--all-MiniLM-L6-v2/blobs/{weights} (sentence-transformers/all-MiniLM-L6-v2): its content has SHA-256"
            ))
            && messages.contains(&format!("but its name (the LFS digest) says {weights}"))
            && messages.contains(&format!("but its name says {config}"))
            && messages.contains("nothing was written"),
        "{messages}"
    );
    assert!(!project.join("aibom.toml").exists());
}

#[test]
fn links_out_of_the_cache_and_missing_blobs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("hub");
    build_cache(&cache);
    let repo = cache.join("models--sentence-transformers--all-MiniLM-L6-v2");
    std::fs::write(dir.path().join("secret"), "not a blob").unwrap();
    std::os::unix::fs::symlink(
        "../../../../secret",
        repo.join("snapshots").join(MAIN).join("escape.bin"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        format!("../../blobs/{}", "0".repeat(64)),
        repo.join("snapshots").join(MAIN).join("gone.bin"),
    )
    .unwrap();
    let project = dir.path().join("project");
    let output = init_from(&project, &cache);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let messages = stderr(&output);
    assert!(
        messages.contains("escape.bin (sentence-transformers/all-MiniLM-L6-v2): links to ../../../../secret, outside the repository's blobs/: not followed")
            && messages.contains(&format!("gone.bin (sentence-transformers/all-MiniLM-L6-v2): links to blobs/{}, which is missing", "0".repeat(64))),
        "{messages}"
    );
    assert!(!project.join("aibom.toml").exists());
}

#[test]
fn a_missing_cache_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let output = init_from(&dir.path().join("project"), &dir.path().join("nowhere"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read the Hugging Face cache at")
            && stderr(&output).contains("help: pass the cache directory"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_blobs_directory_that_links_out_of_the_cache_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("hub");
    build_cache(&cache);
    let repo = cache.join("models--sentence-transformers--all-MiniLM-L6-v2");
    // the blobs (all verifying against their names) moved out of the cache, and a link left in their place
    let outside = dir.path().join("elsewhere");
    std::fs::rename(repo.join("blobs"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("blobs")).unwrap();
    let project = dir.path().join("project");
    let output = init_from(&project, &cache);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("blobs (sentence-transformers/all-MiniLM-L6-v2): links out of the cache"),
        "{}",
        stderr(&output)
    );
    assert!(!project.join("aibom.toml").exists());
}
