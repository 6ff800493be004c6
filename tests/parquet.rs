//! `run --parquet`: every Parquet file holds the values of the CSV file
//! beside it, typed, with the run's provenance in its metadata.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use assert_cmd::Command;
use guarantee_sim::report::parquet::PARQUET_OF_CSV;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

fn run(dir: &Path, extra: &[&str]) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.toml");
    Command::cargo_bin("guarantee-sim")
        .unwrap()
        .arg("run")
        .arg(fixture)
        .args([
            "--runs",
            "40",
            "--per-run",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

/// Does a Parquet value say what a CSV cell says? Numbers compare as
/// numbers (the CSV prints the shortest text that reads back the same).
fn same(field: &Field, cell: &str) -> bool {
    match field {
        Field::Null => cell.is_empty(),
        Field::Long(n) => cell.parse::<i64>() == Ok(*n),
        Field::Double(x) => cell.parse::<f64>() == Ok(*x),
        Field::Str(s) => s == cell,
        other => panic!("a column type no table has: {other:?}"),
    }
}

#[test]
fn every_parquet_file_holds_the_values_of_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run(&out, &["--parquet", "--reference", "aid-only"]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();

    let mut typed = std::collections::BTreeSet::new();
    for (parquet, csv) in PARQUET_OF_CSV {
        let reader = SerializedFileReader::new(File::open(out.join(parquet)).unwrap()).unwrap();
        let metadata: BTreeMap<String, String> = reader
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .expect("provenance in the metadata")
            .iter()
            .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
            .collect();
        for key in ["tool", "version", "scenario_sha256", "status"] {
            assert_eq!(metadata[key], manifest[key].as_str().unwrap(), "{parquet}");
        }
        assert_eq!(metadata["seed"], manifest["seed"].to_string(), "{parquet}");
        assert_eq!(metadata["runs_completed"], "40", "{parquet}");

        let mut table = csv::Reader::from_path(out.join(csv)).unwrap();
        let header: Vec<String> = table.headers().unwrap().iter().map(String::from).collect();
        let records: Vec<csv::StringRecord> = table.records().map(Result::unwrap).collect();
        let rows: Vec<_> = reader
            .get_row_iter(None)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), records.len(), "{parquet}: rows");
        assert!(!rows.is_empty(), "{parquet}: the fixture fills every table");
        for (i, (row, record)) in rows.iter().zip(&records).enumerate() {
            let names: Vec<&String> = row.get_column_iter().map(|(name, _)| name).collect();
            assert_eq!(
                names,
                header.iter().collect::<Vec<_>>(),
                "{parquet}: columns"
            );
            for ((name, field), cell) in row.get_column_iter().zip(record) {
                assert!(
                    same(field, cell),
                    "{parquet} row {i} column {name}: Parquet {field:?}, CSV `{cell}`"
                );
                typed.insert(format!("{field:?}").split('(').next().unwrap().to_string());
            }
        }
    }
    let kinds: Vec<&str> = typed.iter().map(String::as_str).collect();
    assert_eq!(kinds, ["Double", "Long", "Null", "Str"], "typed columns");
}

#[test]
fn without_the_flag_no_parquet_is_written_and_a_new_run_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run(&out, &["--parquet"]);
    assert!(out.join("runs.parquet").exists());
    run(&out, &[]);
    for (parquet, csv) in PARQUET_OF_CSV {
        assert!(out.join(csv).exists(), "{csv}");
        assert!(
            !out.join(parquet).exists(),
            "{parquet} left from the earlier run"
        );
    }
}
