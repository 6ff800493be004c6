//! Robustness view: each package's worst-case hold rate across scenarios
//! (x) against its mean (y). Up and to the right is better; the distance
//! above the diagonal is how much the package depends on the scenario.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::*;
use crate::report::{Manifest, Tables};

pub const X_DESC: &str = "worst-case hold rate across scenarios (share of runs)";
pub const Y_DESC: &str = "mean hold rate (share of runs)";

/// An axis range with some room around the data, on a 10% grid.
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let lo = ((lo - 0.05) * 10.0).floor() / 10.0;
    let hi = ((hi + 0.05) * 10.0).ceil() / 10.0;
    (lo.max(0.0), hi.min(1.0).max(lo + 0.1))
}

type PixelBox = (i32, i32, i32, i32);

fn overlaps(a: &PixelBox, b: &PixelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
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
        "Robustness: worst case against average across scenarios",
        "Each point is a package, labelled with its rank (worst case first, then mean); the diagonal is no spread across scenarios",
        manifest,
    )?;
    let rows = &tables.robustness;
    let (x_lo, x_hi) = range(rows.iter().map(|r| r.worst_hold_rate));
    let (y_lo, y_hi) = range(rows.iter().map(|r| r.mean_hold_rate));
    let (lo, hi) = (x_lo.min(y_lo), x_hi.max(y_hi));
    let mut cc = ChartBuilder::on(&body)
        .margin_right(st.px(24.0))
        .margin_top(st.px(8.0))
        .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
        .y_label_area_size(st.px(TICK_SIZE * 3.0 + AXIS_LABEL_SIZE + 24.0))
        .build_cartesian_2d(lo..hi, lo..hi)?;
    st.axes(&mut cc.configure_mesh())
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|x| pct(*x))
        .y_label_formatter(&|y| pct(*y))
        .x_desc(X_DESC)
        .y_desc(Y_DESC)
        .label_style(st.tick())
        .draw()?;
    cc.draw_series(std::iter::once(PathElement::new(
        vec![(lo, lo), (hi, hi)],
        // Light, so labels that cross it stay readable.
        st.stroke(1.5, RGBColor(190, 190, 190)),
    )))?;

    let packages = tables.packages();
    let colour_of = |p: &str| series_colour(packages.iter().position(|q| q == p).unwrap_or(0));
    let radius = st.px(7.0);
    let points: Vec<(i32, i32)> = rows
        .iter()
        .map(|r| cc.backend_coord(&(r.worst_hold_rate, r.mean_hold_rate)))
        .collect();
    for (r, &(px, py)) in rows.iter().zip(&points) {
        root.draw(&Circle::new(
            (px, py),
            radius,
            colour_of(&r.package).filled(),
        ))?;
        root.draw(&Circle::new((px, py), radius, st.stroke(1.0, WHITE)))?;
    }

    // Labels: try a few places around each point and keep the first that
    // collides with no point, no earlier label and stays inside the plot.
    let (plot_left, plot_top) = cc.backend_coord(&(lo, hi));
    let (plot_right, plot_bottom) = cc.backend_coord(&(hi, lo));
    let style = st.value();
    let mut taken: Vec<PixelBox> = points
        .iter()
        .map(|&(x, y)| (x - radius, y - radius, x + radius, y + radius))
        .collect();
    let height = st.px(VALUE_SIZE + 4.0);
    let d = radius + st.px(6.0);
    for (r, &(px, py)) in rows.iter().zip(&points) {
        let text = format!("#{} {}", r.rank, r.package);
        let w = text_width(root, &text, &style);
        let candidates = [
            (px + d, py - height / 2, HPos::Left, VPos::Center),
            (px - d - w, py - height / 2, HPos::Right, VPos::Center),
            (px - w / 2, py - d - height, HPos::Center, VPos::Bottom),
            (px - w / 2, py + d, HPos::Center, VPos::Top),
            (px + d, py - d - height, HPos::Left, VPos::Bottom),
            (px + d, py + d, HPos::Left, VPos::Top),
            (px - d - w, py - d - height, HPos::Right, VPos::Bottom),
            (px - d - w, py + d, HPos::Right, VPos::Top),
        ];
        let fits = |b: &PixelBox| {
            b.0 >= plot_left && b.2 <= plot_right && b.1 >= plot_top && b.3 <= plot_bottom
        };
        let chosen = candidates
            .iter()
            .map(|&(x, y, h, v)| ((x, y, x + w, y + height), h, v))
            .find(|(b, _, _)| fits(b) && !taken.iter().any(|t| overlaps(t, b)))
            .unwrap_or((
                (px + d, py - height / 2, px + d + w, py + height / 2),
                HPos::Left,
                VPos::Center,
            ));
        let (b, h, v) = chosen;
        let anchor = match (h, v) {
            (HPos::Left, VPos::Center) => (px + d, py),
            (HPos::Right, VPos::Center) => (px - d, py),
            (HPos::Center, VPos::Bottom) => (px, py - d),
            (HPos::Center, VPos::Top) => (px, py + d),
            (HPos::Left, VPos::Bottom) => (px + d, py - d),
            (HPos::Left, VPos::Top) => (px + d, py + d),
            (HPos::Right, VPos::Bottom) => (px - d, py - d),
            _ => (px - d, py + d),
        };
        root.draw(&Text::new(text, anchor, style.pos(Pos::new(h, v))))?;
        taken.push(b);
    }
    Ok(())
}
