"""The command line helps: help in Chinese and English with examples, the recipe, --version, messages, tables."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pandas as pd
import pytest

import toolkit
from toolkit.cli import build_parser, main
from toolkit.cli_help import detect_lang
from toolkit.cli_table import display_width, format_table
from toolkit.cli_text import RECIPE, message

from .conftest import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_and_option_has_help_in_both_languages_with_examples(lang):
    parser = build_parser(lang)
    commands = _commands(parser)
    assert {"template", "demo", "validate", "prepare", "index", "reports", "framework", "collect"} <= set(commands)
    for name, sub in commands.items():
        text = sub.format_help()
        examples = [line.strip() for line in text.splitlines() if line.strip().startswith("python -m toolkit ")]
        assert 1 <= len(examples) <= 3 and all(e.split()[3] == name for e in examples), (name, examples)
        assert ("示例：" if lang == "zh" else "examples:") in text
        assert sub.description and bool(CJK.search(sub.description)) == (lang == "zh"), name
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
            assert bool(CJK.search(action.help)) == (lang == "zh"), (name, action.dest, action.help)
    top = parser.format_help()
    assert ("用法：" if lang == "zh" else "usage: ") in top
    assert "argument parsing only" not in top  # no developer text on the first screen


def test_help_follows_lang_then_locale(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(SystemExit) as ex:
        main(["validate", "--help"])
    assert ex.value.code == 0 and "list every problem at once" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["validate", "--help", "--lang", "zh"])
    assert "一次列出全部问题" in capsys.readouterr().out
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    with pytest.raises(SystemExit):
        main(["index", "-h"])
    assert "按指数方案" in capsys.readouterr().out


def test_detect_lang_reads_the_option_before_the_locale():
    assert detect_lang(["reports", "--lang=en"], {"LANG": "zh_CN.UTF-8"}) == "en"
    assert detect_lang(["reports"], {"LANG": "en_US.UTF-8"}) == "en"
    assert detect_lang(["reports"], {"LANG": "de_DE.UTF-8"}) == "en"
    assert detect_lang(["reports"], {"LANG": "zh_TW.UTF-8"}) == "zh"
    assert detect_lang(["reports"], {}) == "zh"  # a neutral locale: the offices' language
    assert detect_lang(["reports"], {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_command_prints_the_office_recipe(lang, capsys):
    assert main(["--lang", lang]) == 0
    out = capsys.readouterr().out
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("python -m toolkit ")]
    assert commands == [cmd for cmd, _, _ in RECIPE]
    assert [c.split()[3] for c in commands] == ["template", "validate", "prepare", "index", "reports", "collect"]
    assert ("五条命令" if lang == "zh" else "five commands") in out


def test_version(capsys):
    with pytest.raises(SystemExit) as ex:
        main(["--version"])
    assert ex.value.code == 0
    assert capsys.readouterr().out.strip() == f"python -m toolkit {toolkit.__version__}"


def test_python_dash_m_toolkit_without_a_command_exits_zero():
    r = subprocess.run([sys.executable, "-m", "toolkit"], capture_output=True, text=True, timeout=60,
                       cwd=ROOT, env={"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0 and "python -m toolkit template --out my_office" in r.stdout
    assert "用自己的填报表" in r.stdout


def test_messages_put_the_count_where_each_language_wants_it():
    assert message("problems_found", "zh", source="a.xlsx", n=2) == "a.xlsx：发现 2 个问题"
    assert message("problems_found", "en", source="a.xlsx", n=2) == "a.xlsx: 2 problems found"
    assert message("problems_found", "en", source="a.xlsx", n=1) == "a.xlsx: 1 problem found"
    assert message("valid", "zh", file="a.csv", rows=100, years="2024, 2025") == \
        "a.csv：通过校验 — 100 行，年份 2024, 2025"


def test_validate_success_and_problem_lines_are_in_the_chosen_language(make_return, capsys):
    from .conftest import col

    good = make_return(n=4)
    assert main(["validate", str(good), "--lang", "zh"]) == 0
    assert capsys.readouterr().out.strip() == f"{good}：通过校验 — 4 行，年份 2021"
    assert main(["validate", str(good), "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == f"{good}: valid — 4 rows, years 2021"

    def edit(header, rows):
        rows[0][col(header, "L1P7")] = "-2"
        rows[1][col(header, "L1P3")] = "130"
    bad = make_return(edit=edit)
    assert main(["validate", str(bad), "--lang", "zh"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{bad}：发现 2 个问题"
    assert err[1].split() == ["行", "列", "值", "规则", "说明"]


def test_problem_table_columns_line_up_by_display_width(make_return, capsys):
    from .conftest import col

    def edit(header, rows):
        rows[0][col(header, "L1P7")] = "-2"
        rows[1][col(header, "L1P3")] = "一百三十"
        rows[2][col(header, "L1P1")] = "abc"
    assert main(["validate", str(make_return(edit=edit)), "--lang", "zh"]) == 1
    lines = capsys.readouterr().err.splitlines()[1:]
    assert len(lines) == 4
    # the rule column (规则) starts at the same display column on every line
    starts = set()
    for line in lines:
        header_cells = lines[0].split()
        cut = line.index("规则") if line is lines[0] else None
        if cut is None:  # find the rule title of this row: a known rule of each problem
            cut = min(line.index(t) for t in ("不能为负数", "不是数字", "比例应在") if t in line)
        starts.add(display_width(line[:cut]))
        assert header_cells[0] == "行"
    assert len(starts) == 1, starts


def test_format_table_pads_wide_characters_to_two_columns():
    t = pd.DataFrame({"name": ["产业规模", "GDP", "ｘ"], "v": [1.5, 22.25, None]})
    lines = format_table(t).splitlines()
    assert lines == ["name          v",
                     "产业规模    1.5",
                     "GDP       22.25",
                     "ｘ"]
    assert {display_width(line) for line in lines[:3]} == {15}
    assert display_width("é") == 1 and display_width("e\u0301") == 1  # a combining accent takes no column


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_framework_command_prints_the_codebook_aligned(lang, capsys):
    assert main(["framework", "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 28
    assert lines[0].split() == (["代码", "维度", "名称", "单位", "类型", "方向"] if lang == "zh"
                                else ["code", "dimension", "name", "unit", "type", "direction"])
    unit = "单位" if lang == "zh" else "unit"
    start = display_width(lines[0][:lines[0].index(unit)])
    for line in lines[1:]:  # the unit column starts at the same display column on every line
        name_end = line.index("亿元") if "亿元" in line else None
        if name_end is not None:
            assert display_width(line[:name_end]) == start, line
    assert ("正向" if lang == "zh" else "benefit") in lines[1]


@pytest.mark.parametrize("argv, zh, en", [
    (["reports", "--by", "nope", "--lang", "zh"], "错误: 参数 --by：无效的取值 'nope'", "invalid choice"),
    (["validate", "--lang", "zh"], "错误: 缺少必填参数：file", "arguments are required: file"),
    (["demo", "--units", "many", "--lang", "zh"], "错误: 参数 --units：'many' 不是整数", "invalid int value"),
])
def test_argparse_usage_errors_follow_the_language(capsys, argv, zh, en):
    """argparse words its own usage errors in English; under --lang zh they are translated (exit 2)."""
    from toolkit.cli import main

    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert zh in err and en not in err
    with pytest.raises(SystemExit):
        main([a if a != "zh" else "en" for a in argv])
    assert en in capsys.readouterr().err
