//! CycloneDX: the export validates against the official 1.6 schema (with format checking) and has unique,
//! resolving references; the official 1.6 ML fixtures import into manifests aitrust can audit.

mod common;

use std::path::{Path, PathBuf};

use common::{aitrust, stderr, stdout};

fn cyclonedx_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/cyclonedx")
}

/// Resolves the schema's `$ref`s to spdx.schema.json and jsf-0.82.schema.json from the local copies.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .path()
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(cyclonedx_dir().join("schema").join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn schema_errors(document: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cyclonedx_dir().join("schema/bom-1.6.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_retriever(LocalSchemas)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn validate(document: &serde_json::Value) {
    let errors = schema_errors(document);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        aitrust::interchange::cyclonedx::check_references(document),
        Vec::<String>::new()
    );
    // the validator does reject what the schema forbids
    let mut invalid = document.clone();
    invalid["components"][0]["type"] = "robot".into();
    invalid["metadata"]["timestamp"] = "yesterday".into();
    assert_eq!(schema_errors(&invalid).len(), 2, "{:?}", schema_errors(&invalid));
}

#[test]
fn the_demo_exports_a_valid_ml_bom() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = aitrust(
        root,
        &[
            "export",
            "cyclonedx",
            "--manifest",
            "manifests/demo/aibom.toml",
            "--now",
            "2026-11-22T12:00:00Z",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    validate(&document);
    let components = document["components"].as_array().unwrap();
    assert_eq!(components.len(), 8);
    let minilm = &components[0];
    assert_eq!(minilm["type"], "machine-learning-model");
    assert_eq!(
        minilm["purl"],
        "pkg:huggingface/sentence-transformers/all-minilm-l6-v2@c9745ed1d9f207416be6d2e6f8de32d1f16199bf"
    );
    assert_eq!(minilm["licenses"][0]["license"]["id"], "Apache-2.0");
    assert_eq!(
        minilm["modelCard"]["modelParameters"]["datasets"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let weights = minilm["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "model.safetensors")
        .unwrap();
    assert_eq!(
        weights["hashes"][0]["content"],
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    );
    let ms_marco = components
        .iter()
        .find(|c| c["bom-ref"] == "dataset:ms-marco")
        .unwrap();
    assert_eq!(ms_marco["type"], "data");
    assert_eq!(
        ms_marco["licenses"][0]["expression"], "LicenseRef-aitrust-ms-marco",
        "LicenseRefs as an expression"
    );
    // the same manifest gives the same BOM
    let again = aitrust(
        root,
        &[
            "export",
            "cyclonedx",
            "--manifest",
            "manifests/demo/aibom.toml",
            "--now",
            "2026-11-22T12:00:00Z",
        ],
    );
    assert_eq!(again.stdout, output.stdout);
}

#[test]
fn lineage_exports_as_pedigree_and_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "schema = 1\n[project]\nname = \"p\"\nversion = \"1.0\"\n\
[[model]]\nid = \"ft\"\nsource = \"huggingface\"\nname = \"acme/ft\"\nrevision = \"0e9e39f249a16976918f6564b8830bc894c89659\"\nlicense = \"llama3.1\"\nbase_model = [\"base\"]\nrelation = \"finetune\"\ntrained_on = [\"d\"]\nintended_use = \"support answers\"\n\
[[model]]\nid = \"base\"\nsource = \"huggingface\"\nname = \"meta-llama/Llama-3.1-8B\"\nrevision = \"0e9e39f249a16976918f6564b8830bc894c89659\"\nlicense = \"llama3.1\"\n\
[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"https://data.example.com/d.parquet\"\nlicense = \"cc-by-4.0 OR mit\"\npersonal_data = true\ncollection = \"surveys\"\nsha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n";
    std::fs::write(dir.path().join("aibom.toml"), manifest).unwrap();
    let output = aitrust(
        dir.path(),
        &[
            "export",
            "cyclonedx",
            "--now",
            "2026-11-22T12:00:00Z",
            "--output",
            "bom.json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("bom.json")).unwrap()).unwrap();
    validate(&document);
    let ft = &document["components"][0];
    assert_eq!(ft["pedigree"]["ancestors"][0]["name"], "meta-llama/Llama-3.1-8B");
    assert_eq!(ft["licenses"][0]["expression"], "LicenseRef-aitrust-llama3.1");
    let dependencies = document["dependencies"].as_array().unwrap();
    let ft_deps = dependencies.iter().find(|d| d["ref"] == "model:ft").unwrap();
    assert_eq!(
        ft_deps["dependsOn"],
        serde_json::json!(["model:base", "dataset:d"])
    );
    let d = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bom-ref"] == "dataset:d")
        .unwrap();
    assert_eq!(d["licenses"][0]["expression"], "CC-BY-4.0 OR MIT");
    assert_eq!(d["data"][0]["sensitiveData"][0], "personal data");
    // the checker itself catches a dangling reference
    let mut broken = document.clone();
    broken["dependencies"][1]["dependsOn"] = serde_json::json!(["model:nope"]);
    assert_eq!(
        aitrust::interchange::cyclonedx::check_references(&broken),
        ["reference model:nope points to no bom-ref"]
    );
}

#[test]
fn official_fixtures_import_and_audit() {
    for entry in std::fs::read_dir(cyclonedx_dir().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        let dir = tempfile::tempdir().unwrap();
        let output = aitrust(dir.path(), &["import", "cyclonedx", path.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("wrote aibom.toml with 1 component"),
            "{}",
            stderr(&output)
        );
        let check = common::check(dir.path(), &["--format", "json"]);
        assert_ne!(
            check.status.code(),
            Some(2),
            "{}: the imported manifest must load: {}",
            path.display(),
            stderr(&check)
        );
        // refuses to overwrite
        let again = aitrust(dir.path(), &["import", "cyclonedx", path.to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(2));
    }
    let dir = tempfile::tempdir().unwrap();
    let output = aitrust(
        dir.path(),
        &[
            "import",
            "cyclonedx",
            cyclonedx_dir()
                .join("examples/valid-machine-learning-considerations-env-1.6.json")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(stderr(&output).contains("environmental considerations are not carried over"));
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(
        manifest.contains("name = \"meta-llama/Llama-2-7b\"\nsource = \"huggingface\""),
        "{manifest}"
    );
}

#[test]
fn export_then_import_round_trips_the_inventory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exported = aitrust(
        root,
        &["export", "cyclonedx", "--manifest", "manifests/demo/aibom.toml"],
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bom.json"), &exported.stdout).unwrap();
    let output = aitrust(dir.path(), &["import", "cyclonedx", "bom.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    assert!(
        manifest.contains(
            "trained_on = [\"s2orc\", \"ms-marco\", \"snli\", \"natural-questions\", \"wikihow\", \"gooaq\"]"
        ) || manifest.contains("trained_on = ["),
        "{manifest}"
    );
    assert!(
        manifest.contains("revision = \"c9745ed1d9f207416be6d2e6f8de32d1f16199bf\""),
        "{manifest}"
    );
    let check = common::check(dir.path(), &["--format", "json"]);
    assert_ne!(
        check.status.code(),
        Some(2),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}
