//! `report.md`: the same tables and readings as the HTML report, in
//! Markdown, with the charts linked from `charts/` (written by
//! [`Charts`](super::charts::Charts) with the same options).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use super::charts::{self, CHARTS_DIR, ChartFormat, ChartOptions};
use super::manifest::RunStatus;
use super::ranking::{ranking_caption, ranking_cells};
use super::{Output, ReportContext, ReportError, readings};

/// File name of the Markdown report inside a run's output folder.
pub const REPORT_MD: &str = "report.md";

#[derive(Debug, Clone, Default)]
pub struct MarkdownReport {
    pub chart_options: ChartOptions,
}

/// Escapes a table cell (pipes would end the cell).
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

impl MarkdownReport {
    pub fn render(&self, ctx: &ReportContext<'_>) -> Result<String, ReportError> {
        let (t, m) = (ctx.tables, ctx.manifest);
        let mut md = String::new();
        let title = if m.title.is_empty() {
            "guarantee-sim report"
        } else {
            &m.title
        };
        if m.status == RunStatus::Partial {
            let _ = writeln!(
                md,
                "> **PARTIAL RUN: interrupted after {} of {} runs per package and scenario.** The numbers rest on fewer runs than planned.\n",
                m.runs_completed, m.runs_requested
            );
        }
        let _ = writeln!(md, "# {title}\n");
        let _ = writeln!(md, "> **{}**\n", readings::NOTICE);
        let _ = writeln!(
            md,
            "Scenario file `{}`, seed {}, {} runs per package and scenario, guarantee-sim {}.\n",
            m.scenario_file, m.seed, m.runs_completed, m.version
        );
        let _ = writeln!(md, "## The question\n\n*{}*\n", readings::QUESTION);

        let _ = writeln!(
            md,
            "## Ranking\n\n{}\n\n{}\n",
            readings::ranking(t),
            readings::ranking_criterion(t)
        );
        let (header, rows) = ranking_cells(t);
        let line = |cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
            format!("| {} |", cells.join(" | "))
        };
        let _ = writeln!(md, "{}", line(&header));
        let rule: Vec<String> = (0..header.len())
            .map(|i| if i == 1 { ":---" } else { "---:" }.to_string())
            .collect();
        let _ = writeln!(md, "| {} |", rule.join(" | "));
        for row in &rows {
            let _ = writeln!(md, "{}", line(row));
        }
        let _ = writeln!(md, "\n{}.\n", ranking_caption(ctx.tables));

        let _ = writeln!(md, "## Infeasible packages\n");
        let infeasible = readings::infeasible(t);
        if infeasible.is_empty() {
            let _ = writeln!(md, "Every package meets the declared constraints.\n");
        } else {
            for line in &infeasible {
                let _ = writeln!(md, "- {line}");
            }
            let _ = writeln!(md);
        }

        let _ = writeln!(md, "## Charts\n");
        let format = if self.chart_options.formats.contains(&ChartFormat::Png) {
            ChartFormat::Png
        } else {
            ChartFormat::Svg
        };
        for spec in charts::plan(t, &self.chart_options)? {
            let _ = writeln!(
                md,
                "### {}\n\n![{}]({CHARTS_DIR}/{}.{})\n\n{}\n",
                spec.heading(),
                spec.heading(),
                spec.stem,
                format.extension(),
                readings::for_chart(t, &spec)
            );
        }

        let _ = writeln!(md, "## Key assumptions\n");
        for a in readings::assumptions() {
            let _ = writeln!(md, "- {a}");
        }
        if !m.sources.is_empty() {
            let _ = writeln!(md, "\n## Sources of the scenario file\n");
            for s in &m.sources {
                let _ = writeln!(md, "- {s}");
            }
        }
        let _ = writeln!(md, "\n## Provenance\n\n| | |\n|:---|:---|");
        for (label, value) in readings::provenance(m) {
            let _ = writeln!(md, "| {} | {} |", cell(label), cell(&value));
        }
        Ok(md)
    }
}

impl Output<ReportContext<'_>> for MarkdownReport {
    fn name(&self) -> &'static str {
        "Markdown report"
    }

    fn write(&self, ctx: &ReportContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let path = dir.join(REPORT_MD);
        let text = self.render(ctx)?;
        write_atomic(&path, text.as_bytes()).map_err(ReportError::io(&path))?;
        Ok(vec![path])
    }
}
