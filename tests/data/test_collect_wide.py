"""``collect --wide``: a round of wide returns (one column per indicator and year), read with the rules
of ``validate --wide`` (issue #24 "any supported format"; the wide reader is issue #21's)."""

from __future__ import annotations

import pytest

import toolkit as tk
from toolkit.cli import main
from toolkit.data.round import collect as collect_data

FRAMEWORK = """schema_version: 1
id: wide_round
version: "1"
title_en: Two indicators
levels: [index, indicator]
unit_columns:
  - {name: unit_id, role: id, aliases: [geo]}
  - {name: year, role: year}
root:
  code: CI
  name_en: Composite
  children:
    - {code: employ, name_en: Employment rate, unit: "%", direction: 1, type: share}
    - {code: energy, name_en: Final energy, unit: Mtoe, direction: 1, type: amount}
"""
HEAD = "geo,employ_2010,employ_2011,energy_2010,energy_2011\n"


@pytest.fixture
def wide_round(tmp_path):
    (tmp_path / "fw.yaml").write_text(FRAMEWORK, "utf-8")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.csv").write_text(HEAD + "AT,70,71,28,29\n", "utf-8")
    (tmp_path / "r" / "b.csv").write_text(HEAD + "BE,67,68,37,38\nAT,70,72,28,29\n", "utf-8")
    return tmp_path, tk.load_framework(tmp_path / "fw.yaml")


def test_a_round_of_wide_returns(wide_round):
    """AT 2010 is the same in both files (a duplicate kept once); AT 2011 employ is 71 in a.csv and 72
    in b.csv's row 3: a conflict, and AT is withheld; BE's two years are collected."""
    d, fw = wide_round
    rnd = collect_data(d / "r", d / "out", framework=fw, wide="{code}_{year}")
    assert [r.status for r in rnd.returns] == ["collected", "collected"]
    assert [(c["unit_id"], c["year"], c["column"], c["file_a"], c["row_a"], c["value_a"], c["file_b"], c["row_b"],
             c["value_b"]) for c in rnd.merged.conflicts] == [("AT", 2011, "employ", "a.csv", 2, 71.0, "b.csv", 3, 72.0)]
    assert [(x["unit_id"], x["year"]) for x in rnd.merged.duplicates] == [("AT", 2010)]
    assert rnd.table[["unit_id", "year", "employ", "energy"]].values.tolist() == [["BE", 2010, 67.0, 37.0],
                                                                                 ["BE", 2011, 68.0, 38.0]]
    # without the pattern the same files are not long returns: read again (the cache is keyed by the
    # pattern too), each reported, none collected
    plain = collect_data(d / "r", d / "out", framework=fw)
    assert [(r.status, r.cached) for r in plain.returns] == [("invalid", False), ("invalid", False)]
    assert len(plain.merged.table) == 0


def test_the_command_line_takes_wide(wide_round, capsys):
    d, _ = wide_round
    code = main(["collect", str(d / "r"), "--out", str(d / "out"), "--framework", str(d / "fw.yaml"),
                 "--wide", "{code}_{year}", "--lang", "en"])
    assert code == 1 and "a.csv row 2 has 71.0, b.csv row 3 has 72.0" in capsys.readouterr().err
