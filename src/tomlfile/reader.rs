//! A small reader over a span-keeping TOML tree that collects every problem instead of stopping at the
//! first: unknown keys (with the nearest valid key), wrong types, invalid enum values and missing keys.
//!
//! Each table is read through a [`TableReader`], which remembers the keys that were asked for, so the list
//! of valid keys in "unknown key" messages is exactly the list the code reads — there is no second list to
//! keep in sync.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use toml_span::Value;
use toml_span::value::Table;

use super::Spanned;
use crate::diag::{FileProblems, Problem, SourceFile, Span, nearest};

/// Problems collected while reading one file.
#[derive(Default)]
pub(crate) struct Collector {
    problems: RefCell<Vec<Problem>>,
}

impl Collector {
    pub(crate) fn push(&self, problem: Problem) {
        self.problems.borrow_mut().push(problem);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.problems.borrow().is_empty()
    }

    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.problems.into_inner()
    }
}

/// A closed set of string values (`purpose`, `source`, `relation`, ...).
pub(crate) trait Choice: Sized + Copy + 'static {
    /// Every accepted spelling and its value.
    const CHOICES: &'static [(&'static str, Self)];

    fn parse_choice(text: &str) -> Option<Self> {
        Self::CHOICES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, value)| *value)
    }
}

fn type_name(value: &Value<'_>) -> &'static str {
    value.as_ref().type_str()
}

/// Reads one table; call [`TableReader::finish`] once every key was read.
pub(crate) struct TableReader<'a, 'de> {
    table: &'a Table<'de>,
    span: Span,
    /// The dotted TOML path of the table (empty for the document itself).
    path: String,
    what: String,
    known: Vec<&'static str>,
    collector: &'a Collector,
}

impl<'a, 'de> TableReader<'a, 'de> {
    /// `what` names the table in messages, e.g. "[[model]]" or "[usage]".
    pub(crate) fn new(value: &'a Value<'de>, what: &str, collector: &'a Collector) -> Option<Self> {
        Self::with_path(value, String::new(), what, collector)
    }

    fn with_path(value: &'a Value<'de>, path: String, what: &str, collector: &'a Collector) -> Option<Self> {
        match value.as_table() {
            Some(table) => Some(Self {
                table,
                span: value.span.into(),
                path,
                what: what.to_string(),
                known: Vec::new(),
                collector,
            }),
            None => {
                collector.push(Problem::new(
                    value.span,
                    format!("{what} must be a table, found {}", type_name(value)),
                ));
                None
            }
        }
    }

    /// The span of the whole table (used for "missing key" problems).
    pub(crate) fn span(&self) -> Span {
        self.span
    }

    /// The raw value of a key, marking the key as known.
    pub(crate) fn value(&mut self, key: &'static str) -> Option<&'a Value<'de>> {
        if !self.known.contains(&key) {
            self.known.push(key);
        }
        self.table.get(key)
    }

    fn wrong_type(&self, key: &str, value: &Value<'_>, expected: &str) {
        self.collector.push(
            Problem::new(
                value.span,
                format!(
                    "`{key}` in {} must be {expected}, found {}",
                    self.what,
                    type_name(value)
                ),
            )
            .with_help(format!("write `{key}` as {expected}")),
        );
    }

    fn missing(&self, key: &str, example: &str) {
        self.collector.push(
            Problem::new(
                self.header_span(),
                format!("{} is missing the required key `{key}`", self.what),
            )
            .with_help(format!("add `{key} = {example}`")),
        );
    }

    /// Where a table "starts" for messages: its first key, else the table's own span.
    fn header_span(&self) -> Span {
        self.table
            .keys()
            .map(|key| Span::from(key.span))
            .min_by_key(|span| span.start)
            .unwrap_or(self.span)
    }

    /// An optional string.
    pub(crate) fn string(&mut self, key: &'static str) -> Option<Spanned<String>> {
        let value = self.value(key)?;
        match value.as_str() {
            Some(text) => Some(Spanned::new(text.to_string(), value.span)),
            None => {
                self.wrong_type(key, value, "a string");
                None
            }
        }
    }

    /// A required string; `example` shows the user what to write.
    pub(crate) fn required_string(&mut self, key: &'static str, example: &str) -> Option<Spanned<String>> {
        if !self.table.contains_key(key) {
            self.value(key);
            self.missing(key, example);
            return None;
        }
        let text = self.string(key)?;
        if text.value.trim().is_empty() {
            self.collector.push(Problem::new(
                text.span,
                format!("`{key}` in {} must not be empty", self.what),
            ));
            return None;
        }
        Some(text)
    }

    /// An optional non-negative integer.
    pub(crate) fn unsigned(&mut self, key: &'static str) -> Option<Spanned<u64>> {
        let value = self.value(key)?;
        match value.as_integer() {
            Some(number) if number >= 0 => Some(Spanned::new(number as u64, value.span)),
            Some(_) => {
                self.collector.push(Problem::new(
                    value.span,
                    format!("`{key}` in {} must not be negative", self.what),
                ));
                None
            }
            None => {
                self.wrong_type(key, value, "a whole number");
                None
            }
        }
    }

    /// An optional boolean.
    pub(crate) fn boolean(&mut self, key: &'static str) -> Option<Spanned<bool>> {
        let value = self.value(key)?;
        match value.as_bool() {
            Some(flag) => Some(Spanned::new(flag, value.span)),
            None => {
                self.wrong_type(key, value, "true or false");
                None
            }
        }
    }

    /// An optional value from a closed set.
    pub(crate) fn choice<C: Choice>(&mut self, key: &'static str) -> Option<Spanned<C>> {
        let text = self.string(key)?;
        choice_from(&text, key, &self.what, self.collector)
    }

    /// An optional list of strings; a single string is not accepted (a list makes intent explicit).
    pub(crate) fn strings(&mut self, key: &'static str) -> Vec<Spanned<String>> {
        let Some(value) = self.value(key) else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            self.wrong_type(key, value, "a list of strings, e.g. [\"...\"]");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match item.as_str() {
                Some(text) => Some(Spanned::new(text.to_string(), item.span)),
                None => {
                    self.collector.push(Problem::new(
                        item.span,
                        format!(
                            "items of `{key}` in {} must be strings, found {}",
                            self.what,
                            type_name(item)
                        ),
                    ));
                    None
                }
            })
            .collect()
    }

    /// An optional list of values from a closed set.
    pub(crate) fn choices<C: Choice>(&mut self, key: &'static str) -> Vec<Spanned<C>> {
        let what = self.what.clone();
        self.strings(key)
            .iter()
            .filter_map(|text| choice_from(text, key, &what, self.collector))
            .collect()
    }

    /// An optional sub-table.
    pub(crate) fn table(&mut self, key: &'static str) -> Option<TableReader<'a, 'de>> {
        let value = self.value(key)?;
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        TableReader::with_path(value, path.clone(), &format!("[{path}]"), self.collector)
    }

    /// An optional array of tables (`[[model]]`, `[[model.file]]`).
    pub(crate) fn tables(&mut self, key: &'static str, what: &str) -> Vec<TableReader<'a, 'de>> {
        let Some(value) = self.value(key) else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            self.wrong_type(key, value, &format!("an array of tables ({what})"));
            return Vec::new();
        };
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        items
            .iter()
            .filter_map(|item| TableReader::with_path(item, path.clone(), what, self.collector))
            .collect()
    }

    /// The entries of a table used as a map (e.g. `levels = { "MNT001" = "deny" }`).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (Spanned<String>, &'a Value<'de>)> {
        self.table
            .iter()
            .map(|(key, value)| (Spanned::new(key.name.to_string(), key.span), value))
    }

    /// Reports every key that was never asked for.
    pub(crate) fn finish(self) {
        for key in self.table.keys() {
            if self.known.contains(&key.name.as_ref()) {
                continue;
            }
            let help = match nearest(&key.name, self.known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("valid keys here: {}", self.known.join(", ")),
            };
            self.collector.push(
                Problem::new(key.span, format!("unknown key `{}` in {}", key.name, self.what))
                    .with_help(help),
            );
        }
    }
}

/// Reads a value from a closed set, reporting the valid values (and the nearest) when it is not one.
pub(crate) fn choice_from<C: Choice>(
    text: &Spanned<String>,
    key: &str,
    what: &str,
    collector: &Collector,
) -> Option<Spanned<C>> {
    if let Some(choice) = C::parse_choice(&text.value) {
        return Some(Spanned::new(choice, text.span));
    }
    let names: Vec<&str> = C::CHOICES.iter().map(|(name, _)| *name).collect();
    // what people write for a value, where spelling distance finds nothing or the wrong thing (`hf`)
    const MEANINGS: &[(&str, &str)] = &[
        ("hf", "huggingface"),
        ("hub", "huggingface"),
        ("hugging-face", "huggingface"),
        ("hugging_face", "huggingface"),
        ("huggingface.co", "huggingface"),
        ("github", "git"),
        ("gitlab", "git"),
        ("http", "url"),
        ("https", "url"),
        ("download", "url"),
        ("web", "url"),
        ("file", "local"),
        ("disk", "local"),
        ("path", "local"),
        ("fine-tune", "finetune"),
        ("fine-tuned", "finetune"),
        ("finetuned", "finetune"),
        ("lora", "adapter"),
        ("peft", "adapter"),
        ("quantised", "quantized"),
        ("quantization", "quantized"),
        ("distillation", "distilled"),
        ("merged", "merge"),
        ("business", "commercial"),
        ("production", "commercial"),
        ("academic", "research"),
        ("on-prem", "on-premises"),
        ("onprem", "on-premises"),
    ];
    let lower = text.value.trim().to_ascii_lowercase();
    let meant = MEANINGS
        .iter()
        .find(|(said, meant)| *said == lower && names.contains(meant))
        .map(|(_, meant)| *meant);
    let help = match meant.or_else(|| nearest(&text.value, names.iter().copied())) {
        Some(near) => format!("did you mean \"{near}\"? valid values: {}", names.join(", ")),
        None => format!("valid values: {}", names.join(", ")),
    };
    collector.push(
        Problem::new(
            text.span,
            format!("invalid value \"{}\" for `{key}` in {what}", text.value),
        )
        .with_help(help),
    );
    None
}

/// Parses `source` as TOML and reads its top-level table with `read`; any syntax error or collected problem
/// rejects the whole file. This is the one way every TOML file aitrust reads becomes a checked value.
pub(crate) fn parse_document<T>(
    source: SourceFile,
    what: &str,
    read: impl FnOnce(TableReader<'_, '_>, &Collector) -> Option<T>,
) -> Result<T, Box<FileProblems>> {
    let document = match toml_span::parse(&source.text) {
        Ok(document) => document,
        Err(error) => {
            return Err(Box::new(FileProblems::new(source, vec![syntax_problem(&error)])));
        }
    };
    let collector = Collector::default();
    let value = TableReader::new(&document, what, &collector).and_then(|top| read(top, &collector));
    match value {
        Some(value) if collector.is_empty() => Ok(value),
        _ => Err(Box::new(FileProblems::new(source, collector.into_problems()))),
    }
}

/// Reads a file from disk (as UTF-8) and parses it with [`parse_document`].
pub(crate) fn load_document<T>(
    path: &Path,
    what: &str,
    read: impl FnOnce(TableReader<'_, '_>, &Collector) -> Option<T>,
) -> Result<T, super::LoadError> {
    // answers and lock files live beside the manifest: they must resolve inside that directory
    let bytes = crate::fsutil::read_in_root(&parent_directory(path), path, crate::fsutil::limits::TOML)
        .map_err(|source| super::LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let source =
        crate::diag::decode_utf8(path, &bytes).map_err(|p| super::LoadError::Invalid(Box::new(p)))?;
    parse_document(source, what, read).map_err(super::LoadError::Invalid)
}

/// The directory a file's relative paths are resolved against.
pub(crate) fn parent_directory(path: &Path) -> PathBuf {
    path.parent()
        .map(Path::to_path_buf)
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A TOML syntax error as a problem.
pub(crate) fn syntax_problem(error: &toml_span::Error) -> Problem {
    Problem::new(error.span, format!("invalid TOML: {error}"))
        .with_help("fix the TOML syntax (strings in double quotes, one key per line, tables in [brackets])")
}
