"""Make the screenshots of docs/studio.md (run from the repository root; needs Chromium, and
Playwright + Voilà for the studio picture):

    PYTHONPATH=. .venv/bin/python docs/img/make_studio_screenshots.py

Writes docs/img/studio_compare.png, docs/img/studio_selection.png and docs/img/studio_voila.png,
all from the synthetic demo data.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

import toolkit
from toolkit.reports.screenshot import find_chromium, screenshot
from toolkit.studio.compare import write_compare
from toolkit.studio.serve import voila_command

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "img"
ALTERNATIVE = {"name": "equal_geometric", "description": "equal weights at every level, geometric index",
               "weights": {"dimension": {"method": "equal"}, "index": {"method": "equal"}},
               "aggregation": {"index": {"method": "geometric"}}}


def compare_pages() -> None:
    data = toolkit.read_indicators(ROOT / "data/raw/demo_synthetic_returns.csv")
    with tempfile.TemporaryDirectory() as tmp:
        alt = Path(tmp) / "equal_geometric.yaml"
        alt.write_text(yaml.safe_dump(ALTERNATIVE), encoding="utf-8")
        write_compare(data, [ROOT / "configs/default.yaml", alt], tmp, uspec=ROOT / "configs/uncertainty.yaml",
                      quota=10, n=512, seed=1)
        screenshot(Path(tmp) / "compare.html", IMG / "studio_compare.png", width=1100, height=1300)
        screenshot(Path(tmp) / "selection.html", IMG / "studio_selection.png", width=1100, height=1000)


def studio_page() -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(voila_command(port, root=ROOT), cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310 - localhost
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1150})
            page.goto(f"http://127.0.0.1:{port}/", timeout=180_000)
            page.wait_for_selector(".studio-ranks", timeout=180_000)
            before = page.inner_text(".studio-ranks tbody")
            page.query_selector_all(".widget-slider .noUi-handle")[0].focus()
            for _ in range(40):
                page.keyboard.press("ArrowRight")
            page.wait_for_function("b => document.querySelector('.studio-ranks tbody').innerText !== b", arg=before,
                                   timeout=60_000)
            box = page.locator(".toolkit-studio").bounding_box()
            page.screenshot(path=str(IMG / "studio_voila.png"), full_page=True,
                            clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], 1150)})
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    compare_pages()
    studio_page()
    print("\n".join(str(p) for p in sorted(IMG.glob("studio_*.png"))))
