//! The study layer without the command line: a request planned, run and
//! written, and a manifest replayed to the same bytes.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use guarantee_sim::explore::Parameter;
use guarantee_sim::report::charts::CHARTS_DIR;
use guarantee_sim::report::manifest::MANIFEST_JSON;
use guarantee_sim::report::tables::RankBy;
use guarantee_sim::report::{OUTPUT_FILES, clear_outputs, is_chart_file};
use guarantee_sim::study::discover::{DiscoverRequest, DiscoverStudy};
use guarantee_sim::study::explore::{PointStudy, Selection};
use guarantee_sim::study::sensitivity::{Method, SensitivityRequest, SensitivityStudy};
use guarantee_sim::study::{self, Hooks, Input, Options, Request, build_plan, replay};

fn minimal() -> Input {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.toml");
    Input {
        loaded: guarantee_sim::scenario::load(&path).expect("minimal.toml loads"),
        shown: "minimal.toml".to_string(),
        stem: "minimal".to_string(),
    }
}

fn run_into(input: &Input, request: &Request, options: Options, dir: &Path) -> study::Finished {
    let plan = build_plan(&input.loaded.world, request).expect("plan");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let cancel = AtomicBool::new(false);
    let hooks = Hooks {
        cancel: &cancel,
        progress: &|_, _| {},
        analysing: &|_, _| {},
        writing: &|| {},
        blocks: &guarantee_sim::batch::NoStore,
    };
    study::run::run(input, &plan, options, &pool, dir, &hooks).expect("study runs")
}

const ALL: Options = Options {
    per_run: true,
    rank_by: RankBy::WorstCase,
    charts: true,
    parquet: true,
};

/// Every file a study writes is registered, so clearing the folder leaves
/// nothing of it behind: a new output that forgot to register would fail here.
#[test]
fn every_output_is_registered_and_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let request = Request {
        runs: Some(20),
        ..Request::default()
    };
    run_into(&minimal(), &request, ALL, dir.path());
    let mut written = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == CHARTS_DIR {
            for chart in std::fs::read_dir(entry.path()).unwrap().flatten() {
                let chart = chart.file_name().to_string_lossy().into_owned();
                assert!(is_chart_file(&chart), "unregistered chart {chart}");
                written += 1;
            }
        } else {
            assert!(
                OUTPUT_FILES.contains(&name.as_str()),
                "unregistered output {name}"
            );
            written += 1;
        }
    }
    assert!(
        written > OUTPUT_FILES.len(),
        "charts and tables were written"
    );
    clear_outputs(dir.path()).unwrap();
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != CHARTS_DIR)
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let charts_left = std::fs::read_dir(dir.path().join(CHARTS_DIR))
        .unwrap()
        .count();
    assert_eq!(charts_left, 0);
}

/// A manifest replayed through the library gives the same tables.
#[test]
fn a_replayed_manifest_reproduces_the_tables() {
    let first = tempfile::tempdir().unwrap();
    let request = Request {
        runs: Some(30),
        seed: Some(7),
        ..Request::default()
    };
    let options = Options {
        charts: false,
        ..ALL
    };
    let input = minimal();
    run_into(&input, &request, options, first.path());
    let manifest = replay::read_manifest(&first.path().join(MANIFEST_JSON)).unwrap();
    assert!(replay::version_warning(&manifest).is_none());
    let again = replay::input(&manifest).expect("the recorded scenario compiles");
    let second = tempfile::tempdir().unwrap();
    run_into(&again, &replay::request(&manifest), options, second.path());
    for name in [
        "summary.csv",
        "pairs.csv",
        "runs.csv",
        "summary.parquet",
        "runs.parquet",
    ] {
        let read = |d: &Path| std::fs::read(d.join(name)).unwrap();
        assert_eq!(read(first.path()), read(second.path()), "{name} differs");
    }
}

/// runs.csv carries every value a run drew, one column each: re-simulating
/// a row's run gives the drawn coefficients and event draws it records.
#[test]
fn runs_csv_records_every_drawn_input() {
    use guarantee_sim::model::params::{COEFFICIENTS, ParamDist};
    use guarantee_sim::model::{NEVER, NoTrace, RunKey, Workspace, simulate};

    let dir = tempfile::tempdir().unwrap();
    let input = minimal();
    let request = Request {
        runs: Some(8),
        seed: Some(11),
        ..Request::default()
    };
    let options = Options {
        charts: false,
        ..ALL
    };
    run_into(&input, &request, options, dir.path());
    let world = &input.loaded.world;

    let mut reader = csv::Reader::from_path(dir.path().join("runs.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    // One column per coefficient some scenario draws, and per uncertain
    // event month or size.
    let uncertain = |d: &ParamDist| !matches!(d, ParamDist::Fixed { .. });
    let expected_coefficients: Vec<String> = COEFFICIENTS
        .iter()
        .enumerate()
        .filter(|(c, _)| {
            world
                .scenarios
                .iter()
                .any(|s| uncertain(&s.coefficients[*c]))
        })
        .map(|(_, info)| format!("coefficients.{}", info.name))
        .collect();
    assert!(
        expected_coefficients.len() >= 2,
        "the fixture draws coefficients"
    );
    let mut expected_events = Vec::new();
    for s in &world.scenarios {
        for (i, e) in s.events.iter().enumerate() {
            for (field, d) in [("month", &e.month), ("magnitude", &e.magnitude)] {
                if uncertain(d) {
                    expected_events.push(format!("scenarios.{}.events.{i}.{field}", s.id));
                }
            }
        }
    }
    assert!(!expected_events.is_empty(), "the fixture draws an event");
    let drawn: Vec<&String> = header
        .iter()
        .filter(|h| h.starts_with("coefficients.") || h.starts_with("scenarios."))
        .collect();
    let expected: Vec<String> = expected_coefficients
        .iter()
        .chain(&expected_events)
        .cloned()
        .collect();
    assert_eq!(drawn, expected.iter().collect::<Vec<_>>());

    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut ws = Workspace::new(world);
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let scenario = world.scenario_index(&row[0]).unwrap();
        let package = world.package_index(&row[1]).unwrap();
        let key = RunKey {
            world,
            package: &world.packages[package],
            scenario: &world.scenarios[scenario],
            seed: 11,
            run_index: row[2].parse().unwrap(),
        };
        simulate(key, &mut ws, &mut NoTrace);
        let values = ws.coefficients.values();
        for name in &expected_coefficients {
            let c = COEFFICIENTS
                .iter()
                .position(|i| format!("coefficients.{}", i.name) == *name)
                .unwrap();
            let recorded: f64 = row[column(name)].parse().unwrap();
            assert!(
                (recorded - values[c]).abs() < 1e-6,
                "{name}: {recorded} vs {}",
                values[c]
            );
        }
        for name in &expected_events {
            let cell = &row[column(name)];
            let prefix = format!("scenarios.{}.", world.scenarios[scenario].id);
            let Some(rest) = name.strip_prefix(&prefix) else {
                assert!(cell.is_empty(), "{name} is empty in other scenarios' rows");
                continue;
            };
            let mut parts = rest.split('.').skip(1);
            let event: usize = parts.next().unwrap().parse().unwrap();
            if parts.next() == Some("month") {
                let month = ws.event_months()[event];
                let expected = if month == NEVER {
                    String::new()
                } else {
                    month.to_string()
                };
                assert_eq!(cell, expected, "{name}");
            } else {
                let recorded: f64 = cell.parse().unwrap();
                assert!(
                    (recorded - ws.event_magnitudes()[event]).abs() < 1e-6,
                    "{name}"
                );
            }
        }
        rows += 1;
    }
    assert!(rows > 0);
}

/// What a study told its hooks, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Heard {
    Progress,
    Analysing(u64, u64),
    Writing,
}

/// Runs an exploration with hooks that note what they hear.
fn heard_while_running<S: PointStudy>(study: &S) -> Vec<Heard> {
    let dir = tempfile::tempdir().unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let heard = std::sync::Mutex::new(Vec::new());
    let note = |h: Heard| heard.lock().unwrap().push(h);
    let cancel = AtomicBool::new(false);
    let hooks = Hooks {
        cancel: &cancel,
        progress: &|_, _| note(Heard::Progress),
        analysing: &|done, planned| note(Heard::Analysing(done, planned)),
        writing: &|| note(Heard::Writing),
        blocks: &guarantee_sim::batch::NoStore,
    };
    let outcome = study.run(&pool, dir.path(), false, &hooks).unwrap();
    assert!(outcome.is_some_and(|o| study.complete(&o)));
    heard.into_inner().unwrap()
}

/// The analysis after the last run (Sobol's bootstrap, PRIM's resampled
/// stability) is a phase of its own, counted from 0 to its end, between
/// the runs' progress and the writing, so the terminal can show it.
fn assert_analysis_is_heard_between_the_runs_and_the_writing(heard: &[Heard]) {
    let analysing: Vec<(usize, u64, u64)> = heard
        .iter()
        .enumerate()
        .filter_map(|(i, h)| match *h {
            Heard::Analysing(done, planned) => Some((i, done, planned)),
            _ => None,
        })
        .collect();
    let (first, last) = (analysing[0], analysing[analysing.len() - 1]);
    assert!(first.2 > 0 && first.1 == 0, "{heard:?}");
    assert_eq!(last.1, last.2, "{heard:?}");
    assert!(analysing.windows(2).all(|w| w[0].1 <= w[1].1), "{heard:?}");
    let last_progress = heard.iter().rposition(|h| *h == Heard::Progress).unwrap();
    let writing = heard.iter().position(|h| *h == Heard::Writing).unwrap();
    assert!(last_progress < first.0 && last.0 < writing, "{heard:?}");
}

fn explored() -> (
    guarantee_sim::scenario::Merged,
    Input,
    Vec<Parameter>,
    Selection,
) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.toml");
    let merged = guarantee_sim::scenario::merge(&path).expect("minimal.toml merges");
    let input = Input {
        loaded: merged.clone().compile().expect("minimal.toml compiles"),
        shown: "minimal.toml".to_string(),
        stem: "minimal".to_string(),
    };
    let parameters = vec![
        Parameter::new("countries.united-states.resolve", 0.1, 0.9).unwrap(),
        Parameter::new("countries.russia.resolve", 0.3, 0.9).unwrap(),
    ];
    let selection = Selection {
        runs: Some(20),
        scenarios: vec!["us-leaves".to_string()],
        ..Selection::default()
    };
    (merged, input, parameters, selection)
}

#[test]
fn the_sobol_bootstrap_is_heard_as_a_phase_after_the_runs() {
    let (merged, input, parameters, selection) = explored();
    let request = SensitivityRequest {
        parameters,
        selection,
        method: Method::Sobol,
        samples: Some(4),
    };
    let study = SensitivityStudy::plan(merged, input, &request).unwrap();
    assert_analysis_is_heard_between_the_runs_and_the_writing(&heard_while_running(&study));
}

#[test]
fn the_prim_stability_resamples_are_heard_as_a_phase_after_the_runs() {
    let (merged, input, parameters, mut selection) = explored();
    selection.packages = vec!["aid-only".to_string()];
    let request = DiscoverRequest {
        parameters,
        selection,
        samples: Some(10),
    };
    let study = DiscoverStudy::plan(merged, input, &request).unwrap();
    assert_analysis_is_heard_between_the_runs_and_the_writing(&heard_while_running(&study));
}
