//! One run: one package under one scenario, month by month.
//!
//! [`simulate`] is the schedule of `docs/MODEL.md` ("Process overview and
//! scheduling"); the agents' decisions live in [`super::agents`].

use super::agents::{
    CallContext, Expectation, Guarantors, MonitoringMission, PackageTerms, Response, Russia,
    Ukraine, breakthrough_probability, logistic,
};
use super::outcome::{Defence, FailureMode, Outcome, OutcomeKind};
use super::params::{Coefficients, EventKind, Package, Role, SanctionsMode, Scenario, World};
use super::rng::{RunRng, StreamLayout};
use super::trace::{Choice, Recorder, TraceEvent};

/// Month value of an event that falls outside the horizon.
pub const NEVER: u32 = u32::MAX;

/// Per-run state, allocated once per thread and reused across runs, so the
/// monthly loop never allocates.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// The guarantors' state; `guarantors.called` and `.honoured` hold the
    /// run's calls per country.
    pub guarantors: Guarantors,
    event_month: Vec<u32>,
    event_magnitude: Vec<f64>,
    /// The coefficients drawn for the current run.
    pub coefficients: Coefficients,
}

impl Workspace {
    pub fn new(world: &World) -> Self {
        Workspace {
            guarantors: Guarantors::with_capacity(world.countries.len()),
            ..Default::default()
        }
    }

    /// Times each country was called on to honour its commitment in the
    /// last run.
    pub fn called(&self) -> &[u32] {
        &self.guarantors.called
    }

    /// Times each country honoured a call in the last run.
    pub fn honoured(&self) -> &[u32] {
        &self.guarantors.honoured
    }

    /// The month each of the scenario's events happens in the last run
    /// ([`NEVER`] when it falls outside the horizon).
    pub fn event_months(&self) -> &[u32] {
        &self.event_month
    }

    /// The size each of the scenario's events drew in the last run.
    pub fn event_magnitudes(&self) -> &[f64] {
        &self.event_magnitude
    }
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

/// The draws of one month, taken in a fixed order whatever the package.
struct MonthDraws {
    choice: f64,
    attribution: f64,
    response: f64,
    battle: f64,
    incident: f64,
    discretion: f64,
}

/// Simulates one run and returns its outcome. Per-country calls are left in
/// the workspace ([`Workspace::called`], [`Workspace::honoured`]).
///
/// Only feasible packages exist as [`Package`] values (infeasible ones are
/// [`super::params::InfeasiblePackage`]), so an infeasible package cannot be
/// run.
pub fn simulate<R: Recorder>(key: RunKey<'_>, ws: &mut Workspace, rec: &mut R) -> Outcome {
    simulate_without_events(key, &[], ws, rec)
}

/// [`simulate`] with the scenario's events whose flag in `removed` is true
/// taken out (missing flags count as false). A removed event still takes
/// its set-up draws and is then treated as falling past the horizon, so
/// every other draw of the run is the same as with the event: the paired
/// difference is the event's effect, nothing else.
pub fn simulate_without_events<R: Recorder>(
    key: RunKey<'_>,
    removed: &[bool],
    ws: &mut Workspace,
    rec: &mut R,
) -> Outcome {
    let RunKey {
        world,
        package,
        scenario,
        seed,
        run_index,
    } = key;
    let horizon = world.horizon_months;
    let mut rng = RunRng::new(
        seed,
        &scenario.id,
        run_index,
        StreamLayout::new(world.countries.len()),
    );

    // Month 0: draws that do not depend on the package, in a fixed order.
    rng.start_month(0);
    let u_accept = rng.uniform();
    draw_set_up(scenario, horizon, &mut rng, ws);
    for (month, &gone) in ws.event_month.iter_mut().zip(removed) {
        if gone {
            *month = NEVER;
        }
    }
    let k = ws.coefficients;
    let terms = PackageTerms::new(&k, world, package);
    ws.guarantors.reset(&k, world, package, &terms);

    let mut russia = Russia::new(&k);
    let mut ukraine = Ukraine::new(&k);
    let monitoring = MonitoringMission {
        own_detection: terms.detection,
    };
    let mut out = Outcome {
        kind: OutcomeKind::Held,
        failure_mode: FailureMode::None,
        first_major_month: None,
        end_month: horizon,
        defence: Defence::NotTested,
        territory_lost_pct: 0.0,
        war_months: 0,
        violations_detected: 0,
        violations_undetected: 0,
        violations_answered: 0,
        incidents: 0,
        troop_months: 0.0,
        sanctions_applied: 0,
        erosion: 0.0,
        russia_intent: k.russia_intent,
    };

    // Russia's answer to the terms.
    let objection = world.objection;
    let mut western = ws.guarantors.western_weighted_10k(world, &terms);
    let p_accept = russia.acceptance_probability(
        &k,
        &terms,
        western,
        objection.map_or(0.0, |o| o.acceptance_penalty_per_10k),
    );
    let accepted = u_accept < p_accept;
    if R::ENABLED {
        rec.record(TraceEvent::Start {
            russia_intent: k.russia_intent,
            legal_strength: terms.legal,
            russia_strength: russia.strength,
            ukraine_strength: ukraine.strength,
            western_troops_weighted_10k: western,
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

    for month in 1..=horizon {
        rng.start_month(month);
        let draws = MonthDraws {
            choice: rng.uniform(),
            attribution: rng.uniform(),
            battle: rng.uniform(),
            incident: rng.uniform(),
            discretion: rng.uniform(),
            response: rng.uniform(),
        };

        // 1. Scripted events.
        let mut troops_changed = false;
        for e in 0..scenario.events.len() {
            if ws.event_month[e] == month {
                troops_changed |= apply_event(
                    world,
                    package,
                    scenario,
                    &terms,
                    e,
                    month,
                    &mut rng,
                    ws,
                    &mut out,
                    &mut russia,
                    rec,
                );
            }
        }
        if troops_changed {
            western = ws.guarantors.western_weighted_10k(world, &terms);
        }
        let g = &mut ws.guarantors;

        // 2. The guarantors' resolve moves.
        g.update_resolve(
            &k,
            world,
            month,
            || rng.normal(),
            |i, before, after| {
                if R::ENABLED {
                    rec.record(TraceEvent::Election {
                        month,
                        country: world.countries.id[i].clone(),
                        resolve_before: before,
                        resolve_after: after,
                    });
                }
            },
        );
        let coalition_resolve = g.coalition_resolve();

        // 3. Russia rebuilds and settles; Ukraine rebuilds and fortifies.
        russia.step(&k);
        let aid_share = if g.coalition_resolve_start > 0.0 {
            (coalition_resolve / g.coalition_resolve_start).powf(k.aid_resolve_elasticity)
        } else {
            1.0
        };
        let support = Ukraine::support(&k, terms.reconstruction_usd_bn * aid_share);
        ukraine.step(&k, terms.ukraine_ceiling, support);

        // 4. Incidents around foreign troops.
        let p_incident = k.incident_base_probability
            + objection.map_or(0.0, |o| o.incident_probability_per_10k) * western;
        if draws.incident < p_incident {
            out.incidents += 1;
            let defused = if terms.diplomacy {
                k.diplomacy_crisis_share
            } else {
                0.0
            };
            russia.grievance +=
                objection.map_or(0.0, |o| o.grievance_per_incident) * (1.0 - defused);
            if R::ENABLED {
                rec.record(TraceEvent::Incident {
                    month,
                    grievance: russia.grievance,
                });
            }
        }
        out.troop_months += g.deployed();

        // 5. Russia weighs its options against what it expects.
        let (help, multiplier) = g.expected_help(&k, world, package, &terms);
        let response = Response::new(&k, &terms, g);
        let backstop_support = g.backstop_support();
        let attribution = monitoring.attribution(&k, backstop_support);
        let snap_expected = terms.snap_severity
            * g.sanctions_votes
            * match package.sanctions_mode {
                SanctionsMode::None => 0.0,
                SanctionsMode::Automatic => 1.0,
                SanctionsMode::Discretionary => coalition_resolve,
            };
        let expect = Expectation {
            defence: (ukraine.defence() + help) * (1.0 + multiplier),
            sanctions: snap_expected,
            answer: response.expected(),
            attribution,
        };
        let (choice, probabilities, major) =
            russia.choose(&k, &terms, &expect, month, draws.choice);
        if R::ENABLED {
            rec.record(TraceEvent::Month {
                month,
                russia_strength: russia.strength,
                ukraine_strength: ukraine.strength,
                russia_intent: russia.intent,
                ukraine_fortification: ukraine.fortification,
                sanction_pressure: russia.sanctions,
                grievance: russia.grievance,
                erosion: out.erosion,
                coalition_resolve,
                us_resolve: world.countries.united_states.map(|u| g.resolve[u]),
                major_terms: major,
                probabilities,
                choice,
            });
        }

        // 6. What follows from the choice.
        match choice {
            Choice::Comply => {}
            Choice::Probe | Choice::LimitedOffensive => {
                let (p_attr, base_erosion, increment) = if choice == Choice::Probe {
                    (attribution, k.probe_erosion, k.probe_sanction_increment)
                } else {
                    let balance = russia.strength / (russia.strength + ukraine.defence());
                    (
                        k.limited_attribution,
                        2.0 * k.limited_erosion * balance,
                        1.0,
                    )
                };
                let attributed = draws.attribution < p_attr;
                // A response without attribution cannot happen.
                let answered = attributed && draws.response < response.probability;
                let mut erosion_added = base_erosion;
                let mut sanctioned = false;
                if attributed {
                    out.violations_detected += 1;
                } else {
                    out.violations_undetected += 1;
                }
                if answered {
                    out.violations_answered += 1;
                    erosion_added *= 1.0 - k.answered_erosion_share * response.strength;
                    if response.severity > 0.0 {
                        russia.sanctions =
                            (russia.sanctions + response.severity * increment).min(1.0);
                        out.sanctions_applied += 1;
                        sanctioned = true;
                    }
                    if terms.has_guarantors {
                        ukraine.strength += k.aid_surge_per_response * terms.legal;
                    }
                }
                out.erosion += erosion_added;
                if R::ENABLED {
                    rec.record(TraceEvent::Violation {
                        month,
                        choice,
                        attributed,
                        answered,
                        sanctions_applied: sanctioned,
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
                let snaps = match package.sanctions_mode {
                    SanctionsMode::None => false,
                    SanctionsMode::Automatic => true,
                    SanctionsMode::Discretionary => draws.discretion < coalition_resolve,
                };
                if snaps && terms.snap_severity * ws.guarantors.sanctions_votes > 0.0 {
                    out.sanctions_applied += 1;
                }
                let battle = Battle {
                    month,
                    attack: russia.strength,
                    ukraine: ukraine.defence(),
                    u: draws.battle,
                };
                fight(world, package, &terms, battle, &mut rng, ws, &mut out, rec);
                return finish(out, rec);
            }
        }
    }
    finish(out, rec)
}

/// The set-up draws: every sampled coefficient, then each event's month
/// and size.
fn draw_set_up(scenario: &Scenario, horizon: u32, rng: &mut RunRng, ws: &mut Workspace) {
    for (slot, dist) in ws
        .coefficients
        .fields_mut()
        .into_iter()
        .zip(&scenario.coefficients)
    {
        *slot = rng.sample(dist);
    }
    ws.event_month.clear();
    ws.event_magnitude.clear();
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
}

fn finish<R: Recorder>(out: Outcome, rec: &mut R) -> Outcome {
    if R::ENABLED {
        rec.record(TraceEvent::End { outcome: out });
    }
    out
}

/// Applies scripted event `e`; returns whether troops changed.
#[allow(clippy::too_many_arguments)]
fn apply_event<R: Recorder>(
    world: &World,
    package: &Package,
    scenario: &Scenario,
    terms: &PackageTerms,
    e: usize,
    month: u32,
    rng: &mut RunRng,
    ws: &mut Workspace,
    out: &mut Outcome,
    russia: &mut Russia,
    rec: &mut R,
) -> bool {
    let c = &world.countries;
    let k = ws.coefficients;
    let g = &mut ws.guarantors;
    let event = &scenario.events[e];
    let magnitude = ws.event_magnitude[e];
    let targeted = |i: usize| -> bool {
        if !event.targets.is_empty() {
            return event.targets.contains(&i);
        }
        match event.kind {
            EventKind::UsDisengagement => Some(i) == c.united_states,
            EventKind::CoalitionFracture => {
                c.european[i] && c.role[i] == Role::Guarantor && Some(i) != c.united_states
            }
            EventKind::ResolveShock => c.role[i] == Role::Guarantor,
            EventKind::ForceStrike => true,
        }
    };
    let mut affected: Vec<String> = Vec::new();
    let mut troops_changed = false;
    let detail: String;
    match event.kind {
        EventKind::UsDisengagement | EventKind::CoalitionFracture | EventKind::ResolveShock => {
            let shift = if event.kind == EventKind::ResolveShock {
                magnitude
            } else {
                -magnitude.abs()
            };
            for i in 0..c.len() {
                if !targeted(i) {
                    continue;
                }
                g.resolve[i] = (g.resolve[i] + shift).clamp(0.0, 1.0);
                match event.kind {
                    EventKind::UsDisengagement if Some(i) == c.united_states => {
                        g.backstop_scale *= (1.0 - magnitude.abs()).clamp(0.0, 1.0);
                    }
                    EventKind::CoalitionFracture => {
                        troops_changed |= g.troops[i] > 0.0;
                        g.withdraw(&k, world, package, terms, i, true);
                    }
                    _ => {}
                }
                if R::ENABLED {
                    affected.push(c.id[i].clone());
                }
            }
            detail = match event.kind {
                EventKind::UsDisengagement => format!(
                    "resolve shifted by {shift:+.2}; the US backstop is now {:.0}% of what was offered",
                    100.0 * g.backstop_scale
                ),
                EventKind::CoalitionFracture => format!(
                    "resolve shifted by {shift:+.2}; they withdraw troops, aircraft, ships and \
                     sanctions votes ({:.0}% of the votes remain)",
                    100.0 * g.sanctions_votes
                ),
                _ => format!("resolve shifted by {shift:+.2}"),
            };
        }
        EventKind::ForceStrike => {
            let deployed = g.deployed();
            if !terms.in_ukraine || deployed <= 0.0 {
                detail =
                    "no multinational force stands in Ukraine, so the strike hits no guarantor"
                        .to_string();
            } else {
                out.incidents += 1;
                russia.grievance += world.objection.map_or(0.0, |o| o.grievance_per_incident);
                let mut withdrew = 0u32;
                for i in 0..c.len() {
                    if !(targeted(i) && g.troops[i] > 0.0) {
                        continue;
                    }
                    let casualties = magnitude.max(0.0) * g.troops[i] / deployed;
                    g.called[i] += 1;
                    let ctx = CallContext {
                        own_troops_attacked: true,
                        ..Default::default()
                    };
                    let p = logistic(
                        g.honour_logit(&k, world, package, i, ctx)
                            - k.strike_withdraw_per_100_casualties * casualties / 100.0,
                    );
                    let stays = rng.strike_draw(month, i) < p;
                    if stays {
                        g.honoured[i] += 1;
                        g.resolve[i] = (g.resolve[i] + k.strike_resolve_shift).clamp(0.0, 1.0);
                    } else {
                        g.withdraw(&k, world, package, terms, i, false);
                        troops_changed = true;
                        withdrew += 1;
                    }
                    if R::ENABLED {
                        affected.push(c.id[i].clone());
                        rec.record(TraceEvent::Call {
                            month,
                            country: c.id[i].clone(),
                            resolve: g.resolve[i],
                            capability: g.force_power[i] + g.other_power[i],
                            honour_probability: p,
                            honoured: stays,
                        });
                    }
                }
                detail = format!(
                    "{magnitude:.0} soldiers killed; each contributor rallies or pulls out: {withdrew} withdrew their troops"
                );
            }
        }
    }
    if R::ENABLED {
        rec.record(TraceEvent::Scripted {
            month,
            kind: format!("{:?}", event.kind),
            magnitude,
            countries: affected,
            detail,
        });
    }
    troops_changed
}

struct Battle {
    month: u32,
    attack: f64,
    /// Ukraine's own defence, with fortification.
    ukraine: f64,
    u: f64,
}

/// A major offensive: the guarantors are called (the US backstop first, so
/// Europeans know whether the US stands behind them, then the force's lead
/// nation, then the rest), and the attack meets the defence of Ukraine and
/// of those who honoured. A guarantor that defects weakens the defence in
/// the battle itself; it never turns a stopped offensive into a failure.
#[allow(clippy::too_many_arguments)]
fn fight<R: Recorder>(
    world: &World,
    package: &Package,
    terms: &PackageTerms,
    battle: Battle,
    rng: &mut RunRng,
    ws: &mut Workspace,
    out: &mut Outcome,
    rec: &mut R,
) {
    let c = &world.countries;
    let k = ws.coefficients;
    let g = &mut ws.guarantors;
    let month = battle.month;
    let force_timely = g.force_timely(&k, terms);
    let mut ctx = CallContext::default();
    let mut contribution = 0.0;
    let (mut called, mut honoured) = (0u32, 0u32);
    let lead = g
        .lead
        .filter(|&l| package.guarantor[l] && !package.backstop[l]);
    // Call order: backstop providers, the lead, everyone else.
    let order = |pass: u8, i: usize| match pass {
        0 => package.backstop[i],
        1 => !package.backstop[i] && Some(i) == lead,
        _ => !package.backstop[i] && Some(i) != lead,
    };
    for pass in 0..3u8 {
        for m in 0..g.members.len() {
            let i = g.members[m];
            if !order(pass, i) {
                continue;
            }
            g.called[i] += 1;
            called += 1;
            let p = logistic(g.honour_logit(&k, world, package, i, ctx));
            let yes = rng.honour_draw(month, i) < p;
            g.honoured_now[i] = yes;
            if yes {
                g.honoured[i] += 1;
                honoured += 1;
                contribution += g.contribution(i, force_timely);
                if pass == 0 {
                    ctx.backstop_honoured = true;
                }
            }
            if pass == 1 {
                ctx.lead_honoured = Some(yes);
            }
            if R::ENABLED {
                rec.record(TraceEvent::Call {
                    month,
                    country: c.id[i].clone(),
                    resolve: g.resolve[i],
                    capability: g.force_power[i] + g.other_power[i],
                    honour_probability: p,
                    honoured: yes,
                });
            }
        }
    }
    let backstop = if ctx.backstop_honoured {
        k.backstop_multiplier * g.backstop_support()
    } else {
        0.0
    };
    let multiplier = backstop
        + g.intelligence_logistics(&k, world, |i| if g.honoured_now[i] { 1.0 } else { 0.0 });
    let defence = (battle.ukraine + contribution) * (1.0 + multiplier);
    let p_break = breakthrough_probability(battle.attack, defence, k.battle_decisiveness);
    let breakthrough = battle.u < p_break;
    // How far and how long: the attacker's share of the contest.
    let attacker_share = battle.attack / (battle.attack + defence).max(f64::MIN_POSITIVE);
    out.defence = if honoured > 0 && contribution > 0.0 {
        Defence::WithGuarantors
    } else {
        Defence::UkraineAlone
    };
    if breakthrough {
        out.kind = OutcomeKind::Failed;
        out.failure_mode = if honoured < called {
            FailureMode::GuarantorsDefected
        } else {
            FailureMode::Breakthrough
        };
        out.territory_lost_pct = k.territory_breakthrough_pct;
        out.war_months = world.horizon_months - month + 1;
    } else {
        out.kind = OutcomeKind::Defended;
        out.failure_mode = FailureMode::None;
        out.territory_lost_pct = k.territory_stopped_pct * 2.0 * attacker_share;
        out.war_months = ((k.war_months_stopped * 2.0 * attacker_share).round() as u32).max(1);
    }
    for m in 0..g.members.len() {
        let i = g.members[m];
        g.honoured_now[i] = false;
    }
    if R::ENABLED {
        rec.record(TraceEvent::Battle {
            month,
            attack: battle.attack,
            defence,
            breakthrough_probability: p_break,
            breakthrough,
            honoured,
            called,
            territory_lost_pct: out.territory_lost_pct,
            war_months: out.war_months,
        });
    }
}
