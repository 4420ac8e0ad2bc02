"""``python -m toolkit compare --spec A.yaml --spec B.yaml …``: rankings side by side, as HTML.

:func:`compare_specs` builds the index under each specification (with :func:`toolkit.build_index`)
and collects the rank table, the pairwise rank agreement, the units that move most and the
effective weights of each spec (dimension totals and every leaf). :func:`write_compare` writes
``compare.html`` — self-contained like the reports: inline CSS and SVG, no scripts, no network —
and, given an uncertainty specification and a quota, ``selection.html``: each brain's
probability of selection, the robustly in / out / borderline shortlist and the factors that
decide the borderline cases (:mod:`toolkit.robustness.selection`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from ..errors import SpecError
from ..files import write_many_atomic
from ..index.build import build_index
from ..index.spec import load_spec
from .rankings import agreement, bump_svg, movers, rank_table

__all__ = ["CompareResult", "compare_specs", "selection_html", "write_compare"]

_CSS = """.in{color:#15803d}.out{color:#6b7280}.borderline{color:#b45309;font-weight:bold}
svg.bump{display:block;height:auto}svg.bump text{font-family:"Noto Sans SC Embedded","Noto Sans SC",sans-serif}"""


@dataclass(frozen=True)
class CompareResult:
    """Outcome of :func:`compare_specs`.

    Attributes
    ----------
    ranks : DataFrame (unit_id × spec names)
    agreement : DataFrame (a, b, spearman, kendall)
    movers : DataFrame (the units that move most, with their ranks and spread)
    dimension_weights : DataFrame (node × spec): effective weight of each node of ``level``
    leaf_weights : DataFrame (leaf × spec): effective weight of each index leaf
    names : Series unit_id → the unit's name (the framework's name column, else the id)
    year : int
    synthetic : bool
    level : str
        The level of ``dimension_weights``: the dimensions, else the level below the index.
    """

    ranks: pd.DataFrame
    agreement: pd.DataFrame
    movers: pd.DataFrame
    dimension_weights: pd.DataFrame
    leaf_weights: pd.DataFrame
    names: pd.Series
    year: int
    synthetic: bool
    level: str = "dimension"
    framework: object = None
    unit_rows: pd.DataFrame | None = None


def _names(specs) -> list[str]:
    """A distinct column name per spec: its name, else its file's stem, else the name numbered."""
    names: list[str] = []
    for s in specs:
        base = s.name
        if base in names and s.source and not str(s.source).startswith("<"):
            base = Path(s.source).stem
        if base in names:
            base = f"{s.name}_{len(names) + 1}"
        names.append(base)
    return names


def compare_specs(data, specs, year: int | None = None, top: int = 10) -> CompareResult:
    """Build the index under each spec and compare the rankings of one year.

    Parameters
    ----------
    data : IndicatorData
    specs : sequence of specs (paths, mappings or IndexSpec), at least two
    year : int, optional (default the latest)
    top : number of movers listed

    Returns
    -------
    CompareResult

    Examples
    --------
    >>> c = compare_specs(data, ["configs/default.yaml", "configs/studio.yaml"])  # doctest: +SKIP
    >>> c.agreement  # doctest: +SKIP
    """
    specs = [load_spec(s, data.framework) for s in specs]
    for s in specs[1:]:
        if s.framework.id != specs[0].framework.id:
            raise SpecError(f"compare: spec {s.name!r} is for framework {s.framework.id!r}, "
                            f"{specs[0].name!r} for {specs[0].framework.id!r}: compare specs of one framework")
    if len(specs) < 2:
        raise SpecError("compare: give at least two specifications (--spec A.yaml --spec B.yaml)")
    names = _names(specs)
    results = {n: build_index(data, s) for n, s in zip(names, specs, strict=True)}
    first = next(iter(results.values()))
    year = first.years[-1] if year is None else int(year)
    if year not in first.years:
        raise SpecError(f"compare: no year {year}; years are {first.years}")
    ranks = rank_table(results, year)
    fw = first.framework
    leaf = {}
    for n, r in results.items():
        e = r.effective_weights
        block = year if year in e.index else e.index[0]
        leaf[n] = e.loc[block]
    leaf_w = pd.DataFrame(leaf)
    # the level shown beside the composite: the dimensions, else the level below the index
    dims = leaf_w.groupby(lambda c: fw.ancestor(c, first.headline_level)).sum()
    units = first.units.xs(year, level="year")
    name = fw.name_column if fw.name_column in units else None
    unit_names = units[name] if name else pd.Series(units.index.astype(str), index=units.index)
    return CompareResult(ranks=ranks, agreement=agreement(ranks), movers=movers(ranks, top), dimension_weights=dims,
                         leaf_weights=leaf_w, names=unit_names, year=year,
                         synthetic=bool(getattr(data, "is_synthetic", False)), level=first.headline_level,
                         framework=fw, unit_rows=units)


#: the pages' words, Chinese first (the reports' convention: toolkit.reports.text)
WORDS = {
    "compare_title": ("方案比较", "Specifications compared"),
    "selection_title": ("入选稳健性", "Selection with confidence"),
    "intro": ("{year}年，{n}个{unit}，比较的方案：{specs}。", "Year {year}; {n} {units}; specifications: {specs}."),
    "bump": ("排名变化（凹凸图）", "Ranks under each specification"),
    "agreement": ("排名一致性", "Rank agreement"), "spec_a": ("方案甲", "Specification A"),
    "spec_b": ("方案乙", "Specification B"), "spearman": ("斯皮尔曼 ρ", "Spearman ρ"),
    "kendall": ("肯德尔 τ", "Kendall τ"), "n_units": ("{unit}数", "{Units}"),
    "movers": ("排名变动最大的{unit}", "{Units} that move most"), "spread": ("变动幅度（名次）", "Spread (places)"),
    "weights": ("各{dim}有效权重", "Effective weight of each {dim}"),
    "leaf_weights": ("各指标有效权重", "Effective weight of every indicator"),
    "ranks": ("各方案下的排名", "Ranks under each specification"), "name": ("{unit}", "{Unit}"),
    "quota": ("名额：{quota}；{year}年；不确定性设定共运行 {runs} 次（--n {n}）。概率 ≥ {hi} 为稳入选，≤ {lo} 为稳落选。",
              "Quota: {quota}; year {year}; {runs} runs of the uncertainty specification (--n {n}). Robustly in: "
              "probability ≥ {hi}; robustly out: ≤ {lo}."),
    "top_overall": ("全部{unit}中前 {k} 名", "top {k} overall"), "top_per": ("每个{group}前 {k} 名", "top {k} per {group}"),
    "probability": ("入选概率", "Probability of selection"), "shortlist": ("入选名单", "Shortlist"),
    "nominal_rank": ("基准排名", "Nominal rank"), "nominal_selected": ("基准方案入选", "Selected nominally"),
    "screened_out": ("被筛除的比例", "Screened out"), "status": ("判定", "Status"),
    "in": ("稳入选", "robustly in"), "borderline": ("待定", "borderline"), "out": ("稳落选", "robustly out"),
    "yes": ("是", "yes"), "no": ("否", "no"),
    "deciding": ("决定待定{unit}的因素", "What decides the borderline cases"),
    "deciding_note": ("每个待定{unit}入选与否（入选为 {one}）的总效应（ST）与一阶（S1）\x00Sobol\x01 指数，各列最大的三个因素。",
                      "Total (ST) and first-order (S1) Sobol indices of each borderline unit's selection indicator "
                      "({one} = selected), the three largest factors per unit."),
    "factor": ("因素", "Factor"),
    "synthetic": ("模拟数据：本页基于合成的演示数据（python -m toolkit demo 生成），并非真实填报结果，不得引用。",
                  "SYNTHETIC DATA: this page uses synthetic demo data (python -m toolkit demo), not real returns; "
                  "do not cite."),
}


#: the factors of the shipped uncertainty specification (configs/uncertainty.yaml) by name; a
#: factor not listed is shown by its name, as an identifier (``<code>``)
FACTORS = {
    "imputation": ("缺失值插补方法", "Imputation method"), "outliers": ("异常值处理", "Outlier treatment"),
    "normalisation": ("标准化方法", "Normalisation"), "indicator_weights": ("指标权重方法", "Indicator weights"),
    "dimension_weights": ("维度权重方法", "Dimension weights"), "weight_noise": ("权重扰动", "Weight noise"),
    "dimension_aggregation": ("维度聚合方法", "Dimension aggregation"),
    "index_aggregation": ("指数聚合方法", "Index aggregation"), "exclude_indicator": ("剔除一项指标", "One indicator left out"),
}


def _factor(name: str, lang: str) -> tuple[str, str]:
    """A factor of the uncertainty specification by its name in ``lang`` (a table cell)."""
    known = FACTORS.get(str(name))
    return ("html", escape(known[0 if lang == "zh" else 1]) if known else f"<code>{escape(str(name))}</code>")


def _specs_html(names) -> list[tuple[str, str]]:
    """Specification names as the identifiers they are (``<code>``: the user's own names)."""
    return [("html", f"<code>{escape(str(n))}</code>") for n in names]


def _w(key: str, lang: str, fw=None, **kw) -> str:
    text = WORDS[key][0 if lang == "zh" else 1]
    words = fw.words(lang) if fw is not None else {}
    return text.format(**{**words, **kw}) if "{" in text else text


def _marked(key: str, lang: str, fw=None, **kw) -> str:
    """The page's words ``key`` escaped, each number in ``kw`` given as ``(kind, value)`` marked
    as the plain number it is (:func:`toolkit.reports.marks.plain`: a year, a count, …) and each
    given as ``("html", s)`` inserted as is."""
    from ..reports.marks import plain

    slots = {k: f"\x00{i}\x01" for i, k in enumerate(kw)}
    text = escape(_w(key, lang, fw, **slots))
    for k, (kind, v) in kw.items():
        text = text.replace(slots[k], v if kind == "html" else plain(kind, v))
    return text


CMD = "python -m toolkit demo"


def _page(title: str, body: str, synthetic: bool, lang: str = "zh") -> str:
    """A page in the reports' look: their stylesheet (screen, 390 px phones, A4 print), viewport,
    embedded font subset and synthetic-data banner."""
    from ..reports.page import document
    from ..viz.fonts import font_face_css

    note = (f'<div class="synthetic">{escape(_w("synthetic", lang)).replace(CMD, f"<code>{CMD}</code>")}</div>'
            if synthetic else "")
    body = f"{note}<h1>{escape(title)}</h1>{body}"
    from ..reports.text import t

    # the subset covers the page and the synthetic note printed at the top of every page
    return document(title, body, lang, font_face_css(title + body + t("synthetic", lang) + "0123456789") + _CSS)


def _name(c, unit, lang: str) -> str:
    from ..reports.text import unit_name

    if c.framework is None or c.unit_rows is None or unit not in c.unit_rows.index:
        return str(c.names.get(unit, unit))
    return unit_name({"unit_id": unit, **c.unit_rows.loc[unit].to_dict()}, lang, c.framework)


def _label(fw, code, lang: str) -> str:
    return fw.label(code, lang) if fw is not None and code in fw else str(code)


def _rank(r, unit=None, spec=None, year=None):
    """A rank, or "—" for a unit the specification does not rank (screened out); with ``unit``,
    ``spec`` and ``year`` a table cell marked as that unit's rank under ``spec``
    (:mod:`toolkit.reports.marks`: ``unit|rank@spec|year``)."""
    from ..reports.marks import cell, key

    if pd.isna(r):
        return "—"
    return str(int(r)) if unit is None else cell(key(unit, f"rank@{spec}", year), str(int(r)))


def compare_html(c: CompareResult, lang: str = "zh") -> str:
    """The comparison page (a complete HTML document) of a :class:`CompareResult`, in ``lang``:
    names instead of codes, weights as percentages, the reports' look.

    Examples
    --------
    >>> compare_html(compare_specs(data, specs), "en").startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    from ..reports.marks import key, plain, value, vcell
    from ..reports.text import fmt_pct
    from ..reports.views import section, table_html

    fw = c.framework
    ranks = c.ranks
    specs = list(ranks.columns)
    named = ranks.set_axis([_name(c, u, lang) for u in ranks.index])
    keys = pd.DataFrame([[key(u, f"rank@{sp}", c.year) for sp in specs] for u in ranks.index], columns=specs)
    sep = "、" if lang == "zh" else ", "
    intro = _marked("intro", lang, fw, year=("year", c.year), n=("count", len(ranks)),
                    specs=("html", sep.join(h[1] for h in _specs_html(specs))))
    agree = [[*_specs_html([a, b]), vcell(value("agreement", a, b, "spearman"), f"{sp:.3f}"),
              vcell(value("agreement", a, b, "kendall"), f"{kt:.3f}"), ("html", plain("count", int(n)))]
             for a, b, sp, kt, n in c.agreement[["a", "b", "spearman", "kendall", "units"]].itertuples(index=False)]
    mv = [[_name(c, u, lang), *[_rank(row[sp], u, sp, c.year) for sp in specs],
           "—" if pd.isna(row["spread"]) else vcell(value("spread", u), str(int(row["spread"])))]
          for u, row in c.movers.iterrows()]
    dw = [[_label(fw, d, lang), *[vcell(value("weight", sp, d), fmt_pct(v)) for sp, v in row.items()]]
          for d, row in c.dimension_weights.iterrows()]
    lw = [[_label(fw, d, lang), *[vcell(value("weight", sp, d), fmt_pct(v)) for sp, v in row.items()]]
          for d, row in c.leaf_weights.iterrows()]
    rk = [[_name(c, u, lang), *[_rank(row[sp], u, sp, c.year) for sp in specs]] for u, row in ranks.iterrows()]
    nums = range(1, len(specs) + 1)
    # the bump chart at a width an A4 page prints at full size (long names cut)
    body = [f'<p class="sub">{intro}</p>',
            section(_w("bump", lang), f'<div class="tbl">{bump_svg(named, width=700, max_label=190, keys=keys)}</div>', keep=False),
            section(_w("agreement", lang), table_html([_w("spec_a", lang), _w("spec_b", lang), _w("spearman", lang),
                                                       _w("kendall", lang), _w("n_units", lang, fw)], agree,
                                                      num_cols=[2, 3, 4])),
            section(_w("movers", lang, fw), table_html([_w("name", lang, fw), *_specs_html(specs), _w("spread", lang)], mv,
                                                       num_cols=range(1, len(specs) + 2))),
            section(_w("weights", lang, fw), table_html(["", *_specs_html(specs)], dw,
                                                        num_cols=nums)),
            section(_w("leaf_weights", lang), table_html(["", *_specs_html(specs)], lw, num_cols=nums), keep=False),
            section(_w("ranks", lang), table_html([_w("name", lang, fw), *_specs_html(specs)], rk, num_cols=nums),
                    keep=False)]
    return _page(_w("compare_title", lang), "".join(body), c.synthetic, lang)


def _bars(p: pd.Series, names: list, width: int = 640) -> str:
    """Horizontal bars of the probabilities ``p`` (0–1, by unit id) labelled by ``names``, as a
    chart of the reports; each label a percentage marked as the unit's probability."""
    from ..reports.charts import hbars
    from ..reports.marks import value
    from ..reports.text import fmt_pct

    return hbars(names, [("", list(p.to_numpy(float)))], vmin=0.0, vmax=1.0, width=width, label=fmt_pct,
                 marks=[[("value", value("probability", u)) for u in p.index]])


def selection_html(sel, names: pd.Series | None = None, synthetic: bool = False, lang: str = "zh",
                   c: CompareResult | None = None, n: int | None = None) -> str:
    """The selection page of a :class:`~toolkit.robustness.selection.SelectionResult`, in ``lang``
    (``c``: the comparison whose framework names the units; ``n``: the replications asked for).

    Examples
    --------
    >>> selection_html(sel, names, synthetic=True).count("<svg")  # doctest: +SKIP
    1
    """
    from ..reports.marks import plain, value, vcell
    from ..reports.text import fmt_pct
    from ..reports.views import section, table_html

    fw = c.framework if c is not None else None

    def name(u):
        return _name(c, u, lang) if c is not None else str((names if names is not None else {}).get(u, u))

    t = sel.table
    k = sel.quota
    group = fw.unit_column(sel.by).label(lang) if fw is not None and sel.by else (sel.by or "")
    quota = _w("top_per", lang, fw, k=k, group=group) if sel.by else _w("top_overall", lang, fw, k=k)
    runs = int(sel.selected.shape[0])
    quota = escape(quota).replace(escape(str(k)), plain("quota", k), 1)
    intro = _marked("quota", lang, quota=("html", quota), year=("year", sel.year), runs=("runs", runs),
                    n=("runs", n if n is not None else runs), hi=("threshold", fmt_pct(0.9, 0)),
                    lo=("threshold", fmt_pct(0.1, 0)))
    lists = sel.shortlist()
    sep = "、" if lang == "zh" else ", "
    short = "".join(f"<li><b>{escape(_w(s, lang))}</b>（{plain('count', len(v))}）：{escape(sep.join(name(u) for u in v)) or '—'}</li>"
                    if lang == "zh" else
                    f"<li><b>{escape(_w(s, lang))}</b> ({plain('count', len(v))}): {escape(sep.join(name(u) for u in v)) or '—'}</li>"
                    for s, v in lists.items())
    prob = t["probability"][t["probability"] > 0].head(60)
    nominal = c.ranks.columns[0] if c is not None else None
    rows = [[name(u), _rank(r["nominal_rank"], *((u, nominal, sel.year) if nominal is not None else ())),
             _w("yes" if r["nominal_selected"] else "no", lang), vcell(value("probability", u), fmt_pct(r["probability"])),
             vcell(value("screened", u), fmt_pct(r.get("screened_out", 0.0))), ("html", f"<span class='{escape(str(r['status']))}'>"
                                                           f"{escape(_w(str(r['status']), lang))}</span>")]
            for u, r in t.iterrows()]
    body = [f'<p class="sub">{intro}</p><ul>{short}</ul>',
            section(_w("probability", lang), f"<figure>{_bars(prob, [name(u) for u in prob.index])}</figure>"),
            section(_w("shortlist", lang), table_html([_w("name", lang, fw) if fw else "", _w("nominal_rank", lang),
                                                       _w("nominal_selected", lang), _w("probability", lang),
                                                       _w("screened_out", lang), _w("status", lang)], rows,
                                                      num_cols=[1, 3, 4]), keep=False)]
    if sel.sobol is not None:
        top = sel.sobol.sort_values("ST", ascending=False).groupby("target").head(3)
        srows = [[name(r.target), _factor(r.factor, lang), vcell(value("sobol", r.target, r.factor, "ST"), f"{r.ST:.3f}"),
                  vcell(value("sobol", r.target, r.factor, "S1"), f"{r.S1:.3f}")] for r in top.itertuples()]
        note = _marked("deciding_note", lang, fw, one=("label", 1))
        note = note.replace("\x00", '<span lang="en">' if lang == "zh" else "").replace("\x01", "</span>" if lang == "zh" else "")
        body.append(section(_w("deciding", lang, fw), f'<p class="note">{note}</p>'
                            + table_html([_w("name", lang, fw) if fw else "", _w("factor", lang), "ST", "S1"], srows,
                                         num_cols=[2, 3])))
    return _page(_w("selection_title", lang), "".join(body), synthetic, lang)


def write_compare(data, specs, out, *, year: int | None = None, uspec=None, quota: int | None = None,
                  by: str | None = None, n: int = 512, seed: int = 0, lang: str = "zh") -> list[Path]:
    """Write ``compare.html`` (and ``selection.html`` with ``uspec`` and ``quota``) into ``out``.

    Parameters
    ----------
    data : IndicatorData
    specs : sequence of specs (≥ 2)
    out : folder
    year : int, optional
    uspec : uncertainty specification, optional (path or mapping); with ``quota``, the selection
        page is computed for the first spec.
    quota, by : the selection quota (top ``quota`` overall, or per ``by`` = industry/city).
    n, seed : replications of the uncertainty run.

    Returns
    -------
    list of Path written (atomically, all or none).

    Examples
    --------
    >>> write_compare(data, ["configs/default.yaml", "configs/studio.yaml"], "reports/compare")  # doctest: +SKIP
    """
    from ..publish.guard import check_targets, protected_inputs

    out = Path(out)
    paths = [s for s in (*specs, uspec) if isinstance(s, str | Path)]
    with protected_inputs(*paths):  # the specifications are never written over
        # checked before the folder is made and anything computed
        check_targets(files=[out / "compare.html", out / "selection.html"])
        return _write_compare(data, specs, out, year=year, uspec=uspec, quota=quota, by=by, n=n, seed=seed,
                              lang=lang)


def _write_compare(data, specs, out: Path, *, year, uspec, quota, by, n, seed, lang) -> list[Path]:
    if (uspec is None) != (quota is None):  # before anything is computed; the folder is made when written
        raise SpecError("compare: the selection page needs both --uncertainty and --quota")
    c = compare_specs(data, specs, year=year)
    pages = {out / "compare.html": compare_html(c, lang)}
    if uspec is not None:
        from ..robustness.selection import selection

        sel = selection(data, specs[0], uspec, quota=int(quota), by=by, year=c.year, n=n, seed=seed)
        pages[out / "selection.html"] = selection_html(sel, c.names, c.synthetic, lang, c, n)
    return write_many_atomic({p: (lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8"))
                              for p, text in pages.items()})
