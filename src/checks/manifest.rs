//! Whole-manifest findings that are not errors in the file itself (those stop loading with exit 2).

use super::CheckCtx;
use crate::bom::policy::Policy;
use crate::diag::Span;
use crate::findings::{Code, Findings};

/// Policy rules whose checks do not exist yet, each with a test of whether the policy sets it and its span.
fn unenforced_rules(policy: &Policy) -> Vec<(&'static str, Option<Span>)> {
    vec![
        (
            "maintenance.max_age_days",
            policy.maintenance.max_age_days.as_ref().map(|m| m.span),
        ),
        (
            "maintenance.stale",
            policy.maintenance.stale.as_ref().map(|s| s.span),
        ),
    ]
}

/// Reports a manifest that declares nothing to audit, and policy rules nothing enforces yet.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
    for (rule, span) in unenforced_rules(&ctx.bom.policy) {
        let Some(span) = span else { continue };
        let mut draft = ctx.draft(
            Code::Bom002,
            None,
            span,
            format!("the policy sets `{rule}`, which this version of aitrust does not enforce yet"),
            "check this rule another way until aitrust enforces it; a passing audit does not cover it"
                .to_string(),
        );
        // A rule from a --policy file is located in that file, not in the manifest.
        if !ctx.bom.policy.from_manifest {
            draft.location = None;
        }
        out.push(draft);
    }
    if ctx.bom.components().next().is_none() {
        out.push(ctx.draft(
            Code::Bom001,
            None,
            Span::new(0, 0),
            "the manifest declares no models or datasets, so nothing was audited".to_string(),
            "declare every model and dataset the project uses (`aitrust init` writes a starting manifest)".to_string(),
        ));
    }
}
