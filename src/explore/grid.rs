//! Full factorial grid: every combination of evenly spaced values.

use super::space::MAX_POINTS;
use super::{Design, ExploreError, Space};

/// Every combination of `steps[d]` evenly spaced values of parameter `d`,
/// both ends included. The last parameter varies fastest, so a 2-D grid
/// reads row by row.
pub fn grid(space: &Space, steps: &[usize]) -> Result<Design, ExploreError> {
    if steps.len() != space.dimensions() {
        return Err(ExploreError::StepsPerDimension {
            dimensions: space.dimensions(),
            given: steps.len(),
        });
    }
    for (p, &s) in space.parameters().iter().zip(steps) {
        if s < 2 {
            return Err(ExploreError::TooFewSteps {
                name: p.name().to_string(),
                steps: s,
            });
        }
    }
    let total = steps
        .iter()
        .try_fold(1usize, |acc, &s| acc.checked_mul(s))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or(ExploreError::TooManyPoints { limit: MAX_POINTS })?;
    let unit = (0..total)
        .map(|mut index| {
            let mut point = vec![0.0; steps.len()];
            for (d, &s) in steps.iter().enumerate().rev() {
                point[d] = (index % s) as f64 / (s - 1) as f64;
                index /= s;
            }
            point
        })
        .collect();
    Ok(Design::new(space, unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::space::tests::space;

    #[test]
    fn grid_covers_every_combination_with_both_ends() {
        let s = space(&[(0.0, 1.0), (10.0, 20.0)]);
        let d = grid(&s, &[3, 2]).unwrap();
        let points: Vec<Vec<f64>> = d.points().collect();
        assert_eq!(
            points,
            vec![
                vec![0.0, 10.0],
                vec![0.0, 20.0],
                vec![0.5, 10.0],
                vec![0.5, 20.0],
                vec![1.0, 10.0],
                vec![1.0, 20.0],
            ]
        );
    }

    #[test]
    fn bad_steps_are_errors() {
        let s = space(&[(0.0, 1.0), (0.0, 1.0)]);
        assert!(matches!(
            grid(&s, &[3, 0]),
            Err(ExploreError::TooFewSteps { steps: 0, .. })
        ));
        assert!(matches!(
            grid(&s, &[3, 1]),
            Err(ExploreError::TooFewSteps { steps: 1, .. })
        ));
        assert!(matches!(
            grid(&s, &[3]),
            Err(ExploreError::StepsPerDimension { .. })
        ));
        assert!(matches!(
            grid(&s, &[usize::MAX, 2]),
            Err(ExploreError::TooManyPoints { .. })
        ));
    }
}
