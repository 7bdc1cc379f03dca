"""The Quarto render path. Quarto cannot be installed on CI machines, so these tests put a stand-in `quarto` on PATH
that records how mlbench calls it and answers the way Quarto 1.7 does for a notebook with HTML outputs (the CDN
tags from quarto-cli's src/core/jupyter/widgets.ts). They check mlbench's side of the contract: the command line,
choosing Quarto when it is there, stripping what would load from the network, naming the renderer, and failing
in one line. The project file is checked against the keys Quarto documents."""
import json, os, stat, sys
from pathlib import Path

import pytest
import yaml

from conftest import run_mlbench, problem_lines

ROOT = Path(__file__).resolve().parents[1]

FAKE_QUARTO = r'''#!PYTHON
import json, sys
from pathlib import Path
args = sys.argv[1:]
if args == ["--version"]:
    print("1.7.34"); sys.exit(0)
Path("CALLS").open("a").write(json.dumps({"args": args, "cwd": str(Path.cwd()), "project_file": Path("_quarto.yml").is_file()}) + "\n")
if "FAIL" in Path("MODE").read_text():
    print("ERROR: pandoc exited with code 1", file=sys.stderr); sys.exit(1)
nb = Path(args[1])
out = Path(args[args.index("--output") + 1])
body = "".join("".join(o.get("data", {}).get("text/html", [])) for c in json.loads(nb.read_text())["cells"]
               for o in c.get("outputs", []))
out.write_text("""<!DOCTYPE html><html><head><title>Model evaluation</title>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js" integrity="sha512-c3Nl8" crossorigin="anonymous"></script>
<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js" integrity="sha512-bLT0" crossorigin="anonymous" data-relocate-top="true"></script>
<script type="application/javascript" data-relocate-top="true">define('jquery', [],function() {return window.jQuery;})</script>
</head><body><main><h1 class="title">Model evaluation</h1>""" + body + "</main></body></html>")
'''


@pytest.fixture
def fake_quarto(tmp_path, monkeypatch):
    "Put a stand-in `quarto` first on PATH; return (calls file, mode file)"
    bindir = tmp_path/"bin"
    bindir.mkdir()
    calls, mode = tmp_path/"calls.jsonl", tmp_path/"mode"
    mode.write_text("OK")
    script = FAKE_QUARTO.replace("PYTHON", sys.executable).replace('"CALLS"', repr(str(calls))).replace('"MODE"', repr(str(mode)))
    (bindir/"quarto").write_text(script)
    (bindir/"quarto").chmod((bindir/"quarto").stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return calls, mode


def test_quarto_is_used_when_on_path_and_its_cdn_tags_are_stripped(demo, fake_quarto, tmp_path):
    calls, _ = fake_quarto
    dest = tmp_path/"evaluation.html"
    proc = run_mlbench("render", demo["report"]/"evaluation.ipynb", "--out", dest, env={"PATH": os.environ["PATH"]})
    assert proc.returncode == 0, proc.stderr
    assert "rendered by quarto 1.7.34" in proc.stdout
    (call,) = [json.loads(line) for line in calls.read_text().splitlines()]
    args = call["args"]
    assert args[:4] == ["render", "evaluation.ipynb", "--to", "html"] and "--no-execute" in args
    assert call["project_file"], "mlbench's own renders get the package's _quarto.yml (layout options) beside the notebook"
    assert ["-M", "embed-resources:true"] == args[args.index("-M"):args.index("-M") + 2]
    page = dest.read_text()
    assert "cdnjs" not in page and "define('jquery'" not in page
    assert 'name="mlbench-renderer" content="quarto 1.7.34"' in page and 'type="text/x-mlbench-figure"' in page


def test_a_failing_quarto_is_one_line_and_leaves_nothing(demo, fake_quarto, tmp_path):
    _, mode = fake_quarto
    mode.write_text("FAIL")
    dest = tmp_path/"evaluation.html"
    proc = run_mlbench("render", demo["report"]/"evaluation.ipynb", "--out", dest, env={"PATH": os.environ["PATH"]})
    assert proc.returncode == 2 and len(problem_lines(proc.stderr)) == 1
    assert "quarto render failed" in proc.stderr and "--renderer nbconvert" in proc.stderr
    assert not dest.exists()


def test_quarto_project_file_renders_executed_notebooks_without_executing():
    cfg = yaml.safe_load((ROOT/"reports"/"_quarto.yml").read_text())
    assert set(cfg) == {"project", "format", "execute"}
    assert cfg["project"]["type"] == "default" and cfg["project"]["post-render"] == "_finish.py"
    assert (ROOT/"reports"/"_finish.py").is_file()
    own = yaml.safe_load((ROOT/"mlbench"/"templates"/"_quarto.yml").read_text())
    assert own["format"] == cfg["format"] and cfg["format"]["html"]["page-layout"] == "full"
    assert "*/*.ipynb" in cfg["project"]["render"] and "!*/*.failed.ipynb" in cfg["project"]["render"]
    assert cfg["format"]["html"]["embed-resources"] is True
    assert cfg["execute"] == {"enabled": False, "echo": False, "warning": False}


@pytest.mark.parametrize("kind", ["evaluation", "model_card"])
def test_template_front_matter_and_parameters(kind):
    path = ROOT/"mlbench"/"templates"/f"{kind}.ipynb"
    nb = json.loads(path.read_text())
    raw = "".join(nb["cells"][0]["source"])
    assert nb["cells"][0]["cell_type"] == "raw" and raw.startswith("---")
    meta = yaml.safe_load(raw.strip().strip("-"))
    assert meta["format"]["html"]["embed-resources"] is True and meta["echo"] is False
    (params,) = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    import papermill
    declared = [line.split(":")[0] for line in "".join(params["source"]).splitlines() if line.strip()]
    assert list(papermill.inspect_notebook(str(path))) == declared, "papermill must parse every parameter line"


def test_quarto_render_reports_post_render_step_makes_mlbench_pages(demo, fake_quarto, tmp_path):
    """`quarto render reports/` writes Quarto's pages (CDN tags in, no stamp); its post-render step, reports/_finish.py,
    run as Quarto runs it (the project folder as working directory, the pages listed in QUARTO_PROJECT_OUTPUT_FILES),
    turns them into mlbench's offline pages and rewrites the index"""
    import shutil
    reports = tmp_path/"reports"
    shutil.copytree(demo["report"], reports/"evaluation-churn_xgb-v1")
    shutil.copy(ROOT/"reports"/"_finish.py", reports/"_finish.py")
    page = reports/"evaluation-churn_xgb-v1"/"evaluation.html"
    page.write_text('<!DOCTYPE html><html><head><script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js">'
                    '</script></head><body><main><nav id="TOC"></nav><h1 class="title">Evaluation</h1><p>made by quarto</p></main></body></html>')
    import subprocess
    proc = subprocess.run([sys.executable, "_finish.py"], cwd=reports, capture_output=True, text=True,
                          env={**os.environ, "QUARTO_PROJECT_OUTPUT_FILES": "evaluation-churn_xgb-v1/evaluation.html\n"})
    assert proc.returncode == 0, proc.stderr
    html = page.read_text()
    assert "cdnjs" not in html and 'name="mlbench-renderer" content="quarto 1.7.34"' in html and 'id="mlbench-theme"' in html
    assert 'href="../index.html"' in html and "made by quarto" in html and 'class="mlbench-toc"' not in html   # Quarto's own contents kept
    data = json.loads((reports/"evaluation-churn_xgb-v1"/"evaluation.json").read_text())
    assert data["provenance"]["renderer"] == "quarto 1.7.34"
    assert "quarto 1.7.34" in (reports/"index.html").read_text()
