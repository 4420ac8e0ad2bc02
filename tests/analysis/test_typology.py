"""Tests for toolkit.analysis.typology, .labels, .clustering and .stability.

Expected values are (a) derived by hand in the comments, (b) recomputed independently with
scikit-learn / scipy / plain numpy (validity criteria, Tibshirani's W_k as Σ D_r / 2n_r,
Jaccard with Python sets), or (c) properties of data with known structure: well-separated
Gaussian blobs, uniform noise, and the synthetic demo with its latent archetypes.
Bootstrap and reference-set counts are kept small so that the file runs in seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster
from scipy.cluster.hierarchy import linkage as scipy_linkage
from scipy.spatial.distance import pdist
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)

import toolkit
from toolkit.analysis import clustering as TS
from toolkit.analysis import stability as ST
from toolkit.analysis.typology import (
    DIMENSION_PHRASES,
    SPECIAL_LABELS,
    Z_THRESHOLD,
    features,
    profile_label,
    profiles,
    typology,
)
from toolkit.data.demo import generate
from toolkit.errors import DataError, SpecError

from ..conftest import DEMO_CSV

CONFIG = DEMO_CSV.parents[2] / "configs" / "default.yaml"


# ----------------------------------------------------------------------------- data
def make_blobs(seed: int = 1, n_per: int = 20, sep: float = 8.0) -> tuple[pd.DataFrame, np.ndarray]:
    """Three spherical Gaussian blobs (sd 1) whose centres are ``sep`` apart, in 3 dimensions."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0, 0.0], [sep, 0.0, 0.0], [0.0, sep, 0.0]])
    X = np.vstack([c + rng.normal(size=(n_per, 3)) for c in centres])
    truth = np.repeat([0, 1, 2], n_per)
    index = pd.Index([f"u{i:02d}" for i in range(len(X))], name="unit_id")
    return pd.DataFrame(X, index=index, columns=["L1", "L2", "L3"]), truth


@pytest.fixture(scope="module")
def blobs():
    return make_blobs()


@pytest.fixture(scope="module")
def demo_index():
    return toolkit.build_index(toolkit.read_indicators(DEMO_CSV), CONFIG)


@pytest.fixture(scope="module")
def demo_typologies(demo_index):
    """The demo typology (2025, k-means, default k_range 2…8) under three seeds, with fewer gap
    reference sets and bootstrap replicates than the defaults (50, 100), for speed. Seeds 1
    and 2 skip the bootstrap, which cannot change k, the partition or the profiles."""
    return {seed: typology(demo_index, year=2025, seed=seed, n_boot=20 if seed == 0 else 0,
                           n_ref=10 if seed == 0 else 6)
            for seed in (0, 1, 2)}


# ----------------------------------------------------------------------------- choice of k
def test_gap_statistic_and_vote_recommend_three_for_three_blobs(blobs):
    X, _ = blobs
    choice = TS.choose_k(X, k_range=(2, 5), n_ref=8)
    assert choice.evidence["choices"]["gap"] == 3
    assert choice.k == 3
    # all four criteria agree on separated blobs, so no tie-break is involved
    assert choice.evidence["agree"] == ["silhouette", "calinski_harabasz", "davies_bouldin", "gap"]
    assert choice.evidence["votes"] == {3: 4} and choice.evidence["tie_break"] is False
    t = choice.table
    # Tibshirani's rule fails at k = 2 (gap jumps at 3) and holds at 3
    assert t.at[2, "gap"] < t.at[3, "gap"] - t.at[3, "s_k"]
    assert t.at[2, "gap_rule"] is False and t.at[3, "gap_rule"] is True
    assert t.at[3, "gap"] > 1.0                     # log W falls by far more than on uniform data
    assert choice.evidence["gap_rule_at_1"] is False  # there is structure: k = 1 is rejected


def test_validity_criteria_equal_sklearn(blobs):
    X, _ = blobs
    choice = TS.choose_k(X, k_range=(2, 4), n_ref=2)
    for k in range(2, 5):
        labels = KMeans(n_clusters=k, n_init=25, random_state=0).fit_predict(X.to_numpy())
        row = choice.table.loc[k]
        assert row["silhouette"] == pytest.approx(silhouette_score(X, labels), rel=1e-12)
        assert row["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, labels), rel=1e-12)
        assert row["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, labels), rel=1e-12)
    # and for Ward, whose partitions come from scipy's tree
    ward = TS.choose_k(X, k_range=(2, 6), method="ward", n_ref=2)
    Z = scipy_linkage(X.to_numpy(), method="ward")
    for k in range(2, 7):
        labels = fcluster(Z, k, criterion="maxclust")
        assert ward.table.at[k, "silhouette"] == pytest.approx(silhouette_score(X, labels), rel=1e-12)
        assert ward.table.at[k, "davies_bouldin"] == pytest.approx(davies_bouldin_score(X, labels), rel=1e-12)


def test_gap_statistic_recomputed_independently():
    """Ward + uniform box reference: W_k as Tibshirani's Σ_r D_r/(2 n_r) from pairwise distances."""
    X, _ = make_blobs(seed=5, n_per=8, sep=5.0)
    B, seed = 6, 11
    got = TS.gap_statistic(X, ks=[1, 2, 3, 4], method="ward", n_ref=B, reference="uniform",
                           seed=seed)
    rng = np.random.default_rng(seed)  # documented: B reference sets drawn first, in order
    lo, hi = X.min().to_numpy(), X.max().to_numpy()
    refs = [rng.uniform(lo, hi, size=X.shape) for _ in range(B)]

    def log_w(data, k):
        labels = np.ones(len(data)) if k == 1 else fcluster(scipy_linkage(data, "ward"), k, "maxclust")
        return np.log(sum((pdist(data[labels == c]) ** 2).sum() * 2 / (2 * (labels == c).sum())
                          for c in np.unique(labels)))

    for k in (1, 2, 3, 4):
        ref = np.array([log_w(R, k) for R in refs])
        assert got.at[k, "log_W"] == pytest.approx(log_w(X.to_numpy(), k), rel=1e-12)
        assert got.at[k, "gap"] == pytest.approx(ref.mean() - log_w(X.to_numpy(), k), rel=1e-10)
        assert got.at[k, "s_k"] == pytest.approx(ref.std() * np.sqrt(1 + 1 / B), rel=1e-10)
    # W_1 is the total sum of squares about the grand mean
    assert got.at[1, "log_W"] == pytest.approx(np.log(((X - X.mean()) ** 2).to_numpy().sum()))
    for k in (1, 2, 3):
        assert got.at[k, "gap_rule"] == (got.at[k, "gap"] >= got.at[k + 1, "gap"] - got.at[k + 1, "s_k"])
    assert pd.isna(got.at[4, "gap_rule"])


def test_pca_reference_sets_fill_the_box_of_the_principal_axes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3)) @ np.array([[3.0, 1.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 0.2]])
    mean = X.mean(axis=0)
    _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
    P = (X - mean) @ vt.T
    refs = TS.reference_sets(X, 5, "pca", np.random.default_rng(0))
    Q = np.vstack([(R - mean) @ vt.T for R in refs])
    assert (Q >= P.min(axis=0) - 1e-9).all() and (Q <= P.max(axis=0) + 1e-9).all()
    # uniform on that box: each axis' draws spread over its whole range (quartiles near ¼, ¾)
    rel = (Q - P.min(axis=0)) / (P.max(axis=0) - P.min(axis=0))
    np.testing.assert_allclose(np.quantile(rel, [0.25, 0.75], axis=0), [[0.25] * 3, [0.75] * 3], atol=0.1)


def test_gap_finds_no_structure_in_uniform_noise():
    U = pd.DataFrame(np.random.default_rng(0).uniform(size=(40, 2)))
    gap = TS.gap_statistic(U, ks=[1, 2], n_ref=10)
    assert gap.at[1, "gap_rule"] is True            # k = 1 is not rejected


# ----------------------------------------------------------------------------- partitions
def test_canonical_labels_hand_example():
    # cluster means of the score: 5 → 1.5, 7 → 10, 9 → 4, so 7 → 1, 9 → 2, 5 → 3
    got = TS.canonical_labels([5, 5, 7, 7, 9], [1, 2, 10, 10, 4])
    assert got.tolist() == [3, 3, 1, 1, 2]
    # equal means: the cluster of the earlier unit comes first
    assert TS.canonical_labels(["b", "a", "b", "a"], [1, 1, 1, 1]).tolist() == [1, 2, 1, 2]


def test_cluster_numbering_does_not_depend_on_the_algorithms_permutation(blobs):
    X, truth = blobs
    a = TS.cluster(X, 3, seed=0)
    perm = np.random.default_rng(0).permutation(len(X))
    b = TS.cluster(X.iloc[perm], 3, seed=7).reindex(X.index)
    pd.testing.assert_series_equal(a, b)
    assert adjusted_rand_score(truth, a) == 1.0
    # cluster 1 has the highest mean of the features: blob 2 (centre (0, 8, 0)) ties blob 1
    # (centre (8, 0, 0)) in expectation; whichever it is, the means are in descending order
    means = X.mean(axis=1).groupby(a).mean()
    assert list(means.index) == [1, 2, 3] and means.is_monotonic_decreasing


def test_ward_and_gmm_recover_blobs_and_ward_cut_matches_scipy(blobs):
    X, truth = blobs
    for method in ("ward", "gmm"):
        assert adjusted_rand_score(truth, TS.cluster(X, 3, method=method)) == 1.0
    rng = np.random.default_rng(4)
    for _ in range(5):
        Y = rng.normal(size=(25, 3))
        Z = scipy_linkage(Y, "ward")
        for k in range(2, 8):
            assert adjusted_rand_score(fcluster(Z, k, "maxclust"), TS._cut(Z, k)) == 1.0
            assert len(np.unique(TS._cut(Z, k))) == k


# ----------------------------------------------------------------------------- stability
def test_jaccard_on_separated_blobs_is_near_one(blobs):
    X, _ = blobs
    stab = ST.cluster_stability(X, TS.cluster(X, 3), n_boot=20)
    assert (stab.clusters["jaccard_mean"] > 0.95).all()
    assert (stab.clusters["verdict"] == "highly stable").all() and not stab.clusters["unstable"].any()
    assert stab.clusters["size"].tolist() == [20, 20, 20]
    assert stab.ari_mean > 0.95
    assert len(stab.replicates) == 20 and stab.replicates["n_units"].between(30, 50).all()


@pytest.mark.parametrize("data_seed", [0, 1])
def test_jaccard_flags_clusters_of_uniform_noise(data_seed):
    # k = 4 forced on 50 uniform points in 8 dimensions: no real clusters, so the bootstrap
    # breaks some of them up (Hennig 2007, §5)
    U = pd.DataFrame(np.random.default_rng(data_seed).uniform(size=(50, 8)))
    stab = ST.cluster_stability(U, TS.cluster(U, 4), n_boot=25)
    assert stab.clusters["unstable"].any()
    assert stab.clusters["jaccard_mean"].min() < 0.6
    assert stab.ari_mean < 0.6


def test_jaccard_of_one_replicate_recomputed_with_sets():
    """Replay the documented resampling of replicate 1 and recompute its Jaccards and ARI."""
    X, _ = make_blobs(seed=2, n_per=10, sep=2.5)     # overlapping blobs: Jaccards below 1
    labels = TS.cluster(X, 3)
    stab = ST.cluster_stability(X, labels, n_boot=3, seed=4)
    rng = np.random.default_rng(4)
    idx = np.unique(rng.integers(0, len(X), size=len(X)))
    seed = int(rng.integers(2**31 - 1))
    boot = TS.fit_labels(X.to_numpy()[idx], 3, "kmeans", seed, TS.RESTARTS["kmeans"][1])
    units = X.index[idx]
    for c in (1, 2, 3):
        C = {u for u in units if labels[u] == c}
        best = max(len(C & B) / len(C | B) for B in
                   ({u for u, b in zip(units, boot, strict=True) if b == j} for j in np.unique(boot)))
        assert stab.replicates.at[1, f"jaccard_{c}"] == pytest.approx(best)
    assert stab.replicates.at[1, "ari"] == pytest.approx(adjusted_rand_score(labels[units], boot))
    assert stab.replicates.at[1, "n_units"] == len(idx)
    assert stab.clusters["jaccard_mean"].tolist() == pytest.approx(
        stab.replicates[["jaccard_1", "jaccard_2", "jaccard_3"]].mean().tolist())


def test_jaccard_verdict_bands():
    got = [ST.jaccard_verdict(v) for v in (0.3, 0.5, 0.55, 0.6, 0.75, 0.8, 0.85, 0.9)]
    assert got == ["dissolved", "dissolved", "unstable", "pattern", "pattern", "stable", "stable",
                   "highly stable"]


# ----------------------------------------------------------------------------- labels, profiles
def test_profile_label_hand_examples():
    z = pd.Series({"L1": 0.2, "L2": 0.9, "L3": -0.7, "L4": 0.1, "L5": 0.0})
    lab = profile_label(z)
    assert (lab["zh"], lab["en"]) == ("数据资源强、价值释放弱", "data-rich, value release lagging")
    assert lab["strong"] == ("L2",) and lab["weak"] == ("L3",)
    assert profile_label(z + 1.3)["zh"] == "全面领先型"          # 0.6 … 2.2, all > 0.5
    # z − 1 = (−0.8, −0.1, −1.7, −0.9, −1.0): L2 is not weak, so no special label; the three
    # largest |z| are L3, L5, L4
    lab = profile_label(z - 1.0)
    assert lab["en"] == "value release lagging, innovation lagging, operations lagging"
    assert lab["strong"] == () and lab["weak"] == ("L3", "L4", "L5")
    assert profile_label(z - 1.6)["zh"] == SPECIAL_LABELS["all_weak"][0] == "蓄势追赶型"
    assert profile_label(z * 0.5)["zh"] == "均衡中游型"          # |z| ≤ 0.45 everywhere
    # at most three terms, the largest |z| first; shown strong-then-weak in dimension order
    z5 = pd.Series({"L1": 0.6, "L2": 0.9, "L3": -0.7, "L4": 0.55, "L5": -2.0})
    lab = profile_label(z5)
    assert lab["zh"] == "数据资源强、价值释放弱、运营保障弱"
    assert lab["strong"] == ("L2",) and lab["weak"] == ("L3", "L5")
    assert profile_label(z5, max_terms=5)["strong"] == ("L1", "L2", "L4")
    # a dimension outside the dictionary gets a generic phrase
    assert profile_label(pd.Series({"X": 1.0, "L1": 0.0}))["en"] == "strong X"


def test_profiles_hand_example_and_unique_labels():
    # L1 = (10, 10, 10, 10, 0, 0): mean 20/3, population sd √(4·(10/3)² + 2·(20/3)²)/√6 = 10√2/3,
    # so clusters 1, 2 have z = (10/3)/(10√2/3) = 1/√2 and cluster 3 has z = −√2.
    # L2 = (1, 1, 1, 1, 7, 7): mean 3, sd √8, so z = −2/√8 = −1/√2 and +4/√8 = √2.
    scores = pd.DataFrame({"L1": [10, 10, 10, 10, 0, 0], "L2": [1, 1, 1, 1, 7, 7]},
                          index=list("abcdef"), dtype=float)
    assign = pd.Series([1, 1, 2, 2, 3, 3], index=scores.index)
    prof = profiles(scores, assign)
    r2 = np.sqrt(2)
    assert prof.at[1, "z_L1"] == pytest.approx(1 / r2) and prof.at[3, "z_L1"] == pytest.approx(-r2)
    assert prof.at[2, "z_L2"] == pytest.approx(-1 / r2) and prof.at[3, "z_L2"] == pytest.approx(r2)
    # clusters 1 and 2 both read "industry-strong, data-poor": the cluster number disambiguates
    assert prof.at[1, "label_zh"] == "产业基础强、数据资源弱（第1类）"
    assert prof.at[2, "label_en"] == "industry-strong, data-poor (type 2)"
    assert prof.at[3, "label_zh"] == "数据资源强、产业基础弱"
    assert prof["label_zh"].is_unique and prof["label_en"].is_unique
    assert prof.at[3, "members"] == ("e", "f") and prof["size"].tolist() == [2, 2, 2]
    assert prof.at[2, "L1"] == 10.0 and prof.at[1, "composite"] == pytest.approx(5.5)
    assert prof.at[1, "strong"] == ("L1",) and prof.at[1, "weak"] == ("L2",)


def test_features_spaces(blobs):
    X, _ = blobs
    Z = features(X)
    np.testing.assert_allclose(Z.mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(ddof=0), 1.0)
    P = features(X, space="pca", n_components=2)
    ref = PCA(n_components=2, svd_solver="full").fit_transform(Z.to_numpy())
    np.testing.assert_allclose(P.to_numpy(), ref)
    assert list(P.columns) == ["PC1", "PC2"]
    eig = np.linalg.eigvalsh(np.corrcoef(Z.to_numpy(), rowvar=False))
    assert features(X, space="pca").shape[1] == max(2, int((eig >= 1).sum()))
    pd.testing.assert_frame_equal(features(X, space="raw"), X)


# ----------------------------------------------------------------------------- the demo data
def test_demo_typology_is_stable_under_reseeding(demo_typologies):
    """Seeds 0, 1, 2 (k-means restarts, gap reference sets, bootstrap) give the same k, the
    identical partition with identical cluster numbers (ARI = 1 exactly) and the same
    profiles and labels; only the gap values, the bootstrap numbers and Davies–Bouldin's pick
    among the larger k (k-means restarts at k = 6…8 differ by seed on the five-year demo) move."""
    base = demo_typologies[0]
    for seed in (1, 2):
        other = demo_typologies[seed]
        assert other.k == base.k == other.recommended_k
        pd.testing.assert_series_equal(other.assignments, base.assignments)
        assert adjusted_rand_score(base.assignments, other.assignments) == 1.0
        pd.testing.assert_frame_equal(other.profiles, base.profiles)
        pd.testing.assert_frame_equal(other.labels, base.labels)
        stable = ("silhouette", "calinski_harabasz", "gap")
        assert {c: other.evidence["choices"][c] for c in stable} == {c: base.evidence["choices"][c] for c in stable}
        assert other.evidence["choices"]["davies_bouldin"] > base.k


def test_demo_typology_numbers(demo_typologies, demo_index):
    res = demo_typologies[0]
    # observed: silhouette, Calinski–Harabasz and the gap rule pick k = 2, Davies–Bouldin a larger k
    assert res.k == 2 and res.evidence["agree"] == ["silhouette", "calinski_harabasz", "gap"]
    assert res.evidence["gap_rule_at_1"] is True   # weak structure: gap does not reject k = 1
    X = features(demo_index.dimension_scores.xs(2025, level="year"))
    pd.testing.assert_frame_equal(res.features, X)
    np.testing.assert_allclose(res.silhouette, silhouette_samples(X, res.assignments))
    assert res.silhouette.mean() == pytest.approx(res.k_table.at[res.k, "silhouette"])
    assert res.k_table.at[2, "silhouette"] == pytest.approx(0.2724, abs=5e-4)
    # cluster 1 is the strongest by mean composite
    comp = demo_index.composite.xs(2025, level="year")
    assert res.profiles["composite"].is_monotonic_decreasing
    assert res.profiles.at[1, "composite"] == pytest.approx(comp[res.members(1)].mean())
    assert res.stability["jaccard_mean"].gt(0.85).all() and not res.unstable
    assert res.profiles["size"].sum() == 50 and len(res.assignments) == 50


def test_demo_labels_agree_with_profiles(demo_typologies):
    res = demo_typologies[0]
    dims = list(res.scores.columns)
    for c, row in res.profiles.iterrows():
        zh, en = row["label_zh"], row["label_en"]
        if zh == SPECIAL_LABELS["all_strong"][0]:
            assert all(row[f"z_{d}"] > Z_THRESHOLD for d in dims)
            continue
        if zh == SPECIAL_LABELS["all_weak"][0]:
            assert all(row[f"z_{d}"] < -Z_THRESHOLD for d in dims)
            continue
        named = 0
        for d in dims:
            (s_zh, s_en), (w_zh, w_en) = DIMENSION_PHRASES[d]["strong"], DIMENSION_PHRASES[d]["weak"]
            assert (s_zh in zh) == (s_en in en) and (w_zh in zh) == (w_en in en)
            if s_zh in zh:
                assert row[f"z_{d}"] > Z_THRESHOLD, (c, d)
                named += 1
            if w_zh in zh:
                assert row[f"z_{d}"] < -Z_THRESHOLD, (c, d)
                named += 1
        assert named >= 1 or zh == SPECIAL_LABELS["balanced"][0]
    assert res.labels["zh"].is_unique and res.labels["en"].is_unique
    pd.testing.assert_series_equal(res.labels["zh"], res.profiles["label_zh"], check_names=False)


def test_demo_clustering_recovers_the_latent_archetypes(demo_typologies):
    res = demo_typologies[0]
    archetype = pd.Series(generate().attrs["archetype"]).reindex(res.assignments.index)
    ari = adjusted_rand_score(archetype, res.assignments)
    assert ari > 0.3                                     # observed 0.320 (k = 2)
    table = pd.crosstab(res.assignments, archetype)
    # the strongest type holds most all-round leaders, the weakest most emerging brains
    assert table.loc[1, "all_round_leader"] > table.loc[2, "all_round_leader"]
    assert table.loc[res.k, "emerging"] > table.loc[1, "emerging"]


# ----------------------------------------------------------------------------- determinism, API
def test_same_inputs_identical_outputs(demo_index, blobs):
    a = typology(demo_index, year=2025, method="ward", n_boot=10, n_ref=5)
    b = typology(demo_index, year=2025, method="ward", n_boot=10, n_ref=5)
    X, _ = blobs
    c = typology(X, method="kmeans", k_range=(2, 4), n_boot=5, n_ref=4, seed=3)
    d = typology(X, method="kmeans", k_range=(2, 4), n_boot=5, n_ref=4, seed=3)
    for one, two in ((a, b), (c, d)):
        for name in ("k_table", "profiles", "labels", "stability", "bootstrap", "features"):
            pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
        pd.testing.assert_series_equal(one.assignments, two.assignments)
        pd.testing.assert_series_equal(one.silhouette, two.silhouette)
        assert one.evidence == two.evidence and one.params == two.params
    np.testing.assert_array_equal(a.linkage, b.linkage)
    assert a.linkage.shape == (49, 4) and c.linkage is None
    # the linkage is the tree of the reported Ward partition
    assert adjusted_rand_score(fcluster(a.linkage, a.k, "maxclust"), a.assignments) == 1.0


def test_typology_with_fixed_k_and_summary(demo_index):
    res = typology(demo_index, year=2025, method="ward", k=4, n_boot=10, n_ref=5)
    assert res.k == 4 and res.evidence["k_given"] is True and sorted(res.assignments.unique()) == [1, 2, 3, 4]
    assert list(res.stability.index) == [1, 2, 3, 4]
    summary = res.summary("en")
    assert {"brain_name", "city", "industry", "cluster", "label", "silhouette"} <= set(summary.columns)
    assert summary["label"].iloc[0] == res.labels.at[summary["cluster"].iloc[0], "en"]
    skipped = typology(demo_index, year=2025, method="ward", k=3, n_boot=0, n_ref=5)
    assert skipped.stability.empty and np.isnan(skipped.ari_mean)


def test_validation_errors(demo_index, blobs):
    X, _ = blobs
    with pytest.raises(DataError, match=r"year= one of \[2021, 2022, 2023, 2024, 2025\]"):
        typology(demo_index, n_boot=0, n_ref=2)
    with pytest.raises(SpecError, match="method 'dbscan' is unknown"):
        typology(X, method="dbscan")
    with pytest.raises(DataError, match="k=1 must be an integer"):
        typology(X, k=1, n_boot=0, n_ref=2, k_range=(2, 3))
    with pytest.raises(DataError, match="k_range"):
        typology(X, k_range=(2, 60))
    with pytest.raises(DataError, match="no 'year' index level"):
        typology(X, year=2025)
    bad = X.copy()
    bad.iloc[3, 1] = np.nan
    with pytest.raises(DataError, match="missing value at unit 'u03', indicator 'L2'"):
        typology(bad)
    flat = X.assign(L3=1.0)
    with pytest.raises(DataError, match="'L3' is constant"):
        features(flat)
    with pytest.raises(DataError, match="n_boot"):
        ST.cluster_stability(X, TS.cluster(X, 3), n_boot=0)
    with pytest.raises(SpecError, match="reference 'normal'"):
        TS.gap_statistic(X, ks=[1, 2], reference="normal")
