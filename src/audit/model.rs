//! The audit's outcome as one value: the project, every component's report, the findings, the checklists and
//! the verdict. Built once by [`super::run`]; every renderer in `crate::report` formats it and none
//! recomputes it.

use serde::Serialize;

use crate::bom::{Bom, Component, SourceKind};
use crate::checklist::ChecklistReport;
use crate::findings::{Finding, Severity};
use crate::license::assess::Assessment;
use crate::license::rules::LicenseVerdict;
use crate::sources::local::{ComponentState, Inventory, Observation};

/// The tool that made the report.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Tool {
    /// Always "aitrust".
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The manifest that was audited.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ManifestRef {
    /// Its path as given.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// The project the audit is of.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ProjectReport {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// Who answers for it.
    pub owner: Option<String>,
    /// Its own license.
    pub license: Option<String>,
    /// How it uses its AI parts (`[usage]`), when the manifest says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<UsageReport>,
}

/// `[usage]` as the license rules read it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct UsageReport {
    /// commercial | research | internal | personal
    pub purpose: Option<String>,
    /// saas | distributed | on-premises | internal
    pub deployment: Option<String>,
    /// What the project does with its models.
    pub activities: Vec<String>,
    /// Where the product is offered.
    pub regions: Vec<String>,
    /// Monthly active users.
    pub monthly_active_users: Option<u64>,
}

/// pass | review | fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing is left for a person: no error, no warning, no open checklist item.
    Pass,
    /// No error, but something a person must decide: a warning (a license that needs review, an unanswered
    /// question, a stale answer) or an open checklist item.
    Review,
    /// At least one error finding.
    Fail,
}

impl Verdict {
    /// As written in reports: `pass`, `review`, `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Review => "review",
            Self::Fail => "fail",
        }
    }

    /// The verdict of findings and checklists: fail on an error; review on a warning or an item still open
    /// (whatever made it open); pass only when nothing is left for a person.
    pub fn of(summary: &Summary, checklists: &[ChecklistReport]) -> Self {
        let open = checklists
            .iter()
            .flat_map(|checklist| &checklist.items)
            .any(|item| item.status == crate::checklist::ItemStatus::Open);
        if summary.errors > 0 {
            Self::Fail
        } else if summary.warnings > 0 || open {
            Self::Review
        } else {
            Self::Pass
        }
    }
}

/// Counts.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Models and datasets.
    pub components: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity note.
    pub notes: usize,
}

/// Whether a component's local files were verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IntegrityStatus {
    /// Every declared local file is present and matches its digest.
    Verified,
    /// Something is missing, changed, unreadable or unverifiable.
    Failed,
    /// No local copy (a Hub, git or URL component); nothing was hashed.
    NotLocal,
}

impl IntegrityStatus {
    /// As written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Failed => "failed",
            Self::NotLocal => "not-local",
        }
    }
}

/// One model or dataset.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ComponentReport {
    /// Its id.
    pub id: String,
    /// model | dataset
    pub kind: crate::bom::ComponentKind,
    /// Its name.
    pub name: String,
    /// local | huggingface | git | url
    pub source: SourceKind,
    /// The license as a canonical SPDX expression (as declared when it could not be normalized).
    pub license: Option<String>,
    /// The license as written in the manifest.
    pub license_declared: Option<String>,
    /// allow | allow-with-obligations | needs-review | deny, including what the lineage and training data add.
    pub license_verdict: Option<LicenseVerdict>,
    /// What the project must do to comply.
    pub obligations: Vec<String>,
    /// The pinned revision, if any.
    pub revision: Option<String>,
    /// Who publishes it.
    pub publisher: Option<String>,
    /// Ids of the models it derives from.
    pub base_model: Vec<String>,
    /// How it derives from them.
    pub relation: Option<crate::bom::Relation>,
    /// Ids of the datasets it was trained on.
    pub trained_on: Vec<String>,
    /// Number of declared files (1 for a single-file component).
    pub files: usize,
    /// Declared files that are not kept locally (fetched from the source), so were not hashed.
    pub files_remote: usize,
    /// Bytes hashed.
    pub bytes_verified: u64,
    /// Outcome of the integrity check.
    pub integrity: IntegrityStatus,
    /// How completely its card documents what the checklist needs.
    pub documentation: Option<crate::checks::documentation::Completeness>,
    /// Its maintenance signal.
    pub activity: Option<crate::checks::maintenance::Activity>,
}

/// What the checks were given, for the per-component facts of the report.
pub struct Sources<'a> {
    /// What is on disk.
    pub inventory: &'a Inventory,
    /// The license assessment.
    pub licensing: &'a Assessment,
    /// Documentation completeness, in component order.
    pub documentation: &'a [(String, crate::checks::documentation::Completeness)],
    /// The manifest's models, for their lineage.
    pub models: &'a [crate::bom::Model],
    /// Maintenance signals, in component order.
    pub activities: &'a [(String, crate::checks::maintenance::Activity)],
}

/// The whole audit.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[schemars(title = "aitrust audit report")]
pub struct Audit {
    /// The tool.
    pub tool: Tool,
    /// When the audit ran (RFC 3339, UTC; fixed by `--now`).
    pub generated_at: String,
    /// The project.
    pub project: ProjectReport,
    /// The manifest.
    pub manifest: ManifestRef,
    /// pass | review | fail: `review` when nothing failed but a person must still decide something.
    pub verdict: Verdict,
    /// The verdict from which `aitrust check` exits 1: `fail`, or `review` under `policy.gate = "review"`.
    pub gate: Verdict,
    /// Counts.
    pub summary: Summary,
    /// Every model and dataset.
    pub components: Vec<ComponentReport>,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// The Global Checklist.
    pub checklist: ChecklistReport,
    /// Every checklist walked: the Global Checklist first, then those the policy requires.
    pub checklists: Vec<ChecklistReport>,
}

impl Audit {
    /// Assembles the audit; findings are ordered by component (manifest order), severity, line and code.
    pub fn new(
        bom: &Bom,
        sources: &Sources<'_>,
        mut findings: Vec<Finding>,
        checklists: Vec<ChecklistReport>,
        generated_at: String,
    ) -> Self {
        let order: Vec<&str> = bom.components().map(|c| c.id.value.as_str()).collect();
        // id → manifest position, so ordering the findings costs O(n log n), not O(n × components)
        let position: std::collections::HashMap<&str, usize> =
            order.iter().enumerate().map(|(index, id)| (*id, index)).collect();
        let rank = |finding: &Finding| {
            let component = finding
                .component
                .as_deref()
                .and_then(|id| position.get(id))
                .map_or(0, |position| position + 1);
            // The checklist's findings summarize the others: they come last.
            let component = if finding.check == "checklist" {
                usize::MAX
            } else {
                component
            };
            let line = finding.location.as_ref().map_or(0, |l| l.line);
            (
                component,
                finding.severity,
                line,
                finding.code.clone(),
                finding.message.clone(),
            )
        };
        findings.sort_by_cached_key(rank);
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        let summary = Summary {
            components: order.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        };
        let index = Index::new(sources, &findings);
        let components = bom
            .components()
            .enumerate()
            .map(|(position, component)| component_report(position, component, sources, &index))
            .collect();
        Self {
            tool: Tool {
                name: "aitrust".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            generated_at,
            project: ProjectReport {
                name: bom.project.name.value.clone(),
                version: bom.project.version.as_ref().map(|v| v.value.clone()),
                owner: bom.project.owner.as_ref().map(|o| o.value.clone()),
                license: bom.project.license.as_ref().map(|l| l.value.clone()),
                usage: (!bom.usage.is_empty()).then(|| UsageReport {
                    purpose: bom.usage.purpose.as_ref().map(|p| p.value.as_str().to_string()),
                    deployment: bom
                        .usage
                        .deployment
                        .as_ref()
                        .map(|d| d.value.as_str().to_string()),
                    activities: bom
                        .usage
                        .activities
                        .iter()
                        .map(|a| a.value.as_str().to_string())
                        .collect(),
                    regions: bom.usage.regions.iter().map(|r| r.value.clone()).collect(),
                    monthly_active_users: bom.usage.monthly_active_users.as_ref().map(|m| m.value),
                }),
            },
            manifest: ManifestRef {
                path: bom.source.display_path(),
                sha256: bom.sha256.to_string(),
            },
            verdict: Verdict::of(&summary, &checklists),
            gate: bom
                .policy
                .gate
                .as_ref()
                .map_or(Verdict::Fail, |gate| match gate.value {
                    crate::bom::policy::Gate::Fail => Verdict::Fail,
                    crate::bom::policy::Gate::Review => Verdict::Review,
                }),
            summary,
            components,
            findings,
            checklist: checklists.first().cloned().unwrap_or_else(|| ChecklistReport {
                id: "global".into(),
                items: Vec::new(),
            }),
            checklists,
        }
    }
}

/// Declared files: the `[[file]]` entries, or 1 for a single-file component (one with a digest, or whose
/// path turned out to be a file).
fn declared_files(component: &Component, local: Option<&crate::sources::local::ComponentFiles>) -> usize {
    if !component.files.is_empty() {
        return component.files.len();
    }
    let is_single_file = component.sha256.is_some()
        || component.size.is_some()
        || local.is_some_and(|files| files.files.iter().any(|state| state.entry.is_none()));
    usize::from(is_single_file)
}

/// What the component reports look up, indexed once so the audit is O(components + findings).
struct Index<'a> {
    models: std::collections::HashMap<&'a str, &'a crate::bom::Model>,
    licenses: std::collections::HashMap<&'a str, &'a crate::license::assess::ComponentLicense>,
    integrity_errors: std::collections::HashSet<&'a str>,
}

impl<'a> Index<'a> {
    fn new(sources: &Sources<'a>, findings: &'a [Finding]) -> Self {
        Self {
            models: sources
                .models
                .iter()
                .map(|m| (m.component.id.value.as_str(), m))
                .collect(),
            licenses: sources
                .licensing
                .components
                .iter()
                .map(|c| (c.id.as_str(), c))
                .collect(),
            integrity_errors: findings
                .iter()
                .filter(|f| f.check == "integrity" && f.severity == Severity::Error)
                .filter_map(|f| f.component.as_deref())
                .collect(),
        }
    }
}

/// The entry of a list kept in component order, checked by id (and looked up if the order differs).
fn at<'a, T>(list: &'a [T], position: usize, id: &str, id_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    list.get(position)
        .filter(|entry| id_of(entry) == id)
        .or_else(|| list.iter().find(|entry| id_of(entry) == id))
}

fn component_report(
    position: usize,
    component: &Component,
    sources: &Sources<'_>,
    index: &Index<'_>,
) -> ComponentReport {
    let id = component.id.value.as_str();
    let documentation = at(sources.documentation, position, id, |(id, _)| id).map(|(_, c)| c.clone());
    let license = index.licenses.get(id).copied();
    let local = at(&sources.inventory.components, position, id, |files| &files.id);
    let bytes_verified = local
        .map(|files| {
            files
                .files
                .iter()
                .filter_map(|state| match &state.observation {
                    Observation::Hashed(digest) => Some(digest.size),
                    _ => None,
                })
                .sum()
        })
        .unwrap_or(0);
    let files_remote = match local {
        Some(files) if files.state != ComponentState::NoLocalCopy => files
            .files
            .iter()
            .filter(|state| state.observation == Observation::NotLocal)
            .count(),
        _ => component.files.len().max(usize::from(component.sha256.is_some())),
    };
    let has_integrity_error = index.integrity_errors.contains(id);
    let no_local_copy = local.is_none_or(|files| files.state == ComponentState::NoLocalCopy);
    let integrity = if has_integrity_error {
        IntegrityStatus::Failed
    } else if no_local_copy {
        IntegrityStatus::NotLocal
    } else {
        IntegrityStatus::Verified
    };
    ComponentReport {
        id: component.id.value.clone(),
        kind: component.kind,
        name: component.display_name().to_string(),
        source: component.source.value,
        license: license
            .and_then(|l| l.canonical.clone())
            .or_else(|| component.license.as_ref().map(|declared| declared.value.clone())),
        license_declared: component.license.as_ref().map(|declared| declared.value.clone()),
        license_verdict: license.map(|l| l.verdict),
        obligations: license.map(|l| l.obligations.clone()).unwrap_or_default(),
        revision: component.revision.as_ref().map(|revision| revision.value.clone()),
        publisher: component.publisher.as_ref().map(|p| p.value.clone()),
        base_model: index
            .models
            .get(id)
            .map(|m| m.base_model.iter().map(|b| b.value.clone()).collect())
            .unwrap_or_default(),
        relation: index
            .models
            .get(id)
            .and_then(|m| m.relation.as_ref().map(|r| r.value)),
        trained_on: index
            .models
            .get(id)
            .map(|m| m.trained_on.iter().map(|d| d.value.clone()).collect())
            .unwrap_or_default(),
        files: declared_files(component, local),
        files_remote,
        bytes_verified,
        integrity,
        documentation,
        activity: at(sources.activities, position, id, |(id, _)| id).map(|(_, a)| a.clone()),
    }
}
