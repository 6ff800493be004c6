//! `exploration.html`: the report of an exploration as one self-contained
//! page (the charts of `charts/` inlined as SVG, styles inline, nothing
//! loaded from anywhere), in the run report's style.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use super::exploration::{Block, ExplorationContext, chart_svg};
use super::html::{STYLE, escape, inline_svg};
use super::{Output, ReportError};

/// File name of the HTML report inside an exploration's folder.
pub const EXPLORATION_HTML: &str = "exploration.html";

#[derive(Debug, Clone, Copy, Default)]
pub struct ExplorationHtml;

/// Escapes `text` and shows its `backticked` spans as code.
fn inline(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

impl ExplorationHtml {
    /// The page; the charts are read from `dir/charts/`.
    pub fn render(&self, ctx: &ExplorationContext<'_>, dir: &Path) -> String {
        let doc = ctx.document();
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            escape(&doc.title)
        );
        if let Some(partial) = &doc.partial {
            let _ = writeln!(
                h,
                "<p class=\"partial\" id=\"partial\">{}</p>",
                escape(partial)
            );
        }
        let _ = writeln!(h, "<h1>{}</h1>", escape(&doc.title));
        let _ = writeln!(
            h,
            "<p class=\"notice\" id=\"notice\"><strong>{}</strong></p>\n<p>{}</p>",
            escape(doc.notice),
            inline(&doc.lead)
        );
        let _ = writeln!(
            h,
            "<nav class=\"contents\" id=\"contents\">\n<h2>Contents</h2>\n<ol>"
        );
        for section in &doc.sections {
            let _ = writeln!(
                h,
                "<li><a href=\"#{}\">{}</a></li>",
                section.id,
                escape(&section.heading)
            );
        }
        let _ = writeln!(h, "</ol>\n</nav>");
        for section in &doc.sections {
            let _ = writeln!(
                h,
                "<h2 id=\"{}\">{}</h2>",
                section.id,
                escape(&section.heading)
            );
            for block in &section.blocks {
                match block {
                    Block::Paragraph(text) => {
                        let _ = writeln!(h, "<p>{}</p>", inline(text));
                    }
                    Block::Command(command) => {
                        let _ = writeln!(h, "<pre><code>{}</code></pre>", escape(command));
                    }
                    Block::List(items) => {
                        let _ = writeln!(h, "<ul>");
                        for item in items {
                            let _ = writeln!(h, "<li>{}</li>", inline(item));
                        }
                        let _ = writeln!(h, "</ul>");
                    }
                    Block::Table(table) => {
                        let class = |i: usize| {
                            if table.name_columns.contains(&i) {
                                " class=\"name\""
                            } else {
                                ""
                            }
                        };
                        let _ = writeln!(
                            h,
                            "<details><summary>The table ({} rows)</summary>\n<table>\n<caption>{}</caption>\n<thead><tr>",
                            table.rows.len(),
                            escape(&table.caption)
                        );
                        for (i, cell) in table.header.iter().enumerate() {
                            let _ = write!(h, "<th{}>{}</th>", class(i), escape(cell));
                        }
                        let _ = writeln!(h, "</tr></thead>\n<tbody>");
                        for row in &table.rows {
                            let _ = write!(h, "<tr>");
                            for (i, cell) in row.iter().enumerate() {
                                let _ = write!(h, "<td{}>{}</td>", class(i), escape(cell));
                            }
                            let _ = writeln!(h, "</tr>");
                        }
                        let _ = writeln!(h, "</tbody>\n</table>\n</details>");
                    }
                    Block::Chart(chart) => {
                        let figure = match chart_svg(dir, chart) {
                            Some(svg) => inline_svg(&svg, &chart.heading),
                            None => format!(
                                "<p>(Not drawn as SVG; see <code>{}</code>.)</p>",
                                escape(&chart.file(super::charts::ChartFormat::Png))
                            ),
                        };
                        let _ = writeln!(
                            h,
                            "<figure id=\"chart-{}\">\n{figure}\n<figcaption><strong>{}.</strong> {}</figcaption>\n</figure>",
                            escape(&chart.stem),
                            escape(&chart.heading),
                            inline(&chart.caption)
                        );
                    }
                }
            }
        }
        let _ = writeln!(h, "</main>\n</body>\n</html>");
        h
    }
}

impl Output<ExplorationContext<'_>> for ExplorationHtml {
    fn name(&self) -> &'static str {
        "exploration HTML report"
    }

    fn write(&self, ctx: &ExplorationContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let path = dir.join(EXPLORATION_HTML);
        write_atomic(&path, self.render(ctx, dir).as_bytes()).map_err(ReportError::io(&path))?;
        Ok(vec![path])
    }
}
