"""Screenshots of HTML reports with headless Chromium, to check what a reader's browser shows.

``python -m toolkit.reports.screenshot REPORT.html OUT.png`` renders a report as a real browser does
(fonts, layout, images); ``python -m toolkit.reports.docs_shots docs/img`` renders the demo
and writes the screenshots shown in ``docs/reports.md``. Chromium comes from the system (Debian: ``apt-get install chromium``,
which ``make browser`` does); nothing is downloaded at run time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# the flags this machine needs: no sandbox as root, no GPU, and no background network traffic
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio")


def find_chromium() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html: str | Path, png: str | Path, width: int = 1100, height: int = 2400,
               timeout: int = 120) -> Path:
    """Render ``html`` (a file) to ``png`` with headless Chromium; returns the PNG path. ``png``
    naming ``html`` itself (or a link to it) is refused (:class:`toolkit.publish.InputClash`)."""
    from ..publish.guard import check_targets, protected_inputs

    with protected_inputs(html):  # Chromium writes the PNG itself: checked here, before it starts
        check_targets(files=[png])
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("no Chromium found; install it (make browser) to take screenshots")
    html, png = Path(html).resolve(), Path(png).resolve()
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--screenshot={png}", html.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not png.exists():
        raise RuntimeError(f"Chromium wrote no screenshot (exit {proc.returncode}): {proc.stderr[-500:]}")
    return png


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3:
        print(screenshot(sys.argv[1], sys.argv[2]))
    else:
        sys.exit("usage: python -m toolkit.reports.screenshot REPORT.html OUT.png\n"
                 "       (the docs' screenshots: python -m toolkit.reports.docs_shots docs/img)")
