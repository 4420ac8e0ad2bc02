"""``python -m toolkit <command>``: argument parsing only; the work is done by the library.

Commands: ``template``, ``demo``, ``validate``, ``prepare``, ``index``, ``reports``, ``framework``.
Exit codes: 0 success, 1 invalid input (the problem report is printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .data.problems import ValidationError
from .errors import ToolkitError


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
    p.add_argument("--framework", default=None, help="framework name or YAML file (default: the spec's)")

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
    p.add_argument("--framework", default=None, help="framework name or YAML file (default: the spec's)")

    p = sub.add_parser("framework", help="print the codebook")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--framework", default=None)

    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ValidationError as err:
        _print_report(err, getattr(args, "lang", "zh"))
        return 1
    except ToolkitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _run(args) -> int:
    if args.command == "template":
        from .data.template import write_template

        for path in write_template(args.out, _framework(args.framework)):
            print(path)
    elif args.command == "demo":
        from .data.demo import DEFAULT_SEED, write_demo

        years = tuple(int(y) for y in args.years.split(","))
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

        for path in prepare(args.file, args.out, _framework(args.framework)).values():
            print(path)
    elif args.command == "index":
        from .index.build import build_index
        from .index.export import write_results
        from .index.spec import load_spec

        spec = load_spec(args.spec, _framework(args.framework))
        data = _load_data(args.file, spec.framework)
        spec = load_spec(args.spec, data.framework)
        result = build_index(data, spec)
        out = Path(args.out or Path("data/processed") / f"{Path(args.file).stem}__{spec.name}")
        write_results(result, out)
        for y in result.years:
            top = result.summary(y).head(5)
            print(f"{y}: " + ", ".join(f"{i} ({v:.4g})" for i, v in top[result.framework.root.code].items()))
        print(out)
    elif args.command == "reports":
        from .reports.batch import run_reports

        summary = run_reports(args.data, args.spec, by=args.by, only=args.only, lang=args.lang, year=args.year,
                              workers=args.workers, executor=args.executor, scheduler=args.scheduler,
                              force=args.force, out=args.out, run=args.run, n_uncertainty=args.uncertainty,
                              progress=not args.no_progress, framework=_framework(args.framework))
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


def _load_data(path: str, framework=None):
    if path.endswith(".parquet"):
        from .data.prepare import load_processed

        return load_processed(path, framework)
    from .data.read import read_indicators

    return read_indicators(path, framework)


def _framework(source):
    if source is None:
        return None
    from .framework.model import load_framework

    return load_framework(Path(source) if Path(source).suffix else source)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
