"""The demo's pages in headless Chromium, offline: no console errors, nothing fetched from the network, charts drawn."""
import os, re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("MLBENCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_offline(browser, path: Path):
    "Open a file page with every non-file request aborted; return the page, console errors and requested URLs"
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort())
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, requests


def test_evaluation_page_draws_offline(browser, demo):
    page, errors, requests = open_offline(browser, demo["report"]/"evaluation.html")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    plots = page.locator(".js-plotly-plot")
    assert plots.count() >= 10
    for i in range(plots.count()):
        drawn = plots.nth(i).locator("g.trace").count()
        assert drawn >= 1, f"chart {i} drew no traces"
    roc = plots.nth(0)
    assert roc.locator("g.scatterlayer path.js-line").count() >= 3, "the ROC chart draws model, baseline and chance"
    assert page.locator("h1").first.inner_text() == "Evaluation of churn_xgb:1 on customers / test"
    assert "Rendered by nbconvert" in page.locator("footer.mlbench-renderer").inner_text()
    page.close()


def test_model_card_opens_offline(browser, demo):
    page, errors, requests = open_offline(browser, demo["reports"]/"model_card-churn_xgb-v2"/"model_card.html")
    assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests)
    assert page.locator("h1").first.inner_text() == "Model card of churn_xgb:2"
    assert "Rank active subscribers" in page.content()
    page.close()


def test_experiment_readout_draws_offline(browser, demo):
    page, errors, requests = open_offline(browser, demo["reports"]/"ab-checkout"/"ab.html")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests)
    assert page.locator(".js-plotly-plot").count() >= 5
    assert "Decision: SHIP" in page.content()
    page.close()


def test_index_links_the_report(browser, demo):
    page, errors, requests = open_offline(browser, demo["reports"]/"index.html")
    assert errors == [] and all(u.startswith("file:") for u in requests)
    assert page.locator("tr.subject").count() >= 4 and page.locator("td.status-pass, td.status-fail").count() >= 5
    page.fill("#filter", "churn_xgb:1")                    # the filter box, offline: only that model's group stays
    visible = [t for t in page.locator("tr.report").all_inner_texts() if t.strip()]
    assert page.locator("tr.report:visible").count() == 2 and page.locator("tbody.group:visible").count() == 1, visible  # evaluation, monitor
    # the model's group shows its headline metric across versions: a dot and an interval per version
    history = page.locator("tbody.group:visible svg.mlbench-history")
    assert history.count() == 1 and history.locator("circle").count() == 2 and "roc_auc" in history.locator("title").first.text_content()
    page.fill("#filter", "")
    assert page.locator("tr.report:visible").count() == 9
    link = page.locator('a[href="evaluation-churn_xgb-v1/evaluation.html"]')
    link.click()
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    assert page.url.endswith("evaluation-churn_xgb-v1/evaluation.html")
    page.close()


SHOTS = Path(os.environ.get("MLBENCH_SCREENSHOTS", Path(__file__).resolve().parents[1]/"build"/"screenshots"))
TITLES = {"evaluation-churn_xgb-v1": "Evaluation of churn_xgb:1 on customers / test",
          "evaluation-churn_xgb-v2": "Evaluation of churn_xgb:2 on customers / test",
          "model_card-churn_xgb-v2": "Model card of churn_xgb:2",
          "plan-checkout": "Experiment plan: a proportion metric from 0.1, detecting 0.015 (+15.0%)",
          "ab-checkout": "Experiment experiment_events.parquet: treatment vs control",
          "validation-customers": "Validation of customers",
          "drift-customers": "Drift of customers_current.parquet against customers",
          "evaluation-search_ranker-v1": "Evaluation of search_ranker:1 on search_results / test",
          "monitor-churn_xgb": "Monitoring of churn_xgb:1 on production_scored.parquet"}
RELATED = {"evaluation-churn_xgb-v1": {"evaluation-churn_xgb-v2"}, "evaluation-churn_xgb-v2": {"evaluation-churn_xgb-v1", "model_card-churn_xgb-v2"},
           "model_card-churn_xgb-v2": {"evaluation-churn_xgb-v2"}, "validation-customers": {"drift-customers"},
           "drift-customers": {"validation-customers"}, "plan-checkout": set(), "ab-checkout": set(), "evaluation-search_ranker-v1": set(),
           "monitor-churn_xgb": set()}


def test_every_page_opens_with_its_verdict_and_a_way_back(browser, demo):
    """Each demo page, at 1280 px: its title names the subject, the summary box (verdict coloured, headline) comes before
    any table or chart, it links back to the index and to its related reports, has a contents line, one font family,
    no table or chart wider than the page, and no raw Python value in a table. A screenshot of each is kept in
    build/screenshots/ (not committed) for a person to look at."""
    pages = sorted(demo["reports"].glob("*/*.html"))
    assert len(pages) == 9, pages          # evaluation x 2 + the ranker's, model card, plan, experiment, validation, drift, monitor
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in pages:
        page, errors, _ = open_offline(browser, path)
        page.set_viewport_size({"width": 1280, "height": 900})
        folder = path.parent.name
        assert page.locator("h1").first.inner_text() == TITLES[folder], folder
        assert page.title() == TITLES[folder], folder
        box = page.locator(".mlbench-summary")
        assert box.count() == 1 and errors == [], (path, errors)
        status = box.get_attribute("class").split("mlbench-")[-1]
        word = box.locator(".mlbench-verdict").inner_text()
        assert (status, word) in {("pass", "PASS"), ("fail", "FAIL"), ("inconclusive", "INCONCLUSIVE"), ("pass", "SHIP"),
                                  ("fail", "DON'T SHIP")}, (path, status, word)
        colour = box.evaluate("e => getComputedStyle(e).borderLeftColor")
        assert colour == {"pass": "rgb(26, 127, 55)", "fail": "rgb(207, 34, 46)", "inconclusive": "rgb(154, 103, 0)"}[status], colour
        assert box.locator(".mlbench-headline").inner_text().strip(), path
        # the summary comes before any table or chart
        assert page.evaluate("""() => { const box = document.querySelector('.mlbench-summary');
            const first = document.querySelector('table, .js-plotly-plot');
            return !first || !!(box.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING); }"""), path
        cells = [c for c in page.locator("table td").all_inner_texts() if not c.startswith("mlbench ")]  # commands verbatim
        raw = [c for c in cells if re.fullmatch(r"True|False|None|nan|NaN|\[\]|\{\}|-?\d{2,}\.0{4,}|.*\d\.0*[1-9]\d{6,}.*", c.strip())]
        assert raw == [], (path, raw[:5])                 # numbers formatted for readers, no raw Python values
        back = page.locator("nav.mlbench-nav a").first
        assert back.get_attribute("href") == "../index.html" and (path.parent/"../index.html").resolve().is_file(), path
        related = {h.split("/")[1] for h in page.locator("nav.mlbench-nav a.mlbench-related").evaluate_all("as => as.map(a => a.getAttribute('href'))")}
        assert related == RELATED[folder], (folder, related)
        assert all((path.parent/"..").joinpath(folder, "x").parent.is_dir() for folder in related)
        sections = page.locator("h2").count()
        assert sections < 2 or page.locator("nav.mlbench-toc a").count() == sections, folder
        fonts = set(page.evaluate("() => [...document.querySelectorAll('h1, h2, p, td, th, li, nav')].map(e => getComputedStyle(e).fontFamily)"))
        assert len(fonts) == 1 and "system-ui" in fonts.pop(), folder
        wide = page.evaluate("() => [...document.querySelectorAll('table, .js-plotly-plot')].filter(e => e.getBoundingClientRect().right > 1280).length")
        assert wide == 0 and page.evaluate("document.documentElement.scrollWidth") <= 1280, folder
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS/f"{folder}.png"), full_page=True)
        page.close()


HOSTILE_COLUMN = "<img src=x onerror=alert(1)>"
HOSTILE_VALUE = "<script>alert(2)</script>"


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    "One report of each data-reading kind whose column names and values are script payloads"
    import numpy as np, pandas as pd
    from mlbench.reports import publish
    from mlbench.drift import DriftConfig
    from mlbench.validation import ValidationConfig, infer_expectations, write_expectations
    from mlbench.evaluation import EvaluationConfig
    from mlbench.ab_readout import ABReadoutConfig
    d = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(0)
    n = 2_000
    df = pd.DataFrame({HOSTILE_COLUMN: rng.normal(0, 1, n), "segment": rng.choice([HOSTILE_VALUE, "plain"], n),
                       "y": rng.integers(0, 2, n), "unit": np.arange(n),
                       "arm": rng.choice(["control", "<img src=y onerror=alert(3)>"], n)})
    df["p"] = np.clip(0.3 + 0.4 * df.y + rng.normal(0, 0.2, n), 0, 1)
    df.to_parquet(d/"ref.parquet")
    df.assign(**{HOSTILE_COLUMN: df[HOSTILE_COLUMN] + 1}).to_parquet(d/"cur.parquet")
    write_expectations(infer_expectations(str(d/"ref.parquet")), d/"expect.yml")
    (d/"metrics.yml").write_text("primary: y\nmetrics:\n  - {name: y, type: proportion, column: y}\n")
    common = dict(renderer="nbconvert", progress=False)
    ws = str(d/"none.duckdb")
    from mlbench.pipeline import train
    from mlbench.model_card import CardConfig
    from mlbench.workspace import Workspace
    card_ws = d/"card.duckdb"
    with Workspace(card_ws) as w: w.ingest(df.drop(columns=["arm"]), "rows")
    train(card_ws, "rows", "y", name="hostile", exclude=[HOSTILE_COLUMN], baseline=False, progress=False, num_boost_round=20)
    (d/"card.yml").write_text(f"intended_use: '{HOSTILE_VALUE}'\nlimitations: ['{HOSTILE_COLUMN}']\n")
    return [publish("drift", DriftConfig(str(d/"ref.parquet"), str(d/"cur.parquet"), workspace=ws), out=d/"drift", **common).html,
            publish("validation", ValidationConfig(str(d/"cur.parquet"), str(d/"expect.yml"), workspace=ws), out=d/"validation", **common).html,
            publish("evaluation", EvaluationConfig(predictions=str(d/"ref.parquet"), target="y", score="p", segments=["segment"],
                                                   sensitive=["segment"], n_resamples=50, workspace=ws), out=d/"evaluation", **common).html,
            publish("ab", ABReadoutConfig(str(d/"ref.parquet"), "unit", "arm", "control", str(d/"metrics.yml"), segments=["segment"],
                                          workspace=ws), out=d/"ab", **common).html,
            publish("model_card", CardConfig("hostile", card_info=str(d/"card.yml"), workspace=str(card_ws)), out=d/"card", **common).html]


def test_nothing_from_data_runs_in_any_report(browser, hostile_reports):
    for page_path in hostile_reports:
        page, errors, requests = open_offline(browser, page_path)
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.reload(wait_until="load")
        page.wait_for_timeout(500)
        html = page.content()
        assert dialogs == [], (page_path.name, dialogs)
        assert "&lt;img src=" in html or "&lt;script&gt;" in html, f"{page_path.name}: the payload is not shown as text"
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == [], page_path.name
        page.close()


def test_no_pickle_or_eval_on_user_input():
    "The package never unpickles, evals or execs (a grep of every module)"
    import re
    root = Path(__file__).resolve().parents[1]/"mlbench"
    pattern = re.compile(r"\b(pickle|joblib|cloudpickle|dill)\b|\beval\(|\bexec\(|allow_pickle\s*=\s*True")
    hits = [f"{p.name}:{i}: {line.strip()}" for p in root.glob("*.py") for i, line in enumerate(p.read_text().splitlines(), 1)
            if pattern.search(line) and not line.lstrip().startswith("#")]
    # the one exec: reports.run_cell runs a report template's cells in process, as papermill's kernel would run them;
    # it takes a template's code, never data (the template reads the result JSON with json.loads)
    template_runner = [h for h in hits if h.startswith("reports.py:") and "exec(compile(tree, name, \"exec\"), namespace)" in h]
    assert len(template_runner) == 1 and hits == template_runner, hits


def test_regression_report_leaves_out_the_classifier_sections(browser, tmp_path):
    "A regression's page has no calibration, thresholds or fairness section, and its contents line does not list them"
    import numpy as np, pandas as pd
    from mlbench.reports import publish
    from mlbench.evaluation import EvaluationConfig
    rng = np.random.default_rng(3)
    y = rng.gamma(2.0, 50.0, 3_000)
    pd.DataFrame({"spend": y, "forecast": y + rng.normal(0, 20, y.size), "region": rng.choice(["north", "south"], y.size)}
                 ).to_parquet(tmp_path/"forecasts.parquet")
    html_path = publish("evaluation", EvaluationConfig(predictions=str(tmp_path/"forecasts.parquet"), target="spend", score="forecast",
                                                       segments=["region"], n_resamples=50,
                                                       workspace=str(tmp_path/"none.duckdb")),
                        out=tmp_path/"reports"/"regression", renderer="nbconvert", progress=False).html
    page, errors, _ = open_offline(browser, html_path)
    headings = [h.replace("¶", "").strip() for h in page.locator("h2").all_inner_texts()]
    assert errors == [] and "Metrics" in headings and "Segments" in headings, headings
    assert not {"Calibration", "Thresholds", "Fairness"} & set(headings), headings
    assert [t.strip() for t in page.locator("nav.mlbench-toc a").all_inner_texts()] == headings
    assert page.locator("h1").first.inner_text() == "Evaluation of forecast in forecasts.parquet"
    page.close()
