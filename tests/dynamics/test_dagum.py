"""Dagum's Gini decomposition against direct double sums over every pair, and its identities."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.dynamics.dagum import dagum_gini, dagum_panel
from toolkit.errors import DataError


def brute_force(y, g):
    """Dagum (1997) written as the paper's double sums, one pair at a time, in plain Python."""
    y, g = list(map(float, y)), list(g)
    n, mu = len(y), sum(y) / len(y)
    G = sum(abs(a - b) for a in y for b in y) / (2 * n * n * mu)
    groups = {}
    for v, k in zip(y, g, strict=True):
        groups.setdefault(k, []).append(v)
    means = {k: sum(v) / len(v) for k, v in groups.items()}
    order = sorted(groups, key=lambda k: -means[k])
    p = {k: len(groups[k]) / n for k in order}
    s = {k: len(groups[k]) * means[k] / (n * mu) for k in order}
    Gjj = {k: sum(abs(a - b) for a in groups[k] for b in groups[k]) / (2 * len(groups[k]) ** 2 * means[k])
           for k in order}
    Gw = sum(Gjj[k] * p[k] * s[k] for k in order)
    Gnb = Gt = 0.0
    pairs = {}
    for j, h in itertools.combinations(order, 2):
        nj, nh = len(groups[j]), len(groups[h])
        Gjh = sum(abs(a - b) for a in groups[j] for b in groups[h]) / (nj * nh * (means[j] + means[h]))
        d = sum(max(a - b, 0) for a in groups[j] for b in groups[h]) / (nj * nh)
        q = sum(max(b - a, 0) for a in groups[j] for b in groups[h]) / (nj * nh)
        D = (d - q) / (d + q) if d + q else 0.0   # identical groups: no affluence either way
        Gnb += Gjh * (p[j] * s[h] + p[h] * s[j]) * D
        Gt += Gjh * (p[j] * s[h] + p[h] * s[j]) * (1 - D)
        pairs[(j, h)] = Gjh
    return G, Gw, Gnb, Gt, Gjj, pairs


def test_matches_the_double_sums_on_three_unequal_groups():
    rng = np.random.default_rng(7)
    y = pd.Series(np.r_[rng.lognormal(3, 0.4, 17), rng.lognormal(3.3, 0.2, 9), rng.lognormal(2.8, 0.6, 5)])
    g = pd.Series(["A"] * 17 + ["B"] * 9 + ["C"] * 5)
    r = dagum_gini(y, g)
    G, Gw, Gnb, Gt, Gjj, pairs = brute_force(y, g)
    assert r.gini == pytest.approx(G, rel=1e-12)
    assert (r.within, r.between, r.transvariation) == pytest.approx((Gw, Gnb, Gt), rel=1e-12)
    assert r.group_gini == pytest.approx(Gjj, rel=1e-12)
    assert r.pair_gini.keys() == pairs.keys()
    assert list(r.pair_gini.values()) == pytest.approx(list(pairs.values()), rel=1e-12)
    assert r.within + r.between + r.transvariation == pytest.approx(r.gini, rel=1e-12)
    assert sum(r.shares.values()) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 1000), st.sampled_from("abcd")), min_size=2, max_size=30))
def test_parts_sum_to_the_gini_and_match_brute_force(rows):
    y = pd.Series([v for v, _ in rows])
    g = pd.Series([k for _, k in rows])
    r = dagum_gini(y, g)
    G, Gw, Gnb, Gt, _, _ = brute_force(y, g)
    assert r.gini == pytest.approx(G, rel=1e-9, abs=1e-12)
    assert (r.within, r.between, r.transvariation) == pytest.approx((Gw, Gnb, Gt), rel=1e-9, abs=1e-12)
    assert r.within + r.between + r.transvariation == pytest.approx(r.gini, rel=1e-9, abs=1e-12)


def test_one_group_is_all_within():
    y = pd.Series([3.0, 1, 4, 1, 5, 9, 2, 6])
    r = dagum_gini(y, pd.Series(["only"] * 8))
    assert r.within == pytest.approx(r.gini) and r.between == 0 and r.transvariation == 0
    # by hand: sorted 1,1,2,3,4,5,6,9 give Σ_{i<j}|Δ| = Σ(2i − n − 1)x_(i) = 91; 182 over 2n²μ = 496
    assert r.gini == pytest.approx(182 / 496)


def test_groups_that_do_not_overlap_have_no_transvariation():
    y = pd.Series([1.0, 2, 3, 5, 6, 7, 10, 12])
    r = dagum_gini(y, pd.Series(list("aaabbbcc")))
    assert r.transvariation == pytest.approx(0, abs=1e-15)
    assert set(r.pair_affluence.values()) == {1.0}
    assert list(r.group_mean) == ["c", "b", "a"]          # sorted by decreasing mean


def test_identical_groups_have_no_net_between_inequality():
    y = pd.Series([1.0, 2, 3, 1, 2, 3])
    r = dagum_gini(y, pd.Series(list("aaabbb")))
    assert r.between == pytest.approx(0, abs=1e-15)
    assert r.pair_affluence[("a", "b")] == 0


def test_bad_input_is_named():
    with pytest.raises(DataError, match="negative"):
        dagum_gini(pd.Series([1.0, -1.0]), pd.Series(["a", "b"]))
    with pytest.raises(DataError, match="missing"):
        dagum_gini(pd.Series([1.0, None]), pd.Series(["a", "b"]))
    with pytest.raises(DataError, match="groups has no entry"):
        dagum_gini(pd.Series([1.0, 2.0], index=["x", "y"]), pd.Series(["a"], index=["x"]))


def test_panel_is_the_cross_section_of_each_year():
    rng = np.random.default_rng(3)
    idx = pd.MultiIndex.from_product([[f"u{i}" for i in range(12)], [2021, 2022, 2023]], names=["unit_id", "year"])
    y = pd.Series(rng.uniform(10, 90, len(idx)), index=idx)
    g = pd.Series(np.tile(np.repeat(list("xyz"), 3), 4)[: len(idx)], index=idx)
    panel = dagum_panel(y, g)
    assert list(panel.overall.index) == [2021, 2022, 2023]
    one = dagum_gini(y.xs(2022, level="year"), g.xs(2022, level="year"))
    assert panel.overall.loc[2022, "gini"] == pytest.approx(one.gini)
    assert panel.groups.loc[2022].to_dict() == pytest.approx(one.group_gini)
    assert panel.pairs.shape == (3, 3)
