//! The command-line interface. One file per command; to add one, add a
//! variant to [`Command`] and an arm to [`run`].

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::scenario::{Diagnostic, ScenarioErrors, Severity};

pub mod chart;
pub mod common;
pub mod compare;
pub mod decompose;
pub mod discover;
pub mod explain;
pub mod init;
pub mod interrupt;
pub mod list;
pub mod merge;
pub use crate::study::out_dir;
pub mod patterns;
pub mod run;
pub mod schema;
pub mod sensitivity;
pub mod serve;
pub mod show;
pub mod sweep;
pub mod validate;

const ABOUT: &str = "Agent-based Monte Carlo simulator of security-guarantee packages for \
Ukraine after a ceasefire. Exploratory, not a forecast.";

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim run                                  simulate the bundled Paris 2026 scenario file
  guarantee-sim explain --package paris-draft --scenario renewed-attack
                                                     tell the story of one run
  guarantee-sim chart output/paris-2026              redraw its charts (png, svg, sizes)
  guarantee-sim sweep --param countries.united-states.resolve=0.1..0.9:9
                                                     hold rates as one assumption varies
  guarantee-sim compare scenarios/paris-2026.toml my-what-if.toml
                                                     a what-if against its base, paired
  guarantee-sim sensitivity --param countries.united-states.resolve=0.1..0.9 --param ...
                                                     which assumptions drive which rates
  guarantee-sim discover --package paris-draft --param countries.united-states.resolve=0.1..0.9
                                                     the conditions under which a package fails
  guarantee-sim serve --open                         a what-if page: move a lever, see which packages hold
  guarantee-sim validate scenarios/paris-2026.toml   check a scenario file
  guarantee-sim list scenarios/paris-2026.toml       show its countries, packages, scenarios
  guarantee-sim show --package paris-draft           one entry with its comments (works anywhere)
  guarantee-sim init my-what-if.toml                 start a what-if file of your own
  guarantee-sim schema > scenario.schema.json        JSON Schema for editor completion

Run `guarantee-sim help COMMAND` for more on each command.";

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(name = "guarantee-sim", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// When to colour error messages (NO_COLOR=1 also turns colour off).
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every feasible package under every scenario, many times, and write the results.
    Run(run::Args),
    /// Replay one run and tell, month by month, what happened and why.
    Explain(explain::Args),
    /// Hold rates over a grid of one or two parameters of the scenario file.
    Sweep(sweep::Args),
    /// Run a what-if file and its base on the same random numbers and show the paired differences.
    Compare(compare::Args),
    /// Which parameters drive each package's rates (Morris or Sobol).
    Sensitivity(sensitivity::Args),
    /// The conditions under which a package fails (scenario discovery with PRIM).
    Discover(discover::Args),
    /// Write the outputs of a study computed in shards (`--shard K/N`), as one machine would.
    Merge(merge::Args),
    /// Redraw the charts of an earlier run from its CSV files (no new simulation).
    Chart(chart::Args),
    /// Check the scenario file's patterns from the literature against the model.
    Patterns(patterns::Args),
    /// What each component of a package is worth: removed one at a time, added one at a time.
    Decompose(decompose::Args),
    /// A local what-if page: move a lever, see which packages hold, save the file.
    Serve(serve::Args),
    /// Check scenario files and report every problem with file and line.
    Validate(validate::Args),
    /// Show the countries, packages and scenarios of a scenario file.
    List(list::Args),
    /// Print a scenario file's entries with their comments, as each file writes them and as resolved.
    Show(show::Args),
    /// Write a small starter file that extends the bundled scenario file.
    Init(init::Args),
    /// Print the JSON Schema of the scenario file format.
    Schema(schema::Args),
}

/// What every command gets besides its own arguments.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Colour diagnostics on stderr.
    pub color: bool,
}

impl Context {
    pub fn new(choice: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
        };
        Context { color }
    }

    /// Prints diagnostics (errors and warnings) about `file` to stderr with
    /// miette. Warnings a parent file has on its own (whatever `file`
    /// says; a warning `file` caused points at `file`, see
    /// [`crate::scenario::Loaded::warnings`]) are counted in one line, so
    /// that the user's own problems fit on a screen.
    pub fn print_diagnostics(&self, file: &str, diagnostics: &[Diagnostic]) {
        let shown: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| !in_bundled_file(d))
            .cloned()
            .collect();
        if !shown.is_empty() {
            eprint!("{}", crate::scenario::render(&shown, self.color));
        }
        let hidden = diagnostics.len() - shown.len();
        if hidden > 0 {
            eprintln!(
                "note: {hidden} warning{} that the file it extends has on its own, not caused by {file}, not shown (`guarantee-sim validate --all-warnings {file}` shows them)",
                if hidden == 1 { "" } else { "s" },
            );
        }
    }

    /// Prints every diagnostic, the bundled parent's own warnings too.
    pub fn print_all_diagnostics(&self, diagnostics: &[Diagnostic]) {
        if !diagnostics.is_empty() {
            eprint!("{}", crate::scenario::render(diagnostics, self.color));
        }
    }

    /// Prints a failed load: every diagnostic, then a one-line summary.
    pub fn print_errors(&self, path: &str, errors: &ScenarioErrors) {
        self.print_diagnostics(path, &errors.diagnostics);
        let n = errors.error_count();
        eprintln!(
            "error: {path}: {n} error{} found",
            if n == 1 { "" } else { "s" }
        );
    }
}

/// Parses the command line, runs the command and returns the exit code:
/// 0 success, 1 failure (e.g. scenario errors), 2 usage error.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) => run(cli),
        Err(e) if e.kind() == clap::error::ErrorKind::InvalidUtf8 => {
            eprintln!("error: {}", non_utf8_argument(&args));
            ExitCode::from(2)
        }
        Err(e) => e.exit(),
    }
}

/// Names the flag whose value is not UTF-8 (clap only says that some
/// argument is). Paths may be any bytes; names, ids and numbers may not.
fn non_utf8_argument(args: &[std::ffi::OsString]) -> String {
    let Some(at) = args
        .iter()
        .skip(1)
        .position(|a| a.to_str().is_none())
        .map(|i| i + 1)
    else {
        return "an argument is not valid UTF-8 text".to_string();
    };
    let shown = args[at].to_string_lossy();
    let (flag, value) = match shown.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => (Some(flag.to_string()), value),
        _ => (
            args.get(at - 1)
                .and_then(|a| a.to_str())
                .filter(|a| a.starts_with('-'))
                .map(str::to_string),
            shown.as_ref(),
        ),
    };
    let value: String = value.chars().take(60).collect();
    match flag {
        Some(flag) => format!(
            "{flag}: the value `{value}` is not valid UTF-8 text; ids, names and numbers are plain text (e.g. paris-draft)"
        ),
        None => format!("the argument `{value}` is not valid UTF-8 text"),
    }
}

/// Runs parsed arguments.
pub fn run(cli: Cli) -> ExitCode {
    let ctx = Context::new(cli.color);
    let result = match &cli.command {
        Command::Run(args) => run::run(&ctx, args),
        Command::Explain(args) => explain::run(&ctx, args),
        Command::Sweep(args) => sweep::run(&ctx, args),
        Command::Compare(args) => compare::run(&ctx, args),
        Command::Sensitivity(args) => sensitivity::run(&ctx, args),
        Command::Discover(args) => discover::run(&ctx, args),
        Command::Merge(args) => merge::run(&ctx, args),
        Command::Chart(args) => chart::run(&ctx, args),
        Command::Patterns(args) => patterns::run(&ctx, args),
        Command::Decompose(args) => decompose::run(&ctx, args),
        Command::Serve(args) => serve::run(&ctx, args),
        Command::Validate(args) => validate::run(&ctx, args),
        Command::List(args) => list::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Init(args) => init::run(&ctx, args),
        Command::Schema(args) => schema::run(&ctx, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            ExitCode::FAILURE
        }
    }
}

/// A warning that is not the user's: one a parent file has on its own, or
/// (when the file could not be compared with its parent) one located in a
/// scenario file built into the binary.
pub(crate) fn in_bundled_file(d: &Diagnostic) -> bool {
    d.severity == Severity::Warning
        && (d.inherited
            || d.location
                .as_ref()
                .is_some_and(|l| l.path.starts_with(crate::scenario::BUNDLED_PREFIX)))
}

/// An error and its causes as one line, "a: b: c", leaving out a cause
/// whose text the message before it already quotes (many messages name
/// their cause, e.g. "cannot read x: No such file or directory").
fn error_chain(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// Left-aligned plain-text table.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| -> String {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(w.saturating_sub(c.chars().count()) + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    out += &line(widths.iter().map(|w| "-".repeat(*w)).collect());
    for r in rows {
        out += &line(r.clone());
    }
    out
}
