//! Helpers of the cluster tests: running the binary, and comparing two
//! output folders byte for byte (the manifest field by field, without the
//! fields that differ by nature).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use guarantee_sim::study::checkpoint::RUN_FIELDS;

/// Manifest fields that differ between two runs of the same study by
/// nature (docs/OUTPUTS.md says so); every other field must be equal.
pub fn timing_fields() -> impl Iterator<Item = &'static str> {
    RUN_FIELDS.iter().filter(|f| f.by_nature).map(|f| f.name)
}

pub fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/minimal.toml")
        .display()
        .to_string()
}

pub fn sim(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("guarantee-sim")
        .expect("binary built")
        .env("NO_COLOR", "1")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

/// Runs a command that must succeed.
pub fn ok(dir: &Path, args: &[&str]) {
    let out = sim(dir, args);
    assert!(
        out.status.success(),
        "guarantee-sim {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a command that must fail; returns its stderr.
pub fn refused(dir: &Path, args: &[&str]) -> String {
    let out = sim(dir, args);
    assert!(
        !out.status.success(),
        "guarantee-sim {} should have failed",
        args.join(" ")
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file below `dir` (the lock file left out), by relative path.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, found: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, found);
            } else if entry.file_name() != ".guarantee-sim.lock" {
                let bytes = std::fs::read(&path).unwrap();
                found.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(dir, dir, &mut found);
    found
}

/// Asserts that two output folders hold the same files with the same
/// bytes; manifest.json is compared field by field without
/// [`timing_fields`].
pub fn assert_same_outputs(expected: &Path, actual: &Path) {
    let (a, b) = (files(expected), files(actual));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "different files in {} and {}",
        expected.display(),
        actual.display()
    );
    assert!(a.contains_key(Path::new("manifest.json")));
    for (name, bytes) in &a {
        if name == Path::new("manifest.json") {
            let fields = |bytes: &[u8]| {
                let mut v: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_slice(bytes).unwrap();
                for field in timing_fields() {
                    assert!(v.remove(field).is_some(), "manifest lacks {field}");
                }
                v
            };
            let (x, y) = (fields(bytes), fields(&b[name]));
            for (key, value) in &x {
                assert_eq!(Some(value), y.get(key), "manifest field {key} differs");
            }
            assert_eq!(x.len(), y.len());
        } else {
            assert!(
                bytes == &b[name],
                "{} differs between {} and {}",
                name.display(),
                expected.display(),
                actual.display()
            );
        }
    }
}
