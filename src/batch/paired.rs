//! Two worlds on the same random numbers: a what-if file against its base.
//!
//! A run's random numbers depend only on the seed, the scenario id and the
//! run index (see [`crate::model::rng`]), so a package that exists in both
//! worlds, under a scenario that exists in both, can be run on exactly the
//! same draws in each. The difference of the two outcomes, run by run, is
//! then a paired comparison: what the two worlds share cancels out.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::BLOCK_RUNS;
use super::stats::PairedSums;
use crate::model::params::World;
use crate::model::{NoTrace, RunKey, Workspace, simulate};

/// A package and a scenario found in both worlds (by id).
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedCell {
    pub package: String,
    pub scenario: String,
    /// Indices into `base.packages` / `whatif.packages`.
    pub base_package: usize,
    pub whatif_package: usize,
    /// Indices into `base.scenarios` / `whatif.scenarios`.
    pub base_scenario: usize,
    pub whatif_scenario: usize,
    /// Every parameter a run of this cell reads is the same in both worlds,
    /// so every run has the same outcome in both, by construction.
    pub identical_inputs: bool,
}

/// The paired counts of one matched cell; `x` is the what-if, `y` the base.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairedCounts {
    /// Did the ceasefire line hold (held or defended)?
    pub hold: PairedSums,
    /// Did deterrence work (no major offensive, no erosion)?
    pub deterrence: PairedSums,
}

impl PairedCounts {
    fn merge(&mut self, other: &PairedCounts) {
        self.hold.merge(&other.hold);
        self.deterrence.merge(&other.deterrence);
    }
}

/// Result of [`run_paired`], one entry per [`MatchedCell`], in the same order.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedWorlds {
    pub cells: Vec<MatchedCell>,
    pub counts: Vec<PairedCounts>,
    /// False when `cancel` stopped the runs early (the counts then cover
    /// fewer runs than asked for, the same number in every cell).
    pub complete: bool,
}

/// Packages (feasible in both worlds) and scenarios with the same id in
/// both worlds, in the what-if's order: scenario by scenario.
pub fn match_cells(base: &World, whatif: &World) -> Vec<MatchedCell> {
    let shared_world = base.horizon_months == whatif.horizon_months
        && base.countries == whatif.countries
        && base.objection == whatif.objection;
    let mut cells = Vec::new();
    for (ws, scenario) in whatif.scenarios.iter().enumerate() {
        let Some(bs) = base.scenario_index(&scenario.id) else {
            continue;
        };
        for (wp, package) in whatif.packages.iter().enumerate() {
            let Some(bp) = base.package_index(&package.id) else {
                continue;
            };
            cells.push(MatchedCell {
                package: package.id.clone(),
                scenario: scenario.id.clone(),
                base_package: bp,
                whatif_package: wp,
                base_scenario: bs,
                whatif_scenario: ws,
                identical_inputs: shared_world
                    && base.packages[bp] == *package
                    && base.scenarios[bs] == *scenario,
            });
        }
    }
    cells
}

/// Runs every matched cell `runs` times in both worlds on the same seed
/// and run indices, and counts how often each world's run held and
/// deterred. Blocks of [`BLOCK_RUNS`] runs are merged in index order, so the
/// counts are the same whatever the thread count; `cancel` stops the runs
/// after the blocks under way.
pub fn run_paired(
    base: &World,
    whatif: &World,
    seed: u64,
    runs: u64,
    cancel: &AtomicBool,
) -> PairedWorlds {
    let cells = match_cells(base, whatif);
    let mut counts = vec![PairedCounts::default(); cells.len()];
    // Cells of one scenario share a block, so the scenario's draws are
    // made once per run and world.
    let scenarios: Vec<usize> = {
        let mut s: Vec<usize> = cells.iter().map(|c| c.whatif_scenario).collect();
        s.dedup();
        s
    };
    let blocks_per_scenario = runs.div_ceil(BLOCK_RUNS);
    let wave_len = (rayon::current_num_threads() * 2).max(1) as u64;
    let mut next_block = 0u64;
    let mut complete = true;
    while next_block < blocks_per_scenario {
        if cancel.load(Ordering::SeqCst) {
            complete = false;
            break;
        }
        let end_block = (next_block + wave_len).min(blocks_per_scenario);
        let wave: Vec<(usize, u64, u64)> = (next_block..end_block)
            .flat_map(|b| {
                let first = b * BLOCK_RUNS;
                let end = (first + BLOCK_RUNS).min(runs);
                scenarios.iter().map(move |&s| (s, first, end))
            })
            .collect();
        let outputs: Vec<Vec<(usize, PairedCounts)>> = wave
            .par_iter()
            .map_init(
                || (Workspace::new(base), Workspace::new(whatif)),
                |(ws_base, ws_whatif), &(scenario, first, end)| {
                    let mine: Vec<usize> = (0..cells.len())
                        .filter(|&i| cells[i].whatif_scenario == scenario)
                        .collect();
                    let mut out: Vec<(usize, PairedCounts)> =
                        mine.iter().map(|&i| (i, PairedCounts::default())).collect();
                    let run_in = |world: &World,
                                  ws: &mut Workspace,
                                  package: usize,
                                  scenario: usize,
                                  run_index: u64| {
                        let key = RunKey {
                            world,
                            package: &world.packages[package],
                            scenario: &world.scenarios[scenario],
                            seed,
                            run_index,
                        };
                        simulate(key, ws, &mut NoTrace)
                    };
                    for run_index in first..end {
                        for (i, c) in out.iter_mut() {
                            let cell = &cells[*i];
                            let b = run_in(
                                base,
                                ws_base,
                                cell.base_package,
                                cell.base_scenario,
                                run_index,
                            );
                            if cell.identical_inputs {
                                // Same inputs, same draws: the what-if's run is
                                // this one; no need to simulate it twice.
                                c.hold.add(b.kind.holds(), b.kind.holds());
                                c.deterrence.add(b.kind.deters(), b.kind.deters());
                                continue;
                            }
                            let w = run_in(
                                whatif,
                                ws_whatif,
                                cell.whatif_package,
                                cell.whatif_scenario,
                                run_index,
                            );
                            c.hold.add(w.kind.holds(), b.kind.holds());
                            c.deterrence.add(w.kind.deters(), b.kind.deters());
                        }
                    }
                    out
                },
            )
            .collect();
        for output in &outputs {
            for (i, c) in output {
                counts[*i].merge(c);
            }
        }
        next_block = end_block;
    }
    PairedWorlds {
        cells,
        counts,
        complete,
    }
}
