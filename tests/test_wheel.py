"""mlbench from a wheel, outside the checkout: templates ship as package data and the demo runs."""
import json, os, subprocess, sys, zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True, text=True)
    (whl,) = dist.glob("mlbench-*.whl")
    return whl


def test_wheel_holds_package_and_templates_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "mlbench/templates/evaluation.ipynb" in names and "mlbench/cli.py" in names
    assert not [n for n in names if n.startswith(("nbs/", "tests/", "reports/", "data/"))]
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mlbench = mlbench.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_demo_runs_from_the_installed_wheel(wheel, tmp_path):
    site = tmp_path/"site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, text=True)
    work = tmp_path/"elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")} | {"PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import mlbench; print(mlbench.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(site), f"imported {where}, not the wheel"
    proc = subprocess.run([sys.executable, "-c", "import sys; from mlbench.cli import main; sys.exit(main())",
                           "demo", "--quiet", "--out", str(work/"out")], cwd=work, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((work/"out"/"evaluation-churn_xgb-v1"/"evaluation.json").read_text())
    assert data["kind"] == "evaluation" and data["provenance"]["code_version"].startswith("mlbench==")
    assert (work/"out"/"index.html").exists() and (work/"data"/"mlbench.duckdb").exists()
