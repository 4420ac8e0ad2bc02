"""The problem report of a return as an .xlsx file (``validate --out problems.xlsx``): one row per
problem, with the Excel column letter and cell of each, so an office can find it in its file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .xlsx import write_sheets

__all__ = ["header_letters", "problem_sheet", "write_problems"]


def header_letters(source: str | Path) -> dict[str, str]:
    """Excel column letter of each column of a return, keyed by its code (a header such as
    ``L1P2 产业布局（个）`` belongs to code ``L1P2``) and by its full header text.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text("unit_id 单位编号,year 年份,L1P2 产业布局（个）\\n", encoding="utf-8")
    >>> header_letters(p)["L1P2"]
    'C'
    """
    import csv

    from openpyxl.utils import get_column_letter

    source = Path(source)
    header: list = []
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(source, read_only=True, data_only=True)
        for row in wb.worksheets[0].iter_rows(max_row=20, values_only=True):
            if any(str(v or "").startswith("unit_id") for v in row):
                header = list(row)
                break
        wb.close()
    else:
        with open(source, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    out = {}
    for j, h in enumerate(header, start=1):
        if h is None or str(h).strip() == "":
            continue
        letter = get_column_letter(j)
        out[str(h)] = letter
        out.setdefault(str(h).split()[0], letter)
    return out


def problem_sheet(err, lang: str = "zh") -> pd.DataFrame:
    """The problems of a :class:`~toolkit.data.problems.ValidationError` with the Excel column
    letter of each problem's column, so an office can find the cell (e.g. ``C5``)."""
    table = err.report_in(lang).drop(columns=["rule_code"])
    try:
        letters = header_letters(err.source)
    except Exception:  # noqa: BLE001 - the letters only help; a file the reader refused may be anything
        letters = {}
    col = table["column"].astype(object)
    letter = [letters.get(str(c), "") if c == c and c is not None else "" for c in col]
    cell = [f"{x}{int(r)}" if x and pd.notna(r) else "" for x, r in zip(letter, table["row"], strict=True)]
    names = {"zh": ["文件", "行", "列（代码）", "值", "规则", "说明"], "en": ["File", "Row", "Column (code)", "Value",
                                                                      "Rule", "Message"]}[lang]
    table = table.rename(columns=dict(zip(["file", "row", "column", "value", "rule", "message"], names, strict=True)))
    table.insert(2, "Excel 列" if lang == "zh" else "Excel column", letter)
    table.insert(3, "单元格" if lang == "zh" else "Cell", cell)
    table[names[1]] = table[names[1]].astype(object).where(table[names[1]].notna(), None)
    return table


def write_problems(err, path: str | Path, lang: str = "zh") -> Path:
    """Write a validation error's problem report to ``path`` (.xlsx), one row per problem.

    Parameters
    ----------
    err : ValidationError
    path : the .xlsx file to write
    lang : "zh" or "en"

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> from toolkit.data.problems import Problem, ValidationError
    >>> p = Problem("r.csv", 4, "L1P1", "abc", "not_a_number", "不是数字", "not a number")
    >>> err = ValidationError([p], "r.csv")
    >>> path = write_problems(err, Path(tempfile.mkdtemp()) / "problems.xlsx", lang="en")
    >>> openpyxl.load_workbook(path).sheetnames
    ['Problems']
    """
    from ..publish.guard import protected_inputs

    title = "校验问题" if lang == "zh" else "Problems"
    with protected_inputs(getattr(err, "source", None)):  # the return checked is never overwritten by its report
        return write_sheets({title: (problem_sheet(err, lang), {})}, path)
