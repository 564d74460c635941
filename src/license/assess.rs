//! The license assessment of a whole manifest: each component's own license judged against `[usage]`,
//! restrictions flowing down `base_model` edges, training-data terms, model cards that disagree with the
//! manifest, and policy entries nothing used. The license check turns the issues into findings; the audit
//! reports each component's canonical license, verdict and obligations.

use std::collections::BTreeMap;

use super::kb::{Commercial, Derivatives, FlowDown, KnowledgeBase, LicenseFacts, TrainedModel};
use super::normalize::{NormalizeError, normalize};
use super::rules::{self, CanonicalPolicy, Judgement, LicenseVerdict, ReasonKind, UseContext};
use crate::bom::policy::{TrainingData, UnknownLicense};
use crate::bom::{Bom, Component, Model, Purpose, Relation};
use crate::diag::Span;
use crate::findings::{Code, Severity};

/// Something the license check reports.
#[derive(Clone, Debug)]
pub struct Issue {
    /// The finding code.
    pub code: Code,
    /// A severity that replaces the code's default (policy `unknown` / `training_data`).
    pub severity: Option<Severity>,
    /// Where in the manifest.
    pub span: Span,
    /// What was found.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// One component's license outcome.
#[derive(Clone, Debug)]
pub struct ComponentLicense {
    /// The component id.
    pub id: String,
    /// The canonical expression, when the declared license normalized.
    pub canonical: Option<String>,
    /// The verdict, including everything inherited.
    pub verdict: LicenseVerdict,
    /// What the project must do.
    pub obligations: Vec<String>,
    /// What to report.
    pub issues: Vec<Issue>,
}

/// The whole manifest's license outcome.
#[derive(Clone, Debug, Default)]
pub struct Assessment {
    /// In `Bom::components()` order.
    pub components: Vec<ComponentLicense>,
    /// Project-level issues (unused policy entries).
    pub issues: Vec<Issue>,
}

impl Assessment {
    /// The outcome of one component.
    pub fn component(&self, id: &str) -> Option<&ComponentLicense> {
        self.components.iter().find(|c| c.id == id)
    }
}

/// A component's own license, before lineage.
struct Own {
    normalized: Option<super::Normalized>,
    judgement: Judgement,
    issues: Vec<Issue>,
}

fn unknown_severity(policy: &CanonicalPolicy) -> Severity {
    match policy.unknown {
        UnknownLicense::Deny => Severity::Error,
        UnknownLicense::Warn => Severity::Warning,
    }
}

fn judge_own(component: &Component, bom: &Bom, kb: &KnowledgeBase, policy: &CanonicalPolicy) -> Own {
    let unknown_verdict = if policy.unknown == UnknownLicense::Deny {
        LicenseVerdict::Deny
    } else {
        LicenseVerdict::NeedsReview
    };
    let mut judgement = Judgement::allow();
    let mut issues = Vec::new();
    let Some(declared) = &component.license else {
        judgement.verdict = unknown_verdict;
        issues.push(Issue {
            code: Code::Lic001,
            severity: Some(unknown_severity(policy)),
            span: component.id.span,
            message: format!("{} `{}` declares no license", component.kind.as_str(), component.id.value),
            help: "add `license = \"...\"` from its model or dataset card (an SPDX id, a Hugging Face id or LicenseRef-...)".into(),
        });
        return Own {
            normalized: None,
            judgement,
            issues,
        };
    };
    match normalize(declared, kb) {
        Ok(normalized) => {
            let context = UseContext {
                usage: &bom.usage,
                kind: component.kind,
                component: &component.id,
                policy,
            };
            let mut judgement = rules::judge_expression(&normalized.expression, kb, &context);
            if bom.is_training_data_only(component) {
                // The project does not use this dataset itself, only a model trained on it: its terms reach the
                // project through the model (LIC008, where the law is unsettled), not as a direct use.
                judgement.reasons.retain(|reason| reason.kind != ReasonKind::Use);
                if judgement.reasons.is_empty() && judgement.verdict == LicenseVerdict::Deny {
                    judgement.verdict = LicenseVerdict::NeedsReview;
                }
            }
            for reason in &judgement.reasons {
                let (code, severity) = match reason.kind {
                    ReasonKind::Use if reason.verdict == LicenseVerdict::Deny => (Code::Lic003, None),
                    ReasonKind::Use => (Code::Lic004, None),
                    ReasonKind::Policy => (Code::Lic005, None),
                    ReasonKind::Unknown => (Code::Lic002, Some(unknown_severity(policy))),
                };
                issues.push(Issue {
                    code,
                    severity,
                    span: declared.span,
                    message: reason.message.clone(),
                    help: reason.help.clone(),
                });
            }
            Own {
                normalized: Some(normalized),
                judgement,
                issues,
            }
        }
        Err(error) => {
            judgement.verdict = unknown_verdict;
            issues.push(Issue {
                code: Code::Lic002,
                severity: Some(unknown_severity(policy)),
                span: declared.span,
                message: format!("license \"{}\": {error}", declared.value),
                help: error.help(),
            });
            Own {
                normalized: None,
                judgement,
                issues,
            }
        }
    }
}

/// Assesses every component of the manifest.
pub fn assess(bom: &Bom, kb: &KnowledgeBase) -> Assessment {
    let policy = CanonicalPolicy::from_policy(&bom.policy.licenses, kb);
    let own: BTreeMap<&str, Own> = bom
        .components()
        .map(|c| (c.id.value.as_str(), judge_own(c, bom, kb, &policy)))
        .collect();
    let mut effective: BTreeMap<String, Judgement> = BTreeMap::new();
    let mut extra: BTreeMap<String, Vec<Issue>> = BTreeMap::new();
    for model in lineage_order(bom) {
        let id = model.component.id.value.as_str();
        let mut judgement = own[id].judgement.clone();
        let mut issues = Vec::new();
        for base in &model.base_model {
            let Some(parent) = bom.models.iter().find(|m| m.component.id.value == base.value) else {
                continue;
            };
            let parent_judgement = effective
                .get(&base.value)
                .cloned()
                .unwrap_or_else(Judgement::allow);
            let inherited = inherit(
                model,
                parent,
                &parent_judgement,
                &own,
                kb,
                bom,
                &mut issues,
                base.span,
            );
            judgement = judgement.and(inherited);
        }
        if check_conflicts(model, &own, kb, bom, &mut issues) {
            judgement.reason(
                LicenseVerdict::Deny,
                ReasonKind::Use,
                "conflicting license duties".into(),
                String::new(),
            );
        }
        for dataset in &model.trained_on {
            if let Some(data) = bom
                .datasets
                .iter()
                .find(|d| d.component.id.value == dataset.value)
            {
                training_data(
                    model,
                    &data.component,
                    &own,
                    kb,
                    bom,
                    &mut judgement,
                    &mut issues,
                    dataset.span,
                );
            }
        }
        effective.insert(id.to_string(), judgement);
        extra.insert(id.to_string(), issues);
    }
    let mut components = Vec::new();
    for component in bom.components() {
        let id = component.id.value.as_str();
        let mine = &own[id];
        let judgement = effective.get(id).unwrap_or(&mine.judgement);
        let mut issues = mine.issues.clone();
        issues.extend(extra.remove(id).unwrap_or_default());
        issues.extend(card_issue(component, mine.normalized.as_ref(), bom, kb));
        components.push(ComponentLicense {
            id: id.to_string(),
            canonical: mine.normalized.as_ref().map(|n| n.canonical.clone()),
            verdict: judgement.verdict,
            obligations: judgement.obligations.clone(),
            issues,
        });
    }
    Assessment {
        components,
        issues: unused_policy_entries(bom, &own, &policy),
    }
}

/// Models with their parents first (the manifest has no cycles: loading rejects them).
fn lineage_order(bom: &Bom) -> Vec<&Model> {
    let mut done: Vec<&str> = Vec::new();
    let mut order = Vec::new();
    while order.len() < bom.models.len() {
        let before = order.len();
        for model in &bom.models {
            let id = model.component.id.value.as_str();
            if done.contains(&id) {
                continue;
            }
            let ready = model.base_model.iter().all(|b| {
                done.contains(&b.value.as_str()) || bom.models.iter().all(|m| m.component.id.value != b.value)
            });
            if ready {
                done.push(id);
                order.push(model);
            }
        }
        if order.len() == before {
            break; // unreachable for a validated manifest
        }
    }
    order
}

/// The facts of every term that must hold: all terms of an expression without `OR`. Where a choice exists,
/// the rules pick the best alternative, so no single term is required (conflicts are judged on required terms).
fn required_facts<'k>(own: &Own, kb: &'k KnowledgeBase) -> Vec<&'k LicenseFacts> {
    let has_choice = own.normalized.as_ref().is_some_and(|n| {
        n.expression.iter().any(|node| {
            matches!(
                node,
                spdx::expression::ExprNode::Op(spdx::expression::Operator::Or)
            )
        })
    });
    if has_choice { Vec::new() } else { facts_of(own, kb) }
}

fn facts_of<'k>(own: &Own, kb: &'k KnowledgeBase) -> Vec<&'k LicenseFacts> {
    own.normalized
        .as_ref()
        .map(|n| {
            rules::leaves(&n.expression)
                .iter()
                .filter_map(|id| kb.by_id(id))
                .collect()
        })
        .unwrap_or_default()
}

/// What a model inherits from one base model, and license drift.
#[allow(clippy::too_many_arguments)]
fn inherit(
    model: &Model,
    parent: &Model,
    parent_judgement: &Judgement,
    own: &BTreeMap<&str, Own>,
    kb: &KnowledgeBase,
    bom: &Bom,
    issues: &mut Vec<Issue>,
    span: Span,
) -> Judgement {
    let parent_id = parent.component.id.value.as_str();
    let relation = model.relation.as_ref().map(|r| r.value);
    let parent_facts = facts_of(&own[parent_id], kb);
    let mut inherited = Judgement::allow();
    if relation == Some(Relation::Distilled) {
        for facts in &parent_facts {
            distilled_from(model, facts, bom, &mut inherited, issues, span);
        }
        return inherited;
    }
    // Weights edges (finetune, adapter, merge, quantized, or unstated) inherit everything.
    inherited.verdict = parent_judgement.verdict;
    inherited.obligations = parent_judgement
        .obligations
        .iter()
        .map(|o| format!("via base model `{parent_id}`: {o}"))
        .collect();
    if parent_judgement.verdict >= LicenseVerdict::NeedsReview {
        issues.push(Issue {
            code: if parent_judgement.verdict == LicenseVerdict::Deny {
                Code::Lic003
            } else {
                Code::Lic004
            },
            severity: None,
            span,
            message: format!(
                "inherits `{parent_id}`'s license verdict ({}): {}",
                parent_judgement.verdict.as_str(),
                parent_judgement
                    .reasons
                    .first()
                    .map_or("see its findings", |r| r.message.as_str())
            ),
            help: format!(
                "a {} of `{parent_id}` is bound by its license: resolve `{parent_id}` first",
                relation.map_or("derivative", Relation::as_str)
            ),
        });
    }
    naming_duty(model, &parent_facts, bom, &mut inherited, issues);
    let child_leaves = own[model.component.id.value.as_str()]
        .normalized
        .as_ref()
        .map(|n| rules::leaves(&n.expression));
    let Some(child_leaves) = child_leaves else {
        return inherited;
    };
    for facts in parent_facts
        .iter()
        .filter(|f| f.binds_derivatives() || f.commercial != Commercial::Allowed)
    {
        if child_leaves.contains(&facts.id) {
            continue;
        }
        let same_family = child_leaves
            .iter()
            .filter_map(|id| kb.by_id(id))
            .any(|child| child.family == facts.family);
        let declared = model.component.license.as_ref().map_or(span, |l| l.span);
        if same_family {
            inherited.reason(
                LicenseVerdict::NeedsReview,
                ReasonKind::Use,
                format!("relicensed from {} within its family", facts.id),
                String::new(),
            );
            issues.push(Issue {
                code: Code::Lic004,
                severity: None,
                span: declared,
                message: format!("`{}` is relicensed from its base model's {} to another revision of the same license family", model.component.id.value, facts.id),
                help: "confirm the publisher released the derivative under the newer terms".into(),
            });
        } else {
            inherited.reason(
                LicenseVerdict::Deny,
                ReasonKind::Use,
                format!("license drift from {}", facts.id),
                String::new(),
            );
            issues.push(Issue {
                code: Code::Lic006,
                severity: None,
                span: declared,
                message: format!(
                    "`{}` declares {} but derives from `{parent_id}` under {}, whose terms bind derivatives",
                    model.component.id.value,
                    model
                        .component
                        .license
                        .as_ref()
                        .map_or("no license", |l| l.value.as_str()),
                    facts.id
                ),
                help: format!(
                    "declare the license the derivative really carries (at least {}), and meet its duties",
                    facts.id
                ),
            });
        }
    }
    inherited
}

/// A derivative of a license with a model-name prefix (Llama) must carry it once it is distributed or made
/// available; the manifest's `name` says what it is called.
fn naming_duty(
    model: &Model,
    parent_facts: &[&LicenseFacts],
    bom: &Bom,
    judgement: &mut Judgement,
    issues: &mut Vec<Issue>,
) {
    if !(bom.usage.distributes() || bom.usage.hosts()) {
        return;
    }
    let name = model.component.display_name();
    let short = name.rsplit('/').next().unwrap_or(name);
    for facts in parent_facts {
        let Some(prefix) = &facts.name_prefix else {
            continue;
        };
        if short
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase())
        {
            continue;
        }
        let message = format!(
            "`{}` derives from a {} model and is made available, but its name \"{short}\" does not start with \"{prefix}\"",
            model.component.id.value, facts.id
        );
        judgement.reason(
            LicenseVerdict::NeedsReview,
            ReasonKind::Use,
            message.clone(),
            String::new(),
        );
        issues.push(Issue {
            code: Code::Lic004,
            severity: None,
            span: model.component.name.as_ref().map_or(model.component.id.span, |n| n.span),
            message,
            help: format!("name the model \"{prefix}...\" as the license requires, or keep it private (not distributed, not served to others)"),
        });
    }
}

/// A student distilled from (or trained on the outputs of) a teacher inherits its output clauses.
fn distilled_from(
    model: &Model,
    teacher: &LicenseFacts,
    bom: &Bom,
    judgement: &mut Judgement,
    issues: &mut Vec<Issue>,
    span: Span,
) {
    use super::kb::Outputs;
    let student = model.component.id.value.as_str();
    let (verdict, message, help) = match teacher.outputs {
        Outputs::Allowed => return,
        Outputs::ProhibitedLlm => (
            LicenseVerdict::Deny,
            format!(
                "`{student}` is distilled from a model under {}, which forbids using its outputs to improve other large language models",
                teacher.id
            ),
            "distill from a model whose license allows it, or keep the student within the teacher's family"
                .to_string(),
        ),
        Outputs::ProhibitedFoundation => (
            LicenseVerdict::NeedsReview,
            format!(
                "`{student}` is distilled from a model under {}, which forbids building foundation models from its outputs",
                teacher.id
            ),
            "confirm the student is not a foundation or general-purpose model".to_string(),
        ),
        Outputs::ResearchOnly if bom.usage.purpose() != Some(Purpose::Research) => (
            LicenseVerdict::Deny,
            format!(
                "`{student}` is distilled from a model under {}, whose outputs are for research only",
                teacher.id
            ),
            "use the student for research only, or distill from another teacher".to_string(),
        ),
        Outputs::ResearchOnly => return,
        Outputs::Derivative => {
            judgement.oblige(format!(
                "as a distillation of a {} model, `{student}` carries its use restrictions",
                teacher.id
            ));
            if teacher.flow_down == FlowDown::Enforceable {
                judgement.oblige(format!(
                    "{}: pass its use restrictions on to the student's users",
                    teacher.id
                ));
            }
            return;
        }
        Outputs::Naming => {
            let prefix = teacher.name_prefix.as_deref().unwrap_or("the licensor's name");
            judgement.oblige(format!(
                "{}: name `{student}` starting with \"{prefix}\" if it is distributed or made available",
                teacher.id
            ));
            return;
        }
        Outputs::Attribution => {
            let display = teacher.display.as_deref().unwrap_or("the required attribution");
            judgement.oblige(format!("{}: display \"{display}\" for `{student}`", teacher.id));
            return;
        }
    };
    judgement.reason(verdict, ReasonKind::Use, message.clone(), help.clone());
    issues.push(Issue {
        code: if verdict == LicenseVerdict::Deny {
            Code::Lic003
        } else {
            Code::Lic004
        },
        severity: None,
        span,
        message,
        help,
    });
}

/// Share-alike licenses of different families, share-alike plus added restrictions, two name prefixes.
/// Returns whether there was a conflict.
fn check_conflicts(
    model: &Model,
    own: &BTreeMap<&str, Own>,
    kb: &KnowledgeBase,
    bom: &Bom,
    issues: &mut Vec<Issue>,
) -> bool {
    let before = issues.len();
    let mut bound: Vec<&LicenseFacts> = required_facts(&own[model.component.id.value.as_str()], kb);
    // Only weights edges carry a license to the child; a distilled model inherits output clauses instead.
    let weights_parents = |m: &Model| -> Vec<String> {
        if m.relation.as_ref().map(|r| r.value) == Some(Relation::Distilled) {
            Vec::new()
        } else {
            m.base_model.iter().map(|b| b.value.clone()).collect()
        }
    };
    let mut stack: Vec<String> = weights_parents(model);
    let mut seen = Vec::new();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        let Some(parent) = bom.models.iter().find(|m| m.component.id.value == id) else {
            continue;
        };
        bound.extend(
            required_facts(&own[parent.component.id.value.as_str()], kb)
                .into_iter()
                .filter(|f| f.binds_derivatives()),
        );
        stack.extend(weights_parents(parent));
        seen.push(id);
    }
    bound.sort_by(|a, b| a.id.cmp(&b.id));
    bound.dedup_by(|a, b| a.id == b.id);
    let span = model
        .component
        .license
        .as_ref()
        .map_or(model.component.id.span, |l| l.span);
    let share_alike: Vec<&&LicenseFacts> = bound
        .iter()
        .filter(|f| f.derivatives == Derivatives::ShareAlike)
        .collect();
    let families: std::collections::BTreeSet<&str> = share_alike.iter().map(|f| f.family.as_str()).collect();
    let mut conflict = |message: String| {
        issues.push(Issue {
            code: Code::Lic007,
            severity: None,
            span,
            message,
            help: "no license can satisfy both: drop one of the components from the lineage, or get a license from a publisher".into(),
        });
    };
    if families.len() > 1 {
        let ids: Vec<&str> = share_alike.iter().map(|f| f.id.as_str()).collect();
        conflict(format!(
            "`{}` is bound by share-alike licenses that cannot both apply: {}",
            model.component.id.value,
            ids.join(", ")
        ));
    }
    if let Some(sa) = share_alike.first() {
        let restricting: Vec<&str> = bound
            .iter()
            .filter(|f| {
                f.id != sa.id
                    && (f.use_policy.is_some()
                        || f.flow_down == FlowDown::Enforceable
                        || f.commercial != Commercial::Allowed)
            })
            .map(|f| f.id.as_str())
            .collect();
        if !restricting.is_empty() {
            conflict(format!(
                "`{}` is bound by {} (share-alike, no added terms) and by {} (added use restrictions)",
                model.component.id.value,
                sa.id,
                restricting.join(", ")
            ));
        }
    }
    let prefixes: std::collections::BTreeSet<&str> =
        bound.iter().filter_map(|f| f.name_prefix.as_deref()).collect();
    // "Llama 3..." satisfies both "Llama" and "Llama 3": only prefixes that exclude each other conflict.
    let exclusive = prefixes
        .iter()
        .any(|a| prefixes.iter().any(|b| !a.starts_with(b) && !b.starts_with(a)));
    if exclusive {
        let list: Vec<String> = prefixes.iter().map(|p| format!("\"{p}\"")).collect();
        conflict(format!(
            "`{}` would have to be named starting with each of {}",
            model.component.id.value,
            list.join(" and ")
        ));
    }
    issues.len() > before
}

#[allow(clippy::too_many_arguments)]
fn training_data(
    model: &Model,
    dataset: &Component,
    own: &BTreeMap<&str, Own>,
    kb: &KnowledgeBase,
    bom: &Bom,
    judgement: &mut Judgement,
    issues: &mut Vec<Issue>,
    span: Span,
) {
    let strict = bom
        .policy
        .licenses
        .training_data
        .as_ref()
        .is_some_and(|t| t.value == TrainingData::Strict);
    let commercial = matches!(
        bom.usage.purpose(),
        Some(Purpose::Commercial) | Some(Purpose::Internal) | None
    );
    let model_id = model.component.id.value.as_str();
    let data_id = dataset.id.value.as_str();
    for facts in facts_of(&own[data_id], kb) {
        let (message, help) = match facts.trained_model {
            TrainedModel::Unrestricted => continue,
            TrainedModel::Attribution | TrainedModel::Notice => {
                judgement.oblige(format!("credit the training dataset `{data_id}` ({}) where `{model_id}` is documented or publicly used", facts.id));
                continue;
            }
            TrainedModel::Agreement => {
                judgement.oblige(format!(
                    "confirm the terms of the training dataset `{data_id}` ({}) allow training `{model_id}` and this use of it",
                    facts.id
                ));
                continue;
            }
            TrainedModel::Restricted if commercial => (
                format!(
                    "`{model_id}` was trained on `{data_id}`, whose terms ({}) allow {} only, and the project's use is {}",
                    facts.id,
                    if facts.commercial == Commercial::NonCommercial {
                        "non-commercial use"
                    } else {
                        "research"
                    },
                    bom.usage.purpose().map_or("undeclared", Purpose::as_str)
                ),
                "whether a model trained on such data may be used commercially is legally unsettled: get legal review, \
ask the model's publisher, or choose a model trained on permissively licensed data",
            ),
            TrainedModel::Restricted => continue,
            TrainedModel::ShareAlike if bom.usage.distributes() => (
                format!(
                    "`{model_id}` was trained on `{data_id}` under {}; if the model is an adaptation, share-alike applies when it is distributed",
                    facts.id
                ),
                "the law is unsettled: get legal review before distributing the weights, or document why the model is not an adaptation",
            ),
            TrainedModel::ShareAlike => {
                judgement.oblige(format!(
                    "credit the training dataset `{data_id}` ({}) where `{model_id}` is documented",
                    facts.id
                ));
                continue;
            }
            TrainedModel::Unsettled => (
                format!(
                    "`{model_id}` was trained on `{data_id}` under {}, whose effect on trained models is unsettled",
                    facts.id
                ),
                "get legal review of how the dataset's terms bind models trained on it",
            ),
        };
        let verdict = if strict {
            LicenseVerdict::Deny
        } else {
            LicenseVerdict::NeedsReview
        };
        judgement.reason(verdict, ReasonKind::Use, message.clone(), help.to_string());
        issues.push(Issue {
            code: Code::Lic008,
            severity: Some(if strict {
                Severity::Error
            } else {
                Severity::Warning
            }),
            span,
            message,
            help: format!("{help} (policy `licenses.training_data = \"strict\"` makes this an error)"),
        });
    }
}

/// A model card whose license differs from the manifest's.
fn card_issue(
    component: &Component,
    declared: Option<&super::Normalized>,
    bom: &Bom,
    kb: &KnowledgeBase,
) -> Option<Issue> {
    let card = component.card.as_ref()?;
    let root = std::fs::canonicalize(&bom.root).ok()?;
    let path = std::fs::canonicalize(card.value.under(&bom.root))
        .ok()
        .filter(|p| p.starts_with(&root))?;
    let text = std::fs::read_to_string(path).ok()?;
    let data = crate::bom::card::parse(&text).ok()??;
    let card_license = match (data.license.as_deref(), data.license_name.as_deref()) {
        (Some("other"), Some(name)) => name.to_string(),
        (Some(license), _) => license.to_string(),
        (None, _) => return None,
    };
    let in_card = normalize(&card_license, kb);
    let same = match (&in_card, declared) {
        (Ok(card), Some(manifest)) => {
            let mut a = rules::leaves(&card.expression);
            let mut b = rules::leaves(&manifest.expression);
            a.sort();
            b.sort();
            a == b
        }
        (Err(_), None) => return None,
        _ => false,
    };
    if same {
        return None;
    }
    let card_says = match &in_card {
        Ok(card) => card.canonical.clone(),
        Err(NormalizeError::Ambiguous { term, .. } | NormalizeError::Unknown { term, .. }) => {
            format!("\"{term}\"")
        }
        Err(_) => format!("\"{card_license}\""),
    };
    Some(Issue {
        code: Code::Lic009,
        severity: None,
        span: component.license.as_ref().map_or(card.span, |l| l.span),
        message: format!(
            "the card {} says {card_says}, the manifest says {}",
            card.value,
            component.license.as_ref().map_or("nothing".to_string(), |l| format!("\"{}\"", l.value))
        ),
        help: "find out which is right (the LICENSE file decides), then fix the manifest or ask the publisher to fix the card".into(),
    })
}

/// Allow entries and exceptions that no component needed.
fn unused_policy_entries(bom: &Bom, own: &BTreeMap<&str, Own>, policy: &CanonicalPolicy) -> Vec<Issue> {
    let used: Vec<(String, &str)> = bom
        .components()
        .flat_map(|c| {
            own[c.id.value.as_str()]
                .normalized
                .as_ref()
                .map(|n| rules::leaves(&n.expression))
                .unwrap_or_default()
                .into_iter()
                .map(move |leaf| (leaf, c.id.value.as_str()))
        })
        .collect();
    let mut issues = Vec::new();
    for (entry, canonical) in bom.policy.licenses.allow.iter().zip(&policy.allow) {
        if !used.iter().any(|(leaf, _)| leaf == canonical) {
            issues.push(Issue {
                code: Code::Lic010,
                severity: None,
                span: entry.span,
                message: format!("licenses.allow lists {canonical}, which no component uses"),
                help: "remove it, so the allow list says what the project really relies on".into(),
            });
        }
    }
    for (exception, (component, allowed)) in bom.policy.licenses.exceptions.iter().zip(&policy.exceptions) {
        for (entry, canonical) in exception.allow.iter().zip(allowed) {
            if !used.iter().any(|(leaf, id)| leaf == canonical && id == component) {
                issues.push(Issue {
                    code: Code::Lic010,
                    severity: None,
                    span: entry.span,
                    message: format!(
                        "the license exception for `{component}` lists {canonical}, which it does not use"
                    ),
                    help: "remove the exception entry".into(),
                });
            }
        }
    }
    issues
}
