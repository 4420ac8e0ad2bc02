"""The schema derived from the framework, and the one report of every problem."""

from __future__ import annotations

import pytest

from toolkit import ValidationError, read_indicators
from toolkit.data.schema_pass import failing_part, quick_pass
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


def test_the_quick_verdict_never_passes_what_pandera_fails(fw, demo_table):
    """``check_frame`` skips pandera when :func:`quick_pass` says every check holds (issue 25): on
    the demo both pass, and on each broken copy — a value against each kind of rule, a wrong dtype,
    a column missing or added, a frame-wide rule — pandera fails and the quick verdict is no; and
    pandera on the failing part of the schema (what ``check_frame`` runs) finds the same failures."""
    import numpy as np
    import pandera.pandas as pa

    typed = demo_table[[c.name for c in fw.unit_columns] + fw.columns].head(12).copy()
    typed.index = typed.index + 3
    schema = build_schema(fw)
    assert quick_pass(typed, schema)
    schema.validate(typed.copy(), lazy=True)  # pandera agrees: nothing to report

    def edited(column, value, row=0):
        def edit(d):
            d[column] = d[column].astype(object) if not isinstance(value, float) else d[column]
            d.iloc[row, d.columns.get_loc(column)] = value
            return d
        return edit

    broken = {
        "negative amount": edited("L1P1", -5.0), "fractional count": edited("L1P2", 2.5),
        "share of 130": edited("L1P3", 130.0), "rubric level 9": edited("L5P1", 9.0),
        "checklist 2": edited("L3P1_E1", 2.0), "cross-field rule": edited("L1P6", 1e9, row=1),  # row 0 leaves L1P5 blank
        "year out of range": lambda d: d.assign(year=d["year"].where(d.index != 3, 1899)),
        "unknown city code": edited("city_code", "371200"), "required id missing": edited("unit_id", None),
        "duplicate unit-year": lambda d: d.assign(unit_id=d["unit_id"].where(d.index != 4, d.at[3, "unit_id"]),
                                                  year=d["year"].where(d.index != 4, d.at[3, "year"])),
        "integers where floats": lambda d: d.assign(L1P2=np.arange(len(d))),
        "a column missing": lambda d: d.drop(columns="L1P1"),
        "a column added": lambda d: d.assign(extra=1.0),
    }
    def cases(s, d):
        with pytest.raises(pa.errors.SchemaErrors) as err:
            s.validate(d.copy(), lazy=True)
        f = err.value.failure_cases
        return sorted(map(str, zip(f["check"], f["column"], f["index"], f["failure_case"], strict=True)))

    for what, edit in broken.items():
        d = edit(typed.copy())
        full = cases(schema, d)
        assert not quick_pass(d, schema), what
        # and pandera, run on the part that fails, reports exactly what it reports on the whole schema
        assert cases(failing_part(d, schema), d) == full, what
