//! Variance-based sensitivity: the Saltelli sampling scheme over a Sobol
//! sequence, and first-order and total Sobol indices with bootstrap
//! intervals.
//!
//! The Sobol points come from `sobol_burley`, an Owen-scrambled Sobol
//! sequence with Joe-Kuo direction numbers. It is seedable (a seed gives an
//! independent randomised sequence, so a design follows from the study's
//! seed like every other draw), has no dependencies and is integer-exact,
//! so the same seed gives the same bits everywhere. Its limits, 2^16 points
//! and 256 dimensions, bound a study at 65,536 base points and 128
//! parameters; both are far beyond what a batch per point can afford. The
//! `sobol` crate was the alternative: unscrambled, so not seedable.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::{at_least, check_outputs};
use super::{Design, ExploreError, Space};

/// The Saltelli design: for each of `base` Sobol points, a block of
/// `k + 2` rows: `A`, then `AB_1 .. AB_k` (`A` with column `i` taken from
/// `B`), then `B`, where `A` and `B` are the two halves of one
/// `2k`-dimensional Sobol point. `base * (k + 2)` rows in all.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    design: Design,
    base: usize,
}

impl SaltelliDesign {
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// The number of Sobol base points (`N`).
    pub fn base(&self) -> usize {
        self.base
    }

    fn block(&self) -> usize {
        self.design.space().dimensions() + 2
    }
}

const MAX_SOBOL_POINTS: usize = 1 << 16;
const MAX_SOBOL_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// The Saltelli design of `base` Sobol points over `space`.
pub fn saltelli(space: &Space, base: usize, seed: u64) -> Result<SaltelliDesign, ExploreError> {
    let k = space.dimensions();
    at_least("the number of Sobol base points", 2, base)?;
    if base > MAX_SOBOL_POINTS {
        return Err(ExploreError::TooMany {
            what: "the number of Sobol base points",
            max: MAX_SOBOL_POINTS,
            given: base,
            why: "the length of the Sobol sequence used",
        });
    }
    if 2 * k > MAX_SOBOL_DIMENSIONS {
        return Err(ExploreError::TooMany {
            what: "the number of parameters of a Sobol study",
            max: MAX_SOBOL_DIMENSIONS / 2,
            given: k,
            why: "the Saltelli scheme needs two Sobol dimensions per parameter",
        });
    }
    let sequence: u32 = ChaCha8Rng::seed_from_u64(seed).random();
    let mut unit = Vec::with_capacity(base * (k + 2));
    for j in 0..base {
        let coordinate = |d: usize| f64::from(sobol_burley::sample(j as u32, d as u32, sequence));
        let a: Vec<f64> = (0..k).map(coordinate).collect();
        let b: Vec<f64> = (k..2 * k).map(coordinate).collect();
        unit.push(a.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            unit.push(ab);
        }
        unit.push(b);
    }
    Ok(SaltelliDesign {
        design: Design::new(space, unit),
        base,
    })
}

/// An estimate with its bootstrap percentile interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Sobol indices per parameter, in the space's order.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// Share of the output variance due to the parameter alone.
    pub first: Vec<Interval>,
    /// Share due to the parameter and all its interactions.
    pub total: Vec<Interval>,
}

/// First-order (Saltelli 2010) and total (Jansen 1999) indices from the
/// outputs of a Saltelli design, given in design order. The intervals
/// resample the base points with replacement `resamples` times (seeded)
/// and take the central `confidence` share of the estimates.
pub fn sobol_indices(
    design: &SaltelliDesign,
    outputs: &[f64],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Result<SobolIndices, ExploreError> {
    check_outputs(design.design.len(), outputs)?;
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(ExploreError::OutOfRange {
            what: "the confidence level",
            valid: "(0, 1), e.g. 0.95",
            given: confidence,
        });
    }
    at_least("the number of bootstrap resamples", 1, resamples)?;
    let k = design.design.space().dimensions();
    let blocks: Vec<&[f64]> = outputs.chunks(design.block()).collect();
    let all: Vec<usize> = (0..blocks.len()).collect();
    let estimate = estimates(&blocks, &all, k).ok_or(ExploreError::ConstantOutput)?;

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut first_draws = vec![Vec::with_capacity(resamples); k];
    let mut total_draws = vec![Vec::with_capacity(resamples); k];
    let mut rows = vec![0; blocks.len()];
    for _ in 0..resamples {
        for r in rows.iter_mut() {
            *r = rng.random_range(0..blocks.len());
        }
        // A resample whose outputs happen not to vary says nothing.
        if let Some((first, total)) = estimates(&blocks, &rows, k) {
            for i in 0..k {
                first_draws[i].push(first[i]);
                total_draws[i].push(total[i]);
            }
        }
    }
    let interval = |value: f64, draws: &mut Vec<f64>| {
        let (lo, hi) = central_interval(draws, confidence).unwrap_or((value, value));
        Interval {
            estimate: value,
            lo,
            hi,
        }
    };
    Ok(SobolIndices {
        first: (0..k)
            .map(|i| interval(estimate.0[i], &mut first_draws[i]))
            .collect(),
        total: (0..k)
            .map(|i| interval(estimate.1[i], &mut total_draws[i]))
            .collect(),
    })
}

/// First-order and total indices over the blocks listed in `rows`, or
/// `None` when the outputs of `A` and `B` do not vary.
fn estimates(blocks: &[&[f64]], rows: &[usize], k: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = rows.len() as f64;
    let a = |r: usize| blocks[r][0];
    let b = |r: usize| blocks[r][k + 1];
    let mean = rows.iter().map(|&r| a(r) + b(r)).sum::<f64>() / (2.0 * n);
    let variance = rows
        .iter()
        .map(|&r| (a(r) - mean).powi(2) + (b(r) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    if variance <= 0.0 {
        return None;
    }
    let mut first = vec![0.0; k];
    let mut total = vec![0.0; k];
    for i in 0..k {
        let ab = |r: usize| blocks[r][1 + i];
        first[i] = rows.iter().map(|&r| b(r) * (ab(r) - a(r))).sum::<f64>() / n / variance;
        total[i] = rows.iter().map(|&r| (a(r) - ab(r)).powi(2)).sum::<f64>() / (2.0 * n) / variance;
    }
    Some((first, total))
}

/// The central `confidence` share of `draws` (sorted in place), by linear
/// interpolation between order statistics; `None` if there are no draws.
pub(crate) fn central_interval(draws: &mut [f64], confidence: f64) -> Option<(f64, f64)> {
    if draws.is_empty() {
        return None;
    }
    draws.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let position = q * (draws.len() - 1) as f64;
        let below = position.floor() as usize;
        let above = position.ceil() as usize;
        draws[below] + (position - below as f64) * (draws[above] - draws[below])
    };
    let tail = (1.0 - confidence) / 2.0;
    Some((quantile(tail), quantile(1.0 - tail)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::space::tests::{assert_seeded, space};
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let s = space(&[(-PI, PI), (-PI, PI), (-PI, PI)]);
        let d = saltelli(&s, 4096, 1).unwrap();
        assert_eq!(d.design().len(), 4096 * 5);
        let outputs: Vec<f64> = d.design().points().map(|x| ishigami(&x)).collect();
        let indices = sobol_indices(&d, &outputs, 200, 0.95, 2).unwrap();
        let first = [0.3139, 0.4424, 0.0];
        let total = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            let (s1, st) = (indices.first[i], indices.total[i]);
            assert!((s1.estimate - first[i]).abs() < 0.04, "S1[{i}] = {s1:?}");
            assert!((st.estimate - total[i]).abs() < 0.04, "ST[{i}] = {st:?}");
            for iv in [s1, st] {
                assert!(iv.lo <= iv.estimate && iv.estimate <= iv.hi, "{iv:?}");
                assert!(iv.hi - iv.lo < 0.2, "interval too wide: {iv:?}");
            }
        }
    }

    #[test]
    fn an_ignored_parameter_gets_near_zero_indices() {
        let s = space(&[(0.0, 1.0), (0.0, 1.0)]);
        let d = saltelli(&s, 1024, 3).unwrap();
        let outputs: Vec<f64> = d.design().points().map(|x| 3.0 * x[0]).collect();
        let indices = sobol_indices(&d, &outputs, 100, 0.9, 4).unwrap();
        assert!((indices.first[0].estimate - 1.0).abs() < 0.02);
        assert!(indices.first[1].estimate.abs() < 1e-9);
        assert!(indices.total[1].estimate.abs() < 1e-9);
    }

    #[test]
    fn design_is_bit_identical_for_a_seed_and_has_the_saltelli_blocks() {
        let s = space(&[(0.0, 1.0), (5.0, 6.0)]);
        assert_seeded(|seed| saltelli(&s, 8, seed).unwrap().design().clone());
        let d = saltelli(&s, 8, 5).unwrap();
        let (a, ab1, ab2, b) = (
            d.design().unit_point(0),
            d.design().unit_point(1),
            d.design().unit_point(2),
            d.design().unit_point(3),
        );
        assert_eq!((ab1[0], ab1[1]), (b[0], a[1]));
        assert_eq!((ab2[0], ab2[1]), (a[0], b[1]));
    }

    #[test]
    fn bad_requests_are_errors() {
        let s = space(&[(0.0, 1.0)]);
        assert!(matches!(
            saltelli(&s, 1, 0),
            Err(ExploreError::TooFew { .. })
        ));
        assert!(matches!(
            saltelli(&s, (1 << 16) + 1, 0),
            Err(ExploreError::TooMany { .. })
        ));
        let wide = space(&vec![(0.0, 1.0); 129]);
        assert!(matches!(
            saltelli(&wide, 4, 0),
            Err(ExploreError::TooMany { .. })
        ));
        let d = saltelli(&s, 4, 0).unwrap();
        assert_eq!(
            sobol_indices(&d, &[1.0; 5], 10, 0.95, 0),
            Err(ExploreError::OutputCount {
                expected: 12,
                given: 5
            })
        );
        assert_eq!(
            sobol_indices(&d, &[1.0; 12], 10, 0.95, 0),
            Err(ExploreError::ConstantOutput)
        );
        let mut nan = vec![1.0; 12];
        nan[3] = f64::NAN;
        assert!(matches!(
            sobol_indices(&d, &nan, 10, 0.95, 0),
            Err(ExploreError::NonFiniteOutput { index: 3, .. })
        ));
        let varied: Vec<f64> = (0..12).map(f64::from).collect();
        assert!(matches!(
            sobol_indices(&d, &varied, 10, 1.5, 0),
            Err(ExploreError::OutOfRange { .. })
        ));
    }
}
