//! GitHub Actions workflow commands: `::error file=aibom.toml,line=N,title=CODE::message`, escaped as the
//! runner expects (`%`, CR and LF in the message; also `:` and `,` in properties).

use super::Audit;
use crate::findings::Severity;

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per finding.
pub fn render(audit: &Audit) -> String {
    let mut out = String::new();
    for finding in &audit.findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        let path = finding
            .location
            .as_ref()
            .map_or(audit.manifest.path.as_str(), |l| l.path.as_str());
        properties.push(format!("file={}", escape_property(path)));
        if let Some(location) = &finding.location {
            properties.push(format!("line={}", location.line));
            properties.push(format!("col={}", location.column));
        }
        properties.push(format!("title={}", escape_property(&finding.code)));
        let message = format!("{}\nhelp: {}", finding.message, finding.help);
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% done\nnext\r"), "50%25 done%0Anext%0D");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
