"""Report figures as inline SVG, written directly (no plotting library, no image encoding).

A figure is a string ``<svg viewBox=...>`` that scales to its box (``width:100%``), so it is
sharp on screen and in print, weighs a few kB, is drawn in microseconds and is byte-identical
from run to run. Text in a figure is real text in the page's embedded font, so Chinese shows
wherever the page does; every label is escaped. Every label is laid out inside the viewBox
(long labels wrap onto two lines), which the browser tests check.

>>> svg = bars([("a", 3.0), ("b", 1.0)], highlight="a", title="t")
>>> svg.startswith("<svg") and svg.count("<rect") == 3
True
"""

from __future__ import annotations

import math
from functools import lru_cache

from .chart_parts import (
    colour,
    frac,
    ink,
    lines_el,
    svg_root,
    text_el,
    text_width,
    tick,
    truncate,
    wrap,
)
from .text import esc

__all__ = ["bars", "hbars", "radar", "trend", "histogram", "heatmap", "tile_map", "colour", "frac", "text_width",
           "tick", "wrap"]

HIGHLIGHT, OTHER, MEAN = "#c0392b", "#c9ced6", "#333"
SERIES = ("#c0392b", "#333333", "#2e7d32", "#1f6fb2", "#b7791f", "#6a3d9a")
DASH = ("", "5,3", "2,3", "8,3,2,3", "1,2", "6,2")
MANY_BARS = 150


def bars(items, highlight=None, title: str = "", mean: float | None = None, mean_label: str = "",
         vmax: float = 100.0, width: float = 600, height: float = 130, vmin: float = 0.0, digits: int = 1,
         mark=None) -> str:
    """All units as thin vertical bars, sorted high to low, one of them highlighted.

    Parameters
    ----------
    items : list of (key, value)
    highlight : key of the bar to draw in colour (annotated with its value and position).
    mean : draws a dashed line at this value, labelled ``mean_label``.
    mark : (node, year): the items' keys are unit ids, and every value is marked as that unit's
        score of ``node`` (:mod:`toolkit.reports.marks`), the mean as the mean of all units.

    Returns
    -------
    str : an ``<svg>`` element.

    Examples
    --------
    >>> s = bars([("x", 50.0), ("y", 20.0), ("z", 80.0)], highlight="y", title="T", mean=50, mean_label="m")
    >>> s.count(HIGHLIGHT), s.count("<rect")
    (2, 4)
    """
    from .marks import key

    base, pos, geom = _bars_base(tuple(items), vmin, vmax, width, height)
    top, left, right, ph, bw, n = geom
    mk = (lambda unit: key(unit, *mark)) if mark else (lambda unit: None)
    body = [text_el(left, 16, title, 13, weight="bold"), base]
    if highlight in pos:  # drawn over the grey bars: the grey ones are shared by every report of a run
        i, v = pos[highlight]
        h = max(0.5, ph * frac(v, vmin, vmax))
        w = max(0.8 * bw, 2.0)
        body.append(f'<rect x="{left + (i + 0.5) * bw - w / 2:.2f}" y="{top + ph - h:.2f}" width="{w:.2f}" '
                    f'height="{h:.2f}" fill="{HIGHLIGHT}"/>')
        x = left + (i + 0.5) * bw
        label = f"{v:.{digits}f} ({i + 1}/{n})"
        tw = text_width(label, 12)
        x = min(max(x, left + tw / 2), width - right - tw / 2)
        body.append(text_el(x, max(top + ph - h - 4, top + 10), label, 12, "middle", "bold", HIGHLIGHT,
                          key=mk(highlight)))
    if mean is not None and mean == mean:
        y = top + ph - ph * frac(mean, vmin, vmax)
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.2f}" y2="{y:.2f}" stroke="{MEAN}" '
                    f'stroke-dasharray="4,3" stroke-width="1"/>')
        body.append(text_el(width - right, height - 3, f"{mean_label} {mean:.{digits}f}", 11, "end", fill=MEAN,
                          key=mk("@mean")))
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}" stroke="#999"/>')
    return svg_root(width, height, "".join(body), title, (vmin, vmax), [v for _, (_, v) in pos.items()],
                keys=[mk(u) for u in pos] if mark else None)


@lru_cache(maxsize=32)
def _bars_base(items: tuple, vmin: float, vmax: float, width: float, height: float):
    """The grey bars of :func:`bars` (the same for every unit of a run), with each key's place."""
    items = sorted(((k, float(v)) for k, v in items if v == v), key=lambda kv: -kv[1])
    top, left, right, bottom = 24, 4, 4, 16
    ph = height - top - bottom
    n = max(1, len(items))
    bw = (width - left - right) / n
    pos = {k: (i, v) for i, (k, v) in enumerate(items)}
    if n > MANY_BARS:  # one filled outline instead of thousands of rectangles: the page stays small
        pts = [f"{left:.1f},{top + ph:.1f}"]
        for i, (_, v) in enumerate(items):
            y = top + ph - max(0.5, ph * frac(v, vmin, vmax))
            pts += [f"{left + i * bw:.2f},{y:.2f}", f"{left + (i + 1) * bw:.2f},{y:.2f}"]
        pts.append(f"{width - right:.1f},{top + ph:.1f}")
        base = f'<polygon points="{" ".join(pts)}" fill="{OTHER}"/>'
    else:
        base = "".join(f'<rect x="{left + i * bw + 0.1 * bw:.2f}" y="{top + ph - max(0.5, ph * frac(v, vmin, vmax)):.2f}" '
                       f'width="{0.8 * bw:.2f}" height="{max(0.5, ph * frac(v, vmin, vmax)):.2f}" fill="{OTHER}"/>'
                       for i, (_, v) in enumerate(items))
    return base, pos, (top, left, right, ph, bw, n)


def hbars(labels, series, vmax: float = 100.0, title: str = "", width: float = 640, vmin: float = 0.0,
          digits: int = 1, keys=None, marks=None, label=None) -> str:
    """Grouped horizontal bars: one group per label, one bar per series, with a legend.

    Parameters
    ----------
    labels : list of str (the groups, e.g. dimensions)
    series : list of (name, values) with one value per label (NaN: no bar)
    keys : optional, one list per series of the values' keys (:mod:`toolkit.reports.marks`)
    marks : optional, one list per series of the value labels' marks, ``("value", KEY)`` for
        results that are not scores (:func:`toolkit.reports.chart_parts.text_el`)
    label : optional, the value label's text of a value (default: ``digits`` decimals)

    Examples
    --------
    >>> hbars(["A", "B"], [("x", [10, 20]), ("y", [30, float("nan")])]).count("<rect")
    5
    """
    size = 12
    lab_w = min(230.0, max(text_width(s, size) for s in labels) + 12) if labels else 0
    lab_w = max(lab_w, 90)
    lines = [wrap(s, lab_w - 10, size) for s in labels]
    ns = len(series)
    bh = 9
    gh = max(ns * (bh + 2) + 8, max(len(x) for x in lines) * (size + 2) + 8)
    top = 30 + (18 if title else 0)
    plot_w = width - lab_w - 50
    h = top + gh * len(labels) + 6
    body = [text_el(2, 16, title, 13, weight="bold")] if title else []
    x = 0.0
    y_leg = top - 10
    for j, (name, _) in enumerate(series if any(n for n, _ in series) else ()):  # legend (none for one unnamed series)
        body.append(f'<rect x="{x:.1f}" y="{y_leg - 9}" width="10" height="10" fill="{SERIES[j % 6]}"/>')
        body.append(text_el(x + 14, y_leg, name, 12))
        x += 14 + text_width(name, 12) + 16
    for i, parts in enumerate(lines):
        gy = top + i * gh
        body.append(lines_el(lab_w - 8, gy + gh / 2 - (len(parts) - 1) * (size + 2) / 2 + 4, parts, size, "end"))
        for j, (_, vals) in enumerate(series):
            v = float(vals[i])
            if v != v:
                continue
            w = plot_w * frac(v, vmin, vmax)
            y = gy + 4 + j * (bh + 2)
            body.append(f'<rect x="{lab_w:.1f}" y="{y:.1f}" width="{w:.2f}" height="{bh}" fill="{SERIES[j % 6]}"/>')
            body.append(text_el(lab_w + w + 4, y + bh - 1, label(v) if label else f"{v:.{digits}f}", 10,
                                fill="#444", key=keys[j][i] if keys else None, mark=marks[j][i] if marks else None))
    body.append(f'<line x1="{lab_w}" x2="{lab_w}" y1="{top}" y2="{h - 6}" stroke="#999"/>')
    return svg_root(width, h, "".join(body), title or " / ".join(n for n, _ in series), (vmin, vmax),
                [float(v) for _, vals in series for v in vals], wide=True,
                keys=[k for ks in keys for k in ks] if keys else None)


def radar(labels, series, vmax: float = 100.0, title: str = "", size: float = 560, vmin: float = 0.0,
          keys=None) -> str:
    """A radar of dimension scores with labels outside the circle (wrapped, never clipped).

    Examples
    --------
    >>> radar(["A", "B", "C"], [("x", [10, 50, 90])]).count("<polygon")  # 4 grid rings and 1 series
    5
    """
    n = len(labels)
    fs = 13
    w, h = size, size * 0.74
    cx, cy, r = w / 2, h / 2, h * 0.33
    body = [text_el(2, 16, title, 13, weight="bold")] if title else []
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{cx + r * ring * math.sin(2 * math.pi * i / n):.1f},"
                       f"{cy - r * ring * math.cos(2 * math.pi * i / n):.1f}" for i in range(n))
        body.append(f'<polygon points="{pts}" fill="none" stroke="#ddd"/>')
        body.append(text_el(cx + 3, cy - r * ring + 11, tick(vmin + (vmax - vmin) * ring), 11, fill="#999",
                            mark=("plain", "tick")))
    for i, lab in enumerate(labels):
        a = 2 * math.pi * i / n
        sx, sy = math.sin(a), -math.cos(a)
        body.append(f'<line x1="{cx}" y1="{cy}" x2="{cx + r * sx:.1f}" y2="{cy + r * sy:.1f}" stroke="#ddd"/>')
        anchor = "middle" if abs(sx) < 0.2 else ("start" if sx > 0 else "end")
        lx, ly = cx + (r + 12) * sx, cy + (r + 12) * sy
        room = (w - lx - 4) if anchor == "start" else (lx - 4) if anchor == "end" else w * 0.45
        parts = wrap(lab, min(room, w * 0.34), fs)
        ly += 4 if abs(sy) < 0.5 else (fs if sy > 0 else -(len(parts) - 1) * (fs + 2) - 2)
        body.append(lines_el(lx, ly, parts, fs, anchor))
    for j, (_name, vals) in enumerate(series):
        pts = " ".join(f"{cx + r * frac(v, vmin, vmax) * math.sin(2 * math.pi * i / n):.1f},"
                       f"{cy - r * frac(v, vmin, vmax) * math.cos(2 * math.pi * i / n):.1f}"
                       for i, v in enumerate(vals))
        fill = f'fill="{SERIES[0]}" fill-opacity="0.12"' if j == 0 else 'fill="none"'
        dash = f' stroke-dasharray="{DASH[j % 6]}"' if DASH[j % 6] else ""
        body.append(f'<polygon points="{pts}" {fill} stroke="{SERIES[j % 6]}" stroke-width="2"{dash}/>')
    x = 0.0
    for j, (name, _) in enumerate(series):
        body.append(f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{h - 6}" y2="{h - 6}" stroke="{SERIES[j % 6]}" '
                    f'stroke-width="2"' + (f' stroke-dasharray="{DASH[j % 6]}"' if DASH[j % 6] else "") + "/>")
        body.append(text_el(x + 22, h - 2, name, 12))
        x += 22 + text_width(name, 12) + 14
    return svg_root(w, h + 4, "".join(body), title or " / ".join(n for n, _ in series), (vmin, vmax), [float(v) for _, vals in series for v in vals],
                keys=[k for ks in keys for k in ks] if keys else None)


def trend(years, series, title: str = "", vmax: float = 100.0, width: float = 600, height: float = 200,
          vmin: float = 0.0, keys=None) -> str:
    """Lines over years, one per series (the first drawn strongest).

    Examples
    --------
    >>> trend([2024, 2025], [("x", [10, 20])]).count("<polyline")
    1
    """
    rows, x = 1, 0.0
    for name, _ in series:  # legend rows needed
        w = 14 + text_width(name, 12) + 16
        if x + w > width and x > 0:
            rows, x = rows + 1, 0.0
        x += w
    left, right, top, bottom = 34, 20, 14 + 18 * rows + (16 if title else 0), 26
    height += 18 * (rows - 1)
    pw, ph = width - left - right, height - top - bottom
    n = len(years)

    def px(i):
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def py(v):
        return top + ph - ph * frac(v, vmin, vmax)

    body = [text_el(2, 16, title, 13, weight="bold")] if title else []
    for v in (vmin, (vmin + vmax) / 2, vmax):
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#eee"/>')
        body.append(text_el(left - 4, py(v) + 4, tick(v), 12, "end", fill="#777", mark=("plain", "tick")))
    for i, y in enumerate(years):
        body.append(text_el(px(i), height - 8, str(y), 12, "middle", fill="#555", mark=("plain", "year")))
    x, ly = 0.0, (16 if title else 0) + 6  # the legend text ascends above its baseline: room above
    for j, (name, vals) in enumerate(series):
        pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(vals))
        dash = f' stroke-dasharray="{DASH[j % 6]}"' if DASH[j % 6] else ""
        body.append(f'<polyline points="{pts}" fill="none" stroke="{SERIES[j % 6]}" stroke-width="2"{dash}/>')
        for i, v in enumerate(vals):
            body.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3" fill="{SERIES[j % 6]}"/>')
        w = 14 + text_width(name, 12) + 16
        if x + w > width and x > 0:
            x, ly = 0.0, ly + 18
        body.append(f'<rect x="{x:.1f}" y="{ly}" width="10" height="10" fill="{SERIES[j % 6]}"/>')
        body.append(text_el(x + 14, ly + 9, name, 12))
        x += w
    return svg_root(width, height, "".join(body), title or " / ".join(n for n, _ in series), (vmin, vmax),
                [float(v) for _, vals in series for v in vals], keys=[k for ks in keys for k in ks] if keys else None)


def histogram(values, bins: int = 10, vmax: float = 100.0, title: str = "", xlabel: str = "", ylabel: str = "",
              width: float = 600, height: float = 200, vmin: float = 0.0, keys=None) -> str:
    """Counts of values in ``bins`` equal bins over [vmin, vmax] (``keys``: the values' keys).

    Examples
    --------
    >>> histogram([5, 15, 15, 95], bins=10).count("<rect")
    10
    """
    counts = [0] * bins
    for v in values:
        if v == v:
            counts[min(bins - 1, max(0, int(frac(v, vmin, vmax) * bins)))] += 1
    left, right, top, bottom = 34, 14, 14 + (20 if title else 0), 34
    pw, ph = width - left - right, height - top - bottom
    cmax = max(counts) or 1
    bw = pw / bins
    body = [text_el(2, 16, title, 13, weight="bold")] if title else []
    for i, c in enumerate(counts):
        h = ph * c / cmax
        body.append(f'<rect x="{left + i * bw + 1:.1f}" y="{top + ph - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                    f'fill="#1f6fb2"/>')
        if c:
            body.append(text_el(left + (i + 0.5) * bw, top + ph - h - 3, str(c), 12, "middle", fill="#333",
                                        mark=("plain", "count")))
    for i in range(bins + 1):
        if i % 2 == 0:
            body.append(text_el(left + i * bw, top + ph + 13, tick(vmin + (vmax - vmin) * i / bins), 12, "middle",
                              fill="#555", mark=("plain", "tick")))
    body.append(text_el(left + pw / 2, height - 4, xlabel, 12, "middle", fill="#555"))
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}" stroke="#999"/>')
    body.append(text_el(2, top + 8, ylabel, 12, fill="#555"))
    return svg_root(width, height, "".join(body), title or xlabel, (vmin, vmax), [float(v) for v in values], keys=keys)


def heatmap(rows, cols, values, links=None, vmax: float = 100.0, title: str = "", width: float = 640,
            vmin: float = 0.0, digits: int = 0, keys=None) -> str:
    """Units × dimensions as coloured cells with their values; row labels may link to reports
    (``keys``: the cells' keys, rows × columns).

    Examples
    --------
    >>> heatmap(["a", "b"], ["x"], [[10], [90]], links=["a.html", None]).count("<a ")
    1
    """
    size = 11
    # room for the estimated width and 8 % more: a font's hinted advances run wider than 1 em
    lab_w = min(260.0, max((text_width(r, size) for r in rows), default=60) * 1.08 + 10)
    cw = (width - lab_w) / max(1, len(cols))
    col_lines = [wrap(c, cw - 4, size, lines=3) for c in cols]
    head = 6 + max((len(x) for x in col_lines), default=1) * (size + 2) + (22 if title else 0)
    rh = 16
    h = head + rh * len(rows) + 4
    body = [text_el(2, 16, title, 13, weight="bold")] if title else []
    for j, parts in enumerate(col_lines):
        body.append(lines_el(lab_w + (j + 0.5) * cw, head - 4 - (len(parts) - 1) * (size + 2), parts, size, "middle"))
    for i, r in enumerate(rows):
        y = head + i * rh
        label = r if text_width(r, size) <= lab_w - 8 else truncate(r, lab_w - 8, size)
        t = text_el(lab_w - 6, y + rh - 4, label, size, "end")
        if links and links[i]:
            t = f'<a href="{esc(links[i])}">{t}</a>'
        body.append(t)
        for j, v in enumerate(values[i]):
            v = float(v)
            body.append(f'<rect x="{lab_w + j * cw:.1f}" y="{y}" width="{cw - 1:.1f}" height="{rh - 1}" '
                        f'fill="{colour(v, vmax, vmin)}"/>')
            body.append(text_el(lab_w + (j + 0.5) * cw, y + rh - 4, "—" if v != v else f"{v:.{digits}f}", 10, "middle",
                              fill=ink(v, vmax, vmin), key=keys[i][j] if keys and v == v else None))
    return svg_root(width, h, "".join(body), title or " / ".join(map(str, cols)), (vmin, vmax), [float(v) for row in values for v in row],
                wide=True, keys=[k for ks in keys for k in ks] if keys else None)


def tile_map(tiles, vmax: float = 100.0, title: str = "", legend: str = "", cell: float = 84, vmin: float = 0.0,
             digits: int = 1, keys=None) -> str:
    """A tile map: one square per region at its (column, row), coloured by its value.

    Parameters
    ----------
    tiles : list of (col, row, name, value, link or None)
    keys : optional, the tiles' keys (:mod:`toolkit.reports.marks`)

    Examples
    --------
    >>> tile_map([(0, 0, "济南", 50.0, None), (1, 0, "青岛", float("nan"), None)]).count("<rect")
    7
    """
    cols = max(c for c, *_ in tiles) + 1
    rows = max(r for _, r, *_ in tiles) + 1
    top = 26 if title else 4
    w, h = cols * cell, top + rows * cell + 38
    body = [text_el(2, 16, title, 13, weight="bold")] if title else []
    for i, (c, r, name, v, link) in enumerate(tiles):
        x, y = c * cell, top + r * cell
        fill, fg = colour(v, vmax, vmin), ink(v, vmax, vmin)
        parts = wrap(name, cell - 8, 12)
        cell_svg = (f'<rect x="{x + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" rx="6" fill="{fill}" '
                    f'stroke="#fff"/>' + lines_el(x + cell / 2, y + cell / 2 - 6 - (len(parts) - 1) * 7, parts, 12,
                                                "middle", fill=fg)
                    + text_el(x + cell / 2, y + cell / 2 + 18, "—" if v != v else f"{v:.{digits}f}", 14, "middle", "bold", fg,
                            key=keys[i] if keys and v == v else None))
        body.append(f'<a href="{esc(link)}">{cell_svg}</a>' if link else cell_svg)
    y = top + rows * cell + 8
    for i in range(5):  # legend: five steps of the scale
        v = vmin + (vmax - vmin) * i / 4
        body.append(f'<rect x="{i * 36}" y="{y}" width="34" height="10" fill="{colour(v, vmax, vmin)}"/>')
        body.append(text_el(i * 36 + 17, y + 23, tick(v), 12, "middle", fill="#555", mark=("plain", "tick")))
    body.append(text_el(5 * 36 + 6, y + 9, legend, 12, fill="#555"))
    return svg_root(w, h, "".join(body), title or legend, (vmin, vmax), [float(v) for *_, v, _ in tiles], keys=keys)
