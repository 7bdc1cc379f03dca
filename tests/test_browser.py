"""The demo's pages in headless Chromium, offline: no console errors, nothing fetched from the network, charts drawn."""
import os
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
    assert page.locator("h1").first.inner_text() == "Model evaluation"
    assert "Rendered by nbconvert" in page.locator("footer.mlbench-renderer").inner_text()
    page.close()


def test_model_card_opens_offline(browser, demo):
    page, errors, requests = open_offline(browser, demo["reports"]/"model_card-churn_xgb-v2"/"model_card.html")
    assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests)
    assert page.locator("h1").first.inner_text() == "Model card"
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
    link = page.locator('a[href="evaluation-churn_xgb-v1/evaluation.html"]')
    link.click()
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    assert page.url.endswith("evaluation-churn_xgb-v1/evaluation.html")
    page.close()
