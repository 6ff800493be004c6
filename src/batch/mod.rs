//! Many runs in parallel: seeds, blocks, aggregation and statistics.
//!
//! The run-index space of each scenario is cut into fixed blocks of
//! [`BLOCK_RUNS`] runs. A block runs every selected package on the same run
//! indices (common random numbers) and returns small aggregates; blocks are
//! merged in index order, so results are the same bytes whatever the
//! thread count. A cluster version can hand out blocks to machines the
//! same way: a block is fully named by (seed, scenario, block index).

pub mod aggregate;
pub mod attribution;
pub mod blocks;
pub mod paired;
pub mod patterns;
pub mod stats;

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::model::params::{Coefficients, World};
use crate::model::{NoTrace, Outcome, RunKey, Workspace, simulate};

pub use aggregate::Cell;
pub use blocks::{BlockKey, BlockOutput, BlockStore, NoStore, Stored};
pub use paired::{
    KnownOutcomes, MatchedCell, PairedCounts, PairedWorlds, run_paired, run_paired_known,
};
pub use stats::PairedSums;

/// Runs per block. Fixed, never derived from the thread count, so the
/// merge order (and every floating-point sum) is the same on any machine.
pub const BLOCK_RUNS: u64 = 250;

/// Most runs per package and scenario a batch accepts: a billion runs of
/// one cell already take hours, so more is a typo.
pub const MAX_RUNS_PER_CELL: u64 = 1_000_000_000;

/// Most packages one batch simulates. Every pair of packages is compared on
/// the same runs, so memory and `pairs.csv` grow with the square of the
/// count: 200 packages make 40,000 pairs per scenario; 10,000 made a
/// 3.2 GB allocation fail.
pub const MAX_PACKAGES_PER_BATCH: usize = 200;

/// Most scenarios one batch simulates: each gets its own charts and rows in
/// every table, so thousands would make reports nobody can read.
pub const MAX_SCENARIOS_PER_BATCH: usize = 100;

/// Keep adding runs until every hold rate's 95% interval half-width is at
/// most `half_width`, or `max_runs` per scenario is reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    pub half_width: f64,
    pub max_runs: u64,
}

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub seed: u64,
    /// Runs per package and scenario (the first target with a precision).
    pub runs: u64,
    /// Indices into `world.packages`, in output order.
    pub packages: Vec<usize>,
    /// Indices into `world.scenarios`, in output order.
    pub scenarios: Vec<usize>,
    /// Position in `packages` of the reference for paired differences.
    pub reference: Option<usize>,
    pub precision: Option<Precision>,
}

/// One run's record, for the optional per-run output.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Positions in the plan's `scenarios` and `packages`.
    pub scenario: usize,
    pub package: usize,
    pub run_index: u64,
    pub outcome: Outcome,
    pub drawn: Drawn,
}

/// The values a run drew before its first month. They do not depend on the
/// package, so every package of a run index sees the same ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// Every coefficient, in [`crate::model::params::COEFFICIENTS`] order
    /// (a fixed one keeps its value).
    pub coefficients: Coefficients,
    /// Per event of the scenario: its month ([`crate::model::NEVER`] when
    /// outside the horizon) and its size.
    pub event_months: Vec<u32>,
    pub event_magnitudes: Vec<f64>,
}

/// How a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Every planned run finished.
    Complete,
    /// Stopped by the caller (Ctrl-C); the finished blocks are aggregated.
    Interrupted,
}

/// Aggregates of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchResult {
    /// Cells by `scenario position * packages + package position`.
    pub cells: Vec<Cell>,
    pub packages: usize,
    /// Paired comparison of every two packages under each scenario, by
    /// `(scenario position * packages + a) * packages + b` for `a < b`
    /// (entries with `a >= b` stay empty).
    pub pairs: Vec<PairedSums>,
    /// The same paired comparisons for deterrence (held), same indexing.
    pub deterrence_pairs: Vec<PairedSums>,
    pub completion: Completion,
    /// With a precision target: whether it was met.
    pub precision_met: Option<bool>,
}

impl BatchResult {
    pub fn cell(&self, scenario_pos: usize, package_pos: usize) -> &Cell {
        &self.cells[scenario_pos * self.packages + package_pos]
    }

    /// Paired comparison of package `a` against package `b` (positions)
    /// under a scenario: how often each held on the same runs. Only `a < b`
    /// is stored; the other order is the same table seen from `b`, and a
    /// package against itself never differs.
    pub fn pair(&self, scenario_pos: usize, a: usize, b: usize) -> PairedSums {
        let stored =
            |x: usize, y: usize| self.pairs[(scenario_pos * self.packages + x) * self.packages + y];
        match a.cmp(&b) {
            std::cmp::Ordering::Less => stored(a, b),
            std::cmp::Ordering::Greater => stored(b, a).swapped(),
            std::cmp::Ordering::Equal => {
                let cell = self.cell(scenario_pos, a);
                PairedSums::concordant(cell.runs, cell.holds())
            }
        }
    }

    /// Paired comparison of deterrence (runs that ended held) of package
    /// `a` against package `b` under a scenario, as [`BatchResult::pair`]
    /// does for holding.
    pub fn pair_deterrence(&self, scenario_pos: usize, a: usize, b: usize) -> PairedSums {
        let stored = |x: usize, y: usize| {
            self.deterrence_pairs[(scenario_pos * self.packages + x) * self.packages + y]
        };
        match a.cmp(&b) {
            std::cmp::Ordering::Less => stored(a, b),
            std::cmp::Ordering::Greater => stored(b, a).swapped(),
            std::cmp::Ordering::Equal => {
                let cell = self.cell(scenario_pos, a);
                PairedSums::concordant(cell.runs, cell.count(crate::model::OutcomeKind::Held))
            }
        }
    }

    /// Largest 95% half-width of any hold rate.
    pub fn max_hold_half_width(&self) -> f64 {
        self.cells
            .iter()
            .filter_map(|c| stats::wilson(c.holds(), c.runs))
            .map(|e| e.half_width())
            .fold(0.0, f64::max)
    }
}

/// Hooks the caller provides: cancellation, progress, per-run records.
pub struct Control<'a> {
    /// Set (e.g. by a Ctrl-C handler) to stop after the blocks under way.
    pub cancel: &'a AtomicBool,
    /// Called after each wave with (runs done, runs planned so far), where a
    /// run is one package under one scenario.
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
    /// Whether to collect per-run records.
    pub per_run: bool,
}

struct Block {
    scenario_pos: usize,
    first_run: u64,
    end_run: u64,
}

impl Block {
    fn key(&self, point: usize) -> BlockKey {
        BlockKey {
            point,
            scenario: self.scenario_pos,
            first_run: self.first_run,
            end_run: self.end_run,
        }
    }
}

/// Runs a plan. `records` receives the per-run records of each wave in
/// run-index order (only when `control.per_run`); an error it returns stops
/// the batch.
pub fn run_batch<E>(
    world: &World,
    plan: &Plan,
    control: &Control<'_>,
    records: impl FnMut(&[RunRecord]) -> Result<(), E>,
) -> Result<BatchResult, E> {
    run_stored_batch(world, plan, control, Stored::NONE, records)
}

/// Runs a plan as [`run_batch`] does, taking the blocks `stored` already
/// holds from it, computing only the blocks assigned to this process
/// (the others are left out of the result) and handing each computed
/// block to the store as it finishes. When the store fails the batch
/// stops as if interrupted; the store says why.
pub fn run_stored_batch<E>(
    world: &World,
    plan: &Plan,
    control: &Control<'_>,
    stored: Stored<'_>,
    mut records: impl FnMut(&[RunRecord]) -> Result<(), E>,
) -> Result<BatchResult, E> {
    let n_packages = plan.packages.len();
    let empty = Cell::new(world.horizon_months, world.countries.len());
    let mut result = BatchResult {
        cells: vec![empty; plan.scenarios.len() * n_packages],
        packages: n_packages,
        pairs: vec![PairedSums::default(); plan.scenarios.len() * n_packages * n_packages],
        deterrence_pairs: vec![
            PairedSums::default();
            plan.scenarios.len() * n_packages * n_packages
        ],
        completion: Completion::Complete,
        precision_met: None,
    };
    // A wave is a whole number of block rows (one block of every scenario),
    // about two blocks per thread, so an interrupted batch has advanced
    // every scenario by the same runs. Waves are cut as they are needed:
    // memory does not grow with the number of runs.
    let scenarios = plan.scenarios.len();
    let rows_per_wave = (rayon::current_num_threads() * 2)
        .div_ceil(scenarios.max(1))
        .max(1);
    let units = |runs: u64| runs.saturating_mul((scenarios * n_packages) as u64);
    let mut done_runs = 0u64; // per scenario: all scenarios advance together
    let mut target = plan.runs;
    loop {
        let mut first = done_runs;
        while first < target {
            if control.cancel.load(Ordering::SeqCst) || stored.store.failed() {
                result.completion = Completion::Interrupted;
                return Ok(result);
            }
            let (wave, end) = wave_blocks(first, target, scenarios, rows_per_wave);
            let outputs: Vec<Option<BlockOutput>> = wave
                .par_iter()
                .map_init(
                    || Workspace::new(world),
                    |ws, block| {
                        let key = block.key(stored.point);
                        if let Some(output) = stored.store.stored(&key, n_packages) {
                            return Some(output);
                        }
                        if !stored.store.assigned(&key) {
                            return None;
                        }
                        let output = run_block(world, plan, block, ws, control.per_run);
                        stored.store.keep(&key, &output);
                        Some(output)
                    },
                )
                .collect();
            for (block, output) in wave.iter().zip(&outputs) {
                let Some(output) = output else { continue };
                let base = block.scenario_pos * n_packages;
                for (p, cell) in output.cells.iter().enumerate() {
                    result.cells[base + p].merge(cell);
                }
                let pair_base = base * n_packages;
                for (i, pair) in output.pairs.iter().enumerate() {
                    result.pairs[pair_base + i].merge(pair);
                }
                for (i, pair) in output.deterrence_pairs.iter().enumerate() {
                    result.deterrence_pairs[pair_base + i].merge(pair);
                }
            }
            if control.per_run {
                for output in outputs.iter().flatten() {
                    records(&output.records)?;
                }
            }
            first = end;
            (control.progress)(units(first), units(target));
        }
        done_runs = target;
        let Some(precision) = plan.precision else {
            return Ok(result);
        };
        let worst = result.max_hold_half_width();
        if worst <= precision.half_width || done_runs >= precision.max_runs {
            result.precision_met = Some(worst <= precision.half_width);
            return Ok(result);
        }
        target = next_target(done_runs, worst, precision);
    }
}

/// Runs needed so that a rate's half-width shrinks from `worst` to the
/// target (half-widths fall as 1/sqrt(n)), rounded up to whole blocks and
/// capped at `max_runs`; at least one more block.
fn next_target(done: u64, worst: f64, precision: Precision) -> u64 {
    let ratio = worst / precision.half_width;
    // `as` saturates a huge or infinite float at u64::MAX; the cap comes
    // before rounding so nothing can overflow.
    let needed = ((done as f64 * ratio * ratio).ceil() as u64).min(precision.max_runs);
    let rounded = needed.div_ceil(BLOCK_RUNS).saturating_mul(BLOCK_RUNS);
    rounded
        .max(done.saturating_add(BLOCK_RUNS))
        .min(precision.max_runs)
}

/// The next wave: up to `rows` rows of blocks from run index `from`
/// (exclusive end `to`), each row one block of every scenario; returns the
/// blocks and the run index where the wave ends. Blocks are aligned to
/// [`BLOCK_RUNS`], so a run index always belongs to the same block whatever
/// the targets were.
fn wave_blocks(from: u64, to: u64, scenarios: usize, rows: usize) -> (Vec<Block>, u64) {
    let mut blocks = Vec::with_capacity(rows * scenarios);
    let mut first = from;
    for _ in 0..rows {
        if first >= to {
            break;
        }
        let end = (first / BLOCK_RUNS + 1).saturating_mul(BLOCK_RUNS).min(to);
        for scenario_pos in 0..scenarios {
            blocks.push(Block {
                scenario_pos,
                first_run: first,
                end_run: end,
            });
        }
        first = end;
    }
    (blocks, first)
}

fn run_block(
    world: &World,
    plan: &Plan,
    block: &Block,
    ws: &mut Workspace,
    keep_records: bool,
) -> BlockOutput {
    let scenario = &world.scenarios[plan.scenarios[block.scenario_pos]];
    let mut cells: Vec<Cell> = plan
        .packages
        .iter()
        .map(|_| Cell::new(world.horizon_months, world.countries.len()))
        .collect();
    let n = plan.packages.len();
    let mut holds = vec![false; n];
    let mut deters = vec![false; n];
    let mut pairs = vec![PairedSums::default(); n * n];
    let mut deterrence_pairs = vec![PairedSums::default(); n * n];
    let mut records = Vec::new();
    for run_index in block.first_run..block.end_run {
        for (pos, &p) in plan.packages.iter().enumerate() {
            let key = RunKey {
                world,
                package: &world.packages[p],
                scenario,
                seed: plan.seed,
                run_index,
            };
            let outcome = simulate(key, ws, &mut NoTrace);
            cells[pos].add(&outcome, ws.called(), ws.honoured());
            holds[pos] = outcome.kind.holds();
            deters[pos] = outcome.kind.deters();
            if keep_records {
                records.push(RunRecord {
                    scenario: block.scenario_pos,
                    package: pos,
                    run_index,
                    outcome,
                    drawn: Drawn {
                        coefficients: ws.coefficients,
                        event_months: ws.event_months().to_vec(),
                        event_magnitudes: ws.event_magnitudes().to_vec(),
                    },
                });
            }
        }
        for a in 0..n {
            for b in a + 1..n {
                pairs[a * n + b].add(holds[a], holds[b]);
                deterrence_pairs[a * n + b].add(deters[a], deters[b]);
            }
        }
    }
    BlockOutput {
        cells,
        pairs,
        deterrence_pairs,
        records,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_are_whole_rows_of_aligned_blocks() {
        let spans = |(blocks, end): (Vec<Block>, u64)| {
            let v: Vec<(usize, u64, u64)> = blocks
                .iter()
                .map(|b| (b.scenario_pos, b.first_run, b.end_run))
                .collect();
            (v, end)
        };
        assert_eq!(
            spans(wave_blocks(0, 600, 2, 2)),
            (
                vec![(0, 0, 250), (1, 0, 250), (0, 250, 500), (1, 250, 500)],
                500
            )
        );
        assert_eq!(
            spans(wave_blocks(500, 600, 2, 2)),
            (vec![(0, 500, 600), (1, 500, 600)], 600)
        );
        assert_eq!(
            spans(wave_blocks(600, 800, 1, 4)),
            (vec![(0, 600, 750), (0, 750, 800)], 800)
        );
        // A huge target costs one wave of memory, not one entry per block.
        let (blocks, end) = wave_blocks(0, u64::MAX, 6, 3);
        assert_eq!((blocks.len(), end), (18, 750));
        let (blocks, end) = wave_blocks(u64::MAX - 10, u64::MAX, 1, 3);
        assert_eq!((blocks.len(), end), (1, u64::MAX));
    }

    #[test]
    fn precision_targets_grow_with_the_square_of_the_ratio() {
        let p = Precision {
            half_width: 0.01,
            max_runs: 1_000_000,
        };
        assert_eq!(next_target(1000, 0.02, p), 4000);
        assert_eq!(next_target(1000, 0.0101, p), 1250);
        let capped = Precision {
            half_width: 0.001,
            max_runs: 3000,
        };
        assert_eq!(next_target(1000, 0.02, capped), 3000);
        let tiny = Precision {
            half_width: 1e-300,
            max_runs: u64::MAX,
        };
        assert_eq!(next_target(1000, 0.5, tiny), u64::MAX);
    }
}
