//! Exploring uncertainty: experimental designs over a parameter space and
//! the analyses that read their outputs.
//!
//! This module knows nothing of the model. A [`Space`] names the uncertain
//! parameters and their ranges; a design places points in the unit
//! hypercube and scales them to those ranges; the caller evaluates each
//! point (for the simulator: a batch of runs on common random numbers) and
//! hands the outputs back to the matching analysis:
//!
//! | design                         | analysis                         |
//! |--------------------------------|----------------------------------|
//! | [`grid`] (full factorial)      | read directly (sweeps)           |
//! | [`latin_hypercube`]            | [`prim::discover`] (or any)      |
//! | [`saltelli`] (Sobol sequence)  | [`sobol_indices`]                |
//! | [`morris`] (trajectories)      | [`elementary_effects`]           |
//!
//! Every design is a pure function of its arguments and seed, so the same
//! request gives the same points, bit for bit, on every machine and thread
//! count.

mod error;
mod grid;
mod latin;
mod morris;
pub mod prim;
mod range;
mod saltelli;
mod space;

pub use error::ExploreError;
pub use grid::grid;
pub use latin::latin_hypercube;
pub use morris::{ElementaryEffects, MorrisDesign, elementary_effects, morris};
pub use range::ParameterRange;
pub use saltelli::{Interval, SaltelliDesign, SobolIndices, saltelli, sobol_indices};
pub use space::{Design, Parameter, Space};
