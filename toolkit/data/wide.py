"""Wide returns: one column per indicator and year (``employ_2010``, ``employ_2011``, …).

Eurostat, Compind and most statistical offices ship panels wide. :func:`melt_raw` turns the
cells of such a file, as typed, into the long table the reader checks (one row per unit and
year), before any parsing, so every check of :func:`toolkit.read_indicators` still applies and
a problem still names the spreadsheet row. It runs when ``read_indicators(…, wide=…)`` asks for
it or when the framework declares the pattern:

.. code-block:: yaml

    wide: {pattern: "{code}_{year}", other: ignore, years: [2010, 2011]}

``pattern`` holds ``{code}`` (an indicator's code, alias or name, as a header may spell it) and
``{year}`` (four digits); the rest is literal, and ``_?`` stands for an optional underscore
(Compind's ``percGDP1990`` beside ``percGDP_1992``). A column that is neither a unit column nor
an indicator-year column is an error as in a long file, unless ``other: ignore``: then it is left
out and named in the data's notes. ``years`` keeps only those years' columns. A unit-year with no
value at all is not a row of the result.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .problems import Problem, ValidationError

__all__ = ["OTHER", "indicator_year", "melt_raw", "name_wide_cells", "pattern_regex"]

OTHER = ("error", "ignore")


def pattern_regex(pattern: str) -> re.Pattern:
    """The regular expression of a wide-column pattern.

    Examples
    --------
    >>> pattern_regex("{code}_?{year}").match("percGDP1990").groupdict()
    {'code': 'percGDP', 'year': '1990'}
    >>> pattern_regex("{code}_{year}").match("percGDP1990") is None
    True
    """
    if "{code}" not in pattern or "{year}" not in pattern:
        raise ValueError(f"a wide pattern needs {{code}} and {{year}}, got {pattern!r}")
    out = re.escape(pattern).replace(r"\{code\}", "(?P<code>.+?)").replace(r"\{year\}", r"(?P<year>\d{4})")
    return re.compile("^" + out.replace(r"_\?", "_?") + "$")


def indicator_year(header, fw, rx: re.Pattern) -> tuple[str, int] | None:
    """(indicator code, year) of a wide header cell, or None when it names no indicator-year.

    Examples
    --------
    >>> from toolkit import load_framework
    >>> indicator_year("L1P1_2024", load_framework(), pattern_regex("{code}_{year}"))
    ('L1P1', 2024)
    >>> indicator_year("note", load_framework(), pattern_regex("{code}_{year}")) is None
    True
    """
    from .headers import match_header

    m = rx.match("" if header is None else str(header).strip())
    code = match_header(m["code"], fw).column if m else None
    return (code, int(m["year"])) if m and code in set(fw.columns) else None


def melt_raw(raw, fw, pattern: str = "{code}_{year}", other: str = "error", years=None):
    """The long form of a wide :class:`~toolkit.data.raw.RawTable`.

    Parameters
    ----------
    raw : RawTable
        The cells as typed (``toolkit.data.sources.read_raw``).
    fw : Framework
    pattern : str
        How an indicator-year column is named (see the module).
    other : {"error", "ignore"}
        A column that is neither a unit column nor an indicator-year one: an error (the
        reader's "unknown column"), or left out and named in the notes.
    years : list of int, optional
        Read only these years' columns (the others are left out and counted in the notes).

    Returns
    -------
    RawTable
        Header: the unit columns, ``year`` and the indicator codes; one row per unit and year
        with any value, numbered by the wide file's row.

    Raises
    ------
    ValidationError
        The file also has a year column, or no column matches the pattern.
    """
    from .headers import match_header

    if other not in OTHER:
        raise ValueError(f"wide: other must be one of {list(OTHER)}, got {other!r}")
    rx = pattern_regex(pattern)
    units = {uc.name for uc in fw.unit_columns}
    ids, wide, dropped, skipped_years = [], {}, [], 0
    years = None if years is None else {int(y) for y in years}
    for j, h in enumerate(raw.header):
        text = "" if h is None else str(h).strip()
        cell = indicator_year(h, fw, rx)
        if cell is not None:
            if years is None or cell[1] in years:
                wide[j] = cell
            else:
                skipped_years += 1
            continue
        column = match_header(h, fw).column
        if column == "year":
            raise ValidationError([Problem(str(raw.path), raw.header_row, text, text, "wide_year_column",
                                           f"宽表（列名形如 {pattern}）不应再有年份列 {text}",
                                           f"a wide file (columns named {pattern}) cannot also have a year "
                                           f"column ({text})")], str(raw.path))
        if column in units or other == "error" or text == "":
            ids.append(j)
        else:
            dropped.append(text)
    if not wide:
        raise ValidationError([Problem(str(raw.path), raw.header_row, None, None, "wide_no_columns",
                                       f"没有列名符合宽表模式 {pattern}（指标代码如 {fw.columns[:3]}）",
                                       f"no column is named by the wide pattern {pattern} with an indicator "
                                       f"code of framework {fw.id} (such as {fw.columns[:3]})")], str(raw.path))
    codes = list(dict.fromkeys(c for c, _ in wide.values()))
    years = sorted({y for _, y in wide.values()})
    grid = raw.grid()
    width = grid.shape[1]
    header = [raw.header[j] for j in ids] + ["year"] + codes
    rows, numbers, empty = [], [], 0
    for year in years:
        cols = {c: j for j, (c, y) in wide.items() if y == year}
        for i in range(len(grid)):
            values = [grid[i, cols[c]] if c in cols and cols[c] < width else None for c in codes]
            if all(v is None for v in values):
                empty += 1
                continue
            rows.append([grid[i, j] if j < width else None for j in ids] + [str(year)] + values)
            numbers.append(raw.row_numbers[i])
    notes = list(raw.notes) + [f"wide file: {len(wide)} columns named {pattern} read as {len(codes)} indicator(s) "
                               f"over {len(years)} year(s); {empty} unit-year(s) with no value left out"]
    if skipped_years:
        notes.append(f"wide file: {skipped_years} indicator-year column(s) of other years than {sorted(years)} "
                     "left out")
    if dropped:
        notes.append(f"wide file: {len(dropped)} other column(s) left out (other: ignore): "
                     + ", ".join(dropped[:12]) + (" …" if len(dropped) > 12 else ""))
    return replace(raw, header=header, rows=np.array(rows, dtype=object).reshape(len(rows), len(header)),
                   row_numbers=numbers, percent_cells=set(), notes=tuple(notes))


def name_wide_cells(problems, long_raw, header, fw, pattern: str) -> list:
    """The problems found in the long form, each named by the wide file's own column.

    The checks run on the melted table, whose columns are the indicator codes and ``year``; a
    problem in row 3, column ``employ`` is in one of the file's ``employ_2010``, ``employ_2011``
    … cells. The cell is the one of that row whose value is the problem's value; where several
    years hold it (or none does, the value having been converted), all of that row's cells of
    the indicator are named. A problem of the year column names the columns of that year.

    Parameters
    ----------
    problems : list of Problem
    long_raw : RawTable
        :func:`melt_raw`'s result (its ``year`` column and row numbers).
    header : list
        The wide file's header row.
    fw : Framework
    pattern : str

    Returns
    -------
    list of Problem
    """
    from dataclasses import replace as with_column

    rx = pattern_regex(pattern)
    cells = {c: str(h).strip() for h in header if (c := indicator_year(h, fw, rx)) is not None}
    position = {h: j for j, h in enumerate(long_raw.header)}
    grid = long_raw.grid()
    rows: dict[int, list[int]] = {}
    for i, number in enumerate(long_raw.row_numbers):
        rows.setdefault(number, []).append(i)

    def same(a, b) -> bool:
        try:
            return a is not None and (str(a).strip() == str(b).strip() or float(a) == float(b))
        except (TypeError, ValueError):
            return False

    out = []
    for p in problems:
        at = rows.get(p.row, [])
        if not at or p.column not in position:
            out.append(p)
            continue
        year_of = {i: int(grid[i, position["year"]]) for i in at}
        if p.column == "year":
            names = [h for (c, y), h in cells.items() if same(y, p.value) and any(year_of[i] == y for i in at)]
        else:
            hit = [year_of[i] for i in at if same(grid[i, position[p.column]], p.value)]
            names = [cells[(p.column, y)] for y in (hit or year_of.values()) if (p.column, y) in cells]
        out.append(with_column(p, column=", ".join(dict.fromkeys(names))) if names else p)
    return out
