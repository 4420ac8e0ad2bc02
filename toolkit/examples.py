"""Small inputs for the docstring examples, built once here instead of in each example.

:func:`returns_folder` is the folder of returns that the ``collect`` examples read
(:func:`toolkit.data.round.collect` and :func:`toolkit.reports.collection.collect`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .repo_paths import resolve

__all__ = ["DEMO_RETURN", "returns_folder"]

#: the synthetic demo return (250 rows: 50 brains × 2021–2025), relative to the repository
DEMO_RETURN = "data/raw/demo_synthetic_returns.csv"


def returns_folder(*sources: str | Path) -> Path:
    """A new temporary folder holding ``returns/`` with a copy of each source (default: the demo
    return, as ``returns/all.csv``); the sources are only read.

    Parameters
    ----------
    *sources : str or Path
        Returns to copy in, relative to the repository root or absolute; each keeps its name.
        None given: the demo return, named ``all.csv``.

    Returns
    -------
    Path
        The temporary folder (``<folder>/returns`` is the folder of returns to collect).

    Examples
    --------
    >>> d = returns_folder()
    >>> [p.name for p in (d / "returns").iterdir()]
    ['all.csv']
    """
    folder = Path(tempfile.mkdtemp())
    (folder / "returns").mkdir()
    if not sources:
        shutil.copy(resolve(DEMO_RETURN), folder / "returns" / "all.csv")
    for src in sources:
        shutil.copy(resolve(src), folder / "returns" / Path(src).name)
    return folder
