//! `import cyclonedx`: a third party's ML-BOM turned into a manifest, which must load when it is written.
#![no_main]

#[path = "common.rs"]
mod common;

use aitrust::commands::{self, Transcript};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = common::put("bom.cdx.json", data);
    let manifest = common::root().join("imported/aibom.toml");
    let _ = std::fs::remove_file(&manifest);
    let mut console = Transcript::default();
    if commands::import::import_cyclonedx(&input, &manifest, true, &mut console).is_ok() {
        aitrust::resolve::load(&manifest).expect("an imported manifest loads");
    }
});
