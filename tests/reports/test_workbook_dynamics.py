"""results.xlsx holds the dynamics chain (issue 23): every cell is what toolkit.dynamics gives when
called directly on the run's composite, with the synthetic-data note on every dynamics sheet."""

from __future__ import annotations

import openpyxl
import pytest

from toolkit.dynamics.boundaries import read_polygons
from toolkit.dynamics.convergence import beta_convergence, sigma_convergence
from toolkit.dynamics.dagum import dagum_panel
from toolkit.dynamics.markov import markov_chain
from toolkit.dynamics.spatial import moran, queen_weights, weights_among
from toolkit.framework.groupings import with_groupings
from toolkit.reports.bundle import Bundle
from toolkit.reports.text import t
from toolkit.reports.workbook import write_sheets
from toolkit.reports.workbook_dynamics import dynamics_sheets

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SHEETS = {"zh": ["基尼系数分解", "σ收敛", "β收敛", "等级转移矩阵", "莫兰指数"],
          "en": ["Dagum Gini", "Sigma convergence", "Beta convergence", "Markov transitions", "Moran's I"]}


@pytest.fixture(scope="module")
def book(panel_bundle, tmp_path_factory):
    """The English dynamics sheets, written as ``write_workbook`` writes them after the index sheets
    (which tests/reports/test_workbook.py checks; the Chinese sheets are checked as DataFrames)."""
    path = tmp_path_factory.mktemp("xlsx") / "results.xlsx"
    return openpyxl.load_workbook(write_sheets(dynamics_sheets(panel_bundle, "en"), path, note=t("synthetic", "en")))


def _table(ws, top: int):
    rows = list(ws.iter_rows(values_only=True))
    head = rows[top]
    return {h: [r[j] for r in rows[top + 1:]] for j, h in enumerate(head)}, rows[:top]


@pytest.fixture(scope="module")
def direct(panel_bundle):
    s = with_groupings(panel_bundle.summary, panel_bundle.framework.groupings).set_index(["unit_id", "year"])
    return s["INDEX"].astype(float), s


def test_every_dynamics_sheet_opens_with_the_note_and_what_it_holds(book, panel_bundle):
    assert book.sheetnames == SHEETS["en"]
    for title in SHEETS["en"]:
        ws = book[title]
        assert ws["A1"].value == t("synthetic", "en") and ws["A1"].font.color.rgb.endswith("CC0000")
        assert ws["A2"].value and ws.freeze_panes == "A4"
    zh = dynamics_sheets(panel_bundle, "zh")
    assert list(zh) == SHEETS["zh"] and all(note for *_, note in zh.values())


def test_dagum_sigma_beta_cells_are_the_direct_calls(book, direct, panel_bundle):
    y, s = direct
    d = dagum_panel(y, s["circle"]).overall
    col, notes = _table(book["Dagum Gini"], 2)
    assert "Economic circle" in notes[1][0]
    assert col["Year"] == [2021, 2022, 2023, 2024, 2025]
    for head, key in (("Overall Gini G", "gini"), ("Within G_w", "within"), ("Net between G_nb", "between"),
                      ("Transvariation G_t", "transvariation"), ("Share between", "share_between")):
        assert col[head] == pytest.approx(d[key].tolist(), rel=1e-12)
    # the identity the sheet's note states: G = G_w + G_nb + G_t in every row
    assert [a + b + c for a, b, c in zip(col["Within G_w"], col["Net between G_nb"], col["Transvariation G_t"],
                                         strict=True)] == pytest.approx(col["Overall Gini G"], rel=1e-12)
    sig = sigma_convergence(y).table
    zh = dynamics_sheets(panel_bundle, "zh")["σ收敛"][0]
    assert zh["变异系数"].tolist() == pytest.approx(sig["cv"].tolist(), rel=1e-12)
    assert zh["基尼系数"].tolist() == pytest.approx(sig["gini"].tolist(), rel=1e-12)
    col, _ = _table(book["Sigma convergence"], 2)
    assert col["SD of logs"] == pytest.approx(sig["sd_log"].tolist(), rel=1e-12)
    assert col["Units"] == [50] * 5
    b = beta_convergence(y)
    col, _ = _table(book["Beta convergence"], 2)
    got = dict(zip(col["Measure"], col["Value"], strict=True))
    assert got["β"] == pytest.approx(b["beta"], rel=1e-12) and got["Standard error"] == pytest.approx(b["se"], rel=1e-12)
    assert got["Speed θ (per year)"] == pytest.approx(b["speed"], rel=1e-12, nan_ok=True)
    assert got["Half-life (years)"] == pytest.approx(b["half_life"], rel=1e-12, nan_ok=True)
    assert got["Span (years)"] == 4 and got["Units"] == 50


def test_markov_and_moran_cells_are_the_direct_calls(book, direct, panel_bundle):
    y, s = direct
    m = markov_chain(y, k=4)
    col, _ = _table(book["Markov transitions"], 2)
    assert col["From class"] == ["Q1", "Q2", "Q3", "Q4"]
    for c in ("Q1", "Q2", "Q3", "Q4"):
        assert col[c] == pytest.approx(m.P[c].tolist(), rel=1e-12)
    assert col["Transitions counted"] == m.counts.sum(axis=1).tolist() and sum(col["Transitions counted"]) == 50 * 4
    # scores that grow every year leave the top class absorbing: no unique steady state, blank cells
    steady = [float("nan") if v is None else v for v in col["Steady state"]]
    assert steady == pytest.approx(m.steady_state.tolist(), rel=1e-9, nan_ok=True)
    geo = panel_bundle.framework.geography[0]
    w = queen_weights(read_polygons(geo.polygons, geo.id_property), geo.id_property)
    col, _ = _table(book["Moran's I"], 2)
    for i, year in enumerate(col["Year"]):
        regional = s.xs(year, level="year").groupby("city_code")["INDEX"].mean()
        regional.index = regional.index.astype(str)
        r = moran(regional, weights_among(w, list(regional.index)), permutations=999, seed=0)
        assert col["Moran's I"][i] == pytest.approx(r["I"], rel=1e-12)
        assert col["p (permutations)"][i] == pytest.approx(r["p_sim"], rel=1e-12)
        assert col["Regions"][i] == r["n"] == regional.size


def test_no_dynamics_sheets_for_one_year_or_without_a_grouping(panel_bundle):
    import toolkit

    one = Bundle({**panel_bundle.tables, "summary": panel_bundle.summary[panel_bundle.summary["year"] == 2025]},
                 {}, panel_bundle.framework)
    hdi = Bundle(panel_bundle.tables, {}, toolkit.load_framework("undp_hdi"))
    assert dynamics_sheets(one, "en") == {} and dynamics_sheets(hdi, "zh") == {}


def test_a_statistic_undefined_for_the_scores_leaves_out_its_sheet_and_block_only(panel_bundle):
    """z-scores (negative composites): no Dagum Gini (it needs values ≥ 0) and no Gini in σ; β on the
    units positive in both years only (the others counted as left out); the transition matrix and
    Moran's I are still there, on the workbook and on the overview."""
    import numpy as np

    from toolkit.reports.gaps import gaps_section

    s = panel_bundle.summary.copy()
    s["INDEX"] = (s["INDEX"] - s["INDEX"].mean()) / s["INDEX"].std()
    z = Bundle({**panel_bundle.tables, "summary": s}, {}, panel_bundle.framework)
    sheets = dynamics_sheets(z, "en")
    assert list(sheets) == ["Sigma convergence", "Beta convergence", "Markov transitions", "Moran's I"]
    assert np.isnan(sheets["Sigma convergence"][0]["Gini"]).all()
    beta = dict(sheets["Beta convergence"][0].to_numpy())
    assert beta["Units left out"] > 0 and beta["Units"] + beta["Units left out"] == 50
    html = gaps_section(z, 2025, "en")
    assert "Transition matrix" in html and "Moran" in html and "Dagum" not in html
