"""Evidently's data drift preset on two Parquet files, for the side-by-side in bench_drift.py.

Runs under a Python that has evidently 0.7 (it needs pandas < 3 and plotly < 6, so `make bench-evidently` gives it
a venv of its own: .venv-evidently). Prints one JSON line: seconds (read + drift), peak RSS and drifted columns.
Usage: python bench/evidently_drift.py REFERENCE.parquet CURRENT.parquet [default|psi|ks]
"""
import json, resource, sys, time

import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset


def main(reference: str, current: str, method: str = "default"):
    start = time.perf_counter()
    ref, cur = pd.read_parquet(reference), pd.read_parquet(current)   # Evidently works on pandas frames in memory
    presets = {"default": DataDriftPreset(),                          # Wasserstein (normed) / Jensen-Shannon above 1000 rows
               "psi": DataDriftPreset(method="psi", threshold=0.2),   # PSI > 0.2 for every column, as mlbench's default
               "ks": DataDriftPreset(num_method="ks")}                # KS p-value for numeric columns
    snapshot = Report([presets[method]]).run(cur, ref)
    drifted = []
    for m in snapshot.dict()["metrics"]:
        cfg = m["config"]
        if not cfg.get("type", "").endswith("ValueDrift"): continue
        value, threshold = float(m["value"]), float(cfg["threshold"])
        p_value = cfg["method"].lower() in ("ks", "chisquare", "z") or "p_value" in cfg["method"].lower()
        if (value < threshold) if p_value else (value > threshold): drifted.append(cfg["column"])
    print(json.dumps({"tool": f"evidently {method}", "seconds": time.perf_counter() - start,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "drifted": sorted(drifted)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
