"""The schema derived from the framework, and the one report of every problem."""

from __future__ import annotations

import pytest

from toolkit import ValidationError, read_indicators
from toolkit.data.validate import build_schema

from ..conftest import col


def break_six_ways(header, rows):
    """The six errors of issue #2, one per data row (spreadsheet rows 2..7)."""
    rows[0][col(header, "L1P1")] = "abc"                      # row 2: text in a number cell
    rows[2][col(header, "unit_id")] = rows[1][col(header, "unit_id")]
    rows[2][col(header, "year")] = rows[1][col(header, "year")]  # row 4: duplicate unit-year
    rows[3][col(header, "L1P3")] = "130"                      # row 5: share of 130
    rows[4][col(header, "L1P7")] = "-2"                       # row 6: negative count
    rows[5][col(header, "L1P5")] = "100"
    rows[5][col(header, "L1P6")] = "150"                      # row 7: L1P6 > L1P5
    header.append("备注")                                     # unknown column (header row 1)
    for r in rows:
        r.append("")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_one_broken_file_yields_all_six_errors_in_one_report(make_return, encoding):
    path = make_return(edit=break_six_ways, encoding=encoding)
    with pytest.raises(ValidationError) as err:
        read_indicators(path)
    rep = err.value.report
    got = set(zip(rep["row"].astype(int), rep["column"], rep["rule_code"], strict=True))
    assert got == {
        (1, "备注", "unknown_column"),
        (2, "L1P1", "not_a_number"),
        (4, "unit_id", "duplicate_unit_year"),
        (5, "L1P3", "share_range"),
        (6, "L1P7", "non_negative"),
        (7, "L1P6", "cross_field"),
    }
    assert (rep["file"] == str(path)).all()
    assert rep.loc[rep.rule_code == "not_a_number", "value"].item() == "abc"
    assert rep.loc[rep.rule_code == "share_range", "value"].item() == "130"
    assert rep.loc[rep.rule_code == "cross_field", "value"].item() == "150 > 100"
    zh = err.value.report_in("zh")
    assert "不能为负数" in " ".join(zh["message"]) and "must not be negative" in " ".join(rep["message"])
    assert "first at row 3" in rep.loc[rep.rule_code == "duplicate_unit_year", "message"].item()


@pytest.mark.parametrize("code, value, rule", [
    ("L1P2", "2.5", "not_integer"),
    ("L5P1", "4", "rubric_level"),
    ("L3P1_G2", "2", "binary"),
    ("L2P2", "-0.1", "non_negative"),
    ("L1P4", "-1%", "share_range"),
    ("city_code", "371200", "city_code"),      # 莱芜, abolished in 2019
    ("city_code", "110000", "city_code"),
    ("year", "1990", "year_range"),
    ("unit_id", "", "required_value"),
    ("L1P9", "99999", "cross_field"),          # chain leaders' output above industry scale
])
def test_each_rule(make_return, code, value, rule):
    def edit(header, rows):
        rows[0][col(header, code)] = value
    with pytest.raises(ValidationError) as err:
        read_indicators(make_return(n=2, edit=edit))
    rep = err.value.report
    assert list(rep["rule_code"]) == [rule], rep.to_string()
    assert rep["row"].iloc[0] == 2


def test_city_name_must_match_code(make_return):
    def edit(header, rows):
        rows[0][col(header, "city")] = "青岛" if rows[0][col(header, "city_code")] != "370200" else "济南"
    with pytest.raises(ValidationError) as err:
        read_indicators(make_return(n=1, edit=edit))
    assert list(err.value.report["rule_code"]) == ["city_mismatch"]


def test_unparseable_cell_is_reported_once(make_return):
    def edit(header, rows):
        rows[0][col(header, "year")] = "去年"
    with pytest.raises(ValidationError) as err:
        read_indicators(make_return(n=1, edit=edit))
    assert len(err.value.report) == 1


def test_schema_is_derived_from_the_framework(fw):
    schema = build_schema(fw)
    assert set(fw.columns) <= set(schema.columns)
    checks = {c: [k.name for k in schema.columns[c].checks] for c in ("L1P1", "L1P2", "L1P3", "L5P1", "L3P1_E1")}
    assert checks == {"L1P1": ["non_negative"], "L1P2": ["non_negative", "not_integer"],
                      "L1P3": ["share_range"], "L5P1": ["rubric_level"], "L3P1_E1": ["binary"]}
    assert schema.strict


def test_error_message_summarises(make_return):
    with pytest.raises(ValidationError) as err:
        read_indicators(make_return(edit=break_six_ways))
    text = str(err.value)
    assert "6 problems found" in text and "row 2, column L1P1, value 'abc'" in text
