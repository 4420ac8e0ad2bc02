"""What each command of ``python -m toolkit`` does: read its arguments, call the library, print.

:func:`run_command` runs a parsed command (:mod:`toolkit.cli_parser`) and returns its exit code;
errors propagate to :func:`toolkit.cli.run_safely`, which turns them into messages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .cli_guard import UNCERTAINTY_FILES, check_outputs
from .cli_listings import codebook, methods_table
from .cli_table import format_table
from .cli_text import message
from .errors import UsageError

__all__ = ["print_notes", "run_command"]


def print_notes(notes, lang: str) -> None:
    """Print the reader's notes (what was read other than as typed, hidden sheets not read), each in
    ``lang`` when it holds both languages (``zh | en``).

    Parameters
    ----------
    notes : iterable of str
    lang : {"zh", "en"}

    Returns
    -------
    None

    Examples
    --------
    >>> print_notes(["已按文本读取 | read as text", "plain"], "en")
      note: read as text
      note: plain
    """
    for n in notes:
        zh, sep, en = str(n).partition(" | ")
        print(f"  {'注' if lang == 'zh' else 'note'}: {(en if lang == 'en' else zh) if sep else n}")


def run_command(args) -> int:
    """Run one parsed command; its exit code (0, or what the command's summary says).

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`toolkit.cli_parser.build_parser`, with ``lang`` set.

    Returns
    -------
    int

    Examples
    --------
    >>> from toolkit.cli_parser import build_parser
    >>> args = build_parser().parse_args(["methods", "--step", "weighting", "--lang", "en"])
    >>> code = run_command(args)  # doctest: +ELLIPSIS
    step ...
    >>> code
    0
    """
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
        check_outputs(args)  # before anything is read: --out may not be the return checked
        data = read_indicators(args.file, _framework(args.framework), wide=args.wide)
        if args.out:
            from .data.problems import ValidationError
            from .reports.problem_workbook import write_problems

            write_problems(ValidationError([], args.file), args.out, args.lang)
        years = ", ".join(str(y) for y in data.years)
        print(message("valid", args.lang, file=args.file, rows=len(data.table), years=years))
        print_notes(data.notes, args.lang)
    elif args.command == "prepare":
        from .data.prepare import prepare
        from .files import output_lock

        check_outputs(args)
        with output_lock(args.out):  # a second run into the same folder stops with a message
            written = prepare(args.file, args.out, _framework(args.framework), wide=args.wide)
        for path in written.values():
            print(path)
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(written["parquet"]).metadata.num_rows
        print(message("prepared", args.lang, out=args.out, rows=rows, parquet=written["parquet"]))
        import json

        print_notes(json.loads(Path(written["meta"]).read_text("utf-8")).get("notes", ()), args.lang)
    elif args.command == "collect":
        from .data.round import check_paths
        from .reports.collection import collect, summary_lines

        # its usage errors first (an --out holding the returns' folder), then the write guard
        check_paths(Path(args.folder), Path(args.out), Path(args.roster) if args.roster else None)
        check_outputs(args)
        rnd = collect(args.folder, args.out, roster=args.roster, framework=_framework(args.framework), lang=args.lang,
                      wide=args.wide)
        screen, errors = summary_lines(rnd, args.lang)
        if errors:
            print("\n".join(errors), file=sys.stderr)
        print("\n".join(screen))
        return rnd.exit_code
    elif args.command == "index":
        from .index.build import build_index
        from .index.spec import load_spec
        from .reports.workbook import write_results_with_workbook

        check_outputs(args)
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

        check_outputs(args)
        first = load_spec(args.spec[0], _framework(args.framework))  # the data are read with its framework
        for path in write_compare(_load_data(args.data, first.framework), args.spec, args.out, year=args.year,
                                  uspec=args.uncertainty, quota=args.quota, by=args.by, n=args.n, lang=args.lang):
            print(path)
    elif args.command == "reports":
        from .files import output_lock
        from .reports.batch import run_reports

        check_outputs(args)
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

    out = Path(args.out) if args.out else safe_child(Path("data/processed"), f"{Path(args.file).stem}__uncertainty")
    # checked before anything is read: --out (or a folder on its path) may not be an input
    check_targets(files=[out / name for name in UNCERTAINTY_FILES])
    spec = load_spec(args.spec, _framework(args.framework))
    data = _load_data(args.file, spec.framework)
    execution = Execution(args.executor, n_jobs=args.jobs, scheduler=args.scheduler,
                          batch_bytes=max(1, int(args.batch_mb * 2**20)))
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
        check_outputs(args)
        r = coinr_import(args.tables[0], args.tables[1], args.out, fid=args.id)
        for path in r.paths.values():
            print(path)
        return 0
    check_outputs(args)
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
