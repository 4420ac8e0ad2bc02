"""The research notebooks (``notebooks/01_…`` to ``06_…``): paths, kernel set-up, storage and runner.

The notebooks are a numbered sequence a researcher opens in JupyterLab (``make lab``):

========================  ===========================================================================
``01_data``               coverage, missingness, distributions, skew and outliers, correlations
``02_weights``            every weighting method side by side, AHP, combinations, rank movements
``03_typology``           PCA, choice of k, clusters, stability, profiles
``04_index``              dimension and composite scores, ranks, audit, obstacle degrees, coupling
``05_robustness``         uncertainty and sensitivity analysis, leave-one-out
``06_weighting_studio``   the weighting studio (ipywidgets; ``make studio``), SMAA, selection
========================  ===========================================================================

Each notebook only makes thin calls into :mod:`toolkit`: the tables that put several results
side by side live with their domain (:mod:`toolkit.analysis.explore`,
:mod:`toolkit.analysis.variants`, :mod:`toolkit.analysis.results`, :mod:`toolkit.analysis.typology`)
and the figures in :mod:`toolkit.viz`. This package is the notebook tooling, re-exported here:
:mod:`~toolkit.notebooks.paths` (the repository root, paths relative to it),
:mod:`~toolkit.notebooks.kernel` (the set-up of a kernel, the data notice, the kernel name),
:mod:`~toolkit.notebooks.stored` (the stored form and its checks) and
:mod:`~toolkit.notebooks.execute` (the machinery behind the Makefile):

* :func:`run` (``make analysis``, ``python -m toolkit.notebooks run``) executes the notebooks
  with papermill into ``reports/analysis/``: the executed ``.ipynb`` and an HTML page without
  code cells, each written atomically.
* :func:`store` (``make notebooks``, ``python -m toolkit.notebooks store``) re-executes the
  notebooks in a fresh kernel of this environment and stores them in the reviewable form the
  tests check (:func:`clean_notebook`): the ``.ipynb`` with its text outputs but without
  images or volatile metadata, plus its jupytext pair ``.py`` (percent format).
* :func:`notebook_problems` (``python -m toolkit.notebooks check``) lists every way a stored
  notebook departs from that form; ``tests/notebooks/test_notebooks.py`` asserts there are none.

Paths inside the notebooks are relative to the repository root (:func:`resolve`), so they run
the same whether the kernel starts in ``notebooks/`` (JupyterLab, papermill, nbval) or anywhere
else.
"""

from .execute import html_text, main, run, store
from .kernel import (
    KERNEL_DISPLAY_NAME,
    KERNEL_NAME,
    Notice,
    data_notice,
    kernel_name,
    latest_year,
    load,
    setup_notebook,
)
from .paths import NOTEBOOKS, notebooks_dir, relpath, repo_root, resolve
from .stored import (
    CHECK_MARKER,
    PAIRED_FORMATS,
    PY_FORMAT,
    cell_id,
    clean_notebook,
    notebook_problems,
    notebook_text,
    paired_text,
    sanitize,
    sanitize_patterns,
)

__all__ = [
    "CHECK_MARKER", "KERNEL_DISPLAY_NAME", "KERNEL_NAME", "NOTEBOOKS", "PAIRED_FORMATS", "PY_FORMAT", "Notice",
    "cell_id", "clean_notebook", "data_notice", "html_text", "kernel_name", "latest_year", "load", "main",
    "notebook_problems", "notebook_text", "notebooks_dir", "paired_text", "relpath", "repo_root", "resolve", "run",
    "sanitize", "sanitize_patterns", "setup_notebook", "store",
]
