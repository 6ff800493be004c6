//! Derived views of the result tables that charts and readings share, so
//! a chart and the sentence under it always describe the same numbers.

use crate::batch::stats::{Estimate, wilson};

use super::tables::{Among, SummaryRow, SurvivalRow, Tables};

/// The package the guarantor chart shows when none is asked for.
pub const DEFAULT_GUARANTOR_PACKAGE: &str = "paris-draft";

/// An infeasible package with every constraint it breaks, in one line.
#[derive(Debug, Clone, PartialEq)]
pub struct InfeasiblePackage {
    pub package: String,
    pub package_name: String,
    /// `constraint (country)`, joined with `; `.
    pub constraints: String,
    /// The reasons, joined with `; `.
    pub reasons: String,
}

/// Infeasible packages in table order, one entry per package.
pub fn infeasible_packages(tables: &Tables) -> Vec<InfeasiblePackage> {
    let mut out: Vec<InfeasiblePackage> = Vec::new();
    for row in &tables.infeasible {
        let constraint = format!("{} ({})", row.constraint, row.country);
        match out.iter_mut().find(|p| p.package == row.package) {
            Some(p) => {
                p.constraints.push_str("; ");
                p.constraints.push_str(&constraint);
                p.reasons.push_str("; ");
                p.reasons.push_str(&row.reason);
            }
            None => out.push(InfeasiblePackage {
                package: row.package.clone(),
                package_name: row.package_name.clone(),
                constraints: constraint,
                reasons: row.reason.clone(),
            }),
        }
    }
    out
}

/// The summary rows of a scenario, highest hold rate first; rows without
/// an estimate (no finished run) last; ties keep the plan's order.
pub fn by_hold_rate<'a>(tables: &'a Tables, scenario: &str) -> Vec<&'a SummaryRow> {
    let mut rows: Vec<&SummaryRow> = tables
        .summary
        .iter()
        .filter(|r| r.scenario == scenario)
        .collect();
    rows.sort_by(|a, b| match (a.hold_rate, b.hold_rate) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    rows
}

/// The hold-rate estimate of a summary row, when it has one.
pub fn hold_estimate(row: &SummaryRow) -> Option<Estimate> {
    Some(Estimate {
        value: row.hold_rate?,
        lower: row.hold_lower?,
        upper: row.hold_upper?,
    })
}

/// Whether two 95% intervals overlap (then no clear difference can be
/// claimed between the two estimates).
pub fn intervals_overlap(a: &Estimate, b: &Estimate) -> bool {
    a.lower <= b.upper && b.lower <= a.upper
}

/// How two hold rates were compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Same scenario: the paired difference on common random numbers;
    /// `clear` when its 95% interval excludes zero.
    Paired { clear: bool },
    /// Different scenarios (independent runs): `clear` when the two 95%
    /// intervals do not overlap.
    Separate { clear: bool },
}

impl Comparison {
    pub fn clear(self) -> bool {
        match self {
            Comparison::Paired { clear } | Comparison::Separate { clear } => clear,
        }
    }
}

/// Compares the hold rates of package `a` under scenario `sa` and package
/// `b` under `sb`. Under one scenario the runs are paired, and the paired
/// difference is the honest comparison (overlapping marginal intervals
/// would hide differences the pairing shows); tables without paired rows
/// (written by an older version) fall back to the intervals.
pub fn compare_hold_rates(
    tables: &Tables,
    (sa, a): (&str, &str),
    (sb, b): (&str, &str),
) -> Option<Comparison> {
    if sa == sb {
        if let Some(d) = tables.paired_difference(sa, a, b) {
            return Some(Comparison::Paired {
                clear: d.lower > 0.0 || d.upper < 0.0,
            });
        }
    }
    let ea = hold_estimate(tables.summary_row(sa, a)?)?;
    let eb = hold_estimate(tables.summary_row(sb, b)?)?;
    Some(Comparison::Separate {
        clear: !intervals_overlap(&ea, &eb),
    })
}

/// The survival curve of a package under a scenario, by month.
pub fn survival_curve<'a>(
    tables: &'a Tables,
    scenario: &str,
    package: &str,
    among: Among,
) -> Vec<&'a SurvivalRow> {
    tables
        .survival
        .iter()
        .filter(|r| r.scenario == scenario && r.package == package && r.among == among)
        .collect()
}

/// The last month the survival table covers (the run's horizon).
pub fn horizon_months(tables: &Tables) -> u32 {
    tables.survival.iter().map(|r| r.month).max().unwrap_or(0)
}

/// A guarantor's record for one package, pooled across scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledGuarantor {
    pub country: String,
    pub country_name: String,
    pub called: u64,
    pub honoured: u64,
    pub rate: Option<Estimate>,
}

/// The package whose guarantors the report shows: the one asked for, else
/// `paris-draft`, else the best-ranked package whose guarantors were
/// called at least once. `None` when no package has guarantor records.
pub fn guarantor_package(tables: &Tables, requested: Option<&str>) -> Option<String> {
    let called = |p: &str| {
        tables
            .guarantors
            .iter()
            .any(|g| g.package == p && g.called > 0)
    };
    if let Some(p) = requested {
        return Some(p.to_string());
    }
    if called(DEFAULT_GUARANTOR_PACKAGE) {
        return Some(DEFAULT_GUARANTOR_PACKAGE.to_string());
    }
    tables
        .robustness
        .iter()
        .map(|r| r.package.as_str())
        .find(|p| called(p))
        .map(str::to_string)
}

/// Honour rates of a package's guarantors, pooled across scenarios (calls
/// and honours summed), highest rate first; countries never called last.
pub fn pooled_guarantors(tables: &Tables, package: &str) -> Vec<PooledGuarantor> {
    let mut out: Vec<PooledGuarantor> = Vec::new();
    for g in tables.guarantors.iter().filter(|g| g.package == package) {
        match out.iter_mut().find(|p| p.country == g.country) {
            Some(p) => {
                p.called += g.called;
                p.honoured += g.honoured;
            }
            None => out.push(PooledGuarantor {
                country: g.country.clone(),
                country_name: g.country_name.clone(),
                called: g.called,
                honoured: g.honoured,
                rate: None,
            }),
        }
    }
    for p in &mut out {
        p.rate = wilson(p.honoured, p.called).map(|e| Estimate {
            value: super::tables::round_for_output(e.value),
            lower: super::tables::round_for_output(e.lower),
            upper: super::tables::round_for_output(e.upper),
        });
    }
    out.sort_by(|a, b| match (&a.rate, &b.rate) {
        (Some(x), Some(y)) => y.value.total_cmp(&x.value),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out
}
