//! The JSON Schema of the scenario format, for editors.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::format::FIELD_RANGES;
use super::format::ScenarioFile;
use crate::model::params::{COEFFICIENTS, EVENT_MONTH_RANGE, RANGE_EXCEPTIONS, UNITS, ValueRange};

/// The JSON Schema of a scenario file (draft-07, which TOML editors such as
/// Taplo / Even Better TOML understand), with every coefficient listed by
/// name, unit and meaning so that editors complete them.
pub fn json_schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<ScenarioFile>();
    let mut v = schema.to_value();
    let defs_key = if v.get("$defs").is_some() {
        "$defs"
    } else {
        "definitions"
    };

    let mut props = Map::new();
    for c in COEFFICIENTS {
        let range = c.range();
        let valid = range.map_or(String::new(), |r| format!(" Valid: {}.", r.text()));
        let mut prop = json!({
            "description": format!("{} Unit: {}.{valid}", c.meaning.trim(), c.unit),
            "allOf": [{ "$ref": format!("#/{defs_key}/ParamSpec") }],
        });
        // `minimum` and `maximum` constrain only a plain number; a
        // distribution's bounds are checked by `guarantee-sim validate`.
        if let (Some(r), Some(o)) = (range, prop.as_object_mut()) {
            insert_bounds(o, &r);
        }
        props.insert(c.name.to_string(), prop);
    }
    let coefficients = json!({
        "description": "Model coefficients: each a number or a distribution sampled once per run.",
        "type": "object",
        "properties": props,
        "additionalProperties": false,
    });
    // `allOf` rather than a bare `$ref`, so that draft-07 tools keep the
    // sibling `description`.
    let coef_ref = json!({ "allOf": [{ "$ref": format!("#/{defs_key}/Coefficients") }] });
    if let Some(defs) = v.get_mut(defs_key).and_then(Value::as_object_mut) {
        defs.insert("Coefficients".into(), coefficients);
        for (table, field, range) in FIELD_RANGES {
            if let Some(prop) = defs
                .get_mut(*table)
                .and_then(|t| t.pointer_mut(&format!("/properties/{field}")))
                .and_then(Value::as_object_mut)
            {
                insert_bounds(prop, range);
            }
        }
        if let Some(month) = defs
            .get_mut("EventSpec")
            .and_then(|e| e.pointer_mut("/properties/month"))
            .and_then(Value::as_object_mut)
        {
            month.insert("minimum".into(), json!(EVENT_MONTH_RANGE.min));
        }
        if let Some(p) = defs
            .get_mut("ScenarioSpec")
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        {
            let desc = p
                .get("coefficients")
                .and_then(|c| c.get("description"))
                .cloned();
            let mut r = coef_ref.clone();
            if let (Some(d), Some(o)) = (desc, r.as_object_mut()) {
                o.insert("description".into(), d);
            }
            p.insert("coefficients".into(), r);
        }
    }
    if let Some(p) = v.get_mut("properties").and_then(Value::as_object_mut) {
        let desc = p
            .get("coefficients")
            .and_then(|c| c.get("description"))
            .cloned();
        let mut r = coef_ref;
        if let (Some(d), Some(o)) = (desc, r.as_object_mut()) {
            o.insert("description".into(), d);
        }
        p.insert("coefficients".into(), r);
    }
    v
}

/// `minimum` and `maximum` of a number property, where finite.
fn insert_bounds(prop: &mut Map<String, Value>, range: &ValueRange) {
    if range.min.is_finite() {
        prop.insert("minimum".into(), json!(range.min));
    }
    if range.max.is_finite() {
        prop.insert("maximum".into(), json!(range.max));
    }
}

/// The table of units and their valid values that scenarios/README.md
/// shows (a test keeps the README's copy equal to this).
pub fn units_table_markdown() -> String {
    let mut out = String::from("| unit | valid values |\n| --- | --- |\n");
    for (unit, range) in UNITS {
        out.push_str(&format!("| {unit} | {} |\n", range.text()));
    }
    for (name, range) in RANGE_EXCEPTIONS {
        out.push_str(&format!("| `{name}` (exception) | {} |\n", range.text()));
    }
    out.push_str(&format!(
        "| event `month` | {} (month 0 is the ceasefire's set-up, when no event fires) |\n",
        EVENT_MONTH_RANGE.text()
    ));
    out.push_str("\nAnd of the plain-number fields:\n\n| table | field | valid values |\n| --- | --- | --- |\n");
    for (table, field, range) in FIELD_RANGES {
        out.push_str(&format!("| {table} | `{field}` | {} |\n", range.text()));
    }
    out
}
