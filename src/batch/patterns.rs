//! Checks a scenario file's patterns: runs every package variant the
//! patterns name under the scenarios they pool over (common random
//! numbers, so comparisons are paired), measures each pattern with a 95%
//! interval and says whether it meets its target.

use super::stats::{Estimate, PairedSums, Z95, wilson};
use super::{BatchResult, Completion, Control, Plan, RunRecord, run_batch};
use crate::model::params::World;
use crate::model::patterns::{Among, Measure, Pattern, RateOf, Variant};
use crate::model::{Outcome, OutcomeKind};

/// Whether a pattern's measured interval lies in its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The whole interval lies inside the target range.
    Met,
    /// The whole interval lies outside the target range.
    NotMet,
    /// The interval straddles an edge of the target (or nothing could be
    /// measured): more runs are needed to decide.
    Undecided,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "not met",
            Verdict::Undecided => "undecided",
        }
    }

    /// The verdict of an interval against an inclusive target range.
    pub fn of(measured: Option<Estimate>, target: (f64, f64)) -> Verdict {
        match measured {
            None => Verdict::Undecided,
            Some(e) if e.upper < target.0 || e.lower > target.1 => Verdict::NotMet,
            Some(e) if e.lower >= target.0 && e.upper <= target.1 => Verdict::Met,
            Some(_) => Verdict::Undecided,
        }
    }
}

/// One pattern's result.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternResult {
    /// Index into the patterns checked.
    pub pattern: usize,
    /// `None` when nothing could be measured (e.g. no event to form a
    /// hazard, or every run rejected).
    pub measured: Option<Estimate>,
    pub verdict: Verdict,
    /// What the measure rests on ("1,654 / 104,520 runs"), for the table.
    pub basis: String,
}

/// Results of a pattern check.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternCheck {
    pub results: Vec<PatternResult>,
    pub runs: u64,
    pub interrupted: bool,
}

/// Per-pattern sums gathered from the runs.
#[derive(Debug, Clone, Default)]
struct Paired {
    /// Hazard ratio: first major offensives and months at risk of the
    /// package (0) and of the comparison (1), among runs accepted by both.
    events: [u64; 2],
    months: [u64; 2],
    difference: PairedSums,
}

fn flag(o: &Outcome, of: RateOf) -> bool {
    match of {
        RateOf::Hold => o.kind.holds(),
        RateOf::Deterrence => o.kind.deters(),
        RateOf::MajorOffensive => o.first_major_month.is_some(),
        RateOf::Erosion => o.kind == OutcomeKind::Eroded,
        RateOf::Rejected => o.kind == OutcomeKind::Rejected,
    }
}

/// Months a run was at risk of a first major offensive (0 if rejected).
fn months_at_risk(o: &Outcome) -> u64 {
    if o.kind == OutcomeKind::Rejected {
        0
    } else {
        u64::from(o.first_major_month.unwrap_or(o.end_month))
    }
}

/// Ratio of two Poisson rates with the usual log-normal 95% interval
/// (the pairing is ignored, so it is conservative).
fn rate_ratio(d1: u64, t1: u64, d2: u64, t2: u64) -> Option<Estimate> {
    if d1 == 0 || d2 == 0 || t1 == 0 || t2 == 0 {
        return None;
    }
    let r = (d1 as f64 / t1 as f64) / (d2 as f64 / t2 as f64);
    let se = (1.0 / d1 as f64 + 1.0 / d2 as f64).sqrt();
    Some(Estimate {
        value: r,
        lower: r * (-Z95 * se).exp(),
        upper: r * (Z95 * se).exp(),
    })
}

/// Runs and measures `patterns` with `runs` runs per variant and scenario.
pub fn check(
    world: &World,
    patterns: &[Pattern],
    seed: u64,
    runs: u64,
    control: &Control<'_>,
) -> PatternCheck {
    // Every distinct variant, and every scenario any pattern pools over.
    let mut variants: Vec<Variant> = Vec::new();
    let index =
        |v: &Variant, variants: &mut Vec<Variant>| match variants.iter().position(|x| x == v) {
            Some(i) => i,
            None => {
                variants.push(v.clone());
                variants.len() - 1
            }
        };
    let mut slots: Vec<(usize, Option<usize>)> = Vec::new();
    for p in patterns {
        let a = index(&p.package, &mut variants);
        let b = p.versus.as_ref().map(|v| index(v, &mut variants));
        slots.push((a, b));
    }
    let mut scenarios: Vec<usize> = patterns
        .iter()
        .flat_map(|p| p.scenarios.iter().copied())
        .collect();
    scenarios.sort_unstable();
    scenarios.dedup();
    if patterns.is_empty() || scenarios.is_empty() {
        return PatternCheck {
            results: Vec::new(),
            runs: 0,
            interrupted: false,
        };
    }
    let mut sub = world.clone();
    sub.packages = variants.iter().map(|v| v.build(&world.packages)).collect();
    let n = sub.packages.len();
    let plan = Plan {
        seed,
        runs,
        packages: (0..n).collect(),
        scenarios: scenarios.clone(),
        reference: None,
        precision: None,
    };
    let control = Control {
        cancel: control.cancel,
        progress: control.progress,
        per_run: true,
    };
    // Positions of each pattern's scenarios in the plan.
    let pools: Vec<Vec<usize>> = patterns
        .iter()
        .map(|p| {
            p.scenarios
                .iter()
                .filter_map(|s| scenarios.iter().position(|x| x == s))
                .collect()
        })
        .collect();
    let mut paired = vec![Paired::default(); patterns.len()];
    let sink = |records: &[RunRecord]| -> Result<(), ()> {
        // Records come run by run, each run's packages together.
        for run in records.chunks(n) {
            let s = run[0].scenario;
            for (k, p) in patterns.iter().enumerate() {
                let (Some(b), a) = (slots[k].1, slots[k].0) else {
                    continue;
                };
                if !pools[k].contains(&s) {
                    continue;
                }
                let (x, y) = (&run[a].outcome, &run[b].outcome);
                let acc = &mut paired[k];
                match p.measure {
                    Measure::HazardRatio
                        if x.kind != OutcomeKind::Rejected && y.kind != OutcomeKind::Rejected =>
                    {
                        acc.events[0] += u64::from(x.first_major_month.is_some());
                        acc.events[1] += u64::from(y.first_major_month.is_some());
                        acc.months[0] += months_at_risk(x);
                        acc.months[1] += months_at_risk(y);
                    }
                    Measure::Difference { of } => acc.difference.add(flag(x, of), flag(y, of)),
                    _ => {}
                }
            }
        }
        Ok(())
    };
    let result: BatchResult = match run_batch(&sub, &plan, &control, sink) {
        Ok(r) => r,
        Err(()) => unreachable!("the pattern sink never fails"),
    };
    let results = patterns
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (measured, basis) = measure(p, &result, &pools[k], slots[k].0, &paired[k]);
            PatternResult {
                pattern: k,
                measured,
                verdict: Verdict::of(measured, p.target),
                basis,
            }
        })
        .collect();
    PatternCheck {
        results,
        runs: result.cells.iter().map(|c| c.runs).min().unwrap_or(0),
        interrupted: result.completion == Completion::Interrupted,
    }
}

fn measure(
    p: &Pattern,
    result: &BatchResult,
    pool: &[usize],
    subject: usize,
    paired: &Paired,
) -> (Option<Estimate>, String) {
    let cells = || pool.iter().map(|&s| result.cell(s, subject));
    match p.measure {
        Measure::Rate { of, among } => {
            let (mut hits, mut n) = (0u64, 0u64);
            for c in cells() {
                let count = |k: OutcomeKind| c.count(k);
                hits += match of {
                    RateOf::Hold => c.holds(),
                    RateOf::Deterrence => count(OutcomeKind::Held),
                    RateOf::MajorOffensive => {
                        count(OutcomeKind::Defended) + count(OutcomeKind::Failed)
                    }
                    RateOf::Erosion => count(OutcomeKind::Eroded),
                    RateOf::Rejected => count(OutcomeKind::Rejected),
                };
                n += match among {
                    Among::All => c.runs,
                    Among::Accepted => c.runs - count(OutcomeKind::Rejected),
                };
            }
            let basis = format!("{hits} of {n} runs");
            (wilson(hits, n), basis)
        }
        Measure::HonourRate => {
            let (mut honoured, mut called) = (0u64, 0u64);
            for c in cells() {
                honoured += c.honoured.iter().sum::<u64>();
                called += c.called.iter().sum::<u64>();
            }
            (
                wilson(honoured, called),
                format!("{honoured} of {called} calls"),
            )
        }
        Measure::HazardRatio => {
            let e = rate_ratio(
                paired.events[0],
                paired.months[0],
                paired.events[1],
                paired.months[1],
            );
            let basis = format!(
                "{} / {} vs {} / {} offensives / months at risk",
                paired.events[0], paired.months[0], paired.events[1], paired.months[1]
            );
            (e, basis)
        }
        Measure::HazardTrend { early, late } => {
            let window = |(from, to): (u32, u32)| {
                let (mut d, mut at_risk) = (0u64, 0u64);
                for c in cells() {
                    // Runs at risk in month t: accepted runs that neither
                    // had their offensive nor left observation before t.
                    let mut risk = c.runs - c.major_at[0] - c.censored_at[0];
                    for t in 1..c.major_at.len() {
                        if t as u32 >= from && t as u32 <= to {
                            d += c.major_at[t];
                            at_risk += risk;
                        }
                        risk -= c.major_at[t] + c.censored_at[t];
                    }
                }
                (d, at_risk)
            };
            let (d1, t1) = window(late);
            let (d2, t2) = window(early);
            (
                rate_ratio(d1, t1, d2, t2),
                format!("{d1} / {t1} late vs {d2} / {t2} early (offensives / run-months at risk)"),
            )
        }
        Measure::Difference { .. } => {
            let d = &paired.difference;
            (
                d.estimate(),
                format!("{} paired runs, {} discordant", d.n, d.sum_sq),
            )
        }
    }
}
