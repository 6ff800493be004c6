//! The HTML and Markdown reports: self-contained, naming every package,
//! carrying the readings, the notice and the provenance.

mod common;
mod report_support;

use std::path::PathBuf;

use guarantee_sim::report::charts::{ChartOptions, plan};
use guarantee_sim::report::html::{HtmlReport, REPORT_HTML};
use guarantee_sim::report::manifest::RunStatus;
use guarantee_sim::report::markdown::{MarkdownReport, REPORT_MD};
use guarantee_sim::report::{Output, ReportContext, readings};
use report_support::*;

fn html(status: RunStatus) -> String {
    let manifest = manifest(status);
    let ctx = ReportContext {
        tables: tables(),
        manifest: &manifest,
    };
    HtmlReport::default().render(&ctx).unwrap()
}

/// The HTML escapes of a reading (apostrophes and ampersands).
fn escaped(text: &str) -> String {
    guarantee_sim::report::html::escape(text)
}

#[test]
fn the_page_loads_nothing_from_outside() {
    let page = html(RunStatus::Complete);
    assert!(!page.contains("http://"), "page mentions http://");
    assert!(!page.contains("https://"), "page mentions https://");
    for tag in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!page.contains(tag), "page contains {tag}");
    }
}

#[test]
fn the_page_names_every_package_and_carries_the_readings() {
    let page = html(RunStatus::Complete);
    let t = tables();
    for p in PACKAGES.iter().chain([&INFEASIBLE]) {
        assert!(page.contains(p), "missing package {p}");
    }
    assert!(page.contains(&escaped(readings::QUESTION)));
    assert!(page.contains("Exploratory model, not a forecast."));
    assert!(page.contains("Test world: four packages, three scenarios"));
    assert!(page.contains("Paris declaration of the Coalition of the Willing"));
    assert!(page.contains(&escaped(&readings::ranking(t))));
    for spec in plan(t, &ChartOptions::default()).unwrap() {
        let reading = readings::for_chart(t, &spec);
        assert!(
            page.contains(&escaped(&reading)),
            "missing reading {reading}"
        );
        assert!(page.contains(&format!("id=\"chart-{}\"", spec.stem)));
    }
    for line in readings::infeasible(t) {
        assert!(page.contains(&escaped(&line)));
    }
    for a in readings::assumptions() {
        assert!(page.contains(&escaped(a)));
    }
    assert_eq!(
        page.matches("<svg").count(),
        plan(t, &ChartOptions::default()).unwrap().len()
    );
    for needle in [
        "seed",
        "2026",
        "0123456789abcdef",
        &"ab".repeat(32),
        "complete",
    ] {
        assert!(page.contains(needle), "provenance lacks {needle}");
    }
    assert!(!page.contains("PARTIAL"));
}

#[test]
fn a_partial_run_is_marked_prominently() {
    let page = html(RunStatus::Partial);
    let marker = page.find("PARTIAL RUN").expect("partial marker");
    assert!(
        marker < page.find("<h1>").unwrap(),
        "marker must precede the title"
    );
}

#[test]
fn the_same_inputs_give_the_same_page() {
    assert_eq!(html(RunStatus::Complete), html(RunStatus::Complete));
}

#[test]
fn the_markdown_report_has_the_same_table_and_readings() {
    let manifest = manifest(RunStatus::Complete);
    let t = tables();
    let ctx = ReportContext {
        tables: t,
        manifest: &manifest,
    };
    let md = MarkdownReport::default().render(&ctx).unwrap();
    assert!(
        md.contains("| # | package | worst case | baseline | renewed-attack | frozen-conflict |")
    );
    assert!(md.contains(&readings::ranking(t)));
    for spec in plan(t, &ChartOptions::default()).unwrap() {
        assert!(md.contains(&readings::for_chart(t, &spec)));
        assert!(md.contains(&format!("(charts/{}.png)", spec.stem)));
    }
    for p in PACKAGES.iter().chain([&INFEASIBLE]) {
        assert!(md.contains(p), "missing package {p}");
    }
    assert!(md.contains("Exploratory model, not a forecast."));
}

#[test]
fn both_reports_are_written_into_the_run_folder() {
    let temp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("GUARANTEE_SIM_KEEP_REPORT") {
        Some(d) => PathBuf::from(d),
        None => temp.path().to_path_buf(),
    };
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = manifest(RunStatus::Complete);
    let ctx = ReportContext {
        tables: tables(),
        manifest: &manifest,
    };
    let html = HtmlReport::default().write(&ctx, &dir).unwrap();
    let md = MarkdownReport::default().write(&ctx, &dir).unwrap();
    assert_eq!(html, vec![dir.join(REPORT_HTML)]);
    assert_eq!(md, vec![dir.join(REPORT_MD)]);
}

#[test]
fn the_page_has_contents_that_lead_to_folding_sections() {
    let page = html(RunStatus::Complete);
    let t = tables();
    let nav = &page[page.find("<nav class=\"contents\"").expect("contents")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(
        page.find("<nav").unwrap() < page.find("id=\"question\"").unwrap(),
        "contents come first"
    );
    // Every link of the contents leads to an anchor on the page.
    let links: Vec<&str> = nav
        .split("href=\"#")
        .skip(1)
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert!(links.len() >= 8, "{links:?}");
    for id in &links {
        assert!(page.contains(&format!("id=\"{id}\"")), "no section #{id}");
    }
    // The overview opens unfolded; each scenario's charts fold and are
    // listed in the contents.
    assert!(page.contains("<details id=\"charts-overview\" open>"));
    for s in SCENARIOS {
        assert!(links.contains(&format!("scenario-{s}").as_str()));
        assert!(page.contains(&format!("<details id=\"scenario-{s}\">")));
    }
    assert_eq!(
        page.matches("<details").count(),
        page.matches("</details>").count()
    );
    assert_eq!(
        page.matches("<summary>").count(),
        page.matches("<details").count()
    );
    // Every chart sits inside a folding section.
    for spec in plan(t, &ChartOptions::default()).unwrap() {
        let at = page.find(&format!("id=\"chart-{}\"", spec.stem)).unwrap();
        let before = &page[..at];
        assert!(before.rfind("<details").unwrap() > before.rfind("</details>").unwrap_or(0));
    }
}

#[test]
fn both_reports_say_how_packages_are_ranked_and_why() {
    let page = html(RunStatus::Complete);
    assert!(page.contains(&escaped(&readings::ranking_criterion(tables()))));
    assert!(readings::RANKING_CRITERION.contains("worst case"));
    assert!(readings::RANKING_CRITERION.contains("robust decision making"));
    let manifest = manifest(RunStatus::Complete);
    let ctx = ReportContext {
        tables: tables(),
        manifest: &manifest,
    };
    let md = MarkdownReport::default().render(&ctx).unwrap();
    assert!(md.contains(&readings::ranking_criterion(tables())));
}
