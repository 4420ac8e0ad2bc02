"""The written part of a unit's profile: a 3–5 sentence summary and the strengths and weaknesses.

The summary states, in words an official would use, the rank and how robust it is, the
strongest and weakest dimension against the comparison mean, the biggest change since the
previous year and the leading obstacles. Strengths and weaknesses are the indicators where the
unit stands furthest above or below the others, by percentile, as in the Global Innovation
Index economy profiles. Both are pure functions of the bundle. What a unit and a dimension are
called (产业大脑 / brain and 维度 / dimension for the Shandong framework, 国家 / country and
支柱 / pillar for COINr's ASEM example) comes from the framework.
"""

from __future__ import annotations

import pandas as pd

from . import facts
from .marks import change, key
from .standing import STRONG, WEAK
from .text import t, unit_name


def _dims(bundle) -> list[str]:
    fw = bundle.framework
    return [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]


def robust(p05: int, p95: int, n: int) -> bool:
    """A rank is called robust when its 90 % interval spans at most 10 % of the field (≥ 2 places).

    Examples
    --------
    >>> robust(3, 5, 50), robust(3, 15, 50)
    (True, False)
    """
    return (p95 - p05) <= max(2, round(0.1 * n))


def sentences(bundle, unit_id: str, year: int, lang: str = "zh", mark=None) -> list[str]:
    """The generated summary of a unit in ``lang``, as a list of 3–5 sentences.

    Parameters
    ----------
    bundle : Bundle
    unit_id, year : the unit and the year
    lang : "zh" or "en"
    mark : optional ``mark(key, text)`` wrapped around every score quoted (its key as in
        :mod:`toolkit.reports.marks`); the page passes ``marks.MARK.format``.

    Returns
    -------
    list of str

    See ``tests/reports/test_views.py`` for a worked example on the demo data.
    """
    fw = bundle.framework
    row = facts.unit_row(bundle, unit_id, year)
    s = facts.year_rows(bundle, year)
    n, rank, root = int(row["n_units"]), int(row["rank"]), fw.root.code
    zh = lang == "zh"
    w = fw.words(lang)
    sc = facts.scale(bundle)
    m = mark or (lambda k, text: text)

    def f(code):  # the unit's score of ``code``, marked with its key
        return m(key(unit_id, code, year), sc.fmt(row[code]))
    pts = "分" if sc.hi - sc.lo >= 10 else ""  # "points" on a 0–100 scale; a 0–1 score is a bare number
    out = []
    iv = facts.interval(bundle, unit_id, year)
    name = unit_name(row, "zh", fw) if zh else t("this", lang, fw)
    if iv is None:
        out.append(f"{name}{year}年综合指数为{f(root)}，在{n}个{w['unit']}中排名第{rank}（排名区间未计算）。" if zh else
                   f"{name} scores {f(root)} in {year}, rank {rank} of {n} (rank interval not computed).")
    else:
        ok = robust(*iv, n)
        if zh:
            how = "排名较为稳健" if ok else "排名对方法选择较为敏感"
            where = f"第{iv[0]}名" if iv[0] == iv[1] else f"第{iv[0]}至{iv[1]}名"
            out.append(f"{name}{year}年综合指数为{f(root)}，在{n}个{w['unit']}中排名第{rank}；"
                       f"在各种合理的方法选择下，90%的情况排在{where}，{how}。")
        else:
            how = "a robust rank" if ok else "a rank that depends on the method choices"
            out.append(f"{name} scores {f(root)} in {year}, rank {rank} of {n}; under plausible "
                       f"alternative methods it ranks {_span(iv)} in 90% of cases, {how}.")
    mean_name = t(facts.mean_key(bundle, year), lang, fw)
    gap = pd.Series({d: float(row[d]) - float(s[d].mean()) for d in _dims(bundle)})
    hi, lo = gap.idxmax(), gap.idxmin()
    lead = gap[hi] >= 0

    def gap_text(code):  # the gap to the mean, marked
        mag = m(change(key(unit_id, code, year), key("@mean", code, year)), f"{abs(gap[code]):.{sc.digits}f}")
        return _signed(gap[code], lang, mag, pts)
    if zh:
        first = (f"最突出的{w['dim']}是{fw.label(hi, lang)}（{f(hi)}，{gap_text(hi)}）" if lead else
                 f"各{w['dim']}均低于{mean_name}，差距最小的是{fw.label(hi, lang)}（{f(hi)}，{gap_text(hi)}）")
        out.append(f"相对{mean_name}，{first}，最薄弱的是{fw.label(lo, lang)}（{f(lo)}，"
                   f"{gap_text(lo)}）。" if lead else
                   f"{first}，最薄弱的是{fw.label(lo, lang)}（{f(lo)}，{gap_text(lo)}）。")
    else:
        first = (f"Against the {mean_name.lower()}, its strongest {w['dim']} is {fw.label(hi, lang)} "
                 f"({f(hi)}, {gap_text(hi)})" if lead else
                 f"Every {w['dim']} is below the {mean_name.lower()}; the closest is {fw.label(hi, lang)} "
                 f"({f(hi)}, {gap_text(hi)})")
        out.append(f"{first} and its weakest is {fw.label(lo, lang)} ({f(lo)}, {gap_text(lo)}).")
    prev = facts.previous_year(bundle, year)
    if prev is not None:
        try:
            a = facts.unit_row(bundle, unit_id, prev)
        except KeyError:
            a = None
        if a is not None:
            d_comp = float(row[root]) - float(a[root])
            d_rank = int(a["rank"]) - rank
            dd = pd.Series({d: float(row[d]) - float(a[d]) for d in _dims(bundle)})
            big = dd.abs().idxmax()

            def moved(code, x):  # a change since ``prev``, marked
                return m(change(key(unit_id, code, year), key(unit_id, code, prev)), f"{abs(x):.{sc.digits}f}")
            if zh:
                r = "保持不变" if d_rank == 0 else (f"上升{d_rank}位" if d_rank > 0 else f"下降{-d_rank}位")
                out.append(f"与{prev}年相比，综合指数{'上升' if d_comp >= 0 else '下降'}{moved(root, d_comp)}{pts}，排名{r}；"
                           f"变化最大的是{fw.label(big, lang)}（{'+' if dd[big] >= 0 else '−'}{moved(big, dd[big])}{pts}）。")
            else:
                r = "is unchanged" if d_rank == 0 else (f"rose {_places(d_rank)}" if d_rank > 0 else
                                                         f"fell {_places(-d_rank)}")
                out.append(f"Since {prev} the composite has {'risen' if d_comp >= 0 else 'fallen'} by "
                           f"{moved(root, d_comp)} points and the rank {r}; the biggest change is in "
                           f"{fw.label(big, lang)} ({'+' if dd[big] >= 0 else '−'}{moved(big, dd[big])}).")
    ob = facts.unit_table(bundle, "obstacles", unit_id, year).sort_values("rank").head(3)
    if len(ob):
        names = [indicator_label(fw, c, lang) for c in ob["code"]]
        joined = (("、".join(names[:-1]) + "和" + names[-1]) if zh else
                  (", ".join(names[:-1]) + " and " + names[-1])) if len(names) > 1 else names[0]
        total = ob["obstacle"].sum()
        if zh:
            out.append(f"制约其提升的主要因素是{joined}（障碍度合计{total:.1f}%），宜优先补齐。")
        else:
            out.append(f"The main obstacles to improving are {joined} (together {total:.1f}% of "
                       "the shortfall); these are where effort pays most.")
    return out


def _span(iv) -> str:
    return str(iv[0]) if iv[0] == iv[1] else f"{iv[0]}–{iv[1]}"


def _places(k: int) -> str:
    return f"{k} place" + ("" if k == 1 else "s")


def _signed(x: float, lang: str, mag: str, unit: str = "分") -> str:
    """A gap ``x`` in words, its size written as ``mag``."""
    if lang == "zh":
        return f"{'高' if x >= 0 else '低'}{mag}{unit}"
    return f"{mag} {'above' if x >= 0 else 'below'}"


def indicator_label(fw, code: str, lang: str) -> str:
    """An indicator's name, never its bare code; a measure is named with its indicator.

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> fw = load_framework()
    >>> indicator_label(fw, "L2P1_STORAGE", "zh"), indicator_label(fw, "L1P1", "en")
    ('存储与计算资源 · 存储资源', 'Industry scale')
    """
    node = fw.node(code)
    if node.level == "measure" and node.parent is not None:
        return f"{fw.node(node.parent).name(lang)} · {node.name(lang)}"
    return node.name(lang)


def strengths_weaknesses(bundle, unit_id: str, year: int, k: int = 5) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The unit's strengths and weaknesses: up to ``k`` indicators in the top quarter (percentile
    ≥ 75, highest first) and in the bottom quarter (≤ 25, lowest first), the one rule of
    :mod:`toolkit.reports.standing`; either may be empty.

    Yes/no measures are left out (a percentile of a 0/1 item says little). Returns None when
    there are too few units for percentiles (see :data:`toolkit.reports.facts.MIN_PERCENTILE`).

    Returns
    -------
    (strengths, weaknesses) : DataFrames with columns code, raw, percentile, imputed
    """
    if not facts.percentiles_computed(bundle, year):
        return None
    fw = bundle.framework
    lv = facts.unit_table(bundle, "leaves", unit_id, year)
    lv = lv[[fw.node(c).type != "binary" for c in lv["code"]]]
    lv = lv.sort_values(["percentile", "code"], ascending=[False, True], kind="stable")
    strong = lv[lv["percentile"] >= STRONG].head(k)  # the one rule of every page (toolkit.reports.standing)
    weak = lv[lv["percentile"] <= WEAK].sort_values(["percentile", "code"], kind="stable").head(k)
    cols = ["code", "raw", "percentile", "imputed"]
    return strong[cols].reset_index(drop=True), weak[cols].reset_index(drop=True)


def summary_text(bundle, unit_id: str, year: int, lang: str = "zh") -> str:
    """The summary as one paragraph (sentences joined)."""
    sep = "" if lang == "zh" else " "
    return sep.join(sentences(bundle, unit_id, year, lang))


__all__ = ["indicator_label", "robust", "sentences", "strengths_weaknesses", "summary_text"]
