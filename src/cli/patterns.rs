//! `guarantee-sim patterns [FILE]`: checks the scenario file's patterns
//! against the model, writes patterns.csv and exits non-zero when a
//! pattern is clearly missed.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::common::{BatchArgs, load_input, side_output_dir};
use super::run::Watch;
use crate::batch::Control;
use crate::batch::patterns::{Verdict, check};
use crate::report::attribution::{PATTERNS_CSV, pattern_cells, pattern_rows, write_patterns_csv};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim patterns                             the bundled file's patterns
  guarantee-sim patterns my-what-if.toml --runs 20000

Each pattern names what it measures, the package(s) and scenario(s), a target
range and its source. A pattern is met when the 95% interval of the measured
value lies inside the target, not met when it lies outside, undecided when it
straddles an edge (run more). Exits with 1 when a pattern is not met, so CI can
run it. Writes patterns.csv into the output folder; when that folder holds a
run of the same file, its report.html gets the table too.";

/// Arguments of `patterns`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output folder (default: output/<file name>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(input) = load_input(ctx, args.file.as_deref()) else {
        return Ok(ExitCode::FAILURE);
    };
    if !args.batch.packages.is_empty() || !args.batch.scenarios.is_empty() {
        anyhow::bail!("--packages and --scenarios do not apply: each pattern names its own");
    }
    let world = &input.loaded.world;
    let patterns = &input.loaded.patterns;
    if patterns.is_empty() {
        println!(
            "{}: the file has no [[patterns]]; nothing to check",
            input.shown
        );
        return Ok(ExitCode::SUCCESS);
    }
    let seed = args.batch.seed.unwrap_or(world.default_seed);
    let runs = args.batch.runs.unwrap_or(world.default_runs);
    let out_dir = side_output_dir(args.out.as_deref(), &input.stem)?;
    let (pool, _) = args.batch.pool()?;
    let watch = Watch::start(&out_dir, args.quiet);
    let result = watch.run(|hooks| {
        let control = Control {
            cancel: hooks.cancel,
            progress: hooks.progress,
            per_run: true,
        };
        pool.install(|| check(world, patterns, seed, runs, &control))
    });
    if result.interrupted {
        eprintln!("warning: interrupted: no patterns.csv written");
        return Ok(ExitCode::from(130));
    }
    let rows = pattern_rows(world, patterns, &result, seed, &input.loaded.sha256);
    write_patterns_csv(&out_dir, &rows)?;
    refresh_report(&out_dir);

    println!(
        "{}: {} patterns, {} runs per package and scenario, seed {}\n",
        input.shown,
        rows.len(),
        result.runs,
        seed
    );
    print!(
        "{}",
        super::table(
            &["pattern", "target", "measured (95% interval)", "verdict"],
            &pattern_cells(&rows)
        )
    );
    let mut missed = 0;
    for (res, row) in result.results.iter().zip(&rows) {
        let p = &patterns[res.pattern];
        match res.verdict {
            Verdict::NotMet if p.known_miss.is_some() => eprintln!(
                "note: pattern `{}` is not met, a known miss of this model version ({}): {} [{}]",
                p.id,
                p.source,
                p.known_miss.as_deref().unwrap_or_default(),
                p.location
            ),
            Verdict::NotMet => {
                missed += 1;
                eprintln!(
                    "error: pattern `{}` is not met: {} ({}); its 95% interval lies outside the target {} to {} [{}]",
                    p.id, p.name, p.source, row.target_lower, row.target_upper, p.location
                );
            }
            Verdict::Undecided => eprintln!(
                "note: pattern `{}` is undecided, run more (--runs {}): its interval straddles an edge of the target ({})",
                p.id,
                (result.runs * 4).max(1000),
                p.source
            ),
            Verdict::Met => {}
        }
    }
    println!("\nWrote {}", out_dir.join(PATTERNS_CSV).display());
    if missed > 0 {
        eprintln!("error: {missed} pattern(s) not met");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Rewrites report.html of a run in `dir` so that it shows the new table;
/// nothing happens when the folder holds no run.
pub(super) fn refresh_report(dir: &std::path::Path) {
    use crate::report::{Manifest, Output, ReportContext, Tables};
    let (Ok(tables), Ok(manifest)) = (Tables::load(dir), Manifest::load(dir)) else {
        return;
    };
    if !dir.join(crate::report::html::REPORT_HTML).exists() {
        return;
    }
    let ctx = ReportContext {
        tables: &tables,
        manifest: &manifest,
    };
    if let Err(e) = (crate::report::html::HtmlReport::default()).write(&ctx, dir) {
        eprintln!("warning: could not update the report: {e}");
    }
}
