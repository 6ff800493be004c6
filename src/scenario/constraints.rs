//! Stated constraints: what each kind needs, what it does to a package and
//! what it does to the world.
//!
//! To add a kind: add a variant to [`ConstraintKindSpec`] in `format.rs`,
//! then the compiler leads you to the three `match`es below (fields it
//! needs, its effect on a package, its effect on the world). Nothing else
//! changes.

use super::format::{ConstraintKindSpec as Kind, ConstraintSpec};
use super::tree::Node;
use crate::model::params::{Countries, Objection};

/// Fields each kind needs besides `id` and `kind`.
pub(crate) fn required_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::NoGroundTroops => &["country"],
        Kind::ForceLedByBloc => &["bloc"],
        Kind::LogisticsOnly => &["country"],
        Kind::ObjectsToForeignTroops => &[
            "country",
            "acceptance_penalty_per_10k",
            "incident_probability_per_10k",
            "grievance_per_incident",
        ],
        Kind::ParliamentaryMandate => &["country", "delay_months"],
        Kind::RequiresUsBackstop => &["country"],
    }
}

/// Hard constraints make a package infeasible; soft ones change the model.
pub(crate) fn is_hard(kind: Kind) -> bool {
    match kind {
        Kind::NoGroundTroops | Kind::ForceLedByBloc | Kind::LogisticsOnly => true,
        Kind::ObjectsToForeignTroops | Kind::ParliamentaryMandate | Kind::RequiresUsBackstop => {
            false
        }
    }
}

/// A checked constraint.
pub(crate) struct Constraint<'a> {
    pub spec: &'a ConstraintSpec,
    pub kind: Kind,
    /// Index of `country`, when the kind has one.
    pub country: Option<usize>,
}

/// What a package proposes, with names resolved.
pub(crate) struct PackageFacts<'a> {
    /// Countries with troops (> 0) in the force, and the `troops` key node.
    pub troops: Vec<(usize, f64, &'a Node)>,
    /// The force's lead nation and its node.
    pub lead: Option<(usize, &'a Node)>,
    /// The `[force]` table (or the package) for errors about the force.
    pub force_node: &'a Node,
    /// Countries in `backstop`.
    pub backstop: Vec<usize>,
}

/// Facts about the countries the constraints need.
pub(crate) struct CountryFacts<'a> {
    pub countries: &'a Countries,
    /// Each country's bloc ("" when not given).
    pub bloc: &'a [String],
}

/// What a constraint does to one package.
pub(crate) enum Effect<'a> {
    /// A hard constraint is broken: the package is not simulated.
    Infeasible {
        /// The country named in the violation (`None`: no country, e.g. no lead).
        country: Option<usize>,
        reason: String,
        at: &'a Node,
    },
    /// The country's troops stay home in this package.
    StayHome {
        country: usize,
        reason: String,
        at: &'a Node,
    },
}

/// Evaluates one constraint against one package.
pub(crate) fn evaluate<'a>(
    c: &Constraint<'_>,
    pkg: &PackageFacts<'a>,
    facts: &CountryFacts<'_>,
) -> Vec<Effect<'a>> {
    let ids = &facts.countries.id;
    let name = |i: usize| ids.get(i).map(String::as_str).unwrap_or("?").to_string();
    let troops_of = |i: usize| pkg.troops.iter().find(|(c, _, _)| *c == i);
    match c.kind {
        Kind::NoGroundTroops | Kind::LogisticsOnly => {
            let Some(country) = c.country else {
                return vec![];
            };
            match troops_of(country) {
                Some((_, n, at)) => {
                    let what = if c.kind == Kind::NoGroundTroops {
                        "sends no ground troops"
                    } else {
                        "contributes logistics and support only, no troops"
                    };
                    vec![Effect::Infeasible {
                        country: Some(country),
                        reason: format!(
                            "{} {what}, but the package gives it {n} troops",
                            name(country)
                        ),
                        at,
                    }]
                }
                None => vec![],
            }
        }
        Kind::ForceLedByBloc => {
            if pkg.troops.is_empty() {
                return vec![];
            }
            let bloc = c.spec.bloc.as_deref().unwrap_or("");
            match pkg.lead {
                None => vec![Effect::Infeasible {
                    country: None,
                    reason: format!(
                        "the force has troops but no lead nation; it must be led by a `{bloc}` country"
                    ),
                    at: pkg.force_node,
                }],
                Some((lead, at)) => {
                    let lead_bloc = facts.bloc.get(lead).map(String::as_str).unwrap_or("");
                    if lead_bloc == bloc {
                        vec![]
                    } else {
                        vec![Effect::Infeasible {
                            country: Some(lead),
                            reason: format!(
                                "the force must be led by a `{bloc}` country, but its lead {} is in bloc `{}`",
                                name(lead),
                                if lead_bloc.is_empty() {
                                    "(none)"
                                } else {
                                    lead_bloc
                                }
                            ),
                            at,
                        }]
                    }
                }
            }
        }
        Kind::RequiresUsBackstop => {
            let Some(country) = c.country else {
                return vec![];
            };
            let us = facts.countries.united_states;
            let backed = us.is_some_and(|u| pkg.backstop.contains(&u));
            match troops_of(country) {
                Some((_, n, at)) if !backed => vec![Effect::StayHome {
                    country,
                    reason: format!(
                        "{} deploys troops only with a US backstop, which this package lacks; \
                         its {n} troops stay home",
                        name(country)
                    ),
                    at,
                }],
                _ => vec![],
            }
        }
        Kind::ObjectsToForeignTroops | Kind::ParliamentaryMandate => vec![],
    }
}

/// Applies a constraint's effect on the world (soft constraints). Returns
/// an error message when the world cannot take it.
pub(crate) fn apply_to_world(
    c: &Constraint<'_>,
    countries: &mut Countries,
    objection: &mut Option<Objection>,
) -> Result<(), String> {
    match c.kind {
        Kind::ObjectsToForeignTroops => {
            let Some(objector) = c.country else {
                return Ok(());
            };
            if objection.is_some() {
                return Err(
                    "only one `objects-to-foreign-troops` constraint is supported".to_string(),
                );
            }
            *objection = Some(Objection {
                objector,
                acceptance_penalty_per_10k: c.spec.acceptance_penalty_per_10k.unwrap_or(0.0),
                incident_probability_per_10k: c.spec.incident_probability_per_10k.unwrap_or(0.0),
                grievance_per_incident: c.spec.grievance_per_incident.unwrap_or(0.0),
            });
            Ok(())
        }
        Kind::ParliamentaryMandate => {
            if let (Some(i), Some(d)) = (c.country, c.spec.delay_months) {
                let d = u32::try_from(d.max(0)).unwrap_or(u32::MAX);
                if let Some(slot) = countries.response_delay_months.get_mut(i) {
                    *slot = (*slot).max(d);
                }
            }
            Ok(())
        }
        Kind::NoGroundTroops
        | Kind::ForceLedByBloc
        | Kind::LogisticsOnly
        | Kind::RequiresUsBackstop => Ok(()),
    }
}
