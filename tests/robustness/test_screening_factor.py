"""Screening as an uncertain factor (issue 12): a replication whose screening drops units gives
them no composite and no rank (NaN), ranks the others among the kept units, and every statistic
handles the missing entries explicitly.

The independent computation is a brute-force loop of :func:`toolkit.build_index`, one call per
replication with that replication's screening threshold and aggregation, compared with the
engine replication by replication.

The toy: eight units, four indicators in two pillars; u6 has two of four (availability 1/2), u7
three (3/4). The nominal threshold 0.6 drops u6; 0.4 keeps everyone (so the analysis covers u6,
whose nominal rank is missing); 0.9 keeps only complete units.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

import toolkit as tk
from toolkit.robustness import replicate, uncertainty
from toolkit.robustness.rank_stats import rank_statistics, sobol_ranks
from toolkit.robustness.selection import selection_from
from toolkit.robustness.sensitivity import sobol_indices

FW = {
    "schema_version": 1, "id": "mini_screen", "version": "1", "levels": ["index", "pillar", "indicator"],
    "unit_columns": [{"name": "unit_id", "role": "id"}, {"name": "zone", "role": "group"},
                     {"name": "year", "role": "year"}],
    "root": {"code": "I", "name_en": "Index", "children": [
        {"code": "P1", "name_en": "One", "children": [
            {"code": "A", "name_en": "a", "type": "amount"},
            {"code": "B", "name_en": "b", "type": "amount"}]},
        {"code": "P2", "name_en": "Two", "children": [
            {"code": "C", "name_en": "c", "type": "amount"},
            {"code": "D", "name_en": "d", "type": "amount"}]}]},
}
NAN = np.nan
DATA = pd.DataFrame({
    "unit_id": [f"u{i}" for i in range(8)], "year": 2020, "zone": ["n", "s"] * 4,
    "A": [5.0, 3, 8, 1, 6, 2, 7, 9], "B": [4.0, 7, 2, 6, 3, 8, NAN, 5], "C": [6.0, 2, 5, 7, 1, 3, 9, 4],
    "D": [2.0, 9, 4, 3, 8, 5, NAN, NAN]})
SPEC = {"imputation": {"method": "none"}, "outliers": {"method": "none"},
        "screening": {"method": "byNA", "dat_thresh": 0.6},
        "normalisation": {"method": "minmax", "params": {"lower": 1, "upper": 100}},
        "aggregation": {"pillar": {"method": "arithmetic"}, "index": {"method": "arithmetic"}}}
FACTORS = {"name": "screening", "factors": [
    {"name": "threshold", "address": "screening.dat_thresh", "options": [0.4, 0.6, 0.9]},
    {"name": "index_aggregation", "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]}]}


@pytest.fixture(scope="module")
def fw(tmp_path_factory):
    d = tmp_path_factory.mktemp("fw")
    (d / "mini_screen.yaml").write_text(yaml.safe_dump(FW), "utf-8")
    return tk.load_framework(d / "mini_screen.yaml")


@pytest.fixture(scope="module")
def spec(fw):
    return tk.load_spec(SPEC, framework=fw)


@pytest.fixture(scope="module")
def run(fw, spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return uncertainty(DATA, spec, FACTORS, n=16, seed=4, keep_scores=True, framework=fw)


def _brute(fw, spec, samples):
    """build_index once per replication: (ranks, composites), replications × units (NaN: dropped)."""
    units = pd.MultiIndex.from_tuples([(f"u{i}", 2020) for i in range(8)], names=["unit_id", "year"])
    R, Cmp = [], []
    for t, agg in zip(samples["threshold"], samples["index_aggregation"], strict=True):
        s = spec.replace({"screening": {"dat_thresh": float(t)}, "aggregation": {"index": {"method": agg}}})
        res = tk.build_index(DATA, s, framework=fw)
        R.append(res.rank.reindex(units).to_numpy(dtype=float, na_value=np.nan))
        Cmp.append(res.composite.reindex(units).to_numpy())
    return units, np.array(R), np.array(Cmp)


def test_the_engine_equals_build_index_replication_by_replication(fw, spec, run):
    units, R, Cmp = _brute(fw, spec, run.samples)
    assert list(run.units) == list(units)  # the union: u6 too, though the nominal screening drops it
    assert run.ranks.dtype == np.float64
    np.testing.assert_array_equal(run.ranks, R)  # NaN exactly where build_index has no rank
    np.testing.assert_allclose(run.scores, Cmp, rtol=0, atol=1e-12)
    # each threshold drops who it should: 0.4 nobody, 0.6 u6, 0.9 u6 and u7
    for t, gone in ((0.4, []), (0.6, ["u6"]), (0.9, ["u6", "u7"])):
        rows = np.flatnonzero(run.samples["threshold"].astype(float).to_numpy() == t)
        assert len(rows) > 0
        dropped = [u for u, g in zip(units.get_level_values("unit_id"), np.isnan(run.ranks[rows]).all(axis=0),
                                     strict=True) if g]
        assert dropped == gone
        # ranks among the kept units: 1..m with m kept (no gaps left by the dropped units)
        kept = run.ranks[rows][:, ~np.isnan(run.ranks[rows][0])]
        assert kept.max() <= 8 - len(gone)


def test_statistics_handle_the_screened_out_units_explicitly(fw, spec, run):
    units, R, _ = _brute(fw, spec, run.samples)
    stats = run.rank_stats
    share = {t: float((run.samples["threshold"].astype(float) == t).mean()) for t in (0.4, 0.6, 0.9)}
    assert stats.loc[("u6", 2020), "screened_out"] == pytest.approx(share[0.6] + share[0.9])
    assert stats.loc[("u7", 2020), "screened_out"] == pytest.approx(share[0.9])
    assert stats.loc[("u0", 2020), "screened_out"] == 0.0
    # the nominal screening's own result: u6 has no nominal rank
    assert stats.loc[("u6", 2020), "nominal_kept"] is np.False_ and pd.isna(stats.loc[("u6", 2020), "nominal"])
    assert stats["nominal_kept"].drop(("u6", 2020)).all()
    # mean / median / interval over the replications that rank the unit (independent nanmean)
    u7 = list(units).index(("u7", 2020))
    ranked = R[:, u7][~np.isnan(R[:, u7])]
    assert stats.loc[("u7", 2020), "mean"] == pytest.approx(ranked.mean())
    assert stats.loc[("u7", 2020), "median"] == pytest.approx(np.median(ranked))
    assert stats.loc[("u7", 2020), "p95"] == pytest.approx(np.quantile(ranked, 0.95))
    # shift: only against units with a nominal rank, ranked in the replication
    nominal = run.nominal_rank.to_numpy(dtype=float, na_value=np.nan)
    both = ~np.isnan(R) & ~np.isnan(nominal)[None, :]
    want = np.array([np.abs(R[r, both[r]] - nominal[both[r]]).mean() for r in range(len(R))])
    np.testing.assert_allclose(run.rank_shift, want)
    assert np.isnan(stats.loc[("u6", 2020), "mean_abs_shift"])


def test_sobol_on_ranks_gives_a_screened_out_unit_the_last_rank_plus_one(fw, spec, run):
    units, R, _ = _brute(fw, spec, run.samples)
    # the documented rule, computed independently: m kept units in the replication → rank m + 1
    filled = R.copy()
    for r in range(len(R)):
        filled[r, np.isnan(R[r])] = (~np.isnan(R[r])).sum() + 1
    np.testing.assert_array_equal(sobol_ranks(run.ranks, run.units), filled)
    u6 = "u6"
    want = sobol_indices(filled[:, [list(units.get_level_values("unit_id")).index(u6)]], run.uspec.names, [u6])
    got = run.sobol[run.sobol["target"] == u6].reset_index(drop=True)
    # S1 and ST do not depend on the bootstrap (only their intervals do)
    pd.testing.assert_frame_equal(got[["factor", "S1", "ST"]], want[["factor", "S1", "ST"]])
    # u6's rank is driven by the threshold (dropped or ranked), far more than by the aggregation
    st = got.set_index("factor")["ST"]
    assert st["threshold"] > 0.5 > st["index_aggregation"]


def test_selection_treats_a_screened_out_unit_as_not_selected(fw, spec, run):
    units, R, _ = _brute(fw, spec, run.samples)
    sel = selection_from(run, 3)
    ids = list(units.get_level_values("unit_id"))
    want = pd.Series(((R <= 3) & ~np.isnan(R)).mean(axis=0), index=ids)
    pd.testing.assert_series_equal(sel.table["probability"].reindex(ids), want, check_names=False)
    assert sel.table.loc["u6", "screened_out"] == pytest.approx(run.rank_stats.loc[("u6", 2020), "screened_out"])
    assert not sel.table.loc["u6", "nominal_selected"]
    # per group: a screened-out unit frees its place for the next of its group
    by = selection_from(run, 1, by="industry", units=pd.DataFrame({"industry": DATA["zone"].to_numpy()},
                                                                    index=units))
    for r in range(len(R)):
        for z in ("n", "s"):
            cols = [i for i, g in enumerate(DATA["zone"]) if g == z]
            ranked = [i for i in cols if not np.isnan(R[r, i])]
            best = min(R[r, i] for i in ranked)
            assert {i for i in cols if by.selected[r, i]} == {i for i in ranked if R[r, i] == best}


def test_replicate_gives_nan_composites_for_the_dropped_units(fw, spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comp = replicate(DATA, spec, FACTORS, [{"threshold": 0.9}, {"threshold": 0.4}], framework=fw)
    assert comp.columns.get_level_values("unit_id").tolist() == [f"u{i}" for i in range(8)]
    assert comp.iloc[0].isna().tolist() == [False] * 6 + [True, True]
    assert comp.iloc[1].notna().all()


def test_rank_statistics_without_missing_ranks_are_the_plain_ones():
    R = np.array([[1, 2, 3], [2, 1, 3], [1, 3, 2]], dtype=np.int32)
    nominal = pd.Series([1, 2, 3], index=["a", "b", "c"], dtype="Int64")
    stats, shift = rank_statistics(R, nominal)
    assert stats["mean"].tolist() == pytest.approx([4 / 3, 2, 8 / 3])
    assert shift.tolist() == pytest.approx([0, 2 / 3, 2 / 3])
    assert stats["screened_out"].tolist() == [0, 0, 0] and stats["nominal_kept"].all()
