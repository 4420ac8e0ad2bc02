"""``collect``'s correction rule (toolkit/data/corrections.py, docs/collect.md "The rules") on small rounds
cut from the bundled demo: by name, by column, with problems, chains of corrections whatever the
files' order, numbered corrections, and files that name each other."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.data.collect import correction_base
from toolkit.data.corrections import correction_number
from toolkit.data.round import collect as collect_data
from toolkit.reports.collection import collect

from .round_corpus import _csv, demo


def yantai(scale_row: int | None = None) -> tuple[list, list, list]:
    """烟台市's rows of the demo (5 brains × 5 years), with one L1P1 value times 1.1 when asked."""
    header, notice, rows = demo()
    mine = [list(r) for r in rows if r[2] == "烟台市"]
    if scale_row is not None:
        mine[scale_row][7] = str(float(mine[scale_row][7]) * 1.1)
    return header, notice, mine


def statuses(rnd) -> dict[str, tuple[str, str]]:
    return {r.name: (r.status, r.other) for r in rnd.returns}


def test_a_correction_declared_by_a_column_replaces_the_file_it_names(tmp_path):
    header, notice, rows = demo()
    mine = [r for r in rows if r[2] == "烟台市"]
    wrong = [list(r) for r in mine]
    wrong[0][7] = str(float(wrong[0][7]) * 2)
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "yantai_may.csv", header, notice, wrong)
    _csv(tmp_path / "r" / "yantai_june.csv", [*header, "corrects 更正的文件"], notice,
         [[*r, "yantai_may.csv"] for r in mine])
    rnd = collect(tmp_path / "r", tmp_path / "out", lang="en")
    status = {r.name: (r.status, r.other) for r in rnd.returns}
    assert status == {"yantai_june.csv": ("correction", "yantai_may.csv"),
                      "yantai_may.csv": ("replaced", "yantai_june.csv")}
    assert rnd.merged.conflicts == [] and "corrects" not in rnd.table.columns
    assert rnd.table["L1P1"].iloc[0] == pytest.approx(float(mine[0][7]))


def test_a_correction_with_problems_replaces_nothing(tmp_path):
    header, notice, rows = demo()
    mine = [r for r in rows if r[2] == "烟台市"]
    broken = [list(r) for r in mine]
    broken[0][7] = "abc"
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "烟台市.csv", header, notice, mine)
    _csv(tmp_path / "r" / "烟台市 (更正).csv", header, notice, broken)
    rnd = collect(tmp_path / "r", tmp_path / "out", lang="en")
    status = {r.name: r.status for r in rnd.returns}
    assert status == {"烟台市 (更正).csv": "invalid", "烟台市.csv": "collected"}
    assert "not applied" in rnd.returns[0].remarks[0][1]
    assert len(rnd.table) == len(mine)


@pytest.mark.parametrize("stem, base", [("济南市_更正", "济南市"), ("济南市（更正）", "济南市"), ("jinan-correction", "jinan"),
                                        ("jinan corrected 2", "jinan"), ("jinan (correction 2)", "jinan"),
                                        ("济南市修正", "济南市"), ("更正", None), ("济南市", None), ("corrections_list", None)])
def test_the_correction_name_rule(stem, base):
    assert correction_base(stem) == base



@pytest.mark.parametrize("stem, n", [("济南市_更正", 1), ("济南市_更正2", 2), ("jinan (correction 3)", 3), ("济南市", 0)])
def test_the_correction_number(stem, n):
    assert correction_number(stem) == n


def test_a_chain_of_corrections_by_column_keeps_only_the_latest_whatever_the_order(tmp_path):
    """May's return, June's naming May, July's naming June. The folder's order is July, June, May
    ("jul" < "jun"): before the fix July replaced June, then June was marked a correction again, so
    June and July were both merged and their differing value withheld the brain as a conflict."""
    header, notice, right = yantai()
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "yantai_may.csv", header, notice, yantai(0)[2])
    _csv(tmp_path / "r" / "yantai_june.csv", [*header, "corrects"], notice,
         [[*r, "yantai_may.csv"] for r in yantai(1)[2]])
    _csv(tmp_path / "r" / "yantai_july.csv", [*header, "corrects"], notice, [[*r, "yantai_june.csv"] for r in right])
    rnd = collect_data(tmp_path / "r", tmp_path / "out")
    assert [r.name for r in rnd.returns] == ["yantai_july.csv", "yantai_june.csv", "yantai_may.csv"]
    assert statuses(rnd) == {"yantai_july.csv": ("correction", "yantai_june.csv"),
                             "yantai_june.csv": ("replaced", "yantai_july.csv"),
                             "yantai_may.csv": ("replaced", "yantai_june.csv")}
    assert rnd.merged.conflicts == [] and rnd.exit_code == 0
    assert len(rnd.table) == 25 and set(rnd.table["source_file"]) == {"yantai_july.csv"}
    want = [float(r[7] or "nan") for r in sorted(right, key=lambda r: (r[0], r[6]))]
    np.testing.assert_allclose(rnd.table["L1P1"].to_numpy(float), want, rtol=1e-12)


def test_a_numbered_correction_replaces_the_earlier_correction(tmp_path):
    header, notice, right = yantai()
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "烟台市.csv", header, notice, yantai(0)[2])
    _csv(tmp_path / "r" / "烟台市_更正.csv", header, notice, yantai(1)[2])
    _csv(tmp_path / "r" / "烟台市_更正2.csv", header, notice, right)
    rnd = collect(tmp_path / "r", tmp_path / "out", lang="en")
    assert statuses(rnd) == {"烟台市.csv": ("replaced", "烟台市_更正2.csv"),
                             "烟台市_更正.csv": ("replaced", "烟台市_更正2.csv"),
                             "烟台市_更正2.csv": ("correction", "烟台市.csv / 烟台市_更正.csv")}
    assert rnd.merged.conflicts == [] and len(rnd.table) == 25
    assert set(rnd.table["source_file"]) == {"烟台市_更正2.csv"}


def test_files_naming_each_other_replace_nothing(tmp_path):
    """a.csv says it corrects b.csv and b.csv says it corrects a.csv: neither replaces the other (no
    file would be left); both are collected with a remark, and their differing value is a conflict."""
    header, notice, _ = yantai()
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "a.csv", [*header, "corrects"], notice, [[*r, "b.csv"] for r in yantai(0)[2]])
    _csv(tmp_path / "r" / "b.csv", [*header, "corrects"], notice, [[*r, "a.csv"] for r in yantai()[2]])
    rnd = collect_data(tmp_path / "r", tmp_path / "out")
    assert statuses(rnd) == {"a.csv": ("collected", ""), "b.csv": ("collected", "")}
    assert all("name each other" in r.remarks[0][1] for r in rnd.returns)
    first = yantai()[2][0]
    assert [(c["unit_id"], c["year"], c["file_a"], c["file_b"]) for c in rnd.merged.conflicts] == \
        [(first[0], int(first[6]), "a.csv", "b.csv")]
    assert rnd.merged.withheld == [first[0]] and len(rnd.table) == 20 and rnd.exit_code == 1


def test_a_file_with_problems_replaced_by_a_valid_correction_ends_well(tmp_path):
    """The office fixed its file: the round's exit code is 0; the earlier file's problems stay listed."""
    header, notice, right = yantai()
    broken = [list(r) for r in right]
    broken[0][7] = "abc"
    (tmp_path / "r").mkdir()
    _csv(tmp_path / "r" / "烟台市.csv", header, notice, broken)
    _csv(tmp_path / "r" / "烟台市_更正.csv", header, notice, right)
    rnd = collect_data(tmp_path / "r", tmp_path / "out")
    assert statuses(rnd) == {"烟台市.csv": ("replaced", "烟台市_更正.csv"),
                             "烟台市_更正.csv": ("correction", "烟台市.csv")}
    assert rnd.problems == 1 and rnd.exit_code == 0 and len(rnd.table) == 25
