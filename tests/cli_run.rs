//! `guarantee-sim run` end to end: outputs, reproducibility, replay,
//! interrupts and bad input.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;
use predicates::prelude::*;

const OUTPUTS: [&str; 7] = [
    "summary.csv",
    "survival.csv",
    "guarantors.csv",
    "robustness.csv",
    "infeasible.csv",
    "pairs.csv",
    "manifest.json",
];

fn sim() -> Command {
    let mut c = Command::cargo_bin("guarantee-sim").unwrap();
    c.env("NO_COLOR", "1");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs the bundled file into `dir`. Charts and reports are left out
/// (`--no-charts`) unless `extra` has `--charts`, to keep the tests quick;
/// tests/cli_chart.rs and tests/report_*.rs cover them.
fn run_into(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut c = sim();
    c.args(["run", "scenarios/paris-2026.toml", "--out"])
        .arg(dir);
    if extra.contains(&"--charts") {
        c.args(extra.iter().filter(|a| **a != "--charts"));
    } else {
        c.args(extra).arg("--no-charts");
    }
    c.output().unwrap()
}

/// Asserts that a command succeeded, showing its errors if not.
fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The manifest a run wrote into `dir`.
fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(dir, "manifest.json")).unwrap()
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn run_writes_every_output_and_prints_the_ranking() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), &["--runs", "60", "--per-run", "--charts"]);
    assert_ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ranked by worst case"), "{stdout}");
    for package in ["paris-draft", "porcupine", "no-guarantee", "tripwire-line"] {
        assert!(
            stdout.contains(package),
            "{package} missing from the ranking"
        );
    }
    assert!(
        stdout.contains("us-ground-troops"),
        "infeasible package not listed"
    );
    for name in OUTPUTS
        .iter()
        .chain(["runs.csv", "report.html", "report.md"].iter())
    {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
    for chart in [
        "heatmap",
        "robustness",
        "hold-rate-renewed-attack",
        "survival-grey-zone",
        "survival-all-runs-grey-zone",
    ] {
        for ext in ["png", "svg"] {
            let path = dir.path().join("charts").join(format!("{chart}.{ext}"));
            assert!(path.is_file(), "{} missing", path.display());
        }
    }
    assert!(stdout.contains("report.html"), "{stdout}");
    let summary = String::from_utf8(read(dir.path(), "summary.csv")).unwrap();
    // 7 feasible packages x 6 scenarios, plus the header.
    assert_eq!(summary.lines().count(), 1 + 7 * 6);
    // Every two of the 7 packages in both directions, under each of the 6 scenarios.
    let pairs = String::from_utf8(read(dir.path(), "pairs.csv")).unwrap();
    assert_eq!(pairs.lines().count(), 1 + 7 * 6 * 6);
    assert!(!summary.contains("us-ground-troops"));
    let infeasible = String::from_utf8(read(dir.path(), "infeasible.csv")).unwrap();
    assert!(infeasible.contains("us-ground-troops") && infeasible.contains("us-no-ground-troops"));
    let runs = String::from_utf8(read(dir.path(), "runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 60 * 7 * 6);
    let manifest = manifest(dir.path());
    assert_eq!(manifest["status"], "complete");
    assert_eq!(manifest["runs_completed"], 60);
    assert!(
        manifest["scenario_resolved"]
            .as_str()
            .unwrap()
            .contains("paris-draft")
    );
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);
    // No temporary files are left behind.
    for entry in fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left over: {name}");
    }
}

#[test]
fn outputs_are_byte_identical_for_one_and_two_threads_and_differ_for_another_seed() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let args = [
        "--runs",
        "300",
        "--scenarios",
        "renewed-attack,grey-zone",
        "--per-run",
    ];
    for (dir, threads, seed) in [(&one, "1", "5"), (&two, "2", "5"), (&other, "2", "6")] {
        let mut a = args.to_vec();
        a.extend(["--threads", threads, "--seed", seed]);
        let out = run_into(dir.path(), &a);
        assert_ok(&out);
    }
    for name in OUTPUTS
        .iter()
        .filter(|n| **n != "manifest.json")
        .chain(["runs.csv"].iter())
    {
        assert_eq!(
            read(one.path(), name),
            read(two.path(), name),
            "{name} differs by thread count"
        );
    }
    assert_ne!(
        read(one.path(), "summary.csv"),
        read(other.path(), "summary.csv")
    );
    assert_ne!(read(one.path(), "runs.csv"), read(other.path(), "runs.csv"));
}

#[test]
fn replay_reproduces_a_run_exactly() {
    let first = tempfile::tempdir().unwrap();
    let again = tempfile::tempdir().unwrap();
    let out = run_into(
        first.path(),
        &[
            "--runs",
            "120",
            "--seed",
            "77",
            "--packages",
            "paris-draft,porcupine",
            "--reference",
            "porcupine",
        ],
    );
    assert_ok(&out);
    let out = sim()
        .args(["run", "--replay"])
        .arg(first.path().join("manifest.json"))
        .arg("--out")
        .arg(again.path())
        .args(["--threads", "1", "--no-charts"])
        .output()
        .unwrap();
    assert_ok(&out);
    for name in OUTPUTS.iter().filter(|n| **n != "manifest.json") {
        assert_eq!(
            read(first.path(), name),
            read(again.path(), name),
            "{name} differs on replay"
        );
    }
    let a = manifest(first.path());
    let b = manifest(again.path());
    for key in [
        "scenario_sha256",
        "seed",
        "runs_completed",
        "packages",
        "scenarios",
        "reference",
    ] {
        assert_eq!(a[key], b[key], "manifest field {key}");
    }
}

#[test]
fn precision_mode_records_that_the_target_was_met() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(
        dir.path(),
        &[
            "--runs",
            "250",
            "--precision",
            "0.05",
            "--packages",
            "no-guarantee",
            "--scenarios",
            "ceasefire-holds",
        ],
    );
    assert_ok(&out);
    let m = manifest(dir.path());
    assert_eq!(m["precision"]["met"], true);
    let summary = String::from_utf8(read(dir.path(), "summary.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(summary.as_bytes());
    for row in rows.deserialize::<std::collections::HashMap<String, String>>() {
        let row = row.unwrap();
        let lo: f64 = row["hold_lower"].parse().unwrap();
        let hi: f64 = row["hold_upper"].parse().unwrap();
        assert!((hi - lo) / 2.0 <= 0.05 + 1e-9);
    }
}

#[test]
fn an_interrupted_run_writes_partial_results_and_says_so() {
    interrupt_with("INT");
}

#[test]
fn sigterm_and_sighup_save_finished_runs_like_ctrl_c() {
    interrupt_with("TERM");
    interrupt_with("HUP");
}

/// Sends `signal` to a long run once work is under way; the finished runs
/// must be written, marked partial, with no temporary file left.
fn interrupt_with(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let child = sim()
        .args([
            "run",
            "scenarios/paris-2026.toml",
            // One cell, so that 1,000,000 runs with --per-run (runs.csv and
            // the checkpoint's records) fit the disk check of a machine
            // with a few GB free.
            "--packages",
            "paris-draft",
            "--scenarios",
            "renewed-attack",
            "--runs",
            "1000000",
            "--threads",
            "2",
            "--per-run",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until work is under way (the output folder exists), then signal.
    let start = Instant::now();
    while !dir.path().join(".").exists() || start.elapsed() < Duration::from_millis(1500) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "SIG{signal}: {stderr}");
    assert!(stderr.contains("PARTIAL"), "{stderr}");
    let m = manifest(dir.path());
    assert_eq!(m["status"], "partial");
    assert!(m["runs_completed"].as_u64().unwrap() < 1_000_000);
    assert!(dir.path().join("summary.csv").is_file());
    assert!(dir.path().join("runs.csv").is_file());
    let temporaries: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(temporaries.is_empty(), "left behind: {temporaries:?}");
}

fn fails_with(args: &[&str], needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = sim();
    c.args(["run", "scenarios/paris-2026.toml", "--out"])
        .arg(dir.path())
        .args(args);
    c.assert()
        .failure()
        .stderr(predicate::str::contains(needle))
        .stderr(predicate::str::contains("panicked").not());
    assert!(
        !dir.path().join("summary.csv").exists(),
        "no work may start on bad input"
    );
}

#[test]
fn bad_run_counts_are_refused_before_any_work() {
    fails_with(&["--runs", "0"], "at least 1");
    fails_with(&["--runs", "-5"], "whole number");
    fails_with(&["--runs", "many"], "whole number");
    fails_with(&["--seed", "-1"], "whole number");
    fails_with(&["--threads", "0"], "threads");
    fails_with(&["--precision", "2"], "half-width");
}

#[test]
fn unknown_names_get_the_closest_suggestion() {
    fails_with(&["--packages", "paris-drat"], "did you mean `paris-draft`");
    fails_with(
        &["--scenarios", "renewed-atack"],
        "did you mean `renewed-attack`",
    );
    fails_with(&["--reference", "porcupin"], "did you mean `porcupine`");
}

#[test]
fn an_infeasible_only_selection_is_refused_with_its_reason() {
    fails_with(&["--packages", "us-ground-troops"], "us-no-ground-troops");
}

#[test]
fn an_unwritable_output_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    sim()
        .args(["run", "scenarios/paris-2026.toml", "--runs", "10", "--out"])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a folder"));
    sim()
        .args(["run", "scenarios/paris-2026.toml", "--runs", "10", "--out"])
        .arg(file.join("below"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot create the output folder"));
}

#[test]
fn run_counts_and_precision_targets_have_sane_bounds() {
    fails_with(&["--runs", "2000000000"], "at most 1000000000");
    fails_with(&["--precision", "0.00001"], "half-width");
    fails_with(
        &[
            "--precision",
            "0.05",
            "--runs",
            "2000",
            "--max-runs",
            "1000",
        ],
        "more than --max-runs",
    );
    fails_with(
        &["--precision", "0.05", "--max-runs", "100"],
        "--max-runs: must be at least 250",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(
        dir.path(),
        &[
            "--precision",
            "0.2",
            "--max-runs",
            "500",
            "--scenarios",
            "grey-zone",
        ],
    );
    assert_ok(&out);
    let m = manifest(dir.path());
    assert!(m["runs_completed"].as_u64().unwrap() <= 500, "{m}");
}

#[test]
fn a_hand_edited_manifest_is_checked_like_the_command_line() {
    let first = tempfile::tempdir().unwrap();
    let out = run_into(first.path(), &["--runs", "20", "--scenarios", "grey-zone"]);
    assert_ok(&out);
    let path = first.path().join("manifest.json");
    let mut m = manifest(first.path());
    let again = tempfile::tempdir().unwrap();
    let replay_fails_with = |m: &serde_json::Value, needle: &str| {
        fs::write(&path, m.to_string()).unwrap();
        sim()
            .args(["run", "--no-charts", "--replay"])
            .arg(&path)
            .arg("--out")
            .arg(again.path())
            .assert()
            .failure()
            .stderr(predicate::str::contains(needle))
            .stderr(predicate::str::contains("panicked").not());
    };
    let manifest_named = format!("--replay {}", path.display());
    m["runs_requested"] = 0.into();
    replay_fails_with(&m, &manifest_named);
    replay_fails_with(&m, "field `runs_requested`: must be at least 1");
    m["runs_requested"] = 20.into();
    m["precision"] = serde_json::json!({ "half_width": 0.0, "max_runs": 1000, "met": true });
    replay_fails_with(&m, "field `precision.half_width`");
    m["precision"] = serde_json::Value::Null;
    // Another scenario under the old hash is refused, not replayed.
    let resolved = m["scenario_resolved"].as_str().unwrap().to_string();
    m["scenario_resolved"] = resolved.replacen("seed = ", "seed = 1", 1).into();
    replay_fails_with(&m, "scenario_sha256");
}

#[test]
fn a_special_file_as_manifest_is_refused_without_blocking() {
    for path in ["/dev/zero", "/dev/stdin"] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = sim()
            .args(["run", "--no-charts", "--replay", path, "--out"])
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("--replay {path} blocked");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

#[test]
fn a_new_run_clears_the_earlier_runs_results_from_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(
        dir.path(),
        &["--runs", "20", "--scenarios", "grey-zone", "--per-run"],
    );
    assert_ok(&out);
    assert!(dir.path().join("runs.csv").is_file());
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = run_into(
        dir.path(),
        &["--runs", "20", "--scenarios", "grey-zone", "--seed", "9"],
    );
    assert_ok(&out);
    assert!(
        !dir.path().join("runs.csv").exists(),
        "a stale runs.csv survived"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    let m = manifest(dir.path());
    assert_eq!(m["seed"], 9);
}

#[test]
fn rank_by_reorders_the_ranking_records_the_criterion_and_replays_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (worst, deter) = (tmp.path().join("worst"), tmp.path().join("deter"));
    assert_ok(&run_into(&worst, &["--runs", "300"]));
    let out = run_into(&deter, &["--runs", "300", "--rank-by", "deterrence"]);
    assert_ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ranked by worst-case deterrence rate"),
        "the terminal says what the ranking means"
    );
    let rows = |dir: &Path| -> Vec<csv::StringRecord> {
        csv::Reader::from_path(dir.join("robustness.csv"))
            .unwrap()
            .records()
            .map(|r| r.unwrap())
            .collect()
    };
    let header = csv::Reader::from_path(deter.join("robustness.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let deterred = rows(&deter);
    assert!(
        deterred
            .iter()
            .all(|r| &r[col("ranked_by")] == "deterrence")
    );
    let rates: Vec<f64> = deterred
        .iter()
        .map(|r| r[col("worst_deterrence_rate")].parse().unwrap())
        .collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "{rates:?}");
    // Only the order changes: the same packages with the same numbers.
    let sorted = |rs: Vec<csv::StringRecord>| {
        let mut v: Vec<(String, String)> = rs
            .iter()
            .map(|r| {
                (
                    r[col("package")].to_string(),
                    r[col("mean_hold_rate")].to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(sorted(rows(&worst)), sorted(deterred));
    assert_eq!(read(&worst, "summary.csv"), read(&deter, "summary.csv"));
    assert_eq!(manifest(&deter)["rank_by"], "deterrence");

    let replayed = tmp.path().join("replayed");
    let out = sim()
        .args(["run", "--no-charts", "--replay"])
        .arg(deter.join("manifest.json"))
        .arg("--out")
        .arg(&replayed)
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(
        read(&deter, "robustness.csv"),
        read(&replayed, "robustness.csv")
    );
}

#[test]
fn too_many_packages_are_refused_before_any_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = fs::read_to_string("tests/fixtures/minimal.toml").unwrap();
    for i in 0..300 {
        text += &format!(
            "\n[[packages]]\nid = \"aid-{i}\"\nname = \"Aid {i}\"\nlegal_form = \"none\"\nmonitoring = \"none\"\n"
        );
    }
    let file = dir.path().join("many.toml");
    fs::write(&file, text).unwrap();
    let out_dir = dir.path().join("out");
    let out = sim()
        .args(["run", "--runs", "1", "--no-charts", "--out"])
        .arg(&out_dir)
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("302 packages selected"), "{stderr}");
    assert!(stderr.contains("at most 200"), "{stderr}");
    assert!(stderr.contains("--packages"), "{stderr}");
    assert!(!out_dir.join("summary.csv").exists());
    // A selection within the bound runs.
    let out = sim()
        .args([
            "run",
            "--runs",
            "1",
            "--no-charts",
            "--packages",
            "aid-1,aid-2",
            "--out",
        ])
        .arg(&out_dir)
        .arg(&file)
        .output()
        .unwrap();
    assert_ok(&out);
}
