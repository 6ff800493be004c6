//! `merge`: the study that shards computed, written from their blocks.
//! The shards recorded the study they belong to (its manifest and
//! settings); the study is planned again from that record and run with
//! every block read from the shards instead of computed, so the outputs
//! are the bytes one machine would write.

use std::path::Path;

use anyhow::Context as _;

use super::Input;
use super::checkpoint::StudyKey;
use super::discover::DiscoverStudy;
use super::explore::PointStudy;
use super::plan::build_plan;
use super::replay;
use super::run::{Hooks, Options};
use super::sensitivity::SensitivityStudy;
use super::shard::ShardSet;
use super::sweep::SweepStudy;
use crate::batch::Plan;
use crate::report::Manifest;
use crate::report::RunStatus;
use crate::report::manifest::ExplorationManifest;
use crate::scenario::{Merged as ScenarioMerged, ScenarioErrors};

/// A study re-planned from its shards, ready to be written.
pub enum Merge {
    Run {
        input: Box<super::Input>,
        plan: Plan,
        options: Options,
    },
    Sweep(SweepStudy, bool),
    Sensitivity(SensitivityStudy, bool),
    Discover(DiscoverStudy, bool),
}

/// What a merge wrote.
pub struct Merged {
    pub command: String,
    pub status: RunStatus,
}

impl Merge {
    /// Plans the study the shards belong to.
    pub fn plan(shards: &ShardSet) -> anyhow::Result<Merge> {
        let study = &shards.study;
        match study.command.as_str() {
            "run" => {
                let manifest: Manifest = study.manifest()?;
                let (_, input) = replay::restored_input(&manifest).map_err(scenario_error)?;
                let plan = build_plan(&input.loaded.world, &replay::request(&manifest))
                    .context("the study recorded in the shards")?;
                Ok(Merge::Run {
                    input: Box::new(input),
                    plan,
                    options: Options {
                        per_run: manifest.per_run,
                        rank_by: manifest.rank_by,
                        charts: study.charts,
                        parquet: study.parquet,
                    },
                })
            }
            "sweep" => Ok(Merge::Sweep(
                exploration_plan(study, |merged, input, manifest| {
                    SweepStudy::plan(merged, input, &super::sweep::request_of(manifest)?)
                })?,
                study.charts,
            )),
            "sensitivity" => Ok(Merge::Sensitivity(
                exploration_plan(study, |merged, input, manifest| {
                    let request = super::sensitivity::request_of(manifest)?;
                    SensitivityStudy::plan(merged, input, &request)
                })?,
                study.charts,
            )),
            "discover" => Ok(Merge::Discover(
                exploration_plan(study, |merged, input, manifest| {
                    DiscoverStudy::plan(merged, input, &super::discover::request_of(manifest)?)
                })?,
                study.charts,
            )),
            other => anyhow::bail!(
                "the shards were written by `guarantee-sim {other}`, which this version cannot merge"
            ),
        }
    }

    /// Writes the study's outputs into `out_dir`, every block read through
    /// the hooks' store.
    pub fn write(
        &self,
        pool: &rayon::ThreadPool,
        out_dir: &Path,
        hooks: &Hooks<'_>,
    ) -> anyhow::Result<Merged> {
        match self {
            Merge::Run {
                input,
                plan,
                options,
            } => {
                let finished = super::run::run(input, plan, *options, pool, out_dir, hooks)?;
                Ok(Merged {
                    command: "run".to_string(),
                    status: finished.manifest.status,
                })
            }
            Merge::Sweep(study, charts) => exploration(study, pool, out_dir, *charts, hooks),
            Merge::Sensitivity(study, charts) => exploration(study, pool, out_dir, *charts, hooks),
            Merge::Discover(study, charts) => exploration(study, pool, out_dir, *charts, hooks),
        }
    }
}

/// An exploration study planned from the manifest the shards recorded,
/// on the scenario as the original run read it.
fn exploration_plan<S>(
    study: &StudyKey,
    plan: impl FnOnce(ScenarioMerged, Input, &ExplorationManifest) -> anyhow::Result<S>,
) -> anyhow::Result<S> {
    let manifest: ExplorationManifest = study.manifest()?;
    let (merged, input) = replay::restored_input(&manifest.run).map_err(scenario_error)?;
    plan(merged, input, &manifest)
}

fn exploration<S: PointStudy>(
    study: &S,
    pool: &rayon::ThreadPool,
    out_dir: &Path,
    charts: bool,
    hooks: &Hooks<'_>,
) -> anyhow::Result<Merged> {
    let outcome = study.run(pool, out_dir, charts, hooks)?;
    Ok(Merged {
        command: S::COMMAND.to_string(),
        status: match outcome {
            Some(outcome) if study.complete(&outcome) => RunStatus::Complete,
            _ => RunStatus::Partial,
        },
    })
}

fn scenario_error(errors: ScenarioErrors) -> anyhow::Error {
    anyhow::anyhow!("the scenario recorded in the shards does not compile: {errors}")
}
