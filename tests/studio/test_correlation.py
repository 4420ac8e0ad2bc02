"""Spearman's ρ and Kendall's τ-b of the studio against ``scipy.stats`` (the oracle): the same floats
on random rankings of every size, with ties, reversed, constant and too short."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from toolkit.studio.correlation import average_ranks, inversions, kendall_tau_b, spearman


def pairs(n_cases=300, seed=0):
    rng = np.random.default_rng(seed)
    for s in range(n_cases):
        n = int(rng.integers(2, 60)) if s % 10 else int(rng.integers(500, 3000))
        x = rng.normal(size=n)
        y = x + rng.normal(scale=float(rng.choice([0.1, 1, 10])), size=n)
        if s % 3 == 1:                                     # ranks with ties, as rank_table gives them
            x, y = np.round(x * 2), np.round(y * 2)
        if s % 7 == 0:
            y = -y                                         # disagreeing rankings
        yield x, y


def test_the_same_floats_as_scipy():
    for x, y in pairs():
        assert spearman(x, y) == stats.spearmanr(x, y).statistic
        ref = stats.kendalltau(x, y).statistic
        assert kendall_tau_b(x, y) == ref or abs(kendall_tau_b(x, y) - ref) < 1e-15, (x, y)


def test_small_cases_by_hand():
    # x = (1, 2, 3), y = (1, 3, 2): one discordant pair of three, τ = (2 − 1)/3; ρ = 1 − 6·2/(3·8)
    assert kendall_tau_b([1, 2, 3], [1, 3, 2]) == pytest.approx(1 / 3)
    assert spearman([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5)
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0 and spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    for x, y in (([1.0], [2.0]), ([], []), ([1, 1, 1], [1, 2, 3]), ([1, 2, 3], [5, 5, 5])):
        assert np.isnan(spearman(x, y)) and np.isnan(kendall_tau_b(x, y))
    with pytest.warns(stats.ConstantInputWarning):
        assert np.isnan(stats.spearmanr([1, 1, 1], [1, 2, 3]).statistic)


def test_inversions_and_ranks_against_brute_force():
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 3, 5, 8, 17, 64, 100):
        y = rng.integers(0, max(n // 3, 1) + 1, n)
        assert inversions(y) == sum(int(y[i] > y[j]) for i in range(n) for j in range(i + 1, n))
        x = rng.integers(0, 5, n).astype(float)
        assert np.array_equal(average_ranks(x), stats.rankdata(x))
