//! Mechanism tests: each would fail if its mechanism were missing from the
//! model. They run on a small world built in code (tests/common).

mod common;

use common::*;
use guarantee_sim::model::params::*;
use guarantee_sim::model::{NoTrace, Outcome, OutcomeKind, RunKey, Workspace, simulate};

const RUNS: u64 = 2000;

struct Rates {
    rejected: f64,
    major_among_accepted: f64,
    early_major: f64,
    outcomes: Vec<Outcome>,
    honour_rate_europe: Option<f64>,
}

fn rates(world: &World, package: usize, scenario: usize, seed: u64) -> Rates {
    let mut ws = Workspace::new(world);
    let mut outcomes = Vec::new();
    let (mut called_eu, mut honoured_eu) = (0u32, 0u32);
    for run_index in 0..RUNS {
        let key = RunKey {
            world,
            package: &world.packages[package],
            scenario: &world.scenarios[scenario],
            seed,
            run_index,
        };
        outcomes.push(simulate(key, &mut ws, &mut NoTrace));
        for i in [UK, FRANCE, GERMANY] {
            called_eu += ws.called()[i];
            honoured_eu += ws.honoured()[i];
        }
    }
    let n = outcomes.len() as f64;
    let rejected = outcomes
        .iter()
        .filter(|o| o.kind == OutcomeKind::Rejected)
        .count() as f64;
    let accepted = n - rejected;
    let majors = outcomes
        .iter()
        .filter(|o| o.first_major_month.is_some())
        .count() as f64;
    let early = outcomes
        .iter()
        .filter(|o| o.first_major_month.is_some_and(|m| m <= 12))
        .count() as f64;
    Rates {
        rejected: rejected / n,
        major_among_accepted: if accepted > 0.0 {
            majors / accepted
        } else {
            0.0
        },
        early_major: early / n,
        outcomes,
        honour_rate_europe: (called_eu > 0).then(|| f64::from(honoured_eu) / f64::from(called_eu)),
    }
}

#[test]
fn without_guarantees_and_with_high_intent_major_offensives_come_early() {
    let hot = scenario(
        "hot",
        &[
            ("russia_intent", fixed(1.0)),
            ("acceptance_base_logit", fixed(10.0)),
        ],
        vec![],
    );
    let cool = scenario(
        "cool",
        &[
            ("russia_intent", fixed(0.1)),
            ("acceptance_base_logit", fixed(10.0)),
        ],
        vec![],
    );
    let w = world(vec![bare_package("none")], vec![hot, cool]);
    let hot = rates(&w, 0, 0, 1);
    let cool = rates(&w, 0, 1, 1);
    assert!(
        hot.early_major > 0.5,
        "early major offensives with high intent: {}",
        hot.early_major
    );
    assert!(
        hot.early_major > 3.0 * cool.early_major,
        "intent must drive early offensives: {} vs {}",
        hot.early_major,
        cool.early_major
    );
}

#[test]
fn higher_resolve_or_stronger_legal_form_lowers_the_offensive_rate() {
    let s = scenario(
        "s",
        &[
            ("acceptance_base_logit", fixed(10.0)),
            ("russia_intent", fixed(0.9)),
            ("utility_major_base", fixed(-1.5)),
        ],
        vec![],
    );
    let mut weak_legal = guarantee_package("weak-legal", Posture::Rear, 5000.0);
    weak_legal.legal_form = LegalForm::PoliticalDeclaration;
    let strong_legal = guarantee_package("strong-legal", Posture::Rear, 5000.0);
    let w = world(vec![weak_legal, strong_legal], vec![s.clone()]);
    let weak = rates(&w, 0, 0, 2).major_among_accepted;
    let strong = rates(&w, 1, 0, 2).major_among_accepted;
    assert!(
        strong < weak - 0.05,
        "legal strength: treaty {strong} vs declaration {weak}"
    );

    let mut low = world(
        vec![guarantee_package("p", Posture::Rear, 5000.0)],
        vec![s.clone()],
    );
    let mut high = low.clone();
    for i in [US, UK, FRANCE, GERMANY] {
        low.countries.resolve[i] = 0.2;
        high.countries.resolve[i] = 0.9;
    }
    let low_rate = rates(&low, 0, 0, 2).major_among_accepted;
    let high_rate = rates(&high, 0, 0, 2).major_among_accepted;
    assert!(
        high_rate < low_rate - 0.05,
        "resolve: high {high_rate} vs low {low_rate}"
    );
}

#[test]
fn troops_on_the_line_are_rejected_more_but_deter_more_once_accepted() {
    let s = scenario("s", &[], vec![]);
    let w = world(
        vec![
            guarantee_package("rear", Posture::Rear, 10_000.0),
            guarantee_package("line", Posture::Line, 10_000.0),
        ],
        vec![s],
    );
    let rear = rates(&w, 0, 0, 3);
    let line = rates(&w, 1, 0, 3);
    assert!(
        line.rejected > rear.rejected + 0.05,
        "rejection: line {} vs rear {}",
        line.rejected,
        rear.rejected
    );
    assert!(
        line.major_among_accepted < rear.major_among_accepted,
        "offensives once accepted: line {} vs rear {}",
        line.major_among_accepted,
        rear.major_among_accepted
    );
}

#[test]
fn us_disengagement_lowers_european_honour_rates() {
    let hot = [
        ("russia_intent", fixed(0.9)),
        ("acceptance_base_logit", fixed(10.0)),
    ];
    let base = scenario("base", &hot, vec![]);
    let disengaged = scenario(
        "us-out",
        &hot,
        vec![Event {
            kind: EventKind::UsDisengagement,
            month: fixed(1.0),
            magnitude: fixed(0.6),
            targets: vec![],
        }],
    );
    let w = world(
        vec![guarantee_package("p", Posture::Rear, 5000.0)],
        vec![base, disengaged],
    );
    let with_us = rates(&w, 0, 0, 4)
        .honour_rate_europe
        .expect("Europeans were called");
    let without = rates(&w, 0, 1, 4)
        .honour_rate_europe
        .expect("Europeans were called");
    assert!(
        without < with_us - 0.03,
        "European honour: {without} after US exit vs {with_us}"
    );
}

#[test]
fn outcomes_stay_within_bounds_over_many_runs() {
    let s = scenario(
        "uncertain",
        &[
            (
                "russia_intent",
                ParamDist::Beta {
                    alpha: 2.0,
                    beta: 2.0,
                    min: 0.0,
                    max: 1.0,
                },
            ),
            (
                "russia_reconstitution_per_month",
                ParamDist::Uniform { min: 0.0, max: 0.1 },
            ),
        ],
        vec![Event {
            kind: EventKind::ForceStrike,
            month: ParamDist::Uniform {
                min: 1.0,
                max: 60.0,
            },
            magnitude: fixed(0.0),
            targets: vec![],
        }],
    );
    let w = world(
        vec![
            bare_package("none"),
            guarantee_package("line", Posture::Line, 8000.0),
        ],
        vec![s],
    );
    for p in 0..w.packages.len() {
        let r = rates(&w, p, 0, 5);
        for o in &r.outcomes {
            assert!(o.end_month <= w.horizon_months);
            if let Some(m) = o.first_major_month {
                assert!((1..=w.horizon_months).contains(&m));
                assert_eq!(m, o.end_month);
            }
            assert!(o.troop_months.is_finite() && o.troop_months >= 0.0);
            assert!(o.erosion.is_finite() && o.erosion >= 0.0);
            assert!((0.0..=1.0).contains(&o.russia_intent));
            assert_eq!(
                o.kind.holds(),
                matches!(o.kind, OutcomeKind::Held | OutcomeKind::Defended)
            );
        }
        for rate in [r.rejected, r.major_among_accepted, r.early_major] {
            assert!((0.0..=1.0).contains(&rate));
        }
    }
}
