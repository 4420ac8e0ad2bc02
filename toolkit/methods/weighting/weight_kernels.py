"""Batch kernels of the data-driven weighting methods: the one implementation of each formula.

Every kernel takes a stack ``a`` of shape (G, units, indicators) — a single matrix is a batch of
one, ``a[None]`` — and returns weights of shape (G, indicators), non-negative and summing to 1.
:func:`toolkit.build_index` reaches them through the pandas functions of
:mod:`toolkit.methods.weighting.weights` (which validate and name things, then call the kernel on a batch
of one); the Monte Carlo engine (:mod:`toolkit.robustness.engine`) calls them on large stacks.
Formulas: ``methods.md`` §4.1, 4.5–4.7 and the OECD/JRC Handbook (2008) §6.1.

Kernels validate only what the computation decides (an indicator with information, indicators
not perfectly correlated); what the data must be (finite values, enough units, the methods' own
rules) is declared in each registry entry and checked before the kernel runs, by both paths
(``Method.check_data``). A problem raises :class:`~toolkit.methods.checks.BatchError`, a
:class:`~toolkit.errors.DataError` that records which matrix of the stack (``g``) failed.
Parameters are checked once, where a specification is loaded (:mod:`toolkit.methods.registry`).

Shared conventions, defined once here:

* **min–max** is :func:`toolkit.methods.normalisation.normalise.minmax_kernel` (direction-aware; a constant
  column maps to the midpoint — such a column gets weight 0 whatever its value);
* **constant indicators** carry no information: weight 0 (:func:`constant_columns`);
* **component signs**: each eigenvector is oriented so that its elements sum to ≥ 0
  (:func:`orient_components`);
* **the Kaiser rule** and its Handbook refinements choose the number of factors
  (:func:`kaiser_factors`);
* **varimax** is started from several fixed rotations and keeps the best criterion, so the
  rotation depends on the correlation matrix only (:func:`varimax_kernel`).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..checks import BatchError, first_failing
from ..normalisation.normalise import minmax_kernel

__all__ = [
    "constant_columns", "critic_kernel", "cv_kernel", "entropy_kernel", "kaiser_factors",
    "normalise_weights", "orient_components", "pca_kernel", "std_kernel", "varimax_kernel",
]


# ----------------------------------------------------------------------------- shared pieces
def constant_columns(a) -> np.ndarray:
    """(G, k) mask of the columns that are constant across units (no information)."""
    return np.ptp(a, axis=-2) == 0


def normalise_weights(scores, method: str) -> np.ndarray:
    """Scores (G, k) → weights summing to 1; a matrix whose scores are all 0 is an error."""
    total = scores.sum(axis=-1, keepdims=True)
    bad = ~(np.isfinite(total[..., 0]) & (total[..., 0] > 0))
    if bad.any():
        raise BatchError(first_failing(bad), f"{method}: no indicator carries information (all constant "
                         "or redundant); weights are undefined")
    return scores / total


def as_stack(a) -> np.ndarray:
    """The stack as a float array (G, m, k). (That its values are finite, the units a method needs
    and its other data checks are declared in its registry entry — :data:`toolkit.methods.checks.FINITE`,
    ``min_rows`` — and run before the kernel, by both paths: ``Method.check_data``.)"""
    a = np.asarray(a, dtype=float)
    return a[None] if a.ndim == 2 else a


def _directions(directions, k):
    """±1 per column: None (all benefit), one vector (k,) for the stack, or one per matrix (G, k)."""
    if directions is None:
        return np.ones(k)
    d = np.asarray(directions, dtype=float)
    return d[:, None, :] if d.ndim == 2 else d


# ----------------------------------------------------------------------------- entropy
def entropy_kernel(a, directions=None, *, shift: float = 0.0, minmax: bool = True, details: bool = False):
    r"""Entropy weights (熵权法) of a stack (G, m, k).

    With ``minmax`` (the textbook pipeline, :func:`toolkit.methods.weighting.weights.entropy_minmax`) each
    column is first min–maxed direction-aware and shifted by ``shift``; without it the data are
    used as given (non-negative; :func:`toolkit.methods.weighting.weights.entropy`). Then

    .. math:: p_{ij} = x_{ij}/\sum_i x_{ij},\quad e_j = -\frac{1}{\ln m}\sum_i p_{ij}\ln p_{ij},
              \quad w_j \propto 1 - e_j

    and a constant column gets weight 0.

    Parameters
    ----------
    a : array (G, m, k) or (m, k)
    directions : ±1 per column, or None (all benefit); used by the min–max step only.
    shift : float, added after min–max (papers use 1e-4 or 0.01 to avoid ln 0).
    minmax : bool
    details : bool, keyword-only
        Also return ``{"e": entropy, "d": divergence}`` (arrays (G, k)).

    Returns
    -------
    array (G, k), or ``(weights, details)``.

    Examples
    --------
    >>> import numpy as np
    >>> entropy_kernel(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])).round(3)
    array([[0.73, 0.27]])
    """
    a = as_stack(a)
    if minmax:
        a = minmax_kernel(a, _directions(directions, a.shape[-1])) + shift
    const = constant_columns(a)
    S = a.sum(axis=-2, keepdims=True)
    P = a / np.where(S > 0, S, 1.0)
    e = -(P * np.log(np.where(P > 0, P, 1.0))).sum(axis=-2) / np.log(a.shape[-2])
    d = np.where(const, 0.0, np.clip(1.0 - e, 0.0, None))
    w = normalise_weights(d, "entropy")
    return (w, {"e": np.where(const, 1.0, e), "d": d}) if details else w


# ----------------------------------------------------------------------------- CRITIC / CV / std
def critic_kernel(a, directions=None, *, normalise: bool = True, details: bool = False):
    r"""CRITIC weights (Diakoulaki et al. 1995) of a stack: :math:`C_j = \sigma_j \sum_k (1 - r_{jk})`.

    On the direction-aware min–max matrix (``normalise``) or on the raw data with cost columns
    negated. A constant column gets weight 0 and its correlations count as 0. ``details`` also
    returns ``{"sigma", "C", "r"}``.

    Examples
    --------
    >>> import numpy as np
    >>> critic_kernel(np.array([[1.0, 2.0, 1.0], [2.0, 1.0, 3.0], [3.0, 3.0, 2.0]])).round(4)
    array([[0.2, 0.4, 0.4]])
    """
    a = as_stack(a)
    k = a.shape[-1]
    if k < 2:
        raise BatchError(0, "critic: needs at least 2 indicators (the conflict term needs correlations)")
    d = _directions(directions, k)
    const = constant_columns(a)
    Z = minmax_kernel(a, d) if normalise else a * d
    sigma = Z.std(axis=-2)
    Zc = Z - Z.mean(axis=-2, keepdims=True)
    norms = np.sqrt((Zc ** 2).sum(axis=-2, keepdims=True))
    Zs = Zc / np.where(norms > 0, norms, 1.0)
    R = np.clip(np.swapaxes(Zs, -1, -2) @ Zs, -1.0, 1.0)
    R = np.where(const[..., :, None] | const[..., None, :], 0.0, R)
    R[..., np.arange(k), np.arange(k)] = 1.0
    C = np.where(const, 0.0, sigma * (1.0 - R).sum(axis=-1))
    bad = C.sum(axis=-1) <= 1e-12 * sigma.sum(axis=-1)
    if bad.any():
        raise BatchError(first_failing(bad), "critic: the indicators are perfectly correlated (r = 1) or "
                         "constant, so every C_j = 0 and the weights are undefined")
    w = normalise_weights(C, "critic")
    return (w, {"sigma": sigma, "C": C, "r": R}) if details else w


def cv_kernel(a, directions=None):
    """Coefficient-of-variation weights ``w_j ∝ σ_j / x̄_j`` on raw, ratio-scale data (directions
    are not used: the CV of a cost indicator is its CV). A mean ≤ 0 is refused by the entry's
    declared check before the kernel runs.

    Examples
    --------
    >>> import numpy as np
    >>> cv_kernel(np.array([[1.0, 10.0], [3.0, 30.0]])).round(3)
    array([[0.5, 0.5]])
    """
    a = as_stack(a)
    mean = a.mean(axis=-2)  # > 0: the entry's declared check (toolkit.methods.weighting.weights.POSITIVE_MEAN)
    const = constant_columns(a)
    return normalise_weights(np.where(const, 0.0, a.std(axis=-2) / mean), "cv")


def std_kernel(a, directions=None, *, normalise: bool = True):
    """Standard-deviation weights ``w_j ∝ σ_j`` on the min–max matrix (``normalise``) or the raw
    data. Directions do not change σ.

    Examples
    --------
    >>> import numpy as np
    >>> std_kernel(np.array([[0.0, 0.0], [1.0, 2.0]]), normalise=False).round(3)
    array([[0.333, 0.667]])
    """
    a = as_stack(a)
    const = constant_columns(a)
    scores = (minmax_kernel(a, _directions(directions, a.shape[-1])) if normalise else a).std(axis=-2)
    return normalise_weights(np.where(const, 0.0, scores), "std")


# ----------------------------------------------------------------------------- PCA
def orient_components(vecs) -> np.ndarray:
    """Eigenvectors (..., p, q) with each column's sign chosen so that its elements sum to ≥ 0.

    The sign of an eigenvector is arbitrary; this is the toolkit's one convention.

    Examples
    --------
    >>> import numpy as np
    >>> orient_components(np.array([[-0.6, 0.8], [-0.8, -0.6]]))
    array([[ 0.6,  0.8],
           [ 0.8, -0.6]])
    """
    return vecs * np.where(vecs.sum(axis=-2, keepdims=True) < 0, -1.0, 1.0)


def kaiser_factors(eigenvalues, *, min_eigenvalue: float = 1.0, min_share=None, min_cumulative=None,
                   n_factors=None) -> np.ndarray:
    """Number of factors to retain for each row of sorted eigenvalues (G, p).

    Kaiser's rule: the leading factors with eigenvalue > ``min_eigenvalue``; with ``min_share``
    each must also explain more than that share of the variance; with ``min_cumulative`` further
    factors are added until their cumulative share exceeds it (OECD/JRC Handbook 2008, §6.1:
    1, 0.10 and 0.60). At least one factor; ``n_factors`` overrides the rule.

    Examples
    --------
    >>> import numpy as np
    >>> kaiser_factors(np.array([[2.5, 1.2, 0.2, 0.1]])).tolist()
    [2]
    >>> kaiser_factors(np.array([[2.5, 1.2, 0.2, 0.1]]), min_share=0.35).tolist()
    [1]
    """
    vals = np.atleast_2d(np.asarray(eigenvalues, dtype=float))
    G, p = vals.shape
    if n_factors is not None:
        if not 1 <= int(n_factors) <= p:
            raise BatchError(0, f"pca: n_factors must be between 1 and the number of non-constant "
                             f"indicators ({p}), got {n_factors!r}")
        return np.full(G, int(n_factors))
    share = vals / vals.sum(axis=-1, keepdims=True)
    ok = vals > min_eigenvalue
    if min_share is not None:
        ok &= share > min_share
    ks = np.where(ok.all(axis=-1), p, np.argmin(ok, axis=-1))
    if min_cumulative is not None:
        cum = np.cumsum(share, axis=-1)
        # the smallest k whose first k shares exceed min_cumulative (all p if none does)
        reach = np.where((cum > min_cumulative).any(axis=-1), np.argmax(cum > min_cumulative, axis=-1) + 1, p)
        ks = np.maximum(ks, reach)
    return np.maximum(ks, 1)


def _varimax_criterion(z):
    """Σ_f variance over rows of z_jf² (the varimax objective), for a stack (..., p, k)."""
    sq = z ** 2
    return (sq ** 2).mean(axis=-2).sum(axis=-1) - (sq.mean(axis=-2) ** 2).sum(axis=-1)


def _starts(k):
    """Fixed starting rotations: the identity and a 45° turn in each plane of the first three axes.
    (A −45° turn is a 45° one with the two factors swapped and one sign flipped, and varimax does
    not depend on the factors' order and signs, so the set also covers it.)"""
    starts = [np.eye(k)]
    c = s = np.sqrt(0.5)
    for i in range(min(k, 3)):
        for j in range(i + 1, min(k, 3)):
            T = np.eye(k)
            T[i, i], T[i, j], T[j, i], T[j, j] = c, -s, s, c
            starts.append(T)
    return np.stack(starts)


def _best(z, tol=1e-10):
    """Index (G,) of the best start of each matrix: the largest varimax criterion; among starts
    within ``tol`` of it (mirror-image optima of symmetric data), the one whose rows' largest
    squared loadings are lexicographically largest — a rule that does not depend on the order,
    sign or rounding of the factors."""
    crit = _varimax_criterion(z)  # (G, S)
    cand = crit >= crit.max(axis=1, keepdims=True) - tol
    key = (z ** 2).max(axis=-1)  # (G, S, p): permutation- and sign-free
    for j in range(key.shape[-1]):
        col = np.where(cand, key[..., j], -np.inf)
        cand &= col >= col.max(axis=1, keepdims=True) - 1e-9
    return np.argmax(cand, axis=1)


def varimax_kernel(L, *, normalize: bool = True, tol: float = 1e-12, max_iter: int = 5000):
    """Kaiser (1958) varimax rotation of a stack of loading matrices (G, p, k).

    The algorithm of R ``stats::varimax`` (Kaiser row normalisation with ``normalize``, SVD
    updates until the rotation changes by less than ``tol``), run from several fixed starting
    rotations (the identity and 45° turns); each matrix keeps the rotation with the best varimax
    criterion, ties between mirror-image optima broken by a rule that ignores the factors' order
    and signs. A single start can stop at different optima for loadings that differ only by
    rounding, so the best-of-starts makes the result depend on the correlation matrix alone
    (issue 11's regression cases). Returns the rotated loadings (G, p, k).

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[[0.8, 0.3], [0.7, 0.4], [0.3, 0.8], [0.2, 0.9]]])
    >>> (varimax_kernel(L) ** 2).sum(axis=-1).round(6).tolist() == (L ** 2).sum(axis=-1).round(6).tolist()
    True
    """
    L = np.asarray(L, dtype=float)
    G, p, k = L.shape
    if k < 2:
        return L
    sc = np.sqrt((L ** 2).sum(axis=-1)) if normalize else np.ones((G, p))
    sc = np.where(sc > 0, sc, 1.0)
    x = L / sc[..., None]
    S = _starts(k)
    xs = np.repeat(x, len(S), axis=0)  # (G·S, p, k): every start of every matrix
    T = np.tile(S, (G, 1, 1))
    active = np.arange(len(T))
    for _ in range(max_iter):
        if not active.size:
            break
        xa, Ta = xs[active], T[active]
        z = xa @ Ta
        u, _s, vt = np.linalg.svd(np.swapaxes(xa, -1, -2) @ (z ** 3 - z * ((z ** 2).sum(axis=-2, keepdims=True) / p)))
        Tn = u @ vt
        done = np.abs(Tn - Ta).max(axis=(-2, -1)) < tol
        T[active] = Tn
        active = active[~done]
    z = (xs @ T).reshape(G, len(S), p, k)
    return z[np.arange(G), _best(z)] * sc[..., None]


def pca_kernel(a, directions=None, *, method: str = "nicoletti", min_eigenvalue: float = 1.0,
               min_share=None, min_cumulative=None, n_factors=None, details: bool = False):
    r"""PCA-based weights of a stack (G, m, k); see :func:`toolkit.methods.weighting.weights.pca`.

    Constant columns are left out (weight 0). The correlation matrix of the others, rounded to 12
    decimals (so that rounding noise in the data cannot reach the rotation), is eigen-decomposed
    (:func:`orient_components` fixes the signs). ``first_component``:
    ``|v_1|/Σ|v_1|``. ``nicoletti``: keep :func:`kaiser_factors` factors, varimax-rotate the
    loadings ``λ^{1/2} v`` (:func:`varimax_kernel`) and weight each indicator by its squared
    loading on its own factor scaled by the factor's share of rotated variance. Directions are
    not used (squared loadings do not depend on signs). ``details`` (a batch of one only)
    returns the eigenvalues, loadings and rotation as a dict of arrays.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0, 0.5], [2.0, 1.0, 1.5], [3.0, 4.0, 1.0], [4.0, 3.0, 3.0]])
    >>> w = pca_kernel(X, method="first_component")
    >>> bool(np.isclose(w.sum(), 1.0))
    True
    """
    a = as_stack(a)
    G, m, n = a.shape
    out = np.zeros((G, n))
    info: dict = {}
    patterns, inv = np.unique(constant_columns(a), axis=0, return_inverse=True)
    for pi, const in enumerate(patterns):
        gs = np.flatnonzero(inv.ravel() == pi)
        cols = np.flatnonzero(~const)  # at least two: the entry's declared check (weights.VARYING)
        Z = a[gs][:, :, cols]
        Z = (Z - Z.mean(axis=-2, keepdims=True)) / Z.std(axis=-2, ddof=1, keepdims=True)
        # the correlation matrix, rounded to 12 decimals: data that differ only by rounding noise
        # (a column scaled by 3) give the same matrix bit for bit, hence the same factors
        vals, vecs = np.linalg.eigh(np.round(np.swapaxes(Z, -1, -2) @ Z / (m - 1), 12))
        order = np.argsort(vals, axis=-1)[:, ::-1]
        vals = np.clip(np.take_along_axis(vals, order, axis=-1), 0.0, None)
        vecs = orient_components(np.take_along_axis(vecs, order[:, None, :], axis=-1))
        loadings = vecs * np.sqrt(vals)[:, None, :]
        info.update(cols=cols, eigenvalues=vals, loadings=loadings)
        if method == "first_component":
            sub = np.abs(vecs[:, :, 0])
        else:
            try:
                ks = kaiser_factors(vals, min_eigenvalue=min_eigenvalue, min_share=min_share,
                                    min_cumulative=min_cumulative, n_factors=n_factors)
            except BatchError as exc:
                raise BatchError(gs[0], str(exc)) from None
            sub = np.empty((len(gs), cols.size))
            for k in np.unique(ks):
                sel = np.flatnonzero(ks == k)
                rot = varimax_kernel(loadings[sel][:, :, :k])
                sq = rot ** 2
                ev = sq.sum(axis=-2)
                assign = np.argmax(sq, axis=-1)
                picked = np.take_along_axis(sq, assign[..., None], axis=-1)[..., 0]
                eva = np.take_along_axis(ev, assign, axis=-1)
                sub[sel] = picked / eva * (eva / ev.sum(axis=-1, keepdims=True))
                info.update(n_factors=int(k), rotated=rot, assignment=assign, factor_variance=ev)
        scores = np.zeros((len(gs), n))
        scores[:, cols] = sub
        out[gs] = scores
    w = normalise_weights(out, "pca")
    return (w, info) if details else w


def run_quietly(kernel, *args, **kwargs):
    """Call a kernel with numpy's divide/invalid warnings silenced (constant columns are handled)."""
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return kernel(*args, **kwargs)
