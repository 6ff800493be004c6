//! `--shard K/N` and `merge`: shards merged give the bytes of one machine
//! for any number of shards (more shards than blocks too), and a merge
//! refuses shards that do not make up one study, naming the shard.

mod cluster_support;

use std::path::Path;

use cluster_support::{assert_same_outputs, fixture, ok, refused, sim};
use sha2::Digest as _;
use tempfile::TempDir;

/// 600 runs under the fixture's two scenarios: 3 block rows, 6 blocks.
const RUNS: &str = "600";

fn run_args<'a>(file: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run", file, "--runs", RUNS, "--quiet", "--out", out];
    args.extend_from_slice(extra);
    args
}

/// Runs every shard of `count` into `prefix-K`, returns their folders.
fn shards(dir: &Path, file: &str, prefix: &str, count: u64, extra: &[&str]) -> Vec<String> {
    (0..count)
        .map(|k| {
            let out = format!("{prefix}-{k}");
            let shard = format!("{k}/{count}");
            let mut args = run_args(file, &out, extra);
            args.extend(["--shard", &shard]);
            ok(dir, &args);
            assert!(dir.join(&out).join("shard.json").is_file());
            assert!(
                !dir.join(&out).join("summary.csv").exists(),
                "a shard writes no outputs"
            );
            out
        })
        .collect()
}

fn merge(dir: &Path, shards: &[String], out: &str) -> std::process::Output {
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    args.extend(["--out", out, "--quiet"]);
    sim(dir, &args)
}

#[test]
fn shards_merged_are_the_bytes_of_one_machine_for_any_shard_count() {
    let dir = TempDir::new().unwrap();
    let file = fixture();
    // Charts, reports, runs.csv and the Parquet copies: every output a run
    // writes (the shards record --parquet for the merge).
    let full = ["--per-run", "--parquet"];
    ok(dir.path(), &run_args(&file, "single", &full));
    let three = shards(dir.path(), &file, "full", 3, &full);
    let out = merge(dir.path(), &three, "merged-3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same_outputs(&dir.path().join("single"), &dir.path().join("merged-3"));

    // Tables only, for the other counts: 1, 2, and 7 (more than the 6 blocks).
    let tables = ["--no-charts"];
    ok(dir.path(), &run_args(&file, "single-tables", &tables));
    for count in [1, 2, 7] {
        let prefix = format!("tables-{count}");
        let folders = shards(dir.path(), &file, &prefix, count, &tables);
        let merged = format!("merged-{count}");
        let out = merge(dir.path(), &folders, &merged);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_same_outputs(&dir.path().join("single-tables"), &dir.path().join(&merged));
    }
}

#[test]
fn exploration_shards_merge_to_the_bytes_of_one_machine() {
    let dir = TempDir::new().unwrap();
    let intent = "scenarios.renewed-attack.coefficients.russia_intent=0.2..1";
    let studies: [(&str, &[&str], u64); 3] = [
        (
            "sweep",
            &[
                "--param",
                "scenarios.renewed-attack.coefficients.russia_intent=0.2..1:3",
            ],
            2,
        ),
        ("sensitivity", &["--param", intent, "--samples", "2"], 3),
        (
            "discover",
            &[
                "--package",
                "no-guarantee",
                "--scenario",
                "renewed-attack",
                "--param",
                intent,
                "--samples",
                "6",
                "--runs",
                "40",
            ],
            2,
        ),
    ];
    for (command, specific, count) in studies {
        let mut base = vec![command, "--quiet"];
        base.extend_from_slice(specific);
        if command != "discover" {
            base.extend([
                "--runs",
                "300",
                "--scenarios",
                "renewed-attack",
                "--packages",
                "no-guarantee,paris-draft",
            ]);
        }
        let single = format!("{command}-single");
        let mut args = base.clone();
        args.extend(["--out", &single]);
        ok(dir.path(), &args);
        let folders: Vec<String> = (0..count)
            .map(|k| {
                let out = format!("{command}-{k}");
                let shard = format!("{k}/{count}");
                let mut args = base.clone();
                args.extend(["--shard", &shard, "--out", &out]);
                ok(dir.path(), &args);
                out
            })
            .collect();
        let merged = format!("{command}-merged");
        let out = merge(dir.path(), &folders, &merged);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_same_outputs(&dir.path().join(&single), &dir.path().join(&merged));
    }
}

/// The state of a shard killed while being finished: its blocks moved to
/// `blocks/`, its `shard.json` not yet written, its checkpoint still there
/// (so the job array resumes it).
fn kill_while_finishing(shard: &Path) {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shard.join("shard.json")).unwrap()).unwrap();
    let record = serde_json::json!({
        "study": manifest["study"],
        "shard": {"index": manifest["shard"], "count": manifest["shards"]},
    });
    std::fs::create_dir_all(shard.join(".checkpoint")).unwrap();
    std::fs::write(
        shard.join(".checkpoint/study.json"),
        serde_json::to_vec_pretty(&record).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(shard.join("shard.json")).unwrap();
}

#[test]
fn a_shard_killed_while_being_finished_resumes_with_its_blocks() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    let tables = ["--no-charts"];
    ok(d, &run_args(&file, "single", &tables));
    let folders = shards(d, &file, "killed", 2, &tables);
    kill_while_finishing(&d.join(&folders[1]));

    let mut args = run_args(&file, &folders[1], &tables);
    args.retain(|a| *a != "--quiet");
    args.extend(["--shard", "1/2", "--resume", &folders[1]]);
    let out = sim(d, &args);
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{note}");
    assert!(
        note.contains("3 finished block(s) kept"),
        "the moved blocks are kept, not computed again: {note}"
    );
    assert!(!d.join(&folders[1]).join(".checkpoint").exists());
    let out = merge(d, &folders, "merged");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same_outputs(&d.join("single"), &d.join("merged"));
}

/// Rewrites the first block file of scenario 1 in `blocks` with one cell
/// too few and a header checksum that matches (as a hand-made or
/// another version's file could); returns its name and new bytes.
fn one_cell_too_few(blocks: &Path) -> (String, Vec<u8>) {
    let mut names: Vec<String> = std::fs::read_dir(blocks)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("block-0-1-"))
        .collect();
    names.sort();
    let name = names.first().expect("a block of scenario 1").clone();
    let bytes = std::fs::read(blocks.join(&name)).unwrap();
    let newline = bytes.iter().position(|&b| b == b'\n').unwrap();
    let mut block: serde_json::Value = serde_json::from_slice(&bytes[newline + 1..]).unwrap();
    block["cells"].as_array_mut().unwrap().pop();
    let json = serde_json::to_vec(&block).unwrap();
    let mut file = format!("guarantee-sim block sha256={}\n", sha256_hex(&json)).into_bytes();
    file.extend_from_slice(&json);
    std::fs::write(blocks.join(&name), &file).unwrap();
    (name, file)
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_block_of_the_wrong_shape_is_refused_naming_its_file() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    let tables = ["--no-charts"];
    let folders = shards(d, &file, "shaped", 2, &tables);
    let refused_naming = |out: std::process::Output, name: &str, why: &str| {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && !err.contains("panicked"), "{err}");
        assert!(err.contains(name) && err.contains(why), "{err}");
    };

    // A merge: the shard's manifest vouches for the altered file.
    let shard = d.join(&folders[1]);
    let (name, bytes) = one_cell_too_few(&shard.join("blocks"));
    let manifest_path = shard.join("shard.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    for entry in manifest["files"].as_array_mut().unwrap() {
        if entry["file"] == format!("blocks/{name}") {
            entry["sha256"] = serde_json::json!(sha256_hex(&bytes));
        }
    }
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let out = merge(d, &folders, "merged");
    refused_naming(out, &name, "cells where a block of");
    // What the merge wrote before the block was read says it is not complete.
    let merged = std::fs::read_to_string(d.join("merged/manifest.json")).unwrap_or_default();
    assert!(!merged.contains("\"status\": \"complete\""), "{merged}");

    // A resume: the same block in the checkpoint.
    let shard = d.join(&folders[0]);
    kill_while_finishing(&shard);
    let (name, _) = one_cell_too_few(&shard.join("blocks"));
    let mut args = run_args(&file, &folders[0], &tables);
    args.extend(["--shard", "0/2", "--resume", &folders[0]]);
    refused_naming(sim(d, &args), &name, "is not a block of this study");
}

#[test]
fn a_merge_refuses_shards_that_do_not_make_up_one_study_naming_the_shard() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    let tables = ["--no-charts"];
    let good = shards(d, &file, "good", 3, &tables);
    let with = |k: usize, other: &str| -> Vec<String> {
        let mut set = good.clone();
        set[k] = other.to_string();
        set
    };
    let refusal = |set: &[String]| {
        let out = merge(d, set, "merged");
        assert!(!out.status.success(), "merge of {set:?} should fail");
        assert!(!d.join("merged/manifest.json").exists());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };

    // Another seed.
    let mut args = run_args(&file, "seed-7", &tables);
    args.extend(["--seed", "7", "--shard", "1/3"]);
    ok(d, &args);
    let err = refusal(&with(1, "seed-7"));
    assert!(
        err.contains("shard 1 (seed-7)") && err.contains("seed"),
        "{err}"
    );

    // Another scenario file (the same file with one value changed).
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text.replacen("horizon_months = 36", "horizon_months = 30", 1);
    assert_ne!(text, changed);
    std::fs::write(d.join("other.toml"), changed).unwrap();
    let mut args = run_args("other.toml", "other-file", &tables);
    args.extend(["--shard", "2/3"]);
    ok(d, &args);
    let err = refusal(&with(2, "other-file"));
    assert!(
        err.contains("shard 2 (other-file)") && err.contains("scenario file"),
        "{err}"
    );

    // Another version (a shard written by another release, which records
    // its version in the study too).
    copy_dir(&d.join(&good[0]), &d.join("old-version"));
    let manifest = d.join("old-version/shard.json");
    let json = std::fs::read_to_string(&manifest).unwrap();
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        json.matches(&version).count(),
        2,
        "in the shard and its study"
    );
    std::fs::write(&manifest, json.replace(&version, "\"version\": \"0.0.1\"")).unwrap();
    let err = refusal(&with(0, "old-version"));
    assert!(
        err.contains("shard 0 (old-version)") && err.contains("version"),
        "{err}"
    );

    // A missing shard, named by its id.
    let err = refusal(&[good[0].clone(), good[2].clone()]);
    assert!(err.contains("missing shard(s) 1 of 3"), "{err}");

    // A shard given twice (a copy of its folder).
    copy_dir(&d.join(&good[2]), &d.join("copy-of-2"));
    let mut set = good.clone();
    set.push("copy-of-2".to_string());
    let err = refusal(&set);
    assert!(err.contains("shard 2 of 3 is given twice"), "{err}");

    // A damaged block file.
    copy_dir(&d.join(&good[1]), &d.join("damaged"));
    let block = std::fs::read_dir(d.join("damaged/blocks"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&block).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&block, bytes).unwrap();
    let err = refusal(&with(1, "damaged"));
    assert!(
        err.contains("shard 1 (damaged)") && err.contains("is corrupt"),
        "{err}"
    );

    // A damaged shard.json.
    copy_dir(&d.join(&good[1]), &d.join("bad-manifest"));
    std::fs::write(d.join("bad-manifest/shard.json"), "{\"tool\": ").unwrap();
    let err = refusal(&with(1, "bad-manifest"));
    assert!(
        err.contains("bad-manifest") && err.contains("shard.json is corrupt"),
        "{err}"
    );

    // Into one of the shard folders (the merge clears its folder first).
    let out = merge(d, &good, &good[0]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("that is a shard folder"));

    // The good set still merges.
    let out = merge(d, &good, "merged");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_shard_comes_from_the_slurm_job_array_or_is_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let file = fixture();
    let mut args = run_args(&file, "array", &["--no-charts"]);
    args.extend(["--shard", "slurm"]);
    let err = refused(d, &args);
    assert!(err.contains("SLURM_ARRAY_TASK_ID is not set"), "{err}");

    let out = assert_cmd::Command::cargo_bin("guarantee-sim")
        .unwrap()
        .current_dir(d)
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("array/shard.json")).unwrap()).unwrap();
    assert_eq!(
        (manifest["shard"].as_u64(), manifest["shards"].as_u64()),
        (Some(2), Some(3))
    );

    let mut args = run_args(&file, "x", &[]);
    args.extend(["--shard", "3/3"]);
    let err = refused(d, &args);
    assert!(err.contains("shards count from 0 to 2"), "{err}");

    let mut args = run_args(&file, "x", &[]);
    args.extend(["--shard", "0/2", "--precision", "0.05"]);
    let err = refused(d, &args);
    assert!(
        err.contains("--shard cannot be combined with --precision"),
        "{err}"
    );
    assert!(!d.join("x").exists(), "refused before any folder is made");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
