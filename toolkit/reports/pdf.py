"""Reports as A4 PDF files, printed by headless Chromium from the HTML pages.

The page's print stylesheet (:mod:`toolkit.reports.page`) sets A4 and keeps headings with what
follows; Chromium lays the page out exactly as a reader's browser would, so the PDF shows the
same fonts (embedded) and figures (inline SVG). Chromium comes from the system
(``make browser``); nothing is downloaded. Each PDF is written atomically beside its HTML.
"""

from __future__ import annotations

import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .screenshot import FLAGS, find_chromium


def html_to_pdf(html: str | Path, pdf: str | Path | None = None, timeout: int = 120) -> Path:
    """Print ``html`` to ``pdf`` (default: beside it, ``.pdf``) with headless Chromium.

    Parameters
    ----------
    html : an HTML file
    pdf : the PDF to write

    Returns
    -------
    Path : the PDF

    Raises
    ------
    FileNotFoundError : no Chromium on this machine (``make browser`` installs it)

    Examples
    --------
    Chromium is a system program that may be missing, so this example does not run as a doctest:

    >>> html_to_pdf("reports/demo_synthetic_returns__default/SD-B001.html")  # doctest: +SKIP
    PosixPath('reports/demo_synthetic_returns__default/SD-B001.pdf')
    """
    from ..files import write_atomic

    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("no Chromium found; install it (make browser) to write PDFs")
    html = Path(html).resolve()
    pdf = Path(pdf) if pdf is not None else html.with_suffix(".pdf")

    def run(tmp: Path) -> None:
        with tempfile.TemporaryDirectory() as profile:
            cmd = [exe, *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   "--run-all-compositor-stages-before-draw", f"--print-to-pdf={tmp}", html.as_uri()]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium wrote no PDF for {html.name} (exit {proc.returncode}): "
                               f"{proc.stderr[-400:]}")

    return write_atomic(pdf, run)


def print_pdfs(pages, workers: int = 2) -> dict[str, str]:
    """Print every page to a PDF beside it; returns {page name: error} for those that failed."""
    failed: dict[str, str] = {}

    def one(p: Path):
        try:
            html_to_pdf(p)
        except Exception as exc:  # one failing PDF must not stop the others
            failed[Path(p).name] = f"{type(exc).__name__}: {exc}"[:500]

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, list(pages)))
    return failed
