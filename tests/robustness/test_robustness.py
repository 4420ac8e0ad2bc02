"""Uncertainty and sensitivity analysis (issue #5): toolkit.robustness and its modules.

Expected values are (a) published analytic results — the Ishigami function's Sobol indices
(Ishigami & Homma 1990; Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, §4.8;
a = 7, b = 0.1: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437), (b) independent
recomputations — every replication checked is rebuilt with ``toolkit.build_index`` under the
replication's own specification, SALib's ``analyze`` is called per output and compared, the
batch weight kernels are compared with ``toolkit.methods.weighting.weights`` — and (c) properties that pin a
number: a fixed specification gives p05 = median = p95 = nominal rank; a factor whose options
give identical numbers has Sobol indices of exactly 0.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

import toolkit
from toolkit import SpecError, build_index
from toolkit import weights as wts
from toolkit.index.steps import aggregate_stack, weight_stack
from toolkit.robustness import (
    Factor,
    leave_one_out,
    load_uncertainty_spec,
    replicate,
    saltelli_design,
    sobol_indices,
    uncertainty,
)

from ..conftest import ROOT

USPEC = ROOT / "configs" / "uncertainty.yaml"


@pytest.fixture(scope="module")
def full_doc():
    doc = yaml.safe_load(USPEC.read_text("utf-8"))
    doc.pop("spec")
    return doc


def quiet_build(data, spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_index(data, spec)


# -------------------------------------------------------------------------------- SALib wrapper
def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_sobol_indices_match_the_analytic_values():
    factors = [Factor(f"x{i + 1}", low=-math.pi, high=math.pi) for i in range(3)]
    u = saltelli_design(3, 4096, seed=11)
    x = np.column_stack([f.decode(u[:, j]) for j, f in enumerate(factors)])
    assert x.min() >= -math.pi and x.max() < math.pi and len(x) == 4096 * 5
    tab = sobol_indices(ishigami(x), [f.name for f in factors], seed=5).set_index("factor")
    # analytic: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2; V1 = (1 + bπ⁴/5)²/2, V2 = a²/8, V13 = b²π⁸(1/18 − 1/50)
    a, b = 7.0, 0.1
    V = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    V1, V2, V13 = (1 + b * math.pi**4 / 5) ** 2 / 2, a**2 / 8, b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    S1 = np.array([V1 / V, V2 / V, 0.0])
    ST = np.array([(V1 + V13) / V, V2 / V, V13 / V])
    np.testing.assert_allclose(S1, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(ST, [0.5576, 0.4424, 0.2437], atol=1e-4)
    np.testing.assert_allclose(tab["S1"].to_numpy(), S1, atol=0.02)
    np.testing.assert_allclose(tab["ST"].to_numpy(), ST, atol=0.02)
    assert (tab["S1_conf"] > 0).all() and (tab["S1_conf"] < 0.05).all()
    assert (np.abs(tab["S1"].to_numpy() - S1) < 3 * tab["S1_conf"].to_numpy() + 0.005).all()


def test_sobol_indices_equal_salib_analyze_per_output():
    from SALib.analyze import sobol as salib_sobol

    u = saltelli_design(4, 256, seed=2)
    rng = np.random.default_rng(0)
    Y = np.column_stack([u[:, 0] + 2 * u[:, 1] * u[:, 2], np.floor(u[:, 3] * 3), rng.random(len(u)),
                         np.full(len(u), 7.0)])
    tab = sobol_indices(Y, ["a", "b", "c", "d"], ["t0", "t1", "t2", "const"], seed=9)
    problem = {"num_vars": 4, "names": ["a", "b", "c", "d"], "bounds": [[0, 1]] * 4}
    for j, t in enumerate(["t0", "t1", "t2"]):
        ref = salib_sobol.analyze(problem, Y[:, j], calc_second_order=False, num_resamples=100, seed=9)
        got = tab[tab.target == t]
        for k in ("S1", "S1_conf", "ST", "ST_conf"):
            np.testing.assert_allclose(got[k].to_numpy(), ref[k], atol=1e-12, err_msg=f"{t} {k}")
    const = tab[tab.target == "const"]
    assert (const[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy() == 0).all()
    assert tab.loc[tab.target == "t1", "ST"].iloc[3] > 0.9  # t1 depends on d only


# -------------------------------------------------------------------------------- batch kernels
def batch_weights(method, params, X):
    return weight_stack({"method": method, "params": params}, X)


def batch_aggregate(method, params, C, W, excluded=None):
    return aggregate_stack({"method": method, "params": params}, C, W, excluded=excluded)


def test_batch_weight_kernels_equal_toolkit_weights():
    rng = np.random.default_rng(3)
    X = rng.gamma(2.0, size=(12, 25, 6))
    X[2, :, 1] = 4.0  # a constant column: weight 0
    X[5, :, 0] = 3 * X[5, :, 4] + 1  # perfectly correlated pair
    single = {"entropy": lambda d, **p: wts.entropy_minmax(d, **p), "critic": wts.critic, "cv": wts.cv,
              "std": wts.std, "pca": wts.pca}
    cases = [("entropy", {}), ("entropy", {"shift": 0.01}), ("critic", {}), ("critic", {"normalise": False}),
             ("cv", {}), ("std", {}), ("pca", {}), ("pca", {"method": "first_component"}),
             ("pca", {"min_eigenvalue": 0.5, "min_cumulative": 0.8}), ("pca", {"n_factors": 2})]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method, params in cases:
            got = batch_weights(method, params, X)
            want = np.array([single[method](pd.DataFrame(X[g]), **params).to_numpy() for g in range(len(X))])
            np.testing.assert_allclose(got, want, atol=1e-12, err_msg=f"{method} {params}")
    assert got[2, 1] == 0.0


def test_batch_aggregate_equals_toolkit_aggregate_and_excludes_columns():
    rng = np.random.default_rng(4)
    C = rng.uniform(1, 100, size=(3, 20, 5))
    W = rng.dirichlet(np.ones(5), size=3)
    for method, params in [("arithmetic", {}), ("geometric", {}), ("harmonic", {}),
                           ("generalised_mean", {"p": 0.5}), ("topsis", {}), ("topsis", {"normalisation": "minmax"}),
                           ("grey_relational", {"rho": 0.4})]:
        got = batch_aggregate(method, params, C, W)
        want = [toolkit.methods.aggregation.aggregate.aggregate(pd.DataFrame(C[g]), method, pd.Series(W[g]), **params).to_numpy()
                for g in range(3)]
        np.testing.assert_allclose(got, np.array(want), atol=1e-12, err_msg=method)
        # leaving column 2 out (weight 0, flagged) = aggregating the other four columns
        W0 = W.copy()
        W0[:, 2] = 0.0
        excl = np.zeros((3, 5), dtype=bool)
        excl[:, 2] = True
        got = batch_aggregate(method, params, C, W0, excluded=excl)
        keep = [0, 1, 3, 4]
        want = [toolkit.methods.aggregation.aggregate.aggregate(pd.DataFrame(C[g][:, keep]), method, pd.Series(W[g][keep]),
                                            **params).to_numpy() for g in range(3)]
        np.testing.assert_allclose(got, np.array(want), atol=1e-12, err_msg=f"{method} without column 2")
    C[1, 3, 0] = -1.0
    with pytest.raises(toolkit.DataError, match="needs values > 0") as info:
        batch_aggregate("geometric", {}, C, W)
    assert info.value.g == 1


# -------------------------------------------------------------------------------- the engine
def test_nominal_and_random_replications_equal_build_index(demo, full_doc):
    """Every replication with no noise and nothing left out is build_index under its own spec."""
    spec = toolkit.load_spec(ROOT / "configs" / "default.yaml")
    doc = {**full_doc, "factors": [f for f in full_doc["factors"] if f.get("type") not in ("weight_noise",)]}
    doc["factors"] += [{"name": "scope", "address": "panel.scope", "options": ["pooled", "per_year"]}]
    for f in doc["factors"]:
        if f["name"] == "indicator_weights":
            f["options"] = ["entropy", "equal", "critic", "pca", "std"]
        if f["name"] == "index_aggregation":
            f["options"] = ["arithmetic", "geometric", "topsis", "grey_relational"]
    us = load_uncertainty_spec(doc, spec=spec)
    rng = np.random.default_rng(20240408)
    choices = [f for f in us.factors if f.kind == "choice"]
    values = [{}] + [{f.name: f.labels[rng.integers(f.n_options)] for f in choices} for _ in range(10)]
    comp = replicate(demo, spec, us, values)
    nominal = quiet_build(demo, spec)
    np.testing.assert_allclose(comp.iloc[0].to_numpy(), nominal.composite.to_numpy(), rtol=0, atol=1e-9)
    assert list(comp.columns) == list(nominal.composite.index)
    for i, v in enumerate(values[1:], start=1):
        idx = {f.name: f.index(v[f.name]) for f in choices}
        ref = quiet_build(demo, us.spec_for(idx)).composite
        np.testing.assert_allclose(comp.iloc[i].to_numpy(), ref.to_numpy(), rtol=0, atol=1e-9, err_msg=str(v))


def test_fixed_specification_collapses_to_the_nominal_rank(demo, spec2025):
    us = {"factors": [
        {"name": "imputation", "address": "imputation.method", "options": ["group_median"]},
        {"name": "outliers", "address": "outliers.method", "options": ["coinr"]},
        {"name": "normalisation", "address": "normalisation.method", "options": ["minmax"]},
        {"name": "indicator_weights", "address": "weights.dimension.method", "options": ["entropy"]},
        {"name": "dimension_weights", "address": "weights.index.method", "options": ["equal"]},
        {"name": "noise", "type": "weight_noise", "levels": ["dimension", "index"],
         "distribution": {"uniform": 0.0}, "sets": 7},
        {"name": "aggregation", "address": "aggregation.index.method", "options": ["arithmetic"]},
    ]}
    r = uncertainty(demo, spec2025, us, n=64, seed=1, keep_scores=True)
    st = r.rank_stats
    assert len(st) == 50 and r.n == 8 * 9 and r.n_base == 8  # ⌈64 / 9⌉ → N = 8 (a power of 2)
    for col in ("median", "p05", "p95", "mean"):
        np.testing.assert_array_equal(st[col].to_numpy(), st["nominal"].to_numpy())
    assert (st["mean_abs_shift"] == 0).all() and (r.rank_shift == 0).all()
    np.testing.assert_allclose(r.scores, np.broadcast_to(r.nominal_composite.to_numpy(), r.scores.shape),
                               rtol=0, atol=1e-9)
    assert (r.sobol[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy() == 0).all()
    cat = r.caterpillar()
    assert list(cat.columns) == ["nominal", "median", "p05", "p95"] and cat.index.name == "unit"
    assert (cat["p05"] == cat["nominal"]).all() and (cat["p95"] == cat["nominal"]).all()


def test_aliased_options_get_zero_sobol_indices(demo, spec2025):
    """distance_to_best is min-max on [0, 1]: two names of one method cannot change a rank."""
    us = {"factors": [
        {"name": "alias", "address": "normalisation", "labels": ["distance_to_best", "minmax_0_1"],
         "options": [{"method": "distance_to_best"}, {"method": "minmax", "params": {"lower": 0, "upper": 1}}]},
        {"name": "noise", "type": "weight_noise", "levels": ["dimension"], "distribution": {"uniform": 0.5}},
        {"name": "dimension_weights", "address": "weights.index.method", "options": ["equal", "entropy", "critic"]},
    ]}
    r = uncertainty(demo, spec2025, us, n=256, seed=7)
    assert set(r.samples["alias"]) == {"distance_to_best", "minmax_0_1"}
    alias = r.sobol[r.sobol.factor == "alias"]
    assert len(alias) == 51  # the mean shift + 50 units
    assert (alias[["S1", "ST"]].abs().to_numpy() == 0).all()
    bars = r.sensitivity_bars().set_index("factor")
    assert list(r.sensitivity_bars().columns) == ["factor", "S1", "S1_conf", "ST", "ST_conf"]
    assert bars.loc["dimension_weights", "ST"] > 0.3 and bars.loc["noise", "ST"] > 0.05
    assert r.rank_stats["mean_abs_shift"].mean() > 0.5  # the other factors do move ranks


def test_monotone_invariant_choice_has_sobol_indices_within_their_interval(demo, spec2025):
    """Min-max to [1, 100] or [1, 1000] with entropy weights and arithmetic means: an affine map of
    every score, so no rank can change; its indices are 0 within the bootstrap interval."""
    us = {"factors": [
        {"name": "upper", "address": "normalisation.params.upper", "options": [100, 1000]},
        {"name": "noise", "type": "weight_noise", "levels": ["dimension", "index"],
         "distribution": {"dirichlet": 40}},
    ]}
    r = uncertainty(demo, spec2025, us, n=512, seed=3)
    s = r.sobol[r.sobol.factor == "upper"]
    assert (s["S1"].abs() <= s["S1_conf"] + 1e-9).all()
    assert (s["ST"].abs() <= s["ST_conf"] + 1e-9).all()
    # the noise carries all the variance: its indices are 1 in theory; the estimates of this (rank-based,
    # n = 512) target are 1 within their interval and clearly above 0 (0.67 ± 0.25, 0.79 ± 0.23 on the demo)
    noise = r.sensitivity_bars().set_index("factor").loc["noise"]
    assert abs(1 - noise["ST"]) <= noise["ST_conf"] and noise["ST"] - noise["ST_conf"] > 0.5
    assert noise["S1"] - noise["S1_conf"] > 0.3


def test_seeded_runs_are_reproducible_and_recomputable(demo, spec2025):
    a = uncertainty(demo, spec2025, USPEC, n=100, seed=5, batch_size=32)
    b = uncertainty(demo, spec2025, USPEC, n=100, seed=5, batch_size=97)
    c = uncertainty(demo, spec2025, USPEC, n=100, seed=6, sobol_targets="summary")
    np.testing.assert_array_equal(a.ranks, b.ranks)
    pd.testing.assert_frame_equal(a.sobol, b.sobol)
    assert not np.array_equal(a.ranks, c.ranks)
    assert a.ranks.dtype == np.int32 and a.ranks.shape == (a.n, 50) == (11 * 16, 50)
    assert list(a.samples.columns) == a.uspec.names and len(a.samples) == a.n
    assert set(a.samples["exclude_indicator"]) <= {"none", *toolkit.load_framework().indicators.index}
    np.testing.assert_array_equal(a.rank_stats["median"].to_numpy(), np.median(a.ranks, axis=0))
    np.testing.assert_array_equal(a.rank_stats["p95"].to_numpy(), np.quantile(a.ranks, 0.95, axis=0))
    shift = np.abs(a.ranks - a.nominal_rank.to_numpy()).mean(axis=0)
    np.testing.assert_allclose(a.rank_stats["mean_abs_shift"].to_numpy(), shift)
    assert set(a.sobol.target) == {"mean_abs_rank_shift", *a.units.get_level_values("unit_id")}
    mc = uncertainty(demo, spec2025, USPEC, n=50, seed=5, design="montecarlo")
    assert mc.n == 50 and mc.sobol is None and mc.n_base == 0


#: the method factors of configs/uncertainty.yaml (one data path: quick to prepare)
METHODS_ONLY = {"factors": [
    {"name": "indicator_weights", "address": "weights.dimension.method", "options": ["entropy", "equal", "critic", "pca"]},
    {"name": "dimension_weights", "address": "weights.index.method", "options": ["equal", "entropy"]},
    {"name": "noise", "type": "weight_noise", "levels": ["dimension", "index"], "distribution": {"uniform": 0.25}},
    {"name": "aggregation", "address": "aggregation.index.method", "options": ["arithmetic", "geometric", "topsis"]},
    {"name": "exclude", "type": "exclude_indicator", "candidates": "all"},
]}


def test_seeded_runs_identical_serial_and_joblib(demo, spec2025):
    kw = {"n": 60, "seed": 11, "batch_size": 8, "sobol_targets": "summary"}
    s = uncertainty(demo, spec2025, METHODS_ONLY, executor="serial", **kw)
    j = uncertainty(demo, spec2025, METHODS_ONLY, executor="joblib", n_jobs=2, **kw)
    assert s.n == 16 * 7 and len(set(s.samples["exclude"])) > 10  # ⌈60 / 7⌉ = 9 → N = 16
    np.testing.assert_array_equal(s.ranks, j.ranks)
    pd.testing.assert_frame_equal(s.rank_stats, j.rank_stats)
    pd.testing.assert_frame_equal(s.sobol, j.sobol)


@pytest.mark.slow
def test_seeded_runs_identical_on_dask_local_cluster(demo, spec2025):
    pytest.importorskip("dask.distributed")
    kw = {"n": 40, "seed": 11, "batch_size": 8, "sobol_targets": "summary"}
    s = uncertainty(demo, spec2025, METHODS_ONLY, executor="serial", **kw)
    d = uncertainty(demo, spec2025, METHODS_ONLY, executor="dask", n_jobs=2, **kw)
    np.testing.assert_array_equal(s.ranks, d.ranks)
    pd.testing.assert_frame_equal(s.sobol, d.sobol)
    from distributed.client import _global_clients

    assert not [c for c in _global_clients.values() if c.status == "running"]  # the cluster is shut down


# -------------------------------------------------------------------------------- leave one out
def test_leaving_an_indicator_out_equals_a_zero_manual_weight(demo, spec2025):
    """Entropy weights of the rest = the nominal entropy weights renormalised (each weight depends
    on its own column only), so leaving L1P1 out is build_index with manual weights, L1P1 = 0."""
    loo = leave_one_out(demo, spec2025, "indicator", candidates=["L1P1", "L4P2"])
    nominal = quiet_build(demo, spec2025)
    w = nominal.weights.query("level == 'dimension'").set_index("child")["weight"]
    for code in ("L1P1", "L4P2"):
        manual = {**w.to_dict(), code: 0.0}
        ref = quiet_build(demo, spec2025.replace({"weights": {"dimension": {"method": "manual", "values": manual}}}))
        np.testing.assert_array_equal(loo.ranks[code].to_numpy(), ref.rank.to_numpy())
        np.testing.assert_array_equal(loo.shift[code].to_numpy(), (ref.rank - nominal.rank).to_numpy())
    assert list(loo.summary.columns) == ["mean_abs_shift", "max_abs_shift", "units_moved"]
    assert loo.summary.loc["L1P1", "mean_abs_shift"] == pytest.approx(loo.shift["L1P1"].abs().mean())
    assert loo.summary.loc["L1P1", "units_moved"] > 0


def test_leaving_each_dimension_out(demo, spec2025):
    loo = leave_one_out(demo, spec2025, "dimension")
    assert list(loo.shift.columns) == ["L1", "L2", "L3", "L4", "L5"] and loo.shift.shape == (50, 5)
    ref = quiet_build(demo, spec2025.replace({"weights": {"index": {"method": "manual", "values": {
        "L1": 1, "L2": 1, "L3": 1, "L4": 1, "L5": 0}}}}))
    np.testing.assert_array_equal(loo.ranks["L5"].to_numpy(), ref.rank.to_numpy())
    assert (loo.summary["mean_abs_shift"] > 0).all()


# -------------------------------------------------------------------------------- the YAML
def test_default_uncertainty_file_loads(spec2025):
    us = load_uncertainty_spec(USPEC)
    assert us.nominal.name == "default"  # the file's spec: default.yaml, found next to it
    assert us.names == ["imputation", "outliers", "normalisation", "indicator_weights", "dimension_weights",
                        "weight_noise", "dimension_aggregation", "index_aggregation", "exclude_indicator"]
    excl = us.factor("exclude_indicator")
    assert excl.n_options == 29 and excl.labels[0] == "none"
    assert us.factor("normalisation").labels == ("minmax_1_100", "rank", "zscore_10_2")
    assert us.factor("weight_noise").levels == ("dimension", "index")
    spec = us.spec_for({"normalisation": 1, "indicator_weights": 3, "imputation": 1})
    assert spec["normalisation"]["method"] == "rank" and spec["normalisation"]["params"] == {}
    assert spec["weights"]["dimension"] == {"method": "pca"} and spec["imputation"]["by"] is None
    assert us.factor("imputation").decode(np.array([0.0, 0.34, 0.99])).tolist() == [0, 1, 2]


BASE = {"name": "f", "address": "normalisation.method", "options": ["minmax"]}


@pytest.mark.parametrize("factor, message", [
    ({**BASE, "options": ["minmax", "softmax"]}, "softmax"),
    ({**BASE, "address": "aggregation.dimension.overrides.L5.method", "options": ["geometric"]},
     "has no 'aggregation.dimension.overrides.L5.method'"),
    ({**BASE, "address": "weights.measure.method"}, "has no 'weights.measure.method'"),
    ({**BASE, "address": "aggregation.index.params.p", "options": [0.5]}, "takes a parameter 'p'"),
    ({"name": "f", "address": "aggregation.index.params.p", "distribution": {"uniform": [0, 2]}},
     "takes a parameter 'p'"),
    ({**BASE, "address": "normalisation.params.lower", "distribution": {"uniform": [0, 1]}}, "give either"),
    ({"name": "f", "address": "normalisation.params.lower", "distribution": {"uniform": [0, 1]}}, "data-path"),
    ({**BASE, "address": "years", "options": [[2025]]}, "must start with one of"),
    ({**BASE, "weights": 1}, "unknown key"),
    ({**BASE, "options": [{"method": "zscore", "params": {"lower": 1}}], "address": "normalisation"},
     "unknown parameter"),
    ({"name": "f", "address": "weights.index.method", "options": ["ahp"]}, "ahp weights need `matrix`"),
    ({"name": "f", "type": "weight_noise", "levels": ["measure"], "distribution": {"uniform": 0.2}}, "no parents"),
    ({"name": "f", "type": "weight_noise", "levels": ["index"], "distribution": {"uniform": 1.5}}, "0 ≤ x < 1"),
    ({"name": "f", "type": "weight_noise", "levels": ["index"], "distribution": {"gauss": 1}}, "dirichlet"),
    ({"name": "f", "type": "exclude_indicator", "candidates": ["L9P9"]}, "not an element"),
    ({"name": "f", "type": "exclude_indicator", "candidates": ["L1"]}, "not a indicator"),
    ({"name": "f", "type": "exclude", "candidates": "all"}, "needs a list"),
    ({"name": "f", "type": "shuffle"}, "type must be one of"),
])
def test_bad_uncertainty_specs_are_named(factor, message, spec2025):
    factor = {k: v for k, v in factor.items() if v is not None}
    with pytest.raises(SpecError, match="factor 'f'|factors\\[0\\]") as info:
        load_uncertainty_spec({"factors": [factor]}, spec=spec2025)
    assert message in str(info.value)


def test_steps_missing_from_the_nominal_spec_are_errors_not_ignored(spec2025):
    no_outliers = spec2025.replace({"outliers": {"method": "none"}})
    bad = {"factors": [{"name": "winmax", "address": "outliers.winmax", "options": [3, 5]}]}
    with pytest.raises(SpecError, match="no outliers step"):
        load_uncertainty_spec(bad, spec=no_outliers)
    ok = {"factors": bad["factors"] + [{"name": "out", "address": "outliers.method", "options": ["none", "coinr"]}]}
    assert load_uncertainty_spec(ok, spec=no_outliers).names == ["winmax", "out"]
    no_levels = toolkit.load_spec(None)  # built-in defaults: no weights section at all
    with pytest.raises(SpecError, match="no weights.index"):
        load_uncertainty_spec({"factors": [{"name": "n", "type": "weight_noise", "level": "index",
                                            "distribution": {"uniform": 0.1}}]}, spec=no_levels)
    with pytest.raises(SpecError, match="used twice"):
        load_uncertainty_spec({"factors": [BASE, BASE]}, spec=spec2025)
    with pytest.raises(SpecError, match="varied by two factors"):
        load_uncertainty_spec({"factors": [BASE, {**BASE, "name": "g"}]}, spec=spec2025)
    with pytest.raises(SpecError, match="non-empty list"):
        load_uncertainty_spec({"factors": []}, spec=spec2025)


def test_invalid_combination_names_the_replication(demo, spec2025):
    us = {"factors": [
        {"name": "norm", "address": "normalisation", "options": [{"method": "minmax", "params": {"lower": 0, "upper": 1}}]},
        {"name": "agg", "address": "aggregation.dimension.method", "options": ["geometric"]},
    ]}
    with pytest.raises(toolkit.DataError, match=r"replication 0 \(norm=minmax.*agg=geometric\).*needs values > 0"):
        uncertainty(demo, spec2025, us, n=8, seed=1)


def test_continuous_parameter_factor_applies_where_the_method_takes_it(demo, spec2025):
    us = load_uncertainty_spec({"factors": [
        {"name": "agg", "address": "aggregation.index.method", "options": ["arithmetic", "generalised_mean"]},
        {"name": "p", "address": "aggregation.index.params.p", "distribution": {"uniform": [0.5, 3.0]}},
    ]}, spec=spec2025)
    comp = replicate(demo, spec2025, us, [{"agg": "generalised_mean", "p": 2.0}, {"agg": "arithmetic", "p": 2.0}])
    power = quiet_build(demo, spec2025.replace({"aggregation": {"index": {"method": "generalised_mean",
                                                                          "params": {"p": 2.0}}}}))
    np.testing.assert_allclose(comp.iloc[0].to_numpy(), power.composite.to_numpy(), rtol=0, atol=1e-9)
    np.testing.assert_allclose(comp.iloc[1].to_numpy(), quiet_build(demo, spec2025).composite.to_numpy(),
                               rtol=0, atol=1e-9)
    assert (comp.iloc[0] >= comp.iloc[1] - 1e-12).all()  # M_2 ≥ M_1
    r = uncertainty(demo, spec2025, us, n=64, seed=2, sobol_targets="summary")
    p = r.samples["p"].to_numpy(dtype=float)
    assert p.min() >= 0.5 and p.max() < 3.0 and len(np.unique(p)) == 32  # the A and B rows of N = 16


@pytest.mark.parametrize("distribution", [{"uniform": 0.25}, {"dirichlet": 30}])
def test_weight_noise_perturbs_the_nominal_weights_as_specified(demo, distribution):
    """Composite = Σ_d w'_d D_d with the dimension scores D of build_index and w' the nominal
    equal weights perturbed by the pre-drawn set: ×(1 + 0.25(2u − 1)) renormalised, or the
    Dirichlet(30·w) quantiles at u (Gamma inverse CDF) renormalised. Both years, pooled."""
    from scipy.stats import gamma

    from toolkit.robustness.engine import Engine

    spec = toolkit.load_spec(ROOT / "configs" / "default.yaml")
    us = load_uncertainty_spec({"factors": [{"name": "noise", "type": "weight_noise", "level": "index",
                                             "distribution": distribution, "sets": 5}]}, spec=spec)
    res = quiet_build(demo, spec)
    engine = Engine(res, us, noise_seed=123)
    u = np.array([us.encode({"noise": s}) for s in range(5)])
    engine.prepare(u)
    comp, ranks = engine.run(u)
    D = res.dimension_scores.to_numpy()
    w = np.full(5, 0.2)
    for s in range(5):
        U = engine.noise_u[(0, "INDEX")][s]
        if "uniform" in distribution:
            m = 1 + 0.25 * (2 * U - 1)
            assert ((m >= 0.75) & (m <= 1.25)).all()
            wn = w * m
        else:
            wn = gamma.ppf(U, 30 * w)
        wn = wn / wn.sum()
        np.testing.assert_allclose(comp[s], D @ wn, rtol=0, atol=1e-9)
        exp_rank = pd.Series(D @ wn, index=res.composite.index).groupby(level="year").rank(
            ascending=False, method="min")
        np.testing.assert_array_equal(ranks[s], exp_rank.to_numpy())
    assert not np.allclose(comp[0], res.composite.to_numpy())
    r = uncertainty(demo, spec, us, n=16, seed=4)
    assert set(r.sobol.target) == {"mean_abs_rank_shift"} | {f"{a}@{y}" for a, y in r.units}
    assert list(r.caterpillar(2024).index[:1]) == [r.nominal_rank.xs(2024, level="year").idxmin()]


def test_options_objects_equal_the_flat_keywords(demo, spec2025):
    from toolkit.robustness import Execution, SobolOptions

    us = {"factors": [{"name": "agg", "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]}]}
    flat = uncertainty(demo, spec2025, us, n=8, seed=3, batch_size=4, sobol_targets="summary", num_resamples=20)
    grouped = uncertainty(demo, spec2025, us, n=8, seed=3, execution=Execution(batch_size=4),
                          sobol=SobolOptions(targets="summary", num_resamples=20))
    np.testing.assert_array_equal(flat.ranks, grouped.ranks)
    pd.testing.assert_frame_equal(flat.sobol, grouped.sobol)
    assert grouped.info["batch_size"] == 4
    with pytest.raises(SpecError, match="not both"):
        uncertainty(demo, spec2025, us, n=8, batch_size=4, execution=Execution(batch_size=2))
