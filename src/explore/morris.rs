//! Morris screening: one-at-a-time trajectories and elementary effects.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::{at_least, check_outputs};
use super::space::MAX_POINTS;
use super::{Design, ExploreError, Space};

/// `trajectories` Morris trajectories of `k + 1` points each, on a grid of
/// `levels` values per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    design: Design,
    trajectories: usize,
}

impl MorrisDesign {
    pub fn design(&self) -> &Design {
        &self.design
    }

    pub fn trajectories(&self) -> usize {
        self.trajectories
    }
}

/// Morris trajectories. Each starts at a random grid point and moves every
/// parameter once, in random order, by `delta = p / (2 (p - 1))` of its
/// range, up or down at random; the start is drawn among the levels from
/// which that move stays inside the range, so every level is reachable.
pub fn morris(
    space: &Space,
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisDesign, ExploreError> {
    at_least("the number of Morris trajectories", 2, trajectories)?;
    if levels < 2 || levels % 2 != 0 {
        return Err(ExploreError::MorrisLevels { levels });
    }
    let k = space.dimensions();
    if trajectories.saturating_mul(k + 1) > MAX_POINTS {
        return Err(ExploreError::TooManyPoints { limit: MAX_POINTS });
    }
    // With even p, delta is exactly p/2 grid steps.
    let jump = levels / 2;
    let step = 1.0 / (levels - 1) as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut unit = Vec::with_capacity(trajectories * (k + 1));
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..trajectories {
        let mut level = vec![0usize; k];
        let mut up = vec![false; k];
        for d in 0..k {
            up[d] = rng.random();
            let start = rng.random_range(0..jump);
            level[d] = if up[d] { start } else { start + jump };
        }
        order.shuffle(&mut rng);
        let at = |level: &[usize]| level.iter().map(|&l| l as f64 * step).collect::<Vec<f64>>();
        unit.push(at(&level));
        for &d in &order {
            level[d] = if up[d] {
                level[d] + jump
            } else {
                level[d] - jump
            };
            unit.push(at(&level));
        }
    }
    Ok(MorrisDesign {
        design: Design::new(space, unit),
        trajectories,
    })
}

/// Morris statistics per parameter, in the space's order. Effects are
/// measured per unit of the parameter's range (a move across the whole
/// range), so parameters with different units compare directly.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementaryEffects {
    /// Mean effect: its sign says the direction, when effects agree.
    pub mu: Vec<f64>,
    /// Mean absolute effect: the parameter's importance.
    pub mu_star: Vec<f64>,
    /// Standard deviation of the effects: non-linearity or interactions.
    pub sigma: Vec<f64>,
}

/// The elementary effects of a Morris design from its outputs, given in
/// design order.
pub fn elementary_effects(
    design: &MorrisDesign,
    outputs: &[f64],
) -> Result<ElementaryEffects, ExploreError> {
    let d = &design.design;
    check_outputs(d.len(), outputs)?;
    let k = d.space().dimensions();
    let mut effects = vec![Vec::with_capacity(design.trajectories); k];
    for t in 0..design.trajectories {
        for s in t * (k + 1)..(t + 1) * (k + 1) - 1 {
            let (from, to) = (d.unit_point(s), d.unit_point(s + 1));
            // Exactly one coordinate moves between consecutive points.
            let (moved, delta) = (0..k)
                .map(|i| (i, to[i] - from[i]))
                .find(|&(_, delta)| delta != 0.0)
                .expect("a Morris step moves one parameter");
            effects[moved].push((outputs[s + 1] - outputs[s]) / delta);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let mu: Vec<f64> = effects.iter().map(|e| mean(e)).collect();
    let mu_star = effects
        .iter()
        .map(|e| e.iter().map(|x| x.abs()).sum::<f64>() / e.len() as f64)
        .collect();
    let sigma = effects
        .iter()
        .zip(&mu)
        .map(|(e, m)| {
            (e.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (e.len() - 1) as f64).sqrt()
        })
        .collect();
    Ok(ElementaryEffects { mu, mu_star, sigma })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::space::tests::{assert_seeded, space};

    #[test]
    fn ranks_the_parameters_of_a_linear_function_and_zeroes_an_ignored_one() {
        // y = 10 x0 - 4 x1 + 0 x2 + 1 x3, over ranges of different widths.
        let s = space(&[(0.0, 1.0), (0.0, 2.0), (-1.0, 1.0), (0.0, 0.5)]);
        let d = morris(&s, 20, 4, 9).unwrap();
        assert_eq!(d.design().len(), 20 * 5);
        let outputs: Vec<f64> = d
            .design()
            .points()
            .map(|x| 10.0 * x[0] - 4.0 * x[1] + x[3])
            .collect();
        let ee = elementary_effects(&d, &outputs).unwrap();
        // Effects per whole range: coefficient times range width.
        let expected = [10.0, -8.0, 0.0, 0.5];
        for (i, want) in expected.into_iter().enumerate() {
            assert!((ee.mu[i] - want).abs() < 1e-9, "{ee:?}");
            assert!((ee.mu_star[i] - want.abs()).abs() < 1e-9, "{ee:?}");
            assert!(ee.sigma[i] < 1e-9, "{ee:?}");
        }
        let mut ranking: Vec<usize> = (0..4).collect();
        ranking.sort_by(|&a, &b| ee.mu_star[b].total_cmp(&ee.mu_star[a]));
        assert_eq!(ranking, vec![0, 1, 3, 2]);
    }

    #[test]
    fn interactions_show_as_sigma() {
        let s = space(&[(0.0, 1.0), (0.0, 1.0)]);
        let d = morris(&s, 30, 4, 1).unwrap();
        let outputs: Vec<f64> = d.design().points().map(|x| x[0] * x[1]).collect();
        let ee = elementary_effects(&d, &outputs).unwrap();
        assert!(ee.sigma[0] > 0.1 && ee.sigma[1] > 0.1, "{ee:?}");
    }

    #[test]
    fn trajectories_stay_on_the_grid_inside_the_range() {
        let s = space(&[(0.0, 1.0); 3]);
        let d = morris(&s, 50, 6, 2).unwrap();
        for i in 0..d.design().len() {
            for &u in d.design().unit_point(i) {
                let level = u * 5.0;
                assert!((0.0..=1.0).contains(&u));
                assert!((level - level.round()).abs() < 1e-12);
            }
        }
        assert_seeded(|seed| morris(&s, 5, 4, seed).unwrap().design().clone());
    }

    #[test]
    fn bad_requests_are_errors() {
        let s = space(&[(0.0, 1.0)]);
        assert!(matches!(
            morris(&s, 1, 4, 0),
            Err(ExploreError::TooFew { .. })
        ));
        assert_eq!(
            morris(&s, 4, 3, 0),
            Err(ExploreError::MorrisLevels { levels: 3 })
        );
        assert_eq!(
            morris(&s, 4, 0, 0),
            Err(ExploreError::MorrisLevels { levels: 0 })
        );
        let d = morris(&s, 4, 4, 0).unwrap();
        assert!(matches!(
            elementary_effects(&d, &[0.0; 3]),
            Err(ExploreError::OutputCount { .. })
        ));
    }
}
