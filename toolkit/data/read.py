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

from ..framework.model import Framework, load_framework
from .parsing import (
    CellError,
    is_missing,
    match_header,
    normalise_text,
    parse_binary,
    parse_city_code,
    parse_level,
    parse_number,
    parse_year,
)
from .problems import Problem, ValidationError
from .validate import check_frame

ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
DATA_SHEET_NAMES = ("填报表 Data", "填报表", "Data", "data")
_PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
COMMENT_PREFIX = "#"  # rows whose first cell starts with # (the template's label rows) are skipped


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
        The framework's unit columns (Shandong: unit_id, brain_name, city, city_code, county,
        industry, year), then one
        column per data column of the framework (its leaves), then the indicators rolled up from
        raw sub-measures (L3P1's checklist score). Index: 0..n-1.
    framework : Framework
    source : str
        Path of the file read.
    sha256 : str
        Hash of the file's bytes, for provenance.
    conversions : dict
        Column → (stated unit, factor) for headers whose unit was converted.

    Examples
    --------
    :func:`read_indicators` returns one (here the synthetic demo, 50 brains × 2 years):

    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> data.table.shape, data.years, data.is_synthetic
    ((100, 53), [2024, 2025], True)
    >>> data.values(2024).shape  # 50 units × 46 indicator columns
    (50, 46)
    >>> data.units(2024).columns.tolist()
    ['brain_name', 'city', 'city_code', 'county', 'industry']
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
        """The framework's unit columns (identifier, name, groups, year…), in declared order."""
        return [uc.name for uc in self.framework.unit_columns]

    @property
    def years(self) -> list[int]:
        return sorted(self.table["year"].dropna().unique().tolist())

    def values(self, year: int | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        """The indicator matrix: index unit_id (one year) or (unit_id, year) (all years)."""
        cols = columns or [c for c in self.table.columns if c not in self.unit_columns]
        t = self.table
        if year is not None:
            t = t[t["year"] == year]
            if t.empty:
                raise KeyError(f"no data for year {year}; years present: {self.years}")
            return t.set_index("unit_id")[cols].astype(float)
        return t.set_index(["unit_id", "year"])[cols].astype(float)

    def units(self, year: int | None = None) -> pd.DataFrame:
        """Unit descriptors (name, groups, denominators…), indexed like :meth:`values`."""
        t = self.table if year is None else self.table[self.table["year"] == year]
        idx = "unit_id" if year is not None else ["unit_id", "year"]
        return t.set_index(idx)[[c for c in self.unit_columns if c not in ("unit_id", "year")]]


# -- reading files -------------------------------------------------------------------------------
def read_raw(path: str | Path) -> RawTable:
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
        The file is missing, of another type, or cannot be decoded.

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
    if not path.is_file():
        raise ValidationError([Problem(str(path), None, None, None, "file_unreadable",
                                       "文件不存在", "file not found")], str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise ValidationError([Problem(str(path), None, None, suffix, "file_unreadable",
                                   "只支持 .csv 和 .xlsx 文件", "only .csv and .xlsx files are supported")], str(path))


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValidationError([Problem(str(path), None, None, None, "encoding",
                                   "文件编码既不是UTF-8也不是GBK/GB18030", "file is neither UTF-8 nor GBK/GB18030")], str(path))


def _read_csv(path: Path) -> RawTable:
    text = _decode(path)
    reader = csv.reader(_io.StringIO(text, newline=""))
    header, rows, numbers, header_row, notes = None, [], [], 1, []
    for cells in reader:
        if header is None:
            if any(c.strip() for c in cells):
                header, header_row = cells, reader.line_num
            continue
        if cells and cells[0].strip().startswith(COMMENT_PREFIX):
            notes.append(" ".join(c for c in cells if c.strip()))
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append([None if c == "" else c for c in cells])
        numbers.append(reader.line_num)
    return RawTable(path, header or [], rows, numbers, header_row=header_row, notes=tuple(notes))


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationError([Problem(str(path), None, None, None, "file_unreadable",
                                       f"无法打开Excel文件：{exc}", f"cannot open the workbook: {exc}")], str(path)) from exc
    try:
        name = next((n for n in DATA_SHEET_NAMES if n in wb.sheetnames), wb.sheetnames[0])
        ws = wb[name]
        header, rows, numbers, percent, header_row, notes = None, [], [], set(), 1, []
        for r_idx, row in enumerate(ws.iter_rows(), start=1):
            values = [c.value for c in row]
            if header is None:
                if any(v not in (None, "") for v in values):
                    header, header_row = values, r_idx
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if isinstance(values[0], str) and values[0].strip().startswith(COMMENT_PREFIX):
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
    return RawTable(path, header or [], rows, numbers, percent, name, header_row, tuple(notes))


# -- interpreting --------------------------------------------------------------------------------
def read_indicators(path: str | Path, framework: Framework | str | Path | None = None) -> IndicatorData:
    """Read, convert and check an indicator return.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (UTF-8, UTF-8 with BOM, GBK or GB18030) or ``.xlsx`` file, one row per unit
        and year. Rows whose first cell starts with ``#`` are notes and are skipped.
    framework : Framework, str or Path, optional
        The framework (default: the Shandong 产业大脑 framework) or its name or file.

    Returns
    -------
    IndicatorData

    Raises
    ------
    ValidationError
        With every problem found (file, spreadsheet row, column, value, rule) in ``.report``.

    Examples
    --------
    >>> import toolkit
    >>> data = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> data.is_synthetic, data.years, data.values(2025).shape
    (True, [2024, 2025], (50, 46))
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
    required = [uc.name for uc in fw.unit_columns] + fw.columns
    defaults = {uc.name: uc.default for uc in fw.unit_columns if uc.has_default}
    for col in required:
        if col not in seen and col not in defaults:
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
    units = {uc.name: uc for uc in fw.unit_columns}
    for j, m in keep:
        col = m.column
        node = nodes.get(col)
        cells = [row[j] if j < len(row) else None for row in raw.rows]
        values, fast = _fast_numbers(cells) if node is not None else ([None] * len(cells), [False] * len(cells))
        for i, cell in enumerate(cells):
            if fast[i]:
                value = values[i]
            else:
                try:
                    value = _parse_cell(cell, col, node, units.get(col))
                except CellError as err:
                    rn = raw.row_numbers[i]
                    problems.append(Problem(file, rn, col, cell, err.rule, f"{col}：{err.zh}", f"{col}: {err.en}"))
                    skip.add((rn, col))
                    continue
            if node is not None and value is not None:
                if (i, j) in raw.percent_cells and node.type in ("share", "ratio"):
                    value *= 100.0  # Excel stores 12% as 0.12
                value *= m.factor
            data[col][i] = value
    for col, value in defaults.items():
        if col not in seen:
            data[col] = [value] * len(raw.rows)
    df = pd.DataFrame(data, index=pd.Index(raw.row_numbers, name="row"))
    for col in fw.unit_role("denominator"):
        df[col] = pd.to_numeric(df[col], errors="raise").astype(float)
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


def _parse_cell(cell, col: str, node, unit=None):
    if node is None:
        role = getattr(unit, "role", None)
        reference = getattr(unit, "reference", None)
        if role == "year":
            return parse_year(cell)
        if role == "denominator":
            return parse_number(cell)
        if reference == "shandong_cities.code":
            return parse_city_code(cell)
        if is_missing(cell):
            return None
        text = normalise_text(cell)
        if reference == "shandong_cities.zh" and text and not text.endswith("市"):
            from ..framework.geo import city_code, city_name
            code = city_code(text)
            return city_name(code) if code else text
        return text
    if node.type == "binary":
        return parse_binary(cell)
    if node.type == "ordinal":
        return parse_level(cell)
    return parse_number(cell, allow_percent=node.type in ("share", "ratio"))

