//! `patterns`, `decompose` and the events study of `run`, on the small
//! test fixture.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;
use tempfile::TempDir;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("guarantee-sim").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

/// A what-if of the fixture with the given patterns, in a fresh folder.
fn what_if(dir: &Path, patterns: &str) -> std::path::PathBuf {
    std::fs::copy("tests/fixtures/minimal.toml", dir.join("minimal.toml")).unwrap();
    let p = dir.join("what-if.toml");
    std::fs::write(&p, format!("extends = \"minimal.toml\"\n\n{patterns}")).unwrap();
    p
}

const REJECTED: &str = r#"
[[patterns]]
id = "rejections"
name = "Russia rejects the force"
measure = "rate"
of = "rejected"
package = "euro-force"
scenarios = ["holds"]
target = [TARGET]
source = "Test Source 2099"
"#;

fn measured(dir: &Path, pattern: &str) -> f64 {
    let mut r = csv::Reader::from_path(dir.join("out").join("patterns.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[col("pattern")] == pattern {
            return rec[col("measured")].parse().unwrap();
        }
    }
    panic!("no row for {pattern}");
}

#[test]
fn a_missed_pattern_fails_naming_the_pattern_and_its_source() {
    let dir = TempDir::new().unwrap();
    let f = what_if(dir.path(), &REJECTED.replace("TARGET", "0.99, 1.0"));
    cmd()
        .args(["patterns", "--runs", "500", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .arg(&f)
        .assert()
        .failure()
        .stdout(contains("not met"))
        .stderr(contains("pattern `rejections` is not met"))
        .stderr(contains("Test Source 2099"));
    assert!(dir.path().join("out/patterns.csv").exists());
}

#[test]
fn a_declared_known_miss_is_shown_as_not_met_without_failing() {
    let dir = TempDir::new().unwrap();
    let known = REJECTED.replace("TARGET", "0.99, 1.0")
        + "known_miss = \"this test's model cannot reach it\"\n";
    let f = what_if(dir.path(), &known);
    cmd()
        .args(["patterns", "--runs", "500", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .arg(&f)
        .assert()
        .success()
        .stdout(contains("not met (known miss)"))
        .stderr(contains("a known miss of this model version"))
        .stderr(contains("this test's model cannot reach it"));
    let mut r = csv::Reader::from_path(dir.path().join("out/patterns.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[col("verdict")], "not met");
    assert_eq!(&row[col("known_miss")], "this test's model cannot reach it");
}

#[test]
fn an_undecided_pattern_says_so_and_asks_for_more_runs() {
    let dir = TempDir::new().unwrap();
    let f = what_if(dir.path(), &REJECTED.replace("TARGET", "0.0, 1.0"));
    let out = dir.path().join("out");
    cmd()
        .args(["patterns", "--runs", "500", "--quiet", "--out"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success()
        .stdout(contains("met"));
    // A target whose lower edge is the measured value: the interval
    // straddles it.
    let m = measured(dir.path(), "rejections");
    let f = what_if(
        dir.path(),
        &REJECTED.replace("TARGET", &format!("{m}, 1.0")),
    );
    cmd()
        .args(["patterns", "--runs", "500", "--quiet", "--out"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success()
        .stdout(contains("undecided"))
        .stderr(contains("undecided, run more (--runs"));
}

#[test]
fn bad_patterns_are_reported_with_file_and_line() {
    let dir = TempDir::new().unwrap();
    let f = what_if(
        dir.path(),
        r#"
[[patterns]]
id = "unknown-package"
measure = "honour-rate"
package = "no-such-package"
target = [0.5, 0.75]
source = "x"

[[patterns]]
id = "unknown-scenario"
measure = "honour-rate"
package = "euro-force"
scenarios = ["no-such-scenario"]
target = [0.5, 0.75]
source = "x"

[[patterns]]
id = "upside-down"
measure = "honour-rate"
package = "euro-force"
target = [0.9, 0.1]
source = "x"

[[patterns]]
id = "unknown-component"
measure = "hazard-ratio"
package = "euro-force"
versus = { package = "euro-force", without = ["jet-packs"] }
target = [0.1, 0.5]
source = "x"
"#,
    );
    cmd()
        .arg("validate")
        .arg(&f)
        .assert()
        .failure()
        .stderr(contains(
            "pattern `unknown-package`: unknown package `no-such-package`",
        ))
        .stderr(contains(
            "pattern `unknown-scenario`: unknown scenario `no-such-scenario`",
        ))
        .stderr(contains("lower bound 0.9 is above its upper bound 0.1"))
        .stderr(contains("unknown component `jet-packs`"))
        .stderr(contains("what-if.toml:"));
}

#[test]
fn decompose_writes_components_and_waterfalls_and_rejects_bad_names() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    cmd()
        .args([
            "decompose",
            "tests/fixtures/minimal.toml",
            "--package",
            "euro-force",
            "--runs",
            "250",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("components.csv")).unwrap();
    assert!(text.starts_with("package,baseline,scenario,effect,step,component"));
    assert!(text.contains("euro-force,bare,holds,removal"));
    assert!(text.contains("force:france"));
    assert!(out.join("charts/waterfall-euro-force-holds.png").exists());
    assert!(out.join("charts/waterfall-euro-force-holds.svg").exists());
    cmd()
        .args([
            "decompose",
            "tests/fixtures/minimal.toml",
            "--package",
            "nope",
        ])
        .assert()
        .failure()
        .stderr(contains("--package"))
        .stderr(contains("nope"));
    cmd()
        .args([
            "decompose",
            "tests/fixtures/minimal.toml",
            "--package",
            "euro-force",
            "--component",
            "jet-packs",
        ])
        .assert()
        .failure()
        .stderr(contains("unknown component `jet-packs`"));
}

#[test]
fn run_writes_events_csv_that_does_not_depend_on_threads() {
    let dir = TempDir::new().unwrap();
    let run = |threads: &str, out: &str| {
        cmd()
            .args([
                "run",
                "tests/fixtures/minimal.toml",
                "--runs",
                "300",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(dir.path().join(out))
            .assert()
            .success();
        std::fs::read(dir.path().join(out).join("events.csv")).unwrap()
    };
    let one = run("1", "a");
    let three = run("3", "b");
    assert_eq!(one, three);
    let text = String::from_utf8(one).unwrap();
    assert!(
        text.contains("us-leaves,1,us-disengagement,euro-force,"),
        "{text}"
    );
    let html = std::fs::read_to_string(dir.path().join("a/report.html")).unwrap();
    assert!(html.contains("What each scripted event does"));
}

#[test]
fn patterns_csv_does_not_depend_on_threads() {
    let dir = TempDir::new().unwrap();
    let f = what_if(
        dir.path(),
        r#"
[[patterns]]
id = "force-hazard"
measure = "hazard-ratio"
package = "euro-force"
versus = { package = "euro-force", without = ["force"] }
target = [0.0, 10.0]
source = "test"

[[patterns]]
id = "trend"
measure = "hazard-trend"
package = "aid-only"
early = [1, 6]
late = [25, 36]
target = [0.0, 10.0]
source = "test"
"#,
    );
    let run = |threads: &str, out: &str| {
        cmd()
            .args([
                "patterns",
                "--runs",
                "600",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(dir.path().join(out))
            .arg(&f)
            .assert()
            .success();
        std::fs::read(dir.path().join(out).join("patterns.csv")).unwrap()
    };
    assert_eq!(run("1", "a"), run("3", "b"));
}
