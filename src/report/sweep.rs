//! `sweep.csv`: the hold and deterrence rates of each package under each scenario at each
//! point of a parameter sweep, tidy (one row per point, package and
//! scenario; one column per parameter).

use std::path::Path;

use super::ReportError;
use super::atomic::AtomicFile;
use crate::batch::stats::Estimate;

pub const SWEEP_CSV: &str = "sweep.csv";

/// One package under one scenario at one point of the sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The value set for each parameter, in the sweep's order.
    pub values: Vec<f64>,
    pub package: String,
    pub scenario: String,
    pub runs: u64,
    pub holds: u64,
    /// With its 95% Wilson interval; `None` without runs.
    pub hold_rate: Option<Estimate>,
    /// Runs with no major offensive and no erosion, and their share.
    pub deterred: u64,
    pub deterrence_rate: Option<Estimate>,
}

/// Where the package with the highest hold rate changes between two
/// neighbouring points of the grid (along the first parameter).
#[derive(Debug, Clone, PartialEq)]
pub struct Crossover {
    pub scenario: String,
    /// The values of the other parameter, if any, where this happens.
    pub other: Option<f64>,
    pub from_value: f64,
    pub to_value: f64,
    pub from_package: String,
    pub to_package: String,
    /// Positions of the two points in the grid.
    pub from_point: usize,
    pub to_point: usize,
    /// How far the leader at each point is ahead of the other package
    /// there (hold rates, paired on the same runs, with 95% intervals):
    /// `from_package - to_package` at the first point, `to_package -
    /// from_package` at the second. An interval that holds 0 means the
    /// lead is within the noise of the runs.
    pub lead_before: Option<Estimate>,
    pub lead_after: Option<Estimate>,
}

/// The package with the highest hold rate among `rows` (one point, one
/// scenario); the first listed on a tie.
pub fn best_package<'a>(rows: impl IntoIterator<Item = &'a SweepRow>) -> Option<&'a str> {
    rows.into_iter()
        .filter_map(|r| r.hold_rate.map(|e| (e.value, r.package.as_str())))
        .fold(None, |best: Option<(f64, &str)>, (v, p)| match best {
            Some((b, _)) if b >= v => best,
            _ => Some((v, p)),
        })
        .map(|(_, p)| p)
}

/// Columns after the parameters'.
const COLUMNS: [&str; 11] = [
    "package",
    "scenario",
    "runs",
    "holds",
    "hold_rate",
    "hold_lower",
    "hold_upper",
    "deterred",
    "deterrence_rate",
    "deterrence_lower",
    "deterrence_upper",
];

/// Writes `sweep.csv` into `dir` atomically, with one column per parameter
/// (named by its path) before the fixed columns.
pub fn write_sweep_csv(
    dir: &Path,
    parameters: &[String],
    rows: &[SweepRow],
) -> Result<(), ReportError> {
    let path = dir.join(SWEEP_CSV);
    let file = AtomicFile::create(&path).map_err(ReportError::io(&path))?;
    let mut writer = ::csv::Writer::from_writer(file);
    let csv_err = |source| ReportError::Csv {
        path: path.clone(),
        source,
    };
    let header = parameters.iter().map(String::as_str).chain(COLUMNS);
    writer.write_record(header).map_err(csv_err)?;
    for row in rows {
        let text = |e: &Option<Estimate>, f: fn(&Estimate) -> f64| {
            e.as_ref().map(f).map(|x| x.to_string()).unwrap_or_default()
        };
        let rate = |f| text(&row.hold_rate, f);
        let deterrence = |f| text(&row.deterrence_rate, f);
        let record = row.values.iter().map(f64::to_string).chain([
            row.package.clone(),
            row.scenario.clone(),
            row.runs.to_string(),
            row.holds.to_string(),
            rate(|e| e.value),
            rate(|e| e.lower),
            rate(|e| e.upper),
            row.deterred.to_string(),
            deterrence(|e| e.value),
            deterrence(|e| e.lower),
            deterrence(|e| e.upper),
        ]);
        writer.write_record(record).map_err(csv_err)?;
    }
    let file = writer.into_inner().map_err(|e| ReportError::Io {
        path: path.clone(),
        source: e.into_error(),
    })?;
    file.commit().map_err(ReportError::io(&path))
}
