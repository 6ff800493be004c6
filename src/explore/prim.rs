//! Scenario discovery with PRIM, the Patient Rule Induction Method
//! (Friedman and Fisher 1999; Bryant and Lempert 2010): boxes of input
//! conditions in which an outcome ("the package fails") is concentrated.
//!
//! Peeling shrinks a box one small slice at a time, always removing the
//! slice that leaves the highest density of failures, and records every box
//! on the way: the peeling trajectory trades coverage (the share of all
//! failures inside the box) against density (the share of the box that
//! fails). A box is selected from it, then pasting grows it back wherever
//! that raises density. Box edges sit midway between the last point
//! removed and the first point kept, so a rule's strict inequalities say
//! exactly which sampled points the box holds.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::ExploreError;

/// Sampled inputs, one row per run, and whether each run failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    names: Vec<String>,
    rows: Vec<Vec<f64>>,
    fails: Vec<bool>,
}

impl Samples {
    /// Rows of finite values, one per name, and one outcome per row;
    /// some but not all rows must fail.
    pub fn new(
        names: Vec<String>,
        rows: Vec<Vec<f64>>,
        fails: Vec<bool>,
    ) -> Result<Self, ExploreError> {
        if names.is_empty() {
            return Err(ExploreError::NoParameters);
        }
        if rows.is_empty() {
            return Err(ExploreError::NothingToDiscover(
                "there are no sampled runs to discover from",
            ));
        }
        if fails.len() != rows.len() {
            return Err(ExploreError::OutputCount {
                expected: rows.len(),
                given: fails.len(),
            });
        }
        for (row, values) in rows.iter().enumerate() {
            if values.len() != names.len() {
                return Err(ExploreError::RaggedRow {
                    row,
                    expected: names.len(),
                    given: values.len(),
                });
            }
            if let Some(d) = values.iter().position(|v| !v.is_finite()) {
                return Err(ExploreError::NonFiniteInput {
                    name: names[d].clone(),
                    row,
                    value: values[d],
                });
            }
        }
        if !fails.contains(&true) {
            return Err(ExploreError::NothingToDiscover(
                "no sampled run fails, so there are no conditions of failure to find",
            ));
        }
        if !fails.contains(&false) {
            return Err(ExploreError::NothingToDiscover(
                "every sampled run fails, so no box of conditions is denser than the whole space",
            ));
        }
        Ok(Samples { names, rows, fails })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn dimensions(&self) -> usize {
        self.names.len()
    }

    /// A resample with replacement of the rows, or `None` when it happens
    /// to hold only failures or only successes.
    fn resample(&self, rng: &mut ChaCha8Rng) -> Option<Samples> {
        let picks: Vec<usize> = (0..self.rows.len())
            .map(|_| rng.random_range(0..self.rows.len()))
            .collect();
        Samples::new(
            self.names.clone(),
            picks.iter().map(|&i| self.rows[i].clone()).collect(),
            picks.iter().map(|&i| self.fails[i]).collect(),
        )
        .ok()
    }
}

/// How PRIM peels, pastes and stops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Share of the box's points removed by one peel, in (0, 0.5).
    pub peel_alpha: f64,
    /// Share of the box's points added by one paste, in [0, 0.5); 0 turns
    /// pasting off.
    pub paste_alpha: f64,
    /// Peeling stops before a box would hold less than this share of all
    /// points, in (0, 1).
    pub min_mass: f64,
}

impl Default for Settings {
    /// The usual values (those of the EMA Workbench and of Friedman and
    /// Fisher's examples).
    fn default() -> Self {
        Settings {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            min_mass: 0.05,
        }
    }
}

impl Settings {
    fn check(&self) -> Result<(), ExploreError> {
        let checks = [
            (
                "the peeling alpha",
                "(0, 0.5), e.g. 0.05",
                self.peel_alpha,
                self.peel_alpha > 0.0 && self.peel_alpha < 0.5,
            ),
            (
                "the pasting alpha",
                "[0, 0.5), e.g. 0.05",
                self.paste_alpha,
                (0.0..0.5).contains(&self.paste_alpha),
            ),
            (
                "the minimum box mass",
                "(0, 1), e.g. 0.05",
                self.min_mass,
                self.min_mass > 0.0 && self.min_mass < 1.0,
            ),
        ];
        match checks.iter().find(|c| !c.3) {
            Some(&(what, valid, given, _)) => Err(ExploreError::OutOfRange { what, valid, given }),
            None => Ok(()),
        }
    }
}

/// A box of conditions and how well it captures the failures.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Per input, the open interval `(lo, hi)` the box allows; infinite
    /// where the input is not restricted.
    pub limits: Vec<(f64, f64)>,
    /// Share of all failures that fall inside the box.
    pub coverage: f64,
    /// Share of the box's points that fail.
    pub density: f64,
    /// Share of all points inside the box.
    pub mass: f64,
}

impl PrimBox {
    fn unrestricted(dimensions: usize) -> Self {
        PrimBox {
            limits: vec![(f64::NEG_INFINITY, f64::INFINITY); dimensions],
            coverage: 1.0,
            density: 0.0,
            mass: 1.0,
        }
    }

    /// Whether a row of inputs lies inside the box.
    pub fn contains(&self, row: &[f64]) -> bool {
        row.iter()
            .zip(&self.limits)
            .all(|(&x, &(lo, hi))| lo < x && x < hi)
    }

    /// Whether input `d` is restricted by the box.
    pub fn restricts(&self, d: usize) -> bool {
        self.limits[d] != (f64::NEG_INFINITY, f64::INFINITY)
    }

    /// The box with coverage, density and mass measured on `samples`.
    fn measured(mut self, samples: &Samples) -> Self {
        let total_fails = samples.fails.iter().filter(|&&f| f).count();
        let (mut inside, mut fails) = (0, 0);
        for (row, &failed) in samples.rows.iter().zip(&samples.fails) {
            if self.contains(row) {
                inside += 1;
                fails += usize::from(failed);
            }
        }
        self.coverage = fails as f64 / total_fails as f64;
        self.density = if inside == 0 {
            0.0
        } else {
            fails as f64 / inside as f64
        };
        self.mass = inside as f64 / samples.rows.len() as f64;
        self
    }

    /// The box as a plain rule, e.g. "US resolve < 0.35 and Russian intent
    /// > 0.6"; "any conditions" when nothing is restricted.
    pub fn rule(&self, names: &[String]) -> String {
        let clauses: Vec<String> = names
            .iter()
            .zip(&self.limits)
            .filter_map(|(name, &(lo, hi))| match (lo.is_finite(), hi.is_finite()) {
                (true, true) => Some(format!("{} < {name} < {}", tidy(lo), tidy(hi))),
                (true, false) => Some(format!("{name} > {}", tidy(lo))),
                (false, true) => Some(format!("{name} < {}", tidy(hi))),
                (false, false) => None,
            })
            .collect();
        if clauses.is_empty() {
            "any conditions".to_string()
        } else {
            clauses.join(" and ")
        }
    }

    /// The box as a sentence a report can quote: "fails in 78% of runs
    /// when US resolve < 0.35 and Russian intent > 0.6; this box covers 64%
    /// of all failures".
    pub fn sentence(&self, names: &[String]) -> String {
        let percent = |share: f64| format!("{:.0}%", 100.0 * share);
        format!(
            "fails in {} of runs when {}; this box covers {} of all failures",
            percent(self.density),
            self.rule(names),
            percent(self.coverage)
        )
    }
}

/// Three significant digits, without trailing zeros.
fn tidy(value: f64) -> String {
    let magnitude = if value == 0.0 {
        0
    } else {
        value.abs().log10().floor() as i32
    };
    let decimals = (2 - magnitude).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The peeling trajectory: the whole space first, then each peeled box.
pub fn peel(samples: &Samples, settings: &Settings) -> Result<Vec<PrimBox>, ExploreError> {
    settings.check()?;
    let n = samples.rows.len();
    let k = samples.dimensions();
    // Each input's order is sorted once; a peel walks it over the points
    // still inside, so a step costs O(n k), not a sort per input.
    let orders: Vec<Vec<usize>> = (0..k)
        .map(|d| {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| samples.rows[a][d].total_cmp(&samples.rows[b][d]));
            order
        })
        .collect();
    let mut inside = vec![true; n];
    let mut count = n;
    let mut fails = samples.fails.iter().filter(|&&f| f).count();
    let mut current = PrimBox::unrestricted(k).measured(samples);
    let mut trajectory = vec![current.clone()];
    let min_count = settings.min_mass * n as f64;
    while current.density < 1.0 {
        let best = (0..k)
            .flat_map(|d| [(d, Side::Low), (d, Side::High)])
            .filter_map(|(d, side)| {
                let walk = ordered(&orders[d], side).filter(|&i| inside[i]);
                peel_candidate(samples, walk, count, d, side, settings.peel_alpha)
            })
            .filter(|p| (count - p.removed) as f64 >= min_count)
            .map(|p| {
                let density = (fails - p.removed_fails) as f64 / (count - p.removed) as f64;
                (p, density)
            })
            // Highest density; on a tie the larger box; then the first found.
            .reduce(|best, c| {
                let better = c.1 > best.1 || (c.1 == best.1 && c.0.removed < best.0.removed);
                if better { c } else { best }
            });
        let Some((peeled, _)) = best else {
            break;
        };
        let removed: Vec<usize> = ordered(&orders[peeled.input], peeled.side)
            .filter(|&i| inside[i])
            .take(peeled.removed)
            .collect();
        for i in removed {
            inside[i] = false;
        }
        count -= peeled.removed;
        fails -= peeled.removed_fails;
        let mut next = current.clone();
        match peeled.side {
            Side::Low => next.limits[peeled.input].0 = peeled.edge,
            Side::High => next.limits[peeled.input].1 = peeled.edge,
        }
        current = next.measured(samples);
        trajectory.push(current.clone());
    }
    Ok(trajectory)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Low,
    High,
}

/// `order` from the `side` the peel starts at.
fn ordered(order: &[usize], side: Side) -> impl Iterator<Item = usize> + '_ {
    let n = order.len();
    (0..n).map(move |j| match side {
        Side::Low => order[j],
        Side::High => order[n - 1 - j],
    })
}

/// One candidate peel.
struct Peel {
    input: usize,
    side: Side,
    edge: f64,
    removed: usize,
    removed_fails: usize,
}

/// Peeling about `alpha` of the `count` points in the box, met in `walk`
/// order, off one side of input `d`; `None` if the slice would take every
/// point (all the rest tie with it).
fn peel_candidate(
    samples: &Samples,
    walk: impl Iterator<Item = usize>,
    count: usize,
    d: usize,
    side: Side,
    alpha: f64,
) -> Option<Peel> {
    if count < 2 {
        return None;
    }
    let cut = ((alpha * count as f64).floor() as usize).clamp(1, count - 1);
    let (mut removed, mut removed_fails, mut last) = (0, 0, f64::NAN);
    for i in walk {
        let value = samples.rows[i][d];
        // Ties move the cut on to the next distinct value.
        if removed >= cut && value != last {
            return Some(Peel {
                input: d,
                side,
                edge: (last + value) / 2.0,
                removed,
                removed_fails,
            });
        }
        removed += 1;
        removed_fails += usize::from(samples.fails[i]);
        last = value;
    }
    None
}

/// Grows `chosen` by pasting slices back while that raises its density
/// (or keeps it and raises coverage).
pub fn paste(
    samples: &Samples,
    chosen: &PrimBox,
    settings: &Settings,
) -> Result<PrimBox, ExploreError> {
    settings.check()?;
    let mut current = chosen.clone();
    if settings.paste_alpha == 0.0 {
        return Ok(current);
    }
    loop {
        let inside = (current.mass * samples.rows.len() as f64).round();
        let amount = ((settings.paste_alpha * inside).ceil() as usize).max(1);
        let best = (0..samples.dimensions())
            .flat_map(|d| [(d, Side::Low), (d, Side::High)])
            .filter_map(|(d, side)| paste_candidate(samples, &current, d, side, amount))
            .reduce(|best, c| if improves(&c, &best) { c } else { best });
        match best {
            Some(grown) if improves(&grown, &current) => current = grown,
            _ => return Ok(current),
        }
    }
}

/// Higher density, or the same density over more failures.
fn improves(candidate: &PrimBox, incumbent: &PrimBox) -> bool {
    candidate.density > incumbent.density
        || (candidate.density == incumbent.density && candidate.coverage > incumbent.coverage)
}

/// The box grown past its `side` edge on input `d` by the `amount` nearest
/// points that lie inside the box on every other input.
fn paste_candidate(
    samples: &Samples,
    current: &PrimBox,
    d: usize,
    side: Side,
    amount: usize,
) -> Option<PrimBox> {
    let (lo, hi) = current.limits[d];
    let mut beyond: Vec<f64> = samples
        .rows
        .iter()
        .filter(|row| {
            let other_inputs_inside = row
                .iter()
                .zip(&current.limits)
                .enumerate()
                .all(|(j, (&x, &(l, h)))| j == d || (l < x && x < h));
            other_inputs_inside
                && match side {
                    Side::Low => row[d] <= lo,
                    Side::High => row[d] >= hi,
                }
        })
        .map(|row| row[d])
        .collect();
    if beyond.is_empty() {
        return None;
    }
    beyond.sort_by(f64::total_cmp);
    if side == Side::Low {
        beyond.reverse();
    }
    // `beyond` now runs outwards from the edge; ties join the slice.
    let mut last = amount.min(beyond.len()) - 1;
    while last + 1 < beyond.len() && beyond[last + 1] == beyond[last] {
        last += 1;
    }
    let edge = match beyond.get(last + 1) {
        Some(&next) => (beyond[last] + next) / 2.0,
        None => match side {
            Side::Low => f64::NEG_INFINITY,
            Side::High => f64::INFINITY,
        },
    };
    let mut grown = current.clone();
    match side {
        Side::Low => grown.limits[d].0 = edge,
        Side::High => grown.limits[d].1 = edge,
    }
    Some(grown.measured(samples))
}

/// Which box of the peeling trajectory to keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selection {
    /// The box of highest coverage whose density reaches the threshold.
    Density(f64),
    /// The box at this position of the trajectory (0 = the whole space).
    Index(usize),
}

fn select(trajectory: &[PrimBox], selection: Selection) -> Result<usize, ExploreError> {
    match selection {
        Selection::Index(index) if index < trajectory.len() => Ok(index),
        Selection::Index(index) => Err(ExploreError::NoSuchBox {
            index,
            last: trajectory.len() - 1,
        }),
        Selection::Density(threshold) => {
            if !(threshold > 0.0 && threshold <= 1.0) {
                return Err(ExploreError::OutOfRange {
                    what: "the density threshold",
                    valid: "(0, 1], e.g. 0.8",
                    given: threshold,
                });
            }
            let best = trajectory.iter().map(|b| b.density).fold(0.0, f64::max);
            trajectory
                .iter()
                .position(|b| b.density >= threshold)
                .ok_or(ExploreError::DensityNotReached { threshold, best })
        }
    }
}

/// The result of scenario discovery for one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// Every box of the peeling, for the coverage/density trade-off.
    pub trajectory: Vec<PrimBox>,
    /// Position in `trajectory` of the selected box.
    pub selected: usize,
    /// The selected box after pasting: the reported conditions.
    pub found: PrimBox,
}

/// Peels, selects and pastes one box of failure conditions.
pub fn discover(
    samples: &Samples,
    settings: &Settings,
    selection: Selection,
) -> Result<Discovery, ExploreError> {
    let trajectory = peel(samples, settings)?;
    let selected = select(&trajectory, selection)?;
    let found = paste(samples, &trajectory[selected], settings)?;
    Ok(Discovery {
        trajectory,
        selected,
        found,
    })
}

/// How much a found box depends on the particular sample: discovery rerun
/// on resamples of the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Stability {
    pub resamples: usize,
    /// Resamples in which a box meeting the selection was found.
    pub found: usize,
    /// Per input, the share of found boxes that restrict it.
    pub restricted_share: Vec<f64>,
    /// Share of found boxes restricting exactly the inputs `box` restricts.
    pub same_inputs: f64,
    /// Mean coverage and density of the found boxes, measured on all rows.
    pub mean_coverage: f64,
    pub mean_density: f64,
}

/// Reruns [`discover`] on `resamples` bootstrap resamples of the rows
/// (seeded) and compares the boxes with `reference`.
pub fn stability(
    samples: &Samples,
    settings: &Settings,
    selection: Selection,
    reference: &PrimBox,
    resamples: usize,
    seed: u64,
) -> Result<Stability, ExploreError> {
    super::error::at_least("the number of resamples", 1, resamples)?;
    let k = samples.dimensions();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut boxes = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        let Some(resampled) = samples.resample(&mut rng) else {
            continue;
        };
        match discover(&resampled, settings, selection) {
            Ok(found) => boxes.push(found.found.measured(samples)),
            Err(ExploreError::DensityNotReached { .. } | ExploreError::NoSuchBox { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    let share = |count: usize| {
        if boxes.is_empty() {
            0.0
        } else {
            count as f64 / boxes.len() as f64
        }
    };
    let mean = |f: fn(&PrimBox) -> f64| {
        if boxes.is_empty() {
            0.0
        } else {
            boxes.iter().map(f).sum::<f64>() / boxes.len() as f64
        }
    };
    Ok(Stability {
        resamples,
        found: boxes.len(),
        restricted_share: (0..k)
            .map(|d| share(boxes.iter().filter(|b| b.restricts(d)).count()))
            .collect(),
        same_inputs: share(
            boxes
                .iter()
                .filter(|b| (0..k).all(|d| b.restricts(d) == reference.restricts(d)))
                .count(),
        ),
        mean_coverage: mean(|b| b.coverage),
        mean_density: mean(|b| b.density),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uniform points in the unit cube; a run fails inside the planted box
    /// `x0 > 0.6 and x1 < 0.3` (and, with `noise`, at random outside it).
    fn planted(n: usize, noise: f64, seed: u64) -> Samples {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rows: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..3).map(|_| rng.random::<f64>()).collect())
            .collect();
        let fails = rows
            .iter()
            .map(|r| (r[0] > 0.6 && r[1] < 0.3) || rng.random::<f64>() < noise)
            .collect();
        let names = ["US resolve", "Russian intent", "EU unity"]
            .map(String::from)
            .to_vec();
        Samples::new(names, rows, fails).unwrap()
    }

    #[test]
    fn recovers_a_planted_box() {
        let samples = planted(2000, 0.0, 1);
        let settings = Settings::default();
        let found = discover(&samples, &settings, Selection::Density(0.9)).unwrap();
        let b = &found.found;
        assert!(b.coverage > 0.9 && b.density > 0.9, "{b:?}");
        assert!(b.restricts(0) && b.restricts(1) && !b.restricts(2), "{b:?}");
        assert!((b.limits[0].0 - 0.6).abs() < 0.05 && (b.limits[1].1 - 0.3).abs() < 0.05);
        let rule = b.rule(samples.names());
        assert!(
            rule.starts_with("US resolve > 0.") && rule.contains(" and Russian intent < 0."),
            "{rule}"
        );

        // The trajectory starts at the whole space and trades coverage for density.
        let t = &found.trajectory;
        assert_eq!((t[0].coverage, t[0].mass), (1.0, 1.0));
        assert!(
            t.windows(2)
                .all(|w| w[1].coverage <= w[0].coverage && w[1].mass < w[0].mass)
        );
        assert!(t.last().unwrap().density > t[0].density);

        let stable = stability(&samples, &settings, Selection::Density(0.9), b, 20, 3).unwrap();
        assert_eq!(stable.found, 20);
        assert!(
            stable.restricted_share[0] > 0.9 && stable.restricted_share[1] > 0.9,
            "{stable:?}"
        );
        assert!(
            stable.mean_coverage > 0.85 && stable.mean_density > 0.85,
            "{stable:?}"
        );
    }

    #[test]
    fn pasting_recovers_an_overpeeled_edge() {
        let samples = planted(2000, 0.0, 2);
        let settings = Settings {
            paste_alpha: 0.01,
            ..Settings::default()
        };
        let inf = f64::INFINITY;
        let overpeeled = PrimBox {
            limits: vec![(0.7, inf), (-inf, 0.3), (-inf, inf)],
            ..PrimBox::unrestricted(3)
        }
        .measured(&samples);
        let pasted = paste(&samples, &overpeeled, &settings).unwrap();
        assert!(overpeeled.coverage < 0.8, "{overpeeled:?}");
        assert!(
            pasted.coverage > 0.95 && pasted.density == 1.0,
            "{pasted:?}"
        );
        assert!((pasted.limits[0].0 - 0.6).abs() < 0.01, "{pasted:?}");
    }

    #[test]
    fn noisy_failures_still_point_at_the_box_and_selection_by_index_works() {
        let samples = planted(3000, 0.1, 4);
        let found = discover(&samples, &Settings::default(), Selection::Density(0.8)).unwrap();
        assert!(
            found.found.restricts(0) && found.found.restricts(1),
            "{found:?}"
        );
        assert!(found.found.density > 0.8);
        let first = discover(&samples, &Settings::default(), Selection::Index(0)).unwrap();
        assert_eq!(first.selected, 0);
    }

    #[test]
    fn tiny_or_tied_samples_peel_without_panicking() {
        let names = vec!["x".to_string(), "y".to_string()];
        let tiny = Samples::new(
            names.clone(),
            vec![vec![0.0, 1.0], vec![1.0, 0.0], vec![2.0, 2.0]],
            vec![false, true, false],
        )
        .unwrap();
        let t = peel(&tiny, &Settings::default()).unwrap();
        assert_eq!(t.last().unwrap().density, 1.0, "{t:?}");
        // Every value tied: nothing can be peeled, the whole space remains.
        let tied = Samples::new(
            names,
            vec![vec![1.0, 1.0]; 4],
            vec![true, false, false, true],
        )
        .unwrap();
        let t = peel(&tied, &Settings::default()).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rule(tied.names()), "any conditions");
    }

    #[test]
    fn rules_read_plainly() {
        let names = ["a", "b", "c"].map(String::from).to_vec();
        let b = PrimBox {
            limits: vec![
                (0.3512, f64::INFINITY),
                (f64::NEG_INFINITY, 1250.4),
                (-1.0, 2.0),
            ],
            coverage: 1.0,
            density: 1.0,
            mass: 1.0,
        };
        assert_eq!(b.rule(&names), "a > 0.351 and b < 1250 and -1 < c < 2");
        let quoted = PrimBox {
            density: 0.784,
            coverage: 0.6361,
            ..b
        };
        assert_eq!(
            quoted.sentence(&names),
            "fails in 78% of runs when a > 0.351 and b < 1250 and -1 < c < 2; \
             this box covers 64% of all failures"
        );
        assert_eq!(PrimBox::unrestricted(3).rule(&names), "any conditions");
    }

    #[test]
    fn bad_inputs_are_errors() {
        let names = vec!["x".to_string()];
        let err = |rows: Vec<Vec<f64>>, fails: Vec<bool>| {
            Samples::new(names.clone(), rows, fails).unwrap_err()
        };
        assert!(matches!(
            err(vec![], vec![]),
            ExploreError::NothingToDiscover(_)
        ));
        assert!(matches!(
            err(vec![vec![1.0], vec![2.0]], vec![false, false]),
            ExploreError::NothingToDiscover(_)
        ));
        assert!(matches!(
            err(vec![vec![1.0], vec![2.0]], vec![true, true]),
            ExploreError::NothingToDiscover(_)
        ));
        assert!(matches!(
            err(vec![vec![1.0, 2.0]], vec![true]),
            ExploreError::RaggedRow { .. }
        ));
        assert!(matches!(
            err(vec![vec![f64::NAN], vec![1.0]], vec![true, false]),
            ExploreError::NonFiniteInput { .. }
        ));
        assert!(matches!(
            err(vec![vec![1.0]], vec![true, false]),
            ExploreError::OutputCount { .. }
        ));
        assert_eq!(
            Samples::new(vec![], vec![vec![]], vec![true]),
            Err(ExploreError::NoParameters)
        );

        let samples = planted(200, 0.0, 5);
        let bad = Settings {
            peel_alpha: 0.7,
            ..Settings::default()
        };
        assert!(matches!(
            peel(&samples, &bad),
            Err(ExploreError::OutOfRange { .. })
        ));
        let t = peel(&samples, &Settings::default()).unwrap();
        assert!(matches!(
            select(&t, Selection::Index(t.len())),
            Err(ExploreError::NoSuchBox { .. })
        ));
        assert!(matches!(
            select(&t, Selection::Density(1.5)),
            Err(ExploreError::OutOfRange { .. })
        ));
    }
}
