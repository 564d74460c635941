//! The audit report for people (`aitrust report`): HTML and Markdown from minijinja templates (embedded, or
//! replaced with `--template DIR`), or the JSON report. The templates receive the [`Audit`] as it is
//! (`audit`), the lineage graph (`lineage`, SVG), the report's own provenance (`provenance`) and each
//! component's findings by component id (`findings_by_component`); they format, they never decide.

use std::path::Path;

use minijinja::{AutoEscape, Environment, ErrorKind, Value};
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
    changes: Option<&super::changes::Changes>,
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
    let lineage = super::lineage::svg(audit).map(Value::from_safe_string);
    let context = minijinja::context! {
        audit => Value::from(minijinja::value::Serde(audit)),
        provenance => Value::from(minijinja::value::Serde(provenance)),
        lineage => lineage,
        findings_by_component => Value::from(minijinja::value::Serde(findings_by_component(audit))),
        finding_groups => Value::from(minijinja::value::Serde(finding_groups(audit))),
        executive => Value::from(minijinja::value::Serde(executive_summary(audit))),
        changes => changes.map(|c| Value::from(minijinja::value::Serde(c))),
    };
    let items = (audit.components.len() + audit.findings.len()) as u64;
    let fuel = RENDER_FUEL.saturating_add(RENDER_FUEL_PER_ITEM.saturating_mul(items));
    // A replaced template is input: it renders with bounded work (fuel), bounded output, bounded filter
    // arguments, and on a thread with a large stack, so no template can hang, exhaust memory or overflow.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(RENDER_STACK)
            .spawn_scoped(scope, || render_bounded(name, source, context, fuel))
            .map_err(|error| {
                ReportError::Render(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    error.to_string(),
                ))
            })?
            .join()
            .unwrap_or_else(|_| {
                Err(ReportError::Render(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    "the template could not be rendered",
                )))
            })
    })
}

/// Each component's findings, by component id, so a template shows a component's findings without looping
/// over every finding of the audit for every component (which is quadratic).
fn findings_by_component(audit: &Audit) -> std::collections::BTreeMap<&str, Vec<&crate::findings::Finding>> {
    let mut map: std::collections::BTreeMap<&str, Vec<&crate::findings::Finding>> = audit
        .components
        .iter()
        .map(|component| (component.id.as_str(), Vec::new()))
        .collect();
    for finding in &audit.findings {
        if let Some(list) = finding.component.as_deref().and_then(|id| map.get_mut(id)) {
            list.push(finding);
        }
    }
    map
}

/// The findings in groups, each finding once: the project's, then each component's in the manifest's order,
/// then the checklist's; within a group errors first.
#[derive(Serialize)]
struct FindingGroup<'a> {
    /// "project", a component id, or "checklist".
    title: String,
    /// The component's kind, for a component.
    kind: Option<&'static str>,
    findings: Vec<&'a crate::findings::Finding>,
    errors: usize,
    warnings: usize,
}

fn finding_groups(audit: &Audit) -> Vec<FindingGroup<'_>> {
    let mut project = Vec::new();
    let mut checklist = Vec::new();
    let mut by_component = findings_by_component(audit);
    for finding in &audit.findings {
        match finding.component.as_deref() {
            Some(id) if by_component.contains_key(id) => {}
            _ if finding.check == "checklist" => checklist.push(finding),
            _ => project.push(finding),
        }
    }
    fn group<'a>(
        title: String,
        kind: Option<&'static str>,
        mut findings: Vec<&'a crate::findings::Finding>,
    ) -> FindingGroup<'a> {
        // stable: the audit's order within a severity
        findings.sort_by_key(|f| f.severity);
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        FindingGroup {
            title,
            kind,
            errors: count(crate::findings::Severity::Error),
            warnings: count(crate::findings::Severity::Warning),
            findings,
        }
    }
    let mut groups = Vec::new();
    if !project.is_empty() {
        groups.push(group("project".to_string(), None, project));
    }
    for component in &audit.components {
        let findings = by_component.remove(component.id.as_str()).unwrap_or_default();
        if !findings.is_empty() {
            groups.push(group(
                component.id.clone(),
                Some(component.kind.as_str()),
                findings,
            ));
        }
    }
    if !checklist.is_empty() {
        groups.push(group("checklist".to_string(), None, checklist));
    }
    groups
}

/// The executive summary: a few sentences a compliance officer reads first, each computed from the audit
/// (aitrust's words with backtick code spans; the templates render them).
pub fn executive_summary(audit: &Audit) -> Vec<String> {
    use crate::findings::Severity;
    use crate::license::rules::LicenseVerdict;
    let s = &audit.summary;
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let items = &audit.checklist.items;
    let open = items
        .iter()
        .filter(|i| i.status == crate::checklist::ItemStatus::Open)
        .count();
    let failed_items = items
        .iter()
        .filter(|i| i.status == crate::checklist::ItemStatus::Fail)
        .count();
    let mut sentences = Vec::new();
    sentences.push(match audit.verdict {
        super::Verdict::Fail => format!(
            "Do not deploy yet: {} must be resolved first{}.",
            count(s.errors, "error", "errors"),
            if s.warnings > 0 {
                format!(
                    ", and {} then need a decision",
                    count(s.warnings, "warning", "warnings")
                )
            } else {
                String::new()
            }
        ),
        super::Verdict::Review => format!(
            "Nothing failed, but a person must decide before deployment: {} and {} are open.",
            count(s.warnings, "warning", "warnings"),
            count(open, "checklist item", "checklist items")
        ),
        super::Verdict::Pass => {
            "Ready to deploy on the evidence: no error, no warning and no open checklist item.".to_string()
        }
    });
    let models = audit
        .components
        .iter()
        .filter(|c| c.kind == crate::bom::ComponentKind::Model)
        .count();
    let datasets = audit.components.len() - models;
    let used = match &audit.project.usage {
        Some(usage) => {
            let mut how = Vec::new();
            if let Some(purpose) = &usage.purpose {
                how.push(format!("for {purpose} use"));
            }
            if let Some(deployment) = &usage.deployment {
                how.push(format!(
                    "deployed {}",
                    match deployment.as_str() {
                        "saas" => "as a hosted service".to_string(),
                        "distributed" => "to users (weights or software distributed)".to_string(),
                        "on-premises" => "on customers' premises".to_string(),
                        other => other.to_string(),
                    }
                ));
            }
            if !usage.regions.is_empty() {
                how.push(format!("in {}", usage.regions.join(", ")));
            }
            if how.is_empty() {
                ", judged without a stated purpose (`[usage]` names none)".to_string()
            } else {
                format!(", judged {}", how.join(", "))
            }
        }
        None => ", judged without `[usage]`: the license rules could not tell whether this use is allowed"
            .to_string(),
    };
    sentences.push(format!(
        "The audit covers {} and {} declared in `{}`{used}.",
        count(models, "model", "models"),
        count(datasets, "dataset", "datasets"),
        audit.manifest.path
    ));
    let with = |verdict: LicenseVerdict| -> Vec<&str> {
        audit
            .components
            .iter()
            .filter(|c| c.license_verdict == Some(verdict))
            .map(|c| c.id.as_str())
            .collect()
    };
    let list = |ids: &[&str]| {
        let shown: Vec<String> = ids.iter().take(5).map(|id| format!("`{id}`")).collect();
        let more = ids.len().saturating_sub(5);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let (denied, review, obliged) = (
        with(LicenseVerdict::Deny),
        with(LicenseVerdict::NeedsReview),
        with(LicenseVerdict::AllowWithObligations),
    );
    let unlicensed: Vec<&str> = audit
        .components
        .iter()
        .filter(|c| c.license.is_none())
        .map(|c| c.id.as_str())
        .collect();
    let mut licenses = Vec::new();
    if !denied.is_empty() {
        licenses.push(format!("the terms forbid this use of {}", list(&denied)));
    }
    if !review.is_empty() {
        licenses.push(format!(
            "{} need{} a person's review",
            list(&review),
            if review.len() == 1 { "s" } else { "" }
        ));
    }
    if !unlicensed.is_empty() {
        licenses.push(format!(
            "{} declare{} no license",
            list(&unlicensed),
            if unlicensed.len() == 1 { "s" } else { "" }
        ));
    }
    if !obliged.is_empty() {
        licenses.push(format!(
            "{} may be used if the listed obligations are met",
            count(obliged.len(), "component", "components")
        ));
    }
    sentences.push(if licenses.is_empty() {
        "Licenses: every component's terms allow this use without obligations.".to_string()
    } else {
        format!("Licenses: {}.", licenses.join("; "))
    });
    let local: Vec<_> = audit
        .components
        .iter()
        .filter(|c| c.integrity != super::IntegrityStatus::NotLocal)
        .collect();
    let failed: Vec<&str> = local
        .iter()
        .filter(|c| c.integrity == super::IntegrityStatus::Failed)
        .map(|c| c.id.as_str())
        .collect();
    sentences.push(if local.is_empty() {
        format!(
            "Integrity: no component is held locally, so nothing was hashed ({} not local).",
            audit.components.len()
        )
    } else if failed.is_empty() {
        format!(
            "Integrity: {} of {} local components match their pinned digests{}.",
            local.len(),
            local.len(),
            match audit.components.len() - local.len() {
                0 => String::new(),
                remote => format!("; {} not held locally", count(remote, "is", "are")),
            }
        )
    } else {
        format!(
            "Integrity: {} do{} not match what the manifest pins ({}).",
            list(&failed),
            if failed.len() == 1 { "es" } else { "" },
            count(failed.len(), "component", "components")
        )
    });
    // the most frequent error codes, the blockers
    let mut codes: Vec<(&str, usize)> = Vec::new();
    for finding in audit.findings.iter().filter(|f| f.severity == Severity::Error) {
        match codes.iter_mut().find(|(code, _)| *code == finding.code) {
            Some(entry) => entry.1 += 1,
            None => codes.push((&finding.code, 1)),
        }
    }
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !codes.is_empty() {
        let named: Vec<String> = codes
            .iter()
            .take(4)
            .map(|(code, n)| {
                let title = crate::findings::Code::parse(code).map_or("", |c| c.doc().title);
                format!("{code} ({}) ×{n}", title.to_lowercase())
            })
            .collect();
        sentences.push(format!("What blocks it: {}.", named.join("; ")));
    }
    sentences.push(format!(
        "Checklist `{}`: {} of {} items pass, {} fail, {} open.",
        audit.checklist.id,
        items
            .iter()
            .filter(|i| i.status == crate::checklist::ItemStatus::Pass)
            .count(),
        items.len(),
        failed_items,
        open
    ));
    sentences
}

/// Fuel for one render, plus [`RENDER_FUEL_PER_ITEM`] for every component and finding (a nested loop over
/// 100,000 × 100,000 runs out in about 4 s in a debug build).
const RENDER_FUEL: u64 = 20_000_000;
/// Fuel added per component and finding of the audit.
const RENDER_FUEL_PER_ITEM: u64 = 5_000;
/// The largest report a template may write.
const RENDER_OUTPUT: usize = 256 << 20;
/// The stack of the rendering thread.
const RENDER_STACK: usize = 64 << 20;
/// The largest width `indent` and count `slice`/`batch` take from a template.
const FILTER_ARGUMENT: usize = 4096;

fn render_bounded(
    name: &'static str,
    source: String,
    context: Value,
    fuel: u64,
) -> Result<String, ReportError> {
    let mut environment = Environment::new();
    environment.set_fuel(Some(fuel));
    environment.set_auto_escape_callback(|name| {
        if name.contains(".html") {
            AutoEscape::Html
        } else if name.contains(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else {
            AutoEscape::None
        }
    });
    environment.set_formatter(|out, state, value| {
        if !matches!(state.auto_escape(), AutoEscape::Custom(name) if name == MARKDOWN) {
            return minijinja::escape_formatter(out, state, value);
        }
        if value.is_undefined() || value.is_none() {
            return Ok(());
        }
        let text = value.to_string();
        let written = if value.is_safe() {
            text
        } else {
            markdown_text(&text)
        };
        out.write_str(&written)
            .map_err(|e| minijinja::Error::new(ErrorKind::WriteFailure, e.to_string()))
    });
    environment.add_filter("code", |text: String| {
        Value::from_safe_string(markdown_code(&text))
    });
    environment.add_filter("inline", |text: String| {
        Value::from_safe_string(markdown_inline(&text))
    });
    environment.add_filter("html_inline", |text: String| {
        Value::from_safe_string(html_inline(&text))
    });
    environment.add_filter("evidence_html", |evidence: Vec<String>| {
        Value::from_safe_string(evidence_html(&evidence))
    });
    environment.add_filter("code_link", |code: String| {
        Value::from_safe_string(code_link(&code))
    });
    environment.add_filter("license_html", |text: String| {
        Value::from_safe_string(license_html(&text))
    });
    environment.add_function("hub_link", |name: String, dataset: bool| {
        Value::from_safe_string(hub_link(&name, dataset))
    });
    environment.add_filter("short", |text: String| text.chars().take(12).collect::<String>());
    environment.add_filter("indent", bounded_indent);
    environment.add_filter(
        "slice",
        |state: &minijinja::State, value: Value, count: usize, fill: Option<Value>| {
            minijinja::filters::slice(state, value, bounded(count)?, fill)
        },
    );
    environment.add_filter(
        "batch",
        |state: &minijinja::State, value: Value, count: usize, fill: Option<Value>| {
            minijinja::filters::batch(state, value, bounded(count)?, fill)
        },
    );
    environment.add_template_owned(name, source)?;
    let template = environment.get_template(name)?;
    let mut out = CappedWriter::default();
    template.render_captured_to(context, &mut out)?;
    String::from_utf8(out.bytes).map_err(|_| {
        ReportError::Render(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            "the template wrote invalid UTF-8",
        ))
    })
}

/// The auto-escape mode of Markdown templates: every value a template prints is escaped by [`markdown_text`]
/// unless a filter (`code`, `safe`) marked it safe.
const MARKDOWN: &str = "markdown";

/// Text as inline Markdown that renders as itself, whatever a manifest put in it: line breaks (a new heading, a
/// list, a fake verdict) become spaces, HTML (`<img>`, an unclosed `<!--`) becomes entities, and every character
/// that opens Markdown syntax (emphasis, links and images, code, tables, headings, strikethrough) is escaped with a
/// backslash, which CommonMark allows before any ASCII punctuation.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // `(`, `)` and `!` open nothing without the `[` escaped here
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// HTML text: the XML escape (`& < > " '`, characters XML forbids dropped) is valid HTML too.
fn escape_html(text: &str) -> String {
    super::junit::escape(text)
}

/// aitrust's messages in HTML: backtick spans become `<code>`, everything escaped (a stray backtick from a
/// manifest value only moves a span; nothing becomes markup).
pub fn html_inline(text: &str) -> String {
    code_spans(
        text,
        |code| format!("<code>{}</code>", escape_html(code)),
        escape_html,
        "`",
    )
}

/// Splits aitrust's text at backticks: paired spans through `code`, the rest through `plain`; an unpaired
/// backtick before the last part is written as `stray`.
fn code_spans(
    text: &str,
    code: impl Fn(&str) -> String,
    plain: impl Fn(&str) -> String,
    stray: &str,
) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() % 2 == 1;
    let mut out = String::with_capacity(text.len() + 32);
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        if index % 2 == 1 && (paired || !last) {
            out.push_str(&code(part));
        } else {
            if index % 2 == 1 {
                out.push_str(stray);
            }
            out.push_str(&plain(part));
        }
    }
    out
}

/// A checklist item's automated evidence, compactly: the findings it cites as their codes (linked, counted:
/// the findings themselves are listed once, under their component) and any other evidence as text.
pub fn evidence_html(evidence: &[String]) -> String {
    let mut codes: Vec<(&str, usize)> = Vec::new();
    let mut other = Vec::new();
    for line in evidence {
        let first = line.split(' ').next().unwrap_or_default();
        if crate::findings::Code::parse(first).is_some() {
            match codes.iter_mut().find(|(code, _)| *code == first) {
                Some(entry) => entry.1 += 1,
                None => codes.push((first, 1)),
            }
        } else {
            other.push(html_inline(line));
        }
    }
    let mut parts: Vec<String> = codes
        .iter()
        .map(|(code, count)| {
            if *count > 1 {
                format!("{} ×{count}", code_link(code))
            } else {
                code_link(code)
            }
        })
        .collect();
    parts.extend(other);
    parts.join(" · ")
}

/// A finding code linked to its documentation (`docs/findings.md#lic003`).
pub fn code_link(code: &str) -> String {
    let escaped = escape_html(code);
    if crate::findings::Code::parse(code).is_none() {
        return escaped;
    }
    format!(
        "<a href=\"{}#{}\">{escaped}</a>",
        super::sarif::CODES_DOC,
        escaped.to_ascii_lowercase()
    )
}

/// A license expression with each license the knowledge base knows shown by its name and linked to its text
/// (the id on hover); operators and unknown terms as they are.
pub fn license_html(text: &str) -> String {
    let kb = crate::license::KnowledgeBase::embedded();
    let mut out = String::new();
    for (index, token) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let (open, rest) = token.split_at(token.len() - token.trim_start_matches('(').len());
        let core = rest.trim_end_matches(')');
        let close = &rest[core.len()..];
        out.push_str(open);
        match kb.by_id(core).or_else(|| kb.find(core)) {
            Some(facts) if !matches!(core, "AND" | "OR" | "WITH") => out.push_str(&format!(
                "<a href=\"{}\" title=\"{}\">{}</a>",
                escape_html(&facts.url),
                escape_html(&facts.id),
                escape_html(&facts.name)
            )),
            _ => out.push_str(&escape_html(core)),
        }
        out.push_str(close);
    }
    out
}

/// A Hub repository's name linked to its page.
pub fn hub_link(name: &str, dataset: bool) -> String {
    let escaped = escape_html(name);
    let shaped = name.split('/').count() == 2 && !name.contains(['?', '#', ' ', '\\']);
    let url = shaped
        .then(|| {
            url::Url::parse(&format!(
                "https://huggingface.co/{}{name}",
                if dataset { "datasets/" } else { "" }
            ))
            .ok()
        })
        .flatten();
    match url {
        Some(url) => format!("<a href=\"{}\">{escaped}</a>", escape_html(url.as_str())),
        None => escaped,
    }
}

/// aitrust's own messages mark code with backticks (`` `aitrust hash m` ``): those spans become code spans and the
/// rest is escaped text. A manifest value with a stray backtick only moves where a span starts or ends; every
/// part is still escaped, so nothing a manifest says can become markup.
pub fn markdown_inline(text: &str) -> String {
    code_spans(text, markdown_code, markdown_text, "\\`")
}

/// Text as a Markdown code span that holds it literally: the fence is one backtick longer than the longest
/// run of backticks inside, line breaks become spaces, and `|` is escaped (a GitHub table cell ends at a bare
/// `|`, even in a code span).
pub fn markdown_code(text: &str) -> String {
    let flat: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in flat.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // a space on each side keeps a backtick at either end of the text from joining the fence
    let pad = if flat.starts_with('`') || flat.ends_with('`') || flat.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// The builtin `indent`, with its width bounded first (a huge width would allocate before any fuel is spent).
fn bounded_indent(
    value: minijinja::value::StringInput<'_>,
    width: Option<usize>,
    first: Option<bool>,
    blank: Option<bool>,
    kwargs: minijinja::value::Kwargs,
) -> Result<Value, minijinja::Error> {
    if let Some(width) = width {
        bounded(width)?;
    }
    if let Some(width) = kwargs.peek::<Option<usize>>("width")? {
        bounded(width)?;
    }
    minijinja::filters::indent(value, width, first, blank, kwargs)
}

fn bounded(value: usize) -> Result<usize, minijinja::Error> {
    if value > FILTER_ARGUMENT {
        Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("{value} is more than the {FILTER_ARGUMENT} a report template may ask for"),
        ))
    } else {
        Ok(value)
    }
}

/// Collects output, failing past [`RENDER_OUTPUT`].
#[derive(Default)]
struct CappedWriter {
    bytes: Vec<u8>,
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + data.len() > RENDER_OUTPUT {
            return Err(std::io::Error::other(format!(
                "the report would be larger than {RENDER_OUTPUT} bytes"
            )));
        }
        self.bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
