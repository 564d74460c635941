//! SPDX 3.0.1 export and import: every document aitrust writes is read and re-serialized by the SPDX project's
//! own Python model (spdx-python-model, generated from the SPDX 3.0.1 SHACL model by shacl2code: every type,
//! property, enumeration value and mandatory property checked), and `export spdx | import spdx` is lossless.

mod common;

use std::path::{Path, PathBuf};

use common::{aitrust, stderr};

/// The SPDX 3.0.1 model's verdict on a document: `Ok(elements)` or its error.
fn spdx_model(file: &Path) -> Option<Result<usize, String>> {
    let have = std::process::Command::new("python3")
        .args(["-c", "import spdx_python_model"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs spdx-python-model (.ci/run)"
        );
        return None;
    }
    let script = "import sys, io\nfrom spdx_python_model import v3_0_1 as spdx\nobjset = spdx.SHACLObjectSet()\nwith open(sys.argv[1]) as f:\n    spdx.JSONLDDeserializer().read(f, objset)\nspdx.JSONLDSerializer().write(objset, io.BytesIO())\nprint(len(objset.objects))";
    let output = std::process::Command::new("python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .unwrap();
    Some(if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().parse().unwrap())
    } else {
        let error = String::from_utf8_lossy(&output.stderr);
        Err(error.lines().last().unwrap_or_default().to_string())
    })
}

fn projects() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut projects: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("aibom.toml").is_file())
        .collect();
    projects.push(root.join("manifests/demo"));
    projects
}

/// Every fixture project, the demo and the edge cases export documents the SPDX 3.0.1 model accepts, and import
/// back into manifests whose audits equal the originals'.
#[test]
fn exports_are_valid_and_round_trips_lossless() {
    let edges = tempfile::tempdir().unwrap();
    std::fs::write(edges.path().join("aibom.toml"), common::EDGES).unwrap();
    let mut all = projects();
    all.push(edges.path().to_path_buf());
    for project in all {
        // the document itself, for the SPDX model
        let dir = tempfile::tempdir().unwrap();
        common::copy_tree(&project, dir.path());
        let output = aitrust(
            dir.path(),
            &[
                "export",
                "spdx",
                "--output",
                "bom.spdx.json",
                "--now",
                common::NOW,
            ],
        );
        if output.status.code() == Some(0) {
            let file = dir.path().join("bom.spdx.json");
            if let Some(verdict) = spdx_model(&file) {
                assert!(verdict.is_ok(), "{}: {verdict:?}", project.display());
            }
            let document: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            assert_eq!(
                document["@context"],
                "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
            );
        }
        if let Some((original, imported)) = common::round_trip(&project, &["export", "spdx"], "spdx") {
            assert_eq!(original, imported, "{} via SPDX 3.0.1", project.display());
        }
    }
}

/// The AI and Dataset profiles say what the manifest says: lineage and training data as relationships,
/// LicenseRefs mapped to their URLs, free text kept as a licensing text, hashes, purls, suppliers.
#[test]
fn the_profiles_carry_lineage_licenses_and_data() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("aibom.toml"), common::EDGES).unwrap();
    let output = aitrust(dir.path(), &["export", "spdx", "--now", common::NOW]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let graph = document["@graph"].as_array().unwrap();
    let named = |name: &str| graph.iter().find(|e| e["name"] == name).unwrap().clone();
    let ft = named("Acme/Llama-3-Acme-8B");
    assert_eq!(ft["type"], "ai_AIPackage");
    assert_eq!(ft["software_packageUrl"], "pkg:huggingface/Acme/Llama-3-Acme-8B");
    let base = named("meta-llama/Llama-3.1-8B");
    let relationship = |from: &serde_json::Value, kind: &str| {
        graph
            .iter()
            .find(|e| {
                e["type"] == "Relationship" && e["from"] == from["spdxId"] && e["relationshipType"] == kind
            })
            .cloned()
    };
    assert_eq!(relationship(&base, "ancestorOf").unwrap()["to"][0], ft["spdxId"]);
    assert_eq!(
        relationship(&ft, "trainedOn").unwrap()["to"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let license = relationship(&base, "hasDeclaredLicense").unwrap()["to"][0].clone();
    let license = graph.iter().find(|e| e["spdxId"] == license).unwrap();
    assert_eq!(
        license["simplelicensing_licenseExpression"],
        "LicenseRef-aitrust-llama3.1"
    );
    assert_eq!(
        license["simplelicensing_customIdToUri"][0]["value"],
        "https://llama.meta.com/llama3_1/license/"
    );
    let spaced = named("spaced");
    assert_eq!(spaced["type"], "dataset_DatasetPackage");
    assert_eq!(
        spaced["software_downloadLocation"],
        "https://example.com/my%20data.csv"
    );
    let text = relationship(&spaced, "hasDeclaredLicense").unwrap()["to"][0].clone();
    let text = graph.iter().find(|e| e["spdxId"] == text).unwrap();
    let key = text["simplelicensing_customIdToUri"][0]["value"].clone();
    let kept = graph.iter().find(|e| e["spdxId"] == key).unwrap();
    assert_eq!(
        kept["simplelicensing_licenseText"],
        "our own terms, see contract 12"
    );
    let tool = named("tool");
    assert_eq!(
        tool["software_downloadLocation"],
        "ssh://git@github.com/Org/Repo.git"
    );
}

/// A document another generator wrote in the SPDX 3 AI profile's shape: a Hub model described by its download
/// location, a dataset it was trained on, a base model by `descendantOf`, fields aitrust does not keep named.
#[test]
fn foreign_documents_import() {
    let document = serde_json::json!({
        "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
        "@graph": [
            { "type": "CreationInfo", "@id": "_:c", "specVersion": "3.0.1", "created": "2026-01-01T00:00:00Z", "createdBy": ["https://x.example/agent"] },
            { "type": "Organization", "spdxId": "https://x.example/agent", "creationInfo": "_:c", "name": "Acme Research" },
            { "type": "ai_AIPackage", "spdxId": "https://x.example/model", "creationInfo": "_:c", "name": "tuned",
              "software_downloadLocation": "https://huggingface.co/acme/tuned", "software_packageVersion": "0e9e39f249a16976918f6564b8830bc894c89659",
              "suppliedBy": "https://x.example/agent", "ai_typeOfModel": ["transformer"] },
            { "type": "ai_AIPackage", "spdxId": "https://x.example/base", "creationInfo": "_:c", "name": "base",
              "software_packageUrl": "pkg:huggingface/Org/Base@0e9e39f249a16976918f6564b8830bc894c89659" },
            { "type": "dataset_DatasetPackage", "spdxId": "https://x.example/data", "creationInfo": "_:c", "name": "tickets",
              "dataset_datasetType": ["text"], "software_downloadLocation": "https://data.example/tickets.jsonl",
              "dataset_hasSensitivePersonalInformation": "yes" },
            { "type": "simplelicensing_LicenseExpression", "spdxId": "https://x.example/l", "creationInfo": "_:c", "simplelicensing_licenseExpression": "LicenseRef-llama3.1" },
            { "type": "Relationship", "spdxId": "https://x.example/r1", "creationInfo": "_:c", "from": "https://x.example/model", "relationshipType": "trainedOn", "to": ["https://x.example/data"] },
            { "type": "Relationship", "spdxId": "https://x.example/r2", "creationInfo": "_:c", "from": "https://x.example/model", "relationshipType": "descendantOf", "to": ["https://x.example/base"] },
            { "type": "Relationship", "spdxId": "https://x.example/r3", "creationInfo": "_:c", "from": "https://x.example/model", "relationshipType": "hasDeclaredLicense", "to": ["https://x.example/l"] }
        ]
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ai.spdx.json");
    std::fs::write(&file, document.to_string()).unwrap();
    if let Some(verdict) = spdx_model(&file) {
        assert!(
            verdict.is_ok(),
            "the fixture is itself valid SPDX 3.0.1: {verdict:?}"
        );
    }
    let output = aitrust(dir.path(), &["import", "spdx", "ai.spdx.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("tuned: `ai_typeOfModel` is not carried over"),
        "{}",
        stderr(&output)
    );
    let manifest: toml_edit::DocumentMut = std::fs::read_to_string(dir.path().join("aibom.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let models = manifest["model"].as_array_of_tables().unwrap();
    let tuned = models.iter().find(|m| m["id"].as_str() == Some("tuned")).unwrap();
    assert_eq!(tuned["name"].as_str(), Some("acme/tuned"));
    assert_eq!(tuned["source"].as_str(), Some("huggingface"));
    assert_eq!(tuned["publisher"].as_str(), Some("Acme Research"));
    assert_eq!(tuned["license"].as_str(), Some("LicenseRef-llama3.1"));
    assert_eq!(
        tuned["base_model"].as_array().unwrap().get(0).unwrap().as_str(),
        Some("base")
    );
    assert_eq!(
        tuned["trained_on"].as_array().unwrap().get(0).unwrap().as_str(),
        Some("tickets")
    );
    let datasets = manifest["dataset"].as_array_of_tables().unwrap();
    assert_eq!(datasets.get(0).unwrap()["personal_data"].as_bool(), Some(true));
    let check = common::check(dir.path(), &["--format", "json"]);
    assert_ne!(check.status.code(), Some(2), "{}", stderr(&check));
}

#[test]
fn what_is_not_spdx_3_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("cdx.json", r#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#),
        ("spdx2.json", r#"{"spdxVersion": "SPDX-2.3", "packages": []}"#),
        ("broken.json", "{"),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let output = aitrust(dir.path(), &["import", "spdx", name]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(stderr(&output).contains(name), "{}", stderr(&output));
        assert!(!dir.path().join("aibom.toml").exists());
    }
}
