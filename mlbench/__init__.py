"""A notebook-first workbench to train, evaluate, compare and report on production ML models"""
__version__ = "0.5.0"

# The Python API (mlbench.api, from nbs/45_api.ipynb), imported on first use so `import mlbench` stays light.
# This file is written by hand: nbdev exports no module into it.
_API = ("evaluate", "ab", "drift", "validate", "card", "plan", "monitor", "backtest", "publish", "compute")

def __getattr__(name):
    if name in _API:
        from mlbench import api
        return getattr(api, name)
    raise AttributeError(f"module 'mlbench' has no attribute {name!r}")

def __dir__(): return sorted([*globals(), *_API])
