//! The month-by-month story of one run, for `guarantee-sim explain`.

use std::fmt::Write;

use crate::model::trace::{Choice, TraceEvent};
use crate::model::{FailureMode, OutcomeKind};

/// Options for the narrative.
#[derive(Debug, Clone, Copy)]
pub struct NarrativeOptions {
    /// Also narrate months in which Russia complied and nothing else
    /// happened (otherwise they are summarised as quiet stretches).
    pub every_month: bool,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Renders a trace as readable text.
pub fn narrative(header: &str, events: &[TraceEvent], options: NarrativeOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}\n");
    let mut quiet_from: Option<u32> = None;
    let mut last_month_line: Option<String> = None;
    let flush_quiet = |out: &mut String, from: &mut Option<u32>, to: u32, last: &Option<String>| {
        if let Some(start) = from.take() {
            if start == to {
                let _ = writeln!(out, "Month {start}: Russia complied.");
            } else {
                let _ = writeln!(out, "Months {start}-{to}: Russia complied every month.");
            }
            if let Some(line) = last {
                let _ = writeln!(out, "  (at month {to}: {line})");
            }
        }
    };
    let mut last_quiet = 0;
    for event in events {
        match event {
            TraceEvent::Start {
                russia_intent,
                legal_strength,
                russia_strength,
                ukraine_strength,
                western_troops_weighted_10k,
                acceptance_probability,
                accepted,
            } => {
                let _ = writeln!(
                    out,
                    "Month 0: the terms are put to Russia. Drawn for this run: Russian intent {russia_intent:.2} (0-1), \
                     Russian force {russia_strength:.2}, Ukrainian force {ukraine_strength:.2} (force index, \
                     1 = Russia's force at the ceasefire)."
                );
                let _ = writeln!(
                    out,
                    "  Western troops in Ukraine, weighted by closeness to the line: {western_troops_weighted_10k:.2} x 10,000; \
                     strength of the legal commitment {legal_strength:.2}. Chance Russia accepts: {}. Russia {}.",
                    pct(*acceptance_probability),
                    if *accepted {
                        "accepts; the ceasefire starts"
                    } else {
                        "rejects the terms"
                    }
                );
            }
            TraceEvent::Month {
                month,
                russia_strength,
                ukraine_strength,
                russia_intent,
                ukraine_fortification,
                sanction_pressure,
                grievance,
                erosion,
                coalition_resolve,
                us_resolve,
                major_terms: t,
                probabilities,
                choice,
            } => {
                let state = format!(
                    "forces Russia {russia_strength:.2} vs Ukraine {ukraine_strength:.2} (fortification +{:.0}%); \
                     Russian intent {russia_intent:.2}; coalition resolve {coalition_resolve:.2}{}; \
                     sanction pressure {sanction_pressure:.2}; grievance {grievance:.2}; erosion {erosion:.1}",
                    ukraine_fortification * 100.0,
                    us_resolve
                        .map(|u| format!(", US resolve {u:.2}"))
                        .unwrap_or_default()
                );
                if *choice == Choice::Comply && !options.every_month {
                    if quiet_from.is_none() {
                        quiet_from = Some(*month);
                    }
                    last_quiet = *month;
                    last_month_line = Some(state);
                    continue;
                }
                flush_quiet(&mut out, &mut quiet_from, last_quiet, &last_month_line);
                let _ = writeln!(out, "Month {month}: Russia chooses {}.", choice.label());
                let _ = writeln!(out, "  State: {state}.");
                let _ = writeln!(
                    out,
                    "  Major offensive weighed: Russia expects to meet a defence of {:.2} (Ukraine and the guarantors it \
                     expects to honour) and to break through with chance {}. Gain {:+.2}, grievance {:+.2}; costs: \
                     failure {:.2}, sanctions {:.2}, relief lost {:.2}, what peace has built {:.2}.",
                    t.expected_defence,
                    pct(t.expected_success),
                    t.gain,
                    t.grievance,
                    t.failure_cost,
                    t.sanctions_cost,
                    t.relief_cost,
                    t.opportunity_cost
                );
                let _ = writeln!(
                    out,
                    "  Chances this month: comply {}, probe {}, limited offensive {}, major offensive {}.",
                    pct(probabilities[0]),
                    pct(probabilities[1]),
                    pct(probabilities[2]),
                    pct(probabilities[3])
                );
            }
            TraceEvent::Scripted {
                month,
                kind,
                magnitude,
                countries,
                detail,
            } => {
                flush_quiet(&mut out, &mut quiet_from, last_quiet, &last_month_line);
                let _ = writeln!(
                    out,
                    "Month {month}: scenario event {kind} (size {magnitude:.2}): {detail}{}.",
                    if countries.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", countries.join(", "))
                    }
                );
            }
            TraceEvent::Election {
                month,
                country,
                resolve_before,
                resolve_after,
            } => {
                flush_quiet(&mut out, &mut quiet_from, last_quiet, &last_month_line);
                let _ = writeln!(
                    out,
                    "Month {month}: election in {country}; resolve {resolve_before:.2} -> {resolve_after:.2}."
                );
            }
            TraceEvent::Incident { month, grievance } => {
                flush_quiet(&mut out, &mut quiet_from, last_quiet, &last_month_line);
                let _ = writeln!(
                    out,
                    "Month {month}: an incident involving foreign troops; Russia's grievance rises to {grievance:.2}."
                );
            }
            TraceEvent::Violation {
                choice,
                attributed,
                answered,
                sanctions_applied,
                erosion_added,
                erosion_total,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "  The {} is {}{}; the line erodes by {erosion_added:.1} (total {erosion_total:.1}).",
                    choice.label(),
                    match (attributed, answered) {
                        (false, _) => "not attributed, so nobody can answer it",
                        (true, false) => "attributed, but the guarantors do not answer",
                        (true, true) => "attributed and answered",
                    },
                    if *sanctions_applied {
                        ", and sanctions snap back"
                    } else {
                        ""
                    }
                );
            }
            TraceEvent::Call {
                country,
                resolve,
                capability,
                honour_probability,
                honoured,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "  {country} is called (resolve {resolve:.2}, brings force {capability:.2}); chance to honour {}: {}.",
                    pct(*honour_probability),
                    if *honoured {
                        "honours"
                    } else {
                        "DOES NOT honour"
                    }
                );
            }
            TraceEvent::Battle {
                attack,
                defence,
                breakthrough_probability,
                breakthrough,
                honoured,
                called,
                territory_lost_pct,
                war_months,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "  Attack {attack:.2} against defence {defence:.2} (Ukraine, fortification and the {honoured} of \
                     {called} called guarantors who honoured, with the support that honoured). Chance of a \
                     breakthrough {}: {}; {territory_lost_pct:.1}% of Ukraine's territory lost, {war_months} months of war.",
                    pct(*breakthrough_probability),
                    if *breakthrough {
                        "the front breaks"
                    } else {
                        "the offensive is stopped"
                    }
                );
            }
            TraceEvent::End { outcome } => {
                flush_quiet(&mut out, &mut quiet_from, last_quiet, &last_month_line);
                let why = match outcome.failure_mode {
                    FailureMode::None => String::new(),
                    FailureMode::RejectedTerms => " (Russia rejected the terms)".to_string(),
                    FailureMode::Breakthrough => " (a major offensive broke through)".to_string(),
                    FailureMode::GuarantorsDefected => {
                        " (a major offensive broke through after guarantors defected)".to_string()
                    }
                    FailureMode::Erosion => " (violations eroded the line)".to_string(),
                };
                let verdict = if outcome.kind.deters() {
                    "the package DETERRED and the line HOLDS in this run".to_string()
                } else if outcome.kind.holds() {
                    format!(
                        "deterrence failed but the line HOLDS in this run (defended by {})",
                        match outcome.defence {
                            crate::model::Defence::WithGuarantors => "Ukraine with its guarantors",
                            _ => "Ukraine alone",
                        }
                    )
                } else if outcome.kind == OutcomeKind::Rejected {
                    "the package never took effect".to_string()
                } else {
                    "the package FAILS in this run".to_string()
                };
                let _ = writeln!(
                    out,
                    "\nOutcome: {}{why} at month {}; {verdict}.",
                    outcome.kind.label(),
                    outcome.end_month
                );
                let _ = writeln!(
                    out,
                    "Violations: {} attributed ({} answered), {} unattributed; incidents {}; sanctions applied {} times; \
                     guarantor troop-months {:.0}.",
                    outcome.violations_detected,
                    outcome.violations_answered,
                    outcome.violations_undetected,
                    outcome.incidents,
                    outcome.sanctions_applied,
                    outcome.troop_months
                );
            }
        }
    }
    out
}
