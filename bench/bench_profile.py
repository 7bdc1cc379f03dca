"""Benchmark of stored reference profiles (issue 15): drift against a profile costs what the current data costs.

The same current data (200,000 rows) is compared with a reference of 1M and of 10M rows (8 numeric columns and 2
categories, written by DuckDB itself), once from the stored profile and once from the full reference. Each
comparison runs in a fresh process so its peak memory (VmHWM) is its own. The profile is made once per reference
and its time printed too.
Usage: python bench/bench_profile.py [REFERENCE_ROWS ...] (default 1000000 10000000).
"""
import subprocess, sys, tempfile, time
from pathlib import Path

import duckdb

CURRENT_ROWS = 200_000


def write(path: Path, rows: int, shift: float, seed: float):
    "A Parquet file of `rows` rows: 8 numeric columns (two rounded, one with nulls) and 2 categories"
    with duckdb.connect() as con:
        con.execute(f"SELECT setseed({seed})")
        numeric = ", ".join(f"random() * {i + 1} + {shift * (i % 3 == 0)} AS x{i}" for i in range(6))
        con.execute(f"""COPY (SELECT {numeric}, round(random() * 100) AS whole, CASE WHEN random() < 0.05 THEN NULL ELSE random() END AS gappy,
                               ['basic', 'pro', 'team', 'enterprise'][1 + floor(random() * (4 - {shift}))::INT] AS plan,
                               'r' || floor(random() * 50)::INT AS region FROM range({rows}))
                        TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 500000)""")


def peak_mib() -> float:
    "This process's peak resident memory (VmHWM; Linux keeps ru_maxrss across exec)"
    return next(int(ln.split()[1]) for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith("VmHWM")) / 1024


def run(what: str, reference: str, current: str, workspace: str, rows: int):
    "One step in this process: make the profile, or compare against the profile or the full reference"
    start = time.perf_counter()
    if what == "profile":
        from mlbench.profile import make_profile
        got = make_profile(reference, name=f"ref{rows}", workspace=workspace, force=True)
        label = f"profile: {rows:>10,} reference rows, 10 columns"
        extra = f"stored {len(got.profile['columns'])} columns"
    else:
        from mlbench.drift import run_drift, DriftConfig
        source = f"profile:ref{rows}" if what == "drift-profile" else reference
        body = run_drift(source, current, config=DriftConfig(), workspace=workspace, memory_limit="1GB")
        label = f"drift vs {'profile' if what == 'drift-profile' else 'full data'}: {rows:>10,} reference, {CURRENT_ROWS:,} current rows"
        extra = f"max PSI {max(r['psi'] for r in body['columns'] if r['psi'] is not None):.3f}"
    print(f"{label:<70} {time.perf_counter() - start:7.2f} s   peak RSS {peak_mib():6.0f} MiB   {extra}", flush=True)


def main(*sizes: int):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-profile-"))
    current, workspace = tmp/"current.parquet", tmp/"ws.duckdb"
    write(current, CURRENT_ROWS, 0.3, 0.2)
    for rows in sizes or (1_000_000, 10_000_000):
        reference = tmp/f"reference_{rows}.parquet"
        write(reference, rows, 0.0, 0.1)
        for what in ("profile", "drift-profile", "drift-full"):
            subprocess.run([sys.executable, __file__, "--run", what, str(reference), str(current), str(workspace), str(rows)], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]: run(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else: main(*(int(a) for a in sys.argv[1:]))
