//! Step one of loading: read every table of the TOML tree into the manifest types, collecting problems.

use std::path::PathBuf;

use super::{
    Bom, Component, ComponentKind, Dataset, FileEntry, Model, Project, RelPath, SignatureRef, Spanned, Usage,
};
use crate::diag::{FileProblems, Problem, SourceFile, Span};
use crate::digest::Sha256Digest;
use crate::tomlfile::reader::{Collector, TableReader};

/// Parses and validates; returns every problem at once on failure.
pub(super) fn parse(
    source: SourceFile,
    root: PathBuf,
    sha256: Sha256Digest,
    resolve: super::PolicyCheck<'_>,
) -> Result<Bom, Box<FileProblems>> {
    let kept = source.clone();
    crate::tomlfile::reader::parse_document(source, "the manifest", |top, collector| {
        read_document(top, collector, kept, root, sha256, resolve)
    })
}

fn read_document(
    mut top: TableReader<'_, '_>,
    collector: &Collector,
    source: SourceFile,
    root: PathBuf,
    sha256: Sha256Digest,
    resolve: super::PolicyCheck<'_>,
) -> Option<Bom> {
    let schema = read_schema(&mut top, collector);
    let project = match top.table("project") {
        Some(table) => read_project(table),
        None => {
            collector.push(
                Problem::new(Span::new(0, 0), "the manifest has no [project] table")
                    .with_help("add `[project]` with at least `name = \"...\"`"),
            );
            None
        }
    };
    let usage = top.table("usage").map(read_usage).unwrap_or_default();
    let models: Vec<Model> = top
        .tables("model", "[[model]]")
        .into_iter()
        .filter_map(|table| read_model(table, collector))
        .collect();
    let datasets: Vec<Dataset> = top
        .tables("dataset", "[[dataset]]")
        .into_iter()
        .filter_map(|table| read_dataset(table, collector))
        .collect();
    let mut policy = top
        .table("policy")
        .map(|table| super::policy::read_policy(table, collector, root.clone(), true))
        .unwrap_or_else(|| super::policy::Policy::empty(root.clone()));
    if policy.is_given {
        policy.source = source.clone();
        for problem in resolve(&policy) {
            collector.push(problem);
        }
    }
    top.finish();
    super::validate::validate(&models, &datasets, &policy, collector);
    Some(
        Bom {
            schema: schema?,
            project: project?,
            usage,
            models,
            datasets,
            policy,
            source,
            root,
            sha256,
            trained_on_ids: Default::default(),
            index: Default::default(),
        }
        .indexed(),
    )
}

fn read_schema(top: &mut TableReader<'_, '_>, collector: &Collector) -> Option<u32> {
    match top.unsigned("schema") {
        Some(schema) if schema.value == 1 => Some(1),
        Some(schema) => {
            collector.push(
                Problem::new(
                    schema.span,
                    format!("unsupported manifest schema {}", schema.value),
                )
                .with_help("this version of aitrust reads `schema = 1`; upgrade aitrust or fix the number"),
            );
            None
        }
        None => {
            if top.value("schema").is_none() {
                collector.push(
                    Problem::new(Span::new(0, 0), "the manifest does not say its schema version")
                        .with_help("add `schema = 1` as the first line"),
                );
            }
            None
        }
    }
}

fn read_project(mut table: TableReader<'_, '_>) -> Option<Project> {
    let name = table.required_string("name", "\"my-project\"");
    let project = Project {
        name: name.unwrap_or_else(|| Spanned::new(String::new(), table.span())),
        version: table.string("version"),
        license: table.string("license"),
        owner: table.string("owner"),
    };
    let complete = !project.name.value.is_empty();
    table.finish();
    complete.then_some(project)
}

fn read_usage(mut table: TableReader<'_, '_>) -> Usage {
    let usage = Usage {
        purpose: table.choice("purpose"),
        deployment: table.choice("deployment"),
        monthly_active_users: table.unsigned("monthly_active_users"),
        annual_revenue_usd: table.unsigned("annual_revenue_usd"),
        regions: table.strings("regions"),
        activities: table.choices("activities"),
        span: Some(table.span()),
    };
    table.finish();
    usage
}

fn read_model(mut table: TableReader<'_, '_>, collector: &Collector) -> Option<Model> {
    let component = read_component(&mut table, ComponentKind::Model, collector);
    let base_model = table.strings("base_model");
    let relation = table.choice("relation");
    let trained_on = table.strings("trained_on");
    table.finish();
    Some(Model {
        component: component?,
        base_model,
        relation,
        trained_on,
    })
}

fn read_dataset(mut table: TableReader<'_, '_>, collector: &Collector) -> Option<Dataset> {
    let component = read_component(&mut table, ComponentKind::Dataset, collector);
    let personal_data = table.boolean("personal_data");
    let collection = table.string("collection");
    let generated_by = table.strings("generated_by");
    table.finish();
    Some(Dataset {
        component: component?,
        personal_data,
        collection,
        generated_by,
    })
}

/// Reads the keys every component has. `finish` is left to the caller, which reads its own keys too.
fn read_component(
    table: &mut TableReader<'_, '_>,
    kind: ComponentKind,
    collector: &Collector,
) -> Option<Component> {
    let id = table.required_string("id", "\"my-model\"");
    let name = table.string("name");
    let source_text_given = table.value("source").is_some();
    let source = table.choice("source");
    if !source_text_given {
        collector.push(
            Problem::new(
                table.span(),
                format!("[[{}]] is missing the required key `source`", kind.as_str()),
            )
            .with_help("add `source = \"local\"` (or \"huggingface\", \"git\", \"url\")"),
        );
    }
    let path_text = table.string("path");
    let path_was_invalid = path_text.is_some();
    let path = relative_path(path_text, collector);
    let path_was_invalid = path_was_invalid && path.is_none();
    let url = table.string("url");
    let revision = table.string("revision");
    let license = table.string("license");
    let publisher = table.string("publisher");
    let card = relative_path(table.string("card"), collector);
    let intended_use = table.string("intended_use");
    let maintainer = table.string("maintainer");
    let last_reviewed = table.string("last_reviewed");
    let signature = table
        .table("signature")
        .and_then(|signature| read_signature(signature, collector));
    let sha256 = digest(table.string("sha256"), collector);
    let size = table.unsigned("size");
    let file_what = format!("[[{}.file]]", kind.as_str());
    let files = table
        .tables("file", &file_what)
        .into_iter()
        .filter_map(|file| read_file(file, collector))
        .collect();
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    if let Some(date) = &last_reviewed
        && time::Date::parse(&date.value, date_format).is_err()
    {
        collector.push(
            Problem::new(
                date.span,
                format!("`last_reviewed` must be a date, found \"{}\"", date.value),
            )
            .with_help("write the date as YYYY-MM-DD, e.g. \"2026-11-22\""),
        );
    }
    let span = table.span();
    Some(Component {
        kind,
        id: id?,
        name,
        source: source?,
        path,
        url,
        revision,
        license,
        publisher,
        card,
        intended_use,
        maintainer,
        last_reviewed,
        signature,
        sha256,
        size,
        files,
        span,
        path_was_invalid,
    })
}

fn read_signature(mut table: TableReader<'_, '_>, collector: &Collector) -> Option<SignatureRef> {
    let kind = table.choice("kind");
    let kind_given = kind.is_some() || table.value("kind").is_some();
    let path = relative_path(table.required_string("path", "\"model.sig\""), collector);
    let public_key = relative_path(table.string("public_key"), collector);
    let certificate_chain = table
        .strings("certificate_chain")
        .into_iter()
        .filter_map(|p| relative_path(Some(p), collector))
        .collect();
    let ignore_paths = table
        .strings("ignore_paths")
        .into_iter()
        .filter_map(|p| relative_path(Some(p), collector))
        .collect();
    let ignore_unsigned_files = table.boolean("ignore_unsigned_files");
    let ignore_git_paths = table.boolean("ignore_git_paths");
    if !kind_given {
        collector.push(
            Problem::new(table.span(), "the signature is missing the required key `kind`")
                .with_help("add `kind = \"aitrust\"` or `kind = \"model-signing\"`"),
        );
    }
    table.finish();
    Some(SignatureRef {
        kind: kind?,
        path: path?,
        public_key,
        certificate_chain,
        ignore_paths,
        ignore_unsigned_files,
        ignore_git_paths,
    })
}

fn read_file(mut table: TableReader<'_, '_>, collector: &Collector) -> Option<FileEntry> {
    let path = relative_path(table.required_string("path", "\"model.safetensors\""), collector);
    let sha256 = digest(table.string("sha256"), collector);
    let size = table.unsigned("size");
    let local = table.boolean("local");
    table.finish();
    Some(FileEntry {
        path: path?,
        sha256,
        size,
        local,
    })
}

/// Checks a manifest path; absolute paths and `..` escapes are problems.
pub(crate) fn relative_path(
    text: Option<Spanned<String>>,
    collector: &Collector,
) -> Option<Spanned<RelPath>> {
    let text = text?;
    match RelPath::parse(&text.value) {
        Ok(path) => Some(Spanned::new(path, text.span)),
        Err(error) => {
            collector.push(
                Problem::new(text.span, format!("invalid path \"{}\": {error}", text.value))
                    .with_help("paths are relative to the manifest's directory and must stay inside it"),
            );
            None
        }
    }
}

fn digest(text: Option<Spanned<String>>, collector: &Collector) -> Option<Spanned<Sha256Digest>> {
    let text = text?;
    match text.value.parse::<Sha256Digest>() {
        Ok(digest) => Some(Spanned::new(digest, text.span)),
        Err(error) => {
            let help = if text.value.starts_with("sha256:") {
                "drop the `sha256:` prefix: write only the 64 hexadecimal characters".to_string()
            } else {
                "write the full 64-character SHA-256 (`aitrust hash FILE` prints it)".to_string()
            };
            collector.push(
                Problem::new(text.span, format!("malformed sha256 \"{}\": {error}", text.value))
                    .with_help(help),
            );
            None
        }
    }
}
