"""Figures of weights and robustness: the weights heatmap, rank shifts, rank intervals and Sobol bars (matplotlib, no pyplot)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .canvas import as_frame, axis_text, need_columns, new_figure, wrap_label

__all__ = ["rank_intervals", "rank_shift_figure", "sensitivity_bars", "weights_heatmap"]




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
    t = axis_text(lang)
    W = as_frame(W, "weights_heatmap").astype(float)
    rows = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in W.index]
    fig = new_figure(1.1 * W.shape[1] + 2.5, max(3.0, 0.28 * W.shape[0] + 1.6))
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
    t = axis_text(lang)
    ranks = as_frame(ranks, "rank_shift_figure")
    reference = ranks.columns[0] if reference is None else reference
    shift = ranks.drop(columns=reference).sub(ranks[reference], axis=0)
    fig = new_figure(6.5, 0.42 * shift.shape[1] + 1.6)
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
    t = axis_text(lang)
    df = need_columns(as_frame(df, "rank_intervals"), ["nominal", "median", "p05", "p95"], "rank_intervals")
    df = df.sort_values([sort_by, "nominal"])
    y = np.arange(len(df))
    names = [str(pd.Series(labels).get(u, u)) if labels is not None else str(u) for u in df.index]
    fig = new_figure(6.5, max(4.0, 0.17 * len(df) + 1.5))
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
    t = axis_text(lang)
    df = need_columns(as_frame(df, "sensitivity_bars"), ["factor", "S1", "S1_conf", "ST", "ST_conf"],
               "sensitivity_bars").sort_values("ST", ascending=True)
    y = np.arange(len(df))
    fig = new_figure(6.5, max(3.0, 0.45 * len(df) + 1.5))
    ax = fig.subplots()
    ax.barh(y + 0.2, df["ST"], height=0.4, xerr=df["ST_conf"], color="#4C72B0", label=t["st"],
            error_kw={"lw": 1})
    ax.barh(y - 0.2, df["S1"], height=0.4, xerr=df["S1_conf"], color="#DD8452", label=t["s1"],
            error_kw={"lw": 1})
    ax.set_yticks(y, [wrap_label(f, framework, lang, width=20) for f in df["factor"]], fontsize=8)
    ax.set_xlabel(t["sobol"])
    ax.axvline(0, color="grey", lw=0.5)
    ax.legend(fontsize=8, loc="lower right")
    return fig
