"""``collect``: an annual round of returns, from a folder of files to one prepared dataset and its status.

:func:`collect` finds and reads every return (:mod:`toolkit.data.collect`), merges the rows
(:mod:`toolkit.data.merge`), adds them to the data already collected in the output folder,
compares the units with the roster (:mod:`toolkit.data.roster`) and publishes, in one atomic
step (:func:`toolkit.publish.write_folder_atomic`), the output folder:

- ``collected.parquet``, ``collected.csv``, ``collected.meta.json``: the data in the format
  ``prepare`` writes, each row with its source file, sha256 and spreadsheet row;
- the status pages a higher layer hands in as ``status`` (:func:`toolkit.reports.collection.collect`
  adds ``collection.xlsx`` and ``collection.html``), published in the same atomic step;
- ``cache.json`` and ``cache.parquet``: what was read, so that an unchanged file is not read again.

No input is ever written, moved or removed: an output folder that is or holds the returns' folder
or the roster is refused first (:func:`check_paths`), and every return and the roster are declared
to the publishing layer's write guard (:func:`toolkit.publish.guard.protected_inputs`), which
refuses any other way of writing over one of them (a hard link to a return inside ``--out``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ToolkitError, UsageError
from ..framework.loader import load_framework
from ..framework.model import Framework
from .collect import (
    SOURCE_COLUMNS,
    ReadCache,
    Return,
    deeper_folders,
    find_returns,
    name_refused_units,
    read_returns,
)
from .corrections import resolve_corrections
from .merge import Merged, accumulate, expected_units, merge_returns, unit_status

STEM = "collected"
STATUS = "collection"


@dataclass
class Round:
    """What :func:`collect` found and wrote."""

    folder: Path
    out: Path
    framework: Framework
    returns: list[Return]
    merged: Merged
    table: pd.DataFrame
    revisions: list[dict]
    units: pd.DataFrame
    expected_source: str
    roster: str | None = None
    written: list[Path] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)  # folders two levels down (their files are not read)

    @property
    def problems(self) -> int:
        return sum(len(r.problems) for r in self.returns)

    @property
    def missing(self) -> list[str]:
        return self.units.loc[self.units["status"] == "missing", "unit_id"].tolist()

    @property
    def exit_code(self) -> int:
        """0 when every file was collected (or replaced by a valid correction) and nothing conflicts; 1
        otherwise (the outputs are written either way)."""
        return 1 if any(r.status == "invalid" for r in self.returns) or self.merged.conflicts else 0


def check_paths(folder: Path, out: Path, roster: Path | None) -> None:
    """Refuse, before anything is read, an output folder that is or holds the returns' folder or the
    roster (it would be replaced whole, and its outputs read back as returns next time). An output
    folder inside the returns' folder is allowed: it is not read as a return. Every other clash (a
    link to a return inside ``--out``) is the write guard's (:mod:`toolkit.publish.guard`)."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder of returns", f"{folder} 不是存放填报文件的文件夹")
    f, o = folder.resolve(), out.resolve()
    if o == f or o in f.parents:
        raise UsageError(f"--out {out} holds the returns' folder {folder}: its files would be replaced; choose "
                         "another --out", f"--out {out} 包含填报文件夹 {folder}，会替换其中的文件：请换一个 --out")
    if roster is not None:
        if not roster.is_file():
            raise UsageError(f"the roster {roster} is not a file", f"名单 {roster} 不是文件")
        if o in roster.resolve().parents:
            raise UsageError(f"the roster {roster} is inside --out {out}: move it or choose another --out",
                             f"名单 {roster} 位于 --out {out} 之内：请移出名单或换一个 --out")


def _previous(out: Path, framework: Framework) -> pd.DataFrame | None:
    path = out / f"{STEM}.parquet"
    if not path.exists():
        return None
    try:
        table = pd.read_parquet(path.resolve())
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ToolkitError(f"{path} cannot be read ({str(exc)[:120]}): move it away or choose another --out") from exc
    if table.empty:  # an earlier round that collected nothing
        return None
    wanted = ["unit_id", "year", *framework.columns]
    if any(c not in table.columns for c in wanted):
        raise ToolkitError(f"{path} holds data of another framework: choose another --out")
    return table


def collect(folder: str | Path, out: str | Path, roster: str | Path | None = None,
            framework: Framework | str | None = None, *, status=None, wide: str | dict | None = None) -> Round:
    """Collect a round: read every return of ``folder``, merge, add to ``out``'s data, publish the status.

    Parameters
    ----------
    folder : str or Path
        The returns: files in it and in its sub-folders one level down.
    out : str or Path
        The output folder (it keeps the data of earlier rounds and the cache).
    roster : str or Path, optional
        CSV/XLSX of the expected units (:func:`toolkit.data.roster.read_roster`); without it the
        units of the previous year in ``out`` are expected.
    framework : Framework or str, optional
    status : callable, optional
        ``status(round) -> {path: writer}``: the status pages published with the data, in the same
        atomic step (:func:`toolkit.reports.collection.collect` passes the workbook and the page;
        the data layer does not know how a report looks). Without it: the data and the cache only.
    wide : str or dict, optional
        The returns are wide, one column per indicator and year: the column pattern, as for
        :func:`toolkit.data.read.read_indicators` (``validate --wide``). Default: the framework's
        ``wide:`` entry, if any.

    Returns
    -------
    Round

    Examples
    --------
    >>> from toolkit.examples import returns_folder
    >>> d = returns_folder()  # a temporary folder: returns/all.csv, the demo return
    >>> rnd = collect(d / "returns", d / "collected")
    >>> len(rnd.table), rnd.exit_code, sorted(p.name for p in (d / "collected").iterdir())[:3]
    (250, 0, ['cache.json', 'cache.parquet', 'collected.csv'])
    """
    from ..files import output_lock
    from ..publish.guard import protected_inputs

    folder, out = Path(folder), Path(out)
    roster = Path(roster) if roster is not None else None
    check_paths(folder, out, roster)
    # the output folder (when it lies inside) and the roster are not returns; an --out naming a file is
    # not skipped, so that the guard sees it is a return
    files = find_returns(folder, skip=(*([out] if out.is_dir() else []), *([roster] if roster else [])))
    if not files:  # a wrong folder, most likely: an empty round is never published as "0 files, exit 0"
        raise UsageError(f"no return found in {folder} (its files and those of its sub-folders one level down are "
                         "read); nothing was written",
                         f"在 {folder} 中没有找到填报文件（读取该文件夹及其下一级子文件夹中的文件）；未写入任何内容")
    # every return and the roster are inputs: the publishing layer refuses to write over any of them
    with protected_inputs(*files, roster):
        fw = framework if isinstance(framework, Framework) else load_framework(framework)
        with output_lock(out):
            return _collect(folder, out, roster, fw, files, status, wide)


def _collect(folder: Path, out: Path, roster: Path | None, fw: Framework, files: list[Path], status,
             wide=None) -> Round:
    """:func:`collect` once the inputs are declared and the output folder is locked."""
    from ..publish import write_folder_atomic

    roster_table = None
    if roster is not None:
        from .roster import read_roster

        roster_table = read_roster(roster, fw)
    cache = ReadCache(out, fw, wide)
    returns = read_returns(files, folder, fw, cache, wide)
    resolve_corrections(returns)
    merged = merge_returns(returns, fw)
    previous = _previous(out, fw)
    table, revisions = accumulate(previous, merged.table)
    table = table[[c for c in table.columns if c not in SOURCE_COLUMNS] + list(SOURCE_COLUMNS)]
    years = sorted(int(y) for y in merged.table["year"].unique()) if len(merged.table) else []
    expected, source = expected_units(roster_table, previous, years, fw)
    if len(expected):  # who was expected and sent only a file with problems (not "missing")
        name_refused_units(returns, fw, cache)
    units = unit_status(expected, merged, returns, fw, source)
    rnd = Round(folder, out, fw, returns, merged, table, revisions, units, source, str(roster) if roster else None,
                not_read=deeper_folders(folder, skip=(out,)))
    writers = {**_data_writers(rnd), **(status(rnd) if status is not None else {}), **cache.writers(out)}
    rnd.written = write_folder_atomic(out, writers)
    return rnd


def _data_writers(rnd: Round) -> dict:
    from .prepare import processed_writers, provenance
    from .read import IndicatorData

    used = [r for r in rnd.returns if r.valid and r.status in ("collected", "correction")]
    digest = hashlib.sha256("".join(f"{r.name}\0{r.sha256}\n" for r in used).encode("utf-8")).hexdigest()
    notes = tuple(dict.fromkeys(n for r in used for n in r.notes))
    meta = provenance(IndicatorData(rnd.table, rnd.framework, str(rnd.folder), digest, {}, notes))
    meta["sources"] = [{"file": r.name, "sha256": r.sha256, "status": r.status, "rows": r.rows,
                        "problems": len(r.problems)} for r in rnd.returns]
    meta["expected"] = rnd.expected_source
    meta["roster"] = rnd.roster
    meta["revisions"] = len(rnd.revisions)
    meta["conflicts"] = len(rnd.merged.conflicts)
    return processed_writers(rnd.table, meta, rnd.out, STEM)
