//! The license knowledge base: `licenses.toml`, embedded in the binary, read into [`LicenseFacts`].

use std::collections::BTreeMap;
use std::path::Path;

use crate::bom::{Spanned, choice_enum};
use crate::diag::{Problem, SourceFile};
use crate::tomlfile::reader::{Collector, TableReader, parse_document};

/// The knowledge base's source.
pub const LICENSES_TOML: &str = include_str!("licenses.toml");

choice_enum! {
    /// What sort of license it is.
    LicenseKind {
        Permissive = "permissive",
        PublicDomain = "public-domain",
        WeakCopyleft = "weak-copyleft",
        Copyleft = "copyleft",
        NetworkCopyleft = "network-copyleft",
        ContentAttribution = "content-attribution",
        ContentSharealike = "content-sharealike",
        DataAttribution = "data-attribution",
        DataSharealike = "data-sharealike",
        DataResultsFree = "data-results-free",
        Rail = "rail",
        Community = "community",
        NonCommercial = "non-commercial",
        ResearchOnly = "research-only",
        Proprietary = "proprietary",
    }
}

choice_enum! {
    /// May it be used commercially?
    Commercial { Allowed = "allowed", Conditional = "conditional", NonCommercial = "non-commercial", ResearchOnly = "research-only" }
}

choice_enum! {
    /// Must the license or its restrictions be passed on?
    FlowDown { None = "none", Copy = "copy", Enforceable = "enforceable" }
}

choice_enum! {
    /// What the license says of training other models on its outputs.
    Outputs {
        Allowed = "allowed",
        Naming = "naming",
        Attribution = "attribution",
        ProhibitedLlm = "prohibited-llm",
        ProhibitedFoundation = "prohibited-foundation",
        Derivative = "derivative",
        ResearchOnly = "research-only",
    }
}

choice_enum! {
    /// What binds models derived from it (fine-tunes, adapters, merges, quantizations).
    Derivatives { Allowed = "allowed", Inherit = "inherit", ShareAlike = "share-alike", NoShare = "no-share" }
}

choice_enum! {
    /// What training on data under this license does to the trained model.
    TrainedModel {
        Unrestricted = "unrestricted",
        Attribution = "attribution",
        Notice = "notice",
        ShareAlike = "share-alike",
        Restricted = "restricted",
        Unsettled = "unsettled",
        Agreement = "agreement",
    }
}

choice_enum! {
    /// A usage metric a threshold is measured in.
    Metric { MonthlyActiveUsers = "monthly_active_users", AnnualRevenueUsd = "annual_revenue_usd" }
}

choice_enum! {
    /// What crossing a threshold does.
    ThresholdEffect {
        SeparateLicense = "separate-license",
        Terminates = "terminates",
        VoidUntilGranted = "void-until-granted",
    }
}

choice_enum! {
    /// Which models a regional exclusion covers.
    RegionScope { All = "all", Multimodal = "multimodal" }
}

choice_enum! {
    /// When a threshold applies: always, or only to commercial use.
    AppliesWhen { Always = "always", Commercial = "commercial" }
}

/// A user or revenue threshold.
#[derive(Clone, Debug)]
pub struct Threshold {
    /// What is measured.
    pub metric: Metric,
    /// Above this the effect applies.
    pub limit: u64,
    /// What happens above it.
    pub effect: ThresholdEffect,
    /// How it is measured.
    pub note: String,
    /// Only for commercial use (Qwen, Tongyi Qianwen), or always.
    pub applies_when: AppliesWhen,
}

/// A regional exclusion.
#[derive(Clone, Debug)]
pub struct RegionExclusion {
    /// The region (as written in `[usage] regions`).
    pub region: String,
    /// Which models it applies to, in words.
    pub scope: String,
    /// `all` models under the license, or only the `multimodal` ones (Llama 3.2 Vision).
    pub applies_to: RegionScope,
    /// What it says.
    pub note: String,
}

/// Everything aitrust knows about one license.
#[derive(Clone, Debug)]
pub struct LicenseFacts {
    /// Canonical id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Where its text is.
    pub url: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// Revisions of one license share a family.
    pub family: String,
    /// Its kind.
    pub kind: LicenseKind,
    /// Commercial use.
    pub commercial: Commercial,
    /// Credit and notices must be kept.
    pub attribution: bool,
    /// NOTICE text.
    pub notice: Option<String>,
    /// Display string.
    pub display: Option<String>,
    /// The display string is owed only by derived models that are distributed or made available (Qwen §4.b),
    /// not by the licensed model itself.
    pub display_for_derivatives: bool,
    /// Distributed modified files must say they were changed (Apache-2.0 §4(b), Gemma §3.1, the RAIL licenses,
    /// Qwen §3.b).
    pub mark_modified: bool,
    /// Commercial users must register with the licensor (Stability AI Community License §III): where.
    pub registration: Option<String>,
    /// Required model-name prefix.
    pub name_prefix: Option<String>,
    /// Acceptable-use policy.
    pub use_policy: Option<String>,
    /// Pass-on duty.
    pub flow_down: FlowDown,
    /// Training on outputs.
    pub outputs: Outputs,
    /// What binds derivatives.
    pub derivatives: Derivatives,
    /// Serving counts as distribution.
    pub hosting_is_distribution: bool,
    /// Network users must be offered the source.
    pub network_copyleft: bool,
    /// For data: effect on trained models.
    pub trained_model: TrainedModel,
    /// Why it always needs review.
    pub review: Option<String>,
    /// Thresholds.
    pub thresholds: Vec<Threshold>,
    /// Regional exclusions.
    pub regions: Vec<RegionExclusion>,
    /// Uses the license (or its use policy) prohibits.
    pub prohibited: Vec<ProhibitedUse>,
    /// Phrases of the license's own text (lower case, single spaces) that together identify a LICENSE file as it.
    pub fingerprints: Vec<String>,
}

/// A use a license prohibits, with the clause and the words that suggest an intended use falls under it.
#[derive(Clone, Debug)]
pub struct ProhibitedUse {
    /// The use, in words ("medical advice").
    pub what: String,
    /// Where the license says so, quoted.
    pub clause: String,
    /// Lower-case words or stems; an intended use containing one may fall under the prohibition.
    pub keywords: Vec<String>,
}

impl LicenseFacts {
    /// Does it add restrictions or duties that a derivative must keep?
    pub fn binds_derivatives(&self) -> bool {
        self.derivatives != Derivatives::Allowed
    }
}

/// An id that names no license, with what to write instead.
#[derive(Clone, Debug)]
pub struct Ambiguous {
    /// The id.
    pub id: String,
    /// What to do.
    pub help: String,
}

/// The knowledge base.
#[derive(Clone, Debug)]
pub struct KnowledgeBase {
    /// Every license, in file order.
    pub licenses: Vec<LicenseFacts>,
    /// Ids that name no license.
    pub ambiguous: Vec<Ambiguous>,
    by_key: BTreeMap<String, usize>,
}

/// The key an alias or id is looked up by: lower case, URLs without scheme, `www.` or trailing `/`.
pub fn lookup_key(text: &str) -> String {
    let lowered = text.trim().to_ascii_lowercase();
    let without_scheme = lowered
        .strip_prefix("https://")
        .or_else(|| lowered.strip_prefix("http://"))
        .unwrap_or(&lowered);
    let without_www = without_scheme.strip_prefix("www.").unwrap_or(without_scheme);
    without_www.trim_end_matches('/').to_string()
}

impl KnowledgeBase {
    /// The embedded knowledge base.
    pub fn embedded() -> &'static KnowledgeBase {
        static KB: std::sync::OnceLock<KnowledgeBase> = std::sync::OnceLock::new();
        KB.get_or_init(|| {
            KnowledgeBase::parse(LICENSES_TOML)
                .expect("the embedded knowledge base is valid (a unit test checks it)")
        })
    }

    /// Parses a knowledge base; two keys mapping to different licenses is a problem.
    pub fn parse(text: &str) -> Result<KnowledgeBase, Box<crate::diag::FileProblems>> {
        let source = SourceFile::new(Path::new("src/license/licenses.toml"), text.to_string());
        parse_document(source, "the knowledge base", |mut top, collector| {
            let licenses: Vec<(LicenseFacts, Vec<Spanned<String>>)> = top
                .tables("license", "[[license]]")
                .into_iter()
                .filter_map(|t| read_license(t, collector))
                .collect();
            let ambiguous: Vec<Ambiguous> = top
                .tables("ambiguous", "[[ambiguous]]")
                .into_iter()
                .filter_map(|mut table| {
                    let id = table.required_string("id", "\"other\"");
                    let help = table.required_string("help", "\"...\"");
                    table.finish();
                    Some(Ambiguous {
                        id: id?.value,
                        help: help?.value,
                    })
                })
                .collect();
            top.finish();
            let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
            for (index, (facts, spans)) in licenses.iter().enumerate() {
                let keys = std::iter::once(Spanned::new(facts.id.clone(), spans[0].span))
                    .chain(spans.iter().cloned());
                for key in keys {
                    let normalized = lookup_key(&key.value);
                    match by_key.get(&normalized) {
                        Some(&other) if other != index => collector.push(Problem::new(
                            key.span,
                            format!(
                                "`{}` maps to both {} and {}",
                                key.value, licenses[other].0.id, facts.id
                            ),
                        )),
                        _ => {
                            by_key.insert(normalized, index);
                        }
                    }
                }
                // the license's own text URL names it too (a card's `license_link`), unless another entry claims
                // it or shares it (a URL two licenses share names neither)
                let url = lookup_key(&facts.url);
                let shared = licenses
                    .iter()
                    .filter(|(other, _)| lookup_key(&other.url) == url)
                    .count()
                    > 1;
                if !shared {
                    by_key.entry(url).or_insert(index);
                }
            }
            for ambiguous in &ambiguous {
                if by_key.contains_key(&lookup_key(&ambiguous.id)) {
                    collector.push(Problem::new(
                        crate::diag::Span::default(),
                        format!("`{}` is both a license and ambiguous", ambiguous.id),
                    ));
                }
            }
            Some(KnowledgeBase {
                licenses: licenses.into_iter().map(|(facts, _)| facts).collect(),
                ambiguous,
                by_key,
            })
        })
    }

    /// The license a LICENSE file's text is, by the phrases of the license texts (`fingerprints`): every phrase of
    /// an entry must occur; the entry with the most fingerprint text wins, and a tie identifies nothing.
    pub fn identify_text(&self, text: &str) -> Option<&LicenseFacts> {
        let normalized = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let mut best: Option<(usize, &LicenseFacts)> = None;
        let mut tie = false;
        for facts in &self.licenses {
            if facts.fingerprints.is_empty()
                || !facts.fingerprints.iter().all(|f| normalized.contains(f.as_str()))
            {
                continue;
            }
            let weight: usize = facts.fingerprints.iter().map(String::len).sum();
            match best {
                Some((w, _)) if w > weight => {}
                Some((w, _)) if w == weight => tie = true,
                _ => {
                    best = Some((weight, facts));
                    tie = false;
                }
            }
        }
        if tie { None } else { best.map(|(_, facts)| facts) }
    }

    /// The license an id, alias or URL names.
    pub fn find(&self, text: &str) -> Option<&LicenseFacts> {
        self.by_key
            .get(&lookup_key(text))
            .map(|&index| &self.licenses[index])
    }

    /// The facts of a canonical id.
    pub fn by_id(&self, id: &str) -> Option<&LicenseFacts> {
        self.licenses.iter().find(|facts| facts.id == id)
    }

    /// If `text` names no license (`other`, `cc`, ...), what to do instead.
    pub fn ambiguity(&self, text: &str) -> Option<&Ambiguous> {
        let key = lookup_key(text);
        self.ambiguous.iter().find(|ambiguous| ambiguous.id == key)
    }
}

fn default_trained_model(kind: LicenseKind) -> TrainedModel {
    match kind {
        LicenseKind::PublicDomain | LicenseKind::DataResultsFree => TrainedModel::Unrestricted,
        LicenseKind::Permissive | LicenseKind::ContentAttribution | LicenseKind::DataAttribution => {
            TrainedModel::Attribution
        }
        LicenseKind::ContentSharealike | LicenseKind::DataSharealike => TrainedModel::ShareAlike,
        LicenseKind::NonCommercial | LicenseKind::ResearchOnly => TrainedModel::Restricted,
        LicenseKind::Proprietary => TrainedModel::Agreement,
        _ => TrainedModel::Unsettled,
    }
}

/// Reads one `[[license]]`; returns its facts and the spans of its id and aliases (for duplicate reports).
fn read_license(
    mut table: TableReader<'_, '_>,
    collector: &Collector,
) -> Option<(LicenseFacts, Vec<Spanned<String>>)> {
    let id = table.required_string("id", "\"LicenseRef-aitrust-...\"");
    let name = table.required_string("name", "\"...\"");
    let url = table.required_string("url", "\"https://...\"");
    let aliases = table.strings("aliases");
    let family = table.string("family");
    let kind_given = table.value("kind").is_some();
    let kind = table.choice::<LicenseKind>("kind");
    if !kind_given {
        collector.push(Problem::new(table.span(), "a license needs `kind`"));
    }
    let text = |table: &mut TableReader<'_, '_>, key| table.string(key).map(|s| s.value);
    let commercial = table
        .choice("commercial")
        .map_or(Commercial::Allowed, |c| c.value);
    let attribution = table.boolean("attribution").is_some_and(|a| a.value);
    let notice = text(&mut table, "notice");
    let display = text(&mut table, "display");
    let display_for_derivatives = text(&mut table, "display_for").is_some_and(|d| d == "derivatives");
    let mark_modified = table.boolean("mark_modified").is_some_and(|m| m.value);
    let fingerprints: Vec<String> = table
        .strings("fingerprints")
        .into_iter()
        .map(|f| f.value.to_lowercase())
        .collect();
    let name_prefix = text(&mut table, "name_prefix");
    let registration = text(&mut table, "registration");
    let use_policy = text(&mut table, "use_policy");
    let flow_down = table.choice("flow_down").map_or(FlowDown::None, |f| f.value);
    let outputs = table.choice("outputs").map_or(Outputs::Allowed, |o| o.value);
    let derivatives = table
        .choice("derivatives")
        .map_or(Derivatives::Allowed, |d| d.value);
    let hosting_is_distribution = table.boolean("hosting_is_distribution").is_some_and(|h| h.value);
    let network_copyleft = table.boolean("network_copyleft").is_some_and(|n| n.value);
    let trained_model = table.choice::<TrainedModel>("trained_model");
    let review = text(&mut table, "review");
    let thresholds = table
        .tables("threshold", "[[license.threshold]]")
        .into_iter()
        .filter_map(|mut t| {
            let metric = t.choice("metric");
            let limit = t.unsigned("limit");
            let effect = t.choice("effect");
            let note = t.required_string("note", "\"...\"");
            let applies_when = t.choice("applies_when").map_or(AppliesWhen::Always, |a| a.value);
            t.finish();
            Some(Threshold {
                metric: metric?.value,
                limit: limit?.value,
                effect: effect?.value,
                note: note?.value,
                applies_when,
            })
        })
        .collect();
    let regions = table
        .tables("region", "[[license.region]]")
        .into_iter()
        .filter_map(|mut r| {
            let region = r.required_string("region", "\"EU\"");
            let scope = r.required_string("scope", "\"...\"");
            let note = r.required_string("note", "\"...\"");
            let applies_to = r.choice("applies_to").map_or(RegionScope::All, |a| a.value);
            r.finish();
            Some(RegionExclusion {
                region: region?.value,
                scope: scope?.value,
                note: note?.value,
                applies_to,
            })
        })
        .collect();
    let prohibited = table
        .tables("prohibited", "[[license.prohibited]]")
        .into_iter()
        .filter_map(|mut p| {
            let what = p.required_string("use", "\"medical advice\"");
            let clause = p.required_string("clause", "\"...\"");
            let keywords = p.strings("keywords");
            p.finish();
            Some(ProhibitedUse {
                what: what?.value,
                clause: clause?.value,
                keywords: keywords.into_iter().map(|k| k.value.to_lowercase()).collect(),
            })
        })
        .collect();
    table.finish();
    let id = id?;
    let kind = kind?.value;
    let spans = std::iter::once(id.clone())
        .chain(aliases.iter().cloned())
        .collect();
    Some((
        LicenseFacts {
            family: family.map_or_else(|| id.value.to_ascii_lowercase(), |f| f.value),
            id: id.value,
            name: name?.value,
            url: url?.value,
            aliases: aliases.into_iter().map(|a| a.value).collect(),
            kind,
            commercial,
            attribution,
            notice,
            display,
            display_for_derivatives,
            mark_modified,
            registration,
            name_prefix,
            use_policy,
            flow_down,
            outputs,
            derivatives,
            hosting_is_distribution,
            network_copyleft,
            trained_model: trained_model.map_or_else(|| default_trained_model(kind), |t| t.value),
            review,
            thresholds,
            regions,
            prohibited,
            fingerprints,
        },
        spans,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The license ids of the Hugging Face Hub (hub-docs `repositories-licenses.md`, 2026-08).
    const HUB_IDS: &[&str] = &[
        "apache-2.0",
        "mit",
        "openrail",
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "afl-3.0",
        "artistic-2.0",
        "bsl-1.0",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "c-uda",
        "cc",
        "cc0-1.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
        "cc-by-nc-2.0",
        "cc-by-nc-3.0",
        "cc-by-nc-4.0",
        "cc-by-nd-4.0",
        "cc-by-nc-nd-3.0",
        "cc-by-nc-nd-4.0",
        "cc-by-nc-sa-2.0",
        "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0",
        "cdla-sharing-1.0",
        "cdla-permissive-1.0",
        "cdla-permissive-2.0",
        "wtfpl",
        "ecl-2.0",
        "epl-1.0",
        "epl-2.0",
        "etalab-2.0",
        "eupl-1.1",
        "eupl-1.2",
        "agpl-3.0",
        "gfdl",
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "isc",
        "h-research",
        "intel-research",
        "lppl-1.3c",
        "ms-pl",
        "apple-ascl",
        "apple-amlr",
        "mpl-2.0",
        "odc-by",
        "odbl",
        "openmdw-1.0",
        "openmdw-1.1",
        "openrail++",
        "osl-3.0",
        "postgresql",
        "ofl-1.1",
        "ncsa",
        "unlicense",
        "zlib",
        "pddl",
        "lgpl-lr",
        "deepfloyd-if-license",
        "fair-noncommercial-research-license",
        "llama2",
        "llama3",
        "llama3.1",
        "llama3.2",
        "llama3.3",
        "llama4",
        "grok2-community",
        "gemma",
        "unknown",
        "other",
    ];

    /// `license_name` values seen on the Hub with `license: other`.
    const LICENSE_NAMES: &[&str] = &[
        "mrl",
        "mnpl",
        "qwen",
        "qwen-research",
        "tongyi-qianwen",
        "tongyi-qianwen-research",
        "deepseek",
        "falcon-llm-license",
        "stabilityai-ai-community",
        "nvidia-open-model-license",
    ];

    #[test]
    fn every_hub_id_is_known_or_explicitly_ambiguous() {
        let kb = KnowledgeBase::embedded();
        for id in HUB_IDS.iter().chain(LICENSE_NAMES) {
            assert!(
                kb.find(id).is_some() || kb.ambiguity(id).is_some(),
                "{id} is unknown"
            );
        }
        for id in ["other", "unknown", "cc", "bsd", "gpl", "lgpl", "gfdl"] {
            assert!(kb.ambiguity(id).is_some(), "{id} must be ambiguous");
        }
    }

    #[test]
    fn every_entry_has_a_source_and_a_valid_id() {
        let kb = KnowledgeBase::embedded();
        assert!(kb.licenses.len() >= 90);
        for facts in &kb.licenses {
            assert!(
                facts.url.starts_with("https://") || facts.url.starts_with("http://"),
                "{} has no source URL",
                facts.id
            );
            if let Some(name) = facts.id.strip_prefix("LicenseRef-") {
                assert!(
                    name.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
                    "{}",
                    facts.id
                );
                assert!(spdx::license_id(&facts.id).is_none());
            } else {
                assert!(
                    spdx::license_id(&facts.id).is_some(),
                    "{} is not an SPDX id",
                    facts.id
                );
            }
            if facts.commercial == Commercial::Conditional && facts.kind == LicenseKind::Community {
                // a conditional community license must say what the condition is
                assert!(
                    !facts.thresholds.is_empty() || facts.review.is_some(),
                    "{}",
                    facts.id
                );
            }
        }
    }

    #[test]
    fn an_alias_mapping_to_two_licenses_is_rejected() {
        let text = "[[license]]\nid = \"MIT\"\nname = \"a\"\nurl = \"https://a\"\nkind = \"permissive\"\naliases = [\"x\"]\n\
[[license]]\nid = \"ISC\"\nname = \"b\"\nurl = \"https://b\"\nkind = \"permissive\"\naliases = [\"X\"]\n";
        let error = KnowledgeBase::parse(text).unwrap_err();
        assert!(
            error.to_string().contains("`X` maps to both MIT and ISC"),
            "{error}"
        );
    }
}
