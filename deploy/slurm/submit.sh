#!/usr/bin/env bash
# Submits a guarantee-sim run as a Slurm job array of N shards and a merge
# job that runs once every shard has succeeded; prints both job ids and
# where the outputs go. See README.md beside this file.
#
#   submit.sh --shards N [--out DIR] [--bin PATH] [FILE] [-- RUN FLAGS...]
#   submit.sh --retry K[,K...] --out DIR
#
# Extra sbatch options (partition, account, time) go in the environment:
# SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
  sed -n '6,7p' "$0" | sed 's/^# *//' >&2
  echo "error: $1" >&2
  exit 2
}

shards="" out="" bin="" retry="" file=() flags=()
while [ $# -gt 0 ]; do
  case $1 in
  --shards | --out | --bin | --retry)
    [ $# -ge 2 ] || usage "$1 needs a value"
    case $1 in
    --shards) shards=$2 ;;
    --out) out=$2 ;;
    --bin) bin=$2 ;;
    --retry) retry=$2 ;;
    esac
    shift 2 ;;
  --) shift; flags=("$@"); break ;;
  -*) usage "unknown option $1" ;;
  *) [ ${#file[@]} -eq 0 ] || usage "one scenario file only, got $1 after ${file[0]}"
    file=("$(realpath "$1")"); shift ;;
  esac
done
if [ -z "$out" ]; then
  [ -z "$retry" ] || usage "--retry needs the --out of the first submission"
  out="output/slurm-$(date +%Y%m%d-%H%M%S)"
fi
out=$(realpath -m "$out")
env_file="$out/job.env"

if [ -n "$retry" ]; then
  # Failed shards again: the same settings, those array indices alone, and
  # a new merge job waiting for them (the first one never starts once a
  # shard has failed). Name every unfinished shard in one --retry: the new
  # merge waits for these alone, and the previous merge job is cancelled.
  [ -f "$env_file" ] || usage "$env_file not found: was $out submitted with submit.sh?"
  source "$env_file"
  [[ $retry =~ ^[0-9]+(,[0-9]+)*$ ]] ||
    usage "--retry takes shards from 0 to $((GS_SHARDS - 1)), comma-separated, got '$retry'"
  for k in ${retry//,/ }; do
    [ "$k" -lt "$GS_SHARDS" ] || usage "--retry: shard $k does not exist (0 to $((GS_SHARDS - 1)))"
  done
  scancel "$(cat "$out/merge.jobid")" 2>/dev/null || true
  # --shard /N: K from the task's index; the array's own count would be
  # the number of retried shards, not N.
  array=$(GS_JOB_ENV=$env_file GS_SHARD="/$GS_SHARDS" sbatch --parsable \
    --array="$retry" --output="$out/logs/shard-%a.out" "$here/array.sbatch")
  merge=$(GS_JOB_ENV=$env_file sbatch --parsable --dependency=afterok:"$array" \
    --output="$out/logs/merge.out" "$here/merge.sbatch")
  echo "$merge" >"$out/merge.jobid"
  echo "array job: $array (shards $retry again, each from its checkpoint if it left one)"
  echo "merge job: $merge (after it succeeds) -> $out/merged"
  exit 0
fi

[[ $shards =~ ^[1-9][0-9]*$ ]] || usage "--shards takes a whole number of shards from 1, got '$shards'"
if [ -z "$bin" ]; then
  bin=$(command -v guarantee-sim) || usage "guarantee-sim is not on PATH: give --bin PATH"
fi
bin=$(realpath "$bin")
[ -x "$bin" ] || usage "$bin is not an executable"
# Shards of two runs must never meet in one folder.
[ ! -e "$out/shards" ] || usage "$out already holds shards: give a new --out, or --retry K"
mkdir -p "$out/logs" "$out/shards"
{
  declare -p out | sed 's/^declare -- out=/GS_OUT=/'
  declare -p bin | sed 's/^declare -- bin=/GS_BIN=/'
  declare -p shards | sed 's/^declare -- shards=/GS_SHARDS=/'
  declare -p file | sed 's/^declare -a file=/GS_FILE=/'
  declare -p flags | sed 's/^declare -a flags=/GS_FLAGS=/'
} >"$env_file"

array=$(GS_JOB_ENV=$env_file sbatch --parsable --array=0-$((shards - 1)) \
  --output="$out/logs/shard-%a.out" "$here/array.sbatch")
merge=$(GS_JOB_ENV=$env_file sbatch --parsable --dependency=afterok:"$array" \
  --output="$out/logs/merge.out" "$here/merge.sbatch")
echo "$merge" >"$out/merge.jobid"
echo "array job: $array ($shards shards) -> $out/shards/shard-K, logs in $out/logs"
echo "merge job: $merge (after every shard succeeds) -> $out/merged"
echo "watch: squeue -j $array,$merge; shards failed: $0 --retry K[,K...] --out $out"
