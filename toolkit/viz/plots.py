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

import textwrap

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import DataError
from .fonts import register_cjk_font

__all__ = [
    "cluster_profiles", "correlation_heatmap", "dendrogram", "distribution_grid",
    "missingness_map", "pca_biplot", "rank_intervals", "rank_shift_figure", "scree_plot",
    "sensitivity_bars", "silhouette_plot", "weights_heatmap",
]

_TEXT = {
    "zh": {"count": "频数", "missing": "缺失", "present": "有数据", "missing_share": "缺失比例",
           "overall_missing": "缺失单元格占比 {:.1%}", "corr": "相关系数", "eigenvalue": "特征值",
           "cumulative": "累计方差贡献率", "component": "主成分", "kaiser": "特征值 = 1",
           "pc": "主成分{} ({:.1%})", "distance": "距离", "silhouette": "轮廓系数",
           "mean": "均值 {:.2f}", "cluster": "类别", "overall": "总体均值", "score": "得分",
           "rank": "排名（1 = 最好）", "nominal": "名义排名", "median": "中位数排名",
           "interval": "5%–95% 区间", "s1": "一阶指数 S1", "st": "总效应指数 ST",
           "sobol": "Sobol 敏感性指数", "unit": "单元", "weight": "权重",
           "rank_shift": "相对 {} 的排名变化（负 = 上升）"},
    "en": {"count": "Count", "missing": "missing", "present": "present", "missing_share": "Missing",
           "overall_missing": "{:.1%} of cells missing", "corr": "Correlation",
           "eigenvalue": "Eigenvalue", "cumulative": "Cumulative explained variance",
           "component": "Component", "kaiser": "eigenvalue = 1", "pc": "PC{} ({:.1%})",
           "distance": "Distance", "silhouette": "Silhouette coefficient", "mean": "mean {:.2f}",
           "cluster": "Cluster", "overall": "Overall mean", "score": "Score",
           "rank": "Rank (1 = best)", "nominal": "nominal rank", "median": "median rank",
           "interval": "5th–95th percentile", "s1": "First order S1", "st": "Total effect ST",
           "sobol": "Sobol sensitivity index", "unit": "Unit", "weight": "Weight",
           "rank_shift": "Rank change against {} (negative = rises)"},
}


# ----------------------------------------------------------------------------------- helpers
def _text(lang: str) -> dict:
    if lang not in _TEXT:
        raise DataError(f"lang must be 'zh' or 'en', got {lang!r}")
    register_cjk_font()
    return _TEXT[lang]


def _figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    fig = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _label(code, framework, lang: str, with_code: bool = True, width: int | None = None) -> str:
    text = framework.label(code, lang, with_code=with_code) if framework is not None and \
        isinstance(code, str) and code in framework else str(code)
    return "\n".join(textwrap.wrap(text, width)) if width else text


def _frame(X, name: str) -> pd.DataFrame:
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if not isinstance(X, pd.DataFrame) or X.empty:
        raise DataError(f"{name}: expected a non-empty DataFrame")
    return X


def _need(df: pd.DataFrame, cols, name: str) -> pd.DataFrame:
    missing = [c for c in cols if c not in df]
    if missing:
        raise DataError(f"{name}: missing column(s) {missing}; expected {list(cols)}")
    return df


# ---------------------------------------------------------------------------- data overview
def distribution_grid(X, framework=None, lang: str = "zh", *, ncols: int = 5, bins: int = 20) -> Figure:
    """Histogram of every column of ``X`` (units × indicators), one panel per indicator."""
    t = _text(lang)
    X = _frame(X, "distribution_grid")
    n = X.shape[1]
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    width, height = 2.8 * ncols, 2.4 * nrows
    fig = _figure(width, height, layout=None)  # 30 panels: a layout engine would be slow
    fig.subplots_adjust(left=0.6 / width, right=1 - 0.15 / width, bottom=0.3 / height,
                        top=1 - 0.4 / height, hspace=0.6, wspace=0.3)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, col in zip(axes, X.columns, strict=False):
        values = pd.to_numeric(X[col], errors="coerce").dropna()
        ax.hist(values, bins=bins, histtype="stepfilled", color="#4C72B0", edgecolor="#2F4B7C")
        ax.set_title(_label(col, framework, lang, width=20 if lang == "zh" else 30), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.locator_params(nbins=4)
    for ax in axes[n:]:
        fig.delaxes(ax)
    fig.supylabel(t["count"], fontsize=9)
    return fig


def missingness_map(X, framework=None, lang: str = "zh") -> Figure:
    """Which cells are missing (units × indicators), with the missing share of each indicator."""
    t = _text(lang)
    X = _frame(X, "missingness_map")
    miss = X.isna().to_numpy()
    fig = _figure(max(6.0, 0.28 * X.shape[1] + 2), max(4.0, 0.09 * X.shape[0] + 2.5))
    top, ax = fig.subplots(2, 1, sharex=True, height_ratios=[1, 5])
    top.bar(np.arange(X.shape[1]), miss.mean(axis=0), color="#C44E52")
    top.set_ylabel(t["missing_share"], fontsize=8)
    top.set_title(t["overall_missing"].format(miss.mean()), fontsize=9)
    ax.imshow(miss, aspect="auto", interpolation="nearest", cmap="Greys", vmin=0, vmax=1)
    ax.set_xticks(np.arange(X.shape[1]), [_label(c, framework, lang) for c in X.columns],
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

    t = _text(lang)
    r = _frame(r, "correlation_heatmap").astype(float)
    mask = np.isnan(r.to_numpy())
    square = list(r.index) == list(r.columns)
    if triangle and square:
        mask |= np.triu(np.ones(r.shape, dtype=bool), 1)
    if p is not None:
        mask |= (p.reindex(index=r.index, columns=r.columns) > alpha).to_numpy()
    annot = r.shape[1] <= 15 if annot is None else annot
    fig = _figure(max(5.0, 0.36 * r.shape[1] + 4), max(4.0, 0.32 * r.shape[0] + 2))
    ax = fig.subplots()
    cmap = mpl.colormaps["RdBu_r"].with_extremes(bad="white")
    im = ax.imshow(np.ma.masked_array(r.to_numpy(), mask), cmap=cmap, vmin=-1, vmax=1,
                   interpolation="nearest", aspect="equal" if square else "auto")
    fig.colorbar(im, ax=ax, label=t["corr"], shrink=0.7)
    ax.set_xticks(np.arange(r.shape[1]), [str(c) for c in r.columns], rotation=90, fontsize=7)
    ax.set_yticks(np.arange(r.shape[0]), [_label(c, framework, lang) for c in r.index], fontsize=7)
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
    t = _text(lang)
    table = getattr(pca, "table", pca)
    if isinstance(table, pd.DataFrame):
        ev = _need(table, ["eigenvalue"], "scree_plot")["eigenvalue"]
    else:
        ev = pd.Series(table, dtype=float)
    if ev.empty:
        raise DataError("scree_plot: no eigenvalues")
    cumulative = getattr(pca, "cumulative_threshold", None) if cumulative is None else cumulative
    cum = ev.cumsum() / ev.sum()
    x = np.arange(1, len(ev) + 1)
    fig = _figure(max(5.0, 0.35 * len(ev) + 3), 3.8)
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
    t = _text(lang)
    if hasattr(scores, "loadings"):
        explained = scores.table["explained"] if explained is None else explained
        scores, loadings = scores.scores, scores.loadings if loadings is None else loadings
    a, b = components
    _need(_frame(scores, "pca_biplot"), [a, b], "pca_biplot")
    _need(_frame(loadings, "pca_biplot"), [a, b], "pca_biplot")
    fig = _figure(7.0, 6.0)
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


# ------------------------------------------------------------------------------- clustering
def dendrogram(linkage_matrix, labels=None, lang: str = "zh", *, color_threshold=None) -> Figure:
    """Dendrogram of a :func:`scipy.cluster.hierarchy.linkage` matrix, leaves (units) on the left."""
    from scipy.cluster import hierarchy

    t = _text(lang)
    Z = np.asarray(linkage_matrix, dtype=float)
    if Z.ndim != 2 or Z.shape[1] != 4 or not hierarchy.is_valid_linkage(Z):
        raise DataError("dendrogram: not a valid scipy linkage matrix (n − 1 rows × 4 columns)")
    n = Z.shape[0] + 1
    labels = [str(x) for x in (labels if labels is not None else range(n))]
    if len(labels) != n:
        raise DataError(f"dendrogram: {len(labels)} labels for {n} leaves")
    fig = _figure(7.0, max(4.0, 0.16 * n + 1))
    ax = fig.subplots()
    hierarchy.dendrogram(Z, labels=labels, orientation="right", ax=ax, leaf_font_size=7,
                         color_threshold=color_threshold)
    ax.set_xlabel(t["distance"])
    return fig


def silhouette_plot(silhouette_values, clusters, lang: str = "zh", *,
                    average: float | None = None) -> Figure:
    """Silhouette of every unit (one bar each), grouped by cluster and sorted, with the mean."""
    t = _text(lang)
    s = pd.Series(silhouette_values, dtype=float)
    c = pd.Series(clusters)
    if s.isna().any() or s.index.has_duplicates or set(s.index) != set(c.index):
        raise DataError("silhouette_plot: values and clusters must cover the same units, without NaN")
    c = c.reindex(s.index)
    average = float(s.mean()) if average is None else float(average)
    fig = _figure(6.5, max(4.0, 0.05 * len(s) + 2))
    ax = fig.subplots()
    y, colors = 0, [f"C{i % 10}" for i in range(c.nunique())]
    for i, k in enumerate(sorted(c.unique(), key=str)):
        vals = np.sort(s[c == k].to_numpy())
        ax.barh(np.arange(y, y + len(vals)), vals, height=1.0, color=colors[i], edgecolor="none")
        ax.text(-0.02, y + len(vals) / 2, str(k), ha="right", va="center", fontsize=8,
                transform=ax.get_yaxis_transform())
        y += len(vals) + 2
    ax.axvline(average, color="#C44E52", ls="--", lw=1, label=t["mean"].format(average))
    ax.set_yticks([])
    ax.set_xlabel(t["silhouette"])
    ax.set_ylabel(t["cluster"], labelpad=18)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def cluster_profiles(means, overall=None, framework=None, lang: str = "zh", *,
                     kind: str = "radar") -> Figure:
    """Mean dimension scores of each cluster (rows of ``means``, columns dimensions) against the
    overall mean (``overall``, Series by dimension), as a radar or parallel-coordinates chart."""
    t = _text(lang)
    means = _frame(means, "cluster_profiles").astype(float)
    if kind not in ("radar", "parallel"):
        raise DataError(f"cluster_profiles: kind must be 'radar' or 'parallel', got {kind!r}")
    names = [_label(d, framework, lang, with_code=False, width=8 if lang == "zh" else 16)
             for d in means.columns]
    series = [(f"{t['cluster']} {k}", row.to_numpy(), {}) for k, row in means.iterrows()]
    if overall is not None:
        ov = pd.Series(overall, dtype=float).reindex(means.columns).to_numpy()
        series.append((t["overall"], ov, {"color": "black", "ls": "--"}))
    fig = _figure(7.0, 7.0 if kind == "radar" else 4.5, layout=None if kind == "radar" else "constrained")
    if kind == "radar":  # the layout engines ignore the polar tick labels: fixed margins
        ax = fig.add_axes((0.2, 0.22, 0.6, 0.6), projection="polar")
        angles = np.linspace(0, 2 * np.pi, means.shape[1], endpoint=False)
        closed = np.append(angles, angles[0])
        for label, v, style in series:
            ax.plot(closed, np.append(v, v[0]), lw=1.5, label=label, **style)
            if not style:
                ax.fill(closed, np.append(v, v[0]), alpha=0.08)
        ax.set_xticks(angles, names, fontsize=9)
    else:
        ax = fig.subplots()
        x = np.arange(means.shape[1])
        for label, v, style in series:
            ax.plot(x, v, marker="o", lw=1.5, label=label, **style)
        ax.set_xticks(x, names, fontsize=9)
        ax.set_ylabel(t["score"])
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08 if kind == "radar" else -0.15),
              ncols=min(len(series), 5), frameon=False)
    return fig


# ------------------------------------------------------------------------------------ weights
def weights_heatmap(W: pd.DataFrame, lang: str = "zh") -> Figure:
    """Heatmap of a weight table, each cell annotated with its weight.

    Parameters
    ----------
    W : DataFrame, rows: indicators or (parent, child) pairs; columns: methods or variants
        (as :func:`toolkit.analysis.variants.weight_table` returns).
    lang : "zh" or "en", the colour bar's label.

    Returns
    -------
    Figure

    Examples
    --------
    >>> W = pd.DataFrame({"equal": [0.5, 0.5], "entropy": [0.3, 0.7]}, index=["L1P1", "L1P2"])
    >>> fig = weights_heatmap(W, "en")
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['0.50', '0.30', '0.50', '0.70']
    """
    t = _text(lang)
    W = _frame(W, "weights_heatmap").astype(float)
    rows = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in W.index]
    fig = _figure(1.1 * W.shape[1] + 2.5, max(3.0, 0.28 * W.shape[0] + 1.6))
    ax = fig.subplots()
    im = ax.imshow(W.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(np.arange(W.shape[1]), [str(c) for c in W.columns], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(np.arange(W.shape[0]), rows, fontsize=7)
    top = float(np.nanmax(W.to_numpy())) or 1.0
    for (i, j), v in np.ndenumerate(W.to_numpy()):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6, color="white" if v > 0.6 * top else "black")
    fig.colorbar(im, ax=ax, shrink=0.6, label=t["weight"])
    return fig


def rank_shift_figure(ranks: pd.DataFrame, reference: str | None = None, lang: str = "zh") -> Figure:
    """Box plot of each unit's rank shift (variant − reference; negative = rises), one box per variant.

    Parameters
    ----------
    ranks : DataFrame, units × variants (as :func:`toolkit.analysis.variants.rank_table`).
    reference : str, optional, the reference column (default: the first).
    lang : "zh" or "en"

    Returns
    -------
    Figure

    Examples
    --------
    >>> ranks = pd.DataFrame({"a": [1, 2, 3], "b": [2, 1, 3], "c": [3, 2, 1]})
    >>> fig = rank_shift_figure(ranks, lang="en")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()], fig.axes[0].get_xlabel()
    (['b', 'c'], 'Rank change against a (negative = rises)')
    """
    t = _text(lang)
    ranks = _frame(ranks, "rank_shift_figure")
    reference = ranks.columns[0] if reference is None else reference
    shift = ranks.drop(columns=reference).sub(ranks[reference], axis=0)
    fig = _figure(6.5, 0.42 * shift.shape[1] + 1.6)
    ax = fig.subplots()
    ax.boxplot([shift[c].to_numpy() for c in shift.columns], orientation="horizontal",
               tick_labels=[str(c) for c in shift.columns])
    ax.axvline(0, color="grey", lw=0.6)
    ax.set_xlabel(t["rank_shift"].format(reference))
    return fig


# -------------------------------------------------------------------------------- robustness
def rank_intervals(df, lang: str = "zh", *, labels=None, sort_by: str = "median") -> Figure:
    """Caterpillar chart of rank uncertainty: per unit (row of ``df``) the 5th–95th percentile
    interval, the median and the nominal rank (columns ``nominal, median, p05, p95``).
    ``labels`` (Series by unit) replaces the unit ids on the axis."""
    t = _text(lang)
    df = _need(_frame(df, "rank_intervals"), ["nominal", "median", "p05", "p95"], "rank_intervals")
    df = df.sort_values([sort_by, "nominal"])
    y = np.arange(len(df))
    names = [str(pd.Series(labels).get(u, u)) if labels is not None else str(u) for u in df.index]
    fig = _figure(6.5, max(4.0, 0.17 * len(df) + 1.5))
    ax = fig.subplots()
    ax.hlines(y, df["p05"], df["p95"], color="#4C72B0", lw=2, alpha=0.6, label=t["interval"])
    ax.scatter(df["median"], y, color="#4C72B0", s=16, zorder=3, label=t["median"])
    ax.scatter(df["nominal"], y, color="#C44E52", marker="x", s=16, zorder=4, label=t["nominal"])
    ax.set_yticks(y, names, fontsize=7 if len(df) > 30 else 8)
    ax.invert_yaxis()
    ax.set_xlabel(t["rank"])
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False)
    return fig


def sensitivity_bars(df, lang: str = "zh", *, framework=None) -> Figure:
    """First-order and total Sobol indices per uncertain factor, with confidence half-widths
    (columns ``factor, S1, S1_conf, ST, ST_conf``)."""
    t = _text(lang)
    df = _need(_frame(df, "sensitivity_bars"), ["factor", "S1", "S1_conf", "ST", "ST_conf"],
               "sensitivity_bars").sort_values("ST", ascending=True)
    y = np.arange(len(df))
    fig = _figure(6.5, max(3.0, 0.45 * len(df) + 1.5))
    ax = fig.subplots()
    ax.barh(y + 0.2, df["ST"], height=0.4, xerr=df["ST_conf"], color="#4C72B0", label=t["st"],
            error_kw={"lw": 1})
    ax.barh(y - 0.2, df["S1"], height=0.4, xerr=df["S1_conf"], color="#DD8452", label=t["s1"],
            error_kw={"lw": 1})
    ax.set_yticks(y, [_label(f, framework, lang, width=20) for f in df["factor"]], fontsize=8)
    ax.set_xlabel(t["sobol"])
    ax.axvline(0, color="grey", lw=0.5)
    ax.legend(fontsize=8, loc="lower right")
    return fig
