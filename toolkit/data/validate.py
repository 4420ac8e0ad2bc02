"""A pandera schema derived from a framework, and the problems it finds.

The schema is built from the framework file, not written by hand: every data column gets the
checks its measurement type implies (amounts ≥ 0; counts whole and ≥ 0; shares within 0–100;
rubric levels in the rubric; checklist items 0/1), the unit columns get theirs (required
values, a valid Shandong city code, a plausible year), and the frame gets the cross-field rules
of the framework's ``constraints`` plus uniqueness of (unit, year). Running it lazily collects
every failure; :func:`check_frame` turns them into :class:`~toolkit.report.Problem` records
that name the spreadsheet row, the column, the value and the rule.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from ..framework.geo import cities
from ..framework.model import Framework
from ..framework.units import year_range
from .parsing import fold_id, shorten
from .problems import Problem
from .schema_pass import PANDERA_EXTRAS, failing_part, pa, schema_check, without_modules


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _column_checks(node) -> list[pa.Check]:
    """Checks for one data column, named by rule code so failures translate to messages."""
    def ok(fn):
        return lambda s: s.isna() | fn(s)

    t = node.type
    checks = [schema_check(ok(lambda s: s >= 0), name="non_negative")] if t in ("amount", "count", "ratio") else []
    if t == "count":
        checks.append(schema_check(ok(lambda s: np.isclose(s, np.round(s))), name="not_integer"))
    elif t == "share":
        checks.append(schema_check(ok(lambda s: (s >= 0) & (s <= 100)), name="share_range"))
    elif t == "ordinal":
        allowed = [lv[0] for lv in node.rubric]
        checks.append(schema_check(ok(lambda s: s.isin(allowed)), name="rubric_level"))
    elif t == "binary":
        checks.append(schema_check(ok(lambda s: s.isin([0, 1])), name="binary"))
    if node.min is not None:
        checks.append(schema_check(ok(lambda s, lo=node.min: s >= lo), name="below_min"))
    if node.max is not None:
        checks.append(schema_check(ok(lambda s, hi=node.max: s <= hi), name="above_max"))
    return checks


def _unit_checks(uc, years: tuple[int, int]) -> list[pa.Check]:
    """Checks for one declared unit column (required, reference set, fixed values, year)."""
    checks = []
    if uc.required:
        checks.append(schema_check(lambda s: s.notna(), name="required_value"))
    if uc.reference == "shandong_cities.code":
        valid_codes = list(cities().index)
        checks.append(schema_check(lambda s: s.isna() | s.isin(valid_codes), name="city_code"))
    if uc.reference == "shandong_cities.zh":
        valid_names = list(cities()["zh"])
        checks.append(schema_check(lambda s: s.isna() | s.isin(valid_names), name="city_name"))
    if uc.values is not None:
        allowed = list(uc.values)
        checks.append(schema_check(lambda s: s.isna() | s.astype(str).isin(allowed), name=f"unit_value:{uc.name}"))
    if uc.role == "year":
        checks.append(schema_check(lambda s: s.isna() | s.between(*years), name="year_range"))
    return checks


def build_schema(framework: Framework) -> pa.DataFrameSchema:
    """The pandera schema of a typed return (one row per unit and year).

    Parameters
    ----------
    framework : Framework
        Gives the data columns (its leaves), their measurement types and the cross-field rules.

    Returns
    -------
    pandera.DataFrameSchema
        Strict schema: the unit columns plus one float column per leaf, with frame-wide checks
        (unique unit and year, city matches code, the framework's constraints).

    Examples
    --------
    >>> from toolkit import load_framework
    >>> schema = build_schema(load_framework())
    >>> len(schema.columns)  # 7 unit columns + 45 data columns
    52
    >>> schema.strict
    True
    """
    with without_modules(PANDERA_EXTRAS):  # pandera looks for geopandas' dtype here
        cols: dict[str, pa.Column] = {}
        for uc in framework.unit_columns:
            # text columns: pandas 2 object or pandas 3 str
            dtype = "Int64" if uc.role == "year" else float if uc.role == "denominator" else None
            cols[uc.name] = pa.Column(dtype, _unit_checks(uc, year_range(framework.unit_columns)), nullable=True,
                                      coerce=False)
        for node in framework.leaves():
            cols[node.code] = pa.Column(float, _column_checks(node), nullable=True)
        frame_checks = [schema_check(_unique_unit_year, name="duplicate_unit_year")]
        if "city_matches_code" in framework.unit_rules:
            frame_checks.append(schema_check(_city_matches_code, name="city_mismatch"))
        for i, con in enumerate(framework.constraints):
            left, right = con["left"], con["right"]
            frame_checks.append(schema_check(
                lambda d, a=left, b=right: d[a].isna() | d[b].isna() | (d[a] <= d[b] + 1e-9),
                name=f"cross_field:{i}"))
        return pa.DataFrameSchema(cols, checks=frame_checks, strict=True, ordered=False)


#: framework object → (its unit columns then, its schema): ``collect`` checks hundreds of files against one
#: framework, and building the schema was a tenth of reading a small return
_SCHEMAS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _schema(framework: Framework) -> pa.DataFrameSchema:
    """:func:`build_schema`, built once per framework object (a schema is not changed by validating)."""
    try:
        kept = _SCHEMAS.get(framework)
    except TypeError:  # an object that cannot be weakly referenced: built every time
        return build_schema(framework)
    if kept is not None and kept[0] is framework.unit_columns:
        return kept[1]
    schema = build_schema(framework)
    _SCHEMAS[framework] = (framework.unit_columns, schema)
    return schema


def id_variants(df: pd.DataFrame, file: str) -> list[Problem]:
    """Unit ids typed two ways: equal once case, character width (全角/半角), spaces and
    look-alike dashes (:func:`~toolkit.data.parsing.fold_id`) are ignored, yet not equal as typed (``SD-B001`` and ``sd-b001``, ``ＳＤ-B001``). Whether they are
    one unit or two cannot be known from the file, so each later spelling is a problem that
    names its row and the first spelling's row; nothing is merged or renamed.

    Parameters
    ----------
    df : pandas.DataFrame
        With a ``unit_id`` column; index = spreadsheet row number.
    file : str
        File name written into each problem.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> d = pd.DataFrame({"unit_id": ["SD-B001", "SD-B002", "sd-b001", "SD-B001"]}, index=[3, 4, 5, 6])
    >>> [(p.row, p.value) for p in id_variants(d, "r.csv")]
    [(5, 'sd-b001 / SD-B001')]
    """

    if "unit_id" not in df:
        return []
    ids = df["unit_id"].dropna().astype(str)
    codes, spellings = pd.factorize(ids.to_numpy(dtype=object))
    # each distinct spelling folded once; a key whose rows show one spelling has no problem
    keys = _id_keys(list(spellings))
    key_codes, _ = pd.factorize(np.asarray(keys, dtype=object))
    per_row_key = key_codes[codes] if len(codes) else np.empty(0, dtype=int)
    if len(pd.unique(key_codes)) == len(spellings):
        return []
    first = pd.Series(np.arange(len(codes))).groupby(per_row_key).transform("first").to_numpy()
    rows = ids.index.to_numpy()
    out = []
    for i in np.nonzero(codes != codes[first])[0]:
        uid, spelling, at = spellings[codes[i]], spellings[codes[first[i]]], rows[first[i]]
        a, b = shorten(uid), shorten(spelling)
        out.append(Problem(file, int(rows[i]), "unit_id", f"{a} / {b}", "unit_id_variant",
                           f"单位编号“{a}”与第 {at} 行的“{b}”仅大小写、全半角或空格不同：请在各行填写完全相同的编号",
                           f"unit id {a!r} differs from {b!r} (row {at}) only in case, width or spaces: "
                           "type the id the same way in every row"))
    return out


def _id_keys(ids: list[str]) -> list[str]:
    """Each id as :func:`id_variants` compares them (NFKC, look-alike dashes folded, case-folded,
    spaces dropped), with one NFKC and one case-folding pass over all of them (NUL keeps them
    apart: nothing composes with it, normalises or folds to it)."""
    import unicodedata

    joined = "\0".join(ids)
    if joined.count("\0") != max(len(ids) - 1, 0):
        return [fold_id(unicodedata.normalize("NFKC", u)).casefold().replace(" ", "") for u in ids]
    folded = "\0".join(map(fold_id, unicodedata.normalize("NFKC", joined).split("\0")))
    return folded.casefold().replace(" ", "").split("\0") if ids else []


def _unique_unit_year(d: pd.DataFrame) -> pd.Series:
    keyed = d["unit_id"].notna() & d["year"].notna()
    return ~(d.duplicated(["unit_id", "year"], keep="first") & keyed)


def _city_matches_code(d: pd.DataFrame) -> pd.Series:
    name_of = cities()["zh"]
    expected = d["city_code"].map(name_of)
    return d["city"].isna() | expected.isna() | (expected == d["city"])


def check_frame(df: pd.DataFrame, framework: Framework, file: str, skip: set[tuple[int, str]] = frozenset()
                ) -> list[Problem]:
    """Run the schema on a typed frame whose index is the spreadsheet row number.

    ``skip`` holds (row, column) cells already reported while reading, so a cell that could
    not be parsed is not reported again as missing.

    Parameters
    ----------
    df : pandas.DataFrame
        Unit columns and the framework's leaves, typed; index = spreadsheet row number.
    framework : Framework
    file : str
        File name written into each problem.
    skip : set of (int, str)
        Cells not to report again.

    Returns
    -------
    list of Problem
        Every problem found (empty when the frame passes).

    Examples
    --------
    >>> from toolkit import load_framework, read_indicators
    >>> fw = load_framework()
    >>> data = read_indicators("data/raw/demo_synthetic_returns.csv")
    >>> typed = data.table[[c.name for c in fw.unit_columns] + fw.columns].head(3).copy()
    >>> typed.index = typed.index + 3  # rows 3-5 of the spreadsheet
    >>> check_frame(typed, fw, "returns.csv")
    []
    >>> typed.loc[3, "L1P1"] = -5.0
    >>> sorted((p.row, p.column, p.rule) for p in check_frame(typed, fw, "returns.csv"))
    [(3, 'L1P1', 'non_negative'), (3, 'L1P9', 'cross_field')]
    """
    problems: list[Problem] = []
    # a value too large for a float (1e309, or 1e305 亿元 once converted) is never a number
    infinite = {c: np.nonzero(np.isinf(df[c].to_numpy(dtype=float)))[0] for c in framework.columns if c in df.columns}
    infinite = {c: rows for c, rows in infinite.items() if len(rows)}
    if infinite:
        df = df.copy()
        skip = set(skip)
        for column, rows in infinite.items():
            for i in rows:
                row = df.index[i]
                if (row, column) not in skip:
                    value = df.iat[i, df.columns.get_loc(column)]
                    problems.append(_cell_problem(file, int(row), column, value, "not_finite", framework))
                    skip.add((row, column))
                df.iat[i, df.columns.get_loc(column)] = np.nan
    problems += id_variants(df, file)
    schema = _schema(framework)
    part = failing_part(df, schema)
    if part is None:  # the usual case, a valid return: nothing for pandera to report
        return problems
    try:
        # pandera registers its checks at the first validation (and imports its extras then)
        with without_modules(PANDERA_EXTRAS):
            part.validate(df, lazy=True, inplace=True)  # nothing is coerced: no copy of the frame needed
        return problems
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    seen: set[tuple] = set()
    for case in cases.itertuples(index=False):
        check = str(case.check)
        row = None if pd.isna(case.index) else int(case.index)
        column = None if pd.isna(case.column) else str(case.column)
        if check.startswith("cross_field:"):
            con = framework.constraints[int(check.split(":")[1])]
            key = (check, row)
            if key in seen:
                continue
            seen.add(key)
            a, b = df.at[row, con["left"]], df.at[row, con["right"]]
            problems.append(Problem(
                file, row, con["left"], f"{_fmt(a)} > {_fmt(b)}", "cross_field",
                f"{con['zh']}：{con['left']}={_fmt(a)}，{con['right']}={_fmt(b)}",
                f"{con['en']}: {con['left']}={_fmt(a)}, {con['right']}={_fmt(b)}"))
            continue
        if check == "duplicate_unit_year":
            key = (check, row)
            if key in seen or row is None:
                continue
            seen.add(key)
            uid, year = df.at[row, "unit_id"], df.at[row, "year"]
            first = df.index[(df["unit_id"] == uid) & (df["year"] == year)][0]
            problems.append(Problem(
                file, row, "unit_id", f"{uid} / {year}", "duplicate_unit_year",
                f"单位 {uid} 的 {year} 年度数据重复（首次出现在第 {first} 行）",
                f"unit {uid} is reported twice for {year} (first at row {first})"))
            continue
        if check == "city_mismatch":
            key = (check, row)
            if key in seen:
                continue
            seen.add(key)
            name, code = shorten(df.at[row, "city"]), shorten(df.at[row, "city_code"])
            problems.append(Problem(
                file, row, "city", f"{name} / {code}", "city_mismatch",
                f"城市“{name}”与代码 {code}（{cities()['zh'].get(code)}）不一致",
                f"city {name!r} does not match code {code} ({cities()['en'].get(code)})"))
            continue
        if column is None or (row, column) in skip:
            continue
        value = case.failure_case
        if check.startswith("unit_value:"):
            allowed = framework.unit_column(column).values
            v = _fmt(value)
            problems.append(Problem(file, row, column, v, "unit_value",
                                    f"{column} 的取值“{v}”不在允许的取值 {list(allowed)} 之中",
                                    f"{column} {v!r} is not one of the allowed values {list(allowed)}"))
            continue
        problems.append(_cell_problem(file, row, column, value, check, framework))
    return problems


# rule → (zh, en) message templates; {c} column, {n}/{ne} its zh/en name, {v} value, {lv} levels
_MESSAGES = {
    "required_value": ("{c} 为必填项", "{c} is required"),
    "not_finite": ("{c}（{n}）超出可表示的数值范围：{v}", "{c} ({ne}) is too large to be a number: {v}"),
    "non_negative": ("{c}（{n}）不能为负数：{v}", "{c} ({ne}) must not be negative: {v}"),
    "not_integer": ("{c}（{n}）是计数，应为整数：{v}", "{c} ({ne}) is a count and must be whole: {v}"),
    "share_range": ("{c}（{n}）是百分比，应在0–100之间：{v}", "{c} ({ne}) is a percentage and must be within 0–100: {v}"),
    "rubric_level": ("{c}（{n}）等级应为 {lv} 之一：{v}", "{c} ({ne}) must be one of the rubric levels {lv}: {v}"),
    "binary": ("{c}（{n}）只能填0或1：{v}", "{c} ({ne}) must be 0 or 1: {v}"),
    "below_min": ("{c}（{n}）不能小于 {mn}：{v}", "{c} ({ne}) must be at least {mn}: {v}"),
    "above_max": ("{c}（{n}）不能大于 {mx}：{v}", "{c} ({ne}) must be at most {mx}: {v}"),
    "city_code": ("城市代码 {v} 无效，应为山东16市之一（370100–371700，不含371200）",
                  "city code {v} is not one of Shandong's 16 cities (370100–371700 without 371200)"),
    "city_name": ("城市名称“{v}”不是山东16市之一", "city '{v}' is not one of Shandong's 16 cities"),
    "year_range": ("年份 {v} 不在 {lo}–{hi} 之间", "year {v} is outside {lo}–{hi}"),
}


def _cell_problem(file, row, column, value, rule, framework: Framework) -> Problem:
    node = framework.node(column) if column in framework else None
    v = shorten(_fmt(value)) if value is not None and not (isinstance(value, float) and np.isnan(value)) else ""
    fields = {"c": column, "v": v, "n": getattr(node, "name_zh", ""), "ne": getattr(node, "name_en", ""),
              "lv": ", ".join(str(lv[0]) for lv in getattr(node, "rubric", ())),
              "lo": year_range(framework.unit_columns)[0], "hi": year_range(framework.unit_columns)[1],
              "mn": _fmt(getattr(node, "min", None)), "mx": _fmt(getattr(node, "max", None))}
    zh_t, en_t = _MESSAGES.get(rule, ("{c}: " + rule + ": {v}",) * 2)
    return Problem(file, row, column, v, rule, zh_t.format(**fields), en_t.format(**fields))
