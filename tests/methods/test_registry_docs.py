"""docs/methods-registry.md is generated from the registry and its example runs (issue 20).

The table between the BEGIN/END markers must equal ``toolkit.methods.registry.markdown_table()``;
when a method is added, run ``python -m tests.methods.test_registry_docs`` to rewrite it. The
"runnable example" (a researcher registering their own method) is executed as written.
"""

from __future__ import annotations

import re

from toolkit.methods.registry import markdown_table

from ..conftest import ROOT

PAGE = ROOT / "docs" / "methods-registry.md"
BLOCK = re.compile(r"(<!-- BEGIN registry table[^>]*-->\n)(.*?)(<!-- END registry table -->)", re.S)


def _page_with_table(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + markdown_table() + "\n" + m.group(3), text)


def test_the_docs_table_is_the_registry():
    text = PAGE.read_text("utf-8")
    assert BLOCK.search(text), "docs/methods-registry.md lost its BEGIN/END registry table markers"
    assert text == _page_with_table(text), (
        "docs/methods-registry.md's table drifted from the registry; regenerate it with "
        "`python -m tests.methods.test_registry_docs`")


def test_every_registered_builtin_is_in_the_table():
    from toolkit.methods import table

    rows = BLOCK.search(PAGE.read_text("utf-8")).group(2)
    builtin = table().query("not plugin")
    for step, method in builtin[["step", "method"]].itertuples(index=False):
        assert f"| {step} | `{method}` |" in rows, (step, method)


def test_the_runnable_example_runs(monkeypatch):
    text = PAGE.read_text("utf-8")
    match = re.search(r"<!-- runnable example -->\n```python\n(.*?)```", text, re.S)
    assert match, "docs/methods-registry.md has no runnable example"
    monkeypatch.chdir(ROOT)
    exec(compile(match.group(1), str(PAGE), "exec"), {"__name__": "docs_example"})  # noqa: S102
    from toolkit.methods import table

    assert "weakest_share" not in table()["method"].tolist()  # the example cleans up after itself


if __name__ == "__main__":
    PAGE.write_text(_page_with_table(PAGE.read_text("utf-8")), "utf-8")
    print(f"rewrote the table of {PAGE}")


def test_notebook_02_reads_its_list_from_the_registry():
    """Notebook 02 compares "every objective method": the list is the registry's, not typed in it."""
    from toolkit.methods import methods_of

    source = (ROOT / "notebooks" / "02_weights.py").read_text("utf-8")
    assert 'methods_of("weighting", kind="objective")' in source
    assert not re.search(r'methods = \[[^\]*]*"entropy"', source), "a hand-written list of methods is back"
    assert methods_of("weighting", kind="objective") == ["entropy", "critic", "cv", "std", "pca"]
