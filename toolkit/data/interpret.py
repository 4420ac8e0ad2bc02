"""Turning the cells of a return as typed (:class:`~toolkit.data.raw.RawTable`) into a typed frame:
headers mapped to the framework's columns, each column's distinct cells parsed once
(:mod:`toolkit.data.parsing`), units converted, and every cell that cannot be read reported as a
:class:`~toolkit.data.problems.Problem` naming its row, column and value. What was read other than
as typed (look-alike characters in an id, a unit typed in a cell) becomes a note.

:func:`toolkit.data.read.read_indicators` runs it between the reader and the schema checks.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from ..framework.model import Framework
from .headers import match_header
from .parsing import (
    EXCEL_ERRORS,
    MISSING_TOKENS,
    CellError,
    fold_id,
    folded_chars,
    is_missing,
    normalise_text,
    parse_amount,
    parse_binary,
    parse_city_code,
    parse_level,
    parse_number,
    parse_year,
    shorten,
    total_labels,
)
from .problems import Problem
from .raw import RawTable

#: id spellings noted one by one (:func:`_folded_notes`); the rest are counted in one note
MAX_ID_NOTES = 20
#: what pandas infers for values among which there is surely no bool
_NO_BOOLS = ("string", "empty", "floating", "integer", "mixed-integer-float")
#: value types whose cells may be typed or formatted as a percentage ("12%" is 12)
PERCENT_TYPES = ("share", "ratio")


def interpret(raw: RawTable, fw: Framework, notes: list[str] | None = None):
    """Map headers, parse cells and convert units. Returns (frame indexed by spreadsheet row,
    problems, cells already reported, conversions); what was read other than as typed (an id
    whose look-alike dashes were folded, a unit typed in a cell) is added to ``notes``."""
    file = str(raw.path)
    problems: list[Problem] = []
    notes = [] if notes is None else notes
    if not raw.header:
        return None, [Problem(file, None, None, None, "empty_file", "文件为空", "the file is empty")], set(), {}
    matches = [match_header(h, fw) for h in raw.header]
    seen: dict[str, int] = {}
    keep: list[tuple[int, object]] = []
    for j, m in enumerate(matches):
        if m.header.strip() == "" and all(is_missing(v) for v in raw.factorized(j)[1]):
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
    if fw.columns and not any(m.column in fw.columns for _, m in keep):
        # not one indicator of the framework in the header: a return for another framework (or
        # the wrong file). Listing every column as missing and every row as incomplete would
        # bury the one thing to say.
        some = ", ".join(f"{c} {fw.label(c, 'zh', with_code=False)}" for c in fw.columns[:3])
        some_en = ", ".join(f"{c} {fw.label(c, 'en', with_code=False)}" for c in fw.columns[:3])
        problems.append(Problem(
            file, raw.header_row, None, None, "wrong_framework",
            f"表头中没有指标体系 {fw.id} 的任何指标列（共 {len(fw.columns)} 列，如 {some} …）："
            "该文件是否属于另一个指标体系？请用 --framework 指定其框架文件",
            f"the header holds none of the {len(fw.columns)} indicator columns of framework {fw.id} "
            f"(such as {some_en} …): is this a return for another framework? Name its framework file "
            "with --framework"))
        return None, problems, set(), {}
    for col in required:
        if col not in seen and col not in defaults:
            label = fw.label(col, "zh") if col in fw else col
            problems.append(Problem(file, None, col, None, "missing_column",
                                    f"缺少必填列 {col}（{label}）", f"required column {col} is missing"))
    if not raw.n_rows:
        problems.append(Problem(file, None, None, None, "empty_file", "文件没有数据行", "the file has no data rows"))
        return None, problems, set(), {}
    nodes = {n.code: n for n in fw.leaves()}
    n_rows = raw.n_rows
    data: dict[str, object] = dict.fromkeys(required)  # a column the file lacks: filled with None below
    skip: set[tuple[int, str]] = set()
    conversions = {m.column: (m.stated_unit, m.factor) for _, m in keep if m.factor != 1.0}
    units = {uc.name: uc for uc in fw.unit_columns}
    row_numbers = np.asarray(raw.row_numbers)
    for j in range(len(raw.header), raw.width):  # cells right of the last header: never ignored
        codes, uniques = raw.factorized(j)
        filled = [not is_missing(v) for v in uniques]
        for i in _rows_where(codes, filled):
            problems.append(Problem(file, int(row_numbers[i]), f"#{j + 1}", shorten(uniques[codes[i]]), "unknown_column",
                                    f"第 {j + 1} 列没有列名，但该行在此填了数据", f"column {j + 1} has no header but this row has "
                                    "data in it"))
    for j, m in keep:
        col = m.column
        node = nodes.get(col)
        codes, uniques = raw.factorized(j)
        percent_rows = np.array(sorted(i for i, jj in raw.percent_cells if jj == j), dtype=int)
        values, errors, converted = _read_column(codes, uniques, col, node, m.factor, percent_rows, units.get(col))
        if len(converted):
            notes.append(note(row_numbers[converted], col, uniques[codes[converted[0]]], values[converted[0]],
                              "a unit typed in the cell was converted", "单元格中的单位已换算"))
        if getattr(units.get(col), "role", None) == "id":
            notes += _folded_notes(codes, uniques, row_numbers, col)
        if getattr(units.get(col), "role", None) in ("id", "name"):
            problems += [_total_problem(file, int(row_numbers[i]), col, uniques[codes[i]]) for i in
                         _rows_where(codes, total_labels(uniques))]
        for i, err in errors:
            rn = int(row_numbers[i])
            problems.append(Problem(file, rn, col, shorten(uniques[codes[i]]), err.rule, f"{col}：{err.zh}",
                                    f"{col}: {err.en}"))
            skip.add((rn, col))
        data[col] = values
    for col, value in defaults.items():
        if col not in seen:
            data[col] = [value] * n_rows
    for col in required:
        if data[col] is None:
            data[col] = [None] * n_rows
    for col in fw.unit_role("denominator"):
        if col in data:
            data[col] = pd.to_numeric(pd.Series(data[col], dtype=object), errors="raise").to_numpy(float)
    for col in fw.columns:
        if not isinstance(data[col], np.ndarray):
            data[col] = pd.to_numeric(pd.Series(data[col], dtype=object), errors="raise").to_numpy(float)
    data["year"] = pd.array(data["year"], dtype="Int64")
    df = pd.DataFrame(data, index=pd.Index(raw.row_numbers, name="row"), copy=False)
    return df, problems, skip, conversions


def _read_column(codes: np.ndarray, uniques: np.ndarray, col: str, node, factor: float, percent_rows: np.ndarray,
                 unit=None):
    """Parse one column given as its distinct cells and each cell's code (:meth:`RawTable.factorized
    <toolkit.data.raw.RawTable.factorized>`): each distinct cell text once (the per-cell
    rules of :func:`_parse_cell`), plain numbers in one vectorised pass. Returns (values,
    [(row index, CellError)], rows whose unit typed in the cell was converted)."""
    errors: list[tuple[int, CellError]] = []
    n = len(codes)
    if node is not None and len(percent_rows) and node.type not in PERCENT_TYPES:
        err = CellError("percent_not_allowed", "该指标不是比例，单元格不能设为百分比格式（Excel 显示为 %）",
                        "this indicator is not a share or a ratio; the cell must not be formatted as a percentage")
        errors += [(int(i), err) for i in percent_rows]
    m = len(uniques)
    parsed = np.empty(m, dtype=object)
    own_unit = np.zeros(m, dtype=bool)
    failed: dict[int, CellError] = {}
    todo = np.ones(m, dtype=bool)
    if node is not None and m:
        numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy(float)
        plain = np.isfinite(numbers)
        if pd.api.types.infer_dtype(uniques, skipna=True) not in _NO_BOOLS and \
                any(type(v) is bool for v in uniques):  # XLSX: TRUE is not the number 1
            plain &= np.array([type(v) is not bool for v in uniques])
        parsed[plain] = numbers[plain]
        todo &= ~plain
    texts = _texts(uniques, unit) if node is None else None
    if texts is not None:  # ids and names: every distinct cell normalised in one pass
        for k, text in enumerate(texts):
            if isinstance(text, CellError):
                failed[k] = text
            else:
                parsed[k] = text
        todo[:] = False
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
        return out.tolist(), errors, np.empty(0, dtype=int)
    value = np.full(n, np.nan)
    scale = np.where(own_unit, 1.0, factor)  # a unit typed in the cell was converted already
    as_float = np.where(plain, numbers, np.nan) if m else np.empty(0)
    for k in np.flatnonzero(~plain) if m else ():  # the cells parsed one by one
        as_float[k] = np.nan if parsed[k] is None else float(parsed[k])
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
    converted = np.nonzero(ok & own_unit[np.where(ok, codes, 0)] & np.isfinite(value))[0] if m else np.empty(0, int)
    return value, errors, converted


def _rows_where(codes: np.ndarray, flags) -> np.ndarray:
    """The rows whose distinct cell is flagged (``flags[k]`` for cell ``k``; a missing cell, code
    -1, never is)."""
    return np.nonzero(np.append(np.asarray(flags, dtype=bool), False)[codes])[0]


def note(rows, column: str, typed, read, en: str, zh: str) -> str:
    """A note on cells read other than as typed, naming the rows (the first five) and the column,
    in Chinese then English, separated by `` | ``."""
    rows = [int(r) for r in rows]
    shown = ", ".join(map(str, rows[:5])) + (f" … ({len(rows)})" if len(rows) > 5 else "")
    value = f"{shorten(typed)!r} → {read!r}" if not isinstance(read, float) else f"{shorten(typed)!r} → {read:g}"
    return f"第 {shown} 行 {column}：{zh}（{value}） | row {shown}, column {column}: {en} ({value})"


def _folded_notes(codes: np.ndarray, uniques: np.ndarray, row_numbers: np.ndarray, col: str) -> list[str]:
    """One note per id spelling read other than as typed: look-alike dashes and format
    characters folded (:func:`~toolkit.data.parsing.fold_id`), full-width characters narrowed."""
    out = []
    for k, typed in enumerate(uniques):
        if not isinstance(typed, str) or typed.isascii():
            continue
        text = normalise_text(typed)
        read = fold_id(text)
        if read == typed.strip():
            continue
        what = ", ".join(filter(None, [folded_chars(text), "full-width characters" if text != typed.strip() else ""]))
        rows = row_numbers[np.nonzero(codes == k)[0]]
        out.append(note(rows, col, typed, read, f"look-alike characters read as '-', ASCII or dropped: {what}",
                        f"形似字符已按“-”或半角字符读取，或已删除：{what}"))
    if len(out) > MAX_ID_NOTES:  # every id typed so: one note per spelling would bury the rest
        more = len(out) - MAX_ID_NOTES
        out = out[:MAX_ID_NOTES] + [f"另有 {more} 个单位编号的形似字符按同样方式读取 | {more} more unit ids were read "
                                    "the same way (look-alike characters folded)"]
    return out


def _total_problem(file: str, row: int, col: str, value) -> Problem:
    return Problem(file, row, col, shorten(value), "totals_row",
                   f"“{shorten(value)}”行是合计或平均行，不是一个单位：请删除该行（合计由工具计算）",
                   f"the row labelled {shorten(value)!r} is a totals or averages row, not a unit: delete it (the "
                   "toolkit computes totals itself)")


def _texts(uniques: np.ndarray, unit) -> list | None:
    """What :func:`_parse_cell` makes of each cell of an id or name column without a reference
    list (the text, None for a missing cell, or the CellError), with one NFKC pass over all the
    cells; None when the column is of another kind or holds anything but text."""
    if getattr(unit, "role", None) not in ("id", "name") or getattr(unit, "reference", None) is not None:
        return None
    if not all(isinstance(u, str) for u in uniques):
        return None
    normed = _normalise_all(list(uniques))
    if normed is not None and unit.role == "id":
        normed = _normalise_all([fold_id(t) for t in normed])  # fold_id(normalise_text(cell)), normalised again
    if normed is None:
        return None
    return [None if t in MISSING_TOKENS else _excel_error(t) if t.upper() in EXCEL_ERRORS else t for t in normed]


def _normalise_all(texts: list[str]) -> list[str] | None:
    """:func:`~toolkit.data.parsing.normalise_text` of each text, in one pass (NUL keeps them
    apart: nothing composes with it or normalises to it); None if a text holds NUL."""
    joined = "\0".join(texts)
    if joined.count("\0") != max(len(texts) - 1, 0):
        return None
    return [t.strip() for t in unicodedata.normalize("NFKC", joined).split("\0")] if texts else []


def _excel_error(text: str) -> CellError:
    return CellError("excel_error", f"单元格是 Excel 公式错误 {text}：请在 Excel 中修正公式后再提交",
                     f"the cell holds Excel's formula error {text}: fix the formula in Excel and submit again")


def _parse_cell(cell, col: str, node, unit=None) -> tuple[object, bool]:
    """One cell of column ``col``: (value, whether a unit typed in the cell was converted)."""
    if node is None:
        role = getattr(unit, "role", None)
        reference = getattr(unit, "reference", None)
        if role == "year":
            return parse_year(cell), False
        if role == "denominator":
            return parse_number(cell), False
        if role == "id" and isinstance(cell, str):
            cell = fold_id(normalise_text(cell))
        if reference == "shandong_cities.code":
            return parse_city_code(cell), False
        if is_missing(cell):
            return None, False
        text = normalise_text(cell)
        if text.upper() in EXCEL_ERRORS:
            raise _excel_error(text)
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
