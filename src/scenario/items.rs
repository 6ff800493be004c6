//! Deserializes the merged tree into the format types item by item (meta,
//! simulation, each coefficient, each country, ...), so that independent
//! mistakes are all reported in one pass, each at its own place.

use serde::de::DeserializeOwned;

use super::Ctx;
use super::format::{
    ConstraintSpec, CountrySpec, DistSpec, EveryScenario, ExploreSpec, Meta, PackageSpec,
    ParamSpec, PatternSpec, ScenarioFile, ScenarioSpec, Simulation,
};
use super::suggest::did_you_mean;
use super::tree::{Node, PathSeg, Value};

/// Top-level keys of a scenario file.
pub(crate) const ROOT_KEYS: &[&str] = &[
    "extends",
    "meta",
    "simulation",
    "coefficients",
    "every_scenario",
    "countries",
    "constraints",
    "packages",
    "scenarios",
    "patterns",
    "explore",
];

/// The typed file, with the tree node of every item that deserialized.
pub(crate) struct Parsed<'a> {
    /// The merged tree.
    pub root: &'a Node,
    pub spec: ScenarioFile,
    pub countries: Vec<&'a Node>,
    pub constraints: Vec<&'a Node>,
    pub packages: Vec<&'a Node>,
    pub scenarios: Vec<&'a Node>,
    pub patterns: Vec<&'a Node>,
    /// Ids of every `[[countries]]` entry, also those with errors (so that
    /// references to them do not cause a second, confusing error).
    pub all_country_ids: Vec<String>,
}

pub(crate) fn read<'a>(ctx: &mut Ctx, root: &'a Node) -> Parsed<'a> {
    let mut p = Parsed {
        root,
        spec: ScenarioFile::default(),
        countries: Vec::new(),
        constraints: Vec::new(),
        packages: Vec::new(),
        scenarios: Vec::new(),
        patterns: Vec::new(),
        all_country_ids: Vec::new(),
    };
    let Some(entries) = root.as_table() else {
        return p;
    };
    for (key, node) in entries {
        match key.as_str() {
            "extends" => {
                if let Some(s) = node.as_str() {
                    p.spec.extends = Some(s.to_string());
                }
            }
            "meta" => p.spec.meta = deser::<Meta>(ctx, node, "[meta]"),
            "simulation" => p.spec.simulation = deser::<Simulation>(ctx, node, "[simulation]"),
            "coefficients" => p.spec.coefficients = Some(coefficients(ctx, node)),
            "every_scenario" => p.spec.every_scenario = Some(every_scenario(ctx, node)),
            "explore" => p.spec.explore = explore(ctx, node),
            "countries" => {
                for n in array_of_tables(ctx, node, key) {
                    if let Some(id) = n.id() {
                        p.all_country_ids.push(id.to_string());
                    }
                    if let Some(c) = deser::<CountrySpec>(ctx, n, "[[countries]]") {
                        p.spec.countries.push(c);
                        p.countries.push(n);
                    }
                }
            }
            "constraints" => {
                for n in array_of_tables(ctx, node, key) {
                    if let Some(c) = deser::<ConstraintSpec>(ctx, n, "[[constraints]]") {
                        p.spec.constraints.push(c);
                        p.constraints.push(n);
                    }
                }
            }
            "packages" => {
                for n in array_of_tables(ctx, node, key) {
                    if let Some(c) = deser::<PackageSpec>(ctx, n, "[[packages]]") {
                        p.spec.packages.push(c);
                        p.packages.push(n);
                    }
                }
            }
            "scenarios" => {
                for n in array_of_tables(ctx, node, key) {
                    if let Some(c) = deser::<ScenarioSpec>(ctx, n, "[[scenarios]]") {
                        p.spec.scenarios.push(c);
                        p.scenarios.push(n);
                    }
                }
            }
            "patterns" => patterns(ctx, node, &mut p),
            other => {
                let suggestion = ctx.wants_detail().then(|| did_you_mean(other, ROOT_KEYS));
                let help = match suggestion.flatten() {
                    Some(s) => format!(
                        "did you mean `{s}`? The top level holds {}",
                        list(ROOT_KEYS)
                    ),
                    None => format!("the top level holds {}", list(ROOT_KEYS)),
                };
                ctx.error_at(
                    node.file,
                    node.key_span.clone(),
                    format!("unknown top-level key `{other}`"),
                    "not a known key",
                    help,
                );
            }
        }
    }
    p
}

/// Each `[[patterns]]` entry, parsed on its own.
fn patterns<'a>(ctx: &mut Ctx, node: &'a Node, p: &mut Parsed<'a>) {
    for n in array_of_tables(ctx, node, "patterns") {
        if let Some(c) = deser::<PatternSpec>(ctx, n, "[[patterns]]") {
            p.spec.patterns.push(c);
            p.patterns.push(n);
        }
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn array_of_tables<'a>(ctx: &mut Ctx, node: &'a Node, key: &str) -> Vec<&'a Node> {
    match node.as_array() {
        Some(a) => a
            .iter()
            .filter(|n| {
                if n.as_table().is_none() {
                    ctx.error_at(
                        n.file,
                        n.span.clone(),
                        format!(
                            "each entry of `{key}` must be a table, found {}",
                            n.type_name()
                        ),
                        "not a table",
                        format!("write each entry as a `[[{key}]]` section"),
                    );
                    false
                } else {
                    true
                }
            })
            .collect(),
        None => {
            ctx.error_at(
                node.file,
                node.span.clone(),
                format!(
                    "`{key}` must be an array of tables, found {}",
                    node.type_name()
                ),
                "expected [[...]] entries",
                format!("write each entry as a `[[{key}]]` section with its own `id`"),
            );
            Vec::new()
        }
    }
}

/// `[every_scenario]`: its coefficients, each parsed separately.
fn every_scenario(ctx: &mut Ctx, node: &Node) -> EveryScenario {
    let mut out = EveryScenario::default();
    let Some(entries) = node.as_table() else {
        ctx.error_at_node(
            node,
            format!(
                "`every_scenario` must be a table, found {}",
                node.type_name()
            ),
            "expected a table",
            "write `[every_scenario.coefficients]` followed by `name = value` lines",
        );
        return out;
    };
    for (key, n) in entries {
        if key == "coefficients" {
            out.coefficients = coefficients(ctx, n);
        } else {
            ctx.error_at(
                n.file,
                n.key_span.clone(),
                format!("unknown key `{key}` in [every_scenario]"),
                "not a known key",
                "[every_scenario] holds only `coefficients`: write [every_scenario.coefficients]",
            );
        }
    }
    out
}

/// Every file-level coefficient, each parsed separately.
fn coefficients(ctx: &mut Ctx, node: &Node) -> std::collections::BTreeMap<String, ParamSpec> {
    let mut out = std::collections::BTreeMap::new();
    let Some(entries) = node.as_table() else {
        ctx.error_at(
            node.file,
            node.span.clone(),
            format!("`coefficients` must be a table, found {}", node.type_name()),
            "expected a table",
            "write `[coefficients]` followed by `name = value` lines",
        );
        return out;
    };
    for (k, n) in entries {
        if let Some(p) = param(ctx, n) {
            out.insert(k.clone(), p);
        }
    }
    out
}

/// A number or a distribution table.
pub(crate) fn param(ctx: &mut Ctx, node: &Node) -> Option<ParamSpec> {
    match &node.value {
        Value::Integer(i) => Some(ParamSpec::Fixed(*i as f64)),
        Value::Float(f) => Some(ParamSpec::Fixed(*f)),
        Value::Table(_) => deser::<DistSpec>(ctx, node, "distribution").map(ParamSpec::Dist),
        _ => {
            ctx.error_at(
                node.file,
                node.span.clone(),
                format!(
                    "expected a number or a distribution, found {}",
                    node.type_name()
                ),
                "not a number or distribution",
                PARAM_HELP,
            );
            None
        }
    }
}

const PARAM_HELP: &str = "write a number (0.3) or a distribution: \
    { dist = \"uniform\", min = 0.1, max = 0.5 }, \
    { dist = \"normal\", mean = 0.3, sd = 0.1 }, \
    { dist = \"triangular\", min = 0.1, mode = 0.3, max = 0.6 } or \
    { dist = \"beta\", alpha = 2, beta = 5 }";

/// Deserializes one item. On an error it reports it, removes the offending
/// key and tries again, so several mistakes in one item are all reported.
pub(crate) fn deser<T: DeserializeOwned>(ctx: &mut Ctx, node: &Node, what: &str) -> Option<T> {
    let mut work = node.clone();
    let mut removed: Vec<String> = Vec::new();
    let errors_before = ctx.pushed;
    for _ in 0..64 {
        let value = work.to_toml();
        let err = match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => {
                if !removed.is_empty() || ctx.pushed > errors_before {
                    ctx.taint(node);
                }
                return Some(v);
            }
            Err(e) => e,
        };
        let path: Vec<PathSeg> = err
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(PathSeg::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(PathSeg::Key(key.clone())),
                _ => None,
            })
            .collect();
        let msg = err.inner().message().to_string();
        let target = work.at_path(&path).unwrap_or(&work).clone();
        let field = match path.last() {
            Some(PathSeg::Key(k)) => k.clone(),
            _ => String::new(),
        };
        let dotted = dotted(&path);
        if let Some(missing) = quoted_after(&msg, "missing field ") {
            if !removed.contains(&missing) {
                let inside = if dotted.is_empty() {
                    what.to_string()
                } else {
                    format!("{what} `{dotted}`")
                };
                ctx.error_at(
                    target.file,
                    target.span.clone(),
                    format!("missing field `{missing}` in {inside}"),
                    format!("this table has no `{missing}`"),
                    format!("add `{missing} = ...` to this table"),
                );
            }
            return None;
        }
        if let Some(unknown) = quoted_after(&msg, "unknown field ") {
            let expected = backticked(msg.split_once("expected").map(|(_, e)| e).unwrap_or(""));
            let exp: Vec<&str> = expected.iter().map(String::as_str).collect();
            // Every unknown key of this table at once: one retry per key
            // made a file with 200,000 of them take minutes.
            let (_, table_path) = path.split_last().unwrap_or((&PathSeg::Index(0), &[]));
            let unknown_keys: Vec<(String, Node)> =
                match work.at_path(table_path).and_then(Node::as_table) {
                    Some(entries) if !exp.is_empty() => entries
                        .iter()
                        .filter(|(k, _)| !exp.contains(&k.as_str()))
                        .cloned()
                        .collect(),
                    _ => vec![(unknown.clone(), target.clone())],
                };
            for (name, node) in &unknown_keys {
                let help = if !ctx.wants_detail() {
                    String::new()
                } else {
                    match did_you_mean(name, &exp) {
                        Some(s) => format!("did you mean `{s}`? Allowed here: {}", list(&exp)),
                        None if exp.is_empty() => "this table takes no fields".to_string(),
                        None => format!("allowed here: {}", list(&exp)),
                    }
                };
                ctx.error_at(
                    node.file,
                    node.key_span.clone(),
                    format!("unknown field `{name}` in {what}"),
                    "unknown field",
                    help,
                );
            }
            if unknown_keys.len() > 1 {
                if let Some(Node {
                    value: Value::Table(entries),
                    ..
                }) = work.at_path_mut(table_path)
                {
                    entries.retain(|(k, _)| exp.contains(&k.as_str()));
                }
                removed.extend(unknown_keys.into_iter().map(|(k, _)| k));
                continue;
            }
        } else if msg.contains("untagged enum ParamSpec") {
            // Re-diagnose the value for a precise message.
            let before = ctx.pushed;
            let _ = param(ctx, &target);
            if ctx.pushed == before {
                ctx.error_at(
                    target.file,
                    target.span.clone(),
                    format!("`{dotted}`: expected a number or a distribution"),
                    "not a number or distribution",
                    PARAM_HELP,
                );
            }
        } else if let Some(variant) = quoted_after(&msg, "unknown variant ") {
            let expected = backticked(msg.split_once("expected").map(|(_, e)| e).unwrap_or(""));
            let exp: Vec<&str> = expected.iter().map(String::as_str).collect();
            let help = match did_you_mean(&variant, &exp) {
                Some(s) => format!("did you mean `{s}`? Allowed: {}", list(&exp)),
                None => format!("allowed: {}", list(&exp)),
            };
            ctx.error_at(
                target.file,
                target.span.clone(),
                format!("`{dotted}`: unknown value `{variant}`"),
                "not an allowed value",
                help,
            );
        } else {
            let label = if field.is_empty() {
                "here".to_string()
            } else {
                format!("`{field}` is {}", target.type_name())
            };
            ctx.error_at(
                target.file,
                target.span.clone(),
                format!("{}{}", prefix(&dotted), friendly(&msg)),
                label,
                "check the value's type: numbers are written without quotes, names and \
                 kinds in double quotes, lists in [ ]",
            );
        }
        // Remove the offending value and try again for further errors.
        if path.is_empty() || !remove_at(&mut work, &path) {
            return None;
        }
        if !field.is_empty() {
            removed.push(field);
        }
    }
    None
}

fn prefix(dotted: &str) -> String {
    if dotted.is_empty() {
        String::new()
    } else {
        format!("`{dotted}`: ")
    }
}

fn dotted(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSeg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn remove_at(root: &mut Node, path: &[PathSeg]) -> bool {
    let Some((last, parent_path)) = path.split_last() else {
        return false;
    };
    let Some(parent) = root.at_path_mut(parent_path) else {
        return false;
    };
    match (last, &mut parent.value) {
        (PathSeg::Key(k), _) => parent.remove(k),
        (PathSeg::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}

/// The first `quoted` name after `marker` in a serde message.
fn quoted_after(msg: &str, marker: &str) -> Option<String> {
    let rest = msg.split_once(marker)?.1;
    backticked(rest).into_iter().next()
}

/// Every `name` in backticks.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, p)| p.to_string())
        .collect()
}

/// Rewrites Rust type names in serde messages into TOML words.
fn friendly(msg: &str) -> String {
    let mut m = msg.lines().next().unwrap_or(msg).to_string();
    for (from, to) in [
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number (integer)"),
        ("expected u64", "expected a whole number (integer)"),
        ("expected a sequence", "expected an array [ ... ]"),
        ("expected a map", "expected a table"),
        ("floating point", "number"),
        ("invalid type: sequence", "invalid type: array"),
        ("invalid type: map", "invalid type: table"),
    ] {
        m = m.replace(from, to);
    }
    if let Some(i) = m.find("expected struct ") {
        m.truncate(i);
        m.push_str("expected a table");
    }
    m
}

/// `[explore]`, with every range checked where it is written (the paths are
/// checked against the file when a command uses them).
fn explore(ctx: &mut Ctx, node: &Node) -> Option<ExploreSpec> {
    let spec = deser::<ExploreSpec>(ctx, node, "[explore]")?;
    let params = node.get("params");
    let elems = params.and_then(Node::as_array).unwrap_or(&[]);
    for (i, text) in spec.params.iter().enumerate() {
        if let Err(e) = text.parse::<crate::explore::ParameterRange>() {
            let at = elems.get(i).or(params).unwrap_or(node);
            ctx.error_at(
                at.file,
                at.span.clone(),
                format!("[explore] params: {e}"),
                "not PATH=LO..HI[:STEPS]",
                "write each as `--param` takes it, e.g. \"countries.united-states.resolve=0.1..0.9\"",
            );
        }
    }
    Some(spec)
}
