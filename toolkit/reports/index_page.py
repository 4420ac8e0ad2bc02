"""``index.html`` of a report run: the overview, with a link to every report.

It shows the units in a table ordered by rank that sorts (click a heading) and filters (type
in the box) in the browser with a few lines of inline JavaScript and no server; the
distribution of composite scores; a units × dimensions heatmap; and, when the framework
declares a region column (Shandong: the city), the region reports and — for the 16 Shandong
cities, the one region set with tile positions — a tile map coloured by their mean score (no
boundary data, no map service). What a unit, a region and a dimension are called comes from
the framework.
Everything that comes from the data is escaped; links point only at the sanitised file names
chosen by :func:`toolkit.reports.batch.safe_filename`.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import numpy as np
import yaml

from . import charts, facts, standing
from .gaps import gaps_section
from .marks import cell
from .marks import key as mk
from .page import document
from .text import esc, nc, peer_name, region_name, t, unit_name
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


def index_html(bundle, records: dict, lang: str = "zh", head: str = "", year: int | None = None,
               store: Path | None = None, bundle_digest: str = "") -> str:
    """The run's overview page (a complete HTML document); ``store`` and ``bundle_digest``: where
    its added sections are kept between runs of one bundle (:func:`overview_sections`)."""
    fw = bundle.framework
    region, peer = fw.region_column, fw.peer_column
    dim_codes = [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]
    root = fw.root.code
    unit_recs = {r["target"]: r for r in records.values() if r.get("by") == "unit"}
    city_recs = {r["target"]: r for r in records.values() if r.get("by") == "city"}
    if year is None:
        years = [r.get("year") for r in records.values() if r.get("year")]
        year = max(years) if years else bundle.years[-1]
    s = facts.year_rows(bundle, year).sort_values("rank")
    mean_name = t(facts.mean_key(bundle, year), lang, fw)
    sc = facts.scale(bundle)

    def link(rec, text):
        if rec and rec.get("status") == "ok":
            return f'<a href="{esc(quote(rec["filename"]))}">{esc(text)}</a>'
        if rec and rec.get("status") == "failed":
            return f'{esc(text)} <span class="failed">({esc(t("failed", lang))})</span>'
        return esc(text)

    # units table, by rank (with the region and peer columns the framework declares)
    rows = []
    for r in s.to_dict("records"):
        iv = facts.interval(bundle, r["unit_id"], year)
        groups = []
        if region:
            groups.append(("html", link(city_recs.get(r[region]), region_name(fw, r[region], lang))))
        if peer:
            groups.append(peer_name(fw, r[peer], lang))
        # the score beside the name: on a phone both are on screen without scrolling the table
        rows.append([r["rank"], ("html", link(unit_recs.get(r["unit_id"]), unit_name(r, lang, fw))),
                     cell(mk(r["unit_id"], root, year), sc.fmt(r[root])), *groups,
                     f"{iv[0]}–{iv[1]}" if iv else nc(lang),
                     *[cell(mk(r["unit_id"], d, year), sc.fmt(r[d])) for d in dim_codes],
                     standing.type_label(bundle, r["unit_id"], lang, year) or nc(lang)])
    k = (1 if region else 0) + (1 if peer else 0)
    heads = [t("rank", lang), t("brain", lang, fw), t("composite", lang), *([t("city", lang, fw)] if region else []),
             *([t("industry", lang, fw)] if peer else []),
             t("interval", lang), *[fw.label(d, lang) for d in dim_codes], t("type", lang)]
    tab = table_html(heads, rows, num_cols=[0, 2, *range(4 + k, 4 + k + len(dim_codes))], cls="sortable units",
                     keep=(0, 1), lang=lang)  # printed in parts, each with the rank and the name
    tab = tab.replace('<table class="sortable units">', '<table class="sortable units" id="units">', 1)
    flt = (f'<input class="filter" type="search" data-table="units" placeholder="{esc(t("filter", lang))}…" '
           f'aria-label="{esc(t("filter", lang))}">')

    # figures
    ids = list(s["unit_id"])
    hist = charts.histogram(list(s[root]), title=t("distribution", lang), xlabel=t("composite", lang),
                            ylabel=t("count", lang), vmin=sc.lo, vmax=sc.hi, keys=[mk(u, root, year) for u in ids])
    unit_links = [quote(unit_recs[u]["filename"]) if unit_recs.get(u, {}).get("status") == "ok" else None
                  for u in s["unit_id"]]
    heat = charts.heatmap([unit_name(r, lang, fw) for r in s.to_dict("records")],
                          [fw.label(d, lang) for d in dim_codes],
                          np.asarray(s[dim_codes], float).tolist(), links=unit_links, width=720,
                          vmin=sc.lo, vmax=sc.hi, digits=sc.digits,
                          keys=[[mk(u, d, year) for d in dim_codes] for u in ids])
    figures = f"<figure>{hist}</figure>"
    if region and _has_tiles(fw):
        by_city = s.groupby(region)[root].agg(["mean", "size"])
        code_to_zh = dict(zip(_cities().index, _cities()["zh"], strict=True))
        tiles, keys = [], []
        for code, (c, r) in city_tiles().items():
            zh = code_to_zh[code]
            v = float(by_city.loc[zh, "mean"]) if zh in by_city.index else float("nan")
            rec = city_recs.get(zh)
            keys.append(mk(f"@region={zh}", root, year))
            tiles.append((c, r, region_name(fw, zh, lang), v,
                          quote(rec["filename"]) if rec and rec.get("status") == "ok" else None))
        tmap = charts.tile_map(tiles, title=t("map", lang, fw), legend=t("composite", lang), vmin=sc.lo, vmax=sc.hi,
                               digits=sc.digits, keys=keys)
        figures = f"<figure>{tmap}</figure>" + figures

    # regions table
    regions = ""
    if region:
        crow = []
        for c, g in s.groupby(region, sort=False):
            crow.append([("html", link(city_recs.get(c), region_name(fw, c, lang))), len(g),
                         cell(mk(f"@region={c}", root, year), sc.fmt(g[root].mean())), int(g["rank"].min()),
                         float(g[root].mean())])
        crow.sort(key=lambda x: -x[4])
        crow = [x[:4] for x in crow]
        ctab = table_html([t("city", lang, fw), t("n_brains", lang, fw), t("mean_score", lang), t("best_rank", lang)],
                          crow, num_cols=[1, 2, 3], cls="sortable")
        regions = section(t("city", lang, fw), ctab)

    title = overview_title(fw, lang) + f" · {year}"
    banner = f'<div class="synthetic">{esc(t("synthetic", lang))}</div>' if bundle.synthetic else ""
    notes = "".join(f'<p class="notice">{esc(t(k, lang, fw).format(n=len(s)))}</p>'
                    for k in facts.notice_keys(bundle, year))
    cells = [(t("n_brains", lang, fw), str(len(s)), ""),
             (mean_name, cell(mk("@mean", root, year), sc.fmt(s[root].mean())), t("composite", lang))]
    if region:
        cells.append((t("city", lang, fw), str(s[region].nunique()), ""))
    meta = bundle.meta
    foot = (f"{esc(t('spec', lang))} {esc(meta.get('spec_name'))} · {esc(t('toolkit', lang))} "
            f"{esc(meta.get('toolkit_version'))} · {esc(t('source', lang))} sha256 "
            f"{esc(str(meta.get('source_sha256', ''))[:16])}… · {esc(t('computed', lang))} {esc(meta.get('computed_at'))}")
    parts = {"units": section(t("all_brains", lang, fw), flt + tab, keep=False),
             "figures": f'<div class="row">{figures}</div>',
             "heatmap": section(t("heatmap", lang, fw), f"<figure>{heat}</figure>", keep=False),
             "regions": regions}
    extra = overview_sections(bundle, year, lang, store, bundle_digest)
    body = (f"{banner}<h1>{esc(title)}</h1>{kpis(cells)}{notes}" + "".join(parts.values()) + extra
            + f'<footer class="provenance">{foot}</footer>')
    return document(title, body, lang, head, SCRIPT)


#: Sections the overview shows after its own (ranks, figures, heatmap, regions), in order: each a
#: function ``(bundle, year, lang) -> str`` returning an HTML section (``views.section``), "" to
#: show nothing. A new overview section (e.g. issue 23's 差距与收敛 / gaps and convergence) is one
#: entry appended here by the module that builds it; the page and its print stylesheet take it as
#: it is, and the run's font subset covers the text of that module (``workers.run_font_css``).
OVERVIEW_SECTIONS: list = []


# issue 23's section (its module imports toolkit.dynamics, scipy and PySAL only when a page is built)
OVERVIEW_SECTIONS.append(gaps_section)


def overview_sections(bundle, year: int, lang: str = "zh", store: Path | None = None, bundle_digest: str = "") -> str:
    """The HTML of the overview's added sections (:data:`OVERVIEW_SECTIONS`) for ``year`` and ``lang``.

    With ``store`` (a file of the run folder) and the bundle's digest, the sections are kept
    there under a key of everything they are made of: the bundle, the year, the language, the
    toolkit's version, the code of the modules that build them and the files the framework's
    geography names (its polygons). A run whose bundle is unchanged reads them back instead of
    importing the dynamics stack (PySAL and numba, statsmodels, scipy.stats: seconds in
    a fresh process) and running the chain again; any change makes them anew.

    Examples
    --------
    >>> import tempfile, toolkit
    >>> from toolkit.reports.bundle import Bundle, index_tables
    >>> demo = toolkit.read_indicators("data/raw/demo_synthetic_returns.csv").table
    >>> r = toolkit.build_index(demo[demo.year >= 2024])   # the demo's last two years
    >>> b = Bundle(index_tables(r), {"synthetic": True}, r.framework)
    >>> store = Path(tempfile.mkdtemp()) / "sections.json"
    >>> html = overview_sections(b, 2025, "en", store, "digest-1")
    >>> html == overview_sections(b, 2025, "en") and store.is_file()
    True
    >>> overview_sections(b, 2025, "zh", store, "digest-1") == html  # another key: made anew
    False
    """
    def make() -> str:
        return "".join(section(bundle, year, lang) for section in OVERVIEW_SECTIONS)

    if store is None or not bundle_digest:
        return make()
    key = _sections_key(bundle, year, lang, bundle_digest)
    try:
        doc = json.loads(Path(store).read_text("utf-8"))
        if isinstance(doc, dict) and doc.get("key") == key and isinstance(doc.get("html"), str):
            return doc["html"]
    except (OSError, ValueError):
        pass
    html = make()
    from ..files import write_atomic

    Path(store).parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"key": key, "html": html}, ensure_ascii=False)
    write_atomic(store, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return html


def _sections_key(bundle, year: int, lang: str, bundle_digest: str) -> str:
    """What the added sections are made of, hashed (see :func:`overview_sections`)."""
    import inspect

    from .. import __version__

    h = hashlib.sha256(json.dumps([bundle_digest, int(year), lang, __version__]).encode())
    for make in OVERVIEW_SECTIONS:
        h.update(Path(inspect.getsourcefile(make)).read_bytes())
    for geo in getattr(bundle.framework, "geography", ()) or ():
        polygons = getattr(geo, "polygons", None)
        if polygons is not None and Path(polygons).is_file():
            h.update(Path(polygons).read_bytes())
    return h.hexdigest()


def overview_title(fw, lang: str = "zh") -> str:
    """The overview page's title: the framework's ``reporting.title``, else the index's name
    with 评价总览 / ": overview".

    Examples
    --------
    >>> from toolkit.framework.loader import load_framework
    >>> overview_title(load_framework(), "en"), overview_title(load_framework("undp_hdi"), "zh")
    ('Industrial Brain evaluation: overview', '人类发展指数总览')
    """
    if fw.wording.title:
        return fw.wording.title[0 if lang == "zh" else 1]
    name = fw.root.name(lang)
    return f"{name}评价总览" if lang == "zh" else f"{name}: overview"


def _has_tiles(fw) -> bool:
    """Tile positions exist for the 16 Shandong cities only (``reference/city_tiles.yaml``)."""
    c = fw.unit_column(fw.region_column)
    return c.reference == "shandong_cities.zh"
