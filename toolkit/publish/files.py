"""Single files written to a temporary file beside the target and renamed (:func:`write_atomic`),
and the basics the other publishing schemes share.

The shared basics: the test hook that kills the process at a named step (:func:`kill_at`), the
random part and the process id in the names of hidden work in progress (:func:`random_token`,
:data:`STAGED_NAME`, :data:`GENERATION_NAME`, :func:`process_alive`), and the hard-link copy of
a folder (:func:`carry_tree`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

#: test hook: the name of a step of a publish at which the process kills itself (SIGKILL)
FAULT_ENV = "TOOLKIT_FAULT_KILL"
#: a folder staged beside its target, or the previous one moved aside
#: (``.<name>.stage-<pid>-<random>``, ``.<name>.old-<pid>-<random>``; see
#: :func:`toolkit.publish.folders.stage_path`)
STAGED_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<kind>stage|old)-(?P<pid>\d+)-[0-9a-f]+$")
#: a generation folder of files sharing a folder (``.<group>.gen-<pid>-<random>``; see
#: :func:`toolkit.publish.links.publish_files`)
GENERATION_NAME = re.compile(r"^\.(?P<group>.+)\.gen-(?P<pid>\d+)-[0-9a-f]+$")


def kill_at(point: str) -> None:
    """Kill this process (SIGKILL) at ``point`` when the test hook :data:`FAULT_ENV` names it
    (see ``tests/faults/``); otherwise do nothing.

    Parameters
    ----------
    point : str
        The step of a publish, e.g. ``"files:linked"``.

    Returns
    -------
    None

    Examples
    --------
    >>> kill_at("no such step")  # the hook is not set: nothing happens
    """
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def random_token() -> str:
    """Eight random hexadecimal digits: the part of a hidden name that keeps two names of one
    process apart.

    Returns
    -------
    str

    Examples
    --------
    >>> len(random_token()), random_token() != random_token()
    (8, True)
    """
    return secrets.token_hex(4)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` (named in a hidden file of a run) may still be running: what it
    left is then not cleaned up.

    Parameters
    ----------
    pid : int

    Returns
    -------
    bool
        True for this process, a running one, or one this user may not signal.

    Examples
    --------
    >>> import os
    >>> process_alive(os.getpid())
    True
    """
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temp_beside(target: Path) -> Path:
    """A new empty temporary file in the target's folder (so the rename onto ``target`` is
    atomic), with the permissions a normally created file would have (mkstemp makes it
    private, 0600). Its name, ``.<name>.<pid>.<random>.tmp``, lets a later run remove what a
    killed run left behind (:func:`toolkit.publish.journal.recover`).

    Parameters
    ----------
    target : Path
        The file the temporary file will replace (its folder is created).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = temp_beside(pathlib.Path(tempfile.mkdtemp()) / "a.txt")
    >>> tmp.name.startswith(".a.txt."), tmp.suffix, tmp.stat().st_size
    (True, '.tmp', 0)
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # the pid in the name lets a later run remove what a killed run left behind (see recover)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())
    return Path(tmp)


def remove_path(path: Path) -> None:
    """Remove a file, a link or a folder with its contents; nothing when it is absent.

    Parameters
    ----------
    path : Path

    Returns
    -------
    None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "sub").mkdir(); _ = (d / "sub" / "x").write_text("x")
    >>> remove_path(d / "sub"); remove_path(d / "absent"); list(d.iterdir())
    []
    """
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to ``src`` (cheap: nothing the toolkit writes is ever modified in
    place), or a copy where links are not allowed. A dangling symbolic link is copied as a link.

    Parameters
    ----------
    src, dst : Path
        An existing file and the new name.

    Returns
    -------
    None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a").write_text("A")
    >>> link_or_copy(d / "a", d / "b"); (d / "b").read_text()
    'A'
    """
    if src.is_symlink() and not src.exists():
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)  # follows a symbolic link: the new folder holds the content
    except OSError:
        shutil.copy2(src, dst)


def carry_tree(src: Path, dst: Path, skip=()) -> None:
    """Fill ``dst`` with ``src``'s files (hard links) and folders (recursively), except the
    top-level names in ``skip``.

    Parameters
    ----------
    src, dst : Path
        An existing folder and the folder to fill (created).
    skip : iterable of str
        Top-level names not carried.

    Returns
    -------
    None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "a" / "sub").mkdir(parents=True); _ = (d / "a" / "sub" / "x").write_text("x")
    >>> carry_tree(d / "a", d / "b")
    >>> (d / "b" / "sub" / "x").read_text()
    'x'
    """
    dst.mkdir(parents=True, exist_ok=True)
    skip = set(skip)
    for entry in os.scandir(src):
        if entry.name in skip:
            continue
        s, d = Path(entry.path), dst / entry.name
        if entry.is_dir(follow_symlinks=False):
            carry_tree(s, d)
        else:
            link_or_copy(s, d)
    with contextlib.suppress(OSError):  # last: the folder's own permissions
        os.chmod(dst, stat.S_IMODE(src.stat().st_mode))


@contextlib.contextmanager
def naming(folder: str | Path) -> Iterator[None]:
    """Give an operating-system error raised in the block without a path (a writer's ``write``
    on a full disk: "No space left on device"), or naming hidden work in progress (a staged
    copy, a temporary file), the folder being written, so the message names what the user knows.

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    contextmanager

    Examples
    --------
    >>> import errno
    >>> try:
    ...     with naming("reports/run"):
    ...         raise OSError(errno.ENOSPC, "No space left on device")
    ... except OSError as exc:
    ...     print(exc.filename)
    reports/run
    """
    try:
        yield
    except OSError as exc:
        if exc.errno is None:  # an error made with a message only: its text is kept as it is
            raise
        if not exc.filename or any(part.startswith(".") and part not in (".", "..")
                                   for part in Path(os.fsdecode(exc.filename)).parts):
            exc.filename = str(folder)
        raise


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` if the block succeeds.

    On an exception the temporary file is removed and ``target`` is left untouched.

    Parameters
    ----------
    target : str or Path
        The file to write.

    Returns
    -------
    contextmanager of Path
        The temporary path to write to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("A")
    >>> (d / "a.txt").read_text(), len(list(d.iterdir()))
    ('A', 1)
    """
    target = Path(target)
    from .guard import check_targets

    check_targets(files=[target])  # never over one of the command's inputs
    with naming(target.parent):
        tmp_path = temp_beside(target)
        try:
            yield tmp_path
            os.replace(tmp_path, target)
        finally:
            if tmp_path.exists():
                tmp_path.unlink()


def write_atomic(target: str | Path, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``target`` atomically.

    Parameters
    ----------
    target : str or Path
    writer : callable
        Writes the file at the path it is given.

    Returns
    -------
    Path
        ``target``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(d / "a.txt", lambda p: p.write_text("A")).read_text()
    'A'
    """
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)
