//! Numeric values of a merged scenario file named by path, so that an
//! exploration can vary any of them: `countries.united-states.resolve`,
//! `packages.paris-draft.force.troops.france`,
//! `scenarios.renewed-attack.coefficients.russia_intent`,
//! `scenarios.us-disengagement.events.0.magnitude.mean`.
//!
//! A path is the keys from the top of the file, joined by dots; an entry of
//! a list of tables with ids (`countries`, `packages`, `scenarios`,
//! `constraints`) is named by its id, any other list entry (`events`) by
//! its position from 0. A path may end at a number or at a distribution,
//! which the new value replaces by a fixed number. A scenario may name a
//! coefficient it does not override yet: the value becomes its override.
//!
//! Values are set in the merged tree and then compiled, so the file's own
//! checks judge them, with the same messages as in a file.

use super::suggest::did_you_mean;
use super::tree::{Node, PathSeg, Value};
use super::{Loaded, Merged, render};

/// A path that names no number of the file, or a value the file rejects.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    #[error(
        "`{path}` is not a path: {problem}; write keys joined by dots, e.g. `countries.united-states.resolve`"
    )]
    Malformed { path: String, problem: &'static str },
    #[error("`{path}`: {parent} has no `{segment}`; {help}")]
    Unknown {
        path: String,
        segment: String,
        parent: String,
        help: String,
    },
    #[error("`{path}` is {found}, not a number; {help}")]
    NotANumber {
        path: String,
        found: &'static str,
        help: String,
    },
    #[error("`{path}` = {value} is not a finite number")]
    NotFinite { path: String, value: f64 },
    #[error("{setting} is not valid in this file:\n{errors}")]
    InvalidValue {
        /// The values set, e.g. "`countries.united-states.resolve` = 1.5".
        setting: String,
        errors: String,
    },
}

/// Where a path leads in the tree.
struct Located {
    /// The existing nodes along the path.
    existing: Vec<PathSeg>,
    /// Keys still to create below them (a new scenario override).
    created: Vec<String>,
    integer: bool,
}

/// Candidates shown when a name has no close match.
const MAX_LISTED: usize = 12;

impl Merged {
    /// Checks that `path` names a number (or a distribution) of the file.
    pub fn check_path(&self, path: &str) -> Result<(), PathError> {
        locate(&self.tree, path).map(|_| ())
    }

    /// Sets the number at `path` to `value`; an integer field takes the
    /// nearest integer. Returns the value set.
    pub fn set(&mut self, path: &str, value: f64) -> Result<f64, PathError> {
        if !value.is_finite() {
            return Err(PathError::NotFinite {
                path: path.to_string(),
                value,
            });
        }
        let located = locate(&self.tree, path)?;
        let (value, scalar) = if located.integer {
            let rounded = value.round();
            (rounded, Value::Integer(rounded as i64))
        } else {
            (value, Value::Float(value))
        };
        let Some(mut node) = self.tree.at_path_mut(&located.existing) else {
            unreachable!("`locate` returned the path of an existing node")
        };
        for key in located.created {
            node = child_table(node, key);
        }
        node.value = scalar;
        Ok(value)
    }

    /// A copy with each `(path, value)` set, checked and compiled, and the
    /// values set (see [`Merged::set`]); a value the file's checks reject
    /// is an error naming the path and value.
    pub fn compile_with(&self, values: &[(&str, f64)]) -> Result<(Loaded, Vec<f64>), PathError> {
        let mut changed = self.clone();
        let mut setting = Vec::with_capacity(values.len());
        let mut used = Vec::with_capacity(values.len());
        for &(path, value) in values {
            used.push(changed.set(path, value)?);
            setting.push(format!("`{path}` = {}", used[used.len() - 1]));
        }
        let loaded = changed.compile_plain().map_err(|found| {
            // The file's warnings hold at every value; only the errors
            // concern the values set.
            let errors: Vec<_> = found
                .diagnostics
                .into_iter()
                .filter(|d| d.is_error())
                .collect();
            PathError::InvalidValue {
                setting: setting.join(", "),
                errors: render(&errors, false),
            }
        })?;
        Ok((loaded, used))
    }

    /// Checks a range before any run: the path names a number and both
    /// ends pass the file's checks.
    pub fn check_range(&self, path: &str, lo: f64, hi: f64) -> Result<(), PathError> {
        self.check_path(path)?;
        for end in [lo, hi] {
            self.compile_with(&[(path, end)])?;
        }
        Ok(())
    }
}

/// The table `key` below `node`, created (spanned like `node`, so that
/// messages point at the entry it belongs to) if absent.
pub(super) fn child_table(node: &mut Node, key: String) -> &mut Node {
    let template = Node {
        file: node.file,
        key_span: node.span.clone(),
        span: node.span.clone(),
        value: Value::Table(Vec::new()),
    };
    let Value::Table(entries) = &mut node.value else {
        unreachable!("`locate` creates keys only below tables")
    };
    let at = match entries.iter().position(|(k, _)| *k == key) {
        Some(at) => at,
        None => {
            entries.push((key, template));
            entries.len() - 1
        }
    };
    &mut entries[at].1
}

fn locate(root: &Node, path: &str) -> Result<Located, PathError> {
    let names: Vec<&str> = path.split('.').collect();
    if path.trim().is_empty() {
        return Err(PathError::Malformed {
            path: path.to_string(),
            problem: "it is empty",
        });
    }
    if names.iter().any(|n| n.is_empty()) {
        return Err(PathError::Malformed {
            path: path.to_string(),
            problem: "a key between dots is empty",
        });
    }
    let mut node = root;
    let mut existing = Vec::with_capacity(names.len());
    for (depth, &name) in names.iter().enumerate() {
        let parent = match depth {
            0 => "the file".to_string(),
            _ => format!("`{}`", names[..depth].join(".")),
        };
        let unknown = |help: String| PathError::Unknown {
            path: path.to_string(),
            segment: name.to_string(),
            parent: parent.clone(),
            help,
        };
        let next = match &node.value {
            Value::Table(entries) => match node.get(name) {
                Some(child) => {
                    existing.push(PathSeg::Key(name.to_string()));
                    child
                }
                None => {
                    if let Some(created) = new_scenario_override(root, &names, depth) {
                        return Ok(Located {
                            existing,
                            created,
                            integer: false,
                        });
                    }
                    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
                    if depth == 3 && names[0] == "scenarios" && names[2] == "coefficients" {
                        keys.extend(coefficient_names(root));
                    }
                    return Err(unknown(suggestion(name, &keys)));
                }
            },
            Value::Array(items) => {
                let ids: Option<Vec<&str>> = items.iter().map(Node::id).collect();
                match ids.filter(|ids| !ids.is_empty()) {
                    Some(ids) => {
                        let Some(at) = ids.iter().position(|id| *id == name) else {
                            return Err(unknown(suggestion(name, &ids)));
                        };
                        existing.push(PathSeg::Index(at));
                        &items[at]
                    }
                    None => {
                        let at = name.parse::<usize>().ok().filter(|&i| i < items.len());
                        let Some(at) = at else {
                            return Err(unknown(match items.len() {
                                0 => "the list is empty".to_string(),
                                n => format!(
                                    "it is a list: name an entry by its position, 0 to {}",
                                    n - 1
                                ),
                            }));
                        };
                        existing.push(PathSeg::Index(at));
                        &items[at]
                    }
                }
            }
            _ => {
                return Err(unknown(format!(
                    "{parent} is {} and has no parts; end the path there",
                    node.type_name()
                )));
            }
        };
        node = next;
    }
    let not_a_number = |help: String| PathError::NotANumber {
        path: path.to_string(),
        found: node.type_name(),
        help,
    };
    match &node.value {
        Value::Integer(_) => Ok(Located {
            existing,
            created: Vec::new(),
            integer: true,
        }),
        Value::Float(_) => Ok(Located {
            existing,
            created: Vec::new(),
            integer: false,
        }),
        _ if is_distribution(node) => Ok(Located {
            existing,
            created: Vec::new(),
            integer: false,
        }),
        Value::Table(entries) => {
            let numbers: Vec<&str> = entries
                .iter()
                .filter(|(_, n)| is_numeric(n))
                .map(|(k, _)| k.as_str())
                .take(MAX_LISTED)
                .collect();
            Err(not_a_number(if numbers.is_empty() {
                "name a number inside it".to_string()
            } else {
                format!("name one of its numbers: {}", numbers.join(", "))
            }))
        }
        Value::Array(_) => Err(not_a_number(
            "name an entry by its id or position".to_string(),
        )),
        _ => Err(not_a_number("only numbers can be explored".to_string())),
    }
}

fn is_distribution(node: &Node) -> bool {
    node.get("dist").is_some()
}

fn is_numeric(node: &Node) -> bool {
    matches!(node.value, Value::Integer(_) | Value::Float(_)) || is_distribution(node)
}

/// The file's top-level coefficients, which any scenario may override.
fn coefficient_names(root: &Node) -> impl Iterator<Item = &str> {
    root.get("coefficients")
        .and_then(Node::as_table)
        .unwrap_or_default()
        .iter()
        .filter(|(_, n)| is_numeric(n))
        .map(|(k, _)| k.as_str())
}

/// For `scenarios.<id>.coefficients.<name>` where the scenario does not
/// override `<name>` yet but the file has it: the keys to create, from
/// `depth` on.
fn new_scenario_override(root: &Node, names: &[&str], depth: usize) -> Option<Vec<String>> {
    let [first, _, table, coefficient] = names else {
        return None;
    };
    let applies = *first == "scenarios"
        && *table == "coefficients"
        && depth >= 2
        && coefficient_names(root).any(|c| c == *coefficient);
    applies.then(|| names[depth..].iter().map(|s| s.to_string()).collect())
}

fn suggestion(name: &str, candidates: &[&str]) -> String {
    if let Some(close) = did_you_mean(name, candidates) {
        return format!("did you mean `{close}`?");
    }
    if candidates.is_empty() {
        return "it has nothing to name".to_string();
    }
    let shown: Vec<&str> = candidates.iter().copied().take(MAX_LISTED).collect();
    let more = if candidates.len() > MAX_LISTED {
        ", ..."
    } else {
        ""
    };
    format!("valid here: {}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::merge_str;

    fn bundled() -> Merged {
        match merge_str("explore.toml", "extends = \"paris-2026.toml\"\n", None) {
            Ok(m) => m,
            Err(e) => panic!("{}", e.render(false)),
        }
    }

    fn compiled(m: &Merged, values: &[(&str, f64)]) -> Loaded {
        m.compile_with(values).unwrap_or_else(|e| panic!("{e}")).0
    }

    #[test]
    fn setting_a_country_value_changes_the_compiled_world() {
        let m = bundled();
        let base = m.clone().compile().unwrap();
        let us = base
            .world
            .countries
            .id
            .iter()
            .position(|id| id == "united-states")
            .unwrap();
        assert_ne!(base.world.countries.resolve[us], 0.9);
        let changed = compiled(&m, &[("countries.united-states.resolve", 0.9)]);
        assert_eq!(changed.world.countries.resolve[us], 0.9);
        let others = |w: &crate::model::params::World| {
            let mut r = w.countries.resolve.clone();
            r.remove(us);
            r
        };
        assert_eq!(others(&changed.world), others(&base.world));
    }

    #[test]
    fn integer_fields_take_the_nearest_integer() {
        let mut m = bundled();
        let used = m
            .set("packages.paris-draft.force.troops.france", 1234.4)
            .unwrap();
        assert_eq!(used, 1234.0);
        let loaded = m.compile().unwrap();
        assert!(
            loaded.resolved_toml.contains("france = 1234\n"),
            "{}",
            loaded.resolved_toml
        );
    }

    #[test]
    fn a_scenario_coefficient_can_be_fixed_or_newly_overridden() {
        let m = bundled();
        let base = m.clone().compile().unwrap();
        let scenario = |l: &Loaded, id: &str| {
            let i = l.world.scenario_index(id).unwrap();
            l.world.scenarios[i].coefficients.clone()
        };
        // A distribution replaced by a fixed number.
        let fixed = compiled(
            &m,
            &[("scenarios.renewed-attack.coefficients.russia_intent", 0.9)],
        );
        assert_ne!(
            scenario(&fixed, "renewed-attack"),
            scenario(&base, "renewed-attack")
        );
        assert_eq!(scenario(&fixed, "grey-zone"), scenario(&base, "grey-zone"));
        // A top-level coefficient the scenario does not override yet.
        let overrides = m.tree.at_path(&[
            PathSeg::Key("scenarios".into()),
            PathSeg::Index(0),
            PathSeg::Key("coefficients".into()),
        ]);
        let top = m.tree.get("coefficients").unwrap();
        let (name, current) = coefficient_names(&m.tree)
            .filter(|c| overrides.and_then(|o| o.get(c)).is_none())
            .find_map(|c| match top.get(c).map(|n| &n.value) {
                Some(Value::Float(f)) => Some((c.to_string(), *f)),
                _ => None,
            })
            .expect("the bundled file has a fixed coefficient its first scenario leaves alone");
        let first_id = base.world.scenarios[0].id.clone();
        let path = format!("scenarios.{first_id}.coefficients.{name}");
        let overridden = compiled(&m, &[(&path, current * 1.01 + 0.001)]);
        assert_ne!(scenario(&overridden, &first_id), scenario(&base, &first_id));
        assert_eq!(overridden.world.scenarios[1..], base.world.scenarios[1..]);
    }

    #[test]
    fn unknown_names_get_did_you_mean() {
        let m = bundled();
        for (path, says) in [
            (
                "countries.untied-states.resolve",
                "did you mean `united-states`?",
            ),
            ("countries.united-states.resolv", "did you mean `resolve`?"),
            (
                "scenarios.renewed-attack.coefficients.russia_intnet",
                "did you mean `russia_intent`?",
            ),
            ("countries.united-states.resolve.x", "has no parts"),
            (
                "scenarios.us-disengagement.events.7.month",
                "position, 0 to 0",
            ),
        ] {
            let err = m.check_path(path).unwrap_err();
            assert!(matches!(err, PathError::Unknown { .. }), "{err}");
            assert!(err.to_string().contains(says), "{err}");
        }
        m.check_path("scenarios.us-disengagement.events.0.magnitude.mean")
            .unwrap();
        m.check_path("coefficients.weight_failure").unwrap();
    }

    #[test]
    fn paths_to_non_numbers_and_malformed_paths_are_errors() {
        let m = bundled();
        let err = m.check_path("countries.united-states.name").unwrap_err();
        assert!(
            matches!(
                err,
                PathError::NotANumber {
                    found: "a string",
                    ..
                }
            ),
            "{err}"
        );
        let err = m
            .check_path("countries.united-states.capability")
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("name one of its numbers: military"),
            "{err}"
        );
        for bad in ["", "countries..resolve", ".countries"] {
            assert!(
                matches!(m.check_path(bad), Err(PathError::Malformed { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_range_the_file_rejects_is_an_error_before_any_run() {
        let m = bundled();
        m.check_range("countries.united-states.resolve", 0.1, 0.9)
            .unwrap();
        let err = m
            .check_range("countries.united-states.resolve", 0.1, 1.5)
            .unwrap_err();
        let PathError::InvalidValue { setting, errors } = &err else {
            panic!("{err}");
        };
        assert_eq!(setting, "`countries.united-states.resolve` = 1.5");
        assert!(errors.contains("0 to 1, found 1.5"), "{errors}");
        assert!(
            !errors.contains("stay home"),
            "warnings are left out: {errors}"
        );
        assert!(matches!(
            m.clone().set("countries.united-states.resolve", f64::NAN),
            Err(PathError::NotFinite { .. })
        ));
    }
}
