//! `aitrust oms-conformance`: the OMS conformance suite's adapter protocol (`sign-model`, `verify-model`;
//! docs/conformance_adapter_cli_protocol.md of sampras343/model-signing-conformance), so the suite can run
//! aitrust as a signer and as a verifier. It uses exactly the signing and verification `check` and
//! `sign --component` use. Exit 0 is success, 1 a refused signature or a failed signing, 2 bad usage.

use std::path::{Path, PathBuf};

use super::{Console, Error, Outcome};
use crate::sign::model_signing::{self, Outcome as Verdict};
use crate::sign::oms::{self, EcSigningKey};
use crate::sign::sigstore::TrustRoot;

/// The protocol's two subcommands (the binary mounts them as `aitrust oms-conformance`).
#[derive(Clone, Debug, clap::Subcommand)]
pub enum OmsCommand {
    /// Sign a model; exit 0 when the bundle is written.
    SignModel(SignArgs),
    /// Verify a model; exit 0 when it verifies.
    VerifyModel(VerifyArgs),
}

/// Runs one of them.
pub fn run(command: &OmsCommand, console: &mut dyn Console) -> Result<Outcome, Error> {
    match command {
        OmsCommand::SignModel(args) => sign_model(args, console),
        OmsCommand::VerifyModel(args) => verify_model(args, console),
    }
}

/// How the bundle is (to be) signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// A bare public key.
    Key,
    /// A certificate chain to a trusted root.
    Certificate,
    /// Sigstore keyless (Fulcio and Rekor).
    Sigstore,
}

/// `sign-model`.
#[derive(Clone, Debug, clap::Args)]
pub struct SignArgs {
    /// The method.
    #[arg(long, value_enum)]
    pub method: Method,
    /// The model directory or file.
    #[arg(long = "model-path")]
    pub model: PathBuf,
    /// Where to write the bundle.
    #[arg(long = "output-bundle")]
    pub output: PathBuf,
    /// The EC private key (PEM).
    #[arg(long)]
    pub private_key: Option<PathBuf>,
    /// The signing certificate (PEM).
    #[arg(long)]
    pub signing_cert: Option<PathBuf>,
    /// The rest of the chain, leaf to root (PEM files).
    #[arg(long)]
    pub cert_chain: Vec<PathBuf>,
    /// Absolute paths to leave out.
    #[arg(long)]
    pub ignore_paths: Vec<PathBuf>,
    /// For keyless signing, which needs the network (refused here).
    #[arg(long)]
    pub identity_token: Option<String>,
    /// Sigstore staging (keyless only).
    #[arg(long)]
    pub use_staging: bool,
}

/// `verify-model`.
#[derive(Clone, Debug, clap::Args)]
pub struct VerifyArgs {
    /// The method the bundle must use.
    #[arg(long, value_enum)]
    pub method: Method,
    /// The model directory or file.
    #[arg(long = "model-path")]
    pub model: PathBuf,
    /// The bundle.
    #[arg(long)]
    pub bundle: PathBuf,
    /// The publisher's public key (PEM), for `key`.
    #[arg(long)]
    pub public_key: Option<PathBuf>,
    /// Trusted certificates (PEM), for `certificate`.
    #[arg(long)]
    pub cert_chain: Vec<PathBuf>,
    /// Absolute paths to leave out.
    #[arg(long)]
    pub ignore_paths: Vec<PathBuf>,
    /// Files the bundle does not list are not checked.
    #[arg(long)]
    pub ignore_unsigned_files: bool,
    /// The expected SAN, for `sigstore`.
    #[arg(long)]
    pub identity: Option<String>,
    /// The expected OIDC issuer, for `sigstore`.
    #[arg(long)]
    pub identity_provider: Option<String>,
    /// Not in the protocol: the reference verifier's `--no-ignore-git-paths`, for bundles that record no
    /// ignore list.
    #[arg(long)]
    pub no_ignore_git_paths: bool,
    /// Sigstore staging: its trust root is not embedded (give it with --trust-root).
    #[arg(long)]
    pub use_staging: bool,
    /// A Sigstore trusted_root.json replacing the embedded public-good one.
    #[arg(long)]
    pub trust_root: Option<PathBuf>,
}

const LIMIT: u64 = crate::fsutil::limits::SIGNATURE;

fn read_text(path: &Path, what: &str) -> Result<String, Error> {
    crate::fsutil::read_text(path, crate::fsutil::limits::KEY)
        .map_err(|e| Error::msg(format!("{what} {}: {e}", path.display())))
}

/// Absolute ignore paths, relative to the model (those outside it are dropped, as the reference does).
fn relative_ignores(model: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .filter_map(|path| path.strip_prefix(model).ok())
        .filter(|relative| !relative.as_os_str().is_empty())
        .map(|relative| relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"))
        .collect()
}

/// The certificates of PEM files, in order, as DER (the one loader of `sign-model` and `sign --cert`).
pub(crate) fn pem_certificates(paths: &[PathBuf]) -> Result<Vec<Vec<u8>>, Error> {
    use x509_cert::der::Encode as _;
    let mut all = Vec::new();
    for path in paths {
        let text = read_text(path, "certificate")?;
        let certificates = x509_cert::Certificate::load_pem_chain(text.as_bytes())
            .map_err(|e| Error::msg(format!("certificate {}: {e}", path.display())))?;
        for certificate in certificates {
            all.push(certificate.to_der().map_err(|e| Error::msg(e.to_string()))?);
        }
    }
    Ok(all)
}

/// `sign-model`.
pub fn sign_model(args: &SignArgs, console: &mut dyn Console) -> Result<Outcome, Error> {
    if args.method == Method::Sigstore {
        console.say("sigstore signing needs Fulcio and Rekor on the network; aitrust signs with keys and certificates");
        return Ok(Outcome::fail(""));
    }
    let key_path = args
        .private_key
        .as_ref()
        .ok_or_else(|| Error::msg("--private-key is required for key and certificate signing"))?;
    let key = EcSigningKey::from_pem(&read_text(key_path, "private key")?)
        .map_err(|e| Error::msg(format!("{}: {e}", key_path.display())))?;
    let certificates = match args.method {
        Method::Certificate => {
            let leaf = args
                .signing_cert
                .as_ref()
                .ok_or_else(|| Error::msg("--signing-cert is required for certificate signing"))?;
            let mut chain = pem_certificates(std::slice::from_ref(leaf))?;
            chain.truncate(1);
            chain.extend(pem_certificates(&args.cert_chain)?);
            Some(chain)
        }
        _ => None,
    };
    let ignores = relative_ignores(&args.model, &args.ignore_paths);
    match oms::sign_model(&oms::SignRequest {
        model: &args.model,
        key: &key,
        certificates: certificates.as_deref(),
        ignore_paths: &ignores,
        bundle_path: &args.output,
    }) {
        Ok(bundle) => {
            crate::fsutil::write_atomic(&args.output, &bundle)
                .map_err(|e| Error::msg(format!("cannot write {}: {e}", args.output.display())))?;
            Ok(Outcome::pass(""))
        }
        Err(reason) => {
            console.say(&format!("not signed: {reason}"));
            Ok(Outcome::fail(""))
        }
    }
}

/// `verify-model`.
pub fn verify_model(args: &VerifyArgs, console: &mut dyn Console) -> Result<Outcome, Error> {
    let bundle = crate::fsutil::read_file(&args.bundle, LIMIT)
        .map_err(|e| Error::msg(format!("bundle {}: {e}", args.bundle.display())))?;
    let public_key = match (args.method, &args.public_key) {
        (Method::Key, Some(path)) => Some(read_text(path, "public key")?),
        (Method::Key, None) => return Err(Error::msg("--public-key is required for key verification")),
        _ => None,
    };
    let mut chain = Vec::new();
    if args.method == Method::Certificate {
        for path in &args.cert_chain {
            chain.push(read_text(path, "certificate")?);
        }
    }
    let trust_root = match &args.trust_root {
        Some(path) => Some(
            TrustRoot::parse(
                &crate::fsutil::read_file(path, crate::fsutil::limits::KEY)
                    .map_err(|e| Error::msg(format!("trust root {}: {e}", path.display())))?,
            )
            .map_err(|e| Error::msg(format!("trust root {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let ignores = relative_ignores(&args.model, &args.ignore_paths);
    let verdict = model_signing::verify(&model_signing::Request {
        bundle: &bundle,
        model: &args.model,
        bundle_path: &args.bundle,
        public_key: public_key.as_deref(),
        certificate_chain: &chain,
        ignore_paths: &ignores,
        ignore_unsigned_files: args.ignore_unsigned_files,
        ignore_git_paths: !args.no_ignore_git_paths,
        trust_root: trust_root.as_ref().unwrap_or_else(|| TrustRoot::public_good()),
    });
    let refusal = match verdict {
        Verdict::Verified { method, identity, .. } => {
            let expected = match args.method {
                Method::Key => "key",
                Method::Certificate => "certificate",
                Method::Sigstore => "keyless",
            };
            if method != expected {
                Some(format!("the bundle is {method}-signed, not {expected}-signed"))
            } else if let Some(identity) = identity {
                let san_ok = args.identity.as_deref().is_some_and(|san| san == identity.san);
                let issuer_ok = args
                    .identity_provider
                    .as_deref()
                    .is_some_and(|i| i == identity.issuer);
                (!san_ok || !issuer_ok).then(|| {
                    format!(
                        "signed by {} via {}, not the expected identity",
                        identity.san, identity.issuer
                    )
                })
            } else {
                None
            }
        }
        Verdict::Invalid(reason) => Some(format!("invalid signature: {reason}")),
        Verdict::Mismatch(reason) => Some(format!("the model does not match: {reason}")),
        Verdict::CannotVerify(reason) => Some(format!("not verified: {reason}")),
    };
    match refusal {
        None => {
            console.say("verified");
            Ok(Outcome::pass(""))
        }
        Some(reason) => {
            console.say(&reason);
            Ok(Outcome::fail(""))
        }
    }
}
