//! What changed since the last audit (`aitrust report --baseline previous.json`): the previous JSON report
//! (`check --format json` or `report --format json`) compared with this audit, component by component,
//! finding by finding and checklist item by checklist item.
//!
//! The baseline is read as the JSON report contract defines it (`components[].id`, `license`,
//! `license_verdict`, `integrity`, `revision`; `findings[].code`, `component`, `severity`, `checklist`;
//! `checklist.items[].id`, `status`, `stale`; `verdict`), and nothing else: a report from a newer aitrust with
//! more keys is still a baseline, one without these keys is not.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Audit;

/// Why a baseline cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// Not a JSON report: where and why.
    #[error(
        "{path}:{line}:{column}: not an aitrust JSON report: {reason}\nhelp: pass the JSON report of an earlier audit (`aitrust check --format json --output previous.json`)"
    )]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Deserialize)]
struct Report {
    verdict: String,
    generated_at: Option<String>,
    project: Option<Project>,
    components: Vec<Component>,
    findings: Vec<Finding>,
    checklist: Option<Checklist>,
}

#[derive(Deserialize)]
struct Project {
    name: String,
}

#[derive(Deserialize)]
struct Component {
    id: String,
    license: Option<String>,
    license_verdict: Option<String>,
    integrity: Option<String>,
    revision: Option<String>,
}

#[derive(Deserialize)]
struct Finding {
    code: String,
    component: Option<String>,
    severity: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Checklist {
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    status: String,
    #[serde(default)]
    stale: bool,
}

/// A change to one component.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ComponentChange {
    /// The component.
    pub id: String,
    /// What changed, in words ("license verdict allow → deny").
    pub changes: Vec<String>,
}

/// A finding that appeared or went away, counted by code and component.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FindingChange {
    /// The code.
    pub code: String,
    /// The component, if any.
    pub component: Option<String>,
    /// Its severity.
    pub severity: String,
    /// How many more (new) or fewer (resolved) than before.
    pub count: usize,
    /// The first message (for a new finding, this audit's; for a resolved one, the baseline's).
    pub message: String,
}

/// Everything that changed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Changes {
    /// When the baseline audit ran.
    pub since: Option<String>,
    /// The baseline's project name, when it is not this project's.
    pub other_project: Option<String>,
    /// The verdict then.
    pub verdict_before: String,
    /// The verdict now.
    pub verdict_now: String,
    /// Components declared now and not then.
    pub added: Vec<String>,
    /// Components declared then and not now.
    pub removed: Vec<String>,
    /// Components in both whose license, license verdict, integrity or revision changed.
    pub changed: Vec<ComponentChange>,
    /// Findings now that were not then.
    pub new_findings: Vec<FindingChange>,
    /// Findings then that are gone now.
    pub resolved_findings: Vec<FindingChange>,
    /// Checklist items whose answer went stale since.
    pub went_stale: Vec<String>,
    /// Checklist items whose status changed: (item, before, now).
    pub items_changed: Vec<(String, String, String)>,
    /// Whether nothing at all changed.
    pub nothing: bool,
}

/// Findings counted by (code, component), with the first one's severity and message.
type Tally = BTreeMap<(String, Option<String>), (usize, String, String)>;

fn tally<'a>(findings: impl Iterator<Item = (&'a String, &'a Option<String>, &'a str, &'a String)>) -> Tally {
    let mut out = Tally::new();
    for (code, component, severity, message) in findings {
        out.entry((code.clone(), component.clone()))
            .or_insert((0, severity.to_string(), message.clone()))
            .0 += 1;
    }
    out
}

/// Reads a baseline report's text (named `path` in messages).
pub fn compare(audit: &Audit, path: &str, text: &str) -> Result<Changes, BaselineError> {
    let report: Report = serde_json::from_str(text).map_err(|error| BaselineError::Invalid {
        path: path.to_string(),
        line: error.line().max(1),
        column: error.column().max(1),
        reason: error.to_string(),
    })?;
    let before: BTreeMap<&str, &Component> = report.components.iter().map(|c| (c.id.as_str(), c)).collect();
    let now: BTreeMap<&str, &super::ComponentReport> =
        audit.components.iter().map(|c| (c.id.as_str(), c)).collect();
    let added = audit
        .components
        .iter()
        .filter(|c| !before.contains_key(c.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    let removed = report
        .components
        .iter()
        .filter(|c| !now.contains_key(c.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    let mut changed = Vec::new();
    for component in &audit.components {
        let Some(old) = before.get(component.id.as_str()) else {
            continue;
        };
        let mut changes = Vec::new();
        let mut compare = |what: &str, then: Option<&str>, now: Option<&str>| {
            if then != now {
                changes.push(format!(
                    "{what} {} → {}",
                    then.unwrap_or("none"),
                    now.unwrap_or("none")
                ));
            }
        };
        compare("license", old.license.as_deref(), component.license.as_deref());
        compare(
            "license verdict",
            old.license_verdict.as_deref(),
            component.license_verdict.map(|v| v.as_str()),
        );
        compare(
            "integrity",
            old.integrity.as_deref(),
            Some(component.integrity.as_str()),
        );
        compare("revision", old.revision.as_deref(), component.revision.as_deref());
        if !changes.is_empty() {
            changed.push(ComponentChange {
                id: component.id.clone(),
                changes,
            });
        }
    }
    // findings by (code, component): counts, so a finding whose message changed (a count in it) is not new
    let then = tally(
        report
            .findings
            .iter()
            .map(|f| (&f.code, &f.component, f.severity.as_str(), &f.message)),
    );
    let current = tally(
        audit
            .findings
            .iter()
            .map(|f| (&f.code, &f.component, f.severity.as_str(), &f.message)),
    );
    let difference = |a: &Tally, b: &Tally| {
        a.iter()
            .filter_map(|(key, (count, severity, message))| {
                let other = b.get(key).map_or(0, |(n, _, _)| *n);
                (*count > other).then(|| FindingChange {
                    code: key.0.clone(),
                    component: key.1.clone(),
                    severity: severity.clone(),
                    count: count - other,
                    message: message.clone(),
                })
            })
            .collect::<Vec<_>>()
    };
    let new_findings = difference(&current, &then);
    let resolved_findings = difference(&then, &current);
    let items_before: BTreeMap<&str, &Item> = report
        .checklist
        .as_ref()
        .map(|c| c.items.iter().map(|i| (i.id.as_str(), i)).collect())
        .unwrap_or_default();
    let mut went_stale = Vec::new();
    let mut items_changed = Vec::new();
    for item in &audit.checklist.items {
        let Some(old) = items_before.get(item.id.as_str()) else {
            continue;
        };
        if item.stale && !old.stale {
            went_stale.push(item.id.clone());
        }
        if old.status != item.status.as_str() {
            items_changed.push((
                item.id.clone(),
                old.status.clone(),
                item.status.as_str().to_string(),
            ));
        }
    }
    let other_project = report
        .project
        .map(|p| p.name)
        .filter(|name| *name != audit.project.name);
    let verdict_now = audit.verdict.as_str().to_string();
    let mut changes = Changes {
        since: report.generated_at,
        other_project,
        verdict_before: report.verdict,
        verdict_now,
        added,
        removed,
        changed,
        new_findings,
        resolved_findings,
        went_stale,
        items_changed,
        nothing: false,
    };
    changes.nothing = changes.verdict_before == changes.verdict_now
        && changes.added.is_empty()
        && changes.removed.is_empty()
        && changes.changed.is_empty()
        && changes.new_findings.is_empty()
        && changes.resolved_findings.is_empty()
        && changes.went_stale.is_empty()
        && changes.items_changed.is_empty();
    Ok(changes)
}
