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

_CSS = """body{font-family:"Noto Sans SC","Microsoft YaHei",sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;font-size:13px;margin:0.5em 0 1.5em}td,th{padding:3px 8px;border-bottom:1px solid #ddd;
text-align:right}th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}.note{color:#b45309}
.in{color:#15803d}.out{color:#6b7280}.borderline{color:#b45309;font-weight:bold}h2{margin-top:1.6em}
.bar{fill:#1f77b4}svg text{font-family:"Noto Sans SC Embedded","Noto Sans SC","Microsoft YaHei",sans-serif}"""


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


def _names(specs) -> list[str]:
    names = []
    for s in specs:
        base = s.name if s.name not in names else f"{s.name}_{len(names) + 1}"
        if s.source and s.name in names:
            base = Path(s.source).stem
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
                         synthetic=bool(getattr(data, "is_synthetic", False)), level=first.headline_level)


def _page(title: str, body: str, synthetic: bool) -> str:
    note = ("<p class='note'><b>SYNTHETIC demo data 模拟数据</b> — generated by <code>python -m toolkit demo</code>; "
            "not real returns.</p>") if synthetic else ""
    from ..viz.fonts import font_face_css

    font = font_face_css(title + note + body)  # the CJK glyphs the page uses, embedded (as the reports do)
    return (f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{font}{_CSS}</style></head><body><h1>{escape(title)}</h1>{note}{body}</body></html>")


def compare_html(c: CompareResult) -> str:
    """The comparison page (a complete HTML document) of a :class:`CompareResult`.

    Examples
    --------
    >>> compare_html(compare_specs(data, specs)).startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    ranks = c.ranks.copy()
    named = ranks.set_axis([f"{u} {c.names.get(u, '')}" for u in ranks.index])
    mv = c.movers.copy()
    mv.insert(0, "name", [c.names.get(u, "") for u in mv.index])
    body = [f"<p>Year {c.year}; {len(ranks)} units; specifications: "
            + ", ".join(f"<b>{escape(s)}</b>" for s in ranks.columns) + ".</p>",
            "<h2>Bump chart</h2>", bump_svg(named, width=900),
            "<h2>Rank agreement</h2>", c.agreement.round(3).to_html(index=False, border=0),
            "<h2>Units that move most</h2>", mv.to_html(border=0),
            f"<h2>Effective weights: {escape(c.level)}</h2>", c.dimension_weights.round(4).to_html(border=0),
            "<details><summary>Effective weights: every index leaf</summary>",
            c.leaf_weights.round(4).to_html(border=0), "</details>",
            "<h2>Ranks</h2>", ranks.assign(name=[c.names.get(u, "") for u in ranks.index]).to_html(border=0)]
    return _page("Specifications compared · 方案比较", "".join(body), c.synthetic)


def _bars(p: pd.Series, width: int = 640, row: int = 14) -> str:
    h = row * len(p) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" font-size="11" '
           'font-family="sans-serif">']
    for i, (u, v) in enumerate(p.items()):
        y = 5 + i * row
        out.append(f'<text x="150" y="{y + 10}" text-anchor="end">{escape(str(u))}</text>'
                   f'<rect class="bar" x="155" y="{y + 2}" width="{(width - 220) * float(v):.1f}" height="{row - 4}"/>'
                   f'<text x="{160 + (width - 220) * float(v):.1f}" y="{y + 10}">{float(v):.2f}</text>')
    out.append("</svg>")
    return "".join(out)


def selection_html(sel, names: pd.Series | None = None, synthetic: bool = False) -> str:
    """The selection page of a :class:`~toolkit.robustness.selection.SelectionResult`.

    Examples
    --------
    >>> selection_html(sel, names, synthetic=True).count("<svg")  # doctest: +SKIP
    1
    """
    t = sel.table.copy()
    if names is not None:
        t.insert(0, "name", [names.get(u, "") for u in t.index])
    t["probability"] = t["probability"].round(3)
    t["status"] = [f"<span class='{s}'>{s}</span>" for s in t["status"]]
    quota = f"top {sel.quota}" + (f" per {sel.by}" if sel.by else " overall")
    lists = sel.shortlist()
    body = [f"<p>Quota: <b>{escape(quota)}</b>; year {sel.year}; {sel.selected.shape[0]} replications of the "
            "uncertainty specification. Robustly in: probability ≥ 0.9; robustly out: ≤ 0.1.</p>",
            "<ul>" + "".join(f"<li><b>{k}</b> ({len(v)}): {escape(', '.join(v)) or '—'}</li>"
                             for k, v in lists.items()) + "</ul>",
            "<h2>Probability of selection</h2>",
            _bars(t["probability"][t["probability"] > 0].head(60)),
            "<h2>Shortlist</h2>", t.to_html(border=0, escape=False)]
    if sel.sobol is not None:
        s = sel.sobol.copy()
        top = s.sort_values("ST", ascending=False).groupby("target").head(3)
        body += ["<h2>What decides the borderline cases</h2>",
                 "<p>Total (ST) and first-order (S1) Sobol indices of each borderline unit's selection "
                 "indicator (1 = selected), the three largest factors per unit.</p>",
                 top.round(3).to_html(index=False, border=0)]
    return _page("Selection with confidence · 入选稳健性", "".join(body), synthetic)


def write_compare(data, specs, out, *, year: int | None = None, uspec=None, quota: int | None = None,
                  by: str | None = None, n: int = 512, seed: int = 0) -> list[Path]:
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
        return _write_compare(data, specs, out, year=year, uspec=uspec, quota=quota, by=by, n=n, seed=seed)


def _write_compare(data, specs, out: Path, *, year, uspec, quota, by, n, seed) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    c = compare_specs(data, specs, year=year)
    pages = {out / "compare.html": compare_html(c)}
    if (uspec is None) != (quota is None):
        raise SpecError("compare: the selection page needs both --uncertainty and --quota")
    if uspec is not None:
        from ..robustness.selection import selection

        sel = selection(data, specs[0], uspec, quota=int(quota), by=by, year=c.year, n=n, seed=seed)
        pages[out / "selection.html"] = selection_html(sel, c.names, c.synthetic)
    return write_many_atomic({p: (lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8"))
                              for p, text in pages.items()})
