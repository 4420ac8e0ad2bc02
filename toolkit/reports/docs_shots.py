"""The screenshots of ``docs/reports.md``: render the demo's reports, then photograph them.

``python -m toolkit.reports.docs_shots docs/img [HDI.csv]``. Apart from :mod:`toolkit.reports.screenshot`
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


def docs_screenshots(out: str | Path = "docs/img", data: str | Path | None = None, n_uncertainty: int = 100,
                     hdi: str | Path | None = None) -> list[Path]:
    """Render the demo's reports and take the screenshots of ``docs/reports.md``: a brain
    profile (1280 px and 390 px wide), a city report, the overview (1280 and 390 px), the Chinese
    compare page and, with ``hdi``, the HDI profile of China.

    Parameters
    ----------
    out : folder for the PNG files
    data : the return to render (default: the bundled synthetic demo)
    hdi : the HDR 2023/24 HDI file (``../shared/data/hdi/hdr2023_24_hdi_2022.csv``), optional

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
                 (city, "report_city.png", 1280, 1500), (s.run_dir / "index.html", "report_overview.png", 1280, 1400),
                 (s.run_dir / "index.html", "report_overview_390.png", 390, 1000)]
        if hdi is not None:  # the HDI profile of China, in Chinese (a framework scored 0–1)
            h = run_reports(Path(hdi), ROOT / "configs" / "hdi.yaml", by="unit", only=["CHN"], workers=1,
                            executor="serial", out=Path(tmp) / "hdi", n_uncertainty=n_uncertainty, progress=False)
            if h.failed:
                raise RuntimeError(f"reports failed: {h.failed}")
            shots.append((next(h.run_dir.glob("unit-CHN-*.html")), "report_profile_hdi.png", 1280, 2000))
        shots.append((_compare_zh(data, Path(tmp) / "compare"), "report_compare_zh.png", 1100, 1300))
        return [screenshot(page, out / name, width=w, height=h) for page, name, w, h in shots]


def _compare_zh(data: Path, out: Path) -> Path:
    """The Chinese compare page of the demo: the default spec against equal weights and a
    geometric index."""
    from ..data.read import read_indicators
    from ..index.spec import load_spec
    from ..studio.compare import write_compare

    d = read_indicators(data)
    nominal = load_spec(ROOT / "configs" / "default.yaml", d.framework)
    other = nominal.replace({"name": "equal_geometric", "weights": {"dimension": {"method": "equal"},
                                                                     "index": {"method": "equal"}},
                             "aggregation": {"index": {"method": "geometric"}}})
    return write_compare(d, [nominal, other], out, lang="zh")[0]


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python -m toolkit.reports.docs_shots docs/img [hdr2023_24_hdi_2022.csv]")
    for p in docs_screenshots(sys.argv[1], hdi=sys.argv[2] if len(sys.argv) == 3 else None):
        print(p)
