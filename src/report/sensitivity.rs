//! `sensitivity.csv`: each parameter's effect on each rate of each package
//! under each scenario, tidy (one row each).

use std::path::{Path, PathBuf};

use super::ReportError;
use super::csv::write_csv;
use serde::{Deserialize, Serialize};

/// One parameter's effect on one rate of one package under one scenario.
/// Morris fills `mu_star`, `mu` and `sigma`; Sobol the indices and their
/// 95% bootstrap intervals. Rates are shares (0 to 1), and effects are per
/// move across the parameter's whole range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRow {
    pub parameter: String,
    pub package: String,
    pub scenario: String,
    pub rate: String,
    pub method: String,
    pub mu_star: Option<f64>,
    pub mu: Option<f64>,
    pub sigma: Option<f64>,
    pub s1: Option<f64>,
    pub s1_lower: Option<f64>,
    pub s1_upper: Option<f64>,
    pub st: Option<f64>,
    pub st_lower: Option<f64>,
    pub st_upper: Option<f64>,
}

impl SensitivityRow {
    /// The measure that ranks parameters: mu* or the total index.
    pub fn importance(&self) -> f64 {
        self.mu_star.or(self.st).unwrap_or(0.0)
    }
}

pub const SENSITIVITY_CSV: &str = "sensitivity.csv";

/// Writes `sensitivity.csv` into `dir` atomically.
pub fn write_sensitivity_csv(dir: &Path, rows: &[SensitivityRow]) -> Result<PathBuf, ReportError> {
    write_csv(&dir.join(SENSITIVITY_CSV), rows)
}

/// The `rate` of a row about the hold rate.
pub const HOLD_RATE: &str = "hold";

/// The parameters that move a package's hold rate most, largest first, as
/// (parameter, scenario, importance), for the terminal and the report.
pub fn top_drivers<'a>(
    rows: &'a [SensitivityRow],
    package: &str,
    count: usize,
) -> Vec<&'a SensitivityRow> {
    let mut of_package: Vec<&SensitivityRow> = rows
        .iter()
        .filter(|r| r.package == package && r.rate == HOLD_RATE)
        .collect();
    of_package.sort_by(|a, b| {
        b.importance()
            .total_cmp(&a.importance())
            .then(a.parameter.cmp(&b.parameter))
            .then(a.scenario.cmp(&b.scenario))
    });
    of_package.truncate(count);
    of_package
}
