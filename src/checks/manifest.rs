//! Whole-manifest findings that are not errors in the file itself (those stop loading with exit 2).

use super::CheckCtx;
use crate::diag::Span;
use crate::findings::{Code, Findings};

/// Reports a manifest that declares nothing to audit.
pub fn check(ctx: &CheckCtx<'_>, out: &mut Findings) {
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
