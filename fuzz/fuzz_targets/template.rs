//! `report --template DIR`: a replacement template rendered against the demo project's audit, under the
//! report's fuel, output and argument bounds.
#![no_main]

#[path = "common.rs"]
mod common;

use std::path::Path;
use std::sync::OnceLock;

use aitrust::commands::check::AuditInputs;
use aitrust::report::{Audit, document};
use libfuzzer_sys::fuzz_target;

fn audit() -> &'static Audit {
    static AUDIT: OnceLock<Audit> = OnceLock::new();
    AUDIT.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests/demo/aibom.toml");
        AuditInputs {
            manifest,
            policy: None,
            answers: None,
            now: Some(common::NOW.to_string()),
            progress: false, trust_root: None,
        }
        .run()
        .expect("the demo project audits")
    })
}

fuzz_target!(|data: &[u8]| {
    let audit = audit();
    let directory = common::root().join("templates");
    common::put("templates/report.html.jinja", data);
    let provenance = document::Provenance {
        tool: "aitrust fuzz".into(),
        generated_at: common::NOW.into(),
        manifest: "aibom.toml".into(),
        manifest_sha256: String::new(),
        git_commit: None,
        git_dirty: None,
    };
    let _ = document::render(audit, &provenance, document::ReportFormat::Html, Some(&directory), None);
});
