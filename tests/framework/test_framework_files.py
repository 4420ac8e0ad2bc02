"""The strict framework loader, declared unit columns, and the two shipped example frameworks."""

from __future__ import annotations

import copy

import pytest
import yaml

from toolkit import load_framework
from toolkit.errors import FrameworkError

from ..conftest import ROOT

TINY = {
    "schema_version": 1, "id": "tiny", "version": "1", "levels": ["index", "pillar", "indicator"],
    "unit_columns": [{"name": "unit_id", "role": "id", "aliases": ["code"]},
                     {"name": "region", "role": "group", "values": ["north", "south"], "required": True},
                     {"name": "year", "role": "year"}],
    "root": {"code": "I", "name_en": "Index", "children": [
        {"code": "P", "name_en": "Pillar", "children": [
            {"code": "GROW", "name_en": "GDP growth", "type": "signed", "direction": 1},
            {"code": "DEBT", "name_en": "Debt ratio", "type": "ratio", "direction": -1},
        ]}]},
}


def _write(tmp_path, doc, name="fw.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


def _mutated(mutate):
    doc = copy.deepcopy(TINY)
    mutate(doc)
    return doc


def test_english_only_framework_loads_and_chinese_falls_back(tmp_path):
    fw = load_framework(_write(tmp_path, TINY))
    assert fw.node("GROW").name_en == "GDP growth"
    assert fw.node("GROW").name_zh == "GDP growth"  # the other language falls back
    assert fw.labels("zh")["DEBT"] == "Debt ratio"


def test_coinr_directions_1_and_minus_1_are_benefit_and_cost(tmp_path):
    fw = load_framework(_write(tmp_path, TINY))
    assert fw.directions.to_dict() == {"GROW": 1, "DEBT": -1}


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["root"]["children"][0]["children"][0].update(wieght=2), r"unknown key 'wieght'.*did you mean 'weight'"),
    (lambda d: d["root"]["children"][0]["children"][0].update(goalposts=[0, 1]), r"unknown key 'goalposts'"),
    (lambda d: d.update(unit_colums=[]), r"unknown key 'unit_colums'.*did you mean 'unit_columns'"),
    (lambda d: d["unit_columns"][1].update(requird=True), r"unit column region: unknown key 'requird'.*'required'"),
    (lambda d: d["root"]["children"][0]["children"][0].update(direction=2),
     r"direction must be benefit or cost \(or, as in COINr, 1 or -1\), got 2"),
    (lambda d: d["root"]["children"][0]["children"][0].update(direction="costs"), r"did you mean 'cost'"),
    (lambda d: d["root"]["children"][0]["children"][0].pop("name_en"), r"node GROW: missing name_zh and name_en"),
    (lambda d: d["root"]["children"][0]["children"][0].update(type="sgned"), r"did you mean 'signed'"),
    (lambda d: d["root"]["children"][0]["children"][0].update(denominator="pop"), r"denominator 'pop' is not a declared unit column"),
    (lambda d: d["root"]["children"][0]["children"][0].update(min=5, max=1), r"min must be below max"),
    (lambda d: d["unit_columns"].pop(0), r"must declare the identifier"),
    (lambda d: d["unit_columns"][1].update(role="grp"), r"role must be one of .* got 'grp'.*did you mean 'group'"),
    (lambda d: d["unit_columns"][0].update(name="iso3"), r"identifier column must be named unit_id"),
    (lambda d: d.update(dimension_level="pilar"), r"dimension_level 'pilar'.*did you mean 'pillar'"),
    (lambda d: d.update(constraints=[{"rule": "city_matches_code"}]), r"needs the unit column\(s\) \['city', 'city_code'\]"),
])
def test_broken_user_frameworks_are_named(tmp_path, mutate, message):
    with pytest.raises(FrameworkError, match=message):
        load_framework(_write(tmp_path, _mutated(mutate)))


def test_dimensions_never_guessed_without_a_dimension_level(tmp_path):
    fw = load_framework(_write(tmp_path, TINY))
    assert fw.dimension_level is None
    with pytest.raises(FrameworkError, match=r"no level named 'dimension'.*dimension_level"):
        _ = fw.dimensions
    declared = load_framework(_write(tmp_path, _mutated(lambda d: d.update(dimension_level="pillar"))))
    assert list(declared.dimensions.index) == ["P"]


def test_unit_columns_are_declared(tmp_path):
    fw = load_framework(_write(tmp_path, TINY))
    assert [c.name for c in fw.unit_columns] == ["unit_id", "region", "year"]
    assert fw.group_columns == ["region"]
    assert fw.unit_column("region").values == ("north", "south")
    assert fw.unit_column("unit_id").required and fw.unit_column("year").required


def test_shandong_file_declares_todays_unit_columns_and_rules():
    fw = load_framework()
    assert [c.name for c in fw.unit_columns] == ["unit_id", "brain_name", "city", "city_code", "county",
                                                 "industry", "year"]
    required = [c.name for c in fw.unit_columns if c.required]
    assert required == ["unit_id", "brain_name", "city", "city_code", "industry", "year"]
    assert fw.unit_column("city").reference == "shandong_cities.zh"
    assert fw.unit_column("city_code").reference == "shandong_cities.code"
    assert fw.unit_rules == ["city_matches_code"]
    assert len(fw.constraints) == 2  # the two `le` rules between data columns


def test_hdi_framework():
    fw = load_framework(ROOT / "toolkit" / "frameworks" / "undp_hdi.yaml")
    assert fw.columns == ["LE", "EYS", "MYS", "GNI"]
    assert list(fw.dimensions.index) == ["HEALTH", "EDUCATION", "INCOME"]
    assert fw.unit_column("year").default == 2022 and not fw.unit_column("year").required
    assert fw.node("GNI").aliases == ("gnipc",)


def test_asem_framework_matches_coinr_imeta():
    fw = load_framework("coinr_asem")
    # iMeta: 49 indicators, 8 pillars, 2 sub-indices, 1 index; 14 with direction −1; 17 denominated
    assert len(fw.columns) == 49
    assert [len(fw.nodes(lv)) for lv in fw.levels] == [1, 2, 8, 49]
    assert (fw.directions[fw.columns] == -1).sum() == 14
    assert len(fw.denominators) == 17
    assert fw.denominators["Bord"] == ("Area", 1.0)
    assert fw.group_columns == ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]
    assert fw.dimension_level == "pillar"
    assert [c.code for c in fw.children("Conn")] == ["Physical", "ConEcFin", "Political", "Instit", "P2P"]
