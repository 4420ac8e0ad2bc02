"""Speed of the report batch (issue #13). Prints figures and ratios; asserts nothing.

Measured in one run, on the bundled demo (bundle computed once, then reused by everyone):

* **warm**: the toolkit's renderer — one reused kernel, one round trip per report — seconds per
  HTML report, after a warm-up;
* **batch**: ``run_reports(--force)`` wall clock per report with ``--workers`` workers (kernel
  start-up, index page, workbook included);
* **fair papermill in-process**: ``papermill.execute_notebook`` in this process with a fresh
  kernel per report, the bundle reused (no recomputation), then nbconvert to HTML;
* **naive CLI loop**: ``papermill`` then ``jupyter nbconvert --no-input`` as commands, per report;
* **flat cost**: warm seconds per brain profile for the demo's 50 brains and for synthetic runs of
  ``--scale`` brains (default 16 and 2,000; a bundle of index tables only — the typology of
  thousands of brains is another benchmark's business), sampled on ``--sample`` reports;
* **PDF**: seconds per report for ``reports --pdf`` (headless Chromium), when Chromium exists.

Run: .venv/bin/python benchmarks/bench_reports.py [--workers 2] [--baseline 3] [--scale 2000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
SPEC = ROOT / "configs" / "default.yaml"
NOTEBOOK = ROOT / "notebooks" / "region_report.ipynb"


def warm(run_dir: Path, pattern: str, sample: int) -> float:
    """Seconds per report in one warm kernel (two warm-up reports first)."""
    from toolkit.reports.render import NotebookRenderer

    params = sorted((run_dir / "_params").glob(pattern))
    step = max(1, len(params) // sample)
    params = params[::step][:sample]
    head = (run_dir / "_bundle" / "fontface.css").read_text("utf-8")
    with NotebookRenderer(NOTEBOOK) as r:
        for p in params[:2]:
            r.render(p, "t", head)
        t0 = time.perf_counter()
        for p in params:
            r.render(p, "t", head)
        return (time.perf_counter() - t0) / len(params)


def papermill_in_process(run_dir: Path, n: int, tmp: Path) -> float:
    """Fresh kernel per report, bundle reused; papermill + nbconvert in this process."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    ids = [p.stem for p in sorted((run_dir / "_params").glob("unit-*.json"))][:n]
    targets = [json.loads((run_dir / "_params" / f"{i}.json").read_text("utf-8"))["target"] for i in ids]
    exporter = HTMLExporter(exclude_input=True)
    t0 = time.perf_counter()
    for i, unit in enumerate(targets):
        out = tmp / f"pm_{i}.ipynb"
        pm.execute_notebook(str(NOTEBOOK), str(out), parameters={"target": unit, "bundle_dir": str(run_dir / "_bundle")},
                            progress_bar=False, kernel_name="python3", cwd=str(ROOT / "notebooks"))
        body, _ = exporter.from_notebook_node(nbformat.read(str(out), as_version=4))
        (tmp / f"pm_{i}.html").write_text(body, encoding="utf-8")
    return (time.perf_counter() - t0) / len(targets)


def naive_cli(run_dir: Path, n: int, tmp: Path) -> float:
    """``papermill`` and ``jupyter nbconvert`` as commands, once per report."""
    bindir = Path(sys.executable).parent
    targets = [json.loads(p.read_text("utf-8"))["target"] for p in sorted((run_dir / "_params").glob("unit-*.json"))][:n]
    t0 = time.perf_counter()
    for i, unit in enumerate(targets):
        out = tmp / f"cli_{i}.ipynb"
        subprocess.run([str(bindir / "papermill"), str(NOTEBOOK), str(out), "-p", "target", unit, "-p", "bundle_dir",
                        str(run_dir / "_bundle"), "--cwd", str(ROOT / "notebooks"), "-k", "python3", "--no-progress-bar"],
                       check=True, capture_output=True)
        subprocess.run([str(bindir / "jupyter-nbconvert"), "--to", "html", "--no-input", str(out)], check=True,
                       capture_output=True)
    return (time.perf_counter() - t0) / len(targets)


def scaled_run(n_units: int, tmp: Path) -> Path:
    """A run folder with a bundle of ``n_units`` synthetic brains (index tables only) and params."""
    import pandas as pd

    import toolkit
    from toolkit.data.demo import write_demo
    from toolkit.reports.batch import plan
    from toolkit.reports.bundle import Bundle, index_tables, load_bundle, save_bundle

    data_path = write_demo(tmp / f"scale{n_units}", n_units=n_units, seed=3, years=(2024, 2025), formats=("csv",))[0]
    data = toolkit.read_indicators(data_path)
    r = toolkit.build_index(data, SPEC)
    tables = index_tables(r)
    tables["typology"] = pd.DataFrame(columns=["unit_id", "cluster", "label_zh", "label_en"])
    tables["intervals"] = pd.DataFrame(columns=["unit_id", "year", "nominal", "median", "p05", "p95"])
    meta = {"source": str(data_path), "synthetic": True, "framework": r.framework.id, "n_uncertainty": 0,
            "spec_name": r.spec.name, "years": r.years, "not_computed": {"typology": "benchmark bundle"}}
    run_dir = tmp / f"run{n_units}"
    save_bundle(Bundle(tables, meta, r.framework), run_dir / "_bundle")
    (run_dir / "_bundle" / "fontface.css").write_text("", "utf-8")
    bundle = load_bundle(run_dir / "_bundle")
    (run_dir / "_params").mkdir(parents=True, exist_ok=True)
    for j in plan(bundle, "unit"):
        (run_dir / "_params" / (j.filename[:-5] + ".json")).write_text(
            json.dumps(j.params(run_dir / "_bundle"), ensure_ascii=False), "utf-8")
    return run_dir


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", type=int, default=3, help="reports timed with each baseline")
    ap.add_argument("--scale", default="16,2000", help="synthetic run sizes (brains) for the flat-cost check ('' skips)")
    ap.add_argument("--sample", type=int, default=40, help="reports timed per warm measurement")
    ap.add_argument("--uncertainty", type=int, default=100)
    args = ap.parse_args()
    from toolkit.reports.batch import run_reports
    from toolkit.reports.screenshot import find_chromium

    tmp = Path(tempfile.mkdtemp(prefix="bench_reports_"))
    try:
        t0 = time.perf_counter()
        s = run_reports(DEMO, SPEC, by="all", workers=args.workers, out=tmp / "out", n_uncertainty=args.uncertainty,
                        progress=False)
        first = time.perf_counter() - t0
        assert not s.failed, s.failed
        run_dir = s.run_dir
        n = len(s.ok)
        t0 = time.perf_counter()
        s = run_reports(DEMO, SPEC, by="all", workers=args.workers, out=tmp / "out", n_uncertainty=args.uncertainty,
                        progress=False, force=True)
        batch = (time.perf_counter() - t0) / n
        print(f"first run (computes the bundle, {args.uncertainty} MC replications): {first:.1f} s for {n} reports")
        print(f"batch, bundle reused, {args.workers} workers: {batch:.3f} s per report (wall clock, start-up included)")
        w_city = warm(run_dir, "city-*.json", args.sample)
        w_unit = warm(run_dir, "unit-*.json", args.sample)
        print(f"warm, one kernel: {w_unit:.3f} s per brain profile, {w_city:.3f} s per city report (target ≤ 0.3)")
        fair = papermill_in_process(run_dir, args.baseline, tmp)
        print(f"fair baseline, papermill in-process (fresh kernel per report, bundle reused) + nbconvert: "
              f"{fair:.2f} s per report")
        naive = naive_cli(run_dir, args.baseline, tmp)
        print(f"naive CLI loop, papermill + jupyter nbconvert commands: {naive:.2f} s per report")
        print(f"RATIOS  warm vs fair papermill: {fair / w_unit:.1f}× (target ≥ 10)   warm vs naive CLI: "
              f"{naive / w_unit:.1f}× (target ≥ 30)   batch vs fair: {fair / batch:.1f}×   batch vs naive: "
              f"{naive / batch:.1f}×")
        flat = [("50 demo brain profiles", w_unit)]
        for size in [int(x) for x in str(args.scale).split(",") if x.strip()]:
            big = scaled_run(size, tmp)
            flat.append((f"{size} synthetic brains (sampled {min(size, args.sample)})",
                         warm(big, "unit-*.json", args.sample)))
        flat.sort(key=lambda kv: int(kv[0].split()[0]))
        print("FLAT    " + "   ".join(f"{k}: {v:.3f} s" for k, v in flat)
              + f"   largest/smallest per-report cost: {max(v for _, v in flat) / min(v for _, v in flat):.2f}")
        if find_chromium():
            from toolkit.reports.pdf import html_to_pdf

            pages = sorted(run_dir.glob("unit-*.html"))[:args.baseline]
            t0 = time.perf_counter()
            for p in pages:
                html_to_pdf(p, tmp / (p.stem + ".pdf"))
            print(f"PDF     {(time.perf_counter() - t0) / len(pages):.2f} s per report (headless Chromium, serial)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
