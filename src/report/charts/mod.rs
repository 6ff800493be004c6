//! Charts drawn with plotters from the result tables and the manifest
//! only, so `guarantee-sim chart DIR` redraws them from the CSV files,
//! byte for byte the same as the run wrote.
//!
//! Each chart is written as a PNG at twice its logical size (sharp on
//! slides) and as an SVG at its logical size (for the HTML report and for
//! editing). Text uses the DejaVu fonts compiled into the binary; the SVG
//! draws it as their glyph outlines (see `svg_text`), so no viewer
//! substitutes a font of its own.

pub(crate) mod bars;
mod guarantors;
mod heatmap;
mod hold_rate;
mod measure;
mod outcomes;
pub mod peeling;
mod robustness;
pub(crate) mod style;
mod survival;
mod svg_text;
pub mod sweep;
pub mod tornado;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::atomic::write_atomic;
use super::manifest::Manifest;
use super::tables::{Among, Tables};
use super::views::guarantor_package;
use super::{Output, ReportContext, ReportError};
use style::{Drawn, Style};

pub use heatmap::viridis;
pub use measure::{TextBox, text_boxes};
pub use style::{footer_text, register_fonts};

/// Axis titles, exported so tests and the reports can refer to them.
pub mod axis {
    pub use super::guarantors::X_DESC as HONOUR_RATE;
    pub use super::hold_rate::X_DESC as HOLD_RATE;
    pub use super::outcomes::X_DESC as SHARE_OF_RUNS;
    pub use super::robustness::{X_DESC as WORST_CASE, Y_DESC as MEAN};
    pub use super::survival::{X_DESC as MONTHS, Y_DESC as NO_MAJOR_OFFENSIVE};
}

/// File-name prefixes of the charts the exploration commands draw (the
/// run's charts are named by [`ChartKind`]).
pub const EXPLORATION_CHART_PREFIXES: [&str; 3] = [tornado::PREFIX, peeling::PREFIX, sweep::PREFIX];

/// Folder of the charts inside a run's output folder.
pub const CHARTS_DIR: &str = "charts";

/// The smallest and largest logical sizes the charts are laid out for
/// (and the `chart` command accepts): below 640x400 text would have to
/// shrink past reading size on a slide.
pub const MIN_WIDTH: u32 = 640;
pub const MIN_HEIGHT: u32 = 400;
pub const MAX_SIDE: u32 = 4000;

/// PNG pixels per logical pixel.
pub const PNG_SCALE: u32 = 2;

/// A file format of the charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Png,
    Svg,
}

impl ChartFormat {
    pub const ALL: [ChartFormat; 2] = [ChartFormat::Png, ChartFormat::Svg];

    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
        }
    }
}

impl FromStr for ChartFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "png" => Ok(ChartFormat::Png),
            "svg" => Ok(ChartFormat::Svg),
            _ => Err(format!("unknown chart format `{s}` (expected png or svg)")),
        }
    }
}

/// A kind of chart; some kinds give one chart per scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Hold rate by package with 95% intervals, one chart per scenario.
    HoldRate,
    /// Package × scenario grid of hold rates.
    Heatmap,
    /// Time to the first major offensive among accepted runs, one chart
    /// per scenario.
    Survival,
    /// The same over all runs, a rejection counted as a breakdown at
    /// month 0, one chart per scenario.
    SurvivalAllRuns,
    /// How runs end (stacked shares), one chart per scenario.
    Outcomes,
    /// Honour rates by country for one package, pooled across scenarios.
    Guarantors,
    /// Worst-case against mean hold rate.
    Robustness,
}

impl ChartKind {
    /// In the order the report shows them.
    pub const ALL: [ChartKind; 7] = [
        ChartKind::Heatmap,
        ChartKind::Robustness,
        ChartKind::HoldRate,
        ChartKind::Survival,
        ChartKind::SurvivalAllRuns,
        ChartKind::Outcomes,
        ChartKind::Guarantors,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ChartKind::HoldRate => "hold-rate",
            ChartKind::Heatmap => "heatmap",
            ChartKind::Survival => "survival",
            ChartKind::SurvivalAllRuns => "survival-all-runs",
            ChartKind::Outcomes => "outcomes",
            ChartKind::Guarantors => "guarantors",
            ChartKind::Robustness => "robustness",
        }
    }
}

impl fmt::Display for ChartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ChartKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChartKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                // The value is not repeated (clap shows it), and the list
                // gets a line of its own, so the message stays narrow.
                let names: Vec<&str> = ChartKind::ALL.iter().map(|k| k.name()).collect();
                let hint = crate::scenario::suggest::did_you_mean(s, &names)
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                format!("not a chart{hint}\n  expected one of: {}", names.join(", "))
            })
    }
}

/// What to draw and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    pub formats: Vec<ChartFormat>,
    /// Logical size in pixels; the PNG has [`PNG_SCALE`] times as many.
    pub width: u32,
    pub height: u32,
    pub which: Vec<ChartKind>,
    /// Package of the guarantor chart; default `paris-draft` if present,
    /// else the best-ranked package whose guarantors were called.
    pub guarantor_package: Option<String>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            formats: ChartFormat::ALL.to_vec(),
            width: 1200,
            height: 675,
            which: ChartKind::ALL.to_vec(),
            guarantor_package: None,
        }
    }
}

/// One chart to draw: its kind, the scenario or package it shows, and
/// the file name without extension.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub scenario: Option<String>,
    pub package: Option<String>,
    pub stem: String,
}

impl ChartSpec {
    /// A heading for the chart in a report.
    pub fn heading(&self) -> String {
        let scenario = self.scenario.as_deref().unwrap_or_default();
        match self.kind {
            ChartKind::Heatmap => "Hold rate by package and scenario".to_string(),
            ChartKind::Robustness => "Robustness: worst case against average".to_string(),
            ChartKind::HoldRate => format!("Hold rate by package: {scenario}"),
            ChartKind::Survival => {
                format!("Time to the first major offensive, accepted runs: {scenario}")
            }
            ChartKind::SurvivalAllRuns => {
                format!("Time to the first major offensive, all runs: {scenario}")
            }
            ChartKind::Outcomes => format!("How runs end: {scenario}"),
            ChartKind::Guarantors => format!(
                "Guarantor honour rates: {} (pooled across scenarios)",
                self.package.as_deref().unwrap_or_default()
            ),
        }
    }
}

/// A file-name-safe form of an id.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The charts `options` asks for, given what the tables hold.
pub fn plan(tables: &Tables, options: &ChartOptions) -> Result<Vec<ChartSpec>, ReportError> {
    let scenarios = tables.scenarios();
    let mut specs = Vec::new();
    for kind in ChartKind::ALL {
        if !options.which.contains(&kind) {
            continue;
        }
        match kind {
            ChartKind::Heatmap | ChartKind::Robustness => specs.push(ChartSpec {
                kind,
                scenario: None,
                package: None,
                stem: kind.name().to_string(),
            }),
            ChartKind::HoldRate
            | ChartKind::Survival
            | ChartKind::SurvivalAllRuns
            | ChartKind::Outcomes => {
                for s in &scenarios {
                    specs.push(ChartSpec {
                        kind,
                        scenario: Some(s.clone()),
                        package: None,
                        stem: format!("{}-{}", kind.name(), file_safe(s)),
                    });
                }
            }
            ChartKind::Guarantors => {
                let requested = options.guarantor_package.as_deref();
                if let Some(p) = requested {
                    if !tables.guarantors.iter().any(|g| g.package == p) {
                        return Err(ReportError::Chart {
                            path: PathBuf::from(CHARTS_DIR)
                                .join(format!("guarantors-{}", file_safe(p))),
                            message: format!(
                                "package `{p}` has no guarantor records (packages with guarantors: {})",
                                packages_with_guarantors(tables).join(", ")
                            ),
                        });
                    }
                }
                // No package has guarantor records: there is nothing to draw.
                if let Some(p) = guarantor_package(tables, requested) {
                    specs.push(ChartSpec {
                        kind,
                        scenario: None,
                        stem: format!("guarantors-{}", file_safe(&p)),
                        package: Some(p),
                    });
                }
            }
        }
    }
    Ok(specs)
}

fn packages_with_guarantors(tables: &Tables) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in &tables.guarantors {
        if !out.contains(&g.package) {
            out.push(g.package.clone());
        }
    }
    out
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    ctx: &ReportContext<'_>,
    spec: &ChartSpec,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (t, m) = (ctx.tables, ctx.manifest);
    let scenario = spec.scenario.as_deref().unwrap_or_default();
    match spec.kind {
        ChartKind::HoldRate => bars::draw_bars(root, st, m, &hold_rate::chart(t, scenario)),
        ChartKind::Outcomes => bars::draw_bars(root, st, m, &outcomes::chart(t, scenario)),
        ChartKind::Guarantors => {
            let package = spec.package.as_deref().unwrap_or_default();
            bars::draw_bars(root, st, m, &guarantors::chart(t, package))
        }
        ChartKind::Heatmap => heatmap::draw(root, st, m, t),
        ChartKind::Survival => survival::draw(root, st, m, t, scenario, Among::AcceptedRuns),
        ChartKind::SurvivalAllRuns => survival::draw(root, st, m, t, scenario, Among::AllRuns),
        ChartKind::Robustness => robustness::draw(root, st, m, t),
    }
}

fn chart_error(spec: &ChartSpec, format: ChartFormat, message: String) -> ReportError {
    ReportError::Chart {
        path: PathBuf::from(CHARTS_DIR).join(format!("{}.{}", spec.stem, format.extension())),
        message,
    }
}

/// Draws a chart as SVG text at the logical size.
pub fn render_svg(
    ctx: &ReportContext<'_>,
    spec: &ChartSpec,
    width: u32,
    height: u32,
) -> Result<String, ReportError> {
    register_fonts();
    let mut svg = String::new();
    let texts = svg_text::Texts::default();
    {
        let root = svg_text::OutlinedText {
            inner: SVGBackend::with_string(&mut svg, (width, height)),
            texts: texts.clone(),
        }
        .into_drawing_area();
        draw(&root, &Style::for_canvas(width, height, 1.0), ctx, spec)
            .map_err(|e| chart_error(spec, ChartFormat::Svg, e.0))?;
        root.present()
            .map_err(|e| chart_error(spec, ChartFormat::Svg, e.to_string()))?;
    }
    Ok(svg_text::finish(&svg, &texts, &spec.stem))
}

/// Draws a chart as PNG bytes at [`PNG_SCALE`] times the logical size.
pub fn render_png(
    ctx: &ReportContext<'_>,
    spec: &ChartSpec,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, ReportError> {
    register_fonts();
    let (w, h) = (width * PNG_SCALE, height * PNG_SCALE);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(
            &root,
            &Style::for_canvas(width, height, f64::from(PNG_SCALE)),
            ctx,
            spec,
        )
        .map_err(|e| chart_error(spec, ChartFormat::Png, e.0))?;
        root.present()
            .map_err(|e| chart_error(spec, ChartFormat::Png, e.to_string()))?;
    }
    encode_png(&pixels, w, h).map_err(|e| chart_error(spec, ChartFormat::Png, e.to_string()))
}

/// Draws one chart with `draw` in every format of `options` into
/// `<dir>/charts/<stem>.<ext>`, atomically; for charts outside the run's
/// tables (the exploration commands').
pub fn write_chart(
    dir: &Path,
    stem: &str,
    options: &ChartOptions,
    draw: &dyn Fn(&DrawingArea<SVGBackend<'_>, Shift>, &Style) -> Drawn,
    draw_png: &dyn Fn(&DrawingArea<BitMapBackend<'_>, Shift>, &Style) -> Drawn,
) -> Result<Vec<PathBuf>, ReportError> {
    register_fonts();
    let charts_dir = dir.join(CHARTS_DIR);
    std::fs::create_dir_all(&charts_dir).map_err(ReportError::io(&charts_dir))?;
    let (width, height) = (options.width, options.height);
    let mut written = Vec::new();
    for &format in &options.formats {
        let path = charts_dir.join(format!("{stem}.{}", format.extension()));
        let error = |message: String| ReportError::Chart {
            path: path.clone(),
            message,
        };
        let bytes = match format {
            ChartFormat::Svg => {
                let mut svg = String::new();
                {
                    let root =
                        SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                    draw(&root, &Style { scale: 1.0 }).map_err(|e| error(e.0))?;
                    root.present().map_err(|e| error(e.to_string()))?;
                }
                svg.into_bytes()
            }
            ChartFormat::Png => {
                let (w, h) = (width * PNG_SCALE, height * PNG_SCALE);
                let mut pixels = vec![0u8; w as usize * h as usize * 3];
                {
                    let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
                    let style = Style {
                        scale: f64::from(PNG_SCALE),
                    };
                    draw_png(&root, &style).map_err(|e| error(e.0))?;
                    root.present().map_err(|e| error(e.to_string()))?;
                }
                encode_png(&pixels, w, h).map_err(|e| error(e.to_string()))?
            }
        };
        write_atomic(&path, &bytes).map_err(ReportError::io(&path))?;
        written.push(path);
    }
    Ok(written)
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// The charts as an output format: files in `<dir>/charts/`.
#[derive(Debug, Clone, Default)]
pub struct Charts {
    pub options: ChartOptions,
}

impl Output<ReportContext<'_>> for Charts {
    fn name(&self) -> &'static str {
        "charts"
    }

    fn write(&self, ctx: &ReportContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let charts_dir = dir.join(CHARTS_DIR);
        std::fs::create_dir_all(&charts_dir).map_err(ReportError::io(&charts_dir))?;
        let (w, h) = (self.options.width, self.options.height);
        let mut written = Vec::new();
        for spec in plan(ctx.tables, &self.options)? {
            for &format in &self.options.formats {
                let bytes = match format {
                    ChartFormat::Png => render_png(ctx, &spec, w, h)?,
                    ChartFormat::Svg => render_svg(ctx, &spec, w, h)?.into_bytes(),
                };
                let path = charts_dir.join(format!("{}.{}", spec.stem, format.extension()));
                write_atomic(&path, &bytes).map_err(ReportError::io(&path))?;
                written.push(path);
            }
        }
        Ok(written)
    }
}

/// Redraws the charts of a finished run from its CSV tables and
/// `manifest.json`, without simulating again.
pub fn render_from_dir(dir: &Path, options: &ChartOptions) -> Result<Vec<PathBuf>, ReportError> {
    let tables = Tables::load(dir)?;
    let manifest = Manifest::load(dir)?;
    let ctx = ReportContext {
        tables: &tables,
        manifest: &manifest,
    };
    Charts {
        options: options.clone(),
    }
    .write(&ctx, dir)
}
