"""What a region (city) report shows: the region against the whole (the province), and the
ranking of its units with their dimension scores and links to each unit's report.

The region is the unit column the framework declares as ``reporting.region`` (Shandong: the
city); a framework without one has no region reports.
"""

from __future__ import annotations

import numpy as np

from ..errors import FrameworkError
from . import charts, facts, standing
from .marks import cell
from .marks import key as mk
from .plan import unit_file
from .region_trend import region_trend_html as city_trend_html  # noqa: F401 - the report notebook calls it here
from .text import esc, nc, peer_name, region_name, t, unit_name
from .views import block, dimension_of, dims, kpis, section, table_html


def region_column(bundle) -> str:
    """The framework's region column; FrameworkError when it declares none."""
    col = bundle.framework.region_column
    if col is None:
        raise FrameworkError(f"framework {bundle.framework.id} declares no region column (reporting.region); "
                             "it has no region reports")
    return col


def city_rows(bundle, city: str, year: int):
    s = facts.year_rows(bundle, year)
    out = s[s[region_column(bundle)] == city].sort_values("rank")
    if out.empty:
        raise KeyError(f"no units in {city!r} in {year}")
    return out


def city_units(bundle, city: str, year: int) -> list[str]:
    return list(city_rows(bundle, city, year)["unit_id"])


def city_headline_html(bundle, city: str, year: int, lang: str = "zh"):
    s = city_rows(bundle, city, year)
    root = bundle.framework.root.code
    n = facts.n_units(bundle, year)
    allm = facts.year_rows(bundle, year).groupby(region_column(bundle))[root].mean().sort_values(ascending=False)
    pos = int((allm > allm[city]).sum() + 1)
    sc = facts.scale(bundle)
    mean = f"{t(facts.mean_key(bundle, year), lang, bundle)} {sc.fmt(facts.year_rows(bundle, year)[root].mean())}"
    cells = [(t("n_brains", lang, bundle), str(len(s)), ""),
             (t("mean_score", lang), cell(mk(f"@region={city}", root, year), sc.fmt(s[root].mean())), mean),
             (t("best_rank", lang), f"{int(s['rank'].min())} / {n}", ""),
             (t("rank", lang), f"{pos} / {len(allm)}", t("mean_score", lang))]
    title = f"{region_name(bundle.framework, city, lang)} · {t('year', lang)} {int(year)}"
    return block(f"<h1>{esc(title)}</h1>{kpis(cells)}")


def city_nav_html(links: dict | None, lang: str = "zh"):
    links = links or {}
    if not links.get("index"):
        return block("")
    return block(f'<nav class="nav"><a href="{esc(links["index"])}">{esc(t("back_index", lang))}</a></nav>')


def city_vs_province_html(bundle, city: str, year: int, lang: str = "zh"):
    """Grouped bars: the region's mean, the comparison mean and the best unit, per dimension and overall."""
    fw = bundle.framework
    s = facts.year_rows(bundle, year)
    c = city_rows(bundle, city, year)
    codes = [fw.root.code, *dims(bundle)]
    labels = [t("composite", lang) if k == fw.root.code else fw.label(k, lang) for k in codes]
    series = [(t("city_mean", lang, bundle), [float(c[k].mean()) for k in codes]),
              (t(facts.mean_key(bundle, year), lang, bundle), [float(s[k].mean()) for k in codes]),
              (t("best", lang, bundle), [float(s[k].max()) for k in codes])]
    keys = [[mk(who, k, year) for k in codes] for who in (f"@region={city}", "@mean", "@max")]
    sc = facts.scale(bundle)
    chart = charts.hbars(labels, series, vmin=sc.lo, vmax=sc.hi, digits=sc.digits, keys=keys)
    return block(section(t("vs_province", lang, bundle), f"<figure>{chart}</figure>"))


def city_ranking_html(bundle, city: str, year: int, lang: str = "zh", links: dict | None = None):
    """The region's units by rank: composite, rank, interval, the dimensions and type, each linked
    to its report (and the peer group, when the framework declares one)."""
    fw = bundle.framework
    root = fw.root.code
    s = city_rows(bundle, city, year)
    peer = fw.peer_column
    sc = facts.scale(bundle)
    rows = []
    for r in s.to_dict("records"):
        name = esc(unit_name(r, lang, fw))
        if unit_file(links, r["unit_id"]):
            name = f'<a href="{esc(unit_file(links, r["unit_id"]))}">{name}</a>'
        iv = facts.interval(bundle, r["unit_id"], year)
        u = r["unit_id"]
        rows.append([("html", name), *([peer_name(fw, r[peer], lang)] if peer else []),
                     cell(mk(u, root, year), sc.fmt(r[root])), int(r["rank"]), f"{iv[0]}–{iv[1]}" if iv else nc(lang),
                     *[cell(mk(u, d, year), sc.fmt(r[d])) for d in dims(bundle)],
                     standing.type_label(bundle, r["unit_id"], lang, year) or nc(lang)])
    heads = [t("brain", lang, bundle), *([t("industry", lang, bundle)] if peer else []), t("composite", lang),
             t("rank", lang), t("interval", lang), *[fw.label(d, lang) for d in dims(bundle)], t("type", lang)]
    k = 1 if peer else 0
    tab = table_html(heads, rows, num_cols=[1 + k, 2 + k, 3 + k, *range(4 + k, 4 + k + len(dims(bundle)))],
                     cls="ranking", lang=lang)  # the type column keeps its width on a phone (the table scrolls)
    names = [unit_name(r, lang, fw) for r in s.to_dict("records")]
    ids = list(s["unit_id"])
    chart = charts.hbars(names, [(t("composite", lang), list(s[root]))], width=640, vmin=sc.lo, vmax=sc.hi,
                         digits=sc.digits, keys=[[mk(u, root, year) for u in ids]])
    heat = charts.heatmap(names, [fw.label(d, lang) for d in dims(bundle)], np.asarray(s[dims(bundle)], float).tolist(),
                          links=[unit_file(links, u) for u in ids], vmin=sc.lo, vmax=sc.hi, digits=sc.digits,
                          keys=[[mk(u, d, year) for d in dims(bundle)] for u in ids])
    return block(section(t("brains_in_city", lang, bundle), f'<div class="row"><figure>{chart}</figure>'
                                                            f'<figure>{heat}</figure></div>{tab}'))


def city_obstacles_html(bundle, city: str, year: int, lang: str = "zh"):
    """The obstacles most often among the region's units' top three."""
    from .summary import indicator_label

    fw = bundle.framework
    units = city_units(bundle, city, year)
    ob = bundle.obstacles
    ob = ob[(ob["unit_id"].isin(units)) & (ob["year"] == year) & (ob["rank"] <= 3)]
    counts = ob.groupby("code").agg(n=("unit_id", "nunique"), mean=("obstacle", "mean"))
    counts = counts.sort_values(["n", "mean"], ascending=False).head(5)
    rows = [[indicator_label(fw, c, lang), fw.label(dimension_of(fw, c), lang), f"{int(r['n'])} / {len(units)}",
             f"{r['mean']:.1f}%"] for c, r in counts.iterrows()]
    heads = [t("indicator", lang), t("dimension", lang, bundle), t("in_top3", lang, bundle), t("obstacle", lang)]
    title = "共性障碍因素" if lang == "zh" else "Common obstacles"
    return block(section(title, f'<p class="note">{esc(t("meaning_obstacle", lang, bundle))}</p>'
                         + table_html(heads, rows, num_cols=[2, 3])))
