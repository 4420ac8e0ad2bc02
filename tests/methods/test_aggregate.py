"""Tests for toolkit.methods.aggregation.aggregate: published worked examples, hand values, properties, peers."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from toolkit import aggregate as A
from toolkit import normalise as N
from toolkit.errors import DataError, SpecError

X = pd.DataFrame({"a": [0.2, 0.6, 1.0], "b": [0.5, 0.5, 0.25], "c": [0.9, 0.1, 0.4]},
                 index=["u1", "u2", "u3"])
W = pd.Series({"a": 2.0, "b": 1.0, "c": 1.0})  # renormalised to 0.5, 0.25, 0.25


# ---------------------------------------------------------------------------- power means
def test_arithmetic_hand_values_and_weight_renormalisation():
    out = A.arithmetic(X, W)
    np.testing.assert_allclose(out, [0.5 * 0.2 + 0.25 * 0.5 + 0.25 * 0.9,
                                     0.5 * 0.6 + 0.25 * 0.5 + 0.25 * 0.1,
                                     0.5 * 1.0 + 0.25 * 0.25 + 0.25 * 0.4])
    assert list(out.index) == ["u1", "u2", "u3"]
    pd.testing.assert_series_equal(A.arithmetic(X, W * 7), out)  # scale-free
    pd.testing.assert_series_equal(A.arithmetic(X, {"c": 1, "b": 1, "a": 2, "zz": 9}), out)
    np.testing.assert_allclose(A.arithmetic(X), X.mean(axis=1))  # None = equal weights


def test_arithmetic_skip_na_renormalises_like_coinr_a_amean():
    Y = X.copy()
    Y.loc["u1", "a"] = np.nan
    out = A.arithmetic(Y, W, na="skip")
    assert out["u1"] == pytest.approx((0.25 * 0.5 + 0.25 * 0.9) / 0.5)  # weights of b, c → ½, ½
    assert out["u2"] == pytest.approx(A.arithmetic(X, W)["u2"])
    with pytest.raises(DataError, match="unit 'u1', indicator 'a'"):
        A.arithmetic(Y, W)
    Y.loc["u1"] = np.nan
    with pytest.raises(DataError, match="unit 'u1'"):
        A.arithmetic(Y, W, na="skip")
    with pytest.raises(SpecError, match="na must"):
        A.arithmetic(X, W, na="drop")


def test_weight_validation_messages():
    with pytest.raises(DataError, match=r"\['c'\]"):
        A.arithmetic(X, {"a": 1, "b": 1})
    with pytest.raises(DataError, match="'b'.*non-negative"):
        A.geometric(X, {"a": 1, "b": -1, "c": 1})
    with pytest.raises(DataError, match="all weights are zero"):
        A.harmonic(X, {"a": 0, "b": 0, "c": 0})
    with pytest.raises(DataError, match="2 given for 3"):
        A.arithmetic(X, [1, 2])


def test_geometric_harmonic_generalised_hand_values():
    w = np.array([0.5, 0.25, 0.25])
    a = X.to_numpy()
    np.testing.assert_allclose(A.geometric(X, W), np.prod(a ** w, axis=1))
    np.testing.assert_allclose(A.harmonic(X, W), 1 / (a ** -1 @ w))
    np.testing.assert_allclose(A.generalised_mean(X, W, p=2), np.sqrt(a ** 2 @ w))
    for p, f in ((1, A.arithmetic), (0, A.geometric), (-1, A.harmonic)):
        pd.testing.assert_series_equal(A.generalised_mean(X, W, p=p), f(X, W), rtol=1e-12)


def test_geometric_and_harmonic_reject_non_positive_values_naming_unit_and_indicator():
    Y = X.copy()
    Y.loc["u2", "c"] = 0.0
    with pytest.raises(DataError, match="unit 'u2', indicator 'c'"):
        A.geometric(Y, W)
    with pytest.raises(DataError, match="unit 'u2', indicator 'c'"):
        A.harmonic(Y, W)
    with pytest.raises(DataError, match="unit 'u2', indicator 'c'"):
        A.generalised_mean(Y, W, p=-2)
    # an indicator with zero weight does not enter the mean, so its zero is harmless
    out = A.geometric(Y, {"a": 1, "b": 1, "c": 0})
    np.testing.assert_allclose(out, np.sqrt(Y["a"] * Y["b"]))


def test_dispatcher_and_registry():
    assert set(A.AGGREGATION.names) >= {"arithmetic", "geometric", "harmonic", "generalised_mean",
                                        "topsis", "grey_relational", "bod", "copeland"}
    pd.testing.assert_series_equal(A.aggregate(X, "generalised_mean", W, p=3),
                                   A.generalised_mean(X, W, p=3))
    with pytest.raises(SpecError, match="method must be one of .*got 'median'"):
        A.aggregate(X, "median", W)


# ---------------------------------------------------------------------------- HDI (goalposts + geometric)
HDI_POSTS = ({"le": 20, "eys": 0, "mys": 0, "gni": 100},
             {"le": 85, "eys": 18, "mys": 15, "gni": 75000})


def _hdi(data: pd.DataFrame) -> pd.Series:
    idx = N.goalposts(data, *HDI_POSTS, log={"gni": True}, cap=True)
    dims = pd.DataFrame({"health": idx["le"],
                         "education": A.arithmetic(idx[["eys", "mys"]]),
                         "income": idx["gni"]})
    return A.geometric(dims)


def test_hdi_hdr2020_technical_notes_worked_example():
    # UNDP HDR 2020 Technical notes, technical note 1 (copy at https://pdf4pro.com/download/
    # technical-notes-united-nations-development-programme-79ae81.html) prints
    # "Human Development Index = (0.6971 · 0.3447 · 0.5506)^1/3 = 0.510".
    dims = pd.DataFrame({"health": [0.6971], "education": [0.3447], "income": [0.5506]})
    assert round(A.geometric(dims).iloc[0], 3) == 0.510
    # The example country is Sudan (HDR 2020 Table 1: life expectancy 65.3, expected schooling
    # 7.9, mean schooling 3.8, GNI per capita 3,829 2017 PPP$, HDI 0.510). From those rounded
    # published components the full goalpost + geometric pipeline gives the same 0.510.
    sudan = pd.DataFrame({"le": [65.3], "eys": [7.9], "mys": [3.8], "gni": [3829.0]})
    assert round(_hdi(sudan).iloc[0], 3) == 0.510


def test_hdi_hdr2015_table1_top_countries():
    # HDR 2015 Table 1 (2014 data, same goalposts 20–85, 0–18, 0–15, 100–75,000), archived at
    # https://megalodon.jp/ref/2016-0515-0933-16/hdr.undp.org/en/composite/HDI
    # columns: HDI, life expectancy, expected schooling, mean schooling, GNI pc (2011 PPP$).
    rows = {
        "Norway": (0.944, 81.6, 17.5, 12.6, 64992), "Australia": (0.935, 82.4, 20.2, 13.0, 42261),
        "Switzerland": (0.930, 83.0, 15.8, 12.8, 56431), "Denmark": (0.923, 80.2, 18.7, 12.7, 44025),
        "Netherlands": (0.922, 81.6, 17.9, 11.9, 45435), "Germany": (0.916, 80.9, 16.5, 13.1, 43919),
        "Ireland": (0.916, 80.9, 18.6, 12.2, 39568), "United States": (0.915, 79.1, 16.5, 12.9, 52947),
        "Canada": (0.913, 82.0, 15.9, 13.0, 42155), "New Zealand": (0.913, 81.8, 19.2, 12.5, 32689),
        "Singapore": (0.912, 83.0, 15.4, 10.6, 76628), "Hong Kong": (0.910, 84.0, 15.6, 11.2, 53959),
        "Liechtenstein": (0.908, 80.0, 15.0, 11.8, 79851), "Sweden": (0.907, 82.2, 15.8, 12.1, 45636),
        "United Kingdom": (0.907, 80.7, 16.2, 13.1, 39267), "Iceland": (0.899, 82.6, 19.0, 10.6, 35182),
        "Korea": (0.898, 81.9, 16.9, 11.9, 33890), "Israel": (0.894, 82.4, 16.0, 12.5, 30676),
        "Luxembourg": (0.892, 81.7, 13.9, 11.7, 58711), "Japan": (0.891, 83.5, 15.3, 11.5, 36927),
    }
    tab = pd.DataFrame(rows, index=["hdi", "le", "eys", "mys", "gni"]).T
    got = _hdi(tab[["le", "eys", "mys", "gni"]])
    # the printed components are rounded to 1 decimal, which moves the 3rd decimal by ≤ 1 unit;
    # Norway, Denmark and the United States reproduce exactly
    assert (got - tab["hdi"]).abs().max() <= 0.0011
    for c in ("Norway", "Denmark", "United States", "Australia"):
        assert round(got[c], 3) == tab.loc[c, "hdi"]


# ---------------------------------------------------------------------------- TOPSIS
CARS = pd.DataFrame([[7, 9, 9, 8], [8, 7, 8, 7], [9, 6, 8, 9], [6, 7, 8, 6]],
                    index=["civic", "saturn", "ford", "mazda"],
                    columns=["style", "reliability", "fuel_economy", "cost"], dtype=float)
CAR_W = pd.Series([0.1, 0.4, 0.3, 0.2], index=CARS.columns)
CAR_D = {"style": 1, "reliability": 1, "fuel_economy": 1, "cost": -1}


def test_topsis_published_car_example():
    # Car example of "TOPSIS Method in MADM" (F. Faez), as run in the TOPSIS-Python package
    # docs: https://pypi.org/project/topsis-antuanant/0.0.3/ (a = [[7,9,9,8],[8,7,8,7],[9,6,8,9],
    # [6,7,8,6]], w = [0.1,0.4,0.3,0.2], last criterion cost) which print
    # "Alternatives ranking C: [0.74269409 0.40359933 0.17586999 0.44142927]".
    c = A.topsis(CARS, CAR_W, CAR_D)
    np.testing.assert_allclose(c, [0.74269409, 0.40359933, 0.17586999, 0.44142927], atol=5e-9)
    assert c.name == "closeness" and list(c.index) == list(CARS.index)


def test_topsis_details_by_hand():
    res = A.topsis(CARS, CAR_W, CAR_D, return_details=True)
    norms = np.sqrt((CARS ** 2).sum())
    v = CARS / norms * CAR_W
    pd.testing.assert_frame_equal(res.weighted, v)
    np.testing.assert_allclose(res.ideal, [v["style"].max(), v["reliability"].max(),
                                           v["fuel_economy"].max(), v["cost"].min()])
    np.testing.assert_allclose(res.anti_ideal, [v["style"].min(), v["reliability"].min(),
                                                v["fuel_economy"].min(), v["cost"].max()])
    np.testing.assert_allclose(res.d_plus, np.sqrt(((v - res.ideal) ** 2).sum(axis=1)))
    np.testing.assert_allclose(res.closeness, res.d_minus / (res.d_plus + res.d_minus))


def test_topsis_minmax_option_edge_cases_and_errors():
    mm = A.topsis(CARS, CAR_W, CAR_D, normalisation="minmax", return_details=True)
    np.testing.assert_allclose(mm.ideal, CAR_W)  # after min–max the ideal is w_j·1
    np.testing.assert_allclose(mm.anti_ideal, 0.0)
    same = pd.DataFrame({"a": [2.0, 2.0], "b": [1.0, 1.0]})
    np.testing.assert_allclose(A.topsis(same), [0.5, 0.5])
    with pytest.raises(DataError, match="all zero"):
        A.topsis(pd.DataFrame({"a": [0.0, 0.0], "b": [1.0, 2.0]}))
    with pytest.raises(SpecError, match="normalisation"):
        A.topsis(CARS, normalisation="sum")


# ---------------------------------------------------------------------------- grey relational
SUPPLIERS = pd.DataFrame(
    [[0.83, 0.90, 0.99, 0.92, 0.87, 0.95], [326, 295, 340, 287, 310, 303],
     [21, 38, 25, 19, 27, 10], [3.2, 2.4, 2.2, 2.0, 0.9, 1.7],
     [0.20, 0.25, 0.12, 0.33, 0.20, 0.09], [0.15, 0.20, 0.14, 0.09, 0.15, 0.17],
     [250, 180, 300, 200, 150, 175], [0.23, 0.15, 0.27, 0.30, 0.18, 0.26],
     [0.87, 0.95, 0.99, 0.89, 0.82, 0.94]],
    index=["quality", "price", "distance", "service", "technology", "profit", "capacity",
           "market", "delivery"],
    columns=[f"s{i}" for i in range(1, 7)]).T
SUPPLIER_D = {c: (-1 if c in ("price", "distance", "service") else 1) for c in SUPPLIERS}


def test_grey_relational_published_supplier_example():
    # Supplier-selection example of 司守奎 & 孙兆亮《数学建模算法与应用》(灰色关联分析, 6 suppliers,
    # 9 indicators, price/distance/service cost, min–max, ρ = 0.5, equal weights), as printed in
    # github.com/xyfJASON/mathematical-modeling-python, "Comprehensive Evaluation & Decision-making
    # Methods/Grey Relational Analysis/Grey_Relational _Analysis.md".
    res = A.grey_relational(SUPPLIERS, directions=SUPPLIER_D, return_details=True)
    np.testing.assert_allclose(
        res.grade, [0.462992, 0.555994, 0.649074, 0.652723, 0.493562, 0.613015], atol=5e-7)
    printed_xi = {  # coefficients of indicator 1 (quality) and 2 (price), suppliers 1–6
        "quality": [0.33333333, 0.47058824, 1.0, 0.53333333, 0.4, 0.66666667],
        "price": [0.40458015, 0.76811594, 0.33333333, 1.0, 0.53535354, 0.62352941],
        "capacity": [0.6, 0.38461538, 1.0, 0.42857143, 0.33333333, 0.375],
    }
    for code, vals in printed_xi.items():
        np.testing.assert_allclose(res.coefficients[code], vals, atol=5e-9)
    assert list(res.grade.sort_values(ascending=False).index[:2]) == ["s4", "s3"]


def test_grey_relational_weights_reference_unit_and_errors():
    r = N.minmax(X)
    delta = (1 - r).abs()
    xi = (delta.min().min() + 0.5 * delta.max().max()) / (delta + 0.5 * delta.max().max())
    np.testing.assert_allclose(A.grey_relational(X, W), xi @ (W / W.sum()))
    np.testing.assert_allclose(A.grey_relational(X, normalisation="none", rho=0.3),
                               _gra_by_hand(X.to_numpy(), X.max().to_numpy(), 0.3))
    to_u3 = A.grey_relational(X, reference="u3", return_details=True)
    assert to_u3.grade["u3"] == pytest.approx(1.0)
    np.testing.assert_allclose(to_u3.reference, r.loc["u3"])
    with pytest.raises(SpecError, match="rho"):
        A.grey_relational(X, rho=1.0)
    with pytest.raises(DataError, match="reference"):
        A.grey_relational(X, reference="u9")


def _gra_by_hand(r, x0, rho):
    delta = np.abs(r - x0)
    xi = (delta.min() + rho * delta.max()) / (delta + rho * delta.max())
    return xi.mean(axis=1)


# ---------------------------------------------------------------------------- batch kernels
def test_kernels_on_a_3d_batch_with_per_replication_weights():
    rng = np.random.default_rng(3)
    batch = rng.uniform(0.05, 1.0, size=(6, 8, 4))
    weights = rng.dirichlet(np.ones(4), size=6)
    d = np.array([1.0, -1.0, 1.0, 1.0])
    cols = list("abcd")
    topsis_c = A.topsis_kernel(batch, weights, d)[0]
    gra = A.grey_relational_kernel(N.minmax_kernel(batch, d), weights)[0]
    for r in range(6):
        df, w = pd.DataFrame(batch[r], columns=cols), pd.Series(weights[r], index=cols)
        np.testing.assert_allclose(A.generalised_mean_kernel(batch, weights, 0.0)[r], A.geometric(df, w))
        np.testing.assert_allclose(A.generalised_mean_kernel(batch, weights, -1.0)[r], A.harmonic(df, w))
        np.testing.assert_allclose(A.generalised_mean_kernel(batch, weights, 1.0)[r], A.arithmetic(df, w))
        np.testing.assert_allclose(topsis_c[r], A.topsis(df, w, list(d)))
        np.testing.assert_allclose(gra[r], A.grey_relational(df, w, list(d)))


# ---------------------------------------------------------------------------- properties
_vals = st.floats(0.01, 100, allow_nan=False, allow_subnormal=False)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 10), elements=_vals), st.integers(2, 6),
       arrays(np.float64, 6, elements=st.floats(0.01, 10)))
def test_identical_columns_aggregate_to_that_column(col, n, w):
    df = pd.DataFrame(np.repeat(col[:, None], n, axis=1), columns=[f"c{j}" for j in range(n)])
    wts = pd.Series(w[:n], index=df.columns)
    for f in (A.arithmetic, A.geometric, A.harmonic):
        np.testing.assert_allclose(f(df, wts), col, rtol=1e-12)


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, (5, 4), elements=_vals), arrays(np.float64, 4, elements=st.floats(0, 10)))
def test_harmonic_le_geometric_le_arithmetic(a, w):
    if not w.sum() > 0:
        w = np.ones(4)
    df, wts = pd.DataFrame(a, columns=list("abcd")), pd.Series(w, index=list("abcd"))
    h, g, m = A.harmonic(df, wts), A.geometric(df, wts), A.arithmetic(df, wts)
    assert (h <= g * (1 + 1e-12)).all() and (g <= m * (1 + 1e-12)).all()
    c = A.topsis(df, wts)
    assert ((c >= 0) & (c <= 1)).all()


# ---------------------------------------------------------------------------- peer libraries
def _peer_data():
    rng = np.random.default_rng(11)
    return rng.uniform(1, 100, size=(10, 5)), rng.dirichlet(np.ones(5)), np.array([1, -1, 1, -1, 1])


def test_topsis_matches_pymcdm():
    pytest.importorskip("pymcdm")
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    a, w, types = _peer_data()
    df = pd.DataFrame(a)
    # pymcdm's vector_normalization turns cost columns into 1 − x/‖x‖ and takes max as ideal;
    # that is an affine flip of classic TOPSIS, so the closeness must agree.
    ours_vec = A.topsis(df, w, list(types), normalisation="vector")
    np.testing.assert_allclose(ours_vec, TOPSIS(normalizations.vector_normalization)(a, w, types),
                               atol=1e-9)
    ours_mm = A.topsis(df, w, list(types), normalisation="minmax")
    np.testing.assert_allclose(ours_mm, TOPSIS()(a, w, types), atol=1e-9)  # pymcdm default


def test_topsis_matches_scikit_criteria_with_vector_scaler():
    skc = pytest.importorskip("skcriteria")
    from skcriteria.agg.topsis import TOPSIS
    from skcriteria.preprocessing.scalers import VectorScaler

    a, w, types = _peer_data()
    dm = skc.mkdm(a, [max if t > 0 else min for t in types], weights=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skcriteria warns about minimisation criteria
        res = TOPSIS().evaluate(VectorScaler(target="matrix").transform(dm))
    np.testing.assert_allclose(A.topsis(pd.DataFrame(a), w, list(types)), res.e_.similarity,
                               atol=1e-9)
    assert math.isclose(sum(w), 1.0)
