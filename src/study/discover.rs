//! Scenario discovery: under which conditions does a package fail? A Latin
//! hypercube over the explored parameters, each point a batch on common
//! random numbers; every run is one sample, its inputs the point's values
//! and everything the run drew, "fails" that the package did not hold;
//! PRIM finds boxes of inputs where failures concentrate.

use std::path::Path;

use super::explore::{Exploration, PointStudy, Selection, recorded};
use super::outputs;
use super::plan::Input;
use super::run::{Hooks, Started};
use crate::explore::prim::{self, Samples, Settings};
use crate::explore::{ExploreError, Parameter, latin_hypercube};
use crate::model::params::World;
use crate::report::charts::ChartOptions;
use crate::report::charts::peeling::{self, TradeOff};
use crate::report::csv::DrawnColumns;
use crate::report::discovery::{DiscoveryRow, write_discovery_csv};
use crate::report::exploration::{ExplorationContext, ExplorationResults};
use crate::report::manifest::{ExplorationManifest, ExplorationRecord};
use crate::report::tables::round_for_output;
use crate::scenario::Merged;

/// Latin hypercube points when none are asked for.
pub const DEFAULT_SAMPLES: usize = 100;
/// Runs per point when none are asked for: discovery learns more from many
/// points than from many runs at each.
pub const DEFAULT_RUNS: u64 = 50;
/// Boxes found at most, one after another.
pub const MAX_BOXES: usize = 3;
/// A box is reported once its density reaches this (see [`find_boxes`]).
const DENSITY: f64 = 0.8;
/// A further box is searched for only while this share of all failures is
/// outside the earlier boxes.
const MIN_FAILURES_LEFT: f64 = 0.1;
/// Bootstrap resamples of the stability check.
const RESAMPLES: usize = 20;

/// What a discovery is asked to do.
#[derive(Debug, Clone)]
pub struct DiscoverRequest {
    pub parameters: Vec<Parameter>,
    /// The package and scenarios (one package; no scenario means all, pooled).
    pub selection: Selection,
    /// Latin hypercube points.
    pub samples: Option<usize>,
}

/// A discovery checked and compiled, ready to run.
pub struct DiscoverStudy {
    pub exploration: Exploration,
    pub samples: usize,
    worlds: Vec<World>,
    values: Vec<Vec<f64>>,
}

/// A finished discovery whose outputs are written.
pub struct DiscoverOutcome {
    pub rows: Vec<DiscoveryRow>,
    /// Runs and failures over all points; why nothing was found, if so.
    pub runs: usize,
    pub failures: usize,
    pub nothing_found: Option<String>,
    pub manifest: ExplorationManifest,
}

impl DiscoverStudy {
    /// Checks the package, every parameter and id and compiles every point,
    /// before any run.
    pub fn plan(
        merged: Merged,
        input: Input,
        request: &DiscoverRequest,
    ) -> anyhow::Result<DiscoverStudy> {
        let mut selection = request.selection.clone();
        selection.runs = Some(selection.runs.unwrap_or(DEFAULT_RUNS));
        let samples = request.samples.unwrap_or(DEFAULT_SAMPLES);
        let exploration = Exploration::new(merged, input, request.parameters.clone(), &selection)?;
        if exploration.points.packages.len() != 1 {
            anyhow::bail!("discover studies one package; name it with --package P");
        }
        let design = latin_hypercube(&exploration.space, samples, exploration.points.seed)?;
        let (worlds, values) = exploration.compile(&design)?;
        Ok(DiscoverStudy {
            exploration,
            samples,
            worlds,
            values,
        })
    }

    pub fn package(&self) -> &str {
        &self.exploration.points.packages[0]
    }
}

impl PointStudy for DiscoverStudy {
    type Outcome = DiscoverOutcome;
    const COMMAND: &'static str = "discover";

    fn exploration(&self) -> &Exploration {
        &self.exploration
    }

    fn worlds(&self) -> &[World] {
        &self.worlds
    }

    /// What the manifest records of the discovery.
    fn record(&self) -> ExplorationRecord {
        ExplorationRecord {
            samples: Some(self.samples),
            package: Some(self.package().to_string()),
            ..self.exploration.record(Self::COMMAND, self.points())
        }
    }

    fn reads_runs(&self) -> bool {
        true
    }

    /// Runs every point, then PRIM; writes discovery.csv, the peeling
    /// chart (unless `charts` is off) and the manifest, last. `None` when
    /// interrupted: nothing is written.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        out_dir: &Path,
        charts: bool,
        hooks: &Hooks<'_>,
    ) -> anyhow::Result<Option<DiscoverOutcome>> {
        let started = Started::now();
        let plan = &self.exploration.points;
        let base = &self.exploration.input.loaded.world;
        let scenario_ids: Vec<usize> = plan
            .scenarios
            .iter()
            .filter_map(|id| base.scenario_index(id))
            .collect();
        let drawn = DrawnColumns::new(base, &scenario_ids);
        // Event draws exist only in their own scenario's runs, so they are
        // inputs only when one scenario is studied.
        let single = plan.scenarios.len() == 1;
        let drawn_names = drawn.names(base, &scenario_ids);
        let used_drawn = if single {
            drawn_names.len()
        } else {
            drawn.shared()
        };
        let never = f64::from(base.horizon_months + 1);
        let (mut rows, mut fails) = (Vec::<Vec<f64>>::new(), Vec::<bool>::new());
        let mut collect = |point: usize, records: &[crate::batch::RunRecord]| {
            for r in records {
                let mut row = self.values[point].clone();
                row.extend(
                    drawn.values(r)[..used_drawn]
                        .iter()
                        .map(|v| v.unwrap_or(never)),
                );
                rows.push(row);
                fails.push(!r.outcome.kind.holds());
            }
        };
        let results = self.exploration.points.run_with_records(
            &self.worlds,
            pool,
            hooks,
            Some(&mut collect),
        )?;
        if results.interrupted {
            return Ok(None);
        }
        let names: Vec<String> = self
            .exploration
            .names()
            .into_iter()
            .chain(drawn_names.into_iter().take(used_drawn))
            .collect();
        let scenario = if single {
            plan.scenarios[0].clone()
        } else {
            "all".to_string()
        };
        let found = find_boxes(
            names,
            rows,
            fails,
            self.package(),
            &scenario,
            plan.seed,
            hooks.analysing,
        )?;
        (hooks.writing)();
        let manifest =
            self.exploration
                .manifest(self.record(), &started, pool.current_num_threads());
        write_discovery_csv(out_dir, &found.rows)?;
        if charts && !found.trajectory.is_empty() {
            peeling::write(
                out_dir,
                &ChartOptions::default(),
                &manifest.run,
                self.package(),
                &found.trajectory,
                found.selected,
            )?;
        }
        if charts {
            outputs::write_exploration_reports(
                &ExplorationContext {
                    manifest: &manifest,
                    results: ExplorationResults::Discover {
                        rows: &found.rows,
                        inputs: &found.inputs,
                        runs: found.runs,
                        failures: found.failures,
                        nothing_found: found.nothing_found.as_deref(),
                    },
                },
                out_dir,
            )?;
        }
        outputs::write_manifest(out_dir, &manifest)?;
        Ok(Some(DiscoverOutcome {
            rows: found.rows,
            runs: found.runs,
            failures: found.failures,
            nothing_found: found.nothing_found,
            manifest,
        }))
    }
}

struct Found {
    rows: Vec<DiscoveryRow>,
    /// The inputs searched: those that vary among the runs.
    inputs: Vec<String>,
    /// The first box's peeling trajectory and the box selected on it.
    trajectory: Vec<TradeOff>,
    selected: usize,
    runs: usize,
    failures: usize,
    nothing_found: Option<String>,
}

/// Up to [`MAX_BOXES`] boxes, each among the runs no earlier box holds;
/// `progress` hears (boxes searched, [`MAX_BOXES`]), each search being
/// PRIM and its [`RESAMPLES`] resampled reruns.
fn find_boxes(
    names: Vec<String>,
    mut rows: Vec<Vec<f64>>,
    mut fails: Vec<bool>,
    package: &str,
    scenario: &str,
    seed: u64,
    progress: &dyn Fn(u64, u64),
) -> Result<Found, ExploreError> {
    let planned = MAX_BOXES as u64;
    progress(0, planned);
    let mut found = Found {
        rows: Vec::new(),
        inputs: Vec::new(),
        trajectory: Vec::new(),
        selected: 0,
        runs: rows.len(),
        failures: fails.iter().filter(|&&f| f).count(),
        nothing_found: None,
    };
    // Inputs that never vary cannot bound a box.
    let varies: Vec<usize> = (0..names.len())
        .filter(|&d| rows.iter().any(|r| r[d] != rows[0][d]))
        .collect();
    let names: Vec<String> = varies.iter().map(|&d| names[d].clone()).collect();
    found.inputs = names.clone();
    for row in &mut rows {
        *row = varies.iter().map(|&d| row[d]).collect();
    }
    let settings = Settings::default();
    let all_failures = found.failures;
    for rank in 1..=MAX_BOXES {
        if rank > 1 {
            progress(rank as u64 - 1, planned);
        }
        // Later boxes only for a real share of the failures.
        let left = fails.iter().filter(|&&f| f).count();
        if rank > 1 && (left as f64) < MIN_FAILURES_LEFT * all_failures as f64 {
            break;
        }
        let samples = match Samples::new(names.clone(), rows.clone(), fails.clone()) {
            Ok(s) => s,
            Err(e @ (ExploreError::NothingToDiscover(_) | ExploreError::NoParameters)) => {
                if rank == 1 {
                    found.nothing_found = Some(e.to_string());
                }
                break;
            }
            Err(e) => return Err(e),
        };
        let trajectory = prim::peel(&samples, &settings)?;
        // The highest-coverage box dense enough: at DENSITY, or halfway
        // from the base rate to the densest box when none reaches it (the
        // densest boxes are the narrowest, fitted to a few runs).
        let base = trajectory[0].density;
        let densest = trajectory.iter().map(|b| b.density).fold(base, f64::max);
        let target = DENSITY.min(base + (densest - base) / 2.0);
        let selected = trajectory
            .iter()
            .position(|b| b.density >= target)
            .unwrap_or(0);
        let selection = prim::Selection::Index(selected);
        let discovery = prim::discover(&samples, &settings, selection)?;
        let stability = prim::stability(
            &samples,
            &settings,
            selection,
            &discovery.found,
            RESAMPLES,
            seed.wrapping_add(rank as u64),
        )?;
        let b = &discovery.found;
        // A box no denser than 1.5 times the runs searched explains nothing.
        let base_density = left as f64 / rows.len() as f64;
        if rank > 1 && b.density < 1.5 * base_density {
            break;
        }
        if rank == 1 {
            found.trajectory = discovery
                .trajectory
                .iter()
                .map(|t| TradeOff {
                    coverage: t.coverage,
                    density: t.density,
                })
                .collect();
            found.selected = discovery.selected;
        }
        let failures = left;
        let round = round_for_output;
        found.rows.push(DiscoveryRow {
            package: package.to_string(),
            scenario: scenario.to_string(),
            r#box: rank,
            rule: b.rule(&names),
            sentence: if rank == 1 {
                b.sentence(&names)
            } else {
                b.sentence(&names)
                    .replace("of all failures", "of the failures no earlier box holds")
            },
            coverage: round(b.coverage),
            density: round(b.density),
            mass: round(b.mass),
            runs: rows.len(),
            failures,
            stability_resamples: stability.resamples,
            stability_found: stability.found,
            stability_same_inputs: round(stability.same_inputs),
            stability_mean_coverage: round(stability.mean_coverage),
            stability_mean_density: round(stability.mean_density),
        });
        if (0..names.len()).all(|d| !b.restricts(d)) {
            break;
        }
        let keep: Vec<bool> = rows.iter().map(|r| !b.contains(r)).collect();
        let mut k = keep.iter();
        rows.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        fails.retain(|_| *k.next().unwrap_or(&true));
    }
    // Fewer boxes than the most: the search is over all the same.
    progress(planned, planned);
    Ok(found)
}

/// The request a discovery manifest recorded.
pub fn request_of(manifest: &ExplorationManifest) -> anyhow::Result<DiscoverRequest> {
    let (parameters, selection) = recorded(manifest)?;
    Ok(DiscoverRequest {
        parameters,
        selection,
        samples: manifest.exploration.samples,
    })
}
