//! The scenario library: extends, merging, the compiled World, the
//! resolved TOML, and robustness against mutated input.

use std::path::Path;

use guarantee_sim::model::params::{COEFFICIENTS, CoefficientInfo, ParamDist};
use guarantee_sim::scenario::{self, load, load_str};
use proptest::prelude::*;
use tempfile::TempDir;

const FIXTURE: &str = include_str!("fixtures/minimal.toml");
const BUNDLED: &str = include_str!("../scenarios/paris-2026.toml");

fn must_load(path: &Path) -> scenario::Loaded {
    match load(path) {
        Ok(l) => l,
        Err(e) => panic!("{}", e.render(false)),
    }
}

#[test]
fn bundled_file_compiles_and_us_troops_are_infeasible() {
    let l = must_load(Path::new("scenarios/paris-2026.toml"));
    let w = &l.world;
    assert!(w.package_index("us-ground-troops").is_none());
    let inf = w
        .infeasible
        .iter()
        .find(|p| p.id == "us-ground-troops")
        .expect("us-ground-troops is infeasible");
    assert!(inf.violations.iter().any(|v| v.country == "united-states"
        && v.constraint == "us-no-ground-troops"
        && v.location.starts_with("scenarios/paris-2026.toml:")));
    assert!(w.objection.is_some());
    assert!(w.countries.united_states.is_some());
    for s in &w.scenarios {
        assert_eq!(s.coefficients.len(), COEFFICIENTS.len());
    }
    assert_eq!(l.sha256.len(), 64);
}

#[test]
fn fixture_compiles_as_described() {
    let l = must_load(Path::new("tests/fixtures/minimal.toml"));
    let w = &l.world;
    let c = &w.countries;
    assert_eq!(c.len(), 5);
    assert_eq!(c.id[c.ukraine], "ukraine");
    assert_eq!(c.id[c.russia], "russia");
    let fr = c.index_of("france").unwrap();
    let uk = c.index_of("united-kingdom").unwrap();
    let us = c.index_of("united-states").unwrap();
    assert_eq!(c.response_delay_months[fr], 2);
    assert!(c.western[fr] && !c.western[c.russia]);
    assert!(c.european[fr] && !c.european[us]);
    let p = &w.packages[w.package_index("euro-force").unwrap()];
    assert_eq!(p.troops[fr], 6000.0);
    assert_eq!(p.troops[uk], 5000.0);
    // Guarantors: contributors, never Ukraine or Russia.
    assert!(p.guarantor[fr] && p.guarantor[uk] && p.guarantor[us]);
    assert!(!p.guarantor[c.ukraine] && !p.guarantor[c.russia]);
    assert_eq!(w.infeasible.len(), 1);
    assert_eq!(w.infeasible[0].id, "us-troops");
    let obj = w.objection.unwrap();
    assert_eq!(obj.objector, c.russia);
    let s = &w.scenarios[w.scenario_index("holds").unwrap()];
    let ri = CoefficientInfo::index_of("russia_intent").unwrap();
    assert_eq!(
        s.coefficients[ri],
        ParamDist::Beta {
            alpha: 2.0,
            beta: 5.0,
            min: 0.0,
            max: 1.0
        }
    );
    let s2 = &w.scenarios[w.scenario_index("us-leaves").unwrap()];
    assert_eq!(
        s2.coefficients[ri],
        ParamDist::Beta {
            alpha: 2.0,
            beta: 2.0,
            min: 0.0,
            max: 1.0
        }
    );
    assert_eq!(s2.events[0].targets, vec![us]);
    assert_eq!(
        (w.horizon_months, w.default_runs, w.default_seed),
        (36, 100, 42)
    );
}

#[test]
fn extends_overrides_exactly_the_named_fields() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("parent.toml"), FIXTURE).unwrap();
    std::fs::write(
        dir.path().join("child.toml"),
        r#"extends = "parent.toml"
[simulation]
runs = 500

[[countries]]
id = "france"
resolve = 0.4

[[scenarios]]
id = "holds"
[scenarios.coefficients]
russia_intent = { dist = "uniform", min = 0.2, max = 0.4 }
"#,
    )
    .unwrap();
    let parent = must_load(&dir.path().join("parent.toml")).world;
    let child = must_load(&dir.path().join("child.toml"));
    assert_eq!(child.sources.len(), 2);
    let mut expected = parent.clone();
    expected.default_runs = 500;
    let fr = expected.countries.index_of("france").unwrap();
    expected.countries.resolve[fr] = 0.4;
    let h = expected.scenario_index("holds").unwrap();
    let ri = CoefficientInfo::index_of("russia_intent").unwrap();
    // A distribution replaces the parent's whole (no beta fields left over).
    expected.scenarios[h].coefficients[ri] = ParamDist::Uniform { min: 0.2, max: 0.4 };
    assert_eq!(child.world, expected);
}

#[test]
fn extends_adds_new_entries_and_merges_troops() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("parent.toml"), FIXTURE).unwrap();
    std::fs::write(
        dir.path().join("child.toml"),
        r#"extends = "parent.toml"
[[packages]]
id = "euro-force"
[packages.force.troops]
united-kingdom = 8000

[[packages]]
id = "treaty"
legal_form = "mutual-defence"
monitoring = "observers"
guarantors = ["france"]
"#,
    )
    .unwrap();
    let w = must_load(&dir.path().join("child.toml")).world;
    let c = &w.countries;
    let p = &w.packages[w.package_index("euro-force").unwrap()];
    assert_eq!(p.troops[c.index_of("united-kingdom").unwrap()], 8000.0);
    assert_eq!(p.troops[c.index_of("france").unwrap()], 6000.0);
    let t = &w.packages[w.package_index("treaty").unwrap()];
    assert!(t.guarantor[c.index_of("france").unwrap()]);
    assert_eq!(w.packages.last().unwrap().id, "treaty");
}

#[test]
fn bare_bundled_name_falls_back_to_the_embedded_copy() {
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("mine.toml");
    std::fs::write(
        &p,
        "extends = \"paris-2026.toml\"\n[simulation]\nruns = 7\n",
    )
    .unwrap();
    let l = must_load(&p);
    assert_eq!(l.world.default_runs, 7);
    assert!(l.sources[1].is_bundled());
    assert_eq!(l.sources[1].path, "<bundled>/paris-2026.toml");
}

#[test]
fn resolved_toml_reproduces_the_world() {
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("mine.toml");
    std::fs::write(
        &p,
        "extends = \"paris-2026.toml\"\n[simulation]\nruns = 7\n",
    )
    .unwrap();
    let l = must_load(&p);
    assert!(!l.resolved_toml.contains("extends"));
    let again = load_str("resolved.toml", &l.resolved_toml, None)
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    // Equal but for where infeasible packages were found (file:line).
    let strip = |mut w: guarantee_sim::model::params::World| {
        for p in &mut w.infeasible {
            for v in &mut p.violations {
                v.location.clear();
            }
        }
        w
    };
    assert_eq!(strip(again.world), strip(l.world.clone()));
    assert_eq!(again.resolved_toml, l.resolved_toml);
    assert_eq!(again.sha256, l.sha256);
}

#[test]
fn errors_carry_locations() {
    let bad = FIXTURE.replacen("resolve = 0.9", "resolve = 9.0", 1);
    let e = load_str("bad.toml", &bad, None).unwrap_err();
    assert_eq!(e.error_count(), 1);
    let d = &e.diagnostics[0];
    let loc = d.location.as_ref().unwrap();
    assert_eq!(loc.path, "bad.toml");
    assert_eq!(
        loc.line,
        bad.lines().position(|l| l == "resolve = 9.0").unwrap() + 1
    );
    assert_eq!(loc.column, "resolve = ".len() + 1);
    // Usable as one miette report with every error related.
    let report = format!("{:?}", miette::Report::new(e));
    assert!(report.contains("resolve"));
}

/// One mutation of a file's lines.
fn mutate(text: &str, op: u8, i: usize, j: usize) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return String::new();
    }
    let n = lines.len();
    let (i, j) = (i % n, j % n);
    match op % 5 {
        0 => {
            lines.remove(i);
        }
        1 => {
            // Swap the values of two `key = value` lines.
            let vi = lines[i].split_once(" = ").map(|(_, v)| v.to_string());
            let vj = lines[j].split_once(" = ").map(|(_, v)| v.to_string());
            if let (Some(vi), Some(vj)) = (vi, vj) {
                let ki = lines[i].split_once(" = ").unwrap().0.to_string();
                let kj = lines[j].split_once(" = ").unwrap().0.to_string();
                lines[i] = format!("{ki} = {vj}");
                lines[j] = format!("{kj} = {vi}");
            }
        }
        2 => {
            // Change a value's type.
            let repl = [
                "\"text\"",
                "[1, 2]",
                "{ a = 1 }",
                "true",
                "-1",
                "1e400",
                "nan",
            ][j % 7];
            if let Some((k, _)) = lines[i].split_once(" = ") {
                lines[i] = format!("{k} = {repl}");
            }
        }
        3 => {
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        _ => {
            let joined = lines.join("\n");
            let mut cut = (i * 7919 + j) % (joined.len() + 1);
            while !joined.is_char_boundary(cut) {
                cut -= 1;
            }
            return joined[..cut].to_string();
        }
    }
    lines.join("\n")
}

proptest! {
    // 64 cases keep this to seconds; PROPTEST_CASES=5000 for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_files_never_panic(muts in proptest::collection::vec((0u8..5, any::<usize>(), any::<usize>()), 1..4)) {
        for base in [BUNDLED, FIXTURE] {
            let mut text = base.to_string();
            for (op, i, j) in &muts {
                text = mutate(&text, *op, *i, *j);
            }
            match load_str("mutated.toml", &text, None) {
                Ok(l) => { let _ = l.world; }
                Err(e) => {
                    prop_assert!(e.error_count() > 0 || e.diagnostics.is_empty());
                    let _ = e.render(false);
                    let _ = e.render(true);
                }
            }
        }
    }
}
