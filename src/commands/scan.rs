//! `aitrust scan PATH…`: every file (directories walked, links not followed) through the serialization scanner.

use std::path::PathBuf;

use rayon::prelude::*;

use super::{Error, Outcome};
use crate::scan::{FileReport, Level, Options, Verdict};

/// `aitrust scan`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output: table or json.
    #[arg(long, value_parser = ["table", "json"], default_value = "table")]
    pub format: String,
    /// Accept this global (`module.name` or `module.*`) after a person reviewed it; repeatable.
    #[arg(long = "allow-global")]
    pub allow_global: Vec<String>,
}

/// The files under the paths given: files as they are, directories walked (symbolic links and `.git` skipped).
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        let metadata = std::fs::symlink_metadata(path)
            .map_err(|error| Error::msg(format!("{}: {error}", path.display())))?;
        if metadata.is_dir() {
            for entry in walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.file_name() != ".git")
            {
                let entry = entry.map_err(|error| Error::msg(format!("{}: {error}", path.display())))?;
                // a link to a file is scanned too (Hugging Face cache snapshots are links into blobs): skipping
                // it would pass what was never read
                if entry.file_type().is_file() || entry.path_is_symlink() && entry.path().is_file() {
                    out.push(entry.into_path());
                }
            }
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Scans every file; a file that cannot be read is an error of the run (exit 2), never a pass.
pub fn scan(paths: &[PathBuf], json: bool, allow_globals: Vec<String>) -> Result<Outcome, Error> {
    let options = Options {
        allow_globals,
        follow_links: true,
    };
    let files = files(paths)?;
    let reports: Vec<Result<FileReport, String>> = files
        .par_iter()
        .map(|path| {
            crate::scan::scan_file(path, &options).map_err(|error| format!("{}: {error}", path.display()))
        })
        .collect();
    let mut done = Vec::with_capacity(reports.len());
    for report in reports {
        done.push(
            report
                .map_err(|error| Error::msg(format!("{error}\nhelp: every file given must be readable")))?,
        );
    }
    let unsafe_files = done.iter().filter(|r| r.verdict == Verdict::Unsafe).count();
    let review = done.iter().filter(|r| r.verdict == Verdict::Review).count();
    let text = if json {
        let mut text = serde_json::to_string_pretty(&serde_json::json!({
            "files": done,
            "summary": { "files": done.len(), "unsafe": unsafe_files, "review": review, "clean": done.len() - unsafe_files - review },
        }))
        .expect("a scan report is plain JSON");
        text.push('\n');
        text
    } else {
        table(&done, unsafe_files, review)
    };
    Ok(if unsafe_files > 0 {
        Outcome::fail(text)
    } else {
        Outcome::pass(text)
    })
}

fn table(reports: &[FileReport], unsafe_files: usize, review: usize) -> String {
    let mut out = String::new();
    for report in reports.iter().filter(|r| r.verdict != Verdict::Clean) {
        out.push_str(&format!(
            "{} [{}]: {}\n",
            report.path,
            report.format,
            verdict(report.verdict)
        ));
        for issue in report.issues.iter().filter(|i| i.level > Level::Note) {
            let level = if issue.level == Level::Error {
                "error"
            } else {
                "warning"
            };
            let place = match (&issue.member, issue.offset) {
                (Some(member), Some(offset)) => format!(" ({member} at byte {offset})"),
                (Some(member), None) => format!(" ({member})"),
                (None, Some(offset)) => format!(" (at byte {offset})"),
                (None, None) => String::new(),
            };
            out.push_str(&format!("  {level}: {}{place}\n", issue.message));
        }
    }
    out.push_str(&format!(
        "{} file{} scanned: {unsafe_files} unsafe, {review} to review, {} clean\n",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        reports.len() - unsafe_files - review
    ));
    out
}

fn verdict(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Unsafe => "UNSAFE: loading it would run code, or it is malformed",
        Verdict::Review => "REVIEW: unknown or uninspectable parts",
        Verdict::Clean => "clean",
    }
}
