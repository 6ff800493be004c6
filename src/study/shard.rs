//! Sharding a study over machines: shard K of N computes a contiguous,
//! balanced share of the study's blocks (in point, block row, scenario
//! order) and writes them with a `shard.json` manifest; `merge` checks
//! that the shards belong together and writes the study's outputs from
//! them, the same bytes as one machine would.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};

use super::checkpoint::{
    BLOCKS_DIR, Checkpoint, StoreFailure, StudyKey, block_file_name, decode_block, remove_dir,
    sha256_hex,
};
use crate::batch::{BLOCK_RUNS, BlockKey, BlockOutput, BlockStore};
use crate::report::atomic::write_atomic;

/// The manifest of a shard folder.
pub const SHARD_JSON: &str = "shard.json";
/// Environment variables `--shard slurm` reads (a Slurm job array).
pub const TASK_ID_VAR: &str = "SLURM_ARRAY_TASK_ID";
pub const TASK_COUNT_VAR: &str = "SLURM_ARRAY_TASK_COUNT";
/// Most shards a study is cut into.
pub const MAX_SHARDS: u64 = 1_000_000;

/// Shard `index` of `count` (0-based, as `sbatch --array=0-(N-1)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardId {
    pub index: u64,
    pub count: u64,
}

impl ShardId {
    /// `--shard K/N`, `--shard /N` (K from `SLURM_ARRAY_TASK_ID`) or
    /// `--shard slurm` (both from the job array); `env` reads a variable.
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<ShardId, String> {
        let text = text.trim();
        let from_env = |var: &str| -> Result<u64, String> {
            let value = env(var).ok_or_else(|| {
                format!(
                    "{var} is not set: `--shard {text}` reads it from a Slurm job array \
                     (sbatch --array=0-(N-1)); outside one give --shard K/N, e.g. --shard 0/4"
                )
            })?;
            value.trim().parse::<u64>().map_err(|_| {
                format!("{var} is `{value}`, not a whole number; give --shard K/N instead")
            })
        };
        let (index, count) = if text.eq_ignore_ascii_case("slurm") {
            (from_env(TASK_ID_VAR)?, from_env(TASK_COUNT_VAR)?)
        } else if let Some((k, n)) = text.split_once('/') {
            let count = n.trim().parse::<u64>().map_err(|_| {
                format!("expected K/N with N the number of shards (e.g. 0/4), got `{text}`")
            })?;
            let index = if k.trim().is_empty() {
                from_env(TASK_ID_VAR)?
            } else {
                k.trim().parse::<u64>().map_err(|_| {
                    format!("expected K/N with K the shard, from 0 to N-1 (e.g. 0/4), got `{text}`")
                })?
            };
            (index, count)
        } else {
            return Err(format!(
                "expected K/N (shard K of N, from 0), /N (K from {TASK_ID_VAR}) or slurm, got `{text}`"
            ));
        };
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "the number of shards must be from 1 to {MAX_SHARDS}, got {count}"
            ));
        }
        if index >= count {
            return Err(format!(
                "shard {index} of {count} does not exist: shards count from 0 to {} \
                 (with Slurm: sbatch --array=0-{}, so that {TASK_ID_VAR} runs from 0)",
                count - 1,
                count - 1
            ));
        }
        Ok(ShardId { index, count })
    }

    pub fn describe(shard: Option<ShardId>) -> String {
        match shard {
            Some(s) => format!("{}/{}", s.index, s.count),
            None => "none".to_string(),
        }
    }
}

/// The blocks one shard computes: `points` points, each of `runs` runs
/// per scenario in rows of [`BLOCK_RUNS`], one block per scenario a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    first: u128,
    end: u128,
    rows: u128,
    scenarios: u128,
}

impl Share {
    pub fn new(shard: ShardId, points: usize, runs: u64, scenarios: usize) -> Share {
        let rows = u128::from(runs.div_ceil(BLOCK_RUNS));
        let scenarios = scenarios as u128;
        let total = points as u128 * rows * scenarios;
        let cut = |k: u64| total * u128::from(k) / u128::from(shard.count);
        Share {
            first: cut(shard.index),
            end: cut(shard.index + 1),
            rows,
            scenarios,
        }
    }

    /// Blocks in the whole study.
    pub fn total(points: usize, runs: u64, scenarios: usize) -> u64 {
        (points as u64)
            .saturating_mul(runs.div_ceil(BLOCK_RUNS))
            .saturating_mul(scenarios as u64)
    }

    pub fn contains(&self, key: &BlockKey) -> bool {
        let index = (key.point as u128 * self.rows + u128::from(key.row())) * self.scenarios
            + key.scenario as u128;
        (self.first..self.end).contains(&index)
    }
}

/// One block file of a shard and its checksum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// Relative to the shard folder.
    pub file: String,
    pub block: BlockKey,
    pub sha256: String,
}

/// `shard.json`: which study, which shard, and its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    pub tool: String,
    pub version: String,
    pub shard: u64,
    pub shards: u64,
    pub command: String,
    pub seed: Option<u64>,
    pub scenario_sha256: Option<String>,
    /// Blocks of the whole study (all shards).
    pub study_blocks: u64,
    pub study: StudyKey,
    pub files: Vec<ShardFile>,
}

/// Turns a finished shard's checkpoint into its shard folder: the blocks
/// are hashed where they are, moved under `blocks/`, then `shard.json` with
/// their checksums is written, last. A shard killed after the move resumes
/// with its blocks moved back (see [`Checkpoint::recover_blocks`]).
pub fn finish(
    out: &Path,
    checkpoint: Checkpoint,
    study: &StudyKey,
    shard: ShardId,
    study_blocks: u64,
) -> anyhow::Result<PathBuf> {
    let kept = checkpoint.blocks_dir();
    let mut files = Vec::new();
    for entry in fs::read_dir(&kept)
        .with_context(|| format!("cannot list the shard's blocks in {}", kept.display()))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(block) = key_of_file(&name) else {
            continue;
        };
        let bytes = fs::read(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        files.push(ShardFile {
            file: format!("{BLOCKS_DIR}/{name}"),
            block,
            sha256: sha256_hex(&bytes),
        });
    }
    let blocks = out.join(BLOCKS_DIR);
    remove_dir(&blocks)?;
    fs::rename(&kept, &blocks)
        .with_context(|| format!("cannot move the shard's blocks into {}", blocks.display()))?;
    files.sort_by_key(|f| f.block);
    let manifest = ShardManifest {
        tool: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        shard: shard.index,
        shards: shard.count,
        command: study.command.clone(),
        seed: study.seed(),
        scenario_sha256: study
            .manifest
            .get("scenario_sha256")
            .and_then(|s| s.as_str())
            .map(str::to_string),
        study_blocks,
        study: study.clone(),
        files,
    };
    let path = out.join(SHARD_JSON);
    let json = serde_json::to_string_pretty(&manifest)? + "\n";
    write_atomic(&path, json.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    checkpoint.remove()?;
    Ok(path)
}

/// The block a file name names (the inverse of [`block_file_name`]).
fn key_of_file(name: &str) -> Option<BlockKey> {
    let inner = name.strip_prefix("block-")?.strip_suffix(".json")?;
    let parts: Vec<&str> = inner.split('-').collect();
    let [point, scenario, first_run, end_run] = parts[..] else {
        return None;
    };
    let key = BlockKey {
        point: point.parse().ok()?,
        scenario: scenario.parse().ok()?,
        first_run: first_run.parse().ok()?,
        end_run: end_run.parse().ok()?,
    };
    (block_file_name(&key) == name).then_some(key)
}

/// The shards of one study, checked to belong together, complete and
/// undamaged.
pub struct ShardSet {
    pub study: StudyKey,
    files: BTreeMap<BlockKey, PathBuf>,
}

impl ShardSet {
    /// Reads and checks every shard folder: same study (file, seed,
    /// version, command, flags, shard count), each shard once, none
    /// missing, every file's checksum, every block of the study present.
    pub fn read(dirs: &[PathBuf]) -> anyhow::Result<ShardSet> {
        if dirs.is_empty() {
            bail!("merge needs the shard folders: guarantee-sim merge DIR... --out DIR");
        }
        let mut shards: Vec<(PathBuf, ShardManifest)> = Vec::with_capacity(dirs.len());
        for dir in dirs {
            shards.push((dir.clone(), read_shard(dir)?));
        }
        let (first_dir, first) = &shards[0];
        let name = |dir: &Path, m: &ShardManifest| format!("shard {} ({})", m.shard, dir.display());
        for (dir, shard) in &shards[1..] {
            let mut differences = shard.study.differences(&first.study);
            if shard.shards != first.shards {
                differences.push(format!(
                    "number of shards: {} vs {}",
                    shard.shards, first.shards
                ));
            }
            if !differences.is_empty() {
                bail!(
                    "{} and {} belong to different studies (file, seed, version, flags or shard count \
                     differ):\n  {}\n  merge only the shards of one `--shard K/N` study",
                    name(dir, shard),
                    name(first_dir, first),
                    differences.join("\n  ")
                );
            }
        }
        let count = first.shards;
        let mut seen: BTreeMap<u64, &PathBuf> = BTreeMap::new();
        for (dir, shard) in &shards {
            if let Some(other) = seen.insert(shard.shard, dir) {
                bail!(
                    "shard {} of {count} is given twice: {} and {}; give each shard folder once",
                    shard.shard,
                    other.display(),
                    dir.display()
                );
            }
        }
        let missing: Vec<String> = (0..count)
            .filter(|k| !seen.contains_key(k))
            .map(|k| k.to_string())
            .collect();
        if !missing.is_empty() {
            bail!(
                "missing shard(s) {} of {count} (ids from 0 to {}); run them (or resume them with \
                 --resume DIR) and merge all {count} folders",
                missing.join(", "),
                count - 1
            );
        }
        let mut files = BTreeMap::new();
        for (dir, shard) in &shards {
            for file in &shard.files {
                let path = dir.join(&file.file);
                let bytes = fs::read(&path).map_err(|e| {
                    anyhow::anyhow!(
                        "{}: cannot read {} ({e}); the shard folder is incomplete: run that shard again",
                        name(dir, shard),
                        file.file
                    )
                })?;
                if sha256_hex(&bytes) != file.sha256 {
                    bail!(
                        "{}: {} is corrupt (its SHA-256 differs from the one in {SHARD_JSON}); \
                         run that shard again",
                        name(dir, shard),
                        file.file
                    );
                }
                if files.insert(file.block, path).is_some() {
                    bail!(
                        "{}: block {} is also in another shard; these folders were not cut from one study",
                        name(dir, shard),
                        file.file
                    );
                }
            }
        }
        if files.len() as u64 != first.study_blocks {
            bail!(
                "the {count} shards hold {} blocks but the study has {}; a shard folder was altered",
                files.len(),
                first.study_blocks
            );
        }
        Ok(ShardSet {
            study: first.study.clone(),
            files,
        })
    }

    /// The blocks as a store the study reads instead of computing.
    pub fn store(&self) -> MergedBlocks<'_> {
        MergedBlocks {
            files: &self.files,
            failure: StoreFailure::default(),
        }
    }
}

fn read_shard(dir: &Path) -> anyhow::Result<ShardManifest> {
    let path = dir.join(SHARD_JSON);
    let text = fs::read_to_string(&path).map_err(|e| {
        anyhow::anyhow!(
            "{}: no readable {SHARD_JSON} ({e}): not a shard folder, or the shard did not finish \
             (resume it with --resume {})",
            dir.display(),
            dir.display()
        )
    })?;
    let manifest: ShardManifest = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {SHARD_JSON} is corrupt ({e}); run that shard again",
            dir.display()
        )
    })?;
    if manifest.tool != env!("CARGO_PKG_NAME") {
        bail!(
            "{}: {SHARD_JSON} was not written by guarantee-sim",
            dir.display()
        );
    }
    Ok(manifest)
}

/// Every block of a merged study, read from the shard folders.
pub struct MergedBlocks<'a> {
    files: &'a BTreeMap<BlockKey, PathBuf>,
    failure: StoreFailure,
}

impl MergedBlocks<'_> {
    pub fn error(&self) -> Option<anyhow::Error> {
        self.failure.error()
    }
}

impl BlockStore for MergedBlocks<'_> {
    fn stored(&self, key: &BlockKey, packages: usize) -> Option<BlockOutput> {
        let Some(path) = self.files.get(key) else {
            self.failure.fail(anyhow::anyhow!(
                "no shard holds block {}; the shards do not make up the study",
                block_file_name(key)
            ));
            return None;
        };
        let output = fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| decode_block(&b))
            .and_then(|output| output.check_shape(packages).map(|()| output));
        match output {
            Ok(output) => Some(output),
            Err(e) => {
                self.failure.fail(anyhow::anyhow!(
                    "{} is corrupt: {e}; run that shard again",
                    path.display()
                ));
                None
            }
        }
    }

    fn assigned(&self, _: &BlockKey) -> bool {
        false
    }

    fn keep(&self, _: &BlockKey, _: &BlockOutput) {}

    fn failed(&self) -> bool {
        self.failure.failed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn a_shard_comes_from_the_flag_or_the_job_array() {
        let none = env(&[]);
        assert_eq!(
            ShardId::parse("2/7", &none),
            Ok(ShardId { index: 2, count: 7 })
        );
        let array = env(&[(TASK_ID_VAR, "3"), (TASK_COUNT_VAR, "4")]);
        assert_eq!(
            ShardId::parse("slurm", &array),
            Ok(ShardId { index: 3, count: 4 })
        );
        assert_eq!(
            ShardId::parse("/9", &array),
            Ok(ShardId { index: 3, count: 9 })
        );
        assert!(
            ShardId::parse("slurm", &none)
                .unwrap_err()
                .contains(TASK_ID_VAR)
        );
        assert!(ShardId::parse("7/7", &none).unwrap_err().contains("0 to 6"));
        let one_based = env(&[(TASK_ID_VAR, "4"), (TASK_COUNT_VAR, "4")]);
        assert!(
            ShardId::parse("slurm", &one_based)
                .unwrap_err()
                .contains("--array=0-3")
        );
        assert!(ShardId::parse("0/0", &none).is_err());
        assert!(ShardId::parse("x", &none).is_err());
    }

    #[test]
    fn shares_are_contiguous_balanced_and_cover_every_block_once() {
        let (points, runs, scenarios) = (3, 1100, 2); // 5 rows: 30 blocks
        let total = Share::total(points, runs, scenarios);
        assert_eq!(total, 30);
        for count in [1, 2, 7, 31, 100] {
            let shares: Vec<Share> = (0..count)
                .map(|index| Share::new(ShardId { index, count }, points, runs, scenarios))
                .collect();
            let mut sizes = Vec::new();
            for share in &shares {
                sizes.push(share.end - share.first);
            }
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 1, "unbalanced {sizes:?}");
            for point in 0..points {
                for row in 0..5u64 {
                    for scenario in 0..scenarios {
                        let key = BlockKey {
                            point,
                            scenario,
                            first_run: row * BLOCK_RUNS,
                            end_run: ((row + 1) * BLOCK_RUNS).min(runs),
                        };
                        let owners = shares.iter().filter(|s| s.contains(&key)).count();
                        assert_eq!(owners, 1);
                    }
                }
            }
        }
    }

    #[test]
    fn block_file_names_are_read_back() {
        let key = BlockKey {
            point: 4,
            scenario: 1,
            first_run: 250,
            end_run: 400,
        };
        assert_eq!(key_of_file(&block_file_name(&key)), Some(key));
        assert_eq!(key_of_file("block-1-2.json"), None);
        assert_eq!(key_of_file("notes.txt"), None);
    }
}
