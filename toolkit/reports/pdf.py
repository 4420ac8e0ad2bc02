"""Reports as A4 PDF files, printed by headless Chromium from the HTML pages.

The page's print stylesheet (:mod:`toolkit.reports.page`) sets A4 and keeps headings with what
follows; Chromium lays the page out exactly as a reader's browser would, so the PDF shows the
same fonts (embedded) and figures (inline SVG). Chromium comes from the system
(``make browser``); nothing is downloaded. A batch starts one Chromium and prints a page per
report through the DevTools protocol (:class:`toolkit.reports.browser.Browser`), instead of one
Chromium per report; each PDF is written atomically beside its HTML.
"""

from __future__ import annotations

from pathlib import Path

from .browser import Browser


def html_to_pdf(html: str | Path, pdf: str | Path | None = None, timeout: int = 120,
                browser: Browser | None = None) -> Path:
    """Print ``html`` to ``pdf`` (default: beside it, ``.pdf``) with headless Chromium.

    Parameters
    ----------
    html : an HTML file
    pdf : the PDF to write
    timeout : seconds to wait for the page to load and print
    browser : a running :class:`~toolkit.reports.browser.Browser` to print with (default: one
        started for this page and closed after it)

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

    html = Path(html).resolve()
    pdf = Path(pdf) if pdf is not None else html.with_suffix(".pdf")
    if browser is None:
        with Browser(timeout=timeout) as own:
            return html_to_pdf(html, pdf, timeout, own)
    data = browser.pdf(html)
    if not data:
        raise RuntimeError(f"Chromium printed an empty PDF for {html.name}")
    return write_atomic(pdf, lambda tmp: tmp.write_bytes(data))


def print_pdfs(pages, timeout: int = 120, on_page=None) -> dict[str, str]:
    """Print every page to a PDF beside it, all with one Chromium; returns {page name: error}
    for those that failed (one failing page does not stop the others). ``on_page(page)`` is
    called after each page (a progress bar)."""
    failed: dict[str, str] = {}
    pages = list(pages)
    if not pages:
        return failed
    browser = None
    try:
        for p in pages:
            try:
                if browser is None:  # started again if a page brought it down
                    browser = Browser(timeout=timeout)
                html_to_pdf(p, timeout=timeout, browser=browser)
            except Exception as exc:  # noqa: BLE001 (recorded against the page)
                failed[Path(p).name] = f"{type(exc).__name__}: {exc}"[:500]
                if browser is not None and not browser.alive():
                    browser.close()
                    browser = None
            if on_page is not None:
                on_page(p)
    finally:
        if browser is not None:
            browser.close()
    return failed
