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
