//! The headless Chromium check of an HTML page through
//! `.ci/browser-check.sh`, shared by the tests of every report.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

fn chromium_installed() -> bool {
    Command::new("sh")
        .args(["-c", "command -v chromium"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Opens `page` in headless Chromium: `charts` inline charts render, the
/// console stays quiet and nothing is loaded from outside; the screenshot
/// goes to `screenshot`. Returns false, with a note, where Chromium is not
/// installed (the script itself installs it in CI).
pub fn check(page: &Path, screenshot: &Path, charts: usize) -> bool {
    if !chromium_installed() {
        eprintln!(
            "note: chromium is not installed; skipping the browser check (run .ci/browser-check.sh)"
        );
        return false;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/browser-check.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg(page)
        .arg(screenshot)
        .arg(charts.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "browser check failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    true
}
