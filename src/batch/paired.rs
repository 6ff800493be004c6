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
    run_paired_known(base, None, whatif, seed, runs, cancel)
}

/// The outcome of run `run_index` of a (package, scenario) of `world`.
fn outcome(
    world: &World,
    ws: &mut Workspace,
    (package, scenario): (usize, usize),
    seed: u64,
    run_index: u64,
) -> crate::model::Outcome {
    let key = RunKey {
        world,
        package: &world.packages[package],
        scenario: &world.scenarios[scenario],
        seed,
        run_index,
    };
    simulate(key, ws, &mut NoTrace)
}

/// Whether each run of each package under each scenario of a world held
/// and deterred, so that a base explored against many what-ifs (the
/// what-if page) is simulated once.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownOutcomes {
    seed: u64,
    runs: u64,
    packages: usize,
    /// By `(scenario * packages + package) * runs + run index`: bit 0 the
    /// line held, bit 1 deterrence worked.
    bits: Vec<u8>,
}

const HELD: u8 = 1;
const DETERRED: u8 = 2;

impl KnownOutcomes {
    /// Runs `0..runs` of every package under every scenario of `world`;
    /// `None` when `cancel` stopped it.
    pub fn simulate(world: &World, seed: u64, runs: u64, cancel: &AtomicBool) -> Option<Self> {
        let packages = world.packages.len();
        let cells: Vec<(usize, usize)> = (0..world.scenarios.len())
            .flat_map(|s| (0..packages).map(move |p| (s, p)))
            .collect();
        let blocks: Vec<(usize, u64)> = cells
            .iter()
            .enumerate()
            .flat_map(|(c, _)| (0..runs.div_ceil(BLOCK_RUNS)).map(move |b| (c, b * BLOCK_RUNS)))
            .collect();
        let parts: Vec<Option<Vec<u8>>> = blocks
            .par_iter()
            .map_init(
                || Workspace::new(world),
                |ws, &(c, first)| {
                    if cancel.load(Ordering::SeqCst) {
                        return None;
                    }
                    let (scenario, package) = cells[c];
                    let end = (first + BLOCK_RUNS).min(runs);
                    let bits = (first..end)
                        .map(|run_index| {
                            let o = outcome(world, ws, (package, scenario), seed, run_index);
                            u8::from(o.kind.holds()) * HELD + u8::from(o.kind.deters()) * DETERRED
                        })
                        .collect();
                    Some(bits)
                },
            )
            .collect();
        let bits = parts.into_iter().collect::<Option<Vec<_>>>()?.concat();
        Some(KnownOutcomes {
            seed,
            runs,
            packages,
            bits,
        })
    }

    /// Runs simulated per package and scenario.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// (held, deterred) of a run, if known for this seed.
    fn get(
        &self,
        seed: u64,
        package: usize,
        scenario: usize,
        run_index: u64,
    ) -> Option<(bool, bool)> {
        if seed != self.seed || run_index >= self.runs || package >= self.packages {
            return None;
        }
        let at = (scenario * self.packages + package) as u64 * self.runs + run_index;
        let b = *self.bits.get(at as usize)?;
        Some((b & HELD != 0, b & DETERRED != 0))
    }
}

/// [`run_paired`], with the base's outcomes taken from `known` where it
/// has them (the counts are the same: a run's outcome depends only on its
/// world, seed and index). `known` must be of `base`.
pub fn run_paired_known(
    base: &World,
    known: Option<&KnownOutcomes>,
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
                        outcome(world, ws, (package, scenario), seed, run_index)
                    };
                    for run_index in first..end {
                        for (i, c) in out.iter_mut() {
                            let cell = &cells[*i];
                            let (b_holds, b_deters) = match known.and_then(|k| {
                                k.get(seed, cell.base_package, cell.base_scenario, run_index)
                            }) {
                                Some(bits) => bits,
                                None => {
                                    let b = run_in(
                                        base,
                                        ws_base,
                                        cell.base_package,
                                        cell.base_scenario,
                                        run_index,
                                    );
                                    (b.kind.holds(), b.kind.deters())
                                }
                            };
                            if cell.identical_inputs {
                                // Same inputs, same draws: the what-if's run is
                                // this one; no need to simulate it twice.
                                c.hold.add(b_holds, b_holds);
                                c.deterrence.add(b_deters, b_deters);
                                continue;
                            }
                            let w = run_in(
                                whatif,
                                ws_whatif,
                                cell.whatif_package,
                                cell.whatif_scenario,
                                run_index,
                            );
                            c.hold.add(w.kind.holds(), b_holds);
                            c.deterrence.add(w.kind.deters(), b_deters);
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
