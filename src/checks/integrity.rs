//! The integrity check: every declared artifact exists, has the declared size and SHA-256, nothing undeclared
//! sits beside it, no path leads out of the project, and nothing local goes unverified.
//!
//! The wording of every integrity finding lives in `Diag::into_draft`.

use std::path::PathBuf;

use super::CheckCtx;
use crate::bom::{Component, SourceKind};
use crate::diag::Span;
use crate::digest::Sha256Digest;
use crate::findings::{Code, Draft, Findings};
use crate::sources::local::{ComponentFiles, ComponentState, FileState, Observation};

/// One integrity finding before it is worded.
enum Diag<'a> {
    ComponentMissing {
        path: &'a str,
    },
    ComponentEscapes {
        path: &'a str,
        target: PathBuf,
    },
    ComponentWrongKind {
        path: &'a str,
        expected: &'static str,
        found: &'static str,
    },
    NoDigests {
        path: &'a str,
    },
    FileNoDigest {
        path: &'a str,
    },
    NotVerifiedLocally {
        what: String,
        source: SourceKind,
    },
    FileMissing {
        path: &'a str,
    },
    FileEscapes {
        path: &'a str,
        target: PathBuf,
    },
    FileNotAFile {
        path: &'a str,
        found: &'static str,
    },
    FileUnreadable {
        path: &'a str,
        error: &'a str,
    },
    SizeMismatch {
        path: &'a str,
        declared: u64,
        actual: u64,
    },
    DigestMismatch {
        path: &'a str,
        declared: Sha256Digest,
        actual: Sha256Digest,
    },
    Undeclared {
        path: &'a str,
    },
    Twin {
        path: &'a str,
        declared: &'a str,
    },
}

impl Diag<'_> {
    fn into_draft(self, ctx: &CheckCtx<'_>, component: &Component, span: Span) -> Draft {
        let (code, message, help) = match self {
            Diag::ComponentMissing { path } => (
                Code::Int009,
                format!("`{path}` does not exist"),
                "fetch the component into this path, or fix `path` in the manifest".to_string(),
            ),
            Diag::ComponentEscapes { path, target } => (
                Code::Int005,
                format!("`{path}` is a symbolic link out of the project (to {}); it was not followed", target.display()),
                "copy the artifact into the project, or declare the path inside the project".to_string(),
            ),
            Diag::ComponentWrongKind { path, expected, found } => (
                Code::Int010,
                format!("`{path}` is {found}, but the manifest declares {expected}"),
                "a single-file component carries `sha256` itself; a directory lists its files in [[file]] entries".to_string(),
            ),
            Diag::NoDigests { path } => (
                Code::Int006,
                format!("`{path}` has no digest, so it cannot be verified"),
                format!("add the SHA-256 of every file: `aitrust hash {path}` prints them"),
            ),
            Diag::FileNoDigest { path } => (
                Code::Int006,
                format!("`{path}` has no sha256, so it cannot be verified"),
                format!("add `sha256` to its entry: `aitrust hash {path}` prints it"),
            ),
            Diag::NotVerifiedLocally { what, source } => (
                Code::Int007,
                format!("{what} comes from {} and has no local copy; it was not hashed", source_name(source)),
                "pin its revision and digest and verify the download where it is deployed, or keep a copy in the project".to_string(),
            ),
            Diag::FileMissing { path } => (
                Code::Int001,
                format!("`{path}` is declared but missing"),
                "restore the file from the component's source, or remove its entry if it is really gone".to_string(),
            ),
            Diag::FileEscapes { path, target } => (
                Code::Int005,
                format!("`{path}` is a symbolic link out of the project (to {}); it was not followed", target.display()),
                "copy the file into the project instead of linking to it".to_string(),
            ),
            Diag::FileNotAFile { path, found } => (
                Code::Int010,
                format!("`{path}` is {found}, not a regular file"),
                "declare regular files only; list a directory's files one by one".to_string(),
            ),
            Diag::FileUnreadable { path, error } => (
                Code::Int008,
                format!("`{path}` could not be read: {error}"),
                "fix the file's permissions or storage and run the audit again".to_string(),
            ),
            Diag::SizeMismatch { path, declared, actual } => (
                Code::Int003,
                format!("`{path}` is {actual} bytes, the manifest declares {declared}"),
                "do not deploy it: re-fetch it from its source, or review the change and update `size` and `sha256`".to_string(),
            ),
            Diag::DigestMismatch { path, declared, actual } => (
                Code::Int002,
                format!("`{path}` has SHA-256 {actual}, the manifest pins {declared}"),
                "do not deploy it: find out why it changed; if the change is intended, review it and update `sha256`".to_string(),
            ),
            Diag::Twin { path, declared } => (
                Code::Int012,
                format!("`{path}` differs from the declared `{declared}` only in case or Unicode normalization"),
                "remove it: a loader (or a case-insensitive file system) may open it instead of the verified file".to_string(),
            ),
            Diag::Undeclared { path } => (
                Code::Int004,
                format!("`{path}` is in the component's directory but not declared"),
                format!("declare it with its digest (`aitrust hash {path}`), or remove it"),
            ),
        };
        ctx.draft(code, Some(&component.id.value), span, message, help)
    }
}

fn source_name(source: SourceKind) -> &'static str {
    match source {
        SourceKind::Local => "the project",
        SourceKind::Huggingface => "the Hugging Face Hub",
        SourceKind::Git => "a git repository",
        SourceKind::Url => "a URL",
        SourceKind::Hosted => "a provider's API",
    }
}

/// Checks every component's declared digests against what the Hub published (from aibom.lock).
fn check_against_hub(ctx: &CheckCtx<'_>, component: &Component, out: &mut Findings) {
    let Some(locked) = ctx
        .lock
        .and_then(|lock| lock.entry_for(component))
        // an entry with no file list (a disabled or missing repository) has nothing to compare with: those are
        // reported, as errors, by the maintenance check
        .filter(|locked| {
            locked.source == "huggingface"
                && locked.missing.is_none()
                && locked.unavailable.is_none()
                && !locked.files.is_empty()
        })
    else {
        return;
    };
    if component
        .revision
        .as_ref()
        .is_some_and(|r| r.value != locked.revision)
    {
        return; // the lock describes another revision (reported by the maintenance check)
    }
    for entry in &component.files {
        let Some(declared) = &entry.sha256 else { continue };
        let path = entry.path.value.as_str();
        let (message, help) = match locked.files.iter().find(|f| f.path == path) {
            None => (
                format!(
                    "`{path}` is not in {} at revision {}",
                    locked.repository, locked.revision
                ),
                "the publisher never released this file at the pinned revision: find out where it came from",
            ),
            Some(file) => match &file.sha256 {
                Some(published) if *published != declared.value => (
                    format!(
                        "`{path}` is pinned to SHA-256 {}, but the Hub publishes {published} for it",
                        declared.value
                    ),
                    "the manifest pins something the publisher never released: re-fetch the file and its digest from the Hub",
                ),
                Some(_) => continue,
                // fail closed: a large (LFS or Xet) file must have a published SHA-256 to compare with
                None if file.large => (
                    format!(
                        "`{path}` is stored on the Hub through {} but aibom.lock records no SHA-256 for it, so its pin cannot be checked against the publisher",
                        if file.xet_hash.is_some() { "Xet" } else { "LFS" }
                    ),
                    "run `aitrust lock` again; if the Hub publishes no SHA-256 for the file, verify it another way (a signature) before trusting it",
                ),
                // a regular (non-LFS) file carries a git blob id, not a SHA-256: the local hash decides
                None => continue,
            },
        };
        out.push(ctx.draft(
            Code::Int011,
            Some(&component.id.value),
            declared.span,
            message,
            help.to_string(),
        ));
    }
}

/// Checks every component's local files.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    for component in ctx
        .bom
        .components()
        .filter(|c| c.source.value == SourceKind::Huggingface)
    {
        check_against_hub(ctx, component, out);
    }
    for component in ctx.bom.components() {
        let Some(files) = ctx.inventory.component(&component.id.value) else {
            continue;
        };
        check_component(ctx, component, files, out);
    }
}

fn check_component(ctx: &CheckCtx<'_>, component: &Component, files: &ComponentFiles, out: &mut Findings) {
    let mut emit = |diag: Diag<'_>, span: Span| out.push(diag.into_draft(ctx, component, span));
    let path_span = component.path.as_ref().map_or(component.span, |path| path.span);
    let path_text = component.path.as_ref().map(|path| path.value.as_str());
    match (&files.state, path_text) {
        (ComponentState::NoLocalCopy, _) | (_, None) => {
            if component.source.value == SourceKind::Local {
                return; // a local component without a path is a manifest error; never reached
            }
            let what = format!("{} `{}`", component.kind.as_str(), component.display_name());
            emit(
                Diag::NotVerifiedLocally {
                    what,
                    source: component.source.value,
                },
                component.source.span,
            );
            return;
        }
        (ComponentState::Missing, Some(path)) => {
            emit(Diag::ComponentMissing { path }, path_span);
            return;
        }
        (ComponentState::Escapes { target }, Some(path)) => {
            emit(
                Diag::ComponentEscapes {
                    path,
                    target: target.clone(),
                },
                path_span,
            );
            return;
        }
        (ComponentState::WrongKind { expected, found }, Some(path)) => {
            emit(
                Diag::ComponentWrongKind {
                    path,
                    expected,
                    found,
                },
                path_span,
            );
            return;
        }
        (ComponentState::Present, Some(_)) => {}
    }
    if !component.has_digests() {
        emit(
            Diag::NoDigests {
                path: path_text.unwrap_or_default(),
            },
            path_span,
        );
    }
    for state in &files.files {
        check_file(component, state, &mut emit);
    }
    for path in &files.undeclared {
        emit(Diag::Undeclared { path }, path_span);
    }
    for (path, declared) in &files.twins {
        emit(Diag::Twin { path, declared }, path_span);
    }
    for (path, error) in &files.walk_errors {
        emit(Diag::FileUnreadable { path, error }, path_span);
    }
}

/// The declared digest, size and span that apply to one file state.
fn declared_for<'a>(
    component: &'a Component,
    state: &FileState,
) -> (
    Option<Sha256Digest>,
    Option<u64>,
    Span,
    Option<&'a crate::bom::FileEntry>,
) {
    match state.entry {
        Some(index) => {
            let entry = &component.files[index];
            (
                entry.sha256.as_ref().map(|d| d.value),
                entry.size.as_ref().map(|s| s.value),
                entry.path.span,
                Some(entry),
            )
        }
        None => (
            component.sha256.as_ref().map(|d| d.value),
            component.size.as_ref().map(|s| s.value),
            component.path.as_ref().map_or(component.span, |p| p.span),
            None,
        ),
    }
}

fn check_file(component: &Component, state: &FileState, emit: &mut impl FnMut(Diag<'_>, Span)) {
    let (declared_digest, declared_size, span, entry) = declared_for(component, state);
    let path = state.path.as_str();
    // Every file of a component that has digests must have its own (the all-missing case is reported once).
    if declared_digest.is_none() && component.has_digests() {
        emit(Diag::FileNoDigest { path }, span);
    }
    match &state.observation {
        Observation::NotLocal => {
            let what = format!(
                "file `{path}` of {} `{}`",
                component.kind.as_str(),
                component.display_name()
            );
            let span = entry
                .and_then(|e| e.local.as_ref())
                .map_or(span, |local| local.span);
            emit(
                Diag::NotVerifiedLocally {
                    what,
                    source: component.source.value,
                },
                span,
            );
        }
        Observation::Missing => emit(Diag::FileMissing { path }, span),
        Observation::Escapes { target } => emit(
            Diag::FileEscapes {
                path,
                target: target.clone(),
            },
            span,
        ),
        Observation::NotAFile { found } => emit(Diag::FileNotAFile { path, found }, span),
        Observation::Unreadable { error } => emit(Diag::FileUnreadable { path, error }, span),
        Observation::Hashed(actual) => {
            let size_mismatch = declared_size.filter(|declared| *declared != actual.size);
            if let Some(declared) = size_mismatch {
                let size_span = entry
                    .and_then(|e| e.size.as_ref())
                    .or(component.size.as_ref().filter(|_| entry.is_none()))
                    .map_or(span, |size| size.span);
                emit(
                    Diag::SizeMismatch {
                        path,
                        declared,
                        actual: actual.size,
                    },
                    size_span,
                );
            }
            if let Some(declared) = declared_digest.filter(|declared| *declared != actual.sha256) {
                // A size mismatch already says the content changed; the digest finding adds the evidence.
                let digest_span = entry
                    .and_then(|e| e.sha256.as_ref())
                    .or(component.sha256.as_ref().filter(|_| entry.is_none()))
                    .map_or(span, |digest| digest.span);
                emit(
                    Diag::DigestMismatch {
                        path,
                        declared,
                        actual: actual.sha256,
                    },
                    digest_span,
                );
            }
        }
    }
}
