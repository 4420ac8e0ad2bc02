"""``python -m toolkit <command>``: the command line of the toolkit.

Commands: ``template``, ``demo``, ``validate``, ``prepare``, ``collect``, ``index``, ``compare``, ``reports``,
``uncertainty``, ``framework``.
Without a command it prints the office recipe. Exit codes: 0 success, 1 invalid input (the problem
report is printed), 2 usage error, 3 internal error (a bug: the message gives the path of a log
file with the traceback; no exception reaches the user as a traceback). What it says, in Chinese or
English, is in :mod:`toolkit.cli_text` (put on the parsers by :mod:`toolkit.cli_help`).

Three modules, one idea each: :mod:`toolkit.cli_parser` declares the commands and their options,
:mod:`toolkit.cli_commands` runs them (calls the library and prints), and this module is the entry
point: it parses, runs the command, and turns every error into a message and an exit code.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cli_commands import run_command
from .cli_help import detect_lang
from .cli_parser import build_parser
from .cli_table import format_table
from .cli_text import PROBLEM_COLUMNS, message, recipe
from .errors import ToolkitError, UsageError, message_in

if TYPE_CHECKING:
    from .data.problems import ValidationError

EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
#: where "internal error" logs go (overridden by the TOOLKIT_LOG_DIR environment variable)
LOG_DIR = Path(tempfile.gettempdir()) / "sd-brain-toolkit-logs"

#: problems printed on the screen; the rest are counted (``validate --out FILE.xlsx`` writes them all)
MAX_PRINTED = 100


def _print_report(err: ValidationError, lang: str) -> None:
    table = err.report_in(lang).drop(columns=["rule_code", "file"])
    print(message("problems_found", lang, source=err.source, n=len(table)), file=sys.stderr)
    shown = table.head(MAX_PRINTED)
    print(format_table(shown.rename(columns=PROBLEM_COLUMNS[lang]), max_width=200), file=sys.stderr)
    if len(table) > len(shown):
        print(message("problems_more", lang, n=len(table) - len(shown), file=err.source), file=sys.stderr)


@functools.cache
def _parser(lang: str):
    """The parser of ``lang``, built once per process: building it takes some milliseconds, and a
    process that runs many command lines (a notebook, the test suite) parses them all with it
    (``parse_args`` leaves a parser as it was)."""
    return build_parser(lang)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = detect_lang(argv)
    parser = _parser(lang)
    args = parser.parse_args(argv)
    if args.command is None:
        print(recipe(lang, __version__))
        return 0
    if getattr(args, "lang", None) is None:
        args.lang = lang
    return run_safely(args)


def run_safely(args) -> int:
    """Run a parsed command; turn every exception into a message and an exit code.

    Toolkit errors and the operating system's (permissions, a file where a folder is needed)
    are explained in the user's language; anything else is a bug: "internal error, please
    report", with the traceback written to a log file, never to the screen.
    """
    lang = getattr(args, "lang", None) or "zh"
    from .publish.guard import argument_inputs, protected_inputs

    try:
        # every file an argument names (but --out/--run) is an input: the publishing layer
        # refuses to write over it (docs/safety.md, "Inputs are never written")
        with protected_inputs(*argument_inputs(args)):
            return _run_command(args, lang)
    except ToolkitError as err:
        print(message("error", lang, error=message_in(err, lang)), file=sys.stderr)
        return EXIT_USAGE if isinstance(err, UsageError) else EXIT_INVALID
    except OSError as err:
        print(_os_message(err, lang, getattr(args, "out", None)), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - the one place that catches everything: a bug, logged
        log = _write_log(args)
        if lang == "zh":
            print(f"内部错误，请报告此问题（internal error, please report）。详细信息已写入：{log}", file=sys.stderr)
        else:
            print(f"internal error, please report it. Details were written to: {log}", file=sys.stderr)
        return EXIT_INTERNAL


def _run_command(args, lang: str) -> int:
    # imported here, with pandas: once a command runs, not for the help or the recipe
    from .data.problems import ValidationError

    try:
        return run_command(args)
    except ValidationError as err:
        _print_report(err, lang)
        if getattr(args, "command", None) == "validate" and getattr(args, "out", None):
            from .reports.problem_workbook import write_problems

            print(write_problems(err, args.out, lang), file=sys.stderr)
        return EXIT_INVALID


def _os_message(err: OSError, lang: str, out=None) -> str:
    path = err.filename or out or "--out"  # a write on a full disk raises without a path: the folder written
    if err.errno == errno.ENOSPC:
        return (f"磁盘空间不足：无法写入 {path}。已有的输出保持不变；请释放磁盘空间（或换一个 --out）后重新运行"
                if lang == "zh" else
                f"no space left on the disk holding {path}: nothing was replaced (the earlier outputs are kept); "
                "free some space (or choose another --out) and run again")
    if isinstance(err, PermissionError):
        return (f"没有权限访问 {path}：请检查文件或 --out 文件夹是否可读写" if lang == "zh"
                else f"permission denied: {path} (check that the file can be read and the --out folder written)")
    if isinstance(err, (FileExistsError, NotADirectoryError)):
        return (f"{path} 是一个已有文件，不是文件夹：--out 必须是文件夹" if lang == "zh"
                else f"{path} is an existing file, not a folder: --out must be a folder")
    if isinstance(err, IsADirectoryError):
        return f"{path} 是文件夹，不是文件" if lang == "zh" else f"{path} is a folder, not a file"
    if isinstance(err, FileNotFoundError):
        return f"文件不存在：{path}" if lang == "zh" else f"file not found: {path}"
    reason = err.strerror or str(err)
    return f"无法读写 {path}：{reason}" if lang == "zh" else f"cannot read or write {path}: {reason}"


def _write_log(args) -> Path:
    folder = Path(os.environ.get("TOOLKIT_LOG_DIR") or LOG_DIR)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = f"command: {vars(args)}\n\n{traceback.format_exc()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"error-{stamp}-{os.getpid()}.log"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        fd, name = tempfile.mkstemp(prefix="sd-brain-toolkit-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return Path(name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
