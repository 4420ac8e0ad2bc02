"""The chain finds what the demo generator planted (toolkit/data/demo.py): growth, the laggards' catch-up
(GROWTH − CATCH_UP × level, CATCH_UP > 0: σ falls and β < 0) and the one-year shock to one circle
(SHOCK: amounts × 0.75, counts × 0.80 in 2023, then growth resumes from the unshocked values)."""

import pytest

import toolkit
from toolkit.data.demo import CATCH_UP, GROWTH, SHOCK
from toolkit.dynamics import beta_convergence, build_panel, dagum_panel, sigma_convergence

from ..conftest import ROOT

YEAR = SHOCK["year"]


@pytest.fixture(scope="module")
def panel():
    """The committed demo's panel, pooled (as notebook 07 and the overview build it)."""
    return build_panel(toolkit.read_indicators(ROOT / "data" / "raw" / "demo_synthetic_returns.csv"),
                       "configs/default.yaml")


def test_the_planted_parameters_are_a_catch_up_and_a_drop():
    """The expectations below follow from these signs, not from the outputs."""
    assert GROWTH > 0 and CATCH_UP > 0 and SHOCK["amount"] < 1 and SHOCK["count"] < 1


def test_every_year_is_there_and_the_index_grows(panel):
    mean = panel.table.groupby("year")["composite"].mean()
    assert mean.index.tolist() == [2021, 2022, 2023, 2024, 2025]
    assert mean[2025] > mean[2021]          # growth: GROWTH > 0


def test_sigma_falls(panel):
    """Laggards grow faster (CATCH_UP > 0): the dispersion falls, every measure's trend significantly."""
    s = sigma_convergence(panel.values())
    assert s.table["cv"].iloc[-1] < s.table["cv"].iloc[0]
    assert (s.trend["slope"] < 0).all() and (s.trend["p"] < 0.05).all() and s.trend["converging"].all()


def test_beta_is_negative_and_significant(panel):
    b = beta_convergence(panel.values())
    assert b["span"] == 4 and b["n"] == 50
    assert b["beta"] < 0 and b["p"] < 0.05 and b["t"] < -2
    assert b["speed"] > 0 and b["half_life"] > 0


def test_the_shock_year_is_a_drop_of_that_circle_only(panel):
    by = panel.table.groupby(["circle", "year"])["composite"].mean().unstack()
    hit = SHOCK["circle"]
    assert by.loc[hit, YEAR] < by.loc[hit, YEAR - 1]                # the shocked circle drops …
    others = by.drop(index=hit)
    assert (others[YEAR] > others[YEAR - 1]).all()                  # … the others keep growing
    assert by.loc[hit, YEAR + 1] > by.loc[hit, YEAR - 1]            # one year: growth resumes unshocked
    # brain by brain: (nearly) every brain of the circle falls in the shock year, (nearly) no other
    w = panel.table.pivot(index="unit_id", columns="year", values="composite")
    circle = panel.table.drop_duplicates("unit_id").set_index("unit_id")["circle"]
    fell = w[YEAR] < w[YEAR - 1]
    assert fell[circle == hit].mean() > 0.9 and fell[circle != hit].mean() < 0.1


def test_the_shock_shows_in_the_between_circle_gap(panel):
    """The shocked circle is the richest (胶东: 青岛, 烟台, 潍坊): its drop narrows the gap between circles
    that year, and the gap widens again the next."""
    d = dagum_panel(panel.values(), panel.groups("circle")).overall
    assert d.loc[YEAR, "between"] < d.loc[YEAR - 1, "between"] and d.loc[YEAR + 1, "between"] > d.loc[YEAR, "between"]
