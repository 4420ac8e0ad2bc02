"""Figures of the dynamics chain (:mod:`toolkit.dynamics`): a ridge of yearly densities, the Dagum
components over the years, a transition matrix and the σ-convergence curves."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .canvas import axis_text, new_figure

WORDS = {
    "zh": {"density": "核密度", "value": "综合得分", "year": "年份", "gini": "总体基尼系数 G",
           "within": "组内 G_w", "between": "组间净差 G_nb", "transvariation": "超变密度 G_t",
           "share": "贡献率", "from": "期初类别", "to": "下一年类别", "cv": "变异系数 CV", "sd_log": "对数标准差",
           "bw": "带宽：{}"},
    "en": {"density": "Kernel density", "value": "Composite score", "year": "Year", "gini": "Overall Gini G",
           "within": "within G_w", "between": "net between G_nb", "transvariation": "transvariation G_t",
           "share": "Share", "from": "Class in year t", "to": "Class in t + 1", "cv": "Coefficient of variation",
           "sd_log": "SD of logs", "bw": "bandwidth: {}"},
}


def kde_ridge(density: pd.DataFrame, lang: str = "zh", *, title: str = "", overlap: float = 0.6) -> Figure:
    """Ridge plot: one filled density curve per year, stacked from the first year (bottom) up.

    Parameters
    ----------
    density : DataFrame
        :func:`toolkit.dynamics.kde.kde_by_year`'s output (grid × year; ``attrs["rule"]`` is shown).
    lang : {"zh", "en"}
    title : str
    overlap : float
        How far each curve may reach into the one above (in curve heights).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> grid = pd.Index(np.linspace(0, 1, 50), name="value")
    >>> d = pd.DataFrame({2024: np.exp(-(grid - .4) ** 2 * 40), 2025: np.exp(-(grid - .6) ** 2 * 40)}, index=grid)
    >>> len(kde_ridge(d, "en").axes[0].collections)
    2
    """
    axis_text(lang)
    w = WORDS[lang]
    years = list(density.columns)
    fig = new_figure(7, 1.2 + 0.45 * len(years))
    ax = fig.add_subplot()
    top = float(density.to_numpy().max()) or 1.0
    x = density.index.to_numpy(float)
    colours = [f"C{i % 10}" for i in range(len(years))]
    for i, t in enumerate(years):
        y = density[t].to_numpy(float) / top * (1 + overlap)
        ax.fill_between(x, i, i + y, color=colours[i], alpha=0.55, lw=0, zorder=len(years) - i)
        ax.plot(x, i + y, color="k", lw=0.6, zorder=len(years) - i)
    ax.set_yticks(range(len(years)), [str(t) for t in years])
    ax.set_xlabel(w["value"])
    ax.set_ylabel(w["year"])
    rule = density.attrs.get("rule")
    ax.set_title((title + "\n" if title else "") + (w["bw"].format(rule) if rule else ""), fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def dagum_lines(overall: pd.DataFrame, lang: str = "zh", *, title: str = "") -> Figure:
    """G and its three parts over the years (left), and the parts' shares of G (right).

    Parameters
    ----------
    overall : DataFrame
        :class:`toolkit.dynamics.dagum.DagumPanel`'s ``overall`` table.
    lang : {"zh", "en"}
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> o = pd.DataFrame({"gini": [.3, .2], "within": [.1, .1], "between": [.15, .05], "transvariation": [.05, .05],
    ...                   "share_within": [1/3, .5], "share_between": [.5, .25], "share_transvariation": [1/6, .25]},
    ...                  index=[2024, 2025])
    >>> len(dagum_lines(o, "en").axes)
    2
    """
    axis_text(lang)
    w = WORDS[lang]
    fig = new_figure(9, 3.4)
    a, b = fig.subplots(1, 2)
    for col, style in (("gini", "k-"), ("within", "C0-"), ("between", "C3-"), ("transvariation", "C2-")):
        a.plot(overall.index, overall[col], style, marker="o", ms=3, label=w[col])
    a.set_xlabel(w["year"])
    a.legend(fontsize=8)
    b.stackplot(overall.index, overall["share_within"], overall["share_between"], overall["share_transvariation"],
                labels=[w["within"], w["between"], w["transvariation"]], colors=["C0", "C3", "C2"], alpha=0.7)
    b.set_ylim(0, 1)
    b.set_ylabel(w["share"])
    b.set_xlabel(w["year"])
    b.legend(fontsize=8, loc="lower left")
    if title:
        fig.suptitle(title)
    return fig


def transition_heatmap(P: pd.DataFrame, lang: str = "zh", *, title: str = "") -> Figure:
    """A transition matrix as a heat map with its probabilities written in.

    Parameters
    ----------
    P : DataFrame
        :class:`toolkit.dynamics.markov.MarkovResult`'s ``P``.
    lang : {"zh", "en"}
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> P = pd.DataFrame([[.9, .1], [.2, .8]], index=["Q1", "Q2"], columns=["Q1", "Q2"])
    >>> len(transition_heatmap(P, "en").axes)
    2
    """
    axis_text(lang)
    w = WORDS[lang]
    fig = new_figure(1.6 + 0.8 * len(P), 1.2 + 0.7 * len(P))
    ax = fig.add_subplot()
    im = ax.imshow(P.to_numpy(float), cmap="Blues", vmin=0, vmax=1)
    for i in range(P.shape[0]):
        for j in range(P.shape[1]):
            v = float(P.iat[i, j])
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="white" if v > 0.6 else "black", fontsize=9)
    ax.set_xticks(range(P.shape[1]), P.columns)
    ax.set_yticks(range(P.shape[0]), P.index)
    ax.set_xlabel(w["to"])
    ax.set_ylabel(w["from"])
    fig.colorbar(im, ax=ax, shrink=0.8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def sigma_lines(table: pd.DataFrame, lang: str = "zh", *, title: str = "") -> Figure:
    """σ-convergence: the CV and the Gini per year.

    Parameters
    ----------
    table : DataFrame
        :class:`toolkit.dynamics.convergence.SigmaConvergence`'s ``table``.
    lang : {"zh", "en"}
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"cv": [.5, .4], "gini": [.3, .2]}, index=[2024, 2025])
    >>> len(sigma_lines(t, "en").axes)
    1
    """
    axis_text(lang)
    w = WORDS[lang]
    fig = new_figure(5.5, 3.2)
    ax = fig.add_subplot()
    ax.plot(table.index, table["cv"], "C0-o", ms=3, label=w["cv"])
    ax.plot(table.index, table["gini"], "k-o", ms=3, label=w["gini"])
    ax.set_xlabel(w["year"])
    ax.legend(fontsize=8)
    ax.set_ylim(bottom=0)
    if title:
        ax.set_title(title, fontsize=10)
    return fig



