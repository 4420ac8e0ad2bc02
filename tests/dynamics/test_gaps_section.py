"""The overview's section 差距与收敛 · Gaps and convergence: its four blocks, in both languages, with the chain's numbers."""

import pytest

import toolkit
from toolkit.dynamics.dagum import dagum_panel
from toolkit.framework.groupings import with_groupings
from toolkit.reports.bundle import Bundle, index_tables
from toolkit.reports.gaps import gaps_section
from toolkit.reports.index_page import OVERVIEW_SECTIONS

from ..conftest import ROOT


@pytest.fixture(scope="module")
def bundle():
    r = toolkit.build_index(toolkit.read_indicators(ROOT / "data" / "raw" / "demo_synthetic_returns.csv"))
    return Bundle(index_tables(r), {"synthetic": True}, r.framework)


def test_the_overview_shows_the_section():
    assert gaps_section in OVERVIEW_SECTIONS


@pytest.mark.parametrize("lang, words", [
    ("zh", ["差距与收敛", "基尼系数分解（按经济圈）", '<span lang="en">Dagum</span>', "各年得分的核密度", "2025 年的空间聚集（局部莫兰指数）", "等级转移矩阵"]),
    ("en", ["Gaps and convergence", "Dagum Gini decomposition by Economic circle", "Kernel density",
            "Spatial clusters (LISA), 2025", "Transition matrix"]),
])
def test_four_blocks_with_their_sentence(bundle, lang, words):
    html = gaps_section(bundle, 2025, lang)
    for word in words:
        assert word in html
    assert html.count("<p>") == 4 and html.count("<svg") == 3       # Dagum trend, density, map
    s = with_groupings(bundle.summary, bundle.framework.groupings).set_index(["unit_id", "year"])
    d = dagum_panel(s["INDEX"], s["circle"]).overall
    assert f"{d.loc[2024, 'gini']:.3f}" in html and f"{d.loc[2025, 'transvariation']:.4f}" in html


def test_nothing_without_a_grouping(bundle):
    hdi = Bundle(bundle.tables, bundle.meta, toolkit.load_framework("undp_hdi"))
    assert gaps_section(hdi, 2025, "zh") == ""
