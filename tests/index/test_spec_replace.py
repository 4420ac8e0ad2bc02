"""spec.replace with another method: the new method starts from its own defaults (issue 21).

The base spec's min–max bounds used to be merged into a percentile_rank normalisation
("unknown parameter(s) ['lower', 'upper']", blamed on the base file)."""

from __future__ import annotations

import pytest

import toolkit as tk

from ..conftest import ROOT

DEFAULT = ROOT / "configs" / "default.yaml"


def test_the_getting_started_form_switches_normalisation():
    base = tk.load_spec(DEFAULT)
    assert dict(base["normalisation"]["params"]) == {"lower": 1, "upper": 100}
    v = base.replace({"normalisation": {"method": "percentile_rank"}})
    assert v["normalisation"]["method"] == "percentile_rank"
    assert dict(v["normalisation"]["params"]) == {}
    # the same choice written from scratch is the same spec
    fresh = tk.load_spec({**base.to_dict(), "normalisation": {"method": "percentile_rank"}})
    assert fresh.sha256 == v.sha256
    # the base is unchanged, and the same method keeps its parameters (merged key by key as before)
    assert dict(base["normalisation"]["params"]) == {"lower": 1, "upper": 100}
    same = base.replace({"normalisation": {"method": "minmax", "params": {"upper": 10}}})
    assert dict(same["normalisation"]["params"]) == {"upper": 10}
    kept = base.replace({"normalisation": {"overrides": {"L1P1": {"method": "rank"}}}})
    assert dict(kept["normalisation"]["params"]) == {"lower": 1, "upper": 100}


def test_a_method_without_params_from_a_dict():
    assert dict(tk.load_spec({"normalisation": {"method": "rank"}})["normalisation"]["params"]) == {}


def test_other_blocks_start_from_the_new_methods_defaults():
    base = tk.load_spec(DEFAULT)  # imputation: group_median by industry, panel ffill_bfill
    imp = base.replace({"imputation": {"method": "median"}})["imputation"]
    assert imp["by"] is None and imp["panel"] == "ffill_bfill"  # by belonged to group_median
    grp = base.replace({"imputation": {"method": "group_mean"}})["imputation"]
    assert grp["by"] == "industry"  # a group method keeps its group column
    # a weighting's settings belong to its method
    w = base.replace({"weights": {"dimension": {"method": "cv", "on": "raw"}}})
    v = w.replace({"weights": {"dimension": {"method": "pca"}}})
    assert dict(v["weights"]["dimension"]) == {"method": "pca"}
    a = base.replace({"aggregation": {"index": {"method": "generalised_mean", "params": {"p": 0.5}}}})
    assert dict(a.replace({"aggregation": {"index": {"method": "geometric"}}})["aggregation"]["index"]) == {
        "method": "geometric"}
    den = tk.load_spec({"framework": "coinr_asem", "denomination": {"method": "framework", "by": {"Bord": None}}})
    assert dict(den.replace({"denomination": {"method": "none"}})["denomination"]["by"]) == {}


def test_a_replaced_spec_builds(tmp_path):
    data = tk.read_indicators(ROOT / "data" / "raw" / "demo_synthetic_returns.csv")
    res = tk.build_index(data, tk.load_spec(DEFAULT).replace({"normalisation": {"method": "percentile_rank"}}))
    N = res.normalised
    assert N.min().min() >= 0 and N.max().max() <= 1
    with pytest.raises(tk.SpecError, match="unknown parameter"):  # a wrong parameter is still an error
        tk.load_spec(DEFAULT).replace({"normalisation": {"method": "rank", "params": {"lower": 0}}})
