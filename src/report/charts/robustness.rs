//! Robustness view: each package's worst-case hold rate across scenarios
//! (x) against its mean (y). Up and to the right is better; the distance
//! above the diagonal is how much the package depends on the scenario.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::*;
use crate::report::{Manifest, Tables};

pub const X_DESC: &str = "worst-case hold rate across scenarios (share of runs)";
pub const Y_DESC: &str = "mean hold rate (share of runs)";
const X_DESC_SHORT: &str = "worst-case hold rate";
const Y_DESC_SHORT: &str = "mean hold rate";

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

/// left, top, right, bottom in pixels.
type PixelBox = (i32, i32, i32, i32);

/// Sizes the rank labels are placed with, in pixels.
#[derive(Debug, Clone, Copy)]
struct LabelGeometry {
    height: i32,
    radius: i32,
    /// Between a point's edge and its label.
    gap: i32,
    plot: PixelBox,
}

/// Where a point's label goes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlacedLabel {
    bounds: PixelBox,
    /// Set apart from its point: draw a line from the point to it.
    leader: bool,
}

fn distance_squared(b: &PixelBox, (x, y): (i32, i32)) -> i64 {
    let dx = i64::from((b.0 - x).max(x - b.2).max(0));
    let dy = i64::from((b.1 - y).max(y - b.3).max(0));
    dx * dx + dy * dy
}

/// Places each point's label: around the point, nearest places first,
/// keeping the first that stays inside the plot and covers no point and no
/// earlier label. A label right beside its point must be nearer to it than
/// to any other point, so it cannot be read as another point's; one set
/// further out gets a leader line instead.
fn place_labels(points: &[(i32, i32)], widths: &[i32], g: LabelGeometry) -> Vec<PlacedLabel> {
    let mut taken: Vec<PixelBox> = points
        .iter()
        .map(|&(x, y)| (x - g.radius, y - g.radius, x + g.radius, y + g.radius))
        .collect();
    let inside =
        |b: &PixelBox| b.0 >= g.plot.0 && b.2 <= g.plot.2 && b.1 >= g.plot.1 && b.3 <= g.plot.3;
    let h = g.height;
    let mut out = Vec::with_capacity(points.len());
    for (i, (&(px, py), &w)) in points.iter().zip(widths).enumerate() {
        let own_nearest = |b: &PixelBox| {
            let own = distance_squared(b, (px, py));
            points
                .iter()
                .enumerate()
                .all(|(j, &p)| j == i || distance_squared(b, p) > own)
        };
        let chosen = (1..=6)
            .flat_map(|k| {
                let d = g.radius + g.gap + (k - 1) * h;
                [
                    (px + d, py - h / 2),
                    (px - d - w, py - h / 2),
                    (px - w / 2, py - d - h),
                    (px - w / 2, py + d),
                    (px + d, py - d - h),
                    (px + d, py + d),
                    (px - d - w, py - d - h),
                    (px - d - w, py + d),
                ]
                .map(|(x, y)| ((x, y, x + w, y + h), k > 1))
            })
            .find(|(b, leader)| {
                inside(b) && !taken.iter().any(|t| overlaps(t, b)) && (*leader || own_nearest(b))
            });
        let (bounds, leader) = chosen.unwrap_or((
            (
                px + g.radius + g.gap,
                py - h / 2,
                px + g.radius + g.gap + w,
                py + h / 2,
            ),
            false,
        ));
        taken.push(bounds);
        out.push(PlacedLabel { bounds, leader });
    }
    out
}

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
        "Each point is a package, labelled with its rank (worst case first, then mean; key on the right); the diagonal is no spread across scenarios",
        manifest,
    )?;
    let rows = &tables.robustness;
    let (body_width, body_height) = body.dim_in_pixel();
    let (body_width, body_height) = (body_width as i32, body_height as i32);

    // The key: rank, colour and name of each package, to the right.
    let key_style = st.value();
    let line = st.px(line_height(VALUE_SIZE));
    let swatch = st.px(12.0);
    let lines_per_entry = (body_height / (line * rows.len().max(1) as i32)).clamp(1, 2) as usize;
    let key: Vec<(String, Vec<String>)> = rows
        .iter()
        .map(|r| {
            let rank = format!("#{}", r.rank);
            let indent = text_width(root, "#00 ", &key_style) + swatch + st.px(6.0);
            let name = Name::new(&r.package_name, &r.package).fit(
                root,
                &key_style,
                body_width * 2 / 5 - indent,
                lines_per_entry,
            );
            (rank, name)
        })
        .collect();
    let rank_width = text_width(root, "#00 ", &key_style);
    let key_width = widest(root, key.iter().flat_map(|(_, lines)| lines), &key_style)
        + swatch
        + st.px(6.0)
        + rank_width;

    let (x_lo, x_hi) = range(rows.iter().map(|r| r.worst_hold_rate));
    let (y_lo, y_hi) = range(rows.iter().map(|r| r.mean_hold_rate));
    let (lo, hi) = (x_lo.min(y_lo), x_hi.max(y_hi));
    let x_label_area = st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0);
    let y_label_area = st.px(TICK_SIZE * 3.0 + AXIS_LABEL_SIZE + 24.0);
    let plot_width = body_width - key_width - st.px(48.0) - y_label_area;
    let plot_height = body_height - x_label_area - st.px(8.0);
    let axis_style = st.axis_label();
    let x_desc = fitting(root, &[X_DESC, X_DESC_SHORT], &axis_style, plot_width);
    let y_desc = fitting(root, &[Y_DESC, Y_DESC_SHORT], &axis_style, plot_height);
    let mut cc = ChartBuilder::on(&body)
        .margin_right(key_width + st.px(48.0))
        .margin_top(st.px(8.0))
        .x_label_area_size(x_label_area)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(lo..hi, lo..hi)?;
    st.axes(&mut cc.configure_mesh())
        .x_labels(tick_count(plot_width, st.px(60.0)))
        .y_labels(tick_count(plot_height, st.px(36.0)))
        .x_label_formatter(&|x| pct(*x))
        .y_label_formatter(&|y| pct(*y))
        .x_desc(x_desc)
        .y_desc(y_desc)
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

    let (plot_left, plot_top) = cc.backend_coord(&(lo, hi));
    let (plot_right, plot_bottom) = cc.backend_coord(&(hi, lo));
    let style = st.value();
    let labels: Vec<String> = rows.iter().map(|r| format!("#{}", r.rank)).collect();
    let widths: Vec<i32> = labels.iter().map(|l| text_width(root, l, &style)).collect();
    let placed = place_labels(
        &points,
        &widths,
        LabelGeometry {
            height: st.px(VALUE_SIZE + 4.0),
            radius,
            gap: st.px(4.0),
            plot: (plot_left, plot_top, plot_right, plot_bottom),
        },
    );
    for ((text, &(px, py)), placed) in labels.into_iter().zip(&points).zip(placed) {
        let b = placed.bounds;
        let centre_of_label = ((b.0 + b.2) / 2, (b.1 + b.3) / 2);
        if placed.leader {
            root.draw(&PathElement::new(
                vec![(px, py), centre_of_label],
                st.stroke(1.0, MUTED),
            ))?;
            // The line stops at the label's edge: a white backing hides it.
            root.draw(&Rectangle::new([(b.0, b.1), (b.2, b.3)], WHITE.filled()))?;
        }
        root.draw(&Text::new(text, centre_of_label, style.pos(centre())))?;
    }

    // The key, aligned with the top of the plot.
    let x = body.get_base_pixel().0 + body_width - key_width;
    let mut y = plot_top;
    for (r, (rank, lines)) in rows.iter().zip(&key) {
        root.draw(&Circle::new(
            (x + swatch / 2, y + line / 2),
            swatch / 2,
            colour_of(&r.package).filled(),
        ))?;
        root.draw(&Text::new(
            rank.clone(),
            (x + swatch + st.px(6.0), y + line / 2),
            key_style.pos(left_centre()),
        ))?;
        for text in lines {
            root.draw(&Text::new(
                text.clone(),
                (x + swatch + st.px(6.0) + rank_width, y + line / 2),
                key_style.pos(left_centre()),
            ))?;
            y += line;
        }
        y += st.px(4.0);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GEOMETRY: LabelGeometry = LabelGeometry {
        height: 14,
        radius: 5,
        gap: 3,
        plot: (0, 0, 400, 300),
    };

    #[test]
    fn a_label_beside_a_point_is_nearest_to_it_and_others_get_leaders() {
        // A tight cluster, as packages with similar hold rates give on a
        // small canvas, and a lone point.
        let points = [(200, 100), (207, 100), (203, 106), (210, 105), (60, 250)];
        let widths = [18; 5];
        let placed = place_labels(&points, &widths, GEOMETRY);
        for (i, label) in placed.iter().enumerate() {
            let b = &label.bounds;
            assert!(
                b.0 >= 0 && b.2 <= 400 && b.1 >= 0 && b.3 <= 300,
                "{label:?}"
            );
            for (j, p) in points.iter().enumerate() {
                let dot = (p.0 - 5, p.1 - 5, p.0 + 5, p.1 + 5);
                assert!(!overlaps(b, &dot), "label {i} covers point {j}");
                if j != i && !label.leader {
                    assert!(
                        distance_squared(b, points[i]) < distance_squared(b, *p),
                        "label {i} beside point {i} is as near to point {j}"
                    );
                }
            }
            for (j, other) in placed.iter().enumerate().skip(i + 1) {
                assert!(!overlaps(b, &other.bounds), "labels {i} and {j} overlap");
            }
        }
        assert!(!placed[4].leader, "a lone point's label sits beside it");
        // The middle of a 3x3 grid has no room beside it: its label goes
        // further out, with a leader line.
        let mut grid: Vec<(i32, i32)> = (0..9)
            .map(|k| (200 + 14 * (k % 3), 100 + 14 * (k / 3)))
            .collect();
        grid.swap(0, 4);
        let placed = place_labels(&grid, &[18; 9], GEOMETRY);
        assert!(placed[0].leader, "{:?}", placed[0]);
    }
}
