//! The checkpoint of a study: every block is kept in the output folder as
//! it finishes, so a study stopped in any way (Ctrl-C, SIGTERM, SIGKILL, a
//! dead node) resumes with `--resume DIR` and computes only what is
//! missing. Blocks are merged in index order whether computed or read
//! back, so a resumed study writes the same bytes as one never stopped.
//!
//! Layout: `DIR/.checkpoint/study.json` (what the study is: its
//! [`StudyKey`]) and `DIR/.checkpoint/blocks/` (one file per block, each
//! written atomically and carrying its own SHA-256). A finished study
//! removes the folder; a shard moves the blocks into its shard folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context as _, bail};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::shard::{ShardId, Share};
use crate::batch::{BlockKey, BlockOutput, BlockStore};
use crate::report::atomic::write_atomic;

/// The checkpoint folder inside an output folder.
pub const CHECKPOINT_DIR: &str = ".checkpoint";
/// The folder of block files, in a checkpoint and in a shard folder.
pub const BLOCKS_DIR: &str = "blocks";
const STUDY_JSON: &str = "study.json";
/// First bytes of every block file; the SHA-256 of the rest follows.
const BLOCK_HEADER: &str = "guarantee-sim block sha256=";

/// A manifest field the run decides, not the study.
pub struct RunField {
    pub name: &'static str,
    /// Whether two runs of one study differ in it by nature (times,
    /// threads) rather than by how far they got (status, runs completed).
    pub by_nature: bool,
    /// Its value, as JSON, in a manifest replayed from a study key.
    blank: &'static str,
}

/// The manifest fields a run decides: left out of a [`StudyKey`], blank
/// in a manifest replayed from one.
pub const RUN_FIELDS: [RunField; 6] = [
    RunField {
        name: "status",
        by_nature: false,
        blank: r#""complete""#,
    },
    RunField {
        name: "runs_completed",
        by_nature: false,
        blank: "0",
    },
    RunField {
        name: "threads",
        by_nature: true,
        blank: "0",
    },
    RunField {
        name: "started_at",
        by_nature: true,
        blank: r#""""#,
    },
    RunField {
        name: "finished_at",
        by_nature: true,
        blank: r#""""#,
    },
    RunField {
        name: "wall_seconds",
        by_nature: true,
        blank: "0.0",
    },
];

/// What a study is: the command and the manifest it writes (file, seed,
/// version, selection, every setting), without the fields a run decides
/// (times, threads, status). Two processes with the same key compute the
/// same blocks, so their blocks can be mixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyKey {
    pub command: String,
    pub manifest: serde_json::Map<String, serde_json::Value>,
    /// Whether charts and reports are written (not in the manifest).
    pub charts: bool,
    /// Whether the tables are also written as Parquet (`run --parquet`;
    /// not in the manifest).
    #[serde(default)]
    pub parquet: bool,
}

impl StudyKey {
    pub fn new(command: &str, manifest: &impl Serialize, charts: bool) -> anyhow::Result<StudyKey> {
        let serde_json::Value::Object(mut fields) = serde_json::to_value(manifest)? else {
            bail!("a manifest is a JSON object");
        };
        for field in &RUN_FIELDS {
            fields.remove(field.name);
        }
        if let Some(serde_json::Value::Object(precision)) = fields.get_mut("precision") {
            precision.remove("met");
        }
        Ok(StudyKey {
            command: command.to_string(),
            manifest: fields,
            charts,
            parquet: false,
        })
    }

    /// The same key for a study that also writes Parquet (or not).
    pub fn with_parquet(self, parquet: bool) -> StudyKey {
        StudyKey { parquet, ..self }
    }

    /// The manifest back, with the run's own fields blank, to replay it.
    pub fn manifest<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        let mut fields = self.manifest.clone();
        for field in &RUN_FIELDS {
            fields.insert(field.name.to_string(), serde_json::from_str(field.blank)?);
        }
        if let Some(serde_json::Value::Object(precision)) = fields.get_mut("precision") {
            precision.insert("met".to_string(), serde_json::json!(false));
        }
        serde_json::from_value(serde_json::Value::Object(fields))
            .context("the recorded study is not a manifest this version reads")
    }

    pub fn seed(&self) -> Option<u64> {
        self.manifest.get("seed").and_then(|s| s.as_u64())
    }

    /// What differs from `other`, one line per field, `self` first
    /// (long values, such as the resolved scenario, are only said to differ).
    pub fn differences(&self, other: &StudyKey) -> Vec<String> {
        let mut found = Vec::new();
        if self.command != other.command {
            found.push(format!("command: {} vs {}", self.command, other.command));
        }
        if self.charts != other.charts {
            found.push(format!(
                "charts: {} vs {} (--no-charts)",
                on_off(self.charts),
                on_off(other.charts)
            ));
        }
        if self.parquet != other.parquet {
            found.push(format!(
                "parquet: {} vs {} (--parquet)",
                on_off(self.parquet),
                on_off(other.parquet)
            ));
        }
        let mut fields: Vec<&String> = self.manifest.keys().chain(other.manifest.keys()).collect();
        fields.sort();
        fields.dedup();
        for field in fields {
            let (a, b) = (self.manifest.get(field), other.manifest.get(field));
            if a != b {
                let field = match field.as_str() {
                    "scenario_sha256" => "scenario file (SHA-256 of the resolved file)",
                    other => other,
                };
                found.push(format!("{field}: {} vs {}", shown(a), shown(b)));
            }
        }
        found
    }
}

fn on_off(written: bool) -> &'static str {
    if written { "written" } else { "not written" }
}

fn shown(value: Option<&serde_json::Value>) -> String {
    const LONGEST: usize = 60;
    match value {
        None => "(absent)".to_string(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > LONGEST {
                "(a different value)".to_string()
            } else {
                text
            }
        }
    }
}

/// What a checkpoint's `study.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CheckpointRecord {
    study: StudyKey,
    /// The shard this process computes, if any.
    shard: Option<ShardId>,
}

/// A study's checkpoint in its output folder.
pub struct Checkpoint {
    dir: PathBuf,
}

impl Checkpoint {
    /// Does `out` hold a checkpoint (an interrupted study)?
    pub fn exists(out: &Path) -> bool {
        out.join(CHECKPOINT_DIR).join(STUDY_JSON).is_file()
    }

    /// Starts a new checkpoint in `out`, replacing any earlier one.
    pub fn start(
        out: &Path,
        study: &StudyKey,
        shard: Option<ShardId>,
    ) -> anyhow::Result<Checkpoint> {
        let dir = out.join(CHECKPOINT_DIR);
        remove_dir(&dir)?;
        fs::create_dir_all(dir.join(BLOCKS_DIR))
            .with_context(|| format!("cannot create the checkpoint {}", dir.display()))?;
        let record = CheckpointRecord {
            study: study.clone(),
            shard,
        };
        let json = serde_json::to_string_pretty(&record)? + "\n";
        write_atomic(&dir.join(STUDY_JSON), json.as_bytes())
            .with_context(|| format!("cannot write the checkpoint in {}", dir.display()))?;
        Ok(Checkpoint { dir })
    }

    /// Opens the checkpoint of an interrupted study in `out` to resume it;
    /// refuses when this study is not the one checkpointed.
    pub fn resume(
        out: &Path,
        study: &StudyKey,
        shard: Option<ShardId>,
    ) -> anyhow::Result<Checkpoint> {
        let dir = out.join(CHECKPOINT_DIR);
        let path = dir.join(STUDY_JSON);
        let record: CheckpointRecord = fs::read_to_string(&path)
            .map_err(anyhow::Error::from)
            .and_then(|text| Ok(serde_json::from_str(&text)?))
            .with_context(|| {
                format!(
                    "--resume {}: cannot read the checkpoint {}; start the study again without --resume",
                    out.display(),
                    path.display()
                )
            })?;
        let mut differences = study.differences(&record.study);
        if shard != record.shard {
            differences.push(format!(
                "shard: {} vs {}",
                ShardId::describe(shard),
                ShardId::describe(record.shard)
            ));
        }
        if !differences.is_empty() {
            bail!(
                "--resume {}: this command is not the study that was interrupted there \
                 (this command vs the checkpoint):\n  {}\n  \
                 resume with the same file, flags and version, or start again without --resume",
                out.display(),
                differences.join("\n  ")
            );
        }
        Checkpoint::recover_blocks(out)?;
        let blocks = dir.join(BLOCKS_DIR);
        fs::create_dir_all(&blocks)
            .with_context(|| format!("cannot create the checkpoint {}", blocks.display()))?;
        // A killed process may have left a block half-written under its
        // temporary name; the block itself is computed again.
        if let Ok(entries) = fs::read_dir(&blocks) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().ends_with(".tmp") {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        Ok(Checkpoint { dir })
    }

    /// Moves a shard's blocks back into the checkpoint of `out` when the
    /// shard was killed while being finished (after its blocks were moved
    /// to `out/blocks/`, before the checkpoint was removed): they are
    /// finished blocks, each checked by its own header when read, and
    /// would otherwise be cleared with the earlier shard's outputs.
    pub fn recover_blocks(out: &Path) -> anyhow::Result<()> {
        let kept = out.join(CHECKPOINT_DIR).join(BLOCKS_DIR);
        let moved = out.join(BLOCKS_DIR);
        if !Checkpoint::exists(out) || kept.exists() || !moved.is_dir() {
            return Ok(());
        }
        fs::rename(&moved, &kept).with_context(|| {
            format!(
                "cannot move the blocks of a shard stopped while finishing back from {} to {}",
                moved.display(),
                kept.display()
            )
        })
    }

    /// The store that reads and keeps this checkpoint's blocks, computing
    /// only `share` when given (a shard).
    pub fn store(&self, share: Option<Share>) -> CheckpointStore {
        CheckpointStore {
            dir: self.dir.join(BLOCKS_DIR),
            share,
            failure: StoreFailure::default(),
        }
    }

    /// Blocks the checkpoint holds.
    pub fn kept_blocks(&self) -> usize {
        fs::read_dir(self.blocks_dir()).map_or(0, |entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.starts_with("block-") && name.ends_with(".json")
                })
                .count()
        })
    }

    pub fn blocks_dir(&self) -> PathBuf {
        self.dir.join(BLOCKS_DIR)
    }

    /// Removes the checkpoint: the study is finished.
    pub fn remove(self) -> anyhow::Result<()> {
        remove_dir(&self.dir)
    }
}

/// Removes a folder of this tool's (checkpoint, blocks) if it exists.
pub fn remove_dir(dir: &Path) -> anyhow::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Why a block store failed, kept for after the batch: the first reason
/// given, and a flag the worker threads read.
#[derive(Default)]
pub struct StoreFailure {
    failed: AtomicBool,
    error: Mutex<Option<anyhow::Error>>,
}

impl StoreFailure {
    pub fn fail(&self, error: anyhow::Error) {
        if let Ok(mut e) = self.error.lock() {
            e.get_or_insert(error);
        }
        self.failed.store(true, Ordering::SeqCst);
    }

    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    /// Why the store failed, if it did.
    pub fn error(&self) -> Option<anyhow::Error> {
        self.error.lock().ok().and_then(|mut e| e.take())
    }
}

/// A checkpoint's blocks as the batch sees them.
pub struct CheckpointStore {
    dir: PathBuf,
    share: Option<Share>,
    failure: StoreFailure,
}

impl CheckpointStore {
    /// Why keeping or reading a block failed, if it did.
    pub fn error(&self) -> Option<anyhow::Error> {
        self.failure.error()
    }
}

impl BlockStore for CheckpointStore {
    fn stored(&self, key: &BlockKey, packages: usize) -> Option<BlockOutput> {
        let path = self.dir.join(block_file_name(key));
        let bytes = fs::read(&path).ok()?;
        // A damaged block is computed again rather than trusted; a whole
        // one of another shape was not written by this study.
        let output = decode_block(&bytes).ok()?;
        if let Err(e) = output.check_shape(packages) {
            self.failure.fail(anyhow::anyhow!(
                "{} is not a block of this study: {e}; start the study again without --resume",
                path.display()
            ));
            return None;
        }
        Some(output)
    }

    fn assigned(&self, key: &BlockKey) -> bool {
        self.share.is_none_or(|share| share.contains(key))
    }

    fn keep(&self, key: &BlockKey, output: &BlockOutput) {
        let path = self.dir.join(block_file_name(key));
        if let Err(e) = write_atomic(&path, &encode_block(output)) {
            self.failure.fail(anyhow::Error::from(e).context(format!(
                "cannot checkpoint a finished block to {}",
                path.display()
            )));
        }
    }

    fn failed(&self) -> bool {
        self.failure.failed()
    }
}

/// The file of a block: point, scenario position and runs.
pub fn block_file_name(key: &BlockKey) -> String {
    format!(
        "block-{}-{}-{}-{}.json",
        key.point, key.scenario, key.first_run, key.end_run
    )
}

/// A block as a file: a header line with the SHA-256 of the JSON that
/// follows, so a damaged file is found. f64 sums round-trip exactly
/// (serde_json's `float_roundtrip`), so merged sums are bit-identical.
pub fn encode_block(output: &BlockOutput) -> Vec<u8> {
    let json = serde_json::to_vec(output).unwrap_or_default();
    let mut bytes = format!("{BLOCK_HEADER}{}\n", sha256_hex(&json)).into_bytes();
    bytes.extend_from_slice(&json);
    bytes
}

/// A block file read back, or why it is damaged.
pub fn decode_block(bytes: &[u8]) -> Result<BlockOutput, String> {
    let newline = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("no header line")?;
    let header = std::str::from_utf8(&bytes[..newline]).map_err(|_| "header is not text")?;
    let expected = header
        .strip_prefix(BLOCK_HEADER)
        .ok_or("not a guarantee-sim block file")?;
    let json = &bytes[newline + 1..];
    if sha256_hex(json) != expected {
        return Err("its SHA-256 does not match its header (damaged or truncated)".to_string());
    }
    serde_json::from_slice(json).map_err(|e| format!("unreadable block: {e}"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{Cell, PairedSums};

    fn block() -> BlockOutput {
        let mut cell = Cell::new(3, 2);
        cell.runs = 7;
        // Sums that print with many digits must come back to the same bits.
        cell.troop_months = 0.1 + 0.2;
        cell.territory_lost_pct = 1.0 / 3.0;
        BlockOutput {
            cells: vec![cell],
            pairs: vec![PairedSums::default()],
            deterrence_pairs: vec![PairedSums::default()],
            records: Vec::new(),
        }
    }

    #[test]
    fn a_block_file_round_trips_bit_exactly_and_damage_is_found() {
        let bytes = encode_block(&block());
        let back = decode_block(&bytes).unwrap();
        assert_eq!(back, block());
        assert_eq!(
            back.cells[0].troop_months.to_bits(),
            (0.1f64 + 0.2).to_bits()
        );
        let mut damaged = bytes.clone();
        let last = damaged.len() - 2;
        damaged[last] ^= 1;
        assert!(decode_block(&damaged).unwrap_err().contains("SHA-256"));
        assert!(decode_block(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn a_study_key_ignores_times_and_names_what_differs() {
        let manifest = |seed: u64, wall: f64| serde_json::json!({"seed": seed, "wall_seconds": wall, "threads": 4, "runs_requested": 10});
        let a = StudyKey::new("run", &manifest(1, 3.0), true).unwrap();
        let b = StudyKey::new("run", &manifest(1, 9.0), true).unwrap();
        assert_eq!(a, b);
        let c = StudyKey::new("run", &manifest(2, 3.0), true).unwrap();
        assert_eq!(a.differences(&c), ["seed: 1 vs 2"]);
    }
}
