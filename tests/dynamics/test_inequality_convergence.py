"""Theil, kernel density and convergence against direct formulas and OLS by hand."""

import numpy as np
import pandas as pd
import pytest

from toolkit.dynamics.convergence import (
    beta_conditional,
    beta_convergence,
    gini,
    sigma_convergence,
    speed_and_half_life,
)
from toolkit.dynamics.kde import kde_by_year, kde_features
from toolkit.dynamics.theil import theil, theil_panel
from toolkit.errors import DataError


def dummy_ols():
    """statsmodels' formula API, the oracle of the dummy-variable regressions, imported where it is used: about a
    second of CPU that every xdist worker would otherwise pay while collecting."""
    import statsmodels.formula.api as smf

    return smf


def panel(n=20, years=range(2015, 2023), seed=0, catch_up=0.0):
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([[f"u{i:02d}" for i in range(n)], list(years)], names=["unit_id", "year"])
    level = rng.lognormal(3, 0.5, n)
    rows = []
    for i in range(n):
        y = level[i]
        for _ in years:
            rows.append(y)
            y = y * np.exp(0.02 - catch_up * (np.log(y) - 3) + rng.normal(0, 0.01))
    return pd.Series(rows, index=idx)


def test_theil_matches_the_direct_formula():
    rng = np.random.default_rng(1)
    y = pd.Series(rng.lognormal(2, 0.7, 40))
    g = pd.Series(rng.choice(list("pqr"), 40))
    mu = y.mean()
    T = float(np.mean(y / mu * np.log(y / mu)))
    s = y.groupby(g).sum() / y.sum()
    mug = y.groupby(g).mean()
    between = float((s * np.log(mug / mu)).sum())
    Tg = y.groupby(g).apply(lambda v: float(np.mean(v / v.mean() * np.log(v / v.mean()))))
    within = float((s * Tg).sum())
    r = theil(y, g)
    assert (r["theil"], r["between"], r["within"]) == pytest.approx((T, between, within), rel=1e-10)
    assert r["between"] + r["within"] == pytest.approx(r["theil"])


def test_theil_panel_and_zero_values():
    y = panel(8, range(2020, 2023))
    t = theil_panel(y, pd.Series(np.where(y.index.get_level_values(0) < "u04", "a", "b"), index=y.index))
    assert list(t.index) == [2020, 2021, 2022]
    with pytest.raises(DataError, match="positive"):
        theil(pd.Series([0.0, 1.0]), pd.Series(["a", "b"]))


def test_kde_uses_the_stated_bandwidth_and_finds_two_peaks():
    rng = np.random.default_rng(5)
    idx = pd.MultiIndex.from_product([[2024, 2025], range(200)], names=["year", "unit"])
    y = pd.Series(np.r_[rng.normal(50, 5, 200), rng.normal(30, 3, 100), rng.normal(70, 3, 100)], index=idx)
    d = kde_by_year(y)
    v = y.xs(2024, level="year")
    assert d.attrs["bandwidth"][2024] == pytest.approx(v.std(ddof=1) * 200 ** (-1 / 5), rel=1e-9)  # Scott
    f = kde_features(d)
    assert f.loc[2024, "peaks"] == 1 and f.loc[2025, "peaks"] == 2
    assert f.loc[2024, "peak_at"] == pytest.approx(50, abs=2)
    ds = kde_by_year(y, bw="silverman")
    assert ds.attrs["bandwidth"][2024] == pytest.approx(v.std(ddof=1) * (200 * 3 / 4) ** (-1 / 5), rel=1e-9)


def test_sigma_convergence_per_year_and_trend():
    y = panel(30, catch_up=0.15, seed=2)
    s = sigma_convergence(y)
    v = y.xs(2019, level="year")
    assert s.table.loc[2019, "cv"] == pytest.approx(v.std(ddof=1) / v.mean())
    assert s.table.loc[2019, "gini"] == pytest.approx(np.abs(v.values[:, None] - v.values).sum() / (2 * 30 ** 2 * v.mean()))
    assert s.table.loc[2019, "sd_log"] == pytest.approx(np.log(v).std(ddof=1))
    assert bool(s.trend.loc["sd_log", "converging"])
    slope = np.polyfit(s.table.index, s.table["cv"], 1)[0]
    assert s.trend.loc["cv", "slope"] == pytest.approx(slope)


def test_absolute_beta_is_ols_by_hand():
    y = panel(25, catch_up=0.1, seed=4)
    r = beta_convergence(y)
    W = y.unstack("year")
    x = np.log(W[2015].to_numpy())
    g = (np.log(W[2022].to_numpy()) - x) / 7
    X = np.c_[np.ones_like(x), x]
    coef, res, *_ = np.linalg.lstsq(X, g, rcond=None)
    sigma2 = res[0] / (len(x) - 2)
    se = np.sqrt(sigma2 * np.linalg.inv(X.T @ X)[1, 1])
    assert r["beta"] == pytest.approx(coef[1]) and r["se"] == pytest.approx(se)
    assert r["beta"] < 0 and r["p"] < 0.01
    theta = -np.log(1 + coef[1] * 7) / 7
    assert r["speed"] == pytest.approx(theta) and r["half_life"] == pytest.approx(np.log(2) / theta)


def test_speed_undefined_when_the_gap_overshoots():
    assert np.isnan(speed_and_half_life(-0.2, 10)[0])


def test_conditional_beta_equals_the_dummy_variable_regression():
    y = panel(12, range(2016, 2022), catch_up=0.2, seed=6)
    r = beta_conditional(y)
    W = np.log(y.unstack("year"))
    frame = pd.DataFrame({"growth": W.diff(axis=1).iloc[:, 1:].stack(), "lag": W.shift(axis=1).iloc[:, 1:].stack()})
    frame = frame.reset_index()
    fit = dummy_ols().ols("growth ~ lag + C(unit_id) + C(year)", data=frame).fit()
    assert r["beta"] == pytest.approx(fit.params["lag"], rel=1e-8)
    assert r["se"] == pytest.approx(fit.bse["lag"], rel=1e-8)
    assert r["p"] == pytest.approx(fit.pvalues["lag"], rel=1e-6)
    assert r["df_resid"] == fit.df_resid
    assert r["beta"] < 0 and r["speed"] > 0


def test_conditional_beta_unbalanced_panel_matches_dummies():
    y = panel(10, range(2016, 2021), catch_up=0.1, seed=8).drop(("u03", 2018))
    # a unit-year gap removes the two growth rates around it; the rest must match the dummy regression
    r = beta_conditional(y)
    W = np.log(y.unstack("year"))
    frame = pd.DataFrame({"growth": W.diff(axis=1).iloc[:, 1:].stack(), "lag": W.shift(axis=1).iloc[:, 1:].stack()})
    fit = dummy_ols().ols("growth ~ lag + C(unit_id) + C(year)", data=frame.dropna().reset_index()).fit()
    assert r["beta"] == pytest.approx(fit.params["lag"], rel=1e-7)
    assert r["se"] == pytest.approx(fit.bse["lag"], rel=1e-7)


def test_gini_helper():
    assert gini([1, 1, 1]) == 0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)


def test_ols_is_statsmodels_to_the_last_digits():
    """toolkit.dynamics.ols against statsmodels' OLS on the same arrays: coefficients, standard
    errors, t, Student-t p-values, R², and the cluster-robust (CRV1) errors with normal p-values."""
    from statsmodels.regression.linear_model import OLS

    from toolkit.dynamics.ols import add_constant, ols

    rng = np.random.default_rng(11)
    X = add_constant(rng.normal(size=(45, 2)))
    y = X @ [0.5, -0.3, 0.1] + rng.normal(0, 0.5, 45)
    groups = rng.integers(0, 9, 45)
    mine, ref = ols(y, X, clusters=groups), OLS(y, X).fit()
    robust = OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    for a, b in [(mine.params, ref.params), (mine.bse, ref.bse), (mine.tvalues, ref.tvalues),
                 (mine.pvalues, ref.pvalues), (mine.bse_cluster, robust.bse), (mine.pvalues_cluster, robust.pvalues)]:
        assert a == pytest.approx(b, rel=1e-12)
    assert (mine.rsquared, mine.ssr, mine.df_resid) == pytest.approx((ref.rsquared, ref.ssr, ref.df_resid), rel=1e-12)
    assert ols(y, X).bse_cluster is None


def test_conditional_beta_cluster_errors_are_statsmodels():
    """The cluster-robust error by unit is statsmodels' CRV1 on the demeaned regression."""
    from statsmodels.regression.linear_model import OLS

    from toolkit.dynamics.convergence import demean_two_way

    y = panel(12, range(2016, 2022), catch_up=0.2, seed=6)
    r = beta_conditional(y)
    W = np.log(y.unstack("year"))
    frame = pd.DataFrame({"growth": W.diff(axis=1).iloc[:, 1:].stack(), "lag": W.shift(axis=1).iloc[:, 1:].stack()})
    D = demean_two_way(frame, "unit_id", "year")
    robust = OLS(D["growth"].to_numpy(), D[["lag"]].to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame.index.get_level_values("unit_id"))[0]})
    assert r["se_cluster"] == pytest.approx(robust.bse[0], rel=1e-10)
    assert r["p_cluster"] == pytest.approx(robust.pvalues[0], rel=1e-8)
    assert r["se_cluster"] != pytest.approx(r["se"], rel=1e-4)   # not the conventional error by another name


def test_kde_is_scipys_gaussian_kde():
    """Each year's curve and bandwidth are scipy's ``gaussian_kde`` (Scott's and Silverman's rules)."""
    from scipy.stats import gaussian_kde

    rng = np.random.default_rng(9)
    idx = pd.MultiIndex.from_product([[2023, 2024], range(60)], names=["year", "unit"])
    y = pd.Series(np.r_[rng.gamma(2, 10, 60), rng.normal(40, 9, 60)], index=idx)
    for bw in ("scott", "silverman"):
        d = kde_by_year(y, bw=bw, points=300)
        for t in (2023, 2024):
            ref = gaussian_kde(y.xs(t, level="year").to_numpy(), bw_method=bw)
            assert d.attrs["bandwidth"][t] == pytest.approx(np.sqrt(ref.covariance[0, 0]), rel=1e-12)
            assert d[t].to_numpy() == pytest.approx(ref(d.index.to_numpy()), rel=1e-10, abs=1e-15)


def test_prominent_peaks_are_scipys_find_peaks():
    """On rough, smooth and flat-topped curves (ties, plateaus, edges), at several prominences."""
    from scipy.signal import find_peaks

    from toolkit.dynamics.kde import prominent_peaks

    rng = np.random.default_rng(13)
    curves = [rng.integers(0, 4, 60).astype(float), np.round(rng.normal(size=80).cumsum(), 0),
              np.convolve(rng.normal(size=220), np.ones(20) / 20, "valid"), np.r_[0.0, 2, 2, 2, 1, 3, 3, 0, 0, 5]]
    for x in curves:
        for p in (0.0, 0.5, 1.0, 0.3 * np.ptp(x)):
            assert prominent_peaks(x, p).tolist() == find_peaks(x, prominence=p)[0].tolist()
