//! The `aitrust` binary, the thin face over `aitrust::commands`: it parses arguments, calls one command,
//! prints what comes back, and maps the outcome to an exit code. Every decision lives in the library.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use aitrust::commands::{self, Console, Error, Outcome, Status, check, import, sign};
use aitrust::report::document::ReportFormat;
use clap::{Parser, Subcommand, ValueEnum};

/// Exit code: audited, no error finding.
const EXIT_PASS: u8 = 0;
/// Exit code: audited, at least one error finding.
const EXIT_FAIL: u8 = 1;
/// Exit code: not audited (bad usage, unreadable or invalid input).
const EXIT_USAGE: u8 = 2;

/// Audits the AI supply chain of a project: models, datasets, their digests, licenses and trust checklist.
#[derive(Parser)]
#[command(name = "aitrust", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 audited, no error finding; 1 audited, at least one error finding; \
2 not audited (bad usage or an invalid manifest, policy or answers file)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Audit the project: verify every artifact and report findings (the CI gate).
    Check(CheckArgs),
    /// Write a starting aibom.toml for an existing project: finds model and dataset files and hashes them.
    Init {
        /// The project directory.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace an existing aibom.toml.
        #[arg(long)]
        force: bool,
        /// Also declare the models and datasets of the local Hugging Face cache (default: HF_HUB_CACHE, else
        /// HF_HOME/hub, else ~/.cache/huggingface/hub), pinned to the cached commit, after verifying every
        /// cached blob against its name. A corrupted cache writes nothing and exits 1.
        #[arg(long, value_name = "CACHE", num_args = 0..=1)]
        from_hf_cache: Option<Option<PathBuf>>,
    },
    /// Print the SHA-256 of files (directories are walked), in the format `sha256sum -c` reads.
    Hash {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Write the audit report for people: one self-contained HTML file, Markdown, or the JSON report.
    Report(ReportArgs),
    /// Export the manifest in another format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Import into aibom.toml: a CycloneDX ML-BOM, or a Hugging Face Hub repository with its lineage.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Record what the checks need from the Hugging Face Hub and git remotes in aibom.lock, so `check` runs offline.
    Lock {
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// The Hub endpoint [default: HF_ENDPOINT, else https://huggingface.co].
        #[arg(long)]
        endpoint: Option<String>,
        /// Fix "now" (RFC 3339).
        #[arg(long)]
        now: Option<String>,
    },
    /// Find the models, datasets and hosted models the code uses, and the ones the manifest does not declare.
    Discover(commands::discover::DiscoverArgs),
    /// Scan model files for code that runs when they load (pickle, PyTorch, NumPy, Keras, GGUF, ONNX, safetensors).
    Scan(commands::scan::ScanArgs),
    /// Walk the trust checklist: answer open items at a terminal, or print every item's status.
    Checklist(ChecklistArgs),
    /// Write a key pair: PREFIX.key (PKCS#8 v1 PEM, mode 0600) and PREFIX.pub (SPKI PEM).
    Keygen {
        /// Where to write: PREFIX.key and PREFIX.pub (never overwritten).
        #[arg(long = "out")]
        prefix: PathBuf,
        /// ed25519 signs aibom.sig and attestations; p256 signs models in the OpenSSF model-signing format.
        #[arg(long, value_enum, default_value = "ed25519")]
        kind: KeyKind,
    },
    /// Sign the project: write aibom.sig (DSSE, in-toto statement of every local artifact and the manifest).
    ///
    /// With --component, sign that component into its `signature.path`: an OpenSSF model-signing bundle
    /// (ECDSA key, optionally with --cert and --chain) when its signature kind is model-signing.
    Sign {
        /// The private key (PEM): ed25519 for aitrust signatures, ECDSA P-256/384/521 for model-signing.
        #[arg(long)]
        key: PathBuf,
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Sign one component's files into its own `signature.path` instead.
        #[arg(long)]
        component: Option<String>,
        /// model-signing: the signing certificate (PEM) for the key; the bundle then carries the chain.
        #[arg(long, requires = "component")]
        cert: Option<PathBuf>,
        /// model-signing: the rest of the certificate chain, leaf to root (PEM; repeat).
        #[arg(long, requires = "cert")]
        chain: Vec<PathBuf>,
    },
    /// The OMS conformance suite's adapter protocol (sign-model, verify-model).
    #[command(subcommand, hide = true, name = "oms-conformance")]
    OmsConformance(commands::oms::OmsCommand),
    /// Verify aibom.sig: exit 0 valid, 1 invalid or not matching the project, 2 unusable input.
    Verify {
        /// Public keys to accept [default: the policy's trusted keys].
        #[arg(long)]
        key: Vec<PathBuf>,
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Verify this audit attestation (from `aitrust attest`) instead of aibom.sig.
        #[arg(long)]
        attestation: Option<PathBuf>,
        /// With --attestation: also fail (exit 1) unless the attested audit passed.
        #[arg(long, requires = "attestation")]
        require_pass: bool,
    },
    /// Run the audit and write a signed attestation of its outcome (DSSE, in-toto, ed25519).
    Attest {
        /// The private key (PKCS#8 PEM).
        #[arg(long)]
        key: PathBuf,
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Where to write the attestation.
        #[arg(long)]
        output: PathBuf,
        /// A policy file that replaces the manifest's [policy].
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Fix "now" (RFC 3339).
        #[arg(long)]
        now: Option<String>,
    },
    /// Explain a finding code, or list every code.
    Explain {
        /// A finding code such as INT002.
        code: Option<String>,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The manifest.
    #[arg(long, default_value = "aibom.toml")]
    manifest: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// A policy file that replaces the manifest's [policy].
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The checklist answers file [default: aibom.answers.toml beside the manifest].
    #[arg(long)]
    answers: Option<PathBuf>,
    /// Never use the network (the audit reads only local files and the lock file).
    #[arg(long)]
    offline: bool,
    /// Fix "now" for a reproducible audit (RFC 3339).
    #[arg(long)]
    now: Option<String>,
    /// A Sigstore trusted_root.json for keyless model signatures [default: the policy's
    /// signatures.trust_root, else the embedded public-good root].
    #[arg(long, value_name = "FILE")]
    trust_root: Option<PathBuf>,
    /// Exit 1 from this verdict on: `review` also fails the gate when a person must still decide something
    /// (the policy's `gate = "review"` does the same) [default: fail].
    #[arg(long, value_enum, value_name = "VERDICT")]
    deny: Option<DenyArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DenyArg {
    Review,
    Fail,
}

#[derive(Clone, Copy, ValueEnum)]
enum KeyKind {
    Ed25519,
    P256,
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A CycloneDX JSON ML-BOM, validated against the official schema before it is written.
    Cyclonedx {
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// The CycloneDX version: 1.6 or 1.7.
        #[arg(long, default_value = "1.6")]
        spec: String,
        /// Write here (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Fix the BOM's timestamp (RFC 3339).
        #[arg(long)]
        now: Option<String>,
    },
    /// An SPDX 3.0.1 JSON-LD document with the AI and Dataset profiles.
    Spdx {
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Write here (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Fix the document's creation time (RFC 3339).
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A CycloneDX 1.5, 1.6 or 1.7 JSON ML-BOM.
    Cyclonedx {
        /// The CycloneDX file.
        file: PathBuf,
        /// The manifest to write.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Replace an existing manifest.
        #[arg(long)]
        force: bool,
    },
    /// An SPDX 3.0.1 JSON-LD document (AI and Dataset profiles).
    Spdx {
        /// The SPDX file.
        file: PathBuf,
        /// The manifest to write.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Replace an existing manifest.
        #[arg(long)]
        force: bool,
    },
    /// A Hugging Face Hub model or dataset (ORG/NAME[@REVISION]), with its base models and training data.
    Hf {
        /// The repository, e.g. `sentence-transformers/all-MiniLM-L6-v2@main` (a branch is pinned to its commit).
        repository: String,
        /// The repository is a dataset.
        #[arg(long)]
        dataset: bool,
        /// The manifest to edit (created if missing); comments and layout are kept.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// The Hub's address (else HF_ENDPOINT, else https://huggingface.co).
        #[arg(long)]
        endpoint: Option<String>,
        /// Import only this repository; base models and datasets named by its card become notes.
        #[arg(long)]
        no_deps: bool,
        /// Fix "now" for a reproducible lock (RFC 3339).
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The manifest.
    #[arg(long, default_value = "aibom.toml")]
    manifest: PathBuf,
    /// The report's format.
    #[arg(long, value_enum)]
    format: ReportFormatArg,
    /// Where to write it (atomically).
    #[arg(long)]
    output: PathBuf,
    /// A directory with report.html.jinja / report.md.jinja replacing the embedded templates.
    #[arg(long)]
    template: Option<PathBuf>,
    /// The JSON report of an earlier audit: adds "what changed since the last audit".
    #[arg(long, value_name = "PREVIOUS.json")]
    baseline: Option<PathBuf>,
    /// A policy file that replaces the manifest's [policy].
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The checklist answers file [default: aibom.answers.toml beside the manifest].
    #[arg(long)]
    answers: Option<PathBuf>,
    /// Fix "now" (RFC 3339).
    #[arg(long)]
    now: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormatArg {
    /// One self-contained HTML file (inline CSS and SVG).
    Html,
    /// Markdown, for pull-request comments.
    Markdown,
    /// The JSON report.
    Json,
}

#[derive(clap::Args)]
struct ChecklistArgs {
    /// The manifest.
    #[arg(long, default_value = "aibom.toml")]
    manifest: PathBuf,
    /// The checklist: a shipped id (global, genai, eu-ai-act) or a TOML file.
    #[arg(long, default_value = "global")]
    checklist: String,
    /// The answers file [default: aibom.answers.toml beside the manifest].
    #[arg(long)]
    answers: Option<PathBuf>,
    /// Walk every item, not only the open and stale ones.
    #[arg(long, conflicts_with_all = ["item", "status", "stale"])]
    all: bool,
    /// Walk only the answers that went stale or whose evidence no longer holds, showing what changed:
    /// confirm (one key), amend or withdraw each.
    #[arg(long, conflicts_with_all = ["item", "status"])]
    stale: bool,
    /// Walk one item.
    #[arg(long, conflicts_with = "status")]
    item: Option<String>,
    /// Print every item's status and answer; ask nothing.
    #[arg(long)]
    status: bool,
    /// Fix "now" (RFC 3339).
    #[arg(long)]
    now: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A table for people.
    Table,
    /// The JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, for GitLab and Jenkins.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// The Markdown report (as for pull-request comments).
    Markdown,
}

/// Messages for people go to stderr; this is the one place that writes them.
fn say(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// The console of the binary: standard error.
struct Stderr;

impl Console for Stderr {
    fn say(&mut self, message: &str) {
        say(message);
    }
}

/// Prints a command's data and maps its outcome to the exit code.
fn finish(result: Result<Outcome, Error>) -> u8 {
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            say(&error.to_string());
            return EXIT_USAGE;
        }
    };
    if !outcome.stdout.is_empty() {
        let mut stdout = io::stdout().lock();
        match stdout
            .write_all(outcome.stdout.as_bytes())
            .and_then(|()| stdout.flush())
        {
            // A closed pipe (`aitrust hash ... | head`) is not an error worth a message.
            Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
                say(&format!("error: cannot write to standard output: {error}"));
                return EXIT_USAGE;
            }
            _ => {}
        }
    }
    match outcome.status {
        Status::Pass => EXIT_PASS,
        Status::Fail => EXIT_FAIL,
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_USAGE } else { EXIT_PASS });
        }
    };
    ExitCode::from(finish(run(cli.command)))
}

/// What `check` and `report` audit.
fn audit_inputs(
    manifest: PathBuf,
    policy: Option<PathBuf>,
    answers: Option<PathBuf>,
    now: Option<String>,
    progress: bool,
    trust_root: Option<PathBuf>,
) -> check::AuditInputs {
    check::AuditInputs {
        manifest,
        policy,
        answers,
        now,
        progress,
        trust_root,
    }
}

/// Calls the command.
fn run(command: Command) -> Result<Outcome, Error> {
    let console = &mut Stderr;
    let terminal = io::stderr().is_terminal();
    match command {
        Command::Check(args) => {
            let inputs = audit_inputs(
                args.manifest,
                args.policy,
                args.answers,
                args.now,
                terminal,
                args.trust_root,
            );
            // The audit never uses the network (it reads aibom.lock); --offline lets CI state that intent.
            let _ = args.offline;
            let format = match args.format {
                Format::Table => check::Format::Table,
                Format::Json => check::Format::Json,
                Format::Sarif => check::Format::Sarif,
                Format::Junit => check::Format::Junit,
                Format::Github => check::Format::Github,
                Format::Markdown => check::Format::Markdown,
            };
            let summary = check::StepSummary::from_env();
            let deny = args.deny.map(|deny| match deny {
                DenyArg::Review => aitrust::report::Verdict::Review,
                DenyArg::Fail => aitrust::report::Verdict::Fail,
            });
            check::check(&inputs, format, args.output.as_deref(), &summary, console, deny)
        }
        Command::Report(args) => {
            let inputs = audit_inputs(args.manifest, args.policy, args.answers, args.now, terminal, None);
            let format = match args.format {
                ReportFormatArg::Html => ReportFormat::Html,
                ReportFormatArg::Markdown => ReportFormat::Markdown,
                ReportFormatArg::Json => ReportFormat::Json,
            };
            let documents = (args.template.as_deref(), args.baseline.as_deref());
            check::report(&inputs, format, &args.output, documents, console)
        }
        Command::Init {
            dir,
            force,
            from_hf_cache,
        } => commands::init::init(&dir, force, from_hf_cache, terminal, console),
        Command::Hash { paths } => commands::hash::hash(&paths, console),
        Command::Explain { code } => commands::explain::explain(code.as_deref()),
        Command::Discover(args) => commands::discover::discover(&args, console),
        Command::Scan(args) => commands::scan::scan(&args.paths, args.format == "json", args.allow_global),
        Command::Keygen { prefix, kind } => match kind {
            KeyKind::Ed25519 => sign::keygen(&prefix, console),
            KeyKind::P256 => sign::keygen_p256(&prefix, console),
        },
        Command::Checklist(args) => {
            let options = commands::checklist::Options {
                manifest: args.manifest,
                checklist: args.checklist,
                answers: args.answers,
                all: args.all,
                stale: args.stale,
                item: args.item,
                status: args.status,
                now: args.now,
            };
            let has_terminal = io::stdin().is_terminal() && terminal;
            let mut prompter = aitrust::checklist::terminal::Terminal;
            commands::checklist::run(&options, has_terminal, &mut prompter)
        }
        Command::Lock {
            manifest,
            endpoint,
            now,
        } => commands::lock::lock(&manifest, endpoint.as_deref(), now.as_deref(), console),
        Command::Export(ExportCommand::Cyclonedx {
            spec,
            manifest,
            output,
            now,
        }) => import::export_cyclonedx(&manifest, output.as_deref(), now.as_deref(), &spec),
        Command::Export(ExportCommand::Spdx {
            manifest,
            output,
            now,
        }) => import::export_spdx(&manifest, output.as_deref(), now.as_deref()),
        Command::Import(ImportCommand::Spdx {
            file,
            manifest,
            force,
        }) => import::import_spdx(&file, &manifest, force, console),
        Command::Import(ImportCommand::Cyclonedx {
            file,
            manifest,
            force,
        }) => import::import_cyclonedx(&file, &manifest, force, console),
        Command::Import(ImportCommand::Hf {
            repository,
            dataset,
            manifest,
            endpoint,
            no_deps,
            now,
        }) => {
            let request = import::HfImport {
                repository: &repository,
                dataset,
                manifest: &manifest,
                endpoint: endpoint.as_deref(),
                no_deps,
                now: now.as_deref(),
            };
            import::import_hf(&request, console)
        }
        Command::Sign {
            key,
            manifest,
            component,
            cert: None,
            ..
        } => sign::sign(&key, &manifest, component.as_deref(), terminal, console),
        Command::Sign {
            key,
            manifest,
            component,
            cert: Some(cert),
            chain,
        } => sign::sign_model_component(
            &key,
            &manifest,
            component.as_deref().unwrap_or_default(),
            Some((&cert, &chain)),
            console,
        ),
        Command::OmsConformance(command) => commands::oms::run(&command, console),
        Command::Verify {
            key,
            manifest,
            attestation: None,
            ..
        } => sign::verify(&key, &manifest, terminal, console),
        Command::Verify {
            key,
            manifest,
            attestation: Some(attestation),
            require_pass,
        } => sign::verify_attestation(&key, &manifest, &attestation, require_pass, console),
        Command::Attest {
            key,
            manifest,
            output,
            policy,
            now,
        } => sign::attest(
            &key,
            &manifest,
            &output,
            policy,
            now.as_deref(),
            terminal,
            console,
        ),
    }
}
