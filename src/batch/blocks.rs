//! Finished blocks kept outside the batch: a checkpoint that lets an
//! interrupted study resume, or a shard's share of a study that a merge
//! combines. A block is named by its point, scenario and runs; the seed
//! and everything else that decides its numbers belong to the study that
//! owns the store, which checks them before any block is read.

use serde::{Deserialize, Serialize};

use super::{BLOCK_RUNS, RunRecord};
use crate::batch::{Cell, PairedSums};

/// Where a block sits in a study: the point of a design (0 for `run`),
/// the scenario's position in the plan and its runs `first_run..end_run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BlockKey {
    pub point: usize,
    pub scenario: usize,
    pub first_run: u64,
    pub end_run: u64,
}

impl BlockKey {
    /// The block's row: blocks are aligned to [`BLOCK_RUNS`], so a row is
    /// one block of every scenario.
    pub fn row(&self) -> u64 {
        self.first_run / BLOCK_RUNS
    }
}

/// What a block produced: its aggregates and, when asked, its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockOutput {
    pub cells: Vec<Cell>,
    /// Packages x packages paired comparisons (a < b filled).
    pub pairs: Vec<PairedSums>,
    pub deterrence_pairs: Vec<PairedSums>,
    #[serde(with = "kept_runs")]
    pub records: Vec<RunRecord>,
}

impl BlockOutput {
    /// Checks that the block is one of a batch of `packages` packages: a
    /// cell for each, a paired comparison for each two, records of those
    /// packages only. A block file made by hand or by another version may
    /// have a valid checksum and still not be.
    pub fn check_shape(&self, packages: usize) -> Result<(), String> {
        let pairs = packages * packages;
        let counts = [
            ("cells", self.cells.len(), packages),
            ("pairs", self.pairs.len(), pairs),
            ("deterrence pairs", self.deterrence_pairs.len(), pairs),
        ];
        for (what, found, expected) in counts {
            if found != expected {
                return Err(format!(
                    "it holds {found} {what} where a block of {packages} package(s) has {expected} \
                     (made by hand or by another version?)"
                ));
            }
        }
        if let Some(record) = self.records.iter().find(|r| r.package >= packages) {
            return Err(format!(
                "it holds a run of package {} where a block has {packages} package(s)",
                record.package + 1
            ));
        }
        Ok(())
    }
}

/// A block's run records as a file keeps them: what a run drew is the same
/// for every package, so it is kept once per run index with the outcome of
/// each package (about a sixth of the bytes of one record per package).
mod kept_runs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::batch::{Drawn, RunRecord};
    use crate::model::Outcome;
    use crate::model::params::Coefficients;

    #[derive(Serialize, Deserialize)]
    struct KeptRun {
        scenario: usize,
        run_index: u64,
        /// Every coefficient, in declaration order.
        coefficients: Vec<f64>,
        event_months: Vec<u32>,
        event_magnitudes: Vec<f64>,
        /// (package position, outcome), in the block's order.
        outcomes: Vec<(usize, Outcome)>,
    }

    pub fn serialize<S: Serializer>(records: &[RunRecord], s: S) -> Result<S::Ok, S::Error> {
        let mut runs: Vec<KeptRun> = Vec::new();
        for r in records {
            let same_run = runs.last().is_some_and(|k| {
                k.scenario == r.scenario
                    && k.run_index == r.run_index
                    && k.coefficients == r.drawn.coefficients.values()
                    && k.event_months == r.drawn.event_months
                    && k.event_magnitudes == r.drawn.event_magnitudes
            });
            if !same_run {
                runs.push(KeptRun {
                    scenario: r.scenario,
                    run_index: r.run_index,
                    coefficients: r.drawn.coefficients.values().to_vec(),
                    event_months: r.drawn.event_months.clone(),
                    event_magnitudes: r.drawn.event_magnitudes.clone(),
                    outcomes: Vec::new(),
                });
            }
            if let Some(run) = runs.last_mut() {
                run.outcomes.push((r.package, r.outcome));
            }
        }
        runs.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<RunRecord>, D::Error> {
        let runs = Vec::<KeptRun>::deserialize(d)?;
        let mut records = Vec::new();
        for run in runs {
            let mut coefficients = Coefficients::default();
            if run.coefficients.len() != Coefficients::COUNT {
                return Err(serde::de::Error::custom(format!(
                    "{} coefficients, this version has {}",
                    run.coefficients.len(),
                    Coefficients::COUNT
                )));
            }
            for (field, value) in coefficients.fields_mut().into_iter().zip(&run.coefficients) {
                *field = *value;
            }
            for (package, outcome) in run.outcomes {
                records.push(RunRecord {
                    scenario: run.scenario,
                    package,
                    run_index: run.run_index,
                    outcome,
                    drawn: Drawn {
                        coefficients,
                        event_months: run.event_months.clone(),
                        event_magnitudes: run.event_magnitudes.clone(),
                    },
                });
            }
        }
        Ok(records)
    }
}

/// Keeps finished blocks and hands them back; called from the worker
/// threads as blocks finish.
pub trait BlockStore: Sync {
    /// A block finished earlier (by an interrupted run, or by a shard), of
    /// a batch of `packages` packages (a block of another shape is refused).
    fn stored(&self, key: &BlockKey, packages: usize) -> Option<BlockOutput>;
    /// Whether this process computes the block: a shard computes only its
    /// share and leaves the others out.
    fn assigned(&self, key: &BlockKey) -> bool;
    /// Keeps a block this process just computed.
    fn keep(&self, key: &BlockKey, output: &BlockOutput);
    /// Whether keeping or reading a block failed; the batch then stops
    /// after the blocks under way and the store says why.
    fn failed(&self) -> bool;
}

/// Keeps nothing: every block is computed, as in a plain batch.
pub struct NoStore;

impl BlockStore for NoStore {
    fn stored(&self, _: &BlockKey, _: usize) -> Option<BlockOutput> {
        None
    }
    fn assigned(&self, _: &BlockKey) -> bool {
        true
    }
    fn keep(&self, _: &BlockKey, _: &BlockOutput) {}
    fn failed(&self) -> bool {
        false
    }
}

/// A store as one batch sees it: the point of the design the batch runs.
#[derive(Clone, Copy)]
pub struct Stored<'a> {
    pub store: &'a dyn BlockStore,
    pub point: usize,
}

impl Stored<'_> {
    pub const NONE: Stored<'static> = Stored {
        store: &NoStore,
        point: 0,
    };
}
