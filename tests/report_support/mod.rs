//! Realistic result tables for the report tests: a small batch on the
//! test world of `tests/common`, with one infeasible package, written to a
//! folder as a run would leave it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use crate::common::*;
use guarantee_sim::batch::{Control, Plan, run_batch};
use guarantee_sim::model::params::*;
use guarantee_sim::report::csv::CsvTables;
use guarantee_sim::report::manifest::{MANIFEST_JSON, Manifest, RunStatus};
use guarantee_sim::report::{Output, ReportContext, Tables};

pub const PACKAGES: [&str; 4] = [
    "no-guarantee",
    "paris-draft",
    "forward-force",
    "treaty-only",
];
pub const SCENARIOS: [&str; 3] = ["baseline", "renewed-attack", "frozen-conflict"];
pub const INFEASIBLE: &str = "us-ground-troops";
pub const RUNS: u64 = 300;
pub const SEED: u64 = 2026;

fn test_world() -> World {
    let none = bare_package(PACKAGES[0]);
    let paris = guarantee_package(PACKAGES[1], Posture::Rear, 6000.0);
    let forward = guarantee_package(PACKAGES[2], Posture::Line, 15000.0);
    let mut treaty = bare_package(PACKAGES[3]);
    treaty.legal_form = LegalForm::BindingTreaty;
    treaty.guarantor[US] = true;
    treaty.guarantor[UK] = true;
    treaty.sanctions_severity = 0.5;
    treaty.sanctions_mode = SanctionsMode::Automatic;
    let scenarios = vec![
        scenario(
            SCENARIOS[0],
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
        ),
        scenario(
            SCENARIOS[1],
            &[("russia_intent", ParamDist::Uniform { min: 0.6, max: 1.0 })],
            vec![],
        ),
        scenario(
            SCENARIOS[2],
            &[("russia_intent", ParamDist::Uniform { min: 0.1, max: 0.5 })],
            vec![],
        ),
    ];
    let mut w = world(vec![none, paris, forward, treaty], scenarios);
    w.infeasible.push(InfeasiblePackage {
        id: INFEASIBLE.to_string(),
        name: "US ground troops on the line".to_string(),
        violations: vec![ConstraintViolation {
            constraint: "no-ground-troops".to_string(),
            country: "united-states".to_string(),
            reason: "the United States sends no ground troops".to_string(),
            location: "test.toml:12".to_string(),
        }],
    });
    w
}

/// Tables of a small batch on the test world (computed once per test
/// binary).
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(simulate)
}

fn simulate() -> Tables {
    simulate_world(&test_world(), RUNS)
}

/// Tables of a small batch on the bundled scenario file: real package and
/// country names, every guarantor, every scenario (computed once per test
/// binary).
pub fn bundled_tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let name = "paris-2026.toml";
        let text = guarantee_sim::scenario::bundled(name).expect("the bundled file");
        let loaded = guarantee_sim::scenario::load_str(name, text, None)
            .unwrap_or_else(|_| panic!("the bundled {name} loads"));
        simulate_world(&loaded.world, 40)
    })
}

fn simulate_world(w: &World, runs: u64) -> Tables {
    let plan = Plan {
        seed: SEED,
        runs,
        packages: (0..w.packages.len()).collect(),
        scenarios: (0..w.scenarios.len()).collect(),
        reference: Some(0),
        precision: None,
    };
    let cancel = AtomicBool::new(false);
    let control = Control {
        cancel: &cancel,
        progress: &|_, _| {},
        per_run: false,
    };
    let result = run_batch::<()>(w, &plan, &control, |_| Ok(())).unwrap();
    Tables::from_batch(w, &plan, &result)
}

pub fn manifest(status: RunStatus) -> Manifest {
    Manifest {
        tool: "guarantee-sim".to_string(),
        version: "0.1.0".to_string(),
        git_commit: Some("0123456789abcdef".to_string()),
        status,
        scenario_file: "scenarios/test-world.toml".to_string(),
        title: "Test world: four packages, three scenarios".to_string(),
        scenario_sha256: "ab".repeat(32),
        source_files: vec!["scenarios/test-world.toml".to_string()],
        sources: vec![
            "Paris declaration of the Coalition of the Willing, 6 January 2026".to_string(),
        ],
        scenario_resolved: String::new(),
        seed: SEED,
        runs_requested: RUNS,
        runs_completed: RUNS,
        precision: None,
        packages: PACKAGES.iter().map(|s| s.to_string()).collect(),
        scenarios: SCENARIOS.iter().map(|s| s.to_string()).collect(),
        reference: Some(PACKAGES[0].to_string()),
        per_run: false,
        rank_by: Default::default(),
        threads: 2,
        started_at: "2026-01-06T12:00:00Z".to_string(),
        finished_at: "2026-01-06T12:01:00Z".to_string(),
        wall_seconds: 60.0,
    }
}

/// Writes the CSV tables and `manifest.json` into `dir`, as a run does.
pub fn write_run(dir: &Path, tables: &Tables, manifest: &Manifest) {
    let ctx = ReportContext { tables, manifest };
    CsvTables.write(&ctx, dir).unwrap();
    std::fs::write(
        dir.join(MANIFEST_JSON),
        serde_json::to_string_pretty(manifest).unwrap(),
    )
    .unwrap();
}
