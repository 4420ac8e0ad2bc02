"""The studio, driven from Python: widget changes give the ranks build_index gives for the same
choices (the synthetic demo data)."""

import pytest
import yaml

pytest.importorskip("ipywidgets")

from toolkit import build_index, load_spec, read_indicators  # noqa: E402
from toolkit.studio.ahp_editor import AHPEditor, inconsistent_pairs  # noqa: E402
from toolkit.studio.app import Studio  # noqa: E402

from ..conftest import DEMO_CSV, ROOT  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return read_indicators(DEMO_CSV)


@pytest.fixture
def studio(data):
    return Studio(data, ROOT / "configs" / "default.yaml", top_n=10)


def ranks_of(data, spec, year):
    return build_index(data, spec).rank.xs(year, level="year")


def test_initial_state_is_the_nominal_index(studio, data):
    nominal = ranks_of(data, ROOT / "configs" / "default.yaml", studio.model.year)
    assert (studio.current_ranks().sort_index() == nominal.sort_index()).all()
    assert studio.comparison.kept == 10 and studio.comparison.spearman == pytest.approx(1.0)
    assert "SYNTHETIC" in studio.widget.children[0].children[0].value


def test_the_studio_speaks_its_language_with_the_registry_names(data):
    """Method names and one line each come from the registry in the studio's language; the rank
    table and the bump chart name the brains; no English interface word in the Chinese studio."""
    import html
    import re

    from toolkit.studio.app import method_choices

    studio = Studio(data, ROOT / "configs" / "default.yaml", top_n=10, lang="zh")
    zh = dict((n, lab) for n, lab, _ in method_choices("weights", "zh"))
    assert dict(studio.weight_method["index"].options)[zh["entropy"]] == "entropy"
    studio.weight_method["index"].value = "entropy"
    line = dict((n, ln) for n, _, ln in method_choices("weights", "zh"))["entropy"]
    assert line and line in studio.method_help["index"].value
    table = studio.table.value
    assert "<th>基准排名</th>" in table and "青岛市黄岛区物流商贸产业大脑" in studio.bump.value
    shown = re.sub(r"<[^>]+>", " ", table)  # what the table shows (its cells' data-score name units by id)
    assert "SD-B0" not in shown and "SD-B0" not in studio.bump.value and "brain_name" not in table
    texts = [c.value for c in studio.widget.children[0].children if type(c).__name__ == "HTML"]
    visible = html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", " ".join(texts), flags=re.S))
    assert not re.findall(r"[A-Za-z]{3,}", visible)
    en = Studio(data, ROOT / "configs" / "default.yaml", top_n=10, lang="en")
    assert "<th>nominal rank</th>" in en.table.value and "Qingdao Logistics and trade Industrial Brain" in en.table.value
    assert "SYNTHETIC" in en.widget.children[0].children[0].value


def test_dimension_slider_changes_ranks_like_build_index(studio, data):
    before = studio.current_ranks().copy()
    studio.dimension_sliders["L1"].value = 1.0
    studio.dimension_sliders["L2"].value = 0.0
    spec = studio.model.spec
    assert spec["weights"]["index"]["method"] == "manual"
    assert studio.weight_method["index"].value == "manual"
    expected = ranks_of(data, spec, studio.model.year)
    assert (studio.current_ranks().sort_index() == expected.sort_index()).all()
    assert not (before.sort_index() == studio.current_ranks().sort_index()).all()
    assert studio.comparison.spearman < 1


def test_indicator_sliders_override_one_dimension(studio, data):
    studio.dimension_picker.value = "L3"
    codes = list(studio.indicator_sliders)
    assert codes == studio.model.children("L3")
    studio.indicator_sliders[codes[0]].value = 1.0
    ov = studio.model.spec["weights"]["dimension"]["overrides"]["L3"]
    assert ov["method"] == "manual" and ov["values"][codes[0]] == 1.0
    expected = ranks_of(data, studio.model.spec, studio.model.year)
    assert (studio.current_ranks().sort_index() == expected.sort_index()).all()


@pytest.mark.parametrize("method", ["equal", "critic", "pca"])
def test_method_selector(studio, data, method):
    studio.weight_method["dimension"].value = method
    studio.aggregation_method["index"].value = "geometric"
    spec = studio.model.spec
    assert spec["weights"]["dimension"]["method"] == method and spec["aggregation"]["index"]["method"] == "geometric"
    expected = ranks_of(data, spec, studio.model.year)
    assert (studio.current_ranks().sort_index() == expected.sort_index()).all()


@pytest.mark.parametrize("method", ["bod", "copeland"])
def test_new_aggregations_in_the_selector(studio, data, method):
    assert method in [v for _, v in studio.aggregation_method["index"].options]  # (label, method) pairs
    studio.aggregation_method["index"].value = method
    expected = ranks_of(data, studio.model.spec, studio.model.year)
    assert (studio.current_ranks().sort_index() == expected.sort_index()).all()


def test_ahp_editor_drives_the_index_weights(studio, data):
    studio.weight_method["index"].value = "ahp"
    studio.ahp.set("L1", "L2", 5)
    studio.ahp.set("L1", "L3", 3)
    spec = studio.model.spec
    matrix = spec["weights"]["index"]["matrix"][studio.root]
    assert matrix[0][1] == "5" and matrix[1][0] == "1/5"
    expected = ranks_of(data, spec, studio.model.year)
    assert (studio.current_ranks().sort_index() == expected.sort_index()).all()
    assert "CR =" in studio.ahp.status.value


def test_ahp_editor_points_at_inconsistent_pairs():
    # consistent judgements from w = (8, 4, 2, 1), except a vs d typed the wrong way round (1/8)
    ed = AHPEditor(list("abcd"))
    for (r, c), v in {("a", "b"): 2, ("a", "c"): 4, ("a", "d"): 1 / 8, ("b", "c"): 2, ("b", "d"): 4,
                      ("c", "d"): 2}.items():
        ed.set(r, c, v)
    assert ed.result().cr == pytest.approx(1.0128, abs=1e-4)
    assert "inconsistent" in ed.status.value and "a vs d" in ed.status.value
    pairs = inconsistent_pairs(ed.matrix, list("abcd"))
    assert (pairs.iloc[0]["row"], pairs.iloc[0]["column"]) == ("a", "d")
    assert ed.matrix_spec()[3][0] == "8"
    consistent = AHPEditor(list("abc"), matrix=[[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]])
    assert consistent.result().cr == pytest.approx(0, abs=1e-9) and "consistent, CR" in consistent.status.value


def test_save_writes_a_spec_index_accepts(studio, data, tmp_path):
    studio.dimension_sliders["L4"].value = 0.9
    studio.save_path.value = str(tmp_path / "studio.yaml")
    studio.save_button.click()
    assert "saved" in studio.saved.value
    spec = load_spec(tmp_path / "studio.yaml", data.framework)
    assert yaml.safe_load((tmp_path / "studio.yaml").read_text(encoding="utf-8"))["weights"]["index"]["method"] == "manual"
    expected = ranks_of(data, spec, studio.model.year)
    assert (studio.current_ranks().sort_index() == expected.sort_index()).all()


def test_bad_choice_shows_a_message_not_a_traceback(studio):
    studio.model.set_weights("index", {"method": "manual", "values": {"L1": 1}})
    studio.refresh()
    assert "Not computed" in studio.message.value and "L2" in studio.message.value


def test_saved_spec_runs_through_the_index_command(studio, tmp_path, capsys):
    from toolkit.cli import main

    studio.weight_method["index"].value = "equal"
    studio.aggregation_method["index"].value = "copeland"
    path = studio.model.save(tmp_path / "s.yaml")
    assert main(["index", str(DEMO_CSV), "--spec", str(path), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out").is_dir() and str(tmp_path / "out") in capsys.readouterr().out
