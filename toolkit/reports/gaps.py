"""The overview's section 差距与收敛 · Gaps and convergence (issue 23), from the run's bundle.

Four blocks, each with one plain sentence in the page's language: the Dagum Gini decomposition by the
framework's first grouping (Shandong: the economic circle) over the years, the kernel density of the
composite in each year, the LISA map of the regions in the page's year (the framework's polygons), and
the one-year transition matrix of quartile classes. A framework without a grouping shows nothing; a
block its data cannot support (one year, no polygons) is left out. The statistics are
:mod:`toolkit.dynamics`'s, imported only when the section is built.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import charts
from .text import esc
from .views import section, table_html

WORDS = {
    "title": ("差距与收敛", "Gaps and convergence"),
    "dagum": ("基尼系数分解（按{g}）", "Dagum Gini decomposition by {g}"),
    "G": ("总体 G", "overall G"), "Gw": ("组内 G_w", "within G_w"), "Gnb": ("组间净差 G_nb", "net between G_nb"),
    "Gt": ("超变密度 G_t", "transvariation G_t"), "year": ("年份", "year"),
    "kde": ("各年得分的核密度", "Kernel density of the scores, by year"),
    "lisa": ("{y} 年的空间聚集（局部莫兰指数）", "Spatial clusters (LISA), {y}"),
    "markov": ("等级转移矩阵（四分位，一年）", "Transition matrix (quartiles, one year)"),
    "from": ("期初 \\ 下一年", "from \\ to"),
    "parts": ({"within": "组内差距", "between": "组间差距", "transvariation": "组间交叠"},
              {"within": "the gaps within groups", "between": "the gaps between groups",
               "transvariation": "the overlap between groups"}),
    "s_dagum": ("按 Dagum 方法分解：{a}–{b} 年，总体基尼系数从 {g0:.3f} 变为 {g1:.3f}；{y} 年差距主要来自{part}（占 {share:.0%}）。",
                "From {a} to {b} the overall Gini went from {g0:.3f} to {g1:.3f}; in {y} the gap comes mostly "
                "from {part} ({share:.0%})."),
    "s_kde": ("密度峰值从 {a} 年的 {p0:.1f} 移到 {b} 年的 {p1:.1f}（高斯核，Scott 带宽）。",
              "The density's peak moved from {p0:.1f} in {a} to {p1:.1f} in {b} (Gaussian kernel, Scott's bandwidth)."),
    "s_lisa": ("Moran's I = {i:.2f}（置换检验 p = {p:.3f}）；{n} 个{region}属于显著的聚集（p < 0.05）。",
               "Moran's I = {i:.2f} (permutation p = {p:.3f}); {n} {region} are in a significant cluster (p < 0.05)."),
    "s_markov": ("{m:.0%} 的{unit}在相邻两年之间换了等级；Q1 最低，Q4 最高。",
                 "{m:.0%} of the {unit} changed class from one year to the next; Q1 is the lowest, Q4 the highest."),
}


def w(key: str, lang: str):
    return WORDS[key][0 if lang == "zh" else 1]


def kde_svg(density: pd.DataFrame, width: float = 480, height: float = 180, label: str = "") -> str:
    """The densities as lines on one axis (inline SVG, one polyline per year, the latest strongest);
    ``label``: its accessible name, in the page's language."""
    x = density.index.to_numpy(float)
    top = float(density.to_numpy().max()) or 1.0
    px = 40 + (x - x.min()) / (np.ptp(x) or 1) * (width - 60)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 40}" width="100%" '
             f'style="max-width:{width}px" role="img" aria-label="{esc(label)}" font-size="12">',
             f'<line x1="40" y1="{height}" x2="{width - 20}" y2="{height}" stroke="#999"/>']
    years = list(density.columns)
    for i, t in enumerate(years):
        py = height - density[t].to_numpy(float) / top * (height - 20)
        strong = i == len(years) - 1
        parts.append(f'<polyline fill="none" stroke="{"#08519c" if strong else "#9ecae1"}" '
                     f'stroke-width="{2.2 if strong else 1.2}" points="'
                     + " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True)) + '"/>')
        parts.append(f'<text x="{40 + 56 * i}" y="{height + 32}" fill="{"#08519c" if strong else "#6a9ec7"}">{t}</text>')
    for v in np.linspace(x.min(), x.max(), 5):
        parts.append(f'<text x="{40 + (v - x.min()) / (np.ptp(x) or 1) * (width - 60):.1f}" y="{height + 14}" '
                     f'text-anchor="middle" fill="#555">{v:.0f}</text>')
    parts.append("</svg>")
    return "".join(parts)


#: names written in Latin letters on the Chinese page, marked as such for readers and the page audit
NAMES = ("Dagum", "Scott", "Moran's I", "LISA")


def para(text: str, lang: str) -> str:
    """A paragraph of escaped text, the Latin names in it marked ``lang="en"`` on a Chinese page."""
    html = esc(text)
    if lang == "zh":
        for name in NAMES:
            html = html.replace(esc(name), f'<span lang="en">{esc(name)}</span>')
    return f"<p>{html}</p>"


def gaps_section(bundle, year: int, lang: str = "zh") -> str:
    """The section 差距与收敛 · Gaps and convergence of the overview page (``""`` when it has nothing to show).

    Parameters
    ----------
    bundle : Bundle
        The run's bundle (its ``summary`` table: every unit and year).
    year : int
        The page's year.
    lang : {"zh", "en"}

    Returns
    -------
    str
        An HTML ``<section>``.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.reports.bundle import Bundle, index_tables
    >>> r = toolkit.build_index(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))
    >>> html = gaps_section(Bundle(index_tables(r), {"synthetic": True}, r.framework), 2025, "en")
    >>> html.startswith("<section") and "Dagum" in html and "Moran" in html
    True
    """
    from ..dynamics import kde
    from ..dynamics.maps import choropleth_svg
    from . import chain

    p = chain.panel(bundle)
    if p is None:
        return ""
    _, grouping, years = p
    fw = bundle.framework
    zh = lang == "zh"
    words = fw.words(lang)
    blocks = []

    dag = chain.dagum(bundle)
    if dag is not None:
        blocks.append(dagum_block(dag.overall, grouping, years, year, lang))
    density = chain.density(bundle)
    if density is not None:
        f = kde.kde_features(density)
        kde_text = w("s_kde", lang).format(a=years[0], b=years[-1], p0=f["peak_at"].iloc[0], p1=f["peak_at"].iloc[-1])
        blocks.append(section(w("kde", lang), para(kde_text, lang) + f"<figure>{kde_svg(density, label=w('kde', lang))}</figure>", level=3))

    regions = chain.regions(bundle)
    glob = chain.moran(bundle)
    local = chain.lisa(bundle, year) if glob is not None and year in glob.index else None
    if local is not None:
        _, _, polys, geo = regions
        glob = glob.loc[year]
        label = "zh" if zh else "en"
        svg = choropleth_svg(polys, local["cluster"], geo.id_property, width=480,
                             label_column=label if label in polys else None)
        text = w("s_lisa", lang).format(i=glob["I"], p=glob["p_sim"], n=int((local["cluster"] != "ns").sum()),
                                        region=words.get("regions", words.get("region", "")))
        blocks.append(section(w("lisa", lang).format(y=year), f"{para(text, lang)}<figure>{svg}</figure>", level=3))

    m = chain.markov(bundle)
    if m is not None:
        rows = [[c, *(f"{v:.2f}" for v in m.P.loc[c])] for c in m.P.index]
        text = w("s_markov", lang).format(m=m.mobility, unit=words.get("units", words.get("unit", "")))
        blocks.append(section(w("markov", lang), para(text, lang)
                              + table_html([w("from", lang), *m.P.columns], rows, num_cols=[1, 2, 3, 4]), level=3))
    return section(w("title", lang), "".join(blocks), keep=False) if blocks else ""


def dagum_block(d: pd.DataFrame, grouping, years: list, year: int, lang: str) -> str:
    """The Dagum block: its sentence, the four coefficients over the years (a chart) and their table."""
    row = d.loc[year]
    part = max(("within", "between", "transvariation"), key=lambda k: row[f"share_{k}"])
    sentence = w("s_dagum", lang).format(a=years[0], b=years[-1], g0=d["gini"].iloc[0], g1=d["gini"].iloc[-1], y=year,
                                         part=w("parts", lang)[part], share=row[f"share_{part}"])
    cols = ["gini", "within", "between", "transvariation"]
    table = table_html([w("year", lang), w("G", lang), w("Gw", lang), w("Gnb", lang), w("Gt", lang)],
                       [[str(t), *(f"{d.loc[t, c]:.4f}" for c in cols)] for t in d.index], num_cols=[1, 2, 3, 4])
    chart = charts.trend(years, [(w(k, lang), list(d[c])) for k, c in zip(("G", "Gw", "Gnb", "Gt"), cols, strict=True)],
                         vmax=float(np.ceil(d["gini"].max() * 1.25 * 20) / 20))   # a multiple of 0.05: short ticks
    return section(w("dagum", lang).format(g=grouping.label(lang)),
                   f"{para(sentence, lang)}<figure>{chart}</figure>{table}", level=3)
