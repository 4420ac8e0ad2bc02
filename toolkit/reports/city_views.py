"""What a city report shows: the city against the province, and the ranking of its brains
with their five dimension scores and links to each brain's report."""

from __future__ import annotations

import numpy as np

from . import charts, facts
from .text import brain_name, city_name, esc, fmt_num, industry_name, nc, t
from .views import block, dims, kpis, section, table_html


def city_rows(bundle, city: str, year: int):
    s = facts.year_rows(bundle, year)
    out = s[s["city"] == city].sort_values("rank")
    if out.empty:
        raise KeyError(f"no brains in {city!r} in {year}")
    return out


def city_units(bundle, city: str, year: int) -> list[str]:
    return list(city_rows(bundle, city, year)["unit_id"])


def city_headline_html(bundle, city: str, year: int, lang: str = "zh"):
    s = city_rows(bundle, city, year)
    root = bundle.framework.root.code
    n = facts.n_units(bundle, year)
    allm = facts.year_rows(bundle, year).groupby("city")[root].mean().sort_values(ascending=False)
    pos = int((allm > allm[city]).sum() + 1)
    cells = [(t("n_brains", lang), str(len(s)), ""), (t("mean_score", lang), f"{s[root].mean():.1f}",
                                                       f"{t(facts.mean_key(bundle, year), lang)} "
                                                       f"{facts.year_rows(bundle, year)[root].mean():.1f}"),
             (t("best_rank", lang), f"{int(s['rank'].min())} / {n}", ""),
             (t("rank", lang), f"{pos} / {len(allm)}", t("mean_score", lang))]
    title = f"{city_name(city, lang)} · {t('year', lang)} {int(year)}"
    return block(f"<h1>{esc(title)}</h1>{kpis(cells)}")


def city_nav_html(links: dict | None, lang: str = "zh"):
    links = links or {}
    if not links.get("index"):
        return block("")
    return block(f'<nav class="nav"><a href="{esc(links["index"])}">{esc(t("back_index", lang))}</a></nav>')


def city_vs_province_html(bundle, city: str, year: int, lang: str = "zh"):
    """Grouped bars: the city's mean, the comparison mean and the best brain, per dimension and overall."""
    fw = bundle.framework
    s = facts.year_rows(bundle, year)
    c = city_rows(bundle, city, year)
    codes = [fw.root.code, *dims(bundle)]
    labels = [t("composite", lang) if k == fw.root.code else fw.label(k, lang) for k in codes]
    series = [(t("city_mean", lang), [float(c[k].mean()) for k in codes]),
              (t(facts.mean_key(bundle, year), lang), [float(s[k].mean()) for k in codes]),
              (t("best", lang), [float(s[k].max()) for k in codes])]
    return block(section(t("vs_province", lang), f"<figure>{charts.hbars(labels, series)}</figure>"))


def city_ranking_html(bundle, city: str, year: int, lang: str = "zh", links: dict | None = None):
    """The city's brains by rank: composite, rank, interval, L1–L5 and type, each linked to its report."""
    fw = bundle.framework
    root = fw.root.code
    s = city_rows(bundle, city, year)
    units = (links or {}).get("units", {})
    rows = []
    for r in s.to_dict("records"):
        name = esc(brain_name(r, lang))
        if units.get(r["unit_id"]):
            name = f'<a href="{esc(units[r["unit_id"]])}">{name}</a>'
        iv = facts.interval(bundle, r["unit_id"], year)
        rows.append([("html", name), industry_name(r["industry"], lang), fmt_num(r[root]), int(r["rank"]),
                     f"{iv[0]}–{iv[1]}" if iv else nc(lang), *[fmt_num(r[d]) for d in dims(bundle)],
                     facts.type_label(bundle, r["unit_id"], lang) or nc(lang)])
    heads = [t("brain", lang), t("industry", lang), t("composite", lang), t("rank", lang), t("interval", lang),
             *[f"{d} {fw.label(d, lang)}" for d in dims(bundle)], t("type", lang)]
    tab = table_html(heads, rows, num_cols=[2, 3, 4, *range(5, 5 + len(dims(bundle)))])
    chart = charts.hbars([brain_name(r, lang) for r in s.to_dict("records")],
                         [(t("composite", lang), list(s[root]))], width=640)
    heat = charts.heatmap([brain_name(r, lang) for r in s.to_dict("records")], [fw.label(d, lang) for d in dims(bundle)],
                          np.asarray(s[dims(bundle)], float).tolist(),
                          links=[units.get(u) for u in s["unit_id"]])
    return block(section(t("brains_in_city", lang), f'<div class="row"><figure>{chart}</figure>'
                                                    f'<figure>{heat}</figure></div>{tab}'))


def city_obstacles_html(bundle, city: str, year: int, lang: str = "zh"):
    """The obstacles most often among the city's brains' top three."""
    from .summary import indicator_label

    fw = bundle.framework
    units = city_units(bundle, city, year)
    ob = bundle.obstacles
    ob = ob[(ob["unit_id"].isin(units)) & (ob["year"] == year) & (ob["rank"] <= 3)]
    counts = ob.groupby("code").agg(n=("unit_id", "nunique"), mean=("obstacle", "mean"))
    counts = counts.sort_values(["n", "mean"], ascending=False).head(5)
    rows = [[indicator_label(fw, c, lang), fw.label(fw.ancestor(c, "dimension"), lang), f"{int(r['n'])} / {len(units)}",
             f"{r['mean']:.1f}%"] for c, r in counts.iterrows()]
    heads = [t("indicator", lang), t("dimension", lang),
             "列入前三障碍的产业大脑" if lang == "zh" else "Brains with it in their top three", t("obstacle", lang)]
    title = "共性障碍因素" if lang == "zh" else "Common obstacles"
    return block(section(title, f'<p class="note">{esc(t("meaning_obstacle", lang))}</p>'
                         + table_html(heads, rows, num_cols=[2, 3])))
