"""CPU of starting the toolkit's processes (issue #25). Prints figures; asserts nothing.

The test suite starts hundreds of processes (CLI subprocesses, papermill and nbval kernels, a Voilà
kernel per studio visit, fault workers), and each pays Python's start-up and its imports before any
work. This script runs, each in a fresh interpreter with this checkout first on ``sys.path``:

- ``python -c pass`` and ``import pandas`` (the floor every command pays);
- ``import toolkit.cli`` (what ``python -m toolkit --help`` imports);
- ``python -m toolkit validate`` of the demo return;
- ``python -m toolkit index`` of the demo (five years: the dynamics chain runs, Moran's I included);
- the studio kernel's start: the first code cells of ``notebooks/06_weighting_studio.py``
  (``toolkit.notebooks.load`` + ``toolkit.studio.page.studio``).

Each is run ``--repeat`` times, interleaved, and its CPU (user + system of the child, from
``resource.getrusage(RUSAGE_CHILDREN)``) is printed as the median, with its ratio to ``import pandas``
measured in the same run. The CPU is what the suite's 2 cores run out of; the wall clock on a shared
machine is mostly the other jobs'. ``--root`` measures another checkout the same way (for example
``git archive <commit> | tar -x -C /tmp/old``): before-and-after figures from one run.

Run: .venv/bin/python benchmarks/bench_startup.py [--repeat 5] [--root /tmp/old ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = "data/raw/demo_synthetic_returns.csv"
STUDIO = """
import toolkit
from toolkit import notebooks as nb
from toolkit.studio import page
data, spec = nb.load(*page.framework_paths({data!r}, "configs/default.yaml"))
year = nb.latest_year(data, None)
studio = page.studio(data, spec, year=year, top_n=10, lang="zh", save_path={save!r})
"""


def commands(tmp: Path) -> dict[str, list[str]]:
    """Each case's arguments after the interpreter (run from the checkout's root)."""
    return {
        "python -c pass": ["-c", "pass"],
        "import pandas": ["-c", "import pandas"],
        "import toolkit.cli": ["-c", "import toolkit.cli"],
        "toolkit validate (demo)": ["-m", "toolkit", "validate", DEMO],
        "toolkit index (demo, 5 years)": ["-m", "toolkit", "index", DEMO, "--spec", "configs/default.yaml",
                                          "--out", str(tmp / "index")],
        "studio kernel start": ["-c", STUDIO.format(data=DEMO, save=str(tmp / "studio.yaml"))],
    }


def child_cpu(args: list[str], root: Path) -> float:
    """CPU seconds (user + system) of one fresh interpreter running ``args`` in ``root``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{args[:3]} failed in {root}:\n{done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--root", type=Path, action="append", default=[],
                    help="another checkout to measure as well (repeatable); this one is always measured")
    args = ap.parse_args(argv)
    roots = [ROOT, *[r.resolve() for r in args.root]]
    with tempfile.TemporaryDirectory() as tmp:
        cases = commands(Path(tmp))
        cpu = {(r, name): [] for r in roots for name in cases}
        for argv_ in cases.values():        # one warm-up each: the files in the page cache, bytecode compiled
            for r in roots:
                child_cpu(argv_, r)
        for _ in range(args.repeat):
            for name, argv_ in cases.items():
                for r in roots:
                    cpu[(r, name)].append(child_cpu(argv_, r))
    load = os.getloadavg()[0]
    print(f"CPU seconds (user + system), median of {args.repeat}; load average {load:.1f}")
    for r in roots:
        print(f"\n{r}")
        floor = statistics.median(cpu[(r, "import pandas")])
        for name in cases:
            m = statistics.median(cpu[(r, name)])
            print(f"  {name:32s} {m:6.2f} s   {m / floor:5.1f}× import pandas   "
                  f"(runs {min(cpu[(r, name)]):.2f}–{max(cpu[(r, name)]):.2f})")
    if len(roots) > 1:
        print("\nthis checkout against each other one (CPU ratio, median)")
        for r in roots[1:]:
            for name in cases:
                a, b = statistics.median(cpu[(ROOT, name)]), statistics.median(cpu[(r, name)])
                print(f"  {name:32s} {b:6.2f} → {a:6.2f} s   {b / a:5.2f}× less" if a else name)


if __name__ == "__main__":
    main()
