//! The license check: reports what the license assessment (`license::assess`) found — unknown licenses, uses
//! the licenses forbid or question, policy denials, drift and conflicts along the lineage, training-data terms,
//! cards that disagree, and unused policy entries. The wording lives with the assessment.

use super::CheckCtx;
use crate::findings::Findings;
use crate::license::assess::Issue;

/// Pushes one finding per license issue.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    let emit = |out: &mut Findings, component: Option<&str>, issue: &Issue| {
        let mut draft = ctx.draft(
            issue.code,
            component,
            issue.span,
            issue.message.clone(),
            issue.help.clone(),
        );
        draft.severity = issue.severity;
        out.push(draft);
    };
    for component in &ctx.licensing.components {
        for issue in &component.issues {
            emit(out, Some(&component.id), issue);
        }
    }
    for issue in &ctx.licensing.issues {
        emit(out, None, issue);
    }
}
