//! guarantee-sim: an agent-based Monte Carlo simulator of security-guarantee
//! packages for Ukraine after a ceasefire.
//!
//! This is an exploratory model, not a forecast. The layers, from input to
//! output:
//! - [`scenario`]: the TOML scenario format, validation with source spans,
//!   and compilation into plain parameter structs;
//! - [`model`]: the agents and one run, month by month;
//! - [`batch`]: many runs in parallel, seeds, aggregation and statistics;
//! - [`explore`]: designs over uncertain parameters and the sensitivity and
//!   scenario-discovery analyses of their outputs (model-agnostic);
//! - [`report`]: CSV, charts, HTML and Markdown outputs;
//! - [`study`]: a request turned into a plan, run and written with its
//!   manifest last, or a manifest replayed (what every command calls);
//! - [`cli`]: the command line, the only layer that knows the terminal.

pub mod batch;
pub mod cli;
pub mod explore;
pub mod model;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod study;
