//! `guarantee-sim discover`: the box names the driver that makes a package
//! fail, bytes do not depend on threads, a manifest replays, and bad
//! requests are refused before any run.

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const INTENT: &str = "scenarios.renewed-attack.coefficients.russia_intent=0.2..1";
const US_RESOLVE: &str = "countries.united-states.resolve=0.1..0.9";
/// France's troops in the Paris force: no-guarantee never reads them.
const IGNORED: &str = "packages.paris-draft.force.troops.france=0..15000";

fn discover(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("guarantee-sim")
        .expect("binary built")
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .arg("discover")
        .args(args)
        .output()
        .expect("runs")
}

/// A discovery of no-guarantee under renewed attack that must succeed into
/// `dir/out`; returns discovery.csv.
fn study(dir: &Path, extra: &[&str]) -> String {
    let args = [
        "--package",
        "no-guarantee",
        "--scenario",
        "renewed-attack",
        "--param",
        INTENT,
        "--param",
        IGNORED,
        "--samples",
        "30",
        "--runs",
        "40",
        "--quiet",
        "--out",
        "out",
    ];
    let out = discover(dir, &[&args[..], extra].concat());
    assert!(
        out.status.success(),
        "discover failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(dir.join("out/discovery.csv")).unwrap()
}

#[test]
fn boxes_concentrate_failures_and_never_bound_an_input_the_runs_ignore() {
    let dir = TempDir::new().unwrap();
    let csv_text = study(dir.path(), &[]);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty(), "a box is found:\n{csv_text}");
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = &rows[0];
    let number = |name: &str| first[column(name)].parse::<f64>().unwrap();
    // Every point runs the same random numbers, so an input the package
    // never reads can only track failures through its chance pairing with
    // the inputs that matter; a box must not be drawn along it.
    for row in &rows {
        let rule = &row[column("rule")];
        assert!(!rule.contains("packages.paris-draft"), "{rule}");
        assert_ne!(rule, "any conditions");
    }
    let base = number("failures") / number("runs");
    assert!(number("density") > base, "{csv_text}");
    assert!(number("coverage") > 0.0 && number("coverage") <= 1.0);
    assert!(first[column("sentence")].starts_with("fails in "));
    assert!(
        dir.path()
            .join("out/charts/peeling-no-guarantee.svg")
            .is_file()
    );
}

#[test]
fn bytes_do_not_depend_on_threads_and_a_manifest_replays() {
    let one = TempDir::new().unwrap();
    let two = TempDir::new().unwrap();
    let first = study(one.path(), &["--threads", "1"]);
    assert_eq!(first, study(two.path(), &["--threads", "2"]));
    let read = |d: &Path, f: &str| std::fs::read(d.join(f)).unwrap();
    for file in [
        "out/charts/peeling-no-guarantee.svg",
        "out/exploration.html",
        "out/exploration.md",
    ] {
        assert_eq!(read(one.path(), file), read(two.path(), file), "{file}");
    }
    let manifest = one.path().join("out/manifest.json");
    let out = discover(
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
    assert_eq!(first.as_bytes(), read(one.path(), "again/discovery.csv"));
    assert_eq!(
        read(one.path(), "out/exploration.html"),
        read(one.path(), "again/exploration.html")
    );
}

#[test]
fn bad_requests_are_refused_before_any_run() {
    for (args, says) in [
        (
            vec!["--package", "paris-drat", "--param", US_RESOLVE],
            "did you mean `paris-draft`?",
        ),
        (
            vec![
                "--package",
                "paris-draft",
                "--scenario",
                "renewed-atack",
                "--param",
                US_RESOLVE,
            ],
            "did you mean `renewed-attack`?",
        ),
        (
            vec![
                "--package",
                "paris-draft",
                "--param",
                "countries.untied-states.resolve=0..1",
            ],
            "did you mean `united-states`?",
        ),
        (
            vec![
                "--package",
                "paris-draft",
                "--param",
                "countries.united-states.resolve=0..1.5",
            ],
            "0 to 1, found 1.5",
        ),
        (vec!["--package", "paris-draft"], "--param"),
    ] {
        let dir = TempDir::new().unwrap();
        let out = discover(dir.path(), &[&args[..], &["--out", "out"]].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{args:?}: {:?}\n{stderr}",
            out.status
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.contains(says),
            "{args:?}: expected {says:?} in\n{stderr}"
        );
        assert!(!dir.path().join("out").exists(), "nothing is created");
    }
}
