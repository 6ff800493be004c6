//! Mechanism tests of model version 2: each would fail if its mechanism
//! were missing. Paired runs on common random numbers (same seed, same run
//! indices) on a small world built in code (tests/common), plus a check of
//! the direction of every Paris-draft component in the bundled file.

mod common;

use std::path::Path;

use common::*;
use guarantee_sim::model::agents::{PackageTerms, Ukraine};
use guarantee_sim::model::params::*;
use guarantee_sim::model::{Defence, NoTrace, Outcome, OutcomeKind, RunKey, Workspace, simulate};

const RUNS: u64 = 3000;

fn outcomes(world: &World, package: &Package, scenario: &Scenario, runs: u64) -> Vec<Outcome> {
    let mut ws = Workspace::new(world);
    (0..runs)
        .map(|run_index| {
            let key = RunKey {
                world,
                package,
                scenario,
                seed: 7,
                run_index,
            };
            simulate(key, &mut ws, &mut NoTrace)
        })
        .collect()
}

fn share(os: &[Outcome], f: impl Fn(&Outcome) -> bool) -> f64 {
    os.iter().filter(|o| f(o)).count() as f64 / os.len() as f64
}

fn major(os: &[Outcome]) -> f64 {
    let accepted: Vec<Outcome> = os
        .iter()
        .copied()
        .filter(|o| o.kind != OutcomeKind::Rejected)
        .collect();
    share(&accepted, |o| o.first_major_month.is_some())
}

/// A scenario where Russia always accepts and is tempted to attack, so
/// every deterrent has room to show.
fn tempted(events: Vec<Event>) -> Scenario {
    scenario(
        "tempted",
        &[
            ("russia_intent", fixed(0.9)),
            ("utility_major_base", fixed(-1.5)),
            ("acceptance_base_logit", fixed(20.0)),
        ],
        events,
    )
}

fn package_without_force(id: &str) -> Package {
    let mut p = guarantee_package(id, Posture::None, 0.0);
    p.lead = None;
    p
}

fn coefficients_of(s: &Scenario) -> Coefficients {
    let mut k = Coefficients::default();
    for (slot, d) in k.fields_mut().into_iter().zip(&s.coefficients) {
        let ParamDist::Fixed { value } = d else {
            panic!("test coefficients are fixed")
        };
        *slot = *value;
    }
    k
}

#[test]
fn a_force_that_shifts_the_balance_deters_and_a_token_force_barely() {
    let s = tempted(vec![]);
    let none = package_without_force("none");
    let token = {
        let mut p = package_without_force("token");
        p.posture = Posture::Rear;
        p.troops[UK] = 1500.0;
        p.lead = Some(UK);
        p
    };
    let large = guarantee_package("large", Posture::Rear, 15_000.0);
    let w = world(
        vec![none.clone(), token.clone(), large.clone()],
        vec![s.clone()],
    );
    let m_none = major(&outcomes(&w, &none, &s, RUNS));
    let m_token = major(&outcomes(&w, &token, &s, RUNS));
    let m_large = major(&outcomes(&w, &large, &s, RUNS));
    assert!(
        m_large < m_none - 0.05,
        "a 45,000 force must deter: {m_large} vs {m_none} without a force"
    );
    assert!(
        (m_none - m_token).abs() < (m_none - m_large) / 3.0,
        "a 1,500 tripwire must barely deter: token {m_token}, none {m_none}, large {m_large}"
    );
}

#[test]
fn a_package_that_relies_on_the_us_is_hurt_more_by_a_us_exit() {
    let exit = Event {
        kind: EventKind::UsDisengagement,
        month: fixed(1.0),
        magnitude: fixed(0.7),
        targets: vec![],
    };
    let base = tempted(vec![]);
    let us_out = Scenario {
        id: "us-out".into(),
        ..tempted(vec![exit])
    };
    let relies = guarantee_package("relies", Posture::Rear, 8000.0);
    let mut european = relies.clone();
    european.id = "european".into();
    for flags in [
        &mut european.guarantor,
        &mut european.backstop,
        &mut european.intelligence,
        &mut european.logistics,
    ] {
        flags[US] = false;
    }
    let w = world(vec![relies.clone(), european.clone()], vec![base.clone()]);
    let cost = |p: &Package| {
        let before = share(&outcomes(&w, p, &base, RUNS), |o| o.kind.deters());
        let after = share(&outcomes(&w, p, &us_out, RUNS), |o| o.kind.deters());
        before - after
    };
    let (relies_cost, european_cost) = (cost(&relies), cost(&european));
    assert!(
        relies_cost > european_cost + 0.02,
        "US exit: costs the US-reliant package {relies_cost}, the European one {european_cost}"
    );
}

#[test]
fn more_money_helps_ukraine_beyond_the_old_cap_less_each_time() {
    let s = tempted(vec![]);
    let k = coefficients_of(&s);
    let grown = |usd: f64| {
        let mut u = Ukraine::new(&k);
        let support = Ukraine::support(&k, usd);
        for _ in 0..24 {
            u.step(&k, 1.2, support);
        }
        u.strength
    };
    let reference = k.reconstruction_reference_usd_bn_per_year;
    let (a, b, c) = (
        grown(reference),
        grown(2.0 * reference),
        grown(3.0 * reference),
    );
    assert!(b > a && c > b, "more money, stronger: {a} {b} {c}");
    assert!(c - b < b - a, "diminishing returns: {a} {b} {c}");

    // And in whole runs: twice the money deters more.
    let mut poor = package_without_force("poor");
    poor.reconstruction_usd_bn_per_year = reference;
    let mut rich = poor.clone();
    rich.id = "rich".into();
    rich.reconstruction_usd_bn_per_year = 3.0 * reference;
    let w = world(vec![poor.clone(), rich.clone()], vec![s.clone()]);
    assert!(major(&outcomes(&w, &rich, &s, RUNS)) < major(&outcomes(&w, &poor, &s, RUNS)));
}

#[test]
fn a_guarantor_that_defects_never_turns_a_defence_into_a_failure() {
    // Guarantors that always defect and never answer anything: every run
    // must end exactly as with no guarantor at all.
    let s = scenario(
        "deserted",
        &[
            ("russia_intent", fixed(0.9)),
            ("utility_major_base", fixed(-1.0)),
            ("acceptance_base_logit", fixed(20.0)),
            ("honour_base_logit", fixed(-60.0)),
            ("response_base_logit", fixed(-60.0)),
        ],
        vec![],
    );
    let bare = bare_package("bare");
    let mut deserters = bare.clone();
    deserters.id = "deserters".into();
    deserters.legal_form = LegalForm::BindingTreaty;
    for i in [UK, FRANCE, GERMANY] {
        deserters.guarantor[i] = true;
    }
    let w = world(vec![bare.clone(), deserters.clone()], vec![s.clone()]);
    let alone = outcomes(&w, &bare, &s, RUNS);
    let deserted = outcomes(&w, &deserters, &s, RUNS);
    let mut battles = 0;
    for (a, d) in alone.iter().zip(&deserted) {
        assert_eq!(a.kind, d.kind, "{a:?} vs {d:?}");
        if d.first_major_month.is_some() {
            battles += 1;
            assert_eq!(d.defence, Defence::UkraineAlone);
            if d.kind == OutcomeKind::Failed {
                assert_eq!(
                    d.failure_mode,
                    guarantee_sim::model::FailureMode::GuarantorsDefected
                );
            }
        }
    }
    assert!(battles > 100, "the test needs battles: {battles}");
    assert!(
        share(&deserted, |o| o.kind == OutcomeKind::Defended) > 0.05,
        "Ukraine alone stops some offensives"
    );
}

#[test]
fn the_hazard_falls_with_time_through_named_mechanisms_not_a_constant() {
    // With every time mechanism off and Russia and Ukraine static, the
    // monthly hazard is flat; each mechanism alone makes it fall.
    let flat = [
        ("russia_intent", fixed(0.6)),
        ("acceptance_base_logit", fixed(20.0)),
        ("utility_major_base", fixed(-4.5)),
        ("habituation_per_month", fixed(0.0)),
        ("opportunity_cost_per_year", fixed(0.0)),
        ("fortification_max", fixed(0.0)),
        ("russia_reconstitution_per_month", fixed(0.0)),
        ("ukraine_mobilisation_per_month", fixed(0.0)),
        ("reconstruction_growth_per_month", fixed(0.0)),
        ("ukraine_attrition_per_month", fixed(0.0)),
        ("utility_probe_base", fixed(-50.0)),
        ("utility_limited_base", fixed(-50.0)),
        ("incident_base_probability", fixed(0.0)),
    ];
    let hazard_ratio = |extra: &[(&str, ParamDist)]| {
        // The first override of a name wins, so the mechanism goes first.
        let mut o: Vec<(&str, ParamDist)> = extra.to_vec();
        o.extend_from_slice(&flat);
        let s = scenario("t", &o, vec![]);
        let p = bare_package("none");
        let w = world(vec![p.clone()], vec![s.clone()]);
        let os = outcomes(&w, &p, &s, 6000);
        let hazard = |from: u32, to: u32| {
            let at_risk = os
                .iter()
                .filter(|o| o.first_major_month.is_none_or(|m| m >= from))
                .count() as f64;
            let events = os
                .iter()
                .filter(|o| {
                    o.first_major_month
                        .is_some_and(|m| (from..=to).contains(&m))
                })
                .count() as f64;
            events / at_risk
        };
        hazard(37, 48) / hazard(1, 12)
    };
    let constant = hazard_ratio(&[]);
    assert!(
        (0.8..1.25).contains(&constant),
        "flat hazard without mechanisms: {constant}"
    );
    for mechanism in [
        ("habituation_per_month", fixed(0.02)),
        ("opportunity_cost_per_year", fixed(0.4)),
        ("fortification_max", fixed(0.5)),
    ] {
        let ratio = hazard_ratio(&[mechanism]);
        assert!(
            ratio < 0.8 * constant,
            "{} must make the hazard fall: ratio {ratio} vs {constant}",
            mechanism.0
        );
    }
}

#[test]
fn sanctions_severity_acts_continuously_and_monitoring_needs_a_response() {
    let grey = scenario(
        "grey",
        &[
            ("acceptance_base_logit", fixed(20.0)),
            ("utility_probe_base", fixed(0.5)),
            ("utility_major_base", fixed(-30.0)),
            ("probe_erosion", fixed(0.5)),
            ("answered_erosion_share", fixed(1.0)),
        ],
        vec![],
    );
    let with = |severity: f64, monitoring: Monitoring| {
        let mut p = bare_package(&format!("s{severity}-{monitoring:?}"));
        p.monitoring = monitoring;
        p.sanctions_severity = severity;
        p.sanctions_mode = if severity > 0.0 {
            SanctionsMode::Automatic
        } else {
            SanctionsMode::None
        };
        p
    };
    let w = world(vec![], vec![grey.clone()]);
    let eroded = |p: &Package| {
        share(&outcomes(&w, p, &grey, RUNS), |o| {
            o.kind == OutcomeKind::Eroded
        })
    };
    let none = eroded(&with(0.0, Monitoring::UsLed));
    let tiny = eroded(&with(0.01, Monitoring::UsLed));
    let full = eroded(&with(0.8, Monitoring::UsLed));
    assert!(
        (none - tiny).abs() < 0.03,
        "severity 0.01 is almost severity 0: {tiny} vs {none}"
    );
    assert!(
        full < none - 0.1,
        "severe sanctions answer: {full} vs {none}"
    );
    // Without any possible response, better monitoring is worth little.
    let blind = eroded(&with(0.0, Monitoring::None));
    assert!(
        (blind - none).abs() < 0.03,
        "monitoring without a response: {none} vs {blind} with none"
    );
    // With a response, monitoring matters.
    let blind_full = eroded(&with(0.8, Monitoring::None));
    assert!(full < blind_full - 0.05, "{full} vs {blind_full}");
}

#[test]
fn coalition_fracture_shrinks_the_force_and_a_strike_sends_troops_home_by_casualties() {
    let fracture = |targets: Vec<usize>| Event {
        kind: EventKind::CoalitionFracture,
        month: fixed(1.0),
        magnitude: fixed(0.3),
        targets,
    };
    let p = guarantee_package("p", Posture::Rear, 10_000.0);
    let base = tempted(vec![]);
    let fr = Scenario {
        id: "fracture".into(),
        ..tempted(vec![fracture(vec![FRANCE])])
    };
    let w = world(vec![p.clone()], vec![base.clone()]);
    let troop_months = |s: &Scenario| -> f64 {
        outcomes(&w, &p, s, 500)
            .iter()
            .map(|o| o.troop_months)
            .sum()
    };
    assert!(troop_months(&fr) < 0.8 * troop_months(&base));

    let strike = |casualties: f64| Scenario {
        id: format!("strike-{casualties}"),
        ..tempted(vec![Event {
            kind: EventKind::ForceStrike,
            month: fixed(1.0),
            magnitude: fixed(casualties),
            targets: vec![],
        }])
    };
    let stayed = |s: &Scenario| {
        let mut ws = Workspace::new(&w);
        let (mut called, mut honoured) = (0u32, 0u32);
        for run_index in 0..1000 {
            let key = RunKey {
                world: &w,
                package: &p,
                scenario: s,
                seed: 3,
                run_index,
            };
            let o = simulate(key, &mut ws, &mut NoTrace);
            // Only the strike's calls: runs whose offensive came later
            // would add battle calls.
            if o.first_major_month.is_none() {
                called += ws.called().iter().sum::<u32>();
                honoured += ws.honoured().iter().sum::<u32>();
            }
        }
        f64::from(honoured) / f64::from(called)
    };
    let light = stayed(&strike(10.0));
    let heavy = stayed(&strike(900.0));
    assert!(
        heavy < light - 0.1,
        "heavier casualties, more withdrawals: stayed {heavy} vs {light}"
    );
}

#[test]
fn a_resolved_lead_nation_commits_the_force_sooner() {
    let s = tempted(vec![]);
    let k = coefficients_of(&s);
    let p = guarantee_package("p", Posture::Rear, 10_000.0);
    let mut strong = world(vec![p.clone()], vec![s.clone()]);
    let mut weak = strong.clone();
    strong.countries.resolve[UK] = 0.95;
    weak.countries.resolve[UK] = 0.05;
    let timely = |w: &World| {
        let terms = PackageTerms::new(&k, w, &p);
        let mut ws = Workspace::new(w);
        ws.guarantors.reset(&k, w, &p, &terms);
        ws.guarantors.force_timely(&k, &terms)
    };
    assert!(timely(&strong) > timely(&weak) + 0.1);
}

#[test]
fn diplomacy_and_relief_raise_acceptance_and_a_binding_form_lowers_it() {
    let s = scenario("s", &[("russia_intent", fixed(0.8))], vec![]);
    let base = guarantee_package("base", Posture::Rear, 5000.0);
    let mut diplomacy = base.clone();
    diplomacy.diplomacy = true;
    let mut relief = base.clone();
    relief.sanctions_relief = 0.8;
    let mut political = base.clone();
    political.legal_form = LegalForm::PoliticalDeclaration;
    let w = world(vec![base.clone()], vec![s.clone()]);
    let rejected = |p: &Package| {
        share(&outcomes(&w, p, &s, RUNS), |o| {
            o.kind == OutcomeKind::Rejected
        })
    };
    let r = rejected(&base);
    assert!(rejected(&diplomacy) < r - 0.01);
    assert!(rejected(&relief) < r - 0.03);
    assert!(rejected(&political) < r - 0.01);
}

/// Every component of the bundled Paris draft moves the result in the
/// direction the scenario file's description claims, on paired runs.
#[test]
fn each_paris_draft_component_has_the_sign_the_scenario_file_claims() {
    let loaded = guarantee_sim::scenario::load(Path::new("scenarios/paris-2026.toml"))
        .unwrap_or_else(|e| panic!("bundled file: {e:?}"));
    let w = loaded.world;
    let paris = w.packages[w.package_index("paris-draft").unwrap()].clone();
    let scenario = |id: &str| w.scenarios[w.scenario_index(id).unwrap()].clone();
    let renewed = scenario("renewed-attack");
    let grey = scenario("grey-zone");
    let runs = 2000;
    let stats = |p: &Package, s: &Scenario| {
        let os = outcomes(&w, p, s, runs);
        (
            share(&os, |o| o.kind.deters()),
            share(&os, |o| o.kind == OutcomeKind::Rejected),
            major(&os),
        )
    };
    let (deter_renewed, rejected, major_renewed) = stats(&paris, &renewed);
    let (deter_grey, _, _) = stats(&paris, &grey);
    let variant = |f: &dyn Fn(&mut Package)| {
        let mut p = paris.clone();
        f(&mut p);
        p
    };
    let us = w.countries.united_states.unwrap();

    // The force deters once accepted, and costs acceptance.
    let no_force = variant(&|p| {
        p.troops.iter_mut().for_each(|t| *t = 0.0);
        p.posture = Posture::None;
    });
    let (_, rej, maj) = stats(&no_force, &renewed);
    assert!(
        rej < rejected - 0.03,
        "force raises rejection: {rej} vs {rejected}"
    );
    assert!(
        maj > major_renewed + 0.02,
        "force deters: {maj} vs {major_renewed}"
    );

    let checks: Vec<(&str, Package, &Scenario, f64)> = vec![
        (
            "the US backstop",
            variant(&|p| p.backstop[us] = false),
            &renewed,
            deter_renewed,
        ),
        (
            "sanctions snap-back",
            variant(&|p| {
                p.sanctions_severity = 0.0;
                p.sanctions_mode = SanctionsMode::None;
            }),
            &grey,
            deter_grey,
        ),
        (
            "US-led monitoring",
            variant(&|p| p.monitoring = Monitoring::Technical),
            &grey,
            deter_grey,
        ),
        (
            "the binding treaty",
            variant(&|p| p.legal_form = LegalForm::PoliticalDeclaration),
            &renewed,
            deter_renewed,
        ),
        (
            "reconstruction money",
            variant(&|p| p.reconstruction_usd_bn_per_year = 10.0),
            &renewed,
            deter_renewed,
        ),
        (
            "the 800,000 army",
            variant(&|p| p.target_troops = 400_000.0),
            &renewed,
            deter_renewed,
        ),
        (
            "air policing",
            variant(&|p| p.air.iter_mut().for_each(|a| *a = false)),
            &renewed,
            deter_renewed,
        ),
    ];
    for (what, p, s, with) in checks {
        let (without, _, _) = stats(&p, s);
        assert!(
            without < with - 0.01,
            "removing {what} must lower deterrence in {}: {without} vs {with}",
            s.id
        );
    }
    // Diplomacy: without it Russia rejects more often.
    let (_, rej, _) = stats(&variant(&|p| p.diplomacy = false), &renewed);
    assert!(rej > rejected + 0.01, "diplomacy: {rej} vs {rejected}");
}

#[test]
fn who_stopped_an_offensive_and_its_cost_are_counted_for_every_run() {
    use guarantee_sim::batch::Cell;
    let s = tempted(vec![]);
    let p = guarantee_package("p", Posture::Rear, 10_000.0);
    let w = world(vec![p.clone()], vec![s.clone()]);
    let os = outcomes(&w, &p, &s, RUNS);
    let mut cell = Cell::new(w.horizon_months, w.countries.len());
    let none = vec![0u32; w.countries.len()];
    for o in &os {
        cell.add(o, &none, &none);
        match o.kind {
            OutcomeKind::Defended => {
                assert_ne!(o.defence, Defence::NotTested);
                assert!(o.territory_lost_pct > 0.0 && o.war_months >= 1);
            }
            OutcomeKind::Failed => assert!(o.territory_lost_pct > 0.0),
            _ => {
                assert_eq!(o.defence, Defence::NotTested);
                assert_eq!((o.territory_lost_pct, o.war_months), (0.0, 0));
            }
        }
    }
    let stopped: u64 = cell.stopped_by.iter().sum();
    assert_eq!(stopped, cell.count(OutcomeKind::Defended));
    assert!(cell.stopped_by[Defence::WithGuarantors.index()] > 0);
    let total: f64 = os.iter().map(|o| o.territory_lost_pct).sum();
    assert!((cell.territory_lost_pct - total).abs() < 1e-9);
}
