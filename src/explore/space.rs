//! The parameters under exploration and the points of a design.

use super::ExploreError;

/// One uncertain parameter: a name and the closed range it is explored over.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    name: String,
    lo: f64,
    hi: f64,
}

impl Parameter {
    /// A parameter over `lo..=hi`; the range must be finite and non-empty.
    pub fn new(name: impl Into<String>, lo: f64, hi: f64) -> Result<Self, ExploreError> {
        let name = name.into();
        if !lo.is_finite() || !hi.is_finite() {
            return Err(ExploreError::NotFinite { name, lo, hi });
        }
        if lo >= hi {
            let example = if lo > hi {
                format!("{name}={hi}..{lo}")
            } else {
                format!("{name}={lo}..{}", lo + 1.0)
            };
            return Err(ExploreError::EmptyRange {
                name,
                lo,
                hi,
                example,
            });
        }
        Ok(Parameter { name, lo, hi })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn lo(&self) -> f64 {
        self.lo
    }

    pub fn hi(&self) -> f64 {
        self.hi
    }

    /// The value at fraction `u` (0 = low end, 1 = high end) of the range.
    pub fn at(&self, u: f64) -> f64 {
        self.lo + u * (self.hi - self.lo)
    }
}

/// The parameters of one exploration, in a fixed order: the columns of
/// every design.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    parameters: Vec<Parameter>,
}

impl Space {
    /// At least one parameter, each named once.
    pub fn new(parameters: Vec<Parameter>) -> Result<Self, ExploreError> {
        if parameters.is_empty() {
            return Err(ExploreError::NoParameters);
        }
        for (i, p) in parameters.iter().enumerate() {
            if parameters[..i].iter().any(|q| q.name == p.name) {
                return Err(ExploreError::DuplicateParameter {
                    name: p.name.clone(),
                });
            }
        }
        Ok(Space { parameters })
    }

    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    pub fn dimensions(&self) -> usize {
        self.parameters.len()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.parameters.iter().map(Parameter::name)
    }
}

/// Points of a design, held in the unit hypercube (the design's own
/// coordinates) and scaled to the parameters' ranges on request.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    space: Space,
    unit: Vec<Vec<f64>>,
}

impl Design {
    pub(crate) fn new(space: &Space, unit: Vec<Vec<f64>>) -> Self {
        debug_assert!(unit.iter().all(|p| p.len() == space.dimensions()));
        Design {
            space: space.clone(),
            unit,
        }
    }

    pub fn space(&self) -> &Space {
        &self.space
    }

    pub fn len(&self) -> usize {
        self.unit.len()
    }

    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }

    /// Point `i` in the unit hypercube.
    pub fn unit_point(&self, i: usize) -> &[f64] {
        &self.unit[i]
    }

    /// Point `i` in parameter units, one value per parameter.
    pub fn point(&self, i: usize) -> Vec<f64> {
        self.unit[i]
            .iter()
            .zip(&self.space.parameters)
            .map(|(&u, p)| p.at(u))
            .collect()
    }

    /// Every point in parameter units, in design order.
    pub fn points(&self) -> impl Iterator<Item = Vec<f64>> + '_ {
        (0..self.len()).map(|i| self.point(i))
    }
}

/// Upper bound on the points of one design, so that a typo in a step count
/// is an error rather than an out-of-memory abort.
pub(crate) const MAX_POINTS: usize = 10_000_000;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A space of `k` parameters `x0`, `x1`, ... over the given ranges.
    pub(crate) fn space(ranges: &[(f64, f64)]) -> Space {
        Space::new(
            ranges
                .iter()
                .enumerate()
                .map(|(i, &(lo, hi))| Parameter::new(format!("x{i}"), lo, hi).unwrap())
                .collect(),
        )
        .unwrap()
    }

    /// A design made from a seed is bit-identical for the same seed and
    /// differs for another.
    pub(crate) fn assert_seeded(make: impl Fn(u64) -> Design) {
        let bits = |seed| {
            make(seed)
                .points()
                .flatten()
                .map(f64::to_bits)
                .collect::<Vec<u64>>()
        };
        assert_eq!(bits(11), bits(11));
        assert_ne!(bits(11), bits(12));
    }

    #[test]
    fn bad_parameters_are_named_errors() {
        let empty = Parameter::new("us.resolve", 0.8, 0.2).unwrap_err();
        assert!(matches!(empty, ExploreError::EmptyRange { .. }));
        let text = empty.to_string();
        assert!(
            text.contains("us.resolve") && text.contains("0.8..0.2"),
            "{text}"
        );
        assert!(matches!(
            Parameter::new("x", 0.5, 0.5),
            Err(ExploreError::EmptyRange { .. })
        ));
        assert!(matches!(
            Parameter::new("x", f64::NAN, 1.0),
            Err(ExploreError::NotFinite { .. })
        ));
        assert_eq!(Space::new(vec![]), Err(ExploreError::NoParameters));
        let twice = vec![
            Parameter::new("x", 0.0, 1.0).unwrap(),
            Parameter::new("x", 0.0, 2.0).unwrap(),
        ];
        assert!(matches!(
            Space::new(twice),
            Err(ExploreError::DuplicateParameter { .. })
        ));
    }

    #[test]
    fn points_scale_to_the_ranges() {
        let s = space(&[(0.0, 1.0), (10.0, 20.0)]);
        let d = Design::new(&s, vec![vec![0.5, 0.25]]);
        assert_eq!(d.point(0), vec![0.5, 12.5]);
    }
}
