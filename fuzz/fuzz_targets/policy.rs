//! A `--policy` file, with everything `resolve` checks (checklists, trusted keys, license names).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::put("policy.toml", data);
    let _ = aitrust::resolve::load_policy(&path);
});
