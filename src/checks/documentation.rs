//! The documentation check: model cards and dataset cards (Markdown with YAML front matter) are read for what
//! the trust checklist needs — license, intended and out-of-scope use, limitations, training data, evaluation,
//! bias and risks; for datasets, how the data was collected and processed. Each component gets a completeness
//! score; each missing topic is a finding for the checklist item it informs.

use serde::Serialize;

use super::CheckCtx;
use crate::bom::{Bom, Component, ComponentKind};
use crate::findings::{Code, Findings};

/// A topic a card should cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Topic {
    /// Its name in reports.
    pub name: &'static str,
    /// Heading words that cover it (lower case).
    pub headings: &'static [&'static str],
    /// Front-matter keys that cover it.
    pub keys: &'static [&'static str],
    /// The finding when it is missing.
    pub code: Code,
}

const LICENSE: Topic = Topic {
    name: "license",
    headings: &["license", "licensing"],
    keys: &["license", "license_name"],
    code: Code::Doc009,
};
const INTENDED_USE: Topic = Topic {
    name: "intended use",
    headings: &["intended use", "uses", "direct use", "usage", "how to use"],
    keys: &[],
    code: Code::Doc003,
};
const OUT_OF_SCOPE: Topic = Topic {
    name: "out-of-scope use",
    headings: &["out-of-scope", "out of scope", "misuse", "not intended"],
    keys: &[],
    code: Code::Doc003,
};
const LIMITATIONS: Topic = Topic {
    name: "limitations",
    headings: &["limitation", "caveat", "known issues"],
    keys: &[],
    code: Code::Doc004,
};
const TRAINING_DATA: Topic = Topic {
    name: "training data",
    headings: &["training data", "training dataset", "data used"],
    keys: &["datasets"],
    code: Code::Doc005,
};
const EVALUATION: Topic = Topic {
    name: "evaluation",
    headings: &["evaluation", "results", "benchmark", "performance", "metrics"],
    keys: &["model-index"],
    code: Code::Doc006,
};
const BIAS_RISKS: Topic = Topic {
    name: "bias and risks",
    headings: &["bias", "risk", "fairness", "ethical", "harm"],
    keys: &[],
    code: Code::Doc007,
};
const COLLECTION: Topic = Topic {
    name: "collection",
    headings: &[
        "collection",
        "source data",
        "curation",
        "data sources",
        "sourcing",
    ],
    keys: &[],
    code: Code::Doc008,
};
const PROCESSING: Topic = Topic {
    name: "processing",
    headings: &[
        "processing",
        "preprocessing",
        "cleaning",
        "annotation",
        "filtering",
    ],
    keys: &["annotations_creators"],
    code: Code::Doc008,
};
const DATASET_BIAS: Topic = Topic {
    name: "bias and sensitive data",
    headings: &["bias", "personal", "sensitive", "social impact"],
    keys: &[],
    code: Code::Doc007,
};

/// What a model card should cover.
pub const MODEL_TOPICS: &[Topic] = &[
    LICENSE,
    INTENDED_USE,
    OUT_OF_SCOPE,
    LIMITATIONS,
    TRAINING_DATA,
    EVALUATION,
    BIAS_RISKS,
];
/// What a dataset card (datasheet) should cover.
pub const DATASET_TOPICS: &[Topic] = &[
    LICENSE,
    INTENDED_USE,
    LIMITATIONS,
    COLLECTION,
    PROCESSING,
    DATASET_BIAS,
];

/// A component's documentation completeness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Completeness {
    /// Percent of the topics covered (0 when there is no card).
    pub score: u8,
    /// The card, if any.
    pub card: Option<String>,
    /// Topics the card covers.
    pub present: Vec<String>,
    /// Topics it does not.
    pub missing: Vec<String>,
    /// Why the card could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The headings of a Markdown text (outside fenced code blocks), lower case.
pub fn headings(markdown: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut found = Vec::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('#') {
            let text = rest.trim_start_matches('#').trim();
            if !text.is_empty() {
                found.push(text.to_ascii_lowercase());
            }
        }
    }
    found
}

/// Top-level front-matter keys.
fn front_matter_keys(text: &str) -> Vec<String> {
    crate::bom::card::front_matter(text)
        .map(|yaml| {
            yaml.lines()
                .filter(|line| !line.starts_with([' ', '\t', '-', '#']))
                .filter_map(|line| line.split_once(':').map(|(key, _)| key.trim().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Scores one card's text for a kind of component.
pub fn score(text: &str, kind: ComponentKind) -> (Vec<&'static Topic>, Vec<&'static Topic>) {
    let headings = headings(text);
    let keys = front_matter_keys(text);
    let topics = if kind == ComponentKind::Model {
        MODEL_TOPICS
    } else {
        DATASET_TOPICS
    };
    topics.iter().partition(|topic| {
        topic.keys.iter().any(|key| keys.iter().any(|k| k == key))
            || headings
                .iter()
                .any(|heading| topic.headings.iter().any(|word| heading.contains(word)))
    })
}

/// Analyzes every component's card (read only inside the project root).
pub fn analyze(bom: &Bom) -> Vec<(String, Completeness)> {
    bom.components()
        .map(|component| (component.id.value.clone(), analyze_one(bom, component)))
        .collect()
}

fn analyze_one(bom: &Bom, component: &Component) -> Completeness {
    let topics = if component.kind == ComponentKind::Model {
        MODEL_TOPICS
    } else {
        DATASET_TOPICS
    };
    let all_missing = |card: Option<String>, problem: Option<String>| Completeness {
        score: 0,
        card,
        present: Vec::new(),
        missing: topics.iter().map(|t| t.name.to_string()).collect(),
        problem,
    };
    let Some(card) = &component.card else {
        return all_missing(None, None);
    };
    let root = std::fs::canonicalize(&bom.root).ok();
    let path = std::fs::canonicalize(card.value.under(&bom.root)).ok();
    let inside = matches!((&root, &path), (Some(root), Some(path)) if path.starts_with(root));
    let text = match (inside, path) {
        (true, Some(path)) => crate::fsutil::read_text_in_root(&bom.root, &path, crate::fsutil::limits::CARD)
            .map_err(|e| e.to_string()),
        (false, Some(_)) => Err("it is a symbolic link out of the project".to_string()),
        _ => Err("it does not exist".to_string()),
    };
    let text = match text {
        Ok(text) => text,
        Err(problem) => return all_missing(Some(card.value.to_string()), Some(problem)),
    };
    let (present, missing) = score(&text, component.kind);
    Completeness {
        score: (present.len() * 100 / topics.len().max(1)) as u8,
        card: Some(card.value.to_string()),
        present: present.iter().map(|t| t.name.to_string()).collect(),
        missing: missing.iter().map(|t| t.name.to_string()).collect(),
        problem: None,
    }
}

/// Reports missing cards and missing topics.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    for (component, (_, completeness)) in ctx.bom.components().zip(ctx.documentation) {
        // Training data the project never holds is documented by its publisher, not here.
        if component.card.is_none() && ctx.bom.is_training_data_only(component) {
            continue;
        }
        let id = Some(component.id.value.as_str());
        let what = if component.kind == ComponentKind::Model {
            "model card"
        } else {
            "dataset card (datasheet)"
        };
        match (&component.card, &completeness.problem) {
            (None, _) => {
                out.push(ctx.draft(
                    Code::Doc001,
                    id,
                    component.id.span,
                    format!("{} `{}` has no {what}", component.kind.as_str(), component.id.value),
                    format!("add `card = \"path/to/README.md\"` with its {what} (copy the publisher's, or write one)"),
                ));
                continue;
            }
            (Some(card), Some(problem)) => {
                out.push(ctx.draft(
                    Code::Doc002,
                    id,
                    card.span,
                    format!("the {what} `{}` cannot be read: {problem}", card.value),
                    "restore the card, or fix `card`".into(),
                ));
                continue;
            }
            _ => {}
        }
        let span = component.card.as_ref().map_or(component.id.span, |c| c.span);
        let topics = if component.kind == ComponentKind::Model {
            MODEL_TOPICS
        } else {
            DATASET_TOPICS
        };
        for topic in topics
            .iter()
            .filter(|t| completeness.missing.iter().any(|m| m == t.name))
        {
            out.push(ctx.draft(
                topic.code,
                id,
                span,
                format!(
                    "the {what} of `{}` does not cover {}",
                    component.id.value, topic.name
                ),
                format!(
                    "ask the publisher, or document {} yourself (a section headed e.g. \"{}\")",
                    topic.name, topic.headings[0]
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_outside_code_fences() {
        let text = "---\nlicense: mit\n---\n# Title\n## Intended uses\n```python\n# not a heading\n```\n### Training data\n";
        assert_eq!(headings(text), ["title", "intended uses", "training data"]);
        let (present, missing) = score(text, ComponentKind::Model);
        let names: Vec<&str> = present.iter().map(|t| t.name).collect();
        assert_eq!(names, ["license", "intended use", "training data"]);
        assert_eq!(missing.len(), 4);
    }

    #[test]
    fn the_real_minilm_card() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/manifests/demo/models/all-MiniLM-L6-v2/README.md"
        );
        let (present, missing) = score(&std::fs::read_to_string(path).unwrap(), ComponentKind::Model);
        let present: Vec<&str> = present.iter().map(|t| t.name).collect();
        let missing: Vec<&str> = missing.iter().map(|t| t.name).collect();
        assert_eq!(present, ["license", "intended use", "training data"]);
        assert_eq!(
            missing,
            ["out-of-scope use", "limitations", "evaluation", "bias and risks"]
        );
    }
}
