//! The serialization check: every local artifact of every component (declared files, files found beside them,
//! single-file components) through the scanner (`crate::scan`), which never loads or executes anything.
//! Findings SER001–SER006; globals a person allowed come from `serialization.allow_globals` and the component's
//! `serialization.exceptions`.

use rayon::prelude::*;

use super::CheckCtx;
use crate::findings::{Code, Findings};
use crate::scan::{Kind, Level, Options};
use crate::sources::local::Observation;

fn code(kind: Kind) -> Code {
    match kind {
        Kind::Code => Code::Ser001,
        Kind::Unknown => Code::Ser002,
        Kind::Malformed => Code::Ser003,
        Kind::Uninspectable => Code::Ser004,
        Kind::SafeFormat => Code::Ser005,
        Kind::Escape => Code::Ser006,
    }
}

/// Runs the check.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    let policy = &ctx.bom.policy.serialization;
    let global: Vec<String> = policy.allow_globals.iter().map(|g| g.value.clone()).collect();
    let mut work = Vec::new();
    for component in ctx.bom.components() {
        let Some(files) = ctx.inventory.component(&component.id.value) else {
            continue;
        };
        let mut allow = global.clone();
        for exception in policy
            .exceptions
            .iter()
            .filter(|e| e.component.value == component.id.value)
        {
            allow.extend(exception.allow_globals.iter().map(|g| g.value.clone()));
        }
        let options = Options {
            allow_globals: allow,
            follow_links: false,
        };
        for file in &files.files {
            if matches!(file.observation, Observation::Hashed(_)) {
                let span = file
                    .entry
                    .and_then(|i| component.files.get(i))
                    .map_or(component.span, |f| f.path.span);
                work.push((component, file.path.to_string(), span, options.clone()));
            }
        }
        for path in &files.undeclared {
            work.push((component, path.clone(), component.span, options.clone()));
        }
    }
    let root = &ctx.bom.root;
    let results: Vec<_> = work
        .par_iter()
        .map(|(component, path, span, options)| {
            let full = root.join(path);
            // only a regular file inside the root is scanned; the integrity check reports anything else
            let inside = std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_file());
            let report = inside.then(|| crate::scan::scan_file(&full, options));
            (component, path, *span, report)
        })
        .collect();
    for (component, path, span, report) in results {
        let id = component.id.value.as_str();
        match report {
            None => {}
            Some(Err(error)) => out.push(ctx.draft(
                Code::Ser004,
                Some(id),
                span,
                format!(
                    "`{path}` of {} `{id}` could not be scanned: {error}",
                    component.kind.as_str()
                ),
                "make the file readable so it can be scanned".into(),
            )),
            Some(Ok(report)) => {
                for issue in &report.issues {
                    let place = match (&issue.member, issue.offset) {
                        (Some(member), Some(offset)) => format!(" (member `{member}`, byte {offset})"),
                        (Some(member), None) => format!(" (member `{member}`)"),
                        (None, Some(offset)) => format!(" (byte {offset})"),
                        (None, None) => String::new(),
                    };
                    let help = match issue.level {
                        Level::Error => {
                            "do not load it; get the model from its publisher in a format that holds only data (safetensors, GGUF, ONNX)"
                        }
                        Level::Warning => {
                            "have a person read what it names; allow a reviewed global with serialization.allow_globals or serialization.exceptions"
                        }
                        Level::Note => "nothing to do",
                    };
                    out.push(ctx.draft(
                        code(issue.kind),
                        Some(id),
                        span,
                        format!("`{path}` ({}): {}{place}", report.format, issue.message),
                        help.into(),
                    ));
                }
            }
        }
    }
}
