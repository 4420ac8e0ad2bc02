"""The typology's own k-means (toolkit.analysis.kmeans) gives the results scikit-learn's KMeans gave.

Reference path: the typology computed again with every k-means fit made by
``sklearn.cluster.KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict`` — the
implementation the toolkit used before (#25) — and compared to ≤ 1e-12: the chosen k, the votes,
the labels, the whole k table (criteria and gap statistic), the bootstrap stability and the
silhouettes. Data: the demo as the report bundle calls it (level basis with 50 bootstrap
replicates, then the shape basis), HDI 2022 (193 countries, 3 dimensions) and COINr's ASEM
(51 countries). A second test compares single fits on varied random data, duplicates included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans

import toolkit
from toolkit.analysis import clustering
from toolkit.analysis.kmeans import kmeans_labels
from toolkit.analysis.typology import typology

from ..conftest import DEMO_CSV, ROOT, SHARED_DATA

SEED = 20240408 % (2**31)  # the seed reports use


def sklearn_labels(X, k, n_init, seed):
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(X)


def assert_same(a, b):
    assert a.k == b.k and a.recommended_k == b.recommended_k
    assert a.evidence == b.evidence
    pd.testing.assert_series_equal(a.assignments, b.assignments)
    for name in ("k_table", "stability", "bootstrap"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=False, rtol=0, atol=1e-12)
    pd.testing.assert_series_equal(a.silhouette, b.silhouette, check_exact=False, rtol=0, atol=1e-12)
    assert a.labels.equals(b.labels) and a.member_labels.equals(b.member_labels)


def both(monkeypatch, source, **kw):
    clustering.clear_cache()
    fast = typology(source, **kw)
    with monkeypatch.context() as m:
        m.setattr(clustering, "kmeans_labels", sklearn_labels)
        clustering.clear_cache()
        ref = typology(source, **kw)
    clustering.clear_cache()
    return fast, ref


def index_of(data, framework, spec):
    return toolkit.build_index(toolkit.read_indicators(data, framework), spec)


def test_demo_typologies_of_a_report_are_unchanged(monkeypatch):
    r = index_of(DEMO_CSV, None, ROOT / "configs" / "default.yaml")
    fast, ref = both(monkeypatch, r, year=2025, k_range=(2, 8), seed=SEED, n_boot=50)
    assert_same(fast, ref)
    assert fast.stability["jaccard_mean"].notna().all() and len(fast.bootstrap) == 50
    fast, ref = both(monkeypatch, r, year=2025, k_range=(2, 8), seed=SEED, n_boot=0, basis="shape")
    assert_same(fast, ref)


@pytest.mark.skipif(not (SHARED_DATA / "hdi").is_dir(), reason=f"{SHARED_DATA / 'hdi'} not found (bare clone)")
def test_hdi_typology_is_unchanged(monkeypatch):
    r = index_of(SHARED_DATA / "hdi" / "hdr2023_24_hdi_2022.csv", "undp_hdi", ROOT / "configs" / "hdi.yaml")
    fast, ref = both(monkeypatch, r, year=2022, k_range=(2, 8), seed=SEED, n_boot=20)
    assert_same(fast, ref)


@pytest.mark.skipif(not (SHARED_DATA / "asem").is_dir(), reason=f"{SHARED_DATA / 'asem'} not found (bare clone)")
def test_asem_typology_is_unchanged(monkeypatch):
    r = index_of(SHARED_DATA / "asem" / "iData.csv", "coinr_asem", ROOT / "configs" / "asem.yaml")
    fast, ref = both(monkeypatch, r, year=2018, k_range=(2, 8), seed=SEED, n_boot=20, basis="shape")
    assert_same(fast, ref)


@clustering.one_thread
def test_single_fits_match_sklearn_label_for_label():
    """Varied shapes, k from 1 to 8, uniform and Gaussian data, rounded data with duplicate rows
    (empty clusters and tied inertias), and more rows than one scikit-learn chunk (handed over)."""
    for s in range(40):
        rng = np.random.default_rng(s)
        n, f = int(rng.integers(8, 120)), int(rng.integers(1, 9))
        k = int(rng.integers(1, min(9, n)))
        X = rng.uniform(size=(n, f)) if s % 3 == 0 else rng.normal(size=(n, f))
        if s % 4 == 0:
            X = np.round(X, 1)
        np.testing.assert_array_equal(kmeans_labels(X, k, 10, s), sklearn_labels(X, k, 10, s), err_msg=f"case {s}")
    X = np.random.default_rng(1).normal(size=(300, 3))
    np.testing.assert_array_equal(kmeans_labels(X, 4, 2, 1), sklearn_labels(X, 4, 2, 1))
