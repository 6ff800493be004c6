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
