//! Interchange: other formats in and out of the manifest model. CycloneDX ML-BOM export and import, the
//! starting manifest `init` writes from what is on disk, and
//! `import hf`, which writes a Hugging Face Hub repository and its lineage into `aibom.toml`.

pub mod cyclonedx;
pub mod identity;
pub mod import_hf;
pub mod init;
pub mod neutral;
pub mod spdx;
