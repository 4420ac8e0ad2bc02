"""Per-indicator parameters for every method (issue 12): one mechanism
(:func:`toolkit.index.params.column_groups`) resolves a mapping indicator → value against the
block's columns and calls the method once per group of equal parameters.

* property (Hypothesis, derandomised under the ``ci`` profile): for every registry entry with a
  per-indicator parameter, changing the value for one indicator changes no other indicator's
  treated or normalised column;
* a mapping whose values are all equal gives exactly the scalar result;
* a mapping naming a code outside the block, or missing one that needs a value, is a SpecError
  naming the key, the code and the closest valid code; a parameter that cannot vary by
  indicator refuses a mapping and says why;
* a hand-derived case: COINr winsorisation with ``winmax: {A: 0, B: 1}``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit as tk
from toolkit.errors import SpecError
from toolkit.index import steps
from toolkit.index.plan import compile_plan
from toolkit.methods import registry as R

FW = {
    "schema_version": 1, "id": "mini_pi", "version": "1", "levels": ["index", "pillar", "indicator"],
    "unit_columns": [{"name": "unit_id", "role": "id"}, {"name": "year", "role": "year"}],
    "root": {"code": "I", "name_en": "Index", "children": [
        {"code": "P1", "name_en": "One", "children": [
            {"code": "A", "name_en": "a", "type": "amount"},
            {"code": "B", "name_en": "b", "type": "amount", "direction": -1}]},
        {"code": "P2", "name_en": "Two", "children": [
            {"code": "C", "name_en": "c", "type": "amount"}]}]},
}
CODES = ["A", "B", "C"]


@pytest.fixture(scope="module")
def fw(tmp_path_factory):
    d = tmp_path_factory.mktemp("fw")
    (d / "mini_pi.yaml").write_text(yaml.safe_dump(FW), "utf-8")
    return tk.load_framework(d / "mini_pi.yaml")


def _block():
    """Eight units, positive values, each column with an outlier (so treatment acts)."""
    idx = pd.MultiIndex.from_tuples([(f"u{i}", 2020) for i in range(8)], names=["unit_id", "year"])
    return pd.DataFrame({"A": [1.0, 2, 3, 4, 5, 6, 7, 90], "B": [2.0, 3, 3, 4, 6, 7, 8, 70],
                         "C": [5.0, 4, 6, 3, 7, 2, 8, 60]}, index=idx)


X = _block()
# a unit that is neither the best nor the worst on any column (distance_to_reference needs one)
REF = "u3"

#: every (step, method, parameter) with a per-indicator parameter: a valid value for every
#: indicator, and a strategy of values for one indicator (sign by direction for targets)
CASES = {
    ("outliers", "coinr"): ({"winmax": 5, "skew_thresh": 2.0, "kurt_thresh": 3.5, "log_transform": "log_CT"}, {
        "winmax": st.integers(0, 8), "skew_thresh": st.floats(0.1, 5), "kurt_thresh": st.floats(0.1, 8),
        "log_transform": st.sampled_from(["log_CT", "log_CT_orig", "none"])}),
    ("normalisation", "minmax"): ({"lower": 0.0, "upper": 1.0}, {
        "lower": st.floats(-10, 0), "upper": st.floats(1, 10)}),
    ("normalisation", "zscore"): ({"mean": 0.0, "sd": 1.0, "ddof": 1}, {
        "mean": st.floats(-5, 5), "sd": st.floats(0.1, 5), "ddof": st.integers(0, 2)}),
    ("normalisation", "vector"): ({"reverse_cost": False}, {"reverse_cost": st.booleans()}),
    ("normalisation", "goalposts"): ({"lower": 0.5, "upper": 200.0, "cap": True, "log": False, "scale": 1.0}, {
        "lower": st.floats(0.01, 0.9), "upper": st.floats(100, 1000), "cap": st.booleans(), "log": st.booleans(),
        "scale": st.floats(0.1, 100)}),
    ("normalisation", "distance_to_target"): ({"target": "DIR", "cap": True}, {
        "target": st.floats(100, 1000), "cap": st.booleans()}),
    ("normalisation", "distance_to_reference"): ({"reference_unit": REF, "cap": False}, {
        "reference_unit": st.sampled_from(["u1", "u2", "u3", "u4", "u6"]), "cap": st.booleans()}),
    # Mazziotta & Pareto's AMPI: the value mapped to 100, per indicator (Compind's gp)
    ("normalisation", "ampi"): ({"reference": 10.0}, {"reference": st.floats(-50, 150)}),
}
REGISTRY = {"outliers": R.TREATMENT, "normalisation": R.NORMALISATION}
PARAMS = [(step, method, name) for (step, method), (_, strategies) in CASES.items() for name in strategies]


def _value(fw, name, code, v):
    if name == "target":  # a target beyond the best value: above for benefit, below for cost
        return float(v) * float(fw.directions[code])
    return v


def _spec(fw, step, method, params):
    doc = {"imputation": {"method": "none"}}
    if step == "outliers":
        doc["outliers"] = {"method": method, **params}
        doc["normalisation"] = {"method": "rank", "params": {}}
    else:
        doc["outliers"] = {"method": "none"}
        doc["normalisation"] = {"method": method, "params": params}
    return tk.load_spec(doc, framework=fw)


def _run(fw, step, method, params):
    spec = _spec(fw, step, method, params)
    if step == "outliers":
        return steps.treat_step(X, compile_plan(spec))[0]
    return steps.normalise_block(X, compile_plan(spec))


def _mapping(fw, name, base):
    return {c: _value(fw, name, c, 100.0 if base == "DIR" else base) for c in CODES}


def test_the_cases_cover_every_per_indicator_parameter_of_every_registry():
    declared = {(root, m.name, p.name) for root, reg in R.REGISTRIES.items() for m in reg for p in m.params
                if p.per_indicator}
    assert {("outliers" if s == "outliers" else "normalisation", m, n) for s, m, n in PARAMS} == declared
    # per-indicator parameters exist only on columnwise methods
    assert all(reg[m].columnwise for root, m, _ in declared for reg in [R.REGISTRIES[root]])


@pytest.mark.parametrize("step, method, name", PARAMS)
def test_a_value_for_one_indicator_never_changes_another(fw, step, method, name):
    base_scalars, strategies = CASES[(step, method)]

    @settings(max_examples=12, deadline=None)
    @given(v=strategies[name], target=st.sampled_from(CODES))
    def check(v, target):
        params = {k: (_mapping(fw, k, b) if k == name else (_mapping(fw, k, b) if b == "DIR" else b))
                  for k, b in base_scalars.items()}
        changed = {**params, name: {**params[name], target: _value(fw, name, target, v)}}
        a, b = _run(fw, step, method, params), _run(fw, step, method, changed)
        others = [c for c in CODES if c != target]
        pd.testing.assert_frame_equal(a[others], b[others], check_exact=True)

    check()


# (a distance_to_target target differs by direction here, so it has no single scalar form)
@pytest.mark.parametrize("step, method, name", [c for c in PARAMS if CASES[c[:2]][0][c[2]] != "DIR"])
def test_a_mapping_of_equal_values_gives_exactly_the_scalar_result(fw, step, method, name):
    base_scalars, _ = CASES[(step, method)]
    scalar = {k: (_mapping(fw, k, b) if b == "DIR" else b) for k, b in base_scalars.items()}
    mapped = {**scalar, name: dict.fromkeys(CODES, base_scalars[name])}
    pd.testing.assert_frame_equal(_run(fw, step, method, scalar), _run(fw, step, method, mapped), check_exact=True)


def test_goalposts_with_one_mapping_call_per_group(fw):
    # lower {A: 0, B: 0, C: 10}: A and B share one call, C another; each column by its own posts
    out = _run(fw, "normalisation", "goalposts", {"lower": {"A": 0, "B": 0, "C": 10}, "upper": 100, "cap": False})
    assert out["A"].tolist() == pytest.approx([v / 100 for v in X["A"]])
    assert out["B"].tolist() == pytest.approx([(100 - v) / 100 for v in X["B"]])  # a cost indicator
    assert out["C"].tolist() == pytest.approx([(v - 10) / 90 for v in X["C"]])


# -- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("doc, message", [
    ({"outliers": {"method": "coinr", "winmax": {"A": 0, "Bb": 1}}},
     r"outliers\.winmax names \['Bb'\], which is not an indicator of this block \(did you mean 'B'\?\)"),
    ({"normalisation": {"method": "zscore", "params": {"sd": {"A": 1, "CC": 2}}}},
     r"normalisation\.params\.sd names \['CC'\].*\(did you mean 'C'\?\)"),
    ({"normalisation": {"method": "distance_to_target", "params": {"target": {"A": 9, "B": 0}}}},
     r"normalisation\.params\.target: method 'distance_to_target' needs a value for every indicator; "
     r"none given for \['C'\]"),
    ({"normalisation": {"method": "minmax", "params": {"lower": {"A": 5}, "upper": {"A": 1}}}},
     r"upper \(1\) must be greater than lower \(5\)"),
    ({"imputation": {"method": "knn", "params": {"n_neighbors": {"A": 3}}}},
     r"'n_neighbors' of knn takes one value for every indicator, not a mapping: kNN finds each unit's donors"),
    ({"imputation": {"method": "iterative", "params": {"max_iter": {"A": 3}}}},
     r"not a mapping: the chained regressions predict each indicator from all the others"),
    ({"screening": {"method": "byNA", "dat_thresh": {"A": 0.5}}},
     r"'dat_thresh' of byNA takes one value for every indicator, not a mapping: screening judges each unit"),
    ({"aggregation": {"pillar": {"method": "generalised_mean", "params": {"p": {"P1": 2, "P11": 1}}}}},
     r"aggregation\.pillar\.params\.p names \['P11'\], which is not a node this choice applies to "
     r"\(did you mean 'P1'\?\); its nodes are \['P1', 'P2'\]"),
])
def test_bad_mappings_are_spec_errors_that_name_the_key_and_the_code(fw, doc, message):
    with pytest.raises(SpecError, match=message):
        tk.load_spec({"imputation": {"method": "none"}, **doc}, framework=fw)


def test_the_step_checks_the_mapping_against_the_columns_it_runs_on(fw):
    spec = tk.load_spec({"imputation": {"method": "none"}, "outliers": {"method": "coinr", "winmax": {"C": 0}}},
                        framework=fw)
    with pytest.raises(SpecError, match=r"outliers\.winmax names \['C'\], which is not an indicator of this block"):
        steps.treat_step(X[["A", "B"]], compile_plan(spec))


# -- per node ----------------------------------------------------------------------------------------
def test_a_per_node_power_changes_only_its_node(fw):
    df = X.reset_index()
    base = {"imputation": {"method": "none"}, "outliers": {"method": "none"}, "normalisation": {"method": "minmax"}}
    one = tk.build_index(df, tk.load_spec({**base, "aggregation": {"pillar": {
        "method": "generalised_mean", "params": {"p": {"P1": 1.0}}}}}, framework=fw), framework=fw)
    two = tk.build_index(df, tk.load_spec({**base, "aggregation": {"pillar": {
        "method": "generalised_mean", "params": {"p": {"P1": 3.0}}}}}, framework=fw), framework=fw)
    pd.testing.assert_series_equal(one.scores["P2"], two.scores["P2"])
    n = one.normalised
    assert one.scores["P1"].tolist() == pytest.approx(((n["A"] + n["B"]) / 2).tolist())
    assert two.scores["P1"].tolist() == pytest.approx((((n["A"] ** 3 + n["B"] ** 3) / 2) ** (1 / 3)).tolist())


# -- hand-derived ------------------------------------------------------------------------------------
def test_winsorisation_with_winmax_per_indicator_by_hand(fw):
    """Six units, A and B both [1, 2, 3, 4, 5, 100]; COINr's rule: an indicator fails when
    |skew| ≥ 2 and excess kurtosis ≥ 3.5 (both bias-corrected, e1071 type 2).

    By hand, x = [1, 2, 3, 4, 5, 100]: mean 115/6 = 19.1667; deviations −18.17, −17.17, −16.17,
    −15.17, −14.17, 80.83; m2 = 1308.47, m3 = 84 425.9, m4 = 7 175 130; g1 = m3/m2^1.5 = 1.78373,
    G1 = g1·√30/4 = 2.44247 ≥ 2; g2 = m4/m2² − 3 = 1.19084, G2 = (7·g2 + 6)·5/(4·3) = 5.97328 ≥ 3.5:
    both columns fail.

    * A, ``winmax: 0``: nothing may be winsorised, so it still fails and log_CT applies to the
      original values: ln(x − min + 0.01·(max − min)) = ln(x − 1 + 0.99) = ln(x − 0.01).
    * B, ``winmax: 1``: the maximum 100 becomes the next-highest value 5, giving
      [1, 2, 3, 4, 5, 5], whose skew −0.38 passes.
    * C, not in the mapping, keeps the default winmax 5 (it has no outlier: left alone).
    """
    x = [1.0, 2, 3, 4, 5, 100]
    idx = pd.MultiIndex.from_tuples([(f"u{i}", 2020) for i in range(6)], names=["unit_id", "year"])
    T = pd.DataFrame({"A": x, "B": x, "C": [3.0, 1, 4, 1, 5, 9]}, index=idx)
    from toolkit.methods.treatment.outliers import kurtosis, skewness

    assert skewness(x) == pytest.approx(1.78373 * 30 ** 0.5 / 4, abs=1e-5)
    assert kurtosis(x) == pytest.approx((7 * 1.19084 + 6) * 5 / 12, abs=1e-4)
    spec = tk.load_spec({"imputation": {"method": "none"}, "outliers": {"method": "coinr", "winmax": {"A": 0, "B": 1}}},
                        framework=fw)
    treated, log, details = steps.treat_step(T, compile_plan(spec))
    assert treated["A"].tolist() == pytest.approx([np.log(0.99), np.log(1.99), np.log(2.99), np.log(3.99),
                                                   np.log(4.99), np.log(99.99)], abs=1e-12)
    assert treated["B"].tolist() == [1.0, 2, 3, 4, 5, 5]
    assert treated["C"].tolist() == [3.0, 1, 4, 1, 5, 9]
    assert details.loc[["A", "B", "C"], "action"].tolist() == ["log_CT", "winsorise", "none"]
    assert details.loc["B", "n_winsorised"] == 1
    # the log lists A's six logged points, then B's one winsorised point: the order of one call
    assert log["indicator"].tolist() == ["A"] * 6 + ["B"]
    assert log.iloc[-1][["unit", "old", "new", "action"]].tolist() == [("u5", 2020), 100.0, 5.0, "winhi"]


def test_a_per_node_mapping_reaches_an_override_without_params_but_an_override_names_only_its_node(fw):
    df = X.reset_index()
    base = {"imputation": {"method": "none"}, "outliers": {"method": "none"}, "normalisation": {"method": "minmax"}}
    level = {"method": "generalised_mean", "params": {"p": {"P1": 3.0}}}
    # P1's override gives no params, so the level's mapping reaches it
    spec = tk.load_spec({**base, "aggregation": {"pillar": {**level, "overrides": {"P1": {"method": "generalised_mean"}}}}},
                        framework=fw)
    res = tk.build_index(df, spec, framework=fw)
    n = res.normalised
    assert res.scores["P1"].tolist() == pytest.approx((((n["A"] ** 3 + n["B"] ** 3) / 2) ** (1 / 3)).tolist())
    with pytest.raises(SpecError, match=r"overrides\.P2\.params\.p names \['P1'\], which is not a node this choice "
                                        r"applies to; its nodes are \['P2'\]"):
        tk.load_spec({**base, "aggregation": {"pillar": {"method": "arithmetic", "overrides": {
            "P2": {"method": "generalised_mean", "params": {"p": {"P1": 2.0}}}}}}}, framework=fw)
