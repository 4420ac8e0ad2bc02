"""Reading indicator returns (CSV in UTF-8/BOM/GBK/GB18030, or XLSX) into checked, typed data.

Raw files are only ever opened for reading. :func:`read_indicators` collects every problem —
headers, cells, schema, cross-field rules — and raises one :class:`ValidationError` carrying
them all, or returns an :class:`IndicatorData`.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import TEXT_ENCODINGS
from ..framework.model import Framework, load_framework
from .parsing import (
    EXCEL_ERRORS,
    CellError,
    is_missing,
    match_header,
    normalise_text,
    parse_amount,
    parse_binary,
    parse_city_code,
    parse_level,
    parse_number,
    parse_year,
    shorten,
)
from .problems import Problem, ValidationError
from .validate import check_frame

ENCODINGS = TEXT_ENCODINGS  # gb18030 is a superset of GBK and GB2312
DATA_SHEET_NAMES = ("填报表 Data", "填报表", "Data", "data")
COMMENT_PREFIX = "#"
#: the first cells of the template's English and unit label rows (the rest of those rows are labels too)
NOTE_FIRST_CELLS = frozenset({"# Unit ID", "# 文本 text"})


def is_note_row(cells: list) -> bool:
    """True for note rows, recognised exactly: the template's two label rows, or a one-cell
    row whose text starts with ``# `` (hash and space, as the demo's synthetic-data notice).
    Any other row is data, whatever its first cell holds: ``#N/A`` from a failed Excel lookup
    has no space after the hash and the row has data.

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
    if first in NOTE_FIRST_CELLS:
        return True
    rest_empty = all(c is None or (isinstance(c, str) and not c.strip()) for c in cells[1:])
    return rest_empty and first.startswith(("# ", "#\u3000")) and len(first) > 2


#: value types whose cells may be typed or formatted as a percentage ("12%" is 12)
PERCENT_TYPES = ("share", "ratio")


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
def _unreadable(path: Path, zh: str, en: str, value=None) -> ValidationError:
    return ValidationError([Problem(str(path), None, None, value, "file_unreadable", zh, en)], str(path))


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
            return _read_xlsx(path)
        if suffix in (".csv", ".txt"):
            return _read_csv(path)
    except PermissionError as exc:
        raise _unreadable(path, "没有读取该文件的权限", "permission denied: the file cannot be read") from exc
    except csv.Error as exc:  # a NUL byte, a cell longer than the CSV reader's limit
        raise _unreadable(path, f"不是有效的 CSV 文件：{shorten(exc, 120)}", f"not a valid CSV file: {shorten(exc, 120)}") from exc
    except OSError as exc:
        raise _unreadable(path, f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}") from exc
    raise _unreadable(path, "只支持 .csv 和 .xlsx 文件", "only .csv and .xlsx files are supported", suffix)


def _encoding(path: Path) -> str:
    """The encoding that reads the whole file (UTF-8 with or without BOM, else GB18030), found
    by decoding it in blocks, so the decoded text is never held whole."""
    import codecs

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
                                   "文件编码既不是UTF-8也不是GBK/GB18030", "file is neither UTF-8 nor GBK/GB18030")],
                          str(path))


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


def _read_csv(path: Path) -> RawTable:
    with open(path, encoding=_encoding(path), newline="") as fh:
        return _parse_csv(path, csv.reader(fh))


def _parse_csv(path: Path, reader) -> RawTable:
    header, rows, numbers, header_row, notes = None, _Rows(), [], 1, []
    intern = {}.setdefault
    for cells in reader:
        if header is None:
            if any(c.strip() for c in cells):
                header, header_row = cells, reader.line_num
            continue
        if cells and cells[0][:1] in ("#", " ", "\t") and is_note_row(cells):
            notes.append(" ".join(c for c in cells if c.strip()))
            continue
        if not "".join(cells).strip():
            continue
        # one object per distinct text: a 100,000-row return repeats most cells (0/1, cities);
        # empty cells become None when the block is built
        rows.append(list(map(intern, cells, cells)))
        numbers.append(reader.line_num)
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
    notes = raw.notes
    del raw  # the cells as typed are no longer needed: free them before the checks
    if df is not None:
        problems += check_frame(df, fw, file, skip)
    if problems:
        raise ValidationError(problems, file)
    table = fw.rollup_raw(df.reset_index(drop=True))
    table["year"] = table["year"].astype(int)
    return IndicatorData(table, fw, file, hashlib.sha256(Path(path).read_bytes()).hexdigest(),
                         conversions, notes)


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
    if not len(raw.rows):
        problems.append(Problem(file, None, None, None, "empty_file", "文件没有数据行", "the file has no data rows"))
        return None, problems, set(), {}
    nodes = {n.code: n for n in fw.leaves()}
    n_rows = len(raw.rows)
    data: dict[str, object] = {col: [None] * n_rows for col in required}
    skip: set[tuple[int, str]] = set()
    conversions = {m.column: (m.stated_unit, m.factor) for _, m in keep if m.factor != 1.0}
    units = {uc.name: uc for uc in fw.unit_columns}
    grid = raw.rows if isinstance(raw.rows, np.ndarray) else _grid([raw.rows])
    row_numbers = np.asarray(raw.row_numbers)
    for j in range(len(raw.header), grid.shape[1]):  # cells right of the last header: never ignored
        for i in np.nonzero([not is_missing(v) for v in grid[:, j]])[0]:
            problems.append(Problem(file, int(row_numbers[i]), f"#{j + 1}", shorten(grid[i, j]), "unknown_column",
                                    f"第 {j + 1} 列没有列名，但该行在此填了数据", f"column {j + 1} has no header but this row has "
                                    "data in it"))
    for j, m in keep:
        col = m.column
        node = nodes.get(col)
        cells = np.ascontiguousarray(grid[:, j]) if j < grid.shape[1] else np.full(n_rows, None, dtype=object)
        percent_rows = np.array(sorted(i for i, jj in raw.percent_cells if jj == j), dtype=int)
        values, errors = _read_column(cells, col, node, m.factor, percent_rows, units.get(col))
        for i, err in errors:
            rn = int(row_numbers[i])
            problems.append(Problem(file, rn, col, shorten(cells[i]), err.rule, f"{col}：{err.zh}", f"{col}: {err.en}"))
            skip.add((rn, col))
        data[col] = values
    for col, value in defaults.items():
        if col not in seen:
            data[col] = [value] * n_rows
    for col in fw.unit_role("denominator"):
        if col in data:
            data[col] = pd.to_numeric(pd.Series(data[col], dtype=object), errors="raise").to_numpy(float)
    for col in fw.columns:
        if not isinstance(data[col], np.ndarray):
            data[col] = pd.to_numeric(pd.Series(data[col], dtype=object), errors="raise").to_numpy(float)
    data["year"] = pd.array(data["year"], dtype="Int64")
    df = pd.DataFrame(data, index=pd.Index(raw.row_numbers, name="row"), copy=False)
    return df, problems, skip, conversions


def _read_column(cells: np.ndarray, col: str, node, factor: float, percent_rows: np.ndarray, unit=None):
    """Parse one column: each distinct cell text once (the per-cell rules of :func:`_parse_cell`),
    plain numbers in one vectorised pass. Returns (values, [(row index, CellError)])."""
    errors: list[tuple[int, CellError]] = []
    n = len(cells)
    if node is not None and len(percent_rows) and node.type not in PERCENT_TYPES:
        err = CellError("percent_not_allowed", "该指标不是比例，单元格不能设为百分比格式（Excel 显示为 %）",
                        "this indicator is not a share or a ratio; the cell must not be formatted as a percentage")
        errors += [(int(i), err) for i in percent_rows]
    kind = pd.api.types.infer_dtype(cells, skipna=True) if n else "empty"
    has_bool = kind not in ("string", "empty", "floating", "integer", "mixed-integer-float") and \
        any(type(v) is bool for v in cells)
    if has_bool:  # True == 1 for hashing: bools (rare, XLSX) are read cell by cell
        codes, uniques = np.arange(n), cells
    else:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    m = len(uniques)
    parsed = np.empty(m, dtype=object)
    own_unit = np.zeros(m, dtype=bool)
    failed: dict[int, CellError] = {}
    todo = np.ones(m, dtype=bool)
    if node is not None and m:
        numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy(float)
        plain = np.isfinite(numbers)
        if has_bool:
            plain &= np.array([type(v) is not bool for v in uniques])
        parsed[plain] = numbers[plain]
        todo &= ~plain
    for k in np.nonzero(todo)[0]:
        try:
            parsed[k], own_unit[k] = _parse_cell(uniques[k], col, node, unit)
        except CellError as err:
            failed[int(k)] = err
    if node is None:
        out = np.empty(n, dtype=object)
        out[:] = None
        ok = codes >= 0
        out[ok] = parsed[codes[ok]]
        if failed:
            bad = np.nonzero(np.isin(codes, list(failed)))[0]
            errors += [(int(i), failed[int(codes[i])]) for i in bad]
            out[bad] = None
        errors.sort(key=lambda e: e[0])
        return out.tolist(), errors
    value = np.full(n, np.nan)
    scale = np.where(own_unit, 1.0, factor)  # a unit typed in the cell was converted already
    as_float = np.array([np.nan if v is None else float(v) for v in parsed], dtype=float) if m else np.empty(0)
    ok = codes >= 0
    with np.errstate(over="ignore"):  # an overflow gives inf, which the checks report as not_finite
        value[ok] = as_float[codes[ok]] * scale[codes[ok]]
    if len(percent_rows) and node.type in PERCENT_TYPES:
        value[percent_rows] *= 100.0  # Excel stores 12% as 0.12
    if failed:
        bad = np.nonzero(np.isin(codes, list(failed)))[0]
        errors += [(int(i), failed[int(codes[i])]) for i in bad]
        value[bad] = np.nan
    if errors:
        value[[i for i, _ in errors]] = np.nan
    errors.sort(key=lambda e: e[0])
    return value, errors


def _parse_cell(cell, col: str, node, unit=None) -> tuple[object, bool]:
    """One cell of column ``col``: (value, whether a unit typed in the cell was converted)."""
    if node is None:
        role = getattr(unit, "role", None)
        reference = getattr(unit, "reference", None)
        if role == "year":
            return parse_year(cell), False
        if role == "denominator":
            return parse_number(cell), False
        if reference == "shandong_cities.code":
            return parse_city_code(cell), False
        if is_missing(cell):
            return None, False
        text = normalise_text(cell)
        if text.upper() in EXCEL_ERRORS:
            raise CellError("excel_error", f"单元格是 Excel 公式错误 {text}：请在 Excel 中修正公式后再提交",
                            f"the cell holds Excel's formula error {text}: fix the formula in Excel and submit again")
        if reference == "shandong_cities.zh" and text and not text.endswith("市"):
            from ..framework.geo import city_code, city_name
            code = city_code(text)
            return (city_name(code) if code else text), False
        return text, False
    if node.type == "binary":
        return parse_binary(cell), False
    if node.type == "ordinal":
        return parse_level(cell), False
    return parse_amount(cell, node, allow_percent=node.type in PERCENT_TYPES)

