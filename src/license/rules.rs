//! The use rules: one license judged against the project's `[usage]`, and SPDX `AND`/`OR` combined
//! (the best alternative of an `OR`, every term of an `AND`).
//!
//! A judgement is a verdict on the lattice `allow < allow-with-obligations < needs-review < deny`, the reasons
//! for anything worse than `allow-with-obligations`, and the obligations the project takes on.

use serde::Serialize;

use super::kb::{
    AppliesWhen, Commercial, Derivatives, FlowDown, KnowledgeBase, LicenseFacts, Metric, Outputs,
    RegionScope, ThresholdEffect,
};
use crate::bom::policy::{LicensePolicy, UnknownLicense};
use crate::bom::{Activity, ComponentKind, Purpose, Usage};

/// What may be done with a component under its license.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseVerdict {
    /// Permitted, nothing to do.
    Allow,
    /// Permitted if the obligations are met.
    AllowWithObligations,
    /// A person must decide (thresholds, unsettled law, unverified terms).
    NeedsReview,
    /// Not permitted for this use.
    Deny,
}

impl LicenseVerdict {
    /// As written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::AllowWithObligations => "allow-with-obligations",
            Self::NeedsReview => "needs-review",
            Self::Deny => "deny",
        }
    }
}

/// Which rule a reason comes from (it decides the finding code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonKind {
    /// The license forbids or questions this use.
    Use,
    /// The policy denies the license.
    Policy,
    /// The license's terms are unknown to aitrust.
    Unknown,
}

/// Why a judgement is worse than "allow with obligations".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Deny or needs-review.
    pub verdict: LicenseVerdict,
    /// Which rule.
    pub kind: ReasonKind,
    /// What the rule found.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// The outcome of judging a license (or an expression, or a lineage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// The verdict.
    pub verdict: LicenseVerdict,
    /// Why, when worse than allow-with-obligations.
    pub reasons: Vec<Reason>,
    /// What the project must do.
    pub obligations: Vec<String>,
}

impl Judgement {
    /// Nothing to say.
    pub fn allow() -> Self {
        Self {
            verdict: LicenseVerdict::Allow,
            reasons: Vec::new(),
            obligations: Vec::new(),
        }
    }

    /// Adds a reason, raising the verdict.
    pub fn reason(&mut self, verdict: LicenseVerdict, kind: ReasonKind, message: String, help: String) {
        self.verdict = self.verdict.max(verdict);
        if !self.reasons.iter().any(|r| r.message == message) {
            self.reasons.push(Reason {
                verdict,
                kind,
                message,
                help,
            });
        }
    }

    /// Adds an obligation.
    pub fn oblige(&mut self, obligation: String) {
        self.verdict = self.verdict.max(LicenseVerdict::AllowWithObligations);
        if !self.obligations.contains(&obligation) {
            self.obligations.push(obligation);
        }
    }

    /// Both must hold (SPDX `AND`, or a license plus what it inherits).
    pub fn and(mut self, other: Judgement) -> Judgement {
        self.verdict = self.verdict.max(other.verdict);
        for reason in other.reasons {
            if !self.reasons.contains(&reason) {
                self.reasons.push(reason);
            }
        }
        let mut known: std::collections::HashSet<String> = self.obligations.iter().cloned().collect();
        for obligation in other.obligations {
            if known.insert(obligation.clone()) {
                self.obligations.push(obligation);
            }
        }
        self
    }

    /// Either may be chosen (SPDX `OR`): the better one, and on a tie the one with fewer obligations.
    pub fn or(self, other: Judgement) -> Judgement {
        let key = |j: &Judgement| (j.verdict, j.obligations.len());
        if key(&other) < key(&self) { other } else { self }
    }
}

/// What a leaf is judged in.
pub struct UseContext<'a> {
    /// The project's usage.
    pub usage: &'a Usage,
    /// Model or dataset.
    pub kind: ComponentKind,
    /// The component's id, for exceptions.
    pub component: &'a str,
    /// Its name (`meta-llama/Llama-3.2-11B-Vision`), for clauses that cover some models only.
    pub name: Option<&'a str>,
    /// The license policy, with entries normalized to canonical ids.
    pub policy: &'a CanonicalPolicy,
}

/// `[policy.licenses]` with every id in canonical form.
#[derive(Clone, Debug, Default)]
pub struct CanonicalPolicy {
    /// Allowed ids; empty means no allow list.
    pub allow: Vec<String>,
    /// Denied ids.
    pub deny: Vec<String>,
    /// (component, allowed ids).
    pub exceptions: Vec<(String, Vec<String>)>,
    /// What an unknown license is.
    pub unknown: UnknownLicense,
}

impl CanonicalPolicy {
    /// Normalizes the policy's entries (they were validated when the manifest was loaded).
    pub fn from_policy(policy: &LicensePolicy, kb: &KnowledgeBase) -> Self {
        let canonical = |text: &str| {
            super::normalize(text, kb)
                .map(|n| n.canonical)
                .unwrap_or_else(|_| text.to_string())
        };
        Self {
            allow: policy.allow.iter().map(|a| canonical(a)).collect(),
            deny: policy.deny.iter().map(|d| canonical(d)).collect(),
            exceptions: policy
                .exceptions
                .iter()
                .map(|e| {
                    (
                        e.component.value.clone(),
                        e.allow.iter().map(|a| canonical(a)).collect(),
                    )
                })
                .collect(),
            unknown: policy.unknown.as_ref().map_or(UnknownLicense::Deny, |u| u.value),
        }
    }
}

fn usage_metric(usage: &Usage, metric: Metric) -> Option<u64> {
    match metric {
        Metric::MonthlyActiveUsers => usage.monthly_active_users.as_ref().map(|m| m.value),
        Metric::AnnualRevenueUsd => usage.annual_revenue_usd.as_ref().map(|r| r.value),
    }
}

fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::MonthlyActiveUsers => "monthly active users",
        Metric::AnnualRevenueUsd => "annual revenue (USD)",
    }
}

/// Judges one license id of a component.
pub fn judge_leaf(id: &str, facts: Option<&LicenseFacts>, context: &UseContext<'_>) -> Judgement {
    let mut judgement = Judgement::allow();
    apply_policy(id, context, &mut judgement);
    match facts {
        Some(facts) => apply_facts(facts, context, &mut judgement),
        None => apply_unknown(id, context, &mut judgement),
    }
    judgement
}

fn apply_policy(id: &str, context: &UseContext<'_>, judgement: &mut Judgement) {
    let policy = context.policy;
    if policy.deny.iter().any(|denied| denied == id) {
        judgement.reason(
            LicenseVerdict::Deny,
            ReasonKind::Policy,
            format!("{id} is denied by the policy (licenses.deny)"),
            "replace the component, or remove the license from licenses.deny if the policy changed".into(),
        );
        return;
    }
    let excepted = policy
        .exceptions
        .iter()
        .any(|(component, allow)| component == context.component && allow.iter().any(|a| a == id));
    if !policy.allow.is_empty() && !excepted && !policy.allow.iter().any(|allowed| allowed == id) {
        judgement.reason(
            LicenseVerdict::Deny,
            ReasonKind::Policy,
            format!("{id} is not in the policy's licenses.allow"),
            format!(
                "add it to licenses.allow, or to licenses.exceptions for `{}` only, after review",
                context.component
            ),
        );
    }
}

fn apply_unknown(id: &str, context: &UseContext<'_>, judgement: &mut Judgement) {
    // An SPDX license aitrust has no entry for: open-source licenses are judged by their SPDX flags.
    if let Some(license) = spdx::license_id(id).filter(|l| l.is_osi_approved() || l.is_fsf_free_libre()) {
        if license.is_copyleft() {
            judgement.oblige(format!(
                "{id}: share modified versions under the same license when you distribute them"
            ));
        } else if context.usage.distributes() {
            judgement.oblige(format!("{id}: keep its copyright and license notices"));
        }
        return;
    }
    let verdict = match context.policy.unknown {
        UnknownLicense::Deny => LicenseVerdict::Deny,
        UnknownLicense::Warn => LicenseVerdict::NeedsReview,
    };
    judgement.reason(
        verdict,
        ReasonKind::Unknown,
        format!("{id} is not in aitrust's license knowledge base, so its terms cannot be judged"),
        "use a known id, or review the terms yourself and allow it for this component with licenses.exceptions".into(),
    );
}

fn apply_facts(facts: &LicenseFacts, context: &UseContext<'_>, judgement: &mut Judgement) {
    let usage = context.usage;
    apply_commercial(facts, usage, judgement);
    apply_registration(facts, usage, judgement);
    apply_thresholds(facts, context, judgement);
    for exclusion in &facts.regions {
        // a text-only Llama 3.2 model is not covered by a clause on its multimodal models
        if exclusion.applies_to == RegionScope::Multimodal && !looks_multimodal(context) {
            continue;
        }
        if usage
            .regions
            .iter()
            .any(|r| region_within(&r.value, &exclusion.region))
        {
            judgement.reason(
                LicenseVerdict::NeedsReview,
                ReasonKind::Use,
                format!(
                    "{} grants no rights in {} for {}: {}",
                    facts.name, exclusion.region, exclusion.scope, exclusion.note
                ),
                format!(
                    "confirm this component is not one of {}, or do not offer it in {}",
                    exclusion.scope, exclusion.region
                ),
            );
        }
    }
    if let Some(review) = &facts.review {
        judgement.reason(
            LicenseVerdict::NeedsReview,
            ReasonKind::Use,
            format!("{}: {review}", facts.id),
            format!("read the terms at {} and record the decision", facts.url),
        );
    }
    apply_duties(facts, usage, judgement);
    if context.kind == ComponentKind::Model {
        apply_derivatives(facts, usage, judgement);
        apply_outputs(facts, usage, judgement);
    }
}

/// The member states of the European Union (ISO 3166-1 alpha-2, alpha-3, English name), as of 2026.
const EU_MEMBERS: &[(&str, &str, &str)] = &[
    ("AT", "AUT", "Austria"),
    ("BE", "BEL", "Belgium"),
    ("BG", "BGR", "Bulgaria"),
    ("HR", "HRV", "Croatia"),
    ("CY", "CYP", "Cyprus"),
    ("CZ", "CZE", "Czechia"),
    ("DK", "DNK", "Denmark"),
    ("EE", "EST", "Estonia"),
    ("FI", "FIN", "Finland"),
    ("FR", "FRA", "France"),
    ("DE", "DEU", "Germany"),
    ("GR", "GRC", "Greece"),
    ("HU", "HUN", "Hungary"),
    ("IE", "IRL", "Ireland"),
    ("IT", "ITA", "Italy"),
    ("LV", "LVA", "Latvia"),
    ("LT", "LTU", "Lithuania"),
    ("LU", "LUX", "Luxembourg"),
    ("MT", "MLT", "Malta"),
    ("NL", "NLD", "Netherlands"),
    ("PL", "POL", "Poland"),
    ("PT", "PRT", "Portugal"),
    ("RO", "ROU", "Romania"),
    ("SK", "SVK", "Slovakia"),
    ("SI", "SVN", "Slovenia"),
    ("ES", "ESP", "Spain"),
    ("SE", "SWE", "Sweden"),
];

/// Does a declared region (`DE`, `Germany`, `EEA`, `Europe`, `worldwide`) fall within an excluded one (`EU`)?
/// A declared region that contains the excluded one counts: offering a product in the EEA or worldwide offers it
/// in the EU.
fn region_within(declared: &str, excluded: &str) -> bool {
    let declared = declared.trim();
    if declared.eq_ignore_ascii_case(excluded) {
        return true;
    }
    if !excluded.eq_ignore_ascii_case("EU") {
        return false;
    }
    let lower = declared.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "european union"
            | "eea"
            | "european economic area"
            | "europe"
            | "emea"
            | "worldwide"
            | "global"
            | "world"
    ) || EU_MEMBERS.iter().any(|(alpha2, alpha3, name)| {
        declared.eq_ignore_ascii_case(alpha2)
            || declared.eq_ignore_ascii_case(alpha3)
            || declared.eq_ignore_ascii_case(name)
    })
}

/// Is the component a multimodal model, by the names publishers give them (`Llama-3.2-11B-Vision`)?
fn looks_multimodal(context: &UseContext<'_>) -> bool {
    let name = format!("{} {}", context.component, context.name.unwrap_or_default()).to_ascii_lowercase();
    ["vision", "multimodal", "-vl", "_vl", "image", "visual", "omni"]
        .iter()
        .any(|marker| name.contains(marker))
}

fn apply_commercial(facts: &LicenseFacts, usage: &Usage, judgement: &mut Judgement) {
    let restricted = match facts.commercial {
        Commercial::NonCommercial => "non-commercial use only",
        Commercial::ResearchOnly => "research use only",
        Commercial::Allowed => return,
        Commercial::Conditional => {
            if facts.kind == super::kb::LicenseKind::Proprietary {
                judgement.oblige(format!(
                    "{}: keep the agreement (or proof of ownership) on file and confirm it covers this use",
                    facts.id
                ));
            }
            return;
        }
    };
    let verdict = match (usage.purpose(), facts.commercial) {
        (Some(Purpose::Research), _) => return,
        (Some(Purpose::Personal), Commercial::NonCommercial) => return,
        (Some(Purpose::Commercial), _) | (Some(Purpose::Internal), Commercial::ResearchOnly) => {
            LicenseVerdict::Deny
        }
        _ => LicenseVerdict::NeedsReview,
    };
    let purpose = usage.purpose().map_or("undeclared", Purpose::as_str);
    judgement.reason(
        verdict,
        ReasonKind::Use,
        format!(
            "{} allows {restricted}, and the project's purpose is {purpose}",
            facts.id
        ),
        if usage.purpose().is_none() {
            "declare `[usage] purpose` so the license can be judged".into()
        } else {
            format!(
                "replace the component, or obtain a commercial license from its publisher ({})",
                facts.url
            )
        },
    );
}

/// Stability's Community License §III: "If You are using or distributing the Stability AI Materials for a
/// Commercial Purpose, You must register with Stability AI". A Commercial Purpose includes "Your business's or
/// organization's internal operations", so internal use registers too, and an undeclared purpose may be one.
fn apply_registration(facts: &LicenseFacts, usage: &Usage, judgement: &mut Judgement) {
    let Some(register) = &facts.registration else {
        return;
    };
    match usage.purpose() {
        Some(Purpose::Research | Purpose::Personal) => {}
        Some(_) => judgement.oblige(format!(
            "{}: register the commercial use with the licensor ({register})",
            facts.id
        )),
        None => judgement.oblige(format!(
            "{}: if the use is commercial, register it with the licensor ({register})",
            facts.id
        )),
    }
}

fn apply_thresholds(facts: &LicenseFacts, context: &UseContext<'_>, judgement: &mut Judgement) {
    let usage = context.usage;
    // a grant from the licensor is recorded as a license exception for the component
    let granted = context
        .policy
        .exceptions
        .iter()
        .any(|(component, allow)| component == context.component && allow.contains(&facts.id));
    for threshold in &facts.thresholds {
        // Qwen's and Tongyi Qianwen's thresholds bind commercial use only; an undeclared purpose may be commercial
        if threshold.applies_when == AppliesWhen::Commercial
            && matches!(usage.purpose(), Some(Purpose::Research | Purpose::Personal))
        {
            continue;
        }
        let metric = metric_name(threshold.metric);
        match (usage_metric(usage, threshold.metric), threshold.effect) {
            (Some(value), ThresholdEffect::VoidUntilGranted) if value > threshold.limit && granted => {
                judgement.oblige(format!(
                    "{}: {value} {metric} exceeds {}; the licensor's grant is recorded in licenses.exceptions: keep it on file and within its terms",
                    facts.id, threshold.limit
                ));
            }
            (Some(value), effect) if value > threshold.limit => {
                let (verdict, what) = match effect {
                    ThresholdEffect::Terminates => (LicenseVerdict::Deny, "the license terminates"),
                    ThresholdEffect::VoidUntilGranted => (
                        LicenseVerdict::Deny,
                        "no right under the license may be exercised until the licensor grants a license",
                    ),
                    ThresholdEffect::SeparateLicense => (
                        LicenseVerdict::NeedsReview,
                        "a separate license must be requested from the licensor",
                    ),
                };
                judgement.reason(
                    verdict,
                    ReasonKind::Use,
                    format!(
                        "{}: {value} {metric} exceeds {}, so {what} ({})",
                        facts.id, threshold.limit, threshold.note
                    ),
                    if effect == ThresholdEffect::VoidUntilGranted {
                        format!(
                            "request a license from the licensor ({}); once granted, record it as licenses.exceptions = [{{ component = \"{}\", allow = [\"{}\"], reason = \"...\", evidence = \"...\" }}]",
                            facts.url, context.component, facts.id
                        )
                    } else {
                        format!("obtain a license from the publisher before deploying ({})", facts.url)
                    },
                );
            }
            (Some(_), _) => {}
            (None, ThresholdEffect::Terminates) => judgement.reason(
                LicenseVerdict::NeedsReview,
                ReasonKind::Use,
                format!(
                    "{} terminates above {} {metric} ({}), and the project does not declare it",
                    facts.id, threshold.limit, threshold.note
                ),
                format!(
                    "declare `[usage] {}` so the threshold can be checked",
                    threshold_key(threshold.metric)
                ),
            ),
            (None, ThresholdEffect::SeparateLicense | ThresholdEffect::VoidUntilGranted) => judgement.oblige(format!(
                "{}: stay at or below {} {metric} ({}), or request a license (above it no right may be exercised until granted)",
                facts.id, threshold.limit, threshold.note
            )),
        }
    }
}

fn threshold_key(metric: Metric) -> &'static str {
    match metric {
        Metric::MonthlyActiveUsers => "monthly_active_users",
        Metric::AnnualRevenueUsd => "annual_revenue_usd",
    }
}

/// Duties that come with distributing, or with hosting where hosting counts as distribution.
fn apply_duties(facts: &LicenseFacts, usage: &Usage, judgement: &mut Judgement) {
    if let Some(policy) = &facts.use_policy {
        judgement.oblige(format!(
            "{}: comply with its acceptable-use policy ({policy})",
            facts.id
        ));
    }
    if usage.hosts() && facts.network_copyleft {
        judgement.oblige(format!(
            "{}: offer the source of modified versions to the users of the service",
            facts.id
        ));
    }
    let distributes = usage.distributes();
    if !(distributes || usage.hosts() && facts.hosting_is_distribution) {
        return;
    }
    if facts.attribution {
        judgement.oblige(format!(
            "{}: keep its copyright and attribution notices",
            facts.id
        ));
    }
    match facts.flow_down {
        FlowDown::None => {}
        FlowDown::Copy => judgement.oblige(format!("{}: give recipients a copy of the {} ({})", facts.id, facts.name, facts.url)),
        FlowDown::Enforceable => judgement.oblige(format!(
            "{}: include its use restrictions as an enforceable provision in your terms with users, and notify them",
            facts.id
        )),
    }
    if let (Some(notice), true) = (&facts.notice, distributes) {
        judgement.oblige(format!(
            "{}: ship a NOTICE file containing \"{notice}\"",
            facts.id
        ));
    }
    if let Some(display) = facts.display.as_ref().filter(|_| !facts.display_for_derivatives) {
        judgement.oblige(format!(
            "{}: display \"{display}\" prominently in the product or its documentation",
            facts.id
        ));
    }
}

fn apply_derivatives(facts: &LicenseFacts, usage: &Usage, judgement: &mut Judgement) {
    let fine_tunes = usage.has(Activity::FineTune);
    match facts.derivatives {
        Derivatives::NoShare if usage.has(Activity::RedistributeWeights) => judgement.reason(
            LicenseVerdict::Deny,
            ReasonKind::Use,
            format!(
                "{} forbids sharing adapted material, and the project redistributes weights",
                facts.id
            ),
            "do not redistribute the weights, or use a component whose license allows derivatives".into(),
        ),
        Derivatives::NoShare if fine_tunes => judgement.reason(
            LicenseVerdict::NeedsReview,
            ReasonKind::Use,
            format!(
                "{} allows adaptations to be made but not shared, and the project fine-tunes",
                facts.id
            ),
            "keep fine-tuned weights private (not distributed, not offered to others)".into(),
        ),
        Derivatives::ShareAlike if fine_tunes && usage.distributes() => {
            judgement.oblige(format!(
                "{}: share fine-tuned weights under the same license",
                facts.id
            ));
        }
        Derivatives::Inherit if fine_tunes => {
            judgement.oblige(format!(
                "{}: models fine-tuned from it stay under its terms and restrictions",
                facts.id
            ));
            if let Some(prefix) = &facts.name_prefix {
                judgement.oblige(format!(
                    "{}: name distributed models made from it starting with \"{prefix}\"",
                    facts.id
                ));
            }
        }
        _ => {}
    }
}

fn apply_outputs(facts: &LicenseFacts, usage: &Usage, judgement: &mut Judgement) {
    if !(usage.has(Activity::TrainOnOutputs) || usage.has(Activity::Distill)) {
        return;
    }
    match facts.outputs {
        Outputs::Allowed => {}
        Outputs::ProhibitedLlm => judgement.reason(
            LicenseVerdict::Deny,
            ReasonKind::Use,
            format!(
                "{} forbids using its outputs to improve other large language models",
                facts.id
            ),
            "do not train or distill other models on its outputs (models of its own family excepted)".into(),
        ),
        Outputs::ProhibitedFoundation => judgement.reason(
            LicenseVerdict::NeedsReview,
            ReasonKind::Use,
            format!(
                "{} forbids using its outputs to create or improve foundation models",
                facts.id
            ),
            "confirm the model trained on its outputs is not a foundation or general-purpose model".into(),
        ),
        Outputs::ResearchOnly if usage.purpose() != Some(Purpose::Research) => judgement.reason(
            LicenseVerdict::Deny,
            ReasonKind::Use,
            format!(
                "{} restricts its outputs to research, and the project trains on them",
                facts.id
            ),
            "do not train on its outputs outside research".into(),
        ),
        Outputs::ResearchOnly => {}
        Outputs::Derivative => judgement.oblige(format!(
            "{}: models trained on its outputs are derivatives and carry its use restrictions",
            facts.id
        )),
        Outputs::Naming => {
            let prefix = facts.name_prefix.as_deref().unwrap_or("the licensor's name");
            judgement.oblige(format!(
                "{}: name models trained on its outputs starting with \"{prefix}\"",
                facts.id
            ));
        }
        Outputs::Attribution => {
            let display = facts.display.as_deref().unwrap_or("the required attribution");
            judgement.oblige(format!(
                "{}: display \"{display}\" for models trained on its outputs",
                facts.id
            ));
        }
    }
}

/// Judges a whole SPDX expression: `AND` needs every term, `OR` takes the best alternative.
pub fn judge_expression(
    expression: &spdx::Expression,
    kb: &KnowledgeBase,
    context: &UseContext<'_>,
) -> Judgement {
    let mut stack: Vec<Judgement> = Vec::new();
    for node in expression.iter() {
        match node {
            spdx::expression::ExprNode::Req(req) => {
                let id = leaf_id(&req.req);
                stack.push(judge_leaf(&id, kb.by_id(&id), context));
            }
            spdx::expression::ExprNode::Op(operator) => {
                let (Some(right), Some(left)) = (stack.pop(), stack.pop()) else {
                    continue; // a parsed expression always has two operands
                };
                stack.push(match operator {
                    spdx::expression::Operator::And => left.and(right),
                    spdx::expression::Operator::Or => left.or(right),
                });
            }
        }
    }
    stack.pop().unwrap_or_else(Judgement::allow)
}

/// The canonical id of an expression term (`WITH` exceptions are kept as part of the term's text only).
pub fn leaf_id(req: &spdx::LicenseReq) -> String {
    match &req.license {
        spdx::LicenseItem::Spdx { id, or_later } => {
            if *or_later {
                format!("{}+", id.name)
            } else {
                id.name.to_string()
            }
        }
        spdx::LicenseItem::Other(other) => format!("LicenseRef-{}", other.lic_ref),
    }
}

/// Every term of an expression.
pub fn leaves(expression: &spdx::Expression) -> Vec<String> {
    let mut ids: Vec<String> = expression.requirements().map(|r| leaf_id(&r.req)).collect();
    ids.dedup();
    ids
}
