"""Reading indicator returns (CSV in UTF-8/BOM/GBK/GB18030, or XLSX) into checked, typed data.

Raw files are only ever opened for reading, by :mod:`toolkit.data.sources`; the cells are typed
by :mod:`toolkit.data.interpret` and checked by :mod:`toolkit.data.validate`. :func:`read_indicators`
collects every problem — headers, cells, schema, cross-field rules — and raises one
:class:`ValidationError` carrying them all, or returns an :class:`IndicatorData`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..framework.loader import load_framework
from ..framework.model import Framework
from .headers import match_header
from .interpret import interpret
from .parsing import shorten
from .problems import Problem, ValidationError
from .sources import NOTE_FIRST_CELLS, RawTable, is_note_row, read_raw

__all__ = ["IndicatorData", "interpret", "is_note_row", "read_indicators", "read_raw"]


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
    rows : tuple of int
        The spreadsheet row number of each row of ``table`` (empty when not read from a return).

    Examples
    --------
    :func:`read_indicators` returns one (here the synthetic demo, 50 brains × 5 years):

    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> data.table.shape, data.years, data.is_synthetic
    ((250, 53), [2021, 2022, 2023, 2024, 2025], True)
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
    rows: tuple[int, ...] = ()

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
        """Unit descriptors (name, groups, denominators…), indexed like :meth:`values`.

        Denominator columns come back as numbers; every other column — groups, names and
        attributes such as a published value (``hdi_published``, ``hdi_rank_2022``) — as
        **text**, as read: convert with ``data.units()["hdi_published"].astype(float)`` where a
        number is needed."""
        t = self.table if year is None else self.table[self.table["year"] == year]
        idx = "unit_id" if year is not None else ["unit_id", "year"]
        return t.set_index(idx)[[c for c in self.unit_columns if c not in ("unit_id", "year")]]


def read_indicators(path: str | Path, framework: Framework | str | Path | None = None, *,
                    wide: str | dict | None = None) -> IndicatorData:
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
    wide : str or dict, optional
        A wide file, one column per indicator and year: the column pattern (``"{code}_{year}"``)
        or ``{"pattern": …, "other": "ignore"}`` (:mod:`toolkit.data.wide`). Default: the
        framework's ``wide:`` entry, if any; else the file is long (one row per unit and year).

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
    (True, [2021, 2022, 2023, 2024, 2025], (50, 46))
    """
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    from .columnar import read_columnar
    from .template import label_first_cells

    # the template's label rows are notes, recognised by their exact first cells for this framework
    wide = fw.meta.get("wide") if wide is None else ({"pattern": wide} if isinstance(wide, str) else wide)
    try:  # a long CSV without quotes is read column by column (toolkit.data.columnar)
        raw = read_raw(path, NOTE_FIRST_CELLS | label_first_cells(fw), columnar=None if wide else read_columnar)
    except ValidationError as err:
        raise _coded(err, fw) from None
    file = str(path)
    sheet_problems = _sheet_problems(raw, fw, file)  # named by the columns as the file has them
    if wide:  # one column per indicator and year (toolkit.data.wide)
        from .wide import melt_raw

        wide_header, raw = raw.header, melt_raw(raw, fw, **wide)
        long_raw = raw
    changes: list[str] = []
    df, problems, skip, conversions = interpret(raw, fw, changes)
    problems = sheet_problems + problems
    notes = raw.notes + tuple(changes)
    del raw  # the cells as typed are no longer needed: free them before the checks
    if df is not None:
        # pandera comes with the checks, imported when a file is read: a process that only loads
        # IndicatorData (a studio kernel unpickling the server's checked copy, a report's kernel)
        # does not pay its quarter of a CPU-second (issue 25)
        from .validate import check_frame

        problems += check_frame(df, fw, file, skip)
    if problems and wide:  # named by the wide file's own columns (employ_2010, not employ)
        from .wide import name_wide_cells

        problems = name_wide_cells(problems, long_raw, wide_header, fw, wide.get("pattern", "{code}_{year}"))
    if problems:
        raise ValidationError(problems, file)
    rows = tuple(df.index.tolist())
    table = fw.rollup_raw(df.reset_index(drop=True))
    table["year"] = table["year"].astype(int)
    return IndicatorData(table, fw, file, hashlib.sha256(Path(path).read_bytes()).hexdigest(),
                         conversions, notes, rows)


def _coded(err: ValidationError, fw: Framework) -> ValidationError:
    """The same problems, each column named by its code (``L1P1``) when its header is the framework's."""
    problems = []
    for p in err.problems:
        m = match_header(p.column, fw) if isinstance(p.column, str) else None
        column = m.column if m is not None and m.column else p.column
        problems.append(Problem(p.file, p.row, column, p.value, p.rule, p.message_zh, p.message_en))
    return ValidationError(problems, err.source)


def _sheet_problems(raw: RawTable, fw: Framework, file: str) -> list[Problem]:
    """(XLSX) formulas without a saved result — then nothing else is worth reporting until the
    workbook has been calculated — and merged cells among the data."""
    if not raw.formulas and not raw.merged:
        return []
    matches = [match_header(h, fw) for h in raw.header]
    if raw.formulas:
        raise ValidationError([_formula_problem(file, r, c, f, matches) for r, c, f in raw.formulas], file)
    return [_merged_problem(file, ref, r, c, matches) for ref, r, c in raw.merged]


def _formula_problem(file: str, row: int, c: int, formula: str, matches) -> Problem:
    from openpyxl.utils import get_column_letter

    ref = f"{get_column_letter(c + 1)}{row}"
    column = (matches[c].column or matches[c].header) if c < len(matches) else None
    return Problem(file, row, column or get_column_letter(c + 1), shorten(formula), "formula_not_calculated",
                   f"单元格 {ref} 是公式（{shorten(formula, 40)}），但文件中没有保存计算结果：请用 Excel 打开并保存该文件后再提交",
                   f"cell {ref} holds a formula ({shorten(formula, 40)}) with no saved result: open the file in Excel "
                   "and save it, then submit it again")


def _merged_problem(file: str, ref: str, row: int, c: int, matches) -> Problem:
    column = (matches[c - 1].column or matches[c - 1].header) if c - 1 < len(matches) else None
    return Problem(file, row, column or ref.split(":")[0], ref, "merged_cells",
                   f"单元格 {ref} 是合并单元格：合并后 Excel 只保留左上角单元格的值。请取消合并，并在每个单元格中填写各自的值",
                   f"cells {ref} are merged, and Excel keeps only the top-left cell's value: unmerge them and type "
                   "each cell's own value")
