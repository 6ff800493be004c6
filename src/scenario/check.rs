//! Semantic checks and compilation of the typed file into a [`World`].
//! Every check reports at the value's place and goes on, so all problems
//! are found in one pass.

use std::collections::BTreeMap;

use super::Ctx;
use super::constraints::{self, Constraint, CountryFacts, Effect, PackageFacts};
use super::format::field_range;
use super::format::{
    ConstraintSpec, DistSpec, EventKindSpec, LegalFormSpec, MonitoringSpec, PackageSpec, ParamSpec,
    PostureSpec, RoleSpec, SanctionsModeSpec, ScenarioSpec,
};
use super::items::Parsed;
use super::suggest::{did_you_mean, help_for, name_list};
use super::tree::Node;
use crate::model::params::{
    COEFFICIENTS, ConstraintViolation, Countries, Event, EventKind, InfeasiblePackage, LegalForm,
    Monitoring, Objection, Package, ParamDist, Posture, REFERENCE_ARMY_TROOPS, Role, SanctionsMode,
    Scenario, World,
};
use crate::model::params::{CoefficientInfo, EVENT_MONTH_RANGE, ValueRange};

/// Defaults for `[simulation]` (documented in `format.rs`).
pub(crate) const DEFAULT_HORIZON_MONTHS: i64 = 60;
pub(crate) const DEFAULT_RUNS: i64 = 1000;
pub(crate) const DEFAULT_SEED: i64 = 1;

/// Blocs the model knows.
pub(crate) const BLOCS: &[&str] = &[
    "europe",
    "north-america",
    "asia-pacific",
    "ukraine",
    "russia",
];
/// Pledge domains.
pub(crate) const DOMAINS: &[&str] = &[
    "land",
    "air",
    "sea",
    "intelligence",
    "logistics",
    "training",
    "sanctions",
    "money",
];

/// A child node for spans, or the table itself when the key is absent.
fn at<'a>(n: &'a Node, key: &str) -> &'a Node {
    n.get(key).unwrap_or(n)
}

impl Ctx {
    /// Checks a plain-number field against its range in [`FIELD_RANGES`].
    fn check_field(&mut self, table: &str, node: &Node, field: &str, what: &str, v: f64) -> bool {
        let Some(range) = field_range(table, field) else {
            return true;
        };
        if range.contains(v) {
            return true;
        }
        let valid = range.text();
        self.error_at_node(
            node,
            format!("{what} is {}: {valid}, found {v}", range.kind),
            format!("must be {valid}"),
            format!("`{field}` takes {}: {valid}", range.kind),
        );
        false
    }

    fn non_negative(&mut self, node: &Node, what: &str, v: f64) {
        if v < 0.0 {
            self.error_at(
                node.file,
                node.span.clone(),
                format!("{what} is {v}, but it cannot be negative"),
                "must be 0 or more",
                format!("{what} must be 0 or more"),
            );
        }
    }

    /// A required value; reports it missing at the item's header.
    fn required<T: Clone>(
        &mut self,
        item: &Node,
        v: &Option<T>,
        field: &str,
        what: &str,
    ) -> Option<T> {
        if v.is_none() && !self.is_tainted(item) {
            self.error_at(
                item.file,
                item.span.clone(),
                format!("{what} has no `{field}`"),
                format!("`{field}` missing in this table"),
                format!(
                    "add `{field} = ...`; it is required (set it here or in the file this one extends)"
                ),
            );
        }
        v.clone()
    }

    /// Resolves a country id, suggesting the closest known id.
    fn country(
        &mut self,
        ids: &[String],
        all_ids: &[String],
        name: &str,
        node: &Node,
        role: &str,
    ) -> Option<usize> {
        let lookup = self.country_lookup(ids, all_ids);
        if let Some(&i) = lookup.compiled.get(name) {
            return Some(i);
        }
        if lookup.all.contains(name) {
            // The country exists but had errors of its own.
            return None;
        }
        let help = if self.wants_detail() {
            help_for(
                name,
                all_ids,
                &format!("known countries: {}", name_list(all_ids)),
            )
        } else {
            String::new()
        };
        self.error_at(
            node.file,
            node.span.clone(),
            format!("unknown country `{name}` {role}"),
            "no [[countries]] entry has this id",
            help,
        );
        None
    }
}

pub(crate) fn compile(ctx: &mut Ctx, p: &Parsed<'_>) -> Option<World> {
    let root = p.root;
    let spec = &p.spec;

    // ---- simulation ----
    let sim = spec.simulation.clone().unwrap_or_default();
    let sim_node = at(root, "simulation");
    let horizon = sim.horizon_months.unwrap_or(DEFAULT_HORIZON_MONTHS);
    let runs = sim.runs.unwrap_or(DEFAULT_RUNS);
    let seed = sim.seed.unwrap_or(DEFAULT_SEED);
    for (field, v) in [("horizon_months", horizon), ("runs", runs), ("seed", seed)] {
        ctx.check_field("Simulation", at(sim_node, field), field, field, v as f64);
    }

    let title = spec
        .meta
        .as_ref()
        .and_then(|m| m.title.clone())
        .or_else(|| ctx.files.first().map(|f| f.path.clone()))
        .unwrap_or_default();

    // ---- countries ----
    let (mut countries, blocs, troops_max) = compile_countries(ctx, p);
    let ids = countries.id.clone();
    let all_ids = p.all_country_ids.clone();

    // ---- constraints ----
    let mut checked: Vec<Constraint<'_>> = Vec::new();
    let mut checked_nodes: Vec<&Node> = Vec::new();
    for (c, node) in spec.constraints.iter().zip(&p.constraints) {
        if let Some(k) = check_constraint(ctx, c, node, &ids, &all_ids) {
            checked.push(k);
            checked_nodes.push(node);
        }
    }
    let mut objection: Option<Objection> = None;
    for (c, node) in checked.iter().zip(&checked_nodes) {
        if let Err(msg) = constraints::apply_to_world(c, &mut countries, &mut objection) {
            ctx.error_at(
                node.file,
                node.span.clone(),
                msg,
                "here",
                "merge the two constraints into one",
            );
        }
    }

    // ---- packages ----
    let mut packages = Vec::new();
    let mut infeasible = Vec::new();
    for (pk, node) in spec.packages.iter().zip(&p.packages) {
        let facts = CountryFacts {
            countries: &countries,
            bloc: &blocs,
        };
        match compile_package(
            ctx,
            pk,
            node,
            &facts,
            &all_ids,
            &troops_max,
            &checked,
            &checked_nodes,
        ) {
            Some(Ok(pkg)) => packages.push(pkg),
            Some(Err(inf)) => infeasible.push(inf),
            None => {}
        }
    }

    // ---- coefficients and scenarios ----
    let base = compile_coefficients(ctx, p);
    let mut scenarios = Vec::new();
    for (sc, node) in spec.scenarios.iter().zip(&p.scenarios) {
        if let Some(s) = compile_scenario(ctx, sc, node, &base, &ids, &all_ids) {
            scenarios.push(s);
        }
    }
    for (ix, dist) in compile_every_scenario(ctx, p) {
        for s in &mut scenarios {
            if let Some(slot) = s.coefficients.get_mut(ix) {
                *slot = dist;
            }
        }
    }

    if ctx.has_errors() {
        return None;
    }
    Some(World {
        title,
        horizon_months: u32::try_from(horizon).ok()?,
        default_runs: u64::try_from(runs).ok()?,
        default_seed: u64::try_from(seed).ok()?,
        countries,
        packages,
        infeasible,
        scenarios,
        objection,
    })
}

fn compile_countries(ctx: &mut Ctx, p: &Parsed<'_>) -> (Countries, Vec<String>, Vec<Option<i64>>) {
    let mut cs = Countries::default();
    let mut blocs = Vec::new();
    let mut troops_max = Vec::new();
    let mut defenders: Vec<&Node> = Vec::new();
    let mut challengers: Vec<&Node> = Vec::new();
    for (c, node) in p.spec.countries.iter().zip(&p.countries) {
        let node: &Node = node;
        let what = format!("country `{}`", c.id);
        if c.id.trim().is_empty() {
            ctx.error_at_node(
                at(node, "id"),
                "empty country id",
                "empty",
                "give the country a short id such as \"france\"",
            );
        }
        let name = ctx
            .required(node, &c.name, "name", &what)
            .unwrap_or_default();
        let role = ctx
            .required(node, &c.role, "role", &what)
            .unwrap_or(RoleSpec::Guarantor);
        match role {
            RoleSpec::Defender => defenders.push(node),
            RoleSpec::Challenger => challengers.push(node),
            _ => {}
        }
        let cap = c.capability.clone().unwrap_or_default();
        let cap_node = at(node, "capability");
        let mut capv = [0.0; 3];
        if ctx
            .required(node, &c.capability, "capability", &what)
            .is_some()
        {
            let cap_what = format!("the capability of {what}");
            let fields = [
                ("military", cap.military),
                ("intelligence", cap.intelligence),
                ("logistics", cap.logistics),
            ];
            for (slot, (field, v)) in capv.iter_mut().zip(fields) {
                if let Some(x) = ctx.required(cap_node, &v, field, &cap_what) {
                    ctx.check_field(
                        "CapabilitySpec",
                        at(cap_node, field),
                        field,
                        &format!("{what}: capability.{field}"),
                        x,
                    );
                    *slot = x;
                }
            }
        }
        let economy = cap.economy_usd_tn.unwrap_or(0.0);
        ctx.check_field(
            "CapabilitySpec",
            at(cap_node, "economy_usd_tn"),
            "economy_usd_tn",
            &format!("{what}: capability.economy_usd_tn"),
            economy,
        );
        if let Some(u) = c.us_coupling {
            ctx.check_field(
                "CountrySpec",
                at(node, "us_coupling"),
                "us_coupling",
                &format!("{what}: us_coupling"),
                u,
            );
        }
        let resolve = ctx
            .required(node, &c.resolve, "resolve", &what)
            .unwrap_or(0.0);
        ctx.check_field(
            "CountrySpec",
            at(node, "resolve"),
            "resolve",
            &format!("{what}: resolve"),
            resolve,
        );
        let volatility = ctx
            .required(node, &c.volatility, "volatility", &what)
            .unwrap_or(0.0);
        ctx.check_field(
            "CountrySpec",
            at(node, "volatility"),
            "volatility",
            &format!("{what}: volatility"),
            volatility,
        );
        let months = |ctx: &mut Ctx, key: &str, v: Option<i64>| -> u32 {
            let v = v.unwrap_or(0);
            let what = format!("{what}: {key}");
            match ctx.check_field("CountrySpec", at(node, key), key, &what, v as f64) {
                true => u32::try_from(v).unwrap_or(0),
                false => 0,
            }
        };
        let interval = months(ctx, "election_interval_months", c.election_interval_months);
        let next = months(ctx, "next_election_month", c.next_election_month);
        let bloc = c.bloc.clone().unwrap_or_default();
        if let Some(b) = &c.bloc {
            if !BLOCS.contains(&b.as_str()) {
                let help = match did_you_mean(b, BLOCS) {
                    Some(s) => format!("did you mean `{s}`? Known blocs: {}", BLOCS.join(", ")),
                    None => format!("known blocs: {}", BLOCS.join(", ")),
                };
                ctx.warn_at_node(
                    at(node, "bloc"),
                    format!("{what}: unknown bloc `{b}`"),
                    "not a known bloc",
                    help,
                );
            }
        }
        if let Some(pl) = &c.pledge {
            let pn = at(node, "pledge");
            if let Some(t) = pl.troops_max {
                ctx.check_field(
                    "PledgeSpec",
                    at(pn, "troops_max"),
                    "troops_max",
                    &format!("{what}: pledge.troops_max"),
                    t as f64,
                );
            }
            for d in &pl.domains {
                if !DOMAINS.contains(&d.as_str()) {
                    let help = match did_you_mean(d, DOMAINS) {
                        Some(s) => {
                            format!("did you mean `{s}`? Known domains: {}", DOMAINS.join(", "))
                        }
                        None => format!("known domains: {}", DOMAINS.join(", ")),
                    };
                    ctx.warn_at_node(
                        at(pn, "domains"),
                        format!("{what}: unknown pledge domain `{d}`"),
                        "not a known domain",
                        help,
                    );
                }
            }
        }
        let role_m = match role {
            RoleSpec::Defender => Role::Defender,
            RoleSpec::Challenger => Role::Challenger,
            RoleSpec::Guarantor => Role::Guarantor,
            RoleSpec::Economic => Role::Economic,
        };
        let is_us = c.iso.as_deref() == Some("USA");
        if is_us && cs.united_states.is_none() {
            cs.united_states = Some(cs.id.len());
        }
        cs.id.push(c.id.clone());
        cs.name.push(name);
        cs.role.push(role_m);
        cs.european.push(bloc == "europe");
        cs.western
            .push(c.western.unwrap_or(role == RoleSpec::Guarantor));
        cs.military.push(capv[0]);
        cs.intelligence.push(capv[1]);
        cs.logistics.push(capv[2]);
        cs.resolve.push(resolve);
        cs.volatility.push(volatility);
        cs.election_interval_months.push(interval);
        cs.next_election_month.push(next);
        cs.response_delay_months.push(0);
        cs.economy.push(economy);
        cs.us_coupling.push(c.us_coupling);
        blocs.push(bloc);
        troops_max.push(c.pledge.as_ref().and_then(|p| p.troops_max));
    }
    let countries_node = at(p.root, "countries");
    if p.all_country_ids.is_empty() && p.root.get("countries").is_none() {
        ctx.error_at(
            0,
            0..0,
            "the file defines no countries",
            "no [[countries]] entries",
            "add [[countries]] entries (at least Ukraine as role = \"defender\" and Russia as \
             role = \"challenger\"), or start the file with extends = \"paris-2026.toml\"",
        );
        return (cs, blocs, troops_max);
    }
    for (list, role, idx) in [
        (&defenders, "defender", 0usize),
        (&challengers, "challenger", 1),
    ] {
        match list.as_slice() {
            [one] => {
                let i = p
                    .countries
                    .iter()
                    .position(|n| std::ptr::eq(*n, *one))
                    .unwrap_or(0);
                if idx == 0 {
                    cs.ukraine = i;
                } else {
                    cs.russia = i;
                }
            }
            [] => {
                let roles_tainted = p.countries.iter().any(|n| ctx.is_tainted(n));
                if !roles_tainted || p.countries.is_empty() {
                    ctx.error_at(
                        countries_node.file,
                        countries_node.span.clone(),
                        format!("no country has role = \"{role}\""),
                        "in these countries",
                        format!("exactly one country must be the {role} (Ukraine is the defender, Russia the challenger)"),
                    );
                }
            }
            [first, rest @ ..] => {
                let first = at(first, "role");
                for r in rest {
                    let r = at(r, "role");
                    let d = ctx.make_error(
                        format!("more than one country has role = \"{role}\""),
                        r.file,
                        r.span.clone(),
                        "a second one",
                        format!("exactly one country must be the {role}"),
                    );
                    let d = if first.file == r.file {
                        d.also(first.span.clone(), "the first one")
                    } else {
                        d
                    };
                    ctx.push(d);
                }
            }
        }
    }
    (cs, blocs, troops_max)
}

fn check_constraint<'a>(
    ctx: &mut Ctx,
    c: &'a ConstraintSpec,
    node: &Node,
    ids: &[String],
    all_ids: &[String],
) -> Option<Constraint<'a>> {
    let what = format!("constraint `{}`", c.id);
    let kind = ctx.required(node, &c.kind, "kind", &what)?;
    let mut ok = true;
    for field in constraints::required_fields(kind) {
        let present = match *field {
            "country" => c.country.is_some(),
            "bloc" => c.bloc.is_some(),
            "delay_months" => c.delay_months.is_some(),
            "acceptance_penalty_per_10k" => c.acceptance_penalty_per_10k.is_some(),
            "incident_probability_per_10k" => c.incident_probability_per_10k.is_some(),
            "grievance_per_incident" => c.grievance_per_incident.is_some(),
            _ => true,
        };
        if !present && !ctx.is_tainted(node) {
            ok = false;
            let kind_name = kind_name(kind);
            ctx.error_at(
                node.file,
                node.span.clone(),
                format!("{what} (kind {kind_name}) has no `{field}`"),
                format!("`{field}` missing in this table"),
                format!(
                    "a {kind_name} constraint needs: {}",
                    constraints::required_fields(kind).join(", ")
                ),
            );
        }
    }
    let country = match &c.country {
        Some(name) => {
            let r = ctx.country(
                ids,
                all_ids,
                name,
                at(node, "country"),
                &format!("in {what}"),
            );
            if r.is_none() {
                ok = false;
            }
            r
        }
        None => None,
    };
    if let Some(b) = &c.bloc {
        if !BLOCS.contains(&b.as_str()) {
            let help = help_for(b, BLOCS, &format!("known blocs: {}", BLOCS.join(", ")));
            ctx.error_at_node(
                at(node, "bloc"),
                format!("{what}: unknown bloc `{b}`"),
                "not a known bloc",
                help,
            );
            ok = false;
        }
    }
    if let Some(d) = c.delay_months {
        ctx.check_field(
            "ConstraintSpec",
            at(node, "delay_months"),
            "delay_months",
            &format!("{what}: delay_months"),
            d as f64,
        );
    }
    if let Some(v) = c.acceptance_penalty_per_10k {
        ctx.check_field(
            "ConstraintSpec",
            at(node, "acceptance_penalty_per_10k"),
            "acceptance_penalty_per_10k",
            &format!("{what}: acceptance_penalty_per_10k"),
            v,
        );
    }
    if let Some(v) = c.incident_probability_per_10k {
        ctx.check_field(
            "ConstraintSpec",
            at(node, "incident_probability_per_10k"),
            "incident_probability_per_10k",
            &format!("{what}: incident_probability_per_10k"),
            v,
        );
    }
    if let Some(v) = c.grievance_per_incident {
        ctx.check_field(
            "ConstraintSpec",
            at(node, "grievance_per_incident"),
            "grievance_per_incident",
            &format!("{what}: grievance_per_incident"),
            v,
        );
    }
    ok.then_some(Constraint {
        spec: c,
        kind,
        country,
    })
}

fn kind_name(kind: super::format::ConstraintKindSpec) -> String {
    toml::Value::try_from(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{kind:?}"))
}

#[allow(clippy::too_many_arguments)]
fn compile_package(
    ctx: &mut Ctx,
    pk: &PackageSpec,
    node: &Node,
    facts: &CountryFacts<'_>,
    all_ids: &[String],
    troops_max: &[Option<i64>],
    checked: &[Constraint<'_>],
    checked_nodes: &[&Node],
) -> Option<Result<Package, InfeasiblePackage>> {
    let ids = &facts.countries.id;
    let n = ids.len();
    let what = format!("package `{}`", pk.id);
    let errors_before = ctx.errors;
    let name = pk.name.clone().unwrap_or_else(|| pk.id.clone());
    let legal_form = ctx.required(node, &pk.legal_form, "legal_form", &what);
    let monitoring = ctx.required(node, &pk.monitoring, "monitoring", &what);

    let resolve_list = |ctx: &mut Ctx, key: &str, list: &[String]| -> Vec<bool> {
        let mut v = vec![false; n];
        let list_node = at(node, key);
        let elems = list_node.as_array().unwrap_or(&[]);
        for (i, c) in list.iter().enumerate() {
            let en = elems.get(i).unwrap_or(list_node);
            if let Some(ix) = ctx.country(ids, all_ids, c, en, &format!("in {what}: {key}")) {
                if let Some(slot) = v.get_mut(ix) {
                    *slot = true;
                }
            }
        }
        v
    };
    let explicit = resolve_list(ctx, "guarantors", &pk.guarantors);
    let air = resolve_list(ctx, "air_policing", &pk.air_policing);
    let sea = resolve_list(ctx, "maritime", &pk.maritime);
    let intelligence = resolve_list(ctx, "intelligence", &pk.intelligence);
    let logistics = resolve_list(ctx, "logistics", &pk.logistics);
    let backstop = resolve_list(ctx, "backstop", &pk.backstop);

    // The force.
    let force = pk.force.clone().unwrap_or_default();
    let force_node = at(node, "force");
    let troops_node = at(force_node, "troops");
    let mut troops = vec![0.0; n];
    let mut troop_facts: Vec<(usize, f64, &Node)> = Vec::new();
    for (cid, &t) in &force.troops {
        let key_node = troops_node.get(cid).unwrap_or(troops_node);
        let key_only = Node {
            span: key_node.key_span.clone(),
            ..key_node.clone()
        };
        let ix = ctx.country(
            ids,
            all_ids,
            cid,
            &key_only,
            &format!("in {what}: force.troops"),
        );
        if t < 0 {
            ctx.non_negative(key_node, &format!("{what}: troops of `{cid}`"), t as f64);
            continue;
        }
        let Some(ix) = ix else { continue };
        if let Some(Some(max)) = troops_max.get(ix) {
            if t > *max {
                ctx.warn_at(
                    key_node.file,
                    key_node.span.clone(),
                    format!("{what}: {cid} sends {t} troops, above its pledge.troops_max of {max}"),
                    "above the pledge",
                    "fine for a what-if; raise pledge.troops_max if the country could really send this many",
                );
            }
        }
        if let Some(role) = facts.countries.role.get(ix) {
            if matches!(role, Role::Defender | Role::Challenger) && t > 0 {
                ctx.warn_at(key_node.file, key_node.key_span.clone(), format!("{what}: {cid} is the {} and cannot contribute to the multinational force; its troops are ignored", if *role == Role::Defender { "defender" } else { "challenger" }), "not a guarantor", "");
                continue;
            }
        }
        if let Some(slot) = troops.get_mut(ix) {
            *slot = t as f64;
        }
        if t > 0 {
            troop_facts.push((ix, t as f64, key_node));
        }
    }
    let lead = match &force.lead {
        Some(l) => {
            let ln = at(force_node, "lead");
            ctx.country(ids, all_ids, l, ln, &format!("in {what}: force.lead"))
                .map(|i| (i, ln))
        }
        None => None,
    };
    let posture = match force.posture {
        Some(p) => p,
        None if troop_facts.is_empty() => PostureSpec::None,
        None => {
            if !ctx.is_tainted(force_node) {
                ctx.error_at(
                    force_node.file,
                    force_node.span.clone(),
                    format!("{what}: the force has troops but no `posture`"),
                    "`posture` missing",
                    "add posture = \"rear\", \"line\" or \"over-the-horizon\"",
                );
            }
            PostureSpec::None
        }
    };

    // Sanctions and reconstruction.
    let sanctions = pk.sanctions.clone().unwrap_or_default();
    let sn = at(node, "sanctions");
    let mode = sanctions.mode.unwrap_or(SanctionsModeSpec::None);
    let severity = sanctions.severity.unwrap_or(0.0);
    ctx.check_field(
        "SanctionsSpec",
        at(sn, "severity"),
        "severity",
        &format!("{what}: sanctions.severity"),
        severity,
    );
    if sanctions.severity.is_some()
        && severity > 0.0
        && sanctions.mode.is_none()
        && !ctx.is_tainted(sn)
    {
        ctx.error_at(
            sn.file,
            sn.span.clone(),
            format!("{what}: sanctions have a severity but no `mode`"),
            "`mode` missing",
            "add mode = \"automatic\" or \"discretionary\"",
        );
    }
    if mode != SanctionsModeSpec::None && sanctions.severity.is_none() && !ctx.is_tainted(sn) {
        ctx.error_at(
            sn.file,
            sn.span.clone(),
            format!("{what}: sanctions have a mode but no `severity`"),
            "`severity` missing",
            "add severity = 0.0 to 1.0",
        );
    }
    let rec = pk.reconstruction.clone().unwrap_or_default();
    let rn = at(node, "reconstruction");
    let usd = rec.usd_bn_per_year.unwrap_or(0.0);
    ctx.check_field(
        "ReconstructionSpec",
        at(rn, "usd_bn_per_year"),
        "usd_bn_per_year",
        &format!("{what}: reconstruction.usd_bn_per_year"),
        usd,
    );
    let target_troops = rec
        .target_troops
        .map_or(REFERENCE_ARMY_TROOPS, |t| t as f64);
    ctx.check_field(
        "ReconstructionSpec",
        at(rn, "target_troops"),
        "target_troops",
        &format!("{what}: reconstruction.target_troops"),
        target_troops,
    );
    let relief = sanctions.relief.unwrap_or(0.0);
    ctx.check_field(
        "SanctionsSpec",
        at(sn, "relief"),
        "relief",
        &format!("{what}: sanctions.relief"),
        relief,
    );

    let errors_now = ctx.errors;
    if errors_now > errors_before {
        return None;
    }
    let (legal_form, monitoring) = (legal_form?, monitoring?);

    // Constraints.
    let pf = PackageFacts {
        troops: troop_facts,
        lead,
        force_node: if pk.force.is_some() { force_node } else { node },
        backstop: (0..n)
            .filter(|i| backstop.get(*i).copied().unwrap_or(false))
            .collect(),
    };
    let mut violations = Vec::new();
    let mut effects = Vec::new();
    for (c, cnode) in checked.iter().zip(checked_nodes) {
        for effect in constraints::evaluate(c, &pf, facts) {
            effects.push((c, *cnode, effect));
        }
    }
    // Soft effects only matter for a package that is simulated.
    let infeasible = effects
        .iter()
        .any(|(_, _, e)| matches!(e, Effect::Infeasible { .. }));
    for (c, cnode, effect) in effects {
        {
            match effect {
                Effect::Infeasible {
                    country,
                    reason,
                    at,
                } => {
                    debug_assert!(constraints::is_hard(c.kind));
                    violations.push(ConstraintViolation {
                        constraint: c.spec.id.clone(),
                        country: country
                            .and_then(|i| ids.get(i).cloned())
                            .unwrap_or_else(|| "(none)".into()),
                        reason,
                        location: ctx.file_line(at.file, &at.key_span),
                    });
                }
                Effect::StayHome { .. } if infeasible => {}
                Effect::StayHome {
                    country,
                    reason,
                    at,
                } => {
                    if let Some(slot) = troops.get_mut(country) {
                        *slot = 0.0;
                    }
                    let d = ctx.make_warning(
                        format!("{what}: {reason}"),
                        at.file,
                        at.key_span.clone(),
                        format!("constraint `{}`", c.spec.id),
                        format!(
                            "constraint `{}` at {}",
                            c.spec.id,
                            ctx.file_line(cnode.file, &cnode.span)
                        ),
                    );
                    ctx.push(d);
                }
            }
        }
    }
    if !violations.is_empty() {
        return Some(Err(InfeasiblePackage {
            id: pk.id.clone(),
            name,
            violations,
        }));
    }

    // Guarantors: explicit ones and every contributor, minus Ukraine and Russia.
    let mut guarantor = vec![false; n];
    for (i, g) in guarantor.iter_mut().enumerate() {
        let contributes = explicit.get(i).copied().unwrap_or(false)
            || pf.troops.iter().any(|(c, _, _)| *c == i)
            || [&air, &sea, &intelligence, &logistics, &backstop]
                .iter()
                .any(|v| v.get(i).copied().unwrap_or(false));
        let role = facts.countries.role.get(i);
        *g = contributes && !matches!(role, Some(Role::Defender | Role::Challenger));
    }
    Some(Ok(Package {
        id: pk.id.clone(),
        name,
        legal_form: match legal_form {
            LegalFormSpec::None => LegalForm::None,
            LegalFormSpec::PoliticalDeclaration => LegalForm::PoliticalDeclaration,
            LegalFormSpec::BilateralAgreements => LegalForm::BilateralAgreements,
            LegalFormSpec::BindingTreaty => LegalForm::BindingTreaty,
            LegalFormSpec::MutualDefence => LegalForm::MutualDefence,
        },
        monitoring: match monitoring {
            MonitoringSpec::None => Monitoring::None,
            MonitoringSpec::Technical => Monitoring::Technical,
            MonitoringSpec::Observers => Monitoring::Observers,
            MonitoringSpec::UsLed => Monitoring::UsLed,
        },
        posture: match posture {
            PostureSpec::None => Posture::None,
            PostureSpec::OverTheHorizon => Posture::OverTheHorizon,
            PostureSpec::Rear => Posture::Rear,
            PostureSpec::Line => Posture::Line,
        },
        troops,
        guarantor,
        air,
        sea,
        intelligence,
        logistics,
        backstop,
        sanctions_severity: severity,
        sanctions_mode: match mode {
            SanctionsModeSpec::None => SanctionsMode::None,
            SanctionsModeSpec::Automatic => SanctionsMode::Automatic,
            SanctionsModeSpec::Discretionary => SanctionsMode::Discretionary,
        },
        sanctions_relief: relief,
        reconstruction_usd_bn_per_year: usd,
        target_troops,
        lead: pf.lead.map(|(i, _)| i),
        diplomacy: pk.diplomacy.unwrap_or(false),
    }))
}

/// Checks one coefficient (name and value) and converts it.
fn coefficient(
    ctx: &mut Ctx,
    name: &str,
    spec: &ParamSpec,
    node: &Node,
    where_: &str,
) -> Option<(usize, ParamDist)> {
    let Some(ix) = CoefficientInfo::index_of(name) else {
        let names: Vec<&str> = COEFFICIENTS.iter().map(|c| c.name).collect();
        let suggestion = ctx.wants_detail().then(|| did_you_mean(name, &names));
        let help = match suggestion.flatten() {
            Some(s) => {
                format!("did you mean `{s}`? `guarantee-sim schema` lists every coefficient")
            }
            None => "`guarantee-sim schema` lists every coefficient with its unit and meaning"
                .to_string(),
        };
        ctx.error_at(
            node.file,
            node.key_span.clone(),
            format!("unknown coefficient `{name}` in {where_}"),
            "not a model coefficient",
            help,
        );
        return None;
    };
    let info = COEFFICIENTS.get(ix)?;
    let d = param_dist(ctx, spec, node, &format!("`{name}`"), info.range())?;
    Some((ix, d))
}

/// Checks a number or distribution and converts it to a [`ParamDist`].
pub(crate) fn param_dist(
    ctx: &mut Ctx,
    spec: &ParamSpec,
    node: &Node,
    what: &str,
    range: Option<ValueRange>,
) -> Option<ParamDist> {
    let before = ctx.errors;
    let bad = |ctx: &mut Ctx, key: &str, msg: String, help: &str| {
        ctx.error_at_node(at(node, key), format!("{what}: {msg}"), "here", help);
    };
    let dist = match spec {
        ParamSpec::Fixed(v) => ParamDist::Fixed { value: *v },
        ParamSpec::Dist(DistSpec::Uniform { min, max }) => {
            if min > max {
                bad(
                    ctx,
                    "max",
                    format!("uniform min {min} is above max {max}"),
                    "a uniform distribution needs min <= max",
                );
            }
            ParamDist::Uniform {
                min: *min,
                max: *max,
            }
        }
        ParamSpec::Dist(DistSpec::Normal { mean, sd, min, max }) => {
            if *sd <= 0.0 {
                bad(
                    ctx,
                    "sd",
                    format!("normal sd is {sd}, but it must be > 0"),
                    "the standard deviation must be positive; use a plain number for a fixed value",
                );
            }
            let (lo, hi) = (
                min.unwrap_or(f64::NEG_INFINITY),
                max.unwrap_or(f64::INFINITY),
            );
            if lo > hi {
                bad(
                    ctx,
                    "max",
                    format!("normal min {lo} is above max {hi}"),
                    "min must be <= max",
                );
            }
            ParamDist::Normal {
                mean: *mean,
                sd: *sd,
                min: lo,
                max: hi,
            }
        }
        ParamSpec::Dist(DistSpec::Triangular { min, mode, max }) => {
            if min >= max {
                bad(
                    ctx,
                    "max",
                    format!("triangular min {min} must be below max {max}"),
                    "a triangular distribution needs min < max",
                );
            } else if !(min <= mode && mode <= max) {
                bad(
                    ctx,
                    "mode",
                    format!("triangular mode {mode} is outside [{min}, {max}]"),
                    "the mode must lie between min and max",
                );
            }
            ParamDist::Triangular {
                min: *min,
                mode: *mode,
                max: *max,
            }
        }
        ParamSpec::Dist(DistSpec::Beta {
            alpha,
            beta,
            min,
            max,
        }) => {
            if *alpha <= 0.0 {
                bad(
                    ctx,
                    "alpha",
                    format!("beta alpha is {alpha}, but it must be > 0"),
                    "alpha and beta are positive shape parameters",
                );
            }
            if *beta <= 0.0 {
                bad(
                    ctx,
                    "beta",
                    format!("beta beta is {beta}, but it must be > 0"),
                    "alpha and beta are positive shape parameters",
                );
            }
            let (lo, hi) = (min.unwrap_or(0.0), max.unwrap_or(1.0));
            if lo >= hi {
                bad(
                    ctx,
                    "max",
                    format!("beta min {lo} must be below max {hi}"),
                    "a beta distribution is scaled to [min, max] with min < max",
                );
            }
            ParamDist::Beta {
                alpha: *alpha,
                beta: *beta,
                min: lo,
                max: hi,
            }
        }
    };
    if let Some(range) = range {
        let (a, b) = match dist {
            ParamDist::Fixed { value } => (value, value),
            ParamDist::Uniform { min, max }
            | ParamDist::Normal { min, max, .. }
            | ParamDist::Triangular { min, max, .. }
            | ParamDist::Beta { min, max, .. } => (min, max),
        };
        if !(range.contains(a) && range.contains(b)) {
            let (kind, valid) = (range.kind, range.text());
            let msg = match dist {
                ParamDist::Fixed { value } => format!("{what} is {kind}: {valid}, found {value}"),
                ParamDist::Normal { .. } if a.is_infinite() || b.is_infinite() => format!(
                    "{what} is {kind}: {valid}; a normal distribution here needs `min` and `max` inside that range"
                ),
                _ => format!(
                    "{what} is {kind}: {valid}, but the distribution reaches from {a} to {b}"
                ),
            };
            let help = match dist {
                ParamDist::Fixed { .. } if range.min.is_finite() && range.max.is_finite() => {
                    format!("use a number from {valid}")
                }
                ParamDist::Fixed { .. } => format!("use a number of {valid}"),
                _ => format!("bound the distribution with `min` and `max` within {valid}"),
            };
            ctx.error_at(
                node.file,
                node.span.clone(),
                msg,
                format!("must be {valid}"),
                help,
            );
        }
    }
    let after = ctx.errors;
    (after == before).then_some(dist)
}

/// File-level coefficients: names, values and completeness.
fn compile_coefficients(ctx: &mut Ctx, p: &Parsed<'_>) -> Vec<Option<ParamDist>> {
    let mut base: Vec<Option<ParamDist>> = vec![None; COEFFICIENTS.len()];
    let cnode = at(p.root, "coefficients");
    let empty = BTreeMap::new();
    let specs = p.spec.coefficients.as_ref().unwrap_or(&empty);
    let mut had_error = false;
    if let Some(entries) = cnode.as_table() {
        for (name, n) in entries {
            let Some(spec) = specs.get(name) else {
                had_error = true; // the value itself had an error
                continue;
            };
            match coefficient(ctx, name, spec, n, "[coefficients]") {
                Some((ix, d)) => {
                    if let Some(slot) = base.get_mut(ix) {
                        *slot = Some(d);
                    }
                }
                None => had_error = true,
            }
        }
    }
    let missing: Vec<&str> = COEFFICIENTS
        .iter()
        .zip(&base)
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| c.name)
        .collect();
    if !missing.is_empty() && !had_error && !ctx.is_tainted(cnode) {
        let root_file = ctx.files.last().map(|f| f.path.clone()).unwrap_or_default();
        let first = ctx
            .files
            .first()
            .map(|f| f.path.clone())
            .unwrap_or_default();
        let who = if ctx.files.len() > 1 {
            format!(
                "they are normally set in [coefficients] of `{root_file}`, the file at the start of the `extends` chain"
            )
        } else {
            format!(
                "add them to [coefficients] in `{first}`, or start the file with extends = \"paris-2026.toml\" to inherit every coefficient"
            )
        };
        let (file, span) = if p.root.get("coefficients").is_some() {
            (cnode.file, cnode.span.clone())
        } else {
            (0, 0..0)
        };
        ctx.error_at(
            file,
            span,
            format!(
                "{} coefficient{} ha{} no value: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                if missing.len() == 1 { "s" } else { "ve" },
                missing.join(", ")
            ),
            "coefficients missing",
            who,
        );
    }
    base
}

/// `[every_scenario.coefficients]`: each checked once, by index.
fn compile_every_scenario(ctx: &mut Ctx, p: &Parsed<'_>) -> Vec<(usize, ParamDist)> {
    let Some(specs) = p.spec.every_scenario.as_ref().map(|e| &e.coefficients) else {
        return Vec::new();
    };
    let cnode = at(at(p.root, "every_scenario"), "coefficients");
    specs
        .iter()
        .filter_map(|(name, spec)| {
            let n = cnode.get(name).unwrap_or(cnode);
            coefficient(ctx, name, spec, n, "[every_scenario.coefficients]")
        })
        .collect()
}

fn compile_scenario(
    ctx: &mut Ctx,
    sc: &ScenarioSpec,
    node: &Node,
    base: &[Option<ParamDist>],
    ids: &[String],
    all_ids: &[String],
) -> Option<Scenario> {
    let what = format!("scenario `{}`", sc.id);
    let before = ctx.errors;
    let mut coefs: Vec<Option<ParamDist>> = base.to_vec();
    let cnode = at(node, "coefficients");
    // The node's entries, each with its parsed value: looking each name up
    // in the node instead would be quadratic in the number of keys.
    for (name, n) in cnode.as_table().unwrap_or(&[]) {
        let Some(spec) = sc.coefficients.get(name) else {
            continue;
        };
        if let Some((ix, d)) = coefficient(ctx, name, spec, n, &what) {
            if let Some(slot) = coefs.get_mut(ix) {
                *slot = Some(d);
            }
        }
    }
    let mut events = Vec::new();
    let enode = at(node, "events");
    let elems = enode.as_array().unwrap_or(&[]);
    for (i, ev) in sc.events.iter().enumerate() {
        let en = elems.get(i).unwrap_or(enode);
        let ewhat = format!("{what}: event {}", i + 1);
        let month = param_dist(
            ctx,
            &ev.month,
            at(en, "month"),
            &format!("{ewhat}: `month`"),
            Some(EVENT_MONTH_RANGE),
        );
        let kind = match ev.kind {
            EventKindSpec::UsDisengagement => EventKind::UsDisengagement,
            EventKindSpec::CoalitionFracture => EventKind::CoalitionFracture,
            EventKindSpec::ForceStrike => EventKind::ForceStrike,
            EventKindSpec::ResolveShock => EventKind::ResolveShock,
        };
        // What the magnitude measures depends on the kind of event.
        let magnitude_range = kind.magnitude_range();
        let magnitude = match &ev.magnitude {
            Some(m) => param_dist(
                ctx,
                m,
                at(en, "magnitude"),
                &format!("{ewhat}: `magnitude` ({})", magnitude_range.kind),
                Some(magnitude_range),
            ),
            None => Some(ParamDist::Fixed { value: 0.0 }),
        };
        let tnode = at(en, "targets");
        let telems = tnode.as_array().unwrap_or(&[]);
        let mut targets = Vec::new();
        for (j, t) in ev.targets.iter().enumerate() {
            let tn = telems.get(j).unwrap_or(tnode);
            if let Some(ix) = ctx.country(ids, all_ids, t, tn, &format!("in {ewhat}: targets")) {
                targets.push(ix);
            }
        }
        if let (Some(month), Some(magnitude)) = (month, magnitude) {
            events.push(Event {
                kind,
                month,
                magnitude,
                targets,
            });
        }
    }
    let after = ctx.errors;
    if after > before {
        return None;
    }
    // Missing coefficients were reported once for the whole file.
    let coefficients: Option<Vec<ParamDist>> = coefs.into_iter().collect();
    Some(Scenario {
        id: sc.id.clone(),
        name: sc.name.clone().unwrap_or_else(|| sc.id.clone()),
        coefficients: coefficients?,
        events,
    })
}
