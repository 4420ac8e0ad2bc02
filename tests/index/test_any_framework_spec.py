"""A spec for a user's framework: per-indicator parameters, denomination, screening, group
imputation by any declared group, tie-aware ranks at every level, and the spec travelling with
its framework file (replace, leave_one_out, summary)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit as tk
from toolkit.errors import SpecError
from toolkit.index.params import column_params

FW = {
    "schema_version": 1, "id": "mini", "version": "1", "levels": ["index", "pillar", "indicator"],
    "unit_columns": [{"name": "unit_id", "role": "id"}, {"name": "zone", "role": "group"},
                     {"name": "pop", "role": "denominator"}, {"name": "year", "role": "year"}],
    "root": {"code": "I", "name_en": "Index", "children": [
        {"code": "P1", "name_en": "One", "children": [
            {"code": "A", "name_en": "a", "type": "amount", "denominator": "pop", "scale": 10},
            {"code": "B", "name_en": "b", "type": "amount", "direction": -1}]},
        {"code": "P2", "name_en": "Two", "children": [
            {"code": "C", "name_en": "c", "type": "signed"}]}]},
}


@pytest.fixture(scope="module")
def fw(tmp_path_factory):
    d = tmp_path_factory.mktemp("fw")
    (d / "mini.yaml").write_text(yaml.safe_dump(FW), "utf-8")
    return tk.load_framework(d / "mini.yaml")


def _frame(n=6, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"unit_id": [f"u{i}" for i in range(n)], "year": 2020,
                         "zone": ["n", "s"] * (n // 2), "pop": rng.uniform(1, 5, n),
                         "A": rng.uniform(1, 9, n), "B": rng.uniform(1, 9, n), "C": rng.normal(0, 1, n)})


BASE = {"imputation": {"method": "none"}, "outliers": {"method": "none"}}


def _spec(fw, **changes):
    return tk.load_spec({**BASE, **changes}, framework=fw)


# -- per-indicator parameters --------------------------------------------------------------------
def test_a_log_mapping_logs_only_the_indicator_it_names():
    # the silent wrong number: log: {GNI: true} must not log life expectancy
    spec = tk.load_spec({"framework": "undp_hdi", **BASE, "normalisation": {"method": "goalposts", "params": {
        "lower": {"LE": 20, "EYS": 0, "MYS": 0, "GNI": 100}, "upper": {"LE": 85, "EYS": 18, "MYS": 15, "GNI": 75000},
        "log": {"GNI": True}}}})
    idx = pd.MultiIndex.from_tuples([("AFG", 2022)], names=["unit_id", "year"])
    df = pd.DataFrame({"LE": [62.879], "EYS": [10.70538475], "MYS": [2.514790058], "GNI": [1335.205733]}, index=idx)
    res = tk.build_index(df.reset_index(), spec)
    n = res.normalised.iloc[0]
    assert n["LE"] == pytest.approx((62.879 - 20) / 65)                      # 0.6597, linear
    assert n["GNI"] == pytest.approx(np.log(1335.205733 / 100) / np.log(750))  # logged
    assert column_params(spec["normalisation"], "LE")[1] == {"lower": 20, "upper": 85}
    assert column_params(spec["normalisation"], "GNI")[1] == {"lower": 100, "upper": 75000, "log": True}


@pytest.mark.parametrize("params, message", [
    ({"lower": {"A": 0, "B": 0, "C": 0, "Z": 1}, "upper": 10}, r"names \[.Z.\]"),
    ({"lower": {"A": 0, "B": 0}, "upper": 10}, r"needs a value for every indicator; none given for \['C'\]"),
    ({"upper": 10}, r"method 'goalposts' needs parameter 'lower'"),
])
def test_bad_parameter_mappings_are_spec_errors(fw, params, message):
    with pytest.raises(SpecError, match=message):
        _spec(fw, normalisation={"method": "goalposts", "params": params})


def test_a_mapping_may_not_name_an_indicator_another_method_normalises(fw):
    with pytest.raises(SpecError, match=r"names \['C'\], normalised by another method here"):
        _spec(fw, normalisation={"method": "goalposts", "params": {"lower": {"A": 0, "B": 0, "C": 0}, "upper": 10},
                                 "overrides": {"C": {"method": "rank"}}})


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(-50, 0.5), hi=st.floats(10, 100), target=st.sampled_from(["A", "B", "C"]))
def test_a_parameter_given_for_one_indicator_never_changes_another(fw, lo, hi, target):
    df = _frame()
    base = {"lower": {"A": -1.0, "B": -1.0, "C": -5.0}, "upper": {"A": 20.0, "B": 20.0, "C": 5.0}}
    changed = {k: {**v, target: (lo if k == "lower" else hi)} for k, v in base.items()}
    a = tk.build_index(df, _spec(fw, normalisation={"method": "goalposts", "params": base}), framework=fw)
    b = tk.build_index(df, _spec(fw, normalisation={"method": "goalposts", "params": changed}), framework=fw)
    others = [c for c in ("A", "B", "C") if c != target]
    pd.testing.assert_frame_equal(a.normalised[others], b.normalised[others])


# -- denomination, screening, group imputation, ranks ----------------------------------------------
def test_denomination_from_the_framework_and_overridden_by_the_spec(fw):
    df = _frame()
    res = tk.build_index(df, _spec(fw, denomination={"method": "framework"}), framework=fw)
    want = (df["A"] / (df["pop"] / 10)).to_numpy()
    assert res.imputed["A"].to_numpy() == pytest.approx(want)
    assert res.denomination_log.to_dict("records") == [
        {"indicator": "A", "denominator": "pop", "scale": 10.0, "n_missing_denominator": 0}]
    off = tk.build_index(df, _spec(fw, denomination={"method": "framework", "by": {"A": None}}), framework=fw)
    assert off.imputed["A"].to_numpy() == pytest.approx(df["A"].to_numpy())
    with pytest.raises(SpecError, match="'zone' is not a denominator column"):
        _spec(fw, denomination={"method": "spec", "by": {"B": "zone"}})


def test_screening_force_lists_and_log(fw):
    df = _frame()
    df.loc[0, ["A", "B"]] = np.nan     # u0: 1/3 available
    df.loc[1, ["A", "B", "C"]] = 0.0   # u1: all zeros
    spec = _spec(fw, screening={"method": "byNAandzeros", "dat_thresh": 0.5, "nonzero_thresh": 0.5,
                                "force_include": ["u1"]})
    res = tk.build_index(df, spec, framework=fw)
    log = res.screening_log.droplevel("year")
    assert list(log.index[~log["included"]]) == ["u0"]
    assert log.loc["u0", "reason"] == "data availability 0.333 < 0.5"
    assert log.loc["u1", "reason"].startswith("forced in (would be dropped: non-zero share 0 < 0.5")
    assert "u0" not in res.composite.index.get_level_values("unit_id")
    with pytest.raises(SpecError, match=r"force_exclude names unit\(s\) \['zz'\]"):
        tk.build_index(df, _spec(fw, screening={"method": "byNA", "force_exclude": ["zz"]}), framework=fw)


def test_group_imputation_by_any_declared_group(fw):
    df = _frame()
    df.loc[0, "A"] = np.nan
    res = tk.build_index(df, _spec(fw, imputation={"method": "group_mean", "by": "zone"}), framework=fw)
    assert res.imputed.loc[("u0", 2020), "A"] == pytest.approx(df.loc[[2, 4], "A"].mean())
    with pytest.raises(SpecError, match=r"imputation.by .* must be one of \['zone'\], got 'industry'"):
        _spec(fw, imputation={"method": "group_mean", "by": "industry"})


def test_ranks_at_every_level_and_tie_aware_rounding(fw):
    df = _frame()
    res = tk.build_index(df, _spec(fw), framework=fw)
    assert list(res.ranks.columns) == list(res.scores.columns)
    for col in res.scores:
        expect = res.scores[col].rank(ascending=False, method="min").astype(int)
        assert (res.ranks[col] == expect).all()
    rounded = tk.build_index(df, _spec(fw, ranking={"round": 0}), framework=fw)
    exp = rounded.scores["I"].round(0).rank(ascending=False, method="min").astype(int)
    assert (rounded.rank == exp).all()
    with pytest.raises(SpecError, match="ranking.round"):
        _spec(fw, ranking={"round": 1.5})


# -- the spec travels with its framework -------------------------------------------------------------
def test_spec_names_its_framework_file_relative_to_itself(tmp_path, fw):
    (tmp_path / "fw").mkdir()
    (tmp_path / "fw" / "mini.yaml").write_text(yaml.safe_dump(FW), "utf-8")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump({**BASE, "framework": "fw/mini.yaml"}), "utf-8")
    spec = tk.load_spec(tmp_path / "spec.yaml")      # no framework= needed
    assert spec.framework.id == "mini"
    varied = spec.replace({"normalisation": {"method": "rank", "params": {}}})
    assert varied.framework.id == "mini" and varied["normalisation"]["method"] == "rank"
    res = tk.build_index(_frame(), varied)
    assert res.framework.id == "mini" and len(res.composite) == 6


def test_replace_and_leave_one_out_work_with_a_user_framework(fw):
    spec = _spec(fw)
    assert spec.replace({"ranking": {"round": 2}}).framework is fw
    from toolkit.robustness import leave_one_out

    res = leave_one_out(_frame(8), spec, level="indicator", candidates=["A", "B"], framework=fw)
    assert list(res.summary.index) == ["A", "B"]
    assert (res.ranks.min() == 1).all() and (res.ranks.max() == 8).all()


def test_summary_of_a_framework_without_shandong_columns(fw):
    res = tk.build_index(_frame(), _spec(fw), framework=fw)
    s = res.summary()
    assert list(s.columns) == ["zone", "P1", "P2", "I", "rank"]
    assert s["rank"].tolist() == list(range(1, 7))
    with pytest.raises(tk.errors.FrameworkError, match="no level named 'dimension'"):
        res.obstacles(2020, by="dimension")
    assert list(res.obstacles(2020, by="pillar").columns) == ["P1", "P2"]
