//! `[policy]` in the manifest, or a policy file given with `--policy` (same keys, at the top level) that
//! replaces it, so one policy can govern many projects.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{RelPath, Spanned, choice_enum};
use crate::diag::{Problem, SourceFile};
use crate::tomlfile::reader::{Collector, TableReader};

choice_enum! {
    /// Which components must carry a valid signature from a trusted key.
    SignatureRequirement { None = "none", Models = "models", All = "all" }
}

choice_enum! {
    /// The verdict from which `aitrust check` exits 1: `fail` (the default) or `review`.
    Gate { Fail = "fail", Review = "review" }
}

choice_enum! {
    /// What a finding code's severity becomes.
    Level { Allow = "allow", Warn = "warn", Deny = "deny" }
}

choice_enum! {
    /// What an unknown license is.
    UnknownLicense { Deny = "deny", Warn = "warn" }
}

choice_enum! {
    /// How strictly training-data licenses bind a commercial use.
    TrainingData { Strict = "strict", Warn = "warn" }
}

choice_enum! {
    /// What a model, dataset or hosted model the code uses but the manifest does not declare is (SHD001):
    /// `warn` (the default), `deny` (an error), or `off` (the discovery does not run in `check`).
    Discovery { Off = "off", Warn = "warn", Deny = "deny" }
}

choice_enum! {
    /// What a stale component is.
    Staleness { Warn = "warn", Deny = "deny" }
}

/// The policy.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// License rules.
    #[serde(default)]
    pub licenses: LicensePolicy,
    /// Signature rules.
    #[serde(default)]
    pub signatures: SignaturePolicy,
    /// Maintenance rules.
    #[serde(default)]
    pub maintenance: MaintenancePolicy,
    /// Publisher rules.
    #[serde(default)]
    pub publishers: PublisherPolicy,
    /// Which checklists must be complete.
    #[serde(default)]
    pub checklist: ChecklistPolicy,
    /// Serialization rules: globals a person reviewed and allowed.
    #[serde(default)]
    pub serialization: SerializationPolicy,
    /// The verdict from which `aitrust check` exits 1: `fail` (default) or `review`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Spanned<Gate>>,
    /// Shadow AI: what a used but undeclared model or dataset is (`warn` by default, `deny`, `off`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery: Option<Spanned<Discovery>>,
    /// Severity per finding code: allow | warn | deny.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub levels: BTreeMap<String, Spanned<Level>>,
    /// The directory the policy's paths are relative to.
    #[serde(skip)]
    #[schemars(skip)]
    pub base: PathBuf,
    /// Was a policy written at all?
    #[serde(skip)]
    #[schemars(skip)]
    pub is_given: bool,
    /// Was it read from the manifest's `[policy]` (rather than a `--policy` file)?
    #[serde(skip)]
    #[schemars(skip)]
    pub from_manifest: bool,
    /// The codes named in `levels`, where they were written (checked against the finding codes on resolve).
    #[serde(skip)]
    #[schemars(skip)]
    pub level_codes: Vec<Spanned<String>>,
    /// The text the policy was read from (the manifest, or the `--policy` file), for locations on resolve.
    #[serde(skip)]
    #[schemars(skip)]
    pub source: SourceFile,
}

/// `licenses.*`.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicensePolicy {
    /// Licenses that may be used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Spanned<String>>,
    /// Licenses that may not be used (deny wins over allow).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<Spanned<String>>,
    /// Licenses allowed for one component only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<LicenseException>,
    /// deny | warn
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<Spanned<UnknownLicense>>,
    /// strict | warn
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training_data: Option<Spanned<TrainingData>>,
}

/// `licenses.exceptions = [{ component = "...", allow = ["..."] }]`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LicenseException {
    /// The component id.
    pub component: Spanned<String>,
    /// The licenses allowed for it.
    pub allow: Vec<Spanned<String>>,
    /// Why (a grant from the licensor, a legal review).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Spanned<String>>,
    /// Where the grant or review is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Spanned<String>>,
}

/// `signatures.*`.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignaturePolicy {
    /// none | models | all
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require: Option<Spanned<SignatureRequirement>>,
    /// Public keys whose signatures are trusted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_keys: Vec<Spanned<RelPath>>,
    /// Keys and roots pinned by fingerprint (`"sha256:<hex>"` entries of `trusted_keys`): the SHA-256 of a
    /// public key's DER SubjectPublicKeyInfo (ECDSA points uncompressed) or of a root certificate's DER, as
    /// `aitrust explain SIG004` and the findings print them. They trust model-signing publishers; aitrust's
    /// own ed25519 signatures are verified with a key file.
    #[serde(skip)]
    #[schemars(skip)]
    pub pinned: Vec<Spanned<String>>,
    /// Sigstore keyless signers whose signatures are trusted: each names the OIDC issuer and the certificate's
    /// subject alternative name exactly (`san`) or by a regular expression matching all of it (`san_regex`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<SignerIdentity>,
    /// A Sigstore trust root (`trusted_root.json`) replacing the embedded public-good one, for a private
    /// Sigstore instance or a newer root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_root: Option<Spanned<RelPath>>,
}

/// `signatures.identities = [{ issuer = "...", san = "..." | san_regex = "..." }]`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerIdentity {
    /// The OIDC issuer, exactly (e.g. `https://token.actions.githubusercontent.com`).
    pub issuer: Spanned<String>,
    /// The subject alternative name, exactly (an email address or URI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub san: Option<Spanned<String>>,
    /// A regular expression the whole subject alternative name must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub san_regex: Option<Spanned<String>>,
    /// `san_regex`, compiled and anchored.
    #[serde(skip)]
    #[schemars(skip)]
    pub compiled: Option<regex::Regex>,
}

impl SignerIdentity {
    /// Does a signer's (issuer, SAN) match?
    pub fn matches(&self, issuer: &str, san: &str) -> bool {
        self.issuer.value == issuer
            && match (&self.san, &self.compiled) {
                (Some(exact), _) => exact.value == san,
                (None, Some(pattern)) => pattern.is_match(san),
                (None, None) => false,
            }
    }
}

/// `maintenance.*`.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenancePolicy {
    /// A component with no change for longer than this is stale (default 365).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<Spanned<u64>>,
    /// warn | deny
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<Spanned<Staleness>>,
}

/// `serialization.*`: pickle globals a person reviewed and allowed, everywhere or for one component.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SerializationPolicy {
    /// `module.name` (or `module.*`) globals allowed in every component's pickles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_globals: Vec<Spanned<String>>,
    /// Globals allowed for one component, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<SerializationException>,
}

/// `serialization.exceptions = [{ component = "...", allow_globals = ["..."], reason = "..." }]`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SerializationException {
    /// The component id.
    pub component: Spanned<String>,
    /// The globals allowed for it.
    pub allow_globals: Vec<Spanned<String>>,
    /// Why a person decided they are safe.
    pub reason: Spanned<String>,
}

/// `publishers.*`.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublisherPolicy {
    /// Publishers whose components need a recorded human decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<Spanned<String>>,
    /// Publishers whose components may not be used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<Spanned<String>>,
}

/// `checklist.*`.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistPolicy {
    /// Checklists whose open items are errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<Spanned<String>>,
}

impl Policy {
    /// No policy: every default applies.
    pub fn empty(base: PathBuf) -> Self {
        Self {
            base,
            ..Self::default()
        }
    }

    /// True when no policy was written.
    pub fn is_empty(&self) -> bool {
        !self.is_given
    }

    /// The level the policy sets for a code, if any.
    pub fn level(&self, code: &str) -> Option<Level> {
        self.levels.get(code).map(|level| level.value)
    }
}

/// Reads `[policy]` (or a policy file's top level).
pub(crate) fn read_policy(
    mut table: TableReader<'_, '_>,
    collector: &Collector,
    base: PathBuf,
    from_manifest: bool,
) -> Policy {
    let licenses = table
        .table("licenses")
        .map(|t| read_licenses(t, collector))
        .unwrap_or_default();
    let signatures = table
        .table("signatures")
        .map(|t| read_signatures(t, collector))
        .unwrap_or_default();
    let maintenance = table
        .table("maintenance")
        .map(read_maintenance)
        .unwrap_or_default();
    let publishers = table.table("publishers").map(read_publishers).unwrap_or_default();
    let checklist = table.table("checklist").map(read_checklist).unwrap_or_default();
    let serialization = table
        .table("serialization")
        .map(|t| read_serialization(t, collector))
        .unwrap_or_default();
    let gate = table.choice::<Gate>("gate");
    let discovery = table.choice::<Discovery>("discovery");
    let (levels, level_codes) = table
        .table("levels")
        .map(|t| read_levels(t, collector))
        .unwrap_or_default();
    table.finish();
    Policy {
        licenses,
        signatures,
        maintenance,
        publishers,
        checklist,
        serialization,
        gate,
        discovery,
        levels,
        base,
        is_given: true,
        from_manifest,
        level_codes,
        source: SourceFile::default(),
    }
}

fn read_licenses(mut table: TableReader<'_, '_>, collector: &Collector) -> LicensePolicy {
    let exceptions: Vec<LicenseException> = table
        .tables("exceptions", "licenses.exceptions")
        .into_iter()
        .filter_map(|mut exception| {
            let component = exception.required_string("component", "\"my-model\"");
            let allow_given = exception.value("allow").is_some();
            let allow = exception.strings("allow");
            let reason = exception.string("reason");
            let evidence = exception.string("evidence");
            if !allow_given {
                collector.push(
                    Problem::new(exception.span(), "a license exception needs `allow`")
                        .with_help("add `allow = [\"...\"]` with the licenses allowed for this component"),
                );
            }
            exception.finish();
            Some(LicenseException {
                component: component?,
                allow,
                reason,
                evidence,
            })
        })
        .collect();
    let allow = table.strings("allow");
    let deny = table.strings("deny");
    let policy = LicensePolicy {
        allow,
        deny,
        exceptions,
        unknown: table.choice("unknown"),
        training_data: table.choice("training_data"),
    };
    table.finish();
    policy
}

fn read_signatures(mut table: TableReader<'_, '_>, collector: &Collector) -> SignaturePolicy {
    let require = table.choice("require");
    let mut trusted_keys = Vec::new();
    let mut pinned = Vec::new();
    for key in table.strings("trusted_keys") {
        match key.value.strip_prefix("sha256:") {
            Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                pinned.push(Spanned {
                    value: format!("sha256:{}", hex.to_ascii_lowercase()),
                    span: key.span,
                })
            }
            Some(_) => collector.push(
                Problem::new(key.span, format!("`{}` is not a SHA-256 fingerprint", key.value)).with_help(
                    "a pinned key is \"sha256:\" and 64 hex digits; otherwise give the key file's path",
                ),
            ),
            None => trusted_keys.extend(super::parse::relative_path(Some(key), collector)),
        }
    }
    let mut identities = Vec::new();
    for mut entry in table.tables("identities", "signatures.identities") {
        let issuer = entry.required_string("issuer", "\"https://token.actions.githubusercontent.com\"");
        let san = entry.string("san");
        let san_regex = entry.string("san_regex");
        let span = entry.span();
        entry.finish();
        let Some(issuer) = issuer else { continue };
        let compiled = match (&san, &san_regex) {
            (Some(_), None) => None,
            (None, Some(pattern)) => match regex::Regex::new(&format!("^(?:{})$", pattern.value)) {
                Ok(compiled) => Some(compiled),
                Err(error) => {
                    collector.push(
                        Problem::new(
                            pattern.span,
                            format!("`san_regex` is not a regular expression: {error}"),
                        )
                        .with_help("write a Rust regex (https://docs.rs/regex) matching the whole SAN"),
                    );
                    continue;
                }
            },
            _ => {
                collector.push(
                    Problem::new(span, "an identity needs exactly one of `san` and `san_regex`").with_help(
                        "san = \"release@example.com\", or san_regex = \"https://github.com/org/repo/.*\"",
                    ),
                );
                continue;
            }
        };
        identities.push(SignerIdentity {
            issuer,
            san,
            san_regex,
            compiled,
        });
    }
    let trust_root = super::parse::relative_path(table.string("trust_root"), collector);
    table.finish();
    SignaturePolicy {
        require,
        trusted_keys,
        pinned,
        identities,
        trust_root,
    }
}

fn read_serialization(mut table: TableReader<'_, '_>, collector: &Collector) -> SerializationPolicy {
    let check = |globals: &[Spanned<String>], collector: &Collector| {
        for global in globals {
            let valid = global.value.split_once('.').is_some_and(|(module, name)| {
                !module.is_empty() && !name.is_empty() && !global.value.contains(char::is_whitespace)
            });
            if !valid {
                collector.push(
                    Problem::new(global.span, format!("`{}` is not a global", global.value))
                        .with_help("write `module.name` (e.g. \"mylib.layers.Dense\") or `module.*`"),
                );
            }
        }
    };
    let allow_globals = table.strings("allow_globals");
    check(&allow_globals, collector);
    let exceptions = table
        .tables("exceptions", "serialization.exceptions")
        .into_iter()
        .filter_map(|mut exception| {
            let component = exception.required_string("component", "\"my-model\"");
            let allow_globals = exception.strings("allow_globals");
            let reason = exception.required_string("reason", "\"reviewed by ... on ...: ...\"");
            check(&allow_globals, collector);
            exception.finish();
            Some(SerializationException {
                component: component?,
                allow_globals,
                reason: reason?,
            })
        })
        .collect();
    table.finish();
    SerializationPolicy {
        allow_globals,
        exceptions,
    }
}

fn read_maintenance(mut table: TableReader<'_, '_>) -> MaintenancePolicy {
    let policy = MaintenancePolicy {
        max_age_days: table.unsigned("max_age_days"),
        stale: table.choice("stale"),
    };
    table.finish();
    policy
}

fn read_publishers(mut table: TableReader<'_, '_>) -> PublisherPolicy {
    let policy = PublisherPolicy {
        review: table.strings("review"),
        deny: table.strings("deny"),
    };
    table.finish();
    policy
}

fn read_checklist(mut table: TableReader<'_, '_>) -> ChecklistPolicy {
    let policy = ChecklistPolicy {
        require: table.strings("require"),
    };
    table.finish();
    policy
}

fn read_levels(
    table: TableReader<'_, '_>,
    collector: &Collector,
) -> (BTreeMap<String, Spanned<Level>>, Vec<Spanned<String>>) {
    let mut levels = BTreeMap::new();
    let mut codes = Vec::new();
    for (code, value) in table.entries() {
        codes.push(code.clone());
        let Some(text) = value.as_str() else {
            collector.push(
                Problem::new(
                    value.span,
                    format!("the level of `{}` must be a string", code.value),
                )
                .with_help("write \"allow\", \"warn\" or \"deny\""),
            );
            continue;
        };
        let text = Spanned::new(text.to_string(), value.span);
        if let Some(level) =
            crate::tomlfile::reader::choice_from::<Level>(&text, &code.value, "[policy.levels]", collector)
        {
            levels.insert(code.value, level);
        }
    }
    (levels, codes)
}

/// Loads a policy file given with `--policy` (its shape only; `resolve` checks what needs knowledge).
pub fn load_file(path: &Path, resolve: super::PolicyCheck<'_>) -> Result<Policy, super::LoadError> {
    let base = crate::tomlfile::reader::parent_directory(path);
    let bytes = crate::fsutil::read_file(path, crate::fsutil::limits::TOML).map_err(|source| {
        super::LoadError::Io {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let source =
        crate::diag::decode_utf8(path, &bytes).map_err(|p| super::LoadError::Invalid(Box::new(p)))?;
    let kept = source.clone();
    crate::tomlfile::reader::parse_document(source, "the policy file", |table, collector| {
        let mut policy = read_policy(table, collector, base, false);
        policy.source = kept;
        for problem in resolve(&policy) {
            collector.push(problem);
        }
        Some(policy)
    })
    .map_err(super::LoadError::Invalid)
}

impl Default for UnknownLicense {
    /// Unknown is never a pass.
    fn default() -> Self {
        Self::Deny
    }
}
