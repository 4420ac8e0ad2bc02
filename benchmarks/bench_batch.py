"""The report batch's own mechanics (issue #25): the manifest, the batch against its kernels, PDF.
Prints figures and ratios against baselines computed in the same run; asserts nothing.

* **manifest**: the cost per report of recording N finished reports, for N = 100, 500, 2,000:
  the journal (one appended line per report, one compact manifest at the end, package versions
  read once) against the writer it replaced, re-implemented here as the baseline (the whole
  manifest rewritten with ``indent=2`` after every report, versions read every time). Linear
  means the cost per report stays flat as N grows.
* **batch vs kernels**: ``run_reports(force=True)`` on 16, 200 and 2,000 synthetic brains with the
  bundle reused, wall clock against the kernels' own time (each report's notebook execution in its
  kernel plus the kernels' starts, over the workers): the target is ≤ 1.2×, and the same ratio at
  every size (linear).
* **PDF**: seconds per report of a batch printed by one Chromium (DevTools pipe,
  :mod:`toolkit.reports.browser`; its start included), through one tab and through ``TABS``
  tabs at once, against a fresh ``chromium --print-to-pdf`` per report; medians of interleaved
  rounds, with the page counts of both and the machine's load average (target ≤ 0.3 s per report).

The machine may be shared: every ratio is against a baseline measured in the same run, and the
medians come from interleaved rounds.

Run: .venv/bin/python benchmarks/bench_batch.py [--units 16 200 2000] [--workers 2] [--pdf 24] [--rounds 3]
     [--no-manifest]  (``--pdf 0``: no PDF rounds)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "configs" / "default.yaml"


# -- the manifest --------------------------------------------------------------------------------
def _record(i: int) -> dict:
    return {"key": f"unit:SD-{i:05d}", "by": "unit", "target": f"SD-{i:05d}", "lang": "zh", "year": 2025,
            "title": f"济南市某区产业大脑 {i}", "filename": f"unit-SD-{i:05d}-0123456789.html",
            "digest": "ab" * 32, "status": "ok", "seconds": 0.05}


def old_writer(folder: Path, n: int) -> float:
    """The replaced writer: every report rewrites the whole manifest (indent=2, versions read)."""
    from toolkit.files import write_atomic
    from toolkit.reports.batch import read_package_versions

    records, t0 = {}, time.perf_counter()
    for i in range(n):
        records[f"unit:SD-{i:05d}"] = _record(i)
        doc = {"run": "bench", "versions": read_package_versions(), "reports": records}
        text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
        write_atomic(folder / "manifest.json", lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    return time.perf_counter() - t0


def journal_writer(folder: Path, n: int) -> float:
    """The toolkit's: one journal line per report, one compact manifest at the end."""
    from toolkit.files import write_atomic
    from toolkit.reports.batch import package_versions
    from toolkit.reports.progress import Journal

    records, t0 = {}, time.perf_counter()
    with Journal(folder, "bench", {}) as journal:
        for i in range(n):
            records[f"unit:SD-{i:05d}"] = rec = _record(i)
            journal.record(rec)
    doc = {"run": "bench", "versions": dict(package_versions()), "reports": records}
    text = json.dumps(doc, ensure_ascii=False, default=str) + "\n"
    write_atomic(folder / "manifest.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    journal.remove()
    return time.perf_counter() - t0


def bench_manifest(tmp: Path, sizes=(100, 400, 2000), baseline_up_to: int = 400) -> None:
    """Per-report cost of each writer; the quadratic baseline only up to ``baseline_up_to`` reports."""
    for n in sizes:
        rows = {"old": [], "journal": []}
        for r in range(3):  # interleaved
            for name, fn in (("old", old_writer), ("journal", journal_writer)):
                if name == "old" and n > baseline_up_to:
                    continue
                folder = tmp / f"m-{name}-{n}-{r}"
                folder.mkdir()
                rows[name].append(fn(folder, n) / n * 1000)
        new = statistics.median(rows["journal"])
        line = f"MANIFEST {n:>5} reports: journal {new:.3f} ms per report"
        if rows["old"]:
            old = statistics.median(rows["old"])
            line += f", rewrite-per-report baseline {old:.3f} ms per report ({old / new:.0f}×)"
        print(line)


# -- the batch against its kernels ---------------------------------------------------------------
def bench_batch(tmp: Path, units: int, workers: int) -> Path:
    """``run_reports(force=True)`` with the bundle reused, against its kernels' own time: each
    report's notebook execution in its worker's kernel (``render_seconds``, timed around the
    kernel's render only) plus each kernel's start, summed and divided by the workers. What is
    left is the batch's own cost: planning, pickling jobs, parameter and HTML files, the
    journal, the manifest, the overview page and the publication of the run folder; its phases
    (``RunSummary.phases``) are printed beside it, with the load average."""
    import os

    from toolkit.data.demo import write_demo
    from toolkit.reports.batch import run_reports

    data = write_demo(tmp / f"demo{units}", n_units=units, seed=3, years=(2024, 2025), formats=("csv",))[0]
    opts = dict(by="unit", workers=workers, out=tmp / f"runs{units}", n_uncertainty=0, progress=False,
                workbook=False)
    first = _first_unit(data)
    s = run_reports(data, SPEC, only=[first], **opts)  # computes the bundle (and one report)
    assert not s.failed, s.failed
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    s = run_reports(data, SPEC, force=True, **opts)
    wall = time.perf_counter() - t0
    assert not s.failed and len(s.ok) == units, s.failed
    kernels = (s.render_seconds + s.kernel_seconds) / workers
    phases = ", ".join(f"{k} {v:.2f}" for k, v in s.phases.items())
    print(f"BATCH   {len(s.ok):>5} reports, {workers} workers, bundle reused: {wall:6.1f} s wall clock; kernels' own "
          f"time {kernels:6.1f} s ({s.render_seconds / len(s.ok) * 1000:.0f} ms per report + {s.kernel_seconds:.1f} s "
          f"of kernel starts, over {workers} workers): {wall / kernels:.2f}× (target ≤ 1.2); "
          f"{wall / len(s.ok) * 1000:.0f} ms per report; load average {load:.1f} → {os.getloadavg()[0]:.1f}")
    print(f"        phases (s): {phases}; the batch's own time outside rendering "
          f"{wall - s.phases.get('render', 0.0):.2f} s, inside it {s.phases.get('render', 0.0) - kernels:.2f} s")
    return s.run_dir


def _first_unit(data: Path) -> str:
    from toolkit import read_indicators

    return str(read_indicators(data).table["unit_id"].iloc[0])


# -- PDF -----------------------------------------------------------------------------------------
def _pages(pdf: Path) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else None


def fresh_chromium(pages, out: Path) -> float:
    """The baseline: one ``chromium --print-to-pdf`` per report (what the toolkit did before)."""
    from toolkit.reports.screenshot import FLAGS, find_chromium

    t0 = time.perf_counter()
    for p in pages:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([find_chromium(), *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                            "--run-all-compositor-stages-before-draw", f"--print-to-pdf={out / (p.stem + '.pdf')}",
                            p.as_uri()], capture_output=True, timeout=300)
    return (time.perf_counter() - t0) / len(pages)


def one_browser(pages, out: Path, tabs: int) -> float:
    from toolkit.reports.pdf import print_pdfs

    copies = []
    for p in pages:
        shutil.copy(p, out / p.name)
        copies.append(out / p.name)
    t0 = time.perf_counter()
    failed = print_pdfs(copies, tabs=tabs)  # Chromium's start included
    assert not failed, failed
    return (time.perf_counter() - t0) / len(pages)


def bench_pdf(run_dir: Path, tmp: Path, n: int, rounds: int) -> None:
    import os

    from toolkit.reports.browser import TABS
    from toolkit.reports.screenshot import find_chromium

    if find_chromium() is None:
        print("PDF     skipped: no Chromium (make browser)")
        return
    pages = sorted(run_dir.glob("unit-*.html"))[:n]
    load = os.getloadavg()[0]
    ways = {"fresh": lambda ps, out: fresh_chromium(ps[:max(4, len(ps) // 3)], out),  # the slow baseline: fewer pages
            "one tab": lambda ps, out: one_browser(ps, out, 1),
            f"{TABS} tabs": lambda ps, out: one_browser(ps, out, TABS)}
    rows: dict[str, list[float]] = {k: [] for k in ways}
    for r in range(rounds):  # interleaved
        for name, fn in ways.items():
            out = tmp / f"pdf-{name.replace(' ', '')}-{r}"
            out.mkdir()
            rows[name].append(fn(pages, out))
    med = {k: statistics.median(v) for k, v in rows.items()}
    best = f"{TABS} tabs"
    same = [(_pages(tmp / f"pdf-{best.replace(' ', '')}-0" / f"{p.stem}.pdf"), _pages(tmp / "pdf-fresh-0" / f"{p.stem}.pdf"))
            for p in pages[:max(4, len(pages) // 3)]]
    print(f"PDF     {len(pages)} reports per batch × {rounds} interleaved rounds (load average {load:.1f} → "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores), Chromium's start included: one browser, {best} "
          f"{med[best]:.2f} s per report (target ≤ 0.3), one tab {med['one tab']:.2f} s; a fresh Chromium per report "
          f"{med['fresh']:.2f} s ({med['fresh'] / med[best]:.1f}× slower); page counts "
          f"{'identical' if all(a == b for a, b in same) else 'DIFFER'}: {[a for a, _ in same]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, nargs="+", default=[16, 200, 2000],
                    help="synthetic brains in each batch measured")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pdf", type=int, default=24, help="reports printed per PDF round (0: no PDF rounds)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-manifest", action="store_true", help="skip the manifest writers' rounds")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        if not args.no_manifest:
            bench_manifest(tmp)
        run_dirs = [bench_batch(tmp, n, args.workers) for n in args.units]
        if args.pdf > 0:  # --pdf 0: the batch only
            bench_pdf(max(run_dirs, key=lambda d: len(list(d.glob("unit-*.html")))), tmp, args.pdf, args.rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
