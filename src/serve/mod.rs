//! The what-if page (`guarantee-sim serve`): a local web server that shows
//! a scenario file's levers, re-runs a paired batch on common random
//! numbers when one moves, tells single runs, and saves the exploration as
//! a small `extends` file that `run` reproduces.
//!
//! The HTTP layer is axum; simulations run on blocking threads (rayon
//! inside), never on the async runtime's threads. A newer `/api/run`
//! cancels the one under way, and a client that goes away cancels its own
//! request; requests beyond [`Limits::in_flight`] get a 503 at once, and at
//! most [`Limits::simulations`] batches run together (the others wait their
//! turn). A cancelled batch keeps its slot until it has really stopped.

mod api;
mod jobs;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::scenario::levers::Lever;
use crate::scenario::{Loaded, Merged};

pub use api::router;
pub use jobs::{Changes, Interval};

/// Paired runs a first answer after a lever moved simulates at most, over
/// every cell: about 0.7 s on this 2-core machine (65,000 runs a second),
/// so that a lever that changes every cell still answers within a second.
pub const QUICK_BUDGET: u64 = 45_000;
/// Most runs per package and scenario of a first answer (a file with few
/// cells).
pub const QUICK_RUNS: u64 = 2_000;
/// Fewest runs per package and scenario of a first answer: a file with
/// more than 90 cells answers more slowly rather than more roughly.
pub const MIN_QUICK_RUNS: u64 = 500;

/// Runs per package and scenario of a first answer for a file of `cells`
/// packages x scenarios: the budget shared out, in whole blocks.
pub fn quick_runs_for(cells: usize) -> u64 {
    let block = crate::batch::BLOCK_RUNS;
    (QUICK_BUDGET / (cells.max(1) as u64) / block * block).clamp(MIN_QUICK_RUNS, QUICK_RUNS)
}
/// Runs per package and scenario the page asks for next, while nothing moves.
pub const REFINED_RUNS: u64 = 10_000;
/// Most runs per package and scenario a request may ask for: the bundled
/// file's 48 cells take about a second per 10,000 paired runs here.
pub const MAX_RUNS: u64 = 20_000;
/// Largest request body accepted (lever values are a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How much the server takes on at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// API requests being served or waiting; more get a 503.
    pub in_flight: usize,
    /// Batches simulated at the same time (each uses every core).
    pub simulations: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            in_flight: 16,
            simulations: 2,
        }
    }
}

/// The scenario file being explored.
pub struct Served {
    /// The merged file, which lever values are applied to.
    pub merged: Merged,
    /// The file as loaded: the base of every paired difference.
    pub base: Loaded,
    pub levers: Vec<Lever>,
    /// The file's name as shown on the page.
    pub shown: String,
    /// What a saved what-if `extends`: a bundled name or the file's path.
    pub extends: String,
    /// The seed of every batch (the file's `simulation.seed`).
    pub seed: u64,
    /// Runs of the page's first answer after a move, and of the refined
    /// answer that follows ([`quick_runs_for`] the file, [`REFINED_RUNS`]
    /// by default).
    pub quick_runs: u64,
    pub refined_runs: u64,
    /// The base's outcomes run by run, once simulated: each what-if then
    /// simulates only its own changed cells.
    known: Mutex<Option<Arc<crate::batch::KnownOutcomes>>>,
    /// Held while the base is simulated: a second cold request waits and
    /// takes the first one's outcomes instead of simulating them again.
    simulating_base: Mutex<()>,
}

impl Served {
    pub fn new(merged: Merged, base: Loaded, shown: String, extends: String) -> Served {
        let levers = merged.levers();
        let seed = base.world.default_seed;
        let quick_runs = quick_runs_for(base.world.packages.len() * base.world.scenarios.len());
        Served {
            merged,
            base,
            levers,
            shown,
            extends,
            seed,
            quick_runs,
            refined_runs: REFINED_RUNS,
            known: Mutex::new(None),
            simulating_base: Mutex::new(()),
        }
    }

    /// The page's first answer after a move takes `quick` runs, the
    /// refined one at least as many (both at most [`MAX_RUNS`]).
    pub fn with_runs(mut self, quick: u64) -> Served {
        self.quick_runs = quick.clamp(1, MAX_RUNS);
        self.refined_runs = REFINED_RUNS.max(self.quick_runs).min(MAX_RUNS);
        self
    }
}

impl Served {
    /// The base's outcomes for at least `runs` runs, simulated now unless
    /// known already; `None` when `cancel` stopped the simulation.
    fn known_outcomes(
        &self,
        runs: u64,
        cancel: &AtomicBool,
    ) -> Option<Arc<crate::batch::KnownOutcomes>> {
        let lock = || self.known.lock().unwrap_or_else(|e| e.into_inner());
        let cached = || lock().as_ref().filter(|k| k.runs() >= runs).cloned();
        if let Some(known) = cached() {
            return Some(known);
        }
        let _one_at_a_time = loop {
            match self.simulating_base.try_lock() {
                Ok(guard) => break guard,
                Err(std::sync::TryLockError::Poisoned(e)) => break e.into_inner(),
                // Waits, but not past its own cancellation.
                Err(std::sync::TryLockError::WouldBlock) if cancel.load(Ordering::SeqCst) => {
                    return None;
                }
                Err(std::sync::TryLockError::WouldBlock) => {
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
            }
        };
        if let Some(known) = cached() {
            return Some(known);
        }
        let known = Arc::new(crate::batch::KnownOutcomes::simulate(
            &self.base.world,
            self.seed,
            runs,
            cancel,
        )?);
        let mut cached = lock();
        if cached.as_ref().is_none_or(|k| k.runs() < runs) {
            *cached = Some(known.clone());
        }
        Some(known)
    }
}

/// Shared state of the server.
pub struct AppState {
    pub served: Served,
    limits: Limits,
    admitted: Arc<tokio::sync::Semaphore>,
    simulating: Arc<tokio::sync::Semaphore>,
    /// The cancel flag of the latest `/api/run`.
    latest: Mutex<Arc<AtomicBool>>,
    /// Set on shutdown: every batch stops after its blocks under way.
    stopping: Arc<AtomicBool>,
    /// Simulations running now on blocking threads, and the most at once:
    /// what the tests check [`Limits::simulations`] against.
    running: AtomicUsize,
    most_running: AtomicUsize,
}

impl AppState {
    pub fn new(served: Served, limits: Limits) -> Arc<AppState> {
        Arc::new(AppState {
            served,
            limits,
            admitted: Arc::new(tokio::sync::Semaphore::new(limits.in_flight)),
            simulating: Arc::new(tokio::sync::Semaphore::new(limits.simulations.max(1))),
            latest: Mutex::new(Arc::new(AtomicBool::new(false))),
            stopping: Arc::new(AtomicBool::new(false)),
            running: AtomicUsize::new(0),
            most_running: AtomicUsize::new(0),
        })
    }

    /// Simulations running now (a job cancelled but not yet stopped counts).
    pub fn simulations_running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// The most simulations that ever ran at once.
    pub fn most_simulations_running(&self) -> usize {
        self.most_running.load(Ordering::SeqCst)
    }

    /// Stops every batch under way (for a clean shutdown).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.replace_latest().store(true, Ordering::SeqCst);
    }

    /// A fresh cancel flag for a new `/api/run`; the previous run's flag is
    /// set, so that run stops after its blocks under way.
    fn replace_latest(&self) -> Arc<AtomicBool> {
        let fresh = Arc::new(AtomicBool::new(self.stopping.load(Ordering::SeqCst)));
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        let old = std::mem::replace(&mut *latest, fresh.clone());
        old.store(true, Ordering::SeqCst);
        fresh
    }
}

/// Whether an address is the machine's own (a page anyone on the network
/// could drive is opt-in).
pub fn is_loopback(addr: &std::net::IpAddr) -> bool {
    addr.is_loopback()
}

/// What a saved what-if `extends`: a bundled file by its bare name (found
/// anywhere, from the copy in the binary), any other file by its full path.
pub fn extends_target(file: &crate::scenario::SourceFile) -> String {
    let name = std::path::Path::new(&file.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_bundled = crate::scenario::bundled(&name).is_some_and(|t| *t == *file.text);
    match &file.disk_path {
        Some(disk) if !is_bundled => disk.display().to_string(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_answer_shares_its_budget_among_the_cells_in_whole_blocks() {
        // The bundled file: 7 packages x 6 scenarios.
        assert_eq!(quick_runs_for(42), 1_000);
        assert!(42 * quick_runs_for(42) <= QUICK_BUDGET);
        assert_eq!(quick_runs_for(1), QUICK_RUNS);
        assert_eq!(quick_runs_for(10_000), MIN_QUICK_RUNS);
        for cells in 1..200 {
            assert_eq!(quick_runs_for(cells) % crate::batch::BLOCK_RUNS, 0);
        }
    }
}
