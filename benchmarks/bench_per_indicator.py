"""Cost of per-indicator parameters and of screening factors in the uncertainty engine (issue 12).
Prints figures; asserts nothing.

Cases, on the demo data (50 units × 28 indicators, 2025; synthetic), each run in the same process
with ``configs/uncertainty.yaml`` (9 factors, a Saltelli design of ≥ ``--n`` replications),
serially, best of ``--repeats``:

* **scalar**: ``configs/default.yaml`` as it is (``outliers.winmax: 5``, min–max 1–100);
* **mapping**: the same with ``outliers.winmax`` a mapping indicator → 4 or 5 and
  ``normalisation.params.lower`` a mapping indicator → 1 or 2 (each step then runs as two
  groups of columns per data path);
* **screening**: a 2-factor design (screening ``dat_thresh`` × index aggregation) whose
  thresholds keep every unit, against one whose thresholds drop some (NaN ranks, nan-aware
  statistics, the Sobol substitution).

Run: .venv/bin/python benchmarks/bench_per_indicator.py [--n 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

import toolkit
from toolkit.framework.tree import index_leaves
from toolkit.robustness import uncertainty

ROOT = Path(__file__).resolve().parents[1]


def timed(data, spec, uspec, n, repeats):
    best, res = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = uncertainty(data, spec, uspec, n=n, seed=1, sobol_targets="summary")
        best = min(best, time.perf_counter() - t0)
    return best, res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    data = toolkit.read_indicators(ROOT / "data/raw/demo_synthetic_returns.csv")
    spec = toolkit.load_spec(ROOT / "configs/default.yaml").replace({"years": [2025]})
    leaves = index_leaves(spec.framework)
    mapped = spec.replace({"outliers": {"winmax": {c: 4 + i % 2 for i, c in enumerate(leaves)}},
                           "normalisation": {"params": {"lower": {c: 1 + i % 2 for i, c in enumerate(leaves)},
                                                        "upper": 100}}})
    uspec = ROOT / "configs/uncertainty.yaml"
    print(f"demo data (synthetic), 2025: {len(leaves)} indicators; configs/uncertainty.yaml, n ≥ {args.n}")
    t_s, r_s = timed(data, spec, uspec, args.n, args.repeats)
    t_m, r_m = timed(data, mapped, uspec, args.n, args.repeats)
    for name, t, r in (("scalar", t_s, r_s), ("mapping", t_m, r_m)):
        i = r.info
        print(f"  {name:8s} {r.n:6d} replications  {t:6.2f} s  {r.n / t:8.0f} rep/s  "
              f"(prepare {i['seconds_prepare']:.2f} s over {i['n_paths']} data paths, "
              f"replications {i['seconds_replications']:.2f} s)")
    print(f"  mapping / scalar wall time: {t_m / t_s:.3f}")

    def screening(options):
        return {"name": "screening", "factors": [
            {"name": "threshold", "address": "screening.dat_thresh", "options": options},
            {"name": "index_aggregation", "address": "aggregation.index.method",
             "options": ["arithmetic", "geometric"]}]}

    # imputation none (screening after imputation would see no gaps), fixed weights (complete data not needed)
    base = toolkit.load_spec({"years": [2025], "imputation": {"method": "none"},
                              "screening": {"method": "byNA", "dat_thresh": 0.0},
                              "aggregation": {"index": {"method": "arithmetic"}}})
    keep = [0.0, 0.1]
    avail = data.table.query("year == 2025")[leaves].notna().mean(axis=1)
    drop = [0.0, float(np.quantile(avail, 0.3))]
    t_k, r_k = timed(data, base, screening(keep), args.n, args.repeats)
    t_d, r_d = timed(data, base, screening(drop), args.n, args.repeats)
    dropped = float(r_d.rank_stats["screened_out"].gt(0).sum())
    print(f"screening factor, imputation none: thresholds {keep} keep all 50; {[round(x, 3) for x in drop]} "
          f"drop {dropped:.0f} unit(s) in half the replications")
    for name, t, r in (("keeps all", t_k, r_k), ("drops", t_d, r_d)):
        print(f"  {name:9s} {r.n:6d} replications  {t:6.2f} s  {r.n / t:8.0f} rep/s  ranks {r.ranks.dtype}")
    print(f"  drops / keeps-all wall time: {t_d / t_k:.3f}")


if __name__ == "__main__":
    main()
