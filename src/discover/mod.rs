//! Shadow AI: the models, datasets and hosted models a project's code really uses (`aitrust discover`, and the
//! discovery check in `check`).
//!
//! The code is parsed, not grepped:
//! - Python (and notebooks' code cells), JavaScript and TypeScript are parsed with tree-sitter's official
//!   grammars. A call is matched against a table of the APIs people use (`apis.toml`, data, not code per
//!   library), with import aliases resolved. Its argument is evaluated with constant propagation within the
//!   file: `BASE = "…"`, string concatenation, f-strings and template strings, and `os.getenv("MODEL",
//!   "default")`. A name that cannot be known is "dynamic", with the part that is known.
//! - Comments and docstrings are never "used"; a repository URL or a well-known publisher's `org/name` in them
//!   is at most "mentioned".
//! - Configuration is read by its format: `.env`, Dockerfiles (`ENV`, `ARG`, `RUN`), shell scripts, Ollama
//!   Modelfiles, YAML (compose files, configs), JSON and TOML. A value counts when its key names a model or
//!   dataset, or when a command loads it (`ollama pull`, `huggingface-cli download`, `vllm serve`, `--model`).
//! - Weight files anywhere in the tree are listed, so that undeclared local weights are found too.
//!
//! The walk is ripgrep's (`ignore`): `.gitignore` is honoured, and vendored and generated trees are skipped
//! (`node_modules/`, `.venv/`, `site-packages/`, `target/`, `.git/`, …). Files are read through checked handles,
//! bounded in size, and parsed in parallel. A file is parsed only if it holds one of the table's trigger words,
//! so the cost is close to one read of the tree.

pub mod classify;
mod config;
mod javascript;
mod python;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Weight file extensions (what `init` calls model files, less the generic ones).
pub const WEIGHT_EXTENSIONS: &[&str] = &[
    "safetensors",
    "bin",
    "pt",
    "pth",
    "ckpt",
    "gguf",
    "ggml",
    "onnx",
    "h5",
    "keras",
    "tflite",
    "mlmodel",
    "llamafile",
];

/// Directories never searched: vendored and generated trees, environments, caches.
pub const SKIPPED_DIRECTORIES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "env",
    "site-packages",
    "dist-packages",
    "target",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".cache",
    ".next",
    "bower_components",
    "vendor",
    "third_party",
];

/// The largest source or configuration file parsed (bigger ones are generated or minified).
const MAX_SOURCE: u64 = 2 << 20;

/// What a use is of.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A model from the Hugging Face Hub, Ollama or torch.hub.
    Model,
    /// A dataset.
    Dataset,
    /// A model behind a provider's API.
    HostedApiModel,
    /// Model weights on disk.
    LocalWeights,
}

impl Kind {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Dataset => "dataset",
            Self::HostedApiModel => "hosted-api-model",
            Self::LocalWeights => "local-weights",
        }
    }
}

/// How sure the use is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Code loads or calls it with this name.
    Used,
    /// Named in a comment, a docstring or prose: nothing loads it.
    Mentioned,
    /// Code loads something whose name is only known at run time (the known part is the identifier).
    Dynamic,
    /// A weights file on disk that nothing names.
    Present,
}

impl Status {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Used => "used",
            Self::Mentioned => "mentioned",
            Self::Dynamic => "dynamic",
            Self::Present => "present",
        }
    }
}

/// One use of a model or dataset in the project (an element of `aitrust discover --format json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Use {
    /// What it is.
    pub kind: Kind,
    /// The Hub id, the API model name, the Ollama tag, the torch.hub repository, or the path.
    pub identifier: String,
    /// Where it lives: `huggingface`, `ollama`, `torch-hub`, `local`, or the hosted provider.
    pub source: String,
    /// The revision pinned next to it, if any.
    pub revision: Option<String>,
    /// The file, relative to the directory searched, `/`-separated.
    pub file: String,
    /// The 1-based line (in a notebook: the line of the code cells, counted in order).
    pub line: usize,
    /// Used, mentioned, dynamic or present.
    pub status: Status,
    /// What matched: the API (`*.from_pretrained`), the configuration key, or the command.
    pub via: String,
    /// Whether the manifest declares it (filled in by the caller that has a manifest).
    pub declared: Option<bool>,
}

/// The languages the API table speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Language {
    Python,
    JavaScript,
}

#[derive(Deserialize)]
struct Table {
    api: Vec<Api>,
}

/// One entry of `apis.toml`.
#[derive(Deserialize)]
struct Api {
    languages: Vec<String>,
    calls: Vec<String>,
    arg: Option<usize>,
    #[serde(default)]
    keywords: Vec<String>,
    kind: String,
    provider: Option<String>,
    #[serde(default)]
    revision: Vec<String>,
    dataset_if: Option<[String; 2]>,
    #[serde(default)]
    strip: Vec<String>,
    require: Option<String>,
    prefix: Option<String>,
    task_arg: Option<usize>,
    #[serde(default)]
    task_keywords: Vec<String>,
    #[serde(default)]
    defaults: std::collections::BTreeMap<String, String>,
}

fn table() -> &'static [Api] {
    static TABLE: std::sync::OnceLock<Vec<Api>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        // toml-span has no serde deserializer, but its values serialize: through JSON into serde's types
        let table: Table = toml_span::parse(include_str!("apis.toml"))
            .ok()
            .and_then(|value| serde_json::from_value(serde_json::to_value(&value).ok()?).ok())
            .unwrap_or(Table { api: Vec::new() });
        table.api
    })
}

/// The words a file must hold to be worth parsing: every callee's last part and the SDK and command names.
fn triggers() -> &'static aho_corasick::AhoCorasick {
    static TRIGGERS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    TRIGGERS.get_or_init(|| {
        let mut words: Vec<String> = table()
            .iter()
            .flat_map(|api| api.calls.iter())
            .filter_map(|call| call.rsplit('.').next())
            .map(str::to_string)
            .collect();
        words.extend(
            [
                "model",
                "MODEL",
                "Model",
                "dataset",
                "DATASET",
                "huggingface",
                "ollama",
                "hf_hub",
                "hf-hub",
                "getenv",
                "environ",
                "FROM ",
            ]
            .map(str::to_string),
        );
        words.sort();
        words.dedup();
        aho_corasick::AhoCorasick::new(words).unwrap_or_else(|_| {
            aho_corasick::AhoCorasick::new(["model"]).unwrap_or_else(|_| unreachable!("a literal pattern"))
        })
    })
}

/// What a file's imports and assignments say about its names (Python and JavaScript alike).
#[derive(Default)]
pub(crate) struct Scope {
    /// Local name → qualified name (`AM` → `transformers.AutoModel`).
    pub aliases: std::collections::HashMap<String, String>,
    /// Name → every value assigned to it (one distinct value: a constant).
    pub constants: std::collections::HashMap<String, Vec<Value>>,
    /// (dictionary name, key) → the value a dictionary literal gives that key.
    pub entries: std::collections::HashMap<(String, String), Value>,
}

impl Scope {
    /// The one value a name is given, if it is given only one.
    pub fn constant(&self, name: &str) -> Option<&Value> {
        let values = self.constants.get(name)?;
        let first = values.first()?;
        values.iter().all(|v| v == first).then_some(first)
    }
}

/// A node's source text.
pub(crate) fn node_text<'a>(node: tree_sitter::Node<'_>, source: &'a str) -> &'a str {
    node.utf8_text(source.as_bytes()).unwrap_or_default()
}

/// Every node of a tree, depth first, without recursion (a deeply nested file cannot overflow the stack).
pub(crate) fn nodes(root: tree_sitter::Node<'_>) -> Vec<tree_sitter::Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// A value an argument evaluates to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// Known.
    Str(String),
    /// Only known at run time; the part before the unknown.
    Dynamic(String),
    /// Not a string (a number, a model object, …).
    Other,
}

/// A call found in code, its callee qualified through the file's imports.
#[derive(Debug)]
pub(crate) struct Call {
    pub callee: String,
    pub positional: Vec<Value>,
    pub keywords: Vec<(String, Value)>,
    /// Keyword arguments that are `True` / `true`.
    pub truthy: Vec<String>,
    pub line: usize,
}

fn callee_matches(pattern: &str, callee: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => callee == suffix || callee.ends_with(&format!(".{suffix}")),
        None => callee == pattern,
    }
}

/// The use a call makes, if it is one the table knows, or (for any other call) a `model=` keyword whose value
/// is a hosted model's name or a Hub repository.
pub(crate) fn match_call(call: &Call, language: Language, file: &str) -> Option<Use> {
    let language_name = match language {
        Language::Python => "python",
        Language::JavaScript => "javascript",
    };
    let keyword = |names: &[String]| {
        names.iter().find_map(|name| {
            call.keywords
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    };
    let api = table().iter().find(|api| {
        api.languages.iter().any(|l| l == language_name)
            && api
                .calls
                .iter()
                .any(|pattern| callee_matches(pattern, &call.callee))
    });
    let Some(api) = api else {
        return fallback(call, file);
    };
    if let Some(required) = &api.require
        && !call.truthy.contains(required)
    {
        return None;
    }
    let Some(value) =
        keyword(&api.keywords).or_else(|| api.arg.and_then(|at| call.positional.get(at).cloned()))
    else {
        return task_default(api, call, file, &keyword);
    };
    let revision = match keyword(&api.revision) {
        Some(Value::Str(revision)) => Some(revision),
        _ => None,
    };
    let dataset = api.dataset_if.as_ref().is_some_and(|[name, expected]| {
        matches!(keyword(std::slice::from_ref(name)), Some(Value::Str(v)) if v == *expected)
    });
    let via = api
        .calls
        .iter()
        .find(|pattern| callee_matches(pattern, &call.callee))
        .cloned()
        .unwrap_or_default();
    let (text, status) = match value {
        Value::Str(text) => (text, Status::Used),
        Value::Dynamic(prefix) => (prefix, Status::Dynamic),
        Value::Other => return None,
    };
    let mut text = text.trim().to_string();
    for prefix in &api.strip {
        if let Some(rest) = text.strip_prefix(prefix.as_str()) {
            text = rest.to_string();
        }
    }
    if let Some(prefix) = &api.prefix
        && !text.contains('/')
        && status == Status::Used
    {
        text = format!("{prefix}{text}");
    }
    let kind = if dataset { "dataset" } else { api.kind.as_str() };
    classify_use(
        kind,
        api.provider.as_deref(),
        text,
        status,
        revision,
        file,
        call.line,
        via,
    )
}

/// A call that names no model but a task whose default model the library loads (`pipeline("summarization")`).
fn task_default(
    api: &Api,
    call: &Call,
    file: &str,
    keyword: &dyn Fn(&[String]) -> Option<Value>,
) -> Option<Use> {
    if api.defaults.is_empty() {
        return None;
    }
    let task =
        keyword(&api.task_keywords).or_else(|| api.task_arg.and_then(|at| call.positional.get(at).cloned()));
    let Some(Value::Str(task)) = task else {
        return None;
    };
    // `translation_en_to_fr` is the translation task with its languages
    let key = if task.starts_with("translation_") {
        "translation"
    } else {
        task.as_str()
    };
    let (repository, revision) = api.defaults.get(key)?.split_once('@')?;
    Some(Use {
        kind: Kind::Model,
        identifier: repository.to_string(),
        source: "huggingface".into(),
        revision: Some(revision.to_string()),
        file: file.to_string(),
        line: call.line,
        status: Status::Used,
        via: format!("{} default for \"{task}\"", call.callee),
        declared: None,
    })
}

/// Any other call: a keyword `model`, `model_id`, `model_name` or `repo_id` whose value is plainly a hosted
/// model's name or a Hub repository.
fn fallback(call: &Call, file: &str) -> Option<Use> {
    let (name, value) = call.keywords.iter().find(|(k, _)| {
        matches!(
            k.as_str(),
            "model" | "model_id" | "model_name" | "repo_id" | "modelName" | "modelId"
        )
    })?;
    let Value::Str(text) = value else {
        return None;
    };
    let text = text.trim();
    if let Some((provider, model)) = classify::provider_prefixed(text) {
        return classify_use(
            "hosted",
            Some(provider),
            model.to_string(),
            Status::Used,
            None,
            file,
            call.line,
            format!("{}({name}=…)", call.callee),
        );
    }
    if let Some(provider) = classify::hosted_provider(text) {
        return classify_use(
            "hosted",
            Some(provider),
            text.to_string(),
            Status::Used,
            None,
            file,
            call.line,
            format!("{}({name}=…)", call.callee),
        );
    }
    classify::is_hub_id(text, false).then(|| Use {
        kind: Kind::Model,
        identifier: text.to_string(),
        source: "huggingface".into(),
        revision: None,
        file: file.to_string(),
        line: call.line,
        status: Status::Used,
        via: format!("{}({name}=…)", call.callee),
        declared: None,
    })
}

/// A use from a name and what the table says it is.
#[allow(clippy::too_many_arguments)]
pub(crate) fn classify_use(
    kind: &str,
    provider: Option<&str>,
    text: String,
    status: Status,
    revision: Option<String>,
    file: &str,
    line: usize,
    via: String,
) -> Option<Use> {
    if text.is_empty() && status == Status::Used {
        return None;
    }
    let make = |kind: Kind, source: &str, identifier: String| Use {
        kind,
        identifier,
        source: source.to_string(),
        revision: revision.clone(),
        file: file.to_string(),
        line,
        status,
        via: via.clone(),
        declared: None,
    };
    if status == Status::Dynamic {
        let kind = match kind {
            "dataset" => Kind::Dataset,
            "hosted" => Kind::HostedApiModel,
            "weights" => Kind::LocalWeights,
            _ => Kind::Model,
        };
        return Some(make(kind, provider.unwrap_or("unknown"), text));
    }
    match kind {
        "hosted" => {
            let provider = classify::hosted_provider(&text).or(provider).unwrap_or("unknown");
            Some(make(Kind::HostedApiModel, provider, text))
        }
        "ollama" => {
            if classify::is_weights_path(&text) || classify::is_local_path(&text) {
                Some(make(Kind::LocalWeights, "local", text))
            } else {
                classify::is_ollama_tag(&text).then(|| make(Kind::Model, "ollama", text))
            }
        }
        "torch-hub" => {
            // `owner/repo[:ref]`: a GitHub repository; `source="local"` loads a directory
            let (repository, reference) = text.split_once(':').unwrap_or((&text, ""));
            if classify::is_local_path(repository) {
                return Some(make(Kind::LocalWeights, "local", text.clone()));
            }
            let mut found = make(Kind::Model, "torch-hub", repository.to_string());
            if !reference.is_empty() {
                found.revision = Some(reference.to_string());
            }
            Some(found)
        }
        "weights" => Some(make(Kind::LocalWeights, "local", text)),
        "dataset" => {
            if classify::is_local_path(&text) {
                return Some(make(Kind::Dataset, "local", text));
            }
            // the `datasets` library's own builders read local files, not a Hub dataset
            const BUILDERS: &[&str] = &[
                "json",
                "csv",
                "parquet",
                "text",
                "arrow",
                "pandas",
                "imagefolder",
                "audiofolder",
                "videofolder",
                "webdataset",
                "sql",
                "generator",
                "xml",
            ];
            if BUILDERS.contains(&text.as_str()) {
                return None;
            }
            classify::is_hub_id(&text, true).then(|| make(Kind::Dataset, "huggingface", text))
        }
        _ => {
            if classify::is_local_path(&text) {
                return Some(make(Kind::LocalWeights, "local", text));
            }
            if let Some((provider, model)) = classify::provider_prefixed(&text) {
                return Some(make(Kind::HostedApiModel, provider, model.to_string()));
            }
            classify::is_hub_id(&text, true).then(|| make(Kind::Model, "huggingface", text))
        }
    }
}

/// A mention in a comment, docstring or prose: a Hub URL, or `org/name` of a well-known model publisher.
pub(crate) fn mentions(text: &str, file: &str, first_line: usize) -> Vec<Use> {
    /// Organisations whose `org/name` in prose is almost surely a model.
    const PUBLISHERS: &[&str] = &[
        "meta-llama",
        "mistralai",
        "Qwen",
        "deepseek-ai",
        "google",
        "microsoft",
        "openai",
        "sentence-transformers",
        "BAAI",
        "intfloat",
        "tiiuae",
        "bigscience",
        "stabilityai",
        "EleutherAI",
        "facebook",
        "nvidia",
        "ibm-granite",
        "HuggingFaceH4",
        "HuggingFaceTB",
        "TinyLlama",
        "Salesforce",
        "allenai",
        "CohereForAI",
        "01-ai",
        "THUDM",
        "openbmb",
        "black-forest-labs",
        "Alibaba-NLP",
        "nomic-ai",
        "jinaai",
        "mixedbread-ai",
        "cross-encoder",
        "Xenova",
        "onnx-community",
        "unsloth",
        "TheBloke",
        "bartowski",
        "lmsys",
    ];
    let mut found = Vec::new();
    for (offset, line) in text.lines().enumerate() {
        for word in line.split(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '(' | ')' | '<' | '>' | ',' | '[' | ']')
        }) {
            let word = word.trim_end_matches(['.', ':', ';']);
            let (candidate, dataset) = match word.split_once("huggingface.co/") {
                Some((_, rest)) => match rest.strip_prefix("datasets/") {
                    Some(rest) => (rest, true),
                    None => (rest, false),
                },
                None => (word, false),
            };
            let candidate: String = candidate.split('/').take(2).collect::<Vec<_>>().join("/");
            let known = word.contains("huggingface.co/")
                || candidate
                    .split_once('/')
                    .is_some_and(|(org, _)| PUBLISHERS.iter().any(|p| p.eq_ignore_ascii_case(org)));
            if known && classify::is_hub_id(&candidate, false) {
                found.push(Use {
                    kind: if dataset { Kind::Dataset } else { Kind::Model },
                    identifier: candidate,
                    source: "huggingface".into(),
                    revision: None,
                    file: file.to_string(),
                    line: first_line + offset,
                    status: Status::Mentioned,
                    via: "a comment, docstring or prose".into(),
                    declared: None,
                });
            }
        }
    }
    found
}

/// What to search.
#[derive(Clone, Debug)]
pub struct Options {
    /// Also honour `.gitignore` files (on by default).
    pub gitignore: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { gitignore: true }
    }
}

/// What the discovery found, and what it could not read.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Discovery {
    /// Every use, in file and line order.
    pub uses: Vec<Use>,
    /// Files skipped, with why (too large, unreadable, not UTF-8).
    pub skipped: Vec<(String, String)>,
    /// How many files were looked at.
    pub files: usize,
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileType {
    Python,
    Notebook,
    JavaScript,
    TypeScript,
    Tsx,
    Env,
    Dockerfile,
    Shell,
    Modelfile,
    Yaml,
    Json,
    Toml,
    Prose,
    Weights,
}

fn file_type(path: &Path) -> Option<FileType> {
    let name = path.file_name()?.to_string_lossy().to_string();
    let lower = name.to_ascii_lowercase();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower == "containerfile"
        || extension == "dockerfile"
    {
        return Some(FileType::Dockerfile);
    }
    if lower == "modelfile" || extension == "modelfile" {
        return Some(FileType::Modelfile);
    }
    if lower == ".env" || lower.starts_with(".env.") || extension == "env" {
        return Some(FileType::Env);
    }
    if matches!(
        lower.as_str(),
        "aibom.toml"
            | "aibom.lock"
            | "aibom.answers.toml"
            | "package-lock.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "poetry.lock"
            | "uv.lock"
            | "cargo.lock"
    ) {
        return None;
    }
    Some(match extension.as_str() {
        "py" | "pyi" => FileType::Python,
        "ipynb" => FileType::Notebook,
        "js" | "mjs" | "cjs" | "jsx" => FileType::JavaScript,
        "ts" | "mts" | "cts" => FileType::TypeScript,
        "tsx" => FileType::Tsx,
        "sh" | "bash" | "zsh" => FileType::Shell,
        "yaml" | "yml" => FileType::Yaml,
        "json" => FileType::Json,
        "toml" => FileType::Toml,
        "md" | "rst" | "txt" | "adoc" => FileType::Prose,
        e if WEIGHT_EXTENSIONS.contains(&e) => FileType::Weights,
        _ => return None,
    })
}

/// Finds every use under `root`.
pub fn discover(root: &Path, options: &Options) -> std::io::Result<Discovery> {
    std::fs::read_dir(root)?;
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(options.gitignore)
        .git_exclude(options.gitignore)
        .git_global(false)
        .ignore(options.gitignore)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            !(entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRECTORIES.contains(&entry.file_name().to_string_lossy().as_ref()))
        });
    let mut files: Vec<(PathBuf, FileType)> = Vec::new();
    for entry in builder.build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Some(kind) = file_type(entry.path()) {
            files.push((entry.into_path(), kind));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    type Scanned = (Vec<Use>, Option<(String, String)>);
    let results: Vec<Scanned> = files
        .par_iter()
        .map(|(path, kind)| {
            let relative = crate::diag::display_path(path.strip_prefix(root).unwrap_or(path));
            if *kind == FileType::Weights {
                return (
                    vec![Use {
                        kind: Kind::LocalWeights,
                        identifier: relative.clone(),
                        source: "local".into(),
                        revision: None,
                        file: relative,
                        line: 0,
                        status: Status::Present,
                        via: "a weights file".into(),
                        declared: None,
                    }],
                    None,
                );
            }
            match read_source(path) {
                Ok(text) => (scan_text(&text, *kind, &relative), None),
                Err(why) => (Vec::new(), Some((relative, why))),
            }
        })
        .collect();
    let mut discovery = Discovery {
        files: files.len(),
        ..Discovery::default()
    };
    for (mut uses, skipped) in results {
        uses.sort_by_key(|u| u.line);
        discovery.uses.extend(uses);
        discovery.skipped.extend(skipped);
    }
    Ok(discovery)
}

fn read_source(path: &Path) -> Result<String, String> {
    let (file, size) = crate::fsutil::open_checked(path, MAX_SOURCE, false).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(size as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_SOURCE), &mut bytes)
        .map_err(|e| e.to_string())?;
    // a Latin-1 or otherwise mis-encoded file is still code: its ASCII (every identifier and id) reads as is
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The uses in one file's text.
fn scan_text(text: &str, kind: FileType, file: &str) -> Vec<Use> {
    if kind != FileType::Prose && kind != FileType::Notebook && !triggers().is_match(text) {
        return Vec::new();
    }
    match kind {
        FileType::Python => python::scan(text, file, 0),
        FileType::Notebook => python::notebook(text, file),
        FileType::JavaScript => javascript::scan(text, file, javascript::Dialect::JavaScript),
        FileType::TypeScript => javascript::scan(text, file, javascript::Dialect::TypeScript),
        FileType::Tsx => javascript::scan(text, file, javascript::Dialect::Tsx),
        FileType::Env => config::env(text, file),
        FileType::Dockerfile => config::dockerfile(text, file),
        FileType::Shell => config::shell(text, file, 1),
        FileType::Modelfile => config::modelfile(text, file),
        FileType::Yaml => config::yaml(text, file),
        FileType::Json => config::json(text, file),
        FileType::Toml => config::toml(text, file),
        FileType::Prose => mentions(text, file, 1),
        FileType::Weights => Vec::new(),
    }
}

/// Scans one piece of code or configuration given as text (for tests and other front ends): `file` names it
/// and decides how it is read, as in a project.
pub fn scan_file_text(text: &str, file: &str) -> Vec<Use> {
    match file_type(Path::new(file)) {
        Some(kind) => scan_text(text, kind, file),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded table must parse whole: an empty table would find nothing and pass every project.
    #[test]
    fn the_api_table_parses_whole() {
        let text = include_str!("apis.toml");
        assert_eq!(table().len(), text.matches("\n[[api]]\n").count());
        assert!(table().len() >= 30);
        assert!(
            table()
                .iter()
                .all(|api| !api.calls.is_empty() && !api.languages.is_empty())
        );
        let pipeline = table()
            .iter()
            .find(|api| api.calls.iter().any(|c| c == "transformers.pipeline"))
            .unwrap();
        assert!(pipeline.defaults.len() >= 30);
    }
}
