"""Benchmark of `mlbench monitor` (issue 15): 52 weekly windows of scored rows, labels arriving two weeks late.

The log is written by DuckDB itself (no pandas): a key, a time, a calibrated score, three numeric features and a
category; labels drawn from the scores, each known 14 days after its row. Prints the time and peak memory of the
whole computation (joining labels, windows, feature and score drift, realized and estimated performance).
Usage: python bench/bench_monitor.py [ROWS_PER_WINDOW] (default 1,000,000: 52M rows, about 2 GB of Parquet).
"""
import sys, tempfile, time
from pathlib import Path

import duckdb

from mlbench.monitor import MonitorConfig, run_monitor
from bench_pipeline import timed


def write_log(folder: Path, per_window: int, windows: int = 52) -> tuple[Path, Path]:
    "The scored log and its labels as Parquet, ordered by time (as a scoring job appends them)"
    n = per_window * windows
    log, labels = folder/"log.parquet", folder/"labels.parquet"
    with duckdb.connect() as con:
        con.execute(f"""CREATE TABLE rows AS SELECT i AS id,
            TIMESTAMP '2025-01-06' + to_seconds((i * {windows * 7 * 86400}) // {n}) AS ts,
            random() AS u, random() AS v, random() AS w FROM range({n}) t(i)""")
        con.execute(f"""COPY (SELECT id, ts, u AS score, v * 10 + u AS f1, w * 3 AS f2, (u + w) / 2 AS f3,
                               ['a', 'b', 'c'][1 + (id % 3)::INT] AS segment FROM rows ORDER BY id)
                        TO '{log}' (FORMAT parquet, ROW_GROUP_SIZE 500000)""")
        con.execute(f"""COPY (SELECT id, (random() < u)::INT AS y, ts + INTERVAL 14 DAY AS known FROM rows ORDER BY id)
                        TO '{labels}' (FORMAT parquet, ROW_GROUP_SIZE 500000)""")
    return log, labels


def main(per_window: int = 1_000_000):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-monitor-"))
    log, labels = timed(f"write 52 windows x {per_window:,} rows (log + labels, Parquet)", lambda: write_log(tmp, per_window))
    print(f"{'':<9} log {log.stat().st_size / 2**20:,.0f} MiB, labels {labels.stat().st_size / 2**20:,.0f} MiB")
    config = MonitorConfig(scores=str(log), time="ts", window="1w", labels=str(labels), key="id", target="y", label_time="known",
                           as_of="2026-01-04", workspace=str(tmp/"none.duckdb"))
    start = time.perf_counter()
    body = timed(f"monitor: 52 windows x {per_window:,} rows, 4 features, late labels", lambda: run_monitor(config))
    print(f"{'':<9} {len(body['windows'])} windows, {time.perf_counter() - start:.1f} s; latest estimated ROC AUC "
          f"{body['windows'][-1]['estimated']['roc_auc']['value']:.4f}, labelled share {body['windows'][-1]['share_labelled']:.0%}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
