//! CycloneDX ML-BOM: export of the manifest as CycloneDX 1.6 or 1.7 JSON, and import of CycloneDX 1.5 / 1.6 /
//! 1.7 ML-BOMs (the official fixtures, other AIBOM generators' output) into a starting `aibom.toml`.
//!
//! Export writes what other tools read, and validates it before anyone sees it:
//! - `machine-learning-model` and `data` components with SHA-256 hashes, a supplier and a version (NTIA's
//!   minimum elements), purls by the purl spec (see [`super::identity`]), URLs parsed and percent-encoded;
//! - licenses as canonical SPDX ids, single expressions, or LicenseRefs with their name and URL (1.7:
//!   `expressionDetails`; 1.6: `properties`), free text as `license.name`; nothing silently omitted;
//! - model cards (datasets by reference, intended use), base models as pedigree ancestors, files as nested
//!   components with their hashes, a dependency graph, and `compositions` saying which training-data lists are
//!   not known to be complete;
//! - what CycloneDX has no field for (`[usage]`, `[policy]`, each component's own table) as `aitrust:` properties
//!   holding the manifest's TOML, so `export | import` is lossless.
//!
//! The document is checked against the official schema (embedded, with format checking) and for unique,
//! resolving references; a document that fails is refused, naming the problem.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::{Value, json};

use super::identity::purl;
use super::neutral::{Entry, Origin, ProjectIn, manifest_tables, supplier, version};
pub use super::neutral::{Import, Refused};
use crate::bom::{Bom, Component, ComponentKind, SourceKind};

/// The CycloneDX version to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spec {
    /// CycloneDX 1.6.
    V1_6,
    /// CycloneDX 1.7.
    V1_7,
}

impl Spec {
    /// "1.6" or "1.7".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_6 => "1.6",
            Self::V1_7 => "1.7",
        }
    }

    /// The version given on the command line.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "1.6" => Some(Self::V1_6),
            "1.7" => Some(Self::V1_7),
            _ => None,
        }
    }
}

/// Property names aitrust writes (the `aitrust:` namespace).
pub mod property {
    /// A component's own table from the manifest, as TOML (`[[model]]` or `[[dataset]]` with one entry).
    pub const TABLE: &str = "aitrust:manifest:table";
    /// A top-level manifest table CycloneDX has no field for (`[usage]`, `[policy]`), as TOML.
    pub const TOP: &str = "aitrust:manifest:top";
    /// A LicenseRef's full name (1.6, which cannot attach details to an expression).
    pub const LICENSE_NAME: &str = "aitrust:license:name";
    /// A LicenseRef's text URL (1.6).
    pub const LICENSE_URL: &str = "aitrust:license:url";
}

fn bom_ref(component: &Component) -> String {
    format!("{}:{}", component.kind.as_str(), component.id.value)
}

/// A UUID-shaped serial number derived from the manifest's digest (the same manifest gives the same BOM).
fn serial_number(bom: &Bom) -> String {
    let hex = bom.sha256.to_string();
    format!(
        "urn:uuid:{}-{}-5{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// CycloneDX `licenses` for a license as the manifest writes it, and the properties a 1.6 document needs to
/// name its LicenseRefs.
fn licenses(text: &str, spec: Spec) -> (Value, Vec<Value>) {
    let kb = crate::license::KnowledgeBase::embedded();
    let Ok(normalized) = crate::license::normalize(text, kb) else {
        // free text, `other`, an unknown name: kept as the license's name, never dropped
        return (json!([{ "license": { "name": text } }]), Vec::new());
    };
    let canonical = normalized.canonical;
    if spdx::license_id(&canonical).is_some() {
        return (json!([{ "license": { "id": canonical } }]), Vec::new());
    }
    let refs: Vec<&crate::license::LicenseFacts> = crate::license::rules::leaves(&normalized.expression)
        .iter()
        .filter(|leaf| leaf.starts_with("LicenseRef-"))
        .filter_map(|leaf| kb.by_id(leaf))
        .collect();
    match spec {
        Spec::V1_7 => {
            let details: Vec<Value> = refs
                .iter()
                .map(|facts| json!({ "licenseIdentifier": facts.id, "url": facts.url }))
                .collect();
            let mut expression = json!({ "expression": canonical });
            if !details.is_empty() {
                expression["expressionDetails"] = json!(details);
            }
            (json!([expression]), Vec::new())
        }
        Spec::V1_6 => {
            let properties = refs
                .iter()
                .flat_map(|facts| {
                    [
                        json!({ "name": property::LICENSE_NAME, "value": format!("{}: {}", facts.id, facts.name) }),
                        json!({ "name": property::LICENSE_URL, "value": format!("{}: {}", facts.id, facts.url) }),
                    ]
                })
                .collect();
            (json!([{ "expression": canonical }]), properties)
        }
    }
}

fn component_json(
    bom: &Bom,
    component: &Component,
    table: Option<&String>,
    spec: Spec,
    refused: &mut Vec<Refused>,
) -> Value {
    let kind = if component.kind == ComponentKind::Model {
        "machine-learning-model"
    } else {
        "data"
    };
    let mut value = json!({
        "bom-ref": bom_ref(component),
        "type": kind,
        "supplier": { "name": supplier(bom, component) },
        "name": component.display_name(),
    });
    let object = value.as_object_mut().expect("a JSON object");
    if let Some(version) = version(component) {
        object.insert("version".into(), json!(version));
    }
    if let Some(publisher) = &component.publisher {
        object.insert("publisher".into(), json!(publisher.value));
    }
    if let Some(purl) = purl(component) {
        object.insert("purl".into(), json!(purl));
    }
    if let Some(sha256) = &component.sha256 {
        object.insert(
            "hashes".into(),
            json!([{ "alg": "SHA-256", "content": sha256.value.to_string() }]),
        );
    }
    let mut properties = Vec::new();
    if let Some(license) = &component.license {
        let (licenses, extra) = licenses(&license.value, spec);
        object.insert("licenses".into(), licenses);
        properties.extend(extra);
    }
    if let Some(url) = super::neutral::location(component, refused) {
        let kind = if component.source.value == SourceKind::Git {
            "vcs"
        } else {
            "distribution"
        };
        object.insert("externalReferences".into(), json!([{ "type": kind, "url": url }]));
    }
    let files: Vec<Value> = component
        .files
        .iter()
        .map(|file| {
            let mut nested = json!({
                "bom-ref": format!("{}/{}", bom_ref(component), file.path.value),
                "type": "file",
                "name": file.path.value.to_string(),
            });
            if let Some(sha256) = &file.sha256 {
                nested["hashes"] = json!([{ "alg": "SHA-256", "content": sha256.value.to_string() }]);
            }
            nested
        })
        .collect();
    if !files.is_empty() {
        object.insert("components".into(), json!(files));
    }
    match bom.model(&component.id.value) {
        Some(model) => {
            let mut card = json!({});
            if !model.trained_on.is_empty() {
                let datasets: Vec<Value> = model
                    .trained_on
                    .iter()
                    .map(|d| json!({ "ref": format!("dataset:{}", d.value) }))
                    .collect();
                card["modelParameters"] = json!({ "datasets": datasets });
            }
            if let Some(intended) = &component.intended_use {
                card["considerations"] = json!({ "useCases": [intended.value] });
            }
            if card.as_object().is_some_and(|c| !c.is_empty()) {
                object.insert("modelCard".into(), card);
            }
            let ancestors: Vec<Value> = model
                .base_model
                .iter()
                .filter_map(|base| bom.component(&base.value))
                .map(|parent| {
                    let mut ancestor = json!({
                        "type": "machine-learning-model",
                        "name": parent.display_name(),
                        "supplier": { "name": supplier(bom, parent) },
                    });
                    if let Some(purl) = purl(parent) {
                        ancestor["purl"] = json!(purl);
                    }
                    if let Some(version) = version(parent) {
                        ancestor["version"] = json!(version);
                    }
                    ancestor
                })
                .collect();
            if !ancestors.is_empty() {
                object.insert("pedigree".into(), json!({ "ancestors": ancestors }));
            }
        }
        None => {
            let dataset = bom.dataset(&component.id.value);
            let mut data = json!({ "type": "dataset", "name": component.display_name() });
            if let Some(collection) = dataset.and_then(|d| d.collection.as_ref()) {
                data["description"] = json!(collection.value);
            }
            if dataset
                .and_then(|d| d.personal_data.as_ref())
                .is_some_and(|p| p.value)
            {
                data["sensitiveData"] = json!(["personal data"]);
            }
            object.insert("data".into(), json!([data]));
        }
    }
    if let Some(table) = table {
        properties.push(json!({ "name": property::TABLE, "value": table }));
    }
    if !properties.is_empty() {
        object.insert("properties".into(), json!(properties));
    }
    value
}

/// The manifest as a CycloneDX JSON ML-BOM, or the values that cannot be written validly.
pub fn export(bom: &Bom, timestamp: &str, spec: Spec) -> Result<Value, Vec<Refused>> {
    let (top, tables) = manifest_tables(bom);
    let mut refused = Vec::new();
    let project_ref = format!("project:{}", bom.project.name.value);
    let mut project =
        json!({ "bom-ref": project_ref, "type": "application", "name": bom.project.name.value });
    let project_supplier = super::neutral::project_supplier(bom);
    project["supplier"] = json!({ "name": project_supplier });
    if let Some(version) = &bom.project.version {
        project["version"] = json!(version.value);
    }
    if let Some(license) = &bom.project.license {
        let (licenses, properties) = licenses(&license.value, spec);
        project["licenses"] = licenses;
        if !properties.is_empty() {
            project["properties"] = json!(properties);
        }
    }
    let components: Vec<Value> = bom
        .components()
        .map(|c| component_json(bom, c, tables.get(&bom_ref(c)), spec, &mut refused))
        .collect();
    let mut dependencies =
        vec![json!({ "ref": project_ref, "dependsOn": bom.components().map(bom_ref).collect::<Vec<_>>() })];
    let mut unknown_training = Vec::new();
    for component in bom.components() {
        let depends_on: Vec<String> = match bom.model(&component.id.value) {
            Some(model) => {
                // the manifest lists the training data it knows of; nothing says the list is complete
                unknown_training.push(bom_ref(component));
                model
                    .base_model
                    .iter()
                    .map(|b| format!("model:{}", b.value))
                    .chain(model.trained_on.iter().map(|d| format!("dataset:{}", d.value)))
                    .collect()
            }
            None => Vec::new(),
        };
        dependencies.push(json!({ "ref": bom_ref(component), "dependsOn": depends_on }));
    }
    let mut metadata = json!({
        "timestamp": timestamp,
        "tools": { "components": [{ "type": "application", "name": "aitrust", "version": env!("CARGO_PKG_VERSION") }] },
        "component": project,
        "supplier": { "name": project_supplier },
    });
    if let Some(owner) = &bom.project.owner {
        metadata["authors"] = json!([{ "name": owner.value }]);
    }
    let top_properties: Vec<Value> = top
        .values()
        .map(|text| json!({ "name": property::TOP, "value": text }))
        .collect();
    if !top_properties.is_empty() {
        metadata["properties"] = json!(top_properties);
    }
    let mut document = json!({
        "$schema": format!("http://cyclonedx.org/schema/bom-{}.schema.json", spec.as_str()),
        "bomFormat": "CycloneDX",
        "specVersion": spec.as_str(),
        "serialNumber": serial_number(bom),
        "version": 1,
        "metadata": metadata,
        "components": components,
        "dependencies": dependencies,
    });
    if !unknown_training.is_empty() {
        // CycloneDX compositions: the dependency lists of these models (their base models and training data)
        // are those the manifest declares; whether they are complete is unknown
        document["compositions"] = json!([{ "aggregate": "unknown", "dependencies": unknown_training }]);
    }
    if refused.is_empty() {
        Ok(document)
    } else {
        Err(refused)
    }
}

/// Resolves the official schema's `$ref`s (spdx, jsf, cryptography definitions) from the embedded copies.
struct EmbeddedSchemas;

const SCHEMAS: &[(&str, &str)] = &[
    (
        "bom-1.6.schema.json",
        include_str!("../../schemas/cyclonedx/bom-1.6.schema.json"),
    ),
    (
        "bom-1.7.schema.json",
        include_str!("../../schemas/cyclonedx/bom-1.7.schema.json"),
    ),
    (
        "spdx.schema.json",
        include_str!("../../schemas/cyclonedx/spdx.schema.json"),
    ),
    (
        "jsf-0.82.schema.json",
        include_str!("../../schemas/cyclonedx/jsf-0.82.schema.json"),
    ),
    (
        "cryptography-defs.schema.json",
        include_str!("../../schemas/cyclonedx/cryptography-defs.schema.json"),
    ),
];

impl jsonschema::Retrieve for EmbeddedSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default();
        let text = SCHEMAS
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| *text)
            .ok_or_else(|| format!("no embedded schema {name}"))?;
        Ok(serde_json::from_str(text)?)
    }
}

fn validator(spec: Spec) -> Option<&'static jsonschema::Validator> {
    static V16: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static V17: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let (cell, file) = match spec {
        Spec::V1_6 => (&V16, "bom-1.6.schema.json"),
        Spec::V1_7 => (&V17, "bom-1.7.schema.json"),
    };
    cell.get_or_init(|| {
        let text = SCHEMAS.iter().find(|(name, _)| *name == file)?.1;
        let schema: Value = serde_json::from_str(text).ok()?;
        jsonschema::options()
            .with_retriever(EmbeddedSchemas)
            .should_validate_formats(true)
            .build(&schema)
            .ok()
    })
    .as_ref()
}

/// Everything wrong with a CycloneDX document of this version: the official schema's errors (formats
/// checked) and the references the schema cannot check. Empty when it is valid.
pub fn validate(document: &Value, spec: Spec) -> Vec<String> {
    let mut problems: Vec<String> = match validator(spec) {
        Some(validator) => validator
            .iter_errors(document)
            .map(|error| format!("{error} (at {})", error.instance_path()))
            .collect(),
        None => vec![format!(
            "the embedded CycloneDX {} schema does not load",
            spec.as_str()
        )],
    };
    problems.extend(check_references(document));
    problems
}

/// What the schema cannot check: every `bom-ref` unique, every reference (`dependencies`, model-card
/// datasets) resolving to one. Returns the problems.
pub fn check_references(document: &Value) -> Vec<String> {
    let mut refs = Vec::new();
    collect_refs(document, &mut refs);
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for reference in &refs {
        if !seen.insert(reference.as_str()) {
            problems.push(format!("bom-ref {reference} is not unique"));
        }
    }
    let mut pointers = Vec::new();
    for dependency in document["dependencies"].as_array().into_iter().flatten() {
        pointers.extend(dependency["ref"].as_str().map(str::to_string));
        pointers.extend(
            dependency["dependsOn"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_string)),
        );
    }
    collect_dataset_refs(document, &mut pointers);
    for pointer in pointers {
        if !seen.contains(pointer.as_str()) {
            problems.push(format!("reference {pointer} points to no bom-ref"));
        }
    }
    problems
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "bom-ref" {
                    out.extend(inner.as_str().map(str::to_string));
                } else if key != "pedigree" {
                    collect_refs(inner, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

fn collect_dataset_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(datasets) = map
                .get("modelParameters")
                .and_then(|p| p.get("datasets"))
                .and_then(Value::as_array)
            {
                out.extend(
                    datasets
                        .iter()
                        .filter_map(|d| d.get("ref").and_then(Value::as_str).map(str::to_string)),
                );
            }
            map.values().for_each(|inner| collect_dataset_refs(inner, out));
        }
        Value::Array(items) => items.iter().for_each(|item| collect_dataset_refs(item, out)),
        _ => {}
    }
}

/// Every component of a BOM, nested ones included, that is a model or data (a `file` nested in one is its file).
fn ml_components<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    for component in value.as_array().into_iter().flatten() {
        if matches!(
            component["type"].as_str(),
            Some("machine-learning-model" | "data")
        ) {
            out.push(component);
        }
        ml_components(&component["components"], out);
    }
}

fn license_of(component: &Value) -> Option<String> {
    let licenses = component["licenses"].as_array()?;
    let terms: Vec<String> = licenses
        .iter()
        .filter_map(|entry| {
            entry["expression"]
                .as_str()
                .or_else(|| entry["license"]["id"].as_str())
                .or_else(|| entry["license"]["name"].as_str())
                .map(str::to_string)
        })
        .collect();
    match terms.len() {
        0 => None,
        1 => terms.into_iter().next(),
        // several entries: each is one license the component is under
        _ => Some(
            terms
                .iter()
                .map(|t| {
                    if t.contains(' ') {
                        format!("({t})")
                    } else {
                        t.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}

fn property<'a>(object: &'a Value, name: &str) -> impl Iterator<Item = &'a str> {
    object["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |p| p["name"] == name)
        .filter_map(|p| p["value"].as_str())
}

fn origin(component: &Value) -> Option<Origin> {
    if let Some(purl) = component["purl"].as_str().and_then(super::identity::parse_purl) {
        let revision = purl
            .version
            .clone()
            .or_else(|| component["version"].as_str().map(str::to_string));
        match purl.kind.as_str() {
            "huggingface" => {
                let name = purl
                    .namespace
                    .map_or(purl.name.clone(), |ns| format!("{ns}/{}", purl.name));
                return Some(Origin::Hub { name, revision });
            }
            "github" => {
                let url = format!(
                    "https://github.com/{}/{}",
                    purl.namespace.unwrap_or_default(),
                    purl.name
                );
                return Some(Origin::Git { url, revision });
            }
            _ => {}
        }
    }
    let references: Vec<(&str, &str)> = component["externalReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r["type"].as_str()?, r["url"].as_str()?)))
        .collect();
    let version = component["version"].as_str().map(str::to_string);
    // the Hub identity only from a distribution or vcs reference that is a repository URL, never a doc link
    if let Some((_, name)) = references
        .iter()
        .filter(|(kind, _)| matches!(*kind, "distribution" | "vcs"))
        .find_map(|(_, url)| super::identity::hub_repository(url))
    {
        return Some(Origin::Hub {
            name,
            revision: version,
        });
    }
    if let Some((_, url)) = references.iter().find(|(kind, _)| *kind == "vcs") {
        return Some(Origin::Git {
            url: url.to_string(),
            revision: version,
        });
    }
    references
        .iter()
        .find(|(kind, _)| *kind == "distribution")
        .map(|(_, url)| Origin::Url { url: url.to_string() })
}

/// The keys of a CycloneDX component this import reads; anything else present is listed as not carried over.
const READ: &[&str] = &[
    "bom-ref",
    "type",
    "name",
    "group",
    "version",
    "purl",
    "publisher",
    "supplier",
    "hashes",
    "licenses",
    "externalReferences",
    "components",
    "modelCard",
    "pedigree",
    "data",
    "properties",
];
const READ_CARD: &[&str] = &["modelParameters", "considerations"];
const READ_CONSIDERATIONS: &[&str] = &["useCases"];
const READ_PARAMETERS: &[&str] = &["datasets"];

fn unread(component: &Value, id: &str, dropped: &mut Vec<String>) {
    let mut report = |path: String| dropped.push(format!("{id}: `{path}` is not carried over"));
    let keys = |value: &Value| {
        value
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    for key in keys(component) {
        if !READ.contains(&key.as_str()) {
            report(key);
        }
    }
    let card = &component["modelCard"];
    for key in keys(card) {
        if !READ_CARD.contains(&key.as_str()) {
            report(format!("modelCard.{key}"));
        }
    }
    for key in keys(&card["considerations"]) {
        if !READ_CONSIDERATIONS.contains(&key.as_str()) {
            report(format!("modelCard.considerations.{key}"));
        }
    }
    for key in keys(&card["modelParameters"]) {
        if !READ_PARAMETERS.contains(&key.as_str()) {
            report(format!("modelCard.modelParameters.{key}"));
        }
    }
    if card["considerations"]["useCases"]
        .as_array()
        .is_some_and(|u| u.len() > 1)
    {
        report("modelCard.considerations.useCases[1..]".into());
    }
    for (index, data) in component["data"].as_array().into_iter().flatten().enumerate() {
        for key in keys(data) {
            if !matches!(key.as_str(), "type" | "name" | "description" | "sensitiveData") {
                report(format!("data[{index}].{key}"));
            }
        }
    }
    for (index, hash) in component["hashes"].as_array().into_iter().flatten().enumerate() {
        if hash["alg"] != "SHA-256" {
            report(format!(
                "hashes[{index}] ({})",
                hash["alg"].as_str().unwrap_or("?")
            ));
        }
    }
    for (index, reference) in component["externalReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if !matches!(reference["type"].as_str(), Some("distribution" | "vcs")) {
            report(format!(
                "externalReferences[{index}] ({} {})",
                reference["type"].as_str().unwrap_or("?"),
                reference["url"].as_str().unwrap_or("")
            ));
        }
    }
    for property in component["properties"].as_array().into_iter().flatten() {
        let name = property["name"].as_str().unwrap_or_default();
        if !name.starts_with("aitrust:") {
            report(format!("properties[{name}]"));
        }
    }
}

fn sha256_of(value: &Value) -> Option<String> {
    value["hashes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| h["alg"] == "SHA-256")
        .and_then(|h| h["content"].as_str())
        .map(str::to_ascii_lowercase)
}

/// Reads a CycloneDX 1.5–1.7 ML-BOM into a starting manifest.
pub fn import(document: &Value, project_name: &str) -> Result<Import, String> {
    if document["bomFormat"] != "CycloneDX" {
        return Err("not a CycloneDX document (bomFormat is not \"CycloneDX\")".into());
    }
    let version = document["specVersion"].as_str().unwrap_or_default();
    if !["1.5", "1.6", "1.7"].contains(&version) {
        return Err(format!(
            "CycloneDX {version:?} is not supported; aitrust imports 1.5, 1.6 and 1.7"
        ));
    }
    let mut found = Vec::new();
    ml_components(&document["components"], &mut found);
    let mut dropped = Vec::new();
    // ids: aitrust's own (`model:<id>` bom-refs it exported) restored, then one from each name
    let ids = super::neutral::assign_ids(
        &found
            .iter()
            .map(|component| {
                let own = component["bom-ref"]
                    .as_str()
                    .and_then(|r| r.split_once(':'))
                    .filter(|(kind, _)| matches!(*kind, "model" | "dataset"))
                    .map(|(_, id)| id.to_string());
                (own, component["name"].as_str().unwrap_or("component").to_string())
            })
            .collect::<Vec<_>>(),
    );
    // references to a component: its bom-ref, its purl, and (the first of) its name
    let mut by_ref: BTreeMap<String, String> = BTreeMap::new();
    for (component, id) in found.iter().zip(&ids) {
        let keys = [
            component["bom-ref"].as_str().map(|r| format!("ref:{r}")),
            component["purl"]
                .as_str()
                .map(|p| format!("purl:{}", p.split('?').next().unwrap_or(p))),
            component["name"].as_str().map(|n| format!("name:{n}")),
        ];
        for key in keys.into_iter().flatten() {
            by_ref.entry(key).or_insert_with(|| id.clone());
        }
    }
    let resolve = |reference: &Value| -> Option<String> {
        [
            reference["ref"].as_str().map(|r| format!("ref:{r}")),
            reference["bom-ref"].as_str().map(|r| format!("ref:{r}")),
            reference["purl"]
                .as_str()
                .map(|p| format!("purl:{}", p.split('?').next().unwrap_or(p))),
            reference["name"].as_str().map(|n| format!("name:{n}")),
        ]
        .into_iter()
        .flatten()
        .find_map(|key| by_ref.get(&key).cloned())
    };
    let meta = &document["metadata"]["component"];
    let project = ProjectIn {
        name: meta["name"].as_str().unwrap_or(project_name).to_string(),
        version: meta["version"].as_str().map(str::to_string),
        license: license_of(meta),
        owner: document["metadata"]["authors"][0]["name"]
            .as_str()
            .map(str::to_string),
        top: property(&document["metadata"], property::TOP)
            .map(str::to_string)
            .collect(),
    };
    let mut entries = Vec::new();
    for (component, id) in found.iter().zip(&ids) {
        let model = component["type"] == "machine-learning-model";
        let name = component["name"].as_str().unwrap_or("component");
        let full_name = match component["group"].as_str() {
            Some(group) if !group.is_empty() => format!("{group}/{name}"),
            _ => name.to_string(),
        };
        let own = property(component, property::TABLE)
            .next()
            .and_then(|text| super::neutral::own_table(text, model));
        // a supplier aitrust derived on export (from the Hub namespace, the URL's host) is no publisher statement;
        // another generator's supplier is
        let supplier = component["supplier"]["name"].as_str().filter(|_| own.is_none());
        let card = &component["modelCard"];
        let mut entry = Entry {
            id: id.clone(),
            model,
            name: full_name,
            origin: origin(component),
            license: license_of(component),
            publisher: component["publisher"].as_str().or(supplier).map(str::to_string),
            sha256: sha256_of(component),
            intended_use: card["considerations"]["useCases"][0].as_str().map(str::to_string),
            files: component["components"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["type"] == "file")
                .filter_map(|c| Some((c["name"].as_str()?.to_string(), sha256_of(c))))
                .collect(),
            own,
            ..Entry::default()
        };
        if model {
            for reference in card["modelParameters"]["datasets"]
                .as_array()
                .into_iter()
                .flatten()
            {
                match resolve(reference) {
                    Some(dataset) => entry.trained_on.push(dataset),
                    None => dropped.push(format!(
                        "{id}: training dataset {} is not a component of the BOM; declare it as a [[dataset]]",
                        reference["name"].as_str().or_else(|| reference["ref"].as_str()).unwrap_or("(unnamed)")
                    )),
                }
            }
            for ancestor in component["pedigree"]["ancestors"]
                .as_array()
                .into_iter()
                .flatten()
            {
                match resolve(ancestor) {
                    Some(base) if base != *id => entry.base_model.push(base),
                    _ => dropped.push(format!(
                        "{id}: base model {} is not a component of the BOM; declare it as a [[model]]",
                        ancestor["purl"]
                            .as_str()
                            .or_else(|| ancestor["name"].as_str())
                            .unwrap_or("(unnamed)")
                    )),
                }
            }
        } else {
            let data = &component["data"][0];
            entry.collection = data["description"].as_str().map(str::to_string);
            entry.personal_data = data["sensitiveData"].as_array().is_some_and(|s| !s.is_empty());
        }
        unread(component, id, &mut dropped);
        entries.push(entry);
    }
    let skipped = document["components"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| !matches!(c["type"].as_str(), Some("machine-learning-model" | "data")))
        .count();
    if skipped > 0 {
        dropped.push(format!(
            "{skipped} top-level component(s) that are neither models nor data (libraries, applications) were skipped"
        ));
    }
    for key in [
        "vulnerabilities",
        "services",
        "formulation",
        "annotations",
        "declarations",
        "definitions",
    ] {
        if !document[key].is_null() {
            dropped.push(format!("`{key}` is not carried over"));
        }
    }
    Ok(super::neutral::finish(
        &format!("Imported from a CycloneDX {version} BOM by `aitrust import cyclonedx`."),
        project,
        entries,
        dropped,
    ))
}
