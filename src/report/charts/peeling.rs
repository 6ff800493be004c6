//! The peeling trade-off of scenario discovery: each box of the peeling
//! trajectory by the share of all failures it covers (x) and the share of
//! its runs that fail (y); the selected box is marked.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::*;
use super::{ChartOptions, file_safe, write_chart};
use crate::report::{Manifest, ReportError};

/// File names of peeling charts start with this.
pub const PREFIX: &str = "peeling";

pub const X_DESC: &str = "coverage: share of all failures inside the box";
pub const Y_DESC: &str = "density: share of the box's runs that fail";

/// One box of the trajectory.
#[derive(Debug, Clone, Copy)]
pub struct TradeOff {
    pub coverage: f64,
    pub density: f64,
}

/// File stem of the chart of `package`.
pub fn stem(package: &str) -> String {
    format!("{PREFIX}-{}", file_safe(package))
}

/// Draws `charts/peeling-<package>.png` and `.svg`.
pub fn write(
    dir: &Path,
    options: &ChartOptions,
    manifest: &Manifest,
    package: &str,
    trajectory: &[TradeOff],
    selected: usize,
) -> Result<Vec<PathBuf>, ReportError> {
    write_chart(
        dir,
        &stem(package),
        options,
        &|root, st| draw(root, st, manifest, package, trajectory, selected),
        &|root, st| draw(root, st, manifest, package, trajectory, selected),
    )
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    manifest: &Manifest,
    package: &str,
    trajectory: &[TradeOff],
    selected: usize,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let body = frame(
        root,
        st,
        &format!("When does {package} fail? The peeling trade-off"),
        "Each point is a box of conditions, from all runs (right) to ever narrower boxes (left); the ringed box is the one reported first",
        manifest,
    )?;
    let mut cc = ChartBuilder::on(&body)
        .margin_right(st.px(24.0))
        .margin_top(st.px(8.0))
        .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
        .y_label_area_size(st.px(TICK_SIZE * 3.0 + AXIS_LABEL_SIZE + 24.0))
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    st.axes(&mut cc.configure_mesh())
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|x| pct(*x))
        .y_label_formatter(&|y| pct(*y))
        .x_desc(X_DESC)
        .y_desc(Y_DESC)
        .label_style(st.tick())
        .draw()?;
    let colour = series_colour(0);
    cc.draw_series(std::iter::once(PathElement::new(
        trajectory
            .iter()
            .map(|b| (b.coverage, b.density))
            .collect::<Vec<_>>(),
        st.stroke(2.0, colour),
    )))?;
    cc.draw_series(
        trajectory
            .iter()
            .map(|b| Circle::new((b.coverage, b.density), st.px(3.5), colour.filled())),
    )?;
    if let Some(b) = trajectory.get(selected) {
        cc.draw_series(std::iter::once(Circle::new(
            (b.coverage, b.density),
            st.px(9.0),
            st.stroke(2.5, okabe_ito::VERMILLION),
        )))?;
        // The label sits on the side with room, above the ring.
        let side = if b.coverage > 0.5 {
            HPos::Right
        } else {
            HPos::Left
        };
        let (x, y) = cc.backend_coord(&(b.coverage, b.density));
        root.draw(&Text::new(
            format!(
                "reported: {} of failures, {} fail",
                pct(b.coverage),
                pct(b.density)
            ),
            (x, y - st.px(12.0)),
            st.value().pos(Pos::new(side, VPos::Bottom)),
        ))?;
    }
    Ok(())
}
