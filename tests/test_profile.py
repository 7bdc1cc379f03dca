"""`mlbench profile` and `drift --reference profile:NAME`: stored once, reused, and the same answers as the full data."""
import json

from conftest import run_mlbench, problem_lines


def one_line_error(proc, fragment):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = problem_lines(proc.stderr)
    assert len(lines) == 1 and "Traceback" not in proc.stderr and fragment in lines[0], proc.stderr


def test_profile_then_drift_against_it(tmp_path):
    from mlbench.demo_data import make_churn, simulate_current
    import numpy as np
    ref = make_churn(50_000, seed=5)
    cur = simulate_current(ref, seed=6).head(8_000)
    for d in (ref, cur): d["p"] = 1 / (1 + np.exp(-(d.monthly_charges - 70) / 20))
    ws = tmp_path/"ws.duckdb"
    ref.to_parquet(tmp_path/"ref.parquet")
    cur.to_parquet(tmp_path/"cur.parquet")
    assert run_mlbench("ingest", tmp_path/"ref.parquet", "--table", "customers", "--workspace", ws).returncode == 0
    made = run_mlbench("profile", "--data", "customers", "--score", "p", "--target", "churned", "--workspace", ws, "--quiet")
    assert made.returncode == 0, made.stderr
    assert "profile customers (prof_" in made.stdout and "50,000 rows" in made.stdout and "left out: customer_id" in made.stdout
    again = run_mlbench("profile", "--data", "customers", "--score", "p", "--target", "churned", "--workspace", ws, "--quiet")
    assert "reused the stored profile" in again.stdout
    listed = json.loads(run_mlbench("profile", "--list", "--json", "--workspace", ws).stdout)
    assert [p["name"] for p in listed] == ["customers"] and listed[0]["rows"] == 50_000

    out = {}
    for how, reference in (("full", "customers"), ("profile", "profile:customers")):
        proc = run_mlbench("drift", "--reference", reference, "--current", tmp_path/"cur.parquet", "--workspace", ws, "--quiet",
                           "--prediction", "p", "--target", "churned",
                           "--out", tmp_path/how)
        assert proc.returncode in (0, 1), proc.stderr
        out[how] = json.loads((tmp_path/how/"drift.json").read_text())
    full, prof = ({r["name"]: r for r in out[k]["columns"]} for k in ("full", "profile"))
    assert full.keys() == prof.keys() and len(full) > 5
    for name, a in full.items():
        b = prof[name]
        for key in ("psi", "bins", "chi2_p_value", "null_share_reference", "null_share_current", "psi_null_p_value", "calibrated_drift"):
            assert a[key] == b[key], (name, key, a[key], b[key])
        if a["type"] == "numeric":
            assert a["ks_bound"] == 0 and abs(a["ks_stat"] - b["ks_stat"]) <= b["ks_bound"] + 1e-12 <= 0.001
    assert out["profile"]["performance"] == out["full"]["performance"] and out["full"]["performance"]["reference"]["roc_auc"] != 0.5
    assert out["profile"]["provenance"]["inputs"]["reference"]["profile"] == "customers"
    assert out["profile"]["title"].endswith("against profile customers")

    one_line_error(run_mlbench("drift", "--reference", "profile:nope", "--current", tmp_path/"cur.parquet", "--workspace", ws,
                               "--out", tmp_path/"x"), "no profile 'nope'")
    one_line_error(run_mlbench("profile", "--data", "customers", "--score", "p", "--workspace", ws), "go together")
    one_line_error(run_mlbench("profile", "--workspace", ws), "give --data")
