"""Reads every .parquet file of a run's output folder back with pyarrow and
checks it against the CSV file beside it: the same columns in the same
order, typed (integers, doubles, strings), the same values row by row, an
empty CSV cell exactly where Parquet has a null, and the manifest's
provenance in the file metadata.

Usage: python check-parquet.py OUTPUT_DIR [MIN_FILES]
"""

import csv
import json
import math
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PROVENANCE = ["tool", "version", "status", "scenario_sha256", "seed", "runs_completed"]


def same(cell: str, value, kind: pa.DataType) -> bool:
    if value is None:
        return cell == ""
    if pa.types.is_int64(kind):
        return cell != "" and int(cell) == value
    if pa.types.is_float64(kind):
        return cell != "" and (float(cell) == value or (math.isnan(value) and cell.lower() == "nan"))
    if pa.types.is_string(kind):
        return cell == value
    raise SystemExit(f"unexpected column type {kind}")


def check(parquet: Path, manifest: dict) -> int:
    table = pq.read_table(parquet)
    with open(parquet.with_suffix(".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    where = parquet.name
    if table.column_names != header:
        raise SystemExit(f"{where}: columns {table.column_names} != CSV header {header}")
    if table.num_rows != len(body):
        raise SystemExit(f"{where}: {table.num_rows} rows, the CSV has {len(body)}")
    for j, field in enumerate(table.schema):
        if not (pa.types.is_int64(field.type) or pa.types.is_float64(field.type) or pa.types.is_string(field.type)):
            raise SystemExit(f"{where}: column {field.name} has type {field.type}")
        values = table.column(j).to_pylist()
        for i, value in enumerate(values):
            if not same(body[i][j], value, field.type):
                raise SystemExit(
                    f"{where}: row {i + 1}, column {field.name}: Parquet {value!r}, CSV {body[i][j]!r}"
                )
    metadata = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    for key in PROVENANCE:
        expected = manifest[key] if isinstance(manifest[key], str) else json.dumps(manifest[key])
        if metadata.get(key) != expected:
            raise SystemExit(f"{where}: metadata {key} = {metadata.get(key)!r}, manifest says {expected!r}")
    return table.num_rows


def main() -> None:
    out = Path(sys.argv[1])
    minimum = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(out.glob("*.parquet"))
    if len(files) < minimum:
        raise SystemExit(f"{out}: {len(files)} Parquet files, expected at least {minimum}")
    for parquet in files:
        rows = check(parquet, manifest)
        print(f"  {parquet.name}: {rows} rows, same values as {parquet.with_suffix('.csv').name}")
    print(f"parquet: {len(files)} passed, 0 failed")


if __name__ == "__main__":
    main()
