"""Speed of the uncertainty analysis (issue #5). Prints figures; asserts nothing.

For each case — the demo data (50 units × 28 indicators, year 2025) and a 2,800-unit synthetic
year (``toolkit.data.demo.generate(n_units=2800, years=(2025,))``) — it runs
``toolkit.robustness.uncertainty`` with ``configs/uncertainty.yaml`` (9 factors: imputation,
outliers, normalisation, weights at two levels, ±25 % weight noise, aggregation at two levels,
leave one indicator out) for ≥ 10,000 replications (a Saltelli design: N·(d + 2)), and prints
wall time (split into data-path preparation, replications and Sobol estimation), replications
per second and peak memory (the process's maxrss; for the demo case also tracemalloc's peak, in
a separate untimed call; joblib workers are separate processes, not counted). The demo case
runs serially, the large one on joblib with 2 workers.

The naive baseline calls ``toolkit.build_index`` once per replication with the replication's
specification (``UncertaintySpec.spec_for``; weight noise and exclusion have no spec form, so
the naive loop does *less* work than a replication). ``--naive`` replications are timed in the
same run and extrapolated per replication; the ratio is printed. Targets (2-core machine):
50 units < 10 s and < 2 GB, ≥ 20× the naive loop.

With ``--baseline DIR`` (a checkout of an earlier commit, e.g. ``git worktree add /tmp/base
560415e``, the commit before the registry of issue 10) the demo case is also timed against that
checkout in the same run: each side runs in its own subprocess (alternating, best of
``--repeats``), and the ratio baseline / current is printed (> 1: the current code is faster).

Run: .venv/bin/python benchmarks/bench_robustness.py [--n 10000] [--naive 60] [--units 2800]
     [--executor serial|joblib|dask] [--large-executor joblib] [--skip-large] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

import toolkit
from toolkit.data.demo import generate
from toolkit.robustness import load_uncertainty_spec, uncertainty

ROOT = Path(__file__).resolve().parents[1]
USPEC = ROOT / "configs/uncertainty.yaml"


def naive_seconds_per_replication(data, spec, result, k: int) -> float:
    us = result.uspec
    rows = np.linspace(0, result.n - 1, k).astype(int)
    specs = []
    for r in rows:
        values = {f.name: f.decode(result.design[r, j]) for j, f in enumerate(us.factors) if f.kind == "choice"}
        specs.append(us.spec_for(values))
    t0 = time.perf_counter()
    for s in specs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            toolkit.build_index(data, s)
    return (time.perf_counter() - t0) / k


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_case(label: str, data, spec, n: int, naive: int, executor: str, sobol_targets) -> None:
    before = _maxrss_mb()
    t0 = time.perf_counter()
    res = uncertainty(data, spec, USPEC, n=n, seed=20240408, executor=executor, n_jobs=2,
                      sobol_targets=sobol_targets)
    wall = time.perf_counter() - t0
    info = res.info
    print(f"\n== {label}: {len(res.units)} units, {res.n} replications (N = {res.n_base}, "
          f"d = {len(res.uspec.factors)}), executor={executor}, batch={info['batch_size']}, "
          f"{info['n_paths']} data paths")
    print(f"   wall {wall:.2f} s = prepare {info['seconds_prepare']:.2f} + replications "
          f"{info['seconds_replications']:.2f} + rank statistics {info['seconds_statistics']:.2f} + Sobol "
          f"({sobol_targets}) {info['seconds_sobol']:.2f}")
    print(f"   {res.n / info['seconds_replications']:,.0f} replications/s; peak memory of this process "
          f"(maxrss) {_maxrss_mb():.0f} MB (was {before:.0f} MB before the call)")
    if naive:
        per = naive_seconds_per_replication(data, spec, res, naive)
        naive_total = per * res.n
        print(f"   naive build_index loop: {per * 1e3:.1f} ms/replication ({naive} timed) → "
              f"{naive_total:,.0f} s for {res.n}; speed-up ×{naive_total / wall:.0f} (whole call), "
              f"×{naive_total / info['seconds_replications']:.0f} (replications only)")
    print(res.sensitivity_bars().round(3).to_string(index=False))


def traced_peak_mb(data, spec, n: int) -> float:
    """tracemalloc's peak of Python allocations during one call (a separate run: tracing slows
    numpy-heavy code down, so the timed runs are untraced)."""
    tracemalloc.start()
    uncertainty(data, spec, USPEC, n=n, seed=20240408, sobol_targets="all")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


_TIMER = """
import time, warnings, toolkit
from toolkit.robustness import uncertainty
warnings.simplefilter("ignore")
spec = toolkit.load_spec({root!r} + "/configs/default.yaml").replace({{"years": [2025]}})
demo = toolkit.read_indicators({root!r} + "/data/raw/demo_synthetic_returns.csv")
uncertainty(demo, spec, {root!r} + "/configs/uncertainty.yaml", n=64, seed=1)  # warm-up
t0, c0 = time.perf_counter(), time.process_time()
res = uncertainty(demo, spec, {root!r} + "/configs/uncertainty.yaml", n={n}, seed=20240408, sobol_targets="summary")
print(time.perf_counter() - t0, res.info["seconds_replications"], time.process_time() - c0)
"""


def _timed(root: Path, n: int) -> tuple[float, float, float]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", _TIMER.format(root=str(root), n=n)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def compare_with_baseline(baseline: Path, n: int, repeats: int) -> None:
    """The same uncertainty call on this checkout and on ``baseline``, in the same run."""
    cur, base = [], []
    for _ in range(repeats):
        cur.append(_timed(ROOT, n))
        base.append(_timed(baseline, n))
    c = [min(x[i] for x in cur) for i in range(3)]
    b = [min(x[i] for x in base) for i in range(3)]
    print(f"\n== against the baseline {baseline} (demo data, 2025, n={n}, serial, best of {repeats})")
    print(f"   current: wall {c[0]:.2f} s (replications {c[1]:.2f} s), CPU {c[2]:.2f} s; baseline: wall "
          f"{b[0]:.2f} s (replications {b[1]:.2f} s), CPU {b[2]:.2f} s")
    print(f"   ratio baseline/current: {b[0] / c[0]:.2f}× wall, {b[1] / c[1]:.2f}× replications, "
          f"{b[2] / c[2]:.2f}× CPU time (the CPU ratio is the one to trust on a shared machine)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--naive", type=int, default=60)
    ap.add_argument("--units", type=int, default=2800)
    ap.add_argument("--executor", default="serial", help="for the demo case")
    ap.add_argument("--large-executor", default="joblib", help="for the large case (2 workers)")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--baseline", type=Path, help="checkout of an earlier commit to time against")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline-only", action="store_true", help="only the comparison with --baseline")
    a = ap.parse_args()
    if a.baseline is not None:
        compare_with_baseline(a.baseline.resolve(), a.n, a.repeats)
        if a.baseline_only:
            return
    spec = toolkit.load_spec(ROOT / "configs/default.yaml").replace({"years": [2025]})
    load_uncertainty_spec(USPEC, spec=spec)  # fail fast on a bad file
    demo = toolkit.read_indicators(ROOT / "data/raw/demo_synthetic_returns.csv")
    run_case("demo data, 2025", demo, spec, a.n, a.naive, a.executor, "all")
    print(f"   tracemalloc peak of the same call: {traced_peak_mb(demo, spec, a.n):.0f} MB")
    if not a.skip_large:
        big = generate(n_units=a.units, years=(2025,), seed=7)
        run_case(f"synthetic {a.units} units, 2025", big, spec, a.n, max(a.naive // 3, 5),
                 a.large_executor, "summary")


if __name__ == "__main__":
    main()
