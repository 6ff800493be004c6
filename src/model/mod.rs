//! The agent-based model: country agents, their monthly decisions, and one
//! run of one package under one scenario. Knows nothing of files or the
//! terminal: it runs on the plain structs of [`params`].

pub mod agents;
pub mod math;
pub mod outcome;
pub mod params;
pub mod patterns;
pub mod rng;
pub mod run;
pub mod trace;

pub use outcome::{Defence, FailureMode, Outcome, OutcomeKind};
pub use run::{NEVER, RunKey, Workspace, simulate, simulate_without_events};
pub use trace::{NoTrace, Recorder, Trace, TraceEvent};
