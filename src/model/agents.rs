//! The agents of one run: Russia, Ukraine, the guarantors and the
//! monitoring mission, each with its own state and decisions.
//!
//! The equations are documented in `docs/MODEL.md` (section "Submodels");
//! the comments here say why the code is shaped as it is.

use super::math;
use super::params::{
    Coefficients, LegalForm, Monitoring, Package, Posture, REFERENCE_ARMY_TROOPS, Role,
    SanctionsMode, World,
};
use super::trace::{Choice, MajorTerms};

/// Troop numbers enter the equations per 10,000 troops (a brigade-sized
/// unit), so coefficients stay readable.
pub const TROOPS_UNIT: f64 = 10_000.0;

/// Floor on force strengths so that ratios stay finite when a student sets
/// a ceiling of zero.
const MIN_STRENGTH: f64 = 1e-9;

#[inline]
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + math::exp(-x))
}

/// Chance that an attack of strength `attack` breaks through a defence of
/// strength `defence`: the contest `A^m / (A^m + D^m)`.
pub fn breakthrough_probability(attack: f64, defence: f64, decisiveness: f64) -> f64 {
    if defence <= 0.0 {
        return 1.0;
    }
    // In log space the contest is a logistic of the log ratio, which never
    // overflows whatever the exponent.
    logistic(decisiveness * (attack.max(MIN_STRENGTH).ln() - defence.ln()))
}

/// What a package is, in the numbers of this run's coefficients.
pub struct PackageTerms {
    /// Strength of the legal commitment, 0-1.
    pub legal: f64,
    /// The monitoring mission's own chance to attribute a probe.
    pub detection: f64,
    /// Proximity of the force to the line (0 outside Ukraine).
    pub proximity: f64,
    pub in_ukraine: bool,
    /// Share of a force contribution that counts after the posture's delay.
    pub posture_timely: f64,
    /// Snap-back severity (0 without a snap-back mode).
    pub snap_severity: f64,
    pub relief: f64,
    /// Ceiling of Ukraine's strength given the army's target size.
    pub ukraine_ceiling: f64,
    pub reconstruction_usd_bn: f64,
    /// The package relies on the United States (backstop or guarantor).
    pub relies_on_us: bool,
    pub has_guarantors: bool,
    pub diplomacy: bool,
}

impl PackageTerms {
    pub fn new(k: &Coefficients, world: &World, p: &Package) -> Self {
        let legal = match p.legal_form {
            LegalForm::None => 0.0,
            LegalForm::PoliticalDeclaration => k.legal_strength_political_declaration,
            LegalForm::BilateralAgreements => k.legal_strength_bilateral_agreements,
            LegalForm::BindingTreaty => k.legal_strength_binding_treaty,
            LegalForm::MutualDefence => k.legal_strength_mutual_defence,
        };
        let detection = match p.monitoring {
            Monitoring::None => k.detection_none,
            Monitoring::Technical => k.detection_technical,
            Monitoring::Observers => k.detection_observers,
            Monitoring::UsLed => k.detection_us_led,
        };
        let (proximity, posture_delay) = match p.posture {
            Posture::None => (0.0, 0.0),
            Posture::OverTheHorizon => (0.0, k.over_the_horizon_delay_months),
            Posture::Rear => (k.posture_proximity_rear, k.rear_delay_months),
            Posture::Line => (k.posture_proximity_line, 0.0),
        };
        let us = world.countries.united_states;
        let relies_on_us = p.backstop.iter().any(|&b| b)
            || us.is_some_and(|u| p.guarantor[u] || p.intelligence[u] || p.logistics[u]);
        let army_share = (p.target_troops / REFERENCE_ARMY_TROOPS).max(0.0);
        PackageTerms {
            legal,
            detection,
            proximity,
            in_ukraine: matches!(p.posture, Posture::Rear | Posture::Line),
            posture_timely: k.delay_discount_per_month.powf(posture_delay.max(0.0)),
            snap_severity: match p.sanctions_mode {
                SanctionsMode::None => 0.0,
                _ => p.sanctions_severity,
            },
            relief: p.sanctions_relief,
            ukraine_ceiling: k.ukraine_strength_ceiling
                * army_share.powf(k.ukraine_personnel_elasticity),
            reconstruction_usd_bn: p.reconstruction_usd_bn_per_year,
            relies_on_us,
            has_guarantors: legal > 0.0 && p.guarantor.iter().any(|&g| g),
            diplomacy: p.diplomacy,
        }
    }
}

// ---------------------------------------------------------------------------
// Russia
// ---------------------------------------------------------------------------

/// The challenger: its force, intent, the sanctions it feels and its
/// grievance.
#[derive(Debug, Clone, Copy)]
pub struct Russia {
    pub strength: f64,
    pub intent: f64,
    /// Sanction pressure from answered violations, 0-1.
    pub sanctions: f64,
    pub grievance: f64,
}

/// What Russia expects when it weighs a major offensive this month.
#[derive(Debug, Clone, Copy)]
pub struct Expectation {
    /// Defence it expects to meet: Ukraine plus the guarantors it expects
    /// to honour, multiplied by the support it expects.
    pub defence: f64,
    /// Snap-back severity it expects to pay.
    pub sanctions: f64,
    /// Chance that an attributed violation is answered, times the answer's
    /// strength.
    pub answer: f64,
    /// Chance that a probe is attributed.
    pub attribution: f64,
}

impl Russia {
    pub fn new(k: &Coefficients) -> Self {
        Russia {
            strength: k.russia_strength_initial.max(MIN_STRENGTH),
            intent: k.russia_intent,
            sanctions: 0.0,
            grievance: 0.0,
        }
    }

    /// Chance that Russia accepts the package's terms at month 0.
    pub fn acceptance_probability(
        &self,
        k: &Coefficients,
        terms: &PackageTerms,
        western_weighted_10k: f64,
        penalty_per_10k: f64,
    ) -> f64 {
        logistic(
            k.acceptance_base_logit
                - k.acceptance_intent_weight * self.intent
                - k.acceptance_legal_weight * terms.legal
                - penalty_per_10k * western_weighted_10k
                + k.acceptance_relief_weight * terms.relief
                + if terms.diplomacy {
                    k.diplomacy_acceptance_logit
                } else {
                    0.0
                },
        )
    }

    /// Rebuilding, slowed by sanctions; fading pressure, grievance and
    /// intent (habituation).
    pub fn step(&mut self, k: &Coefficients) {
        self.strength += k.russia_reconstitution_per_month
            * (k.russia_strength_ceiling - self.strength)
            * (1.0 - k.sanctions_drag * self.sanctions);
        self.strength = self.strength.max(MIN_STRENGTH);
        self.sanctions *= 1.0 - k.sanctions_decay_per_month;
        self.grievance *= 1.0 - k.grievance_decay_per_month;
        self.intent *= 1.0 - k.habituation_per_month;
    }

    /// The month's choice: a softmax over the utilities of complying,
    /// probing, a limited and a major offensive.
    pub fn choose(
        &self,
        k: &Coefficients,
        terms: &PackageTerms,
        expect: &Expectation,
        month: u32,
        u: f64,
    ) -> (Choice, [f64; 4], MajorTerms) {
        let p_win = breakthrough_probability(self.strength, expect.defence, k.battle_decisiveness);
        let major = MajorTerms {
            expected_success: p_win,
            expected_defence: expect.defence,
            gain: self.intent * k.gain_major * p_win,
            failure_cost: k.weight_failure * (1.0 - p_win),
            sanctions_cost: k.weight_sanctions * expect.sanctions,
            relief_cost: k.weight_relief_lost * terms.relief,
            opportunity_cost: k.opportunity_cost_per_year * f64::from(month) / 12.0,
            grievance: k.weight_grievance * self.grievance,
        };
        let punishment = major.failure_cost + major.sanctions_cost + major.relief_cost;
        // A probe's gain is undone when it is attributed and answered.
        let probe_kept = 1.0 - expect.attribution * expect.answer * k.answered_erosion_share;
        let limited_kept = 1.0 - k.limited_attribution * expect.answer * k.answered_erosion_share;
        let utilities = [
            0.0,
            k.utility_probe_base + self.intent * k.gain_probe * probe_kept,
            k.utility_limited_base
                + self.intent * k.gain_limited * p_win * limited_kept
                + major.grievance
                - k.limited_cost_share * punishment,
            k.utility_major_base + major.gain + major.grievance
                - punishment
                - major.opportunity_cost,
        ];
        let probabilities = softmax(utilities, k.choice_temperature);
        (pick(probabilities, u), probabilities, major)
    }
}

fn softmax(utilities: [f64; 4], temperature: f64) -> [f64; 4] {
    let t = if temperature > 0.0 {
        temperature
    } else {
        f64::MIN_POSITIVE
    };
    let max = utilities.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut p = utilities.map(|u| math::exp((u - max) / t));
    let total: f64 = p.iter().sum();
    for x in &mut p {
        *x /= total;
    }
    p
}

fn pick(probabilities: [f64; 4], u: f64) -> Choice {
    let mut acc = 0.0;
    for (choice, p) in Choice::ALL.into_iter().zip(probabilities) {
        acc += p;
        if u < acc {
            return choice;
        }
    }
    Choice::Comply
}

// ---------------------------------------------------------------------------
// Ukraine
// ---------------------------------------------------------------------------

/// The defender: its armed forces and the fortification of the line.
#[derive(Debug, Clone, Copy)]
pub struct Ukraine {
    pub strength: f64,
    /// What fortification adds to the defence (a share).
    pub fortification: f64,
}

impl Ukraine {
    pub fn new(k: &Coefficients) -> Self {
        Ukraine {
            strength: k.ukraine_strength_initial.max(0.0),
            fortification: 0.0,
        }
    }

    /// Support relative to the reference, with diminishing returns and no
    /// cap: log2(1 + money / reference) is 1 at the reference.
    pub fn support(k: &Coefficients, usd_bn_per_year: f64) -> f64 {
        if k.reconstruction_reference_usd_bn_per_year > 0.0 {
            (usd_bn_per_year.max(0.0) / k.reconstruction_reference_usd_bn_per_year).ln_1p()
                / std::f64::consts::LN_2
        } else {
            1.0
        }
    }

    /// Growth toward the ceiling with mobilisation and support, attrition
    /// where support falls short, and fortification of the line.
    pub fn step(&mut self, k: &Coefficients, ceiling: f64, support: f64) {
        let growth = (k.ukraine_mobilisation_per_month
            + k.reconstruction_growth_per_month * support)
            .min(1.0);
        let shortfall = (1.0 - support).max(0.0);
        self.strength += growth * (ceiling - self.strength)
            - k.ukraine_attrition_per_month * shortfall * self.strength;
        self.strength = self.strength.max(0.0);
        self.fortification +=
            k.fortification_per_month * (k.fortification_max - self.fortification);
    }

    /// Strength in a battle, with fortification.
    pub fn defence(&self) -> f64 {
        self.strength * (1.0 + self.fortification)
    }
}

// ---------------------------------------------------------------------------
// The monitoring mission
// ---------------------------------------------------------------------------

/// The mission that detects violations and attributes them. The US
/// backstop's surveillance raises its chance.
#[derive(Debug, Clone, Copy)]
pub struct MonitoringMission {
    pub own_detection: f64,
}

impl MonitoringMission {
    /// Chance of attributing a probe this month.
    pub fn attribution(&self, k: &Coefficients, backstop_support: f64) -> f64 {
        let extra = k.backstop_attribution * backstop_support;
        self.own_detection + (1.0 - self.own_detection) * extra.clamp(0.0, 1.0)
    }
}

// ---------------------------------------------------------------------------
// The guarantors
// ---------------------------------------------------------------------------

/// Every country whose resolve moves (guarantors and economic actors), with
/// what the package has them contribute. Struct of arrays: index `i` is the
/// same country as in [`super::params::Countries`].
#[derive(Debug, Clone, Default)]
pub struct Guarantors {
    pub resolve: Vec<f64>,
    pub troops: Vec<f64>,
    air: Vec<bool>,
    sea: Vec<bool>,
    /// Combat power of the country's troops in the force.
    pub force_power: Vec<f64>,
    /// Air, sea and general contribution if it honours.
    pub other_power: Vec<f64>,
    /// Share of its contribution that counts after its mandate delay.
    mandate_timely: Vec<f64>,
    /// Constant part of the honour log-odds this run (legal form, tripwire,
    /// cost); resolve and the others' decisions are added at the call.
    honour_const: Vec<f64>,
    /// Honoured the call of the current major offensive.
    pub honoured_now: Vec<bool>,
    /// Times each country was called and honoured in this run.
    pub called: Vec<u32>,
    pub honoured: Vec<u32>,
    /// The package's guarantors, called when Russia attacks.
    pub members: Vec<usize>,
    /// Countries whose resolve moves each month.
    pub movers: Vec<usize>,
    /// The movers other than the United States.
    pub coalition: Vec<usize>,
    pub backstops: Vec<usize>,
    intelligence_providers: Vec<usize>,
    logistics_providers: Vec<usize>,
    /// Monthly pull of each mover toward the US stance in this package.
    us_pull: Vec<f64>,
    /// Share of the sanction-voting economic weight still behind sanctions.
    pub sanctions_votes: f64,
    /// Share of the US backstop still offered (US disengagement lowers it).
    pub backstop_scale: f64,
    pub lead: Option<usize>,
    /// Proximity of the force to the line (0 outside Ukraine).
    proximity: f64,
    /// Coalition mean resolve at the start (aid fatigue is relative to it).
    pub coalition_resolve_start: f64,
    /// The members as Russia weighs them, in member order.
    prospects: Vec<Prospect>,
    /// ln(delay_discount_per_month), so a delay's discount is one exp.
    ln_discount: f64,
}

/// A guarantor as Russia sees it each month: the parts of its honour
/// log-odds and of its contribution that stay fixed until an event changes
/// its troops, laid out by member so the monthly loop reads them in order.
#[derive(Debug, Clone, Copy)]
struct Prospect {
    country: usize,
    /// `honour_const` of the country.
    base: f64,
    /// A European who would be backed by an honoured US backstop.
    backed: bool,
    /// A force contributor other than the lead, who follows its decision.
    follower: bool,
    /// Air, sea and general contribution after the mandate delay.
    other: f64,
    /// The force contribution after the mandate delay, before the force's
    /// own delay.
    force: f64,
}

/// How the others decided before country `i` is called in a battle.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallContext {
    pub backstop_honoured: bool,
    /// The lead nation's decision, once taken.
    pub lead_honoured: Option<bool>,
    /// Own troops are under fire (a strike) rather than merely present.
    pub own_troops_attacked: bool,
}

impl Guarantors {
    pub fn with_capacity(n: usize) -> Self {
        Guarantors {
            members: Vec::with_capacity(n),
            movers: Vec::with_capacity(n),
            coalition: Vec::with_capacity(n),
            backstops: Vec::with_capacity(n),
            intelligence_providers: Vec::with_capacity(n),
            logistics_providers: Vec::with_capacity(n),
            ..Default::default()
        }
    }

    /// Sets up the package's guarantors for a new run.
    pub fn reset(&mut self, k: &Coefficients, world: &World, p: &Package, terms: &PackageTerms) {
        let c = &world.countries;
        let n = c.len();
        self.resolve.clear();
        self.resolve.extend_from_slice(&c.resolve);
        self.troops.clear();
        self.troops.extend_from_slice(&p.troops);
        self.air.clear();
        self.air.extend_from_slice(&p.air);
        self.sea.clear();
        self.sea.extend_from_slice(&p.sea);
        for v in [&mut self.called, &mut self.honoured] {
            v.clear();
            v.resize(n, 0);
        }
        self.honoured_now.clear();
        self.honoured_now.resize(n, false);
        self.members.clear();
        self.members.extend((0..n).filter(|&i| p.guarantor[i]));
        self.movers.clear();
        self.movers
            .extend((0..n).filter(|&i| matches!(c.role[i], Role::Guarantor | Role::Economic)));
        self.coalition.clear();
        self.coalition.extend(
            self.movers
                .iter()
                .copied()
                .filter(|&i| Some(i) != c.united_states),
        );
        for (list, flags) in [
            (&mut self.backstops, &p.backstop),
            (&mut self.intelligence_providers, &p.intelligence),
            (&mut self.logistics_providers, &p.logistics),
        ] {
            list.clear();
            list.extend((0..n).filter(|&i| flags[i]));
        }
        let reliance = if terms.relies_on_us {
            1.0
        } else {
            k.us_coupling_without_reliance
        };
        self.us_pull.clear();
        self.us_pull.extend((0..n).map(|i| {
            if Some(i) == c.united_states {
                return 0.0;
            }
            let own = c.us_coupling[i].unwrap_or(if c.european[i] {
                k.cohesion_pull_us
            } else {
                0.0
            });
            own * reliance
        }));
        self.ln_discount = k.delay_discount_per_month.max(f64::MIN_POSITIVE).ln();
        let ln_discount = self.ln_discount;
        self.mandate_timely.clear();
        self.mandate_timely.extend(
            c.response_delay_months
                .iter()
                .map(|&d| math::exp(ln_discount * f64::from(d))),
        );
        self.force_power.clear();
        self.force_power.resize(n, 0.0);
        self.other_power.clear();
        self.other_power.resize(n, 0.0);
        self.honour_const.clear();
        self.honour_const.resize(n, 0.0);
        self.lead = p.lead;
        self.prospects.clear();
        for &i in &self.members {
            self.prospects.push(Prospect {
                country: i,
                base: 0.0,
                backed: world.countries.european[i] && !p.backstop[i],
                follower: false,
                other: 0.0,
                force: 0.0,
            });
        }
        for i in 0..n {
            self.refresh(k, world, p, terms, i);
        }
        self.sanctions_votes = 1.0;
        self.backstop_scale = 1.0;
        self.proximity = if terms.in_ukraine {
            terms.proximity
        } else {
            0.0
        };
        self.coalition_resolve_start = self.coalition_resolve();
    }

    /// Recomputes country `i`'s contribution and the constant part of its
    /// honour log-odds after its troops, aircraft or ships changed.
    fn refresh(
        &mut self,
        k: &Coefficients,
        world: &World,
        p: &Package,
        terms: &PackageTerms,
        i: usize,
    ) {
        let military = world.countries.military[i];
        self.force_power[i] = k.force_index_per_10k_troops * self.troops[i] / TROOPS_UNIT;
        let mut other = 0.0;
        if self.air[i] {
            other += k.air_contribution * military;
        }
        if self.sea[i] {
            other += k.sea_contribution * military;
        }
        if p.guarantor[i] {
            other += k.general_contribution * military;
        }
        self.other_power[i] = other;
        let tripwire = if terms.in_ukraine && self.troops[i] > 0.0 {
            k.honour_own_troops_weight * terms.proximity
        } else {
            0.0
        };
        self.honour_const[i] = k.honour_base_logit + k.honour_legal_weight * terms.legal + tripwire
            - k.honour_cost_weight * (self.force_power[i] + other);
        if let Some(prospect) = self.prospects.iter_mut().find(|m| m.country == i) {
            prospect.base = self.honour_const[i];
            prospect.follower = self.force_power[i] > 0.0 && Some(i) != self.lead;
            prospect.other = self.mandate_timely[i] * other;
            prospect.force = self.mandate_timely[i] * self.force_power[i];
        }
    }

    pub fn coalition_resolve(&self) -> f64 {
        if self.coalition.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.coalition.iter().map(|&i| self.resolve[i]).sum();
        sum / self.coalition.len() as f64
    }

    /// Share of the US backstop effectively on offer: its scale times the
    /// provider's resolve (the best provider's, if several).
    pub fn backstop_support(&self) -> f64 {
        self.backstop_scale
            * self
                .backstops
                .iter()
                .fold(0.0_f64, |m, &i| m.max(self.resolve[i]))
    }

    /// Western troops in Ukraine weighted by proximity to the line, per 10,000.
    pub fn western_weighted_10k(&self, world: &World, terms: &PackageTerms) -> f64 {
        let total: f64 = self
            .troops
            .iter()
            .zip(&world.countries.western)
            .filter(|(_, w)| **w)
            .map(|(t, _)| *t)
            .sum();
        total * terms.proximity / TROOPS_UNIT
    }

    pub fn deployed(&self) -> f64 {
        self.troops.iter().sum()
    }

    /// Share of a force contribution that arrives in time: the posture's
    /// delay and the lead nation's command, which is slower the less
    /// resolved the lead is (a force without a lead takes the full delay).
    pub fn force_timely(&self, k: &Coefficients, terms: &PackageTerms) -> f64 {
        let lead_resolve = self.lead.map_or(0.0, |l| self.resolve[l]);
        terms.posture_timely
            * math::exp(self.ln_discount * k.lead_delay_months * (1.0 - lead_resolve))
    }

    /// What country `i` brings to the battle if it honours.
    pub fn contribution(&self, i: usize, force_timely: f64) -> f64 {
        self.mandate_timely[i] * (self.other_power[i] + self.force_power[i] * force_timely)
    }

    /// Log-odds that country `i` honours a call.
    pub fn honour_logit(
        &self,
        k: &Coefficients,
        world: &World,
        p: &Package,
        i: usize,
        ctx: CallContext,
    ) -> f64 {
        let mut x = self.honour_const[i] + k.honour_resolve_weight * self.resolve[i];
        if ctx.own_troops_attacked && self.troops[i] > 0.0 {
            // Under fire the tripwire binds fully, wherever the troops
            // stand; `honour_const` already holds the proximity-weighted part.
            x += k.honour_own_troops_weight * (1.0 - self.proximity);
        }
        if ctx.backstop_honoured && world.countries.european[i] && !p.backstop[i] {
            x += k.honour_us_backing_weight;
        }
        if self.force_power[i] > 0.0 && Some(i) != self.lead {
            match ctx.lead_honoured {
                Some(true) => x += k.honour_lead_weight,
                Some(false) => x -= k.honour_lead_weight,
                None => {}
            }
        }
        x
    }

    /// The multiplier that intelligence and logistics providers other than
    /// the backstop add, each provider weighted by `weight(i)` (resolve
    /// when expected, 1 or 0 for honoured or not in a battle).
    pub fn intelligence_logistics(
        &self,
        k: &Coefficients,
        world: &World,
        weight: impl Fn(usize) -> f64,
    ) -> f64 {
        let c = &world.countries;
        let best = |providers: &[usize], capability: &[f64]| {
            providers
                .iter()
                .filter(|i| !self.backstops.contains(i))
                .fold(0.0_f64, |m, &i| m.max(capability[i] * weight(i)))
        };
        k.intelligence_logistics_effectiveness
            * (best(&self.intelligence_providers, &c.intelligence)
                + best(&self.logistics_providers, &c.logistics))
            / 2.0
    }

    /// What Russia expects of the guarantees this month: every guarantor's
    /// contribution times the chance it honours (capability x credibility
    /// x timeliness), and the support the US backstop would give.
    pub fn expected_help(
        &self,
        k: &Coefficients,
        world: &World,
        p: &Package,
        terms: &PackageTerms,
    ) -> (f64, f64) {
        let force_timely = self.force_timely(k, terms);
        let backstop_support = self.backstop_support();
        let p_backstop = self
            .backstops
            .iter()
            .map(|&i| logistic(self.honour_logit(k, world, p, i, CallContext::default())))
            .fold(0.0_f64, f64::max);
        let p_lead = self
            .lead
            .filter(|&l| p.guarantor[l])
            .map(|l| logistic(self.honour_logit(k, world, p, l, CallContext::default())));
        let us_backing = k.honour_us_backing_weight * p_backstop;
        let lead_term = p_lead.map_or(0.0, |pl| k.honour_lead_weight * (2.0 * pl - 1.0));
        let mut help = 0.0;
        for m in &self.prospects {
            // The same log-odds as `honour_logit` with no call context, plus
            // what Russia expects of the US and of the lead.
            let x = m.base
                + k.honour_resolve_weight * self.resolve[m.country]
                + if m.backed { us_backing } else { 0.0 }
                + if m.follower { lead_term } else { 0.0 };
            help += logistic(x) * (m.other + m.force * force_timely);
        }
        let multiplier = k.backstop_multiplier * backstop_support * p_backstop
            + self.intelligence_logistics(k, world, |i| self.resolve[i]);
        (help, multiplier)
    }

    /// Withdraws country `i`'s troops, aircraft and ships (and, if
    /// `votes`, its vote for sanctions).
    #[allow(clippy::too_many_arguments)]
    pub fn withdraw(
        &mut self,
        k: &Coefficients,
        world: &World,
        p: &Package,
        terms: &PackageTerms,
        i: usize,
        votes: bool,
    ) {
        self.troops[i] = 0.0;
        self.air[i] = false;
        self.sea[i] = false;
        self.refresh(k, world, p, terms, i);
        if votes {
            let c = &world.countries;
            let total: f64 = self.movers.iter().map(|&m| c.economy[m]).sum();
            if total > 0.0 && self.movers.contains(&i) {
                self.sanctions_votes = (self.sanctions_votes - c.economy[i] / total).max(0.0);
            }
        }
    }

    /// Drift, cohesion, fatigue and elections for every country whose
    /// resolve moves. `draw` gives the normal draws, in the same order
    /// whatever the package.
    pub fn update_resolve(
        &mut self,
        k: &Coefficients,
        world: &World,
        month: u32,
        mut draw: impl FnMut() -> f64,
        mut on_election: impl FnMut(usize, f64, f64),
    ) {
        let c = &world.countries;
        let coalition = self.coalition_resolve();
        let us_resolve = c.united_states.map(|u| self.resolve[u]);
        for m in 0..self.movers.len() {
            let i = self.movers[m];
            let z = draw();
            let mut r = self.resolve[i];
            r += k.cohesion_pull_coalition * (coalition - r);
            if let Some(us) = us_resolve {
                r += self.us_pull[i] * (us - r);
            }
            r += c.volatility[i] * z;
            r -= k.fatigue_per_10k_troops * self.troops[i] / TROOPS_UNIT;
            let interval = c.election_interval_months[i];
            let first = c.next_election_month[i];
            let election = first > 0
                && month >= first
                && (month == first || (interval > 0 && (month - first) % interval == 0));
            if election {
                let before = r.clamp(0.0, 1.0);
                r += k.election_shock_sd * draw();
                on_election(i, before, r.clamp(0.0, 1.0));
            }
            self.resolve[i] = r.clamp(0.0, 1.0);
        }
    }
}

/// Response of the guarantors to an attributed violation.
#[derive(Debug, Clone, Copy)]
pub struct Response {
    /// Chance they answer at all.
    pub probability: f64,
    /// Strength of the answer, 0-1: targeted sanctions (severity, with the
    /// votes still behind them) and a surge of military aid (the legal
    /// form's strength, when there are guarantors).
    pub strength: f64,
    /// Snap-back severity that targeted sanctions carry.
    pub severity: f64,
}

impl Response {
    pub fn new(k: &Coefficients, terms: &PackageTerms, g: &Guarantors) -> Self {
        let severity = terms.snap_severity * g.sanctions_votes;
        let aid = if terms.has_guarantors {
            terms.legal
        } else {
            0.0
        };
        let strength = 1.0 - (1.0 - severity) * (1.0 - aid);
        let probability = if strength > 0.0 {
            logistic(
                k.response_base_logit
                    + k.response_resolve_weight * g.coalition_resolve()
                    + k.response_legal_weight * terms.legal,
            )
        } else {
            0.0
        };
        Response {
            probability,
            strength,
            severity,
        }
    }

    /// Expected answer: chance times strength.
    pub fn expected(&self) -> f64 {
        self.probability * self.strength
    }
}
