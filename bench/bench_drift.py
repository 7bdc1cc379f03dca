"""Benchmark of the drift readout: reference and current Parquet files of 1M and 10M rows x 25 columns.

Prints wall time and peak memory per size (run by hand or with `make bench`). Evidently's preset is not compared
here: evidently 0.7 imports only with pandas < 3 and plotly < 6, so it needs a venv of its own (see the notes).
"""
import sys, tempfile
from pathlib import Path

import duckdb

from bench_pipeline import timed
from mlbench.drift import run_drift


def build(path: Path, rows: int, shift: float):
    nums = ", ".join(f"random() * 10 + {3 * shift if i < 3 else 0} AS n{i}" for i in range(20))
    cats = ", ".join(f"CASE WHEN random() < {0.3 + (shift / 10 if i == 0 else 0)} THEN 'a' WHEN random() < 0.5 THEN 'b' ELSE 'c' END AS c{i}" for i in range(5))
    duckdb.sql(f"COPY (SELECT {nums}, {cats} FROM (SELECT range AS i FROM range({rows}))) TO '{path}' (FORMAT parquet)")


def main(sizes=(1_000_000, 10_000_000)):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-drift-"))
    for n in sizes:
        ref, cur = tmp/f"ref_{n}.parquet", tmp/f"cur_{n}.parquet"
        timed(f"build {n:,} x 25 reference and current", lambda: (build(ref, n, 0.0), build(cur, n, 1.0)))
        res = timed(f"drift readout {n:,} rows x 25 columns (in process)", lambda: run_drift(str(ref), str(cur)))
        print(f"    drifted: {[r['name'] for r in res['columns'] if r['drifted']]}")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (1_000_000, 10_000_000))
