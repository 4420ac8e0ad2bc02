"""Figures of a typology: the Ward dendrogram, the silhouette plot and the cluster profiles (matplotlib, no pyplot)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..errors import DataError
from .canvas import as_frame, axis_text, new_figure, wrap_label

__all__ = ["cluster_profiles", "dendrogram", "silhouette_plot"]




# ------------------------------------------------------------------------------- clustering
def dendrogram(linkage_matrix, labels=None, lang: str = "zh", *, color_threshold=None) -> Figure:
    """Dendrogram of a :func:`scipy.cluster.hierarchy.linkage` matrix, leaves (units) on the left."""
    from scipy.cluster import hierarchy

    t = axis_text(lang)
    Z = np.asarray(linkage_matrix, dtype=float)
    if Z.ndim != 2 or Z.shape[1] != 4 or not hierarchy.is_valid_linkage(Z):
        raise DataError("dendrogram: not a valid scipy linkage matrix (n − 1 rows × 4 columns)")
    n = Z.shape[0] + 1
    labels = [str(x) for x in (labels if labels is not None else range(n))]
    if len(labels) != n:
        raise DataError(f"dendrogram: {len(labels)} labels for {n} leaves")
    fig = new_figure(7.0, max(4.0, 0.16 * n + 1))
    ax = fig.subplots()
    hierarchy.dendrogram(Z, labels=labels, orientation="right", ax=ax, leaf_font_size=7,
                         color_threshold=color_threshold)
    ax.set_xlabel(t["distance"])
    return fig


def silhouette_plot(silhouette_values, clusters, lang: str = "zh", *,
                    average: float | None = None) -> Figure:
    """Silhouette of every unit (one bar each), grouped by cluster and sorted, with the mean."""
    t = axis_text(lang)
    s = pd.Series(silhouette_values, dtype=float)
    c = pd.Series(clusters)
    if s.isna().any() or s.index.has_duplicates or set(s.index) != set(c.index):
        raise DataError("silhouette_plot: values and clusters must cover the same units, without NaN")
    c = c.reindex(s.index)
    average = float(s.mean()) if average is None else float(average)
    fig = new_figure(6.5, max(4.0, 0.05 * len(s) + 2))
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
    t = axis_text(lang)
    means = as_frame(means, "cluster_profiles").astype(float)
    if kind not in ("radar", "parallel"):
        raise DataError(f"cluster_profiles: kind must be 'radar' or 'parallel', got {kind!r}")
    names = [wrap_label(d, framework, lang, with_code=False, width=8 if lang == "zh" else 16)
             for d in means.columns]
    series = [(f"{t['cluster']} {k}", row.to_numpy(), {}) for k, row in means.iterrows()]
    if overall is not None:
        ov = pd.Series(overall, dtype=float).reindex(means.columns).to_numpy()
        series.append((t["overall"], ov, {"color": "black", "ls": "--"}))
    fig = new_figure(7.0, 7.0 if kind == "radar" else 4.5, layout=None if kind == "radar" else "constrained")
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
