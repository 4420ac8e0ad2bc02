"""What a unit's profile shows, as small functions the report notebook calls.

Every function takes the run's :class:`~toolkit.reports.bundle.Bundle`, a unit and a year, and
returns an ``IPython.display.HTML`` block (or, for the ``*_frame`` functions, a DataFrame).
Text that comes from the data (unit names, regions, peer groups) is always escaped, so a name
such as ``<script>`` shows as text and never runs. Figures are inline SVG
(:mod:`toolkit.reports.charts`). Region (city) reports are in :mod:`toolkit.reports.city_views`.

The words — what a unit is called, the region and peer columns, the level shown as dimensions
— come from the framework (:meth:`toolkit.framework.model.Framework.words`); a section that
needs a column the framework does not declare (same-city means, same-industry peers) is left
out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import charts, facts, standing
from .marks import MARK, cell, change, unmark, value, vcell
from .marks import key as mk
from .plan import unit_file
from .summary import indicator_label, sentences, strengths_weaknesses
from .tables import has_cjk, html_cell, table_html
from .text import (
    T,
    arrow,
    esc,
    fmt_pct,
    fmt_raw,
    nc,
    peer_name,
    region_name,
    t,
    unit_name,
)

__all__ = ["T", "banner", "block", "kpis", "section", "coupling_html", "dimension_html", "dims", "esc", "headline_html", "heading",
           "indicator_html", "nav_html", "notices_html", "obstacle_html", "peers_html", "position_html",
           "provenance_html", "strengths_html", "summary_html", "t", "table_html", "trend_html"]


def block(body: str):
    from IPython.display import HTML

    return HTML(body)


def dims(bundle) -> list[str]:
    """The nodes shown as dimensions: the framework's dimension level, else the level below the index."""
    fw = bundle.framework
    return [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]


def dimension_of(fw, code: str) -> str:
    """The code of the dimension (the level :func:`dims` shows) that ``code`` belongs to."""
    return fw.ancestor(code, fw.dimension_level or fw.levels[1])


def _present(value) -> bool:
    return isinstance(value, str) and value != ""


def heading(text_zh: str, text_en: str, lang: str = "zh", level: int = 2):
    return block(f"<h{level}>{esc(text_zh if lang == 'zh' else text_en)}</h{level}>")


def section(title: str, body: str, level: int = 2, keep: bool = True) -> str:
    """A heading with what follows it; ``keep``: never split across printed pages (short sections)."""
    cls = ' class="keep"' if keep else ""
    return f'<section{cls}><h{level}>{esc(title)}</h{level}>{body}</section>'


def banner(bundle, lang: str = "zh"):
    """The synthetic-data notice (empty for real data)."""
    if not bundle.synthetic:
        return block("")
    return block(f'<div class="synthetic">{esc(t("synthetic", lang))}</div>')


def nav_html(links: dict | None, lang: str = "zh", bundle=None):
    """Links back to the run's index and to the unit's region (city) report (named in the words
    of ``bundle``'s framework)."""
    links = links or {}
    items = []
    if links.get("index"):
        items.append(f'<a href="{esc(links["index"])}">{esc(t("back_index", lang))}</a>')
    if links.get("city"):
        items.append(f'<a href="{esc(links["city"])}">{esc(t("back_city", lang, bundle))}</a>')
    return block(f'<nav class="nav">{" · ".join(items)}</nav>' if items else "")


def notices_html(bundle, year: int, lang: str = "zh"):
    """One plain line each for a small sample, a Monte Carlo that was not run, and data that do
    not cover the whole (the province)."""
    n = facts.n_units(bundle, year)
    return block("".join(f'<p class="notice">{esc(t(k, lang, bundle).format(n=n))}</p>'
                         for k in facts.notice_keys(bundle, year)))


# -- headline ------------------------------------------------------------------------------------
def headline(bundle, unit_id: str, year: int, lang: str = "zh") -> dict:
    """The headline figures of a unit: composite, rank of n, interval (None if not computed),
    change since the previous year, type label; its region, the region's detail (county) and
    its peer group when the framework declares them ("" otherwise)."""
    row = facts.unit_row(bundle, unit_id, year)
    fw = bundle.framework
    root = fw.root.code
    prev = facts.previous_year(bundle, year)
    change = None
    if prev is not None:
        try:
            a = facts.unit_row(bundle, unit_id, prev)
            change = (float(row[root]) - float(a[root]), int(row["rank"]) - int(a["rank"]), prev)
        except KeyError:
            pass
    region = region_name(fw, row[fw.region_column], lang) if fw.region_column else ""
    peer = peer_name(fw, row[fw.peer_column], lang) if fw.peer_column else ""
    detail = row.get(fw.wording.region_detail) if fw.wording.region_detail else None
    return {"name": unit_name(row, lang, fw), "name_raw": unit_name(row, "zh", fw), "region": region,
            "peer": peer, "detail": detail, "year": int(year),
            "composite": float(row[root]), "rank": int(row["rank"]), "n": int(row["n_units"]),
            "interval": facts.interval(bundle, unit_id, year), "change": change,
            "type": standing.type_label(bundle, unit_id, lang, year)}


def kpis(cells) -> str:
    """Key figures: (label, value, small print); a value given as ``("html", s)`` is inserted as is."""
    return '<div class="kpis">' + "".join(
        f'<div class="kpi"><div class="k">{esc(k)}</div><div class="v">{html_cell(v)}</div>'
        + (f'<div class="s">{esc(s)}</div>' if s else "") + "</div>" for k, v, s in cells) + "</div>"


def headline_html(bundle, unit_id: str, year: int, lang: str = "zh", level: int = 1):
    h = headline(bundle, unit_id, year, lang)
    iv = f"{h['interval'][0]}–{h['interval'][1]}" if h["interval"] else nc(lang)
    if h["change"]:
        d, dr, prev = h["change"]
        root = bundle.framework.root.code
        moved = cell(change(mk(unit_id, root, year), mk(unit_id, root, prev)), arrow(d, facts.scale(bundle).digits))
        change_ = (moved, f"{t('rank', lang)} {arrow(dr, 0, lower_is_better=True)} · {prev}→{h['year']}")
    else:
        change_ = (t("none", lang), "")
    typ = h["type"] or nc(lang)
    info = standing.type_info(bundle, unit_id, lang, year) or {}
    composite = cell(mk(unit_id, bundle.framework.root.code, year), facts.scale(bundle).fmt(h["composite"]))
    cells = [(t("composite", lang), composite, ""), (t("rank", lang), f"{h['rank']} / {h['n']}", ""),
             (t("interval", lang), iv, ""), (t("change", lang), change_[0], change_[1]),
             (t("type", lang), typ, (info.get("basis") or t("type_basis", lang, bundle)) if h["type"] else "")]
    if info and info.get("shape"):
        cells.append((t("shape", lang), info["shape"], ""))
    detail = h["detail"] if lang == "zh" or not has_cjk(h["detail"]) else None  # a county has no English name
    sub = " · ".join(esc(x) for x in (h["region"], detail, h["peer"], f"{t('year', lang)} {h['year']}") if x)
    # an English name composed from a Chinese one shows the official name under it (not a country's
    # name in the other language)
    official = lang == "en" and h["name"] != h["name_raw"] and bundle.framework.id_names is None
    orig = f'<p class="sub" lang="zh">{esc(h["name_raw"])}</p>' if official else ""
    return block(f'<h{level}>{esc(h["name"])}</h{level}>{orig}<p class="sub">{sub}</p>{kpis(cells)}')


def summary_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    text = ("" if lang == "zh" else " ").join(sentences(bundle, unit_id, year, lang, mark=MARK.format))
    return block(section(t("summary", lang), f'<p class="summary">{unmark(esc(text))}</p>'))


# -- dimensions ----------------------------------------------------------------------------------
def dimension_frame(bundle, unit_id: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """Dimension scores of the unit against the comparison mean, the best unit and its
    same-peer-group and same-region peers (columns ``peers`` and ``region``: means over the
    *other* units; NaN when there are none or the framework declares no such column)."""
    s = facts.year_rows(bundle, year)
    row = facts.unit_row(bundle, unit_id, year)
    d = dims(bundle)
    me = row[d].to_numpy(float)

    def others(col):  # mean of the group's other units = (group sum − self) / (group size − 1)
        if col is None or not _present(row.get(col)):
            return np.full(len(d), np.nan)
        sums, sizes = facts.group_sums(bundle, year, col, d)
        k = sizes.get(row[col], 1)
        return (sums.loc[row[col]].to_numpy(float) - me) / (k - 1) if k > 1 else np.full(len(d), np.nan)

    stats = facts.year_stats(bundle, year, d)
    return pd.DataFrame({
        "score": me, "mean": stats["mean"].to_numpy(), "best": stats["max"].to_numpy(),
        "peers": others(bundle.framework.peer_column), "region": others(bundle.framework.region_column),
        "rank": [int((s[c].to_numpy() > row[c]).sum() + 1) for c in d],
    }, index=d)


def dimension_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    """Radar and grouped bars of the dimension scores against the comparison groups, and the table."""
    fw = bundle.framework
    f = dimension_frame(bundle, unit_id, year, lang)
    labels = [fw.label(c, lang) for c in f.index]
    mean = t(facts.mean_key(bundle, year), lang, bundle)
    groups = [(key, col) for key, col in (("same_industry", "peers"), ("same_city", "region"))
              if (fw.peer_column if col == "peers" else fw.region_column)]  # the columns the framework has
    series = [(t("this", lang, bundle), f["score"]), (mean, f["mean"]), (t("best", lang, bundle), f["best"]),
              *[(t(key, lang, bundle), f[col]) for key, col in groups]]
    who = {"score": unit_id, "mean": "@mean", "best": "@max", "peers": f"@others-peer={unit_id}",
           "region": f"@others-region={unit_id}"}
    cols = ["score", "mean", "best", *[col for _, col in groups]]
    keys = {col: [mk(who[col], d, year) for d in f.index] for col in cols}
    kept = [(nm, v, keys[col]) for (nm, v), col in zip(series, cols, strict=True)
            if not np.isnan(np.asarray(v, float)).all()]
    series = [(nm, list(v)) for nm, v, _ in kept]
    sc = facts.scale(bundle)
    radar = charts.radar(labels, series[:3], title="", vmin=sc.lo, vmax=sc.hi, keys=[k for *_, k in kept[:3]])
    bars = charts.hbars(labels, series, vmin=sc.lo, vmax=sc.hi, digits=sc.digits, keys=[k for *_, k in kept])
    n = facts.n_units(bundle, year)
    rows = [[lab, *[cell(keys[col][i], sc.fmt(r[col])) for col in cols], f"{int(r['rank'])} / {n}"]
            for i, (lab, (_, r)) in enumerate(zip(labels, f.iterrows(), strict=True))]
    tab = table_html([t("dimension", lang, bundle), t("score", lang), mean, t("best", lang, bundle),
                      *[t(key, lang, bundle) for key, _ in groups], t("rank", lang)], rows,
                     num_cols=range(1, 5 + len(groups)))
    return block(section(t("dim_scores", lang, bundle),
                         f'<div class="row"><figure>{radar}</figure><figure>{bars}</figure></div>{tab}',
                         keep=False))  # printed, its figures take the page's width: it may span two pages


def position_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    """Where the unit stands among all units: one bar chart for the composite and one per dimension."""
    fw = bundle.framework
    s = facts.year_rows(bundle, year)
    root = fw.root.code
    mean = t(facts.mean_key(bundle, year), lang, bundle)
    figs = []
    sc = facts.scale(bundle)
    for code in [root, *dims(bundle)]:
        title = t("composite", lang) if code == root else fw.label(code, lang)
        figs.append(charts.bars(list(zip(s["unit_id"], s[code], strict=True)), highlight=unit_id, title=title,
                                mean=float(s[code].mean()), mean_label=mean, vmin=sc.lo, vmax=sc.hi,
                                digits=sc.digits, width=400, mark=(code, year)))  # three to a row: drawn at the size shown
    return block(section(t("position", lang, bundle), '<div class="grid">' + "".join(f"<figure>{f}</figure>" for f in figs)
                         + "</div>", keep=False))


def trend_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    """Composite and dimension scores over the years (only when two or more years exist)."""
    years = [y for y in bundle.years if y <= year]
    s = bundle.summary[(bundle.summary["unit_id"] == unit_id) & (bundle.summary["year"].isin(years))]
    if len(s) < 2:
        return block("")
    fw = bundle.framework
    root = fw.root.code
    s = s.sort_values("year")
    series = [(t("composite", lang), list(s[root]))] + [(fw.label(d, lang), list(s[d])) for d in dims(bundle)]
    sc = facts.scale(bundle)
    ys = [int(y) for y in s["year"]]
    codes = [root, *dims(bundle)]
    fig = charts.trend(ys, series, vmin=sc.lo, vmax=sc.hi, keys=[[mk(unit_id, c, y) for y in ys] for c in codes])
    rows = [[t("composite", lang) if c == root else fw.label(c, lang),
             *[cell(mk(unit_id, c, y), sc.fmt(v)) for y, v in zip(ys, s[c], strict=True)],
             cell(change(mk(unit_id, c, ys[-1]), mk(unit_id, c, ys[-2])),
                  arrow(float(s[c].iloc[-1] - s[c].iloc[-2]), sc.digits))] for c in codes]
    rows.append([t("rank", lang), *[str(int(v)) for v in s["rank"]],
                 arrow(float(s["rank"].iloc[-1] - s["rank"].iloc[-2]), 0, lower_is_better=True)])
    tab = table_html(["", *[str(int(y)) for y in s["year"]], t("change", lang)], rows,
                     num_cols=range(1, len(s) + 2))
    return block(section(t("trend", lang), f'<div class="row"><figure>{fig}</figure><div>{tab}</div></div>'))


# -- indicators ----------------------------------------------------------------------------------
def _value(fw, code, raw, imputed, lang) -> str:
    node = fw.node(code)
    unit = (node.unit if lang == "zh" else node.unit_en) or ""
    unit = "" if unit in ("/", "") else f" {unit}"
    if node.type == "binary" and raw == raw:
        return ("是" if raw >= 0.5 else "否") if lang == "zh" else ("yes" if raw >= 0.5 else "no")
    return f"{fmt_raw(raw)}{unit}" if raw == raw else f"— ({t('imputed', lang)})" if imputed else "—"


def strengths_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    """The indicators furthest above and below the other units, by percentile."""
    title = "优势与短板" if lang == "zh" else "Strengths and weaknesses"
    sw = strengths_weaknesses(bundle, unit_id, year)
    if sw is None:
        return block(section(title, f'<p class="nc">{esc(nc(lang))}</p>'))
    fw = bundle.framework
    parts = []
    for key, df in zip(("strengths", "weaknesses"), sw, strict=True):
        rows = [[indicator_label(fw, r.code, lang), fw.label(dimension_of(fw, r.code), lang),
                 _value(fw, r.code, r.raw, r.imputed, lang),
                 vcell(value("percentile", unit_id, r.code, year), f"{r.percentile:.0f}")] for r in df.itertuples()]
        body = table_html([t("indicator", lang), t("dimension", lang, bundle), t("raw", lang), t("percentile", lang)],
                          rows, num_cols=[2, 3]) if rows else f'<p class="note">{esc(t("no_" + key, lang))}</p>'
        parts.append(f'<div><h3>{esc(t(key, lang))}</h3>{body}</div>')
    return block(section(title, '<div class="row">' + "".join(parts) + f'</div><p class="note">'
                         f'{esc(t("meaning_percentile", lang, bundle))}</p>'))


def indicator_frame(bundle, unit_id: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """Per indicator: name, dimension, raw value with unit, normalised score, percentile, weight."""
    fw = bundle.framework
    lv = facts.unit_table(bundle, "leaves", unit_id, year)
    pct = facts.percentiles_computed(bundle, year)
    return pd.DataFrame({
        "code": lv["code"].to_numpy(),
        "name": [indicator_label(fw, c, lang) for c in lv["code"]],
        "dimension": [fw.label(dimension_of(fw, c), lang) for c in lv["code"]],
        "value": [_value(fw, c, r, i, lang) for c, r, i in zip(lv["code"], lv["raw"], lv["imputed"], strict=True)],
        "normalised": lv["normalised"].to_numpy(), "percentile": lv["percentile"].to_numpy() if pct else np.nan,
        "weight": lv["weight"].to_numpy(), "imputed": lv["imputed"].to_numpy(),
    })


def indicator_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    f = indicator_frame(bundle, unit_id, year, lang)
    sc = facts.scale(bundle)
    rows = [[r.name, r.dimension, r.value, cell(mk(unit_id, r.code, year), sc.fmt(r.normalised)),
             vcell(value("percentile", unit_id, r.code, year), f"{r.percentile:.0f}") if r.percentile == r.percentile
             else nc(lang), vcell(value("indicator_weight", unit_id, r.code, year), fmt_pct(r.weight))]
            for r in f.itertuples()]
    tab = table_html([t("indicator", lang), t("dimension", lang, bundle), t("raw", lang), t("normalised", lang),
                      t("percentile", lang), t("weight", lang)], rows, num_cols=[2, 3, 4, 5], cls="indicators")
    n_imp = int(f["imputed"].sum())
    note = t("weights_note", lang) + (f" {n_imp} " + ("项缺失值已插补，标为“插补”。" if lang == "zh" else
                                                       "missing values were imputed (marked “imputed”).")
                                      if n_imp else "")
    return block(section("指标明细" if lang == "zh" else "Indicators", tab + f'<p class="note">{esc(note)}</p>',
                         keep=False))


def obstacle_html(bundle, unit_id: str, year: int, lang: str = "zh", k: int = 5):
    fw = bundle.framework
    ob = facts.unit_table(bundle, "obstacles", unit_id, year).sort_values("rank").head(k)
    rows = [[int(r.rank), indicator_label(fw, r.code, lang), fw.label(dimension_of(fw, r.code), lang),
             vcell(value("obstacle", unit_id, r.code, year), f"{r.obstacle:.1f}%")] for r in ob.itertuples()]
    tab = table_html(["#", t("indicator", lang), t("dimension", lang, bundle), t("obstacle", lang)], rows,
                     num_cols=[0, 3])
    title = "主要障碍因素" if lang == "zh" else "Main obstacles"
    return block(section(title, f'<p class="note">{esc(t("meaning_obstacle", lang, bundle))}</p>{tab}'))


def coupling_html(bundle, unit_id: str, year: int, lang: str = "zh"):
    cc = bundle.coupling
    row = facts.unit_table(bundle, "coupling", unit_id, year)
    if row.empty:
        return block(section(t("coupling", lang), f'<p class="nc">{esc(nc(lang))}</p>'))
    row = row.iloc[0]
    grade = row["grade_zh"] if lang == "zh" else row["grade_en"]
    stage = row.get("stage_zh" if lang == "zh" else "stage_en")
    all_d = cc[cc["year"] == year]["D"]
    pos = int((all_d > row["D"]).sum() + 1)
    cells = [(s, vcell(value("coupling", unit_id, year, s), f"{row[s]:.3f}"), "") for s in ("D", "C", "T")]
    cells[0] = (*cells[0][:2], f"{t('rank', lang)} {pos} / {len(all_d)}")
    cells.append((t("grade", lang), str(grade), str(stage or "")))
    return block(section(t("coupling", lang), kpis(cells)
                         + f'<p class="note">{esc(t("meaning_coupling", lang, bundle))}</p>'))


MAX_PEERS = 10


def peers_frame(bundle, unit_id: str, year: int, k: int = 5) -> tuple[str, pd.DataFrame]:
    """The unit's peers: the units of its peer group (the framework's peer column: Shandong's
    industry), or — when it is alone in its group or the framework declares no peer column — the
    ``k`` units nearest to it by dimension profile (Euclidean distance). Returns (kind, rows);
    ``kind`` is ``"peers"``, ``"alone"`` or ``"nearest"``; the unit itself is the first row. A
    group of more than :data:`MAX_PEERS` other units shows the ones nearest in rank."""
    s = facts.year_rows(bundle, year)
    row = facts.unit_row(bundle, unit_id, year)
    ids = s["unit_id"].to_numpy()
    me = ids == unit_id
    col = bundle.framework.peer_column
    if col is not None:
        ind = s[col].to_numpy()
        same = (ind == row[col]) & pd.notna(ind)
        if same.sum() > 1:
            rest = s[same & ~me]
            if len(rest) > MAX_PEERS:  # a big group: the peers nearest in rank
                gap = (rest["rank"] - row["rank"]).abs().to_numpy()
                rest = rest.iloc[np.lexsort((rest["rank"].to_numpy(), gap))[:MAX_PEERS]]
            return "peers", pd.concat([s[me], rest.sort_values("rank")])
    d = dims(bundle)
    dist = np.sqrt(((s[d].to_numpy(float) - row[d].to_numpy(float)) ** 2).sum(axis=1))
    dist[me] = np.inf
    order = np.lexsort((s["rank"].to_numpy(), dist))[:k]
    return "alone" if col is not None else "nearest", pd.concat([s[me], s.iloc[order]])


def peers_html(bundle, unit_id: str, year: int, lang: str = "zh", links: dict | None = None):
    """The unit's peers (:func:`peers_frame`) as a table, linked to their reports; the region and
    peer columns only when the framework declares them."""
    kind, p = peers_frame(bundle, unit_id, year)
    fw = bundle.framework
    root = fw.root.code
    sc = facts.scale(bundle)
    cols = [(c, name_of, key) for c, name_of, key in ((fw.region_column, region_name, "city"),
                                                      (fw.peer_column, peer_name, "industry")) if c]
    rows = []
    for r in p.to_dict("records"):
        name = esc(unit_name(r, lang, fw))
        if r["unit_id"] == unit_id:
            name = f"<b>{name}</b>"
        elif unit_file(links, r["unit_id"]):
            name = f'<a href="{esc(unit_file(links, r["unit_id"]))}">{name}</a>'
        rows.append([("html", name), *[name_of(fw, r[c], lang) for c, name_of, _ in cols],
                     cell(mk(r["unit_id"], root, year), sc.fmt(r[root])), int(r["rank"]),
                     *[cell(mk(r["unit_id"], d, year), sc.fmt(r[d])) for d in dims(bundle)]])
    first = 1 + len(cols)
    tab = table_html([t("brain", lang, bundle), *[t(key, lang, bundle) for *_, key in cols], t("composite", lang),
                      t("rank", lang), *[fw.label(d, lang) for d in dims(bundle)]], rows,
                     num_cols=range(first, first + 2 + len(dims(bundle))), lang=lang)
    note = "" if kind == "peers" else f'<p class="note">{esc(t(kind if kind == "alone" else "nearest_note", lang, bundle))}</p>'
    return block(section(t("peers" if kind == "peers" else "nearest", lang, bundle), note + tab))


def provenance_html(bundle, lang: str = "zh"):
    m = bundle.meta
    iv = (t("mc", lang).format(n=m.get("n_uncertainty"), seed=m.get("seed")) if facts.intervals_computed(bundle)
          else nc(lang))
    items = [(t("source", lang), f"{m.get('source')} (sha256 {str(m.get('source_sha256', ''))[:16]}…)"),
             (t("spec", lang), f"{m.get('spec_name')} (sha256 {str(m.get('spec_sha256', ''))[:16]}…)"),
             (t("framework", lang), f"{m.get('framework')} v{m.get('framework_version')}"),
             *([(t("excluded", lang), ", ".join(m["excluded"]))] if m.get("excluded") else []),
             (t("toolkit", lang), m.get("toolkit_version")), (t("computed", lang), m.get("computed_at")),
             (t("intervals_src", lang), iv),
             (t("synthetic_flag", lang), t("yes_demo", lang) if m.get("synthetic") else t("no", lang))]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items)
    return block(section(t("provenance", lang), f"<div class='tbl'><table class='provenance'>{rows}</table></div>"))
