//! Checks and compiles `[[patterns]]` into [`Pattern`]s: every package,
//! scenario and component name resolved, every target range checked,
//! each problem reported at its place.

use super::Ctx;
use super::format::{AmongSpec, MeasureSpec, PatternSpec, RateOfSpec, VariantSpec};
use super::items::Parsed;
use super::suggest::did_you_mean;
use super::tree::Node;
use crate::model::params::World;
use crate::model::patterns::{Among, Component, Measure, Pattern, RateOf, Variant};

/// Package that removed components fall back to when a pattern names none.
pub const DEFAULT_BASELINE: &str = "no-guarantee";

fn at<'a>(n: &'a Node, key: &str) -> &'a Node {
    n.get(key).unwrap_or(n)
}

fn ids_help(name: &str, ids: &[&str], what: &str) -> String {
    match did_you_mean(name, ids) {
        Some(s) => format!("did you mean `{s}`? {what}: {}", ids.join(", ")),
        None => format!("{what}: {}", ids.join(", ")),
    }
}

/// Index of a feasible package, or an error at `node`.
fn package(ctx: &mut Ctx, world: &World, id: &str, node: &Node, what: &str) -> Option<usize> {
    if let Some(i) = world.package_index(id) {
        return Some(i);
    }
    if world.infeasible.iter().any(|p| p.id == id) {
        // A what-if may make a package infeasible on purpose; its
        // patterns are skipped, not an error.
        ctx.warn_at_node(
            node,
            format!(
                "{what} is skipped: package `{id}` is infeasible (it breaks a hard constraint), so it is never run"
            ),
            "infeasible package",
            "name a feasible package (`guarantee-sim list` shows them)",
        );
        return None;
    }
    let ids: Vec<&str> = world.packages.iter().map(|p| p.id.as_str()).collect();
    ctx.error_at_node(
        node,
        format!("{what}: unknown package `{id}`"),
        "not a package of the file",
        ids_help(id, &ids, "packages"),
    );
    None
}

fn components(
    ctx: &mut Ctx,
    world: &World,
    names: &[String],
    node: &Node,
    what: &str,
) -> Option<Vec<Component>> {
    let elems = node.as_array().unwrap_or(&[]);
    let mut out = Vec::new();
    let mut ok = true;
    for (i, name) in names.iter().enumerate() {
        let n = elems.get(i).unwrap_or(node);
        match Component::parse(name, &world.countries) {
            Ok(c) => out.push(c),
            Err(msg) => {
                ctx.error_at_node(
                    n,
                    format!("{what}: {msg}"),
                    "not a component",
                    "see `guarantee-sim decompose --help` for the components",
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn force_troops(ctx: &mut Ctx, v: Option<f64>, node: &Node, what: &str) -> Option<Option<f64>> {
    match v {
        Some(t) if !(t.is_finite() && t >= 0.0) => {
            ctx.error_at_node(
                node,
                format!("{what}: `force_troops` must be a number of troops, 0 or more, found {t}"),
                "not a troop number",
                "e.g. force_troops = 1500 for a token force",
            );
            None
        }
        v => Some(v),
    }
}

fn variant(
    ctx: &mut Ctx,
    world: &World,
    spec: &VariantSpec,
    node: &Node,
    baseline: Option<usize>,
    what: &str,
) -> Option<Variant> {
    let p = package(ctx, world, &spec.package, at(node, "package"), what);
    let w = components(ctx, world, &spec.without, at(node, "without"), what);
    let f = force_troops(ctx, spec.force_troops, at(node, "force_troops"), what);
    Some(Variant {
        package: p?,
        without: w?,
        force_troops: f?,
        baseline,
    })
}

/// Compiles every pattern; `None` entries had errors (already reported).
pub(crate) fn compile(ctx: &mut Ctx, p: &Parsed<'_>, world: &World) -> Vec<Pattern> {
    let mut out = Vec::new();
    for (spec, node) in p.spec.patterns.iter().zip(&p.patterns) {
        if let Some(pattern) = compile_one(ctx, spec, node, world) {
            out.push(pattern);
        }
    }
    out
}

fn compile_one(ctx: &mut Ctx, spec: &PatternSpec, node: &Node, world: &World) -> Option<Pattern> {
    let what = format!("pattern `{}`", spec.id);
    let before = ctx.errors;
    let baseline = match &spec.baseline {
        Some(b) => package(ctx, world, b, at(node, "baseline"), &what),
        None => world.package_index(DEFAULT_BASELINE),
    };
    let subject = variant(
        ctx,
        world,
        &VariantSpec {
            package: spec.package.clone(),
            without: spec.without.clone(),
            force_troops: spec.force_troops,
        },
        node,
        baseline,
        &what,
    );
    let vnode = at(node, "versus");
    let versus = spec
        .versus
        .as_ref()
        .and_then(|v| variant(ctx, world, v, vnode, baseline, &format!("{what}: `versus`")));
    let mut scenarios = Vec::new();
    let snode = at(node, "scenarios");
    let elems = snode.as_array().unwrap_or(&[]);
    for (i, s) in spec.scenarios.iter().enumerate() {
        match world.scenario_index(s) {
            Some(ix) => scenarios.push(ix),
            None => {
                let ids: Vec<&str> = world.scenarios.iter().map(|s| s.id.as_str()).collect();
                ctx.error_at_node(
                    elems.get(i).unwrap_or(snode),
                    format!("{what}: unknown scenario `{s}`"),
                    "not a scenario of the file",
                    ids_help(s, &ids, "scenarios"),
                );
            }
        }
    }
    if spec.scenarios.is_empty() {
        scenarios = (0..world.scenarios.len()).collect();
    }
    let (lo, hi) = (spec.target[0], spec.target[1]);
    let tnode = at(node, "target");
    if !(lo.is_finite() && hi.is_finite()) {
        ctx.error_at_node(
            tnode,
            format!("{what}: the target range must be two numbers"),
            "not finite",
            "write target = [lower, upper]",
        );
    } else if lo > hi {
        ctx.error_at_node(
            tnode,
            format!("{what}: the target range's lower bound {lo} is above its upper bound {hi}"),
            "lower above upper",
            format!("write target = [{hi}, {lo}]"),
        );
    }
    let needs = |ctx: &mut Ctx, field: &str, ok: bool, help: &str| {
        if !ok {
            ctx.error_at_node(
                at(node, "measure"),
                format!(
                    "{what}: measure `{}` needs `{field}`",
                    measure_name(spec.measure)
                ),
                format!("add `{field}`"),
                help.to_string(),
            );
        }
    };
    let of = spec.of.map(|o| match o {
        RateOfSpec::Hold => RateOf::Hold,
        RateOfSpec::Deterrence => RateOf::Deterrence,
        RateOfSpec::MajorOffensive => RateOf::MajorOffensive,
        RateOfSpec::Erosion => RateOf::Erosion,
        RateOfSpec::Rejected => RateOf::Rejected,
    });
    let of_help = "of = \"hold\", \"deterrence\", \"major-offensive\", \"erosion\" or \"rejected\"";
    let versus_help = "versus = { package = \"...\", without = [\"force\"] }";
    let horizon = i64::from(world.horizon_months);
    let window = |ctx: &mut Ctx,
                  v: Option<[i64; 2]>,
                  default: (i64, i64),
                  key: &str|
     -> (u32, u32) {
        let (a, b) = v.map_or(default, |w| (w[0], w[1]));
        if !(1 <= a && a <= b && b <= horizon) {
            ctx.error_at_node(
                at(node, key),
                format!("{what}: `{key}` must be [first, last] months with 1 <= first <= last <= {horizon} (the horizon), found [{a}, {b}]"),
                "not a window of months",
                format!("e.g. {key} = [1, 12]"),
            );
        }
        (
            a.clamp(1, horizon.max(1)) as u32,
            b.clamp(1, horizon.max(1)) as u32,
        )
    };
    let measure = match spec.measure {
        MeasureSpec::Rate => {
            needs(ctx, "of", of.is_some(), of_help);
            Measure::Rate {
                of: of.unwrap_or(RateOf::Hold),
                among: match spec.among {
                    Some(AmongSpec::Accepted) => Among::Accepted,
                    _ => Among::All,
                },
            }
        }
        MeasureSpec::HonourRate => Measure::HonourRate,
        MeasureSpec::HazardRatio => {
            needs(ctx, "versus", spec.versus.is_some(), versus_help);
            Measure::HazardRatio
        }
        MeasureSpec::Difference => {
            needs(ctx, "of", of.is_some(), of_help);
            needs(ctx, "versus", spec.versus.is_some(), versus_help);
            Measure::Difference {
                of: of.unwrap_or(RateOf::Hold),
            }
        }
        MeasureSpec::HazardTrend => {
            let early = window(ctx, spec.early, (1, 12.min(horizon)), "early");
            let late = window(ctx, spec.late, ((horizon - 11).max(1), horizon), "late");
            Measure::HazardTrend { early, late }
        }
    };
    if spec.versus.is_some()
        && !matches!(
            spec.measure,
            MeasureSpec::HazardRatio | MeasureSpec::Difference
        )
    {
        ctx.error_at_node(
            vnode,
            format!(
                "{what}: measure `{}` compares nothing, so `versus` is not used",
                measure_name(spec.measure)
            ),
            "not used",
            "remove `versus`, or use measure = \"hazard-ratio\" or \"difference\"",
        );
    }
    if ctx.errors > before {
        return None;
    }
    Some(Pattern {
        id: spec.id.clone(),
        name: spec.name.clone().unwrap_or_else(|| spec.id.clone()),
        measure,
        package: subject?,
        versus,
        scenarios,
        target: (lo, hi),
        source: spec.source.clone(),
        location: ctx.file_line(node.file, &node.span),
        known_miss: spec.known_miss.clone(),
    })
}

fn measure_name(m: MeasureSpec) -> &'static str {
    match m {
        MeasureSpec::Rate => "rate",
        MeasureSpec::HonourRate => "honour-rate",
        MeasureSpec::HazardRatio => "hazard-ratio",
        MeasureSpec::HazardTrend => "hazard-trend",
        MeasureSpec::Difference => "difference",
    }
}
