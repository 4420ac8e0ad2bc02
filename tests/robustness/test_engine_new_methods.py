"""The Monte Carlo engine accepts every weighting and aggregation method of issue 14 as an
uncertain factor (BWM, group AHP, optimised weights; Benefit of the Doubt, Copeland), and its
replications equal build_index under the same choices."""

import numpy as np
import pytest

from toolkit import build_index, load_spec, read_indicators
from toolkit.methods.registry import AGGREGATION, WEIGHTING
from toolkit.robustness.uncertainty import replicate, uncertainty

from ..conftest import DEMO_CSV, ROOT

DIMS = ["L1", "L2", "L3", "L4", "L5"]


def ratio_matrix(w):
    w = np.asarray(w, dtype=float)
    return (w[:, None] / w[None, :]).tolist()


WEIGHTS = [
    {"method": "equal"},
    {"method": "bwm", "best_to_others": {"INDEX": dict(zip(DIMS, [1, 2, 3, 4, 8], strict=True))},
     "others_to_worst": {"INDEX": dict(zip(DIMS, [8, 4, 3, 2, 1], strict=True))}},
    {"method": "group_ahp", "matrices": {"INDEX": {"e1": ratio_matrix([5, 4, 3, 2, 1]),
                                                   "e2": ratio_matrix([1, 2, 3, 4, 5])}}, "aggregation": "aij"},
    {"method": "optimal"},
]
USPEC = {"uncertainty_version": 1, "name": "issue14", "factors": [
    {"name": "dimension_weights", "address": "weights.index", "options": WEIGHTS,
     "labels": ["equal", "bwm", "group_ahp", "optimal"]},
    {"name": "index_aggregation", "address": "aggregation.index.method", "options": ["arithmetic", "bod", "copeland"]},
]}


def test_new_methods_are_registered():
    assert {"bwm", "group_ahp", "optimal"} <= set(WEIGHTING.names)
    assert {"bod", "copeland"} <= set(AGGREGATION.names)
    assert AGGREGATION["bod"].kernel is not None and AGGREGATION["copeland"].kernel is not None
    assert WEIGHTING["optimal"].data_driven and WEIGHTING["optimal"].kernel is not None


@pytest.mark.slow
def test_engine_replications_equal_build_index():
    data = read_indicators(DEMO_CSV)
    spec = load_spec(ROOT / "configs" / "default.yaml").replace({"years": [2025]})  # one year: 50 units
    combos = [("bwm", "bod"), ("group_ahp", "copeland"), ("optimal", "arithmetic"), ("equal", "copeland")]
    values = [{"dimension_weights": w, "index_aggregation": a} for w, a in combos]
    got = replicate(data, spec, USPEC, values)
    for row, (w, a) in enumerate(combos):
        choice = WEIGHTS[["equal", "bwm", "group_ahp", "optimal"].index(w)]
        s = spec.replace({"weights": {"index": choice}, "aggregation": {"index": {"method": a}}})
        expected = build_index(data, s).composite
        np.testing.assert_allclose(got.iloc[row].to_numpy(), expected.reindex(got.columns).to_numpy(),
                                   rtol=1e-7, atol=1e-9, err_msg=f"{w} + {a}")
    res = uncertainty(data, spec, USPEC, n=12, seed=3, design="montecarlo")
    assert res.ranks.shape == (12, 50) and (res.ranks >= 1).all()
    assert set(res.samples["index_aggregation"]) <= {"arithmetic", "bod", "copeland"}


@pytest.mark.parametrize("change, match", [
    ({"aggregation": {"index": {"method": "bod", "params": {"lower": 0.6, "upper": 0.2}}}}, "must not exceed"),
    ({"aggregation": {"index": {"method": "bod", "params": {"lower": 1.5}}}}, "lower"),
    ({"aggregation": {"index": {"method": "copeland", "params": {"p": 2}}}}, "takes no params"),
    ({"weights": {"index": {"method": "bwm", "best_to_others": {"INDEX": {"L1": 1}}}}}, "others_to_worst"),
    ({"weights": {"index": {"method": "group_ahp", "matrices": {}, "aggregation": "mean"}}}, "aggregation"),
    ({"weights": {"index": {"method": "optimal", "params": {"objective": "max"}}}}, "objective"),
])
def test_spec_checks_the_new_methods(change, match):
    from toolkit.errors import SpecError

    with pytest.raises(SpecError, match=match):
        load_spec(ROOT / "configs" / "default.yaml").replace(change)


def test_inconsistent_judgements_are_errors_unless_allowed():
    from toolkit.methods.weighting.subjective import InconsistentJudgementError

    data = read_indicators(DEMO_CSV)
    # best L1, worst L5 (a_BW = 9); L3: a_B3·a_3W = 81 vs 9 → CRᴵ = 72/72 = 1 > 0.3062 (a_BW = 9, n = 5)
    bad = {"method": "bwm", "best_to_others": {"INDEX": dict(zip(DIMS, [1, 2, 9, 2, 9], strict=True))},
           "others_to_worst": {"INDEX": dict(zip(DIMS, [9, 1, 9, 1, 1], strict=True))}}
    with pytest.raises(InconsistentJudgementError, match="revise the judgement of"):
        build_index(data, load_spec(ROOT / "configs" / "default.yaml").replace({"weights": {"index": bad}}))
    ok = build_index(data, load_spec(ROOT / "configs" / "default.yaml").replace(
        {"weights": {"index": {**bad, "allow_inconsistent": True}}}))
    assert ok.weights.query("level == 'index'")["weight"].sum() == pytest.approx(1)
