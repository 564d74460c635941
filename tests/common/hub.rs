//! A stand-in for the Hugging Face Hub that answers in the shapes the real Hub sends, each cited from the
//! official client that parses it (huggingface_hub 2.x, `hf_api.py`):
//! - info, `GET /api/models/{id}[/revision/{rev}]?blobs=true`: `model_info(files_metadata=True)`; siblings carry
//!   `lfs: {sha256, size, pointerSize}` (`RepoSibling`, `sibling["lfs"]["sha256"]`).
//! - tree, `GET /api/models/{id}/tree/{rev}?recursive=true`: `list_repo_tree`; files carry
//!   `lfs: {oid, size, pointerSize}` and `xetHash` (`RepoFile.__init__`: `sha256=lfs["oid"]`,
//!   `kwargs.pop("xetHash")`), 1,000 entries a page, paged by `Link: <...>; rel="next"`
//!   (`utils/_pagination.py`, `_get_next_page`).
//! - commits, `GET /api/models/{id}/commits/{rev}`: `list_repo_commits` (`GitCommitInfo`: `id`, `date`), newest
//!   first, paged by `Link` (`?p=N`) with `X-Total-Count`.
//! - errors, `utils/_http.py` `hf_raise_for_status`: `X-Error-Code: RepoNotFound | RevisionNotFound | GatedRepo`,
//!   `X-Error-Message: Access to this resource is disabled.`; an anonymous request for a private repository is
//!   answered 401 `RepoNotFound`; a renamed repository 307 to its new path.
//!
//! The Python client itself is the oracle that these shapes are real: `tests/hub.rs` runs it against this
//! stand-in and compares what it parses with what aitrust locked.

#![allow(dead_code)]

use mockito::{Matcher, ServerGuard};

/// One file of a repository.
#[derive(Clone, Debug)]
pub struct File {
    pub path: String,
    pub size: u64,
    /// The LFS SHA-256 (large files).
    pub lfs: Option<String>,
    /// The Xet hash (files stored through Xet also have `lfs`).
    pub xet: Option<String>,
}

impl File {
    pub fn small(path: &str, size: u64) -> Self {
        Self {
            path: path.into(),
            size,
            lfs: None,
            xet: None,
        }
    }

    pub fn lfs(path: &str, size: u64, sha256: &str) -> Self {
        Self {
            path: path.into(),
            size,
            lfs: Some(sha256.into()),
            xet: None,
        }
    }

    pub fn xet(path: &str, size: u64, sha256: &str, xet: &str) -> Self {
        Self {
            path: path.into(),
            size,
            lfs: Some(sha256.into()),
            xet: Some(xet.into()),
        }
    }
}

/// A model repository.
#[derive(Clone, Debug)]
pub struct Repo {
    /// `org/name` as the Hub calls it now.
    pub id: String,
    /// Commit dates of the default branch, newest first (RFC 3339); commit ids are derived from the index.
    pub commits: Vec<String>,
    /// Index in `commits` of the pinned revision (0: the head).
    pub pin: usize,
    pub created_at: String,
    pub gated: serde_json::Value,
    pub files: Vec<File>,
    pub card_license: String,
}

/// The commit id of the `index`-th commit (newest first) of a repository.
pub fn commit_id(repo: &str, index: usize) -> String {
    let seed: u64 = repo
        .bytes()
        .fold(7, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    format!("{seed:016x}{index:024x}")
}

impl Repo {
    pub fn new(id: &str, commits: Vec<String>, files: Vec<File>) -> Self {
        Self {
            id: id.into(),
            commits,
            pin: 0,
            created_at: "2023-01-01T00:00:00.000Z".into(),
            gated: serde_json::Value::Bool(false),
            files,
            card_license: "apache-2.0".into(),
        }
    }

    pub fn head(&self) -> String {
        commit_id(&self.id, 0)
    }

    pub fn pinned(&self) -> String {
        commit_id(&self.id, self.pin)
    }

    fn info(&self, at: usize) -> serde_json::Value {
        let siblings: Vec<serde_json::Value> = self
            .files
            .iter()
            .map(|f| match &f.lfs {
                Some(sha) => serde_json::json!({ "rfilename": f.path, "size": f.size, "blobId": "b0",
                    "lfs": { "sha256": sha, "size": f.size, "pointerSize": 134 } }),
                None => serde_json::json!({ "rfilename": f.path, "size": f.size, "blobId": "b1" }),
            })
            .collect();
        serde_json::json!({
            "_id": "651c0", "id": self.id, "modelId": self.id, "author": self.id.split('/').next(),
            "sha": commit_id(&self.id, at), "lastModified": self.commits[at], "createdAt": self.created_at,
            "private": false, "disabled": false, "gated": self.gated, "downloads": 1234, "likes": 5,
            "library_name": "transformers", "tags": ["transformers"], "pipeline_tag": "text-generation",
            "cardData": { "license": self.card_license }, "siblings": siblings,
            "spaces": [], "usedStorage": 1
        })
    }

    fn tree_entry(f: &File) -> serde_json::Value {
        let mut entry = serde_json::json!({ "type": "file", "oid": format!("{:040x}", f.size), "size": f.size, "path": f.path });
        if let Some(sha) = &f.lfs {
            entry["size"] = serde_json::json!(f.size);
            entry["lfs"] = serde_json::json!({ "oid": sha, "size": f.size, "pointerSize": 134 });
        }
        if let Some(xet) = &f.xet {
            entry["xetHash"] = serde_json::json!(xet);
        }
        entry
    }

    /// Mounts the repository on the server.
    pub fn serve(&self, server: &mut ServerGuard) {
        let base = format!("/api/models/{}", self.id);
        let json = |server: &mut ServerGuard,
                    path: String,
                    query: Matcher,
                    body: String,
                    headers: Vec<(String, String)>| {
            let mut mock = server
                .mock("GET", path.as_str())
                .match_query(query)
                .with_header("content-type", "application/json; charset=utf-8");
            for (name, value) in headers {
                mock = mock.with_header(name.as_str(), value.as_str());
            }
            mock.with_body(body).create();
        };
        json(
            server,
            base.clone(),
            Matcher::Any,
            self.info(0).to_string(),
            vec![],
        );
        for at in [0, self.pin] {
            json(
                server,
                format!("{base}/revision/{}", commit_id(&self.id, at)),
                Matcher::Any,
                self.info(at).to_string(),
                vec![],
            );
        }
        // the tree, 1,000 entries a page with a cursor in the next link, and the commits of the head and of the
        // pin, 100 a page with `?p=N` and X-Total-Count; one mock per listing computes the page from the query
        let url = server.url();
        let tree_pages: Vec<String> = self
            .files
            .chunks(1000)
            .map(|page| serde_json::Value::Array(page.iter().map(Self::tree_entry).collect()).to_string())
            .collect();
        let tree_path = format!("{base}/tree/{}", self.pinned());
        listing(server, &tree_path, &url, tree_pages, "cursor", None, |n| {
            format!("recursive=true&cursor={n}")
        });
        for start in [0, self.pin] {
            let history = &self.commits[start..];
            let pages: Vec<String> = history
                .chunks(100)
                .enumerate()
                .map(|(number, chunk)| {
                    let commits: Vec<serde_json::Value> = chunk
                        .iter()
                        .enumerate()
                        .map(|(i, date)| {
                            let index = start + number * 100 + i;
                            serde_json::json!({ "id": commit_id(&self.id, index), "authors": [{ "user": "dev" }],
                                "date": date, "title": format!("commit {index}"), "message": "" })
                        })
                        .collect();
                    serde_json::Value::Array(commits).to_string()
                })
                .collect();
            let path = format!("{base}/commits/{}", commit_id(&self.id, start));
            listing(server, &path, &url, pages, "p", Some(history.len()), |n| {
                format!("p={n}")
            });
        }
    }
}

/// Mounts a paged listing at `path`: the page number is read from the query parameter `key` (absent: page 0),
/// and every page but the last links to the next.
fn listing(
    server: &mut ServerGuard,
    path: &str,
    url: &str,
    pages: Vec<String>,
    key: &'static str,
    total: Option<usize>,
    next_query: fn(usize) -> String,
) {
    let page_of = move |query: &str| -> usize {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let query = |request: &mockito::Request| {
        request
            .path_and_query()
            .split_once('?')
            .map_or(String::new(), |(_, q)| q.to_string())
    };
    let count = pages.len().max(1);
    let link_base = format!("{url}{path}");
    let bodies = pages.clone();
    let mut mock = server
        .mock("GET", path)
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json; charset=utf-8")
        .with_header_from_request("link", move |request| {
            let page = page_of(&query(request));
            if page + 1 < count {
                format!("<{link_base}?{}>; rel=\"next\"", next_query(page + 1))
            } else {
                String::new()
            }
        })
        .with_body_from_request(move |request| {
            let page = page_of(&query(request));
            bodies
                .get(page)
                .cloned()
                .unwrap_or_else(|| "[]".to_string())
                .into_bytes()
        });
    if let Some(total) = total {
        mock = mock.with_header("x-total-count", &total.to_string());
    }
    mock.create();
}

/// Answers every request for `id` as the Hub answers an error.
pub fn serve_error(server: &mut ServerGuard, id: &str, status: usize, code: Option<&str>, message: &str) {
    let mut mock = server
        .mock("GET", Matcher::Regex(format!("^/api/models/{id}(/.*)?$")))
        .match_query(Matcher::Any)
        .with_status(status)
        .with_header("content-type", "application/json; charset=utf-8")
        .with_header("x-error-message", message);
    if let Some(code) = code {
        mock = mock.with_header("x-error-code", code);
    }
    mock.with_body(serde_json::json!({ "error": message }).to_string())
        .create();
}

/// A renamed repository: every path under the old id answers 307 to the same path under the new one.
pub fn serve_rename(server: &mut ServerGuard, old: &str, new: &str) {
    let (old, new) = (old.to_string(), new.to_string());
    server
        .mock("GET", Matcher::Regex(format!("^/api/models/{old}(/.*)?$")))
        .match_query(Matcher::Any)
        .with_status(307)
        .with_header_from_request("location", move |request| {
            request.path_and_query().replacen(&old, &new, 1)
        })
        .with_body("")
        .create();
}

/// `count` commit dates, newest first, `step_hours` apart, starting `first_days_ago` before `now`.
pub fn dates(now: time::OffsetDateTime, count: usize, first_days_ago: i64, step_hours: i64) -> Vec<String> {
    (0..count)
        .map(|i| {
            let at =
                now - time::Duration::days(first_days_ago) - time::Duration::hours(step_hours * i as i64);
            at.format(&time::format_description::well_known::Rfc3339).unwrap()
        })
        .collect()
}
