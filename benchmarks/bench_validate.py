"""Speed and memory of validating a 100,000-row return (issue #11). Prints figures; asserts nothing.

The same file (the synthetic demo, 50,000 brains × 2 years = 100,000 rows, CSV) is read and
validated by ``toolkit.read_indicators``:

- **old**: the toolkit as it was before #11 (commit ``BASELINE``, extracted with ``git archive``
  into a temporary folder), which read every cell through a Python loop and held every row
  as a Python list (measured at 29 s and 644 MB when #11 was filed);
- **new**: this checkout, which parses each distinct cell text once, plain numbers in one
  vectorised pass, and holds the cells as compact 2-D blocks.

Each variant runs in a fresh subprocess (so peak memory is that run's own ``ru_maxrss``), the
two alternate ``--repeat`` times in the same run, and the medians and ratios are printed.
Both must return the same table (checked). Targets: new ≥ 3× faster, ≤ half the memory.

Run: .venv/bin/python benchmarks/bench_validate.py [--units 50000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "560415e"  # main before #11

CHILD = r"""
import hashlib, json, resource, sys, time
import toolkit
from toolkit import read_indicators
t0 = time.perf_counter()
data = read_indicators(sys.argv[1])
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the check below allocates
table = data.table.sort_values(["unit_id", "year"]).reset_index(drop=True)
digest = hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()
print(json.dumps({"seconds": seconds, "peak_mb": peak,
                  "rows": len(table), "digest": digest, "toolkit": toolkit.__file__}))
"""


def run(pythonpath: Path, path: Path) -> dict:
    # cwd: a folder without a toolkit package, so that PYTHONPATH alone decides which toolkit runs
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=path.parent,
                         env={"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"}, timeout=1800, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_validate_"))
    try:
        # the file is generated in a subprocess: Linux keeps a process's peak memory across exec, so
        # the children measured below must be started by a parent that never held a large frame
        subprocess.run([sys.executable, "-m", "toolkit", "demo", "--units", str(args.units), "--formats", "csv",
                        "--out", str(tmp)], check=True, capture_output=True, env={"PYTHONPATH": str(ROOT),
                                                                                  "PATH": "/usr/bin:/bin"})
        path = next(tmp.glob("*.csv"))
        old = tmp / "old"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "toolkit"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        results: dict[str, list[dict]] = {"old": [], "new": []}
        for _ in range(args.repeat):
            results["old"].append(run(old, path))
            results["new"].append(run(ROOT, path))
        rows = results["new"][0]["rows"]
        print(f"{path.name}: {rows:,} rows; old = {results['old'][0]['toolkit']}, new = {results['new'][0]['toolkit']}")
        same = {r["digest"] for rs in results.values() for r in rs}
        print(f"old and new read the same table: {len(same) == 1}")
        med = {k: {m: statistics.median(r[m] for r in rs) for m in ("seconds", "peak_mb")} for k, rs in results.items()}
        for k in ("old", "new"):
            print(f"{k:>4}: {med[k]['seconds']:6.2f} s  {med[k]['peak_mb']:6.0f} MB peak")
        speed = med["old"]["seconds"] / med["new"]["seconds"]
        memory = med["new"]["peak_mb"] / med["old"]["peak_mb"]
        print(f"speed-up {speed:.1f}× (target ≥ 3×): {'met' if speed >= 3 else 'NOT met'}")
        print(f"memory {memory:.2f} of old (target ≤ 0.5): {'met' if memory <= 0.5 else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
