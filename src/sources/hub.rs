//! The Hugging Face Hub's HTTP API, read into aitrust's own types in the shapes the Hub really sends. Used only
//! by `aitrust lock` and `aitrust import hf`: `check` reads what they recorded and never touches the network.
//!
//! Every shape is the one the official client parses (huggingface_hub 2.x, `hf_api.py`), not the one another
//! client's structs expect:
//! - `GET /api/{models,datasets}/{id}[/revision/{rev}]?blobs=true` (`HfApi.model_info(files_metadata=True)`):
//!   `id` (the canonical name: a renamed repository answers with its new one), `sha`, `lastModified`,
//!   `createdAt`, `disabled`, `gated`, `private`, `downloads`, `likes`, `cardData`, and `siblings[]` with
//!   `rfilename`, `size` and `lfs: {sha256, size, pointerSize}` (`RepoSibling`).
//! - `GET /api/{models,datasets}/{id}/tree/{rev}?recursive=true` (`HfApi.list_repo_tree`): entries
//!   `{type: "file"|"directory", path, oid, size, lfs: {oid, size, pointerSize}, xetHash}` (`RepoFile`: the
//!   LFS digest is `lfs.oid` here, `lfs.sha256` in the siblings), paged by the `Link: <...>; rel="next"` header
//!   (`utils/_pagination.py`, `paginate`). `expand` is not asked for: it pages by 50 instead of 1000.
//! - `GET /api/{models,datasets}/{id}/commits/{rev}` (`HfApi.list_repo_commits`): `[{id, title, date, ...}]`,
//!   newest first, paged by `Link`, with the total in `X-Total-Count`.
//! - Errors (`utils/_http.py`, `hf_raise_for_status`): the `X-Error-Code` header says `RepoNotFound`,
//!   `RevisionNotFound`, `EntryNotFound` or `GatedRepo`; `X-Error-Message` (or the body's `error`) "Access to
//!   this resource is disabled." marks a disabled repository. Anonymous requests for a private repository are
//!   answered 401 `RepoNotFound`, like a missing one.
//!
//! The endpoint is `--endpoint`, else `HF_ENDPOINT`, else the public Hub; the token is `HF_TOKEN`, else the file
//! `HF_TOKEN_PATH`, else `$HF_HOME/token` (as the official client resolves it), none when
//! `HF_HUB_DISABLE_IMPLICIT_TOKEN` is set; it is sent only to the endpoint's origin and never printed or
//! written. Requests are retried on 429, 5xx and connection failures; each repository has a deadline.
//! Every outcome for a repository — missing, private-or-missing, gated, disabled, renamed, transient — is a
//! value the caller records, never a reason to stop.

use std::io::Read as _;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::lockfile::{LockedComponent, LockedFile};
use crate::bom::ComponentKind;
use crate::digest::Sha256Digest;

/// How long one repository may take, all its requests together.
pub const DEADLINE: Duration = Duration::from_secs(120);
/// One request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts of a request that failed in a way a retry may fix (429, 5xx, connection).
const ATTEMPTS: u32 = 3;
/// The largest page aitrust reads (a 2,400-file tree page is ~500 kB).
const PAGE_LIMIT: u64 = 64 << 20;
/// Pages of one listing at most (1,000 files per tree page, 50 to 100 commits per commits page).
const MAX_PAGES: usize = 2_000;

/// Why the Hub could not tell what `lock` needs about a repository.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HubError {
    /// The repository does not exist.
    #[error("{repository}: repository not found on {endpoint}; check the name")]
    NotFound {
        /// `org/name`.
        repository: String,
        /// The endpoint asked.
        endpoint: String,
    },
    /// Anonymous: the Hub answers a missing and a private repository alike.
    #[error(
        "{repository}: not found, or private: the Hub does not show it without a token; set HF_TOKEN if it is private"
    )]
    PrivateOrMissing {
        /// `org/name`.
        repository: String,
    },
    /// The revision does not exist.
    #[error("{repository}: revision {revision} not found; pin a commit that exists")]
    RevisionNotFound {
        /// `org/name`.
        repository: String,
        /// The revision asked for.
        revision: String,
    },
    /// The Hub disabled the repository ("Access to this resource is disabled.").
    #[error("{repository}: the Hub has disabled this repository; stop using it and find a replacement")]
    Disabled {
        /// `org/name`.
        repository: String,
    },
    /// A gated repository the token (if any) has no access to.
    #[error(
        "{repository}: gated; {}",
        if *with_token { "this token has not been granted access: accept the conditions on the Hub" } else { "set HF_TOKEN to a token that has accepted its conditions" }
    )]
    Gated {
        /// `org/name`.
        repository: String,
        /// Was a token sent?
        with_token: bool,
    },
    /// 401/403 for another reason.
    #[error("{repository}: access forbidden ({status}); use a token with access")]
    Forbidden {
        /// `org/name`.
        repository: String,
        /// The HTTP status.
        status: u16,
    },
    /// Rate limited, a server error, a timeout or a broken connection, after retries.
    #[error("{repository}: {detail}; run `aitrust lock` again later")]
    Transient {
        /// `org/name`.
        repository: String,
        /// What happened.
        detail: String,
    },
    /// An answer aitrust cannot trust: not the documented shape, a file marked LFS/Xet without a digest, a
    /// tree and a siblings list that disagree, a page link to another host.
    #[error("{repository}: {detail}")]
    Malformed {
        /// `org/name`.
        repository: String,
        /// What was wrong.
        detail: String,
    },
}

impl HubError {
    /// The lock's `missing` / `unavailable` / `disabled` for this outcome.
    pub fn recorded(&self) -> (Option<&'static str>, Option<&'static str>, bool) {
        match self {
            Self::NotFound { .. } => (Some("repository"), None, false),
            Self::RevisionNotFound { .. } => (Some("revision"), None, false),
            Self::Disabled { .. } => (None, None, true),
            Self::PrivateOrMissing { .. } => (None, Some("private-or-missing"), false),
            Self::Gated { .. } => (None, Some("gated"), false),
            Self::Forbidden { .. } => (None, Some("forbidden"), false),
            Self::Transient { .. } => (None, Some("transient"), false),
            Self::Malformed { .. } => (None, Some("malformed"), false),
        }
    }
}

/// A Hub client for one endpoint.
pub struct Hub {
    http: reqwest::blocking::Client,
    endpoint: String,
    token: Option<String>,
}

/// The endpoint: `--endpoint`, else `HF_ENDPOINT`, else the public Hub.
pub fn endpoint(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("HF_ENDPOINT").ok().filter(|e| !e.is_empty()))
        .unwrap_or_else(|| "https://huggingface.co".to_string())
        .trim_end_matches('/')
        .to_string()
}

/// `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface` (huggingface_hub `constants.py`).
fn hf_home() -> Option<std::path::PathBuf> {
    if let Some(home) = std::env::var_os("HF_HOME").filter(|h| !h.is_empty()) {
        return Some(home.into());
    }
    if let Some(cache) = std::env::var_os("XDG_CACHE_HOME").filter(|c| !c.is_empty()) {
        return Some(std::path::PathBuf::from(cache).join("huggingface"));
    }
    std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".cache/huggingface"))
}

/// The token as the official client finds it: `HF_TOKEN`, `HF_TOKEN_PATH`, `$HF_HOME/token`.
fn token() -> Option<String> {
    if std::env::var_os("HF_HUB_DISABLE_IMPLICIT_TOKEN").is_some_and(|v| !v.is_empty() && v != "0") {
        return None;
    }
    let read = |path: std::path::PathBuf| {
        crate::fsutil::read_text(&path, crate::fsutil::limits::KEY)
            .ok()
            .map(|t| t.trim().to_string())
    };
    std::env::var("HF_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .or_else(|| std::env::var_os("HF_TOKEN_PATH").and_then(|p| read(p.into())))
        .or_else(|| hf_home().and_then(|home| read(home.join("token"))))
        .filter(|t| !t.is_empty())
}

/// `cardData`, `siblings` and the rest of a repository's info.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Info {
    id: Option<String>,
    sha: Option<String>,
    last_modified: Option<String>,
    created_at: Option<String>,
    disabled: Option<bool>,
    gated: Option<serde_json::Value>,
    private: Option<bool>,
    downloads: Option<u64>,
    likes: Option<u64>,
    card_data: Option<serde_json::Value>,
    siblings: Option<Vec<Sibling>>,
}

#[derive(Clone, Debug, Deserialize)]
struct Sibling {
    rfilename: String,
    size: Option<u64>,
    lfs: Option<SiblingLfs>,
}

/// `siblings[].lfs` (huggingface_hub `RepoSibling`: `lfs["sha256"]`).
#[derive(Clone, Debug, Deserialize)]
struct SiblingLfs {
    sha256: Option<String>,
    size: Option<u64>,
}

/// A tree entry (huggingface_hub `RepoFile` / `RepoFolder`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TreeEntry {
    #[serde(rename = "type")]
    kind: String,
    path: String,
    oid: Option<String>,
    size: Option<u64>,
    lfs: Option<TreeLfs>,
    xet_hash: Option<String>,
}

/// `tree[].lfs` (huggingface_hub `RepoFile`: `lfs["oid"]` is the SHA-256).
#[derive(Debug, Deserialize)]
struct TreeLfs {
    oid: Option<String>,
    size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Commit {
    id: Option<String>,
    date: Option<String>,
}

/// One page of a listing: its items, the next page's URL, and `X-Total-Count`.
struct Page {
    body: Vec<u8>,
    next: Option<String>,
    total: Option<u64>,
}

/// A repository being read, under its deadline.
struct Session<'h> {
    hub: &'h Hub,
    repository: String,
    started: Instant,
}

impl Hub {
    /// A client for `endpoint`.
    pub fn new(endpoint: &str) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(endpoint)
            .map_err(|error| format!("the Hub endpoint {endpoint} is not a URL ({error})"))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(format!("the Hub endpoint {endpoint} is not an http(s) URL"));
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(format!("aitrust/{}", env!("CARGO_PKG_VERSION")))
            // renamed repositories answer 307 with the new name; reqwest drops the Authorization header when a
            // redirect leaves the origin
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|error| format!("cannot use the Hub endpoint {endpoint}: {error}"))?;
        Ok(Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            token: token(),
        })
    }

    /// Everything `lock` records about one repository at `revision` (or the default branch's head), measured
    /// from `now`, with the card's front matter.
    pub fn fetch(
        &self,
        id: &str,
        repository: &str,
        kind: ComponentKind,
        revision: Option<&str>,
        now: time::OffsetDateTime,
    ) -> Result<(LockedComponent, serde_json::Value), HubError> {
        let session = Session {
            hub: self,
            repository: repository.to_string(),
            started: Instant::now(),
        };
        let plural = match kind {
            ComponentKind::Model => "models",
            ComponentKind::Dataset => "datasets",
        };
        let base = format!("{}/api/{plural}/{repository}", self.endpoint);
        // the default branch: its head, and what the repository is called now
        let head: Info = session.json(&format!("{base}?blobs=true"), revision)?;
        let head_sha = head.sha.clone();
        let pinned: Info = match revision {
            Some(rev) if Some(rev) != head_sha.as_deref() => {
                session.json(&format!("{base}/revision/{}?blobs=true", encode(rev)), revision)?
            }
            _ => head.clone(),
        };
        let resolved = pinned
            .sha
            .clone()
            .or_else(|| revision.map(str::to_string))
            .ok_or_else(|| session.malformed("the info names no commit (`sha`)"))?;
        if revision.is_some_and(|rev| rev.len() == 40 && !resolved.eq_ignore_ascii_case(rev)) {
            return Err(session.malformed(&format!(
                "asked for revision {}, the Hub answered for {resolved}",
                revision.unwrap_or_default()
            )));
        }
        let files = session.files(&base, &resolved, pinned.siblings.as_deref())?;
        let activity = session.activity(&base, head_sha.as_deref(), &resolved, now)?;
        let card = pinned.card_data.clone().unwrap_or(serde_json::Value::Null);
        let canonical = head.id.clone().filter(|canonical| canonical != repository);
        let mut locked = LockedComponent::new(id, "huggingface", repository, kind, &resolved, now);
        locked.last_modified = head.last_modified.clone();
        locked.created_at = head.created_at.clone();
        locked.disabled = head.disabled.unwrap_or(false) || pinned.disabled.unwrap_or(false);
        locked.gated = match &head.gated {
            Some(serde_json::Value::String(mode)) => mode.clone(),
            Some(serde_json::Value::Bool(true)) => "true".to_string(),
            _ => "false".to_string(),
        };
        locked.private = head.private.unwrap_or(false);
        locked.downloads = head.downloads;
        locked.likes = head.likes;
        locked.card_license = card_license(&card);
        locked.commits_90d = activity.commits_90d;
        locked.commits_365d = activity.commits_365d;
        locked.commits_total = activity.total;
        locked.head_revision = head_sha.filter(|head| *head != resolved);
        locked.behind_commits = activity.behind_commits;
        locked.behind_days = activity.behind_days;
        locked.canonical = canonical;
        locked.files = files;
        Ok((locked, card))
    }
}

/// The card's license: `license`, or `license_name` when the license is `other`.
fn card_license(card: &serde_json::Value) -> Option<String> {
    match (card["license"].as_str(), card["license_name"].as_str()) {
        (Some("other"), Some(name)) => Some(name.to_string()),
        (Some(license), _) => Some(license.to_string()),
        (None, _) => card["license"]
            .as_array()
            .and_then(|l| l.first())
            .and_then(|l| l.as_str())
            .map(str::to_string),
    }
}

/// A revision as one path segment (a branch may contain `/`).
fn encode(revision: &str) -> String {
    revision
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"))
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

/// What the default branch's history says.
struct Activity {
    commits_90d: Option<u64>,
    commits_365d: Option<u64>,
    total: Option<u64>,
    behind_commits: Option<u64>,
    behind_days: Option<u64>,
}

fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

impl Session<'_> {
    fn malformed(&self, detail: &str) -> HubError {
        HubError::Malformed {
            repository: self.repository.clone(),
            detail: detail.to_string(),
        }
    }

    fn transient(&self, detail: String) -> HubError {
        HubError::Transient {
            repository: self.repository.clone(),
            detail,
        }
    }

    /// GETs one URL with retries; an error answer becomes the outcome it stands for.
    fn get(&self, url: &str, revision: Option<&str>) -> Result<Page, HubError> {
        // the token goes to the endpoint's origin only: a page link elsewhere is refused
        let origin = |u: &str| reqwest::Url::parse(u).ok().map(|u| u.origin());
        if origin(url) != origin(&self.hub.endpoint) {
            return Err(self.malformed(&format!("the Hub linked to another host ({url})")));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            if self.started.elapsed() > DEADLINE {
                return Err(self.transient(format!("the Hub did not answer within {} s", DEADLINE.as_secs())));
            }
            let mut request = self.hub.http.get(url);
            if let Some(token) = &self.hub.token {
                request = request.bearer_auth(token);
            }
            let retry = |detail: String, wait: Duration| -> Option<HubError> {
                if attempt >= ATTEMPTS {
                    return Some(self.transient(detail));
                }
                std::thread::sleep(wait);
                None
            };
            let backoff = Duration::from_millis(250 << attempt);
            let response = match request.send() {
                Ok(response) => response,
                Err(error) => {
                    let detail = if error.is_timeout() {
                        "the Hub did not answer in time".to_string()
                    } else {
                        // the root cause first (DNS, refused, TLS), not reqwest's "error sending request"
                        let error = error.without_url();
                        let mut cause = error.to_string();
                        let mut source = std::error::Error::source(&error);
                        while let Some(inner) = source {
                            cause = inner.to_string();
                            source = inner.source();
                        }
                        format!(
                            "cannot reach the Hub: {}; check the network, a proxy (HTTPS_PROXY), or the endpoint (--endpoint, HF_ENDPOINT)",
                            redact(&cause, self.hub.token.as_deref())
                        )
                    };
                    match retry(detail, backoff) {
                        Some(error) => return Err(error),
                        None => continue,
                    }
                }
            };
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            if status == 429 || status >= 500 {
                let wait = header("retry-after")
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .map_or(backoff, |s| Duration::from_secs(s.min(10)));
                let detail = if status == 429 {
                    "the Hub is rate limiting requests (429); set HF_TOKEN for higher limits".to_string()
                } else {
                    format!("the Hub answered {status}")
                };
                match retry(detail, wait) {
                    Some(error) => return Err(error),
                    None => continue,
                }
            }
            let next = header("link").and_then(|l| next_link(&l));
            let total = header("x-total-count").and_then(|t| t.trim().parse().ok());
            let error_code = header("x-error-code");
            let mut error_message = header("x-error-message");
            let mut body = Vec::new();
            response
                .take(PAGE_LIMIT + 1)
                .read_to_end(&mut body)
                .map_err(|error| self.transient(format!("the answer broke off ({error})")))?;
            if body.len() as u64 > PAGE_LIMIT {
                return Err(self.malformed(&format!("an answer larger than {PAGE_LIMIT} bytes")));
            }
            if status == 200 {
                return Ok(Page { body, next, total });
            }
            if error_message.is_none() {
                error_message = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["error"].as_str().map(str::to_string));
            }
            return Err(self.outcome(status, error_code.as_deref(), error_message.as_deref(), revision));
        }
    }

    /// What an error answer means (huggingface_hub `hf_raise_for_status`).
    fn outcome(
        &self,
        status: u16,
        code: Option<&str>,
        message: Option<&str>,
        revision: Option<&str>,
    ) -> HubError {
        let repository = self.repository.clone();
        if message.is_some_and(|m| m.trim() == "Access to this resource is disabled.") || status == 410 {
            return HubError::Disabled { repository };
        }
        match (code, status) {
            (Some("GatedRepo"), _) => HubError::Gated {
                repository,
                with_token: self.hub.token.is_some(),
            },
            (Some("RevisionNotFound"), _) => HubError::RevisionNotFound {
                repository,
                revision: revision.unwrap_or("main").to_string(),
            },
            (Some("RepoNotFound"), 401) if self.hub.token.is_none() => {
                HubError::PrivateOrMissing { repository }
            }
            (Some("RepoNotFound"), _) | (None, 404) => HubError::NotFound {
                repository,
                endpoint: self.hub.endpoint.clone(),
            },
            (_, 401) if self.hub.token.is_none() => HubError::PrivateOrMissing { repository },
            (_, 401 | 403) => HubError::Forbidden { repository, status },
            (code, status) => self.malformed(&format!(
                "the Hub answered {status}{}{}",
                code.map(|c| format!(" ({c})")).unwrap_or_default(),
                message
                    .map(|m| format!(": {}", redact(m, self.hub.token.as_deref())))
                    .unwrap_or_default()
            )),
        }
    }

    fn json<T: serde::de::DeserializeOwned>(&self, url: &str, revision: Option<&str>) -> Result<T, HubError> {
        let page = self.get(url, revision)?;
        serde_json::from_slice(&page.body)
            .map_err(|error| self.malformed(&format!("the answer is not the documented shape ({error})")))
    }

    /// Every page of a listing, following `Link` (bounded).
    fn pages(
        &self,
        first: &str,
        revision: Option<&str>,
        mut keep_going: impl FnMut(&[u8]) -> Result<bool, HubError>,
    ) -> Result<Option<u64>, HubError> {
        let mut url = first.to_string();
        let mut total = None;
        for _ in 0..MAX_PAGES {
            let page = self.get(&url, revision)?;
            total = total.or(page.total);
            if !keep_going(&page.body)? {
                return Ok(total);
            }
            match page.next {
                Some(next) => url = next,
                None => return Ok(total),
            }
        }
        Err(self.malformed(&format!("a listing longer than {MAX_PAGES} pages")))
    }

    /// The files at `revision`, from the tree (paged), cross-checked against the siblings. Fail closed: a file
    /// the Hub stores through LFS or Xet must come with a SHA-256.
    fn files(
        &self,
        base: &str,
        revision: &str,
        siblings: Option<&[Sibling]>,
    ) -> Result<Vec<LockedFile>, HubError> {
        let mut files = Vec::new();
        let listed = self.pages(
            &format!("{base}/tree/{}?recursive=true", encode(revision)),
            Some(revision),
            |body| {
                let entries: Vec<TreeEntry> = serde_json::from_slice(body).map_err(|error| {
                    self.malformed(&format!("the tree is not the documented shape ({error})"))
                })?;
                for entry in entries.into_iter().filter(|e| e.kind == "file") {
                    files.push(self.tree_file(entry)?);
                }
                Ok(true)
            },
        );
        match listed {
            Ok(_) => {}
            // an endpoint without the tree listing (a mirror, an older Hub): the siblings are all there is
            Err(HubError::NotFound { .. }) if siblings.is_some() => {
                return siblings
                    .unwrap_or_default()
                    .iter()
                    .map(|sibling| self.sibling_file(sibling))
                    .collect();
            }
            Err(error) => return Err(error),
        }
        for sibling in siblings.unwrap_or_default() {
            let Some(from_siblings) = self.sibling_file(sibling)?.sha256 else {
                continue;
            };
            match files.iter().find(|f| f.path == sibling.rfilename) {
                Some(file) if file.sha256.is_some_and(|d| d != from_siblings) => {
                    return Err(self.malformed(&format!(
                        "the tree and the siblings give {} different SHA-256 digests",
                        sibling.rfilename
                    )));
                }
                Some(_) => {}
                None => {
                    return Err(self.malformed(&format!(
                        "{} is in the siblings but not in the tree",
                        sibling.rfilename
                    )));
                }
            }
        }
        Ok(files)
    }

    fn digest(&self, path: &str, text: Option<&str>) -> Result<Option<Sha256Digest>, HubError> {
        match text {
            None => Ok(None),
            Some(text) => text.parse::<Sha256Digest>().map(Some).map_err(|error| {
                self.malformed(&format!("{path}: the Hub's LFS digest is malformed ({error})"))
            }),
        }
    }

    fn tree_file(&self, entry: TreeEntry) -> Result<LockedFile, HubError> {
        let large = entry.lfs.is_some() || entry.xet_hash.is_some();
        let sha256 = self.digest(&entry.path, entry.lfs.as_ref().and_then(|l| l.oid.as_deref()))?;
        if entry.lfs.is_some() && sha256.is_none() {
            return Err(self.malformed(&format!(
                "{}: an LFS file without its SHA-256 (`lfs.oid`)",
                entry.path
            )));
        }
        Ok(LockedFile {
            size: entry
                .lfs
                .as_ref()
                .and_then(|l| l.size)
                .or(entry.size)
                .unwrap_or(0),
            sha256,
            blob_id: entry.oid,
            xet_hash: entry.xet_hash,
            large,
            path: entry.path,
        })
    }

    fn sibling_file(&self, sibling: &Sibling) -> Result<LockedFile, HubError> {
        let sha256 = self.digest(
            &sibling.rfilename,
            sibling.lfs.as_ref().and_then(|l| l.sha256.as_deref()),
        )?;
        if sibling.lfs.is_some() && sha256.is_none() {
            return Err(self.malformed(&format!(
                "{}: an LFS file without its SHA-256 (`lfs.sha256`)",
                sibling.rfilename
            )));
        }
        Ok(LockedFile {
            path: sibling.rfilename.clone(),
            size: sibling
                .lfs
                .as_ref()
                .and_then(|l| l.size)
                .or(sibling.size)
                .unwrap_or(0),
            sha256,
            blob_id: None,
            xet_hash: None,
            large: sibling.lfs.is_some(),
        })
    }

    /// Commits on the default branch in the 90 and 365 days before `now` (paging until older), its total, and
    /// how far the pin is behind the head.
    fn activity(
        &self,
        base: &str,
        head: Option<&str>,
        pinned: &str,
        now: time::OffsetDateTime,
    ) -> Result<Activity, HubError> {
        let Some(head) = head else {
            return Ok(Activity {
                commits_90d: None,
                commits_365d: None,
                total: None,
                behind_commits: None,
                behind_days: None,
            });
        };
        let year_ago = now - time::Duration::days(365);
        let quarter_ago = now - time::Duration::days(90);
        let unknown = Activity {
            commits_90d: None,
            commits_365d: None,
            total: None,
            behind_commits: None,
            behind_days: None,
        };
        let parse_commits = |body: &[u8]| -> Result<Vec<(Option<String>, time::OffsetDateTime)>, HubError> {
            let commits: Vec<Commit> = serde_json::from_slice(body).map_err(|error| {
                self.malformed(&format!("the commits are not the documented shape ({error})"))
            })?;
            commits
                .into_iter()
                .map(|commit| {
                    let date = commit
                        .date
                        .as_deref()
                        .and_then(parse_time)
                        .ok_or_else(|| self.malformed("a commit without a date"))?;
                    Ok((commit.id, date))
                })
                .collect()
        };
        // the pin's own date and history length: the first commit of its listing is the pin itself
        let at_head = head.eq_ignore_ascii_case(pinned);
        let pin = if at_head {
            None
        } else {
            match self.get(&format!("{base}/commits/{}", encode(pinned)), Some(pinned)) {
                Ok(page) => Some((
                    parse_commits(&page.body)?.first().map(|(_, date)| *date),
                    page.total,
                )),
                Err(HubError::NotFound { .. }) => return Ok(unknown),
                Err(error) => return Err(error),
            }
        };
        let (mut in_90, mut in_365) = (0u64, 0u64);
        let mut head_date = None;
        let mut newer_than_pin = 0u64;
        let mut pin_found = at_head;
        let listed = self.pages(&format!("{base}/commits/{}", encode(head)), Some(head), |body| {
            let mut older_seen = false;
            for (id, date) in parse_commits(body)? {
                head_date.get_or_insert(date);
                if id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(pinned)) {
                    pin_found = true;
                }
                if !pin_found {
                    newer_than_pin += 1;
                }
                // within N days: N days ago counts (as `now - date <= N days`)
                if date >= year_ago {
                    in_365 += 1;
                    if date >= quarter_ago {
                        in_90 += 1;
                    }
                } else {
                    older_seen = true;
                }
            }
            // newest first: a page that reaches past a year ends the walk (every page is read otherwise:
            // the counts are never capped)
            Ok(!older_seen)
        });
        let total = match listed {
            Ok(total) => total,
            // an endpoint without the commits listing leaves the counts unknown, never zero
            Err(HubError::NotFound { .. }) => return Ok(unknown),
            Err(error) => return Err(error),
        };
        let (pin_date, pin_total) = pin.unwrap_or((head_date, total));
        let behind_commits = if pin_found {
            Some(newer_than_pin)
        } else {
            // the pin is older than the walk reached: the difference of the two histories' lengths
            match (total, pin_total) {
                (Some(head_total), Some(pin_total)) if head_total >= pin_total => {
                    Some(head_total - pin_total)
                }
                _ => None,
            }
        };
        let behind_days = match (head_date, pin_date) {
            (Some(head), Some(pin)) => Some((head - pin).whole_days().max(0) as u64),
            _ => None,
        };
        Ok(Activity {
            commits_90d: Some(in_90),
            commits_365d: Some(in_365),
            total,
            behind_commits,
            behind_days,
        })
    }
}

/// A server may echo the request's token in its error body: never let it reach a message.
fn redact(text: &str, token: Option<&str>) -> String {
    match token.filter(|token| token.len() >= 8) {
        Some(token) => text.replace(token, "<token>"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_as_the_hub_sends_them() {
        assert_eq!(
            next_link(
                "<https://huggingface.co/api/models/x/tree/main?recursive=true&cursor=abc>; rel=\"next\""
            ),
            Some("https://huggingface.co/api/models/x/tree/main?recursive=true&cursor=abc".to_string())
        );
        assert_eq!(
            next_link("<https://h/a?p=0>; rel=\"prev\", <https://h/a?p=2>; rel=\"next\""),
            Some("https://h/a?p=2".to_string())
        );
        assert_eq!(next_link("<https://h/a?p=0>; rel=\"prev\""), None);
        assert_eq!(encode("refs/pr/1"), "refs%2Fpr%2F1");
    }
}
