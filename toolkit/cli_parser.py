"""The parsers of ``python -m toolkit``: every command and its options.

:func:`build_parser` declares the commands and their arguments (with a default help in English);
:func:`toolkit.cli_help.localise` then puts the words of :mod:`toolkit.cli_text` on them. What each
command does is in :mod:`toolkit.cli_commands`; :mod:`toolkit.cli` runs a parsed command safely.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import __version__
from .cli_help import localise

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = ROOT / "configs" / "default.yaml"
#: the uncertainty specification ``uncertainty`` reads unless ``--uncertainty`` names another
DEFAULT_UNCERTAINTY = ROOT / "configs" / "uncertainty.yaml"


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
    p.add_argument("--wide", default=None, metavar="PATTERN",
                   help="wide returns, one column per indicator and year, named like {code}_{year}")
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
    p.add_argument("--uncertainty", default=str(DEFAULT_UNCERTAINTY), metavar="YAML",
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
