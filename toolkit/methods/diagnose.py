"""Diagnosis of results: obstacle degree (障碍度) and coupling coordination (耦合协调度).

Pure functions, pandas in / pandas out, with numpy kernels (``_obstacle_array``,
``_coupling_array``) that accept any array whose last two axes are (units, indicators) or
(units, subsystems), e.g. a Monte Carlo batch.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError
from .checks import as_matrix, as_weights
from .normalisation.normalise import quiet

__all__ = [
    "obstacle_degree", "top_obstacles", "coupling_coordination", "lagging_subsystem",
    "COORDINATION_GRADES", "COUPLING_STAGES",
]

#: 10-level grading of the coupling coordination degree D (田深圳 et al., 2021, 地理学报
#: 76(4):781, Table 1): (upper bound of the interval, Chinese name, English name).
COORDINATION_GRADES = (
    (0.1, "极度失调", "extreme imbalance"),
    (0.2, "严重失调", "severe imbalance"),
    (0.3, "中度失调", "moderate imbalance"),
    (0.4, "轻度失调", "mild imbalance"),
    (0.5, "濒临失调", "on the verge of imbalance"),
    (0.6, "勉强协调", "barely coordinated"),
    (0.7, "初级协调", "primary coordination"),
    (0.8, "中级协调", "intermediate coordination"),
    (0.9, "良好协调", "good coordination"),
    (1.0, "优质协调", "high-quality coordination"),
)

#: Coupling stages by C (same source): (upper bound, Chinese name, English name).
COUPLING_STAGES = (
    (0.3, "低水平耦合", "low-level coupling"),
    (0.5, "拮抗阶段", "antagonism"),
    (0.8, "磨合阶段", "running-in"),
    (1.0, "高水平耦合", "high-level coupling"),
)

_TOL = 1e-9  # float noise allowed around [0, 1] and around grade boundaries


# ---------------------------------------------------------------------------- obstacle degree
def _obstacle_array(x, w):
    """O_ij = 100·F_j(1 − x_ij)/Σ_j F_j(1 − x_ij); rows with Σ = 0 are all zero."""
    f = np.asarray(w, dtype=float)[..., None, :]
    dev = f * (1.0 - x)
    tot = dev.sum(axis=-1, keepdims=True)
    return 100.0 * np.where(tot > 0, dev / np.where(tot > 0, tot, 1.0), 0.0)


def obstacle_degree(X_normalised, weights=None, groups: Mapping | pd.Series | None = None):
    """Obstacle degree model (障碍度模型), in percent.

    With factor contribution F_j = w_j (the global weight of indicator j; in a hierarchy the
    product of the dimension weight and the within-dimension weight) and deviation
    I_ij = 1 − x′_ij of the normalised value x′ ∈ [0, 1]:

        O_ij = F_j I_ij / Σ_j F_j I_ij × 100 %.

    Each unit's row sums to 100, except a unit that is best on every weighted indicator
    (Σ_j F_j I_ij = 0): it has no obstacle and its row is all zeros. ``X_normalised`` must lie in
    [0, 1] with higher = better (e.g. :func:`toolkit.methods.normalisation.normalise.minmax`) and have no missing
    values; weights follow the rules of :mod:`toolkit.methods.aggregation.aggregate` (scale does not matter).

    If ``groups`` maps each indicator code to a dimension, the result is the dimension-level
    obstacle degree U_i(dim) = Σ_{j ∈ dim} O_ij (columns in order of first appearance) instead
    of the indicator-level table.

    Parameters
    ----------
    X_normalised : DataFrame, units × indicators, values in [0, 1], higher = better.
    weights : Series keyed by code (global weights) or None for equal weights.
    groups : optional mapping/Series code → dimension.

    Returns
    -------
    DataFrame of obstacle degrees in percent, units × indicators (or × dimensions).
    Reference: ``methods.md`` §4.10.
    """
    X = as_matrix(X_normalised, name="X_normalised")
    a = X.to_numpy()
    bad = (a < -_TOL) | (a > 1 + _TOL)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(f"obstacle_degree: X_normalised must lie in [0, 1]; unit {X.index[i]!r}, "
                        f"indicator {X.columns[j]!r} has {a[i, j]!r} (normalise first)")
    w = as_weights(weights, X.columns)
    obs = pd.DataFrame(_obstacle_array(np.clip(a, 0.0, 1.0), w.to_numpy()),
                       index=X.index, columns=X.columns)
    if groups is None:
        return obs
    g = pd.Series(groups)
    missing = X.columns.difference(g.index)
    if len(missing):
        raise DataError(f"obstacle_degree: groups has no dimension for indicator(s) {list(missing)}")
    g = g.reindex(X.columns)
    return obs.T.groupby(g, sort=False).sum().T.rename_axis(columns=None)


def top_obstacles(obstacles: pd.DataFrame, k: int = 3, label: str = "indicator") -> pd.DataFrame:
    """Tidy table of the ``k`` largest obstacles per unit.

    ``obstacles`` is the output of :func:`obstacle_degree` (indicator or dimension level).
    Columns: ``unit``, ``rank`` (1 = largest obstacle), ``<label>`` and ``obstacle_degree``.
    Ties keep the column order of ``obstacles``. Units without any obstacle (all zeros) are listed with
    their zero-valued entries so every unit has ``min(k, n)`` rows.
    """
    if not isinstance(obstacles, pd.DataFrame):
        raise DataError("top_obstacles: expects the DataFrame returned by obstacle_degree")
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        raise DataError(f"top_obstacles: k must be a positive integer, got {k!r}")
    a = as_matrix(obstacles, name="obstacles").to_numpy()
    k = min(int(k), a.shape[1])
    order = np.argsort(-a, axis=1, kind="stable")[:, :k]
    units = np.repeat(obstacles.index.to_numpy(), k)
    return pd.DataFrame({
        "unit": units,
        "rank": np.tile(np.arange(1, k + 1), len(obstacles)),
        label: obstacles.columns.to_numpy()[order].ravel(),
        "obstacle_degree": np.take_along_axis(a, order, axis=1).ravel(),
    })


# ---------------------------------------------------------------------------- coupling coordination
@quiet
def _coupling_array(u, beta):
    """C = S·[Π U/(Σ U)^S]^{1/S}, T = Σ β U, D = √(C·T) over the last axis; Σ U = 0 → C = 0."""
    s = u.shape[-1]
    tot = u.sum(axis=-1)
    gm = np.exp(np.log(u).mean(axis=-1))  # (Π U)^{1/S}; exp(log 0) = 0
    c = np.where(tot > 0, s * gm / np.where(tot > 0, tot, 1.0), 0.0)
    beta = np.asarray(beta, dtype=float)
    t = (u * (beta / beta.sum(axis=-1, keepdims=True))[..., None, :]).sum(axis=-1)
    return c, t, np.sqrt(c * t)


def _grade(values, table):
    """Index into ``table`` of the interval (lo, hi] holding each value; 0 joins the first."""
    bounds = np.array([row[0] for row in table[:-1]])
    return np.searchsorted(bounds, np.round(values, 9), side="left")


def coupling_coordination(U, weights=None) -> pd.DataFrame:
    """Coupling coordination degree model (耦合协调度), normative form of 王淑佳 et al. (2021).

    For subsystem scores U_s ∈ [0, 1], s = 1..S (S ≥ 2), e.g. the dimension scores:

    * coupling C = S·[Π_s U_s / (Σ_s U_s)^S]^{1/S} (S = 2: 2√(U₁U₂)/(U₁+U₂)), in [0, 1];
    * comprehensive index T = Σ_s β_s U_s with Σ β_s = 1 (``weights``; None = equal β);
    * coordination D = √(C·T).

    If every U_s of a unit is 0 the ratio is 0/0; C is defined as 0, so D = 0. C and D are
    rounded to 9 decimals before grading, so a value on a boundary such as D = 0.7 gets the
    lower grade despite float noise.

    Parameters
    ----------
    U : DataFrame, units × subsystems (S ≥ 2 columns), values in [0, 1], no missing values.
    weights : β per subsystem (Series keyed by column, renormalised) or None for equal β.

    Returns
    -------
    DataFrame indexed like ``U`` with columns C, T, D, grade (1–10), grade_zh, grade_en (the
    10-level table of 田深圳 et al. 2021, intervals (0.0, 0.1], …, (0.9, 1.0], with D = 0 in
    the first) and stage_zh, stage_en (C bands (0, 0.3], (0.3, 0.5], (0.5, 0.8], (0.8, 1]).

    References: 王淑佳 et al. (2021) 国内耦合协调度模型的误区及修正, 自然资源学报 36(3):793;
    田深圳 et al. (2021) 地理学报 76(4):781, Table 1; ``methods.md`` §4.9.
    """
    U = as_matrix(U, name="U")
    u = U.to_numpy()
    if u.shape[1] < 2:
        raise DataError("coupling_coordination: needs at least 2 subsystems (columns)")
    bad = (u < -_TOL) | (u > 1 + _TOL)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(f"coupling_coordination: U must lie in [0, 1]; unit {U.index[i]!r}, "
                        f"subsystem {U.columns[j]!r} has {u[i, j]!r}")
    beta = as_weights(weights, U.columns).to_numpy()
    c, t, d = _coupling_array(np.clip(u, 0.0, 1.0), beta)
    gi, si = _grade(d, COORDINATION_GRADES), _grade(c, COUPLING_STAGES)
    return pd.DataFrame({
        "C": c, "T": t, "D": d,
        "grade": gi + 1,
        "grade_zh": [COORDINATION_GRADES[i][1] for i in gi],
        "grade_en": [COORDINATION_GRADES[i][2] for i in gi],
        "stage_zh": [COUPLING_STAGES[i][1] for i in si],
        "stage_en": [COUPLING_STAGES[i][2] for i in si],
    }, index=U.index)


def lagging_subsystem(U, threshold: float = 0.1) -> pd.DataFrame:
    """Which subsystem lags: the lowest U_s of each unit, flagged when max − min > ``threshold``.

    Returns columns ``lagging`` (name of the minimum subsystem; first in column order on ties),
    ``leading`` (the maximum), ``gap`` (max − min) and ``is_lagging`` (gap > threshold), the
    "X 滞后" label of 徐维祥 et al. (2020) uses a gap of 0.1.
    """
    U = as_matrix(U, name="U")
    u = U.to_numpy()
    gap = u.max(axis=1) - u.min(axis=1)
    return pd.DataFrame({
        "lagging": U.columns.to_numpy()[u.argmin(axis=1)],
        "leading": U.columns.to_numpy()[u.argmax(axis=1)],
        "gap": gap,
        "is_lagging": np.round(gap, 9) > threshold,
    }, index=U.index)
