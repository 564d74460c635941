//! SPDX 3.0.1 JSON-LD with the AI and Dataset profiles: export (`aitrust export spdx`) and import (`aitrust
//! import spdx`).
//!
//! - Models are `ai_AIPackage`s, datasets `dataset_DatasetPackage`s, the project a `software_Package` (the
//!   document's root element), their files `software_File`s the packages `contains`.
//! - Lineage is relationships: a base model is `ancestorOf` its derivative, a model `trainedOn` its datasets,
//!   the project `dependsOn` every component.
//! - Licenses are `simplelicensing_LicenseExpression`s (`hasDeclaredLicense`), LicenseRefs mapped to their text
//!   URL (`simplelicensing_customIdToUri`), free text kept in a `simplelicensing_SimpleLicensingText` under a
//!   LicenseRef of its own.
//! - Hashes are `verifiedUsing` SHA-256; suppliers are `Organization`s (`suppliedBy`); purls and download
//!   locations as `software_packageUrl` and `software_downloadLocation`.
//! - What SPDX has no property for (`[usage]`, `[policy]`, each component's own table) rides in the SPDX 3
//!   extension made for CycloneDX properties (`extension_CdxPropertiesExtension`), with the same `aitrust:` names
//!   as the CycloneDX export, so `export spdx | import spdx` is lossless.
//!
//! Element ids are IRIs under `https://spdx.aitrust.invalid/<manifest digest>/`, stable for one manifest.

use std::collections::BTreeMap;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::cyclonedx::property;
use super::identity::purl;
pub use super::neutral::Import;
use super::neutral::{Entry, Origin, ProjectIn, Refused, manifest_tables, supplier, version};
use crate::bom::{Bom, Component, ComponentKind};

const CONTEXT: &str = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld";
const CREATION: &str = "_:creationinfo";

struct Ids {
    base: String,
}

impl Ids {
    fn new(bom: &Bom) -> Self {
        Self {
            base: format!("https://spdx.aitrust.invalid/{}/", &bom.sha256.to_string()[..32]),
        }
    }

    fn of(&self, kind: &str, name: &str) -> String {
        format!(
            "{}{kind}/{}",
            self.base,
            utf8_percent_encode(name, NON_ALPHANUMERIC)
        )
    }
}

fn extension(properties: &[(&str, &str)]) -> Value {
    let entries: Vec<Value> = properties
        .iter()
        .map(|(name, value)| {
            json!({ "type": "extension_CdxPropertyEntry", "extension_cdxPropName": name, "extension_cdxPropValue": value })
        })
        .collect();
    json!([{ "type": "extension_CdxPropertiesExtension", "extension_cdxProperty": entries }])
}

/// The graph being built: its elements and the ids of those the document lists.
struct Graph {
    ids: Ids,
    elements: Vec<Value>,
    licenses: BTreeMap<String, String>,
    agents: BTreeMap<String, String>,
    relationships: usize,
    texts: usize,
}

impl Graph {
    fn push(&mut self, element: Value) {
        self.elements.push(element);
    }

    fn relate(&mut self, from: &str, kind: &str, to: Vec<String>) {
        if to.is_empty() {
            return;
        }
        self.relationships += 1;
        let id = self.ids.of("relationship", &self.relationships.to_string());
        self.push(json!({
            "type": "Relationship", "spdxId": id, "creationInfo": CREATION,
            "from": from, "relationshipType": kind, "to": to,
        }));
    }

    fn agent(&mut self, name: &str) -> String {
        if let Some(id) = self.agents.get(name) {
            return id.clone();
        }
        let id = self.ids.of("agent", name);
        self.push(json!({ "type": "Organization", "spdxId": id, "creationInfo": CREATION, "name": name }));
        self.agents.insert(name.to_string(), id.clone());
        id
    }

    /// The license element for a license as the manifest writes it (one per distinct text).
    fn license(&mut self, text: &str) -> String {
        if let Some(id) = self.licenses.get(text) {
            return id.clone();
        }
        let kb = crate::license::KnowledgeBase::embedded();
        let id = self.ids.of("license", &(self.licenses.len() + 1).to_string());
        let mut element =
            json!({ "type": "simplelicensing_LicenseExpression", "spdxId": id, "creationInfo": CREATION });
        match crate::license::normalize(text, kb) {
            Ok(normalized) => {
                let custom: Vec<Value> = crate::license::rules::leaves(&normalized.expression)
                    .iter()
                    .filter(|leaf| leaf.starts_with("LicenseRef-"))
                    .filter_map(|leaf| kb.by_id(leaf))
                    .map(|facts| json!({ "type": "DictionaryEntry", "key": facts.id, "value": facts.url }))
                    .collect();
                element["simplelicensing_licenseExpression"] = json!(normalized.canonical);
                if !custom.is_empty() {
                    element["simplelicensing_customIdToUri"] = json!(custom);
                }
            }
            Err(_) => {
                // free text, `other`, an unknown name: its own LicenseRef, pointing at the text itself
                self.texts += 1;
                let reference = format!("LicenseRef-aitrust-text-{}", self.texts);
                let text_id = self.ids.of("license-text", &self.texts.to_string());
                self.push(json!({
                    "type": "simplelicensing_SimpleLicensingText", "spdxId": text_id, "creationInfo": CREATION,
                    "simplelicensing_licenseText": text,
                }));
                element["simplelicensing_licenseExpression"] = json!(reference);
                element["simplelicensing_customIdToUri"] =
                    json!([{ "type": "DictionaryEntry", "key": reference, "value": text_id }]);
            }
        }
        self.push(element);
        self.licenses.insert(text.to_string(), id.clone());
        id
    }
}

fn hash(sha256: &str) -> Value {
    json!([{ "type": "Hash", "algorithm": "sha256", "hashValue": sha256 }])
}

fn package(
    bom: &Bom,
    component: &Component,
    graph: &mut Graph,
    table: Option<&String>,
    refused: &mut Vec<Refused>,
) -> String {
    let model = component.kind == ComponentKind::Model;
    let id = graph.ids.of(component.kind.as_str(), &component.id.value);
    let supplier = graph.agent(&supplier(bom, component));
    let mut element = json!({
        "type": if model { "ai_AIPackage" } else { "dataset_DatasetPackage" },
        "spdxId": id,
        "creationInfo": CREATION,
        "name": component.display_name(),
        "suppliedBy": supplier,
        "software_primaryPurpose": if model { "model" } else { "data" },
    });
    if let Some(version) = version(component) {
        element["software_packageVersion"] = json!(version);
    }
    if let Some(purl) = purl(component) {
        element["software_packageUrl"] = json!(purl);
    }
    if let Some(url) = super::neutral::location(component, refused) {
        element["software_downloadLocation"] = json!(url);
    }
    if let Some(sha256) = &component.sha256 {
        element["verifiedUsing"] = hash(&sha256.value.to_string());
    }
    if let Some(intended) = &component.intended_use {
        let key = if model {
            "ai_informationAboutApplication"
        } else {
            "dataset_intendedUse"
        };
        element[key] = json!(intended.value);
    }
    if let Some(dataset) = bom.dataset(&component.id.value) {
        // the manifest does not say what kind of data it is
        element["dataset_datasetType"] = json!(["noAssertion"]);
        if let Some(collection) = &dataset.collection {
            element["dataset_dataCollectionProcess"] = json!(collection.value);
        }
        element["dataset_hasSensitivePersonalInformation"] =
            json!(match dataset.personal_data.as_ref().map(|p| p.value) {
                Some(true) => "yes",
                Some(false) => "no",
                None => "noAssertion",
            });
    }
    if let Some(table) = table {
        element["extension"] = extension(&[(property::TABLE, table)]);
    }
    graph.push(element);
    if let Some(license) = &component.license {
        let license = graph.license(&license.value);
        graph.relate(&id, "hasDeclaredLicense", vec![license]);
    }
    let mut files = Vec::new();
    for file in &component.files {
        let file_id = graph.ids.of(
            &format!("{}-file", component.kind.as_str()),
            &format!("{}/{}", component.id.value, file.path.value),
        );
        let mut element = json!({
            "type": "software_File", "spdxId": file_id, "creationInfo": CREATION, "name": file.path.value.to_string(),
        });
        if let Some(sha256) = &file.sha256 {
            element["verifiedUsing"] = hash(&sha256.value.to_string());
        }
        graph.push(element);
        files.push(file_id);
    }
    graph.relate(&id, "contains", files);
    id
}

/// The manifest as an SPDX 3.0.1 JSON-LD document, or the values that cannot be written validly.
pub fn export(bom: &Bom, timestamp: &str) -> Result<Value, Vec<Refused>> {
    let (top, tables) = manifest_tables(bom);
    let mut refused = Vec::new();
    let mut graph = Graph {
        ids: Ids::new(bom),
        elements: Vec::new(),
        licenses: BTreeMap::new(),
        agents: BTreeMap::new(),
        relationships: 0,
        texts: 0,
    };
    let tool = graph.ids.of("tool", "aitrust");
    graph.push(json!({
        "type": "Tool", "spdxId": tool, "creationInfo": CREATION,
        "name": format!("aitrust {}", env!("CARGO_PKG_VERSION")),
    }));
    let creator = graph.agent(&super::neutral::project_supplier(bom));
    let project = graph.ids.of("project", &bom.project.name.value);
    let mut root = json!({
        "type": "software_Package", "spdxId": project, "creationInfo": CREATION,
        "name": bom.project.name.value, "software_primaryPurpose": "application",
        "suppliedBy": creator,
    });
    if let Some(version) = &bom.project.version {
        root["software_packageVersion"] = json!(version.value);
    }
    let top: Vec<(&str, &str)> = top.values().map(|text| (property::TOP, text.as_str())).collect();
    if !top.is_empty() {
        root["extension"] = extension(&top);
    }
    graph.push(root);
    if let Some(license) = &bom.project.license {
        let license = graph.license(&license.value);
        graph.relate(&project, "hasDeclaredLicense", vec![license]);
    }
    let mut ids = BTreeMap::new();
    for component in bom.components() {
        let key = format!("{}:{}", component.kind.as_str(), component.id.value);
        let id = package(bom, component, &mut graph, tables.get(&key), &mut refused);
        ids.insert(component.id.value.clone(), id);
    }
    graph.relate(&project, "dependsOn", ids.values().cloned().collect());
    for model in &bom.models {
        let Some(child) = ids.get(&model.component.id.value).cloned() else {
            continue;
        };
        for base in &model.base_model {
            if let Some(parent) = ids.get(&base.value).cloned() {
                graph.relate(&parent, "ancestorOf", vec![child.clone()]);
            }
        }
        let data: Vec<String> = model
            .trained_on
            .iter()
            .filter_map(|d| ids.get(&d.value).cloned())
            .collect();
        graph.relate(&child, "trainedOn", data);
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    let document_id = graph.ids.of("document", &bom.project.name.value);
    let element_ids: Vec<Value> = graph
        .elements
        .iter()
        .filter_map(|e| e.get("spdxId").cloned())
        .collect();
    let mut all = vec![
        json!({
            "type": "CreationInfo", "@id": CREATION, "specVersion": "3.0.1", "created": timestamp,
            "createdBy": [creator], "createdUsing": [tool],
        }),
        json!({
            "type": "SpdxDocument", "spdxId": document_id, "creationInfo": CREATION,
            "name": format!("AI bill of materials of {}", bom.project.name.value),
            "profileConformance": ["core", "software", "ai", "dataset", "simpleLicensing", "extension"],
            "rootElement": [project], "element": element_ids,
        }),
    ];
    all.extend(graph.elements);
    Ok(json!({ "@context": CONTEXT, "@graph": all }))
}

/// What the SPDX 3.0.1 model requires of a document that aitrust can check without the model itself (the
/// tests run the SPDX project's generated model, spdx-python-model, over every export): one creation info that
/// every element uses, unique element ids, every reference resolving to an element of the graph, every element
/// listed by the document, and the mandatory properties of what aitrust writes. Empty when it holds.
pub fn validate(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(graph) = document["@graph"].as_array() else {
        return vec!["no @graph".into()];
    };
    let mut ids = std::collections::BTreeSet::new();
    for element in graph {
        if let Some(id) = element["spdxId"].as_str()
            && !ids.insert(id)
        {
            problems.push(format!("spdxId {id} is not unique"));
        }
    }
    let resolves = |value: &Value, what: &str, problems: &mut Vec<String>| {
        let targets: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        };
        for target in targets {
            match target.as_str() {
                Some(id) if ids.contains(id) => {}
                _ => problems.push(format!("{what} {target} is no element of the document")),
            }
        }
    };
    let mut listed: Vec<&str> = Vec::new();
    for element in graph {
        let kind = element["type"].as_str().unwrap_or_default();
        if kind == "CreationInfo" {
            if element["specVersion"] != "3.0.1" || element["created"].as_str().is_none() {
                problems.push("the creation info needs specVersion 3.0.1 and created".into());
            }
            resolves(&element["createdBy"], "createdBy", &mut problems);
            continue;
        }
        if element["spdxId"].as_str().is_none() && !kind.starts_with("simplelicensing_") {
            problems.push(format!("a {kind} has no spdxId"));
        }
        if element["creationInfo"] != CREATION {
            problems.push(format!(
                "{} does not use the document's creation info",
                element["spdxId"]
            ));
        }
        match kind {
            "Relationship" => {
                resolves(&element["from"], "relationship from", &mut problems);
                resolves(&element["to"], "relationship to", &mut problems);
            }
            "SpdxDocument" => {
                resolves(&element["rootElement"], "rootElement", &mut problems);
                resolves(&element["element"], "element", &mut problems);
                listed.extend(
                    element["element"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str),
                );
            }
            "dataset_DatasetPackage"
                if element["dataset_datasetType"]
                    .as_array()
                    .is_none_or(Vec::is_empty) =>
            {
                problems.push(format!("{} has no dataset_datasetType", element["spdxId"]));
            }
            _ => {}
        }
        resolves(&element["suppliedBy"], "suppliedBy", &mut problems);
    }
    for element in graph {
        if let Some(id) = element["spdxId"].as_str()
            && element["type"] != "SpdxDocument"
            && !listed.contains(&id)
        {
            problems.push(format!("{id} is not listed by the document"));
        }
    }
    problems
}

/// What the SPDX import reads from its graph.
struct Read<'a> {
    by_id: BTreeMap<&'a str, &'a Value>,
    relationships: Vec<(&'a str, &'a str, Vec<&'a str>)>,
}

fn extension_values<'a>(element: &'a Value, name: &str) -> Vec<&'a str> {
    element["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["extension_cdxProperty"].as_array().into_iter().flatten())
        .filter(|p| p["extension_cdxPropName"] == name)
        .filter_map(|p| p["extension_cdxPropValue"].as_str())
        .collect()
}

fn sha256_of(element: &Value) -> Option<String> {
    element["verifiedUsing"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| h["algorithm"] == "sha256")
        .and_then(|h| h["hashValue"].as_str())
        .map(str::to_ascii_lowercase)
}

impl<'a> Read<'a> {
    fn targets(&self, from: &str, kind: &str) -> Vec<&'a str> {
        self.relationships
            .iter()
            .filter(|(f, k, _)| *f == from && *k == kind)
            .flat_map(|(_, _, to)| to.iter().copied())
            .collect()
    }

    fn sources(&self, to: &str, kind: &str) -> Vec<&'a str> {
        self.relationships
            .iter()
            .filter(|(_, k, targets)| *k == kind && targets.contains(&to))
            .map(|(from, _, _)| *from)
            .collect()
    }

    /// The license a package declares: its expression, with a LicenseRef aitrust made for free text read back
    /// as that text.
    fn license(&self, element: &str) -> Option<String> {
        let licenses: Vec<String> = self
            .targets(element, "hasDeclaredLicense")
            .into_iter()
            .filter_map(|id| self.by_id.get(id))
            .filter_map(|license| {
                let expression = license["simplelicensing_licenseExpression"].as_str()?;
                let text = license["simplelicensing_customIdToUri"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|entry| entry["key"] == expression)
                    .filter_map(|entry| self.by_id.get(entry["value"].as_str()?))
                    .find_map(|text| text["simplelicensing_licenseText"].as_str());
                Some(text.unwrap_or(expression).to_string())
            })
            .collect();
        match licenses.len() {
            0 => None,
            1 => licenses.into_iter().next(),
            _ => Some(
                licenses
                    .iter()
                    .map(|l| format!("({l})"))
                    .collect::<Vec<_>>()
                    .join(" AND "),
            ),
        }
    }
}

/// The properties of an SPDX package this import reads; anything else present is listed as not carried over.
const READ: &[&str] = &[
    "type",
    "spdxId",
    "creationInfo",
    "name",
    "suppliedBy",
    "software_primaryPurpose",
    "software_packageVersion",
    "software_packageUrl",
    "software_downloadLocation",
    "verifiedUsing",
    "ai_informationAboutApplication",
    "dataset_intendedUse",
    "dataset_datasetType",
    "dataset_dataCollectionProcess",
    "dataset_hasSensitivePersonalInformation",
    "extension",
    "originatedBy",
];

/// Reads an SPDX 3.0.1 JSON-LD document (AI and Dataset profiles) into a starting manifest.
pub fn import(document: &Value, project_name: &str) -> Result<Import, String> {
    let context = document["@context"].as_str().unwrap_or_default();
    if !context.starts_with("https://spdx.org/rdf/3.0") {
        return Err(
            "not an SPDX 3 JSON-LD document (its @context is not https://spdx.org/rdf/3.0.x/...)".into(),
        );
    }
    let graph = document["@graph"]
        .as_array()
        .ok_or("the document has no @graph")?;
    let mut read = Read {
        by_id: BTreeMap::new(),
        relationships: Vec::new(),
    };
    for element in graph {
        if let Some(id) = element["spdxId"].as_str().or_else(|| element["@id"].as_str()) {
            read.by_id.insert(id, element);
        }
        if element["type"] == "Relationship" {
            let targets = element["to"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if let (Some(from), Some(kind)) = (element["from"].as_str(), element["relationshipType"].as_str())
            {
                read.relationships.push((from, kind, targets));
            }
        }
    }
    let packages: Vec<&Value> = graph
        .iter()
        .filter(|e| {
            matches!(
                e["type"].as_str(),
                Some("ai_AIPackage" | "dataset_DatasetPackage")
            )
        })
        .collect();
    let mut dropped = Vec::new();
    let ids = super::neutral::assign_ids(
        &packages
            .iter()
            .map(|p| {
                let model = p["type"] == "ai_AIPackage";
                let own = extension_values(p, property::TABLE)
                    .first()
                    .and_then(|t| super::neutral::own_table(t, model))
                    .and_then(|t| t.get("id").and_then(toml_edit::Item::as_str).map(str::to_string));
                (own, p["name"].as_str().unwrap_or("component").to_string())
            })
            .collect::<Vec<_>>(),
    );
    let id_of: BTreeMap<&str, String> = packages
        .iter()
        .zip(&ids)
        .filter_map(|(p, id)| Some((p["spdxId"].as_str()?, id.clone())))
        .collect();
    // the root: the document's root element, if it is a package
    let root = graph
        .iter()
        .find(|e| e["type"] == "SpdxDocument")
        .and_then(|d| d["rootElement"][0].as_str())
        .and_then(|id| read.by_id.get(id).copied())
        .filter(|e| {
            !matches!(
                e["type"].as_str(),
                Some("ai_AIPackage" | "dataset_DatasetPackage")
            )
        });
    let project = ProjectIn {
        name: root
            .and_then(|r| r["name"].as_str())
            .unwrap_or(project_name)
            .to_string(),
        version: root
            .and_then(|r| r["software_packageVersion"].as_str())
            .map(str::to_string),
        license: root
            .and_then(|r| r["spdxId"].as_str())
            .and_then(|id| read.license(id)),
        owner: root
            .and_then(|r| r["suppliedBy"].as_str())
            .and_then(|id| read.by_id.get(id))
            .and_then(|agent| agent["name"].as_str())
            .map(str::to_string),
        top: root
            .map(|r| {
                extension_values(r, property::TOP)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut entries = Vec::new();
    for (package, id) in packages.iter().zip(&ids) {
        let model = package["type"] == "ai_AIPackage";
        let spdx_id = package["spdxId"].as_str().unwrap_or_default();
        let own = extension_values(package, property::TABLE)
            .first()
            .and_then(|t| super::neutral::own_table(t, model));
        let name = package["name"].as_str().unwrap_or("component").to_string();
        let version = package["software_packageVersion"].as_str().map(str::to_string);
        let origin = package["software_packageUrl"]
            .as_str()
            .and_then(super::identity::parse_purl)
            .and_then(|purl| match purl.kind.as_str() {
                "huggingface" => Some(Origin::Hub {
                    name: purl
                        .namespace
                        .map_or(purl.name.clone(), |ns| format!("{ns}/{}", purl.name)),
                    revision: purl.version.or_else(|| version.clone()),
                }),
                "github" => Some(Origin::Git {
                    url: format!(
                        "https://github.com/{}/{}",
                        purl.namespace.unwrap_or_default(),
                        purl.name
                    ),
                    revision: purl.version.or_else(|| version.clone()),
                }),
                _ => None,
            })
            .or_else(|| {
                let location = package["software_downloadLocation"].as_str()?;
                if let Some((_, name)) = super::identity::hub_repository(location) {
                    return Some(Origin::Hub {
                        name,
                        revision: version.clone(),
                    });
                }
                let git = location.starts_with("git+")
                    || location.starts_with("ssh://")
                    || location.ends_with(".git");
                let url = location.trim_start_matches("git+").to_string();
                Some(if git {
                    Origin::Git {
                        url,
                        revision: version.clone(),
                    }
                } else {
                    Origin::Url { url }
                })
            });
        // a supplier aitrust derived on export is no publisher statement; another generator's is
        let publisher = package["suppliedBy"]
            .as_str()
            .filter(|_| own.is_none())
            .and_then(|agent| read.by_id.get(agent))
            .and_then(|agent| agent["name"].as_str())
            .map(str::to_string);
        let mut entry = Entry {
            id: id.clone(),
            model,
            name,
            origin,
            license: read.license(spdx_id),
            publisher,
            sha256: sha256_of(package),
            intended_use: package["ai_informationAboutApplication"]
                .as_str()
                .or_else(|| package["dataset_intendedUse"].as_str())
                .map(str::to_string),
            files: read
                .targets(spdx_id, "contains")
                .into_iter()
                .filter_map(|f| read.by_id.get(f))
                .filter(|f| f["type"] == "software_File")
                .filter_map(|f| Some((f["name"].as_str()?.to_string(), sha256_of(f))))
                .collect(),
            collection: package["dataset_dataCollectionProcess"]
                .as_str()
                .map(str::to_string),
            personal_data: package["dataset_hasSensitivePersonalInformation"] == "yes",
            own,
            ..Entry::default()
        };
        let mut resolve = |targets: Vec<&str>, what: &str| -> Vec<String> {
            targets
                .into_iter()
                .filter_map(|t| match id_of.get(t) {
                    Some(id) => Some(id.clone()),
                    None => {
                        dropped.push(format!("{id}: {what} {t} is not a package of the document"));
                        None
                    }
                })
                .collect()
        };
        entry.trained_on = resolve(read.targets(spdx_id, "trainedOn"), "training dataset");
        let mut bases = read.sources(spdx_id, "ancestorOf");
        bases.extend(read.targets(spdx_id, "descendantOf"));
        entry.base_model = resolve(bases, "base model");
        if let Some(object) = package.as_object() {
            for key in object.keys().filter(|k| !READ.contains(&k.as_str())) {
                dropped.push(format!("{id}: `{key}` is not carried over"));
            }
        }
        entries.push(entry);
    }
    Ok(super::neutral::finish(
        "Imported from an SPDX 3 document by `aitrust import spdx`.",
        project,
        entries,
        dropped,
    ))
}
