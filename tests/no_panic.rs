//! No manifest text makes the loader panic: random bytes, random TOML-shaped text, and mutations of real
//! manifests. Every outcome is either a `Bom` or a list of problems that renders.

use std::path::Path;

use proptest::prelude::*;

fn load(bytes: &[u8]) {
    match aitrust::bom::from_bytes(Path::new("aibom.toml"), Path::new("."), bytes) {
        Ok(bom) => {
            let _ = bom.components().count();
        }
        Err(aitrust::bom::LoadError::Invalid(problems)) => {
            assert!(!problems.problems.is_empty());
            // rendering quotes source lines and places carets: it must not panic either
            assert!(problems.to_string().contains("nothing was audited"));
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "manifests/demo/aibom.toml",
        "tests/fixtures/clean/aibom.toml",
        "tests/fixtures/remote/aibom.toml",
    ]
    .iter()
    .map(|path| std::fs::read(root.join(path)).unwrap())
    .collect()
}

/// TOML-ish fragments that hit the loader's branches (tables, arrays of tables, enum keys, paths, digests).
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("schema = 1\n".to_string()),
        Just("[project]\nname = \"p\"\n".to_string()),
        Just("[usage]\n".to_string()),
        Just("[[model]]\n".to_string()),
        Just("[[dataset]]\n".to_string()),
        Just("[[model.file]]\n".to_string()),
        Just("[policy]\n".to_string()),
        Just("[policy.levels]\n".to_string()),
        Just("signature = { kind = \"aitrust\", path = \"a.sig\" }\n".to_string()),
        "(id|source|path|name|url|revision|license|sha256|size|local|base_model|trained_on|relation|purpose|levels|schema|allow) = ",
        "\"[a-z0-9./\\\\:_-]{0,12}\"\n",
        "-?[0-9]{1,20}\n",
        Just("[\"a\", \"b\", 3]\n".to_string()),
        Just("{ \"INT001\" = \"deny\" }\n".to_string()),
        Just("true\n".to_string()),
        "[ -~]{0,10}",
        Just("\u{e9}\u{1F600}\n".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        load(&bytes);
    }

    #[test]
    fn toml_shaped_text_never_panics(parts in proptest::collection::vec(fragment(), 0..40)) {
        load(parts.concat().as_bytes());
    }

    #[test]
    fn mutated_real_manifests_never_panic(
        seed in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut bytes = seeds()[seed].clone();
        for (index, byte, kind) in edits {
            if bytes.is_empty() { break; }
            let at = index.index(bytes.len());
            match kind {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                _ => bytes.truncate(at),
            }
        }
        load(&bytes);
    }
}

#[test]
fn deeply_nested_input_is_refused_not_overflowed() {
    let deep = format!(
        "schema = 1\nx = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    load(deep.as_bytes());
    let deep_tables = format!(
        "schema = 1\nx = {}1{}\n",
        "{a = ".repeat(50_000),
        "}".repeat(50_000)
    );
    load(deep_tables.as_bytes());
}
