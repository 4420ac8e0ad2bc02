"""One report of every problem found in an indicator return, in Chinese or English.

Reading (:mod:`toolkit.data.read`) and checking (:mod:`toolkit.data.validate`) both add :class:`Problem`
records; the caller gets them all at once, as a DataFrame inside :class:`ValidationError`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from ..errors import ToolkitError

REPORT_COLUMNS = ["file", "row", "column", "value", "rule", "message"]

#: rule code → (zh, en) title, shown in the report's `rule` column
RULES = {
    "file_unreadable": ("文件无法读取", "file cannot be read"),
    "encoding": ("文件编码无法识别", "unknown text encoding"),
    "empty_file": ("文件没有数据行", "no data rows"),
    "unknown_column": ("未知列", "unknown column"),
    "missing_column": ("缺少必填列", "required column missing"),
    "wrong_framework": ("表头与指标体系不符", "header does not match the framework"),
    "duplicate_column": ("重复列", "column given twice"),
    "header_mismatch": ("列名中编码与名称不一致", "header code and name disagree"),
    "unit_mismatch": ("单位无法换算", "unit cannot be converted"),
    "not_a_number": ("不是数字", "not a number"),
    "excel_error": ("Excel 公式错误", "Excel formula error"),
    "not_finite": ("数值超出范围（无穷大）", "number out of range (infinite)"),
    "unit_in_cell": ("单元格中带有无法换算的单位", "unit in the cell cannot be converted"),
    "sheet_ambiguous": ("无法确定数据工作表", "data sheet cannot be identified"),
    "sheet_hidden": ("数据工作表是隐藏的", "the data sheet is hidden"),
    "merged_cells": ("数据区域中有合并单元格", "merged cells among the data"),
    "multiline_field": ("字段跨行（引号未闭合）", "a field spans lines (a stray quote)"),
    "short_row": ("该行字段少于表头", "row has fewer fields than the header"),
    "totals_row": ("合计行不是单位", "a totals row is not a unit"),
    "formula_not_calculated": ("公式没有保存计算结果", "formula without a saved result"),
    "percent_not_allowed": ("非比例指标不能填百分号", "percent sign in a non-share column"),
    "required_value": ("必填项为空", "required value missing"),
    "not_integer": ("应为整数", "must be a whole number"),
    "non_negative": ("不能为负数", "must not be negative"),
    "share_range": ("比例应在0–100之间", "share must be within 0–100"),
    "rubric_level": ("等级不在评分标准范围内", "level outside the rubric"),
    "binary": ("勾选项只能为0或1", "checklist item must be 0 or 1"),
    "year_range": ("年份无效", "invalid year"),
    "city_code": ("城市代码无效（应为山东16市之一）", "invalid city code (not one of Shandong's 16 cities)"),
    "city_name": ("城市名称无效", "unknown city name"),
    "city_mismatch": ("城市名称与代码不一致", "city name and code disagree"),
    "duplicate_unit_year": ("同一单位同一年度重复填报", "unit reported twice for the same year"),
    "unit_id_variant": ("单位编号写法不一致", "unit id typed two ways"),
    "cross_field": ("指标之间的逻辑关系不成立", "cross-field rule broken"),
}


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (or one column/file when row is None).

    Examples
    --------
    Problems are what :func:`~toolkit.data.validate.check_frame` returns and what a
    :class:`ValidationError` carries; one can also be made by hand:

    >>> p = Problem("returns.csv", 7, "L1P1", -5.0, "non_negative",
    ...             "L1P1（产业规模）不能为负数：-5", "L1P1 (Industry scale) must not be negative: -5")
    >>> p.row, p.column, p.rule
    (7, 'L1P1', 'non_negative')
    """

    file: str
    row: int | None
    column: str | None
    value: object
    rule: str
    message_zh: str
    message_en: str

    def __post_init__(self):
        # a 10,000-character cell must not fill the screen: values and messages are shortened
        if isinstance(self.value, str) and len(self.value) > MAX_VALUE_CHARS:
            object.__setattr__(self, "value", _clip(self.value, MAX_VALUE_CHARS))
        for name in ("message_zh", "message_en", "column"):
            text = getattr(self, name)
            if isinstance(text, str) and len(text) > MAX_MESSAGE_CHARS:
                object.__setattr__(self, name, _clip(text, MAX_MESSAGE_CHARS))


MAX_VALUE_CHARS = 80
MAX_MESSAGE_CHARS = 400


def _clip(text: str, limit: int) -> str:
    return f"{text[:limit]}… ({len(text)} characters)"


def problems_frame(problems: list[Problem], lang: str = "en") -> pd.DataFrame:
    """The problems as a table: file, row (as numbered in the spreadsheet), column, value,
    rule, message — sorted by row then column, in ``lang`` (zh or en).

    Parameters
    ----------
    problems : list of Problem
    lang : {"en", "zh"}
        Language of the ``rule`` title and of the ``message``.

    Returns
    -------
    pandas.DataFrame
        Columns file, row (nullable Int64), column, value (text), rule, message, rule_code.

    Examples
    --------
    >>> ps = [Problem("r.csv", 9, "L2P1", "abc", "not_a_number", "不是数字：abc", "not a number: abc"),
    ...       Problem("r.csv", 4, "L1P1", -5, "non_negative", "不能为负数：-5", "must not be negative: -5")]
    >>> table = problems_frame(ps)
    >>> table["row"].tolist(), table["rule_code"].tolist()
    ([4, 9], ['non_negative', 'not_a_number'])
    >>> problems_frame(ps, "zh").loc[0, "message"]
    '不能为负数：-5'
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en, got {lang!r}")
    if not problems:
        return pd.DataFrame(columns=REPORT_COLUMNS + ["rule_code"])
    rows = []
    for p in problems:
        d = asdict(p)
        title = RULES.get(p.rule, (p.rule, p.rule))[0 if lang == "zh" else 1]
        rows.append({
            "file": d["file"], "row": d["row"], "column": d["column"],
            "value": "" if d["value"] is None else str(d["value"]),
            "rule": title, "message": d[f"message_{lang}"], "rule_code": p.rule,
        })
    out = pd.DataFrame(rows)
    out["row"] = out["row"].astype("Int64")
    out = out.sort_values(["row", "column"], na_position="first", kind="stable")
    return out.reset_index(drop=True)


class ValidationError(ToolkitError, ValueError):
    """Raised when a return has problems; carries every problem found, not only the first.

    Attributes
    ----------
    problems : list of Problem
    report : DataFrame
        The problems in English (``report_in("zh")`` for Chinese).

    Examples
    --------
    Reading a file that does not exist raises one, with one problem:

    >>> from toolkit import read_indicators
    >>> try:
    ...     read_indicators("no/such/file.csv")
    ... except ValidationError as err:
    ...     print(len(err.problems), err.problems[0].rule, err.report.loc[0, "message"])
    1 file_unreadable file not found
    """

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = list(problems)
        self.source = source
        self.report = problems_frame(self.problems, "en")
        super().__init__(self._summary())

    def report_in(self, lang: str = "en") -> pd.DataFrame:
        return problems_frame(self.problems, lang)

    def _summary(self) -> str:
        n = len(self.problems)
        head = self.report.head(20)
        lines = [f"{self.source or 'input'}: {n} problem{'s' if n != 1 else ''} found"]
        for _, r in head.iterrows():
            where = f"row {r['row']}" if pd.notna(r["row"]) else "file"
            col = f", column {r['column']}" if isinstance(r["column"], str) else ""
            val = f", value {r['value']!r}" if r["value"] != "" else ""
            lines.append(f"  {where}{col}{val}: {r['message']} [{r['rule_code']}]")
        if n > len(head):
            lines.append(f"  … and {n - len(head)} more (see .report)")
        return "\n".join(lines)
