"""nbval set-up for the research notebooks (``pytest`` alone runs tests/ and these notebooks).

pyproject.toml turns nbval on for every run (``--nbval-lax --nbval-current-env``): each numbered
notebook (``01_…`` to ``05_…``) is executed top to bottom in a fresh kernel of the current
environment, and the cells marked ``# NBVAL_CHECK_OUTPUT`` must reproduce their stored output.
This file adds what a path in ``addopts`` cannot do robustly:

* the sanitize patterns (``nbval_sanitize.cfg``), by absolute path, so pytest may be started
  from any folder (an explicit ``--nbval-sanitize-with`` wins);
* collection of the numbered research notebooks only: ``region_report.ipynb`` (the report
  template, tested by tests/test_reports.py) and any other notebook here are left out, unless
  named on the command line;
* ``SD_BRAIN_FIGURES=off`` for the kernels: figures are built but not rasterised
  (:func:`toolkit.notebooks.setup_notebook`), since nbval compares no figure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESEARCH_NOTEBOOK = re.compile(r"^\d{2}_[\w-]+\.ipynb$")


def pytest_configure(config):
    if getattr(config.option, "nbval_sanitize_with", None) is None and hasattr(config.option, "nbval_sanitize_with"):
        config.option.nbval_sanitize_with = str(HERE / "nbval_sanitize.cfg")
    os.environ.setdefault("SD_BRAIN_FIGURES", "off")


def pytest_ignore_collect(collection_path, config):
    path = Path(collection_path)
    if path.suffix == ".ipynb" and path.parent == HERE and not RESEARCH_NOTEBOOK.match(path.name):
        return True
    return None
