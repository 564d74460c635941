//! The renderers: the audit's outcome ([`crate::audit::Audit`], re-exported here) as a table, JSON, SARIF,
//! JUnit, GitHub workflow commands, and the HTML and Markdown documents. Renderers format; they never decide.

pub mod changes;
pub mod document;
pub mod github;
pub mod json;
pub mod junit;
pub mod lineage;
pub mod sarif;
pub mod table;

pub use crate::audit::model::*;
