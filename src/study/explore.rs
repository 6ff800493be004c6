//! An exploration of a scenario file: the parameters varied (checked
//! against the file before any run), the points of a design compiled into
//! worlds, and the rate of every package under every scenario at each.

use anyhow::Context as _;

use super::checkpoint::StudyKey;
use super::plan::{Input, package_index, scenario_index, selected_ids};
use super::points::{PointCell, PointPlan, PointResults};
use super::run::{Hooks, Started, provenance};
use super::session::Geometry;
use crate::explore::{Design, Parameter, Space};
use crate::model::params::World;
use crate::report::manifest::{ExplorationManifest, ExplorationRecord, ParameterRecord};
use crate::report::{Manifest, OutputShape, RunStatus, StudyTables};
use crate::scenario::Merged;

/// The parameters of an exploration and what every point runs.
pub struct Exploration {
    pub merged: Merged,
    pub input: Input,
    pub space: Space,
    pub points: PointPlan,
}

/// What to run at every point: the flags shared by the exploration commands.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub packages: Vec<String>,
    pub scenarios: Vec<String>,
}

impl Exploration {
    /// Checks every parameter against the file (a path to a number, both
    /// ends valid) and every selected id, before any run.
    pub fn new(
        merged: Merged,
        input: Input,
        parameters: Vec<Parameter>,
        selection: &Selection,
    ) -> anyhow::Result<Exploration> {
        for p in &parameters {
            merged
                .check_range(p.name(), p.lo(), p.hi())
                .context("--param")?;
        }
        let space = Space::new(parameters)?;
        let base = &input.loaded.world;
        let packages = selected_ids(
            &selection.packages,
            || base.packages.iter().map(|p| p.id.clone()).collect(),
            |id| package_index(base, id),
        )?;
        let scenarios = selected_ids(
            &selection.scenarios,
            || base.scenarios.iter().map(|s| s.id.clone()).collect(),
            |id| scenario_index(base, id),
        )?;
        let points = PointPlan {
            seed: selection.seed.unwrap_or(base.default_seed),
            runs: selection.runs.unwrap_or(base.default_runs),
            packages,
            scenarios,
        };
        Ok(Exploration {
            merged,
            input,
            space,
            points,
        })
    }

    /// The parameters' names (paths), in the space's order.
    pub fn names(&self) -> Vec<String> {
        self.space.names().map(str::to_string).collect()
    }

    /// Compiles every point of `design`, so that a combination the file
    /// rejects stops the study before any run; returns the worlds and the
    /// values used (an integer field takes the nearest integer).
    pub fn compile(&self, design: &Design) -> anyhow::Result<(Vec<World>, Vec<Vec<f64>>)> {
        let names = self.names();
        let compiled: Vec<(World, Vec<f64>)> = design
            .points()
            .map(|values| {
                let settings: Vec<(&str, f64)> =
                    names.iter().map(String::as_str).zip(values).collect();
                self.merged
                    .compile_with(&settings)
                    .map(|(loaded, used)| (loaded.world, used))
            })
            .collect::<Result<_, _>>()
            .context("--param")?;
        Ok(compiled.into_iter().unzip())
    }

    /// The manifest of a finished exploration: what every point ran (the
    /// run manifest's fields) and what was explored.
    pub fn manifest(
        &self,
        record: ExplorationRecord,
        started: &Started,
        threads: usize,
    ) -> ExplorationManifest {
        let plan = &self.points;
        ExplorationManifest {
            run: Manifest {
                seed: plan.seed,
                runs_requested: plan.runs,
                runs_completed: plan.runs,
                packages: plan.packages.clone(),
                scenarios: plan.scenarios.clone(),
                ..provenance(&self.input, RunStatus::Complete, started, threads)
            },
            exploration: record,
        }
    }

    /// What a manifest records of an exploration by `command` over
    /// `points` points, before the command adds its own settings.
    pub fn record(&self, command: &str, points: usize) -> ExplorationRecord {
        ExplorationRecord {
            command: command.to_string(),
            parameters: self.parameter_records(),
            method: None,
            samples: None,
            package: None,
            points,
            points_completed: None,
        }
    }

    /// The explored parameters as a manifest records them.
    pub fn parameter_records(&self) -> Vec<ParameterRecord> {
        self.space
            .parameters()
            .iter()
            .map(|p| ParameterRecord {
                path: p.name().to_string(),
                lo: p.lo(),
                hi: p.hi(),
                steps: None,
            })
            .collect()
    }

    /// Runs every world, or those before an interruption.
    pub fn run(
        &self,
        worlds: &[World],
        pool: &rayon::ThreadPool,
        hooks: &Hooks<'_>,
    ) -> anyhow::Result<PointResults> {
        self.points.run(worlds, pool, hooks)
    }
}

/// An exploration command's study (sweep, sensitivity, discover): what
/// sharding, resuming and merging need to know of it.
pub trait PointStudy {
    type Outcome;
    /// The command that runs it.
    const COMMAND: &'static str;

    fn exploration(&self) -> &Exploration;
    /// Every point of the design, compiled.
    fn worlds(&self) -> &[World];
    /// Points of the design.
    fn points(&self) -> usize {
        self.worlds().len()
    }
    /// What its manifest records of the exploration.
    fn record(&self) -> ExplorationRecord;
    /// Whether its analysis reads every run's record (kept in each block).
    fn reads_runs(&self) -> bool {
        false
    }
    /// Runs every point and writes the outputs; `None` when interrupted
    /// before anything could be written.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        out_dir: &std::path::Path,
        charts: bool,
        hooks: &Hooks<'_>,
    ) -> anyhow::Result<Option<Self::Outcome>>;

    /// Whether a study that wrote `outcome` ran every point (a sweep
    /// writes the points that finished before an interruption).
    fn complete(&self, _outcome: &Self::Outcome) -> bool {
        true
    }

    /// What the study is, for its checkpoint and shards.
    fn key(&self, charts: bool) -> anyhow::Result<StudyKey> {
        let manifest = self
            .exploration()
            .manifest(self.record(), &Started::now(), 0);
        StudyKey::new(Self::COMMAND, &manifest, charts)
    }

    fn geometry(&self) -> Geometry {
        let plan = &self.exploration().points;
        Geometry {
            points: self.worlds().len(),
            runs: plan.runs,
            scenarios: plan.scenarios.len(),
        }
    }

    /// What decides the size of its outputs and checkpoint.
    fn output_shape(&self, charts: bool) -> OutputShape {
        let plan = &self.exploration().points;
        let loaded = &self.exploration().input.loaded;
        OutputShape {
            tables: StudyTables::Exploration,
            points: self.points() as u64,
            packages: plan.packages.len() as u64,
            scenarios: plan.scenarios.len() as u64,
            countries: loaded.world.countries.len() as u64,
            horizon_months: u64::from(loaded.world.horizon_months),
            runs: plan.runs,
            per_run: false,
            kept_runs: self.reads_runs(),
            parquet: false,
            charts,
            scenario_bytes: loaded.resolved_toml.len() as u64,
        }
    }

    /// Runs this process's share of the points' blocks (a shard), keeping
    /// them in the hooks' store; `false` when interrupted.
    fn run_share(&self, pool: &rayon::ThreadPool, hooks: &Hooks<'_>) -> anyhow::Result<bool> {
        let mut ignore = |_: usize, _: &[crate::batch::RunRecord]| {};
        let records: Option<&mut super::points::RecordSink<'_>> = if self.reads_runs() {
            Some(&mut ignore)
        } else {
            None
        };
        let done =
            self.exploration()
                .points
                .run_with_records(self.worlds(), pool, hooks, records)?;
        Ok(!done.interrupted)
    }
}

/// Which rate an analysis reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// Held or defended: no lasting loss.
    Hold,
    /// Held without a major offensive or erosion: deterred.
    Deterrence,
}

impl Rate {
    pub const ALL: [Rate; 2] = [Rate::Hold, Rate::Deterrence];

    pub fn label(self) -> &'static str {
        match self {
            Rate::Hold => crate::report::sensitivity::HOLD_RATE,
            Rate::Deterrence => "deterrence",
        }
    }

    /// The rate of a cell; `None` without runs (the package was infeasible).
    pub fn of(self, cell: &PointCell) -> Option<f64> {
        let count = match self {
            Rate::Hold => cell.holds,
            Rate::Deterrence => cell.deterred,
        };
        (cell.runs > 0).then(|| count as f64 / cell.runs as f64)
    }
}

/// The parameters and selection an exploration manifest recorded.
pub fn recorded(manifest: &ExplorationManifest) -> anyhow::Result<(Vec<Parameter>, Selection)> {
    let parameters = manifest
        .exploration
        .parameters
        .iter()
        .map(|p| Parameter::new(p.path.clone(), p.lo, p.hi))
        .collect::<Result<_, _>>()?;
    let selection = Selection {
        runs: Some(manifest.run.runs_requested),
        seed: Some(manifest.run.seed),
        packages: manifest.run.packages.clone(),
        scenarios: manifest.run.scenarios.clone(),
    };
    Ok((parameters, selection))
}
