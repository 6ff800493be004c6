//! Outputs of a batch. Every format is one small module behind the
//! [`Output`] trait; each writes its files atomically into the run's
//! output folder.

pub mod atomic;
pub mod charts;
pub mod csv;
pub mod discovery;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod narrative;
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

/// Every file a run writes at the top of its output folder, the manifest
/// first. Clearing a folder, refusing to clear one and the documentation of
/// the outputs all read this list, so they cannot drift apart. Charts live
/// in [`charts::CHARTS_DIR`] and are recognised by [`is_chart_file`].
pub const OUTPUT_FILES: [&str; 13] = [
    manifest::MANIFEST_JSON,
    tables::SUMMARY_CSV,
    tables::SURVIVAL_CSV,
    tables::GUARANTORS_CSV,
    tables::ROBUSTNESS_CSV,
    tables::INFEASIBLE_CSV,
    tables::PAIRS_CSV,
    csv::RUNS_CSV,
    html::REPORT_HTML,
    markdown::REPORT_MD,
    sweep::SWEEP_CSV,
    sensitivity::SENSITIVITY_CSV,
    discovery::DISCOVERY_CSV,
];

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
        && (OUTPUT_FILES.contains(&target) || is_chart_file(target))
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
        assert!(!is_stale_temp(".notes.txt.7.tmp"));
        assert!(!is_stale_temp(".runs.csv.tmp"));
        assert!(!is_stale_temp("runs.csv.7.tmp"));
    }
}
