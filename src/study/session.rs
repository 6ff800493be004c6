//! A study's hold on its output folder: the folder prepared (and locked),
//! its checkpoint started or resumed, and at the end the checkpoint
//! removed (a finished study), kept (an interrupted one) or turned into a
//! shard folder (a finished shard).

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::checkpoint::{Checkpoint, CheckpointStore, StudyKey};
use super::out_dir::{OutDir, open_study};
use super::shard::{self, ShardId, Share};
use crate::report::OutputShape;

/// How a study runs beyond one machine: its shard, and whether it takes
/// up an interrupted run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cluster {
    pub shard: Option<ShardId>,
    pub resume: bool,
}

/// The blocks a study has: `points` points of `runs` runs under
/// `scenarios` scenarios each (a run is one point).
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub points: usize,
    pub runs: u64,
    pub scenarios: usize,
}

/// An output folder held by a study, with its checkpoint.
pub struct Session {
    pub out: OutDir,
    /// Resuming: the blocks the checkpoint already held.
    pub kept_blocks: Option<usize>,
    pub store: CheckpointStore,
    checkpoint: Checkpoint,
    study: StudyKey,
    shard: Option<ShardId>,
    geometry: Geometry,
}

/// How a study's folder ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// Finished: outputs written, checkpoint removed.
    Finished,
    /// A finished shard: its `shard.json`.
    Shard(PathBuf),
    /// Interrupted: the checkpoint stays for `--resume`.
    Interrupted,
}

impl Session {
    /// Prepares `dir` (see [`open_study`]), checks that the disk holds
    /// what the study of `shape` writes (a shard: its blocks), and starts
    /// or resumes its checkpoint, before any work.
    pub fn open(
        dir: &Path,
        force: bool,
        cluster: Cluster,
        study: StudyKey,
        geometry: Geometry,
        shape: OutputShape,
    ) -> anyhow::Result<Session> {
        let out = open_study(dir, force, cluster.resume)?;
        // A resume is checked to be the study checkpointed before the
        // earlier results are cleared, so a refused one deletes nothing;
        // a new checkpoint only once the disk is known to be big enough.
        let resumed = if cluster.resume {
            Some(Checkpoint::resume(&out.path, &study, cluster.shard)?)
        } else {
            None
        };
        out.clear()?;
        let needed = match cluster.shard {
            Some(id) => shape.shard_bytes(id.count),
            None => shape.estimated_bytes(),
        };
        out.check_space(needed, shape.how_to_write_less())?;
        let checkpoint = match resumed {
            Some(checkpoint) => checkpoint,
            None => Checkpoint::start(&out.path, &study, cluster.shard)?,
        };
        let share = cluster
            .shard
            .map(|id| Share::new(id, geometry.points, geometry.runs, geometry.scenarios));
        Ok(Session {
            kept_blocks: cluster.resume.then(|| checkpoint.kept_blocks()),
            store: checkpoint.store(share),
            out,
            checkpoint,
            study,
            shard: cluster.shard,
            geometry,
        })
    }

    pub fn path(&self) -> &Path {
        &self.out.path
    }

    pub fn is_shard(&self) -> bool {
        self.shard.is_some()
    }

    /// Ends the study: `complete` removes the checkpoint (or, for a shard,
    /// writes the shard folder); otherwise the checkpoint stays. A block
    /// that could not be checkpointed is an error here.
    pub fn close(self, complete: bool) -> anyhow::Result<Closed> {
        if let Some(error) = self.store.error() {
            return Err(error);
        }
        if !complete {
            return Ok(Closed::Interrupted);
        }
        match self.shard {
            Some(id) => {
                let g = self.geometry;
                let blocks = Share::total(g.points, g.runs, g.scenarios);
                let path = shard::finish(&self.out.path, self.checkpoint, &self.study, id, blocks)?;
                Ok(Closed::Shard(path))
            }
            None => {
                self.checkpoint.remove()?;
                Ok(Closed::Finished)
            }
        }
    }
}

/// A precision target decides the runs as results come in, so its blocks
/// cannot be shared out in advance.
pub fn check_shardable(cluster: Cluster, precision: bool) -> anyhow::Result<()> {
    if cluster.shard.is_some() && precision {
        bail!(
            "--shard cannot be combined with --precision: the number of runs depends on the results, \
             so the blocks cannot be shared out in advance; give a fixed --runs N \
             (--resume works with --precision)"
        );
    }
    Ok(())
}
