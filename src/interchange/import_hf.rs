//! `aitrust import hf ORG/NAME[@REV]`: adds (or updates) a Hub component in `aibom.toml`, edited in place with
//! `toml_edit` so the user's comments and layout survive. The revision is the commit (a branch is resolved),
//! the license comes from the card (normalized when aitrust knows it), base models and training datasets from
//! the card data are imported too (or left as notes with `--no-deps`), and every file is declared with its size
//! and, for LFS files, the Hub's SHA-256. What was fetched is also recorded in `aibom.lock`.
//!
//! Nothing is written unless every fetch succeeded and the edited manifest validates.

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};

use crate::bom::ComponentKind;
use crate::sources::hub::{Hub, HubError};
use crate::sources::lockfile::{LockFile, LockedComponent};

/// One repository to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `org/name`.
    pub repository: String,
    /// The revision asked for (a branch, tag or commit), if any.
    pub revision: Option<String>,
    /// Model or dataset.
    pub kind: ComponentKind,
}

impl Request {
    /// Parses `ORG/NAME[@REV]`.
    pub fn parse(text: &str, kind: ComponentKind) -> Result<Self, String> {
        let (repository, revision) = match text.split_once('@') {
            Some((repository, revision)) => (repository, Some(revision.to_string())),
            None => (text, None),
        };
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match repository.split_once('/') {
            Some((owner, name)) if valid(owner) && valid(name) => Ok(Self {
                repository: repository.to_string(),
                revision: revision.filter(|r| !r.is_empty()),
                kind,
            }),
            _ => Err(format!(
                "`{text}` is not a Hub repository id; write ORG/NAME or ORG/NAME@REVISION"
            )),
        }
    }
}

/// What an import did.
pub struct Imported {
    /// The edited manifest.
    pub manifest: String,
    /// The updated lock.
    pub lock: LockFile,
    /// One line per component added or updated.
    pub summary: Vec<String>,
}

/// Card data fields naming other repositories (`base_model`, `datasets`): one string or a list.
fn names(card: &serde_json::Value, key: &str) -> Vec<String> {
    match &card[key] {
        serde_json::Value::String(one) => vec![one.clone()],
        serde_json::Value::Array(many) => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A fetched repository and the ids of the ones it depends on.
struct Fetched {
    request: Request,
    id: String,
    locked: LockedComponent,
    base_models: Vec<String>,
    datasets: Vec<String>,
}

/// Fetches the repository and (unless `no_deps`) its base models and datasets, then edits `manifest_text`.
pub fn import(
    hub: &Hub,
    manifest_text: &str,
    lock: LockFile,
    request: Request,
    no_deps: bool,
    now: time::OffsetDateTime,
) -> Result<Imported, String> {
    let mut document: DocumentMut = manifest_text
        .parse()
        .map_err(|e| format!("the manifest is not valid TOML: {e}"))?;
    // ids already in the manifest, and the components already there by repository
    let mut taken = crate::bom::Ids::default();
    let mut existing: Vec<(String, String, ComponentKind)> = Vec::new();
    for (key, kind) in [
        ("model", ComponentKind::Model),
        ("dataset", ComponentKind::Dataset),
    ] {
        for table in document
            .get(key)
            .and_then(Item::as_array_of_tables)
            .into_iter()
            .flat_map(|t| t.iter())
        {
            let id = table
                .get("id")
                .and_then(Item::as_str)
                .unwrap_or_default()
                .to_string();
            let name = table
                .get("name")
                .and_then(Item::as_str)
                .unwrap_or_default()
                .to_string();
            taken.insert(id.clone());
            existing.push((id, name, kind));
        }
    }
    let id_for = |repository: &str, kind: ComponentKind, taken: &mut crate::bom::Ids| {
        existing
            .iter()
            .find(|(_, name, k)| name == repository && *k == kind)
            .map(|(id, _, _)| id.clone())
            .unwrap_or_else(|| taken.unique(repository.rsplit('/').next().unwrap_or(repository)))
    };
    // breadth-first over the lineage, at most 16 repositories
    let mut queue: Vec<(Request, Option<String>)> = vec![(request, None)];
    let mut fetched: Vec<Fetched> = Vec::new();
    let mut notes = Vec::new();
    while let Some((next, needed_as)) = queue.first().cloned() {
        queue.remove(0);
        if fetched
            .iter()
            .any(|f| f.request.repository == next.repository && f.request.kind == next.kind)
        {
            continue;
        }
        if fetched.len() >= 16 {
            notes.push(format!(
                "{} was not imported: the lineage is larger than 16 repositories",
                next.repository
            ));
            continue;
        }
        let id = id_for(&next.repository, next.kind, &mut taken);
        let (locked, card) = hub
            .fetch(&id, &next.repository, next.kind, next.revision.as_deref(), now)
            .map_err(|error: HubError| match &needed_as {
                Some(why) => {
                    format!("{error}\n(it is {why}; pass --no-deps to import only the repository you named)")
                }
                None => error.to_string(),
            })?;
        let (mut base_models, mut datasets) = if next.kind == ComponentKind::Model {
            (names(&card, "base_model"), names(&card, "datasets"))
        } else {
            (Vec::new(), Vec::new())
        };
        // Legacy ids without an organization (`bert-base-uncased`, `ms_marco`) cannot be pinned as they are.
        for (list, what) in [
            (&mut base_models, "base model"),
            (&mut datasets, "training dataset"),
        ] {
            list.retain(|name| {
                let valid = Request::parse(name, next.kind).is_ok();
                if !valid {
                    notes.push(format!(
                        "{}: the card names {what} {name}, a legacy id without an organization; \
                         import its current repository (ORG/NAME) yourself",
                        next.repository
                    ));
                }
                valid
            });
        }
        if no_deps {
            for base in &base_models {
                notes.push(format!(
                    "{}: the card names base model {base} (not imported: --no-deps)",
                    next.repository
                ));
            }
            for dataset in &datasets {
                notes.push(format!(
                    "{}: the card names training dataset {dataset} (not imported: --no-deps)",
                    next.repository
                ));
            }
        } else {
            let why = |what: &str| Some(format!("{what} of {}", next.repository));
            queue.extend(base_models.iter().map(|b| {
                let request = Request {
                    repository: b.clone(),
                    revision: None,
                    kind: ComponentKind::Model,
                };
                (request, why("a base model"))
            }));
            queue.extend(datasets.iter().map(|d| {
                let request = Request {
                    repository: d.clone(),
                    revision: None,
                    kind: ComponentKind::Dataset,
                };
                (request, why("a training dataset"))
            }));
        }
        fetched.push(Fetched {
            request: next,
            id,
            locked,
            base_models,
            datasets,
        });
    }
    let id_of = |repository: &str, kind: ComponentKind| {
        fetched
            .iter()
            .find(|f| f.request.repository == repository && f.request.kind == kind)
            .map(|f| f.id.clone())
    };
    let mut summary = Vec::new();
    let mut lock = lock;
    for item in &fetched {
        let base_ids: Vec<String> = if no_deps {
            Vec::new()
        } else {
            item.base_models
                .iter()
                .filter_map(|b| id_of(b, ComponentKind::Model))
                .collect()
        };
        let dataset_ids: Vec<String> = if no_deps {
            Vec::new()
        } else {
            item.datasets
                .iter()
                .filter_map(|d| id_of(d, ComponentKind::Dataset))
                .collect()
        };
        let table = component_table(item, &base_ids, &dataset_ids, &notes);
        let key = item.request.kind.as_str();
        let tables = document
            .entry(key)
            .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .ok_or_else(|| format!("`{key}` in the manifest is not an array of tables"))?;
        let position = tables
            .iter()
            .position(|t| t.get("id").and_then(Item::as_str) == Some(item.id.as_str()));
        match position.and_then(|p| tables.get_mut(p)) {
            Some(existing) => {
                // update what the Hub decides; keep everything the user wrote
                for (name, value) in table.iter() {
                    if matches!(name, "revision" | "license" | "file" | "name" | "source")
                        || !existing.contains_key(name)
                    {
                        existing.insert(name, value.clone());
                    }
                }
                summary.push(format!(
                    "updated {} `{}` ({}@{})",
                    key,
                    item.id,
                    item.request.repository,
                    short(&item.locked.revision)
                ));
            }
            None => {
                tables.push(table);
                summary.push(format!(
                    "added {} `{}` ({}@{})",
                    key,
                    item.id,
                    item.request.repository,
                    short(&item.locked.revision)
                ));
            }
        }
        lock.components.retain(|c| c.id != item.id);
        lock.components.push(item.locked.clone());
    }
    summary.extend(notes);
    Ok(Imported {
        manifest: document.to_string(),
        lock,
        summary,
    })
}

fn short(revision: &str) -> &str {
    &revision[..revision.len().min(12)]
}

fn component_table(item: &Fetched, base_ids: &[String], dataset_ids: &[String], notes: &[String]) -> Table {
    let mut table = Table::new();
    table.insert("id", value(item.id.clone()));
    // a renamed repository is declared under the name the Hub gives it now
    let name = item
        .locked
        .canonical
        .clone()
        .unwrap_or_else(|| item.request.repository.clone());
    table.insert("name", value(name.clone()));
    table.insert("source", value("huggingface"));
    table.insert("revision", value(item.locked.revision.clone()));
    if let Some(license) = &item.locked.card_license {
        table.insert("license", value(crate::license::canonical_or_given(license)));
    }
    if let Some((owner, _)) = name.split_once('/') {
        table.insert("publisher", value(owner));
    }
    if !base_ids.is_empty() {
        table.insert(
            "base_model",
            Item::Value(Array::from_iter(base_ids.iter().cloned()).into()),
        );
    }
    if !dataset_ids.is_empty() {
        table.insert(
            "trained_on",
            Item::Value(Array::from_iter(dataset_ids.iter().cloned()).into()),
        );
    }
    // LFS files carry the Hub's SHA-256; small git files only a git blob id (kept in aibom.lock).
    let mut files = ArrayOfTables::new();
    for file in &item.locked.files {
        let Some(sha256) = &file.sha256 else { continue };
        let mut entry = Table::new();
        entry.insert("path", value(file.path.clone()));
        entry.insert("sha256", value(sha256.to_string()));
        if file.size > 0 {
            entry.insert("size", value(file.size as i64));
        }
        entry.insert("local", value(false));
        files.push(entry);
    }
    if !files.is_empty() {
        table.insert("file", Item::ArrayOfTables(files));
    }
    let date = item
        .locked
        .fetched_at
        .get(..10)
        .unwrap_or(&item.locked.fetched_at);
    let mut comment = format!("\n# Imported from the Hugging Face Hub by `aitrust import hf` on {date}.\n");
    if item.locked.gated != "false" {
        comment.push_str(&format!(
            "# The repository is gated ({}): its terms were accepted on the Hub by someone; say who in the checklist.\n",
            item.locked.gated
        ));
    }
    if item.locked.disabled {
        comment.push_str("# The Hub has DISABLED this repository (MNT002): find a replacement.\n");
    }
    if let Some(canonical) = &item.locked.canonical {
        comment.push_str(&format!(
            "# The Hub renamed {} to {canonical}: declared under the new name.\n",
            item.request.repository
        ));
    }
    let unpinned: Vec<&str> = item
        .locked
        .files
        .iter()
        .filter(|f| f.large && f.sha256.is_none())
        .map(|f| f.path.as_str())
        .collect();
    if !unpinned.is_empty() {
        comment.push_str(&format!(
            "# {} large file(s) have no SHA-256 on the Hub (Xet only): {}; verify them another way.\n",
            unpinned.len(),
            unpinned.join(", ")
        ));
    }
    let small = item
        .locked
        .files
        .iter()
        .filter(|f| !f.large && f.sha256.is_none())
        .count();
    if small > 0 {
        comment.push_str(&format!(
            "# {small} small non-LFS file(s) (configs, tokenizer, card) have only git blob ids, recorded in aibom.lock;\n\
# declare them with their SHA-256 (`aitrust hash`) if the project keeps a copy.\n"
        ));
    }
    for note in notes
        .iter()
        .filter(|n| n.starts_with(&format!("{}:", item.request.repository)))
    {
        comment.push_str(&format!("# {note}\n"));
    }
    table.decor_mut().set_prefix(comment);
    table
}
