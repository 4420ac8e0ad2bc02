"""Rank statistics over replications in which screening may drop units: a unit screened out
of a replication has no rank there (NaN), and every statistic says how it handles that."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["rank_statistics", "sobol_ranks"]

_CHUNK = 2**22  # ranks (4 Mi) summarised at a time


def rank_statistics(ranks: np.ndarray, nominal) -> tuple[pd.DataFrame, np.ndarray]:
    """Per-unit rank statistics and the per-replication mean absolute rank shift, with the
    missing ranks of screened-out units handled explicitly (module docstring).

    Parameters
    ----------
    ranks : ndarray (replications × units), int or float with NaN (no rank in that replication)
    nominal : Series (units), nullable integer: the nominal ranks (missing: the nominal
        screening drops the unit)

    Returns
    -------
    (DataFrame, ndarray)
        ``rank_stats`` (index = ``nominal.index``) and ``rank_shift`` (replications,).

    Examples
    --------
    Unit c is dropped in the second of two replications:

    >>> R = np.array([[1, 2, 3], [1, 2, np.nan]])
    >>> nominal = pd.Series([1, 2, 3], index=["a", "b", "c"], dtype="Int64")
    >>> stats, shift = rank_statistics(R, nominal)
    >>> stats["mean"].tolist(), stats["screened_out"].tolist(), shift.tolist()
    ([1.0, 2.0, 3.0], [0.0, 0.0, 0.5], [0.0, 0.0])
    """
    nom = nominal.to_numpy(dtype=float, na_value=np.nan)
    n, m = ranks.shape
    q, mean, per_unit, out = np.empty((3, m)), np.empty(m), np.empty(m), np.zeros(m)
    shift_sum, shift_count = np.zeros(n), np.zeros(n)
    step = max(1, _CHUNK // max(n, 1))  # columns at a time: the temporaries stay near 8 · _CHUNK bytes
    for c0 in range(0, m, step):
        cols = slice(c0, c0 + step)
        if np.issubdtype(ranks.dtype, np.integer) and not np.isnan(nom).any():
            R = ranks[:, cols]
            shift = np.abs(R - nom[cols].astype(np.int32)[None, :])
            q[:, cols] = np.quantile(R, [0.05, 0.5, 0.95], axis=0)
            mean[cols], per_unit[cols] = R.mean(axis=0), shift.mean(axis=0)
            shift_sum += shift.sum(axis=1)
            shift_count += shift.shape[1]
            continue
        R = ranks[:, cols].astype(float)
        shift = np.abs(R - nom[None, cols])  # NaN unless ranked in both
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a unit no replication ranks: NaN
            q[:, cols] = np.nanquantile(R, [0.05, 0.5, 0.95], axis=0)
            mean[cols], per_unit[cols] = np.nanmean(R, axis=0), np.nanmean(shift, axis=0)
        shift_sum += np.nansum(shift, axis=1)
        shift_count += (~np.isnan(shift)).sum(axis=1)
        out[cols] = np.isnan(R).mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rank_shift = shift_sum / shift_count  # NaN for a replication that ranks no nominal unit
    stats = pd.DataFrame({"nominal": nominal.to_numpy(), "median": q[1], "mean": mean, "p05": q[0], "p95": q[2],
                          "mean_abs_shift": per_unit, "screened_out": out, "nominal_kept": ~np.isnan(nom)},
                         index=nominal.index)
    if np.isnan(nom).any():
        stats["nominal"] = stats["nominal"].astype(nominal.dtype)  # missing: the nominal screening drops it
    return stats, rank_shift


def sobol_ranks(ranks: np.ndarray, units: pd.MultiIndex) -> np.ndarray:
    """Ranks for the Sobol indices: a screened-out unit (NaN) takes one past the last rank of
    its replication and year (m + 1 with m units ranked), so that every design point has an
    output (module docstring: why, and the references).

    Parameters
    ----------
    ranks : ndarray (replications × units), NaN where a unit is not ranked
    units : MultiIndex (unit_id, year) of the columns

    Returns
    -------
    ndarray (replications × units), float, finite

    Examples
    --------
    >>> units = pd.MultiIndex.from_tuples([("a", 1), ("b", 1), ("c", 1)], names=["unit_id", "year"])
    >>> sobol_ranks(np.array([[1, 2, 3], [2, 1, np.nan], [1, np.nan, np.nan]]), units).tolist()
    [[1.0, 2.0, 3.0], [2.0, 1.0, 3.0], [1.0, 2.0, 2.0]]
    """
    R = np.asarray(ranks, dtype=float).copy()
    years = units.get_level_values("year")
    for y in pd.unique(years):
        cols = np.flatnonzero(years == y)
        sub = R[:, cols]
        gone = np.isnan(sub)
        if gone.any():
            m = (~gone).sum(axis=1, keepdims=True)
            R[:, cols] = np.where(gone, m + 1.0, sub)
    return R
