//! What license a LICENSE (or NOTICE) file is, read from its text.
//!
//! Two readers, most specific first:
//! 1. the AI licenses' own phrases (`fingerprints` in `licenses.toml`): Llama, Gemma, the RAIL family and the other
//!    licenses SPDX does not list, whose texts no SPDX matcher knows;
//! 2. the SPDX license list's texts, matched the way askalono matches them (Sørensen–Dice over word bigrams after
//!    the SPDX matching guidelines' normalisation) by the `spdx` crate's detection module, the matcher
//!    cargo-deny and cargo-about use, with its embedded cache of every SPDX text.
//!
//! A text neither reader identifies with confidence identifies nothing: the caller keeps the declared license.

use super::kb::KnowledgeBase;
use std::sync::OnceLock;

/// Below this Dice score an SPDX text match is a guess, not an identification. askalono's own default is 0.9;
/// a LICENSE file with a copyright line and a title on top of a standard text still scores above 0.95.
pub const SPDX_CONFIDENCE: f32 = 0.9;

/// Scores this close to the best are the same text in the SPDX data's two spellings, not another license: the
/// closest distinct licenses (BSD-2-Clause and BSD-3-Clause, MIT and MIT-0) differ by a clause, several percent.
const SAME_TEXT: f32 = 0.005;

/// How a text was identified.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// Every fingerprint phrase of a knowledge-base entry occurs in it.
    Fingerprint,
    /// It matches an SPDX license text with this Dice score (0..=1).
    SpdxText(f32),
}

/// A license identified from a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Identified {
    /// The canonical id: the knowledge base's when it knows the license, else the SPDX id.
    pub id: String,
    /// Its full name.
    pub name: String,
    /// The knowledge-base family, empty for a license the knowledge base does not know.
    pub family: String,
    /// Every id whose text is this same text (the SPDX list gives `GPL-2.0-only` and `GPL-2.0-or-later` one
    /// text: the "or later" is a notice in the source, not in the license), `id` among them.
    pub same_text: Vec<String>,
    /// How.
    pub method: Method,
}

/// The SPDX texts, loaded (about 2 MB compressed) on first use only: most audits read no LICENSE file.
fn store() -> Option<&'static spdx::detection::Store> {
    static STORE: OnceLock<Option<spdx::detection::Store>> = OnceLock::new();
    STORE
        .get_or_init(|| spdx::detection::Store::load_inline().ok())
        .as_ref()
}

/// Identifies a license text. `spdx_texts` is false for files that are not license texts (NOTICE), which only
/// the fingerprints may identify.
pub fn identify(kb: &KnowledgeBase, text: &str, spdx_texts: bool) -> Option<Identified> {
    if let Some(facts) = kb.identify_text(text) {
        return Some(Identified {
            id: facts.id.clone(),
            name: facts.name.clone(),
            family: facts.family.clone(),
            same_text: vec![facts.id.clone()],
            method: Method::Fingerprint,
        });
    }
    if !spdx_texts || text.split_whitespace().nth(20).is_none() {
        // twenty words are no license text; the matcher's scores on a fragment mean nothing
        return None;
    }
    let store = store()?;
    let data = spdx::detection::TextData::new(text);
    let found = store.analyze(&data);
    // (a NaN score fails the comparison too)
    if found
        .score
        .partial_cmp(&SPDX_CONFIDENCE)
        .is_none_or(std::cmp::Ordering::is_lt)
    {
        return None;
    }
    // entries with (nearly) the same text tie, and the store's order would pick one at random: the SPDX data
    // keeps `GPL-2.0+` and `GPL-2.0-or-later` as two entries whose texts score within 0.002 of each other on the
    // GNU text. Gather every entry within SAME_TEXT of the best and name the text by the first current (not
    // deprecated) id among them and their aliases, so the answer is the same on every run.
    let mut same_text: Vec<String> = store
        .iter()
        .filter(|(_, entry)| entry.original.match_score(&data) >= found.score - SAME_TEXT)
        .flat_map(|(name, entry)| std::iter::once(name.clone()).chain(entry.aliases.iter().cloned()))
        .map(|id| kb.find(&id).map_or(id, |facts| facts.id.clone()))
        .collect();
    same_text.sort();
    same_text.dedup();
    let current = |id: &&String| spdx::license_id(id).is_some_and(|l| !l.is_deprecated());
    let spdx_id = same_text
        .iter()
        .find(current)
        .or(same_text.first())
        .cloned()
        .unwrap_or_else(|| found.name.to_string());
    let method = Method::SpdxText(found.score);
    Some(match kb.find(&spdx_id) {
        Some(facts) => Identified {
            id: facts.id.clone(),
            name: facts.name.clone(),
            family: facts.family.clone(),
            same_text,
            method,
        },
        None => Identified {
            name: spdx::license_id(&spdx_id).map_or_else(|| spdx_id.clone(), |l| l.full_name.to_string()),
            id: spdx_id,
            family: String::new(),
            same_text,
            method,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_identify_nothing() {
        let kb = KnowledgeBase::embedded();
        assert_eq!(identify(kb, "MIT", true), None);
        assert_eq!(identify(kb, "", true), None);
    }
}
