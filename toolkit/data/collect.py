"""The files of an annual round: every return in a folder, each read once, and which file corrects which.

:func:`find_returns` lists the files of a folder and of its sub-folders one level down (an office
may send a folder). :func:`read_returns` reads each with the shared reader
(:func:`toolkit.data.read.read_indicators`: the same rules as ``validate``), catching the
problems of each file so that one bad file never stops the others. A file whose bytes were read
before (same sha256, same framework, same toolkit version) is taken from the cache kept in the
output folder (:class:`ReadCache`) and not read again. Which file corrects which is
:mod:`toolkit.data.corrections` (the correction rule, docs/collect.md).

Byte-identical files (the same return sent twice) are read once; the later one is shown as a copy.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import __version__
from ..framework.model import Framework
from ..framework.units import UnitColumn
from .corrections import CORRECTION_NAME, correction_base, resolve_corrections  # noqa: F401 (old paths)
from .problems import Problem, ValidationError

#: what the reader reads; the other spreadsheets are listed so that the reader can say "save it as .xlsx"
READ_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
REFUSED_SUFFIXES = (".xls", ".et", ".ods", ".numbers", ".wps")
#: the column by which a return names the file it corrects (accepted by ``collect`` only)
CORRECTS = UnitColumn("corrects", "attribute", ("更正", "更正文件", "更正的文件", "correction of", "corrects file"),
                      "更正的文件", "Corrects file", has_default=True, summary=False)
#: provenance columns added to every row
SOURCE_COLUMNS = ("source_file", "source_sha256", "source_row")


def find_returns(folder: str | Path, skip: tuple[Path, ...] = ()) -> list[Path]:
    """The files of a round: ``folder``'s files and those of its sub-folders one level down.

    Hidden files and folders (``.name``), Excel's lock files (``~$name``) and the paths in
    ``skip`` (the output folder and the roster, when they are inside ``folder``) are left out. Files of any suffix
    are listed except the reader's own outputs: a file the reader cannot read is reported, not
    ignored.

    Parameters
    ----------
    folder : str or Path
    skip : tuple of Path
        Folders not to enter and files not to list.

    Returns
    -------
    list of Path
        Sorted by their path relative to ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "济南市").mkdir(); (d / "济南市" / "deep").mkdir()
    >>> for name in ("a.csv", ".hidden.csv", "~$b.xlsx", "济南市/c.xlsx", "济南市/deep/d.csv"):
    ...     _ = (d / name).write_text("x")
    >>> [p.relative_to(d).as_posix() for p in find_returns(d)]
    ['a.csv', '济南市/c.xlsx']
    """
    folder = Path(folder)
    skipped = {p.resolve() for p in skip}

    def listed(where: Path):
        for entry in sorted(os.scandir(where), key=lambda e: e.name):
            if entry.name.startswith((".", "~$")):
                continue
            yield entry

    out = []
    for entry in listed(folder):
        path = Path(entry.path)
        if path.resolve() in skipped:
            continue
        if entry.is_dir():
            out += [Path(e.path) for e in listed(path) if e.is_file() and Path(e.path).resolve() not in skipped]
        elif entry.is_file():
            out.append(path)
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix())


def deeper_folders(folder: str | Path, skip: tuple[Path, ...] = ()) -> list[str]:
    """The folders two levels down (``city/county/``), whose files :func:`find_returns` does not
    read: named in the status, so that nothing is left out silently.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "济南市" / "历下区").mkdir(parents=True)
    >>> deeper_folders(d)
    ['济南市/历下区']
    """
    folder = Path(folder)
    skipped = {p.resolve() for p in skip}
    out = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "~$"))):
        if sub.resolve() in skipped:
            continue
        out += [f"{sub.name}/{p.name}" for p in sorted(sub.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    return out


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


@dataclass
class Return:
    """One file of a round and what became of it.

    ``status``: ``collected``, ``invalid`` (has problems), ``copy`` (byte-identical to ``other``),
    ``replaced`` (by the correction ``other``) or ``correction`` (of ``other``).
    """

    path: Path
    name: str  # relative to the round's folder, with /
    sha256: str
    received: str  # the file's modification time (local, to the minute)
    office: str = ""
    table: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    corrects: str | None = None
    cached: bool = False
    status: str = "collected"
    other: str = ""
    remarks: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)
    named: tuple[str, ...] | None = None  # refused by the reader: the unit ids it names (None: not looked at)

    @property
    def valid(self) -> bool:
        return self.table is not None and not self.problems

    @property
    def rows(self) -> int:
        return 0 if self.table is None else len(self.table)

    @property
    def units(self) -> list[str]:
        return [] if self.table is None else sorted(self.table["unit_id"].astype(str).unique())

    @property
    def years(self) -> list[int]:
        return [] if self.table is None else sorted(int(y) for y in self.table["year"].unique())


class ReadCache:
    """What earlier runs read, kept in the output folder (``cache.json`` and ``cache.parquet``).

    Entries are keyed by the file's sha256, the framework's sha256, the toolkit's version and the
    wide pattern asked for, so a changed file, framework, reader or layout is read again. Only the entries of the files of the current
    run are written back, so the cache never outgrows the round.
    """

    JSON, PARQUET = "cache.json", "cache.parquet"

    def __init__(self, out: Path, framework: Framework, wide: str | dict | None = None):
        self.salt = f"{framework.sha256}:{__version__}" + ("" if wide is None else f":{json.dumps(wide, sort_keys=True)}")
        self.entries: dict[str, dict] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.used: dict[str, tuple[dict, pd.DataFrame | None]] = {}
        try:
            doc = json.loads((out / self.JSON).read_text("utf-8"))
            if doc.get("salt") == self.salt:
                self.entries = doc["entries"]
                if any(e.get("valid") for e in self.entries.values()):
                    rows = pd.read_parquet(out / self.PARQUET)
                    self.tables = {k: t.drop(columns="_key").reset_index(drop=True) for k, t in rows.groupby("_key")}
        except (OSError, ValueError, KeyError, TypeError, ImportError):
            self.entries, self.tables = {}, {}  # no cache, or one that cannot be read: read everything

    def get(self, sha: str):
        entry = self.entries.get(sha)
        if entry is None or (entry.get("valid") and sha not in self.tables):
            return None
        return entry, self.tables.get(sha)

    def put(self, sha: str, entry: dict, table: pd.DataFrame | None) -> None:
        self.used[sha] = (entry, table)

    def note(self, sha: str, key: str, value) -> None:
        """Add what was learnt about a file after its reading (``named``) to its entry."""
        if sha in self.used:
            self.used[sha][0][key] = value

    def writers(self, out: Path) -> dict:
        entries = {k: e for k, (e, _) in self.used.items()}
        frames = [t.assign(_key=k) for k, (_, t) in self.used.items() if t is not None]

        def write_json(tmp: Path) -> None:
            text = json.dumps({"salt": self.salt, "entries": entries}, ensure_ascii=False, default=str)
            tmp.write_text(text + "\n", "utf-8")

        def write_parquet(tmp: Path) -> None:
            (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"_key": []})).to_parquet(tmp, index=False)

        return {out / self.JSON: write_json, out / self.PARQUET: write_parquet}


def reading_framework(framework: Framework) -> Framework:
    """``framework`` with the :data:`CORRECTS` column added (optional, so a return without it reads as before)."""
    fw = copy.copy(framework)
    fw.unit_columns = (*framework.unit_columns, CORRECTS)
    return fw


def _read_one(path: Path, name: str, fw: Framework,
              wide=None) -> tuple[pd.DataFrame | None, list[Problem], tuple, str | None]:
    from .read import read_indicators

    try:
        data = read_indicators(path, fw, wide=wide)
    except ValidationError as err:
        return None, [replace(p, file=name) for p in err.problems], (), None
    table = data.table
    declared = [str(v).strip() for v in table.pop(CORRECTS.name).dropna().unique() if str(v).strip()]
    if len(declared) > 1:
        problem = Problem(name, None, CORRECTS.name, " / ".join(declared[:3]), "unit_value",
                          f"更正列应只填一个文件名，而此文件填了 {len(declared)} 个", f"the corrects column must name one "
                          f"file; this one names {len(declared)}")
        return None, [problem], data.notes, None
    table["source_row"] = list(data.rows)
    return table, [], data.notes, (declared[0] if declared else None)


def read_returns(files: list[Path], folder: Path, framework: Framework, cache: ReadCache,
                 wide: str | dict | None = None) -> list[Return]:
    """Read every file of a round; a file's problems are kept with it and never stop the others.

    Parameters
    ----------
    files : list of Path
        From :func:`find_returns`.
    folder : Path
        The round's folder (names are relative to it).
    framework : Framework
    cache : ReadCache
    wide : str or dict, optional
        Wide returns: the column pattern (:func:`toolkit.data.read.read_indicators`).

    Returns
    -------
    list of Return
        In the order of ``files``; ``table`` carries :data:`SOURCE_COLUMNS`.
    """
    fw = reading_framework(framework)
    out: list[Return] = []
    first_of: dict[str, Return] = {}
    for path in files:
        name = path.relative_to(folder).as_posix()
        try:
            sha = file_sha256(path)
            received = dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(sep=" ", timespec="minutes")
        except OSError as exc:
            problem = Problem(name, None, None, None, "file_unreadable", f"无法读取文件：{exc.strerror or exc}",
                              f"cannot read the file: {exc.strerror or exc}")
            out.append(Return(path, name, "", "", _office(name, None, framework), problems=[problem], status="invalid"))
            continue
        ret = Return(path, name, sha, received)
        if sha in first_of:  # the same bytes sent twice: read once
            first = first_of[sha]
            ret.status, ret.other, ret.table, ret.notes = "copy", first.name, first.table, first.notes
            ret.problems = [replace(p, file=name) for p in first.problems]
            ret.office = _office(name, first.table, framework)
            out.append(ret)
            continue
        first_of[sha] = ret
        hit = cache.get(sha)
        if hit is not None:
            entry, table = hit
            ret.cached = True
            ret.problems = [Problem(**{**p, "file": name}) for p in entry["problems"]]
            ret.notes, ret.corrects = tuple(entry["notes"]), entry["corrects"]
            ret.named = None if entry.get("named") is None else tuple(entry["named"])
        else:
            table, ret.problems, ret.notes, ret.corrects = _read_one(path, name, fw, wide)
            entry = {"valid": table is not None, "problems": [asdict(p) for p in ret.problems],
                     "notes": list(ret.notes), "corrects": ret.corrects, "named": None}
        cache.put(sha, entry, table)
        if table is not None:
            table = table.copy()
            table["source_file"], table["source_sha256"] = name, sha
        ret.table = table
        ret.status = "collected" if ret.valid else "invalid"
        ret.office = _office(name, table, framework)
        out.append(ret)
    return out


def _office(name: str, table: pd.DataFrame | None, framework: Framework) -> str:
    """Who sent a file: its sub-folder, else the one region its rows are in, else its name."""
    parts = name.split("/")
    if len(parts) > 1:
        return parts[0]
    region = framework.region_column
    if table is not None and region and region in table and table[region].nunique() == 1:
        return str(table[region].iloc[0])
    stem = Path(parts[-1]).stem
    return correction_base(stem) or stem


def name_refused_units(returns: list[Return], framework: Framework, cache: ReadCache) -> None:
    """For every file the reader refused (status ``invalid``), the unit ids it names
    (:func:`toolkit.data.roster.units_named`), so that the status says its units were sent in a
    file with problems rather than never sent. A file is opened again for this only once: the
    ids are kept in its cache entry. Called only when some units are expected.
    """
    from .roster import units_named

    for r in returns:
        if r.status == "invalid" and r.named is None and r.sha256:
            r.named = tuple(units_named(r.path, framework))
            cache.note(r.sha256, "named", list(r.named))
