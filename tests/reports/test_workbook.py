"""results.xlsx holds the numbers of build_index; CSVs open in Excel; problems.xlsx names cells."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from toolkit.cli import main
from toolkit.index.export import write_results
from toolkit.reports.workbook import header_letters, write_results_with_workbook

from ..xlsx_peek import number_format, sheet_names, sheet_rows, sheet_view
from .conftest import DEMO

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _sheet(path, title):
    """The sheet's header and rows (only this sheet is parsed: :mod:`tests.xlsx_peek`)."""
    rows = sheet_rows(path, title)
    return rows[0], rows[1:]


def _approx_all(cells: list, want: np.ndarray, keys: list) -> None:
    """``cells[i] == pytest.approx(want[i], rel=1e-14)`` for every i (pytest's tolerance: the larger
    of 1e-14 relative and 1e-12 absolute), checked in one numpy pass instead of one ``approx``
    object per cell (the indicator sheet alone has 11,000); a cell must be a number."""
    bad = [k for k, v in zip(keys, cells, strict=True) if type(v) not in (int, float)]
    assert not bad, f"not a number: {bad[:5]}"
    got = np.array(cells, dtype=float)
    off = ~(np.abs(got - want) <= np.maximum(1e-14 * np.abs(want), 1e-12))
    assert not off.any(), [(keys[i], got[i], want[i]) for i in np.flatnonzero(off)[:5]]


@pytest.mark.slow
def test_index_writes_results_xlsx_with_the_numbers_of_build_index(demo_result, tmp_path):
    r = demo_result
    paths = write_results_with_workbook(r, tmp_path, lang="zh")
    head, rows = _sheet(paths["xlsx"], "得分与排名")
    freeze, widths = sheet_view(paths["xlsx"], "得分与排名")
    assert freeze == "A2" and widths["B"] > 10
    col = {h: i for i, h in enumerate(head)}
    got = {(row[col["编号"]], row[col["年度"]]): row for row in rows}
    assert len(got) == len(r.composite)
    keys = list(r.composite.index)
    # the unrounded value, to Excel's 15 significant digits
    _approx_all([got[k][col["综合指数"]] for k in keys], r.composite.to_numpy(), keys)
    assert [got[k][col["排名"]] for k in keys] == r.rank.loc[keys].tolist()
    dims = r.dimension_scores.loc[keys]
    for d in r.framework.dimensions.index:
        name = f"{d} {r.framework.label(d, 'zh')}"
        _approx_all([got[k][col[name]] for k in keys], dims[d].to_numpy(), keys)
    assert number_format(paths["xlsx"], "得分与排名", 2, col["综合指数"] + 1) == "0.00"
    head, rows = _sheet(paths["xlsx"], "指标值")
    col = {h: i for i, h in enumerate(head)}
    norm = {(row[col["编号"]], row[col["年度"]], row[col["代码"]]): row[col["标准化得分"]] for row in rows}
    stacked = r.normalised.stack()
    assert len(norm) == len(stacked)
    _approx_all([norm[k] for k in stacked.index], stacked.to_numpy(), list(stacked.index))
    head, rows = _sheet(paths["xlsx"], "权重")
    eff = {row[1]: row[4] for row in rows if row[0] != "index"}
    for code, w in r.effective_weights.iloc[0].items():
        assert eff[code] == pytest.approx(w, rel=1e-14)
    titles = sheet_names(paths["xlsx"])
    assert titles[:7] == ["得分与排名", "指标值", "权重", "障碍度", "耦合协调度", "类型", "校验问题"]
    assert titles[7:] == ["基尼系数分解", "σ收敛", "β收敛", "等级转移矩阵", "莫兰指数"]   # the demo is a panel


@pytest.mark.slow
def test_scores_csv_has_a_bom_framework_order_and_rounding(demo_result, tmp_path):
    paths = write_results(demo_result, tmp_path)
    raw = paths["scores"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(paths["scores"], encoding="utf-8-sig", newline="") as fh:
        head, first = next(csv.reader(fh)), None
        first = next(csv.reader(fh))
    assert head.index("INDEX") < head.index("rank") < head.index("L1") < head.index("L2") < head.index("L5")
    decimals = [len(v.split(".")[1]) for v in first if v.replace(".", "", 1).isdigit() and "." in v]
    assert decimals and max(decimals) <= 6


def test_validate_out_writes_problems_with_excel_column_letters(demo_rows, tmp_path):
    from ..conftest import write_csv

    header, rows = demo_rows
    rows = [list(r) for r in rows[:4]]
    rows[2][8] = "abc"  # spreadsheet row 4 (header is row 1), 9th column = I
    bad = write_csv(tmp_path / "bad.csv", header, rows)
    out = tmp_path / "problems.xlsx"
    assert main(["validate", str(bad), "--out", str(out), "--lang", "en"]) == 1
    head, got = _sheet(out, "Problems")
    col = {h: i for i, h in enumerate(head)}
    hit = [g for g in got if g[col["Column (code)"]] == header[8].split()[0]]
    assert hit and hit[0][col["Excel column"]] == "I" and hit[0][col["Cell"]] == "I4"
    assert main(["validate", str(bad), "--out", str(tmp_path / "p.csv")]) == 2  # not an .xlsx


def test_header_letters_follow_the_file():
    letters = header_letters(DEMO)
    assert letters["unit_id"] == "A" and letters["year"] == "G" and letters["L1P1"] == "H"
    assert np.all([len(v) <= 2 for v in letters.values()])


def _first_sheet_rows(path):
    """The first sheet's title, rows and frozen pane (only that sheet is parsed)."""
    return sheet_names(path)[0], sheet_rows(path, 0), sheet_view(path, 0)[0]


@pytest.fixture(scope="module")
def bundle_workbooks(demo_bundle, tmp_path_factory):
    """``results.xlsx`` of the demo's bundle per language, written once for the tests below (they
    only read it)."""
    from toolkit.reports.workbook import write_workbook

    folder, made = tmp_path_factory.mktemp("bundle_workbooks"), {}

    def get(lang):
        if lang not in made:
            made[lang] = write_workbook(demo_bundle, folder / f"r-{lang}.xlsx", lang)
        return made[lang]
    return get


@pytest.mark.slow
def test_synthetic_note_heads_the_first_sheet_of_the_demo_and_only_of_the_demo(demo_bundle, bundle_workbooks,
                                                                               demo_rows, tmp_path):
    from toolkit.reports.text import t

    from ..conftest import write_csv

    # reports: the bundle of the bundled demo (synthetic, as its pages say)
    assert demo_bundle.synthetic
    title, rows, freeze = _first_sheet_rows(bundle_workbooks("zh"))
    assert title == "得分与排名" and rows[0][0] == t("synthetic", "zh") and "模拟数据" in rows[0][0]
    assert rows[1][:2] == ("编号", "产业大脑") and freeze == "A3"
    assert len(rows) == 2 + len(demo_bundle.summary)
    # index: the demo file says so; rows of it without its "# SYNTHETIC" line are a real return. Only
    # that line decides (IndicatorData.is_synthetic reads the file's notes), so the real return holds
    # the first 12 of the 50 brains, all five years (a panel, so every dynamics sheet is there too):
    # its workbook is written in a quarter of the time of the whole demo's
    header, data = demo_rows
    first = list(dict.fromkeys(r[0] for r in data))[:12]
    real = write_csv(tmp_path / "real.csv", header, [r for r in data if r[0] in first])
    titles = {}
    for src, out, synthetic in ((DEMO, tmp_path / "demo", True), (real, tmp_path / "real", False)):
        assert main(["index", str(src), "--out", str(out), "--lang", "en"]) == 0
        _, rows, freeze = _first_sheet_rows(out / "results.xlsx")
        flat = " ".join(str(v) for row in rows for v in row if v is not None)
        assert ("SYNTHETIC DATA" in flat) is synthetic, src
        assert rows[1 if synthetic else 0][0] == "Unit id" and freeze == ("A3" if synthetic else "A2")
        dynamics = {"Dagum Gini", "Sigma convergence", "Beta convergence", "Markov transitions", "Moran's I"}
        titles[synthetic] = sheet_names(out / "results.xlsx")
        assert dynamics <= set(titles[synthetic])
        for title in titles[synthetic][1:]:
            # the other index sheets start at the header; the dynamics chain's sheets (issue 23) open with
            # the note, then the line saying what they hold (only the first row of each is parsed)
            first = sheet_rows(out / "results.xlsx", title, limit=1)[0][0]
            assert (first == t("synthetic", "en")) is (synthetic and title in dynamics), title
    assert titles[True] == titles[False]  # the same sheets, with the note or without


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_types_are_the_pages_types(demo_bundle, bundle_workbooks, lang):
    from toolkit.reports import standing

    path = bundle_workbooks(lang)
    head, rows = _sheet(path, "类型" if lang == "zh" else "Types")
    col = {h: i for i, h in enumerate(head)}
    unit, year, typ = (col[k] for k in (("编号", "年度", "类型") if lang == "zh" else ("Unit id", "Year", "Type")))
    assert len(rows) == len(demo_bundle.summary)
    fw = demo_bundle.framework
    dims = [n.code for n in fw.nodes(fw.dimension_level or fw.levels[1])]
    for row in rows:
        assert row[typ] == standing.type_label(demo_bundle, row[unit], lang, row[year])  # what the profile shows
    if lang == "zh":  # and, independently: the top-quarter words are the dimensions at percentile >= 75
        s = demo_bundle.summary
        pct = s.groupby("year")[dims].rank(method="max", pct=True) * 100
        checked = 0
        for row in rows:
            i = s.index[(s["unit_id"] == row[unit]) & (s["year"] == row[year])][0]
            strong = {fw.node(d).short("zh") for d in dims if pct.loc[i, d] >= 75}
            label = row[typ]
            said = set(label.split("居前四分之一")[0].split("、")) if "居前四分之一" in label else set()
            if strong and len(strong) < len(dims):
                assert said == strong, row
                checked += 1
        assert checked > 10
    assert not any("全面领先型" in str(v) for row in rows for v in row)  # the old cluster labels are gone
