"""The screenshots of ``docs/reports.md``: render the demo's reports, then photograph them.

``python -m toolkit.reports.docs_shots docs/img``. Apart from :mod:`toolkit.reports.screenshot`
because it runs the report batch, which prints PDFs with the screenshot module's browser: one
module above both keeps the imports a line, not a circle (issue 20).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .batch import ROOT, run_reports
from .screenshot import screenshot

__all__ = ["docs_screenshots"]


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
    if len(sys.argv) != 2:
        sys.exit("usage: python -m toolkit.reports.docs_shots docs/img")
    for p in docs_screenshots(sys.argv[1]):
        print(p)
