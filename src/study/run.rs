//! Running a planned study and writing its outputs.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Instant, SystemTime};

use super::outputs;
use super::plan::Input;
use crate::batch::{BatchResult, BlockStore, Completion, Control, Plan, Stored, run_stored_batch};
use crate::report::manifest::{PrecisionRecord, build_commit};
use crate::report::tables::RankBy;
use crate::report::{Manifest, ReportContext, RunStatus, Tables};

/// How to run and what to write, beyond the plan.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Also write runs.csv, one row per run.
    pub per_run: bool,
    pub rank_by: RankBy,
    /// Draw the charts and write the reports (else CSV and manifest only).
    pub charts: bool,
    /// Also write every table (and runs.csv) as Parquet.
    pub parquet: bool,
}

/// What the caller hears while a study runs.
pub struct Hooks<'a> {
    /// Set (e.g. by a Ctrl-C handler) to stop after the blocks under way.
    pub cancel: &'a AtomicBool,
    /// (runs done, runs planned so far), a run being one package under one scenario.
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
    /// (steps done, steps planned) of the analysis after the last run
    /// (Sobol's bootstrap, PRIM's resampled stability): a second phase,
    /// which can take a while once the runs' progress is full.
    pub analysing: &'a dyn Fn(u64, u64),
    /// Called once the simulation is over and the outputs are being written.
    pub writing: &'a dyn Fn(),
    /// Blocks finished earlier (resume, merge) and where finished blocks go
    /// (checkpoint, shard); [`crate::batch::NoStore`] for neither.
    pub blocks: &'a dyn BlockStore,
}

/// A finished (or interrupted) study whose outputs are written.
pub struct Finished {
    pub tables: Tables,
    pub manifest: Manifest,
    /// With a precision target: whether it was met.
    pub precision_met: Option<bool>,
    /// Paired runs per package behind events.csv (0: no scripted events,
    /// or the study was interrupted).
    pub event_runs: u64,
}

/// Runs `plan` on `pool` and writes every output into `out_dir`, the
/// manifest last. An interrupted study still writes what finished, marked
/// partial in the manifest.
pub fn run(
    input: &Input,
    plan: &Plan,
    options: Options,
    pool: &rayon::ThreadPool,
    out_dir: &Path,
    hooks: &Hooks<'_>,
) -> anyhow::Result<Finished> {
    let started = Started::now();
    let world = &input.loaded.world;
    let mut runs_csv = if options.per_run {
        Some(outputs::PerRun::create(
            out_dir,
            world,
            &plan.scenarios,
            options.parquet,
        )?)
    } else {
        None
    };
    let result = simulate(
        input,
        plan,
        options.per_run,
        pool,
        hooks,
        |records| match &mut runs_csv {
            Some(w) => w.write(world, &plan.packages, &plan.scenarios, records),
            None => Ok(()),
        },
    )?;
    (hooks.writing)();

    let status = match result.completion {
        Completion::Complete => RunStatus::Complete,
        Completion::Interrupted => RunStatus::Partial,
    };
    let control = Control {
        cancel: hooks.cancel,
        progress: hooks.progress,
        per_run: options.per_run,
    };
    // What each scripted event does: events.csv, read by the report.
    let event_runs = match status {
        RunStatus::Complete => pool
            .install(|| crate::report::attribution::event_study(world, plan, &control, out_dir))?,
        RunStatus::Partial => 0,
    };
    let mut tables = Tables::from_batch(world, plan, &result);
    tables.rank_by(options.rank_by);
    let runs_completed = result.cells.iter().map(|c| c.runs).min().unwrap_or(0);
    let mut manifest = run_manifest(input, plan, options, status, &started, pool);
    manifest.runs_completed = runs_completed;
    if let Some(precision) = &mut manifest.precision {
        precision.met = result.precision_met.unwrap_or(false);
    }
    let report = ReportContext {
        tables: &tables,
        manifest: &manifest,
    };
    let formats = outputs::Formats {
        charts: options.charts,
        parquet: options.parquet,
    };
    outputs::write_all(&report, out_dir, formats, runs_csv)?;
    Ok(Finished {
        tables,
        manifest,
        precision_met: result.precision_met,
        event_runs,
    })
}

/// Runs the batch of `plan` through the hooks' block store, handing the
/// per-run records (when `per_run`) to `records`.
pub fn simulate<E: Into<anyhow::Error> + Send>(
    input: &Input,
    plan: &Plan,
    per_run: bool,
    pool: &rayon::ThreadPool,
    hooks: &Hooks<'_>,
    records: impl FnMut(&[crate::batch::RunRecord]) -> Result<(), E> + Send,
) -> anyhow::Result<BatchResult> {
    let control = Control {
        cancel: hooks.cancel,
        progress: hooks.progress,
        per_run,
    };
    let stored = Stored {
        store: hooks.blocks,
        point: 0,
    };
    pool.install(|| run_stored_batch(&input.loaded.world, plan, &control, stored, records))
        .map_err(Into::into)
}

/// The manifest of a run of `plan`, before its results are known (no runs
/// completed, precision not met).
pub fn run_manifest(
    input: &Input,
    plan: &Plan,
    options: Options,
    status: RunStatus,
    started: &Started,
    pool: &rayon::ThreadPool,
) -> Manifest {
    let world = &input.loaded.world;
    Manifest {
        seed: plan.seed,
        runs_requested: plan.runs,
        runs_completed: 0,
        precision: plan.precision.map(|p| PrecisionRecord {
            half_width: p.half_width,
            max_runs: p.max_runs,
            met: false,
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
        per_run: options.per_run,
        rank_by: options.rank_by,
        ..provenance(input, status, started, pool.current_num_threads())
    }
}

/// When a study started, for its manifest.
pub struct Started {
    instant: Instant,
    at: SystemTime,
}

impl Started {
    pub fn now() -> Started {
        Started {
            instant: Instant::now(),
            at: SystemTime::now(),
        }
    }
}

/// The manifest fields that say what produced a study (tool, scenario,
/// times); the caller fills in what was run.
pub fn provenance(input: &Input, status: RunStatus, started: &Started, threads: usize) -> Manifest {
    let world = &input.loaded.world;
    Manifest {
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
        seed: 0,
        runs_requested: 0,
        runs_completed: 0,
        precision: None,
        packages: Vec::new(),
        scenarios: Vec::new(),
        reference: None,
        per_run: false,
        rank_by: RankBy::default(),
        threads,
        started_at: humantime::format_rfc3339_seconds(started.at).to_string(),
        finished_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        wall_seconds: (started.instant.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    }
}
