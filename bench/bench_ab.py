"""Benchmark of the A/B readout: a 10M-event Parquet file (1M users), timed in process, as a published report, and as `mlbench ab`.

Run by hand or with `make bench`; prints wall time and peak memory (target: well under a minute, under 2 GiB). The
readout protocol computes once, in process: `mlbench ab` end to end should cost the in-process readout plus one
report (kernel start + render of a template that only reads the result), and no second readout.
"""
import subprocess, sys, tempfile, time
from pathlib import Path

import duckdb

from bench_pipeline import timed
from mlbench.ab_readout import ABReadoutConfig, AB
from mlbench.pipeline import demo_file
from mlbench.reports import run_report


def build_events(path: Path, events: int = 10_000_000, users: int = 1_000_000):
    "Events of `users` users in two arms, built by DuckDB straight into Parquet"
    duckdb.sql(f"""COPY (SELECT range % {users} AS user_id,
                   CASE WHEN hash(range % {users}) % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
                   TIMESTAMP '2026-10-01' + to_seconds((hash(range % {users}) % 1209600)::BIGINT) AS ts,
                   (random() < 0.02)::INT AS converted, round(random() * 20, 2) AS revenue, 1 AS sessions,
                   round(250 + random() * 100, 1) AS latency_ms, ((hash(range % {users}) % 1000) / 10.0) AS pre_revenue
                   FROM range({events})) TO '{path}' (FORMAT parquet)""")


def main(events: int = 10_000_000):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-ab-"))
    path = tmp/"events.parquet"
    timed(f"build {events:,} events (Parquet, DuckDB)", lambda: build_events(path, events, events // 10))
    config = ABReadoutConfig(str(path), "user_id", "variant", "control", str(demo_file("demo_metrics.yml")), time="ts",
                             workspace=str(tmp/"no-workspace.duckdb"))
    result = timed(f"read out {events:,} events in process (check + compute)", lambda: (AB.check(config), AB.compute(config))[1])
    timed("publish that result (kernel start + thin template + render)",
          lambda: run_report(result, tmp/"published", renderer="nbconvert", progress=False))
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", str(Path(sys.executable).parent/"mlbench"), "ab", "--data", str(path),
                           "--unit", "user_id", "--variant", "variant", "--control", "control", "--metrics",
                           str(demo_file("demo_metrics.yml")), "--time", "ts", "--quiet", "--out", str(tmp/"report")],
                          capture_output=True, text=True)
    rss = proc.stderr.strip().splitlines()[-1] if proc.returncode == 0 else "?"
    print(f"{'mlbench ab end to end (check + report + HTML)':<64} {time.perf_counter() - start:8.2f} s   "
          f"peak RSS of the command {int(rss) / 1024 if rss.isdigit() else rss:.0f} MiB (kernel process not included)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
