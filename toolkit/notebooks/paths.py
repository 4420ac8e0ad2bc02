"""Paths of the research notebooks: the repository root, paths relative to it, the notebook folder.

Paths inside the notebooks are relative to the repository root (:func:`resolve`), so they run the
same whether the kernel starts in ``notebooks/`` (JupyterLab, papermill, nbval) or anywhere else.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["NOTEBOOKS", "notebooks_dir", "relpath", "repo_root", "resolve"]

#: The numbered research notebooks, in reading order (file stems in ``notebooks/``).
NOTEBOOKS = ("01_data", "02_weights", "03_typology", "04_index", "05_robustness", "06_weighting_studio",
             "07_dynamics")


def repo_root(start: str | Path | None = None) -> Path:
    """The repository root: the nearest folder at or above ``start`` (default: the working
    directory) holding this project's ``pyproject.toml``; else the folder above this package."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pp = folder / "pyproject.toml"
        if pp.is_file() and (folder / "toolkit").is_dir() and 'name = "sd-brain-toolkit"' in pp.read_text("utf-8"):
            return folder
    return Path(__file__).resolve().parents[2]


def resolve(path: str | Path) -> Path:
    """An absolute path: ``path`` itself if absolute, else relative to :func:`repo_root`."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else repo_root() / p


def relpath(path: str | Path) -> str:
    """``path`` relative to the repository root when it lies inside it (POSIX form), for display:
    stored outputs never show a machine's absolute paths."""
    p = Path(path)
    try:
        return p.resolve().relative_to(repo_root()).as_posix()
    except ValueError:
        return p.as_posix()


def notebooks_dir() -> Path:
    """The folder of the research notebooks: ``notebooks/`` under :func:`repo_root`."""
    return repo_root() / "notebooks"
