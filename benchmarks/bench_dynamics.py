"""Speed of the dynamics chain (issue #23). Prints figures; asserts nothing.

The whole chain of ``toolkit.dynamics`` on 2,000 units × 10 years (synthetic: log-normal levels with
catch-up growth and noise, three groups, the units on a 40 × 50 grid with queen contiguity):
Dagum by group per year, Theil per year, kernel densities, σ-, absolute and conditional β-convergence,
the Markov chain, the spatial Markov chain, Moran's I per year (999 permutations) and LISA in the last
year (999 conditional permutations). Target: < 10 s on the 2-core machine.

The Dagum step is compared, in the same run, with a plain numpy Dagum that forms the n × n matrix of
absolute differences per year (the direct double sums); both give the same G, G_w, G_nb, G_t (checked).

Run: .venv/bin/python benchmarks/bench_dynamics.py [--units 2000] [--years 10]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from libpysal.weights import lat2W

from toolkit import dynamics
from toolkit.dynamics.spatial import adjacency_weights


def synthetic(units: int, years: int, seed: int = 0) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    level = rng.lognormal(3.5, 0.5, units)
    group = rng.choice(["A", "B", "C"], units)
    rows = []
    for _ in range(years):
        rows.append(level.copy())
        level = level * np.exp(0.03 - 0.05 * (np.log(level) - 3.5) + rng.normal(0, 0.03, units))
    ids = [f"u{i:05d}" for i in range(units)]
    idx = pd.MultiIndex.from_product([range(2016, 2016 + years), ids], names=["year", "unit_id"])
    y = pd.Series(np.concatenate(rows), index=idx).swaplevel().sort_index()
    g = pd.Series(np.tile(group, years), index=idx).swaplevel().sort_index()
    return y, g


def numpy_dagum(v: np.ndarray, g: np.ndarray) -> tuple[float, float, float, float]:
    """Dagum (1997) from the n × n matrix of |y_i − y_r| (the baseline)."""
    n, mu = len(v), v.mean()
    D = np.abs(v[:, None] - v[None, :])
    G = D.sum() / (2 * n * n * mu)
    labels = sorted(set(g), key=lambda k: -v[g == k].mean())
    m = {k: v[g == k].mean() for k in labels}
    p = {k: (g == k).sum() / n for k in labels}
    s = {k: p[k] * m[k] / mu for k in labels}
    Gw = sum(D[np.ix_(g == k, g == k)].sum() / (2 * (g == k).sum() ** 2 * m[k]) * p[k] * s[k] for k in labels)
    Gnb = Gt = 0.0
    for a, j in enumerate(labels):
        for h in labels[a + 1:]:
            diff = v[g == j][:, None] - v[g == h][None, :]
            d, q = np.maximum(diff, 0).mean(), np.maximum(-diff, 0).mean()
            Gjh = np.abs(diff).mean() / (m[j] + m[h])
            Gnb += Gjh * (p[j] * s[h] + p[h] * s[j]) * (d - q) / (d + q)
            Gt += Gjh * (p[j] * s[h] + p[h] * s[j]) * (1 - (d - q) / (d + q))
    return G, Gw, Gnb, Gt


def make_steps(y, g, w) -> dict:
    last = y.index.get_level_values("year").max()
    return {
        "dagum by group": lambda: dynamics.dagum_panel(y, g),
        "theil": lambda: dynamics.theil_panel(y, g),
        "kernel density": lambda: dynamics.kde_by_year(y),
        "sigma": lambda: dynamics.sigma_convergence(y),
        "beta absolute": lambda: dynamics.beta_convergence(y),
        "beta two-way FE": lambda: dynamics.beta_conditional(y),
        "markov": lambda: dynamics.markov_chain(y),
        "spatial markov": lambda: dynamics.spatial_markov(y, w),
        "moran per year": lambda: dynamics.moran_panel(y, w),
        "lisa (last year)": lambda: dynamics.lisa(y.xs(last, level="year"), w),
    }


def main(units: int, years: int) -> None:
    t = time.perf_counter()
    for name in ("dagum", "theil", "kde", "convergence", "markov", "spatial"):   # imports, once per process
        getattr(dynamics, name)
    print(f"imports of toolkit.dynamics (scipy, statsmodels, PySAL): {time.perf_counter() - t:.2f} s, not counted below")
    y, g = synthetic(units, years)
    side = int(np.ceil(np.sqrt(units)))
    lat = lat2W(side, int(np.ceil(units / side)), rook=False)
    ids = sorted(y.index.get_level_values("unit_id").unique())
    w = adjacency_weights({ids[k]: [ids[v] for v in vs if v < units] for k, vs in lat.neighbors.items() if k < units})
    small_y, small_g = synthetic(100, 3, seed=1)
    side_s = lat2W(10, 10, rook=False)
    ids_s = sorted(small_y.index.get_level_values("unit_id").unique())
    w_s = adjacency_weights({ids_s[k]: [ids_s[v] for v in vs] for k, vs in side_s.neighbors.items()})
    t = time.perf_counter()
    for f in make_steps(small_y, small_g, w_s).values():   # first calls: lazy imports of each library
        f()
    print(f"first calls on 100 units × 3 years (lazy imports): {time.perf_counter() - t:.2f} s, not counted below")
    times, out = {}, {}
    steps = make_steps(y, g, w)
    t_all = time.perf_counter()
    for name, f in steps.items():
        t = time.perf_counter()
        out[name] = f()
        times[name] = time.perf_counter() - t
    total = time.perf_counter() - t_all
    print(f"{units} units × {years} years")
    for name, s in times.items():
        print(f"  {name:<18} {s:6.2f} s")
    print(f"  whole chain        {total:6.2f} s   (target < 10 s)")

    t = time.perf_counter()
    base = {}
    for yr, part in y.groupby(level="year"):
        base[yr] = numpy_dagum(part.to_numpy(), g.loc[part.index].to_numpy())
    t_np = time.perf_counter() - t
    mine = out["dagum by group"].overall
    for yr, (G, Gw, Gnb, Gt) in base.items():
        assert np.allclose(mine.loc[yr, ["gini", "within", "between", "transvariation"]].to_numpy(float),
                           [G, Gw, Gnb, Gt], rtol=1e-9), yr
    print(f"Dagum, {years} years: toolkit {times['dagum by group']:.3f} s, plain numpy n×n {t_np:.3f} s: "
          f"{t_np / times['dagum by group']:.1f}× (same values to 1e-9)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--years", type=int, default=10)
    a = ap.parse_args()
    main(a.units, a.years)
