//! A spanned TOML tree of our own: every node remembers the file it came
//! from and the byte spans of its key and value, so that after `extends`
//! files are merged an error still points into the right file.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// Index into the list of source files.
pub(crate) type FileId = usize;

/// Arrays of tables that merge by `id` across `extends`.
pub(crate) const MERGE_BY_ID: &[&str] = &[
    "countries",
    "packages",
    "scenarios",
    "constraints",
    "patterns",
];

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub file: FileId,
    /// Span of the key (for array elements and the root: the value's).
    pub key_span: Range<usize>,
    /// Span of the value; for a `[table]` or `[[array]]` entry, its header.
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    Datetime(toml::value::Datetime),
    Array(Vec<Node>),
    /// Entries in source order.
    Table(Vec<(String, Node)>),
}

/// A problem found while converting the parsed document.
pub(crate) struct TreeIssue {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

impl Node {
    /// Converts a parsed document into a tree for `file`, reporting integers
    /// out of the 64-bit range (they are left out of the tree).
    pub fn from_document(file: FileId, doc: &DeTable<'_>, issues: &mut Vec<TreeIssue>) -> Node {
        let span = 0..0;
        Node {
            file,
            key_span: span.clone(),
            span,
            value: Value::Table(convert_table(file, doc, issues)),
        }
    }

    pub fn as_table(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A direct child of a table by key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_table()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n)
    }

    /// Removes a child by key; true if it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        if let Value::Table(t) = &mut self.value {
            let before = t.len();
            t.retain(|(k, _)| k != key);
            return t.len() != before;
        }
        false
    }

    /// Follows a path of keys and indices.
    pub fn at_path(&self, path: &[PathSeg]) -> Option<&Node> {
        let mut n = self;
        for seg in path {
            n = match seg {
                PathSeg::Key(k) => n.get(k)?,
                PathSeg::Index(i) => n.as_array()?.get(*i)?,
            };
        }
        Some(n)
    }

    pub fn at_path_mut(&mut self, path: &[PathSeg]) -> Option<&mut Node> {
        let mut n = self;
        for seg in path {
            n = match (seg, &mut n.value) {
                (PathSeg::Key(k), Value::Table(t)) => {
                    t.iter_mut().find(|(kk, _)| kk == k).map(|(_, v)| v)?
                }
                (PathSeg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(n)
    }

    /// The `id` string of an array-of-tables entry.
    pub fn id(&self) -> Option<&str> {
        self.get("id")?.as_str()
    }

    /// Plain TOML value for serde (spans dropped).
    pub fn to_toml(&self) -> toml::Value {
        match &self.value {
            Value::String(s) => toml::Value::String(s.clone()),
            Value::Integer(i) => toml::Value::Integer(*i),
            Value::Float(f) => toml::Value::Float(*f),
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Datetime(d) => toml::Value::Datetime(*d),
            Value::Array(a) => toml::Value::Array(a.iter().map(Node::to_toml).collect()),
            Value::Table(t) => {
                let mut m = toml::Table::new();
                for (k, v) in t {
                    m.insert(k.clone(), v.to_toml());
                }
                toml::Value::Table(m)
            }
        }
    }

    /// Name of the value's TOML type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// One step of a path into the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathSeg {
    Key(String),
    Index(usize),
}

fn convert_table(
    file: FileId,
    t: &DeTable<'_>,
    issues: &mut Vec<TreeIssue>,
) -> Vec<(String, Node)> {
    let mut out: Vec<(String, Node)> = Vec::new();
    for (k, v) in t.iter() {
        let key_span = k.span();
        if let Some(value) = convert_value(v.get_ref(), file, v.span(), issues) {
            out.push((
                k.get_ref().to_string(),
                Node {
                    file,
                    key_span,
                    span: v.span(),
                    value,
                },
            ));
        }
    }
    // Source order (the parser's map is sorted by key).
    out.sort_by_key(|(_, n)| n.key_span.start);
    out
}

fn convert_value(
    v: &DeValue<'_>,
    file: FileId,
    span: Range<usize>,
    issues: &mut Vec<TreeIssue>,
) -> Option<Value> {
    Some(match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Integer(n),
            Err(_) => {
                issues.push(TreeIssue {
                    span,
                    message: format!("integer `{i}` is out of range"),
                    help: "TOML integers are 64-bit: from -9223372036854775808 to \
                           9223372036854775807"
                        .into(),
                });
                return None;
            }
        },
        DeValue::Float(f) => {
            let s = f.as_str().replace('_', "");
            match s.parse::<f64>() {
                Ok(x) => Value::Float(x),
                Err(_) => {
                    issues.push(TreeIssue {
                        span,
                        message: format!("cannot read the number `{f}`"),
                        help: "write a decimal number such as 0.25 or 1e-3".into(),
                    });
                    return None;
                }
            }
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(*d),
        DeValue::Array(a) => Value::Array(
            a.iter()
                .filter_map(|e| {
                    let value = convert_value(e.get_ref(), file, e.span(), issues)?;
                    Some(Node {
                        file,
                        key_span: e.span(),
                        span: e.span(),
                        value,
                    })
                })
                .collect(),
        ),
        DeValue::Table(t) => Value::Table(convert_table(file, t, issues)),
    })
}

/// Merges `child` onto `parent`: tables key by key (recursively), the
/// top-level arrays in [`MERGE_BY_ID`] by `id`, everything else replaced.
/// A table with a `dist` key (a distribution) replaces the parent's value
/// whole, so that a child can switch a coefficient from one distribution to
/// another.
pub(crate) fn merge_root(parent: &mut Node, child: Node) {
    let Value::Table(child_entries) = child.value else {
        return;
    };
    let mut rest = Vec::with_capacity(child_entries.len());
    for (key, cnode) in child_entries {
        if MERGE_BY_ID.contains(&key.as_str()) {
            if let Some(pnode) = table_entry_mut(parent, &key) {
                if let (Value::Array(pa), Value::Array(ca)) = (&mut pnode.value, &cnode.value) {
                    merge_by_id(pa, ca.clone());
                    continue;
                }
            }
        }
        rest.push((key, cnode));
    }
    if let Value::Table(entries) = &mut parent.value {
        merge_entries(entries, rest);
    }
}

fn table_entry_mut<'a>(n: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut n.value {
        Value::Table(t) => t.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// Merges a child's entries into a table's, key by key. Keys are looked up
/// in a map, so a hostile file with 200,000 keys merges in linear time.
fn merge_entries(entries: &mut Vec<(String, Node)>, child: Vec<(String, Node)>) {
    let mut index: std::collections::HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.clone(), i))
        .collect();
    for (key, cnode) in child {
        match index.get(&key) {
            Some(&i) => merge_value(&mut entries[i].1, cnode),
            None => {
                index.insert(key.clone(), entries.len());
                entries.push((key, cnode));
            }
        }
    }
}

/// Merges `child` onto `parent` as `extends` merges an entry: tables key by
/// key, everything else replaced.
pub(crate) fn merge_onto(parent: &mut Node, child: Node) {
    merge_value(parent, child);
}

fn merge_value(pnode: &mut Node, cnode: Node) {
    let is_dist = cnode.get("dist").is_some();
    match (&mut pnode.value, cnode.value) {
        (Value::Table(entries), Value::Table(centries)) if !is_dist => {
            merge_entries(entries, centries);
        }
        (_, value) => {
            *pnode = Node { value, ..cnode };
        }
    }
}

fn merge_by_id(parent: &mut Vec<Node>, child: Vec<Node>) {
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, p) in parent.iter().enumerate() {
        if let Some(id) = p.id() {
            index.entry(id.to_string()).or_insert(i);
        }
    }
    for c in child {
        let found = c.id().and_then(|id| index.get(id).copied());
        if found.is_none() {
            if let Some(id) = c.id() {
                index.insert(id.to_string(), parent.len());
            }
        }
        match found {
            Some(i) => {
                if let (Some(p), Value::Table(_)) = (parent.get_mut(i), &c.value) {
                    merge_value(p, c);
                }
            }
            None => parent.push(c),
        }
    }
}
