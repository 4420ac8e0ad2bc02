"""Screenshots of HTML reports with headless Chromium, to check what a reader's browser shows.

``python -m toolkit.reports.screenshot REPORT.html OUT.png`` renders a report as a real browser does
(fonts, layout, images); ``python -m toolkit.reports.screenshot --docs docs/img`` renders the demo
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


def docs_screenshots(out: str | Path = "docs/img", data: str | Path | None = None, n_uncertainty: int = 100) -> list[Path]:
    """Render the demo's reports and take the screenshots of ``docs/reports.md``: a brain
    profile (1280 px and 390 px wide), a city report and the overview.

    Parameters
    ----------
    out : folder for the PNG files
    data : the return to render (default: the bundled synthetic demo)

    Returns
    -------
    list of Path : the PNG files written
    """
    from .batch import ROOT, run_reports

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = Path(data) if data else ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
    with tempfile.TemporaryDirectory() as tmp:
        s = run_reports(data, by="all", only=["SD-B010", "菏泽市"], workers=1, executor="serial", out=tmp,
                        n_uncertainty=n_uncertainty, progress=False)
        if s.failed:
            raise RuntimeError(f"reports failed: {s.failed}")
        brain = next(s.run_dir.glob("unit-SD-B010-*.html"))
        city = next(s.run_dir.glob("city-Heze-*.html"))
        shots = [(brain, "report_profile.png", 1280, 2000), (brain, "report_profile_390.png", 390, 1600),
                 (city, "report_city.png", 1280, 1500), (s.run_dir / "index.html", "report_overview.png", 1280, 1400)]
        return [screenshot(page, out / name, width=w, height=h) for page, name, w, h in shots]


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3 and sys.argv[1] == "--docs":
        for p in docs_screenshots(sys.argv[2]):
            print(p)
    elif len(sys.argv) == 3:
        print(screenshot(sys.argv[1], sys.argv[2]))
    else:
        sys.exit("usage: python -m toolkit.reports.screenshot REPORT.html OUT.png\n"
                 "       python -m toolkit.reports.screenshot --docs docs/img")
