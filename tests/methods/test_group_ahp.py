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


# -- the aggregated matrix is gated too (issue 21) -------------------------------------------------
CYCLE3 = [[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]]  # a > b > c > a, by 3
CYCLE3_REVERSED = [[1, 1 / 3, 3], [3, 1, 1 / 3], [1 / 3, 3, 1]]
CYCLE5 = [[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]]


def test_group_cr_hand_derived():
    """A circulant 3×3 matrix with off-diagonals g, 1/g has λmax = 1 + g + 1/g. AIJ of the
    3-cycle and the 5-cycle is the √15-cycle: CR = (√15 + 1/√15 − 2)/2 / 0.58 (Saaty's RI)."""
    r = group_ahp({"e1": CYCLE3, "e2": CYCLE5}, labels=list("abc"))
    g = np.sqrt(15)
    assert r.group_cr == pytest.approx((1 + g + 1 / g - 3) / 2 / 0.58)
    assert not r.group_consistent and r.inconsistent == ["e1", "e2"]
    # opposite cycles cancel: both experts inconsistent, the group matrix all ones (CR 0)
    r = group_ahp({"e1": CYCLE3, "e2": CYCLE3_REVERSED}, labels=list("abc"))
    assert r.group_cr == pytest.approx(0, abs=1e-12) and r.group_consistent
    np.testing.assert_allclose(r.weights.to_numpy(), 1 / 3)
    # AIP builds no group matrix
    assert group_ahp({"e1": CYCLE3, "e2": CYCLE5}, labels=list("abc"), aggregation="aip_geometric").group_consistent


def _weights(matrices, **extra):
    from toolkit.methods.registry import WEIGHTING

    choice = {"method": "group_ahp", "matrices": {"P": matrices}, **extra}
    return WEIGHTING["group_ahp"].function(list("abc"), "P", choice, None)


def test_the_spec_path_names_the_group_matrix_cr():
    from toolkit.methods.weighting.subjective import InconsistentJudgementError

    with pytest.raises(InconsistentJudgementError, match=r"aggregated \(AIJ\) matrix has CR 1.837"):
        _weights({"e1": CYCLE3, "e2": CYCLE5})
    with pytest.raises(InconsistentJudgementError, match="inconsistent expert matrices") as exc:
        _weights({"e1": CYCLE3, "e2": CYCLE3_REVERSED})
    assert "aggregated" not in str(exc.value)  # the group matrix is consistent here
    w = _weights({"e1": CYCLE3, "e2": CYCLE5}, allow_inconsistent=True)
    assert w == pytest.approx(dict.fromkeys("abc", 1 / 3))
