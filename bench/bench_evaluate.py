"""Benchmark of the evaluation readout on scored predictions: 100k and 1M rows.

Prints, per size: the bootstrap alone (1000 resamples, every binary metric, model and baseline paired), the whole
in-process evaluation (segments, fairness, DeLong, calibration, thresholds), `mlbench evaluate` end to end
(compute, template, rendering, JSON) and publishing the computed result alone (template + built-in renderer).
Targets (issue 13): the whole 1M-row evaluation under 30 s, a page rendered in under 3 s. Run by hand or with
`make bench`.
"""
import sys, tempfile, time
from pathlib import Path

import numpy as np
import pandas as pd

from mlbench.bootstrap import bootstrap_metrics
from mlbench.evaluation import EvaluationConfig, evaluate, load_predictions
from mlbench.reports import publish, run_report
from bench_pipeline import timed, target_line


def scored(n: int, path: Path) -> Path:
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.25).astype(int)
    df = pd.DataFrame({"y": y, "p": np.clip(0.25 + 0.3 * (y - 0.25) + rng.normal(0, 0.18, n), 0, 1),
                       "p_old": np.clip(0.25 + 0.2 * (y - 0.25) + rng.normal(0, 0.18, n), 0, 1),
                       "plan": rng.choice(["basic", "standard", "premium"], n), "gender": rng.choice(["f", "m", "x"], n)})
    df.to_parquet(path)
    return path


def main(sizes=(100_000, 1_000_000)):
    tmp = Path(tempfile.mkdtemp(prefix="mlbench-bench-eval-"))
    for n in sizes:
        path = scored(n, tmp/f"scored_{n}.parquet")
        data = load_predictions(path, target="y", score="p", baseline_score="p_old", columns=["plan", "gender"])
        timed(f"{n:>9,} rows: bootstrap 1000 x paired (model + baseline)",
              lambda: bootstrap_metrics("binary", data.y, data.score, baseline_score=data.baseline_score, n_resamples=1000))
        cfg = EvaluationConfig(segments=["plan"], sensitive=["gender"], n_resamples=1000, threshold_by="f1")
        timed(f"{n:>9,} rows: evaluate in process (segments, fairness, DeLong...)", lambda: evaluate(data, cfg))
        start = time.perf_counter()
        published = timed(f"{n:>9,} rows: mlbench evaluate end to end (report + HTML)",
              lambda: publish("evaluation", EvaluationConfig(predictions=str(path), target="y", score="p", baseline_score="p_old",
                                                             segments=["plan"], sensitive=["gender"], threshold_by="f1",
                                                             workspace=str(tmp/"none.duckdb")), out=tmp/f"report_{n}", progress=False))
        if n == 1_000_000:
            target_line("whole evaluation of 1M rows, end to end", time.perf_counter() - start, "s", "< 30 s", lambda v: v < 30)
        start = time.perf_counter()
        timed(f"{n:>9,} rows: publish the result (template + built-in renderer)",
              lambda: run_report(published.result, tmp/f"again_{n}", renderer="nbconvert", progress=False))
        target_line(f"evaluation page rendered ({n:,} rows)", time.perf_counter() - start, "s", "< 3 s", lambda v: v < 3)
        print(f"{'':<9} page size {published.html.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (100_000, 1_000_000))
