//! Licenses: the knowledge base (data, embedded from `licenses.toml`), normalization of whatever people write
//! into canonical SPDX expressions, and the rules that judge a license against the project's `[usage]` and
//! along a model's lineage.

pub mod assess;
pub mod kb;
pub mod normalize;
pub mod packaging;
pub mod rules;
pub mod text;

pub use kb::{KnowledgeBase, LicenseFacts};
pub use normalize::{NormalizeError, Normalized, normalize};

/// What a manifest written by aitrust records for a license a card states: the canonical expression when the
/// knowledge base knows it, else the text as given (so `check` reports it as unknown rather than losing it).
///
/// ```
/// assert_eq!(aitrust::license::canonical_or_given("apache-2.0"), "Apache-2.0");
/// assert_eq!(aitrust::license::canonical_or_given("my-own-terms"), "my-own-terms");
/// ```
pub fn canonical_or_given(text: &str) -> String {
    normalize(text, KnowledgeBase::embedded())
        .map(|n| n.canonical)
        .unwrap_or_else(|_| text.to_string())
}
