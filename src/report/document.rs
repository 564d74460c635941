//! The audit report for people (`aitrust report`): HTML and Markdown from minijinja templates (embedded, or
//! replaced with `--template DIR`), or the JSON report. The templates receive the [`Audit`] as it is, the
//! lineage graph, and the report's own provenance; they format, they never decide.

use std::path::Path;

use minijinja::{AutoEscape, Environment, Value};
use serde::Serialize;

use super::Audit;

/// The embedded HTML template.
pub const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.jinja");
/// The embedded Markdown template.
pub const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/report.md.jinja");

/// Where the report comes from: the tool, the time, the manifest, and the project's git state.
#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    /// aitrust and its version.
    pub tool: String,
    /// When the audit ran.
    pub generated_at: String,
    /// The manifest's path.
    pub manifest: String,
    /// Its SHA-256.
    pub manifest_sha256: String,
    /// The project's git commit, if it is in a repository.
    pub git_commit: Option<String>,
    /// Whether the working tree had uncommitted changes.
    pub git_dirty: Option<bool>,
}

/// The git commit of the repository holding `directory`, and whether its working tree is dirty.
pub fn git_state(directory: &Path) -> (Option<String>, Option<bool>) {
    let Ok(repository) = git2::Repository::discover(directory) else {
        return (None, None);
    };
    let commit = repository
        .head()
        .ok()
        .and_then(|head| head.peel_to_commit().ok())
        .map(|c| c.id().to_string());
    let mut options = git2::StatusOptions::new();
    options.include_untracked(true).include_ignored(false);
    let dirty = repository
        .statuses(Some(&mut options))
        .ok()
        .map(|statuses| !statuses.is_empty());
    (commit, dirty)
}

/// The output format of `aitrust report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// Markdown, for pull-request comments and step summaries.
    Markdown,
    /// The JSON report.
    Json,
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A replacement template could not be read.
    #[error("cannot read template {}: {source}", path.display())]
    Template {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The template has an error.
    #[error("template error: {0:#}")]
    Render(#[from] minijinja::Error),
}

/// Renders the report.
pub fn render(
    audit: &Audit,
    provenance: &Provenance,
    format: ReportFormat,
    templates: Option<&Path>,
) -> Result<String, ReportError> {
    let (name, embedded) = match format {
        ReportFormat::Json => return Ok(super::json::render(audit)),
        ReportFormat::Html => ("report.html.jinja", HTML_TEMPLATE),
        ReportFormat::Markdown => ("report.md.jinja", MARKDOWN_TEMPLATE),
    };
    let source = match templates {
        Some(directory) => {
            let path = directory.join(name);
            crate::fsutil::read_text(&path, crate::fsutil::limits::TEMPLATE)
                .map_err(|source| ReportError::Template { path, source })?
        }
        None => embedded.to_string(),
    };
    let mut environment = Environment::new();
    environment.set_auto_escape_callback(|name| {
        if name.contains(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    environment.add_filter("short", |text: String| text.chars().take(12).collect::<String>());
    environment.add_template_owned(name, source)?;
    let lineage = super::lineage::svg(audit).map(Value::from_safe_string);
    let template = environment.get_template(name)?;
    let text = template.render(minijinja::context! {
        audit => Value::from(minijinja::value::Serde(audit)),
        provenance => Value::from(minijinja::value::Serde(provenance)),
        lineage => lineage,
    })?;
    Ok(text)
}
