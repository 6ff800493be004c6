//! Outputs of a batch. Every format is one small module behind the
//! [`Output`] trait; each writes its files atomically into the run's
//! output folder.

pub mod atomic;
pub mod charts;
pub mod csv;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod narrative;
pub mod ranking;
pub mod readings;
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

/// An output format.
pub trait Output {
    /// Short name for messages ("csv tables", "charts", ...).
    fn name(&self) -> &'static str;
    /// Writes this format's files into `dir`; returns their paths.
    fn write(&self, ctx: &ReportContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError>;
}

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

/// Removes the outputs an earlier run left in `dir`, the manifest first, so
/// a folder never mixes two runs: if this run stops before it writes its
/// manifest, no manifest vouches for the files. Only files with the names
/// this tool writes are touched (charts by their kind prefixes).
pub fn clear_outputs(dir: &Path) -> Result<(), ReportError> {
    let remove = |path: PathBuf| match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ReportError::Io { path, source: e })
        }
        _ => Ok(()),
    };
    remove(dir.join(manifest::MANIFEST_JSON))?;
    for name in [
        tables::SUMMARY_CSV,
        tables::SURVIVAL_CSV,
        tables::GUARANTORS_CSV,
        tables::ROBUSTNESS_CSV,
        tables::INFEASIBLE_CSV,
        tables::PAIRS_CSV,
        csv::RUNS_CSV,
        html::REPORT_HTML,
        markdown::REPORT_MD,
    ] {
        remove(dir.join(name))?;
    }
    let charts = dir.join(charts::CHARTS_DIR);
    if let Ok(entries) = std::fs::read_dir(&charts) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = charts::ChartKind::ALL
                .iter()
                .any(|k| name.starts_with(k.name()))
                && (name.ends_with(".png") || name.ends_with(".svg"));
            if ours {
                remove(entry.path())?;
            }
        }
    }
    Ok(())
}
