//! The interactive walk through a checklist. For each item it shows the question with a persistent
//! `[n/N item-id]`, the automated evidence and the earlier answer; the status is picked from a list (the earlier
//! answer is where the cursor starts), `?` shows the guidance, `< back` returns to the previous item. A stale
//! answer is confirmed with one key (or amended, or withdrawn), and every decision keeps the earlier ones in
//! the answer's history. The answers file is written atomically under a lock after every answer, so Ctrl-C,
//! a crash or a second session loses nothing.
//!
//! The questions go through [`Prompter`]: the binary's is [`super::terminal::Terminal`] (the `inquire`
//! library), tests script it.

use std::io;
use std::path::{Path, PathBuf};

use super::answers::{self, Answer, AnswerStatus, Answers, Decision, Evidence};
use super::scope::Snapshot;
use super::{Checklist, ChecklistReport, ItemReport, ItemStatus};

/// A free-text question.
pub struct TextQuestion<'q> {
    /// The prompt, with the `[n/N item]` prefix.
    pub prompt: &'q str,
    /// What the input starts with (the earlier answer).
    pub initial: Option<&'q str>,
    /// One line of help under the prompt.
    pub help: &'q str,
    /// `Err(message)` refuses the input and asks again.
    pub validate: &'q dyn Fn(&str) -> Result<(), String>,
    /// Complete paths of files: (the directory paths are relative to, the project root).
    pub complete_paths: Option<(&'q Path, &'q Path)>,
}

/// How questions are asked. `Ok(None)` means the person stopped (Ctrl-C, Ctrl-D, Esc).
pub trait Prompter {
    /// Shows text.
    fn say(&mut self, text: &str);
    /// Picks one of `options`; the cursor starts at `default`.
    fn select(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
        help: &str,
    ) -> io::Result<Option<usize>>;
    /// Asks for one line of text; what `validate` refuses is asked again with its message.
    fn text(&mut self, question: &TextQuestion<'_>) -> io::Result<Option<String>>;
}

/// Which items to walk.
#[derive(Clone, Debug)]
pub enum Selection {
    /// Open and stale items.
    Open,
    /// Answers that went stale or whose evidence no longer holds: confirm, amend or withdraw each.
    Stale,
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
    /// The project root: evidence must be inside it.
    pub root: PathBuf,
    /// The manifest's parts now: each answer records its item's scope.
    pub snapshot: &'a Snapshot,
    /// Who answers.
    pub default_author: String,
    /// "Now", RFC 3339.
    pub now: String,
}

/// How a walk ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    /// Decisions saved.
    pub saved: usize,
    /// The item being answered when the person stopped, if they stopped.
    pub stopped_at: Option<String>,
}

fn needs_confirmation(item: &ItemReport) -> bool {
    item.answer.as_ref().is_some_and(|a| !a.is_withdrawn())
        && (item.stale || item.evidence_problems().next().is_some())
}

fn selected<'r>(report: &'r ChecklistReport, selection: &Selection) -> Vec<&'r ItemReport> {
    report
        .items
        .iter()
        .filter(|item| match selection {
            Selection::Open => item.status == ItemStatus::Open || needs_confirmation(item),
            Selection::Stale => needs_confirmation(item),
            Selection::All => true,
            Selection::Item(id) => item.id == *id,
        })
        .collect()
}

enum Step {
    Saved,
    Skipped,
    Back,
    Stop,
}

/// Walks the selected items.
pub fn run(walk: &mut Walk<'_>, prompter: &mut dyn Prompter, selection: &Selection) -> io::Result<Ended> {
    let items = selected(walk.report, selection);
    if items.is_empty() {
        prompter.say(match selection {
            Selection::Stale => "Nothing to confirm: no answer is stale and all their evidence holds.",
            _ => "Nothing to answer: no item is open or stale (use --all to revisit answered items).",
        });
        return Ok(Ended {
            saved: 0,
            stopped_at: None,
        });
    }
    let mut saved = 0;
    let mut index = 0;
    while index < items.len() {
        let report = items[index];
        let Some(item) = walk.checklist.item(&report.id) else {
            index += 1;
            continue;
        };
        let position = Position {
            index,
            total: items.len(),
            number: walk
                .checklist
                .items
                .iter()
                .position(|i| i.id == item.id)
                .map_or(0, |n| n + 1),
            of: walk.checklist.items.len(),
        };
        prompter.say(&describe(walk, item, report, position));
        match ask_item(walk, prompter, item, report, position)? {
            Step::Saved => {
                saved += 1;
                index += 1;
            }
            Step::Skipped => index += 1,
            Step::Back => index = index.saturating_sub(1),
            Step::Stop => {
                return Ok(Ended {
                    saved,
                    stopped_at: Some(item.id.clone()),
                });
            }
        }
    }
    Ok(Ended {
        saved,
        stopped_at: None,
    })
}

/// Where an item is: in this walk (for going back) and in the checklist (what the prompts show, so the
/// number stays the same when a walk is resumed).
#[derive(Clone, Copy)]
struct Position {
    index: usize,
    total: usize,
    number: usize,
    of: usize,
}

impl Position {
    fn prefix(self, item: &str) -> String {
        format!("[{}/{} {item}]", self.number, self.of)
    }
}

const HELP_CHOICE: &str = "? show the guidance and the automated evidence";
const BACK_CHOICE: &str = "< back to the previous item";
const SKIP_CHOICE: &str = "skip (answer later)";

/// What the person picked for an item.
enum Choice {
    Status(AnswerStatus),
    Confirm,
    Amend,
    Withdraw,
    Skip,
    Help,
    Back,
}

fn ask_item(
    walk: &mut Walk<'_>,
    prompter: &mut dyn Prompter,
    item: &super::Item,
    report: &ItemReport,
    position: Position,
) -> io::Result<Step> {
    let prefix = position.prefix(&item.id);
    let earlier = walk
        .answers
        .for_item(&walk.checklist.id, &item.id)
        .filter(|a| !a.is_withdrawn())
        .cloned();
    let confirming = earlier.is_some() && needs_confirmation(report);
    let evidence_holds = report.evidence_problems().next().is_none();
    loop {
        let mut choices: Vec<(String, Choice)> = Vec::new();
        if confirming {
            if evidence_holds {
                choices.push(("confirm: the answer still holds".into(), Choice::Confirm));
            }
            choices.push(("amend the answer".into(), Choice::Amend));
            choices.push((
                "withdraw the answer (the item is open again)".into(),
                Choice::Withdraw,
            ));
        } else {
            for status in [
                AnswerStatus::Met,
                AnswerStatus::Unmet,
                AnswerStatus::NotApplicable,
            ] {
                choices.push((status.as_str().to_string(), Choice::Status(status)));
            }
        }
        choices.push((SKIP_CHOICE.into(), Choice::Skip));
        choices.push((HELP_CHOICE.into(), Choice::Help));
        if position.index > 0 {
            choices.push((BACK_CHOICE.into(), Choice::Back));
        }
        let default = if confirming {
            0
        } else {
            earlier.as_ref().map_or(3, |answer| match answer.status {
                AnswerStatus::Met => 0,
                AnswerStatus::Unmet => 1,
                AnswerStatus::NotApplicable => 2,
            })
        };
        let labels: Vec<String> = choices.iter().map(|(label, _)| label.clone()).collect();
        let help = if confirming {
            "↑↓ to move, enter to pick; confirming keeps the answer and records who confirmed it, and when"
        } else {
            "↑↓ to move, enter to pick, type to filter; ? for guidance"
        };
        let Some(picked) = prompter.select(&format!("{prefix} Status"), &labels, default, help)? else {
            return Ok(Step::Stop);
        };
        let Some((_, choice)) = choices.into_iter().nth(picked) else {
            continue;
        };
        let status = match choice {
            Choice::Help => {
                prompter.say(&guidance(item, report));
                continue;
            }
            Choice::Back => return Ok(Step::Back),
            Choice::Skip => return Ok(Step::Skipped),
            Choice::Confirm => {
                let Some(earlier) = earlier else { continue };
                let answer = redecided(walk, item, report, earlier, Decision::Confirmed);
                save(walk, prompter, answer)?;
                prompter.say(&format!(
                    "{prefix} confirmed by {} — saved to {}.",
                    walk.default_author,
                    walk.answers_path.display()
                ));
                return Ok(Step::Saved);
            }
            Choice::Withdraw => {
                let Some(earlier) = earlier else { continue };
                let Some(reason) = ask_justification(
                    prompter,
                    &format!("{prefix} Why withdraw it?"),
                    None,
                    item,
                    report,
                )?
                else {
                    return Ok(Step::Stop);
                };
                let answer = Answer {
                    justification: reason,
                    evidence: Vec::new(),
                    ..redecided(walk, item, report, earlier, Decision::Withdrawn)
                };
                save(walk, prompter, answer)?;
                prompter.say(&format!(
                    "{prefix} withdrawn — saved to {}.",
                    walk.answers_path.display()
                ));
                return Ok(Step::Saved);
            }
            Choice::Amend => {
                let current = earlier.as_ref().map_or(3, |a| match a.status {
                    AnswerStatus::Met => 0,
                    AnswerStatus::Unmet => 1,
                    AnswerStatus::NotApplicable => 2,
                });
                let options: Vec<String> = ["met", "unmet", "not-applicable"].map(String::from).to_vec();
                let Some(picked) = prompter.select(
                    &format!("{prefix} Amended status"),
                    &options,
                    current.min(2),
                    "↑↓ to move, enter to pick",
                )?
                else {
                    return Ok(Step::Stop);
                };
                [
                    AnswerStatus::Met,
                    AnswerStatus::Unmet,
                    AnswerStatus::NotApplicable,
                ][picked.min(2)]
            }
            Choice::Status(status) => status,
        };
        return answer_with(walk, prompter, item, report, status, earlier.as_ref(), &prefix);
    }
}

/// The earlier answer, decided again by this person now (confirmed or withdrawn) after the changes shown:
/// bound to the item's scope as it is now.
fn redecided(
    walk: &Walk<'_>,
    item: &super::Item,
    report: &ItemReport,
    earlier: Answer,
    decision: Decision,
) -> Answer {
    Answer {
        decision,
        answered_by: walk.default_author.clone(),
        answered_at: walk.now.clone(),
        scope: Some(walk.snapshot.record(&item.scope)),
        bom_sha256: None,
        reviewed_changes: report.changes.clone(),
        history: Vec::new(),
        ..earlier
    }
}

/// Asks justification, evidence and author for a status, and saves the answer.
fn answer_with(
    walk: &mut Walk<'_>,
    prompter: &mut dyn Prompter,
    item: &super::Item,
    report: &ItemReport,
    status: AnswerStatus,
    earlier: Option<&Answer>,
    prefix: &str,
) -> io::Result<Step> {
    let Some(justification) = ask_justification(
        prompter,
        &format!("{prefix} Justification (what an auditor can check)"),
        earlier.map(|a| a.justification.as_str()),
        item,
        report,
    )?
    else {
        return Ok(Step::Stop);
    };
    let needs_evidence = status == AnswerStatus::Met && item.evidence_required;
    let base = crate::tomlfile::reader::parent_directory(&walk.answers_path);
    let Some(evidence) = ask_evidence(
        prompter,
        &base,
        &walk.root,
        needs_evidence,
        earlier.map_or(&[][..], |a| &a.evidence),
        prefix,
    )?
    else {
        return Ok(Step::Stop);
    };
    let not_empty = |text: &str| {
        if text.trim().is_empty() {
            Err("say who answers (a name, and an address)".to_string())
        } else {
            Ok(())
        }
    };
    let Some(author) = prompter.text(&TextQuestion {
        prompt: &format!("{prefix} Answered by"),
        initial: Some(&walk.default_author),
        help: "a name an auditor can reach",
        validate: &not_empty,
        complete_paths: None,
    })?
    else {
        return Ok(Step::Stop);
    };
    let decision = match earlier {
        None => Decision::Answered,
        Some(before)
            if before.status == status
                && before.justification == justification
                && before.evidence == evidence =>
        {
            Decision::Confirmed
        }
        Some(_) => Decision::Amended,
    };
    save(
        walk,
        prompter,
        Answer {
            checklist: walk.checklist.id.clone(),
            item: item.id.clone(),
            status,
            decision,
            justification,
            evidence,
            answered_by: author.trim().to_string(),
            answered_at: walk.now.clone(),
            scope: Some(walk.snapshot.record(&item.scope)),
            bom_sha256: None,
            reviewed_changes: if earlier.is_some() {
                report.changes.clone()
            } else {
                Vec::new()
            },
            history: Vec::new(),
        },
    )?;
    prompter.say(&format!(
        "{prefix} {} — saved to {}.",
        decision.as_str(),
        walk.answers_path.display()
    ));
    Ok(Step::Saved)
}

/// Records one decision without losing another session's: under an exclusive lock on `<answers>.lock` (a
/// second session waits, and is told who holds it), the answers file is read again, the decision is recorded
/// (the one in force moves into the history), and the file is written atomically.
fn save(walk: &mut Walk<'_>, prompter: &mut dyn Prompter, answer: Answer) -> io::Result<()> {
    let lock = crate::fsutil::EditLock::take_announced(&walk.answers_path, &mut |holder| {
        prompter.say(&format!(
            "{} is being written by {holder}; waiting for it to finish...",
            walk.answers_path.display()
        ));
    })?;
    if walk.answers_path.exists() {
        let known = Checklist::known([walk.checklist.clone()]);
        let refs: Vec<&Checklist> = known.iter().collect();
        walk.answers =
            answers::load(&walk.answers_path, &refs).map_err(|error| io::Error::other(error.to_string()))?;
    }
    super::migrate(&mut walk.answers, walk.checklist, walk.snapshot);
    walk.answers.record(answer);
    let written = crate::fsutil::write_atomic(&walk.answers_path, answers::to_toml(&walk.answers).as_bytes());
    drop(lock);
    written
}

fn describe(walk: &Walk<'_>, item: &super::Item, report: &ItemReport, position: Position) -> String {
    let mut text = format!(
        "\n{} {} ({} of {} in this walk)\n\n  {}\n",
        position.prefix(&format!("{}/{}", walk.checklist.id, item.id)),
        item.title,
        position.index + 1,
        position.total,
        item.question
    );
    text.push_str(&format!(
        "\n  Status now: {} ({})\n",
        report.status.as_str(),
        report.reason
    ));
    if !report.evidence.is_empty() {
        text.push_str(&format!(
            "  Automated evidence: {} finding{} (pick `?` to see them)\n",
            report.evidence.len(),
            if report.evidence.len() == 1 { "" } else { "s" }
        ));
    }
    if let Some(answer) = walk.answers.for_item(&walk.checklist.id, &item.id) {
        text.push_str(&format!(
            "  Earlier answer: {} ({}) by {} on {}: {}\n",
            answer.status.as_str(),
            answer.decision.as_str(),
            answer.answered_by,
            answer.answered_at.get(..10).unwrap_or(&answer.answered_at),
            answer.justification
        ));
        if !answer.history.is_empty() {
            text.push_str(&format!(
                "  ({} earlier decision{})\n",
                answer.history.len(),
                if answer.history.len() == 1 { "" } else { "s" }
            ));
        }
    }
    if report.stale && !report.changes.is_empty() {
        text.push_str("  Changed since that answer:\n");
        for change in &report.changes {
            text.push_str(&format!("    - {change}\n"));
        }
    }
    let broken: Vec<String> = report
        .evidence_problems()
        .map(super::EvidenceCheck::describe)
        .collect();
    if !broken.is_empty() {
        text.push_str("  Its evidence no longer holds:\n");
        for line in broken {
            text.push_str(&format!("    - {line}\n"));
        }
    }
    text
}

fn guidance(item: &super::Item, report: &ItemReport) -> String {
    let mut text = String::new();
    if !item.guidance.is_empty() {
        text.push_str(&format!("\n  Guidance: {}\n", item.guidance));
    }
    if let Some(source) = &item.source {
        text.push_str(&format!("  Source: {source}\n"));
    }
    if item.evidence_required {
        text.push_str("  A \"met\" answer must cite evidence (a file in the project or a web address).\n");
    }
    if report.evidence.is_empty() {
        text.push_str("  Automated evidence: none\n");
    } else {
        text.push_str(&format!("  Automated evidence ({}):\n", report.evidence.len()));
        for line in report.evidence.iter().take(12) {
            text.push_str(&format!("    - {line}\n"));
        }
        if report.evidence.len() > 12 {
            text.push_str(&format!(
                "    ... and {} more (`aitrust check`)\n",
                report.evidence.len() - 12
            ));
        }
    }
    text
}

/// A justification an auditor can check: at least three real words (`?` shows the guidance instead).
pub fn justification_problem(text: &str) -> Option<String> {
    let words = text
        .split_whitespace()
        .filter(|word| word.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    (words < 3).then(|| {
        "say why in a sentence an auditor can check (at least three words); `?` shows the guidance"
            .to_string()
    })
}

fn ask_justification(
    prompter: &mut dyn Prompter,
    prompt: &str,
    initial: Option<&str>,
    item: &super::Item,
    report: &ItemReport,
) -> io::Result<Option<String>> {
    let validate = |text: &str| {
        if text.trim() == "?" {
            return Ok(());
        }
        justification_problem(text).map_or(Ok(()), Err)
    };
    loop {
        let Some(answer) = prompter.text(&TextQuestion {
            prompt,
            initial,
            help: "`?` and enter shows the guidance",
            validate: &validate,
            complete_paths: None,
        })?
        else {
            return Ok(None);
        };
        if answer.trim() == "?" {
            prompter.say(&guidance(item, report));
            continue;
        }
        if let Some(problem) = justification_problem(&answer) {
            prompter.say(&problem);
            continue;
        }
        return Ok(Some(answer.trim().to_string()));
    }
}

/// Reads one piece of evidence: a web address (with its scheme) as given, or a file inside the project,
/// recorded with its SHA-256.
pub fn parse_evidence(text: &str, base: &Path, root: &Path) -> Result<Evidence, String> {
    let text = text.trim();
    if Evidence::is_url(text) {
        let host = text
            .split_once("://")
            .map_or("", |(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
        if host.is_empty() || text.contains(char::is_whitespace) {
            return Err(format!("\"{text}\" is not a web address: give https://host/path"));
        }
        return Ok(Evidence::Text(text.to_string()));
    }
    match super::evidence::locate(text, base, root) {
        Ok(real) => crate::digest::hash::hash_file(&real, &crate::digest::hash::Progress::hidden())
            .map(|digest| Evidence::File {
                path: crate::bom::RelPath::parse(text)
                    .map_or_else(|_| text.to_string(), |path| path.to_string()),
                sha256: digest.sha256.to_string(),
            })
            .map_err(|error| format!("\"{text}\" cannot be read ({error}); give a regular file")),
        Err(check) if check.state == super::EvidenceState::Missing && looks_like_address(text) => {
            Err(format!(
                "\"{text}\" is not a file in the project; a web address needs its scheme: https://{text}"
            ))
        }
        Err(check) => Err(format!("\"{text}\": {}", check.detail)),
    }
}

/// `wiki.example.com/x`: a first segment with a dot that is not a file name's extension.
fn looks_like_address(text: &str) -> bool {
    let first = text.split('/').next().unwrap_or("");
    first.contains('.') && (text.contains('/') || first.matches('.').count() >= 2)
}

fn ask_evidence(
    prompter: &mut dyn Prompter,
    base: &Path,
    root: &Path,
    required: bool,
    earlier: &[Evidence],
    prefix: &str,
) -> io::Result<Option<Vec<Evidence>>> {
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut earlier = earlier.iter();
    loop {
        let prefill = earlier.next().map(|e| match e {
            Evidence::Text(text) => text.clone(),
            Evidence::File { path, .. } => path.clone(),
        });
        let none_yet = evidence.is_empty();
        let validate = |text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return if required && none_yet {
                    Err(
                        "this item needs evidence to be met: give a web address or a file in the project"
                            .into(),
                    )
                } else {
                    Ok(())
                };
            }
            parse_evidence(text, base, root).map(|_| ())
        };
        let prompt = if none_yet {
            format!("{prefix} Evidence (https://... or a file; empty to finish)")
        } else {
            format!("{prefix} More evidence (empty to finish)")
        };
        let Some(answer) = prompter.text(&TextQuestion {
            prompt: &prompt,
            initial: prefill.as_deref(),
            help: "tab completes paths; files are recorded with their SHA-256 and checked on every audit",
            validate: &validate,
            complete_paths: Some((base, root)),
        })?
        else {
            return Ok(None);
        };
        let answer = answer.trim();
        if answer.is_empty() {
            if required && evidence.is_empty() {
                prompter
                    .say("This item needs evidence to be met: give a web address or a file in the project.");
                continue;
            }
            return Ok(Some(evidence));
        }
        match parse_evidence(answer, base, root) {
            Ok(item) => {
                if !evidence.contains(&item) {
                    evidence.push(item);
                }
            }
            Err(problem) => prompter.say(&problem),
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
