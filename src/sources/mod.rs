//! Everything that reads the outside world. For now: local files and the hashing engine. The Hugging Face
//! Hub and git sources join here, with their results recorded in a lock file so CI can run offline.

pub mod git;
pub mod git_remote;
pub mod hf_cache;
pub mod hub;
pub mod local;
pub mod lockfile;
