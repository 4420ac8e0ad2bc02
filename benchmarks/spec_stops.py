"""How far the specification travels (issue 20): follow the spec from ``uncertainty()`` and count
its stops. Prints figures; asserts nothing.

A *stop* is a call of a toolkit function that receives the index specification — an
:class:`~toolkit.index.spec.IndexSpec`, or an argument named ``spec`` (not the spec's own
methods: reading a key is not a stop) — traced with
``sys.setprofile`` while ``uncertainty()`` runs a small design on the demo data. Consecutive stops
in one file count as one *visit*; a *return* is a visit to a file the spec had already left. The
issue's figures before the plan: 27 stops in 14 files, 13 returns (and 16 stops in 7 files one
release earlier); with the plan on the steps' side only: 77 stops in 7 files, 6 returns,
``index/steps.py`` entered 4 times. Since the steps and the engine run compiled plans
(``toolkit.index.plan.compile_plan``): 5 files, each entered once, no return (n = 8: 77 stops, most
of them the plan compiling each data path's spec). ``tests/robustness/test_spec_stops.py`` fails
when a module is entered again.

Run: .venv/bin/python benchmarks/spec_stops.py [--n 8]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from pathlib import Path

import toolkit
from toolkit.index.spec import IndexSpec
from toolkit.robustness import uncertainty

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = str(ROOT / "toolkit")


DEFAULT_SPEC = ROOT / "configs" / "default.yaml"


def follow(n: int, spec=DEFAULT_SPEC) -> list[tuple[str, str]]:
    """(file, function) of every stop, in call order (distinct call sites only once per frame).

    ``spec=None`` follows the other way in: the nominal spec is the uncertainty file's ``spec:``
    entry (here the same default.yaml), read where the uncertainty spec is read."""
    stops: list[tuple[str, str]] = []

    def profile(frame, event, arg):
        if event != "call" or not frame.f_code.co_filename.startswith(PACKAGE):
            return
        code = frame.f_code
        names = [a for a in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount] if a != "self"]
        if any(isinstance(frame.f_locals.get(a), IndexSpec) or (a == "spec" and frame.f_locals.get(a) is not None)
               for a in names):
            stops.append((str(Path(code.co_filename).relative_to(ROOT)), code.co_name))

    data = toolkit.read_indicators(ROOT / "data" / "raw" / "demo_synthetic_returns.csv")
    uspec = {"name": "stops", "factors": [
        {"name": "norm", "address": "normalisation.method", "options": ["minmax", "rank"]},
        {"name": "dim_w", "address": "weights.dimension.method", "options": ["entropy", "equal"]},
        {"name": "agg", "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]}]}
    if spec is None:
        uspec["spec"] = str(DEFAULT_SPEC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sys.setprofile(profile)
        try:
            uncertainty(data, spec, uspec, n=n, seed=1, design="montecarlo")
        finally:
            sys.setprofile(None)
    return stops


def summary(stops) -> dict:
    """Stops, files, visits (runs of one file) and returns to a file already left."""
    visits = [f for i, (f, _) in enumerate(stops) if i == 0 or stops[i - 1][0] != f]
    seen, returns = set(), 0
    for f in visits:
        returns += f in seen
        seen.add(f)
    return {"stops": len(stops), "distinct call sites": len(set(stops)), "files": len(seen), "visits": len(visits),
            "returns": returns, "visits per file": Counter(visits).most_common()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--from-uncertainty-file", action="store_true",
                        help="spec=None: the nominal spec is the uncertainty file's `spec:` entry")
    args = parser.parse_args()
    stops = follow(args.n, None if args.from_uncertainty_file else DEFAULT_SPEC)
    s = summary(stops)
    for key in ("stops", "distinct call sites", "files", "visits", "returns"):
        print(f"{key:>20}: {s[key]}")
    print("visits per file:")
    for f, k in s["visits per file"]:
        print(f"  {k:3d}  {f}")
    print("distinct call sites, in first-call order:")
    for f, fn in dict.fromkeys(stops):
        print(f"  {f}:{fn}")


if __name__ == "__main__":
    main()
