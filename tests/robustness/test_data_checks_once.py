"""Issue 20: each data check is declared once, in its method's registry entry (``Method.checks``,
with ``min_rows``), and both paths run it through ``Method.check_data``: the pandas function that
``build_index`` calls, and the engine's stacks (``steps.aggregate_stack``, ``steps.weight_stack``).
So a check fires with the same message through ``build_index`` and through the engine (where it
is prefixed by the replication and the node).

Every declared check has a case here (the first test fails when a check is declared without
one); each case builds data that break the rule (minmax onto [0, 100] gives zeros, a z-score or a
negative range gives negative values — and units whose mean is negative —, no imputation leaves
the demo's missing cells, two units are fewer than PCA's and optimal's three).

The three checks issue 20 left written twice are declared once too: the finite-value check of the
data-driven weights (``toolkit.methods.checks.FINITE``, no longer inside the weight kernels), the
domain checks of robust BoD, MPI and Wrocław (``COMPLETE``, BoD's ``non_negative``, MPI's
``positive_mean``, Wrocław's ``min_rows``: no longer inside their kernels), and ``optimal``'s
``min_rows`` (its entry is declared beside its function, in ``optimal_weights.py``, which the
registry module imports: no circle).
"""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit
from toolkit import build_index, load_spec, read_indicators
from toolkit.index.steps import aggregate_stack
from toolkit.methods.aggregation.wroclaw import wroclaw
from toolkit.methods.checks import FINITE
from toolkit.methods.registry import REGISTRIES, WEIGHTING
from toolkit.robustness.uncertainty import replicate

from ..conftest import DEMO_CSV, ROOT

DEFAULT = ROOT / "configs" / "default.yaml"
EQUAL = {"weights": {"dimension": {"method": "equal"}}}
ZSCORE = {"normalisation": {"method": "zscore"}, **EQUAL}
NO_IMPUTATION = {"imputation": {"panel": "none", "method": "none"}, **EQUAL}  # nothing filled, across years either
ZEROS = {"normalisation": {"method": "minmax", "params": {"lower": 0, "upper": 100}}, **EQUAL}
NEGATIVE = {"normalisation": {"method": "minmax", "params": {"lower": -100, "upper": 0}}, **EQUAL}


def _agg(method, **params):
    return {"method": method, **({"params": params} if params else {})}


#: (method, declared check) → (nominal spec changes, spec address, the option that breaks the rule)
CASES = {
    ("arithmetic", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("arithmetic", na="error")),
    ("geometric", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("geometric", na="error")),
    ("geometric", "positive"): (ZEROS, "aggregation.dimension", _agg("geometric")),
    ("harmonic", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("harmonic", na="error")),
    ("harmonic", "positive"): (ZEROS, "aggregation.dimension", _agg("harmonic")),
    ("generalised_mean", "complete"): (NO_IMPUTATION, "aggregation.dimension",
                                       _agg("generalised_mean", p=2.0, na="error")),
    ("generalised_mean", "positive"): (ZEROS, "aggregation.dimension", _agg("generalised_mean", p=-1.0)),
    ("generalised_mean", "non_negative"): (ZSCORE, "aggregation.dimension", _agg("generalised_mean", p=0.5)),
    ("bod", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("bod")),
    ("bod", "non_negative"): (ZSCORE, "aggregation.dimension", _agg("bod")),
    ("topsis", "nonzero_norm"): ({"normalisation": {"method": "none"}, **EQUAL}, "aggregation.dimension",
                                 _agg("topsis")),
    ("pca", "varying"): (EQUAL, "weights.dimension", {"method": "pca"}),
    ("cv", "positive_mean"): (NEGATIVE, "weights.dimension", {"method": "cv", "on": "normalised"}),
    # issue 20's loose ends: the data-driven weights' finite values, the domain of robust BoD, MPI,
    # mean–min and Wrocław
    **{(m, "finite"): (NO_IMPUTATION, "weights.dimension", {"method": m})
       for m in ("entropy", "critic", "cv", "std", "pca", "optimal")},
    ("robust_bod", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("robust_bod", draws=5)),
    ("robust_bod", "non_negative"): (ZSCORE, "aggregation.dimension", _agg("robust_bod", draws=5)),
    ("mpi", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("mpi")),
    ("mpi", "positive_mean"): (ZSCORE, "aggregation.dimension", _agg("mpi")),
    ("mean_min", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("mean_min")),
    ("wroclaw", "complete"): (NO_IMPUTATION, "aggregation.dimension", _agg("wroclaw")),
}
#: ``min_rows`` (declared once per entry): PCA and optimal need three units, each year of the data holds two
PER_YEAR = {"outliers": {"method": "none"}, "panel": {"scope": "per_year"}, **EQUAL}


def declared_checks() -> set[tuple[str, str]]:
    return {(entry.name, check.name) for reg in REGISTRIES.values() for entry in reg if not entry.plugin
            for check in entry.checks}


#: cases whose data must break the rule too: TOPSIS's zero norm needs an indicator 0 for every unit,
#: PCA two indicators that vary (dimension L2 keeps only L2P1 varying)
CONSTANT = {("topsis", "nonzero_norm"): {"L1P3": 0.0}, ("pca", "varying"): {"L2P2": 3.0, "L2P3": 3.0, "L2P4": 3.0}}


@pytest.fixture(scope="module")
def data():
    return read_indicators(DEMO_CSV)


def test_every_declared_check_has_a_case():
    assert declared_checks() == set(CASES)


def _messages(data, nominal_changes, address, option):
    nominal = load_spec(DEFAULT).replace(nominal_changes)
    section, level = address.split(".")
    with pytest.raises(toolkit.DataError) as built:
        build_index(data, nominal.replace({section: {level: option}}))
    uspec = {"name": "check", "factors": [{"name": "f", "address": address, "options": [option], "labels": ["bad"]}]}
    with pytest.raises(toolkit.DataError) as engine:
        replicate(data, nominal, uspec, [{"f": "bad"}])
    return str(built.value), str(engine.value)


@pytest.mark.parametrize("case", sorted(CASES), ids=lambda c: f"{c[0]}-{c[1]}")
def test_a_check_fires_with_the_same_message_in_build_index_and_the_engine(data, case):
    method, check = case
    if case in CONSTANT:
        data = data.table.assign(**CONSTANT[case])
    built, engine = _messages(data, *CASES[case])
    assert built.startswith(f"{method}: "), built
    declared = next(c for reg in REGISTRIES.values() if method in reg for c in reg[method].checks if c.name == check)
    if declared.per != "matrix":
        assert " unit " in built or " indicator " in built, built  # the value is located
    assert engine.startswith("replication 0 (f=bad): "), engine
    assert engine.endswith(built), (built, engine)  # the same words, after the replication and the node


@pytest.mark.parametrize("method", ["pca", "optimal"])
def test_min_rows_fires_with_the_same_message_in_build_index_and_the_engine(data, method):
    two = data.table[data.table["unit_id"].isin(["SD-B001", "SD-B002"])]
    built, engine = _messages(two, PER_YEAR, "weights.dimension", {"method": method})
    assert built == f"{method}: needs at least 3 units (rows), got 2"
    assert engine.endswith(built), engine


def test_wroclaw_min_rows_is_its_entrys_in_the_function_and_the_engine_stack():
    """One unit has no sd of distances: the pandas function and the engine's stack stop alike."""
    import numpy as np

    with pytest.raises(toolkit.DataError) as direct:
        wroclaw(pd.DataFrame({"a": [1.0], "b": [2.0]}, index=["u"]))
    with pytest.raises(toolkit.DataError) as stacked:
        aggregate_stack({"method": "wroclaw"}, np.array([[[1.0, 2.0]]]), np.ones((1, 2)), index=pd.Index(["u"]),
                        columns=["a", "b"])
    assert str(direct.value) == str(stacked.value) == "wroclaw: needs at least 2 units (rows), got 1"


def test_every_data_driven_weighting_declares_the_finite_check_once():
    """The finite-value check is one object, in the entry of every weighting computed from the data."""
    driven = [e.name for e in WEIGHTING if not e.plugin and e.kind in ("objective", "optimised")]
    assert sorted(driven) == ["critic", "cv", "entropy", "optimal", "pca", "std"]
    for name in driven:
        assert [c for c in WEIGHTING[name].checks if c.name == "finite"] == [FINITE], name


@pytest.mark.parametrize("seed", range(6))
def test_a_shared_stack_is_checked_once_and_fails_as_the_materialised_one(seed):
    """The engine hands the kernels one matrix broadcast over G weight vectors (static children):
    ``check_data`` then checks its values once. Whatever the exclusions and the zero weights, it
    stops on the same (matrix, unit, indicator) with the same message as on the G copies."""
    import numpy as np

    from toolkit.methods.checks import BatchError
    from toolkit.methods.registry import AGGREGATION

    rng = np.random.default_rng(seed)
    G, m, k = 7, 5, 4
    one = rng.uniform(0.5, 2.0, (m, k))
    one[rng.random((m, k)) < 0.15] = 0.0  # zeros: geometric's "positive" rule
    weights = (rng.random((G, k)) < 0.7) * rng.uniform(0.1, 1.0, (G, k))
    excluded = rng.random((G, k)) < 0.2
    entry = AGGREGATION["geometric"]
    outcomes = []
    for C in (np.broadcast_to(one, (G, m, k)), one[None], np.repeat(one[None], G, axis=0)):
        try:
            entry.check_data(C, {"na": "error"}, weights=weights, excluded=excluded,
                             units=[f"u{i}" for i in range(m)], columns=list("abcd"))
            outcomes.append(None)
        except BatchError as exc:
            outcomes.append((exc.g, str(exc)))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    live = (weights > 0) & ~excluded & (one == 0).any(axis=0)
    assert (outcomes[2] is None) == (not live.any())  # it fails exactly when a checked child has a zero
    if outcomes[2] is not None:
        assert outcomes[2][0] == int(np.flatnonzero(live.any(axis=1))[0])


def test_static_children_are_certified_once_only_when_fewer_children_cannot_fail():
    """``steps.aggregation_checks`` certifies a node's static children when they pass with every
    child live and weighted (a value, column or matrix rule only looks at fewer children after an
    exclusion); never for a rule on the units' weighted statistics (MPI's positive unit means),
    which a left-out child can break."""
    import numpy as np

    from toolkit.index import steps

    C = np.array([[[1.0, 2.0], [3.0, 4.0], [2.0, 1.0]]])
    assert steps.aggregation_checks({"method": "geometric"}, C)
    assert not steps.aggregation_checks({"method": "geometric"}, np.where(C == 4.0, 0.0, C))  # a zero
    assert not steps.aggregation_checks({"method": "arithmetic"}, np.where(C == 4.0, np.nan, C))  # na: error
    assert not steps.aggregation_checks({"method": "mpi"}, C)  # per unit, weighted: checked every time
