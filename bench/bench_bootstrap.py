"""Benchmark of the bootstrap: 1,000 paired resamples of 1M rows (every binary metric, model and baseline), and the
coverage of its 95% AUC interval in a larger simulation than the notebook's test can afford.

Targets (issue 13): under 10 s on 2 cores; coverage 94-96%. Run by hand or with `make bench`.
"""
import sys, time

import numpy as np
from scipy import stats

from bench_pipeline import timed, target_line
from mlbench.bootstrap import bootstrap_metrics


def scores(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.25).astype(int)
    s = np.clip(0.25 + 0.3 * (y - 0.25) + rng.normal(0, 0.18, n), 0, 1)
    b = np.clip(0.25 + 0.2 * (y - 0.25) + rng.normal(0, 0.18, n), 0, 1)
    return y, s, b


def coverage(trials: int, rows: int = 400, resamples: int = 1000, d: float = 1.0, seed: int = 2024) -> float:
    "Share of simulated data sets whose 95% AUC interval holds the true AUC, Phi(d / sqrt 2)"
    sim, truth, hits = np.random.default_rng(seed), stats.norm.cdf(d / np.sqrt(2)), 0
    for _ in range(trials):
        y = (sim.random(rows) < 0.4).astype(int)
        s = stats.norm.cdf(sim.normal(d * y, 1.0) / 2)
        ci = bootstrap_metrics("binary", y, s, n_resamples=resamples, seed=int(sim.integers(1 << 30))).metrics["roc_auc"]
        hits += ci.ci_low <= truth <= ci.ci_high
    return hits / trials


def main(n: int = 1_000_000, trials: int = 2_000):
    y, s, b = scores(1_000)
    bootstrap_metrics("binary", y, s, baseline_score=b, n_resamples=32)      # Numba's compiled code loads once per process
    y, s, b = scores(n)
    start = time.perf_counter()
    timed(f"{n:>9,} rows: bootstrap 1000 x paired (model + baseline)",
          lambda: bootstrap_metrics("binary", y, s, baseline_score=b, n_resamples=1000))
    target_line("bootstrap 1M rows x 1000 paired resamples", time.perf_counter() - start, "s", "< 10 s", lambda v: v < 10)
    start = time.perf_counter()
    cov = coverage(trials)
    half = 1.96 * np.sqrt(0.95 * 0.05 / trials)
    print(f"{'coverage of the 95% AUC interval, ' + f'{trials:,} data sets x 400 rows':<64} {cov:8.3f}     "
          f"(Monte Carlo +/- {half:.3f}; {time.perf_counter() - start:.0f} s)", flush=True)
    target_line("coverage of the 95% AUC interval", cov, "", "0.94-0.96", lambda v: 0.94 <= v <= 0.96)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
