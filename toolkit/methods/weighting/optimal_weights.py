"""Optimised weights (COINr ``get_opt_weights``): weights whose components' correlations with
the index match target shares ("equal influence" by default).

A nominal weight is not an importance: the influence of a component on the index is better
measured by its correlation with the index (Becker et al. 2017; Paruolo, Saisana & Saltelli
2013). This module searches the weights ``w`` (non-negative, sum 1) of the components so that
the normalised correlations ``r_j / Σ r`` match the target shares ``t`` — COINr's ``balance``
objective ``log(Σ_j (t_j − r_j/Σr)² / n)`` — or, with ``objective="infomax"``, so that the total
correlation ``Σ r_j`` is largest.

When the index is the weighted mean of the components and the importance is Pearson's r (the
default, and what the registry's ``optimal`` weighting uses), both objectives are a convex
quadratic programme once the scale of ``w`` is fixed (see :func:`_convex_optimum`); it is solved
exactly in a few milliseconds. Otherwise (a custom ``index_fn``, Spearman) the search is
Nelder–Mead (as COINr's ``optim``) over ``w = softmax(0, θ)``, which keeps the weights positive
and summing to 1. Where Nelder–Mead converges both give the same weights (to its tolerance,
~1e-8); where the optimum puts a weight at 0 Nelder–Mead can only creep towards it and stops at
its iteration cap, and the QP's optimum has the lower objective.

References
----------
Becker, W., Saisana, M., Paruolo, P. & Vandecasteele, I. (2017). Weights and importance in
    composite indicators: Closing the gap. *Ecological Indicators* 80, 12–22.
    doi:10.1016/j.ecolind.2017.03.056
Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science?
    *JRSS A* 176(3), 609–634.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError, SpecError
from ..checks import FINITE, BatchError, as_matrix
from ..declared import Method, Param

__all__ = ["OptimalWeightsResult", "importance", "optimal", "optimal_kernel", "optimal_weights"]

OBJECTIVES = ("balance", "infomax")
CORRELATIONS = ("pearson", "spearman")


@dataclass(frozen=True)
class OptimalWeightsResult:
    """Outcome of :func:`optimal_weights`.

    Attributes
    ----------
    weights : Series
        The optimised weights (sum 1).
    importance : DataFrame
        One row per component: ``target`` share, ``weight_before``, ``corr_before``,
        ``share_before`` (correlation share), ``weight_after``, ``corr_after``, ``share_after``.
    objective : float
        The objective at the optimum.
    converged : bool
    """

    weights: pd.Series
    importance: pd.DataFrame
    objective: float
    converged: bool


def importance(C: pd.DataFrame, index: pd.Series, correlation: str = "pearson") -> pd.Series:
    """Correlation of each component with the index (its "importance").

    Examples
    --------
    >>> import pandas as pd
    >>> C = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 3, 2, 1]})
    >>> importance(C, C["a"]).tolist()
    [1.0, -1.0]
    """
    if correlation not in CORRELATIONS:
        raise SpecError(f"importance: correlation must be one of {list(CORRELATIONS)}, got {correlation!r}")
    return C.corrwith(index, method=correlation).rename("importance")


def _targets(target, columns) -> np.ndarray:
    if isinstance(target, str):
        if target != "equal":
            raise SpecError(f"optimal_weights: target must be 'equal' or shares per component, got {target!r}")
        t = np.ones(len(columns))
    else:
        s = pd.Series(dict(target) if isinstance(target, Mapping) else target, dtype=float)
        if isinstance(target, Mapping):
            missing = [c for c in columns if c not in s.index]
            if missing:
                raise SpecError(f"optimal_weights: no target for component(s) {missing}")
            s = s.reindex(columns)
        t = s.to_numpy()
        if t.shape != (len(columns),) or not np.isfinite(t).all() or (t < 0).any() or t.sum() <= 0:
            raise SpecError(f"optimal_weights: targets must be {len(columns)} non-negative shares, got {t.tolist()}")
    return t / t.sum()


def optimal_weights(C, target="equal", *, weights=None, index_fn: Callable | None = None,
                    objective: str = "balance", correlation: str = "pearson", tol: float = 1e-7,
                    max_iter: int = 2000, starts: int = 8, seed: int = 0) -> OptimalWeightsResult:
    """Weights of the components ``C`` that give each a target share of importance.

    Parameters
    ----------
    C : DataFrame (units × components)
        The components being weighted (indicators of one dimension, or the dimension scores).
    target : "equal" or sequence/mapping of shares
        Desired correlation shares (rescaled to sum 1).
    weights : Series, optional
        The nominal ("before") weights (default equal); the start of the search for ``infomax``.
    index_fn : callable w → Series, optional
        The index as a function of the weights (e.g. a rebuild of the whole index with these
        weights at one level). Default: the weighted arithmetic mean of ``C``.
    objective : {"balance", "infomax"}
    correlation : {"pearson", "spearman"}
    tol, max_iter : Nelder–Mead tolerances (``xatol``/``fatol``) and iteration cap.
    starts, seed : int
        Where Nelder–Mead runs (Spearman, a custom ``index_fn``): the number of extra starting
        points (seeded Dirichlet draws) besides the targets; the best end point is kept. Each
        run starts from a wide simplex (one unit in the softmax parameters), because a
        rank-based objective is piecewise constant and a small first step sees no change.

    Returns
    -------
    OptimalWeightsResult

    Examples
    --------
    Two uncorrelated components with standard deviations 1 and 2: equal influence needs
    ``w ∝ 1/sd`` (hand-derived), i.e. (2/3, 1/3).

    >>> import pandas as pd
    >>> C = pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [2.0, 2, -2, -2]})
    >>> optimal_weights(C).weights.round(4).tolist()
    [0.6667, 0.3333]
    """
    C = as_matrix(C, name="optimal_weights", min_rows=3)
    if correlation not in CORRELATIONS:
        raise SpecError(f"optimal_weights: correlation must be one of {list(CORRELATIONS)}, got {correlation!r}")
    cols = list(C.columns)
    n = len(cols)
    if n < 2:
        raise DataError("optimal_weights: need at least two components")
    if objective not in OBJECTIVES:
        raise SpecError(f"optimal_weights: objective must be one of {list(OBJECTIVES)}, got {objective!r}")
    t = _targets(target, cols)
    w0 = np.full(n, 1.0 / n) if weights is None else pd.Series(weights, dtype=float).reindex(cols).to_numpy()
    if not np.isfinite(w0).all() or (w0 < 0).any() or w0.sum() <= 0:
        raise DataError(f"optimal_weights: nominal weights must cover {cols} and be non-negative")
    w0 = w0 / w0.sum()
    values = C.to_numpy(dtype=float)
    from scipy.stats import rankdata

    def standard(v):
        v = v - v.mean(axis=0)
        sd = np.sqrt((v ** 2).mean(axis=0))
        return v / np.where(sd > 0, sd, np.nan)

    Z = standard(rankdata(values, axis=0) if correlation == "spearman" else values)

    def index_of(w):
        if index_fn is not None:
            return np.asarray(pd.Series(index_fn(pd.Series(w, index=cols, name="weight")), index=C.index), dtype=float)
        return values @ w

    def corr(w):  # the correlation of each component with the index (as importance(), in numpy)
        i = index_of(w)
        zi = standard(rankdata(i) if correlation == "spearman" else i)
        return Z.T @ zi / len(zi)

    def to_w(theta):  # w = softmax(0, θ): n − 1 free parameters, weights positive, sum 1
        z = np.r_[0.0, theta]
        e = np.exp(z - z.max())
        return e / e.sum()

    def f(theta):
        return _objective_at(corr(to_w(theta)), t, objective)

    exact = _convex_optimum(values, Z, t, objective) if index_fn is None and correlation == "pearson" else None
    if exact is not None:
        w, success = exact, True
        fun = _objective_at(corr(w), t, objective)
    else:
        w, fun, success = _multistart(f, to_w, t if objective == "balance" else w0, tol, max_iter, starts, seed)
    r0, r1 = corr(w0), corr(w)
    table = pd.DataFrame({"target": t, "weight_before": w0, "corr_before": r0, "share_before": r0 / r0.sum(),
                          "weight_after": w, "corr_after": r1, "share_after": r1 / r1.sum()},
                         index=pd.Index(cols, name="component"))
    return OptimalWeightsResult(weights=pd.Series(w, index=pd.Index(cols), name="weight"), importance=table,
                                objective=float(fun), converged=bool(success or fun <= np.log(1e-12)))


def _multistart(f, to_w, first, tol: float, max_iter: int, starts: int, seed: int):
    """Nelder–Mead over the softmax parameters from ``first`` and ``starts`` seeded random
    points, each with a first simplex one unit wide in every direction; the best end point."""
    from scipy.optimize import minimize  # scipy.optimize: ~0.4 s of CPU to import, only when solved

    n = len(first)
    rng = np.random.default_rng(seed)
    points = [np.clip(np.asarray(first, dtype=float), 1e-6, None)]
    points += [rng.dirichlet(np.ones(n)) for _ in range(starts)]
    best = None
    for p in points:
        x0 = np.log(p[1:] / p[0])
        simplex = np.vstack([x0, x0 + np.eye(n - 1)])
        res = minimize(f, x0, method="Nelder-Mead", options={
            "xatol": tol, "fatol": tol, "maxiter": max_iter, "maxfev": 4 * max_iter, "initial_simplex": simplex})
        if best is None or res.fun < best.fun - 1e-15:
            best = res
    return to_w(best.x), float(best.fun), bool(best.success)


def _objective_at(r: np.ndarray, t: np.ndarray, objective: str) -> float:
    """The search objective at the correlations ``r``: −Σ r (infomax) or the log mean squared
    gap between the correlation shares and the targets (balance), floored at log 1e-20 so that a
    perfect fit ends the search."""
    if not np.isfinite(r).all():
        return 1e6
    if objective == "infomax":
        return -float(r.sum())
    share = r / r.sum() if r.sum() != 0 else np.full(len(r), np.inf)
    return float(np.log(max(np.mean((t - share) ** 2), 1e-20)))


def _convex_optimum(values: np.ndarray, Z: np.ndarray, t: np.ndarray, objective: str) -> np.ndarray | None:
    """The exact optimum of the search when the index is the weighted mean ``X w`` and the
    importance is Pearson's r; ``None`` where this does not apply (then Nelder–Mead runs).

    With X_c the centred values, A = Zᵀ X_c / m and S = X_cᵀ X_c / m, the correlations are
    r(w) = A w / √(wᵀ S w). Both objectives are invariant to the scale of w, so fixing the scale
    turns each into a convex quadratic programme over w ≥ 0 (the closure of the softmax's open
    simplex):

    * balance: the shares are r / Σr = A w / 1ᵀA w; fixing 1ᵀA w = 1 makes them A w, and
      min Σ_j (t_j − share_j)² / n is min ‖A w − t‖² s.t. 1ᵀA w = 1, w ≥ 0;
    * infomax: Σ r = bᵀw / √(wᵀ S w) with b = Aᵀ1; fixing bᵀw = 1 leaves min wᵀ S w s.t.
      bᵀw = 1, w ≥ 0.

    Nelder–Mead over the softmax parameters approaches the same optimum but needs thousands of
    evaluations, and where the optimum lies on the boundary (a weight 0, which the softmax
    reaches only at −∞) it creeps towards it and stops at its iteration cap. The QP is solved by
    SLSQP with exact gradients; the weights are then rescaled to sum 1.
    """
    m = values.shape[0]
    Xc = values - values.mean(axis=0)
    A, S = Z.T @ Xc / m, Xc.T @ Xc / m
    if not (np.isfinite(A).all() and np.isfinite(S).all()):
        return None
    c = A.sum(axis=0)  # 1ᵀA (= b)
    if not (c != 0).all():
        return None
    # u = |c| ∘ w puts the scale constraint on sign(c)ᵀu = ±1 (the simplex when every c > 0),
    # which keeps the QP well scaled. A component negatively correlated with the plain sum has
    # c < 0; then Σ r can take either sign and balance is solved on both halves, the better kept.
    ac, sg = np.abs(c), np.sign(c)
    Au, Su = A / ac, S / np.outer(ac, ac)
    signs = (1.0, -1.0) if objective == "balance" and (sg < 0).any() else (1.0,)
    best = None
    for s in signs:
        u = _scaled_qp(Au, Su, t, sg, s, objective)
        if u is not None and (best is None or u[1] < best[1]):
            best = u
    if best is None:
        return None
    w = best[0] / ac
    return w / w.sum()


def _scaled_qp(Au: np.ndarray, Su: np.ndarray, t: np.ndarray, sg: np.ndarray, s: float,
               objective: str) -> tuple[np.ndarray, float] | None:
    """The QP of :func:`_convex_optimum` at the scale ``sgᵀu = s``: its solution ``u`` and value,
    or ``None`` where SLSQP fails. With Σ r = s > 0 or < 0 the shares are ``Au u / s``, so the
    balance objective is ‖Au u − s t‖²."""
    from scipy.optimize import minimize as _min

    n = len(t)
    if objective == "balance":
        def fun(u):
            d = Au @ u - s * t
            return float(d @ d), 2.0 * (Au.T @ d)
    else:
        def fun(u):
            Sv = Su @ u
            return float(u @ Sv), 2.0 * Sv
    on = sg == s
    if not on.any():
        return None
    start = np.where(on, 1.0 / on.sum(), 0.0) if (sg != s).any() else np.full(n, 1.0 / n)
    scale = max(float(fun(start)[0]), 1e-300)
    upper = 1.0 if (sg > 0).all() else None
    res = _min(lambda u: tuple(v / scale for v in fun(u)), start, jac=True, method="SLSQP",
               bounds=[(0.0, upper)] * n, constraints=[{"type": "eq", "fun": lambda u: sg @ u - s,
                                                        "jac": lambda u: sg}],
               options={"ftol": 1e-15, "maxiter": 500})
    u = np.clip(res.x, 0.0, None)
    # status 8 ("positive directional derivative in the line search") is SLSQP at the limit of
    # its precision; accept it when the point is feasible
    if res.status not in (0, 8) or abs(sg @ u - s) > 1e-9:
        return None
    # polish: on SLSQP's support P the optimum solves the KKT system of the equality-constrained
    # quadratic [Q_PP g_P; g_Pᵀ 0] [u_P; λ] = [q_P; s] exactly (Q, q the quadratic's Hessian and
    # linear term, g = sign(c)); taken when it stays feasible and is no worse
    P = u > 1e-10 * u.max()
    Q, q = (2.0 * Au.T @ Au, 2.0 * s * Au.T @ t) if objective == "balance" else (2.0 * Su, np.zeros(n))
    k = int(P.sum())
    K = np.zeros((k + 1, k + 1))
    K[:k, :k], K[:k, k], K[k, :k] = Q[np.ix_(P, P)], sg[P], sg[P]
    try:
        sol = np.linalg.solve(K, np.r_[q[P], s])
    except np.linalg.LinAlgError:
        sol = None
    if sol is not None and np.isfinite(sol).all() and (sol[:k] >= 0).all():
        polished = np.zeros(n)
        polished[P] = sol[:k]
        if fun(polished)[0] <= fun(u)[0] + 1e-15:
            u = polished
    return u, fun(u)[0]


def optimal(X, objective: str = "balance", correlation: str = "pearson") -> pd.Series:
    """Equal-influence weights of the columns of ``X`` (the registry's ``optimal`` weighting).

    The index is the weighted arithmetic mean of ``X``'s columns; a constant column carries no
    information and gets weight 0.

    Parameters
    ----------
    X : DataFrame (units × children)
    objective, correlation : see :func:`optimal_weights`

    Returns
    -------
    Series (name ``"weight"``)

    Examples
    --------
    >>> import pandas as pd
    >>> optimal(pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [2.0, 2, -2, -2], "c": 1.0})).round(4).tolist()
    [0.6667, 0.3333, 0.0]
    """
    X = as_matrix(X, name="optimal", allow_nan=True)
    ENTRY.check_data(X.to_numpy(dtype=float)[None], units=X.index, columns=X.columns)  # as the engine does
    return pd.Series(optimal_kernel(X.to_numpy(dtype=float)[None], objective=objective,
                                    correlation=correlation)[0], index=X.columns, name="weight")


def optimal_kernel(a, directions=None, *, objective: str = "balance", correlation: str = "pearson") -> np.ndarray:
    """Weights (G, k) for each matrix of a stack ``a`` (G, m, k): :func:`optimal_weights` with
    equal targets, run matrix by matrix (the Monte Carlo engine's entry point). ``directions``
    is accepted for the uniform kernel signature; the children are normalised already."""
    a = np.asarray(a, dtype=float)
    out = np.zeros((a.shape[0], a.shape[2]))
    for g in range(a.shape[0]):
        V = a[g]  # finite, at least 3 units: the entry's declared checks (ENTRY), run before the kernel
        live = np.ptp(V, axis=0) > 0
        if live.sum() == 0:
            raise BatchError(g, "optimal: every child is constant; weights are undefined")
        if live.sum() == 1:
            out[g, live] = 1.0
            continue
        cols = [f"c{j}" for j in np.flatnonzero(live)]
        r = optimal_weights(pd.DataFrame(V[:, live], columns=cols), objective=objective, correlation=correlation)
        out[g, live] = r.weights.to_numpy()
    return out


#: the registry entry (registered by :data:`toolkit.methods.weighting.weights.WEIGHTING`): declared
#: here, beside its function, so that :func:`optimal` runs its data checks and ``min_rows`` through
#: it (``Method.check_data``) as the engine's stacks do, without importing the registry
ENTRY = Method("optimal", "weighting", optimal, optimal_kernel, True, params=(
    Param("objective", "choice", "balance", "equal influence, or the largest total correlation",
          choices=OBJECTIVES, per_node=True),
    Param("correlation", "choice", "pearson", "importance measure", choices=CORRELATIONS, per_node=True)),
    min_rows=3, checks=(FINITE,), label_en="optimal", label_zh="最优权重",
    doc="COINr get_opt_weights: each child's correlation with the parent equal", doc_zh="使各子项与上级的相关相等")
