"""A folder built over a long run (the reports): a staging copy beside the target that survives
a kill, so the next run resumes from it (:func:`open_staging`), published in one atomic step
when complete (:func:`publish_staging`).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .files import carry_tree, kill_at
from .folders import publish_folder, recover_siblings, stage_path
from .guard import check_targets
from .journal import recover


def resumable_staging(target: str | Path) -> Path:
    """Where the staging copy of ``target`` lives while a long run builds it:
    ``.<name>.staging`` beside it. It survives a kill, so the next run resumes from it.

    Parameters
    ----------
    target : str or Path

    Returns
    -------
    Path

    Examples
    --------
    >>> resumable_staging("reports/demo__default").as_posix()
    'reports/.demo__default.staging'
    """
    target = Path(target)
    return target.parent / f".{target.name}.staging"


def open_staging(target: str | Path) -> Path:
    """The staging folder of ``target`` (:func:`resumable_staging`): the one a killed run left,
    else a new copy of ``target`` (hard links; an empty folder when there is no ``target``).
    The copy is built aside and renamed, so a half-made copy is never taken for a staging.
    The caller holds the output lock of ``target``'s folder.

    Parameters
    ----------
    target : str or Path

    Returns
    -------
    Path
        The staging folder, to write into; publish it with :func:`publish_staging`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "run").mkdir(); _ = (d / "run" / "a.html").write_text("old")
    >>> staging = open_staging(d / "run")
    >>> _ = (staging / "b.html").write_text("new")
    >>> _ = publish_staging(staging, d / "run")
    >>> sorted(p.name for p in (d / "run").iterdir()), sorted(p.name for p in d.iterdir())
    (['a.html', 'b.html'], ['run'])
    """
    target = Path(target)
    check_targets(folders=[target])  # the run folder will be replaced whole: no input may be inside
    staging = resumable_staging(target)
    if target.is_dir() and not os.access(target, os.W_OK):  # a read-only folder stays read-only
        raise PermissionError(errno.EACCES, "Permission denied", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_siblings(target)
    recover(target.parent)
    if staging.is_dir():
        for folder in (staging, *(p for p in staging.rglob("*") if p.is_dir() and not p.is_symlink())):
            recover(folder)
        return staging
    tmp = stage_path(staging)
    if target.is_dir():
        carry_tree(target, tmp)
    else:
        tmp.mkdir()
    os.rename(tmp, staging)
    return staging


def publish_staging(staging: str | Path, target: str | Path) -> Path:
    """Publish a staging folder made by :func:`open_staging` onto ``target`` in one atomic step
    (:func:`publish_folder`). It is first renamed to a fresh name of this process, so what a
    kill leaves is never mistaken for a staging to resume.

    Parameters
    ----------
    staging, target : str or Path

    Returns
    -------
    Path
        ``target``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> staging = open_staging(d / "run"); _ = (staging / "a.html").write_text("A")
    >>> publish_staging(staging, d / "run").name, sorted(p.name for p in d.iterdir())
    ('run', ['run'])
    """
    target = Path(target)
    final = stage_path(target)
    os.rename(staging, final)
    kill_at("staging:renamed")
    return publish_folder(final, target)
