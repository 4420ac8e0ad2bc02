"""Issue #11: CI never fails by chance — property tests run derandomised when ``CI`` is set."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import ROOT

SEEN: list[int] = []


def test_ci_profile_is_derandomised():
    code = ("import os, tests.conftest; from hypothesis import settings; s = settings.default; "
            "print(s.derandomize, s.database is None, s.deadline)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "CI": "1", "HYPOTHESIS_PROFILE": ""}, check=True).stdout.split()
    assert out == ["True", "True", "None"]


def test_ci_profile_gives_the_same_examples_every_run():
    runs = []
    for _ in range(2):
        SEEN.clear()
        settings(settings.get_profile("ci"), max_examples=20)(given(st.integers())(lambda x: SEEN.append(x)))()
        runs.append(list(SEEN))
    assert runs[0] == runs[1] and len(runs[0]) >= 5
