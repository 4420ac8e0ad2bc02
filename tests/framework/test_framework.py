"""The framework file against the seed document (the ground truth for the codebook)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from toolkit import FrameworkError, load_framework
from toolkit.framework.loader import available_frameworks

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "toolkit" / "frameworks" / "sources" / "shandong-industrial-brain-indicator-system.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "shandong-industrial-brain-indicator-system.txt"

# Code, Chinese name and unit of all 28 indicators, typed from the seed (附件4).
SEED_INDICATORS = [
    ("L1P1", "产业规模", "亿元"), ("L1P2", "产业布局", "个"), ("L1P3", "产业链健全度", "%"),
    ("L1P4", "产业集聚度", "%"), ("L1P5", "产业链企业数量", "家"), ("L1P6", "产业链规上企业数量", "家"),
    ("L1P7", "上市挂牌企业数量", "家"), ("L1P8", "优势企业数量", "家"), ("L1P9", "链主企业产值", "亿元"),
    ("L1P10", "产业影响力", "项"),
    ("L2P1", "存储与计算资源", "TB/EFLOPS"), ("L2P2", "公共数据仓", "TB"), ("L2P3", "行业数据仓", "TB"),
    ("L2P4", "企业数据仓", "TB"),
    ("L3P1", "行业大脑统筹平台", "/"), ("L3P2", "“晨星工厂”培育能力", "家"),
    ("L3P3", "工业大数据应用场景构建水平", "项/次"), ("L3P4", "能力组件构建水平", "个"),
    ("L3P5", "数据管理能力水平", "家"), ("L3P6", "赋能工业互联网平台建设", "个"),
    ("L3P7", "赋能产业链发展韧性", "家"), ("L3P8", "培育数据驱动的新业态新模式", "个"),
    ("L4P1", "科技创新平台数量", "个"), ("L4P2", "省级科研立项数量", "项"),
    ("L5P1", "组织领导机制", "/"), ("L5P2", "管理运营专业化", "/"), ("L5P3", "数据管理制度", "/"),
    ("L5P4", "资金支持强度", "万元"),
]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_all_28_indicators_with_exact_code_name_unit(fw):
    got = [(c, r.name_zh, r.unit) for c, r in fw.indicators.iterrows()]
    assert got == SEED_INDICATORS


def test_dimensions_match_seed(fw):
    assert list(fw.dimensions.index) == ["L1", "L2", "L3", "L4", "L5"]
    assert list(fw.dimensions.name_zh) == ["产业发展水平", "数据支撑能力", "数据价值释放能力", "技术创新能力", "运营保障水平"]
    counts = fw.indicators.groupby("dimension").size().to_dict()
    assert counts == {"L1": 10, "L2": 4, "L3": 8, "L4": 2, "L5": 4}


def test_names_and_definitions_are_verbatim_from_seed(fw):
    seed = squash(SEED.read_text("utf-8"))
    for code, row in fw.indicators.iterrows():
        assert squash(row.name_zh) in seed, code
        assert squash(row.definition_zh) in seed, f"{code} definition is not verbatim"
        # the definition follows its own code in the seed, not another indicator's
        assert seed.index(squash(row.definition_zh)) > seed.index(code)
        assert row.definition_en and row.name_en


def test_vendored_seed_equals_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip("shared/ seed not beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_compound_units_split_into_sub_measures(fw):
    assert [n.code for n in fw.children("L2P1")] == ["L2P1_STORAGE", "L2P1_COMPUTE"]
    assert [n.unit for n in fw.children("L2P1")] == ["TB", "PFLOPS"]
    assert [n.unit for n in fw.children("L3P3")] == ["项", "次"]
    assert fw.node("L2P1").rollup["method"] == "normalised_mean"
    assert fw.hierarchy.loc["L2P1_STORAGE", "level"] == "measure"


def test_checklist_items_are_the_sixteen_named_capabilities(fw):
    items = fw.children("L3P1")
    names = [n.name_zh for n in items]
    assert names[:6] == ["产业全景图谱", "产业作战地图", "产业动态监测", "沿链精准招商", "企业迁移监测", "绿色低碳治理"]
    assert names[6:12] == ["数字集采", "协同制造", "产能共享", "数字集销", "交易撮合", "数字金融"]
    assert "工业经济大脑" in names[12]
    assert [n[:2] for n in names[13:]] == ["数据", "算力", "行业"]
    assert all(n.type == "binary" for n in items)


def test_checklist_rollup_is_weighted_share(fw):
    import numpy as np
    import pandas as pd

    items = [n.code for n in fw.children("L3P1")]
    df = pd.DataFrame([[1] * 16, [1] * 4 + [0] * 12, [1] * 15 + [np.nan]], columns=items, dtype=float)
    out = fw.rollup_raw(df)
    assert out["L3P1"].iloc[0] == 100.0
    assert out["L3P1"].iloc[1] == pytest.approx(25.0)  # 4 of 16
    assert np.isnan(out["L3P1"].iloc[2])  # a partly filled checklist is not scored
    assert "L3P1" not in df  # input untouched


def test_rubrics_cover_l5p1_to_l5p3(fw):
    for code in ("L5P1", "L5P2", "L5P3"):
        rub = fw.rubric(code)
        assert list(rub["value"]) == [0, 1, 2, 3]
        assert rub["zh"].str.len().min() > 4 and rub["en"].str.len().min() > 4
    assert "正县级" in fw.rubric("L5P1").zh.iloc[2]


def test_measurement_types_and_directions(fw):
    t = fw.indicators["type"].to_dict()
    assert t["L1P3"] == t["L1P4"] == "share"
    assert t["L3P1"] == "checklist" and t["L5P2"] == "ordinal" and t["L5P4"] == "amount"
    assert set(fw.directions) == {1}  # every indicator of the seed is a benefit indicator
    assert fw.units["L1P1"] == "亿元"


def test_hierarchy_navigation(fw):
    assert fw.levels == ("index", "dimension", "indicator", "measure")
    assert fw.ancestor("L2P1_COMPUTE", "dimension") == "L2"
    assert fw.parent("L1P1").code == "L1"
    assert len(fw.columns) == 28 - 3 + 2 + 16 + 2  # 45 data columns
    assert fw.labels("en")["L4"] == "Technological innovation capacity"
    assert fw.label("L1P1", "zh", with_code=True) == "L1P1 产业规模"
    h = fw.hierarchy
    assert (h.loc[h.level == "indicator", "parent"].isin(fw.dimensions.index)).all()


def test_any_file_with_the_schema_loads_at_any_depth(tmp_path):
    doc = {
        "schema_version": 1, "id": "tiny", "version": "1", "levels": ["index", "pillar", "dimension", "indicator"],
        "root": {"code": "I", "name_zh": "指数", "name_en": "Index", "children": [
            {"code": "P", "name_zh": "支柱", "name_en": "Pillar", "children": [
                {"code": "D", "name_zh": "维度", "name_en": "Dim", "children": [
                    {"code": "X1", "name_zh": "甲", "name_en": "x1", "type": "amount", "unit": "元"},
                    {"code": "X2", "name_zh": "乙", "name_en": "x2", "type": "count", "direction": "cost"},
                ]}]}]},
    }
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    fw = load_framework(path)
    assert fw.columns == ["X1", "X2"]
    assert fw.directions["X2"] == -1
    assert fw.hierarchy.loc["X1", "depth"] == 3
    assert list(fw.dimensions.index) == ["D"]


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["root"]["children"][0]["children"][0].update(direction="upward"), "direction"),
    (lambda d: d["root"]["children"][0]["children"][0].update(type="rating"), "type"),
    (lambda d: d["root"]["children"][0]["children"].append({"code": "L1P1", "name_zh": "x", "name_en": "x", "type": "count"}), "twice"),
    (lambda d: d.pop("levels"), "levels"),
])
def test_broken_framework_files_are_named(tmp_path, mutate, message):
    doc = yaml.safe_load((ROOT / "toolkit" / "frameworks" / "shandong_industrial_brain.yaml").read_text("utf-8"))
    mutate(doc)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(FrameworkError, match=message):
        load_framework(path)


def test_shipped_frameworks_listed():
    assert "shandong_industrial_brain" in available_frameworks()
    with pytest.raises(FrameworkError, match="no framework named"):
        load_framework("nonexistent")
