//! The checked-in JSON Schemas must match the types. Regenerate with
//! `UPDATE_SCHEMAS=1 cargo test --test schemas`.

use std::path::Path;

fn compare(file: &str, generated: String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas").join(file);
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schemas/{file} is out of date: run `UPDATE_SCHEMAS=1 cargo test --test schemas` and commit the result"
    );
}

#[test]
fn manifest_schema_is_current() {
    compare("aibom.schema.json", aitrust::schema::manifest_schema());
}

#[test]
fn discover_schema_is_current() {
    compare("discover.schema.json", aitrust::schema::discover_schema());
}

#[test]
fn report_schema_is_current() {
    compare("report.schema.json", aitrust::schema::report_schema());
}

/// The keys the loader accepts in a table, read from its "valid keys here" hint for an unknown key.
fn loader_keys(manifest: &str) -> Vec<String> {
    let error =
        aitrust::bom::from_bytes(Path::new("aibom.toml"), Path::new("."), manifest.as_bytes()).unwrap_err();
    let aitrust::bom::LoadError::Invalid(problems) = error else {
        panic!("not a problem list")
    };
    let help = problems
        .problems
        .iter()
        .find_map(|p| {
            p.help
                .as_deref()
                .and_then(|h| h.strip_prefix("valid keys here: "))
        })
        .unwrap_or_else(|| panic!("no key list in {problems}"));
    let mut keys: Vec<String> = help.split(", ").map(str::to_string).collect();
    keys.sort();
    keys
}

fn schema_keys(schema: &serde_json::Value) -> Vec<String> {
    schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn manifest_schema_lists_exactly_the_keys_the_loader_reads() {
    let schema: serde_json::Value = serde_json::from_str(&aitrust::schema::manifest_schema()).unwrap();
    let defs = &schema["$defs"];
    let head = "schema = 1\n[project]\nname = \"p\"\n";
    let cases = [
        (format!("qqqq = 1\n{head}"), &schema),
        (format!("{head}qqqq = 1\n"), &defs["Project"]),
        (format!("{head}[usage]\nqqqq = 1\n"), &defs["Usage"]),
        (
            format!("{head}[[model]]\nid = \"m\"\nsource = \"url\"\nurl = \"u\"\nqqqq = 1\n"),
            &defs["Model"],
        ),
        (
            format!("{head}[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"u\"\nqqqq = 1\n"),
            &defs["Dataset"],
        ),
        (
            format!(
                "{head}[[model]]\nid = \"m\"\nsource = \"url\"\nurl = \"u\"\n[[model.file]]\npath = \"a\"\nqqqq = 1\n"
            ),
            &defs["FileEntry"],
        ),
        (format!("{head}[policy]\nqqqq = 1\n"), &defs["Policy"]),
        (
            format!("{head}[policy.licenses]\nqqqq = 1\n"),
            &defs["LicensePolicy"],
        ),
        (
            format!("{head}[policy.signatures]\nqqqq = 1\n"),
            &defs["SignaturePolicy"],
        ),
    ];
    for (manifest, definition) in cases {
        assert_eq!(
            loader_keys(&manifest),
            schema_keys(definition),
            "for:\n{manifest}"
        );
        assert_eq!(definition["additionalProperties"], false, "{definition}");
    }
}

/// `docs/findings.md`, where SARIF's `helpUri` points, documents every code under its own heading.
#[test]
fn findings_page_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/findings.md");
    let generated = aitrust::findings::catalog_markdown();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/findings.md is out of date: run `UPDATE_SCHEMAS=1 cargo test --test schemas` and commit the result"
    );
    for code in aitrust::findings::Code::ALL {
        assert!(
            checked_in.contains(&format!("\n## {}\n", code.as_str())),
            "{}",
            code.as_str()
        );
    }
}
