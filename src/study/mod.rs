//! A study: a request turned into a checked plan, run in parallel, and
//! written to an output folder with the manifest last; or a manifest
//! replayed. `run`, the exploration commands, benches and tests all call
//! this layer; the command line only parses arguments and talks to the
//! terminal.

pub mod checkpoint;
pub mod discover;
pub mod explore;
pub mod merge;
pub mod out_dir;
pub mod outputs;
pub mod plan;
pub mod points;
pub mod replay;
pub mod run;
pub mod sensitivity;
pub mod session;
pub mod shard;
pub mod sweep;

pub use plan::{Input, Request, build_plan};
pub use run::{Finished, Hooks, Options};
