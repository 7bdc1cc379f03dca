"""CI-style use of the gates: a notebook, run by papermill as a CI step, fails the build when a gate fails."""
from pathlib import Path

import papermill as pm
import pytest

NOTEBOOK = Path(__file__).with_name("ci_quality_gate.ipynb")


def run_gate_notebook(evaluation_json, gates, out):
    return pm.execute_notebook(str(NOTEBOOK), str(out), parameters={"evaluation_json": str(evaluation_json), "gates_file": str(gates)},
                               kernel_name="python3", progress_bar=False)


def test_ci_notebook_passes_when_gates_pass(demo, tmp_path):
    gates = tmp_path/"lenient.yml"
    gates.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.7, use: ci_low}\n  - {metric: roc_auc, vs_baseline: true, max_drop: 0.05}\n")
    run_gate_notebook(demo["reports"]/"evaluation-churn_xgb-v2"/"evaluation.json", gates, tmp_path/"ok.ipynb")


def test_ci_notebook_fails_the_build_when_a_gate_fails(demo, tmp_path):
    gates = tmp_path/"strict.yml"
    gates.write_text("gates:\n  - {metric: roc_auc, op: '>=', threshold: 0.7}\n  - {metric: ece, op: '<=', threshold: 0.01}\n")
    with pytest.raises(pm.PapermillExecutionError) as failure:
        run_gate_notebook(demo["reports"]/"evaluation-churn_xgb-v2"/"evaluation.json", gates, tmp_path/"fail.ipynb")
    assert "quality gates failed" in str(failure.value)
