"""Keys given twice in a YAML spec or framework are refused, naming both lines; years and name are checked (#11: "unknown
keys are errors everywhere in a spec" — a repeated key is the same silent loss: YAML keeps the
last value without a word)."""

from __future__ import annotations

import pytest

from toolkit import FrameworkError, SpecError, load_framework, load_spec
from toolkit.safe_yaml import yaml_duplicate_keys

from .conftest import ROOT


def test_duplicate_keys_at_every_depth_with_their_lines():
    text = "a: 1\nb:\n  c: 1\n  d: [ {e: 1, e: 2} ]\n  c: 3\na: 4\n"
    assert yaml_duplicate_keys(text) == [("b.d[0].e", 4, 4), ("b.c", 3, 5), ("a", 1, 6)]


def test_the_same_key_in_different_mappings_and_merge_keys_are_fine():
    assert yaml_duplicate_keys("x: {k: 1}\ny: {k: 2}\nbase: &b {k: 1}\nz:\n  <<: *b\n  k: 2\n") == []


def test_every_shipped_yaml_file_gives_each_key_once():
    files = [p for pattern in ("toolkit/**/*.yaml", "configs/*.yaml") for p in ROOT.glob(pattern)]
    assert len(files) >= 8
    assert {p.name: yaml_duplicate_keys(p.read_text("utf-8")) for p in files} == {p.name: [] for p in files}


def test_a_spec_section_pasted_twice_is_refused(tmp_path):
    """Before: the second ``normalisation:`` replaced the first and the run failed on
    parameters the user never wrote for it (or, with matching ones, ran with exit 0)."""
    path = tmp_path / "spec.yaml"
    path.write_text((ROOT / "configs/default.yaml").read_text("utf-8") + "\nnormalisation:\n  method: rank\n",
                    "utf-8")
    with pytest.raises(SpecError, match=r"'normalisation' is given twice \(lines 27 and 40\)"):
        load_spec(path)


def test_a_framework_key_given_twice_is_refused(tmp_path):
    path = tmp_path / "fw.yaml"
    text = (ROOT / "toolkit/frameworks/undp_hdi.yaml").read_text("utf-8")
    path.write_text(text + "\nversion: '2'\n", "utf-8")
    with pytest.raises(FrameworkError, match=r"'version' is given twice"):
        load_framework(path)


@pytest.mark.parametrize(("edit", "says"), [
    ({"years": [2024, 2024]}, r"years names \[2024\] more than once"),
    ({"years": []}, "years must be a non-empty list"),
    ({"years": [True]}, "years must be a non-empty list"),
    ({"name": ""}, "name must be a non-empty text"),
    ({"name": 7}, "name must be a non-empty text"),
])
def test_years_and_name_are_checked(edit, says):
    with pytest.raises(SpecError, match=says):
        load_spec({"name": "x", **edit})
