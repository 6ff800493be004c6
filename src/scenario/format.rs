//! The scenario file format, as serde and schemars types.
//!
//! These types describe one TOML file *after* `extends` has been resolved.
//! Almost every field is optional here so that a small "what if" file that
//! extends the bundled one validates against the same JSON schema; whether a
//! merged file is complete is checked by the validator, which can then say
//! which field is missing and where it would go.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::params::ValueRange;

const ANY_AMOUNT: f64 = f64::INFINITY;
const SHARE: f64 = 1.0;

/// Valid values of the plain-number fields below, by schema definition
/// (the struct's name) and field: `validate` checks them, the JSON schema
/// shows them as `minimum`/`maximum`, scenarios/README.md lists them.
/// Coefficients take their ranges from their units instead
/// ([`crate::model::params::UNITS`]).
pub const FIELD_RANGES: &[(&str, &str, ValueRange)] = &[
    (
        "Simulation",
        "horizon_months",
        ValueRange::new(1.0, 1200.0, "a number of months"),
    ),
    (
        "Simulation",
        "runs",
        ValueRange::new(
            1.0,
            crate::batch::MAX_RUNS_PER_CELL as f64,
            "a number of runs",
        ),
    ),
    (
        "Simulation",
        "seed",
        ValueRange::new(0.0, ANY_AMOUNT, "a seed"),
    ),
    (
        "CountrySpec",
        "resolve",
        ValueRange::new(0.0, SHARE, "a 0-1 index"),
    ),
    (
        "CountrySpec",
        "us_coupling",
        ValueRange::new(0.0, SHARE, "a share per month"),
    ),
    (
        "SanctionsSpec",
        "relief",
        ValueRange::new(0.0, SHARE, "a share of today's sanctions"),
    ),
    (
        "CountrySpec",
        "volatility",
        ValueRange::new(0.0, ANY_AMOUNT, "a standard deviation"),
    ),
    (
        "CountrySpec",
        "election_interval_months",
        ValueRange::new(0.0, 10_000.0, "a number of months (0: none)"),
    ),
    (
        "CountrySpec",
        "next_election_month",
        ValueRange::new(0.0, 10_000.0, "a month (0: none)"),
    ),
    (
        "CapabilitySpec",
        "military",
        ValueRange::new(0.0, SHARE, "a 0-1 index"),
    ),
    (
        "CapabilitySpec",
        "intelligence",
        ValueRange::new(0.0, SHARE, "a 0-1 index"),
    ),
    (
        "CapabilitySpec",
        "logistics",
        ValueRange::new(0.0, SHARE, "a 0-1 index"),
    ),
    (
        "CapabilitySpec",
        "economy_usd_tn",
        ValueRange::new(0.0, ANY_AMOUNT, "an amount in USD tn"),
    ),
    (
        "PledgeSpec",
        "troops_max",
        ValueRange::new(0.0, ANY_AMOUNT, "a number of troops"),
    ),
    (
        "ConstraintSpec",
        "delay_months",
        ValueRange::new(0.0, ANY_AMOUNT, "a number of months"),
    ),
    (
        "ConstraintSpec",
        "acceptance_penalty_per_10k",
        ValueRange::new(0.0, ANY_AMOUNT, "a logit per 10k troops"),
    ),
    (
        "ConstraintSpec",
        "incident_probability_per_10k",
        ValueRange::new(0.0, SHARE, "a probability per 10k troops"),
    ),
    (
        "ConstraintSpec",
        "grievance_per_incident",
        ValueRange::new(0.0, ANY_AMOUNT, "an amount of grievance"),
    ),
    (
        "SanctionsSpec",
        "severity",
        ValueRange::new(0.0, SHARE, "a 0-1 index"),
    ),
    (
        "ReconstructionSpec",
        "usd_bn_per_year",
        ValueRange::new(0.0, ANY_AMOUNT, "an amount in USD bn per year"),
    ),
    (
        "ReconstructionSpec",
        "target_troops",
        ValueRange::new(0.0, ANY_AMOUNT, "a number of troops"),
    ),
];

/// The valid values of a field in [`FIELD_RANGES`].
pub fn field_range(table: &str, field: &str) -> Option<ValueRange> {
    FIELD_RANGES
        .iter()
        .find(|(t, f, _)| *t == table && *f == field)
        .map(|(_, _, r)| *r)
}

/// A guarantee-sim scenario file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Another scenario file this one builds on, relative to this file
    /// (e.g. "paris-2026.toml"). Tables merge key by key; countries,
    /// packages, scenarios and constraints merge by `id` (same id: the
    /// entry is changed key by key; new id: appended). Other arrays (lists
    /// of countries, events) are replaced whole, and so is a distribution
    /// table (`{ dist = ... }`). Entries cannot be removed; to take a
    /// country's troops out of a package, set them to 0. A bare bundled
    /// name such as "paris-2026.toml" that is not found next to this file
    /// uses the copy built into the program.
    pub extends: Option<String>,
    /// Title, description and sources of the file.
    pub meta: Option<Meta>,
    /// Horizon, default number of runs and default seed.
    pub simulation: Option<Simulation>,
    /// Every model coefficient: a number, or a distribution sampled per run.
    /// Scenarios override these.
    pub coefficients: Option<BTreeMap<String, ParamSpec>>,
    /// Values that apply in every scenario, replacing each scenario's own.
    pub every_scenario: Option<EveryScenario>,
    /// The uncertain values `sweep`, `sensitivity` and `discover` vary when
    /// no `--param` is given.
    pub explore: Option<ExploreSpec>,
    /// Country agents.
    #[serde(default)]
    pub countries: Vec<CountrySpec>,
    /// Stated constraints of the negotiating parties.
    #[serde(default)]
    pub constraints: Vec<ConstraintSpec>,
    /// Guarantee packages to compare.
    #[serde(default)]
    pub packages: Vec<PackageSpec>,
    /// Scenarios: conditions and uncertain parameters.
    #[serde(default)]
    pub scenarios: Vec<ScenarioSpec>,
    /// Patterns from the literature the model should reproduce, each with
    /// a target range and its source (`guarantee-sim patterns` checks them).
    #[serde(default)]
    pub patterns: Vec<PatternSpec>,
}

/// Settings for every scenario at once.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EveryScenario {
    /// Coefficients set in every scenario, replacing the value a scenario
    /// sets itself (a value in `[coefficients]` is only a default that a
    /// scenario's own value overrides).
    #[serde(default)]
    pub coefficients: BTreeMap<String, ParamSpec>,
}

/// What the file is about and where its numbers come from.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub title: Option<String>,
    pub description: Option<String>,
    /// References for the numbers in this file.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Simulation settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Months simulated from the start of the ceasefire (1 to 1200; default 60).
    pub horizon_months: Option<i64>,
    /// Runs per package and scenario when `--runs` is not given (> 0; default 1000).
    pub runs: Option<i64>,
    /// Master seed when `--seed` is not given (0 to 9223372036854775807; default 1).
    pub seed: Option<i64>,
}

/// A number, or a distribution sampled once per run.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ParamSpec {
    /// A fixed value.
    Fixed(f64),
    /// A distribution.
    Dist(DistSpec),
}

/// A probability distribution for an uncertain parameter.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "kebab-case", deny_unknown_fields)]
pub enum DistSpec {
    /// Every value in [min, max] equally likely.
    Uniform { min: f64, max: f64 },
    /// Normal with mean and standard deviation, clamped to [min, max] when given.
    Normal {
        mean: f64,
        sd: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// Triangular on [min, max] with its peak at mode.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Beta(alpha, beta), scaled from [0, 1] to [min, max] when given.
    Beta {
        alpha: f64,
        beta: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
}

/// What a country is in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RoleSpec {
    /// Ukraine.
    Defender,
    /// Russia.
    Challenger,
    /// The United States and coalition members.
    Guarantor,
    /// The EU: sanctions and money, no forces.
    Economic,
}

/// A country agent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountrySpec {
    /// Short id used everywhere else in the file, e.g. "united-kingdom".
    pub id: String,
    /// Full name (required).
    pub name: Option<String>,
    /// ISO 3166-1 alpha-3 code ("GBR"; "EUU" for the EU). The country with
    /// "USA" is the United States: the US backstop and the pull of its stance.
    pub iso: Option<String>,
    /// What the country is in the model (required; exactly one defender and
    /// one challenger).
    pub role: Option<RoleSpec>,
    /// Bloc: "europe", "north-america", "asia-pacific", "ukraine" or "russia".
    pub bloc: Option<String>,
    /// Counts as Western military personnel for an objection constraint (default: true for guarantors, false otherwise).
    pub western: Option<bool>,
    /// Capabilities, each an index 0-1 (required: military, intelligence, logistics).
    pub capability: Option<CapabilitySpec>,
    /// Initial political will to honour commitments, 0-1 (required).
    pub resolve: Option<f64>,
    /// Standard deviation of the monthly drift of resolve (resolve units, >= 0; required).
    pub volatility: Option<f64>,
    /// Months between national elections (0 = no elections modelled; default 0).
    pub election_interval_months: Option<i64>,
    /// Month of the first election after the ceasefire starts (0 = none; default 0).
    pub next_election_month: Option<i64>,
    /// Monthly pull of this country's resolve toward the United States' stance when
    /// a package relies on the US (share per month, 0-1; default: the
    /// `cohesion_pull_us` coefficient for European countries, 0 for others).
    pub us_coupling: Option<f64>,
    /// What the country has pledged to offer.
    pub pledge: Option<PledgeSpec>,
    /// Where the numbers for this country come from.
    pub source: Option<String>,
}

/// Capability indices, 0-1.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapabilitySpec {
    /// Deployable military power (1 = the strongest European military).
    pub military: Option<f64>,
    /// Intelligence and surveillance.
    pub intelligence: Option<f64>,
    /// Logistics and lift.
    pub logistics: Option<f64>,
    /// Economic weight for sanctions (GDP in USD trillion).
    pub economy_usd_tn: Option<f64>,
}

/// A country's pledge.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PledgeSpec {
    /// Most troops it has signalled it could deploy (persons, >= 0).
    pub troops_max: Option<i64>,
    /// Domains offered: "land", "air", "sea", "intelligence", "logistics", "training", "sanctions", "money".
    #[serde(default)]
    pub domains: Vec<String>,
}

/// Kinds of stated constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConstraintKindSpec {
    /// Hard: `country` sends no troops into the multinational force.
    NoGroundTroops,
    /// Hard: the force's lead nation must belong to `bloc`.
    ForceLedByBloc,
    /// Hard: `country` contributes logistics and support, no troops.
    LogisticsOnly,
    /// Soft: `country` objects to Western military personnel in Ukraine (acceptance and incidents).
    ObjectsToForeignTroops,
    /// Soft: `country` needs a parliamentary mandate, so it responds `delay_months` late.
    ParliamentaryMandate,
    /// Soft: `country` deploys troops only if the package has a US backstop; otherwise they stay home.
    RequiresUsBackstop,
}

/// A stated constraint. Which fields apply depends on `kind`; each kind's
/// required fields are checked (e.g. `no-ground-troops` needs `country`).
/// Hard kinds make a package infeasible (reported, never simulated); soft
/// kinds change the model.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstraintSpec {
    pub id: String,
    pub kind: Option<ConstraintKindSpec>,
    /// The constrained country (all kinds but force-led-by-bloc).
    pub country: Option<String>,
    /// The bloc that must lead (force-led-by-bloc).
    pub bloc: Option<String>,
    /// Response delay in months (parliamentary-mandate).
    pub delay_months: Option<i64>,
    /// Fall in the log-odds of accepting the terms per 10,000 proximity-weighted troops (objects-to-foreign-troops).
    pub acceptance_penalty_per_10k: Option<f64>,
    /// Added monthly incident probability per 10,000 proximity-weighted troops (objects-to-foreign-troops).
    pub incident_probability_per_10k: Option<f64>,
    /// Grievance added per incident (objects-to-foreign-troops).
    pub grievance_per_incident: Option<f64>,
    pub description: Option<String>,
    pub source: Option<String>,
}

/// Legal form of a package's commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LegalFormSpec {
    None,
    PoliticalDeclaration,
    BilateralAgreements,
    BindingTreaty,
    MutualDefence,
}

/// Ceasefire monitoring level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MonitoringSpec {
    None,
    Technical,
    Observers,
    UsLed,
}

/// Where the multinational force stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PostureSpec {
    None,
    OverTheHorizon,
    Rear,
    Line,
}

/// How sanctions return if Russia attacks again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SanctionsModeSpec {
    None,
    Automatic,
    Discretionary,
}

/// A guarantee package.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageSpec {
    pub id: String,
    /// Id of another package to start from: every field is inherited, then
    /// the fields written here replace or add to it (tables key by key, like
    /// `extends`). Expanded when the file is read.
    pub based_on: Option<String>,
    /// Display name (default: the id).
    pub name: Option<String>,
    pub description: Option<String>,
    /// Legal form of the commitment (required).
    pub legal_form: Option<LegalFormSpec>,
    /// Ceasefire monitoring (required).
    pub monitoring: Option<MonitoringSpec>,
    /// Countries bound to respond if Russia attacks again (contributors below are added automatically; default none).
    #[serde(default)]
    pub guarantors: Vec<String>,
    /// The multinational force (default: none).
    pub force: Option<ForceSpec>,
    /// Countries providing air policing / an air shield.
    #[serde(default)]
    pub air_policing: Vec<String>,
    /// Countries providing maritime security in the Black Sea.
    #[serde(default)]
    pub maritime: Vec<String>,
    /// Countries sharing intelligence.
    #[serde(default)]
    pub intelligence: Vec<String>,
    /// Countries providing logistics.
    #[serde(default)]
    pub logistics: Vec<String>,
    /// Countries backing the force from outside Ukraine (the US backstop).
    #[serde(default)]
    pub backstop: Vec<String>,
    /// Sanctions snap-back (default: none, severity 0).
    pub sanctions: Option<SanctionsSpec>,
    /// Support for Ukraine's armed forces (default: 0 USD per year).
    pub reconstruction: Option<ReconstructionSpec>,
    /// Diplomatic initiatives (a contact group with Russia, crisis management after
    /// incidents): raise acceptance and defuse incidents (default false).
    pub diplomacy: Option<bool>,
}

/// The multinational force.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForceSpec {
    /// Lead nation.
    pub lead: Option<String>,
    /// Where the force stands (required when it has troops; default none).
    pub posture: Option<PostureSpec>,
    /// Troops per contributing country (persons, >= 0), e.g. { united-kingdom = 7000 }.
    /// More than the country's `pledge.troops_max` gives a warning.
    #[serde(default)]
    pub troops: BTreeMap<String, i64>,
    /// Multiplies every contributor's troops (>= 0; 2.0 doubles the force),
    /// rounded to whole persons. Expanded when the file is read.
    pub troops_scale: Option<f64>,
}

/// Sanctions snap-back.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionsSpec {
    /// Severity of the snap-back, 0-1 (1 = the full 2022-25 sanctions regime and more; default 0).
    pub severity: Option<f64>,
    /// How they come back (default none; required when severity > 0).
    pub mode: Option<SanctionsModeSpec>,
    /// Share of the existing sanctions lifted when Russia accepts the terms, 0-1
    /// (default 0); Russia loses the relief again if it attacks.
    pub relief: Option<f64>,
}

/// Support to rebuild Ukraine's armed forces.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReconstructionSpec {
    /// Military support per year, USD billion (>= 0).
    pub usd_bn_per_year: Option<f64>,
    /// Target size of Ukraine's armed forces (persons, default 800,000): sets the
    /// ceiling its strength grows toward (see `ukraine_personnel_elasticity`).
    pub target_troops: Option<i64>,
}

/// A scenario.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    pub id: String,
    /// Display name (default: the id).
    pub name: Option<String>,
    pub description: Option<String>,
    /// Coefficients that differ in this scenario: a number or a distribution.
    #[serde(default)]
    pub coefficients: BTreeMap<String, ParamSpec>,
    /// Scripted events.
    #[serde(default)]
    pub events: Vec<EventSpec>,
}

/// Kinds of scripted event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventKindSpec {
    /// US resolve falls by the magnitude and the US backstop shrinks by the same share.
    UsDisengagement,
    /// The targets' resolve falls by the magnitude; they withdraw troops, aircraft, ships and sanctions votes.
    CoalitionFracture,
    /// A strike on the force in Ukraine kills `magnitude` soldiers; each contributor rallies or withdraws.
    ForceStrike,
    /// The targets' resolve moves by the magnitude (either sign).
    ResolveShock,
}

/// A scripted event.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    pub kind: EventKindSpec,
    /// Month it happens: a number or a distribution (months after the ceasefire starts).
    pub month: ParamSpec,
    /// Size of the shock, a number or a distribution (default 0): resolve lost (0-1) for
    /// us-disengagement and coalition-fracture, a resolve change (-1 to 1) for
    /// resolve-shock, casualties (persons) for force-strike.
    pub magnitude: Option<ParamSpec>,
    /// Countries affected (default: the event's natural targets).
    #[serde(default)]
    pub targets: Vec<String>,
    pub description: Option<String>,
}

/// What a pattern measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MeasureSpec {
    /// Share of runs with an outcome (`of`), among all runs or those Russia accepted (`among`).
    Rate,
    /// Share of calls on the package's guarantors that were honoured.
    HonourRate,
    /// Hazard of a first major offensive under `package` over that under `versus`, among runs accepted under both.
    HazardRatio,
    /// Hazard of a first major offensive in months `late` over months `early` (below 1: it falls with time).
    HazardTrend,
    /// Paired difference of a rate (`of`): `package` minus `versus`.
    Difference,
}

/// An outcome whose rate a pattern measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RateOfSpec {
    /// Held or defended.
    Hold,
    /// Held: no major offensive and no erosion.
    Deterrence,
    /// A major offensive came (stopped or not).
    MajorOffensive,
    /// The line eroded.
    Erosion,
    /// Russia rejected the terms.
    Rejected,
}

/// Which runs a rate is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AmongSpec {
    /// Every run (default).
    All,
    /// Runs in which Russia accepted the terms.
    Accepted,
}

/// A package a pattern compares with: a package of the file, optionally
/// without some of its components or with its force scaled.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    /// Id of a package of the file.
    pub package: String,
    /// Components removed (set to the baseline's): force, force:<country>, air-policing,
    /// maritime, backstop, intelligence-logistics, sanctions, sanctions-relief, monitoring,
    /// legal-form, reconstruction, army-target, diplomacy.
    #[serde(default)]
    pub without: Vec<String>,
    /// Scale every troop contribution so the force totals this many troops (persons).
    pub force_troops: Option<f64>,
}

/// A pattern from the literature that the model should reproduce.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternSpec {
    pub id: String,
    /// What the pattern says, in a sentence.
    pub name: Option<String>,
    pub measure: MeasureSpec,
    /// For `rate` and `difference`: the outcome counted.
    pub of: Option<RateOfSpec>,
    /// For `rate`: all runs (default) or accepted runs only.
    pub among: Option<AmongSpec>,
    /// Id of the package measured.
    pub package: String,
    /// Components removed from the package (see `versus.without`).
    #[serde(default)]
    pub without: Vec<String>,
    /// Scale the package's force to this many troops (persons).
    pub force_troops: Option<f64>,
    /// For `hazard-ratio` and `difference`: what the package is compared with.
    pub versus: Option<VariantSpec>,
    /// Package that removed components take their values from (default: `no-guarantee`
    /// if the file has it, else nothing at all).
    pub baseline: Option<String>,
    /// Scenarios pooled (default: every scenario).
    #[serde(default)]
    pub scenarios: Vec<String>,
    /// For `hazard-trend`: first and last month of the early window (default [1, 12]).
    pub early: Option<[i64; 2]>,
    /// For `hazard-trend`: first and last month of the late window (default: the last 12 months).
    pub late: Option<[i64; 2]>,
    /// Target range [lower, upper], inclusive: a share (0-1), a ratio or a difference.
    pub target: [f64; 2],
    /// Where the target comes from (author, year).
    pub source: String,
    /// Set when this version of the model is known not to reproduce the
    /// pattern: why, in a sentence. A known miss is still measured and shown
    /// as not met, but does not make `guarantee-sim patterns` fail.
    pub known_miss: Option<String>,
}

/// `[explore]`: the values the exploration commands vary by default.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExploreSpec {
    /// Each as `--param` takes it: "PATH=LO..HI" or "PATH=LO..HI:STEPS", e.g.
    /// "countries.united-states.resolve=0.1..0.9" (paths: docs/EXPLORING.md).
    #[serde(default)]
    pub params: Vec<String>,
}
