//! The manifest model: `aibom.toml` read into a checked [`Bom`].
//!
//! Reading happens in two steps, as in cargo-deny: `parse` walks the span-keeping TOML tree and reads
//! every table, collecting all problems (unknown keys, wrong types, bad enum values, missing keys, malformed
//! digests and paths); then `validate` checks what only the whole document can show (duplicate ids,
//! references to ids that do not exist, lineage cycles, source-specific keys). Only a manifest with no problem
//! at all becomes a [`Bom`]; otherwise every problem is reported at once.

pub mod card;
mod parse;
pub mod paths;
pub mod policy;
mod validate;
pub use validate::is_valid_id;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use self::paths::RelPath;
pub use self::policy::Policy;
use crate::diag::{SourceFile, Span};
use crate::digest::Sha256Digest;
pub(crate) use crate::tomlfile::choice_enum;
use crate::tomlfile::reader;
pub use crate::tomlfile::{LoadError, Spanned};

choice_enum! {
    /// Why the project uses its AI parts.
    Purpose { Commercial = "commercial", Research = "research", Internal = "internal", Personal = "personal" }
}

choice_enum! {
    /// How the project reaches its users.
    Deployment { Saas = "saas", Distributed = "distributed", OnPremises = "on-premises", Internal = "internal" }
}

choice_enum! {
    /// What the project does with its models.
    Activity {
        FineTune = "fine-tune",
        Distill = "distill",
        TrainOnOutputs = "train-on-outputs",
        RedistributeWeights = "redistribute-weights",
        Serve = "serve",
    }
}

choice_enum! {
    /// Where a component comes from.
    SourceKind { Local = "local", Huggingface = "huggingface", Git = "git", Url = "url", Hosted = "hosted" }
}

choice_enum! {
    /// How a model derives from its `base_model`.
    Relation {
        Finetune = "finetune",
        Adapter = "adapter",
        Merge = "merge",
        Quantized = "quantized",
        Distilled = "distilled",
    }
}

choice_enum! {
    /// The format of a component's signature.
    SignatureKind { Aitrust = "aitrust", ModelSigning = "model-signing" }
}

/// Model or dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ComponentKind {
    /// A `[[model]]`.
    Model,
    /// A `[[dataset]]`.
    Dataset,
}

impl ComponentKind {
    /// `model` or `dataset`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Dataset => "dataset",
        }
    }
}

/// The checked manifest.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "aibom.toml",
    description = "The AI bill of materials of a project, read by aitrust."
)]
pub struct Bom {
    /// The manifest format version; only 1 exists.
    pub schema: u32,
    /// The project itself.
    pub project: Project,
    /// How the project uses its AI parts; the license rules read this.
    #[serde(default, skip_serializing_if = "Usage::is_empty")]
    pub usage: Usage,
    /// The models.
    #[serde(rename = "model", default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model>,
    /// The datasets.
    #[serde(rename = "dataset", default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<Dataset>,
    /// The project's policy (replaced by `--policy FILE`).
    #[serde(default, skip_serializing_if = "Policy::is_empty")]
    pub policy: Policy,
    /// The manifest's text, for locations in findings.
    #[serde(skip)]
    #[schemars(skip)]
    pub source: SourceFile,
    /// The directory paths are relative to (the project root).
    #[serde(skip)]
    #[schemars(skip)]
    pub root: PathBuf,
    /// SHA-256 of the manifest's bytes.
    #[serde(skip)]
    #[schemars(skip)]
    pub sha256: Sha256Digest,
    /// Every id some model names in `trained_on` (so "is this dataset only training data" is O(1)).
    #[serde(skip)]
    #[schemars(skip)]
    pub trained_on_ids: std::collections::BTreeSet<String>,
    /// Where each id is: (is a model, index into `models` or `datasets`), so lookups by id are O(1).
    #[serde(skip)]
    #[schemars(skip)]
    index: std::collections::HashMap<String, (bool, usize)>,
}

impl Bom {
    /// Every component, models first, in manifest order within each kind.
    pub fn components(&self) -> impl Iterator<Item = &Component> {
        self.models
            .iter()
            .map(|model| &model.component)
            .chain(self.datasets.iter().map(|dataset| &dataset.component))
    }

    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        match self.index.get(id)? {
            (true, at) => self.models.get(*at).map(|m| &m.component),
            (false, at) => self.datasets.get(*at).map(|d| &d.component),
        }
    }

    /// The model with this id.
    pub fn model(&self, id: &str) -> Option<&Model> {
        match self.index.get(id)? {
            (true, at) => self.models.get(*at),
            (false, _) => None,
        }
    }

    /// The dataset with this id.
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        match self.index.get(id)? {
            (false, at) => self.datasets.get(*at),
            (true, _) => None,
        }
    }

    /// Indexes the components by id (the first of duplicates wins, as loading rejects duplicates anyway).
    fn indexed(mut self) -> Self {
        let mut index = std::collections::HashMap::with_capacity(self.models.len() + self.datasets.len());
        for (at, model) in self.models.iter().enumerate() {
            index
                .entry(model.component.id.value.clone())
                .or_insert((true, at));
        }
        for (at, dataset) in self.datasets.iter().enumerate() {
            index
                .entry(dataset.component.id.value.clone())
                .or_insert((false, at));
        }
        self.index = index;
        self.trained_on_ids = self
            .models
            .iter()
            .flat_map(|m| m.trained_on.iter().map(|d| d.value.clone()))
            .collect();
        self
    }

    /// A dataset with no local copy that only appears as some model's `trained_on`: the project does not use
    /// it itself, only a model trained on it.
    pub fn is_training_data_only(&self, component: &Component) -> bool {
        component.kind == ComponentKind::Dataset
            && component.path.is_none()
            && self.trained_on_ids.contains(&component.id.value)
    }

    /// 1-based line of a span in the manifest.
    pub fn line_of(&self, span: Span) -> usize {
        self.source.line_col(span.start).line
    }
}

/// `[project]`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The project's name.
    pub name: Spanned<String>,
    /// Its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Spanned<String>>,
    /// The project's own license, an SPDX expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<Spanned<String>>,
    /// Who answers for the project's AI supply chain (a person, team or address).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Spanned<String>>,
}

/// `[usage]`.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// commercial | research | internal | personal
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Spanned<Purpose>>,
    /// saas | distributed | on-premises | internal
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Spanned<Deployment>>,
    /// Monthly active users of the product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_active_users: Option<Spanned<u64>>,
    /// Annual revenue of the organisation, in US dollars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annual_revenue_usd: Option<Spanned<u64>>,
    /// Where the product is offered (region or country names/codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Spanned<String>>,
    /// What the project does with its models.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Spanned<Activity>>,
    /// Where `[usage]` was written, if it was.
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

impl Usage {
    /// True when `[usage]` was not written.
    pub fn is_empty(&self) -> bool {
        self.span.is_none()
    }

    /// Does the project hand the weights (or a product containing them) to others? Installing at a customer's
    /// site (`on-premises`) hands them over too: that is distribution under every license that defines it as
    /// making a copy available to a third party.
    pub fn distributes(&self) -> bool {
        self.deployment
            .as_ref()
            .is_some_and(|d| matches!(d.value, Deployment::Distributed | Deployment::OnPremises))
            || self.has(Activity::RedistributeWeights)
    }

    /// Does it serve the component to others over a network?
    pub fn hosts(&self) -> bool {
        self.deployment
            .as_ref()
            .is_some_and(|d| d.value == Deployment::Saas)
    }

    /// Is an activity declared?
    pub fn has(&self, activity: Activity) -> bool {
        self.activities.iter().any(|a| a.value == activity)
    }

    /// The declared purpose.
    pub fn purpose(&self) -> Option<Purpose> {
        self.purpose.as_ref().map(|p| p.value)
    }
}

/// A `[[model]]`: the common component keys plus its lineage.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The keys every component has.
    #[serde(flatten)]
    pub component: Component,
    /// Ids of the models it derives from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base_model: Vec<Spanned<String>>,
    /// finetune | adapter | merge | quantized | distilled
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<Spanned<Relation>>,
    /// Ids of the datasets it was trained on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trained_on: Vec<Spanned<String>>,
}

/// A `[[dataset]]`: the common component keys plus what is known of its collection.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// The keys every component has.
    #[serde(flatten)]
    pub component: Component,
    /// Does it hold personal data?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_data: Option<Spanned<bool>>,
    /// How the data was collected (and with what consent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<Spanned<String>>,
    /// What generated it, for synthetic data and distillation sets: model ids of the manifest, or hosted
    /// services as `hosted:<provider>/<model>` (`hosted:openai/gpt-4o`). The generators' output terms reach every
    /// model trained on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generated_by: Vec<Spanned<String>>,
}

/// The keys models and datasets share.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Component {
    /// Model or dataset.
    #[serde(skip)]
    #[schemars(skip)]
    pub kind: ComponentKind,
    /// Unique among all models and datasets; other entries refer to it.
    pub id: Spanned<String>,
    /// Human name; for `huggingface` sources the repository id (`org/name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Spanned<String>>,
    /// local | huggingface | git | url
    pub source: Spanned<SourceKind>,
    /// The local copy: a directory or one file, relative to the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Spanned<RelPath>>,
    /// Where a `git` or `url` component comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Spanned<String>>,
    /// The pinned revision (a full commit) of a `huggingface` or `git` component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<Spanned<String>>,
    /// SPDX expression, Hugging Face license id, or LicenseRef-...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<Spanned<String>>,
    /// Who publishes it (the Hub organisation, a company).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Spanned<String>>,
    /// The model or dataset card (Markdown with YAML front matter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Spanned<RelPath>>,
    /// What the project uses it for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intended_use: Option<Spanned<String>>,
    /// Who maintains it, when there is no source to ask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintainer: Option<Spanned<String>>,
    /// When a person last reviewed it (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_reviewed: Option<Spanned<String>>,
    /// Its signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureRef>,
    /// The digest of a single-file component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Spanned<Sha256Digest>>,
    /// The size in bytes of a single-file component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<Spanned<u64>>,
    /// The files of a directory component.
    #[serde(rename = "file", default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEntry>,
    /// Where the component's table starts (its first key).
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
    /// `path` was written but rejected (so "no path" is not reported twice).
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) path_was_invalid: bool,
}

impl Component {
    /// A display name: the name if given, else the id.
    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or(&self.id.value, |name| &name.value)
    }

    /// Does the manifest declare any digest for it?
    pub fn has_digests(&self) -> bool {
        self.sha256.is_some() || self.files.iter().any(|file| file.sha256.is_some())
    }
}

/// `signature = { kind, path, public_key }`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureRef {
    /// aitrust | model-signing
    pub kind: Spanned<SignatureKind>,
    /// The signature file.
    pub path: Spanned<RelPath>,
    /// The public key that must have made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<Spanned<RelPath>>,
    /// For certificate-signed model-signing bundles: the trusted certificates (PEM), root included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificate_chain: Vec<Spanned<RelPath>>,
    /// For model-signing bundles: files (relative to the component's path) that were deliberately not signed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_paths: Vec<Spanned<RelPath>>,
    /// For model-signing bundles: files the bundle does not list are not checked (the reference verifier's
    /// `--ignore_unsigned_files`); every signed file must still be present and unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_unsigned_files: Option<Spanned<bool>>,
    /// For model-signing bundles that record no ignore list (signers before 1.1, or 1.1 with nothing to
    /// ignore): `false` is the reference verifier's `--no-ignore-git-paths`, so a file under `.git` and the
    /// other git paths counts like any other. Default `true`: such a path is ignored when it is not signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_git_paths: Option<Spanned<bool>>,
}

/// A `[[model.file]]` / `[[dataset.file]]`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Relative to the component's path.
    pub path: Spanned<RelPath>,
    /// Its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Spanned<Sha256Digest>>,
    /// Its size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<Spanned<u64>>,
    /// `false` for a file the project does not keep: it is fetched from the component's source (at the
    /// pinned revision) when deployed, so it is verified against the source rather than on disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<Spanned<bool>>,
}

impl FileEntry {
    /// Is the file expected in the project directory?
    pub fn is_local(&self) -> bool {
        self.local.as_ref().is_none_or(|local| local.value)
    }
}

/// The directory a file's relative paths are resolved against.
pub fn reader_parent(path: &Path) -> PathBuf {
    reader::parent_directory(path)
}

/// Checks of a policy that need more than its shape, supplied by the layer that has the knowledge
/// (`crate::resolve`). Their problems join the file's own, so every problem is still reported at once.
pub type PolicyCheck<'a> = &'a dyn Fn(&Policy) -> Vec<crate::diag::Problem>;

/// No further policy checks.
pub fn shape_only(_: &Policy) -> Vec<crate::diag::Problem> {
    Vec::new()
}

/// Reads and checks a manifest file's shape (use `crate::resolve::load` for the full check).
pub fn load(path: &Path) -> Result<Bom, LoadError> {
    load_with(path, &shape_only)
}

/// Reads and checks a manifest file, with `resolve`'s policy checks.
pub fn load_with(path: &Path, resolve: PolicyCheck<'_>) -> Result<Bom, LoadError> {
    let bytes =
        crate::fsutil::read_file(path, crate::fsutil::limits::MANIFEST).map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    from_bytes_with(path, &reader::parent_directory(path), &bytes, resolve)
}

/// Checks a manifest held in memory; `path` is used in messages, `root` resolves relative paths.
///
/// ```
/// use std::path::Path;
///
/// let text = b"schema = 1\n[project]\nname = \"demo\"\n[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"org/m\"\n";
/// let bom = aitrust::bom::from_bytes(Path::new("aibom.toml"), Path::new("."), text).unwrap();
/// assert_eq!(bom.components().count(), 1);
///
/// let error = aitrust::bom::from_bytes(Path::new("aibom.toml"), Path::new("."), b"schema = 1\n[project]\nnam = \"x\"\n")
///     .unwrap_err();
/// assert!(error.to_string().contains("aibom.toml:3:1"));
/// ```
pub fn from_bytes(path: &Path, root: &Path, bytes: &[u8]) -> Result<Bom, LoadError> {
    from_bytes_with(path, root, bytes, &shape_only)
}

/// [`from_bytes`] with `resolve`'s policy checks.
pub fn from_bytes_with(
    path: &Path,
    root: &Path,
    bytes: &[u8],
    resolve: PolicyCheck<'_>,
) -> Result<Bom, LoadError> {
    let sha256 = crate::digest::hash::sha256_bytes(bytes);
    let source =
        crate::diag::decode_utf8(path, bytes).map_err(|problems| LoadError::Invalid(Box::new(problems)))?;
    parse::parse(source, root.to_path_buf(), sha256, resolve).map_err(LoadError::Invalid)
}

/// Component ids already taken, for making new unique ones.
#[derive(Clone, Debug, Default)]
pub struct Ids {
    taken: std::collections::BTreeSet<String>,
    /// For each base name, the suffix to try next, so the n-th `model` costs O(1), not n tries.
    next: std::collections::HashMap<String, usize>,
}

impl Ids {
    /// Takes `id` as it is; false when it was already taken.
    pub fn insert(&mut self, id: String) -> bool {
        self.taken.insert(id)
    }

    /// An id made from `name` (lower-case, `-` for anything else), unique among those taken, which it joins.
    pub fn unique(&mut self, name: &str) -> String {
        let mut base: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        if base.is_empty() {
            base = "component".to_string();
        }
        self.unique_from(base)
    }

    /// `base` itself if it is free, else `base-2`, `base-3`, … (the first free one), which it takes.
    pub fn unique_from(&mut self, base: String) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let counter = self.next.entry(base.clone()).or_insert(2);
        loop {
            let id = format!("{base}-{counter}");
            *counter += 1;
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

impl FromIterator<String> for Ids {
    fn from_iter<I: IntoIterator<Item = String>>(ids: I) -> Self {
        Self {
            taken: ids.into_iter().collect(),
            next: Default::default(),
        }
    }
}
