"""Benefit of the Doubt. No small published table of BoD scores was found (Cherchye et al. 2007
apply it to the 23-country TAI), so the tests use (i) a hand-derived 4-unit example whose
frontier is w1 + w2/2 ≤ 1, w1/2 + w2 ≤ 1 (vertices (1,0), (2/3,2/3), (0,1)) and (ii) an
independent formulation: the dual (envelopment) DEA programme, solved separately."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from toolkit.errors import DataError, SpecError
from toolkit.methods.aggregation.bod import bod

X = pd.DataFrame({"x1": [1, 0.5, 0.6, 0.3], "x2": [0.5, 1, 0.6, 0.2]}, index=list("ABCD"))


def test_hand_derived_scores_and_weights():
    r = bod(X)
    np.testing.assert_allclose(r.scores.to_numpy(), [1, 1, 0.8, 1 / 3], atol=1e-9)
    np.testing.assert_allclose(r.weights.loc["C"].to_numpy(), [2 / 3, 2 / 3], atol=1e-9)
    np.testing.assert_allclose(r.weights.loc["D"].to_numpy(), [2 / 3, 2 / 3], atol=1e-9)
    np.testing.assert_allclose(r.shares.sum(axis=1).to_numpy(), 1.0)
    # every unit's own weights keep every unit at most 1
    assert (X.to_numpy() @ r.weights.to_numpy().T <= 1 + 1e-9).all()


def test_share_bounds_hand_derived():
    r = bod(X, lower=0.4, upper=0.6)
    np.testing.assert_allclose(r.scores.to_numpy(), [10 / 11, 10 / 11, 0.8, 1 / 3], atol=1e-9)
    np.testing.assert_allclose(r.weights.loc["A"].to_numpy(), [6 / 11, 8 / 11], atol=1e-9)
    assert (r.shares.to_numpy() >= 0.4 - 1e-9).all() and (r.shares.to_numpy() <= 0.6 + 1e-9).all()


def envelopment(Y, c):
    """Dual of the multiplier LP: min θ s.t. Σ_k λ_k y_kj ≥ y_cj, Σ λ_k ≤ θ (dummy input 1), λ ≥ 0."""
    m, n = Y.shape
    cost = np.r_[1.0, np.zeros(m)]
    A = np.vstack([np.c_[np.zeros(n), -Y.T], np.r_[-1.0, np.ones(m)][None, :]])
    b = np.r_[-Y[c], 0.0]
    return linprog(cost, A_ub=A, b_ub=b, bounds=[(0, None)] * (m + 1), method="highs").fun


def test_matches_independent_envelopment_form():
    rng = np.random.default_rng(3)
    Y = pd.DataFrame(rng.uniform(0.05, 1, (12, 4)), columns=list("abcd"))
    r = bod(Y)
    dual = [envelopment(Y.to_numpy(), c) for c in range(len(Y))]  # θ* = BoD score (LP duality)
    np.testing.assert_allclose(r.scores.to_numpy(), dual, rtol=1e-7)
    assert r.scores.max() == pytest.approx(1.0)
    # units invariance: rescaling an indicator leaves the scores unchanged
    np.testing.assert_allclose(bod(Y.assign(a=Y["a"] * 100)).scores.to_numpy(), r.scores.to_numpy(), rtol=1e-7)


def test_bad_input():
    with pytest.raises(DataError, match="unit 'B', indicator 'x1'"):
        bod(X.assign(x1=[1, -0.5, 0.6, 0.3]))
    with pytest.raises(DataError, match="0 for every unit"):
        bod(X.assign(x2=0.0))
    with pytest.raises(SpecError, match="sum to 1.2"):
        bod(X, lower=0.6)
