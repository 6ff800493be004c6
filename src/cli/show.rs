//! `guarantee-sim show [FILE] [--package P | --country C | --scenario S]`

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::common::load_input;
use crate::scenario::show::{Selection, show};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim show                                   the bundled file, from the copy built in
  guarantee-sim show --package paris-draft             one package, with its comments
  guarantee-sim show my-what-if.toml --package paris-draft
  guarantee-sim show my-what-if.toml --scenario renewed-attack > renewed-attack.toml

An entry is printed as each file of the `extends` chain writes it (the file
extended first, with its comments), followed, when several files write it or
it uses based_on or troops_scale, by the entry as resolved: what the
simulation uses.";

/// Arguments of `show`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Show this package.
    #[arg(long, value_name = "ID", conflicts_with_all = ["country", "scenario"])]
    pub package: Option<String>,
    /// Show this country.
    #[arg(long, value_name = "ID", conflicts_with = "scenario")]
    pub country: Option<String>,
    /// Show this scenario.
    #[arg(long, value_name = "ID")]
    pub scenario: Option<String>,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(input) = load_input(ctx, args.file.as_deref()) else {
        return Ok(ExitCode::FAILURE);
    };
    let (flag, selection) = match (&args.package, &args.country, &args.scenario) {
        (Some(id), _, _) => ("--package", entry("packages", id)),
        (_, Some(id), _) => ("--country", entry("countries", id)),
        (_, _, Some(id)) => ("--scenario", entry("scenarios", id)),
        _ => ("", Selection::All),
    };
    match show(&input.loaded, &selection) {
        Ok(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => anyhow::bail!("{flag}: {e} (in {})", input.shown),
    }
}

fn entry(list: &'static str, id: &str) -> Selection {
    Selection::Entry {
        list,
        id: id.trim().to_string(),
    }
}
