//! `compare`: a what-if against its base on common random numbers.

use std::sync::atomic::AtomicBool;

use assert_cmd::Command;
use guarantee_sim::batch::run_paired;
use guarantee_sim::report::compare::{COMPARE_COLUMNS, Comparison};
use guarantee_sim::scenario::diff::diff;
use guarantee_sim::scenario::{Loaded, load_str};

const BASE: &str = "paris-2026.toml";

fn bundled() -> Loaded {
    load_str(BASE, guarantee_sim::scenario::bundled(BASE).unwrap(), None).unwrap()
}

fn whatif(text: &str) -> Loaded {
    let full = format!("extends = \"{BASE}\"\n{text}");
    match load_str("what-if.toml", &full, None) {
        Ok(l) => l,
        Err(e) => panic!("{}", e.render(false)),
    }
}

/// Keeps one package and one scenario, so a debug build runs it quickly.
fn narrow(mut l: Loaded, package: &str, scenario: &str) -> Loaded {
    l.world.packages.retain(|p| p.id == package);
    l.world.scenarios.retain(|s| s.id == scenario);
    l
}

fn compare(base: &Loaded, whatif: &Loaded, runs: u64) -> Comparison {
    let paired = run_paired(&base.world, &whatif.world, 7, runs, &AtomicBool::new(false));
    Comparison::new(
        ("base", "what-if"),
        (&base.world, &whatif.world),
        7,
        &paired,
        diff(base, whatif),
    )
}

#[test]
fn an_identical_what_if_differs_by_exactly_zero_with_zero_width_intervals() {
    let base = narrow(bundled(), "paris-draft", "renewed-attack");
    let same = narrow(
        whatif("[meta]\ntitle = \"same numbers\"\n"),
        "paris-draft",
        "renewed-attack",
    );
    let c = compare(&base, &same, 300);
    assert_eq!(c.rows.len(), 1);
    let row = &c.rows[0];
    assert!(row.identical_inputs && !row.modified);
    assert_eq!(row.runs, 300);
    for d in [row.hold, row.deterrence] {
        assert_eq!((d.diff.value, d.diff.lower, d.diff.upper), (0.0, 0.0, 0.0));
        assert_eq!(d.discordant, 0);
        assert_eq!(d.base_rate, d.whatif_rate);
    }
    // Only the title changed, and the diff says so.
    let lines: Vec<String> = c.changes.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("meta.title "), "{lines:?}");
}

#[test]
fn a_more_revisionist_russia_lowers_the_hold_rate() {
    let base = narrow(bundled(), "paris-draft", "renewed-attack");
    let hostile = narrow(
        whatif(
            "[[scenarios]]\nid = \"renewed-attack\"\ncoefficients.russia_intent = 1.0\n\
             [[scenarios]]\nid = \"ceasefire-holds\"\ncoefficients.russia_intent = 1.0\n",
        ),
        "paris-draft",
        "renewed-attack",
    );
    let c = compare(&base, &hostile, 500);
    let row = &c.rows[0];
    assert!(!row.identical_inputs);
    // The package did not change: only a scenario did.
    assert!(!row.modified);
    assert!(
        row.hold.diff.upper < 0.0,
        "hold rate should fall: {:?}",
        row.hold
    );
    assert!(row.hold.diff.lower <= row.hold.diff.value);
    assert!(row.hold.whatif_rate < row.hold.base_rate);
}

#[test]
fn the_semantic_diff_lists_exactly_the_changed_fields_and_marks_the_package() {
    let base = bundled();
    let changed = whatif(
        "[[packages]]\nid = \"paris-draft\"\nforce.posture = \"line\"\n\
         [[countries]]\nid = \"france\"\nresolve = 0.61\n",
    );
    let before_resolve = base
        .spec
        .countries
        .iter()
        .find(|c| c.id == "france")
        .and_then(|c| c.resolve)
        .unwrap();
    let lines: Vec<String> = diff(&base, &changed)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            format!("france: resolve {before_resolve:?} -> 0.61"),
            "paris-draft: force.posture rear -> line".to_string(),
        ]
    );
    let c = compare(
        &narrow(base, "paris-draft", "renewed-attack"),
        &narrow(changed, "paris-draft", "renewed-attack"),
        250,
    );
    assert!(c.rows[0].modified);
    assert_eq!(Comparison::label(&c.rows[0]), "paris-draft*");
    assert!(c.text().contains("paris-draft*"));
}

/// A folder with the test fixture as `base.toml` and `what-if.toml`
/// extending it with `change`.
fn fixture_dir(change: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::fs::read_to_string("tests/fixtures/minimal.toml").unwrap();
    std::fs::write(dir.path().join("base.toml"), fixture).unwrap();
    std::fs::write(
        dir.path().join("what-if.toml"),
        format!("extends = \"base.toml\"\n{change}"),
    )
    .unwrap();
    dir
}

#[test]
fn the_command_writes_every_output_and_marks_modified_packages() {
    let dir = fixture_dir("");
    let package = guarantee_sim::scenario::load(&dir.path().join("base.toml"))
        .unwrap()
        .world
        .packages[0]
        .id
        .clone();
    std::fs::write(
        dir.path().join("what-if.toml"),
        format!(
            "extends = \"base.toml\"\n[[packages]]\nid = \"{package}\"\nlegal_form = \"mutual-defence\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let assert = Command::cargo_bin("guarantee-sim")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "compare",
            "base.toml",
            "what-if.toml",
            "--runs",
            "60",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains(&format!("{package}*")), "{stdout}");
    assert!(
        stdout.contains(&format!("{package}: legal_form")),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert_eq!(csv.lines().next().unwrap(), COMPARE_COLUMNS.join(","));
    assert!(
        csv.lines()
            .any(|l| l.contains(&format!(",{package},true,60,")))
    );
    for name in ["compare.png", "compare.svg", "compare.html"] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(html.contains(&format!("{package}*")));
}

#[test]
fn a_missing_file_is_named_before_any_run() {
    let dir = tempfile::tempdir().unwrap();
    let assert = Command::cargo_bin("guarantee-sim")
        .unwrap()
        .current_dir(dir.path())
        .args(["compare", "nope.toml", "also-missing.toml"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("nope.toml"), "{stderr}");
    assert!(stderr.contains("also-missing.toml"), "{stderr}");
    assert!(!dir.path().join("output").exists());
}

#[test]
fn the_outputs_are_the_same_bytes_whatever_the_thread_count() {
    let dir = fixture_dir("[every_scenario.coefficients]\nrussia_intent = 0.9\n");
    let run = |threads: &str| {
        let out = dir.path().join(format!("out-{threads}"));
        Command::cargo_bin("guarantee-sim")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "compare",
                "base.toml",
                "what-if.toml",
                "--runs",
                "600",
                "-q",
            ])
            .args(["--threads", threads, "--out"])
            .arg(&out)
            .assert()
            .success();
        ["compare.csv", "compare.svg", "compare.html"]
            .map(|name| std::fs::read(out.join(name)).unwrap())
    };
    let one = run("1");
    assert!(String::from_utf8_lossy(&one[0]).contains(",600,"));
    assert_eq!(one, run("3"));
}

#[test]
fn run_against_a_base_writes_the_same_comparison_into_the_runs_folder_and_report() {
    let dir = fixture_dir("");
    let package = guarantee_sim::scenario::load(&dir.path().join("base.toml"))
        .unwrap()
        .world
        .packages[0]
        .id
        .clone();
    std::fs::write(
        dir.path().join("what-if.toml"),
        format!(
            "extends = \"base.toml\"\n[[packages]]\nid = \"{package}\"\nlegal_form = \"mutual-defence\"\n"
        ),
    )
    .unwrap();
    let sim = || {
        let mut c = Command::cargo_bin("guarantee-sim").unwrap();
        c.current_dir(dir.path());
        c
    };
    sim()
        .args([
            "compare",
            "base.toml",
            "what-if.toml",
            "--runs",
            "60",
            "--out",
            "alone",
        ])
        .assert()
        .success();
    sim()
        .args([
            "run",
            "what-if.toml",
            "--against",
            "base.toml",
            "--runs",
            "60",
            "--quiet",
            "--out",
            "run",
        ])
        .assert()
        .success();
    let read = |p: &str| std::fs::read(dir.path().join(p)).unwrap();
    // The run's comparison is the compare command's, byte for byte.
    assert_eq!(read("alone/compare.csv"), read("run/compare.csv"));
    let report = String::from_utf8(read("run/report.html")).unwrap();
    assert!(report.contains("Compared with its base file"), "report");
    assert!(report.contains("href=\"compare.html\""));
    // A later run without --against clears the comparison it no longer vouches for.
    sim()
        .args([
            "run",
            "what-if.toml",
            "--runs",
            "60",
            "--quiet",
            "--no-charts",
            "--out",
            "run",
        ])
        .assert()
        .success();
    assert!(!dir.path().join("run/compare.csv").exists());
    // A base that does not load is refused before any work.
    sim()
        .args([
            "run",
            "what-if.toml",
            "--against",
            "missing.toml",
            "--out",
            "never",
        ])
        .assert()
        .failure();
    assert!(!dir.path().join("never").exists());
}
