//! A design's points, each a batch of the same runs on the same seed
//! (common random numbers), so differences between points are paired.
//! Sweeps, sensitivity studies and scenario discovery all run through here.

use super::run::Hooks;
use crate::batch::stats::{Estimate, PairedSums};
use crate::batch::{Completion, Control, Plan, RunRecord, Stored, run_stored_batch};
use crate::model::OutcomeKind;
use crate::model::params::World;

use super::plan::scenario_index;

/// Receives each point's run records with the point's position.
pub type RecordSink<'a> = dyn FnMut(usize, &[RunRecord]) + Send + 'a;

/// What every point runs: the same seed, runs and selection (by id, since
/// each point is compiled anew).
#[derive(Debug, Clone)]
pub struct PointPlan {
    pub seed: u64,
    pub runs: u64,
    pub packages: Vec<String>,
    pub scenarios: Vec<String>,
}

/// One package under one scenario at one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PointCell {
    /// 0 when a value of the point makes the package infeasible.
    pub runs: u64,
    pub holds: u64,
    /// Runs with no major offensive and no erosion.
    pub deterred: u64,
}

/// The cells of every point by `scenario position * packages + package
/// position`, in the order of the points.
pub struct PointResults {
    /// Every point's cells; after an interruption, those of the points
    /// that finished before it (the point under way is dropped, so every
    /// point listed has all its runs).
    pub cells: Vec<Vec<PointCell>>,
    /// Whether the design stopped early (Ctrl-C).
    pub interrupted: bool,
    /// Points at which each package was infeasible.
    pub infeasible_at: Vec<usize>,
    /// Paired hold counts of every two packages at every point, by
    /// `(scenario position * packages + a) * packages + b` (plan positions;
    /// empty where either package was infeasible): whether two packages
    /// differ beyond noise is a paired question.
    pub pairs: Vec<Vec<PairedSums>>,
}

impl PointResults {
    /// Hold rate of package `a` minus that of package `b` (plan positions)
    /// under a scenario at a point, paired on the same runs, with its 95%
    /// interval; `None` where either was infeasible.
    pub fn hold_difference(
        &self,
        point: usize,
        scenario: usize,
        a: usize,
        b: usize,
        packages: usize,
    ) -> Option<Estimate> {
        self.pairs[point][(scenario * packages + a) * packages + b].estimate()
    }
}

impl PointPlan {
    /// Runs every point, or those before an interruption; `progress`
    /// hears (runs done, runs planned) over the whole design. The hooks'
    /// store holds the blocks of point `i` under point `i`.
    pub fn run(
        &self,
        points: &[World],
        pool: &rayon::ThreadPool,
        hooks: &Hooks<'_>,
    ) -> anyhow::Result<PointResults> {
        self.run_with_records(points, pool, hooks, None)
    }

    /// Like [`PointPlan::run`], also handing every run's record to
    /// `records` with the position of its point, in run-index order.
    /// Record positions are those of the point's plan: the packages
    /// feasible there, in this plan's order.
    pub fn run_with_records(
        &self,
        points: &[World],
        pool: &rayon::ThreadPool,
        hooks: &Hooks<'_>,
        mut records: Option<&mut RecordSink<'_>>,
    ) -> anyhow::Result<PointResults> {
        let per_point = self.runs * (self.packages.len() * self.scenarios.len()) as u64;
        let planned = per_point * points.len() as u64;
        let mut cells = Vec::with_capacity(points.len());
        let mut pairs = Vec::with_capacity(points.len());
        let mut interrupted = false;
        let mut infeasible_at = vec![0usize; self.packages.len()];
        for (done_points, world) in points.iter().enumerate() {
            // A value can make a package infeasible: it keeps its cells, without runs.
            let feasible: Vec<Option<usize>> = self
                .packages
                .iter()
                .map(|id| world.package_index(id))
                .collect();
            let plan = Plan {
                seed: self.seed,
                runs: self.runs,
                packages: feasible.iter().flatten().copied().collect(),
                scenarios: self
                    .scenarios
                    .iter()
                    .map(|id| scenario_index(world, id))
                    .collect::<anyhow::Result<_>>()?,
                reference: None,
                precision: None,
            };
            let offset = done_points as u64 * per_point;
            let point_progress =
                |done: u64, _planned: u64| (hooks.progress)(offset + done, planned);
            let control = Control {
                cancel: hooks.cancel,
                progress: &point_progress,
                per_run: records.is_some(),
            };
            let result = pool.install(|| {
                let stored = Stored {
                    store: hooks.blocks,
                    point: done_points,
                };
                run_stored_batch(world, &plan, &control, stored, |batch| {
                    if let Some(records) = records.as_mut() {
                        records(done_points, batch);
                    }
                    Ok::<(), std::convert::Infallible>(())
                })
            })?;
            if result.completion == Completion::Interrupted {
                interrupted = true;
                break;
            }
            // Counted once the point is kept, so a partial sweep's count
            // matches its rows.
            for (count, index) in infeasible_at.iter_mut().zip(&feasible) {
                *count += usize::from(index.is_none());
            }
            let mut point = Vec::with_capacity(self.scenarios.len() * self.packages.len());
            for s in 0..self.scenarios.len() {
                let mut position = 0;
                for index in &feasible {
                    point.push(match index {
                        Some(_) => {
                            let cell = result.cell(s, position);
                            position += 1;
                            PointCell {
                                runs: cell.runs,
                                holds: cell.holds(),
                                deterred: cell.count(OutcomeKind::Held),
                            }
                        }
                        None => PointCell::default(),
                    });
                }
            }
            cells.push(point);
            // Plan positions to positions among the packages run here.
            let mut position = 0;
            let run_position: Vec<Option<usize>> = feasible
                .iter()
                .map(|index| {
                    index.map(|_| {
                        position += 1;
                        position - 1
                    })
                })
                .collect();
            let mut point_pairs =
                Vec::with_capacity(self.scenarios.len() * run_position.len().pow(2));
            for s in 0..self.scenarios.len() {
                for a in &run_position {
                    for b in &run_position {
                        point_pairs.push(match (a, b) {
                            (Some(a), Some(b)) => result.pair(s, *a, *b),
                            _ => PairedSums::default(),
                        });
                    }
                }
            }
            pairs.push(point_pairs);
        }
        Ok(PointResults {
            cells,
            interrupted,
            infeasible_at,
            pairs,
        })
    }
}
