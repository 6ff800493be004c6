//! Parquet copies of the CSV tables and of `runs.csv` (`--parquet`), for
//! outputs too big to read comfortably as text: typed columns (whole
//! numbers INT64, rates DOUBLE, ids and labels UTF-8 strings, nullable
//! where the CSV cell can be empty) and the manifest's provenance as the
//! file's key-value metadata. Rows are buffered in row groups of at most
//! [`ROW_GROUP_ROWS`], so streaming a million runs keeps memory flat.
//!
//! Each column's type comes from the row type itself (traced through its
//! `Deserialize` impl), not from the values, so an all-empty column is
//! still typed and the schema of a table never depends on the run. Values
//! go through the same `Serialize` impl as the CSV ([`cells`]), so both
//! files hold the same numbers.

mod cells;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArrayType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_reflection::{ContainerFormat, Format, Samples, Tracer, TracerConfig};

use super::atomic::AtomicFile;
use super::csv::{DrawnColumns, RUNS_CSV, RunRow};
use super::tables::{
    EachTable, GUARANTORS_CSV, INFEASIBLE_CSV, PAIRS_CSV, ROBUSTNESS_CSV, SUMMARY_CSV, SURVIVAL_CSV,
};
use super::{Manifest, Output, ReportContext, ReportError};
use crate::batch::RunRecord;
use crate::model::params::World;
use cells::{Buffer, ColumnBuffer};

pub const SUMMARY_PARQUET: &str = "summary.parquet";
pub const SURVIVAL_PARQUET: &str = "survival.parquet";
pub const GUARANTORS_PARQUET: &str = "guarantors.parquet";
pub const ROBUSTNESS_PARQUET: &str = "robustness.parquet";
pub const INFEASIBLE_PARQUET: &str = "infeasible.parquet";
pub const PAIRS_PARQUET: &str = "pairs.parquet";
pub const RUNS_PARQUET: &str = "runs.parquet";

/// Each Parquet file and the CSV file it copies.
pub const PARQUET_OF_CSV: [(&str, &str); 7] = [
    (SUMMARY_PARQUET, SUMMARY_CSV),
    (SURVIVAL_PARQUET, SURVIVAL_CSV),
    (GUARANTORS_PARQUET, GUARANTORS_CSV),
    (ROBUSTNESS_PARQUET, ROBUSTNESS_CSV),
    (INFEASIBLE_PARQUET, INFEASIBLE_CSV),
    (PAIRS_PARQUET, PAIRS_CSV),
    (RUNS_PARQUET, RUNS_CSV),
];

/// Rows buffered before they are written out as one row group: large
/// enough for good compression and fast scans, small enough (a few MB for
/// `runs.parquet`) that memory does not grow with the number of runs.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The manifest fields copied into every file's key-value metadata: what
/// produced it, never when (the files are the same bytes on every re-run).
const PROVENANCE: [&str; 11] = [
    "tool",
    "version",
    "git_commit",
    "status",
    "scenario_file",
    "scenario_sha256",
    "seed",
    "runs_requested",
    "runs_completed",
    "packages",
    "scenarios",
];

/// summary.parquet, survival.parquet, guarantors.parquet,
/// robustness.parquet, infeasible.parquet, pairs.parquet.
pub struct ParquetTables;

impl Output<ReportContext<'_>> for ParquetTables {
    fn name(&self) -> &'static str {
        "Parquet tables"
    }

    fn write(&self, ctx: &ReportContext<'_>, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let mut written = Written {
            dir,
            manifest: ctx.manifest,
            paths: Vec::new(),
        };
        ctx.tables.each(&mut written)?;
        Ok(written.paths)
    }
}

/// Writes each table into `dir` as the Parquet copy of its CSV file.
struct Written<'a> {
    dir: &'a Path,
    manifest: &'a Manifest,
    paths: Vec<PathBuf>,
}

impl EachTable for Written<'_> {
    fn table<T: Serialize + DeserializeOwned>(
        &mut self,
        csv_name: &'static str,
        rows: &[T],
    ) -> Result<(), ReportError> {
        let Some((name, _)) = PARQUET_OF_CSV.iter().find(|(_, csv)| *csv == csv_name) else {
            unreachable!("every table has a Parquet copy in PARQUET_OF_CSV")
        };
        let path = write_parquet(&self.dir.join(name), rows, self.manifest)?;
        self.paths.push(path);
        Ok(())
    }
}

/// Writes rows as a Parquet file, atomically, with the manifest's
/// provenance in its metadata.
pub fn write_parquet<T: Serialize + DeserializeOwned>(
    path: &Path,
    rows: &[T],
    manifest: &Manifest,
) -> Result<PathBuf, ReportError> {
    let mut file = ParquetFile::create(path, columns_of::<T>())?;
    for row in rows {
        file.push_row(row)?;
    }
    file.commit(manifest)
}

/// Streams `runs.parquet` beside `runs.csv`: the same rows, the same columns.
pub struct RunsParquet {
    file: ParquetFile,
    drawn: DrawnColumns,
}

impl RunsParquet {
    /// Starts `runs.parquet` in `dir` for a batch of `scenarios` (indices
    /// into `world.scenarios`, in plan order).
    pub fn create(
        dir: &Path,
        world: &World,
        scenarios: &[usize],
    ) -> Result<RunsParquet, ReportError> {
        let drawn = DrawnColumns::new(world, scenarios);
        let mut columns = columns_of::<RunRow>();
        for (name, month) in drawn
            .names(world, scenarios)
            .into_iter()
            .zip(drawn.months())
        {
            columns.push(Column {
                name,
                kind: if month { Kind::Int } else { Kind::Double },
                nullable: true,
            });
        }
        let file = ParquetFile::create(&dir.join(RUNS_PARQUET), columns)?;
        Ok(RunsParquet { file, drawn })
    }

    /// Appends a wave of records (already in run-index order).
    pub fn write(
        &mut self,
        world: &World,
        packages: &[usize],
        scenarios: &[usize],
        records: &[RunRecord],
    ) -> Result<(), ReportError> {
        for r in records {
            // Its drawn values come last, one column each, as in runs.csv.
            let row = RunRow::new(world, packages, scenarios, &self.drawn, r);
            self.file.push_row(&row)?;
        }
        Ok(())
    }

    /// Finishes the file with the run's provenance and moves it into place.
    pub fn commit(self, manifest: &Manifest) -> Result<PathBuf, ReportError> {
        self.file.commit(manifest)
    }
}

/// How a column is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Double,
    Text,
}

#[derive(Debug, Clone, PartialEq)]
struct Column {
    name: String,
    kind: Kind,
    nullable: bool,
}

/// The columns of a row type, in field order, typed from its
/// `Deserialize` impl: `Option` makes a column nullable, enums are written
/// as their labels.
fn columns_of<T: DeserializeOwned>() -> Vec<Column> {
    let samples = Samples::new();
    let mut tracer = Tracer::new(TracerConfig::default());
    let (format, _) = tracer
        .trace_type_once::<T>(&samples)
        .expect("row types are plain structs of numbers, strings and enums");
    let registry = tracer.registry_unchecked();
    let Format::TypeName(name) = format else {
        unreachable!("a row type is a struct")
    };
    let Some(ContainerFormat::Struct(fields)) = registry.get(&name) else {
        unreachable!("a row type is a struct with named fields")
    };
    fields
        .iter()
        .map(|field| {
            let (inner, nullable) = match &field.value {
                Format::Option(inner) => (inner.as_ref(), true),
                other => (other, false),
            };
            let kind = match inner {
                Format::I8
                | Format::I16
                | Format::I32
                | Format::I64
                | Format::U8
                | Format::U16
                | Format::U32
                | Format::U64 => Kind::Int,
                Format::F32 | Format::F64 => Kind::Double,
                Format::Str | Format::TypeName(_) => Kind::Text,
                other => unreachable!("no row has a column of format {other:?}"),
            };
            Column {
                name: field.name.clone(),
                kind,
                nullable,
            }
        })
        .collect()
}

/// A Parquet file being written row by row.
struct ParquetFile {
    writer: SerializedFileWriter<AtomicFile>,
    path: PathBuf,
    columns: Vec<Column>,
    buffers: Vec<ColumnBuffer>,
    rows: usize,
}

impl ParquetFile {
    fn create(path: &Path, columns: Vec<Column>) -> Result<ParquetFile, ReportError> {
        let fields = columns
            .iter()
            .map(|c| {
                let (physical, logical) = match c.kind {
                    Kind::Int => (PhysicalType::INT64, None),
                    Kind::Double => (PhysicalType::DOUBLE, None),
                    Kind::Text => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                };
                Type::primitive_type_builder(&c.name, physical)
                    .with_repetition(if c.nullable {
                        Repetition::OPTIONAL
                    } else {
                        Repetition::REQUIRED
                    })
                    .with_logical_type(logical)
                    .build()
                    .map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(parquet_error(path))?;
        let schema = Type::group_type_builder("schema")
            .with_fields(fields)
            .build()
            .map_err(parquet_error(path))?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let file = AtomicFile::create(path).map_err(ReportError::io(path))?;
        let writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(properties))
            .map_err(parquet_error(path))?;
        let buffers = columns
            .iter()
            .map(|c| ColumnBuffer {
                values: match c.kind {
                    Kind::Int => Buffer::Int(Vec::new()),
                    Kind::Double => Buffer::Double(Vec::new()),
                    Kind::Text => Buffer::Text(Vec::new()),
                },
                levels: Vec::new(),
            })
            .collect();
        Ok(ParquetFile {
            writer,
            path: path.to_path_buf(),
            columns,
            buffers,
            rows: 0,
        })
    }

    fn push_row<T: Serialize>(&mut self, row: &T) -> Result<(), ReportError> {
        cells::push_row(row, &mut self.buffers).map_err(|message| ReportError::Parquet {
            path: self.path.clone(),
            source: ParquetError::General(message),
        })?;
        self.rows += 1;
        if self.rows == ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), ReportError> {
        let err = parquet_error(&self.path);
        let mut group = self.writer.next_row_group().map_err(err)?;
        for (buffer, column) in self.buffers.iter_mut().zip(&self.columns) {
            let Some(mut writer) = group.next_column().map_err(err)? else {
                unreachable!("one column writer per column of the schema")
            };
            let levels = column.nullable.then_some(buffer.levels.as_slice());
            match &buffer.values {
                Buffer::Int(v) => writer.typed::<Int64Type>().write_batch(v, levels, None),
                Buffer::Double(v) => writer.typed::<DoubleType>().write_batch(v, levels, None),
                Buffer::Text(v) => writer.typed::<ByteArrayType>().write_batch(v, levels, None),
            }
            .map_err(err)?;
            writer.close().map_err(err)?;
        }
        group.close().map_err(err)?;
        for buffer in &mut self.buffers {
            buffer.values.clear();
            buffer.levels.clear();
        }
        self.rows = 0;
        Ok(())
    }

    /// Writes what is buffered, the provenance and the footer, then moves
    /// the file into place. An empty table still gets its schema.
    fn commit(mut self, manifest: &Manifest) -> Result<PathBuf, ReportError> {
        if self.rows > 0 {
            self.flush()?;
        }
        for kv in provenance(manifest) {
            self.writer.append_key_value_metadata(kv);
        }
        let file = self
            .writer
            .into_inner()
            .map_err(parquet_error(&self.path))?;
        file.commit().map_err(ReportError::io(&self.path))?;
        Ok(self.path)
    }
}

/// The [`PROVENANCE`] fields of the manifest that have a value, strings
/// as they are, other values as JSON.
fn provenance(manifest: &Manifest) -> Vec<KeyValue> {
    let Ok(Value::Object(fields)) = serde_json::to_value(manifest) else {
        unreachable!("a manifest serializes as a struct")
    };
    PROVENANCE
        .iter()
        .filter_map(|&key| {
            let value = match &fields[key] {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(KeyValue::new(key.to_string(), value))
        })
        .collect()
}

fn parquet_error(path: &Path) -> impl Fn(ParquetError) -> ReportError + Copy + '_ {
    move |source| ReportError::Parquet {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tables::{PairRow, SummaryRow, SurvivalRow};

    #[test]
    fn columns_are_typed_by_the_row_type_not_its_values() {
        let summary = columns_of::<SummaryRow>();
        let column = |name: &str| summary.iter().find(|c| c.name == name).unwrap().clone();
        assert_eq!(
            summary.len(),
            super::super::csv::header_of::<SummaryRow>().len()
        );
        assert_eq!(column("runs").kind, Kind::Int);
        assert!(!column("runs").nullable);
        assert_eq!(column("hold_rate").kind, Kind::Double);
        assert!(column("hold_rate").nullable);
        assert_eq!(column("median_months_to_major").kind, Kind::Int);
        assert_eq!(column("package").kind, Kind::Text);
        let survival = columns_of::<SurvivalRow>();
        assert_eq!(survival[2].name, "among");
        assert_eq!(survival[2].kind, Kind::Text);
        assert!(columns_of::<PairRow>().iter().all(|c| c.name != "drawn"));
        let runs = columns_of::<RunRow>();
        assert!(runs.iter().all(|c| c.name != "drawn"));
    }

    #[derive(Serialize, serde::Deserialize)]
    struct Row {
        id: String,
        n: u64,
        x: Option<f64>,
    }

    fn manifest() -> Manifest {
        serde_json::from_value(serde_json::json!({
            "tool": "guarantee-sim", "version": "0", "git_commit": null, "status": "complete",
            "scenario_file": "f.toml", "title": "t", "scenario_sha256": "ab", "source_files": [],
            "scenario_resolved": "", "seed": 7, "runs_requested": 3, "runs_completed": 3,
            "precision": null, "packages": ["p"], "scenarios": ["s"], "reference": null,
            "per_run": true, "threads": 1, "started_at": "", "finished_at": "", "wall_seconds": 0.0
        }))
        .unwrap()
    }

    #[test]
    fn rows_are_flushed_in_bounded_row_groups_and_read_back_whole() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SUMMARY_PARQUET);
        let n = 2 * ROW_GROUP_ROWS + 5;
        let rows: Vec<Row> = (0..n)
            .map(|i| Row {
                id: format!("r{i}"),
                n: i as u64,
                x: (i % 3 != 0).then_some(i as f64 / 7.0),
            })
            .collect();
        write_parquet(&path, &rows, &manifest()).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let groups: Vec<i64> = (0..reader.num_row_groups())
            .map(|g| reader.metadata().row_group(g).num_rows())
            .collect();
        let full = ROW_GROUP_ROWS as i64;
        assert_eq!(groups, [full, full, 5]);
        let keys: Vec<&str> = reader
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .unwrap()
            .iter()
            .map(|kv| kv.key.as_str())
            .collect();
        assert!(
            keys.contains(&"seed") && !keys.contains(&"git_commit"),
            "{keys:?}"
        );
        for (row, back) in rows.iter().zip(reader.get_row_iter(None).unwrap()) {
            let back: Vec<Field> = back
                .unwrap()
                .into_columns()
                .into_iter()
                .map(|(_, f)| f)
                .collect();
            let x = row.x.map_or(Field::Null, Field::Double);
            assert_eq!(
                back,
                [Field::Str(row.id.clone()), Field::Long(row.n as i64), x]
            );
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }
}
