"""toolkit.analysis.audit: correlations, Cronbach's alpha, KMO/Bartlett, PCA, coverage and the audit report.

Cross-checks: scipy (correlation p-values), pingouin (alpha), factor_analyzer (KMO, Bartlett),
scikit-learn (PCA), on the demo data; hand-derived numbers for small matrices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import toolkit
from toolkit import audit as A
from toolkit.errors import DataError, SpecError

from ..conftest import DEMO_CSV


@pytest.fixture(scope="module")
def result():
    return toolkit.build_index(toolkit.read_indicators(DEMO_CSV), "configs/default.yaml")


@pytest.fixture(scope="module")
def X(result):
    return A.indicator_frame(result)


@pytest.fixture(scope="module")
def blocks(result, X):
    dim = {c: result.framework.ancestor(c, "dimension") for c in X}
    out = {d: [c for c in X if dim[c] == d] for d in result.framework.dimensions.index}
    return {**out, "all": list(X.columns)}


@pytest.fixture(scope="module")
def report(result):
    return A.audit(result)


# ----------------------------------------------------------------------------- correlations
@pytest.mark.parametrize("method, ref", [("pearson", stats.pearsonr), ("spearman", stats.spearmanr),
                                         ("kendall", stats.kendalltau)])
def test_correlations_match_scipy_with_pairwise_missing_values(result, method, ref):
    raw = result.raw[["L1P1", "L1P2", "L2P2", "L5P1"]]  # raw data: has missing cells
    assert raw.isna().any().sum() >= 2
    R, P = A.correlations(raw, method=method)
    for a, b in [("L1P1", "L1P2"), ("L1P2", "L2P2"), ("L2P2", "L5P1")]:
        ok = raw[[a, b]].dropna()
        res = ref(ok[a], ok[b])
        assert R.at[a, b] == pytest.approx(res.statistic, abs=1e-12)
        assert P.at[a, b] == pytest.approx(res.pvalue, rel=1e-9, abs=1e-300)
        assert R.at[b, a] == R.at[a, b]
    if method != "kendall":
        pd.testing.assert_frame_equal(R, raw.corr(method=method), atol=1e-12)


def test_correlations_tidy_and_rectangular(X, result):
    tidy = A.correlations(X, tidy=True)
    assert len(tidy) == 28 * 27 // 2 and list(tidy.columns) == ["x", "y", "r", "p", "n"]
    assert (tidy["n"] == 250).all()  # 50 brains × 5 years
    R, _ = A.correlations(X, result.scores[["L1", "INDEX"]])
    assert R.shape == (28, 2)
    assert R.at["L1P1", "INDEX"] == pytest.approx(np.corrcoef(X["L1P1"], result.composite)[0, 1])


def test_correlations_degenerate_columns_give_nan_not_errors():
    X = pd.DataFrame({"a": [1.0, 2, 3, 4], "const": 5.0, "b": [1.0, np.nan, np.nan, 2]})
    R, P = A.correlations(X)
    assert np.isnan(R.at["a", "const"]) and np.isnan(P.at["a", "const"])
    assert np.isnan(R.at["a", "b"])  # two complete pairs < min_periods = 3
    with pytest.raises(DataError, match="method"):
        A.correlations(X, method="cosine")


# ---------------------------------------------------------------------------- Cronbach's α
def test_cronbach_alpha_hand_computed():
    # var a = 5/3, var b = 19/12, var c = 11/12 (Σ = 25/6); total a+b+c = [6, 8, 10, 14], var 35/3
    # α = 3/2 · (1 − (25/6)/(35/3)) = 27/28
    X = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 3, 5], "c": [3, 3, 4, 5]})
    out = A.cronbach_alpha(X)
    assert out.at["all", "alpha"] == pytest.approx(27 / 28, abs=1e-12)
    C = X.cov().to_numpy()
    k = 3
    coinr = k ** 2 * (C.sum() - np.trace(C)) / (k * (k - 1)) / C.sum()  # COINr get_cronbach
    assert coinr == pytest.approx(27 / 28, abs=1e-12)
    r = X.corr().to_numpy()[np.triu_indices(3, 1)].mean()
    assert out.at["all", "alpha_std"] == pytest.approx(3 * r / (1 + 2 * r))


def test_cronbach_alpha_matches_pingouin_on_demo(X, blocks):
    pg = pytest.importorskip("pingouin")
    groups = {c: d for d, cols in blocks.items() if d != "all" for c in cols}
    ours = A.cronbach_alpha(X, groups)
    assert list(ours.index) == ["L1", "L2", "L3", "L4", "L5"]
    for d in ours.index:
        assert ours.at[d, "alpha"] == pytest.approx(pg.cronbach_alpha(X[blocks[d]])[0], abs=1e-12)
        # the two textbook forms agree on complete data
        tot = X[blocks[d]].sum(axis=1).var()
        k = len(blocks[d])
        assert ours.at[d, "alpha"] == pytest.approx(k / (k - 1) * (1 - X[blocks[d]].var().sum() / tot))
    assert ours.at["L1", "alpha"] == pytest.approx(0.9076, abs=5e-5)


def test_cronbach_alpha_pairwise_matches_published_psych_example():
    pg = pytest.importorskip("pingouin")
    data = pg.read_dataset("cronbach_wide_missing")  # pingouin docs: psych::alpha(use="pairwise")
    assert A.cronbach_alpha(data).at["all", "alpha"] == pytest.approx(0.732660835214447, abs=1e-12)


def test_cronbach_alpha_degenerate_inputs_have_reasons():
    X = pd.DataFrame({"a": [1.0, 2, 3], "b": [2.0, 2, 2], "c": [1.0, 3, 2], "d": [4.0, 4, 4]})
    out = A.cronbach_alpha(X, {"a": "one", "b": "flat", "d": "flat", "c": "mixed"})
    assert np.isnan(out.at["one", "alpha"]) and "one indicator" in out.at["one", "reason"]
    assert np.isnan(out.at["flat", "alpha"]) and out.at["flat", "reason"] == "no variance"
    tiny = A.cronbach_alpha(X.iloc[:1])
    assert np.isnan(tiny.at["all", "alpha"]) and "fewer than 2" in tiny.at["all", "reason"]
    with pytest.raises(DataError, match="no group"):
        A.cronbach_alpha(X, {"a": "g"})


# ----------------------------------------------------------------------- KMO and Bartlett
def test_kmo_and_bartlett_match_factor_analyzer(X, blocks):
    fa = pytest.importorskip("factor_analyzer.factor_analyzer")
    for d, cols in blocks.items():
        ours, bart = A.kmo(X[cols]), A.bartlett_sphericity(X[cols])
        per_item, total = fa.calculate_kmo(X[cols])
        chi2, p = fa.calculate_bartlett_sphericity(X[cols])
        assert ours.overall == pytest.approx(total, abs=1e-10), d
        np.testing.assert_allclose(ours.msa.to_numpy(), per_item, atol=1e-10)
        assert bart.chi2 == pytest.approx(chi2, rel=1e-9) and bart.p == pytest.approx(p, rel=1e-9)
        assert bart.df == len(cols) * (len(cols) - 1) / 2 and bart.n == 250
    assert A.kmo(X).overall == pytest.approx(0.8246, abs=5e-5)
    assert A.kmo(X[blocks["L4"]]).overall == pytest.approx(0.5)  # two variables: 0.5 always


def test_kmo_bartlett_degenerate_inputs():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(20, 3)), columns=["a", "b", "c"]).assign(k=1.0)
    out = A.kmo(X)
    assert np.isnan(out.msa["k"]) and np.isfinite(out.overall) and "k" in out.reason
    assert A.bartlett_sphericity(X).df == 3  # the constant column is left out
    collinear = X.assign(d=2 * X["a"] + 1)
    assert np.isnan(A.kmo(collinear).overall) and "singular" in A.kmo(collinear).reason
    assert np.isnan(A.bartlett_sphericity(collinear).chi2)
    assert np.isnan(A.kmo(X[["a"]]).overall) and "at least 2" in A.kmo(X[["a"]]).reason
    assert np.isnan(A.bartlett_sphericity(X.iloc[:2]).p)


# ------------------------------------------------------------------------------------ PCA
def test_pca_summary_matches_scikit_learn(X, blocks):
    from sklearn.decomposition import PCA

    for cols in blocks.values():
        ours = A.pca_summary(X[cols])
        Z = (X[cols] - X[cols].mean()) / X[cols].std()  # prcomp(scale = TRUE): sd with n − 1
        sk = PCA().fit(Z)
        np.testing.assert_allclose(ours.table["eigenvalue"], sk.explained_variance_, atol=1e-10)
        np.testing.assert_allclose(ours.table["explained"], sk.explained_variance_ratio_, atol=1e-12)
        signs = np.sign((ours.eigenvectors.to_numpy() * sk.components_.T).sum(axis=0))
        np.testing.assert_allclose(ours.eigenvectors.to_numpy(), sk.components_.T * signs, atol=1e-8)
        np.testing.assert_allclose(ours.scores.to_numpy(), sk.transform(Z) * signs, atol=1e-8)
        assert ours.n_kaiser == int((sk.explained_variance_ > 1).sum())
        cum = np.cumsum(sk.explained_variance_ratio_)
        assert ours.n_cumulative == int(np.argmax(cum >= 0.6) + 1)
        assert (ours.eigenvectors.sum() >= 0).all()
    full = A.pca_summary(X)
    assert (full.n_kaiser, full.n_cumulative) == (6, 3)
    assert full.table.at["PC1", "explained"] == pytest.approx(0.3476, abs=5e-5)
    assert A.pca_summary(X, cumulative=0.85).n_cumulative > full.n_cumulative
    # loadings are the indicator–component correlations
    assert full.loadings.at["L1P1", "PC1"] == pytest.approx(np.corrcoef(X["L1P1"], full.scores["PC1"])[0, 1])


def test_pca_summary_degenerate():
    one = A.pca_summary(pd.DataFrame({"a": [1.0, 2, 4]}))
    assert one.table.empty and one.n_kaiser == 0 and "at least 2" in one.reason
    with pytest.raises(DataError):
        A.pca_summary(pd.DataFrame({"a": [1.0, 2], "b": [2.0, 1]}), cumulative=1.5)


# ------------------------------------------------------------------------------- coverage
def test_coverage_screening_rule_hand_built():
    n = np.nan
    X = pd.DataFrame({"i1": [1, 1, 1, n, n], "i2": [1, 1, n, n, 1], "i3": [1, 1, 1, n, 1],
                      "i4": [1, n, n, n, 1]}, index=pd.Index(list("ABCDE"), name="unit_id"))
    table, failing = A.coverage(X)
    assert table["coverage"].tolist() == [1.0, 0.75, 0.5, 0.0, 0.75]
    assert failing == ["C", "D"]  # below 65 %
    assert A.coverage(X, threshold=0.5).failing == ["D"]  # exactly the threshold passes
    ind = A.coverage(X, by="indicator")
    assert ind.table["coverage"].tolist() == [0.6, 0.6, 0.8, 0.4] and ind.failing == ["i1", "i2", "i4"]
    # 13 of 20 present is exactly 65 %: passes
    Y = pd.DataFrame([[1.0] * 13 + [n] * 7, [1.0] * 12 + [n] * 8])
    assert A.coverage(Y).failing == [1]
    with pytest.raises(DataError, match="by"):
        A.coverage(X, by="year")


def test_coverage_of_indicator_data_and_result(result):
    data = toolkit.read_indicators(DEMO_CSV)
    table, failing = A.coverage(data)
    assert table.shape[0] == 250 and failing == []
    assert table["n_present"].sum() == result.raw.notna().sum().sum()
    pd.testing.assert_frame_equal(table.sort_index(), A.coverage(result).table.sort_index())


# ------------------------------------------------------------------------------------ flags
def _planted():
    rng = np.random.default_rng(7)
    f = rng.normal(size=60)
    X = pd.DataFrame({
        "a1": f + 0.6 * rng.normal(size=60),
        "a2": f + 0.6 * rng.normal(size=60),
        "a3": f + 0.6 * rng.normal(size=60),
        "a4": -f + 0.5 * rng.normal(size=60),           # against its dimension
        "b1": rng.normal(size=60),
    })
    X["b2"] = X["b1"] + 0.05 * rng.normal(size=60)      # near-collinear with b1
    X["b3"] = 0.3 * rng.normal(size=60)                  # unrelated, small: weak with its parent
    return X, {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B", "b3": "B"}


def test_correlation_flags_planted_matrix():
    X, groups = _planted()
    flags = A.correlation_flags(X, groups)
    got = {(r.check, r.item, r.other) for r in flags.itertuples()}
    assert got == {("negative", "a4", "A"), ("collinear", "b1", "b2"), ("weak", "b3", "B")}
    neg = flags.set_index("check").loc["negative"]
    dim_a = X[["a1", "a2", "a3", "a4"]].mean(axis=1)
    assert neg["value"] == pytest.approx(np.corrcoef(X["a4"], dim_a)[0, 1])
    assert neg["value"] < 0 and neg["threshold"] == 0.0
    # COINr's plot_corr colour rule: only r < −0.4 is "negative"
    loose = A.correlation_flags(X, groups, thresholds={"negative": -0.99, "collinear": 0.999})
    assert set(loose["check"]) == {"weak"} and set(loose["item"]) == {"a4", "b3"}
    with pytest.raises(SpecError, match="unknown threshold"):
        A.correlation_flags(X, groups, thresholds={"colinear": 0.8})


# ------------------------------------------------------------------------------ the report
def test_audit_report_on_demo(result, report, X, blocks):
    assert report.correlations.shape == (28, 28) and report.structure.shape[0] == 28
    assert report.dimensions.index.tolist() == ["L1", "L2", "L3", "L4", "L5", "all"]
    pd.testing.assert_series_equal(report.dimensions.loc[["L1", "L2", "L3", "L4", "L5"], "alpha"],
                                   A.cronbach_alpha(X, report.structure["dimension"])["alpha"],
                                   check_names=False)
    s = report.structure.loc["L2P1"]
    assert s["dimension"] == "L2" and s["r_dimension"] == pytest.approx(
        np.corrcoef(result.scores["L2P1"], result.scores["L2"])[0, 1])
    assert s["r_index"] == pytest.approx(np.corrcoef(result.scores["L2P1"], result.composite)[0, 1])
    flags = report.flags
    got = {(r.check, r.item) for r in flags.itertuples()}
    assert got == {("collinear", "L1P5"), ("multidimensional", "L1")}
    assert flags.set_index("check").at["collinear", "value"] == pytest.approx(0.9102, abs=5e-5)
    assert report.dimensions.at["L1", "n_kaiser"] == 2
    summary = report.summary("zh")
    assert summary.at["L1", "name"] == "产业发展水平" and summary.at["L1", "flags"] == 2
    assert summary["flags"].sum() == len(flags)
    assert report.pca.loc["L4"].shape[0] == 2
    assert report.loadings.loc["L4"].index.tolist() == ["L4P1", "L4P2"]
    assert report.failing_units == []


def test_audit_one_year_leaf_level_and_thresholds(result):
    rep = A.audit(result, year=2025, level="leaf", method="spearman",
                  thresholds={"collinear": 0.99, "coverage": 0.99})
    assert rep.structure.shape[0] == 30 and (rep.dimensions["n"] == 50).all()
    assert rep.structure.at["L2P1_STORAGE", "parent"] == "L2P1"
    assert "collinear" not in set(rep.flags["check"])
    cov = rep.coverage_units
    assert set(rep.failing_units) == set(cov.index[cov["coverage"] < 0.99])
    assert len(rep.failing_units) > 0
    assert (rep.flags["check"] == "coverage_unit").sum() == len(rep.failing_units)
    with pytest.raises(DataError, match="year"):
        A.audit(result, year=1999)
    with pytest.raises(DataError, match="level"):
        A.audit(result, level="measure")


@pytest.mark.parametrize("n_units", [2, 3])
def test_audit_of_too_few_units_does_not_crash(n_units):
    data = toolkit.read_indicators(DEMO_CSV)
    t = data.table
    sub = t[t["unit_id"].isin(t["unit_id"].unique()[:n_units]) & (t["year"] == 2025)]
    res = toolkit.build_index(sub, "configs/default.yaml", framework=data.framework)
    rep = A.audit(res)
    assert rep.dimensions["kmo"].drop("L4").isna().all()
    assert rep.dimensions["reason"].str.len().drop("L4").gt(0).all()
    assert rep.dimensions.at["L4", "k"] == 2 and len(rep.summary()) == 6
