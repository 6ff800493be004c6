//! `guarantee-sim sensitivity`: which parameters drive each package's
//! rates (Morris or Sobol), each sampled point a batch on common random
//! numbers.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::common::{
    BatchArgs, ExplorationArgs, Explored, exploration_source, run_exploration, sampled_params,
};
use super::sweep::parse_param;
use crate::explore::ParameterRange;
use crate::report::exploration::TOP_DRIVERS;
use crate::report::sensitivity::SENSITIVITY_CSV;
use crate::study::explore::PointStudy;
use crate::study::sensitivity::{
    Method, SensitivityRequest, SensitivityStudy, request_of, top_drivers,
};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim sensitivity --param countries.united-states.resolve=0.1..0.9 \\
      --param scenarios.renewed-attack.coefficients.russia_intent=0.2..1
  guarantee-sim sensitivity --method sobol --samples 128 --runs 500 --param ... --param ...
  guarantee-sim sensitivity --replay output/paris-2026-sensitivity/manifest.json --out /tmp/check

Morris (default) takes SAMPLES trajectories of (parameters + 1) points on a
4-level grid: mu* says how much a parameter moves a rate across its whole
range, sigma how much that depends on the others. Sobol takes SAMPLES base
points of (parameters + 2) points each (Saltelli scheme) and gives the
first-order and total indices with 95% bootstrap intervals. Every point runs
the same seed, so differences between points are paired.

Writes sensitivity.csv (one row per parameter, package, scenario and rate:
hold or deterrence), charts/tornado-<package>.png and .svg, and a manifest
that --replay accepts, to output/<file name>-sensitivity/. docs/EXPLORING.md
lists the paths.";

/// Arguments of `sensitivity`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A parameter to vary from LO to HI; one or more.
    #[arg(long = "param", value_name = "PATH=LO..HI", value_parser = parse_param, allow_hyphen_values = true)]
    pub params: Vec<ParameterRange>,
    /// How to sample and read: morris (cheap screening) or sobol (variance shares).
    #[arg(long, value_enum, default_value_t = Method::Morris)]
    pub method: Method,
    /// Morris trajectories (default 10) or Sobol base points (default 64).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..=65536))]
    pub samples: Option<u64>,
    /// Runs, seed and selection, the same at every point.
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output, charts, cluster.
    #[command(flatten)]
    pub output: ExplorationArgs,
    /// Re-run exactly what a sensitivity manifest.json records.
    #[arg(long, value_name = "MANIFEST", conflicts_with_all = ["file", "params", "method", "samples", "runs", "seed", "packages", "scenarios"])]
    pub replay: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(source) = exploration_source(
        ctx,
        args.file.as_deref(),
        args.replay.as_deref(),
        "sensitivity",
    )?
    else {
        return Ok(ExitCode::FAILURE);
    };
    let request = source.request(args.replay.as_deref(), request_of, |input| {
        Ok(SensitivityRequest {
            parameters: sampled_params(&args.params, input)?,
            selection: args.batch.selection(),
            method: args.method,
            samples: args.samples.map(|n| n as usize),
        })
    })?;
    let (merged, input, default_out) = (source.merged, source.input, source.default_out);
    let study = SensitivityStudy::plan(merged, input, &request)?;
    let (pool, _) = args.batch.pool()?;
    let (outcome, out_dir) = match run_exploration(&study, &args.output, default_out, &pool)? {
        Explored::Written(outcome, out_dir) => (outcome, out_dir),
        Explored::Exit(code) => return Ok(code),
    };
    for package in &outcome.left_out {
        eprintln!(
            "note: package `{package}` breaks a hard constraint at some points and is left out of the analysis"
        );
    }
    if !args.output.quiet {
        let plan = &study.exploration.points;
        println!(
            "{}: {} sensitivity of {} parameter(s) over {} point(s); {} package(s) x {} scenario(s), {} runs each, seed {}\n",
            study.exploration.input.loaded.world.title,
            study.design.method().label(),
            study.exploration.space.dimensions(),
            study.points(),
            plan.packages.len(),
            plan.scenarios.len(),
            plan.runs,
            plan.seed,
        );
        let measure = match study.design.method() {
            Method::Morris => "mu*",
            Method::Sobol => "ST",
        };
        println!(
            "What drives each package's hold rate most ({measure}, under the scenario named):"
        );
        for package in plan
            .packages
            .iter()
            .filter(|p| !outcome.left_out.contains(p))
        {
            let drivers: Vec<String> = top_drivers(&outcome.rows, package, TOP_DRIVERS)
                .iter()
                .filter(|r| r.importance() > 0.0)
                .map(|r| format!("{} ({}) {:.3}", r.parameter, r.scenario, r.importance()))
                .collect();
            let drivers = if drivers.is_empty() {
                "none of the parameters moves it".to_string()
            } else {
                drivers.join("; ")
            };
            println!("  {package}: {drivers}");
        }
        println!("\nWrote {}", out_dir.join(SENSITIVITY_CSV).display());
        super::common::point_to_report(&out_dir, !args.output.no_charts);
    }
    Ok(ExitCode::SUCCESS)
}
