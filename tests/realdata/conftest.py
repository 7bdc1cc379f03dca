"Real public data sets that ship inside PyPI packages (scikit-learn, statsmodels, palmerpenguins), written as files."
from pathlib import Path

import numpy as np
import pytest

import importlib.util
_spec = importlib.util.spec_from_file_location("mlbench_tests_conftest", Path(__file__).resolve().parent.parent/"conftest.py")
_parent = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_parent)
run_mlbench = _parent.run_mlbench      # the installed `mlbench` command, as the other tests run it
problem_lines = _parent.problem_lines  # stderr without its step lines


@pytest.fixture(scope="session")
def realdata(tmp_path_factory):
    "CSV files of real data sets, as a new user would export them with pandas (NaN written as empty cells)"
    from sklearn.datasets import load_breast_cancer, load_diabetes
    import statsmodels.api as sm
    from palmerpenguins import load_penguins
    root = tmp_path_factory.mktemp("realdata")
    bc = load_breast_cancer(as_frame=True).frame.rename(columns=lambda c: c.replace(" ", "_"))
    bc.insert(0, "id", np.arange(842302, 842302 + len(bc)))
    bc["diagnosis"] = np.where(bc.pop("target") == 0, "M", "B")
    bc.to_csv(root/"breast_cancer.csv", index=False)
    penguins = load_penguins()
    penguins.to_csv(root/"penguins.csv", index=False)
    anes = sm.datasets.anes96.load_pandas().data
    anes.to_csv(root/"anes96.csv", index=False)
    diabetes = load_diabetes(as_frame=True, scaled=False).frame
    diabetes.to_csv(root/"diabetes.csv", index=False)
    return {"root": root, "bc": bc, "penguins": penguins, "anes": anes, "diabetes": diabetes}
