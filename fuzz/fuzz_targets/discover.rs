//! The discovery's readers on any text, under every file kind they treat differently (Python, a notebook,
//! JavaScript, TypeScript, TSX, .env, a Dockerfile, shell, a Modelfile, YAML, JSON, TOML, prose): they must never
//! panic, hang or grow without bound, whatever a pull request puts in the code.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for name in [
        "app.py",
        "nb.ipynb",
        "web.js",
        "web.ts",
        "ui.tsx",
        ".env",
        "Dockerfile",
        "run.sh",
        "Modelfile",
        "compose.yaml",
        "config.json",
        "settings.toml",
        "README.md",
    ] {
        let _ = aitrust::discover::scan_file_text(&text, name);
    }
});
