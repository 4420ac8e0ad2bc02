"""Ordinary least squares with the standard errors the convergence tests report.

The same arithmetic as statsmodels' ``OLS(y, X).fit()`` (its SVD pseudo-inverse, ``scale`` =
SSR/(n − k), Student-t p-values) and ``fit(cov_type="cluster")`` (CRV1 with the small-sample
factor G/(G − 1)·(n − 1)/(n − k), normal p-values), written with numpy because
:mod:`toolkit.dynamics.convergence` runs in every index of several years: importing statsmodels
(with ``scipy.stats`` and patsy) costs about a second of CPU per process, for a handful of
products. ``tests/dynamics/test_inequality_convergence.py`` holds every number to statsmodels'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, stdtr

__all__ = ["OLSFit", "add_constant", "ols"]


@dataclass(frozen=True)
class OLSFit:
    """A least-squares fit: ``params``, ``bse``, ``tvalues``, ``pvalues`` (one per column of X),
    ``ssr``, ``df_resid``, ``rsquared`` (centred), and with clusters ``bse_cluster`` and
    ``pvalues_cluster`` (else None).

    Examples
    --------
    >>> sorted(OLSFit.__dataclass_fields__)[:4]
    ['bse', 'bse_cluster', 'df_resid', 'params']
    """
    params: np.ndarray
    bse: np.ndarray
    tvalues: np.ndarray
    pvalues: np.ndarray
    ssr: float
    df_resid: float
    rsquared: float
    bse_cluster: np.ndarray | None = None
    pvalues_cluster: np.ndarray | None = None


def add_constant(x) -> np.ndarray:
    """``x`` (one regressor or several columns) with a column of ones in front.

    Examples
    --------
    >>> add_constant([2.0, 3.0]).tolist()
    [[1.0, 2.0], [1.0, 3.0]]
    """
    x = np.asarray(x, float)
    x = x[:, None] if x.ndim == 1 else x
    return np.column_stack([np.ones(len(x)), x])


def pinv(x: np.ndarray, rcond: float = 1e-15) -> np.ndarray:
    """The Moore–Penrose pseudo-inverse by SVD, singular values below ``rcond`` × the largest set
    to zero (statsmodels' ``pinv_extended``)."""
    u, s, vt = np.linalg.svd(x, False)
    inv = np.where(s > rcond * np.max(s), 1.0 / np.where(s > 0, s, 1.0), 0.0)
    return np.dot(np.transpose(vt), np.multiply(inv[:, np.newaxis], np.transpose(u)))


def ols(y, X, clusters=None) -> OLSFit:
    """Least squares of ``y`` on the columns of ``X`` (add the constant with :func:`add_constant`).

    Parameters
    ----------
    y : array-like, (n,)
    X : array-like, (n, k)
    clusters : array-like, (n,), optional
        A cluster label per observation, for cluster-robust standard errors.

    Returns
    -------
    OLSFit

    Examples
    --------
    >>> fit = ols([1.0, 3.0, 2.0, 4.0], add_constant([0.0, 1.0, 2.0, 3.0]))
    >>> fit.params.round(4).tolist(), fit.bse.round(4).tolist(), float(round(fit.rsquared, 4))
    ([1.3, 0.8], [0.7937, 0.4243], 0.64)
    """
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    P = pinv(X)
    xxi = np.dot(P, np.transpose(P))                      # (X'X)⁻¹
    params = np.dot(P, y)
    resid = y - np.dot(X, params)
    ssr = float(np.dot(resid, resid))
    df_resid = float(len(y) - np.linalg.matrix_rank(X))
    centred = y - y.mean()
    with np.errstate(divide="ignore", invalid="ignore"):   # an exact fit or a constant y: inf and NaN, as statsmodels
        bse = np.sqrt(np.diag(xxi * (np.float64(ssr) / df_resid)))
        t = params / bse
        rsquared = float(1 - np.float64(ssr) / np.dot(centred, centred))
    fit = {"params": params, "bse": bse, "tvalues": t, "pvalues": 2 * stdtr(df_resid, -np.abs(t)), "ssr": ssr,
           "df_resid": df_resid, "rsquared": rsquared}
    if clusters is not None:
        labels, group = np.unique(np.asarray(clusters), return_inverse=True)
        xu = X * resid[:, None]
        sums = np.array([np.bincount(group.ravel(), weights=xu[:, j]) for j in range(X.shape[1])]).T
        n, k = xu.shape
        g = len(labels)
        cov = np.dot(np.dot(xxi, np.dot(sums.T, sums)), xxi.T) * (g / (g - 1.0) * ((n - 1.0) / float(n - k)))
        fit["bse_cluster"] = np.sqrt(np.diag(cov))
        with np.errstate(divide="ignore", invalid="ignore"):
            fit["pvalues_cluster"] = 2 * ndtr(-np.abs(params / fit["bse_cluster"]))
    return OLSFit(**fit)
