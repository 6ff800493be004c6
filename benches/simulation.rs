//! Cost of the simulation on the bundled scenario file.
//!
//! - `one_run`: runs of `paris-draft` under each scenario; throughput is in
//!   simulated months, so criterion's "elem/s" converts to microseconds per
//!   simulated year as 12e6 / (elements per second).
//! - `batch`: the default plan (every feasible package under every
//!   scenario) at 500 runs per cell, on 1 and 2 threads; throughput is in
//!   runs (one package under one scenario).
//!
//! Run: `cargo bench --bench simulation`. Results: docs/PERFORMANCE.md.

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use guarantee_sim::batch::{Control, Plan, run_batch};
use guarantee_sim::model::params::World;
use guarantee_sim::model::{NoTrace, RunKey, Workspace, simulate};

const RUNS_PER_SAMPLE: u64 = 200;

fn bundled() -> World {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/paris-2026.toml");
    match guarantee_sim::scenario::load(&path) {
        Ok(loaded) => loaded.world,
        Err(e) => panic!("the bundled scenario file must load: {}", e.render(false)),
    }
}

fn key(world: &World, package: usize, scenario: usize, run_index: u64) -> RunKey<'_> {
    RunKey {
        world,
        package: &world.packages[package],
        scenario: &world.scenarios[scenario],
        seed: world.default_seed,
        run_index,
    }
}

fn months_simulated(world: &World, package: usize, scenario: usize) -> u64 {
    let mut ws = Workspace::new(world);
    (0..RUNS_PER_SAMPLE)
        .map(|run| {
            let outcome = simulate(key(world, package, scenario, run), &mut ws, &mut NoTrace);
            u64::from(outcome.end_month)
        })
        .sum()
}

fn one_run(c: &mut Criterion) {
    let world = bundled();
    let package = world
        .package_index("paris-draft")
        .expect("paris-draft exists");
    let mut group = c.benchmark_group("one_run");
    group
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    for scenario in 0..world.scenarios.len() {
        let months = months_simulated(&world, package, scenario).max(1);
        group.throughput(Throughput::Elements(months));
        let id = format!("paris-draft/{}", world.scenarios[scenario].id);
        let mut ws = Workspace::new(&world);
        group.bench_function(id, |b| {
            b.iter(|| {
                for run in 0..RUNS_PER_SAMPLE {
                    let k = key(&world, package, scenario, run);
                    black_box(simulate(k, &mut ws, &mut NoTrace));
                }
            })
        });
    }
    group.finish();
}

fn batch(c: &mut Criterion) {
    let world = bundled();
    let runs = 500;
    let plan = Plan {
        seed: world.default_seed,
        runs,
        packages: (0..world.packages.len()).collect(),
        scenarios: (0..world.scenarios.len()).collect(),
        reference: world.package_index("no-guarantee"),
        precision: None,
    };
    let cells = (plan.packages.len() * plan.scenarios.len()) as u64;
    let mut group = c.benchmark_group("batch");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1))
        .throughput(Throughput::Elements(runs * cells));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let cancel = AtomicBool::new(false);
        group.bench_function(format!("default-plan/{threads}-threads"), |b| {
            b.iter(|| {
                let control = Control {
                    cancel: &cancel,
                    progress: &|_, _| {},
                    per_run: false,
                };
                pool.install(|| run_batch::<()>(&world, &plan, &control, |_| Ok(())))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, one_run, batch);
criterion_main!(benches);
