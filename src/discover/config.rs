//! Configuration by its format: `.env`, Dockerfiles, shell scripts, Ollama Modelfiles, and YAML, JSON and TOML
//! parsed by their parsers (serde-saphyr, serde_json, toml-span) and walked as values.
//!
//! A value counts when its key names a model or dataset (`MODEL_ID`, `embedding_model`, `base_model`,
//! `dataset`), or when a command loads it (`ollama pull`, `huggingface-cli download`, `hf download`,
//! `vllm serve`, `--model`, `llama-server -hf`, a `git clone` from the Hub).

use super::{Status, Use, classify};

/// What a configuration key says its value is: `model`, `dataset`, `weights` (a path), `ollama`, or nothing.
fn key_kind(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase().replace('-', "_");
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let last = tokens.last().copied().unwrap_or_default();
    // MODEL_TYPE=bert, model_provider: openai, MODEL_MAX_TOKENS: the value is no model
    const NOT_A_NAME: &[&str] = &[
        "type",
        "class",
        "kind",
        "provider",
        "family",
        "arch",
        "architecture",
        "tokens",
        "temperature",
        "url",
        "endpoint",
        "timeout",
        "version",
        "size",
        "len",
        "length",
        "config",
        "kwargs",
        "args",
        "format",
        "count",
        "dtype",
        "device",
        "host",
        "port",
        "key",
        "token",
        "secret",
        "revision",
        "cache",
        "home",
    ];
    if NOT_A_NAME.contains(&last) {
        return None;
    }
    if matches!(last, "path" | "file" | "dir" | "directory" | "weights") {
        return tokens
            .iter()
            .any(|t| t.contains("model") || *t == "checkpoint" || *t == "gguf")
            .then_some("weights");
    }
    if tokens.iter().any(|t| t.contains("ollama")) {
        return Some("ollama");
    }
    if tokens.iter().any(|t| t.contains("dataset")) {
        return Some("dataset");
    }
    tokens
        .iter()
        .any(|t| {
            t.contains("model")
                || matches!(
                    *t,
                    "checkpoint" | "llm" | "embedding" | "embeddings" | "embedder" | "reranker"
                )
                || *t == "name_or_path"
        })
        .then_some("model")
}

/// A use that configuration states plainly (status `used`, no revision).
fn used(
    kind: &str,
    provider: Option<&str>,
    value: &str,
    file: &str,
    line: usize,
    via: impl Into<String>,
) -> Option<Use> {
    super::classify_use(
        kind,
        provider,
        value.to_string(),
        Status::Used,
        None,
        file,
        line,
        via.into(),
    )
}

/// A configuration value under a key of `kind`: what it is, if it is plainly one thing.
fn config_use(kind: &str, value: &str, file: &str, line: usize, via: &str) -> Option<Use> {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.is_empty() || value.contains(['$', '{', '}', ' ']) {
        return None;
    }
    let via = via.to_string();
    match kind {
        "weights" => (classify::is_local_path(value) || classify::is_weights_path(value))
            .then(|| used("weights", None, value, file, line, via))
            .flatten(),
        "ollama" => used("ollama", None, value, file, line, via),
        "dataset" => classify::is_hub_id(value, false)
            .then(|| used("dataset", None, value, file, line, via))
            .flatten(),
        _ => {
            if let Some(provider) = classify::hosted_provider(value) {
                return used("hosted", Some(provider), value, file, line, via);
            }
            if classify::is_hub_id(value, false) {
                return used("model", None, value, file, line, via);
            }
            // `llama3.1:8b`: a tag only Ollama writes
            if value.contains(':') && !value.contains('/') && classify::is_ollama_tag(value) {
                return used("ollama", None, value, file, line, via);
            }
            None
        }
    }
}

/// `KEY=value` (with `export`, quotes and trailing comments).
fn assignment(line: &str) -> Option<(&str, String)> {
    let line = line.trim();
    let line = line.strip_prefix("export ").unwrap_or(line).trim();
    if line.starts_with('#') {
        return None;
    }
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let value = value.trim();
    let value = if let Some(quoted) = value.strip_prefix('"') {
        quoted.split('"').next().unwrap_or_default().to_string()
    } else if let Some(quoted) = value.strip_prefix('\'') {
        quoted.split('\'').next().unwrap_or_default().to_string()
    } else {
        value.split(" #").next().unwrap_or_default().trim().to_string()
    };
    Some((key, value))
}

pub(super) fn env(text: &str, file: &str) -> Vec<Use> {
    text.lines()
        .enumerate()
        .filter_map(|(at, line)| {
            let (key, value) = assignment(line)?;
            config_use(key_kind(key)?, &value, file, at + 1, key)
        })
        .collect()
}

/// Splits a command line into words, honouring quotes (no expansion).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (None, ';' | '&' | '|') => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                out.push(c.to_string());
                started = false;
            }
            (None, c) => current.push(c),
        }
    }
    if started || !current.is_empty() {
        out.push(current);
    }
    out
}

/// The uses in one shell command line: each command of a list (`a && b; c | d`) by itself.
fn command(line: &str, file: &str, at: usize) -> Vec<Use> {
    let line = line.trim();
    if line.starts_with('#') {
        return Vec::new();
    }
    let all = words(line);
    all.split(|w| matches!(w.as_str(), ";" | "&" | "|"))
        .flat_map(|words| simple_command(words, file, at))
        .collect()
}

/// The uses in one simple command's words.
fn simple_command(words: &[String], file: &str, at: usize) -> Vec<Use> {
    let mut found = Vec::new();
    let mut dataset_repo = false;
    for (i, word) in words.iter().enumerate() {
        if word == "--repo-type" && words.get(i + 1).is_some_and(|t| t == "dataset")
            || word == "--repo-type=dataset"
        {
            dataset_repo = true;
        }
    }
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).map(String::as_str);
        let after = words.get(i + 2).map(String::as_str);
        match (word.as_str(), next) {
            ("ollama", Some("pull" | "run")) => {
                if let Some(tag) = after {
                    found.extend(used(
                        "ollama",
                        None,
                        tag,
                        file,
                        at,
                        format!("ollama {}", next.unwrap_or_default()),
                    ));
                }
            }
            ("huggingface-cli" | "hf", Some("download")) => {
                if let Some(repo) = after.filter(|r| !r.starts_with('-')) {
                    let kind = if dataset_repo { "dataset" } else { "model" };
                    if classify::is_hub_id(repo, false) {
                        found.extend(used(kind, None, repo, file, at, format!("{word} download")));
                    }
                }
            }
            ("vllm", Some("serve")) => {
                if let Some(model) = after {
                    found.extend(config_use("model", model, file, at, "vllm serve"));
                }
            }
            ("-hf" | "--hf-repo", Some(repo)) => {
                let repo = repo.split(':').next().unwrap_or(repo);
                found.extend(config_use("model", repo, file, at, word));
            }
            ("git", Some("clone")) => {
                for url in words.iter().skip(i + 2) {
                    if let Some(rest) = url.strip_prefix("https://huggingface.co/") {
                        let (rest, kind) = match rest.strip_prefix("datasets/") {
                            Some(r) => (r, "dataset"),
                            None => (rest, "model"),
                        };
                        let repo = rest.trim_end_matches(".git").trim_end_matches('/');
                        if classify::is_hub_id(repo, false) {
                            found.extend(used(kind, None, repo, file, at, "git clone"));
                        }
                    }
                }
            }
            (flag, _) if flag.starts_with("--") => {
                let (name, inline) = match flag.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (flag, None),
                };
                let name = name.trim_start_matches('-');
                if let Some(kind) = key_kind(name)
                    && let Some(value) = inline.or(next.filter(|n| !n.starts_with('-')))
                {
                    found.extend(config_use(kind, value, file, at, &format!("--{name}")));
                }
            }
            _ => {
                if let Some((key, value)) = assignment(word)
                    && let Some(kind) = key_kind(key)
                {
                    found.extend(config_use(kind, &value, file, at, key));
                }
            }
        }
    }
    found
}

/// A shell script: each logical line (continuations joined), comments skipped. `first_line` is the line of
/// the text's first line (a notebook's `!` line).
pub(super) fn shell(text: &str, file: &str, first_line: usize) -> Vec<Use> {
    let mut found = Vec::new();
    let mut pending = String::new();
    let mut start = first_line;
    for (offset, line) in text.lines().enumerate() {
        if pending.is_empty() {
            start = first_line + offset;
        }
        if let Some(continued) = line.strip_suffix('\\') {
            pending.push_str(continued);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        found.extend(command(&pending, file, start));
        pending.clear();
    }
    if !pending.is_empty() {
        found.extend(command(&pending, file, start));
    }
    found
}

pub(super) fn dockerfile(text: &str, file: &str) -> Vec<Use> {
    let mut found = Vec::new();
    let mut logical = String::new();
    let mut start = 1;
    let flush = |logical: &str, start: usize, found: &mut Vec<Use>| {
        let trimmed = logical.trim();
        let (instruction, rest) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
        match instruction.to_ascii_uppercase().as_str() {
            "ENV" | "ARG" => {
                let pairs: Vec<(String, String)> = if rest.contains('=') {
                    words(rest)
                        .iter()
                        .filter_map(|w| assignment(w).map(|(k, v)| (k.to_string(), v)))
                        .collect()
                } else {
                    // ENV KEY value
                    rest.split_once(char::is_whitespace)
                        .map(|(k, v)| vec![(k.to_string(), v.trim().to_string())])
                        .unwrap_or_default()
                };
                for (key, value) in pairs {
                    if let Some(kind) = key_kind(&key) {
                        found.extend(config_use(kind, &value, file, start, &key));
                    }
                }
            }
            "RUN" | "CMD" | "ENTRYPOINT" => {
                // the exec form is a JSON array of words
                let line = serde_json::from_str::<Vec<String>>(rest.trim())
                    .map(|words| {
                        words
                            .iter()
                            .map(|w| {
                                if w.contains(' ') {
                                    format!("\"{w}\"")
                                } else {
                                    w.clone()
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_else(|_| rest.to_string());
                found.extend(command(&line, file, start));
            }
            _ => {}
        }
    };
    for (at, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        if logical.is_empty() {
            start = at + 1;
        }
        if let Some(continued) = line.strip_suffix('\\') {
            logical.push_str(continued);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        flush(&logical, start, &mut found);
        logical.clear();
    }
    if !logical.is_empty() {
        flush(&logical, start, &mut found);
    }
    found
}

/// An Ollama Modelfile: `FROM` names an Ollama model, a GGUF file or a Hub repository (`hf.co/org/name`);
/// `ADAPTER` a file.
pub(super) fn modelfile(text: &str, file: &str) -> Vec<Use> {
    let mut found = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        let Some((instruction, rest)) = trimmed.split_once(char::is_whitespace) else {
            continue;
        };
        let value = rest.trim();
        match instruction.to_ascii_uppercase().as_str() {
            "FROM" => {
                if let Some(repo) = value
                    .strip_prefix("hf.co/")
                    .or_else(|| value.strip_prefix("huggingface.co/"))
                {
                    let repo = repo.split(':').next().unwrap_or(repo);
                    found.extend(used("model", None, repo, file, at + 1, "Modelfile FROM"));
                } else {
                    found.extend(used("ollama", None, value, file, at + 1, "Modelfile FROM"));
                }
            }
            "ADAPTER" => found.extend(used("weights", None, value, file, at + 1, "Modelfile ADAPTER")),
            _ => {}
        }
    }
    found
}

/// The line of `text` where `needle` first appears after line `from` (1-based), else `from`.
fn line_of(text: &str, needle: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, line)| line.contains(needle))
        .map_or(from.max(1), |(at, _)| at + 1)
}

/// Walks a parsed document: string values under model keys, `environment` entries, and commands.
/// A table under a key that names models or datasets (`datasets: [{path: org/name}]`, as axolotl and many
/// training configs write them) gives that kind to its generic keys.
const GENERIC_KEYS: &[&str] = &[
    "path",
    "name",
    "id",
    "repo",
    "repo_id",
    "hf_path",
    "name_or_path",
    "source",
];

fn walk(value: &serde_json::Value, text: &str, file: &str, found: &mut Vec<Use>) {
    let mut stack: Vec<(Option<String>, &serde_json::Value, Option<&'static str>)> =
        vec![(None, value, None)];
    let mut visited = 0;
    while let Some((key, value, inherited)) = stack.pop() {
        visited += 1;
        if visited > 200_000 {
            break;
        }
        let own = key.as_deref().and_then(key_kind).filter(|k| *k != "weights");
        match value {
            serde_json::Value::Object(map) => {
                // a Kubernetes-style environment entry: `{name: MODEL_ID, value: org/name}`
                if let (Some(serde_json::Value::String(name)), Some(serde_json::Value::String(value))) =
                    (map.get("name"), map.get("value"))
                    && let Some(kind) = key_kind(name)
                {
                    found.extend(config_use(kind, value, file, line_of(text, value, 1), name));
                    continue;
                }
                for (k, v) in map {
                    stack.push((Some(k.clone()), v, own.or(inherited)));
                }
            }
            serde_json::Value::Array(items) => {
                let command_key = key
                    .as_deref()
                    .is_some_and(|k| matches!(k, "command" | "entrypoint" | "args" | "cmd" | "run"));
                if command_key && items.iter().all(|i| i.is_string()) {
                    let line = items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let first = items.first().and_then(|i| i.as_str()).unwrap_or_default();
                    found.extend(command(&line, file, line_of(text, first, 1)));
                    continue;
                }
                for item in items {
                    stack.push((key.clone(), item, own.or(inherited)));
                }
            }
            serde_json::Value::String(s) => {
                let Some(key) = key.as_deref() else {
                    continue;
                };
                let at = line_of(text, s, 1);
                if matches!(key, "environment" | "env") {
                    if let Some((k, v)) = assignment(s)
                        && let Some(kind) = key_kind(k)
                    {
                        found.extend(config_use(kind, &v, file, at, k));
                    }
                } else if matches!(key, "command" | "entrypoint" | "args" | "cmd" | "run" | "script") {
                    found.extend(command(s, file, at));
                } else if let Some(kind) = key_kind(key) {
                    found.extend(config_use(kind, s, file, at, key));
                } else if let Some(kind) = inherited.filter(|_| GENERIC_KEYS.contains(&key)) {
                    found.extend(config_use(kind, s, file, at, key));
                }
            }
            _ => {}
        }
    }
}

pub(super) fn yaml(text: &str, file: &str) -> Vec<Use> {
    let mut found = Vec::new();
    // one document or several (`---`), each parsed by itself
    let documents: Vec<serde_json::Value> = serde_saphyr::from_multiple(text).unwrap_or_default();
    for document in &documents {
        walk(document, text, file, &mut found);
    }
    found.sort_by_key(|u| u.line);
    found
}

pub(super) fn json(text: &str, file: &str) -> Vec<Use> {
    let lower = file.to_ascii_lowercase();
    // a model's own configuration files name its lineage, not what the project loads (init reads those)
    const MODEL_FILES: &[&str] = &[
        "config.json",
        "adapter_config.json",
        "tokenizer_config.json",
        "generation_config.json",
        "special_tokens_map.json",
        "tokenizer.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "package.json",
        "tsconfig.json",
    ];
    if MODEL_FILES
        .iter()
        .any(|name| lower == *name || lower.ends_with(&format!("/{name}")))
    {
        return Vec::new();
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    walk(&value, text, file, &mut found);
    found.sort_by_key(|u| u.line);
    found
}

pub(super) fn toml(text: &str, file: &str) -> Vec<Use> {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with("cargo.toml") || lower.ends_with("pyproject.toml") {
        return Vec::new();
    }
    let Some(value) = toml_span::parse(text)
        .ok()
        .and_then(|value| serde_json::to_value(&value).ok())
    else {
        return Vec::new();
    };
    // an aitrust manifest (whatever its name) declares components; it does not use them
    if value.get("schema").is_some() && value.get("project").is_some() {
        return Vec::new();
    }
    let mut found = Vec::new();
    walk(&value, text, file, &mut found);
    found.sort_by_key(|u| u.line);
    found
}
