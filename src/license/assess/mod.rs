//! The license assessment of a whole manifest: each component's own license judged against `[usage]`,
//! restrictions flowing down `base_model` edges, training-data terms, model cards that disagree with the
//! manifest, and policy entries nothing used. The license check turns the issues into findings; the audit
//! reports each component's canonical license, verdict and obligations.

mod lineage;

use std::collections::BTreeMap;

use lineage::{check_conflicts, inherit, training_data};

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
            help: if component.source.value == crate::bom::SourceKind::Local {
                "add `license = \"...\"` from its card (an SPDX id, a Hugging Face id or LicenseRef-...); for the project's own model or data, `license = \"LicenseRef-proprietary\"` with `publisher` naming your organisation".into()
            } else {
                "add `license = \"...\"` from its model or dataset card (an SPDX id, a Hugging Face id or LicenseRef-...)".into()
            },
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
                name: component.name.as_ref().map(|n| n.value.as_str()),
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
    let mut binding = std::collections::HashMap::new();
    for model in lineage_order(bom) {
        let id = model.component.id.value.as_str();
        let mut judgement = own[id].judgement.clone();
        let mut issues = Vec::new();
        for base in &model.base_model {
            let Some(parent) = bom.model(&base.value) else {
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
        if check_conflicts(model, &own, kb, &mut binding, &mut issues) {
            judgement.reason(
                LicenseVerdict::Deny,
                ReasonKind::Use,
                "conflicting license duties".into(),
                String::new(),
            );
        }
        for dataset in &model.trained_on {
            if let Some(data) = bom.dataset(&dataset.value) {
                generated_data(
                    model,
                    data,
                    &own,
                    kb,
                    bom,
                    &mut judgement,
                    &mut issues,
                    dataset.span,
                );
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
        issues.extend(license_file_issue(component, mine.normalized.as_ref(), bom, kb));
        issues.extend(packaging_issue(component, mine.normalized.as_ref(), bom, kb));
        let screened = prohibited_uses(component, &own, bom, kb);
        let verdict = if screened.is_empty() {
            judgement.verdict
        } else {
            judgement.verdict.max(LicenseVerdict::NeedsReview)
        };
        issues.extend(screened);
        components.push(ComponentLicense {
            id: id.to_string(),
            canonical: mine.normalized.as_ref().map(|n| n.canonical.clone()),
            verdict,
            obligations: judgement.obligations.clone(),
            issues,
        });
    }
    let mut issues = usage_issues(bom);
    issues.extend(unused_policy_entries(bom, &own, &policy));
    Assessment { components, issues }
}

/// Models with their parents first (the manifest has no cycles: loading rejects them), in manifest order
/// otherwise: one depth-first walk, O(models + edges).
fn lineage_order(bom: &Bom) -> Vec<&Model> {
    let position: std::collections::HashMap<&str, usize> = bom
        .models
        .iter()
        .enumerate()
        .map(|(at, model)| (model.component.id.value.as_str(), at))
        .collect();
    let parents = |at: usize| -> Vec<usize> {
        bom.models[at]
            .base_model
            .iter()
            .filter_map(|base| position.get(base.value.as_str()).copied())
            .collect()
    };
    crate::graph::walk(bom.models.len(), parents)
        .parents_first
        .into_iter()
        .map(|at| &bom.models[at])
        .collect()
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

/// A model card whose license differs from the manifest's.
/// The component's own LICENSE file (LICENSE, LICENSE.txt, LICENSE.md, LICENCE, COPYING), identified by the AI
/// licenses' own phrases or by the SPDX texts (see [`crate::license::text`]); a NOTICE file beside it, by the
/// phrases only. When one reads as another license than the manifest declares, one of them is wrong (LIC009).
/// A file nothing identifies is no finding: the declared license stands, and the card check still runs.
fn license_file_issue(
    component: &Component,
    declared: Option<&super::Normalized>,
    bom: &Bom,
    kb: &KnowledgeBase,
) -> Option<Issue> {
    let directory = component.path.as_ref()?.value.under(&bom.root);
    if !directory.is_dir() {
        return None;
    }
    let read = |name: &str| {
        let path = directory.join(name);
        path.is_file()
            .then(|| crate::fsutil::read_text_in_root(&bom.root, &path, crate::fsutil::limits::CARD).ok())
            .flatten()
    };
    let license_file = ["LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING"]
        .iter()
        .find_map(|name| read(name).map(|text| (*name, text)));
    // a LICENSE file nothing identifies leaves the NOTICE beside it, which may still name the license
    let (name, found) = license_file
        .and_then(|(name, text)| super::text::identify(kb, &text, true).map(|found| (name, found)))
        .or_else(|| {
            read("NOTICE")
                .and_then(|text| super::text::identify(kb, &text, false))
                .map(|found| ("NOTICE", found))
        })?;
    let leaves = declared.map(|d| rules::leaves(&d.expression)).unwrap_or_default();
    let agrees = leaves.iter().any(|leaf| {
        found.same_text.contains(leaf)
            || !found.family.is_empty() && kb.by_id(leaf).is_some_and(|l| l.family == found.family)
    });
    if agrees {
        return None;
    }
    let path = component
        .path
        .as_ref()
        .map_or(String::new(), |p| format!("{}/{name}", p.value));
    let how = match found.method {
        super::text::Method::Fingerprint => String::new(),
        super::text::Method::SpdxText(score) => format!(" ({:.0}% like the SPDX text)", score * 100.0),
    };
    Some(Issue {
        code: Code::Lic009,
        severity: None,
        span: component.license.as_ref().map_or(component.id.span, |l| l.span),
        message: format!(
            "the file {path} is the {}{how}, the manifest says {}",
            found.name,
            component
                .license
                .as_ref()
                .map_or("nothing".to_string(), |l| format!("\"{}\"", l.value))
        ),
        help: format!(
            "the LICENSE file decides: declare `license = \"{}\"` if it is the component's license, or find out why the file differs",
            found.id
        ),
    })
}

/// A package that bundles the component (a wheel's dist-info that lists its files, a `pyproject.toml` or
/// `package.json` between it and the project root; see [`crate::license::packaging`]) declaring another license
/// than the manifest: a repackager cannot relicense a model, so one of the two is a relabel (LIC009).
fn packaging_issue(
    component: &Component,
    declared: Option<&super::Normalized>,
    bom: &Bom,
    kb: &KnowledgeBase,
) -> Option<Issue> {
    let declared = declared?;
    let path = component.path.as_ref()?.value.under(&bom.root);
    let directory = if path.is_dir() {
        path
    } else {
        path.parent()?.to_path_buf()
    };
    let packaged = super::packaging::find(&bom.root, &directory)?;
    let in_package = normalize(&packaged.license, kb).ok()?;
    let mut a = rules::leaves(&in_package.expression);
    let mut b = rules::leaves(&declared.expression);
    a.sort();
    b.sort();
    if a == b {
        return None;
    }
    Some(Issue {
        code: Code::Lic009,
        severity: None,
        span: component.license.as_ref().map_or(component.id.span, |l| l.span),
        message: format!(
            "the package that ships it says {} ({}), the manifest says {}: a relabel",
            in_package.canonical, packaged.file, declared.canonical
        ),
        help: "whoever repackages a model cannot change its license: the publisher's license (card, LICENSE file) decides; keep it in the manifest, and ask the packager to correct the package's metadata".into(),
    })
}

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
    let text = crate::fsutil::read_text_in_root(&root, &path, crate::fsutil::limits::CARD).ok()?;
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

/// A model trained on data that a model generated (synthetic data, a distillation set, ShareGPT-style
/// conversations) is a student of that generator: the generator's output terms reach it, whatever the dataset's
/// own label says. Hosted services are judged by their terms of service (`hosted:<provider>`).
#[allow(clippy::too_many_arguments)]
fn generated_data(
    model: &crate::bom::Model,
    data: &crate::bom::Dataset,
    own: &BTreeMap<&str, Own>,
    kb: &KnowledgeBase,
    bom: &Bom,
    judgement: &mut Judgement,
    issues: &mut Vec<Issue>,
    span: Span,
) {
    for generator in &data.generated_by {
        let teachers: Vec<&crate::license::kb::LicenseFacts> = match generator.value.strip_prefix("hosted:") {
            Some(hosted) => {
                let provider = hosted.split('/').next().unwrap_or(hosted);
                match kb.find(&format!("hosted:{provider}")) {
                    Some(facts) => vec![facts],
                    None => {
                        judgement.reason(
                            LicenseVerdict::NeedsReview,
                            ReasonKind::Unknown,
                            format!(
                                "`{}` was generated by {}, whose terms aitrust does not know",
                                data.component.id.value, generator.value
                            ),
                            String::new(),
                        );
                        issues.push(Issue {
                            code: Code::Lic004,
                            severity: None,
                            span: generator.span,
                            message: format!(
                                "`{}` is trained on `{}`, generated by {}: its terms for outputs are not in aitrust's knowledge base",
                                model.component.id.value, data.component.id.value, generator.value
                            ),
                            help: "read the provider's terms on using outputs to train models, and record the decision".into(),
                        });
                        continue;
                    }
                }
            }
            None => match own.get(generator.value.as_str()) {
                Some(generator_own) => facts_of(generator_own, kb),
                None => continue,
            },
        };
        for teacher in teachers {
            lineage::distilled_from(model, teacher, bom, judgement, issues, span);
        }
    }
}

/// The component's intended use, screened against the uses its licenses prohibit — its own and those along its
/// lineage (base models and teachers, whose use restrictions flow down). A keyword match is a prompt for a
/// person (LIC004, naming the clause), never a verdict: wording decides, and aitrust cannot read intent.
fn prohibited_uses(
    component: &crate::bom::Component,
    own: &BTreeMap<&str, Own>,
    bom: &Bom,
    kb: &KnowledgeBase,
) -> Vec<Issue> {
    let Some(intended) = &component.intended_use else {
        return Vec::new();
    };
    let text = intended.value.to_lowercase();
    // this component and every ancestor along base_model
    let mut lineage = vec![component.id.value.as_str()];
    let mut index = 0;
    while index < lineage.len() {
        if let Some(model) = bom.model(lineage[index]) {
            for parent in &model.base_model {
                if !lineage.contains(&parent.value.as_str()) {
                    lineage.push(parent.value.as_str());
                }
            }
        }
        index += 1;
    }
    let mut issues = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for id in lineage {
        let Some(leaves) = own
            .get(id)
            .and_then(|o| o.normalized.as_ref())
            .map(|n| rules::leaves(&n.expression))
        else {
            continue;
        };
        for facts in leaves.iter().filter_map(|leaf| kb.by_id(leaf)) {
            for prohibited in &facts.prohibited {
                let Some(keyword) = prohibited.keywords.iter().find(|k| text.contains(k.as_str())) else {
                    continue;
                };
                if !seen.insert((facts.id.clone(), prohibited.what.clone())) {
                    continue;
                }
                issues.push(Issue {
                    code: Code::Lic004,
                    severity: None,
                    span: intended.span,
                    message: format!(
                        "the intended use \"{}\" mentions \"{keyword}\": {} prohibits {} ({}){}",
                        intended.value,
                        facts.id,
                        prohibited.what,
                        prohibited.clause,
                        if id == component.id.value { String::new() } else { format!(", through `{id}`") }
                    ),
                    help: "have a person decide whether the use falls under the prohibition, and record it in the checklist (`license-to-use`)".into(),
                });
            }
        }
    }
    issues
}

/// A manifest that does not say how it uses its components leaves the license rules undecided: a finding,
/// never silence (a component-free manifest has nothing to judge, and BOM001 says so).
fn usage_issues(bom: &Bom) -> Vec<Issue> {
    if bom.components().next().is_none() {
        return Vec::new();
    }
    let (span, message, help) = match (&bom.usage.span, &bom.usage.purpose) {
        (None, _) => (
            bom.project.name.span,
            "the manifest has no [usage]: the license rules cannot tell whether this use is allowed".to_string(),
            "add `[usage]` with `purpose` (commercial, research, internal or personal), `deployment` and `activities`",
        ),
        (Some(span), None) => (
            *span,
            "[usage] does not declare `purpose`: licenses that restrict commercial or research use cannot be judged"
                .to_string(),
            "add `purpose = \"commercial\"` (or research, internal, personal) to [usage]",
        ),
        (Some(_), Some(_)) => return Vec::new(),
    };
    vec![Issue {
        code: Code::Lic011,
        severity: None,
        span,
        message,
        help: help.to_string(),
    }]
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
