//! Package × scenario grid of hold rates, the value printed in each cell.
//! Drawn by hand in pixels: both axes are categories.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::text_on;
use super::style::*;
use crate::report::views::{hold_estimate, infeasible_packages};
use crate::report::{Manifest, Tables};

/// Viridis (perceptually uniform, colour-blind safe) at five stops.
const VIRIDIS: [(f64, (u8, u8, u8)); 5] = [
    (0.0, (68, 1, 84)),
    (0.25, (59, 82, 139)),
    (0.5, (33, 145, 140)),
    (0.75, (94, 201, 98)),
    (1.0, (253, 231, 37)),
];

pub fn viridis(x: f64) -> RGBColor {
    let x = x.clamp(0.0, 1.0);
    let i = VIRIDIS
        .windows(2)
        .position(|w| x <= w[1].0)
        .unwrap_or(VIRIDIS.len() - 2);
    let ((x0, a), (x1, b)) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let t = (x - x0) / (x1 - x0);
    let mix = |p: u8, q: u8| (f64::from(p) + t * (f64::from(q) - f64::from(p))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

enum Cells {
    Simulated(Name),
    Infeasible(Name),
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    manifest: &Manifest,
    tables: &Tables,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let body = frame(
        root,
        st,
        "Hold rate by package and scenario",
        "Share of runs held or defended, 95% interval in brackets; packages ranked by worst case",
        manifest,
    )?;
    let scenarios = tables.scenarios();
    let mut rows: Vec<Cells> = tables
        .robustness
        .iter()
        .map(|r| Cells::Simulated(Name::new(&r.package_name, &r.package)))
        .collect();
    for p in tables.packages() {
        if !tables.robustness.iter().any(|r| r.package == p) {
            let name = tables
                .summary
                .iter()
                .find(|r| r.package == p)
                .map(|r| r.package_name.clone())
                .unwrap_or_default();
            rows.push(Cells::Simulated(Name::new(&name, &p)));
        }
    }
    rows.extend(
        infeasible_packages(tables)
            .into_iter()
            .map(|p| Cells::Infeasible(Name::new(&p.package_name, &p.package))),
    );
    let name = |c: &Cells| match c {
        Cells::Simulated(p) | Cells::Infeasible(p) => p.clone(),
    };

    let (x0, y0) = body.get_base_pixel();
    let (width, height) = body.dim_in_pixel();
    let tick = st.tick();
    // Scenario ids head the columns, broken after a hyphen where a column
    // is too narrow, and shrunk only if a part is still too wide.
    let colour_bar_width = st.px(110.0);
    let columns = scenarios.len().max(1) as i32;
    let room = (width as i32 - width as i32 / 3 - colour_bar_width) / columns - st.px(8.0);
    let header_style = st.bold(TICK_SIZE);
    let headers: Vec<Vec<String>> = scenarios
        .iter()
        .map(|s| break_after_hyphens(root, s, &header_style, room))
        .collect();
    let header_lines = headers.iter().map(Vec::len).max().unwrap_or(1).clamp(1, 3);
    let header_line = st.px(line_height(TICK_SIZE));
    let header = header_line * header_lines as i32 + st.px(14.0);
    let cell_h = ((height as i32 - header) / rows.len().max(1) as i32).min(st.px(96.0));
    let line = st.px(line_height(TICK_SIZE));
    let lines_per_row = (cell_h / line).clamp(1, 2) as usize;
    // Names take at most a third of the width; longer ones fall back to ids.
    let labels: Vec<Vec<String>> = rows
        .iter()
        .map(|r| name(r).fit(root, &tick, width as i32 / 3, lines_per_row))
        .collect();
    let label_width = widest(root, labels.iter().flatten(), &tick) + st.px(16.0);
    let grid_left = x0 + label_width;
    let grid_width = width as i32 - label_width - colour_bar_width;
    let cell_w = grid_width / columns;
    let grid_top = y0 + header;
    let gap = st.px(2.0);

    let widest_part = widest(root, headers.iter().flatten(), &header_style).max(1);
    let header_size =
        TICK_SIZE * (f64::from(cell_w - st.px(8.0)) / f64::from(widest_part)).min(1.0);
    let header_style = st.bold(header_size);
    for (j, lines) in headers.iter().enumerate() {
        let cx = grid_left + j as i32 * cell_w + cell_w / 2;
        let first = y0 + header / 2 - (lines.len() as i32 - 1) * header_line / 2;
        for (k, text) in lines.iter().enumerate() {
            root.draw(&Text::new(
                text.clone(),
                (cx, first + k as i32 * header_line),
                header_style.pos(centre()),
            ))?;
        }
    }
    let two_lines = cell_h >= st.px(52.0);
    for (i, (row, label)) in rows.iter().zip(&labels).enumerate() {
        let top = grid_top + i as i32 * cell_h;
        let at = (grid_left - st.px(10.0), top + cell_h / 2);
        draw_label(root, label, at, line, &tick)?;
        for (j, s) in scenarios.iter().enumerate() {
            let left = grid_left + j as i32 * cell_w;
            let corners = [
                (left + gap, top + gap),
                (left + cell_w - gap, top + cell_h - gap),
            ];
            let (cx, cy) = (left + cell_w / 2, top + cell_h / 2);
            let estimate = match row {
                Cells::Simulated(p) => tables.summary_row(s, &p.id).and_then(hold_estimate),
                Cells::Infeasible(_) => None,
            };
            match estimate {
                Some(e) => {
                    let fill = viridis(e.value);
                    let ink = text_on(fill);
                    root.draw(&Rectangle::new(corners, fill.filled()))?;
                    if two_lines {
                        root.draw(&Text::new(
                            pct(e.value),
                            (cx, cy - st.px(9.0)),
                            st.bold(VALUE_SIZE + 2.0).color(&ink).pos(centre()),
                        ))?;
                        root.draw(&Text::new(
                            format!("({:.0}–{:.0})", e.lower * 100.0, e.upper * 100.0),
                            (cx, cy + st.px(12.0)),
                            st.font(VALUE_SIZE - 3.0).color(&ink).pos(centre()),
                        ))?;
                    } else {
                        root.draw(&Text::new(
                            pct(e.value),
                            (cx, cy),
                            st.bold(VALUE_SIZE).color(&ink).pos(centre()),
                        ))?;
                    }
                }
                None => {
                    let note = match row {
                        Cells::Infeasible(_) => "infeasible",
                        Cells::Simulated(_) => "n/a",
                    };
                    root.draw(&Rectangle::new(corners, EMPTY_SLOT.filled()))?;
                    root.draw(&Rectangle::new(corners, st.stroke(1.0, EMPTY_SLOT_BORDER)))?;
                    root.draw(&Text::new(
                        note.to_string(),
                        (cx, cy),
                        st.value().color(&MUTED).pos(centre()),
                    ))?;
                }
            }
        }
    }

    // Colour bar: the scale from 0% (bottom) to 100% (top).
    let bar_left = grid_left + columns * cell_w + st.px(28.0);
    let bar_top = grid_top;
    let bar_height = (cell_h * rows.len() as i32).max(st.px(120.0));
    let bar_width = st.px(18.0);
    let steps = 100;
    for k in 0..steps {
        let y_hi = bar_top + bar_height * k / steps;
        let y_lo = bar_top + bar_height * (k + 1) / steps;
        let value = 1.0 - (f64::from(k) + 0.5) / f64::from(steps);
        // One pixel of overlap, so no seams show between the slices when
        // the SVG is scaled.
        let y_lo = if k + 1 < steps { y_lo + 1 } else { y_lo };
        root.draw(&Rectangle::new(
            [(bar_left, y_hi), (bar_left + bar_width, y_lo)],
            viridis(value).filled(),
        ))?;
    }
    for k in 0..=4 {
        let value = f64::from(k) / 4.0;
        let y = bar_top + bar_height - (f64::from(bar_height) * value).round() as i32;
        root.draw(&PathElement::new(
            vec![
                (bar_left + bar_width, y),
                (bar_left + bar_width + st.px(5.0), y),
            ],
            st.stroke(1.0, MUTED),
        ))?;
        root.draw(&Text::new(
            pct(value),
            (bar_left + bar_width + st.px(8.0), y),
            st.value().pos(left_centre()),
        ))?;
    }
    root.draw(&Text::new(
        "hold rate".to_string(),
        (bar_left, y0 + header / 2 - st.px(6.0)),
        st.value().color(&MUTED).pos(left_centre()),
    ))?;
    Ok(())
}
