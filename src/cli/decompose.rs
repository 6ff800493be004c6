//! `guarantee-sim decompose [FILE] --package P`: what each component of a
//! package is worth, removed one at a time and added one at a time.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use super::common::{BatchArgs, dedup, load_input, package_index, scenario_index, side_output_dir};
use super::run::Watch;
use crate::batch::Control;
use crate::batch::attribution::{EffectKind, decompose};
use crate::model::patterns::{Component, bare_baseline, components_of};
use crate::report::attribution::{
    COMPONENTS_CSV, component_rows, write_components_csv, write_waterfalls,
};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim decompose --package paris-draft
  guarantee-sim decompose --package paris-draft --scenarios renewed-attack --runs 4000
  guarantee-sim decompose --package paris-draft --component force,sanctions

For each component of the package (force, force:<country> for each
contributor, air-policing, maritime, backstop, intelligence-logistics,
sanctions, sanctions-relief, monitoring, legal-form, reconstruction,
army-target, diplomacy) the paired difference in deterrence and hold rate
between the package and the package without it; a removed component takes
its value in the baseline (--baseline, default no-guarantee). Also the
waterfall: from the baseline, the components added one at a time, so the
steps add up to the package minus the baseline. Writes components.csv and
charts/waterfall-<package>-<scenario>.png/.svg.";

/// Arguments of `decompose`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The package to decompose.
    #[arg(long, value_name = "P")]
    pub package: String,
    /// Package removed components take their values from (default: no-guarantee, else nothing at all).
    #[arg(long, value_name = "P")]
    pub baseline: Option<String>,
    /// Only these components in the removal table (comma-separated).
    #[arg(long, value_name = "C", value_delimiter = ',')]
    pub component: Vec<String>,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output folder (default: output/<file name>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar and no table.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(input) = load_input(ctx, args.file.as_deref()) else {
        return Ok(ExitCode::FAILURE);
    };
    let world = &input.loaded.world;
    if !args.batch.packages.is_empty() {
        anyhow::bail!("--packages does not apply: name the package with --package");
    }
    let package = package_index(world, args.package.trim()).context("--package")?;
    let baseline = match &args.baseline {
        Some(b) => world.packages[package_index(world, b.trim()).context("--baseline")?].clone(),
        None => match world.package_index(crate::scenario::DEFAULT_BASELINE) {
            Some(i) => world.packages[i].clone(),
            None => bare_baseline(&world.packages[package]),
        },
    };
    let present = components_of(&world.packages[package], &baseline);
    let mut wanted = Vec::new();
    for name in &args.component {
        let c = Component::parse(name.trim(), &world.countries)
            .map_err(|e| anyhow::anyhow!("--component: {e}"))?;
        if !present.contains(&c) {
            anyhow::bail!(
                "--component: `{}` is not a component of `{}` (it is the same as in `{}`); its components: {}",
                name.trim(),
                args.package.trim(),
                baseline.id,
                present
                    .iter()
                    .map(|c| c.id(&world.countries))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        wanted.push(c);
    }
    let scenarios: Vec<usize> = if args.batch.scenarios.is_empty() {
        (0..world.scenarios.len()).collect()
    } else {
        dedup(
            &args
                .batch
                .scenarios
                .iter()
                .map(|s| scenario_index(world, s.trim()))
                .collect::<anyhow::Result<Vec<_>>>()?,
        )
    };
    let seed = args.batch.seed.unwrap_or(world.default_seed);
    let runs = args.batch.runs.unwrap_or(world.default_runs);
    let out_dir = side_output_dir(args.out.as_deref(), &input.stem)?;
    let (pool, _) = args.batch.pool()?;
    let watch = Watch::start(&out_dir, args.quiet);
    let mut d = watch.run(|hooks| {
        let control = Control {
            cancel: hooks.cancel,
            progress: hooks.progress,
            per_run: false,
        };
        pool.install(|| decompose(world, package, &baseline, &scenarios, seed, runs, &control))
    });
    if d.interrupted {
        eprintln!("warning: interrupted: no components.csv written");
        return Ok(ExitCode::from(130));
    }
    if !wanted.is_empty() {
        d.rows
            .retain(|r| r.kind == EffectKind::Step || wanted.contains(&r.component));
    }
    let rows = component_rows(world, &d, seed, &input.loaded.sha256);
    write_components_csv(&out_dir, &rows)?;
    let footer = format!(
        "guarantee-sim {} decompose, {}, seed {seed}, {} runs per variant and scenario; exploratory, not a forecast",
        env!("CARGO_PKG_VERSION"),
        input.shown,
        d.runs
    );
    write_waterfalls(&out_dir, &rows, &footer)?;
    super::patterns::refresh_report(&out_dir);
    if !args.quiet {
        println!(
            "{}: package {} against {}, {} runs per variant and scenario, seed {seed}",
            input.shown, args.package, d.baseline, d.runs
        );
        println!(
            "Differences are with the component minus without it, percentage points [95% interval].\n"
        );
        for &s in &scenarios {
            let s_id = &world.scenarios[s].id;
            let table_rows: Vec<Vec<String>> = rows
                .iter()
                .filter(|r| &r.scenario == s_id && r.effect == EffectKind::Removal.name())
                .map(|r| {
                    vec![
                        r.component.clone(),
                        format!(
                            "{:+.1} [{:.1}, {:.1}]",
                            100.0 * r.deterrence_diff,
                            100.0 * r.deterrence_lower,
                            100.0 * r.deterrence_upper
                        ),
                        format!(
                            "{:+.1} [{:.1}, {:.1}]",
                            100.0 * r.hold_diff,
                            100.0 * r.hold_lower,
                            100.0 * r.hold_upper
                        ),
                    ]
                })
                .collect();
            println!("Scenario {s_id}");
            print!(
                "{}",
                super::table(&["component", "deterrence", "hold"], &table_rows)
            );
            println!();
        }
        println!(
            "Wrote {} and the waterfall charts in {}",
            out_dir.join(COMPONENTS_CSV).display(),
            out_dir.join(crate::report::charts::CHARTS_DIR).display()
        );
        println!(
            "Constraints are not re-checked for the variants: they measure mechanisms, not feasible packages."
        );
    }
    Ok(ExitCode::SUCCESS)
}
