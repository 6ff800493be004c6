//! `init`, `list`, `schema` and the help texts.

use assert_cmd::Command;
use predicates::str::contains;
use tempfile::TempDir;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("guarantee-sim").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

#[test]
fn shipped_schema_is_up_to_date() {
    let out = cmd().arg("schema").output().unwrap();
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    let shipped = std::fs::read_to_string("scenarios/scenario.schema.json").unwrap_or_default();
    assert!(
        generated == shipped,
        "scenarios/scenario.schema.json is out of date; regenerate it with:\n  \
         cargo run -- schema > scenarios/scenario.schema.json"
    );
}

#[test]
fn schema_lists_every_coefficient() {
    let out = cmd().arg("schema").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["definitions"]["Coefficients"];
    assert_eq!(c["additionalProperties"], false);
    for info in guarantee_sim::model::params::COEFFICIENTS {
        let prop = &c["properties"][info.name];
        let d = prop["description"].as_str().unwrap();
        assert!(d.contains(info.unit), "{}: {d}", info.name);
        // The schema's bounds are the ones `validate` checks.
        let range = info.range().unwrap();
        let bound = |key: &str, v: f64| {
            if v.is_finite() {
                assert_eq!(prop[key].as_f64(), Some(v), "{}: {key}", info.name);
            } else {
                assert!(prop.get(key).is_none(), "{}: {key}", info.name);
            }
        };
        bound("minimum", range.min);
        bound("maximum", range.max);
    }
}

#[test]
fn schema_bounds_every_ranged_field() {
    let out = cmd().arg("schema").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (table, field, range) in guarantee_sim::scenario::format::FIELD_RANGES {
        let prop = &v["definitions"][table]["properties"][field];
        assert!(prop.is_object(), "{table}.{field} is not in the schema");
        assert_eq!(prop["minimum"].as_f64(), Some(range.min), "{table}.{field}");
        if range.max.is_finite() {
            assert_eq!(prop["maximum"].as_f64(), Some(range.max), "{table}.{field}");
        }
    }
}

#[test]
fn scenarios_readme_shows_the_declared_unit_ranges() {
    let readme = std::fs::read_to_string("scenarios/README.md").unwrap();
    let table = guarantee_sim::scenario::units_table_markdown();
    let begin = "<!-- units: generated from UNITS (src/model/params.rs) and FIELD_RANGES (src/scenario/format.rs) -->\n";
    let end = "<!-- end of units -->";
    let shown = readme
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(t, _)| t);
    assert_eq!(
        shown,
        Some(table.as_str()),
        "scenarios/README.md section 4 must hold, between\n{begin}and {end}, exactly:\n{table}"
    );
}

#[test]
fn init_writes_a_file_that_validates() {
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("mine.toml");
    cmd().arg("init").arg(&p).assert().success();
    let text = std::fs::read_to_string(&p).unwrap();
    // No scenarios/ near a temp dir: the bare name uses the embedded copy.
    assert!(text.contains("extends = \"paris-2026.toml\""), "{text}");
    cmd()
        .arg("validate")
        .arg(&p)
        .assert()
        .success()
        .stdout(contains("ok: "));
    // Refuses to overwrite without --force.
    cmd()
        .arg("init")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("--force"));
    cmd().arg("init").arg(&p).arg("--force").assert().success();
}

#[test]
fn init_points_to_a_nearby_bundled_file() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    std::fs::copy(
        "scenarios/paris-2026.toml",
        dir.path().join("scenarios/paris-2026.toml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("work")).unwrap();
    let p = dir.path().join("work/mine.toml");
    cmd().arg("init").arg(&p).assert().success();
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.contains("extends = \"../scenarios/paris-2026.toml\""),
        "{text}"
    );
    let l = guarantee_sim::scenario::load(&p).unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert!(!l.sources[1].is_bundled());
}

#[test]
fn list_shows_countries_packages_and_scenarios() {
    cmd()
        .arg("list")
        .arg("tests/fixtures/minimal.toml")
        .assert()
        .success()
        .stdout(contains("COUNTRIES (5)"))
        .stdout(contains("PACKAGES (3: 2 feasible, 1 infeasible)"))
        .stdout(contains("INFEASIBLE: us-no-ground-troops (united-states)"))
        .stdout(contains("SCENARIOS (2)"));
}

#[test]
fn every_command_has_examples_in_its_help() {
    for c in ["validate", "list", "init", "schema"] {
        cmd()
            .arg(c)
            .arg("--help")
            .assert()
            .success()
            .stdout(contains("EXAMPLES:"));
    }
    cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("EXAMPLES:"));
}

#[test]
fn color_always_colours_and_never_does_not() {
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, "[simulation]\nrunz = 1\n").unwrap();
    let out = cmd()
        .args(["--color", "always", "validate"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
    let out = cmd()
        .args(["--color", "never", "validate"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn bad_flag_values_name_the_flag() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let not_utf8 = OsStr::from_bytes(b"paris\xff");
    for (args, flag) in [
        (
            vec![OsStr::new("run"), OsStr::new("--packages"), not_utf8],
            "--packages",
        ),
        (
            vec![
                OsStr::new("explain"),
                OsStr::new("--scenario"),
                not_utf8,
                OsStr::new("-p"),
                OsStr::new("x"),
            ],
            "--scenario",
        ),
    ] {
        let out = cmd().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("{flag}: the value `paris")), "{err}");
        assert!(err.contains("not valid UTF-8"), "{err}");
    }
    for (args, needle) in [
        (
            vec!["chart", ".", "--width", "-5"],
            "'--width <PX>': expected a width in pixels",
        ),
        (
            vec!["chart", ".", "--height", "-1"],
            "'--height <PX>': expected a height in pixels",
        ),
        (
            vec!["explain", "-p", "x", "-s", "y", "--run", "-1"],
            "'--run <RUN>': expected a run index",
        ),
        (
            vec!["explain", "-p", "x", "-s", "y", "--seed", "-1"],
            "'--seed <SEED>': expected a whole number",
        ),
    ] {
        let out = cmd().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
