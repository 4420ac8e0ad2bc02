"""The normalisation kernels: numpy functions on any array whose last two axes are (units,
indicators) — one matrix, or a Monte Carlo batch of shape (replications × units × indicators).

``d`` is the ±1 direction vector (last axis; None: all benefit). Cost indicators are reversed so
that higher = better after normalising. Kernels neither validate nor warn (:func:`quiet`
silences numpy's all-NaN and divide warnings); the pandas wrappers of
:mod:`toolkit.methods.normalisation.normalise` validate at the edge, and the registry names each
kernel next to its wrapper.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np


def _d(d, a):
    return np.ones(a.shape[-1]) if d is None else np.asarray(d, dtype=float)


def quiet(func):
    """Run a kernel with numpy's all-NaN / divide warnings silenced (NaN passes through)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return func(*args, **kwargs)
    return wrapper


def minmax_kernel(a, d=None, lower=0.0, upper=1.0):
    """lower + (upper − lower)·(x′ − min x′)/(max x′ − min x′), x′ = d·x; constant → midpoint.

    The toolkit's one min–max: the normalisation step and the weighting kernels (on [0, 1]) use it.
    ``d`` is ±1 per column (or per matrix and column, (..., k)); missing values stay missing.

    Examples
    --------
    >>> import numpy as np
    >>> minmax_kernel(np.array([[1.0, 5.0], [3.0, 5.0]]), np.array([1.0, -1.0]))
    array([[0. , 0.5],
           [1. , 0.5]])
    """
    x = a * _d(d, a)
    nan = np.isnan(x)
    has_nan = nan.any()
    if has_nan:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column stays missing
            lo, hi = np.nanmin(x, axis=-2, keepdims=True), np.nanmax(x, axis=-2, keepdims=True)
    else:
        lo, hi = x.min(axis=-2, keepdims=True), x.max(axis=-2, keepdims=True)
    rng = hi - lo
    with np.errstate(invalid="ignore"):
        frac = np.where(rng > 0, (x - lo) / np.where(rng > 0, rng, 1.0), 0.5)
    if has_nan:
        frac = np.where(nan, np.nan, frac)
    return frac if (lower, upper) == (0.0, 1.0) else lower + (upper - lower) * frac


@quiet
def zscore_kernel(a, d=None, mean=0.0, sd=1.0, ddof=1):
    """mean + sd·(x′ − x̄′)/s′; a constant column maps to ``mean``."""
    x = a * _d(d, a)
    mu = np.nanmean(x, axis=-2, keepdims=True)
    s = np.nanstd(x, axis=-2, ddof=ddof, keepdims=True)
    z = np.where(s > 0, (x - mu) / np.where(s > 0, s, 1.0), 0.0)
    return mean + sd * np.where(np.isnan(x), np.nan, z)


def rank_kernel(a, d=None, method="average"):
    """Ranks 1..m along the units axis of x′ = d·x (1 = worst); NaN stays NaN."""
    from scipy.stats import rankdata  # scipy.stats: ~1 s of CPU to import, only for this method

    return rankdata(a * _d(d, a), method=method, axis=-2, nan_policy="omit")


@quiet
def percentile_rank_kernel(a, d=None):
    """(rank_min − 1)/(n_valid − 1): COINr ``n_prank`` ("sport" ranking, ties → min)."""
    r = rank_kernel(a, d, method="min")
    n = np.sum(~np.isnan(a), axis=-2, keepdims=True)
    return (r - 1.0) / (n - 1.0)


@quiet
def vector_kernel(a, d=None, reverse_cost=False):
    """x/√Σx²; with ``reverse_cost`` cost columns become 1 − x/√Σx² (pymcdm/pyrepo)."""
    r = a / np.sqrt(np.nansum(a * a, axis=-2, keepdims=True))
    return np.where(_d(d, a) < 0, 1.0 - r, r) if reverse_cost else r


@quiet
def sum_kernel(a, d=None):
    """Benefit x/Σx; cost (1/x)/Σ(1/x) (pyrepo ``sum_normalization``)."""
    x = np.where(_d(d, a) < 0, 1.0 / a, a)
    return x / np.nansum(x, axis=-2, keepdims=True)


@quiet
def goalposts_kernel(a, lower, upper, d=None, cap=True, log=False, scale=1.0):
    """Benefit (x − L)/(U − L), cost (U − x)/(U − L); ``log`` (bool or per-column mask) takes ln
    of x and both posts first; ``cap`` clips to [0, 1]; the result is multiplied by ``scale``."""
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    logm = np.asarray(log, dtype=bool)
    if logm.any():
        a, lo, hi = (np.where(logm, np.log(v), v) for v in (a, lo, hi))
    y = (a - lo) / (hi - lo)
    y = np.where(_d(d, a) < 0, 1.0 - y, y)
    return scale * (np.clip(y, 0.0, 1.0) if cap else y)


@quiet
def distance_to_target_kernel(a, target, d=None, cap=True):
    """(x′ − min x′)/(t′ − min x′) with x′ = d·x, t′ = d·t (COINr ``n_dist2targ``)."""
    dd = _d(d, a)
    x, t = a * dd, np.asarray(target, dtype=float) * dd
    lo = np.nanmin(x, axis=-2, keepdims=True)
    y = (x - lo) / (t - lo)
    return np.minimum(y, 1.0) if cap else y


@quiet
def distance_to_reference_kernel(a, ref, d=None, cap=False):
    """1 − (x′_ref − x′)/(x′_ref − min x′): ``ref`` is the reference unit's position."""
    x = a * _d(d, a)
    lo = np.nanmin(x, axis=-2, keepdims=True)
    xr = np.take(x, [ref], axis=-2)
    y = (x - lo) / (xr - lo)
    return np.minimum(y, 1.0) if cap else y


@quiet
def fraction_of_max_kernel(a, d=None):
    """Benefit x/max x; cost min x/x (share of the best value, best = 1)."""
    ben = a / np.nanmax(a, axis=-2, keepdims=True)
    cost = np.nanmin(a, axis=-2, keepdims=True) / a
    return np.where(_d(d, a) < 0, cost, ben)
