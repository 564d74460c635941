//! Step two of loading: what only the whole manifest can show — duplicate ids, references to ids that do
//! not exist (or to the wrong kind), lineage cycles, and keys that do not fit the component's source.

use std::collections::{BTreeMap, BTreeSet};

use super::{Component, Dataset, Model, Policy, SourceKind};
use crate::diag::{Problem, nearest};
use crate::tomlfile::reader::Collector;

/// The parts of the manifest that were read, even when others (say `[project]`) had problems.
struct Parts<'a> {
    models: &'a [Model],
    datasets: &'a [Dataset],
    /// How many "did you mean" suggestions were computed.
    suggestions: std::cell::Cell<usize>,
    /// Components by id.
    by_id: BTreeMap<&'a str, &'a Component>,
}

/// The most "did you mean" suggestions one manifest gets.
const SUGGESTIONS: usize = 32;

impl Parts<'_> {
    fn components(&self) -> impl Iterator<Item = &Component> {
        self.models
            .iter()
            .map(|m| &m.component)
            .chain(self.datasets.iter().map(|d| &d.component))
    }

    fn component(&self, id: &str) -> Option<&Component> {
        self.by_id.get(id).copied()
    }
}

pub(super) fn validate(models: &[Model], datasets: &[Dataset], policy: &Policy, collector: &Collector) {
    let by_id = models
        .iter()
        .map(|m| &m.component)
        .chain(datasets.iter().map(|d| &d.component))
        .map(|c| (c.id.value.as_str(), c))
        .collect();
    let bom = &Parts {
        models,
        datasets,
        suggestions: std::cell::Cell::new(0),
        by_id,
    };
    check_ids(bom, collector);
    check_references(bom, collector);
    check_cycles(bom, collector);
    for component in bom.components() {
        check_component(component, collector);
    }
    for exception in &policy.licenses.exceptions {
        if bom.component(&exception.component).is_none() {
            collector.push(
                Problem::new(
                    exception.component.span,
                    format!(
                        "license exception names unknown component `{}`",
                        exception.component.value
                    ),
                )
                .with_help(unknown_id_help(bom, &exception.component.value)),
            );
        }
    }
}

/// Letters, digits, `-`, `_` and `.`, not starting with `.`.
pub fn is_valid_id(id: &str) -> bool {
    id.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !id.starts_with('.')
}

fn check_ids(bom: &Parts<'_>, collector: &Collector) {
    let mut seen: BTreeMap<&str, &Component> = BTreeMap::new();
    for component in bom.components() {
        let id = &component.id;
        if !is_valid_id(id) {
            collector.push(
                Problem::new(id.span, format!("invalid id \"{}\"", id.value))
                    .with_help("ids use letters, digits, `-`, `_` and `.` only (e.g. \"llama-31-8b\")"),
            );
        }
        if let Some(first) = seen.get(id.value.as_str()) {
            collector.push(
                Problem::new(id.span, format!("duplicate id `{}`", id.value)).with_help(format!(
                    "ids are unique among all models and datasets; `{}` is already the id of an earlier {}",
                    id.value,
                    first.kind.as_str()
                )),
            );
        } else {
            seen.insert(&id.value, component);
        }
    }
}

fn unknown_id_help(bom: &Parts<'_>, id: &str) -> String {
    // a Hub name where an id belongs: say which component has that name, or how to declare one
    if let Some(named) = bom
        .components()
        .find(|c| c.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(id)))
    {
        return format!(
            "components are referred to by their `id`: write `{}` (the {} named {id})",
            named.id.value,
            named.kind.as_str()
        );
    }
    if id.contains('/') {
        return format!(
            "`base_model` and `trained_on` list ids of components in this manifest, not Hub names: declare it \
(`aitrust import hf {id}` writes a [[model]] or [[dataset]] with `name = \"{id}\"`) and write its id here"
        );
    }
    // Each suggestion compares the id with every component; past the first few the help stays generic, so a
    // manifest full of unknown references costs O(references + components), not their product.
    let asked = bom.suggestions.get();
    bom.suggestions.set(asked.saturating_add(1));
    let near = if asked < SUGGESTIONS {
        nearest(id, bom.components().map(|c| c.id.value.as_str()))
    } else {
        None
    };
    match near {
        Some(near) => format!("did you mean `{near}`? declare the component, or fix the id"),
        None => "declare it as a [[model]] or [[dataset]] with that id, or fix the id".to_string(),
    }
}

fn check_references(bom: &Parts<'_>, collector: &Collector) {
    let model_ids: BTreeSet<&str> = bom.models.iter().map(|m| m.component.id.value.as_str()).collect();
    let dataset_ids: BTreeSet<&str> = bom
        .datasets
        .iter()
        .map(|d| d.component.id.value.as_str())
        .collect();
    for dataset in bom.datasets {
        for generator in &dataset.generated_by {
            let hosted = generator.value.strip_prefix("hosted:");
            if hosted.is_some_and(|rest| {
                rest.split_once('/')
                    .is_some_and(|(provider, model)| !provider.is_empty() && !model.is_empty())
            }) {
                continue;
            }
            if hosted.is_some() {
                collector.push(
                    Problem::new(
                        generator.span,
                        format!("`{}` does not name a hosted model", generator.value),
                    )
                    .with_help("write `hosted:<provider>/<model>`, e.g. \"hosted:openai/gpt-4o\""),
                );
            } else if !model_ids.contains(generator.value.as_str()) {
                collector.push(
                    Problem::new(
                        generator.span,
                        format!("generated_by refers to unknown model `{}`", generator.value),
                    )
                    .with_help("declare the generating model as a [[model]], or write `hosted:<provider>/<model>` for a hosted service"),
                );
            }
        }
    }
    for model in bom.models {
        for base in &model.base_model {
            if base.value == model.component.id.value {
                collector.push(
                    Problem::new(
                        base.span,
                        format!("model `{}` names itself as its base model", base.value),
                    )
                    .with_help("a model's base_model lists the models it was derived from"),
                );
            } else if dataset_ids.contains(base.value.as_str()) {
                collector.push(
                    Problem::new(base.span, format!("`{}` is a dataset, not a model", base.value))
                        .with_help("list datasets in `trained_on`, models in `base_model`"),
                );
            } else if !model_ids.contains(base.value.as_str()) {
                collector.push(
                    Problem::new(
                        base.span,
                        format!("base_model refers to unknown model `{}`", base.value),
                    )
                    .with_help(unknown_id_help(bom, &base.value)),
                );
            }
        }
        for data in &model.trained_on {
            if model_ids.contains(data.value.as_str()) {
                collector.push(
                    Problem::new(data.span, format!("`{}` is a model, not a dataset", data.value))
                        .with_help("list models in `base_model`, datasets in `trained_on`"),
                );
            } else if !dataset_ids.contains(data.value.as_str()) {
                collector.push(
                    Problem::new(
                        data.span,
                        format!("trained_on refers to unknown dataset `{}`", data.value),
                    )
                    .with_help(unknown_id_help(bom, &data.value)),
                );
            }
        }
        if let Some(relation) = &model.relation
            && model.base_model.is_empty()
        {
            collector.push(
                Problem::new(
                    relation.span,
                    "`relation` is given but the model has no `base_model`",
                )
                .with_help("add `base_model = [\"...\"]`, or remove `relation`"),
            );
        }
    }
}

/// A model may not (transitively) derive from itself. One depth-first walk over the lineage (O(models +
/// edges), whatever its depth); each cycle is reported once, from its member declared first.
fn check_cycles(bom: &Parts<'_>, collector: &Collector) {
    let position: BTreeMap<&str, usize> = bom
        .models
        .iter()
        .enumerate()
        .map(|(at, model)| (model.component.id.value.as_str(), at))
        .collect();
    let parents = |at: usize| -> Vec<usize> {
        let model = &bom.models[at];
        model
            .base_model
            .iter()
            .filter(|base| base.value != model.component.id.value)
            .filter_map(|base| position.get(base.value.as_str()).copied())
            .collect()
    };
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
    for mut cycle in crate::graph::walk(bom.models.len(), parents).cycles {
        let mut key = cycle.clone();
        key.sort_unstable();
        if reported.insert(key) {
            // start from the member declared first, as the manifest reads
            let first = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
            cycle.rotate_left(first);
            cycles.push(cycle);
        }
    }
    cycles.sort_by_key(|cycle| cycle[0]);
    for cycle in cycles {
        let model = &bom.models[cycle[0]];
        let mut names: Vec<&str> = cycle
            .iter()
            .map(|&at| bom.models[at].component.id.value.as_str())
            .collect();
        names.push(names[0]);
        let span = model
            .base_model
            .first()
            .map_or(model.component.id.span, |base| base.span);
        collector.push(
            Problem::new(span, format!("the lineage has a cycle: {}", names.join(" -> ")))
                .with_help("a model cannot derive from itself; fix `base_model` on one of these models"),
        );
    }
}

fn check_component(component: &Component, collector: &Collector) {
    let what = format!("[[{}]] `{}`", component.kind.as_str(), component.id.value);
    match component.source.value {
        SourceKind::Local => {
            if component.path.is_none() && !component.path_was_invalid {
                collector.push(
                    Problem::new(
                        component.source.span,
                        format!("{what} is local but has no `path`"),
                    )
                    .with_help("add `path = \"...\"` (a directory or one file, relative to the manifest)"),
                );
            }
            if let Some(revision) = &component.revision {
                collector.push(
                    Problem::new(
                        revision.span,
                        format!("{what} is local: `revision` applies to huggingface and git sources"),
                    )
                    .with_help("remove `revision`, or set `source` to where the component comes from"),
                );
            }
            for file in component.files.iter().filter(|file| !file.is_local()) {
                let span = file.local.as_ref().map_or(file.path.span, |local| local.span);
                collector.push(
                    Problem::new(
                        span,
                        format!(
                            "{what} is local, so its file `{}` cannot be kept elsewhere",
                            file.path.value
                        ),
                    )
                    .with_help("remove `local = false`, or set `source` to where the file is fetched from"),
                );
            }
        }
        SourceKind::Huggingface => {
            let repo_ok = component
                .name
                .as_ref()
                .is_some_and(|name| is_hub_repo_id(&name.value));
            if !repo_ok {
                let span = component
                    .name
                    .as_ref()
                    .map_or(component.source.span, |name| name.span);
                collector.push(
                    Problem::new(
                        span,
                        format!("{what} comes from the Hugging Face Hub: `name` must be its repository id"),
                    )
                    .with_help(
                        "write `name = \"org/name\"`, e.g. \"sentence-transformers/all-MiniLM-L6-v2\"",
                    ),
                );
            }
        }
        // a model behind a provider's API: `name = "provider/model"`; nothing of it is on disk
        SourceKind::Hosted => {
            let named = component.name.as_ref().is_some_and(|name| {
                name.value
                    .split_once('/')
                    .is_some_and(|(p, m)| !p.is_empty() && !m.is_empty())
            });
            if !named {
                let span = component
                    .name
                    .as_ref()
                    .map_or(component.source.span, |name| name.span);
                collector.push(
                    Problem::new(span, format!("{what} is hosted: `name` must be `provider/model`"))
                        .with_help("write e.g. `name = \"openai/gpt-4o-mini\"` (providers: openai, anthropic, google, mistral, cohere, …)"),
                );
            }
            if let Some(path) = &component.path {
                collector.push(
                    Problem::new(
                        path.span,
                        format!("{what} is hosted: it has no files in the project"),
                    )
                    .with_help("remove `path`, or set `source` to where the files come from"),
                );
            }
        }
        // a git component kept as a clone at `path` is read from the clone (its `origin` names the remote)
        SourceKind::Git if component.path.is_some() || component.path_was_invalid => {}
        SourceKind::Git | SourceKind::Url => {
            if component.url.is_none() {
                collector.push(
                    Problem::new(
                        component.source.span,
                        format!(
                            "{what} has source \"{}\" but no `url`",
                            component.source.value.as_str()
                        ),
                    )
                    .with_help(if component.source.value == SourceKind::Git {
                        "add `url = \"https://...\"` (or keep a clone at `path`)"
                    } else {
                        "add `url = \"https://...\"`"
                    }),
                );
            }
        }
    }
    if let (Some(sha256), false) = (&component.sha256, component.files.is_empty()) {
        collector.push(
            Problem::new(sha256.span, format!("{what} has both a component `sha256` and [[file]] entries"))
                .with_help("a single-file component carries `sha256` itself; a directory lists its files with their digests"),
        );
    }
    let mut seen = BTreeSet::new();
    for file in &component.files {
        if !seen.insert(file.path.value.as_str()) {
            collector.push(
                Problem::new(
                    file.path.span,
                    format!("{what} lists the file `{}` twice", file.path.value),
                )
                .with_help("remove one of the entries"),
            );
        }
    }
}

fn is_hub_repo_id(name: &str) -> bool {
    let mut parts = name.split('/');
    let (Some(owner), Some(repo), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let part_ok = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    part_ok(owner) && part_ok(repo)
}
