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
    // the exporter's own validator agrees with the test's
    assert_eq!(
        aitrust::interchange::cyclonedx::validate(document, aitrust::interchange::cyclonedx::Spec::V1_6),
        Vec::<String>::new()
    );
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
        "pkg:huggingface/sentence-transformers/all-MiniLM-L6-v2@c9745ed1d9f207416be6d2e6f8de32d1f16199bf",
        "the purl spec: huggingface namespace and name are case sensitive"
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
    assert!(
        stderr(&output)
            .contains("`modelCard.considerations.environmentalConsiderations` is not carried over"),
        "{}",
        stderr(&output)
    );
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

/// cyclonedx-python-lib's strict JSON validator (the CycloneDX project's own Python library), when installed.
fn python_strict_errors(file: &Path, spec: &str) -> Option<String> {
    let have = std::process::Command::new("python3")
        .args(["-c", "import cyclonedx.validation.json, jsonschema, referencing"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs cyclonedx-python-lib[json-validation] (.ci/run)"
        );
        return None;
    }
    let script = "import sys\nfrom cyclonedx.validation.json import JsonStrictValidator\nfrom cyclonedx.schema import SchemaVersion\nv = {'1.6': SchemaVersion.V1_6, '1.7': SchemaVersion.V1_7}[sys.argv[2]]\ne = JsonStrictValidator(v).validate_str(open(sys.argv[1]).read())\nprint('' if e is None else repr(e))";
    let output = std::process::Command::new("python3")
        .args(["-c", script, file.to_str().unwrap(), spec])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

#[test]
fn edge_cases_export_valid_documents_in_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), common::EDGES).unwrap();
    for spec in ["1.6", "1.7"] {
        let file = format!("bom-{spec}.json");
        let output = aitrust(
            dir.path(),
            &["export", "cyclonedx", "--spec", spec, "--output", &file],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let document: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(&file)).unwrap()).unwrap();
        assert_eq!(document["specVersion"], spec);
        if spec == "1.6" {
            validate(&document);
        }
        if let Some(errors) = python_strict_errors(&dir.path().join(&file), spec) {
            assert_eq!(errors, "", "cyclonedx-python-lib strict, {spec}");
        }
        let component = |id: &str| {
            document["components"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["bom-ref"] == id)
                .unwrap()
                .clone()
        };
        let ft = component("model:ft");
        assert_eq!(
            ft["purl"], "pkg:huggingface/Acme/Llama-3-Acme-8B",
            "a branch is no purl version"
        );
        assert_eq!(ft["supplier"]["name"], "Acme");
        let tool = component("model:tool");
        assert_eq!(
            tool["externalReferences"][0]["url"],
            "ssh://git@github.com/Org/Repo.git"
        );
        assert_eq!(
            tool["purl"],
            "pkg:github/org/repo@0e9e39f249a16976918f6564b8830bc894c89659"
        );
        assert_eq!(tool["licenses"][0]["license"]["id"], "GPL-2.0-or-later");
        let hub_data = component("dataset:hub-data");
        assert!(hub_data["purl"].is_null(), "datasets have no huggingface purl");
        assert_eq!(
            hub_data["externalReferences"][0]["url"],
            "https://huggingface.co/datasets/Org/Some_Data"
        );
        assert_eq!(hub_data["licenses"][0]["license"]["name"], "other");
        let spaced = component("dataset:spaced");
        assert_eq!(
            spaced["externalReferences"][0]["url"],
            "https://example.com/my%20data.csv"
        );
        assert_eq!(
            spaced["licenses"][0]["license"]["name"],
            "our own terms, see contract 12"
        );
        assert!(spaced["version"].as_str().unwrap().starts_with("sha256:"));
        let base = component("model:base");
        assert_eq!(base["licenses"][0]["expression"], "LicenseRef-aitrust-llama3.1");
        if spec == "1.7" {
            assert_eq!(
                base["licenses"][0]["expressionDetails"][0]["url"],
                "https://llama.meta.com/llama3_1/license/"
            );
        } else {
            assert!(
                base["properties"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == "aitrust:license:name"
                        && p["value"].as_str().unwrap().contains("Llama 3.1"))
            );
        }
        // NTIA minimum elements: every component has a supplier; the project has authors and a license
        for component in document["components"].as_array().unwrap() {
            assert!(component["supplier"]["name"].is_string(), "{component}");
        }
        assert_eq!(document["metadata"]["authors"][0]["name"], "ml-team@example.com");
        assert_eq!(
            document["metadata"]["component"]["licenses"][0]["license"]["id"],
            "MIT"
        );
        assert_eq!(document["compositions"][0]["aggregate"], "unknown");
    }
}

/// A value that cannot be written validly is refused (exit 2), naming it; nothing is written.
#[test]
fn invalid_values_are_refused_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "schema = 1\n[project]\nname = \"p\"\n[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"https://exa mple.com/x\"\nlicense = \"mit\"\nsha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n";
    std::fs::write(dir.path().join("aibom.toml"), manifest).unwrap();
    let output = aitrust(dir.path(), &["export", "cyclonedx", "--output", "bom.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("dataset `d` url \"https://exa mple.com/x\": it is not a URL"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("bom.json").exists());
}

/// `export cyclonedx | import cyclonedx` is lossless: the imported manifest's audit equals the original's, for
/// every fixture project and the demo, in both CycloneDX versions.
#[test]
fn round_trips_are_lossless() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut projects: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("aibom.toml").is_file())
        .collect();
    projects.push(root.join("manifests/demo"));
    let edges = tempfile::tempdir().unwrap();
    std::fs::write(edges.path().join("aibom.toml"), common::EDGES).unwrap();
    projects.push(edges.path().to_path_buf());
    assert!(projects.len() >= 8, "{projects:?}");
    for project in projects {
        for spec in ["1.6", "1.7"] {
            let export = ["export", "cyclonedx", "--spec", spec];
            if let Some((original, imported)) = common::round_trip(&project, &export, "cyclonedx") {
                assert_eq!(original, imported, "{} via CycloneDX {spec}", project.display());
            }
        }
    }
}

/// What other generators write: two components of one name, a documentation link on huggingface.co, ancestors
/// by purl, nested files, a git component's version, a `LicenseRef-llama3.1`, unread fields named.
#[test]
fn foreign_boms_import_without_inventing_identity() {
    let document = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            { "type": "machine-learning-model", "bom-ref": "a", "name": "config.json",
              "purl": "pkg:huggingface/Org/Base-Model@0e9e39f249a16976918f6564b8830bc894c89659",
              "licenses": [{ "expression": "LicenseRef-llama3.1" }],
              "description": "the base",
              "components": [{ "type": "file", "name": "model.safetensors",
                  "hashes": [{ "alg": "SHA-256", "content": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }] }] },
            { "type": "machine-learning-model", "bom-ref": "b", "name": "config.json",
              "externalReferences": [{ "type": "documentation", "url": "https://huggingface.co/docs/hub/model-cards" },
                                     { "type": "vcs", "url": "https://github.com/org/tuned" }],
              "version": "0e9e39f249a16976918f6564b8830bc894c89659",
              "pedigree": { "ancestors": [{ "type": "machine-learning-model", "name": "something else",
                  "purl": "pkg:huggingface/Org/Base-Model@0e9e39f249a16976918f6564b8830bc894c89659" }] },
              "modelCard": { "quantitativeAnalysis": {} } }
        ]
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bom.json"), document.to_string()).unwrap();
    let output = aitrust(dir.path(), &["import", "cyclonedx", "bom.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(dir.path().join("aibom.toml")).unwrap();
    let parsed: toml_edit::DocumentMut = manifest.parse().unwrap();
    let models = parsed["model"].as_array_of_tables().unwrap();
    let ids: Vec<&str> = models.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["config.json", "config.json-2"]);
    let first = models.get(0).unwrap();
    assert_eq!(first["source"].as_str(), Some("huggingface"));
    assert_eq!(first["name"].as_str(), Some("Org/Base-Model"));
    assert_eq!(first["file"][0]["path"].as_str(), Some("model.safetensors"));
    let second = models.get(1).unwrap();
    assert_eq!(
        second["source"].as_str(),
        Some("git"),
        "a documentation link is not a Hub identity"
    );
    assert_eq!(
        second["revision"].as_str(),
        Some("0e9e39f249a16976918f6564b8830bc894c89659")
    );
    assert_eq!(
        second["base_model"].as_array().unwrap().get(0).unwrap().as_str(),
        Some("config.json")
    );
    let said = stderr(&output);
    assert!(
        said.contains("config.json: `description` is not carried over"),
        "{said}"
    );
    assert!(
        said.contains("config.json-2: `modelCard.quantitativeAnalysis` is not carried over"),
        "{said}"
    );
    assert!(
        said.contains("config.json-2: `externalReferences[0] (documentation https://huggingface.co/docs/hub/model-cards)`"),
        "{said}"
    );
    let check = common::check(dir.path(), &["--format", "json"]);
    assert_ne!(check.status.code(), Some(2), "{}", stderr(&check));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let lic: Vec<&serde_json::Value> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["license"] == "LicenseRef-aitrust-llama3.1")
        .collect();
    assert_eq!(lic.len(), 1, "LicenseRef-llama3.1 is the Llama 3.1 license");
}
