//! `aibom.lock`: what the checks need from the network, recorded by `aitrust lock` so that `aitrust check` never
//! touches the network. Canonical TOML (stable order, fixed key order), validated like the manifest.
//!
//! ```toml
//! version = 1
//!
//! [[component]]
//! id = "minilm"
//! repository = "sentence-transformers/all-MiniLM-L6-v2"
//! kind = "model"
//! revision = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf"
//! fetched_at = "2026-11-22T12:00:00Z"
//! last_modified = "2024-11-05T15:42:03Z"
//! ...
//!   [[component.file]]
//!   path = "model.safetensors"
//!   size = 90868376
//!   sha256 = "53aa5117..."
//! ```

use std::fmt::Write as _;
use std::path::Path;

use crate::bom::LoadError;
use crate::diag::Problem;
use crate::digest::Sha256Digest;
use crate::tomlfile::reader::{TableReader, load_document};
use crate::tomlfile::toml_string;

/// A file of a Hub repository at the locked revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedFile {
    /// Path in the repository.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of an LFS (or Xet) file, as the Hub publishes it.
    pub sha256: Option<Sha256Digest>,
    /// The git blob id.
    pub blob_id: Option<String>,
    /// The Xet content hash, for a file the Hub stores through Xet.
    pub xet_hash: Option<String>,
    /// The Hub stores it through LFS or Xet (a large file): it must have a SHA-256.
    pub large: bool,
}

/// What was recorded for one Hub component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedComponent {
    /// The manifest's component id.
    pub id: String,
    /// `huggingface` or `git`.
    pub source: String,
    /// `org/name` on the Hub, or a git component's url.
    pub repository: String,
    /// model | dataset
    pub kind: String,
    /// The commit the data describes (the pinned revision, or what a branch resolved to).
    pub revision: String,
    /// When it was fetched (RFC 3339).
    pub fetched_at: String,
    /// The repository's last commit (RFC 3339), if the Hub said.
    pub last_modified: Option<String>,
    /// When the repository was created.
    pub created_at: Option<String>,
    /// Disabled by the Hub.
    pub disabled: bool,
    /// `false`, `auto` or `manual`.
    pub gated: String,
    /// Private repository.
    pub private: bool,
    /// Downloads in the last 30 days.
    pub downloads: Option<u64>,
    /// Likes.
    pub likes: Option<u64>,
    /// The card's license (`license`, or `license_name` with `other`).
    pub card_license: Option<String>,
    /// Commits on the default branch in the 90 days before `fetched_at`.
    pub commits_90d: Option<u64>,
    /// Commits in the 365 days before `fetched_at`.
    pub commits_365d: Option<u64>,
    /// Files at the revision.
    pub files: Vec<LockedFile>,
    /// `repository` or `revision` when the source answered that it does not exist.
    pub missing: Option<String>,
    /// Why the source could not be read, when it could not: `private-or-missing`, `gated`, `forbidden`,
    /// `transient` (rate limited, server error or timeout after retries) or `malformed` (an answer aitrust
    /// cannot trust).
    pub unavailable: Option<String>,
    /// What the source said, in words, when it could not be read.
    pub detail: Option<String>,
    /// The name the Hub gives the repository, when it differs from `repository` (a rename).
    pub canonical: Option<String>,
    /// The default branch's head commit, when it is not `revision`.
    pub head_revision: Option<String>,
    /// Commits on the default branch after the pinned revision (0 when the pin is the head).
    pub behind_commits: Option<u64>,
    /// Days between the pinned revision and the default branch's head.
    pub behind_days: Option<u64>,
    /// Commits on the default branch in all (the Hub's X-Total-Count).
    pub commits_total: Option<u64>,
}

impl LockedComponent {
    /// An entry with nothing known yet but what was asked and when: not disabled, not gated, no counts, no
    /// files. The fetchers fill in what their source tells.
    pub fn new(
        id: &str,
        source: &str,
        repository: &str,
        kind: crate::bom::ComponentKind,
        revision: &str,
        fetched_at: time::OffsetDateTime,
    ) -> Self {
        Self {
            id: id.to_string(),
            source: source.to_string(),
            repository: repository.to_string(),
            kind: kind.as_str().to_string(),
            revision: revision.to_string(),
            fetched_at: rfc3339(fetched_at),
            last_modified: None,
            created_at: None,
            disabled: false,
            gated: "false".to_string(),
            private: false,
            downloads: None,
            likes: None,
            card_license: None,
            commits_90d: None,
            commits_365d: None,
            files: Vec::new(),
            missing: None,
            unavailable: None,
            detail: None,
            canonical: None,
            head_revision: None,
            behind_commits: None,
            behind_days: None,
            commits_total: None,
        }
    }
}

/// The values of `unavailable`.
pub const UNAVAILABLE: &[&str] = &[
    "private-or-missing",
    "gated",
    "forbidden",
    "transient",
    "malformed",
];

/// A time as the lock writes it (RFC 3339).
pub fn rfc3339(time: time::OffsetDateTime) -> String {
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The lock file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockFile {
    /// One entry per Hub component, sorted by id.
    pub components: Vec<LockedComponent>,
}

impl LockFile {
    /// The entry of a component.
    pub fn component(&self, id: &str) -> Option<&LockedComponent> {
        self.components.iter().find(|c| c.id == id)
    }

    /// The entry of a manifest component, if it describes the same source and repository (after a change of
    /// `name` or `url` the entry describes something else, so it is not used).
    pub fn entry_for(&self, component: &crate::bom::Component) -> Option<&LockedComponent> {
        use crate::bom::SourceKind;
        let (source, repository) = match component.source.value {
            SourceKind::Huggingface => ("huggingface", component.name.as_ref()?),
            SourceKind::Git => ("git", component.url.as_ref()?),
            _ => return None,
        };
        self.component(&component.id.value)
            .filter(|locked| locked.source == source && locked.repository == repository.value)
    }
}

/// The lock file beside a manifest.
pub fn path_beside(manifest: &Path) -> std::path::PathBuf {
    manifest.with_file_name("aibom.lock")
}

/// Reads and validates a lock file.
pub fn load(path: &Path) -> Result<LockFile, LoadError> {
    load_document(path, "the lock file", |mut top, collector| {
        let version = top.unsigned("version");
        if version.as_ref().is_some_and(|v| v.value != 1) {
            collector.push(
                Problem::new(
                    version.as_ref().map(|v| v.span).unwrap_or_default(),
                    "unsupported lock file version",
                )
                .with_help("run `aitrust lock` with this version of aitrust to rewrite it"),
            );
        }
        let mut components = Vec::new();
        for mut table in top.tables("component", "[[component]]") {
            let id = table.required_string("id", "\"my-model\"");
            let repository = table.required_string("repository", "\"org/name\"");
            let kind = table.required_string("kind", "\"model\"");
            let revision = table.required_string("revision", "\"<commit>\"");
            let fetched_at = table.required_string("fetched_at", "\"2026-11-22T12:00:00Z\"");
            let text = |t: &mut TableReader<'_, '_>, key| t.string(key).map(|s| s.value);
            let missing = match table.string("missing") {
                Some(missing) if !matches!(missing.value.as_str(), "repository" | "revision") => {
                    collector.push(
                        Problem::new(missing.span, format!("unknown value `{}`", missing.value)).with_help(
                            "`missing` is \"repository\" or \"revision\"; run `aitrust lock` to rewrite it",
                        ),
                    );
                    None
                }
                other => other.map(|m| m.value),
            };
            let source = match table.string("source") {
                None => "huggingface".to_string(),
                Some(source) if matches!(source.value.as_str(), "huggingface" | "git") => source.value,
                Some(source) => {
                    collector.push(
                        Problem::new(source.span, format!("unknown source `{}`", source.value))
                            .with_help("a lock entry's source is \"huggingface\" or \"git\"; run `aitrust lock` to rewrite it"),
                    );
                    "huggingface".to_string()
                }
            };
            let last_modified = text(&mut table, "last_modified");
            let created_at = text(&mut table, "created_at");
            let disabled = table.boolean("disabled").is_some_and(|d| d.value);
            let gated = text(&mut table, "gated").unwrap_or_else(|| "false".into());
            let private = table.boolean("private").is_some_and(|p| p.value);
            let downloads = table.unsigned("downloads").map(|d| d.value);
            let likes = table.unsigned("likes").map(|l| l.value);
            let card_license = text(&mut table, "card_license");
            let commits_90d = table.unsigned("commits_90d").map(|c| c.value);
            let commits_365d = table.unsigned("commits_365d").map(|c| c.value);
            let unavailable = match table.string("unavailable") {
                Some(state) if !UNAVAILABLE.contains(&state.value.as_str()) => {
                    collector.push(
                        Problem::new(state.span, format!("unknown value `{}`", state.value)).with_help(
                            format!(
                                "`unavailable` is one of {}; run `aitrust lock` to rewrite it",
                                UNAVAILABLE.join(", ")
                            ),
                        ),
                    );
                    // unknown is never "available": keep it as the strictest state
                    Some("malformed".to_string())
                }
                other => other.map(|s| s.value),
            };
            let detail = text(&mut table, "detail");
            let canonical = text(&mut table, "canonical");
            let head_revision = text(&mut table, "head_revision");
            let behind_commits = table.unsigned("behind_commits").map(|c| c.value);
            let behind_days = table.unsigned("behind_days").map(|c| c.value);
            let commits_total = table.unsigned("commits_total").map(|c| c.value);
            let mut files = Vec::new();
            for mut file in table.tables("file", "[[component.file]]") {
                let path = file.required_string("path", "\"model.safetensors\"");
                let size = file.unsigned("size").map_or(0, |s| s.value);
                let sha256 = file
                    .string("sha256")
                    .and_then(|d| match d.value.parse::<Sha256Digest>() {
                        Ok(digest) => Some(digest),
                        Err(error) => {
                            collector.push(Problem::new(d.span, format!("malformed sha256: {error}")));
                            None
                        }
                    });
                let blob_id = file.string("blob_id").map(|b| b.value);
                let xet_hash = file.string("xet_hash").map(|x| x.value);
                let large = file.boolean("large").is_some_and(|l| l.value);
                file.finish();
                if let Some(path) = path {
                    files.push(LockedFile {
                        path: path.value,
                        size,
                        sha256,
                        blob_id,
                        xet_hash,
                        large,
                    });
                }
            }
            table.finish();
            if let (Some(id), Some(repository), Some(kind), Some(revision), Some(fetched_at)) =
                (id, repository, kind, revision, fetched_at)
            {
                components.push(LockedComponent {
                    id: id.value,
                    source,
                    repository: repository.value,
                    kind: kind.value,
                    revision: revision.value,
                    fetched_at: fetched_at.value,
                    last_modified,
                    created_at,
                    disabled,
                    gated,
                    private,
                    downloads,
                    likes,
                    card_license,
                    commits_90d,
                    commits_365d,
                    files,
                    missing,
                    unavailable,
                    detail,
                    canonical,
                    head_revision,
                    behind_commits,
                    behind_days,
                    commits_total,
                });
            }
        }
        top.finish();
        Some(LockFile { components })
    })
}

/// The canonical text of a lock file.
pub fn to_toml(lock: &LockFile) -> String {
    let mut out = String::from(
        "# Written by `aitrust lock`: what the checks need from the Hugging Face Hub and git remotes, so `aitrust check` runs offline.\n\
# Do not edit by hand; run `aitrust lock` again to refresh it.\nversion = 1\n",
    );
    let mut components: Vec<&LockedComponent> = lock.components.iter().collect();
    components.sort_by(|a, b| a.id.cmp(&b.id));
    for c in components {
        let _ = write!(
            out,
            "\n[[component]]\nid = {}\nrepository = {}\nkind = {}\nrevision = {}\nfetched_at = {}\n",
            toml_string(&c.id),
            toml_string(&c.repository),
            toml_string(&c.kind),
            toml_string(&c.revision),
            toml_string(&c.fetched_at)
        );
        if c.source != "huggingface" {
            let _ = writeln!(out, "source = {}", toml_string(&c.source));
        }
        if let Some(missing) = &c.missing {
            let _ = writeln!(out, "missing = {}", toml_string(missing));
        }
        for (key, value) in [
            ("unavailable", &c.unavailable),
            ("detail", &c.detail),
            ("canonical", &c.canonical),
            ("head_revision", &c.head_revision),
            ("last_modified", &c.last_modified),
            ("created_at", &c.created_at),
        ] {
            if let Some(value) = value {
                let _ = writeln!(out, "{key} = {}", toml_string(value));
            }
        }
        let _ = writeln!(
            out,
            "disabled = {}\ngated = {}\nprivate = {}",
            c.disabled,
            toml_string(&c.gated),
            c.private
        );
        for (key, value) in [
            ("downloads", c.downloads),
            ("likes", c.likes),
            ("commits_90d", c.commits_90d),
            ("commits_365d", c.commits_365d),
            ("commits_total", c.commits_total),
            ("behind_commits", c.behind_commits),
            ("behind_days", c.behind_days),
        ] {
            if let Some(value) = value {
                let _ = writeln!(out, "{key} = {value}");
            }
        }
        if let Some(license) = &c.card_license {
            let _ = writeln!(out, "card_license = {}", toml_string(license));
        }
        let mut files: Vec<&LockedFile> = c.files.iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        for file in files {
            let _ = write!(
                out,
                "\n  [[component.file]]\n  path = {}\n  size = {}\n",
                toml_string(&file.path),
                file.size
            );
            if let Some(sha256) = &file.sha256 {
                let _ = writeln!(out, "  sha256 = \"{sha256}\"");
            }
            if let Some(blob) = &file.blob_id {
                let _ = writeln!(out, "  blob_id = {}", toml_string(blob));
            }
            if let Some(xet) = &file.xet_hash {
                let _ = writeln!(out, "  xet_hash = {}", toml_string(xet));
            }
            if file.large {
                let _ = writeln!(out, "  large = true");
            }
        }
    }
    out
}
