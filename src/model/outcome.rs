//! The record one run produces.

use serde::{Deserialize, Serialize};

/// How a run ended (see the model brief).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// Russia never accepted the ceasefire terms.
    Rejected,
    /// No major offensive within the horizon.
    Held,
    /// A major offensive came and was stopped short of a breakthrough, by
    /// Ukraine alone or with the guarantors who honoured.
    Defended,
    /// Unattributed or unanswered violations moved the line past the threshold.
    Eroded,
    /// A major offensive broke through.
    Failed,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 5] = [
        OutcomeKind::Rejected,
        OutcomeKind::Held,
        OutcomeKind::Defended,
        OutcomeKind::Eroded,
        OutcomeKind::Failed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Rejected => "rejected",
            OutcomeKind::Held => "held",
            OutcomeKind::Defended => "defended",
            OutcomeKind::Eroded => "eroded",
            OutcomeKind::Failed => "failed",
        }
    }

    /// The ceasefire line survived: no breakthrough and no erosion (held
    /// or defended). Rejected runs never hold.
    pub fn holds(self) -> bool {
        matches!(self, OutcomeKind::Held | OutcomeKind::Defended)
    }

    /// Deterrence worked: no major offensive and no erosion.
    pub fn deters(self) -> bool {
        self == OutcomeKind::Held
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Why a run that did not hold ended as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureMode {
    /// The run held or was defended.
    None,
    /// Russia rejected the terms (often because of Western troops).
    RejectedTerms,
    /// A major offensive broke through a defence whose guarantors all
    /// honoured (or that had none).
    Breakthrough,
    /// A major offensive broke through after at least one called guarantor
    /// defected (its forces were missing from the battle).
    GuarantorsDefected,
    /// Salami-slicing: violations eroded the line.
    Erosion,
}

impl FailureMode {
    pub const ALL: [FailureMode; 5] = [
        FailureMode::None,
        FailureMode::RejectedTerms,
        FailureMode::Breakthrough,
        FailureMode::GuarantorsDefected,
        FailureMode::Erosion,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FailureMode::None => "none",
            FailureMode::RejectedTerms => "rejected-terms",
            FailureMode::Breakthrough => "breakthrough",
            FailureMode::GuarantorsDefected => "guarantors-defected",
            FailureMode::Erosion => "erosion",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Who stopped a major offensive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Defence {
    /// No major offensive came (or the terms were rejected).
    NotTested,
    /// Ukraine fought without any guarantor honouring.
    UkraineAlone,
    /// At least one guarantor honoured and fought beside Ukraine.
    WithGuarantors,
}

impl Defence {
    pub const ALL: [Defence; 3] = [
        Defence::NotTested,
        Defence::UkraineAlone,
        Defence::WithGuarantors,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Defence::NotTested => "not-tested",
            Defence::UkraineAlone => "ukraine-alone",
            Defence::WithGuarantors => "with-guarantors",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The outcome of one run. Per-country calls are in the run's workspace
/// ([`super::run::Workspace::called`] and `honoured`), so this record stays
/// small and copyable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    pub failure_mode: FailureMode,
    /// Month of the first major offensive, if any.
    pub first_major_month: Option<u32>,
    /// Month the run stopped: the horizon, or the absorbing event.
    pub end_month: u32,
    /// Who fought a major offensive (if one came).
    pub defence: Defence,
    /// Ukrainian territory lost to the major offensive (percent).
    pub territory_lost_pct: f64,
    /// Months of open war the major offensive lasted.
    pub war_months: u32,
    /// Attributed violations the guarantors answered.
    pub violations_answered: u32,
    /// Violations detected and attributed.
    pub violations_detected: u32,
    /// Violations nobody attributed.
    pub violations_undetected: u32,
    /// Incidents involving foreign troops.
    pub incidents: u32,
    /// Sum over months of the troops deployed by guarantors.
    pub troop_months: f64,
    /// Times sanctions snapped back.
    pub sanctions_applied: u32,
    /// Erosion of the line at the end.
    pub erosion: f64,
    /// Russia's intent drawn for this run.
    pub russia_intent: f64,
}
