"""Crash safety: `ingest`, `train` and `evaluate` killed (SIGKILL) at random moments, seeded; then the workspace opens,
`models` and `runs` work, every registry row has its artifact with its sha256 and every artifact its row, the earlier
report is untouched, the report being replaced is whole, and after the next commands no run is left `running` and no
staging folder is left behind."""
import hashlib, json, os, random, signal, subprocess, sys
from pathlib import Path

import numpy as np
import pandas as pd

from conftest import run_mlbench, problem_lines

MLBENCH = Path(sys.executable).parent/"mlbench"


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(p.name.encode())
        if p.is_file(): h.update(p.read_bytes())
    return h.hexdigest()


def killed_after(args, env, seconds: float) -> bool:
    "Start `mlbench ARGS`; SIGKILL it after `seconds` unless it finished first; whether it was killed"
    proc = subprocess.Popen([str(MLBENCH), *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def whole_report(folder: Path) -> bool:
    "The folder holds one complete evaluation report"
    names = {p.name for p in folder.iterdir()} - {"evaluation.failed.ipynb"}
    return names == {"evaluation.ipynb", "evaluation.json", "evaluation.html"} and json.loads((folder/"evaluation.json").read_text())["kind"] == "evaluation"


def test_random_kills_leave_everything_consistent(tmp_path):
    rng = random.Random(20261127)
    ws, reports = tmp_path/"ws.duckdb", tmp_path/"reports"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")} | {"MLBENCH_WORKSPACE": str(ws), "MLBENCH_REPORTS": str(reports)}
    from mlbench.demo_data import make_churn
    make_churn(5_000, seed=1).to_csv(tmp_path/"customers.csv", index=False)
    train = ["train", "--table", "customers", "--target", "churned", "--exclude", "gender", "--name", "m", "--quiet", "--no-baseline"]
    assert run_mlbench("ingest", tmp_path/"customers.csv", "--table", "customers", env=env).returncode == 0
    assert run_mlbench(*train, env=env).returncode == 0
    r = np.random.default_rng(0)
    y = r.integers(0, 2, 3_000)
    pd.DataFrame({"y": y, "p": np.clip(0.3 + 0.4 * y + r.normal(0, 0.2, 3_000), 0, 1)}).to_parquet(tmp_path/"pred.parquet")
    evaluate = ["evaluate", "--predictions", tmp_path/"pred.parquet", "--target", "y", "--score", "p", "--bootstrap", "50", "--quiet",
                "--renderer", "nbconvert"]
    assert run_mlbench(*evaluate, "--out", reports/"kept", env=env).returncode == 0
    assert run_mlbench(*evaluate, "--out", reports/"replaced", env=env).returncode == 0
    kept = digest(reports/"kept")

    # kill times spread over each command's run on a 2-core machine (ingest ~1 s, train ~3 s, evaluate ~5 s)
    kills = [killed_after(["ingest", tmp_path/"customers.csv", "--table", f"copy{i % 3}"], env, rng.uniform(0.1, 1.0)) for i in range(10)]
    kills += [killed_after(train, env, rng.uniform(0.3, 3.2)) for _ in range(10)]
    kills += [killed_after([*evaluate, "--out", reports/"replaced"], env, rng.uniform(0.5, 5.0)) for _ in range(6)]
    assert sum(kills) >= 15, kills

    replaced = reports/"replaced"
    assert whole_report(replaced) if replaced.exists() else any((p/"report").is_dir() for p in reports.glob(".replaced.old-*"))
    assert digest(reports/"kept") == kept, "a killed command changed an earlier report"
    assert run_mlbench("models", "--json", env=env).returncode == 0 and run_mlbench("runs", env=env).returncode == 0

    assert run_mlbench(*evaluate, "--out", replaced, env=env).returncode == 0        # the next commands reclaim what the kills left
    assert run_mlbench(*train, env=env).returncode == 0
    assert whole_report(replaced) and not list(reports.glob(".*")), sorted(p.name for p in reports.iterdir())
    runs = json.loads(run_mlbench("runs", "--json", "--limit", "1000", env=env).stdout)
    assert not [r for r in runs if r["status"] == "running"]
    assert sum(r["status"] == "interrupted" for r in runs) >= 1

    from mlbench.workspace import Workspace
    with Workspace(ws, read_only=True) as w:
        rows = w.query("SELECT name, version, artifact_path, artifact_sha256 FROM mlbench_meta.models")
    for row in rows.itertuples():
        path = ws.parent/row.artifact_path
        assert path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == row.artifact_sha256, row
    artifacts = {p.relative_to(ws.parent).as_posix() for p in (ws.parent/"models").rglob("*") if p.is_file()}
    assert artifacts == set(rows.artifact_path), artifacts ^ set(rows.artifact_path)
    assert len(rows) == len(set(zip(rows.name, rows.version)))


def test_a_full_disk_is_one_line_and_keeps_the_previous_state(tmp_path):
    "A file-size limit (RLIMIT_FSIZE; Python ignores SIGXFSZ, so writes fail with EFBIG) stands in for a full disk"
    import resource
    from mlbench.demo_data import make_churn
    from mlbench.workspace import Workspace
    ws, reports = tmp_path/"ws.duckdb", tmp_path/"reports"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")} | {"MLBENCH_WORKSPACE": str(ws)}
    make_churn(5_000, seed=1).to_csv(tmp_path/"small.csv", index=False)
    make_churn(150_000, seed=2).to_csv(tmp_path/"big.csv", index=False)
    assert run_mlbench("ingest", tmp_path/"small.csv", "--table", "customers", env=env).returncode == 0
    r = np.random.default_rng(0)
    y = r.integers(0, 2, 3_000)
    pd.DataFrame({"y": y, "p": np.clip(0.3 + 0.4 * y + r.normal(0, 0.2, 3_000), 0, 1)}).to_parquet(tmp_path/"pred.parquet")
    evaluate = ["evaluate", "--predictions", tmp_path/"pred.parquet", "--target", "y", "--score", "p", "--bootstrap", "50", "--quiet",
                "--renderer", "nbconvert", "--out", reports/"ev"]
    assert run_mlbench(*evaluate, env=env).returncode == 0
    before = digest(reports/"ev")
    limit = ws.stat().st_size + 300_000

    def capped(*args, limit=limit):
        cap = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        return subprocess.run([str(MLBENCH), *map(str, args)], capture_output=True, text=True, env=env, preexec_fn=cap)

    for proc, fragment in ((capped("ingest", tmp_path/"big.csv", "--table", "big"), "the disk is full or a file size limit"),
                           (capped(*evaluate, limit=1_000_000), "cannot write")):   # the page is ~2.5 MB
        lines = problem_lines(proc.stderr)
        assert proc.returncode == 2 and len(lines) == 1 and fragment in lines[0] and "Traceback" not in proc.stderr, proc.stderr
    with Workspace(ws, read_only=True) as w:
        assert w.scalar("SELECT count(*) FROM customers") == 5_000 and "big" not in w.tables()
    assert digest(reports/"ev") == before and not list(reports.glob(".*"))
    assert run_mlbench("runs", env=env).returncode == 0
