"""The roster of a round (``collect --roster``, toolkit/data/roster.py): every problem of the file named
with its row, and nothing written when the roster is refused."""

from __future__ import annotations

import pytest

from toolkit import load_framework
from toolkit.data.problems import ValidationError
from toolkit.data.roster import read_roster
from toolkit.data.round import collect as collect_data


def test_an_empty_and_a_repeated_id_are_both_reported(tmp_path):
    """Rows as the spreadsheet numbers them: the header is row 1. Before the fix the empty id (row 4)
    became a unit called "nan", expected and reported missing."""
    path = tmp_path / "roster.csv"
    path.write_text("单位编号,城市\nSD-B001,济南\nSD-B001,青岛\n,济南\nSD-B002,青岛\n", encoding="gbk")
    with pytest.raises(ValidationError) as err:
        read_roster(path, load_framework())
    assert [(p.row, p.column, p.value, p.rule) for p in err.value.problems] == \
        [(3, "unit_id", "SD-B001", "duplicate_unit_year"), (4, "unit_id", None, "required_value")]


def test_a_refused_roster_writes_nothing(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.csv").write_text("iso3,country,LE,EYS,MYS,GNI\nNOR,Norway,83.4,18.2,13.0,69190\n")
    (tmp_path / "roster.csv").write_text("iso3,country\nNOR,Norway\n,Italy\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        collect_data(tmp_path / "r", tmp_path / "out", roster=tmp_path / "roster.csv", framework="undp_hdi")
    assert [(p.row, p.rule) for p in err.value.problems] == [(3, "required_value")]
    assert not (tmp_path / "out").exists()


def test_the_roster_reads_any_header_spelling_and_normalises_the_city(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("单位编号,产业大脑名称,城市,产业\nSD-B001,甲,济南,钢铁\nSD-B002,乙,青岛市,\n", encoding="utf-8-sig")
    got = read_roster(path, load_framework())
    assert got.to_dict("index") == {"SD-B001": {"brain_name": "甲", "city": "济南市", "industry": "钢铁"},
                                    "SD-B002": {"brain_name": "乙", "city": "青岛市", "industry": None}}
