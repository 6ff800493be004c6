//! What happened in one run, step by step, for `explain`.
//!
//! The simulation is generic over a [`Recorder`]; batches use [`NoTrace`],
//! whose `ENABLED = false` lets the compiler drop every recording branch, so
//! tracing costs nothing when it is off.

use serde::Serialize;

use super::outcome::Outcome;

/// Receives trace events from a run.
pub trait Recorder {
    /// Whether events are wanted at all; checked before building one.
    const ENABLED: bool;
    fn record(&mut self, event: TraceEvent);
}

/// The recorder of batch runs: records nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoTrace;

impl Recorder for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn record(&mut self, _event: TraceEvent) {}
}

/// Collects every event, for `explain`.
#[derive(Debug, Default, Clone)]
pub struct Trace {
    pub events: Vec<TraceEvent>,
}

impl Recorder for Trace {
    const ENABLED: bool = true;
    fn record(&mut self, event: TraceEvent) {
        self.events.push(event);
    }
}

/// Russia's options each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Choice {
    Comply,
    Probe,
    LimitedOffensive,
    MajorOffensive,
}

impl Choice {
    pub const ALL: [Choice; 4] = [
        Choice::Comply,
        Choice::Probe,
        Choice::LimitedOffensive,
        Choice::MajorOffensive,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Choice::Comply => "comply",
            Choice::Probe => "grey-zone probe",
            Choice::LimitedOffensive => "limited offensive",
            Choice::MajorOffensive => "major offensive",
        }
    }
}

/// The terms of Russia's calculation for a major offensive in one month.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MajorTerms {
    /// The chance of breaking through that Russia expects (denial lowers it).
    pub expected_success: f64,
    /// The defence Russia expects to meet: Ukraine and the guarantors it
    /// expects to honour, with the support it expects.
    pub expected_defence: f64,
    /// intent x gain x expected success.
    pub gain: f64,
    /// Cost of failing, times the expected chance of failing (denial).
    pub failure_cost: f64,
    /// Cost of the sanctions that would snap back (punishment).
    pub sanctions_cost: f64,
    /// Sanctions relief Russia would lose (punishment).
    pub relief_cost: f64,
    /// What years of ceasefire have built up that war would throw away.
    pub opportunity_cost: f64,
    /// Push from grievance.
    pub grievance: f64,
}

/// One step of a run's story.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum TraceEvent {
    /// Month 0: the draws of the run and Russia's answer to the terms.
    Start {
        russia_intent: f64,
        legal_strength: f64,
        russia_strength: f64,
        ukraine_strength: f64,
        western_troops_weighted_10k: f64,
        acceptance_probability: f64,
        accepted: bool,
    },
    /// A scripted scenario event.
    Scripted {
        month: u32,
        kind: String,
        magnitude: f64,
        countries: Vec<String>,
        detail: String,
    },
    /// The state at the start of a month and Russia's choice.
    Month {
        month: u32,
        russia_strength: f64,
        ukraine_strength: f64,
        russia_intent: f64,
        ukraine_fortification: f64,
        sanction_pressure: f64,
        grievance: f64,
        erosion: f64,
        coalition_resolve: f64,
        us_resolve: Option<f64>,
        major_terms: MajorTerms,
        /// Probabilities of comply, probe, limited, major.
        probabilities: [f64; 4],
        choice: Choice,
    },
    /// An election moved a country's resolve.
    Election {
        month: u32,
        country: String,
        resolve_before: f64,
        resolve_after: f64,
    },
    /// An incident involving foreign troops raised Russia's grievance.
    Incident { month: u32, grievance: f64 },
    /// A probe or limited offensive and what followed.
    Violation {
        month: u32,
        choice: Choice,
        attributed: bool,
        /// The guarantors answered (only possible once attributed).
        answered: bool,
        sanctions_applied: bool,
        erosion_added: f64,
        erosion_total: f64,
    },
    /// A guarantor was called and decided.
    Call {
        month: u32,
        country: String,
        resolve: f64,
        capability: f64,
        honour_probability: f64,
        honoured: bool,
    },
    /// The major offensive met the defence.
    Battle {
        month: u32,
        attack: f64,
        defence: f64,
        breakthrough_probability: f64,
        breakthrough: bool,
        /// Guarantors that honoured and fought, of those called.
        honoured: u32,
        called: u32,
        territory_lost_pct: f64,
        war_months: u32,
    },
    /// How the run ended.
    End { outcome: Outcome },
}
