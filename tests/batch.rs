//! Batch runner: reproducibility across thread counts, common random
//! numbers, and survival against a known constant hazard.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use guarantee_sim::batch::{BatchResult, Completion, Control, Plan, Precision, run_batch};
use guarantee_sim::model::params::*;
use guarantee_sim::report::tables::Tables;

fn plan(world: &World, runs: u64, seed: u64) -> Plan {
    Plan {
        seed,
        runs,
        packages: (0..world.packages.len()).collect(),
        scenarios: (0..world.scenarios.len()).collect(),
        reference: Some(0),
        precision: None,
    }
}

fn run_with_threads(world: &World, plan: &Plan, threads: usize) -> BatchResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let cancel = AtomicBool::new(false);
    let control = Control {
        cancel: &cancel,
        progress: &|_, _| {},
        per_run: false,
    };
    pool.install(|| run_batch::<()>(world, plan, &control, |_| Ok(())))
        .unwrap()
}

fn two_package_world() -> World {
    let s = scenario(
        "s",
        &[(
            "russia_intent",
            ParamDist::Beta {
                alpha: 2.0,
                beta: 2.0,
                min: 0.0,
                max: 1.0,
            },
        )],
        vec![],
    );
    let t = scenario(
        "t",
        &[("russia_intent", ParamDist::Uniform { min: 0.5, max: 1.0 })],
        vec![],
    );
    world(
        vec![
            bare_package("none"),
            guarantee_package("force", Posture::Rear, 6000.0),
        ],
        vec![s, t],
    )
}

#[test]
fn one_and_two_threads_give_identical_results_and_another_seed_differs() {
    let w = two_package_world();
    let p = plan(&w, 1100, 42);
    let one = run_with_threads(&w, &p, 1);
    let two = run_with_threads(&w, &p, 2);
    let four = run_with_threads(&w, &p, 4);
    assert_eq!(one, two);
    assert_eq!(one, four);
    assert_eq!(one.completion, Completion::Complete);
    assert_eq!(one.cell(1, 1).runs, 1100);
    let other = run_with_threads(&w, &plan(&w, 1100, 43), 2);
    assert_ne!(
        Tables::from_batch(&w, &p, &one),
        Tables::from_batch(&w, &p, &other)
    );
}

#[test]
fn identical_packages_under_different_names_have_zero_paired_difference() {
    let s = scenario(
        "s",
        &[("russia_intent", ParamDist::Uniform { min: 0.3, max: 1.0 })],
        vec![],
    );
    let a = guarantee_package("a", Posture::Rear, 5000.0);
    let mut b = a.clone();
    b.id = "b".into();
    let w = world(vec![a, b], vec![s]);
    let r = run_with_threads(&w, &plan(&w, 800, 7), 2);
    let (ca, cb) = (r.cell(0, 0), r.cell(0, 1));
    assert_eq!(ca.outcomes, cb.outcomes);
    assert_eq!(ca.major_at, cb.major_at);
    assert_eq!(
        r.pair(0, 1, 0).sum_sq,
        0,
        "every run must pair with a zero difference"
    );
}

#[test]
fn survival_matches_a_known_constant_monthly_hazard() {
    let p: f64 = 0.04;
    let off = fixed(-1000.0);
    let zero = fixed(0.0);
    let mut overrides = vec![
        ("utility_probe_base", off),
        ("utility_limited_base", off),
        ("utility_major_base", fixed((p / (1.0 - p)).ln())),
        ("acceptance_base_logit", fixed(1000.0)),
        ("incident_base_probability", zero),
        ("choice_temperature", fixed(1.0)),
        ("erosion_threshold", fixed(1e9)),
    ];
    for name in [
        "gain_probe",
        "gain_limited",
        "gain_major",
        "weight_failure",
        "weight_sanctions",
        "weight_relief_lost",
        "opportunity_cost_per_year",
        "weight_grievance",
    ] {
        overrides.push((name, zero));
    }
    let s = scenario("constant", &overrides, vec![]);
    let w = world(vec![bare_package("none")], vec![s]);
    let plan = plan(&w, 10_000, 11);
    let result = run_with_threads(&w, &plan, 2);
    let tables = Tables::from_batch(&w, &plan, &result);
    for month in [1u32, 6, 12, 24, 48, 60] {
        let row = tables.survival.iter().find(|r| r.month == month).unwrap();
        let expected = (1.0 - p).powi(month as i32);
        assert!(
            row.lower <= expected && expected <= row.upper,
            "month {month}: expected {expected:.4} within [{}, {}] (estimate {})",
            row.lower,
            row.upper,
            row.survival
        );
    }
}

#[test]
fn precision_mode_stops_once_every_half_width_is_small_enough() {
    let w = two_package_world();
    let mut p = plan(&w, 250, 3);
    p.precision = Some(Precision {
        half_width: 0.02,
        max_runs: 20_000,
    });
    let r = run_with_threads(&w, &p, 2);
    assert_eq!(r.precision_met, Some(true));
    assert!(r.max_hold_half_width() <= 0.02);
    let runs = r.cell(0, 0).runs;
    assert!(runs > 250 && runs < 20_000, "runs {runs}");
    // One block fewer would not have met the target: the stop is not late
    // by more than the step the runner takes.
    let capped = Precision {
        half_width: 0.001,
        max_runs: 1000,
    };
    p.precision = Some(capped);
    let r = run_with_threads(&w, &p, 2);
    assert_eq!(r.precision_met, Some(false));
    assert_eq!(r.cell(0, 0).runs, 1000);
}

#[test]
fn a_cancelled_batch_reports_itself_interrupted() {
    let w = two_package_world();
    let p = plan(&w, 5000, 3);
    let cancel = AtomicBool::new(true);
    let control = Control {
        cancel: &cancel,
        progress: &|_, _| {},
        per_run: false,
    };
    let r = run_batch::<()>(&w, &p, &control, |_| Ok(())).unwrap();
    assert_eq!(r.completion, Completion::Interrupted);
    assert!(r.cell(0, 0).runs < 5000);
}

#[test]
fn an_interrupted_batch_has_advanced_every_scenario_evenly() {
    // Four scenarios and three threads: a wave of "two blocks per thread"
    // would end in the middle of a row of scenarios.
    let mut w = two_package_world();
    for id in ["u", "v"] {
        let mut extra = w.scenarios[0].clone();
        extra.id = id.to_string();
        w.scenarios.push(extra);
    }
    let p = plan(&w, 5000, 3);
    let cancel = AtomicBool::new(false);
    // Ctrl-C arrives while the first wave is being merged.
    let progress = |_: u64, _: u64| cancel.store(true, std::sync::atomic::Ordering::SeqCst);
    let control = Control {
        cancel: &cancel,
        progress: &progress,
        per_run: false,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let r = pool
        .install(|| run_batch::<()>(&w, &p, &control, |_| Ok(())))
        .unwrap();
    assert_eq!(r.completion, Completion::Interrupted);
    let runs: Vec<u64> = r.cells.iter().map(|c| c.runs).collect();
    assert!(runs[0] > 0 && runs[0] < 5000, "{runs:?}");
    assert!(
        runs.iter().all(|&n| n == runs[0]),
        "scenarios advanced unevenly: {runs:?}"
    );
}
