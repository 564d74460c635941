//! The shape of the code: layers point one way. Every `crate::` path in `src/` is read, and a module may only
//! name modules of a lower layer (or itself). The layers are drawn in docs/architecture.md.

use std::collections::BTreeMap;
use std::path::Path;

/// Top-level modules by layer, lowest first.
const LAYERS: &[&[&str]] = &[
    &["diag", "fsutil", "graph"],
    &["digest", "tomlfile", "scan", "discover"],
    &["bom"],
    &["findings"],
    &["checklist", "license", "sources"],
    &["resolve", "sign"],
    &["checks"],
    &["audit"],
    &["report"],
    &["interchange", "schema"],
    &["commands"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The source without `//` comments and string literals (a path in a doc comment or a message is not an edge).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
            } else if c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            } else {
                out.push(c);
            }
            i += 1;
        }
        out.push('\n');
    }
    out
}

/// The top-level modules named by `crate::` paths, `use crate::{a, b::c}` groups included.
fn named_modules(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `my_crate::` is another path, not this crate
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => items.push(std::mem::take(&mut item)),
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth == 1 && c != ',' {
                    item.push(c);
                }
            }
            items.push(item);
            for item in items {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

#[test]
fn layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unlayered = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(own) = layer_of(&top) else {
            unlayered.push(top);
            continue;
        };
        let code = code_only(&std::fs::read_to_string(path).unwrap());
        for module in named_modules(&code) {
            if module == top {
                continue;
            }
            match layer_of(&module) {
                Some(layer) if layer < own => {}
                Some(_) => wrong
                    .entry(relative.display().to_string())
                    .or_default()
                    .push(module),
                None => unlayered.push(format!("{module} (named in {})", relative.display())),
            }
        }
    }
    assert!(
        unlayered.is_empty(),
        "modules with no layer in LAYERS: {unlayered:?}"
    );
    assert!(
        wrong.is_empty(),
        "arrows from a lower layer to a higher (or equal) one: {wrong:#?}"
    );
}

#[test]
fn the_binary_is_a_thin_face() {
    let main = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    let lines = main.lines().count();
    assert!(
        lines < 600,
        "src/main.rs has {lines} lines; commands belong in src/commands"
    );
    // the face calls commands; it reads no files and makes no decision about findings
    for forbidden in ["std::fs::", "fsutil::", "audit::run", "resolve::", "findings::"] {
        assert!(!main.contains(forbidden), "src/main.rs uses `{forbidden}`");
    }
}

#[test]
fn the_parser_of_paths_reads_groups() {
    let code = code_only(
        "use crate::{bom::{self, Bom}, diag};\nlet x = crate::report::table; // crate::nope\n\"crate::str\"",
    );
    assert_eq!(named_modules(&code), ["bom", "diag", "report"]);
}
