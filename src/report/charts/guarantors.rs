//! Honour rates of one package's guarantors by country, pooled across
//! scenarios, with 95% intervals.

use super::bars::{BarChart, BarRow};
use super::style::{Name, okabe_ito, pct_interval};
use crate::report::Tables;
use crate::report::tables::GUARANTORS_CSV;
use crate::report::views::pooled_guarantors;

pub const X_DESC: &str = "honour rate (share of calls honoured)";

pub fn chart(tables: &Tables, package: &str) -> BarChart {
    let rows = pooled_guarantors(tables, package)
        .into_iter()
        .map(|g| match g.rate {
            Some(e) => BarRow::Interval {
                label: Name::new(&g.country_name, &g.country),
                value: e.value,
                lower: e.lower,
                upper: e.upper,
                note: format!(
                    "{} · {} calls",
                    pct_interval(e.value, e.lower, e.upper),
                    g.called
                ),
            },
            None => BarRow::Empty {
                label: Name::new(&g.country_name, &g.country),
                inside: "never called to honour its commitment".to_string(),
                note: "0 calls".to_string(),
            },
        })
        .collect();
    BarChart {
        title: format!(
            "Guarantor honour rate by country — package: {package}, pooled across scenarios"
        ),
        subtitle: "Share of calls honoured (a call: a major offensive, or a strike on the country's own troops); whiskers: 95% interval".to_string(),
        x_desc: X_DESC.to_string(),
        rows,
        legend: Vec::new(),
        bar_colour: okabe_ito::BLUISH_GREEN,
        source: GUARANTORS_CSV,
    }
}
