//! The table for people: the verdict and summary first, the components, then the findings grouped by
//! component, then what to do next.

use std::fmt::Write as _;

use comfy_table::{ContentArrangement, Table, presets};

use super::{Audit, IntegrityStatus, Verdict};
use crate::checklist::ItemStatus;
use crate::findings::{Code, Finding, Severity};

/// Renders the audit for a terminal or a CI log.
pub fn render(audit: &Audit) -> String {
    let mut out = String::new();
    let summary = &audit.summary;
    let verdict = match audit.verdict {
        Verdict::Pass => "PASS",
        Verdict::Review => "REVIEW",
        Verdict::Fail => "FAIL",
    };
    let _ = writeln!(
        out,
        "aitrust {}: audit of {}",
        audit.tool.version, audit.manifest.path
    );
    let _ = writeln!(
        out,
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
    if audit.verdict == Verdict::Review {
        let _ = writeln!(
            out,
            "Nothing failed, but a person must decide what is listed below before deployment (`--deny review` makes this exit 1)."
        );
    }
    out.push('\n');
    if !audit.components.is_empty() {
        out.push_str(&components_table(audit));
        out.push('\n');
    }
    render_findings(audit, &mut out);
    render_obligations(audit, &mut out);
    render_checklist(audit, &mut out);
    render_next_steps(audit, &mut out);
    out
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn components_table(audit: &Audit) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "component",
            "kind",
            "source",
            "license",
            "verdict",
            "files",
            "integrity",
            "docs",
            "upkeep",
            "findings",
        ]);
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
        let findings = match (count(Severity::Error), count(Severity::Warning)) {
            (0, 0) => "-".to_string(),
            (errors, 0) => format!("{errors} error{}", plural(errors)),
            (0, warnings) => format!("{warnings} warning{}", plural(warnings)),
            (errors, warnings) => format!(
                "{errors} error{}, {warnings} warning{}",
                plural(errors),
                plural(warnings)
            ),
        };
        let integrity = match component.integrity {
            IntegrityStatus::Verified => "verified",
            IntegrityStatus::Failed => "FAILED",
            IntegrityStatus::NotLocal => "not local",
        };
        table.add_row([
            component.id.clone(),
            component.kind.as_str().to_string(),
            component.source.as_str().to_string(),
            component.license.clone().unwrap_or_else(|| "(none)".to_string()),
            component
                .license_verdict
                .map_or("-", |verdict| verdict.as_str())
                .to_string(),
            match component.files_remote {
                0 => component.files.to_string(),
                remote => format!("{} ({remote} remote)", component.files),
            },
            integrity.to_string(),
            component
                .documentation
                .as_ref()
                .filter(|d| d.card.is_some())
                .map_or("no card".to_string(), |d| format!("{}%", d.score)),
            component
                .activity
                .as_ref()
                .map_or("-".to_string(), |a| match a.age_days {
                    Some(days) if a.status != "unknown" => format!("{} ({days}d)", a.status),
                    _ => a.status.clone(),
                }),
            findings,
        ]);
    }
    let mut text = table.to_string();
    text.push('\n');
    text
}

fn render_findings(audit: &Audit, out: &mut String) {
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
            let _ = writeln!(out, "\n  {heading}");
        }
        if finding.check == "checklist" {
            // One line each: the help is the same for every item and stands in the heading.
            let _ = writeln!(
                out,
                "    {:<7} {}  {}",
                finding.severity.as_str(),
                finding.code,
                finding.message
            );
        } else {
            render_finding(finding, out);
        }
    }
    out.push('\n');
}

fn render_finding(finding: &Finding, out: &mut String) {
    let at = finding
        .location
        .as_ref()
        .map(|l| format!("  {}:{}", l.path, l.line))
        .unwrap_or_default();
    let _ = writeln!(out, "    {:<7} {}{at}", finding.severity.as_str(), finding.code);
    let _ = writeln!(out, "            {}", finding.message);
    let _ = writeln!(out, "            help: {}", finding.help);
}

fn render_obligations(audit: &Audit, out: &mut String) {
    if audit.components.iter().all(|c| c.obligations.is_empty()) {
        return;
    }
    out.push_str("Obligations\n");
    for component in audit.components.iter().filter(|c| !c.obligations.is_empty()) {
        let _ = writeln!(out, "\n  {} ({})", component.id, component.kind.as_str());
        for obligation in &component.obligations {
            let _ = writeln!(out, "    - {obligation}");
        }
    }
    out.push('\n');
}

/// Every item of a checklist with its status and answer (`aitrust checklist --status`).
pub fn checklist_status(
    checklist: &crate::checklist::Checklist,
    report: &crate::checklist::ChecklistReport,
) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(100)
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

fn render_checklist(audit: &Audit, out: &mut String) {
    let count = |status| {
        audit
            .checklist
            .items
            .iter()
            .filter(|item| item.status == status)
            .count()
    };
    let _ = writeln!(
        out,
        "Checklist `{}`: {} pass, {} fail, {} open, {} not applicable\n",
        audit.checklist.id,
        count(ItemStatus::Pass),
        count(ItemStatus::Fail),
        count(ItemStatus::Open),
        count(ItemStatus::NotApplicable),
    );
}

fn render_next_steps(audit: &Audit, out: &mut String) {
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
        let _ = writeln!(
            out,
            "  {}. {code} ({}, {count}x): {title}. `aitrust explain {code}`",
            step + 1,
            severity.as_str()
        );
    }
}
