//! Charts of a sweep: with one parameter, the hold rate against it under
//! each scenario, one line per package with its 95% interval as a band;
//! with two, a heatmap of the hold rate per package and scenario.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::text_on;
use super::heatmap::viridis;
use super::style::*;
use super::{ChartOptions, file_safe, write_chart};
use crate::report::sweep::SweepRow;
use crate::report::{Manifest, ReportError};

/// File names of sweep charts start with this.
pub const PREFIX: &str = "sweep";

/// File stem of the sweep chart of `scenario`: one chart per scenario for
/// a one-parameter sweep, one per package and scenario (`package`) for two.
pub fn stem(scenario: &str, package: Option<&str>) -> String {
    match package {
        None => format!("{PREFIX}-{}", file_safe(scenario)),
        Some(package) => format!("{PREFIX}-{}-{}", file_safe(package), file_safe(scenario)),
    }
}

/// Draws the sweep's charts into `<dir>/charts/`: `sweep-<scenario>` for a
/// one-parameter sweep, `sweep-<package>-<scenario>` heatmaps for two.
pub fn write(
    dir: &Path,
    options: &ChartOptions,
    manifest: &Manifest,
    names: &[String],
    rows: &[SweepRow],
) -> Result<Vec<PathBuf>, ReportError> {
    let mut scenarios: Vec<&str> = Vec::new();
    let mut packages: Vec<&str> = Vec::new();
    for r in rows {
        if !scenarios.contains(&r.scenario.as_str()) {
            scenarios.push(&r.scenario);
        }
        if !packages.contains(&r.package.as_str()) {
            packages.push(&r.package);
        }
    }
    let mut written = Vec::new();
    for scenario in &scenarios {
        let of_scenario: Vec<&SweepRow> = rows.iter().filter(|r| r.scenario == *scenario).collect();
        if names.len() == 1 {
            let lines = Lines {
                parameter: &names[0],
                scenario,
                packages: &packages,
                rows: &of_scenario,
            };
            written.extend(write_chart(
                dir,
                &stem(scenario, None),
                options,
                &|root, st| lines.draw(root, st, manifest),
                &|root, st| lines.draw(root, st, manifest),
            )?);
        } else {
            for package in &packages {
                let grid = Grid {
                    names,
                    package,
                    scenario,
                    rows: of_scenario
                        .iter()
                        .copied()
                        .filter(|r| r.package == *package)
                        .collect(),
                };
                written.extend(write_chart(
                    dir,
                    &stem(scenario, Some(package)),
                    options,
                    &|root, st| grid.draw(root, st, manifest),
                    &|root, st| grid.draw(root, st, manifest),
                )?);
            }
        }
    }
    Ok(written)
}

struct Lines<'a> {
    parameter: &'a str,
    scenario: &'a str,
    packages: &'a [&'a str],
    rows: &'a [&'a SweepRow],
}

impl Lines<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        st: &Style,
        manifest: &Manifest,
    ) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let body = frame(
            root,
            st,
            &format!(
                "Hold rate as {} varies — scenario: {}",
                self.parameter, self.scenario
            ),
            "Share of runs held or defended at each value, every value on the same random numbers; bands: 95% interval",
            manifest,
        )?;
        let xs = self.rows.iter().map(|r| r.values[0]);
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let (lo, hi) = if lo < hi {
            (lo, hi)
        } else {
            (lo - 0.5, lo + 0.5)
        };
        let mut cc = ChartBuilder::on(&body)
            .margin_right(st.px(160.0))
            .margin_top(st.px(8.0))
            .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
            .y_label_area_size(st.px(TICK_SIZE * 3.0 + AXIS_LABEL_SIZE + 24.0))
            .build_cartesian_2d(lo..hi, 0.0..1.0)?;
        st.axes(&mut cc.configure_mesh())
            .x_labels(8)
            .y_labels(6)
            .y_label_formatter(&|y| pct(*y))
            .x_desc(self.parameter)
            .y_desc("hold rate (share of runs)")
            .label_style(st.tick())
            .draw()?;
        for (i, package) in self.packages.iter().enumerate() {
            let colour = series_colour(i);
            let points: Vec<(f64, f64, f64, f64)> = self
                .rows
                .iter()
                .filter(|r| r.package == *package)
                .filter_map(|r| {
                    r.hold_rate
                        .map(|e| (r.values[0], e.value, e.lower, e.upper))
                })
                .collect();
            if points.is_empty() {
                continue;
            }
            let band: Vec<(f64, f64)> = points
                .iter()
                .map(|p| (p.0, p.3))
                .chain(points.iter().rev().map(|p| (p.0, p.2)))
                .collect();
            cc.draw_series(std::iter::once(Polygon::new(
                band,
                colour.mix(0.18).filled(),
            )))?;
            cc.draw_series(std::iter::once(PathElement::new(
                points.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
                st.stroke(2.5, colour),
            )))?;
            let last = points[points.len() - 1];
            let (x, y) = cc.backend_coord(&(last.0, last.1));
            root.draw(&Text::new(
                package.to_string(),
                (x + st.px(8.0), y),
                st.tick().color(&colour).pos(left_centre()),
            ))?;
        }
        Ok(())
    }
}

struct Grid<'a> {
    names: &'a [String],
    package: &'a str,
    scenario: &'a str,
    rows: Vec<&'a SweepRow>,
}

impl Grid<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        st: &Style,
        manifest: &Manifest,
    ) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let body = frame(
            root,
            st,
            &format!(
                "Hold rate of {} — scenario: {}",
                self.package, self.scenario
            ),
            "Share of runs held or defended at each pair of values, every pair on the same random numbers; empty: infeasible",
            manifest,
        )?;
        let distinct = |d: usize| {
            let mut v: Vec<f64> = self.rows.iter().map(|r| r.values[d]).collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        };
        let (xs, ys) = (distinct(0), distinct(1));
        let mut cc = ChartBuilder::on(&body)
            .margin_right(st.px(24.0))
            .margin_top(st.px(8.0))
            .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
            .y_label_area_size(st.px(TICK_SIZE * 5.0 + AXIS_LABEL_SIZE + 24.0))
            .build_cartesian_2d(-0.5..(xs.len() as f64 - 0.5), -0.5..(ys.len() as f64 - 0.5))?;
        let label = |values: &[f64], at: f64| {
            let i = at.round();
            if (at - i).abs() < 1e-9 && i >= 0.0 {
                values.get(i as usize).map(|&v| tick(v)).unwrap_or_default()
            } else {
                String::new()
            }
        };
        st.axes(&mut cc.configure_mesh())
            .disable_mesh()
            .x_labels(xs.len() * 2 + 1)
            .y_labels(ys.len() * 2 + 1)
            .x_label_formatter(&|x| label(&xs, *x))
            .y_label_formatter(&|y| label(&ys, *y))
            .x_desc(self.names[0].as_str())
            .y_desc(self.names[1].as_str())
            .label_style(st.tick())
            .draw()?;
        for r in &self.rows {
            let Some(e) = r.hold_rate else { continue };
            let i = xs.iter().position(|&x| x == r.values[0]).unwrap_or(0) as f64;
            let j = ys.iter().position(|&y| y == r.values[1]).unwrap_or(0) as f64;
            let fill = viridis(e.value);
            cc.draw_series(std::iter::once(Rectangle::new(
                [(i - 0.48, j - 0.48), (i + 0.48, j + 0.48)],
                fill.filled(),
            )))?;
            cc.draw_series(std::iter::once(Text::new(
                pct(e.value),
                (i, j),
                st.bold(VALUE_SIZE).color(&text_on(fill)).pos(centre()),
            )))?;
        }
        Ok(())
    }
}

/// A grid value as a tick label: at most four decimals, no trailing zeros
/// (0.6000000000000001 reads 0.6).
fn tick(value: f64) -> String {
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
