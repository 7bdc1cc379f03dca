"""Page weight and command start-up (issue 12): the size of every demo page, and how long each command that
computes nothing (`--help`, `models`, `runs`) takes to answer.

Run by hand or with `make bench`; prints one line per figure and TARGET lines (pages at most half of the 5-6 MB
they were when each embedded plotly.js whole; every start-up under 1 s). `--source DIR` measures another checkout
of mlbench (e.g. a `git worktree` of an older commit) with this environment's packages, for before/after figures.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

COMMANDS = [["--help"], ["models"], ["runs"], ["gate", "--help"], ["demo", "--help"], ["ingest", "--help"], ["train", "--help"],
            ["evaluate", "--help"], ["card", "--help"], ["ab-plan", "--help"], ["ab", "--help"], ["validate", "--help"],
            ["drift", "--help"], ["render", "--help"]]


def target_line(label: str, value: float, unit: str, target: str, ok: bool):
    print(f"TARGET {label:<56} {value:10.2f} {unit:<4} target {target:<12} {'met' if ok else 'MISSED'}", flush=True)


def run_mlbench(args, env, cwd):
    code = "import sys; from mlbench.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=cwd, capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=None, help="checkout whose mlbench/ to measure (default: the installed one)")
    parser.add_argument("--repeat", type=int, default=5, help="start-ups per command; the median is printed (default: 5)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")}
    if args.source: env["PYTHONPATH"] = str(Path(args.source).resolve())
    work = Path(tempfile.mkdtemp(prefix="mlbench-bench-pages-"))
    env["MLBENCH_WORKSPACE"] = str(work/"data"/"mlbench.duckdb")
    start = time.perf_counter()
    demo = run_mlbench(["demo", "--quiet", "--out", str(work/"reports")], env, work)
    assert demo.returncode == 0, demo.stderr[-2000:]
    print(f"mlbench demo {time.perf_counter() - start:.1f} s ({args.source or 'installed mlbench'})")
    sizes = {p.parent.name: p.stat().st_size for p in sorted((work/"reports").glob("*/*.html"))}
    for name, size in sizes.items(): print(f"page {name:<44} {size / 1e6:6.2f} MB")
    print(f"page {'index.html':<44} {(work/'reports'/'index.html').stat().st_size / 1e6:6.2f} MB")
    target_line("largest demo page", max(sizes.values()) / 1e6, "MB", "<= 3.0", max(sizes.values()) <= 3.0e6)
    worst = 0.0
    gates = Path(__file__).resolve().parents[1]/"mlbench"/"demo_files"/"demo_gates.yml"
    gate_run = ["gate", str(next((work/"reports").glob("evaluation-*v2*/evaluation.json"))), "--gates", str(gates)]
    for cmd in COMMANDS + [gate_run]:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            proc = run_mlbench(cmd, env, work)
            times.append(time.perf_counter() - t)
            assert proc.returncode in (0, 1), (cmd, proc.stderr[-500:])     # gate: 1 when a rule fails
        median = statistics.median(times)
        worst = max(worst, median)
        shown = " ".join(cmd if cmd is not gate_run else ["gate", "evaluation.json", "--gates", "demo_gates.yml"])
        print(f"start-up mlbench {shown:<38} {median:6.2f} s (median of {args.repeat})")
    target_line("slowest command start-up (median)", worst, "s", "< 1.0", worst < 1.0)


if __name__ == "__main__":
    main()
