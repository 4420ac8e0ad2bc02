"""Files sharing a folder with other outputs (``prepare``'s three files in ``data/processed``)
published through one pointer link (:func:`publish_files`).

Each visible name is a stable relative symbolic link into a generation folder reached through
one pointer link, and publishing is one ``os.replace`` of the pointer. Where symbolic links
cannot be made (:func:`symlinks_work`, looked up here at call time: a test patches
``toolkit.publish.links.symlinks_work``), the commit journal
(:func:`toolkit.publish.journal.write_many_atomic`) is the fallback.

Only for files that stay inside the toolkit's own folders: a name that is a link cannot be
e-mailed, zipped or committed as the file it shows, so the demo and the template are written as
plain files (the commit journal) instead.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .files import carry_tree, kill_at, link_or_copy, naming, random_token
from .journal import recover, write_many_atomic

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
        probe = Path(folder) / f".toolkit-link.{os.getpid()}.{random_token()}.tmp"
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
    tmp = path.parent / f".{path.name}.{os.getpid()}.{random_token()}.tmp"
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
    :func:`toolkit.publish.journal.write_many_atomic`.

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
    from .guard import check_targets

    check_targets(files=targets)  # never over one of the command's inputs
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
    new = folder / f".{group}.gen-{os.getpid()}-{random_token()}"
    try:
        with naming(folder):  # a full disk names the folder
            new.mkdir()
            for target, writer in writers.items():
                writer(new / target.name)
        if all(_same_file(t, new / t.name) for t in targets):
            return targets  # nothing would change (e.g. prepare re-run on the same return)
        current = _current(pointer)
        if current is not None:
            carry_tree(current, new, skip={t.name for t in targets})
        for target in targets:
            _adopt(target, pointer)
        old = _current(pointer)
        kill_at("files:linked")
        _replace_link(pointer, new.name)  # the publish: one atomic replace
        kill_at("files:published")
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
            gen = pointer.parent / f".{pointer.name[1:-len('.current')]}.gen-{os.getpid()}-{random_token()}"
            gen.mkdir()
            _replace_link(pointer, gen.name)
        tmp = gen / f".{target.name}.{os.getpid()}.{random_token()}.tmp"
        link_or_copy(target, tmp)
        os.replace(tmp, gen / target.name)
    _replace_link(target, link)  # shows the same content as before (or nothing, if it was absent)



def retire_pointer(folder: str | Path, group: str) -> bool:
    """Remove the pointer ``.<group>.current`` of ``folder`` and the generation it names once no
    name in ``folder`` links through it: the set's files were since written as plain files (the
    demo and the template, published through the pointer by the toolkit of 2 December 2026,
    are plain files again). The pointer goes first, so a kill in between leaves a generation no
    pointer names, which :func:`toolkit.publish.journal.recover` removes. The caller holds the
    folder's output lock.

    Parameters
    ----------
    folder : str or Path
    group : str
        The set's name (:func:`group_name`; the demo's and the template's stem).

    Returns
    -------
    bool
        True when a pointer was removed; False when there is none or a name still uses it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.publish.journal import write_many_atomic
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> w = {d / "r.csv": lambda p: p.write_text("1"), d / "r.xlsx": lambda p: p.write_text("2")}
    >>> _ = publish_files(w); retire_pointer(d, "r")  # the names link through it
    False
    >>> _ = write_many_atomic(w); retire_pointer(d, "r"), sorted(p.name for p in d.iterdir())
    (True, ['r.csv', 'r.xlsx'])
    """
    folder = Path(folder)
    pointer = folder / f".{group}.current"
    if not pointer.is_symlink():
        return False
    for entry in os.scandir(folder):
        if entry.is_symlink() and os.readlink(entry.path).startswith(f"{pointer.name}/"):
            return False
    generation = _current(pointer)
    pointer.unlink()
    if generation is not None:
        shutil.rmtree(generation, ignore_errors=True)
    return True
