//! What each component and each event is worth: decomposition, the
//! waterfall, events, and the invariants of paired counterfactual runs.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use guarantee_sim::batch::Control;
use guarantee_sim::batch::attribution::{Effect, EffectKind, decompose, event_effects};
use guarantee_sim::batch::patterns::Verdict;
use guarantee_sim::batch::stats::Estimate;
use guarantee_sim::batch::{Plan, run_batch};
use guarantee_sim::model::params::*;
use guarantee_sim::model::patterns::{Component, bare_baseline, without};
use guarantee_sim::model::{
    NoTrace, OutcomeKind, RunKey, Workspace, simulate, simulate_without_events,
};

fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

/// A package with every kind of component, under a scenario where maritime
/// contributions count for nothing (`sea_contribution = 0`).
fn test_world() -> World {
    let mut p = guarantee_package("full", Posture::Rear, 4000.0);
    p.sea[FRANCE] = true;
    p.air[UK] = true;
    p.diplomacy = true;
    let tempted = scenario(
        "tempted",
        &[
            ("russia_intent", ParamDist::Uniform { min: 0.5, max: 1.0 }),
            ("sea_contribution", ParamDist::Fixed { value: 0.0 }),
        ],
        vec![],
    );
    world(vec![bare_package("nothing"), p], vec![tempted])
}

fn control(cancel: &AtomicBool) -> Control<'_> {
    Control {
        cancel,
        progress: &|_, _| {},
        per_run: false,
    }
}

#[test]
fn a_component_without_effect_is_exactly_zero_and_one_with_a_known_effect_has_its_sign() {
    let w = test_world();
    let cancel = AtomicBool::new(false);
    let d = decompose(&w, 1, &w.packages[0], &[0], 7, 1000, &control(&cancel));
    let removal = |c: Component| {
        d.rows
            .iter()
            .find(|r| r.component == c && r.kind == EffectKind::Removal)
            .unwrap()
            .effect
    };
    // Maritime contributes nothing here, and the French ships' owner is a
    // guarantor anyway: every run is the same without them.
    let m = removal(Component::Maritime);
    assert_eq!(m.deterrence.value, 0.0);
    assert_eq!(m.hold.value, 0.0);
    // Sanctions snap-back is a cost of attacking: it deters.
    let s = removal(Component::Sanctions);
    assert!(s.deterrence.value > 0.0, "{s:?}");
    // The legal form makes guarantors honour: it raises the hold rate.
    let l = removal(Component::LegalForm);
    assert!(l.hold.value > 0.0, "{l:?}");
}

#[test]
fn the_waterfall_adds_up_to_the_whole() {
    let w = test_world();
    let cancel = AtomicBool::new(false);
    let d = decompose(&w, 1, &w.packages[0], &[0], 3, 500, &control(&cancel));
    let steps: Vec<Effect> = d
        .rows
        .iter()
        .filter(|r| r.kind == EffectKind::Step)
        .map(|r| r.effect)
        .collect();
    assert!(steps.len() >= 8, "{} steps", steps.len());
    let whole = d.whole[0].1;
    let sum_d: f64 = steps.iter().map(|e| e.deterrence.value).sum();
    let sum_h: f64 = steps.iter().map(|e| e.hold.value).sum();
    assert!(
        (sum_d - whole.deterrence.value).abs() < 1e-9,
        "{sum_d} vs {whole:?}"
    );
    assert!(
        (sum_h - whole.hold.value).abs() < 1e-9,
        "{sum_h} vs {whole:?}"
    );
}

#[test]
fn a_package_compared_with_itself_differs_by_exactly_zero_with_a_zero_width_interval() {
    let w = test_world();
    let cancel = AtomicBool::new(false);
    let d = decompose(&w, 1, &w.packages[1], &[0], 3, 250, &control(&cancel));
    assert!(d.components.is_empty());
    let zero = Estimate {
        value: 0.0,
        lower: 0.0,
        upper: 0.0,
    };
    assert_eq!(d.whole[0].1.deterrence, zero);
    assert_eq!(d.whole[0].1.hold, zero);
    assert_eq!(Effect::NONE.hold, zero);
}

#[test]
fn decompositions_are_the_same_on_any_number_of_threads() {
    let w = test_world();
    let cancel = AtomicBool::new(false);
    let one = with_threads(1, || {
        decompose(&w, 1, &w.packages[0], &[0], 5, 600, &control(&cancel))
    });
    let three = with_threads(3, || {
        decompose(&w, 1, &w.packages[0], &[0], 5, 600, &control(&cancel))
    });
    assert_eq!(one, three);
}

#[test]
fn removing_a_component_never_changes_a_run_whose_draws_never_touch_it() {
    // Russia answers the terms before anything else happens, on a draw
    // that sees only the legal form, the force, relief and diplomacy: a run
    // rejected under the package is the same run without its ships, jets,
    // backstop, intelligence, sanctions or money.
    let w = test_world();
    let full = &w.packages[1];
    let base = bare_baseline(full);
    let variants: Vec<(Component, Package)> = [
        Component::Maritime,
        Component::AirPolicing,
        Component::Backstop,
        Component::IntelligenceLogistics,
        Component::Sanctions,
        Component::Reconstruction,
        Component::Monitoring,
    ]
    .into_iter()
    .map(|c| (c, without(full, &base, &[c])))
    .collect();
    let mut ws = Workspace::new(&w);
    let mut rejected = 0;
    for run_index in 0..400 {
        let key = RunKey {
            world: &w,
            package: full,
            scenario: &w.scenarios[0],
            seed: 11,
            run_index,
        };
        let o = simulate(key, &mut ws, &mut NoTrace);
        if o.kind != OutcomeKind::Rejected {
            continue;
        }
        rejected += 1;
        for (c, v) in &variants {
            let k = RunKey { package: v, ..key };
            assert_eq!(
                simulate(k, &mut ws, &mut NoTrace),
                o,
                "{c:?}, run {run_index}"
            );
        }
    }
    assert!(rejected > 10, "only {rejected} rejected runs to check");
}

fn event_world(month: f64) -> World {
    let strike = Event {
        kind: EventKind::CoalitionFracture,
        month: ParamDist::Uniform {
            min: month,
            max: month + 5.0,
        },
        magnitude: ParamDist::Fixed { value: 0.4 },
        targets: vec![UK, FRANCE],
    };
    let s = scenario(
        "fracture",
        &[("russia_intent", ParamDist::Uniform { min: 0.4, max: 1.0 })],
        vec![strike],
    );
    world(
        vec![
            bare_package("nothing"),
            guarantee_package("force", Posture::Rear, 6000.0),
        ],
        vec![s],
    )
}

fn all_plan(w: &World, runs: u64) -> Plan {
    Plan {
        seed: 9,
        runs,
        packages: (0..w.packages.len()).collect(),
        scenarios: vec![0],
        reference: None,
        precision: None,
    }
}

#[test]
fn an_event_past_the_horizon_has_exactly_zero_effect() {
    let w = event_world(200.0);
    let cancel = AtomicBool::new(false);
    let effects = event_effects(&w, &all_plan(&w, 600), &control(&cancel), 600);
    assert_eq!(effects.len(), 2);
    for e in &effects {
        assert_eq!(e.effect.deterrence.value, 0.0, "{e:?}");
        assert_eq!(e.effect.hold.value, 0.0, "{e:?}");
        assert_eq!(e.runs, 600);
    }
    // And removing an event is the same as moving it past the horizon,
    // run for run: the other draws do not move.
    let early = event_world(5.0);
    let late = event_world(200.0);
    let mut ws = Workspace::new(&early);
    for run_index in 0..200 {
        fn key(w: &World, run_index: u64) -> RunKey<'_> {
            RunKey {
                world: w,
                package: &w.packages[1],
                scenario: &w.scenarios[0],
                seed: 4,
                run_index,
            }
        }
        let removed =
            simulate_without_events(key(&early, run_index), &[true], &mut ws, &mut NoTrace);
        let past = simulate(key(&late, run_index), &mut ws, &mut NoTrace);
        assert_eq!(removed, past, "run {run_index}");
    }
}

#[test]
fn an_early_fracture_costs_the_package_that_relies_on_the_force() {
    let w = event_world(3.0);
    let cancel = AtomicBool::new(false);
    let effects = event_effects(&w, &all_plan(&w, 1000), &control(&cancel), 1000);
    let nothing = &effects[0];
    let force = &effects[1];
    // Nobody to fracture in the bare package.
    assert_eq!(nothing.effect.hold.value, 0.0);
    assert!(force.effect.hold.value <= 0.0, "{force:?}");
}

#[test]
fn events_are_the_same_on_any_number_of_threads() {
    let w = event_world(3.0);
    let cancel = AtomicBool::new(false);
    let plan = all_plan(&w, 700);
    let one = with_threads(1, || event_effects(&w, &plan, &control(&cancel), 700));
    let four = with_threads(4, || event_effects(&w, &plan, &control(&cancel), 700));
    assert_eq!(one, four);
}

#[test]
fn deterrence_pairs_match_the_cells() {
    let w = test_world();
    let cancel = AtomicBool::new(false);
    let plan = all_plan(&w, 500);
    let r = run_batch::<()>(&w, &plan, &control(&cancel), |_| Ok(())).unwrap();
    let p = r.pair_deterrence(0, 1, 0);
    let held = |pos: usize| r.cell(0, pos).count(OutcomeKind::Held) as i64;
    assert_eq!(p.n, 500);
    assert_eq!(p.sum, held(1) - held(0));
    assert_eq!(r.pair_deterrence(0, 0, 1).sum, -p.sum);
}

#[test]
fn verdicts_follow_the_interval() {
    let e = |lower, upper| {
        Some(Estimate {
            value: (lower + upper) / 2.0,
            lower,
            upper,
        })
    };
    assert_eq!(Verdict::of(e(0.4, 0.45), (0.3, 0.5)), Verdict::Met);
    assert_eq!(Verdict::of(e(0.55, 0.6), (0.3, 0.5)), Verdict::NotMet);
    assert_eq!(Verdict::of(e(0.1, 0.2), (0.3, 0.5)), Verdict::NotMet);
    assert_eq!(Verdict::of(e(0.45, 0.55), (0.3, 0.5)), Verdict::Undecided);
    assert_eq!(Verdict::of(None, (0.3, 0.5)), Verdict::Undecided);
}
