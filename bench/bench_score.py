"""Batch scoring (issue 14): `mlbench score` over 1M and 10M rows, time and peak memory of the process.

The input is the demo's customers table repeated (DuckDB writes it as Parquet); the model is the demo's champion.
Memory should stay flat from 1M to 10M rows: rows stream through in chunks (`--chunk-rows`, default 100,000).
Run by hand or with `make bench`; prints one line per size and a TARGET line.
"""
import os, subprocess, sys, tempfile, time
from pathlib import Path

import duckdb

MLBENCH = Path(sys.executable).parent/"mlbench"
PEAK = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stderr.write(p.stderr); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)")


def main(sizes=(1_000_000, 10_000_000)):
    work = Path(tempfile.mkdtemp(prefix="mlbench-bench-score-"))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")}, "MLBENCH_WORKSPACE": str(work/"ws.duckdb")}
    demo = subprocess.run([str(MLBENCH), "demo", "--quiet", "--rows", "50000", "--bootstrap", "50", "--out", str(work/"reports")],
                          env=env, cwd=work, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr[-2000:]
    peaks = {}
    for n in sizes:
        data = work/f"customers_{n}.parquet"
        with duckdb.connect(str(work/"ws.duckdb"), read_only=True) as con:
            rows = con.execute("SELECT count(*) FROM customers").fetchall()[0][0]
            copies = -(-n // rows)
            con.execute(f"COPY (SELECT c.* FROM customers c, range({copies}) LIMIT {n}) TO '{data}' (FORMAT parquet)")
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", PEAK, str(MLBENCH), "score", "--model", "churn_xgb:1", "--data", str(data),
                               "--out", str(work/f"scored_{n}.parquet"), "--quiet"], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        assert proc.returncode == 0, proc.stderr[-2000:]
        peaks[n] = int(proc.stdout.split()[-1]) / 1024
        print(f"score {n:>12,} rows   {seconds:8.1f} s   {n / seconds:12,.0f} rows/s   peak RSS {peaks[n]:7.0f} MiB", flush=True)
    small, big = peaks[sizes[0]], peaks[sizes[-1]]
    ratio = big / small
    print(f"TARGET {'score: peak memory at 10M rows / at 1M rows':<56} {ratio:10.2f} x    target {'<= 1.3':<12} "
          f"{'met' if ratio <= 1.3 else 'MISSED'}", flush=True)


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (1_000_000, 10_000_000))
