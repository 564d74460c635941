//! CycloneDX ML-BOM: export of the manifest as CycloneDX 1.6 JSON, and import of CycloneDX 1.5 / 1.6 / 1.7
//! ML-BOMs (the official fixtures, other AIBOM generators' output) into a starting `aibom.toml`.
//!
//! Export: `machine-learning-model` and `data` components with SHA-256 hashes, licenses (one SPDX id, or a
//! single expression — 1.6 forbids mixing the forms), model cards (datasets by reference, intended use,
//! limitations), base models as pedigree ancestors, files as nested components, and a dependency graph.
//! Every `bom-ref` is unique and every reference resolves.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::bom::{Bom, Component, ComponentKind, SourceKind};
use crate::tomlfile::toml_string;

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

/// CycloneDX `licenses`: one SPDX id as `license.id`, anything else as a single `expression`.
fn licenses(component: &Component) -> Option<Value> {
    let declared = component.license.as_ref()?;
    let kb = crate::license::KnowledgeBase::embedded();
    let canonical = crate::license::normalize(&declared.value, kb)
        .map(|n| n.canonical)
        .ok()?;
    if spdx::license_id(&canonical).is_some() {
        Some(json!([{ "license": { "id": canonical } }]))
    } else {
        Some(json!([{ "expression": canonical }]))
    }
}

fn external_references(component: &Component) -> Vec<Value> {
    let mut references = Vec::new();
    match component.source.value {
        SourceKind::Huggingface => {
            if let Some(name) = &component.name {
                let kind = if component.kind == ComponentKind::Dataset {
                    "datasets/"
                } else {
                    ""
                };
                references.push(json!({ "type": "distribution", "url": format!("https://huggingface.co/{kind}{}", name.value) }));
            }
        }
        SourceKind::Git => {
            if let Some(url) = &component.url {
                references.push(json!({ "type": "vcs", "url": url.value }));
            }
        }
        SourceKind::Url => {
            if let Some(url) = &component.url {
                references.push(json!({ "type": "distribution", "url": url.value }));
            }
        }
        SourceKind::Local => {}
    }
    references
}

fn purl(component: &Component) -> Option<String> {
    if component.source.value != SourceKind::Huggingface {
        return None;
    }
    let name = component.name.as_ref()?;
    let (namespace, repo) = name.value.split_once('/')?;
    let version = component
        .revision
        .as_ref()
        .map(|r| format!("@{}", r.value))
        .unwrap_or_default();
    Some(format!(
        "pkg:huggingface/{}/{}{version}",
        namespace.to_ascii_lowercase(),
        repo.to_ascii_lowercase()
    ))
}

fn component_json(bom: &Bom, component: &Component) -> Value {
    let kind = if component.kind == ComponentKind::Model {
        "machine-learning-model"
    } else {
        "data"
    };
    let mut value = json!({
        "bom-ref": bom_ref(component),
        "type": kind,
        "name": component.display_name(),
    });
    let object = value.as_object_mut().expect("a JSON object");
    if let Some(revision) = &component.revision {
        object.insert("version".into(), json!(revision.value));
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
    if let Some(licenses) = licenses(component) {
        object.insert("licenses".into(), licenses);
    }
    let references = external_references(component);
    if !references.is_empty() {
        object.insert("externalReferences".into(), json!(references));
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
                    let mut ancestor =
                        json!({ "type": "machine-learning-model", "name": parent.display_name() });
                    if let Some(purl) = purl(parent) {
                        ancestor["purl"] = json!(purl);
                    }
                    if let Some(revision) = &parent.revision {
                        ancestor["version"] = json!(revision.value);
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
    value
}

/// The manifest as a CycloneDX 1.6 JSON ML-BOM.
pub fn export(bom: &Bom, timestamp: &str) -> Value {
    let project_ref = format!("project:{}", bom.project.name.value);
    let mut project =
        json!({ "bom-ref": project_ref, "type": "application", "name": bom.project.name.value });
    if let Some(version) = &bom.project.version {
        project["version"] = json!(version.value);
    }
    let components: Vec<Value> = bom.components().map(|c| component_json(bom, c)).collect();
    let mut dependencies =
        vec![json!({ "ref": project_ref, "dependsOn": bom.components().map(bom_ref).collect::<Vec<_>>() })];
    for component in bom.components() {
        let depends_on: Vec<String> = match bom.model(&component.id.value) {
            Some(model) => model
                .base_model
                .iter()
                .map(|b| format!("model:{}", b.value))
                .chain(model.trained_on.iter().map(|d| format!("dataset:{}", d.value)))
                .collect(),
            None => Vec::new(),
        };
        dependencies.push(json!({ "ref": bom_ref(component), "dependsOn": depends_on }));
    }
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial_number(bom),
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": { "components": [{ "type": "application", "name": "aitrust", "version": env!("CARGO_PKG_VERSION") }] },
            "component": project,
        },
        "components": components,
        "dependencies": dependencies,
    })
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

/// The outcome of an import: the manifest text and what could not be carried over.
pub struct Import {
    /// A starting `aibom.toml`.
    pub manifest: String,
    /// Things the manifest does not carry, one line each.
    pub dropped: Vec<String>,
    /// Components imported.
    pub components: usize,
}

fn identifier(text: &str, taken: &mut crate::bom::Ids) -> String {
    let mut base: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches(['-', '.'])
        .to_string();
    if base.is_empty() {
        base = "component".into();
    }
    taken.unique_from(base)
}

/// Every component of a BOM, nested ones included, that is a model or data.
fn ml_components(value: &Value, out: &mut Vec<Value>) {
    for component in value.as_array().into_iter().flatten() {
        if matches!(
            component["type"].as_str(),
            Some("machine-learning-model") | Some("data")
        ) {
            out.push(component.clone());
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
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" AND "))
    }
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
    let mut taken = crate::bom::Ids::default();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    // each component's own id, in order: two components of one name get two ids
    let mut assigned: Vec<String> = Vec::with_capacity(found.len());
    for component in &found {
        let name = component["name"].as_str().unwrap_or("component");
        let id = identifier(name, &mut taken);
        if let Some(reference) = component["bom-ref"].as_str() {
            ids.entry(reference.to_string()).or_insert_with(|| id.clone());
        }
        // a reference by name means the first component of that name
        ids.entry(format!("name:{name}")).or_insert_with(|| id.clone());
        assigned.push(id);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported from a CycloneDX {version} BOM by `aitrust import cyclonedx`. Review every entry."
    );
    let _ = writeln!(
        out,
        "schema = 1\n\n[project]\nname = {}",
        toml_string(project_name)
    );
    for (component, id) in found.iter().zip(&assigned) {
        let name = component["name"].as_str().unwrap_or("component");
        let is_model = component["type"] == "machine-learning-model";
        let full_name = match component["group"].as_str() {
            Some(group) => format!("{group}/{name}"),
            None => name.to_string(),
        };
        let references: Vec<(&str, &str)> = component["externalReferences"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r["type"].as_str()?, r["url"].as_str()?)))
            .collect();
        let hub = references
            .iter()
            .find_map(|(_, url)| url.strip_prefix("https://huggingface.co/"))
            .map(|rest| rest.trim_start_matches("datasets/").to_string());
        let purl_hub = component["purl"]
            .as_str()
            .and_then(|p| p.strip_prefix("pkg:huggingface/"))
            .map(|p| p.split('@').next().unwrap_or(p).to_string());
        let _ = writeln!(
            out,
            "\n[[{}]]\nid = {}",
            if is_model { "model" } else { "dataset" },
            toml_string(id)
        );
        match (
            hub.or(purl_hub),
            references.iter().find(|(kind, _)| *kind == "vcs"),
            references.first(),
        ) {
            (Some(repo), _, _) => {
                let _ = writeln!(out, "name = {}\nsource = \"huggingface\"", toml_string(&repo));
                match component["version"].as_str() {
                    Some(revision) => {
                        let _ = writeln!(
                            out,
                            "revision = {}  # check that this is a full commit id",
                            toml_string(revision)
                        );
                    }
                    None => out.push_str("# revision = \"...\"  # pin the commit you reviewed\n"),
                }
            }
            (None, Some((_, url)), _) => {
                let _ = writeln!(
                    out,
                    "name = {}\nsource = \"git\"\nurl = {}",
                    toml_string(&full_name),
                    toml_string(url)
                );
            }
            (None, None, Some((_, url))) => {
                let _ = writeln!(
                    out,
                    "name = {}\nsource = \"url\"\nurl = {}",
                    toml_string(&full_name),
                    toml_string(url)
                );
            }
            (None, None, None) => {
                let _ = writeln!(
                    out,
                    "name = {}\nsource = \"url\"\nurl = \"https://example.invalid/unknown\"  # the BOM gives no location: fix this",
                    toml_string(&full_name)
                );
                dropped.push(format!(
                    "{id}: the BOM gives no location (no purl or external reference)"
                ));
            }
        }
        match license_of(component) {
            Some(license) => {
                let _ = writeln!(out, "license = {}", toml_string(&license));
            }
            None => out.push_str("# license = \"...\"  # the BOM states none\n"),
        }
        if let Some(publisher) = component["publisher"]
            .as_str()
            .or_else(|| component["supplier"]["name"].as_str())
        {
            let _ = writeln!(out, "publisher = {}", toml_string(publisher));
        }
        let sha256 = component["hashes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|h| h["alg"] == "SHA-256");
        if let Some(content) = sha256.and_then(|hash| hash["content"].as_str()) {
            let _ = writeln!(out, "sha256 = {}", toml_string(content));
        }
        let card = &component["modelCard"];
        if let Some(use_case) = card["considerations"]["useCases"]
            .as_array()
            .and_then(|u| u.first())
            .and_then(Value::as_str)
        {
            let _ = writeln!(out, "intended_use = {}", toml_string(use_case));
        }
        if is_model {
            let datasets: Vec<String> = card["modelParameters"]["datasets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| {
                    d["ref"]
                        .as_str()
                        .and_then(|r| ids.get(r))
                        .or_else(|| d["name"].as_str().and_then(|n| ids.get(&format!("name:{n}"))))
                        .cloned()
                })
                .collect();
            if !datasets.is_empty() {
                let list: Vec<String> = datasets.iter().map(|d| toml_string(d)).collect();
                let _ = writeln!(out, "trained_on = [{}]", list.join(", "));
            }
            let inline: Vec<&str> = card["modelParameters"]["datasets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["ref"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|n| !ids.contains_key(&format!("name:{n}")))
                .collect();
            for name in inline {
                dropped.push(format!("{id}: training dataset {name:?} is described inline, not as a component; declare it as a [[dataset]]"));
            }
            let ancestors: Vec<String> = component["pedigree"]["ancestors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| {
                    a["name"]
                        .as_str()
                        .and_then(|n| ids.get(&format!("name:{n}")))
                        .cloned()
                })
                .collect();
            if !ancestors.is_empty() {
                let list: Vec<String> = ancestors.iter().map(|a| toml_string(a)).collect();
                let _ = writeln!(out, "base_model = [{}]", list.join(", "));
            }
            if !card["considerations"]["environmentalConsiderations"].is_null() {
                dropped.push(format!("{id}: environmental considerations are not carried over"));
            }
            if !card["quantitativeAnalysis"].is_null() {
                dropped.push(format!("{id}: quantitative analysis (performance metrics) is not carried over; keep it in the model card"));
            }
        }
    }
    let skipped = document["components"]
        .as_array()
        .map_or(0, |c| c.len())
        .saturating_sub(
            document["components"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| matches!(c["type"].as_str(), Some("machine-learning-model") | Some("data")))
                .count(),
        );
    if skipped > 0 {
        dropped.push(format!("{skipped} top-level component(s) that are neither models nor data (libraries, applications) were skipped"));
    }
    if !document["vulnerabilities"].is_null() {
        dropped.push("vulnerabilities are not carried over".into());
    }
    Ok(Import {
        manifest: out,
        dropped,
        components: found.len(),
    })
}
