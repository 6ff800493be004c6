#!/usr/bin/env bash
# runs.parquet is streamed: a 1,000,000-run `--per-run --parquet` run must
# peak at about the memory of a 100,000-run one (at most 20% more), not ten
# times it. One package under one scenario of the small test fixture, so
# the million runs take seconds in a release build.
#
# Usage: bash .ci/parquet-memory.sh path/to/guarantee-sim
set -euo pipefail
bin=$(realpath "${1:?usage: parquet-memory.sh path/to/guarantee-sim}")
fixture="$(cd "$(dirname "$0")/.." && pwd)/tests/fixtures/minimal.toml"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 - "$bin" "$fixture" "$out" <<'PY'
import resource, subprocess, sys

bin, fixture, out = sys.argv[1:]

def peak_kb(runs: int) -> int:
    """Peak resident memory of one run, from the kernel's own accounting."""
    folder = f"{out}/{runs}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [bin, "run", fixture, "--packages", "aid-only", "--scenarios", "holds",
         "--runs", str(runs), "--per-run", "--parquet", "--no-charts", "--quiet",
         "--out", folder],
        check=True, stderr=subprocess.DEVNULL,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # RUSAGE_CHILDREN keeps the largest child so far: run the small one first.
    assert peak >= before
    with open(f"{folder}/runs.csv", "rb") as f:
        rows = sum(1 for _ in f) - 1
    assert rows == runs, f"runs.csv has {rows} rows, expected {runs}"
    return peak

small, large = peak_kb(100_000), peak_kb(1_000_000)
print(f"parquet-memory: peak RSS {small / 1024:.1f} MB at 100,000 runs, {large / 1024:.1f} MB at 1,000,000")
if large > 1.2 * small:
    sys.exit("parquet-memory: memory grows with the number of runs: 1 failed")
print("parquet-memory: 1 passed, 0 failed")
PY
