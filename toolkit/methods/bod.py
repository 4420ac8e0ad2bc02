"""Benefit of the Doubt (BoD): each unit's most favourable weights, by linear programming.

For unit c with non-negative normalised indicators ``y_cj`` (Cherchye et al. 2007):

    BoD_c = max_{w ≥ 0} Σ_j w_j y_cj   s.t.  Σ_j w_j y_kj ≤ 1  for every unit k

i.e. input-oriented constant-returns DEA with every indicator an output and a dummy input of 1
(Compind ``ci_bod``). The score lies in [0, 1]; 1 means the unit is on the frontier. Optional
bounds on the unit's own *weight shares* ``w_j y_cj / Σ_k w_k y_ck ∈ [L_j, U_j]`` (Compind
``ci_bod_constr``; "pie shares") keep a unit from putting all its weight on one indicator.
Each LP is solved with ``scipy.optimize.linprog`` (HiGHS). Optimal weights need not be unique
(a frontier unit often has several); the solver's vertex is reported.

References
----------
Melyn, W. & Moesen, W. (1991). Towards a synthetic indicator of macroeconomic performance.
    KU Leuven Public Economics Research Paper 17.
Cherchye, L., Moesen, W., Rogge, N. & Van Puyenbroeck, T. (2007). An introduction to "benefit
    of the doubt" composite indicators. *Social Indicators Research* 82, 111–145.
    doi:10.1007/s11205-006-9029-7
OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, §6.1 (BoD).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from ..errors import DataError, SpecError
from .checks import BatchError, as_matrix

__all__ = ["BoDResult", "bod", "bod_kernel", "bod_scores"]


@dataclass(frozen=True)
class BoDResult:
    """Outcome of :func:`bod`.

    Attributes
    ----------
    scores : Series
        BoD score of each unit in [0, 1] (name ``"bod"``).
    weights : DataFrame
        Units × indicators: each unit's own optimal multipliers ``w_cj`` (raw LP weights).
    shares : DataFrame
        Units × indicators: each unit's weight shares ``w_cj y_cj / score_c`` (rows sum to 1 for
        a unit with a positive score).
    """

    scores: pd.Series
    weights: pd.DataFrame
    shares: pd.DataFrame

    @property
    def normalised_weights(self) -> pd.DataFrame:
        """Each unit's multipliers rescaled to sum to 1 (its preferred relative weights)."""
        tot = self.weights.sum(axis=1)
        return self.weights.div(tot.where(tot > 0, 1.0), axis=0)


class _Infeasible(Exception):
    def __init__(self, unit: int, message: str):
        super().__init__(message)
        self.unit = unit


def _solve(Y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The m multiplier LPs of one matrix Y (m × n, ≥ 0): scores (m,) and weights (m, n)."""
    m, n = Y.shape
    W = np.zeros((m, n))
    score = np.zeros(m)
    eye = np.eye(n)
    for c in range(m):
        y = Y[c]
        rows, rhs = [Y], [np.ones(m)]
        # share rows, as ≤ 0: L_j Σ w y − w_j y_j ≤ 0 and w_j y_j − U_j Σ w y ≤ 0
        for bound, sign in ((lo, 1.0), (hi, -1.0)):
            keep = ~np.isnan(bound)
            if keep.any():
                rows.append(sign * (bound[keep, None] * y[None, :] - eye[keep] * y[None, :]))
                rhs.append(np.zeros(int(keep.sum())))
        res = linprog(-y, A_ub=np.vstack(rows), b_ub=np.concatenate(rhs), bounds=[(0, None)] * n, method="highs")
        if res.status != 0:
            raise _Infeasible(c, res.message)
        W[c] = res.x
        score[c] = max(-res.fun, 0.0)
    return score, W


def bod_kernel(C, W=None, *, lower=None, upper=None, excluded=None, index=None) -> np.ndarray:
    """BoD scores (G, m) of a stack of matrices C (G, m, k): the one implementation, which
    :func:`bod` runs on a batch of one and the Monte Carlo engine on many. ``W`` is ignored (each
    unit chooses its own weights); ``excluded`` (G, k) drops children; ``lower``/``upper`` are
    scalar share bounds. Raises :class:`~toolkit.methods.checks.BatchError` naming the matrix.

    Examples
    --------
    >>> import numpy as np
    >>> bod_kernel(np.array([[[1.0, 0.5], [0.5, 1.0], [0.6, 0.6], [0.3, 0.2]]])).round(4).tolist()
    [[1.0, 1.0, 0.8, 0.3333]]
    """
    C = np.asarray(C, dtype=float)
    G = C.shape[0] if W is None else max(C.shape[0], np.shape(W)[0])
    out = np.zeros((G, C.shape[1]))
    for g in range(G):
        Y = C[g if C.shape[0] > 1 else 0]
        keep = np.ones(Y.shape[1], dtype=bool) if excluded is None else ~np.asarray(excluded, dtype=bool)[g]
        Y = Y[:, keep]
        if np.isnan(Y).any():
            raise BatchError(g, "bod: missing values among the children; impute first")
        if (Y < 0).any():
            raise BatchError(g, f"bod: a negative child value ({Y.min():g}); BoD needs non-negative values "
                                "(normalise with min–max, not z-scores)")
        Y = Y[:, Y.max(axis=0) > 0]  # a child that is 0 for every unit cannot add to any score
        if Y.shape[1] == 0:
            continue
        k = Y.shape[1]
        lo = np.full(k, np.nan if lower is None else float(lower))
        hi = np.full(k, np.nan if upper is None else float(upper))
        try:
            out[g] = _solve(Y, lo, hi)[0]
        except _Infeasible as exc:
            raise BatchError(g, f"bod: no feasible weights under the share bounds (lower {lower}, upper {upper}) "
                                f"for unit {exc.unit}: {exc}") from None
    return out


def _bounds(value, columns, what: str) -> np.ndarray:
    n = len(columns)
    if value is None:
        return np.full(n, np.nan)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in columns]
        if unknown:
            raise SpecError(f"bod: {what} names unknown indicator(s) {unknown}")
        arr = np.array([float(value.get(c, np.nan)) for c in columns])
    else:
        arr = np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()
    ok = np.isnan(arr) | ((arr >= 0) & (arr <= 1))
    if not ok.all():
        raise SpecError(f"bod: {what} must be shares in [0, 1], got {arr.tolist()}")
    return arr


def bod(X, lower=None, upper=None) -> BoDResult:
    """Benefit-of-the-Doubt scores and each unit's own weights.

    Parameters
    ----------
    X : DataFrame (units × indicators)
        Non-negative normalised indicators, higher = better (e.g. min–max; never z-scores).
    lower, upper : float, sequence or mapping code → share, optional
        Bounds on each unit's weight shares ``w_j y_cj / Σ_k w_k y_ck`` (e.g. ``lower=0.05``).

    Returns
    -------
    BoDResult

    Raises
    ------
    DataError
        A negative or missing value (unit and indicator named), a column that is zero for every
        unit, or bounds that leave some unit's LP infeasible.
    SpecError
        Bounds outside [0, 1] or with ``sum(lower) > 1`` / ``sum(upper) < 1``.

    Examples
    --------
    Hand-derived: A = (1, .5), B = (.5, 1), C = (.6, .6), D = (.3, .2).

    >>> import pandas as pd
    >>> X = pd.DataFrame({"x1": [1, .5, .6, .3], "x2": [.5, 1, .6, .2]}, index=list("ABCD"))
    >>> bod(X).scores.round(4).tolist()
    [1.0, 1.0, 0.8, 0.3333]
    >>> bod(X, lower=0.4, upper=0.6).scores.round(6).tolist()
    [0.909091, 0.909091, 0.8, 0.333333]
    """
    X = as_matrix(X, name="bod")
    Y = X.to_numpy(dtype=float)
    if (Y < 0).any():
        i, j = map(int, np.argwhere(Y < 0)[0])
        raise DataError(f"bod: unit {X.index[i]!r}, indicator {X.columns[j]!r} = {Y[i, j]:g}; BoD needs "
                        "non-negative indicators (normalise with min–max, not z-scores)")
    zero = X.columns[(Y.max(axis=0) <= 0)]
    if len(zero):
        raise DataError(f"bod: indicator(s) {list(zero)} are 0 for every unit; the weights are unbounded")
    lo, hi = _bounds(lower, list(X.columns), "lower"), _bounds(upper, list(X.columns), "upper")
    if np.nansum(lo) > 1 + 1e-12:
        raise SpecError(f"bod: the lower share bounds sum to {np.nansum(lo):g} > 1")
    if not np.isnan(hi).any() and hi.sum() < 1 - 1e-12:
        raise SpecError(f"bod: the upper share bounds sum to {hi.sum():g} < 1")
    try:
        score, W = _solve(Y, lo, hi)
    except _Infeasible as exc:
        raise DataError(f"bod: no feasible weights for unit {X.index[exc.unit]!r} under the share bounds "
                        f"(lower {lo.tolist()}, upper {hi.tolist()}): {exc}") from None
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(score[:, None] > 0, W * Y / score[:, None], 0.0)
    return BoDResult(scores=pd.Series(np.clip(score, 0, None), index=X.index, name="bod"),
                     weights=pd.DataFrame(W, index=X.index, columns=X.columns),
                     shares=pd.DataFrame(shares, index=X.index, columns=X.columns))


def bod_scores(X, weights=None, lower=None, upper=None) -> pd.Series:
    """Aggregator form of :func:`bod` (``weights`` is ignored: each unit picks its own).

    Parameters
    ----------
    X : DataFrame
        Units × indicators, non-negative.
    weights : ignored
        Accepted so that BoD fits the ``aggregate(X, method, weights)`` interface.
    lower, upper : float, optional
        Scalar share bounds (as in :func:`bod`).

    Returns
    -------
    Series
        BoD scores in [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> bod_scores(pd.DataFrame({"a": [1.0, 0.5], "b": [0.5, 0.25]})).tolist()
    [1.0, 0.5]
    """
    X = as_matrix(X, name="bod")
    if (X.to_numpy() < 0).any():
        return bod(X, lower=lower, upper=upper).scores  # the error names the unit and indicator
    for v in (lower, upper):
        if v is not None and not 0 <= float(v) <= 1:
            raise SpecError(f"bod: share bounds must be in [0, 1], got {v}")
    return pd.Series(bod_kernel(X.to_numpy(dtype=float)[None], lower=lower, upper=upper)[0], index=X.index,
                     name="bod")
