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

    /// Asserts that each of the `n` strata of every dimension holds one
    /// point, judged on the unit coordinates (scaling adds rounding).
    fn assert_one_point_per_stratum(d: &Design, n: usize) {
        assert_eq!(d.len(), n);
        for dim in 0..d.space().dimensions() {
            let mut hits = vec![0; n];
            for i in 0..n {
                let u = d.unit_point(i)[dim];
                assert!((0.0..1.0).contains(&u));
                hits[(u * n as f64) as usize] += 1;
            }
            assert!(hits.iter().all(|&h| h == 1), "dimension {dim}: {hits:?}");
        }
    }

    #[test]
    fn each_stratum_of_each_dimension_is_hit_exactly_once() {
        let s = space(&[(0.0, 1.0), (-5.0, 5.0), (100.0, 101.0)]);
        let d = latin_hypercube(&s, 50, 7).unwrap();
        assert_one_point_per_stratum(&d, 50);
        // Scaled, the points keep to their ranges.
        for point in d.points() {
            for (x, p) in point.iter().zip(s.parameters()) {
                assert!(p.lo() <= *x && *x <= p.hi());
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn every_size_and_seed_hits_each_stratum_once(n in 1usize..300, k in 1usize..5, seed: u64) {
            let s = space(&vec![(0.0, 1.0); k]);
            assert_one_point_per_stratum(&latin_hypercube(&s, n, seed).unwrap(), n);
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
