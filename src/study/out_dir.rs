//! The output folder of `run`: which folders a run may clear, and the lock
//! that keeps two runs out of the same folder.
//!
//! A run replaces only what an earlier run of this tool wrote, and only in a
//! folder that is new, empty or vouched for by an earlier run's manifest;
//! anything else is the user's and is refused unless `--force` is given.
//! Even then only the tool's own file names ([`OUTPUT_FILES`]) are touched.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::checkpoint::{BLOCKS_DIR, CHECKPOINT_DIR, Checkpoint, remove_dir};
use super::shard::SHARD_JSON;
use crate::report::charts::CHARTS_DIR;
use crate::report::manifest::MANIFEST_JSON;
use crate::report::{OUTPUT_FILES, SIDE_OUTPUTS, clear_outputs, is_chart_file, is_stale_temp};
use crate::scenario::read::{MAX_MANIFEST_BYTES, read_regular_text};
use crate::scenario::suggest::name_list;

/// The lock file inside an output folder; it holds the pid of the run that
/// has the folder.
pub const LOCK_FILE: &str = ".guarantee-sim.lock";

/// An output folder this process holds. The lock is released when this is
/// dropped or the process ends in any way (the operating system drops the
/// lock of a crashed or killed process).
#[derive(Debug)]
pub struct OutDir {
    pub path: PathBuf,
    _lock: File,
}

/// Creates the output folder, locks it, proves it is writable and clears
/// an earlier run's results, before any simulation starts.
pub fn prepare(dir: &Path, force: bool) -> anyhow::Result<OutDir> {
    let out = open_study(dir, force, false)?;
    out.clear()?;
    Ok(out)
}

/// Like [`prepare`] without the clearing, for a study that keeps a
/// checkpoint: `resume` takes up the interrupted study in `dir` (whose
/// checkpoint must be there); without it, a folder holding a checkpoint is
/// refused unless `force`, so that hours of finished blocks are not thrown
/// away by mistake. The earlier results stay until [`OutDir::clear`], so
/// that a resume refused as another study leaves the folder as it was.
pub fn open_study(dir: &Path, force: bool, resume: bool) -> anyhow::Result<OutDir> {
    if resume && !Checkpoint::exists(dir) {
        let finished = if dir.join(MANIFEST_JSON).is_file() || dir.join(SHARD_JSON).is_file() {
            "it holds a finished study (a finished study removes its checkpoint)"
        } else {
            "it holds no interrupted study"
        };
        bail!(
            "--resume {}: nothing to resume: {finished}; run without --resume to start afresh",
            dir.display()
        );
    }
    if dir.exists() && !dir.is_dir() {
        bail!(
            "--out {}: exists and is not a folder; name a new or empty folder",
            dir.display()
        );
    }
    fs::create_dir_all(dir)
        .with_context(|| format!("--out {}: cannot create the output folder", dir.display()))?;
    let lock = lock(dir)?;
    if !resume && Checkpoint::exists(dir) {
        if !force {
            bail!(
                "--out {}: the folder holds the checkpoint of an interrupted study ({CHECKPOINT_DIR}/); \
                 continue it with the same command and --resume {}, or pass --force to discard it \
                 and start again",
                dir.display(),
                dir.display()
            );
        }
        remove_dir(&dir.join(CHECKPOINT_DIR))?;
    }
    if !force && !resume {
        check_clearable(dir)?;
    }
    let probe = dir.join(format!(".write-test.{}", std::process::id()));
    fs::write(&probe, b"").with_context(|| {
        format!(
            "--out {}: cannot write into the output folder",
            dir.display()
        )
    })?;
    let _ = fs::remove_file(&probe);
    let charts = dir.join(CHARTS_DIR);
    if charts.exists() && !charts.is_dir() {
        bail!(
            "--out {}: {} is a file, but the charts go into a folder of that name; move it away or choose another --out",
            dir.display(),
            charts.display()
        );
    }
    Ok(OutDir {
        path: dir.to_path_buf(),
        _lock: lock,
    })
}

impl OutDir {
    /// Clears an earlier run's or shard's results (never the checkpoint).
    pub fn clear(&self) -> anyhow::Result<()> {
        clear_outputs(&self.path).with_context(|| {
            format!(
                "cannot clear the earlier results in {}",
                self.path.display()
            )
        })?;
        clear_shard(&self.path)
    }

    /// Refuses to start a study whose outputs (`needed` bytes) would not
    /// fit on the disk, so that a full disk is found before the simulation,
    /// not after it; `write_less` names the flags that make them smaller.
    pub fn check_space(&self, needed: u64, write_less: &str) -> anyhow::Result<()> {
        match free_bytes(&self.path) {
            Some(free) => enough_space(free, needed, write_less)
                .map_err(|e| anyhow::anyhow!("--out {}: {e}", self.path.display())),
            // Unknown (not a Unix file system): the write errors will say.
            None => Ok(()),
        }
    }
}

fn enough_space(free: u64, needed: u64, write_less: &str) -> Result<(), String> {
    if free >= needed {
        return Ok(());
    }
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    Err(format!(
        "the disk has {} MB free, but this run writes about {} MB; free some space, \
         choose another --out, or write less ({write_less})",
        mb(free),
        mb(needed)
    ))
}

#[cfg(unix)]
fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is a NUL-terminated string and `stats` is a valid
    // place for statvfs to write into; it is read only on success.
    let stats = unsafe {
        if libc::statvfs(path.as_ptr(), stats.as_mut_ptr()) != 0 {
            return None;
        }
        stats.assume_init()
    };
    #[allow(clippy::unnecessary_cast)] // the field types differ by platform
    Some((stats.f_bavail as u64).saturating_mul(stats.f_frsize as u64))
}

#[cfg(not(unix))]
fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}

/// Takes the folder's lock or says which process has it.
fn lock(dir: &Path) -> anyhow::Result<File> {
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| {
            format!(
                "--out {}: cannot create the lock file {}",
                dir.display(),
                path.display()
            )
        })?;
    // fs4 rather than std's File::try_lock, which needs Rust 1.89.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = (&file).take(64).read_to_string(&mut holder);
            let holder = match holder.trim() {
                pid if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("process {pid}")
                }
                _ => "another process".to_string(),
            };
            bail!(
                "--out {}: the folder is in use by another guarantee-sim run ({holder}); \
                 wait for it to finish or choose another --out",
                dir.display()
            );
        }
        Err(fs4::TryLockError::Error(e)) => {
            return Err(e).with_context(|| {
                format!("--out {}: cannot lock {}", dir.display(), path.display())
            });
        }
    }
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()?;
    Ok(file)
}

/// Removes what an earlier shard wrote: `shard.json` first (so no
/// manifest vouches for a half-cleared folder), then its block files.
fn clear_shard(dir: &Path) -> anyhow::Result<()> {
    let remove = |path: PathBuf| match fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    };
    remove(dir.join(SHARD_JSON))?;
    let blocks = dir.join(BLOCKS_DIR);
    if let Ok(entries) = fs::read_dir(&blocks) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("block-") && name.ends_with(".json") {
                remove(entry.path())?;
            }
        }
        // Only when empty: a folder of the user's is left alone.
        let _ = fs::remove_dir(&blocks);
    }
    Ok(())
}

/// Refuses a folder that holds files and no earlier run's manifest.
fn check_clearable(dir: &Path) -> anyhow::Result<()> {
    if holds_earlier_run(dir) {
        return Ok(());
    }
    let mut theirs: Vec<String> = Vec::new();
    let mut would_replace: Vec<String> = Vec::new();
    let entries = fs::read_dir(dir)
        .with_context(|| format!("--out {}: cannot list the folder", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == LOCK_FILE || is_stale_temp(&name) || SIDE_OUTPUTS.contains(&name.as_str()) {
            continue;
        }
        if name == CHARTS_DIR && only_side_charts(&entry.path()) {
            continue;
        }
        if OUTPUT_FILES.contains(&name.as_str()) {
            would_replace.push(name.clone());
        } else if name == CHARTS_DIR && entry.path().is_dir() {
            let charts = fs::read_dir(entry.path())
                .map(|e| {
                    e.flatten()
                        .map(|c| c.file_name().to_string_lossy().into_owned())
                        .filter(|c| is_chart_file(c))
                        .map(|c| format!("{CHARTS_DIR}/{c}"))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            would_replace.extend(charts);
        }
        theirs.push(name);
    }
    if theirs.is_empty() {
        return Ok(());
    }
    theirs.sort();
    would_replace.sort();
    let replaced = if would_replace.is_empty() {
        String::new()
    } else {
        format!(
            "\n  --force would delete or replace: {}",
            name_list(&would_replace)
        )
    };
    bail!(
        "--out {}: the folder is not empty and holds no earlier guarantee-sim run (no {MANIFEST_JSON}), \
         so its files may be yours: {}{replaced}\n  \
         choose a new or empty folder, or pass --force to let the run replace its own output files there \
         (other files are never touched)",
        dir.display(),
        name_list(&theirs)
    )
}

/// Does the charts folder hold only `decompose`'s waterfall charts (or
/// nothing)?
fn only_side_charts(charts: &Path) -> bool {
    fs::read_dir(charts).is_ok_and(|entries| {
        entries
            .flatten()
            .all(|c| crate::report::is_side_chart(&c.file_name().to_string_lossy()))
    })
}

/// Does `dir` hold a manifest written by this tool?
fn holds_earlier_run(dir: &Path) -> bool {
    [MANIFEST_JSON, SHARD_JSON]
        .iter()
        .any(|name| written_by_this_tool(&dir.join(name)))
}

/// Is `path` a JSON manifest (of a run or a shard) this tool wrote?
fn written_by_this_tool(path: &Path) -> bool {
    let Ok(text) = read_regular_text(path, MAX_MANIFEST_BYTES) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("tool").and_then(|t| t.as_str()).map(str::to_string))
        .is_some_and(|tool| tool == env!("CARGO_PKG_NAME"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_larger_than_the_free_space_is_refused() {
        assert!(enough_space(100 << 20, 10 << 20, "fewer --runs").is_ok());
        let err = enough_space(1 << 20, 10 << 20, "fewer --runs").unwrap_err();
        assert!(err.contains("1 MB free"), "{err}");
        assert!(err.contains("about 10 MB"), "{err}");
    }
}
