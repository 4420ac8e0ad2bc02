"""``index.html`` of a report run: the province overview, with a link to every report.

It shows the brains in a table ordered by rank that sorts (click a heading) and filters (type
in the box) in the browser with a few lines of inline JavaScript and no server; the
distribution of composite scores; a brains × dimensions heatmap; a tile map of the 16 cities
coloured by their mean score (no boundary data, no map service); and the city reports.
Everything that comes from the data is escaped; links point only at the sanitised file names
chosen by :func:`toolkit.reports.batch.safe_filename`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from urllib.parse import quote

import numpy as np
import yaml

from . import charts, facts
from .page import document
from .text import brain_name, city_name, esc, fmt_num, industry_name, nc, t
from .views import kpis, section, table_html

SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function(tb){
 var body=tb.tBodies[0];
 tb.querySelectorAll('th').forEach(function(th,i){th.classList.add('sortable');var asc=true;
  th.addEventListener('click',function(){var rows=Array.prototype.slice.call(body.rows);
   rows.sort(function(a,b){var x=a.cells[i].getAttribute('data-v')||a.cells[i].textContent,
    y=b.cells[i].getAttribute('data-v')||b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);
    var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
   asc=!asc;rows.forEach(function(r){body.appendChild(r);});});});});
document.querySelectorAll('input.filter').forEach(function(inp){
 var tb=document.getElementById(inp.getAttribute('data-table'));
 inp.addEventListener('input',function(){var q=inp.value.toLowerCase();
  Array.prototype.forEach.call(tb.tBodies[0].rows,function(r){
   r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});});
"""


@lru_cache(maxsize=1)
def city_tiles() -> dict[str, tuple[int, int]]:
    """Tile-map positions (column, row) of the 16 cities by GB/T 2260 code.

    Examples
    --------
    >>> tiles = city_tiles()
    >>> len(tiles), tiles["370100"]
    (16, (1, 1))
    """
    doc = yaml.safe_load((resources.files("toolkit") / "reference" / "city_tiles.yaml").read_text("utf-8"))
    return {str(k): tuple(v) for k, v in doc["tiles"].items()}


def _cities():
    from ..framework.geo import cities

    return cities()


def index_html(bundle, records: dict, lang: str = "zh", head: str = "", year: int | None = None) -> str:
    """The run's overview page (a complete HTML document)."""
    fw = bundle.framework
    root = fw.root.code
    unit_recs = {r["target"]: r for r in records.values() if r.get("by") == "unit"}
    city_recs = {r["target"]: r for r in records.values() if r.get("by") == "city"}
    if year is None:
        years = [r.get("year") for r in records.values() if r.get("year")]
        year = max(years) if years else bundle.years[-1]
    s = facts.year_rows(bundle, year).sort_values("rank")
    mean_name = t(facts.mean_key(bundle, year), lang)

    def link(rec, text):
        if rec and rec.get("status") == "ok":
            return f'<a href="{esc(quote(rec["filename"]))}">{esc(text)}</a>'
        if rec and rec.get("status") == "failed":
            return f'{esc(text)} <span class="failed">({esc(t("failed", lang))})</span>'
        return esc(text)

    # brains table, by rank
    rows = []
    for r in s.to_dict("records"):
        iv = facts.interval(bundle, r["unit_id"], year)
        rows.append([r["rank"], ("html", link(unit_recs.get(r["unit_id"]), brain_name(r, lang))),
                     ("html", link(city_recs.get(r["city"]), city_name(r["city"], lang))),
                     industry_name(r["industry"], lang), fmt_num(r[root]),
                     f"{iv[0]}–{iv[1]}" if iv else nc(lang), *[fmt_num(r[d]) for d in fw.dimensions.index],
                     facts.type_label(bundle, r["unit_id"], lang) or nc(lang)])
    heads = [t("rank", lang), t("brain", lang), t("city", lang), t("industry", lang), t("composite", lang),
             t("interval", lang), *[fw.label(d, lang) for d in fw.dimensions.index], t("type", lang)]
    tab = table_html(heads, rows, num_cols=[0, 4, *range(6, 6 + len(fw.dimensions))], cls="sortable")
    tab = tab.replace('<table class="sortable">', '<table class="sortable" id="brains">', 1)
    flt = (f'<input class="filter" type="search" data-table="brains" placeholder="{esc(t("filter", lang))}…" '
           f'aria-label="{esc(t("filter", lang))}">')

    # figures
    hist = charts.histogram(list(s[root]), title=t("distribution", lang), xlabel=t("composite", lang),
                            ylabel=t("count", lang))
    unit_links = [quote(unit_recs[u]["filename"]) if unit_recs.get(u, {}).get("status") == "ok" else None
                  for u in s["unit_id"]]
    heat = charts.heatmap([brain_name(r, lang) for r in s.to_dict("records")],
                          [fw.label(d, lang) for d in fw.dimensions.index],
                          np.asarray(s[list(fw.dimensions.index)], float).tolist(), links=unit_links, width=720)
    by_city = s.groupby("city")[root].agg(["mean", "size"])
    code_to_zh = dict(zip(_cities().index, _cities()["zh"], strict=True))
    tiles = []
    for code, (c, r) in city_tiles().items():
        zh = code_to_zh[code]
        v = float(by_city.loc[zh, "mean"]) if zh in by_city.index else float("nan")
        rec = city_recs.get(zh)
        tiles.append((c, r, city_name(zh, lang), v,
                      quote(rec["filename"]) if rec and rec.get("status") == "ok" else None))
    tmap = charts.tile_map(tiles, title=t("map", lang), legend=t("composite", lang))

    # cities table
    crow = []
    for c, g in s.groupby("city", sort=False):
        crow.append([("html", link(city_recs.get(c), city_name(c, lang))), len(g), fmt_num(g[root].mean()),
                     int(g["rank"].min())])
    crow.sort(key=lambda x: -float(x[2]))
    ctab = table_html([t("city", lang), t("n_brains", lang), t("mean_score", lang), t("best_rank", lang)], crow,
                      num_cols=[1, 2, 3], cls="sortable")

    title = ("产业大脑评价总览" if lang == "zh" else "Industrial Brain evaluation: overview") + f" · {year}"
    banner = f'<div class="synthetic">{esc(t("synthetic", lang))}</div>' if bundle.synthetic else ""
    notes = "".join(f'<p class="notice">{esc(t(k, lang).format(n=len(s)))}</p>'
                    for k in facts.notice_keys(bundle, year))
    cells = [(t("n_brains", lang), str(len(s)), ""), (mean_name, fmt_num(s[root].mean()), t("composite", lang)),
             (t("city", lang), str(s["city"].nunique()), "")]
    meta = bundle.meta
    foot = (f"spec {esc(meta.get('spec_name'))} · toolkit {esc(meta.get('toolkit_version'))} · "
            f"data sha256 {esc(str(meta.get('source_sha256', ''))[:16])}… · {esc(meta.get('computed_at'))}")
    body = (f"{banner}<h1>{esc(title)}</h1>{kpis(cells)}{notes}"
            + section(t("all_brains", lang), flt + tab, keep=False)
            + f'<div class="row"><figure>{tmap}</figure><figure>{hist}</figure></div>'
            + section(t("heatmap", lang), f"<figure>{heat}</figure>", keep=False)
            + section(t("city", lang), ctab) + f"<footer>{foot}</footer>")
    return document(title, body, lang, head, SCRIPT)
