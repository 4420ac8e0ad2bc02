"""Selection with confidence on the synthetic demo: probabilities recomputed from the engine's
ranks, replications rebuilt with build_index, quotas per group checked by hand."""

import numpy as np
import pandas as pd
import pytest

from toolkit import build_index, read_indicators
from toolkit.errors import SpecError
from toolkit.robustness.selection import select, selection_from
from toolkit.robustness.uncertainty import uncertainty

from ..conftest import DEMO_CSV

USPEC = {"uncertainty_version": 1, "name": "sel", "factors": [
    {"name": "dimension_weights", "address": "weights.index",
     "options": [{"method": "equal"}, {"method": "entropy"}, {"method": "critic"}]},
    {"name": "index_aggregation", "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]},
    {"name": "indicator_weights", "address": "weights.dimension.method", "options": ["entropy", "equal"]},
]}


@pytest.fixture(scope="module")
def run():
    data = read_indicators(DEMO_CSV)
    res = uncertainty(data, "configs/default.yaml", USPEC, n=80, seed=4, sobol_targets="summary")
    return data, res, build_index(data, "configs/default.yaml")


def test_probabilities_match_the_engine_ranks(run):
    data, res, nominal = run
    s = selection_from(res, 10, year=2025)
    cols = res.units.get_level_values("year") == 2025
    expected = (res.ranks[:, cols] <= 10).mean(axis=0)
    ids = res.units[cols].get_level_values("unit_id")
    np.testing.assert_allclose(s.table.loc[ids, "probability"].to_numpy(), expected)
    assert s.table["nominal_selected"].sum() == 10
    top = nominal.rank.xs(2025, level="year").nsmallest(10).index
    assert set(s.table.index[s.table["nominal_selected"]]) == set(top)
    lists = s.shortlist()
    assert sum(map(len, lists.values())) == 50
    assert (s.table.loc[lists["in"], "probability"] >= 0.9).all()
    assert (s.table.loc[lists["out"], "probability"] <= 0.1).all()


def test_one_replication_equals_build_index(run):
    data, res, _ = run
    s = selection_from(res, 10, year=2025)
    for row in (7, 30):
        values = {f.name: f.index(res.samples.iloc[row][f.name]) for f in res.uspec.factors}
        built = build_index(data, res.uspec.spec_for(values)).rank.xs(2025, level="year")
        assert set(s.units[s.selected[row]]) == set(built.index[built <= 10])


def test_sobol_on_borderline_units(run):
    _, res, _ = run
    s = selection_from(res, 10, year=2025)
    border = s.shortlist()["borderline"]
    assert border, "the demo should have borderline units under these factors"
    assert set(s.sobol["target"]) == set(border)
    assert set(s.sobol["factor"]) == set(res.uspec.names)
    f = s.deciding_factors(border[0])
    assert f["ST"].is_monotonic_decreasing


def test_quota_per_group(run):
    data, res, nominal = run
    s = selection_from(res, 1, by="industry", year=2025, units=nominal.units)
    ind = nominal.units.xs(2025, level="year")["industry"]
    assert s.table["nominal_selected"].sum() == ind.nunique()
    r = nominal.rank.xs(2025, level="year")
    best = r.groupby(ind).idxmin()
    assert set(s.table.index[s.table["nominal_selected"]]) == set(best)
    with pytest.raises(SpecError, match="unit table"):
        selection_from(res, 1, by="city")


def test_quota_per_any_declared_group_column(run):
    """Any group column the framework declares (here Shandong's county) sets a quota; a column
    it does not declare is a SpecError that lists the ones it does."""
    data, res, nominal = run
    s = selection_from(res, 1, by="county", year=2025, units=nominal.units)
    county = nominal.units.xs(2025, level="year")["county"]
    assert s.table["nominal_selected"].sum() == county.nunique()
    with pytest.raises(SpecError, match=r"group columns of framework shandong_industrial_brain \['city', "):
        selection_from(res, 1, by="province", units=nominal.units)
    # a column of the unit table given is a group too (a grouping made for this selection)
    ids = nominal.units.index.get_level_values("unit_id")
    zones = nominal.units.assign(zone=["N" if int(u[-3:]) % 2 else "S" for u in ids])
    assert selection_from(res, 1, by="zone", year=2025, units=zones).table["nominal_selected"].sum() == 2


def test_select_rules():
    assert select(np.array([[1, 1, 3]]), 1).tolist() == [[True, True, False]]  # ties at the cut-off
    with pytest.raises(SpecError, match="quota"):
        select(np.array([[1, 2]]), 0)
    assert pd.Series(select(np.array([[3, 1, 2, 4]]), 1, ["x", "y", "x", "y"])[0]).tolist() == [False, True, True, False]
