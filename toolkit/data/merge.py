"""The rows of an annual round put together: duplicates, conflicts, earlier years and who is missing.

The merge rule (docs/collect.md):

- the same unit and year in two files with the same values (numbers equal to a relative 1e-9,
  so a value typed in 万元 in one file and in 亿元 in another is the same value) is an identical
  duplicate: noted, and kept once (the first file in folder order);
- the same unit and year with different values is a **conflict**: every differing column is
  reported with both files, rows and values, and none of the unit's rows of this round is
  merged until the returns agree;
- the output folder's collected data (earlier rounds) are kept: a unit and year that comes
  again with other values replaces the earlier row and is reported as a **revision**; other
  earlier rows stay as they were (years accumulate).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..framework.model import Framework
from .collect import SOURCE_COLUMNS, Return

KEY = ["unit_id", "year"]
RTOL = 1e-9


def compared_columns(table: pd.DataFrame) -> list[str]:
    """The columns two rows of one unit and year must agree on: all but the key and provenance."""
    return [c for c in table.columns if c not in (*KEY, *SOURCE_COLUMNS)]


def same_value(a, b) -> bool:
    """Whether two cells hold the same value (both empty; numbers to a relative 1e-9; text exactly).

    Examples
    --------
    >>> same_value(0.1234, 1234 * 0.0001), same_value(np.nan, None), same_value(1.0, 2.0), same_value("A", "A ")
    (True, True, False, False)
    """
    a_missing = a is None or (isinstance(a, float) and np.isnan(a)) or a is pd.NA
    b_missing = b is None or (isinstance(b, float) and np.isnan(b)) or b is pd.NA
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return bool(np.isclose(float(a), float(b), rtol=RTOL, atol=0.0))
    return str(a) == str(b)


def plain(value):
    """A cell as a plain Python value (numpy scalars unwrapped, missing as None), for reports and JSON."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and np.isnan(value) else value


def differing(a: pd.Series, b: pd.Series, columns: list[str]) -> list[str]:
    """The columns where two rows disagree (:func:`same_value`)."""
    return [c for c in columns if not same_value(a[c], b[c])]


def differing_cells(a: pd.DataFrame, b: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """:func:`same_value` negated for two aligned tables at once: a boolean (rows × columns) array.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0, np.nan, 3.0], "t": ["A", None, "C"]})
    >>> b = pd.DataFrame({"x": [1.0 + 1e-12, np.nan, 4.0], "t": ["A", None, "c"]})
    >>> differing_cells(a, b, ["x", "t"]).tolist()
    [[False, False], [False, False], [True, True]]
    """
    out = np.zeros((len(a), len(columns)), dtype=bool)
    for j, c in enumerate(columns):
        x, y = a[c], b[c]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y) and \
                not pd.api.types.is_bool_dtype(x):
            xv, yv = x.to_numpy(dtype=float, na_value=np.nan), y.to_numpy(dtype=float, na_value=np.nan)
            out[:, j] = ~np.isclose(xv, yv, rtol=RTOL, atol=0.0, equal_nan=True)
        else:
            out[:, j] = [not same_value(u, v) for u, v in zip(x.to_numpy(object), y.to_numpy(object), strict=True)]
    return out


@dataclass
class Merged:
    """This round's rows merged: ``table`` (with provenance), and what was found on the way."""

    table: pd.DataFrame
    duplicates: list[dict] = field(default_factory=list)  # unit_id, year, kept (file, row), dropped (file, row)
    conflicts: list[dict] = field(default_factory=list)  # unit_id, year, column, file/row/value a and b
    withheld: list[str] = field(default_factory=list)  # units not merged because of a conflict


def merge_returns(returns: list[Return], framework: Framework) -> Merged:
    """Merge the rows of the returns that are collected (valid, not replaced, not copies).

    Parameters
    ----------
    returns : list of Return
        After :func:`toolkit.data.collect.resolve_corrections`.
    framework : Framework

    Returns
    -------
    Merged
        Rows sorted by unit and year. Each :class:`~toolkit.data.collect.Return` with an
        identical duplicate or a conflict gets a remark.
    """
    used = [r for r in returns if r.valid and r.status in ("collected", "correction")]
    if not used:
        return Merged(pd.DataFrame(columns=[*KEY, *SOURCE_COLUMNS]))
    table = pd.concat([r.table for r in used], ignore_index=True)
    by_name = {r.name: r for r in used}
    dup = table.duplicated(KEY, keep=False)
    merged = Merged(table)
    drop: list[int] = []
    cols = compared_columns(table)
    for (uid, year), group in table[dup].groupby(KEY, sort=True):
        first = group.iloc[0]
        for i, row in list(group.iterrows())[1:]:
            diff = differing(first, row, cols)
            if not diff:
                merged.duplicates.append({"unit_id": uid, "year": int(year), "kept_file": first["source_file"],
                                          "kept_row": int(first["source_row"]), "file": row["source_file"],
                                          "row": int(row["source_row"])})
                drop.append(i)
                continue
            for c in diff:
                merged.conflicts.append({"unit_id": uid, "year": int(year), "column": c,
                                         "file_a": first["source_file"], "row_a": int(first["source_row"]),
                                         "value_a": plain(first[c]), "file_b": row["source_file"],
                                         "row_b": int(row["source_row"]), "value_b": plain(row[c])})
    for d in merged.duplicates:
        by_name[d["file"]].remarks.append((f"单位 {d['unit_id']} {d['year']} 年的数据与 {d['kept_file']} 第 {d['kept_row']} "
                                           "行完全相同：只保留一次",
                                           f"unit {d['unit_id']} {d['year']} is identical to {d['kept_file']} row "
                                           f"{d['kept_row']}: kept once"))
    for c in merged.conflicts:
        for name, other in ((c["file_a"], c["file_b"]), (c["file_b"], c["file_a"])):
            text = (f"单位 {c['unit_id']} {c['year']} 年 {c['column']} 与 {other} 不一致：该单位未合并",
                    f"unit {c['unit_id']} {c['year']} {c['column']} disagrees with {other}: the unit was not merged")
            if text not in by_name[name].remarks:
                by_name[name].remarks.append(text)
    merged.withheld = sorted({c["unit_id"] for c in merged.conflicts})
    keep = ~table.index.isin(drop) & ~table["unit_id"].isin(merged.withheld)
    merged.table = table[keep].sort_values(KEY, kind="stable").reset_index(drop=True)
    return merged


def accumulate(previous: pd.DataFrame | None, current: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Earlier rounds' rows plus this round's: a unit and year given again replaces the earlier row.

    Parameters
    ----------
    previous : DataFrame or None
        The collected data already in the output folder.
    current : DataFrame
        This round's merged rows.

    Returns
    -------
    (DataFrame, list of dict)
        The accumulated rows sorted by unit and year, and the revisions: every value of an
        earlier row that this round changes (unit_id, year, column, old and new value, old
        and new file).

    Examples
    --------
    >>> old = pd.DataFrame({"unit_id": ["A", "A"], "year": [2024, 2025], "x": [1.0, 2.0], "source_file": "a.csv"})
    >>> new = pd.DataFrame({"unit_id": ["A"], "year": [2025], "x": [3.0], "source_file": "b.csv"})
    >>> table, revisions = accumulate(old, new)
    >>> table["x"].tolist(), [(r["year"], r["old"], r["new"]) for r in revisions]
    ([1.0, 3.0], [(2025, 2.0, 3.0)])
    """
    if previous is None or previous.empty:
        return current.reset_index(drop=True), []
    prev = previous.set_index(KEY)
    cur = current.set_index(KEY)
    both = prev.index.intersection(cur.index)
    cols = [c for c in compared_columns(current) if c in prev.columns]
    a, b = prev.loc[both], cur.loc[both]
    revisions = []
    for i, j in zip(*np.nonzero(differing_cells(a, b, cols)), strict=True):
        c = cols[j]
        revisions.append({"unit_id": both[i][0], "year": int(both[i][1]), "column": c, "old": plain(a[c].iloc[i]),
                          "new": plain(b[c].iloc[i]),
                          "old_file": a["source_file"].iloc[i] if "source_file" in a else "",
                          "new_file": b["source_file"].iloc[i] if "source_file" in b else ""})
    kept = previous[~prev.index.isin(both)]
    table = pd.concat([kept, current], ignore_index=True)
    return table.sort_values(KEY, kind="stable").reset_index(drop=True), revisions


def expected_units(roster: pd.DataFrame | None, previous: pd.DataFrame | None, years: list[int],
                   framework: Framework) -> tuple[pd.DataFrame, str]:
    """The units this round expects, and where that list comes from.

    The roster when one is given; else the units of the previous year in the collected data (the
    latest year before this round's latest; the latest year when there is none before); else nobody.

    Returns
    -------
    (DataFrame, str)
        Index unit_id, the unit columns (year apart) known; the source: ``roster``,
        ``previous:<year>`` or ``none``.
    """
    descriptors = [uc.name for uc in framework.unit_columns if uc.role not in ("id", "year")]
    if roster is not None:
        return roster, "roster"
    if previous is None or previous.empty:
        return pd.DataFrame(columns=descriptors, index=pd.Index([], name="unit_id")), "none"
    prev_years = sorted(int(y) for y in previous["year"].unique())
    latest = max(years) if years else None
    earlier = [y for y in prev_years if latest is None or y < latest]
    year = earlier[-1] if earlier else prev_years[-1]
    rows = previous[previous["year"] == year].drop_duplicates("unit_id").set_index("unit_id")
    return rows[[c for c in descriptors if c in rows.columns]], f"previous:{year}"


def unit_status(expected: pd.DataFrame, merged: Merged, returns: list[Return], framework: Framework,
                source: str) -> pd.DataFrame:
    """One row per expected or received unit: received, missing, not expected, held back by a
    conflict, or named only by files the reader refused.

    Returns
    -------
    DataFrame
        Columns unit_id, the descriptors, status (``received``, ``missing``, ``not_expected``,
        ``conflict``, ``invalid``: an expected unit not received whose id a file with problems
        names; its files are those files), files, years, missing_values (empty indicator cells in
        its rows of this round) and complete.
    """
    descriptors = [uc.name for uc in framework.unit_columns if uc.role not in ("id", "year")]
    conflicted = set(merged.withheld)
    frames = [merged.table]
    if conflicted:  # the rows held back, for their descriptors, files and years
        frames += [r.table[r.table["unit_id"].isin(conflicted)] for r in returns
                   if r.valid and r.status in ("collected", "correction")]
    rows_of = pd.concat(frames, ignore_index=True) if len(merged.table) or conflicted else \
        pd.DataFrame(columns=["unit_id", "year", "source_file", *descriptors])
    by_unit = rows_of.groupby("unit_id", sort=False)
    first = by_unit.first() if len(rows_of) else pd.DataFrame()
    files_of = by_unit["source_file"].agg(lambda f: ", ".join(dict.fromkeys(f))).to_dict() if len(rows_of) else {}
    years_of = by_unit["year"].agg(lambda y: ", ".join(str(int(v)) for v in sorted(set(y)))).to_dict() \
        if len(rows_of) else {}
    data_cols = [c for c in framework.columns if c in merged.table.columns]
    gaps_of = merged.table[data_cols].isna().sum(axis=1).groupby(merged.table["unit_id"]).sum().to_dict() \
        if len(merged.table) else {}
    first_of = first[[c for c in descriptors if c in first.columns]].to_dict("index") if len(first) else {}
    info_of = expected.to_dict("index")
    received = set(merged.table["unit_id"]) if len(merged.table) else set()
    refused: dict[str, list[str]] = {}  # unit -> the files with problems that name it
    for r in returns:
        if r.status == "invalid":
            for uid in r.named or ():
                refused.setdefault(uid, []).append(r.name)
    rows = []
    for uid in dict.fromkeys([*map(str, expected.index), *sorted(received), *sorted(conflicted)]):
        info, seen = info_of.get(uid), first_of.get(uid, {})
        status = "conflict" if uid in conflicted else "received" if uid in received else "missing"
        if status == "received" and info is None and source != "none":
            status = "not_expected"
        if status == "missing" and uid in refused:
            status = "invalid"
            files_of[uid] = ", ".join(refused[uid])
        desc = {c: info[c] if info is not None and c in info and pd.notna(info[c]) else seen.get(c) for c in descriptors}
        gaps = int(gaps_of[uid]) if uid in received else None
        rows.append({"unit_id": uid, **desc, "status": status, "files": files_of.get(uid, ""),
                     "years": years_of.get(uid, ""), "missing_values": gaps,
                     "complete": None if gaps is None else gaps == 0})
    return pd.DataFrame(rows, columns=["unit_id", *descriptors, "status", "files", "years", "missing_values",
                                       "complete"])
