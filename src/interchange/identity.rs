//! What an exported document names a component by: URLs as the WHATWG URL standard parses them (percent-encoded,
//! so they are valid `iri-reference`s), scp-style git addresses as `ssh://` URLs, and package URLs by the purl
//! specification (<https://github.com/package-url/purl-spec>).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::bom::{Component, ComponentKind, SourceKind};

/// A URL as an exported document may carry it, or why it cannot be one.
///
/// ```
/// use aitrust::interchange::identity::export_url;
/// assert_eq!(export_url("git@github.com:org/repo.git").unwrap(), "ssh://git@github.com/org/repo.git");
/// assert_eq!(export_url("https://example.com/my data.csv").unwrap(), "https://example.com/my%20data.csv");
/// assert!(export_url("not a url").is_err());
/// ```
pub fn export_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if !trimmed.contains("://") {
        // scp-like syntax (git): [user@]host:path, with no slash before the colon
        if let Some((host, path)) = trimmed.split_once(':')
            && !host.is_empty()
            && !host.contains(['/', ' '])
            && !path.is_empty()
            && !host.eq_ignore_ascii_case("mailto")
        {
            return parse(&format!("ssh://{host}/{}", path.trim_start_matches('/')));
        }
        return Err("it is not an absolute URL (no scheme such as https://)".into());
    }
    parse(trimmed)
}

fn parse(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|error| format!("it is not a URL ({error})"))?;
    if url.cannot_be_a_base() || url.host_str().is_none_or(str::is_empty) {
        return Err("it names no host".into());
    }
    Ok(url.to_string())
}

/// What a purl component may hold unencoded: the purl spec's unreserved characters (`A-Za-z0-9.-_~`).
const PURL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

fn encode(part: &str) -> String {
    utf8_percent_encode(part, PURL).to_string()
}

/// Is this a full git commit id (SHA-1 or SHA-256, lower-case hex)?
pub fn is_commit(revision: &str) -> bool {
    matches!(revision.len(), 40 | 64)
        && revision
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The package URL of a component, when the purl spec has a type for it:
/// - a Hugging Face model: `pkg:huggingface/<namespace>/<name>@<commit>`, case kept (the spec: "namespace and
///   name are case sensitive"), the version only when the revision is a commit id;
/// - a git repository on GitHub: `pkg:github/<owner>/<repo>@<commit>`, lower-cased as the spec requires.
///
/// Hub datasets have no purl type (the `huggingface` type is for models); they are named by their URL.
pub fn purl(component: &Component) -> Option<String> {
    let version = component
        .revision
        .as_ref()
        .map(|r| r.value.to_ascii_lowercase())
        .filter(|r| is_commit(r))
        .map(|r| format!("@{r}"))
        .unwrap_or_default();
    match component.source.value {
        SourceKind::Huggingface if component.kind == ComponentKind::Model => {
            let name = component.name.as_ref()?;
            let (namespace, repo) = name.value.split_once('/')?;
            Some(format!(
                "pkg:huggingface/{}/{}{version}",
                encode(namespace),
                encode(repo)
            ))
        }
        SourceKind::Git => {
            let url = url::Url::parse(&export_url(&component.url.as_ref()?.value).ok()?).ok()?;
            if url.host_str()? != "github.com" {
                return None;
            }
            let mut segments = url.path_segments()?.filter(|s| !s.is_empty());
            let owner = segments.next()?.to_ascii_lowercase();
            let repo = segments.next()?.trim_end_matches(".git").to_ascii_lowercase();
            Some(format!(
                "pkg:github/{}/{}{version}",
                encode(&owner),
                encode(&repo)
            ))
        }
        _ => None,
    }
}

/// A purl read back: its type, namespace, name and version, percent-decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purl {
    /// `huggingface`, `github`, ...
    pub kind: String,
    /// The namespace, if any.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
    /// The version, if any.
    pub version: Option<String>,
}

/// Parses a purl (qualifiers and subpath are read past, not kept).
///
/// ```
/// let p = aitrust::interchange::identity::parse_purl("pkg:huggingface/Org/My%20Model@abc").unwrap();
/// assert_eq!((p.kind.as_str(), p.namespace.as_deref(), p.name.as_str()), ("huggingface", Some("Org"), "My Model"));
/// ```
pub fn parse_purl(text: &str) -> Option<Purl> {
    let rest = text.strip_prefix("pkg:")?.trim_start_matches('/');
    let rest = rest.split('#').next()?;
    let rest = rest.split('?').next()?;
    let (kind, path) = rest.split_once('/')?;
    let (path, version) = match path.rsplit_once('@') {
        Some((path, version)) => (path, Some(decode(version))),
        None => (path, None),
    };
    let path = path.trim_matches('/');
    let (namespace, name) = match path.rsplit_once('/') {
        Some((namespace, name)) => (Some(decode(namespace)), decode(name)),
        None => (None, decode(path)),
    };
    (!name.is_empty()).then(|| Purl {
        kind: kind.to_ascii_lowercase(),
        namespace,
        name,
        version,
    })
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The Hub repository a URL names, only when it is a repository URL on huggingface.co (`/org/name`,
/// `/datasets/org/name`), never a documentation or blog page: `(is_dataset, "org/name")`.
pub fn hub_repository(url: &str) -> Option<(bool, String)> {
    let url = url::Url::parse(url).ok()?;
    if !matches!(url.host_str()?, "huggingface.co" | "hf.co") {
        return None;
    }
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let (dataset, rest) = match segments.first() {
        Some(&"datasets") => (true, &segments[1..]),
        Some(
            &("docs" | "blog" | "spaces" | "papers" | "learn" | "models" | "api" | "settings" | "join"
            | "login" | "pricing" | "enterprise" | "organizations" | "collections" | "posts" | "changelog"
            | "tasks"),
        ) => {
            return None;
        }
        _ => (false, &segments[..]),
    };
    match rest {
        [org, name] | [org, name, "tree" | "blob" | "resolve", ..] => {
            Some((dataset, format!("{}/{}", decode(org), decode(name))))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_identity_comes_only_from_repository_urls() {
        assert_eq!(
            hub_repository("https://huggingface.co/Org/Model"),
            Some((false, "Org/Model".into()))
        );
        assert_eq!(
            hub_repository("https://huggingface.co/datasets/org/data/tree/main"),
            Some((true, "org/data".into()))
        );
        assert_eq!(
            hub_repository("https://huggingface.co/docs/hub/model-cards"),
            None
        );
        assert_eq!(hub_repository("https://huggingface.co/blog/x"), None);
        assert_eq!(hub_repository("https://huggingface.co/Org"), None);
        assert_eq!(hub_repository("https://example.com/Org/Model"), None);
    }

    #[test]
    fn urls() {
        assert_eq!(
            export_url("git@host.example:a/b").unwrap(),
            "ssh://git@host.example/a/b"
        );
        assert!(export_url("file name.csv").is_err());
        assert!(export_url("https://").is_err());
        assert!(export_url("mailto:someone@example.com").is_err());
    }

    #[test]
    fn commits() {
        assert!(is_commit("c9745ed1d9f207416be6d2e6f8de32d1f16199bf"));
        assert!(!is_commit("main"));
        assert!(!is_commit("v1.0"));
    }
}
