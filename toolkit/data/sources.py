"""Opening a return file: the cells exactly as the office typed them (CSV in UTF-8/BOM/GBK/GB18030, or XLSX).

Raw files are only ever opened for reading. :func:`read_raw` picks the data sheet, skips the
template's own note rows (recognised exactly), keeps Excel's percent formatting and refuses
formulas without a cached value; turning cells into typed values is :mod:`toolkit.data.read`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..safe_yaml import TEXT_ENCODINGS
from .parsing import shorten
from .problems import Problem, ValidationError

ENCODINGS = TEXT_ENCODINGS  # gb18030 is a superset of GBK and GB2312
DATA_SHEET_NAMES = ("填报表 Data", "填报表", "Data", "data")
COMMENT_PREFIX = "#"
#: the first cells of the template's English and unit label rows (the rest of those rows are labels too)
NOTE_FIRST_CELLS = frozenset({"# Unit ID", "# 文本 text"})


#: at most this many title rows (one filled cell each) may stand above the header
MAX_TITLE_ROWS = 3


def is_title_row(cells: list) -> bool:
    """True for a title above the header: a row with exactly one filled cell, and that cell text
    (Chinese forms put "2025年产业大脑评估填报表" merged across the columns above the header).
    A header has one cell per column, so a one-cell row is never a return's header; titles
    are kept as notes of the file.

    Examples
    --------
    >>> is_title_row(["2025年产业大脑评估填报表", None, ""]), is_title_row(["unit_id", "year"])
    (True, False)
    >>> is_title_row([2025, None])
    False
    """
    filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
    return len(filled) == 1 and isinstance(filled[0], str)


def is_note_row(cells: list, label_cells: frozenset = NOTE_FIRST_CELLS) -> bool:
    """True for note rows, recognised exactly: the template's two label rows (whose first cell
    is one of ``label_cells``: Shandong's ``# Unit ID`` and ``# 文本 text``; a framework's own,
    from :func:`toolkit.data.template.label_first_cells`), or a one-cell row whose text starts
    with ``# `` (hash and space, as the demo's synthetic-data notice). Any other row is data,
    whatever its first cell holds: ``#N/A`` from a failed Excel lookup has no space after the
    hash and the row has data.

    Examples
    --------
    >>> is_note_row(["# Unit ID", "# Brain name"]), is_note_row(["# SYNTHETIC DEMO DATA", None])
    (True, True)
    >>> is_note_row(["#N/A", "济南"]), is_note_row(["# 1", "济南"]), is_note_row(["#N/A"])
    (False, False, False)
    """
    if not cells or not isinstance(cells[0], str):
        return False
    first = cells[0].strip()
    if first in label_cells:
        return True
    rest_empty = all(c is None or (isinstance(c, str) and not c.strip()) for c in cells[1:])
    return rest_empty and first.startswith(("# ", "#\u3000")) and len(first) > 2


@dataclass(frozen=True)
class RawTable:
    """The cells of a file as typed in: header, data rows and their spreadsheet row numbers."""

    path: Path
    header: list
    rows: list[list] | np.ndarray  # a 2-D object array (CSV) or a list of rows (XLSX)
    row_numbers: list[int]
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col) formatted as %
    sheet: str | None = None
    header_row: int = 1
    notes: tuple[str, ...] = ()  # text of the skipped # rows (e.g. the synthetic-data notice)

    def grid(self) -> np.ndarray:
        """The data rows as one 2-D object array (short rows padded with None, empty text None).

        Returns
        -------
        ndarray
            Shape (rows, widest row).

        Examples
        --------
        >>> RawTable(Path("r.csv"), ["a", "b"], [["1"], ["2", ""]], [2, 3]).grid().tolist()
        [['1', None], ['2', None]]
        """
        return self.rows if isinstance(self.rows, np.ndarray) else _grid([self.rows])


# -- reading files -------------------------------------------------------------------------------
def _unreadable(path: Path, zh: str, en: str, value=None) -> ValidationError:
    return ValidationError([Problem(str(path), None, None, value, "file_unreadable", zh, en)], str(path))


def read_raw(path: str | Path, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    """Read a CSV or XLSX file's cells without interpreting them.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` / ``.txt`` or ``.xlsx`` / ``.xlsm`` file.

    Returns
    -------
    RawTable
        The header cells, the data rows as text/cell values, their spreadsheet row numbers and the
        text of skipped ``#`` rows (``notes``).

    Raises
    ------
    ValidationError
        When the file is missing, cannot be opened (permissions), is not CSV/XLSX, cannot be
        decoded, or (XLSX) holds formulas without a saved value or no unambiguous data sheet.

    Examples
    --------
    >>> raw = read_raw("data/raw/demo_synthetic_returns.csv")
    >>> len(raw.header), len(raw.rows), raw.row_numbers[:2]
    (52, 100, [3, 4])
    >>> raw.header[0]
    'unit_id 单位编号'
    >>> raw.notes[0].startswith("# SYNTHETIC DEMO DATA")
    True
    """
    path = Path(path)
    if path.is_dir():
        raise _unreadable(path, "这是一个文件夹，不是文件", "this is a folder, not a file")
    if not path.is_file():
        raise _unreadable(path, "文件不存在", "file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, label_cells)
        if suffix in (".csv", ".txt"):
            return _read_csv(path, label_cells)
    except PermissionError as exc:
        raise _unreadable(path, "没有读取该文件的权限", "permission denied: the file cannot be read") from exc
    except csv.Error as exc:  # a NUL byte, a cell longer than the CSV reader's limit
        raise _unreadable(path, f"不是有效的 CSV 文件：{shorten(exc, 120)}", f"not a valid CSV file: {shorten(exc, 120)}") from exc
    except OSError as exc:
        raise _unreadable(path, f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}") from exc
    if suffix in (".xls", ".et", ".ods", ".numbers", ".wps"):  # spreadsheets Excel or WPS can save as .xlsx
        raise _unreadable(path, f"不支持 {suffix} 格式：请在 Excel 或 WPS 中另存为 .xlsx（或 CSV UTF-8）",
                          f"{suffix} files are not read: save the file as .xlsx (or CSV UTF-8) in Excel or WPS", suffix)
    raise _unreadable(path, "只支持 .csv 和 .xlsx 文件", "only .csv and .xlsx files are supported", suffix)


def _encoding(path: Path) -> str:
    """The encoding that reads the whole file (UTF-16 with its byte-order mark; UTF-8 with or
    without BOM, else GB18030), found by decoding it in blocks, so the decoded text is never
    held whole."""
    import codecs

    with open(path, "rb") as fh:
        bom = fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if bom and _is_text(path, "utf-16"):
        return "utf-16"  # Excel's "Unicode text": the byte-order mark says so
    for enc in ENCODINGS:
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    raise ValidationError([Problem(str(path), None, None, None, "encoding",
                                   "文件编码既不是UTF-8、带BOM的UTF-16，也不是GBK/GB18030",
                                   "file is neither UTF-8, UTF-16 with a byte-order mark, nor GBK/GB18030")],
                          str(path))


def _is_text(path: Path, encoding: str) -> bool:
    """True when the whole file decodes in ``encoding`` to text without control characters
    (tab, CR and LF apart) or the non-characters U+FFFE/U+FFFF: two bytes that look like a
    UTF-16 byte-order mark do not make binary data text."""
    import codecs
    import re

    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                if control.search(decoder.decode(block)):
                    return False
        return not control.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


def _grid(chunks: list[list[list]]) -> np.ndarray:
    """Rows of unequal length as one 2-D object array (missing cells None)."""
    rows = [r for chunk in chunks for r in chunk] if len(chunks) != 1 else chunks[0]
    width = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), width), None, dtype=object)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    out[out == ""] = None  # an empty cell is a missing cell
    return out


class _Rows:
    """Collects rows into compact 2-D blocks as it goes (a 100,000-row return would otherwise
    hold 100,000 Python lists)."""

    BLOCK = 5000

    def __init__(self):
        self.blocks: list[np.ndarray] = []
        self.pending: list[list] = []

    def append(self, row: list) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.BLOCK:
            self.blocks.append(_grid([self.pending]))
            self.pending = []

    def grid(self) -> np.ndarray:
        if self.pending or not self.blocks:
            self.blocks.append(_grid([self.pending]))
            self.pending = []
        width = max(b.shape[1] for b in self.blocks)
        blocks = [b if b.shape[1] == width else np.hstack([b, np.full((len(b), width - b.shape[1]), None, dtype=object)])
                  for b in self.blocks]
        return blocks[0] if len(blocks) == 1 else np.vstack(blocks)


#: the first bytes of an OLE compound file: encrypted XLSX and the old binary .xls
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: field separators a CSV may use: the comma, and what Excel writes for "Unicode text" (tab) or
#: in locales whose decimal mark is a comma (semicolon)
DELIMITERS = (",", "\t", ";")


def sniff_delimiter(lines: list[str]) -> str:
    """The field separator of a CSV: the candidate that splits the header into the most fields.

    The header is the first non-empty line that is not a ``#`` note. A return's header has
    dozens of columns, so the separator the office's program used is never in doubt; a
    header with a single field keeps the comma (and the missing columns are then reported).

    Parameters
    ----------
    lines : list of str
        The first lines of the file, decoded.

    Returns
    -------
    str
        One of :data:`DELIMITERS`.

    Examples
    --------
    >>> sniff_delimiter(["# note", "unit_id;year;L1P1", "B1;2024;1,5"])
    ';'
    >>> sniff_delimiter(['"a,b";c;d']), sniff_delimiter(["unit_id"])
    (';', ',')
    """
    header = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    widths = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (widths[d], d == ","))
    return best if widths[best] > 1 else ","


def _read_csv(path: Path, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    encoding = _encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        head = [ln for _, ln in zip(range(50), fh, strict=False)]
        fh.seek(0)
        return _parse_csv(path, csv.reader(fh, delimiter=sniff_delimiter(head)), label_cells)


def _parse_csv(path: Path, reader, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    header, rows, numbers, header_row, notes, titles = None, _Rows(), [], 1, [], []
    intern = {}.setdefault
    for cells in reader:
        if header is None:
            if any(c.strip() for c in cells):
                if is_title_row(cells) and len(titles) < MAX_TITLE_ROWS:
                    titles.append((reader.line_num, cells))
                else:
                    header, header_row = cells, reader.line_num
                    notes.extend(" ".join(c.strip() for c in t if c.strip()) for _, t in titles)
            continue
        if cells and cells[0][:1] in ("#", " ", "\t") and is_note_row(cells, label_cells):
            notes.append(" ".join(c for c in cells if c.strip()))
            continue
        if not "".join(cells).strip():
            continue
        # one object per distinct text: a 100,000-row return repeats most cells (0/1, cities);
        # empty cells become None when the block is built
        rows.append(list(map(intern, cells, cells)))
        numbers.append(reader.line_num)
    if header is None and titles:  # nothing but one-cell rows: the first is the header after all
        (header_row, header), titles = titles[0], titles[1:]
        for n, cells in titles:
            rows.append(cells)
            numbers.append(n)
    grid = rows.grid() if numbers else []
    return RawTable(path, header or [], grid, numbers, header_row=header_row, notes=tuple(notes))


def _pick_sheet(path: Path, wb) -> str:
    """The data sheet: the one the template names, else the only visible sheet, else stop."""
    names = list(wb.sheetnames)
    for n in DATA_SHEET_NAMES:
        if n in names:
            return n
    visible = [n for n in names if getattr(wb[n], "sheet_state", "visible") == "visible"]
    if len(visible) == 1:
        return visible[0]
    listed = ", ".join(f"“{n}”" + ("" if n in visible else "（隐藏）") for n in names)
    listed_en = ", ".join(repr(n) + ("" if n in visible else " (hidden)") for n in names)
    raise ValidationError([Problem(
        str(path), None, None, None, "sheet_ambiguous",
        f"无法确定哪个工作表是填报表：请将数据表命名为“{DATA_SHEET_NAMES[0]}”，或只保留一个可见工作表。工作表：{listed}",
        f"cannot tell which sheet holds the data: name it {DATA_SHEET_NAMES[0]!r} or keep only one visible "
        f"sheet. Sheets: {listed_en}")], str(path))


def _has_formulas(path: Path) -> bool:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return any(n.startswith("xl/worksheets/") and n.endswith(".xml") and b"<f" in z.read(n)
                   for n in z.namelist())


def _uncached_formulas(path: Path, name: str, rows_seen: dict[int, list]) -> list[tuple[int, int, str]]:
    """(row, column, formula) of formula cells whose saved value is empty (a file written by a
    program and never opened in Excel): such a cell is never read as missing."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    out = []
    try:
        for r_idx, row in enumerate(wb[name].iter_rows(), start=1):
            cached = rows_seen.get(r_idx)
            if cached is None:
                continue
            for c_idx, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f" and (c_idx >= len(cached) or cached[c_idx] is None):
                    out.append((r_idx, c_idx, str(cell.value)))
    finally:
        wb.close()
    return out


def _read_xlsx(path: Path, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    import openpyxl
    from openpyxl.utils import get_column_letter

    with open(path, "rb") as fh:
        if fh.read(8) == OLE_MAGIC:
            # an OLE container: a password-protected workbook, or the old binary .xls renamed
            raise _unreadable(path, "该工作簿设置了打开密码（已加密），或是改名为 .xlsx 的旧版 .xls 文件：请在 Excel 中取消密码并另存为 .xlsx",
                              "the workbook is password-protected (encrypted), or an old .xls file renamed .xlsx: "
                              "remove the password in Excel and save it as .xlsx")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except PermissionError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        msg = shorten(exc, 200)
        raise _unreadable(path, f"无法打开Excel文件：{msg}", f"cannot open the workbook: {msg}") from exc
    try:
        name = _pick_sheet(path, wb)
        ws = wb[name]
        header, rows, numbers, percent, header_row, notes, titles = None, [], [], set(), 1, [], []
        for r_idx, row in enumerate(ws.iter_rows(), start=1):
            values = [c.value for c in row]
            if header is None:
                if any(v not in (None, "") for v in values):
                    if is_title_row(values) and len(titles) < MAX_TITLE_ROWS:
                        titles.append((r_idx, values))
                    else:
                        header, header_row = values, r_idx
                        notes.extend(" ".join(str(v).strip() for v in t if v not in (None, "")) for _, t in titles)
                continue
            if is_note_row(values, label_cells):
                notes.append(" ".join(str(v) for v in values if v not in (None, "")))
                continue
            for c_idx, cell in enumerate(row):
                fmt = getattr(cell, "number_format", "") or ""
                if "%" in fmt and isinstance(cell.value, (int, float)):
                    percent.add((len(rows), c_idx))
            rows.append(values)
            numbers.append(r_idx)
        if header is None and titles:  # nothing but one-cell rows: the first is the header after all
            (header_row, header), titles = titles[0], titles[1:]
            rows[:0], numbers[:0] = [t for _, t in titles], [n for n, _ in titles]
    finally:
        wb.close()
    if _has_formulas(path):
        seen = dict(zip(numbers, rows, strict=True))
        if header is not None:
            seen[header_row] = header
        bad = _uncached_formulas(path, name, seen)
        if bad:
            raise ValidationError([Problem(
                str(path), r, (header[c] if header and c < len(header) and header[c] else get_column_letter(c + 1)),
                shorten(f), "formula_not_calculated",
                f"单元格 {get_column_letter(c + 1)}{r} 是公式（{shorten(f, 40)}），但文件中没有保存计算结果："
                "请用 Excel 打开并保存该文件后再提交",
                f"cell {get_column_letter(c + 1)}{r} holds a formula ({shorten(f, 40)}) with no saved result: "
                "open the file in Excel and save it, then submit it again") for r, c, f in bad], str(path))
    # rows with nothing in them are dropped here, after the formula check (an uncalculated formula looks empty)
    keep = [i for i, v in enumerate(rows) if not all(x is None or (isinstance(x, str) and not x.strip()) for x in v)]
    if len(keep) != len(rows):
        index = {old: new for new, old in enumerate(keep)}
        percent = {(index[i], j) for i, j in percent if i in index}
        rows, numbers = [rows[i] for i in keep], [numbers[i] for i in keep]
    return RawTable(path, header or [], rows, numbers, percent, name, header_row, tuple(notes))


# -- interpreting --------------------------------------------------------------------------------
