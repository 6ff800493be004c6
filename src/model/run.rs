//! One run: one package under one scenario, month by month.
//!
//! The order of events in a month, the equations and the parameters are
//! documented in `docs/MODEL.md`; the comments here say why the code is
//! shaped as it is.

use super::outcome::{FailureMode, Outcome, OutcomeKind};
use super::params::{
    Coefficients, EventKind, LegalForm, Monitoring, Package, Posture, Role, SanctionsMode,
    Scenario, World,
};
use super::rng::{RunRng, StreamLayout};
use super::trace::{Choice, MajorTerms, Recorder, TraceEvent};

/// Troop numbers enter the equations per 10,000 troops (a brigade-sized
/// unit), so coefficients stay readable.
const TROOPS_UNIT: f64 = 10_000.0;

/// Floor on force strengths so that ratios stay finite when a student sets
/// a ceiling of zero.
const MIN_STRENGTH: f64 = 1e-9;

/// Month value of an event that falls outside the horizon.
const NEVER: u32 = u32::MAX;

/// Per-run state, allocated once per thread and reused across runs, so the
/// monthly loop never allocates.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// Times each country was called on to honour its commitment.
    pub called: Vec<u32>,
    /// Times each country honoured a call.
    pub honoured: Vec<u32>,
    resolve: Vec<f64>,
    troops: Vec<f64>,
    capability: Vec<f64>,
    /// Share of each country's force that arrives in time (see
    /// [`timeliness`]); kept per run so the monthly loop does no `powf`.
    timely: Vec<f64>,
    /// Honoured the call of the current major offensive.
    battle_honoured: Vec<bool>,
    /// Indices of the package's guarantors.
    guarantors: Vec<usize>,
    /// Indices of countries whose resolve moves (guarantors and economic actors).
    movers: Vec<usize>,
    /// The movers other than the United States: the coalition whose mean
    /// resolve pulls its members and sets discretionary sanctions.
    coalition: Vec<usize>,
    /// Backstop, intelligence and logistics providers of the package, so
    /// the monthly loop visits only them.
    backstops: Vec<usize>,
    intelligence_providers: Vec<usize>,
    logistics_providers: Vec<usize>,
    event_month: Vec<u32>,
    event_magnitude: Vec<f64>,
    /// The coefficients drawn for the current run.
    pub coefficients: Coefficients,
}

impl Workspace {
    pub fn new(world: &World) -> Self {
        let n = world.countries.len();
        Workspace {
            called: vec![0; n],
            honoured: vec![0; n],
            resolve: vec![0.0; n],
            troops: vec![0.0; n],
            capability: vec![0.0; n],
            timely: vec![1.0; n],
            battle_honoured: vec![false; n],
            guarantors: Vec::with_capacity(n),
            movers: Vec::with_capacity(n),
            coalition: Vec::with_capacity(n),
            backstops: Vec::with_capacity(n),
            intelligence_providers: Vec::with_capacity(n),
            logistics_providers: Vec::with_capacity(n),
            event_month: Vec::new(),
            event_magnitude: Vec::new(),
            coefficients: Coefficients::default(),
        }
    }

    fn reset(&mut self, world: &World, package: &Package) {
        let c = &world.countries;
        let n = c.len();
        for v in [&mut self.called, &mut self.honoured] {
            v.clear();
            v.resize(n, 0);
        }
        self.resolve.clear();
        self.resolve.extend_from_slice(&c.resolve);
        self.troops.clear();
        self.troops.extend_from_slice(&package.troops);
        self.capability.clear();
        self.capability.resize(n, 0.0);
        self.timely.clear();
        self.timely.resize(n, 1.0);
        self.battle_honoured.clear();
        self.battle_honoured.resize(n, false);
        self.guarantors.clear();
        self.guarantors
            .extend((0..n).filter(|&i| package.guarantor[i]));
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
            (&mut self.backstops, &package.backstop),
            (&mut self.intelligence_providers, &package.intelligence),
            (&mut self.logistics_providers, &package.logistics),
        ] {
            list.clear();
            list.extend((0..n).filter(|&i| flags[i]));
        }
        self.event_month.clear();
        self.event_magnitude.clear();
    }
}

/// Logistic function.
#[inline]
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The package's constants for this run's coefficients.
struct PackageTerms {
    legal: f64,
    detection: f64,
    proximity: f64,
    in_ukraine: bool,
    support: f64,
    snap_severity: f64,
    /// Extra months before deployed troops can fight (over the horizon).
    troop_delay_months: f64,
}

impl PackageTerms {
    fn new(k: &Coefficients, p: &Package) -> Self {
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
        let proximity = match p.posture {
            Posture::None | Posture::OverTheHorizon => 0.0,
            Posture::Rear => k.posture_proximity_rear,
            Posture::Line => k.posture_proximity_line,
        };
        let support = if k.reconstruction_need_usd_bn_per_year > 0.0 {
            (p.reconstruction_usd_bn_per_year / k.reconstruction_need_usd_bn_per_year)
                .clamp(0.0, 1.0)
        } else {
            1.0
        };
        PackageTerms {
            legal,
            detection,
            proximity,
            in_ukraine: matches!(p.posture, Posture::Rear | Posture::Line),
            support,
            snap_severity: match p.sanctions_mode {
                SanctionsMode::None => 0.0,
                _ => p.sanctions_severity,
            },
            troop_delay_months: if p.posture == Posture::OverTheHorizon {
                k.over_the_horizon_delay_months.max(0.0)
            } else {
                0.0
            },
        }
    }
}

/// Force index a country brings to the defence if it honours.
fn capability_of(k: &Coefficients, world: &World, p: &Package, troops: f64, i: usize) -> f64 {
    let military = world.countries.military[i];
    let mut cap = k.force_index_per_10k_troops * troops / TROOPS_UNIT;
    if p.air[i] {
        cap += k.air_contribution * military;
    }
    if p.sea[i] {
        cap += k.sea_contribution * military;
    }
    if p.guarantor[i] {
        cap += k.general_contribution * military;
    }
    cap
}

/// Share of guarantor `i`'s force that arrives in time: its response delay
/// (parliamentary mandate) plus, for troops held over the horizon, the time
/// to bring them in. Russia anticipates the same discount.
fn timeliness(k: &Coefficients, world: &World, terms: &PackageTerms, troops: f64, i: usize) -> f64 {
    let mut delay = f64::from(world.countries.response_delay_months[i]);
    if troops > 0.0 {
        delay += terms.troop_delay_months;
    }
    k.delay_discount_per_month.powf(delay)
}

/// Inputs that identify one run.
#[derive(Debug, Clone, Copy)]
pub struct RunKey<'a> {
    pub world: &'a World,
    pub package: &'a Package,
    pub scenario: &'a Scenario,
    pub seed: u64,
    pub run_index: u64,
}

/// Simulates one run and returns its outcome. Per-country calls are left in
/// `ws.called` and `ws.honoured`.
///
/// Only feasible packages exist as [`Package`] values (infeasible ones are
/// [`super::params::InfeasiblePackage`]), so an infeasible package cannot be
/// run.
pub fn simulate<R: Recorder>(key: RunKey<'_>, ws: &mut Workspace, rec: &mut R) -> Outcome {
    let RunKey {
        world,
        package,
        scenario,
        seed,
        run_index,
    } = key;
    let c = &world.countries;
    let n = c.len();
    let horizon = world.horizon_months;
    ws.reset(world, package);
    let mut rng = RunRng::new(seed, &scenario.id, run_index, StreamLayout::new(n));

    // Month 0: draws that do not depend on the package, in a fixed order.
    rng.start_month(0);
    let u_accept = rng.uniform();
    for (slot, dist) in ws
        .coefficients
        .fields_mut()
        .into_iter()
        .zip(&scenario.coefficients)
    {
        *slot = rng.sample(dist);
    }
    for event in &scenario.events {
        let month = rng.sample(&event.month).round();
        let magnitude = rng.sample(&event.magnitude);
        let month = if month >= 1.0 && month <= f64::from(horizon) {
            month as u32
        } else {
            NEVER
        };
        ws.event_month.push(month);
        ws.event_magnitude.push(magnitude);
    }
    let k = ws.coefficients;
    let terms = PackageTerms::new(&k, package);
    for i in 0..n {
        ws.capability[i] = capability_of(&k, world, package, ws.troops[i], i);
        ws.timely[i] = timeliness(&k, world, &terms, ws.troops[i], i);
    }

    let mut out = Outcome {
        kind: OutcomeKind::Held,
        failure_mode: FailureMode::None,
        first_major_month: None,
        end_month: horizon,
        violations_detected: 0,
        violations_undetected: 0,
        incidents: 0,
        troop_months: 0.0,
        sanctions_applied: 0,
        erosion: 0.0,
        russia_intent: k.russia_intent,
    };

    let mut western_weighted = western_troops_weighted(world, ws, &terms);
    let mut deployed: f64 = ws.troops.iter().sum();
    let objection = world.objection;
    let acceptance_penalty = objection.map_or(0.0, |o| o.acceptance_penalty_per_10k);
    let p_accept = logistic(
        k.acceptance_base_logit
            - k.acceptance_intent_weight * k.russia_intent
            - acceptance_penalty * western_weighted,
    );
    let accepted = u_accept < p_accept;
    if R::ENABLED {
        rec.record(TraceEvent::Start {
            russia_intent: k.russia_intent,
            russia_strength: k.russia_strength_initial,
            ukraine_strength: k.ukraine_strength_initial,
            western_troops_weighted_10k: western_weighted,
            acceptance_probability: p_accept,
            accepted,
        });
    }
    if !accepted {
        out.kind = OutcomeKind::Rejected;
        out.failure_mode = FailureMode::RejectedTerms;
        out.end_month = 0;
        return finish(out, rec);
    }

    let mut russia = k.russia_strength_initial.max(MIN_STRENGTH);
    let mut ukraine = k.ukraine_strength_initial.max(0.0);
    let mut sanctions = 0.0_f64;
    let mut grievance = 0.0_f64;
    let has_guarantors = !ws.guarantors.is_empty() && terms.legal > 0.0;

    for month in 1..=horizon {
        rng.start_month(month);
        let u_choice = rng.uniform();
        let u_detect = rng.uniform();
        let u_battle = rng.uniform();
        let u_incident = rng.uniform();
        let u_discretion = rng.uniform();

        let mut event_fired = false;
        for e in 0..scenario.events.len() {
            if ws.event_month[e] == month {
                event_fired = true;
                apply_event(
                    world,
                    package,
                    scenario,
                    e,
                    month,
                    &terms,
                    &mut rng,
                    ws,
                    &mut out,
                    &mut grievance,
                    rec,
                );
            }
        }

        let coalition_resolve = update_resolve(world, month, &mut rng, ws, rec);

        russia += k.russia_reconstitution_per_month
            * (k.russia_strength_ceiling - russia)
            * (1.0 - k.sanctions_drag * sanctions);
        russia = russia.max(MIN_STRENGTH);
        sanctions *= 1.0 - k.sanctions_decay_per_month;
        grievance *= 1.0 - k.grievance_decay_per_month;
        // A month cannot close more than the whole gap to the ceiling.
        let growth = (k.ukraine_mobilisation_per_month
            + k.reconstruction_growth_per_month * terms.support)
            .min(1.0);
        ukraine += growth * (k.ukraine_strength_ceiling - ukraine)
            - k.ukraine_attrition_per_month * (1.0 - terms.support) * ukraine;
        ukraine = ukraine.max(0.0);

        // Troops change only when an event (a strike) withdraws them.
        if event_fired {
            western_weighted = western_troops_weighted(world, ws, &terms);
            deployed = ws.troops.iter().sum();
        }
        let p_incident = k.incident_base_probability
            + objection.map_or(0.0, |o| o.incident_probability_per_10k) * western_weighted;
        if u_incident < p_incident {
            out.incidents += 1;
            grievance += objection.map_or(0.0, |o| o.grievance_per_incident);
            if R::ENABLED {
                rec.record(TraceEvent::Incident { month, grievance });
            }
        }

        out.troop_months += deployed;

        // Russia's expectation of the guarantees.
        let snap = match package.sanctions_mode {
            SanctionsMode::None => 0.0,
            SanctionsMode::Automatic => terms.snap_severity,
            SanctionsMode::Discretionary => terms.snap_severity * coalition_resolve,
        };
        let backstop_expected = if !ws.backstops.is_empty() {
            1.0 + k.backstop_effectiveness * max_resolve(&ws.backstops, &ws.resolve)
        } else {
            1.0
        };
        let intel_expected = 1.0
            + k.intelligence_logistics_effectiveness
                * intelligence_logistics_score(world, ws, |i| ws.resolve[i]);
        let mut guarantee = 0.0;
        for &i in &ws.guarantors {
            let own_weighted = ws.troops[i] * terms.proximity / TROOPS_UNIT;
            let credibility =
                ws.resolve[i] * terms.legal * (1.0 + k.tripwire_credibility_per_10k * own_weighted);
            let multiplier = if package.backstop[i] {
                1.0
            } else {
                backstop_expected
            };
            guarantee +=
                credibility * ws.capability[i] * ws.timely[i] * multiplier * intel_expected;
        }

        let balance = russia / (russia + ukraine);
        let major = MajorTerms {
            gain: k.russia_intent * k.gain_major * balance,
            grievance: k.weight_grievance * grievance,
            defence_cost: k.weight_defence * ukraine * intel_expected / russia,
            guarantee_cost: k.weight_guarantee * guarantee,
            sanctions_cost: k.weight_sanctions * snap,
            troop_risk: k.weight_western_troops * western_weighted,
            entrenchment: k.entrenchment_per_log_month * f64::from(month).ln_1p(),
        };
        let utilities = [
            0.0,
            k.utility_probe_base + k.russia_intent * k.gain_probe
                - k.weight_sanctions * snap * terms.detection * k.probe_sanction_increment,
            k.utility_limited_base + k.russia_intent * k.gain_limited * balance + major.grievance
                - k.limited_cost_share
                    * (major.defence_cost + major.guarantee_cost + major.troop_risk)
                - k.weight_sanctions * snap * k.limited_attribution,
            k.utility_major_base + major.gain + major.grievance
                - major.defence_cost
                - major.guarantee_cost
                - major.sanctions_cost
                - major.troop_risk
                - major.entrenchment,
        ];
        let probabilities = softmax(utilities, k.choice_temperature);
        let choice = pick(probabilities, u_choice);
        if R::ENABLED {
            rec.record(TraceEvent::Month {
                month,
                russia_strength: russia,
                ukraine_strength: ukraine,
                sanction_pressure: sanctions,
                grievance,
                erosion: out.erosion,
                coalition_resolve,
                us_resolve: c.united_states.map(|u| ws.resolve[u]),
                major_terms: major,
                probabilities,
                choice,
            });
        }

        let sanctions_now = match package.sanctions_mode {
            SanctionsMode::None => false,
            SanctionsMode::Automatic => true,
            SanctionsMode::Discretionary => u_discretion < coalition_resolve,
        };
        match choice {
            Choice::Comply => {}
            Choice::Probe | Choice::LimitedOffensive => {
                let (attribution, base_erosion, increment) = if choice == Choice::Probe {
                    (terms.detection, k.probe_erosion, k.probe_sanction_increment)
                } else {
                    (k.limited_attribution, k.limited_erosion * balance, 1.0)
                };
                let attributed = u_detect < attribution;
                let applied = attributed && sanctions_now && terms.snap_severity > 0.0;
                let erosion_added = if attributed {
                    out.violations_detected += 1;
                    if applied {
                        sanctions = (sanctions + terms.snap_severity * increment).min(1.0);
                        out.sanctions_applied += 1;
                    }
                    if applied || has_guarantors {
                        base_erosion * (1.0 - k.answered_erosion_share)
                    } else {
                        base_erosion
                    }
                } else {
                    out.violations_undetected += 1;
                    base_erosion
                };
                out.erosion += erosion_added;
                if R::ENABLED {
                    rec.record(TraceEvent::Violation {
                        month,
                        choice,
                        attributed,
                        sanctions_applied: applied,
                        erosion_added,
                        erosion_total: out.erosion,
                    });
                }
                if out.erosion >= k.erosion_threshold {
                    out.kind = OutcomeKind::Eroded;
                    out.failure_mode = FailureMode::Erosion;
                    out.end_month = month;
                    return finish(out, rec);
                }
            }
            Choice::MajorOffensive => {
                out.first_major_month = Some(month);
                out.end_month = month;
                if sanctions_now && terms.snap_severity > 0.0 {
                    out.sanctions_applied += 1;
                }
                let battle = Battle {
                    month,
                    russia,
                    ukraine,
                    u_battle,
                };
                let (kind, mode) = fight(world, package, &terms, battle, &mut rng, ws, rec);
                out.kind = kind;
                out.failure_mode = mode;
                return finish(out, rec);
            }
        }
    }
    finish(out, rec)
}

fn finish<R: Recorder>(out: Outcome, rec: &mut R) -> Outcome {
    if R::ENABLED {
        rec.record(TraceEvent::End { outcome: out });
    }
    out
}

/// Western troops in Ukraine weighted by proximity to the line, per 10,000.
fn western_troops_weighted(world: &World, ws: &Workspace, terms: &PackageTerms) -> f64 {
    let total: f64 = ws
        .troops
        .iter()
        .zip(&world.countries.western)
        .filter(|(_, w)| **w)
        .map(|(t, _)| *t)
        .sum();
    total * terms.proximity / TROOPS_UNIT
}

/// Mean resolve of the coalition: guarantors and economic actors other than
/// the United States.
fn coalition_mean_resolve(ws: &Workspace) -> f64 {
    mean_resolve(&ws.coalition, &ws.resolve)
}

fn mean_resolve(members: &[usize], resolve: &[f64]) -> f64 {
    if members.is_empty() {
        return 0.0;
    }
    let sum: f64 = members.iter().map(|&i| resolve[i]).sum();
    sum / members.len() as f64
}

/// Largest resolve among the listed countries (0 if none).
fn max_resolve(members: &[usize], resolve: &[f64]) -> f64 {
    members.iter().fold(0.0_f64, |m, &i| m.max(resolve[i]))
}

/// Mean of the best intelligence and the best logistics provider's
/// capability, each weighted by `weight(i)` (resolve when expected, 1 or 0
/// for honoured or not in a battle).
fn intelligence_logistics_score(
    world: &World,
    ws: &Workspace,
    weight: impl Fn(usize) -> f64,
) -> f64 {
    let c = &world.countries;
    let best = |providers: &[usize], capability: &[f64]| {
        providers
            .iter()
            .fold(0.0_f64, |m, &i| m.max(capability[i] * weight(i)))
    };
    (best(&ws.intelligence_providers, &c.intelligence)
        + best(&ws.logistics_providers, &c.logistics))
        / 2.0
}

fn softmax(utilities: [f64; 4], temperature: f64) -> [f64; 4] {
    let t = if temperature > 0.0 {
        temperature
    } else {
        f64::MIN_POSITIVE
    };
    let max = utilities.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut p = utilities.map(|u| ((u - max) / t).exp());
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

/// Drift, cohesion, fatigue and elections, for every country whose resolve
/// moves. The normal draws happen for every such country in index order
/// whatever the package, so the stream stays aligned across packages.
/// Returns the coalition's mean resolve after the update.
fn update_resolve<R: Recorder>(
    world: &World,
    month: u32,
    rng: &mut RunRng,
    ws: &mut Workspace,
    rec: &mut R,
) -> f64 {
    let c = &world.countries;
    let k = ws.coefficients;
    let coalition = coalition_mean_resolve(ws);
    let us_resolve = c.united_states.map(|u| ws.resolve[u]);
    for m in 0..ws.movers.len() {
        let i = ws.movers[m];
        let z = rng.normal();
        let mut r = ws.resolve[i];
        r += k.cohesion_pull_coalition * (coalition - r);
        if let Some(us) = us_resolve {
            if c.european[i] && Some(i) != c.united_states {
                r += k.cohesion_pull_us * (us - r);
            }
        }
        r += c.volatility[i] * z;
        r -= k.fatigue_per_10k_troops * ws.troops[i] / TROOPS_UNIT;
        let interval = c.election_interval_months[i];
        let first = c.next_election_month[i];
        let election = first > 0
            && month >= first
            && (month == first || (interval > 0 && (month - first) % interval == 0));
        if election {
            let before = r.clamp(0.0, 1.0);
            r += k.election_shock_sd * rng.normal();
            if R::ENABLED {
                rec.record(TraceEvent::Election {
                    month,
                    country: c.id[i].clone(),
                    resolve_before: before,
                    resolve_after: r.clamp(0.0, 1.0),
                });
            }
        }
        ws.resolve[i] = r.clamp(0.0, 1.0);
    }
    coalition_mean_resolve(ws)
}

#[allow(clippy::too_many_arguments)]
fn apply_event<R: Recorder>(
    world: &World,
    package: &Package,
    scenario: &Scenario,
    e: usize,
    month: u32,
    terms: &PackageTerms,
    rng: &mut RunRng,
    ws: &mut Workspace,
    out: &mut Outcome,
    grievance: &mut f64,
    rec: &mut R,
) {
    let c = &world.countries;
    let k = ws.coefficients;
    let event = &scenario.events[e];
    let magnitude = ws.event_magnitude[e];
    let explicit = !event.targets.is_empty();
    let targeted = |i: usize| -> bool {
        if explicit {
            event.targets.contains(&i)
        } else {
            match event.kind {
                EventKind::UsDisengagement => Some(i) == c.united_states,
                EventKind::CoalitionFracture => {
                    c.european[i] && c.role[i] == Role::Guarantor && Some(i) != c.united_states
                }
                EventKind::ResolveShock => c.role[i] == Role::Guarantor,
                // Only troop contributors can be struck; checked below.
                EventKind::ForceStrike => true,
            }
        }
    };
    // What happened, kept as numbers; the sentence for `explain` is only
    // written when a trace is recorded, so batches do not allocate here.
    enum Effect {
        Shifted(f64),
        NoForceToStrike,
        Struck { withdrew: u32 },
    }
    let mut affected: Vec<String> = Vec::new();
    let effect;
    match event.kind {
        EventKind::UsDisengagement | EventKind::CoalitionFracture | EventKind::ResolveShock => {
            let shift = if event.kind == EventKind::ResolveShock {
                magnitude
            } else {
                -magnitude.abs()
            };
            for i in 0..c.len() {
                if targeted(i) {
                    ws.resolve[i] = (ws.resolve[i] + shift).clamp(0.0, 1.0);
                    if R::ENABLED {
                        affected.push(c.id[i].clone());
                    }
                }
            }
            effect = Effect::Shifted(shift);
        }
        EventKind::ForceStrike => {
            if !terms.in_ukraine || ws.troops.iter().all(|&t| t <= 0.0) {
                effect = Effect::NoForceToStrike;
            } else {
                out.incidents += 1;
                *grievance += world.objection.map_or(0.0, |o| o.grievance_per_incident);
                let mut withdrew = 0u32;
                for i in 0..c.len() {
                    if !(targeted(i) && ws.troops[i] > 0.0) {
                        continue;
                    }
                    ws.called[i] += 1;
                    let p =
                        honour_probability(&k, terms, ws, package, i, true, false, c.european[i]);
                    let honoured = rng.strike_draw(month, i) < p;
                    if honoured {
                        ws.honoured[i] += 1;
                        ws.resolve[i] = (ws.resolve[i] + k.strike_resolve_shift).clamp(0.0, 1.0);
                    } else {
                        ws.troops[i] = 0.0;
                        ws.capability[i] = capability_of(&k, world, package, 0.0, i);
                        ws.timely[i] = timeliness(&k, world, terms, 0.0, i);
                        withdrew += 1;
                    }
                    if R::ENABLED {
                        affected.push(c.id[i].clone());
                        rec.record(TraceEvent::Call {
                            month,
                            country: c.id[i].clone(),
                            resolve: ws.resolve[i],
                            capability: ws.capability[i],
                            honour_probability: p,
                            honoured,
                        });
                    }
                }
                effect = Effect::Struck { withdrew };
            }
        }
    }
    if R::ENABLED {
        let detail = match effect {
            Effect::Shifted(shift) => format!("resolve shifted by {shift:+.2}"),
            Effect::NoForceToStrike => {
                "no multinational force stands in Ukraine, so the strike hits no guarantor"
                    .to_string()
            }
            Effect::Struck { withdrew } => {
                format!("contributors called to stand firm; {withdrew} withdrew their troops")
            }
        };
        rec.record(TraceEvent::Scripted {
            month,
            kind: format!("{:?}", event.kind),
            magnitude,
            countries: affected,
            detail,
        });
    }
}

/// Chance that guarantor `i` honours a call.
#[allow(clippy::too_many_arguments)]
fn honour_probability(
    k: &Coefficients,
    terms: &PackageTerms,
    ws: &Workspace,
    package: &Package,
    i: usize,
    own_troops_attacked: bool,
    backstop_honoured: bool,
    european: bool,
) -> f64 {
    let own_troops = own_troops_attacked || (terms.in_ukraine && ws.troops[i] > 0.0);
    let backed = european && backstop_honoured && !package.backstop[i];
    logistic(
        k.honour_base_logit
            + k.honour_legal_weight * terms.legal
            + k.honour_resolve_weight * ws.resolve[i]
            + if own_troops {
                k.honour_own_troops_weight
            } else {
                0.0
            }
            + if backed {
                k.honour_us_backing_weight
            } else {
                0.0
            }
            - k.honour_cost_weight * ws.capability[i],
    )
}

struct Battle {
    month: u32,
    russia: f64,
    ukraine: f64,
    u_battle: f64,
}

/// A major offensive: guarantors are called (backstop providers first, so
/// Europeans know whether the US stands behind them), then the attack meets
/// the defence.
fn fight<R: Recorder>(
    world: &World,
    package: &Package,
    terms: &PackageTerms,
    battle: Battle,
    rng: &mut RunRng,
    ws: &mut Workspace,
    rec: &mut R,
) -> (OutcomeKind, FailureMode) {
    let c = &world.countries;
    let k = ws.coefficients;
    let month = battle.month;
    let mut backstop_honoured = false;
    let mut called_capability = 0.0;
    let mut honoured_capability = 0.0;
    let mut called_count = 0u32;
    let mut honoured_count = 0u32;
    let mut contribution = 0.0;
    for backstop_pass in [true, false] {
        for g in 0..ws.guarantors.len() {
            let i = ws.guarantors[g];
            if package.backstop[i] != backstop_pass {
                continue;
            }
            ws.called[i] += 1;
            called_count += 1;
            let p = honour_probability(
                &k,
                terms,
                ws,
                package,
                i,
                false,
                backstop_honoured,
                c.european[i],
            );
            let honoured = rng.honour_draw(month, i) < p;
            let capability = ws.capability[i];
            called_capability += capability;
            if honoured {
                ws.honoured[i] += 1;
                honoured_count += 1;
                ws.battle_honoured[i] = true;
                honoured_capability += capability;
                if backstop_pass {
                    backstop_honoured = true;
                }
                let multiplier = if backstop_honoured && !package.backstop[i] {
                    1.0 + k.backstop_effectiveness
                } else {
                    1.0
                };
                contribution += capability * multiplier * ws.timely[i];
            }
            if R::ENABLED {
                rec.record(TraceEvent::Call {
                    month,
                    country: c.id[i].clone(),
                    resolve: ws.resolve[i],
                    capability,
                    honour_probability: p,
                    honoured,
                });
            }
        }
    }
    let honoured_score =
        intelligence_logistics_score(world, ws, |i| if ws.battle_honoured[i] { 1.0 } else { 0.0 });
    let defence = (battle.ukraine + contribution)
        * (1.0 + k.intelligence_logistics_effectiveness * honoured_score);
    let attack = battle.russia;
    let m = k.battle_decisiveness;
    let p_break = if defence <= 0.0 {
        1.0
    } else {
        let a = attack.powf(m);
        let d = defence.powf(m);
        if (a + d).is_finite() && a + d > 0.0 {
            a / (a + d)
        } else {
            logistic(m * (attack.ln() - defence.ln()))
        }
    };
    let breakthrough = battle.u_battle < p_break;
    let honoured_share = if called_capability > 0.0 {
        honoured_capability / called_capability
    } else if called_count > 0 {
        f64::from(honoured_count) / f64::from(called_count)
    } else {
        1.0
    };
    if R::ENABLED {
        rec.record(TraceEvent::Battle {
            month,
            attack,
            defence,
            breakthrough_probability: p_break,
            breakthrough,
            honoured_share,
        });
    }
    if breakthrough {
        (OutcomeKind::Failed, FailureMode::Breakthrough)
    } else if honoured_share < k.honour_required_share {
        (OutcomeKind::Failed, FailureMode::GuarantorsDefected)
    } else {
        (OutcomeKind::Defended, FailureMode::None)
    }
}
