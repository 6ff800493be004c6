//! Time to the first major offensive under one scenario: one Kaplan-Meier
//! step curve per package, its 95% interval as a translucent band. Drawn
//! twice: over the runs in which the terms were accepted, and over all runs
//! with a rejection counted as a breakdown at month 0.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::*;
use crate::report::tables::{Among, SurvivalRow};
use crate::report::views::{horizon_months, survival_curve};
use crate::report::{Manifest, Tables};

pub const X_DESC: &str = "months since ceasefire";
pub const Y_DESC: &str = "share of runs with no major offensive";

/// A step curve through `(month, value)`, starting at the month-0 value:
/// the value holds during a month and changes at its end. A curve that
/// reached 0 stays there to the horizon (the table stops once nobody is
/// left at risk).
fn steps(points: impl Iterator<Item = (u32, f64)>, horizon: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (month, value) in points {
        let m = f64::from(month);
        if let Some(&(_, last)) = out.last() {
            out.push((m, last));
        }
        out.push((m, value));
    }
    if let Some(&(m, last)) = out.last() {
        if last <= 0.0 && m < horizon {
            out.push((horizon, 0.0));
        }
    }
    out
}

/// Title and subtitle of the chart of `among` under `scenario`.
pub fn titles(among: Among, scenario: &str) -> (String, &'static str) {
    match among {
        Among::AcceptedRuns => (
            format!("Time to the first major offensive — scenario: {scenario}"),
            "Kaplan-Meier estimate over runs in which Russia accepted the terms; shaded: 95% interval; grey line: half of runs (the median)",
        ),
        Among::AllRuns => (
            format!("Time to the first major offensive, all runs — scenario: {scenario}"),
            "Kaplan-Meier estimate over all runs, a rejection of the terms counted as a breakdown at month 0; shaded: 95% interval; grey line: half of runs",
        ),
    }
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    manifest: &Manifest,
    tables: &Tables,
    scenario: &str,
    among: Among,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (title, subtitle) = titles(among, scenario);
    let body = frame(root, st, &title, subtitle, manifest)?;
    let curves: Vec<(usize, String, Vec<&SurvivalRow>)> = tables
        .packages()
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let curve = survival_curve(tables, scenario, &p, among);
            (i, p, curve)
        })
        .filter(|(_, _, c)| !c.is_empty())
        .collect();
    let horizon = f64::from(horizon_months(tables).max(1));

    let legend_style = st.value();
    let swatch = st.px(30.0);
    let legend_width = curves
        .iter()
        .map(|(_, p, _)| text_width(root, p, &legend_style))
        .max()
        .unwrap_or(0)
        + swatch
        + st.px(40.0);
    let mut cc = ChartBuilder::on(&body)
        .margin_right(legend_width)
        .margin_top(st.px(8.0))
        .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
        .y_label_area_size(st.px(TICK_SIZE * 3.0 + AXIS_LABEL_SIZE + 24.0))
        .build_cartesian_2d(0.0..horizon, 0.0..1.0)?;
    st.axes(&mut cc.configure_mesh())
        // A label a year, at most 21 whatever a (hand-edited) table says.
        .x_labels(((horizon / 12.0).round() as usize + 1).clamp(2, 21))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(6)
        .y_label_formatter(&|y| pct(*y))
        .x_desc(X_DESC)
        .y_desc(Y_DESC)
        .label_style(st.tick())
        .draw()?;

    // Bands first, so no band covers another package's line.
    for (i, _, curve) in &curves {
        let upper = steps(curve.iter().map(|r| (r.month, r.upper)), horizon);
        let lower = steps(curve.iter().map(|r| (r.month, r.lower)), horizon);
        let polygon: Vec<(f64, f64)> = upper.into_iter().chain(lower.into_iter().rev()).collect();
        cc.draw_series(std::iter::once(Polygon::new(
            polygon,
            series_colour(*i).mix(0.15).filled(),
        )))?;
    }
    cc.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.5), (horizon, 0.5)],
        st.stroke(1.0, MUTED),
    )))?;
    let (plot_right, _) = cc.backend_coord(&(horizon, 0.5));
    for (i, _, curve) in &curves {
        cc.draw_series(std::iter::once(PathElement::new(
            steps(curve.iter().map(|r| (r.month, r.survival)), horizon),
            st.stroke(3.0, series_colour(*i)),
        )))?;
    }

    // Legend to the right of the plot, in the order the curves end (top
    // first), so it reads like the chart.
    let mut order: Vec<&(usize, String, Vec<&SurvivalRow>)> = curves.iter().collect();
    order.sort_by(|a, b| {
        let end = |c: &Vec<&SurvivalRow>| c.last().map(|r| r.survival).unwrap_or(0.0);
        end(&b.2).total_cmp(&end(&a.2)).then(a.0.cmp(&b.0))
    });
    let (_, top) = cc.backend_coord(&(horizon, 1.0));
    let x = plot_right + st.px(24.0);
    let line_height = st.px(VALUE_SIZE + 14.0);
    for (j, (i, package, _)) in order.iter().enumerate() {
        let y = top + st.px(10.0) + j as i32 * line_height;
        root.draw(&PathElement::new(
            vec![(x, y), (x + swatch, y)],
            st.stroke(3.0, series_colour(*i)),
        ))?;
        root.draw(&Text::new(
            package.clone(),
            (x + swatch + st.px(8.0), y),
            legend_style.pos(left_centre()),
        ))?;
    }
    Ok(())
}
