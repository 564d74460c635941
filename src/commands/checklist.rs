//! `aitrust checklist`: walk the trust checklist at a terminal, or print every item's status.

use std::path::PathBuf;

use super::{Error, Outcome};
use crate::audit::{self, AuditOptions};
use crate::checklist::interactive::{self, Prompter};
use crate::checklist::{self, Checklist};

/// What `aitrust checklist` was asked.
#[derive(Clone, Debug)]
pub struct Options {
    /// The manifest.
    pub manifest: PathBuf,
    /// A shipped checklist id or a TOML file.
    pub checklist: String,
    /// The answers file.
    pub answers: Option<PathBuf>,
    /// Walk every item.
    pub all: bool,
    /// Walk the stale answers and those whose evidence no longer holds.
    pub stale: bool,
    /// Walk one item.
    pub item: Option<String>,
    /// Print the statuses; ask nothing.
    pub status: bool,
    /// `--now`.
    pub now: Option<String>,
}

/// Runs the walk (or prints the status table). `terminal` says whether a person can answer.
pub fn run(options: &Options, terminal: bool, prompter: &mut dyn Prompter) -> Result<Outcome, Error> {
    let now = super::parse_now(options.now.as_deref())?;
    if !options.status && !terminal {
        return Err(Error::msg(
            "`aitrust checklist` asks questions and needs a terminal\nhelp: run `aitrust checklist --status` to see the items, or edit aibom.answers.toml (its format is in the README)",
        ));
    }
    let audit = audit::run(&AuditOptions {
        manifest: options.manifest.clone(),
        policy: None,
        answers: options.answers.clone(),
        now,
        progress: false,
        trust_root: None,
    })?;
    let base = crate::bom::reader_parent(&options.manifest);
    let selected = Checklist::load(&options.checklist, &base)?;
    let answers_path = super::answers_path_or_default(options.answers.as_ref(), &options.manifest);
    let known = Checklist::known([selected.clone()]);
    let known_refs: Vec<&Checklist> = known.iter().collect();
    let answers = if answers_path.exists() {
        checklist::answers::load(&answers_path, &known_refs)?
    } else {
        checklist::Answers::default()
    };
    let bom = crate::resolve::load(&options.manifest)?;
    let snapshot = checklist::Snapshot::of(&bom);
    let answers_dir = crate::tomlfile::reader::parent_directory(&answers_path);
    let report = checklist::walk(
        &selected,
        &audit.findings,
        Some(&answers),
        &crate::checks::names(),
        &checklist::Judge {
            snapshot: &snapshot,
            answers_dir: &answers_dir,
            root: &bom.root,
        },
    );
    if options.status {
        return Ok(Outcome::pass(crate::report::table::checklist_status(
            &selected,
            &report,
            crate::report::table::Terminal::stdout().width.unwrap_or(100),
        )));
    }
    let selection = match (&options.item, options.all, options.stale) {
        (Some(item), _, _) if selected.item(item).is_none() => {
            return Err(Error::msg(format!(
                "`{}` has no item `{item}`\nhelp: `aitrust checklist --status` lists them",
                selected.id
            )));
        }
        (Some(item), _, _) => interactive::Selection::Item(item.clone()),
        (None, true, _) => interactive::Selection::All,
        (None, false, true) => interactive::Selection::Stale,
        (None, false, false) => interactive::Selection::Open,
    };
    let mut walk = interactive::Walk {
        checklist: &selected,
        report: &report,
        answers,
        answers_path,
        root: bom.root.clone(),
        snapshot: &snapshot,
        default_author: interactive::git_identity(&base)
            .unwrap_or_else(|| "unknown (set git user.name)".to_string()),
        now: audit.generated_at.clone(),
    };
    let ended =
        interactive::run(&mut walk, prompter, &selection).map_err(|error| Error::msg(error.to_string()))?;
    let saved = format!(
        "{} decision{} saved to {}",
        ended.saved,
        super::plural(ended.saved),
        walk.answers_path.display()
    );
    match ended.stopped_at {
        Some(item) => prompter.say(&format!(
            "\nStopped: {saved}; the answer to `{item}` in progress was not saved. Run `aitrust checklist` again to go on."
        )),
        None => prompter.say(&format!("\n{saved}.")),
    }
    Ok(Outcome::pass(""))
}
