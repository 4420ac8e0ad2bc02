"""The years a return may hold are the framework's (its year column's ``range``), not a fixed
2000–2100: the HDI time series starts in 1990, Compind's and Eurostat's files earlier still."""

from __future__ import annotations

import pytest

import toolkit as tk
from toolkit.data.problems import ValidationError
from toolkit.errors import FrameworkError
from toolkit.framework.units import YEAR_RANGE, parse_unit_columns, year_range

FRAMEWORK = """schema_version: 1
id: t
version: "1"
title_en: T
levels: [index, indicator]
unit_columns:
  - {{name: unit_id, role: id}}
  - {{name: year, role: year{extra}}}
root:
  code: I
  name_en: Index
  children:
    - {{code: a, name_en: A, type: signed}}
    - {{code: b, name_en: B, type: signed}}
"""


def _read(tmp_path, extra: str, years):
    fw = tmp_path / "fw.yaml"
    fw.write_text(FRAMEWORK.format(extra=extra), "utf-8")
    data = tmp_path / "d.csv"
    data.write_text("unit_id,year,a,b\n" + "".join(f"U{k},{y},{k},{k + 1}\n" for k, y in enumerate(years)), "utf-8")
    return tk.read_indicators(data, tk.load_framework(fw))


def test_a_framework_without_a_range_reads_1990():
    assert YEAR_RANGE == (1900, 2100)
    assert year_range(parse_unit_columns(None, "f")) == (1900, 2100)


def test_years_before_2000_are_read_where_the_framework_allows_them(tmp_path):
    got = _read(tmp_path, "", [1990, 1999, 2022])
    assert sorted(got.table["year"].tolist()) == [1990, 1999, 2022]


def test_a_declared_range_refuses_a_year_outside_it_naming_the_range(tmp_path):
    with pytest.raises(ValidationError) as exc:
        _read(tmp_path, ", range: [2000, 2100]", [2021, 1999])
    (p,) = exc.value.problems
    assert (p.row, p.column, p.rule, p.value) == (3, "year", "year_range", "1999")
    assert "2000–2100" in p.message_en and "2000–2100" in p.message_zh


def test_shandong_keeps_its_range(tmp_path):
    fw = tk.load_framework()
    assert year_range(fw.unit_columns) == (2000, 2100)


@pytest.mark.parametrize("bad", ["[2100, 2000]", "[2000]", "[2000.5, 2100]", "2000"])
def test_a_bad_range_is_a_framework_error(bad):
    with pytest.raises(FrameworkError, match="range is said of the year column"):
        parse_unit_columns([{"name": "unit_id", "role": "id"},
                            {"name": "year", "role": "year", "range": __import__("yaml").safe_load(bad)}], "f")


def test_range_only_on_the_year_column():
    with pytest.raises(FrameworkError, match="range"):
        parse_unit_columns([{"name": "unit_id", "role": "id", "range": [1, 2]}, {"name": "year", "role": "year"}], "f")
