"""SMAA-2 (Lahdelma & Salminen 2001): closed-form cases (hand-derived) and a brute-force check
that loops over the same weight draws one by one."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import SpecError
from toolkit.robustness.smaa import meta_weights, sample_weights, smaa


def test_two_units_closed_form():
    # A = (1, 0), B = (0.4, 0.8), w = (t, 1 − t): A first iff t > 4/7 → b_A^1 = 3/7,
    # w_A^c = ((1 + 4/7)/2, ·) = (11/14, 3/14); w_B^c = (2/7, 5/7)
    X = pd.DataFrame({"c1": [1, 0.4], "c2": [0, 0.8]}, index=["A", "B"])
    r = smaa(X, n=200_000, seed=1)
    assert r.rank_acceptability.loc["A", 1] == pytest.approx(3 / 7, abs=0.005)
    np.testing.assert_allclose(r.central_weights.loc["A"].to_numpy(), [11 / 14, 3 / 14], atol=0.005)
    np.testing.assert_allclose(r.central_weights.loc["B"].to_numpy(), [2 / 7, 5 / 7], atol=0.005)
    assert r.holistic["A"] == r.rank_acceptability.loc["A", 1]  # m = 2: α = (1, 0)


def test_identity_closed_form():
    # X = I (3 × 3): b_i^r = 1/3; w_i^c has E[max of Dirichlet(1,1,1)] = 11/18 on i, 7/36 elsewhere
    X = pd.DataFrame(np.eye(3), index=list("abc"), columns=list("xyz"))
    r = smaa(X, n=200_000, seed=2)
    np.testing.assert_allclose(r.rank_acceptability.to_numpy(), 1 / 3, atol=0.005)
    np.testing.assert_allclose(np.diag(r.central_weights.to_numpy()), 11 / 18, atol=0.005)
    assert r.central_weights.loc["a", "y"] == pytest.approx(7 / 36, abs=0.005)


def test_against_brute_force_loop():
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.uniform(size=(6, 4)), columns=list("pqrs"))
    r = smaa(X, n=3000, seed=3, batch_size=700)
    b = np.zeros((6, 6))
    cw = np.zeros((6, 4))
    for w in r.weights:
        u = X.to_numpy() @ w
        for i in range(6):
            rank = 1 + sum(u[k] > u[i] for k in range(6) if k != i)
            b[i, rank - 1] += 1
            if rank == 1:
                cw[i] += w
    np.testing.assert_allclose(r.rank_acceptability.to_numpy(), b / 3000)
    firsts = b[:, 0]
    ok = firsts > 0
    np.testing.assert_allclose(r.central_weights.to_numpy()[ok], cw[ok] / firsts[ok, None])
    np.testing.assert_allclose(r.holistic.to_numpy(), (b / 3000) @ meta_weights(6))


def test_sampling_moments_bounds_and_near():
    W = sample_weights(list("abc"), n=100_000, seed=0)
    assert W.var(axis=0) == pytest.approx([2 / 36] * 3, abs=0.002)  # Beta(1, 2): (n−1)/(n²(n+1))
    B = sample_weights(list("abc"), n=5000, seed=0, bounds={"a": (0.2, 0.5)})
    assert B[:, 0].min() >= 0.2 and B[:, 0].max() <= 0.5
    N = sample_weights(list("abc"), n=20000, seed=0, near=[0.6, 0.3, 0.1], concentration=200)
    np.testing.assert_allclose(N.mean(axis=0), [0.6, 0.3, 0.1], atol=0.005)
    with pytest.raises(SpecError, match="no weights"):
        sample_weights(list("abc"), bounds={"a": (0.6, 1), "b": (0.6, 1)})
    assert meta_weights(4, "centroid")[0] == 1.0
