//! A sweep: a full factorial grid over one or two parameters, each point a
//! batch on common random numbers; the hold and deterrence rate of every
//! package under every scenario at each point, and where the best package
//! changes.

use std::path::Path;

use super::explore::{Exploration, PointStudy, Selection, recorded};
use super::outputs;
use super::plan::Input;
use super::run::{Hooks, Started};
use crate::batch::stats;
use crate::explore::{Parameter, grid};
use crate::model::params::World;
use crate::report::RunStatus;
use crate::report::charts::ChartOptions;
use crate::report::charts::sweep as sweep_charts;
use crate::report::exploration::{ExplorationContext, ExplorationResults};
use crate::report::manifest::{ExplorationManifest, ExplorationRecord};
pub use crate::report::sweep::Crossover;
use crate::report::sweep::{SweepRow, best_package, write_sweep_csv};
use crate::scenario::Merged;

/// Steps per parameter when a range gives none.
pub const DEFAULT_STEPS: usize = 5;
/// Parameters a grid sweep accepts; beyond two a grid grows too fast to
/// read or to run.
pub const MAX_PARAMETERS: usize = 2;

/// What a sweep is asked to do.
#[derive(Debug, Clone)]
pub struct SweepRequest {
    /// Each parameter with its steps (default [`DEFAULT_STEPS`]).
    pub parameters: Vec<(Parameter, Option<usize>)>,
    pub selection: Selection,
}

/// A sweep checked and compiled, ready to run.
pub struct SweepStudy {
    pub exploration: Exploration,
    pub steps: Vec<usize>,
    worlds: Vec<World>,
    /// The values used at each point (an integer field takes the nearest integer).
    values: Vec<Vec<f64>>,
}

/// A finished sweep whose outputs are written.
pub struct SweepOutcome {
    pub rows: Vec<SweepRow>,
    /// Points at which each package was infeasible.
    pub infeasible_at: Vec<usize>,
    pub crossovers: Vec<Crossover>,
    pub manifest: ExplorationManifest,
}

impl SweepStudy {
    /// Checks every parameter, id and step count and compiles every point,
    /// before any run.
    pub fn plan(
        merged: Merged,
        input: Input,
        request: &SweepRequest,
    ) -> anyhow::Result<SweepStudy> {
        if request.parameters.len() > MAX_PARAMETERS {
            anyhow::bail!(
                "a sweep takes one or two --param, got {}; a grid over more grows too fast to run or read",
                request.parameters.len()
            );
        }
        let exploration = Exploration::new(
            merged,
            input,
            request.parameters.iter().map(|(p, _)| p.clone()).collect(),
            &request.selection,
        )?;
        let steps: Vec<usize> = request
            .parameters
            .iter()
            .map(|(_, s)| s.unwrap_or(DEFAULT_STEPS))
            .collect();
        let design = grid(&exploration.space, &steps)?;
        let (worlds, values) = exploration.compile(&design)?;
        Ok(SweepStudy {
            exploration,
            steps,
            worlds,
            values,
        })
    }
}

impl PointStudy for SweepStudy {
    type Outcome = SweepOutcome;
    const COMMAND: &'static str = "sweep";

    fn exploration(&self) -> &Exploration {
        &self.exploration
    }

    fn worlds(&self) -> &[World] {
        &self.worlds
    }

    fn complete(&self, outcome: &SweepOutcome) -> bool {
        outcome.manifest.run.status == RunStatus::Complete
    }

    /// What the manifest records of the sweep (every point to run).
    fn record(&self) -> ExplorationRecord {
        let mut record = self.exploration.record(Self::COMMAND, self.points());
        for (parameter, &steps) in record.parameters.iter_mut().zip(&self.steps) {
            parameter.steps = Some(steps);
        }
        record
    }

    /// Runs every point and writes sweep.csv, its charts and reports
    /// (unless `charts` is off) and the manifest, last. Interrupted, it
    /// writes the points that finished, every one with all its runs, and
    /// the manifest says `partial`; `None` when no point finished.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        out_dir: &Path,
        charts: bool,
        hooks: &Hooks<'_>,
    ) -> anyhow::Result<Option<SweepOutcome>> {
        let started = Started::now();
        let results = self.exploration.run(&self.worlds, pool, hooks)?;
        if results.cells.is_empty() {
            return Ok(None);
        }
        (hooks.writing)();
        let plan = &self.exploration.points;
        let mut rows =
            Vec::with_capacity(self.points() * plan.packages.len() * plan.scenarios.len());
        for (values, cells) in self.values.iter().zip(&results.cells) {
            let mut cells = cells.iter();
            for scenario in &plan.scenarios {
                for package in &plan.packages {
                    let cell = cells.next().copied().unwrap_or_default();
                    rows.push(SweepRow {
                        values: values.clone(),
                        package: package.clone(),
                        scenario: scenario.clone(),
                        runs: cell.runs,
                        holds: cell.holds,
                        hold_rate: stats::wilson(cell.holds, cell.runs),
                        deterred: cell.deterred,
                        deterrence_rate: stats::wilson(cell.deterred, cell.runs),
                    });
                }
            }
        }
        let mut record = self.record();
        record.points_completed = results.interrupted.then_some(results.cells.len());
        let mut manifest = self
            .exploration
            .manifest(record, &started, pool.current_num_threads());
        if results.interrupted {
            manifest.run.status = RunStatus::Partial;
        }
        let mut crossovers = crossovers(&rows, plan.packages.len() * plan.scenarios.len());
        for c in &mut crossovers {
            let position = |ids: &[String], id: &str| ids.iter().position(|x| x == id);
            let (Some(s), Some(a), Some(b)) = (
                position(&plan.scenarios, &c.scenario),
                position(&plan.packages, &c.from_package),
                position(&plan.packages, &c.to_package),
            ) else {
                continue;
            };
            let n = plan.packages.len();
            c.lead_before = results.hold_difference(c.from_point, s, a, b, n);
            c.lead_after = results.hold_difference(c.to_point, s, b, a, n);
        }
        let names = self.exploration.names();
        write_sweep_csv(out_dir, &names, &rows)?;
        if charts {
            sweep_charts::write(
                out_dir,
                &ChartOptions::default(),
                &manifest.run,
                &names,
                &rows,
            )?;
            outputs::write_exploration_reports(
                &ExplorationContext {
                    manifest: &manifest,
                    results: ExplorationResults::Sweep {
                        names: &names,
                        rows: &rows,
                        crossovers: &crossovers,
                    },
                },
                out_dir,
            )?;
        }
        outputs::write_manifest(out_dir, &manifest)?;
        Ok(Some(SweepOutcome {
            crossovers,
            rows,
            infeasible_at: results.infeasible_at,
            manifest,
        }))
    }
}

/// The best package (highest hold rate; the first listed on a tie) of each
/// scenario at each point, compared between neighbouring values of the
/// first parameter with the others held.
fn crossovers(rows: &[SweepRow], per_point: usize) -> Vec<Crossover> {
    let points: Vec<&[SweepRow]> = rows.chunks(per_point).collect();
    let best = |point: &[SweepRow], scenario: &str| -> Option<String> {
        best_package(point.iter().filter(|r| r.scenario == scenario)).map(str::to_string)
    };
    let mut scenarios: Vec<&str> = Vec::new();
    for r in rows.iter().take(per_point) {
        if !scenarios.contains(&r.scenario.as_str()) {
            scenarios.push(&r.scenario);
        }
    }
    let mut found = Vec::new();
    for scenario in scenarios {
        for (i, point) in points.iter().enumerate() {
            let here = &point[0].values;
            // The next point along the first parameter, the others equal.
            let Some((offset, next)) = points[i + 1..]
                .iter()
                .enumerate()
                .find(|(_, p)| p[0].values[1..] == here[1..] && p[0].values[0] > here[0])
            else {
                continue;
            };
            if let (Some(a), Some(b)) = (best(point, scenario), best(next, scenario))
                && a != b
            {
                found.push(Crossover {
                    scenario: scenario.to_string(),
                    other: here.get(1).copied(),
                    from_value: here[0],
                    to_value: next[0].values[0],
                    from_package: a,
                    to_package: b,
                    from_point: i,
                    to_point: i + 1 + offset,
                    lead_before: None,
                    lead_after: None,
                });
            }
        }
    }
    found
}

/// The request a sweep manifest recorded.
pub fn request_of(manifest: &ExplorationManifest) -> anyhow::Result<SweepRequest> {
    let (parameters, selection) = recorded(manifest)?;
    Ok(SweepRequest {
        parameters: parameters
            .into_iter()
            .zip(&manifest.exploration.parameters)
            .map(|(p, record)| (p, record.steps))
            .collect(),
        selection,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: &[f64], package: &str, holds: u64) -> SweepRow {
        SweepRow {
            values: values.to_vec(),
            package: package.to_string(),
            scenario: "s".to_string(),
            runs: 100,
            holds,
            hold_rate: stats::wilson(holds, 100),
            deterred: 0,
            deterrence_rate: stats::wilson(0, 100),
        }
    }

    #[test]
    fn a_crossover_is_named_between_the_two_values_where_the_best_package_changes() {
        // Along the first parameter (0, 1, 2) at each value of the second (5, 6):
        // at 5, a leads then b; at 6, a leads throughout.
        let mut rows = Vec::new();
        for (x, y, a, b) in [
            (0.0, 5.0, 60, 40),
            (1.0, 5.0, 50, 55),
            (2.0, 5.0, 40, 70),
            (0.0, 6.0, 60, 40),
            (1.0, 6.0, 60, 40),
            (2.0, 6.0, 60, 40),
        ] {
            rows.push(row(&[x, y], "a", a));
            rows.push(row(&[x, y], "b", b));
        }
        let found = crossovers(&rows, 2);
        assert_eq!(
            found,
            [Crossover {
                scenario: "s".to_string(),
                other: Some(5.0),
                from_value: 0.0,
                to_value: 1.0,
                from_package: "a".to_string(),
                to_package: "b".to_string(),
                from_point: 0,
                to_point: 1,
                lead_before: None,
                lead_after: None,
            }]
        );
    }
}
