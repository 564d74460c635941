//! The walk at a real terminal, through `inquire` (crossterm backend): lists picked with the arrow keys,
//! text prompts with the earlier answer prefilled, validation messages under the prompt, and tab completion
//! of evidence paths inside the project. Esc, Ctrl-C and Ctrl-D stop the walk; what was saved stays saved.

use std::io::{self, Write as _};
use std::path::PathBuf;

use inquire::autocompletion::{Autocomplete, Replacement};
use inquire::validator::Validation;
use inquire::{CustomUserError, InquireError, Select, Text};

use super::interactive::{Prompter, TextQuestion};

/// Asks at the terminal; everything goes to standard error, so standard output stays data.
#[derive(Debug, Default)]
pub struct Terminal;

fn stopped(error: InquireError) -> io::Result<Option<usize>> {
    match error {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => Ok(None),
        InquireError::IO(error) => Err(error),
        other => Err(io::Error::other(other.to_string())),
    }
}

impl Prompter for Terminal {
    fn say(&mut self, text: &str) {
        let _ = writeln!(io::stderr().lock(), "{text}");
    }

    fn select(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
        help: &str,
    ) -> io::Result<Option<usize>> {
        match Select::new(prompt, options.to_vec())
            .with_starting_cursor(default.min(options.len().saturating_sub(1)))
            .with_help_message(help)
            .with_page_size(options.len().max(1))
            .raw_prompt()
        {
            Ok(choice) => Ok(Some(choice.index)),
            Err(error) => stopped(error),
        }
    }

    fn text(&mut self, question: &TextQuestion<'_>) -> io::Result<Option<String>> {
        let validate = question.validate;
        let mut text = Text::new(question.prompt)
            .with_help_message(question.help)
            .with_validator(move |input: &str| -> Result<Validation, CustomUserError> {
                Ok(match validate(input) {
                    Ok(()) => Validation::Valid,
                    Err(message) => Validation::Invalid(message.into()),
                })
            });
        if let Some(initial) = question.initial {
            text = text.with_initial_value(initial);
        }
        if let Some((base, root)) = question.complete_paths {
            text = text.with_autocomplete(PathCompleter {
                base: base.to_path_buf(),
                root: root.to_path_buf(),
            });
        }
        match text.prompt() {
            Ok(answer) => Ok(Some(answer)),
            Err(error) => stopped(error).map(|_| None),
        }
    }
}

/// Completes file paths relative to the answers file's directory, never offering anything outside the
/// project or behind a link out of it.
#[derive(Clone, Debug)]
pub struct PathCompleter {
    /// Paths are relative to this directory.
    pub base: PathBuf,
    /// Nothing outside it is offered.
    pub root: PathBuf,
}

impl PathCompleter {
    /// The entries that complete `input` (directories end with `/`), sorted, at most 20.
    pub fn candidates(&self, input: &str) -> Vec<String> {
        if input.contains("://") || input.starts_with('/') || input.split('/').any(|part| part == "..") {
            return Vec::new();
        }
        let (directory, stem) = match input.rsplit_once('/') {
            Some((directory, stem)) => (format!("{directory}/"), stem),
            None => (String::new(), input),
        };
        let Ok(real) = crate::fsutil::resolve_in_root(&self.root, &self.base.join(&directory)) else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(real) else {
            return Vec::new();
        };
        let mut found: Vec<String> = entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                    return None;
                }
                // follow a link only if it stays inside the project
                let inside = crate::fsutil::resolve_in_root(&self.root, &entry.path()).ok()?;
                let suffix = if inside.is_dir() { "/" } else { "" };
                Some(format!("{directory}{name}{suffix}"))
            })
            .collect();
        found.sort();
        found.truncate(20);
        found
    }
}

impl Autocomplete for PathCompleter {
    fn get_suggestions(&mut self, input: &str) -> Result<Vec<String>, CustomUserError> {
        Ok(self.candidates(input.trim()))
    }

    fn get_completion(
        &mut self,
        input: &str,
        highlighted: Option<String>,
    ) -> Result<Replacement, CustomUserError> {
        if highlighted.is_some() {
            return Ok(highlighted);
        }
        let candidates = self.candidates(input.trim());
        let Some(first) = candidates.first() else {
            return Ok(None);
        };
        // the longest common prefix, as a shell completes
        let common = candidates.iter().fold(first.clone(), |prefix, candidate| {
            prefix
                .chars()
                .zip(candidate.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        Ok((common.len() > input.trim().len()).then_some(common))
    }
}
