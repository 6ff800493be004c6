#!/usr/bin/env bash
# A real Slurm job array on this machine: installs Debian's Slurm and
# MUNGE if they are missing, starts munged, slurmctld and slurmd on
# localhost in a scratch folder (no systemd; see
# shared/design/slurm-single-node.md), submits deploy/slurm/'s job array
# and its dependent merge job, waits for them, and compares the merged
# outputs byte for byte with a one-machine run of the same file, flags and
# seed. Every daemon it started is stopped by its pid, also on failure.
#
# Usage: bash .ci/slurm-test.sh path/to/guarantee-sim [--smoke]
#   --smoke  only check the cluster itself: a small job array running the
#            binary and a job that depends on it (no shards, no merge)
set -euo pipefail

bin=$(realpath "${1:?usage: slurm-test.sh path/to/guarantee-sim [--smoke]}")
mode=${2:-full}
repo=$(cd "$(dirname "$0")/.." && pwd)
# The manifest records the file as given: the array and the one-machine
# run must name it alike.
file=$(realpath "$repo/scenarios/paris-2026.toml")
SHARDS=4
FLAGS=(--runs 1000 --seed 7 --per-run --parquet)
started=$SECONDS
log() { echo "slurm-test [$((SECONDS - started))s]: $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

# Everything lives in one scratch folder: state, spool, logs, MUNGE's
# socket (a private one, so a munged the machine already runs is left alone)
# and the outputs.
S=$(mktemp -d /tmp/slurm-test.XXXXXX)
chmod 0755 "$S"
daemons=()
stop_daemons() {
  local status=$?
  # Jobs first: a job step outlives slurmd, and would go on writing into
  # the scratch folder after it is removed.
  if [ -n "${slurmd_pid:-}" ]; then
    scancel --full $(squeue -h -o %i 2>/dev/null) 2>/dev/null || true
    for _ in $(seq 100); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  # Let the job steps of finished jobs end first (slurmd's children).
  for _ in $(seq 50); do
    [ -n "${slurmd_pid:-}" ] && pgrep -P "$slurmd_pid" >/dev/null || break
    sleep 0.1
  done
  for pid in "${daemons[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${daemons[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    log "FAILED; the daemons' logs:"
    tail -n 20 "$S"/log/* "$S"/munge/munged.log 2>/dev/null || true
  fi
  rm -rf "$S"
  exit "$status"
}
trap stop_daemons EXIT
trap 'exit 143' TERM INT

install -d -o munge -g munge -m 0755 "$S/munge"
setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground \
  --socket="$S/munge/socket" --pid-file="$S/munge/munged.pid" \
  --seed-file="$S/munge/munged.seed" --log-file="$S/munge/munged.log" 2>/dev/null &
daemons+=($!)
for _ in $(seq 50); do
  munge --socket="$S/munge/socket" -n 2>/dev/null | unmunge --socket="$S/munge/socket" >/dev/null 2>&1 && break
  sleep 0.1
done
munge --socket="$S/munge/socket" -n | unmunge --socket="$S/munge/socket" >/dev/null
log "munged up"

# Ports of our own, so that another cluster on the machine is no matter.
port=$((20000 + RANDOM % 20000))
mkdir -p "$S/state" "$S/spool" "$S/log"
# The jobs ask for memory (--mem), so the node must say it has some.
memory=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
cat >"$S/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge/socket
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=localhost CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$S/slurm.conf"
slurmctld -D -c -f "$SLURM_CONF" 2>"$S/log/slurmctld.stderr" &
daemons+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" 2>"$S/log/slurmd.stderr" &
slurmd_pid=$!
daemons+=($slurmd_pid)
for _ in $(seq 100); do
  state=$(sinfo -h -N -o '%t' 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { log "the node never became idle (state: '$state')"; exit 1; }
log "slurmctld and slurmd up, node idle"

# Waits until none of the given jobs is queued or running (or one waits on
# a dependency that failed, or 150 s have passed), then fails unless every
# one of them (every task of an array) completed.
wait_jobs() {
  local jobs deadline=$((SECONDS + 150))
  jobs=$(IFS=,; echo "$*")
  while [ -n "$(squeue -h -j "$jobs" 2>/dev/null)" ]; do
    if squeue -h -j "$jobs" -o '%r' | grep -q DependencyNeverSatisfied; then
      log "a job's dependency failed"
      break
    fi
    [ "$SECONDS" -lt "$deadline" ] || { log "timed out waiting for jobs $jobs"; break; }
    sleep 0.5
  done
  for job in "$@"; do
    local states
    states=$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]*' | sort -u | tr '\n' ' ' || true)
    [ "$states" = "JobState=COMPLETED " ] || {
      log "job $job: $states"
      find "$S/out" -name '*.out' -exec tail -n 20 {} + 2>/dev/null || true
      return 1
    }
  done
}

mkdir -p "$S/out"
cd "$S/out"
if [ "$mode" = --smoke ]; then
  array=$(sbatch --parsable --array=0-$((SHARDS - 1)) --output="$S/out/task-%a.out" \
    --wrap="$bin run $file --runs 20 --seed 7 --no-charts --quiet --out $S/out/task-\$SLURM_ARRAY_TASK_ID")
  after=$(sbatch --parsable --dependency=afterok:"$array" --output="$S/out/after.out" \
    --wrap="test \$(ls -d $S/out/task-*/manifest.json | wc -l) -eq $SHARDS")
  log "submitted array $array and dependent job $after"
  wait_jobs "$array" "$after"
  log "smoke: $SHARDS array tasks and the dependent job completed: 1 passed, 0 failed"
  exit 0
fi

# The deployment as a cluster user runs it: the array, then the merge. One
# shard is cancelled at once (pending, or killed while it runs), so the
# merge can never start, and is resubmitted as deploy/slurm/README.md says.
cluster="$S/out/cluster"
bash "$repo/deploy/slurm/submit.sh" --shards "$SHARDS" --out "$cluster" \
  --bin "$bin" "$file" -- "${FLAGS[@]}" | tee "$S/submit.txt"
array=$(sed -n 's/^array job: \([0-9]*\).*/\1/p' "$S/submit.txt")
failed=$((SHARDS - 1))
# Pending behind the first shards (2 CPUs): cancelled before it starts,
# unless the scheduler was quicker; either way the retry must succeed.
scancel "${array}_$failed" || log "shard $failed could not be cancelled (already over?)"
"$bin" run "$file" "${FLAGS[@]}" --quiet --out "$S/single"
log "one-machine run done; waiting for array $array"
deadline=$((SECONDS + 150))
while [ -n "$(squeue -h -j "$array" 2>/dev/null)" ] && [ "$SECONDS" -lt "$deadline" ]; do
  sleep 0.5
done
states=$(scontrol -o show job "$array" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' \n' ' ' || true)
log "array $array:$states"
if [ -f "$cluster/shards/shard-$failed/shard.json" ]; then
  log "note: shard $failed finished before it was cancelled; the retry reruns a finished shard"
else
  log "shard $failed was cancelled: no shard.json, so the first merge can never run"
fi

bash "$repo/deploy/slurm/submit.sh" --retry "$failed" --out "$cluster" | tee "$S/retry.txt"
array=$(sed -n 's/^array job: \([0-9]*\).*/\1/p' "$S/retry.txt")
merge=$(sed -n 's/^merge job: \([0-9]*\).*/\1/p' "$S/retry.txt")
wait_jobs "$array" "$merge"
log "shard $failed again, and the merge, completed"

# Byte for byte: every file but manifest.json, whose timing fields alone
# may differ.
merged="$cluster/merged"
diff -r --exclude=manifest.json --exclude=.guarantee-sim.lock "$S/single" "$merged"
python3 - "$S/single/manifest.json" "$merged/manifest.json" <<'EOF'
import json, sys
timing = ("started_at", "finished_at", "wall_seconds", "threads")
single, merged = (json.load(open(p)) for p in sys.argv[1:])
for m in (single, merged):
    for key in timing:
        del m[key]
assert single == merged, "manifest.json differs beyond its timing fields"
EOF
files=$(find "$merged" -type f ! -name .guarantee-sim.lock | wc -l)
log "merged outputs of $SHARDS shards equal the one-machine run ($files files): 1 passed, 0 failed"
