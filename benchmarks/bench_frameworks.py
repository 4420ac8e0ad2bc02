"""Cost of a user framework's extra steps (issue #12). Prints figures; asserts nothing.

1. The published HDI and COINr ASEM files: read_indicators + build_index wall time (median of
   repeats), from ../shared/data.
2. The ASEM example with and without its two new steps (denomination and screening), same run:
   the ratio is what the steps cost.
3. The per-indicator parameter path: the HDI with goalposts given as mappings (one normalisation
   call per distinct parameter set) against the same goalposts as one scalar set, same run.

Run: .venv/bin/python benchmarks/bench_frameworks.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import toolkit as tk

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    n = ap.parse_args().repeats
    hdi_spec = tk.load_spec(ROOT / "configs" / "hdi.yaml")
    asem_spec = tk.load_spec(ROOT / "configs" / "asem.yaml")
    hdi_csv, asem_csv = DATA / "hdi" / "hdr2023_24_hdi_2022.csv", DATA / "asem" / "iData.csv"

    t = timed(lambda: tk.build_index(tk.read_indicators(hdi_csv, hdi_spec.framework), hdi_spec), n)
    print(f"HDI  read + build (193 × 4):   {t * 1000:7.1f} ms")
    t = timed(lambda: tk.build_index(tk.read_indicators(asem_csv, asem_spec.framework), asem_spec), n)
    print(f"ASEM read + build (51 × 49):   {t * 1000:7.1f} ms")

    data = tk.read_indicators(asem_csv, asem_spec.framework)
    plain = asem_spec.replace({"denomination": {"method": "none", "by": {}}, "screening": {"method": "none"}})
    with_steps = timed(lambda: tk.build_index(data, asem_spec), n)
    without = timed(lambda: tk.build_index(data, plain), n)
    print(f"ASEM build with denominate+screen {with_steps * 1000:7.1f} ms, without {without * 1000:7.1f} ms, "
          f"ratio {with_steps / without:.2f}")

    hdi = tk.read_indicators(hdi_csv, hdi_spec.framework)
    scalar = hdi_spec.replace({"normalisation": {"method": "goalposts",
                                                 "params": {"lower": 0, "upper": 100000, "cap": True}}})
    mapped = timed(lambda: tk.build_index(hdi, hdi_spec), n)
    one = timed(lambda: tk.build_index(hdi, scalar), n)
    print(f"HDI build, goalposts per indicator {mapped * 1000:7.1f} ms, one scalar set {one * 1000:7.1f} ms, "
          f"ratio {mapped / one:.2f}")


if __name__ == "__main__":
    main()
