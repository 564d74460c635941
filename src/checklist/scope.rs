//! What an answer judged, in the manner of cargo-vet's audits: an answer is bound to the content of its item's
//! scope, not to the manifest's bytes.
//!
//! The manifest is read into *parts*: `[project]`, `[usage]`, and for every component one part per aspect
//! (where it comes from, its files, its license, its lineage, its card, who keeps it, what its data is). A
//! part's digest is the SHA-256 of its canonical JSON (keys sorted, files sorted by path, spans and comments
//! gone), so a comment, a reformat or reordered tables change nothing. Each checklist item names its scope
//! (`scope = ["licenses"]`); an answer records the digest of the parts in that scope, and stays current as long
//! as they are unchanged. It also records each part's short digest, so the report can say *what* changed: a
//! component added or removed, its files, its license.
//!
//! An item that names no scope judges the whole manifest (`manifest`): unknown is never narrower.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::bom::{Bom, ComponentKind, choice_enum};

choice_enum! {
    /// A part of the project a checklist item judges.
    Scope {
        Manifest = "manifest",
        Project = "project",
        Usage = "usage",
        Components = "components",
        Models = "models",
        Datasets = "datasets",
        Licenses = "licenses",
        Files = "files",
        Documentation = "documentation",
        Maintenance = "maintenance",
        Data = "data",
    }
}

/// The aspects of a component, and the manifest keys each one holds. A key no aspect names falls into `other`,
/// which every scope that looks at components includes: a key added to the manifest format later can never
/// escape every answer's scope.
const ASPECTS: &[(&str, &[&str])] = &[
    (
        "source",
        &["name", "source", "path", "url", "revision", "publisher"],
    ),
    ("files", &["sha256", "size", "file", "signature"]),
    ("license", &["license"]),
    ("lineage", &["base_model", "relation", "trained_on"]),
    ("card", &["card", "intended_use"]),
    ("upkeep", &["maintainer", "last_reviewed"]),
    ("data", &["personal_data", "collection"]),
];

/// How many hex digits of a part's digest an answer records (to say what changed; staleness is decided by
/// the full digest of the whole scope).
const SHORT: usize = 16;

/// Every part of a manifest, with its full digest.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Part name (`project`, `usage`, `model:ID#aspect`) → SHA-256 (hex).
    parts: BTreeMap<String, String>,
    /// The manifest's own SHA-256, for answers of the first format, which record only that.
    pub manifest_sha256: String,
}

/// What an answer records of its scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Recorded {
    /// SHA-256 of the scope's parts and their full digests: equal means nothing in the scope changed.
    pub digest: String,
    /// Part name → the first 16 hex digits of its digest, to say what changed.
    pub parts: BTreeMap<String, String>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Canonical JSON: object keys sorted (serde_json's map is a BTreeMap), arrays of files sorted by path.
fn canonical(value: &serde_json::Value) -> String {
    value.to_string()
}

impl Snapshot {
    /// Reads every part of the manifest.
    pub fn of(bom: &Bom) -> Self {
        let mut parts = BTreeMap::new();
        let mut add = |name: String, value: serde_json::Value| {
            parts.insert(name, sha256_hex(canonical(&value).as_bytes()));
        };
        add("project".into(), to_json(&bom.project));
        // `[usage]` absent and `[usage]` empty are the same judgement
        add("usage".into(), to_json(&bom.usage));
        for model in &bom.models {
            for (aspect, value) in aspects(to_json(model)) {
                add(
                    part_name(ComponentKind::Model, &model.component.id.value, aspect),
                    value,
                );
            }
        }
        for dataset in &bom.datasets {
            for (aspect, value) in aspects(to_json(dataset)) {
                add(
                    part_name(ComponentKind::Dataset, &dataset.component.id.value, aspect),
                    value,
                );
            }
        }
        Self {
            parts,
            manifest_sha256: bom.sha256.to_string(),
        }
    }

    /// What an answer to an item with these scopes records now.
    pub fn record(&self, scopes: &[Scope]) -> Recorded {
        let selected: Vec<(&String, &String)> = self
            .parts
            .iter()
            .filter(|(name, _)| in_scope(name, scopes))
            .collect();
        let mut hasher = Sha256::new();
        for (name, digest) in &selected {
            hasher.update(name.as_bytes());
            hasher.update(b"\t");
            hasher.update(digest.as_bytes());
            hasher.update(b"\n");
        }
        Recorded {
            digest: hasher
                .finalize()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
            parts: selected
                .into_iter()
                .map(|(name, digest)| (name.clone(), digest[..SHORT].to_string()))
                .collect(),
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    // Serialising plain data (strings, numbers, booleans, lists) into a JSON value cannot fail; a failure
    // would still be recorded, as a value that matches nothing, never as "unchanged".
    serde_json::to_value(value)
        .unwrap_or_else(|error| serde_json::Value::String(format!("unserializable: {error}")))
}

fn part_name(kind: ComponentKind, id: &str, aspect: &str) -> String {
    format!("{}:{id}#{aspect}", kind.as_str())
}

/// Splits a component's JSON into its aspects (every aspect, present or not, so adding a key is a change).
fn aspects(component: serde_json::Value) -> Vec<(&'static str, serde_json::Value)> {
    let serde_json::Value::Object(mut fields) = component else {
        return vec![("other", component)];
    };
    fields.remove("id");
    if let Some(serde_json::Value::Array(files)) = fields.get_mut("file") {
        files.sort_by_key(|file| file.get("path").map(canonical).unwrap_or_default());
    }
    let mut out = Vec::new();
    for (aspect, keys) in ASPECTS {
        let mut part = serde_json::Map::new();
        for key in *keys {
            if let Some(value) = fields.remove(*key) {
                part.insert((*key).to_string(), value);
            }
        }
        out.push((*aspect, serde_json::Value::Object(part)));
    }
    if !fields.is_empty() {
        out.push(("other", serde_json::Value::Object(fields)));
    }
    out
}

/// Is `key` a component's name in `[answer.scope]` (`model:ID`, `dataset:ID`)?
pub fn is_component_key(key: &str) -> bool {
    key.split_once(':').is_some_and(|(kind, id)| {
        matches!(kind, "model" | "dataset")
            && !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    })
}

/// Is `aspect` one of a component's aspects?
pub fn is_aspect(aspect: &str) -> bool {
    aspect == "other" || ASPECTS.iter().any(|(name, _)| *name == aspect)
}

/// Is a part in any of these scopes?
fn in_scope(part: &str, scopes: &[Scope]) -> bool {
    let (kind, aspect) = match part.split_once(':') {
        Some((kind, rest)) => (kind, rest.rsplit_once('#').map_or("other", |(_, aspect)| aspect)),
        None => (part, ""),
    };
    let component = kind == "model" || kind == "dataset";
    scopes.iter().any(|scope| match scope {
        Scope::Manifest => true,
        Scope::Project => part == "project",
        Scope::Usage => part == "usage",
        Scope::Components => component,
        Scope::Models => kind == "model",
        Scope::Datasets => kind == "dataset",
        Scope::Licenses => {
            part == "usage"
                || part == "project"
                || (component && matches!(aspect, "license" | "lineage" | "other"))
        }
        Scope::Files => component && matches!(aspect, "source" | "files" | "other"),
        Scope::Documentation => component && matches!(aspect, "card" | "other"),
        Scope::Maintenance => component && matches!(aspect, "source" | "upkeep" | "other"),
        Scope::Data => kind == "dataset" || (kind == "model" && matches!(aspect, "lineage" | "other")),
    })
}

/// What changed between what an answer recorded and the scope now, in words ("model `m` added",
/// "dataset `d`: files changed", "`[usage]` changed"). Empty when the digests agree.
pub fn changes(then: &Recorded, now: &Recorded) -> Vec<String> {
    if then.digest == now.digest {
        return Vec::new();
    }
    let group = |recorded: &Recorded| {
        let mut components: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut sections = BTreeMap::new();
        for (name, digest) in &recorded.parts {
            match name.rsplit_once('#') {
                Some((component, aspect)) => {
                    components
                        .entry(component.to_string())
                        .or_default()
                        .insert(aspect.to_string(), digest.clone());
                }
                None => {
                    sections.insert(name.clone(), digest.clone());
                }
            }
        }
        (components, sections)
    };
    let (then_components, then_sections) = group(then);
    let (now_components, now_sections) = group(now);
    let mut out = Vec::new();
    for (section, digest) in &now_sections {
        if then_sections.get(section) != Some(digest) {
            out.push(format!("[{section}] changed"));
        }
    }
    for (component, aspects) in &now_components {
        let label = component_label(component);
        match then_components.get(component) {
            None => out.push(format!("{label} added")),
            Some(before) => {
                let changed: Vec<&str> = aspects
                    .iter()
                    .filter(|(aspect, digest)| before.get(*aspect) != Some(*digest))
                    .map(|(aspect, _)| aspect_words(aspect))
                    .chain(
                        before
                            .keys()
                            .filter(|aspect| !aspects.contains_key(*aspect))
                            .map(|aspect| aspect_words(aspect)),
                    )
                    .collect();
                if !changed.is_empty() {
                    out.push(format!("{label}: {} changed", changed.join(", ")));
                }
            }
        }
    }
    for component in then_components.keys() {
        if !now_components.contains_key(component) {
            out.push(format!("{} removed", component_label(component)));
        }
    }
    for section in then_sections.keys() {
        if !now_sections.contains_key(section) {
            out.push(format!("[{section}] left the item's scope"));
        }
    }
    if out.is_empty() {
        // the digest differs but the recorded parts agree: the scope itself changed (the checklist now names
        // another scope), or the parts were edited by hand
        out.push("what the item judges changed (its scope, or the recorded digests)".to_string());
    }
    out
}

fn component_label(component: &str) -> String {
    match component.split_once(':') {
        Some((kind, id)) => format!("{kind} `{id}`"),
        None => format!("`{component}`"),
    }
}

fn aspect_words(aspect: &str) -> &'static str {
    match aspect {
        "source" => "source or revision",
        "files" => "file digests",
        "license" => "license",
        "lineage" => "lineage",
        "card" => "card or intended use",
        "upkeep" => "maintainer or review date",
        "data" => "data collection",
        _ => "other keys",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(parts: &[(&str, &str)]) -> Recorded {
        let parts: BTreeMap<String, String> = parts
            .iter()
            .map(|(name, digest)| (name.to_string(), digest.to_string()))
            .collect();
        Recorded {
            digest: format!("{parts:?}"),
            parts,
        }
    }

    #[test]
    fn changes_name_what_was_added_removed_and_changed() {
        let then = recorded(&[
            ("usage", "1"),
            ("model:m#files", "a"),
            ("model:m#license", "b"),
            ("dataset:old#files", "c"),
        ]);
        let now = recorded(&[
            ("usage", "2"),
            ("model:m#files", "x"),
            ("model:m#license", "b"),
            ("model:new#files", "d"),
        ]);
        assert_eq!(
            changes(&then, &now),
            [
                "[usage] changed",
                "model `m`: file digests changed",
                "model `new` added",
                "dataset `old` removed"
            ]
        );
        assert!(changes(&then, &then).is_empty());
    }

    #[test]
    fn every_part_is_in_the_manifest_scope_and_unknown_aspects_reach_every_component_scope() {
        for scope in [
            Scope::Components,
            Scope::Models,
            Scope::Licenses,
            Scope::Files,
            Scope::Documentation,
            Scope::Maintenance,
            Scope::Data,
        ] {
            assert!(in_scope("model:m#other", &[scope]), "{scope:?}");
        }
        assert!(in_scope("dataset:d#data", &[Scope::Manifest]));
        assert!(!in_scope("model:m#files", &[Scope::Licenses]));
        assert!(in_scope("usage", &[Scope::Licenses]));
        assert!(!in_scope("usage", &[Scope::Files]));
    }
}
