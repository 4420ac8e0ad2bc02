"""The pages in a real browser (headless Chromium, `make browser`): offline, every glyph, no clipping,
and the brain profile printed to 3–4 A4 pages (rasterised with pdftoppm from poppler-utils)."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from toolkit.reports.screenshot import FLAGS, find_chromium

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed: run `make browser`")]

#: what a page shows once its fonts are loaded: the requests it made outside the page (and the
#: addresses of any element that would load from the network), chart text past its box, how far
#: the page is wider than the window, and the fonts with their status
PROBE = r"""() => { const out = {external: [], clipped: [], overflow: 0, fonts: []};
performance.getEntriesByType('resource').forEach(e => {
  if (!/^(data|file|about|blob):/.test(e.name)) out.external.push(e.name); });
document.querySelectorAll('script[src],link[href],img[src],iframe[src]').forEach(el => {
  const u = el.getAttribute('src') || el.getAttribute('href'); if (/^(https?:)?\/\//.test(u)) out.external.push(u); });
document.querySelectorAll('svg.chart').forEach((svg, i) => { const vb = svg.viewBox.baseVal;
  svg.querySelectorAll('text').forEach(t => { const b = t.getBBox();
    if (b.x < vb.x - 1 || b.y < vb.y - 1 || b.x + b.width > vb.x + vb.width + 1 || b.y + b.height > vb.y + vb.height + 1)
      out.clipped.push(i + ':' + t.textContent + ':' + [b.x, b.y, b.width, b.height].map(Math.round)); }); });
out.overflow = document.documentElement.scrollWidth - window.innerWidth;
document.fonts.forEach(f => out.fonts.push(f.family + ':' + f.status));
return out; }"""
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def probed(demo_run, demo_run_en):
    """Each page of both demo runs loaded once in one headless Chromium with every request that
    leaves the page refused, and probed at each width (the window resized between the probes):
    ``{(page, width): probe, with "refused": the requests refused}``."""
    from .audit import Tab, chromium, load_widths

    out = {}
    with chromium() as browser, Tab(browser) as tab:  # one page of it, loaded again for each (a new document)
        for page in _pages(demo_run.run_dir) + _pages(demo_run_en.run_dir):
            got, refused = load_widths(tab, page, WIDTHS, script=PROBE)
            for width in WIDTHS:
                out[(page, width)] = {**got[width], "refused": refused}
    return out


def _pages(run_dir: Path) -> list[Path]:
    return [next(run_dir.glob("unit-SD-B010-*.html")), next(run_dir.glob("city-Heze-*.html")), run_dir / "index.html"]


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_load_offline_draw_every_glyph_and_clip_nothing(demo_run, demo_run_en, probed, width):
    from fontTools.ttLib import TTFont

    assert demo_run_en.run_dir.name.endswith("__en")
    for page in _pages(demo_run.run_dir) + _pages(demo_run_en.run_dir):  # English labels are longer
        got = probed[(page, width)]
        assert got["refused"] == [] and got["external"] == [], (page.name, got["refused"], got["external"])
        assert got["clipped"] == [], (page.name, got["clipped"][:5])
        assert got["overflow"] <= 1, (page.name, "page wider than the window", got["overflow"])
        assert "Noto Sans SC Embedded:loaded" in got["fonts"], got["fonts"]
        html = page.read_text("utf-8")
        data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1))
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        visible = re.sub(r"<(style|script)[^>]*>[\s\S]*?</\1>|<[^>]+>", "", html)
        missing = sorted({c for c in visible if ord(c) >= 0x2E80 and ord(c) not in cmap})
        assert not missing, (page.name, "".join(missing))  # every CJK glyph has a glyph in the embedded font


def test_pages_have_real_titles_and_a_viewport(demo_run):
    brain, city, index = (p.read_text("utf-8") for p in _pages(demo_run.run_dir))
    assert "<title>菏泽市郓城县数控机床产业大脑 · 2025</title>" in brain
    assert "<title>菏泽市 · 2025</title>" in city
    assert "<title>产业大脑评价总览 · 2025</title>" in index
    for html in (brain, city, index):
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert "require.js" not in html and "MathJax" not in html
        assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)  # nothing loaded from the network
    links = re.findall(r'href="([^"#]+)"', brain)
    assert "index.html" in links and any(h.startswith("city-Heze-") for h in links)
    assert re.search(r'href="unit-SD-B010-[0-9a-f]+\.html"', city) and 'href="index.html"' in city


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed (make browser)")
def test_brain_profile_prints_to_three_or_four_a4_pages(demo_run, tmp_path):
    """Printed chart labels are at least 7 pt (tests/reports/test_page_audit.py), so the figures
    take the page width: 4 pages (3 before, with 5 pt labels)."""
    from matplotlib import image

    from toolkit.reports.pdf import html_to_pdf

    page = _pages(demo_run.run_dir)[0]
    pdf = html_to_pdf(page, tmp_path / "profile.pdf")
    subprocess.run(["pdftoppm", "-r", "36", "-png", str(pdf), str(tmp_path / "p")], check=True, timeout=120)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert 3 <= len(pngs) <= 4, len(pngs)
    for png in pngs:
        h, w = image.imread(png).shape[:2]
        assert abs(w - 210 / 25.4 * 36) <= 2 and abs(h - 297 / 25.4 * 36) <= 2  # A4 at 36 dpi: 298 × 421 px
    headings = {"概要", "维度得分", "在全部产业大脑中的位置", "历年走势", "优势与短板", "优势指标", "短板指标", "指标明细",
                "主要障碍因素", "耦合协调度", "同产业产业大脑", "画像最相近的产业大脑", "数据来源与版本"}
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        for i, pg in enumerate(text.split("\f")[:-1]):
            lines = [ln.strip() for ln in pg.splitlines() if ln.strip()]
            assert lines and lines[-1] not in headings, (i + 1, lines[-1])  # no heading stranded at a page foot


def _pdf_pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)
    return pages, size


def _pdf_links(pdf: Path) -> list[str]:
    out = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[1:]


def _cli_pdf(page: Path, ref: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([find_chromium(), *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                        "--run-all-compositor-stages-before-draw", f"--print-to-pdf={ref}", page.as_uri()],
                       capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def printed_by_cli(demo_run, demo_run_en, tmp_path_factory):
    """Copies of both demo runs' pages in one folder, each with the PDF Chromium's own
    ``--print-to-pdf`` writes of it (``<stem>.cli.pdf``): made once for every number of tabs."""
    folder = tmp_path_factory.mktemp("one-browser")
    pages = []
    for run in (demo_run, demo_run_en):
        for page in _pages(run.run_dir):
            copy = folder / f"{run.run_dir.name}-{page.name}"
            shutil.copy(page, copy)
            _cli_pdf(copy, folder / f"{copy.stem}.cli.pdf")
            pages.append(copy)
    return pages


@pytest.fixture(scope="module")
def batch_browser():
    """One Chromium over the DevTools pipe for the batches of every number of tabs (started once:
    a batch printed in a Chromium that printed one before must print as a fresh one does)."""
    from toolkit.reports.browser import Browser

    with Browser() as browser:
        yield browser


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed (make browser)")
@pytest.mark.parametrize("tabs", [1, 2])
def test_one_browser_prints_the_batch_as_chromium_prints_each_page(printed_by_cli, batch_browser, tabs):
    """The batch prints every page in one Chromium over the DevTools pipe; each PDF has the page
    count, the A4 size, the title, the text and the links of the PDF Chromium's own
    ``--print-to-pdf`` writes, whether its tab navigated to it or wrote it into the document of
    an earlier page of the folder (the pages without a script)."""
    pages = printed_by_cli
    before = batch_browser.written
    for page, got in batch_browser.pdfs(pages, tabs=tabs):
        page.with_suffix(f".tabs{tabs}.pdf").write_bytes(got)
    assert batch_browser.written - before >= 6 - 2 - tabs  # the two overview pages have a script: navigated to
    for page in pages:
        ref, pdf = page.with_suffix(".cli.pdf"), page.with_suffix(f".tabs{tabs}.pdf")
        got, want = _pdf_pages(pdf), _pdf_pages(ref)
        assert got == want and "(A4)" in got[1], (page.name, got, want)
        info = [subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True).stdout for p in (pdf, ref)]
        titles = [re.search(r"^Title:\s*(.*)$", i, re.M).group(1) for i in info]
        assert titles == [_title(page)] * 2, (page.name, titles)
        assert _pdf_links(pdf) == _pdf_links(ref), page.name
        if shutil.which("pdftotext"):
            text = [subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True).stdout
                    for p in (pdf, ref)]
            assert text[0] == text[1], page.name


def _title(page: Path) -> str:
    import html

    return html.unescape(re.search(r"<title>(.*?)</title>", page.read_text("utf-8")).group(1))


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed (make browser)")
def test_print_pdfs_writes_each_pdf_beside_its_page(demo_run, tmp_path):
    from toolkit.reports.pdf import print_pdfs

    pages = [tmp_path / f"{i}-{p.name}" for i, p in enumerate(_pages(demo_run.run_dir))]
    for page, src in zip(pages, _pages(demo_run.run_dir), strict=True):
        shutil.copy(src, page)
    assert print_pdfs(pages) == {}
    assert all(_pdf_pages(p.with_suffix(".pdf"))[1].endswith("(A4)") for p in pages)


def test_a_page_that_cannot_print_is_reported_and_the_others_still_print(demo_run, tmp_path):
    from toolkit.reports.pdf import print_pdfs

    good = tmp_path / "good.html"
    shutil.copy(_pages(demo_run.run_dir)[1], good)
    failed = print_pdfs([tmp_path / "missing" / "nope.html", good])
    assert list(failed) == ["nope.html"] and good.with_suffix(".pdf").stat().st_size > 0
