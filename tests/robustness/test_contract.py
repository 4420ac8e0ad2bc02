"""The registry contract (issue 10): every entry of every registry runs through build_index and
through the Monte Carlo engine with equal composites (1e-9), and every declared parameter's bad
values are a SpecError at load time.

The data are the bundled demo returns (synthetic) under a copy of the framework in which L1P1 is
a *cost* indicator, so that the direction rules are exercised everywhere (all 28 real indicators
are benefit, which once hid a bug: data-driven weights ``on: raw`` min-maxed a cost indicator as a
benefit one).
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit import SpecError, build_index
from toolkit.framework.tree import index_tree
from toolkit.methods import registry as R
from toolkit.robustness import load_uncertainty_spec, replicate
from toolkit.robustness.engine import Engine
from toolkit.robustness.uncertainty import seed_streams

from ..conftest import DEMO_CSV, ROOT


@pytest.fixture(scope="module")
def cost_fw(tmp_path_factory):
    text = (ROOT / "toolkit" / "frameworks" / "shandong_industrial_brain.yaml").read_text("utf-8")
    i = text.index("- code: L1P1")
    j = text.index("direction: benefit", i)
    path = tmp_path_factory.mktemp("fw") / "cost.yaml"
    path.write_text(text[:j] + "direction: cost" + text[j + len("direction: benefit"):], "utf-8")
    fw = toolkit.load_framework(path)
    assert fw.directions["L1P1"] == -1
    return fw


@pytest.fixture(scope="module")
def data(cost_fw):
    return toolkit.read_indicators(DEMO_CSV, framework=cost_fw)


@pytest.fixture(scope="module")
def base(cost_fw):
    return toolkit.load_spec(ROOT / "configs" / "default.yaml", cost_fw).replace({"years": [2025]})


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory, cost_fw):
    path = tmp_path_factory.mktemp("w") / "weights.csv"
    codes = [c for kids in index_tree(cost_fw).values() for c in kids]
    pd.DataFrame({"code": codes, "weight": np.arange(1, len(codes) + 1)}).to_csv(path, index=False)
    return str(path)


def quiet_build(data, spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_index(data, spec)


def engine_composite(data, spec, fw, ranks: bool = False, result=None):
    """The engine's replication of ``spec`` itself: factors that set every level to its nominal
    choice, so that the level is computed by the engine (not copied from the static nominal).
    With ``ranks`` also the engine's ranks.

    ``result``, the ``build_index(data, spec)`` the caller already has, is the nominal build the
    engine starts from: :func:`toolkit.robustness.replicate` would make the same one again
    (``run_plan(compile_plan(load_spec(spec)))``, build_index's own three steps), a third of a
    contract case's CPU. Without it, ``replicate`` runs as a user would call it."""
    doc = spec.to_dict()
    factors = [{"name": "outliers", "address": "outliers.method", "options": [doc["outliers"]["method"]]}]
    for section in ("weights", "aggregation"):
        for level in ("dimension", "index"):
            choice = {k: v for k, v in doc[section].get(level, {}).items() if k != "overrides"}
            if choice:
                factors.append({"name": f"{section}_{level}", "address": f"{section}.{level}",
                                "options": [choice], "labels": ["nominal"]})
    us = load_uncertainty_spec({"factors": factors}, spec=spec, framework=fw)
    values = {f.name: f.labels[0] for f in us.factors}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if result is None:
            comp, rk = replicate(data, spec, us, [values], framework=fw, ranks=True)
            comp, rk = comp.iloc[0].to_numpy(), rk.iloc[0].to_numpy()
        else:
            u = np.array([us.encode(values)])
            engine = Engine(result, us, seed_streams(0)[1])  # as replicate does, after its build
            engine.prepare(u)
            comp, rk = (a[0] for a in engine.run(u))
    return (comp, rk) if ranks else comp


# ------------------------------------------------------------------------------------- cases
AHP_INDEX = [[1, 3, 5, 3, 1], ["1/3", 1, 2, 1, "1/3"], ["1/5", "1/2", 1, "1/2", "1/5"],
             ["1/3", 1, 2, 1, "1/3"], [1, 3, 5, 3, 1]]


def weighting_cases(fw, path):
    tree = index_tree(fw)
    dims = [p for p in tree if fw.node(p).level == "dimension"]
    ones = {p: [[1] * len(tree[p]) for _ in tree[p]] for p in dims}
    kids = [c for p in dims for c in tree[p]]
    return {
        "equal": [{"method": "equal"}],
        "framework": [{"method": "framework"}],
        "manual": [{"method": "manual", "values": {c: (i % 3) + 1 for i, c in enumerate(kids)}}],
        "file": [{"method": "file", "path": path}],
        "ahp": [{"method": "ahp", "matrix": ones}],
        "entropy": [{"method": "entropy"}, {"method": "entropy", "params": {"shift": 0.01}},
                    {"method": "entropy", "on": "raw"}],
        "critic": [{"method": "critic"}, {"method": "critic", "params": {"normalise": False}},
                   {"method": "critic", "on": "raw", "params": {"normalise": False}}],
        "cv": [{"method": "cv"}, {"method": "cv", "on": "normalised"}],
        "std": [{"method": "std"}, {"method": "std", "params": {"normalise": False}}, {"method": "std", "on": "raw"}],
        "pca": [{"method": "pca", "params": {"min_eigenvalue": 0.8}},
                {"method": "pca", "params": {"min_share": 0.1, "min_eigenvalue": 0.5}},
                {"method": "pca", "params": {"method": "first_component"}}],
        "bwm": [{"method": "bwm", "allow_inconsistent": True,
                 "best_to_others": {p: {k: i + 1 for i, k in enumerate(tree[p])} for p in dims},
                 "others_to_worst": {p: {k: len(tree[p]) - i for i, k in enumerate(tree[p])} for p in dims}}],
        "group_ahp": [{"method": "group_ahp", "matrices": {p: {"e1": _ratios(range(1, len(tree[p]) + 1)),
                                                               "e2": _ratios(range(len(tree[p]), 0, -1))}
                                                           for p in dims}}],
        "optimal": [{"method": "optimal"}],
        "combine": [{"method": "combine", "of": [{"method": "equal"}, {"method": "critic"}], "combine": rule}
                    for rule in R.COMBINATION.names]
        + [{"method": "combine", "of": [{"method": "equal"}, {"method": "entropy"}], "combine": "linear",
            "coefficients": {"0:equal": 1, "1:entropy": 3}}],
    }


def _ratios(w):
    w = np.asarray(list(w), dtype=float)
    return (w[:, None] / w[None, :]).tolist()


DIMS = ["L1", "L2", "L3", "L4", "L5"]


def index_weighting(choice):
    """The same choice at the index level (children: the five dimension scores)."""
    if choice["method"] == "bwm":
        return {"method": "bwm", "best_to_others": {"INDEX": dict(zip(DIMS, [1, 2, 3, 4, 8], strict=True))},
                "others_to_worst": {"INDEX": dict(zip(DIMS, [8, 4, 3, 2, 1], strict=True))}}
    if choice["method"] == "group_ahp":
        return {"method": "group_ahp", "matrices": {"INDEX": {"e1": _ratios([5, 4, 3, 2, 1]),
                                                              "e2": _ratios([1, 2, 3, 4, 5])}}}
    if choice["method"] == "manual":
        return {"method": "manual", "values": {"L1": 1, "L2": "1/3", "L3": 2, "L4": 1, "L5": 0.5}}
    if choice["method"] == "ahp":
        return {"method": "ahp", "matrix": {"INDEX": AHP_INDEX}}
    return {k: v for k, v in choice.items() if k != "on"}


CASES = {  # registry → [(id, spec changes)]
    "imputation": [(m, {"imputation": {"method": m, "by": "industry" if m.startswith("group") else None,
                                       "params": p}, **({"weights": {"dimension": {"method": "equal"}}}
                                                        if m == "none" else {})})
                   for m, p in [("none", {}), ("mean", {}), ("median", {}), ("group_mean", {}),
                                ("group_median", {}), ("knn", {"n_neighbors": 3}),
                                ("iterative", {"max_iter": 5, "seed": 1})]],
    "panel": [(m, {"years": None, "imputation": {"panel": m}}) for m in R.PANEL.names],
    "outliers": [("none", {"outliers": {"method": "none"}}), ("coinr", {"outliers": {"method": "coinr", "winmax": 3}})],
    "normalisation": [
        ("minmax", {"normalisation": {"method": "minmax", "params": {"lower": 1, "upper": 100}}}),
        ("zscore", {"normalisation": {"method": "zscore", "params": {"mean": 10, "sd": 2}}}),
        ("rank", {"normalisation": {"method": "rank", "params": {}}}),
        ("percentile_rank", {"normalisation": {"method": "percentile_rank", "params": {}}}),
        ("vector", {"normalisation": {"method": "vector", "params": {"reverse_cost": True}}}),
        ("sum", {"outliers": {"method": "none"}, "normalisation": {"method": "sum", "params": {}}}),
        ("goalposts", {"normalisation": {"method": "goalposts",
                                         "params": {"lower": -1000, "upper": 1.0e7, "scale": 100}}}),
        ("distance_to_target", {"normalisation": {"method": "distance_to_target",
                                                  "params": {"target": 1.0e9, "cap": False}},
                                "outliers": {"method": "none"}}),
        ("distance_to_reference", {"normalisation": {"method": "distance_to_reference",
                                                     "params": {"reference_unit": "REF"}}}),
        ("distance_to_best", {"normalisation": {"method": "distance_to_best", "params": {}}}),
        ("fraction_of_max", {"outliers": {"method": "none"}, "normalisation": {"method": "fraction_of_max",
                                                                                "params": {}}}),
        ("ampi", {"normalisation": {"method": "ampi", "params": {"reference": None, "reference_year": 2025}}}),
        ("none", {"outliers": {"method": "none"}, "normalisation": {"method": "none", "params": {}},
                  "weights": {"dimension": {"method": "equal"}}}),
    ],
    "aggregation": [
        (m, {"aggregation": {"dimension": {"method": m, "params": p}, "index": {"method": m, "params": p}}})
        for m, p in [("arithmetic", {}), ("geometric", {}), ("harmonic", {}), ("generalised_mean", {"p": 0.5}),
                     ("topsis", {}), ("topsis", {"normalisation": "minmax"}), ("grey_relational", {"rho": 0.4}),
                     ("bod", {}), ("bod", {"lower": 0.05}), ("copeland", {}), ("mean_min", {"alpha": 0.7, "beta": 5.0}),
                     ("wroclaw", {}), ("robust_bod", {"m": 10, "draws": 50, "seed": 3})]
    ] + [(f"mpi-{penalty}-{ddof}", {"normalisation": {"method": "ampi", "params": {}},
                                    "aggregation": {m: {"method": "mpi", "params": {"penalty": penalty, "ddof": ddof}}
                                                    for m in ("dimension", "index")}})
         for penalty, ddof in [("minus", 0), ("plus", 1)]] + [("arithmetic-na-skip", {"imputation": {"method": "none", "by": None}, "weights": {"dimension": {"method": "equal"}},
                                 "aggregation": {"dimension": {"method": "arithmetic", "params": {"na": "skip"}}}})],
}


def _fix_case(change, data, fw):
    """Fill in what depends on the data: the reference unit, cost targets."""
    from toolkit.framework.tree import index_leaves

    norm = change.get("normalisation", {})
    params = norm.get("params", {})
    leaves = index_leaves(fw)
    if params.get("reference_unit") == "REF":  # a unit that is not the worst on any leaf
        t = data.table.query("year == 2025").set_index("unit_id")[leaves]
        x = (t * fw.directions.reindex(leaves)).fillna(t.median())
        params["reference_unit"] = str(x.index[(x > x.min()).all(axis=1)][0])
    if norm.get("method") == "distance_to_target":
        # per indicator, the leaves only: a code outside the normalised block is an error
        params["target"] = {c: (1.0e9 if fw.directions[c] > 0 else -1.0e9) for c in leaves}
    return change


def _contract(data, base, fw, change):
    """build_index and the engine agree on the composites (1e-9) and on the ranks (exactly)."""
    spec = base.replace(change)
    result = quiet_build(data, spec)
    want = result.composite.to_numpy()
    got, got_ranks = engine_composite(data, spec, fw, ranks=True, result=result)
    assert np.isfinite(want).all()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    want_ranks = result.rank.to_numpy(dtype=float)
    assert np.array_equal(got_ranks.astype(float), want_ranks), (
        f"ranks differ at {np.flatnonzero(got_ranks != want_ranks)[:5].tolist()}: engine "
        f"{got_ranks[got_ranks != want_ranks][:5].tolist()} vs build_index {want_ranks[got_ranks != want_ranks][:5].tolist()}")


@pytest.mark.slow
@pytest.mark.parametrize("registry", ["imputation", "panel", "outliers", "normalisation", "aggregation"])
def test_every_data_path_and_aggregation_entry_equal_in_build_index_and_engine(registry, data, base, cost_fw):
    reg = {"outliers": R.TREATMENT}.get(registry, R.REGISTRIES.get(registry))
    covered = {case_id.split("-")[0] for case_id, _ in CASES[registry]}
    assert covered == set(reg.names), f"{registry}: every registry entry needs a contract case"
    for case_id, change in CASES[registry]:
        try:
            _contract(data, base, cost_fw, _fix_case(copy.deepcopy(change), data, cost_fw))
        except AssertionError as exc:
            raise AssertionError(f"{registry} {case_id}: {exc}") from None


@pytest.mark.slow
@pytest.mark.parametrize("level", ["dimension", "index"])
def test_every_weighting_and_combination_entry_equal_in_build_index_and_engine(level, data, base, cost_fw,
                                                                               weights_file):
    cases = weighting_cases(cost_fw, weights_file)
    assert set(cases) == set(R.WEIGHTING.names)
    rules = {c["combine"] for c in cases["combine"]}
    assert rules == set(R.COMBINATION.names)
    for choices in cases.values():
        for choice in choices:
            choice = choice if level == "dimension" else index_weighting(choice)
            try:
                _contract(data, base, cost_fw, {"weights": {level: choice}})
            except AssertionError as exc:
                raise AssertionError(f"weights.{level} {choice}: {exc}") from None


@pytest.mark.parametrize("level", ["dimension", "index"])
def test_seeded_robust_bod_is_the_same_in_every_replication_of_a_batch(level, data, base, cost_fw):
    """The single-replication contract cannot see a batch effect: the engine stacks replications
    into one kernel call, and robust_bod once drew its order-m peers from one generator across the
    batch, so the second replication got other draws than build_index (|Δ composite| 0.084 and
    0.105 on the demo data, seed 3). Weights are ignored by robust_bod, so every replication of a
    weights factor must give build_index's composites and ranks."""
    rb = {"method": "robust_bod", "params": {"m": 10, "draws": 50, "seed": 3}}
    spec = base.replace({"aggregation": {level: rb}})
    opts = [{"method": "equal"}, {"method": "critic"}, {"method": "entropy"}]
    if level == "index":
        opts[2] = {"method": "manual", "values": {"L1": 1, "L2": 2, "L3": 3, "L4": 4, "L5": 5}}
    labels = ["a", "b", "c"]
    us = load_uncertainty_spec({"factors": [{"name": "w", "address": f"weights.{level}", "options": opts,
                                             "labels": labels}]}, spec=spec, framework=cost_fw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, ranks = replicate(data, spec, us, [{"w": lab} for lab in labels], framework=cost_fw, ranks=True)
    if level == "index":  # the weights do not matter to robust_bod: one composite for all three
        np.testing.assert_array_equal(got.iloc[1], got.iloc[0])
    for i, o in enumerate(opts):
        want = quiet_build(data, spec.replace({"weights": {level: o}}))
        np.testing.assert_allclose(got.iloc[i].to_numpy(), want.composite.to_numpy(), rtol=0, atol=1e-9)
        assert np.array_equal(ranks.iloc[i].to_numpy(dtype=float), want.rank.to_numpy(dtype=float))


def test_data_driven_weights_on_raw_treat_a_cost_indicator_as_cost(data, base, cost_fw):
    """The latent bug of issue 10: entropy ``on: raw`` must min-max L1P1 (a cost) reversed."""
    spec = base.replace({"weights": {"dimension": {"method": "entropy", "on": "raw"}}})
    r = quiet_build(data, spec)
    kids = index_tree(cost_fw)["L1"]
    T = r.treated[kids].to_numpy()
    # independent textbook computation: x' = (x − min)/(max − min), cost: (max − x)/(max − min)
    lo, hi = T.min(axis=0), T.max(axis=0)
    d = cost_fw.directions.reindex(kids).to_numpy()
    Z = np.where(d > 0, T - lo, hi - T) / (hi - lo)
    P = Z / Z.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = -np.nansum(P * np.log(P), axis=0) / np.log(len(T))
    want = (1 - e) / (1 - e).sum()
    got = r.weights.query("parent == 'L1'").set_index("child")["weight"].reindex(kids).to_numpy()
    np.testing.assert_allclose(got, want, atol=1e-12)
    # … and the benefit reading would have given a different weight to L1P1
    Zb = (T - lo) / (hi - lo)
    Pb = Zb / Zb.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        eb = -np.nansum(Pb * np.log(Pb), axis=0) / np.log(len(T))
    assert abs((1 - eb[0]) / (1 - eb).sum() - want[0]) > 1e-3
    # the engine agrees
    np.testing.assert_allclose(engine_composite(data, spec, cost_fw, result=r), r.composite.to_numpy(), atol=1e-9)


# ------------------------------------------------------------------------------------- bad parameters
def _param_places():
    """(registry, method, where to put a params mapping in a spec change)."""
    for m in R.IMPUTATION:
        yield R.IMPUTATION, m, lambda p, m=m: {"imputation": {"method": m.name, "params": p,
                                                             "by": "industry" if m.name.startswith("group") else None}}
    for m in R.NORMALISATION:
        yield R.NORMALISATION, m, lambda p, m=m: {"normalisation": {"method": m.name, "params": p}}
    for m in R.WEIGHTING:
        yield R.WEIGHTING, m, lambda p, m=m: {"weights": {"dimension": {"method": m.name, "params": p}}}
    for m in R.AGGREGATION:
        yield R.AGGREGATION, m, lambda p, m=m: {"aggregation": {"index": {"method": m.name, "params": p}}}


def _valid(param: R.Param):
    if param.default is not None:
        return param.default
    return {"number": 1.0, "label": "U001", "integer": 1}.get(param.type)


def test_every_declared_parameter_rejects_its_bad_values_with_a_spec_error(cost_fw):
    n = 0
    for _reg, m, place in _param_places():
        good = {p.name: _valid(p) for p in m.params if p.required}
        if m.name == "goalposts":
            good = {"lower": 0.0, "upper": 1.0}
        with pytest.raises(SpecError, match="unknown parameter"):
            toolkit.load_spec(place({**good, "return_details": True}), cost_fw)
        for p in m.params:
            for bad in p.bad_values():
                with pytest.raises(SpecError, match=repr(p.name)):
                    toolkit.load_spec(place({**good, p.name: bad}), cost_fw)
                n += 1
            if p.required:
                with pytest.raises(SpecError, match=p.name):
                    toolkit.load_spec(place({k: v for k, v in good.items() if k != p.name}), cost_fw)
    for p in R.TREATMENT["coinr"].params:
        for bad in p.bad_values():
            with pytest.raises(SpecError, match=p.name):
                toolkit.load_spec({"outliers": {"method": "coinr", p.name: bad}}, cost_fw)
            n += 1
    assert n > 60


def test_declared_defaults_are_the_functions_defaults():
    """The declaration and the function cannot drift apart (reflection only here, in a test)."""
    import inspect

    for reg in (R.IMPUTATION, R.NORMALISATION, R.WEIGHTING, R.AGGREGATION):
        for m in reg:
            if not m.params:
                continue
            sig = inspect.signature(m.function).parameters
            open_kw = any(v.kind is inspect.Parameter.VAR_KEYWORD for v in sig.values())
            for p in m.params:
                if p.name not in sig and open_kw:  # passed on through **kwargs (IterativeImputer's tol)
                    continue
                assert p.name in sig, f"{reg.step} {m.name}: {p.name} is not a parameter of {m.function}"
                default = sig[p.name].default
                if default is not inspect.Parameter.empty and not p.required and p.name != "na":
                    assert default == p.default, f"{reg.step} {m.name}.{p.name}: {default!r} ≠ {p.default!r}"


@pytest.mark.parametrize("doc, message", [
    ({"imputation": {"method": "knn", "params": {"n_neighbors": 0}}}, "'n_neighbors'"),
    ({"weights": {"dimension": {"method": "entropy", "params": {"return_details": True}}}}, "unknown parameter"),
    ({"weights": {"index": {"method": "manual", "values": {"L1": 1, "L2": 1, "L3": 1, "L4": 1, "L5": 1,
                                                           "L6": 1}}}}, "L6"),
    ({"weights": {"index": {"method": "manual", "values": {"L1": 1, "L2": 1, "L3": 1, "L4": 1}}}}, "no weight for"),
    ({"weights": {"index": {"method": "manual", "values": {"L1": "a third", "L2": 1, "L3": 1, "L4": 1,
                                                           "L5": 1}}}}, "simple fraction"),
    ({"weights": {"index": {"method": "equal", "values": {"L1": 1}}}}, "unknown key"),
    ({"weights": {"index": {"method": "equal", "on": "raw"}}}, "unknown key"),
    ({"weights": {"index": {"method": "combine", "of": [{"method": "equal"}, {"method": "cv"}],
                            "combine": "multiplicative", "coefficients": [1, 2]}}}, "only apply"),
    ({"weights": {"index": {"method": "ahp", "matrix": {"INDEX": [[1, 2], ["1/2", 1]]}}}}, "5×5"),
    ({"normalisation": {"method": "minmax", "params": {"lower": 5, "upper": 1}}}, "greater than lower"),
    ({"normalisation": {"method": "goalposts", "params": {"lower": {"L9P9": 0}, "upper": 1}}}, "L9P9"),
    ({"outliers": {"method": "coinr", "winmax": -1}}, "winmax"),
    ({"aggregation": {"index": {"method": "grey_relational", "params": {"rho": 1}}}}, "'rho'"),
])
def test_bad_choices_are_spec_errors_naming_the_key(doc, message, cost_fw):
    with pytest.raises(SpecError, match=message):
        toolkit.load_spec(doc, cost_fw)


def test_manual_weights_accept_simple_fractions(data, base):
    spec = base.replace({"weights": {"index": {"method": "manual",
                                               "values": {"L1": "1/3", "L2": "1/3", "L3": "1/6", "L4": "1/12",
                                                          "L5": "1/12"}}}})
    w = quiet_build(data, spec).weights.query("parent == 'INDEX'").set_index("child")["weight"]
    np.testing.assert_allclose(w[["L1", "L2", "L3", "L4", "L5"]].to_numpy(), [1 / 3, 1 / 3, 1 / 6, 1 / 12, 1 / 12],
                               atol=1e-15)


# ------------------------------------------------------------------------------ per-indicator mappings
def _mapping_change(fw):
    from toolkit.framework.tree import index_leaves

    leaves = index_leaves(fw)
    return {"outliers": {"method": "coinr", "winmax": {c: i % 3 for i, c in enumerate(leaves)},
                         "log_transform": {leaves[0]: "log_CT_orig", leaves[1]: "none"}},
            "normalisation": {"method": "minmax", "params": {"lower": {c: float(i % 2) for i, c in enumerate(leaves)},
                                                             "upper": 100}},
            "aggregation": {"dimension": {"method": "generalised_mean", "params": {"p": {"L1": 2.0, "L3": 0.5}}}}}


def test_per_indicator_and_per_node_mappings_equal_in_build_index_and_engine(data, base, cost_fw):
    change = _mapping_change(cost_fw)
    _contract(data, base, cost_fw, change)
    # and the mapping matters: the all-default spec gives other composites
    assert not np.allclose(quiet_build(data, base.replace(change)).composite, quiet_build(data, base).composite)


def test_a_factor_whose_options_are_per_indicator_mappings_replicates_build_index(data, base, cost_fw):
    leaves = _mapping_change(cost_fw)["normalisation"]["params"]["lower"]
    spec = base.replace({"normalisation": {"method": "minmax", "params": {"lower": 1, "upper": 100}}})
    options = [1, leaves]
    us = load_uncertainty_spec({"factors": [{"name": "lower", "address": "normalisation.params.lower",
                                             "options": options, "labels": ["one", "by indicator"]}]},
                               spec=spec, framework=cost_fw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = replicate(data, spec, us, [{"lower": "one"}, {"lower": "by indicator"}], framework=cost_fw)
    assert not np.allclose(got.iloc[0], got.iloc[1])
    for row, option in zip(got.to_numpy(), options, strict=True):
        want = quiet_build(data, spec.replace({"normalisation": {"params": {"lower": option, "upper": 100}}})).composite
        np.testing.assert_allclose(row, want.to_numpy(), rtol=0, atol=1e-9)
