//! The discovery check (shadow AI): what the project's code uses, from [`crate::discover`], against what the
//! manifest declares. A model, dataset, hosted model or weights file the code uses and no component declares is
//! SHD001 (a warning, an error under `[policy] discovery = "deny"`); a declared component nothing uses is
//! SHD002 (a note). Names known only at run time are not findings here (`aitrust discover` lists them).

use std::collections::BTreeMap;

use super::CheckCtx;
use crate::bom::{Bom, Component, SourceKind};
use crate::discover::{Discovery, Kind, Status, Use};
use crate::findings::{Code, Draft, Findings, Location, Severity};

/// A path as code or the manifest writes it, for comparison: `/`-separated, no `./`, no trailing `/`.
fn normal(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.trim_end_matches('/').to_string()
}

/// The component that declares this use, if any.
pub fn declared_by<'b>(bom: &'b Bom, found: &Use) -> Option<&'b Component> {
    let identifier = found.identifier.as_str();
    bom.components().find(|component| {
        let name = component.name.as_ref().map(|n| n.value.as_str());
        let same_name = |candidate: &str| {
            name.is_some_and(|n| {
                n.eq_ignore_ascii_case(candidate)
                    // a legacy one-part Hub name (`gpt2`, `bert-base-uncased`) now lives under an organisation
                    || (!candidate.contains('/')
                        && n.rsplit('/').next().is_some_and(|last| last.eq_ignore_ascii_case(candidate)))
            })
        };
        match found.kind {
            Kind::Model | Kind::Dataset => {
                let kind_matches = match found.kind {
                    Kind::Dataset => component.kind == crate::bom::ComponentKind::Dataset,
                    _ => component.kind == crate::bom::ComponentKind::Model,
                };
                if found.source == "local" {
                    return path_matches(component, identifier);
                }
                kind_matches
                    && (same_name(identifier)
                        || same_name(&format!("{}/{identifier}", found.source))
                        || component.url.as_ref().is_some_and(|u| {
                            let url = u.value.to_ascii_lowercase();
                            url.ends_with(&format!("/{}", identifier.to_ascii_lowercase()))
                                || url.contains(&format!("/{}/", identifier.to_ascii_lowercase()))
                        })
                        || component.id.value.eq_ignore_ascii_case(identifier))
            }
            Kind::HostedApiModel => {
                component.source.value == SourceKind::Hosted
                    && (same_name(identifier) || same_name(&format!("{}/{identifier}", found.source)))
            }
            Kind::LocalWeights => path_matches(component, identifier),
        }
    })
}

/// Whether a path from code or the tree is the component's path, one of its files, or below it (code paths are
/// relative to where the program runs, so a path ending in the component's path counts too).
fn path_matches(component: &Component, path: &str) -> bool {
    let Some(declared) = component.path.as_ref().map(|p| normal(p.value.as_str())) else {
        return false;
    };
    let path = normal(path);
    if path.is_empty() || declared.is_empty() {
        return false;
    }
    path == declared
        || path.starts_with(&format!("{declared}/"))
        || path.ends_with(&format!("/{declared}"))
        || component
            .files
            .iter()
            .any(|f| path == normal(&format!("{declared}/{}", f.path.value.as_str())))
}

/// Runs the check.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    let policy = ctx
        .bom
        .policy
        .discovery
        .as_ref()
        .map_or(crate::bom::policy::Discovery::Warn, |d| d.value);
    if policy == crate::bom::policy::Discovery::Off {
        return;
    }
    let Ok(discovery) = crate::discover::discover(&ctx.bom.root, &crate::discover::Options::default()) else {
        return;
    };
    judge(
        ctx,
        &discovery,
        policy == crate::bom::policy::Discovery::Deny,
        out,
    );
}

fn judge(ctx: &CheckCtx<'_>, discovery: &Discovery, deny: bool, out: &mut Findings) {
    let base = std::path::Path::new(&ctx.bom.source.display_path())
        .parent()
        .map(crate::diag::display_path)
        .unwrap_or_default();
    let at = |file: &str| {
        if base.is_empty() {
            file.to_string()
        } else {
            format!("{base}/{file}")
        }
    };
    // the declared local files as they really are (a declared file may be a link to a weights file elsewhere in
    // the project, which is then declared too)
    let root = std::fs::canonicalize(&ctx.bom.root).unwrap_or_else(|_| ctx.bom.root.clone());
    let mut declared_files: std::collections::HashSet<std::path::PathBuf> = std::collections::HashSet::new();
    for component in ctx.bom.components() {
        if let Some(files) = ctx.inventory.component(&component.id.value) {
            for file in &files.files {
                if let Ok(real) = std::fs::canonicalize(ctx.bom.root.join(file.path.to_string())) {
                    declared_files.insert(real);
                }
            }
        }
    }
    // undeclared uses, one finding per thing used, at its first use
    let mut undeclared: BTreeMap<(Kind, String), Vec<&Use>> = BTreeMap::new();
    let mut used: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for found in &discovery.uses {
        if !matches!(found.status, Status::Used | Status::Present) {
            continue;
        }
        if found.status == Status::Present
            && std::fs::canonicalize(ctx.bom.root.join(&found.identifier))
                .is_ok_and(|real| real.starts_with(&root) && declared_files.contains(&real))
        {
            continue;
        }
        match declared_by(ctx.bom, found) {
            Some(component) => {
                used.insert(component.id.value.as_str());
            }
            None => undeclared
                .entry((found.kind, found.identifier.clone()))
                .or_default()
                .push(found),
        }
    }
    for ((kind, identifier), uses) in &undeclared {
        let first = uses[0];
        let what = match kind {
            Kind::Model => format!("the {} model `{identifier}`", first.source),
            Kind::Dataset => format!("the {} dataset `{identifier}`", first.source),
            Kind::HostedApiModel => format!("the hosted model `{identifier}` ({})", first.source),
            Kind::LocalWeights => format!("the weights file `{identifier}`"),
        };
        let how = if first.status == Status::Present {
            "is in the project".to_string()
        } else {
            format!("is used at {}:{}", at(&first.file), first.line)
        };
        let more = match uses.len() {
            1 => String::new(),
            n => format!(" (and {} more place{})", n - 1, if n == 2 { "" } else { "s" }),
        };
        let help = match kind {
            Kind::LocalWeights => {
                "declare it as a component with its digest (`aitrust init` or `aitrust hash`), or remove it from the project"
            }
            Kind::HostedApiModel => {
                "declare it (`aitrust discover --write` adds a `source = \"hosted\"` component with the provider's terms), or stop using it"
            }
            _ => {
                "declare it (`aitrust discover --write` adds it as a stub; `aitrust import hf` pins it), or stop using it"
            }
        };
        out.push(Draft {
            code: Code::Shd001,
            component: None,
            message: format!("{what} {how}{more}, and no component declares it"),
            help: help.into(),
            location: Some(Location {
                path: at(&first.file),
                line: first.line.max(1),
                column: 1,
            }),
            severity: deny.then_some(Severity::Error),
        });
    }
    // declared components nothing uses: those that name something code would load (not local files nothing
    // names, which the integrity check already covers, nor stubs of a lineage, which code never loads directly),
    // and only in a project whose code loads anything at all (a manifest of artifacts alone says nothing)
    let code_loads = discovery
        .uses
        .iter()
        .any(|u| matches!(u.status, Status::Used | Status::Dynamic) && u.line > 0);
    if !code_loads {
        return;
    }
    let lineage: std::collections::HashSet<&str> = ctx
        .bom
        .models
        .iter()
        .flat_map(|m| {
            m.base_model
                .iter()
                .chain(m.trained_on.iter())
                .map(|r| r.value.as_str())
        })
        .collect();
    for component in ctx.bom.components() {
        let id = component.id.value.as_str();
        if used.contains(id) || lineage.contains(id) || component.source.value == SourceKind::Local {
            continue;
        }
        out.push(ctx.draft(
            Code::Shd002,
            Some(id),
            component.id.span,
            format!(
                "{} `{id}` is declared, but no code, configuration or script in the project loads it",
                component.kind.as_str()
            ),
            "remove it if it is no longer used; if it is loaded by a name known only at run time, nothing to do".into(),
        ));
    }
}
