//! Table-driven tests of the license rules: (license × usage) for every fact, lineage scenarios, training
//! data, and policy semantics. Each case is a small manifest assessed through the library.

use std::path::Path;

use aitrust::license::assess::{Assessment, assess};
use aitrust::license::rules::LicenseVerdict::{self, *};

fn assessment(manifest: &str) -> Assessment {
    let bom = aitrust::bom::from_bytes(Path::new("aibom.toml"), Path::new("."), manifest.as_bytes())
        .unwrap_or_else(|error| panic!("{error}\n{manifest}"));
    assess(&bom, aitrust::license::KnowledgeBase::embedded())
}

/// A project using one Hub model under `license` with `usage` lines.
fn one_model(license: &str, usage: &str) -> String {
    format!(
        "schema = 1\n[project]\nname = \"p\"\n[usage]\n{usage}\n[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"org/m\"\nlicense = \"{license}\"\n"
    )
}

fn verdict_and_codes(manifest: &str) -> (LicenseVerdict, Vec<String>) {
    let result = assessment(manifest);
    let component = &result.components[0];
    let mut codes: Vec<String> = component
        .issues
        .iter()
        .map(|i| i.code.as_str().to_string())
        .collect();
    codes.dedup();
    (component.verdict, codes)
}

const COMMERCIAL_SAAS: &str = "purpose = \"commercial\"\ndeployment = \"saas\"\nactivities = [\"serve\"]";
const RESEARCH: &str = "purpose = \"research\"\ndeployment = \"internal\"";

#[test]
fn license_by_usage_table() {
    let cases: &[(&str, &str, LicenseVerdict, &[&str])] = &[
        // permissive licenses: nothing to decide
        ("apache-2.0", COMMERCIAL_SAAS, Allow, &[]),
        (
            "MIT",
            "purpose = \"commercial\"\ndeployment = \"distributed\"",
            AllowWithObligations,
            &[],
        ),
        ("cc0-1.0", COMMERCIAL_SAAS, Allow, &[]),
        // non-commercial and research-only terms against the purpose
        ("cc-by-nc-4.0", COMMERCIAL_SAAS, Deny, &["LIC003"]),
        ("cc-by-nc-4.0", RESEARCH, Allow, &[]),
        ("cc-by-nc-4.0", "purpose = \"internal\"", NeedsReview, &["LIC004"]),
        ("cc-by-nc-4.0", "purpose = \"personal\"", Allow, &[]),
        ("mrl", COMMERCIAL_SAAS, Deny, &["LIC003"]),
        ("mrl", "purpose = \"internal\"", Deny, &["LIC003"]),
        ("mrl", RESEARCH, Allow, &[]),
        ("apple-amlr", COMMERCIAL_SAAS, Deny, &["LIC003"]),
        ("qwen-research", COMMERCIAL_SAAS, Deny, &["LIC003"]),
        (
            "fair-noncommercial-research-license",
            COMMERCIAL_SAAS,
            Deny,
            &["LIC003"],
        ),
        // no [usage] purpose: restricted terms cannot pass
        ("cc-by-nc-4.0", "deployment = \"saas\"", NeedsReview, &["LIC004"]),
        // user thresholds: below, above, unknown
        (
            "llama3.1",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 50000"),
            AllowWithObligations,
            &[],
        ),
        // Llama 3.1 §2: above 700M monthly active users "you are not authorized to exercise any of the rights
        // under this Agreement unless or until Meta otherwise expressly grants you such rights"
        (
            "llama3.1",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 800000000"),
            Deny,
            &["LIC003"],
        ),
        (
            "llama2",
            &format!("{RESEARCH}\nmonthly_active_users = 800000000"),
            Deny,
            &["LIC003"],
        ),
        // the grant, recorded as a license exception for the component, restores the rights
        (
            "llama3.1",
            &format!(
                "{COMMERCIAL_SAAS}\nmonthly_active_users = 800000000\n[policy]\nlicenses.exceptions = [{{ component = \"m\", allow = [\"LicenseRef-aitrust-llama3.1\"], reason = \"Meta granted a license on 2026-10-01\", evidence = \"legal/meta-grant.pdf\" }}]"
            ),
            AllowWithObligations,
            &[],
        ),
        ("llama3.1", COMMERCIAL_SAAS, AllowWithObligations, &[]),
        // Qwen LICENSE AGREEMENT §4.a: "If you are commercially using the Materials, and your product or service
        // has more than 100 million monthly active users, you shall request a license from us. You cannot
        // exercise your rights under this Agreement without our authorization."
        (
            "qwen",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 150000000"),
            Deny,
            &["LIC003"],
        ),
        // ... and only when commercially using: research at 300M is not over the threshold
        (
            "qwen",
            &format!("{RESEARCH}\nmonthly_active_users = 300000000"),
            Allow,
            &[],
        ),
        // Tongyi Qianwen LICENSE AGREEMENT §4.a, the same clause
        (
            "tongyi-qianwen",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 150000000"),
            Deny,
            &["LIC003"],
        ),
        (
            "tongyi-qianwen",
            &format!("{RESEARCH}\nmonthly_active_users = 300000000"),
            Allow,
            &[],
        ),
        (
            "qwen",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 90000000"),
            Allow,
            &[],
        ),
        (
            "qwen",
            "purpose = \"commercial\"\ndeployment = \"distributed\"\nmonthly_active_users = 5",
            AllowWithObligations,
            &[],
        ),
        // revenue threshold that terminates the license
        (
            "stabilityai-ai-community",
            &format!("{COMMERCIAL_SAAS}\nannual_revenue_usd = 2000000"),
            Deny,
            &["LIC003"],
        ),
        (
            "stabilityai-ai-community",
            &format!("{COMMERCIAL_SAAS}\nannual_revenue_usd = 500000"),
            AllowWithObligations,
            &[],
        ),
        (
            "stabilityai-ai-community",
            COMMERCIAL_SAAS,
            NeedsReview,
            &["LIC004"],
        ),
        // Stability AI Community License §II: research and non-commercial use is licensed without the revenue
        // condition, which binds commercial use only
        (
            "stabilityai-ai-community",
            &format!("{RESEARCH}\nannual_revenue_usd = 2000000"),
            AllowWithObligations,
            &[],
        ),
        // regional exclusions: Llama 3.2's EU clause covers its multimodal models only (see
        // regional_exclusions_follow_membership_and_model_scope), Llama 4's every model
        (
            "llama3.2",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 10\nregions = [\"EU\", \"US\"]"),
            AllowWithObligations,
            &[],
        ),
        (
            "llama4",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 10\nregions = [\"DE\"]"),
            NeedsReview,
            &["LIC004"],
        ),
        (
            "llama3.2",
            &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 10\nregions = [\"US\"]"),
            AllowWithObligations,
            &[],
        ),
        // output clauses
        (
            "llama3",
            "purpose = \"commercial\"\nactivities = [\"train-on-outputs\"]\nmonthly_active_users = 1",
            Deny,
            &["LIC003"],
        ),
        (
            "llama2",
            "purpose = \"research\"\nactivities = [\"distill\"]",
            Deny,
            &["LIC003"],
        ),
        (
            "tongyi-qianwen",
            "purpose = \"commercial\"\nactivities = [\"distill\"]\nmonthly_active_users = 1",
            Deny,
            &["LIC003"],
        ),
        (
            "llama3.1",
            "purpose = \"commercial\"\nactivities = [\"distill\"]\nmonthly_active_users = 1",
            AllowWithObligations,
            &[],
        ),
        (
            "stabilityai-ai-community",
            "purpose = \"research\"\nactivities = [\"train-on-outputs\"]",
            NeedsReview,
            &["LIC004"],
        ),
        (
            "gemma",
            "purpose = \"commercial\"\nactivities = [\"distill\"]",
            AllowWithObligations,
            &[],
        ),
        (
            "mrl",
            "purpose = \"research\"\nactivities = [\"distill\"]",
            Allow,
            &[],
        ),
        // no-derivatives
        (
            "cc-by-nd-4.0",
            "purpose = \"commercial\"\nactivities = [\"fine-tune\", \"redistribute-weights\"]",
            Deny,
            &["LIC003"],
        ),
        (
            "cc-by-nd-4.0",
            "purpose = \"commercial\"\nactivities = [\"fine-tune\"]",
            NeedsReview,
            &["LIC004"],
        ),
        // FAIR Noncommercial Research License v1: "You will not use the Research Materials or any outputs or
        // results of the Research Materials in connection with any commercial uses or for any uses other than
        // Noncommercial Research Uses"
        (
            "fair-noncommercial-research-license",
            COMMERCIAL_SAAS,
            Deny,
            &["LIC003"],
        ),
        (
            "FAIR Noncommercial Research License v1",
            "purpose = \"internal\"",
            Deny,
            &["LIC003"],
        ),
        ("fair-noncommercial-research-license", RESEARCH, Allow, &[]),
        // the original LLaMA (v1) weights: licensed "solely for your non-commercial research purposes"; Llama 2's
        // 700M-user community terms do not apply to them (LLaMA v1 license agreement)
        ("llama1", COMMERCIAL_SAAS, Deny, &["LIC003", "LIC004"]),
        ("llama-v1", RESEARCH, NeedsReview, &["LIC004"]),
        // unverified terms always need a person
        ("falcon-llm-license", COMMERCIAL_SAAS, NeedsReview, &["LIC004"]),
        // SPDX OR: the better alternative; AND: every term
        ("cc-by-nc-4.0 OR apache-2.0", COMMERCIAL_SAAS, Allow, &[]),
        ("cc-by-nc-4.0 AND apache-2.0", COMMERCIAL_SAAS, Deny, &["LIC003"]),
        ("(mrl OR gpl-3.0) AND mit", COMMERCIAL_SAAS, Allow, &[]),
        // unknown and ambiguous: never a pass
        ("LicenseRef-acme-eula", COMMERCIAL_SAAS, Deny, &["LIC002"]),
        ("other", COMMERCIAL_SAAS, Deny, &["LIC002"]),
        ("cc", COMMERCIAL_SAAS, Deny, &["LIC002"]),
        ("unknown", RESEARCH, Deny, &["LIC002"]),
        ("definitely-not-a-license", COMMERCIAL_SAAS, Deny, &["LIC002"]),
        // an SPDX license aitrust has no entry for is judged by its SPDX flags
        ("Beerware", COMMERCIAL_SAAS, Deny, &["LIC002"]),
        ("BlueOak-1.0.0", COMMERCIAL_SAAS, Allow, &[]),
    ];
    for (license, usage, expected, expected_codes) in cases {
        let (verdict, codes) = verdict_and_codes(&one_model(license, usage));
        assert_eq!(verdict, *expected, "{license} with {usage:?}: codes {codes:?}");
        assert_eq!(codes, *expected_codes, "{license} with {usage:?}");
    }
}

/// Stability AI Community License §III: "If You are using or distributing the Stability AI Materials for a
/// Commercial Purpose, You must register with Stability AI at (https://stability.ai/community-license)", and a
/// Commercial Purpose includes "Your business's or organization's internal operations". Research and
/// non-commercial use owes no registration.
#[test]
fn stability_commercial_use_must_register() {
    let registers = |usage: &str| {
        let result = assessment(&one_model("stabilityai-ai-community", usage));
        result.components[0]
            .obligations
            .iter()
            .any(|o| o.contains("register") && o.contains("https://stability.ai/community-license"))
    };
    assert!(registers(&format!(
        "{COMMERCIAL_SAAS}\nannual_revenue_usd = 500000"
    )));
    assert!(registers("purpose = \"internal\"\nannual_revenue_usd = 500000"));
    assert!(
        registers("deployment = \"internal\""),
        "an undeclared purpose may be commercial"
    );
    assert!(!registers(RESEARCH));
    assert!(!registers("purpose = \"personal\""));
    // the other community licenses have no registration duty
    let llama = assessment(&one_model("llama3.1", COMMERCIAL_SAAS));
    assert!(
        !llama.components[0]
            .obligations
            .iter()
            .any(|o| o.contains("register"))
    );
}

/// The Llama 3.2 Acceptable Use Policy, incorporated by the Llama 3.2 Community License: "With respect to any multimodal models
/// included in Llama 3.2, the rights granted under Section 1(a) ... are not being granted to you if you are an
/// individual domiciled in, or a company with a principal place of business in, the European Union." Any EU member
/// (by ISO 3166 code or name), the EEA, or a wider region counts; text-only 3.2 models are not covered.
#[test]
fn regional_exclusions_follow_membership_and_model_scope() {
    let case = |name: &str, regions: &str| {
        let manifest = format!(
            "schema = 1\n[project]\nname = \"p\"\n[usage]\n{COMMERCIAL_SAAS}\nmonthly_active_users = 10\nregions = [{regions}]\n\
[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"{name}\"\nlicense = \"llama3.2\"\n"
        );
        verdict_and_codes(&manifest)
    };
    let vision = "meta-llama/Llama-3.2-11B-Vision-Instruct";
    let text = "meta-llama/Llama-3.2-3B-Instruct";
    for region in [
        "\"EU\"",
        "\"DE\"",
        "\"AT\"",
        "\"FRA\"",
        "\"European Union\"",
        "\"EEA\"",
        "\"Netherlands\"",
        "\"worldwide\"",
    ] {
        assert_eq!(
            case(vision, region),
            (NeedsReview, vec!["LIC004".to_string()]),
            "{region}"
        );
        assert_eq!(
            case(text, region),
            (AllowWithObligations, vec![]),
            "text-only, {region}"
        );
    }
    for region in ["\"US\"", "\"CH\"", "\"GB\"", "\"NO\""] {
        assert_eq!(
            case(vision, region),
            (AllowWithObligations, vec![]),
            "{region} is not in the EU"
        );
    }
}

/// Installing the weights at a customer's site hands them over: the distribution duties apply (Llama 3.1 §1.b:
/// "If you distribute or make available the Llama Materials (or any derivative works thereof) ... you shall
/// provide a copy of this Agreement ... and prominently display 'Built with Llama'").
#[test]
fn on_premises_delivery_is_distribution() {
    let obligations = |deployment: &str| {
        let result = assessment(&one_model(
            "llama3.1",
            &format!("purpose = \"commercial\"\ndeployment = \"{deployment}\"\nmonthly_active_users = 10"),
        ));
        result.components[0].obligations.join("\n")
    };
    let on_premises = obligations("on-premises");
    assert!(on_premises.contains("Built with Llama"), "{on_premises}");
    assert_eq!(
        on_premises,
        obligations("distributed"),
        "the same duties as distributing"
    );
    assert!(!obligations("internal").contains("Built with Llama"));
}

/// `GPL-2.0+` is "version 2 or any later version"; the deprecated bare `GPL-2.0` means "only" (SPDX license list,
/// deprecated ids), so the canonical form keeps the `or-later`.
#[test]
fn or_later_is_never_lost() {
    let kb = aitrust::license::KnowledgeBase::embedded();
    for (given, canonical) in [
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("LGPL-2.1+", "LGPL-2.1-or-later"),
        ("GPL-3.0+ OR MIT", "GPL-3.0-or-later OR MIT"),
        ("GPL-2.0-or-later", "GPL-2.0-or-later"),
    ] {
        let normalized = aitrust::license::normalize::normalize(given, kb).unwrap();
        assert_eq!(normalized.canonical, canonical, "{given}");
    }
}

#[test]
fn obligations_are_collected() {
    let result = assessment(&one_model(
        "llama3.1",
        &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 1000"),
    ));
    let obligations = &result.components[0].obligations;
    let has = |text: &str| obligations.iter().any(|o| o.contains(text));
    assert!(has("Built with Llama"), "{obligations:#?}");
    assert!(has("acceptable-use policy"), "{obligations:#?}");
    assert!(has("give recipients a copy"), "{obligations:#?}");
    let result = assessment(&one_model(
        "llama3.1",
        "purpose = \"commercial\"\ndeployment = \"distributed\"\nactivities = [\"fine-tune\"]\nmonthly_active_users = 1",
    ));
    let obligations = &result.components[0].obligations;
    assert!(
        obligations
            .iter()
            .any(|o| o.contains("NOTICE") && o.contains("Llama 3.1 is licensed")),
        "{obligations:#?}"
    );
    assert!(
        obligations.iter().any(|o| o.contains("starting with \"Llama\"")),
        "{obligations:#?}"
    );
    let result = assessment(&one_model("gemma", COMMERCIAL_SAAS));
    assert!(
        result.components[0]
            .obligations
            .iter()
            .any(|o| o.contains("enforceable provision"))
    );
    let result = assessment(&one_model("agpl-3.0", COMMERCIAL_SAAS));
    assert!(
        result.components[0]
            .obligations
            .iter()
            .any(|o| o.contains("source of modified versions"))
    );
}

fn lineage(child_license: &str, relation: &str, parent_license: &str, usage: &str) -> String {
    format!(
        "schema = 1\n[project]\nname = \"p\"\n[usage]\n{usage}\n\
[[model]]\nid = \"base\"\nsource = \"huggingface\"\nname = \"org/base\"\nlicense = \"{parent_license}\"\n\
[[model]]\nid = \"child\"\nsource = \"huggingface\"\nname = \"org/child\"\nlicense = \"{child_license}\"\nbase_model = [\"base\"]\nrelation = \"{relation}\"\n"
    )
}

fn child(manifest: &str) -> (LicenseVerdict, Vec<String>) {
    let result = assessment(manifest);
    let component = result.component("child").unwrap();
    (
        component.verdict,
        component
            .issues
            .iter()
            .map(|i| i.code.as_str().to_string())
            .collect(),
    )
}

#[test]
fn lineage_table() {
    let usage = format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 1000");
    let cases: &[(&str, &str, &str, LicenseVerdict, &[&str])] = &[
        // a Llama fine-tune labelled Apache-2.0 is drift
        ("apache-2.0", "finetune", "llama3.1", Deny, &["LIC004", "LIC006"]),
        ("llama3.1", "finetune", "llama3.1", NeedsReview, &["LIC004"]),
        // an inherited license cannot be dropped by offering an alternative (Llama 3.1 §1.b.i: a derivative
        // distributed carries this Agreement): every OR alternative must be one the publisher could grant
        (
            "llama3.1 OR apache-2.0",
            "finetune",
            "llama3.1",
            Deny,
            &["LIC004", "LIC006"],
        ),
        (
            "llama3.1 AND mit",
            "finetune",
            "llama3.1",
            NeedsReview,
            &["LIC004"],
        ),
        ("llama3.1", "adapter", "llama3.1", NeedsReview, &["LIC004"]),
        ("mit", "quantized", "gemma", Deny, &["LIC006"]),
        // a later revision of the same family: review, not drift
        (
            "llama3.1",
            "finetune",
            "llama3",
            NeedsReview,
            &["LIC004", "LIC004"],
        ),
        // permissive parents may be relicensed
        ("mit", "finetune", "apache-2.0", Allow, &[]),
        // a non-commercial parent binds the child whatever it declares
        (
            "cc-by-nc-4.0",
            "finetune",
            "cc-by-nc-4.0",
            Deny,
            &["LIC003", "LIC003"],
        ),
        ("apache-2.0", "merge", "cc-by-nc-4.0", Deny, &["LIC003", "LIC006"]),
        // share-alike parent binds the child's license
        ("apache-2.0", "finetune", "cc-by-sa-4.0", Deny, &["LIC006"]),
        // distillation inherits output clauses only
        ("apache-2.0", "distilled", "llama3", Deny, &["LIC003"]),
        ("apache-2.0", "distilled", "gemma", AllowWithObligations, &[]),
        // Llama 3.1 §1.b.i: a model built from Llama outputs and made available must be named "Llama..."; the
        // student here is called "child" (see distilled_students_carry_the_prefix for a compliant name)
        ("apache-2.0", "distilled", "llama3.1", NeedsReview, &["LIC004"]),
    ];
    for (child_license, relation, parent_license, expected, expected_codes) in cases {
        let (verdict, codes) = child(&lineage(child_license, relation, parent_license, &usage));
        assert_eq!(
            verdict, *expected,
            "{child_license} {relation} of {parent_license}: {codes:?}"
        );
        assert_eq!(
            codes, *expected_codes,
            "{child_license} {relation} of {parent_license}"
        );
    }
    // a served Llama derivative must be named "Llama..."
    let named = lineage("llama3.1", "finetune", "llama3.1", &usage)
        .replace("name = \"org/child\"", "name = \"org/Llama-3.1-support\"");
    assert_eq!(child(&named), (AllowWithObligations, vec![]));
    let unnamed = lineage("llama3.1", "finetune", "llama3.1", &usage);
    assert_eq!(child(&unnamed).1, ["LIC004"]);
    let private = lineage(
        "llama3.1",
        "finetune",
        "llama3.1",
        "purpose = \"internal\"\ndeployment = \"internal\"\nmonthly_active_users = 5",
    );
    assert_eq!(child(&private), (AllowWithObligations, vec![]));
    let manifest = lineage("apache-2.0", "distilled", "llama3.1", &usage);
    let result = assessment(&manifest);
    assert!(
        result
            .component("child")
            .unwrap()
            .obligations
            .iter()
            .any(|o| o.contains("starting with \"Llama\""))
    );
}

#[test]
fn distilled_students_carry_the_prefix() {
    let usage = format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 1000");
    let manifest = lineage("apache-2.0", "distilled", "llama3.1", &usage)
        .replace("org/child", "acme/Llama-3.1-Acme-Distill-8B");
    assert_eq!(child(&manifest), (AllowWithObligations, vec![]));
}

#[test]
fn conflicting_duties_in_a_merge() {
    let manifest = "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"a\"\nsource = \"huggingface\"\nname = \"o/a\"\nlicense = \"cc-by-sa-4.0\"\n\
[[model]]\nid = \"b\"\nsource = \"huggingface\"\nname = \"o/b\"\nlicense = \"gpl-3.0\"\n\
[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"o/m\"\nlicense = \"cc-by-sa-4.0 AND gpl-3.0\"\nbase_model = [\"a\", \"b\"]\nrelation = \"merge\"\n";
    let result = assessment(manifest);
    let codes: Vec<&str> = result
        .component("m")
        .unwrap()
        .issues
        .iter()
        .map(|i| i.code.as_str())
        .collect();
    assert!(codes.contains(&"LIC007"), "{codes:?}");
    let manifest = "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"a\"\nsource = \"huggingface\"\nname = \"o/a\"\nlicense = \"llama3\"\n\
[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"o/m\"\nlicense = \"llama3 AND llama3.1\"\nbase_model = [\"a\"]\nrelation = \"merge\"\n";
    // "Llama 3" and "Llama" do not exclude each other ("Llama 3 ..." satisfies both)
    let result = assessment(manifest);
    assert!(
        result
            .component("m")
            .unwrap()
            .issues
            .iter()
            .all(|i| i.code.as_str() != "LIC007")
    );
    let manifest = "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"research\"\n\
[[model]]\nid = \"a\"\nsource = \"huggingface\"\nname = \"o/a\"\nlicense = \"cc-by-sa-4.0\"\n\
[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"o/m\"\nlicense = \"cc-by-sa-4.0 AND gemma\"\nbase_model = [\"a\"]\nrelation = \"finetune\"\n";
    let result = assessment(manifest);
    assert!(
        result
            .component("m")
            .unwrap()
            .issues
            .iter()
            .any(|i| i.code.as_str() == "LIC007" && i.message.contains("added use restrictions"))
    );
}

fn trained_on(data_license: &str, usage: &str, policy: &str) -> String {
    format!(
        "schema = 1\n[project]\nname = \"p\"\n[usage]\n{usage}\n\
[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"o/m\"\nlicense = \"apache-2.0\"\ntrained_on = [\"d\"]\n\
[[dataset]]\nid = \"d\"\nsource = \"huggingface\"\nname = \"o/d\"\nlicense = \"{data_license}\"\n{policy}"
    )
}

#[test]
fn training_data_table() {
    let strict = "[policy]\nlicenses.training_data = \"strict\"\n";
    /// (dataset license, usage, policy, model verdict, codes on the model, severity of the first)
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        LicenseVerdict,
        &'a [&'a str],
        Option<&'a str>,
    );
    let cases: &[Case] = &[
        (
            "cc-by-nc-4.0",
            COMMERCIAL_SAAS,
            "",
            NeedsReview,
            &["LIC008"],
            Some("warning"),
        ),
        (
            "cc-by-nc-4.0",
            COMMERCIAL_SAAS,
            strict,
            Deny,
            &["LIC008"],
            Some("error"),
        ),
        ("cc-by-nc-4.0", RESEARCH, "", Allow, &[], None),
        (
            "ms-marco",
            COMMERCIAL_SAAS,
            "",
            NeedsReview,
            &["LIC008"],
            Some("warning"),
        ),
        ("cdla-permissive-2.0", COMMERCIAL_SAAS, "", Allow, &[], None),
        ("cc-by-4.0", COMMERCIAL_SAAS, "", AllowWithObligations, &[], None),
        ("odbl", COMMERCIAL_SAAS, "", AllowWithObligations, &[], None),
        (
            "cc-by-sa-4.0",
            COMMERCIAL_SAAS,
            "",
            AllowWithObligations,
            &[],
            None,
        ),
        (
            "cc-by-sa-4.0",
            "purpose = \"commercial\"\ndeployment = \"distributed\"",
            "",
            NeedsReview,
            &["LIC008"],
            Some("warning"),
        ),
    ];
    for (license, usage, policy, expected, expected_codes, severity) in cases {
        let result = assessment(&trained_on(license, usage, policy));
        let model = result.component("m").unwrap();
        let codes: Vec<&str> = model.issues.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            model.verdict, *expected,
            "{license} {usage:?} {policy:?}: {codes:?}"
        );
        assert_eq!(codes, *expected_codes, "{license} {usage:?} {policy:?}");
        if let Some(severity) = severity {
            assert_eq!(model.issues[0].severity.map(|s| s.as_str()), Some(*severity));
            assert!(
                model.issues[0].help.contains("unsettled") || model.issues[0].message.contains("unsettled")
            );
        }
        // the dataset itself is not a direct use: no LIC003 on it
        let data = result.component("d").unwrap();
        assert!(
            data.issues.iter().all(|i| i.code.as_str() != "LIC003"),
            "{license}"
        );
    }
}

#[test]
fn policy_semantics() {
    let with_policy = |license: &str, policy: &str| {
        let manifest = format!("{}[policy]\n{policy}\n", one_model(license, COMMERCIAL_SAAS));
        verdict_and_codes(&manifest)
    };
    // deny wins over allow
    assert_eq!(
        with_policy(
            "apache-2.0",
            "licenses.allow = [\"Apache-2.0\"]\nlicenses.deny = [\"apache-2.0\"]"
        ),
        (Deny, vec!["LIC005".into()])
    );
    // with an allow list, anything not allowed is denied
    assert_eq!(
        with_policy("mit", "licenses.allow = [\"Apache-2.0\"]"),
        (Deny, vec!["LIC005".into()])
    );
    assert_eq!(with_policy("mit", "licenses.allow = [\"mit\"]"), (Allow, vec![]));
    // an OR takes the allowed alternative
    assert_eq!(
        with_policy("mit OR apache-2.0", "licenses.allow = [\"Apache-2.0\"]").0,
        Allow
    );
    // exceptions allow a license for one component only
    assert_eq!(
        with_policy("mit", "licenses.allow = [\"Apache-2.0\"]\nlicenses.exceptions = [{ component = \"m\", allow = [\"MIT\"] }]").0,
        Allow
    );
    // unknown = warn turns unknown licenses into a review
    let result = assessment(&format!(
        "{}[policy]\nlicenses.unknown = \"warn\"\n",
        one_model("LicenseRef-acme", COMMERCIAL_SAAS)
    ));
    assert_eq!(result.components[0].verdict, NeedsReview);
    assert_eq!(
        result.components[0].issues[0].severity.map(|s| s.as_str()),
        Some("warning")
    );
    // unused allow and exception entries are reported
    let result = assessment(&format!(
        "{}[policy]\nlicenses.allow = [\"Apache-2.0\", \"MIT\"]\nlicenses.exceptions = [{{ component = \"m\", allow = [\"GPL-3.0-only\"] }}]\n",
        one_model("apache-2.0", COMMERCIAL_SAAS)
    ));
    let unused: Vec<&str> = result.issues.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(unused.len(), 2, "{unused:?}");
    assert!(
        unused[0].contains("MIT") && unused[1].contains("GPL-3.0-only"),
        "{unused:?}"
    );
}

#[test]
fn missing_license_and_card_mismatch() {
    let manifest = "schema = 1\n[project]\nname = \"p\"\n[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"https://e.x\"\n";
    let (verdict, codes) = verdict_and_codes(manifest);
    assert_eq!((verdict, codes), (Deny, vec!["LIC001".to_string()]));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests/demo/aibom.toml");
    let text = std::fs::read_to_string(&demo).unwrap().replace(
        "license = \"apache-2.0\"\npublisher = \"sentence-transformers\"",
        "license = \"mit\"\npublisher = \"sentence-transformers\"",
    );
    let bom = aitrust::bom::from_bytes(&demo, demo.parent().unwrap(), text.as_bytes()).unwrap();
    let result = assess(&bom, aitrust::license::KnowledgeBase::embedded());
    let issue = result
        .component("minilm")
        .unwrap()
        .issues
        .iter()
        .find(|i| i.code.as_str() == "LIC009")
        .expect("card mismatch");
    assert!(
        issue
            .message
            .contains("says Apache-2.0, the manifest says \"mit\""),
        "{}",
        issue.message
    );
}

/// License URLs as model cards write them (Meta moved the Llama texts from llama.meta.com to www.llama.com; CC
/// texts are linked as the deed or the `legalcode`), and full names, resolve to the license they name.
#[test]
fn license_urls_and_full_names_resolve() {
    let kb = aitrust::license::KnowledgeBase::embedded();
    for (given, canonical) in [
        (
            "https://www.llama.com/llama3_1/license/",
            "LicenseRef-aitrust-llama3.1",
        ),
        (
            "https://llama.meta.com/llama3_1/license",
            "LicenseRef-aitrust-llama3.1",
        ),
        (
            "https://llama.meta.com/llama3_2/license/",
            "LicenseRef-aitrust-llama3.2",
        ),
        (
            "https://www.llama.com/llama3/license/",
            "LicenseRef-aitrust-llama3",
        ),
        (
            "https://www.llama.com/llama4/license/",
            "LicenseRef-aitrust-llama4",
        ),
        (
            "https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode",
            "CC-BY-NC-SA-4.0",
        ),
        (
            "https://creativecommons.org/licenses/by-nc-sa/4.0/",
            "CC-BY-NC-SA-4.0",
        ),
        (
            "https://creativecommons.org/licenses/by/4.0/legalcode.en",
            "CC-BY-4.0",
        ),
        (
            "CreativeML OpenRAIL-M",
            "LicenseRef-aitrust-creativeml-openrail-m",
        ),
        (
            "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE",
            "LicenseRef-aitrust-qwen",
        ),
    ] {
        let normalized = aitrust::license::normalize::normalize(given, kb)
            .unwrap_or_else(|error| panic!("{given}: {error}"));
        assert_eq!(normalized.canonical, canonical, "{given}");
    }
}

/// Qwen LICENSE AGREEMENT §3.c: distributed copies carry a "Notice" text file with the attribution notice.
#[test]
fn qwen_distributions_ship_its_notice() {
    let result = assessment(&one_model(
        "qwen",
        "purpose = \"commercial\"\ndeployment = \"distributed\"\nmonthly_active_users = 5",
    ));
    let obligations = result.components[0].obligations.join("\n");
    assert!(
        obligations
            .contains("Qwen is licensed under the Qwen LICENSE AGREEMENT, Copyright (c) Alibaba Cloud."),
        "{obligations}"
    );
}

/// `falcon` names three licenses (Falcon-7B/40B: Apache-2.0; Falcon-180B: its own TII license with a hosting
/// restriction, §8; Falcon 2/3: TII Falcon License 2.0): it is a finding, never a guess.
#[test]
fn falcon_alone_names_no_license() {
    let (verdict, codes) = verdict_and_codes(&one_model("falcon", COMMERCIAL_SAAS));
    assert_eq!((verdict, codes), (Deny, vec!["LIC002".to_string()]));
    let (verdict, codes) = verdict_and_codes(&one_model("falcon-180b-license", COMMERCIAL_SAAS));
    assert_eq!((verdict, codes), (NeedsReview, vec!["LIC004".to_string()]));
    let (verdict, _) = verdict_and_codes(&one_model("falcon-llm-license", COMMERCIAL_SAAS));
    assert_ne!(verdict, Deny);
}

/// Uses a license prohibits are screened against the component's `intended_use`, along its lineage: a match is
/// LIC004 naming the clause (a prompt for a person), never silence, and never a verdict of `allow`.
#[test]
fn prohibited_uses_are_screened_against_the_intended_use() {
    let with_use = |license: &str, intended: &str| {
        format!(
            "schema = 1\n[project]\nname = \"p\"\n[usage]\n{COMMERCIAL_SAAS}\nmonthly_active_users = 10\n\
[[model]]\nid = \"m\"\nsource = \"huggingface\"\nname = \"org/m\"\nlicense = \"{license}\"\nintended_use = \"{intended}\"\n"
        )
    };
    let cases: &[(&str, &str, bool, &str)] = &[
        // CreativeML OpenRAIL-M Attachment A: "To provide medical advice and medical results interpretation"
        (
            "creativeml-openrail-m",
            "explain lab results to patients",
            true,
            "medical advice",
        ),
        ("creativeml-openrail-m", "product photos for the shop", false, ""),
        // DeepSeek License Attachment A: "For military use in any way"
        (
            "deepseek",
            "target recognition for a military drone",
            true,
            "military use",
        ),
        // OpenRAIL Attachment A: fully automated decisions on legal rights
        (
            "bigscience-openrail-m",
            "automated loan approval",
            true,
            "fully automated decisions",
        ),
        // Gemma Prohibited Use Policy: surveillance and facial recognition
        (
            "gemma",
            "facial recognition at the entrance",
            true,
            "surveillance",
        ),
        ("apache-2.0", "explain lab results to patients", false, ""),
    ];
    for (license, intended, flagged, what) in cases {
        let result = assessment(&with_use(license, intended));
        let component = &result.components[0];
        let found: Vec<&str> = component
            .issues
            .iter()
            .filter(|i| i.message.contains("prohibits"))
            .map(|i| i.message.as_str())
            .collect();
        assert_eq!(!found.is_empty(), *flagged, "{license}: {intended}: {found:?}");
        if *flagged {
            assert!(found.iter().any(|m| m.contains(what)), "{found:?}");
            assert!(
                component.verdict >= NeedsReview,
                "{license}: never allow with a prohibited use"
            );
        }
    }
    // through the lineage: a fine-tune of a Gemma model inherits the prohibition, whatever it declares
    let manifest = "schema = 1\n[project]\nname = \"p\"\n[usage]\npurpose = \"internal\"\n\
[[model]]\nid = \"base\"\nsource = \"huggingface\"\nname = \"google/gemma-2-9b\"\nlicense = \"gemma\"\n\
[[model]]\nid = \"child\"\nsource = \"local\"\npath = \"m\"\nlicense = \"apache-2.0\"\nbase_model = [\"base\"]\nrelation = \"finetune\"\nintended_use = \"biometric identification of visitors\"\n";
    let result = assessment(manifest);
    let child = result.component("child").unwrap();
    assert!(
        child
            .issues
            .iter()
            .any(|i| i.message.contains("prohibits") && i.message.contains("through `base`")),
        "{:?}",
        child.issues
    );
}

/// A dataset that is a model's outputs says so (`generated_by`), and the generator's output terms reach every
/// model trained on it, whatever the dataset's own label: Vicuna-style lineage (ShareGPT = ChatGPT conversations)
/// no longer passes on the dataset's label.
#[test]
fn generated_data_carries_the_generators_output_terms() {
    let manifest = |generated_by: &str, extra_model: &str| {
        format!(
            "schema = 1\n[project]\nname = \"p\"\n[usage]\n{COMMERCIAL_SAAS}\nmonthly_active_users = 10\n{extra_model}\
[[dataset]]\nid = \"chats\"\nsource = \"huggingface\"\nname = \"org/chats\"\nlicense = \"apache-2.0\"\ngenerated_by = [{generated_by}]\n\
[[model]]\nid = \"student\"\nsource = \"local\"\npath = \"m\"\nlicense = \"apache-2.0\"\ntrained_on = [\"chats\"]\n"
        )
    };
    let student = |text: &str| {
        let result = assessment(text);
        let component = result.component("student").unwrap();
        let codes: Vec<String> = component
            .issues
            .iter()
            .map(|i| i.code.as_str().to_string())
            .collect();
        (component.verdict, codes)
    };
    // OpenAI Terms of Use: "Use Output to develop models that compete with OpenAI" is not allowed
    let (verdict, codes) = student(&manifest("\"hosted:openai/gpt-4o\"", ""));
    assert_eq!(
        (verdict, codes.contains(&"LIC004".to_string())),
        (NeedsReview, true)
    );
    // Llama 3 §1.b.v: outputs may not be used to improve any other large language model
    let llama = "[[model]]\nid = \"teacher\"\nsource = \"huggingface\"\nname = \"meta-llama/Meta-Llama-3-70B-Instruct\"\nlicense = \"llama3\"\n";
    let (verdict, codes) = student(&manifest("\"teacher\"", llama));
    assert_eq!((verdict, codes.contains(&"LIC003".to_string())), (Deny, true));
    // a provider aitrust has no terms for is a prompt, never silence
    let (verdict, codes) = student(&manifest("\"hosted:acme-ai/big\"", ""));
    assert_eq!(
        (verdict, codes.contains(&"LIC004".to_string())),
        (NeedsReview, true)
    );
    // without generated_by, the dataset's own label decides (Apache-2.0)
    let plain = manifest("", "").replace("generated_by = []\n", "");
    let (verdict, codes) = student(&plain);
    assert!(
        verdict <= AllowWithObligations && codes.is_empty(),
        "{verdict:?} {codes:?}"
    );
}

#[test]
fn generated_by_must_name_a_model_or_a_hosted_service() {
    for (value, message) in [
        ("\"nobody\"", "generated_by refers to unknown model `nobody`"),
        ("\"hosted:openai\"", "does not name a hosted model"),
    ] {
        let manifest = format!(
            "schema = 1\n[project]\nname = \"p\"\n[[dataset]]\nid = \"d\"\nsource = \"url\"\nurl = \"https://e.com/d\"\nlicense = \"mit\"\ngenerated_by = [{value}]\n"
        );
        let error = aitrust::bom::from_bytes(Path::new("aibom.toml"), Path::new("."), manifest.as_bytes())
            .err()
            .unwrap_or_else(|| panic!("{value} was accepted"));
        assert!(error.to_string().contains(message), "{error}");
    }
}

/// Qwen LICENSE AGREEMENT §4.b: "Built with Qwen" is owed by AI models created or improved with Qwen that are
/// distributed or made available — not by serving Qwen itself.
#[test]
fn built_with_qwen_is_owed_by_derived_models() {
    let direct = assessment(&one_model(
        "qwen",
        &format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 5"),
    ));
    assert!(
        !direct.components[0]
            .obligations
            .iter()
            .any(|o| o.contains("Built with Qwen")),
        "{:?}",
        direct.components[0].obligations
    );
    let usage = format!("{COMMERCIAL_SAAS}\nmonthly_active_users = 5");
    let derived = assessment(&lineage("qwen", "finetune", "qwen", &usage));
    let child = derived.component("child").unwrap();
    assert!(
        child.obligations.iter().any(|o| o.contains("Built with Qwen")),
        "{:?}",
        child.obligations
    );
}

/// Apache-2.0 §4(b), Gemma §3.1, the RAIL licenses §4(d), Qwen §3.b: "You must cause any modified files to carry
/// prominent notices stating that You changed the files" — a duty of distributed modifications.
#[test]
fn distributed_modifications_mark_the_modified_files() {
    let distributed = "purpose = \"commercial\"\ndeployment = \"distributed\"\nmonthly_active_users = 5";
    for parent in ["apache-2.0", "gemma", "creativeml-openrail-m", "qwen"] {
        let result = assessment(&lineage(parent, "finetune", parent, distributed));
        let child = result.component("child").unwrap();
        assert!(
            child.obligations.iter().any(|o| o.contains("modified")),
            "{parent}: {:?}",
            child.obligations
        );
    }
    let internal = "purpose = \"internal\"\ndeployment = \"internal\"";
    let result = assessment(&lineage("apache-2.0", "finetune", "apache-2.0", internal));
    assert!(
        !result
            .component("child")
            .unwrap()
            .obligations
            .iter()
            .any(|o| o.contains("modified"))
    );
}

/// A component's LICENSE file is identified by phrases of the license texts and compared with the manifest
/// (LIC009): the Llama 3.1 text under a component declared Apache-2.0 is a finding; the same text declared
/// llama3.1 is not; a file nothing identifies is no finding.
#[test]
fn license_files_are_identified_and_compared() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("m")).unwrap();
    let case = |declared: &str, text: &str| {
        std::fs::write(dir.path().join("m/LICENSE"), text).unwrap();
        let manifest = format!(
            "schema = 1\n[project]\nname = \"p\"\n[usage]\n{RESEARCH}\n[[model]]\nid = \"m\"\nsource = \"local\"\npath = \"m\"\nlicense = \"{declared}\"\n"
        );
        let bom = aitrust::bom::from_bytes(&dir.path().join("aibom.toml"), dir.path(), manifest.as_bytes())
            .unwrap();
        let result = assess(&bom, aitrust::license::KnowledgeBase::embedded());
        result.components[0]
            .issues
            .iter()
            .filter(|i| i.code.as_str() == "LIC009")
            .map(|i| i.message.clone())
            .collect::<Vec<_>>()
    };
    let llama = "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n\"Agreement\" means the terms...";
    let found = case("apache-2.0", llama);
    assert!(found.len() == 1 && found[0].contains("Llama 3.1"), "{found:?}");
    assert_eq!(case("llama3.1", llama), Vec::<String>::new());
    let apache = "                                 Apache License\n                           Version 2.0, January 2004\n                        http://www.apache.org/licenses/\n\n   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n";
    assert_eq!(case("apache-2.0", apache), Vec::<String>::new());
    assert_eq!(case("mit", apache).len(), 1);
    assert_eq!(
        case("mit", "All rights reserved by the author."),
        Vec::<String>::new()
    );
    // SPDX texts the knowledge base has no phrases for are matched as texts: the BSD 3-clause text under a
    // component declared MIT is a finding; the GNU GPL v2 text agrees with GPL-2.0-or-later (one text for both)
    let bsd3 = "Copyright (c) 2020, Example\n\nRedistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:\n\n1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.\n\n2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.\n\n3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.\n\nTHIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.\n";
    let found = case("mit", bsd3);
    assert!(
        found.len() == 1 && found[0].contains("BSD 3-Clause") && found[0].contains("SPDX text"),
        "{found:?}"
    );
    assert_eq!(case("bsd-3-clause", bsd3), Vec::<String>::new());
    if let Ok(gpl2) = std::fs::read_to_string("/usr/share/common-licenses/GPL-2") {
        assert_eq!(case("GPL-2.0-or-later", &gpl2), Vec::<String>::new());
        assert_eq!(case("GPL-2.0-only", &gpl2), Vec::<String>::new());
        assert_eq!(case("apache-2.0", &gpl2).len(), 1);
    }
}
