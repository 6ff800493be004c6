//! The CSV tables: tidy long format that pandas, R and spreadsheets read
//! without reshaping.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::AtomicFile;
use super::tables::{
    GUARANTORS_CSV, INFEASIBLE_CSV, PAIRS_CSV, ROBUSTNESS_CSV, SUMMARY_CSV, SURVIVAL_CSV, Tables,
};
use super::{Output, ReportContext, ReportError};
use crate::batch::RunRecord;
use crate::model::params::World;

/// summary.csv, survival.csv, guarantors.csv, robustness.csv, infeasible.csv,
/// pairs.csv.
pub struct CsvTables;

impl Output for CsvTables {
    fn name(&self) -> &'static str {
        "CSV tables"
    }

    fn write(&self, ctx: &ReportContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let t: &Tables = ctx.tables;
        Ok(vec![
            write_csv(&dir.join(SUMMARY_CSV), &t.summary)?,
            write_csv(&dir.join(SURVIVAL_CSV), &t.survival)?,
            write_csv(&dir.join(GUARANTORS_CSV), &t.guarantors)?,
            write_csv(&dir.join(ROBUSTNESS_CSV), &t.robustness)?,
            write_csv(&dir.join(INFEASIBLE_CSV), &t.infeasible)?,
            write_csv(&dir.join(PAIRS_CSV), &t.pairs)?,
        ])
    }
}

/// Writes rows with a header line, atomically. An empty table still gets
/// its header, so readers see the columns.
pub fn write_csv<T: Serialize + for<'de> Deserialize<'de>>(
    path: &Path,
    rows: &[T],
) -> Result<PathBuf, ReportError> {
    let file = AtomicFile::create(path).map_err(ReportError::io(path))?;
    let mut writer = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(file);
    let csv_err = |source| ReportError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let headers = header_of::<T>();
    writer.write_record(headers).map_err(csv_err)?;
    for row in rows {
        writer.serialize(row).map_err(csv_err)?;
    }
    let file = writer.into_inner().map_err(|e| ReportError::Io {
        path: path.to_path_buf(),
        source: e.into_error(),
    })?;
    file.commit().map_err(ReportError::io(path))?;
    Ok(path.to_path_buf())
}

/// Field names of a row type, read from its `Deserialize` impl, so that
/// empty tables still get their header line.
fn header_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    serde_aux::serde_introspection::serde_introspect::<T>()
}

/// Streams one row per run to `runs.csv` while a batch runs.
pub struct RunsCsv {
    writer: ::csv::Writer<AtomicFile>,
    path: PathBuf,
}

#[derive(Serialize)]
struct RunRow<'a> {
    scenario: &'a str,
    package: &'a str,
    run: u64,
    outcome: &'static str,
    failure_mode: &'static str,
    first_major_month: Option<u32>,
    end_month: u32,
    defended_by: &'static str,
    territory_lost_pct: f64,
    war_months: u32,
    violations_detected: u32,
    violations_answered: u32,
    violations_undetected: u32,
    incidents: u32,
    sanctions_applied: u32,
    troop_months: f64,
    erosion: f64,
    russia_intent: f64,
}

/// File name of the per-run table.
pub const RUNS_CSV: &str = "runs.csv";

impl RunsCsv {
    pub fn create(dir: &Path) -> Result<RunsCsv, ReportError> {
        let path = dir.join(RUNS_CSV);
        let file = AtomicFile::create(&path).map_err(ReportError::io(&path))?;
        Ok(RunsCsv {
            writer: ::csv::Writer::from_writer(file),
            path,
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
        for r in records {
            let o = &r.outcome;
            let row = RunRow {
                scenario: &world.scenarios[scenarios[r.scenario]].id,
                package: &world.packages[packages[r.package]].id,
                run: r.run_index,
                outcome: o.kind.label(),
                failure_mode: o.failure_mode.label(),
                first_major_month: o.first_major_month,
                end_month: o.end_month,
                defended_by: o.defence.label(),
                territory_lost_pct: super::tables::round_for_output(o.territory_lost_pct),
                war_months: o.war_months,
                violations_detected: o.violations_detected,
                violations_answered: o.violations_answered,
                violations_undetected: o.violations_undetected,
                incidents: o.incidents,
                sanctions_applied: o.sanctions_applied,
                troop_months: super::tables::round_for_output(o.troop_months),
                erosion: super::tables::round_for_output(o.erosion),
                russia_intent: super::tables::round_for_output(o.russia_intent),
            };
            self.writer
                .serialize(row)
                .map_err(|source| ReportError::Csv {
                    path: self.path.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Finishes the file and moves it into place.
    pub fn commit(self) -> Result<PathBuf, ReportError> {
        let path = self.path.clone();
        let file = self.writer.into_inner().map_err(|e| ReportError::Io {
            path: path.clone(),
            source: e.into_error(),
        })?;
        file.commit().map_err(ReportError::io(&path))?;
        Ok(path)
    }
}
