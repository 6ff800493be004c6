//! What every chart shares: the embedded fonts, the colour-blind-safe
//! palette, sizes in logical pixels scaled for the output, and the frame
//! (title, subtitle, footer with provenance).

use std::sync::Once;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use crate::report::{Manifest, RunStatus};

/// The family the charts ask for; registered from embedded DejaVu fonts so
/// text renders on machines with no fonts installed.
pub const FONT: &str = "sans-serif";

static FONTS: Once = Once::new();

/// Registers the embedded fonts (once per process).
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The fonts are compiled in; failing to parse them is a bug in the
        // build, not a condition a user can act on.
        let regular = register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let bold = register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
        assert!(
            regular.is_ok() && bold.is_ok(),
            "the embedded DejaVu fonts must parse"
        );
    });
}

/// Okabe-Ito colours (Okabe & Ito 2008), distinguishable with the common
/// colour-vision deficiencies.
pub mod okabe_ito {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
}

/// Series colours in the order they are handed out. Yellow comes last: it
/// is hard to see as a thin line on white.
pub const SERIES: [RGBColor; 8] = [
    okabe_ito::BLUE,
    okabe_ito::ORANGE,
    okabe_ito::BLUISH_GREEN,
    okabe_ito::VERMILLION,
    okabe_ito::REDDISH_PURPLE,
    okabe_ito::SKY_BLUE,
    okabe_ito::BLACK,
    okabe_ito::YELLOW,
];

/// Colour of the `i`-th series (package order of the tables, so a package
/// has the same colour in every chart).
pub fn series_colour(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

pub const TEXT: RGBColor = RGBColor(33, 33, 33);
pub const MUTED: RGBColor = RGBColor(100, 100, 100);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const EMPTY_SLOT: RGBColor = RGBColor(242, 242, 242);
pub const EMPTY_SLOT_BORDER: RGBColor = RGBColor(170, 170, 170);
pub const WARNING: RGBColor = RGBColor(180, 30, 30);

/// Sizes are given in logical pixels (a 1200x675 slide) and multiplied by
/// `scale` (2 for the PNG, 1 for the SVG).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub scale: f64,
}

impl Style {
    pub fn px(&self, logical: f64) -> i32 {
        (logical * self.scale).round() as i32
    }

    pub fn pxu(&self, logical: f64) -> u32 {
        self.px(logical).max(0) as u32
    }

    pub fn font(&self, logical_size: f64) -> TextStyle<'static> {
        (FONT, logical_size * self.scale).into_font().color(&TEXT)
    }

    pub fn bold(&self, logical_size: f64) -> TextStyle<'static> {
        // Built from the style tuple: `FontDesc::style` would keep the
        // regular face's glyphs and only change the SVG attribute.
        (FONT, logical_size * self.scale, FontStyle::Bold)
            .into_font()
            .color(&TEXT)
    }

    pub fn title(&self) -> TextStyle<'static> {
        self.bold(TITLE_SIZE)
    }
    pub fn subtitle(&self) -> TextStyle<'static> {
        self.font(SUBTITLE_SIZE).color(&MUTED)
    }
    pub fn axis_label(&self) -> TextStyle<'static> {
        self.font(AXIS_LABEL_SIZE)
    }
    pub fn tick(&self) -> TextStyle<'static> {
        self.font(TICK_SIZE)
    }
    pub fn value(&self) -> TextStyle<'static> {
        self.font(VALUE_SIZE)
    }
    pub fn footer(&self) -> TextStyle<'static> {
        self.font(FOOTER_SIZE).color(&MUTED)
    }

    pub fn stroke(&self, logical_width: f64, colour: RGBColor) -> ShapeStyle {
        colour.stroke_width(self.pxu(logical_width).max(1))
    }

    /// The house style of axes, axis titles, grid and tick marks, shared by
    /// every chart with axes (labels and ranges stay with each chart).
    pub fn axes<'m, 'a, 'b, X, Y, DB>(
        &self,
        mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    ) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
    where
        X: Ranged,
        Y: Ranged,
        DB: DrawingBackend,
    {
        mesh.axis_desc_style(self.axis_label())
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(self.stroke(1.0, MUTED))
            .set_all_tick_mark_size(self.px(5.0))
    }
}

// Logical font sizes: large enough to read on a projected slide.
pub const TITLE_SIZE: f64 = 26.0;
pub const SUBTITLE_SIZE: f64 = 17.0;
pub const AXIS_LABEL_SIZE: f64 = 19.0;
pub const TICK_SIZE: f64 = 17.0;
pub const VALUE_SIZE: f64 = 16.0;
pub const FOOTER_SIZE: f64 = 13.0;

/// Outer margin in logical pixels.
pub const MARGIN: f64 = 24.0;

/// Anchors for text placed by its left/right edge and vertical centre.
pub fn left_centre() -> Pos {
    Pos::new(HPos::Left, VPos::Center)
}
pub fn right_centre() -> Pos {
    Pos::new(HPos::Right, VPos::Center)
}
pub fn centre() -> Pos {
    Pos::new(HPos::Center, VPos::Center)
}
pub fn left_top() -> Pos {
    Pos::new(HPos::Left, VPos::Top)
}
pub fn left_bottom() -> Pos {
    Pos::new(HPos::Left, VPos::Bottom)
}

/// The provenance line under every chart.
pub fn footer_text(manifest: &Manifest) -> String {
    format!(
        "{} · seed {} · {} runs per package and scenario · guarantee-sim {} · exploratory model, not a forecast",
        manifest.scenario_file, manifest.seed, manifest.runs_completed, manifest.version
    )
}

/// A failure while drawing, as text (plotters' errors are generic over the
/// backend).
#[derive(Debug)]
pub struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

/// The result of drawing (part of) a chart.
pub type Drawn<T = ()> = Result<T, DrawError>;

/// Fills the canvas, draws title, subtitle and footer, and returns the
/// area left for the chart body.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    title: &str,
    subtitle: &str,
    manifest: &Manifest,
) -> Drawn<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    let body = frame_with_footer(root, st, title, subtitle, &footer_text(manifest))?;
    if manifest.status == RunStatus::Partial {
        let (width, _) = root.dim_in_pixel();
        root.draw(&Text::new(
            "PARTIAL RUN (interrupted)".to_string(),
            (width as i32 - st.px(MARGIN), st.px(16.0)),
            st.bold(SUBTITLE_SIZE)
                .color(&WARNING)
                .pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
    }
    Ok(body)
}

/// [`frame`] with a footer of the caller's (a chart not drawn from one
/// run's manifest, such as the comparison of two files).
pub fn frame_with_footer<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    title: &str,
    subtitle: &str,
    footer: &str,
) -> Drawn<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (width, height) = root.dim_in_pixel();
    let m = st.px(MARGIN);
    root.draw(&Text::new(
        title.to_string(),
        (m, st.px(16.0)),
        st.title().pos(left_top()),
    ))?;
    let lines = wrap(root, subtitle, &st.subtitle(), width as i32 - 2 * m);
    let line_height = SUBTITLE_SIZE + 5.0;
    for (i, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (m, st.px(16.0 + TITLE_SIZE + 8.0 + line_height * i as f64)),
            st.subtitle().pos(left_top()),
        ))?;
    }
    root.draw(&Text::new(
        footer.to_string(),
        (m, height as i32 - st.px(12.0)),
        st.footer().pos(left_bottom()),
    ))?;
    let top = 16.0 + TITLE_SIZE + 8.0 + line_height * lines.len() as f64 + 13.0;
    let foot = 12.0 + FOOTER_SIZE + 14.0;
    Ok(root.margin(st.px(top), st.px(foot), st.px(MARGIN), st.px(MARGIN)))
}

/// Splits `text` into lines no wider than `max_width` pixels, at spaces.
pub fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_width: i32,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(area, &candidate, style) > max_width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    lines
}

/// Width in pixels of `text` in `style` (an estimate from the font's
/// advances; good enough for layout).
pub fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> i32 {
    area.estimate_text_size(text, style)
        .map(|(w, _)| w as i32)
        .unwrap_or(0)
}

/// `0.62` → `62%`.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// `62% (58–66)`.
pub fn pct_interval(value: f64, lower: f64, upper: f64) -> String {
    format!(
        "{:.0}% ({:.0}–{:.0})",
        value * 100.0,
        lower * 100.0,
        upper * 100.0
    )
}
