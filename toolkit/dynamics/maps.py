"""An offline SVG choropleth of region polygons: no tiles, no network, no JavaScript.

Coordinates (longitude, latitude) are drawn in an equirectangular projection with the longitude
scaled by cos(mean latitude), which is close to true shape at the scale of a province. Numeric
values are put in quantile classes (as ``mapclassify.Quantiles``: :mod:`~toolkit.dynamics.classes`) coloured from a sequential palette; text
values (LISA clusters) take fixed colours. The legend names every class.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from .classes import Quantiles

#: sequential palette (light → dark), ColorBrewer "Blues" (Cynthia Brewer, Apache-2.0 licence)
BLUES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
#: LISA clusters, the colours GeoDa uses
LISA_COLOURS = {"HH": "#d7191c", "LL": "#2c7bb6", "LH": "#abd9e9", "HL": "#fdae61", "ns": "#eeeeee"}
MISSING = "#ffffff"


def rings(geom):
    """The exterior and interior rings of a (multi)polygon, as coordinate arrays."""
    polys = getattr(geom, "geoms", [geom])
    for p in polys:
        yield np.asarray(p.exterior.coords)
        for r in p.interiors:
            yield np.asarray(r.coords)


def classify(values: pd.Series, k: int) -> tuple[pd.Series, list[str]]:
    """Colour of each value and the legend labels."""
    if values.map(lambda v: isinstance(v, str)).any():
        colours = values.map(lambda v: LISA_COLOURS.get(v, MISSING))
        present = [c for c in LISA_COLOURS if c in set(values)]
        return colours, [(LISA_COLOURS[c], c) for c in present]
    v = values.dropna().astype(float)
    k = max(1, min(k, v.nunique()))
    q = Quantiles(v.to_numpy(), k=k)
    palette = BLUES if k == len(BLUES) else [BLUES[round(i * (len(BLUES) - 1) / max(k - 1, 1))] for i in range(k)]
    colours = pd.Series(MISSING, index=values.index)
    colours[v.index] = [palette[c] for c in q.yb]
    lows = [float(v.min())] + [float(b) for b in q.bins[:-1]]
    return colours, [(palette[i], f"{lows[i]:.3g} – {float(q.bins[i]):.3g}") for i in range(k)]


def choropleth_svg(polygons, values: pd.Series, id_column: str, title: str = "", label_column: str | None = None,
                   k: int = 5, width: int = 640) -> str:
    """An SVG map of ``polygons`` coloured by ``values``.

    Parameters
    ----------
    polygons : GeoDataFrame
        Region shapes in longitude/latitude (EPSG:4326).
    values : Series
        One value per region, indexed by ``id_column``'s values: numbers (quantile classes) or
        text (LISA clusters HH, LL, LH, HL, ns). A region without a value is drawn white.
    id_column : str
        The column of ``polygons`` naming each region.
    title : str
        Drawn above the map.
    label_column : str, optional
        A column of ``polygons`` whose text is written at each region's representative point.
    k : int
        Number of quantile classes.
    width : int
        Width in pixels; the height follows from the shapes (the SVG scales with ``viewBox``).

    Returns
    -------
    str
        A standalone ``<svg>`` element (UTF-8 text, Chinese labels allowed; its text takes the page's
        font), as wide as the page up to ``width`` pixels.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[box(117, 36, 118, 37), box(118, 36, 119, 37)], crs=4326)
    >>> svg = choropleth_svg(g, pd.Series({"a": 1.0, "b": 2.0}), "id", title="demo")
    >>> svg.startswith("<svg") and svg.count("<path") == 2 and "demo" in svg
    True
    """
    ids = polygons[id_column].astype(str)
    vals = pd.Series(values.to_numpy(), index=values.index.astype(str)).reindex(ids)
    colours, legend = classify(vals, k)
    x0, y0, x1, y1 = polygons.total_bounds
    kx = math.cos(math.radians((y0 + y1) / 2))
    pad, top, leg_h = 8, 30 if title else 8, 22 * len(legend) + 10
    scale = (width - 2 * pad) / ((x1 - x0) * kx)
    map_h = (y1 - y0) * scale
    height = int(top + map_h + pad + leg_h)

    def xy(c):
        return (pad + (c[:, 0] - x0) * kx * scale, top + (y1 - c[:, 1]) * scale)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px" role="img" aria-label="{html.escape(title)}" font-size="12">']
    if title:
        out.append(f'<text x="{pad}" y="20" font-size="15" font-weight="bold">{html.escape(title)}</text>')
    for (_, row), rid in zip(polygons.iterrows(), ids, strict=True):
        d = []
        for ring in rings(row.geometry):
            px, py = xy(ring)
            d.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True)) + "Z")
        value = vals.get(rid)
        tip = f"{rid}: {value:.3g}" if isinstance(value, float) and not pd.isna(value) else f"{rid}: {value}"
        out.append(f'<path d="{"".join(d)}" fill="{colours[rid]}" stroke="#555" stroke-width="0.6" '
                   f'fill-rule="evenodd"><title>{html.escape(tip)}</title></path>')
    if label_column:
        for _, row in polygons.iterrows():
            pt = row.geometry.representative_point()
            px, py = xy(np.array([[pt.x, pt.y]]))
            out.append(f'<text x="{px[0]:.1f}" y="{py[0]:.1f}" text-anchor="middle" font-size="12" '
                       f'fill="#222">{html.escape(str(row[label_column]))}</text>')
    ly = top + map_h + pad
    for i, (colour, text) in enumerate(legend):
        out.append(f'<rect x="{pad}" y="{ly + 22 * i:.1f}" width="16" height="14" fill="{colour}" stroke="#555"/>'
                   f'<text x="{pad + 22}" y="{ly + 22 * i + 12:.1f}">{html.escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
