//! A checklist file (`policy.checklist.require`), parsed as `Checklist::load` does.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = aitrust::checklist::Checklist::parse(Path::new("fuzz.toml"), text);
});
