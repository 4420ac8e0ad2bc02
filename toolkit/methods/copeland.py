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

from ..errors import DataError
from .checks import as_matrix

__all__ = ["copeland", "outranking_matrix"]

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
    A = X.to_numpy(dtype=float)
    w = _weights(weights, list(X.columns))
    d = A[:, None, :] - A[None, :, :]  # i, j, k
    valid = ~np.isnan(d)
    d = np.where(valid, d, 0.0)
    wv = np.where(valid, w, 0.0)
    tot = wv.sum(axis=-1)
    win = np.where(d > _TIE, wv, 0.0).sum(axis=-1) + 0.5 * np.where(np.abs(d) <= _TIE, wv, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        o = np.where(tot > 0, win / np.where(tot > 0, tot, 1.0), 0.5)
    np.fill_diagonal(o, 0.0)
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
    frame = outranking_matrix(X, weights)
    o = frame.to_numpy()
    s = np.sign(np.where(np.abs(o - 0.5) <= _TIE, 0.0, o - 0.5))
    np.fill_diagonal(s, 0.0)
    return pd.Series(s.sum(axis=1), index=frame.index, name="copeland")
