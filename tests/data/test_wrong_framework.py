"""A return read against the wrong framework gets one message saying so, not one problem per
column and row (the HDI file validated against the Shandong framework gave 1,218); and the
command line prints at most ``MAX_PRINTED`` problems, counting the rest."""

from __future__ import annotations

import csv

import pytest

from toolkit import ValidationError, read_indicators
from toolkit.cli import MAX_PRINTED, main

from ..conftest import DEMO_CSV, ROOT, col

HDI_CSV = ROOT.parent / "shared" / "data" / "hdi" / "hdr2023_24_hdi_2022.csv"


def _rules(path, framework=None):
    with pytest.raises(ValidationError) as err:
        read_indicators(path, framework)
    return err.value.report


@pytest.mark.skipif(not HDI_CSV.is_file(), reason=f"published HDI data not found at {HDI_CSV}")
def test_the_hdi_file_against_the_shandong_framework_is_one_message():
    rep = _rules(HDI_CSV)
    assert rep["rule_code"].value_counts().to_dict() == {"unknown_column": 8, "wrong_framework": 1}
    msg = rep.loc[rep["rule_code"] == "wrong_framework", "message"].iloc[0]
    assert "none of the 45 indicator columns of framework shandong_industrial_brain" in msg
    assert "--framework" in msg


def test_the_demo_against_the_hdi_framework_is_one_message():
    rep = _rules(DEMO_CSV, "undp_hdi")
    assert (rep["rule_code"] == "wrong_framework").sum() == 1
    assert not (rep["rule_code"].isin(["missing_column", "required_value"])).any()
    assert "framework undp_hdi" in rep.loc[rep["rule_code"] == "wrong_framework", "message"].iloc[0]


def test_one_indicator_column_matching_is_not_the_wrong_framework(tmp_path):
    """The rule fires only when no indicator matches: a return that lost most columns still
    gets each missing column named."""
    rows = list(csv.reader(DEMO_CSV.read_text("utf-8-sig").splitlines()))
    keep = [i for i, h in enumerate(rows[0]) if not h.startswith("L") or h.startswith("L1P1 ")]
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[r[i] for i in keep if i < len(r)] for r in rows])
    rep = _rules(path)
    assert "wrong_framework" not in set(rep["rule_code"])
    assert (rep["rule_code"] == "missing_column").sum() == 44  # 45 indicator columns less L1P1


def test_the_screen_shows_at_most_max_printed_problems_and_counts_the_rest(tmp_path, capsys):
    rows = list(csv.reader(DEMO_CSV.read_text("utf-8-sig").splitlines()))
    j = col(rows[0], "L1P1")
    data = [r for r in rows[1:] if not r[0].startswith("#")]
    for r in data:
        r[j] = "n/a?"  # 250 bad cells (50 brains × 5 years)
    other = col(rows[0], "L1P2")
    for r in data[:30]:
        r[other] = "x"  # 30 more
    path = tmp_path / "r.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *data])
    assert main(["validate", str(path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"{250 + 30} problems found" in err
    body = [ln for ln in err.splitlines() if ln.lstrip()[:1].isdigit()]
    assert len(body) == MAX_PRINTED
    assert f"… and {280 - MAX_PRINTED} more problems not shown" in err and "--out problems.xlsx" in err
