"""Rankings side by side: rank tables, agreement (Spearman, Kendall), top-N kept, movers, and a
bump chart as inline SVG. Shared by the studio and ``python -m toolkit compare``.

Pure functions on pandas objects; the SVG needs no plotting library and no network, so it
renders instantly in a widget and embeds in a self-contained HTML page.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from ..errors import DataError
from .correlation import kendall_tau_b, spearman

__all__ = ["agreement", "bump_svg", "movers", "rank_table", "top_n_kept"]


def rank_table(results, year: int | None = None, labels: pd.Series | None = None) -> pd.DataFrame:
    """Ranks of one year under several specifications, units × specs.

    Parameters
    ----------
    results : mapping name → IndexResult (or → Series of ranks indexed by (unit_id, year))
    year : int, optional (default: the latest year of the first result)
    labels : Series unit_id → display name, optional

    Returns
    -------
    DataFrame (index unit_id; one int column per spec), sorted by the first spec's rank. A unit
    a spec does not rank (its screening drops it) has ``<NA>`` there (nullable integers); no
    rank is invented for it.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("a", 1), ("b", 1)], names=["unit_id", "year"])
    >>> rank_table({"A": pd.Series([1, 2], idx), "B": pd.Series([2, 1], idx)}).to_dict()
    {'A': {'a': 1, 'b': 2}, 'B': {'a': 2, 'b': 1}}
    >>> rank_table({"A": pd.Series([1, 2], idx), "B": pd.Series([1], idx[:1])})["B"].tolist()
    [1, <NA>]
    """
    if not results:
        raise DataError("rank_table: no results given")
    cols = {}
    for name, r in results.items():
        s = r.rank if hasattr(r, "rank") and not isinstance(r, pd.Series) else r
        if year is None:
            year = int(s.index.get_level_values("year").max())
        cols[str(name)] = s.xs(year, level="year").astype("Int64")
    out = pd.DataFrame(cols)
    if not out.notna().all(axis=1).any():
        raise DataError("rank_table: no unit is ranked under every specification")
    if not out.isna().any().any():
        out = out.astype(int)
    out = out.sort_values(list(out.columns)[0], kind="stable", na_position="last")
    if labels is not None:
        out.index = pd.Index([labels.get(u, u) for u in out.index], name="unit")
    return out.rename_axis(out.index.name or "unit_id")


def agreement(ranks: pd.DataFrame) -> pd.DataFrame:
    """Pairwise rank agreement between the columns: Spearman ρ and Kendall τ-b.

    Returns
    -------
    DataFrame with columns ``a, b, spearman, kendall, units`` (one row per pair). Each pair is
    compared on the units both rank (``units`` counts them), so a spec that screens units out
    is compared on the units it keeps.

    Examples
    --------
    >>> import pandas as pd
    >>> agreement(pd.DataFrame({"A": [1, 2, 3], "B": [1, 3, 2]}))[["spearman", "kendall"]].round(3).values.tolist()
    [[0.5, 0.333]]
    >>> agreement(pd.DataFrame({"A": [1, 2, 3, 4], "B": [1, 2, 3, None]}))[["spearman", "units"]].values.tolist()
    [[1.0, 3.0]]
    """
    rows = []
    cols = list(ranks.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            both = ranks[[a, b]].dropna().astype(float)
            rows.append({"a": a, "b": b, "spearman": spearman(both[a], both[b]),
                         "kendall": kendall_tau_b(both[a], both[b]), "units": len(both)})
    return pd.DataFrame(rows, columns=["a", "b", "spearman", "kendall", "units"])


def top_n_kept(base: pd.Series, other: pd.Series, n: int) -> tuple[int, list, list]:
    """How many of ``base``'s top ``n`` are still in ``other``'s top ``n``; who left and who came.

    Examples
    --------
    >>> import pandas as pd
    >>> top_n_kept(pd.Series([1, 2, 3], list("abc")), pd.Series([1, 3, 2], list("abc")), 2)
    (1, ['b'], ['c'])
    """
    a = set(base.index[base <= n])
    b = set(other.index[other <= n])
    return len(a & b), sorted(a - b), sorted(b - a)


def movers(ranks: pd.DataFrame, k: int = 10) -> pd.DataFrame:
    """The ``k`` units whose rank moves most across the specs (range of ranks), with each rank.

    Examples
    --------
    >>> import pandas as pd
    >>> movers(pd.DataFrame({"A": [1, 2, 3], "B": [3, 2, 1]}, index=list("xyz")), 1).index.tolist()
    ['x']
    """
    spread = ranks.max(axis=1) - ranks.min(axis=1)  # over the specs that rank the unit
    out = ranks.assign(spread=spread).sort_values(["spread", ranks.columns[0]], ascending=[False, True],
                                                  kind="stable")
    return out.head(k)


def bump_svg(ranks: pd.DataFrame, *, highlight=(), width: int = 640, row: int = 14, max_units: int = 60,
             max_label: float | None = None, keys: pd.DataFrame | None = None) -> str:
    """A bump chart of ranks (units × specs) as an inline ``<svg>`` string.

    Each unit is a line from its rank under the first spec to its rank under each next one;
    lines of units that move by more than 3 places, or are named in ``highlight``, are drawn
    in colour, the rest in grey. ``max_label`` (px) cuts longer names, so the chart keeps its
    width (a printed page). ``keys`` (the shape of ``ranks``) marks each rank drawn as the score
    it shows (:mod:`toolkit.reports.marks`).

    Examples
    --------
    >>> import pandas as pd
    >>> svg = bump_svg(pd.DataFrame({"A": [1, 2], "B": [2, 1]}, index=["x", "y"]))
    >>> svg.startswith("<svg") and svg.count("<polyline") == 2
    True
    """
    R = ranks.head(max_units) if len(ranks) > max_units else ranks
    m, k = len(ranks), ranks.shape[1]

    def size(s):
        return sum(11.0 if ord(ch) > 255 else 6.5 for ch in s)

    def cut(u):  # a name longer than ``max_label`` px is cut ("…"); the line's tooltip keeps it whole
        u = str(u)
        if max_label is None or size(u) <= max_label:
            return u
        while u and size(u + "…") > max_label:
            u = u[:-1]
        return u.rstrip() + "…"

    longest = max((size(f"{len(ranks)}. {cut(u)}") for u in R.index), default=60)
    left = right = int(longest) + 12
    top = 28
    inner = max(width - left - right, 60 * max(k - 1, 1))
    w = left + inner + right
    h = top + row * m + 10
    xs = [left + (inner * j / (k - 1) if k > 1 else inner / 2) for j in range(k)]
    palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    shown = " ".join(f"{v:g}" for v in R.to_numpy(dtype=float, na_value=np.nan).ravel() if v == v)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
           f'font-family="sans-serif" font-size="11" class="bump" data-lo="1" data-hi="{max(m, 1)}" '
           f'data-values="{shown}">']  # its axis and values, as the reports' charts (the page audit)
    for j, c in enumerate(ranks.columns):  # a specification's name: an identifier
        out.append(f'<text x="{xs[j]:.1f}" y="14" text-anchor="middle" font-weight="bold" class="code">'
                   f'{escape(str(c))}</text>')
    colour_i = 0
    for pos, (unit, r) in enumerate(R.iterrows()):
        vals = r.to_numpy(dtype=float, na_value=np.nan)
        ok = ~np.isnan(vals)  # a spec that does not rank the unit: no point there
        if not ok.any():
            continue
        ys = [top + row * (v - 1) + row / 2 for v in vals]
        moved = np.nanmax(vals) - np.nanmin(vals) > 3 or unit in highlight
        colour = palette[colour_i % len(palette)] if moved else "#bbbbbb"
        colour_i += bool(moved)
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y, o in zip(xs, ys, ok, strict=True) if o)
        label = escape(str(unit))
        path = " → ".join(str(int(v)) if o else "–" for v, o in zip(vals, ok, strict=True))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{2 if moved else 1}">'
                   f'<title>{label}: {path}</title></polyline>')
        first, last = np.flatnonzero(ok)[[0, -1]]
        short = escape(cut(unit))
        at = [f"{int(vals[j])}" if keys is None else
              f'<tspan data-score="{escape(str(keys.iloc[pos, j]))}">{int(vals[j])}</tspan>' for j in (first, last)]
        out.append(f'<text x="{xs[first] - 6:.1f}" y="{ys[first] + 4:.1f}" text-anchor="end">{at[0]}. {short}</text>')
        out.append(f'<text x="{xs[last] + 6:.1f}" y="{ys[last] + 4:.1f}">{at[1]}. {short}</text>')
    out.append("</svg>")
    return "".join(out)
