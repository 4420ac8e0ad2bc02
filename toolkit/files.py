"""Safe reading and writing: paths kept inside their folder, formula-safe CSV/XLSX, one run per
output folder (:func:`output_lock`), reproducible XLSX bytes. Reading YAML safely (size and
alias limits, keys given twice, the text encodings) is :mod:`toolkit.safe_yaml`, re-exported here.

The writing primitives (single files renamed into place, folders swapped in whole, files
sharing a folder published through one pointer) live in :mod:`toolkit.publish` and are
re-exported here. XLSX files are re-zipped with fixed timestamps so that the same content
gives the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .errors import DataError, ToolkitError
from .publish import (  # noqa: F401 - re-exported: the writing primitives live in toolkit.publish
    JOURNAL_PREFIX,
    atomic_path,
    publish_files,
    publish_folder,
    recover,
    recover_siblings,
    write_atomic,
    write_folder_atomic,
    write_many_atomic,
)
from .safe_yaml import (  # noqa: F401 - re-exported
    MAX_YAML_BYTES,
    MAX_YAML_NODES,
    TEXT_ENCODINGS,
    check_yaml_text,
    decode_text,
    read_yaml_mapping,
    yaml_duplicate_keys,
    yaml_expanded_size,
)

FIXED_ZIP_TIME = (2024, 4, 8, 0, 0, 0)  # the framework's issue date; any fixed value works


# -- paths derived from names ----------------------------------------------------------------------
def slug(name: str, max_length: int = 80) -> str:
    """A file-name-safe form of ``name``: letters (any script), digits, ``-``, ``_`` and ``.``
    kept, every other character (``/``, ``\\``, spaces, control characters) replaced by ``_``,
    no leading dot, at most ``max_length`` characters, never empty.

    Examples
    --------
    >>> slug("../../escaped")
    'escaped'
    >>> slug("默认 spec/v2")
    '默认_spec_v2'
    >>> slug("..")
    'x'
    """
    text = re.sub(r"[^\w.-]+", "_", str(name), flags=re.UNICODE)
    text = re.sub(r"\.{2,}", "_", text).strip("._-")
    return text[:max_length] or "x"


def safe_child(base: str | Path, name: str) -> Path:
    """``base / slug(name)``, checked to lie inside ``base`` (symbolic links followed).

    Every path the toolkit derives from data or a specification (run folders, report files)
    goes through this function, so no name can make it write outside its base folder.

    Raises
    ------
    ValueError
        If the resolved path is not inside ``base`` (e.g. ``base/name`` is a link pointing out).

    Examples
    --------
    >>> safe_child("data/processed", "../../../../escaped").as_posix()
    'data/processed/escaped'
    """
    base = Path(base)
    child = base / slug(name)
    resolved, root = child.resolve(), base.resolve()
    if resolved != root and root not in resolved.parents:
        # a DataError (a ValueError): the command line explains it instead of an internal error
        raise DataError(f"refusing to write outside {base}: {child} resolves to {resolved}; "
                        "choose another --out (or --run)")
    return child


# -- output that others open in Excel ----------------------------------------------------------------
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value):
    """Prefix ``'`` to text that Excel would read as a formula (OWASP: text starting with
    ``=``, ``+``, ``-``, ``@``, tab or carriage return). Numbers and other values pass unchanged.

    Examples
    --------
    >>> neutralise_text("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> neutralise_text(-3.5), neutralise_text("济南市")
    (-3.5, '济南市')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(df):
    """A copy of a DataFrame whose text cells (and column names) cannot run as formulas when
    the CSV/XLSX is opened in a spreadsheet; numeric columns are untouched (numbers keep their
    sign). Every CSV and XLSX the toolkit writes goes through this.

    Examples
    --------
    >>> import pandas as pd
    >>> neutralise_formulas(pd.DataFrame({"name": ["=1+1", "ok"], "x": [-1.0, 2.0]})).to_dict("list")
    {'name': ["'=1+1", 'ok'], 'x': [-1.0, 2.0]}
    """
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            continue
        out[col] = s.map(neutralise_text)
    out.columns = [neutralise_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


# -- one run at a time per output folder ------------------------------------------------------------
class OutputLocked(ToolkitError):
    """Another run holds the lock of an output folder."""

    def __init__(self, folder: Path):
        super().__init__(f"another run is writing into {folder}; wait for it to finish, or choose another --out")
        self.zh = f"另一个运行正在写入 {folder}：请等它结束，或换一个 --out 文件夹"
        self.folder = folder


def lock_path(folder: str | Path) -> Path:
    """The lock file of an output folder. It lives in a lock folder of its own (the system's
    temporary folder, or ``TOOLKIT_LOCK_DIR``), so the output folder holds only outputs.

    Examples
    --------
    >>> lock_path("reports").name.endswith(".lock")
    True
    """
    import hashlib

    base = Path(os.environ.get("TOOLKIT_LOCK_DIR") or Path(tempfile.gettempdir()) / "sd-brain-toolkit-locks")
    key = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:32]
    return base / f"{key}.lock"


def _open_lock_file(path: Path) -> int:
    """The lock file, shared by every user of the machine: the lock folder is made
    world-writable with the sticky bit (as the system's temporary folder is) and each lock file
    readable by all; flock needs only a read descriptor."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(path.parent, 0o1777)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    except PermissionError:  # another user's lock folder that is not open to others
        fd = os.open(path, os.O_RDONLY)
    return fd


#: the output locks this process holds: lock file -> [(pid, thread), depth]
_HELD: dict[str, list] = {}
_HELD_GUARD = threading.Lock()


@contextlib.contextmanager
def output_lock(folder: str | Path) -> Iterator[Path]:
    """Hold an exclusive lock on the output folder ``folder`` for the block.

    A second run into the same folder — another process (a notebook, the command line) or
    another thread — does not wait and does not interleave: it raises :class:`OutputLocked`
    at once. The lock is re-entrant for the thread that holds it, so the command line (which
    takes it) calling a library function (which takes it too) works. It is released by the
    operating system when the process ends, so a killed run never leaves a stale lock. Once
    the lock is taken, what a killed earlier run left in the folder is finished or removed
    (:func:`recover`, :func:`recover_siblings`).

    Parameters
    ----------
    folder : str or Path
        The output folder (it need not exist yet).

    Returns
    -------
    contextmanager of Path
        ``folder``.

    Raises
    ------
    OutputLocked
        Another process, or another thread of this one, holds the lock.

    Examples
    --------
    >>> import tempfile, threading
    >>> d = tempfile.mkdtemp()
    >>> with output_lock(d):
    ...     with output_lock(d):  # the same thread again: re-entrant
    ...         pass
    ...     errors = []
    ...     def other():
    ...         try:
    ...             with output_lock(d):
    ...                 pass
    ...         except OutputLocked as exc:
    ...             errors.append(exc)
    ...     t = threading.Thread(target=other); t.start(); t.join()
    >>> len(errors)  # another thread (like another process) is refused
    1
    """
    import fcntl

    folder = Path(folder)
    path = lock_path(folder)
    key, me = str(path), (os.getpid(), threading.get_ident())
    with _HELD_GUARD:
        held = _HELD.get(key)
        if held is not None and held[0][0] == os.getpid():  # (an entry copied into a forked child is not held)
            if held[0] != me:
                raise OutputLocked(folder)
            held[1] += 1
    if held is not None and held[0] == me:
        try:
            yield folder
        finally:
            with _HELD_GUARD:
                held[1] -= 1
        return
    fd = _open_lock_file(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputLocked(folder) from exc
        with _HELD_GUARD:
            _HELD[key] = [me, 1]
        try:
            recover_siblings(folder)  # finish what a killed run left, before this run starts
            if folder.is_dir():
                recover(folder, locked=True)
                for sub in (*sorted(p for p in folder.glob("*") if p.is_dir() and not p.is_symlink()),
                            *sorted(p for p in folder.glob("*/*") if p.is_dir() and not p.is_symlink())):
                    recover(sub)
            yield folder
        finally:
            with _HELD_GUARD:
                _HELD.pop(key, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def normalise_zip(path: str | Path, data: bytes | None = None) -> None:
    """Rewrite a zip file (XLSX) in place with fixed timestamps and a fixed entry order; or, with
    ``data`` (a zip file's bytes), write those to ``path`` so (``path`` is then not read).

    Examples
    --------
    >>> import io, tempfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("a.xml", "<a/>")
    >>> p = Path(tempfile.mkdtemp()) / "a.zip"
    >>> normalise_zip(p, buf.getvalue())
    >>> zipfile.ZipFile(p).infolist()[0].date_time
    (2024, 4, 8, 0, 0, 0)
    """
    path = Path(path)
    import io

    with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    # openpyxl stamps the save time into docProps/core.xml whatever the workbook says
    stamp = b"%04d-%02d-%02dT00:00:00Z" % FIXED_ZIP_TIME[:3]
    entries = [(n, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", d)
                if n == "docProps/core.xml" else d) for n, d in entries]
    # stored, not deflated: compressed bytes differ between zlib builds, stored bytes do not
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zout:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
