//! `guarantee-sim sweep`: hold rates over a grid of one or two parameters,
//! each point a batch on common random numbers.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::common::{
    BatchArgs, ExplorationArgs, Explored, exploration_params, exploration_source, run_exploration,
};
use crate::explore::ParameterRange;
use crate::report::sweep::SWEEP_CSV;
use crate::study::explore::PointStudy;
use crate::study::sweep::{SweepRequest, SweepStudy, request_of};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim sweep --param countries.united-states.resolve=0.1..0.9:9
  guarantee-sim sweep --replay output/paris-2026-sweep/manifest.json --out /tmp/check
  guarantee-sim sweep my-what-if.toml --runs 2000 --scenarios renewed-attack \\
      --param scenarios.renewed-attack.coefficients.russia_intent=0.2..1:5 \\
      --param packages.paris-draft.force.troops.france=0..20000:5

A PATH names a number of the scenario file: its keys joined by dots, an entry
of countries, packages, scenarios or constraints by its id, an event by its
position from 0. A distribution at PATH is replaced by each fixed value; an
integer field takes the nearest integer. Every point runs the same seed, so
differences between points are paired (common random numbers).

Writes sweep.csv to output/<file name>-sweep/: one row per point, package and
scenario, one column per parameter, hold and deterrence rates with their 95%
intervals; charts/sweep-<scenario> (one parameter: the hold rate against it,
one line per package with its 95% band) or sweep-<package>-<scenario> (two: a
heatmap), as PNG and SVG; and a manifest that --replay accepts. The terminal names the points
where the package with the highest hold rate changes. The same file, seed and
version give the same bytes with any --threads. docs/EXPLORING.md lists the paths.";

/// Arguments of `sweep`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A parameter to sweep, from LO to HI in STEPS values (default 5); once or twice.
    #[arg(long = "param", value_name = "PATH=LO..HI[:STEPS]", value_parser = parse_param, allow_hyphen_values = true)]
    pub params: Vec<ParameterRange>,
    /// Runs, seed and selection, the same at every point.
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output, charts, cluster.
    #[command(flatten)]
    pub output: ExplorationArgs,
    /// Re-run exactly what a sweep manifest.json records.
    #[arg(long, value_name = "MANIFEST", conflicts_with_all = ["file", "params", "runs", "seed", "packages", "scenarios"])]
    pub replay: Option<PathBuf>,
}

pub(super) fn parse_param(s: &str) -> Result<ParameterRange, String> {
    s.parse()
        .map_err(|e: crate::explore::ExploreError| e.to_string())
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(source) =
        exploration_source(ctx, args.file.as_deref(), args.replay.as_deref(), "sweep")?
    else {
        return Ok(ExitCode::FAILURE);
    };
    let request = source.request(args.replay.as_deref(), request_of, |input| {
        Ok(SweepRequest {
            parameters: exploration_params(&args.params, input)?
                .iter()
                .map(|r| (r.parameter.clone(), r.steps))
                .collect(),
            selection: args.batch.selection(),
        })
    })?;
    // Every range, step count and id is checked, and every point compiled,
    // before any run or any folder is made.
    let study = SweepStudy::plan(source.merged, source.input, &request)?;
    let (pool, _) = args.batch.pool()?;
    let (outcome, out_dir) = match run_exploration(&study, &args.output, source.default_out, &pool)?
    {
        Explored::Written(outcome, out_dir) => (outcome, out_dir),
        Explored::Exit(code) => return Ok(code),
    };
    let plan = &study.exploration.points;
    for (package, &count) in plan
        .packages
        .iter()
        .zip(&outcome.infeasible_at)
        .filter(|(_, c)| **c > 0)
    {
        eprintln!(
            "note: package `{package}` breaks a hard constraint at {count} of {} points and is not run there (runs = 0 in sweep.csv)",
            study.points()
        );
    }
    if !args.output.quiet {
        let names = study.exploration.names();
        println!(
            "{}: swept {} over {} point(s); {} package(s) x {} scenario(s), {} runs each, seed {}",
            study.exploration.input.loaded.world.title,
            names.join(" and "),
            study.points(),
            plan.packages.len(),
            plan.scenarios.len(),
            plan.runs,
            plan.seed,
        );
        if outcome.crossovers.is_empty() {
            println!(
                "The package with the highest hold rate is the same at every point of each scenario."
            );
        } else {
            println!(
                "Where the package with the highest hold rate changes (point estimates; see the intervals in sweep.csv):"
            );
            for c in &outcome.crossovers {
                let other = match (c.other, names.get(1)) {
                    (Some(v), Some(name)) => format!(" at {name} = {v}"),
                    _ => String::new(),
                };
                println!(
                    "  {}: between {} = {} and {}{other}: {} -> {}",
                    c.scenario, names[0], c.from_value, c.to_value, c.from_package, c.to_package
                );
            }
        }
        println!("Wrote {}", out_dir.join(SWEEP_CSV).display());
        super::common::point_to_report(&out_dir, !args.output.no_charts);
    }
    if let Some(done) = outcome.manifest.exploration.points_completed {
        eprintln!(
            "warning: interrupted: results are PARTIAL ({done} of {} points finished); manifest.json and the report say so; {}",
            study.points(),
            super::common::resume_hint(&out_dir)
        );
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}
