"""Atomic, reproducible file writing.

Processed files and reports are written to a temporary file in the target folder and renamed
into place, so a failed run leaves whatever was there before. XLSX files are re-zipped with
fixed timestamps so that the same content gives the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

FIXED_ZIP_TIME = (2024, 4, 8, 0, 0, 0)  # the framework's issue date; any fixed value works


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mkstemp_beside(target: Path) -> Path:
    """A temporary file in the target's folder (so the rename is atomic), with the permissions
    a normally created file would have (mkstemp makes it private, 0600)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` if the block succeeds.

    On an exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    tmp_path = _mkstemp_beside(target)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def read_yaml_mapping(path: str | Path, what: str, error: type[Exception]) -> dict:
    """Read a YAML file that must hold a mapping; any problem raises ``error`` naming the file."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise error(f"{what} file not found: {path}")
    try:
        doc = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise error(f"{path}: a {what} must be a mapping")
    return doc


def write_atomic(target: str | Path, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``target`` atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_many_atomic(writers: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Write several files so that either all are replaced or none is.

    Every file is first written to a temporary path; only when all writers have succeeded are
    they renamed into place (each rename is atomic; the set is as close to atomic as a file
    system allows).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, writer in writers.items():
            target = Path(target)
            tmp = _mkstemp_beside(target)
            staged.append((tmp, target))
            writer(tmp)
        for tmp, target in staged:
            os.replace(tmp, target)
        return [t for _, t in staged]
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()


def normalise_zip(path: str | Path) -> None:
    """Rewrite a zip file (XLSX) in place with fixed timestamps and a fixed entry order."""
    path = Path(path)
    with zipfile.ZipFile(path) as zin:
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
