"""Dagum's (1997) Gini coefficient and its decomposition by group.

Dagum, C. (1997), "A new approach to the decomposition of the Gini income inequality ratio",
*Empirical Economics* 22, 515–531. Groups j = 1..k are sorted by mean, μ_1 ≥ … ≥ μ_k; n units
with mean μ; group j has n_j units with mean μ_j, p_j = n_j/n and s_j = n_j μ_j/(n μ).

* overall: G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² μ);
* within group j: G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j); G_w = Σ_j G_jj p_j s_j;
* between groups j, h: G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h));
* relative economic affluence, for μ_j ≥ μ_h: d_jh = mean over pairs of max(y_ji − y_hr, 0),
  p_jh = mean over pairs of max(y_hr − y_ji, 0), D_jh = (d_jh − p_jh)/(d_jh + p_jh);
* net between groups G_nb = Σ_{j>h} G_jh (p_j s_h + p_h s_j) D_jh and transvariation
  G_t = Σ_{j>h} G_jh (p_j s_h + p_h s_j)(1 − D_jh), so that G = G_w + G_nb + G_t.

The pair sums are computed from sorted values and cumulative sums (O(n log n)), not from the
n × n matrix of differences; ``tests/dynamics/test_dagum.py`` checks them against the direct
double sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError
from .checks import aligned


@dataclass(frozen=True)
class DagumResult:
    """One cross-section's Dagum decomposition.

    Attributes
    ----------
    gini : float
        The overall Gini coefficient G.
    within, between, transvariation : float
        G_w, G_nb and G_t; they sum to ``gini``.
    group_gini : dict
        Group → its own Gini G_jj.
    pair_gini : dict
        (g, h) → the between-group Gini G_gh, for every pair of groups in order of decreasing mean.
    pair_affluence : dict
        (g, h) → Dagum's relative economic affluence D_gh (0 when g and h overlap completely, 1 when
        every value of g exceeds every value of h).
    group_mean, group_size : dict
        μ_j and n_j.

    Examples
    --------
    >>> r = dagum_gini(pd.Series([1.0, 2.0, 5.0, 6.0]), pd.Series(list("aabb")))
    >>> {k: round(v, 3) for k, v in r.shares.items()}
    {'within': 0.111, 'between': 0.889, 'transvariation': 0.0}
    """
    gini: float
    within: float
    between: float
    transvariation: float
    group_gini: dict = field(default_factory=dict)
    pair_gini: dict = field(default_factory=dict)
    pair_affluence: dict = field(default_factory=dict)
    group_mean: dict = field(default_factory=dict)
    group_size: dict = field(default_factory=dict)

    @property
    def shares(self) -> dict[str, float]:
        """Contribution of each part to G (they sum to 1; NaN when G = 0)."""
        g = self.gini
        parts = {"within": self.within, "between": self.between, "transvariation": self.transvariation}
        return {k: (v / g if g > 0 else float("nan")) for k, v in parts.items()}

    def as_series(self) -> pd.Series:
        """G, G_w, G_nb, G_t and the three shares, as one labelled row."""
        s = self.shares
        return pd.Series({"gini": self.gini, "within": self.within, "between": self.between,
                          "transvariation": self.transvariation, "share_within": s["within"],
                          "share_between": s["between"], "share_transvariation": s["transvariation"]})


def pair_sums(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Σ_i Σ_r max(x_i − y_r, 0) and Σ_i Σ_r max(y_r − x_i, 0), from sorted ``y`` and cumulative sums.

    Examples
    --------
    >>> pair_sums(np.array([1.0, 4.0]), np.array([2.0, 3.0]))   # (0 + 0 + 2 + 1, 1 + 2 + 0 + 0)
    (3.0, 3.0)
    """
    ys = np.sort(np.asarray(y, float))
    cum = np.concatenate([[0.0], np.cumsum(ys)])
    x = np.asarray(x, float)
    c = np.searchsorted(ys, x, side="right")          # how many y ≤ x_i
    pos = float(np.sum(x * c - cum[c]))               # Σ (x_i − y_r) over y_r ≤ x_i
    total = float(x.sum() * len(ys) - len(x) * cum[-1])  # Σ (x_i − y_r) over all pairs
    return pos, pos - total


def dagum_gini(values: pd.Series, groups: pd.Series) -> DagumResult:
    """Dagum's Gini coefficient of ``values`` decomposed by ``groups`` (one cross-section).

    Parameters
    ----------
    values : Series
        Non-negative values (a composite score), at least one positive; no missing value.
    groups : Series
        The group of each unit, same index as ``values`` (a circle, a city, an industry, a region).

    Returns
    -------
    DagumResult
        ``gini``, ``within``, ``between``, ``transvariation`` (summing to ``gini``), ``group_gini``,
        ``pair_gini``, ``pair_affluence`` and ``shares``.

    Examples
    --------
    Two groups that do not overlap have no transvariation:

    >>> y = pd.Series([1.0, 2.0, 3.0, 10.0, 11.0, 12.0])
    >>> g = pd.Series(["low"] * 3 + ["high"] * 3)
    >>> r = dagum_gini(y, g)
    >>> round(r.gini, 4), round(r.within, 4), round(r.between, 4), r.transvariation
    (0.3803, 0.0342, 0.3462, 0.0)
    >>> round(r.within + r.between + r.transvariation, 12) == round(r.gini, 12)
    True
    >>> list(r.pair_gini)
    [('high', 'low')]
    """
    y, g = aligned(values, groups, "dagum_gini")
    if (y < 0).any():
        raise DataError(f"dagum_gini: values must be non-negative; {values.name or 'values'} has "
                        f"{int((y < 0).sum())} negative value(s), e.g. {y[y < 0].iloc[0]!r} at {y[y < 0].index[0]!r}")
    n, mu = len(y), float(y.mean())
    if mu <= 0:
        raise DataError("dagum_gini: the mean of the values is 0; the Gini coefficient is undefined")
    arr = y.to_numpy(float)
    codes = g.to_numpy()
    labels = list(pd.unique(codes))
    members = {lab: arr[codes == lab] for lab in labels}
    means = {lab: float(v.mean()) for lab, v in members.items()}
    labels.sort(key=lambda lab: -means[lab])          # μ_1 ≥ … ≥ μ_k
    sizes = {lab: len(members[lab]) for lab in labels}
    p = {lab: sizes[lab] / n for lab in labels}
    s = {lab: sizes[lab] * means[lab] / (n * mu) for lab in labels}
    pos, neg = pair_sums(arr, arr)
    gini = (pos + neg) / (2 * n * n * mu)
    group_gini = {}
    for lab in labels:
        v = members[lab]
        a, b = pair_sums(v, v)
        group_gini[lab] = (a + b) / (2 * len(v) ** 2 * means[lab]) if means[lab] > 0 else 0.0
    within = sum(group_gini[lab] * p[lab] * s[lab] for lab in labels)
    pair_gini, affluence, between, trans = {}, {}, 0.0, 0.0
    for a_i, j in enumerate(labels):
        for h in labels[a_i + 1:]:
            d, q = pair_sums(members[j], members[h])   # j is the richer group
            npairs = sizes[j] * sizes[h]
            G_jh = (d + q) / (npairs * (means[j] + means[h]))
            D_jh = (d - q) / (d + q) if d + q > 0 else 0.0
            pair_gini[(j, h)], affluence[(j, h)] = G_jh, D_jh
            weight = p[j] * s[h] + p[h] * s[j]
            between += G_jh * weight * D_jh
            trans += G_jh * weight * (1 - D_jh)
    return DagumResult(gini=float(gini), within=float(within), between=float(between),
                       transvariation=float(trans), group_gini=group_gini, pair_gini=pair_gini,
                       pair_affluence=affluence, group_mean={lab: means[lab] for lab in labels},
                       group_size=sizes)


@dataclass(frozen=True)
class DagumPanel:
    """Dagum decompositions year by year.

    Attributes
    ----------
    overall : DataFrame
        Index year; columns gini, within, between, transvariation and their shares.
    groups : DataFrame
        Index year; one column per group: its own Gini G_jj.
    pairs : DataFrame
        Index year; one column per pair "g | h": the between-group Gini G_gh.

    Examples
    --------
    See :func:`dagum_panel`.

    >>> sorted(DagumPanel.__dataclass_fields__)
    ['groups', 'overall', 'pairs']
    """
    overall: pd.DataFrame
    groups: pd.DataFrame
    pairs: pd.DataFrame


def dagum_panel(values: pd.Series, groups: pd.Series, year: pd.Series | str = "year") -> DagumPanel:
    """:func:`dagum_gini` in every year of a panel.

    Parameters
    ----------
    values, groups : Series
        Same index; ``values`` the scores, ``groups`` each row's group.
    year : Series or str
        Each row's year, or the name of the index level that holds it (default ``"year"``).

    Returns
    -------
    DagumPanel

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[2024, 2025], ["a", "b", "c", "d"]], names=["year", "unit"])
    >>> y = pd.Series([1.0, 2, 3, 4, 2, 2, 3, 3], index=idx)
    >>> grp = pd.Series(["x", "x", "y", "y"] * 2, index=idx)
    >>> dagum_panel(y, grp).overall[["gini", "within"]].round(4).to_dict("index")
    {2024: {'gini': 0.25, 'within': 0.05}, 2025: {'gini': 0.1, 'within': 0.0}}
    """
    years = values.index.get_level_values(year) if isinstance(year, str) else year.reindex(values.index)
    rows, grp, pairs = {}, {}, {}
    for t in sorted(pd.unique(np.asarray(years))):
        mask = np.asarray(years == t)
        r = dagum_gini(values[mask], groups.reindex(values.index)[mask])
        rows[t] = r.as_series()
        grp[t] = pd.Series(r.group_gini, dtype=float)
        pairs[t] = pd.Series({f"{a} | {b}": v for (a, b), v in r.pair_gini.items()}, dtype=float)
    frame = pd.DataFrame(rows).T
    frame.index.name = "year"
    gframe, pframe = pd.DataFrame(grp).T, pd.DataFrame(pairs).T
    gframe.index.name = pframe.index.name = "year"
    return DagumPanel(overall=frame, groups=gframe, pairs=pframe)
