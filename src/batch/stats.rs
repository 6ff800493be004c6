//! Interval estimates: Wilson intervals for rates, normal intervals for
//! paired differences, Kaplan-Meier survival with Greenwood's variance.

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

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

/// Running sums of paired differences d = x_i - y_i in {-1, 0, 1}, kept as
/// integers so merging is exact and order-free.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairedSums {
    pub n: u64,
    pub sum: i64,
    pub sum_sq: u64,
}

impl PairedSums {
    pub fn add(&mut self, d: i64) {
        self.n += 1;
        self.sum += d;
        self.sum_sq += (d * d) as u64;
    }

    pub fn merge(&mut self, other: &PairedSums) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    /// Mean difference with a normal 95% interval from the paired sample
    /// variance. Pairing on common random numbers removes the between-run
    /// variance both packages share, so the interval is narrower than that
    /// of two independent rates.
    pub fn estimate(&self) -> Option<Estimate> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let mean = self.sum as f64 / n;
        let var = if self.n > 1 {
            ((self.sum_sq as f64) - n * mean * mean).max(0.0) / (n - 1.0)
        } else {
            0.0
        };
        let half = Z95 * (var / n).sqrt();
        Some(Estimate {
            value: mean,
            lower: mean - half,
            upper: mean + half,
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
/// months with no event so far have survival 1 with interval [1, 1].
pub fn kaplan_meier(events: &[u64], censored: &[u64]) -> Vec<SurvivalPoint> {
    let total: u64 = events.iter().sum::<u64>() + censored.iter().sum::<u64>();
    let mut at_risk = total;
    let mut survival = 1.0_f64;
    let mut greenwood = 0.0_f64;
    let mut out = Vec::with_capacity(events.len().saturating_sub(1));
    for month in 1..events.len() {
        let d = events[month];
        // Runs censored at month 0 never entered the risk set.
        if month == 1 {
            at_risk = at_risk.saturating_sub(events[0] + censored[0]);
        }
        let n = at_risk;
        if n > 0 && d > 0 {
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
            Estimate {
                value: 1.0,
                lower: 1.0,
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

    #[test]
    fn paired_differences_have_the_right_mean_and_interval() {
        let mut s = PairedSums::default();
        for d in [1, 0, 0, -1, 1, 1, 0, 0, 0, 1] {
            s.add(d);
        }
        let e = s.estimate().unwrap();
        assert!(close(e.value, 0.3, 1e-12));
        // sample sd of the ten differences = sqrt((5 - 10*0.09)/9) = 0.6749
        let half = Z95 * (4.1_f64 / 9.0).sqrt() / 10f64.sqrt();
        assert!(close(e.upper - e.value, half, 1e-12));
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
    }
}
