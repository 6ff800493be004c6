//! The result tables of a batch, as rows that are written to CSV and read
//! back by `guarantee-sim chart` and the HTML report.
//!
//! Numbers are rounded to [`DECIMALS`] places when the tables are built, so
//! a table computed from a batch and one read back from its CSV files are
//! equal, and charts drawn from either are the same bytes.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::batch::stats::{
    Estimate, kaplan_meier, kaplan_meier_with_month_0, median_survival, wilson,
};
use crate::batch::{BatchResult, MAX_PACKAGES_PER_BATCH, MAX_SCENARIOS_PER_BATCH, Plan};
use crate::model::params::World;
use crate::model::{FailureMode, OutcomeKind};
use crate::scenario::read::{MAX_TABLE_BYTES, read_regular_file};

/// Decimal places of every rate and mean in the outputs.
pub const DECIMALS: i32 = 6;

/// Rounds a number as every output does.
pub fn round_for_output(x: f64) -> f64 {
    round(x)
}

fn round(x: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    let r = (x * scale).round() / scale;
    if r == 0.0 { 0.0 } else { r }
}

fn rounded(e: Option<Estimate>) -> (Option<f64>, Option<f64>, Option<f64>) {
    match e {
        Some(e) => (
            Some(round(e.value)),
            Some(round(e.lower)),
            Some(round(e.upper)),
        ),
        None => (None, None, None),
    }
}

/// One row of `summary.csv`: a package under a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub scenario: String,
    pub package: String,
    pub package_name: String,
    pub runs: u64,
    /// Share of runs held or defended.
    pub hold_rate: Option<f64>,
    pub hold_lower: Option<f64>,
    pub hold_upper: Option<f64>,
    /// Share of runs held without a major offensive.
    pub deterrence_rate: Option<f64>,
    pub deterrence_lower: Option<f64>,
    pub deterrence_upper: Option<f64>,
    pub share_rejected: Option<f64>,
    pub share_held: Option<f64>,
    pub share_defended: Option<f64>,
    pub share_eroded: Option<f64>,
    pub share_failed: Option<f64>,
    /// Share of runs in which a major offensive was stopped by Ukraine
    /// alone, and with guarantors who honoured (they add up to
    /// `share_defended`).
    pub stopped_by_ukraine_alone: Option<f64>,
    pub stopped_with_guarantors: Option<f64>,
    pub failure_breakthrough: Option<f64>,
    pub failure_guarantors_defected: Option<f64>,
    pub failure_erosion: Option<f64>,
    pub failure_rejected_terms: Option<f64>,
    /// Kaplan-Meier median months to the first major offensive (empty: not reached).
    pub median_months_to_major: Option<u32>,
    pub mean_violations_detected: Option<f64>,
    pub mean_violations_undetected: Option<f64>,
    pub mean_incidents: Option<f64>,
    pub mean_sanctions_applied: Option<f64>,
    pub mean_troop_months: Option<f64>,
    /// Mean over runs of the Ukrainian territory lost to a major offensive (percent).
    pub mean_territory_lost_pct: Option<f64>,
    /// Mean over runs of the months of open war.
    pub mean_war_months: Option<f64>,
    pub reference: String,
    /// Paired difference in hold rate from the reference package.
    pub hold_diff_vs_reference: Option<f64>,
    pub hold_diff_lower: Option<f64>,
    pub hold_diff_upper: Option<f64>,
}

/// One row of `pairs.csv`: two packages compared on the same runs of one
/// scenario (common random numbers). This is the comparison to read when
/// asking whether one package holds more often than another. Every pair is
/// written in both directions, so filtering on `package` finds all its
/// comparisons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairRow {
    pub scenario: String,
    pub package: String,
    pub other: String,
    pub runs: u64,
    /// Hold rate of `package` minus that of `other`.
    pub hold_diff: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Runs in which only `package` held, and only `other` held.
    pub only_package_held: u64,
    pub only_other_held: u64,
}

/// Which runs a survival curve counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Among {
    /// Runs in which Russia accepted the terms.
    AcceptedRuns,
    /// Every run; a rejection of the terms is a breakdown at month 0, so a
    /// package that is often rejected cannot look safe by leaving them out.
    AllRuns,
}

/// One row of `survival.csv`: one month of one curve, from month 0 (the
/// ceasefire) on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurvivalRow {
    pub scenario: String,
    pub package: String,
    pub among: Among,
    pub month: u32,
    pub at_risk: u64,
    pub events: u64,
    /// Share of the runs counted with no major offensive by the end of the month.
    pub survival: f64,
    pub lower: f64,
    pub upper: f64,
}

/// One row of `guarantors.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuarantorRow {
    pub scenario: String,
    pub package: String,
    pub country: String,
    pub country_name: String,
    pub called: u64,
    pub honoured: u64,
    pub honour_rate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// One row of `robustness.csv`: a package across scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustnessRow {
    /// 1 = best by the criterion in `ranked_by`.
    pub rank: u32,
    /// The ranking criterion ([`RankBy`]), the same on every row.
    pub ranked_by: RankBy,
    pub package: String,
    pub package_name: String,
    pub worst_hold_rate: f64,
    pub worst_scenario: String,
    pub mean_hold_rate: f64,
    /// Largest shortfall from the best package in any scenario.
    pub max_regret: f64,
    pub max_regret_scenario: String,
    pub mean_regret: f64,
    pub worst_deterrence_rate: f64,
    pub mean_deterrence_rate: f64,
}

/// How packages are ranked across scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum RankBy {
    /// Highest worst-case hold rate across scenarios, then mean (robust
    /// decision making: judge a package by how it does when its
    /// assumptions go wrong).
    #[default]
    WorstCase,
    /// Highest mean hold rate across scenarios (every scenario equally likely).
    Mean,
    /// Smallest maximum regret: the largest shortfall from the best package
    /// in any scenario.
    Regret,
    /// Highest worst-case deterrence rate (no major offensive, no erosion),
    /// then mean: prevention rather than defence.
    Deterrence,
}

impl RankBy {
    /// What the ranking does and why, in a few sentences for the reports.
    pub const fn explanation(self) -> &'static str {
        match self {
            RankBy::WorstCase => {
                "Packages are ranked by their worst case: the lowest hold rate any scenario gives them, then by their mean across scenarios. This follows robust decision making: a guarantee is judged by how it does when its assumptions go wrong, not by how it does on average or in the scenario it was designed for. A package that holds best in most scenarios can therefore rank below one that never fails badly."
            }
            RankBy::Mean => {
                "Packages are ranked by their mean hold rate across scenarios (chosen with --rank-by mean), which treats every scenario as equally likely. A package that fails badly in one scenario can rank high; the default ranking by worst case guards against that."
            }
            RankBy::Regret => {
                "Packages are ranked by their maximum regret (chosen with --rank-by regret): the largest shortfall, in any scenario, from the best package in that scenario. A package with small regret is never far behind the best choice, whatever the world turns out to be."
            }
            RankBy::Deterrence => {
                "Packages are ranked by their worst-case deterrence rate (chosen with --rank-by deterrence): the share of runs with no major offensive and no erosion in the scenario that is hardest for them, then the mean. This values preventing a war over winning it; a package that is often attacked but defends well ranks lower here than by hold rate."
            }
        }
    }

    /// What the ranking means, for captions in the terminal and the reports.
    pub fn caption(self) -> &'static str {
        match self {
            RankBy::WorstCase => {
                "ranked by worst case: the lowest hold rate across scenarios (robust decision making), then the mean"
            }
            RankBy::Mean => "ranked by the mean hold rate across scenarios",
            RankBy::Regret => {
                "ranked by maximum regret: the largest shortfall from the best package in any scenario"
            }
            RankBy::Deterrence => {
                "ranked by worst-case deterrence rate (no major offensive, no erosion), then the mean"
            }
        }
    }
}

/// One row of `infeasible.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfeasibleRow {
    pub package: String,
    pub package_name: String,
    pub constraint: String,
    pub country: String,
    pub reason: String,
}

/// All result tables of a batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tables {
    pub summary: Vec<SummaryRow>,
    pub survival: Vec<SurvivalRow>,
    pub guarantors: Vec<GuarantorRow>,
    pub robustness: Vec<RobustnessRow>,
    pub infeasible: Vec<InfeasibleRow>,
    pub pairs: Vec<PairRow>,
}

/// Something done to every table of a batch, whatever its row type
/// (writing it in one format).
pub trait EachTable {
    /// Called once per table with the name of its CSV file.
    fn table<T: Serialize + DeserializeOwned>(
        &mut self,
        csv_name: &'static str,
        rows: &[T],
    ) -> Result<(), super::ReportError>;
}

impl Tables {
    /// Calls `each` on every table, in the order they are written.
    pub fn each<E: EachTable>(&self, each: &mut E) -> Result<(), super::ReportError> {
        each.table(SUMMARY_CSV, &self.summary)?;
        each.table(SURVIVAL_CSV, &self.survival)?;
        each.table(GUARANTORS_CSV, &self.guarantors)?;
        each.table(ROBUSTNESS_CSV, &self.robustness)?;
        each.table(INFEASIBLE_CSV, &self.infeasible)?;
        each.table(PAIRS_CSV, &self.pairs)
    }
}

/// File names of the tables inside a run's output folder.
pub const SUMMARY_CSV: &str = "summary.csv";
pub const SURVIVAL_CSV: &str = "survival.csv";
pub const GUARANTORS_CSV: &str = "guarantors.csv";
pub const ROBUSTNESS_CSV: &str = "robustness.csv";
pub const INFEASIBLE_CSV: &str = "infeasible.csv";
pub const PAIRS_CSV: &str = "pairs.csv";

/// A table file that could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: crate::scenario::read::ReadError,
    },
    #[error(
        "{path} is not a valid {what} table: {source}\n  (re-run `guarantee-sim run` to regenerate it)"
    )]
    Parse {
        path: PathBuf,
        what: &'static str,
        source: csv::Error,
    },
    #[error("{path}, line {line}: {message}\n  (re-run `guarantee-sim run` to regenerate it)")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Values a table row must hold to be drawn: rates are shares, differences
/// of shares lie in [-1, 1], means are finite and months within the
/// longest horizon a scenario file may set. Checked when tables are read
/// back, so a hand-edited CSV gets a message instead of a chart that
/// overflows or never ends.
trait CheckedRow {
    fn check(&self) -> Result<(), String>;
}

fn share(name: &str, v: Option<f64>) -> Result<(), String> {
    match v {
        Some(x) if !(0.0..=1.0).contains(&x) => {
            Err(format!("`{name}` is {x}, but a share must be from 0 to 1"))
        }
        _ => Ok(()),
    }
}

fn difference(name: &str, v: Option<f64>) -> Result<(), String> {
    match v {
        Some(x) if !(-1.0..=1.0).contains(&x) => Err(format!(
            "`{name}` is {x}, but a difference of shares must be from -1 to 1"
        )),
        _ => Ok(()),
    }
}

fn mean(name: &str, v: Option<f64>) -> Result<(), String> {
    match v {
        Some(x) if !(x.is_finite() && x >= 0.0) => Err(format!(
            "`{name}` is {x}, but it must be a finite number of 0 or more"
        )),
        _ => Ok(()),
    }
}

/// Longest horizon a scenario file may set, in months.
const MAX_MONTHS: u32 = 1200;

fn month(name: &str, v: Option<u32>) -> Result<(), String> {
    match v {
        Some(m) if m > MAX_MONTHS => Err(format!(
            "`{name}` is {m}, but months run from 1 to {MAX_MONTHS}"
        )),
        _ => Ok(()),
    }
}

impl CheckedRow for SummaryRow {
    fn check(&self) -> Result<(), String> {
        for (name, v) in [
            ("hold_rate", self.hold_rate),
            ("hold_lower", self.hold_lower),
            ("hold_upper", self.hold_upper),
            ("deterrence_rate", self.deterrence_rate),
            ("deterrence_lower", self.deterrence_lower),
            ("deterrence_upper", self.deterrence_upper),
            ("share_rejected", self.share_rejected),
            ("share_held", self.share_held),
            ("share_defended", self.share_defended),
            ("share_eroded", self.share_eroded),
            ("share_failed", self.share_failed),
            ("stopped_by_ukraine_alone", self.stopped_by_ukraine_alone),
            ("stopped_with_guarantors", self.stopped_with_guarantors),
            ("failure_breakthrough", self.failure_breakthrough),
            (
                "failure_guarantors_defected",
                self.failure_guarantors_defected,
            ),
            ("failure_erosion", self.failure_erosion),
            ("failure_rejected_terms", self.failure_rejected_terms),
        ] {
            share(name, v)?;
        }
        for (name, v) in [
            ("hold_diff_vs_reference", self.hold_diff_vs_reference),
            ("hold_diff_lower", self.hold_diff_lower),
            ("hold_diff_upper", self.hold_diff_upper),
        ] {
            difference(name, v)?;
        }
        for (name, v) in [
            ("mean_violations_detected", self.mean_violations_detected),
            (
                "mean_violations_undetected",
                self.mean_violations_undetected,
            ),
            ("mean_incidents", self.mean_incidents),
            ("mean_sanctions_applied", self.mean_sanctions_applied),
            ("mean_troop_months", self.mean_troop_months),
            ("mean_territory_lost_pct", self.mean_territory_lost_pct),
            ("mean_war_months", self.mean_war_months),
        ] {
            mean(name, v)?;
        }
        month("median_months_to_major", self.median_months_to_major)
    }
}

impl CheckedRow for SurvivalRow {
    fn check(&self) -> Result<(), String> {
        share("survival", Some(self.survival))?;
        share("lower", Some(self.lower))?;
        share("upper", Some(self.upper))?;
        month("month", Some(self.month))
    }
}

impl CheckedRow for GuarantorRow {
    fn check(&self) -> Result<(), String> {
        share("honour_rate", self.honour_rate)?;
        share("lower", self.lower)?;
        share("upper", self.upper)
    }
}

impl CheckedRow for RobustnessRow {
    fn check(&self) -> Result<(), String> {
        share("worst_hold_rate", Some(self.worst_hold_rate))?;
        share("mean_hold_rate", Some(self.mean_hold_rate))?;
        share("max_regret", Some(self.max_regret))?;
        share("mean_regret", Some(self.mean_regret))?;
        share("worst_deterrence_rate", Some(self.worst_deterrence_rate))?;
        share("mean_deterrence_rate", Some(self.mean_deterrence_rate))
    }
}

impl CheckedRow for InfeasibleRow {
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

impl CheckedRow for PairRow {
    fn check(&self) -> Result<(), String> {
        difference("hold_diff", self.hold_diff)?;
        difference("lower", self.lower)?;
        difference("upper", self.upper)
    }
}

impl Tables {
    /// Builds the tables of a finished (or interrupted) batch.
    pub fn from_batch(world: &World, plan: &Plan, result: &BatchResult) -> Tables {
        let mut t = Tables::default();
        let reference = plan
            .reference
            .map(|r| world.packages[plan.packages[r]].id.clone())
            .unwrap_or_default();
        for (s_pos, &s) in plan.scenarios.iter().enumerate() {
            let scenario = &world.scenarios[s];
            for (p_pos, &p) in plan.packages.iter().enumerate() {
                let package = &world.packages[p];
                let cell = result.cell(s_pos, p_pos);
                let n = cell.runs;
                let share = |count: u64| (n > 0).then(|| round(count as f64 / n as f64));
                let mean = |sum: f64| (n > 0).then(|| round(sum / n as f64));
                let (hold_rate, hold_lower, hold_upper) = rounded(wilson(cell.holds(), n));
                let (deterrence_rate, deterrence_lower, deterrence_upper) =
                    rounded(wilson(cell.count(OutcomeKind::Held), n));
                let km = kaplan_meier(&cell.major_at, &cell.censored_at);
                let survival_row =
                    |among: Among, month: u32, at_risk: u64, events: u64, e: Estimate| {
                        SurvivalRow {
                            scenario: scenario.id.clone(),
                            package: package.id.clone(),
                            among,
                            month,
                            at_risk,
                            events,
                            survival: round(e.value),
                            lower: round(e.lower),
                            upper: round(e.upper),
                        }
                    };
                if let Some(first) = km.first() {
                    // Nothing has happened at the ceasefire itself.
                    let certain = Estimate {
                        value: 1.0,
                        lower: 1.0,
                        upper: 1.0,
                    };
                    t.survival.push(survival_row(
                        Among::AcceptedRuns,
                        0,
                        first.at_risk,
                        0,
                        certain,
                    ));
                }
                for point in &km {
                    t.survival.push(survival_row(
                        Among::AcceptedRuns,
                        point.month,
                        point.at_risk,
                        point.events,
                        point.survival,
                    ));
                }
                let rejected = cell.count(OutcomeKind::Rejected);
                let mut breakdowns = cell.major_at.clone();
                let mut censored = cell.censored_at.clone();
                if let (Some(b), Some(c)) = (breakdowns.first_mut(), censored.first_mut()) {
                    *b += rejected;
                    *c = c.saturating_sub(rejected);
                }
                for point in kaplan_meier_with_month_0(&breakdowns, &censored) {
                    t.survival.push(survival_row(
                        Among::AllRuns,
                        point.month,
                        point.at_risk,
                        point.events,
                        point.survival,
                    ));
                }
                let (diff, diff_lower, diff_upper) = rounded(
                    plan.reference
                        .and_then(|r| result.pair(s_pos, p_pos, r).estimate()),
                );
                let mode = |m: FailureMode| share(cell.failure_modes[m.index()]);
                t.summary.push(SummaryRow {
                    scenario: scenario.id.clone(),
                    package: package.id.clone(),
                    package_name: package.name.clone(),
                    runs: n,
                    hold_rate,
                    hold_lower,
                    hold_upper,
                    deterrence_rate,
                    deterrence_lower,
                    deterrence_upper,
                    share_rejected: share(cell.count(OutcomeKind::Rejected)),
                    share_held: share(cell.count(OutcomeKind::Held)),
                    share_defended: share(cell.count(OutcomeKind::Defended)),
                    share_eroded: share(cell.count(OutcomeKind::Eroded)),
                    share_failed: share(cell.count(OutcomeKind::Failed)),
                    stopped_by_ukraine_alone: share(
                        cell.stopped_by[crate::model::Defence::UkraineAlone.index()],
                    ),
                    stopped_with_guarantors: share(
                        cell.stopped_by[crate::model::Defence::WithGuarantors.index()],
                    ),
                    failure_breakthrough: mode(FailureMode::Breakthrough),
                    failure_guarantors_defected: mode(FailureMode::GuarantorsDefected),
                    failure_erosion: mode(FailureMode::Erosion),
                    failure_rejected_terms: mode(FailureMode::RejectedTerms),
                    median_months_to_major: median_survival(&km),
                    mean_violations_detected: mean(cell.violations_detected as f64),
                    mean_violations_undetected: mean(cell.violations_undetected as f64),
                    mean_incidents: mean(cell.incidents as f64),
                    mean_sanctions_applied: mean(cell.sanctions_applied as f64),
                    mean_troop_months: mean(cell.troop_months),
                    mean_territory_lost_pct: mean(cell.territory_lost_pct),
                    mean_war_months: mean(cell.war_months as f64),
                    reference: reference.clone(),
                    hold_diff_vs_reference: diff,
                    hold_diff_lower: diff_lower,
                    hold_diff_upper: diff_upper,
                });
                let c = &world.countries;
                for i in 0..c.len() {
                    if !package.guarantor[i] && cell.called[i] == 0 {
                        continue;
                    }
                    let (rate, lower, upper) = rounded(wilson(cell.honoured[i], cell.called[i]));
                    t.guarantors.push(GuarantorRow {
                        scenario: scenario.id.clone(),
                        package: package.id.clone(),
                        country: c.id[i].clone(),
                        country_name: c.name[i].clone(),
                        called: cell.called[i],
                        honoured: cell.honoured[i],
                        honour_rate: rate,
                        lower,
                        upper,
                    });
                }
            }
        }
        for (s_pos, &s) in plan.scenarios.iter().enumerate() {
            for (a_pos, &a) in plan.packages.iter().enumerate() {
                for (b_pos, &b) in plan.packages.iter().enumerate() {
                    if a_pos == b_pos {
                        continue;
                    }
                    let pair = result.pair(s_pos, a_pos, b_pos);
                    let (diff, lower, upper) = rounded(pair.estimate());

                    t.pairs.push(PairRow {
                        scenario: world.scenarios[s].id.clone(),
                        package: world.packages[a].id.clone(),
                        other: world.packages[b].id.clone(),
                        runs: pair.n,
                        hold_diff: diff,
                        lower,
                        upper,
                        only_package_held: pair.only_x(),
                        only_other_held: pair.only_y(),
                    });
                }
            }
        }
        t.robustness = robustness(&t.summary);
        t.infeasible = world
            .infeasible
            .iter()
            .flat_map(|p| {
                p.violations.iter().map(move |v| InfeasibleRow {
                    package: p.id.clone(),
                    package_name: p.name.clone(),
                    constraint: v.constraint.clone(),
                    country: v.country.clone(),
                    reason: v.reason.clone(),
                })
            })
            .collect();
        t
    }

    /// Ranks the packages by another criterion than the default worst case.
    pub fn rank_by(&mut self, by: RankBy) {
        rank(&mut self.robustness, by);
    }

    /// The criterion the ranking uses.
    pub fn ranked_by(&self) -> RankBy {
        self.robustness
            .first()
            .map_or(RankBy::default(), |r| r.ranked_by)
    }

    /// Reads the tables back from a run's output folder.
    pub fn load(dir: &Path) -> Result<Tables, TableError> {
        let tables = Tables {
            summary: read_table(&dir.join(SUMMARY_CSV), "summary")?,
            survival: read_table(&dir.join(SURVIVAL_CSV), "survival")?,
            guarantors: read_table(&dir.join(GUARANTORS_CSV), "guarantors")?,
            robustness: read_table(&dir.join(ROBUSTNESS_CSV), "robustness")?,
            infeasible: read_table(&dir.join(INFEASIBLE_CSV), "infeasible")?,
            pairs: read_table(&dir.join(PAIRS_CSV), "pairs")?,
        };
        // Charts are drawn per package and scenario: a table no run could
        // write (none, or thousands) would give empty or enormous charts.
        let summary = dir.join(SUMMARY_CSV);
        let invalid = |message: String| TableError::Invalid {
            path: summary.clone(),
            line: 1,
            message,
        };
        if tables.summary.is_empty() {
            return Err(invalid("no rows: there is nothing to draw".to_string()));
        }
        let (packages, scenarios) = (tables.packages().len(), tables.scenarios().len());
        if packages > MAX_PACKAGES_PER_BATCH || scenarios > MAX_SCENARIOS_PER_BATCH {
            return Err(invalid(format!(
                "{packages} packages and {scenarios} scenarios, but a run writes at most \
                 {MAX_PACKAGES_PER_BATCH} packages and {MAX_SCENARIOS_PER_BATCH} scenarios"
            )));
        }
        Ok(tables)
    }

    /// Package ids in the order of the summary (the plan's order).
    pub fn packages(&self) -> Vec<String> {
        unique(self.summary.iter().map(|r| r.package.as_str()))
    }

    /// Scenario ids in the order of the summary.
    pub fn scenarios(&self) -> Vec<String> {
        unique(self.summary.iter().map(|r| r.scenario.as_str()))
    }

    /// Paired difference in hold rate `package - other` under `scenario`
    /// with its 95% interval, whichever order the pair was stored in.
    pub fn paired_difference(
        &self,
        scenario: &str,
        package: &str,
        other: &str,
    ) -> Option<Estimate> {
        self.pairs.iter().find_map(|r| {
            if r.scenario != scenario {
                return None;
            }
            let (value, lower, upper) = (r.hold_diff?, r.lower?, r.upper?);
            if r.package == package && r.other == other {
                Some(Estimate {
                    value,
                    lower,
                    upper,
                })
            } else if r.package == other && r.other == package {
                Some(Estimate {
                    value: -value,
                    lower: -upper,
                    upper: -lower,
                })
            } else {
                None
            }
        })
    }

    pub fn summary_row(&self, scenario: &str, package: &str) -> Option<&SummaryRow> {
        self.summary
            .iter()
            .find(|r| r.scenario == scenario && r.package == package)
    }
}

fn unique<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

fn read_table<T: DeserializeOwned + CheckedRow>(
    path: &Path,
    what: &'static str,
) -> Result<Vec<T>, TableError> {
    let bytes = read_regular_file(path, MAX_TABLE_BYTES).map_err(|source| TableError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |line: u64, message: String| TableError::Invalid {
        path: path.to_path_buf(),
        line: line as usize,
        message,
    };
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|source| TableError::Parse {
            path: path.to_path_buf(),
            what,
            source,
        })?
        .clone();
    if headers.is_empty() {
        return Err(invalid(
            1,
            format!("the file is empty; a {what} table starts with a header row"),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => invalid(
                pos.as_ref().map_or(0, |p| p.line()),
                format!("{len} fields, but the header has {expected_len}"),
            ),
            _ => TableError::Parse {
                path: path.to_path_buf(),
                what,
                source: e,
            },
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row: T = record
            .deserialize(Some(&headers))
            .map_err(|e| match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => {
                    let column = err
                        .field()
                        .and_then(|i| headers.get(i as usize))
                        .map_or(String::new(), |name| format!("column `{name}`: "));
                    invalid(line, format!("{column}{}", err.kind()))
                }
                _ => invalid(line, e.to_string()),
            })?;
        row.check().map_err(|message| invalid(line, message))?;
        rows.push(row);
    }
    Ok(rows)
}

/// Robust-decision-making view: for each package, the worst-case and mean
/// hold and deterrence rates across scenarios and the regret against the
/// best package in each scenario; ranked by worst case, then mean.
fn robustness(summary: &[SummaryRow]) -> Vec<RobustnessRow> {
    let packages = unique(summary.iter().map(|r| r.package.as_str()));
    let scenarios = unique(summary.iter().map(|r| r.scenario.as_str()));
    let rate = |s: &str, p: &str| {
        summary
            .iter()
            .find(|r| r.scenario == s && r.package == p)
            .and_then(|r| r.hold_rate)
    };
    let best: Vec<f64> = scenarios
        .iter()
        .map(|s| {
            packages
                .iter()
                .filter_map(|p| rate(s, p))
                .fold(0.0, f64::max)
        })
        .collect();
    let mut rows: Vec<RobustnessRow> = packages
        .iter()
        .filter_map(|p| {
            let name = summary
                .iter()
                .find(|r| &r.package == p)?
                .package_name
                .clone();
            let deterrence: Vec<f64> = scenarios
                .iter()
                .filter_map(|s| {
                    summary
                        .iter()
                        .find(|r| &r.scenario == s && &r.package == p)
                        .and_then(|r| r.deterrence_rate)
                })
                .collect();
            let worst_deterrence = deterrence.iter().copied().fold(f64::INFINITY, f64::min);
            let mean_deterrence = deterrence.iter().sum::<f64>() / (deterrence.len().max(1) as f64);
            let mut worst = (f64::INFINITY, String::new());
            let mut regret = (f64::NEG_INFINITY, String::new());
            let (mut sum, mut regret_sum, mut n) = (0.0, 0.0, 0u32);
            for (s, best) in scenarios.iter().zip(&best) {
                let Some(r) = rate(s, p) else { continue };
                if r < worst.0 {
                    worst = (r, s.clone());
                }
                if best - r > regret.0 {
                    regret = (best - r, s.clone());
                }
                sum += r;
                regret_sum += best - r;
                n += 1;
            }
            (n > 0).then(|| RobustnessRow {
                rank: 0,
                ranked_by: RankBy::WorstCase,
                package: p.clone(),
                package_name: name,
                worst_hold_rate: round(worst.0),
                worst_scenario: worst.1,
                mean_hold_rate: round(sum / f64::from(n)),
                max_regret: round(regret.0),
                max_regret_scenario: regret.1,
                mean_regret: round(regret_sum / f64::from(n)),
                worst_deterrence_rate: round(worst_deterrence),
                mean_deterrence_rate: round(mean_deterrence),
            })
        })
        .collect();
    rank(&mut rows, RankBy::WorstCase);
    rows
}

/// Sorts the rows by `by` (ties by the next criterion, then the id) and
/// numbers them.
fn rank(rows: &mut [RobustnessRow], by: RankBy) {
    rows.sort_by(|a, b| {
        let order = match by {
            RankBy::WorstCase => b
                .worst_hold_rate
                .total_cmp(&a.worst_hold_rate)
                .then(b.mean_hold_rate.total_cmp(&a.mean_hold_rate)),
            RankBy::Mean => b
                .mean_hold_rate
                .total_cmp(&a.mean_hold_rate)
                .then(b.worst_hold_rate.total_cmp(&a.worst_hold_rate)),
            RankBy::Regret => a
                .max_regret
                .total_cmp(&b.max_regret)
                .then(a.mean_regret.total_cmp(&b.mean_regret)),
            RankBy::Deterrence => b
                .worst_deterrence_rate
                .total_cmp(&a.worst_deterrence_rate)
                .then(b.mean_deterrence_rate.total_cmp(&a.mean_deterrence_rate)),
        };
        order.then(a.package.cmp(&b.package))
    });
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = i as u32 + 1;
        row.ranked_by = by;
    }
}
