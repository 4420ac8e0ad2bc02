"""The reader's cost follows the cells that hold data, not the sheet's declared dimension (issue #19).
Prints figures; asserts nothing.

The bundled demo workbook (100 rows × 52 columns) is validated as it is (**plain**) and with a
single space typed in cell XFD5 (**XFD**, which makes the sheet's declared dimension
A1:XFD102), by ``toolkit.read_indicators``:

- **old**: the toolkit before #19 (commit ``BASELINE``, extracted with ``git archive``), which
  padded every row to the declared dimension (16,384 cells a row);
- **new**: this checkout, which streams rows with the declared dimension ignored and drops
  trailing empty cells.

Each run is a fresh subprocess; the figure is the ratio XFD / plain of the same toolkit in the
same run (so the machine's load cancels out). Target: new ratio close to 1.

Run: .venv/bin/python benchmarks/bench_reader.py [--repeat 3]
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
BASELINE = "ef80cdc"  # main before #19's reader changes

CHILD = r"""
import json, sys, time
from toolkit import read_indicators
t0 = time.perf_counter()
data = read_indicators(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(data.table)}))
"""


def run(pythonpath: Path, path: Path) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=path.parent,
                         env={"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"}, timeout=1800, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["rows"] == 100, result
    return result["seconds"]


def main() -> None:
    import openpyxl

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-old", action="store_true", help="measure this checkout only")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_reader_"))
    try:
        plain = tmp / "plain.xlsx"
        shutil.copy(ROOT / "data" / "raw" / "demo_synthetic_returns.xlsx", plain)
        xfd = tmp / "xfd.xlsx"
        wb = openpyxl.load_workbook(plain)
        wb.worksheets[0]["XFD5"] = " "
        wb.save(xfd)
        variants = {"new": ROOT}
        if not args.no_old:
            old = tmp / "old"
            old.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "toolkit"], capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            variants = {"old": old, "new": ROOT}
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            for name, pythonpath in variants.items():
                for label, path in (("plain", plain), ("XFD", xfd)):
                    times.setdefault((name, label), []).append(run(pythonpath, path))
        print(f"{'toolkit':8} {'plain (s)':>10} {'XFD (s)':>10} {'XFD / plain':>12}   (medians of {args.repeat})")
        for name in variants:
            p, x = statistics.median(times[(name, "plain")]), statistics.median(times[(name, "XFD")])
            print(f"{name:8} {p:10.2f} {x:10.2f} {x / p:12.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
