"""Tests for toolkit.methods.weighting.weights (and toolkit.methods.weighting.subjective, re-exported through it).

Expected values come from (a) published worked examples, cited next to each test, (b) numbers
derived by hand in the comments, (c) independent re-computations written here in plain Python /
pandas / scikit-learn, and (d) properties checked with hypothesis. The peer-library cross-checks
at the end are dev-only and skip when the packages are not installed.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from toolkit import weights as W
from toolkit.errors import DataError, SpecError
from toolkit.methods.weighting.weights import DegenerateIndicatorWarning, InconsistentJudgementError

# ----------------------------------------------------------------------------- fixtures / data

# Saaty, T. L. (2008). Decision making with the analytic hierarchy process. Int. J. Services
# Sciences 1(1), 83–98, "Which drink is consumed more in the U.S.?" (judgement matrix and the
# derived scale .177 .019 .042 .116 .190 .129 .327, consistency ratio .022).
# https://studylib.net/doc/18179705/decision-making-with-the-analytic-hierarchy-process
# (the same matrix and printed values are the regression test of AHPy:
#  https://github.com/PhilipGriffith/AHPy/blob/master/tests/test_ahp.py).
DRINKS = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
DRINKS_MATRIX = np.array([
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
])
DRINKS_PRINTED = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]

# Xu, X. (2004). A note on the subjective and objective integrated approach to determine
# attribute weights. EJOR 156(2), 530–532, doi:10.1016/S0377-2217(03)00146-2: entropy weights
# 0.4630 0.3992 0.1378 0.0000 of the raw matrix below (transcribed in the pyrepo-mcda tests,
# https://github.com/energyinpython/pyrepo-mcda/blob/main/tests/test_weighting_methods.py).
# The same matrix is used by Shuai et al. (2012, CCDC, doi:10.1109/CCDC.2012.6244621) whose
# coefficient-of-variation weights are 0.4258 0.3610 0.2121 0.0011.
XU2004 = pd.DataFrame([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]],
                      index=["A1", "A2", "A3", "A4"], columns=["C1", "C2", "C3", "C4"])

# Tuş, A. & Aytaç Adalı, E. (2019). The new combination with CRITIC and WASPAS methods for the
# time and attendance software selection problem. Opsearch 56(2), 528–538,
# doi:10.1007/s12597-019-00371-6: CRITIC weights 0.157 0.249 0.168 0.121 0.154 0.151
# (transcribed in the pyrepo-mcda tests, link above).
TUS2019 = pd.DataFrame([[5000, 3, 3, 4, 3, 2], [680, 5, 3, 2, 2, 1], [2000, 3, 2, 3, 4, 3],
                        [600, 4, 3, 1, 2, 2], [800, 2, 4, 3, 3, 4]],
                       columns=["C1", "C2", "C3", "C4", "C5", "C6"], dtype=float)

SAMPLE = pd.DataFrame(
    {"gdp": [52.0, 61.0, 47.5, 80.2, 66.1, 58.3], "rd": [2.1, 2.9, 1.7, 3.8, 2.2, 3.1],
     "emis": [7.2, 6.1, 8.4, 5.0, 6.9, 5.8], "broadband": [88.0, 91.5, 79.0, 96.3, 90.2, 85.7]},
    index=pd.Index(["jinan", "qingdao", "zibo", "yantai", "weifang", "jining"], name="unit"),
)
SAMPLE_DIRS = {"gdp": 1, "rd": 1, "emis": -1, "broadband": 1}


def _check_weight_series(w: pd.Series, columns) -> None:
    assert isinstance(w, pd.Series)
    assert w.name == "weight"
    assert list(w.index) == list(columns)
    assert (w.to_numpy() >= 0).all()
    assert abs(w.sum() - 1.0) <= 1e-12


# ----------------------------------------------------------------------------- AHP
def test_ahp_saaty2008_drinks_published_example():
    res = W.ahp(pd.DataFrame(DRINKS_MATRIX, index=DRINKS, columns=DRINKS))
    assert np.round(res.weights.to_numpy(), 3).tolist() == DRINKS_PRINTED
    assert round(res.cr, 3) == 0.022  # printed CR with the classic RI(7) = 1.32
    # AHPy reproduces the printed .022 with Saaty's 2005 table, RI(7) = 1.35
    assert round(W.ahp(DRINKS_MATRIX, DRINKS, ri="saaty2005").cr, 3) == 0.022
    assert res.n == 7 and res.ri == 1.32 and res.ri_table == "saaty1980"
    assert res.lambda_max == pytest.approx(7 + 6 * res.ci, abs=1e-12)
    assert res.consistent


def test_ahp_wikipedia_leader_example_criteria():
    # "Analytic hierarchy process – leader example", Wikipedia
    # https://en.wikipedia.org/wiki/Analytic_hierarchy_process_%E2%80%93_leader_example
    # Criteria Experience, Education, Charisma, Age with judgements 4, 3, 7, 1/3, 3, 5; the page
    # prints the weights .547, .127, .270, .056. Our eigenvector gives .5476 for Experience
    # (the page truncates rather than rounds), so compare to the printed precision ±0.001.
    A = [[1, 4, 3, 7], [1 / 4, 1, 1 / 3, 3], [1 / 3, 3, 1, 5], [1 / 7, 1 / 3, 1 / 5, 1]]
    res = W.ahp(A, ["Experience", "Education", "Charisma", "Age"])
    np.testing.assert_allclose(res.weights.to_numpy(), [0.547, 0.127, 0.270, 0.056], atol=1e-3)
    assert res.cr < 0.1


def test_ahp_sum_product_published_example():
    # 和积法 worked example (B1–B4, weights printed to two decimals 0.53, 0.22, 0.19, 0.06):
    # http://gaojiufeng.cn/?id=1053205
    A = [[1, 3, 3, 7], [1 / 3, 1, 1, 5], [1 / 3, 1, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]]
    res = W.ahp(A, ["B1", "B2", "B3", "B4"], method="normalised_column_mean")
    assert np.round(res.weights.to_numpy(), 2).tolist() == [0.53, 0.22, 0.19, 0.06]


def test_ahp_consistent_matrix_returns_generating_weights():
    # a_ij = w_i / w_j is perfectly consistent: A w = n w, so λmax = n, CI = CR = 0.
    w = np.array([0.4, 0.3, 0.2, 0.1])
    A = w[:, None] / w[None, :]
    for method in ("eigenvector", "geometric_mean", "normalised_column_mean"):
        res = W.ahp(A, list("abcd"), method=method)
        np.testing.assert_allclose(res.weights.to_numpy(), w, rtol=0, atol=1e-14)
        assert res.lambda_max == pytest.approx(4.0, abs=1e-12)
        assert res.ci == pytest.approx(0.0, abs=1e-12)
        assert res.cr == pytest.approx(0.0, abs=1e-12)


def test_ahp_approximations_hand_computed():
    A = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    # 方根法: w_i ∝ (Π_j a_ij)^(1/3)
    g = [(1 * 3 * 5) ** (1 / 3), (1 / 3 * 1 * 2) ** (1 / 3), (1 / 5 * 1 / 2 * 1) ** (1 / 3)]
    g = [x / sum(g) for x in g]
    res = W.ahp(A, list("xyz"), method="geometric_mean")
    np.testing.assert_allclose(res.weights.to_numpy(), g, atol=1e-15)
    # λmax ≈ mean_i (A w)_i / w_i
    Aw = [sum(A[i][j] * g[j] for j in range(3)) for i in range(3)]
    lam = sum(Aw[i] / g[i] for i in range(3)) / 3
    assert res.lambda_max == pytest.approx(lam, abs=1e-13)
    assert res.cr == pytest.approx((lam - 3) / 2 / 0.58, abs=1e-13)
    # 和积法: normalise columns, average rows
    colsum = [sum(A[i][j] for i in range(3)) for j in range(3)]
    s = [sum(A[i][j] / colsum[j] for j in range(3)) / 3 for i in range(3)]
    res = W.ahp(A, list("xyz"), method="normalised_column_mean")
    np.testing.assert_allclose(res.weights.to_numpy(), s, atol=1e-15)


def test_ahp_small_matrices_have_zero_cr():
    res = W.ahp([[1, 5], [1 / 5, 1]], ["a", "b"])
    np.testing.assert_allclose(res.weights.to_numpy(), [5 / 6, 1 / 6], atol=1e-15)
    assert res.cr == 0.0 and res.ci == 0.0
    one = W.ahp([[1.0]], ["only"])
    assert one.weights.tolist() == [1.0] and one.cr == 0.0


def test_ahp_inconsistent_raises_with_numbers_in_message():
    A = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a cyclic preference
    with pytest.raises(InconsistentJudgementError, match=r"λmax = .*CI = .*CR = "):
        W.ahp(A, list("abc"))
    res = W.ahp(A, list("abc"), allow_inconsistent=True)
    assert res.cr >= 0.1 and not res.consistent
    _check_weight_series(res.weights, list("abc"))
    assert issubclass(InconsistentJudgementError, DataError)


@pytest.mark.parametrize(
    ("matrix", "pattern"),
    [
        ([[1, 2, 3], [1 / 2, 1, 4]], "square"),
        ([[1, -2], [-0.5, 1]], r"a\['a', 'b'\] = -2"),
        ([[1, 0], [0, 1]], "positive"),
        ([[1, 3], [3, 1]], r"not reciprocal at a\['a', 'b'\]"),
        ([[2, 3], [1 / 3, 1]], r"diagonal a\['a', 'a'\]"),
        ([[1, np.nan], [1, 1]], "finite positive"),
    ],
)
def test_ahp_input_validation(matrix, pattern):
    labels = ["a", "b", "c"][: np.shape(matrix)[0]] if np.shape(matrix)[0] == np.shape(matrix)[1] else None
    with pytest.raises(DataError, match=pattern):
        W.ahp(matrix, labels)


def test_ahp_dataframe_labels_and_rounded_reciprocals():
    df = pd.DataFrame([[1, 3], [0.333, 1]], index=["p", "q"], columns=["p", "q"])
    assert list(W.ahp(df).weights.index) == ["p", "q"]  # 0.333 ≈ 1/3 within rtol = 1 %
    with pytest.raises(DataError, match="not reciprocal"):
        W.ahp(df, rtol=1e-6)
    with pytest.raises(DataError, match="identical index and columns"):
        W.ahp(pd.DataFrame([[1, 3], [1 / 3, 1]], index=["p", "q"], columns=["q", "p"]))


def test_ahp_ri_tables():
    assert W.RI_TABLES["saaty1980"][12] == 1.48 and W.RI_TABLES["cn_textbook"][12] == 1.54
    assert W.RI_TABLES["saaty1980"][14] == 1.57 and W.RI_TABLES["cn_textbook"][14] == 1.58
    assert W.RI_TABLES["saaty2005"][3] == 0.52 and W.RI_TABLES["tummala_ling1998"][15] == 1.5831
    for table in W.RI_TABLES.values():
        assert all(table[n] == 0 for n in (1, 2)) and len(table) == 15
    ci = W.ahp(DRINKS_MATRIX, DRINKS).ci
    for name, table in W.RI_TABLES.items():
        res = W.ahp(DRINKS_MATRIX, DRINKS, ri=name)
        assert res.cr == pytest.approx(ci / table[7], rel=1e-12) and res.ri_table == name
    custom = W.ahp(DRINKS_MATRIX, DRINKS, ri={7: 2.0})
    assert custom.ri_table == "custom" and custom.cr == pytest.approx(ci / 2.0, rel=1e-12)
    with pytest.raises(DataError, match="no value for n = 7"):
        W.ahp(DRINKS_MATRIX, DRINKS, ri={3: 0.58})
    with pytest.raises(DataError, match="unknown RI table"):
        W.ahp(DRINKS_MATRIX, DRINKS, ri="nope")
    with pytest.raises(DataError, match="unknown method"):
        W.ahp(DRINKS_MATRIX, DRINKS, method="power")
    with pytest.raises(AttributeError):  # frozen dataclass
        custom.cr = 0.0  # type: ignore[misc]


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.integers(2, 9), elements=st.floats(0.05, 20.0)))
def test_ahp_recovers_weights_of_any_consistent_matrix(raw):
    w = raw / raw.sum()
    A = w[:, None] / w[None, :]
    labels = [f"k{i}" for i in range(len(w))]
    for method in ("eigenvector", "geometric_mean", "normalised_column_mean"):
        res = W.ahp(A, labels, method=method)
        np.testing.assert_allclose(res.weights.to_numpy(), w, rtol=1e-9, atol=1e-12)
        assert abs(res.cr) < 1e-9


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 8).flatmap(
    lambda n: arrays(int, n * (n - 1) // 2, elements=st.sampled_from([-9, -7, -5, -3, -2, 1, 2, 3, 5, 7, 9]))))
def test_ahp_any_reciprocal_matrix_gives_valid_weights(upper):
    n = int((1 + math.isqrt(1 + 8 * len(upper))) // 2)
    A = np.ones((n, n))
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            v = float(upper[k]) if upper[k] > 0 else -1.0 / upper[k]
            A[i, j], A[j, i] = v, 1.0 / v
            k += 1
    labels = [f"k{i}" for i in range(n)]
    for method in ("eigenvector", "geometric_mean", "normalised_column_mean"):
        res = W.ahp(A, labels, method=method, allow_inconsistent=True)
        _check_weight_series(res.weights, labels)
        assert res.lambda_max >= n - 1e-9 and res.cr >= 0


# ----------------------------------------------------------------------------- entropy
def test_entropy_xu2004_published_example():
    w = W.entropy(XU2004)
    assert np.round(w.to_numpy(), 4).tolist() == [0.4630, 0.3992, 0.1378, 0.0000]
    _check_weight_series(w, XU2004.columns)


def test_entropy_zavadskas_podvezko2016_published_example():
    # Zavadskas, E. K. & Podvezko, V. (2016). Integrated determination of objective criteria
    # weights in MCDM. IJITDM 15(02), 267–283: entropy weights 0.1146 0.1981 0.4185 0.2689 of
    # the raw matrix (transcribed in the pyrepo-mcda tests, link at the top of this file).
    X = pd.DataFrame([[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]])
    assert np.round(W.entropy(X).to_numpy(), 4).tolist() == [0.1146, 0.1981, 0.4185, 0.2689]


def test_entropy_hand_derived_two_units():
    # column a = (1, 3): p = (1/4, 3/4), e = −(¼ ln ¼ + ¾ ln ¾)/ln 2 = 0.811278…, d = 0.188722…
    # column b = (0, 2): p = (0, 1), 0·ln 0 = 0 so e = 0, d = 1
    X = pd.DataFrame({"a": [1.0, 3.0], "b": [0.0, 2.0]})
    d_a = 1 + (0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2)
    assert d_a == pytest.approx(0.18872187554086717, abs=1e-15)
    w, det = W.entropy(X, return_details=True)
    np.testing.assert_allclose(w.to_numpy(), [d_a / (d_a + 1), 1 / (d_a + 1)], atol=1e-15)
    np.testing.assert_allclose(det["d"].to_numpy(), [d_a, 1.0], atol=1e-15)


def _textbook_entropy(rows):
    """Plain-python 熵权法 on a list of rows (independent of toolkit)."""
    m, n = len(rows), len(rows[0])
    d = []
    for j in range(n):
        col = [r[j] for r in rows]
        s = sum(col)
        e = -sum((x / s) * math.log(x / s) for x in col if x > 0) / math.log(m)
        d.append(1 - e)
    return [x / sum(d) for x in d]


def test_entropy_matches_plain_python_computation():
    rows = SAMPLE.to_numpy().tolist()
    np.testing.assert_allclose(W.entropy(SAMPLE).to_numpy(), _textbook_entropy(rows), rtol=0, atol=1e-14)


def test_entropy_minmax_hand_pipeline_with_cost_and_shift():
    rows = SAMPLE.to_numpy()
    norm = []
    for r in rows:
        out = []
        for j, code in enumerate(SAMPLE.columns):
            lo, hi = rows[:, j].min(), rows[:, j].max()
            x = (r[j] - lo) / (hi - lo) if SAMPLE_DIRS[code] == 1 else (hi - r[j]) / (hi - lo)
            out.append(x + 1e-4)
        norm.append(out)
    expected = _textbook_entropy(norm)
    got = W.entropy_minmax(SAMPLE, SAMPLE_DIRS, shift=1e-4)
    np.testing.assert_allclose(got.to_numpy(), expected, atol=1e-14)
    _check_weight_series(got, SAMPLE.columns)
    # shift 0: the worst unit has x' = 0 and contributes 0·ln 0 = 0
    assert np.isfinite(W.entropy_minmax(SAMPLE, SAMPLE_DIRS).to_numpy()).all()
    with pytest.raises(SpecError, match="shift"):
        W.entropy_minmax(SAMPLE, SAMPLE_DIRS, shift=-1.0)


def test_entropy_adding_constant_indicator_leaves_other_weights_unchanged():
    base = W.entropy(SAMPLE)
    with pytest.warns(DegenerateIndicatorWarning, match="flat"):
        extended = W.entropy(SAMPLE.assign(flat=5.0))
    assert extended["flat"] == 0.0
    np.testing.assert_allclose(extended.drop("flat").to_numpy(), base.to_numpy(), rtol=0, atol=1e-15)


# ----------------------------------------------------------------------------- CRITIC
def test_critic_hand_derived():
    # a, b, c min-max to (0, ½, 1), (0, 1, ½), (1, 0, ½): equal σ; r_ab = ½, r_ac = −½, r_bc = −1.
    # C_a = σ(0 + ½ + 3/2) = 2σ, C_b = σ(½ + 0 + 2) = 2.5σ, C_c = σ(3/2 + 2 + 0) = 3.5σ.
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [0.0, 2.0, 1.0], "c": [2.0, 0.0, 1.0]})
    np.testing.assert_allclose(W.critic(X).to_numpy(), [0.25, 0.3125, 0.4375], atol=1e-15)
    # declaring c a cost indicator turns it into (0, 1, ½) = b: r_ac = +½, r_bc = +1, so
    # C_a = σ(½ + ½) = σ, C_b = σ(½ + 0) = ½σ, C_c = σ(½ + 0) = ½σ → w = (½, ¼, ¼)
    np.testing.assert_allclose(W.critic(X, {"a": 1, "b": 1, "c": -1}).to_numpy(), [0.5, 0.25, 0.25],
                               atol=1e-15)


def test_critic_independent_pandas_recomputation():
    benefit = (SAMPLE - SAMPLE.min()) / (SAMPLE.max() - SAMPLE.min())
    Z = benefit.apply(lambda col: col if SAMPLE_DIRS[col.name] == 1 else 1 - col)
    C = Z.std(ddof=1) * (1 - Z.corr()).sum()  # ddof=1 on purpose: it cancels
    w, det = W.critic(SAMPLE, SAMPLE_DIRS, return_details=True)
    np.testing.assert_allclose(w.to_numpy(), (C / C.sum()).to_numpy(), atol=1e-14)
    np.testing.assert_allclose(det["r"].to_numpy(), Z.corr().to_numpy(), atol=1e-14)


def test_critic_tus_aytac_adali2019_published_example():
    # The printed weights are reproduced when every column is min–max normalised as a benefit
    # column (as pyrepo-mcda and pymcdm do); C1 (price) is a cost criterion in the paper, and the
    # direction-aware variant (Diakoulaki 1995, our default with directions) gives other weights.
    w = W.critic(TUS2019)
    assert np.round(w.to_numpy(), 3).tolist() == [0.157, 0.249, 0.168, 0.121, 0.154, 0.151]
    aware = W.critic(TUS2019, [-1, 1, 1, 1, 1, 1])
    assert np.abs(aware.to_numpy() - w.to_numpy()).max() > 0.02


def test_critic_constant_column_weight_zero_and_r_treated_as_zero():
    X = SAMPLE.assign(flat=1.0)
    with pytest.warns(DegenerateIndicatorWarning, match="flat"):
        w, det = W.critic(X, {**SAMPLE_DIRS, "flat": 1}, return_details=True)
    assert w["flat"] == 0.0 and det["sigma"]["flat"] == 0.0
    assert (det["r"]["flat"].drop("flat") == 0).all()
    # documented consequence: the flat column adds 1 − 0 = 1 to every other conflict sum
    base = W.critic(SAMPLE, SAMPLE_DIRS, return_details=True)[1]
    np.testing.assert_allclose(det["C"].drop("flat").to_numpy(),
                               (base["C"] + base["sigma"]).to_numpy(), atol=1e-14)


def test_critic_needs_two_informative_indicators():
    with pytest.raises(DataError, match="at least 2 indicators"):
        W.critic(SAMPLE[["gdp"]])
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 4.0, 6.0]})  # r = 1 → C = 0 everywhere
    with pytest.raises(DataError, match="weights are undefined"):
        W.critic(X)


# ----------------------------------------------------------------------------- CV / std / equal
def test_cv_shuai2012_published_example():
    assert np.round(W.cv(XU2004).to_numpy(), 4).tolist() == [0.4258, 0.3610, 0.2121, 0.0011]


def test_cv_and_std_hand_derived():
    # a = (1, 3): mean 2, σ = 1 → V = ½; b = (4, 8): mean 6, σ = 2 → V = ⅓; w = (½, ⅓)/(5/6)
    # raw std weights (1, 2)/3; after min–max both columns are (0, 1) → equal std weights
    X = pd.DataFrame({"a": [1.0, 3.0], "b": [4.0, 8.0]})
    np.testing.assert_allclose(W.cv(X).to_numpy(), [0.6, 0.4], atol=1e-15)
    np.testing.assert_allclose(W.std(X, normalise=False).to_numpy(), [1 / 3, 2 / 3], atol=1e-15)
    np.testing.assert_allclose(W.std(X).to_numpy(), [0.5, 0.5], atol=1e-15)


def test_std_salabun2020_published_example():
    # Sałabun, Wątróbski & Shekhovtsov (2020). Are MCDA methods benchmarkable? Symmetry 12(9),
    # 1549, doi:10.3390/sym12091549: std weights 0.217 0.294 0.488 of the raw matrix
    # (transcribed in the pyrepo-mcda tests).
    X = np.array([[0.619, 0.449, 0.447], [0.862, 0.466, 0.006], [0.458, 0.698, 0.771],
                  [0.777, 0.631, 0.491], [0.567, 0.992, 0.968]])
    assert np.round(W.std(X, normalise=False).to_numpy(), 3).tolist() == [0.217, 0.294, 0.488]


def test_cv_rejects_non_positive_mean():
    with pytest.raises(DataError, match=r"'b' has mean .* ≤ 0"):
        W.cv(pd.DataFrame({"a": [1.0, 2.0], "b": [-1.0, 0.5]}))


def test_equal():
    w = W.equal(SAMPLE)
    _check_weight_series(w, SAMPLE.columns)
    assert w.tolist() == [0.25] * 4
    assert W.equal(["x", "y"]).tolist() == [0.5, 0.5]
    with pytest.raises(DataError, match="duplicate"):
        W.equal(["x", "x"])
    with pytest.raises(DataError, match="no indicators"):
        W.equal([])


# ----------------------------------------------------------------------------- degenerate data
ALL_OBJECTIVE = [
    ("entropy", lambda X: W.entropy(X)),
    ("entropy_minmax", lambda X: W.entropy_minmax(X, shift=1e-4)),
    ("critic", lambda X: W.critic(X)),
    ("cv", lambda X: W.cv(X)),
    ("std", lambda X: W.std(X)),
    ("pca", lambda X: W.pca(X)),
    ("pca_first", lambda X: W.pca(X, "first_component")),
]


@pytest.mark.parametrize(("name", "fn"), ALL_OBJECTIVE)
def test_constant_column_gets_zero_weight_and_warning(name, fn):
    X = SAMPLE.assign(flat=3.0)
    with pytest.warns(DegenerateIndicatorWarning, match="'flat'"):
        w = fn(X)
    assert w["flat"] == 0.0
    _check_weight_series(w, X.columns)


@pytest.mark.parametrize(("name", "fn"), ALL_OBJECTIVE)
def test_bad_input_raises_data_error(name, fn):
    with pytest.raises(DataError, match="at least"):
        fn(SAMPLE.iloc[:1])
    with pytest.raises(DataError, match=r"\['rd'\] have no data"):
        fn(SAMPLE.assign(rd=np.nan))
    with pytest.raises(DataError, match=r"indicator 'rd' has 1 missing or infinite value\(s\).*impute"):
        fn(SAMPLE.assign(rd=SAMPLE["rd"].where(SAMPLE.index != "zibo")))
    with pytest.raises(DataError, match=r"duplicate indicator code\(s\) \['rd'\]"):
        fn(pd.concat([SAMPLE, SAMPLE[["rd"]]], axis=1))


def test_entropy_rejects_negative_values_and_all_constant():
    with pytest.raises(DataError, match=r"negative value -1 at unit 'zibo', indicator 'emis'"):
        W.entropy(SAMPLE.assign(emis=SAMPLE["emis"].where(SAMPLE.index != "zibo", -1.0)))
    with pytest.warns(DegenerateIndicatorWarning), pytest.raises(DataError, match="weights are undefined"):
        W.entropy(pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]}))


def test_entropy_all_zero_column_is_treated_as_constant():
    with pytest.warns(DegenerateIndicatorWarning, match="'zero'"):
        w = W.entropy(SAMPLE.assign(zero=0.0))
    assert w["zero"] == 0.0
    np.testing.assert_allclose(w.drop("zero").to_numpy(), W.entropy(SAMPLE).to_numpy(), atol=1e-15)


def test_entropy_two_units_minimum_is_accepted():
    w = W.entropy(SAMPLE.iloc[:2])
    _check_weight_series(w, SAMPLE.columns)


# ----------------------------------------------------------------------------- PCA
def _rotation(theta):
    return np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])


def _same_up_to_sign_and_order(A, B, atol):
    return min(np.abs(np.abs(A[:, perm]) - np.abs(B)).max() for perm in ([0, 1], [1, 0])) < atol


def test_varimax_recovers_rotated_simple_structure():
    # A perfect simple structure maximises the varimax criterion, so rotating it by any angle
    # and applying varimax (raw) gives it back, up to column order and sign.
    L0 = np.array([[0.9, 0], [0.8, 0], [0.7, 0], [0, 0.9], [0, 0.8], [0, 0.6]])
    for theta in (0.2, 0.5, 1.0):
        rotated = W.varimax(L0 @ _rotation(theta), normalize=False)
        assert _same_up_to_sign_and_order(rotated, L0, 1e-10)
        np.testing.assert_allclose((rotated**2).sum(axis=1), (L0**2).sum(axis=1), atol=1e-12)


def test_varimax_kaiser_solution_does_not_depend_on_the_starting_rotation():
    # (Kaiser normalisation makes the rows of a perfect simple structure identical, a saddle
    # point for every varimax implementation, so use a matrix with small cross-loadings.)
    L0 = np.array([[0.9, 0.05], [0.8, 0.2], [0.7, 0.0], [0.1, 0.9], [0.25, 0.75], [0.0, 0.6]])
    ref = W.varimax(L0)
    for theta in (0.3, 0.7, 1.2):
        rotated = W.varimax(L0 @ _rotation(theta))
        assert _same_up_to_sign_and_order(rotated, ref, 1e-9)
        np.testing.assert_allclose((rotated**2).sum(axis=1), (L0**2).sum(axis=1), atol=1e-12)
    frame = pd.DataFrame(L0, index=list("abcdef"), columns=["F1", "F2"])
    out = W.varimax(frame)
    assert isinstance(out, pd.DataFrame) and list(out.index) == list("abcdef")


def test_varimax_agrees_with_scikit_learn_rotation():
    fa = pytest.importorskip("sklearn.decomposition._factor_analysis")
    if not hasattr(fa, "_ortho_rotation"):
        pytest.skip("private sklearn helper not available")
    rng = np.random.default_rng(7)
    for _ in range(5):
        L = rng.normal(size=(9, 3))
        expected = fa._ortho_rotation(L, method="varimax", tol=0.0, max_iter=5000).T
        np.testing.assert_allclose(W.varimax(L, normalize=False), expected, atol=1e-7)


def _two_block_data(n=60, seed=3):
    rng = np.random.default_rng(seed)
    f1, f2 = rng.normal(size=n), rng.normal(size=n)
    cols = {}
    for i, s in enumerate([0.2, 0.5, 0.9]):
        cols[f"a{i}"] = f1 + s * rng.normal(size=n)
    for i, s in enumerate([0.2, 0.8]):
        cols[f"b{i}"] = f2 + s * rng.normal(size=n)
    return pd.DataFrame(cols)


def test_pca_nicoletti_structure_and_details():
    X = _two_block_data()
    w, det = W.pca(X, return_details=True)
    _check_weight_series(w, X.columns)
    assert det["n_factors"] == 2
    groups = det["assignment"]
    assert groups["a0"] == groups["a1"] == groups["a2"] != groups["b0"] == groups["b1"]
    assert det["eigenvalues"].iloc[:2].gt(1).all() and det["eigenvalues"].iloc[2:].le(1).all()
    assert det["explained_variance_ratio"].sum() == pytest.approx(1.0)
    # the less noisy indicator of a block loads higher and gets more weight
    assert w["a0"] > w["a1"] > w["a2"] and w["b0"] > w["b1"]


def test_pca_nicoletti_independent_recomputation():
    # PCA via scikit-learn, varimax (with Kaiser normalisation) via scikit-learn's rotation,
    # then the Handbook weighting written out here.
    sk = pytest.importorskip("sklearn.decomposition")
    fa = pytest.importorskip("sklearn.decomposition._factor_analysis")
    X = _two_block_data(seed=11)
    Z = (X - X.mean()) / X.std(ddof=1)
    model = sk.PCA().fit(Z.to_numpy())
    vals = model.explained_variance_  # ddof=1 covariance of z-scores = correlation matrix
    k = int((vals > 1).sum())
    L = model.components_[:k].T * np.sqrt(vals[:k])
    h = np.sqrt((L**2).sum(axis=1))
    R = fa._ortho_rotation(L / h[:, None], method="varimax", tol=0.0, max_iter=5000).T * h[:, None]
    sq = R**2
    ev = sq.sum(axis=0)
    f = sq.argmax(axis=1)
    raw = np.array([sq[j, f[j]] / ev[f[j]] * ev[f[j]] / ev.sum() for j in range(len(f))])
    np.testing.assert_allclose(W.pca(X).to_numpy(), raw / raw.sum(), atol=1e-7)


def test_pca_first_component_matches_sklearn():
    sk = pytest.importorskip("sklearn.decomposition")
    X = _two_block_data(seed=5)
    Z = (X - X.mean()) / X.std(ddof=1)
    v1 = np.abs(sk.PCA().fit(Z.to_numpy()).components_[0])
    np.testing.assert_allclose(W.pca(X, "first_component").to_numpy(), v1 / v1.sum(), atol=1e-10)


def test_pca_retention_options():
    X = _two_block_data()
    vals = W.pca(X, return_details=True)[1]["eigenvalues"]
    share = vals / vals.sum()
    assert W.pca(X, n_factors=3, return_details=True)[1]["n_factors"] == 3
    assert W.pca(X, n_factors=1, return_details=True)[1]["n_factors"] == 1
    # min_share above the second factor's share keeps one factor
    assert W.pca(X, min_share=float(share.iloc[1]) + 1e-9, return_details=True)[1]["n_factors"] == 1
    # min_cumulative above the share of the first two factors adds a third
    need = float(share.iloc[:2].sum()) + 1e-9
    assert W.pca(X, min_cumulative=need, return_details=True)[1]["n_factors"] == 3
    with pytest.raises(DataError, match="n_factors"):
        W.pca(X, n_factors=9)
    with pytest.raises(SpecError, match="method"):
        W.pca(X, method="pc1")
    with pytest.raises(DataError, match="at least 3 units"):
        W.pca(X.iloc[:2])


# ----------------------------------------------------------------------------- combine
A_VEC = pd.Series([0.5, 0.3, 0.2], index=["x", "y", "z"])
B_VEC = pd.Series([0.3, 0.3, 0.4], index=["x", "y", "z"])


def test_combine_game_theory_hand_derived():
    # G = [[.38, .32], [.32, .34]], b = (.38, .34): det = .0268, α = (.0204, .0076)/.0268,
    # α* = (51/70, 19/70), w = 51/70·a + 19/70·b = (31.2/70, 0.3, 17.8/70)
    w, det = W.combine({"ahp": A_VEC, "entropy": B_VEC}, "game_theory", return_details=True)
    np.testing.assert_allclose(det["alpha"].to_numpy(), [51 / 70, 19 / 70], atol=1e-14)
    np.testing.assert_allclose(det["alpha_raw"].to_numpy(), [0.0204 / 0.0268, 0.0076 / 0.0268], atol=1e-13)
    np.testing.assert_allclose(w.to_numpy(), [31.2 / 70, 0.3, 17.8 / 70], atol=1e-14)
    _check_weight_series(w, ["x", "y", "z"])


def test_combine_game_theory_symmetric_pair_is_the_average():
    a = pd.Series([0.5, 0.3, 0.2], index=list("xyz"))
    b = pd.Series([0.2, 0.3, 0.5], index=list("xyz"))
    w, det = W.combine({"a": a, "b": b}, "game_theory", return_details=True)
    np.testing.assert_allclose(det["alpha"].to_numpy(), [0.5, 0.5], atol=1e-15)
    np.testing.assert_allclose(w.to_numpy(), [0.35, 0.3, 0.35], atol=1e-15)


def test_combine_other_methods_hand_derived():
    vecs = {"a": A_VEC, "b": B_VEC}
    np.testing.assert_allclose(W.combine(vecs).to_numpy(), [0.4, 0.3, 0.3], atol=1e-15)
    np.testing.assert_allclose(W.combine(vecs, coefficients={"a": 0.7, "b": 0.3}).to_numpy(),
                               [0.44, 0.3, 0.26], atol=1e-15)
    np.testing.assert_allclose(W.combine(vecs, coefficients=[2, 2]).to_numpy(), [0.4, 0.3, 0.3], atol=1e-15)
    prod = np.array([0.15, 0.09, 0.08])
    np.testing.assert_allclose(W.combine(vecs, "multiplicative").to_numpy(), prod / prod.sum(), atol=1e-15)
    root = np.sqrt(prod)
    np.testing.assert_allclose(W.combine(vecs, "min_info").to_numpy(), root / root.sum(), atol=1e-15)
    # a DataFrame with one column per method works the same; unnormalised input is rescaled
    frame = pd.DataFrame({"a": A_VEC * 10, "b": B_VEC})
    np.testing.assert_allclose(W.combine(frame, "min_info").to_numpy(), root / root.sum(), atol=1e-15)


def test_combine_validation():
    with pytest.raises(DataError, match="does not cover"):
        W.combine({"a": A_VEC, "b": B_VEC.drop("z")})
    with pytest.raises(DataError, match="negative weight for indicator 'y'"):
        W.combine({"a": A_VEC, "b": B_VEC.where(B_VEC.index != "y", -0.3)})
    with pytest.raises(DataError, match="unknown method"):
        W.combine({"a": A_VEC}, "nash")
    with pytest.raises(DataError, match="only apply"):
        W.combine({"a": A_VEC, "b": B_VEC}, "game_theory", coefficients=[0.5, 0.5])
    with pytest.raises(DataError, match="non-negative"):
        W.combine({"a": A_VEC, "b": B_VEC}, coefficients=[1.5, -0.5])
    with pytest.raises(DataError, match="0 for every indicator"):
        W.combine({"a": pd.Series([1.0, 0.0], index=["x", "y"]), "b": pd.Series([0.0, 1.0], index=["x", "y"])},
                  "multiplicative")
    # order of the first vector wins, other vectors are aligned by code
    w = W.combine({"a": A_VEC, "b": B_VEC.iloc[::-1]})
    assert list(w.index) == ["x", "y", "z"]
    np.testing.assert_allclose(w.to_numpy(), [0.4, 0.3, 0.3], atol=1e-15)


weight_vectors = st.integers(2, 8).flatmap(
    lambda n: st.lists(arrays(float, n, elements=st.floats(0.01, 10.0)), min_size=2, max_size=4))


@settings(max_examples=80, deadline=None)
@given(weight_vectors)
def test_combine_properties(raw_vectors):
    codes = [f"i{j}" for j in range(len(raw_vectors[0]))]
    vecs = {f"m{k}": pd.Series(v / v.sum(), index=codes) for k, v in enumerate(raw_vectors)}
    for method in ("linear", "multiplicative", "min_info", "game_theory"):
        w, det = W.combine(vecs, method, return_details=True)
        _check_weight_series(w, codes)
        if det["alpha"] is not None:
            assert det["alpha"].sum() == pytest.approx(1.0, abs=1e-12) and (det["alpha"] >= 0).all()
    # identical inputs combine to themselves (multiplicative gives u²/Σu² instead)
    u = vecs["m0"].to_numpy()
    same = {"p": vecs["m0"], "q": vecs["m0"]}
    for method in ("linear", "min_info", "game_theory"):
        np.testing.assert_allclose(W.combine(same, method).to_numpy(), u, atol=1e-12)
    np.testing.assert_allclose(W.combine(same, "multiplicative").to_numpy(), u**2 / (u**2).sum(), atol=1e-12)
    # the game-theory α solves the first-order system Σ_k α_k u_l·u_k = u_l·u_l
    U = np.vstack([v.to_numpy() for v in vecs.values()])
    G = U @ U.T
    alpha = W.combine(vecs, "game_theory", return_details=True)[1]["alpha_raw"].to_numpy()
    if np.linalg.cond(G) < 1e8:
        np.testing.assert_allclose(G @ alpha, np.diag(G), atol=1e-9)


# ----------------------------------------------------------------------------- from_file
def test_from_file_csv_and_yaml(tmp_path):
    csv = tmp_path / "w.csv"
    csv.write_text("code,weight\ngdp,2\nrd,1\nemis,1\n", encoding="utf-8-sig")  # Excel-style BOM
    w = W.from_file(csv)
    assert w.name == "weight" and w.to_dict() == {"gdp": 0.5, "rd": 0.25, "emis": 0.25}
    reordered = W.from_file(csv, columns=["rd", "emis", "gdp"])
    assert list(reordered.index) == ["rd", "emis", "gdp"]
    yml = tmp_path / "w.yaml"
    yml.write_text("weights:\n  gdp: 0.2\n  rd: 0.3\n  emis: 0.5\n", encoding="utf-8")
    assert W.from_file(yml).to_dict() == pytest.approx({"gdp": 0.2, "rd": 0.3, "emis": 0.5})
    records = tmp_path / "r.yml"
    records.write_text("- {code: gdp, weight: 1}\n- {code: rd, weight: 3}\n", encoding="utf-8")
    assert W.from_file(records).to_dict() == {"gdp": 0.25, "rd": 0.75}


@pytest.mark.parametrize(
    ("text", "suffix", "kwargs", "pattern"),
    [
        ("code,weight\ngdp,1\nrd,-1\n", ".csv", {}, r"'rd' has weight -1"),
        ("code,weight\ngdp,1\nrd,abc\n", ".csv", {}, r"'rd' has weight nan"),
        ("code,weight\ngdp,1\ngdp,2\n", ".csv", {}, "listed twice"),
        ("code,w\ngdp,1\n", ".csv", {}, "needs columns 'code' and 'weight'"),
        ("code,weight\ngdp,0\nrd,0\n", ".csv", {}, "sum to 0"),
        ("code,weight\ngdp,1\nxx,1\n", ".csv", {"columns": ["gdp", "rd"]}, r"unknown indicator code\(s\) \['xx'\]"),
        ("code,weight\ngdp,1\n", ".csv", {"columns": ["gdp", "rd"]}, r"no weight given for indicator\(s\) \['rd'\]"),
        ("[1, 2]\n", ".yaml", {}, "mapping code"),
        ("gdp: 1\n", ".txt", {}, "unsupported file type"),
    ],
)
def test_from_file_errors(tmp_path, text, suffix, kwargs, pattern):
    path = tmp_path / f"weights{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=pattern):
        W.from_file(path, **kwargs)


def test_from_file_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        W.from_file(tmp_path / "absent.csv")


# ----------------------------------------------------------------------------- properties
positive_matrices = st.tuples(st.integers(3, 12), st.integers(2, 6)).flatmap(
    lambda shape: arrays(float, shape, elements=st.floats(0.1, 1000.0)))


def _informative(M: np.ndarray) -> bool:
    if (np.ptp(M, axis=0) <= 1e-6 * np.abs(M).max(axis=0)).any():
        return False
    r = np.corrcoef(M, rowvar=False)
    return bool(np.abs(r - np.eye(M.shape[1])).max() < 0.999999)


@settings(max_examples=60, deadline=None)
@given(positive_matrices)
def test_every_method_gives_non_negative_weights_summing_to_one(M):
    assume(_informative(M))
    X = pd.DataFrame(M, columns=[f"x{j}" for j in range(M.shape[1])])
    dirs = [1 if j % 2 == 0 else -1 for j in range(M.shape[1])]
    results = [
        W.entropy(X), W.entropy_minmax(X, dirs), W.entropy_minmax(X, dirs, shift=1e-4),
        W.critic(X, dirs), W.critic(X, dirs, normalise=False), W.cv(X), W.std(X, dirs),
        W.std(X, normalise=False), W.pca(X), W.pca(X, "first_component"), W.equal(X),
    ]
    for w in results:
        _check_weight_series(w, X.columns)


@settings(max_examples=60, deadline=None)
@given(positive_matrices, st.floats(1e-3, 1e3), st.data())
def test_positive_scaling_of_a_column_leaves_weights_unchanged(M, factor, data):
    assume(_informative(M))
    j = data.draw(st.integers(0, M.shape[1] - 1))
    X = pd.DataFrame(M, columns=[f"x{k}" for k in range(M.shape[1])])
    Y = X.copy()
    Y.iloc[:, j] = Y.iloc[:, j] * factor
    for fn in (W.entropy, W.entropy_minmax, W.critic, W.cv, W.std):
        np.testing.assert_allclose(fn(Y).to_numpy(), fn(X).to_numpy(), rtol=1e-9, atol=1e-10)
    # PCA weights are scale-free too, but only well defined when the eigenvalues are distinct
    # and none sits on the retention threshold of 1
    vals = np.linalg.eigvalsh(np.corrcoef(M, rowvar=False))
    if np.diff(vals).min() > 1e-6 and np.abs(vals - 1).min() > 1e-6:
        for method in ("nicoletti", "first_component"):
            np.testing.assert_allclose(W.pca(Y, method).to_numpy(), W.pca(X, method).to_numpy(), atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(positive_matrices)
def test_entropy_ignores_added_constant_indicator(M):
    assume(_informative(M))
    X = pd.DataFrame(M, columns=[f"x{k}" for k in range(M.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        ext = W.entropy(X.assign(flat=7.0))
    np.testing.assert_allclose(ext.drop("flat").to_numpy(), W.entropy(X).to_numpy(), atol=1e-14)


# ----------------------------------------------------------------------------- peer libraries (dev only)
PEER_X = pd.DataFrame(np.random.default_rng(2024).uniform(1.0, 100.0, size=(15, 5)),
                      columns=["p1", "p2", "p3", "p4", "p5"])
PEER_TYPES = np.array([1, -1, 1, 1, -1])


def test_peer_pymcdm_agrees():
    # pymcdm 1.4.0: entropy on raw positive data (p = x/Σx), CRITIC with benefit-only min-max,
    # std on raw data (ddof=1; cancels), AHP eigenvector and CR with the Tummala–Ling RI table.
    pw = pytest.importorskip("pymcdm.weights")
    M = PEER_X.to_numpy()
    np.testing.assert_allclose(W.entropy(PEER_X).to_numpy(), pw.entropy_weights(M), atol=1e-9)
    np.testing.assert_allclose(W.critic(PEER_X).to_numpy(), pw.critic_weights(M), atol=1e-9)
    np.testing.assert_allclose(W.std(PEER_X, normalise=False).to_numpy(),
                               pw.standard_deviation_weights(M), atol=1e-9)
    subjective = pytest.importorskip("pymcdm.weights.subjective")
    model = subjective.AHP(matrix=DRINKS_MATRIX)
    res = W.ahp(DRINKS_MATRIX, DRINKS, ri="tummala_ling1998")
    np.testing.assert_allclose(res.weights.to_numpy(), model(), atol=1e-9)
    assert res.cr == pytest.approx(model.get_cr(), abs=1e-9)


def test_peer_pyrepo_agrees():
    # pyrepo-mcda 0.1.15: entropy_weighting(minmax_normalization(X, types)) is the textbook
    # pipeline; critic_weighting min-maxes every column as benefit; std on raw data.
    pm = pytest.importorskip("pyrepo_mcda.weighting_methods")
    norms = pytest.importorskip("pyrepo_mcda.normalizations")
    M = PEER_X.to_numpy()
    mm = norms.minmax_normalization(M, PEER_TYPES)
    np.testing.assert_allclose(W.entropy(PEER_X).to_numpy(), pm.entropy_weighting(M), atol=1e-9)
    np.testing.assert_allclose(W.entropy_minmax(PEER_X, PEER_TYPES).to_numpy(), pm.entropy_weighting(mm),
                               atol=1e-9)
    np.testing.assert_allclose(W.entropy_minmax(PEER_X, PEER_TYPES, shift=1e-4).to_numpy(),
                               pm.entropy_weighting(mm + 1e-4), atol=1e-9)
    np.testing.assert_allclose(W.critic(PEER_X).to_numpy(), pm.critic_weighting(M), atol=1e-9)
    np.testing.assert_allclose(W.std(PEER_X, normalise=False).to_numpy(), pm.std_weighting(M), atol=1e-9)
    np.testing.assert_allclose(W.std(PEER_X, PEER_TYPES).to_numpy(), pm.std_weighting(mm), atol=1e-9)
    np.testing.assert_allclose(W.cv(PEER_X).to_numpy(), pm.coeff_var_weighting(M), atol=1e-9)


def test_peer_scikit_criteria_agrees():
    # scikit-criteria 0.10: CRITIC with direction-aware min-max (Diakoulaki 1995), entropy via
    # scipy.stats.entropy (same 0·ln0 = 0 convention), std on raw data.
    sw = pytest.importorskip("skcriteria.preprocessing.weighters")
    M = PEER_X.to_numpy()
    np.testing.assert_allclose(W.critic(PEER_X, PEER_TYPES).to_numpy(), sw.critic_weights(M, PEER_TYPES),
                               atol=1e-9)
    np.testing.assert_allclose(W.entropy(PEER_X).to_numpy(), sw.entropy_weights(M), atol=1e-9)
    lo, hi = M.min(axis=0), M.max(axis=0)
    mm = np.where(PEER_TYPES > 0, M - lo, hi - M) / (hi - lo)
    np.testing.assert_allclose(W.entropy_minmax(PEER_X, PEER_TYPES).to_numpy(), sw.entropy_weights(mm),
                               atol=1e-9)
    np.testing.assert_allclose(W.std(PEER_X, normalise=False).to_numpy(), sw.std_weights(M), atol=1e-9)


_VARIMAX_CASES = {
    # issue 11's case: scaling x0 by 3 moved the weight of x0 from 0.198 to 0.075 (x5 the other way)
    "issue-11": (0.10000000000000002, {
        (0, 1): 463.98289083187433, (0, 4): 684.94153569196885, (1, 2): 351.10534895559169,
        (3, 2): 200.00756689100254, (3, 3): 292.48420185598519, (4, 3): 742.45988423293784,
        (5, 1): 633.63817691075621, (6, 5): 292.48420185598519, (7, 0): 423.70157279903736},
        [0.1949, 0.1809, 0.0709, 0.2024, 0.1561, 0.1949]),
    # found by Hypothesis after the multi-start fix: x3 and x4 are mirror images (eigenvalues 1.125
    # and 1.1253), and rounding noise decided which of two equally good optima varimax reached
    "mirror-optima": (0.1, {
        (0, 3): 609.5226360356894, (1, 1): 876.8881401877336, (3, 0): 196.27722431998757, (3, 1): 1.5,
        (3, 2): 712.0057234967787, (3, 5): 1000.0, (6, 0): 463.15410415076354, (7, 4): 520.9537903001647,
        (8, 5): 482.0581889632115},
        [0.0666, 0.1967, 0.2243, 0.1061, 0.1838, 0.2225]),
}


@pytest.mark.parametrize("case", sorted(_VARIMAX_CASES))
def test_varimax_regression_scaling_a_column_keeps_the_nicoletti_weights(case):
    """Issue 11: matrices where scaling column 0 changed the Nicoletti PCA weights although the
    correlation matrix is the same, because varimax (one start, from the identity) stopped at a
    different optimum. The correlation matrix is now rounded to 12 decimals before the
    eigen-decomposition and varimax keeps the best of several fixed starts, so the weights depend on
    the correlation matrix alone: bit for bit equal here."""
    base, spikes, expected = _VARIMAX_CASES[case]
    M = np.full((9, 6), base)
    for (i, j), v in spikes.items():
        M[i, j] = v
    X = pd.DataFrame(M, columns=[f"x{k}" for k in range(6)])
    w = W.pca(X).to_numpy()
    for factor in (3.0, 2.0, 0.5, 7.0, 1000.0):
        Y = X.copy()
        Y["x0"] = Y["x0"] * factor
        np.testing.assert_allclose(W.pca(Y).to_numpy(), w, rtol=0, atol=1e-12, err_msg=f"x0 × {factor}")
    np.testing.assert_allclose(w, expected, atol=5e-5)
