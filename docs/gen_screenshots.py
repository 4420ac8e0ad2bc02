"""The README's screenshots: ``python docs/gen_screenshots.py`` (needs headless Chromium: ``make browser``).

- ``docs/img/report.png``: one brain's report, rendered from the SYNTHETIC demo data by the report
  batch (``toolkit.reports.batch.run_reports``) and photographed by ``toolkit.reports.screenshot``;
- ``docs/img/notebook.png``: research notebook 04 executed with papermill (``toolkit.notebooks.run``,
  as ``make analysis`` does), its HTML photographed the same way.

The PNGs are committed; re-run this script when a report or a notebook changes its look.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.notebooks import run as run_notebooks  # noqa: E402
from toolkit.reports.batch import run_reports  # noqa: E402
from toolkit.reports.screenshot import screenshot  # noqa: E402

IMG = ROOT / "docs" / "img"


def _crop(png: Path, height: int) -> None:
    """Keep the top ``height`` pixels (the first screen a reader sees)."""
    import matplotlib.image as mpimg

    img = mpimg.imread(png)
    mpimg.imsave(png, img[:height])


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        summary = run_reports(ROOT / "data" / "raw" / "demo_synthetic_returns.csv", only=["SD-B011"],
                              out=tmp, workers=1, executor="serial", n_uncertainty=100, progress=False)
        report = next(Path(summary.run_dir).glob("unit-*.html"))
        screenshot(report, IMG / "report.png", width=1000, height=1400)
        _crop(IMG / "report.png", 1400)
        print(IMG / "report.png")
        run_notebooks(out=Path(tmp) / "analysis", only=["04"])
        screenshot(Path(tmp) / "analysis" / "04_index.html", IMG / "notebook.png", width=1000, height=1400)
        _crop(IMG / "notebook.png", 1400)
        print(IMG / "notebook.png")


if __name__ == "__main__":
    main()
