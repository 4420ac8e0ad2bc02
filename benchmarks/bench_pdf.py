"""PDF printing (issue #25): where a report's PDF time goes, and a batch printed by one Chromium
against a Chromium per report. Prints figures and ratios against a baseline measured in the same
run; asserts nothing.

* **profile**: one tab, one page at a time, each step timed on its own: Chromium's start, the
  page's load (``Page.navigate`` to its ``load`` event: the HTML parsed, the embedded font's data
  URL decoded), ``document.fonts.ready``, a screen layout, ``Page.printToPDF`` (print layout, the
  tagged-PDF structure, a print-compositor process that Chromium launches for every document,
  the PDF), the transfer (base64 in the reply, or ``transferMode: ReturnAsStream`` read with
  ``IO.read``) and the write. Each step's wall time and the CPU time of every Chromium process
  (those that exited during the step included: a parent's reaped-children time), per report
  after the first. Variants: untagged (``generateTaggedPDF: false``), streamed, the font as one
  shared file instead of a data URL in every page (a PDF-only copy of the pages), and an empty
  page (Chromium's own fixed cost of a navigation and a ``printToPDF``), and the pages after the
  first written into the tab's document (``Page.setDocumentContent``) instead of navigated to,
  as :mod:`toolkit.reports.browser` does for the pages without a script.
* **batch**: :func:`toolkit.reports.pdf.print_pdfs` (one Chromium, its start included) with
  1, 2, 3 tabs in flight, and with a navigation to every page (as before), against a fresh ``chromium --print-to-pdf`` per report; medians of
  interleaved rounds; wall per report, Chromium's CPU per report (every process of its tree,
  sampled every 50 ms) and what that CPU allows on this machine's cores when nothing else runs
  (CPU ÷ cores), with the machine's load average and the page counts of both.

The target is ≤ 0.3 s per report, wall, in a batch. On a shared machine the wall figures move
with the load; the CPU figures and the ratio do not (much).

Run: .venv/bin/python benchmarks/bench_pdf.py [--reports 24] [--rounds 3] [--tabs 1 2 3] [--run RUN_DIR]
(``--run``: an existing run folder with ``unit-*.html`` pages; default: the demo's first
``--reports`` brain profiles, rendered once into a temporary folder.)
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
SPEC = ROOT / "configs" / "default.yaml"
STEPS = ("load", "fonts", "layout", "print", "transfer", "write")


# -- CPU of a process tree -----------------------------------------------------------------------
def tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its descendants, with the time of those already exited and
    reaped by their parent (Chromium launches a process per printed document)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


class ChildrenCPU(threading.Thread):
    """The CPU seconds of every descendant of this process while it runs, sampled every
    ``every`` seconds. Each process counts its own time at its last sample, and the time of
    those of its children that were never sampled or ran on after their last sample (a
    print compositor lives a fraction of a second), from its reaped-children time.
    ``RUSAGE_CHILDREN`` would miss most of Chromium's: its zygote and renderers are not reaped
    into the browser's rusage."""

    def __init__(self, every: float = 0.02):
        super().__init__(daemon=True)
        self.every, self.stop = every, threading.Event()
        self.seen: dict[int, tuple[int, float, float]] = {}  # pid → (parent, own, reaped children)

    def sample(self) -> None:
        for p in psutil.Process().children(recursive=True):
            try:
                with p.oneshot():
                    t, parent = p.cpu_times(), p.ppid()
                self.seen[p.pid] = (parent, t.user + t.system, t.children_user + t.children_system)
            except psutil.Error:
                pass

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.sample()

    def __enter__(self) -> ChildrenCPU:
        self.sample()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.join()

    @property
    def total(self) -> float:
        alive = {p.pid for p in psutil.Process().children(recursive=True)}
        total = 0.0
        for pid, (_, own, reaped) in self.seen.items():
            known = sum(o + r for c, (parent, o, r) in self.seen.items() if parent == pid and c not in alive)
            total += own + max(0.0, reaped - known)
        return total


# -- the pages -----------------------------------------------------------------------------------
def demo_pages(tmp: Path, n: int) -> list[Path]:
    """The first ``n`` brain profiles of the bundled demo, rendered by the batch."""
    import pandas as pd

    from toolkit.reports.batch import run_reports

    units = sorted(pd.read_csv(DEMO, comment="#", dtype=str).iloc[:, 0].dropna().unique())
    units = [u for u in units if u.startswith("SD-")][:n]
    s = run_reports(DEMO, SPEC, by="unit", only=units, workers=2, out=tmp / "runs", n_uncertainty=16,
                    progress=False, workbook=False)
    assert not s.failed, s.failed
    return sorted(s.run_dir.glob("unit-*.html"))


def font_file_copies(pages: list[Path], folder: Path) -> list[Path]:
    """PDF-only copies of the pages whose embedded font (a data: URL in every page) is one
    shared file beside them, loaded once per renderer and cached by Chromium."""
    folder.mkdir()
    pattern = re.compile(r"url\(data:font/(\w+);base64,([A-Za-z0-9+/=]+)\)")
    out = []
    for p in pages:
        html = p.read_text("utf-8")
        m = pattern.search(html)
        font = folder / f"font.{m.group(1)}"
        if not font.exists():
            font.write_bytes(base64.b64decode(m.group(2)))
        (folder / p.name).write_text(pattern.sub(f"url({font.name})", html), "utf-8")
        out.append(folder / p.name)
    return out


def empty_pages(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    for i in range(n):
        (folder / f"empty-{i:03d}.html").write_text(
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>@page{{size:A4}}</style></head>"
            f"<body><p>{i}</p></body></html>", "utf-8")
    return sorted(folder.glob("empty-*.html"))


def page_count(pdf: Path) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    m = re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout,
                  re.M)
    return int(m.group(1)) if m else None


# -- the profile: one tab, step by step ----------------------------------------------------------
class Steps:
    """One tab of a :class:`~toolkit.reports.browser.Browser` driven one command at a time."""

    def __init__(self, browser):
        self.b, self.events = browser, []
        self.target = self.cmd("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.cmd("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        self.cmd("Page.enable", session=True)
        self.cmd("Page.setLifecycleEventsEnabled", {"enabled": True}, session=True)

    def cmd(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        wanted = self.b.post(method, params, self.session if session else None)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            reply = None
            for m in self.b.messages(1.0):  # the events that come with the reply are kept
                if m.get("id") == wanted:
                    reply = m
                else:
                    self.events.append(m)
            if reply is not None:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
        raise RuntimeError(f"{method}: no answer")

    def loaded(self, loader: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if any(m.get("method") == "Page.lifecycleEvent" and m["params"].get("name") == "load"
                   and m["params"].get("loaderId") == loader for m in self.events):
                self.events.clear()
                return
            self.events.extend(self.b.messages(1.0))
        raise RuntimeError("no load event")


def profile(pages: list[Path], out: Path, **options) -> dict:
    """Seconds of wall and Chromium CPU per step; steps other than start are per page after the first."""
    from toolkit.reports.browser import PRINT, WRITTEN, Browser

    stream, write = options.pop("stream", False), options.pop("write", False)
    opts = {**PRINT, **options, **({"transferMode": "ReturnAsStream"} if stream else {})}
    out.mkdir()
    t0 = time.perf_counter()
    with Browser() as b:
        tab = Steps(b)
        rows = {"start": [(time.perf_counter() - t0, tree_cpu(b._pid))]}
        for page in pages:
            mark = [time.perf_counter(), tree_cpu(b._pid)]

            def lap(step, mark=mark):
                wall, cpu = time.perf_counter(), tree_cpu(b._pid)
                rows.setdefault(step, []).append((wall - mark[0], cpu - mark[1]))
                mark[:] = [time.perf_counter(), tree_cpu(b._pid)]

            if write and page is not pages[0]:  # written into the first page's document
                tab.cmd("Page.setDocumentContent", {"frameId": tab.target, "html": page.read_text("utf-8")},
                        session=True)
                tab.cmd("Runtime.evaluate", {"expression": WRITTEN, "awaitPromise": True}, session=True)
            else:
                tab.loaded(tab.cmd("Page.navigate", {"url": page.resolve().as_uri()}, session=True)["loaderId"])
            lap("load")
            tab.cmd("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => document.fonts.size)",
                                         "awaitPromise": True}, session=True)
            lap("fonts")
            tab.cmd("Runtime.evaluate", {"expression": "document.body.getBoundingClientRect().height"}, session=True)
            lap("layout")
            got = tab.cmd("Page.printToPDF", opts, session=True)
            lap("print")
            if stream:
                chunks = []
                while True:
                    part = tab.cmd("IO.read", {"handle": got["stream"], "size": 1 << 22}, session=True)
                    chunks.append(base64.b64decode(part["data"]) if part.get("base64Encoded") else part["data"].encode())
                    if part.get("eof"):
                        break
                tab.cmd("IO.close", {"handle": got["stream"]}, session=True)
                data = b"".join(chunks)
            else:
                data = base64.b64decode(got["data"])
            lap("transfer")
            (out / f"{page.stem}.pdf").write_bytes(data)
            lap("write")
            rows.setdefault("bytes", []).append((len(data), 0))
    summary = {"start": rows["start"][0]}
    for step in (*STEPS, "bytes"):
        later = rows[step][1:] or rows[step]
        summary[step] = (statistics.mean(w for w, _ in later), statistics.mean(c for _, c in later))
    return summary


def bench_profile(pages: list[Path], tmp: Path) -> None:
    variants = {
        "navigated to (tagged, base64)": (pages, {}),
        "written into the document": (pages, {"write": True}),
        "untagged": (pages, {"generateTaggedPDF": False}),
        "streamed (ReturnAsStream)": (pages, {"stream": True}),
        "font as one shared file": (font_file_copies(pages, tmp / "fontfile"), {}),
        "empty page (fixed cost)": (empty_pages(tmp / "empty", len(pages)), {}),
    }
    print(f"PROFILE {len(pages)} pages, one tab, one step at a time; wall / Chromium CPU in ms per page "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  {'variant':30s} {'start':>11s} " + " ".join(f"{s:>11s}" for s in STEPS) + f" {'sum':>11s}  PDF kB")
    for i, (name, (ps, opts)) in enumerate(variants.items()):
        s = profile(ps, tmp / f"profile-{i}", **opts)
        total = [sum(s[k][j] for k in STEPS) for j in (0, 1)]
        cells = [f"{s[k][0] * 1000:5.0f}/{s[k][1] * 1000:<5.0f}" for k in ("start", *STEPS)]
        print(f"  {name:30s} " + " ".join(cells) + f" {total[0] * 1000:5.0f}/{total[1] * 1000:<5.0f}"
              f"  {s['bytes'][0] / 1000:.0f}")


# -- the batch against a Chromium per report -----------------------------------------------------
def cli_per_report(pages: list[Path], out: Path) -> tuple[float, float]:
    """The baseline: a fresh ``chromium --print-to-pdf`` for every report (wall, CPU per report)."""
    from toolkit.reports.screenshot import FLAGS, find_chromium

    out.mkdir()
    t0 = time.perf_counter()
    with ChildrenCPU() as cpu:
        for p in pages:
            with tempfile.TemporaryDirectory() as profile_dir:
                subprocess.run([find_chromium(), *FLAGS, f"--user-data-dir={profile_dir}", "--no-pdf-header-footer",
                                "--run-all-compositor-stages-before-draw", f"--print-to-pdf={out / (p.stem + '.pdf')}",
                                p.as_uri()], capture_output=True, timeout=300)
    return (time.perf_counter() - t0) / len(pages), cpu.total / len(pages)


def one_chromium(pages: list[Path], out: Path, tabs: int, write: bool = True) -> tuple[float, float]:
    """The toolkit's batch: one Chromium, ``tabs`` pages in flight, its start included
    (``write=False``: a navigation to every page, as before the pages were written)."""
    from toolkit.reports.pdf import print_pdfs

    out.mkdir()
    copies = []
    for p in pages:
        shutil.copy(p, out / p.name)
        copies.append(out / p.name)
    t0 = time.perf_counter()
    with ChildrenCPU() as cpu:
        failed = print_pdfs(copies, tabs=tabs, write=write)
    wall = time.perf_counter() - t0
    assert not failed, failed
    return wall / len(pages), cpu.total / len(pages)


def bench_batch(pages: list[Path], tmp: Path, rounds: int, tabs: list[int]) -> None:
    from toolkit.reports.browser import TABS

    few = pages[:max(4, len(pages) // 4)]  # the slow baseline prints fewer pages
    ways = {"cli": lambda out: cli_per_report(few, out)}
    ways["navigated"] = lambda out: one_chromium(pages, out, TABS, write=False)
    ways.update({t: (lambda out, t=t: one_chromium(pages, out, t)) for t in tabs})
    got: dict = {k: [] for k in ways}
    load = [os.getloadavg()[0]]
    for r in range(rounds):  # interleaved
        for name, fn in ways.items():
            got[name].append(fn(tmp / f"batch-{name}-{r}"))
    load.append(os.getloadavg()[0])
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in got.items()}
    cores = os.cpu_count() or 1
    base = med["cli"]
    print(f"BATCH   {len(pages)} reports per batch × {rounds} interleaved rounds, load average {load[0]:.1f} → "
          f"{load[1]:.1f} on {cores} cores; Chromium's start included")
    print(f"  a Chromium per report (chromium --print-to-pdf, {len(few)} reports): {base[0]:.3f} s per report, "
          f"Chromium CPU {base[1]:.3f} s per report")
    w, c = med["navigated"]
    print(f"  one Chromium, {TABS} tabs, a navigation to every page (before): {w:.3f} s per report, "
          f"{base[0] / w:.1f}× the baseline; Chromium CPU {c:.3f} s per report")
    for t in tabs:
        w, c = med[t]
        mark = " (the default)" if t == TABS else ""
        print(f"  one Chromium, {t} tab{'s' if t > 1 else ''} in flight{mark}: {w:.3f} s per report (target ≤ 0.3), "
              f"{base[0] / w:.1f}× the baseline; Chromium CPU {c:.3f} s per report "
              f"({base[1] / c:.1f}× less; {med['navigated'][1] / c:.2f}× less than navigating), i.e. "
              f"≥ {c / cores:.3f} s per report on {cores} free cores")
    counts = [(page_count(tmp / f"batch-{TABS if TABS in tabs else tabs[0]}-0" / f"{p.stem}.pdf"),
               page_count(tmp / "batch-cli-0" / f"{p.stem}.pdf")) for p in few]
    print(f"  page counts, one Chromium against the command line: "
          f"{'identical' if all(a == b for a, b in counts) else 'DIFFER'} {[a for a, _ in counts]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=24, help="brain profiles per batch")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tabs", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--run", type=Path, help="an existing run folder (its unit-*.html pages)")
    ap.add_argument("--no-profile", action="store_true", help="the batch figures only")
    args = ap.parse_args()
    from toolkit.reports.screenshot import find_chromium

    if find_chromium() is None:
        print("PDF skipped: no Chromium (make browser)")
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench_pdf_"))
    try:
        pages = sorted(args.run.glob("unit-*.html"))[:args.reports] if args.run else demo_pages(tmp, args.reports)
        if not args.no_profile:
            bench_profile(pages, tmp)
        bench_batch(pages, tmp, args.rounds, args.tabs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
