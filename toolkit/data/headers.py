"""Headers as offices type them: a code (``L1P1``), a Chinese or English name (``产业规模``), or both
with a unit (``L1P1 产业规模（亿元）``), matched to the framework's columns (:func:`match_header`), and
the header the toolkit writes for a column (:func:`header_for`).
"""

from __future__ import annotations

import contextlib
import re
import weakref
from dataclasses import dataclass

from ..framework.model import Framework
from .parsing import normalise_text, squash, unit_factor

_CODE = re.compile(r"^(L\d+P\d+(?:_[A-Z0-9]+)?)", re.IGNORECASE)
_UNIT_SUFFIX = re.compile(r"[(\[]([^()\[\]]*)[)\]]$")


@dataclass(frozen=True)
class HeaderMatch:
    """What a header cell was understood to be."""

    header: str
    column: str | None           # canonical column: a unit column name or a leaf code
    stated_unit: str | None = None
    factor: float = 1.0
    error: tuple[str, str, str] | None = None   # (rule, zh, en)


def _unit_spellings(framework: Framework) -> dict[str, str]:
    """Squashed header spelling → unit column, for every declared unit column."""
    out: dict[str, str] = {}
    for uc in framework.unit_columns:
        zh, en = uc.label("zh"), uc.label("en")
        spellings = {*uc.spellings, f"{uc.name} {zh}", f"{zh} {en}", f"{zh}({en})"}
        for s in spellings:
            out.setdefault(squash(s), uc.name)
    return out


@dataclass(frozen=True)
class _HeaderTables:
    """What every header of a framework is matched against, built once per framework object
    (not once per header: a return has ~50 headers, each compared with ~150 spellings)."""

    unit_columns: tuple  # the framework's unit columns when these were built
    units: dict[str, str]  # squashed spelling → unit column
    leaves: dict  # code → leaf node
    codes: dict[str, str]  # upper-case code → code, every node
    by_name: dict[str, str]  # squashed zh / en name or alias → leaf code
    computed: tuple[tuple[str, str, str], ...]  # (code, upper-case code, squashed zh name) per indicator


_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _header_tables(framework: Framework) -> _HeaderTables:
    try:
        tables = _TABLES.get(framework)
    except TypeError:  # an object that cannot be weakly referenced: built every time
        tables = None
    if tables is not None and tables.unit_columns is framework.unit_columns:
        return tables
    leaves = {n.code: n for n in framework.leaves()}
    by_name: dict[str, str] = {}
    for n in leaves.values():
        for spelling in (n.name_zh, n.name_en, *n.aliases):
            by_name.setdefault(squash(spelling), n.code)
    tables = _HeaderTables(framework.unit_columns, _unit_spellings(framework), leaves,
                           {c.upper(): c for c in framework.hierarchy.index}, by_name,
                           tuple((n.Index, n.Index.upper(), squash(n.name_zh))
                                 for n in framework.indicators.itertuples()))
    with contextlib.suppress(TypeError):
        _TABLES[framework] = tables
    return tables


def _leading_code(text: str, codes: dict[str, str]) -> tuple[str | None, str]:
    """A framework code at the start of a header (``EYS``, ``EYS 预期受教育年限``, ``L1P1产业规模``)
    and the rest of the header."""
    upper = squash(text).upper()
    if upper in codes:
        return codes[upper], ""
    parts = re.split(r"[\s:：]+", text, maxsplit=1)
    if len(parts) == 2 and parts[0].upper() in codes:
        return codes[parts[0].upper()], parts[1].strip(" :：-_")
    cm = _CODE.match(text)
    if cm:
        return cm.group(1).upper(), text[cm.end():].strip(" :：-_")
    return None, text


#: header → HeaderMatch, per framework object (``collect`` reads hundreds of files with one header)
_MATCHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MATCHES_PER_FRAMEWORK = 4096


def match_header(header, framework: Framework) -> HeaderMatch:
    """Map one header cell to a canonical column, with the unit conversion it implies.

    A header may be a unit column's name, alias or label, or a node's code, name (zh or en) or
    alias, optionally with the code in front and a unit in brackets behind. Each header is
    matched once per framework object; later files with the same header reuse the match.

    >>> from toolkit.framework.loader import load_framework
    >>> match_header("gnipc", load_framework("undp_hdi")).column
    'GNI'
    """
    try:
        memo = _MATCHES.setdefault(framework, {})
    except TypeError:  # an object that cannot be weakly referenced: no memo
        return _match_header(header, framework)
    key = (type(header), header)
    try:
        return memo[key]
    except (KeyError, TypeError):
        pass
    found = _match_header(header, framework)
    if len(memo) < _MATCHES_PER_FRAMEWORK:
        with contextlib.suppress(TypeError):
            memo[key] = found
    return found


def _match_header(header, framework: Framework) -> HeaderMatch:
    raw = "" if header is None else str(header)
    text = normalise_text(raw)
    squashed = squash(text)
    tables = _header_tables(framework)
    unit_col = tables.units.get(squashed)
    if unit_col is not None:
        return HeaderMatch(raw, unit_col)
    leaves, by_name = tables.leaves, tables.by_name
    code, text = _leading_code(text, tables.codes)
    unit = None
    name_code = by_name.get(squash(text)) if text else None
    m = _UNIT_SUFFIX.search(text)
    if name_code is None and m:
        # the trailing bracket is a unit only if the whole text is not already a name
        unit = m.group(1).strip()
        text = text[: m.start()].strip()
        name_code = by_name.get(squash(text)) if text else None
    if code is None and name_code is None:
        # a computed indicator given as a column (L3P1 instead of its items) is explained
        said = squash(text)
        for ind, upper, name in tables.computed:
            if upper == said.upper() or name == said:
                kids = ", ".join(c.code for c in framework.children(ind))
                if kids:
                    return HeaderMatch(raw, None, error=(
                        "unknown_column", f"{ind} 由子项计算得出，请分别填写：{kids}",
                        f"{ind} is computed from its sub-measures; report {kids} instead"))
        return HeaderMatch(raw, None, error=(
            "unknown_column", f"无法识别的列“{raw}”，不属于指标体系", f"column {raw!r} is not part of the framework"))
    if code is not None and code not in leaves:
        if code in framework and framework.children(code):
            kids = ", ".join(c.code for c in framework.children(code))
            return HeaderMatch(raw, None, error=(
                "unknown_column", f"{code} 由子项计算得出，请分别填写：{kids}",
                f"{code} is computed from its sub-measures; report {kids} instead"))
        return HeaderMatch(raw, None, error=(
            "unknown_column", f"指标编码 {code} 不在指标体系中", f"indicator code {code} is not in the framework"))
    if code is not None and text and name_code is not None and name_code != code:
        return HeaderMatch(raw, None, error=(
            "header_mismatch", f"列名编码 {code} 与名称“{text}”（{name_code}）不一致",
            f"header code {code} does not match the name {text!r} ({name_code})"))
    target = code or name_code
    node = leaves[target]
    if unit:
        measured = node.measured_unit or node.unit
        factor = unit_factor(unit, measured)
        if factor is None:
            return HeaderMatch(raw, None, error=(
                "unit_mismatch", f"列名单位“{unit}”无法换算为 {target} 的单位“{measured}”",
                f"header unit {unit!r} cannot be converted to {target}'s unit {measured!r}"))
        return HeaderMatch(raw, target, unit, factor)
    return HeaderMatch(raw, target)


def header_for(column: str, framework: Framework, lang: str = "zh") -> str:
    """The header the toolkit writes for a column: ``L1P1 产业规模（亿元）`` or ``year 年份``.

    :func:`match_header` reads every header this function writes.
    """
    if column in {uc.name for uc in framework.unit_columns}:
        label = framework.unit_column(column).label(lang)
        return column if label == column else f"{column} {label}"
    node = framework.node(column)
    name = node.name_zh if lang == "zh" else node.name_en
    unit = node.measured_unit or node.unit
    if node.type in ("amount", "signed", "count", "share", "ratio") and unit and unit != "/":
        return f"{column} {name}（{unit}）" if lang == "zh" else f"{column} {name} ({unit})"
    return f"{column} {name}"
