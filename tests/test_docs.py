"""README.md says the same as nbs/index.ipynb (written by hand: nbdev's readme step needs Quarto)."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_matches_index_notebook():
    nb = json.loads((ROOT/"nbs"/"index.ipynb").read_text())
    prose = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    readme = (ROOT/"README.md").read_text()
    body = readme.split("-->", 1)[1].strip()
    assert body == prose.strip(), "README.md and nbs/index.ipynb differ: copy the notebook's markdown into README.md"


def test_readme_gives_the_two_setup_commands():
    readme = (ROOT/"README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT/".ci"/"run").read_text()
