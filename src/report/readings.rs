//! The sentences that read each chart and table, generated from the
//! numbers, and the fixed texts every report carries. The HTML and
//! Markdown reports both take their words from here.

use crate::batch::stats::Estimate;

use super::charts::{ChartKind, ChartSpec};
use super::manifest::{Manifest, RunStatus};
use super::tables::{Among, RankBy, SummaryRow, Tables};
use super::views::{
    Comparison, by_hold_rate, compare_hold_rates, hold_estimate, horizon_months,
    infeasible_packages, intervals_overlap, pooled_guarantors, survival_curve,
};

/// The question the reports answer.
pub const QUESTION: &str =
    "Which guarantee packages hold, under which scenarios, how often, and why do the others fail?";

/// The notice at the top of every report.
pub const NOTICE: &str = "Exploratory model, not a forecast. The numbers show how outcomes respond to the assumptions in the scenario file; they are not probabilities of real events.";

/// What "no clear difference" rests on, said once wherever it is used.
const NO_CLEAR_DIFFERENCE: &str =
    "their 95% intervals overlap, so no clear difference can be claimed between them";
/// The same for two packages compared on the same runs.
const NO_CLEAR_PAIRED_DIFFERENCE: &str = "the 95% interval of their paired difference (same runs) includes zero, so no clear difference can be claimed between them";

/// Why no clear difference can be claimed, for a comparison that found none.
fn no_clear_difference(comparison: Option<Comparison>) -> &'static str {
    match comparison {
        Some(Comparison::Paired { .. }) => NO_CLEAR_PAIRED_DIFFERENCE,
        _ => NO_CLEAR_DIFFERENCE,
    }
}

const ASSUMPTIONS: &str = include_str!("assumptions.md");

/// Key assumptions a reader needs, one sentence each.
pub fn assumptions() -> Vec<&'static str> {
    ASSUMPTIONS
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .collect()
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The difference in whole percentage points, as rounded percentages
/// show it (so the sentence agrees with the numbers printed beside it).
fn points(a: f64, b: f64) -> String {
    let d = (a * 100.0).round() - (b * 100.0).round();
    if d == 1.0 {
        "1 point".to_string()
    } else {
        format!("{d:.0} points")
    }
}

fn interval(e: &Estimate) -> String {
    format!("{:.0}–{:.0}%", e.lower * 100.0, e.upper * 100.0)
}

/// The ranking: the most robust package against the runner-up.
pub fn ranking(tables: &Tables) -> String {
    let rows = &tables.robustness;
    let Some(first) = rows.first() else {
        return "No package was simulated, so there is no ranking.".to_string();
    };
    let Some(second) = rows.get(1) else {
        return format!(
            "The only simulated package is {}: its worst-case hold rate is {} (in {}).",
            first.package,
            pct(first.worst_hold_rate),
            first.worst_scenario
        );
    };
    let comparison = compare_hold_rates(
        tables,
        (&first.worst_scenario, &first.package),
        (&second.worst_scenario, &second.package),
    );
    let overlap = !comparison.is_some_and(Comparison::clear);
    let gap = points(first.worst_hold_rate, second.worst_hold_rate);
    if overlap {
        format!(
            "The highest worst-case hold rate is that of {}, {} (in {}), {} above {} ({} in {}), but {}.",
            first.package,
            pct(first.worst_hold_rate),
            first.worst_scenario,
            gap,
            second.package,
            pct(second.worst_hold_rate),
            second.worst_scenario,
            no_clear_difference(comparison)
        )
    } else {
        format!(
            "The most robust package is {}: its worst-case hold rate is {} (in {}), {} above {}, the next best ({} in {}).",
            first.package,
            pct(first.worst_hold_rate),
            first.worst_scenario,
            gap,
            second.package,
            pct(second.worst_hold_rate),
            second.worst_scenario
        )
    }
}

/// The hold rates under one scenario: who holds most often, by how much.
pub fn hold_rate(tables: &Tables, scenario: &str) -> String {
    let rows: Vec<(&SummaryRow, Estimate)> = by_hold_rate(tables, scenario)
        .into_iter()
        .filter_map(|r| Some((r, hold_estimate(r)?)))
        .collect();
    let top_two = match rows.as_slice() {
        [(a, _), (b, _), ..] => {
            compare_hold_rates(tables, (scenario, &a.package), (scenario, &b.package))
        }
        _ => None,
    };
    let mut out = match rows.as_slice() {
        [] => format!("No run finished under {scenario}."),
        [(a, ea)] => format!(
            "Under {scenario}, {} holds in {} of runs (95% interval {}).",
            a.package,
            pct(ea.value),
            interval(ea)
        ),
        [(a, ea), (b, eb), ..] if !top_two.is_some_and(Comparison::clear) => {
            format!(
                "Under {scenario}, {} ({}) and {} ({}) hold most often; {}.",
                a.package,
                pct(ea.value),
                b.package,
                pct(eb.value),
                no_clear_difference(top_two)
            )
        }
        [(a, ea), (b, eb), ..] => format!(
            "Under {scenario}, {} holds most often: in {} of runs (95% interval {}), {} above {} ({}).",
            a.package,
            pct(ea.value),
            interval(ea),
            points(ea.value, eb.value),
            b.package,
            pct(eb.value)
        ),
    };
    if rows.len() >= 3 {
        let (z, ez) = rows[rows.len() - 1];
        out.push_str(&format!(
            " {} holds least often ({}).",
            z.package,
            pct(ez.value)
        ));
    }
    out
}

/// The package × scenario grid: the range and the hardest scenario.
pub fn heatmap(tables: &Tables) -> String {
    let cells: Vec<(&SummaryRow, f64)> = tables
        .summary
        .iter()
        .filter_map(|r| Some((r, r.hold_rate?)))
        .collect();
    let Some(&(lo, lo_rate)) = cells.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else {
        return "No run finished, so there are no hold rates to compare.".to_string();
    };
    let &(hi, hi_rate) = cells
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("not empty");
    let mut out = format!(
        "Hold rates range from {} ({} in {}) to {} ({} in {}).",
        pct(lo_rate),
        lo.package,
        lo.scenario,
        pct(hi_rate),
        hi.package,
        hi.scenario
    );
    let scenarios = tables.scenarios();
    if scenarios.len() > 1 {
        let mean = |s: &str| {
            let rates: Vec<f64> = cells
                .iter()
                .filter(|(r, _)| r.scenario == s)
                .map(|(_, v)| *v)
                .collect();
            (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
        };
        if let Some((s, m)) = scenarios
            .iter()
            .filter_map(|s| Some((s, mean(s)?)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
        {
            out.push_str(&format!(
                " The hardest scenario is {s}: the mean hold rate across packages is {} there.",
                pct(m)
            ));
        }
    }
    out
}

/// Median months to the first major offensive under one scenario.
pub fn survival(tables: &Tables, scenario: &str) -> String {
    let horizon = horizon_months(tables);
    let rows: Vec<&SummaryRow> = tables
        .summary
        .iter()
        .filter(|r| r.scenario == scenario && r.runs > 0)
        .collect();
    if rows.is_empty() {
        return format!("No run finished under {scenario}.");
    }
    let mut reached: Vec<(&str, u32)> = rows
        .iter()
        .filter_map(|r| Some((r.package.as_str(), r.median_months_to_major?)))
        .collect();
    reached.sort_by_key(|&(_, m)| m);
    let not_reached: Vec<&str> = rows
        .iter()
        .filter(|r| r.median_months_to_major.is_none())
        .map(|r| r.package.as_str())
        .collect();
    let mut parts = Vec::new();
    if !reached.is_empty() {
        let list: Vec<String> = reached
            .iter()
            .map(|(p, m)| format!("{m} months for {p}"))
            .collect();
        parts.push(format!(
            "the median time to the first major offensive is {}",
            join(&list)
        ));
    }
    if !not_reached.is_empty() {
        parts.push(format!(
            "for {} the median is not reached within the {horizon}-month horizon (fewer than half of the accepted runs see one)",
            join(&not_reached.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        ));
    }
    format!("Under {scenario}, {}.", parts.join("; "))
}

/// The all-runs survival curves under one scenario: where each starts (the
/// share of runs whose terms were accepted) and where it ends, so a package
/// that is often rejected is not read as safe.
pub fn survival_all_runs(tables: &Tables, scenario: &str) -> String {
    let horizon = horizon_months(tables);
    let mut ends: Vec<(&str, f64, f64)> = tables
        .packages()
        .iter()
        .filter_map(|p| {
            let curve = survival_curve(tables, scenario, p, Among::AllRuns);
            let (start, end) = (curve.first()?, curve.last()?);
            let name = tables.summary_row(scenario, p)?.package.as_str();
            Some((name, start.survival, end.survival))
        })
        .collect();
    if ends.is_empty() {
        return format!("No run finished under {scenario}.");
    }
    ends.sort_by(|a, b| b.2.total_cmp(&a.2));
    let list: Vec<String> = ends
        .iter()
        .map(|(p, _, end)| format!("{} for {p}", pct(*end)))
        .collect();
    let mut out = format!(
        "Counting every run under {scenario}, a rejection of the terms as a breakdown at month 0, the share with no major offensive by month {horizon} is {}.",
        join(&list)
    );
    if let Some((p, start, _)) = ends.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
        if *start < 1.0 {
            out.push_str(&format!(
                " The curves start below 100% by the share of rejected runs; {p} starts lowest, at {}. The chart over accepted runs leaves these runs out.",
                pct(*start)
            ));
        }
    }
    out
}

/// How packages are ranked and why, said once for the README, the reports
/// and the ranking table.
pub const RANKING_CRITERION: &str = RankBy::WorstCase.explanation();

/// [`RANKING_CRITERION`] with this run's own example, when it has one: a
/// package that has the highest hold rate in the most scenarios but does
/// not rank first, because of its worst case.
pub fn ranking_criterion(tables: &Tables) -> String {
    let scenarios = tables.scenarios();
    let best_in = |package: &str| {
        scenarios
            .iter()
            .filter(|s| {
                by_hold_rate(tables, s)
                    .first()
                    .is_some_and(|r| r.package == package && r.hold_rate.is_some())
            })
            .count()
    };
    let by = tables.ranked_by();
    let mut out = by.explanation().to_string();
    if by != RankBy::WorstCase {
        return out;
    }
    let most_wins = tables
        .robustness
        .iter()
        .map(|r| (r, best_in(&r.package)))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.rank.cmp(&a.0.rank)));
    if let Some((r, wins)) = most_wins {
        if r.rank > 1 && wins > 0 {
            out.push_str(&format!(
                " In this run, {} has the highest hold rate in {wins} of {} scenarios yet ranks #{}: under {} it holds in only {} of runs.",
                r.package,
                scenarios.len(),
                r.rank,
                r.worst_scenario,
                pct(r.worst_hold_rate)
            ));
        }
    }
    out
}

/// Why packages fail under one scenario: the weakest package's most
/// common way to fail, and where rejection of the terms is most frequent.
pub fn outcomes(tables: &Tables, scenario: &str) -> String {
    let rows: Vec<&SummaryRow> = by_hold_rate(tables, scenario)
        .into_iter()
        .filter(|r| r.hold_rate.is_some())
        .collect();
    let Some(weakest) = rows.last() else {
        return format!("No run finished under {scenario}.");
    };
    let ways = [
        (weakest.share_eroded, "eroded by unanswered violations"),
        (
            weakest.share_failed,
            if weakest.failure_guarantors_defected.unwrap_or(0.0)
                > weakest.failure_breakthrough.unwrap_or(0.0)
            {
                "failed because guarantors did not honour their commitment"
            } else {
                "failed to a breakthrough"
            },
        ),
        (weakest.share_rejected, "rejected: Russia refused the terms"),
    ];
    let (share, how) = ways
        .iter()
        .map(|(s, how)| (s.unwrap_or(0.0), *how))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .expect("three ways");
    let mut out = format!(
        "Under {scenario}, {} holds least often ({}); its runs most often end {} ({} of runs).",
        weakest.package,
        pct(weakest.hold_rate.unwrap_or(0.0)),
        how,
        pct(share)
    );
    if let Some(r) = rows
        .iter()
        .filter(|r| r.share_rejected.unwrap_or(0.0) >= 0.1)
        .max_by(|a, b| {
            a.share_rejected
                .unwrap_or(0.0)
                .total_cmp(&b.share_rejected.unwrap_or(0.0))
        })
    {
        if r.package != weakest.package || !how.starts_with("rejected") {
            out.push_str(&format!(
                " Russia rejects the terms most often under {} ({} of runs).",
                r.package,
                pct(r.share_rejected.unwrap_or(0.0))
            ));
        }
    }
    out
}

/// Guarantors of one package, pooled across scenarios.
pub fn guarantors(tables: &Tables, package: &str) -> String {
    let rows: Vec<(String, u64, Estimate)> = pooled_guarantors(tables, package)
        .into_iter()
        .filter_map(|g| Some((g.country_name, g.called, g.rate?)))
        .collect();
    match rows.as_slice() {
        [] => format!("No guarantor of {package} was called to honour its commitment."),
        [(c, n, e)] => format!(
            "Pooled across scenarios, {c} honoured its commitment under {package} in {} of {n} calls (95% interval {}).",
            pct(e.value),
            interval(e)
        ),
        [(hi, hn, he), .., (lo, ln, le)] => {
            let mut out = format!(
                "Pooled across scenarios, under {package} {hi} honours its commitment most often when called ({} of {hn} calls) and {lo} least often ({} of {ln} calls)",
                pct(he.value),
                pct(le.value)
            );
            if intervals_overlap(he, le) {
                out.push_str(&format!("; {NO_CLEAR_DIFFERENCE}."));
            } else {
                out.push('.');
            }
            out
        }
    }
}

/// The reading of one chart.
pub fn for_chart(tables: &Tables, spec: &ChartSpec) -> String {
    let scenario = spec.scenario.as_deref().unwrap_or_default();
    match spec.kind {
        ChartKind::Heatmap => heatmap(tables),
        ChartKind::Robustness => ranking(tables),
        ChartKind::HoldRate => hold_rate(tables, scenario),
        ChartKind::Survival => survival(tables, scenario),
        ChartKind::SurvivalAllRuns => survival_all_runs(tables, scenario),
        ChartKind::Outcomes => outcomes(tables, scenario),
        ChartKind::Guarantors => guarantors(tables, spec.package.as_deref().unwrap_or_default()),
    }
}

/// Infeasible packages, one sentence each.
pub fn infeasible(tables: &Tables) -> Vec<String> {
    infeasible_packages(tables)
        .into_iter()
        .map(|p| {
            format!(
                "Package {} ({}) is infeasible and was not simulated: {} [{}].",
                p.package, p.package_name, p.reasons, p.constraints
            )
        })
        .collect()
}

/// Provenance of the run as (label, value) pairs.
pub fn provenance(manifest: &Manifest) -> Vec<(&'static str, String)> {
    let status = match manifest.status {
        RunStatus::Complete => "complete".to_string(),
        RunStatus::Partial => {
            "PARTIAL: the run was interrupted before all runs finished".to_string()
        }
    };
    let mut rows = vec![
        ("status", status),
        ("scenario file", manifest.scenario_file.clone()),
        ("scenario title", manifest.title.clone()),
        ("scenario SHA-256", manifest.scenario_sha256.clone()),
        ("seed", manifest.seed.to_string()),
        (
            "runs per package and scenario",
            format!(
                "{} completed of {} requested",
                manifest.runs_completed, manifest.runs_requested
            ),
        ),
        (
            "tool version",
            format!("{} {}", manifest.tool, manifest.version),
        ),
        (
            "git commit",
            manifest
                .git_commit
                .clone()
                .unwrap_or_else(|| "unknown".to_string()),
        ),
    ];
    if manifest.source_files.len() > 1 {
        rows.push(("files read", manifest.source_files.join(", ")));
    }
    rows
}

/// "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tables::RobustnessRow;

    fn summary(scenario: &str, package: &str, rate: f64, half_width: f64) -> SummaryRow {
        SummaryRow {
            scenario: scenario.into(),
            package: package.into(),
            package_name: package.into(),
            runs: 1000,
            hold_rate: Some(rate),
            hold_lower: Some(rate - half_width),
            hold_upper: Some(rate + half_width),
            deterrence_rate: Some(rate),
            deterrence_lower: Some(rate - half_width),
            deterrence_upper: Some(rate + half_width),
            share_rejected: Some(0.1),
            share_held: Some(rate),
            share_defended: Some(0.0),
            share_eroded: Some(0.0),
            share_failed: Some(0.9 - rate),
            stopped_by_ukraine_alone: Some(0.0),
            stopped_with_guarantors: Some(0.0),
            mean_territory_lost_pct: Some(0.0),
            mean_war_months: Some(0.0),
            failure_breakthrough: Some(0.9 - rate),
            failure_guarantors_defected: Some(0.0),
            failure_erosion: Some(0.0),
            failure_rejected_terms: Some(0.1),
            median_months_to_major: None,
            mean_violations_detected: Some(0.0),
            mean_violations_undetected: Some(0.0),
            mean_incidents: Some(0.0),
            mean_sanctions_applied: Some(0.0),
            mean_troop_months: Some(0.0),
            reference: String::new(),
            hold_diff_vs_reference: None,
            hold_diff_lower: None,
            hold_diff_upper: None,
        }
    }

    fn robustness(rank: u32, package: &str, worst: f64, scenario: &str) -> RobustnessRow {
        RobustnessRow {
            rank,
            package: package.into(),
            package_name: package.into(),
            worst_hold_rate: worst,
            worst_scenario: scenario.into(),
            mean_hold_rate: worst,
            max_regret: 0.0,
            max_regret_scenario: scenario.into(),
            mean_regret: 0.0,
            ranked_by: Default::default(),
            worst_deterrence_rate: worst,
            mean_deterrence_rate: worst,
        }
    }

    /// Two packages in one scenario, `paris-draft` at 62% and `treaty` at
    /// 53%, with intervals of the given half-width.
    fn two_packages(half_width: f64) -> Tables {
        Tables {
            summary: vec![
                summary("renewed-attack", "treaty", 0.53, half_width),
                summary("renewed-attack", "paris-draft", 0.62, half_width),
            ],
            robustness: vec![
                robustness(1, "paris-draft", 0.62, "renewed-attack"),
                robustness(2, "treaty", 0.53, "renewed-attack"),
            ],
            ..Tables::default()
        }
    }

    #[test]
    fn the_ranking_criterion_names_a_package_that_wins_often_but_ranks_low() {
        let mut t = Tables {
            summary: vec![],
            robustness: vec![
                robustness(1, "paris-draft", 0.6, "renewed-attack"),
                robustness(2, "treaty", 0.3, "renewed-attack"),
            ],
            ..Tables::default()
        };
        for (s, treaty, paris) in [
            ("ceasefire-holds", 0.9, 0.8),
            ("grey-zone", 0.9, 0.8),
            ("renewed-attack", 0.3, 0.6),
        ] {
            t.summary.push(summary(s, "treaty", treaty, 0.02));
            t.summary.push(summary(s, "paris-draft", paris, 0.02));
        }
        let text = ranking_criterion(&t);
        assert!(text.starts_with(RANKING_CRITERION), "{text}");
        assert!(
            text.ends_with(" In this run, treaty has the highest hold rate in 2 of 3 scenarios yet ranks #2: under renewed-attack it holds in only 30% of runs."),
            "{text}"
        );
        // When the package that wins most also ranks first, there is
        // nothing to explain.
        assert_eq!(ranking_criterion(&two_packages(0.03)), RANKING_CRITERION);
    }

    #[test]
    fn another_ranking_criterion_is_explained_as_itself() {
        let mut t = two_packages(0.03);
        t.rank_by(RankBy::Deterrence);
        assert_eq!(ranking_criterion(&t), RankBy::Deterrence.explanation());
        assert_ne!(ranking_criterion(&t), RANKING_CRITERION);
    }

    #[test]
    fn separated_intervals_name_the_most_robust_package_and_the_gap() {
        let t = two_packages(0.03);
        assert_eq!(
            ranking(&t),
            "The most robust package is paris-draft: its worst-case hold rate is 62% (in renewed-attack), 9 points above treaty, the next best (53% in renewed-attack)."
        );
        assert_eq!(
            hold_rate(&t, "renewed-attack"),
            "Under renewed-attack, paris-draft holds most often: in 62% of runs (95% interval 59–65%), 9 points above treaty (53%)."
        );
    }

    #[test]
    fn overlapping_intervals_claim_no_clear_difference() {
        let t = two_packages(0.06);
        let r = ranking(&t);
        assert!(r.starts_with(
                "The highest worst-case hold rate is that of paris-draft, 62% (in renewed-attack), 9 points above treaty"
            ), "{r}");
        assert!(r.contains("no clear difference can be claimed"), "{r}");
        let h = hold_rate(&t, "renewed-attack");
        assert!(h.contains("no clear difference can be claimed"), "{h}");
        assert!(!h.contains("holds most often:"), "{h}");
    }

    fn with_pair(mut t: Tables, lower: f64, upper: f64) -> Tables {
        t.pairs.push(crate::report::tables::PairRow {
            scenario: "renewed-attack".into(),
            package: "treaty".into(),
            other: "paris-draft".into(),
            runs: 1000,
            hold_diff: Some(-0.09),
            lower: Some(lower),
            upper: Some(upper),
            only_package_held: 10,
            only_other_held: 100,
        });
        t
    }

    #[test]
    fn under_one_scenario_the_paired_difference_decides() {
        // The marginal intervals overlap (half-width 6 points around 62%
        // and 53%), but on the same runs paris-draft holds clearly more
        // often: the paired interval of treaty - paris-draft excludes 0.
        let t = with_pair(two_packages(0.06), -0.11, -0.07);
        let h = hold_rate(&t, "renewed-attack");
        assert!(h.contains("paris-draft holds most often:"), "{h}");
        let r = ranking(&t);
        assert!(
            r.starts_with("The most robust package is paris-draft"),
            "{r}"
        );
        // A paired interval that includes 0 gives no clear difference, and
        // says that it is the paired comparison.
        let t = with_pair(two_packages(0.03), -0.12, 0.01);
        let h = hold_rate(&t, "renewed-attack");
        assert!(
            h.contains("paired difference (same runs) includes zero"),
            "{h}"
        );
        assert!(ranking(&t).contains("no clear difference"));
    }

    #[test]
    fn survival_reports_medians_and_an_unreached_median() {
        let mut t = two_packages(0.03);
        t.summary[0].median_months_to_major = Some(23);
        t.survival.push(crate::report::tables::SurvivalRow {
            scenario: "renewed-attack".into(),
            package: "treaty".into(),
            among: Among::AcceptedRuns,
            month: 60,
            at_risk: 1,
            events: 0,
            survival: 0.4,
            lower: 0.3,
            upper: 0.5,
        });
        assert_eq!(
            survival(&t, "renewed-attack"),
            "Under renewed-attack, the median time to the first major offensive is 23 months for treaty; for paris-draft the median is not reached within the 60-month horizon (fewer than half of the accepted runs see one)."
        );
    }

    #[test]
    fn the_all_runs_survival_reading_names_where_rejections_lower_the_start() {
        let mut t = two_packages(0.03);
        let row = |package: &str, month: u32, survival: f64| crate::report::tables::SurvivalRow {
            scenario: "renewed-attack".into(),
            package: package.into(),
            among: Among::AllRuns,
            month,
            at_risk: 100,
            events: 0,
            survival,
            lower: survival,
            upper: survival,
        };
        t.survival = vec![
            row("treaty", 0, 0.95),
            row("treaty", 60, 0.5),
            row("paris-draft", 0, 0.7),
            row("paris-draft", 60, 0.45),
        ];
        assert_eq!(
            survival_all_runs(&t, "renewed-attack"),
            "Counting every run under renewed-attack, a rejection of the terms as a breakdown at month 0, the share with no major offensive by month 60 is 50% for treaty and 45% for paris-draft. The curves start below 100% by the share of rejected runs; paris-draft starts lowest, at 70%. The chart over accepted runs leaves these runs out."
        );
    }

    #[test]
    fn the_weakest_package_is_explained_by_its_most_common_failure() {
        let t = two_packages(0.03);
        let r = outcomes(&t, "renewed-attack");
        assert!(
            r.starts_with("Under renewed-attack, treaty holds least often (53%); its runs most often end failed to a breakthrough (37% of runs)."),
            "{r}"
        );
    }

    #[test]
    fn assumptions_are_read_from_the_list() {
        let a = assumptions();
        assert!(a.len() >= 5);
        assert!(a[0].contains("not a forecast"));
    }
}
