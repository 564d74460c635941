//! The table for people: the verdict and summary first, the components, then the findings grouped by
//! component, then what to do next.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, presets};

use super::{Audit, IntegrityStatus, Verdict};
use crate::checklist::ItemStatus;
use crate::findings::{Code, Finding, Severity};

/// What the table is shown on: whether it may colour, and how wide it may be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Terminal {
    /// ANSI colours.
    pub color: bool,
    /// The width to fit, in columns; `None` leaves lines as long as they are (a file, a pipe, a CI log).
    pub width: Option<u16>,
}

impl Terminal {
    /// Plain text of any width: for files, pipes and snapshots.
    pub const PLAIN: Self = Self {
        color: false,
        width: None,
    };

    /// Standard output as it is: colour by anstream's rules (`NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR`,
    /// `TERM=dumb` and whether it is a terminal), the width from `COLUMNS` or the terminal itself. A pipe or a
    /// file gets no width limit unless `COLUMNS` sets one.
    pub fn stdout() -> Self {
        let stdout = std::io::stdout();
        let color = anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|columns| columns.trim().parse::<u16>().ok())
            .or_else(|| terminal_size::terminal_size_of(&stdout).map(|(width, _)| width.0))
            .map(|width| width.max(MIN_WIDTH));
        Self { color, width }
    }

    fn paint(self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }
}

/// Below this, wrapping would make the table unreadable; lines then overflow instead.
const MIN_WIDTH: u16 = 60;

const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default();
const BOLD: Style = Style::new().bold();

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Note => CYAN,
    }
}

/// Renders the audit as plain text (a file, a pipe, a snapshot).
pub fn render(audit: &Audit) -> String {
    render_for(audit, Terminal::PLAIN)
}

/// Renders the audit for a terminal or a CI log: coloured when `terminal.color`, fitted to `terminal.width`
/// (the least important table columns are left out first, then cells wrap; messages wrap at word boundaries).
pub fn render_for(audit: &Audit, terminal: Terminal) -> String {
    let mut out = String::new();
    let summary = &audit.summary;
    let verdict = match audit.verdict {
        Verdict::Pass => terminal.paint(GREEN, "PASS"),
        Verdict::Review => terminal.paint(YELLOW, "REVIEW"),
        Verdict::Fail => terminal.paint(RED, "FAIL"),
    };
    let title = format!("aitrust {}: audit of {}", audit.tool.version, audit.manifest.path);
    let _ = writeln!(out, "{}", wrap(terminal, &title, "", "  "));
    let line = format!(
        "verdict: {verdict} ({} component{}, {} error{}, {} warning{}, {} note{})",
        summary.components,
        plural(summary.components),
        summary.errors,
        plural(summary.errors),
        summary.warnings,
        plural(summary.warnings),
        summary.notes,
        plural(summary.notes),
    );
    let _ = writeln!(out, "{}", wrap(terminal, &line, "", "  "));
    if audit.verdict == Verdict::Review {
        let _ = writeln!(
            out,
            "{}",
            wrap(
                terminal,
                "Nothing failed, but a person must decide what is listed below before deployment (`--deny review` makes this exit 1).",
                "",
                "",
            )
        );
    }
    out.push('\n');
    if !audit.components.is_empty() {
        out.push_str(&components_table(audit, terminal));
        out.push('\n');
    }
    render_findings(audit, terminal, &mut out);
    render_obligations(audit, terminal, &mut out);
    render_checklist(audit, terminal, &mut out);
    render_next_steps(audit, terminal, &mut out);
    out
}

/// `text` wrapped to the terminal's width at word boundaries (never inside a word: URLs and paths stay whole),
/// the first line after `first`, the others after `rest`.
fn wrap(terminal: Terminal, text: &str, first: &str, rest: &str) -> String {
    match terminal.width {
        Some(width) => textwrap::fill(
            text,
            textwrap::Options::new(usize::from(width))
                .initial_indent(first)
                .subsequent_indent(rest)
                .break_words(false),
        ),
        None => format!("{first}{text}"),
    }
}

/// The components table's columns, in the order shown, with the order in which they are left out when the
/// terminal is too narrow (lower goes first; `None` is never left out).
const COLUMNS: [(&str, Option<u8>); 10] = [
    ("component", None),
    ("kind", Some(3)),
    ("source", Some(4)),
    ("license", None),
    ("verdict", None),
    ("files", Some(2)),
    ("integrity", None),
    ("docs", Some(0)),
    ("upkeep", Some(1)),
    ("findings", None),
];

/// The width a table of these column content widths takes in the condensed UTF-8 style: a border before
/// every column and after the last, one space of padding each side.
fn table_width(widths: impl Iterator<Item = u16>) -> usize {
    let mut total = 1;
    for width in widths {
        total += usize::from(width) + 3;
    }
    total
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn components_table(audit: &Audit, terminal: Terminal) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(COLUMNS.map(|(name, _)| Cell::new(name).add_attribute(comfy_table::Attribute::Bold)));
    if terminal.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    // (component, severity) → count, counted once: the table stays linear in components + findings
    let mut counts: std::collections::HashMap<(&str, Severity), usize> = std::collections::HashMap::new();
    for finding in &audit.findings {
        if let Some(id) = finding.component.as_deref() {
            *counts.entry((id, finding.severity)).or_default() += 1;
        }
    }
    for component in &audit.components {
        let count = |severity| {
            counts
                .get(&(component.id.as_str(), severity))
                .copied()
                .unwrap_or(0)
        };
        let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
        let findings = match (errors, warnings) {
            (0, 0) => "-".to_string(),
            (errors, 0) => format!("{errors} error{}", plural(errors)),
            (0, warnings) => format!("{warnings} warning{}", plural(warnings)),
            (errors, warnings) => format!(
                "{errors} error{}, {warnings} warning{}",
                plural(errors),
                plural(warnings)
            ),
        };
        let (integrity, integrity_color) = match component.integrity {
            IntegrityStatus::Verified => ("verified", Some(Color::Green)),
            IntegrityStatus::Failed => ("FAILED", Some(Color::Red)),
            IntegrityStatus::NotLocal => ("not local", None),
        };
        let verdict_color = component.license_verdict.map(|verdict| match verdict {
            crate::license::rules::LicenseVerdict::Deny => Color::Red,
            crate::license::rules::LicenseVerdict::NeedsReview => Color::Yellow,
            crate::license::rules::LicenseVerdict::Allow
            | crate::license::rules::LicenseVerdict::AllowWithObligations => Color::Green,
        });
        let findings_color = match (errors, warnings) {
            (0, 0) => None,
            (0, _) => Some(Color::Yellow),
            _ => Some(Color::Red),
        };
        let colored = |text: String, color: Option<Color>| match color {
            Some(color) => Cell::new(text).fg(color),
            None => Cell::new(text),
        };
        table.add_row([
            Cell::new(&component.id),
            Cell::new(component.kind.as_str()),
            Cell::new(component.source.as_str()),
            Cell::new(component.license.as_deref().unwrap_or("(none)")),
            colored(
                component
                    .license_verdict
                    // words a narrow table can wrap between (`allow with obligations`)
                    .map_or("-".to_string(), |verdict| verdict.as_str().replace('-', " ")),
                verdict_color,
            ),
            Cell::new(match component.files_remote {
                0 => component.files.to_string(),
                remote => format!("{} ({remote} remote)", component.files),
            }),
            colored(integrity.to_string(), integrity_color),
            Cell::new(
                component
                    .documentation
                    .as_ref()
                    .filter(|d| d.card.is_some())
                    .map_or("no card".to_string(), |d| format!("{}%", d.score)),
            ),
            Cell::new(
                component
                    .activity
                    .as_ref()
                    .map_or("-".to_string(), |a| match a.age_days {
                        Some(days) if a.status != "unknown" => format!("{} ({days}d)", a.status),
                        _ => a.status.clone(),
                    }),
            ),
            colored(findings, findings_color),
        ]);
    }
    let left_out = fit(&mut table, terminal.width);
    let mut text = table.to_string();
    text.push('\n');
    if !left_out.is_empty() {
        let note = format!(
            "(left out to fit {} columns: {}; `--format json` has every column)",
            terminal.width.unwrap_or_default(),
            left_out.join(", ")
        );
        let _ = writeln!(text, "{}", wrap(terminal, &note, "", " "));
    }
    text
}

/// Fits the table to `width`: leaves out the least important columns first, then lets the rest wrap. Returns
/// the names of the columns left out.
fn fit(table: &mut Table, width: Option<u16>) -> Vec<&'static str> {
    let Some(width) = width else {
        return Vec::new();
    };
    let content = table.column_max_content_widths();
    let mut shown: Vec<bool> = vec![true; COLUMNS.len()];
    let mut left_out = Vec::new();
    let mut droppable: Vec<(u8, usize)> = COLUMNS
        .iter()
        .enumerate()
        .filter_map(|(index, (_, rank))| rank.map(|rank| (rank, index)))
        .collect();
    droppable.sort_unstable();
    for (_, index) in droppable {
        let needed = table_width(
            content
                .iter()
                .zip(&shown)
                .filter(|(_, shown)| **shown)
                .map(|(width, _)| *width),
        );
        if needed <= usize::from(width) {
            break;
        }
        shown[index] = false;
        left_out.push(COLUMNS[index].0);
    }
    // ids and license expressions are never cut inside a word: the columns of words (verdict, findings,
    // integrity) wrap between words instead, narrowed in that order down to their longest word; only when that
    // is not enough does the table cut words
    let longest_word = |table: &Table, index: usize| -> u16 {
        table
            .column_cells_iter(index)
            .flatten()
            .flat_map(|cell| {
                cell.content()
                    .split_whitespace()
                    .map(|w| w.chars().count())
                    .collect::<Vec<_>>()
            })
            .chain(std::iter::once(COLUMNS[index].0.len()))
            .max()
            .unwrap_or(1) as u16
    };
    let mut widths: Vec<u16> = content.clone();
    let fits = |widths: &[u16]| {
        table_width(widths.iter().zip(&shown).filter(|(_, s)| **s).map(|(w, _)| *w)) <= usize::from(width)
    };
    let mut narrowed = Vec::new();
    for name in ["verdict", "findings", "integrity"] {
        if fits(&widths) {
            break;
        }
        let Some(index) = COLUMNS.iter().position(|(column, _)| *column == name) else {
            continue;
        };
        if !shown[index] {
            continue;
        }
        let floor = longest_word(table, index);
        let excess = table_width(widths.iter().zip(&shown).filter(|(_, s)| **s).map(|(w, _)| *w))
            .saturating_sub(usize::from(width));
        let narrower = widths[index]
            .saturating_sub(u16::try_from(excess).unwrap_or(u16::MAX))
            .max(floor);
        if narrower < widths[index] {
            widths[index] = narrower;
            narrowed.push(index);
        }
    }
    let whole = fits(&widths);
    for (index, column) in table.column_iter_mut().enumerate() {
        if !shown.get(index).copied().unwrap_or(true) {
            column.set_constraint(ColumnConstraint::Hidden);
        } else if whole {
            // (a fixed width counts the one space of padding on each side)
            column.set_constraint(ColumnConstraint::Absolute(comfy_table::Width::Fixed(
                widths[index] + 2,
            )));
        }
    }
    table
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    // keep the order of the table, not of leaving out
    left_out.sort_by_key(|name| COLUMNS.iter().position(|(column, _)| column == name));
    left_out
}

fn render_findings(audit: &Audit, terminal: Terminal, out: &mut String) {
    if audit.findings.is_empty() {
        out.push_str("No findings.\n\n");
        return;
    }
    out.push_str("Findings\n");
    let by_id: std::collections::HashMap<&str, &crate::report::ComponentReport> =
        audit.components.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut current: Option<(Option<&str>, bool)> = None;
    for finding in &audit.findings {
        let component = finding.component.as_deref();
        let group = (component, finding.check == "checklist");
        if current != Some(group) {
            current = Some(group);
            let heading = match component.and_then(|id| by_id.get(id)) {
                Some(c) => format!("{} ({})", c.id, c.kind.as_str()),
                None if finding.check == "checklist" => {
                    "checklist (answer with `aitrust checklist`, or in aibom.answers.toml)".to_string()
                }
                None => "project".to_string(),
            };
            let _ = writeln!(
                out,
                "\n{}",
                wrap(terminal, &terminal.paint(BOLD, &heading), "  ", "    ")
            );
        }
        if finding.check == "checklist" {
            // One line each: the help is the same for every item and stands in the heading.
            let label = terminal.paint(
                severity_style(finding.severity),
                &format!("{:<7}", finding.severity.as_str()),
            );
            let line = format!("{label} {}  {}", finding.code, finding.message);
            let _ = writeln!(out, "{}", wrap(terminal, &line, "    ", "                    "));
        } else {
            render_finding(finding, terminal, out);
        }
    }
    out.push('\n');
}

fn render_finding(finding: &Finding, terminal: Terminal, out: &mut String) {
    let at = finding
        .location
        .as_ref()
        .map(|l| format!("  {}:{}", l.path, l.line))
        .unwrap_or_default();
    let label = terminal.paint(
        severity_style(finding.severity),
        &format!("{:<7}", finding.severity.as_str()),
    );
    let _ = writeln!(out, "    {label} {}{at}", terminal.paint(BOLD, &finding.code));
    let indent = "            ";
    let _ = writeln!(out, "{}", wrap(terminal, &finding.message, indent, indent));
    let _ = writeln!(
        out,
        "{}",
        wrap(
            terminal,
            &finding.help,
            &format!("{indent}help: "),
            &format!("{indent}      ")
        )
    );
}

fn render_obligations(audit: &Audit, terminal: Terminal, out: &mut String) {
    if audit.components.iter().all(|c| c.obligations.is_empty()) {
        return;
    }
    out.push_str("Obligations\n");
    for component in audit.components.iter().filter(|c| !c.obligations.is_empty()) {
        let heading = terminal.paint(BOLD, &format!("{} ({})", component.id, component.kind.as_str()));
        let _ = writeln!(out, "\n{}", wrap(terminal, &heading, "  ", "    "));
        for obligation in &component.obligations {
            let _ = writeln!(out, "{}", wrap(terminal, obligation, "    - ", "      "));
        }
    }
    out.push('\n');
}

/// Every item of a checklist with its status and answer (`aitrust checklist --status`), fitted to `width`.
pub fn checklist_status(
    checklist: &crate::checklist::Checklist,
    report: &crate::checklist::ChecklistReport,
    width: u16,
) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(["item", "status", "why", "answer"]);
    for item in &report.items {
        let answer = item.answer.as_ref().map_or_else(
            || "-".to_string(),
            |a| {
                let mut text = format!(
                    "{} ({}), {}, {}",
                    a.status.as_str(),
                    a.decision.as_str(),
                    a.answered_by.split(" <").next().unwrap_or(&a.answered_by),
                    a.answered_at.get(..10).unwrap_or(&a.answered_at),
                );
                if item.stale {
                    text.push_str(", stale");
                }
                if item.evidence_problems().next().is_some() {
                    text.push_str(", evidence broken");
                }
                text
            },
        );
        table.add_row([
            item.id.clone(),
            item.status.as_str().to_string(),
            item.reason.clone(),
            answer,
        ]);
    }
    let count = |status| report.items.iter().filter(|i| i.status == status).count();
    format!(
        "{}: {}\n{table}\n{} pass, {} fail, {} open, {} not applicable\n",
        checklist.id,
        checklist.title,
        count(ItemStatus::Pass),
        count(ItemStatus::Fail),
        count(ItemStatus::Open),
        count(ItemStatus::NotApplicable)
    )
}

fn render_checklist(audit: &Audit, terminal: Terminal, out: &mut String) {
    let count = |status| {
        audit
            .checklist
            .items
            .iter()
            .filter(|item| item.status == status)
            .count()
    };
    let line = format!(
        "Checklist `{}`: {} pass, {} fail, {} open, {} not applicable",
        audit.checklist.id,
        count(ItemStatus::Pass),
        count(ItemStatus::Fail),
        count(ItemStatus::Open),
        count(ItemStatus::NotApplicable),
    );
    let _ = writeln!(out, "{}\n", wrap(terminal, &line, "", "  "));
}

fn render_next_steps(audit: &Audit, terminal: Terminal, out: &mut String) {
    out.push_str("What to do next\n");
    let mut codes: Vec<(&str, Severity, usize)> = Vec::new();
    for finding in audit.findings.iter().filter(|f| f.severity != Severity::Note) {
        match codes.iter_mut().find(|(code, _, _)| *code == finding.code) {
            Some(entry) => entry.2 += 1,
            None => codes.push((&finding.code, finding.severity, 1)),
        }
    }
    codes.sort_by_key(|(code, severity, _)| (*severity, *code));
    if codes.is_empty() {
        let _ = writeln!(
            out,
            "  Nothing blocks deployment. Keep the manifest's digests current when artifacts change, and answer\n  the open checklist items."
        );
        return;
    }
    for (step, (code, severity, count)) in codes.iter().enumerate() {
        let title = Code::parse(code).map_or("", |c| c.doc().title);
        let line = format!(
            "{code} ({}, {count}x): {title}. `aitrust explain {code}`",
            severity.as_str()
        );
        let number = format!("  {}. ", step + 1);
        let _ = writeln!(
            out,
            "{}",
            wrap(terminal, &line, &number, &" ".repeat(number.len()))
        );
    }
}
