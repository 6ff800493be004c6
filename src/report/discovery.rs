//! `discovery.csv`: the boxes of conditions under which a package fails,
//! each as a rule a report can quote, with coverage, density and how
//! stable it is under resampling.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ReportError;
use super::csv::write_csv;

pub const DISCOVERY_CSV: &str = "discovery.csv";

/// One box. Boxes are found one after another, each among the runs that
/// no earlier box holds ("covering"), so coverage and density of box 2 and
/// later are measured on those runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryRow {
    pub package: String,
    /// The scenario, or `all` when the runs of every selected scenario are pooled.
    pub scenario: String,
    /// 1 for the first box found.
    pub r#box: usize,
    /// The conditions, e.g. `countries.united-states.resolve < 0.35 and ...`.
    pub rule: String,
    /// The sentence a report can quote.
    pub sentence: String,
    /// Share of the failures (among the runs searched) inside the box.
    pub coverage: f64,
    /// Share of the box's runs that fail.
    pub density: f64,
    /// Share of the runs searched inside the box.
    pub mass: f64,
    /// Runs searched for this box, and failures among them.
    pub runs: usize,
    pub failures: usize,
    /// Bootstrap resamples of the runs, and in how many a box was found.
    pub stability_resamples: usize,
    pub stability_found: usize,
    /// Share of the resampled boxes that restrict exactly this box's inputs.
    pub stability_same_inputs: f64,
    /// Mean coverage and density of the resampled boxes on all runs searched.
    pub stability_mean_coverage: f64,
    pub stability_mean_density: f64,
}

/// Writes `discovery.csv` into `dir` atomically.
pub fn write_discovery_csv(dir: &Path, rows: &[DiscoveryRow]) -> Result<PathBuf, ReportError> {
    write_csv(&dir.join(DISCOVERY_CSV), rows)
}
