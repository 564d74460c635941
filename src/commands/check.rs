//! `aitrust check` (the CI gate) and `aitrust report` (the report for people).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Console, Error, Outcome};
use crate::audit::{self, AuditOptions};
use crate::report::{self, Audit, Verdict, document::ReportFormat};

/// The formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The table for people.
    Table,
    /// The JSON report.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow commands.
    Github,
    /// The Markdown report.
    Markdown,
}

/// What the audit reads, shared by `check` and `report`.
#[derive(Clone, Debug)]
pub struct AuditInputs {
    /// The manifest.
    pub manifest: PathBuf,
    /// A policy file replacing `[policy]`.
    pub policy: Option<PathBuf>,
    /// The answers file.
    pub answers: Option<PathBuf>,
    /// `--now` (RFC 3339), else the clock.
    pub now: Option<String>,
    /// Show a progress bar while hashing.
    pub progress: bool,
    /// `--trust-root`: a Sigstore trusted_root.json for keyless signatures.
    pub trust_root: Option<PathBuf>,
}

impl AuditInputs {
    /// Runs the audit on these inputs.
    pub fn run(&self) -> Result<Audit, Error> {
        let options = AuditOptions {
            manifest: self.manifest.clone(),
            policy: self.policy.clone(),
            answers: self.answers.clone(),
            now: super::parse_now(self.now.as_deref())?,
            progress: self.progress,
            trust_root: self.trust_root.clone(),
        };
        Ok(audit::run(&options)?)
    }
}

/// Where GitHub Actions wants the step summary, if `check` runs under it.
#[derive(Clone, Debug, Default)]
pub struct StepSummary {
    /// `$GITHUB_STEP_SUMMARY` when `GITHUB_ACTIONS=true`.
    pub path: Option<PathBuf>,
}

impl StepSummary {
    /// From the environment.
    pub fn from_env() -> Self {
        let active = std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true");
        Self {
            path: std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|_| active)
                .map(PathBuf::from),
        }
    }
}

/// `aitrust check`: audits, renders in `format`, writes to `output` or returns it for stdout. Exits 1 from
/// the gate on: `fail` by default, `review` under `--deny review` (`deny`) or `policy.gate = "review"`.
pub fn check(
    inputs: &AuditInputs,
    format: Format,
    output: Option<&Path>,
    summary: &StepSummary,
    console: &mut dyn Console,
    deny: Option<Verdict>,
) -> Result<Outcome, Error> {
    let audit = inputs.run()?;
    let text = match format {
        // a table for the terminal fits it and may colour; a table written to a file is plain
        Format::Table => report::table::render_for(
            &audit,
            if output.is_none() {
                report::table::Terminal::stdout()
            } else {
                report::table::Terminal::PLAIN
            },
        ),
        Format::Json => report::json::render(&audit),
        Format::Sarif => {
            let log = report::sarif::render(&audit);
            let problems = report::sarif::validate(&log);
            if !problems.is_empty() {
                return Err(Error::msg(format!(
                    "the SARIF log would be invalid, so it was not written:\n{}\nhelp: this is a bug in aitrust; please report it with the manifest",
                    problems
                        .iter()
                        .map(|p| format!("  - {p}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                )));
            }
            log
        }
        Format::Junit => report::junit::render(&audit),
        Format::Github => report::github::render(&audit),
        Format::Markdown => render_document(&audit, &inputs.manifest, ReportFormat::Markdown, None, None)?,
    };
    let stdout = match output {
        Some(path) => {
            super::write(path, text.as_bytes())?;
            String::new()
        }
        None => text,
    };
    // the table says it all; any other format (or a file) leaves a CI log with only the exit code, so one
    // line on stderr says what happened
    if format != Format::Table || output.is_some() {
        let s = &audit.summary;
        let written = output
            .map(|p| format!("wrote {}: ", p.display()))
            .unwrap_or_default();
        console.say(&format!(
            "{written}verdict {} ({} component{}, {} error{}, {} warning{}, {} note{})",
            audit.verdict.as_str().to_uppercase(),
            s.components,
            super::plural(s.components),
            s.errors,
            super::plural(s.errors),
            s.warnings,
            super::plural(s.warnings),
            s.notes,
            super::plural(s.notes),
        ));
    }
    append_step_summary(&audit, &inputs.manifest, summary, console);
    // the stricter of the command line and the policy: `--deny` can raise the bar, never lower the policy's
    let gate = deny
        .map_or(audit.gate, |deny| deny.min(audit.gate))
        .max(Verdict::Review);
    Ok(Outcome::with_status(audit.verdict >= gate, stdout))
}

/// Renders the HTML or Markdown report of an audit, with the report's provenance and, given a baseline, what
/// changed since it.
pub fn render_document(
    audit: &Audit,
    manifest: &Path,
    format: ReportFormat,
    templates: Option<&Path>,
    changes: Option<&report::changes::Changes>,
) -> Result<String, Error> {
    let (git_commit, git_dirty) = report::document::git_state(&crate::bom::reader_parent(manifest));
    let provenance = report::document::Provenance {
        tool: format!("aitrust {}", audit.tool.version),
        generated_at: audit.generated_at.clone(),
        manifest: audit.manifest.path.clone(),
        manifest_sha256: audit.manifest.sha256.clone(),
        git_commit,
        git_dirty,
    };
    report::document::render(audit, &provenance, format, templates, changes)
        .map_err(|error| Error::msg(error.to_string()))
}

/// `aitrust report`: writes the report for people to `output`. The audit's verdict does not change the exit.
/// `documents` are the replacement templates' directory and the baseline (an earlier JSON report).
pub fn report(
    inputs: &AuditInputs,
    format: ReportFormat,
    output: &Path,
    documents: (Option<&Path>, Option<&Path>),
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    let (templates, baseline) = documents;
    if baseline.is_some() && format == ReportFormat::Json {
        return Err(Error::msg(
            "--baseline adds \"what changed since the last audit\" to the HTML and Markdown reports\nhelp: the JSON report is itself the baseline of the next audit; drop --baseline, or use --format html or markdown",
        ));
    }
    let audit = inputs.run()?;
    let changes = match baseline {
        Some(path) => {
            let text =
                crate::fsutil::read_text(path, crate::fsutil::limits::INTERCHANGE).map_err(|error| {
                    Error::msg(format!("cannot read the baseline {}: {error}", path.display()))
                })?;
            Some(
                report::changes::compare(&audit, &crate::diag::display_path(path), &text)
                    .map_err(|error| Error::msg(error.to_string()))?,
            )
        }
        None => None,
    };
    let text = render_document(&audit, &inputs.manifest, format, templates, changes.as_ref())?;
    super::write(output, text.as_bytes())?;
    console.say(&format!(
        "wrote {} (verdict: {})",
        output.display(),
        verdict_word(audit.verdict)
    ));
    Ok(Outcome::pass(""))
}

/// The verdict as a lower-case word.
pub(crate) fn verdict_word(verdict: Verdict) -> &'static str {
    verdict.as_str()
}

/// Under GitHub Actions, appends the Markdown report to the job's step summary.
fn append_step_summary(audit: &Audit, manifest: &Path, summary: &StepSummary, console: &mut dyn Console) {
    let Some(path) = &summary.path else {
        return;
    };
    let Ok(text) = render_document(audit, manifest, ReportFormat::Markdown, None, None) else {
        return;
    };
    let appended = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    if let Err(error) = appended {
        console.say(&format!("warning: cannot append to GITHUB_STEP_SUMMARY: {error}"));
    }
}
