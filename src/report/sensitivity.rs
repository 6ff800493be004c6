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
