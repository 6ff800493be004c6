//! Scenario files: reading, `extends`, validation with source spans, stated
//! constraints, and compilation into [`crate::model::params::World`].
//!
//! The entry point is [`load`]:
//!
//! ```no_run
//! use std::path::Path;
//! match guarantee_sim::scenario::load(Path::new("scenarios/paris-2026.toml")) {
//!     Ok(loaded) => {
//!         let world = &loaded.world; // what the simulation runs on
//!         println!("{} packages, hash {}", world.packages.len(), loaded.sha256);
//!     }
//!     Err(errors) => {
//!         eprint!("{}", errors.render(false)); // every error, with file:line
//!         std::process::exit(errors.exit_code());
//!     }
//! }
//! ```

pub mod format;

mod check;
mod constraints;
mod diag;
pub mod diff;
mod edits;
mod expand;
mod items;
pub mod levers;
mod path;
mod patterns;
pub mod read;
mod schema;
pub mod show;
mod source;
pub(crate) mod suggest;
mod tree;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use toml::de::DeTable;

pub use diag::{Diagnostic, Location, ScenarioErrors, Severity, render};
pub use path::PathError;
pub use patterns::DEFAULT_BASELINE;
pub use schema::{json_schema, units_table_markdown};
pub use source::{BUNDLED, MAX_FILE_BYTES, SourceFile, bundled};

use crate::model::params::World;
use tree::{FileId, Node, Value};

/// Most diagnostics reported, so that they fit on a screen or two; the rest
/// are counted (and not worked out in detail, which keeps a huge broken
/// file from taking minutes to report).
pub const MAX_DIAGNOSTICS: usize = 20;

/// How a file embedded in the binary is named in messages.
pub const BUNDLED_PREFIX: &str = "<bundled>/";

/// Deepest `extends` chain accepted.
const MAX_EXTENDS_DEPTH: usize = 32;

/// A scenario file, checked and compiled.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// What the simulation runs on.
    pub world: World,
    /// The merged file as typed values (extends resolved), for listings.
    pub spec: format::ScenarioFile,
    /// Every file used, the named file first, then its parent, and so on.
    pub sources: Vec<SourceFile>,
    /// The merged file re-serialized as TOML (extends resolved; no
    /// comments). Store it with a run's results: it reproduces the input.
    pub resolved_toml: String,
    /// SHA-256 of `resolved_toml`, lower-case hex.
    pub sha256: String,
    /// Warnings (e.g. troops above a pledge, troops kept home by a
    /// constraint). A warning that the named file caused in an entry of a
    /// file it extends points at the named file; warnings that sit in a
    /// parent file are the parent's own. Errors never reach here.
    pub warnings: Vec<Diagnostic>,
    /// The file's `[[patterns]]`, compiled (checked by `guarantee-sim
    /// patterns`; the simulation itself never reads them).
    pub patterns: Vec<crate::model::patterns::Pattern>,
}

/// Reads, checks and compiles a scenario file and the files it extends.
///
/// All independent problems are reported together; nothing here panics on
/// any input.
pub fn load(path: &Path) -> Result<Loaded, ScenarioErrors> {
    merge(path)?.compile()
}

/// Like [`load`], for text already in memory. `name` is shown in messages;
/// a relative `extends` is looked up in `dir`, or only among the bundled
/// files when `dir` is `None`.
pub fn load_str(name: &str, text: &str, dir: Option<&Path>) -> Result<Loaded, ScenarioErrors> {
    merge_str(name, text, dir)?.compile()
}

/// Reads a scenario file and the files it extends, merged but not yet
/// compiled, so that values can be changed by path first (see
/// [`Merged::set`]).
pub fn merge(path: &Path) -> Result<Merged, ScenarioErrors> {
    let text = source::read_text(path).map_err(|d| ScenarioErrors::from(*d))?;
    let disk = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    merge_file(SourceFile {
        path: path.display().to_string(),
        disk_path: Some(disk),
        text: Arc::from(text),
    })
}

/// Like [`merge`], for text already in memory (see [`load_str`]).
pub fn merge_str(name: &str, text: &str, dir: Option<&Path>) -> Result<Merged, ScenarioErrors> {
    source::check_text(name, text).map_err(|d| ScenarioErrors::from(*d))?;
    merge_file(SourceFile {
        path: name.to_string(),
        disk_path: dir.map(|d| d.join(name)),
        text: Arc::from(text),
    })
}

/// Shared state while loading: the files read and the diagnostics found.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub files: Vec<SourceFile>,
    pub diags: Vec<Diagnostic>,
    tainted: HashSet<(FileId, usize, usize)>,
    /// Diagnostics beyond [`MAX_DIAGNOSTICS`], not kept.
    suppressed: usize,
    /// Every diagnostic pushed, kept or not.
    pub pushed: usize,
    /// Every error pushed, kept or not.
    pub errors: usize,
    /// Country ids by name, built on the first look-up (see
    /// [`Ctx::country_lookup`]).
    countries: Option<CountryLookup>,
}

/// Country ids as maps, so that resolving every reference in a file with
/// thousands of countries stays linear.
#[derive(Clone)]
pub(crate) struct CountryLookup {
    /// Ids of the countries that compiled, to their index.
    pub compiled: std::collections::HashMap<String, usize>,
    /// Ids of every `[[countries]]` entry, with errors or not.
    pub all: HashSet<String>,
}

impl Ctx {
    fn new() -> Self {
        Ctx {
            files: Vec::new(),
            diags: Vec::new(),
            tainted: HashSet::new(),
            suppressed: 0,
            pushed: 0,
            errors: 0,
            countries: None,
        }
    }

    fn make(
        &self,
        d: Diagnostic,
        file: FileId,
        span: Range<usize>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        if self.diags.len() >= MAX_DIAGNOSTICS {
            // Not kept anyway: skip the line and column computation.
            return d;
        }
        let help: String = help.into();
        let d = if help.is_empty() {
            d
        } else {
            d.with_help(help)
        };
        match self.files.get(file) {
            Some(f) => d.at(&f.path, &f.text, span, Some(label.into())),
            None => d,
        }
    }

    pub fn error_at(
        &mut self,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = self.make(Diagnostic::error(message), file, span, label, help);
        self.push(d);
    }

    pub fn warn_at(
        &mut self,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        let d = self.make(Diagnostic::warning(message), file, span, label, help);
        self.push(d);
    }

    /// An error about `node`'s value, in the file that value came from
    /// (after `extends`, a table and its values may come from different
    /// files).
    pub fn error_at_node(
        &mut self,
        node: &Node,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.error_at(node.file, node.span.clone(), message, label, help);
    }

    /// A warning about `node`'s value, in the file that value came from.
    pub fn warn_at_node(
        &mut self,
        node: &Node,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.warn_at(node.file, node.span.clone(), message, label, help);
    }

    pub fn make_error(
        &self,
        message: impl Into<String>,
        file: FileId,
        span: Range<usize>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.make(Diagnostic::error(message), file, span, label, help)
    }

    pub fn make_warning(
        &self,
        message: impl Into<String>,
        file: FileId,
        span: Range<usize>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.make(Diagnostic::warning(message), file, span, label, help)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.pushed += 1;
        if d.is_error() {
            self.errors += 1;
        }
        if self.diags.len() >= MAX_DIAGNOSTICS {
            // Errors still count: an error must never be lost entirely.
            if d.is_error() {
                self.suppressed += 1;
            }
            return;
        }
        self.diags.push(d);
    }

    /// Counts errors that are found but not worth showing.
    pub fn count_unshown_errors(&mut self, n: usize) {
        self.pushed += n;
        self.errors += n;
        self.suppressed += n;
    }

    /// `path:line` of a span.
    pub fn file_line(&self, file: FileId, span: &Range<usize>) -> String {
        match self.files.get(file) {
            Some(f) => format!("{}:{}", f.path, diag::line_col(&f.text, span.start).0),
            None => "?".into(),
        }
    }

    /// The maps of `ids` (countries that compiled) and `all_ids`; built
    /// once per load, as both lists are fixed once countries are compiled.
    pub(crate) fn country_lookup(&mut self, ids: &[String], all_ids: &[String]) -> &CountryLookup {
        self.countries.get_or_insert_with(|| CountryLookup {
            compiled: ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), i))
                .collect(),
            all: all_ids.iter().cloned().collect(),
        })
    }

    /// Will the next diagnostic be kept? Suggestions and lists are only
    /// worth computing for the ones shown.
    pub fn wants_detail(&self) -> bool {
        self.diags.len() < MAX_DIAGNOSTICS
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Marks an item that had errors, so later checks do not report
    /// follow-on errors about it (e.g. a missing field that was removed).
    pub fn taint(&mut self, n: &Node) {
        self.tainted.insert((n.file, n.span.start, n.span.end));
    }

    pub fn is_tainted(&self, n: &Node) -> bool {
        self.tainted.contains(&(n.file, n.span.start, n.span.end))
    }
}

/// A scenario file with its `extends` chain merged into one tree, and the
/// problems found so far; [`Merged::compile`] checks and compiles it.
#[derive(Clone)]
pub struct Merged {
    ctx: Ctx,
    tree: Node,
}

fn merge_file(first: SourceFile) -> Result<Merged, ScenarioErrors> {
    let mut ctx = Ctx::new();
    let mut trees: Vec<Node> = Vec::new();
    let mut chain: Vec<String> = Vec::new();
    let mut next = Some(first);
    while let Some(file) = next.take() {
        let id = ctx.files.len();
        chain.push(chain_key(&file));
        ctx.files.push(file.clone());
        let tree = parse(&mut ctx, id, &file.text);
        if let Some(ext) = tree.get("extends") {
            next = parent_of(&mut ctx, &file, ext, &chain);
        }
        trees.push(tree);
    }
    if ctx.has_errors() {
        // Syntax errors or a broken chain: the tree is incomplete, and
        // checking it would only add noise.
        return Err(errors(ctx));
    }
    for t in &trees {
        check_ids(&mut ctx, t);
    }

    // Merge parents first, then each child on top.
    let Some(mut merged) = trees.pop() else {
        return Err(errors(ctx));
    };
    while let Some(child) = trees.pop() {
        tree::merge_root(&mut merged, child);
    }
    merged.remove("extends");
    drop_non_finite(&mut ctx, &mut merged);
    Ok(Merged { ctx, tree: merged })
}

impl Merged {
    /// Checks and compiles the merged file, reporting every problem found
    /// since it was read; warnings the user's file caused in the file it
    /// extends are moved to the user's file (see [`Loaded::warnings`]).
    pub fn compile(self) -> Result<Loaded, ScenarioErrors> {
        let mut loaded = self.compile_plain()?;
        edits::attribute(&mut loaded);
        Ok(loaded)
    }

    /// [`Merged::compile`] without comparing the file with its parent (for
    /// values set by path, compiled many times).
    pub(crate) fn compile_plain(self) -> Result<Loaded, ScenarioErrors> {
        let Merged { mut ctx, mut tree } = self;
        expand::expand(&mut ctx, &mut tree);
        let parsed = items::read(&mut ctx, &tree);
        let world = check::compile(&mut ctx, &parsed);
        if world.is_some() && !ctx.has_errors() {
            edits::warn_shadowed(&mut ctx, &tree);
        }
        let compiled_patterns = match &world {
            Some(w) => patterns::compile(&mut ctx, &parsed, w),
            None => Vec::new(),
        };
        let spec = parsed.spec;
        match world {
            Some(world) if !ctx.has_errors() => {
                let resolved_toml = toml::to_string(&tree.to_toml()).unwrap_or_default();
                let sha256 = sha256_hex(&resolved_toml);
                Ok(Loaded {
                    world,
                    spec,
                    sources: ctx.files,
                    resolved_toml,
                    sha256,
                    warnings: ctx.diags,
                    patterns: compiled_patterns,
                })
            }
            _ => Err(errors(ctx)),
        }
    }
}

fn errors(ctx: Ctx) -> ScenarioErrors {
    let mut diagnostics = ctx.diags;
    if ctx.suppressed > 0 {
        diagnostics.push(Diagnostic::warning(format!(
            "{} more error{} not shown (fix the ones above first: later errors often follow from them)",
            ctx.suppressed,
            if ctx.suppressed == 1 { "" } else { "s" }
        )));
    }
    // Errors first, then in file order (the named file first), by line.
    let files: Vec<String> = ctx.files.iter().map(|f| f.path.clone()).collect();
    diagnostics.sort_by_key(|d| {
        let at = d.location.as_ref().map(|l| {
            let file = files
                .iter()
                .position(|f| *f == l.path)
                .unwrap_or(usize::MAX);
            (file, l.line, l.column)
        });
        (d.severity, !d.is_root_cause(), at)
    });
    ScenarioErrors {
        diagnostics,
        hidden_errors: ctx.suppressed,
    }
}

/// Why a package is infeasible, one clause per broken constraint:
/// "constraint `c` (country): reason; ...".
pub fn infeasible_reasons(p: &crate::model::params::InfeasiblePackage) -> String {
    p.violations
        .iter()
        .map(|v| {
            format!(
                "constraint `{}` ({}): {}",
                v.constraint, v.country, v.reason
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// SHA-256 of a resolved scenario file, lower-case hex, as
/// [`Loaded::sha256`] and a manifest's `scenario_sha256` record it.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn chain_key(f: &SourceFile) -> String {
    match &f.disk_path {
        Some(p) => p.display().to_string(),
        None => f.path.clone(),
    }
}

/// Parses one file, reporting every syntax error the parser recovers from.
fn parse(ctx: &mut Ctx, id: FileId, text: &str) -> Node {
    let (doc, errs) = DeTable::parse_recoverable(text);
    // After a few syntax errors the rest are mostly echoes of the first
    // (and a file that is not TOML at all has one per line): count them.
    const MOST_SYNTAX_ERRORS: usize = 5;
    ctx.count_unshown_errors(errs.len().saturating_sub(MOST_SYNTAX_ERRORS));
    for e in errs.iter().take(MOST_SYNTAX_ERRORS) {
        let span = e.span().unwrap_or(0..0);
        let d = ctx.make(
            Diagnostic::error(format!("TOML syntax error: {}", e.message().trim()))
                .marked_root_cause(),
            id,
            span,
            "here",
            "see https://toml.io for the syntax; strings need double quotes, \
             tables are written [name], entries of a list [[name]]",
        );
        ctx.push(d);
    }
    let mut issues = Vec::new();
    let node = Node::from_document(id, doc.get_ref(), &mut issues);
    for i in issues {
        ctx.error_at(id, i.span, i.message, "here", i.help);
    }
    node
}

/// Whether an id can serve everywhere it is used: on the command line, as
/// a CSV key and in chart file names (`hold-rate-<scenario>.png`).
fn id_is_well_formed(id: &str) -> bool {
    id.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// An id made well-formed, to suggest.
fn slug(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Reports ids that are not well-formed, and ids used twice in one file
/// (across files, the same id merges).
fn check_ids(ctx: &mut Ctx, root: &Node) {
    for key in tree::MERGE_BY_ID {
        let Some(entries) = root.get(key).and_then(Node::as_array) else {
            continue;
        };
        let mut seen: std::collections::HashMap<&str, &Node> = std::collections::HashMap::new();
        for n in entries {
            let Some(idn) = n.get("id") else { continue };
            let Some(id) = idn.as_str() else { continue };
            if !id_is_well_formed(id) {
                let suggestion = slug(id);
                let help = if suggestion.is_empty() {
                    "use lowercase letters, digits, `-` and `_`, e.g. `renewed-attack`".to_string()
                } else {
                    format!("use lowercase letters, digits, `-` and `_`: e.g. `{suggestion}`")
                };
                let d = ctx.make(
                    Diagnostic::error(format!(
                        "id `{id}` in `{key}` is not a valid id: ids name command-line arguments, CSV keys and chart files"
                    ))
                    .marked_root_cause(),
                    idn.file,
                    idn.span.clone(),
                    "not a valid id",
                    help,
                );
                ctx.push(d);
            }
            if let Some(first) = seen.get(id) {
                let first_span = first.span.clone();
                let d = ctx
                    .make(
                        Diagnostic::error(format!("duplicate id `{id}` in `{key}`")),
                        idn.file,
                        idn.span.clone(),
                        "used again here",
                        "give each entry its own id; to change an entry of a parent file, \
                         use the same id in the file that extends it",
                    )
                    .also(first_span, "first defined here");
                ctx.push(d);
            } else {
                seen.insert(id, n);
            }
        }
    }
}

/// Finds and reads the file named by `extends`.
fn parent_of(
    ctx: &mut Ctx,
    child: &SourceFile,
    ext: &Node,
    chain: &[String],
) -> Option<SourceFile> {
    let Some(name) = ext.as_str() else {
        ctx.error_at(
            ext.file,
            ext.span.clone(),
            format!("`extends` must be a string, found {}", ext.type_name()),
            "not a string",
            "write e.g. extends = \"paris-2026.toml\"",
        );
        return None;
    };
    if chain.len() >= MAX_EXTENDS_DEPTH {
        ctx.error_at(
            ext.file,
            ext.span.clone(),
            format!("`extends` chain deeper than {MAX_EXTENDS_DEPTH} files"),
            "here",
            "",
        );
        return None;
    }
    let bundled_names: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
    let on_disk: Option<PathBuf> = child
        .disk_path
        .as_ref()
        .and_then(|p| p.parent())
        .map(|dir| dir.join(name))
        .filter(|p| p.exists());
    let parent = if let Some(p) = on_disk {
        let shown = Path::new(&child.path)
            .parent()
            .map(|d| d.join(name))
            .unwrap_or_else(|| PathBuf::from(name))
            .display()
            .to_string();
        match source::read_text(&p) {
            Ok(text) => SourceFile {
                path: shown,
                disk_path: Some(p.canonicalize().unwrap_or(p)),
                text: Arc::from(text),
            },
            Err(d) => {
                ctx.error_at(
                    ext.file,
                    ext.span.clone(),
                    format!("cannot use the parent file: {}", d.message),
                    "extended here",
                    d.help.unwrap_or_default(),
                );
                return None;
            }
        }
    } else if let Some(text) = bundled(name) {
        SourceFile {
            path: format!("{BUNDLED_PREFIX}{name}"),
            disk_path: None,
            text: Arc::from(text),
        }
    } else {
        let mut names: Vec<String> = ctx.files.iter().map(|f| f.path.clone()).collect();
        names.push(name.to_string());
        let looked = child
            .disk_path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|d| format!(" (looked for {})", d.join(name).display()))
            .unwrap_or_default();
        ctx.error_at(
            ext.file,
            ext.span.clone(),
            format!("parent file `{name}` not found{looked}"),
            "extended here",
            format!(
                "chain: {}; `extends` is relative to the file that names it; bundled files \
                 usable by bare name: {}",
                names.join(" -> "),
                bundled_names.join(", ")
            ),
        );
        return None;
    };
    let key = chain_key(&parent);
    if let Some(i) = chain.iter().position(|k| *k == key) {
        let mut names: Vec<String> = ctx.files.iter().skip(i).map(|f| f.path.clone()).collect();
        names.push(parent.path.clone());
        ctx.error_at(
            ext.file,
            ext.span.clone(),
            format!("`extends` cycle: {}", names.join(" -> ")),
            "closes the cycle",
            "a file cannot extend itself, directly or through other files; remove one `extends`",
        );
        return None;
    }
    Some(parent)
}

/// Reports and removes NaN and infinite numbers, wherever they are; the
/// tables that held them are marked so no "missing field" follows.
fn drop_non_finite(ctx: &mut Ctx, n: &mut Node) {
    type Spot = (FileId, Range<usize>, Range<usize>);
    fn strip(n: &mut Node, bad: &mut Vec<Spot>, tainted: &mut Vec<(FileId, Range<usize>)>) -> bool {
        let is_bad = |c: &Node| matches!(c.value, Value::Float(f) if !f.is_finite());
        let before = bad.len();
        let mut below = false;
        match &mut n.value {
            Value::Table(t) => {
                t.retain(|(_, c)| {
                    if is_bad(c) {
                        bad.push((c.file, c.key_span.clone(), c.span.clone()));
                        false
                    } else {
                        true
                    }
                });
                for (_, c) in t.iter_mut() {
                    below |= strip(c, bad, tainted);
                }
            }
            Value::Array(a) => {
                a.retain(|c| {
                    if is_bad(c) {
                        bad.push((c.file, c.span.clone(), c.span.clone()));
                        false
                    } else {
                        true
                    }
                });
                for c in a.iter_mut() {
                    below |= strip(c, bad, tainted);
                }
            }
            _ => {}
        }
        let hit = below || bad.len() > before;
        if hit {
            tainted.push((n.file, n.span.clone()));
        }
        hit
    }
    let mut bad = Vec::new();
    let mut tainted = Vec::new();
    strip(n, &mut bad, &mut tainted);
    for (file, span) in tainted {
        ctx.tainted.insert((file, span.start, span.end));
    }
    for (file, key_span, span) in bad {
        let key = ctx
            .files
            .get(file)
            .and_then(|f| f.text.get(key_span.clone()))
            .unwrap_or("value")
            .to_string();
        ctx.error_at(
            file,
            span,
            format!("`{key}` is not a finite number"),
            "nan and inf are not allowed",
            "every number in a scenario file must be finite",
        );
    }
}
