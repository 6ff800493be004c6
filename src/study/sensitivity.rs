//! Which parameters drive each package's rates: a Morris or Saltelli
//! design over the exploration's parameters, each point a batch on common
//! random numbers, read by elementary effects or Sobol indices.

use serde::{Deserialize, Serialize};

pub use crate::report::sensitivity::{SensitivityRow, top_drivers};

use std::path::Path;

use super::explore::{Exploration, PointStudy, Rate, Selection, recorded};
use super::outputs;
use super::plan::Input;
use super::points::PointResults;
use super::run::{Hooks, Started};
use crate::explore::{
    Design, ExploreError, Interval, MorrisDesign, Parameter, SaltelliDesign, elementary_effects,
    morris, saltelli, sobol_indices,
};
use crate::model::params::World;
use crate::report::charts::ChartOptions;
use crate::report::charts::tornado::{self, TornadoBar};
use crate::report::exploration::{ExplorationContext, ExplorationResults};
use crate::report::manifest::{ExplorationManifest, ExplorationRecord};
use crate::report::sensitivity::write_sensitivity_csv;
use crate::scenario::Merged;

/// How the parameters are sampled and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Morris elementary effects: mu* (importance) and sigma (interaction),
    /// cheap: samples x (parameters + 1) points.
    Morris,
    /// Sobol first-order and total indices with bootstrap intervals:
    /// samples x (parameters + 2) points.
    Sobol,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }

    /// Trajectories (Morris) or base points (Sobol) when none are asked for.
    pub fn default_samples(self) -> usize {
        match self {
            Method::Morris => 10,
            Method::Sobol => 64,
        }
    }
}

/// Grid levels of a Morris design (even, so every move is p/2 levels).
const MORRIS_LEVELS: usize = 4;
/// Bootstrap resamples and confidence of the Sobol intervals.
const RESAMPLES: usize = 200;
const CONFIDENCE: f64 = 0.95;

/// A sensitivity design, ready to compile and run.
pub enum SensitivityDesign {
    Morris(MorrisDesign),
    Sobol(SaltelliDesign),
}

impl SensitivityDesign {
    /// The design of `method` with `samples` trajectories or base points,
    /// drawn from `seed`.
    pub fn new(
        exploration: &Exploration,
        method: Method,
        samples: usize,
        seed: u64,
    ) -> Result<SensitivityDesign, ExploreError> {
        Ok(match method {
            Method::Morris => {
                SensitivityDesign::Morris(morris(&exploration.space, samples, MORRIS_LEVELS, seed)?)
            }
            Method::Sobol => SensitivityDesign::Sobol(saltelli(&exploration.space, samples, seed)?),
        })
    }

    pub fn design(&self) -> &Design {
        match self {
            SensitivityDesign::Morris(d) => d.design(),
            SensitivityDesign::Sobol(d) => d.design(),
        }
    }

    pub fn method(&self) -> Method {
        match self {
            SensitivityDesign::Morris(_) => Method::Morris,
            SensitivityDesign::Sobol(_) => Method::Sobol,
        }
    }
}

/// The analysis of every rate of every package under every scenario, in
/// scenario, package, rate, parameter order. A package infeasible at some
/// point has no rate there and is left out (returned by id). `progress`
/// hears (rates analysed, rates to analyse).
pub fn analyse(
    exploration: &Exploration,
    design: &SensitivityDesign,
    results: &PointResults,
    seed: u64,
    progress: &dyn Fn(u64, u64),
) -> Result<(Vec<SensitivityRow>, Vec<String>), ExploreError> {
    let plan = &exploration.points;
    let names = exploration.names();
    let mut rows = Vec::new();
    let left_out: Vec<String> = plan
        .packages
        .iter()
        .zip(&results.infeasible_at)
        .filter(|(_, n)| **n > 0)
        .map(|(p, _)| p.clone())
        .collect();
    let round = crate::report::tables::round_for_output;
    let planned =
        (plan.scenarios.len() * (plan.packages.len() - left_out.len()) * Rate::ALL.len()) as u64;
    let mut analysed = 0;
    progress(analysed, planned);
    for (s, scenario) in plan.scenarios.iter().enumerate() {
        for (p, package) in plan.packages.iter().enumerate() {
            if left_out.contains(package) {
                continue;
            }
            for rate in Rate::ALL {
                let outputs: Vec<f64> = results
                    .cells
                    .iter()
                    .map(|cells| rate.of(&cells[s * plan.packages.len() + p]).unwrap_or(0.0))
                    .collect();
                let row = |parameter: &str| SensitivityRow {
                    parameter: parameter.to_string(),
                    package: package.clone(),
                    scenario: scenario.clone(),
                    rate: rate.label().to_string(),
                    method: design.method().label().to_string(),
                    mu_star: None,
                    mu: None,
                    sigma: None,
                    s1: None,
                    s1_lower: None,
                    s1_upper: None,
                    st: None,
                    st_lower: None,
                    st_upper: None,
                };
                match design {
                    SensitivityDesign::Morris(d) => {
                        let e = elementary_effects(d, &outputs)?;
                        for (i, name) in names.iter().enumerate() {
                            rows.push(SensitivityRow {
                                mu_star: Some(round(e.mu_star[i])),
                                mu: Some(round(e.mu[i])),
                                sigma: Some(round(e.sigma[i])),
                                ..row(name)
                            });
                        }
                    }
                    SensitivityDesign::Sobol(d) => {
                        // A rate no parameter moves has no variance to
                        // share out: every index is zero.
                        let indices = match sobol_indices(d, &outputs, RESAMPLES, CONFIDENCE, seed)
                        {
                            Ok(i) => Some(i),
                            Err(ExploreError::ConstantOutput) => None,
                            Err(e) => return Err(e),
                        };
                        let zero = Interval {
                            estimate: 0.0,
                            lo: 0.0,
                            hi: 0.0,
                        };
                        for (i, name) in names.iter().enumerate() {
                            let (s1, st) = indices
                                .as_ref()
                                .map_or((zero, zero), |x| (x.first[i], x.total[i]));
                            rows.push(SensitivityRow {
                                s1: Some(round(s1.estimate)),
                                s1_lower: Some(round(s1.lo)),
                                s1_upper: Some(round(s1.hi)),
                                st: Some(round(st.estimate)),
                                st_lower: Some(round(st.lo)),
                                st_upper: Some(round(st.hi)),
                                ..row(name)
                            });
                        }
                    }
                }
                analysed += 1;
                progress(analysed, planned);
            }
        }
    }
    Ok((rows, left_out))
}

/// What a sensitivity study is asked to do.
#[derive(Debug, Clone)]
pub struct SensitivityRequest {
    pub parameters: Vec<Parameter>,
    pub selection: Selection,
    pub method: Method,
    /// Trajectories (Morris) or base points (Sobol); default per method.
    pub samples: Option<usize>,
}

/// A sensitivity study checked and compiled, ready to run.
pub struct SensitivityStudy {
    pub exploration: Exploration,
    pub design: SensitivityDesign,
    pub samples: usize,
    worlds: Vec<World>,
}

/// A finished sensitivity study whose outputs are written.
pub struct SensitivityOutcome {
    pub rows: Vec<SensitivityRow>,
    /// Packages infeasible at some point, left out of the analysis.
    pub left_out: Vec<String>,
    pub manifest: ExplorationManifest,
}

impl SensitivityStudy {
    /// Checks every parameter, id and count and compiles every point of
    /// the design, before any run.
    pub fn plan(
        merged: Merged,
        input: Input,
        request: &SensitivityRequest,
    ) -> anyhow::Result<SensitivityStudy> {
        let exploration = Exploration::new(
            merged,
            input,
            request.parameters.clone(),
            &request.selection,
        )?;
        let samples = request
            .samples
            .unwrap_or_else(|| request.method.default_samples());
        let design = SensitivityDesign::new(
            &exploration,
            request.method,
            samples,
            exploration.points.seed,
        )?;
        let (worlds, _) = exploration.compile(design.design())?;
        Ok(SensitivityStudy {
            exploration,
            design,
            samples,
            worlds,
        })
    }
}

impl PointStudy for SensitivityStudy {
    type Outcome = SensitivityOutcome;
    const COMMAND: &'static str = "sensitivity";

    fn exploration(&self) -> &Exploration {
        &self.exploration
    }

    fn worlds(&self) -> &[World] {
        &self.worlds
    }

    /// What the manifest records of the study.
    fn record(&self) -> ExplorationRecord {
        ExplorationRecord {
            method: Some(self.design.method().label().to_string()),
            samples: Some(self.samples),
            ..self.exploration.record(Self::COMMAND, self.points())
        }
    }

    /// Runs the design and writes sensitivity.csv, a tornado chart per
    /// package (unless `charts` is off) and the manifest, last. `None` when
    /// interrupted: a design is analysed whole or not at all, and nothing
    /// is written.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        out_dir: &Path,
        charts: bool,
        hooks: &Hooks<'_>,
    ) -> anyhow::Result<Option<SensitivityOutcome>> {
        let started = Started::now();
        let results = self.exploration.run(&self.worlds, pool, hooks)?;
        if results.interrupted {
            return Ok(None);
        }
        let seed = self.exploration.points.seed;
        let (rows, left_out) = analyse(
            &self.exploration,
            &self.design,
            &results,
            seed,
            hooks.analysing,
        )?;
        (hooks.writing)();
        let plan = &self.exploration.points;
        let manifest =
            self.exploration
                .manifest(self.record(), &started, pool.current_num_threads());
        write_sensitivity_csv(out_dir, &rows)?;
        if charts {
            let measure = match self.design.method() {
                Method::Morris => "Morris mu*: change in hold rate per move across the whole range",
                Method::Sobol => "total Sobol index ST of the hold rate",
            };
            for package in plan.packages.iter().filter(|p| !left_out.contains(p)) {
                let bars = rows
                    .iter()
                    .filter(|r| &r.package == package && r.rate == Rate::Hold.label())
                    .map(|r| TornadoBar {
                        label: if plan.scenarios.len() == 1 {
                            r.parameter.clone()
                        } else {
                            format!("{} ({})", r.parameter, r.scenario)
                        },
                        value: r.importance(),
                        lower: r.st_lower.unwrap_or(r.importance()),
                        upper: r.st_upper.unwrap_or(r.importance()),
                    })
                    .collect();
                tornado::write(
                    out_dir,
                    &ChartOptions::default(),
                    &manifest.run,
                    package,
                    measure,
                    bars,
                )?;
            }
            outputs::write_exploration_reports(
                &ExplorationContext {
                    manifest: &manifest,
                    results: ExplorationResults::Sensitivity {
                        rows: &rows,
                        left_out: &left_out,
                        morris_levels: MORRIS_LEVELS,
                        resamples: RESAMPLES,
                    },
                },
                out_dir,
            )?;
        }
        outputs::write_manifest(out_dir, &manifest)?;
        Ok(Some(SensitivityOutcome {
            rows,
            left_out,
            manifest,
        }))
    }
}

/// The request a sensitivity manifest recorded.
pub fn request_of(manifest: &ExplorationManifest) -> anyhow::Result<SensitivityRequest> {
    let (parameters, selection) = recorded(manifest)?;
    let method = match manifest.exploration.method.as_deref() {
        Some("morris") => Method::Morris,
        Some("sobol") => Method::Sobol,
        other => anyhow::bail!(
            "field `exploration.method` is {other:?}; expected \"morris\" or \"sobol\""
        ),
    };
    Ok(SensitivityRequest {
        parameters,
        selection,
        method,
        samples: manifest.exploration.samples,
    })
}
