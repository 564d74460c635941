//! aitrust: audits the AI supply chain of a project.
//!
//! Data flows one way: `aibom.toml` is loaded into a checked [`bom::Bom`], resolved against the disk into a
//! [`sources::local::Inventory`], checked into [`findings::Finding`]s, walked into checklist statuses, and
//! gathered into one [`report::Audit`] that the renderers format. [`audit::run`] is that pipeline.

#![warn(missing_docs)]

pub mod audit;
pub mod bom;
pub mod checklist;
pub mod checks;
pub mod diag;
pub mod digest;
pub mod findings;
pub mod fsutil;
pub mod init;
pub mod license;
pub mod report;
pub mod schema;
pub mod sign;
pub mod sources;
