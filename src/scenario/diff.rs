//! What a what-if file changed: the difference between two resolved
//! scenario files, field by field, entries of the id-keyed lists matched by
//! id ("paris-draft: force.posture rear -> line").

use std::fmt;

use toml::Value;

use super::Loaded;
use super::tree::MERGE_BY_ID;

/// One changed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The id-keyed list the field is in ("packages") and the entry's id,
    /// or `None` for a field outside those lists (`coefficients.x`).
    pub entry: Option<(String, String)>,
    /// Dotted path inside the entry (or from the top of the file).
    pub field: String,
    /// The value before and after, as TOML; `None` when absent.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not set)".to_string());
        match (&self.entry, self.field.is_empty()) {
            (Some((_, id)), true) => match (&self.before, &self.after) {
                (None, _) => write!(f, "{id}: new entry"),
                (_, None) => write!(f, "{id}: removed"),
                _ => write!(f, "{id}: changed"),
            },
            (Some((_, id)), false) => write!(
                f,
                "{id}: {} {} -> {}",
                self.field,
                shown(&self.before),
                shown(&self.after)
            ),
            (None, _) => write!(
                f,
                "{} {} -> {}",
                self.field,
                shown(&self.before),
                shown(&self.after)
            ),
        }
    }
}

impl Change {
    /// The id of the package this change is in, if any.
    pub fn package(&self) -> Option<&str> {
        match &self.entry {
            Some((list, id)) if list == "packages" => Some(id),
            _ => None,
        }
    }
}

/// Every field that differs between two loaded files, in the what-if's
/// order (fields only in the base last).
pub fn diff(base: &Loaded, whatif: &Loaded) -> Vec<Change> {
    let parse = |t: &str| t.parse::<toml::Table>().unwrap_or_default();
    diff_tables(&parse(&base.resolved_toml), &parse(&whatif.resolved_toml))
}

/// [`diff`] on two parsed resolved files.
pub fn diff_tables(base: &toml::Table, whatif: &toml::Table) -> Vec<Change> {
    let mut out = Vec::new();
    for (key, before, after) in pair_keys(base, whatif) {
        match (before, after) {
            (Some(Value::Array(b)), Some(Value::Array(a))) if MERGE_BY_ID.contains(&key) => {
                diff_entries(key, b, a, &mut out);
            }
            _ => diff_value(None, key.to_string(), before, after, &mut out),
        }
    }
    out
}

fn pair_keys<'a>(
    base: &'a toml::Table,
    whatif: &'a toml::Table,
) -> Vec<(&'a str, Option<&'a Value>, Option<&'a Value>)> {
    let mut keys: Vec<(&str, Option<&Value>, Option<&Value>)> = whatif
        .iter()
        .map(|(k, v)| (k.as_str(), base.get(k), Some(v)))
        .collect();
    keys.extend(
        base.iter()
            .filter(|(k, _)| !whatif.contains_key(*k))
            .map(|(k, v)| (k.as_str(), Some(v), None)),
    );
    keys
}

fn id_of(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

fn diff_entries(list: &str, base: &[Value], whatif: &[Value], out: &mut Vec<Change>) {
    let find = |entries: &'_ [Value], id: &str| -> Option<Value> {
        entries.iter().find(|e| id_of(e) == Some(id)).cloned()
    };
    for entry in whatif {
        let Some(id) = id_of(entry) else { continue };
        let at = Some((list.to_string(), id.to_string()));
        match find(base, id) {
            Some(old) => diff_value(at, String::new(), Some(&old), Some(entry), out),
            None => out.push(Change {
                entry: at,
                field: String::new(),
                before: None,
                after: Some(inline(entry)),
            }),
        }
    }
    for entry in base {
        let Some(id) = id_of(entry) else { continue };
        if find(whatif, id).is_none() {
            out.push(Change {
                entry: Some((list.to_string(), id.to_string())),
                field: String::new(),
                before: Some(inline(entry)),
                after: None,
            });
        }
    }
}

fn diff_value(
    entry: Option<(String, String)>,
    field: String,
    before: Option<&Value>,
    after: Option<&Value>,
    out: &mut Vec<Change>,
) {
    if before == after {
        return;
    }
    // A distribution (a table with `dist`) is one value, not several fields.
    let is_dist = |v: Option<&Value>| v.and_then(|v| v.get("dist")).is_some();
    if let (Some(Value::Table(b)), Some(Value::Table(a))) = (before, after) {
        if !is_dist(before) && !is_dist(after) {
            for (key, bv, av) in pair_keys(b, a) {
                let path = if field.is_empty() {
                    key.to_string()
                } else {
                    format!("{field}.{key}")
                };
                diff_value(entry.clone(), path, bv, av, out);
            }
            return;
        }
    }
    out.push(Change {
        entry,
        field,
        before: before.map(inline),
        after: after.map(inline),
    });
}

/// A value as inline TOML (`"line"`, `0.5`, `{ dist = "beta", ... }`), with
/// strings shown bare, as a reader writes them in prose.
fn inline(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Float(x) => format!("{x:?}"),
        Value::Integer(i) => i.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(quoted).collect::<Vec<_>>().join(", ")),
        Value::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{k} = {}", quoted(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Like [`inline`], strings quoted (inside a list or table).
fn quoted(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => inline(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> toml::Table {
        s.parse().unwrap()
    }

    #[test]
    fn lists_exactly_the_changed_fields() {
        let base = table(
            r#"
            [coefficients]
            a = 0.5
            b = { dist = "uniform", min = 0.0, max = 1.0 }
            [[packages]]
            id = "p"
            force = { posture = "rear", troops = { fr = 1000 } }
            [[packages]]
            id = "q"
            "#,
        );
        let whatif = table(
            r#"
            [coefficients]
            a = 0.5
            b = { dist = "uniform", min = 0.0, max = 0.8 }
            [[packages]]
            id = "p"
            force = { posture = "line", troops = { fr = 1000, uk = 2 } }
            [[packages]]
            id = "q"
            [[packages]]
            id = "r"
            "#,
        );
        let lines: Vec<String> = diff_tables(&base, &whatif)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "coefficients.b { dist = \"uniform\", max = 1.0, min = 0.0 } -> { dist = \"uniform\", max = 0.8, min = 0.0 }",
                "p: force.posture rear -> line",
                "p: force.troops.uk (not set) -> 2",
                "r: new entry",
            ]
        );
    }
}
