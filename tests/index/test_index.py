"""build_index against independent computations, and the specification's loud validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import toolkit
from toolkit import SpecError, build_index, load_spec
from toolkit.data.demo import generate
from toolkit.framework.tree import index_leaves, index_tree

from ..conftest import DEMO_CSV, ROOT

PLAIN = {  # no treatment, [0, 1] min-max, framework/equal weights, arithmetic means
    "imputation": {"panel": "none", "method": "none"},
    "outliers": {"method": "none"},
    "normalisation": {"method": "minmax", "params": {"lower": 0, "upper": 1}},
    "weights": {"indicator": {"method": "framework"}, "dimension": {"method": "equal"}, "index": {"method": "equal"}},
}


@pytest.fixture(scope="module")
def complete():
    """Synthetic returns without missing values or planted outliers."""
    return generate(n_units=30, years=(2024, 2025), seed=11, missing_rate=0.0, n_outliers=0)


@pytest.fixture(scope="module")
def demo():
    return toolkit.read_indicators(DEMO_CSV)


def by_hand(df: pd.DataFrame, fw, dim_weights=None) -> pd.Series:
    """The PLAIN specification computed independently with pandas, step by step."""
    X = fw.rollup_raw(df).set_index(["unit_id", "year"])
    leaves = index_leaves(fw)
    N = (X[leaves] - X[leaves].min()) / (X[leaves].max() - X[leaves].min())
    ind = {}
    for code in fw.indicators.index:
        kids = [k for k in index_tree(fw).get(code, [])]
        ind[code] = N[kids].mean(axis=1) if kids else N[code]
    ind = pd.DataFrame(ind)
    dims = pd.DataFrame({d: (ind[[c for c in ind if fw.ancestor(c, "dimension") == d]].mul(
        dim_weights[d], axis=1).sum(axis=1) if dim_weights else
        ind[[c for c in ind if fw.ancestor(c, "dimension") == d]].mean(axis=1)) for d in fw.dimensions.index})
    return dims.mean(axis=1)


def textbook_entropy(M: np.ndarray) -> np.ndarray:
    """熵权法 written out independently: min-max, p = x/Σx, e = −Σ p ln p / ln m, w = (1−e)/Σ(1−e)."""
    Z = (M - M.min(0)) / (M.max(0) - M.min(0))
    P = Z / Z.sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(P), 0.0)
    e = -plogp.sum(0) / np.log(len(M))
    return (1 - e) / (1 - e).sum()


def test_plain_spec_equals_independent_computation(complete, fw):
    r = build_index(complete, PLAIN)
    np.testing.assert_allclose(r.composite.to_numpy(), by_hand(complete, fw).loc[r.composite.index].to_numpy(),
                               rtol=0, atol=1e-12)
    assert r.rank.groupby(level="year").min().eq(1).all()


def test_entropy_weights_within_dimensions_equal_textbook(complete, fw):
    r = build_index(complete, {**PLAIN, "weights": {**PLAIN["weights"], "dimension": {"method": "entropy"}}})
    w = r.weights.query("level == 'dimension'")
    for dim in fw.dimensions.index:
        kids = list(w.loc[w.parent == dim, "child"])
        vals = pd.concat([r.normalised[k] if k in r.normalised else r.scores[k] for k in kids], axis=1).to_numpy()
        np.testing.assert_allclose(w.loc[w.parent == dim, "weight"], textbook_entropy(vals), atol=1e-12)
    dim_w = {d: dict(zip(w.loc[w.parent == d, "child"], w.loc[w.parent == d, "weight"], strict=True))
             for d in fw.dimensions.index}
    np.testing.assert_allclose(r.composite, by_hand(complete, fw, dim_w).loc[r.composite.index], atol=1e-12)


def test_same_data_and_spec_identical_numbers(demo):
    a = build_index(demo, ROOT / "configs" / "default.yaml")
    b = build_index(demo, ROOT / "configs" / "default.yaml")
    pd.testing.assert_frame_equal(a.scores, b.scores, check_exact=True)
    pd.testing.assert_frame_equal(a.weights, b.weights, check_exact=True)
    assert a.provenance["spec_sha256"] == b.provenance["spec_sha256"]


def test_effective_weights_are_products_and_sum_to_one(demo, fw):
    r = build_index(demo, ROOT / "configs" / "default.yaml")
    eff = r.effective_weights.loc["pooled"]
    assert eff.sum() == pytest.approx(1.0, abs=1e-12) and (eff >= 0).all()
    w = r.weights.set_index(["parent", "child"])["weight"]
    assert eff["L2P1_STORAGE"] == pytest.approx(w["INDEX", "L2"] * w["L2", "L2P1"] * w["L2P1", "L2P1_STORAGE"])
    assert w["INDEX"].to_numpy() == pytest.approx([0.2] * 5)
    assert w.groupby(level="parent").sum().to_numpy() == pytest.approx(np.ones(w.index.get_level_values(0).nunique()))


def test_default_spec_treats_and_records(demo):
    r = build_index(demo, ROOT / "configs" / "default.yaml")
    assert r.raw.isna().sum().sum() > 0 and r.imputed.isna().sum().sum() == 0
    assert len(r.imputation_log) == r.raw.isna().sum().sum()
    assert {"winhi"} <= set(r.treatment_log["action"])
    assert r.normalised.min().min() >= 1 - 1e-12 and r.normalised.max().max() <= 100 + 1e-12
    details = r.treatment_details
    assert details.loc["L1P1", "action"] == "winsorise"
    assert "skip" in details.loc["L5P1", "reason"]  # ordinal rubric levels are never winsorised


def test_per_year_scope_normalises_each_year_separately(complete):
    r = build_index(complete, {**PLAIN, "panel": {"scope": "per_year"}})
    for _, block in r.normalised.groupby(level="year"):
        assert block.min().min() == 0 and block.max().max() == 1
    assert set(r.effective_weights.index) == {2024, 2025}
    pooled = build_index(complete, PLAIN)
    assert not np.allclose(pooled.composite, r.composite)


def test_years_selection(complete):
    r = build_index(complete, {**PLAIN, "years": [2025]})
    assert r.years == [2025] and len(r.composite) == 30


def test_geometric_needs_positive_values_and_is_below_arithmetic(complete):
    spec = {**PLAIN, "aggregation": {"dimension": {"method": "geometric"}}}
    with pytest.raises(toolkit.DataError, match="geometric"):
        build_index(complete, spec)  # min-max to [0, 1] puts zeros in every column
    shifted = {**spec, "normalisation": {"method": "minmax", "params": {"lower": 1, "upper": 100}}}
    geo = build_index(complete, shifted).dimension_scores
    ari = build_index(complete, {**shifted, "aggregation": {}}).dimension_scores
    assert (geo <= ari + 1e-9).all().all()  # AM–GM


def test_topsis_and_grey_relational_levels(complete):
    r = build_index(complete, {**PLAIN, "aggregation": {"index": {"method": "topsis"},
                                                        "dimension": {"method": "grey_relational"}}})
    assert r.composite.between(0, 1).all()
    expected = toolkit.methods.aggregation.aggregate.topsis(r.dimension_scores, np.full(5, 0.2))
    np.testing.assert_allclose(r.composite, expected, atol=1e-12)


def test_ahp_weights_from_the_spec(complete):
    matrix = [[1, 3, 1, 5, 3], ["1/3", 1, "1/2", 3, 1], [1, 2, 1, 3, 2], ["1/5", "1/3", "1/3", 1, "1/2"],
              ["1/3", 1, "1/2", 2, 1]]
    r = build_index(complete, {**PLAIN, "weights": {**PLAIN["weights"], "index": {
        "method": "ahp", "matrix": {"INDEX": matrix}}}})
    A = np.array([[float(eval(str(v))) for v in row] for row in matrix])  # noqa: S307 - test data
    vals, vecs = np.linalg.eig(A)
    v = np.abs(np.real(vecs[:, np.argmax(np.real(vals))]))
    got = r.weights.query("parent == 'INDEX'")["weight"].to_numpy()
    np.testing.assert_allclose(got, v / v.sum(), atol=1e-9)
    cyclic = [[1, 9, "1/9", 1, 1], ["1/9", 1, 9, 1, 1], [9, "1/9", 1, 1, 1], [1] * 5, [1] * 5]  # A>B>C>A
    inconsistent = {**PLAIN, "weights": {**PLAIN["weights"], "index": {"method": "ahp", "matrix": {"INDEX": cyclic}}}}
    with pytest.raises(toolkit.methods.weighting.weights.InconsistentJudgementError, match="CR"):
        build_index(complete, inconsistent)
    inconsistent["weights"]["index"]["allow_inconsistent"] = True
    assert build_index(complete, inconsistent).composite.notna().all()


def test_combined_weights_game_theory(complete):
    spec = {**PLAIN, "weights": {**PLAIN["weights"], "dimension": {
        "method": "combine", "combine": "game_theory", "of": [{"method": "entropy"}, {"method": "critic"}]}}}
    r = build_index(complete, spec)
    w = r.weights.query("level == 'dimension'")
    assert (w.weight >= 0).all()
    assert w.groupby("parent").weight.sum().to_numpy() == pytest.approx(np.ones(5))
    ent = build_index(complete, {**PLAIN, "weights": {**PLAIN["weights"], "dimension": {"method": "entropy"}}})
    cri = build_index(complete, {**PLAIN, "weights": {**PLAIN["weights"], "dimension": {"method": "critic"}}})
    we = ent.weights.query("level == 'dimension'").weight.to_numpy()
    wc = cri.weights.query("level == 'dimension'").weight.to_numpy()
    lo, hi = np.minimum(we, wc), np.maximum(we, wc)
    assert ((w.weight.to_numpy() >= lo - 1e-12) & (w.weight.to_numpy() <= hi + 1e-12)).all()  # a convex mix


def test_rank_normalisation_is_invariant_to_monotone_transforms(complete):
    spec = {**PLAIN, "normalisation": {"method": "rank", "params": {}}}
    a = build_index(complete, spec)
    changed = complete.copy()
    changed["L1P1"] = np.log(changed["L1P1"]) * 3 + 7
    changed["L4P1"] = np.sqrt(changed["L4P1"])
    b = build_index(changed, spec)
    np.testing.assert_allclose(a.composite, b.composite, atol=1e-12)


def test_obstacles_and_coupling(demo):
    r = build_index(demo, ROOT / "configs" / "default.yaml")
    obst = r.obstacles(2025)
    np.testing.assert_allclose(obst.sum(axis=1), 100.0)
    Od = r.obstacles(2025, by="dimension")
    np.testing.assert_allclose(Od.sum(axis=1), 100.0)
    cc = r.coupling(2025)
    assert cc["D"].between(0, 1).all() and cc["grade_zh"].notna().all()


@pytest.mark.parametrize("doc, message", [
    ({"weigths": {}}, "unknown section"),
    ({"imputation": {"method": "magic"}}, "imputation.method"),
    ({"imputation": {"method": "group_median"}}, "imputation.by"),
    ({"imputation": {"method": "mean", "by": "industry"}}, "only used by group"),
    ({"normalisation": {"method": "minmax", "overrides": {"L9P9": {"method": "rank"}}}}, "L9P9"),
    ({"weights": {"dimension": {"method": "entropyy"}}}, "weights.dimension.method"),
    ({"weights": {"pillar": {"method": "equal"}}}, "no such parent level"),
    ({"weights": {"dimension": {"method": "equal", "overrides": {"L1P1": {"method": "entropy"}}}}}, "not a dimension"),
    ({"weights": {"index": {"method": "ahp"}}}, "pairwise matrix"),
    ({"weights": {"index": {"method": "combine", "of": [{"method": "equal"}]}}}, "at least two"),
    ({"aggregation": {"index": {"method": "median"}}}, "aggregation.index.method"),
    ({"aggregation": {"index": {"method": "arithmetic", "weights": 1}}}, "unknown key"),
    ({"outliers": {"method": "coinr", "skip": ["X1"]}}, "outliers.skip"),
    ({"panel": {"scope": "rolling"}}, "panel.scope"),
    ({"years": "2025"}, "years"),
])
def test_bad_specifications_are_named(doc, message):
    with pytest.raises(SpecError, match=message):
        load_spec(doc)


def test_spec_file_round_trip_and_replace(tmp_path):
    spec = load_spec(ROOT / "configs" / "default.yaml")
    assert spec.name == "default" and spec["weights"]["dimension"]["method"] == "entropy"
    path = tmp_path / "s.yaml"
    path.write_text(spec.to_yaml(), "utf-8")
    again = load_spec(path)
    assert again.sha256 == spec.sha256
    changed = spec.replace({"aggregation": {"index": {"method": "geometric"}}})
    assert changed["aggregation"]["index"]["method"] == "geometric"
    assert changed["aggregation"]["dimension"]["method"] == "arithmetic"   # nested merge
    assert spec["aggregation"]["index"]["method"] == "arithmetic"          # the original is frozen
    assert changed.sha256 != spec.sha256
    with pytest.raises(TypeError):
        spec.data["name"] = "x"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"outliers": {"method": "trim"}}), "utf-8")
    with pytest.raises(SpecError, match=str(bad)):
        load_spec(bad)


def test_cli_index_writes_results_atomically(tmp_path, capsys):
    from toolkit.cli import main

    out = tmp_path / "idx"
    assert main(["index", str(DEMO_CSV), "--spec", str(ROOT / "configs" / "default.yaml"), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["effective_weights.csv", "imputation_log.csv", "meta.json", "normalised.parquet",
                     "results.xlsx", "scores.csv", "scores.parquet", "spec.yaml", "treated.parquet",
                     "treatment_log.csv", "weights.csv"]
    scores = pd.read_parquet(out / "scores.parquet")
    r = build_index(toolkit.read_indicators(DEMO_CSV), ROOT / "configs" / "default.yaml")
    np.testing.assert_allclose(scores["composite"], r.composite.to_numpy())
    bad = tmp_path / "bad.yaml"
    bad.write_text("aggregation: {index: {method: median}}\n", "utf-8")
    assert main(["index", str(DEMO_CSV), "--spec", str(bad), "--out", str(tmp_path / "none")]) == 1
    assert not (tmp_path / "none").exists()
    assert "aggregation.index.method" in capsys.readouterr().err


@pytest.mark.parametrize("doc, message", [
    ({"normalisation": {"method": "minmax", "params": {"lowr": 1}}}, "lowr"),
    ({"aggregation": {"index": {"method": "generalised_mean", "params": {"q": 2}}}}, "'q'"),
    ({"weights": {"dimension": {"method": "equal", "params": {"shift": 0.01}}}}, "takes no params"),
])
def test_unknown_method_parameters_are_named_at_load_time(doc, message):
    # a typo in `params` is a SpecError when the spec is loaded, not a TypeError inside build_index
    with pytest.raises(SpecError, match=message):
        load_spec(doc)
