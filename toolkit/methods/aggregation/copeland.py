"""Copeland aggregation: pairwise outranking (COINr ``a_copeland`` / ``outrankMatrix``).

For units i ≠ j the outranking share is the weight of the indicators on which i beats j plus
half the weight of the ties, ``o_ij = Σ_k w_k [x_ik > x_jk] + ½ Σ_k w_k [x_ik = x_jk]``
(weights rescaled to sum 1; an indicator missing for either unit is skipped and the rest
rescaled), so ``o_ji = 1 − o_ij``. Copeland's score of i is its pairwise majority wins minus
losses, ``Σ_j sign(o_ij − ½)``. It is non-compensatory: only the direction of each difference
counts. Ties are compared with a tolerance of 1e-12 (COINr uses exact equality).

References
----------
Munda, G. & Nardo, M. (2009). Noncompensatory/nonlinear composite indicators for ranking
    countries: a defensible setting. *Applied Economics* 41(12), 1513–1523.
Becker, W. (2022). COINr: Composite Indicator Construction and Analysis, ``a_copeland``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataError
from ..checks import BatchError, as_matrix
from ..declared import Method

__all__ = ["copeland", "copeland_kernel", "outranking_kernel", "outranking_matrix"]

_TIE = 1e-12


def _weights(weights, columns) -> np.ndarray:
    if weights is None:
        return np.full(len(columns), 1.0 / len(columns))
    w = pd.Series(weights, dtype=float)
    missing = [c for c in columns if c not in w.index]
    if missing:
        raise DataError(f"copeland: no weight for indicator(s) {missing}")
    w = w.reindex(columns).to_numpy()
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise DataError(f"copeland: weights must be finite, non-negative and not all 0, got {w.tolist()}")
    return w / w.sum()


def outranking_kernel(C, W) -> np.ndarray:
    """Outranking matrices (G, m, m) of a stack C (G, m, k) with weights W (G, k): the one
    implementation of ``o_ij`` (missing values skipped pairwise, weights rescaled per pair).

    Examples
    --------
    >>> import numpy as np
    >>> outranking_kernel(np.array([[[1.0, 2.0], [2.0, 1.0]]]), np.array([[0.5, 0.5]]))[0].tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    C = np.asarray(C, dtype=float)
    W = np.asarray(W, dtype=float)
    G = max(C.shape[0], W.shape[0])
    m, k = C.shape[1], C.shape[2]
    out = np.empty((G, m, m))
    step = max(1, int(2e6 // max(m * m * k, 1)))
    for s in range(0, G, step):
        g = slice(s, min(G, s + step))
        Cg = C[g] if C.shape[0] > 1 else C[:1]
        Wg = W[g] if W.shape[0] > 1 else W[:1]
        d = Cg[:, :, None, :] - Cg[:, None, :, :]  # g, i, j, k
        valid = ~np.isnan(d)
        d = np.where(valid, d, 0.0)
        wv = np.where(valid, Wg[:, None, None, :], 0.0)
        tot = wv.sum(axis=-1)
        win = np.where(d > _TIE, wv, 0.0).sum(axis=-1) + 0.5 * np.where(np.abs(d) <= _TIE, wv, 0.0).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            o = np.where(tot > 0, win / np.where(tot > 0, tot, 1.0), 0.5)
        idx = np.arange(m)
        o[:, idx, idx] = 0.0
        out[g] = np.broadcast_to(o, (g.stop - g.start, m, m))
    return out


def copeland_kernel(C, W, *, excluded=None, index=None) -> np.ndarray:
    """Copeland scores (G, m) of a stack C (G, m, k) with weights W (G, k) — what :func:`copeland`
    runs on a batch of one and the Monte Carlo engine on many. ``excluded`` (G, k) children get
    weight 0.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[[1, 3, 2], [2, 2, 3], [3, 1, 1], [4, 5, 4]]], dtype=float)
    >>> copeland_kernel(X, np.ones((1, 3))).tolist()
    [[-1.0, 1.0, -3.0, 3.0]]
    """
    W = np.asarray(W, dtype=float)
    if excluded is not None:
        W = np.where(np.asarray(excluded, dtype=bool), 0.0, W)
    tot = W.sum(axis=-1, keepdims=True)
    bad = ~(np.isfinite(tot[:, 0]) & (tot[:, 0] > 0)) | (W < 0).any(axis=-1)
    if bad.any():
        raise BatchError(int(np.flatnonzero(bad)[0]), "copeland: weights must be non-negative and not all 0")
    o = outranking_kernel(C, W / tot)
    s = np.sign(np.where(np.abs(o - 0.5) <= _TIE, 0.0, o - 0.5))
    m = s.shape[1]
    s[:, np.arange(m), np.arange(m)] = 0.0
    return s.sum(axis=-1)


def outranking_matrix(X, weights=None) -> pd.DataFrame:
    """Weighted outranking matrix ``o_ij`` (units × units, diagonal 0).

    Parameters
    ----------
    X : DataFrame (units × indicators), higher = better; NaN allowed (skipped pairwise).
    weights : Series, optional
        Indicator weights (default equal).

    Returns
    -------
    DataFrame

    Examples
    --------
    COINr test suite (tests/testthat/test-aggregate.R):

    >>> import pandas as pd
    >>> X = pd.DataFrame({"x1": [1, 2, 3, 4], "x2": [3, 2, 1, 5], "x3": [2, 3, 1, 4]})
    >>> o = outranking_matrix(X)
    >>> [round(float(o.iloc[i, 0]), 4) for i in (1, 2, 3)]
    [0.6667, 0.3333, 1.0]
    """
    X = as_matrix(X, name="copeland", allow_nan=True, min_rows=2)
    w = _weights(weights, list(X.columns))
    o = outranking_kernel(X.to_numpy(dtype=float)[None], w[None])[0]
    return pd.DataFrame(o, index=X.index, columns=X.index)


def copeland(X, weights=None) -> pd.Series:
    """Copeland scores: pairwise majority wins minus losses (COINr ``a_copeland``).

    Parameters
    ----------
    X : DataFrame (units × indicators), higher = better.
    weights : Series, optional
        Indicator weights (default equal).

    Returns
    -------
    Series
        Integer-valued scores in [−(m−1), m−1], name ``"copeland"``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x1": [1, 2, 3, 4], "x2": [3, 2, 1, 5], "x3": [2, 3, 1, 4]})
    >>> copeland(X).tolist()
    [-1.0, 1.0, -3.0, 3.0]
    """
    X = as_matrix(X, name="copeland", allow_nan=True, min_rows=2)
    w = _weights(weights, list(X.columns))
    return pd.Series(copeland_kernel(X.to_numpy(dtype=float)[None], w[None])[0], index=X.index, name="copeland")


#: the registry entry (assembled by :data:`toolkit.methods.aggregation.aggregate.AGGREGATION`)
ENTRY = Method("copeland", "aggregation", copeland, copeland_kernel, label_en="Copeland", label_zh="Copeland 排序法",
               doc="pairwise outranking: majority wins minus losses (COINr a_copeland)",
               doc_zh="两两比较：多数胜场减负场（COINr a_copeland）")
