//! Normalization: whatever a manifest or model card says (`apache-2.0`, `llama3.1`, `Apache License 2.0`, a
//! license URL, `MIT OR apache-2.0`) becomes a canonical SPDX expression, parsed strictly with `spdx`.
//!
//! Hugging Face ids are not SPDX ids and the `spdx` crate's lax mode mangles them (`apache-2.0` loses `.0`),
//! so every term is mapped through the knowledge base first. Ids that name no license (`other`, `unknown`,
//! a bare family like `cc`) and terms nobody knows are errors — never a pass.

use super::kb::KnowledgeBase;

/// A license in canonical form.
#[derive(Clone, Debug)]
pub struct Normalized {
    /// The canonical expression text (`Apache-2.0 OR MIT`).
    pub canonical: String,
    /// The parsed expression.
    pub expression: spdx::Expression,
}

/// Why a license text could not be normalized.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    /// Nothing was written.
    #[error("the license is empty")]
    Empty,
    /// A term that names no license.
    #[error("`{term}` does not name a license")]
    Ambiguous {
        /// The term.
        term: String,
        /// What to write instead.
        help: String,
    },
    /// A term that is neither SPDX, nor in the knowledge base, nor a `LicenseRef-`.
    #[error("`{term}` is not a license aitrust knows")]
    Unknown {
        /// The term.
        term: String,
        /// The closest known id, if one is close.
        suggestion: Option<String>,
    },
    /// The expression does not parse (unbalanced parentheses, a missing operator...).
    #[error("`{text}` is not a valid license expression: {reason}")]
    Syntax {
        /// The text.
        text: String,
        /// What is wrong.
        reason: String,
    },
}

impl NormalizeError {
    /// What the user should do.
    pub fn help(&self) -> String {
        match self {
            Self::Empty => "write the license: an SPDX id (Apache-2.0), a Hugging Face id (llama3.1) or LicenseRef-...".into(),
            Self::Ambiguous { help, .. } => help.clone(),
            Self::Unknown { suggestion: Some(near), .. } => {
                format!("did you mean `{near}`? otherwise write an SPDX id, or LicenseRef-<name> for custom terms")
            }
            Self::Unknown { .. } => {
                "write an SPDX id (e.g. Apache-2.0), a Hugging Face license id (e.g. llama3.1), or LicenseRef-<name> for custom terms".into()
            }
            Self::Syntax { .. } => "combine licenses with AND / OR and balanced parentheses, e.g. \"MIT OR Apache-2.0\"".into(),
        }
    }
}

/// The SPDX id spelled like `text`, ignoring case.
fn spdx_license(text: &str) -> Option<&'static str> {
    if let Some(id) = spdx::license_id(text) {
        return Some(id.name);
    }
    spdx::identifiers::LICENSES
        .iter()
        .find(|license| license.name.eq_ignore_ascii_case(text))
        .map(|l| l.name)
}

fn spdx_exception(text: &str) -> Option<&'static str> {
    spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(text))
        .map(|e| e.name)
}

fn is_idstring(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// What a person meant, where spelling distance would suggest the wrong thing: a license family's bare name
/// (`Apache` → `Apache-2.0`, not `apache2`), and two licenses joined by `/`, `,` or `|`, which people write for
/// "either" (`MIT/Apache-2.0` → `MIT OR Apache-2.0`, the form Rust crates and PyPI use).
fn by_meaning(term: &str, kb: &KnowledgeBase) -> Option<String> {
    let lower = term.to_ascii_lowercase();
    let family = match lower.trim_end_matches(" license").trim() {
        "apache" | "apache license" | "asl" => Some("Apache-2.0"),
        "mit license" | "expat" => Some("MIT"),
        "bsd-new" | "new bsd" | "bsd3" => Some("BSD-3-Clause"),
        "bsd2" | "simplified bsd" => Some("BSD-2-Clause"),
        "mpl" | "mozilla" => Some("MPL-2.0"),
        "public domain" | "public-domain" => Some("CC0-1.0 (or LicenseRef-public-domain)"),
        _ => None,
    };
    if let Some(family) = family {
        return Some(family.to_string());
    }
    for separator in ['/', ',', '|'] {
        let parts: Vec<&str> = term
            .split(separator)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() >= 2 {
            let ids: Option<Vec<String>> = parts.iter().map(|p| canonical_term(p, kb).ok()).collect();
            if let Some(ids) = ids {
                return Some(ids.join(" OR "));
            }
        }
    }
    None
}

/// Maps one license term to its canonical id.
fn canonical_term(term: &str, kb: &KnowledgeBase) -> Result<String, NormalizeError> {
    if let Some(ambiguous) = kb.ambiguity(term) {
        return Err(NormalizeError::Ambiguous {
            term: term.to_string(),
            help: ambiguous.help.clone(),
        });
    }
    if let Some(facts) = kb.find(term) {
        return Ok(facts.id.clone());
    }
    // `get` and `get(11..)`: a multi-byte character at byte 11 is not a boundary to slice at
    if let (Some(prefix), Some(name)) = (term.get(..11), term.get(11..))
        && prefix.eq_ignore_ascii_case("licenseref-")
        && !name.is_empty()
        && is_idstring(name)
    {
        // `LicenseRef-llama3.1`, the spelling other tools use for the Hub's license ids, is the license the
        // knowledge base knows by that id
        if let Some(facts) = kb.find(name) {
            return Ok(facts.id.clone());
        }
        return Ok(format!("LicenseRef-{name}"));
    }
    // `GPL-2.0+` means "or any later version": the current id says so (`GPL-2.0-or-later`); the bare deprecated
    // `GPL-2.0` means "only", so the `+` must never be lost
    if let Some(base) = term.strip_suffix('+')
        && let Some(id) = spdx_license(base)
    {
        let bare = id.trim_end_matches("-only");
        return Ok(match spdx::license_id(&format!("{bare}-or-later")) {
            Some(later) => later.name.to_string(),
            None => format!("{id}+"),
        });
    }
    if let Some(id) = spdx_license(term) {
        return Ok(id.to_string());
    }
    let suggestion = by_meaning(term, kb).or_else(|| {
        let candidates = kb
            .licenses
            .iter()
            .flat_map(|l| std::iter::once(l.id.as_str()).chain(l.aliases.iter().map(String::as_str)));
        crate::diag::nearest(term, candidates).map(str::to_string)
    });
    Err(NormalizeError::Unknown {
        term: term.to_string(),
        suggestion,
    })
}

/// Splits an expression into parentheses, operators and terms.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (index, c) in text.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(begin) = start.take() {
                out.push(&text[begin..index]);
            }
            if c != ' ' && !c.is_whitespace() {
                out.push(&text[index..index + 1]);
            }
        } else if start.is_none() {
            start = Some(index);
        }
    }
    if let Some(begin) = start {
        out.push(&text[begin..]);
    }
    out
}

/// Normalizes a license text into a canonical, strictly parsed SPDX expression.
pub fn normalize(text: &str, kb: &KnowledgeBase) -> Result<Normalized, NormalizeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(NormalizeError::Empty);
    }
    // Whole-text names first: "Apache License 2.0", a license URL, "creative commons".
    let whole = if let Some(ambiguous) = kb.ambiguity(text) {
        return Err(NormalizeError::Ambiguous {
            term: text.to_string(),
            help: ambiguous.help.clone(),
        });
    } else {
        kb.find(text).map(|facts| facts.id.clone())
    };
    let canonical = match whole {
        Some(id) => id,
        None => {
            let mut parts: Vec<String> = Vec::new();
            let mut after_with = false;
            for token in tokens(text) {
                let upper = token.to_ascii_uppercase();
                let part =
                    match upper.as_str() {
                        "(" | ")" => token.to_string(),
                        "AND" | "OR" => upper,
                        "WITH" => {
                            after_with = true;
                            parts.push(upper);
                            continue;
                        }
                        _ if after_with => spdx_exception(token).map(str::to_string).ok_or_else(|| {
                            NormalizeError::Unknown {
                                term: token.to_string(),
                                suggestion: None,
                            }
                        })?,
                        _ => canonical_term(token, kb)?,
                    };
                after_with = false;
                parts.push(part);
            }
            parts.join(" ").replace("( ", "(").replace(" )", ")")
        }
    };
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    let expression =
        spdx::Expression::parse_mode(&canonical, mode).map_err(|error| NormalizeError::Syntax {
            text: text.to_string(),
            reason: error.reason.to_string(),
        })?;
    Ok(Normalized {
        canonical,
        expression,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_meaning() {
        let kb = KnowledgeBase::embedded();
        let suggestion = |text: &str| match normalize(text, kb) {
            Err(NormalizeError::Unknown { suggestion, .. }) => suggestion,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(suggestion("Apache").as_deref(), Some("Apache-2.0"));
        assert_eq!(suggestion("MIT/Apache-2.0").as_deref(), Some("MIT OR Apache-2.0"));
    }

    fn canonical(text: &str) -> Result<String, NormalizeError> {
        normalize(text, KnowledgeBase::embedded()).map(|n| n.canonical)
    }

    #[test]
    fn hugging_face_ids_spellings_and_urls() {
        for (input, expected) in [
            ("apache-2.0", "Apache-2.0"),
            ("Apache License 2.0", "Apache-2.0"),
            ("https://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
            ("mit", "MIT"),
            ("llama3.1", "LicenseRef-aitrust-llama3.1"),
            ("openrail++", "LicenseRef-aitrust-openrail-plus-plus-m"),
            ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
            ("MIT or apache-2.0", "MIT OR Apache-2.0"),
            (
                "(mit AND cc-by-4.0) or gemma",
                "(MIT AND CC-BY-4.0) OR LicenseRef-aitrust-gemma",
            ),
            ("gpl-3.0-or-later", "GPL-3.0-or-later"),
            ("Apache-2.0 WITH llvm-exception", "Apache-2.0 WITH LLVM-exception"),
            ("LicenseRef-acme-eula", "LicenseRef-acme-eula"),
            ("LicenseRef-llama3.1", "LicenseRef-aitrust-llama3.1"),
            // (by_meaning is only a suggestion: tested in `suggestions_follow_meaning`)
            ("LicenseRef-gemma", "LicenseRef-aitrust-gemma"),
            ("licenseref-proprietary", "LicenseRef-proprietary"),
            ("0bsd", "0BSD"),
            ("Beerware", "Beerware"),
        ] {
            assert_eq!(canonical(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn names_that_are_no_license_are_errors() {
        for input in [
            "other",
            "unknown",
            "cc",
            "bsd",
            "gpl",
            "Creative Commons",
            "NOASSERTION",
        ] {
            assert!(
                matches!(canonical(input), Err(NormalizeError::Ambiguous { .. })),
                "{input}"
            );
        }
        assert_eq!(canonical("  "), Err(NormalizeError::Empty));
        match canonical("apache-2") {
            Ok(id) => assert_eq!(id, "Apache-2.0"),
            Err(error) => panic!("{error}"),
        }
        match canonical("lama3.1") {
            Err(NormalizeError::Unknown { suggestion, .. }) => assert!(suggestion.is_some()),
            other => panic!("{other:?}"),
        }
        assert!(matches!(canonical("MIT AND"), Err(NormalizeError::Syntax { .. })));
        assert!(matches!(canonical("(MIT"), Err(NormalizeError::Syntax { .. })));
        assert!(matches!(
            canonical("MIT WITH nonsense"),
            Err(NormalizeError::Unknown { .. })
        ));
    }
}
