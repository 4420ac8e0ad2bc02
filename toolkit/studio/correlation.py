"""Spearman's ρ and Kendall's τ-b of two rankings in numpy, as ``scipy.stats`` computes them.

The studio compares the nominal and the current ranking on every change, and this comparison was
the only reason its kernel imported ``scipy.stats`` (about 1 s of CPU in every kernel: each
visitor's Voilà page starts one). ρ is Pearson's r of the average ranks (``np.corrcoef``, as
``scipy.stats.spearmanr``); τ-b counts concordant minus discordant pairs with ties in either
ranking left out (Kendall 1945), from integers counted as ``scipy.stats.kendalltau`` counts them:
the discordant pairs by a merge count of inversions, O(n log n). ``tests/studio/test_correlation.py``
checks both against scipy on random rankings with and without ties.
"""

from __future__ import annotations

import numpy as np


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, tied values sharing the mean of their ranks (``rankdata(method="average")``).

    Examples
    --------
    >>> average_ranks(np.array([10.0, 30, 20, 30])).tolist()
    [1.0, 3.5, 2.0, 3.5]
    """
    x = np.asarray(x)
    sorter = np.argsort(x, kind="mergesort")
    inv = np.empty(len(x), np.intp)
    inv[sorter] = np.arange(len(x))
    s = x[sorter]
    obs = np.r_[True, s[1:] != s[:-1]]
    dense = obs.cumsum()[inv]
    count = np.r_[np.nonzero(obs)[0], len(obs)]
    return 0.5 * (count[dense] + count[dense - 1] + 1)


def spearman(x, y) -> float:
    """Spearman's ρ; NaN for fewer than two values or a constant ranking.

    Examples
    --------
    >>> round(spearman([1, 2, 3], [1, 3, 2]), 3)
    0.5
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) <= 1 or (x == x[0]).all() or (y == y[0]).all() or np.isnan(x).any() or np.isnan(y).any():
        return float("nan")
    return float(np.corrcoef(np.column_stack((average_ranks(x), average_ranks(y))), rowvar=False)[1, 0])


def inversions(y: np.ndarray) -> int:
    """Pairs i < j with y_i > y_j, for integers y ≥ 0: bottom-up merges, one ``np.sort`` per level.

    Examples
    --------
    >>> inversions(np.array([3, 1, 2, 2, 0]))
    7
    """
    y = np.asarray(y, np.int64)
    n = len(y)
    span = int(y.max()) + 1 if n else 1
    pos = np.arange(n)
    s = y.copy()                    # sorted within each block of width w
    total = 0
    w = 1
    while w < n:
        pair = pos // (2 * w)
        right = (pos // w) % 2 == 1
        keys = pair * span + s      # ordered by pair, then value: the left blocks are one sorted array
        left = keys[~right]
        start = np.searchsorted(left, pair[right] * span, side="left")
        not_greater = np.searchsorted(left, keys[right], side="right") - start
        total += int((w - not_greater).sum())   # a left block beside a right one is always full
        s = np.sort(keys) - pair * span
        w *= 2
    return total


def tie_pairs(dense: np.ndarray) -> np.int64:
    """Pairs sharing a value, from dense ranks 1..k."""
    cnt = np.bincount(dense).astype("int64", copy=False)
    cnt = cnt[cnt > 1]
    return (cnt * (cnt - 1) // 2).sum()


def kendall_tau_b(x, y) -> float:
    """Kendall's τ-b; NaN when either ranking is constant (or is empty, or holds a NaN).

    Examples
    --------
    >>> round(kendall_tau_b([1, 2, 3], [1, 3, 2]), 3)
    0.333
    """
    x, y = np.asarray(x, float).ravel(), np.asarray(y, float).ravel()
    if not x.size or np.isnan(x).any() or np.isnan(y).any():
        return float("nan")
    size = x.size
    perm = np.argsort(y)                                   # y to dense ranks
    x, y = x[perm], y[perm]
    y = np.r_[True, y[1:] != y[:-1]].cumsum(dtype=np.intp)
    perm = np.argsort(x, kind="mergesort")                 # stable on x: ties in x keep y ascending
    x, y = x[perm], y[perm]
    x = np.r_[True, x[1:] != x[:-1]].cumsum(dtype=np.intp)
    dis = inversions(y)
    obs = np.r_[True, (x[1:] != x[:-1]) | (y[1:] != y[:-1]), True]
    cnt = np.diff(np.nonzero(obs)[0]).astype("int64", copy=False)
    ntie = (cnt * (cnt - 1) // 2).sum()                    # tied in both
    xtie, ytie = tie_pairs(x), tie_pairs(y)
    tot = (size * (size - 1)) // 2
    if xtie == tot or ytie == tot:
        return float("nan")
    con_minus_dis = tot - xtie - ytie + ntie - 2 * dis
    tau = con_minus_dis / np.sqrt(tot - xtie) / np.sqrt(tot - ytie)
    return float(np.minimum(1.0, max(-1.0, tau)))
