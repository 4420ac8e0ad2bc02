"""Speed of the index engine (issue #3). Prints figures; asserts nothing.

1. Entropy weights + TOPSIS for 1,000 perturbed copies of a 50 × 28 matrix: one vectorised
   call (toolkit.methods.weighting.weight_kernels.entropy_kernel + toolkit.methods.aggregation.aggregate.topsis_kernel,
   the kernels build_index and the uncertainty engine run) against a loop over
   scikit-criteria (EntropyWeighter → VectorScaler → TOPSIS), in the same run; both give the
   same closeness (checked), and the ratio is printed. Target: ≥ 20×.
2. 100,000 units × 28 indicators through configs/default.yaml: wall time and peak memory.
   Target: < 10 s and < 2 GB on the 2-core machine.

Run: .venv/bin/python benchmarks/bench_index.py [--units 100000] [--copies 1000]
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings
from pathlib import Path

import numpy as np

import toolkit
from toolkit.data.demo import generate
from toolkit.methods.aggregation.aggregate import topsis_kernel
from toolkit.methods.weighting.weight_kernels import entropy_kernel

ROOT = Path(__file__).resolve().parents[1]


def demo_matrix() -> np.ndarray:
    """The demo's 2025 indicator matrix (50 units × 28 indicators), imputed and treated."""
    r = toolkit.build_index(toolkit.read_indicators(ROOT / "data/raw/demo_synthetic_returns.csv"),
                            ROOT / "configs/default.yaml")
    X = r.scores.copy()
    # one column per indicator: rolled-up indicators from scores, the rest from treated data
    cols = list(r.framework.indicators.index)
    M = np.column_stack([X[c] if c in X else r.treated[c] for c in cols])
    return M[r.composite.index.get_level_values("year") == 2025]


def bench_entropy_topsis(copies: int) -> None:
    M = demo_matrix()
    rng = np.random.default_rng(0)
    batch = M[None] * rng.uniform(0.9, 1.1, size=(copies, *M.shape))
    t0 = time.perf_counter()
    w = entropy_kernel(batch)
    c_vec = topsis_kernel(batch, w, normalisation="vector")[0]
    t_vec = time.perf_counter() - t0
    try:
        import skcriteria as skc
        from skcriteria.agg.topsis import TOPSIS
        from skcriteria.preprocessing.scalers import MinMaxScaler, VectorScaler
        from skcriteria.preprocessing.weighters import EntropyWeighter
    except ImportError:
        print(f"entropy+TOPSIS, {copies} copies of {M.shape}: vectorised {t_vec:.3f} s (scikit-criteria absent)")
        return
    n_loop = min(copies, 200)
    t0 = time.perf_counter()
    c_loop = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in range(n_loop):
            dm = skc.mkdm(batch[k], [max] * M.shape[1])
            dm = MinMaxScaler(target="matrix").transform(dm)  # the textbook pipeline: min-max first …
            w_k = EntropyWeighter().transform(dm).weights.to_numpy()
            dm = skc.mkdm(batch[k], [max] * M.shape[1], weights=w_k)
            res = TOPSIS().evaluate(VectorScaler(target="matrix").transform(dm))
            c_loop.append(res.e_.similarity)
    t_loop = (time.perf_counter() - t0) * copies / n_loop
    np.testing.assert_allclose(np.array(c_loop), c_vec[:n_loop], atol=1e-9)
    print(f"entropy+TOPSIS, {copies} copies of {M.shape[0]}×{M.shape[1]}: vectorised {t_vec:.3f} s; "
          f"scikit-criteria loop {t_loop:.2f} s (timed {n_loop}, scaled); ratio {t_loop / t_vec:.0f}×")


def bench_large(units: int) -> None:
    df = generate(n_units=units, years=(2025,), seed=1)
    spec = toolkit.load_spec(ROOT / "configs/default.yaml")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    r = toolkit.build_index(df, spec)
    dt = time.perf_counter() - t0
    # peak resident memory of the whole process (data generation included): an upper bound on
    # what build_index needs. tracemalloc is not used: it slows allocation-heavy code ~5×.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"build_index, {units:,} units × {len(r.framework.indicators)} indicators "
          f"({r.normalised.shape[1]} leaves): {dt:.2f} s; process peak RSS {rss:.0f} MiB "
          f"(before: {rss_before:.0f} MiB)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--copies", type=int, default=1000)
    args = ap.parse_args()
    bench_entropy_topsis(args.copies)
    bench_large(args.units)
