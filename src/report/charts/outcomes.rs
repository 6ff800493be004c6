//! How runs end, by package under one scenario: stacked shares of held,
//! defended, eroded, failed and rejected.

use plotters::style::RGBColor;

use super::bars::{BarChart, BarRow};
use super::hold_rate::infeasible_rows;
use super::style::{Name, okabe_ito};
use crate::report::Tables;
use crate::report::tables::{SUMMARY_CSV, SummaryRow};
use crate::report::views::by_hold_rate;

pub const X_DESC: &str = "share of runs";

/// Outcome categories in stacking order, good to bad, with their colours.
pub const OUTCOMES: [(&str, RGBColor); 5] = [
    ("held", okabe_ito::BLUISH_GREEN),
    ("defended", okabe_ito::SKY_BLUE),
    ("eroded", okabe_ito::ORANGE),
    ("failed", okabe_ito::VERMILLION),
    ("rejected", okabe_ito::REDDISH_PURPLE),
];

/// The shares of a summary row in [`OUTCOMES`] order.
pub fn shares(row: &SummaryRow) -> [Option<f64>; 5] {
    [
        row.share_held,
        row.share_defended,
        row.share_eroded,
        row.share_failed,
        row.share_rejected,
    ]
}

pub fn chart(tables: &Tables, scenario: &str) -> BarChart {
    let mut rows: Vec<BarRow> = by_hold_rate(tables, scenario)
        .into_iter()
        .map(|r| {
            let segments: Vec<(f64, RGBColor)> = shares(r)
                .iter()
                .zip(OUTCOMES)
                .map(|(share, (_, colour))| (share.unwrap_or(0.0), colour))
                .collect();
            BarRow::Stacked {
                label: Name::new(&r.package_name, &r.package),
                segments,
                note: format!("{} runs", r.runs),
            }
        })
        .collect();
    rows.extend(infeasible_rows(tables));
    BarChart {
        title: format!("How runs end, by package — scenario: {scenario}"),
        subtitle: "held: no major offensive · defended: offensive stopped · eroded: line moved by violations · failed: breakthrough or guarantors defected · rejected: terms refused".to_string(),
        x_desc: X_DESC.to_string(),
        rows,
        legend: OUTCOMES
            .iter()
            .map(|(name, colour)| (name.to_string(), *colour))
            .collect(),
        bar_colour: okabe_ito::BLUE,
        source: SUMMARY_CSV,
    }
}
