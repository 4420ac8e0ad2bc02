"""Tests for toolkit.methods.treatment.treat: imputation and COINr-style outlier treatment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst
from hypothesis.extra import numpy as hnp

from toolkit import treat as T
from toolkit.errors import DataError, SpecError
from toolkit.methods.imputation.impute import check_observed_unchanged

# ----------------------------------------------------------------------------------------
# skewness / kurtosis
# ----------------------------------------------------------------------------------------


def test_skew_kurt_hand_computed():
    # x = [1, 2, 3, 10]: mean 4, deviations -3, -2, -1, 6
    # m2 = 50/4 = 12.5, m3 = 180/4 = 45, m4 = 1394/4 = 348.5
    x = [1.0, 2.0, 3.0, 10.0]
    g1 = 45 / 12.5**1.5
    G1 = g1 * math.sqrt(4 * 3) / 2
    g2 = 348.5 / 12.5**2 - 3  # = -0.7696
    G2 = ((4 + 1) * g2 + 6) * (4 - 1) / ((4 - 2) * (4 - 3))  # = 3.228
    assert G2 == pytest.approx(3.228, abs=1e-12)
    assert T.skewness(x) == pytest.approx(G1, rel=1e-12)
    assert T.skewness(x) == pytest.approx(1.7636, abs=1e-4)
    assert T.kurtosis(x) == pytest.approx(3.228, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_skew_kurt_match_scipy_bias_corrected(seed):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=25 + seed)
    x[[2, 7]] = np.nan
    obs = x[~np.isnan(x)]
    table = T.skew_kurt(pd.DataFrame({"a": x}))
    assert table.loc["a", "n"] == obs.size
    assert table.loc["a", "skew"] == pytest.approx(st.skew(obs, bias=False), rel=1e-10)
    assert table.loc["a", "kurt"] == pytest.approx(
        st.kurtosis(obs, fisher=True, bias=False), rel=1e-10)
    # and pandas' (also bias-corrected, NaN-skipping) estimators
    assert table.loc["a", "skew"] == pytest.approx(pd.Series(x).skew(), rel=1e-10)
    assert table.loc["a", "kurt"] == pytest.approx(pd.Series(x).kurt(), rel=1e-10)


def test_skew_kurt_guards():
    X = pd.DataFrame({
        "empty": [np.nan] * 5,
        "two": [1.0, 5.0, np.nan, np.nan, np.nan],
        "three": [1.0, 2.0, 30.0, np.nan, np.nan],
        "const": [4.0] * 5,
        "ok": [1.0, 2.0, 3.0, 4.0, 50.0],
    })
    t = T.skew_kurt(X)
    assert list(t["n"]) == [0, 2, 3, 5, 5]
    assert np.isnan(t.loc["empty", "skew"]) and np.isnan(t.loc["empty", "kurt"])
    assert np.isnan(t.loc["two", "skew"])
    # n = 3: skew defined, kurtosis not
    assert t.loc["three", "skew"] == pytest.approx(st.skew([1, 2, 30.0], bias=False))
    assert np.isnan(t.loc["three", "kurt"])
    assert np.isnan(t.loc["const", "skew"]) and np.isnan(t.loc["const", "kurt"])
    assert not t.loc[["empty", "two", "three", "const"], "flagged"].any()
    assert "all values missing" in t.loc["empty", "reason"]
    assert "kurtosis needs n >= 4" in t.loc["three", "reason"]
    assert "constant" in t.loc["const", "reason"]
    # ok: skew 2.2295, kurt 4.9781 → flagged with default thresholds
    assert t.loc["ok", "skew"] == pytest.approx(st.skew([1, 2, 3, 4, 50.0], bias=False))
    assert bool(t.loc["ok", "flagged"]) is True


def test_flag_rule_needs_both_and_boundary_is_inclusive():
    x = np.r_[np.arange(1.0, 20.0), 100.0]
    sk, ku = T.skewness(x), T.kurtosis(x)
    X = pd.DataFrame({"a": x})
    assert sk > 2 and ku > 3.5
    assert T.flag_outliers(X)["a"]
    # exactly on both thresholds → fails COINr's pass test (|skew| < t OR kurt < t)
    assert T.flag_outliers(X, skew_thresh=abs(sk), kurt_thresh=ku)["a"]
    # just above either threshold → passes
    assert not T.flag_outliers(X, skew_thresh=abs(sk) * (1 + 1e-9), kurt_thresh=ku)["a"]
    assert not T.flag_outliers(X, skew_thresh=abs(sk), kurt_thresh=ku * (1 + 1e-9))["a"]
    # high skew but low kurtosis is not flagged (AND rule)
    assert not T.flag_outliers(X, kurt_thresh=100)["a"]
    flags = T.flag_outliers(X)
    assert flags.dtype == bool and flags.name == "flagged"


# ----------------------------------------------------------------------------------------
# outlier treatment
# ----------------------------------------------------------------------------------------


def test_single_huge_outlier_winsorised_once():
    x = np.r_[np.arange(1.0, 20.0), 100.0]
    units = [f"u{i}" for i in range(20)]
    X = pd.DataFrame({"a": x, "b": np.linspace(0, 1, 20)}, index=units)
    res = T.treat_outliers(X)
    assert len(res.log) == 1
    row = res.log.iloc[0]
    assert (row["unit"], row["indicator"], row["old"], row["new"], row["action"]) == (
        "u19", "a", 100.0, 19.0, "winhi")
    # the outlier takes the next-highest value; everything else untouched
    expected = x.copy()
    expected[-1] = 19.0
    np.testing.assert_array_equal(res.data["a"].to_numpy(), expected)
    pd.testing.assert_series_equal(res.data["b"], X["b"])
    # independent re-check of the result with scipy
    after = res.data["a"].to_numpy()
    assert abs(st.skew(after, bias=False)) < 2 or st.kurtosis(after, bias=False) < 3.5
    d = res.details.loc["a"]
    assert d["n_winsorised"] == 1 and d["action"] == "winsorise"
    assert d["flagged_before"] and not d["flagged_after"]
    assert d["skew_after"] == pytest.approx(st.skew(after, bias=False))
    assert res.details.loc["b", "action"] == "none"


def test_negative_skew_winsorises_minimum():
    x = -np.r_[np.arange(1.0, 20.0), 100.0]
    res = T.treat_outliers(pd.DataFrame({"a": x}))
    assert len(res.log) == 1
    row = res.log.iloc[0]
    assert (row["unit"], row["old"], row["new"], row["action"]) == (19, -100.0, -19.0, "winlo")
    assert res.data["a"].min() == -19.0


def test_tied_maxima_are_winsorised_together():
    x = np.r_[np.arange(1.0, 30.0), 500.0, 500.0]
    res = T.treat_outliers(pd.DataFrame({"a": x}))
    assert res.details.loc["a", "n_winsorised"] == 2
    assert sorted(res.log["unit"]) == [29, 30]
    assert (res.log["new"] == 29.0).all()


def test_more_than_winmax_gets_log_ct_of_original():
    # 10 % of the points form a far cluster: winsorising 5 of them cannot fix the skew
    x = np.r_[np.arange(1.0, 91.0), np.arange(1000.0, 1100.0, 10.0)]
    X = pd.DataFrame({"a": x})
    # first stage alone: 5 points, still failing
    only_win = T.treat_outliers(X, log_transform="none")
    assert only_win.details.loc["a", "n_winsorised"] == 5
    assert only_win.details.loc["a", "flagged_after"]
    assert set(only_win.log["action"]) == {"winhi"}
    # full procedure: log_CT applied to the ORIGINAL vector, winsorisation discarded
    res = T.treat_outliers(X)
    expected = np.log(x - x.min() + 0.01 * (x.max() - x.min()))
    np.testing.assert_allclose(res.data["a"].to_numpy(), expected, rtol=0, atol=1e-12)
    assert res.details.loc["a", "action"] == "log_CT"
    assert len(res.log) == x.size and set(res.log["action"]) == {"log"}
    np.testing.assert_array_equal(res.log["old"].to_numpy(), x)
    assert res.details.loc["a", "skew_after"] == pytest.approx(st.skew(expected, bias=False))
    # log_CT_orig option
    res2 = T.treat_outliers(X, log_transform="log_CT_orig")
    np.testing.assert_allclose(res2.data["a"].to_numpy(), np.log(x - x.min() + 1), atol=1e-12)
    assert res2.details.loc["a", "action"] == "log_CT_orig"


def test_winmax_zero_goes_straight_to_log():
    x = np.r_[np.arange(1.0, 20.0), 100.0]
    res = T.treat_outliers(pd.DataFrame({"a": x}), winmax=0)
    np.testing.assert_allclose(res.data["a"], np.log(x - 1 + 0.01 * 99), atol=1e-12)


def test_nan_passed_through_and_ignored():
    x = np.r_[np.arange(1.0, 20.0), 100.0, np.nan]
    X = pd.DataFrame({"a": x}, index=list("abcdefghijklmnopqrstu"))
    res = T.treat_outliers(X)
    assert np.isnan(res.data.loc["u", "a"])
    assert res.data.loc["t", "a"] == 19.0
    assert res.details.loc["a", "n"] == 20


def test_skip_and_force():
    x = np.r_[np.arange(1.0, 20.0), 100.0]
    X = pd.DataFrame({"a": x, "b": np.arange(1.0, 21.0)})
    res = T.treat_outliers(X, skip="a")
    pd.testing.assert_frame_equal(res.data, X)
    assert res.details.loc["a", "action"] == "skipped" and res.log.empty
    # force on a passing, symmetric indicator: step 1 skew = 0 → top (20 → 19);
    # the vector is then left-skewed, so step 2 lifts the bottom (1 → 2)
    assert st.skew(np.r_[np.arange(1.0, 20.0), 19.0], bias=False) < 0
    res = T.treat_outliers(X, force=["b"], skip="a", winmax=2)
    expected = np.arange(1.0, 21.0)
    expected[-1], expected[0] = 19.0, 2.0
    np.testing.assert_array_equal(res.data["b"].to_numpy(), expected)
    assert dict(zip(res.log["old"], res.log["action"], strict=True)) == {20.0: "winhi",
                                                                         1.0: "winlo"}
    assert res.details.loc["b", "forced"] and res.details.loc["b", "n_winsorised"] == 2
    with pytest.raises(DataError, match="both"):
        T.treat_outliers(X, force="a", skip="a")
    with pytest.raises(DataError, match="zz"):
        T.treat_outliers(X, skip=["zz"])
    with pytest.raises(SpecError):
        T.treat_outliers(X, log_transform="boxcox")
    with pytest.raises(SpecError):
        T.treat_outliers(X, winmax=-1)


# ----------------------------------------------------------------------------------------
# imputation
# ----------------------------------------------------------------------------------------


@pytest.fixture
def X_missing():
    return pd.DataFrame(
        {"x1": [1.0, np.nan, 3.0, 10.0, np.nan, 6.0],
         "x2": [2.0, 4.0, np.nan, 8.0, 10.0, 12.0]},
        index=["A", "B", "C", "D", "E", "F"],
    )


def test_impute_none(X_missing):
    res = T.impute(X_missing, "none")
    pd.testing.assert_frame_equal(res.data, X_missing)
    assert res.log.empty and list(res.log.columns) == ["unit", "indicator", "old", "new",
                                                       "method", "reason"]


def test_impute_mean_and_median(X_missing):
    res = T.impute(X_missing, "mean")
    assert res.data.loc["B", "x1"] == 5.0 and res.data.loc["E", "x1"] == 5.0  # (1+3+10+6)/4
    assert res.data.loc["C", "x2"] == 7.2  # 36/5
    assert len(res.log) == 3
    assert set(zip(res.log["unit"], res.log["indicator"], strict=True)) == {
        ("B", "x1"), ("E", "x1"), ("C", "x2")}
    assert res.log["old"].isna().all()
    res = T.impute(X_missing, "median")
    assert res.data.loc["B", "x1"] == 4.5  # median of 1, 3, 6, 10
    assert res.data.loc["C", "x2"] == 8.0


def test_impute_group_mean_median_and_fallback(X_missing):
    groups = pd.Series({"A": "g1", "B": "g1", "C": "g1", "D": "g2", "E": "g2", "F": "g3"})
    res = T.impute(X_missing, "group_mean", groups=groups)
    assert res.data.loc["B", "x1"] == 2.0  # mean(1, 3) in g1
    assert res.data.loc["E", "x1"] == 10.0  # only D observed in g2
    assert res.data.loc["C", "x2"] == 3.0  # mean(2, 4) in g1
    res = T.impute(X_missing, "group_median", groups=groups)
    assert res.data.loc["B", "x1"] == 2.0
    # a group with no observed value falls back to the column statistic, and says so
    groups2 = pd.Series({"A": "g1", "B": "g2", "C": "g1", "D": "g1", "E": "g2", "F": "g1"})
    res = T.impute(X_missing, "group_mean", groups=groups2)
    assert res.data.loc["B", "x1"] == 5.0 and res.data.loc["E", "x1"] == 5.0
    fb = res.log[res.log["indicator"] == "x1"]
    assert list(fb["method"]) == ["mean", "mean"]
    assert fb["reason"].str.startswith("fallback").all()
    assert res.log.set_index("indicator").loc["x2", "method"] == "group_mean"
    res = T.impute(X_missing, "group_median", groups=groups2)
    assert res.data.loc["B", "x1"] == 4.5
    assert set(res.log.loc[res.log["indicator"] == "x1", "method"]) == {"median"}
    # positional labels work too
    res = T.impute_group_mean(X_missing, ["g1", "g1", "g1", "g2", "g2", "g3"])
    assert res.data.loc["B", "x1"] == 2.0


def test_group_errors(X_missing):
    with pytest.raises(DataError, match="'F'"):
        T.impute(X_missing, "group_mean", groups=pd.Series({"A": 1, "B": 1, "C": 1, "D": 2,
                                                            "E": 2}))
    with pytest.raises(DataError, match="missing group label"):
        T.impute(X_missing, "group_mean",
                 groups=pd.Series([1, 1, None, 2, 2, 2], index=X_missing.index))
    with pytest.raises(DataError, match="needs `groups`"):
        T.impute(X_missing, "group_median")
    with pytest.raises(SpecError):
        T.impute(X_missing, "mean", groups=pd.Series(1, index=X_missing.index))
    with pytest.raises(SpecError, match="unknown method"):
        T.impute(X_missing, "hotdeck")


@pytest.mark.parametrize("method", ["mean", "median", "group_mean", "group_median", "knn",
                                    "iterative", "ffill", "linear"])
def test_all_missing_column_raises_naming_it(method):
    idx = pd.MultiIndex.from_product([["a", "b"], [2020, 2021]], names=["unit_id", "year"])
    X = pd.DataFrame({"ok": [1.0, np.nan, 3.0, 4.0], "dead": [np.nan] * 4}, index=idx)
    kw = {"groups": pd.Series([1, 1, 2, 2], index=idx)} if method.startswith("group") else {}
    with pytest.raises(DataError, match="'dead'"):
        T.impute(X, method, **kw)


def test_knn_standardisation_decides_neighbours():
    # receiver u3: raw distance is dominated by the large-scale p (nearest u2, r = 30);
    # on standardised columns q matters too (nearest u1, r = 20)
    X = pd.DataFrame({"p": [0.0, 60.0, 45.0, 50.0], "q": [0.0, 1.0, 0.0, 1.0],
                      "r": [10.0, 20.0, 30.0, np.nan]}, index=["u0", "u1", "u2", "u3"])
    assert T.impute_knn(X, n_neighbors=1).data.loc["u3", "r"] == pytest.approx(20.0)
    assert T.impute_knn(X, n_neighbors=1, standardise=False).data.loc["u3", "r"] == 30.0
    # back-transform: 2-NN mean of 20 and 30 → 25 on the original scale
    assert T.impute(X, "knn", n_neighbors=2).data.loc["u3", "r"] == pytest.approx(25.0)


@pytest.mark.parametrize("method", ["knn", "iterative"])
def test_model_imputers_deterministic_and_only_fill_nan(method):
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(30, 4)) * [1, 10, 100, 1000], columns=list("abcd"))
    X.iloc[[1, 5, 9], 0] = np.nan
    X.iloc[[2, 5], 2] = np.nan
    X.iloc[[7], 3] = np.nan
    r1 = T.impute(X, method)
    r2 = T.impute(X, method)
    pd.testing.assert_frame_equal(r1.data, r2.data)
    pd.testing.assert_frame_equal(r1.log, r2.log)
    obs = X.notna()
    pd.testing.assert_frame_equal(r1.data[obs], X[obs])
    assert not r1.data.isna().any().any()
    assert len(r1.log) == int(X.isna().sum().sum())
    changed = (r1.data != X) & obs
    assert not changed.any().any()


def test_iterative_recovers_linear_relation():
    a = np.arange(1.0, 31.0)
    X = pd.DataFrame({"a": a, "b": 2 * a + 1})
    X.loc[[4, 17], "b"] = np.nan
    res = T.impute_iterative(X)
    assert res.data.loc[4, "b"] == pytest.approx(11.0, rel=1e-3)
    assert res.data.loc[17, "b"] == pytest.approx(37.0, rel=1e-3)


def test_check_observed_unchanged_guard():
    before = pd.DataFrame({"a": [1.0, np.nan]}, index=["u", "v"])
    after = pd.DataFrame({"a": [1.5, 2.0]}, index=["u", "v"])
    with pytest.raises(RuntimeError, match="'u'.*'a'"):
        check_observed_unchanged(before, after, "test")


# ----------------------------------------------------------------------------------------
# panel imputation
# ----------------------------------------------------------------------------------------


def _panel(data: dict[str, list[tuple[int, float]]]) -> pd.DataFrame:
    rows = [(u, t, v) for u, series in data.items() for t, v in series]
    df = pd.DataFrame(rows, columns=["unit_id", "year", "x"])
    return df.set_index(["unit_id", "year"])


def test_panel_linear_exact_uneven_years():
    X = _panel({"p": [(2015, 10.0), (2017, np.nan), (2018, np.nan), (2021, 40.0)]})
    res = T.impute_panel(X, "linear")
    # weights use the years: 10 + (2/6)·30 = 20 and 10 + (3/6)·30 = 25
    assert res.data["x"].tolist() == [10.0, 20.0, 25.0, 40.0]
    assert list(res.log["time"]) == [2017, 2018]
    assert list(res.log["reason"]) == ["linear between 2015 and 2021"] * 2


def test_panel_methods_exact():
    X = _panel({
        "p": [(2018, 1.0), (2019, np.nan), (2020, 3.0), (2021, np.nan)],
        "q": [(2018, np.nan), (2019, 5.0), (2020, np.nan), (2021, np.nan)],
    })
    nan = np.nan
    expected = {
        "ffill": [1, 1, 3, 3, nan, 5, 5, 5],
        "bfill": [1, 3, 3, nan, 5, 5, nan, nan],
        "ffill_bfill": [1, 1, 3, 3, 5, 5, 5, 5],
        "linear": [1, 2, 3, nan, nan, 5, nan, nan],
        "linear_constant": [1, 2, 3, 3, 5, 5, 5, 5],
    }
    for method, exp in expected.items():
        res = T.impute(X, method)
        np.testing.assert_array_equal(res.data["x"].to_numpy(), np.array(exp, dtype=float),
                                      err_msg=method)
        n_left = int(np.isnan(exp).sum())
        assert len(res.missing) == n_left
        assert len(res.log) == 5 - n_left  # 5 missing cells in X
    assert list(T.impute_panel(X, "ffill").missing["unit"]) == [("q", 2018)]


def test_panel_max_gap():
    X = _panel({"p": [(2015, 1.0), (2016, np.nan), (2017, np.nan), (2018, np.nan),
                      (2019, 9.0)]})
    ff = T.impute_panel(X, "ffill", max_gap=2).data["x"].to_numpy()
    np.testing.assert_array_equal(ff, [1, 1, 1, np.nan, 9])
    # a 3-point gap is not interpolated with max_gap = 2, but is with 3
    lin2 = T.impute_panel(X, "linear", max_gap=2).data["x"].to_numpy()
    np.testing.assert_array_equal(lin2, [1, np.nan, np.nan, np.nan, 9])
    lin3 = T.impute_panel(X, "linear", max_gap=3).data["x"].to_numpy()
    np.testing.assert_array_equal(lin3, [1, 3, 5, 7, 9])
    with pytest.raises(SpecError):
        T.impute_panel(X, "ffill", max_gap=0)


def test_panel_single_observation_units_do_not_crash():
    # COINr issue #63: a series with a single observation
    X = _panel({
        "one_row": [(2020, np.nan)],
        "one_obs": [(2019, np.nan), (2020, 7.0), (2021, np.nan)],
        "full": [(2019, 1.0), (2020, 2.0), (2021, 3.0)],
    })
    for method in T.PANEL_METHODS:
        res = T.impute_panel(X, method)
        assert np.isnan(res.data.loc[("one_row", 2020), "x"])
        assert res.data.loc[("full", 2021), "x"] == 3.0
    lc = T.impute_panel(X, "linear_constant").data
    assert lc.loc["one_obs", "x"].tolist() == [7.0, 7.0, 7.0]
    lin = T.impute_panel(X, "linear").data
    assert np.isnan(lin.loc[("one_obs", 2019), "x"])


def test_panel_keeps_row_order_and_validates_index():
    X = _panel({"p": [(2021, np.nan), (2019, 1.0), (2020, 2.0)]})
    res = T.impute_panel(X, "linear_constant")
    assert list(res.data.index) == list(X.index)
    assert res.data.loc[("p", 2021), "x"] == 2.0
    with pytest.raises(DataError, match="time_level"):
        T.impute_panel(X, time_level="Time")
    dup = pd.concat([X, X.iloc[[0]]])
    with pytest.raises(DataError, match="duplicated"):
        T.impute_panel(dup)
    flat = pd.DataFrame({"x": [1.0, np.nan]})
    with pytest.raises(DataError, match="unit_level"):
        T.impute_panel(flat)


# ----------------------------------------------------------------------------------------
# property tests
# ----------------------------------------------------------------------------------------

_values = hst.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)


@hst.composite
def frames_with_gaps(draw, min_rows=3, max_rows=12, max_cols=4):
    n = draw(hst.integers(min_rows, max_rows))
    k = draw(hst.integers(1, max_cols))
    vals = draw(hnp.arrays(np.float64, (n, k), elements=_values))
    mask = draw(hnp.arrays(np.bool_, (n, k)))
    mask[draw(hst.integers(0, n - 1)), :] = False  # every column keeps an observed value
    vals[mask] = np.nan
    return pd.DataFrame(vals, index=[f"u{i}" for i in range(n)],
                        columns=[f"c{j}" for j in range(k)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=frames_with_gaps(), method=hst.sampled_from(
    ["mean", "median", "group_mean", "group_median", "knn", "iterative"]),
    seed=hst.integers(0, 3))
def test_property_imputation_never_changes_observed(X, method, seed):
    kw = {}
    if method.startswith("group"):
        kw["groups"] = pd.Series([f"g{(i + seed) % 3}" for i in range(len(X))], index=X.index)
    res = T.impute(X, method, **kw)
    obs = X.notna().to_numpy()
    np.testing.assert_array_equal(res.data.to_numpy()[obs], X.to_numpy()[obs])
    assert not res.data.isna().any().any()
    assert len(res.log) == int((~obs).sum())
    assert res.data.index.equals(X.index) and res.data.columns.equals(X.columns)


@settings(max_examples=40, deadline=None)
@given(X=frames_with_gaps(min_rows=1, max_rows=6, max_cols=2),
       n_units=hst.integers(1, 3), method=hst.sampled_from(T.PANEL_METHODS),
       max_gap=hst.one_of(hst.none(), hst.integers(1, 3)))
def test_property_panel_never_changes_observed(X, n_units, method, max_gap):
    n = len(X)
    units = [f"u{i % n_units}" for i in range(n)]
    years = [2000 + i // n_units for i in range(n)]
    X.index = pd.MultiIndex.from_arrays([units, years], names=["unit_id", "year"])
    res = T.impute_panel(X, method, max_gap=max_gap)
    obs = X.notna().to_numpy()
    np.testing.assert_array_equal(res.data.to_numpy()[obs], X.to_numpy()[obs])
    assert len(res.log) + len(res.missing) == int((~obs).sum())


@settings(max_examples=60, deadline=None)
@given(X=frames_with_gaps(min_rows=1, max_rows=30, max_cols=3),
       log_transform=hst.sampled_from(T.LOG_TRANSFORMS), winmax=hst.integers(0, 6))
def test_property_treatment_adds_no_nan_and_logs_every_change(X, log_transform, winmax):
    res = T.treat_outliers(X, winmax=winmax, log_transform=log_transform)
    np.testing.assert_array_equal(res.data.isna().to_numpy(), X.isna().to_numpy())
    assert np.isfinite(res.data.to_numpy()[X.notna().to_numpy()]).all()
    changed = (res.data != X) & X.notna()
    changed_cells = {(X.index[i], X.columns[j]) for i, j in np.argwhere(changed.to_numpy())}
    logged = set(zip(res.log["unit"], res.log["indicator"], strict=True))
    assert changed_cells <= logged
    # indicators that passed are untouched
    for col in X.columns[~res.details["flagged_before"].to_numpy()]:
        pd.testing.assert_series_equal(res.data[col], X[col])


@settings(max_examples=60, deadline=None)
@given(X=frames_with_gaps(min_rows=1, max_rows=12, max_cols=4))
def test_property_never_flag_fewer_than_four_observations(X):
    flags = T.flag_outliers(X, skew_thresh=0.0, kurt_thresh=-100.0)  # flag anything possible
    n_obs = X.notna().sum()
    assert not flags[n_obs < 4].any()


@pytest.mark.parametrize("method", ["ffill", "bfill", "ffill_bfill"])
def test_vectorised_carry_equals_the_general_path(method):
    # impute_panel has a vectorised path for ffill/bfill (max_gap=None) and a general loop;
    # max_gap larger than any gap forces the loop, which must give identical data and log.
    from toolkit.data.demo import generate

    df = generate(n_units=120, years=(2023, 2024, 2025), seed=1, missing_rate=0.2)
    X = df.set_index(["unit_id", "year"])[["L1P1", "L1P2", "L4P1"]].sample(frac=1, random_state=1)
    fast, loop = T.impute_panel(X, method), T.impute_panel(X, method, max_gap=99)
    pd.testing.assert_frame_equal(fast.data, loop.data)
    pd.testing.assert_frame_equal(fast.log, loop.log)
    assert len(fast.log) > 50


def test_column_moments_in_one_pass_equal_each_column_alone_and_scipy():
    """The vectorised pass (columns without NaN together, the others one by one) gives exactly
    what skewness/kurtosis give column by column, and scipy's bias-corrected values."""
    import scipy.stats as st

    from toolkit.methods.treatment.outliers import column_skew_kurt, kurtosis, skewness

    rng = np.random.default_rng(3)
    X = rng.lognormal(size=(500, 8)) * rng.uniform(1e-3, 1e6, 8)
    X[rng.random((500, 8)) < 0.2] = np.nan
    X[:, :3] = rng.lognormal(size=(500, 3))  # complete columns
    X[:, 3] = 7.0  # constant: undefined
    X[3:, 4] = np.nan  # three values: skew only
    n, sk, ku = column_skew_kurt(X)
    for j in range(8):
        x = X[~np.isnan(X[:, j]), j]
        assert n[j] == x.size
        np.testing.assert_array_equal([sk[j], ku[j]], [skewness(X[:, j]), kurtosis(X[:, j])])
        if j not in (3, 4):
            np.testing.assert_allclose([sk[j], ku[j]], [st.skew(x, bias=False), st.kurtosis(x, bias=False)],
                                       rtol=1e-10)
    assert np.isnan(sk[3]) and np.isnan(ku[3]) and not np.isnan(sk[4]) and np.isnan(ku[4])
