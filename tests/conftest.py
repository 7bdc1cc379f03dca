"""Shared fixtures: the `mlbench` command of this environment, and one demo run reused by several tests."""
import os, re, subprocess, sys
from pathlib import Path

import pytest

MLBENCH = Path(sys.executable).parent/"mlbench"


def run_mlbench(*args, cwd=None, env=None, timeout=600):
    "Run the installed `mlbench` command; return the CompletedProcess with text output"
    base = {k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")}
    full_env = {**base, **(env or {})}
    return subprocess.run([str(MLBENCH), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=timeout)


STEP = re.compile(r"^mlbench: (?!error:|internal error|interrupted)[^:]+: ")


def problem_lines(stderr: str) -> list[str]:
    """What a command said on stderr other than its progress: the step lines (`mlbench: KIND: doing this`, one per step
    outside a terminal) left out. An error must be exactly one such line."""
    return [ln for ln in stderr.strip().splitlines() if ln.strip() and not STEP.match(ln)]


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    "One `mlbench demo` in a scratch folder: its folder, workspace, reports root and output"
    root = tmp_path_factory.mktemp("demo")
    proc = run_mlbench("demo", "--quiet", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return {"root": root, "workspace": root/"data"/"mlbench.duckdb", "reports": root/"reports",
            "report": root/"reports"/"evaluation-churn_xgb-v1", "stdout": proc.stdout, "stderr": proc.stderr}


# tests/quarto/ runs a real Quarto, which these machines cannot install: it is opt-in (`make test-quarto`, which
# sets MLBENCH_QUARTO_TESTS=1 and fails when `quarto` is missing), never collected by `make test`.
collect_ignore = [] if os.environ.get("MLBENCH_QUARTO_TESTS") else ["quarto"]
