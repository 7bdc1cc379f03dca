"""Benchmark of the A/B readout: a 10M-event Parquet file (1M users), timed in process, as a published report, and as `mlbench ab`.

Run by hand or with `make bench`; prints wall time and peak memory. Targets (issue 13): the read-out of 10M events in
under 1 s and 500 MiB in process, `mlbench ab` end to end under 5 s. The readout protocol computes once, in process:
`mlbench ab` end to end costs start-up, the in-process readout and one report (the thin template run in process and
rendered), and no second readout. The in-process figure is measured in a process of its own, so its peak memory is
the read-out's (imports included: about 280 MiB of it).
"""
import resource, subprocess, sys, tempfile, time
from pathlib import Path

import duckdb

from bench_pipeline import timed, target_line
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
    start = time.perf_counter()
    result = timed(f"read out {events:,} events in process (check + compute)", lambda: (AB.check(config), AB.compute(config))[1])
    seconds, peak = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    target_line(f"A/B read-out of {events:,} events, in process", seconds, "s", "< 1 s", lambda v: v < 1)
    target_line(f"A/B read-out of {events:,} events, peak memory of the process", peak, "MiB", "< 500 MiB", lambda v: v < 500)
    timed("publish that result (first report in this process: imports + template + render)",
          lambda: run_report(result, tmp/"published", renderer="nbconvert", progress=False))
    timed("publish it again (template run in process + render)",
          lambda: run_report(result, tmp/"published", renderer="nbconvert", progress=False))
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", str(Path(sys.executable).parent/"mlbench"), "ab", "--data", str(path),
                           "--unit", "user_id", "--variant", "variant", "--control", "control", "--metrics",
                           str(demo_file("demo_metrics.yml")), "--time", "ts", "--quiet", "--out", str(tmp/"report")],
                          capture_output=True, text=True)
    rss = proc.stderr.strip().splitlines()[-1] if proc.returncode == 0 else "?"
    seconds = time.perf_counter() - start
    print(f"{'mlbench ab end to end (check + report + HTML)':<64} {seconds:8.2f} s   "
          f"peak RSS of the command {int(rss) / 1024 if rss.isdigit() else rss:.0f} MiB")
    target_line(f"mlbench ab end to end, {events:,} events", seconds, "s", "< 5 s", lambda v: v < 5)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
