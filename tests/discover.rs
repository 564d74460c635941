//! Shadow AI: `aitrust discover` on small realistic projects (tests/fixtures/discover/*), each with the list of
//! what its code really uses (`expected.json`, written by reading the code) and traps: ids in comments,
//! docstrings and prose, MIME types and paths shaped like `org/name`, GitHub URLs, vendored and git-ignored code.
//! Precision and recall of the "used" items are computed by a helper and written to the test's output.

mod common;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use common::{aitrust, copy_tree, stderr, stdout};

type Item = (String, String);

fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(name);
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/discover")
            .join(name),
        &root,
    );
    // traps that cannot be committed as they are: vendored trees, a virtual environment, build output, and a
    // directory the project's .gitignore excludes, each loading a model no one uses
    for (path, text) in [
        (
            "node_modules/lib/load.py",
            "from transformers import AutoModel\nAutoModel.from_pretrained(\"vendored/in-node-modules\")\n",
        ),
        (
            ".venv/lib/python3.11/site-packages/pkg/m.py",
            "from transformers import AutoModel\nAutoModel.from_pretrained(\"vendored/in-venv\")\n",
        ),
        (
            "target/debug/gen.py",
            "from transformers import AutoModel\nAutoModel.from_pretrained(\"generated/in-target\")\n",
        ),
        (
            "scratch/try.py",
            "from transformers import AutoModel\nAutoModel.from_pretrained(\"ignored/by-gitignore\")\n",
        ),
        (
            ".git/hooks/x.py",
            "from transformers import AutoModel\nAutoModel.from_pretrained(\"git/internal\")\n",
        ),
    ] {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    std::fs::write(root.join(".gitignore"), "scratch/\n").unwrap();
    (dir, root)
}

/// `discover --format json`, checked against the checked-in schema (the JSON contract) before it is read.
fn discover(root: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["discover", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let output = aitrust(root, &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/discover.schema.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    serde_json::from_value(value).unwrap()
}

fn items(uses: &[serde_json::Value], status: &str) -> BTreeSet<Item> {
    uses.iter()
        .filter(|u| u["status"] == status)
        .map(|u| {
            (
                u["kind"].as_str().unwrap().to_string(),
                u["identifier"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expected(root: &Path, key: &str) -> BTreeSet<Item> {
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap()).unwrap();
    expected[key]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|pair| {
                    (
                        pair[0].as_str().unwrap().to_string(),
                        pair[1].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Precision and recall of `found` against `truth`.
fn scores(found: &BTreeSet<Item>, truth: &BTreeSet<Item>) -> (f64, f64) {
    let hits = found.intersection(truth).count() as f64;
    let precision = if found.is_empty() {
        1.0
    } else {
        hits / found.len() as f64
    };
    let recall = if truth.is_empty() {
        1.0
    } else {
        hits / truth.len() as f64
    };
    (precision, recall)
}

#[test]
fn projects_against_their_expected_lists() {
    let mut total_found = BTreeSet::new();
    let mut total_truth = BTreeSet::new();
    for name in ["rag-service", "web-app", "research", "local-llm", "fine-tune"] {
        let (_dir, root) = fixture(name);
        let uses = discover(&root, &[]);
        let used = items(&uses, "used");
        let truth = expected(&root, "used");
        let (precision, recall) = scores(&used, &truth);
        let _ = writeln!(
            std::io::stderr(),
            "{name}: precision {precision:.2}, recall {recall:.2} ({} used found, {} expected)",
            used.len(),
            truth.len()
        );
        assert!(
            precision >= 0.95 && recall >= 0.95,
            "{name}: found but not expected {:?}; expected but not found {:?}",
            used.difference(&truth).collect::<Vec<_>>(),
            truth.difference(&used).collect::<Vec<_>>()
        );
        assert_eq!(items(&uses, "dynamic"), expected(&root, "dynamic"), "{name}");
        // nothing "used" from prose, from a line marked as a trap, or from vendored, generated or ignored code
        let text = |file: &str| std::fs::read_to_string(root.join(file)).unwrap_or_default();
        for u in uses.iter().filter(|u| u["status"] == "used") {
            let file = u["file"].as_str().unwrap();
            assert!(!file.ends_with(".md"), "{u}");
            for prefix in ["node_modules/", ".venv/", "target/", "scratch/", ".git/"] {
                assert!(!file.starts_with(prefix), "{u}");
            }
            let line = u["line"].as_u64().unwrap() as usize;
            if !file.ends_with(".ipynb") && line > 0 {
                let source = text(file);
                let at = source.lines().nth(line - 1).unwrap_or_default();
                assert!(!at.contains("TRAP"), "a use from a trap line: {u}\n{at}");
            }
        }
        // revisions found next to the id
        let revisions: serde_json::Value =
            serde_json::from_str::<serde_json::Value>(&text("expected.json")).unwrap()["revisions"].clone();
        if let Some(revisions) = revisions.as_object() {
            for (identifier, revision) in revisions {
                assert!(
                    uses.iter()
                        .any(|u| u["identifier"] == identifier.as_str() && u["revision"] == *revision),
                    "{name}: {identifier} @ {revision}"
                );
            }
        }
        total_found.extend(used.into_iter().map(|(k, i)| (k, format!("{name}:{i}"))));
        total_truth.extend(truth.into_iter().map(|(k, i)| (k, format!("{name}:{i}"))));
    }
    let (precision, recall) = scores(&total_found, &total_truth);
    let _ = writeln!(
        std::io::stderr(),
        "all projects: precision {precision:.2}, recall {recall:.2}"
    );
    assert!(precision >= 0.95 && recall >= 0.95);
    // weights on disk are listed whether code names them or not
    let (_dir, root) = fixture("local-llm");
    let present: BTreeSet<String> = discover(&root, &[])
        .iter()
        .filter(|u| u["status"] == "present")
        .map(|u| u["identifier"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        present,
        ["models/old-experiment.safetensors", "models/support-q4_k_m.gguf"]
            .map(String::from)
            .into()
    );
    // --no-ignore reads what .gitignore hides, never what is vendored
    let (_dir, root) = fixture("rag-service");
    let all = items(&discover(&root, &["--no-ignore"]), "used");
    assert!(all.contains(&("model".into(), "ignored/by-gitignore".into())));
    assert!(!all.iter().any(|(_, i)| i.starts_with("vendored/")));
}

/// The JSON contract: one object per use with kind, identifier, source, revision, file, line, status, via and
/// declared.
#[test]
fn the_json_of_a_typescript_project() {
    let (_dir, root) = fixture("web-app");
    let uses = discover(&root, &[]);
    insta::assert_json_snapshot!("discover_web_app", uses);
}

const MANIFEST: &str = r#"schema = 1

[project]
name = "faq-search"

[usage]
purpose = "commercial"
deployment = "saas"
activities = ["serve"]

# the embedding model, reviewed in March
[[model]]
id = "bge-small"
name = "BAAI/bge-small-en-v1.5"
source = "huggingface"
revision = "5c38ec7c405ec4b44b94cc5a9bb96e735b38267a"
license = "mit"

[[dataset]]
id = "squad-v2"
name = "rajpurkar/squad_v2"
source = "huggingface"
revision = "3ffb306f725f7d2ce8394bc1873b24868140c412"
license = "cc-by-sa-4.0"

[[model]]
id = "old-model"
name = "acme/retired-model"
source = "huggingface"
revision = "0123456789abcdef0123456789abcdef01234567"
license = "apache-2.0"
"#;

/// `check` reports every used model nobody declared (SHD001, a warning; an error under
/// `policy.discovery = "deny"`), and a declared component nothing loads (SHD002); `discover --write` declares
/// them, keeping the manifest's comments, and the next `check` finds nothing undeclared.
#[test]
fn check_reports_every_undeclared_use_and_write_declares_them() {
    let (_dir, root) = fixture("rag-service");
    std::fs::write(root.join("aibom.toml"), MANIFEST).unwrap();
    let (_, report) = common::json_report(&root, &[]);
    let findings = report["findings"].as_array().unwrap();
    let undeclared: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "SHD001")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    let truth = expected(&root, "used");
    let declared = ["BAAI/bge-small-en-v1.5", "rajpurkar/squad_v2"];
    for (_, identifier) in truth.iter().filter(|(_, i)| !declared.contains(&i.as_str())) {
        assert_eq!(
            undeclared
                .iter()
                .filter(|m| m.contains(&format!("`{identifier}`")))
                .count(),
            1,
            "{identifier}: {undeclared:#?}"
        );
    }
    assert_eq!(undeclared.len(), truth.len() - declared.len(), "{undeclared:#?}");
    assert!(
        findings
            .iter()
            .all(|f| f["code"] != "SHD001" || f["severity"] == "warning")
    );
    // each points at the code that uses it
    let first = findings.iter().find(|f| f["code"] == "SHD001").unwrap();
    assert!(first["location"]["path"].as_str().unwrap().len() > 2, "{first}");
    let unused: Vec<&serde_json::Value> = findings.iter().filter(|f| f["code"] == "SHD002").collect();
    assert_eq!(unused.len(), 1, "{unused:#?}");
    assert_eq!(unused[0]["component"], "old-model");

    // deny: the same findings are errors, and the gate fails
    std::fs::write(
        root.join("aibom.toml"),
        MANIFEST.replace("[usage]", "[policy]\ndiscovery = \"deny\"\n\n[usage]"),
    )
    .unwrap();
    let (code, report) = common::json_report(&root, &[]);
    assert_eq!(code, 1);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "SHD001")
            .all(|f| f["severity"] == "error")
    );

    // off: not run
    std::fs::write(
        root.join("aibom.toml"),
        MANIFEST.replace("[usage]", "[policy]\ndiscovery = \"off\"\n\n[usage]"),
    )
    .unwrap();
    let (_, report) = common::json_report(&root, &[]);
    assert!(!common::all_codes(&report).iter().any(|c| c.starts_with("SHD")));

    // --write declares every undeclared use once; the comments stay; check then finds none undeclared
    std::fs::write(root.join("aibom.toml"), MANIFEST).unwrap();
    let output = aitrust(&root, &["discover", ".", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    assert!(
        manifest.starts_with(MANIFEST),
        "the manifest was rewritten, not extended"
    );
    assert!(manifest.contains("# the embedding model, reviewed in March"));
    assert!(
        manifest.contains("name = \"openai/gpt-4o-mini\"\nsource = \"hosted\"\nlicense = \"hosted:openai\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("revision = \"c5ee24cb16019beea0893ab7796b1df96625c6b8\""),
        "{manifest}"
    );
    let (code, report) = common::json_report(&root, &[]);
    assert!(code < 2, "{report}");
    assert!(
        !common::all_codes(&report).contains(&"SHD001".to_string()),
        "{:#?}",
        report["findings"]
    );
    // a second --write adds nothing
    let output = aitrust(&root, &["discover", ".", "--write"]);
    assert!(stderr(&output).contains("nothing to add"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(root.join("aibom.toml")).unwrap(),
        manifest
    );
}

/// Hostile input: a file that is not UTF-8, a FIFO, a link out of the project, deeply nested code and a huge
/// minified file are skipped or read without a crash or a hang.
#[test]
fn hostile_trees_are_read_safely() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("latin1.py"),
        b"# caf\xe9\nAutoModel.from_pretrained('a/b')\n",
    )
    .unwrap();
    let nested = format!("x = {}1{}\n", "(".repeat(5_000), ")".repeat(5_000));
    std::fs::write(root.join("nested.py"), nested).unwrap();
    std::fs::write(root.join("huge.js"), "model ".repeat(1_000_000)).unwrap();
    #[cfg(unix)]
    {
        let outside = dir.path().join("outside.py");
        std::fs::write(
            &outside,
            "from transformers import AutoModel\nAutoModel.from_pretrained('outside/x')\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link.py")).unwrap();
        let fifo = root.join("fifo.py");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
    }
    std::fs::write(
        root.join("ok.py"),
        "from transformers import AutoModel\nAutoModel.from_pretrained('good/model')\n",
    )
    .unwrap();
    let uses = discover(&root, &[]);
    let used = items(&uses, "used");
    // the Latin-1 file is still read; the link and the FIFO are not followed or opened
    assert_eq!(
        used,
        [("model", "a/b"), ("model", "good/model")]
            .map(|(k, i)| (k.to_string(), i.to_string()))
            .into()
    );
    // the file too large to search is said, by discover and by check (SHD003: fail closed)
    let output = aitrust(&root, &["discover", "."]);
    assert!(
        stderr(&output).contains("huge.js was not read"),
        "{}",
        stderr(&output)
    );
    std::fs::write(root.join("aibom.toml"), "schema = 1\n[project]\nname = \"p\"\n").unwrap();
    let (_, report) = common::json_report(&root, &[]);
    let skipped: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SHD003")
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:#?}");
    assert!(skipped[0]["message"].as_str().unwrap().contains("huge.js"));
}

/// More of the APIs people use, each one line of code with what it loads (None: nothing, or not a name).
#[test]
fn api_table_cases() {
    /// (file name, code, what it uses)
    type Case = (&'static str, &'static str, Option<(&'static str, &'static str)>);
    let cases: &[Case] = &[
        (
            "a.py",
            "from diffusers import StableDiffusionXLPipeline\np = StableDiffusionXLPipeline.from_pretrained('stabilityai/stable-diffusion-xl-base-1.0')\n",
            Some(("model", "stabilityai/stable-diffusion-xl-base-1.0")),
        ),
        (
            "a.py",
            "pipe.load_lora_weights('nerijs/pixel-art-xl', weight_name='pixel-art-xl.safetensors')\n",
            Some(("model", "nerijs/pixel-art-xl")),
        ),
        (
            "a.py",
            "model.load_adapter('acme/support-lora')\n",
            Some(("model", "acme/support-lora")),
        ),
        (
            "a.py",
            "from huggingface_hub import InferenceClient\nc = InferenceClient('HuggingFaceH4/zephyr-7b-beta')\n",
            Some(("model", "HuggingFaceH4/zephyr-7b-beta")),
        ),
        (
            "a.py",
            "from mlx_lm import load\nm, t = load('mlx-community/Qwen2.5-7B-Instruct-4bit')\n",
            Some(("model", "mlx-community/Qwen2.5-7B-Instruct-4bit")),
        ),
        (
            "a.py",
            "import ollama\nr = ollama.Client(host='h').chat(model='llama3.2:1b', messages=[])\n",
            Some(("model", "llama3.2:1b")),
        ),
        (
            "a.py",
            "from google import genai\nr = genai.Client().models.generate_content(model='gemini-2.0-flash', contents='x')\n",
            Some(("hosted-api-model", "gemini-2.0-flash")),
        ),
        (
            "a.py",
            "import google.generativeai as genai\nm = genai.GenerativeModel('gemini-1.5-pro')\n",
            Some(("hosted-api-model", "gemini-1.5-pro")),
        ),
        (
            "a.py",
            "import cohere\nco = cohere.ClientV2()\nr = co.chat(model='command-r-plus', messages=[])\n",
            Some(("hosted-api-model", "command-r-plus")),
        ),
        (
            "a.py",
            "from mistralai import Mistral\nr = Mistral().chat.complete(model='mistral-large-latest', messages=[])\n",
            Some(("hosted-api-model", "mistral-large-latest")),
        ),
        (
            "a.py",
            "from twilio.rest import Client\nClient().messages.create(body='hi', to='+1')\n",
            None,
        ),
        ("a.py", "requests.post(url, json={'model': 'text/plain'})\n", None),
        (
            "a.py",
            "AutoModel.from_pretrained('./checkpoints/run-3')\n",
            Some(("local-weights", "./checkpoints/run-3")),
        ),
        (
            "a.py",
            "from vllm import LLM\nllm = LLM(model='Qwen/Qwen2.5-1.5B-Instruct', revision='main')\n",
            Some(("model", "Qwen/Qwen2.5-1.5B-Instruct")),
        ),
        (
            "a.js",
            "import { HfInference } from '@huggingface/inference';\nawait new HfInference().textGeneration({ model: 'gpt2-large/x', inputs: 'a' });\n",
            Some(("model", "gpt2-large/x")),
        ),
        (
            "a.ts",
            "import ollama from 'ollama';\nawait ollama.chat({ model: 'phi3:mini', messages });\n",
            Some(("model", "phi3:mini")),
        ),
        (
            "a.ts",
            "const m = 'org/x'; // AutoModel.from_pretrained('org/y')\n",
            None,
        ),
        // a Kubernetes deployment of a model server: its args and its environment; a CI workflow's step
        (
            "deploy.yaml",
            "spec:\n  containers:\n    - name: vllm\n      image: vllm/vllm-openai:v0.6.0\n      args: [\"--model\", \"meta-llama/Llama-3.1-8B-Instruct\"]\n",
            Some(("model", "meta-llama/Llama-3.1-8B-Instruct")),
        ),
        (
            "deploy.yaml",
            "env:\n  - name: EMBEDDING_MODEL_ID\n    value: BAAI/bge-m3\n  - name: LOG_LEVEL\n    value: info/debug\n",
            Some(("model", "BAAI/bge-m3")),
        ),
        (
            "ci.yml",
            "jobs:\n  eval:\n    steps:\n      - run: huggingface-cli download Qwen/Qwen2.5-1.5B\n",
            Some(("model", "Qwen/Qwen2.5-1.5B")),
        ),
        // no model: the task's default, which the code uses without naming it
        (
            "a.py",
            "from transformers import pipeline\nclf = pipeline('sentiment-analysis')\n",
            Some((
                "model",
                "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            )),
        ),
        (
            "a.py",
            "from transformers import pipeline\nt = pipeline(task='translation_en_to_de')\n",
            Some(("model", "google-t5/t5-base")),
        ),
        (
            "a.py",
            "from transformers import pipeline\np = pipeline('summarization', model='facebook/bart-large-cnn')\n",
            Some(("model", "facebook/bart-large-cnn")),
        ),
    ];
    for (file, code, expected) in cases {
        let uses = aitrust::discover::scan_file_text(code, file);
        let used: Vec<(&str, &str)> = uses
            .iter()
            .filter(|u| u.status == aitrust::discover::Status::Used)
            .map(|u| (u.kind.as_str(), u.identifier.as_str()))
            .collect();
        match expected {
            Some(item) => assert_eq!(used, [*item], "{code}"),
            None => assert!(used.is_empty(), "{code}: {used:?}"),
        }
    }
}

/// The table people read: every use with where it is and whether the manifest declares it.
#[test]
fn the_table_of_a_notebook_project() {
    let (_dir, root) = fixture("research");
    std::fs::write(
        root.join("aibom.toml"),
        "schema = 1\n\n[project]\nname = \"research\"\n\n[[model]]\nid = \"qwen\"\nname = \"Qwen/Qwen2.5-0.5B-Instruct\"\nsource = \"huggingface\"\nrevision = \"7ae557604adf67be50417f59c2c2f167def9a775\"\nlicense = \"apache-2.0\"\n",
    )
    .unwrap();
    let output = aitrust(&root, &["discover", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("discover_research_table", stdout(&output));
}
