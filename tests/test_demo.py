"""`mlbench demo`: the main job end to end, with the default workspace and reports folder, and reproducible."""
import json

from conftest import run_mlbench


METRICS = {"roc_auc", "pr_auc", "log_loss", "brier", "ece", "accuracy", "precision", "recall", "f1"}


def test_demo_writes_reports_json_html_and_index(demo):
    report = demo["report"]
    assert sorted(p.name for p in report.iterdir()) == ["evaluation.html", "evaluation.ipynb", "evaluation.json"]
    data = json.loads((report/"evaluation.json").read_text())
    assert data["kind"] == "evaluation" and data["task"] == "binary" and data["source"]["split"] == "test"
    assert data["schema_version"] == 2 and data["provenance"]["inputs"]["data"]["split"] == "test"
    assert set(data["metrics"]) == METRICS
    assert all(m["ci_low"] <= m["value"] <= m["ci_high"] for m in data["metrics"].values())
    assert data["metrics"]["roc_auc"]["ci_low"] > 0.75
    assert data["comparison"]["baseline"] == "churn_xgb_baseline:1" and data["comparison"]["auc_p_value"] is not None
    assert {s["column"] for s in data["segments"]} == {"plan", "region"}
    assert data["fairness"][0]["column"] == "gender" and len(data["fairness"][0]["groups"]) == 3
    assert data["explanations"]["global"][0]["mean_abs_shap"] > 0
    prov = data["provenance"]
    assert prov["model"] == "churn_xgb:1" and prov["data_snapshot"].startswith("snap_")
    assert prov["renderer"].startswith("nbconvert ") and prov["packages"]["xgboost"]
    index = (demo["reports"]/"index.html").read_text()
    for href in ("evaluation-churn_xgb-v1/evaluation.html", "evaluation-churn_xgb-v2/evaluation.html",
                 "model_card-churn_xgb-v2/model_card.html", "plan-checkout/plan.html", "ab-checkout/ab.html", "drift-customers/drift.html", "validation-customers/validation.html"):
        assert f'href="{href}"' in index


def test_demo_reads_out_a_ranker_over_queries(demo):
    data = json.loads((demo["reports"]/"evaluation-search_ranker-v1"/"evaluation.json").read_text())
    assert data["task"] == "ranking" and data["headline_metric"]["name"] == "ndcg@10"
    assert {"ndcg@5", "ndcg@10", "map@10", "recall@10", "precision@10", "mrr"} <= set(data["metrics"])
    assert data["ranking"]["queries"] > 300 and data["comparison"]["baseline"] == "search_ranker_baseline:1"
    assert data["comparison"]["metrics"]["ndcg@10"]["diff"] > 0
    assert sum(s["n"] for s in data["segments"]) == data["ranking"]["queries"]      # segments count queries, each once
    assert 'href="evaluation-search_ranker-v1/evaluation.html"' in (demo["reports"]/"index.html").read_text()


def test_demo_monitor_sees_the_drift_before_the_labels(demo):
    data = json.loads((demo["reports"]/"monitor-churn_xgb"/"monitor.json").read_text())
    windows = data["windows"]
    assert data["kind"] == "monitor" and len(windows) == 12 and data["labels"]["never_joined"] == 0
    assert [w["realized"]["roc_auc"] is None for w in windows[-2:]] == [True, True]     # labels two weeks late
    reference = sum(w["estimated"]["roc_auc"]["value"] for w in windows[:4]) / 4
    assert windows[-1]["estimated"]["roc_auc"]["ci_high"] < reference                   # the estimate has dropped already
    assert data["verdict"]["status"] == "fail" and data["latest_alerts"][0]["line"] == 4
    assert 'href="monitor-churn_xgb/monitor.html"' in (demo["reports"]/"index.html").read_text()


def test_demo_challenger_is_gated_against_the_champion(demo):
    data = json.loads((demo["reports"]/"evaluation-churn_xgb-v2"/"evaluation.json").read_text())
    assert data["comparison"]["baseline"] == "churn_xgb:1"
    assert [g["line"] for g in data["gates"]] == [3, 4, 5, 6]
    assert data["passed"] == all(g["passed"] for g in data["gates"])
    assert data["calibration"]["recalibration"]["method"] == "isotonic"


def test_demo_model_card_cites_lineage_and_evaluation(demo):
    card = json.loads((demo["reports"]/"model_card-churn_xgb-v2"/"model_card.json").read_text())
    evaluation = json.loads((demo["reports"]/"evaluation-churn_xgb-v2"/"evaluation.json").read_text())
    assert card["kind"] == "model_card" and card["model"]["ref"] == "churn_xgb:2"
    assert card["training_data"]["snapshot_id"] == evaluation["provenance"]["data_snapshot"]
    assert card["training_data"]["rows"] == 60_000 and card["training_data"]["schema"]
    assert card["evaluation"]["metrics"] == evaluation["metrics"] and card["evaluation"]["passed"] == evaluation["passed"]
    assert card["sections"]["intended_use"].startswith("Rank active subscribers")
    assert card["reproducibility"]["seed"] == 42


def test_page_names_renderer_snapshot_model_and_time(demo):
    data = json.loads((demo["report"]/"evaluation.json").read_text())
    page = (demo["report"]/"evaluation.html").read_text()
    assert 'name="mlbench-renderer" content="nbconvert' in page and "Rendered by nbconvert" in page
    for text in (data["provenance"]["data_snapshot"], "churn_xgb:1", data["provenance"]["created_at"]):
        assert text in page
    assert page.count('id="mlbench-plotly"') == 1, "plotly.js must be in the page exactly once (compressed)"
    assert page.count('type="text/x-mlbench-figure"') >= 10, "each figure's script, compressed, drawn once plotly.js is in"
    assert len(page) < 2_600_000, len(page)              # was 5.0 MB with plotly.js inlined whole


def test_models_and_runs_list_what_the_demo_did(demo):
    models = run_mlbench("models", "--json", cwd=demo["root"])
    assert models.returncode == 0, models.stderr
    rows = json.loads(models.stdout)
    assert {(r["name"], r["version"], r["kind"], r["task"]) for r in rows} == {
        ("churn_xgb", 1, "xgboost", "binary"), ("churn_xgb", 2, "xgboost", "binary"), ("churn_xgb_baseline", 1, "logistic", "binary"),
        ("search_ranker", 1, "xgboost", "ranking"), ("search_ranker_baseline", 1, "linear", "ranking")}
    runs = json.loads(run_mlbench("runs", "--json", cwd=demo["root"]).stdout)
    assert sorted(r["command"] for r in runs) == ["ab", "ab-plan", "card", "drift", "evaluate", "evaluate", "evaluate", "ingest", "monitor",
                                                  "score", "train", "train", "train", "validate", "validate --infer"]
    assert {r["status"] for r in runs} == {"succeeded"}


def test_artifacts_are_xgboost_ubj_and_json_never_pickle(demo):
    models = demo["workspace"].parent/"models"
    files = sorted(p.relative_to(models).as_posix() for p in models.rglob("*") if p.is_file())
    assert files == ["churn_xgb/v1/model.ubj", "churn_xgb/v2/model.ubj", "churn_xgb_baseline/v1/model.json",
                     "search_ranker/v1/model.ubj", "search_ranker_baseline/v1/model.json"]
    assert not list(demo["root"].rglob("*.pkl")) and not list(demo["root"].rglob("*.pickle"))
    json.loads((models/"churn_xgb_baseline"/"v1"/"model.json").read_text())


def test_demo_twice_gives_same_hash_sha_and_metrics(demo, tmp_path):
    again = run_mlbench("demo", "--quiet", "--workspace", tmp_path/"ws2.duckdb", "--out", tmp_path/"out", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    first = json.loads((demo["report"]/"evaluation.json").read_text())
    second = json.loads((tmp_path/"out"/"evaluation-churn_xgb-v1"/"evaluation.json").read_text())
    assert first["provenance"]["data_snapshot"] == second["provenance"]["data_snapshot"]
    assert first["provenance"]["model_sha256"] == second["provenance"]["model_sha256"]
    assert first["metrics"] == second["metrics"] and first["comparison"] == second["comparison"]
    assert (tmp_path/"out"/"index.html").exists() and not (tmp_path/"reports").exists()


def test_demo_experiment_finds_the_known_effect(demo):
    data = json.loads((demo["reports"]/"ab-checkout"/"ab.json").read_text())
    conv = next(m for m in data["metrics"] if m["name"] == "conversion")
    assert conv["abs_ci_low"] <= 0.015 <= conv["abs_ci_high"] and data["decision"] == "ship"
    assert not data["srm"]["flagged"]
    latency = next(m for m in data["metrics"] if m["name"] == "latency")
    assert latency["guardrail"] and latency["guardrail_status"] == "pass"


def test_demo_drift_flags_exactly_the_known_shifts(demo):
    data = json.loads((demo["reports"]/"drift-customers"/"drift.json").read_text())
    assert sorted(r["name"] for r in data["columns"] if r["drifted"]) == ["monthly_charges", "plan"]
    assert len(data["windows"]) >= 4


def test_demo_data_passes_its_inferred_expectations(demo):
    data = json.loads((demo["reports"]/"validation-customers"/"validation.json").read_text())
    assert data["passed"] and len(data["checks"]) > 40 and data["rows"] == 60_000


def test_demo_training_table_is_built_point_in_time(demo):
    "The trained-on `support_tickets_90d` is the 90-day count of the ticket log as of the label time, and no later ticket"
    import duckdb
    from mlbench.demo_data import REFERENCE_DATE
    con = duckdb.connect(str(demo["workspace"]), read_only=True)
    try:
        as_of = f"TIMESTAMP '{REFERENCE_DATE:%Y-%m-%d %H:%M:%S}'"
        mismatches, later, customers = con.execute(f"""
            WITH counted AS (
                SELECT c.customer_id, c.support_tickets_90d AS stored,
                       count(t.ticket_id) AS by_definition
                FROM customers c LEFT JOIN support_tickets t
                  ON t.customer_id = c.customer_id AND t.opened_at <= {as_of} AND t.opened_at > {as_of} - INTERVAL 90 DAY
                GROUP BY ALL)
            SELECT count(*) FILTER (WHERE stored != by_definition),
                   (SELECT count(*) FROM support_tickets WHERE opened_at > {as_of}),
                   count(*) FROM counted""").fetchone()
    finally: con.close()
    assert customers == 60_000 and later > 0 and mismatches == 0
