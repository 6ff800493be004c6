//! `guarantee-sim discover`: the conditions under which a package fails,
//! found by PRIM over the sampled parameters and every value each run drew.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::common::{
    ExplorationArgs, Explored, exploration_source, run_exploration, sampled_params, worker_pool,
};
use super::sweep::parse_param;
use crate::explore::ParameterRange;
use crate::report::discovery::DISCOVERY_CSV;
use crate::study::discover::{DiscoverRequest, DiscoverStudy, request_of};
use crate::study::explore::{PointStudy, Selection};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim discover --package paris-draft --scenario renewed-attack \\
      --param countries.united-states.resolve=0.1..0.9 \\
      --param scenarios.renewed-attack.coefficients.russia_intent=0.2..1
  guarantee-sim discover --replay output/paris-2026-discover/manifest.json --out /tmp/check

SAMPLES points of a Latin hypercube over the --param ranges, each a batch of
--runs runs (default 50) on the same seed. Every run is one sample: its inputs
are the point's values and every value the run drew (coefficients; with one
--scenario also event months and sizes, a month that fell outside the horizon
counting as horizon + 1); it fails when the package did not hold. PRIM peels
boxes of inputs where failures concentrate; up to three boxes are reported,
each found among the runs the earlier ones do not hold.

Writes discovery.csv (each box as a plain rule with coverage, density and a
bootstrap stability check), charts/peeling-<package>.png and .svg, and a
manifest that --replay accepts, to output/<file name>-discover/.";

/// Arguments of `discover`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The package whose failures to explain.
    #[arg(long, value_name = "P", required_unless_present = "replay")]
    pub package: Option<String>,
    /// Only this scenario (default: every scenario, pooled).
    #[arg(long, value_name = "S")]
    pub scenario: Option<String>,
    /// A parameter to sample from LO to HI; one or more.
    #[arg(long = "param", value_name = "PATH=LO..HI", value_parser = parse_param, allow_hyphen_values = true)]
    pub params: Vec<ParameterRange>,
    /// Latin hypercube points (default 100).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..=100000))]
    pub samples: Option<u64>,
    /// Runs per point (default 50).
    #[arg(long, value_name = "N", value_parser = super::run::parse_count, allow_hyphen_values = true)]
    pub runs: Option<u64>,
    /// Master seed (default: the file's `simulation.seed`).
    #[arg(long, value_name = "S", value_parser = super::common::parse_seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = super::run::parse_threads, allow_hyphen_values = true)]
    pub threads: Option<usize>,
    /// Output, charts, cluster.
    #[command(flatten)]
    pub output: ExplorationArgs,
    /// Re-run exactly what a discover manifest.json records.
    #[arg(long, value_name = "MANIFEST", conflicts_with_all = ["file", "package", "scenario", "params", "samples", "runs", "seed"])]
    pub replay: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(source) = exploration_source(
        ctx,
        args.file.as_deref(),
        args.replay.as_deref(),
        "discover",
    )?
    else {
        return Ok(ExitCode::FAILURE);
    };
    let request = source.request(args.replay.as_deref(), request_of, |input| {
        Ok(DiscoverRequest {
            parameters: sampled_params(&args.params, input)?,
            selection: Selection {
                runs: args.runs,
                seed: args.seed,
                packages: args.package.iter().cloned().collect(),
                scenarios: args.scenario.iter().cloned().collect(),
            },
            samples: args.samples.map(|n| n as usize),
        })
    })?;
    let (merged, input, default_out) = (source.merged, source.input, source.default_out);
    let study = DiscoverStudy::plan(merged, input, &request)?;
    let (pool, _) = worker_pool(args.threads)?;
    let (outcome, out_dir) = match run_exploration(&study, &args.output, default_out, &pool)? {
        Explored::Written(outcome, out_dir) => (outcome, out_dir),
        Explored::Exit(code) => return Ok(code),
    };
    if !args.output.quiet {
        let plan = &study.exploration.points;
        println!(
            "{}: when does {} fail? {} point(s) x {} runs, {} scenario(s), seed {}: {} of {} runs failed\n",
            study.exploration.input.loaded.world.title,
            study.package(),
            study.points(),
            plan.runs,
            plan.scenarios.len(),
            plan.seed,
            outcome.failures,
            outcome.runs,
        );
        if let Some(why) = &outcome.nothing_found {
            println!("No box found: {why}");
        }
        for row in &outcome.rows {
            println!(
                "  box {}: {} (stable in {} of {} resamples)",
                row.r#box,
                row.sentence,
                (row.stability_same_inputs * row.stability_found as f64).round(),
                row.stability_resamples
            );
        }
        println!("\nWrote {}", out_dir.join(DISCOVERY_CSV).display());
        super::common::point_to_report(&out_dir, !args.output.no_charts);
    }
    Ok(ExitCode::SUCCESS)
}
