"""Benefit of the Doubt (BoD): each unit's most favourable weights, by linear programming.

For unit c with non-negative normalised indicators ``y_cj`` (Cherchye et al. 2007):

    BoD_c = max_{w ≥ 0} Σ_j w_j y_cj   s.t.  Σ_j w_j y_kj ≤ 1  for every unit k

i.e. input-oriented constant-returns DEA with every indicator an output and a dummy input of 1
(Compind ``ci_bod``). The score lies in [0, 1]; 1 means the unit is on the frontier. Optional
bounds on the unit's own *weight shares* ``w_j y_cj / Σ_k w_k y_ck ∈ [L_j, U_j]`` (Compind
``ci_bod_constr``; "pie shares") keep a unit from putting all its weight on one indicator.
The m LPs are solved by ``scipy.optimize.linprog`` (HiGHS) as one block-diagonal LP over the
frontier units' rows (see :func:`_solve`). Optimal weights need not be unique (a frontier unit
often has several); the solver's vertex is reported.

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

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..checks import COMPLETE, BatchError, DataCheck, as_matrix
from ..declared import Method, Param

__all__ = ["BoDResult", "BoDZeroShareWarning", "bod", "bod_kernel", "bod_scores", "check_share_bounds"]


class BoDZeroShareWarning(UserWarning):
    """A positive ``lower`` share bound meets units with a 0 on some child: those units score 0
    (the share of a 0 child is 0, below any positive bound, whatever the weights)."""


def check_share_bounds(lower, upper, k: int, where: str = "bod") -> None:
    """Check that scalar share bounds can be met by a block of ``k`` children: every child's
    share lies in [lower, upper] and the shares sum to 1, which positive weights can only do
    when ``k·lower ≤ 1 ≤ k·upper``. A block with one child needs ``upper`` ≥ 1.

    Raises
    ------
    SpecError
        Bounds outside [0, 1], ``lower > upper``, or bounds no weights can meet; the message
        names ``where`` and the number of children.

    Examples
    --------
    >>> check_share_bounds(0.05, 0.6, 3)
    >>> check_share_bounds(0.05, 0.6, 1, where="HEALTH")
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: HEALTH: BoD share bounds (lower 0.05, upper 0.6) cannot be met by 1 child: its share is 1 > upper 0.6 (positive weights need k·lower ≤ 1 ≤ k·upper); raise upper to at least 1, or aggregate this block with another method
    >>> check_share_bounds(None, 0.3, 3, where="HDI")
    Traceback (most recent call last):
    ...
    toolkit.errors.SpecError: HDI: BoD share bounds (lower None, upper 0.3) cannot be met by 3 children: 3 × 0.3 = 0.9 < 1 (positive weights need k·lower ≤ 1 ≤ k·upper); raise upper to at least 0.3333
    """
    for name, v in (("lower", lower), ("upper", upper)):
        if v is not None and not 0 <= float(v) <= 1:
            raise SpecError(f"{where}: BoD {name} share bound must be in [0, 1], got {v}")
    if lower is not None and upper is not None and float(lower) > float(upper):
        raise SpecError(f"{where}: BoD lower share bound ({lower}) exceeds upper ({upper})")
    head = f"{where}: BoD share bounds (lower {lower}, upper {upper}) cannot be met by {k} child{'ren' * (k != 1)}"
    rule = "(positive weights need k·lower ≤ 1 ≤ k·upper)"
    if upper is not None and k * float(upper) < 1 - 1e-12:
        if k == 1:
            raise SpecError(f"{head}: its share is 1 > upper {upper} {rule}; raise upper to at least 1, "
                            "or aggregate this block with another method")
        raise SpecError(f"{head}: {k} × {upper} = {k * float(upper):g} < 1 {rule}; raise upper to at least "
                        f"{1 / k:.4g}")
    if lower is not None and k * float(lower) > 1 + 1e-12:
        raise SpecError(f"{head}: {k} × {lower} = {k * float(lower):g} > 1 {rule}; lower lower to at most "
                        f"{1 / k:.4g}")


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


def _frontier(Y: np.ndarray) -> np.ndarray:
    """Mask of the units whose constraint ``y_k · w ≤ 1`` can bind (m,): those that no other unit
    weakly dominates.

    Why the others can be dropped: if ``y_l ≥ y_k`` element-wise then for every ``w ≥ 0``,
    ``y_k · w ≤ y_l · w``, so ``y_l · w ≤ 1`` implies ``y_k · w ≤ 1``: unit k's row is redundant
    given unit l's, and removing it leaves the feasible set {w ≥ 0 : Y w ≤ 1} (and its
    intersection with any unit's share-bound rows) exactly as it was — hence every unit's
    optimum and score. "Dominates" is ``y_l ≥ y_k`` with ``y_l ≠ y_k``, or equal rows and
    ``l < k`` (so one of several identical units stays); this relation is a strict partial
    order, so each dropped unit is dominated by a kept one (follow the chain of dominators,
    which ends, to a unit no one dominates; ≥ is transitive).
    """
    m = len(Y)
    keep = np.ones(m, dtype=bool)
    order = np.arange(m)
    for start in range(0, m, 256):  # chunks keep the m × m × n comparison small
        block = Y[start:start + 256]
        ge = (Y[:, None, :] >= block[None, :, :]).all(axis=-1)  # ge[l, k]: y_l ≥ y_k
        gt = (Y[:, None, :] > block[None, :, :]).any(axis=-1)
        idx = order[start:start + 256]
        dom = ge & (gt | (order[:, None] < idx[None, :]))
        dom[idx, np.arange(len(idx))] = False
        keep[idx] = ~dom.any(axis=0)
    return keep


def _problem(Y: np.ndarray, units: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """The LPs of ``units`` as one block-diagonal LP: variables (len(units) × n), each unit's
    block the frontier rows and its own share-bound rows (as ≤ 0:
    ``L_j Σ w y − w_j y_j ≤ 0`` and ``w_j y_j − U_j Σ w y ≤ 0``)."""
    from scipy.sparse import coo_matrix

    n = Y.shape[1]
    F = Y[_frontier(Y)]
    eye = np.eye(n)
    U = Y[units]  # (u, n)
    parts, rhs = [np.broadcast_to(F, (len(U), *F.shape))], [np.ones(len(F))]
    for bound, sign in ((lo, 1.0), (hi, -1.0)):
        keep = ~np.isnan(bound)
        if keep.any():
            parts.append(sign * U[:, None, :] * (bound[keep, None] - eye[keep])[None])
            rhs.append(np.zeros(int(keep.sum())))
    B = np.concatenate(parts, axis=1)  # (u, r, n): one dense block per unit
    u, r, _ = B.shape
    rows = (np.arange(u)[:, None, None] * r + np.arange(r)[None, :, None]) + np.zeros((1, 1, n), dtype=int)
    cols = (np.arange(u)[:, None, None] * n + np.arange(n)[None, None, :]) + np.zeros((1, r, 1), dtype=int)
    A = coo_matrix((B.ravel(), (rows.ravel(), cols.ravel())), shape=(u * r, u * n)).tocsr()
    return -U.ravel(), A, np.tile(np.concatenate(rhs), u)


def _solve(Y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The m multiplier LPs of one matrix Y (m × n, ≥ 0): scores (m,) and weights (m, n).

    The m LPs share their feasible set {w ≥ 0 : Y w ≤ 1} and differ in the objective (and the
    unit's own share rows), so they are solved as ONE block-diagonal LP by HiGHS — its optimum
    is each block's optimum, as the blocks share no variable — with the rows of dominated units
    left out (:func:`_frontier`). One call instead of m removes the per-call overhead that
    dominated (≈ 2.5 ms × m). Where a unit's optimal weights are not unique, the vertex HiGHS
    reports may differ from a unit-by-unit solve; the scores do not.
    """
    m, n = Y.shape
    c, A, b = _problem(Y, np.arange(m), lo, hi)
    from scipy.optimize import linprog  # scipy.optimize: ~0.4 s of CPU to import, only when solved

    res = linprog(c, A_ub=A, b_ub=b, bounds=(0, None), method="highs")
    if res.status != 0:
        for k in range(m):  # name the first unit whose own LP fails
            ck, Ak, bk = _problem(Y, np.array([k]), lo, hi)
            one = linprog(ck, A_ub=Ak, b_ub=bk, bounds=(0, None), method="highs")
            if one.status != 0:
                raise _Infeasible(k, one.message)
        raise _Infeasible(0, res.message)
    W = res.x.reshape(m, n)
    score = np.maximum((W * Y).sum(axis=1), 0.0)
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
        try:
            check_share_bounds(lower, upper, Y.shape[1])
        except SpecError as exc:
            raise BatchError(g, str(exc)) from None
        # missing and negative children: the entry's declared checks (CHECKS), run before the kernel
        Y = Y[:, Y.max(axis=0) > 0]  # a child that is 0 for every unit cannot add to any score
        if Y.shape[1] == 0:
            continue
        if lower is not None and float(lower) > 0 and Y.shape[1] > 1:
            _warn_zero_children(Y, np.full(Y.shape[1], float(lower)))
        k = Y.shape[1]
        lo = np.full(k, np.nan if lower is None else float(lower))
        hi = np.full(k, np.nan if upper is None else float(upper))
        try:
            out[g] = _solve(Y, lo, hi)[0]
        except _Infeasible as exc:
            raise BatchError(g, f"bod: no feasible weights under the share bounds (lower {lower}, upper {upper}) "
                                f"for unit {exc.unit}: {exc}") from None
    return out


def _warn_zero_children(Y: np.ndarray, lo: np.ndarray) -> None:
    """Warn (:class:`BoDZeroShareWarning`) when a positive lower bound meets a 0 child."""
    zero = int(((Y == 0) & (np.nan_to_num(lo) > 0)[None, :]).any(axis=1).sum())
    if zero:
        warnings.warn(f"bod: the lower share bound scores 0 the {zero} unit(s) with a 0 on a bounded child (a 0 "
                      "child's share is 0 whatever the weights); min–max to [0, …] gives every child's worst "
                      "unit a 0 — normalise to [1, …] or drop the lower bound", BoDZeroShareWarning, stacklevel=3)


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
    X = as_matrix(X, name="bod", allow_nan=True)
    Y = X.to_numpy(dtype=float)
    ENTRY.check_data(Y[None], units=X.index, columns=X.columns)  # missing or negative: the declared checks
    zero = X.columns[(Y.max(axis=0) <= 0)]
    if len(zero):
        raise DataError(f"bod: indicator(s) {list(zero)} are 0 for every unit; the weights are unbounded")
    lo, hi = _bounds(lower, list(X.columns), "lower"), _bounds(upper, list(X.columns), "upper")
    if np.nansum(lo) > 1 + 1e-12:
        raise SpecError(f"bod: the lower share bounds sum to {np.nansum(lo):g} > 1")
    if np.where(np.isnan(hi), 1.0, hi).sum() < 1 - 1e-12:  # a child with no upper bound may take it all
        raise SpecError(f"bod: the upper share bounds sum to {hi.sum():g} < 1")
    _warn_zero_children(Y, lo)
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
    X = as_matrix(X, name="bod", allow_nan=True)
    ENTRY.check_data(X.to_numpy(dtype=float)[None], units=X.index, columns=X.columns)  # as the engine does
    check_share_bounds(lower, upper, X.shape[1])
    return pd.Series(bod_kernel(X.to_numpy(dtype=float)[None], lower=lower, upper=upper)[0], index=X.index,
                     name="bod")


def _share_bounds(params, where):
    lo, hi = params.get("lower"), params.get("upper")
    if lo is not None and hi is not None and not lo <= hi:
        raise SpecError(f"{where}: lower share bound ({lo}) must not exceed upper ({hi})")


#: the registry entry (assembled by :data:`toolkit.methods.aggregation.aggregate.AGGREGATION`)
#: BoD's data checks, declared once in its entry and run by :func:`bod_scores` and, on the
#: engine's stacks, by :func:`toolkit.index.steps.aggregate_stack` (``Method.check_data``)
#: (robust BoD, :mod:`toolkit.methods.aggregation.order_m`, declares the same two)
CHECKS = (COMPLETE,
          DataCheck("non_negative", "BoD needs non-negative values (normalise with min–max, not z-scores)",
                    lambda v, params: v < 0))
ENTRY = Method("bod", "aggregation", bod_scores, bod_kernel, params=(
    Param("lower", "number", None, "each unit's minimum weight share per child", low=0, high=1, nullable=True,
          per_node=True),
    Param("upper", "number", None, "each unit's maximum weight share per child", low=0, high=1, nullable=True,
          per_node=True)),
    validate=_share_bounds, checks=CHECKS, label_en="benefit of the doubt", label_zh="有利假设法 (BoD)",
    doc="Benefit of the Doubt (Cherchye et al. 2007): each unit's own most favourable weights; the weights are ignored",
    doc_zh="有利假设法（Cherchye 等 2007）：每个单位取对自己最有利的权重；不使用给定权重")
