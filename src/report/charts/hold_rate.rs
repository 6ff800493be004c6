//! Hold rate by package under one scenario: bars with 95% whiskers;
//! infeasible packages keep a labelled empty slot.

use super::bars::{BarChart, BarRow};
use super::style::{Name, okabe_ito, pct_interval};
use crate::report::Tables;
use crate::report::tables::SUMMARY_CSV;
use crate::report::views::{by_hold_rate, hold_estimate, infeasible_packages};

pub const X_DESC: &str = "hold rate (share of runs)";

pub fn chart(tables: &Tables, scenario: &str) -> BarChart {
    let mut rows: Vec<BarRow> = by_hold_rate(tables, scenario)
        .into_iter()
        .map(|r| match hold_estimate(r) {
            Some(e) => BarRow::Interval {
                label: Name::new(&r.package_name, &r.package),
                value: e.value,
                lower: e.lower,
                upper: e.upper,
                note: pct_interval(e.value, e.lower, e.upper),
            },
            None => BarRow::Empty {
                label: Name::new(&r.package_name, &r.package),
                inside: "no finished run".to_string(),
                note: "n/a".to_string(),
            },
        })
        .collect();
    rows.extend(infeasible_rows(tables));
    BarChart {
        title: format!("Hold rate by package — scenario: {scenario}"),
        subtitle: "Share of runs in which the ceasefire held or an offensive was defended; whiskers: 95% interval".to_string(),
        x_desc: X_DESC.to_string(),
        rows,
        legend: Vec::new(),
        bar_colour: okabe_ito::BLUE,
        source: SUMMARY_CSV,
    }
}

/// Empty slots for the infeasible packages, naming the broken constraint.
pub fn infeasible_rows(tables: &Tables) -> Vec<BarRow> {
    infeasible_packages(tables)
        .into_iter()
        .map(|p| BarRow::Empty {
            label: Name::new(&p.package_name, &p.package),
            inside: format!("infeasible: {}", p.constraints),
            note: "not simulated".to_string(),
        })
        .collect()
}
