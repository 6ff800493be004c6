//! Opens report.html in headless Chromium through `.ci/browser-check.sh`:
//! the charts render, the console stays quiet and nothing is loaded from
//! outside. Skipped, with a note, where Chromium is not installed (the
//! script itself installs it in CI).

mod browser_support;
mod common;
mod report_support;

use guarantee_sim::report::charts::{ChartOptions, plan};
use guarantee_sim::report::html::HtmlReport;
use guarantee_sim::report::manifest::RunStatus;
use guarantee_sim::report::{Output, ReportContext};
use report_support::*;

#[test]
fn the_report_renders_in_a_browser_with_every_chart_and_no_errors() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = manifest(RunStatus::Complete);
    let ctx = ReportContext {
        tables: tables(),
        manifest: &manifest,
    };
    let written = HtmlReport::default().write(&ctx, dir.path()).unwrap();
    let charts = plan(tables(), &ChartOptions::default()).unwrap().len();
    let screenshot = dir.path().join("report.png");
    if browser_support::check(&written[0], &screenshot, charts) {
        assert!(screenshot.metadata().unwrap().len() > 50_000);
    }
}
