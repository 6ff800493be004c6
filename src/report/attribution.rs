//! Outputs of the pattern check, the decomposition of a package and the
//! effects of scripted events: `patterns.csv`, `components.csv`,
//! `events.csv`, the waterfall chart, and the report sections that read
//! those files back when they sit in a run's output folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use super::charts::style::*;
use super::csv::write_csv;
use super::html::escape;
use super::tables::round_for_output;
use super::{Manifest, ReportError};
use crate::batch::attribution::{Decomposition, EffectKind, EventEffect};
use crate::batch::patterns::{PatternCheck, Verdict};
use crate::model::params::{EventKind, World};
use crate::model::patterns::{Measure, Pattern};

pub const PATTERNS_CSV: &str = "patterns.csv";
pub const COMPONENTS_CSV: &str = "components.csv";
pub const EVENTS_CSV: &str = "events.csv";
/// Stem of the waterfall charts in `charts/` (`waterfall-<package>-<scenario>`).
pub const WATERFALL_PREFIX: &str = "waterfall";

fn r(x: f64) -> f64 {
    round_for_output(x)
}

/// One row of patterns.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternRow {
    pub pattern: String,
    pub name: String,
    pub measure: String,
    pub package: String,
    pub scenarios: String,
    pub target_lower: f64,
    pub target_upper: f64,
    pub measured: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub verdict: String,
    pub basis: String,
    pub runs: u64,
    pub seed: u64,
    pub source: String,
    pub location: String,
    /// Why the model is known not to reproduce the pattern (empty if it should).
    pub known_miss: String,
    pub scenario_sha256: String,
}

fn measure_name(m: &Measure) -> &'static str {
    match m {
        Measure::Rate { .. } => "rate",
        Measure::HonourRate => "honour-rate",
        Measure::HazardRatio => "hazard-ratio",
        Measure::HazardTrend { .. } => "hazard-trend",
        Measure::Difference { .. } => "difference",
    }
}

/// The rows of patterns.csv.
pub fn pattern_rows(
    world: &World,
    patterns: &[Pattern],
    check: &PatternCheck,
    seed: u64,
    sha256: &str,
) -> Vec<PatternRow> {
    check
        .results
        .iter()
        .map(|res| {
            let p = &patterns[res.pattern];
            PatternRow {
                pattern: p.id.clone(),
                name: p.name.clone(),
                measure: measure_name(&p.measure).to_string(),
                package: world.packages[p.package.package].id.clone(),
                scenarios: p
                    .scenarios
                    .iter()
                    .map(|&s| world.scenarios[s].id.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                target_lower: p.target.0,
                target_upper: p.target.1,
                measured: res.measured.map(|e| r(e.value)),
                lower: res.measured.map(|e| r(e.lower)),
                upper: res.measured.map(|e| r(e.upper)),
                verdict: res.verdict.name().to_string(),
                basis: res.basis.clone(),
                runs: check.runs,
                seed,
                source: p.source.clone(),
                location: p.location.clone(),
                known_miss: p.known_miss.clone().unwrap_or_default(),
                scenario_sha256: sha256.to_string(),
            }
        })
        .collect()
}

pub fn write_patterns_csv(dir: &Path, rows: &[PatternRow]) -> Result<PathBuf, ReportError> {
    write_csv(&dir.join(PATTERNS_CSV), rows)
}

/// One row of components.csv. Differences are "with minus without": the
/// rate with the component minus the rate without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentRow {
    pub package: String,
    pub baseline: String,
    pub scenario: String,
    /// `removal` (the package minus the package without the component) or
    /// `waterfall` (adding it to the package built so far).
    pub effect: String,
    pub step: usize,
    pub component: String,
    pub label: String,
    pub deterrence_diff: f64,
    pub deterrence_lower: f64,
    pub deterrence_upper: f64,
    pub hold_diff: f64,
    pub hold_lower: f64,
    pub hold_upper: f64,
    pub deterrence_from: f64,
    pub deterrence_to: f64,
    pub hold_from: f64,
    pub hold_to: f64,
    pub runs: u64,
    pub seed: u64,
    pub scenario_sha256: String,
}

pub fn component_rows(
    world: &World,
    d: &Decomposition,
    seed: u64,
    sha256: &str,
) -> Vec<ComponentRow> {
    let mut step = 0;
    let mut last_scenario = usize::MAX;
    d.rows
        .iter()
        .map(|row| {
            if row.scenario != last_scenario {
                last_scenario = row.scenario;
                step = 0;
            }
            step += 1;
            ComponentRow {
                package: world.packages[d.package].id.clone(),
                baseline: d.baseline.clone(),
                scenario: world.scenarios[row.scenario].id.clone(),
                effect: row.kind.name().to_string(),
                step,
                component: row.component.id(&world.countries),
                label: row.component.label(&world.countries),
                deterrence_diff: r(row.effect.deterrence.value),
                deterrence_lower: r(row.effect.deterrence.lower),
                deterrence_upper: r(row.effect.deterrence.upper),
                hold_diff: r(row.effect.hold.value),
                hold_lower: r(row.effect.hold.lower),
                hold_upper: r(row.effect.hold.upper),
                deterrence_from: r(row.from.0),
                deterrence_to: r(row.to.0),
                hold_from: r(row.from.1),
                hold_to: r(row.to.1),
                runs: d.runs,
                seed,
                scenario_sha256: sha256.to_string(),
            }
        })
        .collect()
}

pub fn write_components_csv(dir: &Path, rows: &[ComponentRow]) -> Result<PathBuf, ReportError> {
    write_csv(&dir.join(COMPONENTS_CSV), rows)
}

/// One row of events.csv: the scenario as written minus the scenario
/// without the event, on the same runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub scenario: String,
    /// Position of the event in the scenario (1 = first).
    pub event: usize,
    pub kind: String,
    pub package: String,
    pub deterrence_diff: f64,
    pub deterrence_lower: f64,
    pub deterrence_upper: f64,
    pub hold_diff: f64,
    pub hold_lower: f64,
    pub hold_upper: f64,
    pub runs: u64,
}

fn kind_name(k: EventKind) -> &'static str {
    match k {
        EventKind::UsDisengagement => "us-disengagement",
        EventKind::CoalitionFracture => "coalition-fracture",
        EventKind::ForceStrike => "force-strike",
        EventKind::ResolveShock => "resolve-shock",
    }
}

pub fn event_rows(world: &World, effects: &[EventEffect]) -> Vec<EventRow> {
    effects
        .iter()
        .map(|e| EventRow {
            scenario: world.scenarios[e.scenario].id.clone(),
            event: e.event + 1,
            kind: kind_name(world.scenarios[e.scenario].events[e.event].kind).to_string(),
            package: world.packages[e.package].id.clone(),
            deterrence_diff: r(e.effect.deterrence.value),
            deterrence_lower: r(e.effect.deterrence.lower),
            deterrence_upper: r(e.effect.deterrence.upper),
            hold_diff: r(e.effect.hold.value),
            hold_lower: r(e.effect.hold.lower),
            hold_upper: r(e.effect.hold.upper),
            runs: e.runs,
        })
        .collect()
}

/// Paired runs per event, package and scenario in `run`'s events study:
/// fewer than the main batch, so the default run stays fast (each event
/// doubles the runs of its scenario).
pub const EVENT_RUNS: u64 = 2000;

/// The events study of `run`: every scenario of the plan with scripted
/// events, with and without each event, on `min(plan.runs, EVENT_RUNS)`
/// paired runs; writes events.csv and returns the runs used (0 when no
/// scenario scripts events or the run was cancelled).
pub fn event_study(
    world: &World,
    plan: &crate::batch::Plan,
    control: &crate::batch::Control<'_>,
    dir: &Path,
) -> Result<u64, ReportError> {
    let runs = plan.runs.min(EVENT_RUNS);
    let effects = crate::batch::attribution::event_effects(world, plan, control, runs);
    write_events_csv(dir, &event_rows(world, &effects))?;
    Ok(if effects.is_empty() { 0 } else { runs })
}

pub fn write_events_csv(dir: &Path, rows: &[EventRow]) -> Result<PathBuf, ReportError> {
    write_csv(&dir.join(EVENTS_CSV), rows)
}

fn read_rows<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<Vec<T>> {
    let mut reader = ::csv::Reader::from_path(path).ok()?;
    reader.deserialize().collect::<Result<Vec<T>, _>>().ok()
}

fn points(x: f64) -> String {
    let p = 100.0 * x;
    // No "-0.0" for an effect that rounds to nothing.
    if (p * 10.0).round() == 0.0 {
        "0.0".to_string()
    } else {
        format!("{p:+.1}")
    }
}

fn interval_points(v: f64, lo: f64, hi: f64) -> String {
    format!("{} [{:.1}, {:.1}]", points(v), 100.0 * lo, 100.0 * hi)
}

fn value_text(measure: &str, v: f64) -> String {
    match measure {
        "rate" | "honour-rate" => format!("{:.1}%", 100.0 * v),
        "difference" => format!("{} points", points(v)),
        _ => format!("{v:.2}"),
    }
}

/// The table of patterns as text cells: pattern, target, measured, verdict.
pub fn pattern_cells(rows: &[PatternRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|p| {
            let measured = match (p.measured, p.lower, p.upper) {
                (Some(v), Some(l), Some(u)) => format!(
                    "{} ({} to {})",
                    value_text(&p.measure, v),
                    value_text(&p.measure, l),
                    value_text(&p.measure, u)
                ),
                _ => "nothing to measure".to_string(),
            };
            vec![
                p.pattern.clone(),
                format!(
                    "{} to {}",
                    value_text(&p.measure, p.target_lower),
                    value_text(&p.measure, p.target_upper)
                ),
                measured,
                if p.known_miss.is_empty() {
                    p.verdict.clone()
                } else {
                    format!("{} (known miss)", p.verdict)
                },
            ]
        })
        .collect()
}

fn html_table(h: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = write!(h, "<table>\n<thead><tr>");
    for (i, c) in header.iter().enumerate() {
        let class = if i == 0 { " class=\"name\"" } else { "" };
        let _ = write!(h, "<th{class}>{}</th>", escape(c));
    }
    let _ = writeln!(h, "</tr></thead>\n<tbody>");
    for row in rows {
        let _ = write!(h, "<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if i == 0 { " class=\"name\"" } else { "" };
            let _ = write!(h, "<td{class}>{}</td>", escape(c));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</tbody>\n</table>");
}

/// The report's sections on patterns, components and events, from the CSV
/// files in `dir` that belong to this run's scenario file (empty when none
/// is there).
pub fn html_sections(dir: &Path, manifest: &Manifest) -> String {
    let mut h = String::new();
    let same_file = |sha: &str| sha == manifest.scenario_sha256;
    if let Some(rows) = read_rows::<PatternRow>(&dir.join(PATTERNS_CSV))
        .filter(|rows| !rows.is_empty() && rows.iter().all(|r| same_file(&r.scenario_sha256)))
    {
        let _ = writeln!(
            h,
            "<h2 id=\"patterns\">Does the model reproduce what we know?</h2>"
        );
        let met = rows
            .iter()
            .filter(|r| r.verdict == Verdict::Met.name())
            .count();
        let _ = writeln!(
            h,
            "<p>{met} of {} patterns from the literature are met: the 95% interval of the measured value lies inside the target. \"Not met\" means it lies outside: there the model and the evidence disagree. \"Undecided\" means it straddles an edge of the target; more runs decide. Computed by <code>guarantee-sim patterns</code>, {} runs per package and scenario, seed {}.</p>",
            rows.len(),
            rows[0].runs,
            rows[0].seed
        );
        let mut cells = pattern_cells(&rows);
        for (c, r) in cells.iter_mut().zip(&rows) {
            c.push(r.source.clone());
        }
        html_table(
            &mut h,
            &[
                "pattern",
                "target",
                "measured (95% interval)",
                "verdict",
                "source",
            ],
            &cells,
        );
    }
    if let Some(rows) = read_rows::<ComponentRow>(&dir.join(COMPONENTS_CSV))
        .filter(|rows| !rows.is_empty() && rows.iter().all(|r| same_file(&r.scenario_sha256)))
    {
        let _ = writeln!(h, "<h2 id=\"components\">What each component is worth</h2>");
        let _ = writeln!(
            h,
            "<p>Package <code>{}</code>: the deterrence and hold rates with each component minus without it (it then takes its value in <code>{}</code>), on the same runs, in percentage points with Newcombe's 95% interval. Computed by <code>guarantee-sim decompose</code>, {} runs.</p>",
            escape(&rows[0].package),
            escape(&rows[0].baseline),
            rows[0].runs
        );
        let mut scenarios: Vec<&str> = rows.iter().map(|r| r.scenario.as_str()).collect();
        scenarios.dedup();
        for s in scenarios {
            let _ = writeln!(h, "<h3>Scenario: {}</h3>", escape(s));
            let stem = format!("{WATERFALL_PREFIX}-{}-{s}", rows[0].package);
            let svg_path = dir
                .join(super::charts::CHARTS_DIR)
                .join(format!("{stem}.svg"));
            if let Ok(svg) = std::fs::read_to_string(&svg_path) {
                if svg.starts_with("<svg") {
                    let _ = writeln!(
                        h,
                        "<figure id=\"chart-{}\">\n{svg}\n<figcaption>Waterfall: the deterrence rate built up from <code>{}</code> one component at a time.</figcaption>\n</figure>",
                        escape(&stem),
                        escape(&rows[0].baseline)
                    );
                }
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .filter(|r| r.scenario == s && r.effect == EffectKind::Removal.name())
                .map(|r| {
                    vec![
                        r.label.clone(),
                        interval_points(r.deterrence_diff, r.deterrence_lower, r.deterrence_upper),
                        interval_points(r.hold_diff, r.hold_lower, r.hold_upper),
                    ]
                })
                .collect();
            html_table(
                &mut h,
                &["component", "deterrence, points", "hold, points"],
                &cells,
            );
            let steps: Vec<&ComponentRow> = rows
                .iter()
                .filter(|r| r.scenario == s && r.effect == EffectKind::Step.name())
                .collect();
            if let (Some(first), Some(last)) = (steps.first(), steps.last()) {
                let text: Vec<String> = steps
                    .iter()
                    .map(|r| format!("{} {}", r.label, points(r.deterrence_diff)))
                    .collect();
                let _ = writeln!(
                    h,
                    "<p>Built up one component at a time, deterrence goes from {:.1}% ({}) to {:.1}%: {}.</p>",
                    100.0 * first.deterrence_from,
                    escape(&first.baseline),
                    100.0 * last.deterrence_to,
                    escape(&text.join(", "))
                );
            }
        }
    }
    if let Some(rows) = read_rows::<EventRow>(&dir.join(EVENTS_CSV)).filter(|r| !r.is_empty()) {
        let _ = writeln!(h, "<h2 id=\"events\">What each scripted event does</h2>");
        let _ = writeln!(
            h,
            "<p>Each scenario with scripted events, run again without each event on the same random numbers ({} paired runs). A cost is the rate without the event minus the rate with it, in percentage points with Newcombe's 95% interval.</p>\n<ul>",
            rows[0].runs
        );
        for line in event_readings(&rows) {
            let _ = writeln!(h, "<li>{}</li>", escape(&line));
        }
        let _ = writeln!(h, "</ul>");
    }
    h
}

/// One sentence per event: what it costs each package in hold rate.
pub fn event_readings(rows: &[EventRow]) -> Vec<String> {
    let mut out = Vec::new();
    let mut keys: Vec<(&str, usize)> = rows
        .iter()
        .map(|r| (r.scenario.as_str(), r.event))
        .collect();
    keys.dedup();
    for (s, e) in keys {
        let these: Vec<&EventRow> = rows
            .iter()
            .filter(|r| r.scenario == s && r.event == e)
            .collect();
        let parts: Vec<String> = these
            .iter()
            .map(|r| {
                format!(
                    "{} {:.1} points [{:.1}, {:.1}]",
                    r.package,
                    // `+ 0.0` turns -0.0 into 0.0.
                    -100.0 * r.hold_diff + 0.0,
                    -100.0 * r.hold_upper + 0.0,
                    -100.0 * r.hold_lower + 0.0
                )
            })
            .collect();
        out.push(format!(
            "The {} event of scenario {} costs (hold rate): {}.",
            these[0].kind,
            s,
            parts.join(", ")
        ));
    }
    out
}

/// Draws the waterfall of one scenario's deterrence rate: the baseline,
/// each component's step, the package.
pub fn draw_waterfall<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    rows: &[&ComponentRow],
    footer: &str,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (width, height) = root.dim_in_pixel();
    let m = st.px(MARGIN);
    let Some(first) = rows.first() else {
        return Ok(());
    };
    root.draw(&Text::new(
        format!(
            "What each component adds to {}: {}",
            first.package, first.scenario
        ),
        (m, st.px(16.0)),
        st.title().pos(left_top()),
    ))?;
    root.draw(&Text::new(
        format!(
            "Deterrence rate, built up from {} one component at a time on the same runs; bars are steps in percentage points",
            first.baseline
        ),
        (m, st.px(16.0 + TITLE_SIZE + 8.0)),
        st.subtitle().pos(left_top()),
    ))?;
    root.draw(&Text::new(
        footer.to_string(),
        (m, height as i32 - st.px(12.0)),
        st.footer().pos(left_bottom()),
    ))?;
    let body = root.margin(
        st.px(16.0 + TITLE_SIZE + SUBTITLE_SIZE + 30.0),
        st.px(FOOTER_SIZE + 26.0),
        st.px(MARGIN),
        st.px(MARGIN),
    );
    let n = rows.len() + 2;
    let label_width = rows
        .iter()
        .map(|r| text_width(root, &r.label, &st.tick()))
        .max()
        .unwrap_or(0)
        .max(text_width(root, &first.baseline, &st.tick()))
        + st.px(16.0);
    let mut cc = ChartBuilder::on(&body)
        .margin_right(st.px(90.0))
        .x_label_area_size(st.px(TICK_SIZE + AXIS_LABEL_SIZE + 28.0))
        .y_label_area_size(label_width)
        .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))?;
    st.axes(&mut cc.configure_mesh())
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|x| pct(*x))
        .x_desc("deterrence rate (share of all runs)")
        .x_label_style(st.tick())
        .draw()?;
    let half = 0.34;
    let y_of = |i: usize| (n - 1 - i) as f64;
    let mut bars: Vec<(String, f64, f64, RGBColor, String)> = Vec::new();
    bars.push((
        first.baseline.clone(),
        0.0,
        first.deterrence_from,
        okabe_ito::SKY_BLUE,
        pct(first.deterrence_from),
    ));
    for r in rows {
        let colour = if r.deterrence_diff >= 0.0 {
            okabe_ito::BLUISH_GREEN
        } else {
            okabe_ito::VERMILLION
        };
        bars.push((
            r.label.clone(),
            r.deterrence_from,
            r.deterrence_to,
            colour,
            points(r.deterrence_diff),
        ));
    }
    let last = rows.last().map_or(first.deterrence_to, |r| r.deterrence_to);
    bars.push((first.package.clone(), 0.0, last, okabe_ito::BLUE, pct(last)));
    for (i, (label, a, b, colour, note)) in bars.iter().enumerate() {
        let y = y_of(i);
        let (lo, hi) = if a <= b { (*a, *b) } else { (*b, *a) };
        cc.draw_series(std::iter::once(Rectangle::new(
            [(lo, y - half), (hi.max(lo + 0.002), y + half)],
            colour.filled(),
        )))?;
        let (left, py) = cc.backend_coord(&(0.0, y));
        let (right, _) = cc.backend_coord(&(1.0, y));
        root.draw(&Text::new(
            label.clone(),
            (left - st.px(10.0), py),
            st.tick().pos(right_centre()),
        ))?;
        root.draw(&Text::new(
            note.clone(),
            (right + st.px(10.0), py),
            st.value().pos(left_centre()),
        ))?;
    }
    let _ = width;
    Ok(())
}

/// Writes `charts/waterfall-<package>-<scenario>.png` and `.svg`.
pub fn write_waterfalls(
    dir: &Path,
    rows: &[ComponentRow],
    footer: &str,
) -> Result<Vec<PathBuf>, ReportError> {
    let charts = dir.join(super::charts::CHARTS_DIR);
    std::fs::create_dir_all(&charts).map_err(ReportError::io(&charts))?;
    register_fonts();
    let mut scenarios: Vec<&str> = rows.iter().map(|r| r.scenario.as_str()).collect();
    scenarios.dedup();
    let (w, h) = (1200u32, 675u32);
    let mut written = Vec::new();
    for s in scenarios {
        let steps: Vec<&ComponentRow> = rows
            .iter()
            .filter(|r| r.scenario == s && r.effect == EffectKind::Step.name())
            .collect();
        let Some(first) = steps.first() else { continue };
        let stem = format!("{WATERFALL_PREFIX}-{}-{s}", first.package);
        let err = |path: &Path, e: DrawError| ReportError::Chart {
            path: path.to_path_buf(),
            message: e.0,
        };
        let svg_path = charts.join(format!("{stem}.svg"));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            draw_waterfall(&root, &Style { scale: 1.0 }, &steps, footer)
                .map_err(|e| err(&svg_path, e))?;
            root.present()
                .map_err(|e| err(&svg_path, DrawError(e.to_string())))?;
        }
        write_atomic(&svg_path, svg.as_bytes()).map_err(ReportError::io(&svg_path))?;
        written.push(svg_path);
        let png_path = charts.join(format!("{stem}.png"));
        let scale = 2u32;
        let mut pixels = vec![0u8; (w * scale) as usize * (h * scale) as usize * 3];
        {
            let root =
                BitMapBackend::with_buffer(&mut pixels, (w * scale, h * scale)).into_drawing_area();
            draw_waterfall(
                &root,
                &Style {
                    scale: f64::from(scale),
                },
                &steps,
                footer,
            )
            .map_err(|e| err(&png_path, e))?;
            root.present()
                .map_err(|e| err(&png_path, DrawError(e.to_string())))?;
        }
        let mut bytes = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut bytes, w * scale, h * scale);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder
                .write_header()
                .map_err(|e| err(&png_path, DrawError(e.to_string())))?;
            writer
                .write_image_data(&pixels)
                .map_err(|e| err(&png_path, DrawError(e.to_string())))?;
        }
        write_atomic(&png_path, &bytes).map_err(ReportError::io(&png_path))?;
        written.push(png_path);
    }
    Ok(written)
}
