//! Latin hypercube sampling.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::at_least;
use super::space::MAX_POINTS;
use super::{Design, ExploreError, Space};

/// `n` points such that, in every dimension, each of the `n` equal strata
/// of the range holds exactly one point, placed uniformly inside it.
/// The strata are paired across dimensions by independent shuffles.
pub fn latin_hypercube(space: &Space, n: usize, seed: u64) -> Result<Design, ExploreError> {
    at_least("the number of Latin hypercube points", 1, n)?;
    if n.saturating_mul(space.dimensions()) > MAX_POINTS {
        return Err(ExploreError::TooManyPoints { limit: MAX_POINTS });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut unit = vec![vec![0.0; space.dimensions()]; n];
    let mut strata: Vec<usize> = (0..n).collect();
    for d in 0..space.dimensions() {
        strata.shuffle(&mut rng);
        for (point, &stratum) in unit.iter_mut().zip(&strata) {
            let within: f64 = rng.random();
            point[d] = (stratum as f64 + within) / n as f64;
        }
    }
    Ok(Design::new(space, unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::space::tests::{assert_seeded, space};

    #[test]
    fn each_stratum_of_each_dimension_is_hit_exactly_once() {
        let s = space(&[(0.0, 1.0), (-5.0, 5.0), (100.0, 101.0)]);
        let n = 50;
        let d = latin_hypercube(&s, n, 7).unwrap();
        assert_eq!(d.len(), n);
        for (dim, p) in s.parameters().iter().enumerate() {
            let mut hits = vec![0; n];
            for point in d.points() {
                let fraction = (point[dim] - p.lo()) / (p.hi() - p.lo());
                assert!((0.0..1.0).contains(&fraction));
                hits[(fraction * n as f64) as usize] += 1;
            }
            assert!(hits.iter().all(|&h| h == 1), "dimension {dim}: {hits:?}");
        }
    }

    #[test]
    fn same_seed_same_bits_other_seed_other_points() {
        let s = space(&[(0.0, 1.0), (0.0, 3.0)]);
        assert_seeded(|seed| latin_hypercube(&s, 20, seed).unwrap());
    }

    #[test]
    fn zero_points_is_an_error() {
        let s = space(&[(0.0, 1.0)]);
        assert!(matches!(
            latin_hypercube(&s, 0, 1),
            Err(ExploreError::TooFew { given: 0, .. })
        ));
    }
}
