"""Speed of the report batch (issue #7). Prints figures; asserts nothing.

Compares, in the same run:
* the toolkit's batch — results computed once, one reused kernel per worker, HTML exported in
  the worker — for the 16 city reports and the ~50 brain reports (and, with --scale, for a
  larger synthetic set, to check that the cost per report stays flat);
* plain sequential papermill — a fresh kernel per report that recomputes the index, then
  nbconvert to HTML — timed on a few reports and reported per report.

Run: .venv/bin/python benchmarks/bench_reports.py [--workers 2] [--baseline 3] [--scale 200]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
SPEC = ROOT / "configs" / "default.yaml"
NOTEBOOK = ROOT / "notebooks" / "region_report.ipynb"


def batch(data: Path, by: str, workers: int, out: Path, n_unc: int) -> tuple[float, int, float]:
    from toolkit.reports.batch import run_reports

    t0 = time.perf_counter()
    s = run_reports(data, SPEC, by=by, workers=workers, out=out, n_uncertainty=n_unc, progress=False, force=True)
    total = time.perf_counter() - t0
    bundle_s = json.loads((s.run_dir / "manifest.json").read_text("utf-8"))
    assert not s.failed, s.failed
    return total, len(s.ok), bundle_s["summary"]["seconds"]


def plain_papermill(data: Path, n: int, tmp: Path) -> float:
    """A fresh kernel per report; each report recomputes the index and typology (no rank
    intervals: the baseline is given the cheaper job) before rendering, then nbconvert."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    setup = nbformat.v4.new_code_cell(
        "import toolkit\nfrom toolkit.reports.bundle import compute_bundle, save_bundle\n"
        f"save_bundle(compute_bundle(toolkit.read_indicators({str(data)!r}), {str(SPEC)!r}, n_uncertainty=0), "
        "bundle_dir)\ntoolkit.bundle.load_bundle.cache_clear()")
    idx = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(idx + 1, setup)
    src = tmp / "plain.ipynb"
    nbformat.write(nb, str(src))
    ids = [r[0] for r in csv.reader(open(data, encoding="utf-8")) if r and r[0].startswith("SD-")][:n]
    t0 = time.perf_counter()
    for i, unit in enumerate(ids):
        out = tmp / f"plain_{i}.ipynb"
        pm.execute_notebook(str(src), str(out), parameters={"target": unit, "bundle_dir": str(tmp / f"b{i}")},
                            progress_bar=False, kernel_name="python3", cwd=str(ROOT / "notebooks"))
        body, _ = HTMLExporter(exclude_input=True).from_notebook_node(nbformat.read(str(out), as_version=4))
        (tmp / f"plain_{i}.html").write_text(body, encoding="utf-8")
    return (time.perf_counter() - t0) / len(ids)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", type=int, default=3, help="reports timed with plain papermill")
    ap.add_argument("--scale", type=int, default=0, help="also a synthetic set with this many brains")
    ap.add_argument("--uncertainty", type=int, default=500)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_reports_"))
    try:
        plain = plain_papermill(DEMO, args.baseline, tmp)
        print(f"plain sequential papermill (fresh kernel, recomputes the index): {plain:.2f} s per report "
              f"(timed on {args.baseline})")
        sets = [("city", DEMO), ("unit", DEMO)]
        if args.scale:
            from toolkit.data.demo import write_demo

            big = write_demo(tmp, n_units=args.scale, seed=3, years=(2024, 2025), formats=("csv",))[0]
            sets.append(("unit", big))
        for by, data in sets:
            # first run: computes the bundle once (index, typology, rank intervals), then renders;
            # second run (--force): re-renders every report from the existing bundle
            first, n, _ = batch(data, by, args.workers, tmp / "out", args.uncertainty)
            total, n, _ = batch(data, by, args.workers, tmp / "out", args.uncertainty)
            per = total / n
            print(f"batch by {by:4s} ({data.name}): {n} reports; first run {first:.1f} s incl. computing the "
                  f"bundle ({first / n:.2f} s/report); rendering {total:.1f} s with {args.workers} workers = "
                  f"{per:.2f} s per report (kernel start-up included); {plain / per:.1f}× plain papermill")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
