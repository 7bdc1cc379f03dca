"""Adversarial input, generated from the commands' declarations: every case must be one line on stderr and exit 2,
with no traceback, and must leave the workspace and the reports folder as they were.

The cases are built from each report kind's Config (numbers: not finite, out of range, not numbers; choices: not a
choice; files: missing, a folder, binary, empty) and from hand-written YAML shapes and command-specific inputs. They
run in process (`mlbench.cli.main`), so a few hundred take seconds.
"""
import contextlib, hashlib, io, json, os
from pathlib import Path

import pandas as pd
import pytest

from mlbench.cli import main
from conftest import problem_lines
from mlbench.protocol import KINDS, report_kind, config_options

BAD_NUMBERS = ["nan", "inf", "-inf", "1e999", "abc", "", "0x10", "1,5", "--"]
BAD_CHOICES = ["bogus", "", "PSI "]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    "Small valid inputs, and hostile ones beside them"
    d = tmp_path_factory.mktemp("fuzz")
    n = 400
    df = pd.DataFrame({"bad[name]": range(n), "u": range(n), "v": ["c", "t"] * (n // 2), "y": [0, 1, 1, 0] * (n // 4), "p": [0.2, 0.7, 0.6, 0.4] * (n // 4),
                       "x": [float(i % 13) for i in range(n)], "g": ["a", "b", "c", "d"] * (n // 4),
                       "ts": pd.date_range("2026-01-01", periods=n, freq="h")})
    df.to_csv(d/"data.csv", index=False)
    df.to_parquet(d/"data.parquet")
    (d/"metrics.yml").write_text("primary: conv\nmetrics:\n  - {name: conv, type: proportion, column: y}\n")
    (d/"expect.yml").write_text("columns:\n  x: {type: numeric, min: 0}\n")
    (d/"binary.csv").write_bytes(bytes(range(256)) * 40)
    (d/"binary.yml").write_bytes(bytes(range(256)) * 4)
    (d/"empty.csv").write_text("")
    (d/"empty.yml").write_text("")
    (d/"folder.csv").mkdir()
    (d/"ragged.csv").write_text("a,b\n1,2\n3\n4,5,6,7\n")
    (d/"reports").mkdir()
    return d


def valid_args(kind: str, d: Path) -> dict:
    "Options that make a valid command of each kind (the cases change one at a time)"
    return {"evaluation": {"--predictions": d/"data.csv", "--target": "y", "--score": "p", "--bootstrap": "20"},
            "model_card": {"--model": "m"},
            "plan": {"--metric": "proportion", "--baseline": "0.1", "--mde": "0.01"},
            "ab": {"--data": d/"data.csv", "--unit": "u", "--variant": "v", "--control": "c", "--metrics": d/"metrics.yml"},
            "validation": {"--data": d/"data.csv", "--expect": d/"expect.yml"},
            "drift": {"--reference": d/"data.csv", "--current": d/"data.parquet"},
            "monitor": {"--scores": d/"data.csv", "--time": "ts", "--score": "p", "--window": "1d"},
            "backtest": {"--table": "t", "--target": "y", "--time": "ts", "--every": "1d", "--train-window": "5d"}}[kind]


def generated_cases(d: Path) -> list:
    "One case per (command, option, bad value), from the Configs' declarations"
    cases = []
    for kind, entry in KINDS.items():
        base = valid_args(kind, d)
        for o in config_options(report_kind(kind).config):
            if o.kind in ("int", "float"): bad = BAD_NUMBERS + (["-1e9"] if o.minimum is not None else []) + (["1e9"] if o.maximum is not None else [])
            elif o.kind == "choice": bad = BAD_CHOICES
            elif o.metavar in ("FILE", "FILE_OR_TABLE", "JSON"):
                bad = [d/"missing.csv", d/"folder.csv", d/"binary.csv", d/"empty.csv"]
                if o.metavar != "FILE_OR_TABLE" and o.name != "predictions": bad += [d/"binary.yml", d/"empty.yml", d/"data.csv"]
            else: continue
            for value in bad:
                args = {**base, o.flag: value}
                if o.kind == "bool": continue
                cases.append((f"{entry.command} {o.flag}={value!s:.40}", [entry.command, *[str(x) for kv in args.items() for x in kv]]))
    return cases


YAML_SHAPES = ["- a\n- b\n", "just text\n", "{a: [1, 2\n", "metrics: 3\n", "primary: []\nmetrics: {}\n", "null\n",
               "primary: conv\nmetrics:\n  - {name: conv, type: proportion}\n", "primary: conv\nmetrics:\n  - conv\n",
               "primary: conv\nmetrics:\n  - {name: conv, type: proportion, column: nope}\n",
               "primary: conv\nmetrics:\n  - {name: conv, type: mean, column: g}\n"]
EXPECT_SHAPES = ["- a\n", "columns: 3\n", "columns:\n  x: 3\n", "columns:\n  x: {min: abc}\n", "columns:\n  g: {min: 0}\n",
                 "columns:\n  x: {regex: '[('}\n", "columns:\n  x: {allowed: basic}\n", "columns:\n  x: {freshness: soon}\n",
                 "rows: {min: abc}\n", "label: {column: y, share: {'1': [0, 2]}}\n", "columns:\n  g: {freshness: 1d}\n"]
GATES_SHAPES = ["gates: []\n", "gates: 3\n", "- a\n", "gates:\n  - {metric: roc_auc, op: '>=', threshold: .nan}\n",
                "gates:\n  - {metric: roc_auc, op: '>=', threshold: abc}\n", "gates:\n  - {path: x, op: '>', value: high}\n",
                "gates:\n  - {kind: nope, path: x, op: '==', value: 1}\n", "gates:\n  - {metric: rmse, op: '<=', threshold: 1}\n",
                "gates:\n  - roc_auc\n", "gates:\n  - {metric: roc_auc, op: '=>', threshold: 0.5}\n"]


def hand_cases(d: Path) -> list:
    "YAML shapes, command-specific inputs and the non-report commands"
    cases = []
    for i, text in enumerate(YAML_SHAPES):
        (d/f"m{i}.yml").write_text(text)
        cases.append((f"ab metrics shape {i}", ["ab", "--data", str(d/"data.csv"), "--unit", "u", "--variant", "v", "--control", "c", "--metrics", str(d/f"m{i}.yml")]))
    for i, text in enumerate(EXPECT_SHAPES):
        (d/f"e{i}.yml").write_text(text)
        cases.append((f"validate expect shape {i}", ["validate", "--data", str(d/"data.csv"), "--expect", str(d/f"e{i}.yml")]))
    result = d/"validation.json"
    result.write_text(json.dumps({"kind": "validation", "schema_version": 2, "rows": 3, "checks": [], "passed": True,
                                  "as_of": "2026-11-27 00:00:00", "provenance": {}}))
    for i, text in enumerate(GATES_SHAPES):
        (d/f"g{i}.yml").write_text(text)
        cases.append((f"gate shape {i}", ["gate", str(result), "--gates", str(d/f"g{i}.yml")]))
    for bad in ("missing.json", "binary.yml", "empty.yml", "data.csv", "folder.csv", "expect.yml"):
        cases.append((f"gate result {bad}", ["gate", str(d/bad), "--gates", str(d/"g0.yml")]))
    for col, extra in (("--unit", "nope"), ("--variant", "nope"), ("--control", "nope"), ("--time", "g"), ("--time", "nope"),
                       ("--segments", "nope"), ("--segments", "g,x"), ("--split", "c=abc"), ("--split", "c=-1,t=1"), ("--split", "x=1,y=1"),
                       ("--pre", str(d/"ragged.csv"))):
        cases.append((f"ab {col}={extra}", ["ab", "--data", str(d/"data.csv"), "--unit", "u", "--variant", "v", "--control", "c",
                                            "--metrics", str(d/"metrics.yml"), col, extra]))
    for opt, value in (("--columns", "nope"), ("--time", "g"), ("--time", "nope"), ("--window", "0d"), ("--window", "1m"),
                       ("--window", "fortnight"), ("--prediction", "nope"), ("--target", "nope"), ("--memory-limit", "lots"),
                       ("--memory-limit", "1KB")):
        args = ["drift", "--reference", str(d/"data.csv"), "--current", str(d/"data.parquet"), opt, value]
        if opt == "--time": args += ["--window", "1d"]
        if opt == "--window": args += ["--time", "ts"]
        cases.append((f"drift {opt}={value}", args))
    for opt, value in (("--target", "nope"), ("--score", "nope"), ("--score", "g"), ("--target", "g"), ("--segments", "nope"),
                       ("--sensitive", "nope"), ("--threshold-by", "cost:1e,5"), ("--threshold-by", "precision>=1.2.3"),
                       ("--threshold-by", "recall"), ("--threshold", "1.5"), ("--baseline-score", "nope"), ("--score", "x"), ("--positive", "maybe")):
        cases.append((f"evaluate {opt}={value}", ["evaluate", "--predictions", str(d/"data.csv"), "--target", "y", "--score", "p",
                                                  "--bootstrap", "20", opt, value]))
    for opt, value in (("--time", "g"), ("--time", "nope"), ("--score", "g"), ("--score", "x"), ("--window", "1y"), ("--window", "soon"),
                       ("--labels", str(d/"data.csv")), ("--as-of", "yesterday"), ("--columns", "nope"), ("--rules", str(d/"g5.yml")),
                       ("--rules", str(d/"g0.yml")), ("--reference-windows", "900")):
        args = ["monitor", "--scores", str(d/"data.csv"), "--time", "ts", "--score", "p", "--window", "1d", opt, value]
        cases.append((f"monitor {opt}={value}", args))
    for opt, value in (("--mde", "-0.1"), ("--baseline", "0"), ("--baseline", "1.5"), ("--n-per-arm", "1"), ("--alpha", "1")):
        args = {"--metric": "proportion", "--baseline": "0.1", "--mde": "0.01", opt: value}
        cases.append((f"ab-plan {opt}={value}", ["ab-plan", *[x for kv in args.items() for x in kv]]))
    cases.append(("ab-plan mde and n", ["ab-plan", "--metric", "proportion", "--baseline", "0.1", "--mde", "0.01", "--n-per-arm", "100"]))
    cases.append(("ab-plan mean without sd", ["ab-plan", "--metric", "mean", "--baseline", "3", "--mde", "0.1"]))
    for args in (["ingest", str(d/"missing.csv"), "--table", "t"], ["ingest", str(d/"folder.csv"), "--table", "t"],
                 ["ingest", str(d/"empty.csv"), "--table", "t"], ["ingest", str(d/"ragged.csv"), "--table", "t"],
                 ["ingest", str(d/"binary.csv"), "--table", "t"], ["ingest", str(d/"data.csv"), "--table", ""],
                 ["ingest", str(d/"data.csv"), "--table", "t", "--time-format", "%d"], ["ingest", str(d/"binary.yml"), "--table", "t"],
                 ["train", "--table", "nope", "--target", "y"], ["train", "--table", "t", "--target", "y", "--seed", "-1"],
                 ["train", "--table", "t", "--target", "y", "--num-boost-round", "0"], ["train", "--table", "t", "--target", "y", "--early-stopping-rounds", "-1"],
                 ["train", "--table", "t", "--target", "y", "--seed", str(2**64)], ["models", "--json", "--bogus"],
                 ["train", "--table", "t", "--target", "y", "--name", "../evil"], ["train", "--table", "t", "--target", "y", "--features", "bad[name],x"], ["train", "--table", "t", "--target", "y", "--name", ".hidden"],
                 ["runs", "--limit", "-1"], ["runs", "--limit", str(2**70)], ["render", str(d/"missing.ipynb")], ["render", str(d/"folder.csv")],
                 ["card", "--model", "nope"], ["card", "--model", "m:abc"], ["card", "--model", "m", "--evaluation", str(d/"missing.json")],
                 ["demo", "--rows", "10"], ["demo", "--bootstrap", "0"], ["demo", "--seed", "-5"], ["nonsense"], ["evaluate"],
                 ["evaluate", "--model", "m", "--predictions", str(d/"data.csv")]):
        cases.append((" ".join(args[:4]), args))
    return cases


def tree_digest(*roots) -> str:
    "A digest of every file (path, size, content) under the roots"
    h = hashlib.sha256()
    for root in roots:
        for p in sorted(Path(root).rglob("*")):
            h.update(str(p).encode())
            if p.is_file(): h.update(p.read_bytes())
    return h.hexdigest()


def run_in_process(args, env) -> tuple[int, str]:
    "Exit status and stderr of `mlbench ARGS`, run in this process"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try: code = main(args)
        except SystemExit as e: code = e.code
    return code, err.getvalue()


def test_fuzz_every_command(files, monkeypatch):
    ws = files/"ws.duckdb"
    from mlbench.workspace import Workspace
    with Workspace(ws) as w: w.ingest(files/"data.csv", "t")
    monkeypatch.setenv("MLBENCH_WORKSPACE", str(ws))
    monkeypatch.setenv("MLBENCH_REPORTS", str(files/"reports"))
    monkeypatch.chdir(files)
    cases = generated_cases(files) + hand_cases(files)
    assert len(cases) >= 300, len(cases)
    before = tree_digest(files/"reports")
    wrong = []
    for name, args in cases:
        code, err = run_in_process(args, os.environ)
        lines = problem_lines(err)
        if code != 2 or len(lines) != 1 or not lines[0].startswith("mlbench") or "Traceback" in err or "internal error" in err:
            wrong.append(f"{name}: exit {code}: {err.strip()[:300]}")
    assert not wrong, f"{len(wrong)} of {len(cases)} cases misbehaved:\n" + "\n".join(wrong)
    assert tree_digest(files/"reports") == before, "a rejected command changed the reports folder"
    assert not list((files/"reports").glob(".*")), "a staging folder was left behind"
    with Workspace(ws, read_only=True) as w: runs = w.runs(10_000)
    assert set(runs.status) <= {"succeeded", "failed"}, "a run was left 'running'"
    assert (runs.status == "succeeded").sum() == 0, "a rejected command recorded a success"
