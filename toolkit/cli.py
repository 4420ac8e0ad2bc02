"""``python -m toolkit <command>``: the command line of the toolkit.

Commands: ``template``, ``demo``, ``validate``, ``prepare``, ``collect``, ``index``, ``compare``, ``reports``,
``uncertainty``, ``framework``.
Without a command it prints the office recipe. Exit codes: 0 success, 1 invalid input (the problem
report is printed), 2 usage error, 3 internal error (a bug: the message gives the path of a log
file with the traceback; no exception reaches the user as a traceback). What it says, in Chinese or English, is in :mod:`toolkit.cli_text`
(put on the parsers by :mod:`toolkit.cli_help`); this module only parses the arguments and calls the
library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import sys
import tempfile
import traceback
from pathlib import Path

from . import __version__
from .cli_help import detect_lang, localise
from .cli_table import format_table
from .cli_text import PROBLEM_COLUMNS, codebook, message, methods_table, recipe
from .data.problems import ValidationError
from .errors import ToolkitError, UsageError, message_in

EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
#: where "internal error" logs go (overridden by the TOOLKIT_LOG_DIR environment variable)
LOG_DIR = Path(tempfile.gettempdir()) / "sd-brain-toolkit-logs"

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = ROOT / "configs" / "default.yaml"


#: problems printed on the screen; the rest are counted (``validate --out FILE.xlsx`` writes them all)
MAX_PRINTED = 100


def _print_report(err: ValidationError, lang: str) -> None:
    table = err.report_in(lang).drop(columns=["rule_code", "file"])
    print(message("problems_found", lang, source=err.source, n=len(table)), file=sys.stderr)
    shown = table.head(MAX_PRINTED)
    print(format_table(shown.rename(columns=PROBLEM_COLUMNS[lang]), max_width=200), file=sys.stderr)
    if len(table) > len(shown):
        print(message("problems_more", lang, n=len(table) - len(shown), file=err.source), file=sys.stderr)


def _print_notes(notes, lang: str) -> None:
    """The reader's notes (what was read other than as typed, hidden sheets not read), each in
    ``lang`` when it holds both languages (``zh | en``)."""
    for n in notes:
        zh, sep, en = str(n).partition(" | ")
        print(f"  {'注' if lang == 'zh' else 'note'}: {(en if lang == 'en' else zh) if sep else n}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = detect_lang(argv)
    parser = build_parser(lang)
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
    try:
        return _run(args)
    except ValidationError as err:
        _print_report(err, lang)
        if getattr(args, "command", None) == "validate" and getattr(args, "out", None):
            from .reports.workbook import write_problems

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


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The parser of ``python -m toolkit``, with its help in ``lang`` ("zh" or "en")."""
    parser = argparse.ArgumentParser(prog="python -m toolkit")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", dest="top_lang", choices=["zh", "en"], default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("template", help="write a blank return (XLSX and CSV) from the framework")
    p.add_argument("--out", default=".", help="folder to write into (default: current folder)")
    p.add_argument("--framework", default=None, help="framework name or YAML file")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("demo", help="generate the synthetic demo returns (seeded, byte-reproducible)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--out", default="data/raw")
    p.add_argument("--units", type=int, default=50, help="number of brains (e.g. 100000 for scale tests)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--years", default="2021,2022,2023,2024,2025", help="comma-separated years (default 2021–2025)")
    p.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both")

    for name, helptext in (("validate", "check a return and print every problem"),
                           ("prepare", "check a return, then write tidy data to data/processed/")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file")
        p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the report")
        p.add_argument("--framework", default=None)
        p.add_argument("--wide", default=None, metavar="PATTERN",
                       help="a wide file, one column per indicator and year, named like {code}_{year}")
        if name == "prepare":
            p.add_argument("--out", default="data/processed")
        else:
            p.add_argument("--out", default=None, help="also write the problem report to this .xlsx file "
                                                       "(with Excel column letters)")

    p = sub.add_parser("collect", help="collect every return of a folder into one dataset, with its status")
    p.add_argument("folder", help="folder of returns (and its sub-folders one level down)")
    p.add_argument("--out", required=True, help="output folder (keeps earlier rounds and the cache)")
    p.add_argument("--roster", default=None, help="CSV/XLSX of the units expected")
    p.add_argument("--framework", default=None)
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("index", help="build the composite index of a return under a specification")
    p.add_argument("file", help="a return (.csv/.xlsx) or processed data (.parquet)")
    p.add_argument("--spec", default=DEFAULT_SPEC, help="index specification (YAML)")
    p.add_argument("--out", default=None, help="folder (default: data/processed/<file stem>__<spec name>)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--framework", default=None, help="framework name or YAML file (default: the spec's)")

    p = sub.add_parser("compare", help="rankings under several specifications side by side (HTML; docs/studio.md)")
    p.add_argument("--data", default="data/raw/demo_synthetic_returns.csv", help="a return or processed parquet")
    p.add_argument("--spec", action="append", required=True, help="a specification (give two or more)")
    p.add_argument("--out", default="reports/compare")
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--uncertainty", default=None, help="uncertainty spec: adds the selection page")
    p.add_argument("--quota", type=int, default=None, help="selection quota (top N)")
    p.add_argument("--by", default=None, help="quota per group: a group column of the framework")
    p.add_argument("--n", type=int, default=512, help="replications for the selection page")
    p.add_argument("--framework", default=None, help="framework name or YAML file (default: the first spec's)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("reports", help="render one HTML report per brain or city (papermill-style batch)")
    p.add_argument("--data", default="data/raw/demo_synthetic_returns.csv", help="a return or processed parquet")
    p.add_argument("--spec", default=DEFAULT_SPEC)
    p.add_argument("--by", choices=["unit", "city", "region", "all"], default="unit",
                   help="brain profiles, city reports, or both (with links between them)")
    p.add_argument("--only", nargs="+", default=None, help="ids/cities to render, or 'failed'")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--executor", choices=["local", "serial", "dask"], default="local")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--force", action="store_true", help="re-render reports that are up to date")
    p.add_argument("--out", default="reports")
    p.add_argument("--run", default=None, help="run folder name (default: <data stem>__<spec name>, "
                                               "plus __en for English)")
    p.add_argument("--pdf", action="store_true", help="also print each report to an A4 PDF (headless Chromium)")
    p.add_argument("--uncertainty", type=int, default=500, help="Monte Carlo replications for rank intervals")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--framework", default=None, help="framework name or YAML file (default: the spec's)")

    p = sub.add_parser("uncertainty", help="Monte Carlo rank intervals and Sobol indices (docs/steps/robustness.md)")
    p.add_argument("file", help="a return (.csv/.xlsx) or processed data (.parquet)")
    p.add_argument("--spec", default=DEFAULT_SPEC)
    p.add_argument("--uncertainty", default=str(ROOT / "configs" / "uncertainty.yaml"), metavar="YAML",
                   help="uncertainty spec")
    p.add_argument("--n", type=int, default=1000, help="replications wanted (Saltelli: N·(d + 2))")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--executor", choices=["auto", "serial", "joblib", "dask"], default="auto")
    p.add_argument("--jobs", type=int, default=None, help="workers (default: the CPUs)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--batch-mb", type=float, default=64, help="memory budget of one batch, in MiB")
    p.add_argument("--out", default=None, help="folder (default: data/processed/<file stem>__uncertainty)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--framework", default=None)

    p = sub.add_parser("methods", help="list the methods of every step (from the methods registry)")
    p.add_argument("--step", default=None, choices=["denomination", "imputation", "panel", "screening", "outliers",
                                                    "normalisation", "weighting", "combination", "aggregation"])
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    p = sub.add_parser("framework", help="print the codebook")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--framework", default=None)

    p = sub.add_parser("coinr", help="COINr coins in and out")  # toolkit.index.coinr
    p.add_argument("action", choices=["import", "export"])
    p.add_argument("tables", nargs="*", metavar="iData.csv iMeta.csv")
    p.add_argument("--out", required=True)
    p.add_argument("--framework", default=None)
    p.add_argument("--data", default=None)
    p.add_argument("--id", default="coinr_import")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")

    return localise(parser, lang)


def _run(args) -> int:
    if args.command == "template":
        from .data.template import write_template

        for path in write_template(args.out, _framework(args.framework)):
            print(path)
        print(message("template_done", args.lang))
    elif args.command == "demo":
        from .data.demo import DEFAULT_SEED, write_demo

        try:
            years = tuple(int(y) for y in args.years.split(","))
        except ValueError:
            raise UsageError(f"--years must be comma-separated years such as 2021,2022,2023, got {args.years!r}",
                             f"--years 应为逗号分隔的年份，例如 2021,2022,2023，而不是 {args.years!r}") from None
        formats = tuple(f.strip() for f in args.formats.split(","))
        seed = DEFAULT_SEED if args.seed is None else args.seed
        for path in write_demo(args.out, n_units=args.units, seed=seed, years=years, formats=formats):
            print(path)
        print(message("demo_done", args.lang))
    elif args.command == "validate":
        from .data.read import read_indicators

        if args.out and Path(args.out).suffix.lower() != ".xlsx":
            print(f"error: --out must name an .xlsx file, got {args.out!r}", file=sys.stderr)
            return 2
        data = read_indicators(args.file, _framework(args.framework), wide=args.wide)
        if args.out:
            from .reports.workbook import write_problems

            write_problems(ValidationError([], args.file), args.out, args.lang)
        years = ", ".join(str(y) for y in data.years)
        print(message("valid", args.lang, file=args.file, rows=len(data.table), years=years))
        _print_notes(data.notes, args.lang)
    elif args.command == "prepare":
        from .data.prepare import prepare
        from .files import output_lock

        with output_lock(args.out):  # a second run into the same folder stops with a message
            written = prepare(args.file, args.out, _framework(args.framework), wide=args.wide)
        for path in written.values():
            print(path)
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(written["parquet"]).metadata.num_rows
        print(message("prepared", args.lang, out=args.out, rows=rows, parquet=written["parquet"]))
        import json

        _print_notes(json.loads(Path(written["meta"]).read_text("utf-8")).get("notes", ()), args.lang)
    elif args.command == "collect":
        from .reports.collection import collect, summary_lines

        rnd = collect(args.folder, args.out, roster=args.roster, framework=_framework(args.framework), lang=args.lang)
        screen, errors = summary_lines(rnd, args.lang)
        if errors:
            print("\n".join(errors), file=sys.stderr)
        print("\n".join(screen))
        return rnd.exit_code
    elif args.command == "index":
        from .index.build import build_index
        from .index.spec import load_spec
        from .reports.workbook import write_results_with_workbook

        spec = load_spec(args.spec, _framework(args.framework))
        data = _load_data(args.file, spec.framework)
        spec = load_spec(args.spec, data.framework)
        result = build_index(data, spec)
        from .files import output_lock, safe_child

        # the spec's name is slugged and kept inside data/processed
        out = Path(args.out) if args.out else safe_child(Path("data/processed"), f"{Path(args.file).stem}__{spec.name}")
        with output_lock(out):
            write_results_with_workbook(result, out, lang=args.lang, synthetic=data.is_synthetic)
        for y in result.years:
            top = result.summary(y).head(5)
            units = ", ".join(f"{i} ({v:.4g})" for i, v in top[result.framework.root.code].items())
            print(message("top_five", args.lang, year=y, units=units))
        print(message("index_done", args.lang, out=out))
    elif args.command == "compare":
        from .index.spec import load_spec
        from .studio.compare import write_compare

        first = load_spec(args.spec[0], _framework(args.framework))  # the data are read with its framework
        for path in write_compare(_load_data(args.data, first.framework), args.spec, args.out, year=args.year,
                                  uspec=args.uncertainty, quota=args.quota, by=args.by, n=args.n, lang=args.lang):
            print(path)
    elif args.command == "reports":
        from .files import output_lock
        from .reports.batch import run_reports

        with output_lock(args.out):
            by = "city" if args.by == "region" else args.by  # a region report is a "city" report in Shandong
            summary = run_reports(args.data, args.spec, by=by, only=args.only, lang=args.lang,
                                  year=args.year, workers=args.workers, executor=args.executor,
                                  scheduler=args.scheduler, force=args.force, out=args.out, run=args.run,
                                  n_uncertainty=args.uncertainty, progress=not args.no_progress, pdf=args.pdf,
                                  framework=_framework(args.framework))
        done = len(summary.ok)
        print(message("reports_done", args.lang, index=f"{summary.run_dir}/index.html", done=done,
                      skipped=len(summary.skipped), failed=len(summary.failed), seconds=summary.seconds))
        for key, err in summary.failed.items():
            print(message("report_failed", args.lang, key=key, error=err), file=sys.stderr)
        if summary.failed:
            print(message("rerun_failed", args.lang), file=sys.stderr)
        return summary.exit_code
    elif args.command == "uncertainty":
        return _uncertainty(args)
    elif args.command == "methods":
        print(format_table(methods_table(args.lang, args.step)))
    elif args.command == "framework":
        fw = _framework(args.framework)
        from .framework.loader import load_framework

        fw = fw or load_framework()
        print(format_table(codebook(fw, args.lang)))
    elif args.command == "coinr":
        return _coinr(args)
    return 0


def _uncertainty(args) -> int:
    """``uncertainty FILE``: the analysis, then one line on how it ran (executor and why), then the files."""
    from .files import output_lock, safe_child
    from .index.spec import load_spec
    from .publish.guard import check_targets
    from .robustness.outputs import how_it_ran, write_uncertainty
    from .robustness.uncertainty import Execution, uncertainty

    spec = load_spec(args.spec, _framework(args.framework))
    data = _load_data(args.file, spec.framework)
    execution = Execution(args.executor, n_jobs=args.jobs, scheduler=args.scheduler,
                          batch_bytes=max(1, int(args.batch_mb * 2**20)))
    out = Path(args.out) if args.out else safe_child(Path("data/processed"), f"{Path(args.file).stem}__uncertainty")
    # checked before anything is computed: --out (or a folder on its path) may not be an input
    check_targets(files=[out / name for name in ("rank_stats.csv", "sobol.csv", "run.json")])
    with output_lock(out):
        result = uncertainty(data, spec, args.uncertainty, n=args.n, seed=args.seed, execution=execution,
                             sobol_targets="summary")
        print(how_it_ran(result.info))
        for path in write_uncertainty(result, out):
            print(path)
    return 0


def _coinr(args) -> int:
    """``coinr import iData.csv iMeta.csv --out DIR`` / ``coinr export --framework F [--data D] --out DIR``."""
    from .index.coinr import coinr_export, coinr_import

    if args.action == "import":
        if len(args.tables) != 2:
            print("error: coinr import needs two files: iData.csv iMeta.csv", file=sys.stderr)
            return 2
        r = coinr_import(args.tables[0], args.tables[1], args.out, fid=args.id)
        for path in r.paths.values():
            print(path)
        return 0
    fw = _framework(args.framework)
    data = _load_data(args.data, fw) if args.data else None
    coinr_export(fw or "shandong_industrial_brain", data, args.out)
    print(Path(args.out) / "iMeta.csv")
    if data is not None:
        print(Path(args.out) / "iData.csv")
    return 0


def _load_data(path: str, framework=None):
    if path.endswith(".parquet"):
        from .data.prepare import load_processed

        return load_processed(path, framework)
    from .data.read import read_indicators

    return read_indicators(path, framework)


def _framework(source):
    if source is None:
        return None
    from .framework.loader import load_framework

    return load_framework(Path(source) if Path(source).suffix else source)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
