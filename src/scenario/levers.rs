//! The levers of a scenario file: the values a student can move on the
//! what-if page (`guarantee-sim serve`), found in the file itself and
//! typed by the JSON schema of the format, so that any file offers its
//! own packages' and scenarios' levers.
//!
//! Per package: every field the schema types as a number with a range,
//! a choice among names (posture, legal form, monitoring, sanctions mode)
//! or a switch (diplomacy), a `*_scale` multiplier (the force size) and
//! the US backstop. Per scenario: its own coefficients (a distribution
//! is replaced by the fixed number chosen) and a switch per event. Global:
//! the file's `[explore] params`, or else the United States' resolve and
//! the cohesion coefficients.
//!
//! A set of lever values is applied to the merged tree and compiled with
//! the file's own checks, and written back as a small `extends` file with
//! only the changed values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::suggest::help_for;
use super::tree::{MERGE_BY_ID, Node, PathSeg, Value};
use super::{Loaded, Merged, PathError, render};
use crate::model::params::{COEFFICIENTS, ValueRange};

/// What a lever is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LeverKind {
    /// A number in `[min, max]`; `integer` fields take whole numbers.
    Number {
        min: f64,
        max: f64,
        step: f64,
        integer: bool,
    },
    /// One of the names the schema allows.
    Choice { options: Vec<String> },
    /// On or off.
    Switch,
}

/// A lever's value, as JSON writes it: a number, a name or a boolean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LeverValue {
    Switch(bool),
    Number(f64),
    Choice(String),
}

/// One lever of the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lever {
    /// The path of the value (see [`crate::scenario::PathError`]), e.g.
    /// `packages.paris-draft.force.posture`; an event switch names the
    /// event, `scenarios.us-disengagement.events.0`.
    pub path: String,
    /// "packages", "scenarios" or "global".
    pub group: &'static str,
    /// The id of the package or scenario (none for a global lever).
    pub entry: Option<String>,
    /// Short label, the path inside the entry ("force.posture").
    pub label: String,
    /// What the value means, from the schema or the coefficient list.
    pub help: String,
    #[serde(flatten)]
    pub kind: LeverKind,
    /// The value as loaded.
    pub value: LeverValue,
    /// The value as the file writes it, when that is not `value` (a
    /// distribution, whose mean `value` shows).
    pub written: Option<String>,
}

/// A lever value the page or a client sent that is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeverError {
    #[error("`{path}` is not a lever of this file; {help}")]
    Unknown { path: String, help: String },
    #[error("`{path}`: {problem}")]
    Invalid { path: String, problem: String },
    #[error(transparent)]
    Rejected(#[from] PathError),
}

/// The key of the package field that lists the countries backing the force
/// from outside Ukraine (see [`super::format::PackageSpec::backstop`]).
const BACKSTOP: &str = "backstop";
/// The ISO code that marks the United States (see
/// [`super::format::CountrySpec::iso`]).
const US_ISO: &str = "USA";
/// Fields that name or describe an entry rather than change the model.
const DESCRIPTIVE: &[&str] = &["id", "name", "description", "based_on", "source", "lead"];
/// Global coefficients offered when the file has no `[explore] params`.
const DEFAULT_GLOBAL_PREFIX: &str = "cohesion_";
/// Slider steps across a range.
const STEPS: f64 = 100.0;

/// The JSON schema with its definitions, for typing fields.
struct Schema {
    root: Json,
}

impl Schema {
    fn new() -> Schema {
        Schema {
            root: super::json_schema(),
        }
    }

    fn definition(&self, name: &str) -> Option<&Json> {
        let defs = self
            .root
            .get("definitions")
            .or_else(|| self.root.get("$defs"))?;
        defs.get(name)
    }

    /// A property's schema with `$ref`, `allOf` and `anyOf [x, null]`
    /// followed to the definition; the description stays the property's.
    fn resolve<'a>(&'a self, prop: &'a Json) -> &'a Json {
        if let Some(r) = prop.get("$ref").and_then(Json::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            return self.definition(name).map_or(prop, |d| self.resolve(d));
        }
        for key in ["allOf", "anyOf"] {
            if let Some(first) = prop
                .get(key)
                .and_then(Json::as_array)
                .and_then(|alts| alts.iter().find(|a| a.get("type") != Some(&"null".into())))
            {
                return self.resolve(first);
            }
        }
        prop
    }

    fn has_type(prop: &Json, name: &str) -> bool {
        match prop.get("type") {
            Some(Json::String(t)) => t == name,
            Some(Json::Array(ts)) => ts.iter().any(|t| t == name),
            _ => false,
        }
    }
}

fn description(prop: &Json) -> String {
    prop.get("description")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .replace('\n', " ")
}

impl Merged {
    /// Every lever of the file, packages first (in file order), then
    /// scenarios, then global assumptions.
    pub fn levers(&self) -> Vec<Lever> {
        let expanded = self.expanded();
        let schema = Schema::new();
        let mut out = Vec::new();
        let us = us_id(&expanded.tree);
        for package in entries(&expanded.tree, "packages") {
            let Some(id) = package.id() else { continue };
            let Some(def) = schema.definition("PackageSpec") else {
                continue;
            };
            let prefix = format!("packages.{id}");
            table_levers(&schema, def, package, &prefix, "", id, &mut out);
            if let Some(us) = &us {
                let backs = package
                    .get(BACKSTOP)
                    .and_then(Node::as_array)
                    .is_some_and(|a| a.iter().any(|n| n.as_str() == Some(us)));
                let help = def
                    .pointer(&format!("/properties/{BACKSTOP}"))
                    .map(description)
                    .unwrap_or_default();
                out.push(Lever {
                    path: format!("{prefix}.{BACKSTOP}"),
                    group: "packages",
                    entry: Some(id.to_string()),
                    label: format!("{BACKSTOP}: {us}"),
                    help,
                    kind: LeverKind::Switch,
                    value: LeverValue::Switch(backs),
                    written: None,
                });
            }
        }
        for scenario in entries(&expanded.tree, "scenarios") {
            let Some(id) = scenario.id() else { continue };
            scenario_levers(scenario, id, &mut out);
        }
        global_levers(&expanded, &us, &mut out);
        out
    }

    /// A copy with `based_on` and `troops_scale` expanded (expanding
    /// removes them, so compiling the copy expands nothing twice): levers
    /// see a package's inherited fields and a force as it is deployed.
    fn expanded(&self) -> Merged {
        let mut m = self.clone();
        super::expand::expand(&mut m.ctx, &mut m.tree);
        m
    }

    /// A copy with the lever values set, checked and compiled with the
    /// file's own checks. `levers` is [`Merged::levers`] of this file.
    pub fn compile_levers(
        &self,
        levers: &[Lever],
        values: &[(String, LeverValue)],
    ) -> Result<Loaded, LeverError> {
        let checked = check_values(levers, values)?;
        let base = self.expanded();
        let mut changed = base.clone();
        let mut dropped_events: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let us = us_id(&base.tree);
        for (lever, value) in &checked {
            match (&lever.kind, value) {
                (LeverKind::Number { integer, .. }, LeverValue::Number(v)) => {
                    let scalar = if *integer {
                        Value::Integer(v.round() as i64)
                    } else {
                        Value::Float(*v)
                    };
                    set_node(&mut changed.tree, &lever.path, scalar);
                }
                (LeverKind::Choice { .. }, LeverValue::Choice(name)) => {
                    set_node(&mut changed.tree, &lever.path, Value::String(name.clone()));
                }
                (LeverKind::Switch, LeverValue::Switch(on)) => {
                    if let Some((scenario, index)) = event_of(&lever.path) {
                        if !on {
                            dropped_events
                                .entry(scenario.to_string())
                                .or_default()
                                .push(index);
                        }
                    } else if lever.path.ends_with(&format!(".{BACKSTOP}")) {
                        let list = backstop_with(&base.tree, &lever.path, us.as_deref(), *on);
                        set_node(&mut changed.tree, &lever.path, list);
                    } else {
                        set_node(&mut changed.tree, &lever.path, Value::Bool(*on));
                    }
                }
                _ => unreachable!("check_values matched each value to its lever's kind"),
            }
        }
        for (scenario, dropped) in &dropped_events {
            let path = format!("scenarios.{scenario}.events");
            let kept = kept_events(&base.tree, &path, dropped);
            set_node(&mut changed.tree, &path, Value::Array(kept));
        }
        let setting = checked
            .iter()
            .map(|(l, v)| format!("`{}` = {}", l.path, shown(v)))
            .collect::<Vec<_>>()
            .join(", ");
        changed.compile_plain().map_err(|found| {
            let errors: Vec<_> = found
                .diagnostics
                .into_iter()
                .filter(|d| d.is_error())
                .collect();
            LeverError::Rejected(PathError::InvalidValue {
                setting,
                errors: render(&errors, false),
            })
        })
    }

    /// A scenario file that extends `extends` and writes only the lever
    /// values that differ from the file's: entries matched by id, a
    /// scenario's events written whole when one is switched off.
    pub fn extends_file(
        &self,
        extends: &str,
        levers: &[Lever],
        values: &[(String, LeverValue)],
    ) -> Result<String, LeverError> {
        let checked = check_values(levers, values)?;
        let expanded = self.expanded();
        let us = us_id(&expanded.tree);
        let mut root = toml::Table::new();
        let mut dropped_events: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut lines = Vec::new();
        for (lever, value) in checked.iter().filter(|(l, v)| l.value != *v) {
            lines.push(format!("#   {} = {}", lever.path, shown(value)));
            let written = match (&lever.kind, value) {
                (LeverKind::Number { integer: true, .. }, LeverValue::Number(v)) => {
                    toml::Value::Integer(v.round() as i64)
                }
                (_, LeverValue::Number(v)) if lever.path.ends_with("_scale") => {
                    // The lever scales the force as deployed; a scale the
                    // file writes itself is replaced, so it is folded in.
                    let written = resolve_path(&self.tree, &lever.path)
                        .and_then(|segs| self.tree.at_path(&segs))
                        .and_then(|n| match n.value {
                            Value::Float(f) => Some(f),
                            Value::Integer(i) => Some(i as f64),
                            _ => None,
                        })
                        .unwrap_or(1.0);
                    toml::Value::Float(v * written)
                }
                (_, LeverValue::Number(v)) => toml::Value::Float(*v),
                (_, LeverValue::Choice(name)) => toml::Value::String(name.clone()),
                (_, LeverValue::Switch(on)) => {
                    if let Some((scenario, index)) = event_of(&lever.path) {
                        dropped_events
                            .entry(scenario.to_string())
                            .or_default()
                            .push(index);
                        continue;
                    } else if lever.path.ends_with(&format!(".{BACKSTOP}")) {
                        node_toml(&backstop_with(
                            &expanded.tree,
                            &lever.path,
                            us.as_deref(),
                            *on,
                        ))
                    } else {
                        toml::Value::Boolean(*on)
                    }
                }
            };
            insert_toml(&mut root, &lever.path, written);
        }
        for (scenario, dropped) in &dropped_events {
            let path = format!("scenarios.{scenario}.events");
            let kept = kept_events(&expanded.tree, &path, dropped)
                .iter()
                .map(Node::to_toml)
                .collect();
            insert_toml(&mut root, &path, toml::Value::Array(kept));
        }
        let header = format!(
            "# A what-if saved from `guarantee-sim serve`: {extends} with\n{}\n",
            if lines.is_empty() {
                "#   (no change)".to_string()
            } else {
                lines.join("\n")
            }
        );
        let mut out = header;
        out += &format!("extends = {}\n", toml::Value::String(extends.to_string()));
        if !root.is_empty() {
            out.push('\n');
            out += &toml::to_string(&root).unwrap_or_default();
        }
        Ok(out)
    }
}

/// The id of the country marked as the United States, if any.
fn us_id(root: &Node) -> Option<String> {
    entries(root, "countries")
        .find(|c| c.get("iso").and_then(Node::as_str) == Some(US_ISO))
        .and_then(Node::id)
        .map(str::to_string)
}

fn entries<'a>(root: &'a Node, list: &str) -> impl Iterator<Item = &'a Node> {
    root.get(list)
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
}

/// Levers of a table of an entry, typed by its schema definition `def`.
fn table_levers(
    schema: &Schema,
    def: &Json,
    node: &Node,
    prefix: &str,
    inner: &str,
    entry: &str,
    out: &mut Vec<Lever>,
) {
    let Some(props) = def.get("properties").and_then(Json::as_object) else {
        return;
    };
    for (key, prop) in props {
        if DESCRIPTIVE.contains(&key.as_str()) || key == BACKSTOP {
            continue;
        }
        let typed = schema.resolve(prop);
        let present = node.get(key);
        let path = format!("{prefix}.{key}");
        let label = if inner.is_empty() {
            key.clone()
        } else {
            format!("{inner}.{key}")
        };
        let lever = |kind, value, written| Lever {
            path: path.clone(),
            group: "packages",
            entry: Some(entry.to_string()),
            label: label.clone(),
            help: description(prop),
            kind,
            value,
            written,
        };
        if let Some(options) = typed.get("enum").and_then(Json::as_array) {
            let options: Vec<String> = options
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect();
            // An absent choice takes the format's default, its first
            // value ("none").
            let current = present
                .and_then(Node::as_str)
                .or(options.first().map(String::as_str))
                .unwrap_or_default()
                .to_string();
            out.push(lever(
                LeverKind::Choice { options },
                LeverValue::Choice(current),
                None,
            ));
        } else if Schema::has_type(typed, "boolean") {
            let on = matches!(present.map(|n| &n.value), Some(Value::Bool(true)));
            out.push(lever(LeverKind::Switch, LeverValue::Switch(on), None));
        } else if Schema::has_type(typed, "number") || Schema::has_type(typed, "integer") {
            let integer = Schema::has_type(typed, "integer");
            let current = match present.map(|n| &n.value) {
                Some(Value::Integer(i)) => *i as f64,
                Some(Value::Float(f)) => *f,
                // A multiplier the file does not write yet is 1.
                None if key.ends_with("_scale") => 1.0,
                _ => continue,
            };
            let min = typed.get("minimum").and_then(Json::as_f64).unwrap_or(0.0);
            let max = typed.get("maximum").and_then(Json::as_f64);
            let range = ValueRange::new(min, max.unwrap_or(f64::INFINITY), "");
            out.push(lever(
                number_kind(range, current, integer),
                LeverValue::Number(current),
                None,
            ));
        } else if Schema::has_type(typed, "object") && typed.get("properties").is_some() {
            if let Some(child) = present {
                table_levers(schema, typed, child, &path, &label, entry, out);
            }
        }
    }
}

/// A slider over `range`; an open end is set at three times the current
/// value (at least one unit away), which a student can still type past.
fn number_kind(range: ValueRange, current: f64, integer: bool) -> LeverKind {
    let reach = (current.abs() * 2.0).max(1.0);
    let min = if range.min.is_finite() {
        range.min
    } else {
        current - reach
    };
    let max = if range.max.is_finite() {
        range.max
    } else {
        current + reach
    };
    let step = (max - min) / STEPS;
    let step = if integer {
        step.round().max(1.0)
    } else {
        // A round step: 1, 2 or 5 times a power of ten.
        let power = 10f64.powf(step.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|s| *s >= step)
            .unwrap_or(power * 10.0)
    };
    LeverKind::Number {
        min,
        max,
        step,
        integer,
    }
}

fn coefficient_lever(
    path: String,
    group: &'static str,
    entry: Option<&str>,
    name: &str,
    node: &Node,
) -> Option<Lever> {
    let info = COEFFICIENTS.iter().find(|c| c.name == name)?;
    let range = info.range()?;
    let (current, written) = match &node.value {
        Value::Integer(i) => (*i as f64, None),
        Value::Float(f) => (*f, None),
        Value::Table(_) => {
            let dist = node.to_toml();
            (distribution_mean(&dist)?, Some(inline(&dist)))
        }
        _ => return None,
    };
    let current = current.clamp(range.min, range.max);
    Some(Lever {
        label: match entry {
            Some(_) => format!("coefficients.{name}"),
            None => path.clone(),
        },
        path,
        group,
        entry: entry.map(str::to_string),
        help: format!("{} Unit: {}.", info.meaning.trim(), info.unit),
        kind: number_kind(range, current, false),
        value: LeverValue::Number(current),
        written,
    })
}

fn scenario_levers(scenario: &Node, id: &str, out: &mut Vec<Lever>) {
    for (name, node) in scenario
        .get("coefficients")
        .and_then(Node::as_table)
        .unwrap_or_default()
    {
        let path = format!("scenarios.{id}.coefficients.{name}");
        out.extend(coefficient_lever(path, "scenarios", Some(id), name, node));
    }
    for (i, event) in scenario
        .get("events")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let kind = event.get("kind").and_then(Node::as_str).unwrap_or("event");
        let help = event
            .get("description")
            .and_then(Node::as_str)
            .unwrap_or("A scripted event; off removes it from the scenario.");
        out.push(Lever {
            path: format!("scenarios.{id}.events.{i}"),
            group: "scenarios",
            entry: Some(id.to_string()),
            label: format!("event {i}: {kind}"),
            help: help.to_string(),
            kind: LeverKind::Switch,
            value: LeverValue::Switch(true),
            written: None,
        });
    }
}

/// The file's `[explore] params` (each at its own range), or else the
/// United States' resolve and the file's cohesion coefficients.
fn global_levers(merged: &Merged, us: &Option<String>, out: &mut Vec<Lever>) {
    let root = &merged.tree;
    let explored: Vec<crate::explore::ParameterRange> = root
        .get("explore")
        .and_then(|e| e.get("params"))
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.as_str()?.parse().ok())
        .collect();
    let numeric = |path: &str| -> Option<(f64, bool, Option<String>)> {
        let segs = resolve_path(root, path)?;
        let node = root.at_path(&segs)?;
        match &node.value {
            Value::Integer(i) => Some((*i as f64, true, None)),
            Value::Float(f) => Some((*f, false, None)),
            Value::Table(_) => {
                let dist = node.to_toml();
                Some((distribution_mean(&dist)?, false, Some(inline(&dist))))
            }
            _ => None,
        }
    };
    if !explored.is_empty() {
        for p in explored {
            let path = p.parameter.name().to_string();
            if merged.check_path(&path).is_err() {
                continue;
            }
            let Some((current, integer, written)) = numeric(&path) else {
                continue;
            };
            let range = ValueRange::new(
                p.parameter.lo().min(current),
                p.parameter.hi().max(current),
                "",
            );
            out.push(Lever {
                label: path.clone(),
                path,
                group: "global",
                entry: None,
                help: "A value the file's [explore] section names as uncertain.".to_string(),
                kind: number_kind(range, current, integer),
                value: LeverValue::Number(current),
                written,
            });
        }
        return;
    }
    if let Some(us) = us {
        let path = format!("countries.{us}.resolve");
        if let (Some((current, _, _)), Some(range)) = (
            numeric(&path),
            super::format::field_range("CountrySpec", "resolve"),
        ) {
            let help = Schema::new()
                .definition("CountrySpec")
                .and_then(|d| d.pointer("/properties/resolve"))
                .map(description)
                .unwrap_or_default();
            out.push(Lever {
                label: path.clone(),
                path,
                group: "global",
                entry: None,
                help,
                kind: number_kind(range, current, false),
                value: LeverValue::Number(current),
                written: None,
            });
        }
    }
    for (name, node) in root
        .get("coefficients")
        .and_then(Node::as_table)
        .unwrap_or_default()
    {
        if name.starts_with(DEFAULT_GLOBAL_PREFIX) {
            let path = format!("coefficients.{name}");
            out.extend(coefficient_lever(path, "global", None, name, node));
        }
    }
}

/// The mean of a distribution table, or `None` if it is not one.
fn distribution_mean(dist: &toml::Value) -> Option<f64> {
    let get = |k: &str| {
        dist.get(k)
            .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
    };
    let mean = match dist.get("dist")?.as_str()? {
        "uniform" => (get("min")? + get("max")?) / 2.0,
        "normal" => get("mean")?,
        "triangular" => (get("min")? + get("mode")? + get("max")?) / 3.0,
        "beta" => {
            let share = get("alpha")? / (get("alpha")? + get("beta")?);
            let (lo, hi) = (get("min").unwrap_or(0.0), get("max").unwrap_or(1.0));
            lo + share * (hi - lo)
        }
        _ => return None,
    };
    // A clamped normal's bounds keep its mean inside them.
    Some(mean.clamp(
        get("min").unwrap_or(f64::NEG_INFINITY),
        get("max").unwrap_or(f64::INFINITY),
    ))
}

/// A TOML value on one line, `{ dist = "beta", alpha = 6.0, beta = 2.0 }`.
fn inline(value: &toml::Value) -> String {
    value.to_string()
}

fn shown(value: &LeverValue) -> String {
    match value {
        LeverValue::Switch(on) => on.to_string(),
        LeverValue::Number(v) => v.to_string(),
        LeverValue::Choice(name) => format!("\"{name}\""),
    }
}

/// Each value matched to its lever and checked against the lever's kind
/// and range; a path named twice is an error.
fn check_values<'a>(
    levers: &'a [Lever],
    values: &[(String, LeverValue)],
) -> Result<Vec<(&'a Lever, LeverValue)>, LeverError> {
    let mut out: Vec<(&Lever, LeverValue)> = Vec::with_capacity(values.len());
    for (path, value) in values {
        let Some(lever) = levers.iter().find(|l| l.path == *path) else {
            let known: Vec<&str> = levers.iter().map(|l| l.path.as_str()).collect();
            return Err(LeverError::Unknown {
                path: path.clone(),
                help: help_for(
                    path,
                    &known,
                    "the page's levers are listed by GET /api/levers",
                ),
            });
        };
        if out.iter().any(|(l, _)| l.path == *path) {
            return Err(LeverError::Invalid {
                path: path.clone(),
                problem: "given twice; give each lever once".to_string(),
            });
        }
        let invalid = |problem: String| LeverError::Invalid {
            path: path.clone(),
            problem,
        };
        match (&lever.kind, value) {
            (LeverKind::Number { min, max, .. }, LeverValue::Number(v)) => {
                if !v.is_finite() || *v < *min || *v > *max {
                    return Err(invalid(format!("{v} is out of range: {min} to {max}")));
                }
            }
            (LeverKind::Choice { options }, LeverValue::Choice(name)) => {
                if !options.contains(name) {
                    return Err(invalid(format!(
                        "`{name}` is not a choice; valid: {}",
                        options.join(", ")
                    )));
                }
            }
            (LeverKind::Switch, LeverValue::Switch(_)) => {}
            (kind, _) => {
                let wanted = match kind {
                    LeverKind::Number { min, max, .. } => format!("a number from {min} to {max}"),
                    LeverKind::Choice { options } => format!("one of {}", options.join(", ")),
                    LeverKind::Switch => "true or false".to_string(),
                };
                return Err(invalid(format!("expected {wanted}, got {}", shown(value))));
            }
        }
        out.push((lever, value.clone()));
    }
    Ok(out)
}

/// `scenarios.<id>.events.<n>` as (id, n).
fn event_of(path: &str) -> Option<(&str, usize)> {
    let rest = path.strip_prefix("scenarios.")?;
    let (id, index) = rest.rsplit_once(".events.")?;
    Some((id, index.parse().ok()?))
}

/// The events at `path` without the positions in `dropped`.
fn kept_events(root: &Node, path: &str, dropped: &[usize]) -> Vec<Node> {
    resolve_path(root, path)
        .and_then(|segs| root.at_path(&segs))
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(i, _)| !dropped.contains(i))
        .map(|(_, n)| n.clone())
        .collect()
}

/// The package's backstop list with the United States added or removed.
fn backstop_with(root: &Node, path: &str, us: Option<&str>, on: bool) -> Value {
    let current = resolve_path(root, path)
        .and_then(|segs| root.at_path(&segs))
        .and_then(Node::as_array)
        .unwrap_or_default();
    let mut names: Vec<String> = current
        .iter()
        .filter_map(Node::as_str)
        .map(str::to_string)
        .collect();
    if let Some(us) = us {
        names.retain(|n| n != us);
        if on {
            names.push(us.to_string());
        }
    }
    Value::Array(names.into_iter().map(|n| plain(Value::String(n))).collect())
}

fn plain(value: Value) -> Node {
    Node {
        file: 0,
        key_span: 0..0,
        span: 0..0,
        value,
    }
}

fn node_toml(value: &Value) -> toml::Value {
    plain(value.clone()).to_toml()
}

/// The tree segments of an existing path: id-keyed lists by id, other
/// lists by position.
fn resolve_path(root: &Node, path: &str) -> Option<Vec<PathSeg>> {
    let mut node = root;
    let mut segs = Vec::new();
    for name in path.split('.') {
        let (seg, next) = step(node, name)?;
        segs.push(seg);
        node = next;
    }
    Some(segs)
}

fn step<'a>(node: &'a Node, name: &str) -> Option<(PathSeg, &'a Node)> {
    match &node.value {
        Value::Table(_) => Some((PathSeg::Key(name.to_string()), node.get(name)?)),
        Value::Array(items) => {
            let at = match items.iter().position(|n| n.id() == Some(name)) {
                Some(at) => at,
                None => name.parse::<usize>().ok().filter(|&i| i < items.len())?,
            };
            Some((PathSeg::Index(at), &items[at]))
        }
        _ => None,
    }
}

/// Sets the value at `path`, creating the tables missing at its end (a
/// lever may name a field the entry does not write yet).
fn set_node(root: &mut Node, path: &str, value: Value) {
    let names: Vec<&str> = path.split('.').collect();
    let mut node = root;
    for name in names {
        let existing = step(node, name).map(|(seg, _)| seg);
        node = match existing {
            Some(seg) => match node.at_path_mut(std::slice::from_ref(&seg)) {
                Some(next) => next,
                None => return,
            },
            None if matches!(node.value, Value::Table(_)) => {
                super::path::child_table(node, name.to_string())
            }
            None => return,
        };
    }
    node.value = value;
}

/// Inserts `value` at `path` in a TOML table written for `extends`: an
/// id-keyed list gets an entry with that id, anything else a table.
fn insert_toml(root: &mut toml::Table, path: &str, value: toml::Value) {
    let names: Vec<&str> = path.split('.').collect();
    let mut table = root;
    let mut i = 0;
    while i + 1 < names.len() {
        let name = names[i];
        if i == 0 && MERGE_BY_ID.contains(&name) && i + 2 < names.len() + 1 {
            let id = names[i + 1];
            let list = table
                .entry(name)
                .or_insert_with(|| toml::Value::Array(Vec::new()));
            let Some(items) = list.as_array_mut() else {
                return;
            };
            let at = match items
                .iter()
                .position(|e| e.get("id").and_then(toml::Value::as_str) == Some(id))
            {
                Some(at) => at,
                None => {
                    let mut entry = toml::Table::new();
                    entry.insert("id".into(), toml::Value::String(id.to_string()));
                    items.push(toml::Value::Table(entry));
                    items.len() - 1
                }
            };
            let Some(entry) = items[at].as_table_mut() else {
                return;
            };
            table = entry;
            i += 2;
            continue;
        }
        let next = table
            .entry(name)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(next) = next.as_table_mut() else {
            return;
        };
        table = next;
        i += 1;
    }
    if let Some(last) = names.last() {
        table.insert((*last).to_string(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load_str, merge_str};

    fn bundled() -> Merged {
        match merge_str("explore.toml", "extends = \"paris-2026.toml\"\n", None) {
            Ok(m) => m,
            Err(e) => panic!("{}", e.render(false)),
        }
    }

    fn lever<'a>(levers: &'a [Lever], path: &str) -> &'a Lever {
        levers
            .iter()
            .find(|l| l.path == path)
            .unwrap_or_else(|| panic!("no lever {path}"))
    }

    #[test]
    fn the_levers_come_from_the_file_and_the_schema() {
        let m = bundled();
        let levers = m.levers();
        let posture = lever(&levers, "packages.paris-draft.force.posture");
        assert_eq!(posture.value, LeverValue::Choice("rear".into()));
        let LeverKind::Choice { options } = &posture.kind else {
            panic!("{posture:?}")
        };
        assert_eq!(options, &["none", "over-the-horizon", "rear", "line"]);
        assert!(matches!(
            lever(&levers, "packages.paris-draft.legal_form").kind,
            LeverKind::Choice { .. }
        ));
        let severity = lever(&levers, "packages.paris-draft.sanctions.severity");
        assert!(matches!(
            severity.kind,
            LeverKind::Number {
                min: 0.0,
                max: 1.0,
                integer: false,
                ..
            }
        ));
        assert_eq!(
            lever(&levers, "packages.paris-draft.force.troops_scale").value,
            LeverValue::Number(1.0)
        );
        assert_eq!(
            lever(&levers, "packages.paris-draft.backstop").value,
            LeverValue::Switch(true)
        );
        assert_eq!(
            lever(&levers, "packages.paris-no-us-backstop.backstop").value,
            LeverValue::Switch(false)
        );
        let intent = lever(
            &levers,
            "scenarios.renewed-attack.coefficients.russia_intent",
        );
        assert_eq!(intent.value, LeverValue::Number(0.75));
        assert!(intent.written.as_deref().unwrap().contains("beta"));
        assert_eq!(
            lever(&levers, "scenarios.us-disengagement.events.0").value,
            LeverValue::Switch(true)
        );
        lever(&levers, "countries.united-states.resolve");
        lever(&levers, "coefficients.cohesion_pull_coalition");
        // A student's own file offers its own packages.
        let own = merge_str(
            "own.toml",
            "extends = \"paris-2026.toml\"\n[[packages]]\nid = \"mine\"\nbased_on = \"paris-draft\"\n",
            None,
        )
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
        lever(&own.levers(), "packages.mine.force.posture");
    }

    #[test]
    fn bad_values_are_errors_naming_the_lever() {
        let m = bundled();
        let levers = m.levers();
        let cases = [
            (
                "packages.paris-draft.sanctions.severity",
                LeverValue::Number(1.5),
                "out of range",
            ),
            (
                "packages.paris-draft.force.posture",
                LeverValue::Choice("front".into()),
                "valid: none",
            ),
            (
                "packages.paris-draft.force.posture",
                LeverValue::Number(2.0),
                "expected one of",
            ),
            (
                "packages.paris-draf.force.posture",
                LeverValue::Choice("line".into()),
                "did you mean",
            ),
        ];
        for (path, value, says) in cases {
            let err = m
                .compile_levers(&levers, &[(path.to_string(), value)])
                .unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        }
    }

    #[test]
    fn the_saved_file_compiles_to_the_same_world_as_the_levers() {
        let m = bundled();
        let levers = m.levers();
        let values: Vec<(String, LeverValue)> = vec![
            (
                "packages.paris-draft.force.posture".into(),
                LeverValue::Choice("line".into()),
            ),
            (
                "packages.paris-draft.force.troops_scale".into(),
                LeverValue::Number(1.5),
            ),
            (
                "packages.paris-draft.backstop".into(),
                LeverValue::Switch(false),
            ),
            (
                "packages.no-guarantee.diplomacy".into(),
                LeverValue::Switch(true),
            ),
            (
                "packages.paris-draft.reconstruction.target_troops".into(),
                LeverValue::Number(700000.0),
            ),
            (
                "scenarios.renewed-attack.coefficients.russia_intent".into(),
                LeverValue::Number(0.6),
            ),
            (
                "scenarios.us-disengagement.events.0".into(),
                LeverValue::Switch(false),
            ),
            (
                "countries.united-states.resolve".into(),
                LeverValue::Number(0.3),
            ),
            (
                "coefficients.cohesion_pull_coalition".into(),
                LeverValue::Number(0.1),
            ),
            // Unchanged: not written.
            (
                "packages.porcupine.legal_form".into(),
                lever(&levers, "packages.porcupine.legal_form")
                    .value
                    .clone(),
            ),
        ];
        let edited = m.compile_levers(&levers, &values).unwrap();
        let base = m.clone().compile().unwrap();
        assert_ne!(edited.world, base.world);
        let text = m.extends_file("paris-2026.toml", &levers, &values).unwrap();
        assert!(text.starts_with("# A what-if"), "{text}");
        assert!(!text.contains("porcupine"), "{text}");
        let saved = load_str("saved.toml", &text, None)
            .unwrap_or_else(|e| panic!("{}\n{text}", e.render(false)));
        assert_eq!(saved.world, edited.world, "{text}");
        let scenario = edited.world.scenario_index("us-disengagement").unwrap();
        assert!(edited.world.scenarios[scenario].events.is_empty());
    }
}
