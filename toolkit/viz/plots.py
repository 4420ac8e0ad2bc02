"""Figures shared by the notebooks and the reports, drawn with matplotlib (seaborn figures: :mod:`toolkit.viz.distributions`).

Every function takes data (pandas objects labelled by unit id and indicator code) and returns a
:class:`matplotlib.figure.Figure` built without :mod:`matplotlib.pyplot`: no figure manager,
nothing to close, never shown. Notebooks display the returned figure; reports call
``fig.savefig``. ``lang="zh"|"en"`` picks the axis texts and, given a ``framework``, the
indicator and dimension names (:meth:`toolkit.framework.model.Framework.label`). The only global state
touched is the CJK font registration (:func:`toolkit.viz.fonts.register_cjk_font`), done on first use
so that Chinese labels render on any machine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..errors import DataError
from .canvas import as_frame, axis_text, need_columns, new_figure, wrap_label
from .robustness_plots import rank_intervals, rank_shift_figure, sensitivity_bars, weights_heatmap
from .typology_plots import cluster_profiles, dendrogram, silhouette_plot

__all__ = [
    "cluster_profiles", "correlation_heatmap", "dendrogram", "distribution_grid",
    "missingness_map", "pca_biplot", "rank_intervals", "rank_shift_figure", "scree_plot",
    "sensitivity_bars", "silhouette_plot", "weights_heatmap",
]


# ---------------------------------------------------------------------------- data overview
def distribution_grid(X, framework=None, lang: str = "zh", *, ncols: int = 5, bins: int = 20) -> Figure:
    """Histogram of every column of ``X`` (units × indicators), one panel per indicator."""
    t = axis_text(lang)
    X = as_frame(X, "distribution_grid")
    n = X.shape[1]
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    width, height = 2.8 * ncols, 2.4 * nrows
    fig = new_figure(width, height, layout=None)  # 30 panels: a layout engine would be slow
    fig.subplots_adjust(left=0.6 / width, right=1 - 0.15 / width, bottom=0.3 / height,
                        top=1 - 0.4 / height, hspace=0.6, wspace=0.3)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, col in zip(axes, X.columns, strict=False):
        values = pd.to_numeric(X[col], errors="coerce").dropna()
        ax.hist(values, bins=bins, histtype="stepfilled", color="#4C72B0", edgecolor="#2F4B7C")
        ax.set_title(wrap_label(col, framework, lang, width=20 if lang == "zh" else 30), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.locator_params(nbins=4)
    for ax in axes[n:]:
        fig.delaxes(ax)
    fig.supylabel(t["count"], fontsize=9)
    return fig


def missingness_map(X, framework=None, lang: str = "zh") -> Figure:
    """Which cells are missing (units × indicators), with the missing share of each indicator."""
    t = axis_text(lang)
    X = as_frame(X, "missingness_map")
    miss = X.isna().to_numpy()
    fig = new_figure(max(6.0, 0.28 * X.shape[1] + 2), max(4.0, 0.09 * X.shape[0] + 2.5))
    top, ax = fig.subplots(2, 1, sharex=True, height_ratios=[1, 5])
    top.bar(np.arange(X.shape[1]), miss.mean(axis=0), color="#C44E52")
    top.set_ylabel(t["missing_share"], fontsize=8)
    top.set_title(t["overall_missing"].format(miss.mean()), fontsize=9)
    ax.imshow(miss, aspect="auto", interpolation="nearest", cmap="Greys", vmin=0, vmax=1)
    ax.set_xticks(np.arange(X.shape[1]), [wrap_label(c, framework, lang) for c in X.columns],
                  rotation=90, fontsize=7)
    if X.shape[0] <= 60:
        ax.set_yticks(np.arange(X.shape[0]), [" ".join(map(str, i)) if isinstance(i, tuple) else str(i)
                                             for i in X.index], fontsize=6)
    ax.set_ylabel(t["unit"])
    return fig


def correlation_heatmap(r, framework=None, lang: str = "zh", *, p=None, alpha: float = 0.05,
                        annot: bool | None = None, triangle: bool = True, groups=None) -> Figure:
    """Heatmap of a correlation matrix (as :func:`toolkit.analysis.audit.correlations` returns).

    Cells with ``p > alpha`` are left blank, as COINr's ``get_corr(pval=0.05)`` does. The upper
    triangle of a square symmetric matrix is hidden if ``triangle``. ``groups`` (code →
    dimension; default from ``framework``) draws lines between dimensions.
    """
    import matplotlib as mpl

    t = axis_text(lang)
    r = as_frame(r, "correlation_heatmap").astype(float)
    mask = np.isnan(r.to_numpy())
    square = list(r.index) == list(r.columns)
    if triangle and square:
        mask |= np.triu(np.ones(r.shape, dtype=bool), 1)
    if p is not None:
        mask |= (p.reindex(index=r.index, columns=r.columns) > alpha).to_numpy()
    annot = r.shape[1] <= 15 if annot is None else annot
    fig = new_figure(max(5.0, 0.36 * r.shape[1] + 4), max(4.0, 0.32 * r.shape[0] + 2))
    ax = fig.subplots()
    cmap = mpl.colormaps["RdBu_r"].with_extremes(bad="white")
    im = ax.imshow(np.ma.masked_array(r.to_numpy(), mask), cmap=cmap, vmin=-1, vmax=1,
                   interpolation="nearest", aspect="equal" if square else "auto")
    fig.colorbar(im, ax=ax, label=t["corr"], shrink=0.7)
    ax.set_xticks(np.arange(r.shape[1]), [str(c) for c in r.columns], rotation=90, fontsize=7)
    ax.set_yticks(np.arange(r.shape[0]), [wrap_label(c, framework, lang) for c in r.index], fontsize=7)
    ax.spines[:].set_visible(False)
    if annot:
        for i, j in zip(*np.nonzero(~mask), strict=True):
            v = r.iat[i, j]
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6,
                    color="white" if abs(v) > 0.6 else "black")
    if groups is None and framework is not None and "dimension" in framework.levels:
        groups = {c: _dimension_of(c, framework) for c in r.columns if c in framework}
    if groups and square:
        g = [groups.get(c) for c in r.columns]
        for i in range(1, len(g)):
            if g[i] != g[i - 1]:
                ax.axhline(i - 0.5, color="black", lw=0.8)
                ax.axvline(i - 0.5, color="black", lw=0.8)
    return fig


def _dimension_of(code, framework):
    """The dimension of a node, or None for nodes above the dimensions (the index itself)."""
    try:
        return framework.ancestor(code, "dimension")
    except KeyError:
        return None


# ------------------------------------------------------------------------------------ PCA
def scree_plot(pca, lang: str = "zh", *, kaiser: float = 1.0, cumulative: float | None = None) -> Figure:
    """Eigenvalues as bars, Kaiser's line, and the cumulative explained variance.

    ``pca`` is a :class:`toolkit.analysis.audit.PCASummary`, a DataFrame with an ``eigenvalue`` column, or a
    Series of eigenvalues (largest first). ``cumulative`` draws the cumulative-variance threshold
    (default: the summary's own).
    """
    t = axis_text(lang)
    table = getattr(pca, "table", pca)
    if isinstance(table, pd.DataFrame):
        ev = need_columns(table, ["eigenvalue"], "scree_plot")["eigenvalue"]
    else:
        ev = pd.Series(table, dtype=float)
    if ev.empty:
        raise DataError("scree_plot: no eigenvalues")
    cumulative = getattr(pca, "cumulative_threshold", None) if cumulative is None else cumulative
    cum = ev.cumsum() / ev.sum()
    x = np.arange(1, len(ev) + 1)
    fig = new_figure(max(5.0, 0.35 * len(ev) + 3), 3.8)
    ax = fig.subplots()
    ax.bar(x, ev.to_numpy(), color="#4C72B0", label=t["eigenvalue"])
    ax.axhline(kaiser, color="#C44E52", ls="--", lw=1, label=t["kaiser"])
    ax.set_xticks(x, [str(c) for c in ev.index], rotation=90 if len(ev) > 12 else 0, fontsize=8)
    ax.set_xlabel(t["component"])
    ax.set_ylabel(t["eigenvalue"])
    ax2 = ax.twinx()
    ax2.plot(x, cum.to_numpy(), color="#DD8452", marker="o", ms=3, label=t["cumulative"])
    if cumulative is not None:
        ax2.axhline(cumulative, color="#DD8452", ls=":", lw=1)
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel(t["cumulative"])
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="center right", fontsize=8)
    return fig


def pca_biplot(scores, loadings=None, *, explained=None, hue=None, framework=None,
               lang: str = "zh", components=("PC1", "PC2"), annotate_units: bool = False) -> Figure:
    """Units on two components (points) and the indicators' loadings (arrows).

    ``scores`` is a units × PCs DataFrame, or a :class:`toolkit.analysis.audit.PCASummary` (then
    ``loadings`` and ``explained`` come from it). ``hue`` (Series by unit, e.g. clusters) colours
    the points. Arrows are scaled to the spread of the scores.
    """
    t = axis_text(lang)
    if hasattr(scores, "loadings"):
        explained = scores.table["explained"] if explained is None else explained
        scores, loadings = scores.scores, scores.loadings if loadings is None else loadings
    a, b = components
    need_columns(as_frame(scores, "pca_biplot"), [a, b], "pca_biplot")
    need_columns(as_frame(loadings, "pca_biplot"), [a, b], "pca_biplot")
    fig = new_figure(7.0, 6.0)
    ax = fig.subplots()
    if hue is None:
        ax.scatter(scores[a], scores[b], s=18, color="#4C72B0", alpha=0.8)
    else:
        hue = pd.Series(hue).reindex(scores.index)
        for k in sorted(hue.dropna().unique(), key=str):
            sel = (hue == k).to_numpy()
            ax.scatter(scores.loc[sel, a], scores.loc[sel, b], s=18, alpha=0.8,
                       label=f"{t['cluster']} {k}")
        ax.legend(fontsize=8)
    if annotate_units:
        for u, row in scores.iterrows():
            ax.annotate(str(u), (row[a], row[b]), fontsize=6, alpha=0.7)
    span = float(np.nanmax(np.abs(scores[[a, b]].to_numpy())))
    scale = 0.9 * span / max(float(np.nanmax(np.abs(loadings[[a, b]].to_numpy()))), 1e-12)
    for code, row in loadings.iterrows():
        ax.arrow(0, 0, row[a] * scale, row[b] * scale, color="#C44E52", width=0.002 * span,
                 head_width=0.02 * span, length_includes_head=True, alpha=0.8)
        ax.text(row[a] * scale * 1.08, row[b] * scale * 1.08, str(code), fontsize=7, color="#8C1C13")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    for setter, pc in ((ax.set_xlabel, a), (ax.set_ylabel, b)):
        i = int(str(pc).removeprefix("PC")) if str(pc).removeprefix("PC").isdigit() else pc
        share = float(explained[pc]) if explained is not None and pc in explained else np.nan
        setter(t["pc"].format(i, share) if np.isfinite(share) else str(pc))
    return fig
