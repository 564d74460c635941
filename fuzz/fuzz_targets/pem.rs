//! PEM keys and certificates: trusted keys, `verify --key`, `sign --key`.
#![no_main]

#[path = "common.rs"]
mod common;

use aitrust::sign::keys;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::put("key.pem", data);
    let _ = keys::read_trust_anchor(&path);
    let _ = keys::read_public(&path);
    let _ = keys::read_private(&path);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = keys::pem_blocks(text);
    }
});
