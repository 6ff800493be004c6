//! `guarantee-sim run`: every feasible package under every scenario, many
//! runs each, in parallel; writes the tables, charts and reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Context;
use super::common::{BatchArgs, ClusterArgs, load_input};
use super::interrupt::{Interrupt, Stage};
use crate::batch::BlockStore;
use crate::batch::Completion;
use crate::report::ranking::ranking_text;
use crate::report::tables::RankBy;
use crate::report::{OutputShape, RunStatus, StudyTables};
use crate::study::checkpoint::StudyKey;
use crate::study::plan::{MIN_HALF_WIDTH, check_count, check_precision};
use crate::study::run::{Started, run_manifest};
use crate::study::session::{Geometry, Session, check_shardable};
use crate::study::{self, Hooks, Options, Request, build_plan, replay};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim run                                  the bundled Paris 2026 scenario file
  guarantee-sim run my-what-if.toml --runs 2000      your own file, fewer runs
  guarantee-sim run --packages paris-draft,porcupine --scenarios renewed-attack
  guarantee-sim run --precision 0.01 --max-runs 200000
                                                     add runs until every 95% interval is +-1 point
  guarantee-sim run --replay output/paris-2026/manifest.json --out /tmp/check
  guarantee-sim run --runs 1000000 --per-run --parquet --no-charts
                                                     a million runs, one row each, also as Parquet

Outputs go to output/<file name>/: summary.csv, survival.csv, guarantors.csv,
robustness.csv, pairs.csv, infeasible.csv, manifest.json (runs.csv with --per-run;
a .parquet copy of each table with --parquet), report.html and report.md, and charts/ with every chart as PNG and SVG.
The same file, seed and version give the same bytes with any --threads.
A run replaces only its own files, and only in a new or empty folder or one
holding an earlier run (its manifest.json); any other folder is refused
unless --force. Two runs cannot share a folder (it is locked while in use).
Ctrl-C (or SIGTERM, SIGHUP) stops cleanly: finished runs are written and marked partial.";

/// Arguments of `run`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Package the paired differences are measured from (default: no-guarantee).
    #[arg(long, value_name = "P")]
    pub reference: Option<String>,
    /// Output folder (default: output/<file name>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write runs.csv, one row per run.
    #[arg(long)]
    pub per_run: bool,
    /// Also write every table as Parquet (summary.parquet, ...; runs.parquet
    /// with --per-run): typed columns, the manifest's provenance in the file
    /// metadata, for pandas, polars or DuckDB.
    #[arg(long)]
    pub parquet: bool,
    /// No progress bar and no ranking table; errors still print.
    #[arg(long, short)]
    pub quiet: bool,
    /// Add runs until every hold rate's 95% half-width is at most H (e.g. 0.01).
    #[arg(long, value_name = "H", value_parser = parse_precision, allow_hyphen_values = true)]
    pub precision: Option<f64>,
    /// Cap on runs per package and scenario with --precision.
    #[arg(long, value_name = "N", value_parser = parse_count, allow_hyphen_values = true, requires = "precision")]
    pub max_runs: Option<u64>,
    /// Write only the CSV tables and the manifest: no charts, no report.html
    /// or report.md (faster; `guarantee-sim chart DIR` can draw them later,
    /// but the reports need a full run).
    #[arg(long)]
    pub no_charts: bool,
    /// How to rank the packages across scenarios: worst-case (the lowest hold
    /// rate in any scenario, the robust choice), mean, regret (largest
    /// shortfall from the best package) or deterrence (worst-case deterrence
    /// rate). Changes the order, never the numbers.
    #[arg(long, value_name = "CRITERION", value_enum, default_value_t = RankBy::WorstCase)]
    pub rank_by: RankBy,
    /// Let the run replace its own output files (report.md, summary.csv,
    /// charts/..., see README) in a folder that holds no earlier run; other
    /// files are never touched. Without it such a folder is refused.
    #[arg(long)]
    pub force: bool,
    /// Also compare the file with BASE on the same random numbers, as
    /// `guarantee-sim compare BASE FILE` does: compare.csv, .png, .svg and
    /// .html in the output folder, beside the run's own outputs.
    #[arg(long, value_name = "BASE", conflicts_with_all = ["replay", "shard"])]
    pub against: Option<PathBuf>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Re-run exactly what a manifest.json records (file, seed, runs, selection, ranking).
    #[arg(long, value_name = "MANIFEST", conflicts_with_all = ["file", "runs", "seed", "packages", "scenarios", "reference", "precision", "max_runs", "per_run", "rank_by"])]
    pub replay: Option<PathBuf>,
}

use crate::batch::MAX_RUNS_PER_CELL as MAX_RUNS;

pub(super) fn parse_count(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) => check_count(n),
        Err(_) => Err(format!(
            "expected a whole number from 1 to {MAX_RUNS}, got `{s}`"
        )),
    }
}

pub(super) fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number of threads from 1 to 1024, got `{s}`"
        )),
    }
}

fn parse_precision(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| String::new())
        .and_then(check_precision)
        .map_err(|_| {
            format!(
                "expected a half-width from {MIN_HALF_WIDTH} to 0.5 (e.g. 0.01 for +-1 point), got `{s}`"
            )
        })
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let replay = match &args.replay {
        Some(path) => Some(replay::read_manifest(path)?),
        None => None,
    };
    let (input, default_out) = match (&replay, &args.replay) {
        (Some(m), Some(path)) => {
            if let Some(warning) = replay::version_warning(m) {
                eprintln!("warning: {warning}");
            }
            match replay::input(m) {
                Ok(input) => (input, replay::default_out(path)),
                Err(errors) => {
                    ctx.print_errors(&m.scenario_file, &errors);
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        _ => {
            let Some(input) = load_input(ctx, args.file.as_deref()) else {
                return Ok(ExitCode::FAILURE);
            };
            let out = Path::new("output").join(&input.stem);
            (input, out)
        }
    };
    let world = &input.loaded.world;
    // The base of `--against` is checked before any work, like the file.
    let against = match &args.against {
        Some(path) => match load_input(ctx, Some(path)) {
            Some(base) => Some(base),
            None => return Ok(ExitCode::FAILURE),
        },
        None => None,
    };

    // Everything the user typed (or a manifest says) is checked before any
    // work starts, on the same path.
    let request = match &replay {
        Some(m) => replay::request(m),
        None => Request {
            seed: args.batch.seed,
            runs: args.batch.runs,
            packages: args.batch.packages.clone(),
            scenarios: args.batch.scenarios.clone(),
            reference: args.reference.clone(),
            precision: args.precision,
            max_runs: args.max_runs,
            from_manifest: false,
        },
    };
    let plan = build_plan(world, &request).map_err(|e| match &args.replay {
        Some(path) => e.context(format!("--replay {}", path.display())),
        None => e,
    })?;
    let options = Options {
        per_run: replay.as_ref().map_or(args.per_run, |m| m.per_run),
        rank_by: replay.as_ref().map_or(args.rank_by, |m| m.rank_by),
        charts: !args.no_charts,
        parquet: args.parquet,
    };
    let cluster = args.cluster.cluster();
    check_shardable(cluster, plan.precision.is_some())?;
    let (pool, _) = args.batch.pool()?;
    let study_key = StudyKey::new(
        "run",
        &run_manifest(
            &input,
            &plan,
            options,
            RunStatus::Complete,
            &Started::now(),
            &pool,
        ),
        options.charts,
    )?
    .with_parquet(options.parquet);
    let geometry = Geometry {
        points: 1,
        runs: plan.runs,
        scenarios: plan.scenarios.len(),
    };
    let dir = args.cluster.out_dir(args.out.as_deref(), default_out)?;
    let shape = OutputShape {
        tables: StudyTables::Run,
        points: 1,
        packages: plan.packages.len() as u64,
        scenarios: plan.scenarios.len() as u64,
        countries: world.countries.len() as u64,
        horizon_months: u64::from(world.horizon_months),
        runs: plan.precision.map_or(plan.runs, |p| p.max_runs),
        per_run: options.per_run,
        kept_runs: options.per_run,
        parquet: options.parquet,
        charts: options.charts,
        scenario_bytes: input.loaded.resolved_toml.len() as u64,
    };
    let session = Session::open(&dir, args.force, cluster, study_key, geometry, shape)?;
    let out_dir = session.path().to_path_buf();
    super::common::note_resumed(&session, args.quiet);
    let watch = Watch::start(&out_dir, args.quiet);
    if session.is_shard() {
        let result = watch.run_with(&session.store, |hooks| {
            study::run::simulate(&input, &plan, options.per_run, &pool, hooks, |_| {
                Ok::<(), std::convert::Infallible>(())
            })
        })?;
        return super::common::report_shard(
            session.close(result.completion == Completion::Complete)?,
            &out_dir,
            args.quiet,
        );
    }
    let finished = watch.run_with(&session.store, |hooks| {
        study::run::run(&input, &plan, options, &pool, &out_dir, hooks)
    })?;
    session.close(finished.manifest.status == RunStatus::Complete)?;
    let runs_completed = finished.manifest.runs_completed;

    if !args.quiet {
        println!(
            "{}: {} package(s) x {} scenario(s), {} runs each, seed {}{}\n",
            world.title,
            plan.packages.len(),
            plan.scenarios.len(),
            runs_completed,
            plan.seed,
            match finished.precision_met {
                Some(true) => format!(
                    " (precision +-{} reached)",
                    plan.precision.map_or(0.0, |p| p.half_width)
                ),
                Some(false) => " (precision NOT reached: --max-runs cap hit)".to_string(),
                None => String::new(),
            }
        );
        print!("{}", ranking_text(&finished.tables));
        if finished.event_runs > 0 && finished.event_runs < runs_completed {
            println!(
                "\nevents.csv: each scripted event's effect on {} paired runs (fewer than the main run, to keep it fast)",
                finished.event_runs
            );
        }
        println!("\nOutputs in {}/", out_dir.display());
        if !args.no_charts {
            println!(
                "Open {} in a browser for the charts and their readings.",
                out_dir.join(crate::report::html::REPORT_HTML).display()
            );
        }
        println!("Exploratory model, not a forecast: see docs/MODEL.md for its assumptions.");
    }
    if let Some(base) = &against {
        if finished.manifest.status == RunStatus::Complete {
            compare_with_base(base, &input, args, &plan, &pool, &out_dir)?;
        }
    }
    if finished.manifest.status == RunStatus::Partial {
        eprintln!(
            "warning: interrupted: results are PARTIAL ({runs_completed} runs per package and scenario finished); \
             manifest.json says so; {}",
            super::common::resume_hint(&out_dir)
        );
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// The terminal's side of a study: a progress bar with the time left, and
/// Ctrl-C, which stops the study cleanly.
pub(super) struct Watch {
    bar: ProgressBar,
    /// The analysis after the last run, with a spinner that turns while
    /// one long step (a bootstrap) is under way.
    analysis: ProgressBar,
    interrupt: Interrupt,
}

impl Watch {
    pub fn start(out_dir: &Path, quiet: bool) -> Watch {
        Watch {
            bar: progress_bar(quiet),
            analysis: analysis_bar(quiet),
            interrupt: Interrupt::install(out_dir.to_path_buf()),
        }
    }

    /// Calls `f` with hooks that move the bar, hear Ctrl-C, and clear the
    /// bar when writing starts.
    pub fn run<R>(&self, f: impl FnOnce(&Hooks<'_>) -> R) -> R {
        self.run_with(&crate::batch::NoStore, f)
    }

    /// Like [`Watch::run`], with a store of finished blocks (checkpoint,
    /// shard, merge).
    pub fn run_with<R>(&self, blocks: &dyn BlockStore, f: impl FnOnce(&Hooks<'_>) -> R) -> R {
        let progress = |done: u64, planned: u64| {
            self.bar.set_length(planned);
            self.bar.set_position(done);
        };
        let analysis_started = std::sync::Once::new();
        let analysing = |done: u64, planned: u64| {
            analysis_started.call_once(|| {
                self.bar.finish_and_clear();
                self.interrupt.set_stage(Stage::Writing);
                self.analysis
                    .enable_steady_tick(std::time::Duration::from_millis(120));
            });
            self.analysis.set_length(planned);
            self.analysis.set_position(done);
        };
        let writing = || {
            self.bar.finish_and_clear();
            self.analysis.finish_and_clear();
            self.interrupt.set_stage(Stage::Writing);
        };
        let result = f(&Hooks {
            cancel: &self.interrupt.cancel,
            progress: &progress,
            analysing: &analysing,
            writing: &writing,
            blocks,
        });
        self.bar.finish_and_clear();
        self.analysis.finish_and_clear();
        result
    }
}

pub(super) fn progress_bar(quiet: bool) -> ProgressBar {
    styled_bar(
        quiet,
        "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} runs ({per_sec:0}, {eta} left)",
    )
}

fn analysis_bar(quiet: bool) -> ProgressBar {
    styled_bar(
        quiet,
        "{spinner} [{elapsed_precise}] every run done; analysing them: step {pos} of {len}",
    )
}

/// A bar on stderr in `template`, hidden when quiet or not a terminal.
fn styled_bar(quiet: bool, template: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// `run FILE --against BASE`: the comparison `compare BASE FILE` makes, on
/// the run's seed and runs, written into the run's folder.
fn compare_with_base(
    base: &super::common::Input,
    whatif: &super::common::Input,
    args: &Args,
    plan: &crate::batch::Plan,
    pool: &rayon::ThreadPool,
    out_dir: &Path,
) -> anyhow::Result<()> {
    use crate::report::compare::{Comparison, write_all};
    let (mut bw, mut ww) = (base.loaded.world.clone(), whatif.loaded.world.clone());
    super::compare::select(&mut bw, &mut ww, &args.batch)?;
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let paired = pool.install(|| crate::batch::run_paired(&bw, &ww, plan.seed, plan.runs, &cancel));
    let comparison = Comparison::new(
        (&base.shown, &whatif.shown),
        (&bw, &ww),
        plan.seed,
        &paired,
        crate::scenario::diff::diff(&base.loaded, &whatif.loaded),
    );
    let written = write_all(out_dir, &comparison).context("writing the comparison")?;
    // The report was written before the comparison existed.
    super::patterns::refresh_report(out_dir);
    if !args.quiet {
        println!();
        print!("{}", comparison.text());
        for path in written {
            println!("Wrote {}", path.display());
        }
    }
    Ok(())
}
