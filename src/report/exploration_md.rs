//! `exploration.md`: the report of an exploration in Markdown, to paste
//! into a report; the charts are linked from `charts/`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use super::charts::ChartFormat;
use super::exploration::{Block, ExplorationContext};
use super::{Output, ReportError};

/// File name of the Markdown report inside an exploration's folder.
pub const EXPLORATION_MD: &str = "exploration.md";

#[derive(Debug, Clone, Copy, Default)]
pub struct ExplorationMarkdown;

/// Escapes a table cell (pipes would end the cell).
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

impl ExplorationMarkdown {
    pub fn render(&self, ctx: &ExplorationContext<'_>) -> String {
        let doc = ctx.document();
        let mut md = String::new();
        if let Some(partial) = &doc.partial {
            let _ = writeln!(md, "> **{partial}**\n");
        }
        let _ = writeln!(
            md,
            "# {}\n\n> **{}**\n\n{}\n",
            doc.title, doc.notice, doc.lead
        );
        for section in &doc.sections {
            let _ = writeln!(md, "## {}\n", section.heading);
            for block in &section.blocks {
                match block {
                    Block::Paragraph(text) => {
                        let _ = writeln!(md, "{text}\n");
                    }
                    Block::Command(command) => {
                        let _ = writeln!(md, "```sh\n{command}\n```\n");
                    }
                    Block::List(items) => {
                        for item in items {
                            let _ = writeln!(md, "- {item}");
                        }
                        let _ = writeln!(md);
                    }
                    Block::Table(table) => {
                        let row = |cells: &[String]| {
                            let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
                            format!("| {} |", cells.join(" | "))
                        };
                        let _ = writeln!(md, "{}", row(&table.header));
                        let rule: Vec<&str> = (0..table.header.len())
                            .map(|i| {
                                if table.name_columns.contains(&i) {
                                    ":---"
                                } else {
                                    "---:"
                                }
                            })
                            .collect();
                        let _ = writeln!(md, "| {} |", rule.join(" | "));
                        for cells in &table.rows {
                            let _ = writeln!(md, "{}", row(cells));
                        }
                        let _ = writeln!(md, "\n{}\n", table.caption);
                    }
                    Block::Chart(chart) => {
                        let _ = writeln!(
                            md,
                            "### {}\n\n![{}]({})\n\n{}\n",
                            chart.heading,
                            chart.heading,
                            chart.file(ChartFormat::Png),
                            chart.caption
                        );
                    }
                }
            }
        }
        md
    }
}

impl Output<ExplorationContext<'_>> for ExplorationMarkdown {
    fn name(&self) -> &'static str {
        "exploration Markdown report"
    }

    fn write(&self, ctx: &ExplorationContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let path = dir.join(EXPLORATION_MD);
        write_atomic(&path, self.render(ctx).as_bytes()).map_err(ReportError::io(&path))?;
        Ok(vec![path])
    }
}
