"""Benchmark of the drift readout: reference and current Parquet files of 1M and 10M rows x 25 columns.

Each measurement runs in a process of its own, so its peak memory (RSS, from `os.wait4`) is its own:
- `mlbench drift` end to end (both statistics and the rendered readout), at every size;
- the statistics alone in process (`mlbench.drift.run_drift`), at every size;
- with `--evidently PYTHON` (a Python that has evidently 0.7; `make bench-evidently` builds .venv-evidently), Evidently's
  data drift preset on the same 1M-row files: its default methods, PSI for every column, and KS for numeric ones.

Measured on a 2-core machine, default --memory-limit 256MB (before: 2026-11-26, DuckDB window functions; after:
2026-11-27, NumPy sorts of DuckDB's scans, columns on both cores):
    1M rows x 25:  run_drift  9.9 s, peak 430 MiB;  mlbench drift 17.2 s, 471 MiB   (before)
    10M rows x 25: run_drift 156.5 s, peak 556 MiB; mlbench drift 156.4 s, 597 MiB  (before)
    Evidently 0.7.23 at 1M rows x 25: default preset 119.6 s, 2634 MiB; PSI 52.8 s, 2475 MiB; KS 61.8 s, 2269 MiB
    (the figures after: `make bench-evidently` and the closing note of issue 13)

Run by hand or with `make bench` / `make bench-evidently`. Usage:
    python bench/bench_drift.py [--sizes 1000000,10000000] [--evidently .venv-evidently/bin/python] [--memory-limit 256MB]
"""
import argparse, json, os, shlex, subprocess, sys, tempfile, time
from pathlib import Path

import duckdb

from bench_pipeline import target_line

HERE = Path(__file__).resolve().parent


def build(path: Path, rows: int, shift: float):
    "20 numeric columns (the first 3 shifted in the current file) and 5 categorical ones (the first grown)"
    nums = ", ".join(f"random() * 10 + {3 * shift if i < 3 else 0} AS n{i}" for i in range(20))
    cats = ", ".join(f"CASE WHEN random() < {0.3 + (shift / 10 if i == 0 else 0)} THEN 'a' WHEN random() < 0.5 THEN 'b' ELSE 'c' END AS c{i}"
                     for i in range(5))
    duckdb.sql(f"COPY (SELECT {nums}, {cats} FROM (SELECT range AS i FROM range({rows}))) TO '{path}' (FORMAT parquet)")


def measure(argv: list) -> tuple[float, float, str]:
    "Run `argv`; its wall time in seconds, its own peak RSS in MiB, and its stdout"
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {shlex.join(argv)}\n{proc.stderr.read()}")
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


IN_PROCESS = """import json, sys; from mlbench.drift import run_drift
r = run_drift(sys.argv[1], sys.argv[2], memory_limit=sys.argv[3])
print(json.dumps(sorted(c["name"] for c in r["columns"] if c["drifted"])))"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,10000000", help="row counts, comma-separated")
    ap.add_argument("--evidently", default=None, metavar="PYTHON", help="a Python with evidently 0.7 installed")
    ap.add_argument("--memory-limit", default="256MB", help="mlbench drift --memory-limit")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-drift-"))
    mlbench = str(Path(sys.executable).with_name("mlbench"))
    rows = []
    for n in sizes:
        ref, cur = tmp/f"ref_{n}.parquet", tmp/f"cur_{n}.parquet"
        build(ref, n, 0.0); build(cur, n, 1.0)
        s, mib, out = measure([sys.executable, "-c", IN_PROCESS, str(ref), str(cur), args.memory_limit])
        rows.append(("mlbench run_drift (statistics, in process)", n, s, mib, ", ".join(json.loads(out.strip().splitlines()[-1]))))
        s, mib, _ = measure([mlbench, "drift", "--reference", str(ref), "--current", str(cur), "--out", str(tmp/f"report_{n}"),
                             "--renderer", "nbconvert", "--quiet", "--memory-limit", args.memory_limit])
        d = json.loads((tmp/f"report_{n}"/"drift.json").read_text())
        rows.append(("mlbench drift (CLI: statistics + readout)", n, s, mib, ", ".join(sorted(c["name"] for c in d["columns"] if c["drifted"]))))
        if args.evidently and n == min(sizes):
            for method in ("default", "psi", "ks"):
                s, mib, out = measure([args.evidently, str(HERE/"evidently_drift.py"), str(ref), str(cur), method])
                got = json.loads(out.strip().splitlines()[-1])
                rows.append((f"Evidently DataDriftPreset ({method})", n, s, mib, ", ".join(got["drifted"])))
        for r in rows[-(2 if not (args.evidently and n == min(sizes)) else 5):]:
            print(f"{r[0]:<46} {r[1]:>12,} rows x 25   {r[2]:7.1f} s   peak RSS {r[3]:6.0f} MiB   drifted: {r[4]}", flush=True)
    print(f"(files and readouts in {tmp}; shifted: n0, n1, n2 by 3, about 1 sd, and c0 by +10 points of 'a', PSI about 0.04)")
    stats_at = {r[1]: r for r in rows if r[0].startswith("mlbench run_drift")}
    cli_at = {r[1]: r for r in rows if r[0].startswith("mlbench drift")}
    evidently = next((r for r in rows if r[0] == "Evidently DataDriftPreset (default)"), None)
    if evidently:
        ours = stats_at[evidently[1]]
        target_line(f"drift {evidently[1]:,} x 25: Evidently default preset time / mlbench's", evidently[2] / ours[2], "x", ">= 30x",
                    lambda v: v >= 30)
        target_line(f"drift {evidently[1]:,} x 25: mlbench peak memory / Evidently's", ours[3] / evidently[3], "", "<= 0.25",
                    lambda v: v <= 0.25)
    if 10_000_000 in cli_at:
        target_line("mlbench drift of 10M rows x 25, end to end", cli_at[10_000_000][2], "s", "< 60 s", lambda v: v < 60)
    if 1_000_000 in stats_at and 10_000_000 in stats_at:
        target_line("drift peak memory 10M / 1M rows (flat)", stats_at[10_000_000][3] / stats_at[1_000_000][3], "", "<= 1.3",
                    lambda v: v <= 1.3)


if __name__ == "__main__":
    main()
