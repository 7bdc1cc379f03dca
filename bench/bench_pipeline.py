"""Benchmark of the walking skeleton: snapshot hashing at 1M and 10M rows, training and the evaluation report; then
`mlbench demo` end to end (target: under 30 s on 2 cores) and the start-up time of commands that compute nothing.

Run by hand or with `make bench`; prints one line per figure. Not part of `make test`.
"""
import os, resource, subprocess, sys, tempfile, time
from pathlib import Path

from mlbench.demo_data import make_churn
from mlbench.workspace import Workspace
from mlbench.pipeline import train
from mlbench.evaluation import EvaluationConfig
from mlbench.reports import publish


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, fn):
    start = time.perf_counter()
    out = fn()
    print(f"{label:<64} {time.perf_counter() - start:8.2f} s   peak RSS {peak_rss_mib():7.0f} MiB", flush=True)
    return out


def target_line(label: str, value: float, unit: str, target: str, met) -> bool:
    "One line 'TARGET label: value (target ...) met|MISSED', so `make bench | grep TARGET` is the summary"
    ok = bool(met(value))
    print(f"TARGET {label:<56} {value:10.2f} {unit:<4} target {target:<12} {'met' if ok else 'MISSED'}", flush=True)
    return ok


def main(rows_big: int = 10_000_000):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-"))
    ws_path = tmp/"ws.duckdb"
    with Workspace(ws_path) as ws:
        df = timed("make_churn(60,000)", lambda: make_churn(60_000))
        timed("ingest 60,000 rows (DataFrame) + snapshot", lambda: ws.ingest(df, "customers"))
        big = make_churn(1_000_000, seed=1)
        timed("ingest 1,000,000 rows (DataFrame) + snapshot", lambda frame=big: ws.ingest(frame, "customers_1m"))
        del big
        ws.con.execute(f"""CREATE OR REPLACE TABLE events AS SELECT range AS id, range % 1000 AS unit,
            TIMESTAMP '2025-01-01' + to_seconds(range % 31536000) AS ts, random() AS value,
            CASE WHEN range % 3 = 0 THEN 'a' WHEN range % 3 = 1 THEN 'b' ELSE 'c' END AS kind FROM range({rows_big})""")
        timed(f"snapshot of {rows_big:,} rows (DuckDB only)", lambda: ws.snapshot("events"))
    timed("train churn_xgb + baseline on 60,000 rows", lambda: train(ws_path, "customers", "churned", name="churn",
                                                                     exclude=["gender"], progress=False))
    timed("evaluation report (papermill + nbconvert)", lambda: publish("evaluation", EvaluationConfig(model="churn", workspace=str(ws_path)),
                                                                         out=tmp/"reports"/"eval", progress=False))
    print(f"workspace {ws_path} ({ws_path.stat().st_size / 2**20:.0f} MiB)")
    mlbench = str(Path(sys.executable).with_name("mlbench"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")}
    for args in (["--help"], ["evaluate", "--help"], ["models", "--workspace", str(ws_path)], ["runs", "--workspace", str(ws_path)]):
        start = time.perf_counter()
        subprocess.run([mlbench, *args], capture_output=True, env=env, check=True)
        print(f"{'start-up: mlbench ' + ' '.join(a for a in args if not a.startswith('/')):<64} {time.perf_counter() - start:8.2f} s")
    start = time.perf_counter()
    subprocess.run([mlbench, "demo", "--workspace", str(tmp/"demo.duckdb"), "--out", str(tmp/"demo-reports")],
                   capture_output=True, env=env, check=True)
    target_line("mlbench demo end to end (fresh workspace)", time.perf_counter() - start, "s", "< 30 s", lambda v: v < 30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
