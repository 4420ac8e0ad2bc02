"""Tests for the tables that read results side by side: toolkit.analysis.explore, .variants, .results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.analysis import explore, results
from toolkit.analysis import variants as var

from ..conftest import DEMO_CSV

CONFIG = DEMO_CSV.parents[2] / "configs" / "default.yaml"


@pytest.fixture(scope="module")
def demo():
    return toolkit.read_indicators(DEMO_CSV), toolkit.load_spec(CONFIG)


@pytest.fixture(scope="module")
def demo_index(demo):
    return toolkit.build_index(*demo)


def test_rank_agreement_by_hand():
    ranks = pd.DataFrame({"ref": [1, 2, 3, 4], "swap": [2, 1, 3, 4], "reverse": [4, 3, 2, 1]},
                         index=["a", "b", "c", "d"])
    out = var.rank_agreement(ranks, "ref", top=2)
    assert out.loc["ref", "spearman"] == pytest.approx(1.0)
    assert out.loc["swap", "spearman"] == pytest.approx(1 - 6 * 2 / (4 * 15))  # Σd² = 2
    assert out.loc["swap", "kendall"] == pytest.approx(4 / 6)  # 5 concordant, 1 discordant
    assert out.loc["reverse", "spearman"] == pytest.approx(-1.0)
    assert out.loc["reverse", "mean_abs_shift"] == pytest.approx((3 + 1 + 1 + 3) / 4)
    assert out.loc["reverse", "max_abs_shift"] == 3
    assert list(out["top2_kept"]) == [2, 2, 0]
    assert list(out["leader"]) == ["a", "b", "d"]


def test_top_correlations_orders_by_absolute_value_each_pair_once():
    r = pd.DataFrame([[1, 0.2, -0.9], [0.2, 1, 0.5], [-0.9, 0.5, 1]], index=list("xyz"), columns=list("xyz"))
    out = explore.top_correlations(r, k=2)
    assert list(zip(out["x"], out["y"], out["r"], strict=True)) == [("x", "z", -0.9), ("y", "z", 0.5)]


def test_with_choice_replaces_the_whole_choice(demo):
    _, spec = demo
    pca = var.with_choice(spec, "weights", "dimension", {"method": "pca", "params": {"method": "nicoletti"}})
    back = var.with_choice(pca, "weights", "dimension", {"method": "entropy"})
    assert back.level_choice("weights", "dimension") == {"method": "entropy"}  # no leftover params
    assert back["weights"]["index"]["method"] == spec["weights"]["index"]["method"]


def test_variant_tables_line_up(demo):
    data, spec = demo
    results = var.build_variants(data, {m: var.with_choice(spec, "weights", "dimension", {"method": m})
                                             for m in ("equal", "entropy")})
    W = var.weight_table(results, "dimension")
    assert list(W.columns) == ["equal", "entropy"] and W.index.names == ["parent", "child"]
    assert np.allclose(W.groupby(level="parent").sum(), 1.0)
    assert np.allclose(W.loc["L4", "equal"], 0.5)
    E = var.effective_weight_table(results)
    assert np.allclose(E.sum(), 1.0) and len(E) == 30
    ranks = var.rank_table(results, 2025)
    assert ranks.shape == (50, 2) and sorted(ranks["equal"]) == sorted(results["equal"].rank.xs(2025, level="year"))


def test_rank_changes_are_the_difference_of_the_two_years(demo_index):
    ch = results.rank_changes(demo_index, lang="en")
    r24, r25 = demo_index.rank.xs(2024, level="year"), demo_index.rank.xs(2025, level="year")
    u = ch.index[0]
    assert ch.at[u, "rank_change"] == r24[u] - r25[u]
    assert ch["rank_change"].abs().is_monotonic_decreasing            # largest moves first
    assert int(ch["rank_change"].sum()) == 0                          # ranks are a permutation each year
    c = demo_index.composite
    assert ch.at[u, "score_change"] == pytest.approx(c[(u, 2025)] - c[(u, 2024)])
    first = results.rank_changes(demo_index, year=2021)  # the first year: no previous one
    assert first.empty and "rank_change" in first.columns


def test_leading_obstacles_are_the_largest_degrees(demo_index):
    t = results.leading_obstacles(demo_index, 2025, top=2, k=3, lang="en")
    assert t["rank"].tolist() == [1, 2]
    unit = t.index[0]
    obs = demo_index.obstacles(2025).loc[unit].sort_values(ascending=False)
    assert t.at[unit, "obstacle_1"].startswith(f"{obs.index[0]} ")
    assert t.at[unit, "obstacle_1"].endswith(f"({obs.iloc[0]:.1f}%)")
    assert t.at[unit, "obstacle_3"].startswith(f"{obs.index[2]} ")


def test_data_summary_and_overview_count_the_demo(demo, demo_index):
    data, _ = demo
    s = explore.data_summary(data, demo_index)
    assert s["units"] == 50 and s["rows (unit × year)"] == 50 * 5 and s["synthetic"] is True
    assert s["missing cells"] == int(demo_index.raw.isna().sum().sum())
    ov = explore.indicator_overview(demo_index, 2025, "en")
    raw = demo_index.raw.xs(2025, level="year")
    assert len(ov) == raw.shape[1]
    c = ov.index[0]
    assert ov.at[c, "mean"] == pytest.approx(raw[c].mean()) and ov.at[c, "n"] == raw[c].notna().sum()
