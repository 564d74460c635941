//! The serialization scanner: what loading a model file would do, found without loading or executing it.
//!
//! Formats are recognised by their bytes first (ZIP, NumPy, GGUF, safetensors, HDF5, 7z, tar, pickle's PROTO),
//! then by extension (ONNX, protocol-0 pickles). Pickles are interpreted by [`pickle`], wherever they are: a
//! file, any member of a ZIP (PyTorch checkpoints, `.npz`, nested archives), a tar (PyTorch's legacy format),
//! the object arrays of a `.npy`. Keras configs, GGUF chat templates, ONNX external data and safetensors headers
//! are checked by [`formats`].
//!
//! Every file gets a verdict: `unsafe` (something would run code, or the file is malformed), `review` (an
//! unknown global, a format aitrust cannot fully inspect) or `clean`.

pub mod formats;
pub mod pickle;
pub mod policy;
pub mod zip;

use std::io::{BufReader, Read, Seek};
use std::path::Path;

/// What kind of finding (the SER codes of `check`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Loading it would run code (SER001).
    Code,
    /// It imports something aitrust does not know (SER002).
    Unknown,
    /// It is malformed (SER003).
    Malformed,
    /// Part of it cannot be inspected (SER004).
    Uninspectable,
    /// A format that is safe by design, and valid (SER005).
    SafeFormat,
    /// It points outside its own directory (SER006).
    Escape,
}

/// How serious.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Informational.
    Note,
    /// Needs a person.
    Warning,
    /// Must not be loaded.
    Error,
}

/// One thing found in a file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    /// What kind.
    pub kind: Kind,
    /// How serious.
    pub level: Level,
    /// The archive member it is in, if any (`archive/data.pkl`, nested with `!`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Byte offset in the file or member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// What, naming the global or construct.
    pub message: String,
}

/// A file's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Nothing would run code; nothing malformed; nothing unknown.
    Clean,
    /// Unknown globals or uninspectable parts: a person decides.
    Review,
    /// Something would run code, or the file is malformed.
    Unsafe,
}

/// What the scanner found in one file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// The format recognised (`pickle`, `pytorch-zip`, `numpy`, `safetensors`, `gguf`, ...).
    pub format: String,
    /// The verdict.
    pub verdict: Verdict,
    /// What was found.
    pub issues: Vec<Issue>,
}

/// What the scan may accept.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `module.name` globals (or `module.*`) a person has reviewed and allowed.
    pub allow_globals: Vec<String>,
    /// Follow a symbolic link given as the path (`aitrust scan` on a Hugging Face cache snapshot, whose files
    /// are links); off for `check`, which opens project files without following links, checking the handle.
    pub follow_links: bool,
}

/// Collects issues while a file is read.
pub struct Findings<'a> {
    options: &'a Options,
    issues: Vec<Issue>,
    member: Option<String>,
}

impl Findings<'_> {
    fn push(&mut self, kind: Kind, level: Level, offset: Option<u64>, message: String) {
        self.issues.push(Issue {
            kind,
            level,
            member: self.member.clone(),
            offset,
            message,
        });
    }

    /// Judges a pickle report: dangerous imports and unresolvable constructs are errors, unknown imports
    /// warnings, a malformed stream an error when `strict` (the file claims to be a pickle).
    fn pickle(&mut self, report: &pickle::Report, strict: bool) {
        for import in &report.imports {
            let class = if import.called {
                policy::classify_call(&import.module, &import.name, &self.options.allow_globals)
            } else {
                policy::classify(&import.module, &import.name, &self.options.allow_globals)
            };
            let what = format!(
                "{} `{}.{}`",
                if import.called {
                    "imports and calls"
                } else {
                    "imports"
                },
                import.module,
                import.name
            );
            match class {
                policy::Class::Dangerous => self.push(
                    Kind::Code,
                    Level::Error,
                    Some(import.offset),
                    format!("{what}, which can run code or reach files, processes or the network"),
                ),
                policy::Class::Unknown => self.push(
                    Kind::Unknown,
                    Level::Warning,
                    Some(import.offset),
                    format!("{what}, which aitrust does not know to be safe"),
                ),
                policy::Class::Safe => {}
            }
        }
        for problem in &report.problems {
            if problem.unresolved {
                self.push(
                    Kind::Code,
                    Level::Error,
                    Some(problem.offset),
                    problem.what.clone(),
                );
            } else if strict || !report.imports.is_empty() {
                self.push(
                    Kind::Malformed,
                    Level::Error,
                    Some(problem.offset),
                    format!("malformed pickle: {}", problem.what),
                );
            }
        }
    }
}

/// Scans one file. `Err` only when the file cannot be opened or read at all.
pub fn scan_file(path: &Path, options: &Options) -> std::io::Result<FileReport> {
    let (file, length) = crate::fsutil::open_checked(path, u64::MAX, options.follow_links)?;
    let mut findings = Findings {
        options,
        issues: Vec::new(),
        member: None,
    };
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let format = formats::scan(&mut reader, length, &extension, &mut findings, 0)?;
    let mut issues = findings.issues;
    issues.sort_by(|a, b| b.level.cmp(&a.level).then(a.offset.cmp(&b.offset)));
    let verdict = match issues.iter().map(|i| i.level).max() {
        Some(Level::Error) => Verdict::Unsafe,
        Some(Level::Warning) => Verdict::Review,
        _ => Verdict::Clean,
    };
    Ok(FileReport {
        path: path.display().to_string(),
        format,
        verdict,
        issues,
    })
}

/// What `formats` reads from: a seekable byte source.
pub trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}
