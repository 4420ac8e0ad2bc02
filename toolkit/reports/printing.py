"""Wide tables on A4 paper: a table too wide for the printed page is printed in parts.

A page prints at 100 % on A4 (:mod:`toolkit.reports.page`: 12 mm side margins, so 186 mm or
:data:`PRINT_WIDTH` CSS px of printable width). The overview's ranking of 50 brains with five
dimensions is about 1,400 px wide, COINr's ASEM with eight pillars about 2,100 px: printed as
it is, its right-hand columns fall off the paper. Statistical yearbooks print such a table in
*parts*: each part holds as many columns as fit and repeats the columns that say which row it
is (the rank and the name), and the page says that the table continues. This module decides
the parts; :func:`toolkit.reports.views.table_html` writes them as a print-only copy of the
table (the screen keeps its one sortable table), so nothing is lost on paper and nothing
changes on screen.

The widths are estimated from the text, at the printed table's type size (:data:`TABLE_PT`),
with the advance widths of the embedded font (Noto Sans SC: every CJK character 1 em, the ASCII
characters as in :data:`ASCII_ADVANCES`); printed, a header may wrap onto three lines and a
text cell onto two, a number never wraps.
The page audit (``tests/reports/audit.py``, ``check_print_fit``) lays every page out in print
media at the printable width and fails when any box passes its edge, so an estimate that is
wrong shows up there.
"""

from __future__ import annotations

import html
import re

__all__ = ["PRINT_WIDTH", "TABLE_PT", "ASCII_ADVANCES", "text_width", "plain", "unmarked", "column_widths", "parts"]

#: the printable width of A4 (210 mm) less the 12 mm side margins of the reports' ``@page``, in CSS px
PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)
#: the type size of a printed table, in pt (the print minimum is 7 pt)
TABLE_PT = 8
#: a cell's horizontal padding and border, in px (``td,th{padding:1px 5px}`` in print)
PAD = 11
#: the share of the printable width the estimate may fill (the rest absorbs estimating errors)
FILL = 0.95
#: the advance widths of the printable ASCII characters (32–126) in Noto Sans SC Regular, in
#: thousandths of an em (``hmtx``; tests/reports/test_print_fit.py checks them against the font)
ASCII_ADVANCES = tuple(int(a) for a in (
    "224 323 474 555 555 921 680 278 338 338 467 555 278 347 278 392 555 555 555 555 555 555 555 555 555 555 278 "
    "278 555 555 555 474 946 608 657 638 688 589 552 689 728 293 535 646 543 812 723 742 633 742 635 596 599 721 "
    "575 878 573 531 603 338 392 338 555 559 606 563 618 510 620 554 325 564 607 275 275 552 284 926 610 606 620 "
    "620 388 468 377 607 521 802 498 521 475 338 270 338 555").split())
_BOLD = 1.06  # a header is bold: Chromium's synthetic bold of the regular face draws a little wider
_TAG = re.compile(r"<[^>]+>")
_MARK = re.compile(r' data-score="[^"]*"')


def _em(ch: str) -> float:
    c = ord(ch)
    if 32 <= c < 127:
        return ASCII_ADVANCES[c - 32] / 1000
    return 1.0 if c >= 0x2E80 or c in (0xB7, 0x2026, 0x2030, 0x2265, 0x2264) else 0.62


def text_width(text: str, pt: float = TABLE_PT) -> float:
    """The width of ``text`` set on one line at ``pt`` points, in CSS px (1 pt = 4/3 px).

    Examples
    --------
    >>> round(text_width("综合指数"), 1), round(text_width("0.788"), 1)
    (42.7, 26.6)
    """
    return sum(_em(ch) for ch in text) * pt * 4 / 3


def _wrapped(text: str, pt: float, lines: int) -> float:
    """The width ``text`` needs when it may wrap onto ``lines`` lines: its longest unbreakable
    run (a Latin word; CJK breaks between any two characters), at least 1/``lines`` of its length."""
    words = re.findall(r"[^\s\u2e80-\U0010ffff]+|[\u2e80-\U0010ffff]", text)
    longest = max((text_width(w, pt) for w in words), default=0.0)
    return max(longest, text_width(text, pt) / lines)


def plain(cell_html: str) -> str:
    """The text a cell shows (its HTML without tags, entities decoded).

    >>> plain('<span data-score="a|b|2025">45.1</span> &lt;x&gt;')
    '45.1 <x>'
    """
    return html.unescape(_TAG.sub("", cell_html))


def unmarked(cell_html: str) -> str:
    """A cell without its score marks (``data-score``): a printed copy of a table the audit
    already checks on screen.

    >>> unmarked('<span data-score="a|b|2025">45.1</span>')
    '<span>45.1</span>'
    """
    return _MARK.sub("", cell_html)


def column_widths(headers: list[str], rows: list[list[str]], num_cols=(), pt: float = TABLE_PT,
                  first_em: float = 8) -> list[float]:
    """Each column's printed width in px, with the cells' padding: a header may wrap onto three
    lines, a text cell onto two, a number (``num_cols``) stays on one; the first column is at
    least ``first_em`` em when it is text (the print stylesheet's
    ``td:first-child:not(.num){min-width:8em}``). ``headers`` and ``rows`` are plain text.

    Examples
    --------
    >>> [round(w) for w in column_widths(["Country", "排名"], [["Norway", "1"], ["China", "75"]], num_cols=[1])]
    [96, 23]
    >>> [round(w) for w in column_widths(["Indicator"], [["Logistics Performance Index"]], first_em=0)]
    [81]
    """
    widths = [_wrapped(h, pt, 3) * _BOLD for h in headers]
    if widths and first_em and 0 not in num_cols:
        widths[0] = max(widths[0], first_em * pt * 4 / 3)
    for r in rows:
        for j, v in enumerate(r[:len(widths)]):
            widths[j] = max(widths[j], text_width(v, pt) if j in num_cols else _wrapped(v, pt, 2))
    return [w + PAD for w in widths]


def parts(widths: list[float], keep=(0,), width: float = PRINT_WIDTH * FILL) -> list[list[int]]:
    """The columns of each printed part of a table: the ``keep`` columns (which row it is) and,
    in order, as many of the others as fit in ``width`` px. One part when the table fits; a
    column too wide for any part goes alone with the ``keep`` columns (its cells wrap).

    Examples
    --------
    >>> parts([100, 300, 200])
    [[0, 1, 2]]
    >>> parts([100, 300, 300, 250], keep=(0,))
    [[0, 1], [0, 2, 3]]
    >>> parts([50, 100, 600, 600, 30], keep=(0, 1))
    [[0, 1, 2], [0, 1, 3], [0, 1, 4]]
    """
    if sum(widths) <= width:
        return [list(range(len(widths)))]
    keep = [j for j in keep if j < len(widths)]
    base = sum(widths[j] for j in keep)
    out: list[list[int]] = []
    cur, used = [], base
    for j in (j for j in range(len(widths)) if j not in keep):
        if cur and used + widths[j] > width:
            out.append(keep + cur)
            cur, used = [], base
        cur.append(j)
        used += widths[j]
    if cur:
        out.append(keep + cur)
    return out
