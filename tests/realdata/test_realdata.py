"""The CLI end to end on real public data: each rule of the real-data issue, asserted on data it was not built for."""
import json

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import log_loss

from conftest import run_mlbench, problem_lines


def one_line_error(proc, *fragments):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = problem_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("mlbench: error:") and "Traceback" not in proc.stderr, proc.stderr
    for f in fragments: assert f in lines[0], (f, lines[0])


def test_breast_cancer_trains_fully_with_a_named_positive_class(realdata, tmp_path):
    ws = tmp_path/"ws.duckdb"
    assert run_mlbench("ingest", realdata["root"]/"breast_cancer.csv", "--table", "bc", "--workspace", ws).returncode == 0
    one_line_error(run_mlbench("train", "--table", "bc", "--target", "diagnosis", "--workspace", ws, "--quiet"),
                   "has values B and M", "--positive")
    one_line_error(run_mlbench("train", "--table", "bc", "--target", "diagnosis", "--positive", "X", "--workspace", ws, "--quiet"),
                   "--positive 'X' is not a value", "B, M")
    proc = run_mlbench("train", "--table", "bc", "--target", "diagnosis", "--positive", "M", "--workspace", ws, "--quiet")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "positive class: 'M' (negative: 'B')" in out and "split: seeded hash" in out
    assert "left out id: identifier" in out and "early stopping on validation logloss" in out
    from mlbench.workspace import Workspace
    from mlbench.registry import get_model
    from mlbench.train import TimeSplit, read_rows, DEFAULT_XGB_PARAMS
    with Workspace(ws, read_only=True) as w:
        rec = get_model(w, "bc_xgb")
        split = TimeSplit(**rec.split)
        parts = {k: read_rows(w, "bc", [*rec.spec.columns, "diagnosis"], split.where(k)) for k in ("train", "valid", "test")}
    assert "id" not in rec.spec.columns and rec.params["training"]["rounds_trained"] > 50
    d = {k: xgb.DMatrix(rec.spec.frame(v), label=(v.diagnosis == "M").astype(int)) for k, v in parts.items()}
    plain = xgb.train({**DEFAULT_XGB_PARAMS, "eval_metric": "logloss", "seed": 42}, d["train"], 1000,
                      evals=[(d["valid"], "valid")], early_stopping_rounds=50, verbose_eval=False)
    plain_ll = log_loss(d["test"].get_label(), plain.predict(d["test"], iteration_range=(0, plain.best_iteration + 1)))
    assert rec.metrics["test_log_loss"] <= 1.10 * plain_ll, (rec.metrics["test_log_loss"], plain_ll)


def test_penguins_missing_targets_are_dropped_and_counted_and_kinds_follow_one_rule(realdata, tmp_path):
    ws, penguins = tmp_path/"ws.duckdb", realdata["penguins"]
    assert run_mlbench("ingest", realdata["root"]/"penguins.csv", "--table", "penguins", "--workspace", ws).returncode == 0
    one_line_error(run_mlbench("train", "--table", "penguins", "--target", "species", "--task", "binary", "--workspace", ws, "--quiet"),
                   "has 3 distinct values (Adelie, Chinstrap, Gentoo)")
    proc = run_mlbench("train", "--table", "penguins", "--target", "species", "--name", "species", "--workspace", ws, "--quiet")
    assert proc.returncode == 0 and "task: multiclass (target 'species' has 3 text values)" in proc.stdout, proc.stderr
    proc = run_mlbench("evaluate", "--model", "species", "--bootstrap", "50", "--out", tmp_path/"species", "--workspace", ws, "--quiet")
    assert proc.returncode == 0, proc.stderr
    species = json.loads((tmp_path/"species"/"evaluation.json").read_text())
    assert species["task"] == "multiclass" and species["metrics"]["accuracy"]["value"] > 0.9      # penguins' species are easy
    assert species["comparison"]["metrics"]["accuracy"]["ci_low"] > 0.3                          # far above the class rates
    one_line_error(run_mlbench("train", "--table", "penguins", "--target", "sex", "--positive", "female",
                               "--on-missing-target", "error", "--workspace", ws, "--quiet"),
                   f"missing (NULL) in {penguins.sex.isna().sum()} of {len(penguins)} rows")
    proc = run_mlbench("train", "--table", "penguins", "--target", "sex", "--positive", "female", "--workspace", ws, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert f"{penguins.sex.isna().sum()} with a missing target dropped" in proc.stdout
    models = json.loads(run_mlbench("models", "--json", "--workspace", ws).stdout)
    assert any(m["name"] == "penguins_xgb" for m in models)
    from mlbench.workspace import Workspace
    from mlbench.registry import get_model
    with Workspace(ws, read_only=True) as w: rec = get_model(w, "penguins_xgb")
    assert set(rec.spec.categorical) == {"species", "island"} and "bill_length_mm" in rec.spec.numeric
    assert rec.metrics["n_missing_target"] == penguins.sex.isna().sum()
    assert rec.params["training"]["positive_class"] == "female"
    proc = run_mlbench("evaluate", "--model", "penguins_xgb", "--bootstrap", "50", "--no-explain", "--workspace", ws,
                       "--out", tmp_path/"reports"/"default-name-check", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path/"reports"/"default-name-check"/"evaluation.json").read_text())
    assert report["positive_class"] == "female" and report["missing"]["target"] > 0


def test_survey_with_double_labels_trains_and_its_inferred_expectations_pass(realdata, tmp_path):
    ws = tmp_path/"ws.duckdb"
    assert run_mlbench("ingest", realdata["root"]/"anes96.csv", "--table", "anes", "--workspace", ws).returncode == 0
    proc = run_mlbench("train", "--table", "anes", "--target", "vote", "--workspace", ws, "--quiet", "--no-baseline")
    assert proc.returncode == 0 and "positive class: '1' (negative: '0')" in proc.stdout, proc.stderr
    expect = tmp_path/"anes.yml"
    assert run_mlbench("validate", "--data", "anes", "--expect", expect, "--infer", "--label", "vote", "--workspace", ws).returncode == 0
    proc = run_mlbench("validate", "--data", "anes", "--expect", expect, "--workspace", ws, "--out", tmp_path/"v", "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_non_iso_times_need_a_format_and_never_split_as_text(realdata, tmp_path):
    ws, bc = tmp_path/"ws.duckdb", realdata["bc"].copy()
    start = pd.Timestamp("2018-01-01")
    bc["seen_at"] = (start + pd.to_timedelta(np.arange(len(bc)) * 3, unit="h")).strftime("%d/%m/%Y %H:%M")
    bc.to_csv(tmp_path/"eu.csv", index=False)
    one_line_error(run_mlbench("ingest", tmp_path/"eu.csv", "--table", "eu", "--time-column", "seen_at", "--workspace", ws),
                   "--time-format")
    proc = run_mlbench("ingest", tmp_path/"eu.csv", "--table", "eu", "--time-column", "seen_at", "--time-format", "%d/%m/%Y %H:%M",
                       "--workspace", ws)
    assert proc.returncode == 0 and "seen_at from 2018-01-01 00:00:00 to 2018-03-13" in proc.stdout, proc.stdout + proc.stderr
    proc = run_mlbench("train", "--table", "eu", "--target", "diagnosis", "--positive", "M", "--workspace", ws, "--quiet")
    assert proc.returncode == 0 and "split: time on seen_at: validation from 2018-02-" in proc.stdout, proc.stdout + proc.stderr


def test_drift_on_real_data_names_the_shifted_column_and_leaves_ids_out(realdata, tmp_path):
    bc = realdata["bc"]
    ref, cur = bc.iloc[::2].copy(), bc.iloc[1::2].copy()
    cur["mean_radius"] = cur.mean_radius * 1.3
    ref.to_csv(tmp_path/"ref.csv", index=False); cur.to_csv(tmp_path/"cur.csv", index=False)
    one_line_error(run_mlbench("drift", "--reference", tmp_path/"ref.csv", "--current", tmp_path/"cur.csv",
                               "--time", "mean_area", "--window", "1m"), "ambiguous")
    proc = run_mlbench("drift", "--reference", tmp_path/"ref.csv", "--current", tmp_path/"cur.csv", "--out", tmp_path/"d", "--quiet")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path/"d"/"drift.json").read_text())
    assert report["headline"].startswith("Major drift in 1 of") and "mean_radius" in report["headline"], report["headline"]
    assert "id" in report["left_out"] and "id" not in [c["name"] for c in report["columns"]]
    assert proc.stdout.startswith(report["headline"])


def test_regression_predictions_with_missing_scores_are_counted(realdata, tmp_path):
    diabetes = realdata["diabetes"].copy()
    diabetes["prediction"] = diabetes.target.mean() + 0.5 * (diabetes.target - diabetes.target.mean())
    diabetes.loc[::25, "prediction"] = np.nan
    diabetes.to_csv(tmp_path/"pred.csv", index=False)
    proc = run_mlbench("evaluate", "--predictions", tmp_path/"pred.csv", "--target", "target", "--score", "prediction",
                       "--bootstrap", "50", "--out", tmp_path/"e", "--quiet")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path/"e"/"evaluation.json").read_text())
    assert report["missing"] == {"target": 0, "score": int(diabetes.prediction.isna().sum())}
    assert report["n"] == int(diabetes.prediction.notna().sum())
