"""``build_index`` against a plain numpy build of the same default spec (issue #25). Prints
figures and the ratio; asserts nothing.

The floor does what ``configs/default.yaml`` asks on bare arrays, without frames, logs or checks:
group-median imputation by industry (pandas' grouped median: numpy has none), COINr's outlier rule
(skewness and kurtosis of every column in one pass, winsorising up to 5 points, else log_CT),
min–max to [1, 100] with the indicators' directions, and the tree bottom-up (the framework's own
weights for sub-measures, entropy weights within each dimension, equal weights for the index,
arithmetic means). Its composite must equal ``build_index``'s (the largest difference is printed).

Target (issue #25): ``build_index`` ≤ 2.5× the floor on 100,000 units × 30 leaves. Medians of
interleaved rounds; the machine may be shared, so only the ratio in one run means anything.

Run: .venv/bin/python benchmarks/bench_build.py [--units 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

import toolkit
from toolkit.data.demo import generate

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "configs" / "default.yaml"


def _tree(fw) -> dict[str, list[str]]:
    try:
        from toolkit.framework.tree import index_tree
    except ImportError:  # before the tree moved to the framework package
        from toolkit.index.build import index_tree
    return index_tree(fw)


def _skew_kurt(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected skewness and excess kurtosis of each row (no NaN)."""
    n = rows.shape[1]
    d = rows - rows.mean(axis=1, keepdims=True)
    scale = np.abs(d).max(axis=1, keepdims=True)
    d = d / np.where(scale > 0, scale, 1.0)
    d2 = d * d
    m2 = d2.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = np.einsum("ij,ij->i", d2, d) / n / m2**1.5
        g2 = np.einsum("ij,ij->i", d2, d2) / n / m2**2 - 3.0
        sk = g1 * np.sqrt(n * (n - 1)) / (n - 2)
        ku = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    return sk, ku


def _fails(sk, ku, ts=2.0, tk=3.5):
    return (np.abs(sk) >= ts) & (ku >= tk)


def floor_build(df: pd.DataFrame, fw, leaves: list[str], skip: set[str], directions: np.ndarray,
                fixed: dict[str, np.ndarray]) -> np.ndarray:
    """The composite of the default spec, computed on bare arrays (one year)."""
    cols = {}
    for c in leaves:
        kids = fw.node(c).children
        if c in df:
            cols[c] = df[c].to_numpy(dtype=float)
        else:  # a checklist rolled up from its 0/1 items: 100 × Σ w·item / Σ w (missing if any item is)
            w = np.array([fw.node(k).weight for k in kids], dtype=float)
            cols[c] = 100.0 * (df[list(kids)].to_numpy(dtype=float) @ w) / w.sum()
    X = np.column_stack([cols[c] for c in leaves])
    codes = pd.factorize(df["industry"].to_numpy())[0]
    # 1. group medians by industry for the missing cells (column median when a group has none)
    miss = np.isnan(X)
    cols = np.flatnonzero(miss.any(axis=0))
    if len(cols):
        med = pd.DataFrame(X[:, cols]).groupby(codes).median().to_numpy()
        for jj, j in enumerate(cols):
            r = np.flatnonzero(miss[:, j])
            v = med[codes[r], jj]
            v[np.isnan(v)] = np.nanmedian(X[:, j])
            X[r, j] = v
    # 2. COINr outliers: the statistics of every column at once, then only the failing ones
    sk, ku = _skew_kurt(np.ascontiguousarray(X.T))
    for j in np.flatnonzero(_fails(sk, ku)):
        if leaves[j] in skip:
            continue
        v = X[:, j]
        w, changed = v.copy(), np.zeros(len(v), bool)
        while changed.sum() < 5:
            s, k = _skew_kurt(w[None, :])
            if not _fails(s, k)[0]:
                break
            hit = w == (w.max() if s[0] >= 0 else w.min())
            w[hit] = w[~hit].max() if s[0] >= 0 else w[~hit].min()
            changed |= hit
        s, k = _skew_kurt(w[None, :])
        X[:, j] = np.log(v - v.min() + 0.01 * (v.max() - v.min())) if _fails(s, k)[0] else w
    # 3. min–max to [1, 100], cost indicators reversed
    lo, hi = X.min(axis=0), X.max(axis=0)
    Z = (X - lo) / (hi - lo)
    Z = np.where(directions < 0, 1.0 - Z, Z) * 99.0 + 1.0
    # 4. the tree, deepest parents first
    values = {c: Z[:, j] for j, c in enumerate(leaves)}
    tree = _tree(fw)
    for parent in sorted(tree, key=lambda c: -fw.node(c).depth):
        C = np.column_stack([values[k] for k in tree[parent]])
        level = fw.node(parent).level
        if C.shape[1] == 1:
            w = np.ones(1)
        elif level == "dimension":  # entropy of the min–maxed children
            a = (C - C.min(axis=0)) / (C.max(axis=0) - C.min(axis=0))
            P = a / a.sum(axis=0)
            e = -(P * np.log(np.where(P > 0, P, 1.0))).sum(axis=0) / np.log(len(a))
            w = (1.0 - e) / (1.0 - e).sum()
        elif level == "index":
            w = np.full(C.shape[1], 1.0 / C.shape[1])
        else:
            w = fixed[parent]
        values[parent] = C @ w
    return values[fw.root.code]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from toolkit.index import steps

    df = generate(n_units=args.units, years=(2025,), seed=1)
    spec = toolkit.load_spec(SPEC)
    fw = spec.framework
    r = toolkit.build_index(df, spec)  # warm-up, and the reference composite
    leaves = list(r.normalised.columns)
    skip = {c for c in leaves if fw.node(c).type in spec["outliers"]["skip_types"]}
    directions = fw.directions.reindex(leaves).map({"benefit": 1, "cost": -1}).fillna(1).to_numpy(float)
    tree = _tree(fw)
    fixed = {p: steps.fixed_weights(kids, p, {"method": "framework"}, fw).reindex(kids).to_numpy(float)
             for p, kids in tree.items() if fw.node(p).level not in ("dimension", "index") and len(kids) > 1}
    got = floor_build(df, fw, leaves, skip, directions, fixed)
    diff = float(np.max(np.abs(got - r.composite.to_numpy())))
    times = {"build_index": [], "floor": []}
    for _ in range(args.rounds):  # interleaved
        t0 = time.perf_counter()
        toolkit.build_index(df, spec)
        times["build_index"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        floor_build(df, fw, leaves, skip, directions, fixed)
        times["floor"].append(time.perf_counter() - t0)
    b, f = statistics.median(times["build_index"]), statistics.median(times["floor"])
    print(f"BUILD   {args.units:,} units × {len(leaves)} leaves, default spec, {args.rounds} interleaved rounds: "
          f"build_index {b:.2f} s, plain numpy floor {f:.2f} s: {b / f:.2f}× (target ≤ 2.5); "
          f"composites differ by at most {diff:.1e}")


if __name__ == "__main__":
    main()
