"""What the command line prints, in Chinese and English: the office recipe, its messages and the
headings of the problem table.

The words of the help (what each command and option is for) are in :mod:`toolkit.cli_help_text`
(re-exported here); the codebook and methods tables in :mod:`toolkit.cli_listings`.
"""

from __future__ import annotations

from .cli_help_text import COMMANDS, OPTIONS, PROGRAM

__all__ = ["COMMANDS", "LANGS", "MESSAGES", "OPTIONS", "PROBLEM_COLUMNS", "PROGRAM", "RECIPE", "check_lang",
           "message", "recipe"]

LANGS = ("zh", "en")

# ------------------------------------------------------------------ the office recipe
#: the five commands an office runs on its own file, and the sixth for an office that receives many
#: (the README shows the same recipe)
RECIPE = [
    ("python -m toolkit template --out my_office",
     "写出空白填报表 my_office/indicator_return_template.xlsx",
     "a blank return: my_office/indicator_return_template.xlsx"),
    ("python -m toolkit validate my_office/return.xlsx",
     "填好后另存为 my_office/return.xlsx，逐条列出问题（行、列、值、规则）",
     "fill it in, save it as my_office/return.xlsx: every problem, by row and column"),
    ("python -m toolkit prepare my_office/return.xlsx --out my_office/processed",
     "校验通过后写出整理好的数据",
     "tidy, validated data"),
    ("python -m toolkit index my_office/processed/return.parquet --out my_office/index",
     "计算综合指数、维度得分和排名",
     "composite index, dimension scores and ranks"),
    ("python -m toolkit reports --data my_office/processed/return.parquet --out my_office/reports",
     "每个产业大脑一份 HTML 报告，打开 my_office/reports/…/index.html",
     "one HTML report per brain: open my_office/reports/…/index.html"),
    ("python -m toolkit collect my_office/returns --out my_office/collected",
     "收到多份填报表时：放进 my_office/returns，合并为一份数据，并列出谁没有报送（collection.html）",
     "many returns: put them in my_office/returns; one dataset, and who is missing (collection.html)"),
]

_RECIPE_HEAD = {
    "zh": "产业大脑评价工具包 {version}\n\n用自己的填报表，五条命令得到报告（收到多份填报表时，第六条命令先把它们合并）：\n",
    "en": ("Industrial Brain evaluation toolkit {version}\n\nYour own return to reports, in five commands (a sixth "
           "for an office that receives many returns):\n"),
}
_RECIPE_FOOT = {
    "zh": ("\n每条命令的说明和示例：python -m toolkit 命令 --help"
           "\n想先看示例（模拟数据）：make reports"
           "\nEnglish: python -m toolkit --lang en"),
    "en": ("\nHelp and examples for each command: python -m toolkit COMMAND --help"
           "\nThe demo first (synthetic data): make reports"
           "\n中文：python -m toolkit --lang zh"),
}


def recipe(lang: str, version: str = "") -> str:
    """The office recipe, as ``python -m toolkit`` prints it when no command is given.

    Parameters
    ----------
    lang : {"zh", "en"}
        Language of the comments.
    version : str, optional
        Shown in the first line.

    Returns
    -------
    str
        The six commands, each with a numbered comment, between a heading and pointers to more help.

    Examples
    --------
    >>> text = recipe("en", "0.1.0")
    >>> text.splitlines()[0]
    'Industrial Brain evaluation toolkit 0.1.0'
    >>> sum(line.lstrip().startswith("python -m toolkit ") for line in text.splitlines())
    6
    """
    check_lang(lang)
    lines = [_RECIPE_HEAD[lang].format(version=version).rstrip()]
    for i, (cmd, zh, en) in enumerate(RECIPE, 1):
        lines.append(f"  # {i}. {zh if lang == 'zh' else en}")
        lines.append(f"  {cmd}")
    return "\n".join(lines) + "\n" + _RECIPE_FOOT[lang]


# ------------------------------------------------------------------ messages
#: message key → (zh, en); fields in braces
MESSAGES: dict[str, tuple[str, str]] = {
    "problems_found": ("{source}：发现 {n} 个问题", "{source}: {n} {problems} found"),
    "problems_more": ("…… 另有 {n} 个问题未显示；全部问题：python -m toolkit validate {file} --out 问题清单.xlsx",
                      "… and {n} more problems not shown; all of them: python -m toolkit validate {file} --out problems.xlsx"),
    "valid": ("{file}：通过校验 — {rows} 行，年份 {years}", "{file}: valid — {rows} rows, years {years}"),
    "written": ("已写入 {n} 个文件：", "{n} files written:"),
    "prepared": ("整理好的数据已写入 {out}（{rows} 行）。下一步：python -m toolkit index {parquet}",
                 "processed data written to {out} ({rows} rows). Next: python -m toolkit index {parquet}"),
    "template_done": ("空白填报表已写出。填好后另存，再运行：python -m toolkit validate 文件",
                      "blank return written. Fill it in, save it, then run: python -m toolkit validate FILE"),
    "demo_done": ("模拟示例数据已写出（不是真实数据）", "synthetic demo data written (not real data)"),
    "top_five": ("{year} 年前五名：{units}", "{year}, top five: {units}"),
    "index_done": ("指数结果已写入 {out}", "index results written to {out}"),
    "reports_done": ("{index}：生成 {done} 份，{skipped} 份已是最新，{failed} 份失败（{seconds:.1f} 秒）",
                     "{index}: {done} rendered, {skipped} up to date, {failed} failed ({seconds:.1f} s)"),
    "report_failed": ("  失败 {key}：{error}", "  FAILED {key}: {error}"),
    "rerun_failed": ("  只重做失败的报告：加上 --only failed", "  re-run only these with: --only failed"),
    "error": ("错误：{error}", "error: {error}"),
}

#: column headings of the problem table
PROBLEM_COLUMNS = {
    "zh": {"file": "文件", "row": "行", "column": "列", "value": "值", "rule": "规则", "message": "说明"},
    "en": {"file": "file", "row": "row", "column": "column", "value": "value", "rule": "rule", "message": "message"},
}


def message(key: str, lang: str, **fields) -> str:
    """One message of the command line in ``lang``.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES`.
    lang : {"zh", "en"}
        The language.
    **fields
        The values of the message's fields. ``n`` also sets ``problems`` to "problem" or
        "problems" for the English plural.

    Returns
    -------
    str

    Examples
    --------
    >>> message("problems_found", "zh", source="return.xlsx", n=2)
    'return.xlsx：发现 2 个问题'
    >>> message("problems_found", "en", source="return.xlsx", n=1)
    'return.xlsx: 1 problem found'
    """
    check_lang(lang)
    if "n" in fields:
        fields.setdefault("problems", "problem" if fields["n"] == 1 else "problems")
    return MESSAGES[key][LANGS.index(lang)].format(**fields)


def check_lang(lang: str) -> None:
    """Stop with a ``ValueError`` unless ``lang`` is one of :data:`LANGS`.

    Parameters
    ----------
    lang : str

    Returns
    -------
    None

    Examples
    --------
    >>> check_lang("zh")
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be one of ('zh', 'en'), got 'fr'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
