"""Speed of the weighting studio and of SMAA (issue #14). Prints figures; asserts nothing.

1. Studio update latency on the demo: the time from a widget change (a dimension slider, an
   indicator slider, a method selector) to re-rendered outputs, over many changes; against a
   full ``build_index`` per change (what re-running a notebook cell costs). Target: < 0.3 s.
2. SMAA-2 with 10,000 weight draws on the demo's dimension scores (toolkit.robustness.smaa,
   vectorised) against a naive loop that calls ``build_index`` with manual dimension weights once
   per draw. The loop is timed on the first ``--naive`` draws and scaled to 10,000; its ranks are
   checked to equal SMAA's on those draws.
3. Every method of every level's selectors: the time of the first change to it (the studio's
   cache emptied before each change, so nothing is reused), and of a dimension-slider move while
   it is selected; median and worst over ``--reps`` changes each.

Run: .venv/bin/python benchmarks/bench_studio.py [--changes 30] [--draws 10000] [--naive 40] [--reps 5]
[--only methods]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

import toolkit
from toolkit.robustness.smaa import smaa_index
from toolkit.studio.app import Studio

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data/raw/demo_synthetic_returns.csv"
SPEC = ROOT / "configs/default.yaml"


def studio_latency(data, changes: int) -> None:
    studio = Studio(data, SPEC)
    rng = np.random.default_rng(0)
    timings = {"dimension slider": [], "indicator slider": [], "method selector": []}
    cpu = {k: [] for k in timings}
    dims = list(studio.dimension_sliders)
    methods = ["equal", "critic", "entropy", "pca"]
    for i in range(changes):
        t, c = time.perf_counter(), time.process_time()
        studio.dimension_sliders[dims[i % len(dims)]].value = round(float(rng.uniform(0.05, 1)), 2)
        timings["dimension slider"].append(time.perf_counter() - t)
        cpu["dimension slider"].append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        ind = list(studio.indicator_sliders)
        studio.indicator_sliders[ind[i % len(ind)]].value = round(float(rng.uniform(0.05, 1)), 2)
        timings["indicator slider"].append(time.perf_counter() - t)
        cpu["indicator slider"].append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        studio.weight_method["dimension"].value = methods[i % len(methods)]
        timings["method selector"].append(time.perf_counter() - t)
        cpu["method selector"].append(time.process_time() - c)
    full = []
    for _ in range(max(5, changes // 5)):
        t = time.perf_counter()
        toolkit.build_index(data, studio.model.spec)
        full.append(time.perf_counter() - t)
    print(f"1. studio update latency on the demo ({changes} changes of each kind; target < 0.3 s; wall time "
          "includes waiting for the CPU on a shared machine, CPU time is this process's own)")
    for kind, ts in timings.items():
        print(f"   {kind:17s} wall median {statistics.median(ts) * 1000:6.1f} ms, max {max(ts) * 1000:6.1f} ms; "
              f"CPU median {statistics.median(cpu[kind]) * 1000:6.1f} ms")
    print(f"   full build_index per change (baseline) median {statistics.median(full) * 1000:6.1f} ms "
          f"→ the studio is {statistics.median(full) / statistics.median(timings['dimension slider']):.1f}× faster")


def _timed(fn, cpu: list | None = None) -> float:
    t, c = time.perf_counter(), time.process_time()
    fn()
    if cpu is not None:
        cpu.append(time.process_time() - c)
    return time.perf_counter() - t


def method_latency(data, reps: int) -> None:
    """First-change latency of every offered method at every level (the cache emptied each time)."""
    studio = Studio(data, SPEC)
    rng = np.random.default_rng(1)
    dims = list(studio.dimension_sliders)
    index_nominal = studio.weight_method["index"].value
    rows = []
    print(f"3. every method at every level: first change (cache emptied), median / worst of {reps}; and a "
          "dimension slider moved while the method is selected")
    for section, selectors in (("weights", studio.weight_method), ("aggregation", studio.aggregation_method)):
        for level, dd in selectors.items():
            nominal = dd.value
            for method in dd.options:
                if method == nominal:
                    continue
                change, slide, cpu = [], [], []
                for _ in range(reps):
                    studio.model.clear_cache()
                    change.append(_timed(lambda m=method, dd=dd: setattr(dd, "value", m), cpu))
                    if studio.message.value:
                        break
                    s = studio.dimension_sliders[dims[int(rng.integers(len(dims)))]]
                    studio.model.clear_cache()
                    slide.append(_timed(lambda s=s: setattr(s, "value", round(float(rng.uniform(0.05, 1)), 2))))
                    dd.value = nominal
                    studio.weight_method["index"].value = index_nominal  # the slider switched it to manual
                failed = " (not computed: " + studio.message.value[:60] + ")" if studio.message.value else ""
                dd.value = nominal
                med = statistics.median(change) * 1000
                worst = max(change) * 1000
                sl = f"slider median {statistics.median(slide) * 1000:6.1f} ms, worst {max(slide) * 1000:6.1f} ms" \
                    if slide else ""
                print(f"   {section:11s} {level:10s} {method:10s} change median {med:6.1f} ms, worst {worst:6.1f} ms "
                      f"(CPU median {statistics.median(cpu) * 1000:6.1f} ms); {sl}{failed}")
                rows.append((section, level, method, med, worst))
    worst = max(rows, key=lambda r: r[4])
    print(f"   slowest: {worst[0]} {worst[1]} {worst[2]}, worst {worst[4]:.0f} ms (target < 300 ms)")


def smaa_speed(data, draws: int, naive: int) -> None:
    result = toolkit.build_index(data, SPEC)
    year = result.years[-1]
    t = time.perf_counter()
    acc = smaa_index(result, year=year, n=draws, seed=1)
    t_smaa = time.perf_counter() - t
    dims = list(result.dimension_scores.columns)
    spec = toolkit.load_spec(SPEC)
    t = time.perf_counter()
    for k in range(naive):
        w = dict(zip(dims, map(float, acc.weights[k]), strict=True))
        r = toolkit.build_index(data, spec.replace({"weights": {"index": {"method": "manual", "values": w}}}))
        ranks = r.rank.xs(year, level="year").reindex(acc.rank_acceptability.index).to_numpy()
        assert (ranks == acc.ranks[k]).all(), f"draw {k}: SMAA ranks differ from build_index"
    t_naive = (time.perf_counter() - t) / naive
    print(f"2. SMAA-2 on the demo ({len(acc.holistic)} brains × {len(dims)} dimensions, year {year})")
    print(f"   vectorised, {draws:,} draws: {t_smaa:.2f} s")
    print(f"   naive loop of build_index: {t_naive * 1000:.0f} ms per draw (timed on {naive}; ranks equal) "
          f"→ {t_naive * draws:.0f} s for {draws:,}")
    print(f"   ratio: {t_naive * draws / t_smaa:,.0f}× faster")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=30)
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--naive", type=int, default=40)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", choices=("latency", "methods", "smaa"), default=None)
    args = ap.parse_args()
    data = toolkit.read_indicators(DEMO)
    print("(synthetic demo data)")
    if args.only in (None, "latency"):
        studio_latency(data, args.changes)
    if args.only in (None, "smaa"):
        smaa_speed(data, args.draws, args.naive)
    if args.only in (None, "methods"):
        method_latency(data, args.reps)


if __name__ == "__main__":
    main()
