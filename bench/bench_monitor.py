"""Benchmark of `mlbench monitor` (issue 15): 52 weekly windows of scored rows, labels arriving two weeks late.

The log is written by DuckDB itself (no pandas): a key, a time, a calibrated score, three numeric features and a
category; labels drawn from the scores, each known 14 days after its row. The monitor then runs in a fresh process,
so its peak memory is its own (not the generator's): the whole computation (joining labels, windows, feature and
score drift, realized and estimated performance).
Usage: python bench/bench_monitor.py [ROWS_PER_WINDOW] (default 1,000,000: 52M rows, about 2 GB of Parquet).
"""
import subprocess, sys, tempfile, time
from pathlib import Path

import duckdb

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


def run(log: str, labels: str, per_window: int):
    "The monitor alone, in this process: its time and peak memory"
    from mlbench.monitor import MonitorConfig, run_monitor
    config = MonitorConfig(scores=log, time="ts", window="1w", labels=labels, key="id", target="y", label_time="known",
                           as_of="2026-01-04", workspace=str(Path(log).parent/"none.duckdb"))
    start = time.perf_counter()
    body = run_monitor(config)
    seconds = time.perf_counter() - start
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the generator's peak
    peak = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM")) / 1024
    print(f"{f'monitor: 52 windows x {per_window:,} rows, 4 features, late labels':<64} {seconds:8.2f} s   peak RSS {peak:7.0f} MiB")
    print(f"{'':<9} latest estimated ROC AUC {body['windows'][-1]['estimated']['roc_auc']['value']:.4f}, "
          f"labelled share {body['windows'][-1]['share_labelled']:.0%}; first window realized {body['windows'][0]['realized']['roc_auc']:.4f}")


def main(per_window: int = 1_000_000):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-monitor-"))
    log, labels = timed(f"write 52 windows x {per_window:,} rows (log + labels, Parquet)", lambda: write_log(tmp, per_window))
    print(f"{'':<9} log {log.stat().st_size / 2**20:,.0f} MiB, labels {labels.stat().st_size / 2**20:,.0f} MiB", flush=True)
    subprocess.run([sys.executable, __file__, "--run", str(log), str(labels), str(per_window)], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]: run(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else: main(*(int(a) for a in sys.argv[1:]))
