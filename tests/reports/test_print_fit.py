"""Printed pages lose nothing on A4 (issue 22): a table too wide for the page is printed in parts
(:mod:`toolkit.reports.printing`), checked here on the estimate, on the HTML and on real PDFs
(Chromium's ``Page.printToPDF`` read back with ``pdftotext`` from poppler-utils). The page audit
(tests/reports/test_page_audit.py, ``check_print_fit``) checks every page type of three
frameworks in both languages in print media."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from toolkit.reports.page import STYLE
from toolkit.reports.printing import ASCII_ADVANCES, PRINT_WIDTH, column_widths, parts, text_width
from toolkit.reports.screenshot import find_chromium
from toolkit.reports.views import table_html

from .audit import A4_WIDTH


def test_the_printable_width_is_a4_less_the_page_margins():
    """210 mm less two 12 mm margins (the ``@page`` of toolkit/reports/page.py) at 96 px per inch."""
    assert "@page{size:A4;margin:14mm 12mm 14mm 12mm}" in STYLE
    assert PRINT_WIDTH == A4_WIDTH == round(186 / 25.4 * 96) == 703


def test_the_advance_widths_are_the_embedded_fonts():
    """The estimate uses the advance widths of Noto Sans SC, the font every page embeds."""
    from toolkit.viz.fonts import cjk_font_path

    path = cjk_font_path()
    if path is None:
        pytest.skip("the CJK font package is not installed")
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    cmap, hmtx, upm = font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
    assert [round(hmtx[cmap[c]][0] * 1000 / upm) for c in range(32, 127)] == list(ASCII_ADVANCES)
    assert all(hmtx[cmap[ord(ch)]][0] == upm for ch in "综合指数、（")  # a CJK character is 1 em
    assert text_width("综合指数", 9) == pytest.approx(4 * 12)  # 9 pt = 12 px


def test_a_table_is_cut_into_parts_that_each_fit_and_repeat_the_row_labels():
    widths = [120.0, 40.0, *[90.0] * 14]  # a name, a rank and 14 columns: 1,420 px
    split = parts(widths, keep=(0, 1))
    assert [p[:2] for p in split] == [[0, 1]] * len(split)
    assert sorted(j for p in split for j in p[2:]) == list(range(2, 16))  # every column once, in order
    assert all(sum(widths[j] for j in p) <= PRINT_WIDTH for p in split)
    assert len(split) == 3  # 160 + 5 × 90 = 610 ≤ 668 < 700: five columns a part
    assert parts([300.0, 300.0]) == [[0, 1]]  # a table that fits stays whole


def test_wide_table_prints_in_parts_and_the_screen_keeps_one_table():
    heads = ["排名", "国家", *[f"支柱{j}" for j in range(10)]]
    rows = [[str(i), f"国家{i}", *[f"{i * 1000000 + j:,}.5" for j in range(10)]] for i in range(3)]
    html = table_html(heads, rows, num_cols=[0, *range(2, 12)], keep=(0, 1), lang="zh")
    screen, printed = html.split('<div class="print-only">')
    assert screen.count("<table") == 1 and 'class="tbl screen-only"' in screen
    tables = re.findall(r"<table.*?</table>", printed)
    assert len(tables) >= 2 and f"打印时分为 {len(tables)} 部分排印，每部分重复“排名”、“国家”列。" in printed
    got = [re.findall(r"<th(?: [^>]*)?>(.*?)</th>", tb) for tb in tables]
    assert all(h[:2] == ["排名", "国家"] for h in got)
    assert [h for tb in got for h in tb[2:]] == heads[2:]
    assert "data-score" not in printed
    cells = lambda h: re.findall(r"<td(?: [^>]*)?>(.*?)</td>", h)  # noqa: E731
    shown = [re.findall(r"<td(?: [^>]*)?>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", screen.split("<tbody>")[1])]
    copied = [[c for tb in tables for c in cells(tb.split("<tbody>")[1].split("</tr>")[i])] for i in range(len(rows))]
    assert [sorted(set(r)) for r in copied] == [sorted(set(r)) for r in shown]  # every cell printed, as on screen
    widths = column_widths(heads, rows, [0, *range(2, 12)])
    assert sum(widths) > PRINT_WIDTH  # the whole would not fit


def _pdf_text(pdf) -> str:
    """The PDF's text in the order it is drawn (a wrapped cell's lines stay together), without spaces."""
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None or shutil.which("pdftotext") is None,
                    reason="Chromium and poppler-utils needed (make browser)")
def test_printed_overview_and_city_report_show_every_column(demo_run, demo_run_en, tmp_path):
    """The real PDFs hold every column header of the screen's ranking tables and every unit's
    last column (the type), in both languages: nothing fell off the paper (before, the overview
    printed 1,423 px wide, the English one 2,228 px: Chromium shrank them and still cut off the
    type column of every unit on three of these four pages)."""
    from toolkit.reports.pdf import print_pdfs

    pages = []
    for run in (demo_run, demo_run_en):
        for name in ("index.html", next(p.name for p in run.run_dir.glob("city-*.html"))):
            copy = tmp_path / f"{run.run_dir.name}-{name}"
            shutil.copy(run.run_dir / name, copy)
            pages.append(copy)
    assert print_pdfs(pages) == {}
    for page in pages:
        html = page.read_text("utf-8")
        table = re.search(r'<table class="(?:sortable units|ranking)".*?</table>', html, re.S).group(0)
        heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", table)]
        text = _pdf_text(page.with_suffix(".pdf"))
        missing = [h for h in heads if re.sub(r"\s+", "", h) not in text]
        assert not missing, (page.name, missing)
        last = [re.sub(r"<[^>]+>", "", r[-1]) for r in re.findall(
            r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S) for r in [re.findall(r"<td[^>]*>(.*?)</td>", r)]]
        lost = [v for v in last if re.sub(r"\s+", "", v) not in text]
        assert not lost, (page.name, lost[:3])
