//! `guarantee-sim compare BASE WHATIF`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use super::common::{BatchArgs, load_input, package_index, scenario_index};
use super::interrupt::Interrupt;
use crate::batch::run_paired;
use crate::model::params::World;
use crate::report::compare::{Comparison, write_all};
use crate::scenario::diff::diff;

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim compare scenarios/paris-2026.toml my-what-if.toml
  guarantee-sim compare scenarios/paris-2026.toml my-what-if.toml --runs 2000 --out output/mine

Runs every package and scenario found in both files on the same seed and run
indices (common random numbers), so each difference is paired: what the two
files share cancels out. Prints what the what-if changed, field by field, and
the difference what-if minus base in the hold rate and the deterrence rate
with 95% Newcombe intervals; packages the what-if changed are marked `*`.
Writes compare.csv, compare.png, compare.svg and compare.html to
output/<what-if>-vs-<base>/ (each file atomically).";

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The base scenario file (e.g. scenarios/paris-2026.toml).
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// The what-if file to compare with it.
    #[arg(value_name = "WHATIF")]
    pub whatif: PathBuf,
    /// Runs, seed, selection and threads (defaults: the what-if's `[simulation]`).
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output folder (default: output/<what-if>-vs-<base>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let base = load_input(ctx, Some(&args.base));
    let whatif = load_input(ctx, Some(&args.whatif));
    let (Some(base), Some(whatif)) = (base, whatif) else {
        return Ok(ExitCode::FAILURE);
    };
    let (mut bw, mut ww) = (base.loaded.world.clone(), whatif.loaded.world.clone());
    select(&mut bw, &mut ww, &args.batch)?;
    let (bw, ww) = (&bw, &ww);
    let runs = args.batch.runs.unwrap_or(ww.default_runs);
    let seed = args.batch.seed.unwrap_or(ww.default_seed);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-vs-{}", whatif.stem, base.stem)));
    std::fs::create_dir_all(&out)
        .with_context(|| format!("--out {}: cannot create the output folder", out.display()))?;
    let (pool, _) = args.batch.pool()?;
    let cancel = Interrupt::install(out.clone()).cancel;
    let paired = pool.install(|| run_paired(bw, ww, seed, runs, &cancel));
    let comparison = Comparison::new(
        (&base.shown, &whatif.shown),
        (bw, ww),
        seed,
        &paired,
        diff(&base.loaded, &whatif.loaded),
    );
    let written = write_all(&out, &comparison).context("writing the comparison")?;
    if !args.quiet {
        print!("{}", comparison.text());
        for path in written {
            println!("Wrote {}", path.display());
        }
    }
    if !paired.complete {
        eprintln!(
            "warning: interrupted: the comparison covers the {} runs per package and scenario finished (marked PARTIAL)",
            comparison.runs
        );
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// Keeps the packages and scenarios named by `--packages` and `--scenarios`
/// (each checked against the what-if, with the closest name when unknown).
pub(super) fn select(
    base: &mut World,
    whatif: &mut World,
    batch: &BatchArgs,
) -> anyhow::Result<()> {
    if !batch.packages.is_empty() {
        for id in &batch.packages {
            package_index(whatif, id.trim()).context("--packages")?;
        }
        let keep = |id: &str| batch.packages.iter().any(|p| p.trim() == id);
        base.packages.retain(|p| keep(&p.id));
        whatif.packages.retain(|p| keep(&p.id));
    }
    if !batch.scenarios.is_empty() {
        for id in &batch.scenarios {
            scenario_index(whatif, id.trim()).context("--scenarios")?;
        }
        let keep = |id: &str| batch.scenarios.iter().any(|s| s.trim() == id);
        base.scenarios.retain(|s| keep(&s.id));
        whatif.scenarios.retain(|s| keep(&s.id));
    }
    Ok(())
}
