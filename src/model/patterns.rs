//! Patterns the model should reproduce, and the components of a package.
//!
//! Plain structs compiled from a scenario file's `[[patterns]]` (the
//! scenario layer resolves every name to an index), and the operations
//! that build counterfactual packages: a package without some of its
//! components, or with its force scaled. Nothing here knows about files.

use serde::Serialize;

use super::params::{Countries, Package};

/// A part of a guarantee package that can be removed on its own. Removing
/// a component gives it the value it has in the baseline package (by
/// default `no-guarantee`), so a package built from no component is the
/// baseline and one built from all of them is the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Component {
    /// The multinational force: every contribution, its posture and lead.
    Force,
    /// One country's troops in the force.
    Contributor(usize),
    AirPolicing,
    Maritime,
    /// The US backstop (the `backstop` list).
    Backstop,
    /// Intelligence sharing and logistics (both lists).
    IntelligenceLogistics,
    /// Snap-back sanctions: severity and mode.
    Sanctions,
    SanctionsRelief,
    Monitoring,
    /// The legal form and the list of countries it binds.
    LegalForm,
    /// Reconstruction money (USD bn per year).
    Reconstruction,
    /// Target size of Ukraine's army.
    ArmyTarget,
    Diplomacy,
}

/// Component names as written in files and on the command line, in the
/// order packages are built up (the waterfall's order). Contributors are
/// written `force:<country>`.
pub const COMPONENT_NAMES: &[&str] = &[
    "force",
    "air-policing",
    "maritime",
    "backstop",
    "intelligence-logistics",
    "sanctions",
    "sanctions-relief",
    "monitoring",
    "legal-form",
    "reconstruction",
    "army-target",
    "diplomacy",
];

impl Component {
    /// The components that are not per-country, in waterfall order.
    pub const MAIN: [Component; 12] = [
        Component::Force,
        Component::AirPolicing,
        Component::Maritime,
        Component::Backstop,
        Component::IntelligenceLogistics,
        Component::Sanctions,
        Component::SanctionsRelief,
        Component::Monitoring,
        Component::LegalForm,
        Component::Reconstruction,
        Component::ArmyTarget,
        Component::Diplomacy,
    ];

    /// Parses `force`, `force:<country>`, `air-policing`, ...
    pub fn parse(name: &str, countries: &Countries) -> Result<Component, String> {
        if let Some(country) = name.strip_prefix("force:") {
            return countries
                .index_of(country)
                .map(Component::Contributor)
                .ok_or_else(|| format!("`{country}` in `{name}` is not a country of the file"));
        }
        COMPONENT_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Component::MAIN[i])
            .ok_or_else(|| {
                format!(
                    "unknown component `{name}`; components: {}, or `force:<country>` for one country's troops",
                    COMPONENT_NAMES.join(", ")
                )
            })
    }

    /// The name as written in files (`force:france` for a contributor).
    pub fn id(self, countries: &Countries) -> String {
        match self {
            Component::Contributor(i) => format!("force:{}", countries.id[i]),
            c => COMPONENT_NAMES[Component::MAIN.iter().position(|m| *m == c).unwrap_or(0)]
                .to_string(),
        }
    }

    /// A label for tables and charts.
    pub fn label(self, countries: &Countries) -> String {
        match self {
            Component::Force => "the force".to_string(),
            Component::Contributor(i) => format!("troops of {}", countries.name[i]),
            Component::AirPolicing => "air policing".to_string(),
            Component::Maritime => "maritime security".to_string(),
            Component::Backstop => "the US backstop".to_string(),
            Component::IntelligenceLogistics => "intelligence and logistics".to_string(),
            Component::Sanctions => "sanctions snap-back".to_string(),
            Component::SanctionsRelief => "sanctions relief".to_string(),
            Component::Monitoring => "monitoring".to_string(),
            Component::LegalForm => "the legal form".to_string(),
            Component::Reconstruction => "reconstruction money".to_string(),
            Component::ArmyTarget => "the army target".to_string(),
            Component::Diplomacy => "diplomacy".to_string(),
        }
    }
}

/// The components in which `package` differs from `baseline`: the main
/// ones in waterfall order, then each contributor to the force.
pub fn components_of(package: &Package, baseline: &Package) -> Vec<Component> {
    let mut out: Vec<Component> = Component::MAIN
        .into_iter()
        .filter(|&c| differs(package, baseline, c))
        .collect();
    if out.contains(&Component::Force) {
        out.extend(
            (0..package.troops.len())
                .filter(|&i| package.troops[i] != baseline.troops[i])
                .map(Component::Contributor),
        );
    }
    out
}

fn differs(p: &Package, b: &Package, c: Component) -> bool {
    match c {
        Component::Force => p.troops != b.troops || p.posture != b.posture || p.lead != b.lead,
        Component::Contributor(i) => p.troops[i] != b.troops[i],
        Component::AirPolicing => p.air != b.air,
        Component::Maritime => p.sea != b.sea,
        Component::Backstop => p.backstop != b.backstop,
        Component::IntelligenceLogistics => {
            p.intelligence != b.intelligence || p.logistics != b.logistics
        }
        Component::Sanctions => {
            p.sanctions_severity != b.sanctions_severity || p.sanctions_mode != b.sanctions_mode
        }
        Component::SanctionsRelief => p.sanctions_relief != b.sanctions_relief,
        Component::Monitoring => p.monitoring != b.monitoring,
        Component::LegalForm => p.legal_form != b.legal_form || p.guarantor != b.guarantor,
        Component::Reconstruction => {
            p.reconstruction_usd_bn_per_year != b.reconstruction_usd_bn_per_year
        }
        Component::ArmyTarget => p.target_troops != b.target_troops,
        Component::Diplomacy => p.diplomacy != b.diplomacy,
    }
}

/// The package built from `baseline` with the components for which
/// `present` is true taken from `package`. A country that contributes
/// through a present component stays a guarantor (called when Russia
/// attacks) even when the legal form is removed, as the scenario file adds
/// every contributor to the guarantors. Every component present gives
/// `package` itself; none gives `baseline`.
pub fn compose(
    package: &Package,
    baseline: &Package,
    present: impl Fn(Component) -> bool,
) -> Package {
    let all = components_of(package, baseline);
    if all.iter().all(|&c| present(c)) {
        return package.clone();
    }
    if !all.iter().any(|&c| present(c)) {
        return baseline.clone();
    }
    let pick = |c: Component| if present(c) { package } else { baseline };
    let mut out = baseline.clone();
    out.id = package.id.clone();
    out.name = package.name.clone();
    let force = pick(Component::Force);
    out.posture = force.posture;
    out.lead = force.lead;
    out.troops = (0..package.troops.len())
        .map(|i| {
            if present(Component::Force) && present(Component::Contributor(i)) {
                package.troops[i]
            } else {
                baseline.troops[i]
            }
        })
        .collect();
    out.air = pick(Component::AirPolicing).air.clone();
    out.sea = pick(Component::Maritime).sea.clone();
    out.backstop = pick(Component::Backstop).backstop.clone();
    let il = pick(Component::IntelligenceLogistics);
    out.intelligence = il.intelligence.clone();
    out.logistics = il.logistics.clone();
    let s = pick(Component::Sanctions);
    out.sanctions_severity = s.sanctions_severity;
    out.sanctions_mode = s.sanctions_mode;
    out.sanctions_relief = pick(Component::SanctionsRelief).sanctions_relief;
    out.monitoring = pick(Component::Monitoring).monitoring;
    let legal = pick(Component::LegalForm);
    out.legal_form = legal.legal_form;
    out.reconstruction_usd_bn_per_year =
        pick(Component::Reconstruction).reconstruction_usd_bn_per_year;
    out.target_troops = pick(Component::ArmyTarget).target_troops;
    out.diplomacy = pick(Component::Diplomacy).diplomacy;
    out.guarantor = (0..package.guarantor.len())
        .map(|i| {
            legal.guarantor[i]
                || (out.troops[i] > 0.0
                    || out.air[i]
                    || out.sea[i]
                    || out.intelligence[i]
                    || out.logistics[i]
                    || out.backstop[i])
                    && package.guarantor[i]
        })
        .collect();
    out
}

/// `package` without the `removed` components.
pub fn without(package: &Package, baseline: &Package, removed: &[Component]) -> Package {
    let force_removed = removed.contains(&Component::Force);
    compose(package, baseline, |c| {
        let removed_with_force = matches!(c, Component::Contributor(_)) && force_removed;
        !(removed.contains(&c) || removed_with_force)
    })
}

/// `package` with every troop contribution scaled so that the force
/// totals `total` troops (a token force, a doubled one).
pub fn with_force_total(package: &Package, total: f64) -> Package {
    let sum: f64 = package.troops.iter().sum();
    let mut out = package.clone();
    if sum > 0.0 {
        for t in &mut out.troops {
            *t *= total / sum;
        }
    }
    out
}

/// The baseline when a file has no `no-guarantee` package: no commitment,
/// no monitoring, no force, no sanctions, no money, and the army target of
/// `like` (so that the army target is not counted as a component).
pub fn bare_baseline(like: &Package) -> Package {
    Package {
        target_troops: like.target_troops,
        ..Package::empty("bare", "nothing", like.troops.len())
    }
}

/// A package as a pattern names it: a package of the file, optionally
/// without some components or with its force scaled to a total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// Index into `World::packages`.
    pub package: usize,
    pub without: Vec<Component>,
    /// Scale every contribution so the force totals this many troops.
    pub force_troops: Option<f64>,
    /// Index of the baseline package components are removed to; `None`
    /// for the bare baseline.
    pub baseline: Option<usize>,
}

impl Variant {
    /// The package this variant runs.
    pub fn build(&self, packages: &[Package]) -> Package {
        let p = &packages[self.package];
        let mut out = match self.force_troops {
            Some(t) => with_force_total(p, t),
            None => p.clone(),
        };
        if !self.without.is_empty() {
            let base = match self.baseline {
                Some(b) => packages[b].clone(),
                None => bare_baseline(p),
            };
            out = without(&out, &base, &self.without);
        }
        out
    }
}

/// An outcome whose rate a pattern measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateOf {
    /// Held or defended.
    Hold,
    /// Held: no major offensive, no erosion.
    Deterrence,
    /// A major offensive came (defended or failed).
    MajorOffensive,
    /// The line eroded.
    Erosion,
    /// Russia rejected the terms.
    Rejected,
}

/// Which runs a rate is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Among {
    All,
    /// Runs in which Russia accepted the terms.
    Accepted,
}

/// What a pattern measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "measure", rename_all = "kebab-case")]
pub enum Measure {
    /// Share of runs with an outcome, pooled over the pattern's scenarios.
    Rate { of: RateOf, among: Among },
    /// Share of calls on guarantors that were honoured.
    HonourRate,
    /// Hazard of a first major offensive under the package over that under
    /// `versus`, among runs accepted under both (paired runs).
    HazardRatio,
    /// Hazard of a first major offensive in months `late` over that in
    /// months `early` (inclusive): below 1 when it falls with time.
    HazardTrend { early: (u32, u32), late: (u32, u32) },
    /// Paired difference of a rate: the package minus `versus`.
    Difference { of: RateOf },
}

/// A pattern from the literature the model should reproduce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pattern {
    pub id: String,
    pub name: String,
    pub measure: Measure,
    pub package: Variant,
    /// The comparison of a hazard ratio or a difference.
    pub versus: Option<Variant>,
    /// Indices into `World::scenarios`; results are pooled over them.
    pub scenarios: Vec<usize>,
    /// Inclusive target range.
    pub target: (f64, f64),
    /// Where the target comes from.
    pub source: String,
    /// `file:line` of the pattern in the scenario file.
    pub location: String,
    /// Why this model version does not reproduce the pattern, when the
    /// file says it does not (see [`crate::scenario::format::PatternSpec`]).
    pub known_miss: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::{LegalForm, Posture, SanctionsMode};

    fn pkg() -> Package {
        let mut p = Package::empty("p", "p", 3);
        p.legal_form = LegalForm::BindingTreaty;
        p.posture = Posture::Rear;
        p.troops = vec![0.0, 1000.0, 500.0];
        p.guarantor = vec![false, true, true];
        p.air = vec![false, true, false];
        p.lead = Some(1);
        p.sanctions_severity = 0.5;
        p.sanctions_mode = SanctionsMode::Automatic;
        p
    }

    #[test]
    fn all_components_give_the_package_and_none_the_baseline() {
        let p = pkg();
        let b = bare_baseline(&p);
        assert_eq!(compose(&p, &b, |_| true), p);
        assert_eq!(compose(&p, &b, |_| false), b);
        let comps = components_of(&p, &b);
        assert_eq!(
            comps,
            vec![
                Component::Force,
                Component::AirPolicing,
                Component::Sanctions,
                Component::LegalForm,
                Component::Contributor(1),
                Component::Contributor(2),
            ]
        );
    }

    #[test]
    fn removing_the_legal_form_keeps_contributors_as_guarantors() {
        let p = pkg();
        let b = bare_baseline(&p);
        let v = without(&p, &b, &[Component::LegalForm]);
        assert_eq!(v.legal_form, LegalForm::None);
        assert_eq!(v.guarantor, vec![false, true, true]);
        let v = without(&p, &b, &[Component::Force]);
        assert_eq!(v.troops, vec![0.0; 3]);
        assert_eq!(v.posture, Posture::None);
        let v = without(&p, &b, &[Component::Contributor(2)]);
        assert_eq!(v.troops, vec![0.0, 1000.0, 0.0]);
        assert_eq!(v.posture, Posture::Rear);
        let t = with_force_total(&p, 150.0);
        assert_eq!(t.troops, vec![0.0, 100.0, 50.0]);
    }
}
