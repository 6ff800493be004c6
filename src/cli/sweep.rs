//! `guarantee-sim sweep`: hold rates over a grid of one or two parameters,
//! each point a batch on common random numbers.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::Context;
use super::common::{BatchArgs, merge_input};
use super::run::Watch;
use crate::batch::stats;
use crate::explore::{ParameterRange, grid};
use crate::report::sweep::{SWEEP_CSV, SweepRow, write_sweep_csv};
use crate::study::explore::{Exploration, Selection};
use crate::study::points::PointPlan;

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim sweep --param countries.united-states.resolve=0.1..0.9:9
  guarantee-sim sweep my-what-if.toml --runs 2000 --scenarios renewed-attack \\
      --param scenarios.renewed-attack.coefficients.russia_intent=0.2..1:5 \\
      --param packages.paris-draft.force.troops.france=0..20000:5

A PATH names a number of the scenario file: its keys joined by dots, an entry
of countries, packages, scenarios or constraints by its id, an event by its
position from 0. A distribution at PATH is replaced by each fixed value; an
integer field takes the nearest integer. Every point runs the same seed, so
differences between points are paired (common random numbers).

Writes sweep.csv to output/<file name>-sweep/: one row per point, package and
scenario, one column per parameter. The same file, seed and version give the
same bytes with any --threads. docs/EXPLORING.md lists the paths.";

/// Steps per parameter when a range gives none.
const DEFAULT_STEPS: usize = 5;
/// Parameters a grid sweep accepts; beyond two a grid grows too fast to
/// read or to run.
const MAX_PARAMETERS: usize = 2;

/// Arguments of `sweep`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A parameter to sweep, from LO to HI in STEPS values (default 5); once or twice.
    #[arg(long = "param", value_name = "PATH=LO..HI[:STEPS]", required = true, value_parser = parse_param, allow_hyphen_values = true)]
    pub params: Vec<ParameterRange>,
    /// Runs, seed and selection, the same at every point.
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output folder (default: output/<file name>-sweep/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary; errors still print.
    #[arg(long, short)]
    pub quiet: bool,
}

pub(super) fn parse_param(s: &str) -> Result<ParameterRange, String> {
    s.parse()
        .map_err(|e: crate::explore::ExploreError| e.to_string())
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    if args.params.len() > MAX_PARAMETERS {
        bail!(
            "a sweep takes one or two --param, got {}; a grid over more grows too fast to run or read",
            args.params.len()
        );
    }
    let Some((merged, input)) = merge_input(ctx, args.file.as_deref()) else {
        return Ok(ExitCode::FAILURE);
    };
    // Every range and id is checked, and every point compiled, before any run.
    let exploration = Exploration::new(
        merged,
        input,
        args.params.iter().map(|r| r.parameter.clone()).collect(),
        &Selection {
            runs: args.batch.runs,
            seed: args.batch.seed,
            packages: args.batch.packages.clone(),
            scenarios: args.batch.scenarios.clone(),
        },
    )?;
    let steps: Vec<usize> = args
        .params
        .iter()
        .map(|r| r.steps.unwrap_or(DEFAULT_STEPS))
        .collect();
    let design = grid(&exploration.space, &steps)?;
    let names = exploration.names();
    let (worlds, values) = exploration.compile(&design)?;
    let (input, point_plan) = (&exploration.input, &exploration.points);
    let base = &input.loaded.world;

    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-sweep", input.stem)));
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create the output folder {}", out_dir.display()))?;
    let (pool, _) = args.batch.pool()?;
    let results = Watch::start(&out_dir, args.quiet)
        .run(|hooks| point_plan.run(&worlds, &pool, hooks.cancel, hooks.progress))?;
    let Some(results) = results else {
        eprintln!(
            "warning: interrupted: no sweep.csv written (a sweep is written whole or not at all)"
        );
        return Ok(ExitCode::from(130));
    };
    let PointPlan {
        seed,
        runs,
        packages,
        scenarios,
    } = point_plan;
    let mut rows = Vec::with_capacity(values.len() * packages.len() * scenarios.len());
    for (values, cells) in values.iter().zip(&results.cells) {
        let mut cells = cells.iter();
        for scenario in scenarios {
            for package in packages {
                let cell = cells.next().copied().unwrap_or_default();
                rows.push(SweepRow {
                    values: values.clone(),
                    package: package.clone(),
                    scenario: scenario.clone(),
                    runs: cell.runs,
                    holds: cell.holds,
                    hold_rate: stats::wilson(cell.holds, cell.runs),
                });
            }
        }
    }
    for (package, &count) in packages
        .iter()
        .zip(&results.infeasible_at)
        .filter(|(_, c)| **c > 0)
    {
        eprintln!(
            "note: package `{package}` breaks a hard constraint at {count} of {} points and is not run there (runs = 0 in sweep.csv)",
            worlds.len()
        );
    }
    write_sweep_csv(&out_dir, &names, &rows).context("writing sweep.csv")?;

    if !args.quiet {
        println!(
            "{}: swept {} over {} point(s); {} package(s) x {} scenario(s), {runs} runs each, seed {seed}",
            base.title,
            names.join(" and "),
            worlds.len(),
            packages.len(),
            scenarios.len(),
        );
        println!("Wrote {}", out_dir.join(SWEEP_CSV).display());
    }
    Ok(ExitCode::SUCCESS)
}
