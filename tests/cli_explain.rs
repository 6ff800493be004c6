//! `guarantee-sim explain`: the story of one run, pinned by a snapshot so
//! any change to the model shows up in review.

use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

fn explain(args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("guarantee-sim").unwrap();
    c.env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["explain", "scenarios/paris-2026.toml"])
        .args(args);
    c
}

#[test]
fn explain_tells_a_pinned_story() {
    let out = explain(&[
        "--package",
        "paris-draft",
        "--scenario",
        "renewed-attack",
        "--seed",
        "20260106",
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Outcome:"));
    insta::assert_snapshot!("explain_paris_draft_renewed_attack", text);
}

#[test]
fn explain_json_has_the_same_run_as_data() {
    let out = explain(&[
        "--package",
        "tripwire-line",
        "--scenario",
        "force-strike",
        "--run",
        "3",
        "--format",
        "json",
    ])
    .output()
    .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["package"], "tripwire-line");
    assert_eq!(v["run"], 3);
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.first().unwrap()["event"], "start");
    assert_eq!(events.last().unwrap()["event"], "end");
    assert_eq!(events.last().unwrap()["outcome"], v["outcome"]);
}

#[test]
fn explain_refuses_infeasible_and_unknown_packages() {
    explain(&[
        "--package",
        "us-ground-troops",
        "--scenario",
        "renewed-attack",
    ])
    .assert()
    .failure()
    .stderr(
        predicate::str::contains("infeasible").and(predicate::str::contains("us-no-ground-troops")),
    );
    explain(&["--package", "paris-draf", "--scenario", "renewed-attack"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("did you mean `paris-draft`"));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let mut child = explain(&[
        "--package",
        "paris-draft",
        "--scenario",
        "renewed-attack",
        "--format",
        "json",
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    // The reader goes away before the first byte, as with `| head -c 0`.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
