"""The parts every report figure is made of: text measured and wrapped to its box, positions on
an axis, ticks, the sequential colour scale, and the ``<svg>`` and ``<text>`` elements with the
attributes the page audit reads (:mod:`toolkit.reports.charts` draws the figures with them).

A value label carries its mark (:mod:`toolkit.reports.marks`): ``key`` (a score) or ``mark``
(``("value", KEY)`` for another result, ``("plain", KIND)`` for a number that is not one: an axis
tick, a year, a count), so the audit can compare every number drawn with the built value.

>>> text_el(0, 10, "0.5", mark=("plain", "tick"))
'<text x="0.0" y="10.0" font-size="13" text-anchor="start" font-weight="normal" fill="#222" data-plain="tick">0.5</text>'
"""

from __future__ import annotations

import json

from .text import esc

__all__ = ["FONT", "text_width", "wrap", "frac", "tick", "svg_root", "text_el", "lines_el", "colour", "ink",
           "truncate"]

FONT = 13


def text_width(s: str, size: float = FONT) -> float:
    """Approximate drawn width of ``s``: CJK characters are one em, others about 0.56 em.

    >>> text_width("ab", 10), text_width("产业", 10)
    (11.2, 20)
    """
    return round(sum(size if ord(c) >= 0x2E80 else 0.56 * size for c in str(s)), 2)


def wrap(s: str, width: float, size: float = FONT, lines: int = 2) -> list[str]:
    """Split ``s`` into at most ``lines`` lines of at most ``width`` (at spaces when it has any).

    >>> wrap("Technological innovation capacity", 140, 12)
    ['Technological', 'innovation capacity']
    >>> wrap("Sustainability: Economic and Financial (Sus)", 80, 11)
    ['Sustainabil…', 'Economic an…']
    >>> wrap("Environmental", 60, 11)
    ['Environm…']
    """
    s = str(s)
    if text_width(s, size) <= width:
        return [s]
    # words at spaces; Chinese at any character; a Latin word is never broken, only cut ("Environm…")
    words = s.split(" ") if " " in s else list(s) if any(ord(c) >= 0x2E80 for c in s) else [s]
    sep = " " if " " in s else ""
    out, cur = [], ""
    for w in words:
        trial = (cur + sep + w) if cur else w
        if text_width(trial, size) <= width or not cur:
            cur = trial
        else:
            out.append(cur)
            cur = w
    out.append(cur)
    if len(out) > lines:  # the rest on the last line, cut to the width: a label never leaves its box
        out = out[:lines - 1] + [sep.join(out[lines - 1:])]
    return [line if text_width(line, size) <= width else truncate(line, width, size) for line in out]


def frac(v, vmin: float = 0.0, vmax: float = 100.0) -> float:
    """Where ``v`` lies on an axis from ``vmin`` to ``vmax``: 0 at the bottom, 1 at the top (clipped).

    >>> frac(0.788, 0, 1), frac(150), frac(-1)
    (0.788, 1.0, 0.0)
    """
    return min(max((float(v) - vmin) / (vmax - vmin), 0.0), 1.0)


def tick(v: float) -> str:
    """An axis tick: as short as the number allows (0.25, 50, 0).

    >>> tick(0.25), tick(50.0), tick(0.30000000000000004)
    ('0.25', '50', '0.3')
    """
    return f"{round(v, 6):g}"


def svg_root(w: float, h: float, body: str, label: str, axis=None, values=(), wide: bool = False, keys=None) -> str:
    """An ``<svg class="chart">``; ``axis`` (lo, hi) and the plotted ``values`` are written as
    ``data-lo``, ``data-hi`` and ``data-values`` so a test can check every value against its axis;
    ``keys`` (one per value, :mod:`toolkit.reports.marks`) as ``data-keys``, so it can check each
    plotted value against the built index."""
    data = ""
    if axis is not None:
        values = [float(v) for v in values]
        shown = [f"{v:.6g}" for v in values if v == v]
        data = f' data-lo="{axis[0]:g}" data-hi="{axis[1]:g}" data-values="{" ".join(shown)}"'
        if keys is not None:
            kept = [k for k, v in zip(keys, values, strict=True) if v == v]
            data += f" data-keys='{esc(json.dumps(kept, ensure_ascii=False))}'"
    cls = "chart wide" if wide else "chart"  # a wide chart scrolls sideways on a phone, never shrinks its text
    return (f'<svg class="{cls}" viewBox="0 0 {w:g} {h:g}" width="100%" role="img" aria-label="{esc(label)}" '
            f'xmlns="http://www.w3.org/2000/svg" style="max-width:{w:g}px"{data}>'
            f'<title>{esc(label)}</title>{body}</svg>')


def text_el(x, y, s, size=FONT, anchor="start", weight="normal", fill="#222", cls="", key=None, mark=None) -> str:
    """A ``<text>`` element; ``key`` marks it as showing a score, ``mark`` as ``("value", KEY)``
    or ``("plain", KIND)`` (:mod:`toolkit.reports.marks`)."""
    c = (f' class="{cls}"' if cls else "") + (f' data-score="{esc(key)}"' if key else "")
    if mark:
        c += f' data-{mark[0]}="{esc(mark[1])}"'
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}"{c}>{esc(s)}</text>')


def lines_el(x, y, parts, size=FONT, anchor="start", **kw) -> str:
    return "".join(text_el(x, y + i * (size + 2), p, size, anchor, **kw) for i, p in enumerate(parts))


def colour(v: float, vmax: float = 100.0, vmin: float = 0.0) -> str:
    """A sequential colour (ColorBrewer YlGnBu: light yellow → teal → dark blue) for ``v`` in
    [0, vmax]; grey for NaN.

    >>> colour(0), colour(100), colour(float("nan"))
    ('#ffffd9', '#081d58', '#eeeeee')
    """
    if v != v:
        return "#eeeeee"
    f = frac(v, vmin, vmax)
    stops = ((0xFF, 0xFF, 0xD9), (0x41, 0xB6, 0xC4), (0x08, 0x1D, 0x58))
    lo, hi, g = (stops[0], stops[1], f * 2) if f <= 0.5 else (stops[1], stops[2], f * 2 - 1)
    return "#" + "".join(f"{round(a + (b - a) * g):02x}" for a, b in zip(lo, hi, strict=True))


def ink(v: float, vmax: float = 100.0, vmin: float = 0.0) -> str:
    return "#fff" if v == v and frac(v, vmin, vmax) > 0.55 else "#222"


def truncate(s: str, width: float, size: float) -> str:
    out = ""
    for c in str(s):
        if text_width(out + c + "…", size) > width:
            return out + "…"
        out += c
    return out
