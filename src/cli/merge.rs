//! `guarantee-sim merge`: the outputs of a study computed in shards.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::common::worker_pool;
use super::run::{Watch, parse_threads};
use crate::report::RunStatus;
use crate::study::merge::Merge;
use crate::study::shard::ShardSet;

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim run --runs 100000 --shard 0/3 --out shards/0      (one per machine or array task)
  guarantee-sim run --runs 100000 --shard 1/3 --out shards/1
  guarantee-sim run --runs 100000 --shard 2/3 --out shards/2
  guarantee-sim merge shards/0 shards/1 shards/2 --out output/paris-2026

Checks that the shards belong to one study (file, seed, version, command,
flags, shard count), that none is missing or given twice and that no block
file is damaged, then writes what one machine running the same command
writes: the same CSVs, charts, reports and manifest, byte for byte (only
the manifest's times and thread count differ). Works for run, sweep,
sensitivity and discover shards.";

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The shard folders (each with its shard.json), all N of them.
    #[arg(value_name = "DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// Output folder for the merged study.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Let the merge replace its own output files in a folder that holds no earlier run.
    #[arg(long)]
    pub force: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads, allow_hyphen_values = true)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(_ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let shards = ShardSet::read(&args.shards)?;
    // The merge clears its folder before it reads the blocks.
    let same = |a: &std::path::Path, b: &std::path::Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if let Some(shard) = args.shards.iter().find(|s| same(s, &args.out)) {
        anyhow::bail!(
            "--out {}: that is a shard folder being merged ({}); write the merge into another folder",
            args.out.display(),
            shard.display()
        );
    }
    let merge = Merge::plan(&shards)?;
    let out = super::out_dir::prepare(&args.out, args.force)?;
    let (pool, _) = worker_pool(args.threads)?;
    let store = shards.store();
    let watch = Watch::start(&out.path, args.quiet);
    let merged = watch.run_with(&store, |hooks| merge.write(&pool, &out.path, hooks));
    if let Some(error) = store.error() {
        return Err(error.context("merging the shards"));
    }
    let merged = merged?;
    if merged.status != RunStatus::Complete {
        eprintln!("warning: interrupted: the merged outputs are not complete; merge again");
        return Ok(ExitCode::from(130));
    }
    if !args.quiet {
        println!(
            "Merged {} shard(s) of `{}` into {}/",
            args.shards.len(),
            merged.command,
            out.path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
