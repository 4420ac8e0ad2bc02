"""Reading returns of a user's own framework: its unit columns, codes, aliases and value types.

The HDI and ASEM files in ../shared/data are read as published (no preprocessing); small files
written here exercise every value type and unit-column rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from toolkit import load_framework, read_indicators
from toolkit.data.headers import match_header
from toolkit.data.problems import ValidationError

from ..conftest import ROOT, write_csv

DATA = ROOT.parent / "shared" / "data"

FW = {
    "schema_version": 1, "id": "macro", "version": "1", "levels": ["index", "pillar", "indicator"],
    "unit_columns": [
        {"name": "unit_id", "role": "id", "aliases": ["iso3"]},
        {"name": "country", "role": "name", "required": True},
        {"name": "region", "role": "group", "values": ["Europe", "Asia"], "required": True},
        {"name": "pop", "role": "denominator", "label_en": "Population"},
        {"name": "year", "role": "year", "required": False, "default": 2020},
    ],
    "root": {"code": "I", "name_en": "Index", "children": [
        {"code": "P", "name_en": "Economy", "name_zh": "经济", "children": [
            {"code": "GROW", "name_en": "GDP growth", "type": "signed", "unit": "%"},
            {"code": "DEBT", "name_en": "Public debt", "aliases": ["debt_gdp"], "type": "ratio", "direction": -1},
            {"code": "EMP", "name_en": "Employment rate", "type": "share"},
            {"code": "FIRMS", "name_en": "Firms", "type": "count"},
            {"code": "SCORE", "name_en": "Survey score", "type": "amount", "min": 1, "max": 5},
        ]}]},
}
HEADER = ["iso3", "country", "region", "pop", "GROW", "debt_gdp", "Employment rate", "FIRMS", "SCORE"]
GOOD = [["AUT", "Austria", "Europe", "9", "-1.2", "250%", "71.5", "120", "4.5"],
        ["JPN", "Japan", "Asia", "125", "0.4", "260.1", "78", "300", "1"]]


@pytest.fixture
def fw(tmp_path):
    path = tmp_path / "macro.yaml"
    path.write_text(yaml.safe_dump(FW), "utf-8")
    return load_framework(path)


def _read(tmp_path, fw, rows, header=HEADER):
    return read_indicators(write_csv(tmp_path / "r.csv", header, rows), fw)


def test_user_framework_reads_without_any_shandong_column(tmp_path, fw):
    d = _read(tmp_path, fw, GOOD)
    t = d.table.set_index("unit_id")
    assert d.unit_columns == ["unit_id", "country", "region", "pop", "year"]
    assert t.loc["AUT", "GROW"] == -1.2          # signed: a negative growth is fine
    assert t.loc["AUT", "DEBT"] == 250.0         # ratio: above 100 % is fine, "250%" reads as 250
    assert t.loc["JPN", "DEBT"] == 260.1
    assert t.loc["AUT", "pop"] == 9.0            # a denominator column is numeric
    assert t["year"].tolist() == [2020, 2020]    # the declared default when the file has no year
    assert list(d.units(2020).columns) == ["country", "region", "pop"]


def test_headers_match_the_frameworks_own_codes_names_and_aliases(fw):
    assert match_header("GROW", fw).column == "GROW"
    assert match_header("grow", fw).column == "GROW"
    assert match_header("GROW GDP growth (%)", fw).column == "GROW"
    assert match_header("debt_gdp", fw).column == "DEBT"
    assert match_header("Employment rate", fw).column == "EMP"
    assert match_header("iso3", fw).column == "unit_id"
    assert match_header("Population", fw).column == "pop"
    err = match_header("GDP per head", fw)
    assert err.column is None and err.error[0] == "unknown_column"


@pytest.mark.parametrize("col, value, rule, words", [
    ("EMP", "120", "share_range", "EMP (Employment rate) is a percentage and must be within 0–100: 120"),
    ("DEBT", "-3", "non_negative", "DEBT (Public debt) must not be negative: -3"),
    ("FIRMS", "2.5", "not_integer", "FIRMS (Firms) is a count and must be whole: 2.5"),
    ("SCORE", "7", "above_max", "SCORE (Survey score) must be at most 5: 7"),
    ("SCORE", "0.5", "below_min", "SCORE (Survey score) must be at least 1: 0.5"),
    ("region", "Africa", "unit_value", "region 'Africa' is not one of the allowed values ['Europe', 'Asia']"),
    ("country", "", "required_value", "country is required"),
    ("GROW", "fast", "not_a_number", "GROW: 'fast' is not a number"),
])
def test_each_value_type_and_unit_rule_names_row_column_value_and_rule(tmp_path, fw, col, value, rule, words):
    rows = [list(r) for r in GOOD]
    where = {"DEBT": "debt_gdp", "EMP": "Employment rate"}.get(col, col)
    rows[1][HEADER.index(where)] = value
    with pytest.raises(ValidationError) as exc:
        _read(tmp_path, fw, rows)
    problems = exc.value.problems
    assert len(problems) == 1, exc.value
    p = problems[0]
    assert (p.row, p.column, p.rule) == (3, col, rule)
    assert words in p.message_en


def test_a_missing_declared_column_is_named(tmp_path, fw):
    header = [h for h in HEADER if h != "region"]
    rows = [[c for h, c in zip(HEADER, r, strict=True) if h != "region"] for r in GOOD]
    with pytest.raises(ValidationError) as exc:
        _read(tmp_path, fw, rows, header)
    problems = exc.value.problems
    assert (problems[0].column, problems[0].rule) == ("region", "missing_column")
    assert {p.column for p in problems} == {"region"}


@pytest.mark.skipif(not (DATA / "hdi").is_dir(), reason=f"{DATA / 'hdi'} not found (bare clone)")
def test_published_hdi_file_reads_as_it_is():
    d = read_indicators(DATA / "hdi" / "hdr2023_24_hdi_2022.csv", "undp_hdi")
    assert len(d.table) == 193 and d.years == [2022]
    v = d.values(2022)
    assert v.loc["AFG"].tolist() == pytest.approx([62.879, 10.70538475, 2.514790058, 1335.205733])


@pytest.mark.skipif(not (DATA / "asem").is_dir(), reason=f"{DATA / 'asem'} not found (bare clone)")
def test_published_asem_file_reads_as_it_is():
    d = read_indicators(DATA / "asem" / "iData.csv", "coinr_asem")
    assert len(d.table) == 51 and d.years == [2018]
    # 63 missing values in the 49 raw indicators (COINr's ASEM data)
    assert int(d.values(2018).isna().sum().sum()) == 63
    groups = d.units(2018)["EurAsia_group"].value_counts().to_dict()
    assert groups == {"Europe": 30, "Asia": 21}
    # GDP growth is negative for one country: the signed type accepts it
    assert d.values(2018)["GDPGrow"].min() == pytest.approx(-0.677399, abs=1e-6)


def test_shandong_still_requires_its_cities(make_return):
    def edit(header, rows):
        rows[0][header.index(next(h for h in header if h.startswith("city_code")))] = "999999"

    path = make_return(edit=edit)
    with pytest.raises(ValidationError) as exc:
        read_indicators(path)
    assert any(p.rule == "city_code" for p in exc.value.problems)


def test_framework_file_beside_the_data(tmp_path, fw):
    # a framework is found by path as well as by name
    assert Path(fw.path).name == "macro.yaml"
    assert read_indicators(write_csv(tmp_path / "r.csv", HEADER, GOOD), fw.path).framework.id == "macro"


def test_cli_template_validate_prepare_take_a_framework_file(tmp_path, fw, capsys):
    from toolkit.cli import main

    assert main(["template", "--framework", str(fw.path), "--out", str(tmp_path / "tpl")]) == 0
    header = (tmp_path / "tpl" / "indicator_return_template.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.split(",")[:5] == ["unit_id", "country", "region", "pop Population", "year"]
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD)
    assert main(["validate", str(path), "--framework", str(fw.path), "--lang", "en"]) == 0
    assert "valid — 2 rows, years 2020" in capsys.readouterr().out
    assert main(["prepare", str(path), "--framework", str(fw.path), "--out", str(tmp_path / "proc")]) == 0
    assert (tmp_path / "proc" / "r.parquet").is_file()
    bad = write_csv(tmp_path / "bad.csv", HEADER, [GOOD[0][:4] + ["x"] + GOOD[0][5:]])
    assert main(["validate", str(bad), "--framework", str(fw.path), "--lang", "en"]) == 1
    assert "GROW: 'x' is not a number" in capsys.readouterr().err


@pytest.mark.skipif(not (DATA / "hdi").is_dir(), reason=f"{DATA / 'hdi'} not found (bare clone)")
def test_cli_index_reads_the_framework_the_spec_names(tmp_path, capsys):
    from toolkit.cli import main

    code = main(["index", str(DATA / "hdi" / "hdr2023_24_hdi_2022.csv"), "--spec", str(ROOT / "configs" / "hdi.yaml"),
                 "--out", str(tmp_path / "out")])
    assert code == 0
    assert "CHE (0.9665), NOR (0.9659), ISL (0.9592)" in capsys.readouterr().out


def test_processed_data_load_back_under_their_own_framework(tmp_path, fw):
    from toolkit.data.prepare import load_processed, prepare

    paths = prepare(write_csv(tmp_path / "r.csv", HEADER, GOOD), tmp_path / "proc", fw)
    parquet = next(p for p in paths.values() if str(p).endswith(".parquet"))
    back = load_processed(parquet)  # no framework given: the one recorded beside the file
    assert back.framework.id == "macro"
    assert back.values(2020).loc["AUT", "GROW"] == -1.2
