#!/usr/bin/env bash
# Submits a guarantee-sim run as a Slurm job array of N shards and a merge
# job that runs once every shard has succeeded; prints both job ids and
# where the outputs go. See README.md beside this file.
#
#   submit.sh --shards N [--out DIR] [--bin PATH] [FILE] [-- RUN FLAGS...]
#   submit.sh --retry K --out DIR
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
  --shards) shards=${2:-}; shift 2 ;;
  --out) out=${2:-}; shift 2 ;;
  --bin) bin=${2:-}; shift 2 ;;
  --retry) retry=${2:-}; shift 2 ;;
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
  # One failed shard again: the same settings, that array index alone, and
  # a new merge job waiting for it (the first one never starts once a shard
  # has failed).
  [ -f "$env_file" ] || usage "$env_file not found: was $out submitted with submit.sh?"
  source "$env_file"
  [[ $retry =~ ^[0-9]+$ ]] && [ "$retry" -lt "$GS_SHARDS" ] ||
    usage "--retry takes a shard from 0 to $((GS_SHARDS - 1)), got '$retry'"
  scancel "$(cat "$out/merge.jobid")" 2>/dev/null || true
  array=$(GS_JOB_ENV=$env_file GS_SHARD="$retry/$GS_SHARDS" sbatch --parsable \
    --array="$retry" --output="$out/logs/shard-%a.out" "$here/array.sbatch")
  merge=$(GS_JOB_ENV=$env_file sbatch --parsable --dependency=afterok:"$array" \
    --output="$out/logs/merge.out" "$here/merge.sbatch")
  echo "$merge" >"$out/merge.jobid"
  echo "array job: $array (shard $retry again, from its checkpoint if it left one)"
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
echo "watch: squeue -j $array,$merge; one shard failed: $0 --retry K --out $out"
