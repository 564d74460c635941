//! What a name found in code is: a Hub repository, a hosted model and its provider, an Ollama tag, a local
//! weights path, or nothing at all (a MIME type, a URL, a path that only looks like `org/name`).

/// Hosted model families by name prefix, and their providers (from each provider's model list).
const HOSTED: &[(&str, &str)] = &[
    ("gpt-", "openai"),
    ("chatgpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4-", "openai"),
    ("text-embedding-3", "openai"),
    ("text-embedding-ada", "openai"),
    ("dall-e-", "openai"),
    ("whisper-1", "openai"),
    ("tts-1", "openai"),
    ("omni-moderation", "openai"),
    ("davinci-", "openai"),
    ("babbage-", "openai"),
    ("claude-", "anthropic"),
    ("gemini-", "google"),
    ("text-embedding-004", "google"),
    ("text-embedding-005", "google"),
    ("imagen-", "google"),
    ("mistral-", "mistral"),
    ("open-mistral-", "mistral"),
    ("open-mixtral-", "mistral"),
    ("codestral-", "mistral"),
    ("ministral-", "mistral"),
    ("pixtral-", "mistral"),
    ("magistral-", "mistral"),
    ("command-", "cohere"),
    ("command", "cohere"),
    ("embed-english-", "cohere"),
    ("embed-multilingual-", "cohere"),
    ("rerank-", "cohere"),
];

/// The provider whose model this name is, if the name says so.
pub fn hosted_provider(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    // "o1", "o3-mini": the o-series are a letter and a digit, then nothing or a dash
    HOSTED.iter().find_map(|(prefix, provider)| {
        let matches = if prefix.len() == 2 && prefix.starts_with('o') {
            lower == *prefix || lower.starts_with(&format!("{prefix}-"))
        } else if *prefix == "command" {
            lower == "command"
        } else {
            lower.starts_with(prefix)
        };
        matches.then_some(*provider)
    })
}

/// A hosted model named with its provider as LiteLLM and gateways write it (`anthropic/claude-3-5-sonnet`,
/// `openai/gpt-4o`, `gemini/gemini-2.0-flash`): the provider, and the model. A Hub repository of a provider's
/// open weights (`openai/whisper-small`, `openai/gpt-oss-20b`, `google/gemma-2-2b-it`) is not one.
pub fn provider_prefixed(text: &str) -> Option<(&'static str, &str)> {
    let (org, model) = text.split_once('/')?;
    let by_org = match org.to_ascii_lowercase().as_str() {
        "openai" | "azure" => "openai",
        "anthropic" => "anthropic",
        // (not `google` or `mistralai`: those are the Hub organisations of their open weights)
        "gemini" | "vertex_ai" => "google",
        "mistral" => "mistral",
        "cohere" | "cohere_chat" => "cohere",
        _ => return None,
    };
    let lower = model.to_ascii_lowercase();
    if lower.starts_with("gpt-oss") || model.contains('/') {
        return None;
    }
    (hosted_provider(model) == Some(by_org)).then_some((by_org, model))
}

/// The top-level MIME types: `text/plain` is no repository.
const MIME_TYPES: &[&str] = &[
    "text",
    "image",
    "audio",
    "video",
    "application",
    "multipart",
    "message",
    "font",
    "model",
];

/// Model weight file extensions (the same list `init` finds models by).
pub fn is_weights_path(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    crate::discover::WEIGHT_EXTENSIONS
        .iter()
        .any(|extension| lower.ends_with(&format!(".{extension}")))
}

/// A local path rather than a repository name: starts like a path, or ends in a file extension.
pub fn is_local_path(text: &str) -> bool {
    text.starts_with("./")
        || text.starts_with("../")
        || text.starts_with('/')
        || text.starts_with('~')
        || text.contains('\\')
        || (text.len() > 2 && text.as_bytes()[1] == b':')
        || is_weights_path(text)
}

/// A Hugging Face Hub repository name: `org/name` (or a legacy one-part name where the caller says one is
/// allowed), each part of the Hub's characters (letters, digits, `-`, `_`, `.`), not starting or ending with a
/// separator, not `..`; not a MIME type, a URL, a path or a file.
pub fn is_hub_id(text: &str, allow_single: bool) -> bool {
    if text.is_empty() || text.len() > 96 || is_local_path(text) || text.contains("://") {
        return false;
    }
    let parts: Vec<&str> = text.split('/').collect();
    let part_ok = |part: &str| {
        !part.is_empty()
            && part.len() <= 96
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !part.starts_with(['-', '.'])
            && !part.ends_with(['-', '.'])
            && !part.contains("..")
    };
    match parts.as_slice() {
        [org, name] => {
            part_ok(org)
                && part_ok(name)
                && !MIME_TYPES.contains(&org.to_ascii_lowercase().as_str())
                // a file name (`docs/readme.md`, `img/logo.png`) is no repository; names with dots and
                // versions (`Qwen2.5-7B`, `v1.5`) are
                && !name.rsplit_once('.').is_some_and(|(_, ext)| {
                    matches!(
                        ext.to_ascii_lowercase().as_str(),
                        "md" | "txt" | "py" | "js" | "ts" | "json" | "yaml" | "yml" | "toml" | "png" | "jpg"
                            | "jpeg" | "gif" | "svg" | "html" | "css" | "csv" | "rs" | "go" | "sh" | "pdf"
                    )
                })
        }
        [name] => allow_single && part_ok(name) && name.chars().any(|c| c.is_ascii_alphabetic()),
        _ => false,
    }
}

/// An Ollama model tag: `name`, `name:tag` or `namespace/name:tag`, lower-case letters, digits, `.`, `-`, `_`.
pub fn is_ollama_tag(text: &str) -> bool {
    let (name, tag) = text.split_once(':').unwrap_or((text, "latest"));
    let ok = |part: &str| {
        !part.is_empty()
            && part.len() <= 80
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
    };
    let name_ok = match name.split_once('/') {
        Some((namespace, rest)) => ok(namespace) && ok(rest),
        None => ok(name),
    };
    name_ok && ok(tag) && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_names_and_look_alikes() {
        for yes in [
            "meta-llama/Llama-3.1-8B-Instruct",
            "Qwen/Qwen2.5-7B-Instruct",
            "BAAI/bge-small-en-v1.5",
        ] {
            assert!(is_hub_id(yes, false), "{yes}");
        }
        for no in [
            "text/plain",
            "application/json",
            "./models/x",
            "docs/README.md",
            "https://huggingface.co/x/y",
            "a/b/c",
            "models/x.safetensors",
            "../data",
            "org/",
            "/abs",
            "C:/x",
            "..x/y",
        ] {
            assert!(!is_hub_id(no, false), "{no}");
        }
        assert!(is_hub_id("gpt2", true) && !is_hub_id("gpt2", false));
    }

    #[test]
    fn providers_by_name() {
        assert_eq!(hosted_provider("gpt-4o-mini"), Some("openai"));
        assert_eq!(hosted_provider("o3-mini"), Some("openai"));
        assert_eq!(hosted_provider("o3"), Some("openai"));
        assert_eq!(hosted_provider("claude-3-5-sonnet-latest"), Some("anthropic"));
        assert_eq!(hosted_provider("gemini-2.0-flash"), Some("google"));
        assert_eq!(hosted_provider("command-r-plus"), Some("cohere"));
        assert_eq!(hosted_provider("mistral-large-latest"), Some("mistral"));
        assert_eq!(hosted_provider("llama3.1"), None);
        assert_eq!(hosted_provider("octopus"), None);
    }

    #[test]
    fn provider_prefixed_names() {
        assert_eq!(
            provider_prefixed("anthropic/claude-3-5-sonnet-latest"),
            Some(("anthropic", "claude-3-5-sonnet-latest"))
        );
        assert_eq!(provider_prefixed("openai/gpt-4o"), Some(("openai", "gpt-4o")));
        for hub in [
            "openai/whisper-small",
            "openai/gpt-oss-20b",
            "google/gemma-2-2b-it",
            "mistralai/Mistral-7B-v0.1",
            "org/gpt-4o",
        ] {
            assert_eq!(provider_prefixed(hub), None, "{hub}");
        }
    }

    #[test]
    fn ollama_tags() {
        assert!(
            is_ollama_tag("llama3.1:8b")
                && is_ollama_tag("nomic-embed-text")
                && is_ollama_tag("library/qwen2.5:7b")
        );
        assert!(!is_ollama_tag("Qwen/Qwen2.5") && !is_ollama_tag("a b"));
    }
}
