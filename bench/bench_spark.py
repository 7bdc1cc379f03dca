"""Benchmark of the Spark engine (issue 16): `ab` on 10M events, `drift` on 1M x 25 columns and `evaluate` of 10M scored
rows (200 resamples), Spark local[2] beside DuckDB.

Data are written by DuckDB itself. Each run is a fresh process, so its peak memory is its own: the Python process's
VmHWM and, for Spark, the JVM's too (the driver, which in local mode also runs the executors). From the measured
Spark scan rate it prints an estimate for `ab` on 1B events on a 10-node cluster.
Usage: python bench/bench_spark.py [EVENTS] [DRIFT_ROWS] [SCORED_ROWS] (default 10000000 1000000 10000000).
"""
import subprocess, sys, tempfile, time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]


def write_events(path: Path, events: int):
    "Experiment events: 10 per user on average, two arms, a conversion flag, revenue, sessions, latency, a pre-period covariate"
    users = max(events // 10, 1)
    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.3)")
        con.execute(f"""COPY (SELECT u AS user_id, CASE WHEN hash(u) % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
                               TIMESTAMP '2026-01-01' + to_seconds((i * 14 * 86400) // {events}) AS ts,
                               (random() < 0.05 + 0.005 * (hash(u) % 2))::INT AS converted, random() * 20 AS revenue, 1 AS sessions,
                               100 + random() * 50 AS latency_ms, (hash(u) % 1000) / 10.0 AS pre_revenue
                        FROM (SELECT i, (i * 7919) % {users} AS u FROM range({events}) t(i)))
                        TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")


def write_columns(path: Path, rows: int, shift: float, seed: float):
    "25 columns: 20 numeric and 5 categorical"
    with duckdb.connect() as con:
        con.execute(f"SELECT setseed({seed})")
        numeric = ", ".join(f"random() * {i + 1} + {shift if i % 4 == 0 else 0} AS x{i}" for i in range(20))
        cats = ", ".join(f"'c' || floor(random() * {3 + i})::INT AS g{i}" for i in range(5))
        con.execute(f"COPY (SELECT {numeric}, {cats} FROM range({rows})) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 500000)")


def write_scores(path: Path, rows: int):
    "Scored predictions of a binary classifier: a 0/1 target (20% positive), a probability, a plan to segment by"
    with duckdb.connect() as con:
        con.execute("SELECT setseed(0.5)")
        con.execute(f"""COPY (SELECT y, 1 / (1 + exp(-(1.4 * y - 1.6 + (random() + random() + random() - 1.5) * 2))) AS score,
                               ['basic', 'pro', 'team'][1 + (i % 3)::INT] AS plan
                        FROM (SELECT i, (random() < 0.2)::INT AS y FROM range({rows}) t(i)))
                        TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")


def peak_mib(pid="self") -> float:
    "Peak resident memory (VmHWM) of a process, MiB"
    return next(int(ln.split()[1]) for ln in Path(f"/proc/{pid}/status").read_text().splitlines() if ln.startswith("VmHWM")) / 1024


def run(what: str, engine: str, a: str, b: str):
    "One measured run in this process"
    import mlbench
    start = time.perf_counter()
    if engine == "spark":                      # the session's start-up is timed apart: a cluster keeps one running
        from mlbench.engine import spark_session
        spark_session()
        started = time.perf_counter() - start
        start = time.perf_counter()
    if what == "ab":
        res = mlbench.ab(data=a, unit="user_id", variant="variant", control="control", metrics=str(ROOT/"mlbench"/"demo_files"/"demo_metrics.yml"),
                         time="ts", engine=engine, workspace="/nonexistent/ws.duckdb")
        extra = f"decision {res.body['decision']}"
    elif what == "drift":
        res = mlbench.drift(reference=a, current=b, engine=engine, workspace="/nonexistent/ws.duckdb")
        extra = f"{sum(r['drifted'] for r in res.body['columns'])} of {len(res.body['columns'])} columns drifted"
    else:
        res = mlbench.evaluate(predictions=a, target="y", score="score", segments=["plan"], n_resamples=200, engine=engine, explain=False)
        auc = res.body["metrics"]["roc_auc"]
        bound = next((x["bound"] for x in res.body["approximations"] if x["metric"] == "roc_auc"), 0.0)
        extra = f"AUC {auc['value']:.6f} [{auc['ci_low']:.6f}, {auc['ci_high']:.6f}], bound {bound:.1e}"
    seconds = time.perf_counter() - start
    jvm = ""
    if engine == "spark":
        from pyspark import SparkContext
        jvm = f"   JVM peak {peak_mib(SparkContext._gateway.proc.pid):6.0f} MiB   (session start {started:.1f} s)"
    print(f"{what + ' on ' + engine:<18} {seconds:8.2f} s   Python peak {peak_mib():6.0f} MiB{jvm}   {extra}", flush=True)
    if what == "ab" and engine == "spark": print(f"SCAN_SECONDS {seconds}", flush=True)


def main(events: int = 10_000_000, rows: int = 1_000_000, scored: int = 10_000_000):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-spark-"))
    ev, ref, cur, sc = tmp/"events.parquet", tmp/"ref.parquet", tmp/"cur.parquet", tmp/"scored.parquet"
    write_events(ev, events); write_columns(ref, rows, 0.0, 0.1); write_columns(cur, rows, 0.2, 0.2); write_scores(sc, scored)
    print(f"ab: {events:,} events ({ev.stat().st_size / 2**20:,.0f} MiB Parquet); drift: {rows:,} x 25 columns each side; "
          f"evaluate: {scored:,} scored rows", flush=True)
    spark_seconds = None
    for what, a, b in (("ab", ev, ""), ("drift", ref, cur), ("evaluate", sc, "")):
        for engine in ("duckdb", "spark"):
            out = subprocess.run([sys.executable, __file__, "--run", what, engine, str(a), str(b)], check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                if line.startswith("SCAN_SECONDS"): spark_seconds = float(line.split()[1])
                else: print(line, flush=True)
    if spark_seconds:
        per_core = events / spark_seconds / 2                      # local[2]: two cores
        cluster_cores = 10 * 16
        estimate = 1e9 / (per_core * cluster_cores)
        print(f"estimate: ab on 1B events on 10 nodes x 16 cores at the measured {per_core:,.0f} events/s per core: "
              f"{estimate:,.0f} s of scanning and aggregation (plus the session and reading from object storage; "
              "a wide shuffle of 100M units may add as much again)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]: run(*sys.argv[2:6])
    else: main(*(int(a) for a in sys.argv[1:]))
