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


# -- share bounds checked block by block (issue 21) ----------------------------------------------
HDI_SPEC = "configs/hdi.yaml"


def test_upper_bound_on_a_one_child_block_is_refused_at_spec_load():
    """The issue's example: {lower: .05, upper: .6} at the HDI's dimension level. HEALTH and
    INCOME have one child, whose share is 1 > 0.6: no weights can meet the bound (they used to
    score 0 for every country, silently)."""
    import toolkit as tk

    with pytest.raises(SpecError, match=r"parent HEALTH\).*cannot be met by 1 child"):
        tk.load_spec(HDI_SPEC).replace({"aggregation": {"dimension": {"method": "bod",
                                                                       "params": {"lower": 0.05, "upper": 0.6}}}})


def test_upper_bound_below_one_over_k_is_refused_at_spec_load():
    """{upper: .3} over the HDI's three dimensions: 3 × 0.3 = 0.9 < 1 (the HDI used to be 0 for all)."""
    import toolkit as tk

    with pytest.raises(SpecError, match=r"parent HDI\).*3 × 0.3 = 0.9 < 1.*at least 0.3333"):
        tk.load_spec(HDI_SPEC).replace({"aggregation": {"index": {"method": "bod", "params": {"upper": 0.3}}}})
    with pytest.raises(SpecError, match=r"3 × 0.4 = 1.2 > 1"):
        tk.load_spec(HDI_SPEC).replace({"aggregation": {"index": {"method": "bod", "params": {"lower": 0.4}}}})
    # a per-node mapping is checked node by node: EDUCATION has two children, 2 × 0.5 = 1 is feasible
    spec = tk.load_spec(HDI_SPEC).replace({"aggregation": {"dimension": {
        "method": "arithmetic", "overrides": {"EDUCATION": {"method": "bod", "params": {"upper": 0.5}}}}}})
    assert spec["aggregation"]["dimension"]["overrides"]["EDUCATION"]["params"]["upper"] == 0.5
    with pytest.raises(SpecError, match=r"parent EDUCATION\).*2 × 0.4 = 0.8 < 1"):
        spec.replace({"aggregation": {"dimension": {"overrides": {"EDUCATION": {"method": "bod", "params": {"upper": 0.4}}}}}})


def test_bounds_exactly_met_are_feasible():
    """k·lower = 1 = k·upper leaves equal shares only: w_j y_cj equal for every child — by
    hand, for A = (1, .5): w = (t, 2t), and the frontier w1/2 + w2 ≤ 1 at B binds first
    (B = (.5, 1): t/2 + 2t = 1 → t = 0.4), so the score is 2 × 0.4 = 0.8."""
    from toolkit.methods.aggregation.bod import bod_kernel, bod_scores

    s = bod_scores(X, lower=0.5, upper=0.5)
    assert s["A"] == pytest.approx(0.8)
    assert s["B"] == pytest.approx(0.8)
    np.testing.assert_allclose(bod_kernel(X.to_numpy()[None], lower=0.5, upper=0.5)[0], s.to_numpy())


def test_kernel_and_aggregator_refuse_bounds_no_weights_meet():
    from toolkit.methods.aggregation.bod import bod_kernel, bod_scores
    from toolkit.methods.checks import BatchError

    with pytest.raises(SpecError, match="2 × 0.3 = 0.6 < 1"):
        bod_scores(X, upper=0.3)
    with pytest.raises(BatchError, match="cannot be met by 1 child"):
        bod_kernel(X.to_numpy()[None], upper=0.6, excluded=np.array([[True, False]]))
    with pytest.raises(SpecError, match="must be in"):
        bod_scores(X, lower=1.5)
    with pytest.raises(SpecError, match="exceeds upper"):
        bod_scores(X, lower=0.6, upper=0.5)
    with pytest.raises(SpecError, match="upper share bounds sum to 0.9"):
        bod(X, upper=[0.3, 0.6])
    # a child with no upper bound may take the whole share: no error
    assert bod(X, upper={"x1": 0.3}).scores.notna().all()


def test_excluded_mask_drops_the_excluded_children_only():
    """Dropping x2 leaves BoD on x1 alone: score = x1 / max(x1) (hand-derived)."""
    from toolkit.methods.aggregation.bod import bod_kernel

    C = X.to_numpy()[None]
    got = bod_kernel(C, excluded=np.array([[False, True]]))[0]
    np.testing.assert_allclose(got, X["x1"] / X["x1"].max())
    got = bod_kernel(np.repeat(C, 2, axis=0), np.ones((2, 2)), excluded=np.array([[True, False], [False, False]]))
    np.testing.assert_allclose(got[0], X["x2"] / X["x2"].max())
    np.testing.assert_allclose(got[1], [1, 1, 0.8, 1 / 3])


def test_lower_bound_with_a_zero_child_warns_and_scores_zero():
    """min–max to [0, 1] gives each indicator's worst unit a 0: under a positive lower bound
    that unit's 0 child has share 0 < lower whatever the weights, so it scores 0."""
    from toolkit.methods.aggregation.bod import BoDZeroShareWarning, bod_kernel

    Y = (X - X.min()) / (X.max() - X.min())  # D is the worst on both: (0, 0); C = (3/7, 1/2)
    Y.loc["E"] = [0.0, 1.0]  # E: best on x2, a 0 on x1
    with pytest.warns(BoDZeroShareWarning, match="2 unit"):
        got = bod_kernel(Y.to_numpy()[None], lower=0.1)[0]
    assert got[3] == 0 and got[4] == 0
    assert (got[:3] > 0.5).all()
    # without the bound E is on the frontier
    assert bod_kernel(Y.to_numpy()[None])[0][4] == pytest.approx(1.0)
