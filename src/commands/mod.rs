//! The commands: one module per `aitrust` subcommand, each a function that takes plain options and a
//! [`Console`] and returns `Result<Outcome, Error>`.
//!
//! A command decides everything: what to read, what a failure means, what to write. The binary only parses
//! arguments, calls one of these, prints what comes back, and maps it to an exit code: [`Status::Pass`] is 0,
//! [`Status::Fail`] is 1 and any [`Error`] is 2. So a command can be tested without spawning the binary, and
//! another front end (a CI plugin, an editor) can call it.

pub mod check;
pub mod checklist;
pub mod discover;
pub mod explain;
pub mod hash;
pub mod import;
pub mod init;
pub mod lock;
pub mod oms;
pub mod scan;
pub mod sign;

use std::path::{Path, PathBuf};

use crate::bom::LoadError;

/// Where a command says things to people while it works (stderr, for the binary).
pub trait Console {
    /// One message (may span lines).
    fn say(&mut self, message: &str);
}

/// A console that keeps what it is told (for tests and library callers).
#[derive(Debug, Default)]
pub struct Transcript {
    /// The messages, in order.
    pub messages: Vec<String>,
}

impl Console for Transcript {
    fn say(&mut self, message: &str) {
        self.messages.push(message.to_string());
    }
}

/// How a command ended when it could do its work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Done, nothing failed (exit 0).
    Pass,
    /// Done, and what was checked failed (exit 1).
    Fail,
}

/// What a command produced.
#[derive(Debug)]
pub struct Outcome {
    /// Pass or fail.
    pub status: Status,
    /// Data for standard output (empty when the command wrote a file instead).
    pub stdout: String,
}

impl Outcome {
    /// Passed, with this data for standard output.
    pub fn pass(stdout: impl Into<String>) -> Self {
        Self {
            status: Status::Pass,
            stdout: stdout.into(),
        }
    }

    /// Failed, with this data for standard output.
    pub fn fail(stdout: impl Into<String>) -> Self {
        Self {
            status: Status::Fail,
            stdout: stdout.into(),
        }
    }

    /// Pass or fail by `failed`.
    pub fn with_status(failed: bool, stdout: impl Into<String>) -> Self {
        if failed {
            Self::fail(stdout)
        } else {
            Self::pass(stdout)
        }
    }
}

/// Why a command could not do its work: unusable input or bad usage (exit 2).
#[derive(Debug)]
pub enum Error {
    /// A manifest, policy, answers, lock or checklist file that cannot be read or is invalid.
    Load(LoadError),
    /// Anything else, as the message after `error: ` (may carry `help:` lines).
    Message(String),
}

impl Error {
    /// An error with this message.
    pub fn msg(message: impl Into<String>) -> Self {
        Self::Message(message.into())
    }
}

impl From<LoadError> for Error {
    fn from(error: LoadError) -> Self {
        Self::Load(error)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Load(LoadError::Io { path, source }) if source.kind() == std::io::ErrorKind::NotFound => {
                let hint = if path.file_name().is_some_and(|name| name == "aibom.toml") {
                    "\nhelp: run `aitrust init` to write one, or pass --manifest PATH"
                } else {
                    ""
                };
                write!(
                    f,
                    "error: {} does not exist{hint}",
                    crate::diag::display_path(path)
                )
            }
            Self::Load(other) => write!(f, "{other}"),
            Self::Message(message) => write!(f, "error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// `--now`, or the clock.
pub fn parse_now(now: Option<&str>) -> Result<time::OffsetDateTime, Error> {
    match now {
        Some(text) => time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(
            |error| {
                Error::msg(format!(
                    "--now {text:?} is not an RFC 3339 time ({error})\nhelp: write it like 2026-11-22T12:00:00Z"
                ))
            },
        ),
        // whole seconds: answers and reports record times people read
        None => {
            let now = time::OffsetDateTime::now_utc();
            Ok(now.replace_nanosecond(0).unwrap_or(now))
        }
    }
}

/// The name of a directory (for a new manifest's `[project] name`), or `fallback`.
pub(crate) fn directory_name(dir: &Path, fallback: &str) -> String {
    std::fs::canonicalize(dir)
        .ok()
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| fallback.to_string())
}

/// Writes a file atomically, as a command error naming the file when it cannot.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    crate::fsutil::write_atomic(path, bytes)
        .map_err(|error| Error::msg(format!("cannot write {}: {error}", path.display())))
}

/// A manifest a command is about to write must load exactly as `check` would load it (unique ids, valid
/// names, a valid policy); otherwise nothing is written.
pub(crate) fn validate_before_writing(manifest: &Path, text: &[u8]) -> Result<(), Error> {
    let root = crate::bom::reader_parent(manifest);
    crate::resolve::from_bytes(manifest, &root, text).map(|_| ()).map_err(|error| {
        Error::msg(format!(
            "the manifest aitrust would write does not validate, so nothing was written:\n{error}\nhelp: this is a bug in aitrust; please report it with the input"
        ))
    })
}

/// The Hub client for `--endpoint` (else HF_ENDPOINT, else the public Hub); an unusable endpoint is bad usage.
pub(crate) fn hub_client(endpoint: Option<&str>) -> Result<crate::sources::hub::Hub, Error> {
    crate::sources::hub::Hub::new(&crate::sources::hub::endpoint(endpoint))
        .map_err(|error| Error::msg(error.to_string()))
}

/// `s` for plural counts.
pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The answers file: the one given, or `aibom.answers.toml` beside the manifest.
pub(crate) fn answers_path_or_default(answers: Option<&PathBuf>, manifest: &Path) -> PathBuf {
    answers
        .cloned()
        .unwrap_or_else(|| crate::audit::default_answers_path(manifest))
}
