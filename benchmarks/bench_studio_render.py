"""Time to the studio's first interactive render in a browser (issue 22). Prints figures and
ratios; asserts nothing.

A visit is a new browser context (empty cache, as a new visitor) that opens the page and waits
until the widgets are drawn: for the studio, its rank table and sliders; for the baseline, the
one slider of a bare Voilà notebook (one cell: ``ipywidgets.IntSlider()``), served by the same
Voilà with the same options. Measured in the same run, one server at a time:

* **bare**: the bare notebook, a kernel started per visit (what any Voilà page costs);
* **studio, no pre-executed kernel**: the studio as it was served before (kernel start, imports,
  data, index, widgets, per visit);
* **studio**: the studio as ``make studio`` serves it (one kernel pre-executed up to the
  visitor's language, :mod:`toolkit.studio.page`).

For each: median and worst seconds to the first text on screen (the progress line in the page's
language) and to the interactive studio, over ``--visits`` visits; before each visit the server's
kernels are left to settle (the pre-executed kernel made), as for a visitor who comes after
another has gone.

Run: .venv/bin/python benchmarks/bench_studio_render.py [--visits 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from toolkit.reports.screenshot import find_chromium
from toolkit.studio.serve import running

ROOT = Path(__file__).resolve().parents[1]


def bare_notebook(folder: Path) -> Path:
    import nbformat

    from toolkit.notebooks.kernel import KERNEL_DISPLAY_NAME, KERNEL_NAME

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider()")]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python"}
    path = folder / "bare.ipynb"
    nbformat.write(nb, path)
    return path


def settle(proc, quiet: float = 0.15, calm: int = 3, limit: float = 180) -> float:
    """Wait until the server's kernels use under ``quiet`` of a core for ``calm`` seconds in a row
    (the pre-executed kernel is made and waits: Voilà starts it a second after a visit); returns
    the seconds waited."""
    import psutil

    t0 = time.monotonic()
    time.sleep(2)
    still = 0
    while time.monotonic() - t0 < limit and still < calm:
        kids = psutil.Process(proc.pid).children(recursive=True)
        for k in kids:
            k.cpu_percent(None)
        time.sleep(1.0)
        busy = 0.0
        for k in kids:
            try:
                busy += k.cpu_percent(None) / 100
            except psutil.NoSuchProcess:
                pass
        still = still + 1 if busy < quiet else 0
    return time.monotonic() - t0


def visit(browser, url: str, ready: str) -> tuple[float, float]:
    """Seconds to the first text on screen and to ``ready`` (a selector) in a new context."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=300_000)
        page.wait_for_function("() => document.body && document.body.innerText.trim().length > 0", timeout=300_000,
                               polling=50)
        text = time.perf_counter() - t0
        page.wait_for_selector(ready, timeout=300_000, state="visible")
        return text, time.perf_counter() - t0
    finally:
        ctx.close()


def measure(browser, label: str, visits: int, ready: str, **server) -> dict:
    with running(**server) as (url, proc):
        text, first = [], []
        for _ in range(visits):
            settle(proc)
            t, f = visit(browser, url, ready)
            text.append(t)
            first.append(f)
    row = {"label": label, "text": statistics.median(text), "first": statistics.median(first), "worst": max(first)}
    print(f"{label:<38} text {row['text']:5.2f} s · interactive median {row['first']:5.2f} s, worst {row['worst']:5.2f} s"
          f"  ({', '.join(f'{x:.2f}' for x in first)})", flush=True)
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=3)
    args = parser.parse_args(argv)
    exe = find_chromium()
    if exe is None:
        raise SystemExit("no Chromium (make browser)")
    from playwright.sync_api import sync_playwright

    studio_ready = ".toolkit-studio .studio-ranks"
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        try:
            bare = measure(browser, "bare Voilà notebook (baseline)", args.visits, ".widget-slider",
                           notebook=bare_notebook(Path(tmp)), pool=0)
            cold = measure(browser, "studio, no pre-executed kernel", args.visits, studio_ready, pool=0)
            warm = measure(browser, "studio (make studio)", args.visits, studio_ready, pool=1)
        finally:
            browser.close()
    print(f"studio / bare (interactive, median): {warm['first'] / bare['first']:.2f}× "
          f"(no pre-executed kernel: {cold['first'] / bare['first']:.2f}×); pre-executing saves "
          f"{cold['first'] - warm['first']:.2f} s a visit")


if __name__ == "__main__":
    main()
