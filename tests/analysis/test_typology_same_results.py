"""The typology's own k-means (toolkit.analysis.kmeans) gives the results scikit-learn's KMeans gave.

Reference: every k-means fit made by ``sklearn.cluster.KMeans(n_clusters=k, n_init=n_init,
random_state=seed).fit_predict`` — the implementation the toolkit used before (#25) — compared to
≤ 1e-12: the chosen k, the votes, the labels, the whole k table (criteria and gap statistic), the
bootstrap stability and the silhouettes.

* The demo as the report bundle calls it (level basis with 50 reference sets and 50 bootstrap
  replicates, then the shape basis): against ``typology_demo_reference.json``, written by that
  reference path with scikit-learn 1.9.1 (``python -m tests.analysis.test_typology_same_results``
  writes it again; a changed file in a diff is a changed report).
* HDI 2022 (193 countries, 3 dimensions) and COINr's ASEM (51 countries): the reference path run
  here beside the fast one, with 10 reference sets and 10 replicates — each of their fits is
  compared just the same, and more sets would only repeat the same kind of fit.
* Single fits on varied random data, duplicate rows included.
"""

from __future__ import annotations

import json
from pathlib import Path

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
REFERENCE = Path(__file__).with_name("typology_demo_reference.json")
DEMO_RUNS = {"level": dict(year=2025, k_range=(2, 8), seed=SEED, n_boot=50),  # as reports.bundle calls it
             "shape": dict(year=2025, k_range=(2, 8), seed=SEED, n_boot=0, basis="shape")}


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


def summary(t) -> dict:
    """What a report shows of a typology, as JSON (floats written exactly)."""
    def frame(df):
        return {"index": [int(i) for i in df.index], "columns": list(df.columns),
                "data": [[v.item() if hasattr(v, "item") else v for v in row] for row in df.astype(object).to_numpy()]}
    return json.loads(json.dumps({
        "k": int(t.k), "recommended_k": int(t.recommended_k), "evidence": t.evidence,
        "assignments": [int(v) for v in t.assignments], "units": [str(u) for u in t.assignments.index],
        "k_table": frame(t.k_table), "stability": frame(t.stability), "bootstrap": frame(t.bootstrap),
        "silhouette": [float(v) for v in t.silhouette],
    }))


def assert_same_summary(got: dict, want: dict):
    for key in ("k", "recommended_k", "evidence", "assignments", "units"):
        assert got[key] == want[key], key
    np.testing.assert_allclose(got["silhouette"], want["silhouette"], rtol=0, atol=1e-12)
    for name in ("k_table", "stability", "bootstrap"):
        g, w = got[name], want[name]
        assert (g["index"], g["columns"]) == (w["index"], w["columns"]), name
        for row_g, row_w in zip(g["data"], w["data"], strict=True):
            for a, b in zip(row_g, row_w, strict=True):
                if isinstance(b, float) and not isinstance(a, bool):
                    assert a == pytest.approx(b, abs=1e-12, rel=0, nan_ok=True), name
                else:
                    assert a == b, name


def demo_index():
    return index_of(DEMO_CSV, None, ROOT / "configs" / "default.yaml")


def test_demo_typologies_of_a_report_are_unchanged():
    want = json.loads(REFERENCE.read_text(encoding="utf-8"))
    r = demo_index()
    for basis, kw in DEMO_RUNS.items():
        clustering.clear_cache()
        got = summary(typology(r, **kw))
        assert_same_summary(got, want[basis])
    assert len(want["level"]["bootstrap"]["data"]) == 50 and want["level"]["k"] >= 2


@pytest.mark.skipif(not (SHARED_DATA / "hdi").is_dir(), reason=f"{SHARED_DATA / 'hdi'} not found (bare clone)")
def test_hdi_typology_is_unchanged(monkeypatch):
    r = index_of(SHARED_DATA / "hdi" / "hdr2023_24_hdi_2022.csv", "undp_hdi", ROOT / "configs" / "hdi.yaml")
    fast, ref = both(monkeypatch, r, year=2022, k_range=(2, 8), seed=SEED, n_ref=10, n_boot=10)
    assert_same(fast, ref)


@pytest.mark.skipif(not (SHARED_DATA / "asem").is_dir(), reason=f"{SHARED_DATA / 'asem'} not found (bare clone)")
def test_asem_typology_is_unchanged(monkeypatch):
    r = index_of(SHARED_DATA / "asem" / "iData.csv", "coinr_asem", ROOT / "configs" / "asem.yaml")
    fast, ref = both(monkeypatch, r, year=2018, k_range=(2, 8), seed=SEED, n_ref=10, n_boot=10, basis="shape")
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


if __name__ == "__main__":  # write the demo reference with scikit-learn's KMeans
    clustering.kmeans_labels = sklearn_labels
    r = demo_index()
    out = {}
    for basis, kw in DEMO_RUNS.items():
        clustering.clear_cache()
        out[basis] = summary(typology(r, **kw))
    REFERENCE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
