"""Plain-text tables whose columns line up for Chinese text in a terminal.

A Chinese character takes two columns of a terminal, a Latin letter one: padding by character
count (what :meth:`pandas.DataFrame.to_string` does) pushes every column after a Chinese cell out of
line. Widths here are *display* widths from the Unicode East Asian Width property
(:func:`unicodedata.east_asian_width`: "W" and "F" are two columns, combining marks none).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["display_width", "format_table", "pad"]


def display_width(text: object) -> int:
    """Columns ``text`` takes in a terminal.

    Parameters
    ----------
    text : object
        Anything; it is shown as ``str(text)``.

    Returns
    -------
    int
        Two per wide or full-width character, none per combining mark, one otherwise.

    Examples
    --------
    >>> display_width("L1P1"), display_width("产业规模"), display_width("１２")
    (4, 8, 4)
    """
    width = 0
    for ch in str(text):
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: object, width: int, align: str = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns.

    Parameters
    ----------
    text : object
        The cell, shown as ``str(text)``.
    width : int
        Display columns wanted; text already wider is returned unchanged.
    align : {"left", "right"}
        Where the text sits.

    Returns
    -------
    str

    Examples
    --------
    >>> pad("城市", 6) + "|"
    '城市  |'
    >>> pad(42, 4, "right")
    '  42'
    """
    text = str(text)
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == "right" else text + fill


def format_table(frame: pd.DataFrame, *, index: bool = False, max_width: int = 80,
                 gap: str = "  ") -> str:
    """``frame`` as a plain-text table aligned by display width.

    Numbers are right-aligned, text left-aligned; missing values show as blanks; a cell wider than
    ``max_width`` columns is cut with "…".

    Parameters
    ----------
    frame : DataFrame
        The table; its column labels are the header.
    index : bool, default False
        Show the index as the first column.
    max_width : int, default 80
        Widest a cell may be, in display columns.
    gap : str, default two spaces
        What separates two columns.

    Returns
    -------
    str
        One line per row after the header line, without a trailing newline.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"代码": ["L1P1", "L1P10"], "名称": ["产业规模", "研发投入强度"],
    ...                   "值": [1296.5, 3.0]})
    >>> print(format_table(t))
    代码   名称              值
    L1P1   产业规模      1296.5
    L1P10  研发投入强度     3.0
    """
    import pandas as pd  # imported here: the help and the recipe are printed without it

    if index:
        frame = frame.reset_index()
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    cells: list[list[str]] = [[_cut(c, max_width) for c in frame.columns]]
    for row in frame.itertuples(index=False):
        cells.append([_cut("" if _missing(v, pd.isna) else v, max_width) for v in row])
    widths = [max(display_width(r[j]) for r in cells) for j in range(len(frame.columns))]
    lines = []
    for r in cells:
        parts = [pad(v, w, "right" if num else "left") for v, w, num in zip(r, widths, numeric, strict=True)]
        lines.append(gap.join(parts).rstrip())
    return "\n".join(lines)


def _missing(value: object, isna) -> bool:
    try:
        return bool(isna(value))
    except (TypeError, ValueError):  # lists and arrays are never "missing"
        return False


def _cut(value: object, width: int) -> str:
    text = " ".join(str(value).split())  # a cell is one line
    if display_width(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
