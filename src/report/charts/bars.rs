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
        label: Name,
        value: f64,
        lower: f64,
        upper: f64,
        note: String,
    },
    /// Shares stacked left to right.
    Stacked {
        label: Name,
        segments: Vec<(f64, RGBColor)>,
        note: String,
    },
    /// A slot that is shown but holds no bar (an infeasible package), with
    /// the reason written inside it.
    Empty {
        label: Name,
        inside: String,
        note: String,
    },
}

impl BarRow {
    fn label(&self) -> &Name {
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

/// A row as drawn: one of the chart's, or the place of those left out.
enum Shown<'a> {
    Row(&'a BarRow),
    Omitted(usize),
}

/// The rows that fit in `max_rows`: all of them, or the first and last
/// ones (the best and the worst) around a row that counts the others.
fn rows_that_fit(rows: &[BarRow], max_rows: usize) -> Vec<Shown<'_>> {
    if rows.len() <= max_rows {
        return rows.iter().map(Shown::Row).collect();
    }
    let shown = max_rows.saturating_sub(1).max(2);
    let tail = shown / 2;
    let head = shown - tail;
    rows[..head]
        .iter()
        .map(Shown::Row)
        .chain(std::iter::once(Shown::Omitted(rows.len() - shown)))
        .chain(rows[rows.len() - tail..].iter().map(Shown::Row))
        .collect()
}

pub struct BarChart {
    pub title: String,
    pub subtitle: String,
    pub x_desc: String,
    pub rows: Vec<BarRow>,
    /// Legend entries shown above the bars (for stacked bars).
    pub legend: Vec<(String, RGBColor)>,
    pub bar_colour: RGBColor,
    /// The table that holds every row, named where rows are left out.
    pub source: &'static str,
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
        let width = body.dim_in_pixel().0 as i32;
        let used = draw_legend(root, st, &chart.legend, (x, y), width)?;
        body.margin(used + st.px(8.0), 0, 0, 0)
    };
    let (body_width, body_height) = body.dim_in_pixel();
    let tick = st.tick();
    let value = st.value();
    let x_label_area = st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0);
    let plot_height = body_height as i32 - x_label_area - st.px(4.0);
    let line = st.px(line_height(TICK_SIZE));
    let max_rows = (plot_height / line).max(3) as usize;
    let rows = rows_that_fit(&chart.rows, max_rows);
    let n = rows.len().max(1);
    let lines_per_row = (plot_height / n as i32 / line).clamp(1, 2) as usize;
    // Names take at most a third of the width; longer ones fall back to ids.
    let label_budget = body_width as i32 / 3;
    let labels: Vec<Vec<String>> = rows
        .iter()
        .map(|r| match r {
            Shown::Row(r) => r.label().fit(root, &tick, label_budget, lines_per_row),
            Shown::Omitted(_) => Vec::new(),
        })
        .collect();
    let label_width = widest(root, labels.iter().flatten(), &tick) + st.px(16.0);
    let note_width = rows
        .iter()
        .map(|r| match r {
            Shown::Row(r) => text_width(root, r.note(), &value),
            Shown::Omitted(_) => 0,
        })
        .max()
        .unwrap_or(0)
        + st.px(16.0);
    let mut cc = ChartBuilder::on(&body)
        .margin_right(note_width)
        .margin_top(st.px(4.0))
        .x_label_area_size(x_label_area)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))?;
    let plot_width = body_width as i32 - label_width - note_width;
    st.axes(&mut cc.configure_mesh())
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(tick_count(plot_width, st.px(70.0)))
        .x_label_formatter(&|x| pct(*x))
        .x_desc(chart.x_desc.clone())
        .x_label_style(st.tick())
        .draw()?;

    let half = 0.34;
    for (i, (shown, label)) in rows.iter().zip(&labels).enumerate() {
        let y = (n - 1 - i) as f64;
        let row = match shown {
            Shown::Row(row) => row,
            Shown::Omitted(count) => {
                let (px, py) = cc.backend_coord(&(0.0, y));
                root.draw(&Text::new(
                    format!("… {count} more, all in {}", chart.source),
                    (px + st.px(12.0), py),
                    st.value().color(&MUTED).pos(left_centre()),
                ))?;
                continue;
            }
        };
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
                    let text = pct(share);
                    let (left, py) = cc.backend_coord(&(start, y));
                    let (right, _) = cc.backend_coord(&(end, y));
                    if text_width(root, &text, &value) + st.px(6.0) <= right - left {
                        root.draw(&Text::new(
                            text,
                            ((left + right) / 2, py),
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
                    shorten(root, inside, &value, plot_width - st.px(24.0)),
                    (px + st.px(12.0), py),
                    st.value().color(&MUTED).pos(left_centre()),
                ))?;
            }
        }
        let (left, py) = cc.backend_coord(&(0.0, y));
        let (right, _) = cc.backend_coord(&(1.0, y));
        draw_label(root, label, (left - st.px(10.0), py), line, &tick)?;
        root.draw(&Text::new(
            row.note().to_string(),
            (right + st.px(10.0), py),
            st.value().pos(left_centre()),
        ))?;
    }
    Ok(())
}

/// Colour swatches with labels from `at` (pixels), wrapping to a new row
/// where `width` is used up; returns the height drawn.
pub fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    items: &[(String, RGBColor)],
    at: (i32, i32),
    width: i32,
) -> Drawn<i32>
where
    DB::ErrorType: 'static,
{
    let (x0, mut y) = at;
    let mut x = x0;
    let size = st.px(14.0);
    let row_height = st.px(line_height(VALUE_SIZE));
    let style = st.value();
    for (label, colour) in items {
        let item_width = size + st.px(6.0) + text_width(root, label, &style);
        if x > x0 && x + item_width > x0 + width {
            x = x0;
            y += row_height;
        }
        root.draw(&Rectangle::new(
            [(x, y), (x + size, y + size)],
            colour.filled(),
        ))?;
        root.draw(&Text::new(
            label.clone(),
            (x + size + st.px(6.0), y + size / 2),
            style.pos(left_centre()),
        ))?;
        x += item_width + st.px(22.0);
    }
    Ok(y + row_height - at.1)
}
