//! What can be wrong with an exploration request or its outputs.

/// A request that cannot be designed or analysed, said in the user's terms.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExploreError {
    #[error(
        "no parameters to explore: name at least one, e.g. `countries.united-states.resolve=0.2..0.8`"
    )]
    NoParameters,
    #[error(
        "parameter `{name}`: the range {lo}..{hi} is empty; the low end must be below the high end, e.g. {example}"
    )]
    EmptyRange {
        name: String,
        lo: f64,
        hi: f64,
        example: String,
    },
    #[error("`{text}`: {problem}; {form}")]
    RangeSyntax {
        text: String,
        problem: String,
        form: &'static str,
    },
    #[error("parameter `{name}`: the range ends must be finite numbers, got {lo}..{hi}")]
    NotFinite { name: String, lo: f64, hi: f64 },
    #[error("parameter `{name}` is named twice; each parameter may appear once")]
    DuplicateParameter { name: String },
    #[error(
        "parameter `{name}`: a grid needs at least 2 steps (both ends of the range), got {steps}"
    )]
    TooFewSteps { name: String, steps: usize },
    #[error("a grid over {dimensions} parameters needs one step count per parameter, got {given}")]
    StepsPerDimension { dimensions: usize, given: usize },
    #[error("the design would have more than {limit} points; use fewer steps or parameters")]
    TooManyPoints { limit: usize },
    #[error("{what} must be at least {min}, got {given}")]
    TooFew {
        what: &'static str,
        min: usize,
        given: usize,
    },
    #[error("{what} must be at most {max}, got {given} ({why})")]
    TooMany {
        what: &'static str,
        max: usize,
        given: usize,
        why: &'static str,
    },
    #[error("Morris levels must be an even number of at least 2 (4 is usual), got {levels}")]
    MorrisLevels { levels: usize },
    #[error("{what} must lie in {valid}, got {given}")]
    OutOfRange {
        what: &'static str,
        valid: &'static str,
        given: f64,
    },
    #[error(
        "the design has {expected} points but {given} outputs were given; give one output per point, in design order"
    )]
    OutputCount { expected: usize, given: usize },
    #[error("output {index} is {value}; every output must be a finite number")]
    NonFiniteOutput { index: usize, value: f64 },
    #[error("the outputs do not vary across the design, so there is no variance to apportion")]
    ConstantOutput,
    #[error(
        "row {row} has {given} values but there are {expected} inputs; every row needs one value per input"
    )]
    RaggedRow {
        row: usize,
        expected: usize,
        given: usize,
    },
    #[error("input `{name}` of row {row} is {value}; inputs must be finite numbers")]
    NonFiniteInput {
        name: String,
        row: usize,
        value: f64,
    },
    #[error("{0}")]
    NothingToDiscover(&'static str),
    #[error(
        "no box on the peeling trajectory reaches density {threshold}; the densest reaches {best:.3}. Lower the threshold or pick a box by index"
    )]
    DensityNotReached { threshold: f64, best: f64 },
    #[error("box {index} does not exist; the peeling trajectory has boxes 0..={last}")]
    NoSuchBox { index: usize, last: usize },
}

/// Checks outputs against the number of design points; every one finite.
pub(crate) fn check_outputs(expected: usize, outputs: &[f64]) -> Result<(), ExploreError> {
    if outputs.len() != expected {
        return Err(ExploreError::OutputCount {
            expected,
            given: outputs.len(),
        });
    }
    match outputs.iter().position(|y| !y.is_finite()) {
        Some(index) => Err(ExploreError::NonFiniteOutput {
            index,
            value: outputs[index],
        }),
        None => Ok(()),
    }
}

/// `given >= min`, or an error naming `what`.
pub(crate) fn at_least(what: &'static str, min: usize, given: usize) -> Result<(), ExploreError> {
    if given < min {
        Err(ExploreError::TooFew { what, min, given })
    } else {
        Ok(())
    }
}
