//! The documentation check on real and written cards: completeness scores and the findings per missing topic.

mod common;

use std::path::Path;

use common::{all_codes, json_report};

fn documentation_codes(report: &serde_json::Value, component: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "documentation" && f["component"] == component)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_demo_cards() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, report) = json_report(root, &["--manifest", "manifests/demo/aibom.toml"]);
    let minilm = &report["components"][0];
    assert_eq!(
        minilm["documentation"]["score"], 42,
        "3 of 7 topics: {:#}",
        minilm["documentation"]
    );
    assert_eq!(
        minilm["documentation"]["present"],
        serde_json::json!(["license", "intended use", "training data"])
    );
    // the real all-MiniLM-L6-v2 card has no out-of-scope use, limitations, evaluation, or bias section
    assert_eq!(
        documentation_codes(&report, "minilm"),
        ["DOC003", "DOC004", "DOC006", "DOC007"]
    );
    // the project's own dataset has no datasheet; training data it never holds is not asked for one
    assert_eq!(documentation_codes(&report, "faq-2026"), ["DOC001"]);
    assert_eq!(documentation_codes(&report, "ms-marco"), Vec::<String>::new());
}

#[test]
fn a_complete_card_and_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("card.md"),
        "---\nlicense: mit\ndatasets:\n- org/data\nmodel-index:\n- name: m\n---\n# m\n## Intended uses\n## Out-of-scope use\n## Limitations\n## Bias, risks and limitations\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("datasheet.md"),
        "---\nlicense: cc-by-4.0\n---\n# Data\n## Uses\n## Limitations\n## Data collection\n## Preprocessing\n## Personal and sensitive information\n",
    )
    .unwrap();
    let manifest = "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"m\"\nsource = \"url\"\nurl = \"https://e.x/m\"\nlicense = \"mit\"\npublisher = \"e\"\ncard = \"card.md\"\ntrained_on = [\"d\"]\n\
[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"https://e.x/d\"\nlicense = \"cc-by-4.0\"\npublisher = \"e\"\ncard = \"datasheet.md\"\ncollection = \"surveys\"\n";
    std::fs::write(dir.path().join("aibom.toml"), manifest).unwrap();
    let (_, report) = json_report(dir.path(), &[]);
    assert_eq!(report["components"][0]["documentation"]["score"], 100);
    assert_eq!(report["components"][1]["documentation"]["score"], 100);
    assert!(
        !all_codes(&report).iter().any(|c| c.starts_with("DOC")),
        "{:?}",
        all_codes(&report)
    );
    std::fs::remove_file(dir.path().join("card.md")).unwrap();
    let (_, report) = json_report(dir.path(), &[]);
    assert_eq!(documentation_codes(&report, "m"), ["DOC002"]);
    assert_eq!(report["components"][0]["documentation"]["score"], 0);
}
