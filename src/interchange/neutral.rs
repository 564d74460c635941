//! What the interchange formats share, so CycloneDX and SPDX say the same things the same way:
//! - on export, a component's supplier, version and location, and the manifest's own tables (carried as
//!   `aitrust:` properties so an import restores what the standard fields have no place for);
//! - on import, an [`Entry`] per model or dataset read from any format, written into one manifest by
//!   [`finish`]: ids unique, the standard fields over aitrust's own table, nothing invented.

use std::collections::BTreeMap;

use super::identity::{export_url, is_commit};
use crate::bom::{Bom, Component, ComponentKind, SourceKind};

/// A value an exporter could not turn into a valid document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Where: `model \`x\` url`, `project`, ...
    pub field: String,
    /// The value as the manifest gives it.
    pub value: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}: {}", self.field, self.value, self.reason)
    }
}

/// Who supplies it (NTIA "supplier name"): the publisher the manifest names, else what its source says (the Hub
/// namespace, the git host's owner, the URL's host), else the project's owner for its own local files.
pub fn supplier(bom: &Bom, component: &Component) -> String {
    if let Some(publisher) = &component.publisher {
        return publisher.value.clone();
    }
    match component.source.value {
        SourceKind::Huggingface => component
            .name
            .as_ref()
            .and_then(|n| n.value.split_once('/').map(|(ns, _)| ns.to_string())),
        SourceKind::Git | SourceKind::Url => component
            .url
            .as_ref()
            .and_then(|u| export_url(&u.value).ok())
            .and_then(|u| url::Url::parse(&u).ok())
            .and_then(|u| {
                let owner = if component.source.value == SourceKind::Git {
                    u.path_segments()
                        .and_then(|mut s| s.find(|p| !p.is_empty()).map(str::to_string))
                } else {
                    None
                };
                owner.or_else(|| u.host_str().map(str::to_string))
            }),
        SourceKind::Hosted => component
            .name
            .as_ref()
            .and_then(|n| n.value.split_once('/').map(|(provider, _)| provider.to_string())),
        SourceKind::Local => None,
    }
    .unwrap_or_else(|| project_supplier(bom))
}

/// The project's supplier: its owner, else its name.
pub fn project_supplier(bom: &Bom) -> String {
    bom.project
        .owner
        .as_ref()
        .map_or_else(|| bom.project.name.value.clone(), |o| o.value.clone())
}

/// Its version (NTIA "version"): the pinned revision, else the content digest of a local or downloaded file.
pub fn version(component: &Component) -> Option<String> {
    component
        .revision
        .as_ref()
        .map(|r| r.value.clone())
        .or_else(|| component.sha256.as_ref().map(|d| format!("sha256:{}", d.value)))
}

/// Where it comes from, as a valid URL: the Hub repository, the git remote (scp syntax as `ssh://`), the
/// download URL; `None` for local files. A value that cannot be a URL is refused, naming it.
pub fn location(component: &Component, refused: &mut Vec<Refused>) -> Option<String> {
    let field = |what: &str| format!("{} `{}` {what}", component.kind.as_str(), component.id.value);
    let (what, given, text) = match component.source.value {
        SourceKind::Huggingface => {
            let name = component.name.as_ref()?;
            let kind = if component.kind == ComponentKind::Dataset {
                "datasets/"
            } else {
                ""
            };
            (
                "name",
                name.value.clone(),
                format!("https://huggingface.co/{kind}{}", name.value),
            )
        }
        SourceKind::Git | SourceKind::Url | SourceKind::Hosted => {
            let url = component.url.as_ref()?;
            ("url", url.value.clone(), url.value.clone())
        }
        SourceKind::Local => return None,
    };
    match export_url(&text) {
        Ok(url) => Some(url),
        Err(reason) => {
            refused.push(Refused {
                field: field(what),
                value: given,
                reason,
            });
            None
        }
    }
}

/// The manifest's top-level tables (`[usage]`, `[policy]`, `[project]`) and each component's table (by
/// `kind:id`), each as a standalone TOML document, for the formats' `aitrust:` properties.
pub fn manifest_tables(bom: &Bom) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut top = BTreeMap::new();
    let mut components = BTreeMap::new();
    let Ok(document) = bom.source.text.parse::<toml_edit::DocumentMut>() else {
        return (top, components);
    };
    for (key, item) in document.iter() {
        match (key, item) {
            ("model" | "dataset", toml_edit::Item::ArrayOfTables(array)) => {
                for table in array.iter() {
                    let Some(id) = table.get("id").and_then(toml_edit::Item::as_str) else {
                        continue;
                    };
                    let mut single = toml_edit::DocumentMut::new();
                    let mut entries = toml_edit::ArrayOfTables::new();
                    let mut copy = table.clone();
                    copy.decor_mut().clear();
                    entries.push(copy);
                    single.insert(key, toml_edit::Item::ArrayOfTables(entries));
                    components.insert(format!("{key}:{id}"), single.to_string());
                }
            }
            ("schema", _) => {}
            (key, item) => {
                let mut single = toml_edit::DocumentMut::new();
                let mut copy = item.clone();
                if let Some(table) = copy.as_table_mut() {
                    table.decor_mut().clear();
                }
                single.insert(key, copy);
                top.insert(key.to_string(), single.to_string());
            }
        }
    }
    (top, components)
}

/// A component's own table read back from the text an exporter carried (`[[model]]` or `[[dataset]]`).
pub fn own_table(text: &str, model: bool) -> Option<toml_edit::Table> {
    let document = text.parse::<toml_edit::DocumentMut>().ok()?;
    let kind = if model { "model" } else { "dataset" };
    document.get(kind)?.as_array_of_tables()?.get(0).cloned()
}

/// Where an imported component comes from, as its format's standard fields say.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A Hugging Face Hub repository.
    Hub {
        /// `org/name`.
        name: String,
        /// The revision the document gives.
        revision: Option<String>,
    },
    /// A git repository.
    Git {
        /// The remote.
        url: String,
        /// The revision the document gives.
        revision: Option<String>,
    },
    /// A download URL.
    Url {
        /// The URL.
        url: String,
    },
}

/// One model or dataset read from an interchange document.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    /// Its id in the manifest (unique).
    pub id: String,
    /// A model (else a dataset).
    pub model: bool,
    /// Its name.
    pub name: String,
    /// Where it comes from.
    pub origin: Option<Origin>,
    /// The license expression the document states.
    pub license: Option<String>,
    /// Its publisher, when the document states one (never a supplier aitrust derived).
    pub publisher: Option<String>,
    /// Its SHA-256.
    pub sha256: Option<String>,
    /// What it is for.
    pub intended_use: Option<String>,
    /// Its files (path, SHA-256).
    pub files: Vec<(String, Option<String>)>,
    /// Ids of the datasets it was trained on.
    pub trained_on: Vec<String>,
    /// Ids of its base models.
    pub base_model: Vec<String>,
    /// How a dataset was collected.
    pub collection: Option<String>,
    /// A dataset holds personal data.
    pub personal_data: bool,
    /// aitrust's own table, when aitrust exported the document.
    pub own: Option<toml_edit::Table>,
}

/// The project as the document states it, and the top-level tables aitrust carried.
#[derive(Clone, Debug, Default)]
pub struct ProjectIn {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// Its license.
    pub license: Option<String>,
    /// Its owner.
    pub owner: Option<String>,
    /// Top-level TOML documents aitrust carried (`[usage]`, `[policy]`, `[project]`).
    pub top: Vec<String>,
}

/// An id made from a name (letters, digits, `-`, `_`, `.`), unique among those taken.
pub fn identifier(text: &str, taken: &mut crate::bom::Ids) -> String {
    let mut base: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches(['-', '.'])
        .to_string();
    if base.is_empty() {
        base = "component".into();
    }
    taken.unique_from(base)
}

/// Ids for components: the ids aitrust exported (`own`, when valid and free) first, so they are restored, then
/// one from each name, unique always.
pub fn assign_ids(components: &[(Option<String>, String)]) -> Vec<String> {
    let mut taken = crate::bom::Ids::default();
    let mut assigned: Vec<Option<String>> = components
        .iter()
        .map(|(own, _)| {
            own.as_deref()
                .filter(|id| !id.is_empty() && crate::bom::is_valid_id(id))
                .filter(|id| taken.insert(id.to_string()))
                .map(str::to_string)
        })
        .collect();
    components
        .iter()
        .zip(assigned.iter_mut())
        .map(|((_, name), id)| id.take().unwrap_or_else(|| identifier(name, &mut taken)))
        .collect()
}

fn strings(values: &[String]) -> toml_edit::Item {
    let mut array = toml_edit::Array::new();
    for value in values {
        array.push(value.as_str());
    }
    toml_edit::value(array)
}

/// The import of what was read: a manifest of the standard fields, aitrust's own tables filling in what they do
/// not say, and every line of what was not carried over.
pub fn finish(header: &str, project: ProjectIn, entries: Vec<Entry>, mut dropped: Vec<String>) -> Import {
    let components = entries.len();
    let manifest = write_manifest(header, project, entries, &mut dropped);
    Import {
        manifest,
        dropped,
        components,
    }
}

fn write_manifest(
    header: &str,
    project: ProjectIn,
    entries: Vec<Entry>,
    dropped: &mut Vec<String>,
) -> String {
    let mut manifest = toml_edit::DocumentMut::new();
    manifest
        .decor_mut()
        .set_prefix(format!("# {header} Review every entry.\n"));
    manifest.insert("schema", toml_edit::value(1));
    let mut top: BTreeMap<String, toml_edit::Item> = BTreeMap::new();
    for text in &project.top {
        if let Ok(parsed) = text.parse::<toml_edit::DocumentMut>() {
            for (key, item) in parsed.iter() {
                top.insert(key.to_string(), item.clone());
            }
        }
    }
    let mut table = top
        .remove("project")
        .and_then(|item| item.into_table().ok())
        .unwrap_or_default();
    table.insert("name", toml_edit::value(project.name));
    for (key, value) in [
        ("version", project.version),
        ("license", project.license),
        ("owner", project.owner),
    ] {
        if let Some(value) = value {
            table.insert(key, toml_edit::value(value));
        }
    }
    table.set_implicit(false);
    table.decor_mut().set_prefix("\n");
    manifest.insert("project", toml_edit::Item::Table(table));
    for (key, mut item) in top {
        if let Some(table) = item.as_table_mut() {
            table.decor_mut().set_prefix("\n");
        }
        manifest.insert(&key, item);
    }
    let mut models = toml_edit::ArrayOfTables::new();
    let mut datasets = toml_edit::ArrayOfTables::new();
    for entry in entries {
        let id = entry.id.clone();
        let mut table = toml_edit::Table::new();
        table.insert("id", toml_edit::value(entry.id.as_str()));
        match entry.origin {
            Some(Origin::Hub { name, revision }) => {
                table.insert("name", toml_edit::value(name));
                table.insert("source", toml_edit::value("huggingface"));
                if let Some(revision) = revision.filter(|r| !r.starts_with("sha256:")) {
                    if !is_commit(&revision) {
                        dropped.push(format!(
                            "{id}: revision {revision:?} is not a commit id; pin the commit you reviewed (`aitrust lock`)"
                        ));
                    }
                    table.insert("revision", toml_edit::value(revision));
                }
            }
            Some(Origin::Git { url, revision }) => {
                table.insert("name", toml_edit::value(entry.name.as_str()));
                table.insert("source", toml_edit::value("git"));
                table.insert("url", toml_edit::value(url));
                if let Some(revision) = revision.filter(|r| !r.starts_with("sha256:")) {
                    table.insert("revision", toml_edit::value(revision));
                }
            }
            Some(Origin::Url { url }) => {
                table.insert("name", toml_edit::value(entry.name.as_str()));
                table.insert("source", toml_edit::value("url"));
                table.insert("url", toml_edit::value(url));
            }
            None => {
                table.insert("name", toml_edit::value(entry.name.as_str()));
                if !entry.own.as_ref().is_some_and(|t| t.contains_key("source")) {
                    // no location at all: a local path named after the component, which `check` will look for
                    // and fail on if it is not there (never a made-up URL that passes)
                    let path: String = entry
                        .name
                        .chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                                c
                            } else {
                                '-'
                            }
                        })
                        .collect();
                    table.insert("source", toml_edit::value("local"));
                    table.insert("path", toml_edit::value(path.as_str()));
                    dropped.push(format!(
                        "{id}: the document gives no location (no purl, URL or reference); assumed the local path `{path}`: fix it"
                    ));
                }
            }
        }
        let optional = [
            ("license", entry.license),
            ("publisher", entry.publisher),
            ("sha256", entry.sha256),
            ("intended_use", entry.intended_use),
            ("collection", entry.collection),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                table.insert(key, toml_edit::value(value));
            }
        }
        if entry.personal_data {
            table.insert("personal_data", toml_edit::value(true));
        }
        if !entry.trained_on.is_empty() {
            table.insert("trained_on", strings(&entry.trained_on));
        }
        if !entry.base_model.is_empty() {
            table.insert("base_model", strings(&entry.base_model));
        }
        // files with their digests, merged with aitrust's own entries (sizes, `local`) by path
        let mut files = entry
            .own
            .as_ref()
            .and_then(|t| t.get("file"))
            .and_then(toml_edit::Item::as_array_of_tables)
            .cloned()
            .unwrap_or_default();
        for (path, sha256) in &entry.files {
            let existing = files
                .iter_mut()
                .find(|f| f.get("path").and_then(toml_edit::Item::as_str) == Some(path));
            match existing {
                Some(file) => {
                    if let Some(sha256) = sha256 {
                        // the standard field wins; the entry keeps its layout
                        match file.get_mut("sha256") {
                            Some(item) if item.as_str() == Some(sha256.as_str()) => {}
                            Some(item) => *item = toml_edit::value(sha256.as_str()),
                            None => {
                                file.insert("sha256", toml_edit::value(sha256.as_str()));
                            }
                        }
                    }
                }
                None => {
                    let mut file = toml_edit::Table::new();
                    file.insert("path", toml_edit::value(path.as_str()));
                    if let Some(sha256) = sha256 {
                        file.insert("sha256", toml_edit::value(sha256.as_str()));
                    }
                    files.push(file);
                }
            }
        }
        // aitrust's own table fills in what the standard fields do not say; the standard fields win
        if let Some(own) = &entry.own {
            for (key, item) in own.iter() {
                if key != "file" && !table.contains_key(key) {
                    table.insert(key, item.clone());
                }
            }
        }
        if !files.is_empty() {
            table.insert("file", toml_edit::Item::ArrayOfTables(files));
        }
        if entry.model {
            models.push(table);
        } else {
            datasets.push(table);
        }
    }
    if !models.is_empty() {
        manifest.insert("model", toml_edit::Item::ArrayOfTables(models));
    }
    if !datasets.is_empty() {
        manifest.insert("dataset", toml_edit::Item::ArrayOfTables(datasets));
    }
    manifest.to_string()
}

/// The outcome of an import: the manifest text and what could not be carried over.
pub struct Import {
    /// A starting `aibom.toml`.
    pub manifest: String,
    /// Things the manifest does not carry, one line each, naming the field.
    pub dropped: Vec<String>,
    /// Components imported.
    pub components: usize,
}
