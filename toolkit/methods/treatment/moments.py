"""Skewness and kurtosis of indicators, and COINr's outlier rule on them (OECD/JRC step 3).

* :func:`skewness`, :func:`kurtosis` — bias-corrected G1 and excess G2 (COINr ``skew``/``kurt``,
  e1071 type 2, Excel ``SKEW``/``KURT``);
* :func:`column_skew_kurt` — both, for every column of a matrix, in one vectorised pass;
* :func:`skew_kurt`, :func:`flag_outliers` — the table per indicator and COINr's flag
  (``|skew| >= 2`` and ``kurt >= 3.5`` by default).

The treatment that acts on the flag (winsorising, log transforms) is
:mod:`toolkit.methods.treatment.outliers`, which re-exports these names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import as_matrix


def _row_moments(rows: np.ndarray):
    """Central moment ratios of each row of a 2-D array without NaN, in one vectorised pass
    (each row scaled by its largest deviation, to avoid overflow).

    Returns (g1, g2) arrays with g1 = m3/m2^1.5 and g2 = m4/m2^2 - 3, NaN where undefined
    (constant rows).
    """
    k, n = rows.shape
    g1, g2 = np.full(k, np.nan), np.full(k, np.nan)
    if n == 0:
        return g1, g2
    d = rows - rows.mean(axis=1, keepdims=True)
    scale = np.abs(d).max(axis=1)
    ok = scale > 0  # constant rows have no defined moments
    if not ok.any():
        return g1, g2
    d = d[ok] / scale[ok, None]
    d2 = d * d
    m2 = d2.mean(axis=1)
    m3 = np.einsum("ij,ij->i", d2, d) / n
    m4 = np.einsum("ij,ij->i", d2, d2) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        g1[ok] = np.where(m2 > 0, m3 / m2**1.5, np.nan)
        g2[ok] = np.where(m2 > 0, m4 / m2**2 - 3.0, np.nan)
    return g1, g2


def _corrected(n, g1, g2):
    """COINr's (e1071 type 2) bias corrections: G1 needs n >= 3, G2 n >= 4 (NaN otherwise)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sk = np.where(n >= 3, g1 * np.sqrt(n * (n - 1)) / (n - 2), np.nan)
        ku = np.where(n >= 4, ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)), np.nan)
    return sk, ku


def skew_kurt_1d(x: np.ndarray) -> tuple[float, float]:
    """(G1, G2) of observed values ``x`` (no NaN), both from one pass.

    Examples
    --------
    >>> [round(v, 4) for v in skew_kurt_1d(np.array([1.0, 2, 3, 10]))]  # scipy.stats.skew/kurtosis(bias=False)
    [1.7636, 3.228]
    """
    g1, g2 = _row_moments(x[None, :])
    sk, ku = _corrected(x.size, g1[0], g2[0])
    return float(sk), float(ku)


def column_skew_kurt(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed count, skewness G1 and excess kurtosis G2 of every column of a 2-D array,
    NaNs ignored: the columns without NaN in one vectorised pass, the others one by one.

    Examples
    --------
    >>> n, sk, ku = column_skew_kurt(np.array([[1.0, 1], [2, np.nan], [3, 1], [10, 1]]))  # scipy.stats.skew/kurtosis(bias=False) agree
    >>> n.tolist(), round(float(sk[0]), 4), round(float(ku[0]), 4), bool(np.isnan(sk[1]))
    ([4, 3], 1.7636, 3.228, True)
    """
    values = np.asarray(values, dtype=float)
    observed = ~np.isnan(values)
    n = observed.sum(axis=0)
    g1, g2 = np.full(values.shape[1], np.nan), np.full(values.shape[1], np.nan)
    full = n == values.shape[0]
    if full.any():
        g1[full], g2[full] = _row_moments(np.ascontiguousarray(values[:, full].T))
    for j in np.flatnonzero(~full):
        x = values[observed[:, j], j]
        g1[j], g2[j] = (v[0] for v in _row_moments(x[None, :]))
    sk, ku = _corrected(n, g1, g2)
    return n, sk, ku


def skewness(x) -> float:
    """Adjusted Fisher–Pearson skewness G1 of the non-NaN values (COINr ``skew``,
    e1071 type 2, Excel ``SKEW``, ``scipy.stats.skew(bias=False)``).

    ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with ``g1 = m3 / m2**1.5``. NaN if fewer than
    3 observed values or if the values are constant.
    """
    x = np.asarray(x, dtype=float)
    return skew_kurt_1d(x[~np.isnan(x)])[0]


def kurtosis(x) -> float:
    """Bias-corrected *excess* kurtosis G2 of the non-NaN values (COINr ``kurt``, e1071
    type 2, Excel ``KURT``, ``scipy.stats.kurtosis(fisher=True, bias=False)``).

    ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3))`` with ``g2 = m4 / m2**2 - 3``.
    NaN if fewer than 4 observed values or if the values are constant.
    """
    x = np.asarray(x, dtype=float)
    return skew_kurt_1d(x[~np.isnan(x)])[1]


def fails_rule(sk: float, ku: float, skew_thresh: float, kurt_thresh: float) -> bool:
    """COINr check_SkewKurt negated: fail iff |skew| >= t_s and kurt >= t_k (NaN → pass).

    Examples
    --------
    >>> fails_rule(2.0, 3.5, 2.0, 3.5), fails_rule(-2.5, 3.0, 2.0, 3.5), fails_rule(float("nan"), 9.0, 2.0, 3.5)
    (True, False, False)
    """
    if np.isnan(sk) or np.isnan(ku):
        return False
    return bool(abs(sk) >= skew_thresh and ku >= kurt_thresh)


def stat_reason(n: int, sk: float, ku: float, skew_thresh: float, kurt_thresh: float,
                constant: bool) -> str:
    """Why an indicator with these statistics is flagged or not, in plain words.

    Examples
    --------
    >>> stat_reason(10, 2.5, 4.0, 2.0, 3.5, False)
    '|skew| = 2.5 >= 2.0 and kurt = 4 >= 3.5'
    >>> stat_reason(3, float("nan"), float("nan"), 2.0, 3.5, False)
    'only 3 observed values: kurtosis needs n >= 4; not flagged'
    """
    if n == 0:
        return "all values missing: not assessed"
    if n < 3:
        return f"only {n} observed values: skew needs n >= 3, kurtosis n >= 4; not flagged"
    if n < 4:
        return "only 3 observed values: kurtosis needs n >= 4; not flagged"
    if constant:
        return "constant values: skew and kurtosis undefined; not flagged"
    if fails_rule(sk, ku, skew_thresh, kurt_thresh):
        return f"|skew| = {abs(sk):.4g} >= {skew_thresh} and kurt = {ku:.4g} >= {kurt_thresh}"
    if abs(sk) < skew_thresh:
        return f"passes: |skew| = {abs(sk):.4g} < {skew_thresh}"
    return f"passes: kurt = {ku:.4g} < {kurt_thresh}"


def skew_kurt(X, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> pd.DataFrame:
    """Skewness, excess kurtosis and the COINr outlier flag of every indicator.

    Parameters
    ----------
    X : DataFrame
        Units × indicators; NaNs are ignored (statistics use the observed values).
    skew_thresh, kurt_thresh : float
        Thresholds of the flag (see :func:`flag_outliers`).

    Returns
    -------
    DataFrame
        Index = indicator code; columns ``n`` (observed values), ``skew`` (G1, needs
        n >= 3), ``kurt`` (excess G2, needs n >= 4), ``flagged`` (bool) and ``reason``.
        Constant columns have undefined (NaN) skew and kurtosis and are not flagged;
        all-missing columns are not flagged, with the reason given.
    """
    X = as_matrix(X, allow_nan=True)
    values = X.to_numpy(dtype=float)
    ns, sks, kus = column_skew_kurt(values)
    recs = {}
    for j, col in enumerate(X.columns):
        n, sk, ku = int(ns[j]), float(sks[j]), float(kus[j])
        constant = n > 0 and np.nanmin(values[:, j]) == np.nanmax(values[:, j])
        recs[col] = {
            "n": n, "skew": sk, "kurt": ku,
            "flagged": fails_rule(sk, ku, skew_thresh, kurt_thresh),
            "reason": stat_reason(n, sk, ku, skew_thresh, kurt_thresh, constant),
        }
    table = pd.DataFrame.from_dict(recs, orient="index",
                                   columns=["n", "skew", "kurt", "flagged", "reason"])
    table.index.name = "indicator"
    return table.astype({"n": int, "skew": float, "kurt": float, "flagged": bool})


def flag_outliers(X, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> pd.Series:
    """Which indicators have outliers by COINr's skew/kurtosis rule.

    COINr ``check_SkewKurt`` *passes* an indicator when ``|skew| < skew_thresh`` OR
    ``kurt < kurt_thresh``. Flagged is its exact negation:

        flagged  ⇔  |skew| >= skew_thresh  AND  kurt >= kurt_thresh

    so a value lying exactly on a threshold counts as failing (as in ``Treat()``; COINr's
    descriptive ``get_stats`` uses strict ``>`` instead — the two differ only on the
    boundary). Kurtosis is *excess* kurtosis (normal = 0). An indicator with fewer than 4
    observed values, or constant values, is never flagged (statistics undefined).

    Returns
    -------
    Series of bool indexed by indicator code (name ``"flagged"``).
    """
    return skew_kurt(X, skew_thresh, kurt_thresh)["flagged"].rename("flagged")
