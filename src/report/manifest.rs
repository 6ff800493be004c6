//! `manifest.json`: what produced a run's outputs, enough to reproduce them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ReportError;
use crate::scenario::read::{MAX_MANIFEST_BYTES, read_regular_text};

/// Provenance of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    /// Commit the binary was built from, when known.
    pub git_commit: Option<String>,
    /// `complete`, or `partial` when the run was interrupted.
    pub status: RunStatus,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// Title of the scenario file.
    pub title: String,
    /// SHA-256 of `scenario_resolved`.
    pub scenario_sha256: String,
    /// Every file read, parents first (`extends`).
    pub source_files: Vec<String>,
    /// Sources the scenario file cites for its numbers (shown in the
    /// report); empty when it cites none.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The scenario file with `extends` resolved: what was simulated.
    pub scenario_resolved: String,
    pub seed: u64,
    /// Runs per package and scenario requested (first target with a precision).
    pub runs_requested: u64,
    /// Runs per package and scenario finished (smallest over scenarios).
    pub runs_completed: u64,
    pub precision: Option<PrecisionRecord>,
    pub packages: Vec<String>,
    pub scenarios: Vec<String>,
    pub reference: Option<String>,
    pub per_run: bool,
    /// The ranking criterion (manifests before it existed ranked by worst case).
    #[serde(default)]
    pub rank_by: crate::report::tables::RankBy,
    pub threads: usize,
    pub started_at: String,
    pub finished_at: String,
    pub wall_seconds: f64,
}

/// The precision target of a run and whether it was met.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrecisionRecord {
    pub half_width: f64,
    pub max_runs: u64,
    pub met: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    Complete,
    Partial,
}

/// File name of the manifest inside a run's output folder.
pub const MANIFEST_JSON: &str = "manifest.json";

impl Manifest {
    /// Reads `manifest.json` from a run's output folder.
    pub fn load(dir: &Path) -> Result<Manifest, ReportError> {
        let path = dir.join(MANIFEST_JSON);
        let error = |message: String| ReportError::Manifest {
            path: path.clone(),
            message,
        };
        let text =
            read_regular_text(&path, MAX_MANIFEST_BYTES).map_err(|e| error(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| error(format!("not a valid manifest: {e}")))
    }
}

/// The commit this binary was built from (set by build.rs when git knows).
pub fn build_commit() -> Option<String> {
    option_env!("GUARANTEE_SIM_GIT_COMMIT")
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

/// The manifest of an exploration command (`sweep`, `sensitivity`,
/// `discover`): the run manifest's fields, which say what every point ran,
/// and what was explored. `--replay` of the same command reads it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorationManifest {
    #[serde(flatten)]
    pub run: Manifest,
    pub exploration: ExplorationRecord,
}

/// What an exploration varied and how it sampled it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorationRecord {
    /// The command that wrote it: `sweep`, `sensitivity` or `discover`.
    pub command: String,
    pub parameters: Vec<ParameterRecord>,
    /// `morris` or `sobol` (sensitivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Trajectories, base points or sampled points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<usize>,
    /// The package whose failures are discovered (discover).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Points the design has.
    pub points: usize,
    /// With status `partial` (a sweep interrupted by Ctrl-C): the points
    /// that finished, the first of the grid, each with all its runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_completed: Option<usize>,
}

/// One explored parameter: its path and range (and grid steps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterRecord {
    pub path: String,
    pub lo: f64,
    pub hi: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<usize>,
}
