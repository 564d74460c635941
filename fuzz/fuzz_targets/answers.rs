//! `aibom.answers.toml`, validated against the shipped checklists, then written back as `checklist` does.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use aitrust::checklist::{Checklist, answers};
use libfuzzer_sys::fuzz_target;

/// The shipped checklists, parsed once (parsing them per run made this target 30 times slower).
fn known() -> &'static [Checklist] {
    static KNOWN: OnceLock<Vec<Checklist>> = OnceLock::new();
    KNOWN.get_or_init(|| Checklist::known(Vec::new()))
}

fuzz_target!(|data: &[u8]| {
    let path = common::put("aibom.answers.toml", data);
    let refs: Vec<&Checklist> = known().iter().collect();
    if let Ok(loaded) = answers::load(&path, &refs) {
        // what aitrust writes, it must read back to the same answers
        let text = answers::to_toml(&loaded);
        let again = common::put("again.answers.toml", text.as_bytes());
        let reread = answers::load(&again, &refs).expect("written answers read back");
        assert_eq!(answers::to_toml(&reread), text, "answers do not round-trip");
    }
});
