//! The interactive walk through a checklist: shows each item with its evidence and earlier answer, asks for a
//! status, a justification, evidence and the author, and writes the answers file atomically after every answer
//! (Ctrl-C or a crash loses nothing). The questions go through [`Prompter`], so the flow is tested with scripted
//! answers; the binary's prompter reads a terminal.

use std::io;
use std::path::{Path, PathBuf};

use super::answers::{self, Answer, AnswerStatus, Answers, Evidence};
use super::{Checklist, ChecklistReport, ItemReport, ItemStatus};

/// How questions are asked.
pub trait Prompter {
    /// Shows text.
    fn say(&mut self, text: &str);
    /// Asks a question; `None` means the person ended the input (Ctrl-D).
    fn ask(&mut self, prompt: &str, default: Option<&str>) -> io::Result<Option<String>>;
}

/// Which items to walk.
#[derive(Clone, Debug)]
pub enum Selection {
    /// Open and stale items.
    Open,
    /// Every item.
    All,
    /// One item.
    Item(String),
}

/// What a walk needs.
pub struct Walk<'a> {
    /// The checklist.
    pub checklist: &'a Checklist,
    /// Its statuses in the current audit.
    pub report: &'a ChecklistReport,
    /// The answers so far.
    pub answers: Answers,
    /// Where they are written.
    pub answers_path: PathBuf,
    /// The manifest's SHA-256 now.
    pub bom_sha256: String,
    /// Who answers, unless changed.
    pub default_author: String,
    /// "Now", RFC 3339.
    pub now: String,
}

fn selected<'r>(report: &'r ChecklistReport, selection: &Selection) -> Vec<&'r ItemReport> {
    report
        .items
        .iter()
        .filter(|item| match selection {
            Selection::Open => item.status == ItemStatus::Open || item.stale,
            Selection::All => true,
            Selection::Item(id) => item.id == *id,
        })
        .collect()
}

/// Walks the selected items; returns how many were answered.
pub fn run(walk: &mut Walk<'_>, prompter: &mut dyn Prompter, selection: &Selection) -> io::Result<usize> {
    let items = selected(walk.report, selection);
    if items.is_empty() {
        prompter.say("Nothing to answer: no item is open or stale (use --all to revisit answered items).");
        return Ok(0);
    }
    let mut answered = 0;
    for (index, item_report) in items.iter().enumerate() {
        let Some(item) = walk.checklist.item(&item_report.id) else {
            continue;
        };
        prompter.say(&describe(
            walk.checklist,
            item,
            item_report,
            index + 1,
            items.len(),
        ));
        let Some(status) = ask_status(prompter)? else {
            break;
        };
        let Some(status) = status else { continue };
        let Some(justification) = ask_required(prompter, "Justification (what an auditor can check)")? else {
            break;
        };
        let needs_evidence = status == AnswerStatus::Met && item.evidence_required;
        let Some(evidence) = ask_evidence(prompter, &walk.answers_path, needs_evidence)? else {
            break;
        };
        let Some(author) = prompter.ask("Answered by", Some(&walk.default_author))? else {
            break;
        };
        let author = if author.trim().is_empty() {
            walk.default_author.clone()
        } else {
            author.trim().to_string()
        };
        save(
            walk,
            Answer {
                checklist: walk.checklist.id.clone(),
                item: item.id.clone(),
                status,
                justification,
                evidence,
                answered_by: author,
                answered_at: walk.now.clone(),
                bom_sha256: walk.bom_sha256.clone(),
            },
        )?;
        answered += 1;
        prompter.say(&format!("Saved to {}.\n", walk.answers_path.display()));
    }
    Ok(answered)
}

/// Records one answer without losing another session's: under an exclusive lock on `<answers>.lock`, the
/// answers file is read again (what other sessions wrote since this walk began is kept), the answer is
/// merged in, and the file is written atomically. A second session waits for the first to finish writing.
fn save(walk: &mut Walk<'_>, answer: Answer) -> io::Result<()> {
    let lock = crate::fsutil::EditLock::take(&walk.answers_path)?;
    if walk.answers_path.exists() {
        let known = Checklist::known([walk.checklist.clone()]);
        let refs: Vec<&Checklist> = known.iter().collect();
        walk.answers =
            answers::load(&walk.answers_path, &refs).map_err(|error| io::Error::other(error.to_string()))?;
    }
    walk.answers.upsert(answer);
    let written = crate::fsutil::write_atomic(&walk.answers_path, answers::to_toml(&walk.answers).as_bytes());
    drop(lock);
    written
}

fn describe(
    checklist: &Checklist,
    item: &super::Item,
    report: &ItemReport,
    position: usize,
    total: usize,
) -> String {
    let mut text = format!(
        "\n[{position}/{total}] {}/{}: {}\n\n  {}\n",
        checklist.id, item.id, item.title, item.question
    );
    if !item.guidance.is_empty() {
        text.push_str(&format!("\n  Guidance: {}\n", item.guidance));
    }
    if let Some(source) = &item.source {
        text.push_str(&format!("  Source: {source}\n"));
    }
    text.push_str(&format!(
        "\n  Status now: {} ({})\n",
        report.status.as_str(),
        report.reason
    ));
    if report.evidence.is_empty() {
        text.push_str("  Automated evidence: none\n");
    } else {
        text.push_str(&format!("  Automated evidence ({}):\n", report.evidence.len()));
        for line in report.evidence.iter().take(8) {
            text.push_str(&format!("    - {line}\n"));
        }
    }
    if let Some(answer) = &report.answer {
        text.push_str(&format!(
            "  Earlier answer{}: {} by {} at {}: {}\n",
            if report.stale {
                " (stale: the manifest changed since)"
            } else {
                ""
            },
            answer.status.as_str(),
            answer.answered_by,
            answer.answered_at,
            answer.justification
        ));
    }
    text
}

/// `Ok(None)`: input ended. `Ok(Some(None))`: skip this item.
fn ask_status(prompter: &mut dyn Prompter) -> io::Result<Option<Option<AnswerStatus>>> {
    loop {
        let Some(answer) = prompter.ask("Status: met, unmet, not-applicable, or skip", Some("skip"))? else {
            return Ok(None);
        };
        match answer.trim() {
            "" | "skip" | "s" => return Ok(Some(None)),
            "met" | "m" => return Ok(Some(Some(AnswerStatus::Met))),
            "unmet" | "u" => return Ok(Some(Some(AnswerStatus::Unmet))),
            "not-applicable" | "n/a" | "na" => return Ok(Some(Some(AnswerStatus::NotApplicable))),
            other => prompter.say(&format!(
                "\"{other}\" is not a status: type met, unmet, not-applicable or skip."
            )),
        }
    }
}

fn ask_required(prompter: &mut dyn Prompter, prompt: &str) -> io::Result<Option<String>> {
    loop {
        let Some(answer) = prompter.ask(prompt, None)? else {
            return Ok(None);
        };
        if !answer.trim().is_empty() {
            return Ok(Some(answer.trim().to_string()));
        }
        prompter.say("An answer needs a justification.");
    }
}

/// Evidence: URLs as given; paths (relative to the answers file) must exist and are recorded with their SHA-256.
fn ask_evidence(
    prompter: &mut dyn Prompter,
    answers_path: &Path,
    required: bool,
) -> io::Result<Option<Vec<Evidence>>> {
    let base = crate::tomlfile::reader::parent_directory(answers_path);
    let mut evidence = Vec::new();
    loop {
        let prompt = if evidence.is_empty() {
            "Evidence (a URL or a path; empty to finish)"
        } else {
            "More evidence (empty to finish)"
        };
        let Some(answer) = prompter.ask(prompt, None)? else {
            return Ok(None);
        };
        let answer = answer.trim();
        if answer.is_empty() {
            if required && evidence.is_empty() {
                prompter.say("This item needs evidence to be met: give a URL or a path.");
                continue;
            }
            return Ok(Some(evidence));
        }
        if answer.starts_with("https://") || answer.starts_with("http://") {
            evidence.push(Evidence::Text(answer.to_string()));
            continue;
        }
        let relative = match crate::bom::RelPath::parse(answer) {
            Ok(relative) => relative,
            Err(error) => {
                prompter.say(&format!("\"{answer}\": {error}; give a path inside the project."));
                continue;
            }
        };
        match crate::digest::hash::hash_file(&relative.under(&base), &crate::digest::hash::Progress::hidden())
        {
            Ok(digest) => evidence.push(Evidence::File {
                path: relative.to_string(),
                sha256: digest.sha256.to_string(),
            }),
            Err(error) => prompter.say(&format!(
                "\"{answer}\" cannot be read ({error}); give an existing file."
            )),
        }
    }
}

/// The person's git identity (`user.name <user.email>`), from the project's repository or the global config.
pub fn git_identity(directory: &Path) -> Option<String> {
    let config = git2::Repository::discover(directory)
        .and_then(|repository| repository.config())
        .or_else(|_| git2::Config::open_default())
        .ok()?;
    let name = config.get_string("user.name").ok()?;
    Some(match config.get_string("user.email") {
        Ok(email) => format!("{name} <{email}>"),
        Err(_) => name,
    })
}
