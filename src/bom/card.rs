//! Model and dataset cards: Markdown with YAML front matter (`---` ... `---`), as on the Hugging Face Hub.
//! Only the front matter is read, with a pure-Rust, panic-free YAML parser and its default resource budget.

use serde::Deserialize;

/// The card fields aitrust reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardData {
    /// `license` (a Hub license id or SPDX id).
    pub license: Option<String>,
    /// `license_name` (with `license: other`).
    pub license_name: Option<String>,
    /// `datasets`.
    pub datasets: Vec<String>,
    /// `base_model`.
    pub base_model: Vec<String>,
    /// `base_model_relation` (the Hub's values: `adapter`, `merge`, `quantized`, `finetune`).
    pub base_model_relation: Option<String>,
    /// `pipeline_tag`.
    pub pipeline_tag: Option<String>,
    /// `library_name`.
    pub library_name: Option<String>,
    /// The body's first level-one heading (`# all-MiniLM-L6-v2`), outside code blocks: the card's title.
    pub title: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(one) => vec![one],
            Self::Many(many) => many,
        }
    }
}

#[derive(Deserialize)]
struct RawCard {
    license: Option<OneOrMany>,
    license_name: Option<String>,
    datasets: Option<OneOrMany>,
    base_model: Option<OneOrMany>,
    base_model_relation: Option<String>,
    pipeline_tag: Option<String>,
    library_name: Option<String>,
}

/// The YAML between the opening and closing `---` lines, if the card starts with front matter.
pub fn front_matter(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(&rest[..offset]);
        }
        offset += line.len();
    }
    None
}

/// The first level-one ATX heading of the card's body (after the front matter), outside fenced code blocks,
/// with inline markup characters left as written; at most 200 characters.
pub fn title(text: &str) -> Option<String> {
    let body = match front_matter(text) {
        Some(yaml) => {
            // `yaml` is a slice of `text`: the body starts after its closing `---` line
            let start = (yaml.as_ptr() as usize - text.as_ptr() as usize) + yaml.len();
            text.get(start..)?.split_once('\n').map_or("", |(_, rest)| rest)
        }
        None => text,
    };
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        // an ATX heading: at most three spaces of indent, `#`, then a space
        if line.len() - trimmed.len() <= 3
            && let Some(heading) = trimmed.strip_prefix("# ")
        {
            let heading = heading.trim().trim_end_matches('#').trim();
            if !heading.is_empty() && heading.chars().count() <= 200 {
                return Some(heading.to_string());
            }
        }
    }
    None
}

/// Reads a card's front matter. `Ok(None)` when the card has none.
pub fn parse(text: &str) -> Result<Option<CardData>, String> {
    let Some(yaml) = front_matter(text) else {
        return Ok(None);
    };
    let title = title(text);
    if yaml.trim().is_empty() {
        return Ok(Some(CardData {
            title,
            ..CardData::default()
        }));
    }
    let raw: RawCard = serde_saphyr::from_str(yaml).map_err(|error| error.to_string())?;
    Ok(Some(CardData {
        // Several licenses in a card are rare; keep the first and let the license check judge the rest.
        license: raw.license.and_then(|l| l.into_vec().into_iter().next()),
        license_name: raw.license_name,
        datasets: raw.datasets.map(OneOrMany::into_vec).unwrap_or_default(),
        base_model: raw.base_model.map(OneOrMany::into_vec).unwrap_or_default(),
        base_model_relation: raw.base_model_relation,
        pipeline_tag: raw.pipeline_tag,
        library_name: raw.library_name,
        title,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_real_minilm_card() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/manifests/demo/models/all-MiniLM-L6-v2/README.md"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let card = parse(&text).unwrap().unwrap();
        assert_eq!(card.license.as_deref(), Some("apache-2.0"));
        assert_eq!(card.datasets.len(), 21);
        assert_eq!(card.datasets[0], "s2orc");
        assert_eq!(card.pipeline_tag.as_deref(), Some("sentence-similarity"));
        assert_eq!(card.title.as_deref(), Some("all-MiniLM-L6-v2"));
        // the front matter's comments and code blocks' comments are no title
        assert_eq!(
            title("---\n# yaml comment\nlicense: mit\n---\n```python\n# code\n```\n## Sub\n# Real Title #\n"),
            Some("Real Title".to_string())
        );
        assert_eq!(title("no heading\n#not one\n"), None);
    }

    #[test]
    fn front_matter_edge_cases() {
        assert_eq!(front_matter("no front matter"), None);
        assert_eq!(front_matter("---\nlicense: mit\n"), None, "unterminated");
        assert_eq!(
            front_matter("---\r\nlicense: mit\r\n---\r\nbody"),
            Some("license: mit\r\n")
        );
        let card = parse("---\nbase_model: meta-llama/Llama-3.1-8B\nlicense: llama3.1\n---\n")
            .unwrap()
            .unwrap();
        assert_eq!(card.base_model, ["meta-llama/Llama-3.1-8B"]);
        assert!(parse("---\nlicense: [unclosed\n---\n").is_err());
        // an alias bomb must be refused by the parser's budget, not expanded
        let bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nlicense: mit\n---\n";
        match parse(bomb) {
            Ok(card) => assert_eq!(card.unwrap().license.as_deref(), Some("mit")),
            Err(message) => assert!(!message.is_empty()),
        }
    }
}
