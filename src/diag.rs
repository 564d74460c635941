//! Diagnostics for bad input: a problem in a file, located by byte span, rendered like a compiler error
//! (`aibom.toml:12:9`, the source line, a caret under the span, and a `help:` line).
//!
//! Every file aitrust reads and can reject (manifest, policy, answers, lock) reports through this type, so
//! users see one format whatever they got wrong.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// A byte range in a source file. `start == end` points at a position (e.g. end of file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span over `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}

impl From<toml_span::Span> for Span {
    fn from(span: toml_span::Span) -> Self {
        Self::new(span.start, span.end)
    }
}

/// The text of a file aitrust read, kept so problems can quote it.
#[derive(Clone, Debug, Default)]
pub struct SourceFile {
    /// The path as the user gave it (or as derived from what they gave), used in messages.
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl SourceFile {
    /// Wraps a file's text.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .collect();
        Self {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The path used in messages.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// Line and column of a byte offset (clamped into the text, and onto a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(index) => index,
            Err(index) => index - 1,
        };
        let line_start = self.line_starts[line_index];
        let column = self.text[line_start..offset].chars().count() + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// The text of a 1-based line without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

/// Shows a path with forward slashes, as users write them in manifests.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub span: Span,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Problem {
    /// A problem at `span`.
    pub fn new(span: impl Into<Span>, message: impl Into<String>) -> Self {
        Self {
            span: span.into(),
            message: message.into(),
            help: None,
        }
    }

    /// Adds the `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one file: the file is rejected as a whole, and all problems are shown at once.
#[derive(Clone, Debug)]
pub struct FileProblems {
    /// The file, for quoting.
    pub source: SourceFile,
    /// The problems in file order.
    pub problems: Vec<Problem>,
}

impl FileProblems {
    /// Sorts problems by position so the output reads top to bottom.
    pub fn new(source: SourceFile, mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(|problem| (problem.span.start, problem.span.end));
        problems.dedup();
        Self { source, problems }
    }

    /// `path:line:column` of a problem.
    pub fn location(&self, problem: &Problem) -> String {
        let at = self.source.line_col(problem.span.start);
        format!("{}:{}:{}", self.source.display_path(), at.line, at.column)
    }
}

impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.problems {
            f.write_str(&render_problem(&self.source, problem))?;
            f.write_char('\n')?;
        }
        let count = self.problems.len();
        write!(
            f,
            "error: {} has {} problem{}; nothing was audited",
            self.source.display_path(),
            count,
            if count == 1 { "" } else { "s" }
        )
    }
}

/// Renders one problem with the quoted line and a caret under its span.
pub fn render_problem(source: &SourceFile, problem: &Problem) -> String {
    let start = source.line_col(problem.span.start);
    let end = source.line_col(problem.span.end.max(problem.span.start));
    let line_text = source.line_text(start.line);
    let gutter = start.line.to_string().len();
    let pad = " ".repeat(gutter);
    let caret_len = if end.line == start.line {
        end.column.saturating_sub(start.column).max(1)
    } else {
        line_text.chars().count().saturating_sub(start.column - 1).max(1)
    };
    let mut out = String::new();
    let _ = writeln!(out, "error: {}", problem.message);
    let _ = writeln!(
        out,
        "{pad}--> {}:{}:{}",
        source.display_path(),
        start.line,
        start.column
    );
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{} | {}", start.line, line_text);
    let _ = writeln!(
        out,
        "{pad} | {}{}",
        " ".repeat(start.column - 1),
        "^".repeat(caret_len)
    );
    if let Some(help) = &problem.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out
}

/// Words longer than this get no "did you mean" (bounded work on hostile input).
pub const MAX_NEAREST_LEN: usize = 128;

/// The closest candidate to `word`, if one is close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Similarity costs length × length per candidate; nothing this long is a misspelling of a known name.
    if word.len() > MAX_NEAREST_LEN {
        return None;
    }
    let lowered = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&lowered, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Decodes a file's bytes as UTF-8; invalid bytes are a problem at their position (the quoted text is
/// decoded lossily so the caret still lands on the right line).
pub fn decode_utf8(path: &Path, bytes: &[u8]) -> Result<SourceFile, FileProblems> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text.to_string())),
        Err(error) => {
            let offset = error.valid_up_to();
            let source = SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
            let problem = Problem::new(Span::new(offset, offset + 1), "the file is not valid UTF-8")
                .with_help("save the file as UTF-8");
            Err(FileProblems::new(source, vec![problem]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_handles_line_ends() {
        let source = SourceFile::new("a.toml", "ab\nçd = 1\r\nx".to_string());
        assert_eq!(source.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(source.line_col(3), LineCol { line: 2, column: 1 });
        // 'ç' is two bytes: the 'd' at byte 5 is column 2.
        assert_eq!(source.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(source.line_text(2), "çd = 1");
        assert_eq!(source.line_col(100), LineCol { line: 3, column: 2 });
        // inside a multi-byte char: clamped back onto its boundary
        assert_eq!(source.line_col(4), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn nearest_finds_typos_only() {
        let keys = ["license", "name", "publisher"];
        assert_eq!(nearest("licence", keys), Some("license"));
        assert_eq!(nearest("zzz", keys), None);
    }
}
