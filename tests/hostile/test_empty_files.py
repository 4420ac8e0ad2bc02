"""Issue #19: an empty or comment-only spec, framework or uncertainty file is an error.

Before, an empty spec ran with the built-in defaults, written as ``name: default`` (the top
unit scored 70.14 where ``configs/default.yaml`` gives 70.23). Every kind of file × every way of
holding nothing, through the command line: exit 1, the file named, the word "empty", no
traceback, nothing written.
"""

from __future__ import annotations

import codecs

import pytest

from toolkit.errors import FrameworkError, SpecError

from .corpus import DEMO_CSV, SPEC
from .guard_cases import Case, run, tree

#: ways a YAML file holds nothing (each loads as None)
EMPTY = {
    "empty": b"",
    "whitespace": b"  \n\t\n   \n",
    "comments": "# 我的指标体系规范\n# weights: entropy\n   # indented comment\n".encode(),
    "document-marker": b"---\n",
    "marker-and-end": b"---\n...\n",
    "bom": codecs.BOM_UTF8,
    "bom-and-comments": codecs.BOM_UTF8 + "# 规范\n".encode(),
    "null": b"~\n",
    "gbk-comments": "# 规范（GBK）\n".encode("gbk"),
}
#: each kind of file and the command line that reads it (``{f}``: the empty file)
KINDS = {
    "spec": ["index", str(DEMO_CSV), "--spec", "{f}", "--out", "out"],
    "framework": ["validate", str(DEMO_CSV), "--framework", "{f}"],
    "uncertainty": ["compare", "--data", str(DEMO_CSV), "--spec", str(SPEC), "--spec", str(SPEC),
                    "--uncertainty", "{f}", "--quota", "5", "--n", "4", "--out", "out"],
}


@pytest.mark.parametrize("variant", sorted(EMPTY))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_empty_file_is_an_error(kind, variant, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_LOCK_DIR", str(tmp_path.parent / f"{tmp_path.name}-locks"))
    (tmp_path / "my.yaml").write_bytes(EMPTY[variant])
    before = tree(tmp_path)
    argv = [a.replace("{f}", "my.yaml") for a in KINDS[kind]] + ["--lang", "en"]
    code, text = run(Case(argv, tmp_path / "my.yaml", ()), tmp_path)
    assert code == 1, text
    assert "Traceback" not in text
    assert "my.yaml" in text and "is empty" in text, text
    assert tree(tmp_path) == before  # nothing written


def test_the_library_refuses_too(tmp_path):
    from toolkit.framework.loader import load_framework
    from toolkit.index.spec import load_spec
    from toolkit.robustness.spec import load_uncertainty_spec

    path = tmp_path / "blank.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    for load, error in ((load_spec, SpecError), (load_framework, FrameworkError), (load_uncertainty_spec, SpecError)):
        with pytest.raises(error, match=r"blank\.yaml: the .* file is empty"):
            load(path)


def test_a_spec_with_one_setting_still_takes_the_defaults_for_the_rest(tmp_path):
    """Not empty: a spec that sets only its name is valid (the other sections are the defaults)."""
    from toolkit.index.spec import load_spec

    path = tmp_path / "named.yaml"
    path.write_text("# only a name\nname: mine\n", encoding="utf-8")
    assert load_spec(path).name == "mine"
