"""Compind's family (issue 21): the AMPI normalisation and the Mazziotta–Pareto index, mean–min,
the Wroclaw taxonomy and robust order-m BoD.

Published values: Compind's vignette (F. Vidoli & E. Fusco, *Compind: Composite indicators
functions*, version 2.0, inst/doc/Compind_vignette.pdf of github.com/cran/Compind, §2.4) prints
the AMPI of the Europe 2020 data (``EU_2020``: employ and finalenergy, 2010 and 2011, ``gp =
c(50, 100)``, both polarities positive, ``penalty = "POS"``) for its 30 rows at 2 decimals; the
30 × 2 values are transcribed below. Compind 2.0's ``ci_ampi`` takes the range of each year
separately, the sample sd (R's ``var``) and *adds* the penalty for ``"POS"``: here
``panel.scope: per_year``, ``ddof: 1`` and ``penalty: plus``.

The other methods have no published table; they are checked against independent
re-computations written from the papers' formulas (plain loops, not the kernels) and
hand-derived limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataError, SpecError
from toolkit.methods.aggregation.mazziotta_pareto import mpi, mpi_kernel
from toolkit.methods.aggregation.mean_min import mean_min
from toolkit.methods.aggregation.order_m import peer_ratios, robust_bod, robust_bod_kernel
from toolkit.methods.aggregation.wroclaw import wroclaw
from toolkit.methods.normalisation.ampi import ampi, identity

from ..conftest import SHARED_DATA

EU = SHARED_DATA / "compind" / "EU_2020.csv"
NUTS = SHARED_DATA / "compind" / "EU_NUTS1.csv"
needs_compind = pytest.mark.skipif(not EU.is_file(), reason=f"Compind data not found at {EU}")

# Compind vignette (v2.0), §2.4, the table of CI$ci_ampi_est: rows 1–30 of EU_2020, years 2010, 2011
VIGNETTE_AMPI = [
    (156.05, 152.17), (155.89, 152.12), (138.84, 131.66), (132.74, 121.60), (146.91, 140.27), (163.43, 152.53),
    (159.32, 153.25), (136.34, 139.08), (130.57, 123.59), (128.99, 115.36), (125.51, 119.56), (143.31, 136.40),
    (115.57, 109.49), (122.44, 119.19), (161.06, 146.64), (131.64, 129.24), (129.75, 130.65), (147.90, 138.34),
    (119.77, 116.98), (118.90, 118.52), (166.17, 155.68), (160.49, 151.14), (129.96, 125.47), (147.24, 135.89),
    (127.16, 121.48), (146.71, 134.21), (130.57, 126.28), (154.67, 147.55), (170.52, 162.23), (155.80, 146.74),
]


@needs_compind
def test_ampi_of_the_europe_2020_data_equals_compinds_vignette():
    d = pd.read_csv(EU)
    got = []
    for year in (2010, 2011):
        X = d[[f"employ_{year}", f"finalenergy_{year}"]].set_axis(["employ", "finalenergy"], axis=1)
        R = ampi(X, reference={"employ": 50, "finalenergy": 100})
        got.append(mpi(R, penalty="plus", ddof=1).round(2).to_numpy())
    np.testing.assert_allclose(np.column_stack(got), np.array(VIGNETTE_AMPI), atol=0.0051)


def test_ampi_normalisation_hand_derived_and_reference_year():
    idx = pd.MultiIndex.from_product([["A", "B"], [2010, 2011]], names=["unit_id", "year"])
    X = pd.DataFrame({"x": [10.0, 14.0, 20.0, 30.0]}, index=idx)
    # pooled range 10–30 (Δ = 10); reference = the 2010 mean (15): 10 → 70 + 60·(10 − 5)/20 = 85
    R = ampi(X, reference_year=2010)
    np.testing.assert_allclose(R["x"].to_numpy(), [85.0, 97.0, 115.0, 145.0])
    # reference = mean of every row (18.5)
    np.testing.assert_allclose(ampi(X)["x"].to_numpy(), 70 + 60 * (X["x"].to_numpy() - 8.5) / 20)
    with pytest.raises(DataError, match="reference_year 2009"):
        ampi(X, reference_year=2009)
    with pytest.raises(DataError, match="no range"):
        ampi(X.assign(x=1.0), reference=1)


def test_mpi_equals_compinds_ci_mpi_formula_and_penalises_imbalance():
    """Compind ci_mpi: Ma·(1 − cv²) with R's sd (n − 1) for "POS" — the same as M − S·cv."""
    rng = np.random.default_rng(3)
    Z = pd.DataFrame(rng.normal(100, 10, (25, 4)), columns=list("abcd"))
    ma = Z.mean(axis=1)
    cv = Z.std(axis=1, ddof=1) / ma
    np.testing.assert_allclose(mpi(Z, ddof=1).to_numpy(), (ma * (1 - cv ** 2)).to_numpy())
    np.testing.assert_allclose(mpi(Z, penalty="plus", ddof=1).to_numpy(), (ma * (1 + cv ** 2)).to_numpy())
    # population sd by default (Mazziotta & Pareto 2016)
    cv0 = Z.std(axis=1, ddof=0) / ma
    np.testing.assert_allclose(mpi(Z).to_numpy(), (ma * (1 - cv0 ** 2)).to_numpy())
    # weights: a zero weight drops the child from the mean and the sd
    np.testing.assert_allclose(mpi(Z, weights=[1, 1, 1, 0]).to_numpy(), mpi(Z[["a", "b", "c"]]).to_numpy())
    with pytest.raises(SpecError, match="penalty"):
        mpi(Z, penalty="NEG")
    with pytest.raises(DataError, match=r"mpi: unit 0 has mean -?\d.* ≤ 0, so its coefficient of variation is undefined"):
        mpi(Z - 200)
    # shared children, several weight vectors (the engine's broadcast)
    out = mpi_kernel(Z.to_numpy()[None], np.array([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=float))
    np.testing.assert_allclose(out[1], mpi(Z[["a", "b", "c"]]).to_numpy())


def test_identity_normalisation():
    X = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 3.0]})
    out = identity(X, directions=[1, -1])
    assert out["a"].iloc[0] == 1.0 and np.isnan(out["a"].iloc[1])
    assert out["b"].tolist() == [-2.0, -3.0]


def _compind_mean_min(x, alpha, beta):
    """Compind ci_mean_min, transcribed as loops: z = (x − colMean)/colSd·10 + 100 (sd n − 1), then
    Ma_z − α(√((Ma_z − min z)² + β²) − β) per row."""
    z = (x - x.mean()) / x.std(ddof=1) * 10 + 100
    out = []
    for _, row in z.iterrows():
        m, lo = row.mean(), row.min()
        out.append(m - alpha * (np.sqrt((m - lo) ** 2 + beta ** 2) - beta))
    return np.array(out)


@needs_compind
def test_mean_min_on_eu_nuts1_equals_compinds_formula():
    x = pd.read_csv(NUTS)[["roads", "trains"]]
    z = (x - x.mean()) / x.std(ddof=1) * 10 + 100
    np.testing.assert_allclose(mean_min(z, alpha=0.5, beta=1).to_numpy(), _compind_mean_min(x, 0.5, 1))


def test_mean_min_limits():
    X = pd.DataFrame({"a": [2.0, 5.0, 9.0], "b": [8.0, 5.0, 1.0], "c": [5.0, 5.0, 2.0]})
    np.testing.assert_allclose(mean_min(X, alpha=0).to_numpy(), X.mean(axis=1))
    np.testing.assert_allclose(mean_min(X, alpha=1, beta=0).to_numpy(), X.min(axis=1))
    assert mean_min(X, alpha=0.5, beta=4)[1] == 5.0  # a balanced unit is not penalised
    with pytest.raises(SpecError, match="alpha"):
        mean_min(X, alpha=1.5)


def _compind_wroclaw(x):
    """Compind ci_wroclaw, transcribed: distances to the column maxima over (mean + 2 sd)."""
    d = np.sqrt(((x - x.max()) ** 2).sum(axis=1))
    return d / (d.mean() + 2 * d.std(ddof=1))


@needs_compind
def test_wroclaw_is_one_minus_compinds_distance_ratio():
    x = pd.read_csv(NUTS)[["roads", "trains"]]
    z = (x - x.min()) / (x.max() - x.min())
    np.testing.assert_allclose(wroclaw(z).to_numpy(), 1 - _compind_wroclaw(z).to_numpy())
    # the ideal unit (if one exists) scores 1; ranks follow the distance to the ideal
    assert wroclaw(pd.DataFrame({"a": [1.0, 0.2], "b": [1.0, 0.5]})).iloc[0] == 1.0


def _order_m_expectation(Y, m):
    """E[max of m draws with replacement] of each unit's peer ratios, in closed form:
    Σ_l r_(l) [(l/n)^m − ((l − 1)/n)^m] over the sorted ratios (an exact, independent value)."""
    n = len(Y)
    out = []
    for i in range(n):
        r = np.sort([min(Y[j, k] / Y[i, k] for k in range(Y.shape[1]) if Y[i, k] > 0) for j in range(n)])
        p = (np.arange(1, n + 1) / n) ** m - (np.arange(0, n) / n) ** m
        out.append(1 / (r @ p))
    return np.array(out)


def test_robust_bod_matches_the_exact_order_m_expectation():
    rng = np.random.default_rng(5)
    Y = rng.uniform(0.1, 1, (15, 3))
    exact = _order_m_expectation(Y, m=5)
    got = robust_bod(pd.DataFrame(Y), m=5, draws=20000, seed=1).to_numpy()
    np.testing.assert_allclose(got, exact, rtol=0.01)
    assert (got > 1).any()  # some units beat most of their draws: super-efficient
    # m ≫ n: the FDH score 1 / max_j min_k y_jk / y_ik (a unit no one dominates scores 1)
    fdh = 1 / peer_ratios(Y).max(axis=1)
    np.testing.assert_allclose(robust_bod(pd.DataFrame(Y), m=2000, draws=5).to_numpy(), fdh, rtol=1e-12)
    # seeded
    a = robust_bod(pd.DataFrame(Y), m=5, draws=50, seed=3)
    pd.testing.assert_series_equal(a, robust_bod(pd.DataFrame(Y), m=5, draws=50, seed=3))
    assert not a.equals(robust_bod(pd.DataFrame(Y), m=5, draws=50, seed=4))
    # a stack of matrices (the engine's batch of replications): each scored as if alone, so a
    # matrix's scores never depend on its place in the batch
    Y2 = rng.uniform(0.1, 1, (15, 3))
    stacked = robust_bod_kernel(np.stack([Y2, Y, Y]), m=5, draws=50, seed=3)
    np.testing.assert_array_equal(stacked[1], a.to_numpy())
    np.testing.assert_array_equal(stacked[2], a.to_numpy())
    np.testing.assert_array_equal(stacked[0], robust_bod(pd.DataFrame(Y2), m=5, draws=50, seed=3).to_numpy())


@needs_compind
def test_the_vignettes_ampi_through_build_index():
    """The same 60 values through the public API only: the wide file read with the shipped
    framework file, then build_index with configs/compind/ampi_vignette.yaml."""
    import toolkit as tk

    from ..conftest import ROOT

    spec = tk.load_spec(ROOT / "configs" / "compind" / "ampi_vignette.yaml")
    data = tk.read_indicators(EU, spec.framework)
    res = tk.build_index(data, spec)
    order = pd.read_csv(EU)["geo"]
    got = np.column_stack([res.composite.xs(y, level="year").reindex(order).to_numpy() for y in (2010, 2011)])
    np.testing.assert_allclose(got.round(2), np.array(VIGNETTE_AMPI), atol=0.0051)
    # the normalised values are the AMPI's: the reference (Compind's gp) maps to 100
    n = res.normalised.xs(2010, level="year")
    half = (pd.read_csv(EU)["employ_2010"].max() - pd.read_csv(EU)["employ_2010"].min()) / 2
    assert n.loc["Belgium", "employ"] == pytest.approx(70 + 60 * (67.6 - (50 - half)) / (2 * half))
    # Mazziotta & Pareto's own form: years pooled, population sd, the penalty subtracted
    mp = tk.build_index(data, spec.replace({"panel": {"scope": "pooled"}, "aggregation": {"index": {
        "method": "mpi", "params": {"penalty": "minus"}}}}))
    assert (mp.composite < res.composite).all()


@pytest.mark.parametrize("method, params", [("mpi", {}), ("mean_min", {"alpha": 0.5, "beta": 1.0}),
                                            ("wroclaw", {}), ("robust_bod", {"m": 10, "draws": 50, "seed": 2})])
def test_each_method_through_the_spec_and_the_engine(method, params):
    """build_index with the method at the index level equals the method on the dimension scores
    (equal weights), and the Monte Carlo engine's replication equals build_index."""
    import toolkit as tk
    from toolkit.robustness import replicate

    from ..conftest import DEMO_CSV, ROOT

    data = tk.read_indicators(DEMO_CSV)
    spec = tk.load_spec(ROOT / "configs" / "default.yaml").replace(
        {"aggregation": {"index": {"method": method, "params": params}}})
    res = tk.build_index(data, spec)
    D = res.dimension_scores
    func = {"mpi": mpi, "mean_min": mean_min, "wroclaw": wroclaw, "robust_bod": robust_bod}[method]
    want = func(D, **params)  # the default spec pools the years: one block
    np.testing.assert_allclose(res.composite.to_numpy(), want.reindex(res.composite.index).to_numpy(), rtol=1e-9)
    uspec = {"uncertainty_version": 1, "name": "t", "factors": [
        {"name": "agg", "address": "aggregation.index.method", "options": [method, "arithmetic"]}]}
    got = replicate(data, spec, uspec, [{"agg": method}])
    np.testing.assert_allclose(got.iloc[0].to_numpy(), res.composite.reindex(got.columns).to_numpy(), rtol=1e-9)
