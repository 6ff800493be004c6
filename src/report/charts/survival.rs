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
const Y_DESC_SHORT: &str = "no major offensive";

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
    let curves: Vec<(usize, Name, Vec<&SurvivalRow>)> = tables
        .packages()
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let curve = survival_curve(tables, scenario, &p, among);
            let name = tables
                .summary_row(scenario, &p)
                .map(|r| r.package_name.clone())
                .unwrap_or_default();
            (i, Name::new(&name, &p), curve)
        })
        .filter(|(_, _, c)| !c.is_empty())
        .collect();
    let horizon = f64::from(horizon_months(tables).max(1));

    // Legend in the order the curves end (top first), so it reads like the
    // chart: to the right of the plot where names fit in a third of the
    // width, else under the plot.
    let mut order: Vec<&(usize, Name, Vec<&SurvivalRow>)> = curves.iter().collect();
    order.sort_by(|a, b| {
        let end = |c: &Vec<&SurvivalRow>| c.last().map(|r| r.survival).unwrap_or(0.0);
        end(&b.2).total_cmp(&end(&a.2)).then(a.0.cmp(&b.0))
    });
    let (body_width, body_height) = body.dim_in_pixel();
    let (body_width, body_height) = (body_width as i32, body_height as i32);
    let legend_style = st.value();
    let swatch = st.px(30.0);
    let line = st.px(line_height(VALUE_SIZE) + 4.0);
    let entry_extra = swatch + st.px(8.0);
    // Between entries of a legend laid out in rows.
    let gap = st.px(20.0);
    let budget = body_width / 3 - entry_extra;
    let beside: Vec<Vec<String>> = order
        .iter()
        .map(|(_, name, _)| name.fit(root, &legend_style, budget, 2))
        .collect();
    let beside_height = line * beside.iter().map(Vec::len).sum::<usize>() as i32;
    let legend_beside = beside_height <= body_height / 2 + line * 2;
    let legend_items: Vec<String> = order
        .iter()
        .map(|(_, name, _)| name.fit(root, &legend_style, budget, 1).concat())
        .collect();
    let (legend_right, legend_below) = if legend_beside {
        let width =
            widest(root, beside.iter().flatten(), &legend_style) + entry_extra + st.px(32.0);
        (width, 0)
    } else {
        let rows = legend_rows(
            root,
            &legend_style,
            &legend_items,
            entry_extra + gap,
            body_width,
        );
        (st.px(16.0), line * rows as i32 + st.px(8.0))
    };
    let x_label_area = st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0);
    let y_label_area = st.px(TICK_SIZE * 3.0 + AXIS_LABEL_SIZE + 24.0);
    let plot_width = body_width - legend_right - y_label_area;
    let plot_height = body_height - legend_below - x_label_area - st.px(8.0);
    let axis_style = st.axis_label();
    let y_desc = fitting(root, &[Y_DESC, Y_DESC_SHORT], &axis_style, plot_height);
    let plot_area = body.margin(0, legend_below, 0, 0);
    let mut cc = ChartBuilder::on(&plot_area)
        .margin_right(legend_right)
        .margin_top(st.px(8.0))
        .x_label_area_size(x_label_area)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(0.0..horizon, 0.0..1.0)?;
    // A label a year where there is room, else fewer.
    let yearly = (horizon / 12.0).round() as usize + 1;
    let x_labels = yearly.min(tick_count(plot_width, st.px(50.0))).clamp(2, 21);
    st.axes(&mut cc.configure_mesh())
        .x_labels(x_labels)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(tick_count(plot_height, st.px(36.0)).min(6))
        .y_label_formatter(&|y| pct(*y))
        .x_desc(X_DESC)
        .y_desc(y_desc)
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
    for (i, _, curve) in &curves {
        cc.draw_series(std::iter::once(PathElement::new(
            steps(curve.iter().map(|r| (r.month, r.survival)), horizon),
            st.stroke(3.0, series_colour(*i)),
        )))?;
    }

    let entry = |x: i32, y: i32, colour: RGBColor, lines: &[String]| -> Drawn {
        root.draw(&PathElement::new(
            vec![(x, y), (x + swatch, y)],
            st.stroke(3.0, colour),
        ))?;
        for (k, text) in lines.iter().enumerate() {
            root.draw(&Text::new(
                text.clone(),
                (x + entry_extra, y + k as i32 * line),
                legend_style.pos(left_centre()),
            ))?;
        }
        Ok(())
    };
    let (plot_right, top) = cc.backend_coord(&(horizon, 1.0));
    if legend_beside {
        let x = plot_right + st.px(24.0);
        let mut y = top + st.px(10.0);
        for ((i, _, _), lines) in order.iter().zip(&beside) {
            entry(x, y, series_colour(*i), lines)?;
            y += line * lines.len() as i32;
        }
    } else {
        let (x0, y0) = body.get_base_pixel();
        let (mut x, mut y) = (x0, y0 + body_height - legend_below + st.px(8.0) + line / 2);
        for ((i, _, _), text) in order.iter().zip(&legend_items) {
            let width = entry_extra + text_width(root, text, &legend_style) + gap;
            if x > x0 && x + width > x0 + body_width {
                x = x0;
                y += line;
            }
            entry(x, y, series_colour(*i), std::slice::from_ref(text))?;
            x += width;
        }
    }
    Ok(())
}

/// How many rows the legend `items` take when laid out left to right in
/// `width` pixels, each taking `extra` pixels besides its text.
fn legend_rows<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: &TextStyle<'_>,
    items: &[String],
    extra: i32,
    width: i32,
) -> usize {
    let mut rows = 1;
    let mut x = 0;
    for text in items {
        let w = extra + text_width(root, text, style);
        if x > 0 && x + w > width {
            rows += 1;
            x = 0;
        }
        x += w;
    }
    rows
}
