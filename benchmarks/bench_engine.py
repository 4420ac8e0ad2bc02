"""The Monte Carlo engine at scale (issue #25). Prints figures; asserts nothing.

Two workloads, both ``configs/uncertainty.yaml`` (9 factors, 18 data paths) on a synthetic year
(``toolkit.data.demo.generate(n_units=…, years=(2025,), seed=7)``):

* **A**: 2,800 units × 11,264 replications (Saltelli, N = 1,024, d = 9). Targets: < 12 s,
  parallel faster than serial or not chosen by default, < 500 MB.
* **B**: 100,000 units × 1,408 replications (N = 128). Targets: preparation < 20 % of the run;
  memory bounded by the documented batch budget (``batch_bytes``, 64 MiB a batch).

Every run is a fresh subprocess, so its peak memory is its own (``ru_maxrss`` of the process,
and of its largest child for joblib workers) and its CPU time counts its workers (RUSAGE_CHILDREN,
once they exit: the run shuts its joblib workers down first). Baselines, in the same run:

* the **serial engine** (``executor="serial"``): joblib, auto and Dask as ratios to it;
* with ``--baseline DIR`` (a checkout of an earlier commit, e.g. ``git worktree add /tmp/base
  b196906``), the same serial run on that checkout: the ratio says how much faster the current
  engine is;
* a **naive loop** of ``toolkit.build_index`` per replication (``--naive`` of them, timed on
  workload A's data and extrapolated; it does less than a replication: weight noise and
  exclusion have no spec form).

The 2 cores may be shared with other work: runs are interleaved (serial, joblib, auto, serial,
…) ``--repeats`` times and the medians are printed, with the load average, and CPU seconds next
to wall seconds (CPU time is what a busy machine distorts least).

Run: .venv/bin/python benchmarks/bench_engine.py [--repeats 3] [--skip-large] [--baseline DIR]
     [--executors serial,joblib,auto] [--naive 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, os, resource, sys, time, warnings
warnings.simplefilter("ignore")
import toolkit
from toolkit.data.demo import generate
from toolkit.robustness import uncertainty
root, units, n, executor = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
spec = toolkit.load_spec(root + "/configs/default.yaml").replace({"years": [2025]})
data = generate(n_units=units, years=(2025,), seed=7)
kw = dict(n=n, seed=20240408, sobol_targets="summary", executor=executor, n_jobs=2)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
c0, w0 = time.process_time(), time.perf_counter()
res = uncertainty(data, spec, root + "/configs/uncertainty.yaml", **kw)
wall = time.perf_counter() - w0
try:
    from joblib.externals.loky import get_reusable_executor
    get_reusable_executor().shutdown(wait=True)  # reap the workers: their CPU time and memory count
except Exception:
    pass
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
info = {k: v for k, v in res.info.items() if isinstance(v, (int, float, str, bool))}
print(json.dumps({"wall": wall, "cpu": time.process_time() - c0 + kids.ru_utime + kids.ru_stime,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_before_mb": before,
                  "child_rss_mb": kids.ru_maxrss / 1024, "n": res.n, "units": len(res.units),
                  "load": os.getloadavg()[0], "info": info}))
"""

_NAIVE = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, toolkit
from toolkit.data.demo import generate
from toolkit.robustness import load_uncertainty_spec
from toolkit.robustness.sensitivity import saltelli_design
root, units, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
spec = toolkit.load_spec(root + "/configs/default.yaml").replace({"years": [2025]})
data = generate(n_units=units, years=(2025,), seed=7)
us = load_uncertainty_spec(root + "/configs/uncertainty.yaml", spec=spec)
u = saltelli_design(len(us.factors), 8, 1)[:k]
specs = [us.spec_for({f.name: f.decode(row[j]) for j, f in enumerate(us.factors) if f.kind == "choice"}) for row in u]
t0 = time.perf_counter()
for s in specs:
    toolkit.build_index(data, s)
print(json.dumps({"per_replication": (time.perf_counter() - t0) / len(specs)}))
"""


def _run(code: str, root: Path, *args) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", code, str(root), *map(str, args)], env=env, check=True,
                         capture_output=True, text=True, cwd=root)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def workload_a(a) -> None:
    sides = [(e, ROOT) for e in a.executors.split(",")]
    if a.baseline is not None:
        sides.append(("serial", a.baseline.resolve()))
    runs: dict[tuple, list[dict]] = {s: [] for s in sides}
    for _ in range(a.repeats):
        for executor, root in sides:
            runs[(executor, root)].append(_run(_CHILD, root, a.units, a.n, executor))
    first = next(iter(runs.values()))[0]
    print(f"\n== A: {first['units']:,} units × {first['n']:,} replications (d = 9), medians of {a.repeats} "
          f"interleaved runs, load average {min(r['load'] for v in runs.values() for r in v):.1f}–"
          f"{max(r['load'] for v in runs.values() for r in v):.1f} on {os.cpu_count()} CPUs")
    base = runs[("serial", ROOT)]
    bw, bc = _median(base, "wall"), _median(base, "cpu")
    print(f"   {'run':<24}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}{'workers MB':>11}{'wall ratio':>11}"
          f"{'CPU ratio':>10}  chosen")
    for (executor, root), rs in runs.items():
        label = executor if root == ROOT else f"serial @ {root.name}"
        w, c = _median(rs, "wall"), _median(rs, "cpu")
        chosen = sorted({r["info"].get("executor", executor) for r in rs})
        print(f"   {label:<24}{w:>8.2f}{c:>8.2f}{_median(rs, 'rss_mb'):>9.0f}{_median(rs, 'child_rss_mb'):>11.0f}"
              f"{bw / w:>10.2f}×{bc / c:>9.2f}×  {','.join(chosen)}")
        for r in rs[:1]:
            reason = r["info"].get("executor_reason")
            if reason:
                print(f"      {reason}; batch {r['info'].get('batch_size')}, prepare "
                      f"{r['info'].get('seconds_prepare', 0):.2f} s, replications "
                      f"{r['info'].get('seconds_replications', 0):.2f} s")
    print("   (ratios: the serial engine of this checkout / the run; > 1: the run is faster)")
    _targets_a(runs, bw, bc)
    if a.naive:
        per = _run(_NAIVE, ROOT, a.units, a.naive)["per_replication"]
        print(f"   naive build_index loop: {per * 1e3:.0f} ms a replication → {per * first['n']:,.0f} s for "
              f"{first['n']:,}; the serial engine is {per * first['n'] / bw:,.0f}× faster")


def _targets_a(runs: dict, bw: float, bc: float) -> None:
    """Workload A's targets, each against the serial engine of the same run."""
    base = runs[("serial", ROOT)]
    rss = _median(base, "rss_mb")
    print(f"   target < 12 s: serial {bw:.1f} s wall, {bc:.1f} CPU s → {'met' if bw < 12 else 'NOT met'} on the wall "
          f"clock, {'met' if bc < 12 else 'NOT met'} in CPU time (the wall clock counts the other jobs' share of "
          f"the cores)")
    print(f"   target < 500 MB: serial peak {rss:.0f} MB → {'met' if rss < 500 else 'NOT met'}")
    for executor in ("joblib", "auto"):
        rs = runs.get((executor, ROOT))
        if not rs:
            continue
        w, c = _median(rs, "wall"), _median(rs, "cpu")
        peak = _median(rs, "rss_mb") + _median(rs, "child_rss_mb")
        chosen = sorted({r["info"].get("executor", executor) for r in rs})
        print(f"   {executor}: {bw / w:.2f}× the serial wall clock, {bc / c:.2f}× its CPU time, "
              f"{peak:.0f} MB (parent + largest worker); ran {','.join(chosen)}: {rs[0]['info'].get('executor_reason')}")


def workload_b(a) -> None:
    r = _run(_CHILD, ROOT, a.large_units, a.large_n, a.large_executor)
    info = r["info"]
    total = info["seconds_prepare"] + info["seconds_replications"] + info["seconds_statistics"] + info["seconds_sobol"]
    print(f"\n== B: {r['units']:,} units × {r['n']:,} replications, executor {a.large_executor} → "
          f"{info.get('executor')} ({info.get('executor_reason', '')}); load average {r['load']:.1f}")
    print(f"   wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s: prepare {info['seconds_prepare']:.1f} s "
          f"({info['seconds_prepare'] / total:.0%} of the run), replications {info['seconds_replications']:.1f} s, "
          f"statistics {info['seconds_statistics']:.1f} s")
    out_mb = r["n"] * r["units"] * 4 / 2**20
    share = info["seconds_prepare"] / total
    print(f"   target: preparation < 20 % of the run → {share:.0%}, {'met' if share < 0.2 else 'NOT met'}")
    print(f"   peak memory {r['rss_mb']:.0f} MB (workers {r['child_rss_mb']:.0f} MB): {r['rss_before_mb']:.0f} MB "
          f"before the call (Python, the data), the ranks (replications × units × 4 B) {out_mb:.0f} MB, the "
          f"prepared data paths, and one batch of {info['batch_size']} replication(s) within the 64 MiB budget "
          f"(batch_bytes), {info['n_batches']} batches")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=2800)
    ap.add_argument("--n", type=int, default=10_000, help="replications wanted (Saltelli: N·11)")
    ap.add_argument("--executors", default="serial,joblib,auto")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline", type=Path, help="checkout of an earlier commit: its serial engine too")
    ap.add_argument("--naive", type=int, default=10, help="build_index calls timed (0: skip)")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--only-large", action="store_true")
    ap.add_argument("--large-units", type=int, default=100_000)
    ap.add_argument("--large-n", type=int, default=1400)
    ap.add_argument("--large-executor", default="auto")
    a = ap.parse_args()
    if not a.only_large:
        workload_a(a)
    if not a.skip_large:
        workload_b(a)


if __name__ == "__main__":
    main()
