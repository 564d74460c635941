//! aitrust: audits the AI supply chain of a project.
//!
//! Data flows one way: `aibom.toml` is loaded into a checked [`bom::Bom`], resolved against the disk into a
//! [`sources::local::Inventory`], checked into [`findings::Finding`]s, walked into checklist statuses, and
//! gathered into one [`report::Audit`] that the renderers format. [`audit::run`] is that pipeline.

#![warn(missing_docs)]

// Layers, lowest first; a module uses only modules of lower layers (tests/architecture.rs enforces it).
// 0 foundation: diagnostics and safe file reading and writing, then digests, the serialization scanner and the
// span-keeping TOML reader
pub mod diag;
pub mod digest;
pub mod discover;
pub mod fsutil;
pub mod graph;
pub mod scan;
pub mod tomlfile;
// 1 the manifest model
pub mod bom;
// 2 findings
pub mod findings;
// 3 knowledge and the outside world
pub mod checklist;
pub mod license;
pub mod sources;
// 4 signatures, and resolving a manifest against the knowledge
pub mod resolve;
pub mod sign;
// 5 checks, 6 the audit
pub mod audit;
pub mod checks;
// 7 renderers, 8 interchange and schemas
pub mod interchange;
pub mod report;
pub mod schema;
// 9 commands (the binary is the face over them)
pub mod commands;
