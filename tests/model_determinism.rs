//! A run's result depends only on (seed, package, scenario, run index).

mod common;

use common::*;
use guarantee_sim::model::params::*;
use guarantee_sim::model::{NoTrace, RunKey, Trace, Workspace, simulate};

fn test_world() -> World {
    let s = scenario(
        "s",
        &[("russia_intent", ParamDist::Uniform { min: 0.2, max: 1.0 })],
        vec![],
    );
    world(vec![guarantee_package("p", Posture::Rear, 5000.0)], vec![s])
}

fn key(w: &World, seed: u64, run_index: u64) -> RunKey<'_> {
    RunKey {
        world: w,
        package: &w.packages[0],
        scenario: &w.scenarios[0],
        seed,
        run_index,
    }
}

#[test]
fn same_inputs_give_the_identical_record_even_with_a_reused_workspace() {
    let w = test_world();
    let mut ws = Workspace::new(&w);
    let first = simulate(key(&w, 9, 17), &mut ws, &mut NoTrace);
    let calls = (ws.called().to_vec(), ws.honoured().to_vec());
    for other in 0..5 {
        simulate(key(&w, 9, other), &mut ws, &mut NoTrace);
    }
    let again = simulate(key(&w, 9, 17), &mut ws, &mut NoTrace);
    assert_eq!(first, again);
    assert_eq!(calls, (ws.called().to_vec(), ws.honoured().to_vec()));
    let mut fresh = Workspace::new(&w);
    assert_eq!(first, simulate(key(&w, 9, 17), &mut fresh, &mut NoTrace));
}

#[test]
fn a_different_run_index_or_seed_gives_different_draws() {
    let w = test_world();
    let intent = |seed, run| {
        simulate(key(&w, seed, run), &mut Workspace::new(&w), &mut NoTrace).russia_intent
    };
    let base = intent(9, 17);
    assert_ne!(base, intent(9, 18));
    assert_ne!(base, intent(10, 17));
}

#[test]
fn tracing_does_not_change_the_outcome() {
    let w = test_world();
    let mut ws = Workspace::new(&w);
    for run in 0..50 {
        let plain = simulate(key(&w, 3, run), &mut ws, &mut NoTrace);
        let mut trace = Trace::default();
        let traced = simulate(key(&w, 3, run), &mut ws, &mut trace);
        assert_eq!(plain, traced);
        assert!(!trace.events.is_empty());
    }
}

#[test]
fn identical_packages_under_different_names_give_identical_runs() {
    let s = scenario(
        "s",
        &[("russia_intent", ParamDist::Uniform { min: 0.2, max: 1.0 })],
        vec![],
    );
    let a = guarantee_package("a", Posture::Rear, 5000.0);
    let mut b = a.clone();
    b.id = "b".into();
    b.name = "b".into();
    let w = world(vec![a, b], vec![s]);
    let mut ws = Workspace::new(&w);
    for run in 0..200 {
        let ka = RunKey {
            world: &w,
            package: &w.packages[0],
            scenario: &w.scenarios[0],
            seed: 5,
            run_index: run,
        };
        let kb = RunKey {
            package: &w.packages[1],
            ..ka
        };
        assert_eq!(
            simulate(ka, &mut ws, &mut NoTrace),
            simulate(kb, &mut ws, &mut NoTrace)
        );
    }
}
