"""Quarto post-render step of `quarto render reports/` (see _quarto.yml): make each page Quarto wrote an mlbench page.

Quarto runs it with the Python on PATH and lists the pages it wrote in QUARTO_PROJECT_OUTPUT_FILES."""
import sys

try:
    from mlbench.reports import finish_quarto_render
except ImportError:
    sys.exit("reports/_finish.py: mlbench is not importable by the Python on PATH; activate the environment that has "
             "mlbench (e.g. `source .venv/bin/activate`) and run `quarto render reports/` again")

finish_quarto_render()
