"""Issue 20: following the spec from ``uncertainty()`` enters each module at most once.

The spec is loaded once, checked once by the uncertainty spec, compiled once into a plan per
data path (:func:`toolkit.index.plan.compile_plan`), and from then on ``build_index``
(:func:`toolkit.index.build.run_plan`) and the engine run plans. The measurement is the
benchmark's (``benchmarks/spec_stops.py``, which prints the figures): a *stop* is a toolkit call
that receives the spec; consecutive stops in one file are one visit; a module visited twice
means the spec went back to it. Both ways in are followed: the spec given to ``uncertainty()``,
and ``spec=None``, where the nominal spec is the uncertainty file's ``spec:`` entry.
"""

from __future__ import annotations

import importlib.util

import pytest

from ..conftest import ROOT


def _benchmark():
    spec = importlib.util.spec_from_file_location("spec_stops", ROOT / "benchmarks" / "spec_stops.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_measure_sees_a_module_entered_twice():
    """The checker itself: a planted return to a file is counted."""
    s = _benchmark().summary([("a.py", "f"), ("a.py", "g"), ("b.py", "h"), ("a.py", "k")])
    assert (s["stops"], s["files"], s["visits"], s["returns"]) == (4, 2, 3, 1)
    assert dict(s["visits per file"]) == {"a.py": 2, "b.py": 1}


@pytest.mark.parametrize("given", [True, False], ids=["spec-given", "spec-from-uncertainty-file"])
def test_the_spec_enters_each_module_at_most_once(given):
    bench = _benchmark()
    stops = bench.follow(4, bench.DEFAULT_SPEC if given else None)
    s = bench.summary(stops)
    again = {f: k for f, k in s["visits per file"] if k > 1}
    assert not again, f"modules the spec entered more than once: {again}; call sites: {list(dict.fromkeys(stops))}"
    assert s["returns"] == 0
    files = {f for f, _ in stops}
    # the spec is compiled in the plan, and neither the steps nor the engine see it
    assert "toolkit/index/plan.py" in files
    assert not files & {"toolkit/index/steps.py", "toolkit/index/node_steps.py", "toolkit/robustness/engine.py", "toolkit/index/spec_checks.py"}
    # the uncertainty spec is checked against the nominal spec, whichever way it came in
    assert "toolkit/robustness/factors.py" in files
