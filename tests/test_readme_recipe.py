"""The README's office recipe works as written: its five commands, run in an empty folder on a return
filled in from the template, each exit 0 and leave the reports behind; the sixth collects two filled-in
templates from a folder into one dataset.

The commands are parsed out of the README's recipe code block, so the test runs exactly what a newcomer
copies; the return is the template filled in programmatically with rows of the bundled (synthetic) demo
data, the way an office fills it by hand. The first command runs as typed, ``python -m toolkit`` in an
interpreter of its own; the others run through :func:`toolkit.cli.main`, which is all ``python -m toolkit``
does (``toolkit/__main__.py``: ``sys.exit(main())``), with the same arguments, folder and locale: the
same code, without five more interpreters each importing the toolkit (about 6 CPU-s).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from toolkit.cli import main
from toolkit.cli_text import RECIPE

from .conftest import ROOT

README = ROOT / "README.md"
MARKER = "<!-- office-recipe"


def recipe_commands(text: str) -> list[list[str]]:
    """The command lines of the first code block after the office-recipe marker, comments dropped."""
    after = text[text.index(MARKER):]
    block = after.split("```", 2)[1]
    lines = block.splitlines()[1:]  # the first line is the block's language
    return [shlex.split(line, comments=True) for line in lines if shlex.split(line, comments=True)]


def test_readme_recipe_is_the_one_the_command_line_prints():
    commands = recipe_commands(README.read_text("utf-8"))
    assert [" ".join(c) for c in commands] == [cmd for cmd, _, _ in RECIPE]
    assert [c[3] for c in commands] == ["template", "validate", "prepare", "index", "reports", "collect"]


def test_readme_points_to_nothing_outside_the_repository():
    text = README.read_text("utf-8")
    assert "shared/reference" not in text
    for target in __import__("re").findall(r"\]\(([^)#\s]+)", text):
        if "://" not in target:
            assert (ROOT / target).exists(), target
    assert len(text.split()) < 1000  # five minutes of reading


def _fill_template(template: Path, target: Path, demo_rows, n_units: int, skip: int = 0) -> int:
    """Type ``n_units`` demo brains (their last two years, after the first ``skip``) into the template, as an
    office would."""
    header, rows = demo_rows
    year = header.index(next(h for h in header if h.split()[0] == "year"))
    last_two = sorted({r[year] for r in rows})[-2:]
    rows = [r for r in rows if r[year] in last_two]
    units = list(dict.fromkeys(r[0] for r in rows))[skip:skip + n_units]
    wb = openpyxl.load_workbook(template)
    ws = wb["填报表 Data"]
    assert [c.value for c in ws[1]] == header  # the template's header is the demo file's
    chosen = [r for r in rows if r[0] in units]
    for r in chosen:
        ws.append([v if v != "" else None for v in r])
    wb.save(target)
    return len(chosen)


@pytest.mark.slow
def test_readme_office_recipe_runs_on_a_filled_template(tmp_path, demo_rows, monkeypatch, capsys):
    commands = recipe_commands(README.read_text("utf-8"))
    # the newcomer's shell: in the empty folder, a Chinese locale, this checkout's toolkit (the reports' kernels too)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)

    def run(cmd, own_interpreter=False):
        """The command's standard output; it must exit 0."""
        assert cmd[:3] == ["python", "-m", "toolkit"]
        if own_interpreter:
            r = subprocess.run([sys.executable, *cmd[1:]], capture_output=True, text=True, timeout=600)
            code, out, err = r.returncode, r.stdout, r.stderr
        else:
            capsys.readouterr()
            try:
                code = main(cmd[3:])
            except SystemExit as stop:  # argparse's usage errors, as ``python -m toolkit`` would exit
                code = stop.code
            out, err = capsys.readouterr()
        assert code == 0, f"{' '.join(cmd)} exited {code}:\n{out}\n{err}"
        return out

    out = run(commands[0], own_interpreter=True)  # template
    template = tmp_path / "my_office" / "indicator_return_template.xlsx"
    assert template.exists() and "空白填报表已写出" in out
    # "fill it in and save it as my_office/return.xlsx"
    saved = Path(commands[1][-1])
    n_rows = _fill_template(template, tmp_path / saved, demo_rows, n_units=16)
    assert n_rows == 32

    assert "通过校验 — 32 行" in run(commands[1])  # validate
    run(commands[2])  # prepare
    assert (tmp_path / "my_office" / "processed" / "return.parquet").exists()
    run(commands[3])  # index
    assert (tmp_path / "my_office" / "index" / "scores.csv").exists()
    out = run(commands[4])  # reports
    run_dir = tmp_path / "my_office" / "reports" / "return__default"
    assert (run_dir / "index.html").exists()
    pages = sorted(run_dir.glob("unit-*.html"))
    assert len(pages) == 16
    assert "生成 16 份" in out and "0 份失败" in out
    # 6. an office that receives many returns: two offices' templates, filled in, in my_office/returns
    (tmp_path / "my_office" / "returns").mkdir()
    first = _fill_template(template, tmp_path / "my_office" / "returns" / "office_a.xlsx", demo_rows, n_units=10)
    second = _fill_template(template, tmp_path / "my_office" / "returns" / "office_b.xlsx", demo_rows, n_units=6,
                            skip=10)
    out = run(commands[5])  # collect
    assert "2 个文件：2 个已收集" in out
    collected = tmp_path / "my_office" / "collected"
    assert (collected / "collection.xlsx").exists() and (collected / "collection.html").exists()
    assert pq.ParquetFile(collected / "collected.parquet").metadata.num_rows == first + second == 32
