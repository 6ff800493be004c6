//! Where a chart's text lands: a drawing backend that draws nothing but
//! rasterises every text as the bitmap backend does and keeps the box of
//! its inked pixels, unclipped. Tests use it to prove that no label leaves
//! the canvas or covers another at any size the flags accept.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

use super::style::Style;
use super::{ChartSpec, chart_error, draw};
use crate::report::{ReportContext, ReportError};

/// The inked extent of one text, in logical pixels; `right` and `bottom`
/// are exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBox {
    pub text: String,
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
}

impl TextBox {
    /// Whether the two boxes share a pixel.
    pub fn overlaps(&self, other: &TextBox) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    /// Whether the box lies wholly on a `width` x `height` canvas.
    pub fn inside(&self, width: u32, height: u32) -> bool {
        self.left >= 0
            && self.top >= 0
            && self.right <= width as i32
            && self.bottom <= height as i32
    }
}

struct TextRecorder {
    size: (u32, u32),
    // Shared: the drawing area owns the backend until it is dropped.
    boxes: Rc<RefCell<Vec<TextBox>>>,
}

impl DrawingBackend for TextRecorder {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }
    // Shapes are not measured; skipping them keeps large canvases fast.
    fn draw_line<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: u32,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    /// Rasterises like plotters' default `draw_text` (which the bitmap
    /// backend uses), keeping the extent instead of painting.
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (dx, dy) = layout_box(text, style)?.origin;
        let transform = style.transform();
        let mut extent: Option<(i32, i32, i32, i32)> = None;
        style
            .draw(text, (0, 0), |x, y, colour| {
                if colour.alpha > 0.0 {
                    let (x, y) = transform.transform(x + dx, y + dy);
                    let (x, y) = (pos.0 + x, pos.1 + y);
                    extent = Some(match extent {
                        None => (x, y, x + 1, y + 1),
                        Some((l, t, r, b)) => (l.min(x), t.min(y), r.max(x + 1), b.max(y + 1)),
                    });
                }
                Ok::<(), Infallible>(())
            })
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?
            .map_err(DrawingErrorKind::DrawingError)?;
        if let Some((left, top, right, bottom)) = extent {
            self.boxes.borrow_mut().push(TextBox {
                text: text.to_string(),
                left,
                top,
                right,
                bottom,
            });
        }
        Ok(())
    }
}

/// A text's layout box as plotters places it.
pub struct LayoutBox {
    /// Top-left corner relative to the text's anchor point, before rotation.
    pub origin: (i32, i32),
    pub width: i32,
    pub height: i32,
}

/// The layout box of `text`: the placement of plotters' default
/// `draw_text`, which the bitmap backend uses.
pub fn layout_box<S: BackendTextStyle, E: std::error::Error + Send + Sync>(
    text: &str,
    style: &S,
) -> Result<LayoutBox, DrawingErrorKind<E>> {
    let ((min_x, min_y), (max_x, max_y)) = style
        .layout_box(text)
        .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
    let (width, height) = (max_x - min_x, max_y - min_y);
    let dx = match style.anchor().h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match style.anchor().v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    Ok(LayoutBox {
        origin: (dx - min_x, dy - min_y),
        width,
        height,
    })
}

/// The inked box of every text of a chart drawn at `width` x `height`
/// logical pixels (the SVG's size; the PNG is the same layout scaled).
pub fn text_boxes(
    ctx: &ReportContext<'_>,
    spec: &ChartSpec,
    width: u32,
    height: u32,
) -> Result<Vec<TextBox>, ReportError> {
    super::register_fonts();
    let boxes = Rc::new(RefCell::new(Vec::new()));
    let root = TextRecorder {
        size: (width, height),
        boxes: Rc::clone(&boxes),
    }
    .into_drawing_area();
    draw(&root, &Style::for_canvas(width, height, 1.0), ctx, spec)
        .map_err(|e| chart_error(spec, super::ChartFormat::Svg, e.0))?;
    drop(root);
    Ok(boxes.take())
}
