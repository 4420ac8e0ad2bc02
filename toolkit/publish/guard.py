"""The write guard: no command writes to, replaces or removes a file that is one of its inputs.

A command declares its inputs once, at its edge (:func:`protected_inputs`: the command line
does it from the parsed arguments, a library entry point from its path arguments); whatever
the run reads later through the toolkit's readers is added (:func:`protect`). Every publishing
function of :mod:`toolkit.publish` calls :func:`check_targets` before it writes anything: a
target file, a folder about to be swapped whole (every file inside it), or a folder on the way
to a target, that *is* an input — compared by device and inode after following symbolic links,
so a symbolic link, a hard link, ``./`` or ``..`` in the path change nothing — stops the run
with :class:`InputClash`, naming both paths and suggesting another ``--out``.

Outside :func:`protected_inputs` nothing is protected and :func:`check_targets` does nothing
(a library call from a notebook that declares no input).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import ToolkitError

#: the inputs of the running command: (st_dev, st_ino) -> the path as given (None: no command)
_INPUTS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("toolkit_protected_inputs", default=None)


class InputClash(ToolkitError):
    """A command would write to, replace or remove one of its own input files.

    Attributes
    ----------
    target : Path
        What the command would write (a file, or a folder it would replace).
    source : str
        The input, as it was given.

    Examples
    --------
    >>> err = InputClash(Path("office/return.csv"), "office/return.csv")
    >>> str(err).startswith("refusing to write office/return.csv: it is the input office/return.csv")
    True
    """

    def __init__(self, target: Path, source: str, inside: Path | None = None):
        where = f"{target} (which holds {inside})" if inside is not None else str(target)
        where_zh = f"{target}（其中有 {inside}）" if inside is not None else str(target)
        super().__init__(f"refusing to write {where}: it is the input {source} (the same file on disk); "
                         "nothing was written. Choose another --out, e.g. a new folder beside the input")
        self.zh = (f"拒绝写入 {where_zh}：它就是输入文件 {source}（磁盘上的同一个文件）；未写入任何文件。"
                   "请换一个 --out，例如输入文件旁边的一个新文件夹")
        self.target, self.source = Path(target), source


def file_key(path: str | Path) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of what ``path`` names after following symbolic links, or None
    when it does not exist (or cannot be examined).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    tuple of int, or None

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a").write_text("A")
    >>> os.link(d / "a", d / "b"); os.symlink(d / "a", d / "c")
    >>> file_key(d / "a") == file_key(d / "b") == file_key(d / "c"), file_key(d / "absent")
    (True, None)
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


@contextlib.contextmanager
def protected_inputs(*paths: str | Path | None) -> Iterator[dict]:
    """Declare the inputs of a command for the block: the publishing functions refuse to write
    over any of them (:func:`check_targets`). Nested blocks add to the outer one's inputs.

    Parameters
    ----------
    *paths : str, Path or None
        Input files (or folders); absent paths and None are skipped.

    Returns
    -------
    contextmanager of dict
        The registry, ``(st_dev, st_ino) -> path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "r.csv").write_text("x")
    >>> with protected_inputs(d / "r.csv", None, d / "absent.yaml") as registry:
    ...     len(registry)
    1
    """
    outer = _INPUTS.get()
    registry = dict(outer or {})
    token = _INPUTS.set(registry)
    try:
        protect(*paths)
        yield registry
    finally:
        _INPUTS.reset(token)


def protect(*paths: str | Path | None) -> None:
    """Add files to the inputs of the running command (the readers call this for what they
    read); nothing outside :func:`protected_inputs`.

    Parameters
    ----------
    *paths : str, Path or None

    Returns
    -------
    None

    Examples
    --------
    >>> protect("configs/default.yaml")  # no command running: nothing to do
    """
    registry = _INPUTS.get()
    if registry is None:
        return
    for path in paths:
        if path is None or (isinstance(path, str) and not path):
            continue
        key = file_key(path)
        if key is not None:
            registry.setdefault(key, str(path))


def protected() -> dict:
    """The inputs of the running command, ``(st_dev, st_ino) -> path`` (empty outside one).

    Returns
    -------
    dict

    Examples
    --------
    >>> protected()
    {}
    """
    return dict(_INPUTS.get() or {})


def _clash_in_folder(folder: Path, registry: dict) -> tuple[Path, str] | None:
    """The first input found inside ``folder`` (the folder itself, or any file below it)."""
    key = file_key(folder)
    if key in registry:
        return folder, registry[key]
    if not folder.is_dir():
        return None
    for root, dirs, files in os.walk(folder):
        for name in files + dirs:
            found = registry.get(file_key(Path(root) / name))
            if found is not None:
                return Path(root) / name, found
    return None


def _clash_on_the_way(path: Path, registry: dict) -> tuple[Path, str] | None:
    """An input that is ``path`` or one of its existing ancestors (an input file named as the
    output folder: ``--out r.csv``)."""
    for here in (path, *path.parents):
        key = file_key(here)
        if key is None:
            continue
        if here.is_dir():  # an input folder (collect's returns) may hold outputs of their own
            return None
        if key in registry:
            return here, registry[key]
    return None


def check_targets(files: Iterable[str | Path] = (), folders: Iterable[str | Path] = ()) -> None:
    """Stop before anything is written if a target is one of the running command's inputs.

    Called by every publishing function of :mod:`toolkit.publish` (and, for a command that
    publishes in several steps, once up front with every target). Inputs are compared by device
    and inode (:func:`file_key`), after following symbolic links, so a symbolic or hard link to
    an input is the input.

    Parameters
    ----------
    files : iterable of str or Path
        Files to be written or replaced (the file, a symbolic link at its name, or a folder on
        its path may be the input).
    folders : iterable of str or Path
        Folders to be replaced whole: every file inside is checked.

    Returns
    -------
    None

    Raises
    ------
    InputClash
        Naming the target and the input.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "r.csv").write_text("x")
    >>> os.link(d / "r.csv", d / "copy.csv")
    >>> with protected_inputs(d / "r.csv"):
    ...     check_targets(files=[d / "other.csv"])  # not an input: fine
    ...     try:
    ...         check_targets(files=[d / "copy.csv"])  # a hard link to the input
    ...     except InputClash as err:
    ...         print(err.source == str(d / "r.csv"))
    True
    """
    registry = _INPUTS.get()
    if not registry:
        return
    for target in map(Path, files):
        hit = _clash_on_the_way(target, registry)
        if hit is None and target.is_symlink():  # the link itself (a pointer publish replaces it)
            with contextlib.suppress(OSError):
                st = os.lstat(target)
                if (st.st_dev, st.st_ino) in registry:
                    hit = target, registry[(st.st_dev, st.st_ino)]
        if hit is not None:
            raise InputClash(target, hit[1])
    for folder in map(Path, folders):
        hit = _clash_in_folder(folder, registry) or _clash_on_the_way(folder.parent, registry)
        if hit is not None:
            raise InputClash(folder, hit[1], None if hit[0] == folder else hit[0])


#: the arguments of a command line that name what it writes (every other argument that names an
#: existing file is one of its inputs)
OUTPUT_ARGUMENTS = ("out", "run")


def argument_inputs(args, outputs: Iterable[str] = OUTPUT_ARGUMENTS) -> list[str]:
    """The input files a parsed command line names: every argument value (or item of a list
    value) that names an existing file, except the arguments in ``outputs``. An argument naming
    a folder (``collect``'s folder of returns) gives the folder and the files in it and its
    sub-folders (two levels; what lies under an output argument is skipped).

    A new command needs no list of its own: its file arguments are inputs unless they are
    named ``--out`` (or ``--run``); give ``outputs`` when a command names its outputs otherwise.

    Parameters
    ----------
    args : argparse.Namespace or mapping
    outputs : iterable of str
        The destinations (attribute names) that are written, not read.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import argparse
    >>> args = argparse.Namespace(file="configs/default.yaml", out="configs/default.yaml", lang="zh", n=3)
    >>> argument_inputs(args)
    ['configs/default.yaml']
    """
    values = args if isinstance(args, dict) else vars(args)
    skip = set(outputs)
    written = [os.path.realpath(v) for k, v in values.items() if k in skip and isinstance(v, str | Path) and str(v)]
    found = []
    for name, value in values.items():
        if name in skip:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if not isinstance(item, (str, Path)) or not str(item):
                continue
            if os.path.isfile(item):
                found.append(str(item))
            elif os.path.isdir(item):
                found += [str(item), *_files_below(Path(item), written)]
    return found


def _files_below(folder: Path, written: list[str], depth: int = 2, limit: int = 10_000) -> list[str]:
    """The files of ``folder`` and of its sub-folders down to ``depth`` levels, outside ``written``."""
    found, level = [], [folder]
    for _ in range(depth):
        deeper = []
        for here in level:
            if os.path.realpath(here) in written:
                continue
            with contextlib.suppress(OSError):
                for entry in os.scandir(here):
                    (deeper if entry.is_dir() else found).append(Path(entry.path))
            if len(found) > limit:
                return [str(p) for p in found[:limit]]
        level = deeper
    return [str(p) for p in found if p.is_file()]
