//! Writing a study's outputs into its folder: every format, then the
//! per-run table, the manifest last, so its presence says the other files
//! are whole. The file names are registered once, in
//! [`crate::report::OUTPUT_FILES`]; clearing a folder reads the same list.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::report::charts::{ChartOptions, Charts};
use crate::report::csv::{CsvTables, RunsCsv};
use crate::report::exploration::ExplorationContext;
use crate::report::exploration_html::ExplorationHtml;
use crate::report::exploration_md::ExplorationMarkdown;
use crate::report::html::HtmlReport;
use crate::report::manifest::MANIFEST_JSON;
use crate::report::markdown::MarkdownReport;
use crate::report::{ExplorationOutput, ReportContext, RunOutput};

/// The output formats of a study in the order they are written: the CSV
/// tables always, the charts and reports unless `charts` is off.
pub fn formats(charts: bool) -> Vec<Box<RunOutput>> {
    let chart_options = ChartOptions::default();
    let mut outputs: Vec<Box<RunOutput>> = vec![Box::new(CsvTables)];
    if charts {
        outputs.push(Box::new(Charts {
            options: chart_options.clone(),
        }));
        outputs.push(Box::new(HtmlReport {
            chart_options: chart_options.clone(),
        }));
        outputs.push(Box::new(MarkdownReport { chart_options }));
    }
    outputs
}

/// The report formats of an exploration (`sweep`, `sensitivity`,
/// `discover`), written after its table and charts, before its manifest.
pub fn exploration_formats() -> Vec<Box<ExplorationOutput>> {
    vec![Box::new(ExplorationHtml), Box::new(ExplorationMarkdown)]
}

/// Writes the reports of an exploration whose table and charts are in `dir`.
pub fn write_exploration_reports(ctx: &ExplorationContext<'_>, dir: &Path) -> anyhow::Result<()> {
    for output in exploration_formats() {
        output
            .write(ctx, dir)
            .with_context(|| format!("writing the {}", output.name()))?;
    }
    Ok(())
}

/// Writes every format and the per-run table, then the manifest.
pub fn write_all(
    report: &ReportContext<'_>,
    dir: &Path,
    charts: bool,
    runs_csv: Option<RunsCsv>,
) -> anyhow::Result<()> {
    for output in formats(charts) {
        output
            .write(report, dir)
            .with_context(|| format!("writing the {}", output.name()))?;
    }
    if let Some(w) = runs_csv {
        w.commit()?;
    }
    write_manifest(dir, report.manifest)?;
    Ok(())
}

/// Writes `manifest.json` atomically; call it after every other output.
pub fn write_manifest(dir: &Path, manifest: &impl Serialize) -> anyhow::Result<PathBuf> {
    let path = dir.join(MANIFEST_JSON);
    let json = serde_json::to_string_pretty(manifest)? + "\n";
    crate::report::atomic::write_atomic(&path, json.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
