//! Writing a study's outputs into its folder: every format, then the
//! per-run table, the manifest last, so its presence says the other files
//! are whole. The file names are registered once, in
//! [`crate::report::OUTPUT_FILES`]; clearing a folder reads the same list.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::batch::RunRecord;
use crate::model::params::World;
use crate::report::charts::{ChartOptions, Charts};
use crate::report::csv::{CsvTables, RunsCsv};
use crate::report::exploration::ExplorationContext;
use crate::report::exploration_html::ExplorationHtml;
use crate::report::exploration_md::ExplorationMarkdown;
use crate::report::html::HtmlReport;
use crate::report::manifest::MANIFEST_JSON;
use crate::report::markdown::MarkdownReport;
use crate::report::parquet::{ParquetTables, RunsParquet};
use crate::report::{ExplorationOutput, ReportContext, ReportError, RunOutput};

/// Which formats a study writes beyond the CSV tables and the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Formats {
    /// The charts, report.html and report.md.
    pub charts: bool,
    /// A Parquet copy of every table (and of runs.csv).
    pub parquet: bool,
}

/// The output formats of a study in the order they are written: the CSV
/// tables always, then those `formats` asks for.
pub fn formats(formats: Formats) -> Vec<Box<RunOutput>> {
    let chart_options = ChartOptions::default();
    let mut outputs: Vec<Box<RunOutput>> = vec![Box::new(CsvTables)];
    if formats.parquet {
        outputs.push(Box::new(ParquetTables));
    }
    if formats.charts {
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

/// The per-run tables, streamed wave by wave while a batch runs:
/// runs.csv, and runs.parquet beside it when Parquet is asked for.
pub struct PerRun {
    csv: RunsCsv,
    parquet: Option<RunsParquet>,
}

impl PerRun {
    /// Starts the per-run tables in `dir` for a batch of `scenarios`
    /// (indices into `world.scenarios`, in plan order).
    pub fn create(
        dir: &Path,
        world: &World,
        scenarios: &[usize],
        parquet: bool,
    ) -> Result<PerRun, ReportError> {
        Ok(PerRun {
            csv: RunsCsv::create(dir, world, scenarios)?,
            parquet: match parquet {
                true => Some(RunsParquet::create(dir, world, scenarios)?),
                false => None,
            },
        })
    }

    /// Appends a wave of records (already in run-index order).
    pub fn write(
        &mut self,
        world: &World,
        packages: &[usize],
        scenarios: &[usize],
        records: &[RunRecord],
    ) -> Result<(), ReportError> {
        self.csv.write(world, packages, scenarios, records)?;
        if let Some(p) = &mut self.parquet {
            p.write(world, packages, scenarios, records)?;
        }
        Ok(())
    }

    /// Finishes the files and moves them into place; Parquet records the
    /// run's provenance.
    pub fn commit(self, manifest: &crate::report::Manifest) -> Result<(), ReportError> {
        self.csv.commit()?;
        if let Some(p) = self.parquet {
            p.commit(manifest)?;
        }
        Ok(())
    }
}

/// Writes every format and the per-run tables, then the manifest.
pub fn write_all(
    report: &ReportContext<'_>,
    dir: &Path,
    formats: Formats,
    per_run: Option<PerRun>,
) -> anyhow::Result<()> {
    for output in self::formats(formats) {
        output
            .write(report, dir)
            .with_context(|| format!("writing the {}", output.name()))?;
    }
    if let Some(w) = per_run {
        w.commit(report.manifest)?;
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
