//! Diagnostics: errors and warnings about scenario files, with the file,
//! line, column and byte span they refer to, rendered with miette.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The file cannot be used.
    Error,
    /// The file can be used, but something deserves a look.
    Warning,
}

/// A place in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Path of the file as it was named (bundled files: `<bundled>/NAME`).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// One error or warning about a scenario file.
///
/// Implements [`miette::Diagnostic`]: the source text is attached, so
/// `miette::Report::new(d)` or [`render`] shows the offending line with a
/// marker.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What was expected or how to fix it.
    pub help: Option<String>,
    /// Where, if the problem has a place in a file.
    pub location: Option<Location>,
    /// A warning that a parent file (one the named file extends) has on
    /// its own, whatever the named file says: not the user's to fix.
    pub inherited: bool,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<(Range<usize>, Option<String>)>,
}

impl Diagnostic {
    /// An error without a place in a file (e.g. "file not found").
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            help: None,
            location: None,
            inherited: false,
            source: None,
            labels: Vec::new(),
        }
    }

    /// A warning without a place in a file.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Is this an error (not a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Attaches the source file and the primary span. Spans are clamped to
    /// the text and moved to character boundaries, so any span is safe.
    pub(crate) fn at(
        mut self,
        path: &str,
        text: &Arc<str>,
        span: Range<usize>,
        label: Option<String>,
    ) -> Self {
        let span = clamp_span(text, span);
        let (line, column) = line_col(text, span.start);
        self.location = Some(Location {
            path: path.to_string(),
            line,
            column,
        });
        self.source = Some(NamedSource::new(path, Arc::clone(text)));
        self.labels.insert(0, (span, label));
        self
    }

    /// Adds a secondary label in the same file (ignored without a source).
    pub(crate) fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        if let Some(src) = &self.source {
            let span = clamp_span(src.inner(), span);
            self.labels.push((span, Some(label.into())));
        }
        self
    }

    /// `path:line` of the primary span, or the bare path / nothing.
    pub fn file_line(&self) -> Option<String> {
        self.location
            .as_ref()
            .map(|l| format!("{}:{}", l.path, l.line))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.source.is_none() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (span, label))| {
                let s = SourceSpan::from(span.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(label.clone(), s)
                } else {
                    LabeledSpan::new_with_span(label.clone(), s)
                }
            },
        )))
    }
}

/// Everything wrong with a scenario file: errors and warnings from every
/// file in the `extends` chain, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct ScenarioErrors {
    /// Errors first, in file and line order; warnings found on the way
    /// are kept too.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors found but not kept (only the first 100 problems are).
    pub hidden_errors: usize,
}

impl From<Diagnostic> for ScenarioErrors {
    fn from(d: Diagnostic) -> Self {
        ScenarioErrors {
            diagnostics: vec![d],
            hidden_errors: 0,
        }
    }
}

impl ScenarioErrors {
    /// Number of errors, shown or hidden (warnings not counted).
    pub fn error_count(&self) -> usize {
        self.hidden_errors + self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Renders every diagnostic with miette, one after another.
    pub fn render(&self, color: bool) -> String {
        render(&self.diagnostics, color)
    }

    /// Process exit code for a command that failed on these errors.
    pub fn exit_code(&self) -> i32 {
        1
    }
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.error_count();
        write!(
            f,
            "the scenario file has {n} error{}",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for ScenarioErrors {}

impl miette::Diagnostic for ScenarioErrors {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.diagnostics
                .iter()
                .map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

/// Renders diagnostics with miette's graphical handler (plain Unicode when
/// `color` is false), each followed by a blank line.
pub fn render(diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        let mut one = String::new();
        if handler.render_report(&mut one, d).is_err() {
            // Rendering only fails on a formatter error; fall back to text.
            one = match &d.location {
                Some(l) => format!("{l}: {}\n", d.message),
                None => format!("{}\n", d.message),
            };
        }
        out.push_str(&one);
        if !one.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Clamps a span to the text and moves both ends to char boundaries.
pub(crate) fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let len = text.len();
    let mut start = span.start.min(len);
    let mut end = span.end.min(len).max(start);
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    while end < len && !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// 1-based line and column (in chars) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp_span(text, offset..offset).start;
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}
