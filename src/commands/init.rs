//! `aitrust init`: writes a starting `aibom.toml` from what is on disk (and, if asked, the local Hugging Face
//! cache, verified blob by blob). A corrupted cache writes nothing and fails (exit 1).

use std::path::{Path, PathBuf};

use super::{Console, Error, Outcome};
use crate::bom::ComponentKind;
use crate::interchange::init as skeleton;
use crate::sources::hf_cache::{self, CachedRepo};

/// `aitrust init [DIR] [--force] [--from-hf-cache [CACHE]]`; `terminal` shows progress bars.
pub fn init(
    dir: &Path,
    force: bool,
    from_hf_cache: Option<Option<PathBuf>>,
    terminal: bool,
    console: &mut dyn Console,
) -> Result<Outcome, Error> {
    let manifest = dir.join("aibom.toml");
    if manifest.exists() && !force {
        return Err(Error::msg(format!(
            "{} already exists\nhelp: pass --force to replace it",
            manifest.display()
        )));
    }
    let found = skeleton::discover(dir).map_err(|error| Error::msg(error.to_string()))?;
    let cached = match from_hf_cache {
        None => Vec::new(),
        Some(cache) => {
            let cache = cache.or_else(hf_cache::default_dir).ok_or_else(|| {
                Error::msg(
                    "no Hugging Face cache directory is known (HOME is not set)\nhelp: pass it: `aitrust init --from-hf-cache DIR`",
                )
            })?;
            match read_hf_cache(&cache, terminal, console)? {
                Some(repos) => repos,
                None => return Ok(Outcome::fail("")),
            }
        }
    };
    let name = super::directory_name(dir, "my-project");
    let (text, stubs) = skeleton::manifest_text(dir, &name, &found, &cached, terminal);
    super::validate_before_writing(&manifest, text.as_bytes())?;
    super::write(&manifest, text.as_bytes())?;
    let models = found
        .iter()
        .map(|c| c.kind)
        .chain(cached.iter().map(|c| c.kind))
        .filter(|kind| *kind == ComponentKind::Model)
        .count();
    let total = found.len() + cached.len();
    let named = match stubs {
        0 => String::new(),
        n => format!(
            ", and {n} Hub component{} they name (base models, training data) as stubs: pin each with `aitrust import hf NAME` (the command is in the comment above it)",
            super::plural(n)
        ),
    };
    console.say(&format!(
        "wrote {}: {models} model{}, {} dataset{}{named}\nnext: review it, answer the commented prompts, then run `aitrust check --manifest {}`",
        manifest.display(),
        super::plural(models),
        total - models,
        super::plural(total - models),
        manifest.display()
    ));
    Ok(Outcome::pass(""))
}

/// Scans and verifies the cache; `None` when it is corrupted (every problem said), an error when unreadable.
fn read_hf_cache(
    cache: &Path,
    terminal: bool,
    console: &mut dyn Console,
) -> Result<Option<Vec<CachedRepo>>, Error> {
    let scan = hf_cache::scan(cache, terminal).map_err(|error| Error::msg(error.to_string()))?;
    for skipped in &scan.skipped {
        console.say(&format!("note: {skipped}"));
    }
    if !scan.corrupted.is_empty() {
        let mut message = format!(
            "error: the Hugging Face cache at {} is corrupted ({} problem{} in {} blob{} verified):",
            cache.display(),
            scan.corrupted.len(),
            super::plural(scan.corrupted.len()),
            scan.blobs_verified,
            super::plural(scan.blobs_verified),
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
        console.say(&message);
        return Ok(None);
    }
    console.say(&format!(
        "verified {} cached blob{} in {}",
        scan.blobs_verified,
        super::plural(scan.blobs_verified),
        cache.display()
    ));
    Ok(Some(scan.repos))
}
