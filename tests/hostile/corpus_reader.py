"""Hostile inputs for the reader (issue #19), in the style of :mod:`tests.hostile.corpus`: each
class of silent misreading has its named case (as the issue reported it) and variants. Every
file is written by the code below into a temporary folder when the test runs.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

from .bomb_zip import BLOCK, plain, repeated, write_zip
from .corpus import DEMO_CSV, Case, cell, col, csv_case, demo_rows, raw_case, xcol, xlsx_case

#: a cell of 10⁹ characters, written as a stream (the file is ~1 MB)
BOMB_CHARS = 10**9


def demo_lines(edit) -> bytes:
    """The demo CSV (its 250 rows, lines 3–252) after ``edit(list of lines)``."""
    lines = DEMO_CSV.read_text("utf-8").splitlines(keepends=True)
    edit(lines)
    return "".join(lines).encode("utf-8")


def quote_name(line_no: int, closing: int | None = None):
    """A stray quote in front of the brain name on ``line_no`` (1-based), and optionally a
    closing quote at the end of a later line's name (the issue's case: a later quoted field)."""
    def edit(lines):
        cells = lines[line_no - 1].split(",")
        cells[1] = '"' + cells[1]
        lines[line_no - 1] = ",".join(cells)
        if closing:
            cells = lines[closing - 1].split(",")
            cells[1] = cells[1] + '"'
            lines[closing - 1] = ",".join(cells)
    return edit


def _ids_folded(d: Path, outs: Path) -> None:
    """The prepared return holds the ids as folded: 5 units, the two rows of SD-B001 one unit."""
    with open(outs / "prepare" / "return.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["unit_id"] for r in rows]
    assert ids.count("SD-B001") == 2 and len(set(ids)) == 5, ids
    assert all(i.isascii() for i in ids), ids


def _lookalike(typed: str):
    """Row 2 becomes SD-B001's 2025 row, with its id typed as ``typed``."""
    def edit(header, rows):
        rows[1][col(header, "unit_id")] = typed
        rows[1][col(header, "year")] = "2025"
    return edit


def hidden_copy(state: str, visible_name: str, hidden_name: str, l1p1=None):
    """The data sheet renamed ``visible_name``, with a copy named ``hidden_name`` in ``state``
    whose first L1P1 is ``l1p1`` (last year's value, which must never be read)."""
    def edit(wb):
        ws = wb.worksheets[0]
        ws.title = visible_name
        old = wb.copy_worksheet(ws)
        old.title = hidden_name
        wb.move_sheet(old, offset=-1)
        old.sheet_state = state
        if l1p1 is not None:
            old.cell(3, xcol(ws, "L1P1"), l1p1)
    return edit


def bomb(member_text: str = "sheet", chars: int = BOMB_CHARS):
    """Rewrite the saved workbook so that cell B3 holds ``chars`` characters: inline in the
    sheet, or (``shared``) as a shared string the cell points to. The long member is written by
    :mod:`tests.hostile.bomb_zip` (a block deflated once, laid end to end)."""
    def post(path: Path) -> None:
        blocks = chars // len(BLOCK)
        with zipfile.ZipFile(path) as zin:
            members = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
        out = []
        for name, data in members:
            if name == "xl/worksheets/sheet1.xml":
                i = data.index(b'<c r="B3"')
                j = data.index(b"</c>", i) + 4
                if member_text == "shared":
                    out.append((name, plain(data[:i] + b'<c r="B3" t="s"><v>0</v></c>' + data[j:])))
                    continue
                out.append((name, repeated(data[:i] + b'<c r="B3" t="inlineStr"><is><t>', blocks,
                                           b"</t></is></c>" + data[j:])))
            else:
                out.append((name, plain(data)))
        if member_text == "shared":
            out.append(("xl/sharedStrings.xml", repeated(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                b'2006/main" count="1" uniqueCount="1"><si><t>', blocks, b"</t></si></sst>")))
        write_zip(path, out)
    return post


def _only_match_hidden(wb):
    wb.create_sheet("说明")
    wb.worksheets[0].sheet_state = "hidden"


def _no_edit(wb):
    return None


def _stray(ref: str, value):
    def edit(wb):
        wb.worksheets[0][ref] = value
    return edit


def _declared(ref: str):
    """The sheet's declared dimension rewritten to ``ref`` (as a program may leave it)."""
    def post(path: Path) -> None:
        src = path.with_suffix(".orig.xlsx")
        shutil.move(path, src)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', data)
                zout.writestr(info, data)
        src.unlink()
    return post


def _merge(ref: str):
    def edit(wb):
        wb.worksheets[0].merge_cells(ref)
    return edit


def _encoded(text_edit, encoding: str, bom: bytes = b"", head_encoding: str | None = None) -> bytes:
    """The demo's first rows, tab- or comma-separated, in ``encoding`` (the header in
    ``head_encoding`` when given), after a byte-order mark."""
    header, rows = demo_rows()
    rows = [list(r) for r in rows]
    text_edit(header, rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    first, rest = buf.getvalue().split("\r\n", 1)
    return bom + (first + "\r\n").encode(head_encoding or encoding) + rest.encode(encoding)


def _keep(header, rows):
    return None


def reader_cases() -> list[Case]:
    out: list[Case] = [
        # -- 1. a stray quote merges rows ---------------------------------------------------------
        raw_case("stray quote merges rows (named)", demo_lines(quote_name(6, closing=9)),
                 ("spans lines", "line 6", "closes only on line 9", "brain_name")),
        raw_case("stray quote never closed", demo_lines(quote_name(249)), ("line 249", "never closed", "line 252")),
        raw_case("stray quote in a GBK file",
                 demo_lines(quote_name(10, closing=11)).decode("utf-8").encode("gbk"), ("line 10", "line 11")),
        # -- a deleted cell in a CSV: the values after it move left ---------------------------------
        csv_case("deleted cell moves a row left", lambda h, r: r[2].pop(9), ("line 4", "51 fields", "header has 52")),
        csv_case("deleted first cell", lambda h, r: r[0].pop(0), ("line 2", "fields")),
        csv_case("deleted cell in every field of a row but one", lambda h, r: r.__setitem__(3, r[3][:3]), ("line 5",)),
        # -- 2. hidden sheets are never read --------------------------------------------------------
        xlsx_case("hidden 填报表 Data beside the visible 填报表 Data (2) (named)",
                  hidden_copy("hidden", "填报表 Data (2)", "填报表 Data", l1p1=999999), ("hidden sheet",), exit=0),
        xlsx_case("very hidden 填报表 Data beside the visible Sheet1",
                  hidden_copy("veryHidden", "Sheet1", "填报表 Data"), ("hidden", "Unhide"), exit=1),
        xlsx_case("the only matching sheet is hidden",
                  _only_match_hidden,
                  ("is hidden", "填报表 Data"), exit=1),
        xlsx_case("two visible copies of the data sheet",
                  hidden_copy("visible", "填报表 Data (2)", "填报表 Data"), ("填报表 Data (2)", "cannot tell")),
        # -- 3. look-alike characters in ids ------------------------------------------------------
        csv_case("en dash in an id (named)", _lookalike("SD\u2013B001"), ("U+2013", "row 3"), exit=0,
                 check=_ids_folded),
        csv_case("minus sign in an id", _lookalike("SD\u2212B001"), ("U+2212",), exit=0, check=_ids_folded),
        csv_case("zero-width space in an id", _lookalike("SD-\u200bB001"), ("U+200B",), exit=0, check=_ids_folded),
        csv_case("word joiner and soft hyphen in an id", _lookalike("SD\u2010B0\u206001"), ("U+2010", "U+2060"),
                 exit=0, check=_ids_folded),
        csv_case("en dash and lower case in an id", _lookalike("sd\u2013b001"), ("unit_id", "3", "typed two ways")),
        # -- 4. expansion bombs ---------------------------------------------------------------------
        xlsx_case("10⁹-character inline cell (named)", _no_edit, ("B3", "填报表 Data", "32,767"), post=bomb()),
        xlsx_case("10⁹-character shared string", _no_edit, ("B3", "填报表 Data"), post=bomb("shared")),
        xlsx_case("200,000-character cell", _no_edit, ("B3", "填报表 Data"), post=bomb(chars=1 << 24)),
        # -- 5. the encoding a file claims -----------------------------------------------------------
        raw_case("UTF-8 BOM in front of GBK bytes (named)", codecs.BOM_UTF8 + DEMO_CSV.read_text("utf-8").encode("gbk"),
                 ("byte-order mark", "GBK", "CSV UTF-8")),
        raw_case("UTF-8 header over GBK rows", _encoded(_keep, "gbk", head_encoding="utf-8"),
                 ("line 2", "GBK", "two encodings")),
        raw_case("UTF-8 BOM and header over GBK rows", _encoded(cell("brain_name", "济南"), "gbk", codecs.BOM_UTF8,
                                                                "utf-8"), ("line 2", "GBK")),
        # -- 6. an uncalculated formula names the indicator code -------------------------------------
        xlsx_case("formula in L1P1 names L1P1 (named)", lambda wb: _stray("H3", "=100+33.71")(wb), ("L1P1", "H3")),
        # -- 7. cost follows data cells ---------------------------------------------------------------
        xlsx_case("a space in XFD (named)", _stray("XFD5", " "), (), exit=0),
        xlsx_case("text in XFD", _stray("XFD5", "x"), ("#16384", "5")),
        xlsx_case("declared dimension A1:XFD1048576", _no_edit, (), exit=0, post=_declared("A1:XFD1048576")),
        # -- merged cells among the data ----------------------------------------------------------------
        xlsx_case("merged city cells", _merge("C3:C5"), ("C3:C5", "city", "merged")),
        xlsx_case("merged indicator cells", _merge("H3:I3"), ("H3:I3", "L1P1")),
    ]
    return out

