//! `guarantee-sim explain`: replays one run and tells its story.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;

use super::Context;
use super::common::{load_input, package_index, scenario_index};
use crate::model::{Outcome, RunKey, Trace, TraceEvent, Workspace, simulate};
use crate::report::narrative::{NarrativeOptions, narrative};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim explain scenarios/paris-2026.toml --package paris-draft --scenario renewed-attack
  guarantee-sim explain --package tripwire-line --scenario force-strike --run 12
  guarantee-sim explain --package porcupine --scenario grey-zone --format json > run.json

The same (file, package, scenario, run, seed) always tells the same story,
and it is the run that `guarantee-sim run` counted under that index.";

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Package id, e.g. paris-draft (see `guarantee-sim list`).
    #[arg(long, short)]
    pub package: String,
    /// Scenario id, e.g. renewed-attack.
    #[arg(long, short)]
    pub scenario: String,
    /// Which run (its index in a batch, from 0).
    #[arg(long, default_value_t = 0, value_parser = super::common::parse_run_index, allow_hyphen_values = true)]
    pub run: u64,
    /// Master seed (default: the file's `simulation.seed`).
    #[arg(long, value_parser = super::common::parse_seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Text for reading, JSON for data.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Narrate every month, including quiet ones.
    #[arg(long)]
    pub every_month: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct Replay<'a> {
    package: &'a str,
    scenario: &'a str,
    run: u64,
    seed: u64,
    outcome: Outcome,
    events: &'a [TraceEvent],
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(input) = load_input(ctx, args.file.as_deref()) else {
        return Ok(ExitCode::FAILURE);
    };
    let world = &input.loaded.world;
    let package = &world.packages[package_index(world, &args.package)?];
    let scenario = &world.scenarios[scenario_index(world, &args.scenario)?];
    let seed = args.seed.unwrap_or(world.default_seed);
    let mut trace = Trace::default();
    let key = RunKey {
        world,
        package,
        scenario,
        seed,
        run_index: args.run,
    };
    let outcome = simulate(key, &mut Workspace::new(world), &mut trace);
    match args.format {
        Format::Json => {
            let replay = Replay {
                package: &package.id,
                scenario: &scenario.id,
                run: args.run,
                seed,
                outcome,
                events: &trace.events,
            };
            println!("{}", serde_json::to_string_pretty(&replay)?);
        }
        Format::Text => {
            let header = format!(
                "Run {} of package `{}` ({}) under scenario `{}` ({}), seed {seed}, file {}.\n\
                 Exploratory model, not a forecast: this is one possible world among many.",
                args.run, package.id, package.name, scenario.id, scenario.name, input.shown
            );
            let options = NarrativeOptions {
                every_month: args.every_month,
            };
            print!("{}", narrative(&header, &trace.events, options));
        }
    }
    Ok(ExitCode::SUCCESS)
}
