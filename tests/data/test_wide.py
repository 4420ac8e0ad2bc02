"""Wide returns (one column per indicator and year), issue 21: Compind's Europe 2020 data
(``EU_2020.csv``, 30 rows × 191 columns such as ``employ_2010``) read through the framework's
``wide:`` declaration, checked against pandas' own melt of the same file."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit as tk
from toolkit.data.problems import ValidationError

from ..conftest import SHARED_DATA

EU = SHARED_DATA / "compind" / "EU_2020.csv"
needs_compind = pytest.mark.skipif(not EU.is_file(), reason=f"Compind data not found at {EU}")

FRAMEWORK = """schema_version: 1
id: wide_test
version: "1"
title_en: Europe 2020 (two indicators)
levels: [index, indicator]
{wide}
unit_columns:
  - {{name: unit_id, role: id, aliases: [geo]}}
  - {{name: year, role: year}}
root:
  code: CI
  name_en: Composite
  children:
    - {{code: employ, name_en: Employment rate, unit: "%", direction: 1, type: share}}
    - {{code: finalenergy, name_en: Final energy consumption, unit: Mtoe, direction: 1, type: amount}}
"""


def framework(tmp_path, wide: str = 'wide: {pattern: "{code}_?{year}", other: ignore, years: [2010, 2011]}'):
    path = tmp_path / "fw.yaml"
    path.write_text(FRAMEWORK.format(wide=wide), "utf-8")
    return tk.load_framework(path)


@needs_compind
def test_compind_europe_2020_read_wide_equals_pandas_melt(tmp_path):
    data = tk.read_indicators(EU, framework(tmp_path))
    t = data.table.set_index(["unit_id", "year"])[["employ", "finalenergy"]]
    wide = pd.read_csv(EU)
    for code in ("employ", "finalenergy"):
        for year in (2010, 2011):
            expected = wide.set_index("geo")[f"{code}_{year}"]
            got = t[code].xs(year, level="year").reindex(expected.index)
            pd.testing.assert_series_equal(got, expected, check_names=False)
    assert len(t) == 60 and data.years == [2010, 2011]
    assert any("147 other column(s) left out" in n for n in data.notes)
    # the pattern's optional underscore: finalenergy1990 and finalenergy_1992 are both that indicator
    every = tk.read_indicators(EU, framework(tmp_path, 'wide: {pattern: "{code}_?{year}", other: ignore, '
                                                       'years: [2000, 2001, 2002]}'))
    assert every.years == [2000, 2001, 2002]


def _small(tmp_path, header, rows):
    path = tmp_path / "wide.csv"
    path.write_text("\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n", "utf-8")
    return path


def test_the_read_option_and_other_columns(tmp_path):
    fw = framework(tmp_path, "")
    path = _small(tmp_path, ["geo", "employ_2010", "employ_2011", "finalenergy_2010", "note"],
                  [["AT", "70", "71", "28", "x"], ["BE", "67", "", "37", ""]])
    with pytest.raises(ValidationError, match="note"):  # other: error (the default) — the column is named
        tk.read_indicators(path, fw, wide="{code}_{year}")
    data = tk.read_indicators(path, fw, wide={"pattern": "{code}_{year}", "other": "ignore"})
    t = data.table.set_index(["unit_id", "year"])
    assert t.loc[("AT", 2011), "employ"] == 71 and pd.isna(t.loc[("AT", 2011), "finalenergy"])
    assert ("BE", 2011) not in t.index  # a unit-year with no value is not a row
    assert len(t) == 3
    # without the option the same file is long-format garbage: the reader says so
    with pytest.raises(ValidationError):
        tk.read_indicators(path, fw)


def test_errors_name_the_wide_row(tmp_path):
    fw = framework(tmp_path, "")
    path = _small(tmp_path, ["geo", "employ_2010", "finalenergy_2010"], [["AT", "70", "28"], ["BE", "abc", "37"]])
    with pytest.raises(ValidationError) as exc:
        tk.read_indicators(path, fw, wide="{code}_{year}")
    p = exc.value.problems[0]
    # named by the file's own cell: row 3, column employ_2010 (the checks ran on the melted column employ)
    assert p.row == 3 and p.column == "employ_2010" and p.value == "abc"
    # two years in a row: only the year whose cell holds the value is named; a year outside the
    # reader's range names that year's columns
    path = _small(tmp_path, ["geo", "employ_2010", "employ_2011", "finalenergy2011", "employ_1895"],
                  [["AT", "70", "-5", "28", ""], ["BE", "67", "68", "37", "60"]])
    with pytest.raises(ValidationError) as exc:
        tk.read_indicators(path, fw, wide="{code}_?{year}")
    got = {(p.row, p.column, p.rule) for p in exc.value.problems}
    assert got == {(2, "employ_2011", "share_range"), (3, "employ_1895", "year_range")}
    path = _small(tmp_path, ["geo", "year", "employ_2010"], [["AT", "2010", "70"]])
    with pytest.raises(ValidationError, match="cannot also have a year column"):
        tk.read_indicators(path, fw, wide="{code}_{year}")
    path = _small(tmp_path, ["geo", "employ", "finalenergy"], [["AT", "70", "28"]])
    with pytest.raises(ValidationError, match="no column is named by the wide pattern"):
        tk.read_indicators(path, fw, wide="{code}_{year}")


def test_a_bad_wide_declaration_is_a_framework_error(tmp_path):
    with pytest.raises(tk.FrameworkError, match="wide must be"):
        framework(tmp_path, 'wide: {pattern: "{code}"}')


def test_the_cli_reads_a_wide_file(tmp_path):
    """``prepare --wide``, in-process through ``toolkit.cli.main`` (the command line's argv path)."""
    from toolkit.cli import main

    fw = tmp_path / "fw.yaml"
    fw.write_text(FRAMEWORK.format(wide=""), "utf-8")
    path = _small(tmp_path, ["geo", "employ_2010", "employ_2011", "finalenergy_2010"], [["AT", "70", "71", "28"]])
    out = tmp_path / "out"
    assert main(["prepare", str(path), "--framework", str(fw), "--wide", "{code}_{year}", "--out", str(out),
                 "--lang", "en"]) == 0
    tidy = pd.read_csv(out / "wide.csv")
    assert sorted(tidy["year"]) == [2010, 2011] and tidy["employ"].tolist() == [70, 71]
