//! Licenses: the knowledge base (data, embedded from `licenses.toml`), normalization of whatever people write
//! into canonical SPDX expressions, and the rules that judge a license against the project's `[usage]` and
//! along a model's lineage.

pub mod assess;
pub mod kb;
pub mod normalize;
pub mod rules;

pub use kb::{KnowledgeBase, LicenseFacts};
pub use normalize::{NormalizeError, Normalized, normalize};
