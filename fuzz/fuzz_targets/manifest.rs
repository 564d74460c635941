//! `aibom.toml`: load it as `check` does, audit it, and render every output format and the CycloneDX export.
#![no_main]

#[path = "common.rs"]
mod common;

use aitrust::commands::check::AuditInputs;
use aitrust::report;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let manifest = common::put("aibom.toml", data);
    common::put("model/weights.safetensors", b"not really weights");
    let inputs = AuditInputs {
        manifest: manifest.clone(),
        policy: None,
        answers: None,
        now: Some(common::NOW.to_string()),
        progress: false, trust_root: None,
    };
    let Ok(audit) = inputs.run() else { return };
    let _ = report::table::render(&audit);
    let json = report::json::render(&audit);
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON report is JSON");
    let _ = report::sarif::render(&audit);
    let _ = report::junit::render(&audit);
    let _ = report::github::render(&audit);
    if let Ok(bom) = aitrust::resolve::load(&manifest) {
        let document = aitrust::interchange::cyclonedx::export(&bom, common::NOW);
        let problems = aitrust::interchange::cyclonedx::check_references(&document);
        assert!(problems.is_empty(), "the export has broken references: {problems:?}");
    }
});
