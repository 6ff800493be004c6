//! The CSV tables: tidy long format that pandas, R and spreadsheets read
//! without reshaping.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::atomic::AtomicFile;
use super::tables::{EachTable, round_for_output};
use super::{Output, ReportContext, ReportError};
use crate::batch::RunRecord;
use crate::model::NEVER;
use crate::model::params::{COEFFICIENTS, ParamDist, World};

/// summary.csv, survival.csv, guarantors.csv, robustness.csv, infeasible.csv,
/// pairs.csv.
pub struct CsvTables;

impl Output<ReportContext<'_>> for CsvTables {
    fn name(&self) -> &'static str {
        "CSV tables"
    }

    fn write(&self, ctx: &ReportContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let mut written = Written {
            dir,
            paths: Vec::new(),
        };
        ctx.tables.each(&mut written)?;
        Ok(written.paths)
    }
}

/// Writes each table into `dir` and records its path.
struct Written<'a> {
    dir: &'a Path,
    paths: Vec<PathBuf>,
}

impl EachTable for Written<'_> {
    fn table<T: Serialize + DeserializeOwned>(
        &mut self,
        csv_name: &'static str,
        rows: &[T],
    ) -> Result<(), ReportError> {
        self.paths.push(write_csv(&self.dir.join(csv_name), rows)?);
        Ok(())
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
pub(crate) fn header_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    serde_aux::serde_introspection::serde_introspect::<T>()
}

/// Streams one row per run to `runs.csv` while a batch runs: the outcome,
/// then every value the run drew (see [`DrawnColumns`]).
pub struct RunsCsv {
    writer: ::csv::Writer<AtomicFile>,
    path: PathBuf,
    drawn: DrawnColumns,
}

/// One row of `runs.csv` (and `runs.parquet`).
#[derive(Serialize, Deserialize)]
pub(crate) struct RunRow {
    scenario: String,
    package: String,
    run: u64,
    outcome: String,
    failure_mode: String,
    first_major_month: Option<u32>,
    end_month: u32,
    defended_by: String,
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
    /// One entry per [`DrawnColumns`] column; its names are not field names,
    /// so the header is written by hand.
    #[serde(skip_deserializing)]
    drawn: Vec<Option<DrawnValue>>,
}

impl RunRow {
    pub(crate) fn new(
        world: &World,
        packages: &[usize],
        scenarios: &[usize],
        drawn: &DrawnColumns,
        r: &RunRecord,
    ) -> RunRow {
        let o = &r.outcome;
        RunRow {
            scenario: world.scenarios[scenarios[r.scenario]].id.clone(),
            package: world.packages[packages[r.package]].id.clone(),
            run: r.run_index,
            outcome: o.kind.label().to_string(),
            failure_mode: o.failure_mode.label().to_string(),
            first_major_month: o.first_major_month,
            end_month: o.end_month,
            defended_by: o.defence.label().to_string(),
            territory_lost_pct: super::tables::round_for_output(o.territory_lost_pct),
            war_months: o.war_months,
            violations_detected: o.violations_detected,
            violations_answered: o.violations_answered,
            violations_undetected: o.violations_undetected,
            incidents: o.incidents,
            sanctions_applied: o.sanctions_applied,
            troop_months: round_for_output(o.troop_months),
            erosion: round_for_output(o.erosion),
            russia_intent: round_for_output(o.russia_intent),
            drawn: drawn.cells(r).collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum DrawnValue {
    Month(u32),
    Number(f64),
}

/// File name of the per-run table.
pub const RUNS_CSV: &str = "runs.csv";

/// The columns of `runs.csv` that record what a run drew: one per
/// coefficient that some selected scenario draws from a distribution
/// (`coefficients.<name>`, the value the run used), and one per uncertain
/// month or size of each selected scenario's events, named by the path
/// that sets it (`scenarios.<id>.events.<i>.month`), empty in the rows of
/// other scenarios and, for a month, when the event falls outside the
/// horizon. Columns depend only on the file and the selection, so they are
/// the same in every run of it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnColumns {
    /// Indices into [`crate::model::params::COEFFICIENTS`].
    coefficients: Vec<usize>,
    events: Vec<EventColumn>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct EventColumn {
    /// Position in the plan's scenarios.
    scenario: usize,
    event: usize,
    month: bool,
}

impl DrawnColumns {
    pub fn new(world: &World, scenarios: &[usize]) -> DrawnColumns {
        let uncertain = |d: &ParamDist| !matches!(d, ParamDist::Fixed { .. });
        let coefficients = (0..COEFFICIENTS.len())
            .filter(|&c| {
                scenarios
                    .iter()
                    .any(|&s| uncertain(&world.scenarios[s].coefficients[c]))
            })
            .collect();
        let mut events = Vec::new();
        for (pos, &s) in scenarios.iter().enumerate() {
            for (i, e) in world.scenarios[s].events.iter().enumerate() {
                for (month, dist) in [(true, &e.month), (false, &e.magnitude)] {
                    if uncertain(dist) {
                        events.push(EventColumn {
                            scenario: pos,
                            event: i,
                            month,
                        });
                    }
                }
            }
        }
        DrawnColumns {
            coefficients,
            events,
        }
    }

    /// Columns that every run has, whatever its scenario: the
    /// coefficients (the event columns come after them).
    pub fn shared(&self) -> usize {
        self.coefficients.len()
    }

    /// For each column, in order: whether it holds a month (a whole
    /// number) rather than a drawn number.
    pub fn months(&self) -> impl Iterator<Item = bool> + '_ {
        let coefficients = self.coefficients.iter().map(|_| false);
        coefficients.chain(self.events.iter().map(|e| e.month))
    }

    /// Column names, in order.
    pub fn names(&self, world: &World, scenarios: &[usize]) -> Vec<String> {
        let coefficients = self
            .coefficients
            .iter()
            .map(|&c| format!("coefficients.{}", COEFFICIENTS[c].name));
        let events = self.events.iter().map(|e| {
            format!(
                "scenarios.{}.events.{}.{}",
                world.scenarios[scenarios[e.scenario]].id,
                e.event,
                if e.month { "month" } else { "magnitude" }
            )
        });
        coefficients.chain(events).collect()
    }

    /// The values of one run, in column order; `None` where the column
    /// does not apply to the run.
    pub fn values(&self, record: &RunRecord) -> Vec<Option<f64>> {
        self.cells(record)
            .map(|v| {
                v.map(|v| match v {
                    DrawnValue::Month(m) => f64::from(m),
                    DrawnValue::Number(x) => x,
                })
            })
            .collect()
    }

    fn cells<'a>(&'a self, record: &'a RunRecord) -> impl Iterator<Item = Option<DrawnValue>> + 'a {
        let values = record.drawn.coefficients.values();
        let coefficients = self
            .coefficients
            .iter()
            .map(move |&c| Some(DrawnValue::Number(round_for_output(values[c]))));
        let events = self.events.iter().map(|e| {
            if e.scenario != record.scenario {
                return None;
            }
            if e.month {
                let month = record.drawn.event_months[e.event];
                (month != NEVER).then_some(DrawnValue::Month(month))
            } else {
                Some(DrawnValue::Number(round_for_output(
                    record.drawn.event_magnitudes[e.event],
                )))
            }
        });
        coefficients.chain(events)
    }
}

impl RunsCsv {
    /// Starts `runs.csv` in `dir` for a batch of `scenarios` (indices into
    /// `world.scenarios`, in plan order).
    pub fn create(dir: &Path, world: &World, scenarios: &[usize]) -> Result<RunsCsv, ReportError> {
        let path = dir.join(RUNS_CSV);
        let file = AtomicFile::create(&path).map_err(ReportError::io(&path))?;
        let mut writer = ::csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(file);
        let drawn = DrawnColumns::new(world, scenarios);
        let header = header_of::<RunRow>()
            .iter()
            .map(|h| h.to_string())
            .chain(drawn.names(world, scenarios));
        writer
            .write_record(header)
            .map_err(|source| ReportError::Csv {
                path: path.clone(),
                source,
            })?;
        Ok(RunsCsv {
            writer,
            path,
            drawn,
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
            let row = RunRow::new(world, packages, scenarios, &self.drawn, r);
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
