//! `guarantee-sim sweep`: a tidy sweep.csv, paired points, byte-identical
//! at any thread count, and every bad request refused before any run.

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

/// The built-in scenario file (the temp folder has no `scenarios/`), few
/// runs, two packages under one scenario.
fn sweep(dir: &Path, params: &[&str], extra: &[&str]) -> std::process::Output {
    let mut c = Command::cargo_bin("guarantee-sim").expect("binary built");
    c.env("NO_COLOR", "1").current_dir(dir).arg("sweep");
    for p in params {
        c.arg("--param").arg(p);
    }
    c.args(["--runs", "250", "--scenarios", "renewed-attack", "--quiet"])
        .args(extra)
        .output()
        .expect("runs")
}

/// Runs a sweep that must succeed into `dir/out`; returns sweep.csv's rows.
fn rows(dir: &Path, params: &[&str], extra: &[&str]) -> Vec<Vec<String>> {
    let out = sweep(dir, params, &[&["--out", "out"], extra].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "sweep failed:\n{stderr}");
    let mut reader = csv::Reader::from_path(dir.join("out/sweep.csv")).expect("sweep.csv");
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut all = vec![header];
    all.extend(
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect()),
    );
    all
}

/// Refused with exit code 1 or 2, no panic, and no sweep.csv; returns stderr.
fn refused(params: &[&str]) -> String {
    let dir = TempDir::new().unwrap();
    let out = sweep(dir.path(), params, &["--out", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{:?}\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.path().join("out/sweep.csv").exists());
    stderr
}

const US_RESOLVE: &str = "countries.united-states.resolve=0.1..0.9:3";
const PACKAGES: [&str; 2] = ["--packages", "no-guarantee,paris-draft"];

#[test]
fn one_parameter_gives_one_tidy_row_per_point_package_and_scenario() {
    let dir = TempDir::new().unwrap();
    let table = rows(dir.path(), &[US_RESOLVE], &PACKAGES);
    assert_eq!(
        table[0],
        [
            "countries.united-states.resolve",
            "package",
            "scenario",
            "runs",
            "holds",
            "hold_rate",
            "hold_lower",
            "hold_upper",
            "deterred",
            "deterrence_rate",
            "deterrence_lower",
            "deterrence_upper"
        ]
    );
    let points: Vec<(&str, &str)> = table[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        points,
        [
            ("0.1", "no-guarantee"),
            ("0.1", "paris-draft"),
            ("0.5", "no-guarantee"),
            ("0.5", "paris-draft"),
            ("0.9", "no-guarantee"),
            ("0.9", "paris-draft"),
        ]
    );
    for r in &table[1..] {
        let (rate, lo, hi): (f64, f64, f64) = (
            r[5].parse().unwrap(),
            r[6].parse().unwrap(),
            r[7].parse().unwrap(),
        );
        assert_eq!(r[3], "250");
        assert!(lo <= rate && rate <= hi, "{r:?}");
        // Deterred runs are held runs without a major offensive or erosion.
        let (deterred, holds): (u64, u64) = (r[8].parse().unwrap(), r[4].parse().unwrap());
        assert!(deterred <= holds, "{r:?}");
        let (rate, lo, hi): (f64, f64, f64) = (
            r[9].parse().unwrap(),
            r[10].parse().unwrap(),
            r[11].parse().unwrap(),
        );
        assert!(lo <= rate && rate <= hi, "{r:?}");
    }
    // A more resolute United States makes the package it backs hold more.
    let holds = |value: &str| -> u64 {
        table[1..]
            .iter()
            .find(|r| r[0] == value && r[1] == "paris-draft")
            .unwrap()[4]
            .parse()
            .unwrap()
    };
    assert!(holds("0.9") > holds("0.1"), "{table:?}");
}

#[test]
fn a_parameter_the_runs_ignore_gives_an_exactly_flat_sweep() {
    // France's troops in the Paris force cannot touch the no-guarantee
    // package, and every point runs the same random numbers.
    let dir = TempDir::new().unwrap();
    let table = rows(
        dir.path(),
        &["packages.paris-draft.force.troops.france=0..15000:4"],
        &["--packages", "no-guarantee"],
    );
    assert_eq!(table.len(), 1 + 4);
    let values: Vec<&str> = table[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(values, ["0", "5000", "10000", "15000"]);
    assert!(
        table[1..].iter().all(|r| r[4..] == table[1][4..]),
        "{table:?}"
    );
}

#[test]
fn two_parameters_make_a_grid_and_bytes_do_not_depend_on_threads() {
    let params = [
        "countries.united-states.resolve=0.2..0.8:2",
        "scenarios.renewed-attack.coefficients.russia_intent=0.3..0.9:3",
    ];
    let one = TempDir::new().unwrap();
    let two = TempDir::new().unwrap();
    let table = rows(
        one.path(),
        &params,
        &[&PACKAGES[..], &["--threads", "1"]].concat(),
    );
    rows(
        two.path(),
        &params,
        &[&PACKAGES[..], &["--threads", "2"]].concat(),
    );
    assert_eq!(table.len(), 1 + 2 * 3 * 2);
    assert_eq!(
        table[0][..2],
        [
            params[0].split('=').next().unwrap(),
            params[1].split('=').next().unwrap()
        ]
    );
    for file in [
        "sweep.csv",
        "charts/sweep-paris-draft-renewed-attack.svg",
        "charts/sweep-no-guarantee-renewed-attack.png",
        "exploration.html",
        "exploration.md",
    ] {
        let bytes = |d: &TempDir| std::fs::read(d.path().join("out").join(file)).unwrap();
        assert_eq!(bytes(&one), bytes(&two), "{file}");
    }
}

#[test]
fn bad_requests_are_refused_before_any_run() {
    for (params, says) in [
        (
            vec!["countries.untied-states.resolve=0..1"],
            "did you mean `united-states`?",
        ),
        (
            vec!["countries.united-states.name=0..1"],
            "is a string, not a number",
        ),
        (
            vec!["countries.united-states.resolve=0.2..1.5"],
            "0 to 1, found 1.5",
        ),
        (
            vec!["countries.united-states.resolve=0.8..0.2"],
            "range 0.8..0.2 is empty",
        ),
        (
            vec!["countries.united-states.resolve=0..1:1"],
            "at least 2 steps",
        ),
        (vec!["countries.united-states.resolve"], "PATH=LO..HI"),
        (
            vec![
                "countries.united-states.resolve=0..1",
                "countries.united-states.resolve=0..0.5",
            ],
            "named twice",
        ),
        (
            vec![
                "countries.united-states.resolve=0..1",
                "countries.france.resolve=0..1",
                "countries.germany.resolve=0..1",
            ],
            "one or two --param",
        ),
    ] {
        let stderr = refused(&params);
        assert!(
            stderr.contains(says),
            "{params:?}: expected {says:?} in\n{stderr}"
        );
    }
}

#[test]
fn a_package_a_value_makes_infeasible_keeps_its_rows_without_runs() {
    // Germany rules out troops in Ukraine: a German contingent breaks it.
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("german.toml"),
        "extends = \"paris-2026.toml\"\n\n[[packages]]\nid = \"paris-draft\"\n\
         [packages.force.troops]\ngermany = 0\n",
    )
    .unwrap();
    let param = "packages.paris-draft.force.troops.germany=0..1000:2";
    let out = sweep(
        dir.path(),
        &[param],
        &["german.toml", "--packages", "paris-draft", "--out", "out"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("`paris-draft` breaks a hard constraint at 1 of 2 points"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(dir.path().join("out/sweep.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].starts_with("0,paris-draft,renewed-attack,250,"),
        "{text}"
    );
    assert_eq!(lines[2], "1000,paris-draft,renewed-attack,0,0,,,,0,,,");
}

#[test]
fn a_manifest_replays_the_sweep_and_crossovers_are_named() {
    let dir = TempDir::new().unwrap();
    let out = sweep(
        dir.path(),
        &[US_RESOLVE],
        &[&PACKAGES[..], &["--out", "out"]].concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = dir.path().join("out/manifest.json");
    let replay = Command::cargo_bin("guarantee-sim")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "sweep",
            "--replay",
            manifest.to_str().unwrap(),
            "--out",
            "again",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let read = |p: &str| std::fs::read(dir.path().join(p)).unwrap();
    assert_eq!(read("out/sweep.csv"), read("again/sweep.csv"));
    // One parameter: a line chart per scenario.
    assert!(
        dir.path()
            .join("out/charts/sweep-renewed-attack.svg")
            .is_file()
    );
    assert!(
        dir.path()
            .join("out/charts/sweep-renewed-attack.png")
            .is_file()
    );

    // Without --quiet the terminal says where the best package changes, or
    // that it never does; the rows decide which.
    let talk = Command::cargo_bin("guarantee-sim")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "sweep",
            "--param",
            US_RESOLVE,
            "--runs",
            "250",
            "--scenarios",
            "renewed-attack",
        ])
        .args(PACKAGES)
        .args(["--out", "talk"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&talk.stdout);
    let mut reader = csv::Reader::from_path(dir.path().join("talk/sweep.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let best = |value: &str| {
        rows.iter()
            .filter(|r| &r[0] == value)
            .max_by(|a, b| {
                a[5].parse::<f64>()
                    .unwrap()
                    .total_cmp(&b[5].parse::<f64>().unwrap())
            })
            .map(|r| r[1].to_string())
            .unwrap()
    };
    let bests: Vec<String> = ["0.1", "0.5", "0.9"].iter().map(|v| best(v)).collect();
    if bests.windows(2).any(|w| w[0] != w[1]) {
        assert!(stdout.contains("highest hold rate changes"), "{stdout}");
        assert!(stdout.contains(" -> "), "{stdout}");
    } else {
        assert!(stdout.contains("is the same at every point"), "{stdout}");
    }
}

#[test]
fn an_explore_table_in_the_file_stands_in_for_param() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("explore.toml"),
        format!("extends = \"paris-2026.toml\"\n\n[explore]\nparams = [\"{US_RESOLVE}\"]\n"),
    )
    .unwrap();
    let from_file = rows(d, &[], &[&["explore.toml"], &PACKAGES[..]].concat());
    let dir2 = TempDir::new().unwrap();
    let from_flag = rows(dir2.path(), &[US_RESOLVE], &PACKAGES);
    assert_eq!(
        from_file, from_flag,
        "the table and the flag give the same sweep"
    );
    assert_eq!(from_file[0][0], "countries.united-states.resolve");

    // A malformed range is reported where it is written.
    std::fs::write(
        d.join("bad.toml"),
        "extends = \"paris-2026.toml\"\n\n[explore]\nparams = [\"countries.united-states.resolve=0.9..0.1\"]\n",
    )
    .unwrap();
    let out = sweep(d, &[], &["bad.toml", "--out", "bad"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad.toml:4"), "{stderr}");
    assert!(stderr.contains("[explore] params"), "{stderr}");

    // Neither --param nor a table: say how to give them.
    let err = refused(&[]);
    assert!(err.contains("nothing to vary"), "{err}");
    assert!(err.contains("[explore]"), "{err}");
}
