//! Shorthands a what-if file may use, expanded in the merged tree before
//! it is checked: a package `based_on` another (every field inherited, then
//! overridden), and a force's `troops_scale` (every contributor's troops
//! multiplied). Expanded values keep the spans of the lines that gave them,
//! so later errors and warnings point at the right file and line.

use super::Ctx;
use super::suggest::help_for;
use super::tree::{Node, Value};

/// Most `based_on` links followed from one package (a longer chain is
/// almost certainly a cycle the check below did not catch).
const MAX_BASED_ON_DEPTH: usize = 16;

/// Expands `based_on` and `troops_scale` in every package.
pub(crate) fn expand(ctx: &mut Ctx, root: &mut Node) {
    let Some(Value::Table(top)) = Some(&mut root.value) else {
        return;
    };
    let Some((_, packages)) = top.iter_mut().find(|(k, _)| k == "packages") else {
        return;
    };
    let Value::Array(entries) = &mut packages.value else {
        return;
    };
    for i in 0..entries.len() {
        if let Some(expanded) = based_on(ctx, entries, i, 0) {
            entries[i] = expanded;
        }
    }
    for entry in entries.iter_mut() {
        scale_troops(ctx, entry);
    }
}

/// Package `i` with its `based_on` resolved, or `None` when it has none
/// (or it could not be resolved; the error is reported).
fn based_on(ctx: &mut Ctx, entries: &[Node], i: usize, depth: usize) -> Option<Node> {
    let entry = entries.get(i)?;
    let link = entry.get("based_on")?;
    let Some(name) = link.as_str() else {
        ctx.taint(entry);
        ctx.error_at_node(
            link,
            format!(
                "`based_on` must be a package id, found {}",
                link.type_name()
            ),
            "not a string",
            "write e.g. based_on = \"paris-draft\"",
        );
        return None;
    };
    let ids: Vec<&str> = entries.iter().filter_map(Node::id).collect();
    let Some(j) = entries.iter().position(|e| e.id() == Some(name)) else {
        ctx.taint(entry); // its fields are the base's: none is "missing"
        ctx.error_at_node(
            link,
            format!("`based_on`: no package `{name}`"),
            "no [[packages]] entry has this id",
            help_for(name, &ids, &format!("known packages: {}", ids.join(", "))),
        );
        return None;
    };
    if j == i || depth >= MAX_BASED_ON_DEPTH {
        ctx.taint(entry);
        ctx.error_at_node(
            link,
            format!(
                "`based_on` of package `{}` leads back to itself",
                entry.id().unwrap_or("?")
            ),
            "a cycle",
            "base the package on one that does not, in turn, name it",
        );
        return None;
    }
    let mut base = match based_on(ctx, entries, j, depth + 1) {
        Some(b) => b,
        None if entries[j].get("based_on").is_some() => {
            ctx.taint(entry);
            return None;
        }
        None => entries[j].clone(),
    };
    base.remove("based_on");
    // Start from the base, then this entry's own fields on top; the entry
    // keeps its header (and so its place in messages).
    let mut own = entry.clone();
    own.remove("based_on");
    let header = (own.file, own.key_span.clone(), own.span.clone());
    super::tree::merge_onto(&mut base, own);
    (base.file, base.key_span, base.span) = header;
    Some(base)
}

/// Multiplies `force.troops` by `force.troops_scale`, rounding to whole
/// persons, and removes the factor.
fn scale_troops(ctx: &mut Ctx, package: &mut Node) {
    let Some(force) = package_force(package) else {
        return;
    };
    let Some(factor_node) = force.get("troops_scale").cloned() else {
        return;
    };
    force.remove("troops_scale");
    let factor = match factor_node.value {
        Value::Float(f) => f,
        Value::Integer(i) => i as f64,
        _ => {
            ctx.error_at_node(
                &factor_node,
                format!(
                    "`troops_scale` must be a number, found {}",
                    factor_node.type_name()
                ),
                "not a number",
                "write a factor such as 2.0 (doubles every contributor's troops) or 0.5",
            );
            return;
        }
    };
    if factor < 0.0 {
        ctx.error_at_node(
            &factor_node,
            format!("`troops_scale` is {factor}, but it cannot be negative"),
            "must be 0 or more",
            "a factor multiplies every contributor's troops: 2.0 doubles them, 0.5 halves them, 0 sends none",
        );
        return;
    }
    let Some(Value::Table(troops)) = force_troops(force).map(|n| &mut n.value) else {
        return;
    };
    for (_, n) in troops.iter_mut() {
        if let Value::Integer(t) = n.value {
            let scaled = (t as f64 * factor).round();
            n.value = Value::Integer(if scaled >= i64::MAX as f64 {
                i64::MAX
            } else {
                scaled as i64
            });
            // The scaled number comes from the factor's line as much as the
            // table's: point at the factor, where the user wrote it.
            (n.file, n.key_span, n.span) = (
                factor_node.file,
                factor_node.key_span.clone(),
                factor_node.span.clone(),
            );
        }
    }
}

fn package_force(package: &mut Node) -> Option<&mut Node> {
    match &mut package.value {
        Value::Table(t) => t.iter_mut().find(|(k, _)| k == "force").map(|(_, n)| n),
        _ => None,
    }
}

fn force_troops(force: &mut Node) -> Option<&mut Node> {
    match &mut force.value {
        Value::Table(t) => t.iter_mut().find(|(k, _)| k == "troops").map(|(_, n)| n),
        _ => None,
    }
}
