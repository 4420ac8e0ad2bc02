"""Optimised weights (COINr get_opt_weights, balance objective). Hand-derived: for uncorrelated
components with standard deviations s_j under the arithmetic mean, corr(x_j, I) ∝ w_j s_j, so
equal influence needs w ∝ 1/s_j; a target share t needs w ∝ t_j/s_j."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import SpecError
from toolkit.methods.weighting.optimal_weights import optimal_weights


def test_equal_influence_weights_inverse_sd():
    C = pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [2.0, 2, -2, -2], "c": [3.0, -3, -3, 3]})
    r = optimal_weights(C)
    np.testing.assert_allclose(r.weights.to_numpy(), np.array([6, 3, 2]) / 11, atol=1e-5)
    np.testing.assert_allclose(r.importance["share_after"].to_numpy(), 1 / 3, atol=1e-5)
    # before: equal weights, correlations ∝ s_j → shares (1, 2, 3)/6
    np.testing.assert_allclose(r.importance["share_before"].to_numpy(), np.array([1, 2, 3]) / 6, atol=1e-9)


def test_target_shares():
    C = pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [2.0, 2, -2, -2]})
    r = optimal_weights(C, target={"a": 3, "b": 1})
    # w ∝ t/s = (0.75, 0.125) → (6/7, 1/7)
    np.testing.assert_allclose(r.weights.to_numpy(), [6 / 7, 1 / 7], atol=1e-5)
    assert r.importance["target"].tolist() == [0.75, 0.25]


def test_custom_index_function_and_infomax():
    C = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5]})
    r = optimal_weights(C, index_fn=lambda w: C @ w)
    assert r.weights.sum() == pytest.approx(1) and (r.weights >= 0).all()
    i = optimal_weights(C, objective="infomax")
    assert i.importance["corr_after"].sum() >= i.importance["corr_before"].sum() - 1e-9
    with pytest.raises(SpecError, match="objective"):
        optimal_weights(C, objective="max")
