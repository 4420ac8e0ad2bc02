"""Fixtures of the robustness tests: the demo data and the default specification for 2025."""

from __future__ import annotations

import pytest

import toolkit

from ..conftest import DEMO_CSV, ROOT


@pytest.fixture(scope="module")
def demo():
    return toolkit.read_indicators(DEMO_CSV)


@pytest.fixture(scope="module")
def spec2025():
    return toolkit.load_spec(ROOT / "configs" / "default.yaml").replace({"years": [2025]})
