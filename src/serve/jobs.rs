//! What the API computes, on blocking threads: a paired batch of the
//! what-if against the file as loaded, one run's story with its survival
//! curve, and the saved file.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use super::Served;
use crate::batch::stats::{Estimate, kaplan_meier_with_month_0, wilson};
use crate::batch::{Control, Plan, run_batch, run_paired_known};
use crate::model::params::World;
use crate::model::{Outcome, RunKey, Trace, Workspace, simulate};
use crate::report::narrative::{NarrativeOptions, narrative};
use crate::scenario::levers::{LeverError, LeverValue};
use crate::scenario::{Loaded, diff::diff, infeasible_reasons};
use crate::study::plan::{package_index, scenario_index};

/// Lever values by path, as the page sends them.
pub type Changes = BTreeMap<String, LeverValue>;

/// A rate or difference with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl From<Estimate> for Interval {
    fn from(e: Estimate) -> Self {
        Interval {
            value: e.value,
            lower: e.lower,
            upper: e.upper,
        }
    }
}

/// A paired difference, what-if minus as loaded.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    #[serde(flatten)]
    pub interval: Interval,
    /// The interval holds 0: the change may be noise.
    pub within_noise: bool,
}

/// One package under one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct CellResult {
    pub package: String,
    /// Runs that held (held or defended) in the what-if, of `runs`.
    pub holds: u64,
    pub hold: Interval,
    pub deterrence: Interval,
    pub hold_change: Option<Difference>,
    pub deterrence_change: Option<Difference>,
    /// Every input of this cell is as loaded: the difference is 0 by
    /// construction.
    pub unchanged: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    pub id: String,
    pub name: String,
    pub cells: Vec<CellResult>,
    /// Package ids by hold rate in the what-if, highest first.
    pub ranking: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Infeasible {
    pub package: String,
    pub reasons: String,
}

/// The answer of `/api/run`.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub runs: u64,
    pub seed: u64,
    pub scenarios: Vec<ScenarioResult>,
    pub infeasible: Vec<Infeasible>,
    /// What the what-if changed, field by field.
    pub changes: Vec<String>,
    /// Server time from the request to the answer, milliseconds.
    pub elapsed_ms: f64,
}

/// Why a job gave no answer.
#[derive(Debug)]
pub enum JobError {
    /// A lever value, package or scenario the file rejects.
    Invalid(String),
    /// A newer request (or shutdown) cancelled it.
    Cancelled,
}

impl From<LeverError> for JobError {
    fn from(e: LeverError) -> Self {
        JobError::Invalid(e.to_string())
    }
}

impl Served {
    /// The file with `changes` applied (the file as loaded when there are
    /// none).
    pub fn what_if(&self, changes: &Changes) -> Result<Loaded, JobError> {
        if changes.is_empty() {
            return Ok(self.base.clone());
        }
        Ok(self
            .merged
            .compile_levers(&self.levers, &lever_values(changes))?)
    }

    /// Every package and scenario of the what-if (see [`Served::what_if`]),
    /// `runs` times on the file's seed, paired with the file as loaded.
    pub fn run(
        &self,
        whatif: &Loaded,
        runs: u64,
        cancel: &AtomicBool,
    ) -> Result<RunResult, JobError> {
        let started = std::time::Instant::now();
        let (base, world) = (&self.base.world, &whatif.world);
        let known = self.known_outcomes(runs, cancel);
        let paired = run_paired_known(base, known.as_deref(), world, self.seed, runs, cancel);
        if !paired.complete {
            return Err(JobError::Cancelled);
        }
        let mut scenarios: Vec<ScenarioResult> = world
            .scenarios
            .iter()
            .map(|s| ScenarioResult {
                id: s.id.clone(),
                name: s.name.clone(),
                cells: Vec::new(),
                ranking: Vec::new(),
            })
            .collect();
        for (cell, counts) in paired.cells.iter().zip(&paired.counts) {
            let n = counts.hold.n;
            let holds = counts.hold.both + counts.hold.only_x();
            let deters = counts.deterrence.both + counts.deterrence.only_x();
            let change = |sums: &crate::batch::PairedSums| {
                sums.estimate().map(|e| Difference {
                    within_noise: e.lower <= 0.0 && 0.0 <= e.upper,
                    interval: e.into(),
                })
            };
            let (Some(hold), Some(deterrence)) = (wilson(holds, n), wilson(deters, n)) else {
                continue;
            };
            scenarios[cell.whatif_scenario].cells.push(CellResult {
                package: cell.package.clone(),
                holds,
                hold: hold.into(),
                deterrence: deterrence.into(),
                hold_change: change(&counts.hold),
                deterrence_change: change(&counts.deterrence),
                unchanged: cell.identical_inputs,
            });
        }
        for s in &mut scenarios {
            let mut order: Vec<&CellResult> = s.cells.iter().collect();
            order.sort_by(|a, b| b.holds.cmp(&a.holds).then(a.package.cmp(&b.package)));
            s.ranking = order.iter().map(|c| c.package.clone()).collect();
        }
        Ok(RunResult {
            runs,
            seed: self.seed,
            scenarios,
            infeasible: world
                .infeasible
                .iter()
                .map(|p| Infeasible {
                    package: p.id.clone(),
                    reasons: infeasible_reasons(p),
                })
                .collect(),
            changes: diff(&self.base, whatif)
                .iter()
                .map(ToString::to_string)
                .collect(),
            elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
        })
    }

    /// One run of a package under a scenario told month by month, and the
    /// survival curves of that cell over `runs` runs, as loaded and in the
    /// what-if.
    pub fn explain(
        &self,
        changes: &Changes,
        cell: (&str, &str),
        run: u64,
        runs: u64,
        cancel: &AtomicBool,
    ) -> Result<Explained, JobError> {
        let whatif = self.what_if(changes)?;
        let world = &whatif.world;
        let invalid = |e: anyhow::Error| JobError::Invalid(format!("{e:#}"));
        let p = package_index(world, cell.0).map_err(invalid)?;
        let s = scenario_index(world, cell.1).map_err(invalid)?;
        let (package, scenario) = (&world.packages[p], &world.scenarios[s]);
        let mut trace = Trace::default();
        let key = RunKey {
            world,
            package,
            scenario,
            seed: self.seed,
            run_index: run,
        };
        let outcome = simulate(key, &mut Workspace::new(world), &mut trace);
        let header = format!(
            "Run {run} of package `{}` ({}) under scenario `{}` ({}), seed {}.\n\
             Exploratory model, not a forecast: this is one possible world among many.",
            package.id, package.name, scenario.id, scenario.name, self.seed
        );
        let story = narrative(
            &header,
            &trace.events,
            NarrativeOptions { every_month: false },
        );
        let whatif_curve = survival(world, p, s, self.seed, runs, cancel)?;
        let base = &self.base.world;
        let base_curve = match (base.package_index(cell.0), base.scenario_index(cell.1)) {
            (Some(bp), Some(bs)) => Some(survival(base, bp, bs, self.seed, runs, cancel)?),
            _ => None,
        };
        Ok(Explained {
            package: package.id.clone(),
            scenario: scenario.id.clone(),
            run,
            seed: self.seed,
            outcome,
            story,
            runs,
            survival: whatif_curve,
            survival_as_loaded: base_curve,
        })
    }

    /// The what-if as a file that extends the served one, with the command
    /// that reproduces the page's numbers.
    pub fn save(&self, changes: &Changes, runs: u64) -> Result<Saved, JobError> {
        // The file must compile, not only name valid levers.
        self.what_if(changes)?;
        let text = self
            .merged
            .extends_file(&self.extends, &self.levers, &lever_values(changes))?;
        let file_name = "what-if.toml".to_string();
        let command = format!(
            "guarantee-sim validate {file_name} && guarantee-sim run {file_name} --runs {runs} --seed {}",
            self.seed
        );
        Ok(Saved {
            file_name,
            text,
            command,
        })
    }
}

/// The page's changes as the lever layer takes them: (path, value) pairs.
fn lever_values(changes: &Changes) -> Vec<(String, LeverValue)> {
    changes
        .iter()
        .map(|(p, v)| (p.clone(), v.clone()))
        .collect()
}

/// Month by month share of runs with no major offensive yet (a rejection of
/// the terms counts as a breakdown at month 0).
fn survival(
    world: &World,
    package: usize,
    scenario: usize,
    seed: u64,
    runs: u64,
    cancel: &AtomicBool,
) -> Result<Vec<SurvivalPoint>, JobError> {
    let plan = Plan {
        seed,
        runs,
        packages: vec![package],
        scenarios: vec![scenario],
        reference: None,
        precision: None,
    };
    let control = Control {
        cancel,
        progress: &|_, _| {},
        per_run: false,
    };
    let result = match run_batch(world, &plan, &control, |_| Ok::<(), ()>(())) {
        Ok(r) => r,
        Err(()) => return Err(JobError::Cancelled),
    };
    if result.completion != crate::batch::Completion::Complete {
        return Err(JobError::Cancelled);
    }
    let cell = result.cell(0, 0);
    Ok(kaplan_meier_with_month_0(&cell.major_at, &cell.censored_at)
        .into_iter()
        .map(|p| SurvivalPoint {
            month: p.month,
            value: p.survival.value,
            lower: p.survival.lower,
            upper: p.survival.upper,
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct SurvivalPoint {
    pub month: u32,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The answer of `/api/explain`.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub package: String,
    pub scenario: String,
    pub run: u64,
    pub seed: u64,
    pub outcome: Outcome,
    /// The `explain` story.
    pub story: String,
    pub runs: u64,
    pub survival: Vec<SurvivalPoint>,
    pub survival_as_loaded: Option<Vec<SurvivalPoint>>,
}

/// The answer of `/api/save`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    pub file_name: String,
    pub text: String,
    /// Validates the file and reproduces the page's numbers.
    pub command: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{bundled, merge_str};

    fn served() -> Served {
        let name = "paris-2026.toml";
        let merged = merge_str(name, bundled(name).unwrap(), None).unwrap();
        let loaded = merged.clone().compile().unwrap();
        let extends = super::super::extends_target(&loaded.sources[0]);
        Served::new(merged, loaded, name.to_string(), extends)
    }

    #[test]
    fn known_base_outcomes_give_the_counts_of_simulating_the_base() {
        let served = served();
        let levers = &served.levers;
        let values = [(
            "countries.united-states.resolve".to_string(),
            LeverValue::Number(0.3),
        )];
        let whatif = served.merged.compile_levers(levers, &values).unwrap();
        let small = |w: &World| {
            let mut w = w.clone();
            w.packages.truncate(3);
            w.scenarios.truncate(2);
            w
        };
        let (base, whatif) = (small(&served.base.world), small(&whatif.world));
        let cancel = AtomicBool::new(false);
        let seed = served.seed;
        let known = crate::batch::KnownOutcomes::simulate(&base, seed, 40, &cancel).unwrap();
        let simulated = crate::batch::run_paired(&base, &whatif, seed, 30, &cancel);
        let from_known = run_paired_known(&base, Some(&known), &whatif, seed, 30, &cancel);
        assert_eq!(from_known, simulated);
        assert!(
            simulated.counts.iter().any(|c| c.hold.sum != 0),
            "the change matters"
        );
        // More runs than known: the rest of the base is simulated.
        assert_eq!(
            run_paired_known(&base, Some(&known), &whatif, seed, 60, &cancel),
            crate::batch::run_paired(&base, &whatif, seed, 60, &cancel)
        );
    }

    #[test]
    fn two_cold_requests_simulate_the_base_once() {
        let served = served();
        let start = std::sync::Barrier::new(2);
        let cancel = AtomicBool::new(false);
        let (first, second) = std::thread::scope(|scope| {
            let known = || {
                start.wait();
                served.known_outcomes(20, &cancel).unwrap()
            };
            let first = scope.spawn(known);
            let second = scope.spawn(known);
            (first.join().unwrap(), second.join().unwrap())
        });
        assert!(std::sync::Arc::ptr_eq(&first, &second));
    }

    #[test]
    fn a_cancelled_run_gives_no_answer() {
        let cancel = AtomicBool::new(true);
        let changes: Changes = [(
            "packages.paris-draft.force.posture".to_string(),
            LeverValue::Choice("line".into()),
        )]
        .into();
        let served = served();
        let whatif = served.what_if(&changes).unwrap();
        assert!(matches!(
            served.run(&whatif, 10, &cancel),
            Err(JobError::Cancelled)
        ));
    }
}
