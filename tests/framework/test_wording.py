"""The ``reporting`` block and the ``summary`` flag of a framework file: what the reports call
units, regions, peer groups and levels; the strict loader accepts them and names the closest
valid key for a misspelt one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import toolkit
from toolkit.errors import FrameworkError
from toolkit.framework.wording import count_word

FRAMEWORKS = Path(toolkit.__file__).parent / "frameworks"


def _load_with(tmp_path, name: str, edit) -> toolkit.Framework:
    doc = yaml.safe_load((FRAMEWORKS / f"{name}.yaml").read_text("utf-8"))
    edit(doc)
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return toolkit.load_framework(path)


def test_the_shipped_frameworks_declare_their_words():
    sd, hdi, asem = (toolkit.load_framework(n) for n in ("shandong_industrial_brain", "undp_hdi", "coinr_asem"))
    assert (sd.words("zh")["unit"], sd.words("en")["unit"], sd.words("en")["units"]) == ("产业大脑", "brain", "brains")
    assert (sd.region_column, sd.peer_column, sd.wording.region_detail) == ("city", "industry", "county")
    assert sd.words("zh")["region_short"] == "市" and sd.words("en")["Whole_adj"] == "Provincial"
    for fw in (hdi, asem):
        assert (fw.words("zh")["unit"], fw.words("en")["unit"], fw.words("en")["units"]) == ("国家", "country",
                                                                                           "countries")
        assert fw.region_column is None and fw.peer_column is None
        assert "region" not in fw.words("en") and "peer" not in fw.words("en")
    # the counts come from the tree: 5 Shandong dimensions, 3 HDI dimensions, 8 ASEM pillars
    assert [fw.words("en")["n_dims"] for fw in (sd, hdi, asem)] == ["five", "three", "eight"]
    assert [fw.words("zh")["n_dims"] for fw in (sd, hdi, asem)] == ["五", "三", "八"]
    assert (asem.words("en")["dims"], asem.words("zh")["dim"]) == ("pillars", "支柱")


def test_summary_columns_follow_the_declarations():
    assert toolkit.load_framework().summary_columns == ["brain_name", "city", "industry"]  # city_code, county: false
    assert toolkit.load_framework("undp_hdi").summary_columns == ["country"]
    assert toolkit.load_framework("coinr_asem").summary_columns == ["uName", "GDP_group", "GDPpc_group", "Pop_group",
                                                                    "EurAsia_group"]


def test_count_words():
    assert [count_word(n, "zh") for n in (2, 5, 10, 11)] == ["两", "五", "十", "11"]
    assert [count_word(n, "en") for n in (1, 12, 13)] == ["one", "twelve", "13"]


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["reporting"].update(unti={"zh": "x"}), "unknown key 'unti' (did you mean 'unit'?)"),
    (lambda d: d["reporting"]["unit"].update(en_plurl="brains"), "unknown key 'en_plurl' (did you mean 'en_plural'?)"),
    (lambda d: d["reporting"]["region"].update(zh_shrot="市"), "unknown key 'zh_shrot' (did you mean 'zh_short'?)"),
    (lambda d: d["reporting"]["region"].update(column="cty"), "'cty' is not a declared unit column (did you mean 'city'?)"),
    (lambda d: d["reporting"]["peers"].update(detail="county"), "unknown key 'detail'"),
    (lambda d: d["reporting"]["levels"].update(dimensoin={"zh": "维"}), "did you mean 'dimension'?"),
    (lambda d: d["reporting"].update(name_en="{cty} Brain"), "must name unit columns in braces"),
    (lambda d: d["unit_columns"][3].update(summry=False), "unknown key 'summry' (did you mean 'summary'?)"),
    (lambda d: d["unit_columns"][3].update(summary="no"), "summary must be true or false"),
    (lambda d: d.update(reportin={}), "unknown key 'reportin' (did you mean 'reporting'?)"),
])
def test_misspelt_reporting_keys_are_errors_naming_the_closest(tmp_path, edit, message):
    with pytest.raises(FrameworkError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        _load_with(tmp_path, "shandong_industrial_brain", edit)


def test_a_framework_without_a_reporting_block_gets_generic_words(tmp_path):
    fw = _load_with(tmp_path, "undp_hdi", lambda d: d.pop("reporting"))
    w = fw.words("en")
    assert (w["unit"], w["Units"], w["dim"], w["n_dims"]) == ("unit", "Units", "dimension", "three")
    assert fw.wording.title is None and fw.region_column is None


def test_region_nouns_default_to_the_column_labels(tmp_path):
    def edit(d):
        d["reporting"] = {"region": {"column": "GDP_group"}}

    fw = _load_with(tmp_path, "coinr_asem", edit)
    assert fw.region_column == "GDP_group"
    assert fw.words("en")["region"] == "GDP group" and fw.words("en")["Region"] == "GDP group"
