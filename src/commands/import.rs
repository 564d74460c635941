//! Interchange commands: `export cyclonedx`, `export spdx`, `import cyclonedx`, `import spdx` and `import hf`.

use std::path::Path;

use super::{Console, Error, Outcome};
use crate::interchange::{cyclonedx, import_hf, spdx};
use crate::sources::lockfile;

/// The export's timestamp: `--now`, else the current time, in RFC 3339 to the second.
fn timestamp(now: Option<&str>) -> Result<String, Error> {
    let now = super::parse_now(now)?;
    Ok(now
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default())
}

fn refused(manifest: &Path, format: &str, refused: &[cyclonedx::Refused]) -> Error {
    let lines: Vec<String> = refused.iter().map(|r| format!("  - {r}")).collect();
    Error::msg(format!(
        "{}: cannot be exported as a valid {format} document:\n{}\nhelp: fix these values in the manifest (a git remote may also be written as ssh://host/path)",
        manifest.display(),
        lines.join("\n")
    ))
}

fn emit(document: &serde_json::Value, output: Option<&Path>) -> Result<Outcome, Error> {
    let mut text = serde_json::to_string_pretty(document).expect("a document is plain JSON");
    text.push('\n');
    match output {
        Some(path) => {
            super::write(path, text.as_bytes())?;
            Ok(Outcome::pass(""))
        }
        None => Ok(Outcome::pass(text)),
    }
}

/// `aitrust export cyclonedx`: the manifest as a CycloneDX 1.6 or 1.7 ML-BOM, to `output` or stdout, validated
/// against the official schema first: a value that cannot be written validly is refused (exit 2), naming it.
pub fn export_cyclonedx(
    manifest: &Path,
    output: Option<&Path>,
    now: Option<&str>,
    spec: &str,
) -> Result<Outcome, Error> {
    let spec = cyclonedx::Spec::parse(spec).ok_or_else(|| {
        Error::msg(format!(
            "CycloneDX {spec:?} cannot be written\nhelp: use --spec 1.6 or --spec 1.7"
        ))
    })?;
    let timestamp = timestamp(now)?;
    let bom = crate::resolve::load(manifest)?;
    let document = cyclonedx::export(&bom, &timestamp, spec)
        .map_err(|r| refused(manifest, &format!("CycloneDX {}", spec.as_str()), &r))?;
    let problems = cyclonedx::validate(&document, spec);
    emit_valid(
        &document,
        output,
        manifest,
        &format!("CycloneDX {}", spec.as_str()),
        &problems,
    )
}

/// `aitrust export spdx`: the manifest as an SPDX 3.0.1 JSON-LD document (AI and Dataset profiles).
pub fn export_spdx(manifest: &Path, output: Option<&Path>, now: Option<&str>) -> Result<Outcome, Error> {
    let timestamp = timestamp(now)?;
    let bom = crate::resolve::load(manifest)?;
    let document = spdx::export(&bom, &timestamp).map_err(|r| refused(manifest, "SPDX 3.0.1", &r))?;
    let problems = spdx::validate(&document);
    emit_valid(&document, output, manifest, "SPDX 3.0.1", &problems)
}

/// Writes the document, or refuses (exit 2) when the format's validator found problems: never an invalid one.
fn emit_valid(
    document: &serde_json::Value,
    output: Option<&Path>,
    manifest: &Path,
    format: &str,
    problems: &[String],
) -> Result<Outcome, Error> {
    if problems.is_empty() {
        return emit(document, output);
    }
    Err(Error::msg(format!(
        "{}: the {format} document would be invalid, so it was not written:\n{}\nhelp: this is a bug in aitrust if the manifest loads; please report it with the manifest",
        manifest.display(),
        problems
            .iter()
            .map(|p| format!("  - {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    )))
}

/// The document an import reads: JSON, bounded, named in every error.
fn read_document(file: &Path) -> Result<serde_json::Value, Error> {
    crate::fsutil::read_file(file, crate::fsutil::limits::INTERCHANGE)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        .map_err(|error| Error::msg(format!("{}: {error}", file.display())))
}

/// Writes an imported manifest (validated first) and says what was not carried over.
fn write_import(
    manifest: &Path,
    imported: cyclonedx::Import,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    super::validate_before_writing(manifest, imported.manifest.as_bytes())?;
    super::write(manifest, imported.manifest.as_bytes())?;
    let mut message = format!(
        "wrote {} with {} component{}",
        manifest.display(),
        imported.components,
        super::plural(imported.components)
    );
    if !imported.dropped.is_empty() {
        message.push_str("\nnot carried over:");
        for line in &imported.dropped {
            message.push_str(&format!("\n  - {line}"));
        }
    }
    console.say(&message);
    Ok(Outcome::pass(""))
}

fn refuse_overwrite(manifest: &Path, force: bool) -> Result<(), Error> {
    if manifest.exists() && !force {
        return Err(Error::msg(format!(
            "{} already exists\nhelp: pass --force to replace it, or --manifest to write elsewhere",
            manifest.display()
        )));
    }
    Ok(())
}

/// Reads an interchange document into a manifest (the format's reader decides what it accepts).
type Reader = fn(&serde_json::Value, &str) -> Result<cyclonedx::Import, String>;

fn import_with(
    reader: Reader,
    file: &Path,
    manifest: &Path,
    force: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    refuse_overwrite(manifest, force)?;
    let document = read_document(file)?;
    let name = super::directory_name(&crate::bom::reader_parent(manifest), "imported");
    let imported =
        reader(&document, &name).map_err(|error| Error::msg(format!("{}: {error}", file.display())))?;
    write_import(manifest, imported, console)
}

/// `aitrust import cyclonedx`: writes a manifest from a CycloneDX ML-BOM.
pub fn import_cyclonedx(
    file: &Path,
    manifest: &Path,
    force: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    import_with(cyclonedx::import, file, manifest, force, console)
}

/// `aitrust import spdx`: writes a manifest from an SPDX 3 JSON-LD document.
pub fn import_spdx(
    file: &Path,
    manifest: &Path,
    force: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    import_with(spdx::import, file, manifest, force, console)
}

/// What `import hf` was asked.
#[derive(Clone, Debug)]
pub struct HfImport<'a> {
    /// `ORG/NAME[@REVISION]`.
    pub repository: &'a str,
    /// The repository is a dataset.
    pub dataset: bool,
    /// The manifest to edit (created if missing).
    pub manifest: &'a Path,
    /// The Hub's address.
    pub endpoint: Option<&'a str>,
    /// Only this repository.
    pub no_deps: bool,
    /// `--now`.
    pub now: Option<&'a str>,
}

/// `aitrust import hf`: adds a Hub repository and its lineage to the manifest, pinned and locked.
pub fn import_hf(request: &HfImport<'_>, console: &mut dyn Console) -> Result<Outcome, Error> {
    let now = super::parse_now(request.now)?;
    let manifest = request.manifest;
    let kind = if request.dataset {
        crate::bom::ComponentKind::Dataset
    } else {
        crate::bom::ComponentKind::Model
    };
    let parsed =
        import_hf::Request::parse(request.repository, kind).map_err(|e| Error::msg(e.to_string()))?;
    // Two imports at once must not lose one's edit: the manifest is read, edited and written under a lock.
    let _editing = crate::fsutil::EditLock::take(manifest)
        .map_err(|error| Error::msg(format!("cannot lock {} for editing: {error}", manifest.display())))?;
    // an existing manifest must be valid before we touch it; a missing one is started
    let original = if manifest.exists() {
        // read once: the text validated is the text edited
        let text = crate::fsutil::read_text(manifest, crate::fsutil::limits::MANIFEST)
            .map_err(|error| Error::msg(format!("cannot read {}: {error}", manifest.display())))?;
        crate::resolve::from_bytes(manifest, &crate::bom::reader_parent(manifest), text.as_bytes())?;
        text
    } else {
        let name = super::directory_name(&crate::bom::reader_parent(manifest), "project");
        format!(
            "# AI bill of materials, started by `aitrust import hf`. See `aitrust explain` for the checks.\n\
             schema = 1\n\n[project]\nname = {}\n",
            crate::tomlfile::toml_string(&name)
        )
    };
    let lock_path = lockfile::path_beside(manifest);
    let lock = if lock_path.exists() {
        lockfile::load(&lock_path)?
    } else {
        lockfile::LockFile::default()
    };
    let client = super::hub_client(request.endpoint)?;
    let unchanged = |error: &str| {
        Error::msg(format!(
            "{error}\nnothing was written: {} is unchanged",
            manifest.display()
        ))
    };
    let imported = import_hf::import(&client, &original, lock, parsed, request.no_deps, now)
        .map_err(|error| unchanged(&error))?;
    let root = crate::bom::reader_parent(manifest);
    if let Err(error) = crate::resolve::from_bytes(manifest, &root, imported.manifest.as_bytes()) {
        return Err(unchanged(&format!(
            "the imported manifest does not validate: {error}"
        )));
    }
    crate::fsutil::write_atomic(manifest, imported.manifest.as_bytes())
        .map_err(|error| unchanged(&format!("cannot write {}: {error}", manifest.display())))?;
    if let Err(error) = crate::fsutil::write_atomic(&lock_path, lockfile::to_toml(&imported.lock).as_bytes())
    {
        return Err(Error::msg(format!(
            "wrote {} but cannot write {}: {error}\nhelp: run `aitrust lock` to rebuild it",
            manifest.display(),
            lock_path.display()
        )));
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
    console.say(&message);
    Ok(Outcome::pass(""))
}
