"""Reading one sheet of an .xlsx without parsing the others.

``openpyxl.load_workbook(path)`` builds a cell object for every cell of every sheet: for a
``results.xlsx`` of the demo (its indicator sheet alone holds 11,000 rows) that is most of a
workbook test's CPU, though the test looks at one sheet. Here the values come from openpyxl's
read-only mode (which parses only the sheet asked for), and the frozen pane and column widths
from that sheet's XML head, read up to its first cell.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.utils import get_column_letter

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_names(path: str | Path) -> list[str]:
    """The titles of the sheets, in order (the workbook part only)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def sheet_rows(path: str | Path, sheet: str | int = 0, limit: int | None = None) -> list[tuple]:
    """The values of one sheet (by title or position), row by row; the first ``limit`` rows only if given."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
        return list(ws.iter_rows(values_only=True, max_row=limit))
    finally:
        wb.close()


def number_format(path: str | Path, sheet: str | int, row: int, column: int) -> str:
    """The Excel number format of one cell (1-based row and column), parsing the sheet up to its row."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
        return ws.cell(row, column).number_format
    finally:
        wb.close()


def sheet_view(path: str | Path, sheet: str | int = 0) -> tuple[str | None, dict[str, float]]:
    """One sheet's frozen pane (its top-left cell, as openpyxl's ``freeze_panes``) and column widths
    (letter → width, as ``column_dimensions[letter].width``), read from the XML before the first cell."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        sheets = book.find(f"{MAIN}sheets")
        entry = sheets[sheet] if isinstance(sheet, int) else next(s for s in sheets if s.get("name") == sheet)
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels.iter(f"{PKG}Relationship") if r.get("Id") == entry.get(f"{REL}id"))
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        pane, widths = None, {}
        with z.open(part) as fh:
            for _, el in ET.iterparse(fh, events=("start",)):
                if el.tag == f"{MAIN}sheetData":
                    break
                if el.tag == f"{MAIN}pane":
                    pane = el.get("topLeftCell")
                elif el.tag == f"{MAIN}col" and el.get("width") is not None:
                    for j in range(int(el.get("min")), int(el.get("max")) + 1):
                        widths[get_column_letter(j)] = float(el.get("width"))
    return pane, widths
