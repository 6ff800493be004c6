//! `--resume DIR`: a study stopped at a random point (SIGKILL, SIGTERM)
//! resumes from its checkpoint to the bytes of a study never stopped, for
//! `run`, a shard, a sweep and a sensitivity study; a resume that is not the same
//! study is refused, naming what differs and leaving the folder as it was.

mod cluster_support;

use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use cluster_support::{assert_same_outputs, files, fixture, ok, refused, sim};
use rand::RngExt as _;
use tempfile::TempDir;

fn spawn(dir: &Path, args: &[&str]) -> Child {
    StdCommand::new(assert_cmd::cargo::cargo_bin("guarantee-sim"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts")
}

fn checkpointed(out: &Path) -> usize {
    std::fs::read_dir(out.join(".checkpoint/blocks"))
        .map(|e| {
            e.flatten()
                .filter(|f| f.file_name().to_string_lossy().starts_with("block-"))
                .count()
        })
        .unwrap_or(0)
}

/// Starts a study and stops it once `blocks` blocks are checkpointed:
/// SIGKILL (no chance to clean up) or SIGTERM (the clean stop).
fn stop_after(dir: &Path, args: &[&str], out: &str, blocks: usize, signal: i32) -> Child {
    let mut child = spawn(dir, args);
    let start = Instant::now();
    while checkpointed(&dir.join(out)) < blocks {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the study finished before {blocks} blocks were checkpointed"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no checkpoint appears"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: kill(2) on a child this test started and has not reaped.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0);
    child
}

/// Starts the study `args` (output folder `out`), stops it with `signal`
/// once a random number of blocks (in `between`) is checkpointed, checks
/// how it ended with `stopped` (given its exit status), resumes it with the
/// same arguments and `--resume out`, and checks that the resume kept at
/// least those blocks.
fn stop_and_resume(
    dir: &Path,
    args: &[&str],
    out: &str,
    between: std::ops::RangeInclusive<usize>,
    signal: i32,
    stopped: impl Fn(std::process::ExitStatus),
) {
    let blocks = rand::rng().random_range(between);
    let mut victim = stop_after(dir, args, out, blocks, signal);
    stopped(victim.wait().unwrap());
    let mut resume = args.to_vec();
    resume.extend(["--resume", out]);
    let result = sim(dir, &resume);
    let note = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "resume failed:\n{note}");
    assert!(
        kept(&note) >= blocks,
        "kept fewer than the {blocks} checkpointed: {note}"
    );
    assert!(
        !dir.join(out).join(".checkpoint").exists(),
        "a finished study removes its checkpoint"
    );
}

/// A study stopped cleanly: exit 130, what finished written and marked
/// partial, and the checkpoint kept for `--resume`.
fn wrote_partial(out: &Path, status: std::process::ExitStatus) {
    assert_eq!(status.code(), Some(130));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"status\": \"partial\""), "{manifest}");
    assert!(
        out.join(".checkpoint").is_dir(),
        "an interrupted study keeps its checkpoint"
    );
}

/// Blocks the resume said it kept.
fn kept(note: &str) -> usize {
    let at = note.find("resuming ").expect("a resume note");
    note[at..]
        .split(": ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {note}"))
}

/// 10,000 runs of the fixture (two scenarios: 80 blocks), on one thread so
/// that the stop comes while most blocks are still to do.
fn long_run<'a>(file: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "run",
        file,
        "--runs",
        "10000",
        "--no-charts",
        "--threads",
        "1",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn a_run_killed_at_a_random_point_resumes_to_the_bytes_of_one_never_stopped() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    ok(d, &long_run(&file, "reference", &[]));
    let killed_early = |status: std::process::ExitStatus| {
        assert!(!status.success());
        assert!(
            !d.join("victim/manifest.json").exists(),
            "killed before it finished"
        );
    };
    let victim = long_run(&file, "victim", &[]);
    stop_and_resume(d, &victim, "victim", 1..=40, libc::SIGKILL, killed_early);
    assert_same_outputs(&d.join("reference"), &d.join("victim"));

    // A shard killed the same way resumes, and merges with the other shard
    // into the same bytes.
    let shard_killed = |status: std::process::ExitStatus| {
        assert!(!status.success());
        assert!(!d.join("shard-0/shard.json").exists());
    };
    let shard = long_run(&file, "shard-0", &["--shard", "0/2"]);
    stop_and_resume(d, &shard, "shard-0", 1..=20, libc::SIGKILL, shard_killed);
    ok(d, &long_run(&file, "shard-1", &["--shard", "1/2"]));
    ok(
        d,
        &["merge", "shard-0", "shard-1", "--out", "merged", "--quiet"],
    );
    assert_same_outputs(&d.join("reference"), &d.join("merged"));
}

#[test]
fn a_run_stopped_by_sigterm_writes_partial_results_and_resumes_to_the_full_bytes() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    // Every output: charts, reports, runs.csv.
    let args = |out: &'static str| {
        vec![
            "run",
            file.as_str(),
            "--runs",
            "2500",
            "--per-run",
            "--threads",
            "1",
            "--out",
            out,
        ]
    };
    ok(d, &args("reference"));
    let partial = |status| wrote_partial(&d.join("victim"), status);
    stop_and_resume(d, &args("victim"), "victim", 1..=10, libc::SIGTERM, partial);
    assert_same_outputs(&d.join("reference"), &d.join("victim"));
}

#[test]
fn a_sensitivity_study_killed_at_a_random_point_resumes_to_the_same_bytes() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    // 4 trajectories of 2 points, 3 blocks each: 24 blocks.
    let args = |out: &'static str| {
        vec![
            "sensitivity",
            "--param",
            "scenarios.renewed-attack.coefficients.russia_intent=0.2..1",
            "--samples",
            "4",
            "--runs",
            "750",
            "--scenarios",
            "renewed-attack",
            "--packages",
            "no-guarantee,paris-draft",
            "--threads",
            "1",
            "--out",
            out,
        ]
    };
    ok(d, &args("reference"));
    let nothing_written = |status: std::process::ExitStatus| {
        assert!(!status.success());
        assert!(!d.join("victim/sensitivity.csv").exists());
    };
    stop_and_resume(
        d,
        &args("victim"),
        "victim",
        1..=12,
        libc::SIGKILL,
        nothing_written,
    );
    assert_same_outputs(&d.join("reference"), &d.join("victim"));
}

/// A sweep stopped by SIGTERM writes the points that finished (partial,
/// exit 130) and keeps its checkpoint; resumed, it writes every file as a
/// sweep never stopped would, the partial sweep.csv, charts and report
/// replaced.
#[test]
fn a_sweep_stopped_by_sigterm_resumes_to_the_bytes_of_one_never_stopped() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    // 6 points x 2 scenarios x 2 blocks: 24 blocks, a point's 4 in a row
    // on one thread; charts and report too.
    let args = |out: &'static str| {
        vec![
            "sweep",
            file.as_str(),
            "--param",
            "countries.united-states.resolve=0.1..0.9:6",
            "--runs",
            "500",
            "--threads",
            "1",
            "--out",
            out,
        ]
    };
    ok(d, &args("reference"));
    let partial = |status| {
        wrote_partial(&d.join("victim"), status);
        assert!(d.join("victim/sweep.csv").is_file());
    };
    // Stopped once at least one point (4 blocks) is checkpointed, so that
    // the resume replaces a partial sweep.csv, charts and report.
    stop_and_resume(d, &args("victim"), "victim", 5..=16, libc::SIGTERM, partial);
    assert_same_outputs(&d.join("reference"), &d.join("victim"));
}

#[test]
fn a_resume_that_is_not_the_stopped_study_is_refused_naming_what_differs() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    let args = |extra: &[&'static str]| long_run(&file, "victim", extra);
    // Stopped cleanly, so the folder holds partial results as well.
    let mut victim = stop_after(d, &args(&[]), "victim", 1, libc::SIGTERM);
    wrote_partial(&d.join("victim"), victim.wait().unwrap());
    let before = files(&d.join("victim"));
    let untouched = || {
        assert!(
            files(&d.join("victim")) == before,
            "a refused resume changed the folder"
        );
    };

    let err = refused(d, &args(&["--resume", "victim", "--seed", "7"]));
    assert!(
        err.contains("not the study that was interrupted") && err.contains("seed: 7 vs 42"),
        "{err}"
    );
    untouched();
    let fewer = [
        "run",
        file.as_str(),
        "--runs",
        "500",
        "--no-charts",
        "--out",
        "victim",
        "--resume",
        "victim",
    ];
    let err = refused(d, &fewer);
    assert!(err.contains("runs_requested: 500 vs 10000"), "{err}");
    let err = refused(d, &args(&["--resume", "victim", "--shard", "0/2"]));
    assert!(err.contains("shard: 0/2 vs none"), "{err}");
    untouched();
    // A new run there would throw the checkpoint away: refused, unless --force.
    let err = refused(d, &args(&[]));
    assert!(
        err.contains("checkpoint of an interrupted study") && err.contains("--resume victim"),
        "{err}"
    );
    assert!(
        d.join("victim/.checkpoint").exists(),
        "refusals keep the checkpoint"
    );
    let err = refused(d, &["run", file.as_str(), "--resume", "elsewhere"]);
    assert!(err.contains("nothing to resume"), "{err}");
    let err = refused(d, &args(&["--resume", "other"]));
    assert!(err.contains("name different folders"), "{err}");
    ok(
        d,
        &[
            "run",
            file.as_str(),
            "--runs",
            "300",
            "--no-charts",
            "--out",
            "victim",
            "--force",
            "--quiet",
        ],
    );
    assert!(!d.join("victim/.checkpoint").exists());
}
