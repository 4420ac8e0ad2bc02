"""Quantile classes in numpy: the bins and the class of each value exactly as ``mapclassify.Quantiles``.

mapclassify compiles several of its classifiers with numba when it is imported (seconds of CPU in
every process), and the toolkit only needs its quantile classes, which are a few lines: the upper
bounds are the percentiles 100/k, 200/k, …, 100 of the values (``scipy.stats.scoreatpercentile``'s
"fraction" interpolation, the formula repeated here to the bit), with repeated bounds collapsed (tied
values: fewer classes than ``k``); a value belongs to the first class whose bound it does not exceed.
``tests/dynamics/test_ergodic_classes.py`` compares both with mapclassify on random and real data.
"""

from __future__ import annotations

import numpy as np


def percentile_fraction(sorted_values: np.ndarray, per: float) -> float:
    """The ``per`` percentile of sorted values, interpolated between the two nearest ranks.

    As ``scipy.stats.scoreatpercentile(values, per)`` (``interpolation_method="fraction"``),
    written with the same arithmetic so that the result is the same float.

    Examples
    --------
    >>> percentile_fraction(np.arange(1000.0), 25.0)
    249.75
    """
    idx = per / 100.0 * (len(sorted_values) - 1)
    i = int(idx)
    if i == idx:
        return float(sorted_values[i])
    j = i + 1
    weights = np.array([(j - idx), (idx - i)], float)
    return float(np.add.reduce(sorted_values[i:i + 2] * weights) / weights.sum())


def quantile_bins(values, k: int = 4) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes (fewer when quantiles coincide), as mapclassify's ``quantile``.

    Examples
    --------
    >>> quantile_bins(np.arange(1000), k=4).tolist()
    [249.75, 499.5, 749.25, 999.0]
    >>> quantile_bins([1, 1, 1, 1, 2], k=4).tolist()     # tied values: two classes
    [1.0, 2.0]
    """
    y = np.sort(np.asarray(values).ravel())
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    if p[-1] > 100.0:
        p[-1] = 100.0
    return np.unique(np.array([percentile_fraction(y, pct) for pct in p]))


def bin_ids(values, bins) -> np.ndarray:
    """Class 0..len(bins)−1 of each value: the first bound it does not exceed (``mapclassify``'s
    ``bin1d``, which also gives 0 to a value above the last bound or NaN).

    Examples
    --------
    >>> bin_ids(np.array([0.0, 25, 26, 100, 101]), np.array([25.0, 74, 100])).tolist()
    [0, 0, 1, 2, 0]
    """
    x = np.asarray(values)
    ids = np.searchsorted(np.asarray(bins), x, side="left")
    return np.where((ids < len(bins)) & ~np.isnan(x), ids, 0)


class Quantiles:
    """Quantile classes of ``y``: ``bins`` (upper bounds) and ``yb`` (each value's class), as
    ``mapclassify.Quantiles(y, k)`` gives them.

    Examples
    --------
    >>> q = Quantiles(np.array([4.0, 1, 3, 2]), k=2)
    >>> q.bins.tolist(), q.yb.tolist()
    ([2.5, 4.0], [1, 0, 1, 0])
    """

    def __init__(self, y, k: int = 5):
        self.y = np.asarray(y).ravel()
        self.k = k
        self.bins = quantile_bins(self.y, k)
        self.yb = bin_ids(self.y, self.bins)
