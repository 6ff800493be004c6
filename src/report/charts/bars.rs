//! Horizontal bar charts with one row per package (or country): a label
//! column on the left, the bars, and a value column on the right, so that
//! numbers never collide with bars or whiskers. Used by the hold-rate,
//! outcome and guarantor charts.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::*;
use crate::report::Manifest;

/// One row of a bar chart.
pub enum BarRow {
    /// A bar with its 95% interval as a whisker.
    Interval {
        label: String,
        value: f64,
        lower: f64,
        upper: f64,
        note: String,
    },
    /// Shares stacked left to right.
    Stacked {
        label: String,
        segments: Vec<(f64, RGBColor)>,
        note: String,
    },
    /// A slot that is shown but holds no bar (an infeasible package), with
    /// the reason written inside it.
    Empty {
        label: String,
        inside: String,
        note: String,
    },
}

impl BarRow {
    fn label(&self) -> &str {
        match self {
            BarRow::Interval { label, .. }
            | BarRow::Stacked { label, .. }
            | BarRow::Empty { label, .. } => label,
        }
    }
    fn note(&self) -> &str {
        match self {
            BarRow::Interval { note, .. }
            | BarRow::Stacked { note, .. }
            | BarRow::Empty { note, .. } => note,
        }
    }
}

pub struct BarChart {
    pub title: String,
    pub subtitle: String,
    pub x_desc: String,
    pub rows: Vec<BarRow>,
    /// Legend entries shown above the bars (for stacked bars).
    pub legend: Vec<(String, RGBColor)>,
    pub bar_colour: RGBColor,
}

/// Black or white, whichever reads better on `background`.
pub fn text_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luminance = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luminance > 140.0 { TEXT } else { WHITE }
}

pub fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    manifest: &Manifest,
    chart: &BarChart,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let body = frame(root, st, &chart.title, &chart.subtitle, manifest)?;
    let body = if chart.legend.is_empty() {
        body
    } else {
        let (x, y) = body.get_base_pixel();
        draw_legend_row(root, st, &chart.legend, (x, y))?;
        body.margin(st.px(VALUE_SIZE + 20.0), 0, 0, 0)
    };
    let n = chart.rows.len().max(1);
    let tick = st.tick();
    let value = st.value();
    let label_width = chart
        .rows
        .iter()
        .map(|r| text_width(root, r.label(), &tick))
        .max()
        .unwrap_or(0)
        + st.px(16.0);
    let note_width = chart
        .rows
        .iter()
        .map(|r| text_width(root, r.note(), &value))
        .max()
        .unwrap_or(0)
        + st.px(16.0);
    let mut cc = ChartBuilder::on(&body)
        .margin_right(note_width)
        .margin_top(st.px(4.0))
        .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
        .y_label_area_size(label_width)
        .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))?;
    st.axes(&mut cc.configure_mesh())
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|x| pct(*x))
        .x_desc(chart.x_desc.clone())
        .x_label_style(st.tick())
        .draw()?;

    let half = 0.34;
    for (i, row) in chart.rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        match row {
            BarRow::Interval {
                value,
                lower,
                upper,
                ..
            } => {
                cc.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - half), (*value, y + half)],
                    chart.bar_colour.filled(),
                )))?;
                let whisker = st.stroke(2.0, okabe_ito::BLACK);
                let cap = 0.14;
                cc.draw_series([
                    PathElement::new(vec![(*lower, y), (*upper, y)], whisker),
                    PathElement::new(vec![(*lower, y - cap), (*lower, y + cap)], whisker),
                    PathElement::new(vec![(*upper, y - cap), (*upper, y + cap)], whisker),
                ])?;
            }
            BarRow::Stacked { segments, .. } => {
                let mut start = 0.0;
                for &(share, colour) in segments {
                    if share <= 0.0 {
                        continue;
                    }
                    let end = (start + share).min(1.0);
                    cc.draw_series(std::iter::once(Rectangle::new(
                        [(start, y - half), (end, y + half)],
                        colour.filled(),
                    )))?;
                    // Label a segment only where the number fits inside it.
                    if share >= 0.07 {
                        let (px, py) = cc.backend_coord(&((start + end) / 2.0, y));
                        root.draw(&Text::new(
                            pct(share),
                            (px, py),
                            st.value().color(&text_on(colour)).pos(centre()),
                        ))?;
                    }
                    start = end;
                }
            }
            BarRow::Empty { inside, .. } => {
                cc.draw_series([
                    Rectangle::new([(0.0, y - half), (1.0, y + half)], EMPTY_SLOT.filled()),
                    Rectangle::new(
                        [(0.0, y - half), (1.0, y + half)],
                        st.stroke(1.0, EMPTY_SLOT_BORDER),
                    ),
                ])?;
                let (px, py) = cc.backend_coord(&(0.0, y));
                root.draw(&Text::new(
                    inside.clone(),
                    (px + st.px(12.0), py),
                    st.value().color(&MUTED).pos(left_centre()),
                ))?;
            }
        }
        let (left, py) = cc.backend_coord(&(0.0, y));
        let (right, _) = cc.backend_coord(&(1.0, y));
        root.draw(&Text::new(
            row.label().to_string(),
            (left - st.px(10.0), py),
            st.tick().pos(right_centre()),
        ))?;
        root.draw(&Text::new(
            row.note().to_string(),
            (right + st.px(10.0), py),
            st.value().pos(left_centre()),
        ))?;
    }
    Ok(())
}

/// A row of colour swatches with labels, starting at `at` (pixels).
pub fn draw_legend_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    items: &[(String, RGBColor)],
    at: (i32, i32),
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (mut x, y) = at;
    let size = st.px(14.0);
    let style = st.value();
    for (label, colour) in items {
        root.draw(&Rectangle::new(
            [(x, y), (x + size, y + size)],
            colour.filled(),
        ))?;
        root.draw(&Text::new(
            label.clone(),
            (x + size + st.px(6.0), y + size / 2),
            style.pos(left_centre()),
        ))?;
        x += size + st.px(6.0) + text_width(root, label, &style) + st.px(22.0);
    }
    Ok(())
}
