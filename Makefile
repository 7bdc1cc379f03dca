# mlbench: two commands on a fresh machine with Python 3.11:
#   make demo   creates .venv, installs mlbench, runs the main job end to end
#   make test   same set-up, then the whole test suite (notebooks, pytest, library in sync with nbs/)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: help setup browser java demo test sync-check lint nbtest pytest export bench bench-evidently clean lab docs test-quarto

help:
	@echo "make demo    set up .venv and run 'mlbench demo' (data -> model -> reports/index.html)"
	@echo "make test    set up .venv and Chromium, then run every test"
	@echo "make export  regenerate mlbench/ from nbs/ (nbdev-export) and clean the notebooks"
	@echo "make lab     JupyterLab on this environment, opening nbs/getting_started.ipynb (the demo, step by step)"
	@echo "make docs    execute nbs/ and render it to an offline documentation site in _docs/ (open _docs/index.html)"
	@echo "make bench   run the benchmarks in bench/ (lines starting TARGET: each figure beside its target)"
	@echo "make bench-evidently  drift at 1M rows beside Evidently's drift preset (own venv: .venv-evidently)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,spark]"
	touch $(STAMP)

setup: $(STAMP)

# Headless Chromium for the offline-page tests (Debian packages; Playwright drives it, never downloads one).
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "installing Debian chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium chromium-driver >/dev/null; \
	fi
	@"$(CHROMIUM)" --version

# Java 17 for the Spark engine (Debian's headless JRE), when no java is on PATH: Spark runs in local mode in the tests.
java:
	@if ! command -v java >/dev/null; then \
	  echo "installing Debian openjdk-17-jre-headless for the Spark engine's tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi; \
	  $$SUDO mkdir -p /usr/share/man/man1 && $$SUDO apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q openjdk-17-jre-headless >/dev/null; \
	fi
	@java -version 2>&1 | head -1

# JupyterLab on the project's environment, with its kernel registered in .venv (as root, JupyterLab needs --allow-root).
LAB_PORT ?= 8888
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (mlbench)" >/dev/null
	$(BIN)/jupyter lab --notebook-dir=nbs --port=$(LAB_PORT) $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
	  $(LAB_ARGS) nbs/getting_started.ipynb

# Every notebook executed in a kernel and rendered (Quarto when on PATH, else nbconvert) to _docs/, offline.
docs: $(STAMP)
	$(BIN)/python -c "import glob; from mlbench.render import render_site; \
	  print(render_site(sorted(p for p in glob.glob('nbs/*.ipynb') if not p.split('/')[-1].startswith('_')), '_docs'))"

demo: $(STAMP)
	@start=$$(date +%s); $(BIN)/mlbench demo; echo "make demo: $$(( $$(date +%s) - start )) s"

# nbdev-export rewrites pyproject.toml even when nothing changes; keep its time then, so .venv is not reinstalled.
KEEP_PYPROJECT_TIME = cp -p $(CURDIR)/pyproject.toml $(CURDIR)/.pyproject.before; trap 'cmp -s $(CURDIR)/pyproject.toml $(CURDIR)/.pyproject.before && touch -r $(CURDIR)/.pyproject.before $(CURDIR)/pyproject.toml; rm -f $(CURDIR)/.pyproject.before' EXIT;

export: $(STAMP)
	@$(KEEP_PYPROJECT_TIME) cd nbs && ../$(BIN)/nbdev-export && ../$(BIN)/nbdev-clean

# The library must be exactly what nbdev-export writes from the notebooks, and the notebooks clean.
sync-check: $(STAMP)
	@$(KEEP_PYPROJECT_TIME) tmp=$$(mktemp -d); cp -r mlbench nbs "$$tmp"/; \
	(cd nbs && ../$(BIN)/nbdev-export && ../$(BIN)/nbdev-clean) >/dev/null; \
	if ! diff -r -q -x __pycache__ "$$tmp/mlbench" mlbench; then \
	  echo "mlbench/ differs from what nbdev-export writes from nbs/: run 'make export' and commit both"; exit 1; fi; \
	if ! diff -r -q -x .ipynb_checkpoints "$$tmp/nbs" nbs; then \
	  echo "notebooks are not clean: run 'make export' and commit"; exit 1; fi; \
	rm -rf "$$tmp"; echo "mlbench/ is in sync with nbs/"

# pyflakes' checks (ruff): no unused import, no undefined name, in mlbench/ (fix the notebook), tests/ and bench/.
lint: $(STAMP)
	$(BIN)/ruff check mlbench tests bench

nbtest: $(STAMP) java
	cd nbs && ../$(BIN)/nbdev-test --n-workers 2 --timing

pytest: $(STAMP) browser java
	$(BIN)/pytest -q tests

test: sync-check lint nbtest pytest

# Opt-in: the Quarto path with a real Quarto on PATH (not installable here; `make test` uses a stand-in).
test-quarto: $(STAMP) browser
	@command -v quarto >/dev/null || { echo "make test-quarto: quarto is not on PATH (https://quarto.org/docs/get-started/)"; exit 2; }
	MLBENCH_QUARTO_TESTS=1 $(BIN)/pytest -q tests/quarto

# Each figure of issue 13 prints as a line starting TARGET, with its target and met/MISSED (make bench | grep TARGET).
bench: $(STAMP)
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_bootstrap.py
	$(BIN)/python bench/bench_evaluate.py
	$(BIN)/python bench/bench_ab.py
	$(BIN)/python bench/bench_drift.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_score.py
	$(BIN)/python bench/bench_tasks.py
	$(BIN)/python bench/bench_monitor.py
	$(BIN)/python bench/bench_profile.py
	$(BIN)/python bench/bench_spark.py

# Evidently 0.7 imports only with pandas < 3 and plotly < 6, which mlbench does not use: it gets a venv of its own.
EVIDENTLY_VENV := .venv-evidently
$(EVIDENTLY_VENV)/.installed:
	$(PYTHON) -m venv $(EVIDENTLY_VENV)
	$(EVIDENTLY_VENV)/bin/pip install --quiet --upgrade pip
	$(EVIDENTLY_VENV)/bin/pip install --quiet "evidently>=0.7,<0.8" "pandas<3" "plotly<6" pyarrow
	touch $@

bench-evidently: $(STAMP) $(EVIDENTLY_VENV)/.installed
	$(BIN)/python bench/bench_drift.py --sizes 1000000 --evidently $(EVIDENTLY_VENV)/bin/python

clean:
	rm -rf $(VENV) $(EVIDENTLY_VENV) build dist *.egg-info .pytest_cache
