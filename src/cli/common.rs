//! Pieces `run` and `explain` share: which scenario file to read, and
//! checking package and scenario names given on the command line.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::Context;
use super::run::{parse_count, parse_threads};
use crate::model::params::World;
use crate::scenario::suggest::did_you_mean;
use crate::scenario::{self, Loaded, Merged};

/// The bundled scenario file, relative to the working directory.
pub const DEFAULT_SCENARIO: &str = "scenarios/paris-2026.toml";

/// A scenario file read for a command, with the name to show for it.
pub struct Input {
    pub loaded: Loaded,
    /// As given, or the default.
    pub shown: String,
    /// File stem, for the default output folder.
    pub stem: String,
}

/// Loads FILE, or the bundled scenario when none is given (the copy in
/// `scenarios/` if the working directory has one, else the copy built into
/// the binary). Prints every error and returns `None` if the file is not
/// valid.
pub fn load_input(ctx: &Context, file: Option<&Path>) -> Option<Input> {
    merge_input(ctx, file).map(|(_, input)| input)
}

/// Like [`load_input`], also returning the merged file before compiling,
/// for commands that change its values.
pub fn merge_input(ctx: &Context, file: Option<&Path>) -> Option<(Merged, Input)> {
    let built_in = file
        .filter(|p| !p.exists())
        .and_then(|p| p.to_str())
        .and_then(|name| scenario::bundled(name).map(|text| (name, text)));
    let (merged, shown, stem) = match (file, built_in) {
        // A bundled file named bare and not found here: the built-in copy
        // (the name a starter file's `extends` uses works anywhere).
        (_, Some((name, text))) => (
            scenario::merge_str(name, text, None),
            format!("{name} (built in)"),
            stem_of(Path::new(name)),
        ),
        (Some(path), None) => (
            scenario::merge(path),
            path.display().to_string(),
            stem_of(path),
        ),
        (None, None) if Path::new(DEFAULT_SCENARIO).is_file() => {
            let path = PathBuf::from(DEFAULT_SCENARIO);
            (
                scenario::merge(&path),
                DEFAULT_SCENARIO.to_string(),
                stem_of(&path),
            )
        }
        (None, None) => {
            let (name, text) = scenario::BUNDLED[0];
            (
                scenario::merge_str(name, text, None),
                format!("{name} (built in)"),
                stem_of(Path::new(name)),
            )
        }
    };
    let result = merged.and_then(|m| Ok((m.clone(), m.compile()?)));
    match result {
        Ok((merged, loaded)) => {
            // Warnings are for editing a file (`validate` shows them in
            // full); here one line is enough, and the bundled parent's
            // warnings (there by design) are not the user's to fix.
            let n = loaded
                .warnings
                .iter()
                .filter(|d| !super::in_bundled_file(d))
                .count();
            if n > 0 {
                // The command must work wherever it is typed: a built-in
                // file is named by its bare name, which `validate` finds.
                let named = shown.trim_end_matches(" (built in)");
                eprintln!(
                    "note: {shown} has {n} warning{} (troops above pledges, troops kept home by a constraint); `guarantee-sim validate {named}` shows them",
                    if n == 1 { "" } else { "s" }
                );
            }
            Some((
                merged,
                Input {
                    loaded,
                    shown,
                    stem,
                },
            ))
        }
        Err(errors) => {
            ctx.print_errors(&shown, &errors);
            None
        }
    }
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "scenario".to_string())
}

/// Index of a feasible package, or an error that says why not: infeasible
/// (with the constraint), or unknown (with the closest name).
pub fn package_index(world: &World, name: &str) -> anyhow::Result<usize> {
    if let Some(i) = world.package_index(name) {
        return Ok(i);
    }
    if let Some(p) = world.infeasible.iter().find(|p| p.id == name) {
        bail!(
            "package `{name}` is infeasible and is never simulated: {}",
            scenario::infeasible_reasons(p)
        );
    }
    let mut known: Vec<&str> = world.packages.iter().map(|p| p.id.as_str()).collect();
    known.extend(world.infeasible.iter().map(|p| p.id.as_str()));
    bail!("{}", unknown("package", name, &known));
}

/// Index of a scenario, or an error with the closest name.
pub fn scenario_index(world: &World, name: &str) -> anyhow::Result<usize> {
    if let Some(i) = world.scenario_index(name) {
        return Ok(i);
    }
    let known: Vec<&str> = world.scenarios.iter().map(|s| s.id.as_str()).collect();
    bail!("{}", unknown("scenario", name, &known));
}

fn unknown(what: &str, name: &str, known: &[&str]) -> String {
    let hint = match did_you_mean(name, known) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    format!(
        "unknown {what} `{name}`; {hint}the file has: {}",
        crate::scenario::suggest::name_list(known)
    )
}

/// The items in their first order, each once (a name given twice on the
/// command line is run once).
pub fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for &item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `--seed`: any 64-bit seed, with a message that names the range.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("expected a whole number from 0 to {}, got `{s}`", u64::MAX))
}

/// `--run`: the index of a run in a batch.
pub fn parse_run_index(s: &str) -> Result<u64, String> {
    s.trim().parse::<u64>().map_err(|_| {
        format!(
            "expected a run index, a whole number from 0 to {}, got `{s}`",
            u64::MAX
        )
    })
}

/// What to run and on how many threads: the arguments every command that
/// runs batches shares.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Runs per package and scenario (default: the file's `simulation.runs`).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_hyphen_values = true)]
    pub runs: Option<u64>,
    /// Master seed, 0 to 18446744073709551615 (default: the file's `simulation.seed`).
    #[arg(long, value_name = "S", value_parser = parse_seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Only these packages (comma-separated ids).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub packages: Vec<String>,
    /// Only these scenarios (comma-separated ids).
    #[arg(long, value_name = "X,Y", value_delimiter = ',')]
    pub scenarios: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads, allow_hyphen_values = true)]
    pub threads: Option<usize>,
}

impl BatchArgs {
    /// The worker pool and its size.
    pub fn pool(&self) -> anyhow::Result<(rayon::ThreadPool, usize)> {
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| anyhow::anyhow!("cannot start worker threads: {e}"))?;
        Ok((pool, threads))
    }
}
