"""The same readouts on Apache Spark (local[2]): equal to DuckDB's where DuckDB is exact, within the stated bound where not.

One Spark session serves the whole module (starting one costs seconds). Skipped by nothing: `make test` installs
pyspark and Java (the Makefile), and a machine without them fails here, as CI should."""
import math, os

import pytest

from conftest import run_mlbench, problem_lines
from mlbench.demo_data import simulate_experiment, make_churn, simulate_current
from mlbench.pipeline import demo_file
import mlbench


def close(a, b, rel=1e-9):
    "Equal to 1e-9 relative (absolute near zero); None and NaN equal themselves"
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)): return a == b or (a != a and b != b)
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) or abs(a - b) < 1e-12


def numbers(obj, path=""):
    "Every number in a JSON-like value, by its path"
    if isinstance(obj, dict): return {k: v for key, val in obj.items() for k, v in numbers(val, f"{path}.{key}").items()}
    if isinstance(obj, list): return {k: v for i, val in enumerate(obj) for k, v in numbers(val, f"{path}[{i}]").items()}
    return {path: obj} if isinstance(obj, (int, float)) and not isinstance(obj, bool) else {}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("spark")
    events = simulate_experiment(20_000, seed=3)
    events["platform"] = events.user_id.map(lambda u: ("ios", "web", "android")[sum(map(ord, str(u))) % 3])   # one per unit
    events.to_parquet(d/"events.parquet")
    ref = make_churn(20_000, seed=5)
    ref.to_parquet(d/"ref.parquet")
    simulate_current(ref, seed=6).head(6_000).to_parquet(d/"cur.parquet")
    return d


def test_ab_on_spark_equals_duckdb(data):
    opts = dict(data=str(data/"events.parquet"), unit="user_id", variant="variant", control="control",
                metrics=str(demo_file("demo_metrics.yml")), time="ts", segments=["platform"], workspace=str(data/"none.duckdb"))
    duck, spark = mlbench.ab(**opts, engine="duckdb"), mlbench.ab(**opts, engine="spark")
    assert spark.provenance["engine"] == "spark" and spark.provenance["engine_info"]["master"] == "local[2]"
    assert duck.provenance["engine"] == "duckdb"
    a, b = numbers(duck.body), numbers(spark.body)
    assert a.keys() == b.keys() and len(a) > 100
    wrong = [(k, a[k], b[k]) for k in a if not close(a[k], b[k])]
    assert not wrong, wrong[:5]
    assert duck.body["decision"] == spark.body["decision"] and duck.body["srm"] == spark.body["srm"]


def test_drift_and_profile_on_spark(data, tmp_path):
    opts = dict(reference=str(data/"ref.parquet"), current=str(data/"cur.parquet"), workspace=str(tmp_path/"ws.duckdb"))
    duck, spark = mlbench.drift(**opts, engine="duckdb"), mlbench.drift(**opts, engine="spark")
    d, s = ({r["name"]: r for r in res.body["columns"]} for res in (duck, spark))
    assert d.keys() == s.keys() and len(d) > 5
    for name, a in d.items():
        b = s[name]
        for key in ("psi", "js_distance", "chi2_p_value", "null_share_reference", "null_share_current", "psi_null_p_value"):
            assert close(a[key], b[key]), (name, key, a[key], b[key])
        same_bins = {k: v for k, v in a["bins"].items() if k != "edges"} == {k: v for k, v in b["bins"].items() if k != "edges"}
        assert same_bins and all(close(x, y, 1e-12) for x, y in zip(a["bins"].get("edges", []), b["bins"].get("edges", [])))  # Spark's percentile: the last bit may differ
        assert a["new_categories"] == b["new_categories"] and a["calibrated_drift"] == b["calibrated_drift"]
        if a["type"] == "numeric" and a["ks_stat"] is not None:            # KS from counts at the knots: within its bound
            assert abs(a["ks_stat"] - b["ks_stat"]) <= b["ks_bound"] + 1e-12, (name, a["ks_stat"], b["ks_stat"], b["ks_bound"])
            assert abs(a["wasserstein"] - b["wasserstein"]) <= b["wasserstein_bound"] + 1e-9, (name, a["wasserstein"], b["wasserstein"], b["wasserstein_bound"])
            assert b["wasserstein_bound"] < 0.05 * max(a["wasserstein"], a["reference_sd"]), (name, b["wasserstein_bound"])
    assert spark.body["status"] == duck.body["status"] and spark.provenance["engine"] == "spark"
    # a profile made on Spark, stored, then used by DuckDB: the same exact numbers
    made = run_mlbench("profile", "--data", data/"ref.parquet", "--name", "ref_spark", "--engine", "spark", "--workspace", tmp_path/"ws.duckdb", "--quiet")
    assert made.returncode == 0, made.stderr
    again = mlbench.drift(reference="profile:ref_spark", current=str(data/"cur.parquet"), workspace=str(tmp_path/"ws.duckdb"))
    for r in again.body["columns"]:
        assert close(r["psi"], d[r["name"]]["psi"]) and r["bins"]["reference"] == d[r["name"]]["bins"]["reference"]
        if r["type"] == "numeric" and r["ks_stat"] is not None: assert abs(r["ks_stat"] - d[r["name"]]["ks_stat"]) <= r["ks_bound"] + 1e-12


def test_spark_refusals_are_one_line(data, tmp_path):
    base = ["ab", "--data", data/"events.parquet", "--unit", "user_id", "--variant", "variant", "--control", "control",
            "--metrics", demo_file("demo_metrics.yml"), "--engine", "spark", "--out", tmp_path/"r", "--quiet"]
    env = {"PATH": "/nonexistent-bin", "JAVA_HOME": ""}
    proc = run_mlbench(*base, env={**{k: v for k, v in os.environ.items() if k != "JAVA_HOME"}, **env})
    assert proc.returncode == 2 and len(problem_lines(proc.stderr)) == 1 and "needs a Java runtime" in proc.stderr, proc.stderr
    proc = run_mlbench(*base, "--spark-master", "spark://192.0.2.1:7077", env={"MLBENCH_SPARK_TIMEOUT": "5"}, timeout=120)
    assert proc.returncode == 2 and "Spark at spark://192.0.2.1:7077" in proc.stderr and len(problem_lines(proc.stderr)) == 1, proc.stderr
    proc = run_mlbench(*base, "--spark-master", "sc://192.0.2.1:15002", env={"MLBENCH_SPARK_TIMEOUT": "5"}, timeout=120)   # Spark Connect
    assert proc.returncode == 2 and "Spark at sc://192.0.2.1:15002 did not answer within 5 s" in proc.stderr and len(problem_lines(proc.stderr)) == 1, proc.stderr
    drift = run_mlbench("drift", "--reference", data/"ref.parquet", "--current", tmp_path/"no_such_folder/", "--engine", "spark",
                        "--out", tmp_path/"d", "--quiet")
    assert drift.returncode == 2 and "not found" in drift.stderr and len(problem_lines(drift.stderr)) == 1, drift.stderr
    assert not (tmp_path/"r").exists() and not (tmp_path/"d").exists()


def test_score_on_spark_equals_local_scoring(tmp_path):
    "A registered XGBoost model scores a file in Spark exactly as it does locally; the output reads into an evaluation"
    from mlbench.pipeline import train
    from mlbench.workspace import Workspace
    ws = tmp_path/"ws.duckdb"
    with Workspace(ws) as w: w.ingest(make_churn(4_000, seed=3), "customers")
    train(ws, "customers", "churned", name="churn", exclude=["gender"], progress=False, num_boost_round=40)
    make_churn(3_000, seed=4).to_parquet(tmp_path/"new.parquet")
    local = run_mlbench("score", "--model", "churn", "--data", tmp_path/"new.parquet", "--out", tmp_path/"local.parquet", "--workspace", ws, "--quiet")
    assert local.returncode == 0, local.stderr
    from mlbench.score import score
    res = score("churn", str(tmp_path/"new.parquet"), str(tmp_path/"spark.parquet"), workspace=ws, engine="spark")
    import pandas as pd
    a = pd.read_parquet(tmp_path/"local.parquet").sort_values("customer_id").reset_index(drop=True)
    b = pd.read_parquet(tmp_path/"spark.parquet").sort_values("customer_id").reset_index(drop=True)
    assert res.rows == len(a) == len(b) == 3_000 and (a.customer_id == b.customer_id).all()
    assert (a.score - b.score).abs().max() <= 1e-12 and set(b.mlbench_model) == {"churn:1"}
    ev = mlbench.evaluate(predictions=str(tmp_path/"spark.parquet"), n_resamples=20, workspace=str(ws))
    assert ev.body["metrics"]["roc_auc"]["value"] > 0.6, list(ev.body)


def test_validate_on_spark_agrees_with_duckdb(tmp_path):
    "Every check, one query each, gives the same verdict and the same observed value on both engines"
    import pandas as pd
    n = 3_000
    df = pd.DataFrame({"id": list(range(n - 2)) + [5, 6], "x": [float(i % 50) - 1 for i in range(n)],
                       "plan": (["basic", "pro", "team", "Gold"] * n)[:n], "code": (["AB-12", "AB-7", "zz"] * n)[:n],
                       "ts": pd.date_range("2026-01-01", periods=n, freq="min"), "y": [i % 3 == 0 for i in range(n)]})
    df.loc[::97, "x"] = None
    df.to_parquet(tmp_path/"d.parquet")
    (tmp_path/"e.yml").write_text("rows: {min: 100}\ncolumns:\n  id: {unique: true, not_null: true}\n  x: {min: 0, max: 40, max_null_share: 0.005}\n"
                                  "  plan: {allowed: [basic, pro, team]}\n  code: {regex: 'AB-[0-9]+'}\n  ts: {freshness: 30d}\n"
                                  "label: {column: y, allowed: ['true', 'false'], share: {'true': [0.3, 0.4]}}\nleakage: {max_auc: 0.95}\n")
    opts = dict(data=str(tmp_path/"d.parquet"), expect=str(tmp_path/"e.yml"), as_of="2026-01-20", workspace=str(tmp_path/"none.duckdb"))
    duck, spark = mlbench.validate(**opts, engine="duckdb"), mlbench.validate(**opts, engine="spark")
    key = lambda c: (c["check"], c["column"])
    d, s = ({key(c): c for c in r.body["checks"]} for r in (duck, spark))
    assert d.keys() == s.keys() and len(d) >= 12
    for k, a in d.items():
        b = s[k]
        assert a["passed"] == b["passed"] and (close(a["observed"], b["observed"]) if isinstance(a["observed"], float) else a["observed"] == b["observed"]), (k, a, b)
        assert len(a["failing_rows"]) == len(b["failing_rows"]), k
    assert {k for k, c in d.items() if not c["passed"]} >= {("unique", "id"), ("min", "x"), ("max", "x"), ("allowed", "plan"), ("regex", "code")}
    assert spark.provenance["engine"] == "spark" and duck.verdict().status == spark.verdict().status == "fail"


def test_train_on_spark_registers_a_model_every_path_reads(tmp_path):
    "xgboost.spark trains on a Parquet file; the registered booster scores locally and on Spark alike, as well as a local model"
    from mlbench.workspace import Workspace
    from mlbench.registry import get_model, load_model
    from sklearn.metrics import roc_auc_score
    ws = tmp_path/"ws.duckdb"
    train_rows, new = make_churn(6_000, seed=3), make_churn(3_000, seed=4)
    train_rows.to_parquet(tmp_path/"customers.parquet"); new.to_parquet(tmp_path/"new.parquet")
    proc = run_mlbench("train", "--table", tmp_path/"customers.parquet", "--target", "churned", "--exclude", "gender", "--name", "churn_spark",
                       "--engine", "spark", "--num-boost-round", "200", "--workspace", ws, "--quiet")
    assert proc.returncode == 0 and "registered churn_spark:1 (xgboost)" in proc.stdout and "trained on Spark" in proc.stdout, proc.stderr
    with Workspace(ws) as w: w.ingest(train_rows, "customers")
    assert run_mlbench("train", "--table", "customers", "--target", "churned", "--exclude", "gender", "--name", "churn_local",
                       "--num-boost-round", "200", "--workspace", ws, "--quiet").returncode == 0
    with Workspace(ws, read_only=True) as w:
        spark_model, local_model = (load_model(w, get_model(w, n)) for n in ("churn_spark", "churn_local"))
    assert spark_model.spec.categorical and spark_model.spec.task == "binary"
    auc = {n: roc_auc_score(new.churned, m.predict(new)) for n, m in (("spark", spark_model), ("local", local_model))}
    assert auc["spark"] > 0.7 and abs(auc["spark"] - auc["local"]) < 0.03, auc
    from mlbench.score import score
    score("churn_spark", str(tmp_path/"new.parquet"), str(tmp_path/"scored.parquet"), workspace=ws, engine="spark")
    import pandas as pd
    scored = pd.read_parquet(tmp_path/"scored.parquet").sort_values("customer_id")
    expected = pd.Series(spark_model.predict(new), index=new.customer_id).loc[scored.customer_id].to_numpy()
    assert abs(scored.score.to_numpy() - expected).max() <= 1e-12
    bad = run_mlbench("train", "--table", tmp_path/"customers.parquet", "--target", "plan", "--engine", "spark", "--workspace", ws, "--quiet")
    assert bad.returncode == 2 and len(problem_lines(bad.stderr)) == 1 and "binary classifiers, regressors and rankers" in bad.stderr, bad.stderr


def test_evaluate_on_spark_equals_duckdb(data, tmp_path):
    "Scored predictions evaluated on Spark from aggregates: DuckDB's exact metrics to 1e-9, AUC and average precision "
    "within the bound the JSON states, the same threshold table, segments and listed rows; a regression and its interval too"
    import numpy as np, pandas as pd
    rng = np.random.default_rng(11)
    n = 30_000
    y = rng.random(n) < 0.25
    df = pd.DataFrame({"churned": y, "score": 1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y - 1))), "plan": rng.choice(["basic", "pro", "team"], n),
                       "spend": rng.gamma(2, 50, n)})
    df.loc[:40, "score"] = np.round(df.score[:41], 2)              # scores on the threshold grid
    df["predicted_spend"] = df.spend * rng.lognormal(0, 0.2, n)
    df["low"], df["high"] = df.predicted_spend * 0.7, df.predicted_spend * 1.3
    df.loc[50:59, "score"] = np.nan
    df.to_parquet(tmp_path/"scored.parquet")
    for opts in (dict(target="churned", score="score", segments=["plan"], threshold_by="f1"),
                 dict(target="spend", score="predicted_spend", segments=["plan"], interval=["low", "high"])):
        duck = mlbench.evaluate(predictions=str(tmp_path/"scored.parquet"), n_resamples=300, **opts)
        spark = mlbench.evaluate(predictions=str(tmp_path/"scored.parquet"), n_resamples=300, engine="spark", **opts)
        a, b = duck.body, spark.body
        assert set(a) == set(b) and spark.provenance["engine"] == "spark" and spark.provenance["engine_info"]["master"] == "local[2]"
        bounds = {x["metric"]: x["bound"] for x in b["approximations"]}
        assert set(bounds) == ({"roc_auc", "pr_auc"} if a["task"] == "binary" else set())
        for k, m in a["metrics"].items():
            assert abs(b["metrics"][k]["value"] - m["value"]) <= bounds.get(k, 1e-9 * max(1.0, abs(m["value"]))), (k, m, b["metrics"][k])
            width = m["ci_high"] - m["ci_low"]
            assert abs(b["metrics"][k]["ci_low"] - m["ci_low"]) < 0.3 * width and abs(b["metrics"][k]["ci_high"] - m["ci_high"]) < 0.3 * width, k
        assert (a["n"], a["missing"], a["threshold"]) == (b["n"], b["missing"], b["threshold"])
        assert [(s["value"], s["n"]) for s in a["segments"]] == [(s["value"], s["n"]) for s in b["segments"]]
        if a["task"] == "binary":
            assert a["figures"]["thresholds"]["tp"] == b["figures"]["thresholds"]["tp"] and 0 < bounds["roc_auc"] < 1e-4
            assert [r["score"] for r in a["errors"]["false_positives"]] == [r["score"] for r in b["errors"]["false_positives"]]
        else:
            assert a["interval"]["coverage"] == b["interval"]["coverage"] and close(a["interval"]["mean_width"], b["interval"]["mean_width"])
    # through the CLI: a report with its JSON, and what Spark does not compute yet is one line
    proc = run_mlbench("evaluate", "--predictions", tmp_path/"scored.parquet", "--target", "churned", "--score", "score", "--engine", "spark",
                       "--bootstrap", "200", "--out", tmp_path/"report", "--quiet")
    assert proc.returncode == 0, proc.stderr
    import json
    body = json.loads((tmp_path/"report"/"evaluation.json").read_text())
    assert body["approximations"][0]["metric"] == "roc_auc" and "histogram" in (tmp_path/"report"/"evaluation.html").read_text()
    bad = run_mlbench("evaluate", "--predictions", tmp_path/"scored.parquet", "--target", "churned", "--score", "score", "--engine", "spark",
                      "--sensitive", "plan", "--out", tmp_path/"bad", "--quiet")
    assert bad.returncode == 2 and len(problem_lines(bad.stderr)) == 1 and "not computed on Spark yet" in bad.stderr, bad.stderr
    assert not (tmp_path/"bad").exists()


def test_train_a_ranker_on_spark(tmp_path):
    "SparkXGBRanker on whole queries: the registered ranker reads as any ranker, and beats the order the results were shown in"
    from mlbench.demo_data import make_search_results
    from mlbench.registry import get_model, load_model
    from mlbench.workspace import Workspace
    from mlbench.ranking import query_metrics
    ws = tmp_path/"ws.duckdb"
    make_search_results(600, seed=2).to_parquet(tmp_path/"search.parquet")
    proc = run_mlbench("train", "--table", tmp_path/"search.parquet", "--target", "relevance", "--group", "query_id", "--exclude", "shown_position",
                       "--exclude", "item_id", "--name", "ranker", "--engine", "spark", "--num-boost-round", "150", "--workspace", ws, "--quiet")
    assert proc.returncode == 0 and "task: ranking" in proc.stdout and "registered ranker:1" in proc.stdout, proc.stderr + proc.stdout
    with Workspace(ws, read_only=True) as w:
        record = get_model(w, "ranker"); model = load_model(w, record)
    assert model.spec.task == "ranking" and model.spec.group == "query_id" and "query_id" not in model.spec.columns
    assert record.params["training"]["split"]["method"] == "group_hash"
    new = make_search_results(300, seed=9)
    learned = query_metrics(new.relevance.to_numpy(), model.predict(new), new.query_id.to_numpy(), ks=(10,))["ndcg@10"].mean()
    shown = query_metrics(new.relevance.to_numpy(), -new.shown_position.to_numpy(float), new.query_id.to_numpy(), ks=(10,))["ndcg@10"].mean()
    assert learned > shown + 0.02 and record.metrics["valid_ndcg@10"] > 0.7, (learned, shown, record.metrics)


def test_drift_windows_and_performance_on_spark(data, tmp_path):
    "Per-window drift (DuckDB's time_bucket windows) and the performance change on Spark: the windows, their PSI and the "
    "exact metrics equal DuckDB's; ROC AUC and average precision within the stated bound"
    import numpy as np, pandas as pd
    ref, cur = pd.read_parquet(data/"ref.parquet"), pd.read_parquet(data/"cur.parquet")
    for i, df in enumerate((ref, cur)):
        noise = np.random.default_rng(i).normal(0, 1, len(df))
        df["score"] = 1 / (1 + np.exp(-(1.5 * df.churned - 1 + noise * (1 + i))))     # worse on the current data
        df.to_parquet(tmp_path/f"{('ref', 'cur')[i]}.parquet")
    opts = dict(reference=str(tmp_path/"ref.parquet"), current=str(tmp_path/"cur.parquet"), time="signup_at", window="1w",
                prediction="score", target="churned", columns=["tenure_months", "monthly_charges", "plan"], workspace=str(tmp_path/"ws.duckdb"))
    duck, spark = (mlbench.drift(**opts, engine=e).body for e in ("duckdb", "spark"))
    assert [w["window_start"] for w in duck["windows"]] == [w["window_start"] for w in spark["windows"]] and len(duck["windows"]) >= 4
    for a, b in zip(duck["windows"], spark["windows"]):
        assert a["rows"] == b["rows"] and a.keys() == b.keys() and a["major"] == b["major"]
        assert all(close(a["columns"][k], b["columns"][k]) for k in a["columns"]), (a["columns"], b["columns"])
    assert duck["left_out"] == spark["left_out"]
    bounds = {(x["side"], x["metric"]): x["bound"] for x in spark["performance"]["approximations"]}
    assert duck["performance"]["approximations"] == [] and set(bounds) == {(s, m) for s in ("reference", "current") for m in ("roc_auc", "pr_auc")}
    for side in ("reference", "current"):
        for k, v in duck["performance"][side].items():
            assert abs(spark["performance"][side][k] - v) <= bounds.get((side, k), 1e-9 * max(1, abs(v))), (side, k, v, spark["performance"][side][k])
    assert spark["performance"]["change"]["roc_auc"] < -0.05 and spark["status"] == duck["status"]
    # a reference profile with its performance, made on Spark: the same calibration table and metrics (within the bounds)
    ws = tmp_path/"ws.duckdb"
    from mlbench.profile import load_profile, make_profile
    for engine in ("duckdb", "spark"):              # in this process: the module's Spark session (the CLI's profile is tested above)
        make_profile(str(tmp_path/"ref.parquet"), name=f"ref_{engine}", score="score", target="churned",
                     columns=["tenure_months", "plan", "score"], engine=engine, workspace=ws)
    d, s = (load_profile(f"profile:ref_{e}", ws).profile["performance"] for e in ("duckdb", "spark"))
    assert [(r["bin"], r["rows"]) for r in d["calibration"]] == [(r["bin"], r["rows"]) for r in s["calibration"]]
    assert all(close(a["mean_score"], b["mean_score"]) for a, b in zip(d["calibration"], s["calibration"]))
    bounds = {x["metric"]: x["bound"] for x in s["approximations"]}
    assert all(abs(d["metrics"][k] - s["metrics"][k]) <= bounds.get(k, 1e-9) for k in d["metrics"]), (d["metrics"], s["metrics"])
    against = mlbench.drift(reference="profile:ref_spark", current=str(tmp_path/"cur.parquet"), prediction="score", target="churned",
                            columns=["tenure_months"], engine="spark", workspace=str(ws)).body
    assert against["performance"]["reference"] == s["metrics"] and close(against["performance"]["current"]["log_loss"], duck["performance"]["current"]["log_loss"])
