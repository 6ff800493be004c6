//! The CSV tables as a researcher reads them: every pair in both
//! directions, survival curves that start at month 0, and an all-runs
//! curve in which rejected runs count.

mod common;
mod report_support;

use guarantee_sim::report::Tables;
use guarantee_sim::report::manifest::RunStatus;
use guarantee_sim::report::tables::{Among, PAIRS_CSV, SURVIVAL_CSV};
use guarantee_sim::report::views::survival_curve;
use report_support::*;

#[test]
fn pairs_csv_holds_every_pair_in_both_directions_with_mirrored_numbers() {
    let t = tables();
    let n = PACKAGES.len();
    assert_eq!(t.pairs.len(), SCENARIOS.len() * n * (n - 1));
    for row in &t.pairs {
        assert_ne!(row.package, row.other);
        let mirror = t
            .pairs
            .iter()
            .find(|r| {
                r.scenario == row.scenario && r.package == row.other && r.other == row.package
            })
            .unwrap_or_else(|| panic!("no {} vs {} row", row.other, row.package));
        assert_eq!(mirror.runs, row.runs);
        assert_eq!(mirror.hold_diff, row.hold_diff.map(|d| -d));
        assert_eq!(mirror.lower, row.upper.map(|u| -u));
        assert_eq!(mirror.upper, row.lower.map(|l| -l));
        assert_eq!(mirror.only_package_held, row.only_other_held);
        assert_eq!(mirror.only_other_held, row.only_package_held);
    }
    // Filtering the file on one package finds all its comparisons.
    let temp = tempfile::tempdir().unwrap();
    write_run(temp.path(), t, &manifest(RunStatus::Complete));
    let csv = std::fs::read_to_string(temp.path().join(PAIRS_CSV)).unwrap();
    let as_package = csv
        .lines()
        .filter(|l| l.split(',').nth(1) == Some(PACKAGES[3]))
        .count();
    assert_eq!(as_package, SCENARIOS.len() * (n - 1));
}

#[test]
fn every_survival_curve_starts_with_a_month_0_row() {
    let t = tables();
    for s in SCENARIOS {
        for p in PACKAGES {
            let accepted = survival_curve(t, s, p, Among::AcceptedRuns);
            let first = accepted.first().expect("an accepted-runs curve");
            assert_eq!((first.month, first.events), (0, 0), "{s} {p}");
            assert_eq!((first.survival, first.lower, first.upper), (1.0, 1.0, 1.0));
            assert_eq!(first.at_risk, accepted[1].at_risk, "{s} {p}");
            let all = survival_curve(t, s, p, Among::AllRuns);
            assert_eq!(all[0].month, 0, "{s} {p}");
            assert_eq!(all[0].at_risk, RUNS, "{s} {p}");
        }
    }
    // The month-0 row survives the round trip through the CSV file.
    let temp = tempfile::tempdir().unwrap();
    write_run(temp.path(), t, &manifest(RunStatus::Complete));
    let csv = std::fs::read_to_string(temp.path().join(SURVIVAL_CSV)).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "scenario,package,among,month,at_risk,events,survival,lower,upper"
    );
    assert!(lines.next().unwrap().starts_with(&format!(
        "{},{},accepted-runs,0,",
        SCENARIOS[0], PACKAGES[0]
    )));
    assert_eq!(&Tables::load(temp.path()).unwrap(), t);
}

#[test]
fn the_all_runs_curve_starts_below_1_by_the_share_of_rejected_runs() {
    let t = tables();
    let mut with_rejections = 0;
    for row in &t.summary {
        let rejected = row.share_rejected.unwrap();
        let all = survival_curve(t, &row.scenario, &row.package, Among::AllRuns);
        let accepted = survival_curve(t, &row.scenario, &row.package, Among::AcceptedRuns);
        let start = all[0].survival;
        assert!((start - (1.0 - rejected)).abs() < 1e-6, "{row:?}");
        assert_eq!(all[0].events, (rejected * RUNS as f64).round() as u64);
        if rejected > 0.0 {
            with_rejections += 1;
            assert!(start < 1.0);
        }
        // Counting rejections scales the accepted-runs curve down, month
        // by month, and never lifts it.
        let (a, b) = (all.last().unwrap(), accepted.last().unwrap());
        assert_eq!(a.month, b.month);
        assert!(
            (a.survival - (1.0 - rejected) * b.survival).abs() < 1e-5,
            "{a:?} {b:?}"
        );
    }
    assert!(
        with_rejections > 0,
        "the test world must have rejected runs for this test to mean anything"
    );
}
