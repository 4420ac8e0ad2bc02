"""Speed of the typology step of the report bundle (issue #13). Prints figures; asserts nothing.

The bundle clusters the demo's 50 brains of the latest year with k-means, k = 2…8, 50 gap
reference sets and 50 bootstrap replicates (``toolkit.reports.bundle``). Its cost was the gap
statistic: 9 values of k × 51 data sets of k-means fits. Compared in the same run:

* **before** — the previous algorithm: the gap for every k (``gap="full"``), every fit through
  scikit-learn's full input validation (the old ``fit_labels``, kept here as the baseline);
* **after** — the default now: the gap computed only until its vote is known (``gap="decide"``:
  the same values where computed, the same decision by construction), fits without repeated
  validation (inputs are checked once at the edge), each k-means fit made by
  :mod:`toolkit.analysis.kmeans` (scikit-learn's algorithm in numpy, the restarts' Lloyd
  iterations side by side: the same labels without scikit-learn's per-fit overhead, #25);
* **after, repeated** — the same call again in the process: the gap table is memoised by a hash of
  the data and the arguments.

Each prints its seconds, the chosen k and whether the partition equals the baseline's.
Target: the typology step well under 1.5 s, with the same k on the demo data.

Run: .venv/bin/python benchmarks/bench_typology.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

import toolkit
from toolkit.analysis import clustering, stability
from toolkit.analysis.typology import typology

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = dict(year=2025, k_range=(2, 8), seed=20240408 % (2**31), n_boot=50)  # as reports.bundle calls it


def old_fit_labels(X, k, method="kmeans", seed=0, n_init=None):
    """``fit_labels`` as it was: scikit-learn validates its input and parameters on every fit."""
    from scipy.cluster.hierarchy import linkage
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    X = np.asarray(X, dtype=float)
    n_init = clustering.RESTARTS[method][0] if n_init is None else int(n_init)
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(X)
    if method == "ward":
        return clustering._cut(linkage(X, method="ward"), k)  # benchmark only: the same cut
    return GaussianMixture(n_components=k, covariance_type="diag", n_init=n_init, random_state=seed).fit(X).predict(X)


@contextmanager
def baseline():
    new = clustering.fit_labels
    clustering.fit_labels = stability.fit_labels = clustering.one_thread(old_fit_labels)
    try:
        yield
    finally:
        clustering.fit_labels = stability.fit_labels = new


def timed(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        clustering.clear_cache()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant; the best is reported")
    args = parser.parse_args(argv)
    result = toolkit.build_index(toolkit.read_indicators(ROOT / "data/raw/demo_synthetic_returns.csv"),
                                 ROOT / "configs/default.yaml")
    typology(result, year=2025, k=2, n_boot=0, n_ref=2, k_range=(2, 3))  # warm imports

    with baseline():
        t_before, before = timed(lambda: typology(result, gap="full", **BUNDLE), args.repeat)
        t_gap_before, _ = timed(lambda: clustering.gap_statistic(before.features, range(1, 10), n_ref=50,
                                                                 seed=BUNDLE["seed"]), args.repeat)
    t_after, after = timed(lambda: typology(result, **BUNDLE), args.repeat)
    t_gap_after, _ = timed(lambda: clustering.gap_statistic(after.features, range(1, 10), n_ref=50,
                                                            seed=BUNDLE["seed"], decide_from=2), args.repeat)
    typology(result, **BUNDLE)
    t0 = time.perf_counter()
    again = typology(result, **BUNDLE)
    t_again = time.perf_counter() - t0

    X = after.features.to_numpy()
    fits = 200
    one_old, one_new = clustering.one_thread(old_fit_labels), clustering.fit_labels
    t_fit_old = t_fit_new = 0.0
    same_fits = True
    for s in range(fits):  # interleaved, so that a busy machine slows both alike
        t0 = time.perf_counter()
        a = one_old(X, 3, "kmeans", s, 10)
        t_fit_old += time.perf_counter() - t0
        t0 = time.perf_counter()
        b = one_new(X, 3, "kmeans", s, 10)
        t_fit_new += time.perf_counter() - t0
        same_fits &= bool((a == b).all())

    same = after.assignments.equals(before.assignments) and again.assignments.equals(before.assignments)
    print(f"typology step of the bundle (demo, 50 brains, k 2…8, 50 reference sets, 50 bootstrap; best of {args.repeat})")
    print(f"  before  (gap for every k, validating fits) {t_before:6.2f} s   k = {before.k}   "
          f"gap fits {sum(1 for k in before.evidence['gap_computed'] if k > 1) * 51}")
    print(f"  after   (gap until decided)               {t_after:6.2f} s   k = {after.k}   "
          f"gap fits {sum(1 for k in after.evidence['gap_computed'] if k > 1) * 51}   "
          f"ratio {t_before / t_after:5.1f}×")
    print(f"  after, repeated (gap memoised)            {t_again:6.2f} s   k = {again.k}   ratio {t_before / t_again:5.1f}×")
    print(f"  gap statistic alone: before {t_gap_before:.2f} s, after {t_gap_after:.2f} s "
          f"({t_gap_before / t_gap_after:.1f}×)")
    print(f"  one k-means fit (n_init 10): before {1e3 * t_fit_old / fits:.2f} ms, after {1e3 * t_fit_new / fits:.2f} ms "
          f"({t_fit_old / t_fit_new:.2f}×; identical labels: {same_fits})")
    print(f"  same k: {before.k == after.k == again.k}; same partition: {same}; "
          f"same votes: {before.evidence['choices'] == after.evidence['choices']}")


if __name__ == "__main__":
    main()
