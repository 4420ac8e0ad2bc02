"""``python -m toolkit <command>``: argument parsing only; the work is done by the library.

Commands: ``template``, ``demo``, ``validate``, ``prepare``, ``index``, ``reports``, ``framework``.
Exit codes: 0 success, 1 invalid input (the problem report is printed), 2 usage error,
3 internal error (a bug: the message gives the path of a log file with the details).
No exception reaches the user as a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path

import pandas as pd

from .data.problems import ValidationError
from .errors import DataError, FrameworkError, SpecError, ToolkitError, UsageError, message_in

EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
#: where "internal error" logs go (overridden by the TOOLKIT_LOG_DIR environment variable)
LOG_DIR = Path(tempfile.gettempdir()) / "sd-brain-toolkit-logs"
_KIND = {SpecError: ("指标规格文件有误", "specification error"), FrameworkError: ("指标体系文件有误", "framework error"),
         DataError: ("数据无法用于该方法", "data error"), UsageError: ("用法错误", "usage error")}


def _print_report(err: ValidationError, lang: str) -> None:
    table = err.report_in(lang).drop(columns=["rule_code"])
    title = "发现问题" if lang == "zh" else "problems found"
    print(f"{err.source}: {len(table)} {title}", file=sys.stderr)
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 80, "display.width", 200):
        print(table.astype(object).where(table.notna(), "").to_string(index=False), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("template", help="write a blank return (XLSX and CSV) from the framework")
    p.add_argument("--out", default=".", help="folder to write into (default: current folder)")
    p.add_argument("--framework", default=None, help="framework name or YAML file")

    p = sub.add_parser("demo", help="generate the synthetic demo returns (seeded, byte-reproducible)")
    p.add_argument("--out", default="data/raw")
    p.add_argument("--units", type=int, default=50, help="number of brains (e.g. 100000 for scale tests)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--years", default="2024,2025", help="comma-separated years")
    p.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both")

    for name, helptext in (("validate", "check a return and print every problem"),
                           ("prepare", "check a return, then write tidy data to data/processed/")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file")
        p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the report")
        p.add_argument("--framework", default=None)
        if name == "prepare":
            p.add_argument("--out", default="data/processed")

    p = sub.add_parser("index", help="build the composite index of a return under a specification")
    p.add_argument("file", help="a return (.csv/.xlsx) or processed data (.parquet)")
    p.add_argument("--spec", default="configs/default.yaml", help="index specification (YAML)")
    p.add_argument("--out", default=None, help="folder (default: data/processed/<file stem>__<spec name>)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("reports", help="render one HTML report per brain or city (papermill-style batch)")
    p.add_argument("--data", default="data/raw/demo_synthetic_returns.csv", help="a return or processed parquet")
    p.add_argument("--spec", default="configs/default.yaml")
    p.add_argument("--by", choices=["unit", "city"], default="unit")
    p.add_argument("--only", nargs="+", default=None, help="ids/cities to render, or 'failed'")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--executor", choices=["local", "serial", "dask"], default="local")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--force", action="store_true", help="re-render reports that are up to date")
    p.add_argument("--out", default="reports")
    p.add_argument("--run", default=None, help="run folder name (default: <data stem>__<spec name>)")
    p.add_argument("--uncertainty", type=int, default=500, help="Monte Carlo replications for rank intervals")
    p.add_argument("--no-progress", action="store_true")

    p = sub.add_parser("framework", help="print the codebook")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--framework", default=None)

    args = parser.parse_args(argv)
    return run_safely(args)


def run_safely(args) -> int:
    """Run a parsed command; turn every exception into a message and an exit code.

    Toolkit errors and the operating system's (permissions, a file where a folder is needed)
    are explained in the user's language; anything else is a bug: "internal error, please
    report", with the traceback written to a log file, never to the screen.
    """
    lang = getattr(args, "lang", None) or _locale_lang()
    try:
        return _run(args)
    except ValidationError as err:
        _print_report(err, lang)
        return EXIT_INVALID
    except ToolkitError as err:
        kind = next((v for k, v in _KIND.items() if isinstance(err, k)), ("错误", "error"))
        title = kind[0] if lang == "zh" else kind[1]
        print(f"{title}: {message_in(err, lang)}", file=sys.stderr)
        return EXIT_USAGE if isinstance(err, UsageError) else EXIT_INVALID
    except OSError as err:
        print(_os_message(err, lang), file=sys.stderr)
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


def _locale_lang() -> str:
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "en" if lang.lower().startswith("en") else "zh"


def _os_message(err: OSError, lang: str) -> str:
    path = err.filename or ""
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


def _run(args) -> int:
    if args.command == "template":
        from .data.template import write_template

        for path in write_template(args.out, _framework(args.framework)):
            print(path)
    elif args.command == "demo":
        from .data.demo import DEFAULT_SEED, write_demo

        try:
            years = tuple(int(y) for y in args.years.split(","))
        except ValueError:
            raise UsageError(f"--years must be comma-separated years such as 2024,2025, got {args.years!r}",
                             f"--years 应为逗号分隔的年份，例如 2024,2025，而不是 {args.years!r}") from None
        formats = tuple(f.strip() for f in args.formats.split(","))
        seed = DEFAULT_SEED if args.seed is None else args.seed
        for path in write_demo(args.out, n_units=args.units, seed=seed, years=years, formats=formats):
            print(path)
    elif args.command == "validate":
        from .data.read import read_indicators

        data = read_indicators(args.file, _framework(args.framework))
        ok = "通过校验" if args.lang == "zh" else "valid"
        print(f"{args.file}: {ok} — {len(data.table)} rows, years {data.years}")
    elif args.command == "prepare":
        from .data.prepare import prepare
        from .files import output_lock

        with output_lock(args.out):
            for path in prepare(args.file, args.out, _framework(args.framework)).values():
                print(path)
    elif args.command == "index":
        from .index.build import build_index
        from .index.export import write_results
        from .index.spec import load_spec

        data = _load_data(args.file)
        spec = load_spec(args.spec, data.framework)
        result = build_index(data, spec)
        from .files import output_lock, safe_child

        out = Path(args.out) if args.out else safe_child(Path("data/processed"), f"{Path(args.file).stem}__{spec.name}")
        with output_lock(out):
            write_results(result, out)
        for y in result.years:
            top = result.summary(y).head(5)
            print(f"{y}: " + ", ".join(f"{i} ({v:.1f})" for i, v in top[result.framework.root.code].items()))
        print(out)
    elif args.command == "reports":
        from .files import output_lock
        from .reports.batch import run_reports

        with output_lock(args.out):
                summary = run_reports(args.data, args.spec, by=args.by, only=args.only, lang=args.lang,
                                  year=args.year, workers=args.workers, executor=args.executor,
                                  scheduler=args.scheduler,
                                  force=args.force, out=args.out, run=args.run,
                                  n_uncertainty=args.uncertainty, progress=not args.no_progress)
        done = len(summary.ok)
        print(f"{summary.run_dir}/index.html: {done} rendered, {len(summary.skipped)} up to date, "
              f"{len(summary.failed)} failed ({summary.seconds:.1f} s)")
        for key, err in summary.failed.items():
            print(f"  FAILED {key}: {err}", file=sys.stderr)
        if summary.failed:
            print("  re-run only these with: --only failed", file=sys.stderr)
        return summary.exit_code
    elif args.command == "framework":
        fw = _framework(args.framework)
        from .framework.model import load_framework

        fw = fw or load_framework()
        cols = ["dimension", f"name_{args.lang}", "unit", "type", "direction"]
        with pd.option_context("display.max_rows", None, "display.width", 200):
            print(fw.indicators[cols].to_string())
    return 0


def _load_data(path: str):
    if path.endswith(".parquet"):
        from .data.prepare import load_processed

        return load_processed(path)
    from .data.read import read_indicators

    return read_indicators(path)


def _framework(source):
    if source is None:
        return None
    from .framework.model import load_framework

    return load_framework(Path(source) if Path(source).suffix else source)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
