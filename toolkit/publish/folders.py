"""A folder of its own (the index's run folder, a reports run folder, a report bundle) staged
whole as a hidden sibling and swapped in with one ``renameat2(RENAME_EXCHANGE)`` (Linux), or
renamed into place when there was none (:func:`write_folder_atomic`, :func:`publish_folder`).

Where the exchange is not available the swap is journaled (two renames, rolled forward by the
next run). The exchange is looked up here at call time, so a test patches
``toolkit.publish.folders.exchange_paths`` to take the fallback.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from .files import (
    STAGED_NAME,
    carry_tree,
    kill_at,
    naming,
    process_alive,
    random_token,
    remove_path,
)
from .guard import check_targets
from .journal import JOURNAL_PREFIX, recover, roll_folder_forward, write_journal
from .links import publish_files

_RENAMEAT2: list = []
AT_FDCWD = -100
RENAME_EXCHANGE = 1 << 1


def _renameat2():
    if not _RENAMEAT2:
        func = None
        if sys.platform.startswith("linux"):
            try:
                func = ctypes.CDLL(None, use_errno=True).renameat2  # glibc >= 2.28
                func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                func.restype = ctypes.c_int
            except (OSError, AttributeError):
                func = None
        _RENAMEAT2.append(func)
    return _RENAMEAT2[0]


def exchange_paths(a: str | Path, b: str | Path) -> bool:
    """Swap two existing paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Parameters
    ----------
    a, b : str or Path
        Two existing paths on one filesystem.

    Returns
    -------
    bool
        True when swapped; False when the platform or the filesystem cannot (no ``renameat2``
        in the C library, or ``EINVAL``/``ENOSYS``/``ENOTSUP`` from the kernel): nothing was
        changed and the caller falls back.

    Raises
    ------
    OSError
        Any other failure (a missing path, permissions).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a").write_text("A"), (d / "b").write_text("B")
    >>> if exchange_paths(d / "a", d / "b"):  # on Linux with glibc >= 2.28
    ...     assert (d / "a").read_text() == "B"
    """
    func = _renameat2()
    if func is None:
        return False
    if func(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def stage_path(target: str | Path) -> Path:
    """A fresh hidden sibling of ``target`` to stage its new contents in
    (``.<name>.stage-<pid>-<random>``; :func:`recover` deletes it once its process is dead).

    Parameters
    ----------
    target : str or Path

    Returns
    -------
    Path

    Examples
    --------
    >>> stage_path("out/run").name.startswith(".run.stage-")
    True
    """
    target = Path(target)
    return target.parent / f".{target.name}.stage-{os.getpid()}-{random_token()}"


def recover_siblings(folder: str | Path) -> None:
    """:func:`recover` for what a killed :func:`publish_folder` of ``folder`` left beside it
    (its staged copy, the previous copy not yet removed, a fallback journal).

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> recover_siblings(pathlib.Path(tempfile.mkdtemp()) / "run")
    """
    folder = Path(folder).absolute()
    parent = folder.parent
    if not parent.is_dir():
        return
    prefix = f".{folder.name}."
    for name in os.listdir(parent):
        if name.startswith(JOURNAL_PREFIX) and name.endswith(".json"):
            try:
                doc = json.loads((parent / name).read_text("utf-8"))
                pid = int(name[len(JOURNAL_PREFIX):].split(".")[0])
            except (OSError, ValueError):
                continue
            if isinstance(doc, dict) and doc.get("target") == folder.name and not process_alive(pid):
                roll_folder_forward(parent, doc)
                (parent / name).unlink(missing_ok=True)
    for name in os.listdir(parent):
        m = STAGED_NAME.match(name)
        if name.startswith(prefix) and m and m["name"] == folder.name and not process_alive(int(m["pid"])):
            remove_path(parent / name)


def publish_folder(staged: str | Path, target: str | Path) -> Path:
    """Make the complete folder ``staged`` visible as ``target`` in one atomic step.

    When ``target`` does not exist, one ``rename``. Otherwise the two are exchanged with
    ``renameat2(RENAME_EXCHANGE)`` and the previous folder (now at ``staged``) is removed. A
    kill at any moment leaves ``target`` old-complete or new-complete; what is left beside it
    is removed by :func:`recover_siblings`. Where the exchange is not available (not Linux, an
    old C library, a filesystem that refuses it) the fallback is journaled: the journal is
    written, ``target`` is renamed aside, ``staged`` renamed into place, and a kill between the
    two renames is rolled forward by the next run (:func:`recover_siblings`).

    Parameters
    ----------
    staged : str or Path
        A complete folder beside ``target`` (see :func:`stage_path`).
    target : str or Path
        The folder to replace.

    Returns
    -------
    Path
        ``target``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "run").mkdir(); _ = (d / "run" / "a.txt").write_text("old")
    >>> new = stage_path(d / "run"); new.mkdir(); _ = (new / "a.txt").write_text("new")
    >>> _ = publish_folder(new, d / "run")
    >>> (d / "run" / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('new', ['run'])
    """
    staged, target = Path(staged), Path(target)
    check_targets(folders=[target])  # never replace a folder holding one of the command's inputs
    if not target.exists() and not target.is_symlink():
        kill_at("folder:before-rename")
        os.rename(staged, target)
        return target
    kill_at("folder:before-exchange")
    if exchange_paths(staged, target):
        kill_at("folder:exchanged")
        shutil.rmtree(staged)  # the previous folder
        return target
    old = target.parent / f".{target.name}.old-{os.getpid()}-{random_token()}"
    journal = target.parent / f"{JOURNAL_PREFIX}{os.getpid()}.{random_token()}.json"
    write_journal(journal, {"kind": "folder", "staged": staged.name, "target": target.name, "old": old.name})
    os.rename(target, old)
    kill_at("folder:moved-aside")
    os.rename(staged, target)
    journal.unlink()
    shutil.rmtree(old, ignore_errors=True)
    return target


def _own_folder(folder: Path, names: set[str]) -> bool:
    """Whether ``folder`` can be swapped whole: it holds nothing but files (the other files
    are carried into the new copy), it is not the working folder or a mount point, and its
    parent takes a sibling."""
    if folder.is_symlink() or os.path.ismount(folder):
        return False
    with contextlib.suppress(OSError):
        cwd = Path.cwd().resolve()
        if folder.resolve() == cwd or folder.resolve() in cwd.parents:
            return False
    if folder.is_dir():
        return all(not e.is_dir(follow_symlinks=False) for e in os.scandir(folder) if e.name not in names)
    return True


def check_folder_targets(folder: str | Path, names) -> None:
    """Refuse, before anything is read or computed, what :func:`write_folder_atomic` would refuse
    when it writes the files ``names`` into ``folder``: a file of that name, or ``folder`` (or a
    folder on its way), that is one of the command's inputs; and, when the folder would be swapped
    whole (a folder of its own), any input inside it. A command's edge calls this with the names
    it is sure to write (a subset is never stricter than the publish's own check).

    Parameters
    ----------
    folder : str or Path
        The output folder.
    names : iterable of str
        File names the command writes into ``folder``.

    Returns
    -------
    None

    Raises
    ------
    toolkit.publish.guard.InputClash

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.publish.guard import InputClash, protected_inputs
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "out").mkdir(); _ = (d / "out" / "r.csv").write_text("x")
    >>> with protected_inputs(d / "out" / "r.csv"):
    ...     try:
    ...         check_folder_targets(d / "out", ["scores.csv"])  # the folder holding the input is replaced whole
    ...     except InputClash as err:
    ...         print(err.source == str(d / "out" / "r.csv"))
    True
    """
    folder, names = Path(folder), list(names)
    check_targets(files=[folder / name for name in names])
    if _own_folder(folder, set(names)):
        check_targets(folders=[folder])


def write_folder_atomic(folder: str | Path, writers: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Write the files of a folder of its own so that the folder is always old- or new-complete.

    The new folder is staged as a hidden sibling (:func:`stage_path`): the writers write
    into it, and the folder's files that this call does not write are carried over (hard
    links), so nothing else changes. Then :func:`publish_folder` swaps it in with one atomic
    step. A folder that holds sub-folders (a shared folder such as ``data/processed``), the
    working folder, a mount point or a folder whose parent is read-only is written with
    :func:`toolkit.publish.links.publish_files` instead.

    Parameters
    ----------
    folder : str or Path
        The output folder.
    writers : dict of Path to callable
        Each file of ``folder`` and the function that writes it.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> _ = write_folder_atomic(d, {d / "a.txt": lambda p: p.write_text("A")})
    >>> _ = write_folder_atomic(d, {d / "b.txt": lambda p: p.write_text("B")})
    >>> sorted(p.name for p in d.iterdir())  # a.txt was carried over
    ['a.txt', 'b.txt']
    """
    folder = Path(folder)
    targets = [Path(t) for t in writers]
    check_targets(files=targets)  # never over one of the command's inputs (nor through one: --out r.csv)
    if any(t.parent != folder for t in targets):
        raise ValueError(f"write_folder_atomic writes files of {folder} only")
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(errno.EEXIST, "not a folder", str(folder))
    names = {t.name for t in targets}
    if folder.is_dir() and not os.access(folder, os.W_OK):  # a read-only folder stays read-only
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))
    if not _own_folder(folder, names):
        return publish_files(writers)
    check_targets(folders=[folder])  # swapped whole: no input may be inside
    folder.parent.mkdir(parents=True, exist_ok=True)
    recover_siblings(folder)
    recover(folder)
    staged = stage_path(folder)
    try:
        staged.mkdir(mode=0o777)
    except PermissionError:
        return publish_files(writers)
    try:
        with naming(folder):  # a full disk names the folder
            for target, writer in writers.items():
                writer(staged / target.name)
            if folder.is_dir():
                carry_tree(folder, staged, skip=names)
            publish_folder(staged, folder)
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
    return targets

