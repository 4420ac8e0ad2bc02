"""Writing sheets to an .xlsx file the way every workbook of the toolkit looks: a bold frozen header
row, Excel number formats (not rounded values), columns sized to their content (Chinese counted
double), links between sheets, a note line above the header. Built in memory with XlsxWriter,
column by column with no cell object per value (2.3–3× faster than openpyxl's write-only mode and
1.6× pandas' own ``to_excel`` through XlsxWriter: ``benchmarks/bench_workbook.py``), written
atomically, and re-zipped with fixed timestamps so the same sheets give the same bytes. Missing
values are empty cells; a sheet larger than Excel's limits is refused rather than cut short.

Used by ``results.xlsx`` (:mod:`toolkit.reports.workbook`), the problem report
(:mod:`toolkit.reports.problem_workbook`) and the collection workbook (:mod:`toolkit.reports.collection`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "write_sheets"]

#: Excel's limits of a worksheet; a sheet that would pass them is refused, never cut short
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
#: characters XML 1.0 cannot hold (as openpyxl's ``ILLEGAL_CHARACTERS_RE``): shown as U+FFFD
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
HEADER = {"bold": True, "bg_color": "#F2F4F7", "pattern": 1, "text_wrap": True, "valign": "top"}
NOTE = {"bold": True, "font_color": "#CC0000"}
REMARK = {"italic": True, "font_color": "#555555"}
LINK = {"font_color": "#1F6FB2", "underline": 1}
OPTIONS = {
    "in_memory": True,              # no temporary files: the only write to disk is the atomic one
    "strings_to_formulas": False,   # text is text (formula-looking text is neutralised besides)
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,      # ±inf shown as an Excel error, never a crash (NaN is an empty cell)
    "default_date_format": "yyyy-mm-dd hh:mm:ss",
    "remove_timezone": True,
}


def write_sheets(sheets: dict[str, tuple[pd.DataFrame, dict]], path: str | Path, note: str | None = None) -> Path:
    """Write sheets to an .xlsx file: bold frozen header, number formats, column widths.

    Parameters
    ----------
    sheets : title → (DataFrame, {column: Excel number format}), or (DataFrame, formats, links), or
        (DataFrame, formats, links, remark) where links is {column: [a place in the workbook such as
        ``'Sheet'!A5``, or None, per row]} and remark a line saying what the sheet holds, shown above
        its header
    path : target file (written atomically, byte-reproducibly)
    note : a line shown above the first sheet's header and above every sheet with a remark (e.g.
        the synthetic-data note), or None

    Returns
    -------
    Path

    Raises
    ------
    DataError
        If a sheet has more rows or columns than Excel holds (:data:`MAX_ROWS`, :data:`MAX_COLUMNS`).

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = write_sheets({"S": (pd.DataFrame({"a": [1.5]}), {"a": "0.00"})}, tempfile.mkdtemp() + "/x.xlsx")
    >>> ws = openpyxl.load_workbook(p)["S"]
    >>> ws["A2"].value, ws["A2"].number_format, ws.freeze_panes
    (1.5, '0.00', 'A2')
    """
    from ..files import normalise_zip, write_atomic
    from ..publish.guard import check_targets

    check_targets(files=[path])  # before the workbook is built: never over one of the command's inputs
    data = workbook_bytes(sheets, note)  # in memory: a full disk can only fail the write below
    return write_atomic(Path(path), lambda tmp: normalise_zip(tmp, data))


def workbook_bytes(sheets: dict[str, tuple[pd.DataFrame, dict]], note: str | None = None) -> bytes:
    """The .xlsx of :func:`write_sheets` as bytes (not yet re-zipped with fixed timestamps).

    Examples
    --------
    >>> workbook_bytes({"S": (pd.DataFrame({"a": [1]}), {})})[:2]
    b'PK'
    """
    import io

    import xlsxwriter

    class Buffer(io.BytesIO):
        def close(self):  # kept open: the zip of a failed build ends into it when it is collected,
            pass          # instead of printing "Exception ignored … I/O operation on closed file"

    buffer = Buffer()
    wb = xlsxwriter.Workbook(buffer, OPTIONS)
    wb.set_properties({"created": dt.datetime(2024, 4, 8)})
    formats = _Formats(wb)
    for k, (title, (df, fmts, *extra)) in enumerate(sheets.items()):
        links = extra[0] if extra else {}
        remark = extra[1] if len(extra) > 1 else None
        lines = [(note, NOTE)] if note and (k == 0 or remark) else []
        lines += [(remark, REMARK)] if remark else []
        _write_sheet(wb.add_worksheet(title[:31]), df, fmts, links, lines, formats)
    try:
        wb.close()
    except xlsxwriter.exceptions.FileCreateError as err:  # the OSError itself, as every writer raises it
        raise (err.args[0] if err.args and isinstance(err.args[0], OSError) else err) from None
    return buffer.getvalue()


class _Formats:
    """One XlsxWriter format per look (number format, link or not, or a named look)."""

    def __init__(self, wb):
        self.wb, self.made = wb, {}

    def __call__(self, num: str | None = None, link: bool = False, look: dict | None = None):
        key = (num, link, id(look))
        if key not in self.made:
            props = {**(look or {}), **(LINK if link else {}), **({"num_format": num} if num is not None else {})}
            self.made[key] = self.wb.add_format(props) if props else None
        return self.made[key]


def _write_sheet(ws, df: pd.DataFrame, fmts: dict, links: dict, lines: list, formats: _Formats) -> None:
    from ..errors import DataError
    from ..files import neutralise_formulas, neutralise_text

    top, (n, m) = len(lines), df.shape  # rows above the header
    if top + 1 + n > MAX_ROWS or m > MAX_COLUMNS:
        err = DataError(f"sheet {ws.name!r} has {n:,} rows and {m:,} columns; an Excel sheet holds at most "
                        f"{MAX_ROWS - 1 - top:,} rows below its header and {MAX_COLUMNS:,} columns")
        err.zh = f"工作表 {ws.name!r} 有 {n:,} 行 {m:,} 列；Excel 工作表表头下最多 {MAX_ROWS - 1 - top:,} 行、{MAX_COLUMNS:,} 列"
        raise err
    df = neutralise_formulas(df)  # text Excel would run as a formula (=, +, -, @ …) is neutralised
    for i, (text, look) in enumerate(lines):
        ws.write_string(i, 0, _clean(neutralise_text(text)), formats(look=look))
    ws.freeze_panes(top + 1, 0)
    if m > 2 and n > 0:
        ws.autofilter(top, 0, top + n, m - 1)
    head = formats(look=HEADER)
    for j, c in enumerate(df.columns):
        col = df.iloc[:, j]
        sample = [str(c)] + [str(v) for v in col.head(200)]
        ws.set_column(j, j, min(60, max(8, max(_width(x) for x in sample) + 2)))
        ws.write_string(top, j, _clean(neutralise_text(str(c))), head)
        _write_column(ws, j, top + 1, col, fmts.get(c), links.get(c), formats)


def _write_column(ws, j: int, first: int, col: pd.Series, num: str | None, places, formats: _Formats) -> None:
    """Write one column's values from row ``first`` on: no cell for a missing value, a link where
    ``places`` names one."""
    fmt, missing = formats(num), col.isna().to_numpy()
    values = col.tolist()  # Python numbers and strings: no per-cell conversion from numpy
    rows = range(first, first + len(values))
    if missing.any():
        keep = np.flatnonzero(~missing).tolist()
        rows, values = [first + i for i in keep], [values[i] for i in keep]
    if col.dtype.kind == "b":
        write = ws.write_boolean
    elif col.dtype.kind in "iuf":
        write = ws.write_number
    elif all(type(v) is str for v in values):
        write = ws.write_string
        if ILLEGAL.search("".join(values)):
            values = [_clean(v) for v in values]
    else:
        write = _Any(ws)
    for row, v in zip(rows, values, strict=True):
        write(row, j, v, fmt)
    if places is not None:
        link = formats(num, link=True)
        for i, (v, place) in enumerate(zip(col.tolist(), places, strict=True)):
            if place and not missing[i]:  # a link to another place of the workbook, in the link font
                ws.write_url(first + i, j, f"internal:{place}", link, string=_text(v))
                if not isinstance(v, str):  # the value stays a number (write_url writes text)
                    _Any(ws)(first + i, j, v, link)


class _Any:
    """Write a value of any type to its own kind of cell (a column of object dtype)."""

    def __init__(self, ws):
        self.ws = ws

    def __call__(self, row: int, col: int, v, fmt) -> None:
        ws = self.ws
        if isinstance(v, str):
            ws.write_string(row, col, _clean(v), fmt)
        elif isinstance(v, (bool, np.bool_)):
            ws.write_boolean(row, col, bool(v), fmt)
        elif isinstance(v, (int, float, np.number)):
            ws.write_number(row, col, v, fmt)
        elif isinstance(v, (dt.date, dt.time)):
            ws.write_datetime(row, col, v, fmt)
        else:
            ws.write_string(row, col, _text(v), fmt)


def _text(v) -> str:
    """Any value as the text of a cell (formula-looking text neutralised, illegal characters replaced)."""
    from ..files import neutralise_text

    return _clean(neutralise_text(str(v)))


def _clean(s: str) -> str:
    """A NUL byte typed in a return: shown as U+FFFD, not a crash."""
    return ILLEGAL.sub("\ufffd", s)


def _width(s: str) -> float:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in s[:80])
