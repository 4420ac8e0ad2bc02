"""Reports as A4 PDF files, printed by headless Chromium from the HTML pages.

The page's print stylesheet (:mod:`toolkit.reports.page`) sets A4 and keeps headings with what
follows; Chromium lays the page out exactly as a reader's browser would, so the PDF shows the
same fonts (embedded) and figures (inline SVG). Chromium comes from the system
(``make browser``); nothing is downloaded. A batch starts one Chromium and prints its pages
through a few reused tabs at once over the DevTools protocol
(:meth:`toolkit.reports.browser.Browser.pdfs`), instead of one Chromium per report; each PDF is
written atomically beside its HTML.
"""

from __future__ import annotations

from pathlib import Path

from .browser import TABS, Browser


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
    html = Path(html).resolve()
    pdf = Path(pdf) if pdf is not None else html.with_suffix(".pdf")
    if browser is None:
        with Browser(timeout=timeout) as own:
            return html_to_pdf(html, pdf, timeout, own)
    return _write(html, pdf, browser.pdf(html))


def _write(html: Path, pdf: Path, data: bytes) -> Path:
    from ..files import write_atomic

    if not data:
        raise RuntimeError(f"Chromium printed an empty PDF for {html.name}")
    return write_atomic(pdf, lambda tmp: tmp.write_bytes(data))


def print_pdfs(pages, timeout: int = 120, on_page=None, tabs: int = TABS, write: bool = True) -> dict[str, str]:
    """Print every page to a PDF beside it, all with one Chromium, ``tabs`` pages at a time;
    returns {page name: error} for those that failed (one failing page does not stop the
    others; a Chromium that stops is started again for the pages it had not printed).
    ``on_page(page)`` is called after each page (a progress bar); ``write=False`` navigates to
    every page (:meth:`toolkit.reports.browser.Browser.pdfs`)."""
    failed: dict[str, str] = {}
    left = [Path(p) for p in pages]
    while left:
        done: set[Path] = set()
        try:
            with Browser(timeout=timeout) as browser:
                for page, got in browser.pdfs(left, tabs=tabs, write=write):
                    done.add(page)
                    try:
                        if isinstance(got, Exception):
                            raise got
                        _write(page, page.with_suffix(".pdf"), got)
                    except Exception as exc:  # noqa: BLE001 (recorded against the page)
                        failed[page.name] = f"{type(exc).__name__}: {exc}"[:500]
                    if on_page is not None:
                        on_page(page)
        except Exception as exc:  # noqa: BLE001 (Chromium would not start or open a tab: every page left fails)
            for page in left:
                if page not in done:
                    failed[page.name] = f"{type(exc).__name__}: {exc}"[:500]
                    if on_page is not None:
                        on_page(page)
            return failed
        left = [p for p in left if p not in done]
    return failed
