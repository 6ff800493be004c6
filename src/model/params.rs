//! Plain parameter structs the simulation runs on.
//!
//! The scenario layer compiles a checked TOML file into these types: every
//! name is already resolved to an index, every coefficient is a number or a
//! distribution to sample. Nothing here knows about files, spans or TOML.

use serde::Serialize;

/// Declares the model's coefficients once: the struct the model reads
/// (plain `f64` fields, so the monthly loop does no look-ups), the list of
/// names the scenario layer validates against, and the units and meanings
/// that documentation and the JSON schema show.
macro_rules! coefficients {
    ($( $(#[doc = $doc:literal])+ $name:ident : $unit:literal ),+ $(,)?) => {
        /// One run's values of every model coefficient (after sampling).
        #[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
        pub struct Coefficients {
            $( $(#[doc = $doc])+ pub $name: f64, )+
        }

        /// Name, unit and meaning of every coefficient, in declaration order.
        pub const COEFFICIENTS: &[CoefficientInfo] = &[
            $( CoefficientInfo {
                name: stringify!($name),
                unit: $unit,
                meaning: concat!($($doc),+),
            }, )+
        ];

        impl Coefficients {
            /// Number of coefficients.
            pub const COUNT: usize = COEFFICIENTS.len();

            /// Mutable references to every field, in declaration order, so
            /// that sampled values can be stored by index.
            pub fn fields_mut(&mut self) -> [&mut f64; Self::COUNT] {
                [ $( &mut self.$name, )+ ]
            }

            /// Every field's value, in declaration order.
            pub fn values(&self) -> [f64; Self::COUNT] {
                [ $( self.$name, )+ ]
            }
        }
    };
}

/// Name, unit and one-line meaning of a coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoefficientInfo {
    pub name: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
}

impl CoefficientInfo {
    /// Index of a coefficient by name, for the scenario layer.
    pub fn index_of(name: &str) -> Option<usize> {
        COEFFICIENTS.iter().position(|c| c.name == name)
    }

    /// The values this coefficient may take: from its unit (see [`UNITS`]),
    /// unless [`RANGE_EXCEPTIONS`] names it. `None` for a unit not in
    /// [`UNITS`] (a test keeps every declared unit listed).
    pub fn range(&self) -> Option<ValueRange> {
        RANGE_EXCEPTIONS
            .iter()
            .find(|(name, _)| *name == self.name)
            .map(|(_, range)| *range)
            .or_else(|| unit_range(self.unit))
    }
}

/// An inclusive range of valid values, with what the values are, for
/// messages ("`sanctions_drag` is a share: 0 to 1, found 5").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    pub min: f64,
    pub max: f64,
    /// What a value is, with its article: "a share", "a number of months".
    pub kind: &'static str,
}

impl ValueRange {
    pub const fn new(min: f64, max: f64, kind: &'static str) -> ValueRange {
        ValueRange { min, max, kind }
    }

    pub fn contains(&self, v: f64) -> bool {
        self.min <= v && v <= self.max
    }

    /// "0 to 1", "0 or more", "any number".
    pub fn text(&self) -> String {
        match (self.min.is_finite(), self.max.is_finite()) {
            (true, true) => format!("{} to {}", self.min, self.max),
            (true, false) => format!("{} or more", self.min),
            (false, true) => format!("{} or less", self.max),
            (false, false) => "any number".to_string(),
        }
    }
}

const UNIT_INTERVAL: f64 = 1.0;
const NO_LIMIT: f64 = f64::INFINITY;

/// Every unit a coefficient may be declared in, with the values it allows.
/// The check of scenario files, the JSON schema and the table in
/// scenarios/README.md all read this list. Shares, probabilities and 0-1
/// indices stay in [0, 1]; sizes, rates and weights may not be negative,
/// since a negative one would turn a mechanism around (a stronger defence
/// making a breakthrough more likely); base utilities and log-odds take
/// either sign.
pub const UNITS: &[(&str, ValueRange)] = &[
    ("share", ValueRange::new(0.0, UNIT_INTERVAL, "a share")),
    (
        "share per month",
        ValueRange::new(0.0, UNIT_INTERVAL, "a share per month"),
    ),
    (
        "probability",
        ValueRange::new(0.0, UNIT_INTERVAL, "a probability"),
    ),
    (
        "probability per month",
        ValueRange::new(0.0, UNIT_INTERVAL, "a probability per month"),
    ),
    (
        "index 0-1",
        ValueRange::new(0.0, UNIT_INTERVAL, "a 0-1 index"),
    ),
    (
        "force index",
        ValueRange::new(0.0, NO_LIMIT, "a force index"),
    ),
    (
        "force index per 10k troops",
        ValueRange::new(0.0, NO_LIMIT, "a force index per 10k troops"),
    ),
    (
        "force index per capability",
        ValueRange::new(0.0, NO_LIMIT, "a force index per capability"),
    ),
    (
        "USD bn per year",
        ValueRange::new(0.0, NO_LIMIT, "an amount in USD bn per year"),
    ),
    (
        "months",
        ValueRange::new(0.0, NO_LIMIT, "a number of months"),
    ),
    (
        "erosion points",
        ValueRange::new(0.0, NO_LIMIT, "a number of erosion points"),
    ),
    ("exponent", ValueRange::new(0.0, NO_LIMIT, "an exponent")),
    (
        "pressure per unit severity",
        ValueRange::new(0.0, NO_LIMIT, "a sanction pressure per unit severity"),
    ),
    // Resolve is on a 0-1 scale, so a change in it lies in [-1, 1].
    (
        "resolve",
        ValueRange::new(-UNIT_INTERVAL, UNIT_INTERVAL, "a change in resolve"),
    ),
    (
        "resolve per month",
        ValueRange::new(0.0, UNIT_INTERVAL, "a loss of resolve per month"),
    ),
    (
        "utility",
        ValueRange::new(f64::NEG_INFINITY, NO_LIMIT, "a utility"),
    ),
    (
        "logit",
        ValueRange::new(f64::NEG_INFINITY, NO_LIMIT, "a log-odds"),
    ),
    (
        "utility per unit relief",
        ValueRange::new(0.0, NO_LIMIT, "a utility weight"),
    ),
    (
        "utility per year",
        ValueRange::new(0.0, NO_LIMIT, "a utility weight per year"),
    ),
    (
        "logit per unit relief",
        ValueRange::new(0.0, NO_LIMIT, "a log-odds weight"),
    ),
    (
        "logit per 100 casualties",
        ValueRange::new(0.0, NO_LIMIT, "a log-odds weight"),
    ),
    (
        "percent of territory",
        ValueRange::new(0.0, 100.0, "a percentage of Ukraine's territory"),
    ),
    (
        "utility per unit grievance",
        ValueRange::new(0.0, NO_LIMIT, "a utility weight"),
    ),
    (
        "utility per unit intent",
        ValueRange::new(0.0, NO_LIMIT, "a utility weight"),
    ),
    (
        "utility per unit severity",
        ValueRange::new(0.0, NO_LIMIT, "a utility weight"),
    ),
    (
        "logit per force index",
        ValueRange::new(0.0, NO_LIMIT, "a log-odds weight"),
    ),
    (
        "logit per unit",
        ValueRange::new(0.0, NO_LIMIT, "a log-odds weight"),
    ),
    (
        "logit per unit intent",
        ValueRange::new(0.0, NO_LIMIT, "a log-odds weight"),
    ),
    (
        "logit per unit resolve",
        ValueRange::new(0.0, NO_LIMIT, "a log-odds weight"),
    ),
];

/// Coefficients whose unit alone does not say their range.
pub const RANGE_EXCEPTIONS: &[(&str, ValueRange)] = &[
    // A cost: negative would reward Russia for failing.
    (
        "weight_failure",
        ValueRange::new(0.0, NO_LIMIT, "a utility weight"),
    ),
    // Below 0.01 the choice is deterministic in practice; 0 divides by zero.
    (
        "choice_temperature",
        ValueRange::new(0.01, NO_LIMIT, "a choice temperature"),
    ),
    // A standard deviation of resolve (0-1), not a signed change.
    (
        "election_shock_sd",
        ValueRange::new(0.0, UNIT_INTERVAL, "a standard deviation of resolve"),
    ),
];

/// The values a unit allows, if it is one of [`UNITS`].
pub fn unit_range(unit: &str) -> Option<ValueRange> {
    UNITS.iter().find(|(u, _)| *u == unit).map(|(_, r)| *r)
}

/// Month of a scripted event: month 0 is the ceasefire's set-up, before the
/// first simulated month, so an event there would never fire.
pub const EVENT_MONTH_RANGE: ValueRange = ValueRange::new(
    1.0,
    NO_LIMIT,
    "a month after the ceasefire (month 0 is its set-up, when no event fires)",
);

impl EventKind {
    /// What an event's magnitude measures, and the values it may take.
    pub fn magnitude_range(self) -> ValueRange {
        match self {
            EventKind::UsDisengagement | EventKind::CoalitionFracture => {
                ValueRange::new(0.0, UNIT_INTERVAL, "a loss of resolve")
            }
            EventKind::ResolveShock => {
                ValueRange::new(-UNIT_INTERVAL, UNIT_INTERVAL, "a change in resolve")
            }
            EventKind::ForceStrike => ValueRange::new(0.0, NO_LIMIT, "a number of casualties"),
        }
    }
}

coefficients! {
    // ---- Russia: intent, strength, sanctions, grievance ----
    /// Russia's revisionist intent at the start of the ceasefire: how much it values gains from renewed war (0 none, 1 maximal).
    russia_intent: "index 0-1",
    /// Share of Russia's intent that fades each month of ceasefire (habituation to the new line, Fortna 2004).
    habituation_per_month: "share per month",
    /// Russia's ground force at the start of the ceasefire; 1.0 defines the force-index unit.
    russia_strength_initial: "force index",
    /// Ceiling that Russia's force reconstitutes toward.
    russia_strength_ceiling: "force index",
    /// Share of the gap to the ceiling Russia closes per month without sanctions.
    russia_reconstitution_per_month: "share per month",
    /// How much full sanction pressure slows reconstitution (1 stops it).
    sanctions_drag: "share",
    /// Share of sanction pressure that fades each month.
    sanctions_decay_per_month: "share per month",
    /// Share of Russia's grievance that fades each month.
    grievance_decay_per_month: "share per month",

    // ---- Russia's monthly choice (softmax over utilities; comply = 0) ----
    /// Base utility of a grey-zone probe relative to complying.
    utility_probe_base: "utility",
    /// Base utility of a limited offensive relative to complying.
    utility_limited_base: "utility",
    /// Base utility of a major offensive relative to complying.
    utility_major_base: "utility",
    /// Gain from a probe at full intent.
    gain_probe: "utility per unit intent",
    /// Gain from a limited offensive at full intent, times Russia's expected chance of success.
    gain_limited: "utility per unit intent",
    /// Gain from a major offensive at full intent, times Russia's expected chance of breaking through.
    gain_major: "utility per unit intent",
    /// Cost of a major offensive that fails, times Russia's expected chance of failing (deterrence by denial).
    weight_failure: "utility",
    /// Cost of the sanctions Russia expects to snap back, per unit of severity (deterrence by punishment).
    weight_sanctions: "utility per unit severity",
    /// Cost of giving up the sanctions relief the package offers, per unit of relief (punishment).
    weight_relief_lost: "utility per unit relief",
    /// Rise in the cost of war per year of ceasefire: trade, reconstruction and budgets reoriented to peace (opportunity cost).
    opportunity_cost_per_year: "utility per year",
    /// Push toward war from accumulated grievance.
    weight_grievance: "utility per unit grievance",
    /// Share of the failure and punishment costs a limited offensive incurs.
    limited_cost_share: "share",
    /// Noise of Russia's choice: softmax temperature.
    choice_temperature: "utility",

    // ---- Acceptance of the terms ----
    /// Log-odds that Russia accepts ceasefire terms with no Western troops, no legal commitment and zero intent.
    acceptance_base_logit: "logit",
    /// Fall in acceptance log-odds per unit of intent.
    acceptance_intent_weight: "logit per unit intent",
    /// Fall in acceptance log-odds per unit of the commitment's legal strength (a binding guarantee is a harder pill).
    acceptance_legal_weight: "logit per unit",
    /// Rise in acceptance log-odds per unit of sanctions relief on offer.
    acceptance_relief_weight: "logit per unit relief",
    /// Rise in acceptance log-odds when the package carries diplomatic initiatives (a contact group with Russia).
    diplomacy_acceptance_logit: "logit",

    // ---- Ukraine ----
    /// Ukraine's armed forces at the start of the ceasefire.
    ukraine_strength_initial: "force index",
    /// Ceiling Ukraine's forces can grow to with an army of 800,000 (the Paris target).
    ukraine_strength_ceiling: "force index",
    /// Elasticity of the ceiling to the army's target size: ceiling x (target / 800,000)^elasticity.
    ukraine_personnel_elasticity: "exponent",
    /// Share of the gap to the ceiling Ukraine closes per month by its own mobilisation.
    ukraine_mobilisation_per_month: "share per month",
    /// Extra share of the gap closed per month at the reference support; grows with log2(1 + money / reference), no cap.
    reconstruction_growth_per_month: "share per month",
    /// Yearly military support at which reconstruction closes reconstruction_growth_per_month of the gap.
    reconstruction_reference_usd_bn_per_year: "USD bn per year",
    /// Share of Ukraine's strength lost per month with no support (attrition, wear, stocks run down).
    ukraine_attrition_per_month: "share per month",
    /// How strongly support follows the donors' resolve: money x (coalition resolve / its start)^elasticity (aid fatigue).
    aid_resolve_elasticity: "exponent",
    /// Most that fortification of the line adds to Ukraine's defence.
    fortification_max: "share",
    /// Share of the gap to fortification_max closed per month of ceasefire.
    fortification_per_month: "share per month",

    // ---- Guarantors: resolve ----
    /// Monthly pull of each guarantor's resolve toward the coalition's mean.
    cohesion_pull_coalition: "share per month",
    /// Default monthly pull of a European's resolve toward the United States' when the package relies on the US (a country's own `us_coupling` overrides it).
    cohesion_pull_us: "share per month",
    /// Share of that pull that remains when the package does not rely on the US at all.
    us_coupling_without_reliance: "share",
    /// Standard deviation of the resolve change at a national election.
    election_shock_sd: "resolve",
    /// Resolve lost per month per 10,000 own troops deployed (fatigue and cost).
    fatigue_per_10k_troops: "resolve per month",

    // ---- Guarantors: credibility and capability ----
    /// Credibility of a political declaration.
    legal_strength_political_declaration: "index 0-1",
    /// Credibility of bilateral security agreements.
    legal_strength_bilateral_agreements: "index 0-1",
    /// Credibility of a legally binding treaty.
    legal_strength_binding_treaty: "index 0-1",
    /// Credibility of a mutual-defence clause (Article-5-like).
    legal_strength_mutual_defence: "index 0-1",
    /// Combat power per 10,000 troops of the multinational force.
    force_index_per_10k_troops: "force index per 10k troops",
    /// Force contributed by an air-policing contributor, per unit of its military capability.
    air_contribution: "force index per capability",
    /// Force contributed by a maritime contributor, per unit of its military capability.
    sea_contribution: "force index per capability",
    /// Force every guarantor brings if it honours (fires, air, reserves), per unit of military capability, on top of deployed components.
    general_contribution: "force index per capability",
    /// Share of a guarantor's contribution that still counts per month of response delay.
    delay_discount_per_month: "share per month",
    /// Months forces held over the horizon (outside Ukraine) need to reach the fight.
    over_the_horizon_delay_months: "months",
    /// Months forces in rear areas of Ukraine need to reach the fight.
    rear_delay_months: "months",
    /// Extra months the whole force needs when its lead nation's resolve is zero (command and decision; scales with 1 - lead resolve).
    lead_delay_months: "months",
    /// Proximity weight of troops in rear areas (training, reassurance), relative to the line.
    posture_proximity_rear: "share",
    /// Proximity weight of troops along the contact line.
    posture_proximity_line: "share",

    // ---- The US backstop and intelligence ----
    /// Multiplier on the effectiveness of Ukraine's forces and the European force at full US backstop (intelligence, surveillance, logistics, air defence).
    backstop_multiplier: "share",
    /// Added chance that monitoring attributes a violation at full US backstop (US intelligence and surveillance).
    backstop_attribution: "probability",
    /// Multiplier from intelligence sharing and logistics by the package's other providers, per unit of their mean capability.
    intelligence_logistics_effectiveness: "share",

    // ---- Guarantors: honouring a call ----
    /// Log-odds of honouring a commitment at zero resolve and no legal form (Leeds et al. 2000 anchor).
    honour_base_logit: "logit",
    /// Log-odds gained per unit of legal strength.
    honour_legal_weight: "logit per unit",
    /// Log-odds gained per unit of resolve.
    honour_resolve_weight: "logit per unit resolve",
    /// Log-odds gained when the guarantor's own troops stand along the line, times their proximity (tripwire).
    honour_own_troops_weight: "logit",
    /// Log-odds gained by a European guarantor when the United States honours its backstop.
    honour_us_backing_weight: "logit",
    /// Log-odds gained by a force contributor when the lead nation commits (lost when it does not).
    honour_lead_weight: "logit",
    /// Log-odds lost per unit of force the guarantor must commit (cost).
    honour_cost_weight: "logit per force index",

    // ---- Monitoring and the grey zone ----
    /// Chance a violation is detected and attributed with no monitoring mission.
    detection_none: "probability",
    /// Chance with technical means only (satellites, drones).
    detection_technical: "probability",
    /// Chance with an observer mission.
    detection_observers: "probability",
    /// Chance with a US-led monitoring and verification mechanism.
    detection_us_led: "probability",
    /// Chance a limited offensive is attributed (harder to deny than a probe).
    limited_attribution: "probability",
    /// Log-odds that the guarantors respond to an attributed violation at zero resolve and no legal form.
    response_base_logit: "logit",
    /// Log-odds of a response gained per unit of the coalition's mean resolve.
    response_resolve_weight: "logit per unit resolve",
    /// Log-odds of a response gained per unit of legal strength.
    response_legal_weight: "logit per unit",
    /// Line erosion from one probe.
    probe_erosion: "erosion points",
    /// Line erosion from one limited offensive, at an even balance of forces.
    limited_erosion: "erosion points",
    /// Share of a violation's erosion undone by a full-strength response.
    answered_erosion_share: "share",
    /// Erosion at which the line counts as eroded (absorbing).
    erosion_threshold: "erosion points",
    /// Sanction pressure added per answered probe, per unit of snap-back severity.
    probe_sanction_increment: "pressure per unit severity",
    /// Ukraine's strength added by the military aid surge of a full-strength response.
    aid_surge_per_response: "force index",

    // ---- Incidents, diplomacy and the battle ----
    /// Monthly chance of an incident with no Western troops in Ukraine.
    incident_base_probability: "probability per month",
    /// Share of an incident's grievance defused by crisis diplomacy when the package carries diplomatic initiatives.
    diplomacy_crisis_share: "share",
    /// Decisiveness of a major offensive: exponent of the contest between attack and defence.
    battle_decisiveness: "exponent",
    /// Ukrainian territory lost when a major offensive breaks through.
    territory_breakthrough_pct: "percent of territory",
    /// Territory lost when a major offensive is stopped, at an even contest (scales with the attacker's share).
    territory_stopped_pct: "percent of territory",
    /// Months of war before a stopped offensive ends, at an even contest (scales with the attacker's share).
    war_months_stopped: "months",

    // ---- Scripted events ----
    /// Change in a contributor's resolve when its troops are struck and it stays (rally if positive).
    strike_resolve_shift: "resolve",
    /// Log-odds of withdrawing added per 100 of a contributor's own casualties in a strike.
    strike_withdraw_per_100_casualties: "logit per 100 casualties",
}

/// What a country is in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Ukraine: defends, grows with reconstruction support.
    Defender,
    /// Russia: chooses each month whether to comply or escalate.
    Challenger,
    /// A state that can guarantee (the United States, coalition members).
    Guarantor,
    /// An economic actor (the EU): sanctions only, no forces.
    Economic,
}

/// Country agents as a struct of arrays; index `i` is the same country in
/// every vector.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Countries {
    pub id: Vec<String>,
    pub name: Vec<String>,
    pub role: Vec<Role>,
    /// Member of the European bloc (for cohesion toward the US stance).
    pub european: Vec<bool>,
    /// Counts as "Western military personnel" for an objection constraint.
    pub western: Vec<bool>,
    /// Military capability, 0-1 (1 = the strongest European military).
    pub military: Vec<f64>,
    /// Intelligence capability, 0-1.
    pub intelligence: Vec<f64>,
    /// Logistics capability, 0-1.
    pub logistics: Vec<f64>,
    /// Initial resolve, 0-1.
    pub resolve: Vec<f64>,
    /// Standard deviation of the monthly resolve drift.
    pub volatility: Vec<f64>,
    /// Months between national elections (0 = none modelled).
    pub election_interval_months: Vec<u32>,
    /// Month of the first election after the ceasefire starts (0 = none).
    pub next_election_month: Vec<u32>,
    /// Months from a call to the guarantor's response (parliamentary mandate).
    pub response_delay_months: Vec<u32>,
    /// GDP in USD trillion: a country's weight in sanctions votes.
    pub economy: Vec<f64>,
    /// Monthly pull of the country's resolve toward the United States' when
    /// the package relies on the US; `None` takes the `cohesion_pull_us`
    /// coefficient (Europeans only).
    pub us_coupling: Vec<Option<f64>>,
    pub ukraine: usize,
    pub russia: usize,
    /// The United States, whose stance Europeans are pulled toward.
    pub united_states: Option<usize>,
}

impl Countries {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.id.iter().position(|c| c == id)
    }
}

/// Legal form of a package's commitment, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalForm {
    None,
    PoliticalDeclaration,
    BilateralAgreements,
    BindingTreaty,
    MutualDefence,
}

/// Ceasefire monitoring level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Monitoring {
    None,
    Technical,
    Observers,
    UsLed,
}

/// Where the multinational force stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Posture {
    None,
    /// Outside Ukraine, ready to move in (not "in Ukraine" for the objection).
    OverTheHorizon,
    /// Inside Ukraine, far from the line: training, reassurance.
    Rear,
    /// Inside Ukraine, along the contact line: a tripwire.
    Line,
}

/// How sanctions come back if Russia attacks again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SanctionsMode {
    None,
    /// Snap back by treaty, without a new decision.
    Automatic,
    /// Need a new decision; happen with the coalition's resolve as probability.
    Discretionary,
}

/// A feasible guarantee package, with every name resolved to a country index.
/// Per-country vectors have one entry per country in [`Countries`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    pub id: String,
    pub name: String,
    pub legal_form: LegalForm,
    pub monitoring: Monitoring,
    pub posture: Posture,
    /// Troops each country deploys with the multinational force.
    pub troops: Vec<f64>,
    /// Bound by the commitment: called when Russia launches a major offensive.
    pub guarantor: Vec<bool>,
    pub air: Vec<bool>,
    pub sea: Vec<bool>,
    pub intelligence: Vec<bool>,
    pub logistics: Vec<bool>,
    /// Backs the force from outside Ukraine (the US backstop).
    pub backstop: Vec<bool>,
    /// Snap-back severity, 0-1.
    pub sanctions_severity: f64,
    pub sanctions_mode: SanctionsMode,
    /// Share of the existing sanctions lifted when Russia accepts, 0-1;
    /// lost again if it attacks.
    pub sanctions_relief: f64,
    pub reconstruction_usd_bn_per_year: f64,
    /// Target size of Ukraine's army (persons).
    pub target_troops: f64,
    /// The nation that leads the multinational force.
    pub lead: Option<usize>,
    /// Diplomatic initiatives: a contact group and crisis management.
    pub diplomacy: bool,
}

/// Ukraine's army size the `ukraine_strength_ceiling` refers to (the Paris
/// Declaration's 800,000).
pub const REFERENCE_ARMY_TROOPS: f64 = 800_000.0;

impl Package {
    /// A package that promises nothing to a world of `countries` countries:
    /// no legal form, monitoring, force, sanctions, money or diplomacy, and
    /// the reference army target.
    pub fn empty(id: &str, name: &str, countries: usize) -> Package {
        Package {
            id: id.to_string(),
            name: name.to_string(),
            legal_form: LegalForm::None,
            monitoring: Monitoring::None,
            posture: Posture::None,
            troops: vec![0.0; countries],
            guarantor: vec![false; countries],
            air: vec![false; countries],
            sea: vec![false; countries],
            intelligence: vec![false; countries],
            logistics: vec![false; countries],
            backstop: vec![false; countries],
            sanctions_severity: 0.0,
            sanctions_mode: SanctionsMode::None,
            sanctions_relief: 0.0,
            reconstruction_usd_bn_per_year: 0.0,
            target_troops: REFERENCE_ARMY_TROOPS,
            lead: None,
            diplomacy: false,
        }
    }
}

/// A package ruled out by a hard constraint; never simulated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfeasiblePackage {
    pub id: String,
    pub name: String,
    pub violations: Vec<ConstraintViolation>,
}

/// Why a package is infeasible.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConstraintViolation {
    pub constraint: String,
    pub country: String,
    pub reason: String,
    /// `file:line` of the offending entry in the scenario file.
    pub location: String,
}

/// A number or a distribution sampled once per run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "kebab-case")]
pub enum ParamDist {
    Fixed {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Normal, clamped to [min, max].
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta(alpha, beta) scaled to [min, max].
    Beta {
        alpha: f64,
        beta: f64,
        min: f64,
        max: f64,
    },
}

/// Scripted shocks a scenario can contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// US resolve falls by the magnitude and the US backstop is scaled
    /// down by the same share (after an election).
    UsDisengagement,
    /// Target governments' resolve falls by the magnitude and they withdraw
    /// their troops, aircraft, ships and sanctions votes.
    CoalitionFracture,
    /// An attack strikes the multinational force in Ukraine; the magnitude
    /// is the casualties, and each contributor rallies or withdraws.
    ForceStrike,
    /// A general resolve shock to the target countries (sign from magnitude).
    ResolveShock,
}

/// A scripted event with an uncertain month and size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    /// Month the event happens (rounded; outside the horizon = never).
    pub month: ParamDist,
    /// Size of the shock: resolve units, or casualties for a force strike.
    pub magnitude: ParamDist,
    /// Countries affected; empty = the event's natural targets.
    pub targets: Vec<usize>,
}

/// A scenario: distributions for every coefficient and scripted events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub id: String,
    pub name: String,
    /// One entry per coefficient, in [`COEFFICIENTS`] order.
    pub coefficients: Vec<ParamDist>,
    pub events: Vec<Event>,
}

/// Russia's stated objection to foreign military personnel in Ukraine:
/// a soft constraint whose effects the model applies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Objection {
    /// The objecting country (Russia).
    pub objector: usize,
    /// Fall in acceptance log-odds per 10,000 proximity-weighted troops.
    pub acceptance_penalty_per_10k: f64,
    /// Added monthly incident chance per 10,000 proximity-weighted troops.
    pub incident_probability_per_10k: f64,
    /// Grievance added by each incident.
    pub grievance_per_incident: f64,
}

/// Everything one batch needs, compiled from a checked scenario file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct World {
    pub title: String,
    pub horizon_months: u32,
    pub default_runs: u64,
    pub default_seed: u64,
    pub countries: Countries,
    pub packages: Vec<Package>,
    pub infeasible: Vec<InfeasiblePackage>,
    pub scenarios: Vec<Scenario>,
    pub objection: Option<Objection>,
}

impl World {
    pub fn package_index(&self, id: &str) -> Option<usize> {
        self.packages.iter().position(|p| p.id == id)
    }

    pub fn scenario_index(&self, id: &str) -> Option<usize> {
        self.scenarios.iter().position(|s| s.id == id)
    }
}

#[cfg(test)]
mod range_tests {
    use super::*;

    #[test]
    fn every_coefficient_has_a_declared_range() {
        for c in COEFFICIENTS {
            assert!(
                c.range().is_some(),
                "coefficient `{}` has unit `{}`, which is not in UNITS",
                c.name,
                c.unit
            );
        }
        for (name, _) in RANGE_EXCEPTIONS {
            assert!(
                CoefficientInfo::index_of(name).is_some(),
                "`{name}` is not a coefficient"
            );
        }
    }
}
