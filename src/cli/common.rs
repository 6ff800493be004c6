//! Pieces `run` and `explain` share: which scenario file to read, and
//! checking package and scenario names given on the command line.

use std::path::{Path, PathBuf};

use super::Context;
use super::run::{parse_count, parse_threads};
use crate::report::manifest::ExplorationManifest;
use crate::scenario::{self, Merged};
pub use crate::study::Input;
use crate::study::explore::{PointStudy, Selection};
pub use crate::study::plan::{dedup, package_index, scenario_index};
use crate::study::replay;
use crate::study::session::{Cluster, Session};
use crate::study::shard::ShardId;

/// The bundled scenario file, relative to the working directory.
pub const DEFAULT_SCENARIO: &str = "scenarios/paris-2026.toml";

/// Loads FILE, or the bundled scenario when none is given (the copy in
/// `scenarios/` if the working directory has one, else the copy built into
/// the binary). Prints every error and returns `None` if the file is not
/// valid.
pub fn load_input(ctx: &Context, file: Option<&Path>) -> Option<Input> {
    merge_input(ctx, file).map(|(_, input)| input)
}

/// Like [`load_input`], also returning the merged file before compiling,
/// for commands that change its values.
pub fn merge_input(ctx: &Context, file: Option<&Path>) -> Option<(Merged, Input)> {
    let built_in = file
        .filter(|p| !p.exists())
        .and_then(|p| p.to_str())
        .and_then(|name| scenario::bundled(name).map(|text| (name, text)));
    let (merged, shown, stem) = match (file, built_in) {
        // A bundled file named bare and not found here: the built-in copy
        // (the name a starter file's `extends` uses works anywhere).
        (_, Some((name, text))) => (
            scenario::merge_str(name, text, None),
            format!("{name} (built in)"),
            stem_of(Path::new(name)),
        ),
        (Some(path), None) => (
            scenario::merge(path),
            path.display().to_string(),
            stem_of(path),
        ),
        (None, None) if Path::new(DEFAULT_SCENARIO).is_file() => {
            let path = PathBuf::from(DEFAULT_SCENARIO);
            (
                scenario::merge(&path),
                DEFAULT_SCENARIO.to_string(),
                stem_of(&path),
            )
        }
        (None, None) => {
            let (name, text) = scenario::BUNDLED[0];
            (
                scenario::merge_str(name, text, None),
                format!("{name} (built in)"),
                stem_of(Path::new(name)),
            )
        }
    };
    let result = merged.and_then(|m| Ok((m.clone(), m.compile()?)));
    match result {
        Ok((merged, loaded)) => {
            // Warnings are for editing a file (`validate` shows them in
            // full); here one line is enough, and the bundled parent's
            // warnings (there by design) are not the user's to fix.
            let n = loaded
                .warnings
                .iter()
                .filter(|d| !super::in_bundled_file(d))
                .count();
            if n > 0 {
                // The command must work wherever it is typed: a built-in
                // file is named by its bare name, which `validate` finds.
                let named = shown.trim_end_matches(" (built in)");
                eprintln!(
                    "note: {shown} has {n} warning{} (troops above pledges, troops kept home by a constraint); `guarantee-sim validate {named}` shows them",
                    if n == 1 { "" } else { "s" }
                );
            }
            Some((
                merged,
                Input {
                    loaded,
                    shown,
                    stem,
                },
            ))
        }
        Err(errors) => {
            ctx.print_errors(&shown, &errors);
            None
        }
    }
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "scenario".to_string())
}

/// `--seed`: any 64-bit seed, with a message that names the range.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("expected a whole number from 0 to {}, got `{s}`", u64::MAX))
}

/// `--run`: the index of a run in a batch.
pub fn parse_run_index(s: &str) -> Result<u64, String> {
    s.trim().parse::<u64>().map_err(|_| {
        format!(
            "expected a run index, a whole number from 0 to {}, got `{s}`",
            u64::MAX
        )
    })
}

/// `--shard` and `--resume`: running a study on many machines, and taking
/// up one that was stopped. The same on `run` and the exploration commands.
#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// Compute only shard K of N (K from 0 to N-1) and write its blocks and
    /// shard.json for `guarantee-sim merge`; `slurm` takes K and N from
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, `/N` takes only K.
    #[arg(long, value_name = "K/N", value_parser = parse_shard, allow_hyphen_values = true)]
    pub shard: Option<ShardId>,
    /// Take up the study that was stopped (Ctrl-C, kill, a dead node) in
    /// DIR, its output folder: finished blocks are kept, the rest computed.
    /// Give the same file and flags as the stopped command.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
}

fn parse_shard(s: &str) -> Result<ShardId, String> {
    ShardId::parse(s, |name| std::env::var(name).ok())
}

impl ClusterArgs {
    pub fn cluster(&self) -> Cluster {
        Cluster {
            shard: self.shard,
            resume: self.resume.is_some(),
        }
    }

    /// The output folder: `--resume DIR`, `--out DIR` (the same folder
    /// when both are given), else `default` (a shard's own folder below
    /// it with `--shard`).
    pub fn out_dir(&self, out: Option<&Path>, default: PathBuf) -> anyhow::Result<PathBuf> {
        match (&self.resume, out) {
            (Some(resume), Some(out)) if resume != out => anyhow::bail!(
                "--resume {} and --out {} name different folders; a study resumes in its own folder \
                 (give only --resume DIR)",
                resume.display(),
                out.display()
            ),
            (Some(resume), _) => Ok(resume.clone()),
            (None, Some(out)) => Ok(out.to_path_buf()),
            (None, None) => Ok(match self.shard {
                Some(id) => default.join(format!("shard-{}-of-{}", id.index, id.count)),
                None => default,
            }),
        }
    }
}

/// The flags the exploration commands (sweep, sensitivity, discover)
/// share beyond what they explore: where and what to write, and how to
/// run on a cluster.
#[derive(Debug, clap::Args)]
pub struct ExplorationArgs {
    /// Output folder (default: output/<file name>-<command>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write only the CSV table and the manifest, no charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Let the study replace its own output files in a folder that holds no earlier run.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary; errors still print.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// How an exploration command's study ended.
pub enum Explored<O> {
    /// Finished, its outputs in the folder.
    Written(O, PathBuf),
    /// A shard finished or anything interrupted: the exit code (the
    /// terminal was told).
    Exit(std::process::ExitCode),
}

/// Runs an exploration study in its folder with a checkpoint: the whole
/// study, or only its shard; an interruption keeps the checkpoint for
/// `--resume`.
pub fn run_exploration<S: PointStudy>(
    study: &S,
    args: &ExplorationArgs,
    default_out: PathBuf,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<Explored<S::Outcome>> {
    let charts = !args.no_charts;
    let dir = args.cluster.out_dir(args.out.as_deref(), default_out)?;
    let session = Session::open(
        &dir,
        args.force,
        args.cluster.cluster(),
        study.key(charts)?,
        study.geometry(),
        study.output_shape(charts),
    )?;
    let out_dir = session.path().to_path_buf();
    note_resumed(&session, args.quiet);
    let watch = super::run::Watch::start(&out_dir, args.quiet);
    if session.is_shard() {
        let done = watch.run_with(&session.store, |hooks| study.run_share(pool, hooks))?;
        return Ok(Explored::Exit(report_shard(
            session.close(done)?,
            &out_dir,
            args.quiet,
        )?));
    }
    let outcome = watch.run_with(&session.store, |hooks| {
        study.run(pool, &out_dir, charts, hooks)
    })?;
    session.close(outcome.as_ref().is_some_and(|o| study.complete(o)))?;
    match outcome {
        Some(outcome) => Ok(Explored::Written(outcome, out_dir)),
        None => {
            eprintln!(
                "warning: interrupted: nothing written; {}",
                resume_hint(&out_dir)
            );
            Ok(Explored::Exit(std::process::ExitCode::from(130)))
        }
    }
}

/// What to run and on how many threads: the arguments every command that
/// runs batches shares.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Runs per package and scenario (default: the file's `simulation.runs`).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_hyphen_values = true)]
    pub runs: Option<u64>,
    /// Master seed, 0 to 18446744073709551615 (default: the file's `simulation.seed`).
    #[arg(long, value_name = "S", value_parser = parse_seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Only these packages (comma-separated ids).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub packages: Vec<String>,
    /// Only these scenarios (comma-separated ids).
    #[arg(long, value_name = "X,Y", value_delimiter = ',')]
    pub scenarios: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads, allow_hyphen_values = true)]
    pub threads: Option<usize>,
}

impl BatchArgs {
    /// What an exploration runs at every point.
    pub fn selection(&self) -> Selection {
        Selection {
            runs: self.runs,
            seed: self.seed,
            packages: self.packages.clone(),
            scenarios: self.scenarios.clone(),
        }
    }

    /// The worker pool and its size.
    pub fn pool(&self) -> anyhow::Result<(rayon::ThreadPool, usize)> {
        worker_pool(self.threads)
    }
}

/// A pool of `threads` workers (default: all cores) and its size.
pub fn worker_pool(threads: Option<usize>) -> anyhow::Result<(rayon::ThreadPool, usize)> {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start worker threads: {e}"))?;
    Ok((pool, threads))
}

/// Where an exploration command starts: the scenario file, or the scenario
/// of the manifest it replays (with that manifest), and its default
/// output folder (`output/<stem>-<command>/`, or `replay/` beside the
/// manifest). `None` when the scenario has errors (printed).
pub struct ExplorationSource {
    pub merged: Merged,
    pub input: Input,
    pub replayed: Option<ExplorationManifest>,
    pub default_out: PathBuf,
}

impl ExplorationSource {
    /// What to explore: the request the replayed manifest (`replay`)
    /// recorded, read by `recorded`, else the one `from_flags` makes for
    /// the scenario.
    pub fn request<R>(
        &self,
        replay: Option<&Path>,
        recorded: impl FnOnce(&ExplorationManifest) -> anyhow::Result<R>,
        from_flags: impl FnOnce(&Input) -> anyhow::Result<R>,
    ) -> anyhow::Result<R> {
        match (&self.replayed, replay) {
            (Some(manifest), Some(path)) => {
                recorded(manifest).map_err(|e| e.context(format!("--replay {}", path.display())))
            }
            _ => from_flags(&self.input),
        }
    }
}

pub fn exploration_source(
    ctx: &Context,
    file: Option<&Path>,
    replay: Option<&Path>,
    command: &str,
) -> anyhow::Result<Option<ExplorationSource>> {
    let Some(path) = replay else {
        return Ok(
            merge_input(ctx, file).map(|(merged, input)| ExplorationSource {
                default_out: Path::new("output").join(format!("{}-{command}", input.stem)),
                merged,
                input,
                replayed: None,
            }),
        );
    };
    let manifest = replay::read_exploration(path, command)?;
    if let Some(warning) = replay::version_warning(&manifest.run) {
        eprintln!("warning: {warning}");
    }
    match replay::merged_input(&manifest.run) {
        Ok((merged, input)) => Ok(Some(ExplorationSource {
            merged,
            input,
            replayed: Some(manifest),
            default_out: replay::default_out(path),
        })),
        Err(errors) => {
            ctx.print_errors(&manifest.run.scenario_file, &errors);
            Ok(None)
        }
    }
}

/// The folder a command that adds its own tables to a run's folder
/// (`patterns`, `decompose`) writes into: `--out`, else the file's default
/// output folder; created when new and never cleared.
pub fn side_output_dir(out: Option<&std::path::Path>, stem: &str) -> anyhow::Result<PathBuf> {
    let dir = out.map_or_else(|| std::path::Path::new("output").join(stem), PathBuf::from);
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create the output folder {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The ranges an exploration varies: `--param` when given, else the file's
/// `[explore]` table; an error says how to give them when neither has any.
pub fn exploration_params(
    given: &[crate::explore::ParameterRange],
    input: &Input,
) -> anyhow::Result<Vec<crate::explore::ParameterRange>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let from_file: Vec<String> = input
        .loaded
        .spec
        .explore
        .as_ref()
        .map(|e| e.params.clone())
        .unwrap_or_default();
    if from_file.is_empty() {
        anyhow::bail!(
            "nothing to vary: give --param PATH=LO..HI (e.g. --param countries.united-states.resolve=0.1..0.9), \
             or list them in the file: [explore] params = [\"PATH=LO..HI\", ...]"
        );
    }
    // The file's ranges were checked when it loaded.
    from_file
        .iter()
        .map(|p| {
            p.parse()
                .map_err(|e| anyhow::anyhow!("[explore] params: {e}"))
        })
        .collect()
}

/// The parameters an exploration samples from their ranges (no steps):
/// those of [`exploration_params`].
pub fn sampled_params(
    given: &[crate::explore::ParameterRange],
    input: &Input,
) -> anyhow::Result<Vec<crate::explore::Parameter>> {
    Ok(exploration_params(given, input)?
        .into_iter()
        .map(|r| r.parameter)
        .collect())
}

/// After an exploration: where its report is (written unless `--no-charts`).
pub fn point_to_report(out_dir: &Path, written: bool) {
    if written {
        println!(
            "Open {} in a browser for the report.",
            out_dir
                .join(crate::report::exploration_html::EXPLORATION_HTML)
                .display()
        );
    }
}

/// Says how much of a resumed study was already done.
pub fn note_resumed(session: &Session, quiet: bool) {
    if let (Some(kept), false) = (session.kept_blocks, quiet) {
        eprintln!(
            "resuming {}: {kept} finished block(s) kept from the checkpoint, the rest computed",
            session.path().display()
        );
    }
}

/// How to take up an interrupted study in `dir`.
pub fn resume_hint(dir: &Path) -> String {
    format!(
        "the finished blocks are checkpointed: the same command with --resume {} computes only the rest",
        dir.display()
    )
}

/// Tells how a shard ended: its folder for `merge`, or how to resume it.
pub fn report_shard(
    closed: crate::study::session::Closed,
    dir: &Path,
    quiet: bool,
) -> anyhow::Result<std::process::ExitCode> {
    use crate::study::session::Closed;
    match closed {
        Closed::Shard(path) => {
            if !quiet {
                println!(
                    "Shard written: {}\nWhen every shard is done: guarantee-sim merge SHARD_DIR... --out DIR",
                    path.display()
                );
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        _ => {
            eprintln!(
                "warning: interrupted: the shard is not finished; {}",
                resume_hint(dir)
            );
            Ok(std::process::ExitCode::from(130))
        }
    }
}
