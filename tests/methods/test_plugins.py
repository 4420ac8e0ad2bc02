"""The plugin API (issue 20): a researcher registers a toy method of each of the four kinds from
outside the package, through the public ``toolkit.methods.register``, and with no other edit each
works in ``build_index``, as an uncertain factor of the Monte Carlo engine, in ``compare``, in the
studio's selectors and in ``registry.table()``; undeclared spec keys are still errors.

Each toy's expected values are computed here independently of the toolkit's pipeline (pandas
formulas on the result's own inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit import build_index, load_spec, read_indicators
from toolkit.errors import DataError, SpecError

from ..conftest import DEMO_CSV, ROOT

DEFAULT = ROOT / "configs" / "default.yaml"


# ---------------------------------------------------------------------- the toys (a researcher's code)
def column_max_fill(X):
    """Imputation: each missing value becomes its indicator's largest observed value."""
    return X.fillna(X.max())


def range_tenths(X, top=10.0):
    """Normalisation: (x − min)/(max − min)·top (cost indicators arrive multiplied by −1)."""
    return (X - X.min()) / (X.max() - X.min()) * top


def spread_weights(X):
    """Weighting: weights ∝ each column's standard deviation."""
    return X.std(ddof=1)


def weakest_link(X, weights):
    """Aggregation: a unit's weakest child (weights with zero ignore a child)."""
    return X.loc[:, weights.to_numpy() > 0].min(axis=1)


TOYS = [("imputation", "toy_fill", column_max_fill, {}),
        ("normalisation", "toy_range", range_tenths,
         {"params": (toolkit.methods.registry.Param("top", "number", 10.0, "top of the range", low=0,
                                                     low_open=True),)}),
        ("weighting", "toy_spread", spread_weights, {"label_zh": "离散度权重", "doc": "∝ standard deviation"}),
        ("aggregation", "toy_weakest", weakest_link, {"doc": "the weakest child"})]


@pytest.fixture(scope="module")
def toys():
    entries = [toolkit.methods.register(step, name, fn, **kw) for step, name, fn, kw in TOYS]
    yield entries
    for step, name, _, _ in TOYS:
        toolkit.methods.unregister(step, name)


@pytest.fixture(scope="module")
def data():
    return read_indicators(DEMO_CSV)


TOY_SPEC = {"imputation": {"panel": "none", "method": "toy_fill", "by": None},
            "normalisation": {"method": "toy_range", "params": {"top": 10}},
            "weights": {"dimension": {"method": "toy_spread"}},
            "aggregation": {"index": {"method": "toy_weakest"}}}


@pytest.fixture(scope="module")
def result(toys, data):
    return build_index(data, load_spec(DEFAULT).replace(TOY_SPEC))


def test_build_index_runs_each_toy(result):
    r = result
    # imputation: the missing cells hold the column maximum, observed cells are untouched, each fill logged
    raw = r.raw
    assert raw.isna().to_numpy().any(), "the demo should have missing values to impute"
    pd.testing.assert_frame_equal(r.imputed, raw.fillna(raw.max()), check_dtype=False)
    assert len(r.imputation_log) == int(raw.isna().to_numpy().sum())
    assert set(r.imputation_log["method"]) == {"toy_fill"}
    # normalisation: min–max onto [0, 10] of direction × value (cost columns reversed)
    d = r.framework.directions.reindex(r.treated.columns).to_numpy(dtype=float)
    signed = r.treated * d
    expected = (signed - signed.min()) / (signed.max() - signed.min()) * 10
    pd.testing.assert_frame_equal(r.normalised, expected, check_dtype=False, atol=1e-12)
    # weighting: each dimension's indicators weighted ∝ their standard deviation in the normalised data
    w = r.weights[(r.weights["level"] == "dimension")]
    for parent, rows in w.groupby("parent"):
        kids = rows["child"].tolist()
        values = r.scores[kids] if all(k in r.scores for k in kids) else None
        X = pd.concat([r.normalised, r.scores], axis=1)[kids] if values is None else values
        sd = X.std(ddof=1)
        np.testing.assert_allclose(rows["weight"].to_numpy(), (sd / sd.sum()).to_numpy(), rtol=1e-10,
                                   err_msg=parent)
        assert set(rows["method"]) == {"toy_spread"}
    # aggregation: the composite is each unit's weakest dimension
    dims = r.dimension_scores
    np.testing.assert_allclose(r.composite.to_numpy(), dims.min(axis=1).to_numpy(), rtol=1e-12)


def test_each_toy_is_an_uncertain_factor_of_the_engine(toys, data):
    from toolkit.robustness.uncertainty import replicate, uncertainty

    uspec = {"uncertainty_version": 1, "name": "toys", "factors": [
        {"name": "imp", "address": "imputation.method", "options": ["group_median", "toy_fill"]},
        {"name": "norm", "address": "normalisation.method", "options": ["minmax", "toy_range"]},
        {"name": "dim_w", "address": "weights.dimension", "options": [{"method": "entropy"}, {"method": "toy_spread"}],
         "labels": ["entropy", "toy_spread"]},
        {"name": "agg", "address": "aggregation.index.method", "options": ["arithmetic", "toy_weakest"]}]}
    rows = [{"imp": "toy_fill", "norm": "toy_range", "dim_w": "toy_spread", "agg": "toy_weakest"},
            {"imp": "group_median", "norm": "minmax", "dim_w": "toy_spread", "agg": "arithmetic"},
            {"imp": "toy_fill", "norm": "minmax", "dim_w": "entropy", "agg": "toy_weakest"}]
    got = replicate(data, DEFAULT, uspec, rows)
    for i, row in enumerate(rows):
        change = {"imputation": {"method": row["imp"], "by": None if row["imp"] == "toy_fill" else "industry"},
                  "weights": {"dimension": {"method": row["dim_w"]}},
                  "aggregation": {"index": {"method": row["agg"]}}}
        if row["norm"] == "toy_range":
            change["normalisation"] = {"method": "toy_range", "params": {}}
        want = build_index(data, load_spec(DEFAULT).replace(change)).composite
        np.testing.assert_allclose(got.iloc[i].to_numpy(), want.reindex(got.columns).to_numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=str(row))
    res = uncertainty(data, DEFAULT, uspec, n=8, seed=1, design="montecarlo")
    assert res.ranks.shape == (8, 250) and (res.ranks >= 1).all()


def test_each_toy_in_compare(toys, data):
    from toolkit.studio.compare import compare_specs

    base = load_spec(DEFAULT)
    toy = base.replace({**TOY_SPEC, "name": "toys"})
    c = compare_specs(data, [base, toy])
    want = build_index(data, toy).rank.xs(c.year, level="year")
    assert list(c.ranks.columns) == ["default", "toys"]
    assert (c.ranks["toys"].reindex(want.index) == want).all()
    assert c.ranks["toys"].notna().all()


def test_toys_in_the_studio_selectors_and_the_table(toys):
    pytest.importorskip("ipywidgets")
    from toolkit.studio.app import method_choices

    weights = {n: (label, line) for n, label, line in method_choices("weights", "zh")}
    assert weights["toy_spread"] == ("离散度权重", "∝ standard deviation")
    assert "toy_weakest" in [n for n, _, _ in method_choices("aggregation")]
    table = toolkit.methods.table()
    mine = table[table["plugin"]].set_index("method")
    assert mine.loc[["toy_fill", "toy_range", "toy_spread", "toy_weakest"], "step"].tolist() == [
        "imputation", "normalisation", "weighting", "aggregation"]
    assert mine.loc["toy_range", "params"] == "top=10.0"


def test_the_studio_offers_a_registered_method(toys, data):
    pytest.importorskip("ipywidgets")
    from toolkit.studio.app import Studio

    studio = Studio(data, DEFAULT, top_n=5)
    assert "toy_spread" in [v for _, v in studio.weight_method["dimension"].options]  # (label, method) pairs
    assert "toy_weakest" in [v for _, v in studio.aggregation_method["index"].options]
    studio.aggregation_method["index"].value = "toy_weakest"
    assert studio.model.spec["aggregation"]["index"]["method"] == "toy_weakest"


@pytest.mark.parametrize("change, match", [
    ({"normalisation": {"method": "toy_range", "params": {"bottom": 1}}}, r"unknown parameter\(s\) \['bottom'\]"),
    ({"normalisation": {"method": "toy_range", "params": {"top": -1}}}, "must be a number > 0"),
    ({"aggregation": {"index": {"method": "toy_weakest", "params": {"p": 2}}}}, "takes no params"),
    ({"weights": {"dimension": {"method": "toy_spread", "params": {"x": 1}}}}, "takes no params"),
    ({"imputation": {"method": "toy_fil"}}, "must be one of"),
])
def test_undeclared_spec_keys_are_still_errors(toys, change, match):
    with pytest.raises(SpecError, match=match):
        load_spec(DEFAULT).replace(change)


def test_a_toy_that_breaks_its_convention_is_named(data):
    toolkit.methods.register("imputation", "toy_cheat", lambda X: X.fillna(0.0) + 1.0)
    toolkit.methods.register("weighting", "toy_negative", lambda X: -X.std())
    try:
        with pytest.raises(DataError, match="toy_cheat.*changed the observed value"):
            build_index(data, load_spec(DEFAULT).replace({"imputation": {"method": "toy_cheat", "by": None}}))
        with pytest.raises(DataError, match="toy_negative.*non-negative"):
            build_index(data, load_spec(DEFAULT).replace({"weights": {"dimension": {"method": "toy_negative"}}}))
    finally:
        toolkit.methods.unregister("imputation", "toy_cheat")
        toolkit.methods.unregister("weighting", "toy_negative")


def test_register_refuses_what_it_cannot_honour():
    with pytest.raises(ValueError, match="exists already .*built-in"):
        toolkit.methods.register("aggregation", "arithmetic", weakest_link)
    with pytest.raises(ValueError, match="methods of one.s own go in"):
        toolkit.methods.register("outliers", "mine", weakest_link)
    with pytest.raises(TypeError, match="unknown declaration"):
        toolkit.methods.register("aggregation", "mine", weakest_link, colour="red")
    toolkit.methods.register("aggregation", "toy_again", weakest_link)
    try:
        with pytest.raises(ValueError, match="replace=True"):
            toolkit.methods.register("aggregation", "toy_again", weakest_link)
        toolkit.methods.register("aggregation", "toy_again", weakest_link, replace=True)
    finally:
        toolkit.methods.unregister("aggregation", "toy_again")


def test_the_cli_lists_a_registered_method(toys, capsys):
    from toolkit.cli import main

    assert main(["methods", "--step", "aggregation", "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["step", "method"]
    assert any("toy_weakest" in line and "the weakest child" in line for line in out)
    assert main(["methods", "--step", "weighting", "--lang", "zh"]) == 0
    assert any("toy_spread" in line and "离散度权重" in line for line in capsys.readouterr().out.splitlines())
