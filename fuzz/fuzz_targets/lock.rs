//! `aibom.lock`, and the round trip through the writer.
#![no_main]

#[path = "common.rs"]
mod common;

use aitrust::sources::lockfile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::put("aibom.lock", data);
    if let Ok(lock) = lockfile::load(&path) {
        let text = lockfile::to_toml(&lock);
        let again = common::put("again.lock", text.as_bytes());
        let reread = lockfile::load(&again).expect("a written lock file reads back");
        assert_eq!(lockfile::to_toml(&reread), text, "the lock file does not round-trip");
    }
});
