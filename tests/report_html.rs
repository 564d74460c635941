//! The HTML report as a compliance officer reads it: each finding once, an executive summary and a sign-off,
//! "what changed since the last audit" from a baseline, and the page as Chromium shows it on screen (1280 px)
//! and prints it to PDF (page numbers, table headers repeated on every page). The PNG snapshots of both are
//! kept in `target/report-snapshots/` as test artifacts.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{aitrust, project, stderr};

fn report(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["report", "--now", common::NOW];
    all.extend_from_slice(args);
    aitrust(root, &all)
}

#[test]
fn each_finding_is_shown_once_with_a_summary_and_a_sign_off() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let html_path = out.path().join("r.html");
    let json_path = out.path().join("r.json");
    let manifest = ["--manifest", "manifests/demo/aibom.toml"];
    let output = report(
        root,
        &[
            &manifest[..],
            &["--format", "html", "--output", html_path.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = report(
        root,
        &[
            &manifest[..],
            &["--format", "json", "--output", json_path.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = std::fs::read_to_string(&html_path).unwrap();
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    // every finding of a component or the project appears exactly once, as the report renders messages
    let mut shown = 0;
    for finding in audit["findings"].as_array().unwrap() {
        if finding["check"] == "checklist" {
            continue;
        }
        let message = aitrust::report::document::html_inline(finding["message"].as_str().unwrap());
        assert_eq!(html.matches(&message).count(), 1, "{message}");
        shown += 1;
    }
    assert!(shown >= 10, "{shown}");
    // the summary first, aitrust's code spans as code, the sign-off last
    let summary = html.find("Nothing failed, but a person must decide").unwrap();
    assert!(summary < html.find("Inventory").unwrap());
    assert!(!html.contains("`minilm`"), "a literal backtick");
    for expected in [
        "Sign-off",
        "Approved for deployment",
        "Reviewer",
        "Signature",
        "counter(page)",
        "<thead>",
        "href=\"https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2\"",
        "docs/findings.md#lic008",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    assert!(html.find("Sign-off").unwrap() > html.find("id=\"findings\"").unwrap());
}

/// A baseline taken, then the project changes: a component added, a license changed, a file changed. The
/// report names each change, and an unusable baseline is exit 2 naming the file, line and column.
#[test]
fn the_baseline_says_what_changed_since_the_last_audit() {
    let (_dir, root) = project("clean");
    let output = aitrust(
        &root,
        &[
            "check",
            "--now",
            common::NOW,
            "--format",
            "json",
            "--output",
            "previous.json",
        ],
    );
    assert!(output.status.code().is_some_and(|c| c < 2), "{}", stderr(&output));
    let manifest = std::fs::read_to_string(root.join("aibom.toml")).unwrap();
    let license = manifest
        .lines()
        .find(|l| l.starts_with("license = "))
        .unwrap()
        .to_string();
    let changed = manifest.replacen(&license, "license = \"cc-by-nc-4.0\"", 1)
        + "\n[[dataset]]\nid = \"extra\"\nsource = \"url\"\nurl = \"https://example.com/extra.csv\"\nlicense = \"MIT\"\n";
    std::fs::write(root.join("aibom.toml"), changed).unwrap();
    for (format, file) in [("html", "now.html"), ("markdown", "now.md")] {
        let output = report(
            &root,
            &[
                "--format",
                format,
                "--output",
                file,
                "--baseline",
                "previous.json",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(text.contains("What changed since the last audit"), "{text}");
        assert!(text.contains("extra"), "{text}");
        assert!(text.contains("CC-BY-NC-4.0"), "{text}");
        assert!(text.contains("license"), "{text}");
    }
    let markdown = std::fs::read_to_string(root.join("now.md")).unwrap();
    assert!(markdown.contains("- added `extra`"), "{markdown}");
    assert!(markdown.contains("- new **"), "{markdown}");
    // the same audit as its own baseline: nothing changed
    let output = aitrust(
        &root,
        &[
            "check",
            "--now",
            common::NOW,
            "--format",
            "json",
            "--output",
            "same.json",
        ],
    );
    assert!(output.status.code().is_some_and(|c| c < 2));
    let output = report(
        &root,
        &[
            "--format",
            "markdown",
            "--output",
            "same.md",
            "--baseline",
            "same.json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::read_to_string(root.join("same.md"))
            .unwrap()
            .contains("Nothing changed.")
    );
    // unusable baselines
    std::fs::write(
        root.join("bad.json"),
        "{\n  \"verdict\": \"pass\",\n  \"components\": 3\n}\n",
    )
    .unwrap();
    let output = report(
        &root,
        &["--format", "html", "--output", "x.html", "--baseline", "bad.json"],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("bad.json:3:"), "{message}");
    assert!(message.contains("aitrust check --format json"), "{message}");
    assert!(!root.join("x.html").exists());
    let output = report(
        &root,
        &[
            "--format",
            "json",
            "--output",
            "x.json",
            "--baseline",
            "same.json",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--baseline"), "{}", stderr(&output));
}

/// A project of 50 components: 10 models in a chain of fine-tunes, each trained on 4 of 40 datasets under
/// permissive, conditional, non-commercial and unknown terms.
fn fifty_components(root: &Path) {
    let licenses = [
        "apache-2.0",
        "cc-by-nc-4.0",
        "llama3.1",
        "LicenseRef-unknown-terms",
    ];
    let mut text = String::from(
        "schema = 1\n\n[project]\nname = \"fifty\"\n\n[usage]\npurpose = \"commercial\"\ndeployment = \"saas\"\nactivities = [\"serve\"]\n",
    );
    for d in 0..40 {
        text.push_str(&format!(
            "\n[[dataset]]\nid = \"dataset-with-a-long-descriptive-name-{d:02}\"\nsource = \"url\"\nurl = \"https://example.com/d{d}.csv\"\nlicense = \"{}\"\npublisher = \"p\"\n",
            licenses[d % 4]
        ));
    }
    for m in 0..10 {
        let base = if m == 0 {
            String::new()
        } else {
            format!("base_model = [\"model-{:02}\"]\nrelation = \"finetune\"\n", m - 1)
        };
        // datasets spread across the layers so that edges cross unless the layout orders them
        let data: Vec<String> = (0..4)
            .map(|k| {
                format!(
                    "\"dataset-with-a-long-descriptive-name-{:02}\"",
                    (m * 7 + k * 11) % 40
                )
            })
            .collect();
        text.push_str(&format!(
            "\n[[model]]\nid = \"model-{m:02}\"\nsource = \"url\"\nurl = \"https://example.com/m{m}.bin\"\nlicense = \"apache-2.0\"\npublisher = \"p\"\n{base}trained_on = [{}]\n",
            data.join(", ")
        ));
    }
    std::fs::write(root.join("aibom.toml"), text).unwrap();
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

/// The report in headless Chromium at 1280 px and printed to PDF. CI installs Chromium and poppler (`.ci/run`);
/// elsewhere the test says it did not run.
#[test]
fn chromium_renders_the_report_on_screen_and_on_paper() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (see .ci/run)"
        );
        // not rendered here: outside CI, chromium is optional
        return;
    };
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("report-snapshots");
    std::fs::create_dir_all(&artifacts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    fifty_components(dir.path());
    let html = dir.path().join("report.html");
    let output = report(dir.path(), &["--format", "html", "--output", "report.html"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&html).unwrap();
    // the graph at 50 components: a layer per generation, and the long names whole on hover
    assert!(
        text.contains("<title>dataset-with-a-long-descriptive-name-07 (dataset"),
        "hover title"
    );
    let url = format!("file://{}", html.display());
    let profile = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(&browser)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let screen = artifacts.join("report-1280.png");
    run(&[
        "--window-size=1280,2000",
        &format!("--screenshot={}", screen.display()),
    ]);
    assert_eq!(png_size(&screen), (1280, 2000));
    let pdf = artifacts.join("report.pdf");
    run(&[
        "--no-pdf-header-footer",
        &format!("--print-to-pdf={}", pdf.display()),
    ]);
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap();
    assert!(pages >= 3, "{info}");
    // every page is numbered, and the inventory's header repeats on the page it continues on
    let page_text = |page: usize| {
        let output = Command::new("pdftotext")
            .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    for page in 1..=pages {
        let text = page_text(page);
        assert!(
            text.contains(&format!("page {page} of {pages}")),
            "page {page}:\n{text}"
        );
    }
    let second = page_text(2);
    assert!(
        second.contains("Component") && second.contains("Integrity") && second.contains("Findings"),
        "the inventory's header is not repeated:\n{second}"
    );
    // the printed pages as PNGs beside the screen shot
    let status = Command::new("pdftoppm")
        .args(["-r", "60", "-png", "-f", "1", "-l", "3"])
        .arg(&pdf)
        .arg(artifacts.join("report-print"))
        .status()
        .unwrap();
    assert!(status.success());
    let first = std::fs::read_dir(&artifacts)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy().starts_with("report-print-") && n.to_string_lossy().ends_with("1.png")
            })
        })
        .expect("the first printed page as PNG");
    let (width, height) = png_size(&first);
    // A4 at 60 dpi
    assert!(
        (490..=500).contains(&width) && (700..=705).contains(&height),
        "{width}x{height}"
    );
}
