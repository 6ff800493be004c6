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
/// `scale` (2 for the PNG, 1 for the SVG, times [`Style::shrink`] on a
/// smaller canvas).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub scale: f64,
}

/// The canvas the logical sizes are designed for.
pub const DESIGN_SIZE: (f64, f64) = (1200.0, 675.0);

/// The smallest factor text and spacing shrink by: below it text would be
/// too small to read on a slide, so layouts drop or abbreviate labels.
pub const MIN_SHRINK: f64 = 0.7;

impl Style {
    /// The style of a `width` x `height` logical canvas drawn at
    /// `pixels_per_logical` output pixels per logical pixel.
    pub fn for_canvas(width: u32, height: u32, pixels_per_logical: f64) -> Style {
        Style {
            scale: pixels_per_logical * Style::shrink(width, height),
        }
    }

    /// How much a canvas smaller than [`DESIGN_SIZE`] shrinks text and
    /// spacing (a larger one keeps them: more room, same type size).
    pub fn shrink(width: u32, height: u32) -> f64 {
        (f64::from(width) / DESIGN_SIZE.0)
            .min(f64::from(height) / DESIGN_SIZE.1)
            .clamp(MIN_SHRINK, 1.0)
    }

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
/// area left for the chart body. Each of the three wraps at spaces to the
/// canvas width, so a long scenario name or file path stays on the canvas.
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
    frame_with_footer(
        root,
        st,
        title,
        subtitle,
        &footer_text(manifest),
        manifest.status == RunStatus::Partial,
    )
}

/// [`frame`] with a footer of the caller's (a chart not drawn from one
/// run's manifest, such as the comparison of two files), marked as partial
/// when `partial`.
pub fn frame_with_footer<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    title: &str,
    subtitle: &str,
    footer: &str,
    partial: bool,
) -> Drawn<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (width, height) = root.dim_in_pixel();
    let m = st.px(MARGIN);
    let text_width_available = width as i32 - 2 * m;
    let marker = "PARTIAL RUN (interrupted)";
    let marker_style = st.bold(SUBTITLE_SIZE).color(&WARNING);
    // The marker sits at the top right; the title wraps before reaching it.
    let title_width = if partial {
        text_width_available - text_width(root, marker, &marker_style) - st.px(16.0)
    } else {
        text_width_available
    };
    let mut y = TOP;
    y = draw_lines(
        root,
        st,
        title,
        &st.title(),
        title_width,
        y,
        TITLE_SIZE + 6.0,
    )?;
    y += 2.0;
    y = draw_lines(
        root,
        st,
        subtitle,
        &st.subtitle(),
        text_width_available,
        y,
        SUBTITLE_SIZE + 5.0,
    )?;
    let footer = wrap(root, footer, &st.footer(), text_width_available);
    let footer_line = FOOTER_SIZE + 4.0;
    for (i, line) in footer.iter().rev().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (m, height as i32 - st.px(12.0 + footer_line * i as f64)),
            st.footer().pos(left_bottom()),
        ))?;
    }
    if partial {
        root.draw(&Text::new(
            marker.to_string(),
            (width as i32 - m, st.px(TOP)),
            marker_style.pos(Pos::new(HPos::Right, VPos::Top)),
        ))?;
    }
    let top = y + 8.0;
    let foot = 12.0 + footer_line * footer.len() as f64 + 10.0;
    Ok(root.margin(st.px(top), st.px(foot), st.px(MARGIN), st.px(MARGIN)))
}

/// Distance of the title from the top edge, in logical pixels.
const TOP: f64 = 16.0;

/// Draws `text` wrapped to `max_width` from logical height `y` down, one
/// line every `line_height`; returns the logical height below the last.
fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    text: &str,
    style: &TextStyle<'_>,
    max_width: i32,
    y: f64,
    line_height: f64,
) -> Drawn<f64>
where
    DB::ErrorType: 'static,
{
    let lines = wrap(root, text, style, max_width);
    for (i, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (st.px(MARGIN), st.px(y + line_height * i as f64)),
            style.pos(left_top()),
        ))?;
    }
    Ok(y + line_height * lines.len() as f64)
}

/// Something a chart names: its display name, and its id to fall back on
/// where the name does not fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub name: String,
    pub id: String,
}

impl Name {
    pub fn new(name: &str, id: &str) -> Name {
        let name = if name.trim().is_empty() { id } else { name };
        Name {
            name: name.to_string(),
            id: id.to_string(),
        }
    }

    /// The lines to draw in at most `max_width` pixels and `max_lines`
    /// lines: the display name, wrapped; else the id; else the id cut
    /// short with an ellipsis.
    pub fn fit<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        style: &TextStyle<'_>,
        max_width: i32,
        max_lines: usize,
    ) -> Vec<String> {
        let lines = wrap(area, &self.name, style, max_width);
        if lines.len() <= max_lines.max(1)
            && lines
                .iter()
                .all(|l| text_width(area, l, style) <= max_width)
        {
            return lines;
        }
        vec![shorten(area, &self.id, style, max_width)]
    }
}

/// `text`, cut at the end with an ellipsis until it is at most
/// `max_width` pixels wide.
pub fn shorten<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_width: i32,
) -> String {
    if text_width(area, text, style) <= max_width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>() + "…";
        if text_width(area, &candidate, style) <= max_width {
            return candidate;
        }
    }
    "…".to_string()
}

/// The first of `texts` (longest first) no wider than `max_width` pixels,
/// else the last.
pub fn fitting<'t, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    texts: &[&'t str],
    style: &TextStyle<'_>,
    max_width: i32,
) -> &'t str {
    texts
        .iter()
        .find(|t| text_width(area, t, style) <= max_width)
        .or(texts.last())
        .copied()
        .unwrap_or_default()
}

/// How many tick labels an axis `length` pixels long has room for, one
/// per `spacing` pixels (at least 2, at most 11: every 10%).
pub fn tick_count(length: i32, spacing: i32) -> usize {
    (length / spacing.max(1) + 1).clamp(2, 11) as usize
}

/// Width in pixels of the widest of `lines`.
pub fn widest<'l, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: impl IntoIterator<Item = &'l String>,
    style: &TextStyle<'_>,
) -> i32 {
    lines
        .into_iter()
        .map(|l| text_width(area, l, style))
        .max()
        .unwrap_or(0)
}

/// Draws a label of one or more lines right-aligned at `x`, the block
/// centred on `y`, one line every `line` pixels.
pub fn draw_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[String],
    (x, y): (i32, i32),
    line: i32,
    style: &TextStyle<'_>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let first = y - (lines.len() as i32 - 1) * line / 2;
    for (k, text) in lines.iter().enumerate() {
        root.draw(&Text::new(
            text.clone(),
            (x, first + k as i32 * line),
            style.pos(right_centre()),
        ))?;
    }
    Ok(())
}

/// Height of one line of text in `size` (logical) with its spacing.
pub fn line_height(size: f64) -> f64 {
    size * 1.3
}

/// Splits `text` into lines no wider than `max_width` pixels, at spaces.
pub fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_width: i32,
) -> Vec<String> {
    fill_lines(area, text.split(' '), " ", style, max_width)
}

/// Splits an id into lines no wider than `max_width` pixels, after its
/// hyphens (a part without one stays whole, however wide).
pub fn break_after_hyphens<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    id: &str,
    style: &TextStyle<'_>,
    max_width: i32,
) -> Vec<String> {
    fill_lines(area, id.split_inclusive('-'), "", style, max_width)
}

/// Fills lines with `pieces`, joined by `joiner`, each line no wider than
/// `max_width` unless one piece alone is.
fn fill_lines<'t, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pieces: impl Iterator<Item = &'t str>,
    joiner: &str,
    style: &TextStyle<'_>,
    max_width: i32,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let candidate = if line.is_empty() {
            piece.to_string()
        } else {
            format!("{line}{joiner}{piece}")
        };
        if !line.is_empty() && text_width(area, &candidate, style) > max_width {
            lines.push(std::mem::replace(&mut line, piece.to_string()));
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
