//! Diagnostics: errors and warnings about scenario files, with the file,
//! line, column and byte span they refer to, rendered with miette.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

/// Longest source line shown whole; around a longer one (a minified or
/// hostile file) only an excerpt of the span is shown. The report puts a
/// gutter (line number and bar, up to about 12 characters) before each
/// line, and a shown line must stay within 200 characters.
const LONGEST_LINE_SHOWN: usize = 180;
/// Characters of context kept on each side of a span in an excerpt.
const EXCERPT_CONTEXT: usize = 40;
/// Longest span shown in an excerpt.
const LONGEST_SPAN_SHOWN: usize = 80;
/// Longest message or help text; longer ones echo input and are cut.
const LONGEST_TEXT: usize = 400;

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
    source: Option<Shown>,
    labels: Vec<(Range<usize>, Option<String>)>,
    /// A problem others follow from (a syntax error, an invalid id): shown
    /// before the errors it causes.
    root_cause: bool,
}

/// The text a diagnostic shows: a whole file, or an excerpt of one long
/// line that knows its real line and column.
#[derive(Debug, Clone)]
struct Shown {
    name: String,
    text: Arc<str>,
    /// 0-based line of the text's first line in the file.
    first_line: usize,
    /// Column in the file of the excerpt's first character, less any
    /// marker put before it.
    first_column: usize,
}

impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_ref().read_span(span, before, after)?;
        let column = if inner.line() == 0 {
            inner.column() + self.first_column
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// `text` cut to `max` characters, saying how much was left out.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!(
            "{}… ({} more characters)",
            &text[..cut],
            text[cut..].chars().count()
        ),
    }
}

impl Diagnostic {
    /// An error without a place in a file (e.g. "file not found").
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: shorten(&message.into(), LONGEST_TEXT),
            help: None,
            location: None,
            inherited: false,
            source: None,
            labels: Vec::new(),
            root_cause: false,
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
        self.help = Some(shorten(&help.into(), LONGEST_TEXT));
        self
    }

    /// Marks a problem that others follow from, to be shown first.
    pub(crate) fn marked_root_cause(mut self) -> Self {
        self.root_cause = true;
        self
    }

    pub(crate) fn is_root_cause(&self) -> bool {
        self.root_cause
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
        // One line at most: a span over a long array would print all of it.
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[span.start..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        let span = span.start..span.end.min(line_end);
        // The line before and after are shown too.
        let context_start = text[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let context_end = text[line_end.min(text.len())..]
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '\n')
            .map_or(text.len(), |(i, _)| line_end + i);
        let too_long = text[context_start..context_end]
            .split('\n')
            .any(|l| l.len() > LONGEST_LINE_SHOWN);
        if too_long {
            let (shown, span) = excerpt(text, line_start..line_end, span, column);
            self.source = Some(Shown {
                name: path.to_string(),
                text: Arc::from(shown.text),
                first_line: line - 1,
                first_column: shown.first_column,
            });
            self.labels.insert(0, (span, label));
            return self;
        }
        self.source = Some(Shown {
            name: path.to_string(),
            text: Arc::clone(text),
            first_line: 0,
            first_column: 0,
        });
        self.labels.insert(0, (span, label));
        self
    }

    /// Adds a secondary label in the same file (ignored without a source).
    /// A label far from the primary one is named by its line in the
    /// primary label instead: a snippet shows every line between its
    /// labels, and twenty such diagnostics would fill many screens.
    pub(crate) fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        // Not in an excerpt: the excerpt holds the primary span only.
        let Some(src) = self.source.as_ref().filter(|s| s.first_line == 0) else {
            return self;
        };
        let span = clamp_span(&src.text, span);
        let (line, _) = line_col(&src.text, span.start);
        let primary_line = self.location.as_ref().map_or(line, |l| l.line);
        if line.abs_diff(primary_line) <= MAX_LINES_BETWEEN_LABELS {
            self.labels.push((span, Some(label.into())));
        } else if let Some((_, primary)) = self.labels.first_mut() {
            let named = format!("{}: line {line}", label.into());
            *primary = Some(match primary.take() {
                Some(text) => format!("{text} ({named})"),
                None => named,
            });
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
    /// Errors found but not kept (only the first
    /// [`MAX_DIAGNOSTICS`](super::MAX_DIAGNOSTICS) problems are).
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

/// An excerpt of one long line around `span`, cut at both ends with
/// markers, and the span's place in it.
struct Excerpt {
    text: String,
    first_column: usize,
}

fn excerpt(
    text: &str,
    line: Range<usize>,
    span: Range<usize>,
    column: usize,
) -> (Excerpt, Range<usize>) {
    let back = |from: usize, chars: usize| {
        text[line.start..from]
            .char_indices()
            .rev()
            .nth(chars.saturating_sub(1))
            .map_or(line.start, |(i, _)| line.start + i)
    };
    let forward = |from: usize, chars: usize| {
        text[from..line.end]
            .char_indices()
            .nth(chars)
            .map_or(line.end, |(i, _)| from + i)
    };
    let span_end = forward(span.start, LONGEST_SPAN_SHOWN).min(span.end);
    let start = back(span.start, EXCERPT_CONTEXT);
    let end = forward(span_end, EXCERPT_CONTEXT);
    let before = if start > line.start { "…" } else { "" };
    let after = if end < line.end { "…" } else { "" };
    let shown = format!("{before}{}{after}", &text[start..end]);
    let offset = before.len();
    let span_in = (span.start - start + offset)..(span_end - start + offset);
    let chars_before = text[start..span.start].chars().count() + before.chars().count();
    (
        Excerpt {
            text: shown,
            first_column: (column - 1).saturating_sub(chars_before),
        },
        span_in,
    )
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
/// Most lines between two labels shown in one snippet.
const MAX_LINES_BETWEEN_LABELS: usize = 6;

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp_span(text, offset..offset).start;
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}
