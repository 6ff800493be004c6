//! docs/OUTPUTS.md documents every column the program writes: the commands
//! are run on the small fixture and every header they write must have a
//! row in the section of its file, so the two cannot drift apart.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

/// The rows (first cell, backticks removed) of each `## \`file\`` section.
fn documented() -> BTreeMap<String, Vec<String>> {
    let doc = std::fs::read_to_string("docs/OUTPUTS.md").unwrap();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in doc.lines() {
        if let Some(name) = line.strip_prefix("## `").and_then(|l| l.strip_suffix('`')) {
            section = name.to_string();
            out.entry(section.clone()).or_default();
        } else if let Some(row) = line.strip_prefix("| `") {
            if let Some((cell, _)) = row.split_once("` |") {
                out.entry(section.clone())
                    .or_default()
                    .push(cell.to_string());
            }
        }
    }
    out
}

fn run(dir: &Path, args: &[&str]) {
    Command::cargo_bin("guarantee-sim")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .assert()
        .success();
}

/// A small sweep of the fixture `base.toml` in `dir` into `dir/sweep`.
fn sweep(dir: &Path) {
    run(
        dir,
        &[
            "sweep",
            "base.toml",
            "--runs",
            "10",
            "--quiet",
            "--out",
            "sweep",
            "--param",
            "simulation.horizon_months=12..24:2",
        ],
    );
}

fn header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

#[test]
fn every_column_of_every_output_is_documented() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy("tests/fixtures/minimal.toml", d.join("base.toml")).unwrap();
    let package = guarantee_sim::scenario::load(&d.join("base.toml"))
        .unwrap()
        .world
        .packages[0]
        .id
        .clone();
    std::fs::write(
        d.join("what-if.toml"),
        format!(
            "extends = \"base.toml\"\n[[packages]]\nid = \"{package}\"\nlegal_form = \"none\"\n"
        ),
    )
    .unwrap();
    run(
        d,
        &[
            "run",
            "base.toml",
            "--runs",
            "20",
            "--per-run",
            "--parquet",
            "--no-charts",
            "--quiet",
            "--precision",
            "0.5",
            "--max-runs",
            "250",
            "--out",
            "run",
        ],
    );
    sweep(d);
    run(
        d,
        &[
            "compare",
            "base.toml",
            "what-if.toml",
            "--runs",
            "10",
            "--quiet",
            "--out",
            "compare",
        ],
    );

    let mut written: Vec<(String, Vec<String>)> = Vec::new();
    // The tables `run` writes; sweep.csv is read below, and the tables of
    // the other exploration commands are described in docs/EXPLORING.md.
    for name in guarantee_sim::report::OUTPUT_FILES {
        let path = d.join("run").join(name);
        if name.ends_with(".csv") && path.exists() {
            // runs.csv ends with one column per value a run drew, named by
            // its path; they are documented as one kind of column.
            let columns = header(&path)
                .into_iter()
                .filter(|c| !c.starts_with("coefficients.") && !c.starts_with("scenarios."))
                .collect();
            written.push((name.to_string(), columns));
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("run/manifest.json")).unwrap())
            .unwrap();
    let mut fields: Vec<String> = manifest.as_object().unwrap().keys().cloned().collect();
    let precision = manifest["precision"]
        .as_object()
        .expect("a precision record");
    let doc = documented();
    let text = std::fs::read_to_string("docs/OUTPUTS.md").unwrap();
    for key in precision.keys() {
        assert!(
            text.contains(&format!("`{key}`")),
            "precision.{key} undocumented"
        );
    }
    fields.sort();
    written.push(("manifest.json".to_string(), fields));
    // Columns before `package` in sweep.csv are the swept parameters,
    // documented as one kind of column.
    let sweep = header(&d.join("sweep/sweep.csv"));
    let first_fixed = sweep.iter().position(|c| c == "package").unwrap();
    assert_eq!(first_fixed, 1, "{sweep:?}");
    written.push(("sweep.csv".to_string(), sweep[first_fixed..].to_vec()));
    written.push((
        "compare.csv".to_string(),
        header(&d.join("compare/compare.csv")),
    ));

    // Every Parquet file copies a CSV file: they are listed together, and
    // their columns are those of the CSV.
    let parquet: Vec<String> = guarantee_sim::report::OUTPUT_FILES
        .iter()
        .filter(|name| name.ends_with(".parquet"))
        .map(|name| name.to_string())
        .collect();
    for name in &parquet {
        assert!(d.join("run").join(name).exists(), "{name} not written");
    }
    written.push(("*.parquet".to_string(), parquet));

    let mut missing = Vec::new();
    for (file, columns) in &written {
        let Some(rows) = doc.get(file) else {
            missing.push(format!("{file}: no section"));
            continue;
        };
        for c in columns {
            if !rows.contains(c) {
                missing.push(format!("{file}: `{c}`"));
            }
        }
        // And nothing documented that the program no longer writes.
        for r in rows {
            if !columns.contains(r) {
                missing.push(format!("{file}: `{r}` documented but not written"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/OUTPUTS.md and the outputs differ:\n{}",
        missing.join("\n")
    );
}

/// The list of files in docs/OUTPUTS.md and the registry that clearing a
/// folder reads name the same files, and an exploration writes only
/// registered files.
#[test]
fn every_registered_file_is_listed_and_nothing_else() {
    let doc = std::fs::read_to_string("docs/OUTPUTS.md").unwrap();
    let start = doc
        .find("## Every file a command writes")
        .expect("the list");
    let section = &doc[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let listed: Vec<&str> = section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| name.contains('.') && !name.contains('/'))
        .collect();
    let registered = guarantee_sim::report::OUTPUT_FILES;
    for name in registered {
        assert!(
            listed.contains(&name),
            "`{name}` is registered but not listed"
        );
    }
    for name in &listed {
        assert!(
            registered.contains(name),
            "`{name}` is listed but not registered"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy("tests/fixtures/minimal.toml", d.join("base.toml")).unwrap();
    sweep(d);
    for entry in std::fs::read_dir(d.join("sweep")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "charts" {
            continue;
        }
        assert!(
            registered.contains(&name.as_str()),
            "{name} is not registered"
        );
    }
    assert!(d.join("sweep/exploration.html").is_file());
    assert!(d.join("sweep/exploration.md").is_file());
}

#[test]
fn every_field_of_shard_json_is_documented() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy("tests/fixtures/minimal.toml", d.join("base.toml")).unwrap();
    run(
        d,
        &[
            "run",
            "base.toml",
            "--runs",
            "20",
            "--quiet",
            "--shard",
            "0/1",
            "--out",
            "shard",
        ],
    );
    let shard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("shard/shard.json")).unwrap())
            .unwrap();
    let mut written: Vec<String> = shard.as_object().unwrap().keys().cloned().collect();
    let mut documented = documented()["shard.json"].clone();
    written.sort();
    documented.sort();
    assert_eq!(
        written, documented,
        "shard.json and its section in docs/OUTPUTS.md differ"
    );
}
