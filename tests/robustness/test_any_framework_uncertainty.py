"""Uncertainty analysis and leave-one-out on the two published frameworks (small n).

The new steps (denomination, screening) run inside the engine through build_index's own
``data_path``, so the nominal replication equals build_index, and screening and denomination
can be uncertain factors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import toolkit as tk
from toolkit.robustness import leave_one_out, replicate, uncertainty

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} not found (a bare clone has no ../shared/data)")


@pytest.fixture(scope="module")
def asem():
    spec = tk.load_spec(ROOT / "configs" / "asem.yaml")
    return tk.read_indicators(DATA / "asem" / "iData.csv", spec.framework), spec


@pytest.fixture(scope="module")
def hdi():
    spec = tk.load_spec(ROOT / "configs" / "hdi.yaml")
    return tk.read_indicators(DATA / "hdi" / "hdr2023_24_hdi_2022.csv", spec.framework), spec


ASEM_FACTORS = {"name": "asem", "factors": [
    {"name": "normalisation", "address": "normalisation",
     "options": [{"method": "minmax", "params": {"lower": 0, "upper": 100}}, {"method": "percentile_rank"}]},
    {"name": "screening", "address": "screening.dat_thresh", "options": [0.9, 0.5]},
    {"name": "denomination", "address": "denomination.method", "options": ["framework", "none"]},
    {"name": "index_aggregation", "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]},
]}


def test_asem_uncertainty_runs_with_denomination_and_screening_factors(asem):
    data, spec = asem
    res = uncertainty(data, spec, ASEM_FACTORS, n=8, seed=3)
    stats = res.rank_stats
    assert len(stats) == 51
    assert (stats["p05"] >= 1).all() and (stats["p95"] <= 51).all()
    assert (stats["nominal"] == tk.build_index(data, spec).rank).all()


def test_asem_nominal_replication_equals_build_index(asem):
    data, spec = asem
    # factors not named take their nominal value; denomination "none" turns the step off
    comp = replicate(data, spec, ASEM_FACTORS, [{}, {"denomination": "none"}])
    nominal = tk.build_index(data, spec).composite
    assert np.allclose(comp.iloc[0].to_numpy(), nominal.to_numpy(), atol=1e-10)
    undenominated = tk.build_index(data, spec.replace({"denomination": {"method": "none"}})).composite
    assert np.allclose(comp.iloc[1].to_numpy(), undenominated.to_numpy(), atol=1e-10)


def test_screening_that_drops_nominal_units_leaves_them_unranked_in_those_replications(asem):
    # without imputation, ASEM's 90 % screening drops 5 of the 51 units: in those replications
    # they have no rank (NaN) and the other 46 are ranked 1..46, as build_index ranks them
    data, spec = asem
    us = {"name": "x", "factors": [{"name": "imputation", "address": "imputation.method",
                                    "options": ["group_mean", "none"]}]}
    res = uncertainty(data, spec, us, n=4, seed=0, design="montecarlo")
    unimputed = tk.build_index(data, spec.replace({"imputation": {"method": "none", "by": None}}))
    dropped = res.units.difference(unimputed.rank.index)
    assert len(dropped) == 5 and len(res.units) == 51
    none = (res.samples["imputation"] == "none").to_numpy()
    assert 0 < none.sum() < 4
    cols = res.units.get_indexer(dropped)
    assert np.isnan(res.ranks[np.ix_(none, cols)]).all() and not np.isnan(res.ranks[~none]).any()
    assert (res.rank_stats.loc[dropped, "screened_out"] == none.mean()).all()
    want = unimputed.rank.reindex(res.units).to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_array_equal(res.ranks[np.flatnonzero(none)[0]], want)
    assert np.nanmax(res.ranks[none]) == 46


def test_hdi_uncertainty_and_leave_one_dimension_out(hdi):
    data, spec = hdi
    us = {"name": "hdi", "factors": [
        {"name": "index_aggregation", "address": "aggregation.index.method", "options": ["geometric", "arithmetic"]},
        {"name": "noise", "type": "weight_noise", "levels": ["index"], "distribution": {"uniform": 0.25}, "sets": 10}]}
    res = uncertainty(data, spec, us, n=8, seed=1)
    assert len(res.rank_stats) == 193
    # nominal ranks are the published ranks (ties on the 3-decimal HDI)
    published = data.units()["hdi_rank_2022"].astype(int).loc[res.rank_stats.index]
    assert (res.rank_stats["nominal"] == published).all()
    loo = leave_one_out(data, spec, level="dimension")
    assert list(loo.summary.index) == ["HEALTH", "EDUCATION", "INCOME"]
    assert (loo.summary["units_moved"] > 0).all()
