"""Publishing outputs so that the folder never shows a mix of old and new files.

A run killed at any moment (SIGKILL, a power cut of the process) leaves, on disk and without
any later repair, either the complete previous outputs or the complete new ones:

- **a folder of its own** (the index's run folder, a reports run folder, a report bundle) is
  staged whole as a hidden sibling and swapped in with one ``renameat2(RENAME_EXCHANGE)``
  (Linux), or renamed into place when there was none (:func:`write_folder_atomic`,
  :func:`publish_folder`);
- **files sharing a folder** with other outputs (``prepare``'s three files in
  ``data/processed``, the template's and the demo's pair) are stable relative symbolic links
  into a generation folder reached through one pointer link, and publishing is one
  ``os.replace`` of the pointer (:func:`publish_files`);
- where neither is available (no ``renameat2``, or a filesystem without symbolic links) the
  commit journal of :func:`write_many_atomic` is the fallback: the next run into the folder
  (or :func:`recover`) rolls a killed commit forward.

Single files are written to a temporary file beside the target and renamed (:func:`write_atomic`).
See docs/safety.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

JOURNAL_PREFIX = ".toolkit-commit."
#: test hook: the name of a step of a publish at which the process kills itself (SIGKILL)
FAULT_ENV = "TOOLKIT_FAULT_KILL"
_STAGE = re.compile(r"^\.(?P<name>.+)\.(?P<kind>stage|old)-(?P<pid>\d+)-[0-9a-f]+$")
_GEN = re.compile(r"^\.(?P<group>.+)\.gen-(?P<pid>\d+)-[0-9a-f]+$")


def _fault(point: str) -> None:
    """Kill this process at ``point`` when the test hook names it (see ``tests/test_faults.py``)."""
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _token() -> str:
    return secrets.token_hex(4)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- single files -----------------------------------------------------------------------------------
def _mkstemp_beside(target: Path) -> Path:
    """A temporary file in the target's folder (so the rename is atomic), with the permissions
    a normally created file would have (mkstemp makes it private, 0600)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # the pid in the name lets a later run remove what a killed run left behind (see recover)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())
    return Path(tmp)


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
    tmp_path = _mkstemp_beside(target)
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


# -- the commit journal (the fallback) ---------------------------------------------------------------
def _write_journal(path: Path, doc) -> None:
    tmp = _mkstemp_beside(path)
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(doc))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _rmtree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def recover(folder: str | Path, *, locked: bool = False) -> list[Path]:
    """Finish or clean up what a killed run left in ``folder``.

    A commit journal of a dead process (written by :func:`write_many_atomic`, or by the
    fallback of :func:`publish_folder`) is rolled forward, so the folder holds the complete
    new set. Staged folders, generations no pointer names and temporary files of dead
    processes are deleted; a dead run's staging of a sibling folder is deleted too. Runs of
    live processes are left alone. With ``locked`` (the caller holds the folder's output lock)
    the name links a killed :func:`publish_files` made before its pointer moved are removed.

    Parameters
    ----------
    folder : str or Path
    locked : bool
        The caller holds :func:`toolkit.files.output_lock` on ``folder``.

    Returns
    -------
    list of Path
        The files and folders completed.

    Examples
    --------
    >>> import tempfile
    >>> recover(tempfile.mkdtemp())
    []
    """
    folder = Path(folder)
    done: list[Path] = []
    if not folder.is_dir():
        return done
    names = sorted(os.listdir(folder))
    for name in names:
        if not (name.startswith(JOURNAL_PREFIX) and name.endswith(".json")):
            continue
        journal = folder / name
        try:
            pid = int(name[len(JOURNAL_PREFIX):].split(".")[0])
        except ValueError:
            continue
        if _alive(pid):
            continue
        try:
            doc = json.loads(journal.read_text("utf-8"))
        except (OSError, ValueError):
            journal.unlink(missing_ok=True)  # written atomically, so a damaged one is not ours
            continue
        if isinstance(doc, dict) and doc.get("kind") == "folder":
            done += _roll_folder_forward(folder, doc)
        else:
            for tmp, target in doc:
                tmp_path, target_path = folder / tmp, folder / target
                if tmp_path.exists():
                    os.replace(tmp_path, target_path)
                    done.append(target_path)
        journal.unlink(missing_ok=True)
    pointers = {}
    for name in names:
        path = folder / name
        m, g = _STAGE.match(name), _GEN.match(name)
        if m and not _alive(int(m["pid"])):
            _rmtree(path)
        elif g and not _alive(int(g["pid"])):
            pointer = folder / f".{g['group']}.current"
            if pointer not in pointers:
                pointers[pointer] = os.readlink(pointer) if pointer.is_symlink() else None
            if pointers[pointer] != name:
                _rmtree(path)
        elif name.startswith(".") and name.endswith(".tmp"):
            parts = name.rsplit(".", 3)  # .<name>.<pid>.<random>.tmp
            if len(parts) == 4 and parts[1].isdigit() and not _alive(int(parts[1])):
                (folder / name).unlink(missing_ok=True)
    if locked:
        for name in names:
            path = folder / name
            if path.is_symlink() and not path.exists():
                link = os.readlink(path)
                if re.fullmatch(r"\.[^/]+\.current/" + re.escape(name), link):
                    path.unlink()  # made by a run killed before its pointer moved: the name was absent
    return done


def _roll_folder_forward(parent: Path, doc: dict) -> list[Path]:
    staged, target, old = (parent / doc[k] for k in ("staged", "target", "old"))
    done = []
    if staged.is_dir():
        if target.exists() and not old.exists():
            os.rename(target, old)
        os.rename(staged, target)
        done.append(target)
    _rmtree(old)
    return done


def write_many_atomic(writers: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Write several files so that either all are replaced or none is (the journal fallback).

    Every file is first written to a temporary path. Only when all writers have succeeded is
    a commit journal written (atomically) naming the staged files; then they are renamed into
    place and the journal is removed. A run killed before the journal leaves the old files;
    a run killed during the renames leaves a journal that :func:`recover` (called by the next
    write into the folder) rolls forward, completing the new set. :func:`publish_files` and
    :func:`write_folder_atomic` close that window where the platform allows; this is what
    they fall back to.

    Parameters
    ----------
    writers : dict of Path to callable
        Each target file and the function that writes it (given a temporary path).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> paths = write_many_atomic({d / "a.txt": lambda p: p.write_text("A"), d / "b.txt": lambda p: p.write_text("B")})
    >>> sorted(p.name for p in d.iterdir())
    ['a.txt', 'b.txt']
    """
    staged: list[tuple[Path, Path]] = []
    journal: Path | None = None
    for folder in {Path(t).parent for t in writers}:
        recover(folder)
    try:
        for target, writer in writers.items():
            target = Path(target)
            tmp = _mkstemp_beside(target)
            staged.append((tmp, target))
            writer(tmp)
        folders = {t.parent for _, t in staged}
        if len(folders) == 1 and len(staged) > 1:
            folder = folders.pop()
            journal = folder / f"{JOURNAL_PREFIX}{os.getpid()}.json"
            _write_journal(journal, [[tmp.name, target.name] for tmp, target in staged])
        for i, (tmp, target) in enumerate(staged):
            os.replace(tmp, target)
            if i == 0:
                _fault("journal:renamed-one")
        return [t for _, t in staged]
    finally:
        if journal is not None:
            journal.unlink(missing_ok=True)
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()


# -- a folder of its own: stage, then swap --------------------------------------------------------------
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
    return target.parent / f".{target.name}.stage-{os.getpid()}-{_token()}"


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
            if isinstance(doc, dict) and doc.get("target") == folder.name and not _alive(pid):
                _roll_folder_forward(parent, doc)
                (parent / name).unlink(missing_ok=True)
    for name in os.listdir(parent):
        m = _STAGE.match(name)
        if name.startswith(prefix) and m and m["name"] == folder.name and not _alive(int(m["pid"])):
            _rmtree(parent / name)


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
    if not target.exists() and not target.is_symlink():
        _fault("folder:before-rename")
        os.rename(staged, target)
        return target
    _fault("folder:before-exchange")
    if exchange_paths(staged, target):
        _fault("folder:exchanged")
        shutil.rmtree(staged)  # the previous folder
        return target
    old = target.parent / f".{target.name}.old-{os.getpid()}-{_token()}"
    journal = target.parent / f"{JOURNAL_PREFIX}{os.getpid()}.{_token()}.json"
    _write_journal(journal, {"kind": "folder", "staged": staged.name, "target": target.name, "old": old.name})
    os.rename(target, old)
    _fault("folder:moved-aside")
    os.rename(staged, target)
    journal.unlink()
    shutil.rmtree(old, ignore_errors=True)
    return target


def _link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to ``src`` (cheap: nothing the toolkit writes is ever modified in
    place), or a copy where links are not allowed."""
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
            _link_or_copy(s, d)
    with contextlib.suppress(OSError):  # last: the folder's own permissions
        os.chmod(dst, stat.S_IMODE(src.stat().st_mode))


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


def write_folder_atomic(folder: str | Path, writers: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Write the files of a folder of its own so that the folder is always old- or new-complete.

    The new folder is staged as a hidden sibling (:func:`stage_path`): the writers write
    into it, and the folder's files that this call does not write are carried over (hard
    links), so nothing else changes. Then :func:`publish_folder` swaps it in with one atomic
    step. A folder that holds sub-folders (a shared folder such as ``data/processed``), the
    working folder, a mount point or a folder whose parent is read-only is written with
    :func:`publish_files` instead.

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
    if any(t.parent != folder for t in targets):
        raise ValueError(f"write_folder_atomic writes files of {folder} only")
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(errno.EEXIST, "not a folder", str(folder))
    names = {t.name for t in targets}
    if folder.is_dir() and not os.access(folder, os.W_OK):  # a read-only folder stays read-only
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    if not _own_folder(folder, names):
        return publish_files(writers)
    recover_siblings(folder)
    recover(folder)
    staged = stage_path(folder)
    try:
        staged.mkdir(mode=0o777)
    except PermissionError:
        return publish_files(writers)
    try:
        for target, writer in writers.items():
            writer(staged / target.name)
        if folder.is_dir():
            carry_tree(folder, staged, skip=names)
        publish_folder(staged, folder)
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
    return targets


# -- files sharing a folder: generations behind one pointer ------------------------------------------------
_SYMLINKS: dict[str, bool] = {}


def symlinks_work(folder: Path) -> bool:
    """Whether relative symbolic links can be made in ``folder`` (not on Windows without the
    privilege, not on FAT or some network shares).

    Parameters
    ----------
    folder : Path
        An existing folder.

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile, pathlib
    >>> symlinks_work(pathlib.Path(tempfile.mkdtemp())) in (True, False)
    True
    """
    if os.name == "nt":
        return False
    key = str(Path(folder).resolve())
    if key not in _SYMLINKS:
        probe = Path(folder) / f".toolkit-link.{os.getpid()}.{_token()}.tmp"
        try:
            os.symlink("x", probe)
            probe.unlink()
            _SYMLINKS[key] = True
        except OSError as exc:
            if exc.errno == errno.EACCES:  # a read-only folder: the write itself will say so
                return False
            _SYMLINKS[key] = False
    return _SYMLINKS[key]


def _replace_link(path: Path, text: str) -> None:
    tmp = path.parent / f".{path.name}.{os.getpid()}.{_token()}.tmp"
    os.symlink(text, tmp)
    os.replace(tmp, path)


def _current(pointer: Path) -> Path | None:
    if pointer.is_symlink():
        gen = pointer.parent / os.readlink(pointer)
        if gen.is_dir():
            return gen
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        if not a.is_file() or a.stat().st_size != b.stat().st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def group_name(targets) -> str:
    """The name of a set of files' generation: their common stem (``r`` for ``r.parquet``,
    ``r.csv``, ``r.meta.json``), else a hash of their names.

    Parameters
    ----------
    targets : iterable of Path

    Returns
    -------
    str

    Examples
    --------
    >>> group_name([Path("r.parquet"), Path("r.csv"), Path("r.meta.json")])
    'r'
    """
    import hashlib

    names = sorted(Path(t).name for t in targets)
    stem = os.path.commonprefix(names)
    if "." in stem:
        return stem[:stem.rindex(".")]
    return "files-" + hashlib.sha256("\0".join(names).encode()).hexdigest()[:10]


def publish_files(writers: dict[Path, Callable[[Path], None]], group: str | None = None) -> list[Path]:
    """Write files that share a folder with other outputs so that the folder always shows the
    complete previous set or the complete new one.

    Each visible name (``data/processed/r.parquet``) is a relative symbolic link through one
    pointer link into a generation folder: ``r.parquet -> .r.current/r.parquet`` and
    ``.r.current -> .r.gen-<pid>-<random>``. A publish writes the new generation (the writers,
    plus the current generation's other files as hard links), makes sure every name is such a
    link (a regular file from an earlier version is first moved into the current generation,
    content unchanged), then replaces the pointer with one ``os.replace``: every name switches
    at once. The previous generation is removed after. A name that did not exist before is a
    link that dangles (reads as absent) until the pointer moves. Files whose bytes would not
    change are left as they are. Where symbolic links cannot be made, or for a single file,
    :func:`write_many_atomic`.

    Parameters
    ----------
    writers : dict of Path to callable
        Each target file (all in one folder) and the function that writes it.
    group : str, optional
        The generation's name (default :func:`group_name` of the targets).

    Returns
    -------
    list of Path
        The files written (the visible names).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> w = {d / "r.csv": lambda p: p.write_text("1"), d / "r.meta.json": lambda p: p.write_text("{}")}
    >>> _ = publish_files(w)
    >>> (d / "r.csv").read_text(), sorted(p.name for p in d.iterdir() if not p.name.startswith("."))
    ('1', ['r.csv', 'r.meta.json'])
    """
    targets = [Path(t) for t in writers]
    folders = {t.parent for t in targets}
    if len(folders) != 1 or len(targets) < 2:
        return write_many_atomic(writers)
    folder = folders.pop()
    folder.mkdir(parents=True, exist_ok=True)
    if not symlinks_work(folder):
        return write_many_atomic(writers)
    recover(folder)
    group = group or group_name(targets)
    pointer = folder / f".{group}.current"
    if pointer.exists() and not pointer.is_symlink():  # not ours (a copy made following links)
        return write_many_atomic(writers)
    new = folder / f".{group}.gen-{os.getpid()}-{_token()}"
    new.mkdir()
    try:
        for target, writer in writers.items():
            writer(new / target.name)
        if all(_same_file(t, new / t.name) for t in targets):
            return targets  # nothing would change (e.g. the demo regenerated byte for byte)
        current = _current(pointer)
        if current is not None:
            carry_tree(current, new, skip={t.name for t in targets})
        for target in targets:
            _adopt(target, pointer)
        old = _current(pointer)
        _fault("files:linked")
        _replace_link(pointer, new.name)  # the publish: one atomic replace
        _fault("files:published")
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return targets
    finally:
        if new.exists() and (not pointer.is_symlink() or os.readlink(pointer) != new.name):
            shutil.rmtree(new, ignore_errors=True)


def _adopt(target: Path, pointer: Path) -> None:
    """Make ``target`` the link ``.<group>.current/<name>``, showing what it shows now."""
    link = f"{pointer.name}/{target.name}"
    if target.is_symlink() and os.readlink(target) == link:
        return
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(target))
    if target.exists():  # a regular file (or another link): its content moves behind the pointer first
        gen = _current(pointer)
        if gen is None:
            gen = pointer.parent / f".{pointer.name[1:-len('.current')]}.gen-{os.getpid()}-{_token()}"
            gen.mkdir()
            _replace_link(pointer, gen.name)
        tmp = gen / f".{target.name}.{os.getpid()}.{_token()}.tmp"
        _link_or_copy(target, tmp)
        os.replace(tmp, gen / target.name)
    _replace_link(target, link)  # shows the same content as before (or nothing, if it was absent)


# -- a folder built over a long run (reports): resumable staging ---------------------------------------
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
    _fault("staging:renamed")
    return publish_folder(final, target)
