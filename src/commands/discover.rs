//! `aitrust discover [DIR]`: every model, dataset and hosted model the project's code uses, with file and line,
//! whether the manifest declares it; `--write` declares the undeclared ones.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Console, Error, Outcome};
use crate::discover::{Kind, Status, Use};
use crate::tomlfile::toml_string;

/// `aitrust discover`'s arguments.
#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The manifest to compare with (and to write to) [default: DIR/aibom.toml].
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Output: table or json (one object per use).
    #[arg(long, value_parser = ["table", "json"], default_value = "table")]
    pub format: String,
    /// Add every used but undeclared model, dataset, hosted model and weights file to the manifest, as stubs
    /// to pin (comments and layout kept).
    #[arg(long)]
    pub write: bool,
    /// Also search files `.gitignore` excludes.
    #[arg(long)]
    pub no_ignore: bool,
}

/// Runs `aitrust discover`.
pub fn discover(args: &DiscoverArgs, console: &mut dyn Console) -> Result<Outcome, Error> {
    let manifest = args
        .manifest
        .clone()
        .unwrap_or_else(|| args.dir.join("aibom.toml"));
    let options = crate::discover::Options {
        gitignore: !args.no_ignore,
    };
    let mut found = crate::discover::discover(&args.dir, &options)
        .map_err(|error| Error::msg(format!("cannot read {}: {error}", args.dir.display())))?;
    let bom = if manifest.exists() {
        Some(crate::bom::load(&manifest)?)
    } else {
        None
    };
    // without a manifest nothing is declared
    let declared = bom.as_ref().map(crate::checks::discovery::Declared::new);
    for found in &mut found.uses {
        found.declared = Some(declared.as_ref().is_some_and(|d| d.by(found).is_some()));
    }
    for (file, why) in &found.skipped {
        console.say(&format!("note: {file} was not read: {why}"));
    }
    if args.write {
        let written = write(&manifest, bom.as_ref(), &found.uses, &args.dir)?;
        console.say(&match written {
            0 => format!("{}: nothing to add", manifest.display()),
            n => format!(
                "added {n} component{} to {}: pin each (the command is in the comment above it), then run `aitrust check`",
                super::plural(n),
                manifest.display()
            ),
        });
    }
    let text = if args.format == "json" {
        let mut text = serde_json::to_string_pretty(&found.uses).unwrap_or_else(|_| "[]".into());
        text.push('\n');
        text
    } else {
        table(&found.uses, bom.is_some(), found.files)
    };
    Ok(Outcome::pass(text))
}

fn table(uses: &[Use], with_manifest: bool, files: usize) -> String {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .force_no_tty()
        .set_header(["status", "kind", "identifier", "where", "via", "declared"]);
    for found in uses {
        table.add_row([
            found.status.as_str().to_string(),
            found.kind.as_str().to_string(),
            match &found.revision {
                Some(revision) => format!(
                    "{} @ {}",
                    found.identifier,
                    revision.get(..12).unwrap_or(revision)
                ),
                None => found.identifier.clone(),
            },
            if found.line == 0 {
                found.file.clone()
            } else {
                format!("{}:{}", found.file, found.line)
            },
            found.via.clone(),
            match found.declared {
                Some(true) => "yes".into(),
                Some(false) if with_manifest && matches!(found.status, Status::Used | Status::Present) => {
                    "NO".into()
                }
                Some(false) | None => "no".into(),
            },
        ]);
    }
    let used = uses.iter().filter(|u| u.status == Status::Used).count();
    let undeclared = uses
        .iter()
        .filter(|u| matches!(u.status, Status::Used | Status::Present) && u.declared == Some(false))
        .count();
    let mut out = format!(
        "{table}\n{used} used, {} in all, in {files} files searched",
        uses.len()
    );
    if with_manifest {
        let _ = write!(
            out,
            "; {undeclared} used but not declared (`--write` declares them)"
        );
    } else {
        out.push_str("; no manifest to compare with");
    }
    out.push('\n');
    out
}

/// Appends a stub for every used but undeclared thing, once each; returns how many.
fn write(manifest: &Path, bom: Option<&crate::bom::Bom>, uses: &[Use], dir: &Path) -> Result<usize, Error> {
    let Some(bom) = bom else {
        return Err(Error::msg(format!(
            "{} does not exist\nhelp: run `aitrust init` first, then `aitrust discover --write`",
            manifest.display()
        )));
    };
    let original = crate::fsutil::read_text(manifest, crate::fsutil::limits::MANIFEST)
        .map_err(|error| Error::msg(format!("cannot read {}: {error}", manifest.display())))?;
    let mut ids: crate::bom::Ids = bom.components().map(|c| c.id.value.clone()).collect();
    let kb = crate::license::KnowledgeBase::embedded();
    let mut seen = std::collections::BTreeSet::new();
    let mut text = String::new();
    let mut count = 0;
    for found in uses {
        if !matches!(found.status, Status::Used | Status::Present) || found.declared != Some(false) {
            continue;
        }
        if !seen.insert((found.kind, found.identifier.clone())) {
            continue;
        }
        let table = if found.kind == Kind::Dataset {
            "dataset"
        } else {
            "model"
        };
        let at = if found.line == 0 {
            found.file.clone()
        } else {
            format!("{}:{}", found.file, found.line)
        };
        let last = found
            .identifier
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&found.identifier);
        let _ = write!(text, "\n# Found by `aitrust discover` at {at} ({}).\n", found.via);
        match (found.kind, found.source.as_str()) {
            // a legacy one-part Hub name (`squad`, `gpt2`) now lives under an organisation, which only the Hub
            // knows: the stub stays a comment until a person writes the full name
            (Kind::Model | Kind::Dataset, "huggingface") if !found.identifier.contains('/') => {
                let kind = if found.kind == Kind::Dataset {
                    "datasets/"
                } else {
                    ""
                };
                let _ = writeln!(
                    text,
                    "# `{0}` is a legacy one-part Hub name: https://huggingface.co/{kind}{0} redirects to its\n# organisation's repository; declare that one (`aitrust import hf ORG/{0}`).\n# [[{table}]]\n# name = \"ORG/{0}\"\n# source = \"huggingface\"",
                    found.identifier
                );
                continue;
            }
            (Kind::Model | Kind::Dataset, "huggingface") => {
                let flag = if found.kind == Kind::Dataset {
                    " --dataset"
                } else {
                    ""
                };
                let _ = writeln!(
                    text,
                    "# Pin it: `aitrust import hf {}{flag}` fills in the revision, license and files.",
                    found.identifier
                );
                let _ = writeln!(text, "[[{table}]]\nid = {}", toml_string(&ids.unique(last)));
                let _ = writeln!(
                    text,
                    "name = {}\nsource = \"huggingface\"",
                    toml_string(&found.identifier)
                );
                match &found.revision {
                    Some(revision)
                        if revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit()) =>
                    {
                        let _ = writeln!(text, "revision = {}", toml_string(revision));
                    }
                    _ => text.push_str("# revision = \"...\"          # the commit you reviewed\n"),
                }
                text.push_str("# license = \"...\"\n");
            }
            (Kind::Model, "ollama") => {
                let _ = writeln!(text, "[[model]]\nid = {}", toml_string(&ids.unique(last)));
                let _ = writeln!(
                    text,
                    "name = {}\nsource = \"url\"",
                    toml_string(&found.identifier)
                );
                let (name, _) = found
                    .identifier
                    .split_once(':')
                    .unwrap_or((&found.identifier, ""));
                let _ = writeln!(
                    text,
                    "url = {}\n# license = \"...\"            # the license of the model the tag packages",
                    toml_string(&format!("https://ollama.com/library/{name}"))
                );
            }
            (Kind::Model, "torch-hub") => {
                let _ = writeln!(text, "[[model]]\nid = {}", toml_string(&ids.unique(last)));
                let _ = writeln!(
                    text,
                    "name = {}\nsource = \"git\"\nurl = {}",
                    toml_string(&found.identifier),
                    toml_string(&format!("https://github.com/{}", found.identifier))
                );
                text.push_str(
                    "# revision = \"...\"          # the commit you reviewed\n# license = \"...\"\n",
                );
            }
            (Kind::HostedApiModel, provider) => {
                let _ = writeln!(text, "[[model]]\nid = {}", toml_string(&ids.unique(last)));
                let _ = writeln!(
                    text,
                    "name = {}\nsource = \"hosted\"",
                    toml_string(&format!("{provider}/{}", found.identifier))
                );
                match kb.find(&format!("hosted:{provider}")) {
                    Some(terms) => {
                        let _ = writeln!(
                            text,
                            "license = {}        # {}",
                            toml_string(&format!("hosted:{provider}")),
                            terms.name
                        );
                    }
                    None => {
                        text.push_str("# license = \"...\"            # the provider's terms of service\n")
                    }
                }
            }
            (Kind::LocalWeights, _) => {
                let path = dir.join(&found.identifier);
                let Some(relative) = path
                    .strip_prefix(crate::bom::reader_parent(manifest))
                    .ok()
                    .map(crate::diag::display_path)
                    .filter(|_| path.is_file())
                else {
                    let _ = writeln!(
                        text,
                        "# `{}` is not a file of the project: declare the weights it names by hand.",
                        found.identifier
                    );
                    continue;
                };
                let stem = Path::new(last)
                    .file_stem()
                    .map_or_else(|| last.to_string(), |s| s.to_string_lossy().into_owned());
                let _ = writeln!(text, "[[model]]\nid = {}", toml_string(&ids.unique(&stem)));
                let _ = writeln!(text, "source = \"local\"\npath = {}", toml_string(&relative));
                match crate::digest::hash::hash_file(&path, &crate::digest::hash::Progress::hidden()) {
                    Ok(digest) => {
                        let _ = writeln!(text, "sha256 = \"{}\"\nsize = {}", digest.sha256, digest.size);
                    }
                    Err(error) => {
                        let _ = writeln!(text, "# sha256 = \"...\"   # could not be read: {error}");
                    }
                }
                text.push_str("# license = \"...\"\n");
            }
            _ => continue,
        }
        count += 1;
    }
    if count == 0 {
        return Ok(0);
    }
    let mut updated = original;
    if !updated.ends_with('\n') {
        updated.push('\n');
    }
    updated.push_str(&text);
    super::validate_before_writing(manifest, updated.as_bytes())?;
    super::write(manifest, updated.as_bytes())?;
    Ok(count)
}
