//! A what-if against its base: `compare.csv`, a chart of the paired
//! differences (PNG and SVG) and `compare.html`, from the counts of
//! [`crate::batch::run_paired`] and the semantic diff of the two files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::ReportError;
use super::atomic::{AtomicFile, write_atomic};
use super::charts::style::*;
use super::charts::{ChartFormat, PNG_SCALE};
use super::html::escape;
use crate::batch::PairedWorlds;
use crate::batch::stats::{Estimate, PairedSums, wilson};
use crate::model::params::World;
use crate::scenario::diff::Change;

pub const COMPARE_CSV: &str = "compare.csv";
pub const COMPARE_HTML: &str = "compare.html";
pub const COMPARE_PNG: &str = "compare.png";
pub const COMPARE_SVG: &str = "compare.svg";

/// Every file `compare` writes into its output folder.
pub const COMPARE_FILES: [&str; 4] = [COMPARE_CSV, COMPARE_PNG, COMPARE_SVG, COMPARE_HTML];

/// The chart's file name in `format`.
fn chart_file(format: ChartFormat) -> &'static str {
    match format {
        ChartFormat::Png => COMPARE_PNG,
        ChartFormat::Svg => COMPARE_SVG,
    }
}

/// Marks a package the what-if changed, after its id, in text and charts.
pub const MODIFIED_MARK: &str = "*";

/// The columns of `compare.csv`, in order.
pub const COMPARE_COLUMNS: [&str; 20] = [
    "scenario",
    "package",
    "modified",
    "runs",
    "base_hold_rate",
    "whatif_hold_rate",
    "hold_diff",
    "hold_diff_lower",
    "hold_diff_upper",
    "hold_discordant_runs",
    "base_deterrence_rate",
    "whatif_deterrence_rate",
    "deterrence_diff",
    "deterrence_diff_lower",
    "deterrence_diff_upper",
    "deterrence_discordant_runs",
    "identical_inputs",
    "seed",
    "base_file",
    "whatif_file",
];

/// One package under one scenario, in both worlds.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub scenario: String,
    pub package: String,
    /// The what-if changed this package (a field of its entry, or what it
    /// compiles to).
    pub modified: bool,
    pub runs: u64,
    pub hold: Difference,
    pub deterrence: Difference,
    /// Every input of this cell is the same in both files: every run has
    /// the same outcome in both, so the difference is exactly 0.
    pub identical_inputs: bool,
}

/// A paired difference of two rates (what-if minus base).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub base_rate: f64,
    pub whatif_rate: f64,
    /// With Newcombe's paired interval; a point when the inputs are identical.
    pub diff: Estimate,
    /// Runs in which the two worlds disagreed.
    pub discordant: u64,
}

impl Difference {
    fn new(sums: &PairedSums, identical_inputs: bool) -> Option<Difference> {
        let n = sums.n;
        let whatif = wilson(sums.both + sums.only_x(), n)?.value;
        let base = wilson(sums.both + sums.only_y(), n)?.value;
        let diff = if identical_inputs && sums.sum_sq == 0 {
            // Same inputs and same random numbers: the same outcome in every
            // run, not a sample of a difference that could be otherwise.
            Estimate {
                value: 0.0,
                lower: 0.0,
                upper: 0.0,
            }
        } else {
            sums.estimate()?
        };
        Some(Difference {
            base_rate: base,
            whatif_rate: whatif,
            diff,
            discordant: sums.sum_sq,
        })
    }
}

/// Everything the outputs of `compare` show.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub base_file: String,
    pub whatif_file: String,
    pub seed: u64,
    /// Runs per package and scenario finished in both worlds.
    pub runs: u64,
    pub rows: Vec<CompareRow>,
    /// What the what-if changed, field by field.
    pub changes: Vec<Change>,
    /// Packages simulated in only one of the two worlds (new, removed or
    /// infeasible in the other): not compared.
    pub unmatched_packages: Vec<String>,
    pub complete: bool,
}

impl Comparison {
    /// Builds the comparison from the paired counts.
    pub fn new(
        files: (&str, &str),
        worlds: (&World, &World),
        seed: u64,
        paired: &PairedWorlds,
        changes: Vec<Change>,
    ) -> Comparison {
        let (base, whatif) = worlds;
        let changed = |id: &str| {
            changes.iter().any(|c| c.package() == Some(id))
                || match (base.package_index(id), whatif.package_index(id)) {
                    (Some(b), Some(w)) => base.packages[b] != whatif.packages[w],
                    _ => true,
                }
        };
        let rows: Vec<CompareRow> = paired
            .cells
            .iter()
            .zip(&paired.counts)
            .filter_map(|(cell, counts)| {
                Some(CompareRow {
                    scenario: cell.scenario.clone(),
                    package: cell.package.clone(),
                    modified: changed(&cell.package),
                    runs: counts.hold.n,
                    hold: Difference::new(&counts.hold, cell.identical_inputs)?,
                    deterrence: Difference::new(&counts.deterrence, cell.identical_inputs)?,
                    identical_inputs: cell.identical_inputs,
                })
            })
            .collect();
        let mut unmatched_packages: Vec<String> = whatif
            .packages
            .iter()
            .chain(&base.packages)
            .map(|p| p.id.clone())
            .filter(|id| base.package_index(id).is_none() || whatif.package_index(id).is_none())
            .collect();
        unmatched_packages.dedup();
        Comparison {
            base_file: files.0.to_string(),
            whatif_file: files.1.to_string(),
            seed,
            runs: rows.iter().map(|r| r.runs).min().unwrap_or(0),
            rows,
            changes,
            unmatched_packages,
            complete: paired.complete,
        }
    }

    /// The package id as every output shows it: marked when modified.
    pub fn label(row: &CompareRow) -> String {
        if row.modified {
            format!("{}{MODIFIED_MARK}", row.package)
        } else {
            row.package.clone()
        }
    }

    /// The comparison as plain text for the terminal.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{} against {} (seed {}, {} runs per package and scenario, common random numbers)\n\n",
            self.whatif_file, self.base_file, self.seed, self.runs
        );
        if !self.complete {
            out += "PARTIAL: interrupted before every run finished\n\n";
        }
        out += "What the what-if changed:\n";
        if self.changes.is_empty() {
            out += "  nothing: the two files resolve to the same values\n";
        }
        for c in &self.changes {
            let _ = writeln!(out, "  {c}");
        }
        out += "\nDifference what-if minus base, percentage points (95% paired interval):\n";
        let header = [
            "scenario",
            "package",
            "hold base",
            "hold what-if",
            "hold diff",
            "deterrence diff",
        ];
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.scenario.clone(),
                    Comparison::label(r),
                    pct(r.hold.base_rate),
                    pct(r.hold.whatif_rate),
                    points(&r.hold.diff),
                    points(&r.deterrence.diff),
                ]
            })
            .collect();
        out += &crate::cli::table(&header, &rows);
        if self.rows.iter().any(|r| r.modified) {
            let _ = writeln!(out, "{MODIFIED_MARK} package changed by the what-if");
        }
        if !self.unmatched_packages.is_empty() {
            let _ = writeln!(
                out,
                "not compared (simulated in only one of the files): {}",
                self.unmatched_packages.join(", ")
            );
        }
        out
    }
}

/// `+3.1 pp (+1.2 to +5.0)`.
pub fn points(e: &Estimate) -> String {
    format!(
        "{:+.1} pp ({:+.1} to {:+.1})",
        e.value * 100.0,
        e.lower * 100.0,
        e.upper * 100.0
    )
}

fn number(x: f64) -> String {
    super::tables::round_for_output(x).to_string()
}

/// Writes `compare.csv` into `dir` atomically.
pub fn write_compare_csv(dir: &Path, c: &Comparison) -> Result<PathBuf, ReportError> {
    let path = dir.join(COMPARE_CSV);
    let file = AtomicFile::create(&path).map_err(ReportError::io(&path))?;
    let mut writer = ::csv::Writer::from_writer(file);
    let csv_err = |source| ReportError::Csv {
        path: path.clone(),
        source,
    };
    writer.write_record(COMPARE_COLUMNS).map_err(csv_err)?;
    for r in &c.rows {
        let d = |x: &Difference| {
            [
                number(x.diff.value),
                number(x.diff.lower),
                number(x.diff.upper),
                x.discordant.to_string(),
            ]
        };
        let [hd, hl, hu, hn] = d(&r.hold);
        let [dd, dl, du, dn] = d(&r.deterrence);
        writer
            .write_record([
                r.scenario.clone(),
                r.package.clone(),
                r.modified.to_string(),
                r.runs.to_string(),
                number(r.hold.base_rate),
                number(r.hold.whatif_rate),
                hd,
                hl,
                hu,
                hn,
                number(r.deterrence.base_rate),
                number(r.deterrence.whatif_rate),
                dd,
                dl,
                du,
                dn,
                r.identical_inputs.to_string(),
                c.seed.to_string(),
                c.base_file.clone(),
                c.whatif_file.clone(),
            ])
            .map_err(csv_err)?;
    }
    let file = writer.into_inner().map_err(|e| ReportError::Io {
        path: path.clone(),
        source: e.into_error(),
    })?;
    file.commit().map_err(ReportError::io(&path))?;
    Ok(path)
}

/// Draws the paired differences: one row per scenario and package, a dot
/// for the hold rate and one for the deterrence rate, each with its 95%
/// interval, around a line at 0.
fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, st: &Style, c: &Comparison) -> Drawn
where
    DB::ErrorType: 'static,
{
    let subtitle = format!(
        "{}{} against {}; same seed and run indices in both; whiskers: 95% Newcombe interval; {MODIFIED_MARK} package changed by the what-if",
        if c.complete {
            ""
        } else {
            "PARTIAL (interrupted): "
        },
        c.whatif_file,
        c.base_file
    );
    let footer = format!(
        "seed {} · {} runs per package and scenario · guarantee-sim {} · exploratory model, not a forecast",
        c.seed,
        c.runs,
        env!("CARGO_PKG_VERSION")
    );
    let body = frame_with_footer(
        root,
        st,
        "What-if minus base: paired difference in rates",
        &subtitle,
        &footer,
        !c.complete,
    )?;
    let legend = [
        ("hold rate".to_string(), okabe_ito::BLUE),
        ("deterrence rate".to_string(), okabe_ito::VERMILLION),
    ];
    let (x, y) = body.get_base_pixel();
    let (width, _) = body.dim_in_pixel();
    let legend_height = super::charts::bars::draw_legend(root, st, &legend, (x, y), width as i32)?;
    let body = body.margin(legend_height + st.px(6.0), 0, 0, 0);

    let labels: Vec<String> = c
        .rows
        .iter()
        .map(|r| format!("{} · {}", r.scenario, Comparison::label(r)))
        .collect();
    let tick = st.tick();
    let label_width = labels
        .iter()
        .map(|l| text_width(root, l, &tick))
        .max()
        .unwrap_or(0)
        + st.px(16.0);
    let extent = c
        .rows
        .iter()
        .flat_map(|r| [r.hold.diff, r.deterrence.diff])
        .flat_map(|e| [e.lower.abs(), e.upper.abs()])
        .fold(0.05f64, f64::max);
    let extent = ((extent * 10.0).ceil() / 10.0).min(1.0);
    let n = c.rows.len().max(1);
    let mut cc = ChartBuilder::on(&body)
        .margin_right(st.px(16.0))
        .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
        .y_label_area_size(label_width)
        .build_cartesian_2d(-extent..extent, -0.5..(n as f64 - 0.5))?;
    st.axes(&mut cc.configure_mesh())
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(5)
        .x_label_formatter(&|x| format!("{:+.0} pp", x * 100.0))
        .x_desc("what-if minus base (percentage points)")
        .x_label_style(st.tick())
        .draw()?;
    cc.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
        st.stroke(1.5, MUTED),
    )))?;
    let plot = cc.plotting_area().clone();
    for (i, (row, label)) in c.rows.iter().zip(&labels).enumerate() {
        let y = (n - 1 - i) as f64;
        for (offset, e, colour) in [
            (0.15, row.hold.diff, okabe_ito::BLUE),
            (-0.15, row.deterrence.diff, okabe_ito::VERMILLION),
        ] {
            cc.draw_series(std::iter::once(PathElement::new(
                vec![(e.lower, y + offset), (e.upper, y + offset)],
                st.stroke(2.0, colour),
            )))?;
            cc.draw_series(std::iter::once(Circle::new(
                (e.value, y + offset),
                st.pxu(4.5),
                colour.filled(),
            )))?;
        }
        let (_, py) = plot.map_coordinate(&(-extent, y));
        let (px, _) = plot.get_base_pixel();
        root.draw(&Text::new(
            label.clone(),
            (px - st.px(8.0), py),
            tick.clone().pos(right_centre()),
        ))?;
    }
    Ok(())
}

/// The chart as SVG text at the logical size.
pub fn render_svg(c: &Comparison, width: u32, height: u32) -> Result<String, ReportError> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw(&root, &Style { scale: 1.0 }, c).map_err(|e| chart_error(ChartFormat::Svg, e.0))?;
        root.present()
            .map_err(|e| chart_error(ChartFormat::Svg, e.to_string()))?;
    }
    Ok(svg)
}

/// The chart as PNG bytes at [`PNG_SCALE`] times the logical size.
pub fn render_png(c: &Comparison, width: u32, height: u32) -> Result<Vec<u8>, ReportError> {
    register_fonts();
    let (w, h) = (width * PNG_SCALE, height * PNG_SCALE);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        let st = Style {
            scale: f64::from(PNG_SCALE),
        };
        draw(&root, &st, c).map_err(|e| chart_error(ChartFormat::Png, e.0))?;
        root.present()
            .map_err(|e| chart_error(ChartFormat::Png, e.to_string()))?;
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| chart_error(ChartFormat::Png, e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| chart_error(ChartFormat::Png, e.to_string()))?;
        writer
            .finish()
            .map_err(|e| chart_error(ChartFormat::Png, e.to_string()))?;
    }
    Ok(out)
}

fn chart_error(format: ChartFormat, message: String) -> ReportError {
    ReportError::Chart {
        path: PathBuf::from(chart_file(format)),
        message,
    }
}

/// Logical chart size: the house default width, taller with more rows.
fn chart_size(c: &Comparison) -> (u32, u32) {
    let rows = c.rows.len() as u32;
    (1200, (260 + 34 * rows).max(675))
}

/// Writes `compare.csv`, `compare.png`, `compare.svg` and `compare.html`
/// into `dir`, each atomically; returns their paths.
pub fn write_all(dir: &Path, c: &Comparison) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = vec![write_compare_csv(dir, c)?];
    let (w, h) = chart_size(c);
    let svg = render_svg(c, w, h)?;
    for (format, bytes) in [
        (ChartFormat::Png, render_png(c, w, h)?),
        (ChartFormat::Svg, svg.clone().into_bytes()),
    ] {
        let path = dir.join(chart_file(format));
        write_atomic(&path, &bytes).map_err(ReportError::io(&path))?;
        written.push(path);
    }
    let path = dir.join(COMPARE_HTML);
    write_atomic(&path, html(c, &svg).as_bytes()).map_err(ReportError::io(&path))?;
    written.push(path);
    Ok(written)
}

/// `compare.html`: the changes, the chart and the table, self-contained.
pub fn html(c: &Comparison, svg: &str) -> String {
    let mut h = String::new();
    let title = format!(
        "{} against {}",
        escape(&c.whatif_file),
        escape(&c.base_file)
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:1240px;margin:0 auto;padding:24px;color:#212121}}\
         table{{border-collapse:collapse;font-variant-numeric:tabular-nums}}th,td{{border-bottom:1px solid #ddd;padding:4px 8px;text-align:right}}\
         td.name,th.name{{text-align:left}}svg{{width:100%;height:auto}}</style></head><body>\n\
         <h1>{title}</h1>\n<p>Both files were run on the same seed ({}) and run indices, {} runs per package and scenario: \
         the differences are paired (common random numbers). Intervals are 95% Newcombe intervals for paired proportions; \
         a cell whose inputs are identical in both files has the same outcome in every run, so its difference is exactly 0.</p>\n",
        c.seed, c.runs
    );
    if !c.complete {
        h += "<p><strong>PARTIAL: interrupted before every run finished.</strong></p>\n";
    }
    h += "<h2>What the what-if changed</h2>\n<ul>\n";
    if c.changes.is_empty() {
        h += "<li>nothing: the two files resolve to the same values</li>\n";
    }
    for change in &c.changes {
        let _ = writeln!(h, "<li><code>{}</code></li>", escape(&change.to_string()));
    }
    h += "</ul>\n<h2>Paired differences</h2>\n<figure>";
    h += svg;
    h += "</figure>\n<table><tr><th class=\"name\">scenario</th><th class=\"name\">package</th>\
          <th>hold base</th><th>hold what-if</th><th>hold diff (95% interval)</th>\
          <th>deterrence base</th><th>deterrence what-if</th><th>deterrence diff (95% interval)</th></tr>\n";
    for r in &c.rows {
        let _ = writeln!(
            h,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.scenario),
            escape(&Comparison::label(r)),
            pct(r.hold.base_rate),
            pct(r.hold.whatif_rate),
            points(&r.hold.diff),
            pct(r.deterrence.base_rate),
            pct(r.deterrence.whatif_rate),
            points(&r.deterrence.diff),
        );
    }
    h += "</table>\n";
    let _ = writeln!(h, "<p>{MODIFIED_MARK} package changed by the what-if.</p>");
    if !c.unmatched_packages.is_empty() {
        let _ = writeln!(
            h,
            "<p>Not compared (simulated in only one of the files): {}</p>",
            escape(&c.unmatched_packages.join(", "))
        );
    }
    h += "</body></html>\n";
    h
}
