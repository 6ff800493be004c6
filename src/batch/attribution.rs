//! What each part of a package and each scripted event is worth: paired
//! counterfactual runs on common random numbers.
//!
//! [`decompose`] runs a package, its baseline, the package without each of
//! its components, and the package built up from the baseline one component
//! at a time (a waterfall whose steps add up to the whole). [`event_effects`]
//! runs every scenario with scripted events with and without each event.
//! Both merge fixed blocks in run-index order, so results are the same
//! bytes for any thread count.

use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::stats::{Estimate, PairedSums};
use super::{BLOCK_RUNS, BatchResult, Control, Plan, run_batch};
use crate::model::params::{Package, World};
use crate::model::patterns::{Component, components_of, compose, without};
use crate::model::{NoTrace, RunKey, Workspace, simulate_without_events};

/// A paired difference in the two rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    pub deterrence: Estimate,
    pub hold: Estimate,
}

impl Effect {
    /// A package against itself: exactly 0, with a zero-width interval.
    pub const NONE: Effect = Effect {
        deterrence: Estimate {
            value: 0.0,
            lower: 0.0,
            upper: 0.0,
        },
        hold: Estimate {
            value: 0.0,
            lower: 0.0,
            upper: 0.0,
        },
    };

    fn from_sums(deterrence: &PairedSums, hold: &PairedSums) -> Option<Effect> {
        Some(Effect {
            deterrence: deterrence.estimate()?,
            hold: hold.estimate()?,
        })
    }
}

/// How a component's effect was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectKind {
    /// The package minus the package without the component.
    Removal,
    /// Adding the component to the package built so far (waterfall step).
    Step,
}

impl EffectKind {
    pub fn name(self) -> &'static str {
        match self {
            EffectKind::Removal => "removal",
            EffectKind::Step => "waterfall",
        }
    }
}

/// One component's effect under one scenario. Effects are "with minus
/// without": positive when the component raises the rate.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentEffect {
    /// Index into `World::scenarios`.
    pub scenario: usize,
    pub component: Component,
    pub kind: EffectKind,
    pub effect: Effect,
    /// Rates of the package the step starts from, and ends at (for
    /// removals: without the component, and the whole package).
    pub from: (f64, f64),
    pub to: (f64, f64),
}

/// A package's decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Decomposition {
    /// Index into `World::packages`.
    pub package: usize,
    /// Id of the baseline package ("bare" when the file has none).
    pub baseline: String,
    pub runs: u64,
    pub components: Vec<Component>,
    pub rows: Vec<ComponentEffect>,
    /// Per scenario (same order as requested): the package minus the
    /// baseline.
    pub whole: Vec<(usize, Effect)>,
    pub interrupted: bool,
}

/// Runs the decomposition of `world.packages[package]` against
/// `baseline` under `scenarios` (indices), `runs` runs each with `seed`.
pub fn decompose(
    world: &World,
    package: usize,
    baseline: &Package,
    scenarios: &[usize],
    seed: u64,
    runs: u64,
    control: &Control<'_>,
) -> Decomposition {
    let pkg = &world.packages[package];
    let components = components_of(pkg, baseline);
    let main: Vec<Component> = components
        .iter()
        .copied()
        .filter(|c| !matches!(c, Component::Contributor(_)))
        .collect();
    // Packages: 0 the package, 1 the baseline, then one without each
    // component, then the waterfall's intermediate steps.
    let mut variants: Vec<Package> = vec![pkg.clone(), baseline.clone()];
    let mut removal_pos = Vec::new();
    for &c in &components {
        let v = without(pkg, baseline, &[c]);
        // A variant identical to the package is the package compared with
        // itself: no need to run it.
        if same_terms(&v, pkg) {
            removal_pos.push(None);
        } else {
            removal_pos.push(Some(variants.len()));
            variants.push(v);
        }
    }
    // Step k goes from `steps[k]` to `steps[k + 1]`.
    let mut steps = vec![1usize];
    for k in 1..main.len() {
        let added = &main[..k];
        let v = compose(pkg, baseline, |c| {
            added.contains(&c)
                || (matches!(c, Component::Contributor(_)) && added.contains(&Component::Force))
        });
        steps.push(variants.len());
        variants.push(v);
    }
    steps.push(0);

    let mut sub = world.clone();
    sub.packages = variants;
    let plan = Plan {
        seed,
        runs,
        packages: (0..sub.packages.len()).collect(),
        scenarios: scenarios.to_vec(),
        reference: None,
        precision: None,
    };
    let quiet = Control {
        cancel: control.cancel,
        progress: control.progress,
        per_run: false,
    };
    let result: BatchResult = match run_batch(&sub, &plan, &quiet, |_| Ok::<(), ()>(())) {
        Ok(r) => r,
        Err(()) => unreachable!("the record sink never fails"),
    };
    let rates = |s: usize, p: usize| {
        let c = result.cell(s, p);
        let n = c.runs.max(1) as f64;
        (
            c.count(crate::model::OutcomeKind::Held) as f64 / n,
            c.holds() as f64 / n,
        )
    };
    let effect = |s: usize, with: usize, wo: usize| -> Effect {
        if with == wo || same_terms(&sub.packages[with], &sub.packages[wo]) {
            return Effect::NONE;
        }
        Effect::from_sums(
            &result.pair_deterrence(s, with, wo),
            &result.pair(s, with, wo),
        )
        .unwrap_or(Effect::NONE)
    };
    let mut rows = Vec::new();
    let mut whole = Vec::new();
    for (s_pos, &s) in scenarios.iter().enumerate() {
        whole.push((s, effect(s_pos, 0, 1)));
        for (&c, pos) in components.iter().zip(&removal_pos) {
            let wo = pos.unwrap_or(0);
            rows.push(ComponentEffect {
                scenario: s,
                component: c,
                kind: EffectKind::Removal,
                effect: effect(s_pos, 0, wo),
                from: rates(s_pos, wo),
                to: rates(s_pos, 0),
            });
        }
        for (k, &c) in main.iter().enumerate() {
            let (a, b) = (steps[k], steps[k + 1]);
            rows.push(ComponentEffect {
                scenario: s,
                component: c,
                kind: EffectKind::Step,
                effect: effect(s_pos, b, a),
                from: rates(s_pos, a),
                to: rates(s_pos, b),
            });
        }
    }
    Decomposition {
        package,
        baseline: baseline.id.clone(),
        runs: result.cells.iter().map(|c| c.runs).min().unwrap_or(0),
        components,
        rows,
        whole,
        interrupted: result.completion == super::Completion::Interrupted,
    }
}

/// Whether two packages have the same terms (ids and names aside).
fn same_terms(a: &Package, b: &Package) -> bool {
    let mut b = b.clone();
    b.id = a.id.clone();
    b.name = a.name.clone();
    *a == b
}

/// What one scripted event does to one package under one scenario: the
/// scenario as written minus the scenario without the event, on the same
/// runs.
#[derive(Debug, Clone, PartialEq)]
pub struct EventEffect {
    /// Index into `World::scenarios`.
    pub scenario: usize,
    /// Index into the scenario's events.
    pub event: usize,
    /// Index into `World::packages`.
    pub package: usize,
    pub runs: u64,
    pub effect: Effect,
}

/// Runs every scenario of `plan` that scripts events, for every package of
/// the plan, with and without each event, on runs `0..runs` (paired).
/// Returns nothing when cancelled.
pub fn event_effects(
    world: &World,
    plan: &Plan,
    control: &Control<'_>,
    runs: u64,
) -> Vec<EventEffect> {
    let with_events: Vec<usize> = plan
        .scenarios
        .iter()
        .copied()
        .filter(|&s| !world.scenarios[s].events.is_empty())
        .collect();
    if with_events.is_empty() || runs == 0 {
        return Vec::new();
    }
    // Blocks: (scenario, first run, end run), merged in this order.
    let mut blocks = Vec::new();
    for &s in &with_events {
        let mut first = 0;
        while first < runs {
            let end = (first + BLOCK_RUNS).min(runs);
            blocks.push((s, first, end));
            first = end;
        }
    }
    let n_packages = plan.packages.len();
    let outputs: Vec<Option<Vec<(PairedSums, PairedSums)>>> = blocks
        .par_iter()
        .map_init(
            || Workspace::new(world),
            |ws, &(s, first, end)| {
                if control.cancel.load(Ordering::SeqCst) {
                    return None;
                }
                let scenario = &world.scenarios[s];
                let n_events = scenario.events.len();
                let mut sums =
                    vec![(PairedSums::default(), PairedSums::default()); n_events * n_packages];
                let mut removed = vec![false; n_events];
                for run_index in first..end {
                    for (pos, &p) in plan.packages.iter().enumerate() {
                        let key = RunKey {
                            world,
                            package: &world.packages[p],
                            scenario,
                            seed: plan.seed,
                            run_index,
                        };
                        let full = simulate_without_events(key, &[], ws, &mut NoTrace).kind;
                        for e in 0..n_events {
                            removed.iter_mut().for_each(|r| *r = false);
                            removed[e] = true;
                            let cf = simulate_without_events(key, &removed, ws, &mut NoTrace).kind;
                            let slot = &mut sums[e * n_packages + pos];
                            slot.0.add(full.deters(), cf.deters());
                            slot.1.add(full.holds(), cf.holds());
                        }
                    }
                }
                Some(sums)
            },
        )
        .collect();
    if outputs.iter().any(Option::is_none) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &s in &with_events {
        let n_events = world.scenarios[s].events.len();
        let mut total = vec![(PairedSums::default(), PairedSums::default()); n_events * n_packages];
        for (block, output) in blocks.iter().zip(&outputs) {
            if block.0 != s {
                continue;
            }
            for (t, o) in total.iter_mut().zip(output.iter().flatten()) {
                t.0.merge(&o.0);
                t.1.merge(&o.1);
            }
        }
        for e in 0..n_events {
            for (pos, &p) in plan.packages.iter().enumerate() {
                let (d, h) = &total[e * n_packages + pos];
                out.push(EventEffect {
                    scenario: s,
                    event: e,
                    package: p,
                    runs: h.n,
                    effect: Effect::from_sums(d, h).unwrap_or(Effect::NONE),
                });
            }
        }
    }
    out
}
