//! The resolve step: what a loaded manifest or policy can only be checked against with knowledge the
//! manifest model does not have — license ids against the license knowledge base, required checklists
//! against the shipped checklists, `levels` against the finding codes.
//!
//! `bom` checks the shape of a file and takes these checks as a function ([`bom::PolicyCheck`]), so their
//! problems are reported with the shape's, at once, with file:line:column and exit 2 — without `bom`
//! knowing licenses, checklists or finding codes. Every command that loads a manifest goes through [`load`].

use std::path::Path;

use crate::bom::{self, Bom, LoadError, Policy, Spanned};
use crate::diag::{Problem, nearest};
use crate::findings::Code;

/// Loads a manifest and resolves its policy; shape and meaning problems are reported together.
pub fn load(path: &Path) -> Result<Bom, LoadError> {
    bom::load_with(path, &policy_problems)
}

/// Checks a manifest held in memory (one about to be written) exactly as [`load`] would.
pub fn from_bytes(path: &Path, root: &Path, bytes: &[u8]) -> Result<Bom, LoadError> {
    bom::from_bytes_with(path, root, bytes, &policy_problems)
}

/// Loads a `--policy` file and resolves it.
pub fn load_policy(path: &Path) -> Result<Policy, LoadError> {
    bom::policy::load_file(path, &policy_problems)
}

/// A policy's license ids, required checklists and finding codes, checked against the knowledge.
pub fn policy_problems(policy: &Policy) -> Vec<Problem> {
    let mut problems = Vec::new();
    let licenses = &policy.licenses;
    for exception in &licenses.exceptions {
        license_ids(&exception.allow, "licenses.exceptions", &mut problems);
    }
    license_ids(&licenses.allow, "licenses.allow", &mut problems);
    license_ids(&licenses.deny, "licenses.deny", &mut problems);
    required_checklists(&policy.checklist.require, &mut problems);
    level_codes(&policy.level_codes, &mut problems);
    problems
}

/// Policy license entries name one license each, in any spelling the knowledge base knows.
fn license_ids(ids: &[Spanned<String>], key: &str, problems: &mut Vec<Problem>) {
    let kb = crate::license::KnowledgeBase::embedded();
    for id in ids {
        match crate::license::normalize(&id.value, kb) {
            Ok(normalized) if crate::license::rules::leaves(&normalized.expression).len() == 1 => {}
            Ok(_) => problems.push(
                Problem::new(
                    id.span,
                    format!("`{}` in {key} is an expression, not one license", id.value),
                )
                .with_help("list each license as its own entry"),
            ),
            Err(error) => problems.push(
                Problem::new(id.span, format!("`{}` in {key}: {error}", id.value)).with_help(error.help()),
            ),
        }
    }
}

/// A required checklist is a shipped one or a relative path to a `.toml` file.
fn required_checklists(require: &[Spanned<String>], problems: &mut Vec<Problem>) {
    let shipped: Vec<&str> = crate::checklist::BUILTIN.iter().map(|(id, _, _)| *id).collect();
    for reference in require {
        let is_shipped = shipped.contains(&reference.value.as_str());
        let is_file = reference.value.ends_with(".toml") && bom::RelPath::parse(&reference.value).is_ok();
        if !is_shipped && !is_file {
            problems.push(
                Problem::new(reference.span, format!("unknown checklist `{}`", reference.value)).with_help(
                    format!(
                        "use a shipped checklist ({}) or a relative path to a .toml file",
                        shipped.join(", ")
                    ),
                ),
            );
        }
    }
}

/// `levels` keys are finding codes.
fn level_codes(codes: &[Spanned<String>], problems: &mut Vec<Problem>) {
    for code in codes {
        if Code::parse(&code.value).is_some() {
            continue;
        }
        let all: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        let help = match nearest(&code.value, all.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? `aitrust explain` lists every code"),
            None => "`aitrust explain` lists every finding code".to_string(),
        };
        problems.push(
            Problem::new(
                code.span,
                format!("unknown finding code `{}` in levels", code.value),
            )
            .with_help(help),
        );
    }
}
