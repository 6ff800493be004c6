//! Streaming aggregates of one (package, scenario) cell.
//!
//! Everything is a count or a sum, built as runs finish and merged block by
//! block in run-index order, so memory does not grow with the number of
//! runs and the result never depends on which thread ran which block.

use crate::model::{Defence, FailureMode, Outcome, OutcomeKind};

/// Aggregates of one package under one scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub runs: u64,
    pub outcomes: [u64; OutcomeKind::ALL.len()],
    pub failure_modes: [u64; FailureMode::ALL.len()],
    /// Runs whose first major offensive came in month t (index t).
    pub major_at: Vec<u64>,
    /// Runs that left observation after month t without a major offensive
    /// (index 0: rejected, never at risk).
    pub censored_at: Vec<u64>,
    pub violations_detected: u64,
    pub violations_undetected: u64,
    pub incidents: u64,
    pub sanctions_applied: u64,
    pub troop_months: f64,
    /// Stopped offensives by who stopped them (by [`Defence`] index).
    pub stopped_by: [u64; Defence::ALL.len()],
    /// Sum over runs of the territory lost (percent) and of the months of war.
    pub territory_lost_pct: f64,
    pub war_months: u64,
    /// Times each country was called and honoured.
    pub called: Vec<u64>,
    pub honoured: Vec<u64>,
}

impl Cell {
    pub fn new(horizon_months: u32, countries: usize) -> Self {
        let months = horizon_months as usize + 1;
        Cell {
            runs: 0,
            outcomes: [0; OutcomeKind::ALL.len()],
            failure_modes: [0; FailureMode::ALL.len()],
            major_at: vec![0; months],
            censored_at: vec![0; months],
            violations_detected: 0,
            violations_undetected: 0,
            incidents: 0,
            sanctions_applied: 0,
            troop_months: 0.0,
            stopped_by: [0; Defence::ALL.len()],
            territory_lost_pct: 0.0,
            war_months: 0,
            called: vec![0; countries],
            honoured: vec![0; countries],
        }
    }

    /// Adds one run.
    pub fn add(&mut self, o: &Outcome, called: &[u32], honoured: &[u32]) {
        self.runs += 1;
        self.outcomes[o.kind.index()] += 1;
        self.failure_modes[o.failure_mode.index()] += 1;
        let last = self.major_at.len() - 1;
        match o.first_major_month {
            Some(m) => self.major_at[(m as usize).min(last)] += 1,
            None => self.censored_at[(o.end_month as usize).min(last)] += 1,
        }
        self.violations_detected += u64::from(o.violations_detected);
        self.violations_undetected += u64::from(o.violations_undetected);
        self.incidents += u64::from(o.incidents);
        self.sanctions_applied += u64::from(o.sanctions_applied);
        self.troop_months += o.troop_months;
        if o.kind == OutcomeKind::Defended {
            self.stopped_by[o.defence.index()] += 1;
        }
        self.territory_lost_pct += o.territory_lost_pct;
        self.war_months += u64::from(o.war_months);
        for (total, &c) in self.called.iter_mut().zip(called) {
            *total += u64::from(c);
        }
        for (total, &h) in self.honoured.iter_mut().zip(honoured) {
            *total += u64::from(h);
        }
    }

    /// Adds a later block's aggregates. Callers merge blocks in run-index
    /// order, which fixes the order of the one floating-point sum.
    pub fn merge(&mut self, other: &Cell) {
        self.runs += other.runs;
        for (a, b) in self.outcomes.iter_mut().zip(&other.outcomes) {
            *a += b;
        }
        for (a, b) in self.failure_modes.iter_mut().zip(&other.failure_modes) {
            *a += b;
        }
        for (a, b) in self.major_at.iter_mut().zip(&other.major_at) {
            *a += b;
        }
        for (a, b) in self.censored_at.iter_mut().zip(&other.censored_at) {
            *a += b;
        }
        self.violations_detected += other.violations_detected;
        self.violations_undetected += other.violations_undetected;
        self.incidents += other.incidents;
        self.sanctions_applied += other.sanctions_applied;
        self.troop_months += other.troop_months;
        for (a, b) in self.stopped_by.iter_mut().zip(&other.stopped_by) {
            *a += b;
        }
        self.territory_lost_pct += other.territory_lost_pct;
        self.war_months += other.war_months;
        for (a, b) in self.called.iter_mut().zip(&other.called) {
            *a += b;
        }
        for (a, b) in self.honoured.iter_mut().zip(&other.honoured) {
            *a += b;
        }
    }

    pub fn count(&self, kind: OutcomeKind) -> u64 {
        self.outcomes[kind.index()]
    }

    /// Runs in which the package held (held or defended).
    pub fn holds(&self) -> u64 {
        self.count(OutcomeKind::Held) + self.count(OutcomeKind::Defended)
    }
}
