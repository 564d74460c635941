//! The checks. Each is a module with one entry point, `check(ctx, out)`: it reads the validated manifest and
//! the resolved inventory, and pushes findings. A check never prints and never knows the output format.

pub mod discovery;
pub mod documentation;
pub mod integrity;
pub mod license;
pub mod maintenance;
pub mod manifest;
pub mod provenance;
pub mod serialization;
pub mod signature;

use crate::bom::Bom;
use crate::diag::Span;
use crate::findings::{Code, Draft, Findings, Location};
use crate::license::assess::Assessment;
use crate::sources::local::Inventory;

/// What every check reads.
pub struct CheckCtx<'a> {
    /// The validated manifest.
    pub bom: &'a Bom,
    /// What is on disk.
    pub inventory: &'a Inventory,
    /// The license assessment.
    pub licensing: &'a Assessment,
    /// Each component's documentation completeness, in `Bom::components()` order.
    pub documentation: &'a [(String, documentation::Completeness)],
    /// What `aitrust lock` recorded, if there is a lock file.
    pub lock: Option<&'a crate::sources::lockfile::LockFile>,
    /// Each component's activity, in `Bom::components()` order.
    pub activities: &'a [(String, maintenance::Activity)],
    /// The checklist answers, if any.
    pub answers: Option<&'a crate::checklist::Answers>,
    /// Trusted keys and the project signature, read before the checks.
    pub signatures: &'a signature::Signatures,
    /// "Today", fixed by `--now` for reproducible audits.
    pub now: time::OffsetDateTime,
}

impl CheckCtx<'_> {
    /// The manifest location of a span.
    pub fn location(&self, span: Span) -> Location {
        let at = self.bom.source.line_col(span.start);
        Location {
            path: self.bom.source.display_path(),
            line: at.line,
            column: at.column,
        }
    }

    /// A draft finding about a component, located at `span`.
    pub fn draft(
        &self,
        code: Code,
        component: Option<&str>,
        span: Span,
        message: String,
        help: String,
    ) -> Draft {
        Draft {
            code,
            component: component.map(str::to_string),
            message,
            help,
            location: Some(self.location(span)),
            severity: None,
        }
    }
}

/// One check: its name (as checklist items and findings name it) and its entry point.
pub struct Check {
    /// The check's name.
    pub name: &'static str,
    /// Reads the context, pushes findings.
    pub run: fn(&CheckCtx<'_>, &mut Findings),
}

/// Every check, in the order they run. This table is also the answer to "which checks ran": a checklist
/// item waiting on a check that is not here stays open. To add a check, add its module and one line here.
pub const CHECKS: &[Check] = &[
    Check {
        name: "manifest",
        run: manifest::check,
    },
    Check {
        name: "integrity",
        run: integrity::check,
    },
    Check {
        name: "license",
        run: license::check,
    },
    Check {
        name: "signature",
        run: signature::check,
    },
    Check {
        name: "provenance",
        run: provenance::check,
    },
    Check {
        name: "documentation",
        run: documentation::check,
    },
    Check {
        name: "maintenance",
        run: maintenance::check,
    },
    Check {
        name: "serialization",
        run: serialization::check,
    },
    Check {
        name: "discovery",
        run: discovery::check,
    },
];

/// The names of the checks that run.
pub fn names() -> Vec<&'static str> {
    CHECKS.iter().map(|check| check.name).collect()
}

/// Runs every check, in the table's order.
pub fn run_all(ctx: &CheckCtx<'_>, out: &mut Findings) {
    for check in CHECKS {
        (check.run)(ctx, out);
    }
}
