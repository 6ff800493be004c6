//! The output folder rules of `run`: what a run may clear, `--force`, and
//! the lock that keeps two runs out of one folder.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::prelude::*;

/// A small run of the fixture into `dir` (20 runs unless `extra` says).
fn run_into(dir: &Path, extra: &[&str]) -> Output {
    let runs = if extra.contains(&"--runs") {
        &[][..]
    } else {
        &["--runs", "20"][..]
    };
    Command::cargo_bin("guarantee-sim")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "tests/fixtures/minimal.toml", "--no-charts"])
        .args(runs)
        .arg("--out")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_folder_of_the_users_own_files_is_refused_and_left_intact() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("report.md"), "my own notes").unwrap();
    fs::write(dir.path().join("summary.csv"), "my,own\n1,2\n").unwrap();
    fs::create_dir(dir.path().join("charts")).unwrap();
    fs::write(dir.path().join("charts/heatmap-final.png"), "my picture").unwrap();
    let out = run_into(dir.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(err.contains("report.md"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("report.md")).unwrap(),
        "my own notes"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("summary.csv")).unwrap(),
        "my,own\n1,2\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("charts/heatmap-final.png")).unwrap(),
        "my picture"
    );
    assert!(!dir.path().join("manifest.json").exists());
}

#[test]
fn force_replaces_only_the_tools_own_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("summary.csv"), "my,own\n").unwrap();
    fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
    let out = run_into(dir.path(), &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(
        fs::read_to_string(dir.path().join("summary.csv")).unwrap(),
        "my,own\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn a_new_or_empty_folder_or_an_earlier_run_may_be_cleared() {
    let parent = tempfile::tempdir().unwrap();
    let new = parent.path().join("new/deeper");
    let out = run_into(&new, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The same folder again: it holds an earlier run, whose files go.
    fs::write(new.join("report.md"), "stale report of the earlier run").unwrap();
    let out = run_into(&new, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !new.join("report.md").exists(),
        "--no-charts run kept a stale report"
    );
    let empty = tempfile::tempdir().unwrap();
    let out = run_into(empty.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_manifest_of_another_tool_does_not_vouch_for_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("manifest.json"), r#"{"tool": "other"}"#).unwrap();
    let out = run_into(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("manifest.json")).unwrap(),
        r#"{"tool": "other"}"#
    );
}

#[test]
fn a_second_run_into_a_locked_folder_is_refused_with_the_holders_pid() {
    let dir = tempfile::tempdir().unwrap();
    // This test process plays the first run: it holds the lock as a run does.
    let mut lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(dir.path().join(".guarantee-sim.lock"))
        .unwrap();
    fs4::FileExt::try_lock(&lock).unwrap();
    writeln!(lock, "4242").unwrap();
    let out = run_into(dir.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("4242"), "{err}");
    assert!(err.contains("in use"), "{err}");
    assert!(!dir.path().join("summary.csv").exists());
    drop(lock);
    let out = run_into(dir.path(), &[]);
    assert!(
        out.status.success(),
        "lock not free after its holder ended: {}",
        stderr(&out)
    );
}

#[test]
fn stale_temporaries_of_a_killed_run_are_cleared() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".runs.csv.999999.tmp"), "half").unwrap();
    let out = run_into(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.path().join(".runs.csv.999999.tmp").exists());
}

#[test]
fn a_charts_path_that_is_a_file_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("manifest.json"),
        r#"{"tool": "guarantee-sim"}"#,
    )
    .unwrap();
    fs::write(dir.path().join("charts"), "not a folder").unwrap();
    let out = run_into(dir.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("charts"), "{err}");
    assert!(
        !dir.path().join("summary.csv").exists(),
        "work started: {err}"
    );
}

#[test]
fn a_run_that_would_fill_the_disk_is_refused_before_any_work() {
    // A billion runs per cell with --per-run is terabytes of runs.csv.
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), &["--per-run", "--runs", "1000000000"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("MB free, but this run writes about"), "{err}");
    assert!(!dir.path().join("summary.csv").exists());
    assert!(
        !dir.path().join(".checkpoint").exists(),
        "a refused run leaves no checkpoint to resume"
    );
}

#[test]
fn an_exploration_that_would_fill_the_disk_is_refused_before_any_work() {
    // A billion runs at each of the design's points: terabytes of
    // checkpointed blocks (and, for discover, of every run's record).
    let resolve = "countries.united-states.resolve=0.1..0.9";
    let studies: [&[&str]; 3] = [
        &[
            "sweep",
            "--param",
            "countries.united-states.resolve=0.1..0.9:100",
        ],
        &["sensitivity", "--method", "sobol", "--param", resolve],
        &["discover", "--package", "aid-only", "--param", resolve],
    ];
    for study in studies {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::cargo_bin("guarantee-sim")
            .unwrap()
            .env("NO_COLOR", "1")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&study[..1])
            .arg("tests/fixtures/minimal.toml")
            .args(&study[1..])
            .args(["--runs", "1000000000", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", study[0]);
        assert!(err.contains("MB free, but this run writes about"), "{err}");
        assert!(err.contains("fewer points"), "{err}");
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n != ".guarantee-sim.lock")
            .collect();
        assert!(left.is_empty(), "{}: work started: {left:?}", study[0]);
    }
}
