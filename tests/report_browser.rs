//! Opens report.html in headless Chromium through `.ci/browser-check.sh`:
//! the charts render, the console stays quiet and nothing is loaded from
//! outside. Skipped, with a note, where Chromium is not installed (the
//! script itself installs it in CI).

mod common;
mod report_support;

use std::path::Path;
use std::process::Command;

use guarantee_sim::report::charts::{ChartOptions, plan};
use guarantee_sim::report::html::HtmlReport;
use guarantee_sim::report::manifest::RunStatus;
use guarantee_sim::report::{Output, ReportContext};
use report_support::*;

fn chromium_installed() -> bool {
    Command::new("sh")
        .args(["-c", "command -v chromium"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn the_report_renders_in_a_browser_with_every_chart_and_no_errors() {
    if !chromium_installed() {
        eprintln!(
            "note: chromium is not installed; skipping the browser check (run .ci/browser-check.sh)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let manifest = manifest(RunStatus::Complete);
    let ctx = ReportContext {
        tables: tables(),
        manifest: &manifest,
    };
    let written = HtmlReport::default().write(&ctx, dir.path()).unwrap();
    let charts = plan(tables(), &ChartOptions::default()).unwrap().len();
    let screenshot = dir.path().join("report.png");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/browser-check.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg(&written[0])
        .arg(&screenshot)
        .arg(charts.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "browser check failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(screenshot.metadata().unwrap().len() > 50_000);
}
