"""Tests for toolkit.methods.diagnose: obstacle degree and coupling coordination, hand-derived."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from toolkit import diagnose as D
from toolkit.errors import DataError

XN = pd.DataFrame({"x1": [0.2, 1.0, 0.0, 0.6], "x2": [0.5, 1.0, 0.0, 0.6], "x3": [1.0, 1.0, 0.0, 0.6]},
                  index=["A", "B", "C", "E"])
WN = pd.Series({"x1": 0.5, "x2": 0.3, "x3": 0.2})


# ---------------------------------------------------------------------------- obstacle degree
def test_obstacle_degree_hand_example():
    obs = D.obstacle_degree(XN, WN)
    # unit A: F·I = (0.5·0.8, 0.3·0.5, 0.2·0) = (0.40, 0.15, 0) → sum 0.55
    np.testing.assert_allclose(obs.loc["A"], [100 * 0.40 / 0.55, 100 * 0.15 / 0.55, 0.0])
    # unit B is best everywhere: no obstacle at all (defined as zeros, never NaN)
    np.testing.assert_array_equal(obs.loc["B"], [0.0, 0.0, 0.0])
    # units C and E deviate equally on every indicator: obstacles are the weights in percent
    np.testing.assert_allclose(obs.loc["C"], [50.0, 30.0, 20.0])
    np.testing.assert_allclose(obs.loc["E"], [50.0, 30.0, 20.0])
    np.testing.assert_allclose(obs.drop(index="B").sum(axis=1), 100.0)
    assert not obs.isna().any().any()
    # weights need not sum to one
    pd.testing.assert_frame_equal(D.obstacle_degree(XN, WN * 10), obs)


def test_obstacle_degree_dimension_level_and_top_k():
    dims = D.obstacle_degree(XN, WN, groups={"x1": "L1", "x2": "L2", "x3": "L1"})
    assert list(dims.columns) == ["L1", "L2"]
    np.testing.assert_allclose(dims.loc["A"], [100 * 0.40 / 0.55, 100 * 0.15 / 0.55])
    np.testing.assert_allclose(dims.loc["C"], [70.0, 30.0])
    top = D.top_obstacles(D.obstacle_degree(XN, WN), k=2)
    assert list(top.columns) == ["unit", "rank", "indicator", "obstacle_degree"]
    a_rows = top[top["unit"] == "A"]
    assert list(a_rows["indicator"]) == ["x1", "x2"] and list(a_rows["rank"]) == [1, 2]
    np.testing.assert_allclose(a_rows["obstacle_degree"], [400 / 5.5, 150 / 5.5])
    assert len(top) == 2 * len(XN)
    assert len(D.top_obstacles(D.obstacle_degree(XN, WN), k=10)) == 3 * len(XN)


def test_obstacle_degree_validates_range_groups_and_weights():
    bad = XN.copy()
    bad.loc["C", "x2"] = 1.2
    with pytest.raises(DataError, match="unit 'C', indicator 'x2'"):
        D.obstacle_degree(bad, WN)
    with pytest.raises(DataError, match="x3"):
        D.obstacle_degree(XN, WN, groups={"x1": "L1", "x2": "L2"})
    with pytest.raises(DataError, match="x3"):
        D.obstacle_degree(XN, {"x1": 1, "x2": 1})
    nan = XN.copy()
    nan.loc["A", "x1"] = np.nan
    with pytest.raises(DataError, match="missing"):
        D.obstacle_degree(nan, WN)
    with pytest.raises(DataError, match="k must"):
        D.top_obstacles(D.obstacle_degree(XN, WN), k=0)


# ---------------------------------------------------------------------------- coupling coordination
def test_coupling_two_subsystems_hand_values():
    out = D.coupling_coordination(pd.DataFrame({"U1": [0.4], "U2": [0.6]}))
    c = 2 * math.sqrt(0.4 * 0.6) / (0.4 + 0.6)  # = 0.979796
    t = 0.5 * 0.4 + 0.5 * 0.6
    d = math.sqrt(c * t)  # = 0.699927, inside (0.6, 0.7]
    assert out["C"].iloc[0] == pytest.approx(c, abs=1e-12)
    assert out["T"].iloc[0] == pytest.approx(t, abs=1e-12)
    assert out["D"].iloc[0] == pytest.approx(d, abs=1e-12)
    assert round(d, 4) == 0.6999
    assert out["grade"].iloc[0] == 7
    assert out["grade_zh"].iloc[0] == "初级协调"
    assert out["grade_en"].iloc[0] == "primary coordination"
    assert out["stage_zh"].iloc[0] == "高水平耦合"


def test_coupling_three_subsystems_and_beta_weights():
    U = pd.DataFrame({"L1": [0.3, 0.8], "L2": [0.5, 0.8], "L3": [0.9, 0.8]})
    beta = {"L1": 0.5, "L2": 0.25, "L3": 0.25}
    out = D.coupling_coordination(U, beta)
    u = (0.3, 0.5, 0.9)
    c = 3 * (u[0] * u[1] * u[2] / sum(u) ** 3) ** (1 / 3)
    t = 0.5 * 0.3 + 0.25 * 0.5 + 0.25 * 0.9
    assert out["C"].iloc[0] == pytest.approx(c, abs=1e-12)
    assert out["T"].iloc[0] == pytest.approx(t, abs=1e-12)
    assert out["D"].iloc[0] == pytest.approx(math.sqrt(c * t), abs=1e-12)
    # equal subsystems are perfectly coupled: C = 1, D = √T
    assert out["C"].iloc[1] == pytest.approx(1.0)
    assert out["D"].iloc[1] == pytest.approx(math.sqrt(0.8))


def test_coordination_grade_boundaries_are_upper_closed():
    # equal U = D² gives C = 1, T = D²: put D exactly on each boundary and just above it
    names_zh = ["极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调",
                "勉强协调", "初级协调", "中级协调", "良好协调", "优质协调"]
    on = np.round(np.arange(1, 11) / 10, 10)
    above = on[:-1] + 0.005
    U = pd.DataFrame({"a": np.r_[on, above, 0.0] ** 2, "b": np.r_[on, above, 0.0] ** 2})
    out = D.coupling_coordination(U)
    assert list(out["grade_zh"].iloc[:10]) == names_zh  # (0.6, 0.7] → 初级协调 etc.
    assert list(out["grade"].iloc[10:19]) == list(range(2, 11))
    # all-zero unit: C defined as 0 (0/0), so D = 0, graded in the first interval
    last = out.iloc[-1]
    assert (last["C"], last["D"], last["grade_zh"]) == (0.0, 0.0, "极度失调")
    assert last["stage_en"] == "low-level coupling"
    assert D.COORDINATION_GRADES[-1][2] == "high-quality coordination"
    assert D.COORDINATION_GRADES[0][2] == "extreme imbalance"


def test_coupling_stage_bands():
    U = pd.DataFrame({"a": [0.01, 0.05, 0.1, 0.4], "b": [0.99, 0.95, 0.9, 0.6]})
    out = D.coupling_coordination(U)
    c = [2 * math.sqrt(a * b) for a, b in zip(U["a"], U["b"], strict=True)]  # Σ U = 1
    np.testing.assert_allclose(out["C"], c)  # 0.199, 0.436, 0.6, 0.980
    assert list(out["stage_zh"]) == ["低水平耦合", "拮抗阶段", "磨合阶段", "高水平耦合"]


def test_coupling_validation():
    with pytest.raises(DataError, match="subsystem 'b'"):
        D.coupling_coordination(pd.DataFrame({"a": [0.5], "b": [1.5]}))
    with pytest.raises(DataError, match="at least 2"):
        D.coupling_coordination(pd.DataFrame({"a": [0.5]}))
    with pytest.raises(DataError, match="missing"):
        D.coupling_coordination(pd.DataFrame({"a": [0.5], "b": [np.nan]}))


def test_lagging_subsystem():
    U = pd.DataFrame({"L1": [0.4, 0.5, 0.7], "L2": [0.6, 0.55, 0.7], "L3": [0.5, 0.52, 0.7]},
                     index=["p", "q", "r"])
    out = D.lagging_subsystem(U)
    assert list(out["lagging"]) == ["L1", "L1", "L1"]
    assert list(out["leading"]) == ["L2", "L2", "L1"]
    np.testing.assert_allclose(out["gap"], [0.2, 0.05, 0.0])
    assert list(out["is_lagging"]) == [True, False, False]
    assert not D.lagging_subsystem(pd.DataFrame({"a": [0.5], "b": [0.6]}))["is_lagging"].iloc[0]


# ---------------------------------------------------------------------------- batch + properties
def test_kernels_on_a_3d_batch():
    rng = np.random.default_rng(5)
    u = rng.uniform(size=(4, 6, 3))
    c, t, d = D._coupling_array(u, np.ones(3))
    o = D._obstacle_array(u, np.array([0.2, 0.3, 0.5]))
    for r in range(4):
        df = pd.DataFrame(u[r], columns=["a", "b", "c"])
        ref = D.coupling_coordination(df)
        np.testing.assert_allclose(c[r], ref["C"])
        np.testing.assert_allclose(d[r], ref["D"])
        np.testing.assert_allclose(o[r], D.obstacle_degree(df, [0.2, 0.3, 0.5]))


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, (6, 3), elements=st.floats(0, 1)))
def test_coupling_and_obstacle_ranges(u):
    out = D.coupling_coordination(pd.DataFrame(u, columns=list("abc")))
    for col in ("C", "T", "D"):
        assert ((out[col] >= 0) & (out[col] <= 1 + 1e-12)).all()
    assert (out["D"] <= np.sqrt(out["T"]) + 1e-12).all()  # C ≤ 1 (AM–GM)
    obs = D.obstacle_degree(pd.DataFrame(u, columns=list("abc")), [1, 2, 3])
    sums = obs.sum(axis=1).to_numpy()
    best = (u == 1).all(axis=1)
    np.testing.assert_allclose(sums[~best], 100.0)
    np.testing.assert_allclose(sums[best], 0.0)
