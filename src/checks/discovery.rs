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

/// What the manifest declares, indexed once so that each use is looked up in time independent of the number
/// of components (a manifest of 100,000 components and a tree of 100,000 files stay linear).
pub struct Declared<'b> {
    /// Lower-case `name` (and the last part of a Hub name, for legacy one-part names) → component.
    names: std::collections::HashMap<String, &'b Component>,
    /// Lower-case repository URL tails (`org/name`) → component.
    urls: std::collections::HashMap<String, &'b Component>,
    /// Lower-case id → component.
    ids: std::collections::HashMap<String, &'b Component>,
    /// Normalised component paths and declared file paths → component.
    paths: std::collections::HashMap<String, &'b Component>,
}

impl<'b> Declared<'b> {
    /// Indexes the manifest's components.
    pub fn new(bom: &'b Bom) -> Self {
        let mut index = Self {
            names: std::collections::HashMap::new(),
            urls: std::collections::HashMap::new(),
            ids: std::collections::HashMap::new(),
            paths: std::collections::HashMap::new(),
        };
        for component in bom.components() {
            index
                .ids
                .entry(component.id.value.to_ascii_lowercase())
                .or_insert(component);
            if let Some(name) = &component.name {
                let name = name.value.to_ascii_lowercase();
                if let Some((_, last)) = name.rsplit_once('/') {
                    index.names.entry(format!("~{last}")).or_insert(component);
                }
                index.names.entry(name).or_insert(component);
            }
            if let Some(url) = &component.url {
                let url = url.value.to_ascii_lowercase();
                let parts: Vec<&str> = url.trim_end_matches('/').rsplit('/').take(2).collect();
                if let [name, org] = parts.as_slice() {
                    index.urls.entry(format!("{org}/{name}")).or_insert(component);
                }
            }
            if let Some(path) = &component.path {
                let declared = normal(path.value.as_str());
                for file in &component.files {
                    index
                        .paths
                        .entry(normal(&format!("{declared}/{}", file.path.value.as_str())))
                        .or_insert(component);
                }
                index.paths.entry(declared).or_insert(component);
            }
        }
        index
    }

    /// The component that declares this use, if any.
    pub fn by(&self, found: &Use) -> Option<&'b Component> {
        let identifier = found.identifier.to_ascii_lowercase();
        let kind_matches = |component: &&Component| match found.kind {
            Kind::Dataset => component.kind == crate::bom::ComponentKind::Dataset,
            Kind::Model => component.kind == crate::bom::ComponentKind::Model,
            Kind::HostedApiModel => component.source.value == SourceKind::Hosted,
            Kind::LocalWeights => true,
        };
        if found.kind == Kind::LocalWeights || found.source == "local" {
            return self.by_path(&identifier);
        }
        let by_name = |name: &str| {
            self.names
                .get(name)
                .or_else(|| {
                    (!name.contains('/'))
                        .then(|| self.names.get(&format!("~{name}")))
                        .flatten()
                })
                .copied()
                .filter(kind_matches)
        };
        by_name(&identifier)
            .or_else(|| by_name(&format!("{}/{identifier}", found.source.to_ascii_lowercase())))
            .or_else(|| {
                // a hosted name declared without its provider, or a repository known by its URL or id
                (found.kind != Kind::HostedApiModel)
                    .then(|| {
                        self.urls
                            .get(&identifier)
                            .or_else(|| self.ids.get(&identifier))
                            .copied()
                            .filter(kind_matches)
                    })
                    .flatten()
            })
    }

    /// A path from code or the tree: a component's path, one of its files, below it, or (code paths are
    /// relative to where the program runs) ending in one.
    fn by_path(&self, path: &str) -> Option<&'b Component> {
        let path = normal(path);
        if path.is_empty() {
            return None;
        }
        let parts: Vec<&str> = path.split('/').collect();
        // the path itself and every directory above it, then every tail of it
        (1..=parts.len())
            .rev()
            .map(|end| parts[..end].join("/"))
            .chain((1..parts.len()).map(|start| parts[start..].join("/")))
            .find_map(|candidate| {
                let lower = candidate.to_ascii_lowercase();
                self.paths
                    .get(&candidate)
                    .or_else(|| self.paths.get(&lower))
                    .copied()
            })
    }
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
    // a project directory that cannot be read is searched for nothing: said (SHD003), never a silent pass
    let discovery = crate::discover::discover(&ctx.bom.root, &crate::discover::Options::default())
        .unwrap_or_else(|error| crate::discover::Discovery {
            skipped: vec![(".".to_string(), error.to_string())],
            ..crate::discover::Discovery::default()
        });
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
    let declared = Declared::new(ctx.bom);
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
        match declared.by(found) {
            Some(component) => {
                used.insert(component.id.value.as_str());
            }
            None => undeclared
                .entry((found.kind, found.identifier.clone()))
                .or_default()
                .push(found),
        }
    }
    for (file, why) in &discovery.skipped {
        out.push(Draft {
            code: Code::Shd003,
            component: None,
            message: format!("{} was not searched for models: {why}", at(file)),
            help: "exclude generated files in .gitignore, or make the file readable".into(),
            location: Some(Location {
                path: at(file),
                line: 1,
                column: 1,
            }),
            severity: None,
        });
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
