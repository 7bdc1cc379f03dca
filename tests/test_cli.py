"""The `mlbench` command: --help everywhere, and bad input as one line on stderr with exit status 2."""
import json, subprocess, sys, textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import run_mlbench, problem_lines

COMMANDS = ["demo", "ingest", "train", "evaluate", "gate", "card", "ab-plan", "ab", "validate", "drift", "monitor", "backtest", "score", "profile", "models", "runs", "render"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    proc = run_mlbench(command, "--help")
    assert proc.returncode == 0 and proc.stdout.startswith(f"usage: mlbench {command}")


def test_top_level_help_lists_commands():
    out = run_mlbench("--help").stdout
    assert all(c in out for c in COMMANDS)


def assert_one_line_error(proc, *fragments):
    "Exit 2, one line on stderr starting 'mlbench', no traceback, containing each fragment"
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = problem_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("mlbench"), proc.stderr
    assert "Traceback" not in proc.stderr
    for f in fragments: assert f in lines[0], (f, lines[0])


@pytest.fixture
def ws(tmp_path):
    "A workspace with a small churn-like table, a 3-class column and an empty file beside it"
    rng = pd.Series(range(400))
    df = pd.DataFrame({"customer_id": rng, "signup_at": pd.date_range("2025-01-01", periods=400, freq="h"),
                       "x": (rng % 17).astype(float), "plan": (rng % 3).map({0: "basic", 1: "pro", 2: "team"}),
                       "label": ((rng * 7919) % 5 == 0).astype(int), "three": rng % 3, "outcome": (rng % 2).map({0: "stayed", 1: "churned"})})
    df.to_csv(tmp_path/"t.csv", index=False)
    (tmp_path/"empty.csv").write_text("a,b\n")
    path = tmp_path/"ws.duckdb"
    proc = run_mlbench("ingest", tmp_path/"t.csv", "--table", "t", "--workspace", path)
    assert proc.returncode == 0, proc.stderr
    assert "400 rows" in proc.stdout and "snapshot snap_" in proc.stdout
    return path


def test_missing_file(tmp_path):
    assert_one_line_error(run_mlbench("ingest", tmp_path/"nope.csv", "--table", "t", "--workspace", tmp_path/"w.duckdb"), "file not found")


def test_empty_data_set_is_refused_and_not_ingested(ws, tmp_path):
    assert_one_line_error(run_mlbench("ingest", tmp_path/"empty.csv", "--table", "e", "--workspace", ws), "has no rows")
    runs = json.loads(run_mlbench("runs", "--json", "--workspace", ws).stdout)
    assert [r["status"] for r in runs if r["command"] == "ingest"].count("failed") == 1


def test_unknown_table_column_and_target(ws):
    assert_one_line_error(run_mlbench("train", "--table", "orders", "--target", "label", "--workspace", ws), "unknown table 'orders'")
    assert_one_line_error(run_mlbench("train", "--table", "t", "--target", "churn", "--workspace", ws), "unknown target column 'churn'")
    assert_one_line_error(run_mlbench("train", "--table", "t", "--target", "label", "--features", "x,nope", "--workspace", ws),
                          "unknown feature column 'nope'")


def test_target_that_is_not_binary(ws):
    assert_one_line_error(run_mlbench("train", "--table", "t", "--target", "three", "--task", "binary", "--workspace", ws),
                          "has 3 distinct values", "a binary classifier needs 2")
    assert_one_line_error(run_mlbench("train", "--table", "t", "--target", "outcome", "--workspace", ws),
                          "has values churned and stayed; name the positive class with --positive")


def test_bad_input_for_each_task(ws, tmp_path):
    "Issue 14's bad input: one row per query, a class first seen after training, a text regression target: one line, exit 2"
    assert_one_line_error(run_mlbench("train", "--table", "t", "--target", "x", "--group", "customer_id", "--workspace", ws),
                          "group column 'customer_id' has one row per query (400 queries)")
    late = pd.DataFrame({"at": pd.date_range("2025-01-01", periods=300, freq="h"), "x": [i % 7 for i in range(300)],
                         "kind": ["a", "b", "c"] * 80 + ["d"] * 60})
    late.to_csv(tmp_path/"late.csv", index=False)
    assert run_mlbench("ingest", tmp_path/"late.csv", "--table", "late", "--workspace", ws).returncode == 0
    assert_one_line_error(run_mlbench("train", "--table", "late", "--target", "kind", "--workspace", ws),
                          "class 'd' of target 'kind' is in the test split", "but not in the training split")
    assert_one_line_error(run_mlbench("train", "--table", "t", "--target", "outcome", "--task", "regression", "--workspace", ws),
                          "target 'outcome' holds VARCHAR values (churned, stayed); a regression target must be numbers")
    assert_one_line_error(run_mlbench("train", "--table", "t", "--target", "x", "--objective", "reg:quantileerror", "--workspace", ws),
                          "needs --quantile-alpha")
    runs = json.loads(run_mlbench("models", "--json", "--workspace", ws).stdout)
    assert runs == []


def test_train_and_evaluate_every_task(ws, tmp_path):
    "--task auto says what it inferred; a multiclass model, a regressor and a ranker train, register, score and evaluate"
    from mlbench.demo_data import make_search_results
    proc = run_mlbench("train", "--table", "t", "--target", "plan", "--name", "mc", "--quiet", "--workspace", ws)
    assert proc.returncode == 0, proc.stderr
    assert "task: multiclass (target 'plan' has 3 text values)" in proc.stdout and "registered mc_baseline:1 (prior)" in proc.stdout
    proc = run_mlbench("train", "--table", "t", "--target", "x", "--name", "reg", "--quiet", "--workspace", ws)
    assert proc.returncode == 0 and "task: regression" in proc.stdout and "(linear)" in proc.stdout, proc.stderr
    make_search_results(300, seed=2).to_parquet(tmp_path/"search.parquet")
    assert run_mlbench("ingest", tmp_path/"search.parquet", "--table", "search", "--workspace", ws).returncode == 0
    proc = run_mlbench("train", "--table", "search", "--target", "relevance", "--group", "query_id", "--name", "rk", "--quiet", "--workspace", ws)
    assert proc.returncode == 0 and "task: ranking (--group query_id names the queries)" in proc.stdout, proc.stderr
    for name, task in (("mc", "multiclass"), ("reg", "regression"), ("rk", "ranking")):
        proc = run_mlbench("evaluate", "--model", name, "--bootstrap", "50", "--out", tmp_path/name, "--quiet", "--workspace", ws)
        assert proc.returncode == 0, proc.stderr
        assert json.loads((tmp_path/name/"evaluation.json").read_text())["task"] == task
    out = tmp_path/"rk_scored.parquet"
    assert run_mlbench("score", "--model", "rk", "--data", "search", "--out", out, "--quiet", "--workspace", ws).returncode == 0
    proc = run_mlbench("evaluate", "--predictions", out, "--bootstrap", "50", "--out", tmp_path/"rkp", "--quiet", "--workspace", ws)
    assert proc.returncode == 0, proc.stderr                     # group, target and score read from the scored file's metadata
    data = json.loads((tmp_path/"rkp"/"evaluation.json").read_text())
    assert data["task"] == "ranking" and data["ranking"]["queries"] == 300


def test_train_then_evaluate_a_custom_table(ws, tmp_path):
    proc = run_mlbench("train", "--table", "t", "--target", "label", "--name", "small", "--quiet", "--workspace", ws)
    assert proc.returncode == 0, proc.stderr
    assert "registered small:1 (xgboost)" in proc.stdout and "registered small_baseline:1 (logistic)" in proc.stdout
    assert "left out customer_id: identifier: named like an identifier" in proc.stdout
    out = tmp_path/"reports"/"small"
    proc = run_mlbench("evaluate", "--model", "small:1", "--out", out, "--quiet", "--workspace", ws)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out/"evaluation.json").read_text())
    assert data["provenance"]["model"] == "small:1" and data["comparison"]["baseline"] == "small_baseline:1"
    assert (tmp_path/"reports"/"index.html").read_text().count("small:1") == 1


def test_score_a_file_and_a_table_then_evaluate_the_scores(ws, tmp_path):
    "mlbench score: every row scored and stamped, the output read by evaluate --predictions as is; bad input exit 2"
    assert run_mlbench("train", "--table", "t", "--target", "label", "--name", "small", "--quiet", "--workspace", ws).returncode == 0
    out = tmp_path/"scored.parquet"
    proc = run_mlbench("score", "--model", "small", "--data", tmp_path/"t.csv", "--out", out, "--explain", "2", "--chunk-rows", "64",
                       "--workspace", ws)
    assert proc.returncode == 0, proc.stderr
    assert "scored 400 rows" in proc.stdout and "small:1" in proc.stdout
    scored = pd.read_parquet(out)
    assert len(scored) == 400 and list(scored.customer_id) == list(range(400))      # every row, in input order
    assert set(scored.mlbench_model) == {"small:1"} and scored.score.between(0, 1).all()
    assert {"explain_1_feature", "explain_2_value"} <= set(scored.columns)
    proc = run_mlbench("evaluate", "--predictions", out, "--target", "label", "--score", "score", "--bootstrap", "50",
                       "--out", tmp_path/"r", "--quiet", "--workspace", ws)
    assert proc.returncode == 0, proc.stderr
    proc = run_mlbench("score", "--model", "small:1", "--data", "t", "--out", "t_scored", "--quiet", "--workspace", ws)
    assert proc.returncode == 0 and "(snapshot snap_" in proc.stdout, proc.stderr
    runs = json.loads(run_mlbench("runs", "--json", "--workspace", ws).stdout)
    assert [r["command"] for r in runs[:3]] == ["score", "evaluate", "score"] and runs[0]["model"] == "small:1"
    assert_one_line_error(run_mlbench("score", "--model", "small:7", "--data", "t", "--out", "x", "--workspace", ws), "small:7")
    assert_one_line_error(run_mlbench("score", "--model", "small", "--data", "t", "--out", "x.csv", "--workspace", ws), ".parquet file or a table")
    assert_one_line_error(run_mlbench("score", "--model", "small", "--data", out, "--out", tmp_path/"again.parquet", "--workspace", ws),
                          "already has column")
    assert not (tmp_path/"again.parquet").exists()


def test_model_reference_that_does_not_exist(ws, tmp_path):
    out = tmp_path/"r"
    assert_one_line_error(run_mlbench("evaluate", "--model", "churn:3", "--out", out, "--workspace", ws), "model 'churn:3' is not in the registry")
    assert not out.exists(), "a failed evaluation must leave no report folder"


def test_bad_arguments_are_one_line_too(ws):
    assert_one_line_error(run_mlbench("evaluate", "--workspace", ws), "--model")
    assert_one_line_error(run_mlbench("evaluate", "--model", "m", "--threshold", "abc", "--workspace", ws), "'abc' is not a number")


def test_missing_workspace_for_listing(tmp_path):
    assert_one_line_error(run_mlbench("models", "--workspace", tmp_path/"none.duckdb"), "does not exist")


def test_workspace_locked_by_another_process(ws):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(ws)!r})
        print("locked", flush=True)
        time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        now = {"MLBENCH_LOCK_WAIT": "0"}
        assert_one_line_error(run_mlbench("ingest", ws.parent/"t.csv", "--table", "u", "--workspace", ws, env=now), f"is locked by process {holder.pid}")
        assert_one_line_error(run_mlbench("models", "--workspace", ws, env=now), f"is locked by process {holder.pid}")
    finally:
        holder.kill(); holder.wait()
    assert run_mlbench("models", "--workspace", ws).returncode == 0


def test_workspace_from_environment(ws):
    proc = run_mlbench("runs", env={"MLBENCH_WORKSPACE": str(ws)})
    assert proc.returncode == 0 and "ingest" in proc.stdout


def test_render_an_executed_notebook(demo, tmp_path):
    dest = tmp_path/"again.html"
    proc = run_mlbench("render", demo["report"]/"evaluation.ipynb", "--out", dest, "--renderer", "nbconvert")
    assert proc.returncode == 0, proc.stderr
    assert "rendered by nbconvert" in proc.stdout and 'type="text/x-mlbench-figure"' in dest.read_text()
    assert_one_line_error(run_mlbench("render", tmp_path/"none.ipynb"), "notebook not found")
    no_quarto = {"PATH": str(Path(sys.executable).parent)}   # the venv's bin only: no quarto on it
    assert_one_line_error(run_mlbench("render", demo["report"]/"evaluation.ipynb", "--renderer", "quarto", "--out", tmp_path/"q.html",
                                      env=no_quarto), "`quarto` is not on PATH")


# --- evaluation readout from scored predictions, gates and model cards -------------------------------------------

@pytest.fixture
def predictions(tmp_path):
    "A scored-predictions file from 'another' model: target, score, baseline score, segment and sensitive columns"
    import numpy as np
    rng = np.random.default_rng(0)
    n = 3_000
    y = (rng.random(n) < 0.3).astype(int)
    df = pd.DataFrame({"churned": y, "p_new": np.clip(0.3 + 0.3 * (y - 0.3) + rng.normal(0, 0.15, n), 0, 1),
                       "p_old": np.clip(0.3 + 0.15 * (y - 0.3) + rng.normal(0, 0.15, n), 0, 1),
                       "plan": rng.choice(["basic", "pro", "tiny"], n, p=[0.6, 0.395, 0.005]), "gender": rng.choice(["f", "m"], n),
                       "country": "DE", "revenue": rng.normal(100, 20, n)})
    df["revenue_pred"] = df.revenue + rng.normal(0, 5, n)
    path = tmp_path/"scored.csv"
    df.to_csv(path, index=False)
    return path


def evaluate_args(predictions, out, *extra):
    return ("evaluate", "--predictions", predictions, "--target", "churned", "--score", "p_new", "--bootstrap", "200",
            "--out", out, "--quiet", "--workspace", out.parent/"no-workspace.duckdb", *extra)


def test_evaluate_scored_predictions_with_gates(predictions, tmp_path):
    gates = tmp_path/"gates.yml"
    gates.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.8, use: ci_low}\n"
                     "  - {metric: roc_auc, vs_baseline: true, max_drop: 0.0}\n")
    out = tmp_path/"report"
    proc = run_mlbench(*evaluate_args(predictions, out, "--baseline-score", "p_old", "--segments", "plan", "--sensitive", "gender",
                                      "--threshold-by", "cost:1,4", "--gates", gates))
    assert proc.returncode == 0, proc.stderr
    assert "gates: PASS (2 of 2 rules pass)" in proc.stdout
    data = json.loads((out/"evaluation.json").read_text())
    assert data["comparison"]["baseline"] == "p_old" and data["comparison"]["auc_diff"] > 0
    assert data["threshold_rule"] == "least expected cost (FP 1, FN 4)"
    tiny = next(s for s in data["segments"] if s["value"] == "tiny")
    assert tiny["flagged"] and tiny["metrics"] == {} and tiny["reason"] == "fewer than 30 rows"
    assert data["provenance"]["inputs"]["data"]["file"] == str(predictions) and len(data["provenance"]["inputs"]["data"]["sha256"]) == 64
    assert data["source"]["predictions_file"] == str(predictions) and data["verdict"]["status"] == "pass"
    assert data["explanations"] is None and not (tmp_path/"no-workspace.duckdb").exists()


def test_evaluate_exits_1_when_a_gate_fails_but_writes_the_report(predictions, tmp_path):
    gates = tmp_path/"gates.yml"
    gates.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.99}\n")
    out = tmp_path/"report"
    proc = run_mlbench(*evaluate_args(predictions, out, "--gates", gates))
    assert proc.returncode == 1, proc.stderr
    assert "FAIL  roc_auc >= 0.99" in proc.stdout and (out/"evaluation.html").exists()
    assert json.loads((out/"evaluation.json").read_text())["passed"] is False


def test_evaluate_regression_predictions(predictions, tmp_path):
    out = tmp_path/"reg"
    proc = run_mlbench("evaluate", "--predictions", predictions, "--target", "revenue", "--score", "revenue_pred", "--bootstrap", "100",
                       "--segments", "plan", "--out", out, "--quiet", "--workspace", tmp_path/"none.duckdb")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out/"evaluation.json").read_text())
    assert data["task"] == "regression" and set(data["metrics"]) == {"rmse", "mae", "mape", "r2"}


@pytest.mark.parametrize("change, fragments", [
    ({"churned": 1}, ["single class (1)"]),
    ({"p_new": 1.5}, ["outside [0, 1]"]),
])
def test_evaluate_bad_predictions(predictions, tmp_path, change, fragments):
    df = pd.read_csv(predictions)
    for col, value in change.items():
        df.loc[df.index[:1] if col == "p_new" else df.index, col] = value
    bad = tmp_path/"bad.csv"
    df.to_csv(bad, index=False)
    out = tmp_path/"r"
    assert_one_line_error(run_mlbench(*evaluate_args(bad, out)), *fragments)
    assert not out.exists()


def test_evaluate_bad_columns_and_rows(predictions, tmp_path):
    out = tmp_path/"r"
    assert_one_line_error(run_mlbench(*evaluate_args(predictions, out, "--segments", "tier")), "unknown segment or sensitive column 'tier'")
    assert_one_line_error(run_mlbench(*evaluate_args(predictions, out, "--sensitive", "country")), "sensitive column 'country' has one group")
    df = pd.read_csv(predictions)
    df.loc[:9, "p_old"] = None
    holes = tmp_path/"holes.csv"
    df.to_csv(holes, index=False)
    assert_one_line_error(run_mlbench(*evaluate_args(holes, out, "--baseline-score", "p_old")), "cover different rows")
    assert_one_line_error(run_mlbench(*evaluate_args(predictions, out, "--threshold-by", "recall")), "unknown --threshold-by 'recall'")
    assert not out.exists()


def test_gate_command_exit_codes(predictions, tmp_path):
    out = tmp_path/"report"
    assert run_mlbench(*evaluate_args(predictions, out)).returncode == 0
    report = out/"evaluation.json"
    ok, strict, unknown, broken = (tmp_path/f"{n}.yml" for n in ("ok", "strict", "unknown", "broken"))
    ok.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.6}\n")
    strict.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.6}\n  - {metric: brier, op: '<=', threshold: 0.001}\n")
    unknown.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.6}\n  - {metric: auroc, op: '>=', threshold: 0.6}\n")
    broken.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.6}\n  - {metric: ece op: '<=', threshold: 0.1}\n")
    passed = run_mlbench("gate", report, "--gates", ok)
    assert passed.returncode == 0 and "gates: PASS" in passed.stdout
    failed = run_mlbench("gate", report, "--gates", strict)
    assert failed.returncode == 1 and "FAIL  brier <= 0.001" in failed.stdout
    assert_one_line_error(run_mlbench("gate", report, "--gates", unknown), "unknown.yml line 3: unknown metric 'auroc'")
    assert_one_line_error(run_mlbench("gate", report, "--gates", broken), "broken.yml line 3", "invalid YAML")
    assert_one_line_error(run_mlbench("gate", tmp_path/"none.json", "--gates", ok), "result file not found")


def test_card_for_a_trained_model(ws, tmp_path):
    assert run_mlbench("train", "--table", "t", "--target", "label", "--name", "small", "--quiet", "--workspace", ws).returncode == 0
    info = tmp_path/"card.yml"
    info.write_text("intended_use: Testing the card.\n")
    out = tmp_path/"reports"/"card"
    proc = run_mlbench("card", "--model", "small", "--card-info", info, "--out", out, "--quiet", "--workspace", ws)
    assert proc.returncode == 0, proc.stderr
    card = json.loads((out/"model_card.json").read_text())
    assert card["sections"]["intended_use"] == "Testing the card." and card["sections"]["limitations"] == "not provided"
    assert card["evaluation"] is None and "not provided" in (out/"model_card.html").read_text()
    info.write_text("intended_use: x\nrisk: y\n")
    assert_one_line_error(run_mlbench("card", "--model", "small", "--card-info", info, "--out", out, "--workspace", ws), "unknown section 'risk'")


# --- experiments ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    "A simulated experiment's events and the demo metrics file"
    from mlbench.demo_data import simulate_experiment
    root = tmp_path_factory.mktemp("ab")
    events = simulate_experiment(20_000, lift=0.015, seed=3)
    events.to_parquet(root/"events.parquet")
    from mlbench.pipeline import demo_file
    (root/"metrics.yml").write_text(demo_file("demo_metrics.yml").read_text())
    return root, events


def ab_args(root, *extra, data=None):
    return ("ab", "--data", data or root/"events.parquet", "--unit", "user_id", "--variant", "variant", "--control", "control",
            "--metrics", root/"metrics.yml", "--quiet", "--out", root/"out", *extra)


def test_ab_readout_end_to_end(experiment):
    root, events = experiment
    proc = run_mlbench(*ab_args(root, "--time", "ts", "--split", "control=0.5,treatment=0.5"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads((root/"out"/"ab.json").read_text())
    assert data["kind"] == "ab" and data["arms"] == ["control", "treatment"] and data["decision"] in ("ship", "inconclusive")
    conv = next(m for m in data["metrics"] if m["name"] == "conversion")
    users = events.groupby("user_id").agg(variant=("variant", "first"), converted=("converted", "max"))
    from scipy import stats
    ref = stats.ttest_ind(users.converted[users.variant == "treatment"], users.converted[users.variant == "control"], equal_var=False)
    assert abs(conv["p_value"] - ref.pvalue) < 1e-9
    assert conv["control"]["n"] + conv["treatment"]["n"] == 20_000 and conv["p_value_adjusted"] < 0.05
    assert set(conv["bayes"]) >= {"prob_beat_control", "expected_loss"} and conv["sequential"]["p_value"] is not None
    assert next(m for m in data["metrics"] if m["name"] == "revenue")["cuped"]["variance_reduction"] > 0


def test_ab_bad_input(experiment, tmp_path):
    root, events = experiment
    assert_one_line_error(run_mlbench(*ab_args(root, "--control", "ctrl")), "control 'ctrl' is not an arm")
    events[events.variant == "control"].to_parquet(tmp_path/"one.parquet")
    assert_one_line_error(run_mlbench(*ab_args(root, data=tmp_path/"one.parquet")), "only one arm")
    bad = events.copy(); bad.loc[bad.index[:3], "converted"] = -1
    bad.to_parquet(tmp_path/"neg.parquet")
    assert_one_line_error(run_mlbench(*ab_args(root, data=tmp_path/"neg.parquet")), "negative values")
    (tmp_path/"m.yml").write_text("primary: r\nmetrics:\n  - {name: r, type: mean, column: revenue, covariate: pre_spend}\n")
    proc = run_mlbench("ab", "--data", root/"events.parquet", "--unit", "user_id", "--variant", "variant", "--control", "control",
                       "--metrics", tmp_path/"m.yml", "--out", tmp_path/"o")
    assert_one_line_error(proc, "CUPED needs a pre-period value")
    assert not (tmp_path/"o").exists()


def test_ab_plan_matches_statsmodels(tmp_path):
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize
    proc = run_mlbench("ab-plan", "--metric", "proportion", "--baseline", "0.2", "--mde", "0.02", "--daily-units", "1000",
                       "--quiet", "--out", tmp_path/"plan")
    assert proc.returncode == 0, proc.stderr
    plan = json.loads((tmp_path/"plan"/"plan.json").read_text())
    ref = NormalIndPower().solve_power(proportion_effectsize(0.22, 0.2), alpha=0.05, power=0.8)
    assert abs(plan["n_per_arm"] / ref - 1) < 0.01 and plan["total_n"] == 2 * plan["n_per_arm"]
    assert abs(plan["days"] - plan["total_n"] / 1000) < 1e-9
    assert_one_line_error(run_mlbench("ab-plan", "--metric", "mean", "--baseline", "3", "--mde", "0.1"), "needs --sd")


# --- drift -------------------------------------------------------------------------------------------------------------

def test_drift_flags_the_known_shifts_and_bad_input(tmp_path):
    from mlbench.demo_data import make_churn
    from mlbench.demo_data import simulate_current
    ref = make_churn(50_000, seed=5)
    ref.to_parquet(tmp_path/"ref.parquet")
    simulate_current(ref, seed=6).to_parquet(tmp_path/"cur.parquet")
    proc = run_mlbench("drift", "--reference", tmp_path/"ref.parquet", "--current", tmp_path/"cur.parquet", "--columns",
                       "monthly_charges,plan,age", "--quiet", "--out", tmp_path/"drift")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path/"drift"/"drift.json").read_text())
    assert data["kind"] == "drift" and {r["name"]: r["drifted"] for r in data["columns"]} == {"monthly_charges": True, "plan": True, "age": False}
    ref.head(0).to_parquet(tmp_path/"empty.parquet")
    assert_one_line_error(run_mlbench("drift", "--reference", tmp_path/"ref.parquet", "--current", tmp_path/"empty.parquet",
                                      "--out", tmp_path/"d2"), "current data set is empty")
    assert_one_line_error(run_mlbench("drift", "--reference", tmp_path/"ref.parquet", "--current", tmp_path/"cur.parquet",
                                      "--time", "signup_at", "--window", "fortnight", "--out", tmp_path/"d3"), "--window: duration 'fortnight'")
    assert_one_line_error(run_mlbench("drift", "--reference", tmp_path/"ref.parquet", "--current", tmp_path/"cur.parquet",
                                      "--memory-limit", "lots", "--out", tmp_path/"d4"), "--memory-limit 'lots'")
    assert not (tmp_path/"d2").exists() and not (tmp_path/"d3").exists() and not (tmp_path/"d4").exists()


# --- validation ----------------------------------------------------------------------------------------------------

def test_validate_infer_then_check(tmp_path):
    from mlbench.demo_data import make_churn
    from mlbench.demo_data import simulate_current
    ref = make_churn(50_000, seed=8)
    ref.to_parquet(tmp_path/"ref.parquet")
    simulate_current(ref, seed=9).to_parquet(tmp_path/"cur.parquet")
    expect = tmp_path/"expect.yml"
    proc = run_mlbench("validate", "--data", tmp_path/"ref.parquet", "--expect", expect, "--infer", "--label", "churned")
    assert proc.returncode == 0 and expect.exists(), proc.stderr
    ok = run_mlbench("validate", "--data", tmp_path/"ref.parquet", "--expect", expect, "--quiet", "--out", tmp_path/"v1")
    assert ok.returncode == 0 and "verdict: PASS" in ok.stdout, ok.stderr
    bad = run_mlbench("validate", "--data", tmp_path/"cur.parquet", "--expect", expect, "--quiet", "--out", tmp_path/"v2")
    assert bad.returncode == 1 and "verdict: FAIL" in bad.stdout and "  - max on monthly_charges: observed" in bad.stdout
    data = json.loads((tmp_path/"v2"/"validation.json").read_text())
    assert data["kind"] == "validation" and data["passed"] is False
    failed = next(c for c in data["checks"] if c["check"] == "max" and c["column"] == "monthly_charges")
    assert failed["failing_rows"] and failed["observed"] > 0
    broken = tmp_path/"broken.yml"
    broken.write_text("rows: {min: 1}\ncolumns:\n  age: {type: numeric, minimum: 3}\n")
    assert_one_line_error(run_mlbench("validate", "--data", tmp_path/"ref.parquet", "--expect", broken, "--out", tmp_path/"v3"),
                          "broken.yml line 3: unknown check 'minimum'")


# --- hardening ---------------------------------------------------------------------------------------------------------

def test_workspace_that_is_not_a_duckdb_file_is_refused_and_left_alone(tmp_path):
    csv = tmp_path/"rows.csv"
    csv.write_text("a,b\n1,2\n")
    assert_one_line_error(run_mlbench("ingest", csv, "--table", "t", "--workspace", csv), "names a .csv file")
    assert_one_line_error(run_mlbench("models", "--workspace", csv), "names a .csv file")
    assert_one_line_error(run_mlbench("runs", "--workspace", tmp_path), "is a folder")
    (tmp_path/"fake.duckdb").write_text("hello")
    assert_one_line_error(run_mlbench("ingest", csv, "--table", "t", "--workspace", tmp_path/"fake.duckdb"), "is not a DuckDB database")
    assert csv.read_text() == "a,b\n1,2\n" and (tmp_path/"fake.duckdb").read_text() == "hello"


def test_gate_refuses_an_empty_rule_list_and_gates_any_kind(tmp_path):
    result = tmp_path/"validation.json"
    result.write_text(json.dumps({"kind": "validation", "schema_version": 2, "rows": 3, "checks": [], "passed": True,
                                  "as_of": "2026-11-27 00:00:00", "provenance": {}}))
    (tmp_path/"empty.yml").write_text("gates: []\n")
    assert_one_line_error(run_mlbench("gate", result, "--gates", tmp_path/"empty.yml"), "the 'gates:' list is empty")
    (tmp_path/"ok.yml").write_text("gates:\n  - {kind: validation, path: passed, op: '==', value: true}\n  - {path: rows, op: '>=', value: 1}\n")
    passed = run_mlbench("gate", result, "--gates", tmp_path/"ok.yml")
    assert passed.returncode == 0 and "gates: PASS (2 of 2 rules pass)" in passed.stdout, passed.stdout + passed.stderr
    (tmp_path/"wrong.yml").write_text("gates:\n  - {kind: drift, path: severity_counts.major, op: '<=', value: 0}\n")
    assert_one_line_error(run_mlbench("gate", result, "--gates", tmp_path/"wrong.yml"), "the rule is for drift results")


def test_two_writers_at_once_serialize_without_losing_anything(ws, tmp_path):
    "Two ingests and two trainings started at the same moment: each waits for the other, nothing is lost or duplicated"
    def start(*args):
        return subprocess.Popen([str(Path(sys.executable).parent/"mlbench"), *map(str, args), "--workspace", str(ws)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pair = [start("ingest", ws.parent/"t.csv", "--table", name) for name in ("copy_a", "copy_b")]
    pair += [start("train", "--table", "t", "--target", "label", "--name", "twin", "--quiet", "--no-baseline") for _ in range(2)]
    pair.append(start("runs", "--json"))
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in pair]
    assert all(code == 0 for code, _ in outcomes), outcomes
    models = json.loads(run_mlbench("models", "--json", "--workspace", ws).stdout)
    assert sorted(m["version"] for m in models if m["name"] == "twin") == [1, 2]
    runs = json.loads(run_mlbench("runs", "--json", "--limit", "100", "--workspace", ws).stdout)
    assert sum(r["command"] == "ingest" and r["status"] == "succeeded" for r in runs) >= 3     # the fixture's, and the pair's
    assert sum(r["command"] == "train" and r["status"] == "succeeded" for r in runs) == 2
    assert not any(r["status"] == "running" for r in runs)


def test_monitor_pages_on_the_latest_window_and_refuses_bad_input(tmp_path):
    "mlbench monitor: exit 0 when the rules hold, 1 when one fails in the latest window, 2 (one line) for bad input"
    rng = np.random.default_rng(4)
    n = 6 * 2_000
    at = pd.Timestamp("2026-01-05") + pd.to_timedelta(np.sort(rng.integers(0, 6 * 7 * 86_400, n)), unit="s")
    late = np.arange(n) >= 4 * 2_000                           # the last two weeks: scores squeezed toward the middle
    p = np.where(late, 0.35 + 0.3 * rng.random(n), rng.beta(1, 3, n))
    pd.DataFrame({"id": np.arange(n), "at": at, "score": p, "x": rng.normal(size=n) + late}).to_parquet(tmp_path/"log.parquet")
    pd.DataFrame({"id": np.arange(n), "y": (rng.random(n) < p).astype(int), "known": at + pd.Timedelta(days=7)}).to_parquet(tmp_path/"labels.parquet")
    args = ["monitor", "--scores", tmp_path/"log.parquet", "--time", "at", "--labels", tmp_path/"labels.parquet", "--key", "id",
            "--target", "y", "--label-time", "known", "--as-of", str(at.max()), "--quiet", "--workspace", tmp_path/"none.duckdb"]
    (tmp_path/"ok.yml").write_text("gates:\n  - {path: rows, op: '>=', value: 100}\n")
    (tmp_path/"page.yml").write_text("gates:\n  - {path: estimated.roc_auc.ci_high, op: '>=', value: 0.7}\n")
    proc = run_mlbench(*args, "--rules", tmp_path/"ok.yml", "--out", tmp_path/"ok")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path/"ok"/"monitor.json").read_text())
    assert len(data["windows"]) == 6 and data["windows"][-1]["realized"]["roc_auc"] is None and data["verdict"]["status"] == "pass"
    proc = run_mlbench(*args, "--rules", tmp_path/"page.yml", "--out", tmp_path/"page")
    assert proc.returncode == 1 and "estimated.roc_auc.ci_high >= 0.7" in proc.stdout, (proc.stdout, proc.stderr)
    assert (tmp_path/"page"/"monitor.html").is_file()
    pd.DataFrame({"id": np.arange(n) + 10**6, "y": 1}).to_parquet(tmp_path/"strangers.parquet")
    bad = [a if a != tmp_path/"labels.parquet" else tmp_path/"strangers.parquet" for a in args]
    bad = [a for a in bad if a not in ("--label-time", "known")]
    assert_one_line_error(run_mlbench(*bad), "none of the 12,000 labels joins a scored row on 'id'")
    assert_one_line_error(run_mlbench(*args, "--window", "1y"), "--window 1y holds all the data")
    (tmp_path/"typo.yml").write_text("gates:\n  - {path: estimated.roc_auc.value, op: '>=', value: 0.7}\n  - {path: realised.f1, op: '>=', value: 0.5}\n")
    assert_one_line_error(run_mlbench(*args, "--rules", tmp_path/"typo.yml"), "typo.yml line 3: 'realised.f1' is not a value of a monitor window")


def test_backtest_reads_out_and_refuses_bad_input(tmp_path):
    "mlbench backtest: a report with a period per model and the cost of age; nothing registered; bad input one line"
    rng = np.random.default_rng(3)
    n = 12_000
    df = pd.DataFrame({"ts": pd.Timestamp("2025-01-01") + pd.to_timedelta(np.sort(rng.uniform(0, 240, n)), unit="D"),
                       "x": rng.normal(size=n), "g": rng.choice(["a", "b"], n)})
    df["y"] = (rng.random(n) < 1 / (1 + np.exp(-2 * df.x))).astype(int)
    df.to_parquet(tmp_path/"rows.parquet")
    ws = tmp_path/"ws.duckdb"
    assert run_mlbench("ingest", tmp_path/"rows.parquet", "--table", "rows", "--workspace", ws).returncode == 0
    args = ["backtest", "--table", "rows", "--target", "y", "--time", "ts", "--every", "1mo", "--train-window", "2mo", "--horizon", "3",
            "--bootstrap", "20", "--workspace", ws, "--quiet"]
    proc = run_mlbench(*args, "--out", tmp_path/"bt")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path/"bt"/"backtest.json").read_text())
    assert data["kind"] == "backtest" and data["primary_metric"] == "roc_auc" and len(data["periods"]) == data["models_trained"] >= 4
    assert [a["age"] for a in data["ages"]] == [1, 2, 3] and data["registered"] is None
    assert all(p["metrics"]["roc_auc"]["ci_low"] <= p["metrics"]["roc_auc"]["value"] <= p["metrics"]["roc_auc"]["ci_high"] for p in data["periods"])
    assert (tmp_path/"bt"/"backtest.html").is_file()
    assert json.loads(run_mlbench("models", "--json", "--workspace", ws).stdout or "[]") == []
    assert_one_line_error(run_mlbench(*args, "--train-window", "5y", "--out", tmp_path/"b2"), "leaves no period to test")
    assert_one_line_error(run_mlbench(*args, "--target", "g", "--out", tmp_path/"b3"), "positive")
    assert not (tmp_path/"b2").exists() and not (tmp_path/"b3").exists()
