//! `guarantee-sim chart DIR` redraws a run's charts from its CSV files.

use std::fs;
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

fn sim() -> Command {
    let mut c = Command::cargo_bin("guarantee-sim").unwrap();
    c.env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn chart_reproduces_the_runs_charts_byte_for_byte_and_names_broken_files() {
    let dir = tempfile::tempdir().unwrap();
    sim()
        .args([
            "run",
            "scenarios/paris-2026.toml",
            "--runs",
            "40",
            "--scenarios",
            "renewed-attack,grey-zone",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let charts = dir.path().join("charts");
    let mut originals: Vec<(String, Vec<u8>)> = fs::read_dir(&charts)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    originals.sort();
    assert!(
        originals.len() >= 12,
        "expected the charts of two scenarios, got {}",
        originals.len()
    );
    fs::remove_dir_all(&charts).unwrap();

    sim().arg("chart").arg(dir.path()).assert().success();
    for (name, bytes) in &originals {
        let again = fs::read(charts.join(name)).unwrap();
        assert!(&again == bytes, "{name} differs when redrawn");
    }

    sim()
        .arg("chart")
        .arg(dir.path())
        .args([
            "--format", "svg", "--only", "heatmap", "--width", "800", "--height", "600",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 chart files"));
    assert!(
        fs::read_to_string(charts.join("heatmap.svg"))
            .unwrap()
            .contains("width=\"800\"")
    );

    sim()
        .arg("chart")
        .arg(dir.path())
        .args(["--only", "pie"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("invalid value 'pie'"))
        .stderr(predicate::str::contains("not a chart"))
        .stderr(predicate::str::contains("expected one of: heatmap"));
    sim()
        .arg("chart")
        .arg(dir.path())
        .args(["--only", "survivl"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("did you mean `survival`?"));
    // The fuzz test's case: a long value once made a 217-character line.
    let long_value = "x".repeat(100);
    let out = sim()
        .arg("chart")
        .arg(dir.path())
        .args(["--only", long_value.as_str()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let widest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 200, "a line of {widest} characters:\n{stderr}");

    // A number no run can produce is refused with its file and line, not drawn.
    let summary = fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    let mut lines: Vec<String> = summary.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = header.iter().position(|h| *h == "hold_rate").unwrap();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    cells[column] = "1e308".to_string();
    lines[2] = cells.join(",");
    fs::write(dir.path().join("summary.csv"), lines.join("\n") + "\n").unwrap();
    sim()
        .arg("chart")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("summary.csv, line 3"))
        .stderr(predicate::str::contains("hold_rate"))
        .stderr(predicate::str::contains("panicked").not());
    fs::write(dir.path().join("summary.csv"), summary).unwrap();

    fs::write(dir.path().join("survival.csv"), "scenario,package\nbroken").unwrap();
    sim()
        .arg("chart")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("survival.csv"))
        .stderr(predicate::str::contains("panicked").not());
    fs::remove_file(dir.path().join("summary.csv")).unwrap();
    sim()
        .arg("chart")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("summary.csv"));
    sim()
        .arg("chart")
        .arg(dir.path().join("nowhere"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not a folder"));
}

/// A small run's output folder, tables only.
fn minimal_run() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    sim()
        .args([
            "run",
            "tests/fixtures/minimal.toml",
            "--runs",
            "10",
            "--no-charts",
            "-q",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    dir
}

/// `chart` on a run's folder whose summary.csv was replaced by `summary`
/// (`{ORIGINAL}` stands for the run's own); returns the error it printed.
fn chart_with_summary(summary: &str) -> String {
    let dir = minimal_run();
    let original = fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    fs::write(
        dir.path().join("summary.csv"),
        summary.replace("{ORIGINAL}", &original),
    )
    .unwrap();
    let out = sim().arg("chart").arg(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !dir.path().join("charts").exists()
            || fs::read_dir(dir.path().join("charts")).unwrap().count() == 0,
        "charts drawn from a broken table"
    );
    err
}

#[test]
fn an_empty_or_hostile_summary_is_refused_with_line_and_column_name() {
    let err = chart_with_summary("");
    assert!(
        err.contains("summary.csv, line 1: the file is empty"),
        "{err}"
    );
    let err = chart_with_summary("scenario,package\n");
    assert!(err.contains("summary.csv"), "{err}");

    let dir = minimal_run();
    let text = fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[4] = "abc"; // hold_rate
    lines[2] = cells.join(",");
    let broken = lines.join("\n") + "\n";
    let err = chart_with_summary(&broken);
    assert!(
        err.contains("summary.csv, line 3: column `hold_rate`"),
        "{err}"
    );

    let mut many = String::from("{ORIGINAL}");
    for i in 0..1000 {
        let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        cells[1] = format!("p{i}");
        many += &(cells.join(",") + "\n");
    }
    let err = chart_with_summary(&many);
    assert!(err.contains("1002 packages"), "{err}");
    assert!(err.contains("at most 200 packages"), "{err}");
}

#[test]
fn a_size_smaller_than_the_charts_are_laid_out_for_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, value) in [("--width", "639"), ("--height", "399")] {
        sim()
            .arg("chart")
            .arg(dir.path())
            .args([flag, value])
            .assert()
            .failure()
            .stderr(
                predicate::str::contains(value).and(
                    predicate::str::contains("from 640 to 4000")
                        .or(predicate::str::contains("from 400 to 4000")),
                ),
            );
    }
}
