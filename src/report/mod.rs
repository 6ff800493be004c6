//! Outputs of a batch. Every format is one small module behind the
//! [`Output`] trait; each writes its files atomically into the run's
//! output folder.

pub mod atomic;
pub mod attribution;
pub mod charts;
pub mod compare;
pub mod csv;
pub mod discovery;
pub mod exploration;
pub mod exploration_html;
pub mod exploration_md;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod narrative;
pub mod parquet;
pub mod ranking;
pub mod readings;
pub mod sensitivity;
pub mod sweep;
pub mod tables;
pub mod views;

use std::path::{Path, PathBuf};

pub use manifest::{Manifest, RunStatus};
pub use tables::{TableError, Tables};

/// What every output format reads.
pub struct ReportContext<'a> {
    pub tables: &'a Tables,
    pub manifest: &'a Manifest,
}

/// An output format of what `Context` holds: a run's tables
/// ([`ReportContext`]) or an exploration's results
/// ([`exploration::ExplorationContext`]).
pub trait Output<Context> {
    /// Short name for messages ("csv tables", "charts", ...).
    fn name(&self) -> &'static str;
    /// Writes this format's files into `dir`; returns their paths.
    fn write(&self, ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>, ReportError>;
}

/// An output format of a run.
pub type RunOutput = dyn for<'a> Output<ReportContext<'a>>;

/// An output format of an exploration.
pub type ExplorationOutput = dyn for<'a> Output<exploration::ExplorationContext<'a>>;

/// A failure to write an output.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv { path: PathBuf, source: ::csv::Error },
    #[error("cannot write {path}: {source}")]
    Parquet {
        path: PathBuf,
        source: ::parquet::errors::ParquetError,
    },
    #[error("cannot draw {path}: {message}")]
    Chart { path: PathBuf, message: String },
    /// A table of an earlier run could not be read back.
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("cannot read {path}: {message}\n  (re-run `guarantee-sim run` to regenerate it)")]
    Manifest { path: PathBuf, message: String },
}

impl ReportError {
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
        move |source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Every file a run writes at the top of its output folder, the manifest
/// first. Clearing a folder, refusing to clear one and the documentation of
/// the outputs all read this list, so they cannot drift apart. Charts live
/// in [`charts::CHARTS_DIR`] and are recognised by [`is_chart_file`].
pub const OUTPUT_FILES: [&str; 27] = [
    manifest::MANIFEST_JSON,
    tables::SUMMARY_CSV,
    tables::SURVIVAL_CSV,
    tables::GUARANTORS_CSV,
    tables::ROBUSTNESS_CSV,
    tables::INFEASIBLE_CSV,
    tables::PAIRS_CSV,
    csv::RUNS_CSV,
    parquet::SUMMARY_PARQUET,
    parquet::SURVIVAL_PARQUET,
    parquet::GUARANTORS_PARQUET,
    parquet::ROBUSTNESS_PARQUET,
    parquet::INFEASIBLE_PARQUET,
    parquet::PAIRS_PARQUET,
    parquet::RUNS_PARQUET,
    html::REPORT_HTML,
    markdown::REPORT_MD,
    attribution::EVENTS_CSV,
    sweep::SWEEP_CSV,
    sensitivity::SENSITIVITY_CSV,
    discovery::DISCOVERY_CSV,
    exploration_html::EXPLORATION_HTML,
    exploration_md::EXPLORATION_MD,
    compare::COMPARE_CSV,
    compare::COMPARE_PNG,
    compare::COMPARE_SVG,
    compare::COMPARE_HTML,
];

/// What decides the size of a study's outputs and of its checkpoint.
#[derive(Debug, Clone, Copy)]
pub struct OutputShape {
    pub tables: StudyTables,
    /// Points of an exploration's design (1 for `run`).
    pub points: u64,
    pub packages: u64,
    pub scenarios: u64,
    pub countries: u64,
    pub horizon_months: u64,
    /// Most runs per point, package and scenario (the cap with a precision target).
    pub runs: u64,
    /// runs.csv, one row per run (`run --per-run`).
    pub per_run: bool,
    /// The checkpoint's blocks keep every run's record (`run --per-run`,
    /// `discover`, which reads them all).
    pub kept_runs: bool,
    /// Parquet copies of the tables (and of runs.csv with `per_run`).
    pub parquet: bool,
    pub charts: bool,
    /// Bytes of the resolved scenario file, which the manifest embeds.
    pub scenario_bytes: u64,
}

/// Which tables a study writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyTables {
    /// `run`: summary, survival, guarantors, pairs, robustness.
    Run,
    /// An exploration: at most one row per point, package and scenario
    /// (sweep.csv; sensitivity.csv and discovery.csv have fewer).
    Exploration,
}

impl OutputShape {
    /// A generous estimate of the bytes a study writes, its checkpoint
    /// included (it stays until the outputs are written), so that a disk
    /// too full for them is found before the simulation rather than after
    /// it. Bytes per row are rounded up from the bundled file's outputs.
    pub fn estimated_bytes(&self) -> u64 {
        let cells = self.packages * self.scenarios;
        let tables = match self.tables {
            StudyTables::Run => {
                cells * 512 // summary.csv
                    + cells * self.horizon_months * 96 // survival.csv
                    + cells * self.countries * 96 // guarantors.csv
                    + self.scenarios * self.packages * self.packages * 96 // pairs.csv
                    + self.packages * 256 // robustness.csv, infeasible.csv
            }
            StudyTables::Exploration => self.points.saturating_mul(cells).saturating_mul(256),
        };
        // Parquet copies are smaller than their CSV files.
        let tables = if self.parquet {
            tables + tables / 2
        } else {
            tables
        };
        let mut bytes = tables
            .saturating_add(4 * self.scenario_bytes + 64 * 1024) // manifest.json
            .saturating_add(self.checkpoint_bytes());
        if self.per_run {
            let per_row = if self.parquet { 192 } else { 128 };
            bytes = bytes.saturating_add(cells.saturating_mul(self.runs).saturating_mul(per_row));
        }
        if self.charts {
            let chart_files = match self.tables {
                StudyTables::Run => 2 * (3 + 3 * self.scenarios),
                StudyTables::Exploration => 2 * (cells + self.scenarios + self.packages),
            };
            bytes = bytes.saturating_add(chart_files * 512 * 1024 + 2 * 1024 * 1024 + cells * 4096);
        }
        bytes
    }

    /// The flags that make the outputs smaller, for the error of a disk
    /// too full for them.
    pub fn how_to_write_less(&self) -> &'static str {
        match self.tables {
            StudyTables::Run => "fewer --runs, no --per-run, --no-charts",
            StudyTables::Exploration => {
                "fewer --runs, fewer points (--samples, STEPS), --no-charts"
            }
        }
    }

    /// The bytes of one shard of `count`: its share of the checkpoint's
    /// blocks, which it keeps as its shard folder; it writes no tables.
    pub fn shard_bytes(&self, count: u64) -> u64 {
        self.checkpoint_bytes().div_ceil(count.max(1)) + 4 * self.scenario_bytes + 64 * 1024
    }

    /// Every block of the study, as the checkpoint keeps it: each package's
    /// aggregates and the pairs between packages, and with
    /// [`OutputShape::kept_runs`] what each run drew, once per run index,
    /// with every package's outcome. Rounded up from the bundled file's
    /// block files.
    fn checkpoint_bytes(&self) -> u64 {
        let runs = self
            .points
            .saturating_mul(self.scenarios)
            .saturating_mul(self.runs);
        let blocks = self
            .points
            .saturating_mul(self.scenarios)
            .saturating_mul(self.runs.div_ceil(crate::batch::BLOCK_RUNS));
        let block = 512
            + self.packages * (1024 + self.horizon_months * 16 + self.countries * 32)
            + self.packages * self.packages * 2 * 96;
        let mut bytes = blocks.saturating_mul(block);
        if self.kept_runs {
            bytes = bytes.saturating_add(runs.saturating_mul(1024 + self.packages * 320));
        }
        bytes
    }
}

/// Files that `guarantee-sim patterns` and `decompose` write into a run's
/// folder. A new run keeps them (the report shows them only when they were
/// computed from the same scenario file), and a folder that holds only
/// them counts as empty for `run`.
pub const SIDE_OUTPUTS: [&str; 2] = [attribution::PATTERNS_CSV, attribution::COMPONENTS_CSV];

/// Is `name` (a file in [`charts::CHARTS_DIR`]) a waterfall chart of
/// `decompose`, one of the [`SIDE_OUTPUTS`]?
pub fn is_side_chart(name: &str) -> bool {
    name.starts_with(attribution::WATERFALL_PREFIX)
        && (name.ends_with(".png") || name.ends_with(".svg"))
}

/// Is `name` (a file in [`charts::CHARTS_DIR`]) a chart this tool draws?
pub fn is_chart_file(name: &str) -> bool {
    (charts::ChartKind::ALL
        .iter()
        .any(|k| name.starts_with(k.name()))
        || charts::EXPLORATION_CHART_PREFIXES
            .iter()
            .any(|p| name.starts_with(p)))
        && (name.ends_with(".png") || name.ends_with(".svg"))
}

/// Is `name` a temporary file [`atomic::AtomicFile`] leaves behind when a
/// process dies before it commits (`.summary.csv.<pid>.tmp`)?
pub fn is_stale_temp(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let Some((target, pid)) = inner.rsplit_once('.') else {
        return false;
    };
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && (OUTPUT_FILES.contains(&target)
            || is_chart_file(target)
            || target == sweep::SWEEP_CSV
            || compare::COMPARE_FILES.contains(&target))
}

/// Removes the outputs an earlier run left in `dir`, the manifest first, so
/// a folder never mixes two runs: if this run stops before it writes its
/// manifest, no manifest vouches for the files. Only files with the names
/// this tool writes are touched (see [`OUTPUT_FILES`]), and temporary files
/// that a killed run left behind. The caller holds the folder's lock, so no
/// other run is writing those temporaries.
pub fn clear_outputs(dir: &Path) -> Result<(), ReportError> {
    let remove = |path: PathBuf| match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ReportError::Io { path, source: e })
        }
        _ => Ok(()),
    };
    for name in OUTPUT_FILES {
        remove(dir.join(name))?;
    }
    for sub in [dir.to_path_buf(), dir.join(charts::CHARTS_DIR)] {
        let Ok(entries) = std::fs::read_dir(&sub) else {
            continue;
        };
        let in_charts = sub != dir;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_stale_temp(&name) || (in_charts && is_chart_file(&name)) {
                remove(entry.path())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_temporaries_of_registered_outputs_count_as_stale() {
        assert!(is_stale_temp(".runs.csv.4242.tmp"));
        assert!(is_stale_temp(".manifest.json.7.tmp"));
        assert!(is_stale_temp(".heatmap-final.png.7.tmp"));
        assert!(is_stale_temp(".compare.svg.7.tmp"));
        assert!(is_stale_temp(".sweep.csv.7.tmp"));
        assert!(!is_stale_temp(".notes.txt.7.tmp"));
        assert!(!is_stale_temp(".runs.csv.tmp"));
        assert!(!is_stale_temp("runs.csv.7.tmp"));
    }
}
