"""Markov chains against transitions counted by hand; Moran's I against its formula; LISA against esda."""

import numpy as np
import pandas as pd
import pytest

from toolkit.dynamics.markov import markov_chain, spatial_markov
from toolkit.dynamics.spatial import (
    adjacency_weights,
    lisa,
    moran,
    moran_panel,
    queen_weights,
    weights_among,
)
from toolkit.errors import DataError


def grid_weights(side):
    # the oracle, imported where used: seconds of CPU in every collecting worker otherwise
    from libpysal.weights import lat2W

    w = lat2W(side, side, rook=False)
    return adjacency_weights({f"r{k:03d}": [f"r{v:03d}" for v in vs] for k, vs in w.neighbors.items()})


def smooth_panel(side=7, years=range(2016, 2024), seed=0):
    """Values that drift and are correlated with the neighbours' (a smooth surface plus noise)."""
    rng = np.random.default_rng(seed)
    rows = {}
    for k in range(side * side):
        r, c = divmod(k, side)
        base = 50 + 4 * r + 3 * c
        for t in years:
            rows[(f"r{k:03d}", t)] = base + (t - 2016) * 0.5 + rng.normal(0, 4)
    s = pd.Series(rows)
    s.index.names = ["unit_id", "year"]
    return s


def test_markov_counts_every_transition():
    y = smooth_panel()
    m = markov_chain(y, k=4)
    W = y.unstack("year")
    cut = np.quantile(W.to_numpy().ravel(), [0.25, 0.5, 0.75, 1.0])
    cls = np.searchsorted(cut, W.to_numpy(), side="left")
    counts = np.zeros((4, 4), int)
    for row in cls:
        for a, b in zip(row[:-1], row[1:], strict=True):
            counts[a, b] += 1
    assert (m.counts.to_numpy() == counts).all()
    assert m.counts.to_numpy().sum() == 49 * 7
    assert m.P.to_numpy() == pytest.approx(counts / counts.sum(axis=1, keepdims=True))
    P = m.P.to_numpy()
    pi = m.steady_state.to_numpy()
    assert pi @ P == pytest.approx(pi) and pi.sum() == pytest.approx(1)
    F = m.first_passage.to_numpy()
    for i in range(4):                       # m_ii = 1/π_i; m_ij = 1 + Σ_{k≠j} P_ik m_kj
        assert F[i, i] == pytest.approx(1 / pi[i])
        for j in range(4):
            if i != j:
                assert F[i, j] == pytest.approx(1 + sum(P[i, k] * F[k, j] for k in range(4) if k != j))
    assert 0 < m.mobility < 1
    from giddy.markov import Markov  # PySAL's estimate from the same classes
    g = Markov(m.classes.to_numpy(), classes=np.arange(4), summary=False)
    assert (g.transitions == counts).all() and np.allclose(g.p, P) and np.allclose(g.steady_state, pi)


def test_markov_per_year_classes_and_gaps():
    y = smooth_panel().drop(("r000", 2019))
    m = markov_chain(y, k=3, basis="per_year")
    assert m.dropped == 1 and len(m.classes) == 48
    # each year's classes are thirds of that year
    assert (m.classes.apply(lambda c: c.value_counts().min()) >= 15).all()
    with pytest.raises(ValueError, match="basis"):
        markov_chain(y, basis="global")


def test_spatial_markov_sums_to_the_classic_counts():
    y = smooth_panel()
    w = grid_weights(7)
    sm = spatial_markov(y, w, k=4)
    m = markov_chain(y, k=4)
    total = sm.counts.groupby(level="from").sum().loc[m.counts.index]
    assert (total.to_numpy() == m.counts.to_numpy()).all()
    assert sm.P.shape == (16, 4)
    assert set(sm.tests.index) == {"Q", "Q_p", "LR", "LR_p", "dof"}


def test_moran_is_the_formula():
    y = smooth_panel().xs(2020, level="year")
    w = grid_weights(7)
    r = moran(y, w, permutations=199, seed=1)
    w.transform = "r"
    Wd = w.full()[0]
    z = y.loc[w.id_order].to_numpy() - y.mean()
    expected = len(z) / Wd.sum() * (z @ Wd @ z) / (z @ z)
    assert r["I"] == pytest.approx(expected)
    assert r["I"] > 0.3 and r["p_sim"] < 0.01 and r["p_norm"] < 0.01
    assert moran(y, w, permutations=199, seed=1)["p_sim"] == r["p_sim"]   # seeded
    import esda
    ref = esda.Moran(y.loc[w.id_order].to_numpy(), w.to_libpysal(), permutations=999)
    assert r["I"] == pytest.approx(ref.I) and r["z_norm"] == pytest.approx(ref.z_norm)
    assert r["p_norm"] == pytest.approx(ref.p_norm) and r["expected"] == pytest.approx(ref.EI)
    # a weaker pattern, where the permutation p-value is not at its floor: the same test, other draws
    noisy = y + np.random.default_rng(2).normal(0, 8, len(y))
    mine = moran(noisy, w, permutations=9999, seed=4)
    np.random.seed(0)  # esda draws from numpy's global generator: seeded, the test is the same every run
    ref = esda.Moran(noisy.loc[w.id_order].to_numpy(), w.to_libpysal(), permutations=9999)
    # two independent sets of P draws: the z scores' relative difference has a standard error of
    # about 1/sqrt(P) (the permutation sd's own error, from both sides) = 1 %; allow 4 of them
    assert abs(mine["p_sim"] - ref.p_sim) < 0.02 and mine["z_sim"] == pytest.approx(ref.z_sim, rel=0.04)
    panel = moran_panel(smooth_panel(), w, permutations=99)
    assert list(panel.index) == list(range(2016, 2024)) and (panel["I"] > 0).all()


def test_moran_needs_every_region():
    w = grid_weights(3)
    with pytest.raises(DataError, match="no value for 1 region"):
        moran(pd.Series({f"r{k:03d}": float(k) for k in range(8)}), w)


def esda_interpreted(monkeypatch):
    """esda's conditional randomisation run as the plain Python it is written in: numba compiles
    its kernels afresh in every process (about 15 s of CPU, nearly all of this test's time, for
    0.2 s of work), and ``numba.njit`` only compiles the same source, so the reference is esda's
    algorithm either way (its draws come from numpy's generator instead of numba's: the test
    compares p-values within Monte Carlo error, never draw by draw)."""
    import esda.crand
    import esda.moran
    from numba.core.registry import CPUDispatcher

    for mod in (esda.crand, esda.moran):
        for name, obj in list(vars(mod).items()):
            if isinstance(obj, CPUDispatcher):
                monkeypatch.setattr(mod, name, obj.py_func)
    monkeypatch.setattr(esda.crand, "boolean", np.bool_)  # numba's types, as numpy's
    monkeypatch.setattr(esda.crand, "prange", range)


def test_lisa_matches_esda(monkeypatch):
    """9,999 permutations on each side: a p-value near 0.5 then has a Monte Carlo standard error
    of 0.005, the difference of two independent ones 0.007, and the largest of 49 such
    differences stays under 0.03 (4 standard errors); 999 permutations would need 0.1."""
    import esda

    esda_interpreted(monkeypatch)
    y = smooth_panel().xs(2021, level="year")
    w = grid_weights(7)
    mine = lisa(y, w, permutations=9999, seed=3)
    ref = esda.Moran_Local(y.loc[w.id_order].to_numpy(), w.to_libpysal(), transformation="r", permutations=9999,
                           seed=3)
    assert mine["Is"].to_numpy() == pytest.approx(ref.Is)
    assert (mine["quadrant"].to_numpy() == pd.Series(ref.q).map({1: "HH", 2: "LH", 3: "LL", 4: "HL"}).to_numpy()).all()
    # the same test by conditional randomisation, different draws: p within Monte Carlo error
    assert np.abs(mine["p_sim"].to_numpy() - ref.p_sim).max() < 0.03
    assert (mine["cluster"] != "ns").sum() >= 5


def test_moran_under_normality_is_esdas_on_an_irregular_map():
    """Regions of 1 to 8 neighbours and a subset (weights_among): I, E[I], z and p under
    normality are esda's, whose moments (s0, s1, s2) depend on the row sums' asymmetry."""
    import esda

    w = weights_among(grid_weights(6), [f"r{k:03d}" for k in range(36) if k not in (7, 8, 20)])
    y = pd.Series(np.random.default_rng(5).normal(size=w.n), index=w.id_order)
    mine = moran(y, w, permutations=0)
    ref = esda.Moran(y.to_numpy(), w.to_libpysal(), permutations=0)
    assert [mine["I"], mine["expected"], mine["z_norm"], mine["p_norm"]] == pytest.approx(
        [ref.I, ref.EI, ref.z_norm, ref.p_norm], rel=1e-12)


def test_queen_weights_are_libpysals_on_corners_holes_and_multipolygons():
    """A corner touch is a link, a shared edge is, an island in a hole is (its ring is the hole's),
    a multipolygon links through either part, and a gap of 1e-9 is no link (exact vertices)."""
    import geopandas as gpd
    from libpysal.weights import Queen
    from shapely.geometry import MultiPolygon, Polygon, box

    shapes = {"a": box(0, 0, 1, 1), "b": box(1, 1, 2, 2), "c": box(1, 0, 2, 1),
              "d": Polygon(box(3, 0, 6, 3).exterior.coords, [box(4, 1, 5, 2).exterior.coords]),
              "e": box(4, 1, 5, 2), "f": MultiPolygon([box(6, 0, 7, 1), box(10, 10, 11, 11)]),
              "g": box(11, 10, 12, 11), "h": box(2 + 1e-9, 0, 3 - 1e-9, 0.5)}
    g = gpd.GeoDataFrame({"id": list(shapes)}, geometry=list(shapes.values()))
    w = queen_weights(g, "id")
    ref = Queen.from_dataframe(g, ids=list(g.id), use_index=False)
    assert {k: sorted(v) for k, v in w.neighbors.items()} == {k: sorted(v) for k, v in ref.neighbors.items()}
    assert sorted(w.neighbors["d"]) == ["e", "f"] and sorted(w.neighbors["f"]) == ["d", "g"] and w.islands == ["h"]
    w.transform = "r"
    lw = w.to_libpysal()
    assert lw.transform == "R" and (w.full()[0] == lw.full()[0]).all() and w.s0 == pytest.approx(lw.s0)


def test_adjacency_list_is_made_symmetric_and_checked():
    w = adjacency_weights({"a": ["b", "c"], "b": [], "c": []})
    assert sorted(w.neighbors["b"]) == ["a"]
    with pytest.raises(DataError, match="not a unit"):
        adjacency_weights({"a": ["z"]})
