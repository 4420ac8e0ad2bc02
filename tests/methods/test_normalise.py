"""Tests for toolkit.methods.normalisation.normalise: hand-derived values, COINr definitions, properties, peers."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from toolkit import normalise as N
from toolkit.errors import DataError, SpecError

X = pd.DataFrame(
    {"gdp": [10.0, 20.0, 40.0, 30.0], "pollution": [5.0, 1.0, 3.0, 2.0]},
    index=pd.Index(["jinan", "qingdao", "yantai", "weifang"], name="unit"),
)
DIRS = {"gdp": 1, "pollution": -1}


# ---------------------------------------------------------------------------- min-max family
def test_minmax_benefit_and_cost_hand_values():
    out = N.minmax(X, DIRS)
    assert list(out.index) == list(X.index) and list(out.columns) == list(X.columns)
    np.testing.assert_allclose(out["gdp"], [0.0, 1 / 3, 1.0, 2 / 3])
    # cost: (max − x)/(max − min) = (5 − x)/4
    np.testing.assert_allclose(out["pollution"], [0.0, 1.0, 0.5, 0.75])


def test_minmax_custom_range_and_words_for_directions():
    out = N.minmax(X, {"gdp": "benefit", "pollution": "cost"}, lower=1, upper=100)
    np.testing.assert_allclose(out["gdp"], [1.0, 34.0, 100.0, 67.0])
    np.testing.assert_allclose(out["pollution"], [1.0, 100.0, 50.5, 75.25])


def test_minmax_constant_column_gives_midpoint_with_warning():
    Y = X.assign(flat=7.0)
    with pytest.warns(UserWarning, match="flat"):
        out = N.minmax(Y, {**DIRS, "flat": 1}, lower=0, upper=100)
    assert (out["flat"] == 50.0).all()
    assert not out.isna().any().any()


def test_minmax_passes_nan_through_and_ignores_it_in_stats():
    Y = X.copy()
    Y.loc["yantai", "gdp"] = np.nan
    out = N.minmax(Y, DIRS)
    assert np.isnan(out.loc["yantai", "gdp"])
    np.testing.assert_allclose(out["gdp"].drop("yantai"), [0.0, 0.5, 1.0])  # max is now 30


def test_minmax_rejects_bad_range_and_missing_direction():
    with pytest.raises(SpecError, match="upper"):
        N.minmax(X, DIRS, lower=1, upper=1)
    with pytest.raises(DataError, match="pollution"):
        N.minmax(X, {"gdp": 1})


def test_distance_to_best_is_coinr_dist2max():
    # n_dist2max: 1 − (max − x)/(max − min)
    x = X["gdp"]
    expected = 1 - (x.max() - x) / (x.max() - x.min())
    pd.testing.assert_series_equal(N.distance_to_best(X, DIRS)["gdp"], expected, check_names=False)


# ---------------------------------------------------------------------------- z-score, ranks
def test_zscore_hand_values_and_cost_sign():
    out = N.zscore(X, DIRS)
    g = X["gdp"]
    np.testing.assert_allclose(out["gdp"], (g - 25.0) / g.std(ddof=1))
    p = X["pollution"]
    np.testing.assert_allclose(out["pollution"], -(p - p.mean()) / p.std(ddof=1))
    out100 = N.zscore(X, DIRS, mean=100, sd=10, ddof=0)
    np.testing.assert_allclose(out100["gdp"], 100 + 10 * (g - 25.0) / g.std(ddof=0))
    with pytest.warns(UserWarning, match="flat"):
        assert (N.zscore(X.assign(flat=2.0), {**DIRS, "flat": 1})["flat"] == 0).all()


def test_rank_average_ties_and_direction():
    Y = pd.DataFrame({"a": [3.0, 1.0, 3.0, 2.0], "c": [3.0, 1.0, 3.0, 2.0]})
    out = N.rank(Y, {"a": 1, "c": -1})
    np.testing.assert_allclose(out["a"], [3.5, 1.0, 3.5, 2.0])
    np.testing.assert_allclose(out["c"], [1.5, 4.0, 1.5, 3.0])


def test_percentile_rank_is_coinr_n_prank():
    # COINr n_prank: (rank(x, ties = "min") − 1)/(n_nonNA − 1)
    Y = pd.DataFrame({"a": [3.0, 1.0, 3.0, np.nan, 2.0]})
    np.testing.assert_allclose(N.percentile_rank(Y)["a"], [2 / 3, 0.0, 2 / 3, np.nan, 1 / 3])
    np.testing.assert_allclose(N.percentile_rank(Y, {"a": -1})["a"], [0.0, 1.0, 0.0, np.nan, 2 / 3])
    with pytest.raises(DataError, match="fewer than 2"):
        N.percentile_rank(pd.DataFrame({"a": [1.0, np.nan]}))


# ---------------------------------------------------------------------------- vector, sum, fractions
def test_vector_keeps_cost_by_default_and_can_reverse():
    out = N.vector(X, DIRS)
    np.testing.assert_allclose(out["gdp"], X["gdp"] / math.sqrt(100 + 400 + 1600 + 900))
    np.testing.assert_allclose(out["pollution"], X["pollution"] / math.sqrt(25 + 1 + 9 + 4))
    rev = N.vector(X, DIRS, reverse_cost=True)
    np.testing.assert_allclose(rev["pollution"], 1 - X["pollution"] / math.sqrt(39))
    with pytest.raises(DataError, match="zero"):
        N.vector(pd.DataFrame({"z": [0.0, 0.0]}))


def test_sum_share_benefit_and_cost_reciprocal():
    out = N.sum_share(X, DIRS)
    np.testing.assert_allclose(out["gdp"], [0.1, 0.2, 0.4, 0.3])
    inv = 1 / X["pollution"]
    np.testing.assert_allclose(out["pollution"], inv / inv.sum())
    with pytest.raises(DataError, match="unit 'b'"):
        N.sum_(pd.DataFrame({"a": [1.0, -1.0]}, index=["a", "b"]))


def test_fraction_of_max_benefit_and_cost():
    out = N.fraction_of_max(X, DIRS)
    np.testing.assert_allclose(out["gdp"], [0.25, 0.5, 1.0, 0.75])
    np.testing.assert_allclose(out["pollution"], [0.2, 1.0, 1 / 3, 0.5])


# ---------------------------------------------------------------------------- goalposts, targets
def test_goalposts_hdi_income_index_hdr2020_technical_notes():
    # UNDP HDR 2020 Technical notes, technical note 1 worked example (copy at
    # https://pdf4pro.com/download/technical-notes-united-nations-development-programme-79ae81.html):
    # "Income index = (ln(3,829) – ln(100))/(ln(75,000) – ln(100)) = 0.5506".
    out = N.goalposts(pd.DataFrame({"gni": [3829.0]}), 100, 75000, log=True)
    assert round(out.iloc[0, 0], 4) == 0.5506


def test_goalposts_life_expectancy_example_hdr2013():
    # hdr.undp.org/en/statistics/hdi (HDR 2013 goalposts 20–83.57): "the longevity component for
    # a country where life expectancy birth is 55 years would be 0.551".
    out = N.goalposts(pd.DataFrame({"le": [55.0]}), 20, 83.57)
    assert round(out.iloc[0, 0], 3) == 0.551


def test_goalposts_cap_cost_scale_and_per_indicator_log():
    Y = pd.DataFrame({"eys": [20.2, 9.0], "gni": [80000.0, 1000.0], "death": [2.0, 8.0]})
    out = N.goalposts(Y, lower={"eys": 0, "gni": 100, "death": 0},
                      upper={"eys": 18, "gni": 75000, "death": 10},
                      directions={"eys": 1, "gni": 1, "death": -1}, log={"gni": True}, scale=100)
    np.testing.assert_allclose(out["eys"], [100.0, 50.0])  # 20.2 capped at the 18-year post
    gni = (math.log(1000) - math.log(100)) / (math.log(75000) - math.log(100))
    np.testing.assert_allclose(out["gni"], [100.0, 100 * gni])
    np.testing.assert_allclose(out["death"], [80.0, 20.0])  # (U − x)/(U − L)
    raw = N.goalposts(Y[["eys"]], 0, 18, cap=False)
    np.testing.assert_allclose(raw["eys"], [20.2 / 18, 0.5])
    with pytest.raises(DataError, match="lower < upper"):
        N.goalposts(Y, 10, 5)
    with pytest.raises(DataError, match="'gni'"):
        N.goalposts(Y, lower={"eys": 0}, upper=10)


def test_distance_to_target_benefit_cost_and_cap():
    out = N.distance_to_target(X, {"gdp": 35.0, "pollution": 2.0}, DIRS)
    np.testing.assert_allclose(out["gdp"], [0.0, 0.4, 1.0, 0.8])  # (x − 10)/25, capped
    np.testing.assert_allclose(out["pollution"], [0.0, 1.0, 2 / 3, 1.0])  # (5 − x)/(5 − 2)
    raw = N.distance_to_target(X, {"gdp": 35.0, "pollution": 2.0}, DIRS, cap=False)
    assert raw.loc["yantai", "gdp"] == pytest.approx(30 / 25)
    with pytest.raises(DataError, match="'pollution'"):
        N.distance_to_target(X, {"gdp": 35.0, "pollution": 5.0}, DIRS)


def test_distance_to_reference_unit():
    out = N.distance_to_reference(X, "weifang", DIRS)
    np.testing.assert_allclose(out["gdp"], [0.0, 0.5, 1.5, 1.0])  # (x − 10)/(30 − 10)
    np.testing.assert_allclose(out["pollution"], [0.0, 4 / 3, 2 / 3, 1.0])  # (5 − x)/(5 − 2)
    capped = N.distance_to_reference(X, "weifang", DIRS, cap=True)
    assert capped.max().max() == 1.0
    with pytest.raises(DataError, match="worst"):
        N.distance_to_reference(X, "jinan", DIRS)
    with pytest.raises(DataError, match="not in X"):
        N.distance_to_reference(X, "beijing", DIRS)


# ---------------------------------------------------------------------------- registry, batch
def test_registry_and_dispatcher():
    assert set(N.NORMALISATION.names) >= {"minmax", "zscore", "rank", "percentile_rank", "vector", "sum",
                                  "goalposts", "distance_to_target", "distance_to_reference",
                                  "distance_to_best", "fraction_of_max"}
    pd.testing.assert_frame_equal(N.normalise(X, "minmax", DIRS, lower=1, upper=100),
                                  N.minmax(X, DIRS, 1, 100))
    pd.testing.assert_frame_equal(N.normalise(X, "goalposts", DIRS, lower=0, upper=50),
                                  N.goalposts(X, 0, 50, DIRS))
    with pytest.raises(SpecError, match="method must be one of .*got 'softmax'"):
        N.normalise(X, "softmax")


def test_kernels_work_on_a_3d_batch():
    rng = np.random.default_rng(1)
    batch = rng.lognormal(size=(5, 7, 3))
    d = np.array([1.0, -1.0, 1.0])
    cols = ["a", "b", "c"]
    dirs = dict(zip(cols, d, strict=True))
    cases = [
        (N.minmax_kernel(batch, d, 1, 100), lambda df: N.minmax(df, dirs, 1, 100)),
        (N.zscore_kernel(batch, d), lambda df: N.zscore(df, dirs)),
        (N.rank_kernel(batch, d), lambda df: N.rank(df, dirs)),
        (N.percentile_rank_kernel(batch, d), lambda df: N.percentile_rank(df, dirs)),
        (N.vector_kernel(batch, d, True), lambda df: N.vector(df, dirs, reverse_cost=True)),
        (N.sum_kernel(batch, d), lambda df: N.sum_(df, dirs)),
        (N.fraction_of_max_kernel(batch, d), lambda df: N.fraction_of_max(df, dirs)),
        (N.goalposts_kernel(batch, 0.1, 5.0, d, True, False, 1.0),
         lambda df: N.goalposts(df, 0.1, 5.0, dirs)),
    ]
    for got, wrapper in cases:
        assert got.shape == batch.shape
        for r in range(batch.shape[0]):
            want = wrapper(pd.DataFrame(batch[r], columns=cols)).to_numpy()
            np.testing.assert_allclose(got[r], want, rtol=1e-12)


# ---------------------------------------------------------------------------- properties
# distinct integers keep values apart, so transforms cannot merge two units by rounding
_cols = arrays(np.float64, st.integers(3, 12), elements=st.integers(-1000, 1000), unique=True)


@settings(max_examples=60, deadline=None)
@given(_cols, st.floats(0.01, 50), st.floats(-100, 100))
def test_minmax_and_rank_invariant_under_positive_affine_map(x, slope, shift):
    base, t = pd.DataFrame({"v": x}), pd.DataFrame({"v": slope * x + shift})
    np.testing.assert_allclose(N.minmax(t), N.minmax(base), atol=1e-9)
    pd.testing.assert_frame_equal(N.rank(t), N.rank(base))
    pd.testing.assert_frame_equal(N.percentile_rank(t), N.percentile_rank(base))


@settings(max_examples=60, deadline=None)
@given(_cols)
def test_rank_invariant_and_minmax_order_preserved_under_exp(x):
    base, t = pd.DataFrame({"v": x}), pd.DataFrame({"v": np.exp(x / 200.0)})
    pd.testing.assert_frame_equal(N.rank(t), N.rank(base))
    # min-max is only affine-invariant; under exp it keeps the order (and the end points)
    pd.testing.assert_frame_equal(N.rank(N.minmax(t)), N.rank(base))
    assert N.minmax(t)["v"].min() == 0.0 and N.minmax(t)["v"].max() == 1.0


@settings(max_examples=60, deadline=None)
@given(_cols)
def test_flipping_direction_reverses_order(x):
    df = pd.DataFrame({"v": x})
    up, down = N.minmax(df, {"v": 1})["v"], N.minmax(df, {"v": -1})["v"]
    np.testing.assert_allclose(up + down, 1.0, atol=1e-12)
    assert list(np.argsort(up.to_numpy(), kind="stable")) == list(
        np.argsort(-down.to_numpy(), kind="stable"))
    r_up, r_down = N.rank(df, {"v": 1})["v"], N.rank(df, {"v": -1})["v"]
    np.testing.assert_allclose(r_up + r_down, len(x) + 1)


@settings(max_examples=60, deadline=None)
@given(_cols, st.floats(-10, 10), st.floats(0.5, 100))
def test_benefit_values_stay_in_range(x, lower, width):
    df = pd.DataFrame({"v": x})
    out = N.minmax(df, lower=lower, upper=lower + width)["v"]
    assert out.min() == pytest.approx(lower) and out.max() == pytest.approx(lower + width)
    pr = N.percentile_rank(df)["v"]
    assert pr.min() == 0.0 and pr.max() == 1.0
    gp = N.goalposts(df, -500, 500)["v"]
    assert ((gp >= 0) & (gp <= 1)).all()


# ---------------------------------------------------------------------------- peer library
def test_minmax_matches_pyrepo_minmax_normalization():
    pyrepo = pytest.importorskip("pyrepo_mcda.normalizations")
    rng = np.random.default_rng(7)
    a = rng.uniform(1, 50, size=(9, 5))
    types = np.array([1, -1, 1, -1, 1])
    ours = N.minmax(pd.DataFrame(a), list(types)).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(ours, pyrepo.minmax_normalization(a, types), atol=1e-12)
        np.testing.assert_allclose(N.sum_(pd.DataFrame(a), list(types)).to_numpy(),
                                   pyrepo.sum_normalization(a, types), atol=1e-12)
        np.testing.assert_allclose(
            N.vector(pd.DataFrame(a), list(types), reverse_cost=True).to_numpy(),
            pyrepo.vector_normalization(a, types), atol=1e-12)
