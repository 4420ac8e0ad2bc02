"""Writing sheets to an .xlsx file the way every workbook of the toolkit looks: a bold frozen header
row, Excel number formats (not rounded values), columns sized to their content (Chinese counted
double), links between sheets, a note line above the header. Streamed with openpyxl, written
atomically, and re-zipped with fixed timestamps so the same sheets give the same bytes.

Used by ``results.xlsx`` (:mod:`toolkit.reports.workbook`), the problem report
(:mod:`toolkit.reports.problem_workbook`) and the collection workbook (:mod:`toolkit.reports.collection`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_sheets"]


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

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = write_sheets({"S": (pd.DataFrame({"a": [1.5]}), {"a": "0.00"})}, tempfile.mkdtemp() + "/x.xlsx")
    >>> ws = openpyxl.load_workbook(p)["S"]
    >>> ws["A2"].value, ws["A2"].number_format, ws.freeze_panes
    (1.5, '0.00', 'A2')
    """
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    from ..files import neutralise_formulas, neutralise_text, normalise_zip, write_atomic
    from ..publish.guard import check_targets

    check_targets(files=[path])  # before the workbook is built: never over one of the command's inputs

    wb = Workbook(write_only=True)  # streamed: several times faster for tens of thousands of rows
    fixed = dt.datetime(2024, 4, 8)
    wb.properties.created = wb.properties.modified = fixed
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F4F7")
    link_font = Font(color="1F6FB2", underline="single")
    for k, (title, (df, fmts, *extra)) in enumerate(sheets.items()):
        links = extra[0] if extra else {}
        remark = extra[1] if len(extra) > 1 else None
        lines = [(note, Font(bold=True, color="CC0000"))] if note and (k == 0 or remark) else []
        lines += [(remark, Font(italic=True, color="555555"))] if remark else []
        top = len(lines)  # rows above the header
        df = neutralise_formulas(df)  # text Excel would run as a formula (=, +, -, @ …) is neutralised
        ws = wb.create_sheet(title[:31])
        cols = list(df.columns)
        for j, c in enumerate(cols, start=1):
            sample = [str(c)] + [str(v) for v in df[c].head(200)]
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, max(_width(x) for x in sample) + 2))
        ws.freeze_panes = f"A{2 + top}"
        if len(cols) > 2 and df.shape[0] > 0:
            ws.auto_filter.ref = f"A{1 + top}:{get_column_letter(len(cols))}{df.shape[0] + 1 + top}"
        for text, font in lines:
            cell = WriteOnlyCell(ws, value=neutralise_text(text))
            cell.font = font
            ws.append([cell])
        head = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=neutralise_text(str(c)))
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            head.append(cell)
        ws.append(head)
        fmt = [fmts.get(c) for c in cols]
        targets = [links.get(c) for c in cols]
        for i, row in enumerate(df.itertuples(index=False)):
            out = []
            for v, f, where in zip(row, fmt, targets, strict=True):
                v = None if (isinstance(v, float) and np.isnan(v)) else (v.item() if hasattr(v, "item") else v)
                if isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v):
                    v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)  # a NUL byte typed in a return: shown, not a crash
                place = where[i] if where is not None else None
                if (f is not None or place) and v is not None:
                    cell = WriteOnlyCell(ws, value=v)
                    if f is not None:
                        cell.number_format = f
                    if place:  # a link to another place of the workbook
                        cell.hyperlink = Hyperlink(ref="", location=place)
                        cell.font = link_font
                    v = cell
                out.append(v)
            ws.append(out)

    def save(tmp):
        try:
            wb.save(tmp)
        except BaseException:  # e.g. a full disk: end the sheets' row streams now, quietly, or Python
            _abandon(wb)       # prints "Exception ignored … Traceback" when it collects them
            raise
        normalise_zip(tmp)

    return write_atomic(Path(path), save)


def _abandon(wb) -> None:
    """Close the row streams of a write-only workbook whose save failed."""
    import contextlib

    for ws in getattr(wb, "_sheets", []):
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            with contextlib.suppress(Exception):
                rows.close()


def _width(s: str) -> float:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in s[:80])
