//! Tornado charts of a sensitivity study: one per package, the parameters
//! (under each scenario) that move its hold rate most, largest on top.

use std::path::{Path, PathBuf};

use super::bars::{BarChart, BarRow, draw_bars};
use super::style::okabe_ito;
use super::{ChartOptions, file_safe, write_chart};
use crate::report::{Manifest, ReportError};

/// File names of tornado charts start with this.
pub const PREFIX: &str = "tornado";

/// Bars shown at most: beyond a dozen a tornado stops being readable.
pub const MAX_BARS: usize = 12;

/// One bar: a parameter's importance for one scenario.
pub struct TornadoBar {
    pub label: String,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// File stem of the chart of `package`.
pub fn stem(package: &str) -> String {
    format!("{PREFIX}-{}", file_safe(package))
}

/// Draws `charts/tornado-<package>.png` and `.svg`; bars are sorted and
/// cut to [`MAX_BARS`] here. Values are shares, drawn on a 0-100% axis
/// (a larger value is clipped at the edge; its note gives the number).
pub fn write(
    dir: &Path,
    options: &ChartOptions,
    manifest: &Manifest,
    package: &str,
    measure: &str,
    mut bars: Vec<TornadoBar>,
) -> Result<Vec<PathBuf>, ReportError> {
    bars.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.label.cmp(&b.label)));
    bars.truncate(MAX_BARS);
    let chart = BarChart {
        title: format!("What drives the hold rate — package: {package}"),
        subtitle: format!(
            "{measure}; each bar one parameter under one scenario; whiskers: 95% bootstrap interval where there is one"
        ),
        x_desc: measure.to_string(),
        rows: bars
            .into_iter()
            .map(|b| BarRow::Interval {
                note: format!("{:.3}", b.value),
                label: super::style::Name::new(&b.label, &b.label),
                value: b.value.clamp(0.0, 1.0),
                lower: b.lower.clamp(0.0, 1.0),
                upper: b.upper.clamp(0.0, 1.0),
            })
            .collect(),
        legend: Vec::new(),
        bar_colour: okabe_ito::VERMILLION,
        source: crate::report::sensitivity::SENSITIVITY_CSV,
    };
    write_chart(
        dir,
        &stem(package),
        options,
        &|root, st| draw_bars(root, st, manifest, &chart),
        &|root, st| draw_bars(root, st, manifest, &chart),
    )
}
