"""Member labels, the shape basis, typology options and the cheaper gap statistic (issue #13).

The central property (issue 13, "the type a report shows must be true of that brain"): on the
demo data, for both bases, several methods and k, no unit is described as strong in a dimension
where it is below the mean, nor weak where it is above. "Below the mean" is recomputed here
independently of the toolkit: for the level basis from the raw dimension scores (score < mean of
the units); for the shape basis from z-scores (the unit's z in that dimension < its mean z).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.analysis import clustering as TS
from toolkit.analysis.labels import (
    DIMENSION_PHRASES,
    SHAPE_PHRASES,
    basis_name,
    member_labels,
    profiles,
    standing,
)
from toolkit.analysis.typology import TypologyOptions, features, typology
from toolkit.errors import DataError, SpecError

from ..conftest import DEMO_CSV

CONFIG = DEMO_CSV.parents[2] / "configs" / "default.yaml"


@pytest.fixture(scope="module")
def demo_index():
    return toolkit.build_index(toolkit.read_indicators(DEMO_CSV), CONFIG)


@pytest.fixture(scope="module")
def demo_scores(demo_index):
    return demo_index.dimension_scores.xs(2025, level="year")


def _below(scores: pd.DataFrame, basis: str) -> pd.DataFrame:
    """True where the unit is below the mean in that dimension (independent recomputation)."""
    if basis == "level":
        return scores.lt(scores.mean(), axis=1)
    z = (scores - scores.mean()) / scores.std(ddof=0)
    return z.lt(z.mean(axis=1), axis=0)


def _claims(label_zh: str, dims, basis: str) -> tuple[set, set]:
    """The dimensions a zh label calls strong / weak, read from its text."""
    if "（" in label_zh:                      # a qualifier names exceptions, not claims
        label_zh = label_zh.split("（")[0]
    strong, weak = set(), set()
    for d in dims:
        if basis == "level":
            s, w = DIMENSION_PHRASES[d]["strong"][0], DIMENSION_PHRASES[d]["weak"][0]
        else:
            name = DIMENSION_PHRASES[d]["name"][0]
            s, w = SHAPE_PHRASES["strong"][0].format(name), SHAPE_PHRASES["weak"][0].format(name)
        strong |= {d} if s in label_zh else set()
        weak |= {d} if w in label_zh else set()
    if label_zh.startswith("全面领先型"):
        strong = set(dims)
    if label_zh.startswith("蓄势追赶型"):
        weak = set(dims)
    return strong, weak


@pytest.mark.parametrize("basis", ["level", "shape"])
@pytest.mark.parametrize("method,k", [("kmeans", 2), ("kmeans", 4), ("ward", 3), ("ward", 5)])
def test_no_member_is_described_as_strong_where_it_is_below_the_mean(demo_index, demo_scores, basis, method, k):
    ty = typology(demo_index, year=2025, method=method, k=k, basis=basis, n_boot=0, n_ref=2, k_range=(2, 5))
    below = _below(demo_scores, basis)
    dims = list(demo_scores.columns)
    m = ty.member_labels
    assert len(m) == 50 and (m["basis"] == basis).all()
    for u, row in m.iterrows():
        strong, weak = _claims(row["label_zh"], dims, basis)
        assert set(row["strong"]) == strong and set(row["weak"]) == weak, (u, row["label_zh"])
        for d in strong:
            assert not below.at[u, d], (u, d, row["label_zh"])
        for d in weak:
            assert below.at[u, d], (u, d, row["label_zh"])
        # the exceptions are exactly the cluster label's claims that are false of the unit
        c_strong, c_weak = _claims(row["cluster_label_zh"], dims, basis)
        false = {d for d in c_strong if below.at[u, d]} | {d for d in c_weak if not below.at[u, d]}
        assert set(row["exceptions"]) == false and row["fits_cluster_label"] == (not false)
        if row["fits_cluster_label"]:
            assert row["label_zh"] == row["cluster_label_zh"]


def test_the_k2_label_of_issue_13_is_qualified_for_the_members_it_does_not_fit(demo_index, demo_scores):
    """Issue 13: with k = 2, a cluster's label ("数据资源强、…") was read as true of every member, though
    some were below the mean in a labelled dimension. Each member now carries what is true of it. On the
    five-year demo, 2025: 24 brains read "数据资源强、价值释放强" (L2, L3 above the mean), 4 of them do not fit."""
    ty = typology(demo_index, year=2025, k=2, n_boot=0, n_ref=2, k_range=(2, 3))
    first = ty.member_labels[ty.member_labels["cluster"] == 1]
    assert ty.labels.at[1, "zh"] == "数据资源强、价值释放强" and len(first) == 24
    misfits = first[~first["fits_cluster_label"]]
    assert len(misfits) == 4                                     # observed on the demo data
    below = _below(demo_scores, "level")
    for u, row in misfits.iterrows():
        assert "低于平均" in row["label_zh"] and "below average in" in row["label_en"]
        assert all(below.at[u, d] for d in row["exceptions"])
    fits = first[first["fits_cluster_label"]]
    assert not below.loc[fits.index, ["L2", "L3"]].to_numpy().any()


def test_member_labels_hand_example_both_qualifiers():
    # cluster 1 = a, b, c: mean above in L1, below in L2 (z ±0.87); c is below in L1 (3 < 3.75)
    # and d (cluster 2) is above in L1 (4 > 3.75) against its cluster's weakness there.
    S = pd.DataFrame({"L1": [6.0, 5.0, 3.0, 4.0, 1.0, 3.5], "L2": [1.0, 2.0, 1.5, 5.0, 6.0, 5.5],
                      "L3": [3.0, 3.1, 2.9, 3.0, 3.1, 2.9]}, index=list("abcdef"))
    a = pd.Series([1, 1, 1, 2, 2, 2], index=S.index)
    prof = profiles(S, a)
    assert prof.at[1, "label_zh"] == "产业基础强、数据资源弱" and prof.at[2, "label_zh"] == "数据资源强、产业基础弱"
    m = member_labels(S, a, prof)
    assert m.at["a", "label_zh"] == "产业基础强、数据资源弱" and m.at["a", "fits_cluster_label"]
    assert m.at["c", "label_zh"] == "数据资源弱（产业基础低于平均）"
    assert m.at["c", "label_en"] == "data-poor (but below average in industry base)"
    assert m.at["d", "label_zh"] == "数据资源强（产业基础高于平均）" and m.at["d", "exceptions"] == ("L1",)
    shape = member_labels(S, a, profiles(S, a, basis="shape"), basis="shape")
    assert set(shape["basis"]) == {"shape"}


def test_shape_standing_removes_the_level():
    # every unit stands equally high in L1 and L2 (L2 = 10 × L1): the levels differ, the shapes
    # are all flat
    S = pd.DataFrame({"L1": [1.0, 2.0, 4.0], "L2": [10.0, 20.0, 40.0]}, index=list("xyz"))
    lv, sh = standing(S, "level"), standing(S, "shape")
    assert lv["L1"].tolist() == pytest.approx([-1.069, -0.267, 1.336], abs=1e-3)   # (x − 7/3) / 1.247
    np.testing.assert_allclose(sh.to_numpy(), 0.0, atol=1e-12)
    # in general shape = level − the unit's mean level, so each row sums to 0
    T = pd.DataFrame({"L1": [1.0, 3.0, 2.0, 6.0], "L2": [10.0, 30.0, 25.0, 15.0], "L3": [5.0, 1.0, 2.0, 2.0]})
    pd.testing.assert_frame_equal(standing(T, "shape"), standing(T).sub(standing(T).mean(axis=1), axis=0))
    np.testing.assert_allclose(standing(T, "shape").sum(axis=1), 0.0, atol=1e-12)
    pd.testing.assert_frame_equal(features(T, basis="shape"), standing(T, "shape"))
    np.testing.assert_allclose(features(T, "raw", basis="shape").sum(axis=1), 0.0, atol=1e-12)


def test_typology_exposes_its_basis_and_describes_one_brain(demo_index):
    ty = typology(demo_index, year=2025, k=3, basis="shape", n_boot=0, n_ref=2, k_range=(2, 3))
    assert ty.basis == "shape" == ty.evidence["basis"] == ty.params["basis"] == ty.options.basis
    unit = ty.assignments.index[0]
    d = ty.describe(unit, "en")
    assert d["basis_name"] == basis_name("shape", "en") and d["label"] == ty.member_labels.at[unit, "label_en"]
    assert d["cluster"] == ty.assignments[unit]
    assert ty.describe(unit, "zh")["basis_name"].startswith("按结构分类")
    s = ty.summary("zh")
    assert {"label", "description", "fits_label"} <= set(s.columns)
    with pytest.raises(DataError, match="no unit 'nope'"):
        ty.describe("nope")
    with pytest.raises(DataError, match="lang"):
        ty.describe(unit, "fr")


def test_options_object_and_keyword_overrides(demo_index):
    opts = TypologyOptions(method="ward", k=3, n_boot=0, n_ref=2, k_range=(2, 3))
    a = typology(demo_index, 2025, opts)
    b = typology(demo_index, 2025, method="ward", k=3, n_boot=0, n_ref=2, k_range=(2, 3))
    pd.testing.assert_series_equal(a.assignments, b.assignments)
    assert a.options == b.options == opts
    c = typology(demo_index, 2025, opts, k=4)                       # a keyword overrides the object
    assert c.k == 4 and c.options.method == "ward"
    with pytest.raises(SpecError, match=r"unknown option\(s\) \['n_clusters'\]"):
        typology(demo_index, 2025, n_clusters=3)
    with pytest.raises(SpecError, match="typology basis 'height' is unknown"):
        TypologyOptions(basis="height")
    with pytest.raises(SpecError, match="gap mode 'some'"):
        TypologyOptions(gap="some")
    with pytest.raises(SpecError, match="n_boot must be a non-negative integer"):
        TypologyOptions(n_boot=-1)


def test_random_state_is_a_deprecated_name_of_seed(demo_index):
    with pytest.warns(DeprecationWarning, match="seed="):
        old = typology(demo_index, 2025, k=3, n_boot=3, n_ref=2, k_range=(2, 3), random_state=7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = typology(demo_index, 2025, k=3, n_boot=3, n_ref=2, k_range=(2, 3), seed=7)
    pd.testing.assert_frame_equal(old.bootstrap, new.bootstrap)
    assert new.params["seed"] == 7


# ----------------------------------------------------------------------------- the gap statistic, cheaper
def test_gap_decide_computes_the_same_numbers_and_the_same_vote_as_full(demo_scores):
    X = features(demo_scores)
    full = TS.gap_statistic(X, range(1, 10), n_ref=5, seed=3)
    lazy = TS.gap_statistic(X, range(1, 10), n_ref=5, seed=3, decide_from=2)
    assert len(lazy) < len(full)
    cols = ["log_W", "log_W_ref", "sd_ref", "s_k", "gap"]
    pd.testing.assert_frame_equal(lazy[cols], full.loc[lazy.index, cols])
    # it stopped right after the first k >= 2 where the rule holds
    first = next(k for k in full.index if k >= 2 and full.at[k, "gap_rule"] is True)
    assert lazy.index[-1] == first + 1
    for k_range in [(2, 8), (3, 6)]:
        a = TS.choose_k(X, k_range, n_ref=5, seed=3, gap="decide")
        b = TS.choose_k(X, k_range, n_ref=5, seed=3, gap="full")
        assert a.k == b.k and a.evidence["choices"] == b.evidence["choices"]
        assert a.evidence["gap_rule_at_1"] == b.evidence["gap_rule_at_1"]


def test_gap_table_is_memoised_by_the_data_and_returned_as_a_copy():
    X = np.random.default_rng(1).normal(size=(20, 3))
    TS.clear_cache()
    a = TS.gap_statistic(X, [1, 2, 3], n_ref=3)
    a.loc[1, "gap"] = 99.0
    b = TS.gap_statistic(X, [1, 2, 3], n_ref=3)
    assert b.at[1, "gap"] != 99.0
    c = TS.gap_statistic(X + 1e-9, [1, 2, 3], n_ref=3)       # other data: recomputed, not reused
    assert c.at[1, "log_W"] == pytest.approx(b.at[1, "log_W"], rel=1e-6)


@pytest.mark.slow
def test_the_bundle_settings_choose_the_same_k_with_the_cheaper_gap(demo_index):
    """The report bundle's call (seed 20240408, k 2…8, 50 reference sets): k = 2 either way."""
    kw = dict(year=2025, k_range=(2, 8), seed=20240408, n_boot=0, n_ref=50)
    full = typology(demo_index, gap="full", **kw)
    lazy = typology(demo_index, **kw)
    assert full.k == lazy.k == 2
    assert lazy.evidence["choices"] == full.evidence["choices"] == {
        "silhouette": 2, "calinski_harabasz": 2, "davies_bouldin": 7, "gap": 2}
    assert lazy.evidence["gap_computed"] == [1, 2, 3]
