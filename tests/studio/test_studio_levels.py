"""A method selector for every level the index aggregates, driven by the framework's levels:
Shandong (index → dimension → indicator, with sub-measures under two indicators) and COINr's ASEM
(index → sub-index → pillar → indicator). Each change is checked against build_index with the
same choices, and the spec the studio saves, loaded and built, gives identical ranks."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from toolkit import build_index, load_framework, load_spec, read_indicators  # noqa: E402
from toolkit.studio.app import Studio  # noqa: E402

from ..conftest import DEMO_CSV, ROOT  # noqa: E402

ASEM_CSV = ROOT.parent / "shared" / "data" / "asem" / "iData.csv"
needs_asem = pytest.mark.skipif(not ASEM_CSV.is_file(), reason=f"COINr ASEM data not found at {ASEM_CSV}")


def agrees(studio, data, tmp_path, name="s.yaml"):
    """Ranks now shown = build_index(data, studio spec) = build_index(data, saved and loaded spec)."""
    assert studio.message.value == "", studio.message.value
    year = studio.model.year
    shown = studio.current_ranks().sort_index()
    direct = build_index(data, studio.model.spec).rank.xs(year, level="year").sort_index()
    studio.save_path.value = str(tmp_path / name)
    studio.save_button.click()
    assert "saved" in studio.saved.value
    loaded = build_index(data, load_spec(tmp_path / name, data.framework)).rank.xs(year, level="year").sort_index()
    assert (shown == direct).all() and (shown == loaded).all()
    return shown


@pytest.fixture(scope="module")
def demo():
    return read_indicators(DEMO_CSV)


@pytest.fixture
def shandong(demo):
    return Studio(demo, ROOT / "configs" / "default.yaml")


def test_shandong_has_a_selector_for_each_aggregated_level(shandong):
    assert shandong.levels == ["index", "dimension", "indicator"]
    assert list(shandong.weight_method) == list(shandong.aggregation_method) == shandong.levels
    assert shandong.weight_method["dimension"].value == "entropy" and shandong.weight_method["indicator"].value == \
        "framework"
    blocks = [v for _, v in shandong.dimension_picker.options]
    assert blocks == ["L1", "L2", "L3", "L4", "L5", "L2P1", "L3P3"]  # dimensions, then indicators with measures


def test_shandong_every_level_changed_agrees_with_build_index(shandong, demo, tmp_path):
    before = shandong.current_ranks().sort_index()
    shandong.weight_method["indicator"].value = "equal"
    shandong.aggregation_method["indicator"].value = "geometric"
    shandong.weight_method["dimension"].value = "critic"
    shandong.aggregation_method["dimension"].value = "harmonic"
    shandong.aggregation_method["index"].value = "geometric"
    spec = shandong.model.spec
    assert spec["aggregation"]["indicator"]["method"] == "geometric" and spec["weights"]["dimension"]["method"] == \
        "critic"
    after = agrees(shandong, demo, tmp_path)
    assert not (after == before).all()


def test_shandong_leaf_parent_block_sliders(shandong, demo, tmp_path):
    shandong.dimension_picker.value = "L2P1"  # an indicator built from two measures (framework weights ½, ½)
    assert list(shandong.indicator_sliders) == ["L2P1_STORAGE", "L2P1_COMPUTE"]
    assert [s.value for s in shandong.indicator_sliders.values()] == [0.5, 0.5]
    shandong.indicator_sliders["L2P1_STORAGE"].value = 1.0
    ov = shandong.model.spec["weights"]["indicator"]["overrides"]["L2P1"]
    assert ov == {"method": "manual", "values": {"L2P1_STORAGE": 1.0, "L2P1_COMPUTE": 0.5}}
    w = shandong.model.current_weights("L2P1", shandong.result)
    np.testing.assert_allclose(w.to_numpy(), [2 / 3, 1 / 3])
    agrees(shandong, demo, tmp_path)
    shandong.block_reset.click()
    assert "overrides" not in shandong.model.spec["weights"]["indicator"]
    assert [s.value for s in shandong.indicator_sliders.values()] == [0.5, 0.5]


def test_block_sliders_show_the_weights_in_force(shandong):
    shandong.dimension_picker.value = "L3"
    entropy = {k: s.value for k, s in shandong.indicator_sliders.items()}
    shandong.weight_method["dimension"].value = "critic"
    critic = shandong.model.current_weights("L3", shandong.result)
    shown = {k: s.value for k, s in shandong.indicator_sliders.items()}
    assert shown == {k: round(float(v), 2) for k, v in critic.items()} and shown != entropy
    assert critic.sum() == pytest.approx(1.0)


def test_manual_at_a_lower_level_freezes_the_weights_in_force(shandong, demo, tmp_path):
    before = shandong.current_ranks().sort_index()
    entropy = shandong.model.current_weights("L1", shandong.result)
    shandong.weight_method["dimension"].value = "manual"
    values = shandong.model.spec["weights"]["dimension"]["values"]
    assert len(values) == 28 and values["L1P1"] == pytest.approx(entropy["L1P1"], abs=1e-12)
    assert (agrees(shandong, demo, tmp_path) == before).all()


# -- COINr ASEM: four levels --------------------------------------------------------------------
@pytest.fixture(scope="module")
def asem_data():
    if not ASEM_CSV.is_file():
        pytest.skip(f"COINr ASEM data not found at {ASEM_CSV}")
    return read_indicators(ASEM_CSV, load_framework("coinr_asem"))


@pytest.fixture
def asem(asem_data):
    return Studio(asem_data, ROOT / "configs" / "asem.yaml", top_n=5)


@needs_asem
def test_asem_selectors_follow_the_frameworks_levels(asem):
    assert asem.levels == ["index", "sub-index", "pillar"]
    assert list(asem.dimension_sliders) == ["Conn", "Sust"]
    blocks = [v for _, v in asem.dimension_picker.options]
    fw = asem.model.framework
    assert [fw.node(b).level for b in blocks] == ["sub-index"] * 2 + ["pillar"] * 8
    assert asem.dimension_picker.value == blocks[2]  # the framework's dimension level (pillar) first
    # the studio's fast rebuild (on the denominated, imputed, screened, treated data) = the full build
    nominal = build_index(asem.model.data, ROOT / "configs" / "asem.yaml").rank.xs(asem.model.year, level="year")
    assert (asem.current_ranks().sort_index() == nominal.sort_index()).all()


@needs_asem
def test_asem_every_level_changed_agrees_with_build_index(asem, asem_data, tmp_path):
    before = asem.current_ranks().sort_index()
    asem.weight_method["pillar"].value = "entropy"
    asem.aggregation_method["sub-index"].value = "geometric"
    asem.weight_method["sub-index"].value = "pca"
    asem.dimension_sliders["Conn"].value = 0.8  # index weights: Conn 0.8, Sust 0.5
    spec = asem.model.spec
    assert spec["weights"]["index"] == {"method": "manual", "values": {"Conn": 0.8, "Sust": 0.5}}
    assert spec["weights"]["pillar"]["method"] == "entropy" and spec["aggregation"]["sub-index"]["method"] == \
        "geometric"
    after = agrees(asem, asem_data, tmp_path)
    assert not (after == before).all()


@needs_asem
def test_asem_pillar_block_sliders_and_bod_at_the_pillar_level(asem, asem_data, tmp_path):
    pillar = asem.dimension_picker.value
    kids = asem.model.block_children(pillar)
    assert list(asem.indicator_sliders) == kids
    np.testing.assert_allclose([s.value for s in asem.indicator_sliders.values()],
                               np.round(np.full(len(kids), 1 / len(kids)), 2))  # framework weights all 1
    asem.indicator_sliders[kids[0]].value = 0.9
    assert asem.model.spec["weights"]["pillar"]["overrides"][pillar]["values"][kids[0]] == 0.9
    asem.aggregation_method["pillar"].value = "bod"
    agrees(asem, asem_data, tmp_path)
