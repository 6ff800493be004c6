//! What the report of an exploration (`sweep`, `sensitivity`, `discover`)
//! says, built once from its results as a [`Document`] that
//! [`exploration_html`](super::exploration_html) and
//! [`exploration_md`](super::exploration_md) only lay out: what was
//! varied and how, the command that replays it, the key results as
//! sentences, the tables, the charts and the files of the folder.

use std::path::Path;

use super::charts::{self, CHARTS_DIR, ChartFormat};
use super::discovery::{DISCOVERY_CSV, DiscoveryRow};
use super::manifest::{ExplorationManifest, MANIFEST_JSON, RunStatus};
use super::sensitivity::{HOLD_RATE, SENSITIVITY_CSV, SensitivityRow, top_drivers};
use super::sweep::{Crossover, SWEEP_CSV, SweepRow, best_package};
use super::{exploration_html::EXPLORATION_HTML, exploration_md::EXPLORATION_MD, readings};
use crate::batch::stats::Estimate;

/// What an exploration's report formats read.
pub struct ExplorationContext<'a> {
    pub manifest: &'a ExplorationManifest,
    pub results: ExplorationResults<'a>,
}

/// The results of one exploration command.
pub enum ExplorationResults<'a> {
    Sweep {
        /// The parameters' paths, in the grid's order.
        names: &'a [String],
        rows: &'a [SweepRow],
        crossovers: &'a [Crossover],
    },
    Sensitivity {
        rows: &'a [SensitivityRow],
        /// Packages infeasible at some point, left out of the analysis.
        left_out: &'a [String],
        /// Grid levels of a Morris design; bootstrap resamples of Sobol's.
        morris_levels: usize,
        resamples: usize,
    },
    Discover {
        rows: &'a [DiscoveryRow],
        /// The inputs PRIM searched: the parameters, then what runs drew.
        inputs: &'a [String],
        runs: usize,
        failures: usize,
        nothing_found: Option<&'a str>,
    },
}

/// Drivers named per package in the key results and the terminal.
pub const TOP_DRIVERS: usize = 3;

/// A box is called stable when at least this share of the bootstrap
/// resamples found a box on exactly the same inputs.
pub const STABLE_SHARE: f64 = 0.8;

/// The report, independent of its layout. Text may hold `code` spans
/// in backticks, which each format shows as code.
pub struct Document {
    pub title: String,
    /// Said at the very top when the exploration was interrupted.
    pub partial: Option<String>,
    pub notice: &'static str,
    pub lead: String,
    pub sections: Vec<Section>,
}

pub struct Section {
    pub id: &'static str,
    pub heading: String,
    pub blocks: Vec<Block>,
}

pub enum Block {
    Paragraph(String),
    /// A command to copy as it is.
    Command(String),
    List(Vec<String>),
    Table(Table),
    Chart(ChartRef),
}

pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns that hold names (left-aligned); the rest are numbers.
    pub name_columns: std::ops::Range<usize>,
}

/// A chart drawn into `charts/<stem>.<png|svg>`.
pub struct ChartRef {
    pub stem: String,
    pub heading: String,
    pub caption: String,
}

impl ChartRef {
    /// The chart's file in `format`, relative to the folder.
    pub fn file(&self, format: ChartFormat) -> String {
        format!("{CHARTS_DIR}/{}.{}", self.stem, format.extension())
    }
}

/// A percentage with one decimal.
fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

/// A rate with its 95% interval, as percentages.
fn rate_with_interval(e: &Option<Estimate>) -> String {
    match e {
        Some(e) => format!(
            "{} ({} to {})",
            percent(e.value),
            percent(e.lower),
            percent(e.upper)
        ),
        None => "not run (infeasible)".to_string(),
    }
}

/// A lead in percentage points with its interval and whether it is
/// beyond the noise of the runs.
fn lead(e: &Option<Estimate>) -> String {
    match e {
        Some(e) => {
            let verdict = if e.lower <= 0.0 && e.upper >= 0.0 {
                "within noise: the interval holds 0"
            } else {
                "beyond noise"
            };
            format!(
                "{:.1} points (95% interval {:.1} to {:.1}; {verdict})",
                100.0 * e.value,
                100.0 * e.lower,
                100.0 * e.upper
            )
        }
        None => "an unknown margin (a package was not run there)".to_string(),
    }
}

/// A number as the CSV files write it, trimmed for reading.
fn number(x: f64) -> String {
    let text = format!("{x:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

fn optional(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

/// "a, b and c".
fn joined(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl ExplorationContext<'_> {
    fn command(&self) -> &str {
        &self.manifest.exploration.command
    }

    /// The report: every sentence, table and chart, in order.
    pub fn document(&self) -> Document {
        let (run, exploration) = (&self.manifest.run, &self.manifest.exploration);
        let title = if run.title.is_empty() {
            "guarantee-sim".to_string()
        } else {
            run.title.clone()
        };
        let partial = (run.status == RunStatus::Partial).then(|| match exploration.points_completed {
            Some(done) => format!(
                "PARTIAL EXPLORATION: interrupted after {done} of {} points; the key results, tables and charts below cover only those points.",
                exploration.points
            ),
            None => format!(
                "PARTIAL EXPLORATION: interrupted after {} of {} runs per point; the results below rest on fewer runs than planned.",
                run.runs_completed, run.runs_requested
            ),
        });
        let lead = format!(
            "A {} of scenario file `{}`: {} point(s), {} runs of each package under each scenario at every point, seed {}, guarantee-sim {}.",
            self.command(),
            run.scenario_file,
            exploration.points,
            run.runs_completed,
            run.seed,
            run.version
        );
        let charts = self.charts();
        let mut sections = vec![
            self.explored(),
            self.replay(),
            Section {
                id: "results",
                heading: "Key results".to_string(),
                blocks: self.key_results(),
            },
            Section {
                id: "tables",
                heading: "Tables".to_string(),
                blocks: self.tables(),
            },
        ];
        if !charts.is_empty() {
            sections.push(Section {
                id: "charts",
                heading: "Charts".to_string(),
                blocks: charts.into_iter().map(Block::Chart).collect(),
            });
        }
        sections.push(self.files());
        sections.push(self.provenance());
        Document {
            title: format!("{title} — {}", self.command()),
            partial,
            notice: readings::NOTICE,
            lead,
            sections,
        }
    }

    /// What was varied, the design, and what every point runs.
    fn explored(&self) -> Section {
        let (run, exploration) = (&self.manifest.run, &self.manifest.exploration);
        let parameters: Vec<String> = exploration
            .parameters
            .iter()
            .map(|p| match p.steps {
                Some(steps) => format!(
                    "`{}`: from {} to {} in {steps} evenly spaced values",
                    p.path,
                    number(p.lo),
                    number(p.hi)
                ),
                None => format!("`{}`: from {} to {}", p.path, number(p.lo), number(p.hi)),
            })
            .collect();
        let samples = exploration.samples.unwrap_or_default();
        let design = match &self.results {
            ExplorationResults::Sweep { .. } => format!(
                "Design: a full grid, every combination of the values above: {} points.",
                exploration.points
            ),
            ExplorationResults::Sensitivity {
                morris_levels,
                resamples,
                ..
            } => match exploration.method.as_deref() {
                Some("sobol") => format!(
                    "Design: Sobol indices on a Saltelli sample of {samples} base points, {} points in all (base points x (parameters + 2)); S1 is the share of the rate's variance a parameter explains alone, ST with its interactions; 95% intervals from {resamples} bootstrap resamples.",
                    exploration.points
                ),
                _ => format!(
                    "Design: Morris elementary effects on {samples} trajectories over a grid of {morris_levels} levels, {} points in all (trajectories x (parameters + 1)); mu* is the mean size of a parameter's effect per move across its whole range, sigma how much that effect changes with the other parameters (interactions or curvature).",
                    exploration.points
                ),
            },
            ExplorationResults::Discover { inputs, .. } => format!(
                "Design: a Latin hypercube sample of {} points; every run of package `{}` is one sample, and PRIM (the patient rule induction method) searches {} input(s) for boxes where the package fails (does not hold): the parameters above and what each run drew.",
                exploration.points,
                exploration.package.as_deref().unwrap_or_default(),
                inputs.len()
            ),
        };
        let ids =
            |ids: &[String]| joined(&ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>());
        Section {
            id: "explored",
            heading: "What was explored".to_string(),
            blocks: vec![
                Block::Paragraph(format!(
                    "{} parameter(s) of the scenario file were varied:",
                    exploration.parameters.len()
                )),
                Block::List(parameters),
                Block::Paragraph(design),
                Block::Paragraph(format!(
                    "Runs per point: {} of each package under each scenario, seed {}. Every point runs the same seed, so differences between points and between packages are paired (common random numbers). Packages: {}. Scenarios: {}.",
                    run.runs_completed,
                    run.seed,
                    ids(&run.packages),
                    ids(&run.scenarios)
                )),
            ],
        }
    }

    fn replay(&self) -> Section {
        Section {
            id: "replay",
            heading: "Replay".to_string(),
            blocks: vec![
                Block::Paragraph(format!(
                    "From this folder, this command runs the same {} again into `replayed/`; with guarantee-sim {} it writes the same bytes, whatever the number of threads:",
                    self.command(),
                    self.manifest.run.version
                )),
                Block::Command(format!(
                    "guarantee-sim {} --replay {MANIFEST_JSON} --out replayed",
                    self.command()
                )),
            ],
        }
    }

    fn key_results(&self) -> Vec<Block> {
        match &self.results {
            ExplorationResults::Sweep {
                names,
                rows,
                crossovers,
            } => sweep_results(names, rows, crossovers),
            ExplorationResults::Sensitivity { rows, left_out, .. } => {
                sensitivity_results(&self.manifest.run.packages, rows, left_out)
            }
            ExplorationResults::Discover {
                rows,
                runs,
                failures,
                nothing_found,
                ..
            } => discover_results(
                self.manifest
                    .exploration
                    .package
                    .as_deref()
                    .unwrap_or_default(),
                rows,
                *runs,
                *failures,
                *nothing_found,
            ),
        }
    }

    fn tables(&self) -> Vec<Block> {
        match &self.results {
            ExplorationResults::Sweep { names, rows, .. } => {
                let mut header: Vec<String> = names.to_vec();
                header.extend(
                    [
                        "package",
                        "scenario",
                        "runs",
                        "hold rate (95% interval)",
                        "deterrence rate (95% interval)",
                    ]
                    .map(str::to_string),
                );
                vec![Block::Table(Table {
                    caption: format!(
                        "Every point, package and scenario ({SWEEP_CSV} has the same rows with more digits)."
                    ),
                    header,
                    rows: rows
                        .iter()
                        .map(|r| {
                            let mut cells: Vec<String> =
                                r.values.iter().map(|v| number(*v)).collect();
                            cells.extend([
                                r.package.clone(),
                                r.scenario.clone(),
                                r.runs.to_string(),
                                rate_with_interval(&r.hold_rate),
                                rate_with_interval(&r.deterrence_rate),
                            ]);
                            cells
                        })
                        .collect(),
                    name_columns: names.len()..names.len() + 2,
                })]
            }
            ExplorationResults::Sensitivity { rows, .. } => {
                let sobol = rows.iter().any(|r| r.st.is_some());
                let header: Vec<String> = if sobol {
                    vec![
                        "parameter",
                        "package",
                        "scenario",
                        "rate",
                        "S1",
                        "S1 95% interval",
                        "ST",
                        "ST 95% interval",
                    ]
                } else {
                    vec![
                        "parameter",
                        "package",
                        "scenario",
                        "rate",
                        "mu*",
                        "mu",
                        "sigma",
                    ]
                }
                .into_iter()
                .map(str::to_string)
                .collect();
                let interval = |lo: Option<f64>, hi: Option<f64>| {
                    format!("{} to {}", optional(lo), optional(hi))
                };
                vec![Block::Table(Table {
                    caption: format!(
                        "Each parameter's effect on each rate of each package under each scenario, as in {SENSITIVITY_CSV}."
                    ),
                    header,
                    rows: rows
                        .iter()
                        .map(|r| {
                            let mut cells = vec![
                                r.parameter.clone(),
                                r.package.clone(),
                                r.scenario.clone(),
                                r.rate.clone(),
                            ];
                            if sobol {
                                cells.extend([
                                    optional(r.s1),
                                    interval(r.s1_lower, r.s1_upper),
                                    optional(r.st),
                                    interval(r.st_lower, r.st_upper),
                                ]);
                            } else {
                                cells.extend([
                                    optional(r.mu_star),
                                    optional(r.mu),
                                    optional(r.sigma),
                                ]);
                            }
                            cells
                        })
                        .collect(),
                    name_columns: 0..4,
                })]
            }
            ExplorationResults::Discover { rows, .. } => vec![Block::Table(Table {
                caption: format!(
                    "The boxes, as in {DISCOVERY_CSV}; box 2 and later are searched among the runs no earlier box holds."
                ),
                header: [
                    "box",
                    "rule",
                    "coverage",
                    "density",
                    "mass",
                    "runs searched",
                    "failures",
                    "resamples with a box",
                    "same inputs",
                ]
                .map(str::to_string)
                .to_vec(),
                rows: rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.r#box.to_string(),
                            r.rule.clone(),
                            percent(r.coverage),
                            percent(r.density),
                            percent(r.mass),
                            r.runs.to_string(),
                            r.failures.to_string(),
                            format!("{} of {}", r.stability_found, r.stability_resamples),
                            percent(r.stability_same_inputs),
                        ]
                    })
                    .collect(),
                name_columns: 1..2,
            })],
        }
    }

    /// The charts the command draws, in the order it draws them.
    pub fn charts(&self) -> Vec<ChartRef> {
        let run = &self.manifest.run;
        match &self.results {
            ExplorationResults::Sweep {
                names, crossovers, ..
            } => {
                let mut charts = Vec::new();
                for scenario in &run.scenarios {
                    let changes = crossovers
                        .iter()
                        .filter(|c| &c.scenario == scenario)
                        .count();
                    let reading = match changes {
                        0 => "The package on top is the same at every point.".to_string(),
                        1 => "The package on top changes once along the first parameter (see the key results).".to_string(),
                        n => format!("The package on top changes {n} times along the first parameter (see the key results)."),
                    };
                    if names.len() == 1 {
                        charts.push(ChartRef {
                            stem: charts::sweep::stem(scenario, None),
                            heading: format!("Hold rate against {}: {scenario}", names[0]),
                            caption: format!(
                                "One line per package, its 95% interval as a band. {reading}"
                            ),
                        });
                    } else {
                        for package in &run.packages {
                            charts.push(ChartRef {
                                stem: charts::sweep::stem(scenario, Some(package)),
                                heading: format!("Hold rate of {package} over {} and {}: {scenario}", names[0], names[1]),
                                caption: format!("Each cell one point of the grid, coloured by the hold rate. {reading}"),
                            });
                        }
                    }
                }
                charts
            }
            ExplorationResults::Sensitivity { rows, left_out, .. } => run
                .packages
                .iter()
                .filter(|p| !left_out.contains(p))
                .map(|package| ChartRef {
                    stem: charts::tornado::stem(package),
                    heading: format!("What drives the hold rate of {package}"),
                    caption: match top_drivers(rows, package, 1).first() {
                        Some(top) => format!(
                            "Largest on top; `{}` under {} moves it most.",
                            top.parameter, top.scenario
                        ),
                        None => "Largest on top.".to_string(),
                    },
                })
                .collect(),
            ExplorationResults::Discover { rows, .. } => {
                let Some(first) = rows.first() else {
                    return Vec::new();
                };
                vec![ChartRef {
                    stem: charts::peeling::stem(&first.package),
                    heading: format!("Peeling trade-off of the first box: {}", first.package),
                    caption: format!(
                        "Each point one box of the peeling trajectory; the marked one is box 1 (coverage {}, density {}).",
                        percent(first.coverage),
                        percent(first.density)
                    ),
                }]
            }
        }
    }

    /// The exploration's files, one line each.
    fn files(&self) -> Section {
        let (csv, about) = match self.results {
            ExplorationResults::Sweep { .. } => (
                SWEEP_CSV,
                "one row per point, package and scenario, one column per parameter; hold and deterrence rates with 95% intervals",
            ),
            ExplorationResults::Sensitivity { .. } => (
                SENSITIVITY_CSV,
                "each parameter's effect on each rate of each package under each scenario",
            ),
            ExplorationResults::Discover { .. } => (
                DISCOVERY_CSV,
                "the boxes with their rules, coverage, density and stability",
            ),
        };
        let mut files = vec![format!("`{csv}`: {about}.")];
        for chart in self.charts() {
            for format in ChartFormat::ALL {
                files.push(format!("`{}`: {}.", chart.file(format), chart.heading));
            }
        }
        files.extend([
            format!("`{EXPLORATION_HTML}`: this report, self-contained (charts inline)."),
            format!("`{EXPLORATION_MD}`: the same report in Markdown, charts linked from `{CHARTS_DIR}/`."),
            format!("`{MANIFEST_JSON}`: what produced these files; `--replay` reads it. Written last: without it the other files are not whole."),
        ]);
        Section {
            id: "files",
            heading: "Files in this folder".to_string(),
            blocks: vec![Block::List(files)],
        }
    }

    fn provenance(&self) -> Section {
        let run = &self.manifest.run;
        let status = match run.status {
            RunStatus::Complete => "complete",
            RunStatus::Partial => "PARTIAL: interrupted before every run finished",
        };
        Section {
            id: "provenance",
            heading: "Provenance".to_string(),
            blocks: vec![Block::List(vec![
                format!("Status: {status}."),
                format!(
                    "Scenario file: `{}` (SHA-256 `{}`).",
                    run.scenario_file, run.scenario_sha256
                ),
                format!(
                    "guarantee-sim {}, commit {}.",
                    run.version,
                    run.git_commit.as_deref().unwrap_or("unknown")
                ),
            ])],
        }
    }
}

/// Where the best package changes under each scenario, and whether the
/// leads on either side are beyond noise.
fn sweep_results(names: &[String], rows: &[SweepRow], crossovers: &[Crossover]) -> Vec<Block> {
    let mut scenarios: Vec<&str> = Vec::new();
    for r in rows {
        if !scenarios.contains(&r.scenario.as_str()) {
            scenarios.push(&r.scenario);
        }
    }
    let mut sentences = Vec::new();
    for scenario in scenarios {
        let here: Vec<&Crossover> = crossovers
            .iter()
            .filter(|c| c.scenario == scenario)
            .collect();
        if here.is_empty() {
            let of_scenario: Vec<&SweepRow> =
                rows.iter().filter(|r| r.scenario == scenario).collect();
            let leaders = leaders(&of_scenario);
            sentences.push(match leaders.as_slice() {
                [one] => format!(
                    "Under {scenario}, {one} has the highest hold rate at every point of the sweep."
                ),
                _ => format!(
                    "Under {scenario}, the package with the highest hold rate never changes along `{}`; it differs only between values of the other parameter ({}).",
                    names[0],
                    joined(&leaders)
                ),
            });
        }
        for c in here {
            let at = match (c.other, names.get(1)) {
                (Some(v), Some(name)) => format!(" (with `{name}` = {})", number(v)),
                _ => String::new(),
            };
            sentences.push(format!(
                "Under {scenario}, the package with the highest hold rate changes from {} to {} between `{}` = {} and {}{at}. At {}, {} leads {} by {}; at {}, {} leads {} by {}.",
                c.from_package,
                c.to_package,
                names[0],
                number(c.from_value),
                number(c.to_value),
                number(c.from_value),
                c.from_package,
                c.to_package,
                lead(&c.lead_before),
                number(c.to_value),
                c.to_package,
                c.from_package,
                lead(&c.lead_after),
            ));
        }
    }
    vec![
        Block::List(sentences),
        Block::Paragraph(
            "Crossovers are read from point estimates along the first parameter; leads are paired differences of hold rates on the same runs. A change whose leads are both within noise may be no change at all: more runs would tell.".to_string(),
        ),
    ]
}

/// The packages with the highest hold rate at some point (the first
/// listed on a tie, as the crossovers take it), in order of appearance.
fn leaders(rows: &[&SweepRow]) -> Vec<String> {
    let mut leaders: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let point: Vec<&SweepRow> = rows[i..]
            .iter()
            .copied()
            .take_while(|r| r.values == rows[i].values)
            .collect();
        i += point.len();
        if let Some(package) = best_package(point)
            && !leaders.iter().any(|l| l == package)
        {
            leaders.push(package.to_string());
        }
    }
    leaders
}

/// The top drivers of each package's hold rate, with their measures and
/// intervals, and the parameters whose effect cannot be told from zero.
fn sensitivity_results(
    packages: &[String],
    rows: &[SensitivityRow],
    left_out: &[String],
) -> Vec<Block> {
    let mut sentences = Vec::new();
    let mut zero = Vec::new();
    for package in packages.iter().filter(|p| !left_out.contains(p)) {
        let drivers: Vec<String> = top_drivers(rows, package, TOP_DRIVERS)
            .into_iter()
            .filter(|r| r.importance() > 0.0)
            .map(|r| match (r.mu_star, r.st) {
                (Some(mu_star), _) => format!(
                    "`{}` under {} (mu* {}, sigma {})",
                    r.parameter,
                    r.scenario,
                    number(mu_star),
                    optional(r.sigma)
                ),
                (None, st) => format!(
                    "`{}` under {} (ST {}, 95% interval {} to {}; S1 {}, {} to {}{})",
                    r.parameter,
                    r.scenario,
                    optional(st),
                    optional(r.st_lower),
                    optional(r.st_upper),
                    optional(r.s1),
                    optional(r.s1_lower),
                    optional(r.s1_upper),
                    if r.s1_lower.is_some_and(|lo| lo <= 0.0) {
                        ", an interval that includes zero: its effect alone is not told from none"
                    } else {
                        ""
                    }
                ),
            })
            .collect();
        sentences.push(if drivers.is_empty() {
            format!("No parameter moves the hold rate of {package}.")
        } else {
            format!(
                "The hold rate of {package} moves most with {}.",
                joined(&drivers)
            )
        });
        for r in rows
            .iter()
            .filter(|r| &r.package == package && r.rate == HOLD_RATE)
        {
            let indistinct = match (r.st_lower, r.mu_star) {
                (Some(lower), _) => lower <= 0.0,
                (None, Some(mu_star)) => mu_star == 0.0,
                (None, None) => false,
            };
            if indistinct {
                zero.push(format!(
                    "`{}` for {package} under {}",
                    r.parameter, r.scenario
                ));
            }
        }
    }
    let mut blocks = vec![Block::List(sentences)];
    if !zero.is_empty() {
        let measure = if rows.iter().any(|r| r.st.is_some()) {
            "their ST interval includes zero"
        } else {
            "their mu* is zero: no move across their range changed the rate"
        };
        blocks.push(Block::Paragraph(format!(
            "Effects that cannot be told from zero ({measure}): {}.",
            joined(&zero)
        )));
    }
    if !left_out.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Left out: {}, which break(s) a hard constraint at some point of the design and so have no rate there.",
            joined(left_out)
        )));
    }
    blocks
}

/// Each box as a quotable rule with its coverage, density and stability.
fn discover_results(
    package: &str,
    rows: &[DiscoveryRow],
    runs: usize,
    failures: usize,
    nothing_found: Option<&str>,
) -> Vec<Block> {
    let share = if runs > 0 {
        failures as f64 / runs as f64
    } else {
        0.0
    };
    let mut blocks = vec![Block::Paragraph(format!(
        "Of {runs} runs of {package}, {failures} failed (did not hold): {}.",
        percent(share)
    ))];
    if let Some(why) = nothing_found {
        blocks.push(Block::Paragraph(format!("No box was found: {why}.")));
    }
    let boxes = rows
        .iter()
        .map(|r| {
            let stable = if r.stability_same_inputs >= STABLE_SHARE {
                "stable"
            } else {
                "not stable: treat it as a hint, not a finding"
            };
            format!(
                "Box {}: {} {}. Rule: `{}`. Coverage {}, density {}, mass {}. Stability: {} of {} bootstrap resamples found a box, {} of them on the same inputs ({stable}); their mean coverage {} and density {}.",
                r.r#box,
                r.package,
                r.sentence,
                r.rule,
                percent(r.coverage),
                percent(r.density),
                percent(r.mass),
                r.stability_found,
                r.stability_resamples,
                percent(r.stability_same_inputs),
                percent(r.stability_mean_coverage),
                percent(r.stability_mean_density)
            )
        })
        .collect::<Vec<_>>();
    if !boxes.is_empty() {
        blocks.push(Block::List(boxes));
        blocks.push(Block::Paragraph(format!(
            "Coverage is the share of the failures inside a box, density the share of its runs that fail, mass the share of all runs it holds. A box is called stable when at least {} of the resamples restrict exactly its inputs.",
            percent(STABLE_SHARE)
        )));
    }
    blocks
}

/// The SVG text of a chart in `dir`, if it was drawn as SVG.
pub fn chart_svg(dir: &Path, chart: &ChartRef) -> Option<String> {
    std::fs::read_to_string(dir.join(chart.file(ChartFormat::Svg))).ok()
}
