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
        // a manifest that loads exports a document the official schema accepts, or names what it refuses
        use aitrust::interchange::cyclonedx::{Spec, export, validate};
        if let Ok(document) = export(&bom, common::NOW, Spec::V1_6) {
            let problems = validate(&document, Spec::V1_6);
            assert!(problems.is_empty(), "the export is invalid: {problems:?}");
        }
    }
});
