//! `report.html`: one self-contained page (charts inlined as SVG, styles
//! inline, nothing loaded from anywhere) that a report writer can open,
//! print or mail as it is.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use super::charts::{self, ChartKind, ChartOptions, ChartSpec};
use super::manifest::RunStatus;
use super::ranking::{ranking_caption, ranking_cells};
use super::{Output, ReportContext, ReportError, readings};

/// File name of the HTML report inside a run's output folder.
pub const REPORT_HTML: &str = "report.html";

/// The HTML report; draws its own SVG charts with `chart_options` (only
/// the size, the chart kinds and the guarantor package matter here).
#[derive(Debug, Clone, Default)]
pub struct HtmlReport {
    pub chart_options: ChartOptions,
}

pub(crate) const STYLE: &str = "
body { margin: 0; background: #f6f6f6; color: #212121;
  font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; line-height: 1.5; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.9em; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.4em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
h3 { font-size: 1.1em; margin: 1.4em 0 0.4em; }
.notice { background: #fff4e5; border-left: 6px solid #e69f00; padding: 10px 14px; }
.partial { background: #b41e1e; color: #fff; font-weight: bold; padding: 10px 14px; font-size: 1.15em; }
.question { font-size: 1.15em; font-style: italic; }
table { border-collapse: collapse; margin: 0.8em 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #ddd; padding: 5px 8px; text-align: right; }
td { white-space: nowrap; font-size: 0.92em; }
th { background: #f0f0f0; }
td.name, th.name { text-align: left; }
dl.provenance { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; }
dl.provenance dt { font-weight: bold; }
dl.provenance dd { margin: 0; word-break: break-all; }
figure { margin: 1em 0 2em; }
figure svg { width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { margin-top: 0.4em; }
nav.contents { background: #f7f7f7; border: 1px solid #e4e4e4; padding: 8px 18px; margin: 1em 0; }
nav.contents h2 { margin-top: 0.4em; border: none; font-size: 1.15em; }
nav.contents ol { margin: 0.2em 0 0.6em; }
details { margin: 0.6em 0; }
details > summary { cursor: pointer; }
details > summary h3 { display: inline; }
.criterion { background: #eef5fb; border-left: 6px solid #0072b2; padding: 10px 14px; }
";

/// A section of the charts: its anchor, heading and charts.
struct ChartSection {
    id: String,
    heading: String,
    /// Shown unfolded when the page opens.
    open: bool,
    charts: Vec<ChartSpec>,
}

/// The chart sections in the order the report shows them: the overview
/// (open), then each scenario's charts, then the guarantors (folded, so
/// the page opens short and the contents lead to them).
fn chart_sections(specs: Vec<ChartSpec>, scenarios: &[String]) -> Vec<ChartSection> {
    let mut sections = vec![ChartSection {
        id: "charts-overview".to_string(),
        heading: "Overview: all packages across scenarios".to_string(),
        open: true,
        charts: specs
            .iter()
            .filter(|s| matches!(s.kind, ChartKind::Heatmap | ChartKind::Robustness))
            .cloned()
            .collect(),
    }];
    for scenario in scenarios {
        sections.push(ChartSection {
            id: format!("scenario-{}", escape(scenario)),
            heading: format!("Scenario: {scenario}"),
            open: false,
            charts: specs
                .iter()
                .filter(|s| s.scenario.as_ref() == Some(scenario))
                .cloned()
                .collect(),
        });
    }
    sections.push(ChartSection {
        id: "guarantors".to_string(),
        heading: "Guarantors".to_string(),
        open: false,
        charts: specs
            .iter()
            .filter(|s| s.kind == ChartKind::Guarantors)
            .cloned()
            .collect(),
    });
    sections.retain(|s| !s.charts.is_empty());
    sections
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Makes plotters' SVG fit inline: scalable to the page width (CSS), with
/// an accessible name, and without the namespace URL, which inline SVG in
/// HTML does not need.
pub(crate) fn inline_svg(svg: &str, label: &str) -> String {
    let body = match svg.find("viewBox=") {
        Some(i) if svg.starts_with("<svg") => &svg[i..],
        _ => return svg.to_string(),
    };
    let body = body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    format!("<svg role=\"img\" aria-label=\"{}\" {body}", escape(label))
}

impl HtmlReport {
    /// The page as text.
    pub fn render(&self, ctx: &ReportContext<'_>) -> Result<String, ReportError> {
        let (t, m) = (ctx.tables, ctx.manifest);
        let mut h = String::new();
        let title = if m.title.is_empty() {
            "guarantee-sim report".to_string()
        } else {
            m.title.clone()
        };
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{} — guarantee-sim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            escape(&title)
        );
        if m.status == RunStatus::Partial {
            let _ = writeln!(
                h,
                "<p class=\"partial\" id=\"partial\">PARTIAL RUN: interrupted after {} of {} runs per package and scenario. The numbers below rest on fewer runs than planned.</p>",
                m.runs_completed, m.runs_requested
            );
        }
        let _ = writeln!(h, "<h1>{}</h1>", escape(&title));
        let _ = writeln!(
            h,
            "<p class=\"notice\" id=\"notice\"><strong>{}</strong></p>",
            escape(readings::NOTICE)
        );
        let _ = writeln!(
            h,
            "<p>Scenario file <code>{}</code>, seed {}, {} runs per package and scenario, guarantee-sim {}.</p>",
            escape(&m.scenario_file),
            m.seed,
            m.runs_completed,
            escape(&m.version)
        );

        let specs = charts::plan(t, &self.chart_options)?;
        let sections = chart_sections(specs, &t.scenarios());
        let _ = writeln!(
            h,
            "<nav class=\"contents\" id=\"contents\">\n<h2>Contents</h2>\n<ol>"
        );
        let contents = [
            ("question", "The question"),
            ("ranking", "Ranking, and how packages are ranked"),
            ("infeasible", "Infeasible packages"),
            ("charts", "Charts"),
        ];
        for (id, text) in contents {
            let _ = write!(h, "<li><a href=\"#{id}\">{}</a>", escape(text));
            if id == "charts" {
                let _ = writeln!(h, "\n<ol>");
                for section in &sections {
                    let _ = writeln!(
                        h,
                        "<li><a href=\"#{}\">{}</a></li>",
                        section.id,
                        escape(&section.heading)
                    );
                }
                let _ = write!(h, "</ol>");
            }
            let _ = writeln!(h, "</li>");
        }
        let _ = writeln!(h, "<li><a href=\"#assumptions\">Key assumptions</a></li>");
        if !m.sources.is_empty() {
            let _ = writeln!(
                h,
                "<li><a href=\"#sources\">Sources of the scenario file</a></li>"
            );
        }
        let _ = writeln!(
            h,
            "<li><a href=\"#provenance\">Provenance</a></li>\n</ol>\n<p>Sections of charts fold: click a heading to open or close it.</p>\n</nav>"
        );

        let _ = writeln!(h, "<h2 id=\"question\">The question</h2>");
        let _ = writeln!(
            h,
            "<p class=\"question\">{}</p>",
            escape(readings::QUESTION)
        );
        let _ = writeln!(
            h,
            "<p>A package <em>deters</em> in a run when no major offensive comes and the line is not eroded; it <em>holds</em> when the ceasefire line survives: no major offensive, or one that was stopped (by Ukraine alone or with the guarantors who honoured). Each package is simulated many times under each scenario; both rates are shares of all those runs, so a run in which Russia rejected the terms counts as neither.</p>"
        );

        let _ = writeln!(h, "<h2 id=\"ranking\">Ranking</h2>");
        let _ = writeln!(h, "<p>{}</p>", escape(&readings::ranking(t)));
        let _ = writeln!(
            h,
            "<p class=\"criterion\" id=\"ranking-criterion\"><strong>How packages are ranked.</strong> {}</p>",
            escape(&readings::ranking_criterion(t))
        );
        let (header, rows) = ranking_cells(t);
        let _ = writeln!(
            h,
            "<table>\n<caption>{}</caption>\n<thead><tr>",
            escape(&ranking_caption(ctx.tables))
        );
        for (i, cell) in header.iter().enumerate() {
            let class = if i == 1 { " class=\"name\"" } else { "" };
            let _ = write!(h, "<th{class}>{}</th>", escape(cell));
        }
        let _ = writeln!(h, "</tr></thead>\n<tbody>");
        for row in &rows {
            let _ = write!(h, "<tr>");
            for (i, cell) in row.iter().enumerate() {
                let class = if i == 1 { " class=\"name\"" } else { "" };
                let _ = write!(h, "<td{class}>{}</td>", escape(cell));
            }
            let _ = writeln!(h, "</tr>");
        }
        let _ = writeln!(h, "</tbody>\n</table>");
        let _ = writeln!(h, "<h3>Packages</h3>\n<ul>");
        let first_scenario = t.scenarios().into_iter().next();
        for s in t
            .summary
            .iter()
            .filter(|s| Some(&s.scenario) == first_scenario.as_ref())
        {
            let _ = writeln!(
                h,
                "<li><code>{}</code>: {}</li>",
                escape(&s.package),
                escape(&s.package_name)
            );
        }
        let _ = writeln!(h, "</ul>");

        let infeasible = readings::infeasible(t);
        let _ = writeln!(h, "<h2 id=\"infeasible\">Infeasible packages</h2>");
        if infeasible.is_empty() {
            let _ = writeln!(h, "<p>Every package meets the declared constraints.</p>");
        } else {
            let _ = writeln!(h, "<ul>");
            for line in &infeasible {
                let _ = writeln!(h, "<li>{}</li>", escape(line));
            }
            let _ = writeln!(h, "</ul>");
        }

        let _ = writeln!(h, "<h2 id=\"charts\">Charts</h2>");
        for section in &sections {
            let open = if section.open { " open" } else { "" };
            let _ = writeln!(
                h,
                "<details id=\"{}\"{open}>\n<summary><h3>{}</h3> ({})</summary>",
                section.id,
                escape(&section.heading),
                match section.charts.len() {
                    1 => "1 chart".to_string(),
                    n => format!("{n} charts"),
                }
            );
            for spec in &section.charts {
                let svg = charts::render_svg(
                    ctx,
                    spec,
                    self.chart_options.width,
                    self.chart_options.height,
                )?;
                let _ = writeln!(
                    h,
                    "<figure id=\"chart-{}\">\n{}\n<figcaption><strong>{}.</strong> {}</figcaption>\n</figure>",
                    escape(&spec.stem),
                    inline_svg(&svg, &spec.heading()),
                    escape(&spec.heading()),
                    escape(&readings::for_chart(t, spec))
                );
            }
            let _ = writeln!(h, "</details>");
        }

        let _ = writeln!(h, "<h2 id=\"assumptions\">Key assumptions</h2>\n<ul>");
        for a in readings::assumptions() {
            let _ = writeln!(h, "<li>{}</li>", escape(a));
        }
        let _ = writeln!(h, "</ul>");

        if !m.sources.is_empty() {
            let _ = writeln!(
                h,
                "<h2 id=\"sources\">Sources of the scenario file</h2>\n<ul>"
            );
            for s in &m.sources {
                let _ = writeln!(h, "<li>{}</li>", escape(s));
            }
            let _ = writeln!(h, "</ul>");
        }

        let _ = writeln!(
            h,
            "<h2 id=\"provenance\">Provenance</h2>\n<dl class=\"provenance\">"
        );
        for (label, value) in readings::provenance(m) {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(&value));
        }
        let _ = writeln!(
            h,
            "</dl>\n<p>To reproduce: run the same scenario file with the same seed and number of runs with this version of guarantee-sim.</p>\n</main>\n</body>\n</html>"
        );
        Ok(h)
    }
}

impl Output<ReportContext<'_>> for HtmlReport {
    fn name(&self) -> &'static str {
        "HTML report"
    }

    fn write(&self, ctx: &ReportContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let path = dir.join(REPORT_HTML);
        let page = self.render(ctx)?;
        // Sections from `guarantee-sim patterns`, `decompose` and the
        // events study, when their files sit in this folder.
        let mut sections = super::attribution::html_sections(dir, ctx.manifest);
        sections.push_str(&compare_section(dir));
        let page = page.replacen(
            "<h2 id=\"assumptions\">",
            &format!("{sections}<h2 id=\"assumptions\">"),
            1,
        );
        write_atomic(&path, page.as_bytes()).map_err(ReportError::io(&path))?;
        Ok(vec![path])
    }
}

/// With `run FILE --against BASE`, the run's folder holds the comparison
/// (a later run clears it: its files are run outputs): the report says so
/// and links to it.
fn compare_section(dir: &Path) -> String {
    use super::compare::{COMPARE_CSV, COMPARE_HTML};
    if !dir.join(COMPARE_HTML).is_file() {
        return String::new();
    }
    format!(
        "<h2 id=\"compare\">Compared with its base file</h2>\n<p>This run was made with \
         <code>--against</code>: the same packages and scenarios of the base file ran on the \
         same random numbers, and <a href=\"{COMPARE_HTML}\">{COMPARE_HTML}</a> shows what the \
         file changed and the paired difference it makes to each hold and deterrence rate, \
         with 95% intervals (the numbers are in <code>{COMPARE_CSV}</code>).</p>\n"
    )
}
