"""Paths of the research notebooks: the repository root, paths relative to it, the notebook folder.

Paths inside the notebooks are relative to the repository root (:func:`resolve`), so they run the
same whether the kernel starts in ``notebooks/`` (JupyterLab, papermill, nbval) or anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from ..repo_paths import relpath, repo_root, resolve

__all__ = ["NOTEBOOKS", "notebooks_dir", "relpath", "repo_root", "resolve"]

#: The numbered research notebooks, in reading order (file stems in ``notebooks/``).
NOTEBOOKS = ("01_data", "02_weights", "03_typology", "04_index", "05_robustness", "06_weighting_studio",
             "07_dynamics")


def notebooks_dir() -> Path:
    """The folder of the research notebooks: ``notebooks/`` under :func:`repo_root`."""
    return repo_root() / "notebooks"
