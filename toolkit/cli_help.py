"""The command line's help in the user's language: which language, and its words on the parsers.

The language is ``--lang`` when the command line gives it, otherwise the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``zh_CN.UTF-8`` → Chinese, ``en_GB.UTF-8`` → English); a neutral locale
(``C``, ``POSIX`` or none) means Chinese, the language of the offices that fill in the returns.

:func:`localise` puts the words of :mod:`toolkit.cli_help_text` on a parser built by
:func:`toolkit.cli_parser.build_parser`: the description and examples of every command, the help of every
option, argparse's own headings, and the default of ``--lang``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
import types
from collections.abc import Mapping, Sequence

from .cli_help_text import COMMANDS, OPTIONS, PROGRAM
from .cli_table import display_width
from .cli_text import LANGS, RECIPE

__all__ = ["detect_lang", "localise", "translate_usage_error", "wrap"]

#: argparse's headings, and those of the examples
HEADINGS = {
    "zh": {"usage": "用法：", "positionals": "位置参数", "options": "选项", "commands": "命令",
           "examples": "示例：", "more": "每条命令的帮助：python -m toolkit 命令 --help"},
    "en": {"usage": "usage: ", "positionals": "positional arguments", "options": "options",
           "commands": "commands", "examples": "examples:",
           "more": "Help for each command: python -m toolkit COMMAND --help"},
}


# ------------------------------------------------------------------ language
def detect_lang(argv: Sequence[str] = (), environ: Mapping[str, str] | None = None) -> str:
    """The language of the command line: ``--lang`` if given, else the locale.

    Parameters
    ----------
    argv : sequence of str
        The command-line arguments (without the program name).
    environ : mapping, optional
        The environment (default: :data:`os.environ`). ``LC_ALL``, then ``LC_MESSAGES``, then
        ``LANG`` is read, as POSIX does.

    Returns
    -------
    {"zh", "en"}
        Chinese for a ``zh`` locale or a neutral one (``C``, ``POSIX``, unset); English for any other.

    Examples
    --------
    >>> detect_lang(["validate", "f.csv", "--lang", "en"])
    'en'
    >>> detect_lang([], {"LANG": "en_GB.UTF-8"}), detect_lang([], {"LANG": "zh_CN.UTF-8"})
    ('en', 'zh')
    >>> detect_lang([], {"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"})
    'zh'
    """
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGS:
            return arg.split("=", 1)[1]
    env = os.environ if environ is None else environ
    value = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    code = value.split(".")[0].split("@")[0].lower()
    if code.startswith("zh") or code in ("", "c", "posix"):
        return "zh"
    return "en"


# ------------------------------------------------------------------ putting the words on a parser
class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' line breaks; prints the usage line with the language's prefix."""

    usage_prefix = "usage: "

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)


class _ChineseFormatter(_Formatter):
    usage_prefix = HEADINGS["zh"]["usage"]


def localise(parser: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Put the words of ``lang`` on ``parser`` and each of its commands.

    Sets the program's and each command's description and examples (epilog), the help of every
    option found in :data:`OPTIONS`, argparse's headings, and the default of every ``--lang``
    option to ``lang``. Options without an entry keep their own help.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The parser of :func:`toolkit.cli_parser.build_parser`, with its commands.
    lang : {"zh", "en"}
        The language.

    Returns
    -------
    argparse.ArgumentParser
        ``parser``, changed in place.

    Examples
    --------
    >>> p = argparse.ArgumentParser(prog="demo")
    >>> _ = p.add_argument("--lang", default="zh")
    >>> "语言" in localise(p, "zh").format_help()
    True
    """
    _check(lang)
    i = LANGS.index(lang)
    words = HEADINGS[lang]
    formatter = _ChineseFormatter if lang == "zh" else _Formatter
    _localise_one(parser, "", lang, formatter)
    parser.description = wrap(PROGRAM[lang])
    parser.epilog = _examples([(c, zh, en) for c, zh, en in RECIPE], lang, words["examples"]) + "\n\n" + words["more"]
    for action in parser._actions:  # argparse keeps the commands in a private list; no public way
        if isinstance(action, argparse._SubParsersAction):
            for group in parser._action_groups:
                if action in group._group_actions:
                    group.title = words["commands"]
            for choice in action._choices_actions:
                text = COMMANDS.get(choice.dest, {}).get("help")
                if text:
                    choice.help = text[i]
            for name, sub in action.choices.items():
                _localise_one(sub, name, lang, formatter)
                entry = COMMANDS.get(name)
                if entry:
                    sub.description = wrap(entry["description"][i])
                    sub.epilog = _examples(entry["examples"], lang, words["examples"])
    return parser


#: argparse's own usage errors (it words them in English), as patterns and their Chinese
_USAGE_ERRORS = (
    (r"argument (?P<a>\S+): invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)",
     "参数 {a}：无效的取值 {v}（可选：{c}）"),
    (r"argument (?P<a>\S+): invalid (?P<t>int|float) value: (?P<v>.+)",
     "参数 {a}：{v} 不是{t}"),
    (r"argument (?P<a>\S+): expected one argument", "参数 {a} 后面需要一个值"),
    (r"argument (?P<a>\S+): expected at least one argument", "参数 {a} 后面至少需要一个值"),
    (r"the following arguments are required: (?P<a>.+)", "缺少必填参数：{a}"),
    (r"unrecognized arguments: (?P<a>.+)", "无法识别的参数：{a}"),
    (r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)", "参数 {a} 不能与 {b} 同时使用"),
)
_TYPE_NAMES = {"int": "整数", "float": "数字"}


def translate_usage_error(message: str, lang: str) -> str:
    """argparse's usage error ``message`` in ``lang`` (argparse itself words them in English).

    Parameters
    ----------
    message : str
        The message argparse passes to ``ArgumentParser.error``.
    lang : {"zh", "en"}
        The language.

    Returns
    -------
    str
        The message in ``lang``; an unknown message is returned as it is.

    Examples
    --------
    >>> translate_usage_error("argument --by: invalid choice: 'x' (choose from 'unit', 'city')", "zh")
    "参数 --by：无效的取值 'x'（可选：'unit', 'city'）"
    >>> translate_usage_error("the following arguments are required: file", "zh")
    '缺少必填参数：file'
    >>> translate_usage_error("the following arguments are required: file", "en")
    'the following arguments are required: file'
    """
    _check(lang)
    if lang == "en":
        return message
    for pattern, zh in _USAGE_ERRORS:
        m = re.fullmatch(pattern, message.strip())
        if m:
            groups = m.groupdict()
            if "t" in groups:
                groups["t"] = _TYPE_NAMES[groups["t"]]
            return zh.format(**groups)
    return message


def _error_in(lang: str):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        word = "错误" if lang == "zh" else "error"
        self.exit(2, f"{self.prog}: {word}: {translate_usage_error(message, lang)}\n")
    return error


def _localise_one(parser, command: str, lang: str, formatter) -> None:
    i = LANGS.index(lang)
    parser.formatter_class = formatter
    parser.error = types.MethodType(_error_in(lang), parser)  # argparse's own errors in ``lang`` too
    for group in parser._action_groups:
        if group.title in ("positional arguments", "位置参数"):
            group.title = HEADINGS[lang]["positionals"]
        elif group.title in ("options", "optional arguments", "选项"):
            group.title = HEADINGS[lang]["options"]
    for action in parser._actions:
        text = OPTIONS.get((command, action.dest)) or OPTIONS.get(action.dest)
        if text is not None and action.help is not argparse.SUPPRESS:
            action.help = text[i]
        if action.dest == "lang" and action.default in LANGS:
            action.default = lang
        if action.metavar is None and action.option_strings and action.nargs != 0 and action.dest in _METAVARS:
            action.metavar = _METAVARS[action.dest]


#: what an option's value is, in its usage line (``--data FILE`` rather than ``--data DATA``)
_METAVARS = {"data": "FILE", "spec": "SPEC", "out": "DIR", "workers": "N", "uncertainty": "N",
             "units": "N", "seed": "N", "only": "ID", "framework": "FRAMEWORK", "run": "NAME",
             "scheduler": "ADDRESS", "years": "YEARS", "formats": "FORMATS", "quota": "N", "n": "N",
             "year": "YEAR", "jobs": "N", "batch_mb": "MIB"}


def wrap(text: str, width: int = 78) -> str:
    """``text`` broken into lines of at most ``width`` display columns.

    English breaks between words; Chinese, which has no spaces, between characters, never
    before a closing punctuation mark.

    Parameters
    ----------
    text : str
        One paragraph.
    width : int, default 78
        Display columns (a Chinese character takes two).

    Returns
    -------
    str

    Examples
    --------
    >>> print(wrap("读取填报表，一次列出全部问题。", width=16))
    读取填报表，一次
    列出全部问题。
    """
    if display_width(text) == len(text):
        return textwrap.fill(text, width)
    lines, line = [], ""
    for token in re.findall(r"[\x21-\x7e]+|\s+|.", text):  # a run of ASCII is never split
        if display_width(line + token) > width and token[0] not in "，。、；：）」』！？":
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return "\n".join([*lines, line.rstrip()])


def _examples(examples, lang: str, heading: str) -> str:
    lines = [heading]
    for cmd, zh, en in examples:
        lines.append(f"  {cmd}")
        lines.append(f"      # {zh if lang == 'zh' else en}")
    return "\n".join(lines)



def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
