//! JSON Schemas generated from the types: `schemas/aibom.schema.json` (the manifest),
//! `schemas/report.schema.json` (the JSON report) and `schemas/discover.schema.json` (`discover --format json`). A test fails when the checked-in files are out of date.

use crate::bom::Bom;
use crate::report::Audit;

/// The manifest's schema, pretty-printed with a trailing newline.
pub fn manifest_schema() -> String {
    pretty(serde_json::to_value(schemars::schema_for!(Bom)).expect("a schema is plain JSON"))
}

/// `aitrust discover --format json`'s schema (an array of uses), pretty-printed with a trailing newline.
pub fn discover_schema() -> String {
    pretty(
        serde_json::to_value(schemars::schema_for!(Vec<crate::discover::Use>))
            .expect("a schema is plain JSON"),
    )
}

/// The JSON report's schema, pretty-printed with a trailing newline.
pub fn report_schema() -> String {
    pretty(serde_json::to_value(schemars::schema_for!(Audit)).expect("a schema is plain JSON"))
}

fn pretty(value: serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(&value).expect("a schema is plain JSON");
    text.push('\n');
    text
}
