"""The numpy kernels of aggregation, one per formula: weighted power means, TOPSIS and grey
relational analysis.

Each kernel's input has (units, indicators) as its last two axes and its weights the indicators
on their last axis: :mod:`toolkit.methods.aggregation.aggregate` calls it on one matrix, the
Monte Carlo engine on (replications × units × indicators) at once
(:mod:`toolkit.methods.aggregation.aggregate_batch`). Kernels do not validate; their callers do.
"""

from __future__ import annotations

import numpy as np

from ..normalisation.normalise import minmax_kernel, quiet, vector_kernel

__all__ = ["generalised_mean_kernel", "grey_relational_kernel", "topsis_kernel"]


# ---------------------------------------------------------------------------- numpy kernels
def _w(w, a):
    """Weights (..., n) → (..., 1, n), renormalised to sum to 1."""
    w = np.asarray(w, dtype=float)[..., None, :]
    return w / w.sum(axis=-1, keepdims=True)


def _power_mean(a, w, p):
    """M_p as one weighted sum when every term is finite (else None): a stack of children shared
    by all weight vectors — (1, m, k) or a broadcast view — is transformed once."""
    shared = a.ndim == 3 and w.ndim == 2 and (a.shape[0] == 1 or a.strides[0] == 0)
    base = a[:1] if shared else a
    if np.isnan(base).any():
        return None
    terms = base if p == 1 else (np.log(base) if p == 0 else np.power(base, p))
    if not np.isfinite(terms).all():
        return None
    wn = w / w.sum(axis=-1, keepdims=True)
    if shared:
        s = np.einsum("mk,gk->gm", terms[0], wn)
    elif a.ndim == 3 and w.ndim == 2:
        s = np.einsum("gmk,gk->gm", terms, wn)
    else:
        s = (terms * wn[..., None, :]).sum(axis=-1)
    if p == 1:
        return s
    return np.exp(s) if p == 0 else np.power(s, 1.0 / p)


def generalised_mean_kernel(a, w, p=1.0, skip_na=False):
    """Weighted power mean M_p = (Σ w_j x_j^p)^{1/p}; p = 0 → exp(Σ w_j ln x_j).

    ``a`` is (..., m, k) (a stack of matrices, or one), ``w`` (..., k) (one weight vector per
    matrix, or one for all); weights are rescaled to sum to 1. Zero weights contribute nothing
    (even when x_j ≤ 0). With ``skip_na`` missing x_j are dropped and the remaining weights
    rescaled to sum to 1; a unit with nothing left is NaN. p = 1, 0, −1 are the arithmetic,
    geometric and harmonic means.

    Examples
    --------
    >>> import numpy as np
    >>> generalised_mean_kernel(np.array([[1.0, 4.0]]), np.array([0.5, 0.5]), p=0.0)
    array([2.])
    """
    a = np.asarray(a, dtype=float)
    w = np.asarray(w, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fast = _power_mean(a, w, p)
        return fast if fast is not None else _general_mean(a, w, p, skip_na)


def _general_mean(a, w, p, skip_na):
    """The power mean with zero weights, missing values or non-finite terms handled one by one."""
    a = np.broadcast_to(a, np.broadcast_shapes(a.shape, w.shape[:-1] + (1, w.shape[-1])))
    w = np.broadcast_to(_w(w, a), a.shape)
    miss = np.isnan(a)
    use = w > 0
    if skip_na:
        use = use & ~miss
        w = np.where(use, w, 0.0)
        tot = w.sum(axis=-1, keepdims=True)
        w = w / np.where(tot > 0, tot, 1.0)
    if p == 0:
        terms = np.log(a)
    elif p == 1:
        terms = a
    else:
        terms = np.power(a, p)
    s = np.where(use, w * terms, 0.0).sum(axis=-1)
    lost = ~use.any(axis=-1) if skip_na else (miss & (w > 0)).any(axis=-1)
    s = np.where(lost, np.nan, s)
    if p == 0:
        return np.exp(s)
    return s if p == 1 else np.power(s, 1.0 / p)


@quiet
def topsis_kernel(a, w, d=None, normalisation="vector"):
    """TOPSIS on (..., m, n): returns (C, D+, D−, ideal, anti_ideal, weighted matrix).

    ``vector``: r = x/√Σx², v = w·r, ideal = max v (benefit) / min v (cost), anti-ideal the
    opposite. ``minmax``: r = direction-aware min–max on [0, 1], ideal = max, anti = min.
    If D+ + D− = 0 (every unit identical) C is 0.5.
    """
    d = np.ones(a.shape[-1]) if d is None else np.asarray(d, dtype=float)
    if normalisation == "vector":
        r, sign = vector_kernel(a), d
    else:
        r, sign = minmax_kernel(a, d), np.ones_like(d)
    v = _w(w, a) * r
    hi, lo = v.max(axis=-2, keepdims=True), v.min(axis=-2, keepdims=True)
    ideal, anti = np.where(sign > 0, hi, lo), np.where(sign > 0, lo, hi)
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=-1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=-1))
    tot = dp + dm
    c = np.where(tot > 0, dm / np.where(tot > 0, tot, 1.0), 0.5)
    return c, dp, dm, ideal[..., 0, :], anti[..., 0, :], v


@quiet
def grey_relational_kernel(r, w, rho=0.5, reference=None):
    """Grey relational coefficients and grades of normalised data ``r`` (..., m, n).

    x₀ = ``reference`` (..., n) or, if None, the column maximum of r. Δ = |x₀ − x|,
    ξ = (Δmin + ρΔmax)/(Δ + ρΔmax) with the two-level min/max over all units and indicators;
    grade = Σ w ξ. If Δmax = 0 every coefficient is 1. Returns (grade, ξ).
    """
    x0 = r.max(axis=-2, keepdims=True) if reference is None else np.asarray(reference)[..., None, :]
    delta = np.abs(x0 - r)
    dmin = delta.min(axis=(-2, -1), keepdims=True)
    dmax = delta.max(axis=(-2, -1), keepdims=True)
    xi = np.where(dmax > 0, (dmin + rho * dmax) / (delta + rho * dmax), 1.0)
    return (_w(w, r) * xi).sum(axis=-1), xi
