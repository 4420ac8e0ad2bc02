"""Figures of distributions drawn with seaborn: the indicators' spread, their pairs, the typology's heatmap.

seaborn is the natural tool for these (statistical plots of long-format data, pair grids,
clustered heatmaps); the other figures stay in :mod:`toolkit.viz.plots` (matplotlib), where
panel-by-panel control fits better. Every function returns a :class:`matplotlib.figure.Figure`:

* :func:`distribution_plot` — box plots (or violins) of every indicator, coloured by dimension,
  with the units as points (axes-level seaborn on a figure built without pyplot);
* :func:`pair_plot` — ``seaborn.pairplot`` of a few columns (the dimension scores, say), with
  the units coloured by cluster;
* :func:`typology_clustermap` — ``seaborn.clustermap`` of a typology's standing (units ×
  dimensions), rows ordered by the typology's own Ward tree and coloured by cluster.

seaborn's figure-level functions create their figure through pyplot; it is closed (removed
from pyplot's registry) before it is returned, so nothing accumulates and a notebook shows it
once. Chinese labels use the bundled font (:func:`toolkit.viz.fonts.register_cjk_font`).
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..errors import DataError
from .canvas import as_frame
from .fonts import register_cjk_font

__all__ = ["distribution_plot", "pair_plot", "typology_clustermap"]

_TEXT = {
    "zh": {"value": "取值", "indicator": "指标", "dimension": "维度", "cluster": "类别",
           "standing": "相对位置（z）", "unit": "单元"},
    "en": {"value": "Value", "indicator": "Indicator", "dimension": "Dimension", "cluster": "Cluster",
           "standing": "Standing (z)", "unit": "Unit"},
}


def _text(lang: str) -> dict:
    if lang not in _TEXT:
        raise DataError(f"lang must be 'zh' or 'en', got {lang!r}")
    register_cjk_font()
    return _TEXT[lang]


def _name(code, framework, lang: str, with_code: bool = True) -> str:
    if framework is not None and isinstance(code, str) and code in framework:
        return framework.label(code, lang, with_code=with_code)
    return str(code)


@contextmanager
def _quiet():
    """seaborn 0.13 calls matplotlib APIs that matplotlib 3.11 deprecates (``vert=``,
    ``set_bad``); those warnings are seaborn's, not the caller's, and would litter notebooks."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="seaborn")
        warnings.filterwarnings("ignore", message=r".*(vert: bool|set_bad).*")
        yield


def _closed(fig: Figure) -> Figure:
    """Remove a pyplot-made figure from pyplot's registry; the figure itself stays usable."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def distribution_plot(X, framework=None, lang: str = "zh", *, kind: str = "box") -> Figure:
    """The distribution of every indicator, one row each, coloured by dimension.

    Parameters
    ----------
    X : DataFrame, units × indicators (normalised scores compare best: one scale).
    framework : Framework, optional; names the indicators and groups them by dimension.
    lang : "zh" or "en"
    kind : "box" (box plot with the units as points) or "violin".

    Returns
    -------
    Figure

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 2, 5, 9]})
    >>> fig = distribution_plot(X, lang="en")
    >>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ('Value', ['a', 'b'])
    """
    import seaborn as sns
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    t = _text(lang)
    X = as_frame(X, "distribution_plot")
    if kind not in ("box", "violin"):
        raise DataError(f"distribution_plot: kind must be 'box' or 'violin', got {kind!r}")
    names = {c: _name(c, framework, lang) for c in X.columns}
    dim = {c: (framework.ancestor(c, "dimension") if framework is not None and c in framework else "")
           for c in X.columns}
    long = X.rename_axis("unit").reset_index().melt(id_vars="unit", var_name="code", value_name="value")
    long["indicator"] = long["code"].map(names)
    long[t["dimension"]] = long["code"].map(dim)
    fig = Figure(figsize=(7.5, 0.3 * X.shape[1] + 1.4), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    hue = t["dimension"] if any(dim.values()) else None
    common = {"data": long, "x": "value", "y": "indicator", "ax": ax, "order": list(names.values())}
    with _quiet():
        if kind == "box":
            sns.boxplot(**common, hue=hue, fliersize=0, linewidth=0.8, legend=hue is not None)
            sns.stripplot(**common, color="0.25", size=2, jitter=0.2, alpha=0.6)
        else:
            sns.violinplot(**common, hue=hue, cut=0, inner="quart", linewidth=0.6, density_norm="width",
                           legend=hue is not None)
    ax.set_xlabel(t["value"])
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=7)
    if hue is not None and ax.get_legend() is not None:
        ax.get_legend().set_title(t["dimension"])
    return fig


def pair_plot(X, framework=None, lang: str = "zh", *, hue=None) -> Figure:
    """Scatter plots of every pair of columns, with each column's distribution on the diagonal.

    Parameters
    ----------
    X : DataFrame, units × a few columns (the dimension scores, say; at most 8).
    framework : Framework, optional; names the columns.
    lang : "zh" or "en"
    hue : Series, optional, unit → group (a typology's clusters); colours the units.

    Returns
    -------
    Figure

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5], "c": [5.0, 3, 4, 1, 2]})
    >>> fig = pair_plot(X, lang="en")
    >>> sorted({ax.get_xlabel() for ax in fig.axes} - {""})
    ['a', 'b', 'c']
    """
    import seaborn as sns

    t = _text(lang)
    X = as_frame(X, "pair_plot")
    if X.shape[1] > 8:
        raise DataError(f"pair_plot: {X.shape[1]} columns make an unreadable grid; pass at most 8")
    data = X.rename(columns={c: _name(c, framework, lang, with_code=False) for c in X.columns})
    kw = {}
    if hue is not None:
        groups = pd.Series(hue).reindex(X.index)
        if groups.isna().any():
            raise DataError(f"pair_plot: no group for unit {groups.index[groups.isna()][0]!r}")
        data = data.assign(**{t["cluster"]: groups.astype(str).to_numpy()})
        kw = {"hue": t["cluster"], "palette": "tab10", "hue_order": [str(g) for g in sorted(groups.unique())]}
    with _quiet():
        grid = sns.pairplot(data, corner=False, height=1.8, plot_kws={"s": 14, "alpha": 0.8},
                            diag_kind="hist", **kw)
    return _closed(grid.figure)


def typology_clustermap(ty, framework=None, lang: str = "zh") -> Figure:
    """Clustered heatmap of a typology: units × dimensions coloured by standing, rows ordered by the
    typology's Ward tree, a colour strip for the clusters.

    Parameters
    ----------
    ty : TypologyResult (its ``standing``, ``assignments`` and Ward linkage,
        :func:`toolkit.analysis.typology.ward_linkage`).
    framework : Framework, optional; names the dimensions.
    lang : "zh" or "en"

    Returns
    -------
    Figure

    Examples
    --------
    >>> from toolkit.analysis.typology import typology
    >>> S = pd.DataFrame({"L1": [9., 8, 7, 1, 0, 1], "L2": [9., 9, 3, 2, 2, 1]}, index=list("abcdef"))
    >>> fig = typology_clustermap(typology(S, k=2, n_boot=0, n_ref=2, k_range=(2, 3)), lang="en")
    >>> heat = next(ax for ax in fig.axes if ax.get_ylabel() == "Unit")
    >>> [t.get_text() for t in heat.get_xticklabels()]
    ['L1', 'L2']
    """
    import seaborn as sns

    from ..analysis.typology import ward_linkage

    t = _text(lang)
    Z = ty.standing.rename(columns={c: _name(c, framework, lang, with_code=False) for c in ty.standing.columns})
    palette = dict(zip(sorted(ty.assignments.unique()), sns.color_palette("tab10", ty.k), strict=True))
    strip = ty.assignments.map(palette).rename(t["cluster"])
    lim = float(np.nanmax(np.abs(Z.to_numpy()))) or 1.0
    with _quiet():
        grid = sns.clustermap(Z, row_linkage=ward_linkage(ty), col_cluster=False, row_colors=strip,
                              cmap="RdBu_r", center=0, vmin=-lim, vmax=lim, figsize=(6.5, 0.16 * len(Z) + 2.5),
                              yticklabels=len(Z) <= 60, dendrogram_ratio=(0.15, 0.05),
                              cbar_kws={"label": t["standing"]})
    grid.ax_heatmap.set_xlabel("")
    grid.ax_heatmap.set_ylabel(t["unit"])
    grid.ax_heatmap.tick_params(axis="y", labelsize=6)
    return _closed(grid.figure)
