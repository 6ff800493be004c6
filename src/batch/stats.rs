//! Interval estimates: Wilson intervals for rates, Newcombe's interval for
//! paired differences, Kaplan-Meier survival with Greenwood's variance.

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;
/// One minus the confidence level of every interval.
pub const ALPHA95: f64 = 0.05;

/// A point estimate with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Estimate {
    pub fn half_width(&self) -> f64 {
        (self.upper - self.lower) / 2.0
    }
}

/// Share `successes / n` with the Wilson score interval (Wilson 1927),
/// which stays inside [0, 1] and behaves at rates near 0 and 1 where the
/// normal interval does not. `None` when `n` is 0.
pub fn wilson(successes: u64, n: u64) -> Option<Estimate> {
    if n == 0 {
        return None;
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z95 * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    // At 0 and n successes the bound is exactly 0 or 1; floating point
    // would leave it a hair inside.
    Some(Estimate {
        value: p,
        lower: if successes == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        upper: if successes == n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    })
}

/// Counts of a paired comparison of "holds" between two packages on the
/// same runs, kept as integers so merging is exact and order-free.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PairedSums {
    pub n: u64,
    /// Runs in which both held.
    pub both: u64,
    /// Sum of the differences x - y (each -1, 0 or 1).
    pub sum: i64,
    /// Sum of their squares: the number of discordant runs.
    pub sum_sq: u64,
}

impl PairedSums {
    /// Adds one run: whether package `x` and package `y` held.
    pub fn add(&mut self, x: bool, y: bool) {
        let d = i64::from(x) - i64::from(y);
        self.n += 1;
        self.both += u64::from(x && y);
        self.sum += d;
        self.sum_sq += d.unsigned_abs();
    }

    pub fn merge(&mut self, other: &PairedSums) {
        self.n += other.n;
        self.both += other.both;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    /// Runs in which only `x` held.
    pub fn only_x(&self) -> u64 {
        (self.sum_sq as i64 + self.sum) as u64 / 2
    }

    /// Runs in which only `y` held.
    pub fn only_y(&self) -> u64 {
        self.sum_sq - self.only_x()
    }

    /// The same runs with the roles of `x` and `y` exchanged.
    pub fn swapped(self) -> PairedSums {
        PairedSums {
            sum: -self.sum,
            ..self
        }
    }

    /// `n` runs of a package against itself, `held` of which held.
    pub fn concordant(n: u64, held: u64) -> PairedSums {
        PairedSums {
            n,
            both: held,
            sum: 0,
            sum_sq: 0,
        }
    }

    /// Difference in rates with Newcombe's (1998) square-and-add interval
    /// for paired proportions (his method 10): Wilson intervals of the two
    /// rates combined with the correlation the pairing induces. Unlike a
    /// Wald interval it stays inside [-1, 1] and does not collapse to a
    /// point at small n or when no run is discordant. Pairing on common
    /// random numbers removes the variance both packages share, so the
    /// interval is narrower than that of two independent rates.
    pub fn estimate(&self) -> Option<Estimate> {
        if self.n == 0 {
            return None;
        }
        let n = self.n;
        let a = self.both; // both held
        let b = self.only_x();
        let c = self.only_y();
        let d = n - a - b - c; // neither
        let (x, y) = (a + b, a + c);
        let (w1, w2) = (wilson(x, n)?, wilson(y, n)?);
        let (p1, p2) = (w1.value, w2.value);
        let (a, b, c, d, nf) = (a as f64, b as f64, c as f64, d as f64, n as f64);
        let product = (a + b) * (c + d) * (a + c) * (b + d);
        let cross = a * d - b * c;
        // Newcombe's correction of the correlation for continuity.
        let corrected = if cross > nf / 2.0 {
            cross - nf / 2.0
        } else if cross < 0.0 {
            cross
        } else {
            0.0
        };
        let phi = if product > 0.0 {
            corrected / product.sqrt()
        } else {
            0.0
        };
        let diff = p1 - p2;
        let (dl1, du1) = (p1 - w1.lower, w1.upper - p1);
        let (dl2, du2) = (p2 - w2.lower, w2.upper - p2);
        let below = (dl1 * dl1 - 2.0 * phi * dl1 * du2 + du2 * du2)
            .max(0.0)
            .sqrt();
        let above = (dl2 * dl2 - 2.0 * phi * dl2 * du1 + du1 * du1)
            .max(0.0)
            .sqrt();
        Some(Estimate {
            value: diff,
            lower: (diff - below).max(-1.0),
            upper: (diff + above).min(1.0),
        })
    }
}

/// One month of a Kaplan-Meier table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurvivalPoint {
    pub month: u32,
    pub at_risk: u64,
    pub events: u64,
    pub survival: Estimate,
}

/// Kaplan-Meier estimate from per-month counts: `events[t]` runs had their
/// event in month t, `censored[t]` runs left observation after month t
/// without one. Index 0 is the start; runs at risk in month t are those
/// not yet out before t. The interval is Greenwood's variance on the
/// log(-log) scale (Kalbfleisch & Prentice), which stays inside [0, 1];
/// before the first event the lower bound is the exact one for "n of n
/// survived". Months after the last run left observation have no row.
pub fn kaplan_meier(events: &[u64], censored: &[u64]) -> Vec<SurvivalPoint> {
    // Runs that end at month 0 never entered the risk set.
    let entered = events.iter().chain(censored).sum::<u64>()
        - events.first().copied().unwrap_or(0)
        - censored.first().copied().unwrap_or(0);
    kaplan_meier_from(events, censored, 1, entered)
}

/// Kaplan-Meier estimate in which events at month 0 count: every run is at
/// risk from the start, so a run that ends at once (terms rejected) is a
/// breakdown at month 0 instead of leaving the sample. The first point is
/// month 0.
pub fn kaplan_meier_with_month_0(events: &[u64], censored: &[u64]) -> Vec<SurvivalPoint> {
    let total = events.iter().chain(censored).sum::<u64>();
    kaplan_meier_from(events, censored, 0, total)
}

fn kaplan_meier_from(
    events: &[u64],
    censored: &[u64],
    first_month: usize,
    entered: u64,
) -> Vec<SurvivalPoint> {
    let mut at_risk = entered;
    let mut survival = 1.0_f64;
    let mut greenwood = 0.0_f64;
    let mut out = Vec::with_capacity(events.len().saturating_sub(first_month));
    for month in first_month..events.len() {
        let d = events[month];
        let n = at_risk;
        if n == 0 {
            // Nobody is observed any more (or ever was: every run was
            // rejected): there is nothing to estimate from here on.
            break;
        }
        if d > 0 {
            survival *= 1.0 - d as f64 / n as f64;
            if n > d {
                greenwood += d as f64 / (n as f64 * (n - d) as f64);
            }
        }
        let estimate = if survival <= 0.0 {
            Estimate {
                value: 0.0,
                lower: 0.0,
                upper: 0.0,
            }
        } else if survival >= 1.0 {
            // No event yet among the n runs at risk: Greenwood's variance
            // is 0, but survival is not known to be 1. The exact
            // (Clopper-Pearson) lower bound for n survivors out of n is
            // (alpha/2)^(1/n).
            Estimate {
                value: 1.0,
                lower: (ALPHA95 / 2.0).powf(1.0 / n as f64),
                upper: 1.0,
            }
        } else {
            let log_s = survival.ln();
            let se = greenwood.sqrt() / log_s.abs();
            let centre = (-log_s).ln();
            // exp(-exp(centre ± z se)): the + side gives the lower bound.
            Estimate {
                value: survival,
                lower: (-(centre + Z95 * se).exp()).exp(),
                upper: (-(centre - Z95 * se).exp()).exp(),
            }
        };
        out.push(SurvivalPoint {
            month: month as u32,
            at_risk: n,
            events: d,
            survival: estimate,
        });
        at_risk = n.saturating_sub(d + censored[month]);
    }
    out
}

/// First month at which survival falls to 0.5 or below; `None` if it never
/// does within the horizon (the median is then "not reached").
pub fn median_survival(points: &[SurvivalPoint]) -> Option<u32> {
    points
        .iter()
        .find(|p| p.survival.value <= 0.5)
        .map(|p| p.month)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn wilson_matches_published_values() {
        // 81 of 263 (Newcombe 1998, example): 0.2553 to 0.3662.
        let e = wilson(81, 263).unwrap();
        assert!(
            close(e.lower, 0.2553, 5e-4) && close(e.upper, 0.3662, 5e-4),
            "{e:?}"
        );
        // 0 of 10: 0 to 0.2775.
        let e = wilson(0, 10).unwrap();
        assert_eq!(e.lower, 0.0);
        assert!(close(e.upper, 0.2775, 5e-4), "{e:?}");
        // 10 of 10: 0.7225 to 1.
        let e = wilson(10, 10).unwrap();
        assert!(close(e.lower, 0.7225, 5e-4) && e.upper == 1.0, "{e:?}");
        assert!(wilson(0, 0).is_none());
    }

    fn paired(a: u64, b: u64, c: u64, d: u64) -> PairedSums {
        let mut s = PairedSums::default();
        for (count, x, y) in [
            (a, true, true),
            (b, true, false),
            (c, false, true),
            (d, false, false),
        ] {
            for _ in 0..count {
                s.add(x, y);
            }
        }
        s
    }

    #[test]
    fn paired_differences_match_newcombes_square_and_add_interval() {
        // Bentur et al. (2009) airway hyper-responsiveness data, the worked
        // example of Fagerland, Lydersen and Laake (2014): 1 both, 1 only
        // before, 7 only after, 12 neither; Newcombe's interval for the
        // difference -0.286 is -0.507 to -0.026.
        let e = paired(1, 1, 7, 12).estimate().unwrap();
        assert!(close(e.value, -6.0 / 21.0, 1e-12));
        assert!(
            close(e.lower, -0.507, 5e-4) && close(e.upper, -0.026, 5e-4),
            "{e:?}"
        );
    }

    #[test]
    fn paired_intervals_stay_honest_at_small_n_and_without_discordant_runs() {
        // No discordant run among 20: the difference is 0, but not known
        // to be exactly 0.
        let e = paired(10, 0, 0, 10).estimate().unwrap();
        assert_eq!(e.value, 0.0);
        assert!(e.lower < -0.05 && e.upper > 0.05, "{e:?}");
        // Two runs that disagree both ways: inside [-1, 1].
        let e = paired(0, 1, 1, 0).estimate().unwrap();
        assert!(
            e.lower >= -1.0 && e.upper <= 1.0 && e.lower < 0.0 && e.upper > 0.0,
            "{e:?}"
        );
        // At large n it agrees with the normal approximation.
        let e = paired(3000, 500, 200, 6300).estimate().unwrap();
        let (n, b, c) = (10_000.0_f64, 500.0, 200.0);
        let mean = (b - c) / n;
        let se = ((b + c) / n - mean * mean).sqrt() / n.sqrt();
        assert!(
            close(e.lower, mean - Z95 * se, 2e-3) && close(e.upper, mean + Z95 * se, 2e-3),
            "{e:?}"
        );
        // Merging blocks equals adding the runs at once.
        let mut merged = paired(5, 1, 0, 2);
        merged.merge(&paired(1, 0, 3, 4));
        assert_eq!(merged, paired(6, 1, 3, 6));
    }

    #[test]
    fn kaplan_meier_matches_a_hand_computed_example() {
        // 10 runs. Month 1: 1 event. Month 2: 1 event, 1 censored.
        // Month 3: 2 events. Horizon month 4: remaining 5 censored.
        let events = [0, 1, 1, 2, 0];
        let censored = [0, 0, 1, 0, 5];
        let km = kaplan_meier(&events, &censored);
        let s: Vec<f64> = km.iter().map(|p| p.survival.value).collect();
        // S1 = 9/10; S2 = 0.9 * 8/9 = 0.8; S3 = 0.8 * 5/7; S4 = S3.
        let s3 = 0.8 * 5.0 / 7.0;
        assert!(close(s[0], 0.9, 1e-12) && close(s[1], 0.8, 1e-12));
        assert!(close(s[2], s3, 1e-12) && close(s[3], s3, 1e-12));
        assert_eq!(
            km.iter().map(|p| p.at_risk).collect::<Vec<_>>(),
            vec![10, 9, 7, 5]
        );
        // Greenwood at month 3: 1/(10*9) + 1/(9*8) + 2/(7*5).
        let g: f64 = 1.0 / 90.0 + 1.0 / 72.0 + 2.0 / 35.0;
        let se = g.sqrt() / s3.ln().abs();
        let lower = (-((-s3.ln()).ln() + Z95 * se).exp()).exp();
        assert!(close(km[2].survival.lower, lower, 1e-12));
        assert!(km[2].survival.lower < s3 && s3 < km[2].survival.upper);
        assert_eq!(median_survival(&km), None);
        let km = kaplan_meier(&[0, 3, 3, 0], &[0, 0, 0, 4]);
        assert_eq!(median_survival(&km), Some(2));
    }

    #[test]
    fn runs_out_at_month_zero_do_not_enter_the_risk_set() {
        let km = kaplan_meier(&[0, 1, 0], &[5, 0, 4]);
        assert_eq!(km[0].at_risk, 5);
        assert!(close(km[0].survival.value, 0.8, 1e-12));
        // Every run rejected: no survival to report.
        assert!(kaplan_meier(&[0, 0, 0], &[7, 0, 0]).is_empty());
    }

    #[test]
    fn counting_month_0_scales_the_curve_by_the_share_that_started() {
        // 10 runs: 5 end at month 0 (counted as events), 1 event in month 1.
        let km = kaplan_meier_with_month_0(&[5, 1, 0], &[0, 0, 4]);
        assert_eq!((km[0].month, km[0].at_risk, km[0].events), (0, 10, 5));
        assert!(close(km[0].survival.value, 0.5, 1e-12));
        assert!(close(km[1].survival.value, 0.5 * 0.8, 1e-12));
        // The same runs with month-0 endings left out of the risk set.
        let accepted = kaplan_meier(&[0, 1, 0], &[5, 0, 4]);
        assert!(close(accepted[0].survival.value, 0.8, 1e-12));
        // Every run ended at once: the curve is 0 from month 0.
        let km = kaplan_meier_with_month_0(&[7, 0, 0], &[0, 0, 0]);
        assert_eq!(km.len(), 1);
        assert_eq!(km[0].survival.value, 0.0);
    }

    #[test]
    fn before_the_first_event_survival_is_one_with_an_exact_lower_bound() {
        // 40 runs, no event until month 3.
        let km = kaplan_meier(&[0, 0, 0, 2], &[0, 0, 0, 38]);
        assert_eq!(km[0].survival.value, 1.0);
        assert_eq!(km[0].survival.upper, 1.0);
        assert!(close(
            km[0].survival.lower,
            0.025_f64.powf(1.0 / 40.0),
            1e-12
        ));
        assert!(km[0].survival.lower < 0.92);
        assert!(close(km[2].survival.value, 0.95, 1e-12));
    }
}
