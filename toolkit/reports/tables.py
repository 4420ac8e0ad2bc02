"""Tables on report pages: escaped cells, a box that scrolls sideways on a narrow screen, and, for a
table too wide for the A4 page, a print-only copy in parts (:mod:`toolkit.reports.printing`).

Every table of every page goes through :func:`table_html`, so the print rule holds for any framework.
"""

from __future__ import annotations

from .printing import column_widths, parts, plain, unmarked
from .text import esc, t

__all__ = ["has_cjk", "html_cell", "table_html"]


def html_cell(v) -> str:
    """A value escaped, or inserted as is when given as ``("html", s)``."""
    return v[1] if isinstance(v, tuple) and len(v) == 2 and v[0] == "html" else esc(v)


def has_cjk(value) -> bool:
    """Whether a value holds Chinese characters (then an English page leaves it out).

    >>> has_cjk("即墨区"), has_cjk("Oslo")
    (True, False)
    """
    return any(ord(c) >= 0x2E80 for c in str(value))


def table_html(headers, rows, num_cols=(), cls: str = "", keep=(0,), lang: str | None = None) -> str:
    """An escaped HTML table inside a box that scrolls sideways on a narrow screen.

    Printed, its headers and text cells wrap; a table still too wide for the A4 page
    (:mod:`toolkit.reports.printing`) also gets a print-only copy in parts, each repeating the
    ``keep`` columns, with a line saying so (in ``lang``; by default Chinese when a header is);
    the screen shows the one table.

    Parameters
    ----------
    headers : list of str
    rows : list of lists (cells are escaped; a cell given as ``("html", s)`` is inserted as is)
    num_cols : indexes of right-aligned (numeric) columns
    cls : the table's class
    keep : indexes of the columns that say which row it is (repeated in every printed part)
    lang : the language of the printed parts' note ("zh" or "en")

    Examples
    --------
    >>> table_html(["a", "b"], [["<x>", 1]], num_cols=[1])
    '<div class="tbl"><table><thead><tr><th>a</th><th class="num">b</th></tr></thead><tbody><tr><td>&lt;x&gt;</td><td class="num">1</td></tr></tbody></table></div>'
    >>> wide = table_html(["名称", *[f"指标{i}" for i in range(12)]], [["甲", *[f"{123456.7 * i:,.1f}" for i in range(12)]]])
    >>> wide.count("<table"), "打印时分为 2 部分排印，每部分重复“名称”列。" in wide, wide.count("第 2 部分（共 2 部分）")
    (3, True, 1)
    """
    head = [html_cell(h) for h in headers]
    body = [[html_cell(v) for v in r] for r in rows]
    screen = _table(head, body, num_cols, f' class="{cls}"' if cls else "")
    split = parts(column_widths([plain(h) for h in head], [[plain(v) for v in r] for r in body], num_cols), keep)
    if len(split) == 1:
        return f'<div class="tbl">{screen}</div>'
    return f'<div class="tbl screen-only">{screen}</div>' + _print_parts(head, body, num_cols, split, lang)


def _table(head, body, num_cols, attrs: str = "", cols=None, caption: str = "") -> str:
    """A table of already escaped cells (``cols``: those columns only)."""
    cols = range(len(head)) if cols is None else cols

    def cell(tag, v, j):
        return f'<{tag} class="num">{v}</{tag}>' if j in num_cols else f"<{tag}>{v}</{tag}>"
    th = "".join(cell("th", head[j], j) for j in cols)
    rows = "".join("<tr>" + "".join(cell("td", r[j], j) for j in cols if j < len(r)) + "</tr>" for r in body)
    cap = f"<caption>{caption}</caption>" if caption else ""
    return f"<table{attrs}>{cap}<thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>"


def _print_parts(head, body, num_cols, split, lang) -> str:
    """The print-only copy of a wide table in parts (marks dropped: the screen table carries them)."""
    if lang is None:
        lang = "zh" if any(has_cjk(plain(h)) for h in head) else "en"
    n = len(split)
    keep = [j for j in split[0] if all(j in p for p in split)]
    names = [f"“{plain(head[j]).strip()}”" for j in keep if plain(head[j]).strip()]
    cols = ("、" if lang == "zh" else " and ").join(names)
    note = f'<p class="note">{esc(t("print_parts", lang).format(n=n, cols=cols))}</p>'
    body = [[unmarked(v) for v in r] for r in body]
    tables = "".join(
        '<div class="tbl">' + _table(head, body, num_cols, ' class="part"', p,
                                     caption=esc(t("print_part", lang).format(i=i, n=n))) + "</div>"
        for i, p in enumerate(split, 1))
    return f'<div class="print-only">{note}{tables}</div>'
