"""Opening a return file: the cells exactly as the office typed them (CSV in UTF-8/BOM/GBK/GB18030, or XLSX).

Raw files are only ever opened for reading. :func:`read_raw` picks the data sheet, skips the
template's own note rows (recognised exactly), keeps Excel's percent formatting and refuses
formulas without a cached value; turning cells into typed values is :mod:`toolkit.data.read`.
"""

from __future__ import annotations

import csv
import functools
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
    #: (XLSX) formula cells without a saved result: (row, 0-based column, formula)
    formulas: tuple[tuple[int, int, str], ...] = ()
    #: (XLSX) merged ranges below the header: (range, first row, first 1-based column)
    merged: tuple[tuple[str, int, int], ...] = ()
    #: (CSV, :mod:`toolkit.data.columnar`) the cells as Arrow string columns, one per header
    #: cell, an empty cell null; ``rows`` is then None (:meth:`grid` builds them when asked)
    columns: object = None

    @property
    def n_rows(self) -> int:
        """The number of data rows."""
        return len(self.row_numbers)

    @property
    def width(self) -> int:
        """The number of columns of :meth:`grid` (the widest row's)."""
        if self.columns is not None:
            return self.columns.num_columns
        return self.grid().shape[1] if self.n_rows else 0

    def factorized(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Column ``j`` as (codes, distinct cells): ``cells == uniques[codes]``, code -1 for a
        missing cell. Cells of an XLSX column holding booleans are not merged with 0 and 1
        (each cell is its own entry then).

        Examples
        --------
        >>> raw = RawTable(Path("r.csv"), ["a"], [["x"], [""], ["y"], ["x"]], [2, 3, 4, 5])
        >>> codes, uniques = raw.factorized(0)
        >>> codes.tolist(), uniques.tolist()
        ([0, -1, 1, 0], ['x', 'y'])
        """
        import pandas as pd

        if self.columns is not None:
            import pyarrow.compute as pc

            enc = pc.dictionary_encode(self.columns.column(j).combine_chunks())
            return (enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp),
                    np.asarray(enc.dictionary.to_pylist(), dtype=object))
        grid = self.grid()
        cells = np.ascontiguousarray(grid[:, j]) if j < grid.shape[1] else np.full(self.n_rows, None, dtype=object)
        kind = pd.api.types.infer_dtype(cells, skipna=True) if len(cells) else "empty"
        if kind not in ("string", "empty", "floating", "integer", "mixed-integer-float") and \
                any(type(v) is bool for v in cells):  # True == 1 for hashing: bools (XLSX) cell by cell
            return np.arange(len(cells)), cells
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=object)

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
        return self._cells

    @functools.cached_property
    def _cells(self) -> np.ndarray:  # built once: interpret asks for one column after another
        if self.columns is not None:
            return _grid([[list(r) for r in zip(*(c.to_pylist() for c in self.columns.columns), strict=True)]])
        return self.rows if isinstance(self.rows, np.ndarray) else _grid([self.rows])


# -- reading files -------------------------------------------------------------------------------
def _unreadable(path: Path, zh: str, en: str, value=None) -> ValidationError:
    return ValidationError([Problem(str(path), None, None, value, "file_unreadable", zh, en)], str(path))


def read_raw(path: str | Path, label_cells: frozenset = NOTE_FIRST_CELLS, columnar=None) -> RawTable:
    """Read a CSV or XLSX file's cells without interpreting them.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` / ``.txt`` or ``.xlsx`` / ``.xlsm`` file.
    label_cells : frozenset
        First cells of the template's label rows (skipped as notes).
    columnar : callable, optional
        ``columnar(path, encoding, delimiter, label_cells) -> RawTable or None``
        (:func:`toolkit.data.columnar.read_columnar`, handed in by the caller so that this module
        does not import it): a plain CSV may come back with its cells as Arrow columns
        (``columns``, ``rows`` None); the same cells, read without a Python object per cell. None
        (the reader declines) falls back to the line-by-line reader.

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
    (52, 250, [3, 4])
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
            return _read_csv(path, label_cells, columnar)
    except PermissionError as exc:
        raise _unreadable(path, "没有读取该文件的权限", "permission denied: the file cannot be read") from exc
    except MemoryError as exc:  # the archive checks should make this unreachable; never an internal error
        raise _unreadable(path, "文件太大，内存不足以读取：请拆分后再提交", "the file is too large to be read in the memory "
                          "available: split it and submit the parts") from exc
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
    held whole. A file whose first bytes claim UTF-8 (a UTF-8 byte-order mark) or whose header
    is UTF-8 is refused when the rest is not UTF-8, saying which encoding it seems to be in."""
    import codecs

    with open(path, "rb") as fh:
        start = fh.read(4096)
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and _is_text(path, "utf-16"):
        return "utf-16"  # Excel's "Unicode text": the byte-order mark says so
    failed: dict[str, int] = {}
    for enc in ENCODINGS:
        decoder = codecs.getincrementaldecoder(enc)()
        done = 0
        try:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
                    done += len(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            failed[enc] = done + exc.start
            continue
        if enc != ENCODINGS[0] and ENCODINGS[0] in failed:
            _claims_utf8(path, start, failed[ENCODINGS[0]])
        return enc
    _claims_utf8(path, start, failed[ENCODINGS[0]])
    raise ValidationError([Problem(str(path), None, None, None, "encoding",
                                   "文件编码既不是UTF-8、带BOM的UTF-16，也不是GBK/GB18030",
                                   "file is neither UTF-8, UTF-16 with a byte-order mark, nor GBK/GB18030")],
                          str(path))


def _claims_utf8(path: Path, start: bytes, bad_at: int) -> None:
    """Refuse a file that says it is UTF-8 (a byte-order mark, or a header in UTF-8 with
    characters beyond ASCII) but is not UTF-8 at byte ``bad_at``: it would be read as garbled
    text under another encoding."""
    import codecs

    bom = start.startswith(codecs.BOM_UTF8)
    first = start.split(b"\n", 1)[0]
    header_utf8 = not first.isascii() and b"\n" in start and _decodes(first, "utf-8-sig")
    if not bom and not header_utf8:
        return
    with open(path, "rb") as fh:
        before = fh.read(bad_at)
        line = before.count(b"\n") + 1
        bad = (before.rsplit(b"\n", 1)[-1] + fh.read(1 << 16)).split(b"\n", 1)[0]
    gbk = _decodes(bad.removeprefix(codecs.BOM_UTF8), "gb18030")
    name, name_zh = ("GBK/GB18030", "GBK/GB18030") if gbk else ("an unknown encoding", "未知")
    if bom and not _decodes(first, "utf-8-sig"):
        zh = (f"文件开头有 UTF-8 标记（BOM），但表头（第 1 行）不是 UTF-8 文本，看起来是 {name_zh} 编码：请在 Excel 或 WPS 中打开后"
              "“另存为”→“CSV UTF-8（逗号分隔）”，或用记事本“另存为”选择编码 UTF-8")
        en = (f"the file starts with a UTF-8 byte-order mark, but its header (line 1) is not UTF-8: it seems to be "
              f"{name}. Open it in Excel or WPS and Save As \"CSV UTF-8 (Comma delimited)\", or save it as UTF-8 in "
              "a text editor")
    else:
        zh = (f"文件的表头是 UTF-8{'（带 BOM）' if bom else ''}，但第 {line} 行不是 UTF-8 文本，看起来是 {name_zh} 编码（两种编码混在一个文件中）："
              "请在 Excel 或 WPS 中打开，检查该行后“另存为”→“CSV UTF-8（逗号分隔）”")
        en = (f"the file's header is UTF-8{' (with a byte-order mark)' if bom else ''}, but line {line} is not UTF-8: "
              f"it seems to be {name} (two encodings in one file). Open it in Excel or WPS, check that line, and "
              "Save As \"CSV UTF-8 (Comma delimited)\"")
    raise ValidationError([Problem(str(path), line, None, None, "encoding", zh, en)], str(path))


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


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


def _read_csv(path: Path, label_cells: frozenset = NOTE_FIRST_CELLS, columnar=None) -> RawTable:
    encoding = _encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        head = [ln for _, ln in zip(range(50), fh, strict=False)]
        delimiter = sniff_delimiter(head)
        if columnar is not None:
            raw = columnar(path, encoding, delimiter, label_cells)
            if raw is not None:
                return raw
        fh.seek(0)
        return _parse_csv(path, csv.reader(fh, delimiter=delimiter), label_cells)


def parse_csv_lines(path: Path, lines: list[str], delimiter: str, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    """The line-by-line reader on ``lines`` (decoded, without line ends) of the file ``path``."""
    return _parse_csv(path, csv.reader(lines, delimiter=delimiter), label_cells)


def _parse_csv(path: Path, reader, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    """The cells of a CSV, one record per physical line: a quoted field that runs on to a later
    line (a stray ``"`` in front of a name swallows the lines after it) is an error naming the
    line where the quote opens and the line where it closes; a row with fewer fields than the
    header (a deleted cell: the values after it moved left) is an error naming its row; rows of
    empty fields are skipped with a note, so every non-empty line is accounted for."""
    header, rows, numbers, header_row, notes, titles = None, _Rows(), [], 1, [], []
    intern = {}.setdefault
    spans: list[tuple[int, int, int]] = []  # (opening line, closing line, field)
    short: list[tuple[int, int]] = []  # (line, fields)
    blank: list[int] = []
    width, last = 0, 0
    for cells in reader:
        first, last = last + 1, reader.line_num
        if last > first:  # the csv module runs a record on only inside quotes
            j = next((k for k, c in enumerate(cells) if "\n" in c or "\r" in c), len(cells) - 1)
            spans.append((first + sum(c.count("\n") for c in cells[:j]), last, j))
            if len(spans) > 20:
                break
            continue
        if header is None:
            if any(c.strip() for c in cells):
                if is_title_row(cells) and len(titles) < MAX_TITLE_ROWS:
                    titles.append((reader.line_num, cells))
                else:
                    header, header_row = cells, reader.line_num
                    width = len(cells)
                    while width and not cells[width - 1].strip():
                        width -= 1
                    notes.extend(" ".join(c.strip() for c in t if c.strip()) for _, t in titles)
            continue
        if cells and cells[0][:1] in ("#", " ", "\t") and is_note_row(cells, label_cells):
            notes.append(" ".join(c for c in cells if c.strip()))
            continue
        if not "".join(cells).strip():
            if cells:
                blank.append(last)
            continue
        if len(cells) < width:
            short.append((last, len(cells)))
        # one object per distinct text: a 100,000-row return repeats most cells (0/1, cities);
        # empty cells become None when the block is built
        rows.append(list(map(intern, cells, cells)))
        numbers.append(reader.line_num)
    if spans or short:
        raise ValidationError(_span_problems(path, header, spans, reader.line_num) + _short_problems(path, header, width, short),
                              str(path))
    if header is None and titles:  # nothing but one-cell rows: the first is the header after all
        (header_row, header), titles = titles[0], titles[1:]
        for n, cells in titles:
            rows.append(cells)
            numbers.append(n)
    if blank:
        shown = ", ".join(map(str, blank[:5])) + (f" … ({len(blank)})" if len(blank) > 5 else "")
        notes.append(f"第 {shown} 行只有空字段，已跳过 | line {shown}: only empty fields, skipped")
    grid = rows.grid() if numbers else []
    return RawTable(path, header or [], grid, numbers, header_row=header_row, notes=tuple(notes))


def _column_name(header, j: int) -> str:
    return str(header[j]).strip() if header and j < len(header) and str(header[j]).strip() else f"#{j + 1}"


def _span_problems(path: Path, header, spans, end: int) -> list[Problem]:
    out = []
    for opened, closed, j in spans:
        col = _column_name(header, j)
        zh_end = f"到文件末尾（第 {closed} 行）仍未结束" if closed == end else f"到第 {closed} 行才结束"
        en_end = f"is never closed (the file ends on line {closed})" if closed == end else f"closes only on line {closed}"
        out.append(Problem(
            str(path), opened, col, None, "multiline_field",
            f"第 {opened} 行 {col} 列以引号（\"）开始的字段{zh_end}，第 {opened}–{closed} 行被并成了一行：填报表的字段不能跨行。"
            "多半是名称开头多了一个引号：请删除它（或补上配对的引号）后重新保存",
            f"line {opened}, column {col}: the quote (\") that opens this field {en_end}, so lines {opened}–{closed} "
            "were read as one record: a return's fields never span lines. Most likely a name starts with a stray "
            "quote: remove it (or close it) and save again"))
    return out


def _short_problems(path: Path, header, width: int, short) -> list[Problem]:
    col = _column_name(header, width - 1)
    return [Problem(str(path), line, col, n, "short_row",
                    f"第 {line} 行只有 {n} 个字段，表头有 {width} 列：可能删除了一个单元格，其后的值向左移动了。请补回缺少的单元格（空值也要保留分隔符）",
                    f"line {line} has {n} fields where the header has {width}: a cell was probably deleted and the "
                    "values after it moved left. Put the missing cell back (an empty value keeps its separator)")
            for line, n in short[:50]]


def _read_xlsx(path: Path, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    import openpyxl

    from .xlsx import inspect_workbook, iter_sheet, merged_below, pick_sheet, uncached_formulas

    with open(path, "rb") as fh:
        if fh.read(8) == OLE_MAGIC:
            # an OLE container: a password-protected workbook, or the old binary .xls renamed
            raise _unreadable(path, "该工作簿设置了打开密码（已加密），或是改名为 .xlsx 的旧版 .xls 文件：请在 Excel 中取消密码并另存为 .xlsx",
                              "the workbook is password-protected (encrypted), or an old .xls file renamed .xlsx: "
                              "remove the password in Excel and save it as .xlsx")
    sheets = inspect_workbook(path)  # sizes, over-long cells, hidden sheets: before any XML is parsed
    name, notes = pick_sheet(path, sheets, DATA_SHEET_NAMES)
    info = next(s for s in sheets if s.name == name)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except PermissionError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        msg = shorten(exc, 200)
        raise _unreadable(path, f"无法打开Excel文件：{msg}", f"cannot open the workbook: {msg}") from exc
    try:
        header, rows, numbers, percent, header_row, titles = None, [], [], set(), 1, []
        for r_idx, row in iter_sheet(wb[name]):
            values = [c.value for c in row]
            if header is None:
                if values:
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
    formulas: list[tuple[int, int, str]] = []
    if info.has_formulas:
        seen = dict(zip(numbers, rows, strict=True))
        if header is not None:
            seen[header_row] = header
        formulas = uncached_formulas(path, name, seen)
    # rows with nothing in them are dropped here, after the formula check (an uncalculated formula looks empty)
    keep = [i for i, v in enumerate(rows) if v]
    if len(keep) != len(rows):
        index = {old: new for new, old in enumerate(keep)}
        percent = {(index[i], j) for i, j in percent if i in index}
        rows, numbers = [rows[i] for i in keep], [numbers[i] for i in keep]
    return RawTable(path, header or [], rows, numbers, percent, name, header_row, tuple(notes),
                    tuple(formulas), tuple(merged_below(info.merged, header_row)))


# -- interpreting --------------------------------------------------------------------------------
