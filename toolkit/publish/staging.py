"""A folder built over a long run (the reports): a staging copy beside the target that survives
a kill, so the next run resumes from it (:func:`open_staging`), published in one atomic step
when complete (:func:`publish_staging`).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import ToolkitError
from .files import carry_tree, kill_at, naming, remove_path
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
    with naming(target.parent):  # a full disk names the folder
        try:
            if target.is_dir():
                carry_tree(target, tmp)
            else:
                tmp.mkdir()
            os.rename(tmp, staging)
        except OSError:  # a half-made copy is never left behind (on a full disk it holds space)
            remove_path(tmp)
            raise
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


def own_bytes(folder: str | Path) -> int:
    """Bytes held by the files of ``folder`` that no other name shares (one hard link): what
    removing the folder frees. A staging copy's files carried from the published folder are
    hard links, so they do not count.

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    int

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a").write_bytes(b"12345")
    >>> os.link(d / "a", d.parent / f"{d.name}-link"); _ = (d / "b").write_bytes(b"123")
    >>> own_bytes(d)
    3
    """
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if st.st_nlink == 1:
                total += st.st_size
    return total


def discard_on_full_disk(exc: OSError, staging: str | Path, target: str | Path) -> ToolkitError:
    """The error for a long run stopped by a full disk: its staging copy is removed (it holds
    space the disk lacks, and resuming would need more), the published ``target`` is unchanged.

    Parameters
    ----------
    exc : OSError
        The ``ENOSPC`` error.
    staging, target : str or Path
        The staging copy (removed) and the published folder.

    Returns
    -------
    ToolkitError
        To raise, naming the folder, the staging copy and the space freed.

    Examples
    --------
    >>> import errno, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); s = d / ".run.staging"; s.mkdir(); _ = (s / "a.html").write_bytes(b"x" * 2048)
    >>> err = discard_on_full_disk(OSError(errno.ENOSPC, "No space left on device"), s, d / "run")
    >>> s.exists(), "2.0 KB" in str(err)
    (False, True)
    """
    staging, target = Path(staging), Path(target)
    size = own_bytes(staging) if staging.exists() else 0
    remove_path(staging)
    shown = f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.1f} KB"
    err = ToolkitError(
        f"no space left on the disk holding {target.parent} ({exc.filename or target}): the run stopped; its "
        f"staging copy {staging} was removed ({shown} freed), and {target} is unchanged. Free some space "
        "(or choose another --out) and run again")
    err.zh = (f"磁盘空间不足（{exc.filename or target}）：运行已停止；其暂存副本 {staging} 已删除（释放 {shown}），"
              f"{target} 保持不变。请释放磁盘空间（或换一个 --out）后重新运行")
    return err
