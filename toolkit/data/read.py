"""Reading indicator returns (CSV in UTF-8/BOM/GBK/GB18030, or XLSX) into checked, typed data.

Raw files are only ever opened for reading. :func:`read_indicators` collects every problem —
headers, cells, schema, cross-field rules — and raises one :class:`ValidationError` carrying
them all, or returns an :class:`IndicatorData`.
"""

from __future__ import annotations

import csv
import hashlib
import io as _io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import TEXT_ENCODINGS, decode_text
from ..framework.model import Framework, load_framework
from .parsing import (
    UNIT_COLUMNS,
    CellError,
    is_missing,
    match_header,
    normalise_text,
    parse_amount,
    parse_binary,
    parse_city_code,
    parse_level,
    parse_year,
    shorten,
)
from .problems import Problem, ValidationError
from .validate import check_frame

ENCODINGS = TEXT_ENCODINGS  # gb18030 is a superset of GBK and GB2312
DATA_SHEET_NAMES = ("填报表 Data", "填报表", "Data", "data")
_PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
COMMENT_PREFIX = "#"
#: the first cells of the rows the toolkit itself writes as notes: the template's English and
#: unit label rows, and the demo's synthetic-data notice. Only these rows are skipped; any other
#: row whose first cell starts with # (Excel's #N/A from a failed lookup) is data.
NOTE_FIRST_CELLS = frozenset({"# Unit ID", "# 文本 text"})
NOTE_PREFIXES = ("# SYNTHETIC DEMO DATA",)


def is_note_row(cells: list) -> bool:
    """True for the toolkit's own note rows (template labels, demo notice), recognised exactly.

    Examples
    --------
    >>> is_note_row(["# Unit ID", "# Brain name"]), is_note_row(["#N/A", "济南"])
    (True, False)
    """
    first = cells[0] if cells else None
    if not isinstance(first, str):
        return False
    first = first.strip()
    return first in NOTE_FIRST_CELLS or first.startswith(NOTE_PREFIXES)


@dataclass(frozen=True)
class RawTable:
    """The cells of a file as typed in: header, data rows and their spreadsheet row numbers."""

    path: Path
    header: list
    rows: list[list]
    row_numbers: list[int]
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col) formatted as %
    sheet: str | None = None
    header_row: int = 1
    notes: tuple[str, ...] = ()  # text of the skipped # rows (e.g. the synthetic-data notice)


@dataclass(frozen=True)
class IndicatorData:
    """A checked indicator return: one row per unit and year, in the framework's units.

    Attributes
    ----------
    table : DataFrame
        Unit columns (unit_id, brain_name, city, city_code, county, industry, year), then one
        column per data column of the framework (its leaves), then the indicators rolled up from
        raw sub-measures (L3P1's checklist score). Index: 0..n-1.
    framework : Framework
    source : str
        Path of the file read.
    sha256 : str
        Hash of the file's bytes, for provenance.
    conversions : dict
        Column → (stated unit, factor) for headers whose unit was converted.
    """

    table: pd.DataFrame
    framework: Framework
    source: str = ""
    sha256: str = ""
    conversions: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def is_synthetic(self) -> bool:
        """True when the file declares itself synthetic (the demo data does, in a # row)."""
        return any("SYNTHETIC" in n.upper() for n in self.notes)

    @property
    def unit_columns(self) -> list[str]:
        return list(UNIT_COLUMNS)

    @property
    def years(self) -> list[int]:
        return sorted(self.table["year"].dropna().unique().tolist())

    def values(self, year: int | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        """The indicator matrix: index unit_id (one year) or (unit_id, year) (all years)."""
        cols = columns or [c for c in self.table.columns if c not in UNIT_COLUMNS]
        t = self.table
        if year is not None:
            t = t[t["year"] == year]
            if t.empty:
                raise KeyError(f"no data for year {year}; years present: {self.years}")
            return t.set_index("unit_id")[cols].astype(float)
        return t.set_index(["unit_id", "year"])[cols].astype(float)

    def units(self, year: int | None = None) -> pd.DataFrame:
        """Unit descriptors (name, city, county, industry), indexed like :meth:`values`."""
        t = self.table if year is None else self.table[self.table["year"] == year]
        idx = "unit_id" if year is not None else ["unit_id", "year"]
        return t.set_index(idx)[[c for c in UNIT_COLUMNS if c not in ("unit_id", "year")]]


# -- reading files -------------------------------------------------------------------------------
def _unreadable(path: Path, zh: str, en: str, value=None) -> ValidationError:
    return ValidationError([Problem(str(path), None, None, value, "file_unreadable", zh, en)], str(path))


def read_raw(path: str | Path) -> RawTable:
    """Read a CSV or XLSX file's cells without interpreting them.

    Raises
    ------
    ValidationError
        When the file is missing, cannot be opened (permissions), is not CSV/XLSX, or (XLSX)
        holds formulas without a saved value or no unambiguous data sheet.
    """
    path = Path(path)
    if path.is_dir():
        raise _unreadable(path, "这是一个文件夹，不是文件", "this is a folder, not a file")
    if not path.is_file():
        raise _unreadable(path, "文件不存在", "file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        if suffix in (".csv", ".txt"):
            return _read_csv(path)
    except PermissionError as exc:
        raise _unreadable(path, "没有读取该文件的权限", "permission denied: the file cannot be read") from exc
    except OSError as exc:
        raise _unreadable(path, f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}") from exc
    raise _unreadable(path, "只支持 .csv 和 .xlsx 文件", "only .csv and .xlsx files are supported", suffix)


def _decode(path: Path) -> str:
    try:
        return decode_text(path.read_bytes())[0]
    except UnicodeDecodeError:
        raise ValidationError([Problem(str(path), None, None, None, "encoding",
                                       "文件编码既不是UTF-8也不是GBK/GB18030", "file is neither UTF-8 nor GBK/GB18030")],
                              str(path)) from None


def _read_csv(path: Path) -> RawTable:
    text = _decode(path)
    reader = csv.reader(_io.StringIO(text, newline=""))
    header, rows, numbers, header_row, notes = None, [], [], 1, []
    for cells in reader:
        if header is None:
            if any(c.strip() for c in cells):
                header, header_row = cells, reader.line_num
            continue
        if is_note_row(cells):
            notes.append(" ".join(c for c in cells if c.strip()))
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append([None if c == "" else c for c in cells])
        numbers.append(reader.line_num)
    return RawTable(path, header or [], rows, numbers, header_row=header_row, notes=tuple(notes))


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


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl
    from openpyxl.utils import get_column_letter

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
        header, rows, numbers, percent, header_row, notes = None, [], [], set(), 1, []
        for r_idx, row in enumerate(ws.iter_rows(), start=1):
            values = [c.value for c in row]
            if header is None:
                if any(v not in (None, "") for v in values):
                    header, header_row = values, r_idx
                continue
            if is_note_row(values):
                notes.append(" ".join(str(v) for v in values if v not in (None, "")))
                continue
            for c_idx, cell in enumerate(row):
                fmt = getattr(cell, "number_format", "") or ""
                if "%" in fmt and isinstance(cell.value, (int, float)):
                    percent.add((len(rows), c_idx))
            rows.append(values)
            numbers.append(r_idx)
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
def read_indicators(path: str | Path, framework: Framework | str | Path | None = None) -> IndicatorData:
    """Read, convert and check an indicator return.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (UTF-8, UTF-8 with BOM, GBK or GB18030) or ``.xlsx`` file, one row per unit
        and year. The template's own label rows and the demo's notice are skipped (recognised
        exactly); every other row is data. XLSX: the sheet the template names is read, else
        the only visible sheet.
    framework : Framework, str or Path, optional
        The framework (default: the Shandong 产业大脑 framework) or its name or file.

    Returns
    -------
    IndicatorData

    Raises
    ------
    ValidationError
        With every problem found (file, spreadsheet row, column, value, rule) in ``.report``.
    """
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    raw = read_raw(path)
    file = str(path)
    df, problems, skip, conversions = interpret(raw, fw)
    if df is not None:
        problems += check_frame(df, fw, file, skip)
    if problems:
        raise ValidationError(problems, file)
    table = fw.rollup_raw(df.reset_index(drop=True))
    table["year"] = table["year"].astype(int)
    return IndicatorData(table, fw, file, hashlib.sha256(Path(path).read_bytes()).hexdigest(),
                         conversions, raw.notes)


def interpret(raw: RawTable, fw: Framework):
    """Map headers, parse cells and convert units. Returns (frame indexed by spreadsheet row,
    problems, cells already reported, conversions)."""
    file = str(raw.path)
    problems: list[Problem] = []
    if not raw.header:
        return None, [Problem(file, None, None, None, "empty_file", "文件为空", "the file is empty")], set(), {}
    matches = [match_header(h, fw) for h in raw.header]
    seen: dict[str, int] = {}
    keep: list[tuple[int, object]] = []
    for j, m in enumerate(matches):
        if m.header.strip() == "" and all(j >= len(r) or is_missing(r[j]) for r in raw.rows):
            continue  # a trailing blank column, as spreadsheets leave behind
        if m.error:
            rule, zh, en = m.error
            problems.append(Problem(file, raw.header_row, m.header, m.header, rule, zh, en))
            continue
        if m.column in seen:
            problems.append(Problem(file, raw.header_row, m.header, m.header, "duplicate_column",
                                    f"列 {m.column} 出现了两次（第 {seen[m.column] + 1} 列和第 {j + 1} 列）",
                                    f"column {m.column} appears twice (columns {seen[m.column] + 1} and {j + 1})"))
            continue
        seen[m.column] = j
        keep.append((j, m))
    required = list(UNIT_COLUMNS) + fw.columns
    for col in required:
        if col not in seen:
            label = fw.label(col, "zh") if col in fw else col
            problems.append(Problem(file, None, col, None, "missing_column",
                                    f"缺少必填列 {col}（{label}）", f"required column {col} is missing"))
    if not raw.rows:
        problems.append(Problem(file, None, None, None, "empty_file", "文件没有数据行", "the file has no data rows"))
        return None, problems, set(), {}
    nodes = {n.code: n for n in fw.leaves()}
    data: dict[str, list] = {col: [None] * len(raw.rows) for col in required}
    skip: set[tuple[int, str]] = set()
    conversions = {m.column: (m.stated_unit, m.factor) for _, m in keep if m.factor != 1.0}
    for j, m in keep:
        col = m.column
        node = nodes.get(col)
        cells = [row[j] if j < len(row) else None for row in raw.rows]
        values, fast = _fast_numbers(cells) if node is not None else ([None] * len(cells), [False] * len(cells))
        percent_rows = {i for i, jj in raw.percent_cells if jj == j} if node is not None else set()
        for i, cell in enumerate(cells):
            factor = m.factor
            try:
                if i in percent_rows and node.type != "share":
                    raise CellError("percent_not_allowed",
                                    "该指标不是比例，单元格不能设为百分比格式（Excel 显示为 %）",
                                    "this indicator is not a share; the cell must not be formatted as a percentage")
                if fast[i]:
                    value = values[i]
                else:
                    value, converted = _parse_cell(cell, col, node)
                    if converted:
                        factor = 1.0  # the unit typed in the cell was converted; the header's does not apply
            except CellError as err:
                rn = raw.row_numbers[i]
                problems.append(Problem(file, rn, col, shorten(cell), err.rule, f"{col}：{err.zh}", f"{col}: {err.en}"))
                skip.add((rn, col))
                continue
            if node is not None and value is not None:
                if i in percent_rows:
                    value *= 100.0  # Excel stores 12% as 0.12 (share columns only: checked above)
                value *= factor
            data[col][i] = value
    df = pd.DataFrame(data, index=pd.Index(raw.row_numbers, name="row"))
    for col in fw.columns:
        df[col] = pd.to_numeric(df[col], errors="raise").astype(float)
    df["year"] = df["year"].astype("Int64")
    return df, problems, skip, conversions


def _fast_numbers(cells: list) -> tuple[list, list[bool]]:
    """Vectorised path for the common case: cells that already are numbers or plain numeric
    text. Returns the values and a mask of the cells it handled; every other cell (missing
    tokens, 12%, 1,234, full-width digits, errors) goes through the careful per-cell parser."""
    s = pd.Series(cells, dtype=object)
    is_num = s.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).to_numpy(bool)
    text = s.where(s.map(lambda v: isinstance(v, str)), None)
    simple = text.str.fullmatch(_PLAIN_NUMBER).fillna(False).to_numpy(bool)
    out = pd.to_numeric(s.where(is_num | simple, None), errors="coerce").to_numpy(float)
    fast = (is_num | simple) & np.isfinite(out)
    return [float(v) if f else None for v, f in zip(out, fast, strict=True)], fast.tolist()


def _parse_cell(cell, col: str, node) -> tuple[object, bool]:
    """One cell of column ``col``: (value, whether a unit typed in the cell was converted)."""
    if node is None:
        if col == "year":
            return parse_year(cell), False
        if col == "city_code":
            return parse_city_code(cell), False
        if is_missing(cell):
            return None, False
        text = normalise_text(cell)
        if col == "city" and text and not text.endswith("市"):
            from ..framework.geo import city_code, city_name
            code = city_code(text)
            return (city_name(code) if code else text), False
        return text, False
    if node.type == "binary":
        return parse_binary(cell), False
    if node.type == "ordinal":
        return parse_level(cell), False
    return parse_amount(cell, node, allow_percent=node.type == "share")
