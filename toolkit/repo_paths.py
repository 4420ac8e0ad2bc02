"""Paths relative to the repository root: the root itself (:func:`repo_root`), a path resolved
against it (:func:`resolve`) and a path shown relative to it (:func:`relpath`, so stored outputs
never show a machine's absolute paths). A leaf module: the notebooks, the analysis and the reports
all use it (issue 20: the analysis no longer imports the notebooks package for this).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["relpath", "repo_root", "resolve"]


def repo_root(start: str | Path | None = None) -> Path:
    """The repository root: the nearest folder at or above ``start`` (default: the working
    directory) holding this project's ``pyproject.toml``; else the folder above this package."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pp = folder / "pyproject.toml"
        if pp.is_file() and (folder / "toolkit").is_dir() and 'name = "sd-brain-toolkit"' in pp.read_text("utf-8"):
            return folder
    return Path(__file__).resolve().parents[1]


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
