//! What a model inherits along its lineage (base models, teachers) and from its training data: verdicts,
//! obligations, naming duties, drift and conflicts.

use super::*;

/// How an inherited obligation starts: it names the parent it came through.
const VIA: &str = "via base model ";

/// An obligation without the parent it came through, so one carried down a chain is named once, by the
/// nearest parent, and never grows a prefix per generation.
fn without_via(obligation: &str) -> &str {
    obligation
        .strip_prefix(VIA)
        .and_then(|rest| rest.strip_prefix('`'))
        .and_then(|rest| rest.split_once("`: "))
        .map_or(obligation, |(_, text)| text)
}

/// What a model inherits from one base model, and license drift.
#[allow(clippy::too_many_arguments)]
pub(super) fn inherit(
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
        .map(|o| format!("{VIA}`{parent_id}`: {}", without_via(o)))
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
    // a display owed by derived models only (Qwen §4.b: "If you use the Materials ... to create, train,
    // fine-tune, or improve an AI model that is distributed or made available, you shall prominently display
    // 'Built with Qwen' or 'Improved using Qwen' in the related product documentation")
    if bom.usage.distributes() {
        for facts in parent_facts.iter().filter(|f| f.mark_modified) {
            // one text for every generation, so a long lineage carries it once
            inherited.oblige(format!(
                "{}: files changed in a distributed derivative must carry prominent notices that they were modified",
                facts.id
            ));
        }
    }
    if bom.usage.distributes() || bom.usage.hosts() {
        for facts in parent_facts.iter().filter(|f| f.display_for_derivatives) {
            if let Some(display) = &facts.display {
                inherited.oblige(format!(
                    "{}: display \"{display}\" prominently in the documentation of derived models made available",
                    facts.id
                ));
            }
        }
    }
    let child_alternatives = own[model.component.id.value.as_str()]
        .normalized
        .as_ref()
        .map(|n| alternatives(&n.expression));
    let Some(child_alternatives) = child_alternatives else {
        return inherited;
    };
    for facts in parent_facts
        .iter()
        .filter(|f| f.binds_derivatives() || f.commercial != Commercial::Allowed)
    {
        // Every alternative the derivative offers must carry the inherited license: `llama3.1 OR apache-2.0`
        // offers the Apache-2.0 alternative, which the publisher cannot grant for a Llama derivative.
        let Some(child_leaves) = child_alternatives
            .iter()
            .find(|alternative| !alternative.contains(&facts.id))
        else {
            continue;
        };
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

/// The alternatives an expression offers, each the set of licenses that alternative needs (its disjunctive normal
/// form): `A OR (B AND C)` offers `[A]` and `[B, C]`.
fn alternatives(expression: &spdx::Expression) -> Vec<Vec<String>> {
    let mut stack: Vec<Vec<Vec<String>>> = Vec::new();
    for node in expression.iter() {
        match node {
            spdx::expression::ExprNode::Req(req) => stack.push(vec![vec![rules::leaf_id(&req.req)]]),
            spdx::expression::ExprNode::Op(op) => {
                let (Some(right), Some(left)) = (stack.pop(), stack.pop()) else {
                    continue;
                };
                // an expression with more alternatives than anyone writes is not expanded: one empty alternative
                // (which carries no license) keeps the judgement closed instead of exponential
                if left.len().saturating_mul(right.len()) > 256 || left.len() + right.len() > 256 {
                    stack.push(vec![Vec::new()]);
                    continue;
                }
                stack.push(match op {
                    spdx::expression::Operator::Or => left.into_iter().chain(right).collect(),
                    spdx::expression::Operator::And => left
                        .iter()
                        .flat_map(|l| {
                            right.iter().map(move |r| {
                                let mut both = l.clone();
                                both.extend(r.iter().cloned());
                                both
                            })
                        })
                        .collect(),
                });
            }
        }
    }
    stack.pop().unwrap_or_default()
}

/// A derivative of a license with a model-name prefix (Llama) must carry it once it is distributed or made
/// available; the manifest's `name` says what it is called.
pub(super) fn naming_duty(
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
        if carries_prefix(short, prefix) {
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

/// Does a model name begin with a required prefix, as the Hub writes names? `Llama 3` is carried by
/// `Llama 3 Acme`, `Llama-3-Acme-8B`, `llama_3_acme` and `Llama3-Acme`: spaces, hyphens, underscores and dots
/// between the prefix's words are the same, and may be left out.
fn carries_prefix(name: &str, prefix: &str) -> bool {
    let squash = |text: &str| -> String {
        text.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_' | '.'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (name, prefix) = (squash(name), squash(prefix));
    !prefix.is_empty() && name.starts_with(&prefix)
}

/// A student distilled from (or trained on the outputs of) a teacher inherits its output clauses.
pub(super) fn distilled_from(
    model: &Model,
    teacher: &LicenseFacts,
    bom: &Bom,
    judgement: &mut Judgement,
    issues: &mut Vec<Issue>,
    span: Span,
) {
    use crate::license::kb::Outputs;
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
            // and check the name it has, as for fine-tunes (Llama 3.1 §1.b.i: a model created from Llama outputs
            // that is distributed or made available must include "Llama" at the beginning of its name)
            naming_duty(model, &[teacher], bom, judgement, issues);
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
pub(super) fn check_conflicts<'k>(
    model: &Model,
    own: &BTreeMap<&str, Own>,
    kb: &'k KnowledgeBase,
    binding: &mut std::collections::HashMap<String, Vec<&'k LicenseFacts>>,
    issues: &mut Vec<Issue>,
) -> bool {
    let before = issues.len();
    let id = model.component.id.value.as_str();
    let mut bound: Vec<&LicenseFacts> = required_facts(&own[id], kb);
    // Only weights edges carry a license to the child; a distilled model inherits output clauses instead.
    // What binds derivatives along the weights edges is kept per model (the models come parents first), so
    // a long lineage costs O(models), not a walk to the root from every model.
    let mut inherited: Vec<&'k LicenseFacts> = Vec::new();
    if model.relation.as_ref().map(|r| r.value) != Some(Relation::Distilled) {
        for base in &model.base_model {
            if let Some(parent) = binding.get(base.value.as_str()) {
                inherited.extend(parent.iter().copied());
            }
        }
    }
    let mut mine: Vec<&'k LicenseFacts> = required_facts(&own[id], kb)
        .into_iter()
        .filter(|f| f.binds_derivatives())
        .chain(inherited.iter().copied())
        .collect();
    mine.sort_by(|a, b| a.id.cmp(&b.id));
    mine.dedup_by(|a, b| a.id == b.id);
    binding.insert(id.to_string(), mine);
    bound.extend(inherited);
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
pub(super) fn training_data(
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

#[cfg(test)]
mod prefix_tests {
    #[test]
    fn the_hubs_spellings_of_a_prefix() {
        for name in [
            "Llama 3 Acme",
            "Llama-3-Acme-8B",
            "llama_3_acme",
            "Llama3-Acme",
            "LLAMA-3.Acme",
        ] {
            assert!(super::carries_prefix(name, "Llama 3"), "{name}");
        }
        for name in ["Acme-Llama-3", "Lama-3-Acme", "Acme"] {
            assert!(!super::carries_prefix(name, "Llama 3"), "{name}");
        }
    }
}
