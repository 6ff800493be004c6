//! A small world built in code for the model's mechanism tests: Ukraine,
//! Russia, the United States, three European guarantors and the EU.
#![allow(dead_code)]

use guarantee_sim::model::params::*;

pub const UKRAINE: usize = 0;
pub const RUSSIA: usize = 1;
pub const US: usize = 2;
pub const UK: usize = 3;
pub const FRANCE: usize = 4;
pub const GERMANY: usize = 5;
pub const EU: usize = 6;

/// Coefficient values for tests: plausible magnitudes, not the bundled
/// scenario's.
pub fn base_coefficients() -> Vec<(&'static str, f64)> {
    vec![
        ("russia_intent", 0.6),
        ("habituation_per_month", 0.005),
        ("russia_strength_initial", 1.0),
        ("russia_strength_ceiling", 1.4),
        ("russia_reconstitution_per_month", 0.03),
        ("sanctions_drag", 0.5),
        ("sanctions_decay_per_month", 0.05),
        ("grievance_decay_per_month", 0.1),
        ("utility_probe_base", -1.0),
        ("utility_limited_base", -3.0),
        ("utility_major_base", -3.0),
        ("gain_probe", 1.0),
        ("gain_limited", 2.0),
        ("gain_major", 5.0),
        ("weight_failure", 2.0),
        ("weight_sanctions", 1.0),
        ("weight_relief_lost", 0.5),
        ("opportunity_cost_per_year", 0.1),
        ("weight_grievance", 1.0),
        ("limited_cost_share", 0.5),
        ("choice_temperature", 1.0),
        ("acceptance_base_logit", 3.0),
        ("acceptance_intent_weight", 2.0),
        ("acceptance_legal_weight", 0.5),
        ("acceptance_relief_weight", 1.0),
        ("diplomacy_acceptance_logit", 0.3),
        ("ukraine_strength_initial", 0.8),
        ("ukraine_strength_ceiling", 1.2),
        ("ukraine_personnel_elasticity", 0.5),
        ("ukraine_mobilisation_per_month", 0.005),
        ("reconstruction_growth_per_month", 0.03),
        ("reconstruction_reference_usd_bn_per_year", 40.0),
        ("ukraine_attrition_per_month", 0.01),
        ("aid_resolve_elasticity", 1.0),
        ("fortification_max", 0.3),
        ("fortification_per_month", 0.05),
        ("cohesion_pull_coalition", 0.05),
        ("cohesion_pull_us", 0.05),
        ("us_coupling_without_reliance", 0.2),
        ("election_shock_sd", 0.1),
        ("fatigue_per_10k_troops", 0.002),
        ("legal_strength_political_declaration", 0.2),
        ("legal_strength_bilateral_agreements", 0.4),
        ("legal_strength_binding_treaty", 0.7),
        ("legal_strength_mutual_defence", 1.0),
        ("force_index_per_10k_troops", 0.15),
        ("air_contribution", 0.1),
        ("sea_contribution", 0.05),
        ("general_contribution", 0.1),
        ("delay_discount_per_month", 0.8),
        ("over_the_horizon_delay_months", 1.0),
        ("rear_delay_months", 0.3),
        ("lead_delay_months", 1.0),
        ("posture_proximity_rear", 0.3),
        ("posture_proximity_line", 1.0),
        ("backstop_multiplier", 0.4),
        ("backstop_attribution", 0.5),
        ("intelligence_logistics_effectiveness", 0.2),
        ("honour_base_logit", -1.0),
        ("honour_legal_weight", 1.5),
        ("honour_resolve_weight", 2.0),
        ("honour_own_troops_weight", 1.0),
        ("honour_us_backing_weight", 1.0),
        ("honour_lead_weight", 0.6),
        ("honour_cost_weight", 0.5),
        ("detection_none", 0.2),
        ("detection_technical", 0.5),
        ("detection_observers", 0.7),
        ("detection_us_led", 0.85),
        ("limited_attribution", 0.9),
        ("response_base_logit", -1.0),
        ("response_resolve_weight", 2.0),
        ("response_legal_weight", 1.5),
        ("probe_erosion", 1.0),
        ("limited_erosion", 3.0),
        ("answered_erosion_share", 0.5),
        ("erosion_threshold", 20.0),
        ("probe_sanction_increment", 0.2),
        ("aid_surge_per_response", 0.01),
        ("incident_base_probability", 0.01),
        ("diplomacy_crisis_share", 0.3),
        ("battle_decisiveness", 3.0),
        ("territory_breakthrough_pct", 10.0),
        ("territory_stopped_pct", 1.0),
        ("war_months_stopped", 3.0),
        ("strike_resolve_shift", 0.02),
        ("strike_withdraw_per_100_casualties", 1.0),
    ]
}

/// Coefficient distributions from (name, value) pairs, with overrides.
pub fn coefficients(overrides: &[(&str, ParamDist)]) -> Vec<ParamDist> {
    let base = base_coefficients();
    COEFFICIENTS
        .iter()
        .map(|info| {
            if let Some((_, d)) = overrides.iter().find(|(n, _)| *n == info.name) {
                return *d;
            }
            let value = base
                .iter()
                .find(|(n, _)| *n == info.name)
                .unwrap_or_else(|| panic!("test coefficients miss {}", info.name))
                .1;
            ParamDist::Fixed { value }
        })
        .collect()
}

pub fn fixed(value: f64) -> ParamDist {
    ParamDist::Fixed { value }
}

pub fn countries() -> Countries {
    let ids = [
        "ukraine",
        "russia",
        "united-states",
        "united-kingdom",
        "france",
        "germany",
        "eu",
    ];
    let n = ids.len();
    Countries {
        id: ids.iter().map(|s| s.to_string()).collect(),
        name: ids.iter().map(|s| s.to_string()).collect(),
        role: vec![
            Role::Defender,
            Role::Challenger,
            Role::Guarantor,
            Role::Guarantor,
            Role::Guarantor,
            Role::Guarantor,
            Role::Economic,
        ],
        european: vec![false, false, false, true, true, true, true],
        western: vec![false, false, true, true, true, true, true],
        military: vec![0.0, 0.0, 4.0, 1.0, 1.0, 0.8, 0.0],
        intelligence: vec![0.0, 0.0, 1.0, 0.6, 0.5, 0.4, 0.0],
        logistics: vec![0.0, 0.0, 1.0, 0.5, 0.5, 0.6, 0.0],
        resolve: vec![0.0, 0.0, 0.6, 0.7, 0.7, 0.6, 0.6],
        volatility: vec![0.0, 0.0, 0.03, 0.02, 0.02, 0.02, 0.01],
        election_interval_months: vec![0, 0, 48, 60, 60, 48, 0],
        next_election_month: vec![0, 0, 34, 42, 16, 38, 0],
        response_delay_months: vec![0; n],
        economy: vec![0.19, 2.1, 27.0, 3.6, 3.1, 4.5, 0.0],
        us_coupling: vec![None; n],
        ukraine: UKRAINE,
        russia: RUSSIA,
        united_states: Some(US),
    }
}

/// An empty package: no guarantors, no force, no sanctions.
pub fn bare_package(id: &str) -> Package {
    Package::empty(id, id, countries().len())
}

/// A Paris-like package: binding treaty, European force with a US backstop.
pub fn guarantee_package(id: &str, posture: Posture, troops_each: f64) -> Package {
    let mut p = bare_package(id);
    p.legal_form = LegalForm::BindingTreaty;
    p.monitoring = Monitoring::UsLed;
    p.posture = posture;
    for i in [UK, FRANCE, GERMANY] {
        p.troops[i] = troops_each;
        p.guarantor[i] = true;
    }
    p.lead = Some(UK);
    p.guarantor[US] = true;
    p.backstop[US] = true;
    p.intelligence[US] = true;
    p.logistics[US] = true;
    p.sanctions_severity = 0.6;
    p.sanctions_mode = SanctionsMode::Automatic;
    p.reconstruction_usd_bn_per_year = 40.0;
    p
}

pub fn scenario(id: &str, overrides: &[(&str, ParamDist)], events: Vec<Event>) -> Scenario {
    Scenario {
        id: id.to_string(),
        name: id.to_string(),
        coefficients: coefficients(overrides),
        events,
    }
}

pub fn world(packages: Vec<Package>, scenarios: Vec<Scenario>) -> World {
    World {
        title: "test world".to_string(),
        horizon_months: 60,
        default_runs: 100,
        default_seed: 1,
        countries: countries(),
        packages,
        infeasible: Vec::new(),
        scenarios,
        objection: Some(Objection {
            objector: RUSSIA,
            acceptance_penalty_per_10k: 1.0,
            incident_probability_per_10k: 0.02,
            grievance_per_incident: 0.3,
        }),
    }
}
