"""The notebooks a scientist opens run in a real Jupyter kernel (not only through nbdev-test's in-process shell):
the getting-started walk-through and the Python API's examples, each executed by nbclient in a `python3` kernel."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NBS = Path(__file__).resolve().parents[1]/"nbs"


@pytest.mark.parametrize("name", ["getting_started.ipynb", "45_api.ipynb"])
def test_notebook_runs_in_a_jupyter_kernel(name):
    nb = nbformat.read(NBS/name, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(NBS)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/html" in o.get("data", {})]
    assert any("mlbench-summary" in o["data"]["text/html"] for o in shown), "a result displayed itself with its verdict box"
    if name == "getting_started.ipynb":        # in a live kernel the charts come as plotly figures, drawn by Jupyter
        assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
