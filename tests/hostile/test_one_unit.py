"""Issue #19: data holding one unit under data-driven weights.

Before, a return holding one brain stopped deep in a method ("entropy: no indicator carries
information …; weights are undefined"). Now the check runs once where the spec meets the data
(``toolkit.index.build.check_units_for_weights``) and says that the data hold one unit and that
data-driven weights need at least two, naming the weights and their method.
"""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit
from toolkit.errors import DataError
from toolkit.index.build import check_units_for_weights
from toolkit.index.plan import compile_plan, data_driven_weights
from toolkit.methods.registry import WEIGHTING

from .corpus import DEMO_CSV, SPEC
from .guard_cases import Case, run, tree

DRIVEN = sorted(name for name in WEIGHTING.names if WEIGHTING.get(name).data_driven)


def _rows(units: list[str], years=(2024, 2025)) -> list[str]:
    lines = DEMO_CSV.read_text("utf-8").splitlines()
    head = [ln for ln in lines if not ln.startswith("SD-")]
    return head + [ln for ln in lines if ln.split(",", 1)[0] in units and ln.split(",")[6] in map(str, years)]


def _plan(changes: dict):
    """The plan of the hostile corpus's spec with ``changes`` (sections replaced whole)."""
    return compile_plan(toolkit.load_spec({**toolkit.load_spec(SPEC).to_dict(), **changes}))


def _index(keys) -> pd.MultiIndex:
    return pd.MultiIndex.from_tuples(keys, names=["unit_id", "year"])


def test_every_data_driven_method_is_found():
    assert len(DRIVEN) >= 5 and "entropy" in DRIVEN and "equal" not in DRIVEN
    for method in DRIVEN:
        assert data_driven_weights({"dimension": {"method": method}}) == [("weights.dimension", method)]


@pytest.mark.parametrize("method", DRIVEN)
def test_one_unit_is_refused_for_each_data_driven_method(method):
    spec = {"weights": {**toolkit.load_spec(SPEC).to_dict()["weights"], "dimension": {"method": method}}}
    with pytest.raises(DataError, match=rf"r\.csv: the data hold one unit \(SD-B007\); data-driven weights need "
                                        rf"at least two units.*weights\.dimension is '{method}'"):
        check_units_for_weights(_index([("SD-B007", 2024), ("SD-B007", 2025)]), _plan(spec), "r.csv")


@pytest.mark.parametrize(("keys", "scope", "words"), [
    ([("A", 2025)], "pooled", "the data hold one unit (A)"),  # one row
    ([("A", 2024), ("A", 2025)], "pooled", "the data hold one unit (A)"),  # one unit, two years
    ([("A", 2024), ("B", 2024), ("A", 2025)], "per_year", "year 2025 holds one unit (A) (panel.scope is per_year"),
    ([], "pooled", "the data hold no unit"),
])
def test_variants(keys, scope, words):
    plan = _plan({"weights": {"index": {"method": "combine", "of": [{"method": "equal"}, {"method": "critic"}]}},
                  "panel": {"scope": scope}})
    with pytest.raises(DataError) as info:
        check_units_for_weights(_index(keys), plan, "r.csv")
    assert words in str(info.value) and "weights.index.of[1] is 'critic'" in str(info.value)


def test_two_units_or_fixed_weights_pass():
    two = _index([("A", 2024), ("B", 2024)])
    check_units_for_weights(two, _plan({}), "r.csv")
    one = _index([("A", 2024)])
    check_units_for_weights(one, _plan({"weights": {"dimension": {"method": "equal"}}}), "r.csv")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_line_says_so(lang, tmp_path, monkeypatch):
    """The issue's case: a return holding one brain, indexed under the default spec (entropy)."""
    monkeypatch.setenv("TOOLKIT_LOCK_DIR", str(tmp_path.parent / f"{tmp_path.name}-locks"))
    (tmp_path / "one.csv").write_text("\n".join(_rows(["SD-B001"])) + "\n", encoding="utf-8")
    before = tree(tmp_path)
    code, text = run(Case(["index", "one.csv", "--out", "out", "--lang", lang], tmp_path, ()), tmp_path)
    assert code == 1 and "Traceback" not in text
    assert "one.csv" in text and "SD-B001" in text and "'entropy'" in text, text
    assert ("the data hold one unit" in text and "at least two" in text) if lang == "en" else "至少需要两个单位" in text
    assert "weights are undefined" not in text
    assert tree(tmp_path) == before
    # the same brain with fixed weights builds
    (tmp_path / "eq.yaml").write_text("name: eq\nweights:\n  dimension: {method: equal}\n", encoding="utf-8")
    code, text = run(Case(["index", "one.csv", "--spec", "eq.yaml", "--out", "out", "--lang", lang], tmp_path, ()),
                      tmp_path)
    assert code == 0, text
