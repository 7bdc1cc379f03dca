"""Opt-in: the Quarto path with a real `quarto` on PATH (run with `make test-quarto`). The same offline checks as the
nbconvert pages: nothing fetched from the network, no console error, charts drawn, the renderer named, the summary box
and the way back; then `quarto render reports/` and its post-render step give the same pages."""
import json, os, shutil, subprocess, sys
from pathlib import Path

from test_browser import browser, open_offline  # noqa: F401  (the Chromium fixture and the offline page opener)

ROOT = Path(__file__).resolve().parents[2]


def test_quarto_is_on_path():
    assert shutil.which("quarto"), "make test-quarto needs Quarto on PATH (https://quarto.org/docs/get-started/)"


def test_demo_rendered_by_quarto_opens_offline(browser, tmp_path):  # noqa: F811
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLBENCH_")}
    proc = subprocess.run([str(Path(sys.executable).parent/"mlbench"), "demo", "--quiet", "--renderer", "quarto"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    pages = sorted((tmp_path/"reports").glob("*/*.html"))
    assert len(pages) == 7
    for path in pages:
        page, errors, requests = open_offline(browser, path)
        assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests), (path, errors)
        assert page.locator(".mlbench-summary").count() == 1 and page.locator("nav.mlbench-nav a").first.get_attribute("href") == "../index.html"
        assert 'content="quarto ' in page.content()
        if page.locator(".js-plotly-plot").count():
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
        page.close()
    # `quarto render reports/` with the project file and its post-render step: the same clean pages
    shutil.copy(ROOT/"reports"/"_quarto.yml", tmp_path/"reports"/"_quarto.yml")
    shutil.copy(ROOT/"reports"/"_finish.py", tmp_path/"reports"/"_finish.py")
    bindir = str(Path(sys.executable).parent)
    proc = subprocess.run(["quarto", "render", "reports"], cwd=tmp_path, capture_output=True, text=True, timeout=1800,
                          env={**env, "PATH": f"{bindir}{os.pathsep}{env['PATH']}", "QUARTO_PYTHON": sys.executable})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "define is not defined" not in proc.stderr + proc.stdout
    for path in pages:
        page, errors, requests = open_offline(browser, path)
        assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests), (path, errors)
        assert 'content="quarto ' in page.content() and page.locator(".mlbench-summary").count() == 1
        page.close()
    data = json.loads(next((tmp_path/"reports").glob("evaluation-*/evaluation.json")).read_text())
    assert data["provenance"]["renderer"].startswith("quarto ")
