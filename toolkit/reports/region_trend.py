"""A region report's trend (issue 23): the region's mean composite and its units' composites over
the years, against the whole (the province, or the sample) and the region's wider group (Shandong:
its economic circle), with one plain sentence of what the lines show.

The region's composite is the mean of its units' composites, as the report's headline shows it;
the wider groups are the framework's groupings derived from the region column (``groupings`` with
``from: city``), each drawn as the mean of its units. The chart and the numbers use the run's scale
(:func:`toolkit.reports.facts.scale`); how many units are strong or weak follows the one rule of
:mod:`toolkit.reports.standing` (top and bottom quarter of all units by percentile). With one year
of data the section says so in a sentence and draws nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import charts, facts
from .marks import cell, change
from .marks import key as mk
from .standing import side
from .text import esc, t, unit_name
from .views import block, section, table_html

WORDS = {  # (zh, en); {region}, {whole}… are the framework's words
    "title": ("历年走势", "Trend over the years"),
    "one_year": ("目前只有 {y} 年一年的数据，尚无历年走势；有两年及以上数据后，本节显示本{region_short}与{whole}的差距变化。",
                 "There is only one year of data ({y}), so there is no trend yet; with two or more years this "
                 "section shows how the {region}'s gap to the {whole} changes."),
    "group_mean": ("{g}平均", "{label} mean"),
    "above": ("高于", "above"), "below": ("低于", "below"), "level": ("持平于", "level with"),
    "gap": ("{a}–{b} 年，本{region_short}平均由{p0}变为{p1}，{verb}。", "From {a} to {b} the {region}'s mean went from {p0} to {p1}: {verb}."),
    "at": ("{d}{ref} {g}", "{g} {d} {ref}"), "at_level": ("持平于{ref}", "level with {ref}"),
    "narrowed": ("差距缩小", "the gap narrowed"), "widened": ("差距扩大", "the gap widened"),
    "same": ("差距不变", "the gap is unchanged"),
    "vs_group": ("与{g}平均相比，差距由 {g0} 变为 {g1}（正数为高于）。",
                 "Against the {label} mean the gap went from {g0} to {g1} (positive: above)."),
    "standing": ("按综合指数百分位，本{region_short} {n} 个{unit}中，{b} 年有 {s1} 个居{whole}前四分之一、{w1} 个居后四分之一"
                 "（{a} 年：{s0} 个、{w0} 个）。",
                 "By composite percentile among all {units}, the {region} has {s1} of its {n} {units} in the top "
                 "quarter in {b} and {w1} in the bottom quarter ({a}: {s0} and {w0})."),
    "series": ("系列", "Series"), "change": ("{a}→{b} 变化", "Change {a}→{b}"),
}


def w(key: str, lang: str) -> str:
    return WORDS[key][0 if lang == "zh" else 1]


def composite_percentiles(values) -> np.ndarray:
    """Each value's percentile among ``values``: the share (0–100) scoring no higher, as
    :mod:`toolkit.reports.standing` ranks a unit in a dimension.

    Examples
    --------
    >>> composite_percentiles([10.0, 30.0, 20.0, 40.0]).tolist()
    [25.0, 75.0, 50.0, 100.0]
    """
    v = np.asarray(values, float)
    return 100.0 * np.searchsorted(np.sort(v), v, side="right") / len(v)


def region_trend_frame(bundle, region: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """The trend's lines as a table: one row per year up to ``year`` in which the region has units.

    Columns: ``region`` (the region's mean composite), ``whole`` (all units' mean), one column per
    grouping derived from the region column (named after the grouping: the mean of the units of the
    region's group), and one column per unit of the region (its composite; NaN in a year it is
    missing). ``attrs["groups"]`` maps each grouping column to the group's name.

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.reports.bundle import Bundle, index_tables
    >>> demo = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv").table
    >>> r = toolkit.build_index(demo[demo.year >= 2024])   # the demo's last two years
    >>> f = region_trend_frame(Bundle(index_tables(r), {}, r.framework), "菏泽市", 2025)
    >>> f.attrs["groups"], bool(f["region"].between(0, 100).all())
    ({'circle': '鲁南经济圈'}, True)
    """
    fw = bundle.framework
    col = fw.region_column
    root = fw.root.code
    s = bundle.summary[bundle.summary["year"] <= year]
    mine = s[s[col] == region]
    years = sorted(int(y) for y in mine["year"].unique())
    out = pd.DataFrame(index=pd.Index(years, name="year"))
    out["region"] = mine.groupby("year")[root].mean()
    out["whole"] = s.groupby("year")[root].mean().reindex(years)
    groups = {}
    for g in fw.groupings:
        if g.source != col or region not in g.mapping:
            continue
        members = [k for k, v in g.mapping.items() if v == g.mapping[region]]
        out[g.name] = s[s[col].isin(members)].groupby("year")[root].mean().reindex(years)
        groups[g.name] = g.mapping[region]
    units = mine.sort_values(["year", "rank"]).drop_duplicates("unit_id", keep="last")
    for u in units.sort_values("rank")["unit_id"]:
        out[u] = mine[mine["unit_id"] == u].set_index("year")[root].reindex(years)
    out.attrs["groups"] = groups
    return out


def _gap_sentence(gap0: float, gap1: float, a: int, b: int, ref: str, words: dict, sc, lang: str) -> str:
    """"From 2021 to 2025 the city's mean went from 2.3 below the provincial mean to 1.1 below it: the gap
    narrowed" (gaps compared as shown, at the run's precision)."""
    def at(g, ref):
        shown = sc.fmt(abs(g))
        if shown == sc.fmt(0.0):
            return w("at_level", lang).format(ref=ref)
        return w("at", lang).format(d=w("above" if g > 0 else "below", lang), ref=ref, g=shown)

    shown0, shown1 = float(sc.fmt(abs(gap0))), float(sc.fmt(abs(gap1)))
    verb = w("same" if shown0 == shown1 else "narrowed" if shown1 < shown0 else "widened", lang)
    first = at(gap0, ref if lang == "zh" else f"the {ref}")
    second = at(gap1, ref if lang == "zh" else "it")
    if lang == "zh" and first[-1].isdigit():   # a space between a number and the Chinese that follows
        first += " "
    return w("gap", lang).format_map({**words, "a": a, "b": b, "p0": first, "p1": second, "verb": verb})


def region_trend_html(bundle, region: str, year: int, lang: str = "zh"):
    """The section 历年走势 · Trend over the years of a region report (see the module docstring).

    Parameters
    ----------
    bundle : Bundle
    region : str
        A value of the framework's region column (Shandong: a city such as ``"菏泽市"``).
    year : int
        The report's year: the trend runs up to it.
    lang : {"zh", "en"}

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import toolkit
    >>> from toolkit.reports.bundle import Bundle, index_tables
    >>> demo = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv").table
    >>> r = toolkit.build_index(demo[demo.year >= 2024])   # the demo's last two years
    >>> b = Bundle(index_tables(r), {}, r.framework)
    >>> html = region_trend_html(b, "菏泽市", 2025, "en").data
    >>> "Trend over the years" in html and "Provincial mean" in html and "Economic circle mean" in html
    True
    >>> "only one year" in region_trend_html(b, "菏泽市", b.years[0], "en").data   # the first year: no trend yet
    True
    """
    fw = bundle.framework
    words = fw.words(lang)
    sc = facts.scale(bundle)
    f = region_trend_frame(bundle, region, year, lang)
    title = w("title", lang)
    if len(f) < 2:
        y = int(f.index[-1]) if len(f) else int(year)
        return block(section(title, f'<p class="note">{esc(w("one_year", lang).format_map({**words, "y": y}))}</p>'))
    years = [int(y) for y in f.index]
    a, b = years[0], years[-1]
    whole = t(facts.mean_key(bundle, b), lang, bundle)
    groups = f.attrs["groups"]

    def group_label(name):
        g = next(g for g in fw.groupings if g.name == name)
        return w("group_mean", lang).format(g=groups[name], label=g.label(lang))

    lines = [("region", t("city_mean", lang, bundle)), *[(g, group_label(g)) for g in groups], ("whole", whole)]
    root = fw.root.code
    who = {"region": f"@region={region}", "whole": "@mean", **{g: f"@grouping={g}:{groups[g]}" for g in groups}}

    def keys(c):  # the marks of one line's values (toolkit.reports.marks)
        return [mk(who.get(c, c), root, y) for y in years]

    chart = charts.trend(years, [(name, [float(v) for v in f[c]]) for c, name in lines], vmin=sc.lo, vmax=sc.hi,
                         keys=[keys(c) for c, _ in lines])

    ref = whole if lang == "zh" else whole[0].lower() + whole[1:]
    gap = f["region"] - f["whole"]
    text = [_gap_sentence(float(gap.iloc[0]), float(gap.iloc[-1]), a, b, ref, words, sc, lang)]
    for g in groups:
        gg = f["region"] - f[g]
        label = next(x for x in fw.groupings if x.name == g).label(lang)
        text.append(w("vs_group", lang).format(g=groups[g], label=label[0].lower() + label[1:] if lang == "en" else label,
                                               g0=signed(gg.iloc[0], sc), g1=signed(gg.iloc[-1], sc)))
    units = [c for c in f.columns if c not in ("region", "whole", *groups)]
    if facts.percentiles_computed(bundle, a) and facts.percentiles_computed(bundle, b):
        counts = {}
        for y in (a, b):
            rows = facts.year_rows(bundle, y)
            pct = dict(zip(rows["unit_id"], composite_percentiles(rows[fw.root.code]), strict=True))
            sides = [side(pct[u]) for u in units if u in pct]
            counts[y] = (sides.count("strong"), sides.count("weak"))
        text.append(w("standing", lang).format_map({**words, "n": len(units), "a": a, "b": b, "s0": counts[a][0],
                                                     "w0": counts[a][1], "s1": counts[b][0], "w1": counts[b][1]}))
    sep = "" if lang == "zh" else " "

    names = {r["unit_id"]: unit_name(r, lang, fw) for r in bundle.summary[bundle.summary["unit_id"].isin(units)]
             .drop_duplicates("unit_id", keep="last").to_dict("records")}
    def row(c, name):
        ks = keys(c)
        shown = [cell(k, sc.fmt(v)) if v == v else sc.fmt(v) for k, v in zip(ks, f[c], strict=True)]
        moved = _change(f[c], sc)
        return [name, *shown, cell(change(ks[-1], ks[0]), moved) if moved != "—" else moved]

    rows = [row(c, name) for c, name in lines] + [row(u, names[u]) for u in units]
    tab = table_html([w("series", lang), *[str(y) for y in years], w("change", lang).format(a=a, b=b)], rows,
                     num_cols=range(1, len(years) + 2))
    return block(section(title, f'<p class="summary">{esc(sep.join(text))}</p>'
                         f'<figure>{chart}</figure>{tab}', keep=False))


def _change(values: pd.Series, sc) -> str:
    """Last minus first value shown, signed, at the run's precision ("—" when either is missing)."""
    if values.iloc[0] != values.iloc[0] or values.iloc[-1] != values.iloc[-1]:
        return "—"
    return signed(float(values.iloc[-1] - values.iloc[0]), sc)


def signed(x: float, sc) -> str:
    """A difference at the run's precision with its sign; one that rounds to zero has none.

    Examples
    --------
    >>> from toolkit.reports.scale import Scale
    >>> signed(2.34, Scale(0, 100, 1)), signed(-0.0004, Scale(0, 1, 3)), signed(0.0004, Scale(0, 1, 3))
    ('+2.3', '0.000', '0.000')
    """
    shown = f"{x:+.{sc.digits}f}"
    return shown[1:] if float(shown) == 0 else shown
