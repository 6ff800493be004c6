//! The text of a scenario file's entries, with their comments, from every
//! file of the `extends` chain that writes them, and the entry as resolved:
//! so the bundled file can be read anywhere, from the copy in the binary.

use std::fmt::Write as _;

use super::Loaded;
use super::suggest::help_for;

/// What to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every file of the chain, the file extended first.
    All,
    /// One entry of an id-keyed list ("packages", "countries", "scenarios",
    /// "constraints") by id.
    Entry { list: &'static str, id: String },
}

/// The selected text, or an error naming what exists (with the closest id).
pub fn show(loaded: &Loaded, selection: &Selection) -> Result<String, String> {
    let mut out = String::new();
    let (list, id) = match selection {
        Selection::All => {
            for f in loaded.sources.iter().rev() {
                let _ = writeln!(out, "# ==== {} ====", f.path);
                out += &f.text;
                if !f.text.ends_with('\n') {
                    out.push('\n');
                }
                out.push('\n');
            }
            return Ok(out);
        }
        Selection::Entry { list, id } => (*list, id.as_str()),
    };
    let resolved: toml::Table = loaded.resolved_toml.parse().unwrap_or_default();
    let entries = resolved
        .get(list)
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.get("id")?.as_str().map(str::to_string))
        .collect();
    let Some(entry) = entries
        .iter()
        .find(|e| e.get("id").and_then(toml::Value::as_str) == Some(id))
    else {
        let singular = list.trim_end_matches('s');
        return Err(format!(
            "no {singular} `{id}` in this file; {}",
            help_for(id, &ids, &format!("known: {}", ids.join(", ")))
        ));
    };
    let mut written = 0;
    for f in loaded.sources.iter().rev() {
        for chunk in entry_chunks(&f.text, list) {
            if chunk.id == id {
                let _ = writeln!(out, "# ---- {}:{} ----", f.path, chunk.line);
                out += &chunk.text;
                out += "\n\n";
                written += 1;
            }
        }
    }
    let shorthand = out.contains("based_on") || out.contains("troops_scale");
    if written != 1 || shorthand {
        let mut one = toml::Table::new();
        one.insert(list.to_string(), toml::Value::Array(vec![entry.clone()]));
        let _ = writeln!(
            out,
            "# ---- resolved: what the simulation uses (files merged, shorthands expanded) ----"
        );
        out += &toml::to_string(&one).unwrap_or_default();
    }
    Ok(out)
}

/// One `[[list]]` entry as written in a file.
struct Chunk {
    /// 1-based line of its header.
    line: usize,
    id: String,
    /// From the comment lines right above the header to its last value.
    text: String,
}

/// Every `[[list]]` entry of a file's text: its header, the comment lines
/// right above it, and its lines up to the next header of something else
/// (sub-tables such as `[packages.force]` belong to the entry; the comment
/// lines right before the next header belong to what follows).
fn entry_chunks(text: &str, list: &str) -> Vec<Chunk> {
    let lines: Vec<&str> = text.lines().collect();
    let header = |line: &str| -> Option<String> {
        let t = line.trim_start();
        let inner = t
            .strip_prefix("[[")
            .and_then(|r| r.split("]]").next())
            .or_else(|| t.strip_prefix('[').and_then(|r| r.split(']').next()))?;
        Some(inner.trim().to_string())
    };
    let is_comment = |l: &str| l.trim_start().starts_with('#');
    let is_blank = |l: &str| l.trim().is_empty();
    let own_table = format!("{list}.");
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with("[[") || header(line).as_deref() != Some(list) {
            continue;
        }
        let mut end = i + 1;
        while end < lines.len() {
            match header(lines[end]) {
                Some(h) if !h.starts_with(&own_table) => break,
                _ => end += 1,
            }
        }
        while end > i + 1 && (is_blank(lines[end - 1]) || is_comment(lines[end - 1])) {
            end -= 1;
        }
        let mut start = i;
        while start > 0 && is_comment(lines[start - 1]) {
            start -= 1;
        }
        let id = lines[i + 1..end]
            .iter()
            .take_while(|l| header(l).is_none())
            .find_map(|l| {
                let t: toml::Table = l.parse().ok()?;
                t.get("id")?.as_str().map(str::to_string)
            })
            .unwrap_or_default();
        out.push(Chunk {
            line: i + 1,
            id,
            text: lines[start..end].join("\n"),
        });
    }
    out
}
