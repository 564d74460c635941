//! `aitrust explain [CODE]`: a finding code's documentation, or the list of every code.

use super::{Error, Outcome};
use crate::findings::Code;

/// The page for `code`, or the list.
pub fn explain(code: Option<&str>) -> Result<Outcome, Error> {
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
        return Ok(Outcome::pass(list));
    };
    let Some(code) = Code::parse(text) else {
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let hint = match crate::diag::nearest(text, all.iter().copied()) {
            Some(near) => format!("did you mean {near}? "),
            None => String::new(),
        };
        return Err(Error::msg(format!(
            "unknown finding code `{text}`\nhelp: {hint}`aitrust explain` lists every code"
        )));
    };
    let doc = code.doc();
    Ok(Outcome::pass(format!(
        "{}: {}\n\ncheck: {}\ndefault severity: {} (a policy can change it: [policy] levels = {{ \"{}\" = \"allow\" | \"warn\" | \"deny\" }})\nchecklist items: {}\n\n{}\n",
        code.as_str(),
        doc.title,
        doc.check,
        doc.severity.as_str(),
        code.as_str(),
        doc.checklist.join(", "),
        textwrap(doc.explanation, 100)
    )))
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
