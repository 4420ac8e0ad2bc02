"""Understanding cells as local offices type them (headers: :mod:`toolkit.data.headers`).

Cells may hold thousands separators, full-width digits, ``12%`` and
stray spaces; a fixed list of tokens means "missing"; anything else that is not a number is an
error, never a silent NaN.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

#: the Shandong framework's unit columns and their header spellings (the framework file now
#: declares these under ``unit_columns``; kept for the demo generator and older callers)
UNIT_COLUMNS = {
    "unit_id": ("unit_id", "id", "编号", "单位编号", "大脑编号", "产业大脑编号", "unit id"),
    "brain_name": ("brain_name", "brain name", "name", "产业大脑名称", "大脑名称", "名称", "项目名称"),
    "city": ("city", "城市", "所在城市", "地市", "所在地市", "市"),
    "city_code": ("city_code", "city code", "城市代码", "城市编码", "行政区划代码", "区划代码"),
    "county": ("county", "county/district", "区县", "所在区县", "县（市、区）", "县(市、区)", "县市区"),
    "industry": ("industry", "产业", "行业", "所属行业", "所属产业", "产业领域"),
    "year": ("year", "年份", "年度", "评价年度", "填报年度"),
}
UNIT_LABELS = {
    "unit_id": ("单位编号", "Unit ID"), "brain_name": ("产业大脑名称", "Brain name"),
    "city": ("城市", "City"), "city_code": ("城市代码", "City code (GB/T 2260)"),
    "county": ("区县", "County/district"), "industry": ("产业", "Industry"), "year": ("年份", "Year"),
}
#: cell contents that mean "missing" (compared after NFKC normalisation and trimming)
MISSING_TOKENS = frozenset({"", "—", "——", "-", "--", "–", "－", "N/A", "n/a", "NA", "#N/A", "无", "暂无", "nan"})
#: the error values Excel shows when a formula fails; in a text column they are an error, never a value
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
_TRUE = frozenset({"1", "是", "有", "√", "✓", "✔", "y", "yes", "true"})
_FALSE = frozenset({"0", "否", "×", "✗", "✘", "n", "no", "false"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$", re.IGNORECASE)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SPACE_GROUPED = re.compile(r"^[+-]?\d{1,3}( \d{3})+(\.\d*)?$")  # 1 215 (one space per group)
#: a number followed by a unit typed into the cell: 1,296亿元, 1,200 万元, 3.5 PB
_NUMBER_WITH_UNIT = re.compile(r"^([+-]?[\d.,]+(?:e[+-]?\d+)?)\s*([^\d\s.,+-][^\d]*)$", re.IGNORECASE)
MAX_SHOWN = 60  # characters of a cell value shown in a message


class CellError(ValueError):
    """A cell that cannot be read; ``rule`` is a key of :data:`toolkit.report.RULES`."""

    def __init__(self, rule: str, zh: str, en: str):
        super().__init__(en)
        self.rule, self.zh, self.en = rule, zh, en


def normalise_text(value) -> str:
    """NFKC-normalise (full-width → ASCII digits, %, parentheses, commas) and trim."""
    return unicodedata.normalize("NFKC", str(value)).strip()


#: what a totals or averages row says in its id or name cell (compared squashed: NFKC, no spaces, case-folded)
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "总和", "共计", "全省合计", "平均", "平均值", "均值", "total", "totals",
                          "subtotal", "grandtotal", "sum", "average", "mean"})


def is_total_label(value) -> bool:
    """True for the label of a totals or averages row (``合计``, ``总 计``, ``Total``).

    >>> is_total_label("合 计"), is_total_label("Grand Total"), is_total_label("济南合计产业大脑")
    (True, True, False)
    """
    return isinstance(value, str) and squash(value).rstrip(":：") in TOTAL_LABELS


def total_labels(values) -> list[bool]:
    """:func:`is_total_label` of each value, with one normalisation pass over all of them (a
    100,000-row return has 100,000 ids and names to look at).

    >>> total_labels(["合 计", None, "SD-B001", "Grand Total", "平均："])
    [True, False, False, True, True]
    """
    texts = [v if isinstance(v, str) else "" for v in values]
    joined = "\0".join(texts)
    if joined.count("\0") != max(len(texts) - 1, 0):  # a value holding NUL itself: one by one
        return [is_total_label(v) for v in values]
    # NUL is a starter no character composes with or normalises to, and not whitespace: the
    # values stay apart through NFKC, the removal of whitespace and lower-casing
    squashed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", joined)).lower().split("\0")
    return [isinstance(v, str) and t.rstrip(":：") in TOTAL_LABELS for v, t in zip(values, squashed, strict=True)]


#: characters that are not dashes (category Pd) yet are typed or autocorrected for one: minus signs
MINUS_SIGNS = frozenset("\u2212\u2796\u02d7\u207b\u208b\u2043")


def fold_id(text: str) -> str:
    """An identifier as ids are matched: every Unicode dash (category Pd: hyphen U+2010, en dash,
    em dash …) and minus sign (U+2212 …) becomes ``-``, and format characters (category Cf:
    zero-width space, word joiner, soft hyphen, byte-order mark …) are dropped. Width and
    case are left to :func:`normalise_text` and the id-variant check.

    Examples
    --------
    >>> fold_id("SD\u2013B001"), fold_id("SD\u2212B001"), fold_id("SD-\u200bB001"), fold_id("SD-B\u2060001")
    ('SD-B001', 'SD-B001', 'SD-B001', 'SD-B001')
    >>> fold_id("SD-B001")
    'SD-B001'
    """
    if text.isascii():
        return text
    return "".join("-" if ch in MINUS_SIGNS or unicodedata.category(ch) == "Pd" else ch
                   for ch in text if unicodedata.category(ch) != "Cf")


def folded_chars(text: str) -> str:
    """The characters :func:`fold_id` changes in ``text``, named (for a note).

    >>> folded_chars("SD\u2013B\u200b001")
    'U+2013 EN DASH, U+200B ZERO WIDTH SPACE'
    """
    seen = dict.fromkeys(ch for ch in text if ch in MINUS_SIGNS or unicodedata.category(ch) in ("Pd", "Cf")
                         and ch != "-")
    return ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in seen)


def squash(text: str) -> str:
    """``text`` normalised (:func:`normalise_text`), without whitespace and in lower case: how headers and
    labels are compared."""
    return re.sub(r"\s+", "", normalise_text(text)).lower()


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and normalise_text(value) in MISSING_TOKENS


def shorten(value, limit: int = MAX_SHOWN) -> str:
    """A cell value as shown in a message: at most ``limit`` characters, with a marker saying
    how long it really was.

    >>> shorten("x" * 10_000)[-24:]
    'xxxx… (10000 characters)'
    >>> shorten("12 15")
    '12 15'
    """
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def parse_number(value, *, allow_percent: bool = False) -> float | None:
    """Read one cell as a float; ``None`` for missing. Raises :class:`CellError` otherwise.

    A space separates thousands only in valid groups of three (``1 215``); ``12 15`` is an
    error, not 1215. A value too large for a float (``1e309``) is an error, not infinity.

    >>> parse_number(" １２,３４５.６ ")
    12345.6
    >>> parse_number("12%", allow_percent=True)
    12.0
    >>> parse_number("1 215")
    1215.0
    """
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise CellError("not_a_number", "应填写数字", "expected a number")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        # Excel stores a number; the cell's date format made it a date. Whether the office meant
        # the date or the number underneath cannot be known, so neither is guessed.
        shown = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)
        raise CellError("not_a_number", f"单元格是日期或时间格式（显示为 {shown}），不是数字：请将单元格格式设为“常规”或“数值”后重新填写",
                        f"the cell is formatted as a date or time (shows {shown}), not a number: "
                        "format it as General or Number and type the value again")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise CellError("not_finite", f"“{shorten(value)}”超出可表示的数值范围",
                            f"{shorten(value)!r} is too large to be a number")
        return number
    shown = shorten(value)
    text = re.sub(r"\s+", " ", normalise_text(value))
    percent = text.endswith("%")
    if percent:
        if not allow_percent:
            raise CellError("percent_not_allowed", "该指标不是比例，不能带%", "this indicator is not a share; drop the %")
        text = text[:-1].strip()
    if " " in text:
        if not _SPACE_GROUPED.match(text):
            raise CellError("not_a_number", f"“{shown}”不是有效数字（空格只能用作千位分隔，如 1 215）",
                            f"{shown!r} is not a number (a space may only separate groups of three digits, as in 1 215)")
        text = text.replace(" ", "")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise CellError("not_a_number", f"“{shown}”不是有效数字", f"{shown!r} is not a number")
    number = float(text)
    if not math.isfinite(number):
        raise CellError("not_finite", f"“{shown}”超出可表示的数值范围", f"{shown!r} is too large to be a number")
    return number


def parse_amount(value, node, *, allow_percent: bool = False) -> tuple[float | None, bool]:
    """Read a number cell of ``node``, accepting a unit typed into the cell when the unit is
    one the framework's unit converts to ``node``'s (``1,296亿元`` or ``1,200 万元`` in a column
    in 亿元). Returns ``(value in node's unit, True if a unit in the cell was converted)``.

    A unit that cannot be converted is an error asking to remove it, naming the indicator.

    >>> from toolkit.framework.loader import load_framework
    >>> node = load_framework().node("L1P1")
    >>> parse_amount("1,296亿元", node)
    (1296.0, True)
    >>> round(parse_amount("1,200 万元", node)[0], 6)
    0.12
    """
    try:
        return parse_number(value, allow_percent=allow_percent), False
    except CellError as err:
        if err.rule != "not_a_number" or not isinstance(value, str):
            raise
        m = _NUMBER_WITH_UNIT.match(re.sub(r"\s+", " ", normalise_text(value)))
        target = getattr(node, "measured_unit", None) or getattr(node, "unit", None)
        if not m:
            raise
        unit = m.group(2).strip()
        factor = unit_factor(unit, target) if target and target != "/" else None
        if factor is None:
            zh_name, en_name = getattr(node, "name_zh", ""), getattr(node, "name_en", "")
            raise CellError("unit_in_cell",
                            f"删除单位，只填数字：{node.code}（{zh_name}）的单位是“{target}”，"
                            f"单元格中的“{shorten(unit, 20)}”无法换算",
                            f"remove the unit, enter the number only: {node.code} ({en_name}) is in "
                            f"{target!r}, and {shorten(unit, 20)!r} in the cell cannot be converted") from None
        number = parse_number(m.group(1))
        return (None if number is None else number * factor), True


def parse_binary(value) -> float | None:
    """A checklist tick: 1/0, 是/否, √/×, yes/no …; ``None`` for missing."""
    if is_missing(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)  # range is checked by the schema, so 2 is reported, not guessed
    key = normalise_text(value).lower()
    if key in _TRUE:
        return 1.0
    if key in _FALSE:
        return 0.0
    return parse_number(value)


def parse_level(value) -> float | None:
    """A rubric level: a number, optionally followed by 级 (``2级``)."""
    if isinstance(value, str):
        value = normalise_text(value).removesuffix("级")
    return parse_number(value)


def parse_year(value) -> int | None:
    """A year such as 2024, 2024.0, "2024" or "2024年"."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        value = normalise_text(value).removesuffix("年度").removesuffix("年")
    number = parse_number(value)
    if number is None or number != int(number):
        raise CellError("year_range", f"“{value}”不是年份", f"{value!r} is not a year")
    return int(number)


def parse_city_code(value) -> str | None:
    """A GB/T 2260 code as a 6-character string (Excel often stores it as a number)."""
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_text(value)


# -- units ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _unit_tables() -> tuple[dict[str, tuple[str, float]], dict[str, str]]:
    doc = yaml.safe_load((resources.files("toolkit") / "reference" / "units.yaml").read_text("utf-8"))
    factor = {u: (fam, float(f)) for fam, units in doc["families"].items() for u, f in units.items()}
    return factor, {normalise_text(k): v for k, v in doc["aliases"].items()}


def canonical_unit(unit: str) -> str:
    text = normalise_text(unit)
    return _unit_tables()[1].get(text, text)


def unit_factor(stated: str, target: str) -> float | None:
    """Factor that turns a value in ``stated`` units into ``target`` units, or None if they
    are not units of the same quantity. Identical units give 1."""
    stated, target = canonical_unit(stated), canonical_unit(target)
    if stated == target:
        return 1.0
    table = _unit_tables()[0]
    if stated in table and target in table and table[stated][0] == table[target][0]:
        return table[stated][1] / table[target][1]
    return None
