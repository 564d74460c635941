//! The Hugging Face Hub, through the official `hf-hub` client (blocking). Used only by `aitrust lock` and
//! `aitrust import hf`: `check` reads what they recorded and never touches the network.
//!
//! The endpoint is `--endpoint`, else `HF_ENDPOINT`, else the public Hub; the token is the client's (`HF_TOKEN`
//! or the token file, unless `HF_HUB_DISABLE_IMPLICIT_TOKEN` is set) and is never printed or written. Every call
//! runs under a deadline, and every failure names the repository and what to do.

use std::sync::mpsc;
use std::time::Duration;

use hf_hub::HFClientSync;
use hf_hub::HFError;
use hf_hub::repository::RepoTreeEntry;

use super::lockfile::{LockedComponent, LockedFile};
use crate::bom::ComponentKind;

/// How long one repository may take (info, tree and commits together).
pub const DEADLINE: Duration = Duration::from_secs(120);

/// Why the Hub could not answer.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The repository does not exist (or is private and the token cannot see it).
    #[error(
        "{repository}: repository not found on {endpoint}; check the name, or set HF_TOKEN if it is private"
    )]
    NotFound {
        /// `org/name`.
        repository: String,
        /// The endpoint asked.
        endpoint: String,
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
    /// 401: a token is needed.
    #[error(
        "{repository}: the Hub requires authentication (gated or private); set HF_TOKEN to a token with access"
    )]
    AuthRequired {
        /// `org/name`.
        repository: String,
    },
    /// 403: the token may not read it (gated and not accepted, or no permission).
    #[error(
        "{repository}: access forbidden; accept the repository's conditions on the Hub, or use a token with access"
    )]
    Forbidden {
        /// `org/name`.
        repository: String,
    },
    /// 429.
    #[error(
        "{repository}: the Hub is rate limiting requests; wait and run again, or set HF_TOKEN for higher limits"
    )]
    RateLimited {
        /// `org/name`.
        repository: String,
    },
    /// The call did not finish in time.
    #[error("{repository}: the Hub did not answer within {} s; check the network or --endpoint, and run again", DEADLINE.as_secs())]
    TimedOut {
        /// `org/name`.
        repository: String,
    },
    /// The connection or the response failed.
    #[error("{repository}: {detail}")]
    Other {
        /// `org/name`.
        repository: String,
        /// What the client said.
        detail: String,
    },
}

/// A Hub client for one endpoint.
pub struct Hub {
    client: HFClientSync,
    endpoint: String,
}

/// The endpoint: `--endpoint`, else `HF_ENDPOINT`, else the public Hub.
pub fn endpoint(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("HF_ENDPOINT").ok().filter(|e| !e.is_empty()))
        .unwrap_or_else(|| "https://huggingface.co".to_string())
        .trim_end_matches('/')
        .to_string()
}

impl Hub {
    /// A client for `endpoint` (no download cache: aitrust only reads metadata).
    pub fn new(endpoint: &str) -> Result<Self, String> {
        let client = hf_hub::HFClient::builder()
            .endpoint(endpoint)
            .cache_enabled(false)
            .retry_max_attempts(2)
            .retry_base_delay(Duration::from_millis(200))
            .user_agent(format!("aitrust/{}", env!("CARGO_PKG_VERSION")))
            .build_sync()
            .map_err(|error| format!("cannot use the Hub endpoint {endpoint}: {error}"))?;
        Ok(Self {
            client,
            endpoint: endpoint.to_string(),
        })
    }

    fn error(&self, repository: &str, revision: Option<&str>, error: HFError) -> HubError {
        let repository = repository.to_string();
        // As huggingface_hub does: a disabled repository is answered with this message (403 or 410).
        let context = match &error {
            HFError::Http { context }
            | HFError::Forbidden { context }
            | HFError::AuthRequired { context } => Some(context.as_ref()),
            HFError::RepoNotFound { context, .. } | HFError::RevisionNotFound { context, .. } => {
                context.as_deref()
            }
            _ => None,
        };
        if context
            .and_then(|c| c.server_message.as_deref())
            .is_some_and(|m| m.trim() == "Access to this resource is disabled.")
        {
            return HubError::Disabled { repository };
        }
        match error {
            HFError::RepoNotFound { .. } => HubError::NotFound {
                repository,
                endpoint: self.endpoint.clone(),
            },
            // The Hub answers 404 for a missing repository at any revision; its error code tells which is missing.
            HFError::RevisionNotFound {
                context: Some(context),
                ..
            } if context.error_code.as_deref() == Some("RepoNotFound") => HubError::NotFound {
                repository,
                endpoint: self.endpoint.clone(),
            },
            HFError::RevisionNotFound { .. } => HubError::RevisionNotFound {
                repository,
                revision: revision.unwrap_or("main").to_string(),
            },
            HFError::AuthRequired { .. } => HubError::AuthRequired { repository },
            HFError::Forbidden { .. } => HubError::Forbidden { repository },
            HFError::RateLimited { .. } => HubError::RateLimited { repository },
            other => HubError::Other {
                repository,
                detail: redact(&other.to_string()),
            },
        }
    }

    /// Everything `lock` records about one repository at `revision` (or the default branch), measured from `now`.
    pub fn fetch(
        &self,
        id: &str,
        repository: &str,
        kind: ComponentKind,
        revision: Option<&str>,
        now: time::OffsetDateTime,
    ) -> Result<(LockedComponent, serde_json::Value), HubError> {
        let (owner, name) = repository.split_once('/').unwrap_or(("", repository));
        let (sender, receiver) = mpsc::channel();
        let client = self.client.clone();
        let (owner, name, asked) = (owner.to_string(), name.to_string(), revision.map(str::to_string));
        // The client has its own retries; the deadline bounds the whole exchange.
        std::thread::spawn(move || {
            let _ = sender.send(fetch_blocking(&client, &owner, &name, kind, asked));
        });
        let fetched = match receiver.recv_timeout(DEADLINE) {
            Ok(result) => result.map_err(|error| self.error(repository, revision, error))?,
            Err(_) => {
                return Err(HubError::TimedOut {
                    repository: repository.to_string(),
                });
            }
        };
        let resolved = fetched
            .sha
            .clone()
            .or_else(|| revision.map(str::to_string))
            .unwrap_or_default();
        let days = |date: &Option<String>, limit: i64| {
            date.as_deref()
                .and_then(|d| {
                    time::OffsetDateTime::parse(d, &time::format_description::well_known::Rfc3339).ok()
                })
                .is_some_and(|d| now - d <= time::Duration::days(limit))
        };
        // a Hub (or mirror) without the commits endpoint leaves the counts unknown, never zero
        let count = |limit| {
            fetched
                .commit_dates
                .as_ref()
                .map(|dates| dates.iter().filter(|d| days(d, limit)).count() as u64)
        };
        let (commits_90d, commits_365d) = (count(90), count(365));
        let card = fetched.card_data.clone().unwrap_or(serde_json::Value::Null);
        let card_license = match (card["license"].as_str(), card["license_name"].as_str()) {
            (Some("other"), Some(name)) => Some(name.to_string()),
            (Some(license), _) => Some(license.to_string()),
            (None, _) => card["license"]
                .as_array()
                .and_then(|l| l.first())
                .and_then(|l| l.as_str())
                .map(str::to_string),
        };
        let gated = match &fetched.gated {
            Some(serde_json::Value::String(mode)) => mode.clone(),
            Some(serde_json::Value::Bool(true)) => "true".to_string(),
            _ => "false".to_string(),
        };
        let locked = LockedComponent {
            id: id.to_string(),
            source: "huggingface".to_string(),
            repository: repository.to_string(),
            kind: kind.as_str().to_string(),
            revision: resolved,
            fetched_at: super::lockfile::rfc3339(now),
            last_modified: fetched.last_modified,
            created_at: fetched.created_at,
            disabled: fetched.disabled.unwrap_or(false),
            gated,
            private: fetched.private.unwrap_or(false),
            downloads: fetched.downloads,
            likes: fetched.likes,
            card_license,
            commits_90d,
            commits_365d,
            files: fetched.files,
            missing: None,
        };
        Ok((locked, card))
    }
}

/// What one repository said, whatever its type.
struct Fetched {
    sha: Option<String>,
    last_modified: Option<String>,
    created_at: Option<String>,
    disabled: Option<bool>,
    gated: Option<serde_json::Value>,
    private: Option<bool>,
    downloads: Option<u64>,
    likes: Option<u64>,
    card_data: Option<serde_json::Value>,
    files: Vec<LockedFile>,
    /// `None` when the endpoint does not list commits.
    commit_dates: Option<Vec<Option<String>>>,
}

fn files_of(entries: Vec<RepoTreeEntry>) -> Vec<LockedFile> {
    entries
        .into_iter()
        .filter_map(|entry| match entry {
            RepoTreeEntry::File {
                oid, size, path, lfs, ..
            } => Some(LockedFile {
                path,
                size: lfs.as_ref().and_then(|l| l.size).unwrap_or(size),
                sha256: lfs.and_then(|l| l.sha256).and_then(|d| d.parse().ok()),
                blob_id: Some(oid),
            }),
            _ => None,
        })
        .collect()
}

/// A listing the endpoint does not serve (404, 405, 501), as opposed to one that failed.
fn unsupported(error: &HFError) -> bool {
    match error {
        HFError::RepoNotFound { .. } | HFError::RevisionNotFound { .. } | HFError::EntryNotFound { .. } => {
            true
        }
        HFError::Http { context } => matches!(context.status.as_u16(), 404 | 405 | 501),
        _ => false,
    }
}

/// The files of the info's `siblings`: sizes and LFS digests only where the endpoint gave them.
fn siblings_of(siblings: Vec<hf_hub::repository::RepoSibling>) -> Vec<LockedFile> {
    siblings
        .into_iter()
        .map(|sibling| LockedFile {
            size: sibling
                .lfs
                .as_ref()
                .and_then(|l| l.size)
                .or(sibling.size)
                .unwrap_or(0),
            sha256: sibling.lfs.and_then(|l| l.sha256).and_then(|d| d.parse().ok()),
            path: sibling.rfilename,
            blob_id: None,
        })
        .collect()
}

fn fetch_blocking(
    client: &HFClientSync,
    owner: &str,
    name: &str,
    kind: ComponentKind,
    revision: Option<String>,
) -> Result<Fetched, HFError> {
    macro_rules! fetch {
        ($repository:expr) => {{
            let repository = $repository;
            let info = repository.info().maybe_revision(revision.clone()).send()?;
            let revision = info.sha.clone().or(revision.clone());
            // The repository exists (info answered): a 404 from the tree or commits listing means this endpoint
            // (a mirror, an older Hub) does not offer it, so fall back to the siblings, or leave counts unknown.
            let files = match repository
                .list_tree()
                .maybe_revision(revision.clone())
                .recursive(true)
                .expand(true)
                .send()
            {
                Ok(tree) => files_of(tree),
                Err(error) if unsupported(&error) => siblings_of(info.siblings.clone().unwrap_or_default()),
                Err(error) => return Err(error),
            };
            let commits = match repository
                .list_commits()
                .maybe_revision(revision.clone())
                .limit(1000)
                .send()
            {
                Ok(commits) => Some(commits.into_iter().map(|c| c.date).collect()),
                Err(error) if unsupported(&error) => None,
                Err(error) => return Err(error),
            };
            Fetched {
                sha: info.sha,
                last_modified: info.last_modified,
                created_at: info.created_at,
                disabled: info.disabled,
                gated: info.gated,
                private: info.private,
                downloads: info.downloads,
                likes: info.likes,
                card_data: info.card_data,
                files,
                commit_dates: commits,
            }
        }};
    }
    Ok(match kind {
        ComponentKind::Model => fetch!(client.model(owner, name)),
        ComponentKind::Dataset => fetch!(client.dataset(owner, name)),
    })
}

/// A server may echo the request's token in its error body: never let it reach a message.
fn redact(text: &str) -> String {
    let mut text = text.to_string();
    let from_file = hf_hub::hf_home().join("token");
    let tokens = [
        std::env::var("HF_TOKEN").ok(),
        std::env::var("HF_TOKEN_PATH").ok().and_then(|p| {
            crate::fsutil::read_text(std::path::Path::new(&p), crate::fsutil::limits::KEY).ok()
        }),
        crate::fsutil::read_text(&from_file, crate::fsutil::limits::KEY).ok(),
    ];
    for token in tokens.into_iter().flatten() {
        let token = token.trim();
        if token.len() >= 8 {
            text = text.replace(token, "<token>");
        }
    }
    text
}
