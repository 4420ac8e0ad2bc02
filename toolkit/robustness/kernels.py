"""Batch kernels of the uncertainty engine: data-driven weights and aggregation of many
replications at once.

Every function takes a stack ``X`` of shape (G, units, children) — one matrix per replication —
and follows, step for step, the single-matrix function it mirrors, so that a replication's
numbers agree with :func:`toolkit.build_index` to rounding (tests check ≤ 1e-12):

=====================  ==============================================
``batch_weights``      :func:`toolkit.methods.weights.entropy_minmax`, ``critic``, ``cv``, ``std``,
                       ``pca`` (Nicoletti with batched varimax, or first component)
``batch_aggregate``    :mod:`toolkit.methods.aggregate` (its ``_*_array`` kernels, plus the domain
                       checks of the pandas wrappers)
=====================  ==============================================

Errors are :class:`BatchError` (a :class:`toolkit.errors.DataError`) carrying ``g``, the
position in the stack of the first offending replication, so the caller can name its factors.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import DataError, SpecError
from ..methods import aggregate as agg
from ..methods.normalise import _minmax_array

__all__ = ["BatchError", "DATA_DRIVEN", "batch_weights", "batch_aggregate"]

#: weighting methods computed from the data (recomputed per replication)
DATA_DRIVEN = ("entropy", "critic", "cv", "std", "pca")
POWER_MEANS = {"arithmetic": 1.0, "geometric": 0.0, "harmonic": -1.0}


class BatchError(DataError):
    """A replication whose data a method cannot handle; ``g`` is its position in the batch."""

    def __init__(self, g: int, message: str):
        super().__init__(message)
        self.g = int(g)


def _first(mask) -> int:
    return int(np.flatnonzero(np.asarray(mask).reshape(len(mask), -1).any(axis=1))[0])


# ------------------------------------------------------------------------------------ weights
def _minmax01(V):
    """``toolkit.methods.weights._minmax`` with all directions benefit: constant columns become 0."""
    lo, hi = V.min(axis=-2, keepdims=True), V.max(axis=-2, keepdims=True)
    rng = hi - lo
    Z = (V - lo) / np.where(rng > 0, rng, 1.0)
    return np.where(rng > 0, Z, 0.0)


def _finish(scores, method):
    total = scores.sum(axis=-1, keepdims=True)
    bad = ~(np.isfinite(total[..., 0]) & (total[..., 0] > 0))
    if bad.any():
        raise BatchError(_first(bad), f"{method}: no indicator carries information (all constant or "
                         "redundant); weights are undefined")
    return scores / total


def _check_matrix(X, method, min_rows):
    if X.shape[-2] < min_rows:
        raise BatchError(0, f"{method}: needs at least {min_rows} units (rows), got {X.shape[-2]}")
    bad = ~np.isfinite(X)
    if bad.any():
        raise BatchError(_first(bad), f"{method}: missing or infinite value among the indicators "
                         "being weighted; impute first (imputation.method: none cannot be combined with "
                         "data-driven weights)")


def _entropy(X, shift=0.0):
    if not (np.isfinite(shift) and shift >= 0):
        raise SpecError(f"entropy_minmax: shift must be a finite number ≥ 0, got {shift!r}")
    Z = _minmax01(X) + shift
    const = np.ptp(Z, axis=-2) == 0
    S = Z.sum(axis=-2, keepdims=True)
    P = Z / np.where(S > 0, S, 1.0)
    e = -(P * np.log(np.where(P > 0, P, 1.0))).sum(axis=-2) / np.log(X.shape[-2])
    d = np.clip(1.0 - e, 0.0, None)
    return _finish(np.where(const, 0.0, d), "entropy")


def _critic(X, normalise=True):
    if X.shape[-1] < 2:
        raise BatchError(0, "critic: needs at least 2 indicators (the conflict term needs correlations)")
    const = np.ptp(X, axis=-2) == 0
    Z = _minmax01(X) if normalise else X
    sigma = Z.std(axis=-2)
    Zc = Z - Z.mean(axis=-2, keepdims=True)
    norms = np.sqrt((Zc ** 2).sum(axis=-2, keepdims=True))
    Zs = Zc / np.where(norms > 0, norms, 1.0)
    R = np.clip(np.swapaxes(Zs, -1, -2) @ Zs, -1.0, 1.0)
    R = np.where(const[..., :, None] | const[..., None, :], 0.0, R)
    k = X.shape[-1]
    R[..., np.arange(k), np.arange(k)] = 1.0
    C = sigma * (1.0 - R).sum(axis=-1)
    C = np.where(const, 0.0, C)
    bad = C.sum(axis=-1) <= 1e-12 * sigma.sum(axis=-1)
    if bad.any():
        raise BatchError(_first(bad), "critic: the indicators are perfectly correlated (r = 1) or "
                         "constant, so every C_j = 0 and the weights are undefined")
    return _finish(C, "critic")


def _cv(X):
    mean = X.mean(axis=-2)
    bad = mean <= 0
    if bad.any():
        raise BatchError(_first(bad), "cv: an indicator has mean ≤ 0; the coefficient of variation "
                         "needs positive, ratio-scale data")
    const = np.ptp(X, axis=-2) == 0
    return _finish(np.where(const, 0.0, X.std(axis=-2) / mean), "cv")


def _std(X, normalise=True):
    const = np.ptp(X, axis=-2) == 0
    scores = (_minmax01(X) if normalise else X).std(axis=-2)
    return _finish(np.where(const, 0.0, scores), "std")


def _varimax(L, tol=1e-12, max_iter=5000):
    """``toolkit.methods.weights.varimax`` (normalize=True) on a stack (G, p, k): each matrix stops at
    its own convergence, exactly as the single-matrix loop does."""
    G, p, k = L.shape
    if k < 2:
        return L
    sc = np.sqrt((L ** 2).sum(axis=-1))
    sc = np.where(sc > 0, sc, 1.0)
    x = L / sc[..., None]
    T = np.broadcast_to(np.eye(k), (G, k, k)).copy()
    active = np.arange(G)
    for _ in range(max_iter):
        if not active.size:
            break
        xa, Ta = x[active], T[active]
        z = xa @ Ta
        u, _s, vt = np.linalg.svd(np.swapaxes(xa, -1, -2) @ (z ** 3 - z * ((z ** 2).sum(axis=-2, keepdims=True) / p)))
        Tn = u @ vt
        done = np.abs(Tn - Ta).max(axis=(-2, -1)) < tol
        T[active] = Tn
        active = active[~done]
    return (x @ T) * sc[..., None]


def _pca(X, method="nicoletti", *, min_eigenvalue=1.0, min_share=None, min_cumulative=None,
         n_factors=None):
    if method not in ("nicoletti", "first_component"):
        raise SpecError(f"pca: unknown method {method!r}; use 'nicoletti' or 'first_component'")
    if X.shape[-2] < 3:
        raise BatchError(0, f"pca: needs at least 3 units (rows), got {X.shape[-2]}")
    G, m, n = X.shape
    out = np.zeros((G, n))
    const_all = np.ptp(X, axis=-2) == 0
    patterns, inv = np.unique(const_all, axis=0, return_inverse=True)
    for pi, const in enumerate(patterns):
        gs = np.flatnonzero(inv.ravel() == pi)
        cols = np.flatnonzero(~const)
        if cols.size < 2:
            raise BatchError(gs[0], "pca: needs at least 2 non-constant indicators")
        Z = X[gs][:, :, cols]
        Z = (Z - Z.mean(axis=-2, keepdims=True)) / Z.std(axis=-2, ddof=1, keepdims=True)
        vals, vecs = np.linalg.eigh(np.swapaxes(Z, -1, -2) @ Z / (m - 1))
        order = np.argsort(vals, axis=-1)[:, ::-1]
        vals = np.clip(np.take_along_axis(vals, order, axis=-1), 0.0, None)
        vecs = np.take_along_axis(vecs, order[:, None, :], axis=-1)
        vecs = vecs * np.where(vecs.sum(axis=-2, keepdims=True) < 0, -1.0, 1.0)
        share = vals / vals.sum(axis=-1, keepdims=True)
        if method == "first_component":
            sub = np.abs(vecs[:, :, 0])
        else:
            p = vals.shape[-1]
            if n_factors is not None:
                if not 1 <= int(n_factors) <= p:
                    raise SpecError(f"pca: n_factors must be between 1 and {p}, got {n_factors!r}")
                ks = np.full(len(gs), int(n_factors))
            else:
                ks = np.empty(len(gs), dtype=int)
                for i in range(len(gs)):
                    ok = vals[i] > min_eigenvalue
                    if min_share is not None:
                        ok &= share[i] > min_share
                    k = int(np.argmin(ok)) if not ok.all() else p
                    if min_cumulative is not None:
                        while k < p and (k == 0 or share[i, :k].sum() <= min_cumulative):
                            k += 1
                    ks[i] = max(k, 1)
            sub = np.empty((len(gs), cols.size))
            loadings = vecs * np.sqrt(vals)[:, None, :]
            for k in np.unique(ks):
                sel = np.flatnonzero(ks == k)
                rot = _varimax(loadings[sel][:, :, :k])
                sq = rot ** 2
                ev = sq.sum(axis=-2)
                assign = np.argmax(sq, axis=-1)
                picked = np.take_along_axis(sq, assign[..., None], axis=-1)[..., 0]
                eva = np.take_along_axis(ev, assign, axis=-1)
                sub[sel] = picked / eva * (eva / ev.sum(axis=-1, keepdims=True))
        scores = np.zeros((len(gs), n))
        scores[:, cols] = sub
        out[gs] = scores
    return _finish(out, "pca")


_WEIGHTS = {"entropy": (_entropy, 2), "critic": (_critic, 2), "cv": (_cv, 2), "std": (_std, 2),
            "pca": (_pca, 3)}


def batch_weights(method: str, params: dict, X: np.ndarray) -> np.ndarray:
    """Weights (G, k) of the data-driven ``method`` for each matrix of ``X`` (G, m, k).

    ``params`` are those of the spec (``shift`` for entropy, ``normalise`` for CRITIC/std, the
    PCA options). Directions are not used: like :func:`toolkit.index.build._weights` the inputs are
    normalised already (higher = better).
    """
    func, min_rows = _WEIGHTS[method]
    X = np.asarray(X, dtype=float)
    _check_matrix(X, method, min_rows)
    try:
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return func(X, **params)
    except TypeError as exc:
        raise SpecError(f"weights {method}: bad params {params!r} ({exc})") from None


# ------------------------------------------------------------------------------------ aggregation
def _power_mean(base, W, p, shared):
    """M_p of every replication as one weighted sum: (Σ_j w_j x_j^p)^{1/p} (p = 0: exp Σ w ln x).

    ``base`` is (1, m, k) when the children are shared by all replications, else (G, m, k). The
    same numbers as ``aggregate._generalised_mean_array`` up to the order of the k-term sums;
    None if a transformed value is not finite (the general kernel then handles zero weights).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        terms = base if p == 1 else (np.log(base) if p == 0 else np.power(base, p))
    if not np.isfinite(terms).all():
        return None
    w = W / W.sum(axis=-1, keepdims=True)
    s = np.einsum("mk,gk->gm", terms[0], w) if shared else np.einsum("gmk,gk->gm", terms, w)
    if p == 1:
        return s
    return np.exp(s) if p == 0 else np.power(s, 1.0 / p)


def _unknown(method, params, allowed):
    extra = set(params) - set(allowed)
    if extra:
        raise SpecError(f"aggregation {method}: unknown parameter(s) {sorted(extra)}; "
                        f"allowed: {sorted(allowed)}")


def batch_aggregate(method: str, params: dict, C: np.ndarray, W: np.ndarray, excluded=None,
                    na_default: str = "error", index=None) -> np.ndarray:
    """Scores (G, m) of ``C`` (G, m, k) with weights ``W`` (G, k) by aggregation ``method``.

    ``C`` may be a broadcast view (children shared by every replication). ``excluded`` (G, k)
    marks children left out of a replication (their weight is 0): power means ignore them; for
    TOPSIS and grey relational analysis their values are replaced by a constant, which leaves the
    result as if the column were absent (a zero column; Δ = 0). ``na_default`` is the ``na`` rule build_index uses for the power means
    (``skip`` when imputation is ``none``). ``index`` (the block's row labels) resolves a grey
    relational reference unit.
    """
    params = dict(params)
    C = np.asarray(C, dtype=float)
    W = np.asarray(W, dtype=float)
    G = W.shape[0]
    ex = np.zeros(W.shape, dtype=bool) if excluded is None else np.asarray(excluded, dtype=bool)
    if method in POWER_MEANS or method == "generalised_mean":
        _unknown(method, params, ("na", "p") if method == "generalised_mean" else ("na",))
        na = params.get("na", na_default)
        if na not in ("error", "skip"):
            raise SpecError(f"aggregation {method}: na must be 'error' or 'skip', got {na!r}")
        p = float(params.get("p", 1.0)) if method == "generalised_mean" else POWER_MEANS[method]
        # a stack whose matrices are all the same (children shared by every replication) is
        # checked and transformed once
        shared = C.shape[0] == 1 or C.strides[0] == 0
        base = C[:1] if shared else C
        nan = np.isnan(base)
        if na == "error":
            bad = nan.any(axis=-2) & ~ex if shared else (nan & ~ex[:, None, :]).any(axis=-2)
            if bad.any():
                raise BatchError(_first(bad), f"{method}: a missing value among the children "
                                 "(impute, or use imputation.method: none for na: skip)")
        live = (W > 0) & ~ex
        if p <= 0 or p != round(p):
            with np.errstate(invalid="ignore"):
                wrong = ((base <= 0) if p <= 0 else (base < 0)) & ~nan
            bad = (wrong.any(axis=-2) & live) if shared else (wrong & live[:, None, :]).any(axis=-2)
            if bad.any():
                need = "> 0" if p <= 0 else ">= 0"
                raise BatchError(_first(bad), f"{method} (p={p:g}) needs values {need}; normalise to "
                                 "a positive range such as minmax [1, 100] first")
        out = None if nan.any() else _power_mean(base, W, p, shared)
        if out is None:  # missing values (na: skip) or non-finite terms: the general kernel
            out = agg._generalised_mean_array(np.broadcast_to(C, (G,) + C.shape[1:]), W, p, na == "skip")
        bad = np.isnan(out)
        if bad.any():
            raise BatchError(_first(bad), f"{method}: a unit has no non-missing child with positive "
                             "weight")
        return out
    C = np.broadcast_to(C, (G,) + C.shape[1:])
    if ex.any():
        C = np.where(ex[:, None, :], 1.0, C)
    if np.isnan(C).any():
        raise BatchError(_first(np.isnan(C)), f"{method}: missing values are not allowed; impute first")
    if method == "topsis":
        _unknown(method, params, ("normalisation",))
        nz = params.get("normalisation", "vector")
        if nz not in ("vector", "minmax"):
            raise SpecError(f"topsis: normalisation must be 'vector' or 'minmax', got {nz!r}")
        if nz == "vector":
            bad = ~((C ** 2).sum(axis=-2) > 0)
            if bad.any():
                raise BatchError(_first(bad), "topsis: a child is all zero; the vector norm is zero")
        return agg._topsis_array(C, W, None, nz)[0]
    if method == "grey_relational":
        _unknown(method, params, ("rho", "reference", "normalisation"))
        rho = float(params.get("rho", 0.5))
        if not 0 < rho < 1:
            raise SpecError(f"grey_relational: rho must be in (0, 1), got {rho}")
        nz = params.get("normalisation", "minmax")
        if nz not in ("minmax", "none"):
            raise SpecError(f"grey_relational: normalisation must be 'minmax' or 'none', got {nz!r}")
        r = _minmax_array(C, np.ones(C.shape[-1])) if nz == "minmax" else C
        ref = params.get("reference", "best")
        x0 = None
        if not (isinstance(ref, str) and ref == "best"):
            try:
                loc = index.get_loc(ref) if index is not None else None
            except (KeyError, TypeError):
                loc = None
            if not isinstance(loc, int | np.integer):
                raise SpecError(f"grey_relational: reference must be 'best' or a unit of the block, "
                                f"got {ref!r}")
            x0 = r[:, int(loc), :]
        return agg._grey_relational_array(r, W, rho, x0)[0]
    raise SpecError(f"unknown aggregation method {method!r}")
