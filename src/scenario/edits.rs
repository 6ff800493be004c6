//! What the user's own file did to the file it extends: values that change
//! nothing (shadowed by every scenario, or equal to what the parent
//! compiles to), and warnings the edit caused in entries of the parent,
//! which are shown at the user's line rather than hidden with the parent's
//! own warnings.

use std::collections::HashSet;

use toml::de::DeTable;

use super::diag::Diagnostic;
use super::tree::{FileId, MERGE_BY_ID, Node};
use super::{Ctx, Loaded, merge_file};
use crate::model::params::World;

/// The file the user named: the first of the chain.
const USER_FILE: FileId = 0;

/// How the help shows a scenario override, for the first scenario named.
fn per_scenario_example(scenario: &str, name: &str) -> String {
    format!("[[scenarios]] id = \"{scenario}\" with coefficients.{name} = ...")
}

/// Warns about `[coefficients]` values of the user's file that some or
/// every scenario overrides with its own value.
pub(crate) fn warn_shadowed(ctx: &mut Ctx, root: &Node) {
    if ctx.files.len() < 2 {
        return; // a file of its own: its defaults are its author's design
    }
    let Some(coefficients) = root.get("coefficients").and_then(Node::as_table) else {
        return;
    };
    let forced: HashSet<&str> = root
        .get("every_scenario")
        .and_then(|e| e.get("coefficients"))
        .and_then(Node::as_table)
        .map(|t| t.iter().map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    let scenarios: Vec<(&str, &Node)> = root
        .get("scenarios")
        .and_then(Node::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| Some((s.id()?, s)))
        .collect();
    for (name, node) in coefficients {
        if node.file != USER_FILE || forced.contains(name.as_str()) {
            continue;
        }
        let shadowing: Vec<&str> = scenarios
            .iter()
            .filter(|(_, s)| s.get("coefficients").and_then(|c| c.get(name)).is_some())
            .map(|(id, _)| *id)
            .collect();
        let Some(first) = shadowing.first() else {
            continue;
        };
        let how = format!(
            "to set it for every scenario, move it to [every_scenario.coefficients]; \
             to set it for one, write {}",
            per_scenario_example(first, name)
        );
        let (message, label) = if shadowing.len() == scenarios.len() {
            (
                format!(
                    "`{name}` in [coefficients] changes nothing: every scenario sets its own value ({})",
                    shadowing.join(", ")
                ),
                "shadowed by every scenario",
            )
        } else {
            (
                format!(
                    "`{name}` in [coefficients] is ignored in {} of {} scenarios, which set their own value: {}",
                    shadowing.len(),
                    scenarios.len(),
                    shadowing.join(", ")
                ),
                "shadowed by some scenarios",
            )
        };
        ctx.warn_at(node.file, node.key_span.clone(), message, label, how);
    }
}

/// The user's file alone, as a tree (it parsed once already, so no error
/// is expected; a failure leaves the tree empty).
fn user_tree(ctx: &Ctx) -> Option<Node> {
    let text = &ctx.files.get(USER_FILE)?.text;
    let (doc, _) = DeTable::parse_recoverable(text);
    Some(Node::from_document(
        USER_FILE,
        doc.get_ref(),
        &mut Vec::new(),
    ))
}

/// The user's entries of the id-keyed lists: (list, id, header node).
fn user_entries(tree: &Node) -> Vec<(&'static str, String, Node)> {
    let mut out = Vec::new();
    for &list in MERGE_BY_ID {
        for entry in tree.get(list).and_then(Node::as_array).unwrap_or(&[]) {
            if let Some(id) = entry.id() {
                out.push((list, id.to_string(), entry.clone()));
            }
        }
    }
    out
}

/// Where the user's entry changes something: its one changed field, or
/// its header when it changes several.
fn changed_span(entry: &Node) -> std::ops::Range<usize> {
    let fields: Vec<&Node> = entry
        .as_table()
        .unwrap_or(&[])
        .iter()
        .filter(|(k, _)| k != "id")
        .map(|(_, n)| n)
        .collect();
    match fields.as_slice() {
        [one] => one.key_span.start..one.span.end.max(one.key_span.end),
        _ => entry.span.clone(),
    }
}

/// Compares the loaded file with its parent compiled alone: warns at the
/// user's line about entries that change nothing the simulation uses, and
/// moves the warnings the edit caused in the parent's entries to the
/// user's file. Warnings the parent has on its own stay where they are.
pub(crate) fn attribute(loaded: &mut Loaded) {
    if loaded.sources.len() < 2 {
        return;
    }
    let Ok(parent) = merge_file(loaded.sources[1].clone()).and_then(|m| m.compile_plain()) else {
        return;
    };
    let mut ctx = Ctx::new();
    ctx.files = loaded.sources.clone();
    let Some(tree) = user_tree(&ctx) else { return };
    let entries = user_entries(&tree);
    let user = &ctx.files[USER_FILE];

    let mut added: Vec<Diagnostic> = Vec::new();
    let anchor = |text: &str| -> (std::ops::Range<usize>, String) {
        // The user's entry the warning names, else the top of the file.
        entries
            .iter()
            .find(|(_, id, _)| text.contains(&format!("`{id}`")))
            .map(|(list, id, n)| (changed_span(n), format!("your change to {list} `{id}`")))
            .unwrap_or((0..0, "your file".to_string()))
    };

    // Warnings in the parent's text that the parent alone does not have.
    let inherited: HashSet<(String, Option<String>)> = parent
        .warnings
        .iter()
        .map(|d| (d.message.clone(), d.file_line()))
        .collect();
    for d in &mut loaded.warnings {
        let in_parent = d.location.as_ref().is_some_and(|l| l.path != user.path);
        if !in_parent {
            continue;
        }
        if inherited.contains(&(d.message.clone(), d.file_line())) {
            d.inherited = true;
            continue;
        }
        let context = format!("{} {}", d.message, d.help.clone().unwrap_or_default());
        let (span, label) = anchor(&context);
        let at = d.file_line().unwrap_or_default();
        let help = match &d.help {
            Some(h) => format!("caused by this file; the affected entry is at {at}; {h}"),
            None => format!("caused by this file; the affected entry is at {at}"),
        };
        *d = Diagnostic::warning(d.message.clone()).with_help(help).at(
            &user.path,
            &user.text,
            span,
            Some(label),
        );
    }

    // Packages the edit made infeasible.
    for p in &loaded.world.infeasible {
        if parent.world.infeasible.iter().any(|q| q.id == p.id) {
            continue;
        }
        let message = format!(
            "package `{}` is infeasible after this file's changes and will not be simulated: {}",
            p.id,
            super::infeasible_reasons(p)
        );
        let (span, label) = anchor(&format!(
            "{message} {}",
            p.violations
                .iter()
                .map(|v| format!("`{}`", v.constraint))
                .collect::<String>()
        ));
        added.push(
            Diagnostic::warning(message)
                .with_help("`guarantee-sim validate` lists every infeasible package with the constraint it breaks")
                .at(&user.path, &user.text, span, Some(label)),
        );
    }

    // Values and entries that resolve to exactly what the parent has.
    let parent_resolved: toml::Table = parent.resolved_toml.parse().unwrap_or_default();
    let resolved: toml::Table = loaded.resolved_toml.parse().unwrap_or_default();
    let coefficients = |t: &toml::Table| {
        t.get("coefficients")
            .and_then(toml::Value::as_table)
            .cloned()
    };
    if let (Some(before), Some(mine)) = (
        coefficients(&parent_resolved),
        tree.get("coefficients").and_then(Node::as_table),
    ) {
        for (name, node) in mine {
            if before.get(name).is_some_and(|v| *v == node.to_toml()) {
                added.push(
                    Diagnostic::warning(format!(
                        "`{name}` in [coefficients] changes nothing: `{}` already has this value",
                        loaded.sources[1].path
                    ))
                    .with_help("`guarantee-sim show` prints the file this one extends")
                    .at(
                        &user.path,
                        &user.text,
                        node.key_span.start..node.span.end,
                        Some("same value as the parent's".to_string()),
                    ),
                );
            }
        }
    }
    // Entries that compile to exactly what the parent has.
    for (list, id, node) in &entries {
        let unchanged = match *list {
            "packages" => same_entry(&parent.world.packages, &loaded.world.packages, id, |p| {
                &p.id
            }),
            "scenarios" => same_entry(&parent.world.scenarios, &loaded.world.scenarios, id, |s| {
                &s.id
            }),
            // Countries and constraints compile into shared tables: compare
            // the resolved entries.
            _ => {
                let find = |t: &toml::Table| {
                    t.get(*list)?
                        .as_array()?
                        .iter()
                        .find(|e| e.get("id").and_then(toml::Value::as_str) == Some(id.as_str()))
                        .cloned()
                };
                matches!((find(&parent_resolved), find(&resolved)), (Some(a), Some(b)) if a == b)
            }
        };
        if unchanged {
            added.push(
                Diagnostic::warning(format!(
                    "this [[{list}]] entry `{id}` changes nothing the simulation uses: it compiles to what `{}` already has",
                    loaded.sources[1].path
                ))
                .with_help("check the field names and values; `guarantee-sim show` prints the entry as it is resolved")
                .at(&user.path, &user.text, node.span.clone(), Some("no effect".to_string())),
            );
        }
    }
    if same_world(&parent.world, &loaded.world) && added.is_empty() {
        added.push(
            Diagnostic::warning(format!(
                "this file changes nothing the simulation uses: it compiles to what `{}` already has",
                loaded.sources[1].path
            ))
            .with_help(
                "a value in [coefficients] that every scenario sets itself has no effect; \
                 use [every_scenario.coefficients] or the scenario's own entry",
            )
            .at(&user.path, &user.text, 0..0, Some("no effect".to_string())),
        );
    }
    loaded.warnings.extend(added);
}

/// Whether entry `id` exists in both lists and compiles to the same thing.
fn same_entry<T: PartialEq>(
    parent: &[T],
    child: &[T],
    id: &str,
    id_of: impl Fn(&T) -> &str,
) -> bool {
    let find = |list: &'_ [T]| list.iter().position(|e| id_of(e) == id);
    match (find(parent), find(child)) {
        (Some(a), Some(b)) => parent[a] == child[b],
        _ => false,
    }
}

/// Everything a run reads is the same (the title and defaults aside).
fn same_world(a: &World, b: &World) -> bool {
    a.horizon_months == b.horizon_months
        && a.countries == b.countries
        && a.packages == b.packages
        && a.infeasible == b.infeasible
        && a.scenarios == b.scenarios
        && a.objection == b.objection
}
