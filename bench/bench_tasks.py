"""Benchmark of the readouts of the other tasks (issue 14): a ranker over 100k queries x 20 items, and a multiclass model.

Prints, for the ranker: the per-query metrics alone (NDCG/MAP/recall/precision at 5 and 10, MRR), the query
bootstrap (1000 resamples of the queries, model and baseline paired) and the whole in-process evaluation (segments by
query attribute, worst queries, figures); then a multiclass evaluation (200k rows, 5 classes, 1000 Poisson resamples).
Run by hand or with `make bench`.
"""
import sys

import numpy as np
import pandas as pd

from mlbench.evaluation import EvalData, EvaluationConfig, evaluate
from mlbench.ranking import query_metrics
from bench_pipeline import timed


def ranked(queries: int, items: int, seed: int = 0) -> EvalData:
    "Generated graded relevance, a model's and a baseline's scores, and a query attribute"
    rng = np.random.default_rng(seed)
    n = queries * items
    latent = rng.normal(size=n)
    relevance = np.digitize(latent + rng.normal(0, 0.5, n), [0.5, 1.2, 1.8]).astype(float)
    group = np.repeat(np.arange(queries), items)
    frame = pd.DataFrame({"intent": np.repeat(rng.choice(["nav", "info", "buy"], queries), items)})
    return EvalData(relevance, latent + rng.normal(0, 0.6, n), latent + rng.normal(0, 0.9, n), frame, "model", "baseline",
                    "ranking", {"rows": n}, group=group)


def multiclass(n: int, classes: int = 5, seed: int = 0) -> EvalData:
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.5, (n, classes))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = (p.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    base = np.tile(np.bincount(y, minlength=classes) / n, (n, 1))
    return EvalData(y, p, base, pd.DataFrame({"region": rng.choice(["n", "s"], n)}), "model", "prior", "multiclass", {"rows": n},
                    classes=[f"c{i}" for i in range(classes)])


def main(queries: int = 100_000, items: int = 20):
    data = ranked(queries, items)
    label = f"{queries:,} queries x {items} items"
    timed(f"{label}: per-query metrics (k = 5, 10)", lambda: query_metrics(data.y, data.score, data.group, ks=(5, 10)))
    res = timed(f"{label}: evaluate in process (1000 query resamples, paired)",
                lambda: evaluate(data, EvaluationConfig(n_resamples=1000, segments=["intent"], explain=False)))
    m = res.boot.metrics["ndcg@10"]
    print(f"{'':<9} NDCG@10 {m.value:.4f} [{m.ci_low:.4f}, {m.ci_high:.4f}], paired difference {res.boot.diff['ndcg@10'].value:+.4f}")
    mc = multiclass(200_000)
    timed("200,000 rows x 5 classes: multiclass evaluate in process (1000 resamples, paired)",
          lambda: evaluate(mc, EvaluationConfig(n_resamples=1000, segments=["region"], explain=False)))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
