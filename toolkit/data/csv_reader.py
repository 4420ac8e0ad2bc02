"""The line-by-line CSV reader: every record one physical line, read by Python's ``csv`` module.

It reads any CSV a return may be (quotes, ragged rows, notes among the data) and names what it
cannot take: a quoted field running over lines, a row shorter than the header. A plain file
may be read column by column instead (:mod:`toolkit.data.columnar`), which declines whenever it
could read the file differently from this reader.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .encoding import detect_encoding
from .problems import Problem, ValidationError
from .raw import MAX_TITLE_ROWS, NOTE_FIRST_CELLS, RawTable, is_note_row, is_title_row, rows_grid


class _Rows:
    """Collects rows into compact 2-D blocks as it goes (a 100,000-row return would otherwise
    hold 100,000 Python lists)."""

    BLOCK = 5000

    def __init__(self):
        self.blocks: list[np.ndarray] = []
        self.pending: list[list] = []

    def append(self, row: list) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.BLOCK:
            self.blocks.append(rows_grid([self.pending]))
            self.pending = []

    def grid(self) -> np.ndarray:
        if self.pending or not self.blocks:
            self.blocks.append(rows_grid([self.pending]))
            self.pending = []
        width = max(b.shape[1] for b in self.blocks)
        blocks = [b if b.shape[1] == width else np.hstack([b, np.full((len(b), width - b.shape[1]), None, dtype=object)])
                  for b in self.blocks]
        return blocks[0] if len(blocks) == 1 else np.vstack(blocks)


#: field separators a CSV may use: the comma, and what Excel writes for "Unicode text" (tab) or
#: in locales whose decimal mark is a comma (semicolon)
DELIMITERS = (",", "\t", ";")


def sniff_delimiter(lines: list[str]) -> str:
    """The field separator of a CSV: the candidate that splits the header into the most fields.

    The header is the first non-empty line that is not a ``#`` note. A return's header has
    dozens of columns, so the separator the office's program used is never in doubt; a
    header with a single field keeps the comma (and the missing columns are then reported).

    Parameters
    ----------
    lines : list of str
        The first lines of the file, decoded.

    Returns
    -------
    str
        One of :data:`DELIMITERS`.

    Examples
    --------
    >>> sniff_delimiter(["# note", "unit_id;year;L1P1", "B1;2024;1,5"])
    ';'
    >>> sniff_delimiter(['"a,b";c;d']), sniff_delimiter(["unit_id"])
    (';', ',')
    """
    header = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    widths = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (widths[d], d == ","))
    return best if widths[best] > 1 else ","


def read_csv(path: Path, label_cells: frozenset = NOTE_FIRST_CELLS, columnar=None) -> RawTable:
    """The cells of the CSV at ``path`` (see :func:`toolkit.data.sources.read_raw`): its encoding
    and separator found, then read by ``columnar`` when given and it accepts the file, else line by line."""
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        head = [ln for _, ln in zip(range(50), fh, strict=False)]
        delimiter = sniff_delimiter(head)
        if columnar is not None:
            raw = columnar(path, encoding, delimiter, label_cells)
            if raw is not None:
                return raw
        fh.seek(0)
        return _parse_csv(path, csv.reader(fh, delimiter=delimiter), label_cells)


def parse_csv_lines(path: Path, lines: list[str], delimiter: str, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    """The line-by-line reader on ``lines`` (decoded, without line ends) of the file ``path``."""
    return _parse_csv(path, csv.reader(lines, delimiter=delimiter), label_cells)


def _parse_csv(path: Path, reader, label_cells: frozenset = NOTE_FIRST_CELLS) -> RawTable:
    """The cells of a CSV, one record per physical line: a quoted field that runs on to a later
    line (a stray ``"`` in front of a name swallows the lines after it) is an error naming the
    line where the quote opens and the line where it closes; a row with fewer fields than the
    header (a deleted cell: the values after it moved left) is an error naming its row; rows of
    empty fields are skipped with a note, so every non-empty line is accounted for."""
    header, rows, numbers, header_row, notes, titles = None, _Rows(), [], 1, [], []
    intern = {}.setdefault
    spans: list[tuple[int, int, int]] = []  # (opening line, closing line, field)
    short: list[tuple[int, int]] = []  # (line, fields)
    blank: list[int] = []
    width, last = 0, 0
    for cells in reader:
        first, last = last + 1, reader.line_num
        if last > first:  # the csv module runs a record on only inside quotes
            j = next((k for k, c in enumerate(cells) if "\n" in c or "\r" in c), len(cells) - 1)
            spans.append((first + sum(c.count("\n") for c in cells[:j]), last, j))
            if len(spans) > 20:
                break
            continue
        if header is None:
            if any(c.strip() for c in cells):
                if is_title_row(cells) and len(titles) < MAX_TITLE_ROWS:
                    titles.append((reader.line_num, cells))
                else:
                    header, header_row = cells, reader.line_num
                    width = len(cells)
                    while width and not cells[width - 1].strip():
                        width -= 1
                    notes.extend(" ".join(c.strip() for c in t if c.strip()) for _, t in titles)
            continue
        if cells and cells[0][:1] in ("#", " ", "\t") and is_note_row(cells, label_cells):
            notes.append(" ".join(c for c in cells if c.strip()))
            continue
        if not "".join(cells).strip():
            if cells:
                blank.append(last)
            continue
        if len(cells) < width:
            short.append((last, len(cells)))
        # one object per distinct text: a 100,000-row return repeats most cells (0/1, cities);
        # empty cells become None when the block is built
        rows.append(list(map(intern, cells, cells)))
        numbers.append(reader.line_num)
    if spans or short:
        raise ValidationError(_span_problems(path, header, spans, reader.line_num) + _short_problems(path, header, width, short),
                              str(path))
    if header is None and titles:  # nothing but one-cell rows: the first is the header after all
        (header_row, header), titles = titles[0], titles[1:]
        for n, cells in titles:
            rows.append(cells)
            numbers.append(n)
    if blank:
        shown = ", ".join(map(str, blank[:5])) + (f" … ({len(blank)})" if len(blank) > 5 else "")
        notes.append(f"第 {shown} 行只有空字段，已跳过 | line {shown}: only empty fields, skipped")
    grid = rows.grid() if numbers else []
    return RawTable(path, header or [], grid, numbers, header_row=header_row, notes=tuple(notes))


def _column_name(header, j: int) -> str:
    return str(header[j]).strip() if header and j < len(header) and str(header[j]).strip() else f"#{j + 1}"


def _span_problems(path: Path, header, spans, end: int) -> list[Problem]:
    out = []
    for opened, closed, j in spans:
        col = _column_name(header, j)
        zh_end = f"到文件末尾（第 {closed} 行）仍未结束" if closed == end else f"到第 {closed} 行才结束"
        en_end = f"is never closed (the file ends on line {closed})" if closed == end else f"closes only on line {closed}"
        out.append(Problem(
            str(path), opened, col, None, "multiline_field",
            f"第 {opened} 行 {col} 列以引号（\"）开始的字段{zh_end}，第 {opened}–{closed} 行被并成了一行：填报表的字段不能跨行。"
            "多半是名称开头多了一个引号：请删除它（或补上配对的引号）后重新保存",
            f"line {opened}, column {col}: the quote (\") that opens this field {en_end}, so lines {opened}–{closed} "
            "were read as one record: a return's fields never span lines. Most likely a name starts with a stray "
            "quote: remove it (or close it) and save again"))
    return out


def _short_problems(path: Path, header, width: int, short) -> list[Problem]:
    col = _column_name(header, width - 1)
    return [Problem(str(path), line, col, n, "short_row",
                    f"第 {line} 行只有 {n} 个字段，表头有 {width} 列：可能删除了一个单元格，其后的值向左移动了。请补回缺少的单元格（空值也要保留分隔符）",
                    f"line {line} has {n} fields where the header has {width}: a cell was probably deleted and the "
                    "values after it moved left. Put the missing cell back (an empty value keeps its separator)")
            for line, n in short[:50]]


