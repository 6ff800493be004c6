//! The ranking table printed after a run and embedded in the reports:
//! packages sorted by the chosen criterion (worst-case hold rate by
//! default), with each scenario's hold rate and its 95% interval.

use std::fmt::Write;

use super::tables::{RankBy, Tables};

/// What the ranking table shows, as its caption everywhere.
pub fn ranking_caption(tables: &Tables) -> String {
    format!(
        "Hold rate (the ceasefire line survives: held or defended; rejected runs count as not holding) \
         by scenario, 95% interval in brackets; {}",
        tables.ranked_by().caption()
    )
}

/// A percentage with its interval, e.g. `72% (70-74)`.
pub fn percent_with_interval(value: Option<f64>, lower: Option<f64>, upper: Option<f64>) -> String {
    match (value, lower, upper) {
        (Some(v), Some(l), Some(u)) => {
            format!("{:.0}% ({:.0}-{:.0})", v * 100.0, l * 100.0, u * 100.0)
        }
        _ => "n/a".to_string(),
    }
}

/// Rows of the ranking: header cells, then one row of cells per package.
pub fn ranking_cells(tables: &Tables) -> (Vec<String>, Vec<Vec<String>>) {
    let scenarios = tables.scenarios();
    let by = tables.ranked_by();
    let mut header = vec![
        "#".to_string(),
        "package".to_string(),
        match by {
            RankBy::WorstCase => "worst case",
            RankBy::Mean => "mean",
            RankBy::Regret => "max regret",
            RankBy::Deterrence => "worst deterrence",
        }
        .to_string(),
    ];
    header.extend(scenarios.iter().cloned());
    let rows = tables
        .robustness
        .iter()
        .map(|r| {
            let mut row = vec![
                r.rank.to_string(),
                r.package.clone(),
                match by {
                    RankBy::WorstCase => {
                        format!("{:.0}% ({})", r.worst_hold_rate * 100.0, r.worst_scenario)
                    }
                    RankBy::Mean => format!("{:.0}%", r.mean_hold_rate * 100.0),
                    RankBy::Regret => format!(
                        "{:.0} pts ({})",
                        r.max_regret * 100.0,
                        r.max_regret_scenario
                    ),
                    RankBy::Deterrence => format!("{:.0}%", r.worst_deterrence_rate * 100.0),
                },
            ];
            for s in &scenarios {
                row.push(match tables.summary_row(s, &r.package) {
                    Some(x) => percent_with_interval(x.hold_rate, x.hold_lower, x.hold_upper),
                    None => "n/a".to_string(),
                });
            }
            row
        })
        .collect();
    (header, rows)
}

/// The ranking as aligned plain text, followed by the infeasible packages.
pub fn ranking_text(tables: &Tables) -> String {
    let (header, rows) = ranking_cells(tables);
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = w - cell.chars().count();
            if i == 1 {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            }
        }
        s.trim_end().to_string()
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}:", ranking_caption(tables));
    let _ = writeln!(out, "{}", line(&header));
    let rule: usize = widths.iter().sum::<usize>() + 2 * (widths.len().saturating_sub(1));
    let _ = writeln!(out, "{}", "-".repeat(rule));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
    let mut infeasible = tables.infeasible.iter().peekable();
    if infeasible.peek().is_some() {
        let _ = writeln!(out, "\nInfeasible (not simulated):");
        for r in infeasible {
            let _ = writeln!(
                out,
                "  {}: {} (constraint `{}`, country `{}`)",
                r.package, r.reason, r.constraint, r.country
            );
        }
    }
    out
}
