//! `guarantee-sim sensitivity`: ignored parameters get zero indices, a
//! known effect has its sign, bytes do not depend on threads, a manifest
//! replays, and bad requests are refused before any run.

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const INTENT: &str = "scenarios.renewed-attack.coefficients.russia_intent=0.2..1";
const US_RESOLVE: &str = "countries.united-states.resolve=0.1..0.9";
/// France's troops in the Paris force: no-guarantee never reads them.
const IGNORED: &str = "packages.paris-draft.force.troops.france=0..15000";

fn sensitivity(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("guarantee-sim")
        .expect("binary built")
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .arg("sensitivity")
        .args(args)
        .output()
        .expect("runs")
}

/// A study that must succeed into `dir/out`; returns sensitivity.csv's
/// rows as maps from column to value.
fn study(dir: &Path, args: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let base = [
        "--runs",
        "250",
        "--scenarios",
        "renewed-attack",
        "--samples",
        "4",
        "--quiet",
        "--out",
        "out",
    ];
    let out = sensitivity(dir, &[&base[..], args].concat());
    assert!(
        out.status.success(),
        "sensitivity failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_path(dir.join("out/sensitivity.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn number(row: &std::collections::HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} in {row:?}"))
}

#[test]
fn a_parameter_the_runs_ignore_gets_zero_indices_with_both_methods() {
    for method in ["morris", "sobol"] {
        let dir = TempDir::new().unwrap();
        let rows = study(
            dir.path(),
            &[
                "--method",
                method,
                "--param",
                IGNORED,
                "--param",
                INTENT,
                "--packages",
                "no-guarantee",
            ],
        );
        // 2 parameters x 1 package x 1 scenario x 2 rates.
        assert_eq!(rows.len(), 4, "{rows:?}");
        let ignored: Vec<_> = rows
            .iter()
            .filter(|r| r["parameter"].starts_with("packages.paris-draft"))
            .collect();
        assert_eq!(ignored.len(), 2);
        let columns: &[&str] = if method == "morris" {
            &["mu_star", "mu", "sigma"]
        } else {
            &["s1", "s1_lower", "s1_upper", "st", "st_lower", "st_upper"]
        };
        for row in ignored {
            for c in columns {
                assert_eq!(number(row, c), 0.0, "{method} {c}: {row:?}");
            }
        }
        // The other parameter does move the rate.
        let moved = rows.iter().any(|r| {
            r["parameter"].starts_with("scenarios.")
                && number(r, if method == "morris" { "mu_star" } else { "st" }) > 0.0
        });
        assert!(moved, "{method}: {rows:?}");
    }
}

#[test]
fn a_known_effect_has_its_direction() {
    let dir = TempDir::new().unwrap();
    let rows = study(
        dir.path(),
        &[
            "--param",
            INTENT,
            "--param",
            US_RESOLVE,
            "--packages",
            "paris-draft",
        ],
    );
    let hold = |prefix: &str| {
        rows.iter()
            .find(|r| r["parameter"].starts_with(prefix) && r["rate"] == "hold")
            .unwrap()
    };
    // A more hostile Russia lowers the hold rate; a more resolute US raises it.
    let intent = hold("scenarios.renewed-attack");
    assert!(number(intent, "mu") < 0.0, "{intent:?}");
    let us = hold("countries.united-states");
    assert!(number(us, "mu") > 0.0, "{us:?}");
    assert!(
        dir.path()
            .join("out/charts/tornado-paris-draft.svg")
            .is_file()
    );
    assert!(
        dir.path()
            .join("out/charts/tornado-paris-draft.png")
            .is_file()
    );
}

#[test]
fn bytes_do_not_depend_on_threads_and_a_manifest_replays() {
    let args = [
        "--method",
        "sobol",
        "--param",
        INTENT,
        "--param",
        US_RESOLVE,
        "--packages",
        "no-guarantee,paris-draft",
    ];
    let one = TempDir::new().unwrap();
    let two = TempDir::new().unwrap();
    study(one.path(), &[&args[..], &["--threads", "1"]].concat());
    study(two.path(), &[&args[..], &["--threads", "2"]].concat());
    let read = |d: &Path, f: &str| std::fs::read(d.join("out").join(f)).unwrap();
    for file in [
        "sensitivity.csv",
        "charts/tornado-paris-draft.svg",
        "exploration.html",
        "exploration.md",
    ] {
        assert_eq!(read(one.path(), file), read(two.path(), file), "{file}");
    }
    let manifest = one.path().join("out/manifest.json");
    let out = sensitivity(
        one.path(),
        &[
            "--replay",
            manifest.to_str().unwrap(),
            "--out",
            "again",
            "--quiet",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        read(one.path(), "sensitivity.csv"),
        std::fs::read(one.path().join("again/sensitivity.csv")).unwrap()
    );
    // `run --replay` points to the command that wrote it.
    let out = Command::cargo_bin("guarantee-sim")
        .unwrap()
        .args(["run", "--replay", manifest.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("guarantee-sim sensitivity --replay"));
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
            vec!["countries.united-states.resolve=0..x"],
            "`x` is not a number",
        ),
        (
            vec!["countries.united-states.resolve=0.8..0.2"],
            "range 0.8..0.2 is empty",
        ),
        (
            vec!["countries.united-states.resolve=0.2..1.5"],
            "0 to 1, found 1.5",
        ),
    ] {
        let dir = TempDir::new().unwrap();
        let mut args = vec!["--runs", "250", "--out", "out"];
        for p in &params {
            args.extend(["--param", p]);
        }
        let out = sensitivity(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{params:?}: {:?}\n{stderr}",
            out.status
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.contains(says),
            "{params:?}: expected {says:?} in\n{stderr}"
        );
        assert!(!dir.path().join("out").exists(), "nothing is created");
    }
}
