//! Turning a request (command-line flags or a replayed manifest) into a
//! checked [`Plan`]: every name resolved, every count in range, before any
//! work starts.

use anyhow::bail;

use crate::batch::{
    BLOCK_RUNS, MAX_PACKAGES_PER_BATCH, MAX_RUNS_PER_CELL, MAX_SCENARIOS_PER_BATCH, Plan, Precision,
};
use crate::model::params::World;
use crate::scenario::Loaded;
use crate::scenario::suggest::did_you_mean;

/// A scenario file read for a study, with the name to show for it.
pub struct Input {
    pub loaded: Loaded,
    /// As given, or the default.
    pub shown: String,
    /// File stem, for the default output folder.
    pub stem: String,
}

/// What to run, from the command line or from a replayed manifest.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub seed: Option<u64>,
    pub runs: Option<u64>,
    pub packages: Vec<String>,
    pub scenarios: Vec<String>,
    pub reference: Option<String>,
    pub precision: Option<f64>,
    pub max_runs: Option<u64>,
    /// A manifest names its reference explicitly even when it is the default.
    pub from_manifest: bool,
}

impl Request {
    /// How the user knows a setting: a flag on the command line, a field
    /// of the replayed manifest.
    fn name(&self, flag: &'static str, field: &'static str) -> String {
        if self.from_manifest {
            format!("field `{field}`")
        } else {
            flag.to_string()
        }
    }
}

/// Smallest half-width a precision target accepts (0.01 percentage points
/// needs about 100 million runs per cell).
pub const MIN_HALF_WIDTH: f64 = 1e-4;
/// Default cap on runs with a precision target.
const DEFAULT_MAX_RUNS: u64 = 1_000_000;
/// First round of runs with a precision target when no count is given.
const PILOT_RUNS: u64 = 4 * BLOCK_RUNS;
/// Reference package for paired differences when none is named.
const DEFAULT_REFERENCE: &str = "no-guarantee";

/// A number of runs per package and scenario, or why not.
pub fn check_count(n: u64) -> Result<u64, String> {
    match n {
        0 => Err("must be at least 1".to_string()),
        n if n > MAX_RUNS_PER_CELL => Err(format!("must be at most {MAX_RUNS_PER_CELL}, got {n}")),
        n => Ok(n),
    }
}

/// A precision half-width, or why not.
pub fn check_precision(h: f64) -> Result<f64, String> {
    if (MIN_HALF_WIDTH..=0.5).contains(&h) {
        Ok(h)
    } else {
        Err(format!("half-width {h} is outside {MIN_HALF_WIDTH} to 0.5"))
    }
}

/// A precision target adds runs a block at a time, so a cap below one
/// block could not be kept; it is refused rather than silently raised.
fn check_max_runs(n: u64) -> Result<u64, String> {
    if n < BLOCK_RUNS {
        Err(format!(
            "must be at least {BLOCK_RUNS} (--precision adds runs in blocks of {BLOCK_RUNS}), got {n}"
        ))
    } else {
        Ok(n)
    }
}

/// The plan a request asks for, checked against the compiled file.
pub fn build_plan(world: &World, request: &Request) -> anyhow::Result<Plan> {
    let packages = selected_indices(&request.packages, world.packages.len(), |id| {
        package_index(world, id)
    })?;
    if packages.is_empty() {
        bail!(
            "no feasible package to simulate: every package breaks a hard constraint (see `guarantee-sim validate`)"
        );
    }
    let scenarios = selected_indices(&request.scenarios, world.scenarios.len(), |id| {
        scenario_index(world, id)
    })?;
    if scenarios.is_empty() {
        bail!("the scenario file defines no scenarios");
    }
    let selected = dedup(&scenarios).len();
    if selected > MAX_SCENARIOS_PER_BATCH {
        bail!(
            "{selected} scenarios selected, but one run simulates at most {MAX_SCENARIOS_PER_BATCH} \
             (each has its own charts and table rows); choose some with {}",
            request.name("--scenarios X,Y", "scenarios")
        );
    }
    let precision = match request.precision {
        Some(h) => {
            let half_width = check_precision(h).map_err(|e| {
                anyhow::anyhow!(
                    "{}: {e}",
                    request.name("--precision", "precision.half_width")
                )
            })?;
            let max_runs_name = request.name("--max-runs", "precision.max_runs");
            let max_runs = check_count(request.max_runs.unwrap_or(DEFAULT_MAX_RUNS))
                .and_then(check_max_runs)
                .map_err(|e| anyhow::anyhow!("{max_runs_name}: {e}"))?;
            Some(Precision {
                half_width,
                max_runs,
            })
        }
        None => None,
    };
    let runs_name = request.name("--runs", "runs_requested");
    let runs = match (request.runs, precision) {
        (Some(n), Some(p)) if n > p.max_runs => {
            bail!(
                "{runs_name} {n} is more than {} {}",
                request.name("--max-runs", "precision.max_runs"),
                p.max_runs
            )
        }
        (Some(n), _) => n,
        (None, Some(p)) => PILOT_RUNS.min(p.max_runs),
        (None, None) => world.default_runs,
    };
    let runs = check_count(runs).map_err(|e| match request.runs {
        Some(_) => anyhow::anyhow!("{runs_name}: {e}"),
        None => anyhow::anyhow!("`simulation.runs` of the scenario file: {e}"),
    })?;
    let mut plan = Plan {
        seed: request.seed.unwrap_or(world.default_seed),
        runs,
        packages: dedup(&packages),
        scenarios: dedup(&scenarios),
        reference: None,
        precision,
    };
    plan.reference = resolve_reference(
        world,
        &mut plan,
        request.reference.as_deref(),
        request.reference.is_some() && !request.from_manifest,
    )?;
    let selected = plan.packages.len();
    if selected > MAX_PACKAGES_PER_BATCH {
        bail!(
            "{selected} packages selected, but one run compares at most {MAX_PACKAGES_PER_BATCH} \
             (every pair is compared, so memory and pairs.csv grow with the square of the count); \
             choose some with {}",
            request.name("--packages A,B", "packages")
        );
    }
    Ok(plan)
}

/// Position of the reference package in the plan. A named reference is
/// added to the run if it was not selected; the default is used only when
/// it is part of the run anyway.
fn resolve_reference(
    world: &World,
    plan: &mut Plan,
    named: Option<&str>,
    add_if_missing: bool,
) -> anyhow::Result<Option<usize>> {
    let (name, explicit) = match named {
        Some(n) => (n, true),
        None => (DEFAULT_REFERENCE, false),
    };
    let index = match package_index(world, name) {
        Ok(i) => i,
        Err(e) if explicit => return Err(e.context("--reference")),
        Err(_) => return Ok(None),
    };
    if let Some(pos) = plan.packages.iter().position(|&p| p == index) {
        return Ok(Some(pos));
    }
    if add_if_missing {
        plan.packages.push(index);
        return Ok(Some(plan.packages.len() - 1));
    }
    Ok(None)
}

/// Index of a feasible package, or an error that says why not: infeasible
/// (with the constraint), or unknown (with the closest name).
pub fn package_index(world: &World, name: &str) -> anyhow::Result<usize> {
    if let Some(i) = world.package_index(name) {
        return Ok(i);
    }
    if let Some(p) = world.infeasible.iter().find(|p| p.id == name) {
        bail!(
            "package `{name}` is infeasible and is never simulated: {}",
            crate::scenario::infeasible_reasons(p)
        );
    }
    let mut known: Vec<&str> = world.packages.iter().map(|p| p.id.as_str()).collect();
    known.extend(world.infeasible.iter().map(|p| p.id.as_str()));
    bail!("{}", unknown("package", name, &known));
}

/// Index of a scenario, or an error with the closest name.
pub fn scenario_index(world: &World, name: &str) -> anyhow::Result<usize> {
    if let Some(i) = world.scenario_index(name) {
        return Ok(i);
    }
    let known: Vec<&str> = world.scenarios.iter().map(|s| s.id.as_str()).collect();
    bail!("{}", unknown("scenario", name, &known));
}

fn unknown(what: &str, name: &str, known: &[&str]) -> String {
    let hint = match did_you_mean(name, known) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    format!(
        "unknown {what} `{name}`; {hint}the file has: {}",
        known.join(", ")
    )
}

/// The items in their first order, each once (a name given twice on the
/// command line is run once).
pub fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for &item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The positions of the ids `named` (trimmed), found by `index`, or all
/// `count` when none is named.
fn selected_indices(
    named: &[String],
    count: usize,
    index: impl Fn(&str) -> anyhow::Result<usize>,
) -> anyhow::Result<Vec<usize>> {
    if named.is_empty() {
        return Ok((0..count).collect());
    }
    named.iter().map(|id| index(id.trim())).collect()
}

/// The ids named on the command line (checked against the file, each
/// once), or all of them.
pub fn selected_ids(
    named: &[String],
    all: impl FnOnce() -> Vec<String>,
    check: impl Fn(&str) -> anyhow::Result<usize>,
) -> anyhow::Result<Vec<String>> {
    if named.is_empty() {
        return Ok(all());
    }
    let mut ids = Vec::with_capacity(named.len());
    for id in named {
        check(id.trim())?;
        ids.push(id.trim().to_string());
    }
    Ok(dedup(&ids.iter().map(String::as_str).collect::<Vec<_>>())
        .into_iter()
        .map(str::to_string)
        .collect())
}
