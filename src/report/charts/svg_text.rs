//! SVG charts whose text is drawn from the embedded DejaVu outlines, so an
//! SVG looks the same on a machine without DejaVu as on one with it, and
//! its text lands exactly where the PNG's does.
//!
//! plotters' SVG backend writes `<text font-family="sans-serif">`, which a
//! viewer renders with whatever font it has. This backend passes every
//! shape through to it but keeps the texts, and [`finish`] adds them to
//! the SVG: each glyph used once in `<defs>` (in font units), each text a
//! group of `<use>`s placed as plotters places glyphs in a bitmap, plus an
//! invisible `<text>` over it so the words stay searchable, selectable and
//! readable by screen readers.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::rc::Rc;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, ScaleFont};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
    FontTransform,
};
use sha2::{Digest, Sha256};

use super::measure::layout_box;

/// One text as plotters asked for it, resolved to glyph placements.
struct PlacedText {
    text: String,
    colour: BackendColor,
    /// `translate(..) rotate(..)` of the text's anchor.
    frame: String,
    size: f64,
    face: Face,
    /// Pixels per font unit.
    scale: f32,
    /// Top-left corner of the text's layout box, in the text's frame.
    origin: (i32, i32),
    /// The baseline's height in the text's frame.
    baseline: f32,
    width: i32,
    height: i32,
    glyphs: Vec<PlacedGlyph>,
}

struct PlacedGlyph {
    id: u16,
    /// Pen position of the glyph's origin from the text's start, in font
    /// units.
    x: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Face {
    Regular,
    Bold,
}

impl Face {
    fn of(style: FontStyle) -> Face {
        match style {
            FontStyle::Bold => Face::Bold,
            _ => Face::Regular,
        }
    }
    fn font(self) -> FontRef<'static> {
        let bytes = match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
        };
        // The same bytes plotters registered; they parse (see register_fonts).
        FontRef::try_from_slice(bytes).expect("the embedded DejaVu fonts must parse")
    }
    fn tag(self) -> &'static str {
        match self {
            Face::Regular => "r",
            Face::Bold => "b",
        }
    }
}

/// Texts kept while a chart is drawn.
#[derive(Default, Clone)]
pub struct Texts(Rc<RefCell<Vec<PlacedText>>>);

/// A backend that draws shapes with `inner` and keeps texts in `texts`.
pub struct OutlinedText<B> {
    pub inner: B,
    pub texts: Texts,
}

impl<B: DrawingBackend> DrawingBackend for OutlinedText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        colour: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, colour)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        centre: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(centre, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vertices, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if style.color().alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let layout = layout_box(text, style)?;
        let (origin, width, height) = (layout.origin, layout.width, layout.height);
        let face = Face::of(style.style());
        let font = face.font();
        let size = style.size() as f32;
        let scaled = font.as_scaled(size);
        let scale = scaled.h_scale_factor();
        // The baseline is half the size below the layout box's top, as in
        // plotters' bitmap text. Glyphs stand at their exact pen positions:
        // the bitmap rounds each to whole pixels and drops side bearings,
        // which shows as uneven spacing at 1x but stays within a pixel of
        // the same layout.
        let baseline = origin.1 as f32 + size / 2.0;
        let mut glyphs = Vec::new();
        let mut pen = 0f32;
        let mut previous: Option<GlyphId> = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                pen += scaled.kern(p, id);
            }
            previous = Some(id);
            if font.outline(id).is_some() {
                glyphs.push(PlacedGlyph {
                    id: id.0,
                    x: pen / scale,
                });
            }
            pen += scaled.h_advance(id);
        }
        let degrees = match style.transform() {
            FontTransform::None => 0,
            FontTransform::Rotate90 => 90,
            FontTransform::Rotate180 => 180,
            FontTransform::Rotate270 => -90,
        };
        let frame = if degrees == 0 {
            format!("translate({} {})", pos.0, pos.1)
        } else {
            format!("translate({} {}) rotate({degrees})", pos.0, pos.1)
        };
        self.texts.0.borrow_mut().push(PlacedText {
            text: text.to_string(),
            colour: style.color(),
            frame,
            size: style.size(),
            face,
            scale,
            origin,
            baseline,
            width,
            height,
            glyphs,
        });
        Ok(())
    }
}

/// A glyph's outline in font units, y up, as SVG path data.
fn glyph_path(font: &FontRef<'_>, id: u16) -> String {
    let mut d = String::new();
    let Some(outline) = font.outline(GlyphId(id)) else {
        return d;
    };
    let mut at: Option<ab_glyph::Point> = None;
    let p = |q: ab_glyph::Point| format!("{} {}", q.x, q.y);
    for curve in &outline.curves {
        let (start, end) = match curve {
            OutlineCurve::Line(a, b)
            | OutlineCurve::Quad(a, _, b)
            | OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
        };
        if at != Some(start) {
            if at.is_some() {
                d.push('Z');
            }
            let _ = write!(d, "M{}", p(start));
        }
        let _ = match curve {
            OutlineCurve::Line(_, b) => write!(d, "L{}", p(*b)),
            OutlineCurve::Quad(_, c, b) => write!(d, "Q{} {}", p(*c), p(*b)),
            OutlineCurve::Cubic(_, c1, c2, b) => write!(d, "C{} {} {}", p(*c1), p(*c2), p(*b)),
        };
        at = Some(end);
    }
    if at.is_some() {
        d.push('Z');
    }
    d
}

fn colour(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Adds the kept texts to a finished SVG, above everything else. `chart`
/// names the chart uniquely among those shown on one page: the glyph
/// definitions' ids derive from it, because SVGs inlined in HTML share one
/// id space.
pub fn finish(svg: &str, texts: &Texts, chart: &str) -> String {
    let digest = Sha256::digest(chart.as_bytes());
    let id = format!("g{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2]);
    let texts = texts.0.borrow();
    let mut used: BTreeMap<(Face, u16), ()> = BTreeMap::new();
    for t in texts.iter() {
        for g in &t.glyphs {
            used.insert((t.face, g.id), ());
        }
    }
    let mut out = String::from("<defs>\n");
    let (regular, bold) = (Face::Regular.font(), Face::Bold.font());
    for (face, glyph) in used.keys() {
        let font = match face {
            Face::Regular => &regular,
            Face::Bold => &bold,
        };
        let _ = writeln!(
            out,
            "<path id=\"{id}{}{glyph}\" d=\"{}\"/>",
            face.tag(),
            glyph_path(font, *glyph)
        );
    }
    out.push_str("</defs>\n");
    for t in texts.iter() {
        let opacity = if t.colour.alpha < 1.0 {
            format!(" opacity=\"{}\"", t.colour.alpha)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<g transform=\"{}\" fill=\"{}\"{opacity}>",
            t.frame,
            colour(t.colour)
        );
        let _ = write!(
            out,
            "<g transform=\"translate({} {}) scale({} -{})\">",
            t.origin.0, t.baseline, t.scale, t.scale
        );
        for g in &t.glyphs {
            let _ = write!(
                out,
                "<use href=\"#{id}{}{}\" x=\"{:.0}\"/>",
                t.face.tag(),
                g.id,
                g.x
            );
        }
        out.push_str("</g>\n");
        // The words themselves, invisible, over the glyphs: for search,
        // selection and screen readers.
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{:.2}\" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\" fill-opacity=\"0\">{}</text>\n</g>",
            t.origin.0,
            t.origin.1 + t.height * 4 / 5,
            t.size / 1.24,
            t.width.max(1),
            escape(&t.text)
        );
    }
    match svg.rfind("</svg>") {
        Some(end) => format!("{}{out}{}", &svg[..end], &svg[end..]),
        None => svg.to_string() + &out,
    }
}
