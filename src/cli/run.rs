//! `guarantee-sim run`: every feasible package under every scenario, many
//! runs each, in parallel; writes the tables, charts and reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Context;
use super::common::{BatchArgs, Input, dedup, load_input, package_index, scenario_index};
use super::interrupt::{Interrupt, Stage};
use crate::batch::{
    BLOCK_RUNS, Completion, Control, MAX_PACKAGES_PER_BATCH, MAX_SCENARIOS_PER_BATCH, Plan,
    Precision, run_batch,
};
use crate::report::charts::{ChartOptions, Charts};
use crate::report::csv::{CsvTables, RunsCsv};
use crate::report::html::HtmlReport;
use crate::report::manifest::{MANIFEST_JSON, PrecisionRecord, build_commit};
use crate::report::markdown::MarkdownReport;
use crate::report::ranking::ranking_text;
use crate::report::tables::RankBy;
use crate::report::{Manifest, Output, OutputShape, ReportContext, RunStatus, Tables};
use crate::scenario;
use crate::scenario::read::{MAX_MANIFEST_BYTES, read_regular_text};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim run                                  the bundled Paris 2026 scenario file
  guarantee-sim run my-what-if.toml --runs 2000      your own file, fewer runs
  guarantee-sim run --packages paris-draft,porcupine --scenarios renewed-attack
  guarantee-sim run --precision 0.01 --max-runs 200000
                                                     add runs until every 95% interval is +-1 point
  guarantee-sim run --replay output/paris-2026/manifest.json --out /tmp/check

Outputs go to output/<file name>/: summary.csv, survival.csv, guarantors.csv,
robustness.csv, pairs.csv, infeasible.csv, manifest.json (runs.csv with --per-run),
report.html and report.md, and charts/ with every chart as PNG and SVG.
A run replaces only its own files, and only in a new or empty folder or one
holding an earlier run (its manifest.json); any other folder is refused
unless --force. Two runs cannot share a folder (it is locked while in use).
The same file, seed and version give the same bytes with any --threads.
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

fn check_count(n: u64) -> Result<u64, String> {
    match n {
        0 => Err("must be at least 1".to_string()),
        n if n > MAX_RUNS => Err(format!("must be at most {MAX_RUNS}, got {n}")),
        n => Ok(n),
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

/// Smallest half-width --precision accepts (0.01 percentage points needs
/// about 100 million runs per cell).
const MIN_HALF_WIDTH: f64 = 1e-4;

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

fn check_precision(h: f64) -> Result<f64, String> {
    if (MIN_HALF_WIDTH..=0.5).contains(&h) {
        Ok(h)
    } else {
        Err(format!("half-width {h} is outside {MIN_HALF_WIDTH} to 0.5"))
    }
}

/// --precision adds runs a block at a time, so a cap below one block could
/// not be kept; it is refused rather than silently raised.
fn check_max_runs(n: u64) -> Result<u64, String> {
    if n < BLOCK_RUNS {
        Err(format!(
            "must be at least {BLOCK_RUNS} (--precision adds runs in blocks of {BLOCK_RUNS}), got {n}"
        ))
    } else {
        Ok(n)
    }
}

/// Default cap on runs with --precision.
const DEFAULT_MAX_RUNS: u64 = 1_000_000;
/// First round of runs with --precision when --runs is not given.
const PILOT_RUNS: u64 = 4 * BLOCK_RUNS;
/// Reference package for paired differences when none is named.
const DEFAULT_REFERENCE: &str = "no-guarantee";

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let started_at = SystemTime::now();
    let replay = match &args.replay {
        Some(path) => Some(read_manifest(path)?),
        None => None,
    };
    let (input, default_out) = match &replay {
        Some(m) => {
            let version = env!("CARGO_PKG_VERSION");
            if m.version != version || (m.git_commit.is_some() && m.git_commit != build_commit()) {
                eprintln!(
                    "warning: the manifest was written by guarantee-sim {} ({}), this is {version} ({}); \
                     a different version may give different results",
                    m.version,
                    m.git_commit.as_deref().unwrap_or("commit unknown"),
                    build_commit().as_deref().unwrap_or("commit unknown"),
                );
            }
            let name = Path::new(&m.scenario_file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "replay.toml".to_string());
            let loaded = match scenario::load_str(&name, &m.scenario_resolved, None) {
                Ok(l) => l,
                Err(errors) => {
                    ctx.print_errors(&m.scenario_file, &errors);
                    return Ok(ExitCode::FAILURE);
                }
            };
            let manifest_dir = args
                .replay
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(Path::new("."));
            let input = Input {
                loaded,
                shown: m.scenario_file.clone(),
                stem: String::new(),
            };
            (input, manifest_dir.join("replay"))
        }
        None => {
            let Some(input) = load_input(ctx, args.file.as_deref()) else {
                return Ok(ExitCode::FAILURE);
            };
            let out = Path::new("output").join(&input.stem);
            (input, out)
        }
    };
    let world = &input.loaded.world;

    // Everything the user typed (or a manifest says) is checked before any
    // work starts, on the same path.
    let request = match &replay {
        Some(m) => Request {
            seed: Some(m.seed),
            runs: Some(m.runs_requested),
            packages: m.packages.clone(),
            scenarios: m.scenarios.clone(),
            reference: m.reference.clone(),
            precision: m.precision.map(|p| p.half_width),
            max_runs: m.precision.map(|p| p.max_runs),
            from_manifest: true,
        },
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
    let per_run = replay.as_ref().map_or(args.per_run, |m| m.per_run);
    let rank_by = replay.as_ref().map_or(args.rank_by, |m| m.rank_by);
    let out = super::out_dir::prepare(&args.out.clone().unwrap_or(default_out), args.force)?;
    let out_dir = out.path.clone();
    out.check_space(
        OutputShape {
            packages: plan.packages.len() as u64,
            scenarios: plan.scenarios.len() as u64,
            countries: world.countries.len() as u64,
            horizon_months: u64::from(world.horizon_months),
            runs: plan.precision.map_or(plan.runs, |p| p.max_runs),
            per_run,
            charts: !args.no_charts,
            scenario_bytes: input.loaded.resolved_toml.len() as u64,
        }
        .estimated_bytes(),
    )?;

    let (pool, threads) = args.batch.pool()?;

    let interrupt = Interrupt::install(out_dir.clone());

    let bar = progress_bar(args.quiet);
    let progress = |done: u64, planned: u64| {
        bar.set_length(planned);
        bar.set_position(done);
    };
    let control = Control {
        cancel: &interrupt.cancel,
        progress: &progress,
        per_run,
    };
    let mut runs_csv = if per_run {
        Some(RunsCsv::create(&out_dir)?)
    } else {
        None
    };
    let result = pool.install(|| {
        run_batch(world, &plan, &control, |records| match &mut runs_csv {
            Some(w) => w.write(world, &plan.packages, &plan.scenarios, records),
            None => Ok(()),
        })
    })?;
    bar.finish_and_clear();
    interrupt.set_stage(Stage::Writing);

    let status = match result.completion {
        Completion::Complete => RunStatus::Complete,
        Completion::Interrupted => RunStatus::Partial,
    };
    // What each scripted event does: events.csv, read by the report.
    let event_runs = match status {
        RunStatus::Complete => pool.install(|| {
            crate::report::attribution::event_study(world, &plan, &control, &out_dir)
        })?,
        RunStatus::Partial => 0,
    };
    let mut tables = Tables::from_batch(world, &plan, &result);
    tables.rank_by(rank_by);
    let runs_completed = result.cells.iter().map(|c| c.runs).min().unwrap_or(0);
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: build_commit(),
        status,
        scenario_file: input.shown.clone(),
        title: world.title.clone(),
        sources: input
            .loaded
            .spec
            .meta
            .as_ref()
            .map(|m| m.sources.clone())
            .unwrap_or_default(),
        scenario_sha256: input.loaded.sha256.clone(),
        source_files: input
            .loaded
            .sources
            .iter()
            .map(|s| s.path.clone())
            .collect(),
        scenario_resolved: input.loaded.resolved_toml.clone(),
        seed: plan.seed,
        runs_requested: plan.runs,
        runs_completed,
        precision: plan.precision.map(|p| PrecisionRecord {
            half_width: p.half_width,
            max_runs: p.max_runs,
            met: result.precision_met.unwrap_or(false),
        }),
        packages: plan
            .packages
            .iter()
            .map(|&p| world.packages[p].id.clone())
            .collect(),
        scenarios: plan
            .scenarios
            .iter()
            .map(|&s| world.scenarios[s].id.clone())
            .collect(),
        reference: plan
            .reference
            .map(|r| world.packages[plan.packages[r]].id.clone()),
        per_run,
        rank_by,
        threads,
        started_at: humantime::format_rfc3339_seconds(started_at).to_string(),
        finished_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        wall_seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    };
    let report = ReportContext {
        tables: &tables,
        manifest: &manifest,
    };
    let chart_options = ChartOptions::default();
    let mut outputs: Vec<Box<dyn Output>> = vec![Box::new(CsvTables)];
    if !args.no_charts {
        outputs.push(Box::new(Charts {
            options: chart_options.clone(),
        }));
        outputs.push(Box::new(HtmlReport {
            chart_options: chart_options.clone(),
        }));
        outputs.push(Box::new(MarkdownReport { chart_options }));
    }
    for output in &outputs {
        output
            .write(&report, &out_dir)
            .with_context(|| format!("writing the {}", output.name()))?;
    }
    if let Some(w) = runs_csv {
        w.commit()?;
    }
    // The manifest goes last: its presence says the other files are whole.
    let manifest_path = out_dir.join(MANIFEST_JSON);
    let json = serde_json::to_string_pretty(&manifest)? + "\n";
    crate::report::atomic::write_atomic(&manifest_path, json.as_bytes())
        .with_context(|| format!("cannot write {}", manifest_path.display()))?;

    if !args.quiet {
        println!(
            "{}: {} package(s) x {} scenario(s), {} runs each, seed {}{}\n",
            world.title,
            plan.packages.len(),
            plan.scenarios.len(),
            runs_completed,
            plan.seed,
            match result.precision_met {
                Some(true) => format!(
                    " (precision +-{} reached)",
                    plan.precision.map_or(0.0, |p| p.half_width)
                ),
                Some(false) => " (precision NOT reached: --max-runs cap hit)".to_string(),
                None => String::new(),
            }
        );
        print!("{}", ranking_text(&tables));
        if event_runs > 0 && event_runs < runs_completed {
            println!(
                "\nevents.csv: each scripted event's effect on {event_runs} paired runs (fewer than the main run, to keep it fast)"
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
    if status == RunStatus::Partial {
        eprintln!(
            "warning: interrupted: results are PARTIAL ({runs_completed} runs per package and scenario finished); \
             manifest.json says so"
        );
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// What to run, from the command line or from a replayed manifest.
struct Request {
    seed: Option<u64>,
    runs: Option<u64>,
    packages: Vec<String>,
    scenarios: Vec<String>,
    reference: Option<String>,
    precision: Option<f64>,
    max_runs: Option<u64>,
    /// A manifest names its reference explicitly even when it is the default.
    from_manifest: bool,
}

impl Request {
    /// How the user knows a setting: a flag on the command line, a field
    /// of the replayed manifest.
    fn name(&self, flag: &'static str, field: &'static str) -> String {
        if self.from_manifest {
            format!("field `{field}`")
        } else {
            flag.to_string()
        }
    }
}

fn build_plan(world: &crate::model::params::World, request: &Request) -> anyhow::Result<Plan> {
    let packages: Vec<usize> = if request.packages.is_empty() {
        (0..world.packages.len()).collect()
    } else {
        request
            .packages
            .iter()
            .map(|p| package_index(world, p.trim()))
            .collect::<anyhow::Result<_>>()?
    };
    if packages.is_empty() {
        bail!(
            "no feasible package to simulate: every package breaks a hard constraint (see `guarantee-sim validate`)"
        );
    }
    let scenarios: Vec<usize> = if request.scenarios.is_empty() {
        (0..world.scenarios.len()).collect()
    } else {
        request
            .scenarios
            .iter()
            .map(|s| scenario_index(world, s.trim()))
            .collect::<anyhow::Result<_>>()?
    };
    if scenarios.is_empty() {
        bail!("the scenario file defines no scenarios");
    }
    let selected = dedup(&scenarios).len();
    if selected > MAX_SCENARIOS_PER_BATCH {
        bail!(
            "{selected} scenarios selected, but one run simulates at most {MAX_SCENARIOS_PER_BATCH} \
             (each has its own charts and table rows); choose some with {}",
            request.name("--scenarios X,Y", "scenarios")
        );
    }
    let precision = match request.precision {
        Some(h) => {
            let half_width = check_precision(h).map_err(|e| {
                anyhow::anyhow!(
                    "{}: {e}",
                    request.name("--precision", "precision.half_width")
                )
            })?;
            let max_runs_name = request.name("--max-runs", "precision.max_runs");
            let max_runs = check_count(request.max_runs.unwrap_or(DEFAULT_MAX_RUNS))
                .and_then(check_max_runs)
                .map_err(|e| anyhow::anyhow!("{max_runs_name}: {e}"))?;
            Some(Precision {
                half_width,
                max_runs,
            })
        }
        None => None,
    };
    let runs_name = request.name("--runs", "runs_requested");
    let runs = match (request.runs, precision) {
        (Some(n), Some(p)) if n > p.max_runs => {
            bail!(
                "{runs_name} {n} is more than {} {}",
                request.name("--max-runs", "precision.max_runs"),
                p.max_runs
            )
        }
        (Some(n), _) => n,
        (None, Some(p)) => PILOT_RUNS.min(p.max_runs),
        (None, None) => world.default_runs,
    };
    let runs = check_count(runs).map_err(|e| match request.runs {
        Some(_) => anyhow::anyhow!("{runs_name}: {e}"),
        None => anyhow::anyhow!("`simulation.runs` of the scenario file: {e}"),
    })?;
    let mut plan = Plan {
        seed: request.seed.unwrap_or(world.default_seed),
        runs,
        packages: dedup(&packages),
        scenarios: dedup(&scenarios),
        reference: None,
        precision,
    };
    plan.reference = resolve_reference(
        world,
        &mut plan,
        request.reference.as_deref(),
        request.reference.is_some() && !request.from_manifest,
    )?;
    let selected = plan.packages.len();
    if selected > MAX_PACKAGES_PER_BATCH {
        bail!(
            "{selected} packages selected, but one run compares at most {MAX_PACKAGES_PER_BATCH} \
             (every pair is compared, so memory and pairs.csv grow with the square of the count); \
             choose some with {}",
            request.name("--packages A,B", "packages")
        );
    }
    Ok(plan)
}

/// Position of the reference package in the plan. A named reference is
/// added to the run if it was not selected; the default is used only when
/// it is part of the run anyway.
fn resolve_reference(
    world: &crate::model::params::World,
    plan: &mut Plan,
    named: Option<&str>,
    add_if_missing: bool,
) -> anyhow::Result<Option<usize>> {
    let (name, explicit) = match named {
        Some(n) => (n, true),
        None => (DEFAULT_REFERENCE, false),
    };
    let index = match package_index(world, name) {
        Ok(i) => i,
        Err(e) if explicit => return Err(e.context("--reference")),
        Err(_) => return Ok(None),
    };
    if let Some(pos) = plan.packages.iter().position(|&p| p == index) {
        return Ok(Some(pos));
    }
    if add_if_missing {
        plan.packages.push(index);
        return Ok(Some(plan.packages.len() - 1));
    }
    Ok(None)
}

/// Reads a manifest to replay and checks that its scenario is the one it
/// vouches for: an edited `scenario_resolved` would otherwise replay a
/// different scenario under the old name.
fn read_manifest(path: &Path) -> anyhow::Result<Manifest> {
    let text = read_regular_text(path, MAX_MANIFEST_BYTES)
        .with_context(|| format!("--replay {}: cannot read the manifest", path.display()))?;
    let manifest: Manifest = serde_json::from_str(&text).with_context(|| {
        format!(
            "--replay {}: not a guarantee-sim manifest.json (written by `guarantee-sim run`)",
            path.display()
        )
    })?;
    let actual = scenario::sha256_hex(&manifest.scenario_resolved);
    if actual != manifest.scenario_sha256 {
        bail!(
            "--replay {}: field `scenario_sha256` ({}) does not match the SHA-256 of \
             `scenario_resolved` ({actual}): the manifest was edited or damaged, so it would replay \
             a different scenario than the run it describes; restore it, or run the scenario file itself",
            path.display(),
            manifest.scenario_sha256
        );
    }
    Ok(manifest)
}

pub(super) fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} runs ({per_sec:0}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}
