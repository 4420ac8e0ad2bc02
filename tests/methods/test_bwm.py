"""Best–Worst Method. Car example of Rezaei (2016), Omega 64:126–130, Tables 2–3 (the R package
``BWM`` test-example-data expects the same weights to 8 dp); thresholds of Liang, Brunelli &
Rezaei (2020), Omega 96:102175, Table 3."""

import numpy as np
import pytest

from toolkit.errors import DataError
from toolkit.methods.weighting.bwm import bwm, bwm_threshold

CARS = ["quality", "price", "comfort", "safety", "style"]


def test_rezaei2016_example1_consistent():
    r = bwm([2, 1, 4, 2, 8], [4, 8, 2, 4, 1], labels=CARS)
    np.testing.assert_allclose(r.weights.to_numpy(), np.array([8, 16, 4, 8, 2]) / 38, atol=1e-9)
    assert r.xi == pytest.approx(0, abs=1e-12)
    assert r.cr == 0 and r.consistent
    assert (r.best, r.worst) == ("price", "style")


def test_rezaei2016_example2_linear_model():
    r = bwm([2, 1, 4, 3, 8], [4, 8, 2, 3, 1], labels=CARS)
    # R BWM test: c(0.22950820, 0.44808743, 0.11475410, 0.15300546, 0.05464481); exact (42,82,21,28,10)/183
    np.testing.assert_allclose(r.weights.to_numpy(), [0.22950820, 0.44808743, 0.11475410, 0.15300546, 0.05464481],
                               atol=1e-8)
    assert r.xi == pytest.approx(2 / 183, abs=1e-10)  # ξᴸ = 0.0109 (Rezaei 2016)
    # input-based CR: |3·3 − 8| / (64 − 8) = 1/56, from safety; threshold (a_BW=8, n=5) = 0.2958
    assert r.cr == pytest.approx(1 / 56)
    assert r.cr_by_criterion.idxmax() == "safety"
    assert r.threshold == 0.2958 and r.consistent


def test_example3_inconsistent_points_at_comfort():
    # Rezaei 2016 Table 4 vectors; linear solution hand-derived by LP: (16,28,8,10,3)/65, ξᴸ = 4/65
    r = bwm([2, 1, 4, 3, 8], [4, 8, 4, 2, 1], labels=CARS)
    np.testing.assert_allclose(r.weights.to_numpy(), np.array([16, 28, 8, 10, 3]) / 65, atol=1e-9)
    assert r.xi == pytest.approx(4 / 65)
    assert r.cr == pytest.approx(8 / 56) and r.cr_by_criterion.idxmax() == "comfort"


def test_mapping_input_and_thresholds():
    r = bwm({"a": 1, "b": 3}, {"a": 3, "b": 1})
    assert r.weights.to_dict() == pytest.approx({"a": 0.75, "b": 0.25})
    assert bwm_threshold(9, 3) == 0.1359 and bwm_threshold(2, 9) == 0.0 and np.isnan(bwm_threshold(9, 12))


@pytest.mark.parametrize("aB, aW, match", [
    ([2, 1, 4], [2, 4, 1, 1], "different criteria|values for"),
    ([2, 1, 0.5], [2, 4, 1], "≥ 1"),
    ([2, 1, 4], [2, 3, 1], "a_BW is 4"),
    ([2, 2, 4], [2, 4, 1], "a_BB = 1"),
])
def test_bad_input_is_named(aB, aW, match):
    with pytest.raises(DataError, match=match):
        bwm(aB, aW, labels=["x", "y", "z"])


# -- the non-linear model (Rezaei 2015), issue 21 -------------------------------------------------
def _max_ratio_deviation(w, a, b, iB, iW):
    """The non-linear model's objective at w: max_j max(|w_B/w_j − a_Bj|, |w_j/w_W − a_jW|)."""
    return max(np.max(np.abs(w[iB] / w - a)), np.max(np.abs(w / w[iW] - b)))


def test_nonlinear_model_matches_the_jmcdm_example():
    """Rezaei (2015)'s non-linear model on best-to-others (8, 2, 1), others-to-worst (1, 5, 8):
    JMcDM's test suite (jbytecode/JMcDM, test/mcdm/testbestworst.jl, "Basic Example in the
    Original Paper") expects ξ* ≈ 0.26 and w ≈ (0.071, 0.338, 0.589) to 0.01."""
    r = bwm([8, 2, 1], [1, 5, 8], model="nonlinear")
    np.testing.assert_allclose(r.weights.to_numpy(), [0.071, 0.338, 0.589], atol=0.001)
    assert r.xi == pytest.approx(0.26, abs=0.005)
    assert r.model == "nonlinear" and r.best == "c2" and r.worst == "c0"
    # Rezaei's output-based ratio ξ*/CI with CI(a_BW = 8) = 4.47 (Rezaei 2015, Table 5)
    assert r.cr_output == pytest.approx(r.xi / 4.47)
    # the linear model gives other weights on the same judgements (the (0.0714, 0.3214, 0.6071))
    lin = bwm([8, 2, 1], [1, 5, 8])
    np.testing.assert_allclose(lin.weights.to_numpy(), [1 / 14, 9 / 28, 17 / 28], atol=1e-9)
    assert lin.model == "linear" and np.isnan(lin.cr_output)


def test_nonlinear_optimum_is_global_against_a_dense_simplex_grid():
    """Independent check: the objective evaluated on a 1/600 grid of the simplex never goes below
    ξ*, and the grid's best point is within the grid's resolution of it."""
    a, b = np.array([8.0, 2, 1]), np.array([1.0, 5, 8])
    r = bwm(a, b, model="nonlinear")
    step = 1 / 600
    g = np.arange(1, 600) * step
    w1, w2 = np.meshgrid(g, g, indexing="ij")
    w3 = 1 - w1 - w2
    ok = w3 > 0
    W = np.stack([w1[ok], w2[ok], w3[ok]])
    dev = np.maximum(np.abs(W[2] / W - a[:, None]).max(axis=0), np.abs(W / W[0] - b[:, None]).max(axis=0))
    assert dev.min() >= r.xi - 1e-9
    assert dev.min() - r.xi < 0.05
    assert _max_ratio_deviation(r.weights.to_numpy(), a, b, 2, 0) == pytest.approx(r.xi, abs=1e-5)


def test_nonlinear_consistent_judgements_give_xi_zero_and_the_linear_weights():
    r = bwm([2, 1, 4, 2, 8], [4, 8, 2, 4, 1], labels=CARS, model="nonlinear")
    np.testing.assert_allclose(r.weights.to_numpy(), np.array([8, 16, 4, 8, 2]) / 38, atol=1e-9)
    assert r.xi == 0 and r.cr_output == 0 and r.consistent


def test_nonlinear_five_criteria_against_slsqp_multistart():
    """Rezaei (2016) Table 4's inconsistent vectors: bisection's ξ* is no worse than SLSQP from
    50 random starts on the epigraph form (an independent solver)."""
    from scipy.optimize import minimize

    a, b = np.array([2.0, 1, 4, 3, 8]), np.array([4.0, 8, 4, 2, 1])
    r = bwm(a, b, labels=CARS, model="nonlinear")
    rng = np.random.default_rng(0)
    best = np.inf
    for _ in range(50):
        w0 = rng.dirichlet(np.ones(5))
        x0 = np.r_[w0, _max_ratio_deviation(w0, a, b, 1, 4)]
        cons = [{"type": "eq", "fun": lambda x: x[:5].sum() - 1}]
        for j in range(5):
            for s in (1, -1):
                cons.append({"type": "ineq", "fun": lambda x, j=j, s=s: x[5] * x[j] - s * (x[1] - a[j] * x[j])})
                cons.append({"type": "ineq", "fun": lambda x, j=j, s=s: x[5] * x[4] - s * (x[j] - b[j] * x[4])})
        res = minimize(lambda x: x[5], x0, constraints=cons, bounds=[(1e-6, 1)] * 5 + [(0, None)], method="SLSQP")
        if res.success:
            best = min(best, _max_ratio_deviation(res.x[:5] / res.x[:5].sum(), a, b, 1, 4))
    assert r.xi <= best + 1e-6
    assert _max_ratio_deviation(r.weights.to_numpy(), a, b, 1, 4) == pytest.approx(r.xi, abs=1e-5)
    assert r.cr_output == pytest.approx(r.xi / 4.47)


def test_unknown_model_is_refused():
    with pytest.raises(DataError, match="model must be one of"):
        bwm([8, 2, 1], [1, 5, 8], model="quadratic")


def test_a_spec_chooses_the_model():
    """HDI dimensions: best INCOME, worst HEALTH with the JMcDM vectors; the spec's `model`
    picks the weights the index uses (default linear)."""
    import toolkit as tk

    base = tk.load_spec("configs/hdi.yaml")
    choice = {"method": "bwm", "best_to_others": {"HDI": {"HEALTH": 8, "EDUCATION": 2, "INCOME": 1}},
              "others_to_worst": {"HDI": {"HEALTH": 1, "EDUCATION": 5, "INCOME": 8}}}
    from toolkit.index.steps import fixed_weights

    kids = ["HEALTH", "EDUCATION", "INCOME"]
    lin = fixed_weights(kids, "HDI", base.replace({"weights": {"index": choice}}).level_choice("weights", "index"),
                        base.framework)
    nl = fixed_weights(kids, "HDI", base.replace({"weights": {"index": {**choice, "model": "nonlinear"}}})
                       .level_choice("weights", "index"), base.framework)
    np.testing.assert_allclose(lin.to_numpy(), [1 / 14, 9 / 28, 17 / 28], atol=1e-9)
    np.testing.assert_allclose(nl.to_numpy(), [0.0714, 0.3387, 0.5899], atol=1e-4)
    with pytest.raises(tk.SpecError, match="model"):
        base.replace({"weights": {"index": {**choice, "model": "exact"}}})
