//! The `aitrust` binary: command-line parsing, reading and writing files, choosing the renderer, exit codes.
//! Everything else lives in the library.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aitrust::audit::{self, AuditOptions};
use aitrust::bom::LoadError;
use aitrust::findings::Code;
use aitrust::report::{self, Verdict};
use aitrust::sources::hash::{self, Progress};
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
        #[arg(long, hide = true)]
        now: Option<String>,
    },
    /// Walk the trust checklist: answer open items at a terminal, or print every item's status.
    Checklist(ChecklistArgs),
    /// Write an ed25519 key pair: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub.
    Keygen {
        /// Where to write: PREFIX.key and PREFIX.pub (never overwritten).
        #[arg(long = "out")]
        prefix: PathBuf,
    },
    /// Sign the project: write aibom.sig (DSSE, in-toto statement of every local artifact and the manifest).
    Sign {
        /// The private key (PKCS#8 PEM).
        #[arg(long)]
        key: PathBuf,
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Sign one component's files into its own `signature.path` instead.
        #[arg(long)]
        component: Option<String>,
    },
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
        #[arg(long, hide = true)]
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
    #[arg(long, hide = true)]
    now: Option<String>,
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A CycloneDX 1.6 JSON ML-BOM.
    Cyclonedx {
        /// The manifest.
        #[arg(long, default_value = "aibom.toml")]
        manifest: PathBuf,
        /// Write here (atomically) instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Fix the BOM's timestamp (RFC 3339).
        #[arg(long, hide = true)]
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
        #[arg(long, hide = true)]
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
    /// A policy file that replaces the manifest's [policy].
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The checklist answers file [default: aibom.answers.toml beside the manifest].
    #[arg(long)]
    answers: Option<PathBuf>,
    /// Fix "now" (RFC 3339).
    #[arg(long, hide = true)]
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
    #[arg(long, conflicts_with_all = ["item", "status"])]
    all: bool,
    /// Walk one item.
    #[arg(long, conflicts_with = "status")]
    item: Option<String>,
    /// Print every item's status and answer; ask nothing.
    #[arg(long)]
    status: bool,
    /// Fix "now" (RFC 3339).
    #[arg(long, hide = true)]
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

/// Data goes to stdout, or atomically to a file.
fn emit(data: &str, output: Option<&Path>) -> Result<(), u8> {
    match output {
        Some(path) => aitrust::fsutil::write_atomic(path, data.as_bytes()).map_err(|error| {
            say(&format!("error: cannot write {}: {error}", path.display()));
            EXIT_USAGE
        }),
        None => {
            let mut stdout = io::stdout().lock();
            match stdout.write_all(data.as_bytes()).and_then(|()| stdout.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`aitrust hash ... | head`) is not an error worth a message.
                Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(error) => {
                    say(&format!("error: cannot write to standard output: {error}"));
                    Err(EXIT_USAGE)
                }
            }
        }
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
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Init {
            dir,
            force,
            from_hf_cache,
        } => init(&dir, force, from_hf_cache),
        Command::Hash { paths } => hash_paths(&paths),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Keygen { prefix } => keygen(&prefix),
        Command::Checklist(args) => checklist(args),
        Command::Report(args) => write_report(args),
        Command::Lock {
            manifest,
            endpoint,
            now,
        } => lock(&manifest, endpoint.as_deref(), now.as_deref()),
        Command::Export(ExportCommand::Cyclonedx {
            manifest,
            output,
            now,
        }) => export_cyclonedx(&manifest, output.as_deref(), now.as_deref()),
        Command::Import(ImportCommand::Cyclonedx {
            file,
            manifest,
            force,
        }) => import_cyclonedx(&file, &manifest, force),
        Command::Import(ImportCommand::Hf {
            repository,
            dataset,
            manifest,
            endpoint,
            no_deps,
            now,
        }) => import_hf(
            &repository,
            dataset,
            &manifest,
            endpoint.as_deref(),
            no_deps,
            now.as_deref(),
        ),
        Command::Sign {
            key,
            manifest,
            component,
        } => sign_project(&key, &manifest, component.as_deref()),
        Command::Verify {
            key,
            manifest,
            attestation: None,
            ..
        } => verify_project(&key, &manifest),
        Command::Verify {
            key,
            manifest,
            attestation: Some(attestation),
            require_pass,
        } => verify_attestation(&key, &manifest, &attestation, require_pass),
        Command::Attest {
            key,
            manifest,
            output,
            policy,
            now,
        } => attest(&key, &manifest, &output, policy, now.as_deref()),
    };
    ExitCode::from(code)
}

fn report_load_error(error: &LoadError) -> u8 {
    match error {
        LoadError::Io { path, source } if source.kind() == io::ErrorKind::NotFound => {
            let hint = if path.file_name().is_some_and(|name| name == "aibom.toml") {
                "\nhelp: run `aitrust init` to write one, or pass --manifest PATH"
            } else {
                ""
            };
            say(&format!(
                "error: {} does not exist{hint}",
                aitrust::diag::display_path(path)
            ));
        }
        other => say(&format!("{other}")),
    }
    EXIT_USAGE
}

/// `--now`, or the clock.
/// The name of a directory (for a new manifest's `[project] name`), or `fallback`.
fn directory_name(dir: &Path, fallback: &str) -> String {
    std::fs::canonicalize(dir)
        .ok()
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| fallback.to_string())
}

/// The Hub client for `--endpoint` (else HF_ENDPOINT, else the public Hub); an unusable endpoint is bad usage.
fn hub_client(endpoint: Option<&str>) -> Result<aitrust::sources::hub::Hub, u8> {
    aitrust::sources::hub::Hub::new(&aitrust::sources::hub::endpoint(endpoint)).map_err(|error| {
        say(&format!("error: {error}"));
        EXIT_USAGE
    })
}

fn parse_now(now: Option<&str>) -> Result<time::OffsetDateTime, u8> {
    match now {
        Some(text) => time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).map_err(|error| {
            say(&format!("error: --now {text:?} is not an RFC 3339 time ({error})\nhelp: write it like 2026-11-22T12:00:00Z"));
            EXIT_USAGE
        }),
        None => Ok(time::OffsetDateTime::now_utc()),
    }
}

fn check(args: CheckArgs) -> u8 {
    let now = match parse_now(args.now.as_deref()) {
        Ok(now) => now,
        Err(code) => return code,
    };
    // The audit never uses the network (it reads aibom.lock); --offline lets CI state that intent explicitly.
    let _ = args.offline;
    let options = AuditOptions {
        manifest: args.manifest.clone(),
        policy: args.policy,
        answers: args.answers,
        now,
        progress: io::stderr().is_terminal(),
    };
    let audit = match audit::run(&options) {
        Ok(audit) => audit,
        Err(error) => return report_load_error(&error),
    };
    let text = match args.format {
        Format::Table => report::table::render(&audit),
        Format::Json => report::json::render(&audit),
        Format::Sarif => report::sarif::render(&audit),
        Format::Junit => report::junit::render(&audit),
        Format::Github => report::github::render(&audit),
        Format::Markdown => match render_document(
            &audit,
            &args.manifest,
            report::document::ReportFormat::Markdown,
            None,
        ) {
            Ok(text) => text,
            Err(code) => return code,
        },
    };
    if let Err(code) = emit(&text, args.output.as_deref()) {
        return code;
    }
    append_step_summary(&audit, &args.manifest);
    match audit.verdict {
        Verdict::Pass => EXIT_PASS,
        Verdict::Fail => EXIT_FAIL,
    }
}

/// Renders the HTML or Markdown report of an audit, with the report's provenance.
fn render_document(
    audit: &report::Audit,
    manifest: &Path,
    format: report::document::ReportFormat,
    templates: Option<&Path>,
) -> Result<String, u8> {
    let (git_commit, git_dirty) = report::document::git_state(&aitrust::bom::reader_parent(manifest));
    let provenance = report::document::Provenance {
        tool: format!("aitrust {}", audit.tool.version),
        generated_at: audit.generated_at.clone(),
        manifest: audit.manifest.path.clone(),
        manifest_sha256: audit.manifest.sha256.clone(),
        git_commit,
        git_dirty,
    };
    report::document::render(audit, &provenance, format, templates).map_err(|error| {
        say(&format!("error: {error}"));
        EXIT_USAGE
    })
}

fn write_report(args: ReportArgs) -> u8 {
    let now = match parse_now(args.now.as_deref()) {
        Ok(now) => now,
        Err(code) => return code,
    };
    let options = AuditOptions {
        manifest: args.manifest.clone(),
        policy: args.policy,
        answers: args.answers,
        now,
        progress: io::stderr().is_terminal(),
    };
    let audit = match audit::run(&options) {
        Ok(audit) => audit,
        Err(error) => return report_load_error(&error),
    };
    let format = match args.format {
        ReportFormatArg::Html => report::document::ReportFormat::Html,
        ReportFormatArg::Markdown => report::document::ReportFormat::Markdown,
        ReportFormatArg::Json => report::document::ReportFormat::Json,
    };
    let text = match render_document(&audit, &args.manifest, format, args.template.as_deref()) {
        Ok(text) => text,
        Err(code) => return code,
    };
    if let Err(code) = emit(&text, Some(&args.output)) {
        return code;
    }
    say(&format!(
        "wrote {} (verdict: {})",
        args.output.display(),
        if audit.verdict == Verdict::Pass {
            "pass"
        } else {
            "fail"
        }
    ));
    EXIT_PASS
}

fn lock(manifest: &Path, endpoint: Option<&str>, now: Option<&str>) -> u8 {
    let now = match parse_now(now) {
        Ok(now) => now,
        Err(code) => return code,
    };
    let bom = match aitrust::bom::load(manifest) {
        Ok(bom) => bom,
        Err(error) => return report_load_error(&error),
    };
    let hub = match hub_client(endpoint) {
        Ok(hub) => hub,
        Err(code) => return code,
    };
    let mut lock = aitrust::sources::lockfile::LockFile::default();
    for component in bom
        .components()
        .filter(|c| c.source.value == aitrust::bom::SourceKind::Git)
    {
        let Some(url) = &component.url else { continue };
        // a relative path is relative to the manifest, like every other path in it
        let remote = if url.value.contains("://") || Path::new(&url.value).is_absolute() {
            url.value.clone()
        } else {
            bom.root.join(&url.value).display().to_string()
        };
        let revision = component.revision.as_ref().map(|r| r.value.as_str());
        say(&format!("locking {} ({})", component.id.value, url.value));
        match aitrust::sources::git::lock(&component.id.value, &remote, component.kind, revision, now) {
            Ok(mut locked) => {
                locked.repository = url.value.clone();
                lock.components.push(locked);
            }
            Err(error) => {
                say(&format!(
                    "error: {error}\nnothing was written: aibom.lock is unchanged"
                ));
                return EXIT_USAGE;
            }
        }
    }
    for component in bom
        .components()
        .filter(|c| c.source.value == aitrust::bom::SourceKind::Huggingface)
    {
        let Some(name) = &component.name else { continue };
        let revision = component.revision.as_ref().map(|r| r.value.as_str());
        say(&format!(
            "locking {} ({}{})",
            component.id.value,
            name.value,
            revision
                .map(|r| format!("@{}", &r[..r.len().min(12)]))
                .unwrap_or_default()
        ));
        match hub.fetch(&component.id.value, &name.value, component.kind, revision, now) {
            Ok((locked, _)) => lock.components.push(locked),
            // a definite "does not exist" is a fact to record (MNT008 in `check`), not a failure to retry
            Err(
                error @ (aitrust::sources::hub::HubError::NotFound { .. }
                | aitrust::sources::hub::HubError::RevisionNotFound { .. }
                | aitrust::sources::hub::HubError::Disabled { .. }),
            ) => {
                say(&format!(
                    "warning: {error}; recorded in aibom.lock (`check` reports it)"
                ));
                let (missing, disabled) = match error {
                    aitrust::sources::hub::HubError::NotFound { .. } => (Some("repository"), false),
                    aitrust::sources::hub::HubError::RevisionNotFound { .. } => (Some("revision"), false),
                    _ => (None, true),
                };
                let mut entry = aitrust::sources::lockfile::LockedComponent::new(
                    &component.id.value,
                    "huggingface",
                    &name.value,
                    component.kind,
                    revision.unwrap_or_default(),
                    now,
                );
                entry.missing = missing.map(str::to_string);
                entry.disabled = disabled;
                lock.components.push(entry);
            }
            Err(error) => {
                say(&format!(
                    "error: {error}\nnothing was written: aibom.lock is unchanged"
                ));
                return EXIT_USAGE;
            }
        }
    }
    let path = aitrust::sources::lockfile::path_beside(manifest);
    if let Err(error) =
        aitrust::fsutil::write_atomic(&path, aitrust::sources::lockfile::to_toml(&lock).as_bytes())
    {
        say(&format!("error: cannot write {}: {error}", path.display()));
        return EXIT_USAGE;
    }
    say(&format!(
        "wrote {} ({} component{})",
        path.display(),
        lock.components.len(),
        if lock.components.len() == 1 { "" } else { "s" }
    ));
    EXIT_PASS
}

fn export_cyclonedx(manifest: &Path, output: Option<&Path>, now: Option<&str>) -> u8 {
    let now = match parse_now(now) {
        Ok(now) => now,
        Err(code) => return code,
    };
    let bom = match aitrust::bom::load(manifest) {
        Ok(bom) => bom,
        Err(error) => return report_load_error(&error),
    };
    let timestamp = now
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let document = aitrust::bom::cyclonedx::export(&bom, &timestamp);
    let mut text = serde_json::to_string_pretty(&document).expect("a BOM is plain JSON");
    text.push('\n');
    emit(&text, output).err().unwrap_or(EXIT_PASS)
}

fn import_hf(
    repository: &str,
    dataset: bool,
    manifest: &Path,
    endpoint: Option<&str>,
    no_deps: bool,
    now: Option<&str>,
) -> u8 {
    use aitrust::sources::{import_hf, lockfile};
    let now = match parse_now(now) {
        Ok(now) => now,
        Err(code) => return code,
    };
    let kind = if dataset {
        aitrust::bom::ComponentKind::Dataset
    } else {
        aitrust::bom::ComponentKind::Model
    };
    let request = match import_hf::Request::parse(repository, kind) {
        Ok(request) => request,
        Err(error) => {
            say(&format!("error: {error}"));
            return EXIT_USAGE;
        }
    };
    // an existing manifest must be valid before we touch it; a missing one is started
    let original = if manifest.exists() {
        if let Err(error) = aitrust::bom::load(manifest) {
            return report_load_error(&error);
        }
        match std::fs::read_to_string(manifest) {
            Ok(text) => text,
            Err(error) => {
                say(&format!("error: cannot read {}: {error}", manifest.display()));
                return EXIT_USAGE;
            }
        }
    } else {
        let name = directory_name(&aitrust::bom::reader_parent(manifest), "project");
        format!(
            "# AI bill of materials, started by `aitrust import hf`. See `aitrust explain` for the checks.\n\
             schema = 1\n\n[project]\nname = {}\n",
            aitrust::init::toml_string(&name)
        )
    };
    let lock_path = lockfile::path_beside(manifest);
    let lock = if lock_path.exists() {
        match lockfile::load(&lock_path) {
            Ok(lock) => lock,
            Err(error) => return report_load_error(&error),
        }
    } else {
        lockfile::LockFile::default()
    };
    let client = match hub_client(endpoint) {
        Ok(client) => client,
        Err(code) => return code,
    };
    let unchanged = |error: &str| {
        say(&format!(
            "error: {error}\nnothing was written: {} is unchanged",
            manifest.display()
        ));
        EXIT_USAGE
    };
    let imported = match import_hf::import(&client, &original, lock, request, no_deps, now) {
        Ok(imported) => imported,
        Err(error) => return unchanged(&error),
    };
    let root = aitrust::bom::reader_parent(manifest);
    if let Err(error) = aitrust::bom::from_bytes(manifest, &root, imported.manifest.as_bytes()) {
        return unchanged(&format!("the imported manifest does not validate: {error}"));
    }
    if let Err(error) = aitrust::fsutil::write_atomic(manifest, imported.manifest.as_bytes()) {
        return unchanged(&format!("cannot write {}: {error}", manifest.display()));
    }
    if let Err(error) =
        aitrust::fsutil::write_atomic(&lock_path, lockfile::to_toml(&imported.lock).as_bytes())
    {
        say(&format!(
            "error: wrote {} but cannot write {}: {error}\nhelp: run `aitrust lock` to rebuild it",
            manifest.display(),
            lock_path.display()
        ));
        return EXIT_USAGE;
    }
    let mut message = String::new();
    for line in &imported.summary {
        message.push_str(&format!("{line}\n"));
    }
    message.push_str(&format!(
        "wrote {} and {}",
        manifest.display(),
        lock_path.display()
    ));
    say(&message);
    EXIT_PASS
}

fn import_cyclonedx(file: &Path, manifest: &Path, force: bool) -> u8 {
    if manifest.exists() && !force {
        say(&format!(
            "error: {} already exists\nhelp: pass --force to replace it, or --manifest to write elsewhere",
            manifest.display()
        ));
        return EXIT_USAGE;
    }
    let document: serde_json::Value = match std::fs::read(file)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(document) => document,
        Err(error) => {
            say(&format!("error: {}: {error}", file.display()));
            return EXIT_USAGE;
        }
    };
    let name = directory_name(&aitrust::bom::reader_parent(manifest), "imported");
    let imported = match aitrust::bom::cyclonedx::import(&document, &name) {
        Ok(imported) => imported,
        Err(error) => {
            say(&format!("error: {}: {error}", file.display()));
            return EXIT_USAGE;
        }
    };
    if let Err(error) = aitrust::fsutil::write_atomic(manifest, imported.manifest.as_bytes()) {
        say(&format!("error: cannot write {}: {error}", manifest.display()));
        return EXIT_USAGE;
    }
    let mut message = format!(
        "wrote {} with {} component{}",
        manifest.display(),
        imported.components,
        if imported.components == 1 { "" } else { "s" }
    );
    if !imported.dropped.is_empty() {
        message.push_str("\nnot carried over:");
        for line in &imported.dropped {
            message.push_str(&format!("\n  - {line}"));
        }
    }
    say(&message);
    EXIT_PASS
}

/// Under GitHub Actions, appends the Markdown report to the job's step summary.
fn append_step_summary(audit: &report::Audit, manifest: &Path) {
    if std::env::var_os("GITHUB_ACTIONS").is_none_or(|v| v != "true") {
        return;
    }
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return;
    };
    let Ok(text) = render_document(audit, manifest, report::document::ReportFormat::Markdown, None) else {
        return;
    };
    let appended = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    if let Err(error) = appended {
        say(&format!("warning: cannot append to GITHUB_STEP_SUMMARY: {error}"));
    }
}

/// Reads answers from the terminal, one line each; prompts go to stderr.
struct TerminalPrompter;

impl aitrust::checklist::interactive::Prompter for TerminalPrompter {
    fn say(&mut self, text: &str) {
        say(text);
    }

    fn ask(&mut self, prompt: &str, default: Option<&str>) -> io::Result<Option<String>> {
        let mut stderr = io::stderr().lock();
        match default {
            Some(default) => write!(stderr, "{prompt} [{default}]: ")?,
            None => write!(stderr, "{prompt}: ")?,
        }
        stderr.flush()?;
        let mut line = String::new();
        if io::stdin().read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
    }
}

fn checklist(args: ChecklistArgs) -> u8 {
    use aitrust::checklist::{self as checklist, Checklist, interactive};
    let now = match parse_now(args.now.as_deref()) {
        Ok(now) => now,
        Err(code) => return code,
    };
    let has_terminal = io::stdin().is_terminal() && io::stderr().is_terminal();
    if !args.status && !has_terminal {
        say(
            "error: `aitrust checklist` asks questions and needs a terminal\nhelp: run `aitrust checklist --status` to see the items, or edit aibom.answers.toml (its format is in the README)",
        );
        return EXIT_USAGE;
    }
    let options = AuditOptions {
        manifest: args.manifest.clone(),
        policy: None,
        answers: args.answers.clone(),
        now,
        progress: false,
    };
    let audit = match audit::run(&options) {
        Ok(audit) => audit,
        Err(error) => return report_load_error(&error),
    };
    let base = aitrust::bom::reader_parent(&args.manifest);
    let selected = match Checklist::load(&args.checklist, &base) {
        Ok(selected) => selected,
        Err(error) => return report_load_error(&error),
    };
    let answers_path = args
        .answers
        .clone()
        .unwrap_or_else(|| audit::default_answers_path(&args.manifest));
    let known: Vec<Checklist> = checklist::BUILTIN
        .iter()
        .filter_map(|(id, _, _)| Checklist::builtin(id))
        .chain(std::iter::once(selected.clone()))
        .collect();
    let known_refs: Vec<&Checklist> = known.iter().collect();
    let answers = if answers_path.exists() {
        match checklist::answers::load(&answers_path, &known_refs) {
            Ok(answers) => answers,
            Err(error) => return report_load_error(&error),
        }
    } else {
        checklist::Answers::default()
    };
    let report = checklist::walk(
        &selected,
        &audit.findings,
        Some(&answers),
        audit::CHECKS_RUN,
        &audit.manifest.sha256,
    );
    if args.status {
        return emit(
            &aitrust::report::table::checklist_status(&selected, &report),
            None,
        )
        .err()
        .unwrap_or(EXIT_PASS);
    }
    let selection = match (&args.item, args.all) {
        (Some(item), _) if selected.item(item).is_none() => {
            say(&format!(
                "error: `{}` has no item `{item}`\nhelp: `aitrust checklist --status` lists them",
                selected.id
            ));
            return EXIT_USAGE;
        }
        (Some(item), _) => interactive::Selection::Item(item.clone()),
        (None, true) => interactive::Selection::All,
        (None, false) => interactive::Selection::Open,
    };
    let mut walk = interactive::Walk {
        checklist: &selected,
        report: &report,
        answers,
        answers_path,
        bom_sha256: audit.manifest.sha256.clone(),
        default_author: interactive::git_identity(&base)
            .unwrap_or_else(|| "unknown (set git user.name)".to_string()),
        now: audit.generated_at.clone(),
    };
    match interactive::run(&mut walk, &mut TerminalPrompter, &selection) {
        Ok(count) => {
            say(&format!(
                "{count} answer{} recorded.",
                if count == 1 { "" } else { "s" }
            ));
            EXIT_PASS
        }
        Err(error) => {
            say(&format!("error: {error}"));
            EXIT_USAGE
        }
    }
}

fn init(dir: &Path, force: bool, from_hf_cache: Option<Option<PathBuf>>) -> u8 {
    let manifest = dir.join("aibom.toml");
    if manifest.exists() && !force {
        say(&format!(
            "error: {} already exists\nhelp: pass --force to replace it",
            manifest.display()
        ));
        return EXIT_USAGE;
    }
    let found = match aitrust::init::discover(dir) {
        Ok(found) => found,
        Err(error) => {
            say(&format!("error: {error}"));
            return EXIT_USAGE;
        }
    };
    let cached = match from_hf_cache {
        None => Vec::new(),
        Some(cache) => {
            let Some(cache) = cache.or_else(aitrust::sources::hf_cache::default_dir) else {
                say(
                    "error: no Hugging Face cache directory is known (HOME is not set)\nhelp: pass it: `aitrust init --from-hf-cache DIR`",
                );
                return EXIT_USAGE;
            };
            match read_hf_cache(&cache) {
                Ok(repos) => repos,
                Err(code) => return code,
            }
        }
    };
    let name = directory_name(dir, "my-project");
    let text = aitrust::init::manifest_text(dir, &name, &found, &cached, io::stderr().is_terminal());
    if let Err(error) = aitrust::fsutil::write_atomic(&manifest, text.as_bytes()) {
        say(&format!("error: cannot write {}: {error}", manifest.display()));
        return EXIT_USAGE;
    }
    let models = found
        .iter()
        .map(|c| c.kind)
        .chain(cached.iter().map(|c| c.kind))
        .filter(|kind| *kind == aitrust::bom::ComponentKind::Model)
        .count();
    let total = found.len() + cached.len();
    say(&format!(
        "wrote {}: {models} model{}, {} dataset{}\nnext: review it, answer the commented prompts, then run `aitrust check --manifest {}`",
        manifest.display(),
        if models == 1 { "" } else { "s" },
        total - models,
        if total - models == 1 { "" } else { "s" },
        manifest.display()
    ));
    EXIT_PASS
}

/// Scans and verifies the cache; a corrupted cache is a failed check (exit 1), an unreadable one bad input.
fn read_hf_cache(cache: &Path) -> Result<Vec<aitrust::sources::hf_cache::CachedRepo>, u8> {
    let scan = aitrust::sources::hf_cache::scan(cache, io::stderr().is_terminal()).map_err(|error| {
        say(&format!("error: {error}"));
        EXIT_USAGE
    })?;
    for skipped in &scan.skipped {
        say(&format!("note: {skipped}"));
    }
    if !scan.corrupted.is_empty() {
        let mut message = format!(
            "error: the Hugging Face cache at {} is corrupted ({} problem{} in {} blob{} verified):",
            cache.display(),
            scan.corrupted.len(),
            if scan.corrupted.len() == 1 { "" } else { "s" },
            scan.blobs_verified,
            if scan.blobs_verified == 1 { "" } else { "s" },
        );
        for problem in &scan.corrupted {
            message.push_str(&format!(
                "\n  {} ({}): {}",
                problem.location, problem.repository, problem.problem
            ));
        }
        let mut repositories: Vec<&str> = scan.corrupted.iter().map(|c| c.repository.as_str()).collect();
        repositories.sort_unstable();
        repositories.dedup();
        message.push_str(&format!(
            "\nhelp: delete the damaged repositories from the cache (`hf cache rm`) and download them again \
             (`hf download ORG/NAME`): {}\nnothing was written",
            repositories.join(", ")
        ));
        say(&message);
        return Err(EXIT_FAIL);
    }
    say(&format!(
        "verified {} cached blob{} in {}",
        scan.blobs_verified,
        if scan.blobs_verified == 1 { "" } else { "s" },
        cache.display()
    ));
    Ok(scan.repos)
}

fn attest(key_path: &Path, manifest: &Path, output: &Path, policy: Option<PathBuf>, now: Option<&str>) -> u8 {
    let key = match aitrust::sign::keys::read_private(key_path) {
        Ok(key) => key,
        Err(error) => {
            say(&format!("error: {error}"));
            return EXIT_USAGE;
        }
    };
    let now = match parse_now(now) {
        Ok(now) => now,
        Err(code) => return code,
    };
    let options = AuditOptions {
        manifest: manifest.to_path_buf(),
        policy,
        answers: None,
        now,
        progress: io::stderr().is_terminal(),
    };
    let audit = match audit::run(&options) {
        Ok(audit) => audit,
        Err(error) => return report_load_error(&error),
    };
    let bom = match aitrust::bom::load(manifest) {
        Ok(bom) => bom,
        Err(error) => return report_load_error(&error),
    };
    let inventory = aitrust::sources::local::inventory(&bom, false);
    let (subjects, _) = aitrust::sign::project_subjects(&bom, &inventory);
    let statement = aitrust::sign::attestation_statement(subjects, &audit);
    let envelope = aitrust::sign::dsse::sign(&statement, &key);
    let mut text = serde_json::to_string_pretty(&envelope).expect("an envelope is plain data");
    text.push('\n');
    if let Err(error) = aitrust::fsutil::write_atomic(output, text.as_bytes()) {
        say(&format!("error: cannot write {}: {error}", output.display()));
        return EXIT_USAGE;
    }
    say(&format!(
        "attested {} (verdict: {}, {} errors, {} warnings) into {}",
        audit.manifest.path,
        if audit.verdict == Verdict::Pass {
            "pass"
        } else {
            "fail"
        },
        audit.summary.errors,
        audit.summary.warnings,
        output.display()
    ));
    EXIT_PASS
}

fn verify_attestation(key_paths: &[PathBuf], manifest: &Path, attestation: &Path, require_pass: bool) -> u8 {
    let bom = match aitrust::bom::load(manifest) {
        Ok(bom) => bom,
        Err(error) => return report_load_error(&error),
    };
    let keys = match verification_keys(key_paths, &bom) {
        Ok(keys) => keys,
        Err(code) => return code,
    };
    let bytes = match std::fs::read(attestation) {
        Ok(bytes) => bytes,
        Err(error) => {
            say(&format!("error: cannot read {}: {error}", attestation.display()));
            return EXIT_USAGE;
        }
    };
    let inventory = aitrust::sources::local::inventory(&bom, false);
    let (current, _) = aitrust::sign::project_subjects(&bom, &inventory);
    let outcome = match aitrust::sign::dsse::parse(&bytes) {
        Ok(envelope) => aitrust::sign::verify_attestation(&envelope, &keys, &current),
        Err(error) => aitrust::sign::AttestationCheck::Invalid(error),
    };
    match outcome {
        aitrust::sign::AttestationCheck::Current { signer, verdict } => {
            let text = format!(
                "valid: {} is signed by {signer}, current, and attests verdict {verdict}\n",
                attestation.display()
            );
            if let Err(code) = emit(&text, None) {
                return code;
            }
            if require_pass && verdict != "pass" {
                say("invalid: the attested audit did not pass (--require-pass)");
                return EXIT_FAIL;
            }
            EXIT_PASS
        }
        aitrust::sign::AttestationCheck::Outdated { signer, diff } => {
            say(&format!(
                "invalid: {} (signed by {signer}) is not about the project as it is now: {}",
                attestation.display(),
                diff.describe()
            ));
            EXIT_FAIL
        }
        aitrust::sign::AttestationCheck::Invalid(error) => {
            say(&format!("invalid: {}: {error}", attestation.display()));
            EXIT_FAIL
        }
    }
}

fn keygen(prefix: &Path) -> u8 {
    match aitrust::sign::keys::generate(prefix) {
        Ok((private, public, id)) => {
            say(&format!(
                "wrote {} (keep it secret) and {}\nkey id: {id}\nnext: list {} in policy.signatures.trusted_keys, then `aitrust sign --key {}`",
                private.display(),
                public.display(),
                public.display(),
                private.display()
            ));
            EXIT_PASS
        }
        Err(error) => {
            say(&format!("error: {error}"));
            EXIT_USAGE
        }
    }
}

fn sign_project(key_path: &Path, manifest: &Path, component: Option<&str>) -> u8 {
    let key = match aitrust::sign::keys::read_private(key_path) {
        Ok(key) => key,
        Err(error) => {
            say(&format!("error: {error}"));
            return EXIT_USAGE;
        }
    };
    let bom = match aitrust::bom::load(manifest) {
        Ok(bom) => bom,
        Err(error) => return report_load_error(&error),
    };
    let inventory = aitrust::sources::local::inventory(&bom, io::stderr().is_terminal());
    let (subjects, problems, target, scope) = match component {
        None => {
            let (subjects, problems) = aitrust::sign::project_subjects(&bom, &inventory);
            (
                subjects,
                problems,
                manifest.with_file_name(aitrust::sign::SIGNATURE_FILE),
                "project".to_string(),
            )
        }
        Some(id) => {
            let Some(found) = bom.component(id) else {
                say(&format!("error: the manifest has no component `{id}`"));
                return EXIT_USAGE;
            };
            let Some(signature) = found
                .signature
                .as_ref()
                .filter(|s| s.kind.value == aitrust::bom::SignatureKind::Aitrust)
            else {
                say(&format!(
                    "error: `{id}` has no `signature = {{ kind = \"aitrust\", path = \"...\" }}` to write to"
                ));
                return EXIT_USAGE;
            };
            let (subjects, problems) = aitrust::sign::component_subjects(found, &inventory);
            (
                subjects,
                problems,
                signature.path.value.under(&bom.root),
                format!("component {id}"),
            )
        }
    };
    if !problems.is_empty() {
        say(&format!(
            "error: nothing was signed; these files are not as the manifest declares:\n  {}\nhelp: run `aitrust check` and fix the integrity findings first",
            problems.join("\n  ")
        ));
        return EXIT_USAGE;
    }
    let statement = aitrust::sign::statement(&bom, subjects, &scope);
    let count = statement.subject.len();
    let envelope = aitrust::sign::dsse::sign(&statement, &key);
    let mut text = serde_json::to_string_pretty(&envelope).expect("an envelope is plain data");
    text.push('\n');
    if let Err(error) = aitrust::fsutil::write_atomic(&target, text.as_bytes()) {
        say(&format!("error: cannot write {}: {error}", target.display()));
        return EXIT_USAGE;
    }
    say(&format!(
        "signed {count} subject{} into {} with key {}",
        if count == 1 { "" } else { "s" },
        target.display(),
        aitrust::sign::keys::key_id(&key.verifying_key())
    ));
    EXIT_PASS
}

/// The keys to verify with: the ones given, or the policy's trusted keys.
fn verification_keys(
    key_paths: &[PathBuf],
    bom: &aitrust::bom::Bom,
) -> Result<Vec<(String, ed25519_dalek::VerifyingKey)>, u8> {
    let mut keys = Vec::new();
    let sources: Vec<(String, PathBuf)> = if key_paths.is_empty() {
        bom.policy
            .signatures
            .trusted_keys
            .iter()
            .map(|k| (k.value.to_string(), k.value.under(&bom.policy.base)))
            .collect()
    } else {
        key_paths
            .iter()
            .map(|p| (p.display().to_string(), p.clone()))
            .collect()
    };
    for (name, path) in sources {
        match aitrust::sign::keys::read_public(&path) {
            Ok(key) => keys.push((name, key)),
            Err(error) => {
                say(&format!("error: {error}"));
                return Err(EXIT_USAGE);
            }
        }
    }
    if keys.is_empty() {
        say(
            "error: no key to verify with\nhelp: pass --key PUBLIC_KEY, or list keys in policy.signatures.trusted_keys",
        );
        return Err(EXIT_USAGE);
    }
    Ok(keys)
}

fn verify_project(key_paths: &[PathBuf], manifest: &Path) -> u8 {
    let bom = match aitrust::bom::load(manifest) {
        Ok(bom) => bom,
        Err(error) => return report_load_error(&error),
    };
    let keys = match verification_keys(key_paths, &bom) {
        Ok(keys) => keys,
        Err(code) => return code,
    };
    let signature = manifest.with_file_name(aitrust::sign::SIGNATURE_FILE);
    let bytes = match std::fs::read(&signature) {
        Ok(bytes) => bytes,
        Err(error) => {
            say(&format!(
                "error: cannot read {}: {error}\nhelp: sign the project with `aitrust sign --key KEY`",
                signature.display()
            ));
            return EXIT_USAGE;
        }
    };
    let inventory = aitrust::sources::local::inventory(&bom, io::stderr().is_terminal());
    let (current, _) = aitrust::sign::project_subjects(&bom, &inventory);
    let outcome = match aitrust::sign::dsse::parse(&bytes) {
        Ok(envelope) => aitrust::sign::verify_envelope(&envelope, &keys, &current),
        Err(error) => aitrust::sign::Verification::Invalid(error),
    };
    match outcome {
        aitrust::sign::Verification::Valid { signer } => {
            let text = format!(
                "valid: {} is signed by {signer} and matches the project ({} subjects)\n",
                signature.display(),
                current.len()
            );
            emit(&text, None).err().unwrap_or(EXIT_PASS)
        }
        aitrust::sign::Verification::Mismatch { signer, diff } => {
            say(&format!(
                "invalid: {} is signed by {signer} but does not match the project: {}",
                signature.display(),
                diff.describe()
            ));
            EXIT_FAIL
        }
        aitrust::sign::Verification::Invalid(error) => {
            say(&format!("invalid: {}: {error}", signature.display()));
            EXIT_FAIL
        }
    }
}

/// Expands directories into their files (sorted), keeping files as given.
fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, String>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git");
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => out.push(Ok(entry.into_path())),
                    Ok(_) => {}
                    Err(error) => out.push(Err(error.to_string())),
                }
            }
        } else {
            out.push(Ok(path.clone()));
        }
    }
    out
}

/// A line `sha256sum -c` reads back: names with a backslash or newline are escaped and the line starts with `\`.
fn checksum_line(digest: &str, path: &Path) -> String {
    let name = path.to_string_lossy();
    if name.contains('\\') || name.contains('\n') || name.contains('\r') {
        let escaped = name
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{digest}  {escaped}\n")
    } else {
        format!("{digest}  {name}\n")
    }
}

fn hash_paths(paths: &[PathBuf]) -> u8 {
    let expanded = expand(paths);
    let files: Vec<PathBuf> = expanded.iter().filter_map(|p| p.as_ref().ok().cloned()).collect();
    let progress = Progress::for_bytes(hash::total_size(&files), "hashing");
    let mut results = hash::hash_files(&files, &progress).into_iter();
    progress.finish();
    let mut failed = false;
    let mut text = String::new();
    for item in &expanded {
        match item {
            Ok(path) => match results.next() {
                Some(Ok(digest)) => text.push_str(&checksum_line(&digest.sha256.to_string(), path)),
                Some(Err(error)) => {
                    failed = true;
                    say(&format!("aitrust: {}: {error}", path.display()));
                }
                None => {}
            },
            Err(error) => {
                failed = true;
                say(&format!("aitrust: {error}"));
            }
        }
    }
    if let Err(code) = emit(&text, None) {
        return code;
    }
    if failed { EXIT_FAIL } else { EXIT_PASS }
}

fn explain(code: Option<&str>) -> u8 {
    let Some(text) = code else {
        let mut list = String::new();
        for code in Code::ALL {
            let doc = code.doc();
            list.push_str(&format!(
                "{}  {:<8} {:<10} {}\n",
                code.as_str(),
                doc.severity.as_str(),
                doc.check,
                doc.title
            ));
        }
        return emit(&list, None).err().unwrap_or(EXIT_PASS);
    };
    let Some(code) = Code::parse(text) else {
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let hint = match aitrust::diag::nearest(text, all.iter().copied()) {
            Some(near) => format!("did you mean {near}? "),
            None => String::new(),
        };
        say(&format!(
            "error: unknown finding code `{text}`\nhelp: {hint}`aitrust explain` lists every code"
        ));
        return EXIT_USAGE;
    };
    let doc = code.doc();
    let page = format!(
        "{}: {}\n\ncheck: {}\ndefault severity: {} (a policy can change it: [policy] levels = {{ \"{}\" = \"allow\" | \"warn\" | \"deny\" }})\nchecklist items: {}\n\n{}\n",
        code.as_str(),
        doc.title,
        doc.check,
        doc.severity.as_str(),
        code.as_str(),
        doc.checklist.join(", "),
        textwrap(doc.explanation, 100)
    );
    emit(&page, None).err().unwrap_or(EXIT_PASS)
}

/// Wraps prose at `width` columns on word boundaries.
fn textwrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        if line_len > 0 && line_len + 1 + word.len() > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.len();
    }
    out
}
